//! Headless Chromium driven over WebDriver: Debian's `chromedriver` on a free loopback port, in a
//! process group of its own so the browser dies with it even when a test fails half-way.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long anything the page shows may take.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A fresh headless browser (its own profile, so no storage survives between tests).
    pub async fn start() -> Browser {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: the console's browser test needs Debian's chromium and chromium-driver \
                 (apt-get install chromium chromium-driver; .ci/run installs them)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_string(),
            "--disable-dev-shm-usage".into(),
            "--disable-gpu".into(),
            "--no-first-run".into(),
            "--window-size=1280,1300".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if is_root() {
            // Chromium refuses to sandbox as root.
            args.push("--no-sandbox".into());
        }
        let caps = json!({
            "browserName": "chrome",
            // The emulator's certificate comes from the CA it minted, which this profile does not trust.
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        });
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder = ClientBuilder::rustls().expect("rustls connector");
            builder.capabilities(caps.as_object().unwrap().clone());
            match builder.connect(&url).await {
                Ok(c) => break c,
                // chromedriver is still starting.
                Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
                Err(e) => panic!("no WebDriver session from chromedriver within 30 s: {e}"),
            }
        };
        Browser { client, driver, _profile: profile }
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// Waits until `script` returns something truthy; fails naming `what` and the last value.
    pub async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.js(script).await;
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(Instant::now() < deadline, "{what}: not within {timeout:?} (last: {v})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element at `css` is shown (not `hidden`) with some text, and returns it.
    pub async fn shown_text(&self, what: &str, css: &str) -> String {
        let script = format!("const e = document.querySelector('{css}'); return e && !e.hidden && e.textContent");
        self.wait_for(what, &script, WAIT).await.as_str().unwrap_or_default().to_string()
    }

    /// 200 % zoom on a 1280-pixel screen is a 640-CSS-pixel window: the page must reflow there
    /// without scrolling sideways (a wide table may scroll inside its own box).
    pub async fn assert_reflows(&self, page: &str) {
        self.client.set_window_size(640, 1300).await.unwrap();
        let fits = self.js("const d = document.documentElement; return d.scrollWidth <= d.clientWidth").await;
        self.client.set_window_size(1280, 1300).await.unwrap();
        assert_eq!(fits, json!(true), "{page} scrolls sideways at 200 % zoom");
    }

    /// Every input has a label and every button and link a name, so a screen reader can say
    /// what each is; and the focused element shows a visible outline.
    pub async fn assert_usable(&self, page: &str) {
        let missing = self
            .js(r#"const unlabelled = [...document.querySelectorAll('input, select')]
                     .filter(i => !(i.id && document.querySelector(`label[for="${i.id}"]`))).map(i => i.outerHTML);
                   const nameless = [...document.querySelectorAll('button, a')]
                     .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim())).map(e => e.outerHTML);
                   return unlabelled.concat(nameless)"#)
            .await;
        assert_eq!(missing, json!([]), "{page}: inputs without a label or controls without a name");
        // From the page's first element, Tab as a user would: each element reached shows an outline.
        self.js("document.querySelector('body a, body input, body button').focus(); return null").await;
        let focusable = self
            .js("return document.querySelectorAll('a[href], input, button, select, [tabindex=\"0\"]').length")
            .await;
        for _ in 1..focusable.as_u64().unwrap_or(0).min(5) {
            let tab = KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: '\u{E004}' })
                .then(KeyAction::Up { value: '\u{E004}' });
            self.client.perform_actions(tab).await.unwrap();
            let focused = self
                .js("const a = document.activeElement; return [a.outerHTML.slice(0, 80), getComputedStyle(a).outlineStyle]")
                .await;
            assert_eq!(focused[1], json!("solid"), "{page}: Tab focuses {} without an outline", focused[0]);
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    }

    /// With `ISTHMUS_UPDATE_SCREENSHOTS=1`, saves the page as `docs/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var("ISTHMUS_UPDATE_SCREENSHOTS").as_deref() != Ok("1") {
            return;
        }
        let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        self.js("document.activeElement?.blur(); window.scrollTo(0, 0); return null").await;
        std::fs::write(dir.join(format!("{name}.png")), self.client.screenshot().await.unwrap()).unwrap();
    }

    /// Ends the session, then chromedriver's whole process group.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.kill_group();
        let _ = self.driver.wait().await;
    }

    fn kill_group(&mut self) {
        if let Some(pid) = self.driver.id() {
            let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
        }
    }
}

impl Drop for Browser {
    /// A failed test still takes the browser down with it.
    fn drop(&mut self) {
        self.kill_group();
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}
