//! State shared by every connection, at the bottom of the module tree.
//!
//! [`Shared`] holds the keyspace, the configuration, the clock, the client
//! registry, counters and the server's lifecycle handles. It is built by
//! [`crate::server`] and passed down to connections and commands; nothing in
//! here imports from the layers above it (the command table is a static in
//! [`crate::commands`], and the per-command statistics live here, indexed by
//! a table entry's position).

use crate::client::Clients;
use crate::clock::Clock;
use crate::config::{Config, Runtime};
use crate::keyspace::Keyspace;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Server-wide counters (INFO stats).
#[derive(Debug, Default)]
pub struct Stats {
    pub commands_processed: AtomicU64,
    pub error_replies: AtomicU64,
    /// Error replies by code (`ERR`, `WRONGTYPE`, ...), for INFO errorstats.
    pub errors_by_code: Mutex<HashMap<String, u64>>,
    pub expired_keys: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    /// Changes to the data since startup, counted per write as Redis counts
    /// `server.dirty` (INFO `rdb_changes_since_last_save`; Sluice never
    /// saves, so nothing resets it but a FLUSHALL under a `save` schedule).
    pub dirty: AtomicU64,
}

impl Stats {
    pub fn record_error(&self, text: &str) {
        self.error_replies.fetch_add(1, Ordering::Relaxed);
        let code = text.split(' ').next().unwrap_or("ERR").to_string();
        *self.errors_by_code.lock().entry(code).or_insert(0) += 1;
    }
}

/// Call statistics for one command (INFO commandstats).
#[derive(Debug, Default)]
pub struct CmdStats {
    pub calls: AtomicU64,
    pub usec: AtomicU64,
    pub rejected_calls: AtomicU64,
    pub failed_calls: AtomicU64,
}

/// State shared by every connection.
pub struct Shared {
    pub keyspace: Keyspace,
    pub config: Config,
    pub runtime: Runtime,
    pub clock: Clock,
    pub clients: Clients,
    pub stats: Stats,
    /// Per-command statistics, one per command table entry, by the entry's
    /// index ([`crate::commands::TableEntry::index`]).
    pub cmd_stats: Box<[CmdStats]>,
    /// Cancelled to shut the server down.
    pub shutdown: CancellationToken,
    /// Background tasks of this server (timers of blocked clients, sweeps):
    /// spawned here, they end when `shutdown` is cancelled and the server
    /// waits for them before it returns.
    pub tasks: TaskTracker,
    /// Server start, ms since the epoch (INFO uptime).
    pub started_ms: u64,
    /// The address actually bound (after port 0 is resolved).
    pub local_addr: Mutex<Option<SocketAddr>>,
    /// Unique per run, as Redis's run_id.
    pub run_id: String,
}

impl Shared {
    /// State for a server with `commands` command table entries.
    pub fn new(config: Config, clock: Clock, commands: usize) -> Shared {
        let runtime = Runtime::new(&config);
        let databases = config.get_i64("databases").max(1) as usize;
        let started_ms = clock.now_ms();
        Shared {
            keyspace: Keyspace::new(databases),
            runtime,
            clients: Clients::default(),
            stats: Stats::default(),
            cmd_stats: (0..commands).map(|_| CmdStats::default()).collect(),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            started_ms,
            local_addr: Mutex::new(None),
            run_id: run_id(started_ms),
            config,
            clock,
        }
    }

    /// The password clients must give, if any.
    pub fn requirepass(&self) -> Option<String> {
        self.runtime.get("requirepass").filter(|p| !p.is_empty())
    }

    /// Takes a connection slot unless `maxclients` are already connected
    /// (Redis's check in `acceptCommonHandler`, which counts every client,
    /// the new one excluded). The slot is given back when the guard drops.
    pub fn try_admit(self: &Arc<Self>) -> Option<Slot> {
        let max = self.runtime.maxclients.load(Ordering::Relaxed);
        let before = self.clients.live.fetch_add(1, Ordering::AcqRel);
        if before as i64 >= max {
            self.clients.live.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Slot(self.clone()))
    }

    /// Runs `task` in the background until it finishes or the server shuts
    /// down, whichever comes first; shutdown waits for it. Outside a tokio
    /// runtime (unit tests calling handlers directly) nothing runs.
    pub fn spawn_background<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let stop = self.shutdown.clone();
        self.tasks.spawn_on(
            async move {
                tokio::select! {
                    _ = stop.cancelled() => {}
                    _ = task => {}
                }
            },
            &rt,
        );
    }
}

/// A connection's place under `maxclients`, released on drop.
pub struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.clients.live.fetch_sub(1, Ordering::AcqRel);
    }
}

fn run_id(seed: u64) -> String {
    // 40 hex characters from the start time and process id; uniqueness, not secrecy.
    let mut x = seed ^ ((std::process::id() as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    let mut s = String::with_capacity(40);
    while s.len() < 40 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(&format!("{:016x}", x));
    }
    s.truncate(40);
    s
}
