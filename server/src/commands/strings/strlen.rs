//! `STRLEN key`

use super::read_str;
use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// The length of the key's string; 0 when it is missing.
pub(super) fn strlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    Ok(Reply::Int(
        read_str(ctx, key)?.map_or(0, |s| s.len() as i64),
    ))
}
