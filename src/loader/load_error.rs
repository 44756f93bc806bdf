//! Everything that can stop a widget from showing suggestions, each with the evidence
//! and the fix, in the one console line a store developer reads:
//! `alsobought: <what> (<url>): <why>; <fix>`.

use alsobought_core::TableError;

use crate::json_text::push_integer;

/// A failure while fetching bytes of the table. `Clone` because one fetch is shared
/// by every widget on the page that asked for the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// 404 or 410: nothing at the URL.
    NotFound {
        /// The status the server sent.
        status: u16,
    },
    /// 416: the server says the asked range is past the end of the file.
    RangeNotSatisfiable {
        /// The range asked for.
        start: u64,
        /// Its exclusive end.
        end: u64,
    },
    /// Any other status that is not a success.
    Status {
        /// The status the server sent.
        status: u16,
    },
    /// The request failed without a response (offline, DNS, CORS, blocked by CSP).
    Network {
        /// What the browser said.
        reason: String,
    },
    /// No complete answer within the timeout.
    Timeout {
        /// The timeout in milliseconds.
        milliseconds: u32,
    },
    /// The server sent fewer bytes than asked for and the file does not end there.
    ShortBody {
        /// First byte asked for.
        start: u64,
        /// Bytes asked for.
        asked: u64,
        /// Bytes received.
        got: u64,
    },
    /// A 206 whose `Content-Range` is missing, unreadable or for other bytes.
    BadContentRange {
        /// The header as sent (empty when missing).
        header: String,
    },
    /// The file changed on the server between two requests (a new `ETag`).
    Changed,
    /// A reply of more than [`super::table_cache::MAX_READ_LEN`] bytes: left in the
    /// browser, since copying megabytes into the widget stalls the page.
    TooLarge {
        /// Its length.
        bytes: u64,
    },
}

/// Why a widget shows nothing. Logged once per widget, and sent as `alsobought:error`.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// The bytes could not be fetched.
    Fetch(FetchError),
    /// The bytes are not a table this widget can read.
    Table(TableError),
    /// The server's idea of the file's length disagrees with the table header's.
    LengthMismatch {
        /// `file_length` from the header.
        header_says: u64,
        /// The length the server reported (`Content-Range` total or the 200 body).
        server_says: u64,
    },
    /// None of the products in context is in the table.
    UnknownProducts {
        /// The ids that were looked up.
        ids: Vec<String>,
    },
}

impl From<FetchError> for LoadError {
    fn from(error: FetchError) -> Self {
        LoadError::Fetch(error)
    }
}

impl From<TableError> for LoadError {
    fn from(error: TableError) -> Self {
        LoadError::Table(error)
    }
}

impl LoadError {
    /// The one console line: `alsobought: <what> (<url>): <why>; <fix>`.
    pub fn console_message(&self, url: &str) -> String {
        let what = match self {
            LoadError::UnknownProducts { .. } => "no suggestions for this page",
            _ => "cannot use the recommendation table",
        };
        let mut message = String::from("alsobought: ");
        message.push_str(what);
        message.push_str(" (");
        message.push_str(url);
        message.push_str("): ");
        self.push_why(&mut message);
        if let Some(fix) = self.fix() {
            message.push_str("; ");
            message.push_str(fix);
        }
        message
    }

    /// Appends the evidence, what happened with the numbers, to `out`. Written
    /// piece by piece into the one message: no text of its own per number or list.
    pub fn push_why(&self, out: &mut String) {
        match self {
            LoadError::Fetch(error) => push_fetch_why(error, out),
            // The core's messages already end in their fix.
            LoadError::Table(error) => out.push_str(&error.to_string()),
            LoadError::LengthMismatch {
                header_says,
                server_says,
            } => {
                out.push_str("the server has ");
                push_integer(out, *server_says);
                out.push_str(" bytes but the table header says ");
                push_integer(out, *header_says);
            }
            LoadError::UnknownProducts { ids } => {
                out.push_str("none of the products in context is in the table: ");
                for (position, id) in ids.iter().enumerate() {
                    if position > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(id);
                }
            }
        }
    }

    /// How to fix it, when the why does not already say.
    pub fn fix(&self) -> Option<&'static str> {
        Some(match self {
            LoadError::Fetch(FetchError::NotFound { .. }) => {
                "check that data-table points at the uploaded .table file"
            }
            LoadError::Fetch(FetchError::RangeNotSatisfiable { .. })
            | LoadError::Fetch(FetchError::ShortBody { .. })
            | LoadError::LengthMismatch { .. } => {
                "the file on the server is truncated or was replaced mid-upload: upload the table again"
            }
            LoadError::Fetch(FetchError::Status { .. }) => "check the server's log for this URL",
            LoadError::Fetch(FetchError::Network { .. }) => {
                "check the URL, and that the table is served from this site or with CORS allowing Range"
            }
            LoadError::Fetch(FetchError::Timeout { .. }) => {
                "check that the server answers Range requests quickly, or raise data-timeout"
            }
            LoadError::Fetch(FetchError::BadContentRange { .. }) => {
                "the server or a proxy mangles Range requests: serve the file as plain static bytes"
            }
            LoadError::Fetch(FetchError::Changed) => {
                "the table changed twice while loading: serve one version at a time"
            }
            LoadError::Table(_) | LoadError::Fetch(FetchError::TooLarge { .. }) => return None,
            LoadError::UnknownProducts { .. } => {
                "check data-product / data-cart, or rebuild the table with the current catalog"
            }
        })
    }
}

fn push_fetch_why(error: &FetchError, out: &mut String) {
    match error {
        FetchError::NotFound { status } => {
            out.push_str("the server answered ");
            push_integer(out, u64::from(*status));
            out.push_str(" (not found)");
        }
        FetchError::RangeNotSatisfiable { start, end } => {
            out.push_str("the server answered 416 for bytes ");
            push_integer(out, *start);
            out.push('-');
            push_integer(out, end.saturating_sub(1));
            out.push_str(" (the file is shorter than its header says)");
        }
        FetchError::Status { status } => {
            out.push_str("the server answered ");
            push_integer(out, u64::from(*status));
        }
        FetchError::Network { reason } => {
            out.push_str("the request failed: ");
            out.push_str(reason);
        }
        FetchError::Timeout { milliseconds } => {
            out.push_str("no answer within ");
            push_integer(out, u64::from(*milliseconds));
            out.push_str(" ms");
        }
        FetchError::ShortBody { start, asked, got } => {
            out.push_str("asked for ");
            push_integer(out, *asked);
            out.push_str(" bytes at byte ");
            push_integer(out, *start);
            out.push_str(" but got ");
            push_integer(out, *got);
        }
        FetchError::BadContentRange { header } => {
            out.push_str("the server's 206 reply has Content-Range \"");
            out.push_str(header);
            out.push('"');
        }
        FetchError::Changed => {
            out.push_str("the file changed on the server (new ETag) while loading, twice")
        }
        FetchError::TooLarge { bytes } => {
            out.push_str("a part of ");
            push_integer(out, *bytes);
            out.push_str(" bytes, over the 1 MiB limit; rebuild the table");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_table_says_what_where_why_and_how_to_fix() {
        let message =
            LoadError::Fetch(FetchError::NotFound { status: 404 }).console_message("/t.table");
        assert_eq!(
            message,
            "alsobought: cannot use the recommendation table (/t.table): the server answered 404 (not found); \
             check that data-table points at the uploaded .table file"
        );
    }

    #[test]
    fn table_errors_carry_the_cores_evidence_and_fix() {
        let error = LoadError::Table(TableError::UnsupportedVersion { found: 9, max: 1 });
        let message = error.console_message("/t.table");
        assert!(message.starts_with("alsobought: cannot use the recommendation table (/t.table): "));
        assert!(message.contains("version 9"), "{message}");
        assert!(message.contains("update alsobought"), "{message}");
    }

    #[test]
    fn an_oversized_part_says_its_size_and_the_fix() {
        let message =
            LoadError::Fetch(FetchError::TooLarge { bytes: 20_977_781 }).console_message("/store/");
        assert!(
            message.contains("a part of 20977781 bytes, over the 1 MiB limit"),
            "{message}"
        );
        assert!(message.ends_with("; rebuild the table"), "{message}");
    }

    #[test]
    fn unknown_products_name_the_ids() {
        let error = LoadError::UnknownProducts {
            ids: vec!["A".into(), "B".into()],
        };
        assert!(error
            .console_message("/t")
            .contains("in the table: A, B; check data-product"));
    }
}
