//! Malformed and adversarial input over TCP. For every deterministic input,
//! Sluice must send exactly the bytes Redis sends (protocol error texts
//! included) and close when Redis closes; for random input it must survive.
//! After each input, a new connection must still get `+PONG`.

use sluice_conformance::servers::{start_sluice, RedisServer};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(5);

/// Sends `input`, closes the write side, and returns everything the server
/// sends until it closes (or 5 s pass: then `<timeout>` is appended).
async fn exchange(addr: SocketAddr, input: &[u8]) -> Vec<u8> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let input = input.to_vec();
    // Write concurrently with reading: a server that replies while we are
    // still writing must not deadlock the test.
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(&input).await;
        let _ = wr.shutdown().await;
        wr
    });
    let mut out = Vec::new();
    let res = tokio::time::timeout(TIMEOUT, async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    if res.is_err() {
        out.extend_from_slice(b"<timeout>");
    }
    // A server that stopped reading could leave the write pending forever.
    writer.abort();
    out
}

async fn ping(addr: SocketAddr) {
    let mut s = TcpStream::connect(addr)
        .await
        .expect("server still accepts");
    s.write_all(b"*1\r\n$4\r\nPING\r\n").await.expect("write");
    let mut buf = [0u8; 7];
    tokio::time::timeout(TIMEOUT, s.read_exact(&mut buf))
        .await
        .expect("PING answered in time")
        .expect("PING answered");
    assert_eq!(&buf, b"+PONG\r\n");
}

/// Shuts Sluice down; a connection stuck in a loop would make this hang, so it must finish in time.
async fn shutdown(sluice: sluice_server::ServerHandle) {
    tokio::time::timeout(TIMEOUT, sluice.shutdown())
        .await
        .expect("Sluice did not shut down within 5 s: a connection is stuck");
}

fn show(b: &[u8]) -> String {
    let mut s = sluice_conformance::resp::quote(&b[..b.len().min(600)]);
    if b.len() > 600 {
        s.push_str(&format!("... ({} bytes)", b.len()));
    }
    s
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Inputs whose outcome is deterministic: compared byte for byte with Redis.
fn deterministic_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut v: Vec<(&'static str, Vec<u8>)> = vec![
        ("huge multibulk count", b"*99999999999\r\n".to_vec()),
        ("multibulk count above INT_MAX", b"*2147483648\r\n".to_vec()),
        (
            "multibulk count INT_MAX then close",
            b"*2147483647\r\n".to_vec(),
        ),
        ("bulk length 2^31", b"*1\r\n$2147483648\r\n".to_vec()),
        (
            "bulk length above proto-max-bulk-len",
            b"*1\r\n$536870913\r\n".to_vec(),
        ),
        (
            "bulk length at proto-max-bulk-len then close",
            b"*1\r\n$536870912\r\n".to_vec(),
        ),
        ("negative bulk length", b"*1\r\n$-1\r\n".to_vec()),
        ("bulk length with plus", b"*1\r\n$+4\r\nPING\r\n".to_vec()),
        (
            "bulk length with leading zero",
            b"*1\r\n$04\r\nPING\r\n".to_vec(),
        ),
        ("multibulk count junk", b"*1x\r\n".to_vec()),
        ("empty multibulk count", b"*\r\n".to_vec()),
        (
            "nested array instead of bulk",
            b"*2\r\n*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        ("integer instead of bulk", b"*1\r\n:1\r\n".to_vec()),
        ("truncated frame then close", b"*1\r\n$4\r\nPI".to_vec()),
        (
            "half a SET then close",
            b"*3\r\n$3\r\nSET\r\n$1\r\nh\r\n$1\r\n".to_vec(),
        ),
        (
            "bulk not followed by crlf",
            b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        (
            "negative multibulk count is skipped",
            b"*-5\r\n*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        (
            "zero multibulk count is skipped",
            b"*0\r\n*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        ("empty command name", b"*1\r\n$0\r\n\r\n".to_vec()),
        (
            "resp types sent as inline commands",
            b"$4\r\n:1\r\n+PING\r\n-ERR x\r\nPING\r\n".to_vec(),
        ),
        ("control bytes inline", b"\x00\x01\x02\r\nPING\r\n".to_vec()),
        (
            "non-UTF-8 command name and arguments",
            b"\xff\xfeX \x80a \xc3\r\n*2\r\n$6\r\nCONFIG\r\n$2\r\n\xe9\xff\r\n".to_vec(),
        ),
        (
            "nul inside an inline line",
            b"ECHO a\x00b c\r\nECHO \"x\x00\r\n".to_vec(),
        ),
        (
            "unbalanced quotes",
            b"PING\r\nSET \"a b\r\nPING\r\n".to_vec(),
        ),
        ("quote then junk", b"ECHO 'a'b\r\n".to_vec()),
        ("lf-only inline", b"ECHO a\nECHO b\n".to_vec()),
        ("blank lines", b"\r\n\r\n\n\nPING\r\n".to_vec()),
        (
            "valid then garbage",
            b"*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        ("bulk count header split", b"*1\r".to_vec()),
        ("carriage return inside count", b"*1\r2\r\n".to_vec()),
    ];
    let mut long_inline = vec![b'a'; 70 * 1024];
    long_inline.extend_from_slice(b"\r\n");
    v.push(("inline request above 64 KiB", long_inline));
    let mut long_count = b"*".to_vec();
    long_count.extend_from_slice(&[b'1'; 70 * 1024]);
    v.push(("multibulk count line above 64 KiB", long_count));
    let mut long_bulk = b"*1\r\n$".to_vec();
    long_bulk.extend_from_slice(&[b'1'; 70 * 1024]);
    v.push(("bulk count line above 64 KiB", long_bulk));
    // Many arguments declared, few sent.
    v.push(("many args declared", b"*1048576\r\n$1\r\na\r\n".to_vec()));
    v
}

#[test]
fn adversarial_inputs_match_redis() {
    let redis = RedisServer::start();
    let rt = rt();
    rt.block_on(async {
        let sluice = start_sluice().await;
        let mut failures = Vec::new();
        for (name, input) in deterministic_inputs() {
            let (r, s) = tokio::join!(
                exchange(redis.addr, &input),
                exchange(sluice.local_addr(), &input)
            );
            if r != s {
                failures.push(format!(
                    "{name}: input {}\n  redis:  {}\n  sluice: {}",
                    show(&input),
                    show(&r),
                    show(&s)
                ));
            }
            ping(sluice.local_addr()).await;
        }
        // A partial SET must not have been applied.
        let r = exchange(sluice.local_addr(), b"*2\r\n$3\r\nGET\r\n$1\r\nh\r\n").await;
        assert_eq!(r, b"$-1\r\n", "a half-received SET was applied");
        shutdown(sluice).await;
        assert!(
            failures.is_empty(),
            "{} inputs got different bytes from Sluice than from Redis:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}

#[test]
fn unauthenticated_limits_match_redis() {
    let redis = RedisServer::start_with(&["--requirepass", "pw"]);
    let rt = rt();
    rt.block_on(async {
        let sluice = sluice_server::Server::builder()
            .port(0)
            .set("requirepass", "pw")
            .bind()
            .await
            .expect("bind")
            .spawn();
        let inputs: &[&[u8]] = &[
            b"*20\r\n",
            b"*10\r\n",
            b"*1\r\n$100000\r\n",
            b"*1\r\n$16384\r\n",
            b"*1\r\n$16385\r\n",
            b"*1\r\n$4\r\nPING\r\n",
            b"*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$100000\r\n",
        ];
        for input in inputs {
            let (r, s) = tokio::join!(
                exchange(redis.addr, input),
                exchange(sluice.local_addr(), input)
            );
            assert_eq!(
                show(&r),
                show(&s),
                "input {} (unauthenticated)",
                show(input)
            );
        }
        shutdown(sluice).await;
    });
}

#[test]
fn ten_thousand_pipelined_commands() {
    let redis = RedisServer::start();
    let rt = rt();
    rt.block_on(async {
        let sluice = start_sluice().await;
        let mut input = Vec::new();
        for i in 0..10_000 {
            let k = format!("k{i}");
            input.extend_from_slice(
                format!("*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n$1\r\nv\r\n", k.len()).as_bytes(),
            );
            input.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
        }
        input.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$5\r\nk9999\r\n");
        let (r, s) = tokio::join!(
            exchange(redis.addr, &input),
            exchange(sluice.local_addr(), &input)
        );
        let expected_len = 10_000 * (5 + 7) + 7;
        assert_eq!(r.len(), expected_len, "redis: {}", show(&r));
        assert!(r == s, "sluice's replies differ: {}", show(&s));
        ping(sluice.local_addr()).await;
        shutdown(sluice).await;
    });
}

/// xorshift64*: reproducible random input without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random bytes biased toward RESP syntax, so the decoder's paths are hit.
fn random_input(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"*",
        b"$",
        b"\r\n",
        b"\r",
        b"\n",
        b"-",
        b"1",
        b"3",
        b"0",
        b"9999999999",
        b"PING",
        b"SET",
        b"GET",
        b"\"",
        b"'",
        b"\\x4",
        b" ",
        b"*2\r\n",
        b"$4\r\n",
        b"+",
        b":",
    ];
    let mut out = Vec::new();
    for _ in 0..rng.below(40) + 1 {
        if rng.below(3) == 0 {
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(PIECES[rng.below(PIECES.len() as u64) as usize]);
        }
    }
    out
}

#[test]
fn random_bytes_never_break_the_server() {
    let redis = RedisServer::start();
    let rt = rt();
    rt.block_on(async {
        let sluice = start_sluice().await;
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        let mut differ = Vec::new();
        for i in 0..1500 {
            let input = random_input(&mut rng);
            let (r, out) = tokio::join!(
                exchange(redis.addr, &input),
                exchange(sluice.local_addr(), &input)
            );
            if r != out {
                differ.push(format!(
                    "input {i} {}\n  redis:  {}\n  sluice: {}",
                    show(&input),
                    show(&r),
                    show(&out)
                ));
            }
            // A partial request left open is fine only because we closed our side;
            // the server must never hang past it.
            assert!(
                !out.ends_with(b"<timeout>"),
                "input {i} {} hung the connection",
                show(&input)
            );
            if i % 20 == 0 {
                ping(sluice.local_addr()).await;
            }
        }
        ping(sluice.local_addr()).await;
        shutdown(sluice).await;
        assert!(
            differ.is_empty(),
            "{} random inputs got different bytes from Sluice than from Redis:\n{}",
            differ.len(),
            differ.join("\n")
        );
    });
}
