//! `XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]`

use super::super::{is, parse_int, Ctx};
use super::stream_mut;
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::Reply;
use crate::stream::{id, StreamId};
use bytes::Bytes;

pub(super) fn xsetid(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let id = id::parse_strict(&args[2], 0)?;
    let mut entries_added: Option<u64> = None;
    let mut max_deleted: Option<StreamId> = None;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if is(&args[i], "entriesadded") && more > 0 {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(StreamError::EntriesAddedNegative.into());
            }
            entries_added = Some(n as u64);
            i += 2;
        } else if is(&args[i], "maxdeletedid") && more > 0 {
            let m = id::parse_strict(&args[i + 1], 0)?;
            if id < m {
                return Err(StreamError::XsetidBelowMaxDeleted.into());
            }
            max_deleted = Some(m);
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    // Parsed; the checks against the stream come next, then the change.
    let r = stream_mut(ctx, &args[1], |s| -> CmdResult<()> {
        // Redis 7.2+: even an empty stream may not go below an ID it deleted
        // (7.0 let an empty stream's last ID go anywhere).
        if id < s.max_deleted_entry_id() {
            return Err(StreamError::XsetidBelowCurrentMaxDeleted.into());
        }
        if !s.is_empty() {
            let top = s.last_live_id().unwrap_or_default();
            if id < top {
                return Err(StreamError::XsetidBelowTop.into());
            }
            if let Some(n) = entries_added {
                if s.len() > n {
                    return Err(StreamError::XsetidEntriesAddedBelowLength.into());
                }
            }
        }
        s.set_last_id(id);
        if let Some(n) = entries_added {
            s.set_entries_added(n);
        }
        if let Some(m) = max_deleted {
            s.set_max_deleted(m);
        }
        Ok(())
    })?;
    match r {
        None => Err(Error::NoSuchKey),
        Some(r) => {
            r?;
            ctx.signal(&args[1]);
            ctx.dirty(1);
            Ok(Reply::OK)
        }
    }
}
