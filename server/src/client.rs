//! Per-connection client state, and the registry of connected clients that
//! CLIENT LIST / KILL and INFO read.
//!
//! [`Client`] is owned by its connection task and changed only there.
//! [`ClientInfo`] is the part other connections may read or act on (name,
//! address, current command, kill switch); it is shared through [`Clients`].
//!
//! [`Clients::close_idle`] applies the `timeout` setting (the server's idle
//! sweep calls it every 100 ms): like Redis's
//! `clientsCronHandleTimeout`, it closes clients idle for more than `timeout`
//! seconds, except those waiting in a blocking command. A client's
//! `last_ms` is its last interaction (Redis's `lastinteraction`): bytes read
//! from it or written to it; the connection stores it, one atomic store per
//! read or write, and only the sweep reads it.

use crate::keyspace::WaitHandle;
use crate::protocol::Args;
use bytes::Bytes;
use dashmap::DashMap;
use parking_lot::Mutex;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// What other connections can see of a client.
#[derive(Debug)]
pub struct ClientInfo {
    pub id: u64,
    pub addr: SocketAddr,
    pub laddr: SocketAddr,
    /// Connection time, ms since the epoch.
    pub created_ms: u64,
    /// Time of the last interaction (bytes read from or written to the
    /// client), ms since the epoch: CLIENT LIST `idle` and the `timeout` sweep.
    pub last_ms: AtomicU64,
    pub name: Mutex<Option<Bytes>>,
    pub lib_name: Mutex<Option<Bytes>>,
    pub lib_ver: Mutex<Option<Bytes>>,
    /// Last command run, lowercase full name (`client|list`).
    pub last_cmd: Mutex<String>,
    pub db: AtomicUsize,
    pub resp: AtomicUsize,
    /// Set while the client waits in a blocking command.
    pub blocked: AtomicBool,
    pub multi: AtomicBool,
    /// How many keys the client WATCHes (CLIENT LIST `watch`; INFO
    /// `watching_clients` counts the clients where it is not 0).
    pub watched_keys: AtomicUsize,
    /// Cancelled by CLIENT KILL: the connection closes at once.
    pub kill: CancellationToken,
}

/// The connection's own state.
#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub info: Arc<ClientInfo>,
    /// Selected database.
    pub db: usize,
    /// RESP3 when true (after `HELLO 3`).
    pub resp3: bool,
    pub authenticated: bool,
    /// Commands queued since MULTI; None outside a transaction.
    pub multi: Option<Vec<Args>>,
    /// A command was rejected while queueing: EXEC must abort.
    pub multi_dirty: bool,
    /// True while EXEC runs the queue (blocking commands do not block).
    pub in_exec: bool,
    /// Keys watched by WATCH, with whether each was live when watched.
    pub watched: Vec<(usize, Bytes, bool)>,
    /// Fired when a watched key changes.
    pub watch_waiter: Option<WaitHandle>,
    /// Close the connection once the current reply is written (QUIT).
    pub close_after_reply: bool,
    /// CLIENT REPLY OFF: replies are dropped until CLIENT REPLY ON.
    pub reply_off: bool,
    /// Drop the reply of the command running now (CLIENT REPLY SKIP itself,
    /// then the command after it).
    pub reply_skip: bool,
    /// CLIENT REPLY SKIP ran: the next command's reply is dropped.
    pub reply_skip_next: bool,
}

impl Client {
    pub fn new(info: Arc<ClientInfo>, authenticated: bool) -> Client {
        Client {
            id: info.id,
            info,
            db: 0,
            resp3: false,
            authenticated,
            multi: None,
            multi_dirty: false,
            in_exec: false,
            watched: Vec::new(),
            watch_waiter: None,
            close_after_reply: false,
            reply_off: false,
            reply_skip: false,
            reply_skip_next: false,
        }
    }

    pub fn select(&mut self, db: usize) {
        self.db = db;
        self.info.db.store(db, Ordering::Relaxed);
    }
}

/// All connected clients, by ID.
#[derive(Debug, Default)]
pub struct Clients {
    next_id: AtomicU64,
    pub map: DashMap<u64, Arc<ClientInfo>>,
    /// Connections accepted since start (INFO stats).
    pub total_connections: AtomicU64,
    /// Connections refused because of maxclients.
    pub rejected_connections: AtomicU64,
    /// Connections accepted and not yet closed: what `maxclients` limits.
    /// Counted at accept (before the connection task registers the client),
    /// so a burst of accepts cannot overshoot the limit.
    pub live: AtomicUsize,
}

impl Clients {
    pub fn register(&self, addr: SocketAddr, laddr: SocketAddr, now_ms: u64) -> Arc<ClientInfo> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let info = Arc::new(ClientInfo {
            id,
            addr,
            laddr,
            created_ms: now_ms,
            last_ms: AtomicU64::new(now_ms),
            name: Mutex::new(None),
            lib_name: Mutex::new(None),
            lib_ver: Mutex::new(None),
            last_cmd: Mutex::new("NULL".into()),
            db: AtomicUsize::new(0),
            resp: AtomicUsize::new(2),
            blocked: AtomicBool::new(false),
            multi: AtomicBool::new(false),
            watched_keys: AtomicUsize::new(0),
            kill: CancellationToken::new(),
        });
        self.map.insert(id, info.clone());
        self.total_connections.fetch_add(1, Ordering::Relaxed);
        info
    }

    pub fn unregister(&self, id: u64) {
        self.map.remove(&id);
    }

    pub fn connected(&self) -> usize {
        self.map.len()
    }

    /// Closes the clients idle for more than `timeout_s` seconds at `now_ms`,
    /// blocked clients excepted; returns how many. Times are compared in
    /// whole seconds, as Redis compares `unixtime - lastinteraction`, so a
    /// client is closed between `timeout` and `timeout + 1` seconds after
    /// its last interaction.
    pub fn close_idle(&self, timeout_s: i64, now_ms: u64) -> usize {
        if timeout_s <= 0 {
            return 0;
        }
        let now_s = (now_ms / 1000) as i64;
        let mut closed = 0;
        for c in self.map.iter() {
            let last_s = (c.last_ms.load(Ordering::Relaxed) / 1000) as i64;
            if now_s - last_s > timeout_s
                && !c.blocked.load(Ordering::Relaxed)
                && !c.kill.is_cancelled()
            {
                tracing::debug!(id = c.id, "closing idle client");
                c.kill.cancel();
                closed += 1;
            }
        }
        closed
    }

    pub fn blocked(&self) -> usize {
        self.map
            .iter()
            .filter(|c| c.blocked.load(Ordering::Relaxed))
            .count()
    }
}
