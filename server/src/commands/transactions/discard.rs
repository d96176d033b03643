//! `DISCARD`

use super::super::Ctx;
use super::{end_multi, unwatch_all};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// `DISCARD`
pub(super) fn discard(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    if ctx.client.multi.is_none() {
        return Err(Error::DiscardWithoutMulti);
    }
    end_multi(ctx.client);
    unwatch_all(ctx.shared, ctx.client);
    Ok(Reply::OK)
}
