//! `TOUCH key [key ...]`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Reads each key as an access (updating its access time, which OBJECT
/// IDLETIME reports); replies how many were live (a repeated key counts again).
pub(super) fn touch(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let keys = &args[1..];
    let db = ctx.db();
    let n = keys
        .iter()
        .filter(|k| db.get(k, ctx.now_ms, |_| ()).is_some())
        .count();
    Ok(Reply::Int(n as i64))
}
