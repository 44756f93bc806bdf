//! The report's counting rules and statistics on a small hand-made event log whose
//! every number is worked out by hand in the comments (`docs/events.md` section 8).

use alsobought_analytics::{
    Event, EventAggregator, ExperimentReport, Metric, Report, ReportOptions, VariantReport,
};
use alsobought_core::events::EventKind;

/// A list event of `visitor` in page view `page_view`, list `list`.
fn view_event<'a>(
    kind: EventKind,
    timestamp_ms: i64,
    visitor_id: &'a str,
    page_view: &'a str,
    list: &'a str,
    experiment: Option<(&'a str, &'a str)>,
) -> Event<'a> {
    Event {
        kind,
        timestamp_ms,
        visitor_id,
        page_view_id: Some(page_view),
        list_id: Some(list),
        experiment: experiment.map(|(experiment, _)| experiment),
        variant: experiment.map(|(_, variant)| variant),
        holdout: experiment.is_some_and(|(_, variant)| variant == "holdout"),
        forced: false,
        order_id: None,
        currency: None,
        value: None,
        attributed_value: None,
    }
}

fn purchase<'a>(
    timestamp_ms: i64,
    visitor_id: &'a str,
    order_id: &'a str,
    currency: &'a str,
    value: f64,
    attributed: f64,
) -> Event<'a> {
    Event {
        kind: EventKind::Purchase,
        timestamp_ms,
        visitor_id,
        page_view_id: Some("thank-you"),
        list_id: None,
        experiment: None,
        variant: None,
        holdout: false,
        forced: false,
        order_id: Some(order_id),
        currency: Some(currency),
        value: Some(value),
        attributed_value: Some(attributed),
    }
}

/// The fixture. Experiment `exp` (control, compact, holdout) and experiment `second`
/// (variants a and b, no baseline):
///
/// - v1, control: pv1 exposure (t=100), impression, click, add-to-cart; pv2 exposure
///   (t=200), impression; order o1 at t=300: 50 EUR, 20 attributed. In `second`, v1
///   is exposed to `a` at t=100 and — on a later line — to `b` at t=50.
/// - v2, control: pv3 exposure, impression.
/// - v3, control: pv4 exposure at t=500, no impression; order o2 at t=400, before it.
/// - v4, compact: pv5 exposure, impression, two clicks; pv6 exposure, impression;
///   order o3 at t=1000: 10 EUR, 0 attributed (sent twice); order o4: 100 USD.
/// - v5, compact: pv7 exposure, impression, add-to-cart; order o5: 40 EUR, all attributed.
/// - v6, holdout: pv8 exposure; order o6: 60 EUR. v7, holdout: pv9 exposure.
/// - Outside experiments: pv10 impression and click; pv11 a click without impression.
/// - v8 was never exposed: order o7, 5 EUR. One forced event.
fn fixture_events() -> Vec<Event<'static>> {
    use EventKind::*;
    let control = Some(("exp", "control"));
    let compact = Some(("exp", "compact"));
    let holdout = Some(("exp", "holdout"));
    let mut forced = view_event(Impression, 100, "v9", "pv12", "L", control);
    forced.forced = true;
    vec![
        view_event(Exposure, 100, "v1", "pv1", "L", control),
        view_event(Impression, 101, "v1", "pv1", "L", control),
        view_event(Click, 102, "v1", "pv1", "L", control),
        view_event(AddToCart, 103, "v1", "pv1", "L", control),
        view_event(Exposure, 200, "v1", "pv2", "L", control),
        // A repeated exposure of the same list view is one exposure.
        view_event(Exposure, 200, "v1", "pv2", "L", control),
        view_event(Impression, 201, "v1", "pv2", "L", control),
        view_event(Exposure, 100, "v1", "pv1", "L2", Some(("second", "a"))),
        view_event(Exposure, 50, "v1", "pv0", "L2", Some(("second", "b"))),
        purchase(300, "v1", "o1", "EUR", 50.0, 20.0),
        view_event(Exposure, 100, "v2", "pv3", "L", control),
        view_event(Impression, 101, "v2", "pv3", "L", control),
        purchase(400, "v3", "o2", "EUR", 30.0, 0.0),
        view_event(Exposure, 500, "v3", "pv4", "L", control),
        view_event(Exposure, 100, "v4", "pv5", "L", compact),
        view_event(Impression, 101, "v4", "pv5", "L", compact),
        view_event(Click, 102, "v4", "pv5", "L", compact),
        view_event(Click, 103, "v4", "pv5", "L", compact),
        view_event(Exposure, 200, "v4", "pv6", "L", compact),
        view_event(Impression, 201, "v4", "pv6", "L", compact),
        purchase(1000, "v4", "o3", "EUR", 10.0, 0.0),
        purchase(1001, "v4", "o3", "EUR", 10.0, 0.0),
        purchase(1002, "v4", "o4", "USD", 100.0, 0.0),
        view_event(Exposure, 100, "v5", "pv7", "L", compact),
        view_event(Impression, 101, "v5", "pv7", "L", compact),
        view_event(AddToCart, 102, "v5", "pv7", "L", compact),
        purchase(900, "v5", "o5", "EUR", 40.0, 40.0),
        view_event(Exposure, 100, "v6", "pv8", "L", holdout),
        purchase(800, "v6", "o6", "EUR", 60.0, 0.0),
        view_event(Exposure, 100, "v7", "pv9", "L", holdout),
        view_event(Impression, 100, "v0", "pv10", "L", None),
        view_event(Click, 101, "v0", "pv10", "L", None),
        view_event(Click, 100, "v0", "pv11", "L", None),
        purchase(100, "v8", "o7", "EUR", 5.0, 0.0),
        forced,
    ]
}

fn report_of(events: &[Event<'_>], options: ReportOptions) -> Report {
    let mut aggregator = EventAggregator::new(options);
    for event in events {
        aggregator.add(event).unwrap();
    }
    aggregator.finish()
}

fn experiment<'r>(report: &'r Report, name: Option<&str>) -> &'r ExperimentReport {
    report
        .experiments
        .iter()
        .find(|experiment| experiment.name.as_deref() == name)
        .unwrap()
}

fn variant<'r>(experiment: &'r ExperimentReport, name: &str) -> &'r VariantReport {
    experiment
        .variants
        .iter()
        .find(|variant| variant.name.as_deref() == Some(name))
        .unwrap()
}

#[track_caller]
fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-4 * expected.abs().max(1.0),
        "{actual} is not {expected}"
    );
}

#[test]
fn counts_follow_the_documented_rules() {
    let report = report_of(&fixture_events(), ReportOptions::default());
    assert_eq!(report.currency.as_deref(), Some("EUR"));
    let names: Vec<Option<&str>> = report
        .experiments
        .iter()
        .map(|experiment| experiment.name.as_deref())
        .collect();
    assert_eq!(names, [Some("exp"), Some("second"), None]);

    let exp = experiment(&report, Some("exp"));
    assert_eq!(exp.baseline.as_deref(), Some("holdout"));
    let order: Vec<&str> = exp
        .variants
        .iter()
        .map(|variant| variant.name.as_deref().unwrap())
        .collect();
    assert_eq!(order, ["compact", "control", "holdout"]);

    let control = variant(exp, "control");
    // v1, v2, v3; exposures 2 + 1 + 1; impressed views pv1, pv2, pv3.
    assert_eq!(
        (
            control.visitors,
            control.exposures,
            control.impressions,
            control.clicks,
            control.add_to_carts
        ),
        (3, 4, 3, 1, 1)
    );
    // Only o1 counts: o2 came before v3's first exposure.
    assert_eq!(control.orders, 1);
    assert_close(control.revenue, 50.0);
    assert_close(control.attributed_revenue, 20.0);

    let compact = variant(exp, "compact");
    // Two clicks in one view: one clicked view, two click events. o3 once, o4 is USD.
    assert_eq!(
        (
            compact.visitors,
            compact.exposures,
            compact.impressions,
            compact.clicks,
            compact.add_to_carts,
            compact.orders
        ),
        (2, 3, 3, 2, 1, 2)
    );
    assert_close(compact.revenue, 50.0);

    let holdout = variant(exp, "holdout");
    assert!(holdout.holdout);
    assert_eq!(
        (holdout.visitors, holdout.exposures, holdout.impressions),
        (2, 2, 0)
    );

    // v1's first exposure in `second` was to b (t=50), although the a line came first.
    let second = experiment(&report, Some("second"));
    assert_eq!(second.baseline, None);
    assert_eq!(second.visitors_in_several_variants, 1);
    assert_eq!(variant(second, "a").visitors, 0);
    assert_eq!(variant(second, "b").visitors, 1);
    assert_eq!(variant(second, "b").exposures, 2);
    assert_close(variant(second, "b").revenue, 50.0);

    let outside = &experiment(&report, None).variants[0];
    assert_eq!(outside.name, None);
    assert_eq!(
        (outside.impressions, outside.clicks, outside.visitors),
        (1, 2, 0)
    );

    let counts = &report.counts;
    assert_eq!(counts.forced, 1);
    assert_eq!(counts.purchases, 7);
    assert_eq!(counts.duplicate_orders, 1);
    assert_eq!(counts.purchases_in_other_currencies, 1);
    assert_eq!(counts.other_currencies, ["USD"]);
    assert_eq!(counts.purchases_without_exposure, 1);
    assert_eq!(counts.interactions_without_impression, 1);
    // 35 lines: one forced, one repeated order.
    assert_eq!(counts.used, 33);
}

#[test]
fn estimates_match_hand_computed_values() {
    let report = report_of(&fixture_events(), ReportOptions::default());
    let exp = experiment(&report, Some("exp"));
    let control = variant(exp, "control");

    // Click-through 1/3 with its Wilson interval: centre (1/3 + 1.92073/3) / 2.28049 =
    // 0.42692, half-width 1.95996 / 2.28049 × √(0.074074 + 0.10672) = 0.36542.
    let click_through = control.metric(Metric::ClickThroughRate).estimate.unwrap();
    assert_close(click_through.value, 1.0 / 3.0);
    let interval = click_through.interval.unwrap();
    assert_close(interval.low, 0.061_49);
    assert_close(interval.high, 0.792_34);

    // Attributed revenue per exposure: visitors (y, x) = (20, 2), (0, 1), (0, 1):
    // r = 20 / 4 = 5. var_x = 1/3, var_y = 400/3, cov = 20/3;
    // spread = 400/3 − 2·5·20/3 + 25/3 = 75; se = √(75/3) / (4/3) = 3.75.
    let per_exposure = control
        .metric(Metric::AttributedRevenuePerExposure)
        .estimate
        .unwrap();
    assert_close(per_exposure.value, 5.0);
    assert_close(per_exposure.standard_error.unwrap(), 3.75);
    assert_close(per_exposure.interval.unwrap().high, 5.0 + 1.959_964 * 3.75);
    assert_eq!(per_exposure.denominator, 4);

    // Revenue per visitor: 50, 0, 0 → mean 50/3, s² = 2500/3, se = √(2500/9) = 50/3.
    let revenue = control.metric(Metric::RevenuePerVisitor).estimate.unwrap();
    assert_close(revenue.value, 50.0 / 3.0);
    assert_close(revenue.standard_error.unwrap(), 50.0 / 3.0);

    let conversion = control.metric(Metric::ConversionRate).estimate.unwrap();
    assert_close(conversion.value, 1.0 / 3.0);
    assert_eq!(conversion.denominator, 3);

    // The holdout has no impressions: no rate, and no comparison against it.
    let holdout = variant(exp, "holdout");
    assert_eq!(holdout.metric(Metric::ClickThroughRate).estimate, None);
    assert_eq!(control.metric(Metric::ClickThroughRate).comparison, None);
    assert_eq!(holdout.metric(Metric::RevenuePerVisitor).comparison, None);
}

#[test]
fn lifts_against_the_holdout_match_hand_computed_values() {
    let report = report_of(&fixture_events(), ReportOptions::default());
    let exp = experiment(&report, Some("exp"));

    // Revenue per visitor, control 50/3 (se 50/3) against holdout 30 (60, 0: se 30):
    // difference −13.333, lift 50/90 − 1 = −0.4444; z = −13.333 / √(277.78 + 900)
    // = −0.38851, p = 0.69764.
    let control = variant(exp, "control");
    let revenue = control
        .metric(Metric::RevenuePerVisitor)
        .comparison
        .unwrap();
    assert_close(revenue.difference, -40.0 / 3.0);
    assert_close(revenue.lift.unwrap().relative, -4.0 / 9.0);
    assert_close(revenue.p_value, 0.697_64);

    // Conversion, compact 2/2 against holdout 1/2: pooled 3/4, se √(3/16) = 0.43301,
    // z = 1.1547, p = 0.24821; lift +100%.
    let compact = variant(exp, "compact");
    let conversion = compact.metric(Metric::ConversionRate).comparison.unwrap();
    assert_close(conversion.difference, 0.5);
    assert_close(conversion.lift.unwrap().relative, 1.0);
    assert_close(conversion.p_value, 0.248_21);

    // Attributed revenue per exposure: the holdout's is 0, so there is a difference
    // and a p-value (z = 5 / 3.75) but no lift.
    let attributed = control
        .metric(Metric::AttributedRevenuePerExposure)
        .comparison
        .unwrap();
    assert_close(attributed.difference, 5.0);
    assert_eq!(attributed.lift, None);
    assert_close(attributed.p_value, 0.182_39);
}

#[test]
fn options_choose_the_baseline_and_the_currency() {
    let events = fixture_events();
    let report = report_of(
        &events,
        ReportOptions {
            baseline: Some("control".into()),
            currency: Some("USD".into()),
        },
    );
    let exp = experiment(&report, Some("exp"));
    assert_eq!(exp.baseline.as_deref(), Some("control"));
    // Click-through compact 1/3 against control 1/3: no difference at all.
    let click_through = variant(exp, "compact")
        .metric(Metric::ClickThroughRate)
        .comparison
        .unwrap();
    assert_close(click_through.difference, 0.0);
    assert_close(click_through.p_value, 1.0);
    // In USD only o4 (v4, compact) counts; the 6 EUR orders are "other".
    assert_eq!(report.currency.as_deref(), Some("USD"));
    assert_close(variant(exp, "compact").revenue, 100.0);
    assert_eq!(report.counts.purchases_in_other_currencies, 6);
    // An unknown baseline falls back to the default rule.
    let report = report_of(
        &events,
        ReportOptions {
            baseline: Some("nope".into()),
            currency: None,
        },
    );
    assert_eq!(
        experiment(&report, Some("exp")).baseline.as_deref(),
        Some("holdout")
    );
}

#[test]
fn incomplete_events_are_refused_with_a_reason() {
    let mut aggregator = EventAggregator::new(ReportOptions::default());
    let good = view_event(EventKind::Click, 1, "v", "pv", "L", Some(("e", "a")));
    let mut cases = Vec::new();
    let mut event = good;
    event.page_view_id = None;
    cases.push((event, "missing page_view_id"));
    let mut event = good;
    event.list_id = Some("");
    cases.push((event, "missing list_id"));
    let mut event = good;
    event.variant = None;
    cases.push((event, "experiment without variant"));
    let mut event = good;
    event.experiment = None;
    cases.push((event, "variant without experiment"));
    let mut event = good;
    event.visitor_id = "";
    cases.push((event, "empty visitor_id"));
    let exposure = view_event(EventKind::Exposure, 1, "v", "pv", "L", None);
    cases.push((exposure, "exposure outside an experiment"));
    let mut no_order = purchase(1, "v", "o", "EUR", 1.0, 0.0);
    no_order.order_id = None;
    cases.push((no_order, "missing order_id"));
    let mut no_value = purchase(1, "v", "o", "EUR", 1.0, 0.0);
    no_value.value = None;
    cases.push((no_value, "purchase without value"));
    let negative = purchase(1, "v", "o", "EUR", -1.0, 0.0);
    cases.push((negative, "negative or non-finite amount"));
    for (event, reason) in cases {
        assert_eq!(aggregator.add(&event).unwrap_err().reason, reason);
    }
    aggregator.add(&good).unwrap();
    let report = aggregator.finish();
    assert_eq!(report.counts.used, 1);
}

#[test]
fn no_events_make_an_empty_report() {
    let report = EventAggregator::new(ReportOptions::default()).finish();
    assert!(report.experiments.is_empty());
    assert_eq!(report.currency, None);
}
