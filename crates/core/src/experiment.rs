//! A/B test assignment: which variant of an experiment a visitor sees.
//!
//! The widget runs this in every shopper's browser and the report relies on it being
//! the same everywhere, so it is pure integer code: a variants spec parsed into names
//! and weights, and a hash of the experiment name and the visitor id cut into the
//! weights' ranges. No floats, no formatting of numbers, no hash maps, no
//! dependencies — it costs the widget a few hundred bytes. `docs/events.md` section 4
//! is the specification (spec grammar, hash, test vectors).

use std::fmt;

/// The variant name that always means "show nothing, record the exposure".
pub const HOLDOUT_VARIANT: &str = "holdout";

/// At most this many variants in one spec: more would make every variant too small to
/// measure anything, and bounds the work per page view.
pub const MAX_VARIANTS: usize = 32;

/// The longest variant name: it becomes part of attribute names
/// (`data-variant-<name>-layout`).
pub const MAX_VARIANT_NAME_LEN: usize = 32;

/// The longest experiment name.
pub const MAX_EXPERIMENT_NAME_LEN: usize = 64;

/// The largest weight of one variant; keeps the total far from overflowing.
pub const MAX_WEIGHT: u32 = 1_000_000;

const FNV64_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV64_PRIME: u64 = 0x0000_0100_0000_01b3;

/// One variant of an experiment and its relative weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Its name: lower-case letters, digits, `-` and `_`.
    pub name: String,
    /// Its share of visitors, relative to the other variants' weights.
    pub weight: u32,
}

impl Variant {
    /// Whether the name alone makes this variant a holdout (`holdout`). A widget also
    /// treats a variant as a holdout when `data-variant-<name>-holdout` is present.
    pub fn is_named_holdout(&self) -> bool {
        self.name == HOLDOUT_VARIANT
    }
}

/// The variants of one experiment, parsed from a spec such as
/// `control:45,compact:45,holdout:10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    variants: Vec<Variant>,
    total_weight: u64,
}

/// Why a variants spec (`data-variants`) was refused; the message says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantSpecError {
    /// Nothing but spaces and commas.
    Empty,
    /// An item between commas has no name (`control:45,,b:5` or `:10`).
    MissingName {
        /// 1-based position of the item in the spec.
        position: usize,
    },
    /// A name with characters outside `a-z 0-9 - _`, starting with `-`/`_`, or too long.
    InvalidName {
        /// The name as written.
        name: String,
    },
    /// A weight that is not a whole number from 0 to [`MAX_WEIGHT`].
    InvalidWeight {
        /// The variant it belongs to.
        name: String,
        /// The weight as written.
        weight: String,
    },
    /// Some variants have a weight and others do not.
    MixedWeights {
        /// The first variant without one.
        name: String,
    },
    /// The same name twice.
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// More than [`MAX_VARIANTS`] variants.
    TooManyVariants {
        /// How many the spec lists.
        count: usize,
    },
    /// Every weight is 0.
    ZeroTotalWeight,
}

impl fmt::Display for VariantSpecError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VariantSpecError::Empty => formatter.write_str(
                "no variant is listed; write them as name:weight pairs, e.g. \"control:50,holdout:50\"",
            ),
            VariantSpecError::MissingName { position } => write!(
                formatter,
                "variant {position} has no name; write name:weight pairs separated by commas"
            ),
            VariantSpecError::InvalidName { name } => write!(
                formatter,
                "variant name {name:?} is not 1 to {MAX_VARIANT_NAME_LEN} lower-case letters, digits, \
                 '-' or '_' starting with a letter or digit (names become attribute names)"
            ),
            VariantSpecError::InvalidWeight { name, weight } => write!(
                formatter,
                "variant {name:?} has weight {weight:?}, which is not a whole number from 0 to {MAX_WEIGHT}"
            ),
            VariantSpecError::MixedWeights { name } => write!(
                formatter,
                "variant {name:?} has no weight but others do; give every variant a weight, or none for equal shares"
            ),
            VariantSpecError::DuplicateName { name } => {
                write!(formatter, "variant {name:?} is listed twice")
            }
            VariantSpecError::TooManyVariants { count } => write!(
                formatter,
                "{count} variants are listed; at most {MAX_VARIANTS} are allowed"
            ),
            VariantSpecError::ZeroTotalWeight => formatter.write_str(
                "every weight is 0, so no visitor could be assigned; give at least one variant a positive weight",
            ),
        }
    }
}

impl std::error::Error for VariantSpecError {}

impl Variants {
    /// Parses a spec: `name[:weight]` items separated by commas, spaces ignored; either
    /// every item has a weight or none has (equal shares).
    pub fn parse(spec: &str) -> Result<Variants, VariantSpecError> {
        let items: Vec<&str> = spec.split(',').map(str::trim).collect();
        if items.iter().all(|item| item.is_empty()) {
            return Err(VariantSpecError::Empty);
        }
        if items.len() > MAX_VARIANTS {
            return Err(VariantSpecError::TooManyVariants { count: items.len() });
        }
        let mut variants: Vec<Variant> = Vec::with_capacity(items.len());
        let mut weighted: Option<bool> = None;
        for (position, item) in items.iter().enumerate() {
            let (name, weight) = match item.split_once(':') {
                Some((name, weight)) => (name.trim(), Some(weight.trim())),
                None => (*item, None),
            };
            if name.is_empty() {
                return Err(VariantSpecError::MissingName {
                    position: position + 1,
                });
            }
            if !is_valid_variant_name(name) {
                return Err(VariantSpecError::InvalidName {
                    name: name.to_owned(),
                });
            }
            if variants.iter().any(|known| known.name == name) {
                return Err(VariantSpecError::DuplicateName {
                    name: name.to_owned(),
                });
            }
            if *weighted.get_or_insert(weight.is_some()) != weight.is_some() {
                let unweighted = if weight.is_none() {
                    name
                } else {
                    // The earlier items had none: name the first of them.
                    variants[0].name.as_str()
                };
                return Err(VariantSpecError::MixedWeights {
                    name: unweighted.to_owned(),
                });
            }
            let weight = match weight {
                Some(text) => {
                    parse_weight(text).ok_or_else(|| VariantSpecError::InvalidWeight {
                        name: name.to_owned(),
                        weight: text.to_owned(),
                    })?
                }
                None => 1,
            };
            variants.push(Variant {
                name: name.to_owned(),
                weight,
            });
        }
        let total_weight = variants
            .iter()
            .map(|variant| u64::from(variant.weight))
            .sum();
        if total_weight == 0 {
            return Err(VariantSpecError::ZeroTotalWeight);
        }
        Ok(Variants {
            variants,
            total_weight,
        })
    }

    /// The variants in spec order.
    pub fn as_slice(&self) -> &[Variant] {
        &self.variants
    }

    /// The sum of the weights (never 0).
    pub fn total_weight(&self) -> u64 {
        self.total_weight
    }

    /// The variant named `name`, if the spec lists it.
    pub fn get(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|variant| variant.name == name)
    }

    /// The variant `visitor_id` sees in `experiment`: the same for the same three
    /// inputs everywhere (`docs/events.md` section 4.3).
    pub fn assign(&self, experiment: &str, visitor_id: &str) -> &Variant {
        let point = assignment_point(experiment, visitor_id, self.total_weight);
        let mut upper = 0u64;
        for variant in &self.variants {
            upper += u64::from(variant.weight);
            if point < upper {
                return variant;
            }
        }
        unreachable!("the point is below the total weight, the last upper bound")
    }
}

/// Where a visitor falls on `0..total_weight` (`total_weight` > 0): the hash of
/// experiment and visitor mapped onto the range without modulo bias.
pub fn assignment_point(experiment: &str, visitor_id: &str, total_weight: u64) -> u64 {
    let hash = assignment_hash(experiment, visitor_id);
    ((u128::from(hash) * u128::from(total_weight)) >> 64) as u64
}

/// The 64-bit hash behind the assignment: FNV-1a 64 over
/// `experiment ++ 0x00 ++ visitor_id`, then MurmurHash3's finaliser, which spreads
/// FNV's weak low bits over the whole word. The 0 byte keeps `("ab", "c")` and
/// `("a", "bc")` apart.
pub fn assignment_hash(experiment: &str, visitor_id: &str) -> u64 {
    let key = experiment
        .bytes()
        .chain(std::iter::once(0))
        .chain(visitor_id.bytes());
    let mut hash = fnv1a64(key);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b93e_53ca_34d9);
    hash ^ (hash >> 33)
}

/// Whether `name` may name an experiment: 1 to 64 characters from `A-Z a-z 0-9 . _ -`.
pub fn is_valid_experiment_name(name: &str) -> bool {
    (1..=MAX_EXPERIMENT_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

/// Whether `name` may name a variant: 1 to 32 characters from `a-z 0-9 - _`, the first
/// a letter or digit (names become attribute names, which HTML lower-cases).
pub fn is_valid_variant_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=MAX_VARIANT_NAME_LEN).contains(&bytes.len())
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(|&byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'_'
        })
}

/// FNV-1a 64-bit over `bytes`.
fn fnv1a64(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(FNV64_OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV64_PRIME)
    })
}

fn parse_weight(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 7 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<u32>()
        .ok()
        .filter(|&weight| weight <= MAX_WEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_part_matches_the_published_64_bit_vectors() {
        let hash = |text: &str| fnv1a64(text.bytes());
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn weights_must_be_whole_numbers_in_range() {
        assert_eq!(parse_weight("0"), Some(0));
        assert_eq!(parse_weight("1000000"), Some(1_000_000));
        for bad in ["", "-1", "+1", "1.5", "1000001", "99999999", "1e3", " 1"] {
            assert_eq!(parse_weight(bad), None, "{bad:?}");
        }
    }
}
