//! Property tests of Sluice's wire codec:
//! - requests (multibulk and inline) encoded, split into random partial reads,
//!   and fed to Sluice's incremental `Decoder` come back exactly;
//! - `Reply` values encoded in RESP2 and RESP3 are framed by redis-protocol's
//!   decoders only once complete (every strict prefix is "incomplete"), and
//!   read back as the value each protocol must carry.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use sluice_conformance::resp::{self, V};
use sluice_server::protocol::reply::format_double;
use sluice_server::protocol::{Decoder, Limits, Reply};

#[derive(Clone, Debug)]
enum Req {
    Multibulk(Vec<Vec<u8>>),
    /// Words without spaces or quotes, sent as an inline line.
    Inline(Vec<String>),
}

fn req() -> impl Strategy<Value = Req> {
    prop_oneof![
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..6)
            .prop_map(Req::Multibulk),
        prop::collection::vec("[a-zA-Z0-9:_.-]{1,12}", 1..6).prop_map(Req::Inline),
    ]
}

fn encode_req(r: &Req, out: &mut Vec<u8>) {
    match r {
        Req::Multibulk(args) => {
            out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for a in args {
                out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
                out.extend_from_slice(a);
                out.extend_from_slice(b"\r\n");
            }
        }
        Req::Inline(words) => {
            out.extend_from_slice(words.join(" ").as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

fn expected_args(r: &Req) -> Vec<Bytes> {
    match r {
        Req::Multibulk(args) => args.iter().map(|a| Bytes::copy_from_slice(a)).collect(),
        Req::Inline(words) => words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect(),
    }
}

/// Splits `n` bytes into chunks of the given sizes (cycled), at least 1 byte each.
fn chunks(n: usize, sizes: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < n {
        let len = sizes[i % sizes.len()].max(1).min(n - at);
        out.push(at..at + len);
        at += len;
        i += 1;
    }
    out
}

fn leaf() -> impl Strategy<Value = Reply> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,20}".prop_map(|s| Reply::Status(s.into())),
        "[A-Z]{1,8} [a-z ]{0,20}".prop_map(|s| Reply::Error(s.into())),
        any::<i64>().prop_map(Reply::Int),
        prop::collection::vec(any::<u8>(), 0..30).prop_map(|b| Reply::Bulk(b.into())),
        // Inline up to 46 bytes, a plain bulk past that.
        prop::collection::vec(any::<u8>(), 0..60).prop_map(|b| Reply::bulk_small(&b)),
        Just(Reply::Nil),
        Just(Reply::NilArray),
        prop_oneof![
            any::<i32>().prop_map(|i| i as f64),
            (-1e6f64..1e6f64),
            Just(0.1),
            Just(-2.5e-7)
        ]
        .prop_map(Reply::Double),
        any::<bool>().prop_map(Reply::Bool),
    ]
}

fn reply() -> impl Strategy<Value = Reply> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Reply::Array),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Reply::Set),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..3).prop_map(|kv| Reply::Map(
                kv.into_iter()
                    .map(|(k, v)| (Reply::bulk(Bytes::from(k)), v))
                    .collect()
            )),
        ]
    })
}

/// The value a client must read for `r` in the given protocol.
fn expected(r: &Reply, resp3: bool) -> V {
    let all = |xs: &[Reply]| xs.iter().map(|x| expected(x, resp3)).collect();
    match r {
        Reply::Status(s) => V::Simple(Bytes::copy_from_slice(s.as_bytes())),
        Reply::Error(s) => V::Error(Bytes::copy_from_slice(s.as_bytes())),
        Reply::Int(n) => V::Int(*n),
        Reply::Bulk(b) => V::Bulk(b.clone()),
        Reply::BulkInline(b) => V::Bulk(Bytes::copy_from_slice(b.as_bytes())),
        Reply::Nil | Reply::NilArray if resp3 => V::Null,
        Reply::Nil => V::NullBulk,
        Reply::NilArray => V::NullArray,
        Reply::Array(xs) => V::Array(all(xs)),
        Reply::Set(xs) if resp3 => V::Set(all(xs)),
        Reply::Push(xs) if resp3 => V::Push(all(xs)),
        Reply::Set(xs) | Reply::Push(xs) => V::Array(all(xs)),
        Reply::Map(kv) if resp3 => V::Map(
            kv.iter()
                .map(|(k, v)| (expected(k, resp3), expected(v, resp3)))
                .collect(),
        ),
        Reply::Map(kv) => V::Array(
            kv.iter()
                .flat_map(|(k, v)| [expected(k, resp3), expected(v, resp3)])
                .collect(),
        ),
        Reply::Double(d) if resp3 => V::Double(Bytes::from(format_double(*d))),
        Reply::Double(d) => V::Bulk(Bytes::from(format_double(*d))),
        Reply::Bool(b) if resp3 => V::Bool(*b),
        Reply::Bool(b) => V::Int(*b as i64),
        Reply::Verbatim(f, t) if resp3 => V::Verbatim(Bytes::from_static(f.as_bytes()), t.clone()),
        Reply::Verbatim(_, t) => V::Bulk(t.clone()),
        Reply::Raw(_) => unreachable!("not generated"),
    }
}

fn doubles_round_trip(r: &Reply) -> bool {
    match r {
        Reply::Double(d) => format_double(*d).parse::<f64>().ok() == Some(*d),
        Reply::Array(xs) | Reply::Set(xs) => xs.iter().all(doubles_round_trip),
        Reply::Map(kv) => kv.iter().all(|(_, v)| doubles_round_trip(v)),
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn requests_survive_any_split(reqs in prop::collection::vec(req(), 1..8),
                                  sizes in prop::collection::vec(1usize..48, 1..16)) {
        let mut wire = Vec::new();
        for r in &reqs {
            encode_req(r, &mut wire);
        }
        let mut dec = Decoder::new();
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for range in chunks(wire.len(), &sizes) {
            buf.extend_from_slice(&wire[range]);
            while let Some(args) = dec.decode(&mut buf, &Limits::default()).expect("valid input") {
                got.push(args);
            }
        }
        prop_assert!(buf.is_empty(), "bytes left over: {:?}", buf);
        prop_assert!(!dec.in_progress());
        let want: Vec<Vec<Bytes>> = reqs.iter().map(expected_args).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn replies_frame_and_read_back(r in reply(), sizes in prop::collection::vec(1usize..32, 1..8)) {
        prop_assert!(doubles_round_trip(&r), "a double does not survive formatting: {:?}", r);
        for resp3 in [false, true] {
            let wire = r.to_bytes(resp3).to_vec();
            // Every strict prefix is incomplete; the whole is one frame.
            let mut seen = 0;
            for range in chunks(wire.len(), &sizes) {
                seen = range.end;
                let framed = resp::frame_len(&wire[..seen], resp3);
                if seen < wire.len() {
                    prop_assert_eq!(framed, Ok(None), "prefix {} of {:?}", seen, resp::quote(&wire));
                } else {
                    prop_assert_eq!(framed, Ok(Some(wire.len())), "{:?}", resp::quote(&wire));
                }
            }
            prop_assert_eq!(seen, wire.len());
            let (v, n) = resp::parse(&wire).expect("parses");
            prop_assert_eq!(n, wire.len());
            prop_assert_eq!(v, expected(&r, resp3));
        }
    }
}
