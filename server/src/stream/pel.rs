//! A compact ordered map from [`StreamId`] to a small `Copy` value, used for
//! pending entries lists (PELs).
//!
//! Consumer groups keep one entry per delivered-but-unacknowledged message,
//! and a stalled consumer can leave millions of them, so the per-entry cost
//! matters more than anything else here. Redis keeps two radix-tree nodes and
//! a separately allocated NACK per entry (~148 bytes measured in 7.0.15,
//! docs/benchmarks.md). This map stores entries inline in sorted chunks of at
//! most [`CHUNK`] entries: an entry costs its key and value and nothing else
//! (`16 + size_of::<V>()` bytes), plus one chunk header per [`CHUNK`]
//! entries.
//!
//! Messages are delivered in ID order, so inserts are almost always appends:
//! an append to a full last chunk opens a new chunk, leaving the full one
//! full. Inserts in the middle (XCLAIM FORCE, XGROUP SETID back in time) split
//! a full chunk in two. Removals (XACK) shift within one chunk; an emptied
//! chunk is dropped (in O(1) at the front: the chunks are in a deque, since
//! acknowledgements drain a PEL from its front) and a small one merges into
//! its neighbour.
//!
//! Each chunk also keeps `min_time`, a lower bound of [`Timed::time`] over its
//! entries, so time-filtered scans (XPENDING IDLE) skip whole chunks whose
//! entries are all too recent without reading them.
//!
//! # Invariants
//! - Every chunk is non-empty and sorted by key, with no duplicate keys.
//! - Every key of chunk `i` is smaller than every key of chunk `i + 1`.
//! - `len` is the total number of entries.
//! - `chunk.min_time <= v.time()` for every value `v` in the chunk.

use super::StreamId;
use std::collections::VecDeque;

/// Maximum entries per chunk: big enough that headers are negligible, small
/// enough that a shift inside one chunk is a short memmove.
pub const CHUNK: usize = 64;

/// A value that may carry a time (the delivery time of a pending entry).
pub trait Timed: Copy {
    fn time(&self) -> u64 {
        0
    }
}

impl Timed for () {}

#[derive(Debug, Clone)]
struct Chunk<V> {
    items: Vec<(StreamId, V)>,
    /// A lower bound of the times of `items`.
    min_time: u64,
}

impl<V: Timed> Chunk<V> {
    fn first(&self) -> StreamId {
        self.items[0].0
    }

    fn last(&self) -> StreamId {
        self.items[self.items.len() - 1].0
    }

    fn recompute_min(&mut self) {
        self.min_time = self.items.iter().map(|(_, v)| v.time()).min().unwrap_or(0);
    }

    /// Pushes keeping the allocation no bigger than [`CHUNK`] entries.
    fn reserve_one(&mut self) {
        if self.items.len() == self.items.capacity() {
            let want = (self.items.capacity() * 2).clamp(4, CHUNK);
            self.items.reserve_exact(want - self.items.len());
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChunkMap<V> {
    /// A deque: acknowledgements drain the PEL from the front, and dropping
    /// the emptied first chunk must not shift every other chunk's header
    /// (with a million pending entries that is 15,625 headers per 64 acks).
    chunks: VecDeque<Chunk<V>>,
    len: usize,
}

impl<V: Timed> Default for ChunkMap<V> {
    fn default() -> Self {
        ChunkMap {
            chunks: VecDeque::new(),
            len: 0,
        }
    }
}

impl<V: Timed> ChunkMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Index of the chunk that holds `id` or would hold it.
    fn chunk_for(&self, id: StreamId) -> usize {
        let n = self.chunks.len();
        // Fast paths for the common shapes: deliveries append at the end,
        // acknowledgements and claims come from the front.
        if n == 0 || id <= self.chunks[0].last() {
            return 0;
        }
        if self.chunks[n - 1].first() <= id {
            return n - 1;
        }
        // First chunk whose last key is >= id (one exists: id < last chunk's first).
        self.chunks.partition_point(|c| c.last() < id)
    }

    fn locate(&self, id: StreamId) -> Option<(usize, Result<usize, usize>)> {
        if self.chunks.is_empty() {
            return None;
        }
        let ci = self.chunk_for(id);
        let pos = self.chunks[ci].items.binary_search_by(|(k, _)| k.cmp(&id));
        Some((ci, pos))
    }

    pub fn get(&self, id: StreamId) -> Option<&V> {
        match self.locate(id)? {
            (ci, Ok(p)) => Some(&self.chunks[ci].items[p].1),
            _ => None,
        }
    }

    pub fn contains(&self, id: StreamId) -> bool {
        self.get(id).is_some()
    }

    /// Replaces the value of an existing key; returns the old value.
    pub fn set(&mut self, id: StreamId, v: V) -> Option<V> {
        let (ci, Ok(p)) = self.locate(id)? else {
            return None;
        };
        let c = &mut self.chunks[ci];
        let old = std::mem::replace(&mut c.items[p].1, v);
        if v.time() < c.min_time {
            c.min_time = v.time();
        } else if old.time() == c.min_time && v.time() > old.time() {
            c.recompute_min();
        }
        Some(old)
    }

    /// Inserts or replaces; returns the old value when the key was present.
    pub fn insert(&mut self, id: StreamId, v: V) -> Option<V> {
        let Some((ci, pos)) = self.locate(id) else {
            let mut items = Vec::with_capacity(4);
            items.push((id, v));
            self.chunks.push_back(Chunk {
                items,
                min_time: v.time(),
            });
            self.len = 1;
            return None;
        };
        let p = match pos {
            Ok(_) => return self.set(id, v),
            Err(p) => p,
        };
        self.len += 1;
        let last_chunk = ci + 1 == self.chunks.len();
        let c = &mut self.chunks[ci];
        if c.items.len() < CHUNK {
            c.reserve_one();
            c.items.insert(p, (id, v));
            c.min_time = c.min_time.min(v.time());
            return None;
        }
        if p == CHUNK {
            // Past the end of a full chunk: open (or prepend to) the next one.
            if !last_chunk && self.chunks[ci + 1].items.len() < CHUNK {
                let n = &mut self.chunks[ci + 1];
                n.reserve_one();
                n.items.insert(0, (id, v));
                n.min_time = n.min_time.min(v.time());
            } else {
                let mut items = Vec::with_capacity(4);
                items.push((id, v));
                self.chunks.insert(
                    ci + 1,
                    Chunk {
                        items,
                        min_time: v.time(),
                    },
                );
            }
            return None;
        }
        // Split the full chunk in half, then insert into the right half.
        let mut right: Vec<(StreamId, V)> = Vec::with_capacity(CHUNK);
        right.extend_from_slice(&c.items[CHUNK / 2..]);
        c.items.truncate(CHUNK / 2);
        c.recompute_min();
        let mut rc = Chunk {
            items: right,
            min_time: 0,
        };
        rc.recompute_min();
        if p <= CHUNK / 2 {
            c.items.insert(p, (id, v));
            c.min_time = c.min_time.min(v.time());
        } else {
            rc.items.insert(p - CHUNK / 2, (id, v));
            rc.min_time = rc.min_time.min(v.time());
        }
        self.chunks.insert(ci + 1, rc);
        None
    }

    pub fn remove(&mut self, id: StreamId) -> Option<V> {
        let (ci, Ok(p)) = self.locate(id)? else {
            return None;
        };
        self.len -= 1;
        let c = &mut self.chunks[ci];
        let (_, v) = c.items.remove(p);
        if c.items.is_empty() {
            self.chunks.remove(ci);
            if self.chunks.is_empty() {
                // Give back the header buffer of a drained PEL.
                self.chunks = VecDeque::new();
            }
            return Some(v);
        }
        // `min_time` stays a valid lower bound when an entry leaves; it is not
        // tightened here (that would scan the chunk on every in-order XACK,
        // whose entries often share one delivery time). A loose bound only
        // makes an XPENDING IDLE scan read a chunk it could have skipped.
        // Merge a small chunk into its right neighbour when both fit in half a
        // chunk, so an acked-in-random-order PEL does not fragment.
        if c.items.len() < CHUNK / 4 && ci + 1 < self.chunks.len() {
            let n = self.chunks[ci].items.len() + self.chunks[ci + 1].items.len();
            if n <= CHUNK / 2 {
                let next = self.chunks.remove(ci + 1).expect("neighbour");
                let c = &mut self.chunks[ci];
                c.items.reserve_exact(next.items.len());
                c.items.extend_from_slice(&next.items);
                c.min_time = c.min_time.min(next.min_time);
            }
        }
        let c = &mut self.chunks[ci];
        let keep = c.items.len().max(4);
        if c.items.capacity() > 2 * keep {
            c.items.shrink_to(keep);
        }
        Some(v)
    }

    pub fn first(&self) -> Option<(StreamId, V)> {
        self.chunks.front().map(|c| c.items[0])
    }

    pub fn last(&self) -> Option<(StreamId, V)> {
        self.chunks.back().map(|c| c.items[c.items.len() - 1])
    }

    /// The first entry with key `>= id`.
    pub fn first_from(&self, id: StreamId) -> Option<(StreamId, V)> {
        let (ci, pos) = self.locate(id)?;
        let p = match pos {
            Ok(p) | Err(p) => p,
        };
        let c = &self.chunks[ci];
        if p < c.items.len() {
            Some(c.items[p])
        } else {
            self.chunks.get(ci + 1).map(|n| n.items[0])
        }
    }

    /// Entries with keys in `start..=end`, in order.
    pub fn range(&self, start: StreamId, end: StreamId) -> Range<'_, V> {
        let (ci, p) = match self.locate(start) {
            None => (0, 0),
            Some((ci, Ok(p) | Err(p))) => (ci, p),
        };
        Range {
            map: self,
            ci,
            p,
            end,
            max_time: u64::MAX,
        }
    }

    /// Like [`ChunkMap::range`], but may skip entries whose time is above
    /// `max_time` (whole chunks at a time); callers still filter each entry.
    pub fn range_up_to_time(&self, start: StreamId, end: StreamId, max_time: u64) -> Range<'_, V> {
        let mut r = self.range(start, end);
        r.max_time = max_time;
        r
    }

    pub fn iter(&self) -> Range<'_, V> {
        self.range(StreamId::MIN, StreamId::MAX)
    }

    /// Heap bytes held (allocations, not counting `self`).
    pub fn memory_usage(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<Chunk<V>>()
            + self
                .chunks
                .iter()
                .map(|c| c.items.capacity() * std::mem::size_of::<(StreamId, V)>())
                .sum::<usize>()
    }

    /// Checks the invariants listed in the module doc (tests).
    #[cfg(test)]
    pub fn check(&self) {
        let mut n = 0;
        let mut prev: Option<StreamId> = None;
        for c in &self.chunks {
            assert!(!c.items.is_empty(), "empty chunk");
            assert!(c.items.len() <= CHUNK, "oversized chunk");
            for (k, v) in &c.items {
                if let Some(p) = prev {
                    assert!(p < *k, "keys out of order");
                }
                prev = Some(*k);
                assert!(c.min_time <= v.time(), "min_time above an entry");
                n += 1;
            }
        }
        assert_eq!(n, self.len, "len mismatch");
    }
}

/// An in-order iterator over part of a [`ChunkMap`].
pub struct Range<'a, V> {
    map: &'a ChunkMap<V>,
    ci: usize,
    p: usize,
    end: StreamId,
    max_time: u64,
}

impl<V: Timed> Iterator for Range<'_, V> {
    type Item = (StreamId, V);

    fn next(&mut self) -> Option<(StreamId, V)> {
        loop {
            let c = self.map.chunks.get(self.ci)?;
            if self.p >= c.items.len() || (self.p == 0 && c.min_time > self.max_time) {
                if self.p == 0 && c.first() > self.end {
                    return None;
                }
                self.ci += 1;
                self.p = 0;
                continue;
            }
            let item = c.items[self.p];
            if item.0 > self.end {
                return None;
            }
            self.p += 1;
            return Some(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct T(u64);
    impl Timed for T {
        fn time(&self) -> u64 {
            self.0
        }
    }

    fn id(n: u64) -> StreamId {
        StreamId::new(n / 7, n % 7)
    }

    #[test]
    fn append_fills_chunks() {
        let mut m: ChunkMap<()> = ChunkMap::new();
        for i in 0..1000 {
            m.insert(id(i), ());
        }
        m.check();
        assert_eq!(m.len(), 1000);
        // Appends leave every chunk but the last full.
        assert_eq!(m.chunks.len(), 1000usize.div_ceil(CHUNK));
        assert_eq!(m.first().unwrap().0, id(0));
        assert_eq!(m.last().unwrap().0, id(999));
        assert_eq!(m.range(id(10), id(20)).count(), 11);
        assert_eq!(m.first_from(id(64)).unwrap().0, id(64));
    }

    #[test]
    fn matches_btreemap_under_random_ops() {
        let mut m: ChunkMap<T> = ChunkMap::new();
        let mut r: BTreeMap<StreamId, T> = BTreeMap::new();
        let mut x: u64 = 0x2545F4914F6CDD1D;
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = id(x % 500);
            let t = T(x % 1000);
            match x % 5 {
                0 | 1 => assert_eq!(m.insert(k, t), r.insert(k, t)),
                2 => assert_eq!(m.remove(k), r.remove(&k)),
                3 => {
                    if r.contains_key(&k) {
                        r.insert(k, t);
                    }
                    m.set(k, t);
                }
                _ => assert_eq!(m.get(k), r.get(&k)),
            }
            if step % 500 == 0 {
                m.check();
                let a: Vec<_> = m.iter().collect();
                let b: Vec<_> = r.iter().map(|(k, v)| (*k, *v)).collect();
                assert_eq!(a, b);
                let (lo, hi) = (id(x % 200), id(x % 200 + 150));
                let a: Vec<_> = m.range(lo, hi).collect();
                let b: Vec<_> = r.range(lo..=hi).map(|(k, v)| (*k, *v)).collect();
                assert_eq!(a, b);
                let cut = x % 1000;
                let a: Vec<_> = m
                    .range_up_to_time(lo, hi, cut)
                    .filter(|(_, v)| v.0 <= cut)
                    .collect();
                let b: Vec<_> = r
                    .range(lo..=hi)
                    .filter(|(_, v)| v.0 <= cut)
                    .map(|(k, v)| (*k, *v))
                    .collect();
                assert_eq!(a, b);
                assert_eq!(
                    m.first_from(lo),
                    r.range(lo..).next().map(|(k, v)| (*k, *v))
                );
            }
        }
        m.check();
    }
}
