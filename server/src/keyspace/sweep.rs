//! The background expiry sweep's pass: removes expired keys nobody reads
//! (the 100 ms timer that runs it is the server's, [`crate::server`]).
//!
//! Every 100 ms (Redis's default `hz 10`) each database with volatile keys is
//! walked a window at a time in scan order (the database's hash-ordered key
//! index), continuing where the previous tick stopped, so every key is
//! visited within `len / SAMPLE` ticks however large the map. Expired keys
//! found are removed. Like Redis 7.0, removing an expired key does not touch
//! WATCHed keys (EXEC is not aborted by an expiry); blocked clients on the
//! key are woken so they can re-check.

use super::Keyspace;
use std::sync::atomic::Ordering;

/// Keys looked at per database per tick, at most.
const SAMPLE: usize = 200;

/// One pass over every database, advancing each database's cursor. Returns
/// the number of keys removed.
pub fn sweep_once(keyspace: &Keyspace, now: u64, cursors: &mut [u64]) -> usize {
    let mut removed = 0;
    let _gate = keyspace.shared();
    for (index, db) in keyspace.dbs().iter().enumerate() {
        if db.volatile.load(Ordering::Relaxed) == 0 {
            continue;
        }
        let (keys, next) = db.keys_from(cursors[index], SAMPLE);
        cursors[index] = next;
        for key in keys {
            if db.remove_if_expired(&key, now) {
                removed += 1;
                keyspace.events.signal_blocking(index, &key);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::{Entry, Value};
    use bytes::Bytes;

    #[test]
    fn sweep_walks_the_whole_database_in_windows() {
        let keyspace = Keyspace::new(16);
        let db = keyspace.db(0);
        // More keys than one window, half of them volatile.
        for i in 0..(3 * SAMPLE) {
            let expire = (i % 2 == 0).then_some(1_500);
            let e = Entry::with_expiry(Value::Str(Bytes::from_static(b"v")), expire, 1_000);
            db.insert(format!("k{i}").as_bytes(), e, 1_000);
        }
        let mut cursors = vec![0u64; keyspace.db_count()];
        assert_eq!(
            sweep_once(&keyspace, 1_000, &mut cursors),
            0,
            "nothing expired yet"
        );
        let mut removed = 0;
        for _ in 0..4 {
            removed += sweep_once(&keyspace, 1_500, &mut cursors);
        }
        assert_eq!(removed, 3 * SAMPLE / 2);
        assert_eq!(db.len(), 3 * SAMPLE / 2);
        assert_eq!(db.volatile.load(Ordering::Relaxed), 0);
        assert_eq!(db.expired.load(Ordering::Relaxed), (3 * SAMPLE / 2) as u64);
    }
}
