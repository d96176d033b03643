//! `XREADGROUP GROUP group consumer [COUNT count] [MAXCOUNT maxcount] [MAXSIZE maxsize] [BLOCK milliseconds] [CLAIM min-idle-time] [NOACK] STREAMS key [key ...] id [id ...]`
//!
//! The options are XREAD's (`xread.rs` parses both). Serving one stream —
//! new entries (`>`), a consumer's history (an ID), or with CLAIM idle
//! pending entries first — is [`Stream::read_group`](crate::stream::Stream::read_group).

use super::super::{BlockRequest, Ctx};
use super::read_caps::ReplyBudget;
use super::xread::{parse_read_args, streams_reply};
use super::{lossy, stream_mut, stream_ref};
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::Reply;
use crate::stream::id;
use crate::stream::read::{GroupRead, NEW_ENTRIES};
use crate::stream::StreamId;
use bytes::Bytes;
use std::time::Duration;

fn parse_readgroup_id(arg: &[u8]) -> CmdResult<StreamId> {
    match arg {
        b"$" => Err(StreamError::LastIdInXreadgroup.into()),
        b"+" => Err(StreamError::MaxIdInXreadgroup.into()),
        b">" => Ok(NEW_ENTRIES),
        _ => id::parse_strict(arg, 0),
    }
}

fn no_group(key: &[u8], group: &[u8]) -> Error {
    Error::NoGroupReadgroup(lossy(key), lossy(group))
}

pub(super) fn xreadgroup(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let r = parse_read_args(args, true)?;
    let (group, consumer) = r.group.as_ref().expect("parse_read_args requires GROUP");
    let (keys, idargs) = (r.keys(args), r.ids(args));
    // Validate every key, group and ID before serving any (no partial effects).
    let mut ids = Vec::with_capacity(keys.len());
    for (key, idarg) in keys.iter().zip(idargs) {
        let has_group = stream_ref(ctx, key, |s| s.groups.get(group).is_some())?;
        if has_group != Some(true) {
            return Err(no_group(key, group));
        }
        ids.push(parse_readgroup_id(idarg)?);
    }
    let now = ctx.now_ms;
    let resp3 = ctx.resp3();
    let mut claim = r.claim;
    let mut budget = ReplyBudget::new(r.caps, resp3);
    let mut served: Vec<(Bytes, Reply)> = Vec::new();
    for (key, &from) in keys.iter().zip(&ids) {
        if budget.full() {
            // MAXCOUNT / MAXSIZE reached: later streams are skipped
            // (nothing read, delivered or created for them).
            break;
        }
        let read = GroupRead {
            group,
            consumer,
            from,
            // MAXCOUNT leaves at most this many for this stream (0 = no limit).
            count: budget.stream_count(r.count),
            noack: r.noack,
            claim,
            now,
        };
        let (entries, created) = stream_mut(ctx, key, |s| s.read_group(&read, key, &mut budget))?
            .and_then(Result::ok)
            .ok_or_else(|| no_group(key, group))?;
        // As Redis counts: a consumer created, and a stream that delivered
        // new entries (a history read changes nothing), one change each.
        ctx.dirty(created as u64 + (from == NEW_ENTRIES && entries.is_some()) as u64);
        if let Some(entries) = entries {
            served.push((key.clone(), entries));
        }
        if from != NEW_ENTRIES {
            // Redis clears CLAIM after serving history, for the rest of the command.
            claim = None;
        }
    }
    if !served.is_empty() {
        return Ok(streams_reply(served, resp3));
    }
    match r.block {
        Some(ms) if ctx.may_block() => {
            if let Some(min_idle) = claim {
                // Also wake when a pending entry becomes idle enough to claim.
                let mut deadline = u64::MAX;
                for key in keys {
                    let d = stream_ref(ctx, key, |s| s.claim_deadline(group, min_idle, now))?;
                    if let Some(Some(d)) = d {
                        deadline = deadline.min(d);
                    }
                }
                if deadline != u64::MAX {
                    wake_at(ctx, keys, deadline);
                }
            }
            ctx.block = Some(BlockRequest {
                keys: keys.to_vec(),
                timeout: (ms > 0).then(|| Duration::from_millis(ms)),
                retry_args: args.to_vec(),
                timeout_reply: Reply::NilArray,
            });
            Ok(Reply::NilArray)
        }
        _ => Ok(Reply::NilArray),
    }
}

/// Wakes the clients blocked on `keys` at `deadline_ms` (by the server's
/// clock), so a blocked `XREADGROUP ... CLAIM` runs again when pending
/// entries become claimable. A wake-up is only a nudge: the command checks
/// again and blocks again when there is still nothing.
fn wake_at(ctx: &Ctx<'_>, keys: &[Bytes], deadline_ms: u64) {
    let shared = ctx.shared.clone();
    let db = ctx.client.db;
    let keys = keys.to_vec();
    let wait = deadline_ms.saturating_sub(ctx.now_ms);
    // Under the server's tracker: shutdown ends the timer at once.
    ctx.shared.spawn_background(async move {
        // One extra millisecond: the entry must be strictly idle enough when the
        // command runs again.
        tokio::time::sleep(Duration::from_millis(wait.saturating_add(1))).await;
        for k in &keys {
            shared.keyspace.events.signal_blocking(db, k);
        }
    });
}
