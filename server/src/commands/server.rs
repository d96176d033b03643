//! Server commands: INFO, CONFIG, DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE,
//! SHUTDOWN, FUNCTION FLUSH, MEMORY, COMMAND.
//!
//! INFO reports what Sluice actually measures; a field Redis has and Sluice
//! does not track is left out rather than filled with a made-up value, except
//! for constants that are true of Sluice (no replicas, no persistence, no
//! cluster). Memory figures are estimates computed from the keyspace with
//! Redis's own accounting (see `keyspace::Value::memory_usage`).

use super::docs::{arg as a, Begin, Find, KeySpec};
use super::{docs, flags::*, help_reply, is, parse_int, Command, Ctx, TableEntry};
use crate::error::{CmdResult, Error};
use crate::keyspace::{glob, key_usage};
use crate::protocol::Reply;
use crate::state::Shared;
use bytes::Bytes;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

pub static COMMANDS: &[Command] = &[
    Command {
        since: "1.0.0",
        summary: "Get information and statistics about the server",
        complexity: "O(1)",
        history: &[
            ("7.0.0", "Added support for taking multiple section arguments."),
        ],
        tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        acl: &["dangerous"],
        args: &[
            a::string("section").opt().multi(),
        ],
        ..Command::new("info", -1, LOADING | STALE, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.0.0",
        summary: "A container for server configuration commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: CONFIG_SUBCOMMANDS,
        ..Command::new("config", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "1.0.0",
        summary: "Return the number of keys in the selected database",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        acl: &["keyspace"],
        ..Command::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "server", dbsize)
    },
    Command {
        since: "1.0.0",
        summary: "Remove all keys from the current database",
        complexity: "O(N) where N is the number of keys in the selected database",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["keyspace", "dangerous"],
        args: &[
            a::oneof("async", &[
        a::pure("async", "ASYNC").since("4.0.0"),
        a::pure("sync", "SYNC").since("6.2.0"),
    ]).opt(),
        ],
        ..Command::new("flushdb", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "1.0.0",
        summary: "Remove all keys from all databases",
        complexity: "O(N) where N is the total number of keys in all databases",
        history: &[
            ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
            ("6.2.0", "Added the `SYNC` flushing mode modifier."),
        ],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["keyspace", "dangerous"],
        args: &[
            a::oneof("async", &[
        a::pure("async", "ASYNC").since("4.0.0"),
        a::pure("sync", "SYNC").since("6.2.0"),
    ]).opt(),
        ],
        ..Command::new("flushall", -1, WRITE | EXCLUSIVE, (0, 0, 0), "server", flush)
    },
    Command {
        since: "2.6.0",
        summary: "Return the current server time",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        ..Command::new("time", 1, LOADING | STALE | FAST, (0, 0, 0), "server", time)
    },
    Command {
        since: "1.0.0",
        summary: "Get the UNIX time stamp of the last successful save to disk",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        acl: &["admin", "dangerous"],
        ..Command::new("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), "server", lastsave)
    },
    Command {
        since: "1.0.0",
        summary: "Synchronously save the dataset to disk and then shut down the server",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        history: &[
            ("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."),
        ],
        args: &[
            a::oneof("nosave_save", &[
        a::pure("nosave", "NOSAVE"),
        a::pure("save", "SAVE"),
    ]).opt(),
            a::pure("now", "NOW").since("7.0.0").opt(),
            a::pure("force", "FORCE").since("7.0.0").opt(),
            a::pure("abort", "ABORT").since("7.0.0").opt(),
        ],
        ..Command::new(
            "shutdown",
            -1,
            ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
            (0, 0, 0),
            "server",
            shutdown,
        )
    },
    Command {
        since: "7.0.0",
        summary: "A container for function commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: FUNCTION_SUBCOMMANDS,
        ..Command::new("function", -2, 0, (0, 0, 0), "scripting", info)
    },
    Command {
        since: "4.0.0",
        summary: "A container for memory diagnostics commands",
        complexity: "Depends on subcommand.",
        handler: None,
        subcommands: MEMORY_SUBCOMMANDS,
        ..Command::new("memory", -2, 0, (0, 0, 0), "server", info)
    },
    Command {
        since: "2.8.13",
        summary: "Get array of Redis command details",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        subcommands: COMMAND_SUBCOMMANDS,
        ..Command::new("command", -1, LOADING | STALE, (0, 0, 0), "server", command)
    },
];

static CONFIG_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.0.0",
        summary: "Get the values of configuration parameters",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to pass multiple pattern parameters in one call",
        )],
        args: &[a::block("parameter", &[a::string("parameter")]).multi()],
        ..Command::new(
            "get",
            -3,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_get,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Set configuration parameters to the given values",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: &[(
            "7.0.0",
            "Added the ability to set multiple parameters in one call.",
        )],
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: &[a::block(
            "parameter_value",
            &[a::string("parameter"), a::string("value")],
        )
        .multi()],
        ..Command::new(
            "set",
            -4,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_set,
        )
    },
    Command {
        since: "2.0.0",
        summary: "Reset the stats returned by INFO",
        complexity: "O(1)",
        ..Command::new(
            "resetstat",
            2,
            ADMIN | NOSCRIPT | LOADING | STALE,
            (0, 0, 0),
            "server",
            config_resetstat,
        )
    },
    Command {
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", config_help)
    },
];

static FUNCTION_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "7.0.0",
        summary: "Deleting all functions",
        complexity: "O(N) where N is the number of functions deleted",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        acl: &["scripting"],
        args: &[a::oneof(
            "async",
            &[a::pure("async", "ASYNC"), a::pure("sync", "SYNC")],
        )
        .opt()],
        ..Command::new(
            "flush",
            -2,
            WRITE | NOSCRIPT,
            (0, 0, 0),
            "scripting",
            function_flush,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["scripting"],
        ..Command::new(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "scripting",
            function_help,
        )
    },
];

static MEMORY_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "4.0.0",
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        key_specs: &[KeySpec::new("RO", Begin::Index(2), Find::Range(0, 1, 0))],
        args: &[a::key("key", 0), a::integer("count").tok("SAMPLES").opt()],
        ..Command::new("usage", -3, READONLY, (2, 2, 1), "server", memory_usage)
    },
    Command {
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("help", 2, LOADING | STALE, (0, 0, 0), "server", memory_help)
    },
];

static COMMAND_SUBCOMMANDS: &[Command] = &[
    Command {
        since: "2.8.13",
        summary: "Get total number of Redis commands",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "count",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_count,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Get array of specific Redis command documentation",
        complexity: "O(N) where N is the number of commands to look up",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        args: &[a::string("command-name").opt().multi()],
        ..Command::new(
            "docs",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_docs,
        )
    },
    Command {
        since: "2.8.13",
        summary: "Extract keys given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        acl: &["connection"],
        ..Command::new(
            "getkeys",
            -4,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Extract keys and access flags given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        acl: &["connection"],
        ..Command::new(
            "getkeysandflags",
            -4,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_getkeys,
        )
    },
    Command {
        since: "2.8.13",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        complexity: "O(N) where N is the number of commands to look up",
        history: &[(
            "7.0.0",
            "Allowed to be called with no argument to get info on all commands.",
        )],
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        args: &[a::string("command-name").opt().multi()],
        ..Command::new(
            "info",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_info,
        )
    },
    Command {
        since: "7.0.0",
        summary: "Get an array of Redis command names",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: &["nondeterministic_output_order"],
        acl: &["connection"],
        args: &[a::oneof(
            "filterby",
            &[
                a::string("module-name").tok("MODULE"),
                a::string("category").tok("ACLCAT"),
                a::pattern("pattern").tok("PATTERN"),
            ],
        )
        .tok("FILTERBY")
        .opt()],
        ..Command::new(
            "list",
            -2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_list,
        )
    },
    Command {
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        acl: &["connection"],
        ..Command::new(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "server",
            command_help,
        )
    },
];

// ---------------------------------------------------------------- INFO

/// The largest `used_memory` INFO has reported (`used_memory_peak`).
static MEMORY_PEAK: AtomicU64 = AtomicU64::new(0);

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
fn info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
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
            line(out, "redis_version", super::connection::REDIS_VERSION);
            line(out, "redis_git_sha1", "00000000");
            line(out, "redis_git_dirty", 0);
            line(out, "redis_build_id", "0");
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
            let blocked = shared.clients.blocked();
            line(out, "blocked_clients", blocked);
            line(out, "tracking_clients", 0);
            line(out, "clients_in_timeout_table", blocked);
            line(
                out,
                "total_blocking_keys",
                shared.keyspace.events.blocking_keys(),
            );
            let watching = shared
                .clients
                .map
                .iter()
                .filter(|c| c.watching.load(Ordering::Relaxed))
                .count();
            line(out, "watching_clients", watching);
            line(
                out,
                "total_watched_keys",
                shared.keyspace.events.watched_keys(),
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
            line(out, "rdb_changes_since_last_save", 0);
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
            for e in &super::TABLE.entries {
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

// ---------------------------------------------------------------- CONFIG

/// `CONFIG GET pattern [pattern ...]`
fn config_get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let all = ctx.shared.runtime.all();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pat in &args[2..] {
        for (name, value) in &all {
            if glob::matches(pat, name.as_bytes(), true) && seen.insert(name.clone()) {
                out.push((
                    Reply::Bulk(Bytes::from(name.clone())),
                    Reply::Bulk(Bytes::from(value.clone())),
                ));
            }
        }
    }
    Ok(Reply::Map(out))
}

/// `CONFIG SET parameter value [parameter value ...]`
fn config_set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // Redis 7.0 answers an odd argument count with a syntax error, not an arity error.
    if args.len() % 2 == 1 {
        return Err(Error::Syntax);
    }
    let pairs: Vec<(String, String)> = args[2..]
        .chunks(2)
        .map(|kv| {
            (
                String::from_utf8_lossy(&kv[0]).into_owned(),
                String::from_utf8_lossy(&kv[1]).into_owned(),
            )
        })
        .collect();
    ctx.shared.runtime.set_many(&pairs).map_err(Error::err)?;
    Ok(Reply::OK)
}

/// `CONFIG RESETSTAT`
fn config_resetstat(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let shared = ctx.shared;
    let st = &shared.stats;
    for a in [
        &st.commands_processed,
        &st.error_replies,
        &st.expired_keys,
        &st.net_input_bytes,
        &st.net_output_bytes,
        &shared.clients.total_connections,
        &shared.clients.rejected_connections,
    ] {
        a.store(0, Ordering::Relaxed);
    }
    st.errors_by_code.lock().clear();
    for db in shared.keyspace.dbs() {
        db.expired.store(0, Ordering::Relaxed);
    }
    for s in shared.cmd_stats.iter() {
        for a in [&s.calls, &s.usec, &s.rejected_calls, &s.failed_calls] {
            a.store(0, Ordering::Relaxed);
        }
    }
    MEMORY_PEAK.store(0, Ordering::Relaxed);
    Ok(Reply::OK)
}

fn config_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
        ],
    ))
}

// ---------------------------------------------------------------- keyspace-wide

/// `DBSIZE`
fn dbsize(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(ctx.db().len() as i64))
}

/// `FLUSHDB [ASYNC|SYNC]` / `FLUSHALL [ASYNC|SYNC]`
///
/// Runs with the gate held exclusively. Watched keys that held a value are
/// touched first (their EXEC will fail), as Redis does; then the data goes.
fn flush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 2 || (args.len() == 2 && !is(&args[1], "async") && !is(&args[1], "sync")) {
        return Err(Error::Syntax);
    }
    let all = is(&args[0], "flushall");
    let ks = &ctx.shared.keyspace;
    let scope = if all { None } else { Some(ctx.client.db) };
    for (db, key) in ks.events.registered_keys(scope) {
        if ks.db(db).exists(&key, ctx.now_ms) {
            ks.signal(db, &key);
        }
    }
    match scope {
        Some(db) => {
            ks.db(db).clear();
        }
        None => {
            for db in ks.dbs() {
                db.clear();
            }
        }
    }
    Ok(Reply::OK)
}

/// `TIME`
fn time(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let us = ctx.shared.clock.now_us();
    let mut b = itoa::Buffer::new();
    let secs = Reply::bulk_from(b.format(us / 1_000_000).as_bytes());
    let micros = Reply::bulk_from(b.format(us % 1_000_000).as_bytes());
    Ok(Reply::Array(vec![secs, micros]))
}

/// `LASTSAVE`: Sluice never saves; the time it started stands in.
fn lastsave(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int((ctx.shared.started_ms / 1000) as i64))
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`
///
/// Sluice keeps no data on disk, so SAVE and NOSAVE mean the same. On success
/// nothing is replied: the server stops and every connection closes.
fn shutdown(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let (mut save, mut nosave, mut abort) = (false, false, false);
    for a in &args[1..] {
        if is(a, "nosave") {
            nosave = true;
        } else if is(a, "save") {
            save = true;
        } else if is(a, "now") || is(a, "force") {
        } else if is(a, "abort") {
            abort = true;
        } else {
            return Err(Error::Syntax);
        }
    }
    if (save && nosave) || (abort && args.len() > 2) {
        return Err(Error::Syntax);
    }
    if abort {
        return Err(Error::err("No shutdown in progress."));
    }
    tracing::warn!("User requested shutdown...");
    ctx.shared.shutdown.cancel();
    ctx.client.close_after_reply = true;
    Ok(Reply::Raw(Bytes::new()))
}

/// `FUNCTION FLUSH [ASYNC|SYNC]`: Sluice has no functions; flushing none succeeds.
fn function_flush(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() > 3 || (args.len() == 3 && !is(&args[2], "async") && !is(&args[2], "sync")) {
        return Err(Error::err("FUNCTION FLUSH only supports SYNC|ASYNC option"));
    }
    Ok(Reply::OK)
}

fn function_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "FUNCTION",
        &[
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
        ],
    ))
}

/// `MEMORY USAGE key [SAMPLES count]`
fn memory_usage(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "samples") && i + 1 < args.len() {
            let n = parse_int(&args[i + 1])?;
            if n < 0 {
                return Err(Error::Syntax);
            }
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = &args[2];
    Ok(ctx
        .db()
        .peek(key, ctx.now_ms, |e| {
            Reply::Int((key_usage(key) + e.value.memory_usage()) as i64)
        })
        .unwrap_or(Reply::Nil))
}

fn memory_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "MEMORY",
        &[
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    ))
}

// ---------------------------------------------------------------- COMMAND

/// `COMMAND`: every top-level command's info. The container `COMMAND` has a
/// handler of its own for the bare form.
fn command(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*super::TABLE;
    Ok(Reply::Array(
        table
            .top_level()
            .map(|e| docs::info_reply(e, table))
            .collect(),
    ))
}

fn command_count(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(Reply::Int(super::TABLE.top_level().count() as i64))
}

/// Finds `name` or `parent|sub`.
fn lookup<'t>(table: &'t super::Table, name: &[u8]) -> Option<&'t TableEntry> {
    match name.iter().position(|&c| c == b'|') {
        Some(p) => {
            let parent = table.get(&name[..p])?;
            table.get_sub(parent.cmd.name, &name[p + 1..])
        }
        None => table.get(name),
    }
}

/// `COMMAND INFO [command-name ...]`
fn command_info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*super::TABLE;
    if args.len() == 2 {
        return command(ctx, args);
    }
    Ok(Reply::Array(
        args[2..]
            .iter()
            .map(|n| {
                lookup(table, n)
                    .map(|e| docs::info_reply(e, table))
                    .unwrap_or(Reply::Nil)
            })
            .collect(),
    ))
}

/// `COMMAND DOCS [command-name ...]`
fn command_docs(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*super::TABLE;
    let entries: Vec<&TableEntry> = if args.len() == 2 {
        table.top_level().collect()
    } else {
        args[2..].iter().filter_map(|n| lookup(table, n)).collect()
    };
    Ok(Reply::Map(
        entries
            .into_iter()
            .map(|e| {
                (
                    Reply::Bulk(Bytes::from(e.full_name.clone())),
                    docs::docs_reply(e, table),
                )
            })
            .collect(),
    ))
}

/// `COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]`
fn command_list(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*super::TABLE;
    enum Filter<'a> {
        All,
        Module,
        AclCat(&'a [u8]),
        Pattern(&'a [u8]),
    }
    let filter = match args.len() {
        2 => Filter::All,
        5 if is(&args[2], "filterby") => {
            if is(&args[3], "module") {
                Filter::Module
            } else if is(&args[3], "aclcat") {
                Filter::AclCat(&args[4])
            } else if is(&args[3], "pattern") {
                Filter::Pattern(&args[4])
            } else {
                return Err(Error::Syntax);
            }
        }
        _ => return Err(Error::Syntax),
    };
    let names = table
        .entries
        .iter()
        .filter(|e| match filter {
            Filter::All => true,
            Filter::Module => false,
            Filter::AclCat(cat) => docs::acl_categories(e.cmd)
                .iter()
                .any(|c| c.as_bytes()[1..].eq_ignore_ascii_case(cat)),
            Filter::Pattern(p) => glob::matches(p, e.full_name.as_bytes(), true),
        })
        .map(|e| Reply::Bulk(Bytes::from(e.full_name.clone())))
        .collect();
    Ok(Reply::Array(names))
}

/// `COMMAND GETKEYS command [arg ...]` and `COMMAND GETKEYSANDFLAGS command
/// [arg ...]` (each key with its key-spec flags), as Redis 7.0's
/// `getKeysSubcommandImpl`.
fn command_getkeys(_ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let table = &*super::TABLE;
    let argv = &args[2..];
    // Redis's lookupCommand: a container with arguments resolves to its
    // subcommand (an unknown one is an unknown command).
    let entry = match table.get(&argv[0]) {
        Some(top) if !top.cmd.subcommands.is_empty() && argv.len() > 1 => {
            table.get_sub(top.cmd.name, &argv[1])
        }
        other => other,
    };
    let Some(e) = entry else {
        return Err(Error::err("Invalid command specified"));
    };
    let c = e.cmd;
    if !docs::has_keys(c) {
        return Err(Error::err("The command has no key arguments"));
    }
    let argc = argv.len() as i32;
    if (c.arity > 0 && c.arity != argc) || argc < -c.arity {
        return Err(Error::err(
            "Invalid number of arguments specified for command",
        ));
    }
    let keys = docs::key_refs(c, argv);
    if keys.is_empty() {
        return Err(Error::err("Invalid arguments specified for command"));
    }
    let with_flags = args[1].eq_ignore_ascii_case(b"getkeysandflags");
    Ok(Reply::Array(
        keys.into_iter()
            .map(|(i, flags)| match with_flags {
                true => docs::key_and_flags_reply(&argv[i], flags),
                false => Reply::Bulk(argv[i].clone()),
            })
            .collect(),
    ))
}

fn command_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    ))
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
