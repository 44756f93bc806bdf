//! The real-data table the recommend and page-size benchmarks share: every Online
//! Retail II order mined with the default options, without a catalog.

use alsobought_core::mining::{build_table_input, MiningOptions, Orders};
use alsobought_core::write_table;

/// The orders and the table bytes built from them.
pub fn online_retail_table() -> (Orders, Vec<u8>) {
    let orders = super::load_online_retail();
    let mined = build_table_input(&orders, None, &MiningOptions::default());
    let bytes = write_table(&mined.input).expect("the real orders make a valid table");
    (orders, bytes)
}
