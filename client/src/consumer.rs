//! The consumer: a consumer-group worker that survives crashes.
//!
//! Tasks of one consumer (all stop on shutdown):
//! - read loop: first its own pending history (`XREADGROUP ... 0`, paged),
//!   then new entries (`XREADGROUP ... >` with COUNT/BLOCK, plus `CLAIM` on
//!   Redis 8.4+), on a connection of its own because a blocked read would
//!   stall every command queued behind it;
//! - claim loop (servers without XREADGROUP CLAIM): pages `XAUTOCLAIM`
//!   through the whole PEL every `claim_interval`, taking entries idle for
//!   longer than `claim_idle` (crashed consumers' and this consumer's own
//!   retries), and refreshes the lag gauge;
//! - one task per message running the handler.
//!
//! Invariants: at most `concurrency` messages are in flight (a semaphore
//! permit is taken before an entry is read or claimed and released when its
//! outcome is recorded); a message is in flight at most once per consumer
//! (the in-flight map is checked before dispatch); an entry leaves the PEL
//! only by XACK after success, or atomically with its XADD to the DLQ.
//! The handler runs for deliveries 1..=max_deliveries; a transient failure on
//! delivery max_deliveries, a permanent failure, or a delivery past
//! max_deliveries (a consumer crashed while handling it) dead-letters it.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::{AbortHandle, JoinHandle};
use tracing::Instrument;

use crate::client::{is_code, Client, Conn};
use crate::cmds;
use crate::dlq::{self, Failure};
use crate::error::{Error, Result};
use crate::id::StreamId;
use crate::metrics::{Metrics, MetricsSnapshot};
use crate::reply::{self, ReadEntry};

/// What the handler decided about a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Processed: acknowledge it.
    Ack,
    /// Transient failure: leave it pending; it is redelivered after
    /// `claim_idle`, and dead-lettered once it has had `max_deliveries` deliveries.
    Retry(String),
    /// Permanent failure: dead-letter it now.
    DeadLetter(String),
}

impl Outcome {
    /// A transient failure with a reason.
    pub fn retry(reason: impl Into<String>) -> Outcome {
        Outcome::Retry(reason.into())
    }
    /// A permanent failure with a reason.
    pub fn dead_letter(reason: impl Into<String>) -> Outcome {
        Outcome::DeadLetter(reason.into())
    }
}

/// A message handed to the handler.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Message {
    /// The entry ID.
    pub id: StreamId,
    /// Field/value pairs in the order they were added.
    pub fields: Vec<(Bytes, Bytes)>,
    /// This delivery's number (1 on first delivery).
    pub deliveries: u64,
}

impl Message {
    /// The value of the first field called `name`.
    pub fn get(&self, name: &[u8]) -> Option<&Bytes> {
        self.fields
            .iter()
            .find(|(f, _)| f.as_ref() == name)
            .map(|(_, v)| v)
    }
}

/// Consumer options (builder). `stream`, `group`, `consumer` are required.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConsumerOptions {
    /// Stream key.
    pub stream: Bytes,
    /// Group name.
    pub group: Bytes,
    /// This consumer's name (unique within the group; reuse it after a
    /// restart to pick up its own pending history first).
    pub consumer: Bytes,
    /// ID the group starts from if it has to be created (`0` = whole stream, `$` = new only).
    pub group_start: String,
    /// Max entries per read (COUNT).
    pub batch: usize,
    /// How long a read waits for new entries (BLOCK).
    pub block: Duration,
    /// Max messages in flight at once.
    pub concurrency: usize,
    /// Entries pending longer than this are reclaimed (crash recovery and retry delay).
    /// Handlers must finish well within it, or another consumer may take over.
    pub claim_idle: Duration,
    /// How often the claim loop runs.
    pub claim_interval: Duration,
    /// Deliveries a message gets before it is dead-lettered.
    pub max_deliveries: u64,
    /// Dead-letter stream (default `<stream>:dlq`, in the stream's hash slot).
    pub dlq: Option<Bytes>,
    /// How long shutdown waits for in-flight handlers before releasing them.
    pub shutdown_grace: Duration,
    /// Delete entries once acknowledged by every group (XACKDEL ACKED, Redis 8.2+;
    /// elsewhere a plain XACK and the trimmer removes them later).
    pub delete_acked: bool,
    /// Soft cap on the bytes of one read's reply (XREADGROUP MAXSIZE, Redis
    /// 8.10+): a read returns at least one entry, and stops after the entry
    /// that reaches the cap. Bounds the memory a batch of large messages
    /// takes. Servers without MAXSIZE read `batch` entries as usual.
    pub max_batch_bytes: Option<usize>,
}

impl ConsumerOptions {
    /// Options with defaults: batch 16, block 1 s, concurrency 16, claim idle
    /// 30 s every 5 s, 5 deliveries, group from `0`.
    pub fn new(
        stream: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
    ) -> Self {
        ConsumerOptions {
            stream: Bytes::copy_from_slice(stream.as_ref()),
            group: Bytes::copy_from_slice(group.as_ref()),
            consumer: Bytes::copy_from_slice(consumer.as_ref()),
            group_start: "0".into(),
            batch: 16,
            block: Duration::from_secs(1),
            concurrency: 16,
            claim_idle: Duration::from_secs(30),
            claim_interval: Duration::from_secs(5),
            max_deliveries: 5,
            dlq: None,
            shutdown_grace: Duration::from_secs(10),
            delete_acked: false,
            max_batch_bytes: None,
        }
    }
    /// See the field.
    pub fn group_start(mut self, id: impl Into<String>) -> Self {
        self.group_start = id.into();
        self
    }
    /// See the field.
    pub fn batch(mut self, n: usize) -> Self {
        self.batch = n;
        self
    }
    /// See the field.
    pub fn block(mut self, d: Duration) -> Self {
        self.block = d;
        self
    }
    /// See the field.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// See the field.
    pub fn claim_idle(mut self, d: Duration) -> Self {
        self.claim_idle = d;
        self
    }
    /// See the field.
    pub fn claim_interval(mut self, d: Duration) -> Self {
        self.claim_interval = d;
        self
    }
    /// See the field.
    pub fn max_deliveries(mut self, n: u64) -> Self {
        self.max_deliveries = n;
        self
    }
    /// See the field.
    pub fn dlq(mut self, key: impl AsRef<[u8]>) -> Self {
        self.dlq = Some(Bytes::copy_from_slice(key.as_ref()));
        self
    }
    /// See the field.
    pub fn shutdown_grace(mut self, d: Duration) -> Self {
        self.shutdown_grace = d;
        self
    }
    /// See the field.
    pub fn delete_acked(mut self, yes: bool) -> Self {
        self.delete_acked = yes;
        self
    }
    /// See the field.
    pub fn max_batch_bytes(mut self, n: usize) -> Self {
        self.max_batch_bytes = Some(n);
        self
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Config(m.into()));
        if self.stream.is_empty() || self.group.is_empty() || self.consumer.is_empty() {
            return bad("stream, group and consumer must be non-empty");
        }
        if self.batch == 0 || self.concurrency == 0 {
            return bad("batch and concurrency must be at least 1");
        }
        if self.max_deliveries == 0 {
            return bad("max_deliveries must be at least 1");
        }
        if self.claim_idle.is_zero() {
            return bad("claim_idle must be positive");
        }
        if self.max_batch_bytes == Some(0) {
            return bad("max_batch_bytes must be at least 1");
        }
        Ok(())
    }
}

type BoxedHandler =
    Arc<dyn Fn(Message) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

struct Shared {
    client: Client,
    conn: Conn,
    opts: ConsumerOptions,
    dlq: Vec<u8>,
    handler: BoxedHandler,
    sem: Arc<Semaphore>,
    inflight: Mutex<HashMap<StreamId, AbortHandle>>,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
}

/// Starts consumers; see [`Consumer::start`].
#[derive(Debug)]
pub struct Consumer;

impl Consumer {
    /// Ensure the group exists (creating the stream if needed) and start
    /// consuming with `handler` in the background.
    pub async fn start<H, Fut>(
        client: &Client,
        opts: ConsumerOptions,
        handler: H,
    ) -> Result<ConsumerHandle>
    where
        H: Fn(Message) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        opts.validate()?;
        ensure_group(client, &opts.stream, &opts.group, &opts.group_start).await?;
        let read_conn = client.dedicated(opts.block).await?;
        let dlq = match &opts.dlq {
            Some(k) => k.to_vec(),
            None => dlq::default_dlq_key(client, &opts.stream),
        };
        let (stop_tx, stop) = watch::channel(false);
        let handler: BoxedHandler = Arc::new(move |m| Box::pin(handler(m)));
        let shared = Arc::new(Shared {
            client: client.clone(),
            conn: client.conn().clone(),
            dlq,
            handler,
            sem: Arc::new(Semaphore::new(opts.concurrency)),
            inflight: Mutex::new(HashMap::new()),
            metrics: Arc::new(Metrics::default()),
            stop,
            opts,
        });
        let span = tracing::info_span!(
            "sluice.consumer",
            stream = %String::from_utf8_lossy(&shared.opts.stream),
            group = %String::from_utf8_lossy(&shared.opts.group),
            consumer = %String::from_utf8_lossy(&shared.opts.consumer),
        );
        let reader = tokio::spawn(read_loop(shared.clone(), read_conn).instrument(span.clone()));
        let claimer = tokio::spawn(claim_loop(shared.clone()).instrument(span));
        Ok(ConsumerHandle {
            shared,
            stop_tx,
            tasks: vec![reader, claimer],
        })
    }
}

/// `XGROUP CREATE stream group start MKSTREAM`; an existing group
/// (`BUSYGROUP`) is fine. `start` is `0` (whole stream), `$` (new entries
/// only) or an ID.
pub async fn ensure_group(client: &Client, stream: &[u8], group: &[u8], start: &str) -> Result<()> {
    ensure_group_on(client.conn(), stream, group, start).await
}

async fn ensure_group_on(conn: &Conn, stream: &[u8], group: &[u8], start: &str) -> Result<()> {
    match conn.query(&cmds::xgroup_create(stream, group, start)).await {
        Ok(_) => Ok(()),
        Err(e) if is_code(&e, "BUSYGROUP") => Ok(()),
        Err(e) => Err(e),
    }
}

/// A running consumer.
pub struct ConsumerHandle {
    shared: Arc<Shared>,
    stop_tx: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for ConsumerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerHandle")
            .field("consumer", &self.shared.opts.consumer)
            .finish()
    }
}

impl ConsumerHandle {
    /// Current counters.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    /// Messages currently being handled.
    pub fn in_flight(&self) -> usize {
        self.shared.inflight.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Graceful shutdown: stop reading and claiming, wait up to
    /// `shutdown_grace` for in-flight handlers, then release the rest back to
    /// the group (XNACK SILENT where supported; otherwise XCLAIM ... IDLE so
    /// the next claim pass of any consumer takes them immediately).
    pub async fn shutdown(mut self) -> Result<MetricsSnapshot> {
        let _ = self.stop_tx.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
        let s = &self.shared;
        let all = s.opts.concurrency as u32;
        let drained = tokio::time::timeout(s.opts.shutdown_grace, s.sem.acquire_many(all)).await;
        if drained.is_err() {
            let unfinished: Vec<(StreamId, AbortHandle)> = s
                .inflight
                .lock()
                .map(|mut m| m.drain().collect())
                .unwrap_or_default();
            for (_, h) in &unfinished {
                h.abort();
            }
            let ids: Vec<StreamId> = unfinished.into_iter().map(|(id, _)| id).collect();
            if !ids.is_empty() {
                let o = &s.opts;
                let cmd = if s.client.capabilities().xnack {
                    cmds::xnack_silent(&o.stream, &o.group, &ids)
                } else {
                    cmds::xclaim_release(
                        &o.stream,
                        &o.group,
                        &o.consumer,
                        &ids,
                        release_idle(o.claim_idle),
                    )
                };
                retrying(|| s.conn.query(&cmd)).await?;
                tracing::info!(released = ids.len(), "released unfinished messages");
            }
        }
        Ok(s.metrics.snapshot())
    }

    /// Simulate a crash: stop everything at once, acknowledging and releasing
    /// nothing. In-flight messages stay pending under this consumer's name
    /// until another consumer (or this name, restarted) reclaims them.
    pub fn kill(mut self) {
        self.abort_all();
    }

    fn abort_all(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
        if let Ok(mut m) = self.shared.inflight.lock() {
            for (_, h) in m.drain() {
                h.abort();
            }
        }
    }
}

impl Drop for ConsumerHandle {
    fn drop(&mut self) {
        // Dropped without shutdown(): behave like kill (nothing leaks).
        self.abort_all();
    }
}

fn release_idle(claim_idle: Duration) -> Duration {
    // Idle enough for any claimer with a threshold up to 1000x ours, and far
    // below the server's clock so XCLAIM accepts it.
    (claim_idle * 1000)
        .max(Duration::from_secs(3600))
        .min(Duration::from_secs(86400 * 365))
}

/// Wait for at least one permit (or stop), then take up to `max` without waiting.
async fn permits(s: &Shared, max: usize) -> Option<Vec<OwnedSemaphorePermit>> {
    let mut stop = s.stop.clone();
    if *stop.borrow() {
        return None;
    }
    let first = tokio::select! {
        p = s.sem.clone().acquire_owned() => p.ok()?,
        _ = stop.changed() => return None,
    };
    let mut out = vec![first];
    while out.len() < max {
        match s.sem.clone().try_acquire_owned() {
            Ok(p) => out.push(p),
            Err(_) => break,
        }
    }
    Some(out)
}

fn stopped(s: &Shared) -> bool {
    *s.stop.borrow()
}

async fn pause(s: &Shared, d: Duration) {
    let mut stop = s.stop.clone();
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = stop.changed() => {}
    }
}

async fn read_loop(s: Arc<Shared>, conn: Conn) {
    let o = &s.opts;
    let mut backoff = Backoff::default();
    // MAXSIZE where the server has it (Redis 8.10); elsewhere COUNT alone.
    let max_bytes = o
        .max_batch_bytes
        .filter(|_| s.client.capabilities().read_caps);
    // 1. Own pending history, so a restarted consumer finishes what it held.
    let mut cursor = StreamId::MIN;
    while !stopped(&s) {
        let Some(mut held) = permits(&s, o.batch).await else {
            return;
        };
        let cmd = cmds::xreadgroup(
            &o.stream,
            &o.group,
            &o.consumer,
            held.len(),
            None,
            None,
            max_bytes,
            &cursor.to_string(),
        );
        let entries = match conn
            .query(&cmd)
            .await
            .and_then(|v| reply::xread_single("XREADGROUP", v))
        {
            Ok(e) => e,
            Err(e) => {
                on_error(&s, &e, &mut backoff).await;
                continue;
            }
        };
        backoff.reset();
        let Some(last) = entries.last() else { break };
        cursor = last.id;
        dispatch_with_counts(&s, entries, &mut held).await;
    }
    // 2. New entries (and, with XREADGROUP CLAIM, idle ones too).
    let claim = s
        .client
        .capabilities()
        .xreadgroup_claim
        .then_some(o.claim_idle);
    while !stopped(&s) {
        let Some(mut held) = permits(&s, o.batch).await else {
            return;
        };
        let cmd = cmds::xreadgroup(
            &o.stream,
            &o.group,
            &o.consumer,
            held.len(),
            Some(o.block),
            claim,
            max_bytes,
            ">",
        );
        let entries = match conn
            .query(&cmd)
            .await
            .and_then(|v| reply::xread_single("XREADGROUP", v))
        {
            Ok(e) => e,
            Err(e) => {
                on_error(&s, &e, &mut backoff).await;
                continue;
            }
        };
        backoff.reset();
        for entry in entries {
            // With CLAIM (Redis 8.4) every entry carries [idle, count], count
            // taken before this delivery's increment; new entries carry 0, 0.
            let deliveries = match entry.claimed {
                Some((_, count)) if count > 0 => {
                    Metrics::add(&s.metrics.claimed, 1);
                    count.saturating_add(1)
                }
                _ => 1,
            };
            let Some(permit) = held.pop() else { break };
            dispatch(&s, entry, deliveries, permit);
        }
    }
}

async fn claim_loop(s: Arc<Shared>) {
    let o = &s.opts;
    let mut backoff = Backoff::default();
    let claim = !s.client.capabilities().xreadgroup_claim;
    while !stopped(&s) {
        pause(&s, o.claim_interval).await;
        if claim {
            let mut cursor = StreamId::MIN;
            while !stopped(&s) {
                let Some(mut held) = permits(&s, o.batch).await else {
                    return;
                };
                let cmd = cmds::xautoclaim(
                    &o.stream,
                    &o.group,
                    &o.consumer,
                    o.claim_idle,
                    cursor,
                    held.len(),
                );
                let (next, entries, deleted) =
                    match s.conn.query(&cmd).await.and_then(reply::xautoclaim) {
                        Ok(r) => r,
                        Err(e) => {
                            on_error(&s, &e, &mut backoff).await;
                            break;
                        }
                    };
                backoff.reset();
                if !deleted.is_empty() {
                    // The server dropped these from the PEL: their payload was deleted.
                    Metrics::add(&s.metrics.deleted_pending, deleted.len() as u64);
                    tracing::warn!(
                        count = deleted.len(),
                        "pending entries were deleted from the stream"
                    );
                }
                let taken = dispatch_with_counts(&s, entries, &mut held).await;
                Metrics::add(&s.metrics.claimed, taken as u64);
                if next == StreamId::MIN {
                    break;
                }
                cursor = next;
            }
        }
        if let Ok(groups) = crate::trim::group_states(&s.client, &o.stream).await {
            let lag = groups
                .iter()
                .find(|g| g.name == o.group)
                .and_then(|g| g.lag);
            s.metrics.set_lag(lag);
        }
    }
}

/// Look up each entry's delivery count (XPENDING per ID, pipelined) and
/// dispatch; entries no longer pending (acked meanwhile) are dropped.
/// Returns how many were dispatched.
async fn dispatch_with_counts(
    s: &Arc<Shared>,
    entries: Vec<ReadEntry>,
    held: &mut Vec<OwnedSemaphorePermit>,
) -> usize {
    if entries.is_empty() {
        return 0;
    }
    let o = &s.opts;
    let mut pipe = redis::pipe();
    for e in &entries {
        pipe.add_command(cmds::xpending_one(&o.stream, &o.group, e.id));
    }
    let counts: Vec<Option<u64>> = match s
        .conn
        .pipe(&pipe)
        .await
        .and_then(|v| reply::items("XPENDING", v))
    {
        Ok(replies) => replies
            .into_iter()
            .map(|r| {
                // [[id, consumer, idle, count]] or [] when not pending.
                let rows = reply::items("XPENDING", r).ok()?;
                let row = reply::items("XPENDING", rows.into_iter().next()?).ok()?;
                // The server keeps the count unsigned and replies with it as a
                // signed integer: a negative one is past i64::MAX (XNACK FATAL,
                // then claimed again), so it must read as huge, not as zero.
                reply::int(row.get(3)?).map(|c| c as u64)
            })
            .collect(),
        Err(e) => {
            // Without counts we cannot enforce max_deliveries: leave the
            // entries pending; the claim loop offers them again.
            tracing::warn!(error = %e, "could not read delivery counts");
            return 0;
        }
    };
    let mut dispatched = 0;
    for (entry, count) in entries.into_iter().zip(counts) {
        let Some(count) = count else { continue };
        let Some(permit) = held.pop() else { break };
        dispatched += dispatch(s, entry, count, permit) as usize;
    }
    dispatched
}

fn dispatch(
    s: &Arc<Shared>,
    entry: ReadEntry,
    deliveries: u64,
    permit: OwnedSemaphorePermit,
) -> bool {
    let mut inflight = match s.inflight.lock() {
        Ok(m) => m,
        Err(p) => p.into_inner(),
    };
    if inflight.contains_key(&entry.id) {
        return false; // already being handled here (claimed back from ourselves)
    }
    let id = entry.id;
    let span = tracing::info_span!("sluice.message", id = %id, deliveries);
    let task = tokio::spawn(handle(s.clone(), entry, deliveries, permit).instrument(span));
    inflight.insert(id, task.abort_handle());
    true
}

async fn handle(s: Arc<Shared>, entry: ReadEntry, deliveries: u64, permit: OwnedSemaphorePermit) {
    let o = &s.opts;
    let id = entry.id;
    let result = match entry.fields {
        None => {
            // Pending, but the payload is gone (deleted/trimmed): nothing to process.
            Metrics::add(&s.metrics.deleted_pending, 1);
            ack(&s, id).await
        }
        Some(fields) if deliveries > o.max_deliveries => {
            // A consumer died while handling it on its last allowed delivery.
            to_dlq(&s, id, &fields, "max deliveries exceeded", deliveries - 1).await
        }
        Some(fields) => {
            let msg = Message {
                id,
                fields,
                deliveries,
            };
            let fields = msg.fields.clone();
            let outcome = match CatchUnwind((s.handler)(msg)).await {
                Ok(o) => o,
                Err(()) => Outcome::retry("handler panicked"),
            };
            match outcome {
                Outcome::Ack => {
                    let r = ack(&s, id).await;
                    if r.is_ok() {
                        Metrics::add(&s.metrics.processed, 1);
                    }
                    r
                }
                Outcome::Retry(reason) if deliveries >= o.max_deliveries => {
                    to_dlq(&s, id, &fields, &reason, deliveries).await
                }
                Outcome::Retry(reason) => {
                    Metrics::add(&s.metrics.retried, 1);
                    tracing::debug!(%reason, "transient failure, left pending");
                    Ok(())
                }
                Outcome::DeadLetter(reason) => to_dlq(&s, id, &fields, &reason, deliveries).await,
            }
        }
    };
    if let Err(e) = result {
        // The entry stays pending and is reclaimed later (at-least-once).
        tracing::warn!(error = %e, %id, "could not record outcome");
    }
    if let Ok(mut m) = s.inflight.lock() {
        m.remove(&id);
    }
    drop(permit);
}

async fn ack(s: &Shared, id: StreamId) -> Result<()> {
    let o = &s.opts;
    let cmd = if o.delete_acked && s.client.capabilities().xackdel {
        cmds::xackdel_acked(&o.stream, &o.group, &[id])
    } else {
        cmds::xack(&o.stream, &o.group, &[id])
    };
    retrying(|| s.conn.query(&cmd)).await.map(drop)
}

async fn to_dlq(
    s: &Shared,
    id: StreamId,
    fields: &[(Bytes, Bytes)],
    reason: &str,
    deliveries: u64,
) -> Result<()> {
    let o = &s.opts;
    let failure = Failure {
        stream: &o.stream,
        group: &o.group,
        consumer: &o.consumer,
        id,
        fields,
        reason,
        deliveries,
    };
    retrying(|| dlq::move_to_dlq(&s.conn, &s.dlq, &failure)).await?;
    Metrics::add(&s.metrics.dead_lettered, 1);
    tracing::info!(%reason, deliveries, "dead-lettered");
    Ok(())
}

/// Retry connection-level failures a few times (a reconnect usually fixes them).
async fn retrying<T, F, Fut>(mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut delay = Duration::from_millis(20);
    for _ in 0..5 {
        match f().await {
            Err(e) if e.is_transient() => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            r => return r,
        }
    }
    f().await
}

async fn on_error(s: &Shared, e: &Error, backoff: &mut Backoff) {
    let o = &s.opts;
    if is_code(e, "NOGROUP") {
        // Stream or group deleted under us: recreate and go on.
        tracing::warn!("group missing, recreating");
        if let Err(e) = ensure_group_on(&s.conn, &o.stream, &o.group, &o.group_start).await {
            tracing::warn!(error = %e, "could not recreate group");
        }
    } else {
        tracing::warn!(error = %e, "stream command failed");
    }
    pause(s, backoff.next()).await;
}

#[derive(Default)]
struct Backoff(u32);

impl Backoff {
    fn next(&mut self) -> Duration {
        self.0 = (self.0 + 1).min(6);
        Duration::from_millis(25 << self.0)
    }
    fn reset(&mut self) {
        self.0 = 0;
    }
}

/// Turns a panic in the handler into an error instead of losing the task.
struct CatchUnwind(Pin<Box<dyn Future<Output = Outcome> + Send>>);

impl Future for CatchUnwind {
    type Output = std::result::Result<Outcome, ()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Ready(o)) => Poll::Ready(Ok(o)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
