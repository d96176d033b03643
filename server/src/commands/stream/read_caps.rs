//! `MAXCOUNT` and `MAXSIZE` on XREAD / XREADGROUP (Redis 8.10): caps on the
//! whole reply, across every stream the command names, where `COUNT` caps
//! each stream. Specified in docs/redis8.md; this module owns the parsing of
//! the two options and [`ReplyBudget`], the running account that the stream
//! readers consult before each entry.
//!
//! The rule, for both commands and every way an entry can be served (new
//! entries, a consumer's history, entries claimed with CLAIM):
//! - before a stream is served, and before each entry, the budget is *full*
//!   when `MAXCOUNT` entries were emitted, or when at least one entry was
//!   emitted and the reply so far has at least `MAXSIZE` bytes. A full budget
//!   stops the reply: the entry and every later stream are skipped (not sent,
//!   not delivered, not added to a PEL, the group's last ID not moved).
//! - So one entry is always served when there is one, however large, and
//!   the entry that reaches `MAXSIZE` is the last one.
//!
//! "The reply so far" is exact: the bytes of the reply as it would be sent
//! if the command stopped at that point, in the connection's protocol
//! (outer array or map header, per-stream `[key, entries]` wrappers with
//! their counts, and the entries).

use crate::error::{CmdResult, StreamError};
use crate::stream::read::EntryBudget;
use bytes::Bytes;

/// The two caps; `u64::MAX` when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCaps {
    pub max_count: u64,
    pub max_size: u64,
}

impl Default for ReadCaps {
    fn default() -> Self {
        ReadCaps {
            max_count: u64::MAX,
            max_size: u64::MAX,
        }
    }
}

/// `MAXCOUNT n` / `MAXSIZE n` at `args[i]` in the XREAD/XREADGROUP option
/// loop (with a value after it): true when it is one (the caller skips two
/// arguments). The value must be an integer (`ERR MAXCOUNT is not an integer
/// or out of range`) of at least 1 (`ERR MAXCOUNT must be a positive
/// integer`); the same texts with MAXSIZE.
pub fn parse_cap_option(args: &[Bytes], i: usize, caps: &mut ReadCaps) -> CmdResult<bool> {
    if i + 1 >= args.len() {
        return Ok(false);
    }
    let (slot, name) = if args[i].eq_ignore_ascii_case(b"maxcount") {
        (&mut caps.max_count, "MAXCOUNT")
    } else if args[i].eq_ignore_ascii_case(b"maxsize") {
        (&mut caps.max_size, "MAXSIZE")
    } else {
        return Ok(false);
    };
    let v = crate::protocol::request::parse_i64(&args[i + 1])
        .ok_or(StreamError::CapNotInteger(name))?;
    if v < 1 {
        return Err(StreamError::CapNotPositive(name).into());
    }
    *slot = v as u64;
    Ok(true)
}

/// After the whole command line is parsed: MAXCOUNT below a (non-zero)
/// COUNT is refused, since COUNT could never be reached.
pub fn check_caps(caps: &ReadCaps, count: usize) -> CmdResult<()> {
    if count != 0 && caps.max_count < count as u64 {
        return Err(StreamError::MaxcountBelowCount.into());
    }
    Ok(())
}

/// Length of `*n\r\n` (or `%n\r\n`).
fn header_len(n: u64) -> u64 {
    3 + digits(n)
}

fn digits(mut n: u64) -> u64 {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Length of a bulk string of `len` bytes.
fn bulk_len(len: usize) -> u64 {
    header_len(len as u64) + len as u64 + 2
}

/// The stream layer's readers consult the budget through this trait
/// (`stream/read.rs`), so they know nothing of the caps themselves.
impl EntryBudget for ReplyBudget {
    #[inline]
    fn full(&self) -> bool {
        ReplyBudget::full(self)
    }
    #[inline]
    fn add_entry(&mut self, bytes: usize) {
        ReplyBudget::add_entry(self, bytes)
    }
    #[inline]
    fn try_open(&mut self, key: &[u8]) -> bool {
        ReplyBudget::try_open(self, key)
    }
    #[inline]
    fn close_stream(&mut self, served: bool) {
        ReplyBudget::close_stream(self, served)
    }
    fn deleted_entry_len(&self, id_len: usize) -> usize {
        ReplyBudget::deleted_entry_len(self, id_len)
    }
}

/// The running account of one XREAD / XREADGROUP reply against its caps.
#[derive(Debug, Clone)]
pub struct ReplyBudget {
    caps: ReadCaps,
    resp3: bool,
    /// Entries emitted in the whole reply.
    entries: u64,
    /// Streams in the reply, the open one included.
    streams: u64,
    /// Bytes of the closed streams (wrapper, key, entries header and entries).
    closed: u64,
    /// The open stream: its wrapper and key, entries and their bytes.
    open: Option<(u64, u64, u64)>,
    /// Set when a stream could not start because the budget was used up:
    /// later streams are skipped too, whatever their key's length.
    stopped: bool,
}

impl ReplyBudget {
    pub fn new(caps: ReadCaps, resp3: bool) -> Self {
        ReplyBudget {
            caps,
            resp3,
            entries: 0,
            streams: 0,
            closed: 0,
            open: None,
            stopped: false,
        }
    }

    /// Bytes of the reply if it stopped now.
    pub fn reply_bytes(&self) -> u64 {
        let open = self
            .open
            .map(|(fixed, n, bytes)| fixed + header_len(n) + bytes)
            .unwrap_or(0);
        header_len(self.streams) + self.closed + open
    }

    /// True when nothing more may be emitted (module docs).
    pub fn full(&self) -> bool {
        if self.stopped || self.entries >= self.caps.max_count {
            return true;
        }
        self.caps.max_size != u64::MAX
            && self.entries > 0
            && self.reply_bytes() >= self.caps.max_size
    }

    /// The per-stream limit to use for the next stream (0 = no limit), given
    /// COUNT (0 = no limit): never more than MAXCOUNT has left.
    pub fn stream_count(&self, count: usize) -> usize {
        if self.caps.max_count == u64::MAX {
            return count;
        }
        let left = self.caps.max_count.saturating_sub(self.entries);
        let left = usize::try_from(left).unwrap_or(usize::MAX);
        if count == 0 {
            left
        } else {
            count.min(left)
        }
    }

    /// A stream named `key` starts in the reply.
    fn open_stream(&mut self, key: &[u8]) {
        debug_assert!(self.open.is_none());
        // RESP2 wraps each stream in `*2`; RESP3 makes it a map entry.
        let wrapper = if self.resp3 { 0 } else { 4 };
        self.streams += 1;
        self.open = Some((wrapper + bulk_len(key.len()), 0, 0));
    }

    /// Opens a stream named `key` unless the budget is full once its key is
    /// counted: then nothing is opened, this and every later stream are
    /// skipped (a reply never carries a stream with no entry because of the
    /// caps), and false is returned.
    pub fn try_open(&mut self, key: &[u8]) -> bool {
        self.open_stream(key);
        if self.full() {
            self.close_stream(false);
            self.stopped = true;
            return false;
        }
        true
    }

    /// Wire length of an entry served from a consumer's history that is no
    /// longer in the stream: `[id, nil]`.
    pub fn deleted_entry_len(&self, id_len: usize) -> usize {
        4 + bulk_len(id_len) as usize + if self.resp3 { 3 } else { 5 }
    }

    /// The open stream ends: with entries (kept), or `served == false` when
    /// the stream turned out to have nothing for the reply (dropped).
    pub fn close_stream(&mut self, served: bool) {
        let Some((fixed, n, bytes)) = self.open.take() else {
            return;
        };
        if served {
            self.closed += fixed + header_len(n) + bytes;
        } else {
            self.streams -= 1;
        }
    }

    /// One entry of `bytes` wire bytes was added to the open stream.
    pub fn add_entry(&mut self, bytes: usize) {
        self.entries += 1;
        if let Some((_, n, b)) = &mut self.open {
            *n += 1;
            *b += bytes as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Reply;

    fn arg(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    fn caps(max_count: u64, max_size: u64) -> ReadCaps {
        ReadCaps {
            max_count,
            max_size,
        }
    }

    /// The budget's byte count equals the encoded size of the same reply.
    #[test]
    fn reply_bytes_match_the_encoding() {
        for resp3 in [false, true] {
            let mut b = ReplyBudget::new(ReadCaps::default(), resp3);
            let mut streams = Vec::new();
            for (k, key) in ["s", "a-longer-key-name"].iter().enumerate() {
                b.open_stream(key.as_bytes());
                let mut entries = Vec::new();
                for j in 0..(3 + k * 9) {
                    let e = Reply::Array(vec![
                        Reply::bulk_from(format!("{j}-1").as_bytes()),
                        Reply::Array(vec![Reply::bulk_from(b"f"), Reply::bulk_from(b"value")]),
                    ]);
                    let mut enc = bytes::BytesMut::new();
                    e.encode(&mut enc, resp3);
                    b.add_entry(enc.len());
                    entries.push(e);
                }
                b.close_stream(true);
                streams.push((Reply::bulk_from(key.as_bytes()), Reply::Array(entries)));
            }
            // An opened stream that served nothing is not counted.
            b.open_stream(b"empty");
            b.close_stream(false);
            let reply = if resp3 {
                Reply::Map(streams)
            } else {
                Reply::Array(
                    streams
                        .into_iter()
                        .map(|(k, v)| Reply::Array(vec![k, v]))
                        .collect(),
                )
            };
            let mut enc = bytes::BytesMut::new();
            reply.encode(&mut enc, resp3);
            assert_eq!(b.reply_bytes(), enc.len() as u64, "resp3={resp3}");
        }
    }

    #[test]
    fn full_after_maxcount_or_maxsize_but_never_before_one_entry() {
        let mut b = ReplyBudget::new(caps(2, u64::MAX), false);
        assert!(!b.full());
        assert_eq!(b.stream_count(0), 2);
        assert_eq!(b.stream_count(1), 1);
        b.open_stream(b"s");
        b.add_entry(10);
        assert_eq!(b.stream_count(5), 1);
        b.add_entry(10);
        assert!(b.full());
        assert_eq!(b.stream_count(0), 0);

        // MAXSIZE 1: the first entry is always allowed, then nothing.
        let mut b = ReplyBudget::new(caps(u64::MAX, 1), false);
        b.open_stream(b"s");
        assert!(!b.full());
        b.add_entry(1000);
        assert!(b.full());

        // Exactly at the cap counts as reached.
        let mut b = ReplyBudget::new(caps(u64::MAX, 0), true);
        b.open_stream(b"s");
        b.add_entry(20);
        let at = b.reply_bytes();
        let mut b2 = ReplyBudget::new(caps(u64::MAX, at), true);
        b2.open_stream(b"s");
        b2.add_entry(20);
        assert!(b2.full());
        let mut b3 = ReplyBudget::new(caps(u64::MAX, at + 1), true);
        b3.open_stream(b"s");
        b3.add_entry(20);
        assert!(!b3.full());
    }

    #[test]
    fn parsing_and_errors() {
        let args: Vec<Bytes> = ["XREAD", "maxcount", "5", "MAXSIZE", "100", "MAXCOUNT"]
            .iter()
            .map(|s| arg(s))
            .collect();
        let mut c = ReadCaps::default();
        assert!(parse_cap_option(&args, 1, &mut c).unwrap());
        assert!(parse_cap_option(&args, 3, &mut c).unwrap());
        // No value after it: not this option.
        assert!(!parse_cap_option(&args, 5, &mut c).unwrap());
        assert_eq!(c, caps(5, 100));
        for (v, msg) in [
            ("0", "ERR MAXCOUNT must be a positive integer"),
            ("-3", "ERR MAXCOUNT must be a positive integer"),
            ("x", "ERR MAXCOUNT is not an integer or out of range"),
            ("1.5", "ERR MAXCOUNT is not an integer or out of range"),
            (
                "9223372036854775808",
                "ERR MAXCOUNT is not an integer or out of range",
            ),
        ] {
            let a = vec![arg("XREAD"), arg("MAXCOUNT"), arg(v)];
            let e = parse_cap_option(&a, 1, &mut c).unwrap_err();
            assert_eq!(e.to_string(), msg, "{v}");
        }
        assert!(check_caps(&caps(3, u64::MAX), 3).is_ok());
        assert!(check_caps(&caps(3, u64::MAX), 0).is_ok());
        assert_eq!(
            check_caps(&caps(3, u64::MAX), 4).unwrap_err().to_string(),
            "ERR MAXCOUNT must be greater than or equal to COUNT"
        );
    }
}
