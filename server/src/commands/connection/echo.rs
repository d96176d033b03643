//! `ECHO message`

use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Replies with the message (arity guarantees exactly one).
pub(super) fn echo(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Bulk(args[1].clone()))
}
