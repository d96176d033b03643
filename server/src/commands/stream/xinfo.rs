//! `XINFO STREAM key [FULL [COUNT count]]`
//! `XINFO GROUPS key`
//! `XINFO CONSUMERS key group`
//! and `XINFO HELP`
//!
//! XINFO STREAM, FULL or not, is assembled here in one place: the log's
//! counters, the six IDMP fields (Redis 8.6, on every stream), then
//! either the first and last entries and the group count, or (FULL) the
//! entries and every group with its PEL and consumers in Redis 7.4's
//! layout (plus Redis 8.8's `nacked-count` for groups that used XNACK).

use super::super::{help_reply, is, parse_int, Ctx};
use super::{no_group_for_key, subcommand_syntax, try_stream_ref};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use crate::stream::group::nack::count_value;
use crate::stream::group::{Group, StreamMeta, INVALID_ENTRIES_READ};
use crate::stream::read::{entries_reply, Unlimited};
use crate::stream::{EntryRef, Stream, StreamId};
use bytes::Bytes;

fn kv(k: &'static str, v: Reply) -> (Reply, Reply) {
    (Reply::bulk_str(k), v)
}

fn entries_read_reply(n: i64) -> Reply {
    if n == INVALID_ENTRIES_READ {
        Reply::Nil
    } else {
        Reply::Int(n)
    }
}

fn lag_reply(g: &Group, m: &StreamMeta) -> Reply {
    match g.lag(m) {
        Some(l) => Reply::Int(l),
        None => Reply::Nil,
    }
}

/// XINFO STREAM's options.
struct StreamInfoArgs {
    full: bool,
    /// FULL's COUNT: entries, and pending entries per group and consumer
    /// (0 = all).
    count: usize,
}

fn parse_xinfo_stream(args: &[Bytes]) -> CmdResult<StreamInfoArgs> {
    let mut a = StreamInfoArgs {
        full: false,
        count: 10,
    };
    // A malformed option list gets XINFO's subcommand error, not a syntax error.
    if args.len() > 3 {
        if !is(&args[3], "full") {
            return Err(subcommand_syntax(args));
        }
        a.full = true;
        if args.len() > 4 {
            if args.len() != 6 || !is(&args[4], "count") {
                return Err(subcommand_syntax(args));
            }
            let n = parse_int(&args[5])?;
            a.count = if n < 0 { 10 } else { n as usize };
        }
    }
    Ok(a)
}

pub(super) fn xinfo_stream(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let now = ctx.now_ms;
    // Redis's order: the key (missing, wrong type), then the options; a
    // read-only command, so parsing after the lookup changes nothing.
    try_stream_ref(ctx, &args[2], |s| {
        let a = parse_xinfo_stream(args)?;
        Ok(stream_info(s, &a, now))
    })?
    .ok_or(Error::NoSuchKey)
}

fn stream_info(s: &Stream, a: &StreamInfoArgs, now: u64) -> Reply {
    let mut m = vec![
        kv("length", Reply::Int(s.len() as i64)),
        kv("radix-tree-keys", Reply::Int(s.node_count() as i64)),
        kv("radix-tree-nodes", Reply::Int(s.rax_nodes() as i64)),
        kv("last-generated-id", s.last_id().to_reply()),
        kv("max-deleted-entry-id", s.max_deleted_entry_id().to_reply()),
        kv("entries-added", Reply::Int(s.entries_added() as i64)),
        kv("recorded-first-entry-id", s.first_id().to_reply()),
    ];
    // The six IDMP fields (Redis 8.6), on every stream: 100/100/0/0/0/0
    // on one that never used IDMP.
    let i = s.idmp.info(now);
    let n = |k: &'static str, v: u64| kv(k, Reply::Int(v as i64));
    m.push(n("idmp-duration", i.duration as u64));
    m.push(n("idmp-maxsize", i.maxsize as u64));
    m.push(n("pids-tracked", i.pids_tracked));
    m.push(n("iids-tracked", i.iids_tracked));
    m.push(n("iids-added", i.iids_added));
    m.push(n("iids-duplicates", i.iids_duplicates));
    let entry = |e: Option<EntryRef<'_>>| match e {
        Some(e) => {
            let mut v = Vec::new();
            e.write_resp(&mut v);
            Reply::Raw(Bytes::from(v))
        }
        None => Reply::Nil,
    };
    if !a.full {
        m.push(kv("groups", Reply::Int(s.groups.len() as i64)));
        m.push(kv("first-entry", entry(s.first_entry())));
        m.push(kv("last-entry", entry(s.last_entry())));
    } else {
        m.push(kv(
            "entries",
            entries_reply(
                s.range(StreamId::MIN, StreamId::MAX),
                a.count,
                &mut Unlimited,
            ),
        ));
        m.push(kv("groups", full_groups(s, a.count)));
    }
    Reply::Map(m)
}

/// The `groups` value of `XINFO STREAM key FULL [COUNT n]` (count 0 = all
/// pending entries), in Redis 7.4's layout.
fn full_groups(s: &Stream, count: usize) -> Reply {
    let m = s.meta();
    let take = |n: usize| if count == 0 { n } else { n.min(count) };
    Reply::Array(
        s.groups
            .iter()
            .map(|(name, g)| {
                let pending = g
                    .pel_iter()
                    .take(take(g.pending_len()))
                    .map(|(id, n)| {
                        Reply::Array(vec![
                            id.to_reply(),
                            Reply::Bulk(g.consumer(n.consumer).name.clone()),
                            Reply::Int(g.shown_time(&n) as i64),
                            Reply::Int(count_value(n.count)),
                        ])
                    })
                    .collect();
                let consumers = g
                    .consumers()
                    .map(|c| {
                        let pending = c
                            .pel
                            .iter()
                            .take(take(c.pel.len()))
                            .map(|(id, ())| {
                                let n = g.nack(id).expect("consumer entries are in the group PEL");
                                Reply::Array(vec![
                                    id.to_reply(),
                                    Reply::Int(n.time as i64),
                                    Reply::Int(count_value(n.count)),
                                ])
                            })
                            .collect();
                        Reply::Map(vec![
                            kv("name", Reply::Bulk(c.name.clone())),
                            kv("seen-time", Reply::Int(c.seen_time as i64)),
                            kv("active-time", Reply::Int(c.active_time)),
                            kv("pel-count", Reply::Int(c.pel.len() as i64)),
                            kv("pending", Reply::Array(pending)),
                        ])
                    })
                    .collect();
                let mut fields = vec![
                    kv("name", Reply::Bulk(name.clone())),
                    kv("last-delivered-id", g.last_id.to_reply()),
                    kv("entries-read", entries_read_reply(g.entries_read)),
                    kv("lag", lag_reply(g, &m)),
                    kv("pel-count", Reply::Int(g.pending_len() as i64)),
                ];
                // Redis 8.8's nacked-count, for groups that used XNACK (docs/redis8.md).
                if g.nack_used() {
                    fields.push(kv("nacked-count", Reply::Int(g.nacked_count() as i64)));
                }
                fields.push(kv("pending", Reply::Array(pending)));
                fields.push(kv("consumers", Reply::Array(consumers)));
                Reply::Map(fields)
            })
            .collect(),
    )
}

pub(super) fn xinfo_groups(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    try_stream_ref(ctx, &args[2], |s| {
        let m = s.meta();
        Ok(Reply::Array(
            s.groups
                .iter()
                .map(|(name, g)| {
                    Reply::Map(vec![
                        kv("name", Reply::Bulk(name.clone())),
                        kv("consumers", Reply::Int(g.consumer_count() as i64)),
                        kv("pending", Reply::Int(g.pending_len() as i64)),
                        kv("last-delivered-id", g.last_id.to_reply()),
                        kv("entries-read", entries_read_reply(g.entries_read)),
                        kv("lag", lag_reply(g, &m)),
                    ])
                })
                .collect(),
        ))
    })?
    .ok_or(Error::NoSuchKey)
}

pub(super) fn xinfo_consumers(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[2], &args[3]);
    let now = ctx.now_ms as i64;
    try_stream_ref(ctx, key, |s| {
        let Some(g) = s.groups.get(group) else {
            return Err(no_group_for_key(group, key));
        };
        Ok(Reply::Array(
            g.consumers()
                .map(|c| {
                    let idle = (now - c.seen_time as i64).max(0);
                    let inactive = if c.active_time == -1 {
                        -1
                    } else {
                        now - c.active_time
                    };
                    Reply::Map(vec![
                        kv("name", Reply::Bulk(c.name.clone())),
                        kv("pending", Reply::Int(c.pel.len() as i64)),
                        kv("idle", Reply::Int(idle)),
                        kv("inactive", Reply::Int(inactive)),
                    ])
                })
                .collect(),
        ))
    })?
    .ok_or(Error::NoSuchKey)
}

const XINFO_HELP: &[&str] = &[
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
];

pub(super) fn xinfo_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply("XINFO", XINFO_HELP))
}
