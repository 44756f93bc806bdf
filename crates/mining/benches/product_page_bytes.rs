//! What a product page costs the shopper on a cold cache, for every product of the
//! real-data table: the bytes and the number of HTTP Range requests the widget needs
//! to show its suggestions. Prints a report (no timing).
//!
//! Two models: "minimal" fetches exactly the prefix (header, root directory,
//! best-sellers), the product's leaf directory and its bundle span; "widget" follows
//! `src/table_loader.rs`: a first read of `INITIAL_FETCH_LEN` bytes, the rest of the
//! prefix if longer, then the leaf and the span unless already fetched.
//! Targets: 4 bytes per edge; a page ≤ 16 KB in ≤ 4 ranges.

mod support;

use std::ops::Range;

use alsobought_core::{LeafDirectory, Table, INITIAL_FETCH_LEN};

fn main() {
    let (orders, bytes) = support::table::online_retail_table();
    println!("# Product page cost on a cold cache: Online Retail II, default mining\n");
    println!("## Cards with ids only (no catalog)\n");
    page_report(&orders, &bytes);
    let (orders, bytes) = support::table::online_retail_table_with_catalog();
    println!("\n## Cards with title, price, URL and image (a catalog built from the file)\n");
    page_report(&orders, &bytes);
}

fn page_report(orders: &alsobought_mining::Orders, bytes: &[u8]) {
    let table = Table::open(bytes).unwrap();
    table.verify().expect("the real-data table verifies");
    let prefix = table.prefix().unwrap();
    let header = prefix.header();
    let prefix_end = header.prefix_range().end;

    let mut minimal_bytes = Vec::new();
    let mut widget_bytes = Vec::new();
    let mut widget_ranges = Vec::new();
    let mut span_bytes = Vec::new();
    for id in orders.product_ids() {
        let bucket = prefix.bucket_of(id);
        let leaf_range = prefix.leaf_range(id);
        let leaf = LeafDirectory::parse(&bytes[as_usize(&leaf_range)], bucket, &prefix).unwrap();
        let span = leaf.lookup(id).expect("every product has a bundle").range;
        let length = |range: &Range<u64>| range.end - range.start;
        minimal_bytes.push(prefix_end + length(&leaf_range) + length(&span));
        span_bytes.push(length(&span));

        let first = 0..INITIAL_FETCH_LEN.min(header.file_length);
        let mut fetched = vec![first.clone()];
        if prefix_end > first.end {
            fetched.push(first.end..prefix_end);
        }
        for range in [leaf_range, span] {
            if !fetched
                .iter()
                .any(|done| done.start <= range.start && range.end <= done.end)
            {
                fetched.push(range);
            }
        }
        widget_bytes.push(fetched.iter().map(length).sum::<u64>());
        widget_ranges.push(fetched.len() as u64);
    }

    let stats = table.stats().unwrap();
    println!(
        "table: {} bytes, {} products, {} edges ({} bytes of edges: {} bytes each), {} buckets, prefix {} bytes",
        header.file_length,
        header.product_count,
        header.edge_count,
        header.edge_count * 4,
        4,
        header.bucket_count(),
        prefix_end
    );
    let quantization = prefix.header().quantization();
    println!(
        "scores: {} ..= {}, one quantization step = {:.2} % of the score",
        quantization.min,
        quantization.max,
        ((f64::from(quantization.max) / f64::from(quantization.min)).powf(1.0 / 254.0) - 1.0)
            * 100.0
    );
    println!("sections: {stats:?}\n");
    println!("| per product page | min | median | max |");
    println!("|---|---:|---:|---:|");
    report("bundle span bytes", &mut span_bytes);
    report("minimal: bytes (prefix + leaf + span)", &mut minimal_bytes);
    println!("| minimal: ranges | 3 | 3 | 3 |");
    report("widget loader: bytes", &mut widget_bytes);
    report("widget loader: ranges", &mut widget_ranges);
}

fn report(label: &str, values: &mut [u64]) {
    values.sort_unstable();
    let median = values[values.len() / 2];
    println!(
        "| {label} | {} | {median} | {} |",
        values[0],
        values[values.len() - 1]
    );
}

fn as_usize(range: &Range<u64>) -> Range<usize> {
    range.start as usize..range.end as usize
}
