//! Planted complementary groups: lists of products bought together on purpose, the
//! structure a miner should find and the answer key it is checked against.
//!
//! `alsobought generate` plants them at random ([`ProductGroups::random`]: disjoint
//! groups of 2 to [`MAX_GROUP_SIZE`] products); a shop with groups of its own (the demo
//! store's themed bundles) hands them over with [`ProductGroups::push`].

use super::random::SplitMix64;

/// Relative frequency of random group sizes 2, 3 and 4.
const GROUP_SIZE_WEIGHTS: [u64; 3] = [5, 3, 2];
/// The largest randomly planted group.
pub const MAX_GROUP_SIZE: u32 = 4;

/// Groups of product numbers, the most sold first, stored flat (8 bytes a group plus 4
/// a member) so that a million-product shop's hundred thousand groups cost no
/// allocation each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductGroups {
    /// Group `g`'s members are `members[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    members: Vec<u32>,
}

impl Default for ProductGroups {
    fn default() -> Self {
        Self::new()
    }
}

impl ProductGroups {
    /// No groups yet.
    pub fn new() -> Self {
        Self {
            starts: vec![0],
            members: Vec::new(),
        }
    }

    /// `count` disjoint groups over products `0..products`, of 2 to [`MAX_GROUP_SIZE`]
    /// members (sizes 2, 3 and 4 in proportion 5 : 3 : 2). The caller checks that
    /// `count * MAX_GROUP_SIZE <= products`.
    pub fn random(products: u32, count: u32, random: &mut SplitMix64) -> Self {
        let mut members: Vec<u32> = (0..products).collect();
        random.shuffle(&mut members);
        let mut starts = Vec::with_capacity(count as usize + 1);
        let mut next = 0u32;
        starts.push(0);
        let weight_total: u64 = GROUP_SIZE_WEIGHTS.iter().sum();
        for _ in 0..count {
            let mut roll = random.below(weight_total as usize) as u64;
            let mut size = 2;
            for &weight in &GROUP_SIZE_WEIGHTS {
                if roll < weight {
                    break;
                }
                roll -= weight;
                size += 1;
            }
            next += size;
            starts.push(next);
        }
        members.truncate(next as usize);
        Self { starts, members }
    }

    /// Adds a group after the ones already there (so it sells less than they do).
    ///
    /// # Panics
    /// When `members` has fewer than two products or names one twice: such a group
    /// plants nothing.
    pub fn push(&mut self, members: &[u32]) {
        assert!(
            members.len() >= 2,
            "a planted group needs at least two products, got {members:?}"
        );
        assert!(
            members
                .iter()
                .enumerate()
                .all(|(position, product)| !members[..position].contains(product)),
            "a planted group names a product twice: {members:?}"
        );
        self.members.extend_from_slice(members);
        self.starts
            .push(u32::try_from(self.members.len()).expect("fewer than 4 billion members"));
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether no group is planted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members of group `group` (product numbers); group 0 sells most.
    pub fn group(&self, group: usize) -> &[u32] {
        &self.members[self.starts[group] as usize..self.starts[group + 1] as usize]
    }

    /// Every group, the most sold first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|group| self.group(group))
    }

    /// The largest product number in any group, if there is a group.
    pub(super) fn largest_product(&self) -> Option<u32> {
        self.members.iter().copied().max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_groups_are_disjoint_and_sized_two_to_four() {
        let groups = ProductGroups::random(1000, 250, &mut SplitMix64::new(4));
        assert_eq!(groups.len(), 250);
        let mut seen = vec![false; 1000];
        let mut sizes = [0; 5];
        for members in groups.iter() {
            sizes[members.len()] += 1;
            for &product in members {
                assert!(!seen[product as usize], "{product} is in two groups");
                seen[product as usize] = true;
            }
        }
        assert_eq!(sizes[0] + sizes[1], 0);
        assert!(
            sizes[2] > sizes[3] && sizes[3] > sizes[4] && sizes[4] > 0,
            "{sizes:?}"
        );
    }

    #[test]
    fn pushed_groups_keep_their_order_and_may_share_products() {
        let mut groups = ProductGroups::new();
        assert!(groups.is_empty());
        groups.push(&[3, 1, 4]);
        groups.push(&[1, 5]);
        assert_eq!(groups.iter().collect::<Vec<_>>(), [&[3, 1, 4][..], &[1, 5]]);
        assert_eq!(groups.largest_product(), Some(5));
    }

    #[test]
    #[should_panic(expected = "names a product twice")]
    fn a_group_naming_a_product_twice_is_refused() {
        ProductGroups::new().push(&[2, 7, 2]);
    }
}
