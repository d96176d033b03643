//! `XACK key group id [id ...]`
//! `XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...]`
//! and `XNACK key group <SILENT | FAIL | FATAL> IDS numids id [id ...] [RETRYCOUNT count] [FORCE]`
//!
//! The end of a delivery: acknowledged (XACK), acknowledged and deleted
//! under a reference policy (XACKDEL, Redis 8.2), or handed back to the
//! group unacknowledged for another consumer to claim (XNACK, Redis 8.8;
//! `stream/group/nack.rs`).

use super::super::{parse_int, Ctx};
use super::{missing_all, no_key_or_group, parse_ids, parse_ids_block, stream_mut, try_stream_mut};
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::raw::int_array;
use crate::protocol::Reply;
use crate::stream::group::nack::NackMode;
use crate::stream::refs::outcome;
use crate::stream::{Stream, StreamId};
use bytes::Bytes;

/// All IDs are validated before any is acknowledged; a missing key or
/// group acknowledges nothing (and the IDs are not parsed).
pub(super) fn xack(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[1], &args[2]);
    // Parsed first; a bad ID is reported only once the group is found.
    let ids = parse_ids(&args[3..]);
    let r = try_stream_mut(ctx, key, |s| {
        let Some(g) = s.groups.get_mut(group) else {
            return Ok(0);
        };
        // Borrowed, not moved into the closure: XACK is a hot path.
        let ids = ids.as_ref().map_err(Error::clone)?;
        Ok(ids.iter().filter(|&&id| g.ack(id)).count() as i64)
    })?;
    let acked = r.unwrap_or(0);
    ctx.dirty(acked as u64);
    Ok(Reply::Int(acked))
}

pub(super) fn xackdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[1], &args[2]);
    // Parsed first; the errors are reported in Redis's order: the key's
    // type, the options, the group (none: -1 for every ID, whatever they
    // are), then the IDs.
    let block = parse_ids_block(args, 3);
    let ids = block
        .as_ref()
        .ok()
        .map(|&(_, at, n)| parse_ids(&args[at..at + n]));
    let r = stream_mut(ctx, key, |s| {
        let (policy, _, _) = block.clone()?;
        let Some(g) = s.groups.get_mut(group) else {
            return Ok(None);
        };
        let ids = ids.expect("parsed with the block")?;
        let pending: Vec<bool> = ids.iter().map(|&id| g.ack(id)).collect();
        Ok::<_, Error>(Some(s.delete_with_policy(&ids, policy, Some(&pending))))
    })?;
    let Some((out, deleted)) = r.transpose()?.flatten() else {
        return Ok(missing_all(block?.2));
    };
    if deleted {
        ctx.signal(key);
    }
    // Not in Redis 8.0: each ID acknowledged counts once, as in XACK.
    ctx.dirty(out.iter().filter(|&&o| o != outcome::MISSING).count() as u64);
    Ok(Reply::Raw(int_array(&out)))
}

/// Parsed XNACK arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NackArgs {
    mode: NackMode,
    /// Index range of the IDs.
    ids_at: usize,
    nids: usize,
    retry: Option<u64>,
    force: bool,
}

/// XNACK from argument 3 on: the mode, then `IDS numids id...`,
/// `RETRYCOUNT count` and `FORCE` in any order.
fn parse_xnack(args: &[Bytes]) -> CmdResult<NackArgs> {
    let m = &args[3][..];
    let mode = if m.eq_ignore_ascii_case(b"silent") {
        NackMode::Silent
    } else if m.eq_ignore_ascii_case(b"fail") {
        NackMode::Fail
    } else if m.eq_ignore_ascii_case(b"fatal") {
        NackMode::Fatal
    } else {
        return Err(StreamError::XnackMode.into());
    };
    let mut ids = None;
    let mut retry = None;
    let mut force = false;
    let mut i = 4;
    while i < args.len() {
        let a = &args[i][..];
        if a.eq_ignore_ascii_case(b"ids") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])
                .ok()
                .filter(|&n| (1..=i32::MAX as i64).contains(&n))
                .ok_or(StreamError::XnackNumidsNotPositive)? as usize;
            if args.len() - (i + 2) < n {
                return Err(StreamError::XnackNumidsMismatch.into());
            }
            ids = Some((i + 2, n));
            i += 2 + n;
        } else if a.eq_ignore_ascii_case(b"retrycount") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(StreamError::XnackRetrycountNegative.into());
            }
            retry = Some(n as u64);
            i += 2;
        } else if a.eq_ignore_ascii_case(b"force") {
            force = true;
            i += 1;
        } else {
            return Err(StreamError::XnackOption(String::from_utf8_lossy(a).into_owned()).into());
        }
    }
    let (ids_at, nids) = ids.ok_or(StreamError::XnackIdsRequired)?;
    Ok(NackArgs {
        mode,
        ids_at,
        nids,
        retry,
        force,
    })
}

pub(super) fn xnack(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[1], &args[2]);
    let a = parse_xnack(args)?;
    let ids = parse_ids(&args[a.ids_at..a.ids_at + a.nids])?;
    let released = stream_mut(ctx, key, |s| release(s, group, &ids, &a))?
        .flatten()
        .ok_or_else(|| no_key_or_group(key, group))?;
    if released > 0 {
        // Released entries are claimable at once: wake XREADGROUP ... CLAIM readers.
        ctx.signal(key);
    }
    // Not in Redis 8.0: each entry released counts, as an XCLAIM would.
    ctx.dirty(released as u64);
    Ok(Reply::Int(released))
}

/// XNACK's effect on one stream: the number of entries released, None
/// without the group.
fn release(s: &mut Stream, group: &[u8], ids: &[StreamId], a: &NackArgs) -> Option<i64> {
    let Stream { log, groups, .. } = s;
    let g = groups.get_mut(group)?;
    let mut n = 0;
    for &id in ids {
        // FORCE can release an entry no one has pending, if it still exists.
        let exists = a.force && g.nack(id).is_none() && log.get(id).is_some();
        if g.xnack(id, a.mode, a.retry, a.force, exists) {
            n += 1;
        }
    }
    Some(n)
}
