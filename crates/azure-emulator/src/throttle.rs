//! ARM's request throttling: one token bucket per (subscription, principal, kind of request),
//! refilled continuously, measured on the injected clock.

use crate::model::state::{Bucket, Throttling};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    Read,
    Write,
    Delete,
}

impl RequestKind {
    pub fn for_method(method: &str) -> Self {
        match method {
            "GET" | "HEAD" | "OPTIONS" => RequestKind::Read,
            "DELETE" => RequestKind::Delete,
            _ => RequestKind::Write,
        }
    }
    /// The word ARM uses in header names and messages.
    pub fn word(self) -> &'static str {
        match self {
            RequestKind::Read => "reads",
            RequestKind::Write => "writes",
            RequestKind::Delete => "deletes",
        }
    }
    /// ARM's `x-ms-ratelimit-remaining-subscription-*` header for this kind.
    pub fn remaining_header(self) -> &'static str {
        match self {
            RequestKind::Read => "x-ms-ratelimit-remaining-subscription-reads",
            RequestKind::Write => "x-ms-ratelimit-remaining-subscription-writes",
            RequestKind::Delete => "x-ms-ratelimit-remaining-subscription-deletes",
        }
    }
    fn bucket(self, t: &Throttling) -> Bucket {
        match self {
            RequestKind::Read => t.reads,
            RequestKind::Write => t.writes,
            RequestKind::Delete => t.deletes,
        }
    }
}

/// What taking a token gave: the tokens left, or how long to wait for one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    Admitted { remaining: u32 },
    Throttled { retry_after_seconds: u64 },
}

/// (subscription, principal, kind) → (tokens left, when last refilled).
type Buckets = HashMap<(Uuid, Uuid, RequestKind), (f64, DateTime<Utc>)>;

#[derive(Debug, Default)]
pub struct Throttle {
    buckets: Mutex<Buckets>,
}

impl Throttle {
    pub fn admit(
        &self,
        cfg: &Throttling,
        subscription: Uuid,
        principal: Uuid,
        kind: RequestKind,
        now: DateTime<Utc>,
    ) -> Admission {
        let bucket = kind.bucket(cfg);
        let capacity = bucket.capacity as f64;
        if !cfg.enabled {
            return Admission::Admitted { remaining: bucket.capacity };
        }
        let mut buckets = crate::persistence::lock(&self.buckets);
        let (tokens, last) = buckets.entry((subscription, principal, kind)).or_insert((capacity, now));
        let elapsed = (now - *last).num_milliseconds().max(0) as f64 / 1000.0;
        *tokens = (*tokens + elapsed * bucket.refill_per_second).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Admission::Admitted { remaining: *tokens as u32 }
        } else {
            let wait = if bucket.refill_per_second > 0.0 { (1.0 - *tokens) / bucket.refill_per_second } else { 3600.0 };
            Admission::Throttled { retry_after_seconds: wait.ceil().max(1.0) as u64 }
        }
    }

    pub fn reset(&self) {
        crate::persistence::lock(&self.buckets).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn bucket_empties_then_refills_with_time() {
        let cfg = Throttling { reads: Bucket { capacity: 3, refill_per_second: 1.0 }, ..Default::default() };
        let t = Throttle::default();
        let (s, p, now) = (Uuid::new_v4(), Uuid::new_v4(), Utc::now());
        for left in [2, 1, 0] {
            assert_eq!(t.admit(&cfg, s, p, RequestKind::Read, now), Admission::Admitted { remaining: left });
        }
        assert_eq!(t.admit(&cfg, s, p, RequestKind::Read, now), Admission::Throttled { retry_after_seconds: 1 });
        // another principal has its own bucket
        assert!(matches!(t.admit(&cfg, s, Uuid::new_v4(), RequestKind::Read, now), Admission::Admitted { .. }));
        assert!(matches!(
            t.admit(&cfg, s, p, RequestKind::Read, now + Duration::seconds(1)),
            Admission::Admitted { .. }
        ));
    }
}
