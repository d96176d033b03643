//! `MEMORY USAGE key [SAMPLES count]`, `MEMORY HELP`

use super::super::{help_reply, is, parse_int, Ctx};
use crate::error::{CmdResult, Error};
use crate::keyspace::key_usage;
use crate::protocol::Reply;
use bytes::Bytes;

/// `MEMORY USAGE key [SAMPLES count]`
pub(super) fn memory_usage(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "samples") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(Error::Syntax);
            }
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = &args[2];
    Ok(ctx
        .db()
        .peek(key, ctx.now_ms, |e| {
            Reply::Int((key_usage(key) + e.value.memory_usage()) as i64)
        })
        .unwrap_or(Reply::Nil))
}

pub(super) fn memory_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "MEMORY",
        &[
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    ))
}
