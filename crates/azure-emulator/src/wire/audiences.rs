//! The token audiences this emulator serves, fixed at start from the origins it answers on. Tokens
//! are checked against these and the token endpoint mints only these, whatever a request's `Host`
//! header claims.

/// ARM's public audiences, which `az` and the SDKs ask for.
pub const PUBLIC_ARM: [&str; 2] = ["https://management.core.windows.net", "https://management.azure.com"];
/// Graph's public audience and its well-known application id.
pub const PUBLIC_GRAPH: [&str; 2] = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];

#[derive(Debug, Clone)]
pub struct Audiences {
    arm: Vec<String>,
    graph: Vec<String>,
}

fn canonical(aud: &str) -> String {
    aud.trim_end_matches('/').to_ascii_lowercase()
}

impl Audiences {
    /// The audiences of an emulator reachable at `origins` (`https://host[:port]`): ARM at each
    /// origin itself, Graph at `{origin}/graph`, plus the public ones.
    pub fn for_origins(origins: &[String]) -> Self {
        let arm = PUBLIC_ARM.iter().map(|a| canonical(a)).chain(origins.iter().map(|o| canonical(o))).collect();
        let graph = PUBLIC_GRAPH
            .iter()
            .map(|a| canonical(a))
            .chain(origins.iter().map(|o| canonical(&format!("{}/graph", o.trim_end_matches('/')))))
            .collect();
        Audiences { arm, graph }
    }

    pub fn is_arm(&self, aud: &str) -> bool {
        self.arm.contains(&canonical(aud))
    }

    pub fn is_graph(&self, aud: &str) -> bool {
        self.graph.contains(&canonical(aud))
    }

    /// The ARM audiences as ARM's error message lists them.
    pub fn arm_list(&self) -> String {
        self.arm.iter().map(|a| format!("'{a}/'")).collect::<Vec<_>>().join(",")
    }
}

/// The origins an emulator listening on `addr` answers on: loopback by address and by name (and the
/// unspecified address's loopback), without the port when it is 443.
pub fn origins_for(addr: std::net::SocketAddr, extra: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    if !addr.ip().is_unspecified() && !addr.ip().is_loopback() {
        hosts.push(match addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        });
    }
    if addr.ip().is_ipv6() && addr.ip().is_loopback() {
        hosts.push("[::1]".into());
    }
    let mut out: Vec<String> = hosts
        .iter()
        .flat_map(|h| {
            let mut v = vec![format!("https://{h}:{port}")];
            if port == 443 {
                v.push(format!("https://{h}"));
            }
            v
        })
        .collect();
    out.extend(extra.iter().map(|e| e.trim_end_matches('/').to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_served_audiences_pass() {
        let a = Audiences::for_origins(&origins_for("127.0.0.1:8443".parse().unwrap(), &[]));
        assert!(a.is_arm("https://management.core.windows.net/"));
        assert!(a.is_arm("https://127.0.0.1:8443/"));
        assert!(a.is_graph("https://127.0.0.1:8443/graph/"));
        assert!(a.is_graph("https://graph.microsoft.com"));
        assert!(!a.is_arm("https://evil.example"));
        assert!(!a.is_graph("https://evil.example/graph"));
        assert!(!a.is_arm("https://127.0.0.1:8443/graph"), "a Graph audience is not an ARM one");
        assert!(!a.is_graph("https://127.0.0.1:8443/"));
    }
}
