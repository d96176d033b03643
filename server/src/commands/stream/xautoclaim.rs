//! `XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]`

use super::super::{is, Ctx};
use super::{no_key_or_group, parse_interval, try_stream_mut};
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::raw::{write_bulk, ArrayBuf};
use crate::protocol::request::parse_i64;
use crate::protocol::Reply;
use crate::stream::group::AutoClaimOpts;
use crate::stream::{Stream, StreamId};
use bytes::Bytes;

/// Redis bounds COUNT so count * max(sizeof(streamID), 10) fits a long.
const MAX_COUNT: i64 = i64::MAX / 16;

fn parse_xautoclaim(args: &[Bytes]) -> CmdResult<(StreamId, AutoClaimOpts)> {
    let min_idle = parse_i64(&args[4])
        .ok_or(StreamError::XautoclaimMinIdle)?
        .max(0);
    let start = parse_interval(&args[5], 0, true)?;
    let mut count: usize = 100;
    let mut justid = false;
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if is(&args[j], "COUNT") && more > 0 {
            let c = parse_i64(&args[j + 1])
                .filter(|c| (1..=MAX_COUNT).contains(c))
                .ok_or(StreamError::XautoclaimCount)?;
            count = c as usize;
            j += 1;
        } else if is(&args[j], "JUSTID") {
            justid = true;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    Ok((
        start,
        AutoClaimOpts {
            min_idle,
            count,
            justid,
        },
    ))
}

pub(super) fn xautoclaim(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group, consumer) = (&args[1], &args[2], &args[3]);
    let (start, o) = parse_xautoclaim(args)?;
    let now = ctx.now_ms;
    // A consumer created, each entry claimed and each pending entry dropped
    // because it was deleted count once each, as in Redis.
    let mut changes = 0u64;
    let reply = try_stream_mut(ctx, key, |s| {
        if s.groups.get(group).is_none() {
            return Err(no_key_or_group(key, group));
        }
        // Redis allocates COUNT IDs up front for the deleted-IDs reply and
        // fails on absurd counts; Sluice allocates as it goes but keeps the
        // reply for counts no allocator could serve (over 1 TiB of IDs).
        if o.count > (1usize << 36) {
            return Err(StreamError::XautoclaimCountTooHigh.into());
        }
        let Stream { log, groups, .. } = s;
        let g = groups.get_mut(group).expect("checked");
        let (slot, created) = g.get_or_create_consumer(consumer, now);
        g.touch_seen(slot, now);
        let r = g.autoclaim(start, slot, o, now, |id| log.get(id).is_some());
        changes = created as u64 + (r.claimed.len() + r.deleted.len()) as u64;
        let mut out = ArrayBuf::with_capacity(64);
        for &id in &r.claimed {
            if o.justid {
                write_bulk(out.body(), &id.to_bytes());
            } else if let Some(e) = log.get(id) {
                e.write_resp(out.body());
            }
        }
        Ok(Reply::Array(vec![
            r.next.to_reply(),
            Reply::Raw(out.finish(r.claimed.len())),
            Reply::Array(r.deleted.into_iter().map(|id| id.to_reply()).collect()),
        ]))
    })?
    .ok_or_else(|| no_key_or_group(key, group))?;
    ctx.dirty(changes);
    Ok(reply)
}
