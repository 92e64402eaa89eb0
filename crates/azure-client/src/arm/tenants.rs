//! Which tenants' tokens a call carries: the primary (the subscription's tenant) and up to three
//! auxiliary tenants, for cross-tenant references such as a peering's remote VNet.

use crate::error::{AzureError, Result};

/// ARM accepts at most three auxiliary tokens.
pub const MAX_AUXILIARY: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenants {
    primary: String,
    auxiliary: Vec<String>,
}

impl Tenants {
    pub fn new(primary: impl Into<String>) -> Self {
        Tenants { primary: primary.into(), auxiliary: Vec::new() }
    }

    /// Adds auxiliary tenants; the primary and duplicates are skipped, more than three refused.
    pub fn with_auxiliary<I, S>(mut self, tenants: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for t in tenants {
            let t = t.into();
            let same = |o: &String| o.eq_ignore_ascii_case(&t);
            if !same(&self.primary) && !self.auxiliary.iter().any(same) {
                self.auxiliary.push(t);
            }
        }
        if self.auxiliary.len() > MAX_AUXILIARY {
            return Err(AzureError::Config(format!(
                "ARM accepts at most {MAX_AUXILIARY} auxiliary tenants, got {}",
                self.auxiliary.len()
            )));
        }
        Ok(self)
    }

    pub fn primary(&self) -> &str {
        &self.primary
    }

    pub fn auxiliary(&self) -> &[String] {
        &self.auxiliary
    }
}

impl From<&str> for Tenants {
    fn from(primary: &str) -> Self {
        Tenants::new(primary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auxiliary_rules() {
        let t = Tenants::new("P").with_auxiliary(["C", "p", "c", "D"]).unwrap();
        assert_eq!(t.auxiliary(), ["C", "D"]);
        assert!(Tenants::new("P").with_auxiliary(["A", "B", "C", "D"]).is_err());
    }
}
