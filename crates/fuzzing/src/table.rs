//! `table`: fuzzer bytes as a single-file table, read as the command-line tool and the
//! widget read one (open, verify, every lookup, recommend), first as given and then
//! with their CRCs repaired so mutations reach the rules behind the checksums.

use alsobought_core::Table;

use crate::table_checks::{check_table, repair_crcs};

/// The `table` target.
pub fn table(data: &[u8]) {
    check_table(data);
    let mut repaired = data.to_vec();
    repair_crcs(&mut repaired, |bytes| Table::open(bytes)?.verify());
    if repaired != data {
        check_table(&repaired);
    }
}
