//! `isthmus azure connect` end to end: the real binary against a real emulator and `isthmus serve`.
//! The test plays the administrator's browser: it reads the device-code prompt from the CLI's
//! stderr and signs in on the emulator's sign-in page.

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

/// One `isthmus azure connect` process: its stdout lines as they come, its stderr in full.
struct Connect {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    stdout: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

fn vnet2() -> String {
    vnet_id(CUSTOMER_SUB, "customer-rg", "customer-vnet-2")
}

impl Connect {
    /// Starts the command with the environment a customer would set, and answers its device-code
    /// prompt as `CUSTOMER_ADMIN`.
    fn start(emu: &Emu, cp: &ControlPlane, vpc: &str, vnet: &str, state_home: &Path, extra: &[&str]) -> Connect {
        let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
            .args(["azure", "connect", "--project-vpc-id", vpc, "--vnet-id", vnet])
            .args(extra)
            .env("AIVEN_WEB_URL", &cp.url)
            .env("AIVEN_AUTH_TOKEN", &cp.token)
            .env("AIVEN_PROJECT", &cp.project)
            .env("ISTHMUS_AZURE_URL", &emu.url)
            .env("ISTHMUS_AZURE_CA", emu.dir.join("ca.pem"))
            .env("ISTHMUS_PROVIDER_APP_ID", PROVIDER_APP)
            .env("XDG_STATE_HOME", state_home)
            .env_remove("REQUESTS_CA_BUNDLE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn isthmus azure connect");
        let (tx, lines) = mpsc::unbounded_channel();
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                println!("connect| {line}");
                let _ = tx.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (seen, mut err) = (stderr.clone(), BufReader::new(child.stderr.take().unwrap()).lines());
        let (url, http) = (emu.url.clone(), emu.http.clone());
        tokio::spawn(async move {
            while let Ok(Some(line)) = err.next_line().await {
                eprintln!("connect! {line}");
                seen.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some(code) = user_code(&line) {
                    let form =
                        [("code", code.as_str()), ("username", CUSTOMER_ADMIN.0), ("password", CUSTOMER_ADMIN.1)];
                    let r = http.post(format!("{url}/devicelogin")).form(&form).send().await.expect("sign in");
                    assert_eq!(r.status(), 200, "sign-in page: {}", r.text().await.unwrap_or_default());
                }
            }
        });
        Connect { child, lines, stdout: Vec::new(), stderr }
    }

    /// Reads stdout until a line satisfies `want`.
    async fn until(&mut self, want: impl Fn(&str) -> bool) -> String {
        let read = async {
            while let Some(line) = self.lines.recv().await {
                self.stdout.push(line.clone());
                if want(&line) {
                    return line;
                }
            }
            panic!("azure connect ended without the line; stdout {:?}", self.stdout);
        };
        tokio::time::timeout(Duration::from_secs(120), read).await.expect("line within 120 s")
    }

    /// Waits for the process to end; returns its status with all of stdout and stderr.
    async fn finish(mut self) -> (ExitStatus, Vec<String>, String) {
        let status = tokio::time::timeout(Duration::from_secs(180), self.child.wait())
            .await
            .expect("azure connect ends within 180 s")
            .unwrap();
        while let Some(line) = self.lines.recv().await {
            self.stdout.push(line);
        }
        let err = self.stderr.lock().unwrap().clone();
        (status, self.stdout, err)
    }

    async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// "… enter the code ABCD23456 to authenticate." → the code.
fn user_code(line: &str) -> Option<String> {
    let rest = &line[line.find("enter the code ")? + "enter the code ".len()..];
    rest.split_whitespace().next().map(str::to_string)
}

/// The progress line of step `n`.
fn step(lines: &[String], n: u8) -> &str {
    let prefix = format!("[{n:>2}/15]");
    lines.iter().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no line for step {n} in {lines:?}"))
}

async fn run(emu: &Emu, cp: &ControlPlane, vpc: &str, vnet: &str, home: &Path, extra: &[&str]) -> Vec<String> {
    let (status, out, err) = Connect::start(emu, cp, vpc, vnet, home, extra).finish().await;
    assert!(status.success(), "azure connect failed: {status}\nstdout {out:#?}\nstderr {err}");
    out
}

/// The app registrations in the customer's tenant, read as the administrator.
async fn customer_apps(emu: &Emu) -> Vec<Value> {
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let r = emu.graph(Method::GET, "/applications", &g, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["value"].as_array().cloned().unwrap_or_default()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                todo.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[tokio::test]
async fn connects_to_active_and_a_second_run_changes_nothing() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.20.0.0/24").await;
    let home = tempfile::tempdir().unwrap();

    let first = run(&emu, &cp, &vpc, &customer_vnet(), home.path(), &[]).await;
    for n in [2, 3, 4, 6, 7, 8, 9, 11, 14] {
        assert!(step(&first, n).contains("… done ("), "step {n} made its object: {first:#?}");
    }
    assert!(first[first.len() - 2].starts_with("done: connection"), "{first:#?}");
    assert_eq!(
        first.last().unwrap(),
        "the project VPC has no services yet; once it has, hosts of customer-vnet reach them",
        "ends with how to reach the VPC's services"
    );
    let active = cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;
    assert_eq!(active["peer_azure_tenant_id"], CUSTOMER_TENANT);

    // Both sides are Connected, and the customer's is named after the project VPC.
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    assert_eq!(emu.peering_state(&customer_vnet(), &format!("to-{vpc}"), &admin).await, "Connected");
    let app = customer_apps(&emu)
        .await
        .into_iter()
        .find(|a| a["displayName"] == "isthmus-peering-customer-vnet")
        .expect("the app is registered");
    assert_eq!(app["signInAudience"], "AzureADMultipleOrgs");
    assert_eq!(active["peer_azure_app_id"], app["appId"]);
    let _ = provider_vnet;

    // The secret is kept, private, and never printed.
    let files = files_under(home.path());
    let secret_file = files.iter().find(|f| f.to_string_lossy().ends_with(".secret.json")).expect("secret file");
    let stored: Value = serde_json::from_slice(&std::fs::read(secret_file).unwrap()).unwrap();
    let secret = stored["secret"].as_str().unwrap();
    assert!(!first.iter().any(|l| l.contains(secret)), "the secret was printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(secret_file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // A second run learns from the control plane that all is done: no sign-in, no step.
    let (status, second, err) = Connect::start(&emu, &cp, &vpc, &customer_vnet(), home.path(), &[]).finish().await;
    assert!(status.success(), "{second:#?}\n{err}");
    assert_eq!(second.len(), 1, "{second:#?}");
    assert!(second[0].starts_with("nothing to do: connection") && second[0].contains("already ACTIVE"), "{second:#?}");
    assert!(!err.contains("devicelogin"), "nobody was asked to sign in: {err}");

    // --verify walks every step again and finds each one done, resuming the saved sign-in.
    let (status, verified, err) =
        Connect::start(&emu, &cp, &vpc, &customer_vnet(), home.path(), &["--verify"]).finish().await;
    assert!(status.success(), "{verified:#?}\n{err}");
    for n in [2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15] {
        assert!(step(&verified, n).contains("already done"), "step {n} found its object: {verified:#?}");
    }
    assert!(verified[verified.len() - 2].starts_with("nothing to do"), "{verified:#?}");
    assert!(verified.last().unwrap().starts_with("the project VPC has no services yet"), "{verified:#?}");
    assert!(!err.contains("devicelogin"), "the saved sign-in was resumed: {err}");
    let saved =
        files.iter().chain(files_under(home.path()).iter()).find(|f| f.to_string_lossy().contains("sign-in-")).cloned();
    let saved = saved.expect("the sign-in is kept");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777, 0o600, "it holds a refresh token");
    }

    // A saved sign-in that no longer works falls back to a device code.
    let mut broken: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    broken["refresh_token"] = Value::from("revoked");
    std::fs::write(&saved, broken.to_string()).unwrap();
    let (status, again, err) =
        Connect::start(&emu, &cp, &vpc, &customer_vnet(), home.path(), &["--verify"]).finish().await;
    assert!(status.success(), "{again:#?}\n{err}");
    assert!(err.contains("the saved sign-in no longer works") && err.contains("devicelogin"), "{err}");
    assert_eq!(
        customer_apps(&emu).await.iter().filter(|a| a["displayName"] == "isthmus-peering-customer-vnet").count(),
        1
    );
}

#[tokio::test]
async fn a_killed_run_is_finished_by_the_next() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let home = tempfile::tempdir().unwrap();

    let mut run1 = Connect::start(&emu, &cp, &vpc, &customer_vnet(), home.path(), &["--role", "minimal"]);
    let line = run1.until(|l| l.starts_with("[ 6/15]")).await;
    assert!(line.contains("… done ("), "{line}");
    run1.kill().await;
    let vpc_now = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(vpc_now.body["peering_connections"].as_array().map(Vec::len), Some(0), "killed before step 11");

    let second = run(&emu, &cp, &vpc, &customer_vnet(), home.path(), &["--role", "minimal"]).await;
    for n in [2, 3, 4, 6] {
        assert!(step(&second, n).contains("already done"), "step {n} was kept: {second:#?}");
    }
    assert!(step(&second, 11).contains("… done ("), "{second:#?}");
    cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;
    assert_eq!(
        customer_apps(&emu).await.iter().filter(|a| a["displayName"] == "isthmus-peering-customer-vnet").count(),
        1
    );
}

#[tokio::test]
async fn a_dry_run_reads_only() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let home = tempfile::tempdir().unwrap();

    let out = run(&emu, &cp, &vpc, &vnet2(), home.path(), &["--dry-run"]).await;
    assert!(step(&out, 2).contains("would register app isthmus-peering-customer-vnet-2"), "{out:#?}");
    for n in [3, 4, 6, 11, 14] {
        assert!(step(&out, n).contains("would "), "step {n}: {out:#?}");
    }
    // The provider's SP and the peer role do not exist yet either.
    assert!(step(&out, 7).contains("would "), "{out:#?}");
    assert!(out.last().unwrap().starts_with("dry run:"), "{out:#?}");

    assert!(customer_apps(&emu).await.iter().all(|a| a["displayName"] != "isthmus-peering-customer-vnet-2"));
    let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(v.body["peering_connections"].as_array().map(Vec::len), Some(0));
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let sps = emu
        .graph(Method::GET, &format!("/servicePrincipals?$filter=appId%20eq%20%27{PROVIDER_APP}%27"), &g, None)
        .await;
    assert_eq!(sps.body["value"].as_array().map(Vec::len), Some(0), "{}", sps.body);
    assert!(files_under(home.path()).is_empty(), "a dry run writes no files");
}

#[tokio::test]
async fn a_vnet_that_does_not_exist_is_refused_with_the_step_to_fix() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let home = tempfile::tempdir().unwrap();
    let missing = vnet_id(CUSTOMER_SUB, "customer-rg", "no-such-vnet");
    let (status, out, err) = Connect::start(&emu, &cp, &vpc, &missing, home.path(), &[]).finish().await;
    assert!(!status.success(), "{out:#?}");
    assert!(err.contains("was not found") && err.contains("guide step 5"), "{err}");
    assert!(customer_apps(&emu).await.iter().all(|a| a["displayName"] != "isthmus-peering-no-such-vnet"));
}

#[tokio::test]
async fn an_invalid_specification_ends_the_run_with_its_reason() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    // The project VPC overlaps customer-vnet (10.1.0.0/16).
    let (vpc, _) = cp.active_vpc("10.1.0.0/24").await;
    let home = tempfile::tempdir().unwrap();
    let (status, out, err) = Connect::start(&emu, &cp, &vpc, &customer_vnet(), home.path(), &[]).finish().await;
    assert_eq!(status.code(), Some(1), "{out:#?}");
    assert!(step(&out, 12).ends_with("failed") || step(&out, 12).contains("failed ("), "{out:#?}");
    assert!(err.contains("INVALID_SPECIFICATION") && err.contains("overlaps"), "{err}");
    assert!(!out.iter().any(|l| l.starts_with("[13/15]")), "{out:#?}");

    // A dry run says so before anything else, and changes nothing.
    let other = tempfile::tempdir().unwrap();
    let (status, out, err) =
        Connect::start(&emu, &cp, &vpc, &customer_vnet(), other.path(), &["--dry-run"]).finish().await;
    assert_eq!(status.code(), Some(1), "{out:#?}");
    assert!(err.contains("would end INVALID_SPECIFICATION") && err.contains("10.1.0.0/16 and 10.1.0.0/24"), "{err}");
    assert!(!out.iter().any(|l| l.starts_with("[ 2/15]") || l.starts_with("[2/15]")), "{out:#?}");
}

#[tokio::test]
async fn an_untrusted_azure_certificate_names_the_fix() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["azure", "connect", "--project-vpc-id", &vpc, "--vnet-id", &customer_vnet()])
        .env("AIVEN_WEB_URL", &cp.url)
        .env("AIVEN_AUTH_TOKEN", &cp.token)
        .env("AIVEN_PROJECT", &cp.project)
        .env("ISTHMUS_AZURE_URL", &emu.url)
        .env("ISTHMUS_PROVIDER_APP_ID", PROVIDER_APP)
        .env_remove("ISTHMUS_AZURE_CA")
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("SSL_CERT_FILE")
        .env("XDG_STATE_HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("source the env.sh") && err.contains("ISTHMUS_AZURE_CA"), "{err}");
}
