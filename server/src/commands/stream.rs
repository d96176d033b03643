//! Stream producer and reader commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL,
//! XTRIM, XSETID, XREAD (blocking), and the XINFO container (STREAM, HELP).
//!
//! Replies listing entries are encoded once, straight from the log into
//! RESP ([`Reply::Raw`]): an entry is `*2 id *2n field value ...` in both
//! RESP2 and RESP3, so nothing is built per field.
//!
//! Shared pieces other stream families reuse: [`parse_read_args`] (XREAD and
//! XREADGROUP's `[COUNT n] [BLOCK ms] ... STREAMS key... id...`),
//! [`stream_ref`] / [`stream_mut`] (typed key access), [`node_limits`].

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::read_caps::{self, EntryBudget, ReadCaps, ReplyBudget, Unlimited};
use super::{flags::*, is, parse_int, redis8, BlockRequest, Command, Ctx};
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use crate::stream::id::{self, ParsedId};
use crate::stream::{AddError, AddId, ArrayBuf, NodeLimits, Stream, StreamId, Trim};
use bytes::Bytes;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// XINFO's subcommands. The consumer-group rows (GROUPS, CONSUMERS) belong
/// to the groups family and are listed here too.
pub static XINFO_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "5.0.0",
        summary: "Get information about a stream",
        complexity: "O(1)",
        history: &[
            ("6.0.0", "Added the `FULL` modifier."),
            ("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"),
        ],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(2), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::block("full", &[
        a::integer("count").tok("COUNT").opt(),
    ]).tok("FULL").opt(),
        ],
        ..Command::new("stream", -3, READONLY, (2, 2, 1), "stream", xinfo_stream)
    },
    super::groups::XINFO_CONSUMERS,
    super::groups::XINFO_GROUPS,
    Command {
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["stream"],
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "stream", xinfo_help)
    },
];

pub static COMMANDS: &[Command] = &[
    // Redis 7.0.15's docs, plus the Redis 8.x arguments Sluice implements:
    // `KEEPREF | DELREF | ACKED` (8.2.0) and `IDMPAUTO pid | IDMP pid iid`
    // (8.6.0), named and placed as in redis/docs `content/commands/xadd.md`
    // (PR #2637). The `since` of each new argument is its release (the
    // upstream front matter has none on these two; Sluice states it).
    Command {
        since: "5.0.0",
        summary: "Appends a new entry to a stream",
        complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
        history: &[
            ("6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."),
            ("7.0.0", "Added support for the `<ms>-*` explicit ID form."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)).notes("UPDATE instead of INSERT because of the optional trimming feature"),
        ],
        args: &[
            a::key("key", 0),
            a::pure("nomkstream", "NOMKSTREAM").since("6.2.0").opt(),
            // Redis 8.x arguments (see the XADD row's comment).
            a::oneof("condition", &[
                a::pure("keepref", "KEEPREF"),
                a::pure("delref", "DELREF"),
                a::pure("acked", "ACKED"),
            ]).since("8.2.0").opt(),
            a::oneof("idmp", &[
                a::block("idmpauto-with-pid", &[
                    a::pure("idmpauto-token", "IDMPAUTO"),
                    a::string("pid"),
                ]),
                a::block("idmp-with-pid-iid", &[
                    a::pure("idmp-token", "IDMP"),
                    a::string("pid"),
                    a::string("iid"),
                ]),
            ]).since("8.6.0").opt(),
            a::block("trim", &[
        a::oneof("strategy", &[
            a::pure("maxlen", "MAXLEN"),
            a::pure("minid", "MINID").since("6.2.0"),
        ]),
        a::oneof("operator", &[
            a::pure("equal", "="),
            a::pure("approximately", "~"),
        ]).opt(),
        a::string("threshold"),
        a::integer("count").tok("LIMIT").since("6.2.0").opt(),
    ]).opt(),
            a::oneof("id_or_auto", &[
        a::pure("auto_id", "*"),
        a::string("id"),
    ]),
            a::block("field_value", &[
        a::string("field"),
        a::string("value"),
    ]).multi(),
        ],
        ..Command::new("xadd", -5, WRITE | DENYOOM | FAST, (1, 1, 1), "stream", xadd)
    },
    Command {
        since: "5.0.0",
        summary: "Return the number of entries in a stream",
        complexity: "O(1)",
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("xlen", 2, READONLY | FAST, (1, 1, 1), "stream", xlen)
    },
    Command {
        since: "5.0.0",
        summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval",
        complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        history: &[
            ("6.2.0", "Added exclusive ranges."),
        ],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("start"),
            a::string("end"),
            a::integer("count").tok("COUNT").opt(),
        ],
        ..Command::new("xrange", -4, READONLY, (1, 1, 1), "stream", xrange)
    },
    Command {
        since: "5.0.0",
        summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
        complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        history: &[
            ("6.2.0", "Added exclusive ranges."),
        ],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("end"),
            a::string("start"),
            a::integer("count").tok("COUNT").opt(),
        ],
        ..Command::new("xrevrange", -4, READONLY, (1, 1, 1), "stream", xrevrange)
    },
    Command {
        since: "5.0.0",
        summary: "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
        complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RW delete", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("id").multi(),
        ],
        ..Command::new("xdel", -3, WRITE | FAST, (1, 1, 1), "stream", xdel)
    },
    Command {
        since: "5.0.0",
        summary: "Trims the stream to (approximately if '~' is passed) a certain size",
        complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
        history: &[
            ("6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RW delete", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::block("trim", &[
        a::oneof("strategy", &[
            a::pure("maxlen", "MAXLEN"),
            a::pure("minid", "MINID").since("6.2.0"),
        ]),
        a::oneof("operator", &[
            a::pure("equal", "="),
            a::pure("approximately", "~"),
        ]).opt(),
        a::string("threshold"),
        a::integer("count").tok("LIMIT").since("6.2.0").opt(),
    ]),
            // Redis 8.2.0 (redis/docs content/commands/xtrim.md: after LIMIT).
            a::oneof("condition", &[
                a::pure("keepref", "KEEPREF"),
                a::pure("delref", "DELREF"),
                a::pure("acked", "ACKED"),
            ]).since("8.2.0").opt(),
        ],
        ..Command::new("xtrim", -4, WRITE, (1, 1, 1), "stream", xtrim)
    },
    Command {
        since: "5.0.0",
        summary: "An internal command for replicating stream values",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."),
        ],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("last-id"),
            a::integer("entries_added").tok("ENTRIESADDED").since("7.0.0").opt(),
            a::string("max_deleted_entry_id").tok("MAXDELETEDID").since("7.0.0").opt(),
        ],
        ..Command::new("xsetid", -3, WRITE | DENYOOM | FAST, (1, 1, 1), "stream", xsetid)
    },
    Command {
        since: "5.0.0",
        summary: "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
        complexity: "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
        // 7.0.15's docs plus MAXCOUNT/MAXSIZE (8.10.0: the `xread.json`
        // history line and the redis.io XREAD page, after COUNT).
        history: &[("8.10.0", "Added the `MAXCOUNT` and `MAXSIZE` options")],
        acl: &["stream"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Keyword("STREAMS", 1), Find::Range(-1, 1, 2)),
        ],
        args: &[
            a::integer("count").tok("COUNT").opt(),
            a::integer("maxcount").tok("MAXCOUNT").since("8.10.0").opt(),
            a::integer("maxsize").tok("MAXSIZE").since("8.10.0").opt(),
            a::integer("milliseconds").tok("BLOCK").opt(),
            a::block("streams", &[
        a::key("key", 0).multi(),
        a::string("id").multi(),
    ]).tok("STREAMS"),
        ],
        getkeys: Some(super::docs::xread_keys),
        ..Command::new("xread", -4, READONLY | BLOCKING | MOVABLE_KEYS, (0, 0, 0), "stream", xread)
    },
    Command {
        since: "5.0.0",
        summary: "A container for stream introspection commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: XINFO_SUBCOMMANDS,
        ..Command::new("xinfo", -2, 0, (0, 0, 0), "stream", xinfo_help)
    },
];

// ---- shared helpers ----

/// The node bounds in force now.
pub fn node_limits(ctx: &Ctx<'_>) -> NodeLimits {
    NodeLimits {
        max_entries: ctx
            .shared
            .runtime
            .stream_node_max_entries
            .load(Ordering::Relaxed),
        max_bytes: ctx
            .shared
            .runtime
            .stream_node_max_bytes
            .load(Ordering::Relaxed),
    }
}

/// Runs `f` on the stream at `key`: Ok(None) when absent, WRONGTYPE when the
/// key holds another type.
pub fn stream_ref<R>(
    ctx: &Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&Stream) -> R,
) -> CmdResult<Option<R>> {
    ctx.db()
        .get(key, ctx.now_ms, |e| match &e.value {
            Value::Stream(s) => Ok(f(s)),
            _ => Err(Error::WrongType),
        })
        .transpose()
}

/// Runs `f` on the stream at `key` for changing it: Ok(None) when absent,
/// WRONGTYPE when the key holds another type.
pub fn stream_mut<R>(
    ctx: &Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Stream) -> R,
) -> CmdResult<Option<R>> {
    ctx.db()
        .get_mut(key, ctx.now_ms, |e| match &mut e.value {
            Value::Stream(s) => Ok(f(s)),
            _ => Err(Error::WrongType),
        })
        .transpose()
}

fn id_reply(id: StreamId) -> Reply {
    id.to_reply()
}

/// A RESP array of the entries `iter` yields, at most `count` (0 = all),
/// stopping early when `budget` (XREAD's MAXCOUNT / MAXSIZE) is used up.
fn entries_reply<'a>(
    iter: impl Iterator<Item = crate::stream::EntryRef<'a>>,
    count: usize,
    budget: &mut impl EntryBudget,
) -> Reply {
    let mut out = ArrayBuf::with_capacity(READ_BUF);
    let body = out.body();
    let mut n = 0;
    for e in iter {
        if (count != 0 && n == count) || budget.full() {
            break;
        }
        let before = body.len();
        e.write_resp(body);
        budget.add_entry(body.len() - before);
        n += 1;
    }
    Reply::Raw(out.finish(n))
}

/// First allocation for a read's entries (grown as needed).
pub const READ_BUF: usize = 4096;

// ---- trimming arguments (XADD and XTRIM) ----

/// Parsed trimming options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrimArgs {
    pub strategy: Option<Trim>,
    pub approx: bool,
    /// Entries whole-node removal may remove (0 = no limit).
    pub limit: u64,
}

/// What XADD's arguments ask for.
struct AddArgs {
    trim: TrimArgs,
    /// Redis 8.x options (reference policy, IDMP): commands/redis8.rs.
    ext: redis8::AddExt,
    id: AddId,
    nomkstream: bool,
    /// Index of the first field.
    fields_at: usize,
    /// An explicit `0-0`.
    zero_id: bool,
}

/// Options parsed by [`parse_add_or_trim`].
struct ParsedOpts {
    trim: TrimArgs,
    ext: redis8::AddExt,
    /// XADD's ID and whether its sequence was given.
    id: Option<(AddId, bool)>,
    nomkstream: bool,
    /// Index of the ID (XADD) or past the options.
    idpos: usize,
}

/// Redis's `streamParseAddOrTrimArgsOrReply`: options from argument 2 on;
/// for XADD they end at the ID. Returns the trim options, and for XADD the
/// ID and the index just past it.
fn parse_add_or_trim(ctx: &Ctx<'_>, args: &[Bytes], xadd: bool) -> CmdResult<ParsedOpts> {
    let mut t = TrimArgs::default();
    let mut limit: i64 = 0;
    let mut limit_given = false;
    let mut nomkstream = false;
    let mut id = None;
    let mut ext = redis8::AddExt::default();
    let argc = args.len();
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = &args[i][..];
        if xadd && opt == b"*" {
            id = Some((AddId::Auto, false));
            break;
        } else if is(opt, "maxlen") && more > 0 {
            if t.strategy.is_some() {
                return Err(Error::err(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            t.approx = false;
            let next = &args[i + 1][..];
            if more >= 2 && next == b"~" {
                t.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(Error::err("The MAXLEN argument must be >= 0."));
            }
            i += 1;
            t.strategy = Some(Trim::MaxLen(n as u64));
        } else if is(opt, "minid") && more > 0 {
            if t.strategy.is_some() {
                return Err(Error::err(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            t.approx = false;
            let next = &args[i + 1][..];
            if more >= 2 && next == b"~" {
                t.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let min = id::parse_strict(&args[i + 1], 0)?;
            i += 1;
            t.strategy = Some(Trim::MinId(min));
        } else if is(opt, "limit") && more > 0 {
            limit = parse_int(&args[i + 1])?;
            if limit < 0 {
                return Err(Error::err("The LIMIT argument must be >= 0."));
            }
            limit_given = true;
            i += 1;
        } else if xadd && is(opt, "nomkstream") {
            nomkstream = true;
        } else if let Some(used) = redis8::parse_add_option(args, i, xadd, &mut ext)? {
            i += used - 1;
        } else if xadd {
            // Anything else is the ID (or a syntax error reported as a bad ID).
            if opt == b"-" || opt == b"+" {
                return Err(id::invalid_id());
            }
            let parsed = match id::parse(opt)? {
                ParsedId::MsOnly(ms) => (AddId::Explicit(StreamId::new(ms, 0)), true),
                ParsedId::MsAutoSeq(ms) => (AddId::AutoSeq(ms), false),
                ParsedId::Full(id) => (AddId::Explicit(id), true),
                ParsedId::Min | ParsedId::Max => return Err(id::invalid_id()),
            };
            redis8::check_idmp_id(&ext, opt)?;
            id = Some(parsed);
            break;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if limit != 0 && t.strategy.is_none() {
        return Err(Error::err(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && t.strategy.is_none() {
        return Err(Error::err(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit_given {
        if !t.approx {
            return Err(Error::err(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
        t.limit = limit as u64;
    } else if t.approx {
        // Bound the work approximate trimming does, as Redis does.
        let per_node = ctx
            .shared
            .runtime
            .stream_node_max_entries
            .load(Ordering::Relaxed);
        let mut l = per_node.saturating_mul(100);
        if l <= 0 {
            l = 10000;
        }
        if l > 1_000_000 {
            l = 1_000_000;
        }
        t.limit = l as u64;
    }
    Ok(ParsedOpts {
        trim: t,
        ext,
        id,
        nomkstream,
        idpos: i,
    })
}

fn parse_xadd(ctx: &Ctx<'_>, args: &[Bytes]) -> CmdResult<AddArgs> {
    let ParsedOpts {
        trim,
        ext,
        id,
        nomkstream,
        idpos,
    } = parse_add_or_trim(ctx, args, true)?;
    let fields_at = idpos + 1;
    let nf = args.len().saturating_sub(fields_at);
    if args.len() < fields_at + 2 || nf % 2 == 1 {
        return Err(Error::arity(&args[0]));
    }
    let (id, seq_given) = id.expect("an ID precedes the fields");
    let zero_id = seq_given && id == AddId::Explicit(StreamId::MIN);
    Ok(AddArgs {
        trim,
        ext,
        id,
        nomkstream,
        fields_at,
        zero_id,
    })
}

// ---- commands ----

/// `XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]`
fn xadd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let a = parse_xadd(ctx, args)?;
    if a.zero_id {
        return Err(Error::err(
            "The ID specified in XADD must be greater than 0-0",
        ));
    }
    let fields = &args[a.fields_at..];
    let total: u64 = fields.iter().map(|f| f.len() as u64).sum();
    let limits = node_limits(ctx);
    let now = ctx.now_ms;
    let key = &args[1];
    let new_idmp = redis8::new_stream_idmp(ctx);
    let iid = a.ext.idmp.as_ref().map(|o| redis8::idmp_key(o, fields));
    let mut duplicate = false;
    let reply = ctx
        .db()
        .with_slot(key, now, |slot| -> CmdResult<Option<StreamId>> {
            let created = slot.is_none();
            if created {
                if a.nomkstream {
                    return Ok(None);
                }
                let mut st = Stream::new();
                st.idmp = new_idmp;
                *slot = Some(Entry::new(Value::Stream(Box::new(st)), now));
            }
            let entry = slot.as_mut().expect("present");
            let Value::Stream(s) = &mut entry.value else {
                return Err(Error::WrongType);
            };
            // IDMP: a repeat of a recent (pid, iid) adds nothing.
            if let (Some(o), Some(iid)) = (&a.ext.idmp, &iid) {
                if let Some(id) = s.idmp.lookup(&o.pid, iid, now) {
                    duplicate = true;
                    return Ok(Some(id));
                }
            }
            let result = match s.next_id(a.id, now) {
                Err(AddError::Exhausted) => Err(Error::err(
                    "The stream has exhausted the last possible ID, unable to add more items",
                )),
                Err(AddError::TooSmall) => Err(Error::err(
                    "The ID specified in XADD is equal or smaller than the target stream top item",
                )),
                Ok(_) if total > crate::stream::LISTPACK_MAX_SIZE => {
                    Err(Error::err("Elements are too large to be stored"))
                }
                Ok(id) => {
                    s.append(id, fields, limits);
                    if let (Some(o), Some(iid)) = (&a.ext.idmp, &iid) {
                        s.idmp.record(&o.pid, iid, id, now);
                    }
                    if let Some(strategy) = a.trim.strategy {
                        redis8::trim(s, strategy, a.trim.approx, a.trim.limit, a.ext.policy());
                    }
                    Ok(Some(id))
                }
            };
            if result.is_err() && created {
                // Parse fully, then mutate: a refused XADD leaves no key behind.
                *slot = None;
            }
            result
        })?;
    match reply {
        None => Ok(Reply::Nil),
        Some(id) => {
            if !duplicate {
                ctx.signal(key);
            }
            Ok(id_reply(id))
        }
    }
}

/// `XLEN key`
fn xlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(
        stream_ref(ctx, &args[1], |s| s.len() as i64)?.unwrap_or(0),
    ))
}

/// Parses an XRANGE bound: `-`, `+`, `ms`, `ms-seq`, or exclusive `(id`.
fn interval_id(arg: &[u8], missing_seq: u64) -> CmdResult<(StreamId, bool)> {
    if arg.len() > 1 && arg[0] == b'(' {
        Ok((id::parse_strict(&arg[1..], missing_seq)?, true))
    } else {
        Ok((id::parse_with_default(arg, missing_seq)?, false))
    }
}

fn range_generic(ctx: &mut Ctx<'_>, args: &[Bytes], rev: bool) -> CmdResult<Reply> {
    let (start_arg, end_arg) = if rev {
        (&args[3], &args[2])
    } else {
        (&args[2], &args[3])
    };
    let (mut start, sx) = interval_id(start_arg, 0)?;
    if sx {
        start = start
            .next()
            .ok_or_else(|| Error::err("invalid start ID for the interval"))?;
    }
    let (mut end, ex) = interval_id(end_arg, u64::MAX)?;
    if ex {
        end = end
            .prev()
            .ok_or_else(|| Error::err("invalid end ID for the interval"))?;
    }
    let mut count: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        if is(&args[j], "count") && j + 1 < args.len() {
            count = parse_int(&args[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let reply = stream_ref(ctx, &args[1], |s| {
        if count == 0 {
            return Reply::NilArray;
        }
        let count = if count < 0 { 0 } else { count as usize };
        if rev {
            entries_reply(s.rev_range(start, end), count, &mut Unlimited)
        } else {
            entries_reply(s.range(start, end), count, &mut Unlimited)
        }
    })?;
    Ok(reply.unwrap_or(Reply::Array(Vec::new())))
}

/// `XRANGE key start end [COUNT count]`
fn xrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    range_generic(ctx, args, false)
}

/// `XREVRANGE key end start [COUNT count]`
fn xrevrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    range_generic(ctx, args, true)
}

/// `XDEL key id [id ...]`
fn xdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // The key is looked up before the IDs are parsed (a missing key answers 0).
    let exists = stream_ref(ctx, &args[1], |_| ())?;
    if exists.is_none() {
        return Ok(Reply::Int(0));
    }
    let ids = args[2..]
        .iter()
        .map(|a| id::parse_strict(a, 0))
        .collect::<CmdResult<Vec<_>>>()?;
    let deleted = stream_mut(ctx, &args[1], |s| {
        ids.iter().filter(|&&id| s.delete(id)).count()
    })?
    .unwrap_or(0);
    if deleted > 0 {
        ctx.signal(&args[1]);
    }
    Ok(Reply::Int(deleted as i64))
}

/// `XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]`
fn xtrim(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let parsed = parse_add_or_trim(ctx, args, false)?;
    let (t, policy) = (parsed.trim, parsed.ext.policy());
    let strategy = t.strategy.expect("checked");
    let removed = stream_mut(ctx, &args[1], |s| {
        redis8::trim(s, strategy, t.approx, t.limit, policy)
    })?
    .unwrap_or(0);
    if removed > 0 {
        ctx.signal(&args[1]);
    }
    Ok(Reply::Int(removed as i64))
}

/// `XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]`
fn xsetid(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let id = id::parse_strict(&args[2], 0)?;
    let mut entries_added: Option<u64> = None;
    let mut max_deleted: Option<StreamId> = None;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if is(&args[i], "entriesadded") && more > 0 {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(Error::err("entries_added must be positive"));
            }
            entries_added = Some(n as u64);
            i += 2;
        } else if is(&args[i], "maxdeletedid") && more > 0 {
            let m = id::parse_strict(&args[i + 1], 0)?;
            if id < m {
                return Err(Error::err(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
            max_deleted = Some(m);
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let r = stream_mut(ctx, &args[1], |s| -> CmdResult<()> {
        if !s.is_empty() {
            let top = s.last_live_id().unwrap_or_default();
            if id < top {
                return Err(Error::err(
                    "The ID specified in XSETID is smaller than the target stream top item",
                ));
            }
            if let Some(n) = entries_added {
                if s.len() > n {
                    return Err(Error::err(
                        "The entries_added specified in XSETID is smaller than the target stream length",
                    ));
                }
            }
        }
        s.set_last_id(id);
        if let Some(n) = entries_added {
            s.set_entries_added(n);
        }
        if let Some(m) = max_deleted {
            s.set_max_deleted(m);
        }
        Ok(())
    })?;
    match r {
        None => Err(Error::NoSuchKey),
        Some(r) => {
            r?;
            ctx.signal(&args[1]);
            Ok(Reply::OK)
        }
    }
}

// ---- XREAD ----

/// The options of XREAD / XREADGROUP.
#[derive(Debug, Clone)]
pub struct ReadArgs {
    /// Entries per stream; 0 = no limit.
    pub count: usize,
    /// `BLOCK` in ms (0 = forever); None when not given.
    pub block: Option<u64>,
    /// `GROUP group consumer` (XREADGROUP only).
    pub group: Option<(Bytes, Bytes)>,
    pub noack: bool,
    /// XREADGROUP `CLAIM min-idle-time` (Redis 8.4; commands/redis8.rs).
    pub claim: Option<i64>,
    /// `MAXCOUNT` / `MAXSIZE` (Redis 8.10; commands/read_caps.rs).
    pub caps: ReadCaps,
    /// Index of the first key; keys are `streams_at..streams_at + nstreams`,
    /// IDs follow them.
    pub streams_at: usize,
    pub nstreams: usize,
}

impl ReadArgs {
    pub fn keys<'a>(&self, args: &'a [Bytes]) -> &'a [Bytes] {
        &args[self.streams_at..self.streams_at + self.nstreams]
    }

    pub fn ids<'a>(&self, args: &'a [Bytes]) -> &'a [Bytes] {
        &args[self.streams_at + self.nstreams..]
    }
}

/// Parses `[GROUP g c] [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...` as
/// Redis's `xreadCommand` does, for XREAD (`group_cmd` false) and XREADGROUP.
pub fn parse_read_args(args: &[Bytes], now_ms: u64, group_cmd: bool) -> CmdResult<ReadArgs> {
    let mut r = ReadArgs {
        count: 0,
        block: None,
        group: None,
        noack: false,
        claim: None,
        caps: ReadCaps::default(),
        streams_at: 0,
        nstreams: 0,
    };
    let argc = args.len();
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        let o = &args[i];
        if is(o, "block") && more > 0 {
            i += 1;
            let t =
                crate::protocol::request::parse_i64(&args[i]).ok_or(Error::TimeoutNotInteger)?;
            if t < 0 {
                return Err(Error::TimeoutNegative);
            }
            // Redis 7.0 has no overflow check here: a huge timeout waits forever.
            let _ = now_ms;
            r.block = Some(t as u64);
        } else if let Some(min_idle) = redis8::parse_claim_option(args, i, group_cmd)? {
            r.claim = Some(min_idle);
            i += 1;
        } else if read_caps::parse_cap_option(args, i, &mut r.caps)? {
            i += 1;
        } else if is(o, "count") && more > 0 {
            i += 1;
            r.count = parse_int(&args[i])?.max(0) as usize;
        } else if is(o, "streams") && more > 0 {
            r.streams_at = i + 1;
            let n = argc - r.streams_at;
            if n % 2 != 0 {
                // XREADGROUP: Redis 7.2+'s text (7.0 said "XREAD" and '$').
                return Err(Error::err(if group_cmd {
                    "Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."
                } else {
                    "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
                }));
            }
            r.nstreams = n / 2;
            break;
        } else if is(o, "group") && more >= 2 {
            if !group_cmd {
                return Err(Error::err(
                    "The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.group = Some((args[i + 1].clone(), args[i + 2].clone()));
            i += 2;
        } else if is(o, "noack") {
            if !group_cmd {
                return Err(Error::err(
                    "The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.noack = true;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if r.streams_at == 0 {
        return Err(Error::Syntax);
    }
    if group_cmd && r.group.is_none() {
        return Err(Error::err("Missing GROUP option for XREADGROUP"));
    }
    read_caps::check_caps(&r.caps, r.count)?;
    Ok(r)
}

/// What one stream of an XREAD asks for.
#[derive(Clone, Copy)]
enum ReadFrom {
    /// Entries after this ID.
    After(StreamId),
}

/// `XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]`
fn xread(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let r = parse_read_args(args, ctx.now_ms, false)?;
    let keys = r.keys(args);
    let rerun = ctx.rerun.is_some();
    // Resolve every ID before reading anything. On a re-run after waking, a
    // key that is no longer a stream is waited on again, as Redis does.
    let mut from = Vec::with_capacity(keys.len());
    for (key, idarg) in keys.iter().zip(r.ids(args)) {
        let info = match stream_ref(ctx, key, |s| (s.last_id(), s.last_live_id())) {
            Ok(v) => v,
            Err(_) if rerun => None,
            Err(e) => return Err(e),
        };
        let after = match &idarg[..] {
            b"$" => info.map(|(last, _)| last).unwrap_or_default(),
            b"+" => match info {
                Some((_, Some(last_entry))) => last_entry.prev().unwrap_or_default(),
                _ => StreamId::MIN,
            },
            b">" => {
                return Err(Error::err(
                    "The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ))
            }
            _ => id::parse_strict(idarg, 0)?,
        };
        from.push(ReadFrom::After(after));
    }
    let mut budget = ReplyBudget::new(r.caps, ctx.resp3());
    let mut served: Vec<(Bytes, Reply)> = Vec::new();
    for (key, f) in keys.iter().zip(&from) {
        if budget.full() {
            // MAXCOUNT / MAXSIZE reached: later streams are skipped.
            break;
        }
        let ReadFrom::After(after) = *f;
        let count = budget.stream_count(r.count);
        let mut stop = false;
        let got = match stream_ref(ctx, key, |s| {
            let has = s.last_live_id().is_some_and(|last| last > after);
            // `after` below the last entry has a successor.
            let start = after.next().filter(|_| has)?;
            if !budget.try_open(key) {
                stop = true;
                return None;
            }
            let reply = entries_reply(s.range(start, StreamId::MAX), count, &mut budget);
            budget.close_stream(true);
            Some(reply)
        }) {
            Ok(v) => v.flatten(),
            Err(_) if rerun => None,
            Err(e) => return Err(e),
        };
        if let Some(reply) = got {
            served.push((key.clone(), reply));
        }
        if stop {
            break;
        }
    }
    if rerun && served.len() > 1 {
        // A woken reader is served one stream, as Redis 7.0 serves a blocked
        // XREAD from the key that became ready: the first key, in the order
        // the keys changed, that has new entries for it (a key named twice is
        // served once). With no such key (the check right after blocking),
        // the first key in argument order that has entries.
        let pick = match &ctx.rerun {
            Some(super::Rerun::KeysChanged(ready)) => ready
                .iter()
                .find_map(|k| served.iter().position(|(s, _)| s == k))
                .unwrap_or(0),
            None => 0,
        };
        served.swap(0, pick);
        served.truncate(1);
    }
    if !served.is_empty() {
        return Ok(if ctx.resp3() {
            Reply::Map(
                served
                    .into_iter()
                    .map(|(k, v)| (Reply::Bulk(k), v))
                    .collect(),
            )
        } else {
            Reply::Array(
                served
                    .into_iter()
                    .map(|(k, v)| Reply::Array(vec![Reply::Bulk(k), v]))
                    .collect(),
            )
        });
    }
    let Some(block) = r.block else {
        return Ok(Reply::NilArray);
    };
    if !ctx.may_block() {
        return Ok(Reply::NilArray);
    }
    // Wait, re-running with the IDs made concrete (`$` and `+` meant the
    // stream's state now, not at wake-up).
    let mut retry_args = args.to_vec();
    for (j, f) in from.iter().enumerate() {
        let ReadFrom::After(after) = *f;
        retry_args[r.streams_at + r.nstreams + j] = after.to_bytes();
    }
    ctx.block = Some(BlockRequest {
        keys: keys.to_vec(),
        // Zero, or too far away for a deadline, waits forever.
        timeout: (block > 0 && block < MAX_BLOCK_MS).then(|| Duration::from_millis(block)),
        retry_args,
        timeout_reply: Reply::NilArray,
    });
    Ok(Reply::NilArray)
}

/// Timeouts beyond this (about 30 years) wait forever.
const MAX_BLOCK_MS: u64 = 1 << 40;

// ---- XINFO ----

fn kv(k: &'static str, v: Reply) -> (Reply, Reply) {
    (Reply::bulk_str(k), v)
}

/// `XINFO STREAM key [FULL [COUNT count]]`
fn xinfo_stream(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut full = false;
    let mut count: usize = 10;
    // A malformed option list gets XINFO's subcommand error, not a syntax error.
    let bad = || {
        Error::err(format!(
            "unknown subcommand or wrong number of arguments for '{}'. Try XINFO HELP.",
            String::from_utf8_lossy(&args[1][..args[1].len().min(128)])
        ))
    };
    if args.len() > 3 {
        if !is(&args[3], "full") {
            return Err(bad());
        }
        full = true;
        if args.len() > 4 {
            if args.len() != 6 || !is(&args[4], "count") {
                return Err(bad());
            }
            let n = parse_int(&args[5])?;
            count = if n < 0 { 10 } else { n as usize };
        }
    }
    let resp3 = ctx.resp3();
    let now = ctx.now_ms;
    let r = stream_ref(ctx, &args[2], |s| {
        let mut m = vec![
            kv("length", Reply::Int(s.len() as i64)),
            kv("radix-tree-keys", Reply::Int(s.node_count() as i64)),
            kv("radix-tree-nodes", Reply::Int(s.rax_nodes() as i64)),
            kv("last-generated-id", id_reply(s.last_id())),
            kv("max-deleted-entry-id", id_reply(s.max_deleted_entry_id())),
            kv("entries-added", Reply::Int(s.entries_added() as i64)),
            kv("recorded-first-entry-id", id_reply(s.first_id())),
        ];
        m.extend(redis8::xinfo_idmp_fields(s, now));
        let entry = |e: Option<crate::stream::EntryRef<'_>>| match e {
            Some(e) => {
                let mut v = Vec::new();
                e.write_resp(&mut v);
                Reply::Raw(Bytes::from(v))
            }
            None => Reply::Nil,
        };
        if !full {
            m.push(kv("groups", Reply::Int(group_count(s))));
            m.push(kv("first-entry", entry(s.first_entry())));
            m.push(kv("last-entry", entry(s.last_entry())));
        } else {
            m.push(kv(
                "entries",
                entries_reply(s.range(StreamId::MIN, StreamId::MAX), count, &mut Unlimited),
            ));
            m.push(kv("groups", full_groups(s, count, resp3)));
        }
        Reply::Map(m)
    })?;
    r.ok_or(Error::NoSuchKey)
}

/// Number of consumer groups.
fn group_count(s: &Stream) -> i64 {
    s.groups.len() as i64
}

/// XINFO STREAM FULL's `groups` array (built by the groups family).
fn full_groups(s: &Stream, count: usize, _resp3: bool) -> Reply {
    super::groups::xinfo_full_groups(s, count)
}

const XINFO_HELP: &[&str] = &[
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
];

/// `XINFO HELP`
fn xinfo_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Array(
        XINFO_HELP
            .iter()
            .map(|l| Reply::Status(std::borrow::Cow::Borrowed(*l)))
            .collect(),
    ))
}
