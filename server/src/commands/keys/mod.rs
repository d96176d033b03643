//! The key-space (`generic`) family: commands that act on keys whatever
//! they hold. One file per command or tight group, named after it; the
//! COMMAND rows are in `spec.rs`.
//!
//! Commands that read or change several keys as one step (RENAME, COPY,
//! MOVE) carry the EXCLUSIVE flag, so no other command runs between their
//! reads and writes. Expiry times are absolute milliseconds on the server
//! clock; a time already past deletes the key, as Redis does.

mod copy;
mod del;
mod exists;
mod expire;
// The KEYS command's file, named after it like every other here.
#[allow(clippy::module_inception)]
mod keys;
mod r#move;
mod object;
mod persist;
mod randomkey;
mod rename;
mod scan;
mod spec;
mod touch;
mod ttl;
mod r#type;

pub use spec::COMMANDS;

use super::{parse_int, Ctx};
use crate::error::{CmdResult, Error};

/// Parses a database index argument for COPY / MOVE: an integer that fits
/// Redis's `int`, naming one of the server's databases.
fn parse_db(ctx: &Ctx<'_>, arg: &[u8]) -> CmdResult<usize> {
    let n = parse_int(arg)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(Error::NotInteger);
    }
    if n < 0 || n as usize >= ctx.shared.keyspace.db_count() {
        return Err(Error::DbIndexOutOfRange);
    }
    Ok(n as usize)
}
