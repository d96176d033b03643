//! The string family: commands on keys holding a string. One file per
//! command or tight group, named after it; the COMMAND rows are in `spec.rs`.
//! Here: reading a key as a string, and the expiry options SET, SETEX and
//! GETEX share.
//!
//! Values are stored as immutable `Bytes` copied out of the request buffer;
//! a change builds the new value and swaps it in under the key's shard lock
//! (`Db::with_slot`), so a reader never sees a half-written string.

mod append;
mod get;
mod getdel;
mod getex;
mod getrange;
mod getset;
mod incr;
mod mget;
mod mset;
mod set;
mod setex;
mod setnx;
mod setrange;
mod spec;
mod strlen;

pub use spec::COMMANDS;

use super::{is, parse_int, Ctx};
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use bytes::Bytes;

/// The string held by a live entry, or WRONGTYPE.
fn as_str(e: &Entry) -> CmdResult<&Bytes> {
    match &e.value {
        Value::Str(s) => Ok(s),
        #[allow(unreachable_patterns)]
        _ => Err(Error::WrongType),
    }
}

/// Reads a key's string value: None when absent.
fn read_str(ctx: &Ctx<'_>, key: &[u8]) -> CmdResult<Option<Bytes>> {
    ctx.db()
        .get(key, ctx.now_ms, |e| as_str(e).cloned())
        .transpose()
}

/// The command name as Redis spells it in errors (lowercase).
fn cmd_name(args: &[Bytes]) -> String {
    String::from_utf8_lossy(&args[0]).to_ascii_lowercase()
}

/// How a SET-like command sets the expiry.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Expiry {
    /// Clear any expiry.
    None,
    /// Keep the current one (KEEPTTL; GETEX without options).
    Keep,
    /// Absolute time in ms.
    At(u64),
}

/// Turns an EX/PX/EXAT/PXAT argument into an absolute time, with Redis's checks.
fn expire_arg(ctx: &Ctx<'_>, arg: &[u8], secs: bool, relative: bool, cmd: &str) -> CmdResult<u64> {
    let n = parse_int(arg)?;
    let invalid = || Error::InvalidExpireTime(cmd.to_string());
    if n <= 0 {
        return Err(invalid());
    }
    let mut ms = if secs {
        n.checked_mul(1000).ok_or_else(invalid)?
    } else {
        n
    };
    if relative {
        ms = ms.checked_add(ctx.now_ms as i64).ok_or_else(invalid)?;
    }
    Ok(ms as u64)
}

/// Option flags for SET and GETEX, parsed with Redis's conflict rules
/// (a conflicting option is a syntax error).
#[derive(Default)]
struct SetOpts {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// (argument, seconds?, relative?)
    expire: Option<(usize, bool, bool)>,
}

/// Reads the options from `args[from..]`: SET's (`is_set`) or GETEX's.
fn parse_set_opts(args: &[Bytes], from: usize, is_set: bool) -> CmdResult<SetOpts> {
    let mut o = SetOpts::default();
    let mut j = from;
    while j < args.len() {
        let a = &args[j];
        let has_next = j + 1 < args.len();
        let kind = o.expire.map(|(_, s, r)| (s, r));
        let no_time = o.expire.is_none();
        if is(a, "nx") && !o.xx && is_set {
            o.nx = true;
        } else if is(a, "xx") && !o.nx && is_set {
            o.xx = true;
        } else if is(a, "get") && is_set {
            o.get = true;
        } else if is(a, "keepttl") && !o.persist && no_time && is_set {
            o.keepttl = true;
        } else if is(a, "persist") && !is_set && no_time && !o.keepttl {
            o.persist = true;
        } else if has_next
            && !o.keepttl
            && !o.persist
            && (is(a, "ex") || is(a, "px") || is(a, "exat") || is(a, "pxat"))
        {
            let secs = is(a, "ex") || is(a, "exat");
            let rel = is(a, "ex") || is(a, "px");
            // The same option again is allowed (the last wins); another is not.
            if kind.is_some_and(|k| k != (secs, rel)) {
                return Err(Error::Syntax);
            }
            o.expire = Some((j + 1, secs, rel));
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_option_conflicts_are_syntax_errors() {
        let a =
            |s: &str| -> Vec<Bytes> { s.split(' ').map(|x| Bytes::from(x.to_string())).collect() };
        assert!(parse_set_opts(&a("set k v NX XX"), 3, true).is_err());
        assert!(parse_set_opts(&a("set k v EX 1 PX 1"), 3, true).is_err());
        assert!(parse_set_opts(&a("set k v KEEPTTL EX 1"), 3, true).is_err());
        assert!(parse_set_opts(&a("set k v EX 1 EX 2"), 3, true).is_ok());
        assert!(parse_set_opts(&a("set k v GET GET NX"), 3, true).is_ok());
        assert!(parse_set_opts(&a("set k v EX"), 3, true).is_err());
        assert!(parse_set_opts(&a("getex k PERSIST EX 1"), 2, false).is_err());
        assert!(parse_set_opts(&a("getex k NX"), 2, false).is_err());
    }
}
