//! The console's serving: the shell and every file with its type and a strict CSP, nothing else
//! under `/console`, every module a file imports is embedded, and no file points at the internet.

use axum::body::{to_bytes, Body};
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use control_plane::api::{self, ApiState};
use control_plane::console::ASSETS;
use control_plane::store::Store;
use std::sync::Arc;
use tower::ServiceExt;

async fn app() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&Store::sqlite_url(dir.path())).await.unwrap();
    (api::router(ApiState::new(store, Arc::new(tokio::sync::Notify::new()), None)), dir)
}

async fn get(app: &Router, path: &str, etag: Option<&str>) -> (Response<Body>, String) {
    let mut req = Request::get(path);
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    let text = String::from_utf8(to_bytes(body, 1 << 22).await.unwrap().to_vec()).unwrap();
    (Response::from_parts(parts, Body::empty()), text)
}

#[tokio::test]
async fn the_shell_is_html_with_a_strict_policy_and_no_inline_script() {
    let (app, _dir) = app().await;
    for path in ["/console", "/console/"] {
        let (res, body) = get(&app, path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(body.contains(r#"<script type="module" src="/console/app.js"></script>"#), "{body}");
        assert_eq!(body.matches("<script").count(), 1, "the one script is the module file: {body}");
    }
}

#[tokio::test]
async fn every_file_is_served_with_its_type_and_revalidated() {
    let (app, _dir) = app().await;
    for asset in ASSETS {
        let (res, body) = get(&app, &format!("/console/{}", asset.name), None).await;
        assert_eq!(res.status(), 200, "{}", asset.name);
        let want = match asset.name.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("html") => "text/html; charset=utf-8",
            other => panic!("unexpected file type {other:?}"),
        };
        assert_eq!(res.headers()["content-type"], want, "{}", asset.name);
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert_eq!(body, asset.body);
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        let (again, empty) = get(&app, &format!("/console/{}", asset.name), Some(&etag)).await;
        assert_eq!((again.status(), empty.as_str()), (StatusCode::NOT_MODIFIED, ""), "{}", asset.name);
    }
}

#[tokio::test]
async fn nothing_else_is_under_console_and_the_api_still_wants_a_token() {
    let (app, _dir) = app().await;
    for path in ["/console/x", "/console/app.js.map", "/console/assets/app.js", "/console/..%2Fmod.rs"] {
        assert_eq!(get(&app, path, None).await.0.status(), 404, "{path}");
    }
    for path in ["/v1/me", "/v1/project", "/v1/project/p/vpcs"] {
        assert_eq!(get(&app, path, None).await.0.status(), 403, "{path} without a token");
    }
}

#[test]
fn every_imported_module_is_embedded() {
    let names: Vec<&str> = ASSETS.iter().map(|a| a.name).collect();
    for asset in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
        for import in asset.body.split("from \"./").skip(1) {
            let module = import.split('"').next().unwrap();
            assert!(names.contains(&module), "{} imports {module}, which is not embedded", asset.name);
        }
    }
    let shell = ASSETS.iter().find(|a| a.name == "index.html").unwrap().body;
    for link in shell.split("\"/console/").skip(1) {
        let file = link.split('"').next().unwrap();
        assert!(names.contains(&file), "index.html links {file}, which is not embedded");
    }
}

#[test]
fn no_file_points_at_the_internet() {
    for asset in ASSETS {
        // The SVG namespace is a name, never fetched.
        let body = asset.body.replace("http://www.w3.org/2000/svg", "");
        assert!(!body.contains("http://") && !body.contains("https://"), "{} names a URL", asset.name);
        assert!(!body.contains("//cdn") && !body.contains("@import"), "{} loads from elsewhere", asset.name);
    }
}
