//! The README's shell examples run as written: a demo server starts as the README says
//! (`lmsbridge serve --demo`, in a fresh directory), the `export` line it prints is taken, and every
//! `sh` block of the README runs after it in a fresh bash (`set -euo pipefail`), in the order the
//! README gives them, with the `lmsbridge` binary on the PATH. A block that must not run (the
//! server itself, the test command) is marked by a `<!-- readme-test: not run (why) -->` line just
//! before it.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::process::Server;

const SKIP: &str = "<!-- readme-test: not run";

/// A shell example: the line its fence starts on, and its text.
struct Example {
    line: usize,
    script: String,
}

/// The `sh` blocks of `markdown` not marked as not run.
fn examples(markdown: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut lines = markdown.lines().enumerate().peekable();
    let mut previous = "";
    while let Some((n, line)) = lines.next() {
        if line.trim_end() == "```sh" {
            let mut script = String::new();
            for (_, body) in lines.by_ref() {
                if body.trim_end() == "```" {
                    break;
                }
                script.push_str(body);
                script.push('\n');
            }
            if !previous.trim_start().starts_with(SKIP) {
                examples.push(Example { line: n + 1, script });
            }
        }
        previous = line;
    }
    examples
}

#[test]
fn the_readme_marks_what_it_does_not_run_and_runs_the_rest() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let all = readme.lines().filter(|l| l.trim_end() == "```sh").count();
    let skipped = readme.matches(SKIP).count();
    assert_eq!(examples(&readme).len() + skipped, all, "every marker stands right before a block");
    assert!(examples(&readme).len() >= 5, "the README has examples to run");
}

#[test]
fn every_shell_example_of_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let examples = examples(&readme);
    let dir = tempfile::tempdir().unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_lmsbridge"));
    let path = format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());

    // As the README says: `serve --demo` in a directory of one's own (the database is lmsbridge.db
    // there), on a free port rather than 8080 so that the test can run next to anything.
    let server = Server::start(
        Command::new(binary)
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "2"])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", &path)
            .env("LMSBRIDGE_LOG", "warn")
            .stderr(Stdio::inherit()),
        |line| line.starts_with("export BASE_URL="),
    );
    let export = server.line_with("export BASE_URL=").to_string();

    for example in &examples {
        let started = Instant::now();
        let mut bash = Command::new("bash")
            .arg("-c")
            .arg(format!("set -euo pipefail\n{export}\n{}", example.script))
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("LMSBRIDGE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash");
        let status = loop {
            if let Some(status) = bash.try_wait().unwrap() {
                break status;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the example at README.md:{} did not finish in 60 s", example.line);
            std::thread::sleep(Duration::from_millis(20));
        };
        let output = bash.wait_with_output().unwrap();
        let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        println!("README.md:{} ({status}, {:?}):\n{}\n{out}{err}", example.line, started.elapsed(), example.script);
        assert!(
            status.success(),
            "the example at README.md:{} failed ({status}):\n{}\nstdout:\n{out}\nstderr:\n{err}",
            example.line,
            example.script
        );
        assert!(!out.trim().is_empty(), "the example at README.md:{} printed nothing", example.line);
    }
    drop(server);
}
