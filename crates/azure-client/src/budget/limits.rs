//! What the budget may spend: ARM's bucket sizes per kind of request, and the reserve background
//! reads leave for foreground work.

use crate::error::{AzureError, Result};
use reqwest::Method;
use std::time::Duration;

/// ARM's three buckets per (subscription, principal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    Read,
    Write,
    Delete,
}

impl RequestKind {
    /// GET and HEAD are reads, DELETE deletes, every other verb a write (as ARM counts them).
    pub fn of(method: &Method) -> Self {
        match *method {
            Method::GET | Method::HEAD => RequestKind::Read,
            Method::DELETE => RequestKind::Delete,
            _ => RequestKind::Write,
        }
    }

    /// ARM's `x-ms-ratelimit-remaining-subscription-*` header for this kind.
    pub(crate) fn remaining_header(self) -> &'static str {
        match self {
            RequestKind::Read => "x-ms-ratelimit-remaining-subscription-reads",
            RequestKind::Write => "x-ms-ratelimit-remaining-subscription-writes",
            RequestKind::Delete => "x-ms-ratelimit-remaining-subscription-deletes",
        }
    }
}

/// Who waits for whom: background reads only take a token while the bucket holds more than the
/// reserve, so foreground requests always find room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Priority {
    #[default]
    Foreground,
    Background,
}

/// One token bucket: `capacity` tokens at most, refilled continuously.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketLimit {
    pub capacity: f64,
    pub refill_per_second: f64,
}

impl BucketLimit {
    /// This replica's part of the bucket. Never below one token, or nothing could ever be sent.
    pub(crate) fn scaled(self, share: f64) -> BucketLimit {
        BucketLimit { capacity: (self.capacity * share).max(1.0), refill_per_second: self.refill_per_second * share }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLimits {
    pub reads: BucketLimit,
    pub writes: BucketLimit,
    pub deletes: BucketLimit,
    /// The fraction of a bucket's capacity background reads leave untouched.
    pub background_reserve: f64,
    /// How long after a grant ARM may count the request, until answers have measured it. ARM's
    /// bucket refills from when requests arrive, ours from when we grant them, so the budget keeps
    /// `refill × latency` tokens unspent.
    pub initial_latency: Duration,
}

impl Default for BudgetLimits {
    /// Azure's published limits for ARM's bucket algorithm, and a 20 % reserve.
    fn default() -> Self {
        BudgetLimits {
            reads: BucketLimit { capacity: 250.0, refill_per_second: 25.0 },
            writes: BucketLimit { capacity: 200.0, refill_per_second: 10.0 },
            deletes: BucketLimit { capacity: 200.0, refill_per_second: 10.0 },
            background_reserve: 0.2,
            initial_latency: Duration::from_secs(1),
        }
    }
}

impl BudgetLimits {
    pub fn bucket(&self, kind: RequestKind) -> BucketLimit {
        match kind {
            RequestKind::Read => self.reads,
            RequestKind::Write => self.writes,
            RequestKind::Delete => self.deletes,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        for b in [self.reads, self.writes, self.deletes] {
            if !(b.capacity.is_finite() && b.capacity >= 1.0) {
                return Err(AzureError::Config(format!("budget capacity must be at least 1, not {}", b.capacity)));
            }
            if !(b.refill_per_second.is_finite() && b.refill_per_second > 0.0) {
                return Err(AzureError::Config(format!("budget refill must be positive, not {}", b.refill_per_second)));
            }
        }
        if !(0.0..1.0).contains(&self.background_reserve) {
            return Err(AzureError::Config(format!(
                "background reserve must be in [0, 1), not {}",
                self.background_reserve
            )));
        }
        Ok(())
    }
}

/// A share is a fraction of the principal's budget, e.g. 1/replicas.
pub(crate) fn check_share(share: f64) -> Result<()> {
    if share.is_finite() && share > 0.0 && share <= 1.0 {
        Ok(())
    } else {
        Err(AzureError::Config(format!("budget share must be in (0, 1], not {share}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_scaling() {
        assert_eq!(RequestKind::of(&Method::HEAD), RequestKind::Read);
        assert_eq!(RequestKind::of(&Method::PATCH), RequestKind::Write);
        assert_eq!(RequestKind::of(&Method::DELETE), RequestKind::Delete);
        let reads = BudgetLimits::default().reads;
        assert_eq!(reads.scaled(0.5), BucketLimit { capacity: 125.0, refill_per_second: 12.5 });
        assert_eq!(reads.scaled(0.001).capacity, 1.0);
        assert!(check_share(0.0).is_err() && check_share(f64::NAN).is_err() && check_share(1.5).is_err());
        let bad = BudgetLimits { background_reserve: 1.0, ..Default::default() };
        assert!(bad.validate().is_err());
        assert!(BudgetLimits::default().validate().is_ok());
    }
}
