//! `SETNX key value`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores `value` only if the key does not exist; replies 1 when stored, else 0.
pub(super) fn setnx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let value = Bytes::copy_from_slice(&args[2]);

    let now = ctx.now_ms;
    let done = ctx.db().with_slot(key, now, |slot| {
        if slot.is_some() {
            return false;
        }
        *slot = Some(Entry::new(Value::Str(value), now));
        true
    });
    if done {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(done as i64))
}
