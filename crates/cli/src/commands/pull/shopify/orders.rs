//! Shopify orders as the pull reads them, from either source: a bulk operation's
//! JSONL (each object on its own line, a line item naming its order in `__parentId`)
//! or a page of the `orders` connection (line items nested under `lineItems.edges`).
//! Both become [`PulledOrder`]s here.
//!
//! Fields: <https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order> (`id`,
//! `createdAt`, `updatedAt`, `cancelledAt`, `displayFinancialStatus` (an
//! `OrderDisplayFinancialStatus`: `PAID`, `REFUNDED`, `VOIDED`, ...), `lineItems`) and
//! <https://shopify.dev/docs/api/admin-graphql/2025-10/objects/LineItem> (`sku`,
//! `name`, `quantity`, `variant { id sku }`, `product { handle }`).

use serde::Deserialize;

use super::graphql::numeric_id;
use crate::input::orders::{PulledLine, PulledOrder};

/// The fields of an order, in both queries.
pub const ORDER_FIELDS: &str = "id createdAt updatedAt cancelledAt displayFinancialStatus";

/// The fields of a line item, in both queries.
pub const LINE_FIELDS: &str = "sku name quantity variant { id sku } product { handle }";

/// An `Order` node.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderNode {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub cancelled_at: Option<String>,
    pub display_financial_status: Option<String>,
}

/// A `LineItem` node.
#[derive(Debug, Deserialize)]
pub struct LineNode {
    sku: Option<String>,
    name: String,
    quantity: i64,
    variant: Option<VariantRef>,
    product: Option<ProductRef>,
}

#[derive(Debug, Deserialize)]
struct VariantRef {
    id: String,
    sku: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ProductRef {
    handle: String,
}

impl OrderNode {
    /// The order with `lines` (line items that are no product, such as a custom
    /// charge, are left out: there is nothing to suggest). Its status is `cancelled`
    /// when it was, else its financial status in lower case (`paid`, `refunded`,
    /// `voided`, ...), else `placed`.
    pub fn into_pulled(self, lines: Vec<LineNode>) -> PulledOrder {
        let status = match (&self.cancelled_at, &self.display_financial_status) {
            (Some(_), _) => "cancelled".to_owned(),
            (None, Some(financial)) => financial.to_ascii_lowercase(),
            (None, None) => "placed".to_owned(),
        };
        PulledOrder {
            id: numeric_id(&self.id).to_owned(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            status,
            lines: lines
                .into_iter()
                .filter_map(LineNode::into_pulled)
                .collect(),
        }
    }
}

impl LineNode {
    fn into_pulled(self) -> Option<PulledLine> {
        let non_empty = |sku: Option<String>| sku.filter(|sku| !sku.trim().is_empty());
        let variant_id = self
            .variant
            .as_ref()
            .map(|variant| format!("variant-{}", numeric_id(&variant.id)));
        let product = non_empty(self.sku)
            .or_else(|| non_empty(self.variant.and_then(|variant| variant.sku)))
            .or(variant_id)?;
        let group = self
            .product
            .map_or_else(|| product.clone(), |product| product.handle);
        Some(PulledLine {
            product,
            group,
            title: self.name,
            quantity: self.quantity,
        })
    }
}

/// One line of a bulk operation's JSONL: an order, or a line item of one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum BulkLine {
    /// A line item (listed after its order, not necessarily right after).
    Line {
        #[serde(rename = "__parentId")]
        parent: String,
        #[serde(flatten)]
        line: LineNode,
    },
    /// An order.
    Order(OrderNode),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_lines_are_told_apart_and_skus_fall_back_to_the_variant() {
        let order: BulkLine = serde_json::from_str(
            r#"{"id":"gid://shopify/Order/7","createdAt":"c","updatedAt":"u","cancelledAt":"x"}"#,
        )
        .unwrap();
        let line: BulkLine = serde_json::from_str(
            r#"{"sku":"","name":"Tee - M","quantity":2,"variant":{"id":"gid://shopify/ProductVariant/9","sku":null},"product":{"handle":"tee"},"__parentId":"gid://shopify/Order/7"}"#,
        )
        .unwrap();
        let custom: BulkLine = serde_json::from_str(
            r#"{"sku":null,"name":"Gift wrap","quantity":1,"variant":null,"product":null,"__parentId":"gid://shopify/Order/7"}"#,
        )
        .unwrap();
        let (
            BulkLine::Order(order),
            BulkLine::Line { parent, line },
            BulkLine::Line { line: custom, .. },
        ) = (order, line, custom)
        else {
            panic!("misread bulk lines");
        };
        assert_eq!(parent, "gid://shopify/Order/7");
        let pulled = order.into_pulled(vec![line, custom]);
        assert_eq!(pulled.id, "7");
        assert_eq!(pulled.status, "cancelled");
        assert_eq!(
            pulled.lines,
            [PulledLine {
                product: "variant-9".to_owned(),
                group: "tee".to_owned(),
                title: "Tee - M".to_owned(),
                quantity: 2,
            }]
        );
    }
}
