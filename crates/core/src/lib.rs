//! alsobought-core: the recommendation table format and the scoring shared by the
//! command-line tool and the WebAssembly widget, with the small contracts both sides
//! must agree on: experiment assignment, the events contract, the URL policy and HTML
//! escaping. It has no features: what the widget links is all here, and mining,
//! evaluation and analytics live in their own crates (alsobought-mining,
//! alsobought-analytics), so they never reach the wasm.
//!
//! It does no I/O and knows nothing of the web: readers borrow the caller's bytes
//! (a whole file, or just the byte ranges the widget fetched with HTTP Range
//! requests) and say which ranges they need next. See `docs/format.md` for the
//! byte layout and `docs/architecture.md` for how the parts fit.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cart_combination;
pub mod events;
pub mod experiment;
pub mod format;
pub mod scoring;
pub mod url_policy;

pub mod html;

pub use format::*;
pub use scoring::*;
pub use url_policy::{check_url, safe_url, url_scheme, UrlRefusal};
