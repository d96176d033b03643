//! The stream command family: every command on a stream key, one file per
//! command (or tight group: XRANGE/XREVRANGE, XDEL/XDELEX,
//! XACK/XACKDEL/XNACK), each opening with the command's Redis 8.x syntax
//! line. A handler parses all its arguments first, then looks the stream
//! up and acts through the stream layer ([`crate::stream`]), which owns the
//! data structures and the operations on them (trimming under a reference
//! policy, group reads, claims, lag); the files here parse, check, and
//! shape replies.
//!
//! The family's command table rows (COMMAND INFO / DOCS data) are in
//! `spec/`; [`COMMANDS`] is what the command table gathers.
//!
//! This module holds the few helpers the handlers share: typed access to
//! the stream at a key, the node limits in force, waking blocked readers,
//! the errors several commands reply with, and the parsers several use (ID
//! lists, intervals, the `IDS` block). Handler files import from here and
//! from `crate::stream`; between handler files there are only two arrows,
//! both one way: XTRIM uses XADD's option parser, XREADGROUP uses XREAD's.

mod read_caps;
mod spec;
mod xack;
mod xadd;
mod xautoclaim;
mod xcfgset;
mod xclaim;
mod xdel;
mod xgroup;
mod xinfo;
mod xlen;
mod xpending;
mod xrange;
mod xread;
mod xreadgroup;
mod xsetid;
mod xtrim;

pub use spec::COMMANDS;

use super::Ctx;
use crate::error::{CmdResult, Error, StreamError};
use crate::keyspace::Value;
use crate::protocol::raw::int_array;
use crate::protocol::Reply;
use crate::stream::refs::{self, RefPolicy};
use crate::stream::{id, NodeLimits, Stream, StreamId};
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// The node bounds in force now.
fn node_limits(ctx: &Ctx<'_>) -> NodeLimits {
    let rt = &ctx.shared.runtime;
    NodeLimits {
        max_entries: rt.stream_node_max_entries.load(Ordering::Relaxed),
        max_bytes: rt.stream_node_max_bytes.load(Ordering::Relaxed),
    }
}

/// Runs `f` on the stream at `key`: Ok(None) when absent, WRONGTYPE when the
/// key holds another type.
#[inline]
fn stream_ref<R>(ctx: &Ctx<'_>, key: &[u8], f: impl FnOnce(&Stream) -> R) -> CmdResult<Option<R>> {
    ctx.db()
        .get(key, ctx.now_ms, |e| match &e.value {
            Value::Stream(s) => Ok(f(s)),
            _ => Err(Error::WrongType),
        })
        .transpose()
}

/// Runs `f` on the stream at `key` for changing it: Ok(None) when absent,
/// WRONGTYPE when the key holds another type.
#[inline]
fn stream_mut<R>(
    ctx: &Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Stream) -> R,
) -> CmdResult<Option<R>> {
    ctx.db()
        .get_mut(key, ctx.now_ms, |e| match &mut e.value {
            Value::Stream(s) => Ok(f(s)),
            _ => Err(Error::WrongType),
        })
        .transpose()
}

/// [`stream_ref`] for a closure that may fail: its error wins.
fn try_stream_ref<R>(
    ctx: &Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&Stream) -> CmdResult<R>,
) -> CmdResult<Option<R>> {
    stream_ref(ctx, key, f)?.transpose()
}

/// [`stream_mut`] for a closure that may fail: its error wins.
fn try_stream_mut<R>(
    ctx: &Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Stream) -> CmdResult<R>,
) -> CmdResult<Option<R>> {
    stream_mut(ctx, key, f)?.transpose()
}

/// Wakes clients blocked on `key` (XREADGROUP re-runs) without touching
/// WATCH, as Redis's `signalKeyAsReady` does.
fn wake(ctx: &Ctx<'_>, key: &[u8]) {
    ctx.shared
        .keyspace
        .events
        .signal_blocking(ctx.client.db, key);
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `NOGROUP No such consumer group 'g' for key name 'k'` (XGROUP, XINFO).
fn no_group_for_key(group: &[u8], key: &[u8]) -> Error {
    Error::NoGroupForKey(lossy(group), lossy(key))
}

/// `NOGROUP No such key 'k' or consumer group 'g'` (XPENDING, XCLAIM, XNACK...).
fn no_key_or_group(key: &[u8], group: &[u8]) -> Error {
    Error::NoKeyOrGroup(lossy(key), lossy(group))
}

/// Redis's `addReplySubcommandSyntaxError`: the subcommand as typed (cut
/// at 128 bytes) and the command in capitals.
fn subcommand_syntax(args: &[Bytes]) -> Error {
    let sub = &args[1][..args[1].len().min(128)];
    Error::SubcommandSyntax(lossy(sub), lossy(&args[0]).to_uppercase())
}

/// Parses IDs strictly (`-` and `+` refused), all of them before anything
/// changes.
fn parse_ids(args: &[Bytes]) -> CmdResult<Ids> {
    let mut ids = Ids::Inline([StreamId::MIN; Ids::INLINE], 0);
    if args.len() > Ids::INLINE {
        ids = Ids::Heap(Vec::with_capacity(args.len()));
    }
    for a in args {
        let id = id::parse_strict(a, 0)?;
        match &mut ids {
            Ids::Inline(buf, n) => {
                buf[*n] = id;
                *n += 1;
            }
            Ids::Heap(v) => v.push(id),
        }
    }
    Ok(ids)
}

/// IDs parsed from the arguments, kept on the stack for the usual handful:
/// XACK of one ID, the common case, then allocates nothing.
#[derive(Debug)]
enum Ids {
    Inline([StreamId; Ids::INLINE], usize),
    Heap(Vec<StreamId>),
}

impl Ids {
    const INLINE: usize = 8;
}

impl std::ops::Deref for Ids {
    type Target = [StreamId];

    #[inline]
    fn deref(&self) -> &[StreamId] {
        match self {
            Ids::Inline(buf, n) => &buf[..*n],
            Ids::Heap(v) => v,
        }
    }
}

/// An interval bound as XRANGE, XPENDING and XAUTOCLAIM take it: `-`, `+`,
/// `ms`, `ms-seq`, or exclusive `(id`, stepped to the next (`start`) or
/// previous ID.
fn parse_interval(arg: &[u8], missing_seq: u64, start: bool) -> CmdResult<StreamId> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = id::parse_strict(&arg[1..], missing_seq)?;
        let stepped = if start { id.next() } else { id.prev() };
        return stepped.ok_or(Error::Stream(if start {
            StreamError::InvalidIntervalStart
        } else {
            StreamError::InvalidIntervalEnd
        }));
    }
    id::parse_with_default(arg, missing_seq)
}

/// `[KEEPREF | DELREF | ACKED] IDS numids id [id ...]` from `args[start..]`,
/// in any order (Redis's `streamParseAckDelArgsOrReply`, for XDELEX and
/// XACKDEL). Returns the policy and the index range of the IDs; the IDs
/// themselves are parsed later (a missing key or group replies before they
/// are looked at).
fn parse_ids_block(args: &[Bytes], start: usize) -> CmdResult<(RefPolicy, usize, usize)> {
    let mut policy = None;
    let mut ids: Option<(usize, usize)> = None;
    let mut j = start;
    while j < args.len() {
        let a = &args[j][..];
        if policy.is_none() {
            if let Some(p) = RefPolicy::parse(a) {
                policy = Some(p);
                j += 1;
                continue;
            }
        }
        if a.eq_ignore_ascii_case(b"ids") && j + 1 < args.len() {
            let n = super::parse_int(&args[j + 1])
                .ok()
                .filter(|&n| n >= 1)
                .ok_or(StreamError::NumidsNotPositive)?;
            let after = args.len() - j - 2;
            if n as u64 > after as u64 {
                return Err(StreamError::NumidsMismatch.into());
            }
            let n = n as usize;
            ids = Some((j + 2, n));
            j += 2 + n;
        } else {
            return Err(Error::Syntax);
        }
    }
    let (at, n) = ids.ok_or(StreamError::IdsRequired)?;
    Ok((policy.unwrap_or_default(), at, n))
}

/// XDELEX and XACKDEL's reply when the key (or group) is missing: -1 for
/// each of the `n` IDs, which are not even parsed.
fn missing_all(n: usize) -> Reply {
    Reply::Raw(int_array(&vec![refs::outcome::MISSING; n]))
}

/// Test helpers of the family's unit tests: arguments from a line, an error's text.
#[cfg(test)]
mod test_args {
    use crate::error::CmdResult;
    use bytes::Bytes;

    pub fn args(s: &str) -> Vec<Bytes> {
        s.split(' ')
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    pub fn err_text<T: std::fmt::Debug>(r: CmdResult<T>) -> String {
        r.unwrap_err().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::test_args::*;
    use super::*;

    #[test]
    fn ids_inline_and_on_the_heap() {
        for n in [1usize, Ids::INLINE, Ids::INLINE + 1, 20] {
            let a: Vec<Bytes> = (1..=n).map(|i| Bytes::from(format!("{i}-1"))).collect();
            let ids = parse_ids(&a).unwrap();
            let want: Vec<StreamId> = (1..=n as u64).map(|i| StreamId::new(i, 1)).collect();
            assert_eq!(&ids[..], &want[..], "n={n}");
        }
        assert_eq!(
            err_text(parse_ids(&args("1-1 + 2-2"))),
            "ERR Invalid stream ID specified as stream command argument"
        );
    }

    #[test]
    fn ids_block_rules() {
        let a = args("XDELEX s IDS 2 1-1 2-2");
        assert_eq!(parse_ids_block(&a, 2).unwrap(), (RefPolicy::KeepRef, 4, 2));
        let a = args("XDELEX s ids 1 1-0 acked");
        assert_eq!(parse_ids_block(&a, 2).unwrap(), (RefPolicy::Acked, 4, 1));
        let a = args("XDELEX s IDS 1 5-5 IDS 1 2-0");
        assert_eq!(parse_ids_block(&a, 2).unwrap(), (RefPolicy::KeepRef, 7, 1));
        for bad in ["abc", "0", "-5", "99999999999999999999"] {
            let a = args(&format!("XDELEX s IDS {bad} 1-1"));
            assert_eq!(
                err_text(parse_ids_block(&a, 2)),
                "ERR Number of IDs must be a positive integer"
            );
        }
        for line in [
            "XDELEX s IDS 3 1-1 2-2",
            "XDELEX s IDS 9223372036854775807 1-1",
            "XDELEX s KEEPREF IDS 1",
        ] {
            assert_eq!(
                err_text(parse_ids_block(&args(line), 2)),
                "ERR The `numids` parameter must match the number of arguments"
            );
        }
        for line in [
            "XDELEX s IDS 1 1-1 2-2",
            "XDELEX s IDS 1 1-1 IDS",
            "XDELEX s KEEPREF DELREF IDS 1 1-1",
            "XDELEX s KEEPREF KEEPREF IDS 1 1-1",
            "XDELEX s BOGUS IDS 1 1-1",
        ] {
            assert_eq!(
                err_text(parse_ids_block(&args(line), 2)),
                "ERR syntax error"
            );
        }
        assert_eq!(
            err_text(parse_ids_block(&args("XDELEX s KEEPREF"), 2)),
            "ERR IDS option is required"
        );
    }
}
