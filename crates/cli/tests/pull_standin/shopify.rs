//! A stand-in of Shopify's Admin GraphQL API (version 2025-10) for `pull_shopify.rs`:
//! what the pull relies on, as documented:
//!
//! - <https://shopify.dev/docs/api/usage/limits>: a leaky bucket of 2,000 points
//!   refilled at 100 points a second (the Standard plan's figures), each query's
//!   `requestedQueryCost` taken before it runs and the unused part refunded, a query
//!   the bucket cannot pay answered `THROTTLED` with no data; every reply reports
//!   `extensions.cost.throttleStatus`. For speed the stand-in runs its clock
//!   [`TIME_FACTOR`] times fast: it restores 100 × TIME_FACTOR points a second and
//!   *says so* in `restoreRate`, which is the figure the client must pace itself by.
//!   It counts every query that arrives when the bucket cannot pay for it
//!   (`over_budget`): the tests assert zero.
//! - <https://shopify.dev/docs/api/usage/bulk-operations/queries>:
//!   `bulkOperationRunQuery`, `node(id:)` on a `BulkOperation` (`CREATED`, `RUNNING`,
//!   then `COMPLETED` with a `url`, or `FAILED` with an `errorCode`), the result as
//!   JSONL with each line item on its own line naming its order in `__parentId`,
//!   listed after its order but not always right after.
//! - <https://shopify.dev/docs/api/admin-graphql/2025-10/queries/orders>: `orders(first:,
//!   after:, query: "updated_at:>='…'", sortKey: UPDATED_AT)` with opaque cursors,
//!   nested `lineItems(first:)` paged further through `order(id:)`.
//! - HTTP 401 with Shopify's body for a wrong token, 429 with `Retry-After`, 5xx.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{date, hold, kill_when, serve};
use crate::common::{Run, Scratch};

/// How many times faster than real time the stand-in's bucket refills.
pub const TIME_FACTOR: f64 = 100.0;
pub const MAXIMUM_AVAILABLE: f64 = 2000.0;
pub const RESTORE_RATE: f64 = 100.0 * TIME_FACTOR;
pub const TOKEN: &str = "shpat_stand_in";
pub const STORE: &str = "stand-in.myshopify.com";

#[derive(Clone)]
pub struct Order {
    id: u64,
    created_at: String,
    updated_at: String,
    cancelled: bool,
    refunded: bool,
    /// (sku, variant id, handle, quantity)
    lines: Vec<(String, u64, String, i64)>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum BulkOutcome {
    Completes,
    Fails(&'static str),
}

/// The stand-in's store and its counters.
pub struct Shop {
    pub orders: BTreeMap<u64, Order>,
    pub clock: u64,
    pub available: f64,
    pub refilled_at: Instant,
    pub bulk_outcome: BulkOutcome,
    pub bulk: Option<(String, String, u32)>,
    /// Requests answered so far (any kind).
    pub requests: usize,
    /// The request (1-based) that is never answered, to kill the client mid-pull.
    pub hang_at: Option<usize>,
    /// Replies of these kinds to give once: 429, 502.
    pub rate_limit_once: bool,
    pub fail_once: bool,
    pub over_budget: u32,
    pub lowest_available: f64,
    pub bulk_runs: u32,
    pub orders_paged: u64,
    pub line_follow_ups: u32,
    pub rate_limited: u32,
}

/// Seconds since the stand-in's epoch as an ISO 8601 instant in UTC.
pub fn instant(seconds: u64) -> String {
    format!("{}Z", date(seconds))
}

impl Shop {
    /// `count` orders of 1 to 4 lines (one of 35, to page its line items), placed a
    /// second apart; SKU-less lines fall back to their variant.
    pub fn new(count: u64) -> Shop {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let mut orders = BTreeMap::new();
        for id in 1..=count {
            let lines = if id == 3 { 35 } else { 1 + next(4) };
            let lines = (0..lines)
                .map(|_| {
                    let product = next(500);
                    let sku = if product % 7 == 0 {
                        String::new()
                    } else {
                        format!("SKU-{product}")
                    };
                    (
                        sku,
                        1000 + product,
                        format!("product-{}", product / 3),
                        1 + next(2) as i64,
                    )
                })
                .collect();
            let at = instant(id);
            orders.insert(
                id,
                Order {
                    id,
                    created_at: at.clone(),
                    updated_at: at,
                    cancelled: false,
                    refunded: false,
                    lines,
                },
            );
        }
        Shop {
            orders,
            clock: count + 1,
            available: MAXIMUM_AVAILABLE,
            refilled_at: Instant::now(),
            bulk_outcome: BulkOutcome::Completes,
            bulk: None,
            requests: 0,
            hang_at: None,
            rate_limit_once: false,
            fail_once: false,
            over_budget: 0,
            lowest_available: MAXIMUM_AVAILABLE,
            bulk_runs: 0,
            orders_paged: 0,
            line_follow_ups: 0,
            rate_limited: 0,
        }
    }

    /// Changes `ids` now: a line added, every third one cancelled, every fifth refunded;
    /// new orders appended.
    pub fn change(&mut self, ids: impl IntoIterator<Item = u64>, new_orders: u64) {
        for id in ids {
            let now = instant(self.clock);
            self.clock += 1;
            let order = self.orders.get_mut(&id).expect("a known order");
            order.updated_at = now;
            order
                .lines
                .push(("SKU-999".to_owned(), 1999, "product-333".to_owned(), 1));
            order.cancelled = id % 3 == 0;
            order.refunded = id % 5 == 0;
        }
        for _ in 0..new_orders {
            let id = self.orders.len() as u64 + 1;
            let now = instant(self.clock);
            self.clock += 1;
            self.orders.insert(
                id,
                Order {
                    id,
                    created_at: now.clone(),
                    updated_at: now,
                    cancelled: false,
                    refunded: false,
                    lines: vec![("SKU-1".to_owned(), 1001, "product-0".to_owned(), 1)],
                },
            );
        }
    }

    fn order_json(order: &Order) -> Value {
        json!({
            "id": format!("gid://shopify/Order/{}", order.id),
            "createdAt": order.created_at,
            "updatedAt": order.updated_at,
            "cancelledAt": order.cancelled.then(|| order.updated_at.clone()),
            "displayFinancialStatus": if order.refunded { "REFUNDED" } else { "PAID" },
        })
    }

    fn line_json(line: &(String, u64, String, i64)) -> Value {
        let (sku, variant, handle, quantity) = line;
        json!({
            "sku": sku,
            "name": format!("{handle} - variant {variant}"),
            "quantity": quantity,
            "variant": { "id": format!("gid://shopify/ProductVariant/{variant}"), "sku": null },
            "product": { "handle": handle },
        })
    }

    /// The bulk result: orders by update time, each pair's line items after both.
    fn bulk_jsonl(&self) -> String {
        let mut sorted: Vec<&Order> = self.orders.values().collect();
        sorted.sort_by(|a, b| (&a.updated_at, a.id).cmp(&(&b.updated_at, b.id)));
        let mut text = String::new();
        for pair in sorted.chunks(2) {
            for order in pair {
                text += &Self::order_json(order).to_string();
                text.push('\n');
            }
            for order in pair {
                for line in &order.lines {
                    let mut line = Self::line_json(line);
                    line["__parentId"] = json!(format!("gid://shopify/Order/{}", order.id));
                    text += &line.to_string();
                    text.push('\n');
                }
            }
        }
        text
    }

    /// Takes `requested` points from the bucket, or counts a violation.
    fn spend(&mut self, requested: f64) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.refilled_at).as_secs_f64();
        self.available = (self.available + elapsed * RESTORE_RATE).min(MAXIMUM_AVAILABLE);
        self.refilled_at = now;
        if self.available < requested {
            self.over_budget += 1;
            return false;
        }
        self.available -= requested;
        self.lowest_available = self.lowest_available.min(self.available);
        true
    }

    fn cost(&self, requested: f64, actual: Option<f64>) -> Value {
        json!({ "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": MAXIMUM_AVAILABLE,
                "currentlyAvailable": self.available.floor(),
                "restoreRate": RESTORE_RATE,
            },
        }})
    }

    /// Answers one GraphQL request: (data, requested cost, actual cost).
    fn answer(&mut self, query: &str, variables: &Value, base: &str) -> (Value, f64, f64) {
        if query.contains("bulkOperationRunQuery") {
            self.bulk_runs += 1;
            let id = format!("gid://shopify/BulkOperation/{}", self.bulk_runs);
            self.bulk = Some((id.clone(), instant(self.clock), 0));
            let data = json!({ "bulkOperationRunQuery": {
                "bulkOperation": { "id": id, "status": "CREATED" }, "userErrors": [] } });
            return (data, 10.0, 10.0);
        }
        if query.contains("on BulkOperation") {
            let (id, created_at, polls) = self.bulk.as_mut().expect("a bulk operation runs");
            *polls += 1;
            let (status, error_code, url) = match (*polls, self.bulk_outcome) {
                (1, _) => ("RUNNING", None, None),
                (_, BulkOutcome::Fails(code)) => ("FAILED", Some(code), None),
                (_, BulkOutcome::Completes) => {
                    ("COMPLETED", None, Some(format!("{base}/bulk/result.jsonl")))
                }
            };
            let data = json!({ "node": { "id": id, "status": status, "errorCode": error_code,
                "createdAt": created_at, "objectCount": "0", "url": url } });
            return (data, 1.0, 1.0);
        }
        if query.contains("order(id:") {
            self.line_follow_ups += 1;
            let id: u64 = numeric(variables["id"].as_str().unwrap());
            let after: usize = variables["cursor"]
                .as_str()
                .map_or(0, |cursor| cursor.parse().unwrap());
            let first = first_of(query, "lineItems(first: ");
            let lines = &self.orders[&id].lines;
            let end = (after + first).min(lines.len());
            let data = json!({ "order": { "lineItems": {
                "pageInfo": { "hasNextPage": end < lines.len(), "endCursor": end.to_string() },
                "edges": lines[after..end].iter().map(|line| json!({ "node": Self::line_json(line) })).collect::<Vec<_>>(),
            }}});
            return (
                data,
                2.0 + first as f64 * 3.0,
                2.0 + (end - after) as f64 * 3.0,
            );
        }
        assert!(query.contains("orders(first: "), "unexpected query {query}");
        let first = first_of(query, "orders(first: ");
        let lines_first = first_of(query, "lineItems(first: ");
        let since = variables["query"].as_str().unwrap();
        let since = since
            .strip_prefix("updated_at:>='")
            .and_then(|rest| rest.strip_suffix('\''))
            .unwrap_or_else(|| panic!("unexpected search {since}"));
        let after = variables["cursor"].as_str().map(|cursor| {
            let (at, id) = cursor.split_once('|').unwrap();
            (at.to_owned(), id.parse::<u64>().unwrap())
        });
        let mut matching: Vec<&Order> = self
            .orders
            .values()
            .filter(|order| order.updated_at.as_str() >= since)
            .filter(|order| {
                after
                    .as_ref()
                    .is_none_or(|(at, id)| (&order.updated_at, order.id) > (at, *id))
            })
            .collect();
        matching.sort_by(|a, b| (&a.updated_at, a.id).cmp(&(&b.updated_at, b.id)));
        let page = &matching[..first.min(matching.len())];
        self.orders_paged += page.len() as u64;
        let edges: Vec<Value> = page
            .iter()
            .map(|order| {
                let mut node = Self::order_json(order);
                let shown = lines_first.min(order.lines.len());
                node["lineItems"] = json!({
                    "pageInfo": { "hasNextPage": shown < order.lines.len(), "endCursor": shown.to_string() },
                    "edges": order.lines[..shown].iter().map(|line| json!({ "node": Self::line_json(line) })).collect::<Vec<_>>(),
                });
                json!({ "node": node })
            })
            .collect();
        let end_cursor = page
            .last()
            .map(|order| format!("{}|{}", order.updated_at, order.id));
        let data = json!({ "orders": {
            "pageInfo": { "hasNextPage": matching.len() > first, "endCursor": end_cursor },
            "edges": edges } });
        let per_order = 1.0 + 2.0 + lines_first as f64 * 3.0;
        (
            data,
            2.0 + first as f64 * per_order,
            2.0 + page.len() as f64 * per_order,
        )
    }
}

pub fn numeric(gid: &str) -> u64 {
    gid.rsplit('/').next().unwrap().parse().unwrap()
}

/// The `N` of `prefix N` in a query.
pub fn first_of(query: &str, prefix: &str) -> usize {
    let at = query
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {query}"))
        + prefix.len();
    query[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

pub type Shared = Arc<Mutex<Shop>>;

pub async fn graphql(
    State((shop, base)): State<(Shared, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let hang = {
        let mut shop = shop.lock().unwrap();
        shop.requests += 1;
        shop.hang_at == Some(shop.requests)
    };
    if hang {
        hold().await;
    }
    if headers
        .get("x-shopify-access-token")
        .and_then(|value| value.to_str().ok())
        != Some(TOKEN)
    {
        return (StatusCode::UNAUTHORIZED, r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#).into_response();
    }
    let mut shop = shop.lock().unwrap();
    if std::mem::take(&mut shop.rate_limit_once) {
        shop.rate_limited += 1;
        return (StatusCode::TOO_MANY_REQUESTS, [("Retry-After", "0.2")], "").into_response();
    }
    if std::mem::take(&mut shop.fail_once) {
        return (StatusCode::BAD_GATEWAY, "upstream hiccup").into_response();
    }
    let request: Value = serde_json::from_str(&body).expect("a JSON body");
    let query = request["query"].as_str().expect("a query");
    // A throttled query is answered with no data, so it pages nothing: the counts the
    // tests read are of orders and lines actually served.
    let served_before = (shop.orders_paged, shop.line_follow_ups);
    let (data, requested, actual) = shop.answer(query, &request["variables"], &base);
    let reply = if shop.spend(requested) {
        shop.available += requested - actual;
        json!({ "data": data, "extensions": shop.cost(requested, Some(actual)) })
    } else {
        (shop.orders_paged, shop.line_follow_ups) = served_before;
        json!({
            "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits" } }],
            "extensions": shop.cost(requested, None),
        })
    };
    (
        StatusCode::OK,
        [("Content-Type", "application/json")],
        reply.to_string(),
    )
        .into_response()
}

pub async fn bulk_result(State((shop, _)): State<(Shared, String)>) -> String {
    shop.lock().unwrap().bulk_jsonl()
}

/// A running stand-in; the server thread ends with the test process.
pub struct StandIn {
    pub shop: Shared,
    pub base: String,
}

impl StandIn {
    pub fn start(orders: u64) -> StandIn {
        let shop = Arc::new(Mutex::new(Shop::new(orders)));
        let state = shop.clone();
        let base = serve(|base| {
            Router::new()
                .route("/admin/api/2025-10/graphql.json", post(graphql))
                .route("/bulk/result.jsonl", get(bulk_result))
                .with_state((state, base.to_owned()))
        });
        StandIn { shop, base }
    }

    pub fn shop(&self) -> std::sync::MutexGuard<'_, Shop> {
        self.shop.lock().unwrap()
    }

    pub fn command(&self, scratch: &Scratch, token: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_alsobought"));
        command
            .args([
                "pull",
                "--shopify",
                STORE,
                "--token-env",
                "SHOP_TOKEN",
                "--out",
                "orders.jsonl",
            ])
            .args(["--api-base", &self.base])
            .env("SHOP_TOKEN", token)
            .current_dir(scratch.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    pub fn pull(&self, scratch: &Scratch) -> Run {
        Run::from(self.command(scratch, TOKEN).output().unwrap())
    }

    /// Starts a pull, waits until the stand-in holds its request number `at`
    /// unanswered, and kills it there.
    pub fn pull_killed_at(&self, scratch: &Scratch, at: usize) {
        let hang_at = self.shop().requests + at;
        self.shop().hang_at = Some(hang_at);
        let child = self.command(scratch, TOKEN).spawn().unwrap();
        kill_when(child, || self.shop().requests >= hang_at);
        self.shop().hang_at = None;
    }
}
