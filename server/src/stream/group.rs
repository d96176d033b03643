//! Consumer groups of one stream: each group's position in the stream, its
//! pending entries list (PEL) and its consumers, with Redis's rules for
//! delivery, acknowledgement, claiming, `entries-read` and lag.
//!
//! This module knows nothing of the stream's entries: callers pass the
//! stream's counters as a [`StreamMeta`] and answer "does this entry still
//! exist?" with a closure, so the same code serves every command and the
//! model-based tests.
//!
//! # Layout
//! A group keeps one [`ChunkMap`] from entry ID to a packed NACK (consumer
//! slot, delivery count, last delivery time: 16 bytes, inline), and each
//! consumer keeps a [`ChunkMap`] of the IDs it owns (16 bytes each, inline).
//! Consumers live in a slot vector indexed by the `u32` a NACK stores, and
//! are found by name through an ordered map (Redis lists consumers in byte
//! order).
//!
//! ## Delivery counts
//! Redis keeps a 64-bit unsigned count per NACK and replies with it as a
//! signed 64-bit integer; so does Sluice, exactly (see [`Nack::count`]). A
//! plain `u64` field would make the packed NACK 24 bytes (the `u32` slot
//! pads it) and a pending entry cost 57 bytes instead of 49 (both measured
//! with `groups_compare`: docs/benchmarks.md, run 4). Counts of 2^32 - 1
//! and more only come from `XCLAIM ... RETRYCOUNT`, `XNACK ... RETRYCOUNT` /
//! `FATAL` (LLONG_MAX) or four billion redeliveries, so the packed NACK
//! keeps the count in 32 bits and the value [`BIG_COUNT`] means "the count
//! is in `big`", a side map from ID to the full count that is empty for
//! ordinary groups (one branch on the hot paths, no memory). Every write and
//! removal of a group PEL entry goes through `put`/`put_new`/`unpend`, which
//! keep the two in step; readers get [`Nack`]s with the full count.
//!
//! # Invariants
//! - An entry is pending in a group iff it is a key of the group's PEL.
//! - Each pending entry is in exactly one consumer's PEL: the one its NACK
//!   names; a consumer's PEL holds exactly the group PEL entries naming it.
//! - Every NACK names a live consumer slot; `names` maps each live consumer's
//!   name to its slot and nothing else; freed slots are in `free`.
//! - `big`'s keys are exactly the pending entries whose packed count is
//!   [`BIG_COUNT`], and its values are all `>= BIG_COUNT`.
//! - `entries_read` is -1 (unknown) or a count of entries up to `last_id`.
//!
//! `Group::check_invariants` (tests) asserts all of these.

use super::pel::{ChunkMap, Timed};
use super::StreamId;
use bytes::Bytes;
use std::collections::BTreeMap;

/// Redis 8.x: XNACK's unowned entries and the XREADGROUP CLAIM order.
pub mod nack;

/// `entries_read` value meaning "not known".
pub const INVALID_ENTRIES_READ: i64 = -1;

/// One pending entry: who has it, since when, how many deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nack {
    /// Last delivery time, ms since the epoch (signed like Redis's `mstime_t`
    /// so `XCLAIM TIME` values in the future compare as Redis compares them).
    pub time: u64,
    /// Consumer slot.
    pub consumer: u32,
    /// Delivery count: Redis's `uint64_t delivery_count`, with its unsigned
    /// arithmetic (increments wrap; replies show it as a signed 64-bit
    /// integer, so counts past LLONG_MAX read back negative).
    pub count: u64,
}

/// A packed count meaning "the count is in the group's `big` map".
pub const BIG_COUNT: u32 = u32::MAX;

/// A [`Nack`] as the group PEL stores it: 16 bytes, the count in 32 bits
/// or [`BIG_COUNT`] (module doc, "Delivery counts").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Packed {
    time: u64,
    consumer: u32,
    count: u32,
}

impl Timed for Packed {
    fn time(&self) -> u64 {
        self.time
    }
}

impl Packed {
    fn new(n: &Nack) -> Packed {
        Packed {
            time: n.time,
            consumer: n.consumer,
            count: n.count.min(BIG_COUNT as u64) as u32,
        }
    }

    fn is_big(&self) -> bool {
        self.count == BIG_COUNT
    }
}

/// The stream counters lag and `entries-read` are computed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamMeta {
    /// Live entries.
    pub length: u64,
    /// Entries ever added.
    pub entries_added: u64,
    /// First live entry (0-0 when empty).
    pub first_id: StreamId,
    /// Last ID ever generated (may be deleted).
    pub last_id: StreamId,
    /// Largest ID ever deleted by XDEL (0-0 if none).
    pub max_deleted: StreamId,
}

impl StreamMeta {
    /// Whether a tombstone may lie in `start..` (Redis's
    /// `streamRangeHasTombstones` with an open end).
    pub fn has_tombstones_from(&self, start: StreamId) -> bool {
        if self.length == 0 || self.max_deleted.is_zero() {
            return false;
        }
        start <= self.max_deleted
    }

    /// The logical read counter of `id` when it can be known, else -1 (Redis's
    /// `streamEstimateDistanceFromFirstEverEntry`).
    pub fn estimate_distance(&self, id: StreamId) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        if self.length == 0 && id <= self.last_id {
            return self.entries_added as i64;
        }
        if !id.is_zero() && id < self.max_deleted {
            return INVALID_ENTRIES_READ;
        }
        if id == self.last_id {
            return self.entries_added as i64;
        }
        if id > self.last_id {
            return INVALID_ENTRIES_READ;
        }
        if self.max_deleted.is_zero() || self.max_deleted < self.first_id {
            if id < self.first_id {
                return (self.entries_added - self.length) as i64;
            }
            if id == self.first_id {
                return (self.entries_added - self.length + 1) as i64;
            }
        }
        INVALID_ENTRIES_READ
    }
}

/// A consumer of a group.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub name: Bytes,
    /// Last attempted interaction (read or claim), ms.
    pub seen_time: u64,
    /// Last successful read or claim, ms; -1 never.
    pub active_time: i64,
    /// IDs pending for this consumer.
    pub pel: ChunkMap<()>,
}

/// One consumer group.
#[derive(Debug, Clone)]
pub struct Group {
    /// Last delivered ID.
    pub last_id: StreamId,
    /// Entries read up to `last_id`, or -1 when unknown.
    pub entries_read: i64,
    pel: ChunkMap<Packed>,
    /// Full counts of the entries whose packed count is [`BIG_COUNT`].
    big: BTreeMap<StreamId, u64>,
    names: BTreeMap<Bytes, u32>,
    slots: Vec<Option<Consumer>>,
    free: Vec<u32>,
}

/// What XCLAIM does to one entry (parsed options).
#[derive(Clone, Copy, Debug)]
pub struct ClaimOpts {
    pub min_idle: i64,
    /// Delivery time to set.
    pub time: u64,
    /// RETRYCOUNT, or None to count this delivery (unless JUSTID).
    pub retry_count: Option<u64>,
    pub force: bool,
    pub justid: bool,
}

/// One XPENDING extended row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRow {
    pub id: StreamId,
    pub consumer: Bytes,
    pub idle: i64,
    pub count: u64,
}

/// XAUTOCLAIM's options.
#[derive(Clone, Copy, Debug)]
pub struct AutoClaimOpts {
    pub min_idle: i64,
    /// Most entries to claim or drop (the scan visits at most ten times as many).
    pub count: usize,
    pub justid: bool,
}

/// The result of an XAUTOCLAIM scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoClaim {
    pub next: StreamId,
    pub claimed: Vec<StreamId>,
    pub deleted: Vec<StreamId>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: ChunkMap::new(),
            big: BTreeMap::new(),
            names: BTreeMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    pub fn pending_len(&self) -> usize {
        self.pel.len()
    }

    pub fn consumer_count(&self) -> usize {
        self.names.len()
    }

    pub fn nack(&self, id: StreamId) -> Option<Nack> {
        self.pel.get(id).map(|p| self.unpack(id, p))
    }

    /// The full NACK of a packed PEL value.
    fn unpack(&self, id: StreamId, p: &Packed) -> Nack {
        let count = if p.is_big() {
            *self.big.get(&id).expect("big counts are in `big`")
        } else {
            p.count as u64
        };
        Nack {
            time: p.time,
            consumer: p.consumer,
            count,
        }
    }

    /// Keeps `big` in step with a packed value written for `id`, given the
    /// value it replaced.
    fn sync_big(&mut self, id: StreamId, n: &Nack, old: Option<Packed>) {
        if n.count >= BIG_COUNT as u64 {
            self.big.insert(id, n.count);
        } else if old.is_some_and(|o| o.is_big()) {
            self.big.remove(&id);
        }
    }

    /// Stores the NACK of an entry that is already pending.
    fn put(&mut self, id: StreamId, n: Nack) {
        let old = self.pel.set(id, Packed::new(&n));
        debug_assert!(old.is_some(), "put of an entry that is not pending");
        self.sync_big(id, &n, old);
    }

    /// Stores the NACK of an entry that may or may not be pending; returns
    /// the previous owner's slot when it was.
    fn put_new(&mut self, id: StreamId, n: Nack) -> Option<u32> {
        let old = self.pel.insert(id, Packed::new(&n));
        self.sync_big(id, &n, old);
        old.map(|o| o.consumer)
    }

    /// Removes an entry from the group PEL (not from its consumer's).
    fn unpend(&mut self, id: StreamId) -> Option<Packed> {
        let p = self.pel.remove(id)?;
        if p.is_big() {
            self.big.remove(&id);
        }
        Some(p)
    }

    pub fn consumer_slot(&self, name: &[u8]) -> Option<u32> {
        self.names.get(name).copied()
    }

    pub fn consumer(&self, slot: u32) -> &Consumer {
        self.slots[slot as usize]
            .as_ref()
            .expect("NACKs name live consumers")
    }

    fn consumer_mut(&mut self, slot: u32) -> &mut Consumer {
        self.slots[slot as usize]
            .as_mut()
            .expect("NACKs name live consumers")
    }

    /// Consumers in name order.
    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> + '_ {
        self.names.values().map(|&s| self.consumer(s))
    }

    /// Finds or creates a consumer; returns its slot and whether it was created.
    pub fn get_or_create_consumer(&mut self, name: &[u8], now: u64) -> (u32, bool) {
        if let Some(s) = self.consumer_slot(name) {
            return (s, false);
        }
        let name = Bytes::copy_from_slice(name);
        let c = Consumer {
            name: name.clone(),
            seen_time: now,
            active_time: -1,
            pel: ChunkMap::new(),
        };
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(c);
                s
            }
            None => {
                self.slots.push(Some(c));
                (self.slots.len() - 1) as u32
            }
        };
        self.names.insert(name, slot);
        (slot, true)
    }

    /// Marks an attempted interaction (XREADGROUP, XCLAIM, XAUTOCLAIM).
    pub fn touch_seen(&mut self, slot: u32, now: u64) {
        self.consumer_mut(slot).seen_time = now;
    }

    /// Removes a consumer and its pending entries; returns how many it had,
    /// or None when there is no such consumer.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let slot = self.names.remove(name)?;
        let c = self.slots[slot as usize].take().expect("live slot");
        for (id, ()) in c.pel.iter() {
            self.unpend(id);
        }
        self.free.push(slot);
        Some(c.pel.len())
    }

    /// Moves the group past `id` as it delivers it, keeping `entries_read`
    /// exact when it can (the bookkeeping of Redis's `streamReplyWithRange`).
    pub fn advance(&mut self, id: StreamId, meta: &StreamMeta) {
        if id <= self.last_id {
            return;
        }
        if self.entries_read != INVALID_ENTRIES_READ
            && self.last_id >= meta.first_id
            && !meta.has_tombstones_from(self.last_id)
        {
            self.entries_read += 1;
        } else if meta.entries_added != 0 {
            self.entries_read = meta.estimate_distance(id);
        }
        self.last_id = id;
    }

    /// Records a new delivery of `id` to `slot` (XREADGROUP `>` without
    /// NOACK): a new NACK, or an existing one reassigned with its count reset
    /// (possible after XGROUP SETID moved the group back).
    pub fn deliver(&mut self, id: StreamId, slot: u32, now: u64) {
        let nack = Nack {
            time: now,
            consumer: slot,
            count: 1,
        };
        if let Some(owner) = self.put_new(id, nack) {
            if owner != slot {
                self.consumer_mut(owner).pel.remove(id);
            }
        }
        let c = self.consumer_mut(slot);
        c.pel.insert(id, ());
        c.active_time = now as i64;
    }

    /// The consumer's pending IDs after `start` (inclusive), at most `count`
    /// (0 = all): what XREADGROUP with an explicit ID re-reads.
    pub fn consumer_history(&self, slot: u32, start: StreamId, count: usize) -> Vec<StreamId> {
        let it = self
            .consumer(slot)
            .pel
            .range(start, StreamId::MAX)
            .map(|(id, ())| id);
        if count == 0 {
            it.collect()
        } else {
            it.take(count).collect()
        }
    }

    /// Counts a re-delivery of a pending entry (history re-read of an entry
    /// that still exists): Redis's `delivery_count++`, unsigned, so it wraps.
    pub fn redeliver(&mut self, id: StreamId, now: u64) {
        if let Some(mut n) = self.nack(id) {
            n.time = now;
            n.count = n.count.wrapping_add(1);
            self.put(id, n);
        }
    }

    /// Acknowledges `id`; true when it was pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        match self.unpend(id) {
            Some(n) => {
                self.consumer_mut(n.consumer).pel.remove(id);
                true
            }
            None => false,
        }
    }

    /// XPENDING summary: count, smallest and largest pending ID, and the
    /// consumers that have pending entries (name order) with their counts.
    #[allow(clippy::type_complexity)]
    pub fn pending_summary(&self) -> (usize, Option<(StreamId, StreamId)>, Vec<(Bytes, usize)>) {
        let n = self.pel.len();
        let Some((first, _)) = self.pel.first() else {
            return (0, None, Vec::new());
        };
        let last = self.pel.last().expect("non-empty").0;
        let per = self
            .consumers()
            .filter(|c| !c.pel.is_empty())
            .map(|c| (c.name.clone(), c.pel.len()))
            .collect();
        (n, Some((first, last)), per)
    }

    /// XPENDING extended form: entries in `start..=end` (of one consumer when
    /// `consumer` is Some), idle for at least `min_idle` ms when non-zero.
    pub fn pending_range(
        &self,
        start: StreamId,
        end: StreamId,
        count: usize,
        min_idle: i64,
        consumer: Option<u32>,
        now: u64,
    ) -> Vec<PendingRow> {
        let mut out = Vec::new();
        if count == 0 || start > end {
            return out;
        }
        let row = |id: StreamId, p: Packed| {
            let n = self.unpack(id, &p);
            PendingRow {
                id,
                consumer: self.consumer(n.consumer).name.clone(),
                // XNACK'ed entries (delivery time 0 in Redis) show -1.
                idle: if self.is_unowned(&n) {
                    -1
                } else {
                    (now as i64 - n.time as i64).max(0)
                },
                count: n.count,
            }
        };
        let idle_ok = |n: &Packed| min_idle == 0 || (now as i64 - n.time as i64) >= min_idle;
        match consumer {
            Some(slot) => {
                for (id, ()) in self.consumer(slot).pel.range(start, end) {
                    let n = *self
                        .pel
                        .get(id)
                        .expect("consumer PEL entries are in the group PEL");
                    if idle_ok(&n) {
                        out.push(row(id, n));
                        if out.len() == count {
                            break;
                        }
                    }
                }
            }
            None => {
                // With a minimum idle time, chunks whose entries were all
                // delivered after `now - min_idle` are skipped unread.
                let max_time = if min_idle > 0 {
                    (now as i64).saturating_sub(min_idle).max(0) as u64
                } else {
                    u64::MAX
                };
                for (id, n) in self.pel.range_up_to_time(start, end, max_time) {
                    if idle_ok(&n) {
                        out.push(row(id, n));
                        if out.len() == count {
                            break;
                        }
                    }
                }
            }
        }
        out
    }

    /// Moves a pending entry to `slot`, setting its time and count.
    fn reassign(&mut self, id: StreamId, mut n: Nack, slot: u32, time: u64, count: u64) {
        if n.consumer != slot {
            self.consumer_mut(n.consumer).pel.remove(id);
            self.consumer_mut(slot).pel.insert(id, ());
        }
        n.consumer = slot;
        n.time = time;
        n.count = count;
        self.put(id, n);
    }

    /// XCLAIM of one ID by `slot`. `exists` says whether the entry is still in
    /// the stream. Returns true when the entry was claimed (and so is
    /// returned to the client). A pending entry that no longer exists is
    /// dropped from the PEL.
    pub fn claim(
        &mut self,
        id: StreamId,
        slot: u32,
        o: &ClaimOpts,
        now: u64,
        exists: bool,
    ) -> bool {
        let current = self.nack(id);
        if !exists {
            if current.is_some() {
                self.ack(id);
            }
            return false;
        }
        let n = match current {
            Some(n) => {
                // An entry released by XNACK is claimable whatever the idle time.
                if o.min_idle != 0
                    && !self.is_unowned(&n)
                    && (now as i64 - n.time as i64) < o.min_idle
                {
                    return false;
                }
                n
            }
            None if o.force => {
                // A forced NACK starts as Redis's does: count 1, no owner yet.
                let n = Nack {
                    time: now,
                    consumer: slot,
                    count: 1,
                };
                self.put_new(id, n);
                self.consumer_mut(slot).pel.insert(id, ());
                n
            }
            None => return false,
        };
        // Redis: RETRYCOUNT sets the count, else `delivery_count++` (unsigned,
        // wrapping) unless JUSTID.
        let count = match o.retry_count {
            Some(c) => c,
            None if !o.justid => n.count.wrapping_add(1),
            None => n.count,
        };
        self.reassign(id, n, slot, o.time, count);
        self.consumer_mut(slot).active_time = now as i64;
        true
    }

    /// XAUTOCLAIM: scans the PEL from `start` visiting at most `count * 10`
    /// entries, claiming for `slot` those idle for `min_idle` ms, dropping
    /// those no longer in the stream, until `count` are claimed or dropped.
    pub fn autoclaim(
        &mut self,
        start: StreamId,
        slot: u32,
        o: AutoClaimOpts,
        now: u64,
        mut exists: impl FnMut(StreamId) -> bool,
    ) -> AutoClaim {
        let AutoClaimOpts {
            min_idle,
            count,
            justid,
        } = o;
        let mut out = AutoClaim::default();
        let mut left = count;
        let mut attempts = count.saturating_mul(10);
        let mut cursor = Some(start);
        while attempts > 0 && left > 0 {
            attempts -= 1;
            let Some((id, p)) = cursor.and_then(|c| self.pel.first_from(c)) else {
                cursor = None;
                break;
            };
            let n = self.unpack(id, &p);
            cursor = id.next();
            if !exists(id) {
                self.ack(id);
                out.deleted.push(id);
                left -= 1;
                continue;
            }
            if min_idle != 0 && (now as i64 - n.time as i64) < min_idle {
                continue;
            }
            let c = if justid {
                n.count
            } else {
                n.count.wrapping_add(1)
            };
            self.reassign(id, n, slot, now, c);
            self.consumer_mut(slot).active_time = now as i64;
            out.claimed.push(id);
            left -= 1;
        }
        out.next = cursor
            .and_then(|c| self.pel.first_from(c))
            .map(|(id, _)| id)
            .unwrap_or(StreamId::MIN);
        out
    }

    /// The group's lag (entries not yet delivered), or None when it cannot be
    /// known (Redis's `streamReplyWithCGLag`).
    pub fn lag(&self, meta: &StreamMeta) -> Option<i64> {
        if meta.entries_added == 0 || meta.length == 0 {
            return Some(0);
        }
        if self.last_id < meta.first_id && meta.max_deleted < meta.first_id {
            return Some(meta.length as i64);
        }
        if self.entries_read != INVALID_ENTRIES_READ && !meta.has_tombstones_from(self.last_id) {
            return Some(meta.entries_added as i64 - self.entries_read);
        }
        let er = meta.estimate_distance(self.last_id);
        if er != INVALID_ENTRIES_READ {
            return Some(meta.entries_added as i64 - er);
        }
        None
    }

    /// Iterates the group PEL in ID order (XINFO STREAM FULL).
    pub fn pel_iter(&self) -> impl Iterator<Item = (StreamId, Nack)> + '_ {
        self.pel.iter().map(|(id, p)| (id, self.unpack(id, &p)))
    }

    /// Heap bytes held by this group.
    pub fn memory_usage(&self) -> usize {
        let consumers: usize = self
            .consumers()
            .map(|c| c.pel.memory_usage() + c.name.len() + 64)
            .sum();
        self.pel.memory_usage()
            // BTreeMap node overhead per big count, roughly.
            + self.big.len() * 40
            + consumers
            + self.slots.capacity() * std::mem::size_of::<Option<Consumer>>()
            + self.free.capacity() * 4
            // BTreeMap node overhead per name, roughly.
            + self.names.len() * 48
    }

    /// Asserts the invariants in the module doc (tests only).
    #[cfg(test)]
    pub fn check_invariants(&self) {
        self.pel.check();
        let mut owned = 0;
        for (name, &slot) in &self.names {
            let c = self.slots[slot as usize]
                .as_ref()
                .expect("named slot is live");
            assert_eq!(&c.name, name);
            c.pel.check();
            for (id, ()) in c.pel.iter() {
                let n = self.pel.get(id).expect("consumer entry in group PEL");
                assert_eq!(n.consumer, slot, "entry owned by another consumer");
            }
            owned += c.pel.len();
        }
        // Entries released by XNACK belong to a hidden, unnamed slot (nack.rs).
        let unowned = self.check_unowned();
        owned += unowned;
        assert_eq!(owned, self.pel.len(), "every pending entry has one owner");
        let mut bigs = 0;
        for (id, n) in self.pel.iter() {
            assert!(
                self.slots[n.consumer as usize].is_some(),
                "NACK names a dead slot"
            );
            if n.is_big() {
                let c = self.big.get(&id).expect("big count in `big`");
                assert!(*c >= BIG_COUNT as u64, "small count kept in `big`");
                bigs += 1;
            }
        }
        assert_eq!(bigs, self.big.len(), "`big` holds only big counts");
        let live = self.slots.iter().filter(|s| s.is_some()).count();
        let hidden = usize::from(self.nack_used());
        assert_eq!(live, self.names.len() + hidden);
        assert_eq!(live + self.free.len(), self.slots.len());
        assert!(self.entries_read >= -1);
    }
}

/// The consumer groups of one stream, by name (byte order, as Redis lists them).
#[derive(Debug, Clone, Default)]
pub struct Groups {
    map: BTreeMap<Bytes, Box<Group>>,
}

impl Groups {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn get(&self, name: &[u8]) -> Option<&Group> {
        self.map.get(name).map(|g| &**g)
    }

    pub fn get_mut(&mut self, name: &[u8]) -> Option<&mut Group> {
        self.map.get_mut(name).map(|g| &mut **g)
    }

    /// Creates a group; false when the name is taken.
    pub fn create(&mut self, name: &[u8], last_id: StreamId, entries_read: i64) -> bool {
        if self.map.contains_key(name) {
            return false;
        }
        self.map.insert(
            Bytes::copy_from_slice(name),
            Box::new(Group::new(last_id, entries_read)),
        );
        true
    }

    pub fn destroy(&mut self, name: &[u8]) -> bool {
        self.map.remove(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, &Group)> + '_ {
        self.map.iter().map(|(k, g)| (k, &**g))
    }

    /// Whether `id` is pending in any group (Redis 8's ACKED trimming keeps it).
    pub fn is_pending_anywhere(&self, id: StreamId) -> bool {
        self.map.values().any(|g| g.pel.contains(id))
    }

    /// Whether every group has been delivered `id` (its last ID is at or past it).
    pub fn all_delivered(&self, id: StreamId) -> bool {
        self.map.values().all(|g| g.last_id >= id)
    }

    /// Drops `id` from every group's PEL (Redis 8's DELREF); returns how many
    /// groups had it pending.
    pub fn forget_everywhere(&mut self, id: StreamId) -> usize {
        self.map
            .values_mut()
            .filter_map(|g| g.ack(id).then_some(()))
            .count()
    }

    pub fn memory_usage(&self) -> usize {
        self.map
            .iter()
            .map(|(k, g)| k.len() + std::mem::size_of::<Group>() + 48 + g.memory_usage())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64) -> StreamId {
        StreamId::new(ms, 0)
    }

    fn meta(length: u64, added: u64, first: u64, last: u64, maxdel: u64) -> StreamMeta {
        StreamMeta {
            length,
            entries_added: added,
            first_id: id(first),
            last_id: id(last),
            max_deleted: id(maxdel),
        }
    }

    #[test]
    fn deliver_ack_and_ownership() {
        let mut g = Group::new(StreamId::MIN, 0);
        let (a, created) = g.get_or_create_consumer(b"alice", 10);
        assert!(created);
        let (b, _) = g.get_or_create_consumer(b"bob", 10);
        let m = meta(3, 3, 1, 3, 0);
        for i in 1..=3 {
            g.advance(id(i), &m);
            g.deliver(id(i), a, 20);
        }
        assert_eq!(g.entries_read, 3);
        assert_eq!(g.lag(&m), Some(0));
        g.check_invariants();
        // Redelivery to another consumer moves ownership.
        g.deliver(id(2), b, 30);
        g.check_invariants();
        assert_eq!(g.consumer(a).pel.len(), 2);
        assert_eq!(g.nack(id(2)).unwrap().consumer, b);
        assert!(g.ack(id(1)));
        assert!(!g.ack(id(1)));
        g.check_invariants();
        let (n, range, per) = g.pending_summary();
        assert_eq!(n, 2);
        assert_eq!(range, Some((id(2), id(3))));
        assert_eq!(
            per,
            vec![(Bytes::from("alice"), 1), (Bytes::from("bob"), 1)]
        );
        assert_eq!(g.delete_consumer(b"alice"), Some(1));
        assert_eq!(g.delete_consumer(b"alice"), None);
        g.check_invariants();
        assert_eq!(g.pending_len(), 1);
        let mut gs = Groups::default();
        assert!(gs.create(b"a", id(5), 0));
        assert!(!gs.create(b"a", id(5), 0));
        gs.create(b"b", id(1), 0);
        let (x, _) = gs.get_mut(b"b").unwrap().get_or_create_consumer(b"x", 0);
        gs.get_mut(b"b").unwrap().deliver(id(1), x, 0);
        assert!(gs.is_pending_anywhere(id(1)));
        assert!(gs.all_delivered(id(1)) && !gs.all_delivered(id(2)));
        assert_eq!(gs.forget_everywhere(id(1)), 1);
        assert!(!gs.is_pending_anywhere(id(1)));
        // The freed slot is reused.
        let (c, _) = g.get_or_create_consumer(b"carol", 40);
        assert_eq!(c, a);
        g.check_invariants();
    }

    #[test]
    fn claim_and_autoclaim() {
        let mut g = Group::new(StreamId::MIN, 0);
        let (a, _) = g.get_or_create_consumer(b"a", 0);
        let (b, _) = g.get_or_create_consumer(b"b", 0);
        for i in 1..=10 {
            g.deliver(id(i), a, 100);
        }
        let o = ClaimOpts {
            min_idle: 50,
            time: 120,
            retry_count: None,
            force: false,
            justid: false,
        };
        assert!(!g.claim(id(1), b, &o, 120, true), "not idle long enough");
        assert!(g.claim(id(1), b, &o, 150, true));
        assert_eq!(g.nack(id(1)).unwrap().count, 2);
        assert!(
            !g.claim(id(2), b, &o, 150, false),
            "deleted entries are dropped"
        );
        assert!(g.nack(id(2)).is_none());
        g.check_invariants();
        // Autoclaim: 3-10 idle since 100; entry 5 deleted.
        let r = g.autoclaim(
            id(0),
            b,
            AutoClaimOpts {
                min_idle: 10,
                count: 3,
                justid: false,
            },
            200,
            |x| x != id(5),
        );
        assert_eq!(r.claimed, vec![id(1), id(3), id(4)]);
        assert!(r.deleted.is_empty());
        assert_eq!(r.next, id(5));
        let r = g.autoclaim(
            r.next,
            b,
            AutoClaimOpts {
                min_idle: 10,
                count: 3,
                justid: true,
            },
            200,
            |x| x != id(5),
        );
        assert_eq!(r.deleted, vec![id(5)]);
        assert_eq!(r.claimed, vec![id(6), id(7)]);
        assert_eq!(r.next, id(8));
        assert_eq!(g.nack(id(6)).unwrap().count, 1, "JUSTID does not count");
        // Scan budget: count 1 visits at most 10 entries.
        let mut g2 = Group::new(StreamId::MIN, 0);
        let (x, _) = g2.get_or_create_consumer(b"x", 0);
        for i in 1..=30 {
            g2.deliver(id(i), x, 1000);
        }
        let r = g2.autoclaim(
            id(0),
            x,
            AutoClaimOpts {
                min_idle: 500,
                count: 1,
                justid: false,
            },
            1100,
            |_| true,
        );
        assert!(r.claimed.is_empty());
        assert_eq!(r.next, id(11));
        g.check_invariants();
        g2.check_invariants();
    }

    #[test]
    fn packed_nack_stays_16_bytes() {
        // The reason for the `big` side map (module doc, "Delivery counts").
        assert_eq!(std::mem::size_of::<(StreamId, Packed)>(), 32);
    }

    #[test]
    fn counts_are_exact_64_bit_with_unsigned_increments() {
        let mut g = Group::new(StreamId::MIN, 0);
        let (a, _) = g.get_or_create_consumer(b"a", 0);
        let (b, _) = g.get_or_create_consumer(b"b", 0);
        for i in 1..=4 {
            g.deliver(id(i), a, 100);
        }
        let retry = |n: u64| ClaimOpts {
            min_idle: 0,
            time: 100,
            retry_count: Some(n),
            force: false,
            justid: true,
        };
        let count = |g: &Group, i: u64| g.nack(id(i)).unwrap().count;
        // Around the packed 32-bit boundary.
        for n in [BIG_COUNT as u64 - 1, BIG_COUNT as u64, BIG_COUNT as u64 + 1] {
            assert!(g.claim(id(1), b, &retry(n), 100, true));
            assert_eq!(count(&g, 1), n);
            g.check_invariants();
        }
        assert!(g.claim(id(1), b, &retry(7), 100, true));
        assert_eq!(count(&g, 1), 7);
        assert!(g.big.is_empty());
        // Increments past LLONG_MAX keep going (Redis replies negative).
        assert!(g.claim(id(2), b, &retry(i64::MAX as u64), 100, true));
        let plain = ClaimOpts {
            justid: false,
            retry_count: None,
            ..retry(0)
        };
        assert!(g.claim(id(2), a, &plain, 100, true));
        assert_eq!(count(&g, 2), i64::MAX as u64 + 1);
        g.redeliver(id(2), 200);
        assert_eq!(count(&g, 2), i64::MAX as u64 + 2);
        let r = g.autoclaim(
            id(2),
            b,
            AutoClaimOpts {
                min_idle: 0,
                count: 1,
                justid: false,
            },
            300,
            |_| true,
        );
        assert_eq!(r.claimed, vec![id(2)]);
        assert_eq!(count(&g, 2), i64::MAX as u64 + 3);
        // The top of the unsigned range wraps to 0, as `delivery_count++` does.
        assert!(g.claim(id(3), b, &retry(u64::MAX), 100, true));
        g.redeliver(id(3), 300);
        assert_eq!(count(&g, 3), 0);
        let rows = g.pending_range(id(2), id(2), 1, 0, None, 300);
        assert_eq!(rows[0].count, i64::MAX as u64 + 3);
        let full: Vec<u64> = g.pel_iter().map(|(_, n)| n.count).collect();
        assert_eq!(full, vec![7, i64::MAX as u64 + 3, 0, 1]);
        g.check_invariants();
        // Removing entries with big counts empties the side map.
        assert!(g.claim(id(4), b, &retry(u64::MAX - 1), 100, true));
        assert_eq!(g.big.len(), 2);
        assert!(g.ack(id(2)));
        assert_eq!(g.delete_consumer(b"b"), Some(3));
        assert!(g.big.is_empty());
        g.check_invariants();
    }

    #[test]
    fn lag_rules() {
        // Never-used stream and emptied stream: 0.
        let g = Group::new(StreamId::MIN, INVALID_ENTRIES_READ);
        assert_eq!(g.lag(&meta(0, 0, 0, 0, 0)), Some(0));
        assert_eq!(g.lag(&meta(0, 5, 0, 5, 0)), Some(0));
        // Group behind the first entry with no tombstone after it: length.
        let mut g = Group::new(id(1), 1);
        assert_eq!(g.lag(&meta(1, 5, 5, 5, 0)), Some(1));
        // A tombstone after the group's position makes the lag unknown.
        g.last_id = id(3);
        g.entries_read = 3;
        assert_eq!(g.lag(&meta(3, 6, 1, 6, 4)), None);
        // Estimates.
        let m = meta(3, 5, 3, 5, 0);
        assert_eq!(m.estimate_distance(id(5)), 5);
        assert_eq!(m.estimate_distance(id(3)), 3);
        assert_eq!(m.estimate_distance(id(2)), 2);
        assert_eq!(m.estimate_distance(id(4)), -1);
        assert_eq!(m.estimate_distance(id(9)), -1);
    }

    #[test]
    fn pending_range_filters() {
        let mut g = Group::new(StreamId::MIN, 0);
        let (a, _) = g.get_or_create_consumer(b"a", 0);
        let (b, _) = g.get_or_create_consumer(b"b", 0);
        for i in 1..=200 {
            g.deliver(id(i), if i % 2 == 0 { a } else { b }, i);
        }
        let rows = g.pending_range(id(0), StreamId::MAX, 1000, 150, None, 200);
        assert_eq!(rows.len(), 50);
        assert!(rows.iter().all(|r| r.idle >= 150));
        let rows = g.pending_range(id(10), id(20), 3, 0, Some(a), 200);
        let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![id(10), id(12), id(14)]);
        assert_eq!(rows[0].consumer, Bytes::from("a"));
    }
}
