//! `RANDOMKEY`

use crate::commands::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;
use std::cell::Cell;

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::time::SystemTime::now()) | 1
    });
}

/// A fast non-cryptographic random number: which key RANDOMKEY picks is
/// not a secret.
fn rand_u64() -> u64 {
    RNG.with(|r| {
        // xorshift64*
        let mut x = r.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        r.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A random live key, or nil when the database has none.
pub(super) fn randomkey(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(match ctx.db().random_key(ctx.now_ms, rand_u64) {
        Some(k) => Reply::Bulk(k),
        None => Reply::Nil,
    })
}
