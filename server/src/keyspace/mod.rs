//! The keyspace: numbered databases of keys, each holding a value and an
//! optional expiry time.
//!
//! # Concurrency
//! Each database is a sharded hash map (dashmap), so commands on different
//! keys run in parallel on different cores; two clients contend only when
//! their keys share a shard lock, and the lock is held for one command's work
//! on one key. Commands that must see or change several keys atomically
//! (EXEC, RENAME, COPY, FLUSHALL, ...) take the keyspace gate exclusively;
//! every other command holds it shared, which costs one uncontended atomic.
//!
//! # Ownership
//! Keys and string values are copied out of the connection's read buffer
//! before they are stored, so a stored key never pins a whole network buffer.
//!
//! # Expiry
//! An expired key is treated as absent by every access and removed when met
//! (lazily); a background sweep removes the ones nobody touches.
//!
//! # Key order and the SCAN cursor
//! Besides the hash map, each database keeps its keys in a lock-free skip
//! list ordered by a fixed 63-bit hash of the key (ties broken by the key).
//! A SCAN cursor is a position in that order: "continue with keys whose hash
//! is at least this". A page never ends in the middle of a run of equal
//! hashes, so the next cursor is strictly past every key returned. Because the
//! order does not depend on the map's size or layout (dashmap's shards resize
//! and reorder freely), every key present from the first call to the last is
//! returned at least once, and normally exactly once; keys added or removed
//! meanwhile may or may not be. The same order gives RANDOMKEY a uniform
//! starting point and lets the expiry sweep walk big databases in windows.
//!
//! # Signals
//! Writers call [`Keyspace::signal`] for each key they change. That aborts
//! transactions that WATCH the key and wakes clients blocked on it.

pub mod events;
pub mod glob;
pub mod sweep;

use bytes::Bytes;
use crossbeam_skiplist::SkipSet;
use dashmap::mapref::entry::Entry as MapEntry;
use dashmap::DashMap;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::ops::Bound;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

pub use events::{Events, WaitHandle};

/// A stored value.
#[derive(Debug)]
pub enum Value {
    Str(Bytes),
    /// Boxed: a stream's header is larger than the other variants.
    Stream(Box<crate::stream::Stream>),
}

impl Value {
    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Stream(_) => "stream",
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            // Redis stores a string that parses as an integer as `int`, a short
            // one inline with its header (`embstr`, up to 44 bytes), else `raw`.
            Value::Str(s) => {
                if s.len() <= 20 && crate::protocol::request::parse_i64(s).is_some() {
                    "int"
                } else if s.len() <= 44 {
                    "embstr"
                } else {
                    "raw"
                }
            }
            Value::Stream(_) => "stream",
        }
    }

    /// Bytes of memory the value would take in Redis (its object header and
    /// allocations, rounded to jemalloc's size classes), so MEMORY USAGE and
    /// INFO memory are comparable with Redis's figures.
    pub fn memory_usage(&self) -> usize {
        match self {
            Value::Str(s) => match self.encoding() {
                // The integer lives in the 16-byte object header itself.
                "int" => ROBJ,
                // Header and string in one allocation (sdshdr8).
                "embstr" => alloc_size(ROBJ + 3 + s.len() + 1),
                _ => ROBJ + sds_size(s.len()),
            },
            Value::Stream(s) => ROBJ + s.memory_usage(),
        }
    }

    /// A deep copy sharing nothing mutable with `self` (COPY).
    pub fn duplicate(&self) -> Value {
        match self {
            // Bytes is immutable; sharing the buffer is a deep copy in effect.
            Value::Str(s) => Value::Str(s.clone()),
            Value::Stream(s) => Value::Stream(s.clone()),
        }
    }
}

/// Redis's object header (`robj`).
pub const ROBJ: usize = 16;
/// Redis's hash table entry.
pub const DICT_ENTRY: usize = 24;

/// The size jemalloc (Redis's allocator) hands out for a request of `n`
/// bytes: 8, then multiples of 16 up to 128, then four classes per doubling.
pub fn alloc_size(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let group = usize::BITS - 1 - (n - 1).leading_zeros(); // 2^group < n <= 2^(group+1)
    let step = 1usize << (group - 2);
    n.div_ceil(step) * step
}

/// Allocation size of a Redis `sds` string of `len` bytes (header by length, NUL).
pub fn sds_size(len: usize) -> usize {
    let hdr = match len {
        0..=31 => 1,
        32..=255 => 3,
        256..=65535 => 5,
        _ => 9,
    };
    alloc_size(hdr + len + 1)
}

/// Memory a key costs besides its value, as Redis counts it for MEMORY USAGE:
/// the hash table entry and the key string.
pub fn key_usage(key: &[u8]) -> usize {
    DICT_ENTRY + sds_size(key.len())
}

/// A key's slot: its value, expiry and last access time.
#[derive(Debug)]
pub struct Entry {
    pub value: Value,
    /// Absolute expiry in ms since the epoch, or None.
    pub expire_at: Option<u64>,
    /// Last access, in seconds since the epoch (OBJECT IDLETIME); relaxed atomic
    /// so readers can update it under a shared lock.
    pub access: AtomicU32,
    /// A string changed in place (APPEND, SETRANGE): Redis then holds it as a
    /// `raw` string whatever its length, and OBJECT ENCODING says so.
    pub raw: bool,
}

impl Entry {
    pub fn new(value: Value, now_ms: u64) -> Entry {
        Entry {
            value,
            expire_at: None,
            access: AtomicU32::new((now_ms / 1000) as u32),
            raw: false,
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match &self.value {
            Value::Str(_) if self.raw => "raw",
            v => v.encoding(),
        }
    }

    /// A new entry holding `value` with the given expiry.
    pub fn with_expiry(value: Value, expire_at: Option<u64>, now_ms: u64) -> Entry {
        Entry {
            expire_at,
            ..Entry::new(value, now_ms)
        }
    }

    pub fn is_expired(&self, now_ms: u64) -> bool {
        matches!(self.expire_at, Some(t) if t <= now_ms)
    }

    pub fn touch(&self, now_ms: u64) {
        self.access.store((now_ms / 1000) as u32, Ordering::Relaxed);
    }
}

/// The key map. Hashed with foldhash, seeded at random per map (see
/// `docs/architecture.md`, "Hashing"): std's SipHash-1-3 cost about 6% of a
/// trivial command's instructions.
pub type Map = DashMap<Bytes, Entry, foldhash::fast::RandomState>;

/// The hash that orders keys for SCAN. Fixed (not per-process random) so scan
/// order is reproducible; the index is a skip list, so colliding hashes cost
/// nothing but ties broken by key bytes.
fn scan_hash(key: &[u8]) -> u64 {
    // One bit less than u64 so every cursor is a positive signed integer too
    // (clients parse the cursor as a signed 64-bit number).
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key) >> 1
}

/// One database.
///
/// # Invariants
/// - `index` holds `(scan_hash(k), k)` for exactly the keys `k` present in
///   `map` (live or expired-not-yet-removed). Every insertion and removal of
///   a key updates both while holding the key's shard lock, so for any one key
///   they never disagree outside that lock. Mutate the map only through `Db`'s
///   methods.
/// - `volatile` counts entries of `map` with `expire_at` set.
#[derive(Debug, Default)]
pub struct Db {
    pub map: Map,
    /// Keys ordered by scan hash: SCAN's cursor, RANDOMKEY, the expiry sweep.
    index: SkipSet<(u64, Bytes)>,
    /// Number of keys with an expiry set (lets the sweep skip a database).
    pub volatile: AtomicUsize,
    /// Keys removed because their time came, lazily or by the sweep (INFO `expired_keys`).
    pub expired: AtomicU64,
}

/// One SCAN step's result.
#[derive(Debug)]
pub struct ScanPage {
    pub keys: Vec<Bytes>,
    /// The cursor to continue with; 0 when the scan is complete.
    pub next: u64,
}

impl Db {
    /// Calls `f` with the live entry for `key`, or returns None when the key is
    /// absent or expired (an expired key is removed).
    pub fn get<R>(&self, key: &[u8], now_ms: u64, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let expired = {
            let e = self.map.get(key)?;
            if !e.is_expired(now_ms) {
                e.touch(now_ms);
                return Some(f(&e));
            }
            true
        };
        if expired {
            self.remove_if_expired(key, now_ms);
        }
        None
    }

    /// Like [`Db::get`] but leaves the access time alone (OBJECT, TYPE-less
    /// introspection that Redis does with LOOKUP_NOTOUCH).
    pub fn peek<R>(&self, key: &[u8], now_ms: u64, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let expired = {
            let e = self.map.get(key)?;
            if !e.is_expired(now_ms) {
                return Some(f(&e));
            }
            true
        };
        if expired {
            self.remove_if_expired(key, now_ms);
        }
        None
    }

    /// Calls `f` with the live entry for `key` for changing it in place; None
    /// when absent or expired.
    pub fn get_mut<R>(
        &self,
        key: &[u8],
        now_ms: u64,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Option<R> {
        let expired = {
            let mut e = self.map.get_mut(key)?;
            if !e.is_expired(now_ms) {
                e.touch(now_ms);
                let before = e.expire_at.is_some();
                let r = f(&mut e);
                self.adjust_volatile(before, e.expire_at.is_some());
                return Some(r);
            }
            true
        };
        if expired {
            self.remove_if_expired(key, now_ms);
        }
        None
    }

    /// Calls `f` with the key's slot: `Some(entry)` when live, `None` when
    /// absent. Whatever `f` leaves in the slot is stored (None deletes). Holds
    /// the key's shard lock throughout, so check-then-act is atomic.
    pub fn with_slot<R>(
        &self,
        key: &[u8],
        now_ms: u64,
        f: impl FnOnce(&mut Option<Entry>) -> R,
    ) -> R {
        // Fast path: the key exists, no allocation.
        if let Some(mut e) = self.map.get_mut(key) {
            let was_volatile = e.expire_at.is_some();
            let mut slot = if e.is_expired(now_ms) {
                if e.expire_at != Some(0) {
                    self.expired.fetch_add(1, Ordering::Relaxed);
                }
                None
            } else {
                e.touch(now_ms);
                Some(std::mem::replace(&mut *e, placeholder()))
            };
            let r = f(&mut slot);
            match slot {
                Some(new) => {
                    self.adjust_volatile(was_volatile, new.expire_at.is_some());
                    *e = new;
                }
                None => {
                    // Leave an invisible tombstone (expired, counted as
                    // volatile like any entry with an expiry), release the
                    // lock, then remove it only if it is still ours: a writer
                    // in between sees an expired key and may replace it.
                    self.adjust_volatile(was_volatile, true);
                    *e = tombstone();
                    drop(e);
                    self.remove_where(key, |v| v.expire_at == Some(0));
                }
            }
            return r;
        }
        match self.map.entry(Bytes::copy_from_slice(key)) {
            MapEntry::Occupied(mut o) => {
                // Inserted by another client between the two lookups.
                let was_volatile = o.get().expire_at.is_some();
                let mut slot = if o.get().is_expired(now_ms) {
                    if o.get().expire_at != Some(0) {
                        self.expired.fetch_add(1, Ordering::Relaxed);
                    }
                    None
                } else {
                    Some(std::mem::replace(o.get_mut(), placeholder()))
                };
                let r = f(&mut slot);
                match slot {
                    Some(new) => {
                        self.adjust_volatile(was_volatile, new.expire_at.is_some());
                        *o.get_mut() = new;
                    }
                    None => {
                        self.adjust_volatile(was_volatile, false);
                        // Still under the shard lock (the entry guard).
                        let (k, _) = o.remove_entry();
                        self.index.remove(&(scan_hash(&k), k));
                    }
                }
                r
            }
            MapEntry::Vacant(v) => {
                let mut slot = None;
                let r = f(&mut slot);
                if let Some(new) = slot {
                    self.adjust_volatile(false, new.expire_at.is_some());
                    let k = v.key().clone();
                    self.index.insert((scan_hash(&k), k));
                    v.insert(new);
                }
                r
            }
        }
    }

    /// Stores `entry` under `key`, replacing any value; returns the old live entry.
    pub fn insert(&self, key: &[u8], entry: Entry, now_ms: u64) -> Option<Entry> {
        self.with_slot(key, now_ms, |slot| slot.replace(entry))
    }

    /// Removes `key`; returns its entry if it was live.
    pub fn remove(&self, key: &[u8], now_ms: u64) -> Option<Entry> {
        self.remove_where(key, |_| true)
            .filter(|e| !e.is_expired(now_ms))
    }

    /// Removes `key` if `pred` holds for its entry (live or not), keeping the
    /// index and the volatile count in step. The index entry is removed inside
    /// dashmap's predicate, i.e. under the key's shard lock, so no writer can
    /// re-create the key between the two removals.
    fn remove_where(&self, key: &[u8], pred: impl FnOnce(&Entry) -> bool) -> Option<Entry> {
        let (_, e) = self.map.remove_if(key, |k, v| {
            let yes = pred(v);
            if yes {
                self.index.remove(&(scan_hash(k), k.clone()));
            }
            yes
        })?;
        if e.expire_at.is_some() {
            self.volatile.fetch_sub(1, Ordering::Relaxed);
        }
        Some(e)
    }

    /// True when `key` holds a live value.
    pub fn exists(&self, key: &[u8], now_ms: u64) -> bool {
        self.peek(key, now_ms, |_| ()).is_some()
    }

    /// Removes `key` if it is expired. Returns true when it removed it.
    pub fn remove_if_expired(&self, key: &[u8], now_ms: u64) -> bool {
        // The tombstone `with_slot` leaves (expire_at 0) is not an expiry.
        let removed = self
            .remove_where(key, |e| e.is_expired(now_ms))
            .filter(|e| e.expire_at != Some(0));
        if removed.is_some() {
            self.expired.fetch_add(1, Ordering::Relaxed);
        }
        removed.is_some()
    }

    /// Number of keys, counting expired ones not yet removed (as Redis's DBSIZE does).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every key; returns how many there were. The caller holds the
    /// keyspace gate exclusively (FLUSHDB/FLUSHALL), so no writer races it.
    pub fn clear(&self) -> usize {
        let n = self.map.len();
        self.map.clear();
        self.index.clear();
        self.volatile.store(0, Ordering::Relaxed);
        n
    }

    /// One SCAN step: keys whose scan hash is at least `cursor`, in hash
    /// order, about `count` of them (all keys sharing the last hash are
    /// included so the next cursor never splits a hash).
    ///
    /// Guarantee (Redis's): a key present from the first call to the last is
    /// returned at least once, because the cursor is a position in a fixed
    /// order (the hash of the key) rather than in a table that can be
    /// resized or reordered. Keys added or removed during the scan may or may
    /// not be returned. Expired keys are skipped (and removed).
    pub fn scan(&self, cursor: u64, count: usize, now_ms: u64) -> ScanPage {
        let mut keys = Vec::with_capacity(count.min(1024));
        let mut expired = Vec::new();
        let mut last_hash = None;
        let mut next = 0;
        for item in self
            .index
            .range((Bound::Included((cursor, Bytes::new())), Bound::Unbounded))
        {
            let (h, k) = item.value();
            if keys.len() + expired.len() >= count.max(1) && last_hash != Some(*h) {
                next = *h;
                break;
            }
            last_hash = Some(*h);
            match self.map.get(k) {
                Some(e) if e.is_expired(now_ms) => expired.push(k.clone()),
                Some(_) => keys.push(k.clone()),
                None => {}
            }
        }
        for k in expired {
            self.remove_if_expired(&k, now_ms);
        }
        ScanPage { keys, next }
    }

    /// A key picked at random among the live ones, or None when there are none.
    pub fn random_key(&self, now_ms: u64, mut rand: impl FnMut() -> u64) -> Option<Bytes> {
        // Tries a few random positions in hash order, skipping expired keys
        // (removing them), then falls back to a walk from the front.
        for _ in 0..16 {
            if self.index.is_empty() {
                return None;
            }
            let at = rand() >> 1;
            let item = self
                .index
                .lower_bound(Bound::Included(&(at, Bytes::new())))
                .or_else(|| self.index.front())?;
            let k = item.value().1.clone();
            if self.exists(&k, now_ms) {
                return Some(k);
            }
        }
        self.iter_keys()
            .into_iter()
            .find(|k| self.exists(k, now_ms))
    }

    /// Every key present (live or expired-not-yet-removed), in scan order.
    pub fn iter_keys(&self) -> Vec<Bytes> {
        self.index.iter().map(|e| e.value().1.clone()).collect()
    }

    /// Keys from position `cursor` (a scan hash) on, at most `max`, with the
    /// hash to continue from (0 at the end). The expiry sweep walks with this.
    pub fn keys_from(&self, cursor: u64, max: usize) -> (Vec<Bytes>, u64) {
        let mut out = Vec::with_capacity(max.min(1024));
        for item in self
            .index
            .range((Bound::Included((cursor, Bytes::new())), Bound::Unbounded))
        {
            let (h, k) = item.value();
            if out.len() >= max {
                return (out, *h);
            }
            out.push(k.clone());
        }
        (out, 0)
    }

    /// Estimated memory of all keys and values (INFO used_memory).
    pub fn memory_usage(&self) -> usize {
        self.map
            .iter()
            .map(|e| key_usage(e.key()) + e.value().value.memory_usage())
            .sum()
    }

    fn adjust_volatile(&self, before: bool, after: bool) {
        match (before, after) {
            (false, true) => {
                self.volatile.fetch_add(1, Ordering::Relaxed);
            }
            (true, false) => {
                self.volatile.fetch_sub(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// An always-expired entry: invisible to every reader.
fn tombstone() -> Entry {
    Entry {
        value: Value::Str(Bytes::new()),
        expire_at: Some(0),
        access: AtomicU32::new(0),
        raw: false,
    }
}

/// A cheap value left in a map slot while its real entry is lent out.
fn placeholder() -> Entry {
    Entry {
        value: Value::Str(Bytes::new()),
        expire_at: None,
        access: AtomicU32::new(0),
        raw: false,
    }
}

/// All databases, the gate for multi-key atomicity, and key events.
#[derive(Debug)]
pub struct Keyspace {
    dbs: Box<[Db]>,
    gate: RwLock<()>,
    pub events: Events,
}

impl Keyspace {
    pub fn new(databases: usize) -> Keyspace {
        Keyspace {
            dbs: (0..databases.max(1)).map(|_| Db::default()).collect(),
            gate: RwLock::new(()),
            events: Events::default(),
        }
    }

    pub fn db(&self, index: usize) -> &Db {
        &self.dbs[index]
    }

    pub fn dbs(&self) -> &[Db] {
        &self.dbs
    }

    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    /// Held by every ordinary command while it runs.
    pub fn shared(&self) -> RwLockReadGuard<'_, ()> {
        self.gate.read()
    }

    /// Held by commands that must be atomic across keys (EXEC, RENAME, FLUSHALL...).
    pub fn exclusive(&self) -> RwLockWriteGuard<'_, ()> {
        self.gate.write()
    }

    /// Tells watchers and blocked clients that `key` in `db` changed.
    pub fn signal(&self, db: usize, key: &[u8]) {
        self.events.signal(db, key);
    }

    /// Tells watchers and blocked clients that every key of `db` changed
    /// (FLUSHDB); `None` means every database (FLUSHALL).
    pub fn signal_all(&self, db: Option<usize>) {
        self.events.signal_all(db);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_usage_matches_redis_figures() {
        // MEMORY USAGE figures from Redis 7.0 for key "k".
        let m = |v: &str| key_usage(b"k") + Value::Str(Bytes::from(v.to_string())).memory_usage();
        assert_eq!(m("1"), 48);
        assert_eq!(m("v"), 64);
        assert_eq!(m(&"v".repeat(44)), 96);
        assert_eq!(m(&"v".repeat(45)), 112);
        assert_eq!(m(&"v".repeat(88)), 144);
        assert_eq!(alloc_size(129), 160);
        assert_eq!(alloc_size(1025), 1280);
    }

    #[test]
    fn scan_returns_every_key_once_across_pages() {
        let db = Db::default();
        for i in 0..1000 {
            db.insert(
                format!("key:{i}").as_bytes(),
                Entry::new(Value::Str(Bytes::new()), 0),
                0,
            );
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            let page = db.scan(cursor, 10, 0);
            for k in page.keys {
                assert!(seen.insert(k), "returned twice without changes");
            }
            // Deleting and re-adding other keys mid-scan must not hide the rest.
            if calls == 5 {
                db.remove(b"key:1", 0);
                db.insert(b"new", Entry::new(Value::Str(Bytes::new()), 0), 0);
            }
            calls += 1;
            cursor = page.next;
            if cursor == 0 {
                break;
            }
        }
        for i in 2..1000 {
            assert!(
                seen.contains(format!("key:{i}").as_bytes()),
                "key:{i} missed"
            );
        }
        assert!(calls >= 100);
    }

    #[test]
    fn index_follows_map() {
        let db = Db::default();
        db.insert(b"a", Entry::new(Value::Str(Bytes::new()), 0), 0);
        db.with_slot(b"a", 0, |s| *s = None);
        assert_eq!(db.iter_keys().len(), 0);
        assert!(db.map.is_empty());
        db.insert(
            b"b",
            Entry::with_expiry(Value::Str(Bytes::new()), Some(5), 0),
            0,
        );
        assert_eq!(db.volatile.load(Ordering::Relaxed), 1);
        assert_eq!(
            db.scan(0, 10, 10).keys.len(),
            0,
            "expired keys are not returned"
        );
        assert_eq!(db.iter_keys().len(), 0, "and are removed");
        assert_eq!(db.volatile.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn slot_insert_update_delete() {
        let db = Db::default();
        db.with_slot(b"k", 10, |s| {
            assert!(s.is_none());
            *s = Some(Entry::new(Value::Str(Bytes::from("v")), 10));
        });
        assert!(db.exists(b"k", 10));
        db.with_slot(b"k", 10, |s| {
            let e = s.as_mut().unwrap();
            e.expire_at = Some(20);
        });
        assert_eq!(db.volatile.load(Ordering::Relaxed), 1);
        assert!(db.exists(b"k", 19));
        assert!(!db.exists(b"k", 20));
        assert_eq!(db.len(), 0);
        assert_eq!(db.volatile.load(Ordering::Relaxed), 0);
    }
}
