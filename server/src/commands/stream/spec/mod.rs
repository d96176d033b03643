//! The stream family's rows of the command table: name, arity, flags, key
//! positions and the COMMAND INFO / DOCS data (summary, history, argument
//! tree, key specs), each row naming its handler in `commands/stream/`.
//!
//! The rows are data, kept apart from the handlers: [`COMMANDS`] is what
//! [`Table::new`](crate::commands::Table::new) gathers, and COMMAND,
//! COMMAND DOCS, arity checks and the compatibility document all read it.
//! The data is Redis 8.0.2's (generated from its `src/commands/*.json`),
//! and, for arguments and commands newer than 8.0, from Redis 8.x's command
//! JSON files and redis/docs (comments at each row say which). COMMAND DOCS output is
//! compared with Redis's in the conformance suite.

mod groups;
mod log;

use crate::commands::Command;

/// XINFO's subcommands: STREAM on the log, CONSUMERS and GROUPS on the
/// groups, HELP.
pub const XINFO_SUBCOMMANDS: &[Command] = &[
    log::XINFO_STREAM,
    groups::XINFO_CONSUMERS,
    groups::XINFO_GROUPS,
    log::XINFO_HELP,
];

/// Every top-level stream command.
pub static COMMANDS: &[Command] = &[
    groups::XGROUP,
    groups::XREADGROUP,
    groups::XACK,
    groups::XPENDING,
    groups::XCLAIM,
    groups::XAUTOCLAIM,
    log::XADD,
    log::XLEN,
    log::XRANGE,
    log::XREVRANGE,
    log::XDEL,
    log::XTRIM,
    log::XSETID,
    log::XREAD,
    log::XINFO,
    groups::XACKDEL,
    log::XCFGSET,
    log::XDELEX,
    groups::XNACK,
];
