//! `CLIENT ID`
//! `CLIENT SETNAME connection-name`
//! `CLIENT GETNAME`
//! `CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>`
//! `CLIENT INFO`
//! `CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]`
//! `CLIENT KILL <ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage] [[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage] ...]>>`
//! `CLIENT REPLY <ON | OFF | SKIP>`
//! `CLIENT NO-EVICT <ON | OFF>`
//! `CLIENT NO-TOUCH <ON | OFF>`
//! `CLIENT HELP`
//!
//! The calling client's name and library attributes, its reply mode, and
//! the registry of all clients (LIST, KILL).

use super::super::{help_reply, is, Ctx};
use super::{printable, validate_client_name};
use crate::client::ClientInfo;
use crate::error::{CmdResult, Error, ServerError};
use crate::protocol::Reply;
use bytes::Bytes;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `CLIENT ID`: the connection's ID.
pub(super) fn client_id(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(ctx.client.id as i64))
}

/// `CLIENT SETNAME name` (empty clears it)
pub(super) fn client_setname(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    validate_client_name(&args[2])?;
    *ctx.client.info.name.lock() = if args[2].is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(&args[2]))
    };
    Ok(Reply::OK)
}

/// `CLIENT GETNAME`
pub(super) fn client_getname(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(match &*ctx.client.info.name.lock() {
        Some(n) => Reply::Bulk(n.clone()),
        None => Reply::Nil,
    })
}

/// `CLIENT SETINFO LIB-NAME name | LIB-VER version` (Redis 7.2)
pub(super) fn client_setinfo(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let attr = &args[2];
    let slot = if is(attr, "lib-name") {
        &ctx.client.info.lib_name
    } else if is(attr, "lib-ver") {
        &ctx.client.info.lib_ver
    } else {
        return Err(ServerError::UnrecognizedOption(lossy(attr)).into());
    };
    let v = &args[3];
    if !printable(v) {
        return Err(ServerError::BadClientAttr(lossy(attr)).into());
    }
    *slot.lock() = if v.is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(v))
    };
    Ok(Reply::OK)
}

/// One CLIENT LIST / CLIENT INFO line, Redis 8.0's fields in Redis's order.
/// Buffer sizes Sluice does not track per client are reported as 0, and
/// `io-thread` is 0 (Redis's main thread: Sluice has no I/O threads of
/// Redis's kind).
pub fn client_line(c: &ClientInfo, now_ms: u64, out: &mut String) {
    let name = c.name.lock().clone().unwrap_or_default();
    let lib_name = c.lib_name.lock().clone().unwrap_or_default();
    let lib_ver = c.lib_ver.lock().clone().unwrap_or_default();
    let mut flags = String::new();
    if c.multi.load(Ordering::Relaxed) {
        flags.push('x');
    }
    if c.blocked.load(Ordering::Relaxed) {
        flags.push('b');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let multi = if c.multi.load(Ordering::Relaxed) {
        0
    } else {
        -1
    };
    let _ = writeln!(
        out,
        "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi={} watch={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={} io-thread=0",
        c.id,
        c.addr,
        c.laddr,
        String::from_utf8_lossy(&name),
        now_ms.saturating_sub(c.created_ms) / 1000,
        now_ms.saturating_sub(c.last_ms.load(Ordering::Relaxed)) / 1000,
        flags,
        c.db.load(Ordering::Relaxed),
        multi,
        c.watched_keys.load(Ordering::Relaxed),
        c.last_cmd.lock(),
        c.resp.load(Ordering::Relaxed),
        String::from_utf8_lossy(&lib_name),
        String::from_utf8_lossy(&lib_ver),
    );
}

/// `CLIENT INFO`
pub(super) fn client_info(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let mut out = String::new();
    client_line(&ctx.client.info, ctx.now_ms, &mut out);
    Ok(Reply::Verbatim("txt", Bytes::from(out)))
}

/// Checks a CLIENT LIST/KILL `TYPE` value: Sluice has only normal clients.
fn client_type_is_normal(t: &[u8]) -> CmdResult<bool> {
    if is(t, "normal") {
        Ok(true)
    } else if is(t, "master") || is(t, "replica") || is(t, "slave") || is(t, "pubsub") {
        Ok(false)
    } else {
        Err(ServerError::UnknownClientType(lossy(t)).into())
    }
}

/// `CLIENT LIST [TYPE type] [ID id ...]`
pub(super) fn client_list(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut ids: Option<Vec<u64>> = None;
    let mut normal = true;
    if args.len() == 4 && is(&args[2], "type") {
        normal = client_type_is_normal(&args[3])?;
    } else if args.len() >= 4 && is(&args[2], "id") {
        let mut v = Vec::new();
        for a in &args[3..] {
            match crate::protocol::request::parse_i64(a) {
                Some(n) if n >= 0 => v.push(n as u64),
                _ => return Err(ServerError::InvalidClientId.into()),
            }
        }
        ids = Some(v);
    } else if args.len() != 2 {
        return Err(Error::Syntax);
    }
    let mut clients: Vec<_> = ctx
        .shared
        .clients
        .map
        .iter()
        .map(|c| c.value().clone())
        .filter(|c| normal && ids.as_ref().map_or(true, |v| v.contains(&c.id)))
        .collect();
    clients.sort_by_key(|c| c.id);
    let mut out = String::new();
    for c in clients {
        client_line(&c, ctx.now_ms, &mut out);
    }
    Ok(Reply::Verbatim("txt", Bytes::from(out)))
}

/// `CLIENT KILL addr` (old form) or `CLIENT KILL [ID id] [ADDR addr] [LADDR addr]
/// [TYPE type] [USER name] [SKIPME yes|no] [MAXAGE seconds] ...` (returns how
/// many were killed). Options are read left to right, each error reported
/// where Redis's `clientCommand` meets it.
pub(super) fn client_kill(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let me = ctx.client.id;
    let old_form = args.len() == 3;
    let mut id = None;
    let mut addr = None;
    let mut laddr = None;
    let mut normal = true;
    let mut skipme = !old_form;
    // Seconds a client must have been connected to be killed; 0: any.
    let mut max_age: u64 = 0;
    if old_form {
        addr = Some(&args[2]);
    } else {
        for kv in args[2..].chunks(2) {
            let [k, v] = kv else {
                return Err(Error::Syntax);
            };
            if is(k, "id") {
                match crate::protocol::request::parse_i64(v) {
                    Some(n) if n > 0 => id = Some(n as u64),
                    _ => return Err(ServerError::ClientIdNotPositive.into()),
                }
            } else if is(k, "addr") {
                addr = Some(v);
            } else if is(k, "laddr") {
                laddr = Some(v);
            } else if is(k, "type") {
                normal = client_type_is_normal(v)?;
            } else if is(k, "maxage") {
                match crate::protocol::request::parse_i64(v) {
                    Some(n) if n > 0 => max_age = n as u64,
                    Some(_) => return Err(ServerError::MaxAgeNotPositive.into()),
                    None => return Err(ServerError::MaxAgeNotInteger.into()),
                }
            } else if is(k, "user") {
                // Sluice's only user is `default`: every client is its.
                if &v[..] != b"default" {
                    return Err(ServerError::NoSuchUser(lossy(v)).into());
                }
            } else if is(k, "skipme") {
                if is(v, "yes") {
                    skipme = true;
                } else if is(v, "no") {
                    skipme = false;
                } else {
                    return Err(Error::Syntax);
                }
            } else {
                return Err(Error::Syntax);
            }
        }
    }
    let mut killed = 0;
    let targets: Vec<_> = ctx
        .shared
        .clients
        .map
        .iter()
        .map(|c| c.value().clone())
        .collect();
    for c in targets {
        let matches = normal
            && id.map_or(true, |i| i == c.id)
            && addr.map_or(true, |a| a[..] == *c.addr.to_string().as_bytes())
            && laddr.map_or(true, |a| a[..] == *c.laddr.to_string().as_bytes())
            && !(skipme && c.id == me)
            && ctx.now_ms.saturating_sub(c.created_ms) / 1000 >= max_age;
        if !matches {
            continue;
        }
        killed += 1;
        if c.id == me {
            // Reply first, then close, as Redis does for a client killing itself.
            ctx.client.close_after_reply = true;
        } else {
            c.kill.cancel();
        }
    }
    if old_form {
        if killed == 0 {
            return Err(ServerError::NoSuchClient.into());
        }
        return Ok(Reply::OK);
    }
    Ok(Reply::Int(killed))
}

/// `CLIENT NO-EVICT on|off`, `CLIENT NO-TOUCH on|off`: accepted; Sluice never
/// evicts clients and keeps no LRU that a read would disturb.
pub(super) fn client_onoff(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if is(&args[2], "on") || is(&args[2], "off") {
        Ok(Reply::OK)
    } else {
        Err(Error::Syntax)
    }
}

/// `CLIENT REPLY ON|OFF|SKIP`. OFF and SKIP send no reply themselves (the
/// connection drops it); SKIP also drops the next command's reply.
pub(super) fn client_reply(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    enum Mode {
        On,
        Off,
        Skip,
    }
    let mode = if is(&args[2], "on") {
        Mode::On
    } else if is(&args[2], "off") {
        Mode::Off
    } else if is(&args[2], "skip") {
        Mode::Skip
    } else {
        return Err(Error::Syntax);
    };
    let c = &mut *ctx.client;
    match mode {
        Mode::On => {
            c.reply_off = false;
            c.reply_skip = false;
            c.reply_skip_next = false;
        }
        Mode::Off => c.reply_off = true,
        Mode::Skip => {
            if !c.reply_off {
                c.reply_skip = true;
                c.reply_skip_next = true;
            }
        }
    }
    Ok(Reply::OK)
}

/// `CLIENT HELP`: Redis 8.0's lines for the subcommands Sluice serves, in
/// Redis's order (CACHING, GETREDIR, PAUSE, UNPAUSE, UNBLOCK, TRACKING and
/// TRACKINGINFO are left out).
pub(super) fn client_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "CLIENT",
        &[
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "    * MAXAGE <maxage>",
            "      Kill connections older than the specified age.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
        ],
    ))
}
