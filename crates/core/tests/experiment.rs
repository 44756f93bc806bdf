//! Variant assignment: the spec grammar and its refusals, stable assignment, the test
//! vectors of `docs/events.md`, and unbiasedness — chi-square tests over 100,000
//! simulated visitors for the split proportions and for independence between
//! experiments, at the 1% significance level.

use alsobought_core::events::is_valid_visitor_id;
use alsobought_core::experiment::{
    assignment_hash, is_valid_experiment_name, VariantSpecError, Variants,
};

/// Simulated visitors per test: the figure the issue asks for.
const VISITORS: usize = 100_000;

/// Chi-square critical values at the 1% level (upper tail), by degrees of freedom
/// (from any chi-square table; e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
fn chi_square_critical_1_percent(degrees_of_freedom: usize) -> f64 {
    match degrees_of_freedom {
        1 => 6.635,
        2 => 9.210,
        3 => 11.345,
        4 => 13.277,
        6 => 16.812,
        9 => 21.666,
        other => panic!("no critical value tabulated for {other} degrees of freedom"),
    }
}

/// Visitor ids as the widget makes them: 32 hex characters of (here: pseudo-)random
/// bits, from splitmix64 with a fixed seed so the test is repeatable.
fn random_visitor_ids(count: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|_| format!("{:016x}{:016x}", next(), next()))
        .collect()
}

/// Ids with as little randomness as a careless integration could produce: a common
/// prefix and a counter. A weak hash shows its structure here first.
fn sequential_visitor_ids(count: usize) -> Vec<String> {
    (0..count)
        .map(|number| format!("visitor-{number}"))
        .collect()
}

/// Pearson's chi-square statistic of observed counts against expected ones.
fn chi_square(observed: &[u64], expected: &[f64]) -> f64 {
    observed
        .iter()
        .zip(expected)
        .map(|(&observed, &expected)| (observed as f64 - expected).powi(2) / expected)
        .sum()
}

/// How many of `ids` each variant of `spec` gets in `experiment`.
fn counts(spec: &Variants, experiment: &str, ids: &[String]) -> Vec<u64> {
    let mut counts = vec![0u64; spec.as_slice().len()];
    for id in ids {
        let name = &spec.assign(experiment, id).name;
        let position = spec
            .as_slice()
            .iter()
            .position(|variant| &variant.name == name)
            .unwrap();
        counts[position] += 1;
    }
    counts
}

/// Asserts that the split of `ids` matches the spec's weights at the 1% level.
fn assert_split_matches_weights(spec_text: &str, experiment: &str, ids: &[String]) {
    let spec = Variants::parse(spec_text).unwrap();
    let observed = counts(&spec, experiment, ids);
    let expected: Vec<f64> = spec
        .as_slice()
        .iter()
        .map(|variant| ids.len() as f64 * variant.weight as f64 / spec.total_weight() as f64)
        .collect();
    let statistic = chi_square(&observed, &expected);
    let critical = chi_square_critical_1_percent(observed.len() - 1);
    assert!(
        statistic < critical,
        "{spec_text} in {experiment}: chi-square {statistic:.2} ≥ {critical} (observed {observed:?}, expected {expected:?})"
    );
}

#[test]
fn random_ids_split_in_proportion_to_the_weights() {
    let ids = random_visitor_ids(VISITORS, 1);
    assert_split_matches_weights("control:45,compact:45,holdout:10", "fbt-2026-11", &ids);
    assert_split_matches_weights("a,b,c,d,e,f,g,h,i,j", "ten-way", &ids);
    assert_split_matches_weights("big:97,small:3", "rare-variant", &ids);
}

#[test]
fn sequential_ids_split_in_proportion_to_the_weights() {
    let ids = sequential_visitor_ids(VISITORS);
    assert_split_matches_weights("control:45,compact:45,holdout:10", "fbt-2026-11", &ids);
    assert_split_matches_weights("a:1,b:1,c:1,d:1,e:1", "five", &ids);
}

#[test]
fn variants_of_two_experiments_are_independent() {
    // A 4 × 3 contingency table of the two assignments of each visitor: under
    // independence each cell expects row total × column total / visitors.
    let ids = random_visitor_ids(VISITORS, 2);
    let first = Variants::parse("a,b,c,d").unwrap();
    let second = Variants::parse("x:50,y:30,z:20").unwrap();
    let position = |spec: &Variants, experiment: &str, id: &str| {
        let name = &spec.assign(experiment, id).name;
        spec.as_slice()
            .iter()
            .position(|variant| &variant.name == name)
            .unwrap()
    };
    let mut table = [[0u64; 3]; 4];
    for id in &ids {
        table[position(&first, "layout-test", id)][position(&second, "cap-test", id)] += 1;
    }
    let rows: Vec<u64> = table.iter().map(|row| row.iter().sum()).collect();
    let columns: Vec<u64> = (0..3)
        .map(|j| table.iter().map(|row| row[j]).sum())
        .collect();
    let mut observed = Vec::new();
    let mut expected = Vec::new();
    for (i, row) in table.iter().enumerate() {
        for (j, &count) in row.iter().enumerate() {
            observed.push(count);
            expected.push(rows[i] as f64 * columns[j] as f64 / VISITORS as f64);
        }
    }
    let statistic = chi_square(&observed, &expected);
    let critical = chi_square_critical_1_percent((4 - 1) * (3 - 1));
    assert!(
        statistic < critical,
        "chi-square {statistic:.2} ≥ {critical}: {table:?}"
    );
}

#[test]
fn the_same_visitor_gets_the_same_variant_every_time() {
    let spec = Variants::parse("control:45,compact:45,holdout:10").unwrap();
    // A second parse of the same spec (another page) must agree too.
    let again = Variants::parse("control: 45 , compact:45,holdout:10").unwrap();
    for id in random_visitor_ids(1000, 3) {
        let first = spec.assign("fbt-2026-11", &id);
        for _ in 0..3 {
            assert_eq!(spec.assign("fbt-2026-11", &id), first);
        }
        assert_eq!(again.assign("fbt-2026-11", &id), first);
    }
}

#[test]
fn the_experiment_name_reshuffles_visitors() {
    let spec = Variants::parse("a,b").unwrap();
    let ids = random_visitor_ids(10_000, 4);
    let same = ids
        .iter()
        .filter(|id| spec.assign("one", id) == spec.assign("two", id))
        .count();
    // Independent coin flips agree half the time: 5,000 ± ~150 (3 sd).
    assert!((4_850..=5_150).contains(&same), "{same} of 10,000 agree");
}

#[test]
fn shrinking_a_variant_moves_only_its_own_visitors() {
    // Halving the holdout (10 → 5, the 5 going to compact) must leave every control
    // visitor in control and every compact visitor in compact.
    let before = Variants::parse("control:45,compact:45,holdout:10").unwrap();
    let after = Variants::parse("control:45,compact:50,holdout:5").unwrap();
    for id in random_visitor_ids(20_000, 5) {
        let (old, new) = (
            &before.assign("ramp", &id).name,
            &after.assign("ramp", &id).name,
        );
        match old.as_str() {
            "control" | "compact" => assert_eq!(old, new, "{id}"),
            _ => assert!(new == "holdout" || new == "compact", "{id}: {new}"),
        }
    }
}

#[test]
fn a_zero_weight_variant_gets_nobody() {
    let spec = Variants::parse("on:1,off:0").unwrap();
    for id in random_visitor_ids(5_000, 6) {
        assert_eq!(spec.assign("x", &id).name, "on");
    }
}

#[test]
fn hashes_match_the_documented_test_vectors() {
    // These rows are printed in docs/events.md, section 4.3: another implementation
    // checks itself against them.
    let spec = Variants::parse("control:45,compact:45,holdout:10").unwrap();
    // The expected hashes were computed apart from this crate, by a straight Python
    // transcription of the algorithm in the docs.
    let vectors = [
        (
            "fbt-2026-11",
            "9f86d081884c7d659a2feaa0c55ad015",
            0x6b47_3f7d_f1d2_3c7b_u64,
            "control",
        ),
        (
            "fbt-2026-11",
            "5d41402abc4b2a76b9719d911017c592",
            0xd6e5_a901_c84b_a755,
            "compact",
        ),
        ("fbt-2026-11", "visitor-5", 0xec73_8047_f105_9aa7, "holdout"),
        (
            "layout-test",
            "9f86d081884c7d659a2feaa0c55ad015",
            0x83ca_f6be_7e3d_eef2,
            "compact",
        ),
    ];
    for (experiment, visitor, hash, variant) in vectors {
        assert_eq!(
            assignment_hash(experiment, visitor),
            hash,
            "{experiment} / {visitor}: {:#018x}",
            assignment_hash(experiment, visitor)
        );
        assert_eq!(spec.assign(experiment, visitor).name, variant);
    }
}

#[test]
fn specs_parse_with_weights_or_equal_shares() {
    let spec = Variants::parse(" control:45, compact:45 ,holdout:10 ").unwrap();
    let names: Vec<(&str, u32)> = spec
        .as_slice()
        .iter()
        .map(|variant| (variant.name.as_str(), variant.weight))
        .collect();
    assert_eq!(names, [("control", 45), ("compact", 45), ("holdout", 10)]);
    assert_eq!(spec.total_weight(), 100);
    assert!(spec.get("holdout").unwrap().is_named_holdout());
    assert!(!spec.get("control").unwrap().is_named_holdout());

    let equal = Variants::parse("a,b,c").unwrap();
    assert!(equal.as_slice().iter().all(|variant| variant.weight == 1));
    assert_eq!(equal.total_weight(), 3);
}

#[test]
fn bad_specs_are_refused_with_a_reason() {
    let cases: [(&str, VariantSpecError); 10] = [
        ("", VariantSpecError::Empty),
        (" , ,", VariantSpecError::Empty),
        ("a:1,,b:1", VariantSpecError::MissingName { position: 2 }),
        (
            "Control:50,b:50",
            VariantSpecError::InvalidName {
                name: "Control".into(),
            },
        ),
        ("-a:1", VariantSpecError::InvalidName { name: "-a".into() }),
        (
            "a:1.5",
            VariantSpecError::InvalidWeight {
                name: "a".into(),
                weight: "1.5".into(),
            },
        ),
        (
            "a:50,b",
            VariantSpecError::MixedWeights { name: "b".into() },
        ),
        (
            "a,b:50",
            VariantSpecError::MixedWeights { name: "a".into() },
        ),
        (
            "a:1,a:2",
            VariantSpecError::DuplicateName { name: "a".into() },
        ),
        ("a:0,b:0", VariantSpecError::ZeroTotalWeight),
    ];
    for (spec, error) in cases {
        assert_eq!(Variants::parse(spec), Err(error), "{spec:?}");
    }
    let many: Vec<String> = (0..33).map(|number| format!("v{number}")).collect();
    assert_eq!(
        Variants::parse(&many.join(",")),
        Err(VariantSpecError::TooManyVariants { count: 33 })
    );
    let message = Variants::parse("a:50,b").unwrap_err().to_string();
    assert!(message.contains("give every variant a weight"), "{message}");
}

#[test]
fn names_and_ids_are_checked() {
    assert!(is_valid_experiment_name("fbt-2026-11"));
    assert!(is_valid_experiment_name("Checkout.Layout_v2"));
    assert!(!is_valid_experiment_name(""));
    assert!(!is_valid_experiment_name("has space"));
    assert!(!is_valid_experiment_name(&"x".repeat(65)));
    assert!(is_valid_visitor_id("9f86d081884c7d659a2feaa0c55ad015"));
    assert!(!is_valid_visitor_id("9F86D081884C7D659A2FEAA0C55AD015"));
    assert!(!is_valid_visitor_id("9f86d081"));
    assert!(!is_valid_visitor_id("9f86d081884c7d659a2feaa0c55ad01g"));
}
