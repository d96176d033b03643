//! Stream entry IDs: `<ms>-<seq>`, two unsigned 64-bit numbers ordered
//! lexicographically, and the special forms commands accept.

use crate::error::{CmdResult, Error, StreamError};
use std::fmt;

/// An entry ID. Ordered by `ms`, then `seq`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The next ID in order, or None after `MAX`.
    pub fn next(self) -> Option<StreamId> {
        match self.seq.checked_add(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => self.ms.checked_add(1).map(|ms| StreamId { ms, seq: 0 }),
        }
    }

    /// The previous ID in order, or None before `MIN`.
    pub fn prev(self) -> Option<StreamId> {
        match self.seq.checked_sub(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => self
                .ms
                .checked_sub(1)
                .map(|ms| StreamId { ms, seq: u64::MAX }),
        }
    }

    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }

    /// Writes `<ms>-<seq>` without allocating a String.
    pub fn write_to(self, out: &mut Vec<u8>) {
        let mut b = itoa::Buffer::new();
        out.extend_from_slice(b.format(self.ms).as_bytes());
        out.push(b'-');
        out.extend_from_slice(b.format(self.seq).as_bytes());
    }

    /// The ID as bytes, for a bulk reply.
    pub fn to_bytes(self) -> bytes::Bytes {
        // Written on the stack, then copied into an allocation of the exact
        // size: a `Vec` with spare capacity would cost `Bytes::from` a
        // second allocation (its shared header).
        let (buf, n) = self.to_array();
        bytes::Bytes::copy_from_slice(&buf[..n])
    }

    /// The ID as a bulk reply, held in the reply itself (no allocation:
    /// XADD builds one per command).
    pub fn to_reply(self) -> crate::protocol::Reply {
        let (buf, n) = self.to_array();
        crate::protocol::Reply::bulk_small(&buf[..n])
    }

    /// `ms-seq` in a stack buffer (at most 20 + 1 + 20 bytes) and its length.
    fn to_array(self) -> ([u8; 41], usize) {
        let mut buf = [0u8; 41];
        let mut b = itoa::Buffer::new();
        let ms = b.format(self.ms).as_bytes();
        buf[..ms.len()].copy_from_slice(ms);
        buf[ms.len()] = b'-';
        let mut n = ms.len() + 1;
        let seq = b.format(self.seq).as_bytes();
        buf[n..n + seq.len()].copy_from_slice(seq);
        n += seq.len();
        (buf, n)
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// The error for any malformed ID argument.
pub fn invalid_id() -> Error {
    StreamError::InvalidId.into()
}

/// An ID as parsed from an argument, before the command decides what a
/// missing or automatic part means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParsedId {
    /// `-`
    Min,
    /// `+`
    Max,
    /// `<ms>` alone.
    MsOnly(u64),
    /// `<ms>-*`
    MsAutoSeq(u64),
    /// `<ms>-<seq>`
    Full(StreamId),
}

/// Parses an ID argument as Redis's `streamGenericParseIDOrReply` does:
/// `-`, `+`, `<ms>`, `<ms>-<seq>`, `<ms>-*`. The numbers follow Redis's
/// `string2ull` (which falls back to `strtoull`, so `+1` and ` 1` are accepted).
/// Longer than 127 bytes is invalid; bytes after a NUL are ignored, as in C.
pub fn parse(arg: &[u8]) -> CmdResult<ParsedId> {
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    let s = match arg.iter().position(|&c| c == 0) {
        Some(nul) => &arg[..nul],
        None => arg,
    };
    match s {
        b"-" => return Ok(ParsedId::Min),
        b"+" => return Ok(ParsedId::Max),
        _ => {}
    }
    let (ms_part, seq_part) = match s.iter().position(|&c| c == b'-') {
        Some(d) => (&s[..d], Some(&s[d + 1..])),
        None => (s, None),
    };
    let ms = string2ull(ms_part).ok_or_else(invalid_id)?;
    match seq_part {
        None => Ok(ParsedId::MsOnly(ms)),
        Some(b"*") => Ok(ParsedId::MsAutoSeq(ms)),
        Some(seq) => Ok(ParsedId::Full(StreamId::new(
            ms,
            string2ull(seq).ok_or_else(invalid_id)?,
        ))),
    }
}

/// Parses a concrete ID: `-`, `+`, `<ms>` (seq taken as `missing_seq`) or `<ms>-<seq>`.
/// `<ms>-*` is invalid here.
pub fn parse_with_default(arg: &[u8], missing_seq: u64) -> CmdResult<StreamId> {
    match parse(arg)? {
        ParsedId::Min => Ok(StreamId::MIN),
        ParsedId::Max => Ok(StreamId::MAX),
        ParsedId::MsOnly(ms) => Ok(StreamId::new(ms, missing_seq)),
        ParsedId::MsAutoSeq(_) => Err(invalid_id()),
        ParsedId::Full(id) => Ok(id),
    }
}

/// Parses a strict `<ms>[-<seq>]` ID (`-` and `+` refused), as XADD, XDEL and XSETID want.
pub fn parse_strict(arg: &[u8], missing_seq: u64) -> CmdResult<StreamId> {
    if arg == b"-" || arg == b"+" {
        return Err(invalid_id());
    }
    parse_with_default(arg, missing_seq)
}

/// Redis's `string2ull`: strict decimal first, then `strtoull` rules (leading
/// whitespace, an optional sign, digits to the end; a `-` wraps modulo 2^64).
pub fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(v) = crate::protocol::request::parse_i64(s) {
        return if v < 0 { None } else { Some(v as u64) };
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    if i >= s.len() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &s[i..] {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_bytes_is_display() {
        for id in [
            StreamId::new(0, 0),
            StreamId::new(1526919030474, 55),
            StreamId::new(u64::MAX, u64::MAX),
        ] {
            assert_eq!(id.to_bytes(), id.to_string().as_bytes());
            assert_eq!(id.to_reply(), crate::protocol::Reply::bulk(id.to_string()));
        }
    }

    #[test]
    fn forms() {
        assert_eq!(parse(b"-").unwrap(), ParsedId::Min);
        assert_eq!(parse(b"5").unwrap(), ParsedId::MsOnly(5));
        assert_eq!(parse(b"5-*").unwrap(), ParsedId::MsAutoSeq(5));
        assert_eq!(parse(b"5-7").unwrap(), ParsedId::Full(StreamId::new(5, 7)));
        assert_eq!(parse(b"+5-7").unwrap(), ParsedId::Full(StreamId::new(5, 7)));
        assert!(parse(b"-5").is_err());
        assert!(parse(b"5-").is_err());
        assert!(parse(b"a-1").is_err());
        assert!(parse(b"18446744073709551616").is_err());
        assert_eq!(
            parse(b"18446744073709551615-0").unwrap(),
            ParsedId::Full(StreamId::new(u64::MAX, 0))
        );
        assert!(parse_strict(b"+", 0).is_err());
        assert_eq!(
            invalid_id().to_string(),
            "ERR Invalid stream ID specified as stream command argument"
        );
    }

    #[test]
    fn order_and_steps() {
        assert!(StreamId::new(1, 5) < StreamId::new(2, 0));
        assert_eq!(StreamId::new(1, u64::MAX).next(), Some(StreamId::new(2, 0)));
        assert_eq!(StreamId::MAX.next(), None);
        assert_eq!(StreamId::new(2, 0).prev(), Some(StreamId::new(1, u64::MAX)));
        assert_eq!(StreamId::new(3, 4).to_string(), "3-4");
    }
}
