//! Request counts per service and status class since start (or the last reset), so a conformance
//! run can report how many calls a real client made and how they were answered. Admin calls are
//! not counted.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

const SERVICES: [&str; 3] = ["login", "graph", "arm"];
const CLASSES: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

#[derive(Default)]
pub struct RequestStats {
    counts: [[AtomicU64; 4]; 3],
}

/// Which service a path belongs to; `None` for the admin API.
fn service(path: &str) -> Option<usize> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "_emulator" => None,
        "graph" => Some(1),
        "metadata" | "devicelogin" | "common" => Some(0),
        _ if path.contains("/oauth2/") || path.contains("/.well-known/") || path.contains("/discovery/") => Some(0),
        _ => Some(2),
    }
}

impl RequestStats {
    fn record(&self, service: usize, status: u16) {
        let class = match status {
            200..=299 => 0,
            300..=399 => 1,
            400..=499 => 2,
            _ => 3,
        };
        self.counts[service][class].fetch_add(1, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.counts.iter().flatten().for_each(|c| c.store(0, Ordering::Relaxed));
    }

    pub fn snapshot(&self) -> Value {
        let mut out = serde_json::Map::new();
        let mut total = 0;
        for (s, name) in SERVICES.iter().enumerate() {
            let mut per = serde_json::Map::new();
            let mut sum = 0;
            for (c, class) in CLASSES.iter().enumerate() {
                let n = self.counts[s][c].load(Ordering::Relaxed);
                sum += n;
                per.insert((*class).into(), json!(n));
            }
            per.insert("total".into(), json!(sum));
            total += sum;
            out.insert((*name).into(), Value::Object(per));
        }
        out.insert("total".into(), json!(total));
        Value::Object(out)
    }
}

pub async fn count(State(app): State<super::App>, req: Request, next: Next) -> Response {
    let service = service(req.uri().path());
    let resp = next.run(req).await;
    if let Some(s) = service {
        app.stats.record(s, resp.status().as_u16());
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_by_service() {
        assert_eq!(service("/_emulator/stats"), None);
        assert_eq!(service("/graph/v1.0/applications"), Some(1));
        assert_eq!(service("/organizations/oauth2/v2.0/token"), Some(0));
        assert_eq!(service("/devicelogin"), Some(0));
        assert_eq!(service("/subscriptions/x/resourceGroups"), Some(2));
        let s = RequestStats::default();
        s.record(2, 201);
        s.record(2, 404);
        s.record(0, 200);
        let v = s.snapshot();
        assert_eq!(
            (v["arm"]["2xx"].as_u64(), v["arm"]["4xx"].as_u64(), v["total"].as_u64()),
            (Some(1), Some(1), Some(3))
        );
        s.reset();
        assert_eq!(s.snapshot()["total"], 0);
    }
}
