//! `XADD key [NOMKSTREAM] [KEEPREF | DELREF | ACKED] [IDMPAUTO pid | IDMP pid iid] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id> field value [field value ...]`
//!
//! Also the option parser XADD shares with XTRIM (Redis's
//! `streamParseAddOrTrimArgsOrReply`): trimming, the reference policy, and
//! XADD's own NOMKSTREAM, IDMP and ID.

use super::super::{is, parse_int, Ctx};
use super::{node_limits, StreamError};
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use crate::stream::id::{self, ParsedId};
use crate::stream::idmp::{self, Idmp};
use crate::stream::refs::RefPolicy;
use crate::stream::{AddError, AddId, Stream, StreamId, Trim, LISTPACK_MAX_SIZE};
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// Parsed trimming options.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TrimArgs {
    pub strategy: Option<Trim>,
    pub approx: bool,
    /// Entries whole-node removal may remove (0 = no limit).
    pub limit: u64,
}

/// What XADD's `IDMP pid iid` / `IDMPAUTO pid` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IdmpOpt {
    pub pid: Bytes,
    /// The idempotent ID; None for IDMPAUTO (derived from the fields).
    pub iid: Option<Bytes>,
}

/// The reference policy and IDMP options of XADD/XTRIM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct AddExt {
    /// KEEPREF / DELREF / ACKED; None when not given (KEEPREF).
    pub policy: Option<RefPolicy>,
    pub idmp: Option<IdmpOpt>,
}

impl AddExt {
    pub fn policy(&self) -> RefPolicy {
        self.policy.unwrap_or_default()
    }
}

/// Options parsed by [`parse_add_or_trim`].
pub(super) struct ParsedOpts {
    pub trim: TrimArgs,
    pub ext: AddExt,
    /// XADD's ID and whether its sequence was given.
    id: Option<(AddId, bool)>,
    nomkstream: bool,
    /// Index of the ID (XADD) or past the options.
    idpos: usize,
}

/// Tries the reference-policy and IDMP options at `args[i]` inside the
/// [`parse_add_or_trim`] loop. Returns how many arguments it used, or None
/// when `args[i]` is not one of them (the caller then treats it as XADD's
/// ID or a syntax error): a policy word only while none was given,
/// `IDMPAUTO pid` and `IDMP pid iid` (XADD only) only with enough arguments
/// after them.
fn parse_add_option(
    args: &[Bytes],
    i: usize,
    xadd: bool,
    ext: &mut AddExt,
) -> CmdResult<Option<usize>> {
    let opt = &args[i][..];
    let more = args.len() - 1 - i;
    if ext.policy.is_none() {
        if let Some(p) = RefPolicy::parse(opt) {
            ext.policy = Some(p);
            return Ok(Some(1));
        }
    }
    if xadd && opt.eq_ignore_ascii_case(b"idmpauto") && more >= 1 {
        if ext.idmp.is_some() {
            return Err(StreamError::IdmpTwice.into());
        }
        if args[i + 1].is_empty() {
            return Err(StreamError::IdmpautoEmptyPid.into());
        }
        ext.idmp = Some(IdmpOpt {
            pid: args[i + 1].clone(),
            iid: None,
        });
        return Ok(Some(2));
    }
    if xadd && opt.eq_ignore_ascii_case(b"idmp") && more >= 2 {
        if ext.idmp.is_some() {
            return Err(StreamError::IdmpTwice.into());
        }
        if args[i + 1].is_empty() {
            return Err(StreamError::IdmpEmptyPid.into());
        }
        if args[i + 2].is_empty() {
            return Err(StreamError::IdmpEmptyIid.into());
        }
        ext.idmp = Some(IdmpOpt {
            pid: args[i + 1].clone(),
            iid: Some(args[i + 2].clone()),
        });
        return Ok(Some(3));
    }
    Ok(None)
}

/// After XADD's ID parsed: IDMP needs exactly `*`.
fn check_idmp_id(ext: &AddExt, id_arg: &[u8]) -> CmdResult<()> {
    if ext.idmp.is_some() && id_arg != b"*" {
        return Err(StreamError::IdmpExplicitId.into());
    }
    Ok(())
}

/// Redis's `streamParseAddOrTrimArgsOrReply`: options from argument 2 on;
/// for XADD they end at the ID. Returns the trim options, and for XADD the
/// ID and the index just past it.
pub(super) fn parse_add_or_trim(
    ctx: &Ctx<'_>,
    args: &[Bytes],
    xadd: bool,
) -> CmdResult<ParsedOpts> {
    let mut t = TrimArgs::default();
    let mut limit: i64 = 0;
    let mut limit_given = false;
    let mut nomkstream = false;
    let mut id = None;
    let mut ext = AddExt::default();
    let argc = args.len();
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = &args[i][..];
        if xadd && opt == b"*" {
            id = Some((AddId::Auto, false));
            break;
        } else if (is(opt, "maxlen") || is(opt, "minid")) && more > 0 {
            if t.strategy.is_some() {
                return Err(StreamError::MaxlenAndMinid.into());
            }
            // An optional `~` (approximate) or `=` before the threshold.
            let marker = &args[i + 1][..];
            t.approx = false;
            if more >= 2 && (marker == b"~" || marker == b"=") {
                t.approx = marker == b"~";
                i += 1;
            }
            let threshold = &args[i + 1];
            t.strategy = Some(if is(opt, "maxlen") {
                let n = parse_int(threshold)?;
                if n < 0 {
                    return Err(StreamError::MaxlenNegative.into());
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(id::parse_strict(threshold, 0)?)
            });
            i += 1;
        } else if is(opt, "limit") && more > 0 {
            limit = parse_int(&args[i + 1])?;
            if limit < 0 {
                return Err(StreamError::LimitNegative.into());
            }
            limit_given = true;
            i += 1;
        } else if xadd && is(opt, "nomkstream") {
            nomkstream = true;
        } else if let Some(used) = parse_add_option(args, i, xadd, &mut ext)? {
            i += used - 1;
        } else if xadd {
            // Anything else is the ID (or a syntax error reported as a bad ID).
            if opt == b"-" || opt == b"+" {
                return Err(id::invalid_id());
            }
            let parsed = match id::parse(opt)? {
                ParsedId::MsOnly(ms) => (AddId::Explicit(StreamId::new(ms, 0)), true),
                ParsedId::MsAutoSeq(ms) => (AddId::AutoSeq(ms), false),
                ParsedId::Full(id) => (AddId::Explicit(id), true),
                ParsedId::Min | ParsedId::Max => return Err(id::invalid_id()),
            };
            check_idmp_id(&ext, opt)?;
            id = Some(parsed);
            break;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if limit != 0 && t.strategy.is_none() {
        return Err(StreamError::LimitWithoutStrategy.into());
    }
    if !xadd && t.strategy.is_none() {
        return Err(StreamError::XtrimWithoutStrategy.into());
    }
    if limit_given {
        if !t.approx {
            return Err(StreamError::LimitWithoutApprox.into());
        }
        t.limit = limit as u64;
    } else if t.approx {
        // Bound the work approximate trimming does, as Redis does.
        let per_node = ctx
            .shared
            .runtime
            .stream_node_max_entries
            .load(Ordering::Relaxed);
        let mut l = per_node.saturating_mul(100);
        if l <= 0 {
            l = 10000;
        }
        if l > 1_000_000 {
            l = 1_000_000;
        }
        t.limit = l as u64;
    }
    Ok(ParsedOpts {
        trim: t,
        ext,
        id,
        nomkstream,
        idpos: i,
    })
}

/// What XADD's arguments ask for.
struct AddArgs {
    trim: TrimArgs,
    ext: AddExt,
    id: AddId,
    nomkstream: bool,
    /// Index of the first field.
    fields_at: usize,
    /// An explicit `0-0`.
    zero_id: bool,
}

fn parse_xadd(ctx: &Ctx<'_>, args: &[Bytes]) -> CmdResult<AddArgs> {
    let ParsedOpts {
        trim,
        ext,
        id,
        nomkstream,
        idpos,
    } = parse_add_or_trim(ctx, args, true)?;
    let fields_at = idpos + 1;
    let nf = args.len().saturating_sub(fields_at);
    if args.len() < fields_at + 2 || nf % 2 == 1 {
        return Err(Error::arity(&args[0]));
    }
    let (id, seq_given) = id.expect("an ID precedes the fields");
    let zero_id = seq_given && id == AddId::Explicit(StreamId::MIN);
    Ok(AddArgs {
        trim,
        ext,
        id,
        nomkstream,
        fields_at,
        zero_id,
    })
}

/// The idempotent ID XADD looks up: the given one, or IDMPAUTO's digest of
/// the field/value pairs.
fn idmp_key(opt: &IdmpOpt, fields: &[Bytes]) -> Bytes {
    match &opt.iid {
        Some(iid) => iid.clone(),
        None => Bytes::copy_from_slice(&idmp::auto_iid(fields)),
    }
}

/// A new stream's IDMP settings from `stream-idmp-duration` /
/// `stream-idmp-maxsize` (Redis copies them when the stream is created).
fn new_stream_idmp(ctx: &Ctx<'_>) -> Idmp {
    let rt = &ctx.shared.runtime;
    Idmp::new(
        rt.stream_idmp_duration.load(Ordering::Relaxed) as u32,
        rt.stream_idmp_maxsize.load(Ordering::Relaxed) as u32,
    )
}

pub(super) fn xadd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let a = parse_xadd(ctx, args)?;
    if a.zero_id {
        return Err(StreamError::XaddZeroId.into());
    }
    let fields = &args[a.fields_at..];
    let total: u64 = fields.iter().map(|f| f.len() as u64).sum();
    let limits = node_limits(ctx);
    let now = ctx.now_ms;
    let key = &args[1];
    let new_idmp = new_stream_idmp(ctx);
    let iid = a.ext.idmp.as_ref().map(|o| idmp_key(o, fields));
    let mut duplicate = false;
    let reply = ctx
        .db()
        .with_slot(key, now, |slot| -> CmdResult<Option<StreamId>> {
            let created = slot.is_none();
            if created {
                if a.nomkstream {
                    return Ok(None);
                }
                let mut st = Stream::new();
                st.idmp = new_idmp;
                *slot = Some(Entry::new(Value::Stream(Box::new(st)), now));
            }
            let entry = slot.as_mut().expect("present");
            let Value::Stream(s) = &mut entry.value else {
                return Err(Error::WrongType);
            };
            // IDMP: a repeat of a recent (pid, iid) adds nothing.
            if let (Some(o), Some(iid)) = (&a.ext.idmp, &iid) {
                if let Some(id) = s.idmp.lookup(&o.pid, iid, now) {
                    duplicate = true;
                    return Ok(Some(id));
                }
            }
            let result = match s.next_id(a.id, now) {
                Err(AddError::Exhausted) => Err(StreamError::IdsExhausted.into()),
                Err(AddError::TooSmall) => Err(StreamError::XaddIdTooSmall.into()),
                Ok(_) if total > LISTPACK_MAX_SIZE => Err(StreamError::ElementsTooLarge.into()),
                Ok(id) => {
                    s.append(id, fields, limits);
                    if let (Some(o), Some(iid)) = (&a.ext.idmp, &iid) {
                        s.idmp.record(&o.pid, iid, id, now);
                    }
                    if let Some(strategy) = a.trim.strategy {
                        s.trim_with_policy(strategy, a.trim.approx, a.trim.limit, a.ext.policy());
                    }
                    Ok(Some(id))
                }
            };
            if result.is_err() && created {
                // Parse fully, then mutate: a refused XADD leaves no key behind.
                *slot = None;
            }
            result
        })?;
    match reply {
        None => Ok(Reply::Nil),
        Some(id) => {
            if !duplicate {
                // One change whatever the trim removed, as in Redis.
                ctx.signal(key);
                ctx.dirty(1);
            }
            Ok(id.to_reply())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_args::*;
    use super::*;

    #[test]
    fn add_options() {
        let a = args("XADD s KEEPREF DELREF * f v");
        let mut ext = AddExt::default();
        assert_eq!(parse_add_option(&a, 2, true, &mut ext).unwrap(), Some(1));
        assert_eq!(parse_add_option(&a, 3, true, &mut ext).unwrap(), None);
        let a = args("XADD s IDMP p1 i1 IDMPAUTO p2 * f v");
        let mut ext = AddExt::default();
        assert_eq!(parse_add_option(&a, 2, true, &mut ext).unwrap(), Some(3));
        assert_eq!(
            err_text(parse_add_option(&a, 5, true, &mut ext)),
            "ERR syntax error, IDMP/IDMPAUTO specified multiple times"
        );
        let a = args("XTRIM s IDMP p1 i1");
        let mut ext = AddExt::default();
        assert_eq!(parse_add_option(&a, 2, false, &mut ext).unwrap(), None);
        let a = args("XADD s IDMP p1");
        assert_eq!(
            parse_add_option(&a, 2, true, &mut AddExt::default()).unwrap(),
            None,
            "IDMP needs two arguments after it"
        );
        let ext = AddExt {
            policy: None,
            idmp: Some(IdmpOpt {
                pid: Bytes::from_static(b"p"),
                iid: None,
            }),
        };
        assert!(check_idmp_id(&ext, b"*").is_ok());
        assert_eq!(
            err_text(check_idmp_id(&ext, b"1-*")),
            "ERR syntax error, IDMP/IDMPAUTO can be used only with auto-generated IDs"
        );
    }
}
