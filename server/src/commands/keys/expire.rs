//! `EXPIRE key seconds [NX | XX | GT | LT]`,
//! `PEXPIRE key milliseconds [NX | XX | GT | LT]`,
//! `EXPIREAT key unix-time-seconds [NX | XX | GT | LT]` and
//! `PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]`
//!
//! All four set an absolute expiry in milliseconds; a time already past
//! deletes the key.

use crate::commands::{is, parse_int, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::protocol::Reply;
use bytes::Bytes;

/// NX | XX | GT | LT, any of them, any number of times; their combinations
/// are checked once all are read, as Redis does.
#[derive(Default)]
struct Conditions {
    /// Only when the key has no expiry.
    nx: bool,
    /// Only when the key has an expiry.
    xx: bool,
    /// Only when the new expiry is later (no expiry counts as infinite).
    gt: bool,
    /// Only when the new expiry is earlier.
    lt: bool,
}

impl Conditions {
    fn parse(opts: &[Bytes]) -> CmdResult<Conditions> {
        let mut c = Conditions::default();
        for opt in opts {
            if is(opt, "nx") {
                c.nx = true;
            } else if is(opt, "xx") {
                c.xx = true;
            } else if is(opt, "gt") {
                c.gt = true;
            } else if is(opt, "lt") {
                c.lt = true;
            } else {
                let opt = String::from_utf8_lossy(opt).into_owned();
                return Err(KeysError::UnsupportedOption(opt).into());
            }
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            return Err(KeysError::NxWithXxGtLt.into());
        }
        if c.gt && c.lt {
            return Err(KeysError::GtWithLt.into());
        }
        Ok(c)
    }

    /// Whether the conditions keep `when` from replacing the `current` expiry.
    fn refuse(&self, current: Option<i64>, when: i64) -> bool {
        (self.nx && current.is_some())
            || (self.xx && current.is_none())
            // GT: no expiry counts as infinite, so nothing is greater.
            || (self.gt && current.map_or(true, |c| when <= c))
            || (self.lt && current.is_some_and(|c| when >= c))
    }
}

/// Computes an absolute expiry in ms from a command's time argument, with
/// Redis's overflow checks and error text. `unit_secs`: the argument is in
/// seconds; `base`: added to it (now for relative forms, 0 for absolute).
fn expire_at_from(arg: &[u8], unit_secs: bool, base: u64, cmd: &str) -> CmdResult<i64> {
    let mut when = parse_int(arg)?;
    let invalid = || Error::InvalidExpireTime(cmd.to_string());
    if unit_secs {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    when.checked_add(base as i64).ok_or_else(invalid)
}

/// Sets the key's expiry; replies 1 when set (or the key deleted for a past
/// time), 0 when the key is missing or a condition refused.
pub(super) fn expire(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    let (secs, relative) = match name.as_str() {
        "expire" => (true, true),
        "pexpire" => (false, true),
        "expireat" => (true, false),
        _ => (false, false),
    };
    let key = &args[1];
    // Redis reads the options before the time, so their errors come first.
    let cond = Conditions::parse(&args[3..])?;
    let now = ctx.now_ms;
    let when = expire_at_from(&args[2], secs, if relative { now } else { 0 }, &name)?;

    let result = ctx.db().with_slot(key, now, |slot| {
        let Some(e) = slot.as_mut() else {
            return 0;
        };
        if cond.refuse(e.expire_at.map(|t| t as i64), when) {
            return 0;
        }
        if when <= now as i64 {
            *slot = None;
            return 2;
        }
        e.expire_at = Some(when as u64);
        1
    });
    if result > 0 {
        ctx.signal(key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(result.min(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expire_overflow_is_invalid_expire_time() {
        assert_eq!(
            expire_at_from(b"9223372036854775", true, 1_000_000, "expire").unwrap_err(),
            Error::InvalidExpireTime("expire".into())
        );
        assert_eq!(expire_at_from(b"10", true, 5, "expire").unwrap(), 10_005);
        assert_eq!(
            expire_at_from(b"x", true, 0, "expire").unwrap_err(),
            Error::NotInteger
        );
    }
}
