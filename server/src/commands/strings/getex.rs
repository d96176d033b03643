//! `GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]`
//!
//! As in Redis: options are checked for syntax first, then a missing key
//! replies nil and a wrong type WRONGTYPE, and only then is the time checked.

use super::{as_str, expire_arg, parse_set_opts, Expiry};
use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// The key's string (nil if missing), changing its expiry as asked; a time
/// already past deletes the key.
pub(super) fn getex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let o = parse_set_opts(args, 2, false)?;
    // Parsed now, its error reported after the key's (see the module doc).
    let expiry = match o.expire {
        Some((at, secs, rel)) => expire_arg(ctx, &args[at], secs, rel, "getex").map(Expiry::At),
        None if o.persist => Ok(Expiry::None),
        None => Ok(Expiry::Keep),
    };

    let now = ctx.now_ms;
    let (v, changed) = ctx.db().with_slot(key, now, |slot| {
        let Some(e) = slot.as_mut() else {
            return Ok((None, false));
        };
        let v = as_str(e)?.clone();
        let changed = match expiry? {
            Expiry::Keep => false,
            Expiry::None => e.expire_at.take().is_some(),
            Expiry::At(t) if t <= now => {
                *slot = None;
                true
            }
            Expiry::At(t) => {
                e.expire_at = Some(t);
                true
            }
        };
        Ok::<_, Error>((Some(v), changed))
    })?;
    if changed {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(v.map_or(Reply::Nil, Reply::Bulk))
}
