//! The COMMAND INFO / COMMAND DOCS rows of the key-space (`generic`)
//! family: arity, flags, key positions and documentation of each command,
//! with the handler that serves it. The documentation fields are generated
//! from Redis 8.0.2's `src/commands/*.json` as Redis's own
//! `utils/generate-command-code.py` reads them (argument names and
//! `display` lowercased, tokens uppercased); COMMAND INFO and COMMAND DOCS
//! are compared with Redis's byte for byte, so a row changes only when
//! Redis's does.

use super::{
    copy, del, exists, expire, keys, object, persist, r#move, r#type, randomkey, rename, scan,
    touch, ttl,
};
use crate::commands::docs::{arg as a, Begin, Find, KeySpec};
use crate::commands::{flags::*, Command};

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Deletes one or more keys.",
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
        summary: "Asynchronously deletes one or more keys.",
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
        summary: "Determines whether one or more keys exist.",
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
        summary: "Determines the type of value stored at a key.",
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
        summary: "Returns all key names that match a pattern.",
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
        summary: "Iterates over the key names in the database.",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        history: &[
            ("6.0.0", "Added the `TYPE` subcommand."),
        ],
        tips: &["nondeterministic_output", "request_policy:special", "response_policy:special"],
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
        summary: "Returns a random key name from the database.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:special", "nondeterministic_output"],
        acl: &["keyspace"],
        ..Command::new("randomkey", 1, READONLY, (0, 0, 0), "generic", randomkey::randomkey)
    },
    Command {
        since: "1.0.0",
        summary: "Renames a key and overwrites the destination.",
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
        summary: "Renames a key only when the target key name doesn't exist.",
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
        summary: "Copies the value of a key to a new key.",
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
        summary: "Moves a key to another database.",
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
        summary: "Sets the expiration time of a key in seconds.",
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
        summary: "Sets the expiration time of a key in milliseconds.",
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
        summary: "Sets the expiration time of a key to a Unix timestamp.",
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
        summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
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
        summary: "Returns the expiration time in seconds of a key.",
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
        summary: "Returns the expiration time in milliseconds of a key.",
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
        summary: "Returns the expiration time of a key as a Unix timestamp.",
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
        summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
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
        summary: "Removes the expiration time of a key.",
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
        summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
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
        summary: "A container for object introspection commands.",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: OBJECT_SUBCOMMANDS,
        ..Command::new("object", -2, 0, (0, 0, 0), "generic", object::object)
    },
];

static OBJECT_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.2.3",
        summary: "Returns the internal encoding of a Redis object.",
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
        summary: "Returns the logarithmic access frequency counter of a Redis object.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["keyspace"],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0)],
        ..Command::new("freq", 3, READONLY, (2, 2, 1), "generic", object::object)
    },
    Command {
        since: "2.2.3",
        summary: "Returns the time since the last access to a Redis object.",
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
        summary: "Returns the reference count of a value of a key.",
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
        summary: "Returns helpful text about the different subcommands.",
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
