//! Which bucket an ARM request draws on: the subscription in its path and the kind of its verb.

use super::limits::RequestKind;
use reqwest::Method;
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Lower-cased, as ARM ids are case-insensitive; `None` for tenant-level calls
    /// (`/subscriptions`, `/tenants`), which no subscription bucket covers.
    pub subscription: Option<String>,
    pub kind: RequestKind,
}

impl Target {
    pub fn of(method: &Method, url: &Url) -> Self {
        Target { subscription: subscription_in(url.path()), kind: RequestKind::of(method) }
    }
}

/// `{id}` from the first `/subscriptions/{id}` of `path`.
fn subscription_in(path: &str) -> Option<String> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    segments.find(|s| s.eq_ignore_ascii_case("subscriptions"))?;
    segments.next().map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(method: Method, url: &str) -> Target {
        Target::of(&method, &Url::parse(url).unwrap())
    }

    #[test]
    fn subscription_and_kind_from_the_request() {
        let t = target(Method::GET, "https://h/Subscriptions/AB-1/resourceGroups/rg?api-version=1");
        assert_eq!(t, Target { subscription: Some("ab-1".into()), kind: RequestKind::Read });
        let t = target(Method::PUT, "https://h/prefix/subscriptions/s/providers/x");
        assert_eq!((t.subscription.as_deref(), t.kind), (Some("s"), RequestKind::Write));
        assert_eq!(target(Method::GET, "https://h/subscriptions?api-version=1").subscription, None);
        assert_eq!(target(Method::GET, "https://h/tenants").subscription, None);
    }
}
