//! The emulator's state page: its files are public and hold no data, the state it shows needs
//! the admin key, and nothing it loads comes from elsewhere.

mod common;

use common::*;
use reqwest::Method;

#[tokio::test]
async fn the_state_page_is_public_and_its_data_needs_the_admin_key() {
    let emu = Emu::start().await;
    for (path, kind) in [
        ("/_emulator/console", "text/html; charset=utf-8"),
        ("/_emulator/console/state.js", "text/javascript; charset=utf-8"),
        ("/_emulator/console/state.css", "text/css; charset=utf-8"),
    ] {
        let r = emu.http.get(format!("{}{path}", emu.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], kind, "{path}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe"), "{csp}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("http://") && !body.contains("https://"), "{path} names a URL");
        assert!(!body.contains(CUSTOMER_TENANT), "{path} holds no state");
    }
    // The data behind the page: refused without the key or with a wrong one, served with it.
    let state = format!("{}/_emulator/state", emu.url);
    assert_eq!(emu.http.get(&state).send().await.unwrap().status(), 401);
    let wrong = emu.http.get(&state).header("x-emulator-admin-key", "wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = emu.admin(Method::GET, "state", None).await;
    assert_eq!(right.status, 200);
    assert!(right.body["tenants"].get(CUSTOMER_TENANT).is_some(), "{}", right.body["tenants"]);

    // Built-in role names, so assignments read as "Network Contributor" rather than a GUID.
    let roles = emu.send(Method::GET, "/_emulator/console/builtin-roles.json", &[], None).await.body;
    assert_eq!(roles["4d97b98b-1d4f-4787-a291-c67834d212e7"], "Network Contributor");
}
