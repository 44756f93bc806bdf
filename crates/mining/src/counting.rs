//! Co-occurrence counting and top-K selection in one parallel pass per product: the
//! miner's path while the baskets fit in memory.
//!
//! The naive way keeps a count for every distinct pair (millions on a real store) and
//! scores them afterwards. Here each product is handled on its own: walk the orders
//! containing it, count its partners in a dense per-thread array, score them, keep the
//! best K and reset only the slots touched. Memory is one array of counts per thread
//! plus the K neighbours kept per product, whatever the number of distinct pairs; work
//! is Σ |basket|² over the orders, split across threads by product.

use rayon::prelude::*;

use super::measures::share_units;
use super::orders::Orders;
use super::selection::{keep_best, IdOrder, PairScorer};

/// Baskets the pass can walk: each a sorted list of distinct product numbers.
pub(crate) trait BasketList: Sync {
    /// Number of baskets.
    fn basket_count(&self) -> usize;
    /// The basket at `index`.
    fn basket(&self, index: usize) -> &[u32];
}

impl BasketList for Orders {
    fn basket_count(&self) -> usize {
        self.order_count()
    }

    fn basket(&self, index: usize) -> &[u32] {
        &self.baskets()[index]
    }
}

/// One partner of a product, as the counting pass hands it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partner {
    /// The partner's product number.
    pub product: u32,
    /// Orders containing both.
    pub together: u32,
    /// Those orders' summed `measures::share_units`; 0 unless the pass was asked to
    /// count them (only basket-weighted measures read them).
    pub share_units: u64,
}

/// Per product: its best neighbours as `(product number, score)`, best first
/// (ties by product id); empty for products not wanted.
pub(crate) struct Neighbours {
    /// Indexed by product number.
    pub lists: Vec<Vec<(u32, f32)>>,
    /// Unordered pairs of wanted products bought together at least once.
    pub co_occurring_pairs: u64,
}

/// Counts, scores and selects neighbours for every wanted product.
pub(crate) fn top_neighbours(
    baskets: &impl BasketList,
    order: &IdOrder,
    wanted: &[bool],
    scorer: &PairScorer<'_>,
    max_neighbours: usize,
) -> Neighbours {
    let results: Vec<(Vec<(u32, f32)>, u64)> = for_each_wanted_product(
        baskets,
        wanted,
        scorer.needs_basket_sizes(),
        |product, partners, candidates: &mut Vec<(u32, f32)>| {
            let mut wanted_partners = 0;
            candidates.clear();
            for partner in partners {
                wanted_partners += u64::from(wanted[partner.product as usize]);
                if let Some(score) = scorer.score(
                    product,
                    partner.product,
                    partner.together,
                    partner.share_units,
                ) {
                    candidates.push((partner.product, score));
                }
            }
            keep_best(candidates, max_neighbours, order);
            // A list of its own, exactly K long: the scratch held every partner
            // (kept per product, that was 800 MB of spare capacity on 10M lines).
            (candidates.to_vec(), wanted_partners)
        },
    );
    // Each pair of wanted products was seen from both ends.
    let co_occurring_pairs = results.iter().map(|(_, pairs)| pairs).sum::<u64>() / 2;
    Neighbours {
        lists: results.into_iter().map(|(list, _)| list).collect(),
        co_occurring_pairs,
    }
}

/// The one counting pass, in parallel by product: hands each wanted product's
/// partners (in no particular order; with their share units when `count_shares`) to
/// `visit`, with a per-thread scratch value, and collects what it returns by product
/// number (`T::default()` for products not wanted). Mining scores one measure per
/// pass; tuning scores every candidate measure on the same counts.
pub(crate) fn for_each_wanted_product<T, Scratch>(
    baskets: &impl BasketList,
    wanted: &[bool],
    count_shares: bool,
    visit: impl Fn(u32, &[Partner], &mut Scratch) -> T + Sync,
) -> Vec<T>
where
    T: Default + Send,
    Scratch: Default,
{
    let product_count = wanted.len();
    let index = OrdersByProduct::new(baskets, product_count);
    (0..product_count)
        .into_par_iter()
        .map_init(
            || {
                (
                    PartnerCounts::new(product_count, count_shares),
                    Vec::new(),
                    Scratch::default(),
                )
            },
            |(partners, pairs, scratch), product| {
                if !wanted[product] {
                    return T::default();
                }
                for &basket in index.baskets_of(product) {
                    partners.add_basket(baskets.basket(basket as usize), product as u32);
                }
                pairs.clear();
                partners.drain(|partner| pairs.push(partner));
                visit(product as u32, pairs, scratch)
            },
        )
        .collect()
}

/// The inverted index: for each product, the positions of the baskets containing it.
struct OrdersByProduct {
    starts: Vec<usize>,
    baskets: Vec<u32>,
}

impl OrdersByProduct {
    fn new(baskets: &impl BasketList, product_count: usize) -> Self {
        let mut starts = vec![0usize; product_count + 1];
        for basket in 0..baskets.basket_count() {
            for &product in baskets.basket(basket) {
                starts[product as usize + 1] += 1;
            }
        }
        for position in 1..starts.len() {
            starts[position] += starts[position - 1];
        }
        let mut next = starts.clone();
        let mut positions = vec![0u32; *starts.last().unwrap_or(&0)];
        for basket in 0..baskets.basket_count() {
            for &product in baskets.basket(basket) {
                positions[next[product as usize]] = basket as u32;
                next[product as usize] += 1;
            }
        }
        OrdersByProduct {
            starts,
            baskets: positions,
        }
    }

    fn baskets_of(&self, product: usize) -> &[u32] {
        &self.baskets[self.starts[product]..self.starts[product + 1]]
    }
}

/// A dense count per partner product (and share units, when counted) plus the list of
/// slots in use, so clearing costs the number of partners, not the number of products.
struct PartnerCounts {
    counts: Vec<u32>,
    /// Empty when shares are not counted: the measures that do not read them do not
    /// pay a second array's memory traffic in the hottest loop.
    shares: Vec<u64>,
    touched: Vec<u32>,
}

impl PartnerCounts {
    fn new(product_count: usize, count_shares: bool) -> Self {
        PartnerCounts {
            counts: vec![0; product_count],
            shares: if count_shares {
                vec![0; product_count]
            } else {
                Vec::new()
            },
            touched: Vec::new(),
        }
    }

    fn add_basket(&mut self, basket: &[u32], product: u32) {
        for &partner in basket {
            if partner == product {
                continue;
            }
            let count = &mut self.counts[partner as usize];
            if *count == 0 {
                self.touched.push(partner);
            }
            *count += 1;
        }
        if !self.shares.is_empty() {
            let units = share_units(basket.len());
            for &partner in basket {
                if partner != product {
                    self.shares[partner as usize] += units;
                }
            }
        }
    }

    /// Hands every partner to `visit` and resets the counts.
    fn drain(&mut self, mut visit: impl FnMut(Partner)) {
        for &partner in &self.touched {
            let slot = partner as usize;
            visit(Partner {
                product: partner,
                together: std::mem::take(&mut self.counts[slot]),
                share_units: self.shares.get_mut(slot).map_or(0, std::mem::take),
            });
        }
        self.touched.clear();
    }
}
