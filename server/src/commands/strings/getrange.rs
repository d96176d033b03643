//! `GETRANGE key start end` and `SUBSTR key start end`
//!
//! SUBSTR is the old name, deprecated since Redis 2.0.0.

use super::read_str;
use crate::commands::{parse_int, Ctx};
use crate::error::CmdResult;
use crate::protocol::Reply;
use bytes::Bytes;

/// The bytes from `start` to `end` inclusive (negative counts from the
/// end), clamped to the string; empty when the range is.
pub(super) fn getrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    let mut start = parse_int(&args[2])?;
    let mut end = parse_int(&args[3])?;

    let Some(s) = read_str(ctx, key)? else {
        return Ok(Reply::bulk_str(""));
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Ok(Reply::bulk_str(""));
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return Ok(Reply::bulk_str(""));
    }
    Ok(Reply::Bulk(s.slice(start as usize..=end as usize)))
}
