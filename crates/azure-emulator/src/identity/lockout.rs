//! Entra ID's smart lockout: after ten wrong passwords in a row a user is locked for a minute,
//! longer each time it happens again; while locked, sign-ins fail at once (`AADSTS50053`) without
//! checking the password, so an attacker's guesses cost the service nothing.

use crate::error::{EmulatorError, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use uuid::Uuid;

pub const THRESHOLD: u32 = 10;
pub const FIRST_LOCKOUT_SECONDS: i64 = 60;
const MAX_LOCKOUT_SECONDS: i64 = 3600;

#[derive(Debug, Default, Clone)]
struct Record {
    failures: u32,
    lockouts: u32,
    locked_until: Option<DateTime<Utc>>,
}

/// Per-user counters; one entry per existing user at most, so bounded by the directory.
#[derive(Debug, Default)]
pub struct Lockouts {
    users: HashMap<Uuid, Record>,
}

impl Lockouts {
    /// Fails with `AADSTS50053` while the user is locked.
    pub fn check(&self, user: Uuid, now: DateTime<Utc>) -> Result<()> {
        match self.users.get(&user).and_then(|r| r.locked_until) {
            Some(until) if until > now => Err(EmulatorError::AadAccountLocked((until - now).num_seconds().max(1))),
            _ => Ok(()),
        }
    }

    pub fn record(&mut self, user: Uuid, success: bool, now: DateTime<Utc>) {
        if success {
            self.users.remove(&user);
            return;
        }
        let r = self.users.entry(user).or_default();
        r.failures += 1;
        if r.failures >= THRESHOLD {
            let seconds = (FIRST_LOCKOUT_SECONDS << r.lockouts.min(6)).min(MAX_LOCKOUT_SECONDS);
            r.locked_until = now.checked_add_signed(Duration::seconds(seconds));
            r.lockouts += 1;
            r.failures = 0;
        }
    }

    pub fn clear(&mut self) {
        self.users.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_for_a_minute_then_longer() {
        let (mut l, u, t) = (Lockouts::default(), Uuid::new_v4(), Utc::now());
        for _ in 0..THRESHOLD - 1 {
            l.record(u, false, t);
        }
        assert!(l.check(u, t).is_ok());
        l.record(u, false, t);
        assert!(matches!(l.check(u, t), Err(EmulatorError::AadAccountLocked(60))));
        let after = t + Duration::seconds(61);
        assert!(l.check(u, after).is_ok());
        for _ in 0..THRESHOLD {
            l.record(u, false, after);
        }
        assert!(matches!(l.check(u, after), Err(EmulatorError::AadAccountLocked(120))));
        l.record(u, true, after);
        assert!(l.check(u, after).is_ok(), "a success clears the record");
    }
}
