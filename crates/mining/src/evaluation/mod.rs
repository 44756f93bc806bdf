//! Offline evaluation: how well would the table built from past orders have predicted
//! the orders that came after?
//!
//! Orders are split by a hash of their id; the training part is mined and written
//! into a real table, read back with [`Table`] and queried with [`recommend_with`], so
//! quantization and the format are part of what is measured. Each held-out basket of
//! at least two distinct products yields product-page queries (one item in context,
//! the rest to find) and cart queries (all but one item in context, that one to find).
//! The same queries go to a popularity baseline and a raw co-occurrence baseline.
//! Given the groups planted in a synthetic history ([`PlantedGroups`]), each
//! recommender is also scored on finding a product's planted partners.

mod metrics;
mod planted;
mod split;

pub use metrics::{MetricSums, QueryMetrics, CUTOFFS};
pub use planted::{PlantedGroups, PlantedMetrics, PlantedSummary};
pub use split::{is_held_out, is_held_out_by, split_orders, Split};

use std::collections::HashMap;

use rayon::prelude::*;

use crate::measures::Scoring;
use crate::{build_table_input, Catalog, MiningOptions, Orders, ScoreMeasure};
use alsobought_core::format::{write_table, Bundle, Table, TableError, WriteError};
use alsobought_core::scoring::{recommend_with, CartCombination, Fallback, RecommendOptions};
use planted::PlantedPartners;

/// Knobs of an evaluation run. `Default` is what `alsobought evaluate` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationOptions {
    /// Share of orders held out for testing (by order-id hash), 0..=1; default 0.2.
    pub test_fraction: f64,
    /// How the evaluated table is mined (the baselines change only the measure).
    pub mining: MiningOptions,
    /// At most this many products of one held-out basket are used as the product-page
    /// context, and as many are hidden for cart queries (chosen by hash, so the same
    /// ones every run); bounds the cost of baskets with hundreds of items. Default 8.
    pub max_queries_per_basket: usize,
}

impl Default for EvaluationOptions {
    fn default() -> Self {
        EvaluationOptions {
            test_fraction: 0.2,
            mining: MiningOptions::default(),
            max_queries_per_basket: 8,
        }
    }
}

/// A way of producing suggestions that can be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Recommender {
    /// A table mined with these options, queried with this cart combination and the
    /// best-seller fallback: the real path.
    Table {
        /// How the table is mined.
        mining: MiningOptions,
        /// How a cart's neighbour lists are combined.
        combination: CartCombination,
    },
    /// The most-ordered products of the training orders, whatever the context.
    Popularity,
}

impl Recommender {
    /// What `alsobought build` and the widget do by default.
    pub fn default_scoring(mining: &MiningOptions) -> Recommender {
        Recommender::Table {
            mining: mining.clone(),
            combination: CartCombination::DEFAULT,
        }
    }

    /// A table mined and queried with `scoring` (the tuner's choice, or the scoring
    /// flags'), on top of `mining`'s other options.
    pub fn scored(mining: &MiningOptions, scoring: &Scoring) -> Recommender {
        Recommender::Table {
            mining: mining.with_scoring(scoring),
            combination: scoring.combination,
        }
    }

    /// The naive baseline: neighbours by raw co-occurrence count, summed over a cart.
    pub fn co_occurrence(mining: &MiningOptions) -> Recommender {
        Recommender::Table {
            mining: MiningOptions {
                measure: ScoreMeasure::Count,
                ..mining.clone()
            },
            combination: CartCombination::Sum,
        }
    }

    /// A short description for reports (`shrunk-cosine:2 + normalized-sum`).
    pub fn name(&self) -> String {
        match self {
            Recommender::Table {
                mining,
                combination,
            } => Scoring {
                measure: mining.measure,
                min_together: mining.min_together,
                combination: *combination,
                category_weight: mining.category_weight,
            }
            .name(),
            Recommender::Popularity => "popularity".into(),
        }
    }
}

/// Results of one recommender.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommenderReport {
    /// What was evaluated ([`Recommender::name`]).
    pub name: String,
    /// One product in context, the rest of its basket to find.
    pub product_page: QueryMetrics,
    /// All but one product of a basket in context, that one to find.
    pub cart: QueryMetrics,
    /// Finding planted partners, when planted groups were given.
    pub planted: Option<PlantedMetrics>,
    /// Bytes of the table built (0 for popularity).
    pub table_bytes: u64,
}

/// What `alsobought evaluate` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationReport {
    /// Orders mined.
    pub training_orders: u64,
    /// Orders held out.
    pub test_orders: u64,
    /// Held-out orders with at least two distinct (catalog) products: the ones queried.
    pub test_baskets: u64,
    /// Products coverage is measured against (catalog products, or every product seen).
    pub products: u64,
    /// In the order asked: `alsobought evaluate` lists the tuned scoring (when tuned),
    /// the default, then the popularity and co-occurrence baselines.
    pub recommenders: Vec<RecommenderReport>,
    /// What the planted groups held, when given.
    pub planted: Option<PlantedSummary>,
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// The training orders could not be written as a table.
    #[error("writing the evaluation table failed: {0}")]
    Write(#[from] WriteError),
    /// The table just written could not be read back (a bug in the format code).
    #[error("reading back the evaluation table failed: {0}")]
    Read(#[from] TableError),
}

/// Evaluates the default scoring and both baselines on `orders`.
pub fn evaluate(
    orders: &Orders,
    catalog: Option<&Catalog>,
    options: &EvaluationOptions,
) -> Result<EvaluationReport, EvaluationError> {
    evaluate_with_planted_groups(orders, catalog, options, None)
}

/// [`evaluate`], also scoring each recommender against `planted` groups when given.
pub fn evaluate_with_planted_groups(
    orders: &Orders,
    catalog: Option<&Catalog>,
    options: &EvaluationOptions,
    planted: Option<&PlantedGroups>,
) -> Result<EvaluationReport, EvaluationError> {
    let recommenders = [
        Recommender::default_scoring(&options.mining),
        Recommender::Popularity,
        Recommender::co_occurrence(&options.mining),
    ];
    evaluate_recommenders(orders, catalog, options, planted, &recommenders)
}

/// Evaluates `recommenders`, in that order, on one split of `orders` (also against
/// `planted` groups when given).
pub fn evaluate_recommenders(
    orders: &Orders,
    catalog: Option<&Catalog>,
    options: &EvaluationOptions,
    planted: Option<&PlantedGroups>,
    recommenders: &[Recommender],
) -> Result<EvaluationReport, EvaluationError> {
    let mut evaluation = Evaluation::new(orders, catalog, options);
    if let Some(planted) = planted {
        evaluation = evaluation.with_planted_groups(planted);
    }
    let reports = recommenders
        .iter()
        .map(|recommender| evaluation.run(recommender))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(evaluation.report(reports))
}

/// A split and its queries, ready to evaluate any number of recommenders on.
pub struct Evaluation<'a> {
    catalog: Option<&'a Catalog>,
    split: Split,
    /// Every product coverage counts, by id: catalog ids or the orders' ids. Queries
    /// and metrics number products by their position here.
    universe: Vec<&'a str>,
    /// The inverse of `universe`.
    number_of: HashMap<&'a str, u32>,
    /// Held-out baskets in universe numbers (sorted, distinct, ≥ 2 items) with the
    /// positions of the items their queries use.
    baskets: Vec<TestBasket>,
    /// Planted partners in universe numbers, when given.
    planted: Option<PlantedPartners>,
}

/// Every metric of one recommender over the prepared queries.
struct QueryResults {
    product_page: QueryMetrics,
    cart: QueryMetrics,
    planted: Option<PlantedMetrics>,
}

struct TestBasket {
    items: Vec<u32>,
    queried: Vec<usize>,
}

impl<'a> Evaluation<'a> {
    /// Splits `orders` and prepares the queries.
    pub fn new(
        orders: &'a Orders,
        catalog: Option<&'a Catalog>,
        options: &EvaluationOptions,
    ) -> Self {
        let split = split_orders(orders, options.test_fraction);
        let universe: Vec<&str> = match catalog {
            Some(catalog) => catalog
                .records()
                .iter()
                .map(|record| record.id.as_str())
                .collect(),
            None => orders.product_ids().iter().map(String::as_str).collect(),
        };
        let number_of: HashMap<&str, u32> = universe
            .iter()
            .enumerate()
            .map(|(number, &id)| (id, number as u32))
            .collect();
        let baskets = split
            .test
            .order_ids()
            .iter()
            .zip(split.test.baskets())
            .filter_map(|(order_id, basket)| {
                let mut items: Vec<u32> = basket
                    .iter()
                    .filter_map(|&product| {
                        number_of
                            .get(orders.product_ids()[product as usize].as_str())
                            .copied()
                    })
                    .collect();
                items.sort_unstable();
                items.dedup();
                (items.len() >= 2).then(|| {
                    let queried = sample_positions(
                        order_id,
                        &items,
                        &universe,
                        options.max_queries_per_basket,
                    );
                    TestBasket { items, queried }
                })
            })
            .collect();
        Evaluation {
            catalog,
            split,
            universe,
            number_of,
            baskets,
            planted: None,
        }
    }

    /// Also scores every recommender on finding the partners `groups` planted. Members
    /// outside the catalog (or, without one, the orders) are counted and ignored;
    /// unavailable partners are not targets, since no table suggests them.
    pub fn with_planted_groups(mut self, groups: &PlantedGroups) -> Self {
        let planted = PlantedPartners::new(
            groups,
            |id| self.number_of.get(id).copied(),
            |number| {
                self.catalog.is_none_or(|catalog| {
                    catalog
                        .get(self.universe[number as usize])
                        .is_some_and(|record| record.available)
                })
            },
        );
        self.planted = Some(planted);
        self
    }

    /// The orders split.
    pub fn split(&self) -> &Split {
        &self.split
    }

    /// Evaluates one recommender on the prepared queries.
    pub fn run(&self, recommender: &Recommender) -> Result<RecommenderReport, EvaluationError> {
        let (results, table_bytes) = match recommender {
            Recommender::Popularity => {
                let ranking = self.popularity_ranking();
                let results = self.score_queries(|context, out| {
                    out.extend(
                        ranking
                            .iter()
                            .copied()
                            .filter(|product| !context.contains(product))
                            .take(deepest_cutoff()),
                    );
                });
                (results, 0)
            }
            Recommender::Table {
                mining,
                combination,
            } => {
                let bytes = write_table(
                    &build_table_input(&self.split.training, self.catalog, mining).input,
                )?;
                let table = Table::open(bytes.as_slice())?;
                let prefix = table.prefix()?;
                let quantization = prefix.header().quantization();
                let best_sellers = prefix.best_sellers();
                let bundles = self
                    .universe
                    .iter()
                    .map(|id| prefix.find_in_file(table.bytes(), id))
                    .collect::<Result<Vec<Option<Bundle<'_>>>, TableError>>()?;
                // Table product number → universe number, from the bundles' own cards.
                let mut universe_number = vec![u32::MAX; table.header().product_count as usize];
                for (number, bundle) in bundles.iter().enumerate() {
                    if let Some(card) = bundle.and_then(|bundle| bundle.product()) {
                        universe_number[card.number as usize] = number as u32;
                    }
                }
                let options = RecommendOptions {
                    max_suggestions: deepest_cutoff(),
                    fallback: Fallback::BestSellers,
                    ..RecommendOptions::default()
                };
                let results = self.score_queries(|context, out| {
                    let context_ids: Vec<&str> = context
                        .iter()
                        .map(|&product| self.universe[product as usize])
                        .collect();
                    let context_bundles: Vec<Bundle<'_>> = context
                        .iter()
                        .filter_map(|&product| bundles[product as usize])
                        .collect();
                    let suggestions = recommend_with(
                        &context_ids,
                        &context_bundles,
                        Some(best_sellers),
                        &quantization,
                        &options,
                        *combination,
                    );
                    out.extend(
                        suggestions
                            .iter()
                            .map(|suggestion| universe_number[suggestion.card.number as usize])
                            .filter(|&number| number != u32::MAX),
                    );
                });
                (results, bytes.len() as u64)
            }
        };
        Ok(RecommenderReport {
            name: recommender.name(),
            product_page: results.product_page,
            cart: results.cart,
            planted: results.planted,
            table_bytes,
        })
    }

    /// Wraps recommender results into the report of this split.
    pub fn report(&self, recommenders: Vec<RecommenderReport>) -> EvaluationReport {
        EvaluationReport {
            training_orders: self.split.training.order_count() as u64,
            test_orders: self.split.test.order_count() as u64,
            test_baskets: self.baskets.len() as u64,
            products: self.universe.len() as u64,
            recommenders,
            planted: self.planted.as_ref().map(PlantedPartners::summary),
        }
    }

    /// Runs every query through `ranked` (context → recommendations, best first) and
    /// returns the product-page, cart and planted-partner metrics.
    fn score_queries(&self, ranked: impl Fn(&[u32], &mut Vec<u32>) + Sync) -> QueryResults {
        let product_count = self.universe.len();
        let empty = || QuerySums {
            product_page: MetricSums::new(product_count),
            cart: MetricSums::new(product_count),
            planted_pages: MetricSums::new(product_count),
            context: Vec::new(),
            ranking: Vec::new(),
        };
        let sums = self
            .baskets
            .par_iter()
            .fold(empty, |mut sums, basket| {
                for &position in &basket.queried {
                    let item = basket.items[position];
                    let others: Vec<u32> = basket
                        .items
                        .iter()
                        .copied()
                        .filter(|&other| other != item)
                        .collect();

                    sums.ranking.clear();
                    ranked(&[item], &mut sums.ranking);
                    sums.product_page.add(&sums.ranking, &others);
                    if let Some(partners) = self.planted.as_ref().and_then(|p| p.of(item)) {
                        sums.planted_pages.add(&sums.ranking, partners);
                    }

                    sums.context.clear();
                    sums.context.extend_from_slice(&others);
                    sums.ranking.clear();
                    ranked(&sums.context, &mut sums.ranking);
                    sums.cart.add(&sums.ranking, &[item]);
                }
                sums
            })
            .reduce(empty, QuerySums::merge);
        let planted = self.planted.as_ref().map(|planted| {
            let products = planted
                .products()
                .par_iter()
                .fold(
                    || (MetricSums::new(product_count), Vec::new()),
                    |(mut sums, mut ranking), &product| {
                        ranking.clear();
                        ranked(&[product], &mut ranking);
                        let partners = planted.of(product).expect("listed products have partners");
                        sums.add(&ranking, partners);
                        (sums, ranking)
                    },
                )
                .map(|(sums, _)| sums)
                .reduce(|| MetricSums::new(product_count), MetricSums::merge);
            PlantedMetrics {
                page_queries: sums.planted_pages.metrics(),
                products: products.metrics(),
            }
        });
        QueryResults {
            product_page: sums.product_page.metrics(),
            cart: sums.cart.metrics(),
            planted,
        }
    }

    /// Universe products by training order count, most ordered first (ties by number),
    /// available ones only.
    fn popularity_ranking(&self) -> Vec<u32> {
        let training = &self.split.training;
        let order_counts = training.product_order_counts();
        let mut ranked: Vec<(u32, u32)> = training
            .product_ids()
            .iter()
            .zip(&order_counts)
            .filter(|&(_, &count)| count > 0)
            .filter_map(|(id, &count)| {
                let available = self
                    .catalog
                    .is_none_or(|catalog| catalog.get(id).is_some_and(|record| record.available));
                self.number_of
                    .get(id.as_str())
                    .filter(|_| available)
                    .map(|&number| (number, count))
            })
            .collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(number, _)| number).collect()
    }
}

/// Per-thread running sums of [`Evaluation::score_queries`], with scratch vectors.
struct QuerySums {
    product_page: MetricSums,
    cart: MetricSums,
    planted_pages: MetricSums,
    context: Vec<u32>,
    ranking: Vec<u32>,
}

impl QuerySums {
    fn merge(self, other: QuerySums) -> QuerySums {
        QuerySums {
            product_page: self.product_page.merge(other.product_page),
            cart: self.cart.merge(other.cart),
            planted_pages: self.planted_pages.merge(other.planted_pages),
            context: Vec::new(),
            ranking: Vec::new(),
        }
    }
}

fn deepest_cutoff() -> usize {
    CUTOFFS[CUTOFFS.len() - 1]
}

/// Positions (into `items`) of the at most `limit` items a basket's queries use: those
/// with the smallest hash of (order id, product id), so the choice is stable.
pub(crate) fn sample_positions(
    order_id: &str,
    items: &[u32],
    universe: &[&str],
    limit: usize,
) -> Vec<usize> {
    if items.len() <= limit {
        return (0..items.len()).collect();
    }
    let order_seed = split::mix(order_id.as_bytes(), 0x5eed);
    let mut keyed: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .map(|(position, &product)| {
            (
                split::mix(universe[product as usize].as_bytes(), order_seed),
                position,
            )
        })
        .collect();
    keyed.sort_unstable();
    let mut chosen: Vec<usize> = keyed
        .into_iter()
        .take(limit)
        .map(|(_, position)| position)
        .collect();
    chosen.sort_unstable();
    chosen
}
