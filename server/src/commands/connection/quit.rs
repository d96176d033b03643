//! `QUIT`

use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Replies `OK`, then the connection closes. Extra arguments are ignored,
/// as Redis ignores them (arity -1).
pub(super) fn quit(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    ctx.client.close_after_reply = true;
    Ok(Reply::OK)
}
