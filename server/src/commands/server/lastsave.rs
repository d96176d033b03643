//! `LASTSAVE`

use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// `LASTSAVE`: Sluice never saves; the time it started stands in.
pub(super) fn lastsave(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int((ctx.shared.started_ms / 1000) as i64))
}
