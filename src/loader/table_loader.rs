//! Fetches exactly the parts of a table one widget needs, then scores them.
//!
//! The steps follow `docs/format.md`. A single file (read with HTTP Range): the first
//! 4 KiB (header, and usually the whole prefix), the rest of the prefix if it is
//! longer, then for every product in context, all at once: its leaf directory, then
//! its bundle span. A directory (`data-table` ending in `/`, plain GETs): the entry
//! file, then every context product's shard at once. alsobought-core does every byte
//! of decoding and the scoring; this module only decides what to fetch next. A table
//! replaced on the server while loading (a new `ETag`, or a shard folder of another
//! build or already gone) is loaded again once, past the HTTP cache.

use core::ops::Range;

use super::join::join_all;
use alsobought_core::{
    recommend, Bundle, Header, LeafDirectory, Prefix, RecommendOptions, Section, Shard, SplitEntry,
    TableError, TableScoring, ENTRY_FILE, ENTRY_HEADER_LEN, HEADER_LEN, INITIAL_FETCH_LEN,
};

use super::load_error::{FetchError, LoadError};
use super::table_cache::{RangeSource, TableBytes, TableCache, WHOLE_FILE};
use crate::json_text::concat;
use crate::product::ProductView;
use crate::settings::WidgetConfig;

/// The fetched bytes a widget scores from: the table's head and one bundle span per
/// context product that is in the table.
#[derive(Clone, Debug)]
pub struct LoadedTable {
    /// How the table's scores read back and a cart's neighbour lists combine.
    pub scoring: TableScoring,
    /// The best-seller bundle (checked when the head was read).
    pub best_sellers: TableBytes,
    /// `(id, span bytes, bundles in the span)` per context id found in a leaf.
    pub spans: Vec<(String, TableBytes, usize)>,
}

/// What a widget shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendations {
    /// The context products that are in the table, in context order (the bundle
    /// layout shows the product on screen first).
    pub context: Vec<ProductView>,
    /// The suggestions, best first, never more than the configured cap.
    pub suggestions: Vec<ProductView>,
}

/// Loads what `context_ids` need from the table at `url`: a directory when it ends
/// in `/`, else a single file.
pub async fn load_table<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    context_ids: &[&str],
    timeout_ms: u32,
) -> Result<LoadedTable, LoadError> {
    match load_once(cache, url, context_ids, timeout_ms).await {
        Err(error) if replaced_while_loading(&error, url) => {
            cache.forget(&head_url(url));
            load_once(cache, url, context_ids, timeout_ms).await
        }
        outcome => outcome,
    }
}

/// Whether `error` means the table was replaced while this page read it, so that
/// starting again from its current head (past the HTTP cache) can succeed: the single
/// file changed between two reads (a new `ETag`), or a directory's entry named a
/// build whose folder is gone or holds another build's files.
fn replaced_while_loading(error: &LoadError, url: &str) -> bool {
    match error {
        LoadError::Fetch(FetchError::Changed) => true,
        LoadError::Fetch(FetchError::NotFound { .. })
        | LoadError::Table(TableError::Malformed {
            section: Section::Shard { .. },
            ..
        }) => url.ends_with('/'),
        _ => false,
    }
}

/// The file whose bytes say where everything else is: a directory's entry file, or
/// the single file itself.
fn head_url(url: &str) -> String {
    if url.ends_with('/') {
        concat(&[url, ENTRY_FILE])
    } else {
        url.to_string()
    }
}

/// What the head of a table says: where products are, the score scale and the
/// best-sellers.
enum Head<'a> {
    File(Prefix<'a>),
    Directory(SplitEntry<'a>),
}

impl<'a> Head<'a> {
    /// How the table is scored, and where the best-seller bundle is in the head's
    /// bytes: in both layouts it ends the head and is `leaf_offset −
    /// best_sellers_offset` long.
    fn scoring_and_best_sellers(&self) -> (TableScoring, Range<usize>) {
        let (header, start) = match self {
            Head::File(prefix) => (prefix.header(), prefix.header().best_sellers_offset),
            Head::Directory(entry) => (entry.header(), (ENTRY_HEADER_LEN + HEADER_LEN) as u64),
        };
        let end = start + (header.leaf_offset - header.best_sellers_offset);
        (header.scoring(), start as usize..end as usize)
    }

    fn parse(bytes: &'a [u8], split: bool) -> Result<Head<'a>, TableError> {
        Ok(if split {
            Head::Directory(SplitEntry::parse(bytes)?)
        } else {
            Head::File(Prefix::parse(bytes)?)
        })
    }
}

async fn load_once<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    context_ids: &[&str],
    timeout_ms: u32,
) -> Result<LoadedTable, LoadError> {
    let split = url.ends_with('/');
    // A directory's entry file; a single file's first read, and the rest of its
    // prefix when that is longer.
    let range = if split {
        WHOLE_FILE
    } else {
        0..INITIAL_FETCH_LEN
    };
    let first = cache.read(&head_url(url), range, timeout_ms).await?;
    let mut head_bytes = first.bytes;
    if !split {
        let header = Header::parse(&head_bytes)?;
        if let Some(server_says) = first.file_length {
            if server_says != header.file_length {
                return Err(LoadError::LengthMismatch {
                    header_says: header.file_length,
                    server_says,
                });
            }
        }
        let prefix_end = header.prefix_range().end;
        if head_bytes.len() as u64 >= prefix_end {
            head_bytes = head_bytes.prefix(prefix_end as usize);
        } else {
            let rest = cache
                .read(url, head_bytes.len() as u64..prefix_end, timeout_ms)
                .await?;
            let mut joined = Vec::with_capacity(prefix_end as usize);
            joined.extend_from_slice(&head_bytes);
            joined.extend_from_slice(&rest.bytes);
            head_bytes = TableBytes::new(joined);
        }
    }
    let head = Head::parse(&head_bytes, split)?;
    let lookups = context_ids
        .iter()
        .map(|id| find_span(cache, url, &head, id, timeout_ms));
    let mut spans = Vec::with_capacity(context_ids.len());
    for (id, found) in context_ids.iter().zip(join_all(lookups).await) {
        if let Some((bytes, count)) = found? {
            spans.push((id.to_string(), bytes, count));
        }
    }
    let (scoring, best_sellers) = head.scoring_and_best_sellers();
    Ok(LoadedTable {
        scoring,
        best_sellers: head_bytes.slice(best_sellers),
        spans,
    })
}

/// The bundle span that would hold `id`, or `None` when the table does not list it:
/// a single file's leaf then span, or a directory's shard (products in one shard
/// share its fetch).
async fn find_span<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    head: &Head<'_>,
    id: &str,
    timeout_ms: u32,
) -> Result<Option<(TableBytes, usize)>, LoadError> {
    let prefix = match head {
        Head::File(prefix) => prefix,
        Head::Directory(entry) => {
            let number = entry.shard_of(id);
            let shard_url = concat(&[url, &entry.shard_path(number)]);
            let bytes = cache.read(&shard_url, WHOLE_FILE, timeout_ms).await?.bytes;
            let span = Shard::parse(&bytes, entry, number)?.lookup(id);
            return Ok(span.map(|span| {
                let range = span.range.start as usize..span.range.end as usize;
                (bytes.slice(range), span.count)
            }));
        }
    };
    let leaf_range = prefix.leaf_range(id);
    let leaf = cache.read(url, leaf_range.clone(), timeout_ms).await?;
    let directory = LeafDirectory::parse(&leaf.bytes, prefix.bucket_of(id), prefix)
        .map_err(|error| error.offset_by(leaf_range.start))?;
    let Some(span) = directory.lookup(id) else {
        return Ok(None);
    };
    let bytes = cache.read(url, span.range.clone(), timeout_ms).await?;
    // A span cut short by the end of the file is a truncated table.
    let asked = span.range.end - span.range.start;
    if (bytes.bytes.len() as u64) < asked {
        return Err(LoadError::Table(TableError::Truncated {
            section: alsobought_core::Section::Bundle,
            needed: span.range.end,
            have: span.range.start + bytes.bytes.len() as u64,
        }));
    }
    Ok(Some((bytes.bytes, span.count)))
}

/// Scores the loaded bundles with alsobought-core's `recommend`.
pub fn recommend_from(
    loaded: &LoadedTable,
    config: &WidgetConfig,
) -> Result<Recommendations, LoadError> {
    let (best_sellers, _) = Bundle::parse(&loaded.best_sellers)?;
    let mut bundles: Vec<Bundle<'_>> = Vec::with_capacity(loaded.spans.len());
    for (id, bytes, count) in &loaded.spans {
        if let Some(bundle) = Bundle::find(bytes, *count, id)? {
            bundles.push(bundle);
        }
    }
    let context_ids = config.context_ids();
    if bundles.is_empty() {
        return Err(LoadError::UnknownProducts {
            ids: context_ids.iter().map(|id| id.to_string()).collect(),
        });
    }
    let options = RecommendOptions {
        max_suggestions: config.max_suggestions,
        min_score: config.min_score,
        exclude: config.exclude.clone(),
        max_per_category: config.max_per_category,
        fallback: config.fallback,
    };
    let suggestions = recommend(
        &context_ids,
        &bundles,
        Some(&best_sellers),
        &loaded.scoring,
        &options,
    );
    Ok(Recommendations {
        context: bundles
            .iter()
            .filter_map(Bundle::product)
            .map(|card| ProductView::from_card(&card))
            .collect(),
        // The cap is the store's promise to its shoppers; enforce it here too.
        suggestions: suggestions
            .iter()
            .take(config.max_suggestions)
            .map(|suggestion| ProductView::from_card(&suggestion.card))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::table_cache::tests::{Behaviour, MemoryServer};
    use crate::settings::{parse_config, RawValue};
    use alsobought_core::{write_table, CartCombination, ProductRecord, TableInput};
    // The directory layout's writer is the builder's: native tests only.
    #[cfg(not(target_arch = "wasm32"))]
    use alsobought_core::{split_table, OTHER_GENERATION};
    use futures::executor::block_on;

    /// 200 products (several buckets, a prefix longer than the first 4 KiB read
    /// for some layouts): product i was bought with i+1..=i+5.
    fn table() -> Vec<u8> {
        write_table(&input_with_best_sellers(vec![(7, 9.0), (8, 8.0)])).unwrap()
    }

    fn input_with_best_sellers(best_sellers: Vec<(u32, f32)>) -> TableInput {
        let products = (0..200)
            .map(|index| ProductRecord::with_id(format!("P{index}")))
            .collect();
        let neighbours = (0..200u32)
            .map(|index| {
                (1..=5)
                    .map(|step| ((index + step) % 200, 10.0 - step as f32))
                    .collect()
            })
            .collect();
        TableInput {
            products,
            neighbours,
            best_sellers,
            order_count: 1000,
            max_neighbours: 5,
            ..Default::default()
        }
    }

    fn config(pairs: &[(&str, &str)]) -> WidgetConfig {
        let mut all = vec![("table", "/t.table")];
        all.extend_from_slice(pairs);
        parse_config(|setting| {
            all.iter()
                .find(|(name, _)| *name == setting.attribute)
                .map(|(_, value)| RawValue::Text(value.to_string()))
        })
        .unwrap()
        .config
    }

    fn load(
        server: MemoryServer,
        config: &WidgetConfig,
    ) -> (Result<Recommendations, LoadError>, usize) {
        let cache = TableCache::new(server);
        let outcome = block_on(load_table(&cache, "/t.table", &config.context_ids(), 1000))
            .and_then(|loaded| recommend_from(&loaded, config));
        // The requests counter lives in the server; read it through the cache.
        let requests = cache_requests(&cache);
        (outcome, requests)
    }

    fn cache_requests(cache: &TableCache<MemoryServer>) -> usize {
        cache.source().requests.get()
    }

    fn ids(products: &[ProductView]) -> Vec<&str> {
        products.iter().map(|product| product.id.as_str()).collect()
    }

    #[test]
    fn a_product_page_needs_a_few_range_requests_and_gets_its_neighbours() {
        let config = config(&[("product", "P10"), ("max-suggestions", "3")]);
        let (outcome, requests) =
            load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        let recommendations = outcome.unwrap();
        assert_eq!(ids(&recommendations.suggestions), ["P11", "P12", "P13"]);
        assert_eq!(ids(&recommendations.context), ["P10"]);
        assert!(
            requests <= 4,
            "first 4 KiB, rest of prefix, leaf, bundle: {requests}"
        );
    }

    #[test]
    fn a_cart_is_scored_as_one_context_and_excludes_every_cart_item() {
        let config = config(&[("cart", "P10,P11"), ("max-suggestions", "12")]);
        let (outcome, _) = load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        let suggestions = outcome.unwrap().suggestions;
        let suggested = ids(&suggestions);
        assert!(
            !suggested.contains(&"P10") && !suggested.contains(&"P11"),
            "{suggested:?}"
        );
        assert!(
            suggested.contains(&"P12") && suggested.contains(&"P16"),
            "{suggested:?}"
        );
    }

    #[test]
    fn a_cart_combines_as_the_table_header_says() {
        // A: X 10, Y 6; D: Y 6, Z 1. Max ranks X first, Sum Y (6 + 6).
        let config = config(&[("cart", "A,D"), ("max-suggestions", "2")]);
        let ranked_by = |cart_combination| -> Vec<String> {
            let table = write_table(&TableInput {
                products: ["A", "D", "X", "Y", "Z"].map(ProductRecord::with_id).into(),
                neighbours: vec![
                    vec![(2, 10.0), (3, 6.0)],
                    vec![(3, 6.0), (4, 1.0)],
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                ],
                best_sellers: vec![(4, 1.0)],
                order_count: 10,
                max_neighbours: 2,
                cart_combination,
            })
            .unwrap();
            let (outcome, _) = load(MemoryServer::new(table, Behaviour::HonoursRange), &config);
            let suggestions = outcome.unwrap().suggestions;
            suggestions.into_iter().map(|product| product.id).collect()
        };
        assert_eq!(ranked_by(CartCombination::Max), ["X", "Y"]);
        assert_eq!(ranked_by(CartCombination::Sum), ["Y", "X"]);
    }

    #[test]
    fn a_server_ignoring_range_gives_the_same_suggestions_from_one_request() {
        let config = config(&[("product", "P10")]);
        let (ranged, _) = load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        let (whole, requests) = load(MemoryServer::new(table(), Behaviour::IgnoresRange), &config);
        assert_eq!(ranged.unwrap(), whole.unwrap());
        assert_eq!(requests, 1);
    }

    #[test]
    fn a_table_replaced_while_loading_is_loaded_again_once() {
        let config = config(&[("product", "P10")]);
        let server = MemoryServer::new(table(), Behaviour::HonoursRange);
        server.replaced_after.set(Some(1));
        let (outcome, requests) = load(server, &config);
        assert_eq!(
            ids(&outcome.unwrap().suggestions),
            ["P11", "P12", "P13", "P14"]
        );
        assert!(requests > 2, "started again: {requests}");
    }

    #[test]
    fn a_truncated_table_is_an_error_not_a_guess() {
        let config = config(&[("product", "P150")]);
        let mut bytes = table();
        bytes.truncate(bytes.len() - 100);
        let (outcome, _) = load(
            MemoryServer::new(bytes.clone(), Behaviour::HonoursRange),
            &config,
        );
        assert!(
            matches!(outcome, Err(LoadError::LengthMismatch { .. })),
            "{outcome:?}"
        );
        let (outcome, _) = load(MemoryServer::new(bytes, Behaviour::IgnoresRange), &config);
        assert!(
            matches!(outcome, Err(LoadError::LengthMismatch { .. })),
            "{outcome:?}"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// A server holding the directory layout of `file` under `/t/`.
    fn directory_server(file: &[u8]) -> MemoryServer {
        let server = MemoryServer::new(Vec::new(), Behaviour::HonoursRange);
        server.files.replace(split_files(file));
        server
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn split_files(file: &[u8]) -> Vec<(String, Option<Vec<u8>>)> {
        let split = split_table(file, 1024).unwrap();
        split
            .files()
            .map(|(path, bytes)| (["/t/", path].concat(), Some(bytes.to_vec())))
            .collect()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn load_directory(
        server: MemoryServer,
        config: &WidgetConfig,
    ) -> (Result<Recommendations, LoadError>, Vec<(String, bool)>) {
        let cache = TableCache::new(server);
        let outcome = block_on(load_table(&cache, "/t/", &config.context_ids(), 1000))
            .and_then(|loaded| recommend_from(&loaded, config));
        let log = cache.source().log.borrow().clone();
        (outcome, log)
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_directory_gives_the_single_files_suggestions_from_the_entry_and_one_shard() {
        let config = config(&[("product", "P10"), ("max-suggestions", "3")]);
        let (single, _) = load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        let (split, log) = load_directory(directory_server(&table()), &config);
        assert_eq!(split.unwrap(), single.unwrap());
        assert_eq!(log.len(), 2, "{log:?}");
        assert!(log[0].0.ends_with("/t/entry.bin") && log[1].0.ends_with(".bin"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_carts_shards_are_fetched_together_once_each() {
        let cart = "P1,P2,P3,P4,P5,P6,P7,P8";
        let config = config(&[("cart", cart), ("max-suggestions", "6")]);
        let (single, _) = load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        let (split, log) = load_directory(directory_server(&table()), &config);
        assert_eq!(split.unwrap(), single.unwrap());
        let mut shards: Vec<&str> = log[1..].iter().map(|(url, _)| url.as_str()).collect();
        shards.sort_unstable();
        shards.dedup();
        assert_eq!(shards.len(), log.len() - 1, "no shard twice: {log:?}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_page_straddling_a_rebuild_reads_the_new_entry_and_never_mixes_builds() {
        let config = config(&[("product", "P10")]);
        let old = write_table(&TableInput {
            max_neighbours: 5,
            ..input_with_best_sellers(vec![(9, 1.0)])
        })
        .unwrap();
        let old_entry = split_table(&old, 1024).unwrap().entry;
        // The HTTP cache holds the old entry; the server has only the new build.
        let server = directory_server(&table());
        server.stale_entry.replace(Some(old_entry.clone()));
        let (outcome, log) = load_directory(server, &config);
        assert_eq!(
            ids(&outcome.unwrap().suggestions),
            ["P11", "P12", "P13", "P14"]
        );
        assert!(
            log.iter()
                .any(|(url, fresh)| url.ends_with("entry.bin") && *fresh),
            "{log:?}"
        );

        // Shards of the new build behind an entry of the old one that the server still
        // sends after the retry: an error, never suggestions from two builds.
        let server = directory_server(&table());
        let mut files = server.files.borrow().clone();
        for (path, bytes) in files.iter_mut() {
            if path.ends_with("entry.bin") {
                *bytes = Some(old_entry.clone());
            } else if let Some(old_path) = split_files(&old)
                .into_iter()
                .find(|(old_path, _)| old_path.rsplit('/').next() == path.rsplit('/').next())
            {
                // The old build's names, the new build's bytes: a mixed upload.
                *path = old_path.0;
            }
        }
        server.files.replace(files);
        let (outcome, _) = load_directory(server, &config);
        assert!(
            matches!(
                outcome,
                Err(LoadError::Table(TableError::Malformed { ref reason, .. })) if reason == OTHER_GENERATION
            ),
            "{outcome:?}"
        );
    }

    #[test]
    fn unknown_products_are_reported_with_their_ids() {
        let config = config(&[("product", "NOPE")]);
        let (outcome, _) = load(MemoryServer::new(table(), Behaviour::HonoursRange), &config);
        assert_eq!(
            outcome.unwrap_err(),
            LoadError::UnknownProducts {
                ids: vec!["NOPE".into()]
            }
        );
    }
}
