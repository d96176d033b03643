//! `SET key value [NX | XX | IFEQ ifeq-value | IFNE ifne-value | IFDEQ ifdeq-digest | IFDNE ifdne-digest] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]`
//!
//! Sluice serves Redis 7.0's SET: the above without the conditions IFEQ,
//! IFNE, IFDEQ and IFDNE (added in Redis 8.4.0), which are a syntax error
//! here as in 7.0.

use super::{as_str, expire_arg, parse_set_opts, Expiry};
use crate::commands::Ctx;
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores `value` under the conditions and expiry given; replies OK, nil
/// when NX or XX refused, or with GET the old string (nil if none).
pub(super) fn set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let o = parse_set_opts(args, 3, true)?;
    let expiry = match o.expire {
        Some((at, secs, rel)) => Expiry::At(expire_arg(ctx, &args[at], secs, rel, "set")?),
        None if o.keepttl => Expiry::Keep,
        None => Expiry::None,
    };
    let value = Bytes::copy_from_slice(&args[2]);

    let now = ctx.now_ms;
    let (done, old) = ctx.db().with_slot(key, now, |slot| {
        let old = match slot {
            Some(e) if o.get => Some(as_str(e)?.clone()),
            _ => None,
        };
        if (o.nx && slot.is_some()) || (o.xx && slot.is_none()) {
            return Ok::<_, Error>((false, old));
        }
        let expire_at = match expiry {
            Expiry::None => None,
            Expiry::Keep => slot.as_ref().and_then(|e| e.expire_at),
            Expiry::At(t) => Some(t),
        };
        *slot = Some(Entry::with_expiry(Value::Str(value), expire_at, now));
        Ok((true, old))
    })?;
    if done {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(if o.get {
        old.map_or(Reply::Nil, Reply::Bulk)
    } else if done {
        Reply::OK
    } else {
        Reply::Nil
    })
}
