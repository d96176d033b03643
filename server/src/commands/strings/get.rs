//! `GET key`

use super::read_str;
use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// The key's string, or nil.
pub(super) fn get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    Ok(read_str(ctx, key)?.map_or(Reply::Nil, Reply::Bulk))
}
