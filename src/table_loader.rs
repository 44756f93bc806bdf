//! Fetches exactly the parts of a table one widget needs, then scores them.
//!
//! The steps follow `docs/format.md`: the first 4 KiB (header, and usually the whole
//! prefix), the rest of the prefix if it is longer, then for every product in context,
//! all at once: its leaf directory, then its bundle span. alsobought-core does every
//! byte of decoding and the scoring; this module only decides what to fetch next. A
//! table replaced on the server while loading (new `ETag`) is loaded again once.

use crate::join::join_all;
use alsobought_core::{
    recommend, Bundle, Header, LeafDirectory, Prefix, RecommendOptions, TableError,
    INITIAL_FETCH_LEN,
};

use crate::config::WidgetConfig;
use crate::load_error::{FetchError, LoadError};
use crate::product::ProductView;
use crate::table_cache::{RangeSource, TableBytes, TableCache};

/// The fetched bytes a widget scores from: the prefix and one bundle span per
/// context product that is in the table.
#[derive(Clone, Debug)]
pub struct LoadedTable {
    /// File bytes `0..leaf_offset`.
    pub prefix: TableBytes,
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

/// Loads what `context_ids` need from the table at `url`.
pub async fn load_table<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    context_ids: &[&str],
    timeout_ms: u32,
) -> Result<LoadedTable, LoadError> {
    match load_once(cache, url, context_ids, timeout_ms).await {
        Err(LoadError::Fetch(FetchError::Changed)) => {
            cache.forget(url);
            load_once(cache, url, context_ids, timeout_ms).await
        }
        outcome => outcome,
    }
}

async fn load_once<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    context_ids: &[&str],
    timeout_ms: u32,
) -> Result<LoadedTable, LoadError> {
    let first = cache.read(url, 0..INITIAL_FETCH_LEN, timeout_ms).await?;
    let header = Header::parse(&first.bytes)?;
    if let Some(server_says) = first.file_length {
        if server_says != header.file_length {
            return Err(LoadError::LengthMismatch {
                header_says: header.file_length,
                server_says,
            });
        }
    }
    let prefix_end = header.prefix_range().end;
    let prefix_bytes = if first.bytes.len() as u64 >= prefix_end {
        first.bytes.prefix(prefix_end as usize)
    } else {
        let rest = cache
            .read(url, first.bytes.len() as u64..prefix_end, timeout_ms)
            .await?;
        let mut joined = Vec::with_capacity(prefix_end as usize);
        joined.extend_from_slice(&first.bytes);
        joined.extend_from_slice(&rest.bytes);
        TableBytes::new(joined)
    };
    let prefix = Prefix::parse(&prefix_bytes)?;
    let lookups = context_ids
        .iter()
        .map(|id| find_span(cache, url, &prefix, id, timeout_ms));
    let mut spans = Vec::with_capacity(context_ids.len());
    for (id, found) in context_ids.iter().zip(join_all(lookups).await) {
        if let Some((bytes, count)) = found? {
            spans.push((id.to_string(), bytes, count));
        }
    }
    Ok(LoadedTable {
        prefix: prefix_bytes.clone(),
        spans,
    })
}

/// The bundle span that would hold `id`, or `None` when its leaf does not list it.
async fn find_span<S: RangeSource>(
    cache: &TableCache<S>,
    url: &str,
    prefix: &Prefix<'_>,
    id: &str,
    timeout_ms: u32,
) -> Result<Option<(TableBytes, usize)>, LoadError> {
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
    let prefix = Prefix::parse(&loaded.prefix)?;
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
        Some(prefix.best_sellers()),
        &prefix.quantization(),
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
    use crate::config::{parse_config, Origin, RawValue};
    use crate::table_cache::tests::{Behaviour, MemoryServer};
    use alsobought_core::{write_table, ProductRecord, TableInput};
    use futures::executor::block_on;

    /// 200 products (several buckets, a prefix longer than the first 4 KiB read
    /// for some layouts): product i was bought with i+1..=i+5.
    fn table() -> Vec<u8> {
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
        let input = TableInput {
            products,
            neighbours,
            best_sellers: vec![(7, 9.0), (8, 8.0)],
            order_count: 1000,
            max_neighbours: 5,
        };
        write_table(&input).unwrap()
    }

    fn config(pairs: &[(&str, &str)]) -> WidgetConfig {
        let mut all = vec![("table", "/t.table")];
        all.extend_from_slice(pairs);
        parse_config(Origin::Attributes, |setting| {
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
