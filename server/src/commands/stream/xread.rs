//! `XREAD [COUNT count] [MAXCOUNT maxcount] [MAXSIZE maxsize] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]`
//!
//! Also the option parser XREAD shares with XREADGROUP (Redis's
//! `xreadCommand` parses both), XREADGROUP's GROUP, NOACK and CLAIM
//! included.

use super::super::{is, parse_int, BlockRequest, Ctx, Rerun};
use super::read_caps::{self, ReadCaps, ReplyBudget};
use super::stream_ref;
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::Reply;
use crate::stream::{id, StreamId};
use bytes::Bytes;
use std::time::Duration;

/// The options of XREAD / XREADGROUP.
#[derive(Debug, Clone)]
pub(super) struct ReadArgs {
    /// Entries per stream; 0 = no limit.
    pub count: usize,
    /// `BLOCK` in ms (0 = forever); None when not given.
    pub block: Option<u64>,
    /// `GROUP group consumer` (XREADGROUP only).
    pub group: Option<(Bytes, Bytes)>,
    pub noack: bool,
    /// XREADGROUP `CLAIM min-idle-time` (Redis 8.4).
    pub claim: Option<i64>,
    /// `MAXCOUNT` / `MAXSIZE` (Redis 8.10; `read_caps.rs`).
    pub caps: ReadCaps,
    /// Index of the first key; keys are `streams_at..streams_at + nstreams`,
    /// IDs follow them.
    pub streams_at: usize,
    pub nstreams: usize,
}

impl ReadArgs {
    pub fn keys<'a>(&self, args: &'a [Bytes]) -> &'a [Bytes] {
        &args[self.streams_at..self.streams_at + self.nstreams]
    }

    pub fn ids<'a>(&self, args: &'a [Bytes]) -> &'a [Bytes] {
        &args[self.streams_at + self.nstreams..]
    }
}

/// `CLAIM min-idle-time` at `args[i]` in the option loop: Some(value) when
/// it is one (the caller skips two arguments).
fn parse_claim_option(args: &[Bytes], i: usize, group_cmd: bool) -> CmdResult<Option<i64>> {
    if !args[i].eq_ignore_ascii_case(b"claim") || i + 1 >= args.len() {
        return Ok(None);
    }
    if !group_cmd {
        return Err(StreamError::ClaimInXread.into());
    }
    let v = crate::protocol::request::parse_i64(&args[i + 1])
        .ok_or(StreamError::ClaimMinIdleNotInteger)?;
    if v < 0 {
        return Err(StreamError::ClaimMinIdleNegative.into());
    }
    Ok(Some(v))
}

/// Parses `[GROUP g c] [COUNT n] [MAXCOUNT n] [MAXSIZE n] [BLOCK ms]
/// [CLAIM ms] [NOACK] STREAMS key... id...` as Redis's `xreadCommand`
/// does, for XREAD (`group_cmd` false) and XREADGROUP.
pub(super) fn parse_read_args(args: &[Bytes], group_cmd: bool) -> CmdResult<ReadArgs> {
    let mut r = ReadArgs {
        count: 0,
        block: None,
        group: None,
        noack: false,
        claim: None,
        caps: ReadCaps::default(),
        streams_at: 0,
        nstreams: 0,
    };
    let argc = args.len();
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        let o = &args[i];
        if is(o, "block") && more > 0 {
            i += 1;
            let t =
                crate::protocol::request::parse_i64(&args[i]).ok_or(Error::TimeoutNotInteger)?;
            if t < 0 {
                return Err(Error::TimeoutNegative);
            }
            // Redis 7.0 has no overflow check here: a huge timeout waits forever.
            r.block = Some(t as u64);
        } else if let Some(min_idle) = parse_claim_option(args, i, group_cmd)? {
            r.claim = Some(min_idle);
            i += 1;
        } else if read_caps::parse_cap_option(args, i, &mut r.caps)? {
            i += 1;
        } else if is(o, "count") && more > 0 {
            i += 1;
            r.count = parse_int(&args[i])?.max(0) as usize;
        } else if is(o, "streams") && more > 0 {
            r.streams_at = i + 1;
            let n = argc - r.streams_at;
            if n % 2 != 0 {
                return Err(Error::Stream(if group_cmd {
                    StreamError::UnbalancedXreadgroup
                } else {
                    StreamError::UnbalancedXread
                }));
            }
            r.nstreams = n / 2;
            break;
        } else if is(o, "group") && more >= 2 {
            if !group_cmd {
                return Err(StreamError::GroupInXread.into());
            }
            r.group = Some((args[i + 1].clone(), args[i + 2].clone()));
            i += 2;
        } else if is(o, "noack") {
            if !group_cmd {
                return Err(StreamError::NoackInXread.into());
            }
            r.noack = true;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if r.streams_at == 0 {
        return Err(Error::Syntax);
    }
    if group_cmd && r.group.is_none() {
        return Err(StreamError::MissingGroup.into());
    }
    read_caps::check_caps(&r.caps, r.count)?;
    Ok(r)
}

/// The reply of a read that served `served` (key, entries) pairs: a map in
/// RESP3, an array of `[key, entries]` pairs in RESP2.
pub(super) fn streams_reply(served: Vec<(Bytes, Reply)>, resp3: bool) -> Reply {
    if resp3 {
        Reply::Map(
            served
                .into_iter()
                .map(|(k, v)| (Reply::Bulk(k), v))
                .collect(),
        )
    } else {
        Reply::Array(
            served
                .into_iter()
                .map(|(k, v)| Reply::Array(vec![Reply::Bulk(k), v]))
                .collect(),
        )
    }
}

/// Timeouts beyond this (about 30 years) wait forever.
const MAX_BLOCK_MS: u64 = 1 << 40;

pub(super) fn xread(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let r = parse_read_args(args, false)?;
    let keys = r.keys(args);
    // A blocked XREAD runs again as Redis 8.0 runs it (blocked.c
    // `handleClientsBlockedOnKey`): only when a key that changed now holds a
    // stream, and then as the whole command again, with the IDs `$` stood
    // for when it blocked: every stream with new entries is served, in
    // argument order, and another key of the wrong type is WRONGTYPE. The
    // check right after blocking (no key changed yet) treats a key of
    // another type as absent, as the run before it found none.
    let lenient = match &ctx.rerun {
        None => false,
        Some(Rerun::KeysChanged(ready)) if ready.is_empty() => true,
        Some(Rerun::KeysChanged(ready)) => {
            let is_stream = |k: &Bytes| matches!(stream_ref(ctx, k, |_| ()), Ok(Some(())));
            if !ready.iter().any(is_stream) {
                // Not woken: keep waiting, with the same arguments.
                return block_on(ctx, &r, args, args.to_vec());
            }
            false
        }
    };
    // Resolve every ID to "entries after this one" before reading anything.
    let mut from = Vec::with_capacity(keys.len());
    for (key, idarg) in keys.iter().zip(r.ids(args)) {
        let info = match stream_ref(ctx, key, |s| (s.last_id(), s.last_live_id())) {
            Ok(v) => v,
            Err(_) if lenient => None,
            Err(e) => return Err(e),
        };
        let after = match &idarg[..] {
            b"$" => info.map(|(last, _)| last).unwrap_or_default(),
            b"+" => match info {
                Some((_, Some(last_entry))) => last_entry.prev().unwrap_or_default(),
                _ => StreamId::MIN,
            },
            b">" => return Err(StreamError::NewIdInXread.into()),
            _ => id::parse_strict(idarg, 0)?,
        };
        from.push(after);
    }
    let mut budget = ReplyBudget::new(r.caps, ctx.resp3());
    let mut served: Vec<(Bytes, Reply)> = Vec::new();
    for (key, &after) in keys.iter().zip(&from) {
        if budget.full() {
            // MAXCOUNT / MAXSIZE reached (or a stream found no room): later
            // streams are skipped.
            break;
        }
        let count = budget.stream_count(r.count);
        let got = match stream_ref(ctx, key, |s| s.read_after(key, after, count, &mut budget)) {
            Ok(v) => v.flatten(),
            Err(_) if lenient => None,
            Err(e) => return Err(e),
        };
        if let Some(reply) = got {
            served.push((key.clone(), reply));
        }
    }
    if !served.is_empty() {
        return Ok(streams_reply(served, ctx.resp3()));
    }
    // Wait, re-running with `$` made concrete (it meant the stream's last ID
    // now, not at wake-up). `+` stays: as in Redis, a woken reader is served
    // the last entry then.
    let mut retry_args = args.to_vec();
    for (j, after) in from.iter().enumerate() {
        let at = r.streams_at + r.nstreams + j;
        if &args[at][..] == b"$" {
            retry_args[at] = after.to_bytes();
        }
    }
    block_on(ctx, &r, args, retry_args)
}

/// Asks to wait on the keys (BLOCK given and allowed here) and run
/// `retry_args` when one changes; the reply until then, and without BLOCK,
/// is a null array.
fn block_on(
    ctx: &mut Ctx<'_>,
    r: &ReadArgs,
    args: &[Bytes],
    retry_args: Vec<Bytes>,
) -> CmdResult<Reply> {
    let Some(block) = r.block else {
        return Ok(Reply::NilArray);
    };
    if !ctx.may_block() {
        return Ok(Reply::NilArray);
    }
    ctx.block = Some(BlockRequest {
        keys: r.keys(args).to_vec(),
        // Zero, or too far away for a deadline, waits forever.
        timeout: (block > 0 && block < MAX_BLOCK_MS).then(|| Duration::from_millis(block)),
        retry_args,
        timeout_reply: Reply::NilArray,
    });
    Ok(Reply::NilArray)
}
