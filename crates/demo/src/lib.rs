//! The alsobought demo store's tooling: a deterministic generator of a plausible shop
//! (catalog, order history, product pages, product images) and a static file server
//! with HTTP Range support.
//!
//! Why it exists: the widget reads its table with HTTP Range requests, so the demo and
//! the end-to-end tests need a real static server (Python's `http.server` ignores
//! `Range`), plus a shop whose order history has co-purchase structure worth mining.
//! Both live here so `make demo` and `make test` need nothing but this workspace.

#![deny(missing_docs)]

pub mod generator;
pub mod server;
