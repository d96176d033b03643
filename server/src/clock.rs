//! The server's one clock. Stream IDs, idle times of pending entries and key
//! expiry all read it, so a test can pin or move time for all of them at once.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, as the server sees them.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    /// When non-zero, the clock is frozen at this value (ms).
    fixed: AtomicU64,
    /// Added to the system time (ms); may be negative to make time go backwards.
    offset: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl Clock {
    /// The real wall clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Inner {
            fixed: AtomicU64::new(0),
            offset: AtomicI64::new(0),
        }))
    }

    /// A clock frozen at `ms`, moved only by [`Clock::set`] and [`Clock::advance`].
    pub fn fixed(ms: u64) -> Clock {
        let c = Clock::system();
        c.set(ms);
        c
    }

    pub fn now_ms(&self) -> u64 {
        let fixed = self.0.fixed.load(Ordering::Relaxed);
        if fixed != 0 {
            return fixed;
        }
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        (sys as i64 + self.0.offset.load(Ordering::Relaxed)).max(1) as u64
    }

    /// Microseconds since the epoch (TIME, command statistics).
    pub fn now_us(&self) -> u64 {
        let fixed = self.0.fixed.load(Ordering::Relaxed);
        if fixed != 0 {
            return fixed * 1000;
        }
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0);
        (sys as i64 + self.0.offset.load(Ordering::Relaxed) * 1000).max(1) as u64
    }

    /// Freezes the clock at `ms`.
    pub fn set(&self, ms: u64) {
        self.0.fixed.store(ms.max(1), Ordering::Relaxed);
    }

    /// Moves the clock by `delta` ms (negative: backwards). Works frozen or running.
    pub fn advance(&self, delta: i64) {
        let fixed = self.0.fixed.load(Ordering::Relaxed);
        if fixed != 0 {
            self.0
                .fixed
                .store((fixed as i64 + delta).max(1) as u64, Ordering::Relaxed);
        } else {
            self.0.offset.fetch_add(delta, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = Clock::fixed(1000);
        assert_eq!(c.now_ms(), 1000);
        c.advance(-400);
        assert_eq!(c.now_ms(), 600);
        c.set(5);
        assert_eq!(c.now_ms(), 5);
    }
}
