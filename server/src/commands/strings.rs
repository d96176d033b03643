//! String commands: SET and its variants, GET and its variants, the INCR
//! family, APPEND, STRLEN, GETRANGE, SETRANGE.
//!
//! Values are stored as immutable `Bytes` copied out of the request buffer;
//! a change builds the new value and swaps it in under the key's shard lock
//! (`Db::with_slot`), so a reader never sees a half-written string.

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::{flags::*, is, parse_int, Command, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::{Bytes, BytesMut};
use std::sync::atomic::Ordering;

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Get the value of a key",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("get", 2, READONLY | FAST, (1, 1, 1), "string", get)
    },
    Command {
        since: "1.0.0",
        summary: "Set the string value of a key",
        complexity: "O(1)",
        history: &[
            ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
            ("6.0.0", "Added the `KEEPTTL` option."),
            ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
            ("7.0.0", "Allowed the `NX` and `GET` options to be used together."),
        ],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update variable_flags", Begin::Index(1), Find::Range(0, 1, 0)).notes("RW and ACCESS due to the optional `GET` argument"),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
            a::oneof("condition", &[
        a::pure("nx", "NX"),
        a::pure("xx", "XX"),
    ]).since("2.6.12").opt(),
            a::pure("get", "GET").since("6.2.0").opt(),
            a::oneof("expiration", &[
        a::integer("seconds").tok("EX").since("2.6.12"),
        a::integer("milliseconds").tok("PX").since("2.6.12"),
        a::unix_time("unix-time-seconds").tok("EXAT").since("6.2.0"),
        a::unix_time("unix-time-milliseconds").tok("PXAT").since("6.2.0"),
        a::pure("keepttl", "KEEPTTL").since("6.0.0"),
    ]).opt(),
        ],
        getkeys: Some(super::docs::set_keys),
        ..Command::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "string", set)
    },
    Command {
        since: "1.0.0",
        summary: "Set the value of a key, only if the key does not exist",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW insert", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
        ],
        ..Command::new("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", setnx)
    },
    Command {
        since: "2.0.0",
        summary: "Set the value and expiration of a key",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("seconds"),
            a::string("value"),
        ],
        ..Command::new("setex", 4, WRITE | DENYOOM, (1, 1, 1), "string", setex)
    },
    Command {
        since: "2.6.0",
        summary: "Set the value and expiration in milliseconds of a key",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("milliseconds"),
            a::string("value"),
        ],
        ..Command::new("psetex", 4, WRITE | DENYOOM, (1, 1, 1), "string", setex)
    },
    Command {
        since: "6.2.0",
        summary: "Get the value of a key and delete the key",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access delete", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("getdel", 2, WRITE | FAST, (1, 1, 1), "string", getdel)
    },
    Command {
        since: "6.2.0",
        summary: "Get the value of a key and optionally set its expiration",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)).notes("RW and UPDATE because it changes the TTL"),
        ],
        args: &[
            a::key("key", 0),
            a::oneof("expiration", &[
        a::integer("seconds").tok("EX"),
        a::integer("milliseconds").tok("PX"),
        a::unix_time("unix-time-seconds").tok("EXAT"),
        a::unix_time("unix-time-milliseconds").tok("PXAT"),
        a::pure("persist", "PERSIST"),
    ]).opt(),
        ],
        ..Command::new("getex", -2, WRITE | FAST, (1, 1, 1), "string", getex)
    },
    Command {
        since: "1.0.0",
        summary: "Set the string value of a key and return its old value",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        deprecated_since: "6.2.0",
        replaced_by: "`SET` with the `!GET` argument",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
        ],
        ..Command::new("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", getset)
    },
    Command {
        since: "1.0.0",
        summary: "Get the values of all the given keys",
        complexity: "O(N) where N is the number of keys to retrieve.",
        tips: &["request_policy:multi_shard"],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("mget", -2, READONLY | FAST, (1, -1, 1), "string", mget)
    },
    Command {
        since: "1.0.1",
        summary: "Set multiple keys to multiple values",
        complexity: "O(N) where N is the number of keys to set.",
        tips: &["request_policy:multi_shard", "response_policy:all_succeeded"],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(-1, 2, 0)),
        ],
        args: &[
            a::block("key_value", &[
        a::key("key", 0),
        a::string("value"),
    ]).multi(),
        ],
        ..Command::new("mset", -3, WRITE | DENYOOM | EXCLUSIVE, (1, -1, 2), "string", mset)
    },
    Command {
        since: "1.0.1",
        summary: "Set multiple keys to multiple values, only if none of the keys exist",
        complexity: "O(N) where N is the number of keys to set.",
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW insert", Begin::Index(1), Find::Range(-1, 2, 0)),
        ],
        args: &[
            a::block("key_value", &[
        a::key("key", 0),
        a::string("value"),
    ]).multi(),
        ],
        ..Command::new("msetnx", -3, WRITE | DENYOOM | EXCLUSIVE, (1, -1, 2), "string", mset)
    },
    Command {
        since: "1.0.0",
        summary: "Increment the integer value of a key by one",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr)
    },
    Command {
        since: "1.0.0",
        summary: "Decrement the integer value of a key by one",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr)
    },
    Command {
        since: "1.0.0",
        summary: "Increment the integer value of a key by the given amount",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("increment"),
        ],
        ..Command::new("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr)
    },
    Command {
        since: "1.0.0",
        summary: "Decrement the integer value of a key by the given number",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("decrement"),
        ],
        ..Command::new("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr)
    },
    Command {
        since: "2.6.0",
        summary: "Increment the float value of a key by the given amount",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::double("increment"),
        ],
        ..Command::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incrbyfloat)
    },
    Command {
        since: "2.0.0",
        summary: "Append a value to a key",
        complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW insert", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
        ],
        ..Command::new("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", append)
    },
    Command {
        since: "2.2.0",
        summary: "Get the length of the value stored in a key",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("strlen", 2, READONLY | FAST, (1, 1, 1), "string", strlen)
    },
    Command {
        since: "2.4.0",
        summary: "Get a substring of the string stored at a key",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("start"),
            a::integer("end"),
        ],
        ..Command::new("getrange", 4, READONLY, (1, 1, 1), "string", getrange)
    },
    Command {
        since: "1.0.0",
        summary: "Get a substring of the string stored at a key",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        doc_flags: &["deprecated"],
        deprecated_since: "2.0.0",
        replaced_by: "`GETRANGE`",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("start"),
            a::integer("end"),
        ],
        ..Command::new("substr", 4, READONLY, (1, 1, 1), "string", getrange)
    },
    Command {
        since: "2.2.0",
        summary: "Overwrite part of a string at key starting at the specified offset",
        complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("offset"),
            a::string("value"),
        ],
        ..Command::new("setrange", 4, WRITE | DENYOOM, (1, 1, 1), "string", setrange)
    },
];

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

/// `GET key`
fn get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(read_str(ctx, &args[1])?.map_or(Reply::Nil, Reply::Bulk))
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

/// The command name as Redis spells it in errors (lowercase).
fn cmd_name(args: &[Bytes]) -> String {
    String::from_utf8_lossy(&args[0]).to_ascii_lowercase()
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]`
fn set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let o = parse_set_opts(args, 3, true)?;
    let expiry = match o.expire {
        Some((at, secs, rel)) => Expiry::At(expire_arg(ctx, &args[at], secs, rel, "set")?),
        None if o.keepttl => Expiry::Keep,
        None => Expiry::None,
    };
    let value = Bytes::copy_from_slice(&args[2]);
    let now = ctx.now_ms;
    let (done, old) = ctx.db().with_slot(&args[1], now, |slot| {
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
        ctx.signal(&args[1]);
    }
    Ok(if o.get {
        old.map_or(Reply::Nil, Reply::Bulk)
    } else if done {
        Reply::OK
    } else {
        Reply::Nil
    })
}

/// `SETNX key value`
fn setnx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    let value = Bytes::copy_from_slice(&args[2]);
    let done = ctx.db().with_slot(&args[1], now, |slot| {
        if slot.is_some() {
            return false;
        }
        *slot = Some(Entry::new(Value::Str(value), now));
        true
    });
    if done {
        ctx.signal(&args[1]);
    }
    Ok(Reply::Int(done as i64))
}

/// `SETEX key seconds value` / `PSETEX key ms value`
fn setex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = cmd_name(args);
    let at = expire_arg(ctx, &args[2], name == "setex", true, &name)?;
    let now = ctx.now_ms;
    let value = Bytes::copy_from_slice(&args[3]);
    ctx.db().insert(
        &args[1],
        Entry::with_expiry(Value::Str(value), Some(at), now),
        now,
    );
    ctx.signal(&args[1]);
    Ok(Reply::OK)
}

/// `GETDEL key`
fn getdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    let old = ctx.db().with_slot(&args[1], now, |slot| {
        let Some(e) = slot else { return Ok(None) };
        let v = as_str(e)?.clone();
        *slot = None;
        Ok::<_, Error>(Some(v))
    })?;
    Ok(match old {
        Some(v) => {
            ctx.signal(&args[1]);
            Reply::Bulk(v)
        }
        None => Reply::Nil,
    })
}

/// `GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]`
///
/// As in Redis: options are checked for syntax first, then a missing key
/// replies nil and a wrong type WRONGTYPE, and only then is the time checked.
fn getex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let o = parse_set_opts(args, 2, false)?;
    let expiry = match o.expire {
        Some((at, secs, rel)) => expire_arg(ctx, &args[at], secs, rel, "getex").map(Expiry::At),
        None if o.persist => Ok(Expiry::None),
        None => Ok(Expiry::Keep),
    };
    let now = ctx.now_ms;
    let (v, changed) = ctx.db().with_slot(&args[1], now, |slot| {
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
        ctx.signal(&args[1]);
    }
    Ok(v.map_or(Reply::Nil, Reply::Bulk))
}

/// `GETSET key value`
fn getset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    let value = Bytes::copy_from_slice(&args[2]);
    let old = ctx.db().with_slot(&args[1], now, |slot| {
        let old = match slot {
            Some(e) => Some(as_str(e)?.clone()),
            None => None,
        };
        *slot = Some(Entry::new(Value::Str(value), now));
        Ok::<_, Error>(old)
    })?;
    ctx.signal(&args[1]);
    Ok(old.map_or(Reply::Nil, Reply::Bulk))
}

/// `MGET key...`: a key holding another type reads as nil.
fn mget(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let db = ctx.db();
    let out = args[1..]
        .iter()
        .map(|k| {
            db.get(k, ctx.now_ms, |e| match &e.value {
                Value::Str(s) => Reply::Bulk(s.clone()),
                #[allow(unreachable_patterns)]
                _ => Reply::Nil,
            })
            .unwrap_or(Reply::Nil)
        })
        .collect();
    Ok(Reply::Array(out))
}

/// `MSET key value [key value ...]` / `MSETNX ...` (EXCLUSIVE: all or nothing, at once)
fn mset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() % 2 == 0 {
        return Err(Error::arity(&args[0]));
    }
    let nx = is(&args[0], "msetnx");
    let db = ctx.db();
    let now = ctx.now_ms;
    if nx && args[1..].chunks(2).any(|kv| db.exists(&kv[0], now)) {
        return Ok(Reply::Int(0));
    }
    for kv in args[1..].chunks(2) {
        let v = Bytes::copy_from_slice(&kv[1]);
        db.insert(&kv[0], Entry::new(Value::Str(v), now), now);
        ctx.signal(&kv[0]);
    }
    Ok(if nx { Reply::Int(1) } else { Reply::OK })
}

/// `INCR`, `DECR`, `INCRBY`, `DECRBY`
fn incr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = cmd_name(args);
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
    let n = ctx.db().with_slot(&args[1], now, |slot| {
        let cur = match slot {
            Some(e) => {
                let s = as_str(e)?;
                crate::protocol::request::parse_i64(s).ok_or(Error::NotInteger)?
            }
            None => 0,
        };
        let n = cur.checked_add(by).ok_or(Error::Overflow)?;
        let mut b = itoa::Buffer::new();
        let v = Value::Str(Bytes::copy_from_slice(b.format(n).as_bytes()));
        match slot {
            Some(e) => {
                e.value = v;
                e.raw = false;
            }
            None => *slot = Some(Entry::new(v, now)),
        }
        Ok::<_, Error>(n)
    })?;
    ctx.signal(&args[1]);
    Ok(Reply::Int(n))
}

/// `INCRBYFLOAT key increment`: computed in emulated x87 long double, as
/// Redis computes it (see [`crate::num::float80`]), so the digits match.
fn incrbyfloat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    use crate::num::float80::{self, Parsed};
    let now = ctx.now_ms;
    let out = ctx.db().with_slot(&args[1], now, |slot| {
        let cur = match slot {
            Some(e) => float80::parse(as_str(e)?).ok_or(Error::NotFloat)?,
            None => Parsed::Finite(float80::F80 {
                neg: false,
                m: 0,
                e: 0,
            }),
        };
        let by = float80::parse(&args[2]).ok_or(Error::NotFloat)?;
        let sum = match (cur, by) {
            (Parsed::Finite(a), Parsed::Finite(b)) => float80::add(a, b),
            _ => Parsed::Inf(false),
        };
        let Parsed::Finite(n) = sum else {
            return Err(Error::from(KeysError::NanOrInfinity));
        };
        let text = Bytes::from(float80::format_human(n));
        let v = Value::Str(text.clone());
        match slot {
            Some(e) => {
                e.value = v;
                e.raw = false;
            }
            None => *slot = Some(Entry::new(v, now)),
        }
        Ok(text)
    })?;
    ctx.signal(&args[1]);
    Ok(Reply::Bulk(out))
}

/// `APPEND key value`
fn append(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    let add = &args[2];
    let max = ctx
        .shared
        .runtime
        .proto_max_bulk_len
        .load(Ordering::Relaxed);
    let len = ctx.db().with_slot(&args[1], now, |slot| match slot {
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
    ctx.signal(&args[1]);
    Ok(Reply::Int(len as i64))
}

/// `STRLEN key`
fn strlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(
        read_str(ctx, &args[1])?.map_or(0, |s| s.len() as i64),
    ))
}

/// `GETRANGE key start end` (and the old name SUBSTR)
fn getrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut start = parse_int(&args[2])?;
    let mut end = parse_int(&args[3])?;
    let Some(s) = read_str(ctx, &args[1])? else {
        return Ok(Reply::bulk_str(""));
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Ok(Reply::bulk_str(""));
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return Ok(Reply::bulk_str(""));
    }
    Ok(Reply::Bulk(s.slice(start as usize..=end as usize)))
}

/// `SETRANGE key offset value`
fn setrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let offset = parse_int(&args[2])?;
    if offset < 0 {
        return Err(KeysError::OffsetOutOfRange.into());
    }
    let value = &args[3];
    let now = ctx.now_ms;
    let max = ctx
        .shared
        .runtime
        .proto_max_bulk_len
        .load(Ordering::Relaxed);
    let check = |total: i64| {
        if total > max || total < 0 {
            Err(Error::StringTooLong)
        } else {
            Ok(())
        }
    };
    let (len, changed) = ctx.db().with_slot(&args[1], now, |slot| {
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
        ctx.signal(&args[1]);
    }
    Ok(Reply::Int(len as i64))
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
