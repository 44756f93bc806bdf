//! Shopify's Admin GraphQL API as the pull uses it: one endpoint of a pinned, dated
//! version, the access token in `X-Shopify-Access-Token`, and cost-based rate limits
//! kept to from the figures every reply carries.
//!
//! Rate limits (<https://shopify.dev/docs/api/usage/limits>): each app has a bucket of
//! `maximumAvailable` points per store that refills at `restoreRate` points a second;
//! a query needs its `requestedQueryCost` in the bucket, else the reply is an error
//! with `extensions.code` `THROTTLED` (and no data). Every reply reports
//! `extensions.cost { requestedQueryCost, actualQueryCost, throttleStatus {
//! maximumAvailable, currentlyAvailable, restoreRate } }`. The client waits before a
//! query until the bucket, as last reported and refilled since, holds the last
//! requested cost: it reads the figures, it does not assume a plan's.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::commands::pull::http::{Http, Refused};

/// The Admin API version the queries are written against (versions are supported
/// for a year: <https://shopify.dev/docs/api/usage/versioning>).
const API_VERSION: &str = "2025-10";

/// THROTTLED replies in a row before giving up.
const MAX_THROTTLED: u32 = 30;

/// A Shopify store's Admin GraphQL endpoint with its token and its bucket.
pub struct Shopify<'a> {
    pub(super) http: &'a Http,
    endpoint: String,
    store: String,
    token: String,
    token_env: String,
    bucket: Option<Bucket>,
    /// Queries that came back THROTTLED, for the summary (zero when pacing works).
    pub throttled: u32,
}

/// The last reported state of the rate-limit bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    available: f64,
    maximum: f64,
    restore_rate: f64,
    requested: f64,
    seen: Instant,
}

impl Bucket {
    /// How long until the bucket holds the last requested cost again.
    fn wait(&self) -> Duration {
        let refilled = self.available + self.seen.elapsed().as_secs_f64() * self.restore_rate;
        let need = self.requested.min(self.maximum);
        if refilled >= need || self.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((need - refilled) / self.restore_rate)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cost {
    requested_query_cost: Option<f64>,
    throttle_status: ThrottleStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThrottleStatus {
    maximum_available: f64,
    currently_available: f64,
    restore_rate: f64,
}

impl<'a> Shopify<'a> {
    /// The Admin API of `store` (`example.myshopify.com`), at `api_base` instead of
    /// `https://<store>` when given (a stand-in, a proxy).
    pub fn new(
        http: &'a Http,
        store: &str,
        api_base: Option<&str>,
        token: String,
        token_env: &str,
    ) -> Self {
        let base = api_base.map_or_else(|| format!("https://{store}"), str::to_owned);
        Shopify {
            http,
            endpoint: format!(
                "{}/admin/api/{API_VERSION}/graphql.json",
                base.trim_end_matches('/')
            ),
            store: store.to_owned(),
            token,
            token_env: token_env.to_owned(),
            bucket: None,
            throttled: 0,
        }
    }

    /// Runs `query` with `variables` and returns its `data`, waiting for the rate
    /// limit before it and after a THROTTLED reply.
    pub fn query(&mut self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut throttled_in_a_row = 0;
        loop {
            if let Some(bucket) = &self.bucket {
                thread::sleep(bucket.wait());
            }
            let (_, text) = self.http.text(
                "Shopify GraphQL request",
                |agent| {
                    agent
                        .post(&self.endpoint)
                        .header("X-Shopify-Access-Token", &self.token)
                        .header("Content-Type", "application/json")
                        .send(&body)
                },
                |refused| self.explain(refused),
            )?;
            let reply: Value = serde_json::from_str(&text).with_context(|| {
                format!(
                    "Shopify's reply is not JSON: {}",
                    text.chars().take(200).collect::<String>()
                )
            })?;
            self.note_cost(&reply);
            let Some(errors) = reply.get("errors").and_then(Value::as_array) else {
                return reply
                    .get("data")
                    .cloned()
                    .context("Shopify's reply has neither data nor errors");
            };
            let throttled = errors
                .iter()
                .any(|error| error.pointer("/extensions/code") == Some(&json!("THROTTLED")));
            if !throttled {
                bail!("{}", self.describe_errors(errors));
            }
            self.throttled += 1;
            throttled_in_a_row += 1;
            if throttled_in_a_row > MAX_THROTTLED {
                bail!("Shopify throttled {MAX_THROTTLED} queries in a row; another app may be using this store's API budget heavily: run the pull again later (it resumes)");
            }
            if self.bucket.is_none() {
                // A THROTTLED reply without figures: wait a little and try again.
                thread::sleep(Duration::from_secs(1));
            }
        }
    }

    fn note_cost(&mut self, reply: &Value) {
        let Some(cost) = reply
            .pointer("/extensions/cost")
            .and_then(|cost| Cost::deserialize(cost).ok())
        else {
            return;
        };
        let status = cost.throttle_status;
        let requested = cost
            .requested_query_cost
            .or(self.bucket.map(|bucket| bucket.requested))
            .unwrap_or(0.0);
        self.bucket = Some(Bucket {
            available: status.currently_available,
            maximum: status.maximum_available,
            restore_rate: status.restore_rate,
            requested,
            seen: Instant::now(),
        });
    }

    /// GraphQL errors as one message, with the fix for the ones we know.
    fn describe_errors(&self, errors: &[Value]) -> String {
        let messages: Vec<String> = errors
            .iter()
            .map(|error| {
                let message = error.get("message").and_then(Value::as_str).unwrap_or("?");
                match error.pointer("/extensions/code").and_then(Value::as_str) {
                    Some(code) => format!("{message} ({code})"),
                    None => message.to_owned(),
                }
            })
            .collect();
        let joined = messages.join("; ");
        let hint = if joined.contains("ACCESS_DENIED") {
            ": the app needs the read_orders scope, and read_all_orders for orders older than 60 days"
        } else {
            ""
        };
        format!("Shopify refused the query: {joined}{hint}")
    }

    /// What an HTTP refusal of the GraphQL endpoint means, and what to check.
    fn explain(&self, refused: Refused) -> anyhow::Error {
        let Refused { status, body } = refused;
        let (store, variable) = (&self.store, &self.token_env);
        match status {
            401 => anyhow!("Shopify refused the access token (HTTP 401: {body}): check that ${variable} holds the Admin API access token (shpat_...) of an app installed on {store}"),
            403 => anyhow!("Shopify denied access (HTTP 403: {body}): the app needs the read_orders scope, and read_all_orders for orders older than 60 days"),
            404 => anyhow!("no Shopify Admin API at {} (HTTP 404): check that --shopify is the store's myshopify.com domain (example.myshopify.com), not its own domain", self.endpoint),
            402 | 423 => anyhow!("Shopify answered HTTP {status} for {store} ({body}): the store is frozen or locked; it must be reactivated"),
            _ => anyhow!("Shopify answered HTTP {status}: {body}"),
        }
    }
}

/// The numeric id at the end of a global id: `gid://shopify/Order/123` → `123`.
pub fn numeric_id(gid: &str) -> &str {
    gid.rsplit_once('/').map_or(gid, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_waits_for_the_missing_points_at_the_restore_rate() {
        let bucket = Bucket {
            available: 100.0,
            maximum: 2000.0,
            restore_rate: 100.0,
            requested: 600.0,
            seen: Instant::now(),
        };
        let wait = bucket.wait().as_secs_f64();
        assert!((4.9..=5.0).contains(&wait), "{wait}");
        let full = Bucket {
            available: 2000.0,
            ..bucket
        };
        assert_eq!(full.wait(), Duration::ZERO);
    }

    #[test]
    fn global_ids_end_in_the_numeric_id() {
        assert_eq!(numeric_id("gid://shopify/Order/123"), "123");
        assert_eq!(numeric_id("123"), "123");
    }
}
