//! WooCommerce's Store API (<https://developer.woocommerce.com/docs/apis/store-api/>,
//! "Cart API", "Nonce Tokens", "Products API") and the classic `?add-to-cart=<id>` link.
//!
//! - `GET /wp-json/wc/store/v1/cart`: the cart (`items`, `items_count`, `totals` with
//!   prices as strings in minor units) with the session's `Nonce` response header.
//! - `POST /wp-json/wc/store/v1/cart/add-item` with `{"id": <product id>, "quantity": n}`
//!   and the `Nonce` request header: `201` with the cart. Without the header `401
//!   woocommerce_rest_missing_nonce`; with another session's or a stale one `403
//!   woocommerce_rest_invalid_nonce`; sold out `400 woocommerce_rest_product_out_of_stock`;
//!   more than the stock `400 woocommerce_rest_product_partially_out_of_stock`; an unknown
//!   or deleted product `400 woocommerce_rest_cart_invalid_product`. Errors are
//!   `{code, message, data: {status}}`, messages with HTML entities as WordPress sends them.
//! - `GET /wp-json/wc/store/v1/products?sku=<sku>`: the matching products (`[]` if none).
//! - `GET /?add-to-cart=<id>`: adds one and redirects (`302`) to the page, as WooCommerce
//!   does for the links of themes without JavaScript.
//!
//! The session is the `wp_woocommerce_session_standin` cookie; product id = entity id;
//! the nonce is derived from the session, so a page cached for another visitor carries
//! one that is refused. Switch `no-store-api`: every Store API route is `404 rest_no_route`.

use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{
    add_line, check_stock, json, quantity_of, Call, Line, Platforms, Product, Shop, Switches,
    Visitor,
};

const PLATFORM: &str = "woocommerce";
const COOKIE: &str = "wp_woocommerce_session_standin";
const STORE_API: &str = "/wp-json/wc/store/v1/";

/// Whether the request is the Store API's or the classic add-to-cart link.
pub fn handles(path: &str, query: &str) -> bool {
    path.starts_with(STORE_API)
        || (path == "/"
            && query
                .split('&')
                .any(|pair| pair.starts_with("add-to-cart=")))
}

/// The nonce WordPress would create for this session (`wp_create_nonce('wc_store_api')`).
fn nonce_of(visitor: &Visitor) -> String {
    let hash = visitor
        .token
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{:010x}", hash & 0xff_ffff_ffff)
}

fn error(status: StatusCode, code: &str, message: String) -> (StatusCode, Value) {
    (
        status,
        json!({ "code": code, "message": message, "data": { "status": status.as_u16() } }),
    )
}

/// Answers one Store API request or classic link.
pub fn answer(
    platforms: &Platforms,
    shop: &Shop<'_>,
    switches: &Switches,
    call: &Call<'_>,
) -> Response {
    let visitor = platforms.visitor(PLATFORM, call, COOKIE);
    let mut lines = platforms.lines(PLATFORM, &visitor);
    if call.path == "/" {
        let product = call
            .query_param("add-to-cart")
            .and_then(|id| id.parse().ok())
            .and_then(|id| shop.by_entity(id));
        if let Some(product) = product {
            if check_stock(shop, &lines, product, 1).is_ok() {
                add_line(&mut lines, product, 1);
                platforms.set_lines(PLATFORM, &visitor, lines);
            }
        }
        let mut response = (StatusCode::FOUND, [(header::LOCATION, "/")]).into_response();
        with_session(&mut response, &visitor);
        return response;
    }
    let route = &call.path[STORE_API.len()..];
    let outcome = if switches.no_store_api {
        Err(error(
            StatusCode::NOT_FOUND,
            "rest_no_route",
            "No route was found matching the URL and request method.".into(),
        ))
    } else {
        match (call.method, route) {
            ("GET", "cart") => Ok((StatusCode::OK, cart(shop, &lines))),
            ("GET", "products") => Ok((StatusCode::OK, products(shop, call))),
            ("POST", "cart/add-item") => add_item(shop, &visitor, &mut lines, call).map(|()| {
                platforms.set_lines(PLATFORM, &visitor, lines.clone());
                (StatusCode::CREATED, cart(shop, &lines))
            }),
            _ => Err(error(
                StatusCode::NOT_FOUND,
                "rest_no_route",
                "No route was found matching the URL and request method.".into(),
            )),
        }
    };
    let (status, body) = outcome.unwrap_or_else(|failure| failure);
    let mut response = json(status, &body, None);
    with_session(&mut response, &visitor);
    response
}

/// Every Store API answer carries the session's nonce; a new session gets its cookie.
fn with_session(response: &mut Response, visitor: &Visitor) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&nonce_of(visitor)) {
        headers.insert("Nonce", value);
    }
    if visitor.new {
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{COOKIE}={}; Path=/; SameSite=Lax; HttpOnly",
            visitor.token
        )) {
            headers.append(header::SET_COOKIE, value);
        }
    }
}

fn add_item(
    shop: &Shop<'_>,
    visitor: &Visitor,
    lines: &mut Vec<Line>,
    call: &Call<'_>,
) -> Result<(), (StatusCode, Value)> {
    match call
        .headers
        .get("Nonce")
        .and_then(|value| value.to_str().ok())
    {
        None => {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                "woocommerce_rest_missing_nonce",
                "Missing the Nonce header. This endpoint requires a valid nonce.".into(),
            ))
        }
        Some(nonce) if visitor.new || nonce != nonce_of(visitor) => {
            return Err(error(
                StatusCode::FORBIDDEN,
                "woocommerce_rest_invalid_nonce",
                "Nonce is invalid.".into(),
            ))
        }
        Some(_) => {}
    }
    let quantity = quantity_of(&call.json);
    let product = call
        .json
        .get("id")
        .and_then(Value::as_u64)
        .and_then(|id| shop.by_entity(id))
        .ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "woocommerce_rest_cart_invalid_product",
                "This product cannot be added to the cart.".into(),
            )
        })?;
    if let Err(stock) = check_stock(shop, lines, product, quantity) {
        return Err(if stock == 0 {
            error(
                StatusCode::BAD_REQUEST,
                "woocommerce_rest_product_out_of_stock",
                format!("You cannot add &quot;{}&quot; to the cart because the product is out of stock.", product.title),
            )
        } else {
            error(
                StatusCode::BAD_REQUEST,
                "woocommerce_rest_product_partially_out_of_stock",
                format!(
                    "You cannot add that amount of &quot;{}&quot; to the cart because there is not enough stock ({stock} remaining).",
                    product.title
                ),
            )
        });
    }
    add_line(lines, product, quantity);
    Ok(())
}

fn prices(product: &Product) -> Value {
    json!({
        "price": product.price_cents.to_string(),
        "regular_price": product.price_cents.to_string(),
        "sale_price": product.price_cents.to_string(),
        "currency_code": "EUR",
        "currency_minor_unit": 2,
    })
}

fn products(shop: &Shop<'_>, call: &Call<'_>) -> Value {
    let skus = call.query_param("sku").unwrap_or_default();
    let found: Vec<Value> = skus
        .split(',')
        .filter_map(|sku| shop.by_sku(sku.trim()))
        .map(|product| {
            json!({
                "id": product.entity_id,
                "name": product.title,
                "sku": product.id,
                "permalink": product.url,
                "is_in_stock": shop.stock(product) > 0,
                "is_purchasable": true,
                "prices": prices(product),
            })
        })
        .collect();
    Value::Array(found)
}

fn cart(shop: &Shop<'_>, lines: &[Line]) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .filter_map(|line| {
            let product = shop.products.get(usize::try_from(line.entity_id).ok()? - 1)?;
            Some(json!({
                "key": format!("{:032x}", line.entity_id * 0x9e37_79b9),
                "id": product.entity_id,
                "quantity": line.quantity,
                "name": product.title,
                "sku": product.id,
                "permalink": product.url,
                "prices": prices(product),
                "totals": { "line_total": (product.price_cents * line.quantity).to_string(), "currency_code": "EUR" },
            }))
        })
        .collect();
    let total: u32 = lines
        .iter()
        .filter_map(|line| {
            Some(
                shop.products
                    .get(usize::try_from(line.entity_id).ok()? - 1)?
                    .price_cents
                    * line.quantity,
            )
        })
        .sum();
    json!({
        "items": items,
        "items_count": lines.iter().map(|line| line.quantity).sum::<u32>(),
        "needs_payment": true,
        "needs_shipping": true,
        "totals": { "total_items": total.to_string(), "total_price": total.to_string(), "currency_code": "EUR", "currency_minor_unit": 2 },
        "errors": [],
    })
}
