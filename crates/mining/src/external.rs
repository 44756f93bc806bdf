//! Counting pairs through sorted runs: the miner's path once the baskets did not fit
//! in the memory budget.
//!
//! The basket runs written while reading are merged back in order-key order, which
//! joins the lines of each order wherever they were in the file. Each complete basket
//! adds its products' order counts and emits its pairs `(a, b)`, `a < b`, packed in a
//! `u64`, into a buffer of at most the budget; a full buffer is sorted (both cores),
//! equal pairs are counted, and the counts are written as a run (delta-coded varints,
//! about 3 to 5 bytes per distinct pair). Merging the pair runs yields every distinct
//! pair once with its total count, which goes to [`PairStatisticsMiner`] — the same
//! scoring and ranking as every other path, so the table is byte-identical to the
//! in-memory one.

use std::io::{self, Read};

use rayon::prelude::*;

use super::catalog::Catalog;
use super::collector::BasketFormat;
use super::spill::{
    push_varint, reduce_runs, RunBytes, RunFormat, RunMerger, RunWriter, SpillError, SpillReport,
    SpillSpace, StoredRun, RUN_BUFFER_LEN,
};
use super::statistics::{OrderStatistics, PairCount, PairStatisticsMiner};
use super::{MemoryBudget, MinedTable, MiningOptions};

/// The pair buffer holds at least this many pairs, however small the budget.
const MIN_PAIR_BUFFER: usize = 1 << 12;

/// `(first << 32 | second, orders together)`.
type PairRecord = (u64, u32);

/// Runs of pair counts: the key's gap from the previous key and the count, varints.
struct PairFormat;

impl RunFormat for PairFormat {
    type Record = PairRecord;
    type Key = u64;

    fn key(record: &PairRecord) -> u64 {
        record.0
    }

    fn combine(into: &mut PairRecord, other: PairRecord) {
        into.1 = into.1.saturating_add(other.1);
    }

    fn encode(record: &PairRecord, previous: Option<u64>, out: &mut Vec<u8>) {
        push_varint(record.0 - previous.unwrap_or(0), out);
        push_varint(u64::from(record.1), out);
    }

    fn decode<R: Read>(input: &mut RunBytes<R>, previous: Option<u64>) -> io::Result<PairRecord> {
        let key = previous
            .unwrap_or(0)
            .checked_add(input.varint()?)
            .ok_or_else(|| super::spill::corrupt_run("a pair key above 2^64"))?;
        let count = u32::try_from(input.varint()?)
            .map_err(|_| super::spill::corrupt_run("a pair count above 2^32"))?;
        Ok((key, count))
    }
}

fn split_pair((key, together): PairRecord) -> PairCount {
    PairCount {
        first: (key >> 32) as u32,
        second: key as u32,
        together,
    }
}

/// Pairs waiting to be sorted and counted, and the runs already written.
struct PairCounter<'s, S: SpillSpace> {
    buffer: Vec<u64>,
    capacity: usize,
    runs: Vec<StoredRun<S::Run>>,
    space: &'s mut S,
}

impl<S: SpillSpace> PairCounter<'_, S> {
    /// Adds the pairs of one basket (sorted, distinct products).
    fn add_basket(&mut self, basket: &[u32], report: &mut SpillReport) -> Result<(), SpillError> {
        for (position, &first) in basket.iter().enumerate() {
            let high = u64::from(first) << 32;
            let mut partners = &basket[position + 1..];
            while !partners.is_empty() {
                if self.buffer.len() == self.capacity {
                    self.spill(report)?;
                }
                let room = (self.capacity - self.buffer.len()).min(partners.len());
                let (now, later) = partners.split_at(room);
                self.buffer
                    .extend(now.iter().map(|&second| high | u64::from(second)));
                partners = later;
            }
        }
        Ok(())
    }

    /// Sorts the buffer and hands each distinct pair with its count to `visit`.
    fn drain_sorted(
        buffer: &mut Vec<u64>,
        mut visit: impl FnMut(PairRecord) -> Result<(), SpillError>,
    ) -> Result<(), SpillError> {
        buffer.par_sort_unstable();
        for equal in buffer.chunk_by(|a, b| a == b) {
            visit((equal[0], u32::try_from(equal.len()).unwrap_or(u32::MAX)))?;
        }
        buffer.clear();
        Ok(())
    }

    fn spill(&mut self, report: &mut SpillReport) -> Result<(), SpillError> {
        let mut writer = RunWriter::<PairFormat, S::Run>::create(self.space, report)?;
        Self::drain_sorted(&mut self.buffer, |record| writer.push(&record, report))?;
        self.runs.push(writer.finish(report)?);
        report.pair_runs += 1;
        Ok(())
    }
}

/// Mines baskets stored as sorted runs, within `budget`.
pub(crate) fn mine_spilled<S: SpillSpace>(
    product_ids: Vec<String>,
    basket_runs: Vec<StoredRun<S::Run>>,
    mut space: S,
    budget: MemoryBudget,
    mut report: SpillReport,
    catalog: Option<Catalog>,
    options: &MiningOptions,
) -> Result<(MinedTable, SpillReport), SpillError> {
    let basket_runs = reduce_runs::<BasketFormat, S>(basket_runs, &mut space, &mut report)?;
    // The pair buffer gets the budget less the merge's read buffers, but at least
    // half of it: with tiny budgets the fixed buffers would leave next to nothing.
    let merge_buffers = basket_runs.len() * RUN_BUFFER_LEN;
    let buffer_bytes = budget
        .bytes
        .saturating_sub(merge_buffers)
        .max(budget.bytes / 2);
    let capacity = (buffer_bytes / std::mem::size_of::<u64>()).max(MIN_PAIR_BUFFER);
    let mut baskets = RunMerger::<BasketFormat, S::Run>::new(basket_runs, &report)?;
    let mut counter = PairCounter {
        buffer: Vec::with_capacity(capacity),
        capacity,
        runs: Vec::new(),
        space: &mut space,
    };
    let mut order_counts = vec![0u32; product_ids.len()];
    let mut order_count = 0u64;
    while let Some(basket) = baskets.next(&report)? {
        order_count += 1;
        for &product in &basket.products {
            order_counts[product as usize] += 1;
        }
        counter.add_basket(&basket.products, &mut report)?;
    }
    drop(baskets);

    let statistics = OrderStatistics {
        product_ids,
        order_counts,
        order_count,
    };
    let mut miner = PairStatisticsMiner::new(&statistics, catalog, options)
        .expect("counts taken from whole baskets are consistent");
    let mut add = |record: PairRecord| {
        miner
            .add(split_pair(record))
            .expect("pairs counted from whole baskets are consistent");
        Ok(())
    };
    if counter.runs.is_empty() {
        PairCounter::<S>::drain_sorted(&mut counter.buffer, &mut add)?;
    } else {
        if !counter.buffer.is_empty() {
            counter.spill(&mut report)?;
        }
        // The buffer's memory goes back before the merge.
        let PairCounter {
            runs,
            space,
            buffer,
            ..
        } = counter;
        drop(buffer);
        let runs = reduce_runs::<PairFormat, S>(runs, space, &mut report)?;
        let mut pairs = RunMerger::<PairFormat, S::Run>::new(runs, &report)?;
        while let Some(record) = pairs.next(&report)? {
            add(record)?;
        }
    }
    Ok((miner.finish(), report))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::spill::tests::MemorySpace;
    use super::super::spill::MERGE_FAN_IN;
    use super::super::{
        build_table_input, BasketCollector, Block, MerchandisingRules, OrdersBuilder, Pin,
        ScoreMeasure, Weight, WeightTarget,
    };
    use super::*;
    use alsobought_core::format::{write_table, ProductRecord};

    /// Line items `(order id, product id)`: skewed popularity, baskets of 1 to 12
    /// lines with repeats, and one order in ten continued later in the file (its
    /// lines not adjacent).
    fn generated_lines(orders: u64, seed: u64) -> Vec<(String, String)> {
        let mut state = seed;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % bound
        };
        let mut lines = Vec::new();
        let mut continued = Vec::new();
        for order in 0..orders {
            let size = 1 + next(12);
            for _ in 0..size {
                let bound = next(300) + 1;
                let product = next(bound);
                let line = (format!("o{order}"), format!("p{product}"));
                if order % 10 == 3 && next(2) == 0 {
                    continued.push(line);
                } else {
                    lines.push(line);
                }
            }
            if order % 50 == 49 {
                lines.append(&mut continued);
            }
        }
        lines.append(&mut continued);
        lines
    }

    fn in_memory(
        lines: &[(String, String)],
        catalog: Option<&Catalog>,
        options: &MiningOptions,
    ) -> MinedTable {
        let mut builder = OrdersBuilder::new();
        for (order, product) in lines {
            builder.add_line(order, product);
        }
        build_table_input(&builder.finish(), catalog, options)
    }

    fn collected(
        lines: &[(String, String)],
        budget: usize,
        catalog: Option<&Catalog>,
        options: &MiningOptions,
    ) -> (MinedTable, SpillReport) {
        let mut collector =
            BasketCollector::new(MemoryBudget { bytes: budget }, MemorySpace::default());
        for (order, product) in lines {
            collector.add_line(order, product).unwrap();
        }
        let collected = collector.finish().unwrap();
        let (mined, report) = collected.mine(catalog.cloned(), options).unwrap();
        (mined, report)
    }

    /// Pair statistics counted the naive way, offered in a scrambled order, with
    /// product numbers in another order than first appearance.
    fn from_statistics(
        lines: &[(String, String)],
        catalog: Option<&Catalog>,
        options: &MiningOptions,
    ) -> MinedTable {
        let mut baskets: HashMap<&str, Vec<&str>> = HashMap::new();
        for (order, product) in lines {
            baskets.entry(order).or_default().push(product);
        }
        let mut ids: Vec<String> = lines.iter().map(|(_, product)| product.clone()).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        let number: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| (id.as_str(), n as u32))
            .collect();
        let mut order_counts = vec![0u32; ids.len()];
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for products in baskets.values() {
            let mut basket: Vec<u32> = products.iter().map(|id| number[id]).collect();
            basket.sort_unstable();
            basket.dedup();
            for (position, &first) in basket.iter().enumerate() {
                order_counts[first as usize] += 1;
                for &second in &basket[position + 1..] {
                    *pairs.entry((second, first)).or_default() += 1;
                }
            }
        }
        let statistics = OrderStatistics {
            product_ids: ids,
            order_counts,
            order_count: baskets.len() as u64,
        };
        let mut miner = PairStatisticsMiner::new(&statistics, catalog.cloned(), options).unwrap();
        for ((first, second), together) in pairs {
            miner
                .add(PairCount {
                    first,
                    second,
                    together,
                })
                .unwrap();
        }
        miner.finish()
    }

    fn table_bytes(mined: &MinedTable) -> Vec<u8> {
        write_table(&mined.input).expect("a valid table")
    }

    fn sample_catalog() -> Catalog {
        let mut catalog = Catalog::new();
        for product in (0..320).filter(|product| product % 7 != 0) {
            let mut record = ProductRecord::with_id(format!("p{product}"));
            record.available = product % 5 != 0;
            catalog.insert(record).unwrap();
        }
        catalog
    }

    /// One rule of each kind, among products of the sample catalog.
    fn sample_rules() -> MerchandisingRules {
        MerchandisingRules {
            pins: vec![Pin {
                product: "p1".into(),
                target: "p2".into(),
            }],
            blocks: vec![
                Block {
                    product: Some("p1".into()),
                    target: "p3".into(),
                },
                Block {
                    product: None,
                    target: "p4".into(),
                },
            ],
            weights: vec![Weight {
                target: WeightTarget::Product("p6".into()),
                factor: 3.0,
            }],
        }
    }

    #[test]
    fn spilling_and_statistics_give_the_in_memory_table_byte_for_byte() {
        let lines = generated_lines(3_000, 7);
        let catalog = sample_catalog();
        let options = [
            MiningOptions::default(),
            MiningOptions {
                measure: ScoreMeasure::Count,
                max_neighbours: 3,
                min_together: 2,
                best_seller_count: 5,
                ..MiningOptions::default()
            },
            MiningOptions {
                measure: ScoreMeasure::LogLikelihood,
                ..MiningOptions::default()
            },
            MiningOptions {
                cold_start_fill: 6,
                rules: sample_rules(),
                ..MiningOptions::default()
            },
        ];
        for options in &options {
            for catalog in [None, Some(&catalog)] {
                let expected = in_memory(&lines, catalog, options);
                let expected_bytes = table_bytes(&expected);
                // Plenty of memory: one buffer, nothing spilled.
                let (roomy, report) = collected(&lines, 1 << 30, catalog, options);
                assert!(!report.spilled());
                assert_eq!(table_bytes(&roomy), expected_bytes);
                assert_eq!(roomy.stats, expected.stats);
                // A few kilobytes: many basket runs and pair runs, merged in groups.
                let (tight, report) = collected(&lines, 2 * 1024, catalog, options);
                assert!(report.basket_runs > MERGE_FAN_IN as u64, "{report:?}");
                assert!(report.pair_runs > 1, "{report:?}");
                assert!(report.merged_runs > 0, "{report:?}");
                assert_eq!(table_bytes(&tight), expected_bytes);
                assert_eq!(tight.stats, expected.stats);
                let counted_elsewhere = from_statistics(&lines, catalog, options);
                assert_eq!(table_bytes(&counted_elsewhere), expected_bytes);
                assert_eq!(
                    counted_elsewhere.stats.co_occurring_pairs,
                    expected.stats.co_occurring_pairs
                );
            }
        }
    }
}
