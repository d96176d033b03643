//! Redis 8.x additions to a consumer group: unowned pending entries
//! (`XNACK`, 8.8), the claim order `XREADGROUP ... CLAIM` (8.4) walks, and
//! the LLONG_MAX delivery count `XNACK FATAL` sets (kept exactly, like every
//! count: group.rs, "Delivery counts"). Semantics: docs/redis8.md, "XNACK"
//! and "XREADGROUP CLAIM".
//!
//! # Representation
//! An entry released by XNACK stays in the group PEL but belongs to no
//! consumer. It is kept as owned by a hidden consumer slot: a [`Consumer`]
//! with an empty name and `active_time == UNOWNED`, present in `slots` but
//! not in `names`, so everything that lists consumers by name (XPENDING's
//! summary, XINFO CONSUMERS, DELCONSUMER, consumer counts) never sees it,
//! while the group PEL, ACK, XCLAIM and XAUTOCLAIM handle its entries through
//! the ordinary paths. The hidden slot is created on the first XNACK and kept.
//!
//! Redis gives a NACKed entry delivery time 0 and keeps the NACKed entries at
//! the head of the PEL's time order, first NACKed first. Here an unowned
//! entry's `time` is instead a small sequence number (1, 2, ...; the counter is
//! the hidden consumer's `seen_time`), which sorts NACKed entries first and in
//! NACK order; every place that shows the time shows 0 for them (and XPENDING
//! an idle time of -1, as Redis does).
//!
//! # Invariants (checked by `Group::check_invariants`)
//! - At most one slot is hidden; it is never in `names` and never freed.
//! - Every entry of the hidden consumer's PEL is in the group PEL with the
//!   hidden slot as its owner, and its `time` is at most the hidden
//!   consumer's `seen_time` (the last sequence number handed out).

use super::{Consumer, Group, Nack};
use crate::stream::pel::ChunkMap;
use crate::stream::StreamId;

/// `active_time` of the hidden consumer that owns NACKed entries.
const UNOWNED: i64 = i64::MIN;

/// The delivery count XNACK FATAL sets (Redis: LLONG_MAX).
pub const FATAL_COUNT: u64 = i64::MAX as u64;

/// A delivery count as Redis replies with it: its `uint64_t` passed to
/// `addReplyLongLong`, so counts past LLONG_MAX (an increment of FATAL's
/// count, or of `XCLAIM ... RETRYCOUNT 9223372036854775807`) read back as
/// negative numbers, as in Redis.
pub fn count_value(c: u64) -> i64 {
    c as i64
}

/// How XNACK adjusts the delivery count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NackMode {
    /// One delivery less (not below 0).
    Silent,
    /// Unchanged.
    Fail,
    /// LLONG_MAX.
    Fatal,
}

impl Group {
    /// The hidden slot, if any XNACK ever released an entry here.
    fn unowned_slot(&self) -> Option<u32> {
        self.slots
            .iter()
            .position(|s| matches!(s, Some(c) if c.active_time == UNOWNED))
            .map(|p| p as u32)
    }

    fn unowned_slot_or_create(&mut self) -> u32 {
        if let Some(s) = self.unowned_slot() {
            return s;
        }
        let c = Consumer {
            name: bytes::Bytes::new(),
            seen_time: 0,
            active_time: UNOWNED,
            pel: ChunkMap::new(),
        };
        match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(c);
                s
            }
            None => {
                self.slots.push(Some(c));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Whether a pending entry is unowned (released by XNACK).
    pub fn is_unowned(&self, n: &Nack) -> bool {
        self.consumer(n.consumer).active_time == UNOWNED
    }

    /// Whether XNACK ever released an entry of this group (XINFO STREAM FULL
    /// then shows `nacked-count`; docs/redis8.md).
    pub fn nack_used(&self) -> bool {
        self.unowned_slot().is_some()
    }

    /// Unowned entries in the PEL (XINFO STREAM FULL `nacked-count`).
    pub fn nacked_count(&self) -> usize {
        self.unowned_slot()
            .map(|s| self.consumer(s).pel.len())
            .unwrap_or(0)
    }

    /// The delivery time Redis shows for a pending entry (0 when unowned).
    pub fn shown_time(&self, n: &Nack) -> u64 {
        if self.is_unowned(n) {
            0
        } else {
            n.time
        }
    }

    /// XNACK of one ID. `exists` tells whether the entry is in the stream
    /// (only FORCE looks at it). Returns whether the ID was released.
    pub fn xnack(
        &mut self,
        id: StreamId,
        mode: NackMode,
        retry: Option<u64>,
        force: bool,
        exists: bool,
    ) -> bool {
        let current = self.nack(id);
        if current.is_none() && !(force && exists) {
            return false;
        }
        let slot = self.unowned_slot_or_create();
        let seq = {
            let hidden = self.consumer_mut(slot);
            hidden.seen_time += 1;
            hidden.seen_time
        };
        match current {
            Some(mut n) => {
                n.count = match (retry, mode) {
                    (Some(r), _) => r,
                    (None, NackMode::Silent) => n.count.saturating_sub(1),
                    (None, NackMode::Fail) => n.count,
                    (None, NackMode::Fatal) => FATAL_COUNT,
                };
                if n.consumer != slot {
                    self.consumer_mut(n.consumer).pel.remove(id);
                    self.consumer_mut(slot).pel.insert(id, ());
                }
                n.consumer = slot;
                n.time = seq;
                self.put(id, n);
            }
            None => {
                let count = match (retry, mode) {
                    (Some(r), _) => r,
                    (None, NackMode::Fatal) => FATAL_COUNT,
                    (None, _) => 0,
                };
                self.put_new(
                    id,
                    Nack {
                        time: seq,
                        consumer: slot,
                        count,
                    },
                );
                self.consumer_mut(slot).pel.insert(id, ());
            }
        }
        true
    }

    /// The pending entries `XREADGROUP ... CLAIM min_idle` may claim now, in
    /// the order it claims them: NACKed entries first (in NACK order), then
    /// by delivery time, oldest first (same time: by ID, the order one read
    /// delivered them). Idle time: `now - delivery time` (unowned: `now`).
    pub fn claimable(&self, now: u64, min_idle: i64) -> Vec<(StreamId, Nack)> {
        let mut v: Vec<(StreamId, Nack)> = self
            .pel_iter()
            .filter(|(_, n)| self.idle(n, now) >= min_idle)
            .collect();
        v.sort_by_key(|(id, n)| (n.time, *id));
        v
    }

    /// The idle time XREADGROUP CLAIM reports for a pending entry.
    pub fn idle(&self, n: &Nack, now: u64) -> i64 {
        now as i64 - self.shown_time(n) as i64
    }

    /// The delivery time of the oldest pending entry that `exists` (for the
    /// moment a blocked `XREADGROUP ... CLAIM` can next claim something).
    pub fn oldest_delivery(&self, mut exists: impl FnMut(StreamId) -> bool) -> Option<u64> {
        // Usually the oldest delivery is still in the stream: one pass, no
        // allocation (a blocked reader asks this each time it blocks again).
        let (id, n) = self.pel_iter().min_by_key(|(id, n)| (n.time, *id))?;
        if exists(id) {
            return Some(self.shown_time(&n));
        }
        let mut v: Vec<(StreamId, Nack)> = self.pel_iter().collect();
        v.sort_by_key(|(id, n)| (n.time, *id));
        v.into_iter()
            .find(|(id, _)| exists(*id))
            .map(|(_, n)| self.shown_time(&n))
    }

    /// Claims `id` for `slot` as XREADGROUP CLAIM does: the caller has just
    /// sent it. The count goes up by one, except that a FATAL count
    /// (LLONG_MAX, the poison marker) stays there rather than wrapping to
    /// LLONG_MIN (the reading of Redis 8.x; XCLAIM, XAUTOCLAIM and
    /// history re-reads still wrap, as Redis 8.0 does); the delivery time
    /// becomes `now`.
    pub fn claim_delivered(&mut self, id: StreamId, slot: u32, now: u64) {
        let Some(n) = self.nack(id) else { return };
        let count = if n.count == FATAL_COUNT {
            FATAL_COUNT
        } else {
            n.count.wrapping_add(1)
        };
        self.reassign(id, n, slot, now, count);
        self.consumer_mut(slot).active_time = now as i64;
    }

    /// The hidden slot's share of the invariants (called by `check_invariants`):
    /// returns how many PEL entries it owns, 0 without one.
    #[cfg(test)]
    pub(super) fn check_unowned(&self) -> usize {
        let hidden: Vec<usize> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Some(c) if c.active_time == UNOWNED))
            .map(|(i, _)| i)
            .collect();
        assert!(hidden.len() <= 1, "at most one hidden slot");
        let Some(&slot) = hidden.first() else {
            return 0;
        };
        assert!(
            !self.names.values().any(|&s| s as usize == slot),
            "the hidden slot has no name"
        );
        let c = self.consumer(slot as u32);
        for (id, ()) in c.pel.iter() {
            let n = self.nack(id).expect("unowned entry in group PEL");
            assert_eq!(n.consumer, slot as u32);
            assert!(n.time <= c.seen_time, "NACK sequence");
        }
        c.pel.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64) -> StreamId {
        StreamId::new(ms, 0)
    }

    /// A group with entries 1..=n delivered to consumer c1 at time `t`.
    fn group(n: u64, t: u64) -> (Group, u32) {
        let mut g = Group::new(StreamId::MIN, 0);
        let (slot, _) = g.get_or_create_consumer(b"c1", t);
        for i in 1..=n {
            g.deliver(id(i), slot, t);
        }
        (g, slot)
    }

    #[test]
    fn oldest_delivery_skips_entries_gone_from_the_stream() {
        let (mut g, slot) = group(3, 100);
        // 3 redelivered later, 2 earlier than everything.
        g.deliver(id(3), slot, 300);
        g.deliver(id(2), slot, 50);
        assert_eq!(g.oldest_delivery(|_| true), Some(50));
        // The oldest (2) deleted from the stream: the next oldest, 1 at 100.
        assert_eq!(g.oldest_delivery(|i| i != id(2)), Some(100));
        assert_eq!(g.oldest_delivery(|i| i == id(3)), Some(300));
        assert_eq!(g.oldest_delivery(|_| false), None);
    }

    #[test]
    fn modes_and_retrycount() {
        let (mut g, _) = group(3, 1000);
        assert!(g.xnack(id(1), NackMode::Silent, None, false, true));
        assert!(g.xnack(id(2), NackMode::Fatal, None, false, true));
        assert!(g.xnack(id(3), NackMode::Fatal, Some(42), false, true));
        assert_eq!(g.nack(id(1)).unwrap().count, 0);
        assert_eq!(count_value(g.nack(id(2)).unwrap().count), i64::MAX);
        assert_eq!(g.nack(id(3)).unwrap().count, 42);
        // SILENT never goes below zero; FAIL keeps the count.
        assert!(g.xnack(id(1), NackMode::Silent, None, false, true));
        assert_eq!(g.nack(id(1)).unwrap().count, 0);
        assert!(g.xnack(id(3), NackMode::Fail, None, false, true));
        assert_eq!(g.nack(id(3)).unwrap().count, 42);
        assert_eq!(g.nacked_count(), 3);
        assert!(!g.xnack(id(9), NackMode::Fail, None, false, true));
        g.check_invariants();
    }

    #[test]
    fn unowned_entries_leave_their_consumer_but_stay_pending() {
        let (mut g, slot) = group(3, 1000);
        assert!(g.xnack(id(2), NackMode::Fail, None, false, true));
        assert_eq!(g.pending_len(), 3);
        assert_eq!(g.consumer(slot).pel.len(), 2);
        assert_eq!(g.consumer_count(), 1, "the hidden slot is not a consumer");
        let (n, _, per) = g.pending_summary();
        assert_eq!(n, 3);
        assert_eq!(per.len(), 1);
        assert_eq!(per[0].1, 2);
        let n2 = g.nack(id(2)).unwrap();
        assert!(g.is_unowned(&n2));
        assert_eq!(g.shown_time(&n2), 0);
        // DELCONSUMER keeps the released entry.
        assert_eq!(g.delete_consumer(b"c1"), Some(2));
        assert_eq!(g.pending_len(), 1);
        assert!(g.ack(id(2)));
        assert_eq!(g.nacked_count(), 0);
        g.check_invariants();
    }

    #[test]
    fn force_creates_only_for_existing_entries() {
        let mut g = Group::new(StreamId::MIN, 0);
        assert!(!g.xnack(id(1), NackMode::Fail, None, true, false));
        assert!(g.xnack(id(1), NackMode::Fail, None, true, true));
        assert!(g.xnack(id(2), NackMode::Fatal, None, true, true));
        assert!(g.xnack(id(3), NackMode::Silent, Some(7), true, true));
        let counts: Vec<i64> = [1, 2, 3]
            .iter()
            .map(|&i| count_value(g.nack(id(i)).unwrap().count))
            .collect();
        assert_eq!(counts, vec![0, i64::MAX, 7]);
        g.check_invariants();
    }

    #[test]
    fn claim_order_is_nack_order_then_delivery_time() {
        let (mut g, slot) = group(4, 1000);
        let (c2, _) = g.get_or_create_consumer(b"c2", 500);
        g.deliver(id(5), c2, 500);
        g.xnack(id(3), NackMode::Fail, None, false, true);
        g.xnack(id(1), NackMode::Fail, None, false, true);
        let order: Vec<u64> = g.claimable(2000, 0).iter().map(|(i, _)| i.ms).collect();
        assert_eq!(order, vec![3, 1, 5, 2, 4]);
        // Re-NACK moves to the end of the NACK zone.
        g.xnack(id(3), NackMode::Fail, None, false, true);
        let order: Vec<u64> = g.claimable(2000, 0).iter().map(|(i, _)| i.ms).collect();
        assert_eq!(order, vec![1, 3, 5, 2, 4]);
        // Idle filter: only what was delivered at least 1200 ms ago, and NACKed ones.
        let order: Vec<u64> = g.claimable(2000, 1200).iter().map(|(i, _)| i.ms).collect();
        assert_eq!(order, vec![1, 3, 5]);
        g.claim_delivered(id(1), slot, 2000);
        let n = g.nack(id(1)).unwrap();
        assert_eq!((n.count, n.time, g.is_unowned(&n)), (2, 2000, false));
        g.check_invariants();
    }

    #[test]
    fn fatal_count_stays_at_llong_max_when_claimed() {
        let (mut g, slot) = group(2, 10);
        g.xnack(id(1), NackMode::Fatal, None, false, true);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX);
        g.claim_delivered(id(1), slot, 20);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX);
        g.claim_delivered(id(1), slot, 30);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX);
        g.check_invariants();
        // Just below the marker a claim still adds one.
        g.xnack(id(1), NackMode::Silent, None, false, true);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX - 1);
        g.claim_delivered(id(1), slot, 40);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX);
        // SILENT takes one off a big count; RETRYCOUNT brings it back down.
        g.xnack(id(1), NackMode::Silent, None, false, true);
        assert_eq!(count_value(g.nack(id(1)).unwrap().count), i64::MAX - 1);
        g.xnack(id(1), NackMode::Fail, Some(3), false, true);
        assert_eq!(g.nack(id(1)).unwrap().count, 3);
        g.xnack(id(2), NackMode::Fail, Some(u32::MAX as u64), false, true);
        assert_eq!(g.nack(id(2)).unwrap().count, u32::MAX as u64);
        g.check_invariants();
        assert!(g.ack(id(2)));
        g.check_invariants();
    }
}
