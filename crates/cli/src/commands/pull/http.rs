//! The pull's HTTP: one blocking client (ureq over rustls), bounded retries with
//! backoff for what a retry can fix (a dropped connection, a timeout, a 5xx), HTTP 429
//! answered by waiting as long as `Retry-After` says, and replies turned into text or
//! a reader. What a 4xx means is for each platform to say: it knows the fix.

use std::io::Read;
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context};
use ureq::http::Response;
use ureq::{Agent, Body};

/// Attempts at one request that fails for a reason a retry can fix.
const ATTEMPTS: u32 = 5;

/// The first wait before a retry; each further one doubles.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// 429 replies in a row before giving up (each waited out as the server asked).
const MAX_RATE_LIMITED: u32 = 30;

/// How long a 429 without a usable `Retry-After` makes us wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(2);

/// A read that waits longer than this for a byte is a dropped connection.
const STALLED_READ: Duration = Duration::from_secs(120);

/// Bodies read as text are API replies, never larger than this.
const MAX_TEXT_BODY: u64 = 64 << 20;

/// A reply that is not a 2xx, 429 or 5xx: for the platform to explain.
pub struct Refused {
    /// The HTTP status.
    pub status: u16,
    /// The start of the body, as evidence.
    pub body: String,
}

/// The HTTP client of one pull.
pub struct Http {
    agent: Agent,
}

impl Http {
    /// A client with timeouts, reporting statuses instead of failing on them. No
    /// overall limit: a big store's bulk file takes as long as it takes; a stalled
    /// connection is what times out.
    pub fn new() -> Http {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_per_read(Some(STALLED_READ))
            .user_agent(concat!("alsobought/", env!("CARGO_PKG_VERSION")))
            .build();
        Http {
            agent: config.into(),
        }
    }

    /// Sends the request `make` builds (again for each retry) and returns the 2xx
    /// reply, or the refusal; `what` names the request in errors.
    pub fn send(
        &self,
        what: &str,
        make: impl Fn(&Agent) -> Result<Response<Body>, ureq::Error>,
    ) -> anyhow::Result<Result<Response<Body>, Refused>> {
        let mut failures = 0;
        let mut rate_limited = 0;
        loop {
            let problem = match make(&self.agent) {
                Ok(reply) if reply.status().is_success() => return Ok(Ok(reply)),
                Ok(reply) if reply.status().as_u16() == 429 => {
                    rate_limited += 1;
                    if rate_limited > MAX_RATE_LIMITED {
                        bail!("{what}: still rate limited (HTTP 429) after {MAX_RATE_LIMITED} waits; is another app using the same credentials heavily?");
                    }
                    thread::sleep(retry_after(&reply));
                    continue;
                }
                Ok(mut reply) if reply.status().is_server_error() => {
                    format!("HTTP {}: {}", reply.status(), evidence(&mut reply))
                }
                Ok(mut reply) => {
                    return Ok(Err(Refused {
                        status: reply.status().as_u16(),
                        body: evidence(&mut reply),
                    }))
                }
                Err(error) => error.to_string(),
            };
            failures += 1;
            if failures == ATTEMPTS {
                bail!("{what} failed {ATTEMPTS} times, the last with {problem}; check the network and the platform's status page, then run the same command again (it resumes)");
            }
            thread::sleep(FIRST_BACKOFF * 2u32.pow(failures - 1));
        }
    }

    /// Like [`Http::send`], with the body read as text; a refusal is an error made by
    /// `explain`.
    pub fn text(
        &self,
        what: &str,
        make: impl Fn(&Agent) -> Result<Response<Body>, ureq::Error>,
        explain: impl FnOnce(Refused) -> anyhow::Error,
    ) -> anyhow::Result<(Response<()>, String)> {
        let reply = self.send(what, make)?.map_err(explain)?;
        let (parts, mut body) = reply.into_parts();
        let text = body
            .with_config()
            .limit(MAX_TEXT_BODY)
            .read_to_string()
            .with_context(|| format!("{what}: cannot read the reply"))?;
        Ok((Response::from_parts(parts, ()), text))
    }
}

/// The wait a 429 asks for: `Retry-After` in seconds (Shopify sends fractions).
fn retry_after<T>(reply: &Response<T>) -> Duration {
    reply
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map_or(DEFAULT_RETRY_AFTER, |seconds| {
            Duration::from_secs_f64(seconds.min(3600.0))
        })
}

/// The first 300 characters of a reply's body, for an error message.
fn evidence(reply: &mut Response<Body>) -> String {
    let mut text = String::new();
    // A body that cannot be read is no evidence; the status still is.
    let _ = reply
        .body_mut()
        .as_reader()
        .take(4096)
        .read_to_string(&mut text);
    let text: String = text.trim().chars().take(300).collect();
    if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text
    }
}
