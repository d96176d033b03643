//! `INFO [section [section ...]]`
//!
//! INFO reports what Sluice actually measures; a field Redis has and Sluice
//! does not track is left out rather than filled with a made-up value, except
//! for constants that are true of Sluice (no replicas, no persistence, no
//! cluster). Memory figures are estimates computed from the keyspace with
//! Redis's own accounting (see `keyspace::Value::memory_usage`).

use super::super::Ctx;
use crate::error::CmdResult;
use crate::protocol::Reply;
use crate::state::Shared;
use bytes::Bytes;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest `used_memory` INFO has reported (`used_memory_peak`).
pub(super) static MEMORY_PEAK: AtomicU64 = AtomicU64::new(0);

/// Sections in the order INFO prints them, and whether `INFO` / `INFO default` includes them.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("cluster", true),
    ("keyspace", true),
];

/// `INFO [section ...]`
pub(super) fn info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut wanted: Vec<&str> = Vec::new();
    let mut all = false;
    if args.len() == 1 {
        wanted.extend(SECTIONS.iter().filter(|s| s.1).map(|s| s.0));
    }
    for a in &args[1..] {
        let a = a.to_ascii_lowercase();
        match &a[..] {
            b"default" => wanted.extend(SECTIONS.iter().filter(|s| s.1).map(|s| s.0)),
            b"all" | b"everything" => all = true,
            name => {
                if let Some(s) = SECTIONS.iter().find(|s| s.0.as_bytes() == name) {
                    wanted.push(s.0);
                }
            }
        }
    }
    let mut out = String::with_capacity(4096);
    for (name, _) in SECTIONS {
        if !all && !wanted.contains(name) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        section(ctx, name, &mut out);
    }
    Ok(Reply::Verbatim("txt", Bytes::from(out)))
}

/// Redis's `bytesToHuman`.
pub fn bytes_human(n: u64) -> String {
    let n = n as f64;
    const K: f64 = 1024.0;
    if n < K {
        format!("{}B", n as u64)
    } else if n < K * K {
        format!("{:.2}K", n / K)
    } else if n < K * K * K {
        format!("{:.2}M", n / (K * K))
    } else if n < K * K * K * K {
        format!("{:.2}G", n / (K * K * K))
    } else if n < K * K * K * K * K {
        format!("{:.2}T", n / (K * K * K * K))
    } else {
        format!("{:.2}P", n / (K * K * K * K * K))
    }
}

/// Estimated bytes of all data (keys and values) in every database.
pub fn dataset_memory(shared: &Shared) -> u64 {
    shared
        .keyspace
        .dbs()
        .iter()
        .map(|db| db.memory_usage() as u64)
        .sum()
}

/// Fixed per-client bookkeeping (buffers, state), as an estimate.
const CLIENT_OVERHEAD: u64 = 20 * 1024;
/// Server structures present at startup (command table, databases...).
const STARTUP_OVERHEAD: u64 = 800 * 1024;

fn proc_status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User and system CPU seconds of the process, from /proc (Linux).
fn cpu_times() -> Option<(f64, f64)> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are 14th and 15th.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = 100.0; // USER_HZ on Linux
    Some((
        f[11].parse::<f64>().ok()? / ticks,
        f[12].parse::<f64>().ok()? / ticks,
    ))
}

fn line(out: &mut String, k: &str, v: impl std::fmt::Display) {
    let _ = write!(out, "{k}:{v}\r\n");
}

fn section(ctx: &Ctx<'_>, name: &str, out: &mut String) {
    let shared = ctx.shared;
    let now = ctx.now_ms;
    match name {
        "server" => {
            out.push_str("# Server\r\n");
            line(
                out,
                "redis_version",
                crate::commands::connection::REDIS_VERSION,
            );
            line(out, "redis_git_sha1", "00000000");
            line(out, "redis_git_dirty", 0);
            line(out, "redis_build_id", format!("{:x}", super::build_id()));
            line(out, "redis_mode", "standalone");
            line(out, "sluice_version", env!("CARGO_PKG_VERSION"));
            let ostype = std::fs::read_to_string("/proc/sys/kernel/ostype")
                .unwrap_or_else(|_| std::env::consts::OS.to_string());
            let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
            line(
                out,
                "os",
                format!(
                    "{} {} {}",
                    ostype.trim(),
                    release.trim(),
                    std::env::consts::ARCH
                ),
            );
            line(out, "arch_bits", usize::BITS);
            line(out, "monotonic_clock", "POSIX clock_gettime");
            line(out, "multiplexing_api", "epoll");
            line(out, "process_id", std::process::id());
            line(out, "process_supervised", "no");
            line(out, "run_id", &shared.run_id);
            let port = shared.local_addr.lock().map(|a| a.port()).unwrap_or(0);
            line(out, "tcp_port", port);
            line(out, "server_time_usec", shared.clock.now_us());
            let up = now.saturating_sub(shared.started_ms) / 1000;
            line(out, "uptime_in_seconds", up);
            line(out, "uptime_in_days", up / 86400);
            line(out, "hz", 10);
            line(out, "configured_hz", 10);
            line(out, "lru_clock", (now / 1000) & ((1 << 24) - 1));
            let exe = std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            line(out, "executable", exe);
            line(
                out,
                "config_file",
                shared.config.file.as_deref().unwrap_or(""),
            );
            line(out, "io_threads_active", 0);
        }
        "clients" => {
            out.push_str("# Clients\r\n");
            line(out, "connected_clients", shared.clients.connected());
            line(out, "cluster_connections", 0);
            line(
                out,
                "maxclients",
                shared.runtime.get("maxclients").unwrap_or_default(),
            );
            // Redis 8.0's order.
            let blocked = shared.clients.blocked();
            line(out, "blocked_clients", blocked);
            line(out, "tracking_clients", 0);
            line(out, "pubsub_clients", 0);
            let watching = shared
                .clients
                .map
                .iter()
                .filter(|c| c.watched_keys.load(Ordering::Relaxed) > 0)
                .count();
            line(out, "watching_clients", watching);
            line(out, "clients_in_timeout_table", blocked);
            line(
                out,
                "total_watched_keys",
                shared.keyspace.events.watched_keys(),
            );
            line(
                out,
                "total_blocking_keys",
                shared.keyspace.events.blocking_keys(),
            );
        }
        "memory" => {
            out.push_str("# Memory\r\n");
            let dataset = dataset_memory(shared);
            let overhead = STARTUP_OVERHEAD + CLIENT_OVERHEAD * shared.clients.connected() as u64;
            let used = dataset + overhead;
            let peak = MEMORY_PEAK.fetch_max(used, Ordering::Relaxed).max(used);
            line(out, "used_memory", used);
            line(out, "used_memory_human", bytes_human(used));
            let rss = proc_status_kb("VmRSS:").unwrap_or(0) * 1024;
            line(out, "used_memory_rss", rss);
            line(out, "used_memory_rss_human", bytes_human(rss));
            line(out, "used_memory_peak", peak);
            line(out, "used_memory_peak_human", bytes_human(peak));
            line(
                out,
                "used_memory_peak_perc",
                format!("{:.2}%", used as f64 * 100.0 / peak.max(1) as f64),
            );
            line(out, "used_memory_overhead", overhead);
            line(out, "used_memory_startup", STARTUP_OVERHEAD);
            line(out, "used_memory_dataset", dataset);
            line(
                out,
                "used_memory_dataset_perc",
                format!("{:.2}%", dataset as f64 * 100.0 / used.max(1) as f64),
            );
            line(out, "maxmemory", 0);
            line(out, "maxmemory_human", "0B");
            line(out, "maxmemory_policy", "noeviction");
            line(
                out,
                "mem_fragmentation_ratio",
                format!("{:.2}", rss as f64 / used.max(1) as f64),
            );
            line(out, "mem_allocator", "libc");
            line(out, "lazyfree_pending_objects", 0);
        }
        "persistence" => {
            out.push_str("# Persistence\r\n");
            line(out, "loading", 0);
            line(out, "async_loading", 0);
            line(
                out,
                "rdb_changes_since_last_save",
                shared.stats.dirty.load(Ordering::Relaxed),
            );
            line(out, "rdb_bgsave_in_progress", 0);
            line(out, "rdb_last_save_time", shared.started_ms / 1000);
            line(out, "rdb_last_bgsave_status", "ok");
            line(out, "rdb_saves", 0);
            line(out, "aof_enabled", 0);
            line(out, "aof_rewrite_in_progress", 0);
            line(out, "aof_last_write_status", "ok");
        }
        "stats" => {
            let st = &shared.stats;
            out.push_str("# Stats\r\n");
            line(
                out,
                "total_connections_received",
                shared.clients.total_connections.load(Ordering::Relaxed),
            );
            line(
                out,
                "total_commands_processed",
                st.commands_processed.load(Ordering::Relaxed),
            );
            line(
                out,
                "total_net_input_bytes",
                st.net_input_bytes.load(Ordering::Relaxed),
            );
            line(
                out,
                "total_net_output_bytes",
                st.net_output_bytes.load(Ordering::Relaxed),
            );
            line(
                out,
                "rejected_connections",
                shared.clients.rejected_connections.load(Ordering::Relaxed),
            );
            let expired: u64 = shared
                .keyspace
                .dbs()
                .iter()
                .map(|db| db.expired.load(Ordering::Relaxed))
                .sum();
            line(
                out,
                "expired_keys",
                st.expired_keys.load(Ordering::Relaxed) + expired,
            );
            line(out, "evicted_keys", 0);
            line(out, "pubsub_channels", 0);
            line(out, "pubsub_patterns", 0);
            line(
                out,
                "total_error_replies",
                st.error_replies.load(Ordering::Relaxed),
            );
        }
        "replication" => {
            out.push_str("# Replication\r\n");
            line(out, "role", "master");
            line(out, "connected_slaves", 0);
            line(out, "master_failover_state", "no-failover");
            line(out, "master_replid", &shared.run_id);
            line(out, "master_replid2", "0".repeat(40));
            line(out, "master_repl_offset", 0);
            line(out, "second_repl_offset", -1);
            line(out, "repl_backlog_active", 0);
            line(out, "repl_backlog_size", 1048576);
            line(out, "repl_backlog_first_byte_offset", 0);
            line(out, "repl_backlog_histlen", 0);
        }
        "cpu" => {
            out.push_str("# CPU\r\n");
            let (user, sys) = cpu_times().unwrap_or((0.0, 0.0));
            line(out, "used_cpu_sys", format!("{sys:.6}"));
            line(out, "used_cpu_user", format!("{user:.6}"));
            line(out, "used_cpu_sys_children", "0.000000");
            line(out, "used_cpu_user_children", "0.000000");
        }
        "modules" => out.push_str("# Modules\r\n"),
        "commandstats" => {
            out.push_str("# Commandstats\r\n");
            for e in &crate::commands::TABLE.entries {
                let s = &shared.cmd_stats[e.index];
                let calls = s.calls.load(Ordering::Relaxed);
                let rejected = s.rejected_calls.load(Ordering::Relaxed);
                let failed = s.failed_calls.load(Ordering::Relaxed);
                if calls == 0 && rejected == 0 && failed == 0 {
                    continue;
                }
                let usec = s.usec.load(Ordering::Relaxed);
                let per = if calls == 0 {
                    0.0
                } else {
                    usec as f64 / calls as f64
                };
                let _ = write!(
                    out,
                    "cmdstat_{}:calls={calls},usec={usec},usec_per_call={per:.2},rejected_calls={rejected},failed_calls={failed}\r\n",
                    e.full_name
                );
            }
        }
        "errorstats" => {
            out.push_str("# Errorstats\r\n");
            let map = shared.stats.errors_by_code.lock();
            let mut codes: Vec<_> = map.iter().collect();
            codes.sort();
            for (code, n) in codes {
                let _ = write!(out, "errorstat_{code}:count={n}\r\n");
            }
        }
        "cluster" => {
            out.push_str("# Cluster\r\n");
            line(out, "cluster_enabled", 0);
        }
        "keyspace" => {
            out.push_str("# Keyspace\r\n");
            for (i, db) in shared.keyspace.dbs().iter().enumerate() {
                let keys = db.len();
                if keys == 0 {
                    continue;
                }
                let expires = db.volatile.load(Ordering::Relaxed);
                let _ = write!(
                    out,
                    "db{i}:keys={keys},expires={expires},avg_ttl={}\r\n",
                    avg_ttl(db, now)
                );
            }
        }
        _ => {}
    }
}

/// Average remaining TTL (ms) of volatile keys, estimated from a sample of
/// up to 1000 keys as Redis estimates it by sampling.
fn avg_ttl(db: &crate::keyspace::Db, now: u64) -> u64 {
    if db.volatile.load(Ordering::Relaxed) == 0 {
        return 0;
    }
    let (keys, _) = db.keys_from(0, 1000);
    let (mut sum, mut n) = (0u64, 0u64);
    for k in keys {
        if let Some(Some(t)) = db.peek(&k, now, |e| e.expire_at) {
            sum += t.saturating_sub(now);
            n += 1;
        }
    }
    sum.checked_div(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_like_redis() {
        assert_eq!(bytes_human(1000), "1000B");
        assert_eq!(bytes_human(990616), "967.40K");
        assert_eq!(bytes_human(6995968), "6.67M");
    }
}
