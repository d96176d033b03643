//! `XDEL key id [id ...]`
//! and `XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...]`
//!
//! XDEL deletes regardless of consumer groups (KEEPREF); XDELEX applies a
//! reference policy and replies per ID (`stream/refs.rs`).

use super::super::Ctx;
use super::{missing_all, parse_ids, parse_ids_block, stream_mut, stream_ref};
use crate::error::{CmdResult, Error};
use crate::protocol::raw::int_array;
use crate::protocol::Reply;
use crate::stream::refs::outcome;
use bytes::Bytes;

pub(super) fn xdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let ids = parse_ids(&args[2..]);
    // A bad ID is reported only for a stream that exists (a missing key
    // answers 0), as Redis looks the key up first.
    let exists = stream_ref(ctx, &args[1], |_| ())?;
    if exists.is_none() {
        return Ok(Reply::Int(0));
    }
    let ids = ids?;
    let deleted = stream_mut(ctx, &args[1], |s| {
        ids.iter().filter(|&&id| s.delete(id)).count()
    })?
    .unwrap_or(0);
    if deleted > 0 {
        ctx.signal(&args[1]);
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted as i64))
}

pub(super) fn xdelex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    // Parsed first; the errors are reported in Redis's order: the key's
    // type, the options, then (for a stream that exists: a missing key
    // answers -1 for every ID, whatever they are) the IDs.
    let block = parse_ids_block(args, 2);
    let ids = block
        .as_ref()
        .ok()
        .map(|&(_, at, n)| parse_ids(&args[at..at + n]));
    let r = stream_mut(ctx, key, |s| {
        let (policy, _, _) = block.clone()?;
        let ids = ids.expect("parsed with the block")?;
        Ok::<_, Error>(s.delete_with_policy(&ids, policy, None))
    })?;
    let Some(r) = r else {
        return Ok(missing_all(block?.2));
    };
    let (out, deleted) = r?;
    if deleted {
        ctx.signal(key);
    }
    // Redis 8.2 has XDELEX; 8.0 does not: each entry deleted counts, as in XDEL.
    ctx.dirty(out.iter().filter(|&&o| o == outcome::DELETED).count() as u64);
    Ok(Reply::Raw(int_array(&out)))
}
