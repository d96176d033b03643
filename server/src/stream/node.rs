//! One node of the stream log: a run of consecutive entries packed in one
//! byte buffer, plus the bookkeeping Redis keeps in its listpack header.
//!
//! # Layout
//! ```text
//!  buf:
//!  +-----------+---------+-----+---------+----------+----------+-- ... --+----------+
//!  | nfields   | field 1 | ... | field N | entry 1  | entry 2  |         | entry k  |
//!  | (varint)  | (elem)  |     | (elem)  |          |          |         |          |
//!  +-----------+---------+-----+---------+----------+----------+-- ... --+----------+
//!  \_____ master field list (the first entry's field names) ____/
//!
//!  entry:
//!  +--------------------+-------------+----------------------------------------------+
//!  | head (varint)      | [ms (varint)| seq (varint) | body                          |
//!  |  bit 0: deleted    |  only when  |  ms same as previous entry: seq - prev.seq   |
//!  |  bit 1: samefields |  bit 2 set] |  otherwise: seq itself                       |
//!  |  bit 2: big ms gap |             |  (absent when bit 3 is set)                  |
//!  |  bit 3: seq implied: prev.seq + 1 if same ms, else 0 (automatic IDs)            |
//!  |  bits 4..: ms - prev.ms (when bit 2 is clear)                                    |
//!  +--------------------+-------------+----------------------------------------------+
//!  body, samefields: value 1 | ... | value N            (N = master nfields)
//!  body, otherwise:  n (varint) | field 1 | value 1 | ... | field n | value n
//!
//!  elem (a field or a value):
//!  +------------------------------+---------------+
//!  | h (varint)                   | bytes         |
//!  |  h & 1 == 0: len = h >> 1    | len bytes     |
//!  |  h & 1 == 1: integer,        | (none)        |
//!  |   zigzag(n) = h >> 1         |               |
//!  +------------------------------+---------------+
//! ```
//! IDs are delta-encoded against the previous entry in the node (the first
//! entry's ID is the node's master ID, the index key, so its deltas are 0).
//! A value that is a canonical decimal integer (Redis's `string2ll` would
//! print it back identically) is stored as an integer, so `12345678` takes 4
//! bytes instead of 9. Deleting an entry only sets bit 0 of its head byte, in
//! place; the node is dropped when its last live entry goes.
//!
//! Going backwards needs entry start offsets, which a forward pass over the
//! node yields (a node holds at most `stream-node-max-entries` entries).
//!
//! # Node boundaries
//! Redis starts a new listpack when the tail one has `stream-node-max-entries`
//! entries (live + deleted), or when its byte size plus the new entry's
//! field/value lengths reaches `stream-node-max-bytes`. To cut nodes at the
//! same places (so `~` trimming and `radix-tree-keys` match), each node keeps
//! `lp_bytes`: the exact size Redis's listpack would have for the same
//! entries, computed with listpack's element-size rules ([`lp_int_size`],
//! [`lp_str_size`]). The counters at the head of Redis's listpack are
//! re-encoded when they change, so their size is added on demand.
//!
//! # Invariants
//! - `live + deleted` = number of entries in `buf`; `live >= 1` except after
//!   exact MINID trimming, which, as in Redis, can leave a node whose live
//!   entries are all gone but whose last (deleted) entry is not below MINID.
//! - Entry IDs strictly increase through the buffer; the first is `master`,
//!   the last is `last`.

use super::StreamId;

pub const F_DELETED: u8 = 1;
pub const F_SAME: u8 = 2;
const F_BIGMS: u8 = 4;
/// The sequence is implied and not stored: the previous one plus one when the
/// ms is the same, else 0 (what automatic IDs produce).
const F_SEQ: u8 = 8;

/// Integers with a magnitude below this are stored as integers (their zigzag
/// form, shifted by the tag bit, fits in a u64).
const INT_LIMIT: u64 = 1 << 62;

#[derive(Debug, Clone)]
pub struct Node {
    pub buf: Vec<u8>,
    /// Offset of the first entry (just past the master field list).
    pub entries_at: u32,
    pub master_nfields: u32,
    pub live: u32,
    pub deleted: u32,
    /// ID of the first entry (the index key).
    pub master: StreamId,
    /// ID of the last entry, live or deleted.
    pub last: StreamId,
    /// Emulated listpack size, without the live/deleted counters.
    pub lp_rest: u64,
}

/// A field or value as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl<'a> Elem<'a> {
    /// Appends the RESP bulk string form (`$len\r\n...\r\n`).
    pub fn write_bulk(&self, out: &mut Vec<u8>) {
        match *self {
            Elem::Bytes(s) => crate::protocol::raw::write_bulk(out, s),
            Elem::Int(n) => {
                crate::protocol::raw::write_bulk(out, itoa::Buffer::new().format(n).as_bytes())
            }
        }
    }

    /// The bytes (integers formatted back to their decimal text).
    pub fn to_bytes(&self) -> bytes::Bytes {
        match *self {
            Elem::Bytes(s) => bytes::Bytes::copy_from_slice(s),
            Elem::Int(n) => bytes::Bytes::copy_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }

    /// Whether this element equals `b` as bytes.
    pub fn eq_bytes(&self, b: &[u8]) -> bool {
        match *self {
            Elem::Bytes(s) => s == b,
            Elem::Int(n) => itoa::Buffer::new().format(n).as_bytes() == b,
        }
    }

    /// Length of the byte form.
    pub fn len(&self) -> usize {
        match *self {
            Elem::Bytes(s) => s.len(),
            Elem::Int(n) => itoa::Buffer::new().format(n).len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---- varints ----

#[inline]
pub fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[inline]
pub fn get_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

#[inline]
fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

#[inline]
fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

/// The integer a canonical decimal string denotes (Redis's `string2ll`, which
/// listpack also uses to decide to store an integer).
#[inline]
pub fn canonical_int(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    crate::protocol::request::parse_i64(b)
}

pub fn put_elem(buf: &mut Vec<u8>, b: &[u8]) {
    if let Some(n) = canonical_int(b) {
        if n.unsigned_abs() < INT_LIMIT {
            put_varint(buf, (zigzag(n) << 1) | 1);
            return;
        }
    }
    put_varint(buf, (b.len() as u64) << 1);
    buf.extend_from_slice(b);
}

#[inline]
pub fn get_elem<'a>(buf: &'a [u8], pos: &mut usize) -> Elem<'a> {
    let h = get_varint(buf, pos);
    if h & 1 == 1 {
        Elem::Int(unzigzag(h >> 1))
    } else {
        let len = (h >> 1) as usize;
        let s = &buf[*pos..*pos + len];
        *pos += len;
        Elem::Bytes(s)
    }
}

#[inline]
fn skip_elem(buf: &[u8], pos: &mut usize) {
    let h = get_varint(buf, pos);
    if h & 1 == 0 {
        *pos += (h >> 1) as usize;
    }
}

// ---- listpack size emulation (Redis's listpack.c encoding rules) ----

/// Bytes the backlen of an element of encoded size `l` takes.
fn lp_backlen(l: u64) -> u64 {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2097151 {
        3
    } else if l < 268435455 {
        4
    } else {
        5
    }
}

/// Size of a listpack integer element, backlen included.
pub fn lp_int_size(v: i64) -> u64 {
    let enc = if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (-32768..=32767).contains(&v) {
        3
    } else if (-8388608..=8388607).contains(&v) {
        4
    } else if (-2147483648..=2147483647).contains(&v) {
        5
    } else {
        9
    };
    enc + lp_backlen(enc)
}

fn lp_elem_size(e: &Elem<'_>) -> u64 {
    match *e {
        Elem::Int(n) => lp_int_size(n),
        Elem::Bytes(b) => lp_str_size(b),
    }
}

/// Size of a listpack element holding `b` (an integer when `b` is canonical).
pub fn lp_str_size(b: &[u8]) -> u64 {
    if let Some(n) = canonical_int(b) {
        return lp_int_size(n);
    }
    let len = b.len() as u64;
    let enc = if len < 64 {
        1 + len
    } else if len < 4096 {
        2 + len
    } else {
        5 + len
    };
    enc + lp_backlen(enc)
}

/// A decoded entry header.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    /// Offset of the head byte (for flag updates).
    pub at: usize,
    pub id: StreamId,
    pub flags: u8,
    /// Number of field/value pairs.
    pub nfields: u32,
    /// Offset of the body's first element (after the field count, if any).
    pub body: usize,
}

impl Head {
    pub fn deleted(&self) -> bool {
        self.flags & F_DELETED != 0
    }
}

impl Node {
    /// A new node whose first entry is `id` with `fields` (flattened pairs).
    pub fn new(id: StreamId, fields: &[&[u8]]) -> Node {
        let nfields = fields.len() / 2;
        let mut buf = Vec::with_capacity(16 + fields.iter().map(|f| f.len() + 2).sum::<usize>());
        put_varint(&mut buf, nfields as u64);
        // Listpack: 6-byte header + end byte, count and deleted (sized on
        // demand by `lp_bytes`), num-fields, the field names, a 0 terminator.
        let mut lp_rest = 7 + lp_int_size(nfields as i64) + lp_int_size(0);
        for pair in fields.chunks(2) {
            put_elem(&mut buf, pair[0]);
            lp_rest += lp_str_size(pair[0]);
        }
        let entries_at = buf.len() as u32;
        let mut node = Node {
            buf,
            entries_at,
            master_nfields: nfields as u32,
            live: 0,
            deleted: 0,
            master: id,
            last: id,
            lp_rest,
        };
        node.push(id, fields, true);
        node
    }

    /// The size Redis's listpack for these entries would have.
    pub fn lp_bytes(&self) -> u64 {
        self.lp_rest + lp_int_size(self.live as i64) + lp_int_size(self.deleted as i64)
    }

    /// Number of entries stored, live or deleted.
    pub fn stored(&self) -> u32 {
        self.live + self.deleted
    }

    /// Whether `fields` repeat the master field names.
    fn same_fields(&self, fields: &[&[u8]]) -> bool {
        if fields.len() / 2 != self.master_nfields as usize {
            return false;
        }
        let mut pos = 0;
        get_varint(&self.buf, &mut pos);
        fields
            .chunks(2)
            .all(|pair| get_elem(&self.buf, &mut pos).eq_bytes(pair[0]))
    }

    /// Appends an entry with an ID greater than `last`.
    pub fn append(&mut self, id: StreamId, fields: &[&[u8]]) {
        let same = self.same_fields(fields);
        self.push(id, fields, same);
    }

    fn push(&mut self, id: StreamId, fields: &[&[u8]], same: bool) {
        let first = self.live + self.deleted == 0;
        let prev = if first { self.master } else { self.last };
        let flags = if same { F_SAME } else { 0 };
        let dms = id.ms - prev.ms;
        let implied = if dms == 0 {
            id.seq == prev.seq.wrapping_add(1)
        } else {
            id.seq == 0
        };
        let bits = flags | if implied { F_SEQ } else { 0 };
        if dms < (1 << 60) {
            put_varint(&mut self.buf, (dms << 4) | bits as u64);
        } else {
            put_varint(&mut self.buf, (bits | F_BIGMS) as u64);
            put_varint(&mut self.buf, dms);
        }
        if !implied {
            put_varint(
                &mut self.buf,
                if dms == 0 { id.seq - prev.seq } else { id.seq },
            );
        }
        let nfields = fields.len() / 2;
        // Listpack: flags, ms-diff, seq-diff against the master ID,
        // [num-fields], [fields], values, lp-count.
        let mut lp = lp_int_size(flags as i64)
            + lp_int_size(id.ms.wrapping_sub(self.master.ms) as i64)
            + lp_int_size(id.seq.wrapping_sub(self.master.seq) as i64);
        let mut lp_count = nfields as i64 + 3;
        if !same {
            put_varint(&mut self.buf, nfields as u64);
            lp += lp_int_size(nfields as i64);
            lp_count += nfields as i64 + 1;
        }
        for pair in fields.chunks(2) {
            if !same {
                put_elem(&mut self.buf, pair[0]);
                lp += lp_str_size(pair[0]);
            }
            put_elem(&mut self.buf, pair[1]);
            lp += lp_str_size(pair[1]);
        }
        lp += lp_int_size(lp_count);
        self.lp_rest += lp;
        self.live += 1;
        self.last = id;
    }

    /// Decodes the entry at `pos` (whose predecessor's ID is `prev`), returning
    /// its header and the offset of the next entry.
    #[inline]
    pub fn head_at(&self, pos: usize, prev: StreamId) -> (Head, usize) {
        let buf = &self.buf[..];
        let at = pos;
        let mut p = pos;
        let h = get_varint(buf, &mut p);
        let flags = (h & 15) as u8;
        let dms = if flags & F_BIGMS != 0 {
            get_varint(buf, &mut p)
        } else {
            h >> 4
        };
        let s = if flags & F_SEQ != 0 {
            u64::from(dms == 0)
        } else {
            get_varint(buf, &mut p)
        };
        let id = if dms == 0 {
            StreamId::new(prev.ms, prev.seq.wrapping_add(s))
        } else {
            StreamId::new(prev.ms.wrapping_add(dms), s)
        };
        let nfields;
        let nelems;
        if flags & F_SAME != 0 {
            nfields = self.master_nfields;
            nelems = nfields as usize;
        } else {
            nfields = get_varint(buf, &mut p) as u32;
            nelems = nfields as usize * 2;
        }
        let body = p;
        for _ in 0..nelems {
            skip_elem(buf, &mut p);
        }
        (
            Head {
                at,
                id,
                flags: flags & (F_DELETED | F_SAME),
                nfields,
                body,
            },
            p,
        )
    }

    /// The ID to pass as `prev` when decoding the first entry.
    pub fn start_prev(&self) -> StreamId {
        self.master
    }

    /// Iterates every entry header in order (deleted ones included).
    pub fn heads(&self) -> Heads<'_> {
        Heads {
            node: self,
            pos: self.entries_at as usize,
            prev: self.master,
        }
    }

    /// Marks the entry whose head byte is at `at` deleted.
    pub fn mark_deleted(&mut self, at: usize) {
        debug_assert!(self.buf[at] & F_DELETED == 0);
        self.buf[at] |= F_DELETED;
        self.live -= 1;
        self.deleted += 1;
    }

    /// Iterates the field/value pairs of the entry with header `h`.
    pub fn fields(&self, h: &Head) -> Fields<'_> {
        let same = h.flags & F_SAME != 0;
        let mut mpos = 0;
        if same {
            get_varint(&self.buf, &mut mpos);
        }
        Fields {
            buf: &self.buf,
            same,
            mpos,
            pos: h.body,
            left: h.nfields,
        }
    }

    /// The bytes Redis's listpack spends on the entry with header `h`.
    pub fn entry_lp_size(&self, h: &Head) -> u64 {
        let same = h.flags & F_SAME != 0;
        let mut lp = lp_int_size(h.flags as i64)
            + lp_int_size(h.id.ms.wrapping_sub(self.master.ms) as i64)
            + lp_int_size(h.id.seq.wrapping_sub(self.master.seq) as i64);
        let mut lp_count = h.nfields as i64 + 3;
        if !same {
            lp += lp_int_size(h.nfields as i64);
            lp_count += h.nfields as i64 + 1;
        }
        for (f, v) in self.fields(h) {
            if !same {
                lp += lp_elem_size(&f);
            }
            lp += lp_elem_size(&v);
        }
        lp + lp_int_size(lp_count)
    }

    /// The listpack size of the master entry (header and end byte included).
    pub fn master_lp_size(&self) -> u64 {
        let mut pos = 0;
        let n = get_varint(&self.buf, &mut pos);
        let mut lp = 7 + lp_int_size(n as i64) + lp_int_size(0);
        for _ in 0..n {
            lp += lp_elem_size(&get_elem(&self.buf, &mut pos));
        }
        lp
    }

    /// Cuts the entries from the one at `h` on (all deleted); the node keeps
    /// at least its first entry.
    pub fn truncate_at(&mut self, h: &Head, prev: StreamId) {
        let mut removed = 0;
        let mut lp = 0;
        let mut p = h.at;
        let mut pv = prev;
        while p < self.buf.len() {
            let (hh, next) = self.head_at(p, pv);
            debug_assert!(hh.deleted());
            lp += self.entry_lp_size(&hh);
            removed += 1;
            pv = hh.id;
            p = next;
        }
        self.buf.truncate(h.at);
        self.deleted -= removed;
        self.lp_rest -= lp;
        self.last = prev;
    }

    /// Heap bytes owned by this node.
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Drops spare capacity (called when the node stops being the tail).
    pub fn seal(&mut self) {
        self.buf.shrink_to_fit();
    }
}

/// Entry headers of one node, in order.
pub struct Heads<'a> {
    node: &'a Node,
    pos: usize,
    prev: StreamId,
}

impl<'a> Iterator for Heads<'a> {
    type Item = Head;
    #[inline]
    fn next(&mut self) -> Option<Head> {
        if self.pos >= self.node.buf.len() {
            return None;
        }
        let (h, next) = self.node.head_at(self.pos, self.prev);
        self.pos = next;
        self.prev = h.id;
        Some(h)
    }
}

/// Field/value pairs of one entry.
#[derive(Clone)]
pub struct Fields<'a> {
    buf: &'a [u8],
    same: bool,
    mpos: usize,
    pos: usize,
    left: u32,
}

impl<'a> Iterator for Fields<'a> {
    type Item = (Elem<'a>, Elem<'a>);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let f = if self.same {
            get_elem(self.buf, &mut self.mpos)
        } else {
            get_elem(self.buf, &mut self.pos)
        };
        let v = get_elem(self.buf, &mut self.pos);
        Some((f, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elems_round_trip() {
        let cases: &[&[u8]] = &[
            b"",
            b"0",
            b"-0",
            b"007",
            b"12345678",
            b"-9223372036854775808",
            b"9223372036854775807",
            b"4611686018427387904",
            b"+1",
            b"\x00\xffbinary",
        ];
        for c in cases {
            let mut buf = Vec::new();
            put_elem(&mut buf, c);
            let mut pos = 0;
            let e = get_elem(&buf, &mut pos);
            assert_eq!(pos, buf.len());
            assert_eq!(e.to_vec(), c.to_vec(), "{:?}", e);
        }
        let mut buf = Vec::new();
        put_elem(&mut buf, b"12345678");
        assert_eq!(buf.len(), 4);
    }

    #[test]
    fn listpack_sizes() {
        assert_eq!(lp_int_size(0), 2);
        assert_eq!(lp_int_size(127), 2);
        assert_eq!(lp_int_size(128), 3);
        assert_eq!(lp_int_size(-1), 3);
        assert_eq!(lp_int_size(12345678), 6);
        assert_eq!(lp_str_size(b"0123456789abcdef"), 18);
        assert_eq!(lp_str_size(&[b'x'; 64]), 67);
    }

    #[test]
    fn entries_decode() {
        let mut n = Node::new(StreamId::new(5, 3), &[b"a", b"1", b"b", b"x"]);
        n.append(StreamId::new(5, 9), &[b"a", b"2", b"b", b"y"]);
        n.append(StreamId::new(u64::MAX, 0), &[b"c", b"3"]);
        let hs: Vec<Head> = n.heads().collect();
        assert_eq!(hs.len(), 3);
        assert_eq!(hs[0].id, StreamId::new(5, 3));
        assert_eq!(hs[1].id, StreamId::new(5, 9));
        assert_eq!(hs[2].id, StreamId::new(u64::MAX, 0));
        let f: Vec<_> = n
            .fields(&hs[1])
            .map(|(a, b)| (a.to_vec(), b.to_vec()))
            .collect();
        assert_eq!(
            f,
            vec![
                (b"a".to_vec(), b"2".to_vec()),
                (b"b".to_vec(), b"y".to_vec())
            ]
        );
        let f: Vec<_> = n
            .fields(&hs[2])
            .map(|(a, b)| (a.to_vec(), b.to_vec()))
            .collect();
        assert_eq!(f, vec![(b"c".to_vec(), b"3".to_vec())]);
        n.mark_deleted(hs[1].at);
        let hs: Vec<Head> = n.heads().collect();
        assert!(hs[1].deleted() && !hs[0].deleted());
        assert_eq!(hs[2].id, StreamId::new(u64::MAX, 0));
    }
}
