//! Blocking helpers for the differential tests, which run proptest bodies
//! outside an async runtime: a real `redis-server` started on a free port,
//! and a synchronous RESP2 connection that returns each reply's bytes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The reference `redis-server`: the path in `SLUICE_REDIS_SERVER` (Redis
/// 8.0.x, from `conformance/redis8.sh`). Unset or not a file fails the test
/// with how to get one; the differential tests never skip.
pub fn redis_server_bin() -> PathBuf {
    let how = "export SLUICE_REDIS_SERVER=$(bash conformance/redis8.sh) (bash .ci/run does this)";
    let path = match std::env::var_os("SLUICE_REDIS_SERVER") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!("SLUICE_REDIS_SERVER is not set: the differential tests need the reference Redis 8.0; {how}"),
    };
    assert!(
        path.is_file(),
        "SLUICE_REDIS_SERVER={} is not a file; {how}",
        path.display()
    );
    path
}

/// A `redis-server` process, killed when dropped.
pub struct Redis(Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A blocking connection.
pub struct SyncConn {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl SyncConn {
    pub fn open(port: u16) -> std::io::Result<SyncConn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(SyncConn {
            r: BufReader::new(s.try_clone()?),
            w: s,
        })
    }

    /// Sends `args` as a multibulk request and returns the reply's bytes.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.w.write_all(&super::request(args)).expect("write");
        let mut reply = Vec::new();
        self.read(&mut reply);
        reply
    }

    fn read(&mut self, out: &mut Vec<u8>) {
        let start = out.len();
        self.r.read_until(b'\n', out).expect("read");
        let line = out[start..].to_vec();
        assert!(line.len() >= 3, "connection closed");
        let n: i64 = std::str::from_utf8(&line[1..line.len() - 2])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        match line[0] {
            b'$' if n >= 0 => {
                let mut body = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut body).expect("read");
                out.extend_from_slice(&body);
            }
            b'*' => {
                for _ in 0..n.max(0) {
                    self.read(out);
                }
            }
            _ => {}
        }
    }
}

/// Starts a `redis-server` on a free port. Free ports can be taken between
/// choosing and binding (other tests start servers too), so a start is only
/// accepted when the server answering on the port is the process started
/// (its `process_id`); otherwise it tries another port. A missing
/// reference binary fails the test ([`redis_server_bin`]).
pub fn start_redis() -> (Redis, u16) {
    start_redis_with(&[])
}

/// [`start_redis`] with more command-line options (`--dir`, ...).
pub fn start_redis_with(extra: &[&str]) -> (Redis, u16) {
    for _ in 0..10 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(redis_server_bin())
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
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SLUICE_REDIS_SERVER binary");
        let mut r = Redis(child);
        let pid = format!("process_id:{}\r\n", r.0.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(_)) = r.0.try_wait() {
                break; // exited: the port was taken
            }
            if let Ok(mut c) = SyncConn::open(port) {
                let info = c.cmd(&["INFO", "server"]);
                if String::from_utf8_lossy(&info).contains(&pid) {
                    return (r, port);
                }
                break; // someone else's server
            }
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("could not start redis-server on a free port");
}

/// The reference Redis and an in-process Sluice (on its own runtime thread),
/// started once per test binary and shared by its tests.
pub struct Servers {
    _redis: Redis,
    pub redis_port: u16,
    pub sluice_port: u16,
}

/// Both servers, started at the first call.
pub fn servers() -> &'static Servers {
    static S: std::sync::OnceLock<Servers> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let (redis, redis_port) = start_redis();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async move {
                let h = super::start().await;
                tx.send(h.local_addr().port()).expect("send port");
                std::future::pending::<()>().await;
            });
        });
        let sluice_port = rx.recv().expect("sluice port");
        Servers {
            _redis: redis,
            redis_port,
            sluice_port,
        }
    })
}
