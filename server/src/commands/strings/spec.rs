//! The COMMAND INFO / COMMAND DOCS rows of the string family: arity,
//! flags, key positions and documentation of each command, with the handler
//! that serves it. The documentation fields are generated from Redis
//! 8.0.2's `src/commands/*.json` as Redis's own
//! `utils/generate-command-code.py` reads them (argument names and
//! `display` lowercased, tokens uppercased); COMMAND INFO and COMMAND DOCS
//! are compared with Redis's byte for byte, so a row changes only when
//! Redis's does.

use super::{
    append, get, getdel, getex, getrange, getset, incr, mget, mset, set, setex, setnx, setrange,
    strlen,
};
use crate::commands::docs::{self, arg as a, Begin, Find, KeySpec};
use crate::commands::{flags::*, Command};

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Returns the string value of a key.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("get", 2, READONLY | FAST, (1, 1, 1), "string", get::get)
    },
    Command {
        since: "1.0.0",
        summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
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
        getkeys: Some(docs::set_keys),
        ..Command::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "string", set::set)
    },
    Command {
        since: "1.0.0",
        summary: "Set the string value of a key only when the key doesn't exist.",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        deprecated_since: "2.6.12",
        replaced_by: "`SET` with the `NX` argument",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW insert", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
        ],
        ..Command::new("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", setnx::setnx)
    },
    Command {
        since: "2.0.0",
        summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        deprecated_since: "2.6.12",
        replaced_by: "`SET` with the `EX` argument",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("seconds"),
            a::string("value"),
        ],
        ..Command::new("setex", 4, WRITE | DENYOOM, (1, 1, 1), "string", setex::setex)
    },
    Command {
        since: "2.6.0",
        summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        deprecated_since: "2.6.12",
        replaced_by: "`SET` with the `PX` argument",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("milliseconds"),
            a::string("value"),
        ],
        ..Command::new("psetex", 4, WRITE | DENYOOM, (1, 1, 1), "string", setex::setex)
    },
    Command {
        since: "6.2.0",
        summary: "Returns the string value of a key after deleting the key.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access delete", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("getdel", 2, WRITE | FAST, (1, 1, 1), "string", getdel::getdel)
    },
    Command {
        since: "6.2.0",
        summary: "Returns the string value of a key after setting its expiration time.",
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
        ..Command::new("getex", -2, WRITE | FAST, (1, 1, 1), "string", getex::getex)
    },
    Command {
        since: "1.0.0",
        summary: "Returns the previous string value of a key after setting it to a new value.",
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
        ..Command::new("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", getset::getset)
    },
    Command {
        since: "1.0.0",
        summary: "Atomically returns the string values of one or more keys.",
        complexity: "O(N) where N is the number of keys to retrieve.",
        tips: &["request_policy:multi_shard"],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO access", Begin::Index(1), Find::Range(-1, 1, 0)),
        ],
        args: &[
            a::key("key", 0).multi(),
        ],
        ..Command::new("mget", -2, READONLY | FAST, (1, -1, 1), "string", mget::mget)
    },
    Command {
        since: "1.0.1",
        summary: "Atomically creates or modifies the string values of one or more keys.",
        complexity: "O(N) where N is the number of keys to set.",
        tips: &["request_policy:multi_shard", "response_policy:all_succeeded"],
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW update", Begin::Index(1), Find::Range(-1, 2, 0)),
        ],
        args: &[
            a::block("data", &[
                a::key("key", 0),
                a::string("value"),
            ]).multi(),
        ],
        ..Command::new("mset", -3, WRITE | DENYOOM | EXCLUSIVE, (1, -1, 2), "string", mset::mset)
    },
    Command {
        since: "1.0.1",
        summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.",
        complexity: "O(N) where N is the number of keys to set.",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("OW insert", Begin::Index(1), Find::Range(-1, 2, 0)),
        ],
        args: &[
            a::block("data", &[
                a::key("key", 0),
                a::string("value"),
            ]).multi(),
        ],
        ..Command::new("msetnx", -3, WRITE | DENYOOM | EXCLUSIVE, (1, -1, 2), "string", mset::mset)
    },
    Command {
        since: "1.0.0",
        summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr::incr)
    },
    Command {
        since: "1.0.0",
        summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr::incr)
    },
    Command {
        since: "1.0.0",
        summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("increment"),
        ],
        ..Command::new("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr::incr)
    },
    Command {
        since: "1.0.0",
        summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::integer("decrement"),
        ],
        ..Command::new("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr::incr)
    },
    Command {
        since: "2.6.0",
        summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW access update", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::double("increment"),
        ],
        ..Command::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", incr::incrbyfloat)
    },
    Command {
        since: "2.0.0",
        summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
        complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RW insert", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
            a::string("value"),
        ],
        ..Command::new("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "string", append::append)
    },
    Command {
        since: "2.2.0",
        summary: "Returns the length of a string value.",
        complexity: "O(1)",
        acl: &["string"],
        key_specs: &[
            KeySpec::new("RO", Begin::Index(1), Find::Range(0, 1, 0)),
        ],
        args: &[
            a::key("key", 0),
        ],
        ..Command::new("strlen", 2, READONLY | FAST, (1, 1, 1), "string", strlen::strlen)
    },
    Command {
        since: "2.4.0",
        summary: "Returns a substring of the string stored at a key.",
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
        ..Command::new("getrange", 4, READONLY, (1, 1, 1), "string", getrange::getrange)
    },
    Command {
        since: "1.0.0",
        summary: "Returns a substring from a string value.",
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
        ..Command::new("substr", 4, READONLY, (1, 1, 1), "string", getrange::getrange)
    },
    Command {
        since: "2.2.0",
        summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
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
        ..Command::new("setrange", 4, WRITE | DENYOOM, (1, 1, 1), "string", setrange::setrange)
    },
];
