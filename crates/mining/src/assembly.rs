//! The last step every mining path shares: from each product's neighbour list to the
//! [`TableInput`] the writer encodes — which products the table holds (the catalog's,
//! or every ordered one), their table numbers, the merchandising rules' blocks and
//! pins, the cold-start fill, the best-sellers and the summary counts.

use alsobought_core::format::{ProductRecord, TableInput};

use super::catalog::Catalog;
use super::cold_start::{lift_category_best_sellers, FillSources};
use super::rules::{weighted, MerchandisingRules, RulesReport, TableRules};
use super::score_bands::{place_in_bands, ListMakeup, MAX_BAND};
use super::selection::{keep_best, IdOrder};
use super::{ColdStartReport, MinedTable, MiningOptions, MiningStats};

/// The per-product totals of an order history, borrowed from whoever counted them.
#[derive(Clone, Copy)]
pub(crate) struct Totals<'a> {
    /// Product ids by product number.
    pub ids: &'a [String],
    /// Orders containing each product, by product number.
    pub order_counts: &'a [u32],
    /// Orders in the history.
    pub order_total: u64,
}

/// The products a table holds and which of the mined products take part.
pub(crate) struct TableProducts {
    /// The table's product records, in table order.
    pub records: Vec<ProductRecord>,
    /// For each product number, its position in `records` (`None`: not in the catalog).
    pub table_number: Vec<Option<u32>>,
    /// Products whose neighbours are wanted: those in the table.
    pub wanted: Vec<bool>,
    /// Products that may be suggested: in the table, available and not blocked
    /// everywhere.
    pub suggestible: Vec<bool>,
    /// Each product's boost or bury factor as a suggestion; empty when no rule
    /// weighs anything.
    pub weights: Vec<f32>,
}

impl TableProducts {
    /// With a catalog, the table holds every catalog product (in catalog order) and
    /// products it does not list are dropped; without one, every mined product is a
    /// product, available, with its id as its only card data.
    /// Merchandising `rules` take products blocked everywhere out of the suggestible
    /// ones and give the weights.
    pub fn new(ids: &[String], catalog: Option<&Catalog>, rules: &MerchandisingRules) -> Self {
        match catalog {
            Some(catalog) => Self::with_records(
                ids.iter().map(|id| catalog.position(id)).collect(),
                catalog.records().to_vec(),
                rules,
            ),
            None => Self::from_ids(ids, rules),
        }
    }

    /// [`TableProducts::new`] taking the catalog, whose records then move into the
    /// table instead of being copied (a million-product catalog is ~300 MB).
    pub fn new_owned(ids: &[String], catalog: Option<Catalog>, rules: &MerchandisingRules) -> Self {
        match catalog {
            Some(catalog) => Self::with_records(
                ids.iter().map(|id| catalog.position(id)).collect(),
                catalog.into_records(),
                rules,
            ),
            None => Self::from_ids(ids, rules),
        }
    }

    fn from_ids(ids: &[String], rules: &MerchandisingRules) -> Self {
        Self::with_records(
            (0..ids.len() as u32).map(Some).collect(),
            ids.iter().map(ProductRecord::with_id).collect(),
            rules,
        )
    }

    fn with_records(
        table_number: Vec<Option<u32>>,
        records: Vec<ProductRecord>,
        rules: &MerchandisingRules,
    ) -> Self {
        let wanted = table_number.iter().map(Option::is_some).collect();
        let suggestible_records = table_suggestible(&records, rules);
        let suggestible = table_number
            .iter()
            .map(|number| number.is_some_and(|number| suggestible_records[number as usize]))
            .collect();
        let index = rules.weight_index();
        let weights = if index.is_empty() {
            Vec::new()
        } else {
            table_number
                .iter()
                .map(|number| number.map_or(1.0, |number| index.factor(&records[number as usize])))
                .collect()
        };
        TableProducts {
            records,
            table_number,
            wanted,
            suggestible,
            weights,
        }
    }
}

/// Which table products may be suggested, by table number: available and not blocked
/// everywhere.
fn table_suggestible(records: &[ProductRecord], rules: &MerchandisingRules) -> Vec<bool> {
    let blocked = rules.blocked_everywhere();
    records
        .iter()
        .map(|record| record.available && !blocked.contains(record.id.as_str()))
        .collect()
}

/// Turns neighbour lists (by product number, best first) into the table input.
///
/// `co_occurring_pairs` is the number of unordered pairs of table products bought
/// together at least once, for the summary.
pub(crate) fn assemble(
    totals: Totals<'_>,
    order: &IdOrder,
    products: TableProducts,
    neighbour_lists: Vec<Vec<(u32, f32)>>,
    co_occurring_pairs: u64,
    options: &MiningOptions,
) -> MinedTable {
    let TableProducts {
        records,
        table_number,
        wanted,
        suggestible,
        weights,
    } = products;
    let renumber = |list: &[(u32, f32)]| -> Vec<(u32, f32)> {
        list.iter()
            .map(|&(product, score)| {
                (
                    table_number[product as usize].expect("neighbours are table products"),
                    score,
                )
            })
            .collect()
    };
    let mut table_neighbours = vec![Vec::new(); records.len()];
    for (product, list) in neighbour_lists.iter().enumerate() {
        if let Some(number) = table_number[product] {
            table_neighbours[number as usize] = renumber(list);
        }
    }

    let mut best_sellers: Vec<(u32, f32)> = totals
        .order_counts
        .iter()
        .enumerate()
        .filter(|&(product, &count)| count > 0 && suggestible[product])
        .map(|(product, &count)| {
            let popularity = count as f32;
            match weights.get(product) {
                Some(&factor) => (product as u32, weighted(popularity, factor)),
                None => (product as u32, popularity),
            }
        })
        .collect();
    let mut table_popularity = vec![0.0; records.len()];
    for (number, popularity) in renumber(&best_sellers) {
        table_popularity[number as usize] = popularity;
    }
    keep_best(&mut best_sellers, options.best_seller_count, order);
    let best_sellers = renumber(&best_sellers);

    let products_without_co_purchases = table_neighbours
        .iter()
        .filter(|list| list.is_empty())
        .count() as u64;
    let (rules, cold_start) =
        apply_rules_and_fill(&mut table_neighbours, &records, &table_popularity, options);

    let stats = MiningStats {
        orders: totals.order_total,
        products_in_orders: totals.ids.len() as u64,
        products_not_in_catalog: wanted.iter().filter(|&&known| !known).count() as u64,
        products_written: records.len() as u64,
        co_occurring_pairs,
        edges: table_neighbours.iter().map(|list| list.len() as u64).sum(),
        products_without_co_purchases,
        rules,
        cold_start,
    };
    MinedTable {
        input: TableInput {
            products: records,
            neighbours: table_neighbours,
            best_sellers,
            order_count: totals.order_total,
            max_neighbours: options.max_neighbours,
            cart_combination: alsobought_core::CartCombination::DEFAULT,
        },
        stats,
    }
}

/// Takes blocked pairs off the mined lists (selected `K +` the most blocks of one
/// product deep, so they stay full), lifts each list's category best-sellers by
/// `options.category_weight`, cuts them to K, puts the pins on top, fills lists
/// shorter than `options.cold_start_fill` from best-sellers (`popularity` by table
/// number) and gives every score its band.
fn apply_rules_and_fill(
    lists: &mut [Vec<(u32, f32)>],
    records: &[ProductRecord],
    popularity: &[f32],
    options: &MiningOptions,
) -> (RulesReport, ColdStartReport) {
    let rules = &options.rules;
    let max_neighbours = usize::from(options.max_neighbours);
    let fill_to = usize::from(options.cold_start_fill)
        .min(max_neighbours)
        .min(MAX_BAND);
    let mut report = RulesReport::default();
    let mut cold_start = ColdStartReport::default();
    let category_weight = options.category_weight;
    if rules.is_empty() && fill_to == 0 && category_weight <= 0.0 {
        return (report, cold_start);
    }
    let table_rules = TableRules::new(rules, records);
    let suggestible = table_suggestible(records, rules);
    let blocked_everywhere = rules.blocked_everywhere();
    report.blocked_everywhere = records
        .iter()
        .filter(|record| blocked_everywhere.contains(record.id.as_str()))
        .count() as u64;
    report.pins_left_out = table_rules.unknown_pins;
    let weights = rules.weight_index();
    // A product with a blocked target is filled to K: the widget's own best-seller
    // fill, which knows nothing of blocks, then only comes in past K suggestions.
    let blocked_fill_to = max_neighbours.min(MAX_BAND);
    let sources = (fill_to > 0 || !table_rules.blocked.is_empty() || category_weight > 0.0)
        .then(|| FillSources::new(records, popularity, &suggestible));
    let mut makeup = vec![ListMakeup::default(); lists.len()];
    for (product, list) in lists.iter_mut().enumerate() {
        let number = product as u32;
        let mined = list.len();
        list.retain(|&(target, _)| table_rules.allows(number, target));
        report.blocked_suggestions += (mined - list.len()) as u64;
        if let Some(sources) = sources.as_ref().filter(|_| category_weight > 0.0) {
            let ranked = sources.in_category(&records[product].category);
            // One past K: the product itself may be among them.
            let ranked = &ranked[..ranked.len().min(max_neighbours + 1)];
            lift_category_best_sellers(
                list,
                ranked,
                |candidate| popularity[candidate as usize],
                category_weight,
                |candidate| candidate != number && table_rules.allows(number, candidate),
                |a, b| records[a as usize].id.cmp(&records[b as usize].id),
            );
        }

        let mut pins: Vec<u32> = table_rules.pins.get(&number).cloned().unwrap_or_default();
        let pinned_before = pins.len();
        pins.retain(|&target| suggestible[target as usize] && table_rules.allows(number, target));
        pins.truncate(max_neighbours.min(MAX_BAND));
        report.pins_left_out += (pinned_before - pins.len()) as u64;
        report.pins_placed += pins.len() as u64;
        report.pins_added += pins
            .iter()
            .filter(|&&target| list.iter().all(|&(known, _)| known != target))
            .count() as u64;
        list.retain(|(target, _)| !pins.contains(target));
        list.truncate(max_neighbours - pins.len());
        list.splice(0..0, pins.iter().map(|&target| (target, 0.0)));
        makeup[product].pinned = pins.len();

        if !weights.is_empty() {
            report.weighted_suggestions += list[pins.len()..]
                .iter()
                .filter(|&&(target, _)| weights.factor(&records[target as usize]) != 1.0)
                .count() as u64;
        }
        if let Some(sources) = &sources {
            let category = &records[product].category;
            let fill_to = if table_rules.has_blocks(number) {
                blocked_fill_to
            } else {
                fill_to
            };
            let added = sources.fill(list, number, category, fill_to, &table_rules);
            makeup[product].filled = added;
            cold_start.products_filled += u64::from(added > 0);
            cold_start.suggestions_added += added as u64;
        }
    }
    place_in_bands(lists, &makeup);
    (report, cold_start)
}
