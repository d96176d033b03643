//! Test harness: real Redis and Redis Cluster processes started on free
//! loopback ports (killed by PID on drop, also when a test panics), plus the
//! pattern scenarios shared by the Redis, Cluster and Sluice test files.
#![allow(dead_code)]

pub mod patterns;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A port that is free now (and, for cluster nodes, whose bus port +10000 is free too).
pub fn free_port(with_bus: bool) -> u16 {
    for _ in 0..200 {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = l.local_addr().unwrap().port();
        if !with_bus {
            return port;
        }
        if port < 55000 && TcpListener::bind(("127.0.0.1", port + 10000)).is_ok() {
            return port;
        }
    }
    panic!("no free port pair found");
}

fn scratch_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sluice-client-test-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Which `redis-server` a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// Debian's 7.0.15, `redis-server` on PATH: the client's 7.0 fallbacks.
    Redis7,
    /// The differential suite's reference, Redis 8.0.x: the path in
    /// `SLUICE_REDIS_SERVER` (unset or not a file fails the test).
    Redis8,
}

impl Reference {
    /// The binary to start.
    pub fn binary(self) -> PathBuf {
        match self {
            Reference::Redis7 => PathBuf::from("redis-server"),
            Reference::Redis8 => {
                let how = "export SLUICE_REDIS_SERVER=$(bash conformance/redis8.sh)";
                let p = std::env::var_os("SLUICE_REDIS_SERVER")
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| panic!("SLUICE_REDIS_SERVER is not set; {how}"));
                assert!(
                    p.is_file(),
                    "SLUICE_REDIS_SERVER={} is not a file; {how}",
                    p.display()
                );
                p
            }
        }
    }
}

/// A `redis-server` child process; killed (by PID) and reaped on drop.
pub struct RedisProc {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl RedisProc {
    /// Start a plain Debian 7.0 server. A missing redis-server is a test failure.
    pub fn start() -> RedisProc {
        RedisProc::start_of(Reference::Redis7)
    }

    /// Start a plain server of `reference`. A missing binary is a test failure.
    pub fn start_of(reference: Reference) -> RedisProc {
        RedisProc::spawn(reference, false, &[])
    }

    /// Spawn on a free port; if another process took the port first (our
    /// child exits, or someone else answers), try another one.
    fn spawn(reference: Reference, cluster_bus: bool, extra: &[&str]) -> RedisProc {
        let bin = reference.binary();
        for _ in 0..20 {
            let port = free_port(cluster_bus);
            let dir = scratch_dir(&port.to_string());
            let child = Command::new(&bin)
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(["--dir", dir.to_str().unwrap()])
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot start {} ({e}): apt-get install redis-server",
                        bin.display()
                    )
                });
            let mut p = RedisProc { child, port, dir };
            if p.wait_ready() {
                return p;
            }
        }
        panic!("could not start redis-server on a free port");
    }

    /// Ready when the server on our port reports our child's PID.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false; // exited: port taken
            }
            if let Some(pid) = server_pid(self.port) {
                return pid == self.child.id();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not start", self.port);
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for RedisProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `process_id` from `INFO server` of whatever answers on `port`.
fn server_pid(port: u16) -> Option<u32> {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    conn.write_all(b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n")
        .ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(rest) = text.split("process_id:").nth(1) {
            if let Some(line) = rest.split("\r\n").next().filter(|_| rest.contains("\r\n")) {
                return line.trim().parse().ok();
            }
        }
    }
}

/// Three cluster masters joined with `redis-cli --cluster create`.
pub struct ClusterProc {
    pub nodes: Vec<RedisProc>,
}

impl ClusterProc {
    pub fn start() -> ClusterProc {
        let nodes: Vec<RedisProc> = (0..3)
            .map(|_| {
                RedisProc::spawn(
                    Reference::Redis7,
                    true,
                    &[
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "5000",
                    ],
                )
            })
            .collect();
        let addrs: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let out = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addrs)
            .arg("--cluster-yes")
            .output()
            .expect("redis-cli must be installed (apt-get install redis-tools)");
        assert!(
            out.status.success(),
            "cluster create failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let cluster = ClusterProc { nodes };
        let deadline = Instant::now() + Duration::from_secs(20);
        'wait: while Instant::now() < deadline {
            for n in &cluster.nodes {
                let out = Command::new("redis-cli")
                    .args(["-p", &n.port.to_string(), "cluster", "info"])
                    .output()
                    .unwrap();
                if !String::from_utf8_lossy(&out.stdout).contains("cluster_state:ok") {
                    std::thread::sleep(Duration::from_millis(100));
                    continue 'wait;
                }
            }
            return cluster;
        }
        panic!("cluster did not reach cluster_state:ok");
    }

    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisProc::url).collect()
    }
}

/// Log to the test output when RUST_LOG is set (e.g. `RUST_LOG=sluice_client=debug`).
pub fn init_tracing() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// Generous reply timeouts: the test machine is shared and can stall for seconds.
pub fn test_client_options() -> sluice_client::ClientOptions {
    sluice_client::ClientOptions::default().response_timeout(Duration::from_secs(30))
}

/// Poll `cond` until it holds or `limit` passes (then panic with `what`).
pub async fn wait_until<F, Fut>(limit: Duration, what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if cond().await {
            return;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
