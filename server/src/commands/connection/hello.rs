//! `HELLO [protover [AUTH username password] [SETNAME clientname]]`

use super::super::{is, Ctx};
use super::auth::check_password;
use super::{validate_client_name, REDIS_VERSION};
use crate::error::{CmdResult, Error, ServerError};
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// Switches the protocol, authenticates and names the connection, all
/// optional, then replies with the server's handshake map.
pub(super) fn hello(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut ver = None;
    let mut i = 1;
    if args.len() >= 2 {
        let v =
            crate::protocol::request::parse_i64(&args[1]).ok_or(ServerError::ProtoverNotInteger)?;
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
            return Err(
                ServerError::HelloSyntax(String::from_utf8_lossy(&args[i]).into_owned()).into(),
            );
        }
    }
    if let Some((u, p)) = creds {
        if !check_password(ctx, &u, &p) {
            return Err(Error::WrongPass);
        }
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return Err(ServerError::HelloNoAuth.into());
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
