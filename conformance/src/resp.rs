//! Replies as the harness sees them: framing with the redis-protocol crate,
//! an order-preserving value tree, a canonical encoder, and a readable
//! rendering for failure reports.
//!
//! Framing (where one reply ends, and whether it is well formed) is decided by
//! redis-protocol's RESP2 / RESP3 decoders. The tree is then read from the
//! frame's raw bytes by [`parse`], because redis-protocol's RESP3 maps and sets
//! are hash based and lose the order Redis sends, which Sluice must match.
//! Comparisons use the raw bytes; the tree is only used when a directive
//! normalises a reply, and then both sides are re-encoded with [`encode`],
//! which reproduces the raw bytes exactly for an unmodified tree.

use bytes::{BufMut, Bytes};

/// One reply value, in wire order, with every distinction the wire makes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum V {
    /// `+...`
    Simple(Bytes),
    /// `-...`
    Error(Bytes),
    /// `:n`
    Int(i64),
    /// `$n ...`
    Bulk(Bytes),
    /// `$-1`
    NullBulk,
    /// `*-1`
    NullArray,
    /// RESP3 `_`
    Null,
    /// `*n`
    Array(Vec<V>),
    /// RESP3 `%n`
    Map(Vec<(V, V)>),
    /// RESP3 `~n`
    Set(Vec<V>),
    /// RESP3 `>n`
    Push(Vec<V>),
    /// RESP3 `,text` (kept as text: the formatting is part of the contract)
    Double(Bytes),
    /// RESP3 `#t` / `#f`
    Bool(bool),
    /// RESP3 `=n fmt:text`
    Verbatim(Bytes, Bytes),
    /// RESP3 `(digits`
    BigNumber(Bytes),
    /// RESP3 `!n` blob error
    BlobError(Bytes),
    /// RESP3 `|n` attributes, then the value they annotate
    Attr(Vec<(V, V)>, Box<V>),
    /// A value hidden by a normalisation (`@mask`, `?ints`, `@normalize ids`);
    /// the text says what it stood for (`int`, `<id1>`).
    Masked(Bytes),
}

/// Returns the length of the first complete reply in `buf`, `Ok(None)` when
/// more bytes are needed, or the decoder's error for a malformed reply.
pub fn frame_len(buf: &[u8], resp3: bool) -> Result<Option<usize>, String> {
    let r2 = || redis_protocol::resp2::decode::decode(buf).map(|r| r.map(|(_, n)| n));
    let r3 = || redis_protocol::resp3::decode::complete::decode(buf).map(|r| r.map(|(_, n)| n));
    // Try the connection's protocol first, then the other one: a reply framed
    // only by the other decoder then fails the byte comparison, with a readable report.
    let first = if resp3 { r3() } else { r2() };
    let e = match first {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    if let Ok(r) = if resp3 { r2() } else { r3() } {
        return Ok(r);
    }
    // A reply mixing both protocols is legitimate Redis output: `HELLO 3`
    // queued in a MULTI switches protocol halfway through the EXEC reply.
    // Neither decoder frames that; the order-preserving reader below does.
    let mut p = Parser {
        buf,
        pos: 0,
        incomplete: false,
    };
    match p.value() {
        Ok(_) => Ok(Some(p.pos)),
        Err(_) if p.incomplete => Ok(None),
        Err(_) => Err(e.to_string()),
    }
}

/// Parses one complete, already framed reply. Returns the value and the
/// number of bytes it used.
pub fn parse(buf: &[u8]) -> Result<(V, usize), String> {
    let mut p = Parser {
        buf,
        pos: 0,
        incomplete: false,
    };
    let v = p.value()?;
    Ok((v, p.pos))
}

struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Set when an error was only the end of the buffer.
    incomplete: bool,
}

impl<'a> Parser<'a> {
    fn line(&mut self) -> Result<&'a [u8], String> {
        let rest = &self.buf[self.pos..];
        let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
            self.incomplete = true;
            return Err("unterminated line".into());
        };
        self.pos += end + 2;
        Ok(&rest[..end])
    }

    fn int(&mut self) -> Result<i64, String> {
        let l = self.line()?;
        std::str::from_utf8(l)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad integer {:?}", String::from_utf8_lossy(l)))
    }

    fn blob(&mut self, n: i64) -> Result<Bytes, String> {
        let n = n as usize;
        if self.pos + n + 2 > self.buf.len() {
            self.incomplete = true;
            return Err("truncated blob".into());
        }
        let b = Bytes::copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n + 2;
        Ok(b)
    }

    fn items(&mut self, n: i64) -> Result<Vec<V>, String> {
        (0..n).map(|_| self.value()).collect()
    }

    fn pairs(&mut self, n: i64) -> Result<Vec<(V, V)>, String> {
        (0..n).map(|_| Ok((self.value()?, self.value()?))).collect()
    }

    fn value(&mut self) -> Result<V, String> {
        let Some(&tag) = self.buf.get(self.pos) else {
            self.incomplete = true;
            return Err("empty".into());
        };
        self.pos += 1;
        Ok(match tag {
            b'+' => V::Simple(Bytes::copy_from_slice(self.line()?)),
            b'-' => V::Error(Bytes::copy_from_slice(self.line()?)),
            b':' => V::Int(self.int()?),
            b',' => V::Double(Bytes::copy_from_slice(self.line()?)),
            b'(' => V::BigNumber(Bytes::copy_from_slice(self.line()?)),
            b'#' => V::Bool(self.line()? == b"t"),
            b'_' => {
                self.line()?;
                V::Null
            }
            b'$' => match self.int()? {
                -1 => V::NullBulk,
                n => V::Bulk(self.blob(n)?),
            },
            b'!' => {
                let n = self.int()?;
                V::BlobError(self.blob(n)?)
            }
            b'=' => {
                let n = self.int()?;
                let b = self.blob(n)?;
                let (fmt, text) = if b.len() >= 4 {
                    (b.slice(..3), b.slice(4..))
                } else {
                    (Bytes::new(), b)
                };
                V::Verbatim(fmt, text)
            }
            b'*' => match self.int()? {
                -1 => V::NullArray,
                n => V::Array(self.items(n)?),
            },
            b'~' => {
                let n = self.int()?;
                V::Set(self.items(n)?)
            }
            b'>' => {
                let n = self.int()?;
                V::Push(self.items(n)?)
            }
            b'%' => {
                let n = self.int()?;
                V::Map(self.pairs(n)?)
            }
            b'|' => {
                let n = self.int()?;
                let attrs = self.pairs(n)?;
                V::Attr(attrs, Box::new(self.value()?))
            }
            t => return Err(format!("unknown type byte {:?}", t as char)),
        })
    }
}

/// Encodes a value back to its wire form (canonical: equal to what was parsed).
pub fn encode(v: &V, out: &mut Vec<u8>) {
    fn line(out: &mut Vec<u8>, tag: u8, s: &[u8]) {
        out.put_u8(tag);
        out.put_slice(s);
        out.put_slice(b"\r\n");
    }
    fn blob(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
        line(out, tag, b.len().to_string().as_bytes());
        out.put_slice(b);
        out.put_slice(b"\r\n");
    }
    fn agg(out: &mut Vec<u8>, tag: u8, items: &[V]) {
        line(out, tag, items.len().to_string().as_bytes());
        for i in items {
            encode(i, out);
        }
    }
    fn pairs(out: &mut Vec<u8>, tag: u8, items: &[(V, V)]) {
        line(out, tag, items.len().to_string().as_bytes());
        for (k, v) in items {
            encode(k, out);
            encode(v, out);
        }
    }
    match v {
        V::Simple(s) => line(out, b'+', s),
        V::Error(s) => line(out, b'-', s),
        V::Int(n) => line(out, b':', n.to_string().as_bytes()),
        V::Bulk(b) => blob(out, b'$', b),
        V::NullBulk => out.put_slice(b"$-1\r\n"),
        V::NullArray => out.put_slice(b"*-1\r\n"),
        V::Null => out.put_slice(b"_\r\n"),
        V::Array(i) => agg(out, b'*', i),
        V::Set(i) => agg(out, b'~', i),
        V::Push(i) => agg(out, b'>', i),
        V::Map(p) => pairs(out, b'%', p),
        V::Double(d) => line(out, b',', d),
        V::Bool(b) => out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
        V::Verbatim(f, t) => {
            let mut b = f.to_vec();
            b.push(b':');
            b.extend_from_slice(t);
            blob(out, b'=', &b);
        }
        V::BigNumber(d) => line(out, b'(', d),
        V::BlobError(b) => blob(out, b'!', b),
        V::Attr(a, v) => {
            pairs(out, b'|', a);
            encode(v, out);
        }
        // Not a wire type: only ever compared, never sent.
        V::Masked(what) => {
            out.put_slice(b"?masked:");
            out.put_slice(what);
            out.put_slice(b"\r\n");
        }
    }
}

pub fn to_wire(v: &V) -> Vec<u8> {
    let mut out = Vec::new();
    encode(v, &mut out);
    out
}

/// Quotes bytes the way case files write them (`"a\r\n\x00"`).
pub fn quote(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 2);
    s.push('"');
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// Renders a value in the `=>` expectation syntax of case files (one line),
/// so a failure report can be pasted into a case as an expectation.
pub fn render(v: &V) -> String {
    let mut s = String::new();
    render_into(v, &mut s, true);
    s
}

fn render_into(v: &V, s: &mut String, top: bool) {
    let list = |s: &mut String, open: &str, items: &[V]| {
        s.push_str(open);
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            render_into(x, s, false);
        }
        s.push(']');
    };
    match v {
        V::Simple(t) if top => {
            s.push('+');
            s.push_str(&String::from_utf8_lossy(t));
        }
        V::Error(t) if top => {
            s.push('-');
            s.push_str(&String::from_utf8_lossy(t));
        }
        V::Simple(t) => {
            s.push('+');
            s.push_str(&quote(t));
        }
        V::Error(t) | V::BlobError(t) => {
            s.push('-');
            s.push_str(&quote(t));
        }
        V::Int(n) => s.push_str(&n.to_string()),
        V::Bulk(b) => s.push_str(&quote(b)),
        V::NullBulk => s.push_str("nil"),
        V::NullArray => s.push_str("nilarray"),
        V::Null => s.push_str("null"),
        V::Array(i) => list(s, "[", i),
        V::Set(i) => list(s, "~[", i),
        V::Push(i) => list(s, ">[", i),
        V::Map(p) | V::Attr(p, _) => {
            s.push('{');
            for (i, (k, x)) in p.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                render_into(k, s, false);
                s.push_str(": ");
                render_into(x, s, false);
            }
            s.push('}');
            if let V::Attr(_, inner) = v {
                s.push(' ');
                render_into(inner, s, false);
            }
        }
        V::Double(d) => {
            s.push(',');
            s.push_str(&String::from_utf8_lossy(d));
        }
        V::Bool(b) => s.push_str(if *b { "#t" } else { "#f" }),
        V::Verbatim(f, t) => {
            s.push('=');
            s.push_str(&String::from_utf8_lossy(f));
            s.push(':');
            s.push_str(&quote(t));
        }
        V::BigNumber(d) => {
            s.push('(');
            s.push_str(&String::from_utf8_lossy(d));
        }
        V::Masked(w) => {
            s.push('<');
            s.push_str(&String::from_utf8_lossy(w));
            s.push('>');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_encode_round_trip() {
        let wire: &[&[u8]] = &[
            b"+OK\r\n",
            b"-ERR x y\r\n",
            b":-5\r\n",
            b"$3\r\na\r\n\r\n",
            b"$-1\r\n",
            b"*-1\r\n",
            b"_\r\n",
            b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n",
            b"%1\r\n$1\r\nk\r\n~1\r\n,1.5\r\n",
            b"=8\r\ntxt:abcd\r\n",
            b"#t\r\n",
            b"(123456789012345678901234567890\r\n",
            b">2\r\n+a\r\n:1\r\n",
        ];
        for w in wire {
            assert_eq!(frame_len(w, true), Ok(Some(w.len())), "{}", quote(w));
            let (v, n) = parse(w).unwrap();
            assert_eq!(n, w.len());
            assert_eq!(&to_wire(&v)[..], *w);
        }
        assert_eq!(frame_len(b"*2\r\n:1\r\n", false).unwrap(), None);
        assert_eq!(frame_len(b"_\r\n", false).unwrap(), Some(3));
        // Mixed protocols inside one reply (HELLO 3 queued in MULTI).
        let mixed = b"*2\r\n$-1\r\n%1\r\n$1\r\na\r\n:1\r\n";
        assert_eq!(frame_len(mixed, false).unwrap(), Some(mixed.len()));
        assert_eq!(frame_len(&mixed[..mixed.len() - 1], false).unwrap(), None);
        assert!(frame_len(b"?what\r\n", false).is_err());
    }
}
