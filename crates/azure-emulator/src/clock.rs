//! The emulator's clock: wall time plus an offset that tests move forward instead of sleeping.
//! The offset is bounded (`limits::MAX_CLOCK_OFFSET_MS`), so `now()` can never overflow.

use crate::model::limits::MAX_CLOCK_OFFSET_MS;
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn with_offset_ms(offset_ms: i64) -> Self {
        Clock { offset_ms: AtomicI64::new(offset_ms.clamp(0, MAX_CLOCK_OFFSET_MS)) }
    }
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        Duration::try_milliseconds(self.offset_ms.load(Ordering::Relaxed))
            .and_then(|d| now.checked_add_signed(d))
            .unwrap_or(now)
    }
    /// Moves the clock forward by `ms` (at most up to the bound); returns the new offset.
    pub fn advance_ms(&self, ms: i64) -> i64 {
        let step = |o: i64| Some(o.saturating_add(ms.max(0)).min(MAX_CLOCK_OFFSET_MS));
        let old = self.offset_ms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, step).unwrap_or_default();
        step(old).unwrap_or(old)
    }
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }
    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms.clamp(0, MAX_CLOCK_OFFSET_MS), Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_is_bounded_and_now_never_overflows() {
        let c = Clock::default();
        assert_eq!(c.advance_ms(i64::MAX), MAX_CLOCK_OFFSET_MS);
        assert_eq!(c.advance_ms(1000), MAX_CLOCK_OFFSET_MS);
        assert!(c.now() > Utc::now());
        assert_eq!(Clock::with_offset_ms(i64::MAX).offset_ms(), MAX_CLOCK_OFFSET_MS);
    }
}
