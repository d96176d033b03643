//! Generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY,
//! RENAME, RENAMENX, COPY, MOVE, the EXPIRE family, TTL family, PERSIST,
//! TOUCH and OBJECT.
//!
//! Commands that read or change several keys as one step (RENAME, COPY,
//! MOVE) carry the EXCLUSIVE flag, so no other command runs between their
//! reads and writes. Expiry times are absolute milliseconds on the server
//! clock; a time already past deletes the key, as Redis does.

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::{flags::*, is, parse_int, Command, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::{glob, Entry};
use crate::protocol::Reply;
use bytes::Bytes;
use std::cell::Cell;

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Delete a key",
        complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RM delete", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("del", -2, WRITE, (1, -1, 1), "generic", del)
    },
    Command {
        since: "4.0.0",
        summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
        complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RM delete", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("unlink", -2, WRITE | FAST, (1, -1, 1), "generic", del)
    },
    Command {
        since: "1.0.0",
        summary: "Determine if a key exists",
        complexity: "O(N) where N is the number of keys to check.",
        history: &[
            ("3.0.3", "Accepts multiple `key` arguments."),
        ],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("exists", -2, READONLY | FAST, (1, -1, 1), "generic", exists)
    },
    Command {
        since: "1.0.0",
        summary: "Determine the type stored at key",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("type", 2, READONLY | FAST, (1, 1, 1), "generic", type_cmd)
    },
    Command {
        since: "1.0.0",
        summary: "Find all keys matching the given pattern",
        complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        acl: &["keyspace", "dangerous"],
        args: &[
            a::pattern("pattern"),
        ],
        ..Command::new("keys", 2, READONLY, (0, 0, 0), "generic", keys)
    },
    Command {
        since: "2.8.0",
        summary: "Incrementally iterate the keys space",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        history: &[
            ("6.0.0", "Added the `TYPE` subcommand."),
        ],
        tips: &["nondeterministic_output", "request_policy:special"],
        acl: &["keyspace"],
        args: &[
            a::integer("cursor"),
            a::pattern("pattern").tok("MATCH").opt(),
            a::integer("count").tok("COUNT").opt(),
            a::string("type").tok("TYPE").since("6.0.0").opt(),
        ],
        ..Command::new("scan", -2, READONLY, (0, 0, 0), "generic", scan)
    },
    Command {
        since: "1.0.0",
        summary: "Return a random key from the keyspace",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        acl: &["keyspace"],
        ..Command::new("randomkey", 1, READONLY, (0, 0, 0), "generic", randomkey)
    },
    Command {
        since: "1.0.0",
        summary: "Rename a key",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW access delete", Begin::Index(1), Find::Range(0, 1, 0)),
            KeySpec::new("OW update", Begin::Index(2), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::key("newkey", 1),
        ],
        ..Command::new("rename", 3, WRITE | EXCLUSIVE, (1, 2, 1), "generic", rename)
    },
    Command {
        since: "1.0.0",
        summary: "Rename a key, only if the new key does not exist",
        complexity: "O(1)",
        history: &[
            ("3.2.0", "The command no longer returns an error when source and destination names are the same."),
        ],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW access delete", Begin::Index(1), Find::Range(0, 1, 0)),
            KeySpec::new("OW insert", Begin::Index(2), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::key("newkey", 1),
        ],
        ..Command::new(
            "renamenx",
            3,
            WRITE | FAST | EXCLUSIVE,
            (1, 2, 1),
            "generic",
            renamenx,
        )
    },
    Command {
        since: "6.2.0",
        summary: "Copy a key",
        complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
            KeySpec::new("OW update", Begin::Index(2), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("source", 0),
            a::key("destination", 1),
            a::integer("destination-db").tok("DB").opt(),
            a::pure("replace", "REPLACE").opt(),
        ],
        ..Command::new("copy", -3, WRITE | DENYOOM | EXCLUSIVE, (1, 2, 1), "generic", copy)
    },
    Command {
        since: "1.0.0",
        summary: "Move a key to another database",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("db"),
        ],
        ..Command::new("move", 3, WRITE | FAST | EXCLUSIVE, (1, 1, 1), "generic", move_cmd)
    },
    Command {
        since: "1.0.0",
        summary: "Set a key's time to live in seconds",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
        ],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("seconds"),
            a::oneof("condition", &[
        a::pure("nx", "NX"),
        a::pure("xx", "XX"),
        a::pure("gt", "GT"),
        a::pure("lt", "LT"),
    ]).since("7.0.0").opt(),
        ],
        ..Command::new("expire", -3, WRITE | FAST, (1, 1, 1), "generic", expire)
    },
    Command {
        since: "2.6.0",
        summary: "Set a key's time to live in milliseconds",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
        ],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("milliseconds"),
            a::oneof("condition", &[
        a::pure("nx", "NX"),
        a::pure("xx", "XX"),
        a::pure("gt", "GT"),
        a::pure("lt", "LT"),
    ]).since("7.0.0").opt(),
        ],
        ..Command::new("pexpire", -3, WRITE | FAST, (1, 1, 1), "generic", expire)
    },
    Command {
        since: "1.2.0",
        summary: "Set the expiration for a key as a UNIX timestamp",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
        ],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::unix_time("unix-time-seconds"),
            a::oneof("condition", &[
        a::pure("nx", "NX"),
        a::pure("xx", "XX"),
        a::pure("gt", "GT"),
        a::pure("lt", "LT"),
    ]).since("7.0.0").opt(),
        ],
        ..Command::new("expireat", -3, WRITE | FAST, (1, 1, 1), "generic", expire)
    },
    Command {
        since: "2.6.0",
        summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
        ],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::unix_time("unix-time-milliseconds"),
            a::oneof("condition", &[
        a::pure("nx", "NX"),
        a::pure("xx", "XX"),
        a::pure("gt", "GT"),
        a::pure("lt", "LT"),
    ]).since("7.0.0").opt(),
        ],
        ..Command::new("pexpireat", -3, WRITE | FAST, (1, 1, 1), "generic", expire)
    },
    Command {
        since: "1.0.0",
        summary: "Get the time to live for a key in seconds",
        complexity: "O(1)",
        history: &[
            ("2.8.0", "Added the -2 reply."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("ttl", 2, READONLY | FAST, (1, 1, 1), "generic", ttl)
    },
    Command {
        since: "2.6.0",
        summary: "Get the time to live for a key in milliseconds",
        complexity: "O(1)",
        history: &[
            ("2.8.0", "Added the -2 reply."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("pttl", 2, READONLY | FAST, (1, 1, 1), "generic", ttl)
    },
    Command {
        since: "7.0.0",
        summary: "Get the expiration Unix timestamp for a key",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("expiretime", 2, READONLY | FAST, (1, 1, 1), "generic", ttl)
    },
    Command {
        since: "7.0.0",
        summary: "Get the expiration Unix timestamp for a key in milliseconds",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("pexpiretime", 2, READONLY | FAST, (1, 1, 1), "generic", ttl)
    },
    Command {
        since: "2.2.0",
        summary: "Remove the expiration from a key",
        complexity: "O(1)",
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("persist", 2, WRITE | FAST, (1, 1, 1), "generic", persist)
    },
    Command {
        since: "3.2.1",
        summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
        complexity: "O(N) where N is the number of keys that will be touched.",
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        acl: &["keyspace"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("touch", -2, READONLY | FAST, (1, -1, 1), "generic", exists)
    },
    Command {
        since: "2.2.3",
        summary: "A container for object introspection commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: OBJECT_SUBCOMMANDS,
        ..Command::new("object", -2, 0, (0, 0, 0), "generic", exists)
    },
];

static OBJECT_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.2.3",
        summary: "Inspect the internal encoding of a Redis object",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("encoding", 3, READONLY, (2, 2, 1), "generic", object)
    },
    Command {
        since: "4.0.0",
        summary: "Get the logarithmic access frequency counter of a Redis object",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("freq", 3, READONLY, (2, 2, 1), "generic", object)
    },
    Command {
        since: "2.2.3",
        summary: "Get the time since a Redis object was last accessed",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("idletime", 3, READONLY, (2, 2, 1), "generic", object)
    },
    Command {
        since: "2.2.3",
        summary: "Get the number of references to the value of the key",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("refcount", 3, READONLY, (2, 2, 1), "generic", object)
    },
    Command {
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["keyspace"],
        ..Command::new(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "generic",
            object_help,
        )
    },
];

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::time::SystemTime::now()) | 1
    });
}

/// A fast non-cryptographic random number (RANDOMKEY, sampling).
pub fn rand_u64() -> u64 {
    RNG.with(|r| {
        // xorshift64*
        let mut x = r.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        r.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// `DEL key...` / `UNLINK key...`
fn del(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let db = ctx.db();
    let mut n = 0;
    for k in &args[1..] {
        if db.remove(k, ctx.now_ms).is_some() {
            n += 1;
            ctx.signal(k);
        }
    }
    Ok(Reply::Int(n))
}

/// `EXISTS key...` / `TOUCH key...`: counts live keys (repeats count again).
fn exists(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let db = ctx.db();
    let touch = is(&args[0], "touch");
    let n = args[1..]
        .iter()
        .filter(|k| {
            if touch {
                db.get(k, ctx.now_ms, |_| ()).is_some()
            } else {
                db.exists(k, ctx.now_ms)
            }
        })
        .count();
    Ok(Reply::Int(n as i64))
}

/// `TYPE key`
fn type_cmd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let t = ctx
        .db()
        .peek(&args[1], ctx.now_ms, |e| e.value.type_name())
        .unwrap_or("none");
    Ok(Reply::status(t))
}

/// `KEYS pattern`
fn keys(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let db = ctx.db();
    let pat = &args[1];
    let all = &pat[..] == b"*";
    let mut out = Vec::new();
    for k in db.iter_keys() {
        if (all || glob::matches(pat, &k, false)) && db.exists(&k, ctx.now_ms) {
            out.push(Reply::Bulk(k));
        }
    }
    Ok(Reply::Array(out))
}

/// Parses a SCAN cursor like Redis's `strtoull` check: digits (a leading `-`
/// wraps around), nothing else.
pub fn parse_cursor(arg: &[u8]) -> CmdResult<u64> {
    let bad = || Error::from(KeysError::InvalidCursor);
    let s = std::str::from_utf8(arg).map_err(|_| bad())?;
    if let Some(neg) = s.strip_prefix('-') {
        let v: u64 = neg.parse().map_err(|_| bad())?;
        return Ok(v.wrapping_neg());
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    s.parse::<u64>().map_err(|_| bad())
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
///
/// The cursor is a position in the database's hash order (see
/// [`crate::keyspace::Db::scan`]): every key present for the whole scan is
/// returned at least once, whatever is added or removed meanwhile.
fn scan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let cursor = parse_cursor(&args[1])?;
    let mut count = 10usize;
    let mut pattern: Option<&Bytes> = None;
    let mut typ: Option<&Bytes> = None;
    let mut i = 2;
    while i < args.len() {
        let has_value = i + 1 < args.len();
        if is(&args[i], "count") && has_value {
            let n = parse_int(&args[i + 1])?;
            if n < 1 {
                return Err(Error::Syntax);
            }
            count = n as usize;
        } else if is(&args[i], "match") && has_value {
            pattern = Some(&args[i + 1]).filter(|p| &p[..] != b"*");
        } else if is(&args[i], "type") && has_value {
            typ = Some(&args[i + 1]);
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    let db = ctx.db();
    let page = if cursor > i64::MAX as u64 {
        // Not a position any key can have: the scan is over.
        crate::keyspace::ScanPage {
            keys: Vec::new(),
            next: 0,
        }
    } else {
        db.scan(cursor, count, ctx.now_ms)
    };
    let mut keys = Vec::with_capacity(page.keys.len());
    for k in page.keys {
        if let Some(p) = pattern {
            if !glob::matches(p, &k, false) {
                continue;
            }
        }
        if let Some(t) = typ {
            let matches = db
                .peek(&k, ctx.now_ms, |e| {
                    e.value.type_name().as_bytes().eq_ignore_ascii_case(t)
                })
                .unwrap_or(false);
            if !matches {
                continue;
            }
        }
        keys.push(Reply::Bulk(k));
    }
    let mut b = itoa::Buffer::new();
    Ok(Reply::Array(vec![
        Reply::bulk_from(b.format(page.next).as_bytes()),
        Reply::Array(keys),
    ]))
}

/// `RANDOMKEY`
fn randomkey(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(match ctx.db().random_key(ctx.now_ms, rand_u64) {
        Some(k) => Reply::Bulk(k),
        None => Reply::Nil,
    })
}

/// `RENAME key newkey` and `RENAMENX key newkey`
fn rename(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    rename_generic(ctx, args, false)
}

fn renamenx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    rename_generic(ctx, args, true)
}

fn rename_generic(ctx: &mut Ctx<'_>, args: &[Bytes], nx: bool) -> CmdResult<Reply> {
    let db = ctx.db();
    let (src, dst) = (&args[1], &args[2]);
    if !db.exists(src, ctx.now_ms) {
        return Err(Error::NoSuchKey);
    }
    if src == dst {
        return Ok(if nx { Reply::Int(0) } else { Reply::OK });
    }
    if nx && db.exists(dst, ctx.now_ms) {
        return Ok(Reply::Int(0));
    }
    // The EXCLUSIVE gate is held: nothing changes between these steps.
    // The entry moves as it is (value, expiry, access time, encoding).
    let entry = db.remove(src, ctx.now_ms).ok_or(Error::NoSuchKey)?;
    db.insert(dst, entry, ctx.now_ms);
    ctx.signal(src);
    ctx.signal(dst);
    Ok(if nx { Reply::Int(1) } else { Reply::OK })
}

/// Parses a database index argument for COPY / MOVE.
fn parse_db(ctx: &Ctx<'_>, arg: &[u8]) -> CmdResult<usize> {
    let n = parse_int(arg)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(Error::NotInteger);
    }
    if n < 0 || n as usize >= ctx.shared.keyspace.db_count() {
        return Err(Error::DbIndexOutOfRange);
    }
    Ok(n as usize)
}

/// `COPY source destination [DB destination-db] [REPLACE]`
fn copy(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut dst_db = ctx.client.db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "replace") {
            replace = true;
            i += 1;
        } else if is(&args[i], "db") && i + 1 < args.len() {
            dst_db = parse_db(ctx, &args[i + 1])?;
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let (src, dst) = (&args[1], &args[2]);
    if dst_db == ctx.client.db && src == dst {
        return Err(KeysError::SameObject.into());
    }
    let now = ctx.now_ms;
    let from = ctx.db();
    let to = ctx.shared.keyspace.db(dst_db);
    let Some(copied) = from.peek(src, now, |e| Entry {
        raw: e.raw,
        ..Entry::with_expiry(e.value.duplicate(), e.expire_at, now)
    }) else {
        return Ok(Reply::Int(0));
    };
    if !replace && to.exists(dst, now) {
        return Ok(Reply::Int(0));
    }
    to.insert(dst, copied, now);
    ctx.shared.keyspace.signal(dst_db, dst);
    Ok(Reply::Int(1))
}

/// `MOVE key db`
fn move_cmd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let dst_db = parse_db(ctx, &args[2])?;
    if dst_db == ctx.client.db {
        return Err(KeysError::SameObject.into());
    }
    let now = ctx.now_ms;
    let from = ctx.db();
    let to = ctx.shared.keyspace.db(dst_db);
    let key = &args[1];
    if !from.exists(key, now) || to.exists(key, now) {
        return Ok(Reply::Int(0));
    }
    let e = from
        .remove(key, now)
        .expect("checked under the exclusive gate");
    to.insert(key, Entry::with_expiry(e.value, e.expire_at, now), now);
    ctx.signal(key);
    ctx.shared.keyspace.signal(dst_db, key);
    Ok(Reply::Int(1))
}

/// Computes an absolute expiry in ms from a command's time argument, with
/// Redis's overflow checks and error text. `unit_secs`: the argument is in
/// seconds; `base`: added to it (now for relative forms, 0 for absolute).
pub fn expire_at_from(arg: &[u8], unit_secs: bool, base: u64, cmd: &str) -> CmdResult<i64> {
    let mut when = parse_int(arg)?;
    let invalid = || Error::InvalidExpireTime(cmd.to_string());
    if unit_secs {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    when.checked_add(base as i64).ok_or_else(invalid)
}

/// `EXPIRE`, `PEXPIRE`, `EXPIREAT`, `PEXPIREAT key time [NX|XX|GT|LT]`
fn expire(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    let (secs, relative) = match name.as_str() {
        "expire" => (true, true),
        "pexpire" => (false, true),
        "expireat" => (true, false),
        _ => (false, false),
    };
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &args[3..] {
        if is(opt, "nx") {
            nx = true;
        } else if is(opt, "xx") {
            xx = true;
        } else if is(opt, "gt") {
            gt = true;
        } else if is(opt, "lt") {
            lt = true;
        } else {
            return Err(
                KeysError::UnsupportedOption(String::from_utf8_lossy(opt).into_owned()).into(),
            );
        }
    }
    if nx && (xx || gt || lt) {
        return Err(KeysError::NxWithXxGtLt.into());
    }
    if gt && lt {
        return Err(KeysError::GtWithLt.into());
    }
    let now = ctx.now_ms;
    let when = expire_at_from(&args[2], secs, if relative { now } else { 0 }, &name)?;
    let key = &args[1];
    let result = ctx.db().with_slot(key, now, |slot| {
        let Some(e) = slot.as_mut() else {
            return 0;
        };
        let current = e.expire_at.map(|t| t as i64);
        let refuse = (nx && current.is_some())
            || (xx && current.is_none())
            // GT: no expiry counts as infinite, so nothing is greater.
            || (gt && current.map_or(true, |c| when <= c))
            || (lt && current.is_some_and(|c| when >= c));
        if refuse {
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
    }
    Ok(Reply::Int(result.min(1)))
}

/// `TTL`, `PTTL`, `EXPIRETIME`, `PEXPIRETIME key`
fn ttl(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = args[0].to_ascii_lowercase();
    let now = ctx.now_ms;
    let Some(exp) = ctx.db().peek(&args[1], now, |e| e.expire_at) else {
        return Ok(Reply::Int(-2));
    };
    let Some(exp) = exp else {
        return Ok(Reply::Int(-1));
    };
    let left = exp.saturating_sub(now) as i64;
    Ok(Reply::Int(match &name[..] {
        b"ttl" => (left + 500) / 1000,
        b"pttl" => left,
        b"expiretime" => (exp / 1000) as i64,
        _ => exp as i64,
    }))
}

/// `PERSIST key`
fn persist(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let done = ctx
        .db()
        .get_mut(&args[1], ctx.now_ms, |e| e.expire_at.take().is_some())
        .unwrap_or(false);
    if done {
        ctx.signal(&args[1]);
    }
    Ok(Reply::Int(done as i64))
}

/// `OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key`
fn object(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    let sub = args[1].to_ascii_lowercase();
    let found = ctx.db().peek(&args[2], now, |e| match &sub[..] {
        b"encoding" => Ok(Reply::bulk_str(e.encoding())),
        b"freq" => Err(KeysError::LfuNotSelected.into()),
        b"idletime" => {
            let access = e.access.load(std::sync::atomic::Ordering::Relaxed) as u64;
            Ok(Reply::Int((now / 1000).saturating_sub(access) as i64))
        }
        _ => {
            // Redis shares the objects for the integers 0..9999 (refcount "infinite").
            let shared = match &e.value {
                crate::keyspace::Value::Str(s) => {
                    e.encoding() == "int"
                        && crate::protocol::request::parse_i64(s)
                            .is_some_and(|n| (0..10000).contains(&n))
                }
                #[allow(unreachable_patterns)]
                _ => false,
            };
            Ok(Reply::Int(if shared { i32::MAX as i64 } else { 1 }))
        }
    });
    found.unwrap_or(Ok(Reply::Nil))
}

fn object_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(super::help_reply(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parsing() {
        assert_eq!(parse_cursor(b"0").unwrap(), 0);
        assert_eq!(parse_cursor(b"123").unwrap(), 123);
        assert_eq!(parse_cursor(b"-1").unwrap(), u64::MAX);
        assert!(parse_cursor(b"abc").is_err());
        assert!(parse_cursor(b"18446744073709551616").is_err());
    }

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
