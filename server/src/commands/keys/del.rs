//! `DEL key [key ...]` and `UNLINK key [key ...]`
//!
//! Sluice frees a value where it is removed, so UNLINK is DEL.

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Removes each live key; replies how many were removed.
pub(super) fn del(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let keys = &args[1..];
    let db = ctx.db();
    let mut n = 0;
    for k in keys {
        if db.remove(k, ctx.now_ms).is_some() {
            n += 1;
            ctx.signal(k);
        }
    }
    ctx.dirty(n as u64);
    Ok(Reply::Int(n))
}
