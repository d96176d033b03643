//! `XCFGSET key [IDMP-DURATION duration] [IDMP-MAXSIZE maxsize]`
//!
//! A stream's IDMP configuration (Redis 8.6): how long and how many
//! idempotent IDs XADD remembers per producer (`stream/idmp.rs`).

use super::super::{parse_int, Ctx};
use super::stream_mut;
use crate::error::{CmdResult, Error, StreamError};
use crate::protocol::Reply;
use crate::stream::idmp;
use bytes::Bytes;

pub(super) fn xcfgset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let parsed = parse_xcfgset(&args[2..]);
    // Redis looks the key up first: a missing key or another type wins over
    // any argument error (the closure only runs for a stream).
    let changed = stream_mut(ctx, &args[1], |s| {
        let (duration, maxsize) = parsed?;
        Ok::<_, Error>(s.idmp.configure(duration, maxsize))
    })?
    .ok_or(Error::NoSuchKey)??;
    if changed {
        // Clearing the tables is a write (WATCH sees it).
        ctx.signal(&args[1]);
    }
    // Redis 8.6's XCFGSET (not in 8.0): a configuration set is one change.
    ctx.dirty(1);
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
                return Err(StreamError::IdmpDurationTwice.into());
            }
            let n = parse_int(&args[i + 1])?;
            if !(idmp::MIN_DURATION..=idmp::MAX_DURATION).contains(&n) {
                return Err(
                    StreamError::IdmpDurationRange(idmp::MIN_DURATION, idmp::MAX_DURATION).into(),
                );
            }
            duration = Some(n as u32);
            i += 2;
        } else if a.eq_ignore_ascii_case(b"idmp-maxsize") && more > 0 {
            if maxsize.is_some() {
                return Err(StreamError::IdmpMaxsizeTwice.into());
            }
            let n = parse_int(&args[i + 1])?;
            if !(idmp::MIN_MAXSIZE..=idmp::MAX_MAXSIZE).contains(&n) {
                return Err(
                    StreamError::IdmpMaxsizeRange(idmp::MIN_MAXSIZE, idmp::MAX_MAXSIZE).into(),
                );
            }
            maxsize = Some(n as u32);
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    if duration.is_none() && maxsize.is_none() {
        return Err(StreamError::XcfgsetNothing.into());
    }
    Ok((duration, maxsize))
}

#[cfg(test)]
mod tests {
    use super::super::test_args::*;
    use super::*;

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
}
