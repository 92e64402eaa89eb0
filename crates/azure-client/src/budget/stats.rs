//! What the budget has seen, for dashboards and benchmarks (a run that shows `throttled == 0`).

use super::limits::RequestKind;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetStats {
    /// HTTP attempts sent to ARM, per kind (LRO polls, pages and retries included).
    pub reads: u64,
    pub writes: u64,
    pub deletes: u64,
    /// Of those, the attempts with no subscription in the path, which no bucket covers.
    pub unbudgeted: u64,
    /// Attempts that had to wait for a token, and how long they waited in all.
    pub waits: u64,
    pub waited: Duration,
    /// 429 answers received from ARM.
    pub throttled: u64,
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    reads: AtomicU64,
    writes: AtomicU64,
    deletes: AtomicU64,
    unbudgeted: AtomicU64,
    waits: AtomicU64,
    waited_micros: AtomicU64,
    throttled: AtomicU64,
}

impl Counters {
    pub fn sent(&self, kind: RequestKind, budgeted: bool) {
        let c = match kind {
            RequestKind::Read => &self.reads,
            RequestKind::Write => &self.writes,
            RequestKind::Delete => &self.deletes,
        };
        c.fetch_add(1, Relaxed);
        if !budgeted {
            self.unbudgeted.fetch_add(1, Relaxed);
        }
    }

    pub fn waited(&self, d: Duration) {
        self.waits.fetch_add(1, Relaxed);
        self.waited_micros.fetch_add(d.as_micros().try_into().unwrap_or(u64::MAX), Relaxed);
    }

    pub fn throttled(&self) {
        self.throttled.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> BudgetStats {
        BudgetStats {
            reads: self.reads.load(Relaxed),
            writes: self.writes.load(Relaxed),
            deletes: self.deletes.load(Relaxed),
            unbudgeted: self.unbudgeted.load(Relaxed),
            waits: self.waits.load(Relaxed),
            waited: Duration::from_micros(self.waited_micros.load(Relaxed)),
            throttled: self.throttled.load(Relaxed),
        }
    }
}
