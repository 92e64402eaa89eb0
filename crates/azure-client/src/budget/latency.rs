//! How late ARM may count a request we let go: a recent maximum of grant-to-answer times, halving
//! every `HALF_LIFE` without a slower answer. Time-based, so a burst of quick answers does not
//! erase a slow one at once.

use std::time::Duration;
use tokio::time::Instant;

const HALF_LIFE: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub(super) struct Latency {
    value: Duration,
    at: Instant,
    /// A slow answer is mostly ARM working, not the request travelling: it must not idle the budget.
    cap: Duration,
}

impl Latency {
    pub fn new(initial: Duration, now: Instant) -> Self {
        Latency { value: initial, at: now, cap: initial * 2 }
    }

    pub fn current(&self, now: Instant) -> Duration {
        let halvings = now.saturating_duration_since(self.at).as_secs_f64() / HALF_LIFE.as_secs_f64();
        self.value.mul_f64(0.5f64.powf(halvings))
    }

    pub fn record(&mut self, latency: Duration, now: Instant) {
        self.value = latency.max(self.current(now)).min(self.cap);
        self.at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn keeps_the_slowest_and_halves_with_time() {
        let start = Instant::now();
        let mut l = Latency::new(Duration::from_secs(1), start);
        l.record(Duration::from_millis(10), start);
        assert_eq!(l.current(start), Duration::from_secs(1));
        assert_eq!(l.current(start + HALF_LIFE), Duration::from_millis(500));
        l.record(Duration::from_secs(60), start);
        assert_eq!(l.current(start), Duration::from_secs(2));
    }
}
