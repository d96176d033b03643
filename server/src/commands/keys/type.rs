//! `TYPE key`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// The type name of the key's value (`string`, `stream`), or `none`.
pub(super) fn type_cmd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let t = ctx
        .db()
        .peek(key, ctx.now_ms, |e| e.value.type_name())
        .unwrap_or("none");
    Ok(Reply::status(t))
}
