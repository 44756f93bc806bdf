//! Measurement (docs/events.md, the contract): what the widget records about what
//! shoppers see and do, under which A/B variant, and where it sends it.
//!
//! The pure parts are plain Rust, tested natively: the JSON text of events and
//! `dataLayer` objects (`event`), the beacon queue's policy (`batch`) and attribution
//! (`attribution`). The browser parts are thin: ids in `localStorage` (`identity`,
//! `storage`), the per-widget `tracker::Tracker`, `dataLayer` pushes, `sendBeacon`,
//! `trackPurchase`. What to measure (tracking, lists, beacon, the experiment and its
//! variant) is decided by `settings`; variant assignment is alsobought-core's
//! `experiment` module, the same code the report's documentation specifies.

pub mod attribution;
pub mod batch;
pub mod event;
pub mod identity;

#[cfg(target_arch = "wasm32")]
mod beacon;
#[cfg(target_arch = "wasm32")]
mod data_layer;
#[cfg(target_arch = "wasm32")]
pub mod purchase;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
pub mod tracker;
