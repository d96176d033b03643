//! Tests of the log: unit cases and a model-based property test.

use super::*;

fn lim(e: i64, b: i64) -> NodeLimits {
    NodeLimits {
        max_entries: e,
        max_bytes: b,
    }
}

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

#[test]
fn approx_trim_removes_whole_nodes() {
    let mut s = Stream::new();
    for i in 1..=1000 {
        s.append(id(i, 1), &[&b"f"[..], &b"v"[..]], NodeLimits::default());
    }
    assert_eq!(s.node_count(), 10);
    assert_eq!(s.trim(Trim::MaxLen(555), true, 10000), 400);
    assert_eq!(s.len(), 600);
    assert_eq!(s.node_count(), 6);
    // Redis 7.0.15 reports 17 rax nodes for this stream.
    assert_eq!(s.rax_nodes(), 17);
    s.check_invariants();
}

#[test]
fn append_get_range_delete() {
    let mut s = Stream::new();
    for i in 1..=10 {
        s.append(id(i, 0), &[&b"a"[..], &b"1"[..]], lim(3, 0));
    }
    assert_eq!(s.node_count(), 4);
    assert_eq!(
        s.get(id(5, 0)).unwrap().to_pairs(),
        vec![(b"a".to_vec(), b"1".to_vec())]
    );
    assert!(s.delete(id(5, 0)));
    assert!(!s.delete(id(5, 0)));
    assert!(s.get(id(5, 0)).is_none());
    let fwd: Vec<u64> = s.range(id(3, 0), id(8, 0)).map(|e| e.id.ms).collect();
    assert_eq!(fwd, vec![3, 4, 6, 7, 8]);
    let back: Vec<u64> = s.rev_range(id(3, 0), id(8, 0)).map(|e| e.id.ms).collect();
    assert_eq!(back, vec![8, 7, 6, 4, 3]);
    assert!(s.delete(id(1, 0)));
    assert_eq!(s.first_id(), id(2, 0));
    assert_eq!(s.max_deleted_entry_id(), id(5, 0));
    s.check_invariants();
}

#[test]
fn auto_ids_follow_one_clock_and_never_go_back() {
    let mut s = Stream::new();
    let f = [&b"f"[..], &b"v"[..]];
    let l = NodeLimits::default();
    assert_eq!(s.add(AddId::Auto, 1000, &f, l), Ok(id(1000, 0)));
    assert_eq!(s.add(AddId::Auto, 1000, &f, l), Ok(id(1000, 1)));
    // The clock went back: continue from the last ID.
    assert_eq!(s.add(AddId::Auto, 10, &f, l), Ok(id(1000, 2)));
    assert_eq!(s.add(AddId::Auto, 1001, &f, l), Ok(id(1001, 0)));
    // Sequence overflow moves to the next millisecond.
    s.append(id(2000, u64::MAX), &f, l);
    assert_eq!(s.add(AddId::Auto, 1500, &f, l), Ok(id(2001, 0)));
    // `ms-*` at the last ms with the sequence exhausted is refused.
    s.append(id(3000, u64::MAX), &f, l);
    assert_eq!(
        s.add(AddId::AutoSeq(3000), 0, &f, l),
        Err(AddError::TooSmall)
    );
    assert_eq!(
        s.add(AddId::Explicit(id(3000, 5)), 0, &f, l),
        Err(AddError::TooSmall)
    );
    // The largest ID exhausts the stream.
    s.append(StreamId::MAX, &f, l);
    assert_eq!(
        s.add(AddId::Auto, u64::MAX, &f, l),
        Err(AddError::Exhausted)
    );
    assert_eq!(s.entries_added(), 8);
    s.check_invariants();
}

mod model {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    type Fields = Vec<(Vec<u8>, Vec<u8>)>;

    #[derive(Debug, Clone)]
    enum Op {
        /// `kind`: 0 `*`, 1 `ms-*`, 2 explicit, 3 explicit 2^8, 2^16 or 2^24
        /// ms ahead (node keys that differ at other bytes, for the rax
        /// count); `dms`/`seq` shape the ID.
        Add {
            kind: u8,
            dms: u64,
            seq: u64,
            clock_step: u64,
            fields: Fields,
        },
        Del(u16),
        DelMissing(u64),
        Trim {
            maxlen: Option<u64>,
            minid_pick: u16,
            approx: bool,
            limit: u64,
        },
        SetId {
            up: u64,
            entries_added: Option<u64>,
        },
        Range {
            a: u16,
            b: u16,
            rev: bool,
            count: usize,
        },
    }

    fn value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..12),
            any::<i64>().prop_map(|n| n.to_string().into_bytes()),
            (0u8..200).prop_map(|n| n.to_string().into_bytes()),
            Just(b"-0".to_vec()),
            Just(b"007".to_vec()),
            Just(b"9223372036854775808".to_vec()),
            prop::collection::vec(Just(b'x'), 60..140),
        ]
    }

    fn fields() -> impl Strategy<Value = Fields> {
        prop::collection::vec(
            (
                prop_oneof![
                    Just(b"a".to_vec()),
                    Just(b"b".to_vec()),
                    Just(b"12".to_vec())
                ],
                value(),
            ),
            1..4,
        )
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u8..4, 0u64..3, 0u64..4, 0u64..3, fields()).prop_map(|(kind, dms, seq, clock_step, fields)| Op::Add { kind, dms, seq, clock_step, fields }),
            2 => any::<u16>().prop_map(Op::Del),
            1 => (0u64..50).prop_map(Op::DelMissing),
            2 => (prop::option::of(0u64..20), any::<u16>(), any::<bool>(), prop_oneof![Just(0u64), 1u64..10]).prop_map(|(maxlen, minid_pick, approx, limit)| Op::Trim { maxlen, minid_pick, approx, limit }),
            1 => (0u64..3, prop::option::of(0u64..200)).prop_map(|(up, entries_added)| Op::SetId { up, entries_added }),
            2 => (any::<u16>(), any::<u16>(), any::<bool>(), 0usize..5).prop_map(|(a, b, rev, count)| Op::Range { a, b, rev, count }),
        ]
    }

    #[derive(Default)]
    struct Model {
        entries: BTreeMap<StreamId, Fields>,
        last: StreamId,
        added: u64,
        max_deleted: StreamId,
    }

    fn pick(m: &Model, n: u16) -> Option<StreamId> {
        if m.entries.is_empty() {
            return None;
        }
        m.entries.keys().nth(n as usize % m.entries.len()).copied()
    }

    fn pairs(e: EntryRef<'_>) -> (StreamId, Fields) {
        (e.id, e.to_pairs())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn log_matches_model(ops in prop::collection::vec(op(), 1..120), max_entries in 0i64..6, max_bytes in prop_oneof![Just(0i64), 20i64..400]) {
            let limits = NodeLimits { max_entries, max_bytes };
            let mut s = Stream::new();
            let mut m = Model::default();
            let mut clock = 1000u64;
            for op in ops {
                match op {
                    Op::Add { kind, dms, seq, clock_step, fields } => {
                        clock += clock_step;
                        let spec = match kind {
                            0 => AddId::Auto,
                            1 => AddId::AutoSeq(m.last.ms.saturating_add(dms).saturating_sub(1)),
                            3 => AddId::Explicit(StreamId::new(m.last.ms.saturating_add(1 << (8 * dms + 8)), seq)),
                            _ => AddId::Explicit(StreamId::new(m.last.ms.saturating_add(dms).saturating_sub(1), seq)),
                        };
                        let flat: Vec<Vec<u8>> = fields.iter().flat_map(|(f, v)| [f.clone(), v.clone()]).collect();
                        let got = s.add(spec, clock, &flat, limits);
                        // The model's expectation.
                        let want = match spec {
                            AddId::Auto => Ok(if clock > m.last.ms { StreamId::new(clock, 0) } else { m.last.next().unwrap() }),
                            AddId::AutoSeq(ms) => {
                                let id = if ms == m.last.ms { StreamId::new(ms, m.last.seq + 1) } else { StreamId::new(ms, 0) };
                                if id > m.last { Ok(id) } else { Err(AddError::TooSmall) }
                            }
                            AddId::Explicit(id) => if id > m.last { Ok(id) } else { Err(AddError::TooSmall) },
                        };
                        prop_assert_eq!(got, want);
                        if let Ok(id) = want {
                            m.entries.insert(id, fields);
                            m.last = id;
                            m.added += 1;
                        }
                    }
                    Op::Del(n) => {
                        if let Some(id) = pick(&m, n) {
                            prop_assert!(s.delete(id));
                            m.entries.remove(&id);
                            m.max_deleted = m.max_deleted.max(id);
                            prop_assert!(!s.delete(id));
                        }
                    }
                    Op::DelMissing(ms) => {
                        let id = StreamId::new(ms, 77);
                        let had = m.entries.remove(&id).is_some();
                        if had { m.max_deleted = m.max_deleted.max(id); }
                        prop_assert_eq!(s.delete(id), had);
                    }
                    Op::Trim { maxlen, minid_pick, approx, limit } => {
                        let limit = if approx { limit } else { 0 };
                        let strategy = match maxlen {
                            Some(n) => Trim::MaxLen(n),
                            None => Trim::MinId(pick(&m, minid_pick).unwrap_or(StreamId::new(5000, 0))),
                        };
                        let exact: Vec<StreamId> = match strategy {
                            Trim::MaxLen(n) => m.entries.keys().take(m.entries.len().saturating_sub(n as usize)).copied().collect(),
                            Trim::MinId(min) => m.entries.range(..min).map(|(k, _)| *k).collect(),
                        };
                        let removed = s.trim(strategy, approx, limit) as usize;
                        if approx {
                            prop_assert!(removed <= exact.len());
                            if limit > 0 { prop_assert!(removed as u64 <= limit); }
                        } else {
                            prop_assert_eq!(removed, exact.len());
                        }
                        for id in &exact[..removed] {
                            m.entries.remove(id);
                        }
                    }
                    Op::SetId { up, entries_added } => {
                        let top = m.entries.keys().next_back().copied();
                        let id = StreamId::new(m.last.ms + up, 0);
                        let ok = top.map_or(true, |t| id >= t)
                            && entries_added.map_or(true, |n| n >= m.entries.len() as u64 || m.entries.is_empty());
                        if ok {
                            s.set_last_id(id);
                            m.last = id;
                            if let Some(n) = entries_added {
                                s.set_entries_added(n.max(m.entries.len() as u64));
                                m.added = n.max(m.entries.len() as u64);
                            }
                        }
                    }
                    Op::Range { a, b, rev, count } => {
                        let lo = pick(&m, a).unwrap_or(StreamId::MIN);
                        let hi = pick(&m, b).unwrap_or(StreamId::MAX);
                        let want: Vec<(StreamId, Fields)> = if rev {
                            m.entries.range(lo..=hi.max(lo)).rev().filter(|_| lo <= hi).map(|(k, v)| (*k, v.clone())).collect()
                        } else {
                            m.entries.range(lo..=hi.max(lo)).filter(|_| lo <= hi).map(|(k, v)| (*k, v.clone())).collect()
                        };
                        let want: Vec<_> = if count > 0 { want.into_iter().take(count).collect() } else { want };
                        let got: Vec<(StreamId, Fields)> = if rev {
                            let it = s.rev_range(lo, hi).map(pairs);
                            if count > 0 { it.take(count).collect() } else { it.collect() }
                        } else {
                            let it = s.range(lo, hi).map(pairs);
                            if count > 0 { it.take(count).collect() } else { it.collect() }
                        };
                        prop_assert_eq!(got, want);
                        if let Some(id) = pick(&m, a) {
                            prop_assert_eq!(s.get(id).map(pairs), Some((id, m.entries[&id].clone())));
                        }
                    }
                }
                s.check_invariants();
                prop_assert_eq!(s.len(), m.entries.len() as u64);
                prop_assert_eq!(s.last_id(), m.last);
                prop_assert_eq!(s.entries_added(), m.added);
                prop_assert_eq!(s.max_deleted_entry_id(), m.max_deleted);
                prop_assert_eq!(s.first_id(), m.entries.keys().next().copied().unwrap_or_default());
                prop_assert_eq!(s.first_entry().map(|e| e.id), m.entries.keys().next().copied());
                prop_assert_eq!(s.last_entry().map(|e| e.id), m.entries.keys().next_back().copied());
                prop_assert_eq!(s.last_live_id(), m.entries.keys().next_back().copied());
                if max_entries > 0 {
                    for (_, live, deleted) in s.nodes_summary() {
                        prop_assert!((live + deleted) as i64 <= max_entries);
                    }
                }
            }
        }
    }
}
