//! `GETSET key value`
//!
//! Deprecated since Redis 6.2.0 in favour of `SET key value GET`.

use super::as_str;
use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores `value` (clearing any expiry); replies the old string, or nil.
pub(super) fn getset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let value = Bytes::copy_from_slice(&args[2]);

    let now = ctx.now_ms;
    let old = ctx.db().with_slot(key, now, |slot| {
        let old = match slot {
            Some(e) => Some(as_str(e)?.clone()),
            None => None,
        };
        *slot = Some(Entry::new(Value::Str(value), now));
        Ok::<_, Error>(old)
    })?;
    ctx.signal(key);
    ctx.dirty(1);
    Ok(old.map_or(Reply::Nil, Reply::Bulk))
}
