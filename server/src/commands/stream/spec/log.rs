//! COMMAND INFO / DOCS rows of the commands on a stream's log: XADD, XLEN,
//! XRANGE, XREVRANGE, XDEL, XDELEX, XTRIM, XSETID, XREAD, XCFGSET, and the
//! XINFO container with its STREAM and HELP subcommands.
//!
//! Rows of Redis 8.x commands (XDELEX 8.2.0, XCFGSET 8.6.0) come from the
//! front matter of redis/docs `content/commands/*.md` (the released
//! commands' docs), shown in Redis 8.0's COMMAND DOCS layout. Rows of the
//! commands Redis 8.0 has are generated from Redis 8.0.2's
//! `src/commands/*.json`, as for every family; where Sluice serves a newer
//! option of such a command, the row adds its argument, marked with a
//! comment, and docs/compatibility.md lists it.

use crate::commands::docs::{self, arg as a, Begin, Find, KeySpec};
use crate::commands::flags::*;
use crate::commands::stream::{xadd, xcfgset, xdel, xinfo, xlen, xrange, xread, xsetid, xtrim};
use crate::commands::Command;

// Redis 8.0.2's docs, plus the newer arguments Sluice implements:
// `KEEPREF | DELREF | ACKED` (8.2.0) and `IDMPAUTO pid | IDMP pid iid`
// (8.6.0), named and placed as in redis/docs `content/commands/xadd.md`
// (PR #2637). The `since` of each new argument is its release (the
// upstream front matter has none on these two; Sluice states it).
pub const XADD: Command = Command {
    since: "5.0.0",
    summary: "Appends a new message to a stream. Creates the key if it doesn't exist.",
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
        // Newer than the reference 8.0 (see the XADD row's comment).
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
        a::oneof("id-selector", &[
            a::pure("auto-id", "*"),
            a::string("id"),
        ]),
        a::block("data", &[
            a::string("field"),
            a::string("value"),
        ]).multi(),
    ],
    ..Command::new("xadd", -5, WRITE | DENYOOM | FAST, (1, 1, 1), "stream", xadd::xadd)
};

pub const XLEN: Command = Command {
    since: "5.0.0",
    summary: "Return the number of messages in a stream.",
    complexity: "O(1)",
    acl: &["stream"],
    key_specs: &[KeySpec::new("RO", Begin::Index(1), Find::Range(0, 1, 0))],
    args: &[a::key("key", 0)],
    ..Command::new("xlen", 2, READONLY | FAST, (1, 1, 1), "stream", xlen::xlen)
};

pub const XRANGE: Command = Command {
    since: "5.0.0",
    summary: "Returns the messages from a stream within a range of IDs.",
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
    ..Command::new("xrange", -4, READONLY, (1, 1, 1), "stream", xrange::xrange)
};

pub const XREVRANGE: Command = Command {
    since: "5.0.0",
    summary: "Returns the messages from a stream within a range of IDs in reverse order.",
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
    ..Command::new("xrevrange", -4, READONLY, (1, 1, 1), "stream", xrange::xrevrange)
};

pub const XDEL: Command = Command {
    since: "5.0.0",
    summary: "Returns the number of messages after removing them from a stream.",
    complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW delete",
        Begin::Index(1),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0), a::string("id").multi()],
    ..Command::new("xdel", -3, WRITE | FAST, (1, 1, 1), "stream", xdel::xdel)
};

pub const XDELEX: Command = Command {
    since: "8.2.0",
    summary: "Deletes one or multiple entries from the stream.",
    complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW delete",
        Begin::Index(1),
        Find::Range(0, 1, 0),
    )],
    args: &[
        a::key("key", 0),
        a::oneof(
            "condition",
            &[
                a::pure("keepref", "KEEPREF"),
                a::pure("delref", "DELREF"),
                a::pure("acked", "ACKED"),
            ],
        )
        .opt(),
        a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
    ],
    ..Command::new(
        "xdelex",
        -5,
        WRITE | FAST,
        (1, 1, 1),
        "stream",
        xdel::xdelex,
    )
};

pub const XTRIM: Command = Command {
    since: "5.0.0",
    summary: "Deletes messages from the beginning of a stream.",
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
        // Newer than the reference: Redis 8.2.0 (redis/docs
        // content/commands/xtrim.md: after LIMIT).
        a::oneof("condition", &[
            a::pure("keepref", "KEEPREF"),
            a::pure("delref", "DELREF"),
            a::pure("acked", "ACKED"),
        ]).since("8.2.0").opt(),
    ],
    ..Command::new("xtrim", -4, WRITE, (1, 1, 1), "stream", xtrim::xtrim)
};

pub const XSETID: Command = Command {
    since: "5.0.0",
    summary: "An internal command for replicating stream values.",
    complexity: "O(1)",
    history: &[(
        "7.0.0",
        "Added the `entries_added` and `max_deleted_entry_id` arguments.",
    )],
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW update",
        Begin::Index(1),
        Find::Range(0, 1, 0),
    )],
    args: &[
        a::key("key", 0),
        a::string("last-id"),
        a::integer("entries-added")
            .tok("ENTRIESADDED")
            .since("7.0.0")
            .opt(),
        a::string("max-deleted-id")
            .tok("MAXDELETEDID")
            .since("7.0.0")
            .opt(),
    ],
    ..Command::new(
        "xsetid",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        "stream",
        xsetid::xsetid,
    )
};

pub const XREAD: Command = Command {
    since: "5.0.0",
    summary: "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
    // Redis 8.0.2's docs (which give no complexity) plus MAXCOUNT/MAXSIZE
    // (8.10.0: the `xread.json` history line and the redis.io XREAD page,
    // after COUNT).
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
    getkeys: Some(docs::xread_keys),
    ..Command::new("xread", -4, READONLY | BLOCKING | MOVABLE_KEYS, (0, 0, 0), "stream", xread::xread)
};

pub const XCFGSET: Command = Command {
    since: "8.6.0",
    summary: "Sets the IDMP configuration parameters for a stream.",
    complexity: "O(1)",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW update",
        Begin::Index(1),
        Find::Range(0, 1, 0),
    )],
    args: &[
        a::key("key", 0),
        a::integer("idmp-duration").tok("IDMP-DURATION").opt(),
        a::integer("idmp-maxsize").tok("IDMP-MAXSIZE").opt(),
    ],
    ..Command::new(
        "xcfgset",
        -2,
        WRITE | FAST,
        (1, 1, 1),
        "stream",
        xcfgset::xcfgset,
    )
};

pub const XINFO: Command = Command {
    since: "5.0.0",
    summary: "A container for stream introspection commands.",
    complexity: "Depends on subcommand.",
    handler: None,
    subcommands: super::XINFO_SUBCOMMANDS,
    ..Command::new("xinfo", -2, 0, (0, 0, 0), "stream", xinfo::xinfo_help)
};

pub const XINFO_STREAM: Command = Command {
    since: "5.0.0",
    summary: "Returns information about a stream.",
    complexity: "O(1)",
    history: &[
        ("6.0.0", "Added the `FULL` modifier."),
        ("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"),
        ("7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`."),
    ],
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RO access", Begin::Index(2), Find::Range(0, 1, 0)),
    ],
    args: &[
        a::key("key", 0),
        a::block("full-block", &[
            a::pure("full", "FULL"),
            a::integer("count").tok("COUNT").opt(),
        ]).opt(),
    ],
    ..Command::new("stream", -3, READONLY, (2, 2, 1), "stream", xinfo::xinfo_stream)
};

pub const XINFO_HELP: Command = Command {
    since: "5.0.0",
    summary: "Returns helpful text about the different subcommands.",
    complexity: "O(1)",
    acl: &["stream"],
    ..Command::new(
        "help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        "stream",
        xinfo::xinfo_help,
    )
};
