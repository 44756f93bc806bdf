//! Reading a platform export's columns by name: the header lookup and the trimmed
//! text of a column the file may not have, shared by the platforms' readers.

/// The position of the column named `name` (any case).
pub(super) fn find_column(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|header| header.eq_ignore_ascii_case(name))
}

/// The trimmed text of a column the file may not have ("" when it has not).
pub(super) fn column_text(record: &csv::StringRecord, column: Option<usize>) -> &str {
    column.map(|index| record[index].trim()).unwrap_or("")
}
