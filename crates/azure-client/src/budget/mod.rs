//! A client-side ARM request budget, so a caller never spends its subscription's budget into
//! 429s. ARM throttles each (subscription, principal) with token buckets for reads, writes and
//! deletes; this keeps a mirror of those buckets, awaits a token before every attempt, lowers the
//! mirror to what ARM's `x-ms-ratelimit-remaining-*` headers report, and lets background reads
//! spend only above a reserve. ARM refills from when a request arrives, the mirror from when it
//! was let go, so the mirror also keeps `refill × latency` tokens unspent (latency measured from
//! answers).
//!
//! Waiters of one bucket queue in order (foreground ahead of background); only the head of a queue
//! sleeps on the refill, the others sleep until they become head, so nobody starves or spins.

mod bucket;
mod latency;
mod limits;
mod stats;
mod target;

pub use limits::{BucketLimit, BudgetLimits, Priority, RequestKind};
pub use stats::BudgetStats;
pub(crate) use target::Target;

use crate::error::Result;
use bucket::Bucket;
use reqwest::header::HeaderMap;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The token buckets of one identity's ARM calls, one per (subscription, kind). Shared by an
/// `ArmClient`'s clones; give several clients of one principal the same budget.
#[derive(Debug)]
pub struct RequestBudget {
    limits: BudgetLimits,
    state: Mutex<State>,
    counters: stats::Counters,
}

#[derive(Debug)]
struct State {
    share: f64,
    /// An upper bound on how late ARM counts a request after we let it go.
    latency: latency::Latency,
    next_waiter: u64,
    lanes: HashMap<(String, RequestKind), Lane>,
}

/// A bucket and the requests queued for it, foreground first.
#[derive(Debug)]
struct Lane {
    bucket: Bucket,
    foreground: VecDeque<Waiter>,
    background: VecDeque<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    id: u64,
    wake: Arc<Notify>,
}

enum Step {
    Taken,
    /// At the head: a token (above the reserve) flows in after this long.
    Sleep(Duration),
    /// Behind others: wait to be woken.
    Queued,
}

impl Lane {
    fn queue(&mut self, p: Priority) -> &mut VecDeque<Waiter> {
        match p {
            Priority::Foreground => &mut self.foreground,
            Priority::Background => &mut self.background,
        }
    }

    /// Wakes whoever is next in line: the foreground head, else the background head.
    fn wake_head(&self) {
        if let Some(w) = self.foreground.front().or(self.background.front()) {
            w.wake.notify_one();
        }
    }
}

impl Default for RequestBudget {
    fn default() -> Self {
        RequestBudget::new(BudgetLimits::default()).expect("the default limits are valid")
    }
}

impl RequestBudget {
    pub fn new(limits: BudgetLimits) -> Result<Self> {
        limits.validate()?;
        let state = State {
            share: 1.0,
            latency: latency::Latency::new(limits.initial_latency, Instant::now()),
            next_waiter: 0,
            lanes: HashMap::new(),
        };
        Ok(RequestBudget { limits, state: Mutex::new(state), counters: stats::Counters::default() })
    }

    pub fn limits(&self) -> &BudgetLimits {
        &self.limits
    }

    pub fn share(&self) -> f64 {
        self.lock().share
    }

    /// This client's fraction of the principal's budget (e.g. 1/replicas when replicas share a
    /// principal): capacity and refill scale with it, from now on.
    pub fn set_share(&self, share: f64) -> Result<()> {
        limits::check_share(share)?;
        let mut s = self.lock();
        s.share = share;
        // Heads recompute their sleeps at the new rate.
        s.lanes.values().for_each(Lane::wake_head);
        Ok(())
    }

    pub fn stats(&self) -> BudgetStats {
        self.counters.snapshot()
    }

    /// Waits for a token of `subscription`'s `kind` bucket and counts the request as sent.
    /// Cancel-safe: a dropped wait leaves the queue.
    pub async fn acquire(&self, subscription: &str, kind: RequestKind, priority: Priority) {
        let key = (subscription.to_ascii_lowercase(), kind);
        let wake = Arc::new(Notify::new());
        let id = self.enqueue(&key, priority, wake.clone());
        let mut queued = Queued { budget: self, key: &key, priority, id, done: false };
        let started = Instant::now();
        let mut waited = false;
        loop {
            match self.step(&key, priority, id) {
                Step::Taken => break,
                Step::Sleep(d) => tokio::select! {
                    _ = tokio::time::sleep(d) => {}
                    _ = wake.notified() => {}
                },
                Step::Queued => wake.notified().await,
            }
            waited = true;
        }
        queued.done = true;
        self.counters.sent(kind, true);
        if waited {
            self.counters.waited(started.elapsed());
        }
    }

    /// Before an ARM attempt: a token if the request is in a subscription. Only reads can be
    /// background; a write or delete is always someone's foreground work.
    /// Returns when the request was let go, for `observe`.
    pub(crate) async fn admit(&self, target: &Target, priority: Priority) -> Instant {
        let priority = if target.kind == RequestKind::Read { priority } else { Priority::Foreground };
        match &target.subscription {
            Some(sub) => self.acquire(sub, target.kind, priority).await,
            None => self.counters.sent(target.kind, false),
        }
        Instant::now()
    }

    /// After an ARM answer: a 429 empties the bucket; a remaining-header lowers it. The server's
    /// count covers every replica of the principal, so this one takes its share of it.
    pub(crate) fn observe(&self, target: &Target, granted: Instant, status: u16, headers: &HeaderMap) {
        self.measure(granted.elapsed());
        let level = if status == 429 {
            self.counters.throttled();
            Some(0.0)
        } else {
            headers
                .get(target.kind.remaining_header())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        if let (Some(level), Some(sub)) = (level, &target.subscription) {
            self.lower(sub, target.kind, level);
        }
    }

    fn measure(&self, latency: Duration) {
        self.lock().latency.record(latency, Instant::now());
    }

    fn lower(&self, subscription: &str, kind: RequestKind, remaining: f64) {
        let mut s = self.lock();
        let share = s.share;
        let limit = self.limits.bucket(kind).scaled(share);
        if let Some(lane) = s.lanes.get_mut(&(subscription.to_ascii_lowercase(), kind)) {
            lane.bucket.refill(limit, Instant::now());
            lane.bucket.lower_to(remaining * share);
        }
    }

    /// Tokens left in a bucket now (`None` before its first request), for tests and diagnosis.
    pub fn available(&self, subscription: &str, kind: RequestKind) -> Option<f64> {
        let mut s = self.lock();
        let limit = self.limits.bucket(kind).scaled(s.share);
        let lane = s.lanes.get_mut(&(subscription.to_ascii_lowercase(), kind))?;
        lane.bucket.refill(limit, Instant::now());
        Some(lane.bucket.tokens())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enqueue(&self, key: &(String, RequestKind), priority: Priority, wake: Arc<Notify>) -> u64 {
        let mut s = self.lock();
        let limit = self.limits.bucket(key.1).scaled(s.share);
        s.next_waiter += 1;
        let id = s.next_waiter;
        let lane = s.lanes.entry(key.clone()).or_insert_with(|| Lane {
            bucket: Bucket::full(limit, Instant::now()),
            foreground: VecDeque::new(),
            background: VecDeque::new(),
        });
        lane.queue(priority).push_back(Waiter { id, wake });
        id
    }

    fn step(&self, key: &(String, RequestKind), priority: Priority, id: u64) -> Step {
        let mut s = self.lock();
        let limit = self.limits.bucket(key.1).scaled(s.share);
        // What ARM may not have refilled yet: we credit refill from our grants, it from arrivals.
        let in_flight = limit.refill_per_second * s.latency.current(Instant::now()).as_secs_f64();
        // `enqueue` made the lane and lanes are never removed.
        let Some(lane) = s.lanes.get_mut(key) else { return Step::Taken };
        let floor = match priority {
            Priority::Foreground => in_flight,
            // Background goes only when no foreground request waits, and leaves the reserve.
            Priority::Background if lane.foreground.is_empty() => {
                in_flight + self.limits.background_reserve * limit.capacity
            }
            Priority::Background => return Step::Queued,
        };
        if lane.queue(priority).front().is_none_or(|w| w.id != id) {
            return Step::Queued;
        }
        lane.bucket.refill(limit, Instant::now());
        match lane.bucket.take_above(floor, limit) {
            Ok(()) => {
                lane.queue(priority).pop_front();
                lane.wake_head();
                Step::Taken
            }
            Err(wait) => Step::Sleep(wait),
        }
    }
}

/// A place in a queue; leaving it early (the caller gave up) hands the head on.
struct Queued<'a> {
    budget: &'a RequestBudget,
    key: &'a (String, RequestKind),
    priority: Priority,
    id: u64,
    done: bool,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut s = self.budget.lock();
        if let Some(lane) = s.lanes.get_mut(self.key) {
            let q = lane.queue(self.priority);
            if let Some(i) = q.iter().position(|w| w.id == self.id) {
                q.remove(i);
                if i == 0 {
                    lane.wake_head();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
