//! The stream type: an append-only log of entries, each an ID and ordered
//! field/value pairs, plus consumer groups and IDMP tables.
//!
//! A [`Stream`] is three parts kept side by side, so an operation can read
//! one while it changes another (a group read walks the log while it
//! advances the group): the [`Log`] (`log.rs`: entries and their counters),
//! the [`Groups`](group::Groups) (`group.rs`: positions, PELs, consumers)
//! and the [`Idmp`](idmp::Idmp) tables (`idmp.rs`). Operations that need
//! more than one part live here and in `refs.rs` (deleting and trimming
//! under a reference policy) and `read.rs` (serving group reads and
//! claims). The stream layer never imports from the command layer.
//!
//! # API (stable; consumer groups build on it)
//! ```text
//! Stream::new()                                              Deref to its Log for reads
//! s.next_id(AddId, now_ms) -> Result<StreamId, AddError>   the ID XADD would give (no change)
//! s.append(id, &[f1, v1, f2, v2, ..], NodeLimits)           id must be > last_id(); copies bytes
//! s.add(AddId, now_ms, fields, limits) -> Result<StreamId>   next_id + append
//! s.get(id) -> Option<EntryRef>                              live entry by ID
//! s.range(start, end) / s.rev_range(start, end)              live entries, both ends inclusive,
//!     -> impl Iterator<Item = EntryRef>                      forward / backward; no allocation
//!                                                            per entry
//! EntryRef { id, .. }.fields() -> (Elem, Elem) pairs         Elem::Bytes(&[u8]) | Elem::Int(i64);
//! e.write_resp(&mut Vec<u8>)                                 `*2 id [f v ...]` wire form
//! s.delete(id) -> bool                                       XDEL of one ID (true if it was live)
//! s.trim(Trim, approx, limit) -> u64                         KEEPREF trimming; entries removed
//! s.trim_with_policy(Trim, approx, limit, RefPolicy) -> u64  XTRIM/XADD trimming (refs.rs)
//! s.delete_with_policy(ids, RefPolicy, pending)              XDELEX / XACKDEL (refs.rs)
//! s.meta() -> StreamMeta                                     counters for lag / entries-read
//! s.len(), s.last_id(), s.first_id(), s.entries_added(),
//! s.max_deleted_entry_id(), s.first_entry(), s.last_entry()
//! s.set_last_id / set_entries_added / set_max_deleted        XSETID (checks are the caller's)
//! s.node_count(), s.rax_nodes(), s.memory_usage()            XINFO / MEMORY USAGE
//! ```
//!
//! # Invariants (checked by `check_invariants` in tests)
//! The log's (`log.rs`) and each group's (`group.rs`); between them, a
//! group's `last_id` may be anything (XGROUP SETID), and a pending entry
//! may be gone from the log (XDEL, KEEPREF trimming), which readers show as
//! an ID with a nil body.

pub mod group;
#[cfg(test)]
mod group_model;
pub mod id;
pub mod idmp;
pub mod log;
pub mod node;
pub mod pel;
pub mod rax;
pub mod read;
pub mod refs;

pub use id::StreamId;
pub use log::{
    AddError, AddId, EntryRef, Log, NodeLimits, Range, RevRange, Trim, LISTPACK_MAX_SIZE,
};
pub use node::Elem;

/// One stream value: its log, its consumer groups, its IDMP tables.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// The entries and their counters (`log.rs`).
    pub log: Log,
    /// IDMP settings and tables (Redis 8.6; `idmp.rs`).
    pub idmp: idmp::Idmp,
    /// Consumer groups (`group.rs`).
    pub groups: group::Groups,
}

/// Reads (and log-only changes) go straight to the log: `s.len()`,
/// `s.range(..)`. Code that changes the groups while it reads the log
/// borrows the two fields apart instead (`let Stream { log, groups, .. } = s`).
impl std::ops::Deref for Stream {
    type Target = Log;

    #[inline]
    fn deref(&self) -> &Log {
        &self.log
    }
}

impl std::ops::DerefMut for Stream {
    #[inline]
    fn deref_mut(&mut self) -> &mut Log {
        &mut self.log
    }
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Bytes this stream uses: the struct, the log's nodes and index, the
    /// groups.
    pub fn memory_usage(&self) -> usize {
        std::mem::size_of::<Stream>() + self.log.heap_bytes() + self.groups.memory_usage()
    }

    /// Checks the log's and every group's invariants; panics with a description.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        self.log.check_invariants();
        for (_, g) in self.groups.iter() {
            g.check_invariants();
        }
    }
}

#[cfg(test)]
mod tests;
