//! Consumer-group references to stream entries and the Redis 8.2 reference
//! policies (`KEEPREF | DELREF | ACKED`) that XADD/XTRIM trimming, XDELEX and
//! XACKDEL apply when they delete entries. Semantics: docs/redis8.md, "Shared
//! notions" and "XADD / XTRIM reference policies".
//!
//! An entry is *referenced* when some group has not read it yet (its ID is
//! above the smallest last-delivered-id of the stream's groups) or it is in
//! some group's PEL. `KEEPREF` deletes regardless and leaves PEL entries
//! dangling; `DELREF` deletes and removes every PEL reference; `ACKED` deletes
//! only unreferenced entries.
//!
//! Trimming with `DELREF` or `ACKED` follows Redis's `streamTrim` for those
//! strategies (after PR #14623): nodes are never dropped unchecked, every entry
//! of the trimmed range is examined, `~` does not stop the walk early (only
//! LIMIT, at node granularity, does), and a node left without live entries is
//! removed (PR #15815).
//!
//! # Invariants kept by [`Stream::trim_with_policy`] and [`Stream::delete_with_policy`]
//! The stream's invariants (see `log.rs` and `group.rs`): live counts,
//! `length`, `first_id`, each pending entry with exactly one owner;
//! `max_deleted` is not changed by trimming (as in Redis). The walk itself
//! is [`Log::trim_checked`](super::Log::trim_checked), the same walk as
//! KEEPREF trimming.

use super::group::Groups;
use super::{Stream, StreamId, Trim};

/// How deleting an entry treats consumer-group references to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefPolicy {
    /// Delete; PEL references stay (the 7.x behaviour, and the default).
    #[default]
    KeepRef,
    /// Delete and remove every PEL reference.
    DelRef,
    /// Delete only entries no group still references.
    Acked,
}

impl RefPolicy {
    /// Parses `KEEPREF` / `DELREF` / `ACKED` in any case.
    pub fn parse(arg: &[u8]) -> Option<RefPolicy> {
        if arg.eq_ignore_ascii_case(b"keepref") {
            Some(RefPolicy::KeepRef)
        } else if arg.eq_ignore_ascii_case(b"delref") {
            Some(RefPolicy::DelRef)
        } else if arg.eq_ignore_ascii_case(b"acked") {
            Some(RefPolicy::Acked)
        } else {
            None
        }
    }
}

/// What [`Stream::delete_with_policy`] did with one ID, as XDELEX and
/// XACKDEL reply it.
pub mod outcome {
    /// No such entry (or, for XACKDEL, the ID was not pending).
    pub const MISSING: i64 = -1;
    /// Deleted (for XACKDEL: acknowledged, and deleted or already gone).
    pub const DELETED: i64 = 1;
    /// Kept: some group still references it (ACKED).
    pub const KEPT: i64 = 2;
}

impl Groups {
    /// Redis's `streamEntryIsReferenced`: some group has not been delivered
    /// the entry yet, or has it pending.
    pub fn references(&self, id: StreamId) -> bool {
        !self.all_delivered(id) || self.is_pending_anywhere(id)
    }
}

impl Stream {
    /// XADD/XTRIM trimming under a reference policy: KEEPREF is the 7.x
    /// algorithm; DELREF/ACKED examine every entry of the range (module doc).
    pub fn trim_with_policy(
        &mut self,
        strategy: Trim,
        approx: bool,
        limit: u64,
        policy: RefPolicy,
    ) -> u64 {
        let Stream { log, groups, .. } = self;
        match policy {
            RefPolicy::KeepRef => log.trim(strategy, approx, limit),
            RefPolicy::Acked => {
                log.trim_checked(strategy, limit, |id, live| live && !groups.references(id))
            }
            RefPolicy::DelRef => log.trim_checked(strategy, limit, |id, live| {
                groups.forget_everywhere(id);
                live
            }),
        }
    }

    /// Deletes `ids` under `policy` (XDELEX; XACKDEL after acknowledging):
    /// per ID an [`outcome`]. `pending` tells, for XACKDEL, which IDs were
    /// in the group's PEL; the others are MISSING and left alone. Also
    /// returns whether any entry was deleted from the log.
    pub fn delete_with_policy(
        &mut self,
        ids: &[StreamId],
        policy: RefPolicy,
        pending: Option<&[bool]>,
    ) -> (Vec<i64>, bool) {
        let mut out = Vec::with_capacity(ids.len());
        let mut deleted = false;
        for (i, &id) in ids.iter().enumerate() {
            if let Some(p) = pending {
                if !p[i] {
                    out.push(outcome::MISSING);
                    continue;
                }
            }
            let keep = match policy {
                RefPolicy::Acked => self.groups.references(id),
                RefPolicy::DelRef => {
                    self.groups.forget_everywhere(id);
                    false
                }
                RefPolicy::KeepRef => false,
            };
            let r = if keep {
                outcome::KEPT
            } else if self.log.delete(id) {
                deleted = true;
                outcome::DELETED
            } else if pending.is_some() {
                // XACKDEL: acknowledged; the entry was already gone.
                outcome::DELETED
            } else {
                outcome::MISSING
            };
            out.push(r);
        }
        (out, deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::NodeLimits;

    fn stream(n: u64, per_node: i64) -> Stream {
        let mut s = Stream::new();
        let limits = NodeLimits {
            max_entries: per_node,
            max_bytes: 4096,
        };
        for i in 1..=n {
            s.append(StreamId::new(i, 0), &[b"f".as_ref(), b"v"], limits);
        }
        s
    }

    fn ids(s: &Stream) -> Vec<u64> {
        s.range(StreamId::MIN, StreamId::MAX)
            .map(|e| e.id.ms)
            .collect()
    }

    #[test]
    fn acked_skips_referenced_entries_and_walks_eligible_nodes() {
        // Redis stream.tcl "XTRIM with approx and ACKED deletes entries correctly".
        let mut s = stream(5, 2);
        let referenced = [3u64, 5];
        let n = s.trim_checked(Trim::MinId(StreamId::new(6, 0)), 200, |id, live| {
            live && !referenced.contains(&id.ms)
        });
        assert_eq!(n, 3);
        assert_eq!(ids(&s), vec![3, 5]);
        s.check_invariants();
    }

    #[test]
    fn maxlen_keeps_referenced_and_may_stay_longer() {
        let mut s = stream(6, 100);
        // Everything above 1 is referenced: only 1 can go.
        let n = s.trim_checked(Trim::MaxLen(1), 0, |id, live| live && id.ms == 1);
        assert_eq!(n, 1);
        assert_eq!(s.len(), 5);
        s.check_invariants();
        // Nothing referenced: exact, whatever `~` would have done.
        let n = s.trim_checked(Trim::MaxLen(2), 0, |_, live| live);
        assert_eq!(n, 3);
        assert_eq!(ids(&s), vec![5, 6]);
        s.check_invariants();
    }

    #[test]
    fn limit_stops_at_node_granularity() {
        let mut s = stream(6, 2);
        let n = s.trim_checked(Trim::MaxLen(0), 3, |_, live| live);
        assert_eq!(n, 2, "the second node would exceed the limit");
        assert_eq!(ids(&s), vec![3, 4, 5, 6]);
        s.check_invariants();
    }

    #[test]
    fn tombstones_in_range_are_visited() {
        let mut s = stream(3, 100);
        assert!(s.delete(StreamId::new(2, 0)));
        let mut seen = Vec::new();
        let n = s.trim_checked(Trim::MinId(StreamId::new(3, 0)), 0, |id, live| {
            seen.push((id.ms, live));
            true
        });
        assert_eq!(n, 1);
        assert_eq!(seen, vec![(1, true), (2, false)]);
        assert_eq!(ids(&s), vec![3]);
        assert_eq!(
            s.max_deleted_entry_id(),
            StreamId::new(2, 0),
            "trim keeps it"
        );
        s.check_invariants();
    }

    #[test]
    fn emptied_node_is_removed() {
        let mut s = stream(2, 100);
        assert!(s.delete(StreamId::new(2, 0)));
        let n = s.trim_checked(Trim::MinId(StreamId::new(2, 0)), 0, |_, live| live);
        assert_eq!(n, 1);
        assert_eq!(s.len(), 0);
        assert_eq!(s.node_count(), 0);
        s.check_invariants();
    }

    #[test]
    fn policy_words() {
        assert_eq!(RefPolicy::parse(b"KeepRef"), Some(RefPolicy::KeepRef));
        assert_eq!(RefPolicy::parse(b"DELREF"), Some(RefPolicy::DelRef));
        assert_eq!(RefPolicy::parse(b"acked"), Some(RefPolicy::Acked));
        assert_eq!(RefPolicy::parse(b"ack"), None);
    }
}

/// Random operation sequences over one stream with two groups: after every
/// XDELEX / XACKDEL / XNACK / policy trim, the PEL invariants hold (each
/// pending entry has exactly one owner, the hidden XNACK owner included; the
/// log's counts agree), ACKED never deletes a referenced entry, DELREF
/// leaves no reference to what it deleted, XACKDEL acknowledges, and XNACK
/// keeps the entry pending but unowned.
#[cfg(test)]
mod pel_properties {
    use super::*;
    use crate::stream::group::nack::NackMode;
    use crate::stream::NodeLimits;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Add,
        Read {
            g: usize,
            c: usize,
            count: usize,
        },
        Ack {
            g: usize,
            id: u64,
        },
        Nack {
            g: usize,
            id: u64,
            mode: u8,
            force: bool,
        },
        DelEx {
            policy: u8,
            ids: Vec<u64>,
        },
        AckDel {
            g: usize,
            policy: u8,
            ids: Vec<u64>,
        },
        Trim {
            policy: u8,
            maxlen: u64,
        },
        DelConsumer {
            g: usize,
            c: usize,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Add),
            2 => (0..2usize, 0..3usize, 0..4usize).prop_map(|(g, c, count)| Op::Read { g, c, count }),
            1 => (0..2usize, 1..20u64).prop_map(|(g, id)| Op::Ack { g, id }),
            2 => (0..2usize, 1..20u64, 0..3u8, any::<bool>())
                .prop_map(|(g, id, mode, force)| Op::Nack { g, id, mode, force }),
            2 => (0..3u8, prop::collection::vec(1..20u64, 1..4))
                .prop_map(|(policy, ids)| Op::DelEx { policy, ids }),
            2 => (0..2usize, 0..3u8, prop::collection::vec(1..20u64, 1..4))
                .prop_map(|(g, policy, ids)| Op::AckDel { g, policy, ids }),
            1 => (0..3u8, 0..6u64).prop_map(|(policy, maxlen)| Op::Trim { policy, maxlen }),
            1 => (0..2usize, 0..3usize).prop_map(|(g, c)| Op::DelConsumer { g, c }),
        ]
    }

    const GROUPS: [&[u8]; 2] = [b"g0", b"g1"];
    const CONSUMERS: [&[u8]; 3] = [b"c0", b"c1", b"c2"];

    fn policy(p: u8) -> RefPolicy {
        [RefPolicy::KeepRef, RefPolicy::DelRef, RefPolicy::Acked][p as usize % 3]
    }

    fn sid(ms: u64) -> StreamId {
        StreamId::new(ms, 0)
    }

    fn is_referenced(s: &Stream, id: StreamId) -> bool {
        s.groups
            .iter()
            .any(|(_, g)| g.last_id < id || g.nack(id).is_some())
    }

    fn check(s: &Stream) {
        s.check_invariants();
        for (_, g) in s.groups.iter() {
            g.check_invariants();
            let unowned = g.pel_iter().filter(|(_, n)| g.is_unowned(n)).count();
            assert_eq!(unowned, g.nacked_count());
        }
    }

    fn run(ops: Vec<Op>) {
        let mut s = Stream::new();
        let limits = NodeLimits {
            max_entries: 3,
            max_bytes: 4096,
        };
        for name in GROUPS {
            s.groups.create(name, StreamId::MIN, 0);
        }
        let mut next = 1u64;
        let mut now = 1000u64;
        for op in ops {
            now += 1;
            match op {
                Op::Add => {
                    s.append(sid(next), &[b"f".as_ref(), b"v"], limits);
                    next += 1;
                }
                Op::Read { g, c, count } => {
                    let m = s.meta();
                    let Stream { log, groups, .. } = &mut s;
                    let grp = groups.get_mut(GROUPS[g]).unwrap();
                    let (slot, _) = grp.get_or_create_consumer(CONSUMERS[c], now);
                    if let Some(from) = grp.last_id.next() {
                        let ids: Vec<StreamId> = log
                            .range(from, StreamId::MAX)
                            .take(if count == 0 { usize::MAX } else { count })
                            .map(|e| e.id)
                            .collect();
                        for id in ids {
                            grp.advance(id, &m);
                            grp.deliver(id, slot, now);
                        }
                    }
                }
                Op::Ack { g, id } => {
                    s.groups.get_mut(GROUPS[g]).unwrap().ack(sid(id));
                }
                Op::Nack { g, id, mode, force } => {
                    let was = s.groups.get(GROUPS[g]).unwrap().nack(sid(id));
                    let exists = s.get(sid(id)).is_some();
                    let mode = [NackMode::Silent, NackMode::Fail, NackMode::Fatal][mode as usize];
                    let grp = s.groups.get_mut(GROUPS[g]).unwrap();
                    let released = grp.xnack(sid(id), mode, None, force, exists);
                    assert_eq!(released, was.is_some() || (force && exists));
                    if released {
                        let n = grp.nack(sid(id)).expect("still pending");
                        assert!(grp.is_unowned(&n));
                    }
                }
                Op::DelEx { policy: p, ids } => {
                    let ids: Vec<StreamId> = ids.into_iter().map(sid).collect();
                    let before: Vec<bool> = ids.iter().map(|&i| is_referenced(&s, i)).collect();
                    let (out, _) = s.delete_with_policy(&ids, policy(p), None);
                    for (k, &id) in ids.iter().enumerate() {
                        match policy(p) {
                            RefPolicy::Acked if before[k] => {
                                assert_eq!(out[k], 2);
                            }
                            RefPolicy::DelRef => {
                                assert!(!s.groups.is_pending_anywhere(id));
                            }
                            _ => {}
                        }
                        if out[k] == 1 || out[k] == -1 {
                            assert!(s.get(id).is_none());
                        }
                    }
                }
                Op::AckDel { g, policy: p, ids } => {
                    let ids: Vec<StreamId> = ids.into_iter().map(sid).collect();
                    let grp = s.groups.get_mut(GROUPS[g]).unwrap();
                    let pending: Vec<bool> = ids.iter().map(|&id| grp.ack(id)).collect();
                    let before: Vec<bool> = ids.iter().map(|&i| is_referenced(&s, i)).collect();
                    let (out, _) = s.delete_with_policy(&ids, policy(p), Some(&pending));
                    for (k, &id) in ids.iter().enumerate() {
                        assert!(s.groups.get(GROUPS[g]).unwrap().nack(id).is_none());
                        if !pending[k] {
                            assert_eq!(out[k], -1);
                        } else if policy(p) == RefPolicy::Acked && before[k] {
                            assert_eq!(out[k], 2);
                        }
                    }
                }
                Op::Trim { policy: p, maxlen } => {
                    let live: Vec<StreamId> = s
                        .range(StreamId::MIN, StreamId::MAX)
                        .map(|e| e.id)
                        .collect();
                    let referenced: Vec<bool> =
                        live.iter().map(|&i| is_referenced(&s, i)).collect();
                    s.trim_with_policy(Trim::MaxLen(maxlen), false, 0, policy(p));
                    for (k, &id) in live.iter().enumerate() {
                        let gone = s.get(id).is_none();
                        if gone && policy(p) == RefPolicy::Acked {
                            assert!(!referenced[k], "ACKED trimmed a referenced entry");
                        }
                        if gone && policy(p) == RefPolicy::DelRef {
                            assert!(!s.groups.is_pending_anywhere(id));
                        }
                    }
                    if policy(p) != RefPolicy::Acked {
                        assert!(s.len() <= maxlen);
                    }
                }
                Op::DelConsumer { g, c } => {
                    s.groups
                        .get_mut(GROUPS[g])
                        .unwrap()
                        .delete_consumer(CONSUMERS[c]);
                }
            }
            check(&s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn pel_invariants_hold(ops in prop::collection::vec(op(), 1..60)) {
            run(ops);
        }
    }
}
