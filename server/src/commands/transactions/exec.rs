//! `EXEC`

use super::super::Ctx;
use super::{end_multi, unwatch_all};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// `EXEC`
pub(super) fn exec(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
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
        let reply = match crate::commands::TABLE.resolve(args) {
            Ok(entry) => {
                shared
                    .stats
                    .commands_processed
                    .fetch_add(1, Ordering::Relaxed);
                crate::commands::call(ctx, entry, args)
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
