//! The budget on tokio's paused clock: bursts, pacing, fairness, priorities, share and sync.

use super::*;
use reqwest::header::HeaderValue;
use std::sync::Arc;
use tokio::time::{sleep, Instant};

const SUB: &str = "sub";

fn small() -> RequestBudget {
    let b = BucketLimit { capacity: 10.0, refill_per_second: 5.0 };
    // No latency allowance, so the timings below are the bucket's alone.
    let limits =
        BudgetLimits { reads: b, writes: b, deletes: b, background_reserve: 0.2, initial_latency: Duration::ZERO };
    RequestBudget::new(limits).unwrap()
}

/// Takes `n` tokens one after another and returns how long that took.
async fn take(budget: &RequestBudget, n: usize, priority: Priority) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        budget.acquire(SUB, RequestKind::Read, priority).await;
    }
    start.elapsed()
}

fn target() -> Target {
    Target { subscription: Some(SUB.into()), kind: RequestKind::Read }
}

#[tokio::test(start_paused = true)]
async fn a_burst_up_to_capacity_then_the_refill_rate() {
    let budget = small();
    assert_eq!(take(&budget, 10, Priority::Foreground).await, Duration::ZERO);
    // Five more at five a second.
    assert_eq!(take(&budget, 5, Priority::Foreground).await, Duration::from_secs(1));
    let s = budget.stats();
    assert_eq!((s.reads, s.waits, s.waited), (15, 5, Duration::from_secs(1)));
    // Writes and other subscriptions have buckets of their own.
    budget.acquire(SUB, RequestKind::Write, Priority::Foreground).await;
    budget.acquire("other", RequestKind::Read, Priority::Foreground).await;
    assert_eq!(budget.stats().waits, 5);
}

#[tokio::test(start_paused = true)]
async fn concurrent_waiters_are_served_in_order() {
    let budget = Arc::new(small());
    take(&budget, 10, Priority::Foreground).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (budget, order) = (budget.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            budget.acquire(SUB, RequestKind::Read, Priority::Foreground).await;
            order.lock().unwrap().push(i);
        }));
        // Arrivals in a known order.
        tokio::task::yield_now().await;
    }
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
    // 20 tokens at 5/s: the bucket never let more through than it refilled.
    assert_eq!(start.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn background_reads_leave_the_reserve_to_foreground() {
    let budget = small();
    // Reserve 20 % of 10: background takes 8 at once, then waits for refill above the reserve.
    assert_eq!(take(&budget, 8, Priority::Background).await, Duration::ZERO);
    assert_eq!(take(&budget, 1, Priority::Background).await, Duration::from_millis(200));
    // The reserve is all there for foreground.
    assert_eq!(take(&budget, 2, Priority::Foreground).await, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn queued_foreground_goes_before_background() {
    let budget = Arc::new(small());
    take(&budget, 10, Priority::Foreground).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let spawn = |p: Priority, name: &'static str| {
        let (budget, order) = (budget.clone(), order.clone());
        tokio::spawn(async move {
            budget.acquire(SUB, RequestKind::Read, p).await;
            order.lock().unwrap().push((name, Instant::now()));
        })
    };
    let start = Instant::now();
    let bg = spawn(Priority::Background, "background");
    tokio::task::yield_now().await;
    let fg: Vec<_> = (0..3).map(|_| spawn(Priority::Foreground, "foreground")).collect();
    for t in fg {
        t.await.unwrap();
    }
    bg.await.unwrap();
    let order = order.lock().unwrap();
    let names: Vec<_> = order.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["foreground", "foreground", "foreground", "background"]);
    // Foreground paced at 5/s; background then waits until 3 tokens (reserve 2 + 1) built up.
    assert_eq!(order[2].1 - start, Duration::from_millis(600));
    assert_eq!(order[3].1 - start, Duration::from_millis(1200));
}

#[tokio::test(start_paused = true)]
async fn a_share_scales_capacity_and_refill() {
    let budget = small();
    budget.set_share(0.5).unwrap();
    assert_eq!(take(&budget, 5, Priority::Foreground).await, Duration::ZERO);
    assert_eq!(take(&budget, 5, Priority::Foreground).await, Duration::from_secs(2));
    assert!(budget.set_share(0.0).is_err());
    assert_eq!(budget.share(), 0.5);
    // A larger share lets the bucket grow to the larger capacity.
    budget.set_share(1.0).unwrap();
    sleep(Duration::from_secs(10)).await;
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(10.0));
}

#[tokio::test(start_paused = true)]
async fn the_server_count_only_lowers_the_bucket() {
    let budget = small();
    take(&budget, 1, Priority::Foreground).await;
    let mut h = HeaderMap::new();
    h.insert("x-ms-ratelimit-remaining-subscription-reads", HeaderValue::from_static("50"));
    budget.observe(&target(), Instant::now(), 200, &h);
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(9.0));
    h.insert("x-ms-ratelimit-remaining-subscription-reads", HeaderValue::from_static("2"));
    budget.observe(&target(), Instant::now(), 200, &h);
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(2.0));
    // A header for another kind does not touch reads; a 429 empties the bucket and is counted.
    h.clear();
    h.insert("x-ms-ratelimit-remaining-subscription-writes", HeaderValue::from_static("0"));
    budget.observe(&target(), Instant::now(), 200, &h);
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(2.0));
    budget.observe(&target(), Instant::now(), 429, &HeaderMap::new());
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(0.0));
    assert_eq!(budget.stats().throttled, 1);
    // With half the budget, this replica takes half of what the server reports.
    budget.set_share(0.5).unwrap();
    sleep(Duration::from_secs(10)).await;
    h.insert("x-ms-ratelimit-remaining-subscription-reads", HeaderValue::from_static("4"));
    budget.observe(&target(), Instant::now(), 200, &h);
    assert_eq!(budget.available(SUB, RequestKind::Read), Some(2.0));
}

#[tokio::test(start_paused = true)]
async fn a_waiter_that_gives_up_does_not_block_the_queue() {
    let budget = Arc::new(small());
    take(&budget, 10, Priority::Foreground).await;
    let gave_up =
        tokio::time::timeout(Duration::from_millis(50), budget.acquire(SUB, RequestKind::Read, Priority::Foreground));
    assert!(gave_up.await.is_err());
    // The next one is head at once and gets the first refilled token, 200 ms after the bucket emptied.
    let start = Instant::now();
    budget.acquire(SUB, RequestKind::Read, Priority::Foreground).await;
    assert_eq!(start.elapsed(), Duration::from_millis(150));
}

#[tokio::test(start_paused = true)]
async fn only_subscription_requests_are_budgeted() {
    let budget = small();
    let none = Target { subscription: None, kind: RequestKind::Read };
    for _ in 0..50 {
        budget.admit(&none, Priority::Foreground).await;
    }
    // Writes are never background, so they ignore the reserve.
    let write = Target { subscription: Some(SUB.into()), kind: RequestKind::Write };
    let start = Instant::now();
    for _ in 0..10 {
        budget.admit(&write, Priority::Background).await;
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
    let s = budget.stats();
    assert_eq!((s.reads, s.unbudgeted, s.writes, s.waits), (50, 50, 10, 0));
}

#[tokio::test(start_paused = true)]
async fn slow_answers_keep_what_arm_has_not_refilled_yet() {
    let b = BucketLimit { capacity: 10.0, refill_per_second: 5.0 };
    let limits = BudgetLimits {
        reads: b,
        writes: b,
        deletes: b,
        background_reserve: 0.2,
        initial_latency: Duration::from_secs(1),
    };
    let budget = RequestBudget::new(limits).unwrap();
    // Until answers say otherwise, a second of refill (5 tokens) stays unspent.
    assert_eq!(take(&budget, 5, Priority::Foreground).await, Duration::ZERO);
    assert_eq!(take(&budget, 1, Priority::Foreground).await, Duration::from_millis(200));
    // Quick answers let the allowance shrink with time.
    budget.observe(&target(), Instant::now(), 200, &HeaderMap::new());
    sleep(Duration::from_secs(10)).await;
    assert_eq!(take(&budget, 9, Priority::Foreground).await, Duration::ZERO);
}
