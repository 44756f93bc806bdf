//! Build time on the real Online Retail II orders: mining (counting, scoring, top-K,
//! best-sellers) plus encoding the table, i.e. `alsobought build` minus CSV parsing.
//! Target: well under 1 s on 2 cores.

mod support;

use std::time::{Duration, Instant};

use alsobought_core::write_table;
use alsobought_mining::{build_table_input, MiningOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn build(criterion: &mut Criterion) {
    let started = Instant::now();
    let orders = support::load_online_retail();
    let options = MiningOptions::default();
    let mined = build_table_input(&orders, None, &options);
    let bytes = write_table(&mined.input).expect("the real orders make a valid table");
    eprintln!(
        "online retail II: {} orders, {} products, {} co-occurring pairs, {} edges, table {} bytes (setup {:.2?}, {} rayon threads)",
        mined.stats.orders,
        mined.stats.products_in_orders,
        mined.stats.co_occurring_pairs,
        mined.stats.edges,
        bytes.len(),
        started.elapsed(),
        rayon::current_num_threads(),
    );

    // The best of a few runs of each step: a quick breakdown that shrugs off other
    // processes on a shared machine better than a mean does.
    let best_of = |runs: usize, step: &mut dyn FnMut()| {
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                step();
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let cpu_before = process_cpu_seconds();
    let mining = best_of(5, &mut || drop(build_table_input(&orders, None, &options)));
    let mining_cpu = process_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| (after - before) / 5.0);
    let writing = best_of(5, &mut || drop(write_table(&mined.input)));
    eprintln!(
        "best of 5: mining {mining:.2?} wall ({}), write_table {writing:.2?}",
        match mining_cpu {
            Some(seconds) => format!("{:.0} ms of CPU per run over all threads", seconds * 1000.0),
            None => "CPU time unavailable".to_owned(),
        }
    );

    let mut group = criterion.benchmark_group("build");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("mine_online_retail", |bencher| {
        bencher.iter(|| build_table_input(&orders, None, &options))
    });
    group.bench_function("mine_and_write_online_retail", |bencher| {
        bencher.iter(|| write_table(&build_table_input(&orders, None, &options).input))
    });
    group.finish();
}

/// User + system CPU time of this process so far, from `/proc/self/stat` (Linux; 10 ms
/// ticks): on a shared machine, the work done says more than the wall time.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

criterion_group!(benches, build);
criterion_main!(benches);
