//! The alsobought widget: reads a recommendation table with HTTP Range requests,
//! scores suggestions with alsobought-core and renders an accessible carousel (or a
//! bundle) in a Shadow DOM, compiled to WebAssembly.
//!
//! Everything that is not browser glue (config parsing, carousel maths,
//! HTTP range replies, the byte cache and the loader) is plain Rust and tested
//! natively with `cargo test -p alsobought-widget`; the components and the JS API
//! exist only on wasm32 and are tested in headless Chromium (`tests/wasm/`).

#![deny(missing_docs)]

pub mod carousel_geometry;
mod join;
pub mod json_text;
pub mod load_error;
pub mod measurement;
pub mod product;
pub mod range_reply;
pub mod settings;
mod shared_fetch;
pub mod styles;
pub mod table_cache;
pub mod table_loader;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
mod console;
#[cfg(target_arch = "wasm32")]
pub mod events;
#[cfg(target_arch = "wasm32")]
pub mod fetch_source;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
pub mod price_format;
