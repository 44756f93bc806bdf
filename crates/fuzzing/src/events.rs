//! `events`: the two readers of the widget's events. Fuzzer bytes are a beacon body
//! for `alsobought collect` (which must either refuse it with a reason or store JSON
//! lines that `alsobought report` reads back, one event each), and an events file for
//! `alsobought report` (strict or not), whose every line is counted or skipped with
//! its line number.

use alsobought_analytics::ReportOptions;
use alsobought_cli::commands::collect::events::beacon_lines;
use alsobought_cli::commands::report::read_events;

use crate::text_checks::{check_error, check_skips};

const SOURCE: &str = "events.jsonl";

/// The `events` target: byte 0 bit 0 makes the report strict; the rest is both a
/// beacon body and an events file.
pub fn events(data: &[u8]) {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    match beacon_lines(body, 1_767_000_000_000) {
        Ok(lines) => {
            let count = lines.iter().filter(|&&byte| byte == b'\n').count();
            for line in lines.split(|&byte| byte == b'\n').take(count) {
                let event: serde_json::Value =
                    serde_json::from_slice(line).unwrap_or_else(|error| {
                        panic!("collect stored a line that is not JSON: {error}")
                    });
                assert!(
                    event.get("type").is_some_and(|kind| kind.is_string()),
                    "{event}"
                );
                assert!(event.get("received_at").is_some(), "{event}");
            }
            report(&lines, false);
        }
        Err(reason) => assert!(!reason.is_empty(), "a refusal without a reason"),
    }
    report(body, choice & 1 != 0);
}

fn report(file: &[u8], strict: bool) {
    match read_events(file, SOURCE, ReportOptions::default(), strict) {
        Ok(read) => {
            check_skips(&read.skips, file);
            assert!(
                !strict || read.skips.skipped_total() == 0,
                "--strict skipped lines"
            );
            assert!(
                read.skips.skipped_total() <= read.lines,
                "more skipped than lines"
            );
            // Each line is blank, skipped, or one event counted once.
            let counts = &read.report.counts;
            let events = counts.used + counts.forced + counts.duplicate_orders;
            assert!(
                events + read.skips.skipped_total() <= read.lines,
                "{counts:?} from {} lines",
                read.lines
            );
        }
        Err(error) => check_error(&format!("{error:#}"), SOURCE, file),
    }
}
