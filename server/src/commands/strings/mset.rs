//! `MSET key value [key value ...]` and `MSETNX key value [key value ...]`
//!
//! Both carry the EXCLUSIVE flag: all the keys are set at once, and MSETNX's
//! check that none exists holds until they are.

use crate::commands::{is, Ctx};
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

/// Stores every pair (clearing expiries); MSETNX only when none of the keys
/// exists, replying 1 when it stored them, else 0.
pub(super) fn mset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() % 2 == 0 {
        return Err(Error::arity(&args[0]));
    }
    let nx = is(&args[0], "msetnx");
    let pairs = args[1..].chunks(2);

    let db = ctx.db();
    let now = ctx.now_ms;
    if nx && pairs.clone().any(|kv| db.exists(&kv[0], now)) {
        return Ok(Reply::Int(0));
    }
    for kv in pairs {
        let v = Bytes::copy_from_slice(&kv[1]);
        db.insert(&kv[0], Entry::new(Value::Str(v), now), now);
        ctx.signal(&kv[0]);
    }
    // Redis counts the pairs, a key given twice included.
    ctx.dirty((args.len() as u64 - 1) / 2);
    Ok(if nx { Reply::Int(1) } else { Reply::OK })
}
