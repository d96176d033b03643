//! Randomised differential test of the stream log against a real
//! `redis-server` (the reference named by `SLUICE_REDIS_SERVER`, Redis 8.0.x;
//! unset or missing fails the test).
//!
//! Seeded random workloads of XADD (explicit IDs, strings and integers of
//! many sizes, varying field lists), XDEL, XTRIM (MAXLEN and MINID, exact and
//! `~`, with LIMIT) and XSETID run on both servers under random node bounds;
//! after every command the replies must be identical, and after every few
//! commands so must `XINFO STREAM` (node count `radix-tree-keys`, the rax
//! node count `radix-tree-nodes`, first/last entries...). This checks the
//! emulated listpack sizes and the rax figures well beyond the fixed cases.

mod support;
use support::sync_redis::{start_redis, SyncConn as Conn};

/// xorshift64*: deterministic, seedable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A number of up to `bits` random bits (so small and large ones both come up).
    fn bits(&mut self, bits: u64) -> u64 {
        let b = self.below(bits);
        self.below(1 << b)
    }
}

fn v(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

/// Integers at the edges of listpack's integer encodings.
const EDGE_INTS: &[i64] = &[
    127,
    128,
    -1,
    4095,
    4096,
    -4096,
    -4097,
    32767,
    32768,
    -32768,
    -32769,
    8388607,
    8388608,
    -8388608,
    -8388609,
    2147483647,
    2147483648,
    -2147483648,
    -2147483649,
    i64::MAX,
    i64::MIN,
];
/// String lengths at the edges of listpack's string headers and back-lengths.
const EDGE_LENS: &[usize] = &[63, 64, 124, 125, 126, 127, 128, 4093, 4094, 4095, 4096];

fn value(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        8 => v(EDGE_INTS[rng.below(EDGE_INTS.len() as u64) as usize].to_string()),
        9 => vec![b'z'; EDGE_LENS[rng.below(EDGE_LENS.len() as u64) as usize]],
        0 => v((rng.next() as i64).to_string()),
        1 => v(rng.below(200).to_string()),
        2 => v((rng.below(10_000) as i64 - 5000).to_string()),
        3 => v(["-0", "007", "+1", "", "9223372036854775808", " 1"][rng.below(6) as usize]),
        4 => vec![b'x'; rng.below(300) as usize],
        5 => vec![b'y'; 62 + rng.below(3) as usize],
        _ => (0..rng.below(20)).map(|_| rng.next() as u8).collect(),
    }
}

/// Redis 8.6's six IDMP fields as a stream that never used IDMP shows them
/// (RESP2), which Sluice sends and Redis 8.0 lacks.
const IDMP_DEFAULTS: &[u8] = b"$13\r\nidmp-duration\r\n:100\r\n$12\r\nidmp-maxsize\r\n:100\r\n\
$12\r\npids-tracked\r\n:0\r\n$12\r\niids-tracked\r\n:0\r\n$10\r\niids-added\r\n:0\r\n\
$15\r\niids-duplicates\r\n:0\r\n";

/// An XINFO STREAM reply without [`IDMP_DEFAULTS`] (the top-level length
/// adjusted), as Redis 8.0 would send it; any other reply as it is. The
/// workloads never use IDMP, so the fields must be there with exactly
/// these values: the test fails otherwise.
fn without_idmp_defaults(reply: &[u8]) -> Vec<u8> {
    let Some(at) = reply
        .windows(IDMP_DEFAULTS.len())
        .position(|w| w == IDMP_DEFAULTS)
    else {
        assert!(
            !reply.windows(15).any(|w| w == b"radix-tree-keys"),
            "XINFO STREAM without the IDMP defaults: {}",
            String::from_utf8_lossy(reply)
        );
        return reply.to_vec();
    };
    let header_end = reply.iter().position(|&c| c == b'\r').expect("header");
    let len: usize = std::str::from_utf8(&reply[1..header_end])
        .expect("utf8")
        .parse()
        .expect("length");
    let mut out = format!("*{}", len - 12).into_bytes();
    out.extend_from_slice(&reply[header_end..at]);
    out.extend_from_slice(&reply[at + IDMP_DEFAULTS.len()..]);
    out
}

const SEEDS: u64 = 120;

/// Runs one workload; returns how many XADDs succeeded and the node count at the end.
fn run(seed: u64, ops: usize, redis: &mut Conn, sluice: &mut Conn) -> (usize, usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let key = format!("s{seed}").into_bytes();
    let entries = rng.below(8);
    let bytes = [0u64, 40, 100, 250, 600, 4096, 9000][rng.below(7) as usize];
    let mut both = |args: Vec<Vec<u8>>| {
        let a = redis.cmd(&args);
        let mut b = sluice.cmd(&args);
        if args[0] == b"XINFO" {
            b = without_idmp_defaults(&b);
        }
        assert_eq!(
            String::from_utf8_lossy(&b),
            String::from_utf8_lossy(&a),
            "seed {seed}: {:?}",
            args.iter()
                .map(|x| String::from_utf8_lossy(x).into_owned())
                .collect::<Vec<_>>()
        );
        a
    };
    both(vec![
        v("CONFIG"),
        v("SET"),
        v("stream-node-max-entries"),
        v(entries.to_string()),
    ]);
    both(vec![
        v("CONFIG"),
        v("SET"),
        v("stream-node-max-bytes"),
        v(bytes.to_string()),
    ]);
    let mut ms = 1u64;
    let mut ids: Vec<(u64, u64)> = Vec::new();
    for step in 0..ops {
        match rng.below(20) {
            0..=11 => {
                ms += [0, 0, 1, 7, 300, 70_000, 1 << 33][rng.below(7) as usize];
                let seq = rng.below(3) * rng.below(400);
                let id = if rng.below(4) == 0 {
                    format!("{ms}-*")
                } else {
                    format!("{ms}-{seq}")
                };
                let mut args = vec![v("XADD"), key.clone(), v(id)];
                let names: &[&str] = if rng.below(3) == 0 {
                    &["a", "b", "12", "field", "-5"]
                } else {
                    &["field1", "field2"]
                };
                let n = 1 + rng.below(3);
                for j in 0..n {
                    let f = if names.len() == 2 {
                        names[j as usize % 2]
                    } else {
                        names[rng.below(names.len() as u64) as usize]
                    };
                    args.push(v(f));
                    args.push(value(&mut rng));
                }
                let r = both(args);
                if let Some(id) = std::str::from_utf8(&r)
                    .ok()
                    .and_then(|s| s.split("\r\n").nth(1))
                    .and_then(|s| s.split_once('-'))
                {
                    if let (Ok(a), Ok(b)) = (id.0.parse(), id.1.parse()) {
                        ids.push((a, b));
                        ms = ms.max(a);
                    }
                }
            }
            12..=14 if !ids.is_empty() => {
                let (a, b) = ids[rng.below(ids.len() as u64) as usize];
                both(vec![v("XDEL"), key.clone(), v(format!("{a}-{b}"))]);
            }
            15 | 16 => {
                let approx = rng.below(2) == 0;
                let mut args = vec![v("XTRIM"), key.clone()];
                if rng.below(2) == 0 {
                    args.push(v("MAXLEN"));
                    args.push(v(if approx { "~" } else { "=" }));
                    args.push(v(rng.below(ids.len() as u64 + 2).to_string()));
                } else {
                    args.push(v("MINID"));
                    args.push(v(if approx { "~" } else { "=" }));
                    let id = if ids.is_empty() {
                        (1, 0)
                    } else {
                        ids[rng.below(ids.len() as u64) as usize]
                    };
                    args.push(v(format!("{}-{}", id.0, id.1 + rng.below(2))));
                }
                if approx && rng.below(3) == 0 {
                    args.push(v("LIMIT"));
                    args.push(v(rng.below(12).to_string()));
                }
                both(args);
            }
            17 => {
                let up = rng.below(3);
                both(vec![
                    v("XSETID"),
                    key.clone(),
                    v(format!("{}-{}", ms + up, rng.below(5))),
                ]);
            }
            _ => {
                both(vec![
                    v("XRANGE"),
                    key.clone(),
                    v("-"),
                    v("+"),
                    v("COUNT"),
                    v("3"),
                ]);
                both(vec![
                    v("XREVRANGE"),
                    key.clone(),
                    v("+"),
                    v("-"),
                    v("COUNT"),
                    v("3"),
                ]);
            }
        }
        if step % 5 == 0 {
            both(vec![v("XINFO"), v("STREAM"), key.clone()]);
        }
    }
    both(vec![
        v("XINFO"),
        v("STREAM"),
        key.clone(),
        v("FULL"),
        v("COUNT"),
        v("0"),
    ]);
    let info = both(vec![v("XINFO"), v("STREAM"), key.clone()]);
    let text = String::from_utf8_lossy(&info).into_owned();
    let nodes = text
        .split("\r\n")
        .skip_while(|l| *l != "radix-tree-keys")
        .nth(1)
        .and_then(|n| n.trim_start_matches(':').parse().ok())
        .unwrap_or(0);
    (ids.len(), nodes)
}

#[test]
fn random_workloads_match_redis() {
    let (_redis, rport) = start_redis();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let handle = rt.block_on(support::start());
    let sport = handle.local_addr().port();
    let mut redis = Conn::open(rport).expect("connect redis");
    let mut sluice = Conn::open(sport).expect("connect sluice");
    let (mut added, mut multi_node) = (0, 0);
    for seed in 1..=SEEDS {
        let (a, nodes) = run(seed, 250, &mut redis, &mut sluice);
        added += a;
        multi_node += (nodes > 1) as usize;
    }
    // The workloads must have exercised the log, not just produced errors.
    assert!(added > SEEDS as usize * 100, "only {added} entries added");
    assert!(
        multi_node > 10,
        "only {multi_node} workloads ended with several nodes"
    );
    rt.block_on(handle.shutdown());
}

/// For random node contents, finds by bisection the smallest
/// `stream-node-max-bytes` at which one more small entry still joins the
/// node. That threshold is the node's listpack size plus the new entry's
/// lengths plus one, so equal thresholds mean Sluice emulates the size of
/// Redis's listpack to the byte for those contents.
#[test]
fn listpack_size_matches_redis_to_the_byte() {
    let (_redis, rport) = start_redis();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let handle = rt.block_on(support::start());
    let mut redis = Conn::open(rport).expect("connect redis");
    let mut sluice = Conn::open(handle.local_addr().port()).expect("connect sluice");
    for c in [&mut redis, &mut sluice] {
        c.cmd(&[v("CONFIG"), v("SET"), v("stream-node-max-entries"), v("0")]);
    }
    let mut rng = Rng(0x5EED);
    for sample in 0..150 {
        // Node contents: 1-4 entries with varied IDs, fields and values,
        // sometimes one deleted (the counters' sizes count too).
        let k = 1 + rng.below(4);
        let mut entries = Vec::new();
        let mut ms = 1 + rng.below(3) * rng.below(1 << 40);
        let mut seq = rng.below(2) * rng.below(1 << 20);
        for _ in 0..k {
            let mut e = vec![v(format!("{ms}-{seq}"))];
            let same = rng.below(2) == 0;
            for j in 0..(1 + rng.below(3)) {
                e.push(if same {
                    v(format!("f{j}"))
                } else {
                    value(&mut rng)
                });
                e.push(value(&mut rng));
            }
            entries.push(e);
            if rng.below(2) == 0 {
                ms += 1 + rng.bits(40);
                seq = rng.below(3) * rng.bits(30);
            } else {
                seq += 1 + rng.bits(20);
            }
        }
        let delete =
            (k >= 2 && rng.below(2) == 0).then(|| entries[rng.below(k) as usize][0].clone());
        let probe_id = v(format!("{}-0", ms + 1));
        let threshold = |c: &mut Conn| -> u64 {
            let fits = |c: &mut Conn, max: u64| -> bool {
                c.cmd(&[
                    v("CONFIG"),
                    v("SET"),
                    v("stream-node-max-bytes"),
                    v(max.to_string()),
                ]);
                c.cmd(&[v("DEL"), v("lp")]);
                // Build the node unbounded, then bound it for the probe.
                c.cmd(&[v("CONFIG"), v("SET"), v("stream-node-max-bytes"), v("0")]);
                for e in &entries {
                    let mut args = vec![v("XADD"), v("lp")];
                    args.extend(e.iter().cloned());
                    let r = c.cmd(&args);
                    assert!(!r.starts_with(b"-"), "{}", String::from_utf8_lossy(&r));
                }
                if let Some(id) = &delete {
                    c.cmd(&[v("XDEL"), v("lp"), id.clone()]);
                }
                c.cmd(&[
                    v("CONFIG"),
                    v("SET"),
                    v("stream-node-max-bytes"),
                    v(max.to_string()),
                ]);
                c.cmd(&[v("XADD"), v("lp"), probe_id.clone(), v("p"), v("q")]);
                let info = c.cmd(&[v("XINFO"), v("STREAM"), v("lp")]);
                let text = String::from_utf8_lossy(&info).into_owned();
                text.split("\r\n")
                    .skip_while(|l| *l != "radix-tree-keys")
                    .nth(1)
                    == Some(":1")
            };
            let (mut lo, mut hi) = (1u64, 1 << 16);
            assert!(fits(c, hi), "sample {sample}: the probe never joins");
            while lo < hi {
                let mid = (lo + hi) / 2;
                if fits(c, mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        };
        let r = threshold(&mut redis);
        let s = threshold(&mut sluice);
        let show: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                e.iter()
                    .map(|x| String::from_utf8_lossy(x).into_owned())
                    .collect()
            })
            .collect();
        assert_eq!(
            s, r,
            "sample {sample}: entries {show:?}, deleted {delete:?}"
        );
    }
    rt.block_on(handle.shutdown());
}
