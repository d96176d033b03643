//! Consumer counters. Lock-free atomics, read as a `MetricsSnapshot`; the
//! same events are also emitted as `tracing` events for log-based telemetry.

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters of one consumer.
#[derive(Debug, Default)]
pub struct Metrics {
    pub(crate) processed: AtomicU64,
    pub(crate) retried: AtomicU64,
    pub(crate) dead_lettered: AtomicU64,
    pub(crate) claimed: AtomicU64,
    pub(crate) deleted_pending: AtomicU64,
    pub(crate) lag: AtomicU64,
    pub(crate) lag_known: AtomicU64,
}

/// A point-in-time copy of [`Metrics`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Messages the handler completed successfully (and that were acked).
    pub processed: u64,
    /// Transient failures (left pending for redelivery).
    pub retried: u64,
    /// Messages moved to the dead-letter stream.
    pub dead_lettered: u64,
    /// Entries taken over from idle consumers (including this one's own retries).
    pub claimed: u64,
    /// Pending entries whose payload had been deleted from the stream.
    pub deleted_pending: u64,
    /// The group's lag (entries not yet delivered) at the last check, if the server reports it.
    pub lag: Option<u64>,
}

impl Metrics {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn set_lag(&self, lag: Option<u64>) {
        self.lag.store(lag.unwrap_or(0), Ordering::Relaxed);
        self.lag_known
            .store(lag.is_some() as u64, Ordering::Relaxed);
    }

    /// Copy the counters.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            processed: r(&self.processed),
            retried: r(&self.retried),
            dead_lettered: r(&self.dead_lettered),
            claimed: r(&self.claimed),
            deleted_pending: r(&self.deleted_pending),
            lag: (r(&self.lag_known) == 1).then(|| r(&self.lag)),
        }
    }
}
