//! Product ids a store does not sell as products (postage, fees, manual adjustments,
//! gift vouchers), named by the user exactly or with `*` wildcards.
//!
//! Wildcards rather than regular expressions: they cover every case real exports need
//! (`TEST*`, `gift_*`) without a regex engine in the binary, and read the same way
//! shell globs do.

use std::collections::HashSet;

/// The product ids to leave out of the orders.
#[derive(Debug, Clone, Default)]
pub struct ProductExclusions {
    exact: HashSet<String>,
    patterns: Vec<WildcardPattern>,
}

impl ProductExclusions {
    /// Excludes the ids listed in `exact`, and those matching any of `patterns`, where
    /// `*` stands for any run of characters (possibly none). Matching is case-sensitive,
    /// like ids.
    pub fn new(exact: &[String], patterns: &[String]) -> Self {
        ProductExclusions {
            exact: exact.iter().cloned().collect(),
            patterns: patterns
                .iter()
                .map(|pattern| WildcardPattern::new(pattern))
                .collect(),
        }
    }

    /// Whether nothing is excluded (lets the row loop skip the lookups).
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty()
    }

    /// Whether `id` was named by `--exclude-products`.
    pub fn excludes_exactly(&self, id: &str) -> bool {
        self.exact.contains(id)
    }

    /// Whether `id` matches a pattern of `--exclude-products-matching`.
    pub fn excludes_by_pattern(&self, id: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern.matches(id))
    }
}

/// A pattern whose `*` matches any run of characters.
#[derive(Debug, Clone)]
struct WildcardPattern {
    /// The literal pieces between the stars, in order.
    pieces: Vec<String>,
    anchored_start: bool,
    anchored_end: bool,
}

impl WildcardPattern {
    fn new(pattern: &str) -> Self {
        WildcardPattern {
            pieces: pattern
                .split('*')
                .filter(|piece| !piece.is_empty())
                .map(str::to_owned)
                .collect(),
            anchored_start: !pattern.starts_with('*'),
            anchored_end: !pattern.ends_with('*'),
        }
    }

    fn matches(&self, text: &str) -> bool {
        let mut rest = text;
        for (index, piece) in self.pieces.iter().enumerate() {
            let is_first = index == 0;
            let is_last = index + 1 == self.pieces.len();
            if is_first && self.anchored_start {
                match rest.strip_prefix(piece.as_str()) {
                    Some(after) => rest = after,
                    None => return false,
                }
                if is_last && self.anchored_end {
                    return rest.is_empty();
                }
            } else if is_last && self.anchored_end {
                // The last piece must sit at the very end; leftmost matching of the
                // middle pieces leaves it as much room as possible.
                return rest.ends_with(piece.as_str());
            } else {
                match rest.find(piece.as_str()) {
                    Some(at) => rest = &rest[at + piece.len()..],
                    None => return false,
                }
            }
        }
        // Reached only without an anchored last piece: "*" matches anything, "" only "".
        !self.anchored_end || rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        WildcardPattern::new(pattern).matches(text)
    }

    #[test]
    fn wildcards_match_like_shell_globs() {
        assert!(matches("TEST*", "TEST001"));
        assert!(matches("TEST*", "TEST"));
        assert!(!matches("TEST*", "ATEST"));
        assert!(matches("*FEE", "AMAZONFEE"));
        assert!(!matches("*FEE", "FEES"));
        assert!(matches("gift_*_20", "gift_0001_20"));
        assert!(!matches("gift_*_20", "gift_0001_30"));
        assert!(matches("a*b*c", "aXbYbc"));
        assert!(matches("*", "anything"));
        assert!(matches("*OST*", "POSTAGE"));
        assert!(matches("POST", "POST"));
        assert!(!matches("POST", "POSTAGE"));
        assert!(!matches("ab*ba", "aba"));
    }

    #[test]
    fn exact_ids_and_patterns_are_told_apart() {
        let exclusions =
            ProductExclusions::new(&["POST".to_owned(), "M".to_owned()], &["DCGS*".to_owned()]);
        assert!(exclusions.excludes_exactly("M"));
        assert!(!exclusions.excludes_exactly("m"));
        assert!(exclusions.excludes_by_pattern("DCGS0058"));
        assert!(!exclusions.excludes_by_pattern("POST"));
        assert!(ProductExclusions::default().is_empty());
    }
}
