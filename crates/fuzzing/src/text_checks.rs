//! The rules every reader of a text file (orders, catalog, events) keeps whatever the
//! bytes: a refusal says which file, and for a bad row under `--strict`, which line;
//! every skipped row is kept with a line of the file and a reason.

use alsobought_cli::input::skips::SkipReport;

/// Lines in `file` as an editor counts them: ended by `\n`, `\r\n` or a lone `\r`
/// (the readers take all three), and a last line without an ending counts.
fn line_count(file: &[u8]) -> u64 {
    let lone_returns = file
        .windows(2)
        .filter(|pair| pair[0] == b'\r' && pair[1] != b'\n')
        .count()
        + usize::from(file.last() == Some(&b'\r'));
    (file.iter().filter(|&&byte| byte == b'\n').count() + lone_returns) as u64 + 1
}

/// An error (`{:#}` of the reader's `anyhow::Error`) names the file; a bad row that
/// stopped a `--strict` read is `<file>:<line>:` with a line of the file.
pub(crate) fn check_error(message: &str, source: &str, file: &[u8]) {
    assert!(
        message.contains(source),
        "an error that does not name {source}: {message}"
    );
    if message.contains("stopping because of --strict") {
        let line = message
            .strip_prefix(source)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split_once(':'))
            .and_then(|(line, _)| line.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("a --strict error without its line: {message}"));
        assert!(
            (1..=line_count(file)).contains(&line),
            "line {line} is not in the file: {message}"
        );
    }
}

/// Every example of a skipped row is on a line of the file, with a reason and details.
pub(crate) fn check_skips(skips: &SkipReport, file: &[u8]) {
    let lines = line_count(file);
    for example in &skips.examples {
        assert!(
            (1..=lines).contains(&example.line),
            "skipped line {} of {lines}",
            example.line
        );
        assert!(!example.problem.reason.is_empty() && !example.problem.detail.is_empty());
        let field = example.problem.field.as_deref();
        assert!(
            field != Some(""),
            "a problem in a field without a name: {example:?}"
        );
    }
    let shown = skips.examples.len() as u64;
    assert!(
        shown <= skips.skipped_total(),
        "more examples than skipped rows"
    );
}
