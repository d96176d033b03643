//! MAXCOUNT / MAXSIZE on XREAD and XREADGROUP (Redis 8.10; docs/redis8.md)
//! over real connections:
//! - a property test that checks every capped reply against a model built
//!   independently from the uncapped reply (cut it where the rule says, then
//!   encode it and compare bytes), and that XREADGROUP delivered exactly what
//!   it sent (PEL size, last-delivered-id);
//! - the caps with CLAIM, whose entries carry idle times (injected clock);
//! - delivery counts of history reads cut by the caps.

use proptest::prelude::*;
use sluice_server::clock::Clock;

mod support;
use support::{bulk, claim_entry, frame_len, start_on, three_entries_and_group, Conn, T0};

/// A parsed RESP2 value with the exact bytes it was read from.
#[derive(Debug, Clone)]
struct Node {
    raw: Vec<u8>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Bulk(Vec<u8>),
    Array(Vec<Node>),
    Other,
}

fn parse(b: &[u8]) -> Node {
    fn go(b: &[u8], at: usize) -> (Node, usize) {
        let end = at + b[at..].windows(2).position(|w| w == b"\r\n").unwrap();
        let head = std::str::from_utf8(&b[at + 1..end]).unwrap();
        let next = end + 2;
        let (kind, stop) = match b[at] {
            b'$' => {
                let n: i64 = head.parse().unwrap();
                if n < 0 {
                    (Kind::Other, next)
                } else {
                    let n = n as usize;
                    (Kind::Bulk(b[next..next + n].to_vec()), next + n + 2)
                }
            }
            b'*' => {
                let n: i64 = head.parse().unwrap();
                let mut items = Vec::new();
                let mut p = next;
                for _ in 0..n.max(0) {
                    let (item, q) = go(b, p);
                    items.push(item);
                    p = q;
                }
                (Kind::Array(items), p)
            }
            _ => (Kind::Other, next),
        };
        (
            Node {
                raw: b[at..stop].to_vec(),
                kind,
            },
            stop,
        )
    }
    let (n, used) = go(b, 0);
    assert_eq!(used, b.len(), "one frame");
    n
}

/// An XREAD/XREADGROUP reply as (key, raw entries) per stream; a null
/// reply is no stream.
fn streams_of(reply: &str) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    let n = parse(reply.as_bytes());
    let Kind::Array(streams) = n.kind else {
        return Vec::new();
    };
    streams
        .into_iter()
        .map(|s| {
            let Kind::Array(kv) = s.kind else {
                panic!("stream pair")
            };
            let Kind::Bulk(key) = &kv[0].kind else {
                panic!("key")
            };
            let Kind::Array(entries) = &kv[1].kind else {
                panic!("entries")
            };
            (key.clone(), entries.iter().map(|e| e.raw.clone()).collect())
        })
        .collect()
}

/// The RESP2 encoding of such a reply (null when it has no stream).
fn encode(streams: &[(Vec<u8>, Vec<Vec<u8>>)]) -> Vec<u8> {
    if streams.is_empty() {
        return b"*-1\r\n".to_vec();
    }
    let mut out = format!("*{}\r\n", streams.len()).into_bytes();
    for (key, entries) in streams {
        out.extend_from_slice(format!("*2\r\n${}\r\n", key.len()).as_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(format!("\r\n*{}\r\n", entries.len()).as_bytes());
        for e in entries {
            out.extend_from_slice(e);
        }
    }
    out
}

/// The rule of docs/redis8.md applied to the uncapped reply: before each
/// stream (its key counted) and each entry, stop when MAXCOUNT entries were
/// taken, or when one was and the reply so far has MAXSIZE bytes.
fn model(
    uncapped: &[(Vec<u8>, Vec<Vec<u8>>)],
    max_count: Option<usize>,
    max_size: Option<usize>,
) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    let mut out: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
    let mut taken = 0usize;
    let full = |out: &[(Vec<u8>, Vec<Vec<u8>>)], taken: usize| {
        max_count.is_some_and(|m| taken >= m)
            || max_size.is_some_and(|m| taken > 0 && encode(out).len() >= m)
    };
    'streams: for (key, entries) in uncapped {
        if full(&out, taken) {
            break;
        }
        out.push((key.clone(), Vec::new()));
        if full(&out, taken) {
            out.pop();
            break;
        }
        for e in entries {
            if full(&out, taken) {
                break 'streams;
            }
            out.last_mut().unwrap().1.push(e.clone());
            taken += 1;
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    Add { key: usize, size: usize },
    Read(ReadOp),
    Group(ReadOp, bool),
}

#[derive(Debug, Clone)]
struct ReadOp {
    count: usize,
    max_count: Option<usize>,
    max_size: Option<usize>,
    /// Which of the three keys, in which order.
    keys: Vec<usize>,
}

fn read_op() -> impl Strategy<Value = ReadOp> {
    (
        0..4usize,
        prop::option::of(1..12usize),
        prop::option::of(1..400usize),
        prop::sample::subsequence(vec![0usize, 1, 2], 1..=3).prop_shuffle(),
    )
        .prop_map(|(count, max_count, max_size, keys)| ReadOp {
            // MAXCOUNT below COUNT is an error: raise COUNT's cap instead.
            count: match max_count {
                Some(m) if count > m => m,
                _ => count,
            },
            max_count,
            max_size,
            keys,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize, 0..40usize).prop_map(|(key, size)| Op::Add { key, size }),
        2 => read_op().prop_map(Op::Read),
        2 => (read_op(), any::<bool>()).prop_map(|(r, noack)| Op::Group(r, noack)),
    ]
}

const KEYS: [&str; 3] = ["s0", "stream-1", "the-third-stream"];

fn cap_args(r: &ReadOp) -> Vec<String> {
    let mut a = Vec::new();
    if r.count > 0 {
        a.extend(["COUNT".to_string(), r.count.to_string()]);
    }
    if let Some(m) = r.max_count {
        a.extend(["MAXCOUNT".to_string(), m.to_string()]);
    }
    if let Some(m) = r.max_size {
        a.extend(["MAXSIZE".to_string(), m.to_string()]);
    }
    a
}

async fn run(c: &mut Conn, ops: Vec<Op>) {
    c.cmd(&["FLUSHALL"]).await;
    for k in KEYS {
        c.cmd(&["XGROUP", "CREATE", k, "g", "0", "MKSTREAM"]).await;
    }
    // The group's last-delivered-id per stream, and entries pending.
    let mut last = ["0-0".to_string(), "0-0".to_string(), "0-0".to_string()];
    let mut pending = [0usize; 3];
    let mut next = 1u64;
    for op in ops {
        match op {
            Op::Add { key, size } => {
                let id = format!("{next}-1");
                next += 1;
                let v = "x".repeat(size);
                c.cmd(&["XADD", KEYS[key], &id, "f", &v, "n", &size.to_string()])
                    .await;
            }
            Op::Read(r) => {
                let keys: Vec<&str> = r.keys.iter().map(|&k| KEYS[k]).collect();
                let mut plain = vec!["XREAD".to_string()];
                if r.count > 0 {
                    plain.extend(["COUNT".to_string(), r.count.to_string()]);
                }
                plain.push("STREAMS".into());
                plain.extend(keys.iter().map(|k| k.to_string()));
                plain.extend(keys.iter().map(|_| "0".to_string()));
                let uncapped = streams_of(&c.cmd(&plain).await);
                let mut capped = vec!["XREAD".to_string()];
                capped.extend(cap_args(&r));
                capped.extend(plain[plain.iter().position(|a| a == "STREAMS").unwrap()..].to_vec());
                let got = c.cmd(&capped).await;
                let want = encode(&model(&uncapped, r.max_count, r.max_size));
                assert_eq!(got.as_bytes(), &want[..], "{capped:?}");
            }
            Op::Group(r, noack) => {
                let keys: Vec<&str> = r.keys.iter().map(|&k| KEYS[k]).collect();
                // What the group would get without the caps: the entries
                // after each stream's last-delivered-id.
                let mut plain = vec!["XREAD".to_string()];
                if r.count > 0 {
                    plain.extend(["COUNT".to_string(), r.count.to_string()]);
                }
                plain.push("STREAMS".into());
                plain.extend(keys.iter().map(|k| k.to_string()));
                plain.extend(r.keys.iter().map(|&k| last[k].clone()));
                let uncapped = streams_of(&c.cmd(&plain).await);
                let mut cmd = vec!["XREADGROUP", "GROUP", "g", "c"]
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>();
                cmd.extend(cap_args(&r));
                if noack {
                    cmd.push("NOACK".into());
                }
                cmd.push("STREAMS".into());
                cmd.extend(keys.iter().map(|k| k.to_string()));
                cmd.extend(keys.iter().map(|_| ">".to_string()));
                let got = c.cmd(&cmd).await;
                let expect = model(&uncapped, r.max_count, r.max_size);
                assert_eq!(got.as_bytes(), &encode(&expect)[..], "{cmd:?}");
                for (key, entries) in &expect {
                    let k = KEYS.iter().position(|x| x.as_bytes() == &key[..]).unwrap();
                    let Kind::Array(items) = parse(entries.last().unwrap()).kind else {
                        panic!("entry")
                    };
                    let Kind::Bulk(id) = &items[0].kind else {
                        panic!("id")
                    };
                    last[k] = String::from_utf8(id.clone()).unwrap();
                    if !noack {
                        pending[k] += entries.len();
                    }
                }
                // Exactly what was sent was delivered: the group moved to the
                // last entry sent, and the PEL holds the entries sent.
                for (k, key) in KEYS.iter().enumerate() {
                    let info = c.cmd(&["XINFO", "GROUPS", key]).await;
                    assert!(
                        info.contains(&format!("{}{}", bulk("last-delivered-id"), bulk(&last[k]))),
                        "{key}: {info}"
                    );
                    let p = c.cmd(&["XPENDING", key, "g"]).await;
                    assert!(
                        p.starts_with(&format!("*4\r\n:{}\r\n", pending[k])),
                        "{key}: {p}"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn capped_reads_follow_the_rule(ops in prop::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let h = start_on(&Clock::fixed(T0)).await;
            let mut c = Conn::open(h.local_addr()).await;
            run(&mut c, ops).await;
            h.shutdown().await;
        });
    }
}

/// MAXSIZE with CLAIM: claimed entries carry their idle time and delivery
/// count, which count in the reply's size like everything else.
#[tokio::test]
async fn maxsize_counts_claimed_entries_exactly() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    three_entries_and_group(&mut c).await;
    c.cmd(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "2",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    clock.advance(12_345);
    let entry = claim_entry;
    // Reply so far: "*1\r\n*2\r\n$1\r\ns\r\n*N\r\n" (19) + entries.
    let e1 = entry("1-0", 12_345, 1);
    let e2 = entry("2-0", 12_345, 1);
    let after_one = 19 + e1.len();
    // MAXSIZE one byte above the first entry's end: the second comes, and
    // then the reply (after two) is over the cap, so the new entry 3-0 does not.
    let cap = (after_one + 1).to_string();
    let got = c
        .cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c2",
            "MAXSIZE",
            &cap,
            "CLAIM",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    assert_eq!(got, format!("*1\r\n*2\r\n$1\r\ns\r\n*2\r\n{e1}{e2}"));
    // 3-0 was not delivered: the group still points at 2-0.
    let info = c.cmd(&["XINFO", "GROUPS", "s"]).await;
    assert!(
        info.contains(&format!("{}{}", bulk("last-delivered-id"), bulk("2-0"))),
        "{info}"
    );
    // Exactly at the first entry's end: only it is claimed.
    clock.advance(1);
    let cap = (19 + entry("1-0", 1, 2).len()).to_string();
    let got = c
        .cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c3",
            "MAXSIZE",
            &cap,
            "CLAIM",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    assert_eq!(
        got,
        format!("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n{}", entry("1-0", 1, 2))
    );
    let p = c.cmd(&["XPENDING", "s", "g"]).await;
    assert_eq!(
        p,
        format!(
            "*4\r\n:2\r\n{}{}*2\r\n*2\r\n{}$1\r\n1\r\n*2\r\n{}$1\r\n1\r\n",
            bulk("1-0"),
            bulk("2-0"),
            bulk("c2"),
            bulk("c3")
        )
    );
    h.shutdown().await;
}

/// A history read cut by MAXCOUNT redelivers only what it sent: delivery
/// counts of the entries left out do not change.
#[tokio::test]
async fn capped_history_reads_redeliver_only_what_they_send() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    three_entries_and_group(&mut c).await;
    c.cmd(&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"])
        .await;
    let got = c
        .cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "MAXCOUNT",
            "2",
            "STREAMS",
            "s",
            "0",
        ])
        .await;
    assert!(got.starts_with("*1\r\n*2\r\n$1\r\ns\r\n*2\r\n"), "{got}");
    let p = c.cmd(&["XPENDING", "s", "g", "-", "+", "10"]).await;
    let row = |id: &str, n: i64| format!("*4\r\n{}{}:0\r\n:{n}\r\n", bulk(id), bulk("c"));
    assert_eq!(
        p,
        format!("*3\r\n{}{}{}", row("1-0", 2), row("2-0", 2), row("3-0", 1))
    );
    h.shutdown().await;
}

#[test]
fn the_test_parser_reads_what_it_encodes() {
    let streams = vec![
        (b"a".to_vec(), vec![b"*2\r\n$3\r\n1-1\r\n*0\r\n".to_vec()]),
        (b"bb".to_vec(), vec![]),
    ];
    let enc = encode(&streams);
    assert_eq!(frame_len(&enc), Some(enc.len()));
    let back = streams_of(std::str::from_utf8(&enc).unwrap());
    assert_eq!(back, streams);
}
