//! Shopify's Ajax API, the cart a theme's scripts use on the store's own domain:
//! <https://shopify.dev/docs/api/ajax/reference/cart> and
//! <https://shopify.dev/docs/api/ajax/reference/product>.
//!
//! - `POST /cart/add.js` with `{"items": [{"id": <variant id>, "quantity": n}]}` answers
//!   `200 {"items": [<line>, ...]}` (the lines added); errors are `{status, message,
//!   description}`: `422` "Cart Error" when sold out ("The product 'X' is already sold
//!   out.") or when the cart already holds all there is ("The maximum quantity of this
//!   item is already in your cart.", the wording of the March 2025 changelog), `404`
//!   "Cannot find variant", `400` "bad_request" for a body without items.
//! - `GET /cart.js`: the cart (`token`, `item_count`, `total_price` in cents, `items`).
//! - `GET /products/<handle>.js`: the product with its `variants`; an unknown handle is
//!   the store's HTML 404 page.
//!
//! The cart lives in the `cart` cookie, as on a real store. Ids: variant
//! `40_000_000_000 + entity id`, product `8_000_000_000 + entity id`; handle = SKU in
//! lower case; one variant ("Default Title") per product.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{
    add_line, check_stock, json, not_found, quantity_of, Call, Line, Platforms, Product, Shop,
    Visitor,
};

const PLATFORM: &str = "shopify";
const COOKIE: &str = "cart";
const VARIANT_BASE: u64 = 40_000_000_000;
const PRODUCT_BASE: u64 = 8_000_000_000;

/// Whether `path` is one of the Ajax API's.
pub fn handles(path: &str) -> bool {
    path == "/cart.js"
        || path == "/cart/add.js"
        || (path.starts_with("/products/") && path.ends_with(".js"))
}

/// Answers one Ajax API request.
pub fn answer(platforms: &Platforms, shop: &Shop<'_>, call: &Call<'_>) -> Response {
    if let Some(handle) = call
        .path
        .strip_prefix("/products/")
        .and_then(|rest| rest.strip_suffix(".js"))
    {
        return product(shop, handle);
    }
    let visitor = platforms.visitor(PLATFORM, call, COOKIE);
    let mut lines = platforms.lines(PLATFORM, &visitor);
    match (call.method, call.path) {
        ("GET", "/cart.js") => json(
            StatusCode::OK,
            &cart(shop, &visitor, &lines),
            Some((COOKIE, &visitor)),
        ),
        ("POST", "/cart/add.js") => match add(shop, &mut lines, &call.json) {
            Ok(added) => {
                platforms.set_lines(PLATFORM, &visitor, lines);
                json(
                    StatusCode::OK,
                    &json!({ "items": added }),
                    Some((COOKIE, &visitor)),
                )
            }
            Err((status, body)) => json(status, &body, Some((COOKIE, &visitor))),
        },
        _ => not_found(),
    }
}

fn product(shop: &Shop<'_>, handle: &str) -> Response {
    let Some(product) = shop
        .products
        .iter()
        .find(|product| product.handle() == handle)
    else {
        return not_found();
    };
    if shop.by_sku(&product.id).is_none() {
        return not_found();
    }
    let available = shop.stock(product) > 0;
    json(
        StatusCode::OK,
        &json!({
            "id": PRODUCT_BASE + product.entity_id,
            "title": product.title,
            "handle": handle,
            "available": available,
            "price": product.price_cents,
            "url": format!("/products/{handle}"),
            "featured_image": product.image,
            "variants": [{
                "id": VARIANT_BASE + product.entity_id,
                "title": "Default Title",
                "sku": product.id,
                "available": available,
                "price": product.price_cents,
            }],
        }),
        None,
    )
}

fn cart_error(status: StatusCode, description: String) -> (StatusCode, Value) {
    (
        status,
        json!({ "status": status.as_u16(), "message": "Cart Error", "description": description }),
    )
}

/// Adds every item or none: Shopify validates the whole request before changing the cart.
fn add(
    shop: &Shop<'_>,
    lines: &mut Vec<Line>,
    body: &Value,
) -> Result<Vec<Value>, (StatusCode, Value)> {
    let Some(items) = body
        .get("items")
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
    else {
        return Err((
            StatusCode::BAD_REQUEST,
            json!({
                "status": "bad_request",
                "message": "Parameter Missing or Invalid",
                "description": "Required parameter missing or invalid: items",
            }),
        ));
    };
    let mut wanted = Vec::new();
    for item in items {
        let variant = item.get("id").and_then(Value::as_u64).unwrap_or(0);
        let quantity = quantity_of(item);
        let product = variant
            .checked_sub(VARIANT_BASE)
            .and_then(|entity_id| shop.by_entity(entity_id))
            .ok_or_else(|| cart_error(StatusCode::NOT_FOUND, "Cannot find variant".into()))?;
        let mut after = lines.clone();
        after.extend(
            wanted
                .iter()
                .map(|(product, quantity): &(&Product, u32)| Line {
                    entity_id: product.entity_id,
                    quantity: *quantity,
                }),
        );
        if let Err(stock) = check_stock(shop, &after, product, quantity) {
            let description = if stock == 0 {
                format!("The product '{}' is already sold out.", product.title)
            } else {
                "The maximum quantity of this item is already in your cart.".into()
            };
            return Err(cart_error(StatusCode::UNPROCESSABLE_ENTITY, description));
        }
        wanted.push((product, quantity));
    }
    Ok(wanted
        .into_iter()
        .map(|(product, quantity)| {
            add_line(lines, product, quantity);
            line(product, quantity)
        })
        .collect())
}

fn line(product: &Product, quantity: u32) -> Value {
    let variant = VARIANT_BASE + product.entity_id;
    json!({
        "id": variant,
        "key": format!("{variant}:{:x}", product.entity_id * 2_654_435_761),
        "quantity": quantity,
        "variant_id": variant,
        "product_id": PRODUCT_BASE + product.entity_id,
        "title": product.title,
        "price": product.price_cents,
        "final_price": product.price_cents,
        "line_price": product.price_cents * quantity,
        "sku": product.id,
        "handle": product.handle(),
        "url": format!("/products/{}?variant={variant}", product.handle()),
        "image": product.image,
    })
}

fn cart(shop: &Shop<'_>, visitor: &Visitor, lines: &[Line]) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .filter_map(|entry| {
            Some(line(
                shop.products
                    .get(usize::try_from(entry.entity_id).ok()? - 1)?,
                entry.quantity,
            ))
        })
        .collect();
    let total: u64 = items
        .iter()
        .filter_map(|item| item["line_price"].as_u64())
        .sum();
    json!({
        "token": visitor.token,
        "note": null,
        "attributes": {},
        "currency": "EUR",
        "item_count": lines.iter().map(|line| line.quantity).sum::<u32>(),
        "total_price": total,
        "items_subtotal_price": total,
        "requires_shipping": true,
        "items": items,
    })
}
