//! Model-based test of [`super::group`]: random sequences of stream and group
//! operations (XADD, XDEL, XTRIM, XREADGROUP `>` and history, XACK, XCLAIM,
//! XAUTOCLAIM, XGROUP SETID / DELCONSUMER, time passing) run against the real
//! group and against a plain reference written straight from Redis's rules
//! (one `BTreeMap` per structure, linear scans, no indexes). Every reply is
//! compared, the group's invariants are checked after each step, and so are
//! two properties of Redis's counters: a known lag equals the number of live
//! entries after the group's position, and a known `entries-read` equals the
//! number of entries ever added up to it.

use super::group::{AutoClaimOpts, ClaimOpts, Group, StreamMeta, INVALID_ENTRIES_READ};
use super::{NodeLimits, Stream, StreamId, Trim};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Op {
    Add(u8),
    Del(u16),
    Trim(u8),
    ReadNew {
        c: u8,
        count: u8,
        noack: bool,
    },
    ReadHistory {
        c: u8,
        from: u16,
        count: u8,
    },
    Ack(u16),
    Claim {
        c: u8,
        ids: Vec<u16>,
        min_idle: u16,
        force: bool,
        justid: bool,
        /// RETRYCOUNT: small, or around the 32-bit boundary of the packed
        /// count and the top of the 64-bit range (group.rs, "Delivery counts").
        retry: Option<u64>,
    },
    AutoClaim {
        c: u8,
        from: u16,
        count: u8,
        min_idle: u16,
        justid: bool,
    },
    Pending {
        c: Option<u8>,
        from: u16,
        to: u16,
        count: u8,
        min_idle: u16,
    },
    DelConsumer(u8),
    SetId(u16),
    Tick(u16),
}

fn retry_count() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..5,
        1 => (u32::MAX as u64 - 2)..(u32::MAX as u64 + 2),
        1 => (i64::MAX as u64 - 1)..=(i64::MAX as u64),
        1 => Just(u64::MAX),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u8..4).prop_map(Op::Add),
        1 => any::<u16>().prop_map(Op::Del),
        1 => (0u8..12).prop_map(Op::Trim),
        4 => (0u8..3, 0u8..4, prop::bool::weighted(0.15))
            .prop_map(|(c, count, noack)| Op::ReadNew { c, count, noack }),
        1 => (0u8..3, any::<u16>(), 0u8..4).prop_map(|(c, from, count)| Op::ReadHistory { c, from, count }),
        3 => any::<u16>().prop_map(Op::Ack),
        2 => (0u8..3, prop::collection::vec(any::<u16>(), 1..4), 0u16..300, any::<bool>(), any::<bool>(),
              prop::option::of(retry_count()))
            .prop_map(|(c, ids, min_idle, force, justid, retry)| Op::Claim { c, ids, min_idle, force, justid, retry }),
        2 => (0u8..3, any::<u16>(), 1u8..5, 0u16..300, any::<bool>())
            .prop_map(|(c, from, count, min_idle, justid)| Op::AutoClaim { c, from, count, min_idle, justid }),
        1 => (prop::option::of(0u8..4), any::<u16>(), any::<u16>(), 0u8..6, 0u16..300)
            .prop_map(|(c, from, to, count, min_idle)| Op::Pending { c, from, to, count, min_idle }),
        1 => (0u8..4).prop_map(Op::DelConsumer),
        1 => any::<u16>().prop_map(Op::SetId),
        2 => (0u16..200).prop_map(Op::Tick),
    ]
}

/// The stream side: live entries and Redis's counters, kept plainly, next
/// to the real stream log (whose counters feed the group's lag).
#[derive(Default)]
struct Log {
    live: BTreeMap<StreamId, ()>,
    ever: Vec<StreamId>,
    last: StreamId,
    max_deleted: StreamId,
    real: Stream,
}

impl Log {
    fn meta(&self) -> StreamMeta {
        StreamMeta {
            length: self.live.len() as u64,
            entries_added: self.ever.len() as u64,
            first_id: self.live.keys().next().copied().unwrap_or(StreamId::MIN),
            last_id: self.last,
            max_deleted: self.max_deleted,
        }
    }

    /// An ID chosen by index among everything ever added (so deleted ones too).
    fn pick(&self, n: u16) -> StreamId {
        if self.ever.is_empty() {
            return StreamId::new(1, 0);
        }
        self.ever[n as usize % self.ever.len()]
    }
}

/// The reference: Redis's structures, written plainly.
#[derive(Default)]
struct Ref {
    last_id: StreamId,
    /// id -> (consumer, time, count)
    pel: BTreeMap<StreamId, (String, u64, u64)>,
    /// name -> (seen, active)
    consumers: BTreeMap<String, (u64, i64)>,
}

impl Ref {
    fn consumer(&mut self, name: &str, now: u64) {
        self.consumers
            .entry(name.to_string())
            .or_insert((now, -1))
            .0 = now;
    }
}

fn name(c: u8) -> String {
    format!("c{c}")
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut log = Log::default();
    let mut g = Group::new(StreamId::MIN, 0);
    let mut r = Ref::default();
    let mut now: u64 = 1_000;
    let mut next_ms = 1u64;
    let mut user_entries_read = false;
    for op in ops {
        match op {
            Op::Add(n) => {
                for _ in 0..n {
                    let id = StreamId::new(next_ms, 0);
                    next_ms += 1;
                    log.live.insert(id, ());
                    log.ever.push(id);
                    log.last = id;
                    let limits = NodeLimits {
                        max_entries: 3,
                        max_bytes: 4096,
                    };
                    log.real
                        .append(id, &[b"f".as_slice(), b"v".as_slice()], limits);
                }
            }
            Op::Del(n) => {
                if !log.live.is_empty() {
                    let id = *log.live.keys().nth(n as usize % log.live.len()).unwrap();
                    log.live.remove(&id);
                    log.max_deleted = log.max_deleted.max(id);
                    prop_assert!(log.real.delete(id));
                }
            }
            Op::Trim(maxlen) => {
                while log.live.len() > maxlen as usize {
                    let id = *log.live.keys().next().unwrap();
                    log.live.remove(&id);
                }
                log.real.trim(Trim::MaxLen(maxlen as u64), false, 0);
            }
            Op::ReadNew { c, count, noack } => {
                let nm = name(c);
                let (slot, _) = g.get_or_create_consumer(nm.as_bytes(), now);
                g.touch_seen(slot, now);
                r.consumer(&nm, now);
                let meta = log.real.meta();
                let mut got = Vec::new();
                for (&id, ()) in log.live.range(g.last_id.next().unwrap_or(StreamId::MAX)..) {
                    if count != 0 && got.len() == count as usize {
                        break;
                    }
                    g.advance(id, &meta);
                    if !noack {
                        g.deliver(id, slot, now);
                    }
                    got.push(id);
                }
                // Reference.
                let want: Vec<StreamId> = log
                    .live
                    .keys()
                    .copied()
                    .filter(|&id| id > r.last_id)
                    .take(if count == 0 {
                        usize::MAX
                    } else {
                        count as usize
                    })
                    .collect();
                for &id in &want {
                    r.last_id = id;
                    if !noack {
                        r.pel.insert(id, (nm.clone(), now, 1));
                        r.consumers.get_mut(&nm).unwrap().1 = now as i64;
                    }
                }
                prop_assert_eq!(got, want);
            }
            Op::ReadHistory { c, from, count } => {
                let nm = name(c);
                let (slot, _) = g.get_or_create_consumer(nm.as_bytes(), now);
                g.touch_seen(slot, now);
                r.consumer(&nm, now);
                let start = log.pick(from);
                let ids = g.consumer_history(slot, start, count as usize);
                for &id in &ids {
                    if log.live.contains_key(&id) {
                        g.redeliver(id, now);
                    }
                }
                let want: Vec<StreamId> = r
                    .pel
                    .iter()
                    .filter(|(id, v)| **id >= start && v.0 == nm)
                    .map(|(id, _)| *id)
                    .take(if count == 0 {
                        usize::MAX
                    } else {
                        count as usize
                    })
                    .collect();
                for id in &want {
                    if log.live.contains_key(id) {
                        let e = r.pel.get_mut(id).unwrap();
                        e.1 = now;
                        e.2 = e.2.wrapping_add(1);
                    }
                }
                prop_assert_eq!(ids, want);
            }
            Op::Ack(n) => {
                let id = log.pick(n);
                prop_assert_eq!(g.ack(id), r.pel.remove(&id).is_some());
            }
            Op::Claim {
                c,
                ids,
                min_idle,
                force,
                justid,
                retry,
            } => {
                let nm = name(c);
                let (slot, _) = g.get_or_create_consumer(nm.as_bytes(), now);
                g.touch_seen(slot, now);
                r.consumer(&nm, now);
                let o = ClaimOpts {
                    min_idle: min_idle as i64,
                    time: now,
                    retry_count: retry,
                    force,
                    justid,
                };
                let mut got = Vec::new();
                let mut want = Vec::new();
                for n in ids {
                    let id = log.pick(n);
                    let exists = log.live.contains_key(&id);
                    if g.claim(id, slot, &o, now, exists) {
                        got.push(id);
                    }
                    // Reference, from xclaimCommand.
                    if !exists {
                        r.pel.remove(&id);
                        continue;
                    }
                    let mut fresh = false;
                    if force && !r.pel.contains_key(&id) {
                        r.pel.insert(id, (String::new(), now, 1));
                        fresh = true;
                    }
                    if let Some(e) = r.pel.get_mut(&id) {
                        if !fresh && min_idle != 0 && (now as i64 - e.1 as i64) < min_idle as i64 {
                            continue;
                        }
                        e.0 = nm.clone();
                        e.1 = now;
                        match retry {
                            Some(x) => e.2 = x,
                            None if !justid => e.2 = e.2.wrapping_add(1),
                            None => {}
                        }
                        r.consumers.get_mut(&nm).unwrap().1 = now as i64;
                        want.push(id);
                    }
                }
                prop_assert_eq!(got, want);
            }
            Op::AutoClaim {
                c,
                from,
                count,
                min_idle,
                justid,
            } => {
                let nm = name(c);
                let (slot, _) = g.get_or_create_consumer(nm.as_bytes(), now);
                g.touch_seen(slot, now);
                r.consumer(&nm, now);
                let start = log.pick(from);
                let live = &log.live;
                let o = AutoClaimOpts {
                    min_idle: min_idle as i64,
                    count: count as usize,
                    justid,
                };
                let res = g.autoclaim(start, slot, o, now, |id| live.contains_key(&id));
                // Reference, from xautoclaimCommand.
                let mut attempts = count as usize * 10;
                let mut left = count as usize;
                let mut claimed = Vec::new();
                let mut deleted = Vec::new();
                let mut last_visited = None;
                let keys: Vec<StreamId> = r.pel.range(start..).map(|(k, _)| *k).collect();
                let mut i = 0;
                while attempts > 0 && left > 0 && i < keys.len() {
                    attempts -= 1;
                    let id = keys[i];
                    i += 1;
                    last_visited = Some(id);
                    if !log.live.contains_key(&id) {
                        r.pel.remove(&id);
                        deleted.push(id);
                        left -= 1;
                        continue;
                    }
                    let e = r.pel.get_mut(&id).unwrap();
                    if min_idle != 0 && (now as i64 - e.1 as i64) < min_idle as i64 {
                        continue;
                    }
                    e.0 = nm.clone();
                    e.1 = now;
                    if !justid {
                        e.2 = e.2.wrapping_add(1);
                    }
                    r.consumers.get_mut(&nm).unwrap().1 = now as i64;
                    claimed.push(id);
                    left -= 1;
                }
                let next = match last_visited {
                    None => r.pel.range(start..).next().map(|(k, _)| *k),
                    Some(v) => r.pel.range(v..).find(|(k, _)| **k > v).map(|(k, _)| *k),
                }
                .unwrap_or(StreamId::MIN);
                // An empty scan (count exhausted before visiting) keeps the start.
                prop_assert_eq!(&res.claimed, &claimed);
                prop_assert_eq!(&res.deleted, &deleted);
                prop_assert_eq!(res.next, next);
            }
            Op::Pending {
                c,
                from,
                to,
                count,
                min_idle,
            } => {
                let (a, b) = (log.pick(from), log.pick(to));
                let filter = c.map(name);
                let slot = match &filter {
                    Some(n) => match g.consumer_slot(n.as_bytes()) {
                        Some(s) => Some(s),
                        None => {
                            prop_assert!(!r.consumers.contains_key(n));
                            continue;
                        }
                    },
                    None => None,
                };
                let rows = g.pending_range(a, b, count as usize, min_idle as i64, slot, now);
                let want: Vec<(StreamId, String, i64, u64)> = if a > b {
                    Vec::new()
                } else {
                    r.pel
                        .range(a..=b)
                        .filter(|(_, v)| filter.as_ref().map(|f| *f == v.0).unwrap_or(true))
                        .filter(|(_, v)| {
                            min_idle == 0 || now as i64 - v.1 as i64 >= min_idle as i64
                        })
                        .take(count as usize)
                        .map(|(k, v)| (*k, v.0.clone(), (now as i64 - v.1 as i64).max(0), v.2))
                        .collect()
                };
                let got: Vec<(StreamId, String, i64, u64)> = rows
                    .into_iter()
                    .map(|p| {
                        (
                            p.id,
                            String::from_utf8(p.consumer.to_vec()).unwrap(),
                            p.idle,
                            p.count,
                        )
                    })
                    .collect();
                prop_assert_eq!(got, want);
                let (n, range, per) = g.pending_summary();
                prop_assert_eq!(n, r.pel.len());
                prop_assert_eq!(
                    range,
                    r.pel
                        .keys()
                        .next()
                        .map(|f| (*f, *r.pel.keys().last().unwrap()))
                );
                let mut want_per: BTreeMap<String, usize> = BTreeMap::new();
                for v in r.pel.values() {
                    *want_per.entry(v.0.clone()).or_default() += 1;
                }
                let got_per: BTreeMap<String, usize> = per
                    .into_iter()
                    .map(|(k, v)| (String::from_utf8(k.to_vec()).unwrap(), v))
                    .collect();
                prop_assert_eq!(got_per, want_per);
            }
            Op::DelConsumer(c) => {
                let nm = name(c);
                let got = g.delete_consumer(nm.as_bytes());
                let want = r.consumers.remove(&nm).map(|_| {
                    let before = r.pel.len();
                    r.pel.retain(|_, v| v.0 != nm);
                    before - r.pel.len()
                });
                prop_assert_eq!(got, want);
            }
            Op::SetId(n) => {
                let id = log.pick(n);
                g.last_id = id;
                g.entries_read = INVALID_ENTRIES_READ;
                r.last_id = id;
                user_entries_read = false;
            }
            Op::Tick(ms) => now += ms as u64,
        }
        g.check_invariants();
        prop_assert_eq!(g.last_id, r.last_id);
        // The real log's counters agree with the plain ones.
        let meta = log.real.meta();
        prop_assert_eq!(meta, log.meta());
        // Redis's counters, when known, are exact.
        if let Some(lag) = g.lag(&meta) {
            let after = log.live.keys().filter(|&&id| id > g.last_id).count() as i64;
            prop_assert_eq!(lag, after, "lag");
        }
        if g.entries_read != INVALID_ENTRIES_READ && !user_entries_read {
            let upto = log.ever.iter().filter(|&&id| id <= g.last_id).count() as i64;
            prop_assert_eq!(g.entries_read, upto, "entries-read");
        }
        for c in g.consumers() {
            let nm = String::from_utf8(c.name.to_vec()).unwrap();
            let (seen, active) = r.consumers[&nm];
            prop_assert_eq!(c.seen_time, seen);
            prop_assert_eq!(c.active_time, active);
        }
        prop_assert_eq!(g.consumer_count(), r.consumers.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn group_matches_reference(ops in prop::collection::vec(op(), 1..120)) {
        run(ops)?;
    }
}
