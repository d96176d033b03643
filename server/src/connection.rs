//! One client connection: read requests, run them, write replies.
//!
//! ```text
//!  socket ──read──▶ rbuf ──Decoder──▶ args ──dispatch──▶ Reply ──encode──▶ wbuf ──write──▶ socket
//!                                        │ (auth, MULTI queueing, arity: here)
//!                                        └─ blocking command: wait for a key signal, run again
//! ```
//!
//! Every request already in the read buffer is run in order before the
//! replies are written together (pipelining). The write buffer is flushed
//! whenever it passes [`FLUSH_AT`], and reading pauses while a write waits on
//! a slow reader, so a client that never reads holds at most one batch of
//! replies in memory and never blocks other clients.
//!
//! Error tiers: a protocol error gets `-ERR Protocol error: ...` and the
//! connection closes; a command error is a reply and the connection goes on;
//! an I/O error closes only this connection.

use crate::client::Client;
use crate::commands::{self, flags, Ctx, Rerun, TableEntry, TABLE};
use crate::error::{Error, ServerError};
use crate::protocol::{Args, Decoder, Limits, Reply};
use crate::state::Shared;
use bytes::BytesMut;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::Instrument;

/// Write buffer size that triggers a write before more requests are run.
pub const FLUSH_AT: usize = 64 * 1024;

/// Serves one accepted socket until it closes, is killed, or the server shuts down.
pub async fn serve(socket: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let laddr = socket.local_addr().unwrap_or(peer);
    let info = shared.clients.register(peer, laddr, shared.clock.now_ms());
    let id = info.id;
    let authenticated = shared.requirepass().is_none();
    let span = tracing::debug_span!("conn", id, %peer);
    let mut conn = Connection {
        socket,
        rbuf: BytesMut::with_capacity(16 * 1024),
        wbuf: BytesMut::with_capacity(16 * 1024),
        decoder: Decoder::new(),
        args: Args::new(),
        batch_now: None,
        last_entry: 0,
        client: Client::new(info, authenticated),
        shared: shared.clone(),
    };
    async {
        tracing::debug!("accepted");
        if let Err(e) = conn.run().await {
            tracing::debug!("closed: {e}");
        }
    }
    .instrument(span)
    .await;
    conn.cleanup();
    shared.clients.unregister(id);
}

/// Replies to a client over the `maxclients` limit and closes, as Redis does.
pub async fn refuse(mut socket: TcpStream, shared: Arc<Shared>) {
    shared
        .clients
        .rejected_connections
        .fetch_add(1, Ordering::Relaxed);
    let line = format!("-{}\r\n", ServerError::MaxClients);
    let _ = socket.write_all(line.as_bytes()).await;
}

struct Connection {
    socket: TcpStream,
    rbuf: BytesMut,
    wbuf: BytesMut,
    decoder: Decoder,
    /// The current request's arguments; one vector reused for every request.
    args: Args,
    /// The clock as read for the fast commands of the current batch (see
    /// [`Connection::handle`]); None: read it for the next command.
    batch_now: Option<u64>,
    /// Address of the table entry of the last command run (0: none yet),
    /// to tell when `ClientInfo::last_cmd` must change. Entries live in
    /// `Shared::table` for the server's lifetime, so an address names one.
    last_entry: usize,
    client: Client,
    shared: Arc<Shared>,
}

/// What running one request asks the connection to do next.
enum Next {
    Continue,
    Close,
}

impl Connection {
    async fn run(&mut self) -> std::io::Result<()> {
        loop {
            loop {
                let limits = Limits {
                    max_bulk_len: self
                        .shared
                        .runtime
                        .proto_max_bulk_len
                        .load(Ordering::Relaxed),
                    unauthenticated: !self.client.authenticated,
                };
                let mut args = std::mem::take(&mut self.args);
                match self.decoder.decode_into(&mut self.rbuf, &limits, &mut args) {
                    Ok(true) => {
                        let next = self.handle(&mut args).await;
                        // Release the arguments' buffer references now, keep the vector.
                        args.clear();
                        self.args = args;
                        if let Next::Close = next {
                            self.flush().await?;
                            return Ok(());
                        }
                        if self.wbuf.len() >= FLUSH_AT {
                            self.flush().await?;
                        }
                    }
                    Ok(false) => {
                        self.args = args;
                        break;
                    }
                    Err(e) => {
                        let text = e.to_string();
                        self.shared.stats.record_error(&text);
                        self.wbuf.extend_from_slice(&e.wire());
                        self.flush().await?;
                        tracing::debug!("protocol error: {}", e.0);
                        return Ok(());
                    }
                }
            }
            self.flush().await?;
            let limit = self
                .shared
                .runtime
                .query_buffer_limit
                .load(Ordering::Relaxed);
            if self.rbuf.len() as i64 > limit {
                tracing::warn!("closing client that reached max query buffer length");
                return Ok(());
            }
            if self.rbuf.capacity() - self.rbuf.len() < 4096 {
                self.rbuf.reserve(16 * 1024);
            }
            tokio::select! {
                n = self.socket.read_buf(&mut self.rbuf) => {
                    let n = n?;
                    if n == 0 {
                        return Ok(());
                    }
                    self.batch_now = None;
                    self.shared.stats.net_input_bytes.fetch_add(n as u64, Ordering::Relaxed);
                    self.touch();
                }
                _ = self.client.info.kill.cancelled() => return Ok(()),
                _ = self.shared.shutdown.cancelled() => return Ok(()),
            }
        }
    }

    /// Records an interaction (bytes read or written) for CLIENT LIST's
    /// `idle` and the `timeout` sweep, as Redis updates `lastinteraction`.
    fn touch(&self) {
        let now = self.shared.clock.now_ms();
        self.client.info.last_ms.store(now, Ordering::Relaxed);
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        // Writing may wait on a slow reader: the next command reads the clock.
        self.batch_now = None;
        if !self.wbuf.is_empty() {
            self.socket.write_all(&self.wbuf).await?;
            self.shared
                .stats
                .net_output_bytes
                .fetch_add(self.wbuf.len() as u64, Ordering::Relaxed);
            self.wbuf.clear();
            self.touch();
        }
        Ok(())
    }

    /// Runs one request and encodes its reply.
    ///
    /// The time a command sees is read once and reused by the commands after
    /// it in the same batch of pipelined requests, as long as those before
    /// them were FAST ones (O(1)-ish, never blocking): the time they see is
    /// then at most one batch of fast commands old (well under a
    /// millisecond), and a clock read per command was about 4% of a trivial
    /// command's instructions. Any other command, a blocked one, a write
    /// that waited and each new read from the socket start again from the
    /// clock. A clock set by a test between two round trips is seen at once.
    async fn handle(&mut self, args: &mut Args) -> Next {
        let now = match self.batch_now.take() {
            Some(now) => now,
            None => self.shared.clock.now_ms(),
        };
        let reply = match self.dispatch(args, now).await {
            Some(r) => r,
            None => return Next::Close,
        };
        // CLIENT REPLY OFF / SKIP: the command ran, its reply is dropped.
        let suppress = self.client.reply_off || self.client.reply_skip;
        self.client.reply_skip = std::mem::take(&mut self.client.reply_skip_next);
        if suppress {
            count_errors(&self.shared, &reply);
        } else {
            self.write_reply(&reply);
        }
        if self.client.close_after_reply {
            return Next::Close;
        }
        Next::Continue
    }

    fn write_reply(&mut self, reply: &Reply) {
        count_errors(&self.shared, reply);
        reply.encode(&mut self.wbuf, self.client.resp3);
    }

    /// Resolves, checks and runs a request. None: close the connection now.
    async fn dispatch(&mut self, args: &mut Args, now: u64) -> Option<Reply> {
        let shared = self.shared.clone();
        let entry = match TABLE.resolve(args) {
            Ok(e) => e,
            Err(e) => {
                if let Error::WrongArity(name) = &e {
                    if let Some(en) = TABLE.get(name.split('|').next().unwrap_or("").as_bytes()) {
                        shared.cmd_stats[en.index]
                            .rejected_calls
                            .fetch_add(1, Ordering::Relaxed);
                    }
                    // Redis rejects a malformed EXEC by discarding the
                    // transaction (in MULTI or not): execCommandAbort.
                    if name == "exec" {
                        commands::transactions::end_multi(&mut self.client);
                        commands::transactions::unwatch_all(&shared, &mut self.client);
                        return Some(Error::from(ServerError::ExecAbortArity(name.clone())).into());
                    }
                }
                self.flag_multi_dirty();
                // These quote the client's bytes: send them exactly (the
                // error's text form would alter bytes that are not UTF-8).
                let wire = match &e {
                    Error::UnknownCommand(..) => crate::error::unknown_command_wire(args),
                    Error::UnknownSubcommand(..) => {
                        crate::error::unknown_subcommand_wire(&args[0], &args[1])
                    }
                    _ => return Some(e.into()),
                };
                shared.stats.record_error(&e.to_string());
                return Some(Reply::Raw(wire));
            }
        };
        // Pipelines repeat a command: CLIENT LIST's copy of its name is
        // rewritten (into the same buffer) only when the command changes.
        let entry_addr = entry as *const TableEntry as usize;
        if self.last_entry != entry_addr {
            self.last_entry = entry_addr;
            let mut last = self.client.info.last_cmd.lock();
            last.clear();
            last.push_str(&entry.full_name);
        }
        if !self.client.authenticated && !entry.cmd.has(flags::NO_AUTH) {
            shared.cmd_stats[entry.index]
                .rejected_calls
                .fetch_add(1, Ordering::Relaxed);
            self.flag_multi_dirty();
            return Some(Error::NoAuth.into());
        }
        if self.client.multi.is_some() {
            let top = entry.parent.unwrap_or(entry.cmd).name;
            if !matches!(
                top,
                "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
            ) {
                if entry.cmd.has(flags::NO_MULTI) {
                    shared.cmd_stats[entry.index]
                        .rejected_calls
                        .fetch_add(1, Ordering::Relaxed);
                    self.flag_multi_dirty();
                    return Some(Error::NotAllowedInMulti.into());
                }
                self.client
                    .multi
                    .as_mut()
                    .expect("in multi")
                    .push(std::mem::take(args));
                return Some(Reply::status("QUEUED"));
            }
        }
        self.execute(entry, args, now).await
    }

    fn flag_multi_dirty(&mut self) {
        if self.client.multi.is_some() {
            self.client.multi_dirty = true;
        }
    }

    /// Runs a command under the keyspace gate; waits if it blocks.
    async fn execute(&mut self, entry: &TableEntry, args: &Args, now: u64) -> Option<Reply> {
        let req = {
            // Borrows of two fields, not a clone of the Arc per command.
            let shared = &self.shared;
            shared
                .stats
                .commands_processed
                .fetch_add(1, Ordering::Relaxed);
            let _shared_gate;
            let _exclusive_gate;
            if entry.cmd.has(flags::EXCLUSIVE) {
                _exclusive_gate = shared.keyspace.exclusive();
            } else {
                _shared_gate = shared.keyspace.shared();
            }
            let mut ctx = Ctx {
                shared,
                client: &mut self.client,
                now_ms: now,
                block: None,
                rerun: None,
            };
            let reply = commands::call(&mut ctx, entry, args);
            // The common case returns here, without moving the (large,
            // empty) block request around.
            if ctx.block.is_none() {
                if entry.cmd.has(flags::FAST) {
                    self.batch_now = Some(now);
                }
                return Some(reply);
            }
            ctx.block.take().expect("checked")
        };
        self.block(entry, req).await
    }

    /// Waits for a key signal or the timeout, running the command again on each
    /// signal until it has a reply. None: the client was killed, hung up, or
    /// the server is shutting down.
    async fn block(&mut self, entry: &TableEntry, req: commands::BlockRequest) -> Option<Reply> {
        let shared = self.shared.clone();
        // Commands that consume what they read (XREADGROUP: WRITE) are served
        // in the order they blocked, one at a time (keyspace::events).
        let ordered = entry.cmd.has(flags::WRITE);
        let blocked = shared
            .keyspace
            .events
            .block(self.client.db, req.keys.clone(), ordered);
        self.client.info.blocked.store(true, Ordering::Relaxed);
        let deadline = req.timeout.map(|t| tokio::time::Instant::now() + t);
        let mut args = req.retry_args.clone();
        let mut first = true;
        let result = loop {
            // Redis frees a killed client at once: it must not take entries
            // written after the kill.
            if self.client.info.kill.is_cancelled() || shared.shutdown.is_cancelled() {
                break None;
            }
            // Run again right after registering (a write between the first
            // run and registering would otherwise be missed), then on each
            // wake-up: for an ordered waiter, only when its turn has come.
            let rerun = blocked.run(std::mem::take(&mut first), || {
                let ready = blocked.take_ready();
                let _gate = shared.keyspace.shared();
                let mut ctx = Ctx {
                    shared: &shared,
                    client: &mut self.client,
                    now_ms: shared.clock.now_ms(),
                    block: None,
                    rerun: Some(Rerun::KeysChanged(ready)),
                };
                let reply = commands::call(&mut ctx, entry, &args);
                match ctx.block.take() {
                    None => Some(reply),
                    Some(again) => {
                        args = again.retry_args;
                        None
                    }
                }
            });
            if let Some(Some(reply)) = rerun {
                break Some(reply);
            }
            match self.wait_blocked(&blocked, deadline).await {
                Some(true) => continue,
                Some(false) => break Some(req.timeout_reply.clone()),
                None => break None,
            }
        };
        drop(blocked);
        self.client.info.blocked.store(false, Ordering::Relaxed);
        result
    }

    /// Waits for a key change (Some(true)) or the deadline (Some(false)).
    /// Meanwhile the replies of commands run before the blocked one are
    /// written out, and input is read and kept for later, as Redis does; a
    /// client that hangs up, overflows its query buffer or is killed ends the
    /// wait with None, so it leaves the queue of waiters at once. Writing
    /// never holds up the wait: a client that does not read still gets (and
    /// passes on) its turns.
    async fn wait_blocked(
        &mut self,
        blocked: &crate::keyspace::events::Blocked<'_>,
        deadline: Option<tokio::time::Instant>,
    ) -> Option<bool> {
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(sleep);
        let shared = &*self.shared;
        let info = &self.client.info;
        let (mut rd, mut wr) = self.socket.split();
        loop {
            if self.rbuf.capacity() - self.rbuf.len() < 4096 {
                self.rbuf.reserve(16 * 1024);
            }
            tokio::select! {
                biased;
                _ = info.kill.cancelled() => return None,
                _ = shared.shutdown.cancelled() => return None,
                _ = blocked.notified() => return Some(true),
                _ = &mut sleep => return Some(false),
                n = wr.write_buf(&mut self.wbuf), if !self.wbuf.is_empty() => {
                    let n = n.unwrap_or(0);
                    if n == 0 {
                        return None;
                    }
                    shared.stats.net_output_bytes.fetch_add(n as u64, Ordering::Relaxed);
                    info.last_ms.store(shared.clock.now_ms(), Ordering::Relaxed);
                }
                n = rd.read_buf(&mut self.rbuf) => {
                    let n = n.unwrap_or(0);
                    if n == 0 {
                        return None;
                    }
                    shared.stats.net_input_bytes.fetch_add(n as u64, Ordering::Relaxed);
                    info.last_ms.store(shared.clock.now_ms(), Ordering::Relaxed);
                    let limit = shared.runtime.query_buffer_limit.load(Ordering::Relaxed);
                    if self.rbuf.len() as i64 > limit {
                        tracing::warn!("closing client that reached max query buffer length");
                        return None;
                    }
                }
            }
        }
    }

    /// Releases what the client holds in shared state (watches).
    fn cleanup(&mut self) {
        if let Some(w) = self.client.watch_waiter.take() {
            for (db, key, _) in self.client.watched.drain(..) {
                self.shared.keyspace.events.unregister(db, &key, &w);
            }
        }
    }
}

/// Counts error replies, including those nested in an EXEC reply, for INFO.
fn count_errors(shared: &Shared, reply: &Reply) {
    match reply {
        Reply::Error(e) => shared.stats.record_error(e),
        Reply::Array(items) => {
            for i in items {
                if let Reply::Error(e) = i {
                    shared.stats.record_error(e);
                }
            }
        }
        _ => {}
    }
}
