//! Variants (sizes, colours) pooled into the product they belong to.
//!
//! A shopper who bought a blue tee in M and one who bought it in L bought the same
//! product as far as "bought together" goes: counting them apart splits the evidence,
//! and suggesting the L on the M's page suggests what the shopper is looking at. So
//! each order line's SKU is mapped to its group before mining (a basket holding two
//! variants of one group holds the group once), and the table lists groups: one card
//! per group, with the group's title, its lowest price (a "from" price when its
//! variants' prices differ) and the link and image of the variant the catalog marks as
//! the default (the first listed, if none is marked).

use std::collections::HashMap;

use alsobought_core::format::ProductRecord;

/// Which group each variant SKU belongs to; a SKU not listed is its own product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariantGroups {
    group_of: HashMap<String, String>,
}

impl VariantGroups {
    /// The id to count and suggest `sku` under: its group's, or its own.
    pub fn product_id<'a>(&'a self, sku: &'a str) -> &'a str {
        self.group_of.get(sku).map_or(sku, String::as_str)
    }

    /// Whether no SKU belongs to a group (orders are mined as they are).
    pub fn is_empty(&self) -> bool {
        self.group_of.is_empty()
    }

    /// How many variant SKUs belong to a group.
    pub fn variant_count(&self) -> usize {
        self.group_of.len()
    }
}

/// One catalog row that belongs to a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant's own record (its id is the SKU orders name).
    pub record: ProductRecord,
    /// The group's id: the id the table lists, and the store's pages pass.
    pub group: String,
    /// The catalog marks this variant as the one the group's card links to.
    pub default: bool,
}

/// A group id that is also a product's own id: the table could not tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("group `{group}` is also the id of a product that belongs to no group: rename the group or the product")]
pub struct GroupIdTaken {
    /// The id used twice.
    pub group: String,
}

/// Collapses variants into one record per group, in the order each group is first
/// met, and the SKU → group map orders are read with.
pub fn group_variants(variants: Vec<Variant>) -> (Vec<ProductRecord>, VariantGroups) {
    let mut members: Vec<(String, Vec<Variant>)> = Vec::new();
    let mut position_of: HashMap<String, usize> = HashMap::new();
    let mut groups = VariantGroups::default();
    for variant in variants {
        groups
            .group_of
            .insert(variant.record.id.clone(), variant.group.clone());
        let position = *position_of.entry(variant.group.clone()).or_insert_with(|| {
            members.push((variant.group.clone(), Vec::new()));
            members.len() - 1
        });
        members[position].1.push(variant);
    }
    let records = members
        .into_iter()
        .map(|(group, variants)| group_record(group, &variants))
        .collect();
    (records, groups)
}

/// The card of one group: the default variant's record under the group's id, priced
/// from its cheapest available variant (any variant, when none is available), on sale
/// when that variant is.
fn group_record(group: String, variants: &[Variant]) -> ProductRecord {
    let shown = variants
        .iter()
        .find(|variant| variant.default)
        .unwrap_or(&variants[0]);
    let available: Vec<&Variant> = variants
        .iter()
        .filter(|variant| variant.record.available)
        .collect();
    // A sold-out size should not advertise a price nobody can pay.
    let priced_from = if available.is_empty() {
        variants.iter().collect()
    } else {
        available
    };
    let prices: Vec<u32> = priced_from
        .iter()
        .filter_map(|variant| variant.record.price_hundredths)
        .collect();
    let lowest = prices.iter().copied().min();
    // The sale shown is the cheapest variant's: "from €9, was €12" must be one offer.
    let compare_at = priced_from
        .iter()
        .filter(|variant| variant.record.price_hundredths == lowest)
        .find_map(|variant| variant.record.compare_at_hundredths);
    let mut record = shown.record.clone();
    record.id = group;
    record.price_hundredths = lowest;
    record.price_from = prices.iter().any(|&price| Some(price) != lowest);
    record.compare_at_hundredths = compare_at;
    record.available = variants.iter().any(|variant| variant.record.available);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(sku: &str, group: &str, price: Option<u32>, default: bool) -> Variant {
        let mut record = ProductRecord::with_id(sku);
        record.title = format!("{sku} title");
        record.url = format!("/p/{sku}");
        record.price_hundredths = price;
        Variant {
            record,
            group: group.to_owned(),
            default,
        }
    }

    #[test]
    fn a_group_shows_its_default_variant_and_its_lowest_price_as_from() {
        let (records, groups) = group_variants(vec![
            variant("TEE-M", "tee", Some(1500), false),
            variant("MUG", "mug", Some(900), false),
            variant("TEE-S", "tee", Some(1200), true),
            variant("MUG-L", "mug", Some(900), true),
        ]);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].id, "tee");
        assert_eq!(records[0].title, "TEE-S title");
        assert_eq!(records[0].url, "/p/TEE-S");
        assert_eq!(records[0].price_hundredths, Some(1200));
        assert!(records[0].price_from);
        assert_eq!(records[1].id, "mug");
        assert_eq!(records[1].price_hundredths, Some(900));
        assert!(
            !records[1].price_from,
            "one price for every variant is not a range"
        );
        assert_eq!(groups.product_id("TEE-M"), "tee");
        assert_eq!(groups.product_id("SOCK"), "SOCK");
        assert_eq!(groups.variant_count(), 4);
    }

    #[test]
    fn without_a_default_the_first_variant_is_shown_and_sold_out_prices_do_not_count() {
        let mut cheap_but_gone = variant("CAP-KIDS", "cap", Some(500), false);
        cheap_but_gone.record.available = false;
        let (records, _) = group_variants(vec![
            variant("CAP-M", "cap", Some(1800), false),
            cheap_but_gone,
            variant("CAP-L", "cap", Some(2000), false),
        ]);
        assert_eq!(records[0].url, "/p/CAP-M");
        assert_eq!(records[0].price_hundredths, Some(1800));
        assert!(records[0].price_from);
        assert!(records[0].available);
    }

    #[test]
    fn a_group_is_on_sale_when_its_cheapest_variant_is() {
        let mut sale = variant("TEE-S", "tee", Some(1200), true);
        sale.record.compare_at_hundredths = Some(1600);
        let mut dear_sale = variant("HAT-L", "hat", Some(3000), true);
        dear_sale.record.compare_at_hundredths = Some(4000);
        let (records, _) = group_variants(vec![
            variant("TEE-M", "tee", Some(1500), false),
            sale,
            variant("HAT-S", "hat", Some(2000), false),
            dear_sale,
        ]);
        assert_eq!(records[0].compare_at_hundredths, Some(1600));
        assert_eq!(
            records[1].compare_at_hundredths, None,
            "the default variant's sale is not the lowest price's"
        );
    }
}
