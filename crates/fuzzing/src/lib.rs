//! The bodies of alsobought's fuzz targets: one `pub fn <target>(data: &[u8])` per
//! reader of untrusted input. Each runs the real parser on the bytes and asserts what
//! must hold whatever they are (a found bundle is the one asked for, a suggestion list
//! respects its cap and never names the context, a refusal names where the input went
//! wrong), panicking with a message that says which rule broke.
//!
//! Two drivers call them: the cargo-fuzz crate in `fuzz/` (libFuzzer, nightly), whose
//! targets are one line each, and `tests/corpora.rs`, which replays every saved input
//! of `corpus/<target>/` and `regressions/<target>/` in an ordinary `cargo test`.
//! `docs/fuzzing.md` lists the targets and how a crash becomes a regression file.

mod catalog;
mod events;
mod orders;
mod recommend;
mod settings;
mod split;
mod table;
mod table_checks;
mod text_checks;

pub use catalog::catalog;
pub use events::events;
pub use orders::orders;
pub use recommend::recommend;
pub use settings::settings;
pub use split::{carve, split};
pub use table::table;

/// A target: runs one input, panicking when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by the name its corpus directory and cargo-fuzz binary carry.
pub const TARGETS: &[(&str, Target)] = &[
    ("table", table),
    ("split", split),
    ("recommend", recommend),
    ("settings", settings),
    ("orders", orders),
    ("catalog", catalog),
    ("events", events),
];
