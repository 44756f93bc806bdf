//! The resources `build` gives the miner: a memory budget (`--max-memory`) and a
//! directory for the sorted runs that do not fit in it (`--temp-dir`); and how much
//! memory the build actually held, for its summary.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use alsobought_mining::SpillSpace;

/// The budget `auto` never exceeds: enough to build 100 million lines in memory.
const AUTO_CAP: u64 = 4 << 30;

/// `auto` when the machine's memory cannot be read (not Linux).
const AUTO_FALLBACK: u64 = 2 << 30;

/// Smallest budget accepted: below it every buffer is a minimum anyway.
const MIN_BUDGET: u64 = 1 << 10;

/// `--max-memory`: the memory budget of the buffers that grow with the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryLimit {
    /// `auto`: half the machine's memory (when known), at most 4 GiB.
    Auto {
        /// The budget chosen.
        bytes: u64,
        /// The machine's memory, if it could be read.
        machine: Option<u64>,
    },
    /// A size given on the command line.
    Given(u64),
}

impl MemoryLimit {
    /// The budget in bytes.
    pub fn bytes(&self) -> usize {
        let bytes = match *self {
            MemoryLimit::Auto { bytes, .. } | MemoryLimit::Given(bytes) => bytes,
        };
        usize::try_from(bytes).unwrap_or(usize::MAX)
    }

    /// For the summary: `budget 4.0 GiB (auto: half of 23.5 GiB, at most 4 GiB)`.
    pub fn describe(&self) -> String {
        match *self {
            MemoryLimit::Given(bytes) => format!("budget {} (--max-memory)", binary_size(bytes)),
            MemoryLimit::Auto {
                bytes,
                machine: Some(machine),
            } => format!(
                "budget {} (auto: half of {}, at most {})",
                binary_size(bytes),
                binary_size(machine),
                binary_size(AUTO_CAP)
            ),
            MemoryLimit::Auto {
                bytes,
                machine: None,
            } => format!(
                "budget {} (auto; the machine's memory is unknown)",
                binary_size(bytes)
            ),
        }
    }
}

/// A size in powers of 1024, as `--max-memory` takes them: `512.0 MiB`.
fn binary_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Parses `--max-memory`: `auto`, or a number of bytes with an optional K, M, G or T
/// (powers of 1024; `B`, `iB` and lower case accepted): `512M`, `1.5G`, `4GiB`.
pub fn parse_memory_limit(text: &str) -> Result<MemoryLimit, String> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("auto") {
        let machine = machine_memory();
        let bytes = machine.map_or(AUTO_FALLBACK, |machine| (machine / 2).min(AUTO_CAP));
        return Ok(MemoryLimit::Auto { bytes, machine });
    }
    let invalid = || {
        format!(
            "{text:?} is not a size: use auto, or a number with K, M, G or T such as 512M or 4G"
        )
    };
    let lower = trimmed.to_ascii_lowercase();
    let number_part = lower
        .trim_end_matches("ib")
        .trim_end_matches('b')
        .trim_end();
    let (digits, power) = match number_part.chars().last() {
        Some('k') => (&number_part[..number_part.len() - 1], 1),
        Some('m') => (&number_part[..number_part.len() - 1], 2),
        Some('g') => (&number_part[..number_part.len() - 1], 3),
        Some('t') => (&number_part[..number_part.len() - 1], 4),
        _ => (number_part, 0),
    };
    let value: f64 = digits.trim().parse().map_err(|_| invalid())?;
    if !value.is_finite() || value < 0.0 {
        return Err(invalid());
    }
    let bytes = value * 1024f64.powi(power);
    if bytes < MIN_BUDGET as f64 {
        return Err(format!(
            "{text:?} is below the smallest budget, {}",
            binary_size(MIN_BUDGET)
        ));
    }
    Ok(MemoryLimit::Given(bytes.min(u64::MAX as f64) as u64))
}

/// Total memory from `/proc/meminfo` (Linux), in bytes.
fn machine_memory() -> Option<u64> {
    proc_kilobytes("/proc/meminfo", "MemTotal:")
}

/// The most memory this process has had resident so far (`VmHWM`, Linux), in bytes.
pub fn peak_resident_bytes() -> Option<u64> {
    proc_kilobytes("/proc/self/status", "VmHWM:")
}

/// The `key: N kB` line of a `/proc` file, in bytes.
fn proc_kilobytes(file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|line| line.starts_with(key))?;
    let kilobytes: u64 = line
        .trim_start_matches(key)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kilobytes * 1024)
}

/// Spill space in a directory: each run an anonymous temporary file, unlinked as
/// soon as it is created, so nothing is left behind even when the build is killed.
pub struct TemporaryFiles {
    dir: PathBuf,
}

impl TemporaryFiles {
    /// Spill space in `dir`, checked by creating one file there.
    pub fn new(dir: &Path) -> io::Result<Self> {
        tempfile::tempfile_in(dir)?;
        Ok(TemporaryFiles {
            dir: dir.to_owned(),
        })
    }
}

impl SpillSpace for TemporaryFiles {
    type Run = File;

    fn create_run(&mut self) -> io::Result<File> {
        tempfile::tempfile_in(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes_and_decimals() {
        assert_eq!(parse_memory_limit("4G"), Ok(MemoryLimit::Given(4 << 30)));
        assert_eq!(
            parse_memory_limit("512m"),
            Ok(MemoryLimit::Given(512 << 20))
        );
        assert_eq!(
            parse_memory_limit("1.5GiB"),
            Ok(MemoryLimit::Given(3 << 29))
        );
        assert_eq!(parse_memory_limit("64KB"), Ok(MemoryLimit::Given(64 << 10)));
        assert_eq!(parse_memory_limit("2048"), Ok(MemoryLimit::Given(2048)));
        assert!(parse_memory_limit("12").unwrap_err().contains("smallest"));
        assert!(parse_memory_limit("lots").unwrap_err().contains("512M"));
        assert!(parse_memory_limit("-1G").is_err());
    }

    #[test]
    fn auto_is_half_the_machine_at_most_four_gibibytes() {
        let MemoryLimit::Auto { bytes, machine } = parse_memory_limit("auto").unwrap() else {
            panic!("auto parses as Auto");
        };
        match machine {
            Some(machine) => assert_eq!(bytes, (machine / 2).min(AUTO_CAP)),
            None => assert_eq!(bytes, AUTO_FALLBACK),
        }
        assert!(MemoryLimit::Given(3 << 29).describe().contains("1.5 GiB"));
    }
}
