//! Time from starting the server process to its first PONG, Sluice against
//! Redis: what a test suite that starts a fresh server per test pays.
//!
//! Each round starts `redis-server` and the release `sluice-server` (in
//! alternating order) on free loopback ports, connects and sends PING every
//! 0.2 ms until one answers `+PONG`, then kills the process. Prints the median
//! and the Sluice/Redis ratio (below 1: Sluice starts faster).
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin startup -- [rounds]
//! ```

use sluice_benches::{free_port, sluice_binary};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `program args... --port <free>` and returns the time to the first PONG.
fn time_to_pong(program: &str, args: &[&str]) -> Duration {
    let port = free_port();
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let elapsed = loop {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{program} did not answer within 10 s"
        );
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{program} exited at start ({status}); port {port} taken? run again");
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let mut buf = [0u8; 7];
            if s.write_all(b"*1\r\n$4\r\nPING\r\n").is_ok()
                && s.read_exact(&mut buf).is_ok()
                && &buf == b"+PONG\r\n"
            {
                break start.elapsed();
            }
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("rounds must be a number"))
        .unwrap_or(40);
    assert!(rounds >= 1);
    let redis_bin = sluice_benches::redis_binary();
    let sluice_bin = sluice_binary();
    let redis_args = ["--save", "", "--appendonly", "no", "--bind", "127.0.0.1"];
    let (mut r, mut s) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        if i % 2 == 0 {
            r.push(time_to_pong(&redis_bin, &redis_args));
            s.push(time_to_pong(&sluice_bin, &[]));
        } else {
            s.push(time_to_pong(&sluice_bin, &[]));
            r.push(time_to_pong(&redis_bin, &redis_args));
        }
    }
    let (r, s) = (median(r), median(s));
    println!("startup to first PONG, {rounds} rounds each, medians:");
    println!("  redis:  {:.2} ms", r.as_secs_f64() * 1e3);
    println!("  sluice: {:.2} ms", s.as_secs_f64() * 1e3);
    println!(
        "  ratio sluice/redis: {:.2}",
        s.as_secs_f64() / r.as_secs_f64()
    );
}
