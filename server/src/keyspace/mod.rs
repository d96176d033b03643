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
//! # Signals
//! Writers call [`Keyspace::signal`] for each key they change. That aborts
//! transactions that WATCH the key and wakes clients blocked on it.

pub mod events;
pub mod sweep;

use bytes::Bytes;
use dashmap::mapref::entry::Entry as MapEntry;
use dashmap::DashMap;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

pub use events::{Events, WaitHandle};

/// A stored value.
#[derive(Debug)]
pub enum Value {
    Str(Bytes),
}

impl Value {
    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
        }
    }
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
}

impl Entry {
    pub fn new(value: Value, now_ms: u64) -> Entry {
        Entry {
            value,
            expire_at: None,
            access: AtomicU32::new((now_ms / 1000) as u32),
        }
    }

    pub fn is_expired(&self, now_ms: u64) -> bool {
        matches!(self.expire_at, Some(t) if t <= now_ms)
    }

    pub fn touch(&self, now_ms: u64) {
        self.access.store((now_ms / 1000) as u32, Ordering::Relaxed);
    }
}

pub type Map = DashMap<Bytes, Entry>;

/// One database.
#[derive(Debug, Default)]
pub struct Db {
    pub map: Map,
    /// Number of keys with an expiry set (lets the sweep skip a database).
    pub volatile: AtomicUsize,
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
                return Some(f(&mut e));
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
                    drop(e);
                    self.adjust_volatile(was_volatile, false);
                    self.map.remove(key);
                }
            }
            return r;
        }
        match self.map.entry(Bytes::copy_from_slice(key)) {
            MapEntry::Occupied(mut o) => {
                // Inserted by another client between the two lookups.
                let was_volatile = o.get().expire_at.is_some();
                let mut slot = if o.get().is_expired(now_ms) {
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
                        o.remove();
                    }
                }
                r
            }
            MapEntry::Vacant(v) => {
                let mut slot = None;
                let r = f(&mut slot);
                if let Some(new) = slot {
                    self.adjust_volatile(false, new.expire_at.is_some());
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
        let (_, e) = self.map.remove(key)?;
        if e.expire_at.is_some() {
            self.volatile.fetch_sub(1, Ordering::Relaxed);
        }
        if e.is_expired(now_ms) {
            None
        } else {
            Some(e)
        }
    }

    /// True when `key` holds a live value.
    pub fn exists(&self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms, |_| ()).is_some()
    }

    /// Removes `key` if it is expired. Returns true when it removed it.
    pub fn remove_if_expired(&self, key: &[u8], now_ms: u64) -> bool {
        let removed = self
            .map
            .remove_if(key, |_, e| e.is_expired(now_ms))
            .is_some();
        if removed {
            self.volatile.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }

    /// Number of keys, counting expired ones not yet removed (as Redis's DBSIZE does).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every key; returns how many there were.
    pub fn clear(&self) -> usize {
        let n = self.map.len();
        self.map.clear();
        self.volatile.store(0, Ordering::Relaxed);
        n
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

/// A cheap value left in a map slot while its real entry is lent out.
fn placeholder() -> Entry {
    Entry {
        value: Value::Str(Bytes::new()),
        expire_at: None,
        access: AtomicU32::new(0),
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
