//! Test support shared by the server's integration tests: a raw RESP2
//! connection that sends commands as multibulk requests and reads back each
//! reply's exact bytes.
#![allow(dead_code)] // each test crate uses a different part of it

pub mod sync_redis;

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Upper bound for anything that should happen promptly.
pub const LONG: Duration = Duration::from_secs(20);

pub struct Conn {
    pub sock: TcpStream,
    pub buf: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: std::net::SocketAddr) -> Conn {
        Conn {
            sock: TcpStream::connect(addr).await.expect("connect"),
            buf: Vec::new(),
        }
    }

    pub async fn send<S: AsRef<[u8]>>(&mut self, args: &[S]) {
        self.sock.write_all(&request(args)).await.expect("write");
    }

    /// Reads one whole reply and returns its raw bytes as text.
    pub async fn read(&mut self) -> String {
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

    pub async fn cmd<S: AsRef<[u8]>>(&mut self, args: &[S]) -> String {
        self.send(args).await;
        timeout(LONG, self.read()).await.expect("reply in time")
    }
}

/// Length of the first complete RESP2 frame in `b`, if there is one.
pub fn frame_len(b: &[u8]) -> Option<usize> {
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

impl Conn {
    /// Reads one reply, failing the test if none arrives within [`LONG`].
    pub async fn read_in_time(&mut self) -> String {
        timeout(LONG, self.read()).await.expect("reply in time")
    }

    /// True when no reply arrives within `d`.
    pub async fn silent_for(&mut self, d: Duration) -> bool {
        timeout(d, self.read()).await.is_err()
    }
}

/// `args` as a RESP multibulk request.
pub fn request<S: AsRef<[u8]>>(args: &[S]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// An in-process server on a free port, on the real clock.
pub async fn start() -> sluice_server::ServerHandle {
    sluice_server::Server::builder()
        .port(0)
        .bind()
        .await
        .expect("bind")
        .spawn()
}

/// A fixed start time for tests that inject the clock.
pub const T0: u64 = 1_700_000_000_000;

/// An in-process server on a free port, on `clock`.
pub async fn start_on(clock: &sluice_server::clock::Clock) -> sluice_server::ServerHandle {
    sluice_server::Server::builder()
        .port(0)
        .clock(clock.clone())
        .bind()
        .await
        .expect("bind")
        .spawn()
}

/// The RESP2 bulk string `s`.
pub fn bulk(s: &str) -> String {
    format!("${}\r\n{}\r\n", s.len(), s)
}

/// The wire form of an entry `id f v` as XREADGROUP ... CLAIM returns it,
/// with its idle time and delivery count.
pub fn claim_entry(id: &str, idle: i64, count: i64) -> String {
    format!(
        "*4\r\n{}*2\r\n$1\r\nf\r\n$1\r\nv\r\n:{idle}\r\n:{count}\r\n",
        bulk(id)
    )
}

/// Stream `s` with entries 1-0, 2-0, 3-0 (`f v`) and group `g` at 0.
pub async fn three_entries_and_group(c: &mut Conn) {
    for id in ["1-0", "2-0", "3-0"] {
        c.cmd(&["XADD", "s", id, "f", "v"]).await;
    }
    c.cmd(&["XGROUP", "CREATE", "s", "g", "0"]).await;
}
