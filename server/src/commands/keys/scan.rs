//! `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
//!
//! The cursor is a position in the database's hash order (see
//! [`crate::keyspace::Db::scan`]): every key present for the whole scan is
//! returned at least once, whatever is added or removed meanwhile.

use crate::commands::{is, parse_int, Ctx};
use crate::error::{CmdResult, Error, KeysError};
use crate::keyspace::{glob, ScanPage};
use crate::protocol::Reply;
use bytes::Bytes;

/// SCAN's arguments.
struct ScanArgs<'a> {
    cursor: u64,
    /// How many hash positions to visit (a hint, at least 1; default 10).
    count: usize,
    /// Keep only keys matching this glob (None for none given, or `*`).
    pattern: Option<&'a Bytes>,
    /// Keep only keys whose type name is this, any case.
    typ: Option<&'a Bytes>,
}

impl<'a> ScanArgs<'a> {
    fn parse(args: &'a [Bytes]) -> CmdResult<ScanArgs<'a>> {
        let mut a = ScanArgs {
            cursor: parse_cursor(&args[1])?,
            count: 10,
            pattern: None,
            typ: None,
        };
        let mut i = 2;
        while i < args.len() {
            let has_value = i + 1 < args.len();
            if is(&args[i], "count") && has_value {
                let n = parse_int(&args[i + 1])?;
                if n < 1 {
                    return Err(Error::Syntax);
                }
                a.count = n as usize;
            } else if is(&args[i], "match") && has_value {
                a.pattern = Some(&args[i + 1]).filter(|p| &p[..] != b"*");
            } else if is(&args[i], "type") && has_value {
                a.typ = Some(&args[i + 1]);
            } else {
                return Err(Error::Syntax);
            }
            i += 2;
        }
        Ok(a)
    }
}

/// Parses a SCAN cursor like Redis's `strtoull` check: digits (a leading `-`
/// wraps around), nothing else.
fn parse_cursor(arg: &[u8]) -> CmdResult<u64> {
    let bad = || Error::from(KeysError::InvalidCursor);
    let s = std::str::from_utf8(arg).map_err(|_| bad())?;
    if let Some(neg) = s.strip_prefix('-') {
        let v: u64 = neg.parse().map_err(|_| bad())?;
        return Ok(v.wrapping_neg());
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    s.parse::<u64>().map_err(|_| bad())
}

/// One page of keys, filtered by MATCH and TYPE, with the next cursor.
pub(super) fn scan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let a = ScanArgs::parse(args)?;

    let db = ctx.db();
    let page = if a.cursor > i64::MAX as u64 {
        // Not a position any key can have: the scan is over.
        ScanPage {
            keys: Vec::new(),
            next: 0,
        }
    } else {
        db.scan(a.cursor, a.count, ctx.now_ms)
    };
    let mut keys = Vec::with_capacity(page.keys.len());
    for k in page.keys {
        if let Some(p) = a.pattern {
            if !glob::matches(p, &k, false) {
                continue;
            }
        }
        if let Some(t) = a.typ {
            let matches = db
                .peek(&k, ctx.now_ms, |e| {
                    e.value.type_name().as_bytes().eq_ignore_ascii_case(t)
                })
                .unwrap_or(false);
            if !matches {
                continue;
            }
        }
        keys.push(Reply::Bulk(k));
    }
    let mut b = itoa::Buffer::new();
    Ok(Reply::Array(vec![
        Reply::bulk_from(b.format(page.next).as_bytes()),
        Reply::Array(keys),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parsing() {
        assert_eq!(parse_cursor(b"0").unwrap(), 0);
        assert_eq!(parse_cursor(b"123").unwrap(), 123);
        assert_eq!(parse_cursor(b"-1").unwrap(), u64::MAX);
        assert!(parse_cursor(b"abc").is_err());
        assert!(parse_cursor(b"18446744073709551616").is_err());
    }
}
