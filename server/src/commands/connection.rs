//! Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT.

use super::{flags::*, is, parse_int, Command, Ctx};
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// The Redis version Sluice reports (HELLO, INFO): the newest whose stream
/// commands it serves.
pub const REDIS_VERSION: &str = "7.4.0";

pub static COMMANDS: &[Command] = &[
    Command {
        summary: "Returns the server's liveliness response.",
        complexity: "O(1)",
        ..Command::new("ping", -1, FAST, (0, 0, 0), "connection", ping)
    },
    Command {
        summary: "Returns the given string.",
        complexity: "O(1)",
        ..Command::new("echo", 2, FAST, (0, 0, 0), "connection", echo)
    },
    Command {
        since: "6.0.0",
        summary: "Handshakes with the Redis server.",
        complexity: "O(1)",
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
        summary: "Authenticates the connection.",
        complexity: "O(N) where N is the number of passwords defined for the user",
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
        summary: "Changes the selected database.",
        complexity: "O(1)",
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
        summary: "Closes the connection.",
        complexity: "O(1)",
        ..Command::new(
            "quit",
            -1,
            ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
            (0, 0, 0),
            "connection",
            quit,
        )
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
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time".into(),
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
