//! The pages a person opens in a browser, in real headless Chromium: the landing page and its links,
//! the SOAP service page and an operation's try-it form (success, fault, SOAP 1.2), and Swagger UI
//! authorizing with a token and executing getEnrollments; nothing may be fetched from anywhere but
//! the server. tests/browser/suite.py drives Chromium with Selenium against `lmsbridge serve --demo`
//! started here as an operator starts it (the binary, a SQLite file, the credentials file).
//! Chromium and chromedriver are Debian's; Selenium is pinned in tests/browser/requirements.txt and
//! installed into tests/browser/.venv by tests/browser/install.sh, which scripts/test runs.

mod common;

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{Server, lmsbridge};

/// A generous ceiling for the whole suite; it normally takes about 20 seconds (40 on a loaded machine).
const SUITE_TIMEOUT: Duration = Duration::from_secs(180);
/// How long the server may take to answer /healthz after it printed its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Kills the suite and everything it started (chromedriver, Chromium: its process group) if it is
/// still running when the test ends.
struct Suite(Child);

impl Drop for Suite {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.0.id())]).status();
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts `serve --demo` on a free port; returns the server and its base URL once /healthz answers.
fn serve_demo(dir: &Path, credentials: &Path) -> (Server, String) {
    let server = Server::start(
        lmsbridge()
            .arg("serve")
            .arg("--demo")
            .args(["--bind", "127.0.0.1:0"])
            .arg("--database-url")
            .arg(dir.join("demo.db"))
            .arg("--credentials-file")
            .arg(credentials)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit()),
        |_| true,
    );
    server.wait_until_healthy(START_TIMEOUT);
    let base = server.base_url();
    (server, base)
}

#[test]
fn pages_work_in_a_real_browser() {
    let python = browser_dir().join(".venv/bin/python");
    assert!(
        python.exists(),
        "Selenium is not installed ({} is missing): run scripts/test, or tests/browser/install.sh, to install Chromium, chromedriver and the pinned Selenium",
        python.display()
    );
    for program in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(Path::new(program).exists(), "{program} is missing: run scripts/test, or tests/browser/install.sh, to install it");
    }

    let work = tempfile::tempdir().expect("temporary directory");
    let credentials = work.path().join("creds.json");
    let (server, base) = serve_demo(work.path(), &credentials);
    assert!(credentials.exists(), "the server wrote no credentials file at {}", credentials.display());

    let output_path = work.path().join("output.txt");
    let out = File::create(&output_path).expect("output file");
    let err = out.try_clone().expect("output file");
    let mut command = Command::new(&python);
    command
        .arg(browser_dir().join("suite.py"))
        .arg(&base)
        .arg(&credentials)
        .current_dir(work.path())
        // Selenium Manager must never try to download a browser or a driver.
        .env("SE_OFFLINE", "true")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        // Its own process group, so that a suite that hangs is killed with its browser.
        .process_group(0);
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        command.env_remove(proxy);
    }
    let started = Instant::now();
    let mut suite = Suite(command.spawn().unwrap_or_else(|e| panic!("start {}: {e}", python.display())));
    let status = loop {
        if let Some(status) = suite.0.try_wait().expect("wait for the browser suite") {
            break Some(status);
        }
        if started.elapsed() > SUITE_TIMEOUT {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(suite);
    drop(server);
    let output = std::fs::read_to_string(&output_path).unwrap_or_default();
    match status {
        Some(status) if status.success() => println!("{output}\nbrowser suite finished in {:.1?}", started.elapsed()),
        Some(status) => panic!("the browser suite failed ({status}):\n{output}"),
        None => panic!("the browser suite did not finish within {SUITE_TIMEOUT:?}:\n{output}"),
    }
}
