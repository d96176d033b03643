//! Many clients at once, Sluice against Redis, side by side.
//!
//! Redis runs every command on one thread; Sluice runs commands on different
//! keys in parallel. This starts `redis-server` and the release
//! `sluice-server` on free loopback ports and drives each with
//! `redis-benchmark` (from redis-tools) at 50 connections, 16 commands
//! pipelined per connection, alternating servers for several rounds, and
//! prints the median requests per second and the Sluice/Redis ratio (above
//! 1: Sluice faster). The load generator shares the machine's cores with the
//! server under test, as it would on a CI runner.
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin concurrency -- [rounds]
//! ```

use sluice_benches::Client;
use std::process::Command;

struct Workload {
    name: &'static str,
    requests: u32,
    /// redis-benchmark options before the command.
    opts: &'static [&'static str],
    command: &'static [&'static str],
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "XADD, 1000 keys",
        requests: 400_000,
        opts: &["-r", "1000"],
        command: &["XADD", "k:__rand_int__", "*", "f", "v"],
    },
    Workload {
        name: "XADD, one key",
        requests: 400_000,
        opts: &[],
        command: &["XADD", "one", "*", "f", "v"],
    },
    Workload {
        name: "XRANGE COUNT 10, 1000 keys",
        requests: 200_000,
        opts: &["-r", "1000"],
        command: &["XRANGE", "k:__rand_int__", "-", "+", "COUNT", "10"],
    },
    Workload {
        name: "XREVRANGE COUNT 10, one key",
        requests: 200_000,
        opts: &[],
        command: &["XREVRANGE", "one", "+", "-", "COUNT", "10"],
    },
    Workload {
        name: "XLEN",
        requests: 400_000,
        opts: &[],
        command: &["XLEN", "one"],
    },
];

/// Requests per second `redis-benchmark` reports for `w` against `port`.
fn run(port: u16, w: &Workload) -> f64 {
    let out = Command::new("redis-benchmark")
        .args(["-p", &port.to_string(), "-c", "50", "-P", "16", "--csv"])
        .args(["-n", &w.requests.to_string()])
        .args(w.opts)
        .args(w.command)
        .output()
        .expect("redis-benchmark must be installed (apt-get install redis-tools)");
    let text = String::from_utf8_lossy(&out.stdout);
    // The CSV's last line: "test","rps",...
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('"') && !l.starts_with("\"test\""))
        .unwrap_or_else(|| panic!("no result from redis-benchmark: {text}"));
    line.split(',')
        .nth(1)
        .and_then(|f| f.trim_matches('"').parse().ok())
        .unwrap_or_else(|| panic!("unreadable result: {line}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("rounds must be a number"))
        .unwrap_or(3);
    assert!(rounds >= 1);
    let (redis, sluice) = sluice_benches::start_both();
    let servers = [&redis, &sluice];
    let mut results = vec![(Vec::new(), Vec::new()); WORKLOADS.len()];
    for round in 0..rounds {
        for s in servers {
            let mut c = Client::connect(s.port).expect("connect");
            c.cmd(&[b"FLUSHALL"]);
        }
        for (i, w) in WORKLOADS.iter().enumerate() {
            // Alternate which server goes first, so neither always runs
            // while the machine is busier.
            let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for k in order {
                let rps = run(servers[k].port, w);
                if k == 0 {
                    results[i].0.push(rps);
                } else {
                    results[i].1.push(rps);
                }
            }
        }
    }
    println!(
        "50 connections, pipeline 16, {rounds} rounds, medians (requests/s):\n{:<30} {:>12} {:>12} {:>8}",
        "workload", "redis", "sluice", "ratio"
    );
    for (w, (r, s)) in WORKLOADS.iter().zip(results) {
        let (r, s) = (median(r), median(s));
        println!("{:<30} {:>12.0} {:>12.0} {:>8.2}", w.name, r, s, s / r);
    }
}
