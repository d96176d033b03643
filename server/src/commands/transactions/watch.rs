//! `WATCH key [key ...]`, `UNWATCH`

use super::super::Ctx;
use super::unwatch_all;
use crate::error::{CmdResult, Error};
use crate::keyspace::events::Waiter;
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// `WATCH key...`
pub(super) fn watch(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
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
    ctx.client
        .info
        .watched_keys
        .store(ctx.client.watched.len(), Ordering::Relaxed);
    Ok(Reply::OK)
}

/// `UNWATCH`
pub(super) fn unwatch(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    unwatch_all(ctx.shared, ctx.client);
    Ok(Reply::OK)
}
