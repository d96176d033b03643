//! `MOVE key db`

use super::parse_db;
use crate::commands::Ctx;
use crate::error::{CmdResult, KeysError};
use crate::keyspace::Entry;
use crate::protocol::Reply;
use bytes::Bytes;

/// Moves `key` to database `db`; replies 1 when moved, 0 when the key is
/// missing here or already exists there.
pub(super) fn move_cmd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let dst_db = parse_db(ctx, &args[2])?;
    if dst_db == ctx.client.db {
        return Err(KeysError::SameObject.into());
    }

    let now = ctx.now_ms;
    let from = ctx.db();
    let to = ctx.shared.keyspace.db(dst_db);
    if !from.exists(key, now) || to.exists(key, now) {
        return Ok(Reply::Int(0));
    }
    let e = from
        .remove(key, now)
        .expect("checked under the exclusive gate");
    to.insert(key, Entry::with_expiry(e.value, e.expire_at, now), now);
    ctx.signal(key);
    ctx.shared.keyspace.signal(dst_db, key);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}
