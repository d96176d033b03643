//! Request decoding: RESP multibulk arrays and inline commands, bounded.
//!
//! The decoder is incremental: it remembers how far into a multibulk request it
//! got, so a large request arriving in many reads is scanned once, not from its
//! start on every read (see `docs/protocol.md` for why this is ours and not the
//! redis-protocol crate's decoder). Every length a client declares is checked as
//! soon as its header line is complete, with Redis's error texts.
//!
//! ```text
//!   *3\r\n $4\r\n XLEN\r\n $1\r\n s\r\n ...      multibulk: one Bytes per argument,
//!   ^ count  ^ bulk len  ^ payload                  split off the read buffer (zero copy)
//!   XLEN s\r\n                                     inline: split on spaces, quotes honoured
//! ```

use bytes::{Buf, Bytes, BytesMut};

/// Longest header or inline line accepted before the request is refused (Redis's PROTO_INLINE_MAX_SIZE).
pub const INLINE_MAX: usize = 64 * 1024;

/// Limits applied while decoding; each one mirrors a Redis setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `proto-max-bulk-len`: the longest single argument, in bytes.
    pub max_bulk_len: i64,
    /// Whether the client still has to authenticate: Redis then allows only
    /// small requests (10 arguments, 16 KiB each) so an anonymous peer cannot
    /// make it allocate.
    pub unauthenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            unauthenticated: false,
        }
    }
}

/// A protocol violation: the text is sent as `-ERR Protocol error: <text>` and
/// the connection is then closed, as Redis does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl ProtocolError {
    /// The error line as sent: `-ERR Protocol error: ...\r\n`. A byte the
    /// text quotes (`got '\xf5'`) is held as the char of the same value and
    /// sent as that one byte, as Redis's `%c` does; CR and LF become spaces.
    pub fn wire(&self) -> Vec<u8> {
        let mut out = b"-".to_vec();
        for c in self.to_string().chars() {
            let b = u32::from(c).min(255) as u8;
            out.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ERR Protocol error: {}", self.0)
    }
}

/// One decoded request: its arguments, command name first.
pub type Args = Vec<Bytes>;

/// Incremental request decoder. Feed it the connection's read buffer; it
/// consumes complete requests from the front.
#[derive(Default, Debug)]
pub struct Decoder {
    /// Arguments still to read in the current multibulk request (0: none in progress).
    remaining: usize,
    /// Length of the bulk argument whose header was read, or None.
    bulk_len: Option<usize>,
    /// Arguments read so far for the current multibulk request.
    args: Args,
    /// The batch: whole well-formed requests split off the read buffer at
    /// once (see [`Decoder::scan_batch`]), handed out one by one.
    batch: Batch,
}

/// Requests split off the read buffer together and not yet handed out.
///
/// # Invariants
/// - `frame` holds whole requests back to back; `spans` lists where each
///   argument of each lies in `frame`, in order, and `counts` how many
///   arguments each request has (every count > 0, summing to `spans.len()`).
/// - `next_req`/`next_span` point at the first request not handed out; when
///   `next_req == counts.len()` the batch is empty (and is cleared).
/// - Every request in it passed the checks of `limits` (the limits in force
///   when it was scanned).
#[derive(Default, Debug)]
struct Batch {
    frame: Bytes,
    spans: Vec<(usize, usize)>,
    counts: Vec<usize>,
    next_req: usize,
    next_span: usize,
    limits: Limits,
}

/// The most requests one batch takes, and the argument count past which it
/// takes no more (bounds the scratch vectors).
const BATCH_MAX_REQUESTS: usize = 1024;
const BATCH_MAX_ARGS: usize = 4096;

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// True when part of a request has been consumed but not completed, or
    /// whole requests are held that were not handed out yet.
    pub fn in_progress(&self) -> bool {
        self.remaining > 0 || self.batch.next_req < self.batch.counts.len()
    }

    /// Decodes one request from the front of `buf`. `Ok(None)` means more bytes
    /// are needed. Empty requests (`*0`, `*-1`, a blank inline line) are skipped.
    pub fn decode(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<Args>, ProtocolError> {
        let mut args = Args::new();
        Ok(self.decode_into(buf, limits, &mut args)?.then_some(args))
    }

    /// Like [`Decoder::decode`], but puts the request's arguments into `out`
    /// (cleared first) and returns whether there was a complete request, so
    /// a connection reuses one argument vector for all its requests.
    pub fn decode_into(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
        out: &mut Args,
    ) -> Result<bool, ProtocolError> {
        out.clear();
        if self.batch.next_req < self.batch.counts.len() {
            return self.next_from_batch(limits, out).map(|()| true);
        }
        if self.remaining == 0 && self.scan_batch(buf, limits) {
            return self.next_from_batch(limits, out).map(|()| true);
        }
        loop {
            if self.remaining == 0 {
                if buf.is_empty() {
                    return Ok(false);
                }
                if buf[0] == b'*' {
                    match self.start_multibulk(buf, limits)? {
                        None => return Ok(false),
                        Some(0) => continue,
                        Some(n) => {
                            self.remaining = n;
                            self.args = Vec::with_capacity(n.min(1024));
                        }
                    }
                } else {
                    match decode_inline(buf)? {
                        None => return Ok(false),
                        Some(args) if args.is_empty() => continue,
                        Some(args) => {
                            *out = args;
                            return Ok(true);
                        }
                    }
                }
            }
            // Read the arguments of the multibulk request in progress.
            while self.remaining > 0 {
                let len = match self.bulk_len {
                    Some(len) => len,
                    None => {
                        let Some(nl) = find_crlf(buf) else {
                            if buf.len() > INLINE_MAX {
                                return Err(perr("too big bulk count string"));
                            }
                            return Ok(false);
                        };
                        if buf[0] != b'$' {
                            return Err(ProtocolError(format!(
                                "expected '$', got '{}'",
                                buf[0] as char
                            )));
                        }
                        let ll = parse_i64(&buf[1..nl]);
                        let len = match ll {
                            Some(ll) if ll >= 0 && ll <= limits.max_bulk_len => ll,
                            _ => return Err(perr("invalid bulk length")),
                        };
                        if len > 16384 && limits.unauthenticated {
                            return Err(perr("unauthenticated bulk length"));
                        }
                        buf.advance(nl + 2);
                        let len = len as usize;
                        self.bulk_len = Some(len);
                        len
                    }
                };
                if buf.len() < len + 2 {
                    // Make room for the whole argument once, instead of growing step by step.
                    buf.reserve(len + 2 - buf.len());
                    return Ok(false);
                }
                let arg = buf.split_to(len).freeze();
                buf.advance(2);
                self.bulk_len = None;
                self.args.push(arg);
                self.remaining -= 1;
            }
            out.append(&mut self.args);
            return Ok(true);
        }
    }

    /// The fast path for the common case, whole well-formed multibulk
    /// requests already in `buf` (a pipeline): they are found without
    /// consuming anything, then split off the buffer at once, and each
    /// request's arguments are later sliced out of that one piece (one
    /// reference count each), instead of splitting and advancing the buffer
    /// per header and argument. Scanning stops at the first request that is
    /// incomplete, malformed, over a limit or empty; it is left in `buf` for
    /// the incremental path, which gives its exact errors. Returns whether
    /// any request was taken.
    fn scan_batch(&mut self, buf: &mut BytesMut, limits: &Limits) -> bool {
        let b: &[u8] = buf;
        let batch = &mut self.batch;
        batch.spans.clear();
        batch.counts.clear();
        batch.next_req = 0;
        batch.next_span = 0;
        batch.limits = *limits;
        let mut end = 0;
        'requests: while end < b.len()
            && batch.counts.len() < BATCH_MAX_REQUESTS
            && batch.spans.len() < BATCH_MAX_ARGS
        {
            let first_span = batch.spans.len();
            if b[end] != b'*' {
                break;
            }
            let Some((count, mut pos)) = fast_header(b, end + 1) else {
                break;
            };
            if count == 0 || count > 1024 || (count > 10 && limits.unauthenticated) {
                break;
            }
            for _ in 0..count {
                if b.get(pos) != Some(&b'$') {
                    batch.spans.truncate(first_span);
                    break 'requests;
                }
                let Some((len, start)) = fast_header(b, pos + 1) else {
                    batch.spans.truncate(first_span);
                    break 'requests;
                };
                // The two bytes after the payload are skipped unchecked, as
                // the incremental path does.
                if len as i64 > limits.max_bulk_len
                    || (len > 16384 && limits.unauthenticated)
                    || b.len() < start + len + 2
                {
                    batch.spans.truncate(first_span);
                    break 'requests;
                }
                // The frame will start where `buf` does: positions in `b`
                // are positions in the frame.
                batch.spans.push((start, start + len));
                pos = start + len + 2;
            }
            batch.counts.push(count);
            end = pos;
        }
        if batch.counts.is_empty() {
            return false;
        }
        batch.frame = buf.split_to(end).freeze();
        true
    }

    /// Hands out the batch's next request. If the limits changed since it
    /// was scanned (AUTH, RESET, CONFIG SET in the same pipeline), it is
    /// checked again, in the incremental path's order and with its errors.
    #[inline]
    fn next_from_batch(&mut self, limits: &Limits, out: &mut Args) -> Result<(), ProtocolError> {
        let batch = &mut self.batch;
        let count = batch.counts[batch.next_req];
        let spans = &batch.spans[batch.next_span..batch.next_span + count];
        if *limits != batch.limits {
            if count > 10 && limits.unauthenticated {
                return Err(perr("unauthenticated multibulk length"));
            }
            for &(s, e) in spans {
                let len = e - s;
                if len as i64 > limits.max_bulk_len {
                    return Err(perr("invalid bulk length"));
                }
                if len > 16384 && limits.unauthenticated {
                    return Err(perr("unauthenticated bulk length"));
                }
            }
        }
        out.reserve(count);
        for &(s, e) in spans {
            out.push(batch.frame.slice(s..e));
        }
        batch.next_req += 1;
        batch.next_span += count;
        if batch.next_req == batch.counts.len() {
            // Release the frame: the read buffer can then reuse its space
            // once the arguments handed out are dropped too.
            batch.frame = Bytes::new();
        }
        Ok(())
    }

    /// Reads a `*<count>\r\n` header. Returns the count, or None when incomplete.
    fn start_multibulk(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<usize>, ProtocolError> {
        let Some(nl) = find_crlf(buf) else {
            if buf.len() > INLINE_MAX {
                return Err(perr("too big mbulk count string"));
            }
            return Ok(None);
        };
        let count = match parse_i64(&buf[1..nl]) {
            Some(n) if n <= i32::MAX as i64 => n,
            _ => return Err(perr("invalid multibulk length")),
        };
        if count > 10 && limits.unauthenticated {
            return Err(perr("unauthenticated multibulk length"));
        }
        buf.advance(nl + 2);
        Ok(Some(count.max(0) as usize))
    }
}

/// A header's number (`*<n>\r` or `$<n>\r`, digits from `i`) when it is
/// plainly valid: digits only, no leading zero (except `0` itself), at most 18
/// of them, ended by `\r` with a byte after it. What it accepts,
/// `find_crlf` + `parse_i64` accept with the same value; anything else is
/// None and left to them. Returns the number and the position after the
/// line's two end bytes.
#[inline(always)]
fn fast_header(b: &[u8], i: usize) -> Option<(usize, usize)> {
    // Most headers are one or two digits (`*3`, `$4`, `$16`).
    if i + 3 < b.len() {
        let d0 = b[i].wrapping_sub(b'0');
        let d1 = b[i + 1].wrapping_sub(b'0');
        if d0 <= 9 && b[i + 1] == b'\r' {
            return Some((usize::from(d0), i + 3));
        }
        if (1..=9).contains(&d0) && d1 <= 9 && b[i + 2] == b'\r' {
            return Some((usize::from(d0) * 10 + usize::from(d1), i + 4));
        }
    }
    fast_header_long(b, i)
}

/// [`fast_header`] for the other cases.
#[cold]
#[inline(never)]
fn fast_header_long(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let start = i;
    let mut v: usize = 0;
    while i < b.len() {
        let d = b[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v * 10 + usize::from(d);
        i += 1;
        if i - start > 18 {
            return None;
        }
    }
    if i == start || (b[start] == b'0' && i - start > 1) {
        return None;
    }
    if i + 1 >= b.len() || b[i] != b'\r' {
        return None;
    }
    Some((v, i + 2))
}

fn perr(s: &str) -> ProtocolError {
    ProtocolError(s.to_string())
}

/// Position of the `\r` of the first `\r\n` in `buf`, if the `\n` is there too.
/// Like Redis, a header line is ended by its first `\r`; and since Redis finds
/// it with strchr, a NUL byte before it means "not complete yet".
fn find_crlf(buf: &[u8]) -> Option<usize> {
    let r = buf.iter().position(|&c| c == b'\r' || c == 0)?;
    if buf[r] == 0 {
        return None;
    }
    if r + 1 < buf.len() {
        Some(r)
    } else {
        None
    }
}

fn memchr(b: u8, buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&c| c == b)
}

/// Redis's `string2ll`: an optional `-`, then digits with no leading zero, no
/// spaces, no `+`, and within i64.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' {
        (true, &s[1..])
    } else {
        (false, s)
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Decodes an inline command: one line ended by `\n` (an optional `\r` before
/// it), split like Redis's `sdssplitargs`.
fn decode_inline(buf: &mut BytesMut) -> Result<Option<Args>, ProtocolError> {
    // Redis finds the newline with strchr, which stops at a NUL byte: a NUL
    // before the newline means "no complete line yet" (until the 64 KiB limit).
    let Some(nl) = buf
        .iter()
        .position(|&c| c == b'\n' || c == 0)
        .filter(|&i| buf[i] == b'\n')
    else {
        if buf.len() > INLINE_MAX {
            return Err(perr("too big inline request"));
        }
        return Ok(None);
    };
    let end = if nl > 0 && buf[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    let line = buf.split_to(nl + 1);
    let args = split_args(&line[..end]).ok_or_else(|| perr("unbalanced quotes in request"))?;
    Ok(Some(args))
}

/// Splits a line into arguments the way redis-cli and Redis's inline parser do:
/// whitespace separates, `"..."` takes C-like escapes (`\n`, `\xff`, ...),
/// `'...'` takes only `\'`. A closing quote must be followed by a space or the
/// end. Returns None on unbalanced quotes. Like the C original, which works on
/// a NUL-terminated string, a NUL byte ends the line.
pub fn split_args(line: &[u8]) -> Option<Args> {
    let line = match memchr(0, line) {
        Some(z) => &line[..z],
        None => line,
    };
    let mut args = Vec::new();
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Some(args);
        }
        let mut cur = Vec::new();
        let mut inq = false; // inside "double quotes"
        let mut insq = false; // inside 'single quotes'
        loop {
            if inq {
                if i >= n {
                    return None;
                }
                if line[i] == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && is_hex(line[i + 2])
                    && is_hex(line[i + 3])
                {
                    cur.push(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                    i += 3;
                } else if line[i] == b'\\' && i + 1 < n {
                    i += 1;
                    cur.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        c => c,
                    });
                } else if line[i] == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(line[i]);
                }
            } else if insq {
                if i >= n {
                    return None;
                }
                if line[i] == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if line[i] == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(line[i]);
                }
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    c => cur.push(c),
                }
            }
            i += 1;
        }
        args.push(Bytes::from(cur));
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}
fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}
fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(input: &[u8]) -> Result<Vec<Args>, ProtocolError> {
        let mut d = Decoder::new();
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(a) = d.decode(&mut buf, &Limits::default())? {
            out.push(a);
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_inline() {
        let r =
            decode_all(b"*2\r\n$4\r\nXLEN\r\n$1\r\ns\r\nPING\r\n  ECHO \"a\\x41\"\r\n").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], vec![Bytes::from("XLEN"), Bytes::from("s")]);
        assert_eq!(r[1], vec![Bytes::from("PING")]);
        assert_eq!(r[2], vec![Bytes::from("ECHO"), Bytes::from("aA")]);
    }

    #[test]
    fn byte_at_a_time_gives_same_result() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n*0\r\n*1\r\n$4\r\nPING\r\n";
        let mut d = Decoder::new();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for &b in input.iter() {
            buf.extend_from_slice(&[b]);
            while let Some(a) = d.decode(&mut buf, &Limits::default()).unwrap() {
                out.push(a);
            }
        }
        assert_eq!(out.len(), 2);
        assert_eq!(out[0][2], Bytes::from("value"));
    }

    #[test]
    fn errors_match_redis() {
        assert_eq!(
            decode_all(b"*x\r\n").unwrap_err().0,
            "invalid multibulk length"
        );
        assert_eq!(
            decode_all(b"*1\r\n+a\r\n").unwrap_err().0,
            "expected '$', got '+'"
        );
        assert_eq!(
            decode_all(b"*1\r\n$-1\r\n").unwrap_err().0,
            "invalid bulk length"
        );
        assert_eq!(
            decode_all(b"*1\r\n$999999999999\r\n").unwrap_err().0,
            "invalid bulk length"
        );
        assert_eq!(
            decode_all(b"SET \"a\r\n").unwrap_err().0,
            "unbalanced quotes in request"
        );
        assert_eq!(
            decode_all(b"*3000000000\r\n").unwrap_err().0,
            "invalid multibulk length"
        );
    }

    #[test]
    fn nul_before_newline_waits_like_redis() {
        // Redis's strchr never sees past the NUL: the line is never complete.
        assert!(decode_all(b"\x00\x01\r\nPING\r\n").unwrap().is_empty());
        assert!(decode_all(b"ECHO a\x00b\r\n").unwrap().is_empty());
        let mut big = vec![0u8; INLINE_MAX + 1];
        big.extend_from_slice(b"\r\n");
        assert_eq!(decode_all(&big).unwrap_err().0, "too big inline request");
        // Header lines too (strchr for the '\r').
        assert!(decode_all(b"*2\r\n\x00PING\r\n").unwrap().is_empty());
        assert!(decode_all(b"*1\x00\r\n").unwrap().is_empty());
        // split_args itself stops at a NUL, as the C original does.
        assert_eq!(split_args(b"a b\x00c d").unwrap().len(), 2);
    }

    /// Decodes `input` split at every position into two reads, and checks
    /// each gives what one read gives.
    #[test]
    fn batches_match_any_split() {
        let input: &[u8] = b"*2\r\n$4\r\nXLEN\r\n$1\r\ns\r\n*0\r\nPING\r\n*1\r\n$0\r\n\r\n\
            *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n*-1\r\n*1\r\n$4\r\nPING\r\n";
        let whole = decode_all(input).unwrap();
        assert_eq!(whole.len(), 5);
        for cut in 0..input.len() {
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(&input[..cut]);
            let mut out = Vec::new();
            while let Some(a) = d.decode(&mut buf, &Limits::default()).unwrap() {
                out.push(a);
            }
            buf.extend_from_slice(&input[cut..]);
            while let Some(a) = d.decode(&mut buf, &Limits::default()).unwrap() {
                out.push(a);
            }
            assert_eq!(out, whole, "cut at {cut}");
            assert!(!d.in_progress());
        }
    }

    /// A pipeline scanned under one set of limits, then decoded after they
    /// changed (AUTH, RESET, CONFIG SET proto-max-bulk-len in the same
    /// pipeline), gives the errors a fresh decode under the new limits gives.
    #[test]
    fn limits_changed_mid_batch_are_applied() {
        let big = "x".repeat(20000);
        let many = "*11\r\n".to_string() + &"$1\r\na\r\n".repeat(11);
        let long = format!("*2\r\n$4\r\nECHO\r\n${}\r\n{big}\r\n", big.len());
        let open = Limits::default();
        let unauth = Limits {
            unauthenticated: true,
            ..open
        };
        let small = Limits {
            max_bulk_len: 100,
            ..open
        };
        for (req, limits, err) in [
            (&many, unauth, "unauthenticated multibulk length"),
            (&long, unauth, "unauthenticated bulk length"),
            (&long, small, "invalid bulk length"),
        ] {
            // Fresh, under the new limits.
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(req.as_bytes());
            assert_eq!(d.decode(&mut buf, &limits).unwrap_err().0, err);
            // Scanned with a PING before it under the old ones.
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(format!("*1\r\n$4\r\nPING\r\n{req}").as_bytes());
            assert!(d.decode(&mut buf, &open).unwrap().is_some());
            assert!(d.in_progress());
            assert_eq!(d.decode(&mut buf, &limits).unwrap_err().0, err);
            // And unchanged limits pass it.
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(format!("*1\r\n$4\r\nPING\r\n{req}").as_bytes());
            assert!(d.decode(&mut buf, &open).unwrap().is_some());
            assert!(d.decode(&mut buf, &open).unwrap().is_some());
        }
    }

    #[test]
    fn fast_header_agrees_with_parse_i64() {
        for h in [
            &b"0\r\n"[..],
            b"12\r\n",
            b"01\r\n",
            b"-1\r\n",
            b"+1\r\n",
            b"1 \r\n",
            b"\r\n",
            b"999999999999999999\r\n",
            b"9999999999999999999\r\n",
            b"12\r",
            b"1\x002\r\n",
        ] {
            for h in [h.to_vec(), [h, b"*"].concat()] {
                let h = &h[..];
                let slow =
                    find_crlf(h).and_then(|nl| parse_i64(&h[..nl]).map(|v| (v as usize, nl + 2)));
                if let Some(fast) = fast_header(h, 0) {
                    assert_eq!(Some(fast), slow, "{h:?}");
                }
            }
        }
        assert_eq!(fast_header(b"12\r\n", 0), Some((12, 4)));
        assert_eq!(fast_header(b"12\r\n*", 0), Some((12, 4)));
        assert_eq!(fast_header(b"1\r\n*", 0), Some((1, 3)));
        assert_eq!(fast_header(b"01\r\n*", 0), None);
        assert_eq!(fast_header(b"123\r\n*", 0), Some((123, 5)));
        assert_eq!(fast_header(b"0\r\n", 0), Some((0, 3)));
    }

    #[test]
    fn quoted_bytes_go_out_as_bytes() {
        let e = decode_all(b"*1\r\n\xf5\r\n").unwrap_err();
        assert_eq!(
            e.wire(),
            b"-ERR Protocol error: expected '$', got '\xf5'\r\n"
        );
    }

    #[test]
    fn string2ll_rules() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"012"), None);
        assert_eq!(parse_i64(b"+1"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
    }
}
