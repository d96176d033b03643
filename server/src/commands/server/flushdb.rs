//! `FLUSHDB [ASYNC | SYNC]`, `FLUSHALL [ASYNC | SYNC]`

use super::super::{is, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// `FLUSHDB [ASYNC|SYNC]` / `FLUSHALL [ASYNC|SYNC]`
///
/// Runs with the gate held exclusively. Watched keys that held a value are
/// touched first (their EXEC will fail), as Redis does; then the data goes,
/// each key removed counting as a change (Redis adds `emptyData`'s count to
/// `server.dirty`). FLUSHALL under a `save` schedule makes Redis save the
/// empty dataset, which sets the count back to 0: Sluice, which never
/// saves, sets it to 0 there too.
pub(super) fn flush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 2 || (args.len() == 2 && !is(&args[1], "async") && !is(&args[1], "sync")) {
        return Err(Error::Syntax);
    }
    let all = is(&args[0], "flushall");
    let ks = &ctx.shared.keyspace;
    let scope = if all { None } else { Some(ctx.client.db) };
    for (db, key) in ks.events.registered_keys(scope) {
        if ks.db(db).exists(&key, ctx.now_ms) {
            ks.signal(db, &key);
        }
    }
    let removed = match scope {
        Some(db) => ks.db(db).clear(),
        None => ks.dbs().iter().map(|db| db.clear()).sum(),
    };
    ctx.dirty(removed as u64);
    if all
        && ctx
            .shared
            .runtime
            .get("save")
            .is_some_and(|s| !s.is_empty())
    {
        ctx.shared.stats.dirty.store(0, Ordering::Relaxed);
    }
    Ok(Reply::OK)
}
