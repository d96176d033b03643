//! `RENAME key newkey` and `RENAMENX key newkey`

use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// `RENAME`: replies OK.
pub(super) fn rename(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    rename_generic(ctx, args, false)
}

/// `RENAMENX`: replies 1 when renamed, 0 when `newkey` exists.
pub(super) fn renamenx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    rename_generic(ctx, args, true)
}

/// Moves the entry at `key` to `newkey`, replacing it unless `nx`.
fn rename_generic(ctx: &mut Ctx<'_>, args: &[Bytes], nx: bool) -> CmdResult<Reply> {
    let (src, dst) = (&args[1], &args[2]);
    let db = ctx.db();
    if !db.exists(src, ctx.now_ms) {
        return Err(Error::NoSuchKey);
    }
    if src == dst {
        return Ok(if nx { Reply::Int(0) } else { Reply::OK });
    }
    if nx && db.exists(dst, ctx.now_ms) {
        return Ok(Reply::Int(0));
    }
    // The EXCLUSIVE gate is held: nothing changes between these steps.
    // The entry moves as it is (value, expiry, access time, encoding).
    let entry = db.remove(src, ctx.now_ms).ok_or(Error::NoSuchKey)?;
    db.insert(dst, entry, ctx.now_ms);
    ctx.signal(src);
    ctx.signal(dst);
    ctx.dirty(1);
    Ok(if nx { Reply::Int(1) } else { Reply::OK })
}
