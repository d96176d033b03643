//! `INCR key`, `DECR key`, `INCRBY key increment`, `DECRBY key decrement`
//! and `INCRBYFLOAT key increment`
//!
//! A missing key counts as 0. The result replaces the value as its decimal
//! text, a fresh string (not `raw`, whatever APPEND did before), and the
//! key keeps its expiry.

use super::{as_str, cmd_name};
use crate::commands::{parse_int, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::{Entry, Value};
use crate::num::float80::{self, Parsed, F80};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores a counter's new value in `slot` as a fresh string, keeping an
/// existing key's expiry.
fn store(slot: &mut Option<Entry>, v: Value, now: u64) {
    match slot {
        Some(e) => {
            e.value = v;
            e.raw = false;
        }
        None => *slot = Some(Entry::new(v, now)),
    }
}

/// `INCR`, `DECR`, `INCRBY`, `DECRBY`: adds to the key's 64-bit integer;
/// replies the new value.
pub(super) fn incr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = cmd_name(args);
    let key = &args[1];
    let by = match name.as_str() {
        "incr" => 1,
        "decr" => -1,
        "incrby" => parse_int(&args[2])?,
        _ => {
            let n = parse_int(&args[2])?;
            if n == i64::MIN {
                return Err(KeysError::DecrementOverflow.into());
            }
            -n
        }
    };

    let now = ctx.now_ms;
    let n = ctx.db().with_slot(key, now, |slot| {
        let cur = match slot {
            Some(e) => {
                let s = as_str(e)?;
                crate::protocol::request::parse_i64(s).ok_or(Error::NotInteger)?
            }
            None => 0,
        };
        let n = cur.checked_add(by).ok_or(Error::Overflow)?;
        let mut b = itoa::Buffer::new();
        store(
            slot,
            Value::Str(Bytes::copy_from_slice(b.format(n).as_bytes())),
            now,
        );
        Ok::<_, Error>(n)
    })?;
    ctx.signal(key);
    ctx.dirty(1);
    Ok(Reply::Int(n))
}

/// `INCRBYFLOAT`: computed in emulated x87 long double, as Redis computes
/// it (see [`crate::num::float80`]), so the digits match; replies the new
/// value as text.
pub(super) fn incrbyfloat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    // Parsed now; a bad increment is reported after the key's WRONGTYPE
    // or bad value, in Redis's order.
    let by = float80::parse(&args[2]);

    let now = ctx.now_ms;
    let out = ctx.db().with_slot(key, now, |slot| {
        let cur = match slot {
            Some(e) => float80::parse(as_str(e)?).ok_or(Error::NotFloat)?,
            None => Parsed::Finite(F80 {
                neg: false,
                m: 0,
                e: 0,
            }),
        };
        let by = by.ok_or(Error::NotFloat)?;
        let sum = match (cur, by) {
            (Parsed::Finite(a), Parsed::Finite(b)) => float80::add(a, b),
            _ => Parsed::Inf(false),
        };
        let Parsed::Finite(n) = sum else {
            return Err(Error::from(KeysError::NanOrInfinity));
        };
        let text = Bytes::from(float80::format_human(n));
        store(slot, Value::Str(text.clone()), now);
        Ok(text)
    })?;
    ctx.signal(key);
    ctx.dirty(1);
    Ok(Reply::Bulk(out))
}
