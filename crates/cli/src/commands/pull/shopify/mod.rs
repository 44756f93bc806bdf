//! Pulling a Shopify store's orders: the first pull by a bulk operation (one query
//! that Shopify runs in the background, its result a JSONL file to download), later
//! pulls page by page through the orders changed since the high-water mark.
//!
//! Bulk operations: <https://shopify.dev/docs/api/usage/bulk-operations/queries>
//! (`bulkOperationRunQuery`, polled through `node(id:)` until `COMPLETED`, `FAILED`
//! with an `errorCode` of `ACCESS_DENIED`, `INTERNAL_SERVER_ERROR` or `TIMEOUT`,
//! `CANCELED` or `EXPIRED`; `url` is null when the query matched nothing). Paging:
//! <https://shopify.dev/docs/api/admin-graphql/2025-10/queries/orders> (`first`,
//! `after`, `query`, `sortKey: UPDATED_AT`, `pageInfo { hasNextPage endCursor }`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::{json, Value};

use super::journal::Session;
use crate::input::orders::PulledOrder;
use orders::{BulkLine, LineNode, OrderNode, LINE_FIELDS, ORDER_FIELDS};

mod graphql;
mod orders;

pub use graphql::Shopify;

/// The first wait between two polls of a bulk operation; it doubles up to
/// [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(500);
const POLL_MAX: Duration = Duration::from_secs(20);

/// Orders per page and line items per order of a page: the query's requested cost
/// (about 2 + 10 × (1 + 2 + 30 × 3) ≈ 930 points) stays under the 1,000-point cap
/// of a single query.
const ORDERS_PER_PAGE: u32 = 10;
const LINES_PER_ORDER: u32 = 30;

/// Line items per request when an order has more than a page holds.
const LINES_PER_FOLLOW_UP: u32 = 100;

/// What a Shopify pull reports besides the merge.
pub struct ShopifyReport {
    /// `bulk` or `pages`.
    pub mode: &'static str,
    /// Queries that came back THROTTLED (pacing keeps it at zero).
    pub throttled: u32,
}

/// Pulls what `session` still lacks from the store behind `shopify`.
pub fn pull(shopify: &mut Shopify<'_>, session: &mut Session) -> anyhow::Result<ShopifyReport> {
    let mode = if session.state.high_water.is_none() {
        pull_bulk(shopify, session)?;
        "bulk"
    } else {
        pull_pages(shopify, session)?;
        "pages"
    };
    Ok(ShopifyReport {
        mode,
        throttled: shopify.throttled,
    })
}

/// The bulk query: every order with its line items (a bulk query takes no `first`).
fn bulk_query() -> String {
    format!(
        "{{ orders(sortKey: UPDATED_AT) {{ edges {{ node {{ {ORDER_FIELDS} lineItems {{ edges {{ node {{ {LINE_FIELDS} }} }} }} }} }} }} }}"
    )
}

const RUN_BULK: &str = "mutation($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message } } }";

const POLL_BULK: &str = "query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode createdAt objectCount url } } }";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkOperation {
    id: String,
    status: String,
    error_code: Option<String>,
    created_at: Option<String>,
    url: Option<String>,
}

fn pull_bulk(shopify: &mut Shopify<'_>, session: &mut Session) -> anyhow::Result<()> {
    let id = match session.run().bulk_operation_id.clone() {
        Some(id) => id,
        None => {
            let data = shopify.query(RUN_BULK, json!({ "query": bulk_query() }))?;
            let errors = data
                .pointer("/bulkOperationRunQuery/userErrors")
                .and_then(Value::as_array)
                .filter(|errors| !errors.is_empty());
            if let Some(errors) = errors {
                bail!(
                    "Shopify refused the bulk query: {}",
                    Value::from(errors.clone())
                );
            }
            let id = data
                .pointer("/bulkOperationRunQuery/bulkOperation/id")
                .and_then(Value::as_str)
                .context("Shopify started no bulk operation (no id in the reply)")?
                .to_owned();
            session.run().bulk_operation_id = Some(id.clone());
            session.commit()?;
            id
        }
    };
    let mut wait = POLL_FIRST;
    let operation = loop {
        let data = shopify.query(POLL_BULK, json!({ "id": id }))?;
        let operation: BulkOperation = data
            .get("node")
            .filter(|node| !node.is_null())
            .map(BulkOperation::deserialize)
            .transpose()
            .context("Shopify's bulk operation is not as documented")?
            .with_context(|| format!("Shopify knows no bulk operation {id}"))?;
        match operation.status.as_str() {
            "COMPLETED" => break operation,
            "CREATED" | "RUNNING" | "CANCELING" => {}
            _ => {
                // The next run starts a new operation.
                session.run().bulk_operation_id = None;
                session.commit()?;
                bail!("{}", bulk_failure(&operation));
            }
        }
        thread::sleep(wait);
        wait = (wait * 2).min(POLL_MAX);
    };
    let orders = match &operation.url {
        Some(url) => download_bulk(shopify, url)?,
        None => Vec::new(),
    };
    session.append(&orders)?;
    // Orders changed while the operation ran may be in it before their change: the
    // next pull starts from the operation's start, not from the newest order seen.
    let run = session.run();
    run.next_high_water = operation.created_at.clone().or(run.next_high_water.take());
    run.fetched = true;
    session.commit()
}

fn bulk_failure(operation: &BulkOperation) -> String {
    let code = operation.error_code.as_deref().unwrap_or("no error code");
    let advice = match code {
        "ACCESS_DENIED" => "the app needs the read_orders scope, and read_all_orders for orders older than 60 days",
        "TIMEOUT" => "the store's history is too large for one operation; run the pull again, or ask Shopify support",
        "INTERNAL_SERVER_ERROR" => "a failure on Shopify's side; run the pull again (it starts a new operation)",
        _ => "run the pull again (it starts a new operation)",
    };
    format!(
        "Shopify's bulk operation {} ended {} ({code}): {advice}",
        operation.id, operation.status
    )
}

/// Downloads a bulk result and joins each line item to its order (children follow
/// their parent in the file, not necessarily right after it).
fn download_bulk(shopify: &Shopify<'_>, url: &str) -> anyhow::Result<Vec<PulledOrder>> {
    // The URL is signed: it takes no access token.
    let reply = shopify
        .http
        .send("downloading the bulk result", |agent| agent.get(url).call())?
        .map_err(|refused| {
            anyhow::anyhow!(
                "cannot download the bulk result (HTTP {}: {}); the link lasts a week: run the pull again",
                refused.status,
                refused.body
            )
        })?;
    let mut orders: Vec<(OrderNode, Vec<LineNode>)> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let reader = BufReader::new(reply.into_body().into_reader());
    for (number, line) in reader.lines().enumerate() {
        let line = line.context("the bulk result's download broke off; run the pull again")?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: BulkLine = serde_json::from_str(&line)
            .with_context(|| format!("line {} of the bulk result is not as queried", number + 1))?;
        match parsed {
            BulkLine::Order(order) => {
                index_of.insert(order.id.clone(), orders.len());
                orders.push((order, Vec::new()));
            }
            BulkLine::Line { parent, line } => {
                let index = *index_of.get(&parent).with_context(|| {
                    format!(
                        "line {} of the bulk result belongs to {parent}, which came before no line item",
                        number + 1
                    )
                })?;
                orders[index].1.push(line);
            }
        }
    }
    Ok(orders
        .into_iter()
        .map(|(order, lines)| order.into_pulled(lines))
        .collect())
}

fn page_query() -> String {
    format!(
        "query($cursor: String, $query: String) {{ orders(first: {ORDERS_PER_PAGE}, after: $cursor, query: $query, sortKey: UPDATED_AT) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {ORDER_FIELDS} lineItems(first: {LINES_PER_ORDER}) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {LINE_FIELDS} }} }} }} }} }} }} }}"
    )
}

fn lines_query() -> String {
    format!(
        "query($id: ID!, $cursor: String) {{ order(id: $id) {{ lineItems(first: {LINES_PER_FOLLOW_UP}, after: $cursor) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {LINE_FIELDS} }} }} }} }} }}"
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection<T> {
    page_info: PageInfo,
    edges: Vec<Edge<T>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Edge<T> {
    node: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PagedOrder {
    #[serde(flatten)]
    order: OrderNode,
    line_items: Connection<LineNode>,
}

/// Pages through the orders changed at or after the high-water mark (`>=`: an order
/// changed in the same second as the newest one pulled is not missed; the merge keeps
/// one line of an order fetched twice).
fn pull_pages(shopify: &mut Shopify<'_>, session: &mut Session) -> anyhow::Result<()> {
    let since = session.state.high_water.clone().unwrap_or_default();
    let search = format!("updated_at:>='{since}'");
    let query = page_query();
    loop {
        let cursor = session.run().cursor.clone();
        let data = shopify.query(&query, json!({ "cursor": cursor, "query": search }))?;
        let page: Connection<PagedOrder> = data
            .get("orders")
            .map(Connection::deserialize)
            .transpose()
            .context("Shopify's page of orders is not as documented")?
            .context("Shopify's reply has no orders")?;
        let mut orders = Vec::with_capacity(page.edges.len());
        for Edge { node } in page.edges {
            let PagedOrder {
                order,
                line_items: mut items,
            } = node;
            let mut lines: Vec<LineNode> = items.edges.drain(..).map(|edge| edge.node).collect();
            let mut more = items.page_info;
            while more.has_next_page {
                let data = shopify.query(
                    &lines_query(),
                    json!({ "id": order.id, "cursor": more.end_cursor }),
                )?;
                let next: Connection<LineNode> = data
                    .pointer("/order/lineItems")
                    .map(Connection::deserialize)
                    .transpose()
                    .context("Shopify's page of line items is not as documented")?
                    .with_context(|| {
                        format!("Shopify's reply has no line items of {}", order.id)
                    })?;
                lines.extend(next.edges.into_iter().map(|edge| edge.node));
                more = next.page_info;
            }
            orders.push(order.into_pulled(lines));
        }
        session.append(&orders)?;
        session.run().cursor = page.page_info.end_cursor.or(cursor);
        session.commit()?;
        if !page.page_info.has_next_page {
            return Ok(());
        }
    }
}
