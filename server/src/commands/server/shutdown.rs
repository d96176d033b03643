//! `SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]`

use super::super::{is, Ctx};
use crate::error::{CmdResult, Error, ServerError};
use crate::protocol::Reply;
use bytes::Bytes;

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`
///
/// Sluice keeps no data on disk, so SAVE and NOSAVE mean the same. On success
/// nothing is replied: the server stops and every connection closes.
pub(super) fn shutdown(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (mut save, mut nosave, mut abort) = (false, false, false);
    for a in &args[1..] {
        if is(a, "nosave") {
            nosave = true;
        } else if is(a, "save") {
            save = true;
        } else if is(a, "now") || is(a, "force") {
        } else if is(a, "abort") {
            abort = true;
        } else {
            return Err(Error::Syntax);
        }
    }
    if (save && nosave) || (abort && args.len() > 2) {
        return Err(Error::Syntax);
    }
    if abort {
        return Err(ServerError::NoShutdownInProgress.into());
    }
    tracing::warn!("User requested shutdown...");
    ctx.shared.shutdown.cancel();
    ctx.client.close_after_reply = true;
    Ok(Reply::Raw(Bytes::new()))
}
