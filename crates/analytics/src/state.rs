//! What the fold keeps per list view, (experiment, variant) group, experiment, exposed
//! visitor and purchase: plain records with numbers in place of ids.
//!
//! Its own file because two steps share it: [`super::aggregator`] fills these records
//! event by event, and [`super::finish`] and [`super::estimates`] read them once at the
//! end. Keeping them apart from both lets each step depend on the data, not on the other.

/// Marks a visitor number without a slot in an experiment.
pub(super) const NO_SLOT: u32 = u32::MAX;

/// What one list view (one rendering of one list in one page view) saw.
pub(super) struct ViewState {
    pub(super) group: u32,
    pub(super) exposed: bool,
    pub(super) impressed: bool,
    pub(super) clicked: bool,
    pub(super) added: bool,
}

/// Event counters of one (experiment, variant) group.
#[derive(Default, Clone)]
pub(super) struct GroupCounts {
    pub(super) clicks: u64,
    pub(super) add_to_carts: u64,
}

pub(super) struct VariantState {
    pub(super) name: String,
    pub(super) group: u32,
    pub(super) flagged_holdout: bool,
}

#[derive(Clone, Copy)]
pub(super) struct VisitorExposure {
    pub(super) visitor: u32,
    pub(super) variant: u32,
    pub(super) first_timestamp: i64,
    pub(super) exposures: u32,
    pub(super) several_variants: bool,
}

pub(super) struct ExperimentState {
    pub(super) name: String,
    pub(super) variants: Vec<VariantState>,
    /// Position in `exposed` by visitor number ([`NO_SLOT`] when not exposed).
    pub(super) visitor_slots: Vec<u32>,
    /// Visitors in order of first appearance (a deterministic order for sums).
    pub(super) exposed: Vec<VisitorExposure>,
}

pub(super) struct Purchase {
    pub(super) visitor: u32,
    pub(super) timestamp: i64,
    pub(super) value: f64,
    pub(super) attributed: f64,
    pub(super) currency: u32,
}

impl ExperimentState {
    pub(super) fn record_exposure(&mut self, visitor: u32, variant: u32, timestamp: i64) {
        let index = visitor as usize;
        if index >= self.visitor_slots.len() {
            self.visitor_slots.resize(index + 1, NO_SLOT);
        }
        match self.visitor_slots[index] {
            NO_SLOT => {
                self.visitor_slots[index] = self.exposed.len() as u32;
                self.exposed.push(VisitorExposure {
                    visitor,
                    variant,
                    first_timestamp: timestamp,
                    exposures: 1,
                    several_variants: false,
                });
            }
            slot => {
                let exposure = &mut self.exposed[slot as usize];
                exposure.exposures += 1;
                if exposure.variant != variant {
                    exposure.several_variants = true;
                    // The first exposure decides, whatever order the lines came in.
                    if timestamp < exposure.first_timestamp {
                        exposure.variant = variant;
                    }
                }
                exposure.first_timestamp = exposure.first_timestamp.min(timestamp);
            }
        }
    }
}
