//! Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT.

use super::docs::arg as a;
use super::{flags::*, help_reply, is, parse_int, Command, Ctx};
use crate::client::ClientInfo;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;

/// The Redis version Sluice reports (HELLO, INFO): the newest whose stream
/// commands it serves.
pub const REDIS_VERSION: &str = "7.4.0";

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Ping the server",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["connection"],
        args: &[
            a::string("message").opt(),
        ],
        ..Command::new("ping", -1, FAST, (0, 0, 0), "connection", ping)
    },
    Command {
        since: "1.0.0",
        summary: "Echo the given string",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::string("message"),
        ],
        ..Command::new("echo", 2, LOADING | STALE | FAST, (0, 0, 0), "connection", echo)
    },
    Command {
        since: "6.0.0",
        summary: "Handshake with Redis",
        complexity: "O(1)",
        history: &[
            ("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."),
        ],
        acl: &["connection"],
        args: &[
            a::block("arguments", &[
        a::integer("protover"),
        a::block("username_password", &[
            a::string("username"),
            a::string("password"),
        ]).tok("AUTH").opt(),
        a::string("clientname").tok("SETNAME").opt(),
    ]).opt(),
        ],
        ..Command::new(
            "hello",
            -1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            hello,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Authenticate to the server",
        complexity: "O(N) where N is the number of passwords defined for the user",
        history: &[
            ("6.0.0", "Added ACL style (username and password)."),
        ],
        acl: &["connection"],
        args: &[
            a::string("username").since("6.0.0").opt(),
            a::string("password"),
        ],
        ..Command::new(
            "auth",
            -2,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            auth,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Change the selected database for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::integer("index"),
        ],
        ..Command::new(
            "select",
            2,
            LOADING | STALE | FAST,
            (0, 0, 0),
            "connection",
            select,
        )
    },
    Command {
        since: "1.0.0",
        summary: "Close the connection",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "quit",
            -1,
            ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
            (0, 0, 0),
            "connection",
            quit,
        )
    },
    Command {
        since: "6.2.0",
        summary: "Reset the connection",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "reset",
            1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            (0, 0, 0),
            "connection",
            reset,
        )
    },
    Command {
        since: "2.4.0",
        summary: "A container for client connection commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: CLIENT_SUBCOMMANDS,
        ..Command::new("client", -2, 0, (0, 0, 0), "connection", reset)
    },
];

const CLIENT_FLAGS: u32 = NOSCRIPT | LOADING | STALE;

static CLIENT_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "5.0.0",
        summary: "Returns the client ID for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("id", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_id)
    },
    Command {
        since: "2.6.9",
        summary: "Set the current connection name",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::string("connection-name"),
        ],
        ..Command::new("setname", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_setname)
    },
    Command {
        since: "2.6.9",
        summary: "Get the current connection name",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("getname", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_getname)
    },
    // CLIENT SETINFO and NO-TOUCH are Redis 7.2 commands: their docs are
    // from redis/docs `content/commands/client-setinfo.md` and
    // `client-no-touch.md` (7.2.0).
    Command {
        since: "7.2.0",
        summary: "Sets information specific to the client or connection.",
        complexity: "O(1)",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        acl: &["connection"],
        args: &[a::oneof(
            "attr",
            &[
                a::string("libname").tok("LIB-NAME"),
                a::string("libver").tok("LIB-VER"),
            ],
        )],
        ..Command::new("setinfo", 4, CLIENT_FLAGS, (0, 0, 0), "connection", client_setinfo)
    },
    Command {
        since: "6.2.0",
        summary: "Returns information about the current client connection.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["connection"],
        ..Command::new("info", 2, CLIENT_FLAGS, (0, 0, 0), "connection", client_info)
    },
    Command {
        since: "2.4.0",
        summary: "Get the list of client connections",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added unique client `id` field."),
            ("5.0.0", "Added optional `TYPE` filter."),
            ("6.0.0", "Added `user` field."),
            ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
            ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
            ("7.0.3", "Added `ssub` field."),
        ],
        tips: &["nondeterministic_output"],
        acl: &["connection"],
        args: &[
            a::oneof("normal_master_replica_pubsub", &[
        a::pure("normal", "NORMAL"),
        a::pure("master", "MASTER"),
        a::pure("replica", "REPLICA"),
        a::pure("pubsub", "PUBSUB"),
    ]).tok("TYPE").since("5.0.0").opt(),
            a::block("id", &[
        a::integer("client-id").multi(),
    ]).tok("ID").since("6.2.0").opt(),
        ],
        ..Command::new("list", -2, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_list)
    },
    Command {
        since: "2.4.0",
        summary: "Kill the connection of a client",
        complexity: "O(N) where N is the number of client connections",
        history: &[
            ("2.8.12", "Added new filter format."),
            ("2.8.12", "`ID` option."),
            ("3.2.0", "Added `master` type in for `TYPE` option."),
            ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
            ("6.2.0", "`LADDR` option."),
        ],
        acl: &["connection"],
        args: &[
            a::oneof("filter", &[
        a::string("ip:port").deprecated("2.8.12"),
        a::oneof("new-format", &[
            a::integer("client-id").tok("ID").since("2.8.12").opt(),
            a::oneof("normal_master_slave_pubsub", &[
                a::pure("normal", "NORMAL"),
                a::pure("master", "MASTER").since("3.2.0"),
                a::pure("slave", "SLAVE"),
                a::pure("replica", "REPLICA").since("5.0.0"),
                a::pure("pubsub", "PUBSUB"),
            ]).tok("TYPE").since("2.8.12").opt(),
            a::string("username").tok("USER").opt(),
            a::string("ip:port").tok("ADDR").opt(),
            a::string("ip:port").tok("LADDR").since("6.2.0").opt(),
            a::string("yes/no").tok("SKIPME").opt(),
        ]).multi(),
    ]),
        ],
        ..Command::new("kill", -3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_kill)
    },
    Command {
        since: "3.2.0",
        summary: "Instruct the server whether to reply to commands",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::oneof("on_off_skip", &[
        a::pure("on", "ON"),
        a::pure("off", "OFF"),
        a::pure("skip", "SKIP"),
    ]),
        ],
        ..Command::new("reply", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_reply)
    },
    Command {
        since: "7.0.0",
        summary: "Set client eviction mode for the current connection",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[
            a::oneof("enabled", &[
        a::pure("on", "ON"),
        a::pure("off", "OFF"),
    ]),
        ],
        ..Command::new("no-evict", 3, ADMIN | CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "7.2.0",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        complexity: "O(1)",
        acl: &["connection"],
        args: &[a::oneof("enabled", &[a::pure("on", "ON"), a::pure("off", "OFF")])],
        ..Command::new("no-touch", 3, CLIENT_FLAGS, (0, 0, 0), "connection", client_onoff)
    },
    Command {
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "connection", client_help)
    },
];

/// `PING [message]`
fn ping(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 2 {
        return Err(Error::arity(b"ping"));
    }
    let _ = ctx;
    Ok(match args.get(1) {
        Some(m) => Reply::Bulk(m.clone()),
        None => Reply::status("PONG"),
    })
}

/// `ECHO message`
fn echo(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Bulk(args[1].clone()))
}

/// `SELECT index`
fn select(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let idx = parse_int(&args[1])?;
    if idx < 0 || idx as usize >= ctx.shared.keyspace.db_count() {
        return Err(Error::DbIndexOutOfRange);
    }
    ctx.client.select(idx as usize);
    Ok(Reply::OK)
}

/// `QUIT`
fn quit(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    ctx.client.close_after_reply = true;
    Ok(Reply::OK)
}

/// Checks a username and password against `requirepass` (the only user is `default`).
pub fn check_password(ctx: &Ctx<'_>, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    match ctx.shared.requirepass() {
        None => true,
        Some(p) => p.as_bytes() == pass,
    }
}

/// `AUTH [username] password`
fn auth(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 3 {
        return Err(Error::Syntax);
    }
    let (user, pass): (&[u8], &[u8]) = if args.len() == 2 {
        if ctx.shared.requirepass().is_none() {
            return Err(Error::AuthNotConfigured);
        }
        (b"default", &args[1])
    } else {
        (&args[1], &args[2])
    };
    if check_password(ctx, user, pass) {
        ctx.client.authenticated = true;
        Ok(Reply::OK)
    } else {
        Err(Error::WrongPass)
    }
}

/// Checks a client name as Redis does (no spaces, newlines or other special characters).
pub fn validate_client_name(name: &[u8]) -> CmdResult<()> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(Error::err(
            "Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// `HELLO [protover [AUTH username password] [SETNAME clientname]]`
fn hello(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut ver = None;
    let mut i = 1;
    if args.len() >= 2 {
        let v = crate::protocol::request::parse_i64(&args[1])
            .ok_or_else(|| Error::err("Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&v) {
            return Err(Error::NoProto);
        }
        ver = Some(v);
        i = 2;
    }
    let mut creds = None;
    let mut name = None;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if is(&args[i], "auth") && more >= 2 {
            creds = Some((args[i + 1].clone(), args[i + 2].clone()));
            i += 3;
        } else if is(&args[i], "setname") && more >= 1 {
            validate_client_name(&args[i + 1])?;
            name = Some(args[i + 1].clone());
            i += 2;
        } else {
            return Err(Error::err(format!(
                "Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(&args[i])
            )));
        }
    }
    if let Some((u, p)) = creds {
        if !check_password(ctx, &u, &p) {
            return Err(Error::WrongPass);
        }
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return Err(Error::Other(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time".into(),
        ));
    }
    if let Some(n) = name {
        *ctx.client.info.name.lock() = if n.is_empty() { None } else { Some(n) };
    }
    if let Some(v) = ver {
        ctx.client.resp3 = v == 3;
        ctx.client.info.resp.store(v as usize, Ordering::Relaxed);
    }
    let proto = if ctx.client.resp3 { 3 } else { 2 };
    Ok(Reply::Map(vec![
        (Reply::bulk_str("server"), Reply::bulk_str("redis")),
        (Reply::bulk_str("version"), Reply::bulk_str(REDIS_VERSION)),
        (Reply::bulk_str("proto"), Reply::Int(proto)),
        (Reply::bulk_str("id"), Reply::Int(ctx.client.id as i64)),
        (Reply::bulk_str("mode"), Reply::bulk_str("standalone")),
        (Reply::bulk_str("role"), Reply::bulk_str("master")),
        (Reply::bulk_str("modules"), Reply::Array(vec![])),
    ]))
}

/// `RESET`: back to a fresh connection's state (RESP2, db 0, no name, no
/// transaction or watches; authentication again required if a password is set).
fn reset(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    super::transactions::end_multi(ctx.client);
    super::transactions::unwatch_all(ctx.shared, ctx.client);
    ctx.client.select(0);
    ctx.client.resp3 = false;
    ctx.client.info.resp.store(2, Ordering::Relaxed);
    *ctx.client.info.name.lock() = None;
    ctx.client.authenticated = ctx.shared.requirepass().is_none();
    Ok(Reply::status("RESET"))
}

/// `CLIENT ID`
fn client_id(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(ctx.client.id as i64))
}

/// `CLIENT SETNAME name` (empty clears it)
fn client_setname(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    validate_client_name(&args[2])?;
    *ctx.client.info.name.lock() = if args[2].is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(&args[2]))
    };
    Ok(Reply::OK)
}

/// `CLIENT GETNAME`
fn client_getname(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(match &*ctx.client.info.name.lock() {
        Some(n) => Reply::Bulk(n.clone()),
        None => Reply::Nil,
    })
}

/// `CLIENT SETINFO LIB-NAME name | LIB-VER version` (Redis 7.2)
fn client_setinfo(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let attr = &args[2];
    let slot = if is(attr, "lib-name") {
        &ctx.client.info.lib_name
    } else if is(attr, "lib-ver") {
        &ctx.client.info.lib_ver
    } else {
        return Err(Error::err(format!(
            "Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        )));
    };
    let v = &args[3];
    if v.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(Error::err(format!(
            "{} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        )));
    }
    *slot.lock() = if v.is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(v))
    };
    Ok(Reply::OK)
}

/// One CLIENT LIST / CLIENT INFO line, Redis's fields in Redis's order.
/// Buffer sizes Sluice does not track per client are reported as 0.
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
        "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={}",
        c.id,
        c.addr,
        c.laddr,
        String::from_utf8_lossy(&name),
        now_ms.saturating_sub(c.created_ms) / 1000,
        now_ms.saturating_sub(c.last_ms.load(Ordering::Relaxed)) / 1000,
        flags,
        c.db.load(Ordering::Relaxed),
        multi,
        c.last_cmd.lock(),
        c.resp.load(Ordering::Relaxed),
        String::from_utf8_lossy(&lib_name),
        String::from_utf8_lossy(&lib_ver),
    );
}

/// `CLIENT INFO`
fn client_info(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
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
        Err(Error::err(format!(
            "Unknown client type '{}'",
            String::from_utf8_lossy(t)
        )))
    }
}

/// `CLIENT LIST [TYPE type] [ID id ...]`
fn client_list(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut ids: Option<Vec<u64>> = None;
    let mut normal = true;
    if args.len() == 4 && is(&args[2], "type") {
        normal = client_type_is_normal(&args[3])?;
    } else if args.len() >= 4 && is(&args[2], "id") {
        let mut v = Vec::new();
        for a in &args[3..] {
            match crate::protocol::request::parse_i64(a) {
                Some(n) if n >= 0 => v.push(n as u64),
                _ => return Err(Error::err("Invalid client ID")),
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
/// [TYPE type] [USER name] [SKIPME yes|no] ...` (returns how many were killed).
fn client_kill(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let me = ctx.client.id;
    let old_form = args.len() == 3;
    let mut id = None;
    let mut addr = None;
    let mut laddr = None;
    let mut user = None;
    let mut normal = true;
    let mut skipme = !old_form;
    if old_form {
        addr = Some(&args[2]);
    } else {
        if args.len() % 2 != 0 {
            return Err(Error::Syntax);
        }
        for kv in args[2..].chunks(2) {
            let (k, v) = (&kv[0], &kv[1]);
            if is(k, "id") {
                match crate::protocol::request::parse_i64(v) {
                    Some(n) if n > 0 => id = Some(n as u64),
                    _ => return Err(Error::err("client-id should be greater than 0")),
                }
            } else if is(k, "addr") {
                addr = Some(v);
            } else if is(k, "laddr") {
                laddr = Some(v);
            } else if is(k, "type") {
                normal = client_type_is_normal(v)?;
            } else if is(k, "user") {
                user = Some(v);
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
            && user.map_or(true, |u| &u[..] == b"default")
            && !(skipme && c.id == me);
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
            return Err(Error::err("No such client"));
        }
        return Ok(Reply::OK);
    }
    Ok(Reply::Int(killed))
}

/// `CLIENT NO-EVICT on|off`, `CLIENT NO-TOUCH on|off`: accepted; Sluice never
/// evicts clients and keeps no LRU that a read would disturb.
fn client_onoff(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if is(&args[2], "on") || is(&args[2], "off") {
        Ok(Reply::OK)
    } else {
        Err(Error::Syntax)
    }
}

/// `CLIENT REPLY ON|OFF|SKIP`. OFF and SKIP send no reply themselves (the
/// connection drops it); SKIP also drops the next command's reply.
fn client_reply(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let c = &mut *ctx.client;
    if is(&args[2], "on") {
        c.reply_off = false;
        c.reply_skip = false;
        c.reply_skip_next = false;
    } else if is(&args[2], "off") {
        c.reply_off = true;
    } else if is(&args[2], "skip") {
        if !c.reply_off {
            c.reply_skip = true;
            c.reply_skip_next = true;
        }
    } else {
        return Err(Error::Syntax);
    }
    Ok(Reply::OK)
}

fn client_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
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
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "    * ID <client-id> [<client-id> ...]",
            "      Return clients with the specified IDs.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
        ],
    ))
}
