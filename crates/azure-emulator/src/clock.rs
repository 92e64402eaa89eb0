//! The emulator's clock: wall time plus an offset that tests move forward instead of sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn with_offset_ms(offset_ms: i64) -> Self {
        Clock { offset_ms: AtomicI64::new(offset_ms) }
    }
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }
    /// Moves the clock forward; returns the new offset.
    pub fn advance(&self, by: Duration) -> i64 {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed) + by.num_milliseconds()
    }
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }
    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms, Ordering::Relaxed)
    }
}
