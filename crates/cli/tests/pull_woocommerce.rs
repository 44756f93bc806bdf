//! `alsobought pull --woocommerce` against a stand-in of the WooCommerce REST API v3
//! (<https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders>),
//! never a live site: `GET /wp-json/wc/v3/orders` with HTTP Basic consumer key and
//! secret, `per_page` (at most 100, else HTTP 400 `rest_invalid_param`), `page`,
//! `orderby=modified`, `order=asc`, `modified_after` (strictly after, as WordPress's
//! date query), `dates_are_gmt`; `X-WP-Total` and `X-WP-TotalPages` on each reply;
//! HTTP 401 `woocommerce_rest_cannot_view` for bad credentials and, as a host's
//! rate limiter would, 429 with `Retry-After`.
//!
//! Timestamps have whole seconds, as WooCommerce's do, and several orders share one:
//! the cases that break naive paging.

mod common;
mod pull_standin;

use std::collections::BTreeMap;
use std::fs;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use common::{Run, Scratch};
use pull_standin::{date, hold, kill_when, serve};
use serde_json::{json, Value};

const KEY: &str = "ck_stand_in";
const SECRET: &str = "cs_stand_in";

#[derive(Clone)]
struct Order {
    id: u64,
    created: String,
    modified: String,
    status: &'static str,
    /// (product id, variation id, sku)
    lines: Vec<(u64, u64, String)>,
}

struct Site {
    orders: BTreeMap<u64, Order>,
    clock: u64,
    requests: usize,
    hang_at: Option<usize>,
    /// After this request, order 1 changes (a change during the pull).
    change_first_after: Option<usize>,
    rate_limit_once: bool,
    served: u64,
}

impl Site {
    /// `count` orders, three to a second, except 150 in one second (more than a page).
    fn new(count: u64) -> Site {
        let mut orders = BTreeMap::new();
        for id in 1..=count {
            let second = if (200..350).contains(&id) {
                200
            } else {
                id / 3
            };
            let product = id % 40;
            orders.insert(
                id,
                Order {
                    id,
                    created: date(second),
                    modified: date(second),
                    status: if id % 11 == 0 {
                        "refunded"
                    } else {
                        "completed"
                    },
                    lines: vec![
                        (product, 0, format!("WC-{product}")),
                        (100 + id % 7, 1000 + id % 3, String::new()),
                    ],
                },
            );
        }
        Site {
            orders,
            clock: count,
            requests: 0,
            hang_at: None,
            change_first_after: None,
            rate_limit_once: false,
            served: 0,
        }
    }

    /// Changes `ids` (three to a second, from now on) and adds `new` orders.
    fn change(&mut self, ids: impl IntoIterator<Item = u64>, new: u64) {
        for id in ids {
            let order = self.orders.get_mut(&id).unwrap();
            order.modified = date(self.clock / 3);
            order.status = "processing";
            order.lines.push((39, 0, "WC-39".to_owned()));
            self.clock += 1;
        }
        for _ in 0..new {
            let id = self.orders.len() as u64 + 1;
            let at = date(self.clock / 3);
            self.clock += 1;
            self.orders.insert(
                id,
                Order {
                    id,
                    created: at.clone(),
                    modified: at,
                    status: "processing",
                    lines: vec![(1, 0, "WC-1".to_owned())],
                },
            );
        }
    }

    fn order_json(order: &Order) -> Value {
        json!({
            "id": order.id,
            "status": order.status,
            "date_created": order.created,
            "date_created_gmt": order.created,
            "date_modified": order.modified,
            "date_modified_gmt": order.modified,
            "line_items": order.lines.iter().map(|(product, variation, sku)| json!({
                "id": product * 10_000 + variation,
                "name": format!("Product {product}"),
                "product_id": product,
                "variation_id": variation,
                "quantity": 1,
                "sku": sku,
                "price": 9.5,
            })).collect::<Vec<_>>(),
        })
    }
}

/// `a=1&b=x%3Ay` → pairs, percent-decoded.
fn parameters(query: &str) -> BTreeMap<String, String> {
    let decode = |text: &str| {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'%' => {
                    out.push(u8::from_str_radix(&text[at + 1..at + 3], 16).unwrap());
                    at += 3;
                }
                b'+' => {
                    out.push(b' ');
                    at += 1;
                }
                byte => {
                    out.push(byte);
                    at += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (decode(key), decode(value)))
        .collect()
}

type Shared = Arc<Mutex<Site>>;

async fn orders(
    State(site): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let hang = {
        let mut site = site.lock().unwrap();
        site.requests += 1;
        site.hang_at == Some(site.requests)
    };
    if hang {
        hold().await;
    }
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{SECRET}"))
    );
    if headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        != Some(expected.as_str())
    {
        let body = json!({ "code": "woocommerce_rest_cannot_view",
            "message": "Sorry, you cannot list resources.", "data": { "status": 401 } });
        return (StatusCode::UNAUTHORIZED, body.to_string()).into_response();
    }
    let mut site = site.lock().unwrap();
    if std::mem::take(&mut site.rate_limit_once) {
        return (StatusCode::TOO_MANY_REQUESTS, [("Retry-After", "1")], "").into_response();
    }
    let parameters = parameters(&query.unwrap_or_default());
    assert_eq!(parameters["orderby"], "modified");
    assert_eq!(parameters["order"], "asc");
    assert_eq!(parameters["dates_are_gmt"], "true");
    let per_page: usize = parameters["per_page"].parse().unwrap();
    if per_page > 100 {
        let body =
            json!({ "code": "rest_invalid_param", "message": "Invalid parameter(s): per_page" });
        return (StatusCode::BAD_REQUEST, body.to_string()).into_response();
    }
    let page: usize = parameters["page"].parse().unwrap();
    let after = parameters.get("modified_after");
    let mut matching: Vec<&Order> = site
        .orders
        .values()
        .filter(|order| after.is_none_or(|after| order.modified.as_str() > after.as_str()))
        .collect();
    matching.sort_by(|a, b| (&a.modified, a.id).cmp(&(&b.modified, b.id)));
    let total = matching.len();
    let shown: Vec<Value> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|order| Site::order_json(order))
        .collect();
    site.served += shown.len() as u64;
    if site.change_first_after == Some(site.requests) {
        site.change([1], 0);
    }
    let headers = [
        ("X-WP-Total", total.to_string()),
        ("X-WP-TotalPages", total.div_ceil(per_page).to_string()),
        ("Content-Type", "application/json".to_owned()),
    ];
    (StatusCode::OK, headers, Value::from(shown).to_string()).into_response()
}

struct StandIn {
    site: Shared,
    base: String,
}

impl StandIn {
    fn start(count: u64) -> StandIn {
        let site = Arc::new(Mutex::new(Site::new(count)));
        let state = site.clone();
        let base = serve(|_| {
            Router::new()
                .route("/wp-json/wc/v3/orders", get(orders))
                .with_state(state)
        });
        StandIn { site, base }
    }

    fn site(&self) -> std::sync::MutexGuard<'_, Site> {
        self.site.lock().unwrap()
    }

    fn command(&self, scratch: &Scratch, secret: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_alsobought"));
        command
            .args([
                "pull",
                "--woocommerce",
                "https://shop.example.com",
                "--out",
                "orders.jsonl",
            ])
            .args([
                "--key-env",
                "WC_KEY",
                "--secret-env",
                "WC_SECRET",
                "--api-base",
                &self.base,
            ])
            .env("WC_KEY", KEY)
            .env("WC_SECRET", secret)
            .current_dir(scratch.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn pull(&self, scratch: &Scratch) -> Run {
        Run::from(self.command(scratch, SECRET).output().unwrap())
    }

    fn pull_killed_at(&self, scratch: &Scratch, at: usize) {
        let hang_at = self.site().requests + at;
        self.site().hang_at = Some(hang_at);
        let child = self.command(scratch, SECRET).spawn().unwrap();
        kill_when(child, || self.site().requests >= hang_at);
        self.site().hang_at = None;
    }
}

fn ids(scratch: &Scratch) -> Vec<u64> {
    let mut ids: Vec<u64> = fs::read_to_string(scratch.path("orders.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn every_order_arrives_once_despite_shared_seconds_and_a_change_mid_pull() {
    let stand_in = StandIn::start(1_000);
    // Order 1, already fetched, changes after the third page: page numbers alone
    // would now skip an order.
    stand_in.site().change_first_after = Some(3);
    let scratch = Scratch::new();
    stand_in.pull(&scratch).success().stdout_has("pulled ");
    assert_eq!(ids(&scratch), (1..=1_000).collect::<Vec<_>>());
    let text = fs::read_to_string(scratch.path("orders.jsonl")).unwrap();
    let first: Value = serde_json::from_str(
        text.lines()
            .find(|line| line.starts_with("{\"id\":\"1\""))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["status"], "processing", "order 1's change was pulled");
    assert_eq!(first["lines"][0]["product"], "WC-1");
    assert_eq!(
        first["lines"][1]["product"], "1001",
        "no SKU: the variation id"
    );
    assert_eq!(first["lines"][1]["group"], "101");

    // Changes only: the changed and new orders, plus those of the mark's second.
    let before = stand_in.site().served;
    stand_in.site().change([5, 50, 500, 999], 6);
    stand_in.pull(&scratch).success();
    let served = stand_in.site().served - before;
    assert!(
        (10..=13).contains(&served),
        "served {served} orders for 10 changes"
    );
    assert_eq!(ids(&scratch), (1..=1_006).collect::<Vec<_>>());

    scratch
        .run(&[
            "build",
            "--orders",
            "orders.jsonl",
            "--out",
            "store.table",
            "--quiet",
        ])
        .success();
}

#[test]
fn a_killed_pull_resumes_to_the_same_file() {
    let reference = Scratch::new();
    StandIn::start(700).pull(&reference).success();

    let stand_in = StandIn::start(700);
    let scratch = Scratch::new();
    stand_in.pull_killed_at(&scratch, 4);
    let served_before = stand_in.site().served;
    stand_in
        .pull(&scratch)
        .success()
        .stderr_has("resuming the interrupted pull");
    assert!(
        stand_in.site().served - served_before < 700,
        "the pull started over"
    );
    assert_eq!(
        fs::read_to_string(scratch.path("orders.jsonl")).unwrap(),
        fs::read_to_string(reference.path("orders.jsonl")).unwrap()
    );
}

#[test]
fn rate_limits_are_waited_out_and_bad_credentials_explained() {
    let stand_in = StandIn::start(30);
    stand_in.site().rate_limit_once = true;
    let scratch = Scratch::new();
    stand_in.pull(&scratch).success();
    assert_eq!(ids(&scratch).len(), 30);

    let other = Scratch::new();
    Run::from(stand_in.command(&other, "cs_wrong").output().unwrap())
        .expect_code(1)
        .stderr_has("HTTP 401")
        .stderr_has("woocommerce_rest_cannot_view")
        .stderr_has("check that $WC_KEY and the secret hold a REST API key with Read access");
}
