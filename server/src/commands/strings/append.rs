//! `APPEND key value`

use super::as_str;
use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::{Bytes, BytesMut};
use std::sync::atomic::Ordering;

/// Appends `value` to the key's string (creating it); replies the new
/// length. The result may not exceed `proto-max-bulk-len`.
pub(super) fn append(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let add = &args[2];
    let max = ctx
        .shared
        .runtime
        .proto_max_bulk_len
        .load(Ordering::Relaxed);

    let now = ctx.now_ms;
    let len = ctx.db().with_slot(key, now, |slot| match slot {
        Some(e) => {
            let cur = as_str(e)?;
            let total = cur.len() + add.len();
            if total as i64 > max {
                return Err(Error::StringTooLong);
            }
            let mut b = BytesMut::with_capacity(total);
            b.extend_from_slice(cur);
            b.extend_from_slice(add);
            e.value = Value::Str(b.freeze());
            e.raw = true;
            Ok(total)
        }
        None => {
            *slot = Some(Entry::new(Value::Str(Bytes::copy_from_slice(add)), now));
            Ok(add.len())
        }
    })?;
    ctx.signal(key);
    ctx.dirty(1);
    Ok(Reply::Int(len as i64))
}
