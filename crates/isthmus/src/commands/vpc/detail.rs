//! One peering connection as `avn vpc peering-connection get` shows it: the state, the
//! `state_info` message (what to do next), and the other `state_info` keys as a table.

use super::render;
use serde_json::Value;
use std::io::IsTerminal;

/// The view; `verbose` adds the connection's identity and times, which `avn` never shows.
pub fn connection(c: &Value, verbose: bool) -> String {
    let mut out = String::new();
    if verbose {
        for (label, key) in [
            ("Peering connection ID", "peering_connection_id"),
            ("Peer subscription", "peer_cloud_account"),
            ("Peer resource group", "peer_resource_group"),
            ("Peer VNet", "peer_vpc"),
            ("Peer tenant", "peer_azure_tenant_id"),
            ("Peer app", "peer_azure_app_id"),
            ("Created", "create_time"),
            ("Updated", "update_time"),
        ] {
            if !c[key].is_null() {
                out.push_str(&format!("{label}: {}\n", render::cell(&c[key])));
            }
        }
    }
    out.push_str(&format!("State: {}\n", render::cell(&c["state"])));
    if let Some(cidrs) = c["user_peer_network_cidrs"].as_array().filter(|a| !a.is_empty()) {
        out.push_str(&format!("User-defined peer network cidrs: {}\n", render::cell(&Value::Array(cidrs.clone()))));
    }
    if let Some(info) = c["state_info"].as_object() {
        if let Some(message) = info.get("message") {
            // What to do next: bold on a terminal.
            let line = format!("Message: {}", render::cell(message));
            match std::io::stdout().is_terminal() {
                true => out.push_str(&format!("\x1b[1m{line}\x1b[0m\n")),
                false => out.push_str(&format!("{line}\n")),
            }
        }
        let rest: serde_json::Map<String, Value> =
            info.iter().filter(|(k, _)| k.as_str() != "message").map(|(k, v)| (k.clone(), v.clone())).collect();
        if !rest.is_empty() {
            let mut columns: Vec<&str> = rest.keys().map(String::as_str).collect();
            columns.sort_unstable();
            out.push('\n');
            out.push_str(&render::table(&columns, &[Value::Object(rest.clone())]));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pending_peer_shows_the_message_then_the_other_keys() {
        let c = json!({"state": "PENDING_PEER", "user_peer_network_cidrs": [],
            "state_info": {"message": "do X", "to-network-id": "/subscriptions/s/vnet", "to-tenant-id": "t", "type": "p"}});
        let out = connection(&c, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "State: PENDING_PEER");
        assert_eq!(lines[1], "Message: do X");
        assert_eq!(lines[2], "");
        assert!(lines[3].starts_with("TO-NETWORK-ID") && lines[3].contains("TO-TENANT-ID"), "{out}");
        assert!(lines[5].starts_with("/subscriptions/s/vnet"), "{out}");
    }

    #[test]
    fn null_state_info_shows_only_the_state() {
        assert_eq!(connection(&json!({"state": "APPROVED", "state_info": null}), false), "State: APPROVED\n");
    }
}
