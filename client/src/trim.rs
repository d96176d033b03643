//! Lag-aware trimming: caps a stream's length or age without ever removing an
//! entry that some consumer group has not yet read or acknowledged.
//!
//! Safe point (fallback path): for each group, the smaller of
//! `last-delivered-id + 1` (first entry not yet read by the group) and the
//! oldest pending ID (first entry read but not acked) — from XINFO GROUPS and
//! XPENDING. Every entry below the minimum over all groups has been read and
//! acknowledged by every group. The cap is then applied as `XTRIM MINID ~ t`
//! with `t = min(cap threshold, safe point)`; `~` only drops whole nodes below
//! `t`, so nothing at or above `t` is touched, and entries appended meanwhile
//! are above it. With ACKED trimming (Redis 8.2+) the server enforces the same
//! rule itself and the cap is sent as `XTRIM ... ACKED`.
//!
//! Not covered (documented): a group created or moved back (XGROUP
//! CREATE/SETID to an old ID) between the safe-point read and the XTRIM.

use std::time::Duration;

use bytes::Bytes;
use redis::Value;
use tokio::task::JoinHandle;

use crate::client::{is_code, Client};
use crate::cmds::{self, TrimBound};
use crate::error::{Error, Result};
use crate::id::StreamId;
use crate::reply;

/// A retention cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retention {
    /// Keep about this many entries (never fewer than the unread/unacked ones).
    MaxLen(u64),
    /// Keep entries younger than this (by ID time), plus any still unread/unacked.
    MaxAge(Duration),
}

/// One group's position, as the trimmer sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupState {
    /// Group name.
    pub name: Bytes,
    /// Last ID delivered to the group.
    pub last_delivered: StreamId,
    /// Number of pending (delivered, unacked) entries.
    pub pending: u64,
    /// Oldest pending ID, if any.
    pub oldest_pending: Option<StreamId>,
    /// Entries not yet delivered to the group, when the server reports it.
    pub lag: Option<u64>,
}

impl GroupState {
    /// First ID this group still needs (everything below is read and acked).
    pub fn needs_from(&self) -> StreamId {
        let unread = self.last_delivered.next();
        match self.oldest_pending {
            Some(p) if p < unread => p,
            _ => unread,
        }
    }
}

/// What one trim pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrimReport {
    /// The lowest ID some group still needs (`None`: no groups).
    pub safe_point: Option<StreamId>,
    /// The MINID threshold sent (`None`: nothing to trim).
    pub threshold: Option<StreamId>,
    /// Entries removed.
    pub removed: u64,
}

/// Trims one stream by a [`Retention`] cap, safely.
#[derive(Clone, Debug)]
pub struct Trimmer {
    client: Client,
    stream: Bytes,
    retention: Retention,
}

/// Reads every group's state for `stream` (empty when the stream does not exist).
pub async fn group_states(client: &Client, stream: &[u8]) -> Result<Vec<GroupState>> {
    const CMD: &str = "XINFO";
    let v = match client
        .command(redis::cmd("XINFO").arg("GROUPS").arg(stream))
        .await
    {
        Ok(v) => v,
        Err(e) if is_code(&e, "ERR") && e.detail().is_some_and(|d| d.contains("no such key")) => {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e),
    };
    let mut groups = Vec::new();
    for g in reply::items(CMD, v)? {
        let info = reply::info_map(CMD, g)?;
        let field = |name: &str| info.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let name = field("name")
            .and_then(reply::bytes)
            .ok_or_else(|| Error::protocol(CMD, "group without name"))?;
        let last = field("last-delivered-id")
            .ok_or_else(|| Error::protocol(CMD, "group without last-delivered-id"))?;
        groups.push(GroupState {
            name,
            last_delivered: reply::id(CMD, last)?,
            pending: field("pending").and_then(reply::int).unwrap_or(0).max(0) as u64,
            oldest_pending: None,
            lag: field("lag").and_then(reply::int).map(|l| l.max(0) as u64),
        });
    }
    let with_pending: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].pending > 0)
        .collect();
    if !with_pending.is_empty() {
        let mut pipe = redis::pipe();
        for &i in &with_pending {
            pipe.cmd("XPENDING")
                .arg(stream)
                .arg(groups[i].name.as_ref());
        }
        let replies = reply::items("XPENDING", client.conn().pipe(&pipe).await?)?;
        for (&i, summary) in with_pending.iter().zip(replies) {
            // [count, min-id, max-id, consumers]; min is nil when nothing is pending.
            let parts = reply::items("XPENDING", summary)?;
            groups[i].oldest_pending = match parts.get(1) {
                Some(Value::Nil) | None => None,
                Some(v) => Some(reply::id("XPENDING", v)?),
            };
        }
    }
    Ok(groups)
}

impl Trimmer {
    /// A trimmer for `stream`.
    pub fn new(client: &Client, stream: impl AsRef<[u8]>, retention: Retention) -> Trimmer {
        Trimmer {
            client: client.clone(),
            stream: Bytes::copy_from_slice(stream.as_ref()),
            retention,
        }
    }

    /// The lowest ID any group still needs; `None` when the stream has no groups.
    pub async fn safe_point(&self) -> Result<Option<StreamId>> {
        Ok(group_states(&self.client, &self.stream)
            .await?
            .iter()
            .map(GroupState::needs_from)
            .min())
    }

    /// The ID below which the cap would remove entries (ignoring groups).
    async fn cap_threshold(&self) -> Result<Option<StreamId>> {
        match self.retention {
            Retention::MaxAge(age) => {
                let now = self.server_time_ms().await;
                Ok(Some(StreamId::new(
                    now.saturating_sub(age.as_millis() as u64),
                    0,
                )))
            }
            Retention::MaxLen(keep) => {
                let v = self
                    .client
                    .command(redis::cmd("XLEN").arg(self.stream.as_ref()))
                    .await?;
                let len = reply::int(&v).unwrap_or(0).max(0) as u64;
                if len <= keep {
                    return Ok(None);
                }
                // The first entry to keep is at index len-keep; read from the
                // nearer end.
                let drop = len - keep;
                let (cmd, count) = if keep == 0 {
                    return Ok(Some(StreamId::MAX));
                } else if keep <= drop {
                    ("XREVRANGE", keep)
                } else {
                    ("XRANGE", drop + 1)
                };
                let mut c = redis::cmd(cmd);
                c.arg(self.stream.as_ref());
                if cmd == "XRANGE" {
                    c.arg("-").arg("+");
                } else {
                    c.arg("+").arg("-");
                }
                c.arg("COUNT").arg(count);
                let entries = reply::read_entries("XRANGE", self.client.command(&c).await?)?;
                Ok(entries.last().map(|e| e.id))
            }
        }
    }

    async fn server_time_ms(&self) -> u64 {
        if let Ok(v) = self.client.command(&redis::cmd("TIME")).await {
            if let Ok(parts) = reply::items("TIME", v) {
                if let (Some(s), Some(us)) = (
                    parts.first().and_then(reply::int),
                    parts.get(1).and_then(reply::int),
                ) {
                    return (s.max(0) as u64) * 1000 + (us.max(0) as u64) / 1000;
                }
            }
        }
        crate::producer::min_id_for_age(Duration::ZERO).ms
    }

    /// One trim pass.
    pub async fn trim_once(&self) -> Result<TrimReport> {
        let safe_point = self.safe_point().await?;
        if self.client.capabilities().acked_trim {
            let bound = match self.retention {
                Retention::MaxLen(n) => TrimBound::MaxLen(n),
                Retention::MaxAge(_) => match self.cap_threshold().await? {
                    Some(t) => TrimBound::MinId(t),
                    None => {
                        return Ok(TrimReport {
                            safe_point,
                            ..Default::default()
                        })
                    }
                },
            };
            let removed = self.xtrim(cmds::xtrim(&self.stream, bound, true)).await?;
            return Ok(TrimReport {
                safe_point,
                threshold: match bound {
                    TrimBound::MinId(t) => Some(t),
                    TrimBound::MaxLen(_) => None,
                },
                removed,
            });
        }
        let Some(cap) = self.cap_threshold().await? else {
            return Ok(TrimReport {
                safe_point,
                ..Default::default()
            });
        };
        let threshold = match safe_point {
            Some(safe) => cap.min(safe),
            None => cap,
        };
        if threshold == StreamId::MIN {
            return Ok(TrimReport {
                safe_point,
                ..Default::default()
            });
        }
        let removed = self
            .xtrim(cmds::xtrim(
                &self.stream,
                TrimBound::MinId(threshold),
                false,
            ))
            .await?;
        tracing::debug!(stream = %String::from_utf8_lossy(&self.stream), %threshold, removed, "trimmed");
        Ok(TrimReport {
            safe_point,
            threshold: Some(threshold),
            removed,
        })
    }

    async fn xtrim(&self, cmd: redis::Cmd) -> Result<u64> {
        let v = self.client.command(&cmd).await?;
        reply::int(&v)
            .map(|n| n.max(0) as u64)
            .ok_or_else(|| Error::protocol("XTRIM", format!("{v:?}")))
    }

    /// Run [`Trimmer::trim_once`] every `every` in the background until the handle is stopped.
    pub fn spawn(self, every: Duration) -> TrimmerHandle {
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = self.trim_once().await {
                    tracing::warn!(error = %e, "trim pass failed");
                }
            }
        });
        TrimmerHandle { task }
    }
}

/// A background trimmer; stops when [`TrimmerHandle::stop`] is called or it is dropped.
#[derive(Debug)]
pub struct TrimmerHandle {
    task: JoinHandle<()>,
}

impl TrimmerHandle {
    /// Stop trimming.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for TrimmerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_from_is_min_of_unread_and_pending() {
        let g = |last: u64, oldest: Option<u64>| GroupState {
            name: Bytes::from_static(b"g"),
            last_delivered: StreamId::new(last, 0),
            pending: oldest.is_some() as u64,
            oldest_pending: oldest.map(|o| StreamId::new(o, 0)),
            lag: None,
        };
        assert_eq!(g(10, None).needs_from(), StreamId::new(10, 1));
        assert_eq!(g(10, Some(3)).needs_from(), StreamId::new(3, 0));
        assert_eq!(g(0, None).needs_from(), StreamId::new(0, 1));
    }
}
