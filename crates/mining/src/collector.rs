//! Collecting line items into baskets within a memory budget, for `alsobought build`.
//!
//! [`super::OrdersBuilder`] keeps every order id as a `String` and every basket as its
//! own `Vec`: fine for a year of a mid-size store, about 150 bytes per order beyond
//! the items, which is 4 GB for the 28 million orders of 100 million lines. The
//! collector keeps 4 bytes per line and 24 per *run of adjacent lines of one order*
//! (a fragment; exports write an order's lines together, so usually one per order):
//!
//! - order ids become a 128-bit key (two SipHash-1-3 values over the id's bytes), never
//!   stored as text. Two different ids get the same key with probability about
//!   n² / 2¹²⁹ — for a billion orders, 10⁻²¹ — so no id needs keeping for a check;
//! - product ids are interned once (the table needs them anyway);
//! - lines of one order need not be adjacent: fragments with equal keys are merged
//!   when the buffer is sorted by key, and across spilled runs when those are merged.
//!
//! When the buffer would pass half the budget (the other half is for the in-memory
//! counting pass's index), it is sorted by key and written to spill space as a run of
//! baskets; the miner then counts pairs through sorted runs as well
//! ([`super::external`]).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};

use rayon::prelude::*;

use super::counting::BasketList;
use super::spill::{
    corrupt_run, push_varint, RunBytes, RunFormat, RunWriter, SpillError, SpillReport, SpillSpace,
    StoredRun,
};

/// An order id's 128-bit key.
pub(crate) type OrderKey = [u64; 2];

/// The key of an order id: two SipHash-1-3 values (fixed keys, so the same in every
/// run of one build of the tool) over the id behind two different prefixes.
fn order_key(order_id: &[u8]) -> OrderKey {
    let half = |prefix: u8| {
        let mut hasher = DefaultHasher::new();
        hasher.write_u8(prefix);
        hasher.write(order_id);
        hasher.finish()
    };
    [half(0), half(1)]
}

/// Adjacent lines of one order: `len` sorted, distinct product numbers at `start`.
#[derive(Debug, Clone, Copy)]
struct Fragment {
    key: OrderKey,
    start: u32,
    len: u32,
}

/// Bytes the buffer spends per item and per fragment.
const ITEM_BYTES: usize = std::mem::size_of::<u32>();
const FRAGMENT_BYTES: usize = std::mem::size_of::<Fragment>();

/// The buffer never holds more items than this, so positions fit a `u32` even after
/// merged baskets are appended.
const MAX_BUFFERED_ITEMS: usize = 1 << 31;

/// Memory the counting passes may use. See [`BasketCollector::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryBudget {
    /// Bytes for the buffers that grow with the order history.
    pub bytes: usize,
}

/// Collects line items into baskets, spilling sorted runs when they pass the budget.
///
/// Use it as the [`super::LineSink`] of an orders reader, then
/// [`BasketCollector::finish`] and [`CollectedOrders::mine`].
pub struct BasketCollector<S: SpillSpace> {
    product_numbers: HashMap<String, u32>,
    open_order: Option<Vec<u8>>,
    open_key: OrderKey,
    open_start: usize,
    items: Vec<u32>,
    fragments: Vec<Fragment>,
    buffer_limit: usize,
    budget: MemoryBudget,
    space: S,
    runs: Vec<StoredRun<S::Run>>,
    report: SpillReport,
    line_count: u64,
}

impl<S: SpillSpace> BasketCollector<S> {
    /// A collector that keeps its buffers within `budget` — what grows with the
    /// number of lines and orders — spilling to `space` beyond it. Memory that grows
    /// with the number of products (their ids, counts and neighbour lists, the table
    /// itself) is not part of the budget: it is the table's size, needed whatever the
    /// history's length.
    pub fn new(budget: MemoryBudget, space: S) -> Self {
        BasketCollector {
            product_numbers: HashMap::new(),
            open_order: None,
            open_key: [0; 2],
            open_start: 0,
            items: Vec::new(),
            fragments: Vec::new(),
            buffer_limit: budget.bytes / 2,
            budget,
            space,
            runs: Vec::new(),
            report: SpillReport::default(),
            line_count: 0,
        }
    }

    /// Records that order `order_id` contains product `product_id`.
    pub fn add_line(&mut self, order_id: &str, product_id: &str) -> Result<(), SpillError> {
        let product = match self.product_numbers.get(product_id) {
            Some(&number) => number,
            None => {
                let number = u32::try_from(self.product_numbers.len())
                    .expect("more than 4 billion distinct product ids");
                self.product_numbers.insert(product_id.to_owned(), number);
                number
            }
        };
        if self.open_order.as_deref() != Some(order_id.as_bytes()) {
            self.close_fragment()?;
            let open = self.open_order.get_or_insert_with(Vec::new);
            open.clear();
            open.extend_from_slice(order_id.as_bytes());
            self.open_key = order_key(order_id.as_bytes());
        }
        self.items.push(product);
        self.line_count += 1;
        Ok(())
    }

    /// Line items added so far.
    pub fn line_count(&self) -> u64 {
        self.line_count
    }

    /// Distinct products seen so far.
    pub fn product_count(&self) -> usize {
        self.product_numbers.len()
    }

    /// Ends the fragment being filled: its items sorted and made distinct.
    fn close_fragment(&mut self) -> Result<(), SpillError> {
        if self.open_order.is_none() || self.items.len() == self.open_start {
            return Ok(());
        }
        let fragment = &mut self.items[self.open_start..];
        fragment.sort_unstable();
        let mut distinct = 1;
        for index in 1..fragment.len() {
            if fragment[index] != fragment[distinct - 1] {
                fragment[distinct] = fragment[index];
                distinct += 1;
            }
        }
        self.items.truncate(self.open_start + distinct);
        self.fragments.push(Fragment {
            key: self.open_key,
            start: self.open_start as u32,
            len: distinct as u32,
        });
        let buffered = self.items.len() * ITEM_BYTES + self.fragments.len() * FRAGMENT_BYTES;
        if buffered > self.buffer_limit || self.items.len() > MAX_BUFFERED_ITEMS {
            self.spill()?;
        }
        self.open_start = self.items.len();
        Ok(())
    }

    /// Writes the buffer as one run of baskets sorted by key, and empties it.
    fn spill(&mut self) -> Result<(), SpillError> {
        let mut writer = RunWriter::<BasketFormat, S::Run>::create(&mut self.space, &self.report)?;
        let mut union = Vec::new();
        let mut written = Ok(());
        for_each_order(&mut self.fragments, |group| {
            if written.is_err() {
                return;
            }
            let products = match group {
                [single] => single.products(&self.items),
                several => {
                    union_of(several, &self.items, &mut union);
                    &union
                }
            };
            written = writer.push_with(
                group[0].key,
                |out| encode_basket(group[0].key, products, out),
                &self.report,
            );
        });
        written?;
        self.runs.push(writer.finish(&mut self.report)?);
        self.report.basket_runs += 1;
        self.items.clear();
        self.fragments.clear();
        Ok(())
    }

    /// The collected orders: in memory if they stayed within the budget, else as
    /// sorted runs in spill space.
    pub fn finish(mut self) -> Result<CollectedOrders<S>, SpillError> {
        self.close_fragment()?;
        let mut product_ids = vec![String::new(); self.product_numbers.len()];
        for (id, number) in std::mem::take(&mut self.product_numbers) {
            product_ids[number as usize] = id;
        }
        let baskets = if self.runs.is_empty() {
            Collected::InMemory(FlatBaskets::from_fragments(self.fragments, self.items))
        } else {
            if !self.fragments.is_empty() {
                self.spill()?;
            }
            Collected::Spilled {
                runs: self.runs,
                space: self.space,
            }
        };
        Ok(CollectedOrders {
            product_ids,
            line_count: self.line_count,
            baskets,
            budget: self.budget,
            report: self.report,
        })
    }
}

impl Fragment {
    fn products<'i>(&self, items: &'i [u32]) -> &'i [u32] {
        &items[self.start as usize..(self.start + self.len) as usize]
    }
}

/// Sorts fragments by key and calls `visit` with each order's fragments (usually
/// one), in key order.
fn for_each_order(fragments: &mut [Fragment], mut visit: impl FnMut(&[Fragment])) {
    fragments.par_sort_unstable_by_key(|fragment| fragment.key);
    for group in fragments.chunk_by(|a, b| a.key == b.key) {
        visit(group);
    }
}

/// The sorted, distinct union of several fragments' products, into `union`.
fn union_of(fragments: &[Fragment], items: &[u32], union: &mut Vec<u32>) {
    union.clear();
    for fragment in fragments {
        union.extend_from_slice(fragment.products(items));
    }
    union.sort_unstable();
    union.dedup();
}

/// Orders collected by [`BasketCollector`], ready to mine.
pub struct CollectedOrders<S: SpillSpace> {
    product_ids: Vec<String>,
    line_count: u64,
    pub(crate) baskets: Collected<S>,
    pub(crate) budget: MemoryBudget,
    pub(crate) report: SpillReport,
}

/// Where the baskets are.
pub(crate) enum Collected<S: SpillSpace> {
    /// Every basket, in memory.
    InMemory(FlatBaskets),
    /// Sorted runs of baskets (by order key) in spill space.
    Spilled {
        runs: Vec<StoredRun<S::Run>>,
        space: S,
    },
}

impl<S: SpillSpace> CollectedOrders<S> {
    /// Every distinct product id, indexed by product number (first appearance).
    pub fn product_ids(&self) -> &[String] {
        &self.product_ids
    }

    /// Line items collected (before repeats within an order collapse).
    pub fn line_count(&self) -> u64 {
        self.line_count
    }

    /// What has been spilled so far.
    pub fn spill_report(&self) -> SpillReport {
        self.report
    }

    /// Whether the baskets stayed in memory.
    pub fn in_memory(&self) -> bool {
        matches!(self.baskets, Collected::InMemory(_))
    }

    pub(crate) fn into_parts(self) -> (Vec<String>, Collected<S>, MemoryBudget, SpillReport) {
        (self.product_ids, self.baskets, self.budget, self.report)
    }
}

/// Baskets in one array: `items[start..start + len]` per basket.
pub(crate) struct FlatBaskets {
    items: Vec<u32>,
    spans: Vec<(u32, u32)>,
}

impl FlatBaskets {
    /// Groups fragments into baskets; the fragments of an order whose lines were not
    /// adjacent are merged into one basket appended after the items.
    fn from_fragments(mut fragments: Vec<Fragment>, mut items: Vec<u32>) -> Self {
        let mut spans = Vec::with_capacity(fragments.len());
        let mut appended = Vec::new();
        let mut union = Vec::new();
        for_each_order(&mut fragments, |group| match group {
            [single] => spans.push((single.start, single.len)),
            several => {
                union_of(several, &items, &mut union);
                spans.push(((items.len() + appended.len()) as u32, union.len() as u32));
                appended.extend_from_slice(&union);
            }
        });
        drop(fragments);
        items.extend_from_slice(&appended);
        FlatBaskets { items, spans }
    }

    /// Orders containing each product, for `product_count` products.
    pub fn order_counts(&self, product_count: usize) -> Vec<u32> {
        let mut counts = vec![0u32; product_count];
        for basket in 0..self.spans.len() {
            for &product in self.basket(basket) {
                counts[product as usize] += 1;
            }
        }
        counts
    }
}

impl BasketList for FlatBaskets {
    fn basket_count(&self) -> usize {
        self.spans.len()
    }

    fn basket(&self, index: usize) -> &[u32] {
        let (start, len) = self.spans[index];
        &self.items[start as usize..(start + len) as usize]
    }
}

/// Appends one basket record (see [`BasketFormat`]).
fn encode_basket(key: OrderKey, products: &[u32], out: &mut Vec<u8>) {
    out.extend_from_slice(&key[0].to_le_bytes());
    out.extend_from_slice(&key[1].to_le_bytes());
    push_varint(products.len() as u64, out);
    let mut previous = 0;
    for &product in products {
        push_varint(u64::from(product - previous), out);
        previous = product;
    }
}

/// One order in a run of baskets: its key and its sorted, distinct products.
pub(crate) struct BasketRecord {
    pub key: OrderKey,
    pub products: Vec<u32>,
}

/// Runs of baskets: the 16-byte key, the product count, then the products as
/// varint gaps (sorted and distinct, so each gap after the first is at least 1).
pub(crate) struct BasketFormat;

impl RunFormat for BasketFormat {
    type Record = BasketRecord;
    type Key = OrderKey;

    fn key(record: &BasketRecord) -> OrderKey {
        record.key
    }

    fn combine(into: &mut BasketRecord, other: BasketRecord) {
        into.products.extend_from_slice(&other.products);
        into.products.sort_unstable();
        into.products.dedup();
    }

    fn encode(record: &BasketRecord, _previous: Option<OrderKey>, out: &mut Vec<u8>) {
        encode_basket(record.key, &record.products, out);
    }

    fn decode<R: std::io::Read>(
        input: &mut RunBytes<R>,
        _previous: Option<OrderKey>,
    ) -> std::io::Result<BasketRecord> {
        let key = [input.u64_le()?, input.u64_le()?];
        let len = input.varint()?;
        let mut products = Vec::with_capacity(len.min(1 << 16) as usize);
        let mut previous = 0u64;
        for _ in 0..len {
            previous += input.varint()?;
            products.push(
                u32::try_from(previous).map_err(|_| corrupt_run("a product number above 2^32"))?,
            );
        }
        Ok(BasketRecord { key, products })
    }
}
