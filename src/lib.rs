//! The alsobought widget (being written).
