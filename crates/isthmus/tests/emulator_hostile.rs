//! A hostile tenant against the emulator: each reproduction of the issue "a hostile tenant can
//! neither break it nor see or touch what is not theirs", as a regression test over HTTPS.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const PROVIDER_ADMIN: (&str, &str) = ("admin@provider.example", "Provider-Admin-Pass-1");

fn rg_path(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}?api-version=2021-04-01")
}

/// Every kind of write still works for everyone (the writer was not poisoned).
async fn writes_still_work(emu: &Emu) {
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let rg = emu
        .arm(Method::PUT, &rg_path(CUSTOMER_SUB, "after-attack"), &admin, &[], Some(json!({"location": "westeurope"})))
        .await;
    assert!(rg.status.is_success(), "ARM write after the attack: {} {}", rg.status, rg.body);
    let provider = emu.user_token(PROVIDER_ADMIN, &emu.graph_resource()).await;
    let app = emu.graph(Method::POST, "/applications", &provider, Some(json!({"displayName": "still-writable"}))).await;
    assert_eq!(app.status, 201, "Graph write in another tenant after the attack: {}", app.body);
    let knobs = emu.admin(Method::PATCH, "knobs", Some(json!({"tokenLifetimeSeconds": 3599}))).await;
    assert_eq!(knobs.status, 200, "admin write after the attack: {}", knobs.body);
}

#[tokio::test]
async fn a_date_past_year_9999_is_a_400_and_breaks_nothing() {
    let emu = Emu::start().await;
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let app = emu.graph(Method::POST, "/applications", &g, Some(json!({"displayName": "mine"}))).await;
    let id = app.body["id"].as_str().unwrap().to_string();
    for cred in [
        json!({"startDateTime": "+262142-12-31T23:59:59Z"}),
        json!({"endDateTime": "+262142-12-31T23:59:59Z"}),
        json!({"startDateTime": "9999-12-30T00:00:00Z"}),
        json!({"startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2029-01-01T00:00:00Z"}),
        json!({"startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2025-01-01T00:00:00Z"}),
    ] {
        let r = emu
            .graph(
                Method::POST,
                &format!("/applications/{id}/addPassword"),
                &g,
                Some(json!({"passwordCredential": cred})),
            )
            .await;
        assert_eq!(r.status, 400, "{cred}: {}", r.body);
        assert_eq!(r.code(), "Request_BadRequest", "{}", r.body);
        assert!(r.message().contains("passwordCredential"), "says which property: {}", r.message());
        assert!(r.body["error"]["innerError"]["request-id"].is_string(), "Graph's error shape: {}", r.body);
    }
    let two_years = json!({"startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2027-12-31T00:00:00Z"});
    let ok = emu
        .graph(
            Method::POST,
            &format!("/applications/{id}/addPassword"),
            &g,
            Some(json!({"passwordCredential": two_years})),
        )
        .await;
    assert_eq!(ok.status, 200, "a secret of under two years is fine: {}", ok.body);
    writes_still_work(&emu).await;
}

#[tokio::test]
async fn knob_and_clock_values_out_of_range_are_refused_and_survive_a_restart() {
    let emu = Emu::start().await;
    let knob =
        emu.admin(Method::PATCH, "knobs", Some(json!({"propagationDelaySeconds": 10_000_000_000_000_000u64}))).await;
    assert_eq!(knob.status, 400, "{}", knob.body);
    assert_eq!(knob.code(), "InvalidParameter");
    for advance in [json!(1e13), json!(-1), json!(4e8)] {
        let r = emu.admin(Method::POST, "clock", Some(json!({ "advanceSeconds": advance }))).await;
        assert_eq!(r.status, 400, "advance {advance}: {}", r.body);
        assert!(r.message().contains("advanceSeconds"), "{}", r.message());
    }
    // The largest allowed moves, again and again, stop at the bound instead of overflowing.
    for _ in 0..12 {
        let r = emu.admin(Method::POST, "clock", Some(json!({"advanceSeconds": 315_000_000}))).await;
        assert!(r.status == 200 || r.status == 400, "{} {}", r.status, r.body);
    }
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (_, sp, _) = emu.customer_app("delayed").await;
    let role = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7");
    assert_eq!(emu.assign(&admin, &customer_vnet(), &role, &sp).await.status, 201);

    let (port, dir) = (emu.port(), emu.dir.clone());
    let _keep = emu.kill9().await;
    let emu = Emu::start_at(&dir, None, &format!("127.0.0.1:{port}")).await;
    let clock = emu.admin(Method::GET, "clock", None).await;
    assert_eq!(clock.status, 200, "the clock still reads after a restart: {}", clock.body);
    writes_still_work(&emu).await;
}

/// Contributor on `rg-scoped` only, for a customer app: (its ARM token, the admin's ARM token).
async fn scoped_contributor(emu: &Emu) -> (String, String) {
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let rg = emu
        .arm(Method::PUT, &rg_path(CUSTOMER_SUB, "rg-scoped"), &admin, &[], Some(json!({"location": "westeurope"})))
        .await;
    assert_eq!(rg.status, 201, "{}", rg.body);
    let (app_id, sp, secret) = emu.customer_app("scoped").await;
    let contributor = format!(
        "/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
    );
    let scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/rg-scoped");
    assert_eq!(emu.assign(&admin, &scope, &contributor, &sp).await.status, 201);
    (emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await, admin)
}

#[tokio::test]
async fn an_encoded_slash_cannot_reach_outside_the_granted_group() {
    let emu = Emu::start().await;
    let (scoped, admin) = scoped_contributor(&emu).await;
    let own = emu
        .arm(Method::PUT, &rg_path(CUSTOMER_SUB, "rg-scoped"), &scoped, &[], Some(json!({"location": "westeurope"})))
        .await;
    assert_eq!(own.status, 200, "the grant itself works: {}", own.body);

    let victim = vnet_id(CUSTOMER_SUB, "customer-rg", "customer-vnet");
    let owner = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    let (_, victim_sp, _) = emu.customer_app("victim-owner").await;
    let guarded = emu.assign(&admin, &victim, owner, &victim_sp).await;
    assert_eq!(guarded.status, 201, "{}", guarded.body);

    let child = "rg-scoped%2Fchild";
    let put = emu
        .arm(Method::PUT, &rg_path(CUSTOMER_SUB, child), &scoped, &[], Some(json!({"location": "westeurope"})))
        .await;
    assert_eq!((put.status.as_u16(), put.code()), (400, "InvalidResourceGroup"), "{}", put.body);
    let vnet = format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, child, "sneaky"));
    let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.50.0.0/16"]}}});
    let put = emu.arm(Method::PUT, &vnet, &scoped, &[], Some(body)).await;
    assert_eq!((put.status.as_u16(), put.code()), (400, "InvalidResourceGroup"), "{}", put.body);

    let smuggled = "rg-scoped%2Fproviders%2FMicrosoft.Network%2FvirtualNetworks%2Fcustomer-vnet";
    for method in [Method::PUT, Method::DELETE] {
        let r = emu
            .arm(
                method.clone(),
                &rg_path(CUSTOMER_SUB, smuggled),
                &scoped,
                &[],
                Some(json!({"location": "westeurope"})),
            )
            .await;
        assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidResourceGroup"), "{method}: {}", r.body);
    }
    let list = emu
        .arm(
            Method::GET,
            &format!("{victim}/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}&$filter=atScope()"),
            &admin,
            &[],
            None,
        )
        .await;
    let ids: Vec<&str> = list.body["value"].as_array().unwrap().iter().filter_map(|a| a["name"].as_str()).collect();
    assert!(
        ids.contains(&guarded.body["name"].as_str().unwrap()),
        "the Owner assignment on the VNet survives: {ids:?}"
    );

    for bad in ["a%00b", "a%0Ab", "%3Cscript%3E", "..%2Fx", "%F0%9F%A6%80", "ends-with-dot.", &"r".repeat(91)] {
        let r = emu
            .arm(Method::PUT, &rg_path(CUSTOMER_SUB, bad), &admin, &[], Some(json!({"location": "westeurope"})))
            .await;
        assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidResourceGroup"), "{bad}: {}", r.body);
        assert!(
            !r.message().contains('\n') && !r.message().contains('\0'),
            "control characters are escaped: {:?}",
            r.message()
        );
    }
    for bad in ["v", "-vnet", "vnet-", "a%2Fb", "%3Cscript%3E"] {
        let path = format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", bad));
        let body =
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.60.0.0/16"]}}});
        let r = emu.arm(Method::PUT, &path, &admin, &[], Some(body)).await;
        assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidResourceName"), "{bad}: {}", r.body);
    }
}

#[tokio::test]
async fn reads_racing_deletes_never_fail() {
    let emu = Emu::start().await;
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let mut apps = Vec::new();
    for i in 0..120 {
        let app =
            emu.graph(Method::POST, "/applications", &g, Some(json!({"displayName": format!("racer-{i}")}))).await;
        let sp = emu.graph(Method::POST, "/servicePrincipals", &g, Some(json!({"appId": app.body["appId"]}))).await;
        apps.push((app.body["id"].as_str().unwrap().to_string(), sp.body["id"].as_str().unwrap().to_string()));
    }
    let emu = std::sync::Arc::new(emu);
    let reader = {
        let (emu, g, apps) = (emu.clone(), g.clone(), apps.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for (app, sp) in apps.iter().cycle().take(360) {
                for path in
                    [format!("/servicePrincipals/{sp}"), format!("/applications/{app}"), "/servicePrincipals".into()]
                {
                    statuses.push(emu.graph(Method::GET, &path, &g, None).await.status.as_u16());
                }
            }
            statuses
        })
    };
    for (app, sp) in &apps {
        let d = emu.graph(Method::DELETE, &format!("/servicePrincipals/{sp}"), &g, None).await;
        assert_eq!(d.status, 204, "{}", d.body);
        let d = emu.graph(Method::DELETE, &format!("/applications/{app}"), &g, None).await;
        assert_eq!(d.status, 204, "{}", d.body);
    }
    let statuses = reader.await.unwrap();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 404), "only 200 or 404: {statuses:?}");
    assert!(statuses.contains(&404), "the reads did race the deletes");
}

#[tokio::test]
async fn memory_stays_bounded_for_unauthenticated_and_oversized_input() {
    let emu = Emu::start().await;
    let big_scope = "x".repeat(3 * 1024 * 1024);
    let cli = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    for _ in 0..5 {
        let r = emu.form("/organizations/oauth2/v2.0/devicecode", &[("client_id", cli), ("scope", &big_scope)]).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.body["error"], "invalid_request", "AAD's shape: {}", r.body);
        assert!(r.body["error_description"].as_str().unwrap().len() < 2000, "the scope is not echoed whole");
    }
    // Pending codes are capped per authority, and expire after 15 minutes.
    let mut last = None;
    for _ in 0..1001 {
        last =
            Some(emu.form("/organizations/oauth2/v2.0/devicecode", &[("client_id", cli), ("scope", "openid")]).await);
        if last.as_ref().unwrap().status != 200 {
            break;
        }
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "the 1001st pending code is refused: {}", last.body);
    assert_eq!(last.body["error"], "temporarily_unavailable");
    let other = emu
        .form(&format!("/{CUSTOMER_TENANT}/oauth2/v2.0/devicecode"), &[("client_id", cli), ("scope", "openid")])
        .await;
    assert_eq!(other.status, 200, "another authority has its own quota: {}", other.body);
    emu.advance_clock(901.0).await;
    let again = emu.form("/organizations/oauth2/v2.0/devicecode", &[("client_id", cli), ("scope", "openid")]).await;
    assert_eq!(again.status, 200, "expired codes are dropped: {}", again.body);

    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let r =
        emu.graph(Method::POST, "/applications", &g, Some(json!({"displayName": "n".repeat(4 * 1024 * 1000)}))).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "Request_BadRequest"),
        "{}",
        &r.body.to_string()[..200.min(r.body.to_string().len())]
    );
    assert!(r.message().contains("displayName") && r.message().contains("256"), "{}", r.message());
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let tags: serde_json::Map<String, Value> = (0..51).map(|i| (format!("t{i}"), json!("v"))).collect();
    let r = emu
        .arm(
            Method::PUT,
            &rg_path(CUSTOMER_SUB, "tagged"),
            &admin,
            &[],
            Some(json!({"location": "westeurope", "tags": tags})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidParameter"), "{}", r.body);
    // The snapshot plus the write-ahead log: all the emulator has stored.
    let state: u64 = std::fs::read_dir(&emu.dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with("state.json")
                || e.file_name().to_string_lossy().starts_with("log.")
        })
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(state < 200_000, "nothing oversized was stored: the state takes {state} bytes");
}

#[tokio::test]
async fn operation_records_survive_a_restart_then_expire() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let put = emu
        .put_peering(&customer_vnet(), "to-2", &vnet_id(CUSTOMER_SUB, "customer-rg", "customer-vnet-2"), &admin, &[])
        .await;
    assert_eq!(put.status, 201, "{}", put.body);
    let poll = put.headers["azure-asyncoperation"].to_str().unwrap().to_string();
    assert_eq!(emu.arm(Method::GET, &poll, &admin, &[], None).await.body["status"], "Succeeded");
    let (port, dir) = (emu.port(), emu.dir.clone());
    let keep = emu.kill9().await;
    let emu = Emu::start_at(&dir, None, &format!("127.0.0.1:{port}")).await;
    let r = emu.arm(Method::GET, &poll, &admin, &[], None).await;
    assert_eq!((r.status.as_u16(), &r.body["status"]), (200, &json!("Succeeded")), "kept across kill -9: {}", r.body);
    emu.advance_clock(16.0 * 60.0).await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let r = emu.arm(Method::GET, &poll, &admin, &[], None).await;
    assert_eq!(r.status, 404, "expired after 15 minutes: {}", r.body);
    drop(keep);
}

#[tokio::test]
async fn root_scope_reads_show_only_what_the_caller_may_see() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    // A principal whose only grant is the peer role, as the guide's step 9 makes.
    let (app_id, sp, secret) = emu.customer_app("peer-only").await;
    let role = emu
        .define_role(
            &admin,
            "peer",
            &["Microsoft.Network/virtualNetworks/peer/action"],
            &[&format!("/subscriptions/{CUSTOMER_SUB}")],
        )
        .await;
    assert_eq!(role.status, 201, "{}", role.body);
    assert_eq!(emu.assign(&admin, &customer_vnet(), role.body["id"].as_str().unwrap(), &sp).await.status, 201);
    let peer_only = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let provider = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let root_assignments = format!("/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}");
    let root_definitions = format!("/providers/Microsoft.Authorization/roleDefinitions?{ROLE_DEF_API}");

    let seen = emu.arm(Method::GET, &root_assignments, &peer_only, &[], None).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["value"].as_array().unwrap().len(), 0, "peer/action reads no assignment: {}", seen.body);
    let seen = emu.arm(Method::GET, &root_assignments, &admin, &[], None).await;
    let scopes: Vec<&str> =
        seen.body["value"].as_array().unwrap().iter().map(|a| a["properties"]["scope"].as_str().unwrap()).collect();
    assert!(
        !scopes.is_empty() && scopes.iter().all(|s| s.contains(CUSTOMER_SUB)),
        "the owner sees its own tenant's only: {scopes:?}"
    );
    let seen = emu.arm(Method::GET, &root_assignments, &provider, &[], None).await;
    assert!(!seen.body.to_string().contains(CUSTOMER_SUB), "nothing of the customer's: {}", seen.body);

    let defs = emu.arm(Method::GET, &root_definitions, &provider, &[], None).await;
    assert_eq!(defs.status, 200, "{}", defs.body);
    assert!(defs.body["value"].as_array().unwrap().len() > 3, "built-ins are listed");
    assert!(!defs.body.to_string().contains(CUSTOMER_SUB), "no custom role of the customer's: {}", defs.body);
    let one = emu
        .arm(
            Method::GET,
            &format!(
                "/providers/Microsoft.Authorization/roleDefinitions/{}?{ROLE_DEF_API}",
                role.body["name"].as_str().unwrap()
            ),
            &provider,
            &[],
            None,
        )
        .await;
    assert_eq!((one.status.as_u16(), one.code()), (404, "RoleDefinitionDoesNotExist"), "{}", one.body);
    let mine = emu.arm(Method::GET, &root_definitions, &admin, &[], None).await;
    assert!(mine.body.to_string().contains("\"peer\""), "the owner sees its own custom role: {}", mine.body);

    let role_path = format!(
        "/providers/Microsoft.Authorization/roleDefinitions/{}?{ROLE_DEF_API}",
        role.body["name"].as_str().unwrap()
    );
    let gone = emu.arm(Method::DELETE, &role_path, &provider, &[], None).await;
    assert_eq!(gone.status, 204, "another tenant's role reads as absent, also to DELETE: {}", gone.body);
    let still = emu.arm(Method::GET, &role_path, &admin, &[], None).await;
    assert_eq!(still.status, 200, "and it is still there: {}", still.body);
}

/// An HTTP/1.1 client, so the `Host` header is sent as written.
fn http1(emu: &Emu) -> reqwest::Client {
    let ca = std::fs::read(emu.dir.join("ca.pem")).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()])
        .http1_only()
        .build()
        .unwrap()
}

#[tokio::test]
async fn audiences_come_from_configuration_never_from_the_host_header() {
    let emu = Emu::start().await;
    let http = http1(&emu);
    let graph = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &emu.graph_resource()).await;
    let r = http
        .get(format!("{}/subscriptions/{PROVIDER_SUB}/resourceGroups?api-version=2021-04-01", emu.url))
        .header("host", "graph.microsoft.com")
        .bearer_auth(&graph)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a Graph token is not an ARM token, whatever the Host");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken", "{body}");

    let r = http
        .post(format!("{}/{PROVIDER_TENANT}/oauth2/v2.0/token", emu.url))
        .header("host", "evil.example")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", PROVIDER_APP),
            ("client_secret", PROVIDER_SECRET),
            ("scope", "https://evil.example/.default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no token for an audience the emulator does not serve");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_resource", "{body}");
    let ok = emu.sp_token_reply(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &emu.url).await;
    assert_eq!(ok.status, 200, "its own origin is an ARM audience: {}", ok.body);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account() {
    let emu = Emu::start().await;
    let grant = |password: &'static str| {
        let emu = &emu;
        async move {
            emu.form(
                "/organizations/oauth2/v2.0/token",
                &[
                    ("grant_type", "password"),
                    ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
                    ("username", CUSTOMER_DEV.0),
                    ("password", password),
                    ("scope", "https://management.core.windows.net//.default"),
                ],
            )
            .await
        }
    };
    for _ in 0..10 {
        let r = grant("wrong-guess").await;
        assert_eq!(r.status, 400);
        assert!(r.body["error_description"].as_str().unwrap().starts_with("AADSTS50126"), "{}", r.body);
    }
    let locked = grant(CUSTOMER_DEV.1).await;
    assert_eq!(locked.status, 400, "{}", locked.body);
    assert_eq!(locked.body["error_codes"][0], 50053, "{}", locked.body);
    assert_eq!(locked.body["error"], "invalid_grant");
    // Others are not affected, and the lock lifts after a minute.
    emu.user_token(CUSTOMER_ADMIN, ARM).await;
    emu.advance_clock(61.0).await;
    assert_eq!(grant(CUSTOMER_DEV.1).await.status, 200);
}

#[tokio::test]
async fn a_connection_that_never_speaks_is_dropped() {
    use tokio::io::AsyncReadExt;
    let emu = Emu::start().await;
    let mut idle = tokio::net::TcpStream::connect(("127.0.0.1", emu.port())).await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), idle.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "the emulator closes a silent connection: {read:?}");
    let r = emu.send(Method::GET, "/metadata/endpoints?api-version=2019-05-01", &[], None).await;
    assert_eq!(r.status, 200, "and keeps serving others");
}

#[tokio::test]
async fn directory_lookups_by_id_stay_in_the_callers_tenant() {
    let emu = Emu::start().await;
    let provider = emu.user_token(PROVIDER_ADMIN, &emu.graph_resource()).await;
    let sps = emu.graph(Method::GET, "/servicePrincipals", &provider, None).await;
    let provider_sp = sps.body["value"][0]["id"].as_str().unwrap().to_string();
    let customer = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let body = json!({"ids": [provider_sp, "c0000000-0000-0000-0000-00000000000a"], "types": []});
    let found = emu.graph(Method::POST, "/directoryObjects/getByIds", &customer, Some(body)).await;
    assert_eq!(found.status, 200, "{}", found.body);
    let ids: Vec<&str> = found.body["value"].as_array().unwrap().iter().filter_map(|o| o["id"].as_str()).collect();
    assert_eq!(ids, vec!["c0000000-0000-0000-0000-00000000000a"], "only the caller's own tenant's objects");
    let direct = emu.graph(Method::GET, &format!("/servicePrincipals/{provider_sp}"), &customer, None).await;
    assert_eq!(direct.status, 404, "{}", direct.body);
}

#[tokio::test]
async fn a_request_whose_headers_never_end_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emu::start().await;
    let mut roots = rustls::RootCertStore::empty();
    let ca = std::fs::read(emu.dir.join("ca.pem")).unwrap();
    let pem = String::from_utf8(ca).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    roots.add(rustls::pki_types::CertificateDer::from(der)).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", emu.port())).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)).connect(name, tcp).await.unwrap();
    tls.write_all(b"GET /metadata/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let mut buf = [0u8; 256];
    let read = tokio::time::timeout(std::time::Duration::from_secs(25), tls.read(&mut buf)).await;
    let closed = match read {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"),
        Err(_) => false,
    };
    assert!(closed, "the emulator gives up on headers that never end: {read:?}");
}
