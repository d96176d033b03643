//! `COPY source destination [DB destination-db] [REPLACE]`

use super::parse_db;
use crate::commands::{is, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::Entry;
use crate::protocol::Reply;
use bytes::Bytes;

/// Copies the value and expiry of `source` to `destination` (in another
/// database with DB); replies 1 when copied, 0 when `source` is missing or
/// `destination` exists without REPLACE.
pub(super) fn copy(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (src, dst) = (&args[1], &args[2]);
    let mut dst_db = ctx.client.db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "replace") {
            replace = true;
            i += 1;
        } else if is(&args[i], "db") && i + 1 < args.len() {
            dst_db = parse_db(ctx, &args[i + 1])?;
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    if dst_db == ctx.client.db && src == dst {
        return Err(KeysError::SameObject.into());
    }

    let now = ctx.now_ms;
    let from = ctx.db();
    let to = ctx.shared.keyspace.db(dst_db);
    let Some(copied) = from.peek(src, now, |e| Entry {
        raw: e.raw,
        ..Entry::with_expiry(e.value.duplicate(), e.expire_at, now)
    }) else {
        return Ok(Reply::Int(0));
    };
    if !replace && to.exists(dst, now) {
        return Ok(Reply::Int(0));
    }
    to.insert(dst, copied, now);
    ctx.shared.keyspace.signal(dst_db, dst);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}
