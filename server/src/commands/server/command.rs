//! `COMMAND`, `COMMAND COUNT`, `COMMAND DOCS [command-name [command-name ...]]`,
//! `COMMAND GETKEYS command [arg [arg ...]]`, `COMMAND GETKEYSANDFLAGS command
//! [arg [arg ...]]`, `COMMAND INFO [command-name [command-name ...]]`,
//! `COMMAND LIST [FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]`,
//! `COMMAND HELP`
//!
//! Served from the command table ([`crate::commands::TABLE`]); the reply
//! layouts are in [`crate::commands::docs`].

use super::super::{docs, help_reply, is, Ctx, Table, TableEntry, TABLE};
use crate::error::{CmdResult, Error, ServerError};
use crate::keyspace::glob;
use crate::protocol::Reply;
use bytes::Bytes;

/// `COMMAND`: every top-level command's info. The container `COMMAND` has a
/// handler of its own for the bare form.
pub(super) fn command(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*TABLE;
    Ok(Reply::Array(
        table
            .top_level()
            .map(|e| docs::info_reply(e, table))
            .collect(),
    ))
}

pub(super) fn command_count(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(TABLE.top_level().count() as i64))
}

/// Finds `name` or `parent|sub`.
fn lookup<'t>(table: &'t Table, name: &[u8]) -> Option<&'t TableEntry> {
    match name.iter().position(|&c| c == b'|') {
        Some(p) => {
            let parent = table.get(&name[..p])?;
            table.get_sub(parent.cmd.name, &name[p + 1..])
        }
        None => table.get(name),
    }
}

/// `COMMAND INFO [command-name ...]`
pub(super) fn command_info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*TABLE;
    if args.len() == 2 {
        return command(ctx, args);
    }
    Ok(Reply::Array(
        args[2..]
            .iter()
            .map(|n| {
                lookup(table, n)
                    .map(|e| docs::info_reply(e, table))
                    .unwrap_or(Reply::Nil)
            })
            .collect(),
    ))
}

/// `COMMAND DOCS [command-name ...]`
pub(super) fn command_docs(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*TABLE;
    let entries: Vec<&TableEntry> = if args.len() == 2 {
        table.top_level().collect()
    } else {
        args[2..].iter().filter_map(|n| lookup(table, n)).collect()
    };
    Ok(Reply::Map(
        entries
            .into_iter()
            .map(|e| {
                (
                    Reply::Bulk(Bytes::from(e.full_name.clone())),
                    docs::docs_reply(e, table),
                )
            })
            .collect(),
    ))
}

/// `COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]`
pub(super) fn command_list(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*TABLE;
    enum Filter<'a> {
        All,
        Module,
        AclCat(&'a [u8]),
        Pattern(&'a [u8]),
    }
    let filter = match args.len() {
        2 => Filter::All,
        5 if is(&args[2], "filterby") => {
            if is(&args[3], "module") {
                Filter::Module
            } else if is(&args[3], "aclcat") {
                Filter::AclCat(&args[4])
            } else if is(&args[3], "pattern") {
                Filter::Pattern(&args[4])
            } else {
                return Err(Error::Syntax);
            }
        }
        _ => return Err(Error::Syntax),
    };
    let names = table
        .entries
        .iter()
        .filter(|e| match filter {
            Filter::All => true,
            Filter::Module => false,
            Filter::AclCat(cat) => docs::acl_categories(e.cmd)
                .iter()
                .any(|c| c.as_bytes()[1..].eq_ignore_ascii_case(cat)),
            Filter::Pattern(p) => glob::matches(p, e.full_name.as_bytes(), true),
        })
        .map(|e| Reply::Bulk(Bytes::from(e.full_name.clone())))
        .collect();
    Ok(Reply::Array(names))
}

/// `COMMAND GETKEYS command [arg ...]` and `COMMAND GETKEYSANDFLAGS command
/// [arg ...]` (each key with its key-spec flags), as Redis 7.0's
/// `getKeysSubcommandImpl`.
pub(super) fn command_getkeys(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*TABLE;
    let argv = &args[2..];
    // Redis's lookupCommand: a container with arguments resolves to its
    // subcommand (an unknown one is an unknown command).
    let entry = match table.get(&argv[0]) {
        Some(top) if !top.cmd.subcommands.is_empty() && argv.len() > 1 => {
            table.get_sub(top.cmd.name, &argv[1])
        }
        other => other,
    };
    let Some(e) = entry else {
        return Err(ServerError::GetKeysInvalidCommand.into());
    };
    let c = e.cmd;
    if !docs::has_keys(c) {
        return Err(ServerError::GetKeysNoKeys.into());
    }
    let argc = argv.len() as i32;
    if (c.arity > 0 && c.arity != argc) || argc < -c.arity {
        return Err(ServerError::GetKeysArity.into());
    }
    let keys = docs::key_refs(c, argv);
    if keys.is_empty() {
        return Err(ServerError::GetKeysInvalidArgs.into());
    }
    let with_flags = args[1].eq_ignore_ascii_case(b"getkeysandflags");
    Ok(Reply::Array(
        keys.into_iter()
            .map(|(i, flags)| match with_flags {
                true => docs::key_and_flags_reply(&argv[i], flags),
                false => Reply::Bulk(argv[i].clone()),
            })
            .collect(),
    ))
}

pub(super) fn command_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    ))
}
