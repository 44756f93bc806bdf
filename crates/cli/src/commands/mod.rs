//! One module per subcommand (its flags and its `run`), plus the flag groups several
//! subcommands share.

pub mod build;
pub mod evaluate;
pub mod inspect;
pub mod recommend;

mod catalog_args;
mod mining_args;
mod orders_args;
mod table_file;
