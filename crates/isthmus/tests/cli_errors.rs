//! How every subcommand reports a failure: `ERROR:` and the cause chain on one line, exit code 1,
//! and no stack backtrace even with `RUST_BACKTRACE=1`.

use tokio::process::Command;

#[tokio::test]
async fn a_failure_prints_its_cause_chain_not_a_backtrace() {
    let tmp = tempfile::tempdir().unwrap();
    let not_a_dir = tmp.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["up", "--data-plane=off", "--data-dir"])
        .arg(&not_a_dir)
        .env("RUST_BACKTRACE", "1")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("ERROR: creating "), "{err}");
    assert!(!err.contains("backtrace") && !err.contains("Stack"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[tokio::test]
async fn vpc_and_azure_find_the_control_plane_at_the_same_default() {
    for args in [&["vpc", "list", "--help"][..], &["azure", "connect", "--help"][..]] {
        let out =
            Command::new(env!("CARGO_BIN_EXE_isthmus")).args(args).env_remove("AIVEN_WEB_URL").output().await.unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("[default: http://127.0.0.1:8080]"), "{args:?}:\n{help}");
    }
}
