//! A real SMTP server as the tests' mail sink: aiosmtpd (pinned in tests/mail/.venv by
//! tests/mail/install.sh), writing what it receives into a maildir the test reads.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sink {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    /// Starts aiosmtpd on a free port; returns once it accepts connections.
    pub fn start() -> Sink {
        Sink::start_on(TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port())
    }

    /// Starts aiosmtpd on `port` (where a relay was down, say); returns once it accepts connections.
    pub fn start_on(port: u16) -> Sink {
        let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail/.venv/bin/python");
        assert!(python.exists(), "aiosmtpd is not installed: run tests/mail/install.sh (scripts/test does)");
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("box");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let sink = Sink { child, port, maildir, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }

    /// The relay URL of this sink.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, as text.
    pub fn received(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect()
    }

    /// The messages received so far that are addressed to `recipient`.
    pub fn received_to(&self, recipient: &str) -> Vec<String> {
        self.received().into_iter().filter(|m| m.contains(recipient)).collect()
    }

    /// Waits until a message to `recipient` has arrived, among others the server may send (the
    /// demo's campaign invitations go through the same relay); returns it, the only one to them.
    pub fn wait_for_one_to(&self, recipient: &str, timeout: Duration) -> String {
        Self::wait_for_one_of(|| self.received_to(recipient), &format!("message to {recipient}"), timeout)
    }

    /// Waits until exactly one message has arrived; returns it.
    pub fn wait_for_one(&self, timeout: Duration) -> String {
        Self::wait_for_one_of(|| self.received(), "message", timeout)
    }

    fn wait_for_one_of(received: impl Fn() -> Vec<String>, what: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let mut received = received();
            if !received.is_empty() {
                assert_eq!(received.len(), 1, "one {what}, delivered once");
                return received.pop().unwrap();
            }
            assert!(Instant::now() < deadline, "no {what} arrived within {timeout:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
