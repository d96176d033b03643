//! `MULTI`

use super::super::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// `MULTI`
pub(super) fn multi(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    if ctx.client.multi.is_some() {
        return Err(Error::NestedMulti);
    }
    ctx.client.multi = Some(Vec::new());
    ctx.client.multi_dirty = false;
    ctx.client.info.multi.store(true, Ordering::Relaxed);
    Ok(Reply::OK)
}
