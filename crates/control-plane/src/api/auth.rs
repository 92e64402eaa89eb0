//! `authorization: aivenv1 <token>`, and project membership.

use super::error::ApiError;
use super::ApiState;
use crate::error::ControlPlaneError;
use crate::store::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The authenticated caller, and when its token was issued.
pub struct Caller(pub User, pub chrono::DateTime<chrono::Utc>);

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        let raw = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let token = raw
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("aivenv1") || scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(ControlPlaneError::InvalidToken))?;
        let (user, issued) = state.store.authenticate_session(token).await?;
        Ok(Caller(user, issued))
    }
}

impl Caller {
    pub async fn member_of(&self, state: &ApiState, project: &str) -> Result<(), ApiError> {
        state.store.ensure_member(&self.0, project).await.map_err(ApiError)
    }
}
