//! `AUTH [username] password`

use super::super::Ctx;
use crate::error::{CmdResult, Error};
use crate::protocol::Reply;
use bytes::Bytes;

/// Checks a username and password against `requirepass` (the only user is `default`).
pub(super) fn check_password(ctx: &Ctx<'_>, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    match ctx.shared.requirepass() {
        None => true,
        Some(p) => p.as_bytes() == pass,
    }
}

/// Authenticates the connection as `username` (`default` when only the
/// password is given).
pub(super) fn auth(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
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
