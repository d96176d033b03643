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
//! closes idle clients when `timeout` is set (`idle_sweep`).
//! Shutdown (SIGINT,
//! SIGTERM, SHUTDOWN, or the handle) stops accepting, lets every connection
//! finish the replies it has, and returns.

use crate::clock::Clock;
use crate::commands::TABLE;
use crate::config::Config;
use crate::state::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::task::TaskTracker;

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
        let clock = self.clock.unwrap_or_default();
        let shared = Arc::new(Shared::new(self.config, clock, TABLE.entries.len()));
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
        shared.spawn_background(expiry_sweep(shared.clone()));
        shared.spawn_background(idle_sweep(shared.clone()));
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
        shared.tasks.close();
        shared.tasks.wait().await;
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
        let slot = shared.try_admit();
        let shared = shared.clone();
        tracker.spawn(async move {
            match slot {
                Some(_slot) => crate::connection::serve(socket, peer, shared).await,
                None => crate::connection::refuse(socket, shared).await,
            }
        });
    }
}

/// The background expiry sweep: every 100 ms (Redis's default `hz 10`)
/// removes expired keys nobody reads ([`crate::keyspace::sweep`]).
async fn expiry_sweep(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut cursors = vec![0u64; shared.keyspace.db_count()];
    loop {
        tick.tick().await;
        let now = shared.clock.now_ms();
        crate::keyspace::sweep::sweep_once(&shared.keyspace, now, &mut cursors);
    }
}

/// The `timeout` sweep: every 100 ms (Redis's `hz 10` cron), when `timeout`
/// is set, closes the idle clients (see [`crate::client::Clients::close_idle`]).
/// The setting is read on each tick, so CONFIG SET applies at once.
async fn idle_sweep(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let timeout = shared
            .runtime
            .timeout
            .load(std::sync::atomic::Ordering::Relaxed);
        if timeout > 0 {
            shared.clients.close_idle(timeout, shared.clock.now_ms());
        }
    }
}
