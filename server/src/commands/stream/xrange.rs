//! `XRANGE key start end [COUNT count]`
//! and `XREVRANGE key end start [COUNT count]`
//!
//! Bounds are `-`, `+`, `ms`, `ms-seq`, or exclusive `(id`; a missing
//! sequence is 0 for the start and the largest for the end.

use super::super::{is, parse_int, Ctx};
use super::{parse_interval, stream_ref};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use crate::stream::read::{entries_reply, Unlimited};
use bytes::Bytes;

pub(super) fn xrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    range(ctx, args, false)
}

pub(super) fn xrevrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    range(ctx, args, true)
}

fn range(ctx: &mut Ctx<'_>, args: &[Bytes], rev: bool) -> CmdResult<Reply> {
    let (start_arg, end_arg) = if rev {
        (&args[3], &args[2])
    } else {
        (&args[2], &args[3])
    };
    let start = parse_interval(start_arg, 0, true)?;
    let end = parse_interval(end_arg, u64::MAX, false)?;
    let mut count: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        if is(&args[j], "count") && j + 1 < args.len() {
            count = parse_int(&args[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let reply = stream_ref(ctx, &args[1], |s| {
        if count == 0 {
            return Reply::NilArray;
        }
        let count = if count < 0 { 0 } else { count as usize };
        if rev {
            entries_reply(s.rev_range(start, end), count, &mut Unlimited)
        } else {
            entries_reply(s.range(start, end), count, &mut Unlimited)
        }
    })?;
    Ok(reply.unwrap_or(Reply::Array(Vec::new())))
}
