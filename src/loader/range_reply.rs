//! What an HTTP reply to a `Range: bytes=a-b` request means, on plain values.
//!
//! Static file servers, CDNs and proxies answer Range requests in several ways; each
//! is handled here by name (the PMTiles reader's approach) so the fetch code stays a
//! thin wrapper and every case is tested natively:
//!
//! - `206` with `Content-Range: bytes a-b/total` — the normal case; a body shorter
//!   than asked is fine only when the file ends there;
//! - `200` with the whole file — the server ignores Range: keep the file and slice it;
//! - `416`, `404`/`410`, other statuses — named errors.

use core::ops::Range;

use super::load_error::FetchError;

/// The parts of an HTTP reply the range logic looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeReply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Range` header, if sent.
    pub content_range: Option<String>,
    /// The `ETag` header, if sent.
    pub etag: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// A reply understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeBody {
    /// The asked bytes (possibly fewer when the file ends first), starting at the
    /// asked start; `file_length` when the server said it.
    Part {
        /// The bytes.
        bytes: Vec<u8>,
        /// The total file length from `Content-Range`, when not `*`.
        file_length: Option<u64>,
    },
    /// The server ignored the Range header and sent the whole file.
    WholeFile(Vec<u8>),
}

/// Interprets `reply` to a request for `asked`.
pub fn interpret_reply(asked: Range<u64>, reply: RangeReply) -> Result<RangeBody, FetchError> {
    match reply.status {
        206 => {
            let header = reply.content_range.unwrap_or_default();
            let Some((first, last, file_length)) = parse_content_range(&header) else {
                return Err(FetchError::BadContentRange { header });
            };
            let got = reply.body.len() as u64;
            if first != asked.start || last < first || got != last - first + 1 {
                return Err(FetchError::BadContentRange { header });
            }
            let asked_length = asked.end - asked.start;
            let file_ends_here = file_length == Some(last + 1);
            if got < asked_length && !file_ends_here {
                return Err(FetchError::ShortBody {
                    start: asked.start,
                    asked: asked_length,
                    got,
                });
            }
            let mut bytes = reply.body;
            bytes.truncate(asked_length as usize);
            Ok(RangeBody::Part { bytes, file_length })
        }
        200 => Ok(RangeBody::WholeFile(reply.body)),
        416 => Err(FetchError::RangeNotSatisfiable {
            start: asked.start,
            end: asked.end,
        }),
        404 | 410 => Err(FetchError::NotFound {
            status: reply.status,
        }),
        status => Err(FetchError::Status { status }),
    }
}

/// `bytes 0-4095/123456` → `(0, 4095, Some(123456))`; `bytes 0-9/*` → `(0, 9, None)`.
pub fn parse_content_range(header: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = header.trim().strip_prefix("bytes")?.trim_start();
    let (span, total) = rest.split_once('/')?;
    let (first, last) = span.trim().split_once('-')?;
    let total = match total.trim() {
        "*" => None,
        total => Some(parse_count(total)?),
    };
    Some((parse_count(first)?, parse_count(last)?, total))
}

fn parse_count(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(
        text.bytes()
            .fold(0u64, |total, digit| total * 10 + u64::from(digit - b'0')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, content_range: Option<&str>, body_len: usize) -> RangeReply {
        RangeReply {
            status,
            content_range: content_range.map(str::to_string),
            etag: None,
            body: (0..body_len).map(|index| index as u8).collect(),
        }
    }

    #[test]
    fn a_206_for_the_asked_bytes_is_a_part_with_the_file_length() {
        let body = interpret_reply(0..10, reply(206, Some("bytes 0-9/500"), 10)).unwrap();
        assert_eq!(
            body,
            RangeBody::Part {
                bytes: (0..10).collect(),
                file_length: Some(500)
            }
        );
    }

    #[test]
    fn a_short_206_is_fine_when_the_file_ends_there() {
        let body = interpret_reply(0..4096, reply(206, Some("bytes 0-299/300"), 300)).unwrap();
        assert!(
            matches!(body, RangeBody::Part { ref bytes, file_length: Some(300) } if bytes.len() == 300)
        );
    }

    #[test]
    fn a_short_206_in_the_middle_of_the_file_is_truncation() {
        let error =
            interpret_reply(100..200, reply(206, Some("bytes 100-149/5000"), 50)).unwrap_err();
        assert_eq!(
            error,
            FetchError::ShortBody {
                start: 100,
                asked: 100,
                got: 50
            }
        );
    }

    #[test]
    fn a_body_shorter_than_its_content_range_is_truncation_not_data() {
        let error = interpret_reply(0..10, reply(206, Some("bytes 0-9/500"), 7)).unwrap_err();
        assert!(matches!(error, FetchError::BadContentRange { .. }));
    }

    #[test]
    fn a_206_for_other_bytes_or_without_content_range_is_refused() {
        assert!(matches!(
            interpret_reply(10..20, reply(206, Some("bytes 0-9/500"), 10)),
            Err(FetchError::BadContentRange { .. })
        ));
        assert!(matches!(
            interpret_reply(0..10, reply(206, None, 10)),
            Err(FetchError::BadContentRange { .. })
        ));
    }

    #[test]
    fn a_200_means_the_server_ignored_range_and_sent_everything() {
        assert_eq!(
            interpret_reply(0..10, reply(200, None, 40)).unwrap(),
            RangeBody::WholeFile((0..40).collect())
        );
    }

    #[test]
    fn error_statuses_are_named() {
        assert_eq!(
            interpret_reply(5000..6000, reply(416, None, 0)),
            Err(FetchError::RangeNotSatisfiable {
                start: 5000,
                end: 6000
            })
        );
        assert_eq!(
            interpret_reply(0..10, reply(404, None, 0)),
            Err(FetchError::NotFound { status: 404 })
        );
        assert_eq!(
            interpret_reply(0..10, reply(503, None, 0)),
            Err(FetchError::Status { status: 503 })
        );
    }

    #[test]
    fn content_range_parsing_accepts_an_unknown_total_and_rejects_junk() {
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((0, 9, None)));
        assert_eq!(
            parse_content_range("bytes 4096-8191/8192"),
            Some((4096, 8191, Some(8192)))
        );
        assert_eq!(parse_content_range("bytes */8192"), None);
        assert_eq!(parse_content_range("items 0-9/10"), None);
        assert_eq!(parse_content_range(""), None);
    }
}
