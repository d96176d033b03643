//! `XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]`

use super::super::{is, Ctx};
use super::{lossy, no_key_or_group, try_stream_mut};
use crate::error::{CmdResult, StreamError};
use crate::protocol::raw::{write_bulk, ArrayBuf};
use crate::protocol::request::parse_i64;
use crate::protocol::Reply;
use crate::stream::group::ClaimOpts;
use crate::stream::{id, Stream, StreamId};
use bytes::Bytes;

/// XCLAIM's arguments after the consumer.
struct ClaimArgs {
    ids: Vec<StreamId>,
    opts: ClaimOpts,
    /// `LASTID`: the group's last ID moves up to it.
    last_id: StreamId,
}

fn parse_xclaim(args: &[Bytes], now: u64) -> CmdResult<ClaimArgs> {
    let min_idle = parse_i64(&args[4])
        .ok_or(StreamError::XclaimMinIdle)?
        .max(0);
    // IDs up to the first argument that is not one; options after.
    let mut ids = Vec::new();
    let mut j = 5;
    while j < args.len() {
        match id::parse_strict(&args[j], 0) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        j += 1;
    }
    let mut time: Option<i64> = None;
    let mut retry: Option<i64> = None;
    let (mut force, mut justid) = (false, false);
    let mut last_id = StreamId::MIN;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let o = &args[j];
        if is(o, "FORCE") {
            force = true;
        } else if is(o, "JUSTID") {
            justid = true;
        } else if is(o, "IDLE") && more > 0 {
            j += 1;
            let idle = parse_i64(&args[j]).ok_or(StreamError::XclaimIdle)?;
            time = Some((now as i64).wrapping_sub(idle));
        } else if is(o, "TIME") && more > 0 {
            j += 1;
            time = Some(parse_i64(&args[j]).ok_or(StreamError::XclaimTime)?);
        } else if is(o, "RETRYCOUNT") && more > 0 {
            j += 1;
            retry = Some(parse_i64(&args[j]).ok_or(StreamError::XclaimRetrycount)?);
        } else if is(o, "LASTID") && more > 0 {
            j += 1;
            last_id = id::parse_strict(&args[j], 0)?;
        } else {
            return Err(StreamError::XclaimOption(lossy(o)).into());
        }
        j += 1;
    }
    // A delivery time in the future, or before the epoch, means now.
    let time = match time {
        Some(t) if t >= 0 && t <= now as i64 => t as u64,
        _ => now,
    };
    Ok(ClaimArgs {
        ids,
        opts: ClaimOpts {
            min_idle,
            time,
            retry_count: retry.filter(|&r| r >= 0).map(|r| r as u64),
            force,
            justid,
        },
        last_id,
    })
}

pub(super) fn xclaim(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group, consumer) = (&args[1], &args[2], &args[3]);
    let now = ctx.now_ms;
    // Parsed first; a missing key or group is reported before a bad argument,
    // as Redis checks them first.
    let parsed = parse_xclaim(args, now);
    // Counted as Redis counts them: a consumer created, each entry claimed,
    // each pending entry dropped because it was deleted, and LASTID moving
    // the group when nothing else changed.
    let mut changes = 0u64;
    let reply = try_stream_mut(ctx, key, |s| {
        if s.groups.get(group).is_none() {
            return Err(no_key_or_group(key, group));
        }
        let a = parsed?;
        let Stream { log, groups, .. } = s;
        let g = groups.get_mut(group).expect("checked");
        let moved = a.last_id > g.last_id;
        if moved {
            g.last_id = a.last_id;
        }
        let (slot, created) = g.get_or_create_consumer(consumer, now);
        changes += created as u64;
        let mut dropped = 0;
        g.touch_seen(slot, now);
        let mut out = ArrayBuf::with_capacity(64);
        let mut n = 0;
        for id in a.ids {
            let entry = log.get(id);
            if entry.is_none() && g.nack(id).is_some() {
                dropped += 1;
            }
            if g.claim(id, slot, &a.opts, now, entry.is_some()) {
                n += 1;
                match entry {
                    _ if a.opts.justid => write_bulk(out.body(), &id.to_bytes()),
                    Some(e) => e.write_resp(out.body()),
                    None => {}
                }
            }
        }
        changes += (n + dropped) as u64;
        if moved && n + dropped == 0 {
            changes += 1;
        }
        Ok(Reply::Raw(out.finish(n)))
    })?
    .ok_or_else(|| no_key_or_group(key, group))?;
    ctx.dirty(changes);
    Ok(reply)
}
