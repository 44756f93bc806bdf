//! The measurement events contract (`docs/events.md`), shared by everything that writes
//! or reads events: the widget builds them, `alsobought collect` stores them and
//! `alsobought report` counts them. Defined once here so a wire name or the schema
//! version cannot drift between the three.

/// The schema version every event and beacon envelope carries (`v`).
pub const SCHEMA_VERSION: u64 = 1;

/// What happened: an event's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The widget mounted in an experiment and the visitor's variant is known.
    Exposure,
    /// At least half of the rendered widget was visible.
    Impression,
    /// A suggestion's link was followed.
    Click,
    /// The store put suggested products into the cart.
    AddToCart,
    /// An order was placed (`trackPurchase`).
    Purchase,
}

impl EventKind {
    /// Every kind, in funnel order.
    pub const ALL: [EventKind; 5] = [
        EventKind::Exposure,
        EventKind::Impression,
        EventKind::Click,
        EventKind::AddToCart,
        EventKind::Purchase,
    ];

    /// The kind a `type` names, if any.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The `type` value.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Exposure => "exposure",
            EventKind::Impression => "impression",
            EventKind::Click => "click",
            EventKind::AddToCart => "add_to_cart",
            EventKind::Purchase => "purchase",
        }
    }
}

/// Whether `id` looks like a visitor id the widget made: 32 lower-case hex characters.
/// A stored value that does not is replaced by a fresh id.
pub fn is_valid_visitor_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}
