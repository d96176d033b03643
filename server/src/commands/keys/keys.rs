//! `KEYS pattern`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::keyspace::glob;
use crate::protocol::Reply;
use bytes::Bytes;

/// Every live key matching the glob `pattern`, in the database's order.
pub(super) fn keys(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let pat = &args[1];
    let all = &pat[..] == b"*";
    let db = ctx.db();
    let mut out = Vec::new();
    for k in db.iter_keys() {
        if (all || glob::matches(pat, &k, false)) && db.exists(&k, ctx.now_ms) {
            out.push(Reply::Bulk(k));
        }
    }
    Ok(Reply::Array(out))
}
