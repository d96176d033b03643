//! The background expiry sweep: removes expired keys nobody reads.
//!
//! Every 100 ms (Redis's default `hz 10`) each database with volatile keys is
//! walked a window at a time in scan order (the database's hash-ordered key
//! index), continuing where the previous tick stopped, so every key is
//! visited within `len / SAMPLE` ticks however large the map. Expired keys
//! found are removed. Like Redis 7.0, removing an expired key does not touch
//! WATCHed keys (EXEC is not aborted by an expiry); blocked clients on the
//! key are woken so they can re-check.

use crate::server::Shared;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Keys looked at per database per tick, at most.
const SAMPLE: usize = 200;

pub async fn run(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut cursors = vec![0u64; shared.keyspace.db_count()];
    loop {
        tick.tick().await;
        sweep_once(&shared, &mut cursors);
    }
}

/// One pass over every database, advancing each database's cursor. Returns
/// the number of keys removed.
pub fn sweep_once(shared: &Shared, cursors: &mut [u64]) -> usize {
    let now = shared.clock.now_ms();
    let mut removed = 0;
    let _gate = shared.keyspace.shared();
    for (index, db) in shared.keyspace.dbs().iter().enumerate() {
        if db.volatile.load(Ordering::Relaxed) == 0 {
            continue;
        }
        let (keys, next) = db.keys_from(cursors[index], SAMPLE);
        cursors[index] = next;
        for key in keys {
            if db.remove_if_expired(&key, now) {
                removed += 1;
                shared.keyspace.events.signal_blocking(index, &key);
            }
        }
    }
    removed
}
