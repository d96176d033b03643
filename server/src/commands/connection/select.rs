//! `SELECT index`

use super::super::{parse_int, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// Switches the client to database `index` (0 up to `databases - 1`).
pub(super) fn select(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let idx = parse_int(&args[1])?;
    if idx < 0 || idx as usize >= ctx.shared.keyspace.db_count() {
        return Err(Error::DbIndexOutOfRange);
    }
    ctx.client.select(idx as usize);
    Ok(Reply::OK)
}
