//! RESP written straight into bytes, for replies too large or too hot to
//! build as a [`Reply`](super::Reply) tree first (a read's entries: one
//! `Reply` per field would cost an allocation each).
//!
//! Everything here is the same in RESP2 and RESP3 (arrays, bulk strings,
//! integers), so the bytes can be sent as [`Reply::Raw`](super::Reply::Raw)
//! whatever protocol the connection speaks. The stream layer writes entries
//! with these helpers; nothing else in the server spells RESP by hand.

use bytes::Bytes;

/// `*2\r\n` and `*4\r\n`, the headers of a read's entry (ID, fields) and of
/// a claimed one (ID, fields, idle, count): constants, because formatting
/// the count in the hottest loop of every read costs more than copying four
/// bytes.
pub const ARRAY_2: &[u8] = b"*2\r\n";
pub const ARRAY_4: &[u8] = b"*4\r\n";

/// Appends `*n\r\n`.
#[inline]
pub fn write_array_len(out: &mut Vec<u8>, n: usize) {
    out.push(b'*');
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Appends `$len\r\n<s>\r\n`.
#[inline]
pub fn write_bulk(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 16);
    out.push(b'$');
    out.extend_from_slice(itoa::Buffer::new().format(s.len()).as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(s);
    out.extend_from_slice(b"\r\n");
}

/// Appends `:n\r\n`.
#[inline]
pub fn write_int(out: &mut Vec<u8>, n: i64) {
    out.push(b':');
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// An array of integers (XDELEX and XACKDEL's per-ID results).
pub fn int_array(v: &[i64]) -> Bytes {
    let mut out = Vec::with_capacity(v.len() * 4 + 16);
    write_array_len(&mut out, v.len());
    for &n in v {
        write_int(&mut out, n);
    }
    Bytes::from(out)
}

/// The wire form of an array whose length is known only once its elements
/// are written (a read's entries): the elements go into a buffer that
/// starts with room for the longest `*n\r\n`, and [`ArrayBuf::finish`] puts
/// the header right before them, so the reply is never copied to prepend it.
pub struct ArrayBuf {
    buf: Vec<u8>,
}

impl ArrayBuf {
    /// `*` + 20 digits + CRLF.
    const HEAD: usize = 23;

    /// `capacity`: the expected bytes of the elements.
    #[inline]
    pub fn with_capacity(capacity: usize) -> ArrayBuf {
        let mut buf = Vec::with_capacity(Self::HEAD + capacity);
        buf.resize(Self::HEAD, 0);
        ArrayBuf { buf }
    }

    /// Where the elements are appended.
    #[inline]
    pub fn body(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// The array of `n` elements.
    pub fn finish(mut self, n: usize) -> Bytes {
        let mut b = itoa::Buffer::new();
        let digits = b.format(n).as_bytes();
        let start = Self::HEAD - digits.len() - 3;
        self.buf[start] = b'*';
        self.buf[start + 1..Self::HEAD - 2].copy_from_slice(digits);
        self.buf[Self::HEAD - 2..Self::HEAD].copy_from_slice(b"\r\n");
        Bytes::from(self.buf).slice(start..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_buf_puts_the_header_before_the_elements() {
        for n in [0usize, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            let mut a = ArrayBuf::with_capacity(8);
            a.body().extend_from_slice(b"$1\r\nx\r\n");
            let mut want = Vec::new();
            write_array_len(&mut want, n);
            want.extend_from_slice(b"$1\r\nx\r\n");
            assert_eq!(&a.finish(n)[..], &want[..], "n={n}");
        }
    }

    #[test]
    fn ints_and_bulks() {
        assert_eq!(&int_array(&[-1, 2])[..], b"*2\r\n:-1\r\n:2\r\n");
        let mut out = Vec::new();
        write_bulk(&mut out, b"ab");
        assert_eq!(&out[..], b"$2\r\nab\r\n");
    }
}
