//! Helpers shared by Sluice's benchmarks: starting a real `redis-server` and
//! a `sluice-server` side by side on free loopback ports, a minimal blocking
//! RESP client for pipelined loads, and process memory readings.

#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The `redis-server` the benchmarks compare with: `SLUICE_REDIS_SERVER` (the
/// same variable the differential tests read), else `redis-server` on PATH.
pub fn redis_binary() -> String {
    std::env::var("SLUICE_REDIS_SERVER")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "redis-server".into())
}

/// The two servers every comparison starts: Redis ([`redis_binary`]; no
/// persistence) and the release `sluice-server`
/// ([`sluice_binary`]), each on a free loopback port.
pub fn start_both() -> (Proc, Proc) {
    let redis_bin = redis_binary();
    let sluice_bin = sluice_binary();
    assert!(
        std::path::Path::new(&sluice_bin).exists(),
        "{sluice_bin} missing: run `cargo build --release -p sluice-server` first"
    );
    let rp = free_port();
    let args = [
        "--port",
        &rp.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    .map(String::from);
    let redis = Proc::start("redis", &redis_bin, &args, rp);
    let sp = free_port();
    let sluice = Proc::start(
        "sluice",
        &sluice_bin,
        &["--port".into(), sp.to_string()],
        sp,
    );
    (redis, sluice)
}

/// A server process this benchmark started; killed (by PID) when dropped.
pub struct Proc {
    pub name: &'static str,
    pub child: Child,
    pub port: u16,
}

impl Proc {
    /// Starts `program args...` and waits (at most 10 s) until it answers PING.
    pub fn start(name: &'static str, program: &str, args: &[String], port: u16) -> Proc {
        let child = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let mut p = Proc { name, child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // Exited: most likely the port was taken in the meantime.
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("{name} exited at start ({status}); port {port} taken? run again");
            }
            if let Ok(mut c) = Client::connect(port) {
                if c.cmd(&[b"PING"]).starts_with(b"+PONG") {
                    return p;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size in bytes, from `/proc/<pid>/status` (VmRSS).
    pub fn rss(&self) -> u64 {
        let s =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc status");
        let line = s
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .expect("VmRSS line");
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("VmRSS value");
        kb * 1024
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking RESP client for loads and simple queries.
pub struct Client {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        Ok(Client {
            r: BufReader::with_capacity(1 << 16, s.try_clone()?),
            w: s,
        })
    }

    /// Appends one command in RESP form to `out`.
    pub fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }

    /// Sends already-encoded commands and reads `n` replies, returning how
    /// many were errors.
    pub fn pipeline(&mut self, bytes: &[u8], n: usize) -> usize {
        self.w.write_all(bytes).expect("write");
        (0..n)
            .filter(|_| self.read_reply().starts_with(b"-"))
            .count()
    }

    /// Runs one command and returns its raw reply.
    pub fn cmd(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        Client::encode(&mut out, args);
        self.w.write_all(&out).expect("write");
        self.read_reply()
    }

    /// Reads one reply (RESP2) as raw bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.read_into(&mut out);
        out
    }

    fn read_into(&mut self, out: &mut Vec<u8>) {
        let start = out.len();
        self.r.read_until(b'\n', out).expect("read");
        let line = &out[start..];
        assert!(line.len() >= 3, "connection closed");
        let kind = line[0];
        let n: i64 = std::str::from_utf8(&line[1..line.len() - 2])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        match kind {
            b'$' if n >= 0 => {
                let mut body = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut body).expect("read");
                out.extend_from_slice(&body);
            }
            b'*' => {
                for _ in 0..n.max(0) {
                    self.read_into(out);
                }
            }
            _ => {}
        }
    }

    /// A field of `INFO <section>` (`used_memory`...), or the error text.
    pub fn info_field(&mut self, section: &str, field: &str) -> Result<u64, String> {
        let r = self.cmd(&[b"INFO", section.as_bytes()]);
        if r.starts_with(b"-") {
            return Err(String::from_utf8_lossy(&r).trim().to_string());
        }
        let text = String::from_utf8_lossy(&r);
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("no {field} in INFO {section}"))
    }
}

/// The release `sluice-server` binary of this workspace.
pub fn sluice_binary() -> String {
    std::env::var("SLUICE_SERVER").unwrap_or_else(|_| {
        format!(
            "{}/../target/release/sluice-server",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}
