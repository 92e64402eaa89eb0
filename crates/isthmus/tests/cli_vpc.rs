//! `isthmus vpc …`, the real binary, against a real emulator and `isthmus serve`: the VPC commands
//! with tables and JSON, a peering connection from create to ACTIVE to DELETED with `--wait`, a
//! failure state ending a wait, and the token errors.

mod common;

use common::cp::*;
use common::*;
use serde_json::Value;
use std::process::Stdio;

/// What one `isthmus` run printed, and how it exited.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn ok(self) -> Out {
        assert_eq!(self.code, 0, "stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    fn failed(self) -> Out {
        assert_eq!(self.code, 1, "stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", self.stdout))
    }

    /// The table's header row split into column names.
    fn header(&self) -> Vec<&str> {
        self.stdout.lines().next().unwrap_or("").split_whitespace().collect()
    }
}

/// Runs `isthmus ARGS` with only the `AIVEN_*` variables in `env` set.
async fn isthmus_with(env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_isthmus"));
    cmd.args(args).stdin(Stdio::null());
    for v in ["AIVEN_WEB_URL", "AIVEN_AUTH_TOKEN", "AIVEN_PROJECT", "AIVEN_CREDENTIALS_FILE", "AIVEN_CLIENT_CONFIG"] {
        cmd.env_remove(v);
    }
    // Never the credentials of whoever runs the tests.
    cmd.env("AIVEN_CONFIG_DIR", "/nonexistent/isthmus-test-aiven-config");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect("run isthmus");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `isthmus vpc ARGS` pointed at the control plane through the environment, as `avn` is.
async fn vpc(cp: &ControlPlane, args: &[&str]) -> Out {
    let mut all = vec!["vpc"];
    all.extend_from_slice(args);
    isthmus_with(&[("AIVEN_WEB_URL", &cp.url), ("AIVEN_AUTH_TOKEN", &cp.token), ("AIVEN_PROJECT", &cp.project)], &all)
        .await
}

/// The flags naming the customer's connection to `vnet` on `vpc`.
fn target<'a>(vpc_id: &'a str, vnet: &'a str) -> Vec<&'a str> {
    vec![
        "--project-vpc-id",
        vpc_id,
        "--peer-cloud-account",
        CUSTOMER_SUB,
        "--peer-resource-group",
        "customer-rg",
        "--peer-vpc",
        vnet,
    ]
}

fn create_args<'a>(vpc_id: &'a str, vnet: &'a str, app_id: &'a str) -> Vec<&'a str> {
    let mut a = vec!["peering-connection", "create"];
    a.extend(target(vpc_id, vnet));
    a.extend(["--peer-azure-app-id", app_id, "--peer-azure-tenant-id", CUSTOMER_TENANT]);
    a
}

fn with<'a>(mut base: Vec<&'a str>, more: &[&'a str]) -> Vec<&'a str> {
    base.extend_from_slice(more);
    base
}

#[tokio::test]
async fn vpcs_are_listed_created_shown_and_deleted_as_tables_and_json() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start_with(&emu, ServeOptions { api_only: true, ..Default::default() }).await;

    // Nothing yet: `avn` prints nothing at all for an empty list.
    assert_eq!(vpc(&cp, &["list"]).await.ok().stdout, "");
    assert_eq!(vpc(&cp, &["list", "--json"]).await.ok().json(), serde_json::json!([]));

    let created = vpc(&cp, &["create", "--cloud", "azure-westeurope", "--network-cidr", "10.60.0.0/24"]).await.ok();
    assert_eq!(created.header(), ["PROJECT_VPC_ID", "STATE", "CLOUD_NAME", "NETWORK_CIDR"], "{}", created.stdout);
    let lines: Vec<&str> = created.stdout.lines().collect();
    assert!(lines[1].starts_with("====") && lines[1].contains("  "), "a rule under the header: {}", created.stdout);
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(row[1..], ["APPROVED", "azure-westeurope", "10.60.0.0/24"]);
    let first = row[0].to_string();

    let second = vpc(&cp, &["create", "--cloud", "azure-northeurope", "--network-cidr", "10.61.0.0/24", "--json"])
        .await
        .ok()
        .json();
    assert_eq!(second["network_cidr"], "10.61.0.0/24");
    let second_id = second["project_vpc_id"].as_str().unwrap().to_string();

    let list = vpc(&cp, &["list"]).await.ok();
    assert_eq!(list.header(), ["PROJECT_VPC_ID", "CLOUD_NAME", "NETWORK_CIDR", "STATE"]);
    assert_eq!(list.stdout.lines().count(), 4, "{}", list.stdout);
    assert!(list.stdout.contains(&first) && list.stdout.contains(&second_id));
    let verbose = vpc(&cp, &["list", "-v"]).await.ok();
    assert_eq!(verbose.header()[4..], ["CREATE_TIME", "UPDATE_TIME"]);
    let listed = vpc(&cp, &["list", "--json"]).await.ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let got = vpc(&cp, &["get", "--project-vpc-id", &first]).await.ok();
    assert_eq!(got.header(), ["PROJECT_VPC_ID", "CLOUD_NAME", "NETWORK_CIDR", "STATE"]);
    assert!(got.stdout.contains("No peering connections."), "{}", got.stdout);
    let got = vpc(&cp, &["get", "--project-vpc-id", &first, "--json"]).await.ok().json();
    assert_eq!(
        (got["project_vpc_id"].as_str(), &got["peering_connections"]),
        (Some(first.as_str()), &serde_json::json!([]))
    );

    let deleted = vpc(&cp, &["delete", "--project-vpc-id", &second_id]).await.ok();
    assert_eq!(deleted.header(), ["PROJECT_VPC_ID", "STATE", "CLOUD_NAME", "NETWORK_CIDR"]);
    assert!(deleted.stdout.lines().nth(2).unwrap().contains("DELETING"), "{}", deleted.stdout);

    // Flags instead of the environment, before or after the subcommand; a trailing slash is fine.
    let base = format!("{}/", cp.url);
    let flags = ["--url", base.as_str(), "--auth-token", cp.token.as_str(), "--project", cp.project.as_str()];
    let mut before = vec!["vpc"];
    before.extend(flags);
    before.extend(["list", "--json"]);
    assert_eq!(isthmus_with(&[], &before).await.ok().json().as_array().unwrap().len(), 2);
    let mut after = vec!["vpc", "list", "--json"];
    after.extend(flags);
    assert_eq!(isthmus_with(&[], &after).await.ok().json().as_array().unwrap().len(), 2);

    // The API's errors: `ERROR: <message> (status N)` on stderr, exit 1.
    let bad = vpc(&cp, &["get", "--project-vpc-id", "not-a-uuid"]).await.failed();
    assert!(bad.stderr.contains("ERROR: 'not-a-uuid' is not a project VPC id (a UUID) (status 400)"), "{}", bad.stderr);
    let again = vpc(&cp, &["create", "--cloud", "azure-westeurope", "--network-cidr", "10.62.0.0/24"]).await.failed();
    let exists = format!("Project VPC already exists in cloud azure-westeurope: {first}");
    assert!(again.stderr.contains(&exists) && again.stderr.contains("(status 409)"), "{}", again.stderr);

    // A wrong token: the API's own message.
    let wrong = isthmus_with(
        &[("AIVEN_WEB_URL", &cp.url), ("AIVEN_AUTH_TOKEN", "not-a-real-token"), ("AIVEN_PROJECT", &cp.project)],
        &["vpc", "list"],
    )
    .await
    .failed();
    assert_eq!(wrong.stderr.trim(), "ERROR: Invalid token (status 403)");
    assert_eq!(wrong.stdout, "");
}

#[tokio::test]
async fn missing_token_fails_before_any_request_and_an_unreachable_api_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());

    let out = isthmus_with(&[("AIVEN_WEB_URL", &url), ("AIVEN_PROJECT", "demo")], &["vpc", "list"]).await.failed();
    assert!(out.stderr.contains("not authenticated"), "{}", out.stderr);
    let empty =
        isthmus_with(&[("AIVEN_WEB_URL", &url), ("AIVEN_AUTH_TOKEN", ""), ("AIVEN_PROJECT", "demo")], &["vpc", "list"])
            .await
            .failed();
    assert!(empty.stderr.contains("not authenticated"), "{}", empty.stderr);
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "no connection was made without a token"
    );

    drop(listener);
    let down = isthmus_with(
        &[("AIVEN_WEB_URL", &url), ("AIVEN_AUTH_TOKEN", "t"), ("AIVEN_PROJECT", "demo")],
        &["vpc", "list"],
    )
    .await
    .failed();
    assert!(down.stderr.contains(&format!("could not reach {url}/v1/project/demo/vpcs")), "{}", down.stderr);
}

#[tokio::test]
async fn a_peering_connection_goes_to_active_and_is_deleted_with_wait() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc_id, provider_vnet) = cp.active_vpc("10.70.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "cli", true, Some(&rg_scope)).await;

    // Create and wait for the provider side: the output says where to peer to.
    let created =
        vpc(&cp, &with(create_args(&vpc_id, "customer-vnet", &app_id), &["--wait", "PENDING_PEER"])).await.ok();
    let lines: Vec<&str> = created.stdout.lines().collect();
    assert_eq!(lines[0], "State: PENDING_PEER", "{}", created.stdout);
    assert!(lines[1].starts_with("Message: ") && lines[1].contains("--allow-vnet-access"), "{}", created.stdout);
    assert!(lines[3].contains("TO-NETWORK-ID") && lines[3].contains("TO-TENANT-ID"), "{}", created.stdout);
    assert!(created.stdout.contains(&provider_vnet) && created.stdout.contains(PROVIDER_TENANT), "{}", created.stdout);
    assert!(created.stderr.contains("PENDING_PEER"), "one line per state on a non-terminal stderr: {}", created.stderr);

    let list = vpc(&cp, &["peering-connection", "list", "--project-vpc-id", &vpc_id]).await.ok();
    assert_eq!(list.header(), ["PEER_CLOUD_ACCOUNT", "PEER_RESOURCE_GROUP", "PEER_VPC", "PEER_REGION", "STATE"]);
    let row: Vec<&str> = list.stdout.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(row, [CUSTOMER_SUB, "customer-rg", "customer-vnet", "null", "PENDING_PEER"]);
    let list_json = vpc(&cp, &["peering-connection", "list", "--project-vpc-id", &vpc_id, "--json"]).await.ok().json();
    assert_eq!(list_json[0]["state"], "PENDING_PEER");

    // get -v, with the names in another case: Azure names are case-insensitive.
    let upper_sub = CUSTOMER_SUB.to_uppercase();
    let mut get = vec!["peering-connection", "get", "-v"];
    get.extend(["--project-vpc-id", &vpc_id, "--peer-cloud-account", &upper_sub]);
    get.extend(["--peer-resource-group", "CUSTOMER-RG", "--peer-vpc", "Customer-VNet"]);
    let shown = vpc(&cp, &get).await.ok();
    assert!(shown.stdout.contains("Peering connection ID: "), "{}", shown.stdout);
    assert!(shown.stdout.contains("State: PENDING_PEER\nMessage: "), "{}", shown.stdout);
    let as_json =
        vpc(&cp, &with(with(vec!["peering-connection", "get"], &target(&vpc_id, "customer-vnet")), &["--json"]))
            .await
            .ok()
            .json();
    assert_eq!(as_json["state_info"]["to-network-id"], provider_vnet.as_str());
    let id = as_json["peering_connection_id"].as_str().unwrap().to_string();

    // Waiting for ACTIVE before the customer's side exists times out.
    let get_args = with(vec!["peering-connection", "get"], &target(&vpc_id, "customer-vnet"));
    let early = vpc(&cp, &with(get_args.clone(), &["--wait", "active", "--timeout", "1"])).await.failed();
    assert!(early.stderr.contains("timed out after 1 s waiting for ACTIVE; it is PENDING_PEER"), "{}", early.stderr);
    // The customer's turn is announced when it comes, with what to do, not only at the timeout.
    let told = early.stderr.lines().position(|l| l.contains("] PENDING_PEER: Create your side of the peering"));
    let timed_out = early.stderr.lines().position(|l| l.contains("timed out after"));
    assert!(told.is_some() && told < timed_out, "{}", early.stderr);

    // The customer creates their side; the wait ends at ACTIVE.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let put = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet, &c_arm, &[&c_aux]).await;
    assert_eq!(put.status, 201, "{}", put.body);
    let active = vpc(&cp, &with(get_args.clone(), &["--wait", "ACTIVE", "--timeout", "60"])).await.ok();
    assert!(active.stdout.starts_with("State: ACTIVE\nMessage: Peering connection active"), "{}", active.stdout);

    // Delete and wait until it is gone.
    let del = with(vec!["peering-connection", "delete"], &target(&vpc_id, "customer-vnet"));
    let deleted = vpc(&cp, &with(del, &["--wait", "DELETED", "--timeout", "60"])).await.ok();
    assert_eq!(deleted.stdout.trim(), "State: DELETED", "stderr: {}", deleted.stderr);
    assert_eq!(vpc(&cp, &["peering-connection", "list", "--project-vpc-id", &vpc_id]).await.ok().stdout, "");
    let gone = vpc(&cp, &get_args).await.failed();
    assert_eq!(gone.stderr.trim(), "ERROR: Peering connection does not exist");

    // The timeline, by id now that it is no longer listed.
    let events =
        vpc(&cp, &["peering-connection", "events", "--project-vpc-id", &vpc_id, "--peering-connection-id", &id])
            .await
            .ok();
    assert!(events.stdout.starts_with(&format!("Peering connection {id}: DELETED")), "{}", events.stdout);
    let to_states: Vec<&str> = events.stdout.lines().skip(4).map(|l| l.split_whitespace().nth(2).unwrap()).collect();
    assert_eq!(to_states, ["APPROVED", "PENDING_PEER", "ACTIVE", "DELETING", "DELETED"], "{}", events.stdout);
}

#[tokio::test]
async fn a_missing_vnet_ends_the_wait_with_the_invalid_specification_message() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc_id, _) = cp.active_vpc("10.80.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, _) = customer_setup(&emu, "cli-missing", true, Some(&rg_scope)).await;

    // Without --wait: avn's wide table of every key of the new connection.
    let created = vpc(&cp, &create_args(&vpc_id, "no-such-vnet", &app_id)).await.ok();
    let header = created.header();
    for col in
        ["PEER_AZURE_APP_ID", "PEER_VPC", "PEERING_CONNECTION_ID", "STATE", "STATE_INFO", "VPC_PEERING_CONNECTION_TYPE"]
    {
        assert!(header.contains(&col), "{col} in {header:?}");
    }
    assert!(created.stdout.contains("APPROVED") && created.stdout.contains("no-such-vnet"), "{}", created.stdout);

    // A duplicate: the API's 409.
    let dup = vpc(&cp, &create_args(&vpc_id, "no-such-vnet", &app_id)).await.failed();
    assert!(dup.stderr.contains("(status 409)"), "{}", dup.stderr);

    let get = with(vec!["peering-connection", "get"], &target(&vpc_id, "no-such-vnet"));
    let failed = vpc(&cp, &with(get, &["--wait", "ACTIVE", "--timeout", "60"])).await.failed();
    assert!(failed.stderr.contains("INVALID_SPECIFICATION"), "{}", failed.stderr);
    assert!(failed.stderr.contains("was not found") && failed.stderr.contains("step 5"), "{}", failed.stderr);

    // events by names shows why.
    let mut events = vec!["peering-connection", "events", "--project-vpc-id", &vpc_id];
    events.extend(["--peer-cloud-account", CUSTOMER_SUB, "--peer-vpc", "no-such-vnet"]);
    let timeline = vpc(&cp, &events).await.ok();
    assert_eq!(
        timeline.stdout.lines().nth(2).unwrap().split_whitespace().collect::<Vec<_>>(),
        ["TIME", "FROM_STATE", "TO_STATE", "REASON"]
    );
    assert!(timeline.stdout.contains("INVALID_SPECIFICATION"), "{}", timeline.stdout);
    assert!(timeline.stdout.contains("InvalidResourceReference while creating the provider peering"), "the cause");

    // Delete without --wait: the connection as `get -v` shows it, in a terminal's width.
    let del = vpc(&cp, &with(vec!["peering-connection", "delete"], &target(&vpc_id, "no-such-vnet"))).await.ok();
    assert!(
        del.stdout.contains("Peer VNet: no-such-vnet\n") && del.stdout.contains("State: DELETING\n"),
        "{}",
        del.stdout
    );
    assert!(del.stdout.lines().all(|l| l.len() <= 160), "{}", del.stdout);
}

#[tokio::test]
async fn avn_login_files_refresh_and_user_peer_network_cidrs() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc_id, _) = cp.active_vpc("10.90.0.0/24").await;
    // What `avn user login` and `avn project switch` leave behind, and nothing in the environment.
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("aiven-credentials.json"),
        serde_json::json!({"auth_token": cp.token, "user_email": "dev@example.com"}).to_string(),
    )
    .unwrap();
    std::fs::write(
        config.path().join("aiven-client.json"),
        serde_json::json!({"default_project": cp.project}).to_string(),
    )
    .unwrap();
    let dir = config.path().to_str().unwrap();
    let run = |args: Vec<&str>| {
        let mut all = vec!["vpc".to_string()];
        all.extend(args.into_iter().map(String::from));
        let (url, dir) = (cp.url.clone(), dir.to_string());
        async move {
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            isthmus_with(&[("AIVEN_WEB_URL", &url), ("AIVEN_CONFIG_DIR", &dir)], &all).await
        }
    };
    let listed = run(vec!["list", "--json"]).await.ok();
    assert_eq!(listed.json()[0]["project_vpc_id"], vpc_id.as_str(), "{}", listed.stdout);

    let created = vpc(&cp, &create_args(&vpc_id, "customer-vnet", "eeeeeeee-0000-0000-0000-0000000000b2")).await.ok();
    assert!(created.stdout.contains("APPROVED"));
    let vpc_arg = vpc_id.as_str();
    let refreshed = run(vec!["peering-connection", "refresh", "--project-vpc-id", vpc_arg]).await.ok();
    assert_eq!(refreshed.header(), ["PEER_CLOUD_ACCOUNT", "PEER_RESOURCE_GROUP", "PEER_VPC", "PEER_REGION", "STATE"]);
    assert!(refreshed.stdout.contains("customer-vnet"), "{}", refreshed.stdout);

    let add = vec![
        "user-peer-network-cidr",
        "add",
        "--project-vpc-id",
        vpc_arg,
        "--peer-cloud-account",
        CUSTOMER_SUB,
        "--peer-resource-group",
        "customer-rg",
        "--peer-vpc",
        "customer-vnet",
        "10.200.0.0/16",
        "10.201.0.0/16",
    ];
    assert_eq!(run(add).await.ok().stdout, "", "prints nothing, as avn");
    let got = run(vec!["get", "--project-vpc-id", vpc_arg, "--json"]).await.ok().json();
    assert_eq!(
        got["peering_connections"][0]["user_peer_network_cidrs"],
        serde_json::json!(["10.200.0.0/16", "10.201.0.0/16"])
    );
    run(vec!["user-peer-network-cidr", "delete", "--project-vpc-id", vpc_arg, "10.200.0.0/16"]).await.ok();
    let got = run(vec!["get", "--project-vpc-id", vpc_arg, "--json"]).await.ok().json();
    assert_eq!(got["peering_connections"][0]["user_peer_network_cidrs"], serde_json::json!(["10.201.0.0/16"]));
}
