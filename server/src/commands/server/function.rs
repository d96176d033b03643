//! `FUNCTION FLUSH [ASYNC | SYNC]`, `FUNCTION HELP`
//!
//! Sluice has no scripting yet: FUNCTION FLUSH is here because test suites
//! and client libraries call it to reset a server.

use super::super::{help_reply, is, Ctx};
use crate::error::{CmdResult, ServerError};
use crate::protocol::Reply;
use bytes::Bytes;

/// `FUNCTION FLUSH [ASYNC|SYNC]`: Sluice has no functions; flushing none
/// succeeds, and counts as one change, as in Redis (which counts it even
/// with no library loaded).
pub(super) fn function_flush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 3 || (args.len() == 3 && !is(&args[2], "async") && !is(&args[2], "sync")) {
        return Err(ServerError::FunctionFlushMode.into());
    }
    ctx.dirty(1);
    Ok(Reply::OK)
}

pub(super) fn function_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "FUNCTION",
        &[
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
        ],
    ))
}
