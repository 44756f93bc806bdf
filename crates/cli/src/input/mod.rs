//! Readers for the files the tool is given: orders, catalogs and recommendation
//! queries, each turning bad input into messages that name the file, line and field.

pub mod catalog;
pub mod csv_lines;
pub mod exclusions;
pub mod orders;
pub mod planted_groups;
pub mod queries;
pub mod rules;
pub mod skips;
pub mod source;
pub mod values;
