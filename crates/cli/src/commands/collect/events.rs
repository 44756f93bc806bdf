//! What a beacon body must be, and the JSON lines it becomes (`docs/events.md` section 7).

use std::time::{SystemTime, UNIX_EPOCH};

use alsobought_core::events::SCHEMA_VERSION;
use serde_json::{Map, Value};

/// Events in one body, at most: a widget sends batches of 20. Counted after parsing,
/// so it is checked here rather than in a middleware layer; the body's size, which
/// bounds the parsing, is a layer.
const MAX_EVENTS_PER_BODY: usize = 1000;

/// The JSON lines to append for a beacon body: each event with `received_at`, and
/// `v` from the envelope when the event lacks it; or what is wrong with the body.
pub fn beacon_lines(body: &[u8], received_at_ms: u64) -> Result<Vec<u8>, String> {
    let envelope: Value = serde_json::from_slice(body).map_err(|error| {
        format!("the body is not JSON ({error}); expected {{\"v\":1,\"events\":[...]}}")
    })?;
    let Value::Object(mut envelope) = envelope else {
        return Err(
            "the body is not a JSON object; expected {\"v\":1,\"events\":[...]}".to_owned(),
        );
    };
    match envelope.get("v").and_then(Value::as_u64) {
        Some(SCHEMA_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "schema version {other} is not supported (this collector takes {SCHEMA_VERSION})"
            ))
        }
        None => return Err("the body has no numeric \"v\" (schema version)".to_owned()),
    }
    let Some(Value::Array(events)) = envelope.remove("events") else {
        return Err("the body has no \"events\" array".to_owned());
    };
    if events.len() > MAX_EVENTS_PER_BODY {
        return Err(format!(
            "{} events in one body; at most {MAX_EVENTS_PER_BODY}",
            events.len()
        ));
    }
    let mut lines = Vec::with_capacity(body.len() + events.len() * 32);
    for (index, event) in events.into_iter().enumerate() {
        let Value::Object(mut event) = event else {
            return Err(format!("event {index} is not a JSON object"));
        };
        if !matches!(event.get("type"), Some(Value::String(_))) {
            return Err(format!("event {index} has no string \"type\""));
        }
        event
            .entry("v")
            .or_insert_with(|| Value::from(SCHEMA_VERSION));
        event.insert("received_at".to_owned(), Value::from(received_at_ms));
        serde_json::to_writer(&mut lines, &Map::from_iter(event))
            .map_err(|error| format!("event {index} cannot be stored: {error}"))?;
        lines.push(b'\n');
    }
    Ok(lines)
}

/// Milliseconds since the Unix epoch: the `received_at` of what arrives now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_get_the_receive_time_and_the_envelope_version() {
        let lines = beacon_lines(
            br#"{"v":1,"events":[{"type":"click","visitor_id":"a"},{"v":1,"type":"impression"}]}"#,
            42,
        )
        .unwrap();
        let lines: Vec<Value> = String::from_utf8(lines)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["v"], 1);
        assert_eq!(lines[0]["received_at"], 42);
        assert_eq!(lines[0]["visitor_id"], "a");
        assert_eq!(lines[1]["type"], "impression");
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        for (body, expected) in [
            (&b"nope"[..], "the body is not JSON"),
            (b"[1]", "not a JSON object"),
            (b"{\"events\":[]}", "no numeric \"v\""),
            (
                b"{\"v\":2,\"events\":[]}",
                "schema version 2 is not supported",
            ),
            (b"{\"v\":1}", "no \"events\" array"),
            (b"{\"v\":1,\"events\":[3]}", "event 0 is not a JSON object"),
            (
                b"{\"v\":1,\"events\":[{\"type\":1}]}",
                "event 0 has no string \"type\"",
            ),
        ] {
            let message = beacon_lines(body, 0).unwrap_err();
            assert!(message.contains(expected), "{message}");
        }
        let many = format!(
            "{{\"v\":1,\"events\":[{}]}}",
            vec!["{\"type\":\"click\"}"; 1001].join(",")
        );
        assert!(beacon_lines(many.as_bytes(), 0)
            .unwrap_err()
            .contains("1001 events"));
    }
}
