//! `XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count] [KEEPREF | DELREF | ACKED]`

use super::super::Ctx;
use super::stream_mut;
use super::xadd::parse_add_or_trim;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

pub(super) fn xtrim(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // The options are XADD's, without the ID and fields.
    let parsed = parse_add_or_trim(ctx, args, false)?;
    let (t, policy) = (parsed.trim, parsed.ext.policy());
    let strategy = t.strategy.expect("XTRIM requires a strategy");
    let removed = stream_mut(ctx, &args[1], |s| {
        s.trim_with_policy(strategy, t.approx, t.limit, policy)
    })?
    .unwrap_or(0);
    if removed > 0 {
        ctx.signal(&args[1]);
        ctx.dirty(removed as u64);
    }
    Ok(Reply::Int(removed as i64))
}
