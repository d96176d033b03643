//! `SETRANGE key offset value`

use super::as_str;
use crate::commands::{parse_int, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::{Bytes, BytesMut};
use std::sync::atomic::Ordering;

/// Overwrites the key's string from `offset` with `value`, padding with
/// zero bytes (creating the key); replies the new length. An empty `value`
/// changes nothing. The result may not exceed `proto-max-bulk-len`.
pub(super) fn setrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let offset = parse_int(&args[2])?;
    if offset < 0 {
        return Err(KeysError::OffsetOutOfRange.into());
    }
    let value = &args[3];
    let max = ctx
        .shared
        .runtime
        .proto_max_bulk_len
        .load(Ordering::Relaxed);
    // Checked only once the key is known to hold a string, as Redis does.
    let check = |total: i64| {
        if total > max || total < 0 {
            Err(Error::StringTooLong)
        } else {
            Ok(())
        }
    };

    let now = ctx.now_ms;
    let (len, changed) = ctx.db().with_slot(key, now, |slot| {
        let cur: Bytes = match slot {
            Some(e) => {
                let cur = as_str(e)?.clone();
                if value.is_empty() {
                    return Ok((cur.len(), false));
                }
                cur
            }
            None => {
                if value.is_empty() {
                    return Ok((0, false));
                }
                Bytes::new()
            }
        };
        check(offset.saturating_add(value.len() as i64))?;
        let off = offset as usize;
        let total = cur.len().max(off + value.len());
        let mut b = BytesMut::with_capacity(total);
        b.extend_from_slice(&cur);
        b.resize(total, 0);
        b[off..off + value.len()].copy_from_slice(value);
        let v = Value::Str(b.freeze());
        match slot {
            Some(e) => e.value = v,
            None => *slot = Some(Entry::new(v, now)),
        }
        if let Some(e) = slot {
            e.raw = true;
        }
        Ok::<_, Error>((total, true))
    })?;
    if changed {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(len as i64))
}
