//! `StreamId`: a stream entry ID (`<ms>-<seq>`) as two integers, with the
//! parsing and ordering Redis uses, so IDs compare numerically (never as text).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A stream entry ID. Orders by `ms`, then `seq`, exactly as the server does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub struct StreamId {
    /// Milliseconds part (the server's Unix time for auto-generated IDs).
    pub ms: u64,
    /// Sequence number within the millisecond.
    pub seq: u64,
}

impl StreamId {
    /// The smallest ID, `0-0`.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// The largest ID.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// Build an ID from its two parts.
    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// Parse `<ms>-<seq>` or `<ms>` (sequence 0), as the server replies them.
    pub fn parse(text: &[u8]) -> Result<StreamId, Error> {
        let bad = || Error::InvalidId(String::from_utf8_lossy(text).into_owned());
        let (ms, seq) = match text.iter().position(|&b| b == b'-') {
            Some(dash) => (&text[..dash], Some(&text[dash + 1..])),
            None => (text, None),
        };
        let ms = parse_u64(ms).ok_or_else(bad)?;
        let seq = match seq {
            Some(s) => parse_u64(s).ok_or_else(bad)?,
            None => 0,
        };
        Ok(StreamId { ms, seq })
    }

    /// The next ID in order (saturating at [`StreamId::MAX`]).
    pub fn next(self) -> StreamId {
        if self.seq == u64::MAX {
            if self.ms == u64::MAX {
                self
            } else {
                StreamId::new(self.ms + 1, 0)
            }
        } else {
            StreamId::new(self.ms, self.seq + 1)
        }
    }

    /// The textual form as bytes, for use as a command argument.
    pub fn to_bytes(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

impl FromStr for StreamId {
    type Err = Error;
    fn from_str(s: &str) -> Result<StreamId, Error> {
        StreamId::parse(s.as_bytes())
    }
}

impl redis::ToRedisArgs for StreamId {
    fn write_redis_args<W: ?Sized + redis::RedisWrite>(&self, out: &mut W) {
        out.write_arg_fmt(self)
    }
}

impl redis::ToSingleRedisArg for StreamId {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(StreamId::parse(b"1-2").unwrap(), StreamId::new(1, 2));
        assert_eq!(StreamId::parse(b"17").unwrap(), StreamId::new(17, 0));
        assert_eq!(
            StreamId::parse(b"18446744073709551615-18446744073709551615").unwrap(),
            StreamId::MAX
        );
        assert_eq!(
            StreamId::new(1526919030474, 55).to_string(),
            "1526919030474-55"
        );
        for bad in [
            &b""[..],
            b"-",
            b"1-",
            b"-1",
            b"a-1",
            b"1-b",
            b"1-2-3",
            b"18446744073709551616-0",
            b"+1",
        ] {
            assert!(
                StreamId::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn orders_numerically_not_textually() {
        let a = StreamId::parse(b"9-0").unwrap();
        let b = StreamId::parse(b"10-0").unwrap();
        assert!(a < b);
        assert!(StreamId::new(5, 9) < StreamId::new(5, 10));
        assert_eq!(StreamId::new(1, u64::MAX).next(), StreamId::new(2, 0));
        assert_eq!(StreamId::MAX.next(), StreamId::MAX);
    }
}
