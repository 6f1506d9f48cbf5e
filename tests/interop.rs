//! Interoperability: real SOAP clients generated at run time from the served WSDL (Python's zeep and
//! Node's node-soap) call every operation against a running server. The suites live in
//! tests/interop/; their pinned dependencies are installed by tests/interop/install.sh, which
//! scripts/test runs.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, TestApp, spawn_app};

/// Generous: each suite makes a few hundred calls and takes seconds.
const SUITE_TIMEOUT: Duration = Duration::from_secs(300);

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// Fails, never skips, when the suites' dependencies are not installed.
fn require_installed(path: &Path, what: &str) {
    assert!(
        path.exists(),
        "{what} is not installed ({} is missing): run scripts/test, or tests/interop/install.sh, to install the interop suites' pinned dependencies",
        path.display()
    );
}

/// Runs one suite against the app with the fixture's administrator and learner tokens, and fails
/// with the suite's whole output unless it exits 0.
async fn run_suite(app: &TestApp, name: &str, program: &Path, script: &str) {
    let output_file = tempfile::NamedTempFile::new().expect("temporary file");
    let out = File::create(output_file.path()).expect("suite output file");
    let err = out.try_clone().expect("suite output file");
    let wsdl = format!("{}/api/v2/soap/2.0?wsdl", app.base_url);
    let mut child = Command::new(program)
        .arg(interop_dir().join(script))
        .args(["--wsdl", &wsdl, "--token", &app.fixture.admin_token, "--learner-token", &app.fixture.learner_token])
        .current_dir(interop_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| panic!("start the {name} suite with {}: {e}", program.display()));
    // The server runs on this test's runtime: wait without blocking it.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the suite") {
            break Some(status);
        }
        if started.elapsed() > SUITE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let output = std::fs::read_to_string(output_file.path()).unwrap_or_default();
    match status {
        Some(status) if status.success() => println!("{output}"),
        Some(status) => panic!("the {name} interop suite failed ({status}):\n{output}"),
        None => panic!("the {name} interop suite did not finish within {SUITE_TIMEOUT:?}:\n{output}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_client_calls_every_operation() {
    let python = interop_dir().join(".venv/bin/python");
    require_installed(&python, "the Python virtual environment with zeep (tests/interop/.venv)");
    let app = spawn_app(Backend::Sqlite).await;
    run_suite(&app, "zeep", &python, "zeep_suite.py").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_soap_client_calls_every_operation() {
    require_installed(&interop_dir().join("node_modules/soap/package.json"), "node-soap (tests/interop/node_modules)");
    let app = spawn_app(Backend::Sqlite).await;
    run_suite(&app, "node-soap", Path::new("node"), "node_suite.js").await;
}
