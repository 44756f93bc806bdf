//! One in-memory cache per page of the table bytes the widgets fetched, separate
//! from the byte *source* that fetches them (the PMTiles reader's split).
//!
//! Keyed by URL + byte range, and holding requests still in flight, so several widgets
//! on one page that ask for the same prefix share one request. Server quirks are
//! handled here once for everyone: a server that ignores Range sends the whole file,
//! which is then kept and sliced for every later range; a changed `ETag` between two
//! replies means the file was replaced mid-load and is reported as
//! [`FetchError::Changed`] so the loader can start again from scratch.

use core::cell::RefCell;
use core::ops::{Deref, Range};
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture};

use super::load_error::FetchError;
use super::range_reply::{interpret_reply, RangeBody, RangeReply};
use super::shared_fetch::SharedFetch;

/// Fetches byte ranges of a URL: the browser's `fetch` in the widget, memory in tests.
pub trait RangeSource {
    /// Requests `range` of `url` with a `Range` header ([`WHOLE_FILE`]: a plain GET),
    /// failing after `timeout_ms`; `fresh` asks past the browser's HTTP cache (after
    /// a table was replaced while a page read it).
    fn fetch(
        &self,
        url: &str,
        range: Range<u64>,
        timeout_ms: u32,
        fresh: bool,
    ) -> LocalBoxFuture<'static, Result<RangeReply, FetchError>>;
}

/// The range that reads a whole file with a plain GET: the directory layout's files,
/// which any static host serves (and any HTTP cache keeps).
pub const WHOLE_FILE: Range<u64> = 0..u64::MAX;

/// The most bytes one read may bring, but for a server that ignores Range and sends
/// the whole table: a bundle span is a few kilobytes (a million-product table's are
/// under 4 KB; 255 neighbours with long cards stay far below this), and so are a
/// directory's entry and shards (`--shard-bytes`, 6 KiB by default). A megabyte is a
/// broken or hostile table, whose copy into the wasm and checksum would be a long task
/// and memory the page never gets back.
pub const MAX_READ_LEN: u32 = 1024 * 1024;

/// Bytes of the table shared without copying: a window on a fetched buffer.
#[derive(Clone, Debug)]
pub struct TableBytes {
    // An `Rc<Vec>` rather than `Rc<[u8]>`: converting the fetched `Vec` into an
    // `Rc<[u8]>` copies it, which for a shard of megabytes is a long task and twice
    // the wasm memory (that never shrinks).
    buffer: Rc<Vec<u8>>,
    window: Range<usize>,
}

impl TableBytes {
    /// Wraps a whole buffer.
    pub fn new(bytes: Vec<u8>) -> Self {
        let window = 0..bytes.len();
        TableBytes {
            buffer: Rc::new(bytes),
            window,
        }
    }

    /// The first `length` bytes (all of them when there are fewer).
    pub fn prefix(&self, length: usize) -> Self {
        self.slice(0..length)
    }

    /// Bytes `range` of these (cut at their end).
    pub fn slice(&self, range: Range<usize>) -> Self {
        let end = self.window.start + range.end.min(self.window.len());
        let start = (self.window.start + range.start).min(end);
        TableBytes {
            buffer: Rc::clone(&self.buffer),
            window: start..end,
        }
    }
}

impl Deref for TableBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buffer[self.window.clone()]
    }
}

/// Bytes read at a range, and what the server said about the file's length.
#[derive(Clone, Debug)]
pub struct ReadBytes {
    /// The bytes; fewer than asked only when the file ends first.
    pub bytes: TableBytes,
    /// The file length reported by the server, if it did.
    pub file_length: Option<u64>,
}

/// One fetch as every waiting widget sees it.
#[derive(Debug)]
struct Fetched {
    bytes: TableBytes,
    file_length: Option<u64>,
    whole_file: bool,
    etag: Option<String>,
}

type OneFetch = SharedFetch<Result<Rc<Fetched>, FetchError>>;

/// What is known about one URL.
#[derive(Default)]
struct UrlState {
    /// The whole file, once a server ignored Range.
    whole_file: Option<TableBytes>,
    /// The `ETag` of the first reply; later replies must match it.
    etag: Option<Option<String>>,
    /// Fetches by range, finished or in flight.
    fetches: Vec<(Range<u64>, OneFetch)>,
    /// Ask past the HTTP cache: the URL was forgotten because its file changed.
    fresh: bool,
    /// Bytes received so far, by start offset: a later range inside one of them
    /// (a leaf directory inside the first 4 KiB) needs no request.
    received: Vec<(u64, ReadBytes)>,
}

/// The per-page cache over a [`RangeSource`].
pub struct TableCache<S> {
    source: S,
    urls: RefCell<Vec<(String, UrlState)>>,
}

impl<S: RangeSource> TableCache<S> {
    /// An empty cache reading through `source`.
    pub fn new(source: S) -> Self {
        TableCache {
            source,
            urls: RefCell::new(Vec::new()),
        }
    }

    /// Bytes `range` of `url`, fetched once per page.
    pub async fn read(
        &self,
        url: &str,
        range: Range<u64>,
        timeout_ms: u32,
    ) -> Result<ReadBytes, FetchError> {
        // One borrow of the URL's state before the fetch and one after it: each
        // `with_url` is a copy of the closure it runs.
        let known = self.with_url(url, |state| match &state.whole_file {
            Some(whole) => Some(slice_whole_file(whole, range.clone())),
            None => received_slice(&state.received, &range).map(Ok),
        });
        if let Some(known) = known {
            return known;
        }
        let fetch = self.fetch_shared(url, range.clone(), timeout_ms);
        let fetched = fetch.wait().await?;
        self.with_url(url, |state| {
            match &state.etag {
                None => state.etag = Some(fetched.etag.clone()),
                Some(first) if *first == fetched.etag => {}
                Some(_) => return Err(FetchError::Changed),
            }
            if fetched.whole_file {
                state.whole_file = Some(fetched.bytes.clone());
                return slice_whole_file(&fetched.bytes, range);
            }
            let read = ReadBytes {
                bytes: fetched.bytes.clone(),
                file_length: fetched.file_length,
            };
            state.received.push((range.start, read.clone()));
            Ok(read)
        })
    }

    /// The byte source behind the cache.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Drops everything known about `url`, so the next read starts from scratch and
    /// asks the server, not the browser's HTTP cache.
    pub fn forget(&self, url: &str) {
        self.with_url(url, |state| {
            *state = UrlState {
                fresh: true,
                ..UrlState::default()
            }
        });
    }

    /// A new page view (a single-page app's `mount`): the next read of each file's
    /// first bytes asks again (the browser's HTTP cache answers within the file's
    /// lifetime), so that a table rebuilt meanwhile shows as a new `ETag`
    /// ([`FetchError::Changed`]) and is loaded afresh, while the other bytes of a file
    /// whose `ETag` holds are used as they are. Failed reads are asked again too; a
    /// fetch still in flight finishes for the loads awaiting it, unshared.
    pub fn revalidate(&self) {
        for (_, state) in self.urls.borrow_mut().iter_mut() {
            state.whole_file = None;
            state.fetches.clear();
            // The first bytes are received once per page view: at most one entry.
            if let Some(head) = state.received.iter().position(|(start, _)| *start == 0) {
                state.received.swap_remove(head);
            }
        }
    }

    fn fetch_shared(&self, url: &str, range: Range<u64>, timeout_ms: u32) -> OneFetch {
        self.with_url(url, |state| {
            if let Some((_, fetch)) = state.fetches.iter().find(|(known, _)| *known == range) {
                return fetch.clone();
            }
            let reply = self
                .source
                .fetch(url, range.clone(), timeout_ms, state.fresh);
            let asked = range.clone();
            let fetch = async move {
                let reply = reply.await?;
                let etag = reply.etag.clone();
                let fetched = match interpret_reply(asked, reply)? {
                    RangeBody::Part { bytes, file_length } => Fetched {
                        bytes: TableBytes::new(bytes),
                        file_length,
                        whole_file: false,
                        etag,
                    },
                    RangeBody::WholeFile(bytes) => {
                        let file_length = Some(bytes.len() as u64);
                        Fetched {
                            bytes: TableBytes::new(bytes),
                            file_length,
                            whole_file: true,
                            etag,
                        }
                    }
                };
                Ok(Rc::new(fetched))
            }
            .boxed_local();
            let fetch = SharedFetch::new(fetch);
            state.fetches.push((range, fetch.clone()));
            fetch
        })
    }

    fn with_url<T>(&self, url: &str, action: impl FnOnce(&mut UrlState) -> T) -> T {
        let mut urls = self.urls.borrow_mut();
        let index = url_index(&mut urls, url);
        action(&mut urls[index].1)
    }
}

/// Where the state of `url` is in `urls`, added when it is new. Kept out of line: it
/// is the same code for every `with_url`, which would otherwise inline a copy each.
#[inline(never)]
fn url_index(urls: &mut Vec<(String, UrlState)>, url: &str) -> usize {
    match urls.iter().position(|(known, _)| known == url) {
        Some(index) => index,
        None => {
            urls.push((url.to_string(), UrlState::default()));
            urls.len() - 1
        }
    }
}

/// `range` cut out of bytes already received, when one part holds all of it.
fn received_slice(received: &[(u64, ReadBytes)], range: &Range<u64>) -> Option<ReadBytes> {
    received.iter().find_map(|(start, read)| {
        let end = start + read.bytes.len() as u64;
        if *start > range.start || end < range.end {
            return None;
        }
        let from = (range.start - start) as usize;
        Some(ReadBytes {
            bytes: read
                .bytes
                .slice(from..from + (range.end - range.start) as usize),
            file_length: read.file_length,
        })
    })
}

fn slice_whole_file(whole: &TableBytes, range: Range<u64>) -> Result<ReadBytes, FetchError> {
    let length = whole.len() as u64;
    let asked = range.end - range.start;
    // Past the end is only fine for the first read, which asks for more than most
    // files have; for anything else the file is shorter than its header says.
    if range.start > length || (range.end > length && range.start != 0) {
        return Err(FetchError::ShortBody {
            start: range.start,
            asked,
            got: length.saturating_sub(range.start),
        });
    }
    Ok(ReadBytes {
        bytes: whole.slice(range.start as usize..range.end.min(length) as usize),
        file_length: Some(length),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::cell::Cell;
    use futures::executor::block_on;

    /// How a simulated server behaves.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Behaviour {
        /// Answers Range with 206.
        HonoursRange,
        /// Answers every request with 200 and the whole file.
        IgnoresRange,
    }

    /// An in-memory server: real bytes, real reply shapes, counted requests.
    pub(crate) struct MemoryServer {
        pub(crate) file: RefCell<Vec<u8>>,
        pub(crate) behaviour: Behaviour,
        pub(crate) requests: Rc<Cell<usize>>,
        pub(crate) etag: RefCell<String>,
        /// The file is "replaced" (new ETag) when this many requests were answered.
        pub(crate) replaced_after: Cell<Option<usize>>,
        /// Whole files served by URL suffix (the directory layout); when there are
        /// any, every other URL is a 404.
        pub(crate) files: RefCell<Vec<(String, Option<Vec<u8>>)>>,
        /// Every request: `(url, fresh)`.
        pub(crate) log: RefCell<Vec<(String, bool)>>,
        /// What the browser's HTTP cache still holds for `entry.bin`: served unless
        /// the request asks past the cache.
        pub(crate) stale_entry: RefCell<Option<Vec<u8>>>,
    }

    impl MemoryServer {
        pub(crate) fn new(file: Vec<u8>, behaviour: Behaviour) -> Self {
            MemoryServer {
                file: RefCell::new(file),
                behaviour,
                requests: Rc::new(Cell::new(0)),
                etag: RefCell::new("\"v1\"".into()),
                replaced_after: Cell::new(None),
                files: RefCell::new(Vec::new()),
                log: RefCell::new(Vec::new()),
                stale_entry: RefCell::new(None),
            }
        }
    }

    impl RangeSource for MemoryServer {
        fn fetch(
            &self,
            url: &str,
            range: Range<u64>,
            _timeout_ms: u32,
            fresh: bool,
        ) -> LocalBoxFuture<'static, Result<RangeReply, FetchError>> {
            if self.replaced_after.get() == Some(self.requests.get()) {
                *self.etag.borrow_mut() = "\"v2\"".into();
            }
            self.requests.set(self.requests.get() + 1);
            self.log.borrow_mut().push((url.to_owned(), fresh));
            let files = self.files.borrow();
            let stale = self.stale_entry.borrow();
            let served = match (&*stale, url.ends_with("entry.bin") && !fresh) {
                (Some(old_entry), true) => Some(Some(old_entry)),
                _ if files.is_empty() => None,
                _ => Some(
                    files
                        .iter()
                        .find(|(path, _)| url.ends_with(path.as_str()))
                        .and_then(|(_, file)| file.as_ref()),
                ),
            };
            if let Some(file) = served {
                let reply = match file {
                    Some(bytes) => RangeReply {
                        status: 200,
                        content_range: None,
                        etag: None,
                        body: bytes.clone(),
                    },
                    None => RangeReply {
                        status: 404,
                        content_range: None,
                        etag: None,
                        body: Vec::new(),
                    },
                };
                return async move { Ok(reply) }.boxed_local();
            }
            let file = self.file.borrow().clone();
            let etag = Some(self.etag.borrow().clone());
            let reply = match self.behaviour {
                Behaviour::IgnoresRange => RangeReply {
                    status: 200,
                    content_range: None,
                    etag,
                    body: file,
                },
                Behaviour::HonoursRange if range.start >= file.len() as u64 => RangeReply {
                    status: 416,
                    content_range: None,
                    etag,
                    body: Vec::new(),
                },
                Behaviour::HonoursRange => {
                    let end = range.end.min(file.len() as u64);
                    let content_range = [
                        "bytes ",
                        &range.start.to_string(),
                        "-",
                        &(end - 1).to_string(),
                        "/",
                        &file.len().to_string(),
                    ]
                    .concat();
                    RangeReply {
                        status: 206,
                        content_range: Some(content_range),
                        etag,
                        body: file[range.start as usize..end as usize].to_vec(),
                    }
                }
            };
            async move { Ok(reply) }.boxed_local()
        }
    }

    fn file_of(length: usize) -> Vec<u8> {
        (0..length).map(|index| index as u8).collect()
    }

    #[test]
    fn two_reads_of_the_same_range_share_one_request() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::HonoursRange));
        let (first, second) = block_on(futures::future::join(
            cache.read("/t", 0..10, 1000),
            cache.read("/t", 0..10, 1000),
        ));
        assert_eq!(&*first.unwrap().bytes, &file_of(10)[..]);
        assert_eq!(&*second.unwrap().bytes, &file_of(10)[..]);
        assert_eq!(cache.source.requests.get(), 1);
    }

    #[test]
    fn a_range_inside_bytes_already_received_needs_no_request() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::HonoursRange));
        block_on(cache.read("/t", 0..50, 1000)).unwrap();
        let inside = block_on(cache.read("/t", 10..20, 1000)).unwrap();
        assert_eq!(&*inside.bytes, &file_of(100)[10..20]);
        assert_eq!(cache.source.requests.get(), 1);
        block_on(cache.read("/t", 40..60, 1000)).unwrap();
        assert_eq!(
            cache.source.requests.get(),
            2,
            "a range reaching past them is fetched"
        );
    }

    #[test]
    fn a_server_ignoring_range_is_fetched_once_and_sliced() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::IgnoresRange));
        let head = block_on(cache.read("/t", 0..4096, 1000)).unwrap();
        assert_eq!(head.bytes.len(), 100);
        assert_eq!(head.file_length, Some(100));
        let middle = block_on(cache.read("/t", 20..30, 1000)).unwrap();
        assert_eq!(&*middle.bytes, &file_of(100)[20..30]);
        assert_eq!(cache.source.requests.get(), 1);
        assert!(matches!(
            block_on(cache.read("/t", 90..120, 1000)),
            Err(FetchError::ShortBody { got: 10, .. })
        ));
    }

    #[test]
    fn a_changed_etag_is_reported_and_forgetting_starts_afresh() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::HonoursRange));
        block_on(cache.read("/t", 0..10, 1000)).unwrap();
        *cache.source.etag.borrow_mut() = "\"v2\"".into();
        assert_eq!(
            block_on(cache.read("/t", 10..20, 1000)).unwrap_err(),
            FetchError::Changed
        );
        cache.forget("/t");
        assert!(block_on(cache.read("/t", 10..20, 1000)).is_ok());
    }

    #[test]
    fn a_new_page_view_asks_for_the_head_again_and_sees_a_replaced_file() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::HonoursRange));
        block_on(cache.read("/t", 0..10, 1000)).unwrap();
        block_on(cache.read("/t", 50..60, 1000)).unwrap();
        cache.revalidate();
        block_on(cache.read("/t", 0..10, 1000)).unwrap();
        block_on(cache.read("/t", 50..60, 1000)).unwrap();
        assert_eq!(
            cache.source.requests.get(),
            3,
            "the head again, the rest from memory while the ETag holds"
        );
        *cache.source.etag.borrow_mut() = "\"v2\"".into();
        cache.revalidate();
        assert_eq!(
            block_on(cache.read("/t", 0..10, 1000)).unwrap_err(),
            FetchError::Changed,
            "a rebuilt table is noticed at the head"
        );
    }

    #[test]
    fn a_new_page_view_reads_a_whole_file_a_server_sent_again() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::IgnoresRange));
        block_on(cache.read("/t", 0..4096, 1000)).unwrap();
        block_on(cache.read("/t", 20..30, 1000)).unwrap();
        cache.revalidate();
        block_on(cache.read("/t", 0..4096, 1000)).unwrap();
        assert_eq!(cache.source.requests.get(), 2);
    }

    #[test]
    fn errors_are_shared_like_bytes() {
        let cache = TableCache::new(MemoryServer::new(file_of(100), Behaviour::HonoursRange));
        let error = block_on(cache.read("/t", 200..300, 1000)).unwrap_err();
        assert_eq!(
            error,
            FetchError::RangeNotSatisfiable {
                start: 200,
                end: 300
            }
        );
    }
}
