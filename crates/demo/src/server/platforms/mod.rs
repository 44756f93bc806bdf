//! Stand-ins for the storefront cart endpoints of Shopify, WooCommerce and BigCommerce,
//! services the project cannot run, so that the widget's cart adapters
//! (`src/cart/alsobought-<platform>.js`) and the install guides (`docs/install/`) are
//! tested end to end. Each follows its platform's public reference (cited in its module):
//! request and response shapes, status codes, error bodies, the cart cookie, and
//! WooCommerce's nonce. The products are the demo shop's (`www/generated/catalog.json`).
//!
//! | path | platform |
//! |---|---|
//! | `GET /cart.js`, `POST /cart/add.js`, `GET /products/<handle>.js` | Shopify Ajax API ([`shopify`]) |
//! | `GET /wp-json/wc/store/v1/cart`, `POST .../cart/add-item`, `GET .../products?sku=`, `GET /?add-to-cart=<id>` | WooCommerce Store API and classic link ([`woocommerce`]) |
//! | `GET`/`POST /api/storefront/carts`, `POST /api/storefront/carts/<id>/items` | BigCommerce Storefront Cart API ([`bigcommerce`]) |
//!
//! Every shop keeps one cart per visitor (its own cookie) and every product has
//! [`DEFAULT_STOCK`] units (none when the catalog marks it unavailable). What the
//! failure tests need is switched per visitor by the cookie `alsobought-standin`, a
//! comma-separated list of:
//!
//! | switch | effect on every stand-in answer |
//! |---|---|
//! | `html` | `200` with an HTML page (a login or maintenance page) instead of JSON |
//! | `status=<code>` | that status with an HTML error page, as a proxy or CDN sends a 5xx or 429 |
//! | `slow=<ms>` | the answer waits `ms` milliseconds first (at most [`super::MAX_SLOW_DELAY_MS`]) |
//! | `gone=<id>` | the product `<id>` was deleted since the table was built |
//! | `stock=<id>:<n>` | the product `<id>` has `n` units |
//! | `no-store-api` | WooCommerce without the Store API (`404 rest_no_route`): the classic link must do |
//!
//! Product ids: a product's id in the demo table is its SKU; Shopify variant and
//! product ids, WooCommerce and BigCommerce product ids are numbers derived from its
//! 1-based row in the catalog (its entity id, [`Product::entity_id`]).

mod bigcommerce;
mod shopify;
mod woocommerce;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

/// Units of every available product unless `stock=<id>:<n>` says otherwise.
pub const DEFAULT_STOCK: u32 = 20;
/// The cookie that carries a visitor's switches (module documentation).
pub const SWITCH_COOKIE: &str = "alsobought-standin";
/// The largest request body a stand-in reads: a cart request is a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

/// One demo product as the stand-ins sell it.
#[derive(Clone, Debug, Deserialize)]
pub struct Product {
    /// The SKU: the product's id in the demo table.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its price in cents.
    pub price_cents: u32,
    /// Its page on the demo store.
    pub url: String,
    /// Its image.
    pub image: String,
    /// Whether the catalog has it for sale.
    pub available: bool,
    /// 1-based row in the catalog, filled in on load.
    #[serde(skip)]
    pub entity_id: u64,
}

impl Product {
    /// The Shopify handle: the SKU in lower case (handles are lower case).
    pub fn handle(&self) -> String {
        self.id.to_ascii_lowercase()
    }
}

/// What a visitor's `alsobought-standin` cookie asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Switches {
    html: bool,
    status: Option<u16>,
    slow_ms: u64,
    gone: Vec<String>,
    stock: Vec<(String, u32)>,
    no_store_api: bool,
}

impl Switches {
    /// Parses the cookie's value; unknown switches are ignored (a typo shows as no effect).
    pub fn parse(value: &str) -> Self {
        let mut switches = Switches::default();
        for part in value.split(',').map(str::trim) {
            match part.split_once('=') {
                None if part == "html" => switches.html = true,
                None if part == "no-store-api" => switches.no_store_api = true,
                Some(("status", code)) => switches.status = code.parse().ok(),
                Some(("slow", ms)) => {
                    switches.slow_ms = ms.parse::<u64>().unwrap_or(0).min(super::MAX_SLOW_DELAY_MS)
                }
                Some(("gone", id)) => switches.gone.push(id.to_owned()),
                Some(("stock", spec)) => {
                    if let Some((id, units)) = spec.rsplit_once(':') {
                        if let Ok(units) = units.parse() {
                            switches.stock.push((id.to_owned(), units));
                        }
                    }
                }
                _ => {}
            }
        }
        switches
    }
}

/// The products a visitor's request sees, with that visitor's switches applied.
pub struct Shop<'a> {
    products: &'a [Product],
    switches: &'a Switches,
}

impl Shop<'_> {
    /// The product with SKU `id`, unless it was deleted (`gone=`).
    pub fn by_sku(&self, id: &str) -> Option<&Product> {
        self.visible(self.products.iter().find(|product| product.id == id))
    }

    /// The product with entity id `entity_id`, unless it was deleted.
    pub fn by_entity(&self, entity_id: u64) -> Option<&Product> {
        let index = usize::try_from(entity_id.checked_sub(1)?).ok()?;
        self.visible(self.products.get(index))
    }

    fn visible<'p>(&self, product: Option<&'p Product>) -> Option<&'p Product> {
        product.filter(|product| !self.switches.gone.contains(&product.id))
    }

    /// Units for sale of `product`.
    pub fn stock(&self, product: &Product) -> u32 {
        let set = self
            .switches
            .stock
            .iter()
            .rev()
            .find(|(id, _)| *id == product.id);
        match set {
            Some((_, units)) => *units,
            None if product.available => DEFAULT_STOCK,
            None => 0,
        }
    }
}

/// A cart line: a product (by entity id) and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// The product's entity id.
    pub entity_id: u64,
    /// Units.
    pub quantity: u32,
}

/// Every visitor's cart in every stand-in, keyed by platform and cookie value.
#[derive(Default)]
struct Carts {
    by_visitor: HashMap<(&'static str, String), Vec<Line>>,
    issued: u64,
}

/// The stand-ins' state: the catalog (read on first use) and the carts.
#[derive(Clone)]
pub struct Platforms {
    catalog_path: PathBuf,
    catalog: Arc<Mutex<Option<Arc<Vec<Product>>>>>,
    carts: Arc<Mutex<Carts>>,
}

/// One request as a stand-in sees it.
pub struct Call<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// The query string ("" when none).
    pub query: &'a str,
    /// The request's headers.
    pub headers: &'a axum::http::HeaderMap,
    /// The body, parsed as JSON (`Value::Null` when empty or not JSON).
    pub json: Value,
}

impl Call<'_> {
    /// The value of cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        cookie(self.headers, name)
    }

    /// The value of query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| {
                percent_encoding::percent_decode_str(&value.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }
}

fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

/// A visitor's cart in one stand-in: its cookie value, whether the cookie is new, the lines.
pub struct Visitor {
    /// The cookie's value (the cart token).
    pub token: String,
    /// Whether the request came without the cookie (the answer sets it).
    pub new: bool,
}

impl Platforms {
    /// Stand-ins selling the products of `root/www/generated/catalog.json`.
    pub fn new(root: &Path) -> Self {
        Platforms {
            catalog_path: root.join("www").join("generated").join("catalog.json"),
            catalog: Arc::default(),
            carts: Arc::default(),
        }
    }

    /// Answers `request` when its path belongs to a stand-in; gives it back otherwise.
    pub async fn answer(&self, request: Request) -> Result<Response, Request> {
        let path = request.uri().path();
        let query = request.uri().query().unwrap_or("");
        let platform = if shopify::handles(path) {
            "shopify"
        } else if woocommerce::handles(path, query) {
            "woocommerce"
        } else if bigcommerce::handles(path) {
            "bigcommerce"
        } else {
            return Err(request);
        };
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .unwrap_or_default();
        let call = Call {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &parts.headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        };
        let switches = Switches::parse(&call.cookie(SWITCH_COOKIE).unwrap_or_default());
        if switches.slow_ms > 0 {
            tokio::time::sleep(Duration::from_millis(switches.slow_ms)).await;
        }
        if switches.html {
            return Ok(html_page(StatusCode::OK, "Store temporarily unavailable"));
        }
        if let Some(status) = switches
            .status
            .and_then(|code| StatusCode::from_u16(code).ok())
        {
            return Ok(html_page(
                status,
                status.canonical_reason().unwrap_or("Error"),
            ));
        }
        let products = match self.products().await {
            Ok(products) => products,
            Err(message) => return Ok((StatusCode::INTERNAL_SERVER_ERROR, message).into_response()),
        };
        let shop = Shop {
            products: &products,
            switches: &switches,
        };
        Ok(match platform {
            "shopify" => shopify::answer(self, &shop, &call),
            "woocommerce" => woocommerce::answer(self, &shop, &switches, &call),
            _ => bigcommerce::answer(self, &shop, &call),
        })
    }

    async fn products(&self) -> Result<Arc<Vec<Product>>, String> {
        if let Some(products) = self
            .catalog
            .lock()
            .map_err(|_| "catalog lock poisoned")?
            .clone()
        {
            return Ok(products);
        }
        let text = tokio::fs::read_to_string(&self.catalog_path)
            .await
            .map_err(|error| {
                format!(
                    "the platform stand-ins sell the demo catalog, but {} cannot be read ({error}): run `make demo-data`",
                    self.catalog_path.display()
                )
            })?;
        let mut products: Vec<Product> = serde_json::from_str(&text)
            .map_err(|error| format!("{}: {error}", self.catalog_path.display()))?;
        for (row, product) in products.iter_mut().enumerate() {
            product.entity_id = row as u64 + 1;
        }
        let products = Arc::new(products);
        *self.catalog.lock().map_err(|_| "catalog lock poisoned")? = Some(Arc::clone(&products));
        Ok(products)
    }

    /// The visitor of `platform` whose cart cookie is `cookie_name`, a new one without it.
    pub fn visitor(&self, platform: &'static str, call: &Call<'_>, cookie_name: &str) -> Visitor {
        match call.cookie(cookie_name) {
            Some(token) if !token.is_empty() => Visitor { token, new: false },
            _ => {
                let mut carts = self.carts.lock().expect("the carts lock is never poisoned");
                carts.issued += 1;
                Visitor {
                    token: format!(
                        "{platform}{:016x}",
                        carts.issued.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    ),
                    new: true,
                }
            }
        }
    }

    /// The lines of `visitor`'s cart in `platform`.
    pub fn lines(&self, platform: &'static str, visitor: &Visitor) -> Vec<Line> {
        let carts = self.carts.lock().expect("the carts lock is never poisoned");
        carts
            .by_visitor
            .get(&(platform, visitor.token.clone()))
            .cloned()
            .unwrap_or_default()
    }

    /// Replaces the lines of `visitor`'s cart in `platform`.
    pub fn set_lines(&self, platform: &'static str, visitor: &Visitor, lines: Vec<Line>) {
        let mut carts = self.carts.lock().expect("the carts lock is never poisoned");
        carts
            .by_visitor
            .insert((platform, visitor.token.clone()), lines);
    }
}

/// How many of `product` can still be added to `lines`: `Err` with the units in stock
/// when `quantity` more would exceed them.
pub fn check_stock(
    shop: &Shop<'_>,
    lines: &[Line],
    product: &Product,
    quantity: u32,
) -> Result<(), u32> {
    let in_cart = lines
        .iter()
        .filter(|line| line.entity_id == product.entity_id)
        .map(|line| line.quantity)
        .sum::<u32>();
    let stock = shop.stock(product);
    if in_cart + quantity > stock {
        Err(stock)
    } else {
        Ok(())
    }
}

/// The `quantity` of a request's item or body; a missing or zero one counts as 1.
pub fn quantity_of(item: &Value) -> u32 {
    let quantity = item.get("quantity").and_then(Value::as_u64).unwrap_or(1);
    u32::try_from(quantity).unwrap_or(u32::MAX).max(1)
}

/// Adds `quantity` of `product` to `lines` (one line per product).
pub fn add_line(lines: &mut Vec<Line>, product: &Product, quantity: u32) {
    match lines
        .iter_mut()
        .find(|line| line.entity_id == product.entity_id)
    {
        Some(line) => line.quantity += quantity,
        None => lines.push(Line {
            entity_id: product.entity_id,
            quantity,
        }),
    }
}

/// A JSON answer with `status`, and the visitor's cookie when it is new.
pub fn json(status: StatusCode, body: &Value, cookie: Option<(&str, &Visitor)>) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Some((name, visitor)) = cookie.filter(|(_, visitor)| visitor.new) {
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{name}={}; Path=/; SameSite=Lax; HttpOnly",
            visitor.token
        )) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// An HTML page where JSON was expected: what a maintenance page, a login wall or a
/// proxy's error page looks like to a script.
fn html_page(status: StatusCode, title: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(format!(
            "<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        )),
    )
        .into_response()
}

/// An HTML 404 page, as the platforms answer an unknown storefront URL.
pub fn not_found() -> Response {
    html_page(StatusCode::NOT_FOUND, "Page not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_are_read_from_the_cookie() {
        let switches =
            Switches::parse("slow=250, gone=COF-1001,stock=TEA-1002:0,status=503,html,bogus");
        assert_eq!(switches.slow_ms, 250);
        assert_eq!(switches.gone, ["COF-1001"]);
        assert_eq!(switches.stock, [("TEA-1002".to_owned(), 0)]);
        assert_eq!(switches.status, Some(503));
        assert!(switches.html);
        assert!(!switches.no_store_api);
    }

    #[test]
    fn stock_follows_the_catalog_unless_switched() {
        let product = |id: &str, available| Product {
            id: id.into(),
            title: id.into(),
            price_cents: 100,
            url: String::new(),
            image: String::new(),
            available,
            entity_id: 1,
        };
        let products = [product("A", true), product("B", false)];
        let switches = Switches::parse("stock=A:2");
        let shop = Shop {
            products: &products,
            switches: &switches,
        };
        assert_eq!(shop.stock(&products[0]), 2);
        assert_eq!(shop.stock(&products[1]), 0);
        let lines = [Line {
            entity_id: 1,
            quantity: 2,
        }];
        assert_eq!(check_stock(&shop, &lines, &products[0], 1), Err(2));
        assert_eq!(check_stock(&shop, &[], &products[0], 2), Ok(()));
    }
}
