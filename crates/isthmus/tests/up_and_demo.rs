//! `isthmus demo` performs the 15 steps and ends ACTIVE (and with a query through the peering
//! where services run); `isthmus up` writes env.sh and world.json, serves both halves, and keeps
//! every VPC, connection and service's data across `kill -9` and restart.

mod common;

use common::up::*;

use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::process::Command;

#[tokio::test]
async fn demo_names_all_fifteen_steps_and_ends_active() {
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus")).arg("demo").output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "demo failed: {text}\n{}", String::from_utf8_lossy(&out.stderr));
    for n in 1..=15 {
        assert!(text.contains(&format!("[{n:>2}/15]")), "step {n} missing from:\n{text}");
    }
    assert!(!text.contains("FAILED"));
    assert!(text.contains("PENDING_PEER  → ACTIVE"), "the timeline shows the transition to ACTIVE:\n{text}");
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if azure_emulator::dataplane::unavailable().is_none() {
        // Services run here: the query fails before the peering and answers through it at the end.
        let before = lines.iter().find(|l| l.starts_with("before the peering: ")).expect("the query before");
        assert!(before.contains("psql from customer-vm to service tsdb failed"), "{before}");
        // `azure connect`'s last words (the same code): how the peered VNet reaches the service.
        let reach = lines
            .iter()
            .find(|l| l.starts_with("service tsdb (pg, RUNNING) answers hosts of customer-vnet at 10.2.0."));
        let reach = reach.unwrap_or_else(|| panic!("how to reach tsdb:\n{text}"));
        assert!(
            reach.ends_with(":5432: psql \"$(avn service get tsdb --project demo --format '{service_uri}')\""),
            "{reach}"
        );
        assert!(lines[lines.len() - 2].starts_with("ACTIVE"), "ACTIVE, then the query:\n{text}");
        let last = lines[lines.len() - 1];
        assert!(
            last.starts_with("through the peering: psql from customer-vm to service tsdb: select 1 answered in "),
            "{last}"
        );
    } else {
        assert!(lines.last().unwrap().starts_with("ACTIVE"), "ends ACTIVE:\n{text}");
    }
}

#[tokio::test]
async fn up_writes_its_contract_and_survives_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let first = up(tmp.path()).await;
    for key in [
        "REQUESTS_CA_BUNDLE",
        "SSL_CERT_FILE",
        "AZURE_CORE_INSTANCE_DISCOVERY",
        "ARM_CLOUD_METADATA_URL",
        "AIVEN_WEB_URL",
        "AIVEN_AUTH_TOKEN",
        "AIVEN_PROJECT",
    ] {
        assert!(first.env.contains_key(key), "env.sh exports {key}");
    }
    let w = &first.world;
    for path in [
        "/provider/tenant_id",
        "/provider/app_id",
        "/provider/subscription_id",
        "/provider/resource_group",
        "/customer/tenant_id",
        "/customer/subscription_id",
        "/customer/resource_group",
        "/customer/vnet_name",
        "/customer/vnet_id",
        "/customer/admin/username",
        "/customer/admin/password",
        "/project/name",
        "/project/vpc_id",
        "/project/token",
    ] {
        assert!(w.pointer(path).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "world.json has {path}: {w}");
    }
    let vpc = w["project"]["vpc_id"].as_str().unwrap().to_string();
    let c = &w["customer"];
    let connection = |vnet: &str| {
        json!({"peer_cloud_account": c["subscription_id"], "peer_resource_group": c["resource_group"], "peer_vpc": vnet,
                                         "peer_azure_app_id": "12345678-1234-1234-1234-123456789012", "peer_azure_tenant_id": c["tenant_id"]})
    };
    // A connection naming an app that exists nowhere: the reconciler marks it INVALID_SPECIFICATION,
    // and that state and its message must survive the restart.
    let r =
        first.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection("customer-vnet"))).await;
    assert_eq!(r["state"], "APPROVED", "{r}");
    let rejected = first.wait_state(&vpc, "customer-vnet", "INVALID_SPECIFICATION").await;
    let before = first.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(before["state"], "ACTIVE");

    let mut child = first.child;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let second = up(tmp.path()).await;
    assert_eq!(second.world["project"]["vpc_id"], vpc, "the same VPC");
    assert_eq!(
        second.world["customer"]["admin"]["password"], first.world["customer"]["admin"]["password"],
        "the same world"
    );
    let after = second.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(after["state"], "ACTIVE");
    let again = after["peering_connections"].as_array().unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["peering_connection_id"], rejected["peering_connection_id"]);
    assert_eq!(again[0]["state"], "INVALID_SPECIFICATION");
    assert_eq!(again[0]["state_info"], rejected["state_info"]);
}

#[tokio::test]
async fn a_second_up_on_a_data_dir_in_use_refuses_and_leaves_the_first_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let first = up(tmp.path()).await;
    let env_before = std::fs::read_to_string(tmp.path().join("env.sh")).unwrap();
    let admin_key = std::fs::read_to_string(tmp.path().join("azure/admin-key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("env.sh")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "env.sh holds the API token");
    }
    let out = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(env!("CARGO_BIN_EXE_isthmus"))
            .args(["up", "--data-plane=off", "--data-dir"])
            .arg(tmp.path())
            .args(["--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"])
            .output(),
    )
    .await
    .expect("the second up gives up at once")
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is in use by another `isthmus up`") && err.contains("--data-dir"), "{err}");
    assert_eq!(std::fs::read_to_string(tmp.path().join("env.sh")).unwrap(), env_before, "env.sh untouched");
    assert_eq!(std::fs::read_to_string(tmp.path().join("azure/admin-key")).unwrap(), admin_key);
    let vpcs = first.call(Method::GET, "/vpcs", None).await;
    assert_eq!(vpcs["vpcs"].as_array().unwrap().len(), 1, "the first stack still serves: {vpcs}");
}

/// With the data plane (as root), `up`'s world has a host `customer-vm` in `customer-vnet` at the
/// subnet's first free address, and a graceful stop removes every namespace the stack made.
#[tokio::test]
async fn up_has_a_customer_vm_host_when_the_data_plane_runs() {
    use azure_emulator::dataplane::{names::Names, netns};
    if let Some(why) = azure_emulator::dataplane::unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let names = Names::for_data_dir(&tmp.path().join("azure"));
    let stack = up_with(tmp.path(), "--data-plane=on").await;
    assert_eq!(stack.world["customer"]["vm_nic"], "customer-vm", "world.json names the host");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let address = loop {
        let out = Command::new(env!("CARGO_BIN_EXE_isthmus"))
            .args(["exec", "--nic", "customer-vm", "--data-dir"])
            .arg(tmp.path())
            .args(["--", "ip", "-4", "-o", "addr", "show", "dev", "eth0"])
            .output()
            .await
            .unwrap();
        if out.status.success() {
            break String::from_utf8_lossy(&out.stdout).to_string();
        }
        assert!(std::time::Instant::now() < deadline, "{}", String::from_utf8_lossy(&out.stderr));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(address.contains("inet 10.1.0.4/24"), "customer-vm has customer-vnet's first free address: {address}");
    stack.terminate().await;
    let left = netns::existing(names.prefix());
    netns::sweep(&names);
    assert!(left.is_empty(), "a graceful stop leaves no namespace: {left:?}");
}

/// `psql` on the service's own host, over TLS to its private address, as avnadmin.
async fn psql_on(dir: &std::path::Path, nic: &str, uri: &str, sql: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["exec", "--nic", nic, "--data-dir"])
        .arg(dir)
        .args(["--", "psql", uri, "-v", "ON_ERROR_STOP=1", "-Atc", sql])
        .env("PGCONNECT_TIMEOUT", "5")
        .output()
        .await
        .unwrap()
}

/// The demo service `tsdb` is a real PostgreSQL server in the project VPC: a row written before
/// `kill -9` of `up` is read after a restart on the same data dir (no server outlives its stack),
/// and a graceful stop leaves no server and no namespace.
#[tokio::test]
async fn the_demo_service_keeps_its_data_across_kill_9_and_restart() {
    use azure_emulator::dataplane::names::Names;
    if let Some(why) = azure_emulator::dataplane::unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let names = Names::for_data_dir(&tmp.path().join("azure"));
    let _sweep = SweepOnDrop(names.clone());
    let first = up_with(tmp.path(), "--data-plane=on").await;
    let uri = first.world["service"]["uri"].as_str().expect("world.json has service.uri").to_string();
    assert_eq!(first.world["service"]["name"], "tsdb");
    let service = first.call(Method::GET, "/service/tsdb", None).await;
    assert_eq!(service["service"]["state"], "RUNNING", "{service}");
    assert_eq!(service["service"]["service_uri"], uri.as_str());
    let nic = common::service_nic(tmp.path(), "tsdb");

    let wrote = psql_on(tmp.path(), &nic, &uri, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')").await;
    assert!(wrote.status.success(), "{}", String::from_utf8_lossy(&wrote.stderr));
    let superuser = psql_on(tmp.path(), &nic, &uri, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").await;
    assert_eq!(String::from_utf8_lossy(&superuser.stdout).trim(), "f", "avnadmin is not a superuser");

    let mut child = first.child;
    child.kill().await.unwrap();
    let data = tmp.path().join("services");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while common::postgres_under(&data) {
        assert!(std::time::Instant::now() < deadline, "a server outlived its killed stack");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let second = up_with(tmp.path(), "--data-plane=on").await;
    assert_eq!(second.world["service"]["uri"], uri.as_str(), "same address, same password");
    let read = psql_on(tmp.path(), &nic, &uri, "SELECT v FROM kept").await;
    assert_eq!(String::from_utf8_lossy(&read.stdout).trim(), "before", "{}", String::from_utf8_lossy(&read.stderr));

    second.terminate().await;
    assert!(!common::postgres_under(&data), "a graceful stop stops the servers");
    let left = azure_emulator::dataplane::netns::existing(names.prefix());
    assert!(left.is_empty(), "a graceful stop leaves no namespace: {left:?}");

    // A run without the data plane has no server for it: the service says so instead of RUNNING.
    let third = up_with(tmp.path(), "--data-plane=off").await;
    let service = third.call(Method::GET, "/service/tsdb", None).await;
    assert_eq!(service["service"]["state"], "REBUILDING", "{service}");
    let note = service["service"]["service_notifications"][0]["message"].as_str().unwrap_or_default();
    assert!(note.contains("services run on the data plane's hosts, which are off"), "{service}");
    drop(third);
}
