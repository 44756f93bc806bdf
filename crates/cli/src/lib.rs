//! The `alsobought` command-line tool as a library: the binary (`main.rs`) is a thin
//! layer over it, and the library lets the fuzz targets (crates/fuzzing) run the very
//! readers the commands run (orders, catalogs, events) on bytes instead of files.

pub mod cli;
pub mod commands;
pub mod input;
pub mod progress;
pub mod report;
