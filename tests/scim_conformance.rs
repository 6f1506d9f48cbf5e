//! The SCIM face against independent implementations of RFC 7643 and RFC 7644: scim2-tester runs
//! every check it has (none filtered out by tag) against a running server, on SQLite and on
//! PostgreSQL, and must report no failure and skip none; then scim2-client, with the models the
//! server's discovery describes, drives users and groups through every endpoint, validating each
//! request and response (tests/scim/conformance.py). Both are pinned in
//! tests/scim/requirements.txt and installed into tests/scim/.venv by tests/scim/install.sh, which
//! scripts/test runs. Outside CI a missing installation skips the test with a message; in CI it
//! fails it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, TestApp, spawn_app};
use lmsbridge::service::admin::Face;

/// A generous ceiling: the whole run normally takes well under a minute.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);
/// scim2-tester's checks of this server's two resource types and discovery endpoints: fewer would
/// mean that discovery described less than the server serves.
const LEAST_CHECKS: u32 = 80;

fn python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scim/.venv/bin/python")
}

/// Runs conformance.py against `app` with a SCIM token of acme's; returns its output.
async fn run(app: &TestApp) -> Option<String> {
    let python = python();
    if !python.exists() {
        let message =
            format!("scim2-tester is not installed ({} is missing): run scripts/test, or tests/scim/install.sh", python.display());
        assert!(std::env::var_os("CI").is_none(), "{message}");
        eprintln!("{message}; the conformance run is skipped");
        return None;
    }
    let service = app.service.clone();
    let token = tokio::task::spawn_blocking(move || service.create_integration_key("acme", Face::Scim).unwrap().1).await.unwrap();
    let work = tempfile::tempdir().expect("temporary directory");
    let output_path = work.path().join("output.txt");
    let out = std::fs::File::create(&output_path).expect("output file");
    let err = out.try_clone().expect("output file");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scim/conformance.py");
    let mut command = Command::new(&python);
    command
        .arg(&script)
        .arg(format!("{}/scim/v2", app.base_url))
        .arg(&token)
        .current_dir(work.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        command.env_remove(proxy);
    }
    let mut child = command.spawn().unwrap_or_else(|e| panic!("start {}: {e}", python.display()));
    // The server runs on this test's runtime: wait without blocking it.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the conformance run") {
            break Some(status);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let output = std::fs::read_to_string(&output_path).unwrap_or_default();
    match status {
        Some(status) if status.success() => {}
        Some(status) => panic!("the SCIM conformance run failed ({status}):\n{output}"),
        None => panic!("the SCIM conformance run did not finish within {RUN_TIMEOUT:?}:\n{output}"),
    }
    println!("{output}\nfinished in {:.1?}", started.elapsed());
    Some(output)
}

/// `(ran, failed, skipped)` from the run's closing line of scim2-tester.
fn tally(output: &str) -> (u32, u32, u32) {
    let line = output.lines().find_map(|l| l.strip_prefix("scim2-tester: ")).unwrap_or_else(|| panic!("no tally in:\n{output}"));
    let numbers: Vec<u32> = line.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| n.parse().unwrap()).collect();
    match numbers[..] {
        [ran, failed, skipped] => (ran, failed, skipped),
        _ => panic!("unexpected tally: {line}"),
    }
}

async fn scim2_tester_finds_nothing_wrong(backend: Backend) {
    let app = spawn_app(backend).await;
    let Some(output) = run(&app).await else { return };
    let (ran, failed, skipped) = tally(&output);
    assert_eq!(failed, 0, "{output}");
    assert_eq!(skipped, 0, "every check ran:\n{output}");
    assert!(ran >= LEAST_CHECKS, "only {ran} checks ran:\n{output}");
    assert!(output.contains("scim2-client: users and groups created, read, searched, patched, replaced and deleted"), "{output}");
}

on_both_backends!(scim2_tester_finds_nothing_wrong);
