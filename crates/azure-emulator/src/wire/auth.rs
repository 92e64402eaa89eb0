//! Bearer tokens on ARM and Graph: signature, expiry against the emulator clock, audience, and the
//! principal behind `tid`/`oid`. Also the auxiliary tokens of cross-tenant ARM requests.

use super::AppState;
use crate::error::{EmulatorError, Result};
use crate::model::{Principal, PrincipalKind, State};
use crate::tokens::Claims;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Which API a token is presented to; decides the audiences accepted and the error wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Arm,
    Graph,
}

fn bearer_value(raw: &str) -> Option<&str> {
    let (scheme, token) = raw.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

/// Verifies a token presented to `api` and resolves the principal it names.
pub fn verify(app: &AppState, state: &State, token: &str, api: Api, now: DateTime<Utc>) -> Result<(Principal, Claims)> {
    let graph = api == Api::Graph;
    let invalid = || if graph { EmulatorError::GraphInvalidToken } else { EmulatorError::InvalidToken };
    let claims = app.signer.verify(token).map_err(|_| invalid())?;
    if claims.token_use.is_some() {
        return Err(invalid());
    }
    if claims.exp <= now.timestamp() {
        return Err(if graph {
            EmulatorError::GraphTokenExpired
        } else {
            let fmt = |t: DateTime<Utc>| t.format("%m/%d/%Y %H:%M:%S").to_string();
            EmulatorError::ExpiredToken {
                expired_at: fmt(DateTime::from_timestamp(claims.exp, 0).unwrap_or(now)),
                now: fmt(now),
            }
        });
    }
    let audience_ok = if graph { app.audiences.is_graph(&claims.aud) } else { app.audiences.is_arm(&claims.aud) };
    if !audience_ok {
        return Err(if graph {
            EmulatorError::GraphInvalidAudience
        } else {
            EmulatorError::WrongAudience {
                audience: crate::model::names::printable(&claims.aud),
                allowed: app.audiences.arm_list(),
            }
        });
    }
    let principal = principal_of(state, &claims).ok_or_else(invalid)?;
    Ok((principal, claims))
}

/// The principal a verified token names, if it still exists (a deleted SP's tokens stop working).
fn principal_of(state: &State, c: &Claims) -> Option<Principal> {
    let tenant = Uuid::parse_str(&c.tid).ok()?;
    let oid = Uuid::parse_str(&c.oid).ok()?;
    let app_id = Uuid::parse_str(&c.appid).ok()?;
    if let Some(u) = state.user(oid).filter(|u| u.tenant_id == tenant) {
        return Some(state.user_principal(u, app_id));
    }
    let sp = state.service_principals.get(&oid).filter(|s| s.tenant_id == tenant && s.app_id == app_id)?;
    Some(Principal {
        tenant_id: tenant,
        object_id: sp.id,
        app_id,
        kind: PrincipalKind::ServicePrincipal,
        display: sp.app_id.to_string(),
    })
}

/// The primary bearer token of a request.
pub fn primary_token(headers: &HeaderMap, api: Api) -> Result<&str> {
    let graph = api == Api::Graph;
    let raw = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match raw {
        None => Err(if graph { EmulatorError::GraphTokenMissing } else { EmulatorError::AuthenticationMissing }),
        Some(r) => bearer_value(r).ok_or(if graph {
            EmulatorError::GraphTokenMissing
        } else {
            EmulatorError::AuthenticationMalformed
        }),
    }
}

/// The verified principals of `x-ms-authorization-auxiliary` (at most three, all of which must be
/// valid, as ARM requires).
pub fn auxiliary_principals(
    app: &AppState,
    state: &State,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Vec<Principal>> {
    let Some(raw) = headers.get("x-ms-authorization-auxiliary").and_then(|v| v.to_str().ok()) else {
        return Ok(vec![]);
    };
    let tokens: Vec<&str> = raw.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if tokens.len() > 3 {
        return Err(EmulatorError::TooManyAuxiliaryTokens);
    }
    tokens
        .into_iter()
        .map(|t| {
            let token = bearer_value(t)
                .or_else(|| t.strip_prefix("EncryptedBearer "))
                .ok_or(EmulatorError::AuthenticationMalformed)?;
            verify(app, state, token, Api::Arm, now).map(|(p, _)| p).map_err(|_| {
                let claims = app.signer.verify(token).ok();
                EmulatorError::InvalidAuxiliaryToken {
                    app_id: claims.as_ref().map(|c| crate::model::names::printable(&c.appid)).unwrap_or_default(),
                    tenant_id: claims.map(|c| crate::model::names::printable(&c.tid)).unwrap_or_default(),
                }
            })
        })
        .collect()
}
