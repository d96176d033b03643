//! `PING [message]`

use super::super::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// Replies `PONG`, or the message as a bulk string.
pub(super) fn ping(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 2 {
        return Err(Error::arity(b"ping"));
    }
    Ok(match args.get(1) {
        Some(m) => Reply::Bulk(m.clone()),
        None => Reply::status("PONG"),
    })
}
