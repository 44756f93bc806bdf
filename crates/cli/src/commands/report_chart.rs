//! `alsobought report --chart FILE.svg`: every metric of every variant as a bar with
//! its 95% interval as a whisker, one row of panels per experiment.
//!
//! A self-contained SVG (no script, no external font, stylesheet or image) so it can
//! be attached to a mail, dropped into a wiki or opened from disk; all text from the
//! events (experiment and variant names) is XML-escaped.

use std::io::Write;

use alsobought_analytics::{ExperimentReport, Metric, Report};
use alsobought_core::html;

const PANEL_WIDTH: f64 = 280.0;
const PANEL_HEIGHT: f64 = 230.0;
const EXPERIMENT_HEADING_HEIGHT: f64 = 34.0;
const MARGIN: f64 = 16.0;
/// Room left of the plot for the axis labels, and below it for the variant names.
const AXIS_LEFT: f64 = 52.0;
const AXIS_BOTTOM: f64 = 34.0;
const PLOT_TOP: f64 = 52.0;
/// Variant names longer than this are cut, so labels do not run into each other.
const LABEL_CHARS: usize = 12;

/// Bar colours of the variants in order; the holdout is always grey.
const PALETTE: [&str; 6] = [
    "#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb",
];
const HOLDOUT_COLOUR: &str = "#9aa0a6";

/// Writes the chart of every experiment in `report` (events outside experiments have
/// nothing to compare and are left out).
pub fn write_chart(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    let experiments: Vec<&ExperimentReport> = report
        .experiments
        .iter()
        .filter(|experiment| experiment.name.is_some())
        .collect();
    let width = MARGIN * 2.0 + PANEL_WIDTH * Metric::ALL.len() as f64;
    let height =
        MARGIN * 2.0 + (EXPERIMENT_HEADING_HEIGHT + PANEL_HEIGHT) * experiments.len().max(1) as f64;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12">"#
    )?;
    writeln!(
        out,
        r#"<title>alsobought report: metrics per variant with 95% confidence intervals</title>"#
    )?;
    writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    )?;
    if experiments.is_empty() {
        writeln!(
            out,
            r##"<text x="{MARGIN}" y="{}" fill="#202124">No experiment in the events: nothing to compare.</text>"##,
            MARGIN + 20.0
        )?;
    }
    let currency = report.currency.as_deref();
    for (row, experiment) in experiments.iter().enumerate() {
        let top = MARGIN + row as f64 * (EXPERIMENT_HEADING_HEIGHT + PANEL_HEIGHT);
        let name = experiment.name.as_deref().unwrap_or_default();
        let baseline = match &experiment.baseline {
            Some(baseline) => format!(" — baseline {baseline}"),
            None => String::new(),
        };
        writeln!(
            out,
            r##"<text x="{MARGIN}" y="{}" font-size="16" font-weight="600" fill="#202124">Experiment {}{}</text>"##,
            top + 22.0,
            escape(name),
            escape(&baseline)
        )?;
        for (column, metric) in Metric::ALL.into_iter().enumerate() {
            let left = MARGIN + column as f64 * PANEL_WIDTH;
            write_panel(
                out,
                experiment,
                metric,
                currency,
                left,
                top + EXPERIMENT_HEADING_HEIGHT,
            )?;
        }
    }
    writeln!(out, "</svg>")?;
    Ok(())
}

/// One metric of one experiment: axis, a bar and whisker per variant, labels.
fn write_panel(
    out: &mut impl Write,
    experiment: &ExperimentReport,
    metric: Metric,
    currency: Option<&str>,
    left: f64,
    top: f64,
) -> anyhow::Result<()> {
    let subtitle = match (metric.is_rate(), currency) {
        (false, Some(currency)) => format!("in {currency}; whiskers: 95% confidence interval"),
        _ => "whiskers: 95% confidence interval".to_owned(),
    };
    writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="13" font-weight="600" fill="#202124">{}</text>"##,
        left + 8.0,
        top + 16.0,
        escape(metric.label())
    )?;
    writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="10" fill="#5f6368">{}</text>"##,
        left + 8.0,
        top + 30.0,
        escape(&subtitle)
    )?;
    let plot_left = left + AXIS_LEFT;
    let plot_right = left + PANEL_WIDTH - 12.0;
    let plot_top = top + PLOT_TOP;
    let plot_bottom = top + PANEL_HEIGHT - AXIS_BOTTOM;

    let values: Vec<(f64, Option<(f64, f64)>)> = experiment
        .variants
        .iter()
        .map(|variant| {
            variant
                .metric(metric)
                .estimate
                .map_or((0.0, None), |estimate| {
                    (
                        estimate.value,
                        estimate
                            .interval
                            .map(|interval| (interval.low, interval.high)),
                    )
                })
        })
        .collect();
    let largest = values
        .iter()
        .map(|(value, interval)| interval.map_or(*value, |(_, high)| high.max(*value)))
        .fold(0.0_f64, f64::max);
    let scale_top = if largest > 0.0 { largest * 1.1 } else { 1.0 };
    let y_of = |value: f64| {
        plot_bottom - (value.clamp(0.0, scale_top) / scale_top) * (plot_bottom - plot_top)
    };

    // Axis: three gridlines with their values.
    for step in 0..=2 {
        let value = scale_top * f64::from(step) / 2.0;
        let y = y_of(value);
        writeln!(
            out,
            r##"<line x1="{plot_left}" y1="{y:.1}" x2="{plot_right}" y2="{y:.1}" stroke="#e0e0e0"/>"##
        )?;
        writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#5f6368" font-size="10">{}</text>"##,
            plot_left - 4.0,
            y + 3.0,
            axis_label(metric, value)
        )?;
    }

    let slot = (plot_right - plot_left) / experiment.variants.len().max(1) as f64;
    let bar_width = (slot * 0.6).min(48.0);
    for (index, (variant, (value, interval))) in experiment.variants.iter().zip(&values).enumerate()
    {
        let centre = plot_left + slot * (index as f64 + 0.5);
        let colour = if variant.holdout {
            HOLDOUT_COLOUR
        } else {
            PALETTE[index % PALETTE.len()]
        };
        let name = variant.name.as_deref().unwrap_or("-");
        let has_estimate = variant.metric(metric).estimate.is_some();
        if has_estimate {
            let y = y_of(*value);
            writeln!(
                out,
                r#"<rect x="{:.1}" y="{y:.1}" width="{bar_width:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
                centre - bar_width / 2.0,
                (plot_bottom - y).max(0.0),
                escape(name),
                value_label(metric, *value)
            )?;
            if let Some((low, high)) = interval {
                let (y_low, y_high) = (y_of(*low), y_of(*high));
                let cap = bar_width / 4.0;
                writeln!(
                    out,
                    r##"<path d="M{centre:.1} {y_low:.1}V{y_high:.1}M{:.1} {y_low:.1}H{:.1}M{:.1} {y_high:.1}H{:.1}" stroke="#202124" stroke-width="1.5" fill="none"/>"##,
                    centre - cap,
                    centre + cap,
                    centre - cap,
                    centre + cap
                )?;
            }
            writeln!(
                out,
                r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" fill="#202124" font-size="10">{}</text>"##,
                interval.map_or(y_of(*value), |(_, high)| y_of(high)) - 5.0,
                value_label(metric, *value)
            )?;
        } else {
            writeln!(
                out,
                r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" fill="#9aa0a6" font-size="10">n/a</text>"##,
                plot_bottom - 5.0
            )?;
        }
        writeln!(
            out,
            r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" fill="#3c4043">{}</text>"##,
            plot_bottom + 16.0,
            escape(&shorten(name))
        )?;
    }
    writeln!(
        out,
        r##"<line x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" stroke="#5f6368"/>"##
    )?;
    Ok(())
}

fn value_label(metric: Metric, value: f64) -> String {
    if metric.is_rate() {
        format!("{:.2}%", value * 100.0)
    } else if value != 0.0 && value.abs() < 1.0 {
        format!("{value:.4}")
    } else {
        format!("{value:.2}")
    }
}

fn axis_label(metric: Metric, value: f64) -> String {
    if metric.is_rate() {
        format!("{:.1}%", value * 100.0)
    } else if value != 0.0 && value.abs() < 1.0 {
        format!("{value:.3}")
    } else {
        format!("{value:.1}")
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    }
}

/// Escapes text for SVG (XML) element content and attribute values: the HTML escaping
/// the email fragments use (its character references are XML too), after replacing
/// the control characters XML 1.0 does not allow at all.
fn escape(text: &str) -> String {
    let allowed: String = text
        .chars()
        .map(|character| match character {
            control if control.is_control() && !matches!(control, '\t' | '\n') => '\u{fffd}',
            other => other,
        })
        .collect();
    html::escape(&allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_names_cut() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\u{fffd}"
        );
        assert_eq!(shorten("control"), "control");
        assert_eq!(shorten("a-very-long-variant"), "a-very-long…");
    }
}
