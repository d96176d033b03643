//! `MGET key [key ...]`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::keyspace::Value;
use crate::protocol::Reply;
use bytes::Bytes;

/// Each key's string, or nil; a key holding another type reads as nil.
pub(super) fn mget(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let keys = &args[1..];
    let db = ctx.db();
    let out = keys
        .iter()
        .map(|k| {
            db.get(k, ctx.now_ms, |e| match &e.value {
                Value::Str(s) => Reply::Bulk(s.clone()),
                #[allow(unreachable_patterns)]
                _ => Reply::Nil,
            })
            .unwrap_or(Reply::Nil)
        })
        .collect();
    Ok(Reply::Array(out))
}
