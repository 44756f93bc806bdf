//! `build`'s choice of scoring: tuned on the store's held-out orders, fixed by the
//! scoring flags, or the default when tuning is off or cannot run — and the summary
//! lines that say which, with the held-out figures beside the baselines.

use std::time::{Duration, Instant};

use alsobought_mining::tuning::{
    tune, HeldOutFigures, Scoring, TuningReport, BUILD_SPLIT_SEED, HELD_OUT_SHARE,
};
use alsobought_mining::{Catalog, Orders};

use crate::commands::mining_args::MiningArgs;
use crate::progress::Progress;
use crate::report::{bytes, thousands};

/// The share of `--max-memory` the orders' copy for tuning may take: the basket
/// collector keeps the rest, so tuning never breaks the build's memory bound.
pub const COPY_SHARE_OF_BUDGET: usize = 4;

/// How the build's scoring was decided.
pub enum ScoringChoice {
    /// Chosen on held-out orders.
    Tuned {
        report: Box<TuningReport>,
        took: Duration,
    },
    /// Not tuned, for the reason given (a flag, or why tuning could not run).
    Untuned { scoring: Scoring, because: String },
}

impl ScoringChoice {
    /// Decides the scoring: the flags' when they fix it, else tuned on `orders` (the
    /// copy read beside the collector; `None` when it outgrew `copy_limit` bytes),
    /// among the basket-weighted measures too when `baskets_in_memory` (the final
    /// table is then counted from the baskets, which carry the order sizes).
    pub fn decide(
        flags: &MiningArgs,
        orders: Option<&Orders>,
        catalog: Option<&Catalog>,
        copy_limit: usize,
        baskets_in_memory: bool,
        quiet: bool,
    ) -> ScoringChoice {
        let untuned = |because: String| ScoringChoice::Untuned {
            scoring: flags.untuned_scoring(),
            because,
        };
        if let Some(flag) = flags.untuned_because() {
            return untuned(format!("set by {flag}"));
        }
        let Some(orders) = orders else {
            return untuned(format!(
                "not tuned: the orders outgrew the {} a tuning copy may take (a quarter of \
                 --max-memory); `alsobought evaluate` on a sample shows which scoring suits them",
                bytes(copy_limit as u64)
            ));
        };
        let started = Instant::now();
        let report = {
            let _progress = Progress::step(quiet, "choosing the scoring on held-out orders");
            tune(orders, catalog, BUILD_SPLIT_SEED, baskets_in_memory)
        };
        match report {
            Some(report) => ScoringChoice::Tuned {
                report: Box::new(report),
                took: started.elapsed(),
            },
            None => untuned(format!(
                "not tuned: no held-out order ({:.0} % by order-id hash) has two products",
                100.0 * HELD_OUT_SHARE
            )),
        }
    }

    /// What the final table is mined and scored with.
    pub fn scoring(&self) -> Scoring {
        match self {
            ScoringChoice::Tuned { report, .. } => report.winner,
            ScoringChoice::Untuned { scoring, .. } => *scoring,
        }
    }

    /// The summary's `scoring` and `held out` lines.
    pub fn summary_lines(&self) -> Vec<(&'static str, String)> {
        match self {
            ScoringChoice::Untuned { scoring, because } => {
                vec![("scoring", format!("{} ({because})", scoring.name()))]
            }
            ScoringChoice::Tuned { report, took } => {
                let verdict = if report.beats_baselines {
                    ""
                } else {
                    "; no candidate reached both baselines on both: best by the objective"
                };
                vec![
                    (
                        "scoring",
                        format!(
                            "tuned: {} (best of {} candidates on {} held-out baskets, \
                             {} orders mined; {:.2} s{verdict})",
                            report.winner.name(),
                            report.candidates,
                            thousands(report.test_baskets),
                            thousands(report.training_orders),
                            took.as_secs_f64()
                        ),
                    ),
                    (
                        "held out",
                        format!(
                            "HitRate@5 product page / cart: tuned {}, popularity {}, \
                             raw co-occurrence {} (on the baskets the choice was made on, \
                             which flatters it; `alsobought evaluate` measures it apart)",
                            page_and_cart(&report.winner_figures),
                            page_and_cart(&report.popularity),
                            page_and_cart(&report.co_occurrence)
                        ),
                    ),
                ]
            }
        }
    }
}

/// `63.3 % / 21.6 %`.
fn page_and_cart(figures: &HeldOutFigures) -> String {
    format!(
        "{:.1} % / {:.1} %",
        100.0 * figures.page_hit_rate_at_5(),
        100.0 * figures.cart_hit_rate_at_5()
    )
}
