//! `FLUSHDB [ASYNC | SYNC]`, `FLUSHALL [ASYNC | SYNC]`

use super::super::{is, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// `FLUSHDB [ASYNC|SYNC]` / `FLUSHALL [ASYNC|SYNC]`
///
/// Runs with the gate held exclusively. Watched keys that held a value are
/// touched first (their EXEC will fail), as Redis does; then the data goes.
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
    match scope {
        Some(db) => {
            ks.db(db).clear();
        }
        None => {
            for db in ks.dbs() {
                db.clear();
            }
        }
    }
    Ok(Reply::OK)
}
