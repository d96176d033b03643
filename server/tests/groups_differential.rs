//! Random sequences of consumer-group commands run against a real
//! `redis-server` (the reference named by `SLUICE_REDIS_SERVER`, Redis 8.0.x,
//! started here on a free loopback port)
//! and against Sluice, every reply compared byte for byte.
//!
//! The generator leaves out what depends on time (it was written against
//! 7.0, where these also differed; XINFO's times, lag and consumer creation
//! are compared by the conformance cases, `cases/groups/`): it never reads
//! XINFO nor sends XGROUP CREATECONSUMER, claims with a min-idle time of 0
//! or one no entry can reach (so timing cannot matter), and masks XPENDING
//! idle times.
//! Everything else — PEL contents, owners, delivery counts, cursors, deleted
//! entries, history re-reads, NOACK, SETID, DELCONSUMER, XDEL, XTRIM — must
//! match exactly. An unset `SLUICE_REDIS_SERVER` or a missing binary fails
//! the test.

use proptest::prelude::*;

mod support;
use support::sync_redis::{servers, SyncConn as Client};

#[derive(Clone, Debug)]
enum Op {
    Add(u8),
    Del(u8),
    Trim(u8),
    ReadNew {
        c: u8,
        count: u8,
        noack: bool,
    },
    ReadHistory {
        c: u8,
        from: u8,
        count: u8,
    },
    Ack(Vec<u8>),
    Claim {
        c: u8,
        ids: Vec<u8>,
        idle: bool,
        force: bool,
        justid: bool,
        retry: Option<u8>,
    },
    AutoClaim {
        c: u8,
        from: u8,
        count: u8,
        idle: bool,
        justid: bool,
    },
    Pending {
        c: Option<u8>,
        from: u8,
        to: u8,
        count: u8,
    },
    Summary,
    DelConsumer(u8),
    SetId(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u8..4).prop_map(Op::Add),
        1 => any::<u8>().prop_map(Op::Del),
        1 => (0u8..10).prop_map(Op::Trim),
        4 => (0u8..3, 0u8..4, prop::bool::weighted(0.15))
            .prop_map(|(c, count, noack)| Op::ReadNew { c, count, noack }),
        2 => (0u8..3, any::<u8>(), 0u8..4).prop_map(|(c, from, count)| Op::ReadHistory { c, from, count }),
        3 => prop::collection::vec(any::<u8>(), 1..4).prop_map(Op::Ack),
        2 => (0u8..3, prop::collection::vec(any::<u8>(), 1..4), any::<bool>(), any::<bool>(), any::<bool>(),
              prop::option::of(0u8..5))
            .prop_map(|(c, ids, idle, force, justid, retry)| Op::Claim { c, ids, idle, force, justid, retry }),
        2 => (0u8..3, any::<u8>(), 1u8..5, any::<bool>(), any::<bool>())
            .prop_map(|(c, from, count, idle, justid)| Op::AutoClaim { c, from, count, idle, justid }),
        2 => (prop::option::of(0u8..4), any::<u8>(), any::<u8>(), 0u8..6)
            .prop_map(|(c, from, to, count)| Op::Pending { c, from, to, count }),
        2 => Just(Op::Summary),
        1 => (0u8..4).prop_map(Op::DelConsumer),
        1 => any::<u8>().prop_map(Op::SetId),
    ]
}

fn s(x: &str) -> String {
    x.to_string()
}

/// An ID among those the sequence may have added (1..=next), as `<n>-0`.
fn pick(n: u8, next: u64) -> String {
    format!("{}-0", 1 + (n as u64) % next.max(1))
}

/// Masks the idle times (third field of each row) of an XPENDING extended
/// reply: `*n` rows of `*4 id consumer :idle :count`.
fn mask_pending_rows(reply: &[u8]) -> Vec<u8> {
    fn line(b: &[u8], at: usize) -> (usize, &[u8]) {
        let rel = b[at..].windows(2).position(|w| w == b"\r\n").expect("CRLF");
        (at + rel + 2, &b[at..at + rel + 2])
    }
    if !reply.starts_with(b"*") {
        return reply.to_vec();
    }
    let (mut at, head) = line(reply, 0);
    let rows: i64 = std::str::from_utf8(&head[1..head.len() - 2])
        .unwrap()
        .parse()
        .unwrap();
    let mut out = head.to_vec();
    for _ in 0..rows.max(0) {
        let (next, row) = line(reply, at);
        out.extend_from_slice(row);
        at = next;
        if row != b"*4\r\n" {
            return reply.to_vec();
        }
        // id and consumer: `$len`, bytes.
        for _ in 0..4 {
            let (next, l) = line(reply, at);
            out.extend_from_slice(l);
            at = next;
        }
        let (next, _idle) = line(reply, at);
        out.extend_from_slice(b":<idle>\r\n");
        at = next;
        let (next, count) = line(reply, at);
        out.extend_from_slice(count);
        at = next;
    }
    out
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let sv = servers();
    let mut r = Client::open(sv.redis_port).expect("redis");
    let mut l = Client::open(sv.sluice_port).expect("sluice");
    for c in [&mut r, &mut l] {
        c.cmd(&[s("FLUSHALL")]);
        c.cmd(&[
            s("XGROUP"),
            s("CREATE"),
            s("s"),
            s("g"),
            s("$"),
            s("MKSTREAM"),
        ]);
    }
    let mut next: u64 = 0;
    let mut log = Vec::new();
    for op in ops {
        let mut mask = false;
        let cmd: Vec<String> = match &op {
            Op::Add(n) => {
                let mut v = Vec::new();
                for _ in 0..*n {
                    next += 1;
                    v.push(vec![
                        s("XADD"),
                        s("s"),
                        format!("{next}-0"),
                        s("f"),
                        format!("v{next}"),
                    ]);
                }
                for c in &v[..v.len() - 1] {
                    prop_assert_eq!(r.cmd(c), l.cmd(c));
                }
                v.pop().unwrap()
            }
            Op::Del(n) => vec![s("XDEL"), s("s"), pick(*n, next)],
            Op::Trim(n) => vec![s("XTRIM"), s("s"), s("MAXLEN"), n.to_string()],
            Op::ReadNew { c, count, noack } => {
                let mut v = vec![
                    s("XREADGROUP"),
                    s("GROUP"),
                    s("g"),
                    format!("c{c}"),
                    s("COUNT"),
                    count.to_string(),
                ];
                if *noack {
                    v.push(s("NOACK"));
                }
                v.extend([s("STREAMS"), s("s"), s(">")]);
                v
            }
            Op::ReadHistory { c, from, count } => vec![
                s("XREADGROUP"),
                s("GROUP"),
                s("g"),
                format!("c{c}"),
                s("COUNT"),
                count.to_string(),
                s("STREAMS"),
                s("s"),
                pick(*from, next),
            ],
            Op::Ack(ids) => {
                let mut v = vec![s("XACK"), s("s"), s("g")];
                v.extend(ids.iter().map(|i| pick(*i, next)));
                v
            }
            Op::Claim {
                c,
                ids,
                idle,
                force,
                justid,
                retry,
            } => {
                let min_idle = if *idle { "100000000" } else { "0" };
                let mut v = vec![s("XCLAIM"), s("s"), s("g"), format!("c{c}"), s(min_idle)];
                v.extend(ids.iter().map(|i| pick(*i, next)));
                if *force {
                    v.push(s("FORCE"));
                }
                if *justid {
                    v.push(s("JUSTID"));
                }
                if let Some(n) = retry {
                    v.extend([s("RETRYCOUNT"), n.to_string()]);
                }
                v
            }
            Op::AutoClaim {
                c,
                from,
                count,
                idle,
                justid,
            } => {
                let min_idle = if *idle { "100000000" } else { "0" };
                let mut v = vec![
                    s("XAUTOCLAIM"),
                    s("s"),
                    s("g"),
                    format!("c{c}"),
                    s(min_idle),
                    pick(*from, next),
                    s("COUNT"),
                    count.to_string(),
                ];
                if *justid {
                    v.push(s("JUSTID"));
                }
                v
            }
            Op::Pending { c, from, to, count } => {
                mask = true;
                let mut v = vec![
                    s("XPENDING"),
                    s("s"),
                    s("g"),
                    pick(*from, next),
                    pick(*to, next),
                    count.to_string(),
                ];
                if let Some(c) = c {
                    v.push(format!("c{c}"));
                }
                v
            }
            Op::Summary => vec![s("XPENDING"), s("s"), s("g")],
            Op::DelConsumer(c) => vec![
                s("XGROUP"),
                s("DELCONSUMER"),
                s("s"),
                s("g"),
                format!("c{c}"),
            ],
            Op::SetId(n) => vec![s("XGROUP"), s("SETID"), s("s"), s("g"), pick(*n, next)],
        };
        let (mut a, mut b) = (r.cmd(&cmd), l.cmd(&cmd));
        if mask {
            a = mask_pending_rows(&a);
            b = mask_pending_rows(&b);
        }
        log.push(cmd.join(" "));
        prop_assert_eq!(
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b),
            "after:\n{}",
            log.join("\n")
        );
    }
    // The whole PEL, owners and counts, agrees at the end.
    let all = [s("XPENDING"), s("s"), s("g"), s("-"), s("+"), s("1000")];
    prop_assert_eq!(
        mask_pending_rows(&r.cmd(&all)),
        mask_pending_rows(&l.cmd(&all))
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn group_commands_match_redis(ops in prop::collection::vec(op(), 1..60)) {
        run(ops)?;
    }
}
