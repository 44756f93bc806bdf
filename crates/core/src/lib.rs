//! alsobought-core: the recommendation table format and the scoring shared by the
//! command-line tool and the WebAssembly widget.
//!
//! It does no I/O and knows nothing of the web: readers borrow the caller's bytes
//! (a whole file, or just the byte ranges the widget fetched with HTTP Range
//! requests) and say which ranges they need next. See `docs/format.md` for the
//! byte layout and `docs/architecture.md` for how the parts fit.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod events;
pub mod experiment;
pub mod format;
pub mod scoring;
pub mod url_policy;

#[cfg(feature = "builder")]
pub mod analytics;
#[cfg(feature = "builder")]
pub mod evaluation;
#[cfg(feature = "builder")]
pub mod html;
#[cfg(feature = "builder")]
pub mod mining;
#[cfg(feature = "builder")]
pub mod synthetic;

pub use format::*;
pub use scoring::*;
pub use url_policy::{check_url, safe_url, url_scheme, UrlRefusal};
