//! `EXISTS key [key ...]`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// Counts the live keys among the arguments (a repeated key counts again),
/// without touching their access time.
pub(super) fn exists(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let keys = &args[1..];
    let db = ctx.db();
    let n = keys.iter().filter(|k| db.exists(k, ctx.now_ms)).count();
    Ok(Reply::Int(n as i64))
}
