//! The transactions family: MULTI, EXEC, DISCARD, WATCH, UNWATCH. It owns a
//! client's queued commands and its watched keys.
//!
//! Queueing happens in the connection (`connection::dispatch`): between MULTI
//! and EXEC every command except EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is
//! checked (name, arity, auth) and queued; a rejected one marks the
//! transaction dirty. EXEC then holds the keyspace gate exclusively (the
//! EXCLUSIVE flag) and runs the queue, so no other client's command runs in
//! between; a command's runtime error is its reply in place and the rest go on.
//!
//! WATCH registers one [`Waiter`](crate::keyspace::events::Waiter) per client on each watched key; any signal
//! to the key sets its `fired` flag and EXEC replies with a null array.
//! A key that was live at WATCH and has expired by EXEC also aborts it, as in
//! Redis 7.0.15 (isWatchedKeyExpired; the expiry sweep itself sends no
//! signal), and FLUSHDB/FLUSHALL touch the watched keys that held a value.
//!
//! One file per command; their COMMAND DOCS rows are in `spec.rs`.

mod discard;
mod exec;
mod multi;
mod spec;
mod watch;

pub use spec::COMMANDS;

use crate::client::Client;
use crate::state::Shared;
use std::sync::atomic::Ordering;

/// Leaves the MULTI state, dropping the queue.
pub fn end_multi(client: &mut Client) {
    client.multi = None;
    client.multi_dirty = false;
    client.info.multi.store(false, Ordering::Relaxed);
}

/// Forgets every watched key (UNWATCH, EXEC, DISCARD, RESET, disconnect).
pub fn unwatch_all(shared: &Shared, client: &mut Client) {
    if let Some(w) = client.watch_waiter.take() {
        for (db, key, _) in client.watched.drain(..) {
            shared.keyspace.events.unregister(db, &key, &w);
        }
    }
    client.watched.clear();
    client.info.watched_keys.store(0, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::commands::Ctx;
    use crate::config::Config;
    use crate::protocol::Reply;
    use bytes::Bytes;
    use std::sync::Arc;

    fn run(shared: &Arc<Shared>, client: &mut Client, args: &[&str]) -> Reply {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::from(a.to_string())).collect();
        let entry = crate::commands::TABLE
            .resolve(&args)
            .expect("known command");
        let mut ctx = Ctx {
            shared,
            client,
            now_ms: shared.clock.now_ms(),
            block: None,
            rerun: None,
        };
        crate::commands::call(&mut ctx, entry, &args)
    }

    fn client(shared: &Shared) -> Client {
        let addr = "127.0.0.1:1".parse().unwrap();
        Client::new(shared.clients.register(addr, addr, 0), true)
    }

    #[test]
    fn watch_fires_and_exec_cleans_up() {
        let shared = Arc::new(Shared::new(
            Config::default(),
            Clock::fixed(1_000),
            crate::commands::TABLE.entries.len(),
        ));
        let mut a = client(&shared);
        let mut b = client(&shared);
        assert_eq!(run(&shared, &mut a, &["WATCH", "k", "k"]), Reply::OK);
        assert_eq!(a.watched.len(), 1, "a key is watched once");
        assert_eq!(shared.keyspace.events.watched_keys(), 1);
        assert_eq!(run(&shared, &mut b, &["SET", "k", "v"]), Reply::OK);
        a.multi = Some(vec![vec![Bytes::from("PING")]]);
        assert_eq!(run(&shared, &mut a, &["EXEC"]), Reply::NilArray);
        assert!(a.multi.is_none());
        assert!(a.watched.is_empty() && a.watch_waiter.is_none());
        assert_eq!(shared.keyspace.events.watched_keys(), 0);
        // Untouched: the queue runs, in order, each reply in place.
        assert_eq!(run(&shared, &mut a, &["WATCH", "k"]), Reply::OK);
        a.multi = Some(vec![
            vec![Bytes::from("INCR"), Bytes::from("k")],
            vec![Bytes::from("GET"), Bytes::from("k")],
        ]);
        let Reply::Array(replies) = run(&shared, &mut a, &["EXEC"]) else {
            panic!("EXEC replies with an array");
        };
        assert!(replies[0].is_error());
        assert_eq!(replies[1], Reply::Bulk(Bytes::from("v")));
        assert!(!a.in_exec);
        // A transaction flagged dirty while queueing aborts.
        a.multi = Some(vec![vec![
            Bytes::from("SET"),
            Bytes::from("k"),
            Bytes::from("w"),
        ]]);
        a.multi_dirty = true;
        assert!(run(&shared, &mut a, &["EXEC"]).is_error());
        assert_eq!(
            run(&shared, &mut a, &["GET", "k"]),
            Reply::Bulk(Bytes::from("v"))
        );
    }
}
