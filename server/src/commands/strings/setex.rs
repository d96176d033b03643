//! `SETEX key seconds value` and `PSETEX key milliseconds value`

use super::{cmd_name, expire_arg};
use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores `value` with an expiry that many seconds (milliseconds) from now.
pub(super) fn setex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let name = cmd_name(args);
    let key = &args[1];
    let at = expire_arg(ctx, &args[2], name == "setex", true, &name)?;
    let value = Bytes::copy_from_slice(&args[3]);

    let now = ctx.now_ms;
    ctx.db().insert(
        key,
        Entry::with_expiry(Value::Str(value), Some(at), now),
        now,
    );
    ctx.signal(key);
    ctx.dirty(1);
    Ok(Reply::OK)
}
