//! `XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]`
//! `XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]`
//! `XGROUP DESTROY key group`
//! `XGROUP CREATECONSUMER key group consumer`
//! `XGROUP DELCONSUMER key group consumer`
//! and `XGROUP HELP`
//!
//! XGROUP DESTROY wakes clients blocked in XREADGROUP on the key (they run
//! the command again and get NOGROUP); as in Redis, no group command aborts
//! transactions WATCHing the key, except XGROUP CREATE MKSTREAM creating it.

use super::super::{help_reply, is, parse_int, Ctx};
use super::{no_group_for_key, subcommand_syntax, try_stream_mut, wake};
use crate::error::{CmdResult, Error, StreamError};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use crate::stream::group::INVALID_ENTRIES_READ;
use crate::stream::{id, Stream, StreamId};
use bytes::Bytes;

/// Options after `<id>` for CREATE and SETID.
struct GroupOpts {
    mkstream: bool,
    entries_read: i64,
}

fn parse_group_opts(args: &[Bytes], create: bool) -> CmdResult<GroupOpts> {
    let mut o = GroupOpts {
        mkstream: false,
        entries_read: INVALID_ENTRIES_READ,
    };
    let mut i = 5;
    while i < args.len() {
        if create && is(&args[i], "MKSTREAM") {
            o.mkstream = true;
            i += 1;
        } else if is(&args[i], "ENTRIESREAD") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])?;
            if n < 0 && n != INVALID_ENTRIES_READ {
                return Err(StreamError::EntriesReadNegative.into());
            }
            o.entries_read = n;
            i += 2;
        } else {
            return Err(subcommand_syntax(args));
        }
    }
    Ok(o)
}

/// ENTRIESREAD above the stream's entries-added is taken as entries-added,
/// as Redis 8.2.2 does (a group cannot have read more than was added);
/// Redis 8.0 stores it as given (docs/compatibility.md).
fn clamp_entries_read(n: i64, s: &Stream) -> i64 {
    if n == INVALID_ENTRIES_READ {
        n
    } else {
        n.min(s.entries_added().min(i64::MAX as u64) as i64)
    }
}

fn key_must_exist() -> Error {
    StreamError::XgroupNoKey.into()
}

pub(super) fn xgroup_create(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let o = parse_group_opts(args, true)?;
    let (key, group, idarg) = (&args[2], &args[3], &args[4]);
    let now = ctx.now_ms;
    let mut created_key = false;
    // Redis's order: the key's type and existence, then the argument count,
    // then the ID (`$` means the stream's last ID).
    let r = ctx.db().with_slot(key, now, |slot| {
        let existing = match slot {
            Some(e) => match &mut e.value {
                Value::Stream(s) => Some(s),
                _ => return Err(Error::WrongType),
            },
            None => None,
        };
        if existing.is_none() && !o.mkstream {
            return Err(key_must_exist());
        }
        if args.len() > 8 {
            return Err(subcommand_syntax(args));
        }
        let id = if &idarg[..] == b"$" {
            existing
                .as_ref()
                .map(|s| s.last_id())
                .unwrap_or(StreamId::MIN)
        } else {
            id::parse_strict(idarg, 0)?
        };
        match existing {
            Some(s) => {
                let entries_read = clamp_entries_read(o.entries_read, s);
                if !s.groups.create(group, id, entries_read) {
                    return Err(Error::BusyGroup);
                }
            }
            None => {
                let mut s = Stream::new();
                let entries_read = clamp_entries_read(o.entries_read, &s);
                s.groups.create(group, id, entries_read);
                *slot = Some(Entry::new(Value::Stream(Box::new(s)), now));
                created_key = true;
            }
        }
        Ok(Reply::OK)
    })?;
    if created_key {
        ctx.signal(key);
    }
    // One change, the new stream of MKSTREAM included.
    ctx.dirty(1);
    Ok(r)
}

pub(super) fn xgroup_setid(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let o = parse_group_opts(args, false)?;
    let (key, group, idarg) = (&args[2], &args[3], &args[4]);
    let r = try_stream_mut(ctx, key, |s| {
        if s.groups.get(group).is_none() {
            return Err(no_group_for_key(group, key));
        }
        if args.len() != 5 && args.len() != 7 {
            return Err(subcommand_syntax(args));
        }
        let id = if &idarg[..] == b"$" {
            s.last_id()
        } else {
            id::parse_with_default(idarg, 0)?
        };
        let entries_read = clamp_entries_read(o.entries_read, s);
        let g = s.groups.get_mut(group).expect("checked");
        g.last_id = id;
        g.entries_read = entries_read;
        Ok(Reply::OK)
    })?
    .ok_or_else(key_must_exist)?;
    // As in Redis, moving the group does not wake blocked readers: they see
    // the new position at the next XADD.
    ctx.dirty(1);
    Ok(r)
}

pub(super) fn xgroup_destroy(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[2], &args[3]);
    let destroyed =
        try_stream_mut(ctx, key, |s| Ok(s.groups.destroy(group)))?.ok_or_else(key_must_exist)?;
    if destroyed {
        // Readers blocked on the group re-run and get NOGROUP.
        wake(ctx, key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(destroyed as i64))
}

pub(super) fn xgroup_createconsumer(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group, consumer) = (&args[2], &args[3], &args[4]);
    let now = ctx.now_ms;
    let created = try_stream_mut(ctx, key, |s| match s.groups.get_mut(group) {
        Some(g) => Ok(g.get_or_create_consumer(consumer, now).1),
        None => Err(no_group_for_key(group, key)),
    })?
    .ok_or_else(key_must_exist)?;
    ctx.dirty(created as u64);
    Ok(Reply::Int(created as i64))
}

/// Replies with the number of pending entries the consumer had (dropped
/// from the group with it).
pub(super) fn xgroup_delconsumer(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group, consumer) = (&args[2], &args[3], &args[4]);
    let n = try_stream_mut(ctx, key, |s| match s.groups.get_mut(group) {
        Some(g) => Ok(g.delete_consumer(consumer)),
        None => Err(no_group_for_key(group, key)),
    })?
    .ok_or_else(key_must_exist)?;
    // A consumer deleted is one change, whatever it had pending.
    ctx.dirty(n.is_some() as u64);
    Ok(Reply::Int(n.unwrap_or(0) as i64))
}

const XGROUP_HELP: &[&str] = &[
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
];

pub(super) fn xgroup_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply("XGROUP", XGROUP_HELP))
}
