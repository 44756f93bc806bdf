//! When the beacon queue is sent and how it is cut into bodies (docs/events.md
//! section 6.3): one queue per collector URL, sent when it holds
//! [`FLUSH_AT_EVENTS`] events or [`MAX_UNSENT_AGE_MS`] after its oldest unsent event
//! was queued (the browser side then waits until the page is loaded and idle), and at
//! once when the page is hidden; each body at most [`MAX_BODY_BYTES`].
//!
//! Plain Rust on event texts, so the policy is tested natively; `beacon.rs` owns the
//! timers, the page listeners and `navigator.sendBeacon`.

/// A queue this long is sent without waiting for its timer.
pub const FLUSH_AT_EVENTS: usize = 20;

/// How long the oldest unsent event may wait before its queue is sent.
pub const MAX_UNSENT_AGE_MS: u32 = 5_000;

/// The largest body: `sendBeacon` may queue at most 64 KiB per page at a time, and a
/// `keepalive` fetch shares that budget.
pub const MAX_BODY_BYTES: usize = 60_000;

const BODY_START: &str = "{\"v\":1,\"events\":[";
const BODY_END: &str = "]}";

/// What the browser side should do after an event was queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterPush {
    /// The queue was empty: send it once [`MAX_UNSENT_AGE_MS`] have passed, unless it
    /// was sent meanwhile (the timer carries this number; see [`BeaconQueue::is_due`]).
    StartTimer(u32),
    /// The queue is full: send it as soon as the page is idle.
    SendWhenIdle,
    /// A timer is already running.
    Wait,
}

/// The unsent events for one collector URL.
#[derive(Debug, Default)]
pub struct BeaconQueue {
    /// The collector URL, as the store wrote it.
    pub url: String,
    events: Vec<String>,
    /// Counts sends, so that a timer started before a send knows it is stale.
    sends: u32,
}

/// The bodies to send, and how many events were too large for any body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Bodies {
    /// `{"v":1,"events":[...]}` texts, each at most [`MAX_BODY_BYTES`].
    pub texts: Vec<String>,
    /// Events larger than a body may be on their own: not sent.
    pub oversized: usize,
}

impl BeaconQueue {
    /// An empty queue for `url`.
    pub fn new(url: &str) -> Self {
        BeaconQueue {
            url: url.into(),
            ..Self::default()
        }
    }

    /// Queues one event (its JSON text).
    pub fn push(&mut self, event: String) -> AfterPush {
        self.events.push(event);
        if self.events.len() >= FLUSH_AT_EVENTS {
            AfterPush::SendWhenIdle
        } else if self.events.len() == 1 {
            AfterPush::StartTimer(self.sends)
        } else {
            AfterPush::Wait
        }
    }

    /// Whether a timer started at `timer` still has events to send (none were sent since).
    pub fn is_due(&self, timer: u32) -> bool {
        timer == self.sends && !self.events.is_empty()
    }

    /// Empties the queue into bodies.
    pub fn take_bodies(&mut self) -> Bodies {
        self.sends = self.sends.wrapping_add(1);
        bodies(core::mem::take(&mut self.events))
    }
}

/// Packs events, in order, into as few bodies as fit [`MAX_BODY_BYTES`].
pub fn bodies(events: Vec<String>) -> Bodies {
    let mut result = Bodies::default();
    let mut body = String::new();
    for event in events {
        let fixed = BODY_START.len() + BODY_END.len();
        if fixed + event.len() > MAX_BODY_BYTES {
            result.oversized += 1;
            continue;
        }
        if !body.is_empty() && body.len() + 1 + event.len() + BODY_END.len() > MAX_BODY_BYTES {
            body.push_str(BODY_END);
            result.texts.push(core::mem::take(&mut body));
        }
        if body.is_empty() {
            body.push_str(BODY_START);
        } else {
            body.push(',');
        }
        body.push_str(&event);
    }
    if !body.is_empty() {
        body.push_str(BODY_END);
        result.texts.push(body);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(number: usize, size: usize) -> String {
        let prefix = format!("{{\"n\":{number},\"pad\":\"");
        let pad = size - prefix.len() - 2;
        format!("{prefix}{}\"}}", "x".repeat(pad))
    }

    #[test]
    fn the_first_event_starts_the_timer_and_the_twentieth_sends_at_once() {
        let mut queue = BeaconQueue::new("/collect");
        let AfterPush::StartTimer(timer) = queue.push(event(0, 40)) else {
            panic!("the first event starts the 5 s timer");
        };
        for number in 1..FLUSH_AT_EVENTS - 1 {
            assert_eq!(queue.push(event(number, 40)), AfterPush::Wait);
        }
        assert!(queue.is_due(timer));
        assert_eq!(queue.push(event(19, 40)), AfterPush::SendWhenIdle);
        let sent = queue.take_bodies();
        assert_eq!(sent.texts.len(), 1);
        assert!(
            !queue.is_due(timer),
            "a timer started before a send is stale"
        );
        assert!(matches!(queue.push(event(20, 40)), AfterPush::StartTimer(next) if next != timer));
    }

    #[test]
    fn an_empty_queue_sends_nothing() {
        let mut queue = BeaconQueue::new("/collect");
        assert_eq!(queue.take_bodies(), Bodies::default());
        assert!(!queue.is_due(0));
    }

    #[test]
    fn bodies_are_the_documented_envelope_and_parse_as_json() {
        let sent = bodies(vec![
            "{\"type\":\"click\"}".into(),
            "{\"type\":\"impression\"}".into(),
        ]);
        assert_eq!(
            sent.texts,
            ["{\"v\":1,\"events\":[{\"type\":\"click\"},{\"type\":\"impression\"}]}"]
        );
        let parsed: serde_json::Value = serde_json::from_str(&sent.texts[0]).unwrap();
        assert_eq!(parsed["events"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn large_batches_are_split_below_the_limit_in_order_and_nothing_is_lost() {
        let events: Vec<String> = (0..50).map(|number| event(number, 7_000)).collect();
        let sent = bodies(events);
        assert_eq!(sent.oversized, 0);
        assert!(sent.texts.len() >= 6, "{} bodies", sent.texts.len());
        let mut seen = Vec::new();
        for text in &sent.texts {
            assert!(text.len() <= MAX_BODY_BYTES, "{} bytes", text.len());
            let body: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(body["v"], 1);
            for event in body["events"].as_array().unwrap() {
                seen.push(event["n"].as_u64().unwrap());
            }
        }
        assert_eq!(seen, (0..50).collect::<Vec<u64>>());
    }

    #[test]
    fn a_body_may_be_filled_to_exactly_the_limit_and_an_event_too_large_is_counted() {
        let overhead = BODY_START.len() + BODY_END.len();
        let exact = bodies(vec![event(0, MAX_BODY_BYTES - overhead)]);
        assert_eq!(exact.texts[0].len(), MAX_BODY_BYTES);
        let too_large = bodies(vec![
            event(0, 100),
            event(1, MAX_BODY_BYTES - overhead + 1),
            event(2, 100),
        ]);
        assert_eq!(too_large.oversized, 1);
        assert_eq!(too_large.texts.len(), 1);
        assert!(too_large.texts[0].contains("\"n\":0") && too_large.texts[0].contains("\"n\":2"));
    }
}
