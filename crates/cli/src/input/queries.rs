//! Reads `alsobought recommend`'s batch input: JSON lines `{"query": ["id", ...]}`,
//! other keys ignored, so the output can follow the input line for line.

use std::io::BufRead;

use anyhow::Context;
use serde::Deserialize;

/// One query of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// 1-based line number in the input.
    pub line: u64,
    /// The product ids in context (a product page: one; a cart: several).
    pub ids: Vec<String>,
}

/// The part of a query line the tool reads.
#[derive(Deserialize)]
struct QueryLine {
    query: Vec<String>,
}

/// Iterates over the queries of a JSON lines input; blank lines are not queries.
pub struct QueryReader<R> {
    lines: R,
    source: String,
    line: u64,
    buffer: String,
}

impl<R: BufRead> QueryReader<R> {
    /// Reads queries from `lines`, calling the input `source` in messages.
    pub fn new(lines: R, source: &str) -> Self {
        QueryReader {
            lines,
            source: source.to_owned(),
            line: 0,
            buffer: String::new(),
        }
    }
}

impl<R: BufRead> Iterator for QueryReader<R> {
    type Item = anyhow::Result<Query>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            self.line += 1;
            let read = self
                .lines
                .read_line(&mut self.buffer)
                .with_context(|| format!("cannot read {} at line {}", self.source, self.line));
            match read {
                Err(error) => return Some(Err(error)),
                Ok(0) => return None,
                Ok(_) if self.buffer.trim().is_empty() => continue,
                Ok(_) => {}
            }
            let parsed = serde_json::from_str::<QueryLine>(self.buffer.trim_end())
                .with_context(|| {
                    format!(
                        "{}:{}: not a query line (expected {{\"query\": [\"id\", ...]}})",
                        self.source, self.line
                    )
                })
                .map(|parsed| Query {
                    line: self.line,
                    ids: parsed.query,
                });
            return Some(parsed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<anyhow::Result<Query>> {
        QueryReader::new(text.as_bytes(), "q.jsonl").collect()
    }

    #[test]
    fn other_keys_are_ignored_and_blank_lines_skipped() {
        let queries = read("{\"query\": [\"a\", \"b\"], \"user\": 7}\n\n{\"query\": []}\r\n");
        let queries: Vec<Query> = queries.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            queries,
            [
                Query {
                    line: 1,
                    ids: vec!["a".into(), "b".into()]
                },
                Query {
                    line: 3,
                    ids: vec![]
                }
            ]
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let queries = read("{\"query\": [\"a\"]}\n{\"query\": \"a\"}\n{\"items\": []}\nnot json\n");
        assert!(queries[0].is_ok());
        for (error, line) in queries[1..].iter().zip(2..) {
            let message = format!("{:#}", error.as_ref().unwrap_err());
            assert!(
                message.starts_with(&format!("q.jsonl:{line}: not a query line")),
                "{message}"
            );
        }
    }
}
