//! COMMAND INFO / COMMAND DOCS rows of the connection family: name, arity,
//! flags, key positions and Redis's documentation, each naming its handler.

use super::super::docs::arg as a;
use super::super::{flags::*, Command};
use super::auth::auth;
use super::client::*;
use super::echo::echo;
use super::hello::hello;
use super::ping::ping;
use super::quit::quit;
use super::reset::reset;
use super::select::select;

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Returns the server's liveliness response.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        args: &[
            a::string("message").opt(),
        ],
        acl: &["connection"],
        ..Command::new("ping", -1, FAST, (0, 0, 0), "connection", ping)
    },
    Command {
        since: "1.0.0",
        summary: "Returns the given string.",
        complexity: "O(1)",
        args: &[
            a::string("message"),
        ],
        acl: &["connection"],
        ..Command::new("echo", 2, LOADING | STALE | FAST, (0, 0, 0), "connection", echo)
    },
    Command {
        since: "6.0.0",
        summary: "Handshakes with the Redis server.",
        complexity: "O(1)",
        history: &[
            ("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."),
        ],
        args: &[
            a::block("arguments", &[
                a::integer("protover"),
                a::block("auth", &[
                    a::string("username"),
                    a::string("password"),
                ]).tok("AUTH").opt(),
                a::string("clientname").tok("SETNAME").opt(),
            ]).opt(),
        ],
        acl: &["connection"],
        ..Command::new(
            "hello",
            -1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            hello,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Authenticates the connection.",
        complexity: "O(N) where N is the number of passwords defined for the user",
        history: &[
            ("6.0.0", "Added ACL style (username and password)."),
        ],
        args: &[
            a::string("username").since("6.0.0").opt(),
            a::string("password"),
        ],
        acl: &["connection"],
        ..Command::new(
            "auth",
            -2,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            auth,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Changes the selected database.",
        complexity: "O(1)",
        args: &[
            a::integer("index"),
        ],
        acl: &["connection"],
        ..Command::new(
            "select",
            2,
            LOADING | STALE | FAST,
            (0, 0, 0),
            "connection",
            select,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Closes the connection.",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        deprecated_since: "7.2.0",
        replaced_by: "just closing the connection",
        acl: &["connection"],
        ..Command::new(
            "quit",
            -1,
            ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
            (0, 0, 0),
            "connection",
            quit,
        )
    },
    Command {
        since: "6.2.0",
        summary: "Resets the connection.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "reset",
            1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            reset,
        )
    },
    Command {
        since: "2.4.0",
        summary: "A container for client connection commands.",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: CLIENT_SUBCOMMANDS,
        ..Command::new("client", -2, 0, (0, 0, 0), "connection", reset)
    },
];

const CLIENT_FLAGS: u32 = NOSCRIPT | LOADING | STALE;

pub static CLIENT_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "5.0.0",
        summary: "Returns the unique client ID of the connection.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("id", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_id)
    },
    Command {
        since: "2.6.9",
        summary: "Sets the connection name.",
        complexity: "O(1)",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: &[
            a::string("connection-name"),
        ],
        acl: &["connection"],
        ..Command::new("setname", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_setname)
    },
    Command {
        since: "2.6.9",
        summary: "Returns the name of the connection.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("getname", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_getname)
    },
    Command {
        since: "7.2.0",
        summary: "Sets information specific to the client or connection.",
        complexity: "O(1)",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: &[
            a::oneof("attr", &[
                a::string("libname").tok("LIB-NAME"),
                a::string("libver").tok("LIB-VER"),
            ]),
        ],
        acl: &["connection"],
        ..Command::new("setinfo", 4, CLIENT_FLAGS, (0, 0, 0), "connection", client_setinfo)
    },
    Command {
        since: "6.2.0",
        summary: "Returns information about the connection.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["connection"],
        ..Command::new("info", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_info)
    },
    Command {
        since: "2.4.0",
        summary: "Lists open connections.",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added unique client `id` field."),
            ("5.0.0", "Added optional `TYPE` filter."),
            ("6.0.0", "Added `user` field."),
            ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
            ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
            ("7.0.3", "Added `ssub` field."),
            ("7.2.0", "Added `lib-name` and `lib-ver` fields."),
            ("7.4.0", "Added `watch` field."),
            ("8.0.0", "Added `io-thread` field."),
        ],
        tips: &["nondeterministic_output"],
        args: &[
            a::oneof("client-type", &[
                a::pure("normal", "NORMAL"),
                a::pure("master", "MASTER"),
                a::pure("replica", "REPLICA"),
                a::pure("pubsub", "PUBSUB"),
            ]).tok("TYPE").since("5.0.0").opt(),
            a::integer("client-id").tok("ID").since("6.2.0").opt().multi(),
        ],
        acl: &["connection"],
        ..Command::new("list", -2, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_list)
    },
    Command {
        since: "2.4.0",
        summary: "Terminates open connections.",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added new filter format."),
            ("2.8.12", "`ID` option."),
            ("3.2.0", "Added `master` type in for `TYPE` option."),
            ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
            ("6.2.0", "`LADDR` option."),
            ("7.4.0", "`MAXAGE` option."),
        ],
        args: &[
            a::oneof("filter", &[
                a::string("old-format").display("ip:port").deprecated("2.8.12"),
                a::oneof("new-format", &[
                    a::integer("client-id").tok("ID").since("2.8.12").opt(),
                    a::oneof("client-type", &[
                        a::pure("normal", "NORMAL"),
                        a::pure("master", "MASTER").since("3.2.0"),
                        a::pure("slave", "SLAVE"),
                        a::pure("replica", "REPLICA").since("5.0.0"),
                        a::pure("pubsub", "PUBSUB"),
                    ]).tok("TYPE").since("2.8.12").opt(),
                    a::string("username").tok("USER").opt(),
                    a::string("addr").tok("ADDR").display("ip:port").opt(),
                    a::string("laddr").tok("LADDR").display("ip:port").since("6.2.0").opt(),
                    a::oneof("skipme", &[
                        a::pure("yes", "YES"),
                        a::pure("no", "NO"),
                    ]).tok("SKIPME").opt(),
                    a::integer("maxage").tok("MAXAGE").since("7.4.0").opt(),
                ]).multi(),
            ]),
        ],
        acl: &["connection"],
        ..Command::new("kill", -3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_kill)
    },
    Command {
        since: "3.2.0",
        summary: "Instructs the server whether to reply to commands.",
        complexity: "O(1)",
        args: &[
            a::oneof("action", &[
                a::pure("on", "ON"),
                a::pure("off", "OFF"),
                a::pure("skip", "SKIP"),
            ]),
        ],
        acl: &["connection"],
        ..Command::new("reply", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_reply)
    },
    Command {
        since: "7.0.0",
        summary: "Sets the client eviction mode of the connection.",
        complexity: "O(1)",
        args: &[
            a::oneof("enabled", &[
                a::pure("on", "ON"),
                a::pure("off", "OFF"),
            ]),
        ],
        acl: &["connection"],
        ..Command::new("no-evict", 3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "7.2.0",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        complexity: "O(1)",
        args: &[
            a::oneof("enabled", &[
                a::pure("on", "ON"),
                a::pure("off", "OFF"),
            ]),
        ],
        acl: &["connection"],
        ..Command::new("no-touch", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "connection", client_help)
    },
];
