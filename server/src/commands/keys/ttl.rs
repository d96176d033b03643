//! `TTL key`, `PTTL key`, `EXPIRETIME key` and `PEXPIRETIME key`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// What the command reports of the expiry.
enum Report {
    /// TTL: seconds left, rounded.
    Secs,
    /// PTTL: milliseconds left.
    Millis,
    /// EXPIRETIME: the Unix time in seconds.
    AtSecs,
    /// PEXPIRETIME: the Unix time in milliseconds.
    AtMillis,
}

/// The key's expiry as the command reports it; -2 when the key is missing,
/// -1 when it has no expiry.
pub(super) fn ttl(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let report = match &args[0].to_ascii_lowercase()[..] {
        b"ttl" => Report::Secs,
        b"pttl" => Report::Millis,
        b"expiretime" => Report::AtSecs,
        _ => Report::AtMillis,
    };
    let key = &args[1];

    let now = ctx.now_ms;
    let Some(exp) = ctx.db().peek(key, now, |e| e.expire_at) else {
        return Ok(Reply::Int(-2));
    };
    let Some(exp) = exp else {
        return Ok(Reply::Int(-1));
    };
    let left = exp.saturating_sub(now) as i64;
    Ok(Reply::Int(match report {
        Report::Secs => (left + 500) / 1000,
        Report::Millis => left,
        Report::AtSecs => (exp / 1000) as i64,
        Report::AtMillis => exp as i64,
    }))
}
