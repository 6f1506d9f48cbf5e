//! The `lmsbridge` binary run as an operator runs it, for tests of the whole process: its banner,
//! its logs, its memory, the README's examples, the pages in a browser.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary, with quiet logs and without a database setting from the developer's environment.
pub fn lmsbridge() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lmsbridge"));
    command.env_remove("LMSBRIDGE_DATABASE_URL").env("LMSBRIDGE_LOG", "warn");
    command
}

/// A running server, killed when the test ends, whatever happens.
pub struct Server {
    pub child: Child,
    /// What it printed, up to the line `start` stopped at.
    pub banner: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `command` with its standard output piped, reads the banner up to and including the
    /// first line `last` accepts, and keeps reading the rest in the background, as a terminal would.
    pub fn start(command: &mut Command, last: impl Fn(&str) -> bool) -> Server {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("start lmsbridge");
        let stdout = child.stdout.take().expect("the server's standard output");
        let mut server = Server { child, banner: Vec::new() };
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line.expect("a banner line");
            let done = last(&line);
            server.banner.push(line);
            if done {
                break;
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        server
    }

    /// The first banner line holding `needle`.
    pub fn line_with(&self, needle: &str) -> &str {
        self.banner.iter().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with '{needle}' in:\n{}", self.banner.join("\n")))
    }

    /// The base URL the banner's first line names (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        let first = self.banner.first().map(String::as_str).unwrap_or_default();
        assert!(first.starts_with("lmsbridge ") && first.contains(" listening on "), "unexpected first line: {first}");
        first.split_whitespace().find(|w| w.starts_with("http://")).expect("an address in the first line").to_string()
    }

    /// `host:port` of [`Server::base_url`].
    pub fn address(&self) -> String {
        self.base_url().trim_start_matches("http://").to_string()
    }

    /// Waits until `GET /healthz` answers 200.
    pub fn wait_until_healthy(&self, within: Duration) {
        let (address, started) = (self.address(), Instant::now());
        while status_of_get(&address, "/healthz") != Some(200) {
            assert!(started.elapsed() < within, "{address}/healthz did not answer 200 within {within:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The status of `GET path` at `address`, with a bare HTTP/1.1 request (no client library).
pub fn status_of_get(address: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(address).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").ok()?;
    status_line(&mut stream)
}

/// Reads a response's head from `stream` and returns its status.
pub fn status_line(stream: &mut TcpStream) -> Option<u16> {
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).ok()? == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).split_whitespace().nth(1)?.parse().ok()
}
