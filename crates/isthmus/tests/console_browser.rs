//! The web console in a real browser (headless Chromium): sign in with the project's token and
//! with a password, see the VPC, have an invalid connection refused inline, create one through
//! the form, watch the picture turn PENDING_PEER and then ACTIVE (without a reload) while the
//! customer's side is created through ARM, read the next-step commands, look at the emulator's
//! state page, read the timeline, delete the connection; a refused token brings back the sign-in.
//! `ISTHMUS_UPDATE_SCREENSHOTS=1` writes the README's screenshots to `docs/screenshots/`.

mod browser;
mod common;

use browser::{Browser, WAIT};
use common::cp::*;
use common::up;
use common::*;
use reqwest::Method;
use serde_json::json;

const PASSWORD: &str = "Console-Test-Pass-1";
const EMAIL: &str = "ops@provider.example";

/// The state the picture shows for the connection to `vnet` (null while it has none).
fn edge_state(vnet: &str) -> String {
    format!(r#"return document.querySelector('#picture g.peer[data-vnet="{vnet}"]')?.dataset.state ?? null"#)
}

async fn sign_in_with_token(b: &Browser, token: &str) {
    // Typed with Enter at the end: the form submits from the keyboard.
    b.fill("#token", &format!("{token}\u{E007}")).await;
}

#[tokio::test]
async fn console_walks_a_connection_from_sign_in_to_delete() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out = isthmus(&[
        "project",
        "create",
        "demo",
        "--user",
        EMAIL,
        "--password",
        PASSWORD,
        "--data-dir",
        dir.path().to_str().unwrap(),
    ])
    .await;
    let token = out.trim().strip_prefix("token ").expect("token line").to_string();
    let cp = ControlPlane::spawn(&emu, dir, token.clone(), ServeOptions::default()).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.20.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "console", true, Some(&rg_scope)).await;

    let b = Browser::start().await;
    let console = format!("{}/console", cp.url);
    b.client.goto(&console).await.unwrap();
    b.wait_for("the sign-in form", "return document.querySelector('#signin')", WAIT).await;
    b.assert_usable("the sign-in page").await;
    b.screenshot("sign-in").await;

    // A wrong token: the API refuses it and the console says so, staying on the sign-in form.
    b.fill("#token", "not-a-token").await;
    b.click("#signin button[type=submit]").await;
    let refused = b.shown_text("the refusal", "#signin-error").await;
    assert!(refused.contains("refused"), "{refused}");

    sign_in_with_token(&b, &token).await;
    let row = format!(r#"return document.querySelector('tr[data-vpc="{vpc}"]')?.textContent"#);
    let listed = b.wait_for("the VPC in the list", &row, WAIT).await;
    assert!(listed.as_str().unwrap().contains("azure-westeurope") && listed.as_str().unwrap().contains("10.20.0.0/24"));
    assert!(listed.as_str().unwrap().contains("ACTIVE"), "{listed}");
    b.screenshot("vpcs").await;

    b.click(&format!(r##"a[href="#/vpc/{vpc}"]"##)).await;
    b.wait_for(
        "the VPC page",
        "return document.querySelector('#picture') && document.querySelector('#create-connection')",
        WAIT,
    )
    .await;

    // An invalid connection: the API's own message, next to the form, the field marked.
    let bad = json!({"peer_cloud_account": "not-a-subscription", "peer_resource_group": "customer-rg", "peer_vpc": "customer-vnet",
                     "peer_azure_app_id": app_id, "peer_azure_tenant_id": CUSTOMER_TENANT, "user_peer_network_cidrs": []});
    let api_says = cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(bad.clone())).await;
    assert_eq!(api_says.status, 400, "{}", api_says.body);
    for field in ["peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_azure_app_id", "peer_azure_tenant_id"]
    {
        b.fill(&format!("#f-{field}"), bad[field].as_str().unwrap()).await;
    }
    b.click("#create-connection button[type=submit]").await;
    let shown = b.shown_text("the inline error", "#create-error").await;
    assert_eq!(shown, api_says.body["message"].as_str().unwrap(), "the console shows the API's message");
    let invalid =
        b.js("return document.activeElement.id + ' ' + document.activeElement.getAttribute('aria-invalid')").await;
    assert_eq!(invalid, "f-peer_cloud_account true", "focus moves to the field at fault");
    assert_eq!(b.js(&edge_state("customer-vnet")).await, json!(null), "nothing was created");

    // The same form with the subscription fixed creates the connection.
    b.fill("#f-peer_cloud_account", CUSTOMER_SUB).await;
    b.click("#create-connection button[type=submit]").await;
    b.wait_for(
        "PENDING_PEER in the picture",
        &format!("return {}", js_is(&edge_state("customer-vnet"), "PENDING_PEER")),
        WAIT,
    )
    .await;
    // Marks this page load: still there later means the picture changed without a reload.
    b.js("window.__sameLoad = true; return null").await;

    // The next step carries this connection's own values, read while it is PENDING_PEER.
    let commands = b.shown_text("the next-step commands", "#next-steps pre.commands").await;
    for part in [
        format!("az login --service-principal -u {app_id} -p <your app's secret> --tenant {CUSTOMER_TENANT}"),
        format!("az login --service-principal -u {app_id} -p <your app's secret> --tenant {PROVIDER_TENANT}"),
        format!("az network vnet peering create --name to-provider --remote-vnet {provider_vnet} --vnet-name customer-vnet --resource-group customer-rg --subscription {CUSTOMER_SUB} --allow-vnet-access"),
    ] {
        assert!(commands.contains(&part), "{part}\nnot in\n{commands}");
    }
    let edge = b.js(r#"const g = document.querySelector('#picture g.peer[data-vnet="customer-vnet"]');
                        return [g.querySelector('line').getAttribute('class'), g.querySelector('title').textContent, g.querySelector('.edge-label').textContent]"#).await;
    assert_eq!(edge[0], "edge edge-PENDING_PEER");
    assert!(edge[1].as_str().unwrap().starts_with("customer-vnet: PENDING_PEER"), "{edge}");
    assert_eq!(edge[2], "PENDING_PEER", "the state is written on the edge, not only coloured");
    b.screenshot("vpc-pending-peer").await;

    b.assert_reflows("the VPC page").await;
    b.assert_usable("the VPC page").await;

    // The customer's side, through ARM as the guide's steps 13-15 do it.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let put = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet, &c_arm, &[&c_aux]).await;
    assert_eq!(put.status, 201, "{}", put.body);
    b.wait_for("ACTIVE in the picture", &format!("return {}", js_is(&edge_state("customer-vnet"), "ACTIVE")), WAIT)
        .await;
    assert_eq!(b.js("return window.__sameLoad === true").await, json!(true), "live update, no reload");
    let announced = b.js("return document.querySelector('#announce').textContent").await;
    assert!(announced.as_str().unwrap().contains("customer-vnet is now ACTIVE"), "{announced}");
    b.screenshot("vpc-active").await;

    // The emulator's state page: nothing without the admin key, the peerings with it.
    b.client.goto(&format!("{}/_emulator/console", emu.url)).await.unwrap();
    b.fill("#admin-key", "wrong-key").await;
    b.click("#key-form button").await;
    let refused = b.shown_text("the refused key", "#key-error").await;
    assert!(refused.contains("401"), "{refused}");
    assert_eq!(b.js("return document.querySelectorAll('#state table').length").await, json!(0));
    b.fill("#admin-key", &emu.admin_key).await;
    b.click("#key-form button").await;
    let peerings = b.shown_text("the peerings table", "table[aria-label=Peerings]").await;
    assert!(
        peerings.contains("customer-vnet") && peerings.contains("to-provider") && peerings.contains("Connected"),
        "{peerings}"
    );
    let page = b.js("return document.body.textContent").await;
    for shown in ["Customer", "admin@customer.example", "Network Contributor", "customer-rg"] {
        assert!(page.as_str().unwrap().contains(shown), "{shown} on the state page");
    }
    assert!(!page.as_str().unwrap().contains("$argon2"), "no password hash on the state page");
    b.assert_reflows("the emulator's state page").await;
    b.assert_usable("the emulator's state page").await;
    b.screenshot("emulator-state").await;

    // Back to the console (the token is still in this tab's session): the timeline.
    b.client.goto(&format!("{console}#/vpc/{vpc}")).await.unwrap();
    b.wait_for("the VPC page again", &format!("return {}", js_is(&edge_state("customer-vnet"), "ACTIVE")), WAIT).await;
    b.click("#connections a").await;
    let timeline = r#"return [...document.querySelectorAll('table[aria-label=Timeline] tr[data-to]')].map(r => r.dataset.to).join(' ')"#;
    let states = b.wait_for("the timeline", timeline, WAIT).await;
    assert_eq!(states, "APPROVED PENDING_PEER ACTIVE");
    b.assert_reflows("the connection's page").await;
    b.assert_usable("the connection's page").await;
    b.screenshot("connection-timeline").await;

    // Delete, confirmed in the browser's dialog: it goes, and the VPC shows no connection.
    // From the keyboard: Enter on the focused button.
    let delete = b.client.find(fantoccini::Locator::Css("#connection button.danger")).await.unwrap();
    delete.send_keys("\u{E007}").await.unwrap();
    b.client.accept_alert().await.expect("a confirmation dialog");
    b.wait_for("DELETED", "return document.querySelector('#connection')?.dataset.state === 'DELETED'", WAIT).await;
    let states = b.js(timeline).await;
    assert_eq!(states, "APPROVED PENDING_PEER ACTIVE DELETING DELETED");
    b.click("main p a").await;
    b.wait_for(
        "the empty VPC",
        "return document.querySelector('#connections')?.textContent === 'No peering connections yet.'",
        WAIT,
    )
    .await;
    assert_eq!(b.js(&edge_state("customer-vnet")).await, json!(null), "gone from the picture");

    // A token the API stops accepting sends the console back to the sign-in form.
    b.js("sessionStorage.setItem('isthmus.token', 'revoked'); return null").await;
    b.wait_for("the sign-in form after a refused token", "return document.querySelector('#signin')", WAIT).await;

    // A user's password: POST /v1/userauth gives the token. This user is in two projects now.
    let d = cp.dir.path().to_str().unwrap().to_string();
    isthmus(&["project", "create", "other", "--user", EMAIL, "--password", PASSWORD, "--data-dir", &d]).await;
    b.fill("#email", EMAIL).await;
    b.fill("#password", PASSWORD).await;
    b.click("#signin button[type=submit]").await;
    b.wait_for("the VPC list after a password sign-in", &row, WAIT).await;
    let token_now = b.js("return sessionStorage.getItem('isthmus.token')").await;
    assert_ne!(token_now, json!(token), "a new token from /v1/userauth");
    let projects = b.js("return [...document.querySelectorAll('#project option')].map(o => o.value).join(' ')").await;
    assert_eq!(projects, "demo other", "a choice of the user's projects");
    b.js("const s = document.querySelector('#project'); s.value = 'other'; s.dispatchEvent(new Event('change')); return null").await;
    let heading = b
        .wait_for(
            "the other project",
            "return document.querySelector('h1')?.textContent === 'VPCs of project other'",
            WAIT,
        )
        .await;
    assert_eq!(heading, json!(true));
    assert_eq!(b.js("return document.querySelectorAll('tr[data-vpc]').length").await, json!(0), "its own VPCs: none");
    b.close().await;
}

/// `expr === 'value'`, as JavaScript.
fn js_is(script: &str, value: &str) -> String {
    format!("(() => {{ {script} }})() === '{value}'")
}

/// On `isthmus up` with the data plane (as root; skipped elsewhere, as the other data-plane tests
/// are): the demo VPC shows its service `tsdb` RUNNING inside the picture and in the table, its
/// private URI with the password hidden until asked for.
#[tokio::test]
async fn console_shows_the_demo_vpc_with_its_service() {
    if let Some(why) = azure_emulator::dataplane::unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let _sweep = up::SweepOnDrop(azure_emulator::dataplane::names::Names::for_data_dir(&tmp.path().join("azure")));
    let stack = up::up_with(tmp.path(), "--data-plane=on").await;
    let vpc = stack.world["project"]["vpc_id"].as_str().unwrap().to_string();
    let uri = stack.world["service"]["uri"].as_str().expect("world.json has the service's URI").to_string();

    let b = Browser::start().await;
    b.client.goto(&format!("{}/console", stack.api)).await.unwrap();
    b.wait_for("the sign-in form", "return document.querySelector('#signin')", WAIT).await;
    sign_in_with_token(&b, &stack.env["AIVEN_AUTH_TOKEN"]).await;
    b.wait_for("the demo VPC", &format!(r#"return document.querySelector('tr[data-vpc="{vpc}"]')"#), WAIT).await;
    b.click(&format!(r##"a[href="#/vpc/{vpc}"]"##)).await;
    let inside = b
        .wait_for(
            "tsdb RUNNING inside the VPC",
            "return document.querySelector('#picture .vpc-node [data-service=tsdb] title')?.textContent",
            WAIT,
        )
        .await;
    assert_eq!(inside, "service tsdb: RUNNING");
    let row = b.shown_text("the services table", "#services tr[data-service=tsdb]").await;
    let password = uri.split(':').nth(2).and_then(|p| p.split('@').next()).expect("a password in the URI");
    let host = uri.split('@').nth(1).expect("a host in the URI");
    assert!(row.contains(host), "the private address: {row}");
    let summary = b.js("return document.querySelector('#services summary').textContent").await;
    assert!(!summary.as_str().unwrap().contains(password), "the password is hidden: {summary}");
    b.screenshot("demo-vpc").await;
    b.click("#services summary").await;
    let full = b.js("return document.querySelector('#services details').open").await;
    assert_eq!(full, json!(true), "the full URI on request");
    assert!(row.contains(&uri), "the full URI is the service's: {row}");
    b.close().await;

    stack.terminate().await;
}
