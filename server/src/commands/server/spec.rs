//! COMMAND INFO / COMMAND DOCS rows of the server family: name, arity,
//! flags, key positions and Redis's documentation, each naming its handler.

use super::super::docs::{arg as a, Begin, Find, KeySpec};
use super::super::{flags::*, Command};
use super::command::*;
use super::config::*;
use super::dbsize::dbsize;
use super::flushdb::flush;
use super::function::*;
use super::info::info;
use super::lastsave::lastsave;
use super::memory::*;
use super::shutdown::shutdown;
use super::time::time;

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Returns information and statistics about the server.",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added support for taking multiple section arguments."),
        ],
        tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        args: &[
            a::string("section").opt().multi(),
        ],
        acl: &["dangerous"],
        ..Command::new("info", -1, LOADING | STALE, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.0.0",
        summary: "A container for server configuration commands.",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: CONFIG_SUBCOMMANDS,
        ..Command::new("config", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "1.0.0",
        summary: "Returns the number of keys in the database.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        acl: &["keyspace"],
        ..Command::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "server", dbsize)
    },
    Command {
        since: "1.0.0",
        summary: "Remove all keys from the current database.",
        complexity: "O(N) where N is the number of keys in the selected database",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        args: &[
            a::oneof("flush-type", &[
                a::pure("async", "ASYNC").since("4.0.0"),
                a::pure("sync", "SYNC").since("6.2.0"),
            ]).opt(),
        ],
        acl: &["keyspace", "dangerous"],
        ..Command::new("flushdb", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "1.0.0",
        summary: "Removes all keys from all databases.",
        complexity: "O(N) where N is the total number of keys in all databases",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        args: &[
            a::oneof("flush-type", &[
                a::pure("async", "ASYNC").since("4.0.0"),
                a::pure("sync", "SYNC").since("6.2.0"),
            ]).opt(),
        ],
        acl: &["keyspace", "dangerous"],
        ..Command::new("flushall", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "2.6.0",
        summary: "Returns the server time.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        ..Command::new("time", 1, LOADING | STALE | FAST, (0, 0, 0), "server", time)
    },
    Command {
        since: "1.0.0",
        summary: "Returns the Unix timestamp of the last successful save to disk.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["admin", "dangerous"],
        ..Command::new("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), "server", lastsave)
    },
    Command {
        since: "1.0.0",
        summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        history: &[
            ("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."),
        ],
        args: &[
            a::oneof("save-selector", &[
                a::pure("nosave", "NOSAVE"),
                a::pure("save", "SAVE"),
            ]).opt(),
            a::pure("now", "NOW").since("7.0.0").opt(),
            a::pure("force", "FORCE").since("7.0.0").opt(),
            a::pure("abort", "ABORT").since("7.0.0").opt(),
        ],
        ..Command::new(
            "shutdown",
            -1,
            ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
            (0, 0, 0),
            "server",
            shutdown,
        )
    },
    Command {
        since: "7.0.0",
        summary: "A container for function commands.",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: FUNCTION_SUBCOMMANDS,
        ..Command::new("function", -2, 0, (0, 0, 0), "scripting", info)
    },
    Command {
        since: "4.0.0",
        summary: "A container for memory diagnostics commands.",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: MEMORY_SUBCOMMANDS,
        ..Command::new("memory", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.8.13",
        summary: "Returns detailed information about all commands.",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        subcommands: COMMAND_SUBCOMMANDS,
        ..Command::new("command", -1, LOADING | STALE, (0, 0, 0), "server", command)
    },
];

pub static CONFIG_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.0.0",
        summary: "Returns the effective values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to pass multiple pattern parameters in one call",
        )],
        args: &[a::string("parameter").multi()],
        ..Command::new(
            "get",
            -3,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_get,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Sets configuration parameters in-flight.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to set multiple parameters in one call.",
        )],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: &[a::block("data", &[a::string("parameter"), a::string("value")]).multi()],
        ..Command::new(
            "set",
            -4,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_set,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Resets the server's statistics.",
        complexity: "O(1)",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        ..Command::new(
            "resetstat",
            2,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_resetstat,
        )
    },
    Command {
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", config_help)
    },
];

pub static FUNCTION_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "7.0.0",
        summary: "Deletes all libraries and functions.",
        complexity: "O(N) where N is the number of functions deleted",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        args: &[a::oneof(
            "flush-type",
            &[a::pure("async", "ASYNC"), a::pure("sync", "SYNC")],
        )
        .opt()],
        acl: &["scripting"],
        ..Command::new(
            "flush",
            -2,
            WRITE | NOSCRIPT,
            (0, 0, 0),
            "scripting",
            function_flush,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        acl: &["scripting"],
        ..Command::new(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "scripting",
            function_help,
        )
    },
];

pub static MEMORY_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "4.0.0",
        summary: "Estimates the memory usage of a key.",
        complexity: "O(N) where N is the number of samples.",
        args: &[a::key("key", 0), a::integer("count").tok("SAMPLES").opt()],
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        ..Command::new("usage", -3, READONLY, (2, 2, 1), "server", memory_usage)
    },
    Command {
        since: "4.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", memory_help)
    },
];

pub static COMMAND_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.8.13",
        summary: "Returns a count of commands.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "count",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_count,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Returns documentary information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        tips: &["nondeterministic_output_order"],
        args: &[a::string("command-name").opt().multi()],
        acl: &["connection"],
        ..Command::new(
            "docs",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_docs,
        )
    },
    Command {
        since: "2.8.13",
        summary: "Extracts the key names from an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        args: &[a::string("command"), a::string("arg").opt().multi()],
        acl: &["connection"],
        ..Command::new(
            "getkeys",
            -3,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Extracts the key names and access flags for an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        args: &[a::string("command"), a::string("arg").opt().multi()],
        acl: &["connection"],
        ..Command::new(
            "getkeysandflags",
            -3,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "2.8.13",
        summary: "Returns information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        history: &[(
            "7.0.0",
            "Allowed to be called with no argument to get info on all commands.",
        )],
        tips: &["nondeterministic_output_order"],
        args: &[a::string("command-name").opt().multi()],
        acl: &["connection"],
        ..Command::new(
            "info",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_info,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Returns a list of command names.",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: &["nondeterministic_output_order"],
        args: &[a::oneof(
            "filterby",
            &[
                a::string("module-name").tok("MODULE"),
                a::string("category").tok("ACLCAT"),
                a::pattern("pattern").tok("PATTERN"),
            ],
        )
        .tok("FILTERBY")
        .opt()],
        acl: &["connection"],
        ..Command::new(
            "list",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_list,
        )
    },
    Command {
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_help,
        )
    },
];
