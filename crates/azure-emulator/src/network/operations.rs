//! Long-running-operation records (what `Azure-AsyncOperation` URLs poll). They live in the state,
//! so a restart keeps those still alive, and they expire, so they never pile up.

use crate::model::state::State;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a finished operation can still be polled.
pub const OPERATION_TTL_MINUTES: i64 = 15;
/// At most this many live records; the oldest go first.
pub const MAX_OPERATIONS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncOperation {
    pub status: String,
    pub expires: DateTime<Utc>,
}

impl State {
    /// Records an operation's final status and returns its id, dropping expired records first.
    pub fn record_operation(&mut self, status: &str, now: DateTime<Utc>) -> Uuid {
        self.operations.retain(|_, o| o.expires > now);
        while self.operations.len() >= MAX_OPERATIONS {
            let oldest = self.operations.iter().min_by_key(|(_, o)| o.expires).map(|(id, _)| *id);
            match oldest {
                Some(id) => self.operations.remove(&id),
                None => break,
            };
        }
        let id = Uuid::new_v4();
        let expires = now.checked_add_signed(Duration::minutes(OPERATION_TTL_MINUTES)).unwrap_or(now);
        self.operations.insert(id, AsyncOperation { status: status.to_string(), expires });
        id
    }

    pub fn operation(&self, id: Uuid, now: DateTime<Utc>) -> Option<&AsyncOperation> {
        self.operations.get(&id).filter(|o| o.expires > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_expire_and_are_capped() {
        let mut s = State::default();
        let t0 = Utc::now();
        let id = s.record_operation("Succeeded", t0);
        assert!(s.operation(id, t0).is_some());
        let later = t0 + Duration::minutes(OPERATION_TTL_MINUTES + 1);
        assert!(s.operation(id, later).is_none());
        s.record_operation("Succeeded", later);
        assert_eq!(s.operations.len(), 1, "the expired record was dropped");
        for _ in 0..MAX_OPERATIONS + 5 {
            s.record_operation("Succeeded", later);
        }
        assert_eq!(s.operations.len(), MAX_OPERATIONS);
    }
}
