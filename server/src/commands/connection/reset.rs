//! `RESET`

use super::super::transactions::{end_multi, unwatch_all};
use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// Back to a fresh connection's state (RESP2, db 0, no name, no
/// transaction or watches; authentication again required if a password is set).
pub(super) fn reset(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    end_multi(ctx.client);
    unwatch_all(ctx.shared, ctx.client);
    ctx.client.select(0);
    ctx.client.resp3 = false;
    ctx.client.info.resp.store(2, Ordering::Relaxed);
    *ctx.client.info.name.lock() = None;
    ctx.client.authenticated = ctx.shared.requirepass().is_none();
    Ok(Reply::status("RESET"))
}
