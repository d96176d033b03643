//! The stream type: an append-only log of entries, each an ID and ordered
//! field/value pairs, plus consumer groups.

pub mod id;

pub use id::StreamId;
