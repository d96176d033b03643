//! `XPENDING key group [[IDLE min-idle-time] start end count [consumer]]`
//!
//! Without a range, the summary (count, smallest and largest pending ID,
//! entries per consumer); with one, the pending entries in it.

use super::super::{is, parse_int, Ctx};
use super::{no_key_or_group, parse_interval, try_stream_ref};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use crate::stream::group::nack::count_value;
use crate::stream::StreamId;
use bytes::Bytes;

/// The extended form's arguments.
struct PendingRange<'a> {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: usize,
    consumer: Option<&'a Bytes>,
}

pub(super) fn xpending(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let argc = args.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(Error::Syntax);
    }
    let (key, group) = (&args[1], &args[2]);
    let mut range = None;
    if argc >= 6 {
        let mut at = 3;
        let mut min_idle = 0i64;
        if is(&args[3], "IDLE") {
            min_idle = parse_int(&args[4])?;
            if argc < 8 {
                return Err(Error::Syntax);
            }
            at += 2;
        }
        let count = parse_int(&args[at + 2])?.max(0) as usize;
        let start = parse_interval(&args[at], 0, true)?;
        let end = parse_interval(&args[at + 1], u64::MAX, false)?;
        range = Some(PendingRange {
            min_idle,
            start,
            end,
            count,
            consumer: args.get(at + 3),
        });
    }
    let now = ctx.now_ms;
    try_stream_ref(ctx, key, |s| {
        let Some(g) = s.groups.get(group) else {
            return Err(no_key_or_group(key, group));
        };
        let Some(r) = range else {
            let (n, ids, per) = g.pending_summary();
            return Ok(match ids {
                None => Reply::Array(vec![Reply::Int(0), Reply::Nil, Reply::Nil, Reply::NilArray]),
                Some((lo, hi)) => Reply::Array(vec![
                    Reply::Int(n as i64),
                    lo.to_reply(),
                    hi.to_reply(),
                    Reply::Array(
                        per.into_iter()
                            .map(|(name, c)| {
                                let mut b = itoa::Buffer::new();
                                Reply::Array(vec![
                                    Reply::Bulk(name),
                                    Reply::bulk_from(b.format(c).as_bytes()),
                                ])
                            })
                            .collect(),
                    ),
                ]),
            });
        };
        let slot = match r.consumer {
            Some(name) => match g.consumer_slot(name) {
                Some(s) => Some(s),
                None => return Ok(Reply::Array(Vec::new())),
            },
            None => None,
        };
        let rows = g.pending_range(r.start, r.end, r.count, r.min_idle, slot, now);
        Ok(Reply::Array(
            rows.into_iter()
                .map(|row| {
                    Reply::Array(vec![
                        row.id.to_reply(),
                        Reply::Bulk(row.consumer),
                        Reply::Int(row.idle),
                        Reply::Int(count_value(row.count)),
                    ])
                })
                .collect(),
        ))
    })?
    .ok_or_else(|| no_key_or_group(key, group))
}
