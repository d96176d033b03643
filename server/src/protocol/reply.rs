//! Reply values and their RESP2 / RESP3 encodings.
//!
//! Commands build a [`Reply`]; the connection encodes it for the protocol the
//! client chose with `HELLO`. Types RESP2 lacks fall back the way Redis falls
//! back: maps become flat arrays, sets arrays, doubles bulk strings, booleans
//! integers, and the RESP3 null becomes `$-1` or `*-1` depending on the kind
//! of null.

use bytes::{BufMut, Bytes, BytesMut};
use std::borrow::Cow;

#[derive(Clone, Debug)]
pub enum Reply {
    /// `+text`
    Status(Cow<'static, str>),
    /// `-text`: the full error line without the `-`, code first (`ERR ...`).
    Error(Cow<'static, str>),
    /// `:n`
    Int(i64),
    /// `$len\r\nbytes`
    Bulk(Bytes),
    /// A short bulk string held in the reply itself, so building it
    /// allocates nothing (XADD's ID, once per command). Encoded as, and equal
    /// to, the [`Reply::Bulk`] of the same bytes. Build with
    /// [`Reply::bulk_small`].
    BulkInline(Inline),
    /// Null in place of a bulk string: RESP2 `$-1`, RESP3 `_`.
    Nil,
    /// Null in place of an array: RESP2 `*-1`, RESP3 `_`.
    NilArray,
    Array(Vec<Reply>),
    /// RESP3 map; RESP2 flat array of key, value, key, value.
    Map(Vec<(Reply, Reply)>),
    /// RESP3 set; RESP2 array.
    Set(Vec<Reply>),
    /// RESP3 double; RESP2 bulk string.
    Double(f64),
    /// RESP3 boolean; RESP2 integer 1 or 0.
    Bool(bool),
    /// RESP3 verbatim string with its 3-letter format (`txt`); RESP2 bulk string.
    Verbatim(&'static str, Bytes),
    /// RESP3 push; RESP2 array.
    Push(Vec<Reply>),
    /// Bytes already encoded, written as they are (for replies cached in wire form).
    Raw(Bytes),
}

impl Reply {
    pub const OK: Reply = Reply::Status(Cow::Borrowed("OK"));

    pub fn status(s: &'static str) -> Reply {
        Reply::Status(Cow::Borrowed(s))
    }

    pub fn bulk(b: impl Into<Bytes>) -> Reply {
        Reply::Bulk(b.into())
    }

    /// A bulk string copied from a slice: held inline when it fits
    /// ([`INLINE_CAP`] bytes), else in a new allocation.
    pub fn bulk_small(b: &[u8]) -> Reply {
        match Inline::new(b) {
            Some(i) => Reply::BulkInline(i),
            None => Reply::Bulk(Bytes::copy_from_slice(b)),
        }
    }

    /// A bulk string copied from a slice.
    pub fn bulk_from(b: &[u8]) -> Reply {
        Reply::Bulk(Bytes::copy_from_slice(b))
    }

    pub fn bulk_str(s: &'static str) -> Reply {
        Reply::Bulk(Bytes::from_static(s.as_bytes()))
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The error text (code and message) if this is an error reply.
    pub fn error_text(&self) -> Option<&str> {
        match self {
            Reply::Error(e) => Some(e),
            _ => None,
        }
    }

    /// Appends the wire form of this reply to `out`.
    pub fn encode(&self, out: &mut BytesMut, resp3: bool) {
        match self {
            Reply::Status(s) => line(out, b'+', s.as_bytes()),
            Reply::Error(e) => {
                out.put_u8(b'-');
                // Newlines would break the protocol; Redis replaces them too.
                for &c in e.as_bytes() {
                    out.put_u8(if c == b'\r' || c == b'\n' { b' ' } else { c });
                }
                out.put_slice(b"\r\n");
            }
            Reply::Int(n) => int_line(out, b':', *n),
            Reply::Bulk(b) => bulk(out, b),
            Reply::BulkInline(b) => bulk(out, b.as_bytes()),
            Reply::Nil => out.put_slice(if resp3 { b"_\r\n" } else { b"$-1\r\n" }),
            Reply::NilArray => out.put_slice(if resp3 { b"_\r\n" } else { b"*-1\r\n" }),
            Reply::Array(items) => {
                int_line(out, b'*', items.len() as i64);
                for i in items {
                    i.encode(out, resp3);
                }
            }
            Reply::Map(pairs) => {
                if resp3 {
                    int_line(out, b'%', pairs.len() as i64);
                } else {
                    int_line(out, b'*', 2 * pairs.len() as i64);
                }
                for (k, v) in pairs {
                    k.encode(out, resp3);
                    v.encode(out, resp3);
                }
            }
            Reply::Set(items) | Reply::Push(items) => {
                let tag = match (self, resp3) {
                    (_, false) => b'*',
                    (Reply::Set(_), true) => b'~',
                    _ => b'>',
                };
                int_line(out, tag, items.len() as i64);
                for i in items {
                    i.encode(out, resp3);
                }
            }
            Reply::Double(d) => {
                let s = format_double(*d);
                if resp3 {
                    line(out, b',', s.as_bytes());
                } else {
                    bulk(out, s.as_bytes());
                }
            }
            Reply::Bool(b) => {
                if resp3 {
                    out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" });
                } else {
                    out.put_slice(if *b { b":1\r\n" } else { b":0\r\n" });
                }
            }
            Reply::Verbatim(fmt, b) => {
                if resp3 {
                    int_line(out, b'=', b.len() as i64 + 4);
                    out.put_slice(fmt.as_bytes());
                    out.put_u8(b':');
                    out.put_slice(b);
                    out.put_slice(b"\r\n");
                } else {
                    bulk(out, b);
                }
            }
            Reply::Raw(b) => out.put_slice(b),
        }
    }

    /// Encodes into a fresh buffer (tests and tools).
    pub fn to_bytes(&self, resp3: bool) -> BytesMut {
        let mut out = BytesMut::new();
        self.encode(&mut out, resp3);
        out
    }
}

/// The most bytes [`Reply::BulkInline`] holds: as many as fit beside the
/// length without making `Reply` larger than its `Verbatim` variant does.
pub const INLINE_CAP: usize = 46;

/// Up to [`INLINE_CAP`] bytes stored in place.
#[derive(Clone, Copy)]
pub struct Inline {
    len: u8,
    buf: [u8; INLINE_CAP],
}

impl Inline {
    /// None when `b` is longer than [`INLINE_CAP`].
    pub fn new(b: &[u8]) -> Option<Inline> {
        if b.len() > INLINE_CAP {
            return None;
        }
        let mut buf = [0u8; INLINE_CAP];
        buf[..b.len()].copy_from_slice(b);
        Some(Inline {
            len: b.len() as u8,
            buf,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for Inline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", Bytes::copy_from_slice(self.as_bytes()))
    }
}

/// Equality of what the client would receive for the same protocol: a
/// [`Reply::BulkInline`] equals the [`Reply::Bulk`] of the same bytes;
/// otherwise variant by variant, as a derived `PartialEq` would.
impl PartialEq for Reply {
    fn eq(&self, other: &Reply) -> bool {
        use Reply::*;
        match (self, other) {
            (Bulk(a), BulkInline(b)) | (BulkInline(b), Bulk(a)) => a[..] == *b.as_bytes(),
            (BulkInline(a), BulkInline(b)) => a.as_bytes() == b.as_bytes(),
            (Status(a), Status(b)) | (Error(a), Error(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Bulk(a), Bulk(b)) | (Raw(a), Raw(b)) => a == b,
            (Nil, Nil) | (NilArray, NilArray) => true,
            (Array(a), Array(b)) | (Set(a), Set(b)) | (Push(a), Push(b)) => a == b,
            (Map(a), Map(b)) => a == b,
            (Double(a), Double(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Verbatim(fa, a), Verbatim(fb, b)) => fa == fb && a == b,
            _ => false,
        }
    }
}

impl From<crate::error::Error> for Reply {
    fn from(e: crate::error::Error) -> Reply {
        Reply::Error(Cow::Owned(e.to_string()))
    }
}

fn line(out: &mut BytesMut, tag: u8, s: &[u8]) {
    out.reserve(s.len() + 3);
    out.put_u8(tag);
    out.put_slice(s);
    out.put_slice(b"\r\n");
}

fn int_line(out: &mut BytesMut, tag: u8, n: i64) {
    let mut b = itoa::Buffer::new();
    line(out, tag, b.format(n).as_bytes());
}

fn bulk(out: &mut BytesMut, b: &[u8]) {
    let mut ib = itoa::Buffer::new();
    let len = ib.format(b.len());
    out.reserve(b.len() + len.len() + 5);
    out.put_u8(b'$');
    out.put_slice(len.as_bytes());
    out.put_slice(b"\r\n");
    out.put_slice(b);
    out.put_slice(b"\r\n");
}

/// Formats a double as Redis 7.0's `addReplyDouble` does: C's `%.17g`
/// (17 significant digits, trailing zeros dropped, exponent form below 1e-4
/// or from 1e17 on), and `inf`, `-inf`, `nan`. Redis 7.2+ prints the
/// shortest round-trip form instead; Sluice follows 7.0 for what 7.0 has.
pub fn format_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:.16e}` is the exact value correctly rounded (ties to even, as
    // glibc's printf) to 17 significant digits; %g then picks the style
    // from that rounded exponent.
    let e_form = format!("{d:.16e}");
    let (mantissa, exp) = e_form.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    if !(-4..17).contains(&exp) {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", exp.unsigned_abs());
    }
    strip_zeros(&format!("{d:.*}", (16 - exp) as usize)).to_string()
}

/// `%g`'s removal of trailing fraction zeros (and of a dot left alone).
fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_bulk_is_a_bulk() {
        for b in [
            &b""[..],
            b"1526919030474-55",
            &[b'x'; INLINE_CAP],
            &[b'y'; INLINE_CAP + 1],
        ] {
            let small = Reply::bulk_small(b);
            let big = Reply::bulk_from(b);
            assert_eq!(matches!(small, Reply::BulkInline(_)), b.len() <= INLINE_CAP);
            assert_eq!(small, big);
            assert_eq!(big, small);
            for resp3 in [false, true] {
                assert_eq!(small.to_bytes(resp3), big.to_bytes(resp3));
            }
        }
        assert_ne!(Reply::bulk_small(b"a"), Reply::bulk_small(b"b"));
        assert_ne!(Reply::bulk_small(b"a"), Reply::status("a"));
        // Inline bulks do not make every reply bigger.
        assert_eq!(
            std::mem::size_of::<Reply>(),
            std::mem::size_of::<(u64, &'static str, Bytes)>()
        );
    }

    #[test]
    fn integers_and_lengths() {
        for n in [0, 7, -1, 10, 99, 12345, i64::MAX, i64::MIN, -i64::MAX] {
            assert_eq!(
                &Reply::Int(n).to_bytes(false)[..],
                format!(":{n}\r\n").as_bytes()
            );
        }
        let long = vec![b'x'; 1234];
        let mut want = b"$1234\r\n".to_vec();
        want.extend_from_slice(&long);
        want.extend_from_slice(b"\r\n");
        assert_eq!(&Reply::bulk_from(&long).to_bytes(false)[..], &want[..]);
        assert_eq!(&Reply::bulk_from(b"").to_bytes(false)[..], b"$0\r\n\r\n");
    }

    #[test]
    fn resp2_and_resp3_forms() {
        let m = Reply::Map(vec![(Reply::bulk_str("a"), Reply::Int(1))]);
        assert_eq!(&m.to_bytes(false)[..], b"*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(&m.to_bytes(true)[..], b"%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(&Reply::Nil.to_bytes(false)[..], b"$-1\r\n");
        assert_eq!(&Reply::NilArray.to_bytes(false)[..], b"*-1\r\n");
        assert_eq!(&Reply::NilArray.to_bytes(true)[..], b"_\r\n");
        assert_eq!(
            &Reply::Error("ERR a\nb".into()).to_bytes(true)[..],
            b"-ERR a b\r\n"
        );
        assert_eq!(&Reply::Bool(true).to_bytes(false)[..], b":1\r\n");
    }

    #[test]
    fn doubles_print_like_printf_17g() {
        // Expected strings from C's printf("%.17g") (Python's '%.17g').
        for (d, want) in [
            (0.1, "0.10000000000000001"),
            (1.5, "1.5"),
            (-2.5, "-2.5"),
            (1e17, "1e+17"),
            (1e16, "10000000000000000"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (2f64.powi(-25), "2.9802322387695312e-08"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (1.0 / 3.0, "0.33333333333333331"),
            (-0.0, "-0"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (100.0, "100"),
            (1e21, "1e+21"),
            (0.30000000000000004, "0.30000000000000004"),
            (12345.678, "12345.678"),
            (9.999999999999998e16, "99999999999999984"),
            (2.5e-5, "2.5000000000000001e-05"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(format_double(d), want, "{d:?}");
        }
        assert_eq!(
            &Reply::Double(0.1).to_bytes(true)[..],
            b",0.10000000000000001\r\n"
        );
        assert_eq!(&Reply::Double(1.5).to_bytes(false)[..], b"$3\r\n1.5\r\n");
    }
}
