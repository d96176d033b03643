//! Key events: who is interested in a key changing.
//!
//! Two kinds of client register interest in keys:
//! - a transaction's WATCH: a change sets its `fired` flag and EXEC aborts;
//! - a blocked command (XREAD BLOCK, ...): a change wakes it to run again.
//!
//! Both are a [`Waiter`] registered under `(db, key)`. Writers call
//! [`Events::signal`] after changing a key; when nobody is registered anywhere
//! that is a single relaxed load, so the write path pays nothing.

use bytes::Bytes;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// One client's interest in a set of keys.
#[derive(Debug, Default)]
pub struct Waiter {
    /// Set when any registered key changed since the flag was last cleared.
    pub fired: AtomicBool,
    /// Woken when a registered key changes (blocked commands wait on it).
    pub notify: Notify,
    /// True for a blocked command, false for a WATCH (INFO counts blocked keys).
    pub blocking: bool,
}

pub type WaitHandle = Arc<Waiter>;

impl Waiter {
    pub fn new(blocking: bool) -> WaitHandle {
        Arc::new(Waiter {
            blocking,
            ..Default::default()
        })
    }

    fn fire(&self) {
        self.fired.store(true, Ordering::Release);
        self.notify.notify_one();
    }
}

#[derive(Debug, Default)]
pub struct Events {
    /// Number of registrations (fast path for writers when zero).
    active: AtomicUsize,
    /// Database index, then key (looked up by `&[u8]`, so a writer's signal
    /// allocates nothing).
    map: Mutex<HashMap<usize, HashMap<Bytes, Vec<WaitHandle>>>>,
}

impl Events {
    /// Registers `w` for changes to `key` in `db`.
    pub fn register(&self, db: usize, key: &Bytes, w: &WaitHandle) {
        let mut map = self.map.lock();
        map.entry(db)
            .or_default()
            .entry(Bytes::copy_from_slice(key))
            .or_default()
            .push(w.clone());
        self.active.fetch_add(1, Ordering::Relaxed);
    }

    /// Removes `w` from `key` in `db` (no-op if not registered there).
    pub fn unregister(&self, db: usize, key: &Bytes, w: &WaitHandle) {
        let mut map = self.map.lock();
        let Some(keys) = map.get_mut(&db) else {
            return;
        };
        if let Some(list) = keys.get_mut(&key[..]) {
            if let Some(pos) = list.iter().position(|x| Arc::ptr_eq(x, w)) {
                list.swap_remove(pos);
                self.active.fetch_sub(1, Ordering::Relaxed);
            }
            if list.is_empty() {
                keys.remove(&key[..]);
            }
        }
        if keys.is_empty() {
            map.remove(&db);
        }
    }

    /// Fires every waiter registered on `key` in `db`.
    pub fn signal(&self, db: usize, key: &[u8]) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let map = self.map.lock();
        if let Some(list) = map.get(&db).and_then(|keys| keys.get(key)) {
            for w in list {
                w.fire();
            }
        }
    }

    /// Fires only the blocked commands waiting on `key` (not WATCHes): an
    /// expiry wakes readers but, as in Redis 7.0, does not abort EXEC.
    pub fn signal_blocking(&self, db: usize, key: &[u8]) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let map = self.map.lock();
        if let Some(list) = map.get(&db).and_then(|keys| keys.get(key)) {
            for w in list.iter().filter(|w| w.blocking) {
                w.fire();
            }
        }
    }

    /// Keys in `db` (every database when None) that someone waits on or
    /// watches, with their database (FLUSHDB/FLUSHALL touch the live ones).
    pub fn registered_keys(&self, db: Option<usize>) -> Vec<(usize, Bytes)> {
        if self.active.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        let map = self.map.lock();
        map.iter()
            .filter(|(d, _)| db.is_none() || db == Some(**d))
            .flat_map(|(d, keys)| keys.keys().map(move |k| (*d, k.clone())))
            .collect()
    }

    /// Fires every waiter in `db`, or in every database when `db` is None.
    pub fn signal_all(&self, db: Option<usize>) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let map = self.map.lock();
        for (d, keys) in map.iter() {
            if db.is_none() || db == Some(*d) {
                for w in keys.values().flatten() {
                    w.fire();
                }
            }
        }
    }

    /// Distinct keys that at least one blocked command waits on (INFO's `total_blocking_keys`).
    pub fn blocking_keys(&self) -> usize {
        let map = self.map.lock();
        map.values()
            .flat_map(|keys| keys.values())
            .filter(|l| l.iter().any(|w| w.blocking))
            .count()
    }

    /// Distinct keys watched by at least one transaction (INFO's `watching_clients` source).
    pub fn watched_keys(&self) -> usize {
        let map = self.map.lock();
        map.values()
            .flat_map(|keys| keys.values())
            .filter(|l| l.iter().any(|w| !w.blocking))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_fires_only_registered_keys() {
        let ev = Events::default();
        let w = Waiter::new(false);
        let k = Bytes::from("k");
        ev.register(0, &k, &w);
        ev.signal(0, b"other");
        ev.signal(1, b"k");
        assert!(!w.fired.load(Ordering::Acquire));
        ev.signal(0, b"k");
        assert!(w.fired.load(Ordering::Acquire));
        ev.unregister(0, &k, &w);
        assert_eq!(ev.active.load(Ordering::Relaxed), 0);
    }
}
