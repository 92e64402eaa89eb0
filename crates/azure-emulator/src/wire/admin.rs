//! `/_emulator/…`: reset, load a world, export state, move the clock, read and set the knobs.
//! Every route needs the admin key printed at start (header `x-emulator-admin-key`).

use super::body;
use super::envelope::{ApiError, ApiResult, Flavor, WithFlavor};
use super::App;
use crate::error::EmulatorError;
use crate::identity::secrets::{constant_time_eq, sha256_hex};
use crate::model::limits;
use crate::model::state::{Bucket, Knobs};
use crate::model::world::World;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

pub async fn dispatch(
    State(app): State<App>,
    Path(rest): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match handle(app, &rest, method, headers, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(app: App, rest: &str, method: Method, headers: HeaderMap, body: Body) -> ApiResult<Response> {
    let key = headers.get("x-emulator-admin-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    if key.is_empty() || !constant_time_eq(sha256_hex(key).as_bytes(), app.admin_key_hash.as_bytes()) {
        return Err(ApiError::arm(EmulatorError::AdminKeyRequired));
    }
    let bytes = body::read(body, Flavor::Arm).await?;
    match (method.as_str(), rest.trim_matches('/')) {
        ("POST", "reset") => {
            app.store
                .write(|s| {
                    s.reset();
                    Ok(())
                })
                .arm()?;
            app.clock.set_offset_ms(0);
            app.throttle.reset();
            app.device_codes.clear();
            app.auth_codes.clear();
            app.passwords.clear();
            Ok(Json(json!({"reset": true})).into_response())
        }
        ("POST", "world") => {
            let world: World = body::json(&bytes, Flavor::Arm)?;
            let now = app.clock.now();
            app.store.write(|s| s.apply_world(&world, now)).arm()?;
            Ok(Json(json!({"loaded": true})).into_response())
        }
        ("GET", "state") => Ok(Json(serde_json::to_value(&*app.store.read()).unwrap_or_default()).into_response()),
        ("GET", "clock") => Ok(clock(&app)),
        ("POST", "clock") => {
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase", deny_unknown_fields)]
            struct Advance {
                advance_seconds: f64,
            }
            let a: Advance = body::json(&bytes, Flavor::Arm)?;
            if !(a.advance_seconds.is_finite()
                && (0.0..=limits::MAX_CLOCK_ADVANCE_SECONDS).contains(&a.advance_seconds))
            {
                return Err(ApiError::arm(EmulatorError::InvalidParameter(format!(
                    "advanceSeconds must be a number from 0 to {} (ten years); the clock only moves forward.",
                    limits::MAX_CLOCK_ADVANCE_SECONDS
                ))));
            }
            if app.clock.offset_ms() as f64 + a.advance_seconds * 1000.0 > limits::MAX_CLOCK_OFFSET_MS as f64 {
                return Err(ApiError::arm(EmulatorError::InvalidParameter(
                    "The clock may run at most 100 years ahead of the wall clock; reset the emulator to start over."
                        .into(),
                )));
            }
            let offset = app.clock.advance_ms((a.advance_seconds * 1000.0) as i64);
            app.store
                .write(|s| {
                    s.knobs.clock_offset_ms = offset;
                    Ok(())
                })
                .arm()?;
            Ok(clock(&app))
        }
        ("GET", "stats") => Ok(Json(app.stats.snapshot()).into_response()),
        ("GET", "knobs") => Ok(Json(app.store.read().knobs.clone()).into_response()),
        ("PATCH" | "PUT", "knobs") => {
            let patch: KnobsPatch = body::json(&bytes, Flavor::Arm)?;
            let knobs = app.store.write(|s| patch.apply(&mut s.knobs).map(|_| s.knobs.clone())).arm()?;
            app.throttle.reset();
            Ok(Json(knobs).into_response())
        }
        _ => Err(ApiError::arm(EmulatorError::NoRoute(format!("/_emulator/{rest}")))),
    }
}

fn clock(app: &App) -> Response {
    Json(json!({"now": app.clock.now().to_rfc3339(), "offsetMs": app.clock.offset_ms()})).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KnobsPatch {
    propagation_delay_seconds: Option<u64>,
    token_lifetime_seconds: Option<u64>,
    list_page_size: Option<usize>,
    throttling: Option<ThrottlingPatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ThrottlingPatch {
    enabled: Option<bool>,
    reads: Option<Bucket>,
    writes: Option<Bucket>,
    deletes: Option<Bucket>,
}

impl KnobsPatch {
    fn apply(self, k: &mut Knobs) -> crate::Result<()> {
        if let Some(d) = self.propagation_delay_seconds {
            if d > limits::MAX_PROPAGATION_DELAY_SECONDS {
                return Err(EmulatorError::InvalidParameter(format!(
                    "propagationDelaySeconds must be between 0 and {}.",
                    limits::MAX_PROPAGATION_DELAY_SECONDS
                )));
            }
            k.propagation_delay_seconds = d;
        }
        if let Some(t) = self.token_lifetime_seconds {
            if !(60..=86_400).contains(&t) {
                return Err(EmulatorError::InvalidParameter(
                    "tokenLifetimeSeconds must be between 60 and 86400.".into(),
                ));
            }
            k.token_lifetime_seconds = t;
        }
        if let Some(n) = self.list_page_size {
            if !(1..=limits::MAX_LIST_PAGE_SIZE).contains(&n) {
                return Err(EmulatorError::InvalidParameter(format!(
                    "listPageSize must be between 1 and {}.",
                    limits::MAX_LIST_PAGE_SIZE
                )));
            }
            k.list_page_size = n;
        }
        if let Some(t) = self.throttling {
            for b in [&t.reads, &t.writes, &t.deletes].into_iter().flatten() {
                if b.capacity == 0 || !(b.refill_per_second.is_finite() && b.refill_per_second >= 0.0) {
                    return Err(EmulatorError::InvalidParameter(
                        "A bucket needs capacity >= 1 and a finite, non-negative refillPerSecond.".into(),
                    ));
                }
            }
            k.throttling.enabled = t.enabled.unwrap_or(k.throttling.enabled);
            k.throttling.reads = t.reads.unwrap_or(k.throttling.reads);
            k.throttling.writes = t.writes.unwrap_or(k.throttling.writes);
            k.throttling.deletes = t.deletes.unwrap_or(k.throttling.deletes);
        }
        Ok(())
    }
}
