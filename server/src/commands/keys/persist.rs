//! `PERSIST key`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Removes the key's expiry; replies 1 when it had one, else 0.
pub(super) fn persist(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let done = ctx
        .db()
        .get_mut(key, ctx.now_ms, |e| e.expire_at.take().is_some())
        .unwrap_or(false);
    if done {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(done as i64))
}
