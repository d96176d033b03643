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
        summary: "Ping the server",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["connection"],
        args: &[
            a::string("message").opt(),
        ],
        ..Command::new("ping", -1, FAST, (0, 0, 0), "connection", ping)
    },
    Command {
        since: "1.0.0",
        summary: "Echo the given string",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::string("message"),
        ],
        ..Command::new("echo", 2, LOADING | STALE | FAST, (0, 0, 0), "connection", echo)
    },
    Command {
        since: "6.0.0",
        summary: "Handshake with Redis",
        complexity: "O(1)",
        history: &[
            ("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."),
        ],
        acl: &["connection"],
        args: &[
            a::block("arguments", &[
        a::integer("protover"),
        a::block("username_password", &[
            a::string("username"),
            a::string("password"),
        ]).tok("AUTH").opt(),
        a::string("clientname").tok("SETNAME").opt(),
    ]).opt(),
        ],
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
        summary: "Authenticate to the server",
        complexity: "O(N) where N is the number of passwords defined for the user",
        history: &[
            ("6.0.0", "Added ACL style (username and password)."),
        ],
        acl: &["connection"],
        args: &[
            a::string("username").since("6.0.0").opt(),
            a::string("password"),
        ],
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
        summary: "Change the selected database for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::integer("index"),
        ],
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
        summary: "Close the connection",
        complexity: "O(1)",
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
        summary: "Reset the connection",
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
        summary: "A container for client connection commands",
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
        summary: "Returns the client ID for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("id", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_id)
    },
    Command {
        since: "2.6.9",
        summary: "Set the current connection name",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::string("connection-name"),
        ],
        ..Command::new("setname", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_setname)
    },
    Command {
        since: "2.6.9",
        summary: "Get the current connection name",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("getname", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_getname)
    },
    // CLIENT SETINFO and NO-TOUCH are Redis 7.2 commands: their docs are
    // from redis/docs `content/commands/client-setinfo.md` and
    // `client-no-touch.md` (7.2.0).
    Command {
        since: "7.2.0",
        summary: "Sets information specific to the client or connection.",
        complexity: "O(1)",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        acl: &["connection"],
        args: &[a::oneof(
            "attr",
            &[
                a::string("libname").tok("LIB-NAME"),
                a::string("libver").tok("LIB-VER"),
            ],
        )],
        ..Command::new("setinfo", 4, CLIENT_FLAGS, (0, 0, 0), "connection", client_setinfo)
    },
    Command {
        since: "6.2.0",
        summary: "Returns information about the current client connection.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["connection"],
        ..Command::new("info", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_info)
    },
    Command {
        since: "2.4.0",
        summary: "Get the list of client connections",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added unique client `id` field."),
            ("5.0.0", "Added optional `TYPE` filter."),
            ("6.0.0", "Added `user` field."),
            ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
            ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
            ("7.0.3", "Added `ssub` field."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["connection"],
        args: &[
            a::oneof("normal_master_replica_pubsub", &[
        a::pure("normal", "NORMAL"),
        a::pure("master", "MASTER"),
        a::pure("replica", "REPLICA"),
        a::pure("pubsub", "PUBSUB"),
    ]).tok("TYPE").since("5.0.0").opt(),
            a::block("id", &[
        a::integer("client-id").multi(),
    ]).tok("ID").since("6.2.0").opt(),
        ],
        ..Command::new("list", -2, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_list)
    },
    Command {
        since: "2.4.0",
        summary: "Kill the connection of a client",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added new filter format."),
            ("2.8.12", "`ID` option."),
            ("3.2.0", "Added `master` type in for `TYPE` option."),
            ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
            ("6.2.0", "`LADDR` option."),
        ],
        acl: &["connection"],
        args: &[
            a::oneof("filter", &[
        a::string("ip:port").deprecated("2.8.12"),
        a::oneof("new-format", &[
            a::integer("client-id").tok("ID").since("2.8.12").opt(),
            a::oneof("normal_master_slave_pubsub", &[
                a::pure("normal", "NORMAL"),
                a::pure("master", "MASTER").since("3.2.0"),
                a::pure("slave", "SLAVE"),
                a::pure("replica", "REPLICA").since("5.0.0"),
                a::pure("pubsub", "PUBSUB"),
            ]).tok("TYPE").since("2.8.12").opt(),
            a::string("username").tok("USER").opt(),
            a::string("ip:port").tok("ADDR").opt(),
            a::string("ip:port").tok("LADDR").since("6.2.0").opt(),
            a::string("yes/no").tok("SKIPME").opt(),
        ]).multi(),
    ]),
        ],
        ..Command::new("kill", -3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_kill)
    },
    Command {
        since: "3.2.0",
        summary: "Instruct the server whether to reply to commands",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::oneof("on_off_skip", &[
        a::pure("on", "ON"),
        a::pure("off", "OFF"),
        a::pure("skip", "SKIP"),
    ]),
        ],
        ..Command::new("reply", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_reply)
    },
    Command {
        since: "7.0.0",
        summary: "Set client eviction mode for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::oneof("enabled", &[
        a::pure("on", "ON"),
        a::pure("off", "OFF"),
    ]),
        ],
        ..Command::new("no-evict", 3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "7.2.0",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[a::oneof("enabled", &[a::pure("on", "ON"), a::pure("off", "OFF")])],
        ..Command::new("no-touch", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "connection", client_help)
    },
];
