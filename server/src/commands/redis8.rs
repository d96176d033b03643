//! The Redis 8.x stream commands (XCFGSET, XDELEX, XACKDEL, XNACK) and the
//! parsing of the 8.x options other stream commands accept (reference
//! policies and IDMP on XADD/XTRIM). The specification, with every error text
//! and the decisions where Redis's sources are silent, is docs/redis8.md; the
//! expected replies are in conformance/{pending,cases}/redis8/.

use super::flags::*;
use super::stream::stream_mut;
use super::{parse_int, Command, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use crate::stream::idmp::{self, Idmp};
use crate::stream::refs::RefPolicy;
use crate::stream::{id, StreamId};
use bytes::Bytes;
use std::sync::atomic::Ordering;

pub static COMMANDS: &[Command] = &[Command {
    since: "8.6.0",
    summary: "Sets the IDMP configuration parameters for a stream.",
    complexity: "O(1)",
    ..Command::new("xcfgset", -2, WRITE | FAST, (1, 1, 1), "stream", xcfgset)
}];

// ---- XADD / XTRIM options ----

/// What XADD's `IDMP pid iid` / `IDMPAUTO pid` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdmpOpt {
    pub pid: Bytes,
    /// The idempotent ID; None for IDMPAUTO (derived from the fields).
    pub iid: Option<Bytes>,
}

/// The 8.x options of XADD/XTRIM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddExt {
    /// KEEPREF / DELREF / ACKED; None when not given (KEEPREF).
    pub policy: Option<RefPolicy>,
    pub idmp: Option<IdmpOpt>,
}

impl AddExt {
    pub fn policy(&self) -> RefPolicy {
        self.policy.unwrap_or_default()
    }
}

fn err_idmp(msg: &str) -> Error {
    Error::err(format!("syntax error, {msg}"))
}

/// Tries the 8.x options at `args[i]` inside Redis's
/// `streamParseAddOrTrimArgsOrReply` loop. Returns how many arguments it
/// used, or None when `args[i]` is not one of them (the caller then treats it
/// as XADD's ID or a syntax error): a policy word only while none was given,
/// `IDMPAUTO pid` and `IDMP pid iid` (XADD only) only with enough arguments
/// after them.
pub fn parse_add_option(
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
            return Err(err_idmp("IDMP/IDMPAUTO specified multiple times"));
        }
        if args[i + 1].is_empty() {
            return Err(err_idmp("IDMPAUTO requires a non-empty producer ID"));
        }
        ext.idmp = Some(IdmpOpt {
            pid: args[i + 1].clone(),
            iid: None,
        });
        return Ok(Some(2));
    }
    if xadd && opt.eq_ignore_ascii_case(b"idmp") && more >= 2 {
        if ext.idmp.is_some() {
            return Err(err_idmp("IDMP/IDMPAUTO specified multiple times"));
        }
        if args[i + 1].is_empty() {
            return Err(err_idmp("IDMP requires a non-empty producer ID"));
        }
        if args[i + 2].is_empty() {
            return Err(err_idmp("IDMP requires a non-empty idempotent ID"));
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
pub fn check_idmp_id(ext: &AddExt, id_arg: &[u8]) -> CmdResult<()> {
    if ext.idmp.is_some() && id_arg != b"*" {
        return Err(err_idmp(
            "IDMP/IDMPAUTO can be used only with auto-generated IDs",
        ));
    }
    Ok(())
}

/// The idempotent ID XADD looks up: the given one, or IDMPAUTO's digest of
/// the field/value pairs.
pub fn idmp_key(opt: &IdmpOpt, fields: &[Bytes]) -> Bytes {
    match &opt.iid {
        Some(iid) => iid.clone(),
        None => Bytes::copy_from_slice(&idmp::auto_iid(fields)),
    }
}

/// A new stream's IDMP settings from `stream-idmp-duration` /
/// `stream-idmp-maxsize` (Redis copies them when the stream is created).
pub fn new_stream_idmp(ctx: &Ctx<'_>) -> Idmp {
    let rt = &ctx.shared.runtime;
    Idmp::new(
        rt.stream_idmp_duration.load(Ordering::Relaxed) as u32,
        rt.stream_idmp_maxsize.load(Ordering::Relaxed) as u32,
    )
}

/// The six XINFO STREAM fields of a stream that uses IDMP (8.6), to insert
/// after `recorded-first-entry-id`; empty for a stream used as in 7.x.
pub fn xinfo_idmp_fields(s: &crate::stream::Stream, now_ms: u64) -> Vec<(Reply, Reply)> {
    if !s.idmp.active {
        return Vec::new();
    }
    let i = s.idmp.info(now_ms);
    let kv = |k: &'static str, v: u64| (Reply::bulk_str(k), Reply::Int(v as i64));
    vec![
        kv("idmp-duration", i.duration as u64),
        kv("idmp-maxsize", i.maxsize as u64),
        kv("pids-tracked", i.pids_tracked),
        kv("iids-tracked", i.iids_tracked),
        kv("iids-added", i.iids_added),
        kv("iids-duplicates", i.iids_duplicates),
    ]
}

/// XADD/XTRIM trimming under a reference policy: KEEPREF is the 7.x
/// algorithm; DELREF/ACKED examine every entry (docs/redis8.md).
pub fn trim(
    s: &mut crate::stream::Stream,
    strategy: crate::stream::Trim,
    approx: bool,
    limit: u64,
    policy: RefPolicy,
) -> u64 {
    match policy {
        RefPolicy::KeepRef => s.trim(strategy, approx, limit),
        // Without consumer groups nothing is referenced.
        RefPolicy::DelRef | RefPolicy::Acked => s.trim_checked(strategy, limit, |_, live| live),
    }
}

// ---- XCFGSET ----

/// `XCFGSET key [IDMP-DURATION duration] [IDMP-MAXSIZE maxsize]`
fn xcfgset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // Redis looks the key up first: a missing key or another type wins over
    // any argument error.
    let exists = super::stream::stream_ref(ctx, &args[1], |_| ())?;
    if exists.is_none() {
        return Err(Error::NoSuchKey);
    }
    let (duration, maxsize) = parse_xcfgset(&args[2..])?;
    let changed = stream_mut(ctx, &args[1], |s| s.idmp.configure(duration, maxsize))?
        .ok_or(Error::NoSuchKey)?;
    if changed {
        // Clearing the tables is a write (WATCH sees it).
        ctx.signal(&args[1]);
    }
    Ok(Reply::status("OK"))
}

/// XCFGSET's options: each value checked as it is read, in order.
fn parse_xcfgset(args: &[Bytes]) -> CmdResult<(Option<u32>, Option<u32>)> {
    let mut duration = None;
    let mut maxsize = None;
    let mut i = 0;
    while i < args.len() {
        let more = args.len() - 1 - i;
        let a = &args[i][..];
        if a.eq_ignore_ascii_case(b"idmp-duration") && more > 0 {
            if duration.is_some() {
                return Err(Error::err("IDMP-DURATION specified multiple times"));
            }
            let n = parse_int(&args[i + 1])?;
            if !(idmp::MIN_DURATION..=idmp::MAX_DURATION).contains(&n) {
                return Err(Error::err(format!(
                    "IDMP-DURATION must be between {} and {} seconds",
                    idmp::MIN_DURATION,
                    idmp::MAX_DURATION
                )));
            }
            duration = Some(n as u32);
            i += 2;
        } else if a.eq_ignore_ascii_case(b"idmp-maxsize") && more > 0 {
            if maxsize.is_some() {
                return Err(Error::err("IDMP-MAXSIZE specified multiple times"));
            }
            let n = parse_int(&args[i + 1])?;
            if !(idmp::MIN_MAXSIZE..=idmp::MAX_MAXSIZE).contains(&n) {
                return Err(Error::err(format!(
                    "IDMP-MAXSIZE must be between {} and {} entries",
                    idmp::MIN_MAXSIZE,
                    idmp::MAX_MAXSIZE
                )));
            }
            maxsize = Some(n as u32);
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    if duration.is_none() && maxsize.is_none() {
        return Err(Error::err("At least one parameter must be specified"));
    }
    Ok((duration, maxsize))
}

// ---- the IDS block (XDELEX, XACKDEL) ----

/// `[KEEPREF | DELREF | ACKED] IDS numids id [id ...]` from `args[start..]`,
/// in any order (Redis's `streamParseAckDelArgsOrReply`). Returns the policy
/// and the index range of the IDs; the IDs themselves are parsed later (a
/// missing key or group replies before they are looked at).
pub fn parse_ids_block(args: &[Bytes], start: usize) -> CmdResult<(RefPolicy, usize, usize)> {
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
            let n = parse_int(&args[j + 1])
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| Error::err("Number of IDs must be a positive integer"))?;
            let after = args.len() - j - 2;
            if n as u64 > after as u64 {
                return Err(Error::err(
                    "The `numids` parameter must match the number of arguments",
                ));
            }
            let n = n as usize;
            ids = Some((j + 2, n));
            j += 2 + n;
        } else {
            return Err(Error::Syntax);
        }
    }
    let (at, n) = ids.ok_or_else(|| Error::err("IDS option is required"))?;
    Ok((policy.unwrap_or_default(), at, n))
}

/// Parses IDs strictly (`-` and `+` refused), all of them before anything
/// changes.
pub fn parse_ids(args: &[Bytes]) -> CmdResult<Vec<StreamId>> {
    args.iter().map(|a| id::parse_strict(a, 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<Bytes> {
        s.split(' ')
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    fn err_text<T: std::fmt::Debug>(r: CmdResult<T>) -> String {
        r.unwrap_err().to_string()
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

    #[test]
    fn xcfgset_rules() {
        let p = |s: &str| parse_xcfgset(&args(s));
        assert_eq!(p("IDMP-DURATION 5").unwrap(), (Some(5), None));
        assert_eq!(
            p("idmp-maxsize 10000 idmp-duration 86400").unwrap(),
            (Some(86400), Some(10000))
        );
        assert_eq!(err_text(p("IDMP-DURATION")), "ERR syntax error");
        assert_eq!(err_text(p("BOGUS 1")), "ERR syntax error");
        assert_eq!(
            err_text(p("IDMP-DURATION 000")),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            err_text(p("IDMP-DURATION 0")),
            "ERR IDMP-DURATION must be between 1 and 86400 seconds"
        );
        assert_eq!(
            err_text(p("IDMP-MAXSIZE 10001")),
            "ERR IDMP-MAXSIZE must be between 1 and 10000 entries"
        );
        assert_eq!(
            err_text(p("IDMP-DURATION 5 IDMP-DURATION x")),
            "ERR IDMP-DURATION specified multiple times"
        );
        assert_eq!(err_text(p("IDMP-DURATION 5 BOGUS")), "ERR syntax error");
    }

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
