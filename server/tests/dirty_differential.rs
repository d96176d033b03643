//! INFO's `rdb_changes_since_last_save` (Redis's `server.dirty`) compared
//! with the reference `redis-server` (named by `SLUICE_REDIS_SERVER`, Redis
//! 8.0.x; unset or missing fails the test): the same writes run on both, and
//! after each one the reply and the count must match. The script covers
//! every write command of the keys, strings, transactions, server and
//! stream families (and FUNCTION FLUSH), with the no-op forms (SET NX on an existing key, DEL of
//! a missing key, a refused EXPIRE), failing commands, MULTI/EXEC, lazy
//! expiry, and a blocked XREADGROUP woken by an XADD. Reads are in it too:
//! they must count nothing.

mod support;

use std::net::SocketAddr;
use std::time::Duration;
use support::Conn;

/// The two servers: a connection to each that runs the script, another
/// that reads INFO (so a MULTI does not queue it), and the step count for
/// messages.
struct Both {
    redis: Conn,
    sluice: Conn,
    redis_info: Conn,
    sluice_info: Conn,
    step: usize,
}

/// INFO's `rdb_changes_since_last_save`.
async fn dirty(c: &mut Conn) -> u64 {
    // Boxed: a reply future holds a 64 KiB read buffer, too big to nest on
    // the test thread's stack in a debug build.
    let info = Box::pin(c.cmd(&["INFO", "persistence"])).await;
    let line = info
        .split("\r\n")
        .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
        .unwrap_or_else(|| panic!("no rdb_changes_since_last_save in {info:?}"));
    line.parse().expect("a count")
}

impl Both {
    /// Runs `args` on both servers; the replies and the counts after must match.
    async fn step(&mut self, args: &[&str]) {
        self.step += 1;
        let want = Box::pin(self.redis.cmd(args)).await;
        let got = Box::pin(self.sluice.cmd(args)).await;
        assert_eq!(got, want, "step {} {args:?}: reply", self.step);
        self.counts(args).await;
    }

    /// The counts of both servers must match.
    async fn counts(&mut self, what: &[&str]) -> u64 {
        let want = dirty(&mut self.redis_info).await;
        let got = dirty(&mut self.sluice_info).await;
        assert_eq!(
            got, want,
            "step {} {what:?}: rdb_changes_since_last_save",
            self.step
        );
        want
    }

    async fn steps(&mut self, script: &[&[&str]]) {
        for args in script {
            Box::pin(self.step(args)).await;
        }
    }
}

const STRINGS: &[&[&str]] = &[
    &["SET", "a", "1"],
    &["SET", "a", "2", "NX"],
    &["SET", "a", "3", "XX"],
    &["SET", "b", "1", "XX"],
    &["SET", "a", "4", "GET"],
    &["SET", "sg", "1", "GET"],
    &["SET", "a", "5", "KEEPTTL"],
    &["SET", "a", "6", "EX", "0"],
    &["SET", "a", "6", "BOGUS"],
    &["SETNX", "a", "x"],
    &["SETNX", "n", "x"],
    &["SETEX", "e", "100", "v"],
    &["PSETEX", "e2", "100000", "v"],
    &["SETEX", "e", "0", "v"],
    &["GETSET", "a", "7"],
    &["GETSET", "g", "1"],
    &["GETDEL", "n"],
    &["GETDEL", "n"],
    &["GETEX", "a"],
    &["GETEX", "a", "EX", "100"],
    &["GETEX", "a", "PX", "100000"],
    &["GETEX", "a", "PERSIST"],
    &["GETEX", "a", "PERSIST"],
    &["GETEX", "missing", "EX", "100"],
    &["GETEX", "g", "PXAT", "1"],
    &["MSET", "m1", "1", "m2", "2", "m1", "3"],
    &["MSET", "m1", "1", "m2"],
    &["MSETNX", "m1", "1", "m9", "9"],
    &["MSETNX", "x1", "1", "x2", "2"],
    &["INCR", "i"],
    &["DECR", "i"],
    &["INCRBY", "i", "5"],
    &["DECRBY", "i", "2"],
    &["INCRBY", "i", "x"],
    &["INCRBY", "i", "9223372036854775807"],
    &["INCRBYFLOAT", "f", "1.5"],
    &["INCRBYFLOAT", "f", "x"],
    &["SET", "t", "abc"],
    &["INCR", "t"],
    &["INCRBYFLOAT", "t", "1"],
    &["APPEND", "t", "xyz"],
    &["APPEND", "ap", ""],
    &["APPEND", "ap", ""],
    &["SETRANGE", "r", "0", ""],
    &["SETRANGE", "r", "2", "ab"],
    &["SETRANGE", "r", "0", ""],
    &["SETRANGE", "r", "2", "ab"],
    &["SETRANGE", "r", "-1", "ab"],
    // Reads.
    &["GET", "a"],
    &["MGET", "a", "b", "t"],
    &["STRLEN", "t"],
    &["GETRANGE", "t", "0", "1"],
    &["SUBSTR", "t", "0", "1"],
];

const KEYS: &[&[&str]] = &[
    &["DEL", "a", "missing", "b", "t"],
    &["DEL", "missing"],
    &["UNLINK", "m1", "m2", "m2"],
    &["EXISTS", "x1", "x2"],
    &["TYPE", "x1"],
    &["TOUCH", "x1"],
    &["KEYS", "zz*"],
    &["DBSIZE"],
    &["EXPIRE", "i", "100"],
    &["EXPIRE", "i", "100", "NX"],
    &["EXPIRE", "i", "200", "XX"],
    &["EXPIRE", "i", "50", "GT"],
    &["EXPIRE", "i", "50", "LT"],
    &["EXPIRE", "i", "50", "NX", "XX"],
    &["EXPIRE", "missing", "100"],
    &["PEXPIRE", "i", "100000"],
    &["PEXPIREAT", "i", "99999999999999"],
    &["EXPIREAT", "i", "99999999999"],
    // Reads (absolute times: TTL and PTTL depend on when they run).
    &["EXPIRETIME", "i"],
    &["PEXPIRETIME", "i"],
    &["EXPIREAT", "i", "1"],
    &["SET", "p", "1"],
    &["PERSIST", "p"],
    &["EXPIRE", "p", "100"],
    &["PERSIST", "p"],
    &["PERSIST", "missing"],
    &["RENAME", "p", "q"],
    &["RENAME", "q", "q"],
    &["RENAME", "missing", "x"],
    &["RENAMENX", "q", "x1"],
    &["RENAMENX", "q", "q"],
    &["RENAMENX", "q", "z"],
    &["COPY", "z", "z2"],
    &["COPY", "z", "z2"],
    &["COPY", "z", "z2", "REPLACE"],
    &["COPY", "missing", "y"],
    &["COPY", "z", "z", "DB", "0"],
    &["COPY", "z", "z", "DB", "1"],
    &["MOVE", "z2", "1"],
    &["MOVE", "z2", "1"],
    &["MOVE", "z", "0"],
    &["SET", "le", "1", "PX", "20"],
    &["SET", "le2", "1", "PX", "20"],
    &["SET", "le3", "1", "PX", "20"],
];

/// After the keys `le*` have expired: reaching them deletes them (lazily),
/// which Redis 8.0 does not count.
const EXPIRED: &[&[&str]] = &[
    &["GET", "le"],
    &["DEL", "le2"],
    &["SET", "le3", "2", "NX"],
    &["DBSIZE"],
];

const TRANSACTIONS: &[&[&str]] = &[
    &["MULTI"],
    &["SET", "t1", "1"],
    &["INCR", "t1"],
    &["DEL", "nothing"],
    &["EXEC"],
    &["MULTI"],
    &["SET", "t2", "1"],
    &["DISCARD"],
    &["MULTI"],
    &["SET", "t3", "1"],
    &["INCR"],
    &["EXEC"],
    &["MULTI"],
    &["SET", "t4", "abc"],
    &["INCR", "t4"],
    &["MSET", "t5", "1", "t6", "2"],
    &["EXEC"],
    &["WATCH", "t1"],
    &["UNWATCH"],
    &["EXEC"],
];

const STREAMS: &[&[&str]] = &[
    &["XADD", "s", "1-1", "f", "v"],
    &["XADD", "s", "1-1", "f", "v"],
    &["XADD", "s", "0-0", "f", "v"],
    &["XADD", "nomk", "NOMKSTREAM", "1-1", "f", "v"],
    &["XADD", "t1", "1-1", "f", "v"],
    &["XADD", "s", "2-1", "f", "v"],
    &["XADD", "s", "3-1", "f", "v"],
    &["XADD", "s", "4-1", "f", "v"],
    &["XADD", "s", "MAXLEN", "3", "5-1", "f", "v"],
    &["XLEN", "s"],
    &["XRANGE", "s", "-", "+"],
    &["XREVRANGE", "s", "+", "-", "COUNT", "1"],
    &["XREAD", "COUNT", "1", "STREAMS", "s", "0"],
    &["XDEL", "s", "3-1", "99-1", "3-1"],
    &["XDEL", "s", "99-1"],
    &["XDEL", "missing", "1-1"],
    &["XTRIM", "s", "MAXLEN", "10"],
    &["XTRIM", "s", "MAXLEN", "1"],
    &["XTRIM", "missing", "MAXLEN", "1"],
    &["XADD", "s", "6-1", "f", "v"],
    &["XADD", "s", "7-1", "f", "v"],
    &["XADD", "s", "8-1", "f", "v"],
    &["XADD", "s", "9-1", "f", "v"],
    &["XTRIM", "s", "MINID", "6-1"],
    &["XGROUP", "CREATE", "s", "g", "0"],
    &["XGROUP", "CREATE", "s", "g", "0"],
    &["XGROUP", "CREATE", "ns", "g", "$", "MKSTREAM"],
    &["XGROUP", "CREATE", "missing", "g", "$"],
    &["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
    &["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
    &["XGROUP", "CREATECONSUMER", "s", "nog", "c1"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "2",
        "STREAMS",
        "s",
        ">",
    ],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c2",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        ">",
    ],
    &["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"],
    &["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"],
    &["XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", ">"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c3",
        "STREAMS",
        "s",
        "ns",
        ">",
        ">",
    ],
    &["XADD", "s", "10-1", "f", "v"],
    &["XADD", "ns", "1-1", "f", "v"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c4",
        "NOACK",
        "STREAMS",
        "s",
        "ns",
        ">",
        ">",
    ],
    &["XREADGROUP", "GROUP", "nog", "c1", "STREAMS", "s", ">"],
    &["XPENDING", "s", "g"],
    &["XACK", "s", "g", "6-1", "99-1", "6-1"],
    &["XACK", "s", "g", "6-1"],
    &["XACK", "s", "nog", "6-1"],
    &["XACK", "missing", "g", "6-1"],
    &["XCLAIM", "s", "g", "c3", "0", "7-1"],
    &["XCLAIM", "s", "g", "c5", "0", "7-1", "8-1", "JUSTID"],
    &["XCLAIM", "s", "g", "c3", "0", "99-1"],
    &["XCLAIM", "s", "g", "c3", "0", "99-1", "LASTID", "50-0"],
    &["XCLAIM", "s", "g", "c3", "0", "99-1", "LASTID", "50-0"],
    &["XCLAIM", "s", "g", "c3", "0", "7-1", "LASTID", "60-0"],
    &["XCLAIM", "s", "g", "c3", "0", "x"],
    &["XCLAIM", "s", "nog", "c3", "0", "7-1"],
    &["XDEL", "s", "8-1"],
    &["XCLAIM", "s", "g", "c3", "0", "8-1"],
    &["XAUTOCLAIM", "s", "g", "c6", "0", "0"],
    &[
        "XAUTOCLAIM",
        "s",
        "g",
        "c6",
        "0",
        "0",
        "COUNT",
        "1",
        "JUSTID",
    ],
    &["XREADGROUP", "GROUP", "g", "c7", "STREAMS", "s", ">"],
    &["XGROUP", "SETID", "s", "g", "0"],
    &["XREADGROUP", "GROUP", "g", "c7", "STREAMS", "s", ">"],
    &["XDEL", "s", "9-1"],
    &["XAUTOCLAIM", "s", "g", "c7", "0", "0"],
    &["XGROUP", "SETID", "s", "g", "$"],
    &["XGROUP", "SETID", "s", "nog", "$"],
    &["XGROUP", "DELCONSUMER", "s", "g", "c1"],
    &["XGROUP", "DELCONSUMER", "s", "g", "nobody"],
    &["XGROUP", "DESTROY", "s", "g"],
    &["XGROUP", "DESTROY", "s", "g"],
    &["XSETID", "s", "100-0"],
    &["XSETID", "s", "x"],
    &["XSETID", "missing", "100-0"],
    &["XADD", "s", "*", "f", "v", "x"],
    &["XADD", "a", "1-1", "f", "v"],
    &["XADD", "x1", "1-1", "f", "v"],
    &["XTRIM", "x1", "MAXLEN", "1"],
];

const SERVER: &[&[&str]] = &[
    &["FLUSHDB", "BOGUS"],
    &["FLUSHDB"],
    &["FLUSHDB"],
    &["SET", "a", "1"],
    &["SELECT", "1"],
    &["SET", "b", "1"],
    &["FLUSHALL", "SYNC"],
    &["FLUSHALL"],
    &["SELECT", "0"],
    &["FUNCTION", "FLUSH"],
    &["FUNCTION", "FLUSH", "BOGUS"],
    &["CONFIG", "SET", "maxclients", "1000"],
    &["INFO", "keyspace"],
];

async fn connect(addr: SocketAddr) -> Conn {
    Conn::open(addr).await
}

#[tokio::test]
async fn rdb_changes_since_last_save_counts_writes_as_redis() {
    // Redis saves (FLUSHALL under a `save` schedule, below) in a directory
    // of its own.
    let dir = std::env::temp_dir().join(format!("sluice-dirty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for Redis's dump");
    let (_redis, port) =
        support::sync_redis::start_redis_with(&["--dir", dir.to_str().expect("UTF-8 path")]);
    let sluice = support::start().await;
    let redis_addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut both = Both {
        redis: connect(redis_addr).await,
        sluice: connect(sluice.local_addr()).await,
        redis_info: connect(redis_addr).await,
        sluice_info: connect(sluice.local_addr()).await,
        step: 0,
    };
    assert_eq!(both.counts(&["(start)"]).await, 0);

    both.steps(STRINGS).await;
    both.steps(KEYS).await;
    tokio::time::sleep(Duration::from_millis(60)).await;
    both.steps(EXPIRED).await;
    both.steps(TRANSACTIONS).await;
    both.steps(STREAMS).await;

    // A blocked XREADGROUP: its consumer counts when it blocks, the
    // delivery when the XADD wakes it.
    both.steps(&[&["XGROUP", "CREATE", "s", "bg", "$"]]).await;
    let mut blocked_redis = connect(redis_addr).await;
    let mut blocked_sluice = connect(sluice.local_addr()).await;
    let read = [
        "XREADGROUP",
        "GROUP",
        "bg",
        "cb",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ];
    blocked_redis.send(&read).await;
    blocked_sluice.send(&read).await;
    // Until both have blocked (and created the consumer).
    for _ in 0..500 {
        let r = both.redis.cmd(&["XINFO", "CONSUMERS", "s", "bg"]).await;
        let s = both.sluice.cmd(&["XINFO", "CONSUMERS", "s", "bg"]).await;
        if r.starts_with("*1") && s.starts_with("*1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    both.counts(&["(blocked XREADGROUP)"]).await;
    both.step(&["XADD", "s", "200-1", "f", "v"]).await;
    let (r, s) = (
        tokio::time::timeout(support::LONG, blocked_redis.read()).await,
        tokio::time::timeout(support::LONG, blocked_sluice.read()).await,
    );
    assert_eq!(s.expect("woken"), r.expect("woken"));
    both.counts(&["(woken XREADGROUP)"]).await;

    both.steps(SERVER).await;
    let n = both.counts(&["(server)"]).await;
    assert!(n > 100, "the script counts writes: {n}");

    // Under a `save` schedule FLUSHALL saves (Redis) and the count goes back
    // to 0; Sluice never saves but resets it the same way.
    both.steps(&[
        &["CONFIG", "SET", "save", "3600 1"],
        &["SET", "a", "1"],
        &["FLUSHDB"],
        &["SET", "a", "1"],
        &["FLUSHALL"],
        &["CONFIG", "SET", "save", ""],
        &["SET", "a", "1"],
        &["FLUSHALL"],
    ])
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    // SET, then FLUSHALL removing that key, with no schedule.
    assert_eq!(both.counts(&["(end)"]).await, 2);
}
