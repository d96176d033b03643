//! COMMAND INFO / COMMAND DOCS rows of the transactions family: name,
//! arity, flags, key positions and Redis's documentation, each naming its
//! handler.

use super::super::docs::{arg as a, Begin, Find, KeySpec};
use super::super::{flags::*, Command};
use super::discard::discard;
use super::exec::exec;
use super::multi::multi;
use super::watch::{unwatch, watch};

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.2.0",
        summary: "Starts a transaction.",
        complexity: "O(1)",
        acl: &["transaction"],
        ..Command::new(
            "multi",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            multi,
        )
    },
    Command {
        since: "1.2.0",
        summary: "Executes all commands in a transaction.",
        complexity: "Depends on commands in the transaction",
        acl: &["transaction"],
        ..Command::new(
            "exec",
            1,
            NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG | EXCLUSIVE,
            (0, 0, 0),
            "transactions",
            exec,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Discards a transaction.",
        complexity: "O(N), when N is the number of queued commands",
        acl: &["transaction"],
        ..Command::new(
            "discard",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            discard,
        )
    },
    Command {
        since: "2.2.0",
        summary: "Monitors changes to keys to determine the execution of a transaction.",
        complexity: "O(1) for every key.",
        args: &[a::key("key", 0).multi()],
        acl: &["transaction"],
        key_specs: &[KeySpec::new("RO", Begin::Index(1), Find::Range(-1, 1, 0))],
        ..Command::new(
            "watch",
            -2,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (1, -1, 1),
            "transactions",
            watch,
        )
    },
    Command {
        since: "2.2.0",
        summary: "Forgets about watched keys of a transaction.",
        complexity: "O(1)",
        acl: &["transaction"],
        ..Command::new(
            "unwatch",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
            (0, 0, 0),
            "transactions",
            unwatch,
        )
    },
];
