//! Evaluation on fixtures small enough to compute by hand: the metric arithmetic, the
//! split, and a whole `evaluate` run (mine → write → read → recommend) with its
//! baselines.

use alsobought_mining::evaluation::{
    evaluate, is_held_out, split_orders, EvaluationOptions, MetricSums, CUTOFFS,
};
use alsobought_mining::{Orders, OrdersBuilder};

#[test]
fn metrics_average_hits_and_recall_over_queries() {
    let mut sums = MetricSums::new(10);
    // Target 3 is found at rank 2, target 7 not at all.
    sums.add(&[5, 3, 9], &[3, 7]);
    // Found at rank 1.
    sums.add(&[7], &[7]);
    let metrics = sums.metrics();
    assert_eq!(CUTOFFS, [1, 3, 5, 10]);
    assert_eq!(metrics.queries, 2);
    assert_eq!(metrics.hit_rate, [0.5, 1.0, 1.0, 1.0]);
    assert_eq!(metrics.recall, [0.5, 0.75, 0.75, 0.75]);
    // Products 3, 5, 7, 9 of 10 were recommended.
    assert_eq!(metrics.coverage, 0.4);
}

#[test]
fn only_the_first_ten_recommendations_count() {
    let mut sums = MetricSums::new(20);
    let ranking: Vec<u32> = (0..15).collect();
    sums.add(&ranking, &[12]);
    let metrics = sums.metrics();
    assert_eq!(metrics.hit_rate, [0.0; 4]);
    assert_eq!(metrics.coverage, 0.5);
}

#[test]
fn merged_sums_equal_sums_of_all_queries() {
    let queries: [(&[u32], &[u32]); 3] = [(&[1, 2], &[2]), (&[4], &[1, 3]), (&[3, 1, 0], &[0, 1])];
    let mut whole = MetricSums::new(5);
    let mut first = MetricSums::new(5);
    let mut second = MetricSums::new(5);
    for (position, (ranking, targets)) in queries.iter().enumerate() {
        whole.add(ranking, targets);
        if position == 0 {
            &mut first
        } else {
            &mut second
        }
        .add(ranking, targets);
    }
    assert_eq!(first.merge(second).metrics(), whole.metrics());
}

#[test]
fn the_split_depends_only_on_the_order_id() {
    let ids: Vec<String> = (0..10_000)
        .map(|number| format!("{}", 489_434 + number))
        .collect();
    let held_out = ids.iter().filter(|id| is_held_out(id, 0.2)).count();
    assert!(
        (1_800..=2_200).contains(&held_out),
        "{held_out} of 10000 held out at 20 %"
    );
    assert!(ids.iter().all(|id| !is_held_out(id, 0.0)));
    assert!(ids.iter().all(|id| is_held_out(id, 1.0)));
    assert!(ids
        .iter()
        .all(|id| is_held_out(id, 0.2) == is_held_out(id, 0.2)));

    let mut forward = OrdersBuilder::new();
    let mut backward = OrdersBuilder::new();
    for id in &ids[..500] {
        forward.add_line(id, "p");
    }
    for id in ids[..500].iter().rev() {
        backward.add_line(id, "p");
    }
    let sorted_test_ids = |orders: Orders| {
        let mut test: Vec<String> = split_orders(&orders, 0.2).test.order_ids().to_vec();
        test.sort();
        test
    };
    assert_eq!(
        sorted_test_ids(forward.finish()),
        sorted_test_ids(backward.finish())
    );
}

/// `count` order ids that the 50 % split holds out (`held_out`) or keeps.
fn order_ids(held_out: bool, count: usize) -> Vec<String> {
    (0..)
        .map(|number| format!("order-{number}"))
        .filter(|id| is_held_out(id, 0.5) == held_out)
        .take(count)
        .collect()
}

#[test]
fn a_whole_evaluation_on_a_hand_made_history() {
    // Training: a+b twice, a+c, c+d three times (a: 3 orders, b: 2, c: 4, d: 3).
    // Test: a+b (queried both ways), and a lone e (not a basket of two).
    let training = order_ids(false, 6);
    let test = order_ids(true, 2);
    let mut builder = OrdersBuilder::new();
    let baskets: [&[&str]; 6] = [
        &["a", "b"],
        &["a", "b"],
        &["a", "c"],
        &["c", "d"],
        &["c", "d"],
        &["c", "d"],
    ];
    for (id, basket) in training.iter().zip(baskets) {
        for product in basket {
            builder.add_line(id, product);
        }
    }
    builder.add_line(&test[0], "a");
    builder.add_line(&test[0], "b");
    builder.add_line(&test[1], "e");
    let orders = builder.finish();

    let options = EvaluationOptions {
        test_fraction: 0.5,
        ..EvaluationOptions::default()
    };
    let report = evaluate(&orders, None, &options).unwrap();
    assert_eq!(report.training_orders, 6);
    assert_eq!(report.test_orders, 2);
    assert_eq!(report.test_baskets, 1);
    assert_eq!(report.products, 5);
    let names: Vec<&str> = report
        .recommenders
        .iter()
        .map(|recommender| recommender.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["asymmetric-cosine:0.9 + max", "popularity", "count + sum"]
    );

    // Default: a's best neighbour is b (2 shared orders of b's 2, against c's 1 of 4),
    // b's only neighbour is a: both queries hit at rank 1.
    let default = &report.recommenders[0];
    assert_eq!(default.product_page.queries, 2);
    assert_eq!(default.product_page.hit_rate, [1.0; 4]);
    assert_eq!(default.product_page.recall, [1.0; 4]);
    assert_eq!(default.cart.hit_rate, [1.0; 4]);
    // Lists filled with best-sellers: [a] → b, c, d; [b] → a, c, d: 4 of 5 products.
    assert_eq!(default.product_page.coverage, 0.8);
    assert!(default.table_bytes > 96);

    // Popularity: c (4), a (3), d (3), b (2). [a] → c, d, b; [b] → c, a, d.
    let popularity = &report.recommenders[1];
    assert_eq!(popularity.product_page.hit_rate, [0.0, 1.0, 1.0, 1.0]);
    assert_eq!(popularity.cart.recall, [0.0, 1.0, 1.0, 1.0]);
    assert_eq!(popularity.table_bytes, 0);

    let co_occurrence = &report.recommenders[2];
    assert_eq!(co_occurrence.product_page.hit_rate, [1.0; 4]);
}
