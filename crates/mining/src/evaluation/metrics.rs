//! Ranking metrics of a batch of queries: HitRate@K, Recall@K and catalog coverage.
//!
//! Kept apart from the query loop so the arithmetic can be checked on hand-made
//! rankings, and so per-thread partial results merge exactly (sums, not averages).

/// The cut-offs every metric is reported at.
pub const CUTOFFS: [usize; 4] = [1, 3, 5, 10];

/// Running sums over queries, mergeable across threads.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSums {
    queries: u64,
    hits: [u64; CUTOFFS.len()],
    recall: [f64; CUTOFFS.len()],
    recommended: Vec<bool>,
}

impl MetricSums {
    /// Empty sums for a catalog of `product_count` products (numbered from 0).
    pub fn new(product_count: usize) -> Self {
        MetricSums {
            queries: 0,
            hits: [0; CUTOFFS.len()],
            recall: [0.0; CUTOFFS.len()],
            recommended: vec![false; product_count],
        }
    }

    /// Scores one query: `ranking` is what was recommended, best first (product
    /// numbers); `targets` the held-out products it should have found (distinct, not
    /// empty). Only the first `max(CUTOFFS)` recommendations count, for coverage too.
    pub fn add(&mut self, ranking: &[u32], targets: &[u32]) {
        debug_assert!(
            !targets.is_empty(),
            "a query without targets cannot be scored"
        );
        self.queries += 1;
        let deepest = CUTOFFS[CUTOFFS.len() - 1];
        let ranking = &ranking[..ranking.len().min(deepest)];
        for &product in ranking {
            if let Some(seen) = self.recommended.get_mut(product as usize) {
                *seen = true;
            }
        }
        for (slot, &cutoff) in CUTOFFS.iter().enumerate() {
            let found = ranking
                .iter()
                .take(cutoff)
                .filter(|product| targets.contains(product))
                .count();
            self.hits[slot] += u64::from(found > 0);
            self.recall[slot] += found as f64 / targets.len() as f64;
        }
    }

    /// Adds another batch's sums (same catalog) into these.
    pub fn merge(mut self, other: MetricSums) -> MetricSums {
        self.queries += other.queries;
        for slot in 0..CUTOFFS.len() {
            self.hits[slot] += other.hits[slot];
            self.recall[slot] += other.recall[slot];
        }
        for (seen, other_seen) in self.recommended.iter_mut().zip(other.recommended) {
            *seen |= other_seen;
        }
        self
    }

    /// The averages.
    pub fn metrics(&self) -> QueryMetrics {
        let per_query = |sum: f64| {
            if self.queries == 0 {
                0.0
            } else {
                sum / self.queries as f64
            }
        };
        let distinct = self.recommended.iter().filter(|&&seen| seen).count();
        QueryMetrics {
            queries: self.queries,
            hit_rate: self.hits.map(|hits| per_query(hits as f64)),
            recall: self.recall.map(per_query),
            coverage: if self.recommended.is_empty() {
                0.0
            } else {
                distinct as f64 / self.recommended.len() as f64
            },
        }
    }
}

/// Quality of one kind of query for one recommender.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryMetrics {
    /// Queries asked.
    pub queries: u64,
    /// Per cut-off in [`CUTOFFS`]: share of queries with at least one target among the
    /// first K recommendations.
    pub hit_rate: [f64; CUTOFFS.len()],
    /// Per cut-off: mean over queries of (targets among the first K) / (targets).
    pub recall: [f64; CUTOFFS.len()],
    /// Distinct products recommended in any query's top 10, over all products.
    pub coverage: f64,
}
