//! The rules every table reader must keep, shared by the targets that end up holding a
//! table (read from fuzzer bytes, rebuilt from a directory layout, or written from a
//! fuzzer-made input): lookups find what they are asked for, a verified table finds
//! every id it names, and suggestions keep the cap, the context and the exclusions.

use std::collections::HashSet;

use alsobought_core::{
    join_split, recommend, split_table, Bundle, Card, RecommendOptions, Shard, SplitEntry,
    Suggestion, SuggestionSource, Table, TableError,
};

/// Bundles looked at per table: enough to reach every branch, few enough to stay fast
/// on the largest inputs libFuzzer makes.
const MAX_BUNDLES_CHECKED: usize = 64;

/// CRCs repaired per input: a table's header, root, best-sellers, leaves and a few
/// bundles.
const MAX_REPAIRS: usize = 24;

/// Shard size for the split round trip: small, so even small tables get several shards.
const SHARD_BYTES: u64 = 256;

/// An error must say something (the widget prints it in the console, the tool on
/// stderr): an empty message would leave the store owner with nothing to go on.
pub(crate) fn check_error(error: &TableError) {
    assert!(
        !error.to_string().trim().is_empty(),
        "empty error message: {error:?}"
    );
}

/// Runs `parse` over `bytes`, each time it fails on a CRC writing the CRC it computed
/// where the error says the stored one is (offsets counted from `bytes[0]`), so that a
/// mutation reaches the checks behind the checksums instead of stopping at them, as
/// readers of checksummed formats are fuzzed. Stops at the first other outcome.
pub(crate) fn repair_crcs(bytes: &mut [u8], parse: impl Fn(&[u8]) -> Result<(), TableError>) {
    for _ in 0..MAX_REPAIRS {
        let Err(TableError::ChecksumMismatch {
            offset, computed, ..
        }) = parse(bytes)
        else {
            return;
        };
        let Some(stored) = usize::try_from(offset)
            .ok()
            .and_then(|at| bytes.get_mut(at..at.checked_add(4)?))
        else {
            return;
        };
        stored.copy_from_slice(&computed.to_le_bytes());
    }
}

/// What a table read from `bytes` must satisfy; returns whether it verified.
pub(crate) fn check_table(bytes: &[u8]) -> bool {
    let table = match Table::open(bytes) {
        Ok(table) => table,
        Err(error) => {
            check_error(&error);
            return false;
        }
    };
    let verified = match table.verify() {
        Ok(()) => true,
        Err(error) => {
            check_error(&error);
            false
        }
    };
    if let Err(error) = table.stats() {
        assert!(!verified, "a verified table has no stats: {error}");
    }
    let mut read = Vec::new();
    for (index, bundle) in table.bundles().take(MAX_BUNDLES_CHECKED).enumerate() {
        match bundle {
            Ok(bundle) => read.push(bundle),
            Err(error) => {
                assert!(!verified, "bundle {index} of a verified table: {error}");
                check_error(&error);
                break;
            }
        }
    }
    for bundle in &read {
        let card = bundle
            .product()
            .expect("the bundle iterator yields product bundles");
        match table.bundle(card.id) {
            Ok(Some(found)) => {
                assert_eq!(
                    found.product().map(|c| c.id),
                    Some(card.id),
                    "lookup found another id"
                );
                if verified {
                    assert_eq!(
                        &found, bundle,
                        "lookup of `{}` found another bundle",
                        card.id
                    );
                }
            }
            Ok(None) => assert!(!verified, "verified table lost `{}`", card.id),
            Err(error) => {
                assert!(
                    !verified,
                    "lookup of `{}` in a verified table: {error}",
                    card.id
                );
                check_error(&error);
            }
        }
        check_names(&table, bundle, verified);
    }
    if let Ok(prefix) = table.prefix() {
        check_names(&table, prefix.best_sellers(), verified);
        for id in ["", "\u{0}not-a-product"] {
            if let Ok(Some(found)) = table.bundle(id) {
                assert_eq!(
                    found.product().map(|c| c.id),
                    Some(id),
                    "lookup found another id"
                );
            }
        }
        let context: Vec<&str> = read
            .iter()
            .take(3)
            .filter_map(|b| b.product().map(|c| c.id))
            .collect();
        let found: Vec<Bundle<'_>> = read.iter().take(3).copied().collect();
        let options = RecommendOptions {
            max_suggestions: 6,
            ..RecommendOptions::default()
        };
        let suggestions = recommend(
            &context,
            &found,
            Some(prefix.best_sellers()),
            &table.header().scoring(),
            &options,
        );
        check_suggestions(&context, &options, &suggestions, verified);
    }
    if verified {
        check_split_round_trip(bytes, &read);
    }
    verified
}

/// In a verified table every card a bundle names is a product of the table: its own
/// bundle is found by id and carries the same card. "A decoded table never yields an
/// id that is not in its directory."
fn check_names(table: &Table<&[u8]>, bundle: &Bundle<'_>, verified: bool) {
    let product_count = table.header().product_count;
    for ((card, _), (number, _)) in bundle.neighbours().zip(bundle.edges()) {
        assert_eq!(
            card.number, number,
            "a neighbour card disagrees with its edge"
        );
        if !verified {
            continue;
        }
        assert!(
            number < product_count,
            "edge to {number} of {product_count} products"
        );
        let own = table
            .bundle(card.id)
            .unwrap_or_else(|error| panic!("lookup of neighbour `{}`: {error}", card.id))
            .unwrap_or_else(|| panic!("neighbour `{}` is not in the directory", card.id));
        assert_eq!(
            own.product(),
            Some(card),
            "neighbour card differs from its own"
        );
    }
}

/// The cap, the context, the exclusions, availability and the category limit hold
/// for any table; in a verified one, suggestions are distinct products too.
pub(crate) fn check_suggestions(
    context: &[&str],
    options: &RecommendOptions,
    suggestions: &[Suggestion<'_>],
    verified: bool,
) {
    assert!(
        suggestions.len() <= options.max_suggestions,
        "{} suggestions over a cap of {}",
        suggestions.len(),
        options.max_suggestions
    );
    let mut numbers = HashSet::new();
    let mut ids = HashSet::new();
    for suggestion in suggestions {
        let card: &Card<'_> = &suggestion.card;
        assert!(
            !context.contains(&card.id),
            "suggested the context product `{}`",
            card.id
        );
        assert!(
            !options.exclude.iter().any(|id| id == card.id),
            "suggested excluded `{}`",
            card.id
        );
        assert!(card.available, "suggested unavailable `{}`", card.id);
        assert!(
            numbers.insert(card.number),
            "product {} suggested twice",
            card.number
        );
        if verified {
            assert!(ids.insert(card.id), "`{}` suggested twice", card.id);
        }
        match suggestion.source {
            SuggestionSource::Neighbours => assert!(
                // A NaN threshold filters nothing ("below" is never true of it).
                (suggestion.score >= options.min_score || options.min_score.is_nan())
                    && suggestion.score <= 1.0,
                "neighbour score {} outside min_score {}..=1",
                suggestion.score,
                options.min_score
            ),
            SuggestionSource::BestSellers => assert_eq!(suggestion.score, 0.0),
        }
        if let (Some(limit), false) = (options.max_per_category, card.category.is_empty()) {
            let same = suggestions
                .iter()
                .filter(|s| s.card.category == card.category)
                .count();
            assert!(
                same <= limit,
                "{same} suggestions in `{}`, limit {limit}",
                card.category
            );
        }
    }
}

/// A verified table splits into the directory layout, whose reader finds the same
/// bundles, and joins back byte for byte.
fn check_split_round_trip(bytes: &[u8], read: &[Bundle<'_>]) {
    let split = split_table(bytes, SHARD_BYTES)
        .unwrap_or_else(|error| panic!("a verified table does not split: {error}"));
    let entry = SplitEntry::parse(&split.entry)
        .unwrap_or_else(|error| panic!("the splitter's entry file: {error}"));
    let shards: Vec<&[u8]> = split
        .shards
        .iter()
        .map(|(_, bytes)| bytes.as_slice())
        .collect();
    for bundle in read {
        let id = bundle.product().map(|card| card.id).unwrap_or_default();
        let number = entry.shard_of(id);
        let shard = Shard::parse(shards[number as usize], &entry, number)
            .unwrap_or_else(|error| panic!("the splitter's shard {number}: {error}"));
        shard
            .verify(&entry)
            .unwrap_or_else(|error| panic!("the splitter's shard {number}: {error}"));
        let found = shard
            .find(id)
            .unwrap_or_else(|error| panic!("shard lookup: {error}"));
        assert_eq!(
            found.as_ref(),
            Some(bundle),
            "the shard holds another bundle for `{id}`"
        );
    }
    let joined = join_split(&split.entry, &shards)
        .unwrap_or_else(|error| panic!("the splitter's files do not join: {error}"));
    assert!(joined == bytes, "split and join changed the table");
}
