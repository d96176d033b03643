//! Producer: XADD with optional retention and optional idempotent production.
//!
//! Retention never drops unread data: where the server has ACKED trimming
//! (Redis 8.2+) the cap rides on XADD with `ACKED`; elsewhere the producer
//! runs the lag-aware [`Trimmer`] every `trim_every` sends instead of
//! trimming inline (plain `XADD MAXLEN` would cut entries a slow group has
//! not read).
//!
//! Idempotent production: with IDMP (Redis 8.6+) the server deduplicates
//! `(producer-id, idempotent-id)`. The fallback is a WATCH/MULTI transaction
//! on a connection of the producer's own, with a marker key (same hash slot
//! as the stream) that expires after `idempotency_window`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use redis::Value;
use tokio::sync::Mutex;

use crate::client::{Client, Conn};
use crate::cmds::{self, TrimBound};
use crate::error::{Error, Result};
use crate::id::StreamId;
use crate::reply;
use crate::trim::{Retention, Trimmer};

/// Producer options (builder).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ProducerOptions {
    /// Length/age cap, applied without removing unread entries.
    pub retention: Option<Retention>,
    /// Run the trimmer every this many sends (fallback path only).
    pub trim_every: u64,
    /// Producer ID for idempotent sends.
    pub producer_id: Option<Bytes>,
    /// How long an idempotent-id is remembered by the fallback.
    pub idempotency_window: Duration,
}

impl Default for ProducerOptions {
    fn default() -> Self {
        ProducerOptions {
            retention: None,
            trim_every: 100,
            producer_id: None,
            idempotency_window: Duration::from_secs(3600),
        }
    }
}

impl ProducerOptions {
    /// Default options: no retention, not idempotent.
    pub fn new() -> Self {
        Self::default()
    }
    /// Cap the stream (see [`Retention`]).
    pub fn retention(mut self, r: Retention) -> Self {
        self.retention = Some(r);
        self
    }
    /// Trim every `n` sends on the fallback path.
    pub fn trim_every(mut self, n: u64) -> Self {
        self.trim_every = n.max(1);
        self
    }
    /// Enable [`Producer::send_idempotent`] under this producer ID.
    pub fn producer_id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.producer_id = Some(Bytes::copy_from_slice(id.as_ref()));
        self
    }
    /// How long the fallback remembers idempotent IDs.
    pub fn idempotency_window(mut self, d: Duration) -> Self {
        self.idempotency_window = d;
        self
    }
}

/// Result of an idempotent send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Added now, with this ID.
    Added(StreamId),
    /// Already added earlier; the original ID when known.
    Duplicate(Option<StreamId>),
}

/// Appends messages to one stream.
pub struct Producer {
    client: Client,
    stream: Bytes,
    opts: ProducerOptions,
    sends: AtomicU64,
    trimmer: Option<Trimmer>,
    watch_conn: Arc<Mutex<Option<Conn>>>,
}

impl Producer {
    /// A producer for `stream`.
    pub fn new(client: &Client, stream: impl AsRef<[u8]>, opts: ProducerOptions) -> Producer {
        let stream = Bytes::copy_from_slice(stream.as_ref());
        let trimmer = opts
            .retention
            .map(|r| Trimmer::new(client, stream.clone(), r));
        Producer {
            client: client.clone(),
            stream,
            opts,
            sends: AtomicU64::new(0),
            trimmer,
            watch_conn: Arc::new(Mutex::new(None)),
        }
    }

    fn inline_trim(&self) -> Option<(TrimBound, bool)> {
        if !self.client.capabilities().acked_trim {
            return None;
        }
        match self.opts.retention? {
            Retention::MaxLen(n) => Some((TrimBound::MaxLen(n), true)),
            Retention::MaxAge(age) => Some((TrimBound::MinId(min_id_for_age(age)), true)),
        }
    }

    /// Periodic safe trim on the fallback path. Its failure is logged, not
    /// returned: the message is already added, and an error here would make
    /// the caller retry the send and duplicate it.
    async fn after_send(&self) {
        let n = self.sends.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(t) = &self.trimmer {
            if !self.client.capabilities().acked_trim && n.is_multiple_of(self.opts.trim_every) {
                if let Err(e) = t.trim_once().await {
                    tracing::warn!(error = %e, "retention trim failed");
                }
            }
        }
    }

    /// Append one message; returns its ID.
    pub async fn send<K: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        fields: &[(K, V)],
    ) -> Result<StreamId> {
        let fields = as_pairs(fields)?;
        let cmd = cmds::xadd(&self.stream, self.inline_trim(), None, &fields);
        let v = self.client.command(&cmd).await?;
        let id = reply::id("XADD", &v)?;
        self.after_send().await;
        Ok(id)
    }

    /// Append one message unless `(producer_id, idempotent_id)` was already
    /// sent within the window. Safe to retry after a timeout.
    pub async fn send_idempotent<K: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        idempotent_id: impl AsRef<[u8]>,
        fields: &[(K, V)],
    ) -> Result<Sent> {
        let pid = self.opts.producer_id.clone().ok_or_else(|| {
            Error::Config("send_idempotent needs ProducerOptions::producer_id".into())
        })?;
        let iid = idempotent_id.as_ref();
        let fields = as_pairs(fields)?;
        let sent = if self.client.capabilities().idmp {
            let cmd = cmds::xadd(&self.stream, self.inline_trim(), Some((&pid, iid)), &fields);
            // The server returns the original ID for a duplicate; it does not
            // say which case happened, so both report Added.
            Sent::Added(reply::id("XADD", &self.client.command(&cmd).await?)?)
        } else {
            self.send_watched(&pid, iid, &fields).await?
        };
        if matches!(sent, Sent::Added(_)) {
            self.after_send().await;
        }
        Ok(sent)
    }

    /// Fallback: WATCH marker; GET marker; if unset MULTI XADD + SET marker EXEC.
    /// WATCH state is per connection, so this uses a connection of its own,
    /// one transaction at a time.
    async fn send_watched(
        &self,
        pid: &[u8],
        iid: &[u8],
        fields: &[(&[u8], &[u8])],
    ) -> Result<Sent> {
        let mut marker = b":idmp:".to_vec();
        marker.extend_from_slice(&(pid.len() as u64).to_string().into_bytes());
        marker.push(b':');
        marker.extend_from_slice(pid);
        marker.push(b':');
        marker.extend_from_slice(iid);
        let marker = self.client.sibling_key(&self.stream, &marker);
        let mut guard = self.watch_conn.lock().await;
        if guard.is_none() {
            *guard = Some(self.client.dedicated(Duration::ZERO).await?);
        }
        let conn = guard.as_ref().expect("set above");
        let ttl = self.opts.idempotency_window.as_millis().max(1) as u64;
        for _ in 0..16 {
            conn.query(redis::cmd("WATCH").arg(&marker)).await?;
            let existing = conn.query(redis::cmd("GET").arg(&marker)).await?;
            if let Some(b) = reply::bytes(&existing) {
                conn.query(&redis::cmd("UNWATCH")).await?;
                return Ok(Sent::Duplicate(StreamId::parse(&b).ok()));
            }
            let mut pipe = redis::pipe();
            pipe.atomic()
                .add_command(cmds::xadd(&self.stream, None, None, fields))
                .add_command({
                    let mut set = redis::cmd("SET");
                    set.arg(&marker).arg("pending").arg("PX").arg(ttl);
                    set
                });
            match conn.pipe(&pipe).await? {
                Value::Nil => continue, // marker changed under us: look again
                v => {
                    let replies = reply::items("EXEC", v)?;
                    let id = reply::id("XADD", replies.first().unwrap_or(&Value::Nil))?;
                    // Record the ID for later duplicates (best effort: a crash
                    // here leaves "pending", reported as Duplicate(None)).
                    conn.query(
                        redis::cmd("SET")
                            .arg(&marker)
                            .arg(id)
                            .arg("XX")
                            .arg("KEEPTTL"),
                    )
                    .await?;
                    return Ok(Sent::Added(id));
                }
            }
        }
        Err(Error::Protocol {
            command: "EXEC",
            detail: "idempotent send kept conflicting".into(),
        })
    }
}

fn as_pairs<K: AsRef<[u8]>, V: AsRef<[u8]>>(fields: &[(K, V)]) -> Result<Vec<(&[u8], &[u8])>> {
    if fields.is_empty() {
        return Err(Error::Config("a message needs at least one field".into()));
    }
    Ok(fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect())
}

pub(crate) fn min_id_for_age(age: Duration) -> StreamId {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    StreamId::new(now.saturating_sub(age.as_millis() as u64), 0)
}
