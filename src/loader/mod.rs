//! Where a table byte is fetched: everything between a widget's config and the
//! products it shows.
//!
//! `table_loader` reads the parts of a table one widget needs (docs/format.md) and
//! scores them; it asks `table_cache`, the page's one cache of table bytes, which
//! shares requests in flight (`shared_fetch`) and reads through a byte source: in the
//! browser `fetch_source` (a `Range` request with a timeout), in the tests an
//! in-memory server. `range_reply` interprets what servers answer to Range requests,
//! `join` awaits several reads at once, and `load_error` is every way a load can
//! fail, worded for the console.
//!
//! Plain Rust but for `fetch_source`, tested natively.

mod join;
pub mod load_error;
pub mod range_reply;
mod shared_fetch;
pub mod table_cache;
pub mod table_loader;

#[cfg(target_arch = "wasm32")]
pub mod fetch_source;
