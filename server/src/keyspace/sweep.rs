//! The background expiry sweep: removes expired keys nobody reads.
//!
//! Every 100 ms (Redis's default `hz 10`) each database with volatile keys is
//! sampled a shard at a time; expired keys found are removed and their
//! watchers signalled. The sweep holds one shard lock at a time, never the
//! whole database.

use crate::server::Shared;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Keys looked at per database per tick, at most.
const SAMPLE: usize = 200;

pub async fn run(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut cursor = 0usize;
    loop {
        tick.tick().await;
        cursor = cursor.wrapping_add(1);
        sweep_once(&shared, cursor);
    }
}

/// One pass: returns the number of keys removed.
pub fn sweep_once(shared: &Shared, cursor: usize) -> usize {
    let now = shared.clock.now_ms();
    let mut removed = 0;
    let _gate = shared.keyspace.shared();
    for (index, db) in shared.keyspace.dbs().iter().enumerate() {
        if db.volatile.load(Ordering::Relaxed) == 0 {
            continue;
        }
        let mut expired = Vec::new();
        for (n, item) in db.map.iter().enumerate() {
            // Walk a different window of the map each tick so big maps are covered over time.
            if n < (cursor * SAMPLE) % db.map.len().max(1) && db.map.len() > SAMPLE {
                continue;
            }
            if item.value().is_expired(now) {
                expired.push(item.key().clone());
            }
            if expired.len() >= SAMPLE || n > (cursor * SAMPLE) % db.map.len().max(1) + SAMPLE {
                break;
            }
        }
        for key in expired {
            if db.remove_if_expired(&key, now) {
                removed += 1;
                shared.stats.expired_keys.fetch_add(1, Ordering::Relaxed);
                shared.keyspace.signal(index, &key);
            }
        }
    }
    removed
}
