//! Building request URLs. Query values are percent-encoded with `%20` for spaces (OData filters
//! in ARM and Graph do not read `+` as a space everywhere); keys such as `$filter` stay literal,
//! as `az` sends them.

use crate::error::{AzureError, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `base` + `path` + `?query`: `path` is appended to `base`'s path (never replacing it, unlike
/// `Url::join` with an absolute path).
pub(crate) fn build(base: &Url, path: &str, query: &[(&str, &str)]) -> Result<Url> {
    let mut s = format!("{}/{}", base.as_str().trim_end_matches('/'), path.trim_start_matches('/'));
    for (i, (k, v)) in query.iter().enumerate() {
        s.push(if i == 0 { '?' } else { '&' });
        s.push_str(k);
        s.push('=');
        s.extend(utf8_percent_encode(v, VALUE));
    }
    Url::parse(&s).map_err(|e| AzureError::Config(format!("bad URL {s}: {e}")))
}

/// An OData string literal: quotes doubled.
pub(crate) fn odata_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Same scheme, host and port: bearer tokens are only ever sent back to the service that issued
/// the link (nextLink, Azure-AsyncOperation).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_encoded_filter() {
        let base = Url::parse("https://h:1/graph/").unwrap();
        let u = build(&base, "v1.0/servicePrincipals", &[("$filter", "appId eq 'x'")]).unwrap();
        assert_eq!(u.as_str(), "https://h:1/graph/v1.0/servicePrincipals?$filter=appId%20eq%20%27x%27");
        let arm = Url::parse("https://management.azure.com/").unwrap();
        let u = build(&arm, "/subscriptions/s", &[("api-version", "2022-12-01")]).unwrap();
        assert_eq!(u.as_str(), "https://management.azure.com/subscriptions/s?api-version=2022-12-01");
        assert_eq!(odata_string("O'Brien"), "'O''Brien'");
    }

    #[test]
    fn origins() {
        let a = Url::parse("https://management.azure.com/").unwrap();
        assert!(same_origin(&a, &Url::parse("https://management.azure.com:443/x").unwrap()));
        assert!(!same_origin(&a, &Url::parse("https://evil.example/x").unwrap()));
    }
}
