//! Everything a store can set on a widget, read and validated in one place: the data
//! attributes, the options object of the JS `mount()`, the experiment and its
//! variants' overrides, tracking and list settings, and the warnings about values the
//! widget did not use.
//!
//! The parts, each importing only those listed before it:
//! - `source`: every setting's two names, raw values, and [`SettingsSource`], the
//!   lookup the rest reads through;
//! - `warning`: [`Warning`] and [`ConfigError`], typed until the console, where
//!   their `message` writes the one text format;
//! - `values`: the number and locale readings settings share;
//! - `widget`: the widget's own settings, validated into a [`WidgetConfig`];
//! - `experiment`: tracking, lists, beacon and the experiment, decided first because
//!   a variant's settings replace the plain ones ([`configure`]);
//! - `page` (wasm only): the attributes and the options object as sources, the cart
//!   of `updateCart`, and the variants the page URL forces.
//!
//! Plain Rust but for `page`, tested natively.

pub mod experiment;
#[cfg(target_arch = "wasm32")]
pub mod page;
pub mod source;
pub mod values;
pub mod warning;
pub mod widget;

pub use experiment::{configure, Assignment, Configured, Measurement, PageFacts};
pub use source::{Origin, RawValue, SettingsSource};
pub use warning::{ConfigError, Warning};
pub use widget::{parse_config, Layout, Loading, Parsed, WidgetConfig};
