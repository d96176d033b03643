//! Dead letters: the atomic move of a poison message into the dead-letter
//! stream (XADD to the DLQ + XACK on the source in one MULTI/EXEC), and the
//! `DeadLetters` API to list, inspect, replay and purge them.
//!
//! DLQ entry layout (invariant): the first seven field/value pairs are the
//! metadata below, in this order; the original message's pairs follow
//! unchanged, so binary names and their order survive the round trip.
//! `original-id, stream, group, consumer, reason, deliveries, failed-at`

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::client::{Client, Conn};
use crate::error::{Error, Result};
use crate::id::StreamId;
use crate::reply;

const META: [&str; 7] = [
    "original-id",
    "stream",
    "group",
    "consumer",
    "reason",
    "deliveries",
    "failed-at",
];

/// The default DLQ name for `stream`: `<stream>:dlq`, in the stream's hash slot.
pub fn default_dlq_key(client: &Client, stream: &[u8]) -> Vec<u8> {
    client.sibling_key(stream, b":dlq")
}

/// What gets recorded about a dead-lettered message.
pub(crate) struct Failure<'a> {
    pub stream: &'a [u8],
    pub group: &'a [u8],
    pub consumer: &'a [u8],
    pub id: StreamId,
    pub fields: &'a [(Bytes, Bytes)],
    pub reason: &'a str,
    pub deliveries: u64,
}

/// XADD the failure to `dlq` and XACK it on the source, atomically: the
/// message is never both lost and unacked, nor in the DLQ and still pending.
pub(crate) async fn move_to_dlq(conn: &Conn, dlq: &[u8], f: &Failure<'_>) -> Result<StreamId> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let mut add = redis::cmd("XADD");
    add.arg(dlq).arg("*");
    add.arg(META[0]).arg(f.id);
    add.arg(META[1]).arg(f.stream);
    add.arg(META[2]).arg(f.group);
    add.arg(META[3]).arg(f.consumer);
    add.arg(META[4]).arg(f.reason);
    add.arg(META[5]).arg(f.deliveries);
    add.arg(META[6]).arg(now);
    for (k, v) in f.fields {
        add.arg(k.as_ref()).arg(v.as_ref());
    }
    let mut pipe = redis::pipe();
    pipe.atomic()
        .add_command(add)
        .add_command(crate::cmds::xack(f.stream, f.group, &[f.id]));
    let replies = reply::items("EXEC", conn.pipe(&pipe).await?)?;
    let first = replies
        .first()
        .ok_or_else(|| Error::protocol("EXEC", "transaction aborted"))?;
    reply::id("XADD", first)
}

/// A message in the dead-letter stream.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// ID of the entry in the DLQ stream (used to replay/purge it).
    pub dlq_id: StreamId,
    /// ID the message had in the source stream.
    pub original_id: StreamId,
    /// The source stream.
    pub stream: Bytes,
    /// Group that failed it.
    pub group: Bytes,
    /// Consumer that failed it.
    pub consumer: Bytes,
    /// Why: the handler's reason, or `max deliveries exceeded`.
    pub reason: String,
    /// How many deliveries the message had when it was dead-lettered.
    pub deliveries: u64,
    /// When (Unix ms, the dead-lettering consumer's clock).
    pub failed_at_ms: u64,
    /// The original field/value pairs, in order.
    pub fields: Vec<(Bytes, Bytes)>,
}

impl DeadLetter {
    fn from_entry(e: reply::Entry) -> Result<DeadLetter> {
        const CMD: &str = "XRANGE";
        if e.fields.len() < META.len()
            || e.fields
                .iter()
                .zip(META)
                .any(|((k, _), m)| k.as_ref() != m.as_bytes())
        {
            return Err(Error::protocol(
                CMD,
                format!("{} is not a dead letter", e.id),
            ));
        }
        let mut fields = e.fields;
        let original: Vec<(Bytes, Bytes)> = fields.split_off(META.len());
        let v = |i: usize| fields[i].1.clone();
        let num = |i: usize| {
            std::str::from_utf8(&fields[i].1)
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| Error::protocol(CMD, format!("bad {} in {}", META[i], e.id)))
        };
        Ok(DeadLetter {
            dlq_id: e.id,
            original_id: StreamId::parse(&fields[0].1)?,
            stream: v(1),
            group: v(2),
            consumer: v(3),
            reason: String::from_utf8_lossy(&fields[4].1).into_owned(),
            deliveries: num(5)?,
            failed_at_ms: num(6)?,
            fields: original,
        })
    }
}

/// Operations on one stream's dead-letter stream.
#[derive(Clone, Debug)]
pub struct DeadLetters {
    client: Client,
    stream: Bytes,
    dlq: Bytes,
}

impl DeadLetters {
    /// The DLQ of `stream` under the default name (`<stream>:dlq`).
    pub fn new(client: &Client, stream: impl AsRef<[u8]>) -> DeadLetters {
        let stream = stream.as_ref();
        let dlq = default_dlq_key(client, stream);
        DeadLetters::with_key(client, stream, dlq)
    }

    /// The DLQ of `stream` stored at `dlq` (must share the stream's hash slot on a cluster).
    pub fn with_key(
        client: &Client,
        stream: impl AsRef<[u8]>,
        dlq: impl AsRef<[u8]>,
    ) -> DeadLetters {
        DeadLetters {
            client: client.clone(),
            stream: Bytes::copy_from_slice(stream.as_ref()),
            dlq: Bytes::copy_from_slice(dlq.as_ref()),
        }
    }

    /// The DLQ key.
    pub fn key(&self) -> &[u8] {
        &self.dlq
    }

    /// Number of dead letters.
    pub async fn len(&self) -> Result<u64> {
        let v = self
            .client
            .command(redis::cmd("XLEN").arg(self.dlq.as_ref()))
            .await?;
        reply::int(&v)
            .map(|n| n.max(0) as u64)
            .ok_or_else(|| Error::protocol("XLEN", format!("{v:?}")))
    }

    /// True when there are no dead letters.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.len().await? == 0)
    }

    /// Up to `count` dead letters with DLQ IDs after `after` (all from the start when `None`), oldest first.
    pub async fn list(&self, after: Option<StreamId>, count: usize) -> Result<Vec<DeadLetter>> {
        let start = match after {
            Some(id) if id == StreamId::MAX => return Ok(Vec::new()),
            Some(id) => id.next().to_string(),
            None => "-".to_string(),
        };
        let v = self
            .client
            .command(
                redis::cmd("XRANGE")
                    .arg(self.dlq.as_ref())
                    .arg(start)
                    .arg("+")
                    .arg("COUNT")
                    .arg(count),
            )
            .await?;
        reply::entries("XRANGE", v)?
            .into_iter()
            .map(DeadLetter::from_entry)
            .collect()
    }

    /// Every dead letter, oldest first (pages through the DLQ).
    pub async fn all(&self) -> Result<Vec<DeadLetter>> {
        let mut out: Vec<DeadLetter> = Vec::new();
        loop {
            let page = self.list(out.last().map(|d| d.dlq_id), 500).await?;
            if page.is_empty() {
                return Ok(out);
            }
            out.extend(page);
        }
    }

    /// One dead letter by its DLQ ID.
    pub async fn get(&self, dlq_id: StreamId) -> Result<Option<DeadLetter>> {
        let v = self
            .client
            .command(
                redis::cmd("XRANGE")
                    .arg(self.dlq.as_ref())
                    .arg(dlq_id)
                    .arg(dlq_id),
            )
            .await?;
        reply::entries("XRANGE", v)?
            .into_iter()
            .next()
            .map(DeadLetter::from_entry)
            .transpose()
    }

    /// Re-add the message to the source stream (new ID, delivered afresh to
    /// every group of the stream) and remove it from the DLQ, atomically.
    /// Returns the new ID.
    pub async fn replay(&self, letter: &DeadLetter) -> Result<StreamId> {
        let fields: Vec<(&[u8], &[u8])> = letter
            .fields
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        if fields.is_empty() {
            return Err(Error::Config(
                "a dead letter without fields cannot be replayed".into(),
            ));
        }
        let mut pipe = redis::pipe();
        pipe.atomic()
            .add_command(crate::cmds::xadd(&self.stream, None, None, &fields))
            .add_command({
                let mut del = redis::cmd("XDEL");
                del.arg(self.dlq.as_ref()).arg(letter.dlq_id);
                del
            });
        let replies = reply::items("EXEC", self.client.conn().pipe(&pipe).await?)?;
        let first = replies
            .first()
            .ok_or_else(|| Error::protocol("EXEC", "transaction aborted"))?;
        reply::id("XADD", first)
    }

    /// Delete the given dead letters. Returns how many existed.
    pub async fn purge(&self, dlq_ids: &[StreamId]) -> Result<u64> {
        if dlq_ids.is_empty() {
            return Ok(0);
        }
        let mut cmd = redis::cmd("XDEL");
        cmd.arg(self.dlq.as_ref());
        for id in dlq_ids {
            cmd.arg(*id);
        }
        let v = self.client.command(&cmd).await?;
        reply::int(&v)
            .map(|n| n.max(0) as u64)
            .ok_or_else(|| Error::protocol("XDEL", format!("{v:?}")))
    }

    /// Delete the whole DLQ.
    pub async fn purge_all(&self) -> Result<()> {
        self.client
            .command(redis::cmd("DEL").arg(self.dlq.as_ref()))
            .await?;
        Ok(())
    }
}
