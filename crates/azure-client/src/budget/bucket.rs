//! One token bucket: continuous refill up to a capacity, on tokio's clock (so tests can pause it).

use super::limits::BucketLimit;
use std::time::Duration;
use tokio::time::Instant;

/// Float slack, so a sleep computed to end exactly at the next token is not followed by a
/// second, tiny one.
const EPSILON: f64 = 1e-9;

#[derive(Debug)]
pub(super) struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn full(limit: BucketLimit, now: Instant) -> Self {
        Bucket { tokens: limit.capacity, last: now }
    }

    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Adds what flowed in since the last look; a smaller capacity (a new share) caps it at once.
    pub fn refill(&mut self, limit: BucketLimit, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * limit.refill_per_second).min(limit.capacity);
        self.last = now;
    }

    /// Takes a token if more than `floor` would remain above zero (`floor + 1` present, capped at
    /// the capacity so a small share can still serve); otherwise says how long until there are.
    pub fn take_above(&mut self, floor: f64, limit: BucketLimit) -> Result<(), Duration> {
        let needed = (floor + 1.0).min(limit.capacity);
        if self.tokens + EPSILON >= needed {
            self.tokens = (self.tokens - 1.0).max(0.0);
            Ok(())
        } else {
            Err(Duration::from_secs_f64((needed - self.tokens) / limit.refill_per_second))
        }
    }

    /// What the server says is left; never raises the local count.
    pub fn lower_to(&mut self, level: f64) {
        self.tokens = self.tokens.min(level.max(0.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: BucketLimit = BucketLimit { capacity: 3.0, refill_per_second: 2.0 };

    #[tokio::test(start_paused = true)]
    async fn empties_refills_and_caps() {
        let start = Instant::now();
        let mut b = Bucket::full(LIMIT, start);
        for _ in 0..3 {
            b.take_above(0.0, LIMIT).unwrap();
        }
        assert_eq!(b.take_above(0.0, LIMIT), Err(Duration::from_millis(500)));
        b.refill(LIMIT, start + Duration::from_millis(500));
        assert!(b.take_above(0.0, LIMIT).is_ok());
        b.refill(LIMIT, start + Duration::from_secs(60));
        assert_eq!(b.tokens(), 3.0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_floor_keeps_a_reserve_and_the_server_only_lowers() {
        let now = Instant::now();
        let mut b = Bucket::full(LIMIT, now);
        b.take_above(1.0, LIMIT).unwrap();
        b.take_above(1.0, LIMIT).unwrap();
        // One token left: not more than the floor of 1, so a floored take waits for a second.
        assert_eq!(b.take_above(1.0, LIMIT), Err(Duration::from_millis(500)));
        b.lower_to(5.0);
        assert_eq!(b.tokens(), 1.0);
        b.lower_to(0.0);
        assert_eq!(b.tokens(), 0.0);
    }
}
