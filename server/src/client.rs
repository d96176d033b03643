//! Per-connection client state, and the registry of connected clients that
//! CLIENT LIST / KILL and INFO read.
//!
//! [`Client`] is owned by its connection task and changed only there.
//! [`ClientInfo`] is the part other connections may read or act on (name,
//! address, current command, kill switch); it is shared through [`Clients`].

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
    /// Time of the last command, ms since the epoch.
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
    /// Set while the client WATCHes keys (INFO `watching_clients`).
    pub watching: AtomicBool,
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
            watching: AtomicBool::new(false),
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

    pub fn blocked(&self) -> usize {
        self.map
            .iter()
            .filter(|c| c.blocked.load(Ordering::Relaxed))
            .count()
    }
}
