//! `XLEN key`

use super::super::Ctx;
use super::stream_ref;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

pub(super) fn xlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(
        stream_ref(ctx, &args[1], |s| s.len() as i64)?.unwrap_or(0),
    ))
}
