//! The alsobought widget: reads a recommendation table with HTTP Range requests,
//! scores suggestions with alsobought-core and renders an accessible carousel (or a
//! bundle) in a Shadow DOM, compiled to WebAssembly.
//!
//! The modules form a tree without cycles (issue 12), each importing only those
//! listed after it:
//! - `api` (wasm): the JS interface (`mount`, `updateCart`, `trackPurchase`...);
//! - `mount` (wasm): a widget's life on the page: it finds hosts, configures them with
//!   `settings`, loads with `loader`, renders `components`, and hands them an
//!   `events::Announcer` that measurement's tracker listens through;
//! - `components` (wasm): the leptos views of a widget's view model; what the shopper
//!   does goes to the `events::Listener` they are handed;
//! - `measurement` (the `measurement` feature, on by default): records what shoppers
//!   see and do (docs/events.md); it implements `events::Measure` and is handed plain
//!   data. A build without it dispatches the same DOM events (docs/widget-size.md says
//!   what it lacks);
//! - `events` (wasm): the DOM events a store listens to, dispatched whatever the build
//!   contains, and the `Listener` of them;
//! - `loader`: where a table byte is fetched, cached and scored;
//! - `styles`: the widget's stylesheet and the height each widget reserves;
//! - `settings`: attributes, JS options, experiment variants and their warnings;
//! - helpers: `product`, `carousel_geometry`, `price_format`, `console`, and
//!   `json_text`, which imports nothing of the crate.
//!
//! Everything that is not browser glue (settings, carousel maths, HTTP range replies,
//! the byte cache and the loader) is plain Rust and tested natively with
//! `cargo test -p alsobought-widget`; the components and the JS API exist only on
//! wasm32 and are tested in headless Chromium (`tests/wasm/`).

#![deny(missing_docs)]

pub mod carousel_geometry;
pub mod json_text;
pub mod loader;
#[cfg(feature = "measurement")]
pub mod measurement;
pub mod product;
pub mod settings;
pub mod styles;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
mod console;
#[cfg(target_arch = "wasm32")]
pub mod events;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
pub mod price_format;
