//! Reads the pair statistics `spark/pair_stats.py` writes, so a table can be built
//! from counts made on a cluster: `alsobought build --pair-stats DIR`.
//!
//! DIR holds three Parquet datasets (directories of `part-*.parquet` files, as Spark
//! writes them; local copies of what the job wrote to s3:// or gs://):
//!
//! | dataset | columns | rows |
//! |---|---|---|
//! | `summary/` | `format` string, `order_count`, `line_count`, `product_count`, `pair_count` int64 | one |
//! | `products/` | `product_index` int (0..n), `product_id` string, `order_count` int64 | one per product ordered |
//! | `pairs/` | `product_a`, `product_b` int (product indexes, a < b), `order_count` int64 | one per pair bought together |
//!
//! Pairs name products by index, not id: looking 50 million pairs' ids up in a map of a
//! million strings took most of a minute (cache misses on the keys), numbers take none.
//! The files are read column by column with the `parquet` crate's low-level readers
//! (no Arrow, and no row objects per pair), then mined by alsobought-mining's
//! `PairStatisticsMiner`, the scoring the native build uses, so both give the same
//! table for the same orders.

use std::collections::HashSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use alsobought_mining::{
    Catalog, MinedTable, MiningOptions, OrderStatistics, PairCount, PairStatisticsMiner,
};
use anyhow::{bail, Context};
use parquet::basic::Type as PhysicalType;
use parquet::column::reader::ColumnReader;
use parquet::data_type::ByteArray;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::progress::Progress;

/// The `format` the job writes into `summary/`; a job writing another layout must
/// change it, so an old tool refuses new statistics instead of misreading them.
pub const PAIR_STATS_FORMAT: &str = "alsobought-pair-stats/1";

/// Rows read per batch from each column.
const BATCH_ROWS: usize = 8192;

/// Pairs between two progress updates.
const PROGRESS_EVERY_PAIRS: u64 = 1 << 20;

/// The job's totals, from `summary/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairStatsSummary {
    /// Orders with at least one usable line.
    pub order_count: u64,
    /// Line items used.
    pub line_count: u64,
    /// Distinct products ordered.
    pub product_count: u64,
    /// Distinct pairs bought together.
    pub pair_count: u64,
}

/// A pair statistics directory, its summary and products read, ready to stream pairs.
pub struct PairStats {
    dir: PathBuf,
    /// The job's totals.
    pub summary: PairStatsSummary,
    /// Product ids, order counts and the order total, for scoring.
    pub statistics: OrderStatistics,
}

impl PairStats {
    /// Reads `DIR/summary` and `DIR/products`, checking they agree.
    pub fn open(dir: &Path) -> anyhow::Result<PairStats> {
        let summary = read_summary(dir)?;
        let product_count = usize::try_from(summary.product_count)
            .ok()
            .filter(|&count| count <= u32::MAX as usize)
            .with_context(|| {
                format!(
                    "{}/summary says {} products: more than this tool can number",
                    dir.display(),
                    summary.product_count
                )
            })?;
        let mut product_ids = vec![None; product_count];
        let mut order_counts = vec![0u32; product_count];
        for file in dataset_files(dir, "products")? {
            read_rows(
                &file,
                &[
                    ("product_index", Kind::Number),
                    ("product_id", Kind::Text),
                    ("order_count", Kind::Number),
                ],
                |columns, row| {
                    let index = columns[0].number(row)?;
                    let id = columns[1].text(row)?;
                    let count = columns[2].number(row)?;
                    let slot = usize::try_from(index)
                        .ok()
                        .filter(|&index| index < product_count)
                        .with_context(|| {
                            format!(
                                "product {id:?} has index {index}, outside 0..{product_count} \
                                 (summary/ says {product_count} products)"
                            )
                        })?;
                    if let Some(other) = &product_ids[slot] {
                        bail!("products {other:?} and {id:?} both have index {index}");
                    }
                    order_counts[slot] = u32::try_from(count)
                        .ok()
                        .filter(|&count| count > 0)
                        .with_context(|| {
                            format!("product {id:?} has an order count of {count}; expected 1 to 2^32 - 1")
                        })?;
                    product_ids[slot] = Some(id.to_owned());
                    Ok(())
                },
            )?;
        }
        let missing = product_ids.iter().filter(|id| id.is_none()).count();
        if missing > 0 {
            bail!(
                "{}: {missing} of the {product_count} products summary/ announces are not in \
                 products/: the datasets come from different runs or a copy is incomplete; \
                 copy the job's whole output again",
                dir.display()
            );
        }
        Ok(PairStats {
            dir: dir.to_owned(),
            summary,
            statistics: OrderStatistics {
                product_ids: product_ids
                    .into_iter()
                    .map(Option::unwrap_or_default)
                    .collect(),
                order_counts,
                order_count: summary.order_count,
            },
        })
    }

    /// Reads `DIR/pairs` into a miner and returns the mined table input.
    pub fn mine(
        &self,
        catalog: Option<Catalog>,
        options: &MiningOptions,
        progress: &Progress,
    ) -> anyhow::Result<MinedTable> {
        let dir = self.dir.display();
        let ids = &self.statistics.product_ids;
        let mut distinct: HashSet<&str> = HashSet::with_capacity(ids.len());
        if let Some(twice) = ids.iter().find(|id| !distinct.insert(id.as_str())) {
            bail!("{dir}/products lists product {twice:?} twice: was a file copied twice?");
        }
        drop(distinct);
        let mut miner = PairStatisticsMiner::new(&self.statistics, catalog, options)
            .with_context(|| format!("{dir} is inconsistent"))?;
        let mut pairs = 0u64;
        for file in dataset_files(&self.dir, "pairs")? {
            read_rows(
                &file,
                &[
                    ("product_a", Kind::Number),
                    ("product_b", Kind::Number),
                    ("order_count", Kind::Number),
                ],
                |columns, row| {
                    let number = |column: &ColumnBatch| -> anyhow::Result<u32> {
                        let index = column.number(row)?;
                        u32::try_from(index)
                            .ok()
                            .filter(|&index| (index as usize) < ids.len())
                            .with_context(|| {
                                format!(
                                    "a pair names product index {index}, outside 0..{}",
                                    ids.len()
                                )
                            })
                    };
                    let (first, second) = (number(&columns[0])?, number(&columns[1])?);
                    let count = columns[2].number(row)?;
                    let together = u32::try_from(count)
                        .ok()
                        .filter(|&count| count > 0)
                        .with_context(|| format!("a pair has an order count of {count}"))?;
                    miner.add(PairCount {
                        first,
                        second,
                        together,
                    })?;
                    pairs += 1;
                    if pairs.is_multiple_of(PROGRESS_EVERY_PAIRS) {
                        progress.set_count(pairs);
                    }
                    Ok(())
                },
            )?;
        }
        progress.set_count(pairs);
        if pairs != self.summary.pair_count {
            bail!(
                "{dir}: {pairs} pairs read but summary/ says {}: a copy is incomplete; copy \
                 the job's whole output again",
                self.summary.pair_count
            );
        }
        Ok(miner.finish())
    }
}

/// Reads the one row of `DIR/summary`.
fn read_summary(dir: &Path) -> anyhow::Result<PairStatsSummary> {
    let mut rows = Vec::new();
    for file in dataset_files(dir, "summary")? {
        read_rows(
            &file,
            &[
                ("format", Kind::Text),
                ("order_count", Kind::Number),
                ("line_count", Kind::Number),
                ("product_count", Kind::Number),
                ("pair_count", Kind::Number),
            ],
            |columns, row| {
                let format = columns[0].text(row)?;
                if format != PAIR_STATS_FORMAT {
                    bail!(
                        "{} is in format {format:?}, but this alsobought reads {PAIR_STATS_FORMAT:?}: \
                         run the spark/pair_stats.py of this version of alsobought",
                        file.display()
                    );
                }
                let mut numbers = [0u64; 4];
                for (number, column) in numbers.iter_mut().zip(&columns[1..]) {
                    let value = column.number(row)?;
                    *number = u64::try_from(value)
                        .with_context(|| format!("negative count {value} in the summary"))?;
                }
                rows.push(PairStatsSummary {
                    order_count: numbers[0],
                    line_count: numbers[1],
                    product_count: numbers[2],
                    pair_count: numbers[3],
                });
                Ok(())
            },
        )?;
    }
    match rows.as_slice() {
        [only] => Ok(*only),
        _ => bail!(
            "{}/summary has {} rows, expected one: is this the output of spark/pair_stats.py?",
            dir.display(),
            rows.len()
        ),
    }
}

/// The Parquet files of dataset `name` in `dir`, in name order: what Spark wrote,
/// without its `_SUCCESS` marker and checksum files (names starting `_` or `.`).
fn dataset_files(dir: &Path, name: &str) -> anyhow::Result<Vec<PathBuf>> {
    let dataset = dir.join(name);
    let entries = fs::read_dir(&dataset).with_context(|| {
        format!(
            "cannot read {}: --pair-stats takes the directory spark/pair_stats.py wrote \
             (with summary/, products/ and pairs/ inside)",
            dataset.display()
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list {}", dataset.display()))?
            .path();
        let file_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if !file_name.starts_with(['_', '.']) && file_name.ends_with(".parquet") {
            files.push(path);
        }
    }
    if files.is_empty() {
        bail!(
            "{} holds no .parquet file: the job did not finish, or the copy is incomplete",
            dataset.display()
        );
    }
    files.sort();
    Ok(files)
}

/// What a column must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// UTF-8 strings (BYTE_ARRAY).
    Text,
    /// Whole numbers (INT64, or INT32).
    Number,
}

/// One batch of one column's values.
enum ColumnBatch {
    Text(Vec<ByteArray>),
    Int64(Vec<i64>),
    Int32(Vec<i32>),
}

impl ColumnBatch {
    fn len(&self) -> usize {
        match self {
            ColumnBatch::Text(values) => values.len(),
            ColumnBatch::Int64(values) => values.len(),
            ColumnBatch::Int32(values) => values.len(),
        }
    }

    fn clear(&mut self) {
        match self {
            ColumnBatch::Text(values) => values.clear(),
            ColumnBatch::Int64(values) => values.clear(),
            ColumnBatch::Int32(values) => values.clear(),
        }
    }

    fn text(&self, row: usize) -> anyhow::Result<&str> {
        match self {
            ColumnBatch::Text(values) => values[row]
                .as_utf8()
                .context("a product id is not valid UTF-8"),
            _ => unreachable!("the column's kind was checked when it was opened"),
        }
    }

    fn number(&self, row: usize) -> anyhow::Result<i64> {
        match self {
            ColumnBatch::Int64(values) => Ok(values[row]),
            ColumnBatch::Int32(values) => Ok(i64::from(values[row])),
            ColumnBatch::Text(_) => {
                unreachable!("the column's kind was checked when it was opened")
            }
        }
    }
}

/// Calls `visit` for every row of the Parquet file at `path`, with the `columns`
/// asked for (by name), in batches; a missing column, a column of another type or a
/// null value is an error naming the file and column.
fn read_rows(
    path: &Path,
    columns: &[(&str, Kind)],
    mut visit: impl FnMut(&[ColumnBatch], usize) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = SerializedFileReader::new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let mut positions = Vec::with_capacity(columns.len());
    let mut batches = Vec::with_capacity(columns.len());
    for &(name, kind) in columns {
        let found = schema
            .columns()
            .iter()
            .position(|column| column.name() == name && column.max_rep_level() == 0);
        let Some(position) = found else {
            let names: Vec<&str> = schema
                .columns()
                .iter()
                .map(|column| column.name())
                .collect();
            bail!(
                "{} has no column {name:?} (it has {}): is it the output of spark/pair_stats.py?",
                path.display(),
                names.join(", ")
            );
        };
        let physical = schema.column(position).physical_type();
        let batch = match (kind, physical) {
            (Kind::Text, PhysicalType::BYTE_ARRAY) => ColumnBatch::Text(Vec::new()),
            (Kind::Number, PhysicalType::INT64) => ColumnBatch::Int64(Vec::new()),
            (Kind::Number, PhysicalType::INT32) => ColumnBatch::Int32(Vec::new()),
            _ => bail!(
                "{}: column {name:?} is {physical}, expected {}",
                path.display(),
                match kind {
                    Kind::Text => "a string (BYTE_ARRAY)",
                    Kind::Number => "an integer (INT64 or INT32)",
                }
            ),
        };
        positions.push(position);
        batches.push(batch);
    }

    let mut levels = Vec::new();
    for group in 0..reader.num_row_groups() {
        let group_reader = reader
            .get_row_group(group)
            .with_context(|| format!("cannot read row group {group} of {}", path.display()))?;
        let mut readers = positions
            .iter()
            .map(|&position| group_reader.get_column_reader(position))
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("cannot read row group {group} of {}", path.display()))?;
        loop {
            let mut rows = None;
            for ((reader, batch), &(name, _)) in readers.iter_mut().zip(&mut batches).zip(columns) {
                batch.clear();
                levels.clear();
                let read = read_batch(reader, batch, &mut levels).with_context(|| {
                    format!("cannot read column {name:?} of {}", path.display())
                })?;
                if batch.len() != read {
                    bail!(
                        "{}: column {name:?} holds a null value; the job never writes nulls: \
                         is this its output?",
                        path.display()
                    );
                }
                if *rows.get_or_insert(read) != read {
                    bail!("{}: columns of unequal length", path.display());
                }
            }
            let rows = rows.unwrap_or(0);
            if rows == 0 {
                break;
            }
            for row in 0..rows {
                visit(&batches, row).with_context(|| format!("in {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Reads up to [`BATCH_ROWS`] rows of one column; returns how many (nulls included).
fn read_batch(
    reader: &mut ColumnReader,
    batch: &mut ColumnBatch,
    levels: &mut Vec<i16>,
) -> parquet::errors::Result<usize> {
    let (rows, _, _) = match (reader, batch) {
        (ColumnReader::ByteArrayColumnReader(reader), ColumnBatch::Text(values)) => {
            reader.read_records(BATCH_ROWS, Some(levels), None, values)?
        }
        (ColumnReader::Int64ColumnReader(reader), ColumnBatch::Int64(values)) => {
            reader.read_records(BATCH_ROWS, Some(levels), None, values)?
        }
        (ColumnReader::Int32ColumnReader(reader), ColumnBatch::Int32(values)) => {
            reader.read_records(BATCH_ROWS, Some(levels), None, values)?
        }
        _ => unreachable!("batches are made to match their column's physical type"),
    };
    Ok(rows)
}
