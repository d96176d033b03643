//! The two servers under comparison: a real `redis-server` child process and
//! Sluice in-process.
//!
//! The reference `redis-server` is the binary named by `SLUICE_REDIS_SERVER`
//! (a path: Redis 8.0.x, as built by `conformance/redis8.sh`), started with
//! no config file, no persistence, on a free 127.0.0.1 port; it is killed (by
//! its PID, through the `Child`) when dropped. An unset variable or a missing
//! binary is an error that fails the suite: the suite never skips.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Finds `name` on `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Finds `name` on `PATH` or panics with how to install it.
pub fn require_binary(name: &str, package: &str) -> PathBuf {
    find_on_path(name).unwrap_or_else(|| {
        panic!(
            "`{name}` not found on PATH. The conformance suite compares Sluice with real Redis \
             and never skips: install it (`apt-get install -y {package}`) or run `bash .ci/run`."
        )
    })
}

/// The variable naming the reference `redis-server` binary.
pub const REDIS_SERVER_VAR: &str = "SLUICE_REDIS_SERVER";

/// The reference `redis-server`: the path in `SLUICE_REDIS_SERVER`, or a
/// panic saying how to get one when it is unset or names no file.
pub fn reference_redis_server() -> PathBuf {
    let how = "Build Redis 8.0 (or reuse the cached build) and point the variable at it: \
               `export SLUICE_REDIS_SERVER=$(bash conformance/redis8.sh)`; `bash .ci/run` does this.";
    let path = match std::env::var_os(REDIS_SERVER_VAR) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!(
            "{REDIS_SERVER_VAR} is not set. The differential tests compare Sluice with a real \
             Redis 8.0 and never skip. {how}"
        ),
    };
    if !path.is_file() {
        panic!("{REDIS_SERVER_VAR}={} is not a file. {how}", path.display());
    }
    path
}

/// A free TCP port on 127.0.0.1 (bound, then released; callers retry on a race).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// A `redis-server` child process.
pub struct RedisServer {
    child: Child,
    pub addr: SocketAddr,
    /// The binary started.
    pub bin: PathBuf,
}

impl RedisServer {
    /// Starts the reference `redis-server` ([`reference_redis_server`]);
    /// panics (clearly) when it is missing or does not come up.
    pub fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// Starts `redis-server` with extra command-line directives (`["--requirepass", "x"]`).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let bin = reference_redis_server();
        let mut last_err = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&bin)
                .args(["--port", &port.to_string()])
                .args(["--bind", "127.0.0.1"])
                .args(["--save", ""])
                .args(["--appendonly", "no"])
                .args(["--daemonize", "no"])
                .args(["--loglevel", "warning"])
                .arg("--dir")
                .arg(std::env::temp_dir())
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let addr: SocketAddr = ([127, 0, 0, 1], port).into();
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                if let Ok(conn) = TcpStream::connect(addr) {
                    // Another process may have taken the port between
                    // free_port and our bind: only accept our own server.
                    let password = extra
                        .windows(2)
                        .find(|w| w[0] == "--requirepass")
                        .map(|w| w[1]);
                    if serves_pid(conn, child.id(), password) {
                        return RedisServer { child, addr, bin };
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    last_err = format!("port {port} answered by another process");
                    break;
                }
                if let Ok(Some(status)) = child.try_wait() {
                    last_err = format!("redis-server exited with {status} (port {port} taken?)");
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_err = "redis-server did not accept connections within 5 s".into();
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        panic!("could not start redis-server: {last_err}");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Whether the Redis at the other end of `conn` is the process `pid`
/// (`INFO server`'s `process_id`).
fn serves_pid(mut conn: TcpStream, pid: u32, password: Option<&str>) -> bool {
    use std::io::{Read, Write};
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut req = Vec::new();
    if let Some(p) = password {
        req.extend_from_slice(format!("*2\r\n$4\r\nAUTH\r\n${}\r\n{p}\r\n", p.len()).as_bytes());
    }
    req.extend_from_slice(b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n");
    if conn.write_all(&req).is_err() {
        return false;
    }
    let want = format!("process_id:{pid}\r\n");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    // The section is a few hundred bytes; stop once the field is seen or the
    // reply has ended.
    while got.len() < 64 * 1024 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&got);
        if text.contains(&want) {
            return true;
        }
        if text.contains("process_id:") && text.ends_with("\r\n\r\n") {
            break;
        }
    }
    false
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // Kill exactly the process we started.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Sluice in-process on a free port, on the current tokio runtime.
pub async fn start_sluice() -> sluice_server::ServerHandle {
    sluice_server::Server::builder()
        .port(0)
        .bind()
        .await
        .expect("bind Sluice on 127.0.0.1:0")
        .spawn()
}
