//! Plain `az login`: the authorization-code flow with PKCE, walked as a browser and MSAL would over
//! HTTPS against the running binary: open the authorize URL, fill in the sign-in form, hand the
//! code to a loopback listener, redeem it at the token endpoint. Then each way it must fail.

mod common;

use base64::Engine;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const STATE: &str = "st-123";
const NONCE: &str = "nonce-456";

/// Parameters to replace in a request (an empty value drops one).
type Changes<'a> = &'a [(&'a str, &'a str)];

/// A browser: trusts the emulator's CA and, like a test, does not follow redirects by itself.
fn browser(emu: &Emu) -> reqwest::Client {
    let ca = std::fs::read(emu.dir.join("ca.pem")).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The authorize URL MSAL builds for `az login`, with `changes` applied (an empty value drops the
/// parameter).
fn authorize_url(emu: &Emu, tenant: &str, redirect_uri: &str, changes: Changes) -> String {
    let scope = format!("{ARM}/.default offline_access openid profile");
    let mut params = vec![
        ("client_id", CLI),
        ("response_type", "code"),
        ("redirect_uri", redirect_uri),
        ("scope", scope.as_str()),
        ("state", STATE),
        ("response_mode", "form_post"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("nonce", NONCE),
        ("client_info", "1"),
        ("prompt", "select_account"),
    ];
    for (k, v) in changes {
        params.retain(|(p, _)| p != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    format!("{}/{tenant}/oauth2/v2.0/authorize?{query}", emu.url)
}

/// The value of `attr="…"` after `after` in `html`, unescaped.
fn attr(html: &str, after: &str, attr: &str) -> Option<String> {
    let rest = &html[html.find(after)?..];
    let start = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
    let value = &rest[start..start + rest[start..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Opens the authorize URL and submits the sign-in form with `user`: the response to the submit.
async fn sign_in(b: &reqwest::Client, emu: &Emu, url: &str, user: (&str, &str)) -> reqwest::Response {
    let page = b.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the sign-in page");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="username""#) && html.contains(r#"name="password""#), "{html}");
    assert!(!html.contains(r#"name="code""#), "no device code is asked for: {html}");
    let action = attr(&html, "<form", "action").expect("the form has an action");
    assert!(action.starts_with('/') && action.contains("/oauth2/v2.0/authorize?"), "{action}");
    b.post(format!("{}{action}", emu.url)).form(&[("username", user.0), ("password", user.1)]).send().await.unwrap()
}

/// What MSAL's loopback listener receives: one request, answered 200. Returns its port and the
/// form fields of the request, once it came.
async fn listener() -> (u16, tokio::task::JoinHandle<(String, Vec<(String, String)>)>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = s.read(&mut chunk).await.unwrap();
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length || n == 0 {
                    s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await.unwrap();
                    let request_line = text.lines().next().unwrap_or_default().to_string();
                    let body = &buf[end + 4..];
                    let fields = url::form_urlencoded::parse(body).into_owned().collect();
                    return (request_line, fields);
                }
            }
            assert!(n > 0, "the listener's client hung up early");
        }
    });
    (port, task)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The form_post page submitted as a browser's script would: POST its hidden fields to its action.
async fn submit_form_post(b: &reqwest::Client, page: reqwest::Response) -> (String, Vec<(String, String)>) {
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    let action = attr(&html, "<form", "action").expect("form_post page has an action");
    let mut fields = Vec::new();
    for name in ["code", "state", "error", "error_description"] {
        if let Some(v) = attr(&html, &format!("name=\"{name}\""), "value") {
            fields.push((name.to_string(), v));
        }
    }
    assert!(html.contains("document.forms[0].submit()"), "{html}");
    b.post(&action).form(&fields).send().await.unwrap();
    (action, fields)
}

async fn redeem(emu: &Emu, tenant: &str, code: &str, redirect_uri: &str, changes: Changes<'_>) -> Reply {
    let scope = format!("{ARM}/.default offline_access openid profile");
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", CLI),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", VERIFIER),
        ("scope", scope.as_str()),
        ("client_info", "1"),
    ];
    for (k, v) in changes {
        form.retain(|(p, _)| p != k);
        if !v.is_empty() {
            form.push((k, v));
        }
    }
    emu.form(&format!("/{tenant}/oauth2/v2.0/token"), &form).await
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn assert_aad_error(r: &Reply, error: &str, number: u64) {
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"], error, "{}", r.body);
    assert_eq!(r.body["error_codes"][0], number, "{}", r.body);
}

/// Signs `user` in at `tenant` with a form_post listener; the code and its redirect URI.
async fn code_for(emu: &Emu, tenant: &str, user: (&str, &str)) -> (String, String) {
    let (port, heard) = listener().await;
    let redirect = format!("http://localhost:{port}");
    let b = browser(emu);
    let done = sign_in(&b, emu, &authorize_url(emu, tenant, &redirect, &[]), user).await;
    submit_form_post(&b, done).await;
    let (_, fields) = heard.await.unwrap();
    (field(&fields, "code").expect("a code").to_string(), redirect)
}

#[tokio::test]
async fn az_login_signs_in_in_the_browser_and_redeems_the_code_once() {
    let emu = Emu::start().await;
    let discovery = emu.send(Method::GET, "/organizations/v2.0/.well-known/openid-configuration", &[], None).await;
    let endpoint = format!("{}/organizations/oauth2/v2.0/authorize", emu.url);
    assert_eq!(discovery.body["authorization_endpoint"], endpoint.as_str(), "MSAL finds the route here");
    let (port, heard) = listener().await;
    let redirect = format!("http://localhost:{port}");
    let b = browser(&emu);

    let done = sign_in(&b, &emu, &authorize_url(&emu, "organizations", &redirect, &[]), CUSTOMER_ADMIN).await;
    let (action, _) = submit_form_post(&b, done).await;
    assert_eq!(action, redirect);
    let (request_line, fields) = heard.await.unwrap();
    assert!(request_line.starts_with("POST / "), "MSAL's listener takes form_post only: {request_line}");
    assert_eq!(field(&fields, "state"), Some(STATE), "state is echoed");
    let code = field(&fields, "code").expect("a code").to_string();

    let tokens = redeem(&emu, "organizations", &code, &redirect, &[]).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    for f in ["access_token", "refresh_token", "id_token", "client_info"] {
        assert!(tokens.body[f].is_string(), "the code's reply has {f}: {}", tokens.body);
    }
    let id = claims(tokens.body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], NONCE, "the id token echoes the nonce MSAL checks");
    assert_eq!(id["preferred_username"], CUSTOMER_ADMIN.0);
    assert_eq!(id["aud"], CLI);
    let access = tokens.body["access_token"].as_str().unwrap();
    let subs = emu.arm(Method::GET, "/subscriptions?api-version=2022-12-01", access, &[], None).await;
    assert_eq!(subs.status, 200, "{}", subs.body);
    assert_eq!(subs.body["value"][0]["subscriptionId"], CUSTOMER_SUB);

    let again = redeem(&emu, "organizations", &code, &redirect, &[]).await;
    assert_aad_error(&again, "invalid_grant", 54005);
    let refreshed = emu
        .form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLI),
                ("refresh_token", tokens.body["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(refreshed.status, 200, "the refresh token works as az uses it next: {}", refreshed.body);
}

#[tokio::test]
async fn query_mode_redirects_and_a_tenant_authority_signs_in_only_its_users() {
    let emu = Emu::start().await;
    let b = browser(&emu);
    let redirect = "http://127.0.0.1:9/cb";
    let url = authorize_url(&emu, CUSTOMER_TENANT, redirect, &[("response_mode", "")]);

    let stranger = sign_in(&b, &emu, &url, ("admin@provider.example", "Provider-Admin-Pass-1")).await;
    assert_eq!(stranger.status(), 400, "a user of another tenant stays on the page");
    let page = stranger.text().await.unwrap();
    assert!(page.contains("AADSTS50020") && page.contains(r#"name="password""#), "{page}");

    let done = sign_in(&b, &emu, &url, CUSTOMER_DEV).await;
    assert_eq!(done.status(), StatusCode::FOUND);
    let location = url::Url::parse(done.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(&location[..url::Position::AfterPath], redirect);
    let q: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(field(&q, "state"), Some(STATE));
    let code = field(&q, "code").expect("a code in the query").to_string();

    let wrong_authority = redeem(&emu, "organizations", &code, redirect, &[]).await;
    assert_aad_error(&wrong_authority, "invalid_grant", 700005);
    let (code, redirect) = code_for(&emu, CUSTOMER_TENANT, CUSTOMER_DEV).await;
    let tokens = redeem(&emu, CUSTOMER_TENANT, &code, &redirect, &[]).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert_eq!(claims(tokens.body["access_token"].as_str().unwrap())["tid"], CUSTOMER_TENANT);
}

#[tokio::test]
async fn a_code_redeems_only_with_its_verifier_redirect_uri_and_client() {
    let emu = Emu::start().await;
    let cases: [(Changes, &str, u64); 4] = [
        (&[("code_verifier", "wrong-verifier-wrong-verifier-wrong-verifier-0")], "invalid_grant", 501481),
        (&[("code_verifier", "")], "invalid_grant", 50148),
        (&[("redirect_uri", "http://localhost:1/other")], "invalid_grant", 50011),
        (&[("client_id", PROVIDER_APP)], "invalid_grant", 70000),
    ];
    for (changes, error, number) in cases {
        let (code, redirect) = code_for(&emu, "organizations", CUSTOMER_ADMIN).await;
        let r = redeem(&emu, "organizations", &code, &redirect, changes).await;
        assert_aad_error(&r, error, number);
        let retry = redeem(&emu, "organizations", &code, &redirect, &[]).await;
        assert_aad_error(&retry, "invalid_grant", 54005);
    }
    let (code, redirect) = code_for(&emu, "organizations", CUSTOMER_ADMIN).await;
    emu.advance_clock(601.0).await;
    assert_aad_error(&redeem(&emu, "organizations", &code, &redirect, &[]).await, "invalid_grant", 70008);
    assert_aad_error(&redeem(&emu, "organizations", "made-up", &redirect, &[]).await, "invalid_grant", 70008);
}

#[tokio::test]
async fn a_bad_client_or_redirect_uri_gets_an_error_page_and_nothing_is_sent() {
    let emu = Emu::start().await;
    let b = browser(&emu);
    let cases = [
        (authorize_url(&emu, "organizations", "https://evil.example/steal", &[]), "AADSTS50011"),
        (authorize_url(&emu, "organizations", "http://localhost.evil.example/", &[]), "AADSTS50011"),
        (authorize_url(&emu, "organizations", "http://localhost:1", &[("client_id", PROVIDER_APP)]), "AADSTS50011"),
        (
            authorize_url(
                &emu,
                "organizations",
                "http://localhost:1",
                &[("client_id", "00000000-0000-0000-0000-000000000001")],
            ),
            "AADSTS700016",
        ),
        (authorize_url(&emu, "organizations", "http://localhost:1", &[("client_id", "")]), "AADSTS900144"),
        (authorize_url(&emu, "organizations", "", &[]), "AADSTS900971"),
        (authorize_url(&emu, "no-such-tenant.example", "http://localhost:1", &[]), "AADSTS90002"),
    ];
    for (url, code) in cases {
        for post in [false, true] {
            let r = if post {
                b.post(&url).form(&[("username", CUSTOMER_ADMIN.0), ("password", CUSTOMER_ADMIN.1)])
            } else {
                b.get(&url)
            };
            let r = r.send().await.unwrap();
            assert_eq!(r.status(), 400, "{url}");
            assert!(r.headers().get("location").is_none(), "nothing is redirected: {url}");
            let page = r.text().await.unwrap();
            assert!(page.contains(code), "{code} for {url}: {page}");
            assert!(!page.contains(r#"name="code""#) && !page.contains("hiddenform"), "no code is sent: {page}");
        }
    }
}

#[tokio::test]
async fn other_bad_requests_go_back_to_the_client_as_oauth_errors() {
    let emu = Emu::start().await;
    let b = browser(&emu);
    let redirect = "http://localhost:7";
    let cases: [(Changes, &str, &str); 5] = [
        (&[("response_type", "token")], "unsupported_response_type", "AADSTS70005"),
        (&[("response_type", "")], "invalid_request", "AADSTS900144"),
        (&[("code_challenge_method", "S512")], "invalid_request", "AADSTS50149"),
        (&[("code_challenge", "too-short")], "invalid_request", "AADSTS501491"),
        (&[("scope", "https://evil.example/.default")], "invalid_resource", "AADSTS500011"),
    ];
    for (changes, error, code) in cases {
        let mut changes = changes.to_vec();
        changes.push(("response_mode", "query"));
        let r = b.get(authorize_url(&emu, "organizations", redirect, &changes)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "{changes:?}");
        let location = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        let q: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        assert_eq!(field(&q, "error"), Some(error), "{changes:?}: {location}");
        assert!(field(&q, "error_description").is_some_and(|d| d.starts_with(code)), "{changes:?}: {location}");
        assert_eq!(field(&q, "state"), Some(STATE));
        assert_eq!(field(&q, "code"), None);
    }
}

#[tokio::test]
async fn a_wrong_password_stays_on_the_page_and_counts_toward_lockout() {
    let emu = Emu::start().await;
    let b = browser(&emu);
    let url = authorize_url(&emu, "organizations", "http://localhost:7", &[]);
    for _ in 0..10 {
        let r = sign_in(&b, &emu, &url, (CUSTOMER_DEV.0, "wrong-guess")).await;
        assert_eq!(r.status(), 400);
        let page = r.text().await.unwrap();
        assert!(page.contains("AADSTS50126") && page.contains(r#"name="password""#), "{page}");
        assert!(!page.contains("hiddenform"), "no code for a wrong password");
    }
    let locked = sign_in(&b, &emu, &url, CUSTOMER_DEV).await;
    assert_eq!(locked.status(), 400);
    assert!(locked.text().await.unwrap().contains("AADSTS50053"), "the device-code page's lockout applies here too");
    emu.advance_clock(61.0).await;
    let done = sign_in(&b, &emu, &url, CUSTOMER_DEV).await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("hiddenform"));
}
