//! Server lifecycle: bind, accept, limit clients, shut down gracefully.
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! let server = sluice_server::Server::builder().port(0).bind().await?;
//! let addr = server.local_addr();
//! let handle = server.spawn();
//! // ... connect to addr ...
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Each accepted socket gets its own task running [`crate::connection`].
//! Over `maxclients` (read at each accept, so CONFIG SET applies to the next
//! connection; clients already connected stay), a new socket gets Redis's
//! `-ERR max number of clients reached` and is closed. A background task
//! closes idle clients when `timeout` is set ([`crate::client::idle_sweep`]).
//! Shutdown (SIGINT,
//! SIGTERM, SHUTDOWN, or the handle) stops accepting, lets every connection
//! finish the replies it has, and returns.

use crate::client::Clients;
use crate::clock::Clock;
use crate::commands::Table;
use crate::config::{Config, Runtime};
use crate::keyspace::Keyspace;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
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
}

impl Stats {
    pub fn record_error(&self, text: &str) {
        self.error_replies.fetch_add(1, Ordering::Relaxed);
        let code = text.split(' ').next().unwrap_or("ERR").to_string();
        *self.errors_by_code.lock().entry(code).or_insert(0) += 1;
    }
}

/// State shared by every connection.
pub struct Shared {
    pub keyspace: Keyspace,
    pub config: Config,
    pub runtime: Runtime,
    pub clock: Clock,
    pub table: Table,
    pub clients: Clients,
    pub stats: Stats,
    /// Cancelled to shut the server down.
    pub shutdown: CancellationToken,
    /// Server start, ms since the epoch (INFO uptime).
    pub started_ms: u64,
    /// The address actually bound (after port 0 is resolved).
    pub local_addr: Mutex<Option<SocketAddr>>,
    /// Unique per run, as Redis's run_id.
    pub run_id: String,
}

impl Shared {
    pub fn new(config: Config, clock: Clock) -> Shared {
        let runtime = Runtime::new(&config);
        let databases = config.get_i64("databases").max(1) as usize;
        let started_ms = clock.now_ms();
        Shared {
            keyspace: Keyspace::new(databases),
            runtime,
            table: Table::new(),
            clients: Clients::default(),
            stats: Stats::default(),
            shutdown: CancellationToken::new(),
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

/// Builds a server: configuration, clock, then [`Builder::bind`].
#[derive(Default)]
pub struct Builder {
    config: Config,
    clock: Option<Clock>,
}

impl Builder {
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Shorthand for the `port` setting; 0 picks a free port.
    pub fn port(mut self, port: u16) -> Self {
        self.config
            .set("port", &port.to_string())
            .expect("valid port");
        self
    }

    /// Sets any configuration directive, as on the command line.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.config.set(name, value).expect("valid directive");
        self
    }

    /// Uses `clock` for IDs, idle times and expiry (tests).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Binds the listening socket(s).
    pub async fn bind(self) -> std::io::Result<Server> {
        let shared = Arc::new(Shared::new(self.config, self.clock.unwrap_or_default()));
        let port = shared.config.port();
        let mut listeners = Vec::new();
        for host in shared.config.bind_addrs() {
            let addr = if host.contains(':') {
                format!("[{host}]:{port}")
            } else {
                format!("{host}:{port}")
            };
            listeners.push(TcpListener::bind(&addr).await?);
        }
        let local = listeners[0].local_addr()?;
        *shared.local_addr.lock() = Some(local);
        Ok(Server { shared, listeners })
    }
}

/// A bound server, ready to run.
pub struct Server {
    shared: Arc<Shared>,
    listeners: Vec<TcpListener>,
}

/// Controls a server running in the background.
pub struct ServerHandle {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    addr: SocketAddr,
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The server's clock (tests move it).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Stops accepting, lets connections finish, and waits until they have.
    pub async fn shutdown(self) {
        self.shared.shutdown.cancel();
        let _ = self.task.await;
    }
}

impl Server {
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listeners[0].local_addr().expect("bound")
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Runs the server in a background task.
    pub fn spawn(self) -> ServerHandle {
        let shared = self.shared.clone();
        let addr = self.local_addr();
        let task = tokio::spawn(self.run());
        ServerHandle { shared, task, addr }
    }

    /// Accepts clients until shutdown, then waits for every connection to end.
    pub async fn run(self) {
        let shared = self.shared;
        let tracker = TaskTracker::new();
        let sweeper = tokio::spawn(crate::keyspace::sweep::run(shared.clone()));
        let idle = tokio::spawn(crate::client::idle_sweep(shared.clone()));
        let mut accepts = JoinSet::new();
        for l in self.listeners {
            let shared = shared.clone();
            let tracker = tracker.clone();
            accepts.spawn(accept_loop(l, shared, tracker));
        }
        shared.shutdown.cancelled().await;
        accepts.abort_all();
        while accepts.join_next().await.is_some() {}
        tracker.close();
        tracker.wait().await;
        sweeper.abort();
        idle.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tracker: TaskTracker) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let slot = crate::client::Clients::try_admit(&shared);
        let shared = shared.clone();
        tracker.spawn(async move {
            match slot {
                Some(_slot) => crate::connection::serve(socket, peer, shared).await,
                None => crate::connection::refuse(socket, shared).await,
            }
        });
    }
}
