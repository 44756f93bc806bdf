//! One module per subcommand (its flags and its `run`), plus the flag groups several
//! subcommands share.

pub mod build;
pub mod collect;
pub mod email;
pub mod evaluate;
pub mod generate;
pub mod inspect;
pub mod pull;
pub mod recommend;
pub mod report;

mod catalog_args;
mod mining_args;
mod orders_args;
mod report_chart;
mod report_output;
mod table_file;
