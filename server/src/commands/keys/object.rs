//! `OBJECT ENCODING key`, `OBJECT FREQ key`, `OBJECT IDLETIME key`,
//! `OBJECT REFCOUNT key` and `OBJECT HELP`

use crate::commands::{help_reply, Ctx};
use crate::error::{CmdResult, KeysError};
use crate::keyspace::Value;
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// The subcommands that read a key.
enum Sub {
    Encoding,
    Freq,
    IdleTime,
    RefCount,
}

/// What the subcommand reports of the key's value; nil when the key is missing.
pub(super) fn object(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // The table sends only these four here.
    let sub = match &args[1].to_ascii_lowercase()[..] {
        b"encoding" => Sub::Encoding,
        b"freq" => Sub::Freq,
        b"idletime" => Sub::IdleTime,
        _ => Sub::RefCount,
    };
    let key = &args[2];

    let now = ctx.now_ms;
    let found = ctx.db().peek(key, now, |e| match sub {
        Sub::Encoding => Ok(Reply::bulk_str(e.encoding())),
        // Sluice has no LFU policy, as Redis without one.
        Sub::Freq => Err(KeysError::LfuNotSelected.into()),
        Sub::IdleTime => {
            let access = e.access.load(Ordering::Relaxed) as u64;
            Ok(Reply::Int((now / 1000).saturating_sub(access) as i64))
        }
        Sub::RefCount => {
            // Redis shares the objects for the integers 0..9999 (refcount "infinite").
            let shared = match &e.value {
                Value::Str(s) => {
                    e.encoding() == "int"
                        && crate::protocol::request::parse_i64(s)
                            .is_some_and(|n| (0..10000).contains(&n))
                }
                #[allow(unreachable_patterns)]
                _ => false,
            };
            Ok(Reply::Int(if shared { i32::MAX as i64 } else { 1 }))
        }
    });
    found.unwrap_or(Ok(Reply::Nil))
}

/// `OBJECT HELP`: Redis's help lines.
pub(super) fn object_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    ))
}
