//! BigCommerce's Storefront Cart API, for scripts on a Stencil storefront
//! (<https://developer.bigcommerce.com/docs/rest-storefront/carts> and
//! <https://developer.bigcommerce.com/docs/rest-storefront/carts/cart-items>).
//!
//! - `GET /api/storefront/carts`: `[cart]`, or `[]` before the shopper has one.
//! - `POST /api/storefront/carts` with `{"lineItems": [{"productId": n, "quantity": q}]}`:
//!   `200` with the new cart.
//! - `POST /api/storefront/carts/<cartId>/items` with the same body: `200` with the cart;
//!   `404` when the cart does not exist.
//! - Errors are `{status, title, type}`: `422` for a product that does not exist, is out
//!   of stock or has fewer units than asked (the titles are ours; the shape and statuses
//!   are the reference's), `400` for a body without `lineItems`.
//!
//! The cart lives in the `SHOP_SESSION_TOKEN` cookie; its id is derived from it; product
//! id = entity id, with one variant (`variantId` = entity id + 1,000,000).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{
    add_line, check_stock, json, not_found, quantity_of, Call, Line, Platforms, Shop, Visitor,
};

const PLATFORM: &str = "bigcommerce";
const COOKIE: &str = "SHOP_SESSION_TOKEN";
const CARTS: &str = "/api/storefront/carts";
const ERROR_TYPE: &str =
    "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";
const VARIANT_OFFSET: u64 = 1_000_000;

/// Whether `path` is the Storefront Cart API's.
pub fn handles(path: &str) -> bool {
    path == CARTS || path.starts_with("/api/storefront/carts/")
}

fn error(status: StatusCode, title: String) -> (StatusCode, Value) {
    (
        status,
        json!({ "status": status.as_u16(), "title": title, "type": ERROR_TYPE }),
    )
}

/// The cart's id: a UUID-shaped value derived from the session.
fn cart_id(visitor: &Visitor) -> String {
    let hex: String = visitor
        .token
        .bytes()
        .cycle()
        .take(16)
        .map(|byte| format!("{:02x}", byte.wrapping_mul(37)))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Answers one Storefront Cart API request.
pub fn answer(platforms: &Platforms, shop: &Shop<'_>, call: &Call<'_>) -> Response {
    let visitor = platforms.visitor(PLATFORM, call, COOKIE);
    let mut lines = platforms.lines(PLATFORM, &visitor);
    let id = cart_id(&visitor);
    let cookie = Some((COOKIE, &visitor));
    match (call.method, call.path.strip_prefix(CARTS).unwrap_or("")) {
        ("GET", "") => {
            let carts = if lines.is_empty() {
                vec![]
            } else {
                vec![cart(shop, &id, &lines)]
            };
            json(StatusCode::OK, &Value::Array(carts), cookie)
        }
        ("POST", rest) => {
            let target = rest
                .strip_prefix('/')
                .and_then(|rest| rest.strip_suffix("/items"));
            if rest.is_empty() && !lines.is_empty() {
                // A second cart for one session: BigCommerce keeps one; add to it.
            } else if let Some(target) = target {
                if target != id || lines.is_empty() {
                    let (status, body) = error(StatusCode::NOT_FOUND, "Cart not found".into());
                    return json(status, &body, cookie);
                }
            } else if !rest.is_empty() {
                return not_found();
            }
            match add(shop, &mut lines, &call.json) {
                Ok(()) => {
                    platforms.set_lines(PLATFORM, &visitor, lines.clone());
                    json(StatusCode::OK, &cart(shop, &id, &lines), cookie)
                }
                Err((status, body)) => json(status, &body, cookie),
            }
        }
        _ => not_found(),
    }
}

/// Adds every line item or none.
fn add(shop: &Shop<'_>, lines: &mut Vec<Line>, body: &Value) -> Result<(), (StatusCode, Value)> {
    let Some(items) = body
        .get("lineItems")
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
    else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "The request body must have lineItems.".into(),
        ));
    };
    let mut after = lines.clone();
    for item in items {
        let product_id = item.get("productId").and_then(Value::as_u64).unwrap_or(0);
        let quantity = quantity_of(item);
        let product = shop.by_entity(product_id).ok_or_else(|| {
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Product {product_id} does not exist."),
            )
        })?;
        if let Err(stock) = check_stock(shop, &after, product, quantity) {
            let title = if stock == 0 {
                format!("“{}” is out of stock.", product.title)
            } else {
                format!("Only {stock} of “{}” can be purchased.", product.title)
            };
            return Err(error(StatusCode::UNPROCESSABLE_ENTITY, title));
        }
        add_line(&mut after, product, quantity);
    }
    *lines = after;
    Ok(())
}

fn cart(shop: &Shop<'_>, id: &str, lines: &[Line]) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .filter_map(|line| {
            let product = shop
                .products
                .get(usize::try_from(line.entity_id).ok()? - 1)?;
            let price = f64::from(product.price_cents) / 100.0;
            Some(json!({
                "id": format!("{id}-{}", product.entity_id),
                "parentId": null,
                "variantId": product.entity_id + VARIANT_OFFSET,
                "productId": product.entity_id,
                "sku": product.id,
                "name": product.title,
                "url": product.url,
                "quantity": line.quantity,
                "isTaxable": true,
                "imageUrl": product.image,
                "listPrice": price,
                "salePrice": price,
                "extendedListPrice": price * f64::from(line.quantity),
                "extendedSalePrice": price * f64::from(line.quantity),
            }))
        })
        .collect();
    let total: f64 = items
        .iter()
        .filter_map(|item| item["extendedSalePrice"].as_f64())
        .sum();
    json!({
        "id": id,
        "customerId": 0,
        "email": "",
        "currency": { "name": "Euro", "code": "EUR", "symbol": "€", "decimalPlaces": 2 },
        "isTaxIncluded": false,
        "baseAmount": total,
        "discountAmount": 0,
        "cartAmount": total,
        "coupons": [],
        "discounts": [],
        "lineItems": { "physicalItems": items, "digitalItems": [], "giftCertificates": [], "customItems": [] },
        "locale": "en",
    })
}
