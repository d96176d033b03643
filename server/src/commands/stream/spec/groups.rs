//! COMMAND INFO / DOCS rows of the consumer-group commands: XGROUP and its
//! subcommands, XREADGROUP, XACK, XACKDEL, XNACK, XPENDING, XCLAIM,
//! XAUTOCLAIM, and XINFO's GROUPS and CONSUMERS subcommands.
//!
//! Rows of Redis 8.x commands (XACKDEL 8.2.0, XNACK 8.8.0) come from the
//! front matter of redis/docs `content/commands/*.md` (the released
//! commands' docs), shown in Redis 8.0's COMMAND DOCS layout. Rows of the
//! commands Redis 8.0 has are generated from Redis 8.0.2's
//! `src/commands/*.json`, as for every family; where Sluice serves a newer
//! option of such a command, the row adds its argument, marked with a
//! comment, and docs/compatibility.md lists it.

use crate::commands::docs::{self, arg as a, Begin, Find, KeySpec};
use crate::commands::flags::*;
use crate::commands::stream::{xack, xautoclaim, xclaim, xgroup, xinfo, xpending, xreadgroup};
use crate::commands::Command;

/// XGROUP's subcommands.
pub const XGROUP_SUBCOMMANDS: &[Command] = &[
    XGROUP_CREATE,
    XGROUP_SETID,
    XGROUP_DESTROY,
    XGROUP_CREATECONSUMER,
    XGROUP_DELCONSUMER,
    XGROUP_HELP,
];

pub const XGROUP: Command = Command {
    since: "5.0.0",
    summary: "A container for consumer groups commands.",
    complexity: "Depends on subcommand.",
    handler: None,
    subcommands: XGROUP_SUBCOMMANDS,
    ..Command::new("xgroup", -2, 0, (0, 0, 0), "stream", xgroup::xgroup_help)
};

pub const XGROUP_CREATE: Command = Command {
    since: "5.0.0",
    summary: "Creates a consumer group.",
    complexity: "O(1)",
    history: &[("7.0.0", "Added the `entries_read` named argument.")],
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW insert",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::oneof("id-selector", &[a::string("id"), a::pure("new-id", "$")]),
        a::pure("mkstream", "MKSTREAM").opt(),
        a::integer("entriesread")
            .tok("ENTRIESREAD")
            .display("entries-read")
            .opt(),
    ],
    ..Command::new(
        "create",
        -5,
        WRITE | DENYOOM,
        (2, 2, 1),
        "stream",
        xgroup::xgroup_create,
    )
};

pub const XGROUP_SETID: Command = Command {
    since: "5.0.0",
    summary: "Sets the last-delivered ID of a consumer group.",
    complexity: "O(1)",
    history: &[("7.0.0", "Added the optional `entries_read` argument.")],
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW update",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::oneof("id-selector", &[a::string("id"), a::pure("new-id", "$")]),
        a::integer("entriesread")
            .tok("ENTRIESREAD")
            .display("entries-read")
            .opt(),
    ],
    ..Command::new(
        "setid",
        -5,
        WRITE,
        (2, 2, 1),
        "stream",
        xgroup::xgroup_setid,
    )
};

pub const XGROUP_DESTROY: Command = Command {
    since: "5.0.0",
    summary: "Destroys a consumer group.",
    complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW delete",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0), a::string("group")],
    ..Command::new(
        "destroy",
        4,
        WRITE,
        (2, 2, 1),
        "stream",
        xgroup::xgroup_destroy,
    )
};

pub const XGROUP_CREATECONSUMER: Command = Command {
    since: "6.2.0",
    summary: "Creates a consumer in a consumer group.",
    complexity: "O(1)",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW insert",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0), a::string("group"), a::string("consumer")],
    ..Command::new(
        "createconsumer",
        5,
        WRITE | DENYOOM,
        (2, 2, 1),
        "stream",
        xgroup::xgroup_createconsumer,
    )
};

pub const XGROUP_DELCONSUMER: Command = Command {
    since: "5.0.0",
    summary: "Deletes a consumer from a consumer group.",
    complexity: "O(1)",
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RW delete",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0), a::string("group"), a::string("consumer")],
    ..Command::new(
        "delconsumer",
        5,
        WRITE,
        (2, 2, 1),
        "stream",
        xgroup::xgroup_delconsumer,
    )
};

pub const XGROUP_HELP: Command = Command {
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
        xgroup::xgroup_help,
    )
};

pub const XREADGROUP: Command = Command {
    since: "5.0.0",
    summary: "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
    complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
    // Redis 8.0.2's docs plus MAXCOUNT/MAXSIZE (8.10.0, after COUNT, as on
    // the redis.io XREADGROUP page) and CLAIM (8.4.0, after BLOCK: redis
    // unstable `src/commands/xreadgroup.json`, redis/docs xreadgroup.md).
    // The history line is XREAD's (xread.json, 8.10.0): no stored
    // xreadgroup.json of 8.10 shows its own, and the options came together.
    history: &[("8.10.0", "Added the `MAXCOUNT` and `MAXSIZE` options")],
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RO access", Begin::Keyword("STREAMS", 4), Find::Range(-1, 1, 2)),
    ],
    args: &[
        a::block("group-block", &[
            a::string("group"),
            a::string("consumer"),
        ]).tok("GROUP"),
        a::integer("count").tok("COUNT").opt(),
        a::integer("maxcount").tok("MAXCOUNT").since("8.10.0").opt(),
        a::integer("maxsize").tok("MAXSIZE").since("8.10.0").opt(),
        a::integer("milliseconds").tok("BLOCK").opt(),
        a::integer("min-idle-time").tok("CLAIM").since("8.4.0").opt(),
        a::pure("noack", "NOACK").opt(),
        a::block("streams", &[
            a::key("key", 0).multi(),
            a::string("id").multi(),
        ]).tok("STREAMS"),
    ],
    getkeys: Some(docs::xread_keys),
    ..Command::new("xreadgroup", -7, WRITE | BLOCKING | MOVABLE_KEYS, (0, 0, 0), "stream", xreadgroup::xreadgroup)
};

pub const XACK: Command = Command {
    since: "5.0.0",
    summary: "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
    complexity: "O(1) for each message ID processed.",
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
    ],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::string("id").multi(),
    ],
    ..Command::new("xack", -4, WRITE | FAST, (1, 1, 1), "stream", xack::xack)
};

pub const XACKDEL: Command = Command {
    since: "8.2.0",
    summary: "Acknowledges and conditionally deletes one or multiple entries for a stream consumer group.",
    complexity: "O(1) for each entry ID processed.",
    acl: &["stream"],
    key_specs: &[KeySpec::new("RW update delete", Begin::Index(1), Find::Range(0, 1, 0))],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::oneof("condition", &[
            a::pure("keepref", "KEEPREF"),
            a::pure("delref", "DELREF"),
            a::pure("acked", "ACKED"),
        ])
        .opt(),
        a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
    ],
    ..Command::new("xackdel", -6, WRITE | FAST, (1, 1, 1), "stream", xack::xackdel)
};

pub const XNACK: Command = Command {
    since: "8.8.0",
    summary: "Releases pending messages back to the group's PEL without acknowledging them, making them available for re-delivery.",
    complexity: "O(1) for each message ID processed.",
    acl: &["stream"],
    key_specs: &[KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0))],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::oneof("mode", &[
            a::pure("silent", "SILENT"),
            a::pure("fail", "FAIL"),
            a::pure("fatal", "FATAL"),
        ]),
        a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
        a::integer("count").tok("RETRYCOUNT").opt(),
        a::pure("force", "FORCE").opt(),
    ],
    ..Command::new("xnack", -7, WRITE | FAST, (1, 1, 1), "stream", xack::xnack)
};

pub const XPENDING: Command = Command {
    since: "5.0.0",
    summary: "Returns the information and entries from a stream consumer group's pending entries list.",
    complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
    history: &[
        ("6.2.0", "Added the `IDLE` option and exclusive range intervals."),
    ],
    tips: &["nondeterministic_output"],
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
    ],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::block("filters", &[
            a::integer("min-idle-time").tok("IDLE").since("6.2.0").opt(),
            a::string("start"),
            a::string("end"),
            a::integer("count"),
            a::string("consumer").opt(),
        ]).opt(),
    ],
    ..Command::new("xpending", -3, READONLY, (1, 1, 1), "stream", xpending::xpending)
};

pub const XCLAIM: Command = Command {
    since: "5.0.0",
    summary: "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
    complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
    tips: &["nondeterministic_output"],
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0)),
    ],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::string("consumer"),
        a::string("min-idle-time"),
        a::string("id").multi(),
        a::integer("ms").tok("IDLE").opt(),
        a::unix_time("unix-time-milliseconds").tok("TIME").opt(),
        a::integer("count").tok("RETRYCOUNT").opt(),
        a::pure("force", "FORCE").opt(),
        a::pure("justid", "JUSTID").opt(),
        a::string("lastid").tok("LASTID").opt(),
    ],
    ..Command::new("xclaim", -6, WRITE | FAST, (1, 1, 1), "stream", xclaim::xclaim)
};

pub const XAUTOCLAIM: Command = Command {
    since: "6.2.0",
    summary: "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
    complexity: "O(1) if COUNT is small.",
    history: &[
        ("7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL"),
    ],
    tips: &["nondeterministic_output"],
    acl: &["stream"],
    key_specs: &[
        KeySpec::new("RW delete", Begin::Index(1), Find::Range(0, 1, 0)),
    ],
    args: &[
        a::key("key", 0),
        a::string("group"),
        a::string("consumer"),
        a::string("min-idle-time"),
        a::string("start"),
        a::integer("count").tok("COUNT").opt(),
        a::pure("justid", "JUSTID").opt(),
    ],
    ..Command::new("xautoclaim", -6, WRITE | FAST, (1, 1, 1), "stream", xautoclaim::xautoclaim)
};

/// The XINFO GROUPS row (for the XINFO container).
pub const XINFO_GROUPS: Command = Command {
    since: "5.0.0",
    summary: "Returns a list of the consumer groups of a stream.",
    complexity: "O(1)",
    history: &[("7.0.0", "Added the `entries-read` and `lag` fields")],
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RO access",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0)],
    ..Command::new(
        "groups",
        3,
        READONLY,
        (2, 2, 1),
        "stream",
        xinfo::xinfo_groups,
    )
};

/// The XINFO CONSUMERS row (for the XINFO container).
pub const XINFO_CONSUMERS: Command = Command {
    since: "5.0.0",
    summary: "Returns a list of the consumers in a consumer group.",
    complexity: "O(1)",
    history: &[(
        "7.2.0",
        "Added the `inactive` field, and changed the meaning of `idle`.",
    )],
    tips: &["nondeterministic_output"],
    acl: &["stream"],
    key_specs: &[KeySpec::new(
        "RO access",
        Begin::Index(2),
        Find::Range(0, 1, 0),
    )],
    args: &[a::key("key", 0), a::string("group")],
    ..Command::new(
        "consumers",
        4,
        READONLY,
        (2, 2, 1),
        "stream",
        xinfo::xinfo_consumers,
    )
};
