//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queueing happens in the connection (`connection::dispatch`): between MULTI
//! and EXEC every command except EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is
//! checked (name, arity, auth) and queued; a rejected one marks the
//! transaction dirty. EXEC then holds the keyspace gate exclusively (the
//! EXCLUSIVE flag) and runs the queue, so no other client's command runs in
//! between; a command's runtime error is its reply in place and the rest go on.
//!
//! WATCH registers one [`Waiter`] per client on each watched key; any signal
//! to the key sets its `fired` flag and EXEC replies with a null array.
//! A key that was live at WATCH and has expired by EXEC also aborts it, as in
//! Redis 7.0.15 (isWatchedKeyExpired; the expiry sweep itself sends no
//! signal), and FLUSHDB/FLUSHALL touch the watched keys that held a value.

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::{flags::*, Command, Ctx};
use crate::client::Client;
use crate::error::{CmdResult, Error};
use crate::keyspace::events::Waiter;
use crate::protocol::Reply;
use crate::state::Shared;
use bytes::Bytes;
use std::sync::atomic::Ordering;

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.2.0",
        summary: "Mark the start of a transaction block",
        complexity: "O(1)",
        acl: &["transaction"],
        ..Command::new(
            "multi",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            multi,
        )
    },
    Command {
        since: "1.2.0",
        summary: "Execute all commands issued after MULTI",
        complexity: "Depends on commands in the transaction",
        acl: &["transaction"],
        ..Command::new(
            "exec",
            1,
            NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG | EXCLUSIVE,
            (0, 0, 0),
            "transactions",
            exec,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Discard all commands issued after MULTI",
        complexity: "O(N), when N is the number of queued commands",
        acl: &["transaction"],
        ..Command::new(
            "discard",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            discard,
        )
    },
    Command {
        since: "2.2.0",
        summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
        complexity: "O(1) for every key.",
        acl: &["transaction"],
        key_specs: &[KeySpec::new("RO", Begin::Index(1), Find::Range(-1, 1, 0))],
        args: &[a::key("key", 0).multi()],
        ..Command::new(
            "watch",
            -2,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (1, -1, 1),
            "transactions",
            watch,
        )
    },
    Command {
        since: "2.2.0",
        summary: "Forget about all watched keys",
        complexity: "O(1)",
        acl: &["transaction"],
        ..Command::new(
            "unwatch",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            unwatch,
        )
    },
];

/// `MULTI`
fn multi(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    if ctx.client.multi.is_some() {
        return Err(Error::NestedMulti);
    }
    ctx.client.multi = Some(Vec::new());
    ctx.client.multi_dirty = false;
    ctx.client.info.multi.store(true, Ordering::Relaxed);
    Ok(Reply::OK)
}

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
    client.info.watching.store(false, Ordering::Relaxed);
}

/// `EXEC`
fn exec(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let Some(queue) = ctx.client.multi.take() else {
        return Err(Error::ExecWithoutMulti);
    };
    let dirty = ctx.client.multi_dirty;
    end_multi(ctx.client);
    // A watched key that was live at WATCH and has expired since counts as
    // modified (Redis's isWatchedKeyExpired): expiry itself sends no signal.
    let now = ctx.now_ms;
    let expired = ctx
        .client
        .watched
        .iter()
        .any(|(db, key, live)| *live && !ctx.shared.keyspace.db(*db).exists(key, now));
    let touched = expired
        || ctx
            .client
            .watch_waiter
            .as_ref()
            .is_some_and(|w| w.fired.load(Ordering::Acquire));
    unwatch_all(ctx.shared, ctx.client);
    if dirty {
        return Err(Error::ExecAbort);
    }
    if touched {
        return Ok(Reply::NilArray);
    }
    let shared = ctx.shared;
    let mut replies = Vec::with_capacity(queue.len());
    // The protocol each reply is written in: a queued HELLO switches it
    // halfway, and Redis writes each reply as it is produced (the array
    // header in the protocol EXEC started with).
    let start_resp3 = ctx.client.resp3;
    let mut protocols = Vec::with_capacity(queue.len());
    ctx.client.in_exec = true;
    for args in &queue {
        // Each command reads the clock itself, as Redis refreshes its
        // command time snapshot per command.
        ctx.now_ms = shared.clock.now_ms();
        let reply = match super::TABLE.resolve(args) {
            Ok(entry) => {
                shared
                    .stats
                    .commands_processed
                    .fetch_add(1, Ordering::Relaxed);
                super::call(ctx, entry, args)
            }
            Err(e) => Reply::from(e),
        };
        ctx.block = None;
        replies.push(reply);
        protocols.push(ctx.client.resp3);
    }
    ctx.client.in_exec = false;
    if protocols.iter().all(|&p| p == start_resp3) {
        return Ok(Reply::Array(replies));
    }
    // An array header is `*n` in both protocols.
    let mut out = bytes::BytesMut::new();
    out.extend_from_slice(format!("*{}\r\n", replies.len()).as_bytes());
    for (r, resp3) in replies.iter().zip(protocols) {
        r.encode(&mut out, resp3);
    }
    Ok(Reply::Raw(out.freeze()))
}

/// `DISCARD`
fn discard(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    if ctx.client.multi.is_none() {
        return Err(Error::DiscardWithoutMulti);
    }
    end_multi(ctx.client);
    unwatch_all(ctx.shared, ctx.client);
    Ok(Reply::OK)
}

/// `WATCH key...`
fn watch(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if ctx.client.multi.is_some() {
        return Err(Error::WatchInMulti);
    }
    let db = ctx.client.db;
    let waiter = ctx
        .client
        .watch_waiter
        .get_or_insert_with(|| Waiter::new(false))
        .clone();
    for key in &args[1..] {
        if ctx
            .client
            .watched
            .iter()
            .any(|(d, k, _)| *d == db && k == key)
        {
            continue;
        }
        let key = Bytes::copy_from_slice(key);
        ctx.shared.keyspace.events.register(db, &key, &waiter);
        let live = ctx.db().exists(&key, ctx.now_ms);
        ctx.client.watched.push((db, key, live));
    }
    ctx.client.info.watching.store(true, Ordering::Relaxed);
    Ok(Reply::OK)
}

/// `UNWATCH`
fn unwatch(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    unwatch_all(ctx.shared, ctx.client);
    Ok(Reply::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
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
        super::super::call(&mut ctx, entry, &args)
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
