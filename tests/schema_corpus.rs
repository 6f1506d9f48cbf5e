//! The request decoder agrees with the XSD: every body in `tests/corpus` is judged by libxml2's
//! xmllint against `schemas/ispring.xsd` (inside the SOAP 1.1 envelope) and by the server, and the
//! two verdicts must match. The server "rejects" a body when it answers with a fault of a schema
//! class (the request is not what the contract allows); any other outcome (a result, or a fault
//! for authorization, permissions, missing data, conflicts, business rules…) means it "accepted"
//! the body as well-formed per the contract. File names say what xmllint must conclude
//! (`NNN-<operation>-<valid|invalid>-<what>.xml`), so a drifting corpus is caught too.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Backend;
use common::spawn_app;
use lmsbridge::faces::soap::xml::{Element, Limits, parse};

/// The fault classes that mean "this request breaks the contract".
const SCHEMA_CLASSES: &[&str] =
    &["MALFORMED", "PROHIBITED", "ENVELOPE", "UNKNOWN_OPERATION", "REQUIRED", "OCCURS", "TAG_MISMATCH", "TYPE", "LENGTH", "ENUMERATION"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Accepted => "valid",
            Verdict::Rejected => "invalid",
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus files, sorted by name.
fn corpus() -> Vec<PathBuf> {
    let dir = root().join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

/// xmllint's verdict, or a description of why it gave none (exit codes other than 0 and 3).
fn xmllint(file: &Path) -> Result<(Verdict, String), String> {
    let schema = root().join("tests/fixtures/validate-soap11.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(file)
        .output()
        .expect("xmllint must be installed (Debian package libxml2-utils); scripts/test installs it");
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    match output.status.code() {
        Some(0) => Ok((Verdict::Accepted, stderr)),
        Some(3) => Ok((Verdict::Rejected, stderr)),
        other => Err(format!("xmllint exited with {other:?}: {stderr}")),
    }
}

/// What the file name (`NNN-<operation>-<valid|invalid>-<what>.xml`) says xmllint concludes.
fn labelled(name: &str) -> Option<Verdict> {
    match name.split('-').nth(2) {
        Some("valid") => Some(Verdict::Accepted),
        Some("invalid") => Some(Verdict::Rejected),
        _ => None,
    }
}

fn child<'a>(element: &'a Element, local: &str) -> Option<&'a Element> {
    element.children.iter().find(|c| c.local == local)
}

/// The server's verdict, the outcome's class (`result` or the fault code) and a one-line account.
fn server_verdict(status: u16, body: &str) -> (Verdict, String, String) {
    let limits = Limits { max_elements: usize::MAX, max_children: usize::MAX, ..Limits::default() };
    let answer =
        parse(body.as_bytes(), &limits).ok().and_then(|envelope| child(&envelope, "Body").and_then(|b| b.children.first()).cloned());
    let fault = match answer {
        Some(fault) if fault.local == "Fault" => fault,
        Some(result) => return (Verdict::Accepted, "result".into(), format!("HTTP {status}, <{}>", result.local)),
        None => {
            let head: String = body.chars().take(200).collect();
            return (Verdict::Accepted, "result".into(), format!("HTTP {status}, not a SOAP answer: {head}"));
        }
    };
    // SOAP 1.1 <detail>, or SOAP 1.2 <Detail>, holding <faultDetail>.
    let detail = child(&fault, "detail").or_else(|| child(&fault, "Detail")).and_then(|d| child(d, "faultDetail"));
    let text = |name: &str| detail.and_then(|d| child(d, name)).map(|e| e.text.trim().to_string()).unwrap_or_default();
    let (code, message, path) = (text("code"), text("message"), text("path"));
    let verdict = if SCHEMA_CLASSES.contains(&code.as_str()) { Verdict::Rejected } else { Verdict::Accepted };
    let account = format!("HTTP {status}, fault {code} at '{path}': {message}");
    (verdict, code, account)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_verdicts_match_xmllint_on_the_corpus() {
    let files = corpus();
    assert!(files.len() >= 100, "the corpus holds only {} files", files.len());

    // xmllint first (blocking, cheap), then the server.
    let mut judged = Vec::new();
    let mut problems = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        match xmllint(file) {
            Ok((verdict, report)) => {
                if labelled(&name) != Some(verdict) {
                    problems
                        .push(format!("{name}: the name does not say '{}' as xmllint concludes\n    xmllint: {report}", verdict.word()));
                }
                judged.push((name, file.clone(), verdict, report));
            }
            Err(why) => problems.push(format!("{name}: {why}")),
        }
    }
    let valid = judged.iter().filter(|j| j.2 == Verdict::Accepted).count();
    let invalid = judged.len() - valid;
    assert!(valid > 0 && invalid > 0, "the corpus needs both kinds: {valid} valid, {invalid} invalid");

    let app = spawn_app(Backend::Sqlite).await;
    let mut disagreements = Vec::new();
    // How the server answered the bodies xmllint accepts (visible with --nocapture).
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for (name, file, expected, report) in &judged {
        let body = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let reply = app.soap(body).await;
        let (actual, class, account) = server_verdict(reply.status, &reply.body);
        if *expected == Verdict::Accepted {
            if class != "result" {
                println!("{name}: {account}");
            }
            *outcomes.entry(class).or_default() += 1;
        }
        if actual != *expected {
            let mut entry = format!("{name}: xmllint says {}, the server says {}\n    server: {account}", expected.word(), actual.word());
            if *expected == Verdict::Rejected {
                let first = report.lines().next().unwrap_or("");
                let _ = write!(entry, "\n    xmllint: {first}");
            }
            disagreements.push(entry);
        }
    }

    println!("{} corpus files ({valid} valid, {invalid} invalid); answers to the valid ones: {outcomes:?}", files.len());

    if !problems.is_empty() || !disagreements.is_empty() {
        let mut summary = format!(
            "{} corpus files ({valid} valid, {invalid} invalid per xmllint): {} disagreements, {} corpus problems\n",
            files.len(),
            disagreements.len(),
            problems.len()
        );
        for line in problems.iter().chain(&disagreements) {
            summary.push_str(line);
            summary.push('\n');
        }
        panic!("{summary}");
    }
}
