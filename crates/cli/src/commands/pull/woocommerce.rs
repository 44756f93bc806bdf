//! Pulling a WooCommerce store's orders through its REST API v3
//! (<https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders>):
//! `GET /wp-json/wc/v3/orders` with `per_page` (at most 100), `page`, `orderby=
//! modified`, `order=asc`, `modified_after` and `dates_are_gmt=true`, authenticated
//! with a consumer key and secret as HTTP Basic credentials (over HTTPS). Each order
//! carries `id`, `status`, `date_created_gmt`, `date_modified_gmt` and `line_items`
//! (`product_id`, `variation_id`, `sku`, `name`, `quantity`).
//!
//! Page numbers alone would skip an order whenever one already fetched changes during
//! the pull (it moves to the end and the rest shift back by one), so the position is
//! a key: `modified_after` a second before the last order fetched, from page 1. Only
//! when a whole page falls in that one second does the page number advance. Orders
//! fetched twice are merged into one line.

use anyhow::{anyhow, Context};
use base64::Engine;
use serde::Deserialize;

use super::http::{Http, Refused};
use super::journal::Session;
use crate::input::orders::{PulledLine, PulledOrder};

/// The most orders a page may hold.
const PER_PAGE: usize = 100;

/// A WooCommerce store's REST API with its credentials.
pub struct WooCommerce<'a> {
    http: &'a Http,
    orders_url: String,
    authorization: String,
    key_env: String,
}

#[derive(Deserialize)]
struct WooOrder {
    id: u64,
    status: String,
    date_created_gmt: String,
    date_modified_gmt: String,
    line_items: Vec<WooLine>,
}

#[derive(Deserialize)]
struct WooLine {
    product_id: u64,
    variation_id: u64,
    sku: Option<String>,
    name: String,
    quantity: i64,
}

impl WooOrder {
    fn into_pulled(self) -> PulledOrder {
        let lines = self
            .line_items
            .into_iter()
            .map(|line| {
                let item = if line.variation_id != 0 {
                    line.variation_id
                } else {
                    line.product_id
                };
                PulledLine {
                    product: line
                        .sku
                        .filter(|sku| !sku.trim().is_empty())
                        .unwrap_or_else(|| item.to_string()),
                    group: line.product_id.to_string(),
                    title: line.name,
                    quantity: line.quantity,
                }
            })
            .collect();
        PulledOrder {
            id: self.id.to_string(),
            created_at: utc(&self.date_created_gmt),
            updated_at: utc(&self.date_modified_gmt),
            status: self.status,
            lines,
        }
    }
}

/// WooCommerce's GMT dates carry no zone: mark them as UTC.
fn utc(date: &str) -> String {
    if date.ends_with('Z') {
        date.to_owned()
    } else {
        format!("{date}Z")
    }
}

impl<'a> WooCommerce<'a> {
    /// The API of the site at `site` (`https://shop.example.com`), or at `api_base`.
    pub fn new(
        http: &'a Http,
        site: &str,
        api_base: Option<&str>,
        (key, secret): (String, String),
        key_env: &str,
    ) -> Self {
        let base = api_base.unwrap_or(site).trim_end_matches('/');
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
        WooCommerce {
            http,
            orders_url: format!("{base}/wp-json/wc/v3/orders"),
            authorization: format!("Basic {credentials}"),
            key_env: key_env.to_owned(),
        }
    }

    /// Pulls the orders changed since the high-water mark (all of them the first time).
    pub fn pull(&self, session: &mut Session) -> anyhow::Result<()> {
        if session.run().modified_after.is_none() {
            session.run().modified_after = session.state.high_water.as_deref().map(second_before);
        }
        loop {
            let run = session.run();
            let (after, page) = (run.modified_after.clone(), run.page.max(1));
            let orders = self.page(after.as_deref(), page)?;
            let full = orders.len() == PER_PAGE;
            let last = orders
                .last()
                .map(|order| second_before(&order.date_modified_gmt));
            let pulled: Vec<PulledOrder> = orders.into_iter().map(WooOrder::into_pulled).collect();
            session.append(&pulled)?;
            let run = session.run();
            match last {
                Some(last) if after.as_deref() < Some(last.as_str()) => {
                    run.modified_after = Some(last);
                    run.page = 1;
                }
                _ => run.page = page + 1,
            }
            session.commit()?;
            if !full {
                return Ok(());
            }
        }
    }

    fn page(&self, modified_after: Option<&str>, page: u32) -> anyhow::Result<Vec<WooOrder>> {
        let page_text = page.to_string();
        let per_page = PER_PAGE.to_string();
        let (_, text) = self.http.text(
            "WooCommerce orders request",
            |agent| {
                let mut request = agent
                    .get(&self.orders_url)
                    .header("Authorization", &self.authorization)
                    .query("per_page", &per_page)
                    .query("page", &page_text)
                    .query("orderby", "modified")
                    .query("order", "asc")
                    .query("dates_are_gmt", "true");
                if let Some(after) = modified_after {
                    request = request.query("modified_after", after);
                }
                request.call()
            },
            |refused| self.explain(refused),
        )?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "WooCommerce's page {page} of orders is not as documented: {}",
                text.chars().take(200).collect::<String>()
            )
        })
    }

    fn explain(&self, refused: Refused) -> anyhow::Error {
        let Refused { status, body } = refused;
        let url = &self.orders_url;
        let variable = &self.key_env;
        match status {
            401 | 403 => anyhow!("WooCommerce refused the credentials (HTTP {status}: {body}): check that ${variable} and the secret hold a REST API key with Read access (WooCommerce > Settings > Advanced > REST API) and that the site is reached over HTTPS"),
            404 => anyhow!("no WooCommerce REST API at {url} (HTTP 404: {body}): check --woocommerce is the site's address and that WordPress permalinks are not \"Plain\""),
            400 => anyhow!("WooCommerce refused the request (HTTP 400: {body}): modified_after needs WooCommerce 5.8 or later"),
            _ => anyhow!("WooCommerce answered HTTP {status}: {body}"),
        }
    }
}

/// The instant one second before `timestamp` (`YYYY-MM-DDTHH:MM:SS`, optionally
/// followed by `Z`), in WooCommerce's zone-less form; unparsable input is kept as is
/// (WooCommerce then says what is wrong with it).
fn second_before(timestamp: &str) -> String {
    let parse = || -> Option<String> {
        let text = timestamp.trim_end_matches('Z');
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - 1;
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let time = seconds.rem_euclid(86_400);
        Some(format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            time / 3600,
            time / 60 % 60,
            time % 60
        ))
    };
    parse().unwrap_or_else(|| timestamp.to_owned())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm,
/// <https://howardhinnant.github.io/date_algorithms.html>).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_second_before_crosses_days_months_and_leap_years() {
        assert_eq!(second_before("2024-03-01T00:00:00Z"), "2024-02-29T23:59:59");
        assert_eq!(second_before("2025-01-01T00:00:00"), "2024-12-31T23:59:59");
        assert_eq!(second_before("2025-06-15T10:20:30"), "2025-06-15T10:20:29");
        assert_eq!(second_before("yesterday"), "yesterday");
    }

    #[test]
    fn lines_fall_back_to_the_variation_id_and_group_by_product() {
        let order: WooOrder = serde_json::from_str(
            r#"{"id":5,"status":"completed","date_created_gmt":"2025-01-01T10:00:00","date_modified_gmt":"2025-01-02T10:00:00","line_items":[{"product_id":3,"variation_id":31,"sku":"","name":"Tee - M","quantity":2},{"product_id":4,"variation_id":0,"sku":"MUG","name":"Mug","quantity":1}]}"#,
        )
        .unwrap();
        let pulled = order.into_pulled();
        assert_eq!(pulled.updated_at, "2025-01-02T10:00:00Z");
        assert_eq!(pulled.lines[0].product, "31");
        assert_eq!(pulled.lines[0].group, "3");
        assert_eq!(pulled.lines[1].product, "MUG");
    }
}
