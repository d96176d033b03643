//! The real `redis-cli` against Sluice and against Redis: the same invocation
//! must print the same thing (stdout, stderr, exit status), with only the port
//! number normalised. Covers commands as arguments, piped stdin, `--pipe`,
//! `-3` (RESP3) and `--no-raw` (the formatted, tty-like output).

use sluice_conformance::servers::{require_binary, start_sluice, RedisServer};
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Stdio};

/// A Redis and a Sluice started for one test.
struct Pair {
    redis: RedisServer,
    sluice: SocketAddr,
    _rt: tokio::runtime::Runtime,
}

impl Pair {
    fn start() -> Pair {
        require_binary("redis-cli", "redis-tools");
        let redis = RedisServer::start();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        // The handle is leaked with the runtime: the server runs until the test ends.
        let sluice = rt.block_on(async { start_sluice().await.local_addr() });
        Pair {
            redis,
            sluice,
            _rt: rt,
        }
    }

    /// Runs redis-cli with `args` (and `stdin`) against both servers and
    /// asserts the outputs are equal; returns Sluice's.
    fn same(&self, args: &[&str], stdin: Option<&[u8]>) -> String {
        let r = cli(self.redis.addr, args, stdin);
        let s = cli(self.sluice, args, stdin);
        assert_eq!(
            r, s,
            "redis-cli {args:?} printed different output\n--- redis ---\n{r}\n--- sluice ---\n{s}"
        );
        s
    }
}

/// Runs redis-cli against `addr`; returns exit status, stdout and stderr as
/// one string with the port replaced by `<port>`.
fn cli(addr: SocketAddr, args: &[&str], stdin: Option<&[u8]>) -> String {
    let port = addr.port().to_string();
    let mut child = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run redis-cli");
    if let Some(input) = stdin {
        let mut w = child.stdin.take().expect("stdin");
        w.write_all(input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("redis-cli output");
    let text = format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.replace(&port, "<port>")
}

#[test]
fn commands_as_arguments() {
    let p = Pair::start();
    let out = p.same(&["SET", "a", "hello world"], None);
    assert!(out.contains("OK"), "{out}");
    let out = p.same(&["GET", "a"], None);
    assert!(out.contains("hello world"), "{out}");
    p.same(&["GET", "missing"], None);
    p.same(&["PING"], None);
    p.same(&["ECHO", "multi\nline"], None);
    p.same(&["ECHO", ""], None);
    p.same(&["SELECT", "99"], None);
    let out = p.same(&["FOOBAR", "x"], None);
    assert!(out.contains("unknown command"), "{out}");
    p.same(&["GET"], None);
    p.same(&["-n", "2", "GET", "a"], None);
    p.same(&["--raw", "GET", "a"], None);
}

#[test]
fn piped_stdin() {
    let p = Pair::start();
    let out = p.same(
        &[],
        Some(b"SET a 1\nGET a\nECHO \"quoted \\x41\"\nGET missing\nFOOBAR\nPING\n"),
    );
    assert!(out.contains("PONG"), "{out}");
    // Stdin with -x: the last argument comes from stdin.
    p.same(&["-x", "SET", "b"], Some(b"from stdin\n"));
    p.same(&["GET", "b"], None);
}

#[test]
fn no_raw_formatting() {
    let p = Pair::start();
    p.same(&["--no-raw", "SET", "a", "1"], None);
    let out = p.same(&["--no-raw", "GET", "a"], None);
    assert!(out.contains("\"1\""), "{out}");
    let out = p.same(&["--no-raw", "GET", "missing"], None);
    assert!(out.contains("(nil)"), "{out}");
    let out = p.same(&["--no-raw", "FOOBAR"], None);
    assert!(out.contains("(error)"), "{out}");
    p.same(&["--no-raw", "ECHO", "a\x01b"], None);
    p.same(
        &["--no-raw"],
        Some(b"SET x y\nGET x\nGET nope\nSELECT 1\nGET x\nPING hi\n"),
    );
}

#[test]
fn resp3_mode() {
    let p = Pair::start();
    p.same(&["-3", "SET", "a", "1"], None);
    p.same(&["-3", "GET", "a"], None);
    p.same(&["-3", "GET", "missing"], None);
    p.same(&["-3", "--no-raw", "GET", "missing"], None);
    p.same(&["-3", "--no-raw", "PING"], None);
    p.same(
        &["-3", "--no-raw"],
        Some(b"SET k v\nGET k\nGET nope\nECHO e\n"),
    );
}

#[test]
fn pipe_mode() {
    let p = Pair::start();
    let mut payload = Vec::new();
    for i in 0..2000 {
        let k = format!("key:{i}");
        let v = format!("value-{i}");
        payload.extend_from_slice(
            format!(
                "*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n${}\r\n{v}\r\n",
                k.len(),
                v.len()
            )
            .as_bytes(),
        );
    }
    // An error reply and inline commands in the same stream.
    payload.extend_from_slice(b"*1\r\n$6\r\nFOOBAR\r\n");
    payload.extend_from_slice(b"SET inline 1\r\nGET inline\r\n");
    let out = p.same(&["--pipe"], Some(&payload));
    assert!(out.contains("errors: 1, replies: 2003"), "{out}");
    p.same(&["GET", "key:1999"], None);
}
