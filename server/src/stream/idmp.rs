//! Idempotent production (`XADD ... IDMP pid iid` / `IDMPAUTO pid`, Redis 8.6):
//! each stream remembers, per producer, the most recent idempotent IDs (iids)
//! it added and the entry ID each one produced, so a retried add is answered
//! with the first ID instead of appending again. Also the stream's
//! `idmp-duration` / `idmp-maxsize` (set by `XCFGSET`) and the counters XINFO
//! STREAM reports. Semantics: docs/redis8.md, "XADD IDMP / IDMPAUTO".
//!
//! # Invariants
//! - For each producer, `ids` and `order` hold the same iids; `order` is in
//!   insertion order, which is also increasing entry-ID order (each recorded
//!   iid produced a new entry, and entry IDs only grow).
//! - A producer holds at most `maxsize` iids, and at least one (an emptied
//!   producer is removed).
//! - `added` and `duplicates` only grow (lifetime counters; XCFGSET keeps them).
//! - Expiry is exact and lazy: an iid whose entry ID's time is at or before
//!   `now - duration` is never reported as a duplicate nor counted; it is
//!   physically dropped from the head of `order` when its producer is next
//!   looked up, and producers whose iids all expired are swept every
//!   `SWEEP_EVERY` records (Redis does both in a background cron), so memory
//!   stays bounded by the live producers.

use super::StreamId;
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;

/// `stream-idmp-duration` bounds and default (seconds).
pub const MIN_DURATION: i64 = 1;
pub const MAX_DURATION: i64 = 86400;
pub const DEFAULT_DURATION: u32 = 100;
/// `stream-idmp-maxsize` bounds and default (iids per producer).
pub const MIN_MAXSIZE: i64 = 1;
pub const MAX_MAXSIZE: i64 = 10000;
pub const DEFAULT_MAXSIZE: u32 = 100;

/// A stream's IDMP configuration and tables.
#[derive(Debug, Clone)]
pub struct Idmp {
    /// Seconds an iid is remembered.
    pub duration: u32,
    /// Iids remembered per producer.
    pub maxsize: u32,
    state: Option<Box<State>>,
}

#[derive(Debug, Clone, Default)]
struct State {
    producers: HashMap<Bytes, Producer>,
    added: u64,
    duplicates: u64,
}

/// Records between sweeps of expired producers.
const SWEEP_EVERY: u64 = 64;

#[derive(Debug, Clone, Default)]
struct Producer {
    ids: HashMap<Bytes, StreamId>,
    order: VecDeque<Bytes>,
}

impl Default for Idmp {
    fn default() -> Self {
        Idmp::new(DEFAULT_DURATION, DEFAULT_MAXSIZE)
    }
}

/// What XINFO STREAM reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdmpInfo {
    pub duration: u32,
    pub maxsize: u32,
    pub pids_tracked: u64,
    pub iids_tracked: u64,
    pub iids_added: u64,
    pub iids_duplicates: u64,
}

impl Producer {
    /// Drops iids whose entry time is at or before `cutoff_ms`.
    fn expire(&mut self, cutoff_ms: Option<u64>) {
        let Some(cutoff) = cutoff_ms else { return };
        while let Some(iid) = self.order.front() {
            let id = self.ids[iid];
            if id.ms > cutoff {
                break;
            }
            self.ids.remove(iid);
            self.order.pop_front();
        }
    }
}

impl Idmp {
    /// A stream's settings as `stream-idmp-duration` / `stream-idmp-maxsize`
    /// give them when it is created.
    pub fn new(duration: u32, maxsize: u32) -> Idmp {
        Idmp {
            duration,
            maxsize,
            state: None,
        }
    }

    /// The time at or before which recorded entries have expired, if any has.
    fn cutoff(&self, now_ms: u64) -> Option<u64> {
        now_ms.checked_sub(self.duration as u64 * 1000)
    }

    /// Looks `(pid, iid)` up. A hit counts a duplicate and returns the entry
    /// ID the first add produced.
    pub fn lookup(&mut self, pid: &[u8], iid: &[u8], now_ms: u64) -> Option<StreamId> {
        let cutoff = self.cutoff(now_ms);
        let state = self.state.as_mut()?;
        let producer = state.producers.get_mut(pid)?;
        producer.expire(cutoff);
        if producer.order.is_empty() {
            state.producers.remove(pid);
            return None;
        }
        let id = *producer.ids.get(iid)?;
        state.duplicates += 1;
        Some(id)
    }

    /// Records that `(pid, iid)` produced entry `id` (after a missed
    /// [`Idmp::lookup`]); evicts the producer's oldest iid beyond `maxsize`.
    pub fn record(&mut self, pid: &[u8], iid: &[u8], id: StreamId, now_ms: u64) {
        let maxsize = self.maxsize as usize;
        let cutoff = self.cutoff(now_ms);
        let state = self.state.get_or_insert_with(Box::default);
        state.added += 1;
        if state.added % SWEEP_EVERY == 0 {
            state.producers.retain(|_, p| {
                p.expire(cutoff);
                !p.order.is_empty()
            });
        }
        let producer = state
            .producers
            .entry(Bytes::copy_from_slice(pid))
            .or_default();
        let iid = Bytes::copy_from_slice(iid);
        if producer.ids.insert(iid.clone(), id).is_none() {
            producer.order.push_back(iid);
        }
        while producer.order.len() > maxsize {
            let old = producer.order.pop_front().expect("over maxsize");
            producer.ids.remove(&old);
        }
    }

    /// XCFGSET: sets the values given; any change clears every producer's
    /// table (the lifetime counters stay). Returns whether anything changed.
    pub fn configure(&mut self, duration: Option<u32>, maxsize: Option<u32>) -> bool {
        let mut changed = false;
        if let Some(d) = duration {
            if d != self.duration {
                self.duration = d;
                changed = true;
            }
        }
        if let Some(m) = maxsize {
            if m != self.maxsize {
                self.maxsize = m;
                changed = true;
            }
        }
        if changed {
            if let Some(state) = self.state.as_mut() {
                state.producers.clear();
            }
        }
        changed
    }

    /// The XINFO STREAM figures; iids that have expired are not counted, and
    /// a producer whose iids all expired is not tracked.
    pub fn info(&self, now_ms: u64) -> IdmpInfo {
        let cutoff = self.cutoff(now_ms);
        let mut info = IdmpInfo {
            duration: self.duration,
            maxsize: self.maxsize,
            ..IdmpInfo::default()
        };
        if let Some(state) = &self.state {
            for p in state.producers.values() {
                let expired = match cutoff {
                    Some(c) => p.order.iter().take_while(|i| p.ids[*i].ms <= c).count(),
                    None => 0,
                };
                let live = (p.order.len() - expired) as u64;
                if live > 0 {
                    info.pids_tracked += 1;
                    info.iids_tracked += live;
                }
            }
            info.iids_added = state.added;
            info.iids_duplicates = state.duplicates;
        }
        info
    }

    /// Approximate heap bytes (MEMORY USAGE).
    pub fn memory_usage(&self) -> usize {
        let Some(state) = &self.state else { return 0 };
        let per_iid = 2 * std::mem::size_of::<Bytes>() + std::mem::size_of::<StreamId>() + 16;
        std::mem::size_of::<State>()
            + state
                .producers
                .iter()
                .map(|(pid, p)| {
                    pid.len()
                        + std::mem::size_of::<Producer>()
                        + p.order.iter().map(|i| i.len() + per_iid).sum::<usize>()
                })
                .sum::<usize>()
    }
}

/// IDMPAUTO's iid: a 128-bit digest of the field/value pairs that does not
/// depend on their order. Each pair is hashed with its field length as a
/// separator (so `("ab","c")` and `("a","bc")` differ); the pair digests are
/// combined by wrapping sum and xor, mixed so that neither alone decides the
/// result. Only equality of digests is observable (Redis uses XXH3-128 the
/// same way; the exact function is not part of the contract).
pub fn auto_iid<F: AsRef<[u8]>>(fields: &[F]) -> [u8; 16] {
    let (mut sum_lo, mut sum_hi, mut xor_lo, mut xor_hi) = (0u64, 0u64, 0u64, 0u64);
    for pair in fields.chunks(2) {
        let f = pair[0].as_ref();
        let v = pair.get(1).map(|v| v.as_ref()).unwrap_or(&[]);
        let lo = pair_hash(0x9e37_79b9_7f4a_7c15, f, v);
        let hi = pair_hash(0xc2b2_ae3d_27d4_eb4f, f, v);
        sum_lo = sum_lo.wrapping_add(lo);
        sum_hi = sum_hi.wrapping_add(hi);
        xor_lo ^= lo;
        xor_hi ^= hi;
    }
    let lo = sum_lo ^ xor_hi.rotate_left(1);
    let hi = sum_hi ^ xor_lo.rotate_left(1);
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&lo.to_le_bytes());
    out[8..].copy_from_slice(&hi.to_le_bytes());
    out
}

fn pair_hash(seed: u64, field: &[u8], value: &[u8]) -> u64 {
    // SipHash-1-3 with fixed keys: deterministic within and across runs of
    // this binary, which is all an in-memory table needs.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new_with_keys(seed, seed.rotate_left(32));
    h.write(field);
    h.write(&(field.len() as u64).to_le_bytes());
    h.write(value);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId::new(ms, seq)
    }

    #[test]
    fn duplicate_returns_first_id_and_counts() {
        let mut t = Idmp::default();
        let now = 1_000_000;
        assert_eq!(t.lookup(b"p1", b"a", now), None);
        t.record(b"p1", b"a", id(now, 0), 0);
        assert_eq!(t.lookup(b"p1", b"a", now), Some(id(now, 0)));
        assert_eq!(t.lookup(b"p2", b"a", now), None, "producers are isolated");
        let i = t.info(now);
        assert_eq!((i.pids_tracked, i.iids_tracked), (1, 1));
        assert_eq!((i.iids_added, i.iids_duplicates), (1, 1));
    }

    #[test]
    fn maxsize_evicts_oldest_per_producer() {
        let mut t = Idmp::new(100, 3);
        let now = 5_000_000;
        for (n, iid) in [b"r1", b"r2", b"r3"].iter().enumerate() {
            t.record(b"p1", *iid, id(now, n as u64), 0);
        }
        t.record(b"p2", b"r1", id(now, 10), 0);
        t.record(b"p1", b"r4", id(now, 11), 0);
        assert_eq!(t.lookup(b"p1", b"r1", now), None);
        assert_eq!(t.lookup(b"p1", b"r2", now), Some(id(now, 1)));
        assert_eq!(t.lookup(b"p2", b"r1", now), Some(id(now, 10)));
        let i = t.info(now);
        assert_eq!((i.pids_tracked, i.iids_tracked, i.iids_added), (2, 4, 5));
    }

    #[test]
    fn expiry_is_exact_on_the_entry_time() {
        let mut t = Idmp::new(2, 100);
        t.record(b"p", b"a", id(10_000, 0), 0);
        t.record(b"p", b"b", id(11_000, 0), 0);
        // Remembered while now - duration < entry time.
        assert_eq!(t.lookup(b"p", b"a", 11_999), Some(id(10_000, 0)));
        // a expires at 12_000 (10_000 <= 12_000 - 2_000), b does not.
        assert_eq!(t.lookup(b"p", b"a", 12_000), None);
        assert_eq!(t.lookup(b"p", b"b", 12_000), Some(id(11_000, 0)));
        assert_eq!(t.info(12_000).iids_tracked, 1);
        // Everything gone: the producer goes too.
        let i = t.info(13_000);
        assert_eq!((i.pids_tracked, i.iids_tracked, i.iids_added), (0, 0, 2));
        // A clock earlier than the duration expires nothing.
        let mut t = Idmp::new(100, 100);
        t.record(b"p", b"a", id(5, 0), 0);
        assert_eq!(t.lookup(b"p", b"a", 50), Some(id(5, 0)));
    }

    #[test]
    fn configure_clears_only_on_change() {
        let mut t = Idmp::default();
        let now = 1_000_000;
        t.record(b"p", b"a", id(now, 0), 0);
        assert!(!t.configure(Some(100), Some(100)));
        assert!(t.lookup(b"p", b"a", now).is_some());
        assert!(t.configure(Some(5), None));
        assert_eq!(t.lookup(b"p", b"a", now), None);
        let i = t.info(now);
        assert_eq!((i.duration, i.maxsize, i.pids_tracked), (5, 100, 0));
        assert_eq!((i.iids_added, i.iids_duplicates), (1, 1));
    }

    #[test]
    fn auto_iid_ignores_pair_order_only() {
        let a = auto_iid(&[b"f1".as_ref(), b"a", b"f2", b"b"]);
        let b = auto_iid(&[b"f2".as_ref(), b"b", b"f1", b"a"]);
        assert_eq!(a, b);
        assert_ne!(a, auto_iid(&[b"f1".as_ref(), b"a", b"f2", b"x"]));
        assert_ne!(a, auto_iid(&[b"f1".as_ref(), b"a"]));
        assert_ne!(
            auto_iid(&[b"ab".as_ref(), b"c"]),
            auto_iid(&[b"a".as_ref(), b"bc"])
        );
        assert_ne!(
            auto_iid(&[b"f".as_ref(), b"v", b"f", b"v"]),
            auto_iid(&[b"f".as_ref(), b"v"])
        );
        assert_ne!(
            auto_iid(&[b"f1".as_ref(), b"v"]),
            auto_iid(&[b"f2".as_ref(), b"v"])
        );
    }
}
