//! The log of a stream: its entries, each an ID and ordered field/value
//! pairs, and the counters Redis keeps about them (last ID, entries added,
//! first and max-deleted IDs). Consumer groups are not here (`group.rs`):
//! a [`Stream`](super::Stream) holds a `Log` and its `Groups` side by side.
//!
//! # Storage
//! Entries live in [`Node`]s, each one byte buffer holding a run of
//! consecutive entries (layout drawn in `node.rs`), indexed by a BTreeMap
//! keyed by each node's first (master) ID. Nodes are cut exactly where Redis
//! cuts its listpacks (`stream-node-max-entries`, `stream-node-max-bytes`
//! measured in emulated listpack bytes), so approximate trimming removes the
//! same entries Redis removes and `radix-tree-keys` agrees.
//!
//! # Invariants (checked by `check_invariants` in tests)
//! - Every live entry's ID is ≤ `last_id` (a deleted one may be above it
//!   after XSETID moved it back; the next append drops such entries);
//!   entries strictly increase across and within nodes; a node's key is its
//!   first entry's ID.
//! - `length` = number of live entries; `entries_added` never decreases
//!   except by XSETID ENTRIESADDED, which may not go below `length`.
//! - `first_id` (Redis's recorded-first-entry-id) is the first live entry's ID,
//!   or 0-0 when empty; `max_deleted` only grows through XDEL (and XSETID).
//! - A node has at least one live entry, except the one case Redis also
//!   allows (exact KEEPREF MINID trimming whose cut stops at a deleted tail
//!   entry).

use super::group::StreamMeta;
use super::node::{self, Head, Node};
use super::{rax, StreamId};
use crate::protocol::raw::{write_array_len, write_bulk, write_int, ARRAY_2, ARRAY_4};
use std::collections::BTreeMap;
use std::ops::Bound;

/// Redis's limit on a listpack's size and on the total size of one entry.
pub const LISTPACK_MAX_SIZE: u64 = 1 << 30;

/// Node bounds read from `stream-node-max-entries` / `stream-node-max-bytes`
/// when an entry is appended (0 means unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLimits {
    pub max_entries: i64,
    pub max_bytes: i64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_entries: 100,
            max_bytes: 4096,
        }
    }
}

/// How XADD's ID argument asks for an ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddId {
    /// `*`
    Auto,
    /// `<ms>-*`
    AutoSeq(u64),
    /// `<ms>-<seq>` (or `<ms>`, seq 0)
    Explicit(StreamId),
}

/// Why an ID cannot be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddError {
    /// Equal or smaller than the last ID.
    TooSmall,
    /// The last ID is the largest possible.
    Exhausted,
}

/// A trimming strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

/// The entries of one stream and their counters (fields: module doc).
#[derive(Debug, Clone, Default)]
pub struct Log {
    nodes: BTreeMap<StreamId, Node>,
    /// Live entries.
    length: u64,
    /// The last ID generated or set by XSETID.
    last_id: StreamId,
    /// The first live entry's ID, 0-0 when empty.
    first_id: StreamId,
    /// The largest ID XDEL deleted (or XSETID set).
    max_deleted: StreamId,
    /// Entries ever appended (or XSETID's ENTRIESADDED).
    entries_added: u64,
    /// Nodes of the rax Redis would index `nodes` with, less its root (so
    /// 0 for an empty log): kept as nodes come and go, so XINFO STREAM's
    /// `radix-tree-nodes` costs O(1) (`rax.rs`).
    rax_nonroot: u64,
}

/// A live entry found in the log.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    pub id: StreamId,
    node: &'a Node,
    head: Head,
}

impl<'a> EntryRef<'a> {
    /// Field/value pairs in the order they were added.
    pub fn fields(&self) -> node::Fields<'a> {
        self.node.fields(&self.head)
    }

    pub fn num_fields(&self) -> usize {
        self.head.nfields as usize
    }

    /// Appends the RESP form `*2\r\n$..id\r\n*2n\r\n...` (the same in RESP2 and RESP3).
    #[inline]
    pub fn write_resp(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(ARRAY_2);
        self.write_id_and_fields(out);
    }

    /// Appends `*4 id [fields] :idle :count`, the form of every entry
    /// XREADGROUP returns when CLAIM is given.
    #[inline]
    pub fn write_claimed(&self, out: &mut Vec<u8>, idle: i64, count: i64) {
        out.extend_from_slice(ARRAY_4);
        self.write_id_and_fields(out);
        write_int(out, idle);
        write_int(out, count);
    }

    #[inline]
    fn write_id_and_fields(&self, out: &mut Vec<u8>) {
        // The ID formatted on the stack: no allocation per entry.
        let mut idb = [0u8; 41];
        let mut b = itoa::Buffer::new();
        let ms = b.format(self.id.ms).as_bytes();
        idb[..ms.len()].copy_from_slice(ms);
        idb[ms.len()] = b'-';
        let mut n = ms.len() + 1;
        let seq = b.format(self.id.seq).as_bytes();
        idb[n..n + seq.len()].copy_from_slice(seq);
        n += seq.len();
        write_bulk(out, &idb[..n]);
        write_array_len(out, self.head.nfields as usize * 2);
        for (f, v) in self.fields() {
            f.write_bulk(out);
            v.write_bulk(out);
        }
    }

    /// The fields as owned byte pairs (for tests and rarely used paths).
    pub fn to_pairs(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.fields()
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect()
    }
}

impl std::fmt::Debug for EntryRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryRef")
            .field("id", &self.id)
            .field("fields", &self.to_pairs())
            .finish()
    }
}

impl Log {
    pub fn new() -> Log {
        Log::default()
    }

    /// Number of live entries.
    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The last ID generated or set (XINFO `last-generated-id`).
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    /// The first live entry's ID, or 0-0 (XINFO `recorded-first-entry-id`).
    pub fn first_id(&self) -> StreamId {
        self.first_id
    }

    pub fn entries_added(&self) -> u64 {
        self.entries_added
    }

    pub fn max_deleted_entry_id(&self) -> StreamId {
        self.max_deleted
    }

    /// Number of nodes (XINFO `radix-tree-keys`).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Node count of the radix tree Redis would use as the index
    /// (XINFO `radix-tree-nodes`).
    pub fn rax_nodes(&self) -> u64 {
        1 + self.rax_nonroot
    }

    /// How the rax node count changes when the node `key` joins the index
    /// (called before inserting it) or leaves it (after removing it).
    fn rax_delta(&self, key: StreamId) -> u64 {
        let pred = self
            .nodes
            .range(..key)
            .next_back()
            .map(|(k, _)| rax::key(*k));
        let succ = self
            .nodes
            .range((Bound::Excluded(key), Bound::Unbounded))
            .next()
            .map(|(k, _)| rax::key(*k));
        rax::insert_delta(&self.nodes, &rax::key(key), pred.as_ref(), succ.as_ref())
    }

    /// Adds a node to the index, keeping the rax count.
    fn insert_node(&mut self, node: Node) {
        let key = node.master;
        self.rax_nonroot += self.rax_delta(key);
        self.nodes.insert(key, node);
    }

    /// Removes the node `key` from the index, keeping the rax count.
    fn remove_node(&mut self, key: StreamId) {
        if self.nodes.remove(&key).is_some() {
            self.rax_nonroot -= self.rax_delta(key);
        }
    }

    /// The ID XADD would give for `spec` now, without changing anything.
    pub fn next_id(&self, spec: AddId, now_ms: u64) -> Result<StreamId, AddError> {
        if self.last_id == StreamId::MAX {
            return Err(AddError::Exhausted);
        }
        let id = match spec {
            AddId::Auto => {
                // One clock drives IDs; a clock behind the last ID continues
                // from it rather than going back.
                if now_ms > self.last_id.ms {
                    StreamId::new(now_ms, 0)
                } else {
                    self.last_id.next().ok_or(AddError::Exhausted)?
                }
            }
            AddId::AutoSeq(ms) => {
                if ms == self.last_id.ms {
                    if self.last_id.seq == u64::MAX {
                        return Err(AddError::TooSmall);
                    }
                    StreamId::new(ms, self.last_id.seq + 1)
                } else {
                    StreamId::new(ms, 0)
                }
            }
            AddId::Explicit(id) => id,
        };
        if id <= self.last_id {
            return Err(AddError::TooSmall);
        }
        Ok(id)
    }

    /// Appends an entry (`fields` are flattened name/value pairs). `id` must be
    /// greater than [`Log::last_id`]. The bytes are copied.
    pub fn append<F: AsRef<[u8]>>(&mut self, id: StreamId, fields: &[F], limits: NodeLimits) {
        assert!(id > self.last_id, "append {id} after {}", self.last_id);
        self.drop_dead_tail(id);
        let refs: smallvec_like::Refs<'_> = smallvec_like::Refs::new(fields);
        let fields = refs.as_slice();
        debug_assert!(fields.len() % 2 == 0 && !fields.is_empty());
        let total: u64 = fields.iter().map(|f| f.len() as u64).sum();
        let tail_fits = match self.nodes.last_key_value() {
            None => false,
            Some((_, tail)) => {
                let mut max_bytes = limits.max_bytes as u64;
                if limits.max_bytes <= 0 || max_bytes > LISTPACK_MAX_SIZE {
                    max_bytes = LISTPACK_MAX_SIZE;
                }
                if tail.lp_bytes() + total >= max_bytes {
                    false
                } else {
                    !(limits.max_entries > 0 && tail.stored() as i64 >= limits.max_entries)
                }
            }
        };
        if tail_fits {
            let mut tail = self.nodes.last_entry().expect("tail");
            tail.get_mut().append(id, fields);
        } else {
            if let Some(mut tail) = self.nodes.last_entry() {
                tail.get_mut().seal();
            }
            self.insert_node(Node::new(id, fields));
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
    }

    /// After XSETID moved the last ID back over deleted entries, removes the
    /// deleted entries at or above `id` so IDs keep increasing through the log.
    fn drop_dead_tail(&mut self, id: StreamId) {
        while let Some(mut tail) = self.nodes.last_entry() {
            let node = tail.get_mut();
            if node.last < id {
                return;
            }
            let mut prev = node.master;
            let mut cut = None;
            for h in node.heads() {
                if h.id >= id {
                    cut = Some((h, prev));
                    break;
                }
                prev = h.id;
            }
            let (h, prev) = cut.expect("last >= id");
            if h.at == node.entries_at as usize {
                let key = *tail.key();
                self.remove_node(key);
            } else {
                node.truncate_at(&h, prev);
                return;
            }
        }
    }

    /// [`Log::next_id`] then [`Log::append`].
    pub fn add<F: AsRef<[u8]>>(
        &mut self,
        spec: AddId,
        now_ms: u64,
        fields: &[F],
        limits: NodeLimits,
    ) -> Result<StreamId, AddError> {
        let id = self.next_id(spec, now_ms)?;
        self.append(id, fields, limits);
        Ok(id)
    }

    /// The node that would hold `id`: the last one whose master ID is ≤ `id`.
    fn node_for(&self, id: StreamId) -> Option<(&StreamId, &Node)> {
        self.nodes.range(..=id).next_back()
    }

    /// The live entry with this ID.
    pub fn get(&self, id: StreamId) -> Option<EntryRef<'_>> {
        let (_, node) = self.node_for(id)?;
        if node.last < id {
            return None;
        }
        for h in node.heads() {
            if h.id == id {
                return (!h.deleted()).then_some(EntryRef { id, node, head: h });
            }
            if h.id > id {
                break;
            }
        }
        None
    }

    /// Live entries with `start <= id <= end`, in order.
    pub fn range(&self, start: StreamId, end: StreamId) -> Range<'_> {
        let mut nodes = if start > end {
            self.nodes.range(StreamId::MAX..StreamId::MAX)
        } else {
            // Begin with the node that may hold `start`.
            let from = self
                .node_for(start)
                .map(|(k, _)| *k)
                .unwrap_or(StreamId::MIN);
            self.nodes
                .range((Bound::Included(from), Bound::Included(end)))
        };
        let cur = nodes.next().map(|(_, n)| n.heads_with_node());
        Range {
            nodes,
            cur,
            start,
            end,
        }
    }

    /// Live entries with `start <= id <= end`, last first.
    pub fn rev_range(&self, start: StreamId, end: StreamId) -> RevRange<'_> {
        let nodes = if start > end {
            self.nodes.range(StreamId::MAX..StreamId::MAX)
        } else {
            let from = self
                .node_for(start)
                .map(|(k, _)| *k)
                .unwrap_or(StreamId::MIN);
            self.nodes
                .range((Bound::Included(from), Bound::Included(end)))
        };
        RevRange {
            nodes,
            node: None,
            heads: Vec::new(),
            start,
            end,
        }
    }

    /// The first live entry.
    pub fn first_entry(&self) -> Option<EntryRef<'_>> {
        self.range(StreamId::MIN, StreamId::MAX).next()
    }

    /// The last live entry (one forward pass over the tail node, no allocation).
    /// The ID of the last live entry, as `last_entry().map(|e| e.id)`, but
    /// without decoding the tail node when it has no deleted entry (then its
    /// last entry is live): the readers' "is there anything new" check.
    pub fn last_live_id(&self) -> Option<StreamId> {
        let node = self.nodes.values().rev().find(|n| n.live > 0)?;
        if node.deleted == 0 {
            return Some(node.last);
        }
        node.heads().filter(|h| !h.deleted()).last().map(|h| h.id)
    }

    pub fn last_entry(&self) -> Option<EntryRef<'_>> {
        for node in self.nodes.values().rev() {
            if node.live == 0 {
                continue;
            }
            let head = node.heads().filter(|h| !h.deleted()).last()?;
            return Some(EntryRef {
                id: head.id,
                node,
                head,
            });
        }
        None
    }

    /// Deletes the live entry `id` (XDEL); true when there was one. Updates
    /// `max_deleted_entry_id` and the recorded first ID as Redis does.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&key, node)) = self.nodes.range_mut(..=id).next_back() else {
            return false;
        };
        if node.last < id {
            return false;
        }
        let Some(h) = node.heads().take_while(|h| h.id <= id).find(|h| h.id == id) else {
            return false;
        };
        if h.deleted() {
            return false;
        }
        if node.live == 1 {
            self.remove_node(key);
        } else {
            node.mark_deleted(h.at);
        }
        self.length -= 1;
        if id > self.max_deleted {
            self.max_deleted = id;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if id == self.first_id {
            self.first_id = self.first_entry().map(|e| e.id).unwrap_or_default();
        }
        true
    }

    /// Trims the head of the log (XTRIM / XADD's trimming) the KEEPREF way,
    /// Redis's algorithm: whole nodes while allowed, then, unless `approx`,
    /// entries inside the next node. `limit` (0 = none) caps the entries
    /// removed by whole-node removal. Returns the number of entries removed.
    pub fn trim(&mut self, strategy: Trim, approx: bool, limit: u64) -> u64 {
        self.trim_walk(strategy, approx, limit, None::<fn(StreamId, bool) -> bool>)
    }

    /// Trims the head of the log for `DELREF` / `ACKED` (Redis's `streamTrim`
    /// with a non-KEEPREF strategy, see `refs.rs`). `visit(id, live)` is
    /// called for every entry of the trimmed range in ID order, deleted ones
    /// (`live == false`) included; for a live entry it returns whether to
    /// delete it. `~` does not stop the walk early; `limit` (0 = none) stops
    /// before a node whose live entries would bring the deleted count over
    /// it. Returns the number of entries deleted.
    pub fn trim_checked(
        &mut self,
        strategy: Trim,
        limit: u64,
        visit: impl FnMut(StreamId, bool) -> bool,
    ) -> u64 {
        self.trim_walk(strategy, false, limit, Some(visit))
    }

    /// The one trimming walk. Without `visit` (KEEPREF) a node the bound
    /// allows to go is dropped whole, unread, and `approx` stops at the first
    /// node that must stay; with `visit` every entry of the range is offered
    /// to it, so entries a group still needs can stay, and a node left
    /// without live entries is removed (Redis PR #15815). In both, the walk
    /// ends inside the first node the bound does not allow to go whole.
    /// `max_deleted` is not changed by trimming (as in Redis).
    fn trim_walk<V: FnMut(StreamId, bool) -> bool>(
        &mut self,
        strategy: Trim,
        approx: bool,
        limit: u64,
        mut visit: Option<V>,
    ) -> u64 {
        let mut deleted: u64 = 0;
        // Nodes before `from` were kept whole by `visit`.
        let mut from = StreamId::MIN;
        loop {
            if let Trim::MaxLen(max) = strategy {
                if self.length <= max {
                    break;
                }
            }
            let Some((&key, node)) = self.nodes.range_mut(from..).next() else {
                break;
            };
            let entries = node.live as u64;
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let whole = match strategy {
                Trim::MaxLen(max) => self.length - entries >= max,
                Trim::MinId(min) => node.last < min,
            };
            if visit.is_none() {
                if whole {
                    self.remove_node(key);
                    self.length -= entries;
                    deleted += entries;
                    continue;
                }
                if approx {
                    break;
                }
            }
            // Mark entries inside this node deleted until the bound is met.
            let mut marks = Vec::new();
            let mut length = self.length;
            for h in node.heads() {
                let stop = match strategy {
                    Trim::MaxLen(max) => length <= max,
                    Trim::MinId(min) => h.id >= min,
                };
                if stop {
                    break;
                }
                let delete = match visit.as_mut() {
                    None => !h.deleted(),
                    Some(v) => v(h.id, !h.deleted()) && !h.deleted(),
                };
                if delete {
                    marks.push(h.at);
                    length -= 1;
                }
            }
            for at in &marks {
                node.mark_deleted(*at);
            }
            self.length = length;
            deleted += marks.len() as u64;
            if visit.is_some() && node.live == 0 {
                self.remove_node(key);
            }
            if !whole {
                break;
            }
            // Continue after this node (whether or not it is still there).
            match key.next() {
                Some(n) => from = n,
                None => break,
            }
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.first_id = self.first_entry().map(|e| e.id).unwrap_or_default();
        }
        deleted
    }

    /// XSETID's effect (the caller checks the arguments against the log).
    pub fn set_last_id(&mut self, id: StreamId) {
        self.last_id = id;
    }

    pub fn set_entries_added(&mut self, n: u64) {
        self.entries_added = n;
    }

    pub fn set_max_deleted(&mut self, id: StreamId) {
        self.max_deleted = id;
    }

    /// Heap bytes the log uses: each node's buffer capacity and struct, and
    /// the index's per-node overhead (a B-tree leaf holds up to 11 keys and
    /// values; count a node's share of it plus internal nodes).
    pub fn heap_bytes(&self) -> usize {
        let per_node_index = std::mem::size_of::<StreamId>() + std::mem::size_of::<Node>();
        // B-tree leaves are on average ~2/3 full: add half the slot size again
        // for empty slots, plus the leaf/internal headers (~16 bytes per slot).
        let index_slot = per_node_index + per_node_index / 2 + 16;
        let buffers: usize = self.nodes.values().map(|n| n.heap_bytes()).sum();
        buffers + self.nodes.len() * index_slot
    }

    /// The counters lag and entries-read are computed from.
    pub fn meta(&self) -> StreamMeta {
        StreamMeta {
            length: self.length,
            entries_added: self.entries_added,
            first_id: self.first_id,
            last_id: self.last_id,
            max_deleted: self.max_deleted,
        }
    }

    /// Every node's (master ID, live, deleted) — for XINFO FULL-like
    /// introspection and tests.
    pub fn nodes_summary(&self) -> impl Iterator<Item = (StreamId, u32, u32)> + '_ {
        self.nodes.iter().map(|(k, n)| (*k, n.live, n.deleted))
    }

    /// Checks every invariant in the module doc; panics with a description.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        let mut live = 0u64;
        let mut prev: Option<StreamId> = None;
        let mut first_live = None;
        for (k, n) in &self.nodes {
            assert_eq!(*k, n.master, "node key is its master ID");
            let heads: Vec<Head> = n.heads().collect();
            assert_eq!(heads.len() as u32, n.stored(), "stored count");
            assert_eq!(heads[0].id, *k, "first entry is the master ID");
            assert_eq!(heads.last().unwrap().id, n.last, "node last");
            let nl = heads.iter().filter(|h| !h.deleted()).count() as u32;
            let lp: u64 =
                n.master_lp_size() + heads.iter().map(|h| n.entry_lp_size(h)).sum::<u64>();
            assert_eq!(lp, n.lp_rest, "emulated listpack size");
            assert_eq!(nl, n.live, "live count");
            for h in &heads {
                if let Some(p) = prev {
                    assert!(h.id > p, "IDs increase: {p} then {}", h.id);
                }
                prev = Some(h.id);
                if !h.deleted() {
                    assert!(
                        h.id <= self.last_id,
                        "entry {} above {}",
                        h.id,
                        self.last_id
                    );
                }
                if !h.deleted() && first_live.is_none() {
                    first_live = Some(h.id);
                }
            }
            live += nl as u64;
        }
        assert_eq!(live, self.length, "length");
        let keys: Vec<[u8; 16]> = self.nodes.keys().map(|&k| rax::key(k)).collect();
        assert_eq!(
            self.rax_nodes(),
            rax::node_count(&keys),
            "kept radix-tree-nodes is the recomputed one"
        );
        assert_eq!(first_live.unwrap_or_default(), self.first_id, "first id");
        assert!(self.entries_added >= self.length, "entries_added >= length");
    }
}

/// Forward iteration over a range.
pub struct Range<'a> {
    nodes: std::collections::btree_map::Range<'a, StreamId, Node>,
    cur: Option<(&'a Node, node::Heads<'a>)>,
    start: StreamId,
    end: StreamId,
}

impl Node {
    fn heads_with_node(&self) -> (&Node, node::Heads<'_>) {
        (self, self.heads())
    }
}

impl<'a> Iterator for Range<'a> {
    type Item = EntryRef<'a>;
    fn next(&mut self) -> Option<EntryRef<'a>> {
        loop {
            let (node, heads) = self.cur.as_mut()?;
            let node: &'a Node = node;
            for h in heads.by_ref() {
                if h.id > self.end {
                    self.cur = None;
                    return None;
                }
                if h.id >= self.start && !h.deleted() {
                    return Some(EntryRef {
                        id: h.id,
                        node,
                        head: h,
                    });
                }
            }
            self.cur = self.nodes.next().map(|(_, n)| n.heads_with_node());
        }
    }
}

/// Backward iteration over a range.
pub struct RevRange<'a> {
    nodes: std::collections::btree_map::Range<'a, StreamId, Node>,
    node: Option<&'a Node>,
    /// Headers of the current node still to visit (visited from the back).
    heads: Vec<Head>,
    start: StreamId,
    end: StreamId,
}

impl<'a> Iterator for RevRange<'a> {
    type Item = EntryRef<'a>;
    fn next(&mut self) -> Option<EntryRef<'a>> {
        loop {
            if let Some(node) = self.node {
                while let Some(h) = self.heads.pop() {
                    if h.id < self.start {
                        self.node = None;
                        self.heads.clear();
                        self.nodes = Default::default();
                        return None;
                    }
                    if h.id <= self.end && !h.deleted() {
                        return Some(EntryRef {
                            id: h.id,
                            node,
                            head: h,
                        });
                    }
                }
            }
            let (_, n) = self.nodes.next_back()?;
            self.node = Some(n);
            self.heads.clear();
            self.heads.extend(n.heads());
        }
    }
}

/// Borrowed slices of the fields without a heap allocation for small entries.
mod smallvec_like {
    pub struct Refs<'a> {
        inline: [&'a [u8]; 8],
        heap: Vec<&'a [u8]>,
        n: usize,
    }

    impl<'a> Refs<'a> {
        pub fn new<F: AsRef<[u8]>>(fields: &'a [F]) -> Refs<'a> {
            let mut r = Refs {
                inline: [&[]; 8],
                heap: Vec::new(),
                n: fields.len(),
            };
            if fields.len() <= 8 {
                for (d, f) in r.inline.iter_mut().zip(fields) {
                    *d = f.as_ref();
                }
            } else {
                r.heap = fields.iter().map(|f| f.as_ref()).collect();
            }
            r
        }

        pub fn as_slice(&self) -> &[&'a [u8]] {
            if self.n <= 8 {
                &self.inline[..self.n]
            } else {
                &self.heap
            }
        }
    }
}
