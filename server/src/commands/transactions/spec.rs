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
        summary: "Mark the start of a transaction block",
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
        summary: "Execute all commands issued after MULTI",
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
        summary: "Discard all commands issued after MULTI",
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
        summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
        complexity: "O(1) for every key.",
        acl: &["transaction"],
        key_specs: &[KeySpec::new("RO", Begin::Index(1), Find::Range(-1, 1, 0))],
        args: &[a::key("key", 0).multi()],
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
        summary: "Forget about all watched keys",
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
