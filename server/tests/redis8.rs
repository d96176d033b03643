//! The Redis 8.x stream surface over real connections, where a reply depends
//! on time (IDMP expiry, CLAIM idle times) or on sizes a case file cannot
//! hold (CVE-2025-62507: 100,000 IDs). The clock is injected, so no test
//! waits on wall time. Specification: docs/redis8.md.

use sluice_server::clock::Clock;
use sluice_server::Server;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Upper bound for anything that should happen promptly.
const LONG: Duration = Duration::from_secs(20);

struct Conn {
    sock: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn open(addr: std::net::SocketAddr) -> Conn {
        Conn {
            sock: TcpStream::connect(addr).await.expect("connect"),
            buf: Vec::new(),
        }
    }

    async fn send<S: AsRef<[u8]>>(&mut self, args: &[S]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            let a = a.as_ref();
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.sock.write_all(&out).await.expect("write");
    }

    /// Reads one whole reply and returns its raw bytes as text.
    async fn read(&mut self) -> String {
        loop {
            if let Some(n) = frame_len(&self.buf) {
                let f: Vec<u8> = self.buf.drain(..n).collect();
                return String::from_utf8_lossy(&f).into_owned();
            }
            let mut tmp = [0u8; 65536];
            let n = self.sock.read(&mut tmp).await.expect("read");
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&tmp[..n]);
        }
    }

    async fn cmd<S: AsRef<[u8]>>(&mut self, args: &[S]) -> String {
        self.send(args).await;
        timeout(LONG, self.read()).await.expect("reply in time")
    }
}

/// Length of the first complete RESP2 frame in `b`, if there is one.
fn frame_len(b: &[u8]) -> Option<usize> {
    fn line(b: &[u8], at: usize) -> Option<(usize, &[u8])> {
        let rel = b[at..].windows(2).position(|w| w == b"\r\n")?;
        Some((at + rel + 2, &b[at + 1..at + rel]))
    }
    fn go(b: &[u8], at: usize) -> Option<usize> {
        if at >= b.len() {
            return None;
        }
        let (next, body) = line(b, at)?;
        match b[at] {
            b'+' | b'-' | b':' => Some(next),
            b'$' => {
                let n: i64 = std::str::from_utf8(body).ok()?.parse().ok()?;
                if n < 0 {
                    return Some(next);
                }
                let end = next + n as usize + 2;
                (end <= b.len()).then_some(end)
            }
            b'*' => {
                let n: i64 = std::str::from_utf8(body).ok()?.parse().ok()?;
                let mut p = next;
                for _ in 0..n.max(0) {
                    p = go(b, p)?;
                }
                Some(p)
            }
            _ => panic!("unexpected reply byte {}", b[at]),
        }
    }
    go(b, 0)
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{}\r\n", s.len(), s)
}

const T0: u64 = 1_700_000_000_000;

async fn start(clock: &Clock) -> sluice_server::ServerHandle {
    Server::builder()
        .port(0)
        .clock(clock.clone())
        .bind()
        .await
        .expect("bind")
        .spawn()
}

/// The value after `field` in a flat RESP2 XINFO reply.
fn info_int(reply: &str, field: &str) -> i64 {
    let key = bulk(field);
    let at = reply
        .find(&key)
        .unwrap_or_else(|| panic!("{field} in {reply}"))
        + key.len();
    let rest = &reply[at..];
    assert!(rest.starts_with(':'), "{field} is an integer: {rest}");
    rest[1..rest.find("\r\n").unwrap()].parse().unwrap()
}

#[tokio::test]
async fn idmp_on_a_new_key_deduplicates() {
    let clock = Clock::fixed(T0);
    let h = start(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let first = bulk(&format!("{T0}-0"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "x", "y"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "a", "IDMPAUTO", "p", "*", "f", "v", "g", "w"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "a", "IDMPAUTO", "p", "*", "g", "w", "f", "v"])
            .await,
        first
    );
    assert_eq!(c.cmd(&["XLEN", "a"]).await, ":1\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn idmp_iids_expire_after_the_duration() {
    let clock = Clock::fixed(T0);
    let h = start(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let first = bulk(&format!("{T0}-0"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XCFGSET", "s", "IDMP-DURATION", "2"]).await,
        "+OK\r\n"
    );
    // The change cleared the table: r1 is new again.
    let second = bulk(&format!("{T0}-1"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        second
    );
    // Remembered until `duration` seconds after the entry's time...
    clock.advance(1999);
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        second
    );
    let info = c.cmd(&["XINFO", "STREAM", "s"]).await;
    assert_eq!(info_int(&info, "iids-tracked"), 1);
    assert_eq!(info_int(&info, "pids-tracked"), 1);
    // ... and forgotten from then on.
    clock.advance(1);
    let info = c.cmd(&["XINFO", "STREAM", "s"]).await;
    assert_eq!(info_int(&info, "iids-tracked"), 0);
    assert_eq!(info_int(&info, "pids-tracked"), 0);
    assert_eq!(info_int(&info, "iids-added"), 2);
    assert_eq!(info_int(&info, "iids-duplicates"), 1);
    let third = bulk(&format!("{}-0", T0 + 2000));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        third
    );
    assert_eq!(c.cmd(&["XLEN", "s"]).await, ":3\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn idmp_duplicate_does_not_wake_readers_nor_touch_watch() {
    let clock = Clock::fixed(T0);
    let h = start(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut w = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
        .await;
    assert_eq!(w.cmd(&["WATCH", "s"]).await, "+OK\r\n");
    c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
        .await;
    assert_eq!(w.cmd(&["MULTI"]).await, "+OK\r\n");
    assert_eq!(w.cmd(&["XLEN", "s"]).await, "+QUEUED\r\n");
    assert_eq!(
        w.cmd(&["EXEC"]).await,
        "*1\r\n:1\r\n",
        "a duplicate is not a write"
    );
    h.shutdown().await;
}
