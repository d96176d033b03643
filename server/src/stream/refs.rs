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
//! # Invariants kept by [`Stream::trim_checked`]
//! The stream's invariants (see `stream/mod.rs`): live counts, `length`,
//! `first_id`; `max_deleted` is not changed by trimming (as in Redis).

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

impl Stream {
    /// Trims the head of the log for `DELREF` / `ACKED` (Redis's `streamTrim`
    /// with a non-KEEPREF strategy). `visit(id, live)` is called for every
    /// entry of the trimmed range in ID order, deleted ones (`live == false`)
    /// included; for a live entry it returns whether to delete it. `limit`
    /// (0 = none) stops before a node whose live entries would bring the
    /// deleted count over it. Returns the number of entries deleted.
    pub fn trim_checked(
        &mut self,
        strategy: Trim,
        limit: u64,
        mut visit: impl FnMut(StreamId, bool) -> bool,
    ) -> u64 {
        let mut deleted: u64 = 0;
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
            let eligible = match strategy {
                Trim::MaxLen(max) => self.length - entries >= max,
                Trim::MinId(min) => node.last < min,
            };
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
                if h.deleted() {
                    visit(h.id, false);
                } else if visit(h.id, true) {
                    marks.push(h.at);
                    length -= 1;
                }
            }
            for at in &marks {
                node.mark_deleted(*at);
            }
            let removed = marks.len() as u64;
            self.length = length;
            deleted += removed;
            if node.live == 0 {
                self.nodes.remove(&key);
            }
            if !eligible {
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
