//! /metrics as a Prometheus server reads it: the text is parsed by the reference client library's
//! parser (tests/metrics/parse.py, prometheus-client pinned in tests/metrics/requirements.txt and
//! installed into tests/metrics/.venv by tests/metrics/install.sh, which scripts/test runs), before
//! and after a handful of requests of every kind, and the counters must have moved by exactly what
//! those requests were.
//!
//! The metrics are process-wide: this file holds one test, so that nothing else in its process
//! moves them between the two scrapes.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::soap::get_enrollments;
use common::{Backend, TestApp, spawn_app};
use serde_json::Value;

fn metrics_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metrics")
}

/// One sample as prometheus_client parsed it.
#[derive(Debug, Clone)]
struct Sample {
    family: String,
    kind: String,
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Every sample of one scrape.
struct Scrape {
    text: String,
    samples: Vec<Sample>,
}

impl Scrape {
    /// The samples named `name` whose labels include `labels`.
    fn matching(&self, name: &str, labels: &[(&str, &str)]) -> Vec<&Sample> {
        self.samples
            .iter()
            .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
            .collect()
    }

    /// The value of the one sample named `name` with exactly `labels`, if it is exposed.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let found: Vec<&Sample> = self.matching(name, labels).into_iter().filter(|s| s.labels.len() == labels.len()).collect();
        assert!(found.len() <= 1, "{name}{labels:?} is exposed {} times:\n{found:?}", found.len());
        found.first().map(|s| s.value)
    }

    /// Like [`Scrape::get`], for a series that must be exposed.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or_else(|| panic!("{name}{labels:?} is not exposed:\n{}", self.text))
    }

    /// The sum of every sample named `name` whose labels include `labels`.
    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.matching(name, labels).iter().map(|s| s.value).sum()
    }
}

/// GET /metrics, parsed by prometheus_client (which must accept it).
async fn scrape(app: &TestApp) -> Scrape {
    let reply = app.get("/metrics").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.content_type.starts_with("text/plain"), "Prometheus text format is text/plain: {}", reply.content_type);
    assert!(reply.content_type.contains("version=0.0.4"), "the content type names the format's version: {}", reply.content_type);
    let text = reply.body;
    let input = text.clone();
    let output = tokio::task::spawn_blocking(move || {
        let program = metrics_dir().join(".venv/bin/python");
        let mut child = Command::new(&program)
            .arg(metrics_dir().join("parse.py"))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write the metrics to the parser");
        child.wait_with_output().expect("run the parser")
    })
    .await
    .expect("parser task");
    assert!(
        output.status.success(),
        "prometheus_client could not parse /metrics ({}):\n{}\n--- /metrics ---\n{text}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).expect("the parser's JSON");
    let samples = parsed
        .iter()
        .map(|s| Sample {
            family: s["family"].as_str().expect("family").to_string(),
            kind: s["type"].as_str().expect("type").to_string(),
            name: s["name"].as_str().expect("name").to_string(),
            labels: s["labels"]
                .as_object()
                .expect("labels")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("label value").to_string()))
                .collect(),
            value: match &s["value"] {
                Value::String(special) => special.replace("Inf", "inf").parse().expect("a special value"),
                number => number.as_f64().expect("a numeric value"),
            },
        })
        .collect();
    Scrape { text, samples }
}

/// How much each series moved between two scrapes; a series not yet exposed before counts as 0.
struct Delta<'a> {
    before: &'a Scrape,
    after: &'a Scrape,
}

impl Delta<'_> {
    fn of(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.after.value(name, labels) - self.before.get(name, labels).unwrap_or(0.0)
    }

    fn of_sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.after.sum(name, labels) - self.before.sum(name, labels)
    }

    fn assert(&self, name: &str, labels: &[(&str, &str)], expected: f64) {
        let moved = self.of(name, labels);
        assert_eq!(moved, expected, "{name}{labels:?} moved by {moved}, expected {expected}\n--- after ---\n{}", self.after.text);
    }
}

/// Histogram series are consistent: buckets cumulative, the +Inf bucket equal to the count.
fn assert_histogram_consistent(scrape: &Scrape, name: &str) {
    let counts = scrape.matching(&format!("{name}_count"), &[]);
    assert!(!counts.is_empty(), "no {name}_count series:\n{}", scrape.text);
    for count in counts {
        let labels: Vec<(&str, &str)> = count.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut buckets: Vec<(f64, f64)> = scrape
            .matching(&format!("{name}_bucket"), &labels)
            .into_iter()
            .filter(|b| b.labels.len() == labels.len() + 1)
            .map(|b| (b.labels["le"].replace("Inf", "inf").parse::<f64>().expect("le"), b.value))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(buckets.len() > 1, "{name}{labels:?} has no buckets");
        assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{name}{labels:?}: buckets are not cumulative: {buckets:?}");
        let last = buckets.last().unwrap();
        assert!(last.0.is_infinite(), "{name}{labels:?} has no +Inf bucket");
        assert_eq!(last.1, count.value, "{name}{labels:?}: the +Inf bucket differs from the count");
        assert!(scrape.get(&format!("{name}_sum"), &labels).is_some(), "{name}{labels:?} has no _sum");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_every_request_by_face_operation_and_outcome() {
    let program = metrics_dir().join(".venv/bin/python");
    assert!(
        program.exists(),
        "prometheus-client is not installed ({} is missing): run scripts/test, or tests/metrics/install.sh, to install its pinned version",
        program.display()
    );
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.fixture.admin_token.clone();

    // The refused request's operation label is the operationId of POST /api/v1/departments in the
    // served document (read before the first scrape, so it moves nothing that is compared).
    let document: Value = serde_json::from_str(&app.get("/api/v1/openapi.json").await.body).expect("the OpenAPI document");
    let add_department = document["paths"]["/api/v1/departments"]["post"]["operationId"]
        .as_str()
        .expect("POST /api/v1/departments has an operationId")
        .to_string();

    let before = scrape(&app).await;
    let wall_before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();

    // 1. A successful SOAP GetEnrollments.
    let soap_ok = app.soap(get_enrollments(&token, None, None)).await;
    assert_eq!(soap_ok.status, 200, "{}", soap_ok.body);
    let soap_ok_at = Instant::now();
    // 2. The same operation with a token nobody issued: a SOAP fault.
    let soap_fault = app.soap(get_enrollments("no-such-token-0123456789", None, None)).await;
    assert_eq!(soap_fault.status, 500, "{}", soap_fault.body);
    assert!(soap_fault.body.contains("Authorization failed"), "{}", soap_fault.body);
    // 3. A successful JSON getEnrollments with the bearer token.
    let response = app.client.get(format!("{}/api/v1/enrollments", app.base_url)).bearer_auth(&token).send().await.expect("request sent");
    let json_ok = common::Reply::read(response).await;
    assert_eq!(json_ok.status, 200, "{}", json_ok.body);
    let json_ok_after = soap_ok_at.elapsed();
    // 4. A body in an encoding the server does not take: refused before it is read.
    let response = app
        .client
        .post(format!("{}/api/v1/departments", app.base_url))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "br")
        .body(r#"{"name":"Refused"}"#)
        .send()
        .await
        .expect("request sent");
    let refused = common::Reply::read(response).await;
    assert_eq!(refused.status, 415, "{}", refused.body);

    let after = scrape(&app).await;
    let delta = Delta { before: &before, after: &after };

    // Requests by face, operation and outcome: each of the four, and the first scrape.
    let requests = "lmsbridge_requests_total";
    for (face, operation, outcome, expected) in [
        ("soap", "GetEnrollments", "success", 1.0),
        ("soap", "GetEnrollments", "client_fault", 1.0),
        ("soap", "GetEnrollments", "server_fault", 0.0),
        ("soap", "GetEnrollments", "refused", 0.0),
        ("json", "getEnrollments", "success", 1.0),
        ("json", "getEnrollments", "client_fault", 0.0),
        ("json", "getEnrollments", "server_fault", 0.0),
        ("json", "getEnrollments", "refused", 0.0),
        ("json", &add_department, "success", 0.0),
        ("json", &add_department, "client_fault", 0.0),
        ("json", &add_department, "refused", 1.0),
        ("http", "metrics", "success", 1.0),
    ] {
        delta.assert(requests, &[("face", face), ("operation", operation), ("outcome", outcome)], expected);
    }
    let all = delta.of_sum(requests, &[]);
    assert_eq!(all, 5.0, "exactly five requests were answered between the scrapes, the counters say {all}\n{}", after.text);

    // Errors by class: the bad token and the refused encoding, nothing else.
    let errors = "lmsbridge_request_errors_total";
    delta.assert(errors, &[("face", "soap"), ("operation", "GetEnrollments"), ("class", "AUTHORIZATION_FAILED")], 1.0);
    delta.assert(errors, &[("face", "json"), ("operation", &add_department), ("class", "UNSUPPORTED_MEDIA_TYPE")], 1.0);
    let all = delta.of_sum(errors, &[]);
    assert_eq!(all, 2.0, "exactly two requests failed between the scrapes, the counters say {all}\n{}", after.text);

    // Latency: every request is timed, faults too.
    let latency = "lmsbridge_request_duration_seconds";
    delta.assert(&format!("{latency}_count"), &[("face", "soap"), ("operation", "GetEnrollments")], 2.0);
    delta.assert(&format!("{latency}_count"), &[("face", "json"), ("operation", "getEnrollments")], 1.0);
    delta.assert(&format!("{latency}_count"), &[("face", "json"), ("operation", &add_department)], 1.0);
    let soap_seconds = delta.of(&format!("{latency}_sum"), &[("face", "soap"), ("operation", "GetEnrollments")]);
    assert!(soap_seconds > 0.0 && soap_seconds < 60.0, "soap/GetEnrollments latency sum moved by {soap_seconds} s");
    assert_histogram_consistent(&after, latency);
    assert_histogram_consistent(&after, "lmsbridge_db_pool_wait_seconds");

    // Bytes of the operations' response bodies, whole or streamed: those of the two answers (a
    // fault's or a refusal's body is not counted, nor /metrics itself).
    let bytes = delta.of_sum("lmsbridge_response_body_bytes_total", &[]);
    let answers = (soap_ok.body.len() + json_ok.body.len()) as f64;
    assert_eq!(bytes, answers, "response body bytes moved by {bytes}, the two answers' bodies are {answers} bytes\n{}", after.text);
    for delivery in ["whole", "streamed"] {
        assert!(after.get("lmsbridge_response_body_bytes_total", &[("delivery", delivery)]).is_some(), "no {delivery} bytes series");
    }

    // The database pool.
    let connections = after.value("lmsbridge_db_pool_connections", &[]);
    assert!(connections >= 1.0, "lmsbridge_db_pool_connections is {connections}");
    let in_use = after.value("lmsbridge_db_pool_in_use", &[]);
    assert!((0.0..=connections).contains(&in_use), "lmsbridge_db_pool_in_use is {in_use} of {connections}");
    let waits = delta.of("lmsbridge_db_pool_wait_seconds_count", &[]);
    assert!(waits >= 2.0, "the requests' database work was not counted in the pool wait histogram ({waits})");
    delta.assert("lmsbridge_db_pool_busy_total", &[], 0.0);

    // The token cache: three token checks (the refused request never got to its token); the token
    // nobody issued is never in the cache. The JSON call came right after the SOAP call with the
    // same token, well within the cache's freshness (5 s), unless this machine stalled for seconds.
    let hits = delta.of("lmsbridge_token_cache_hits_total", &[]);
    let misses = delta.of("lmsbridge_token_cache_misses_total", &[]);
    assert_eq!(hits + misses, 3.0, "token checks: {hits} hits + {misses} misses, expected 3");
    assert!(misses >= 1.0, "the unknown token was a cache hit? {misses} misses");
    if json_ok_after < Duration::from_secs(4) {
        assert!(hits >= 1.0, "the JSON call {json_ok_after:?} after the SOAP call with the same token missed the cache");
    }

    // The build and the process.
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(after.value("lmsbridge_build_info", &[("version", version), ("name", "lmsbridge")]), 1.0, "{}", after.text);
    let started = after.value("process_start_time_seconds", &[]);
    assert!(started > 1.6e9 && started <= wall_before + 1.0, "process_start_time_seconds is {started}");
    assert_eq!(started, before.value("process_start_time_seconds", &[]), "the start time changed between scrapes");

    // Family types as the parser read them (it names counter families without `_total`).
    for (family, kind) in [
        ("lmsbridge_requests", "counter"),
        ("lmsbridge_request_errors", "counter"),
        ("lmsbridge_request_duration_seconds", "histogram"),
        ("lmsbridge_response_body_bytes", "counter"),
        ("lmsbridge_db_pool_connections", "gauge"),
        ("lmsbridge_db_pool_in_use", "gauge"),
        ("lmsbridge_db_pool_wait_seconds", "histogram"),
        ("lmsbridge_db_pool_busy", "counter"),
        ("lmsbridge_token_cache_hits", "counter"),
        ("lmsbridge_token_cache_misses", "counter"),
        ("lmsbridge_build_info", "gauge"),
        ("process_start_time_seconds", "gauge"),
    ] {
        let found: Vec<&str> = after.samples.iter().filter(|s| s.family == family).map(|s| s.kind.as_str()).collect();
        assert!(!found.is_empty(), "no family {family} in /metrics:\n{}", after.text);
        assert!(found.iter().all(|k| *k == kind), "family {family} is {found:?}, expected {kind}");
    }
    // Counters never go down.
    for sample in before.samples.iter().filter(|s| s.kind == "counter" || s.name.ends_with("_count") || s.name.ends_with("_bucket")) {
        let labels: Vec<(&str, &str)> = sample.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let now = after.get(&sample.name, &labels).unwrap_or_else(|| panic!("{}{labels:?} disappeared", sample.name));
        assert!(now >= sample.value, "{}{labels:?} went down from {} to {now}", sample.name, sample.value);
    }
    println!(
        "{} samples before, {} after; {bytes} response body bytes; token cache {hits} hits, {misses} misses",
        before.samples.len(),
        after.samples.len()
    );
}
