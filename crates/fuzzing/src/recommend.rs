//! `recommend`: a table written from a fuzzer-made [`TableInput`] (awkward ids, scores
//! that are NaN, infinite or negative, every cart combination), read back, asked for
//! suggestions for a fuzzer-made context and options. The writer must refuse what the
//! reader would not accept, and the suggestions keep every rule of `recommend`.

use arbitrary::{Result, Unstructured};

use alsobought_core::{
    recommend as suggest, write_table, Bundle, CartCombination, Fallback, ProductRecord,
    RecommendOptions, Table, TableInput,
};

use crate::table_checks::{check_suggestions, check_table};

/// Products per table: enough for hash collisions in a small bucket count.
const MAX_PRODUCTS: usize = 40;

/// The `recommend` target.
pub fn recommend(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(table_input) = table_input(&mut input) else {
        return;
    };
    let bytes = match write_table(&table_input) {
        Ok(bytes) => bytes,
        Err(error) => {
            assert!(
                !error.to_string().trim().is_empty(),
                "empty error: {error:?}"
            );
            return;
        }
    };
    let table = Table::open(bytes.as_slice())
        .unwrap_or_else(|error| panic!("the writer wrote a table its reader refuses: {error}"));
    if let Err(error) = table.verify() {
        panic!("the writer wrote a table that fails verify: {error}");
    }
    check_table(&bytes);
    let prefix = table.prefix().expect("a verified table has a prefix");
    let Ok((context, options)) = query(&mut input, &table_input) else {
        return;
    };
    let context_ids: Vec<&str> = context.iter().map(String::as_str).collect();
    let bundles: Vec<Bundle<'_>> = context_ids
        .iter()
        .filter_map(|id| table.bundle(id).expect("a verified table reads"))
        .collect();
    let suggestions = suggest(
        &context_ids,
        &bundles,
        Some(prefix.best_sellers()),
        &table.header().scoring(),
        &options,
    );
    check_suggestions(&context_ids, &options, &suggestions, true);
    if options.fallback == Fallback::BestSellers && suggestions.len() < options.max_suggestions {
        // Slots left empty: every available best-seller not in context or excluded
        // must already be shown (or its category be full).
        for (card, _) in prefix.best_sellers().neighbours() {
            let eligible = card.available
                && !context_ids.contains(&card.id)
                && !options.exclude.iter().any(|id| id == card.id)
                && (options.max_per_category.is_none() || card.category.is_empty());
            let shown = suggestions.iter().any(|s| s.card.number == card.number);
            assert!(
                !eligible || shown,
                "best-seller `{}` left out of a free slot",
                card.id
            );
        }
    }
}

/// Ids from a small alphabet, so that products share hashes, prefixes and cards.
fn id(input: &mut Unstructured<'_>) -> Result<String> {
    Ok(match input.int_in_range(0..=3u8)? {
        0 => format!("SKU-{}", input.int_in_range(0..=60u8)?),
        1 => String::from(
            input
                .choose(&["", " ", "a,b", "日本", "\u{0}", "SKU-1 "])?
                .to_owned(),
        ),
        _ => input.arbitrary::<String>()?,
    })
}

fn product(input: &mut Unstructured<'_>) -> Result<ProductRecord> {
    let mut product = ProductRecord {
        id: id(input)?,
        title: input.arbitrary()?,
        url: input
            .choose(&["", "https://shop.example/p", "javascript:alert(1)"])?
            .to_string(),
        image: input.arbitrary()?,
        category: input.choose(&["", "mugs", "tea", "Mugs"])?.to_string(),
        price_hundredths: input.arbitrary()?,
        price_from: input.arbitrary()?,
        currency: match input.int_in_range(0..=2u8)? {
            0 => None,
            1 => Some("EUR".into()),
            _ => Some(input.arbitrary()?),
        },
        available: input.ratio(7, 8)?,
        rating_tenths: input.arbitrary()?,
        compare_at_hundredths: None,
    };
    // Drawn last, so the corpus's inputs keep their meaning for the fields above. A
    // sale as the writer takes it: a compare-at price above the price.
    if let (Some(price), 0) = (product.price_hundredths, input.int_in_range(0..=3u8)?) {
        product.compare_at_hundredths = price.checked_add(1 + u32::from(input.arbitrary::<u16>()?));
    }
    Ok(product)
}

fn score(input: &mut Unstructured<'_>) -> Result<f32> {
    Ok(match input.int_in_range(0..=7u8)? {
        0 => input.arbitrary()?,
        1 => 0.0,
        _ => f32::from(input.arbitrary::<u16>()?) / 100.0,
    })
}

fn table_input(input: &mut Unstructured<'_>) -> Result<TableInput> {
    let count = input.int_in_range(0..=MAX_PRODUCTS)?;
    let products = (0..count)
        .map(|_| product(input))
        .collect::<Result<Vec<_>>>()?;
    let index = |input: &mut Unstructured<'_>| -> Result<u32> {
        let any = input.arbitrary::<u32>()?;
        Ok(if count > 0 && any % 16 != 0 {
            any % count as u32
        } else {
            any
        })
    };
    let mut neighbours = Vec::with_capacity(count);
    for _ in 0..count {
        let length = input.int_in_range(0..=8usize)?;
        neighbours.push(
            (0..length)
                .map(|_| Ok((index(input)?, score(input)?)))
                .collect::<Result<_>>()?,
        );
    }
    let best_length = input.int_in_range(0..=8usize)?;
    let best_sellers = (0..best_length)
        .map(|_| Ok((index(input)?, score(input)?)))
        .collect::<Result<_>>()?;
    let cart_combination = match input.int_in_range(0..=4u8)? {
        0 => CartCombination::Max,
        1 => CartCombination::Sum,
        2 => CartCombination::NormalizedSum,
        3 => CartCombination::MaxThenSum {
            sum_weight: score(input)?,
        },
        _ => CartCombination::ReciprocalRank {
            offset: score(input)?,
        },
    };
    Ok(TableInput {
        products,
        neighbours,
        best_sellers,
        order_count: input.arbitrary()?,
        max_neighbours: input.arbitrary()?,
        cart_combination,
    })
}

/// A context (ids of the table, unknown ids and repeats) and the options.
fn query(
    input: &mut Unstructured<'_>,
    table: &TableInput,
) -> Result<(Vec<String>, RecommendOptions)> {
    let pick = |input: &mut Unstructured<'_>| -> Result<String> {
        if table.products.is_empty() || input.ratio(1, 8)? {
            id(input)
        } else {
            Ok(input.choose(&table.products)?.id.clone())
        }
    };
    let context_length = input.int_in_range(1..=6usize)?;
    let context = (0..context_length)
        .map(|_| pick(input))
        .collect::<Result<Vec<_>>>()?;
    let exclude_length = input.int_in_range(0..=3usize)?;
    let exclude = (0..exclude_length)
        .map(|_| pick(input))
        .collect::<Result<Vec<_>>>()?;
    let options = RecommendOptions {
        max_suggestions: input.int_in_range(0..=13usize)?,
        min_score: match input.int_in_range(0..=3u8)? {
            0 => input.arbitrary()?,
            1 => 0.0,
            _ => f32::from(input.arbitrary::<u8>()?) / 255.0,
        },
        exclude,
        max_per_category: input
            .arbitrary::<Option<u8>>()?
            .map(|limit| usize::from(limit % 5)),
        fallback: if input.ratio(3, 4)? {
            Fallback::BestSellers
        } else {
            Fallback::None
        },
    };
    Ok((context, options))
}
