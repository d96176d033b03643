//! `TIME`

use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// `TIME`
pub(super) fn time(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let us = ctx.shared.clock.now_us();
    let mut b = itoa::Buffer::new();
    let secs = Reply::bulk_from(b.format(us / 1_000_000).as_bytes());
    let micros = Reply::bulk_from(b.format(us % 1_000_000).as_bytes());
    Ok(Reply::Array(vec![secs, micros]))
}
