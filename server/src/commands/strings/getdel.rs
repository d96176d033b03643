//! `GETDEL key`

use super::as_str;
use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// The key's string, deleting the key; nil when it is missing.
pub(super) fn getdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];

    let now = ctx.now_ms;
    let old = ctx.db().with_slot(key, now, |slot| {
        let Some(e) = slot else { return Ok(None) };
        let v = as_str(e)?.clone();
        *slot = None;
        Ok::<_, Error>(Some(v))
    })?;
    Ok(match old {
        Some(v) => {
            ctx.signal(key);
            ctx.dirty(1);
            Reply::Bulk(v)
        }
        None => Reply::Nil,
    })
}
