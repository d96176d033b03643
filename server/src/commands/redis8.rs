//! The Redis 8.x stream commands (XCFGSET, XDELEX, XACKDEL, XNACK) and the
//! parsing of the 8.x options other stream commands accept (reference
//! policies and IDMP on XADD/XTRIM). The specification, with every error text
//! and the decisions where Redis's sources are silent, is docs/redis8.md; the
//! expected replies are in conformance/{pending,cases}/redis8/.

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::flags::*;
use super::read_caps::ReplyBudget;
use super::stream::stream_mut;
use super::{parse_int, Command, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use crate::stream::group::nack::{count_value, NackMode};
use crate::stream::group::Group;
use crate::stream::idmp::{self, Idmp};
use crate::stream::refs::RefPolicy;
use crate::stream::{id, write_array_len, ArrayBuf, Stream, StreamId};
use bytes::Bytes;
use std::sync::atomic::Ordering;

// COMMAND INFO / DOCS data from the front matter of redis/docs
// `content/commands/xackdel.md`, `xcfgset.md`, `xdelex.md` and `xnack.md`
// (the released commands' docs; fields Redis 7.0's COMMAND DOCS does not have,
// like `display_text`, are left out as for every other command).
pub static COMMANDS: &[Command] = &[
    Command {
        since: "8.2.0",
        summary: "Acknowledges and conditionally deletes one or multiple entries for a stream consumer group.",
        complexity: "O(1) for each entry ID processed.",
        acl: &["stream"],
        key_specs: &[KeySpec::new("RW update delete", Begin::Index(1), Find::Range(0, 1, 0))],
        args: &[
            a::key("key", 0),
            a::string("group"),
            a::oneof("condition", &[
                a::pure("keepref", "KEEPREF"),
                a::pure("delref", "DELREF"),
                a::pure("acked", "ACKED"),
            ])
            .opt(),
            a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
        ],
        ..Command::new("xackdel", -6, WRITE | FAST, (1, 1, 1), "stream", xackdel)
    },
    Command {
        since: "8.6.0",
        summary: "Sets the IDMP configuration parameters for a stream.",
        complexity: "O(1)",
        acl: &["stream"],
        key_specs: &[KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0))],
        args: &[
            a::key("key", 0),
            a::integer("idmp-duration").tok("IDMP-DURATION").opt(),
            a::integer("idmp-maxsize").tok("IDMP-MAXSIZE").opt(),
        ],
        ..Command::new("xcfgset", -2, WRITE | FAST, (1, 1, 1), "stream", xcfgset)
    },
    Command {
        since: "8.2.0",
        summary: "Deletes one or multiple entries from the stream.",
        complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
        acl: &["stream"],
        key_specs: &[KeySpec::new("RW delete", Begin::Index(1), Find::Range(0, 1, 0))],
        args: &[
            a::key("key", 0),
            a::oneof("condition", &[
                a::pure("keepref", "KEEPREF"),
                a::pure("delref", "DELREF"),
                a::pure("acked", "ACKED"),
            ])
            .opt(),
            a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
        ],
        ..Command::new("xdelex", -5, WRITE | FAST, (1, 1, 1), "stream", xdelex)
    },
    Command {
        since: "8.8.0",
        summary: "Releases pending messages back to the group's PEL without acknowledging them, making them available for re-delivery.",
        complexity: "O(1) for each message ID processed.",
        acl: &["stream"],
        key_specs: &[KeySpec::new("RW update", Begin::Index(1), Find::Range(0, 1, 0))],
        args: &[
            a::key("key", 0),
            a::string("group"),
            a::oneof("mode", &[
                a::pure("silent", "SILENT"),
                a::pure("fail", "FAIL"),
                a::pure("fatal", "FATAL"),
            ]),
            a::block("ids", &[a::integer("numids"), a::string("id").multi()]).tok("IDS"),
            a::integer("count").tok("RETRYCOUNT").opt(),
            a::pure("force", "FORCE").opt(),
        ],
        ..Command::new("xnack", -7, WRITE | FAST, (1, 1, 1), "stream", xnack)
    },
];

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
        RefPolicy::DelRef | RefPolicy::Acked => {
            // The log is trimmed while the groups are consulted: take them out.
            let mut groups = std::mem::take(&mut s.groups);
            let n = s.trim_checked(strategy, limit, |id, live| match policy {
                RefPolicy::Acked => live && !referenced(&groups, id),
                _ => {
                    groups.forget_everywhere(id);
                    live
                }
            });
            s.groups = groups;
            n
        }
    }
}

/// Redis's `streamEntryIsReferenced`: some group has not been delivered the
/// entry yet, or has it pending.
fn referenced(groups: &crate::stream::group::Groups, id: StreamId) -> bool {
    !groups.all_delivered(id) || groups.is_pending_anywhere(id)
}

// ---- XCFGSET ----

/// `XCFGSET key [IDMP-DURATION duration] [IDMP-MAXSIZE maxsize]`
fn xcfgset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // Redis looks the key up first: a missing key or another type wins over
    // any argument error (the closure only runs for a stream).
    let changed = stream_mut(ctx, &args[1], |s| {
        let (duration, maxsize) = parse_xcfgset(&args[2..])?;
        Ok::<_, Error>(s.idmp.configure(duration, maxsize))
    })?
    .ok_or(Error::NoSuchKey)??;
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

fn int_array(v: &[i64]) -> Reply {
    let mut out = Vec::with_capacity(v.len() * 4 + 16);
    write_array_len(&mut out, v.len());
    let mut b = itoa::Buffer::new();
    for n in v {
        out.push(b':');
        out.extend_from_slice(b.format(*n).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    Reply::Raw(Bytes::from(out))
}

fn missing_all(n: usize) -> Reply {
    int_array(&vec![-1; n])
}

/// Deletes `ids` under `policy` (XDELEX; XACKDEL after acknowledging):
/// per ID -1 (no such entry), 1 (deleted), 2 (kept: still referenced).
/// `pending` tells, for XACKDEL, which IDs were in the group's PEL; the
/// others get -1 and are left alone.
fn delete_with_policy(
    s: &mut Stream,
    ids: &[StreamId],
    policy: RefPolicy,
    pending: Option<&[bool]>,
) -> (Vec<i64>, bool) {
    let mut out = Vec::with_capacity(ids.len());
    let mut deleted = false;
    for (i, &id) in ids.iter().enumerate() {
        if let Some(p) = pending {
            if !p[i] {
                out.push(-1);
                continue;
            }
        }
        let keep = match policy {
            RefPolicy::Acked => referenced(&s.groups, id),
            RefPolicy::DelRef => {
                s.groups.forget_everywhere(id);
                false
            }
            RefPolicy::KeepRef => false,
        };
        let r = if keep {
            2
        } else if s.delete(id) {
            deleted = true;
            1
        } else if pending.is_some() {
            // XACKDEL: acknowledged; the entry was already gone.
            1
        } else {
            -1
        };
        out.push(r);
    }
    (out, deleted)
}

// ---- XDELEX ----

/// `XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...]`
fn xdelex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let key = &args[1];
    // Redis checks the type first, then the options; a missing key answers
    // before the IDs are parsed.
    let block = parse_ids_block(args, 2);
    let r = stream_mut(ctx, key, |s| {
        let (policy, at, n) = block.clone()?;
        let ids = parse_ids(&args[at..at + n])?;
        Ok::<_, Error>(delete_with_policy(s, &ids, policy, None))
    })?;
    let Some(r) = r else {
        return Ok(missing_all(block?.2));
    };
    let (out, deleted) = r?;
    if deleted {
        ctx.signal(key);
    }
    Ok(int_array(&out))
}

// ---- XACKDEL ----

/// `XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...]`
fn xackdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[1], &args[2]);
    let block = parse_ids_block(args, 3);
    let r = stream_mut(ctx, key, |s| {
        let (policy, at, n) = block.clone()?;
        let Some(g) = s.groups.get_mut(group) else {
            // No such group: -1 for every ID, which are not even parsed.
            return Ok(None);
        };
        let ids = parse_ids(&args[at..at + n])?;
        let pending: Vec<bool> = ids.iter().map(|&id| g.ack(id)).collect();
        Ok::<_, Error>(Some(delete_with_policy(s, &ids, policy, Some(&pending))))
    })?;
    let Some((out, deleted)) = r.transpose()?.flatten() else {
        return Ok(missing_all(block?.2));
    };
    if deleted {
        ctx.signal(key);
    }
    Ok(int_array(&out))
}

// ---- XNACK ----

/// Parsed XNACK arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NackArgs {
    mode: NackMode,
    /// Index range of the IDs.
    ids_at: usize,
    nids: usize,
    retry: Option<u64>,
    force: bool,
}

/// `XNACK key group <SILENT | FAIL | FATAL> ...` from argument 3 on: the mode,
/// then `IDS numids id...`, `RETRYCOUNT count` and `FORCE` in any order.
fn parse_xnack(args: &[Bytes]) -> CmdResult<NackArgs> {
    let m = &args[3][..];
    let mode = if m.eq_ignore_ascii_case(b"silent") {
        NackMode::Silent
    } else if m.eq_ignore_ascii_case(b"fail") {
        NackMode::Fail
    } else if m.eq_ignore_ascii_case(b"fatal") {
        NackMode::Fatal
    } else {
        return Err(Error::err("mode must be SILENT, FAIL, or FATAL"));
    };
    let mut ids = None;
    let mut retry = None;
    let mut force = false;
    let mut i = 4;
    while i < args.len() {
        let a = &args[i][..];
        if a.eq_ignore_ascii_case(b"ids") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])
                .ok()
                .filter(|&n| (1..=i32::MAX as i64).contains(&n))
                .ok_or_else(|| Error::err("numids must be a positive integer"))?
                as usize;
            if args.len() - (i + 2) < n {
                return Err(Error::err("number of IDs doesn't match numids"));
            }
            ids = Some((i + 2, n));
            i += 2 + n;
        } else if a.eq_ignore_ascii_case(b"retrycount") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(Error::err("Invalid RETRYCOUNT value, must be >= 0"));
            }
            retry = Some(n as u64);
            i += 2;
        } else if a.eq_ignore_ascii_case(b"force") {
            force = true;
            i += 1;
        } else {
            return Err(Error::err(format!(
                "Unrecognized XNACK option '{}'",
                String::from_utf8_lossy(a)
            )));
        }
    }
    let (ids_at, nids) = ids.ok_or_else(|| Error::err("syntax error, expected IDS keyword"))?;
    Ok(NackArgs {
        mode,
        ids_at,
        nids,
        retry,
        force,
    })
}

fn nogroup(key: &[u8], group: &[u8]) -> Error {
    Error::Other(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

/// `XNACK key group <SILENT | FAIL | FATAL> IDS numids id [id ...] [RETRYCOUNT count] [FORCE]`
fn xnack(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (key, group) = (&args[1], &args[2]);
    let a = parse_xnack(args)?;
    let ids = parse_ids(&args[a.ids_at..a.ids_at + a.nids])?;
    let released = stream_mut(ctx, key, |s| {
        let mut groups = std::mem::take(&mut s.groups);
        let r = groups
            .get_mut(group)
            .map(|g| released_count(s, g, &ids, &a));
        s.groups = groups;
        r
    })?
    .flatten()
    .ok_or_else(|| nogroup(key, group))?;
    if released > 0 {
        // Released entries are claimable at once: wake XREADGROUP ... CLAIM readers.
        ctx.signal(key);
    }
    Ok(Reply::Int(released))
}

fn released_count(s: &Stream, g: &mut Group, ids: &[StreamId], a: &NackArgs) -> i64 {
    let mut n = 0;
    for &id in ids {
        let exists = a.force && g.nack(id).is_none() && s.get(id).is_some();
        if g.xnack(id, a.mode, a.retry, a.force, exists) {
            n += 1;
        }
    }
    n
}

// ---- XREADGROUP ... CLAIM ----

/// `CLAIM min-idle-time` at `args[i]` in the XREAD/XREADGROUP option loop:
/// Some(value) when it is one (the caller skips two arguments).
pub fn parse_claim_option(args: &[Bytes], i: usize, group_cmd: bool) -> CmdResult<Option<i64>> {
    if !args[i].eq_ignore_ascii_case(b"claim") || i + 1 >= args.len() {
        return Ok(None);
    }
    if !group_cmd {
        return Err(Error::err(
            "The CLAIM option is only supported by XREADGROUP. You called XREAD instead.",
        ));
    }
    let v = crate::protocol::request::parse_i64(&args[i + 1])
        .ok_or_else(|| Error::err("min-idle-time is not an integer or out of range"))?;
    if v < 0 {
        return Err(Error::err("min-idle-time must be a positive integer"));
    }
    Ok(Some(v))
}

/// Appends `*4 id [fields] :idle :count`, the form of every entry XREADGROUP
/// returns when CLAIM is given. False when the entry is not in the stream.
fn push_claim_entry(out: &mut Vec<u8>, s: &Stream, id: StreamId, idle: i64, count: i64) -> bool {
    let Some(e) = s.get(id) else {
        return false;
    };
    out.extend_from_slice(b"*4\r\n");
    let mut idb = Vec::with_capacity(41);
    id.write_to(&mut idb);
    crate::stream::Elem::Bytes(&idb).write_bulk(out);
    write_array_len(out, e.num_fields() * 2);
    for (f, v) in e.fields() {
        f.write_bulk(out);
        v.write_bulk(out);
    }
    let mut b = itoa::Buffer::new();
    for n in [idle, count] {
        out.push(b':');
        out.extend_from_slice(b.format(n).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    true
}

/// What `XREADGROUP ... CLAIM min_idle ... >` returns for one stream (the
/// consumer `slot` already exists and was seen): idle pending entries first,
/// claimed for the consumer, then new entries; every entry as `*4 id fields
/// idle count`. None when there is nothing to claim nor read.
#[allow(clippy::too_many_arguments)]
pub fn serve_claim(
    s: &Stream,
    g: &mut Group,
    slot: u32,
    min_idle: i64,
    count: usize,
    noack: bool,
    now: u64,
    key: &[u8],
    budget: &mut ReplyBudget,
) -> Option<Reply> {
    let claimable: Vec<_> = g
        .claimable(now, min_idle)
        .into_iter()
        .filter(|(id, _)| s.get(*id).is_some())
        .collect();
    let has_new = s.last_live_id().is_some_and(|last| last > g.last_id);
    if claimable.is_empty() && !has_new {
        return None;
    }
    if !budget.try_open(key) {
        return None;
    }
    let full = |n: usize, budget: &ReplyBudget| (count != 0 && n == count) || budget.full();
    let mut out = ArrayBuf::with_capacity(super::stream::READ_BUF);
    let body = out.body();
    let mut n = 0usize;
    for (id, nack) in claimable {
        if full(n, budget) {
            break;
        }
        let idle = g.idle(&nack, now);
        let before = body.len();
        if push_claim_entry(body, s, id, idle, count_value(nack.count)) {
            g.claim_delivered(id, slot, now);
            budget.add_entry(body.len() - before);
            n += 1;
        }
    }
    if has_new && !full(n, budget) {
        let m = super::groups::meta(s);
        let from = g.last_id.next();
        if let Some(from) = from {
            for e in s.range(from, StreamId::MAX) {
                if full(n, budget) {
                    break;
                }
                g.advance(e.id, &m);
                let before = body.len();
                push_claim_entry(body, s, e.id, 0, 0);
                budget.add_entry(body.len() - before);
                if !noack {
                    g.deliver(e.id, slot, now);
                }
                n += 1;
            }
        }
    }
    budget.close_stream(true);
    Some(Reply::Raw(out.finish(n)))
}

/// When a blocked `XREADGROUP ... CLAIM min_idle` can next claim from this
/// group: the oldest pending entry still in the stream becomes idle enough,
/// or, with none, `min_idle` from now (Redis's `trackStreamClaimTimeouts`).
pub fn claim_deadline(s: &Stream, g: &Group, min_idle: i64, now: u64) -> u64 {
    let base = g.oldest_delivery(|id| s.get(id).is_some()).unwrap_or(now);
    base.saturating_add(min_idle as u64)
}

/// Wakes the clients blocked on `keys` at `deadline_ms` (by the server's
/// clock), so a blocked `XREADGROUP ... CLAIM` runs again when pending
/// entries become claimable. A wake-up is only a nudge: the command checks
/// again and blocks again when there is still nothing.
pub fn wake_at(ctx: &Ctx<'_>, keys: &[Bytes], deadline_ms: u64) {
    let shared = ctx.shared.clone();
    let db = ctx.client.db;
    let keys = keys.to_vec();
    let wait = deadline_ms.saturating_sub(ctx.now_ms);
    // Under the server's tracker: shutdown ends the timer at once.
    ctx.shared.spawn_background(async move {
        // One extra millisecond: the entry must be strictly idle enough when the
        // command runs again.
        tokio::time::sleep(std::time::Duration::from_millis(wait.saturating_add(1))).await;
        for k in &keys {
            shared.keyspace.events.signal_blocking(db, k);
        }
    });
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

/// Random operation sequences over one stream with two groups: after every
/// XDELEX / XACKDEL / XNACK / policy trim, the PEL invariants hold (each
/// pending entry has exactly one owner, the hidden XNACK owner included; the
/// log's counts agree), ACKED never deletes a referenced entry, DELREF
/// leaves no reference to what it deleted, XACKDEL acknowledges, and XNACK
/// keeps the entry pending but unowned.
#[cfg(test)]
mod pel_properties {
    use super::*;
    use crate::stream::{NodeLimits, Trim};
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Add,
        Read {
            g: usize,
            c: usize,
            count: usize,
        },
        Ack {
            g: usize,
            id: u64,
        },
        Nack {
            g: usize,
            id: u64,
            mode: u8,
            force: bool,
        },
        DelEx {
            policy: u8,
            ids: Vec<u64>,
        },
        AckDel {
            g: usize,
            policy: u8,
            ids: Vec<u64>,
        },
        Trim {
            policy: u8,
            maxlen: u64,
        },
        DelConsumer {
            g: usize,
            c: usize,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Add),
            2 => (0..2usize, 0..3usize, 0..4usize).prop_map(|(g, c, count)| Op::Read { g, c, count }),
            1 => (0..2usize, 1..20u64).prop_map(|(g, id)| Op::Ack { g, id }),
            2 => (0..2usize, 1..20u64, 0..3u8, any::<bool>())
                .prop_map(|(g, id, mode, force)| Op::Nack { g, id, mode, force }),
            2 => (0..3u8, prop::collection::vec(1..20u64, 1..4))
                .prop_map(|(policy, ids)| Op::DelEx { policy, ids }),
            2 => (0..2usize, 0..3u8, prop::collection::vec(1..20u64, 1..4))
                .prop_map(|(g, policy, ids)| Op::AckDel { g, policy, ids }),
            1 => (0..3u8, 0..6u64).prop_map(|(policy, maxlen)| Op::Trim { policy, maxlen }),
            1 => (0..2usize, 0..3usize).prop_map(|(g, c)| Op::DelConsumer { g, c }),
        ]
    }

    const GROUPS: [&[u8]; 2] = [b"g0", b"g1"];
    const CONSUMERS: [&[u8]; 3] = [b"c0", b"c1", b"c2"];

    fn policy(p: u8) -> RefPolicy {
        [RefPolicy::KeepRef, RefPolicy::DelRef, RefPolicy::Acked][p as usize % 3]
    }

    fn sid(ms: u64) -> StreamId {
        StreamId::new(ms, 0)
    }

    fn is_referenced(s: &Stream, id: StreamId) -> bool {
        s.groups
            .iter()
            .any(|(_, g)| g.last_id < id || g.nack(id).is_some())
    }

    fn check(s: &Stream) {
        s.check_invariants();
        for (_, g) in s.groups.iter() {
            g.check_invariants();
            let unowned = g.pel_iter().filter(|(_, n)| g.is_unowned(n)).count();
            assert_eq!(unowned, g.nacked_count());
        }
    }

    fn run(ops: Vec<Op>) {
        let mut s = Stream::new();
        let limits = NodeLimits {
            max_entries: 3,
            max_bytes: 4096,
        };
        for name in GROUPS {
            s.groups.create(name, StreamId::MIN, 0);
        }
        let mut next = 1u64;
        let mut now = 1000u64;
        for op in ops {
            now += 1;
            match op {
                Op::Add => {
                    s.append(sid(next), &[b"f".as_ref(), b"v"], limits);
                    next += 1;
                }
                Op::Read { g, c, count } => {
                    let m = super::super::groups::meta(&s);
                    let mut groups = std::mem::take(&mut s.groups);
                    let grp = groups.get_mut(GROUPS[g]).unwrap();
                    let (slot, _) = grp.get_or_create_consumer(CONSUMERS[c], now);
                    if let Some(from) = grp.last_id.next() {
                        let ids: Vec<StreamId> = s
                            .range(from, StreamId::MAX)
                            .take(if count == 0 { usize::MAX } else { count })
                            .map(|e| e.id)
                            .collect();
                        for id in ids {
                            grp.advance(id, &m);
                            grp.deliver(id, slot, now);
                        }
                    }
                    s.groups = groups;
                }
                Op::Ack { g, id } => {
                    s.groups.get_mut(GROUPS[g]).unwrap().ack(sid(id));
                }
                Op::Nack { g, id, mode, force } => {
                    let was = s.groups.get(GROUPS[g]).unwrap().nack(sid(id));
                    let exists = s.get(sid(id)).is_some();
                    let mode = [NackMode::Silent, NackMode::Fail, NackMode::Fatal][mode as usize];
                    let grp = s.groups.get_mut(GROUPS[g]).unwrap();
                    let released = grp.xnack(sid(id), mode, None, force, exists);
                    assert_eq!(released, was.is_some() || (force && exists));
                    if released {
                        let n = grp.nack(sid(id)).expect("still pending");
                        assert!(grp.is_unowned(&n));
                    }
                }
                Op::DelEx { policy: p, ids } => {
                    let ids: Vec<StreamId> = ids.into_iter().map(sid).collect();
                    let before: Vec<bool> = ids.iter().map(|&i| is_referenced(&s, i)).collect();
                    let (out, _) = delete_with_policy(&mut s, &ids, policy(p), None);
                    for (k, &id) in ids.iter().enumerate() {
                        match policy(p) {
                            RefPolicy::Acked if before[k] => {
                                assert_eq!(out[k], 2);
                            }
                            RefPolicy::DelRef => {
                                assert!(!s.groups.is_pending_anywhere(id));
                            }
                            _ => {}
                        }
                        if out[k] == 1 || out[k] == -1 {
                            assert!(s.get(id).is_none());
                        }
                    }
                }
                Op::AckDel { g, policy: p, ids } => {
                    let ids: Vec<StreamId> = ids.into_iter().map(sid).collect();
                    let grp = s.groups.get_mut(GROUPS[g]).unwrap();
                    let pending: Vec<bool> = ids.iter().map(|&id| grp.ack(id)).collect();
                    let before: Vec<bool> = ids.iter().map(|&i| is_referenced(&s, i)).collect();
                    let (out, _) = delete_with_policy(&mut s, &ids, policy(p), Some(&pending));
                    for (k, &id) in ids.iter().enumerate() {
                        assert!(s.groups.get(GROUPS[g]).unwrap().nack(id).is_none());
                        if !pending[k] {
                            assert_eq!(out[k], -1);
                        } else if policy(p) == RefPolicy::Acked && before[k] {
                            assert_eq!(out[k], 2);
                        }
                    }
                }
                Op::Trim { policy: p, maxlen } => {
                    let live: Vec<StreamId> = s
                        .range(StreamId::MIN, StreamId::MAX)
                        .map(|e| e.id)
                        .collect();
                    let referenced: Vec<bool> =
                        live.iter().map(|&i| is_referenced(&s, i)).collect();
                    trim(&mut s, Trim::MaxLen(maxlen), false, 0, policy(p));
                    for (k, &id) in live.iter().enumerate() {
                        let gone = s.get(id).is_none();
                        if gone && policy(p) == RefPolicy::Acked {
                            assert!(!referenced[k], "ACKED trimmed a referenced entry");
                        }
                        if gone && policy(p) == RefPolicy::DelRef {
                            assert!(!s.groups.is_pending_anywhere(id));
                        }
                    }
                    if policy(p) != RefPolicy::Acked {
                        assert!(s.len() <= maxlen);
                    }
                }
                Op::DelConsumer { g, c } => {
                    s.groups
                        .get_mut(GROUPS[g])
                        .unwrap()
                        .delete_consumer(CONSUMERS[c]);
                }
            }
            check(&s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn pel_invariants_hold(ops in prop::collection::vec(op(), 1..60)) {
            run(ops);
        }
    }
}
