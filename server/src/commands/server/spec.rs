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
        summary: "Get information and statistics about the server",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added support for taking multiple section arguments."),
        ],
        tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        acl: &["dangerous"],
        args: &[
            a::string("section").opt().multi(),
        ],
        ..Command::new("info", -1, LOADING | STALE, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.0.0",
        summary: "A container for server configuration commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: CONFIG_SUBCOMMANDS,
        ..Command::new("config", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "1.0.0",
        summary: "Return the number of keys in the selected database",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        acl: &["keyspace"],
        ..Command::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "server", dbsize)
    },
    Command {
        since: "1.0.0",
        summary: "Remove all keys from the current database",
        complexity: "O(N) where N is the number of keys in the selected database",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["keyspace", "dangerous"],
        args: &[
            a::oneof("async", &[
        a::pure("async", "ASYNC").since("4.0.0"),
        a::pure("sync", "SYNC").since("6.2.0"),
    ]).opt(),
        ],
        ..Command::new("flushdb", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "1.0.0",
        summary: "Remove all keys from all databases",
        complexity: "O(N) where N is the total number of keys in all databases",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["keyspace", "dangerous"],
        args: &[
            a::oneof("async", &[
        a::pure("async", "ASYNC").since("4.0.0"),
        a::pure("sync", "SYNC").since("6.2.0"),
    ]).opt(),
        ],
        ..Command::new("flushall", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "2.6.0",
        summary: "Return the current server time",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        ..Command::new("time", 1, LOADING | STALE | FAST, (0, 0, 0), "server", time)
    },
    Command {
        since: "1.0.0",
        summary: "Get the UNIX time stamp of the last successful save to disk",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["admin", "dangerous"],
        ..Command::new("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), "server", lastsave)
    },
    Command {
        since: "1.0.0",
        summary: "Synchronously save the dataset to disk and then shut down the server",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        history: &[
            ("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."),
        ],
        args: &[
            a::oneof("nosave_save", &[
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
        summary: "A container for function commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: FUNCTION_SUBCOMMANDS,
        ..Command::new("function", -2, 0, (0, 0, 0), "scripting", info)
    },
    Command {
        since: "4.0.0",
        summary: "A container for memory diagnostics commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: MEMORY_SUBCOMMANDS,
        ..Command::new("memory", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.8.13",
        summary: "Get array of Redis command details",
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
        summary: "Get the values of configuration parameters",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to pass multiple pattern parameters in one call",
        )],
        args: &[a::block("parameter", &[a::string("parameter")]).multi()],
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
        summary: "Set configuration parameters to the given values",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to set multiple parameters in one call.",
        )],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: &[a::block(
            "parameter_value",
            &[a::string("parameter"), a::string("value")],
        )
        .multi()],
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
        summary: "Reset the stats returned by INFO",
        complexity: "O(1)",
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
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", config_help)
    },
];

pub static FUNCTION_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "7.0.0",
        summary: "Deleting all functions",
        complexity: "O(N) where N is the number of functions deleted",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["scripting"],
        args: &[a::oneof(
            "async",
            &[a::pure("async", "ASYNC"), a::pure("sync", "SYNC")],
        )
        .opt()],
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
        summary: "Show helpful text about the different subcommands",
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
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0), a::integer("count").tok("SAMPLES").opt()],
        ..Command::new("usage", -3, READONLY, (2, 2, 1), "server", memory_usage)
    },
    Command {
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", memory_help)
    },
];

pub static COMMAND_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.8.13",
        summary: "Get total number of Redis commands",
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
        summary: "Get array of specific Redis command documentation",
        complexity: "O(N) where N is the number of commands to look up",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        args: &[a::string("command-name").opt().multi()],
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
        summary: "Extract keys given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        acl: &["connection"],
        ..Command::new(
            "getkeys",
            -4,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Extract keys and access flags given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        acl: &["connection"],
        ..Command::new(
            "getkeysandflags",
            -4,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "2.8.13",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        complexity: "O(N) where N is the number of commands to look up",
        history: &[(
            "7.0.0",
            "Allowed to be called with no argument to get info on all commands.",
        )],
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        args: &[a::string("command-name").opt().multi()],
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
        summary: "Get an array of Redis command names",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
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
        summary: "Show helpful text about the different subcommands",
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
