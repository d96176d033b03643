//! The COMMAND INFO / COMMAND DOCS rows of the key-space (`generic`)
//! family: arity, flags, key positions and documentation of each command,
//! with the handler that serves it. The texts are Redis 7.0's
//! (`src/commands/*.json`); COMMAND DOCS is compared with Redis's byte for
//! byte, so a row changes only when Redis's does.

use super::{
    copy, del, exists, expire, keys, object, persist, r#move, r#type, randomkey, rename, scan,
    touch, ttl,
};
use crate::commands::docs::{arg as a, Begin, Find, KeySpec};
use crate::commands::{flags::*, Command};

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
        ..Command::new("del", -2, WRITE, (1, -1, 1), "generic", del::del)
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
        ..Command::new("unlink", -2, WRITE | FAST, (1, -1, 1), "generic", del::del)
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
        ..Command::new("exists", -2, READONLY | FAST, (1, -1, 1), "generic", exists::exists)
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
        ..Command::new("type", 2, READONLY | FAST, (1, 1, 1), "generic", r#type::type_cmd)
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
        ..Command::new("keys", 2, READONLY, (0, 0, 0), "generic", keys::keys)
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
        ..Command::new("scan", -2, READONLY, (0, 0, 0), "generic", scan::scan)
    },
    Command {
        since: "1.0.0",
        summary: "Return a random key from the keyspace",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        acl: &["keyspace"],
        ..Command::new("randomkey", 1, READONLY, (0, 0, 0), "generic", randomkey::randomkey)
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
        ..Command::new("rename", 3, WRITE | EXCLUSIVE, (1, 2, 1), "generic", rename::rename)
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
            rename::renamenx,
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
        ..Command::new("copy", -3, WRITE | DENYOOM | EXCLUSIVE, (1, 2, 1), "generic", copy::copy)
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
        ..Command::new("move", 3, WRITE | FAST | EXCLUSIVE, (1, 1, 1), "generic", r#move::move_cmd)
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
        ..Command::new("expire", -3, WRITE | FAST, (1, 1, 1), "generic", expire::expire)
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
        ..Command::new("pexpire", -3, WRITE | FAST, (1, 1, 1), "generic", expire::expire)
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
        ..Command::new("expireat", -3, WRITE | FAST, (1, 1, 1), "generic", expire::expire)
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
        ..Command::new("pexpireat", -3, WRITE | FAST, (1, 1, 1), "generic", expire::expire)
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
        ..Command::new("ttl", 2, READONLY | FAST, (1, 1, 1), "generic", ttl::ttl)
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
        ..Command::new("pttl", 2, READONLY | FAST, (1, 1, 1), "generic", ttl::ttl)
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
        ..Command::new("expiretime", 2, READONLY | FAST, (1, 1, 1), "generic", ttl::ttl)
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
        ..Command::new("pexpiretime", 2, READONLY | FAST, (1, 1, 1), "generic", ttl::ttl)
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
        ..Command::new("persist", 2, WRITE | FAST, (1, 1, 1), "generic", persist::persist)
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
        ..Command::new("touch", -2, READONLY | FAST, (1, -1, 1), "generic", touch::touch)
    },
    Command {
        since: "2.2.3",
        summary: "A container for object introspection commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: OBJECT_SUBCOMMANDS,
        ..Command::new("object", -2, 0, (0, 0, 0), "generic", object::object)
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
        ..Command::new(
            "encoding",
            3,
            READONLY,
            (2, 2, 1),
            "generic",
            object::object,
        )
    },
    Command {
        since: "4.0.0",
        summary: "Get the logarithmic access frequency counter of a Redis object",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("freq", 3, READONLY, (2, 2, 1), "generic", object::object)
    },
    Command {
        since: "2.2.3",
        summary: "Get the time since a Redis object was last accessed",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new(
            "idletime",
            3,
            READONLY,
            (2, 2, 1),
            "generic",
            object::object,
        )
    },
    Command {
        since: "2.2.3",
        summary: "Get the number of references to the value of the key",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new(
            "refcount",
            3,
            READONLY,
            (2, 2, 1),
            "generic",
            object::object,
        )
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
            object::object_help,
        )
    },
];
