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

#![forbid(unsafe_code)]

/// Prints a line straight to the process's stdout: libtest captures
/// `println!` of passing tests, and the per-file counts and the summary must
/// show on every run.
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

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
    // Case authors' check: a second redis-server in Sluice's place shows whether
    // a case is deterministic (anything failing then is the case's fault).
    let self_check = std::env::var("CONFORMANCE_SELF_CHECK").is_ok_and(|v| v == "1");
    let redis2 = self_check.then(servers::RedisServer::start);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut r = runner::Target::redis(redis.addr);
        let mut s = match &redis2 {
            Some(r2) => {
                say!("CONFORMANCE_SELF_CHECK=1: comparing Redis with a second Redis; @since cases skipped");
                runner::Target::redis(r2.addr)
            }
            None => runner::Target::sluice(servers::start_sluice().await),
        };
        say!(
            "conformance: {} (pid {}) at {}, sluice at {}",
            redis.bin.display(),
            redis.pid(),
            r.addr,
            s.addr
        );
        // CONFORMANCE_DIR=conformance/pending runs the parked cases instead.
        let dir = std::env::var_os("CONFORMANCE_DIR")
            .map(PathBuf::from)
            .map(|d| if d.is_absolute() { d } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(d) })
            .unwrap_or_else(cases_dir);
        let report = runner::run_suite(&dir, filter.as_deref(), &mut r, &mut s).await;
        if !report.failures.is_empty() {
            say!("\nfailing cases:");
            for f in &report.failures {
                say!("  {f}");
            }
        }
        say!(
            "\nconformance: {} passed, {} failed\n{} passed, {} failed",
            report.passed, report.failed, report.passed, report.failed
        );
        s.shutdown().await;
        report
    })
}
