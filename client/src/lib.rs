//! `sluice-client`: the complete consumer pipeline over Redis streams, for
//! Sluice, Redis (7.0+) and Redis Cluster.
//!
//! - [`Producer`]: XADD with safe retention and optional idempotent production.
//! - [`Consumer`]: consumer groups with bounded concurrency, crash recovery
//!   (claiming idle entries), retries and dead letters.
//! - [`DeadLetters`]: list, inspect, replay and purge dead letters.
//! - [`Trimmer`]: trimming that never removes an entry a group still needs.
//!
//! Delivery is at-least-once: a message can be handled more than once (a
//! consumer crashing after the side effect but before the ack, a handler
//! outliving `claim_idle`), so handlers must be idempotent. See `docs/client.md`.
//!
//! ```no_run
//! use sluice_client::{Client, Consumer, ConsumerOptions, Outcome};
//! # struct ShipError { transient: bool }
//! # async fn ship(_item: Option<&bytes::Bytes>) -> Result<(), ShipError> { Ok(()) }
//! # async fn demo() -> sluice_client::Result<()> {
//!
//! let client = Client::connect("redis://127.0.0.1:6379").await?;
//! let opts = ConsumerOptions::new("{orders}", "shipping", "worker-1").max_deliveries(5);
//! let worker = Consumer::start(&client, opts, |msg| async move {
//!     match ship(msg.get(b"item")).await {
//!         Ok(()) => Outcome::Ack,
//!         Err(e) if e.transient => Outcome::retry("ship failed, will retry"),
//!         Err(_) => Outcome::dead_letter("cannot ship"),
//!     }
//! })
//! .await?;
//! // ... on shutdown:
//! worker.shutdown().await?;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod cmds;
mod consumer;
mod dlq;
mod error;
mod id;
mod metrics;
mod producer;
mod reply;
mod trim;

pub use client::{Capabilities, Client, ClientOptions};
pub use consumer::{ensure_group, Consumer, ConsumerHandle, ConsumerOptions, Message, Outcome};
pub use dlq::{default_dlq_key, DeadLetter, DeadLetters};
pub use error::{Error, Result};
pub use id::StreamId;
pub use metrics::{Metrics, MetricsSnapshot};
pub use producer::{Producer, ProducerOptions, Sent};
pub use reply::Entry;
pub use trim::{group_states, GroupState, Retention, TrimReport, Trimmer, TrimmerHandle};

/// Read a range of entries (`XRANGE key start end [COUNT n]`) with their fields in order.
pub async fn range(
    client: &Client,
    stream: impl AsRef<[u8]>,
    start: &str,
    end: &str,
    count: Option<usize>,
) -> Result<Vec<Entry>> {
    let mut cmd = redis::cmd("XRANGE");
    cmd.arg(stream.as_ref()).arg(start).arg(end);
    if let Some(n) = count {
        cmd.arg("COUNT").arg(n);
    }
    reply::entries("XRANGE", client.command(&cmd).await?)
}
