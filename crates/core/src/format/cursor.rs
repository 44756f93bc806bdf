//! A bounds-checked reader over a byte slice: every read either returns the
//! bytes or a `TableError` naming the section and the bytes it needed. Parsers
//! read through it and never index a slice themselves, so they cannot panic.

use super::error::{Section, TableError};
use super::varint::{self, VarintError};

/// Reads little-endian values from a slice, front to back.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
    section: Section,
    /// File offset of `bytes[0]`, so errors report file offsets.
    base: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`, which begin at file offset `base`.
    pub(crate) fn new(bytes: &'a [u8], section: Section, base: u64) -> Self {
        Cursor {
            bytes,
            position: 0,
            section,
            base,
        }
    }

    /// Bytes read so far.
    pub(crate) fn position(&self) -> usize {
        self.position
    }

    /// File offset of the next byte.
    pub(crate) fn file_offset(&self) -> u64 {
        self.base.saturating_add(self.position as u64)
    }

    /// The bytes read so far (from the start of the slice).
    pub(crate) fn consumed(&self) -> &'a [u8] {
        self.bytes.get(..self.position).unwrap_or_default()
    }

    /// A `Malformed` error at the current position.
    pub(crate) fn malformed(&self, reason: impl Into<String>) -> TableError {
        TableError::malformed(self.section, self.file_offset(), reason)
    }

    /// A `Malformed` error at `position` (a value read earlier).
    pub(crate) fn malformed_at(&self, position: usize, reason: impl Into<String>) -> TableError {
        TableError::malformed(
            self.section,
            self.base.saturating_add(position as u64),
            reason,
        )
    }

    fn truncated(&self, wanted: usize) -> TableError {
        TableError::Truncated {
            section: self.section,
            needed: (self.position as u64).saturating_add(wanted as u64),
            have: self.bytes.len() as u64,
        }
    }

    /// The next `count` bytes.
    pub(crate) fn take(&mut self, count: usize) -> Result<&'a [u8], TableError> {
        let taken = self
            .position
            .checked_add(count)
            .and_then(|end| self.bytes.get(self.position..end))
            .ok_or_else(|| self.truncated(count))?;
        self.position += count;
        Ok(taken)
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], TableError> {
        let taken = self.take(N)?;
        let mut array = [0u8; N];
        array.copy_from_slice(taken);
        Ok(array)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, TableError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, TableError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, TableError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, TableError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub(crate) fn f32(&mut self) -> Result<f32, TableError> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    /// A LEB128 varint that fits a `u32`, in its shortest form.
    pub(crate) fn varint(&mut self) -> Result<u32, TableError> {
        let rest = self.bytes.get(self.position..).unwrap_or_default();
        match varint::decode_u32(rest) {
            Ok((value, used)) => {
                self.position += used;
                Ok(value)
            }
            Err(VarintError::Truncated) => Err(self.truncated(rest.len() + 1)),
            Err(VarintError::Invalid(reason)) => Err(self.malformed(reason)),
        }
    }

    /// A varint byte length followed by that many bytes of UTF-8.
    pub(crate) fn string(&mut self, field: &'static str) -> Result<&'a str, TableError> {
        let length = self.varint()? as usize;
        let start = self.position;
        let bytes = self.take(length)?;
        core::str::from_utf8(bytes).map_err(|error| {
            self.malformed_at(
                start + error.valid_up_to(),
                format!("the {field} is not valid UTF-8 ({error})"),
            )
        })
    }

    /// Checks the CRC32 that follows everything read so far, and consumes it.
    pub(crate) fn checksum(&mut self) -> Result<(), TableError> {
        let covered = self.consumed();
        let offset = self.file_offset();
        let stored = self.u32()?;
        let computed = super::crc::crc32(covered);
        if stored == computed {
            Ok(())
        } else {
            Err(TableError::ChecksumMismatch {
                section: self.section,
                offset,
                stored,
                computed,
            })
        }
    }
}

/// `bytes[range]` for a file-offset range over bytes that start at offset 0,
/// or `Truncated` naming `section` when the bytes end too early.
pub(crate) fn file_slice(
    bytes: &[u8],
    range: core::ops::Range<u64>,
    section: Section,
) -> Result<&[u8], TableError> {
    usize::try_from(range.start)
        .ok()
        .zip(usize::try_from(range.end).ok())
        .and_then(|(start, end)| bytes.get(start..end))
        .ok_or(TableError::Truncated {
            section,
            needed: range.end,
            have: bytes.len() as u64,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_and_reports_what_was_missing() {
        let bytes = [1, 2, 3, 4, 5];
        let mut cursor = Cursor::new(&bytes, Section::Header, 0);
        assert_eq!(cursor.u16(), Ok(0x02_01));
        assert_eq!(cursor.u8(), Ok(3));
        assert_eq!(
            cursor.u32(),
            Err(TableError::Truncated {
                section: Section::Header,
                needed: 7,
                have: 5
            })
        );
        assert_eq!(cursor.u16(), Ok(0x05_04));
        assert_eq!(cursor.position(), 5);
        assert!(cursor.take(usize::MAX).is_err());
    }

    #[test]
    fn refuses_invalid_utf8_with_its_offset() {
        let bytes = [3, b'a', 0xFF, b'b'];
        let mut cursor = Cursor::new(&bytes, Section::Bundle, 100);
        let error = cursor.string("title").unwrap_err();
        assert!(
            matches!(error, TableError::Malformed { offset: 102, .. }),
            "{error:?}"
        );
    }
}
