//! The differential conformance harness: every case in `cases/**/*.case` runs
//! against a real `redis-server` and against Sluice, in RESP2 and RESP3, and
//! every reply is compared byte for byte. See `conformance/README.md` for the
//! case format and its directives.
//!
//! - [`case`]: the case file format (parser).
//! - [`expect`]: `=>` expectations (the readable reply syntax).
//! - [`resp`]: reply framing (redis-protocol), the value tree, rendering.
//! - [`normalize`]: directives that hide what legitimately differs.
//! - [`runner`]: connections, resets, comparison, the report.
//! - [`servers`]: starting `redis-server` and Sluice.

pub mod case;
pub mod expect;
pub mod normalize;
pub mod resp;
pub mod runner;
pub mod servers;

use std::path::{Path, PathBuf};

/// `conformance/cases`.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Runs the whole suite (or the files whose path contains `SLUICE_CASES`),
/// prints per-file counts and the summary line, and returns the report.
pub fn run_suite_blocking() -> runner::Report {
    let filter = std::env::var("SLUICE_CASES").ok().filter(|f| !f.is_empty());
    let redis = servers::RedisServer::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut r = runner::Target::redis(redis.addr);
        let mut s = runner::Target::sluice(servers::start_sluice().await);
        println!(
            "conformance: redis-server (pid {}) at {}, sluice at {}",
            redis.pid(),
            r.addr,
            s.addr
        );
        let report = runner::run_suite(&cases_dir(), filter.as_deref(), &mut r, &mut s).await;
        if !report.failures.is_empty() {
            println!("\nfailing cases:");
            for f in &report.failures {
                println!("  {f}");
            }
        }
        println!(
            "\nconformance: {} passed, {} failed\n{} passed, {} failed",
            report.passed, report.failed, report.passed, report.failed
        );
        s.shutdown().await;
        report
    })
}
