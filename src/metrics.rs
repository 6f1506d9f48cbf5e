//! Prometheus metrics, served at `GET /metrics` in the text exposition format.
//!
//! One process-wide registry of atomics, as Prometheus client libraries keep: recording is a few
//! relaxed atomic additions, so it costs nothing measurable on the request path. Faces say what a
//! request was ([`Observed`]: face, operation, outcome, error class); the request context in
//! `http` times it and records it here. The database threads and the token cache record their own.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{LazyLock, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The caller's fault: a contract violation, a rule, an unknown id, a bad token.
    ClientFault,
    /// The server's fault: a failure, a panic, the database unavailable.
    ServerFault,
    /// Refused before the operation was read: body too large, unsupported encoding or media type,
    /// headers too large.
    Refused,
}

impl Outcome {
    const ALL: [Outcome; 4] = [Outcome::Success, Outcome::ClientFault, Outcome::ServerFault, Outcome::Refused];

    fn label(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::ClientFault => "client_fault",
            Outcome::ServerFault => "server_fault",
            Outcome::Refused => "refused",
        }
    }
}

/// What a face says about a request it answered; put in the request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct Observed {
    pub face: &'static str,
    pub operation: &'static str,
    pub outcome: Outcome,
    /// The error class (`NOT_FOUND`, `LIMIT`, …) unless the request succeeded.
    pub class: Option<&'static str>,
}

/// The error class of an HTTP status, for answers given without a face's own word on them (and
/// for refused bodies): the same names faults and problems use.
pub fn class_of_status(status: actix_web::http::StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        ..400 => return None,
        400 => "MALFORMED",
        401 => "AUTHORIZATION_FAILED",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 | 431 => "LIMIT",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        503 => "UNAVAILABLE",
        _ if status.is_client_error() => "CLIENT_ERROR",
        _ => "INTERNAL",
    })
}

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BOUNDS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// A histogram of durations: counts per bucket (not cumulative; summed when rendered).
struct Histogram {
    buckets: [AtomicU64; LATENCY_BOUNDS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn new() -> Self {
        Histogram { buckets: std::array::from_fn(|_| AtomicU64::new(0)), sum_nanos: AtomicU64::new(0) }
    }

    fn record(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BOUNDS.iter().position(|&bound| seconds <= bound).unwrap_or(LATENCY_BOUNDS.len());
        self.buckets[bucket].fetch_add(1, Relaxed);
        self.sum_nanos.fetch_add(elapsed.as_nanos().min(u64::MAX as u128) as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let separator = if labels.is_empty() { "" } else { "," };
        for (i, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Relaxed);
            let bound = LATENCY_BOUNDS.get(i).map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(out, "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {cumulative}");
        }
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum_nanos.load(Relaxed) as f64 / 1e9);
        let _ = writeln!(out, "{name}_count{braces} {cumulative}");
    }
}

/// The counters of one operation of one face.
struct OperationSeries {
    outcomes: [AtomicU64; Outcome::ALL.len()],
    /// Errors by class; touched only when a request fails.
    classes: Mutex<HashMap<&'static str, u64>>,
    latency: Histogram,
}

/// Every metric of the process.
pub struct Registry {
    operations: RwLock<HashMap<(&'static str, &'static str), &'static OperationSeries>>,
    response_bytes: [AtomicU64; 2],
    pool_connections: AtomicU64,
    pool_in_use: AtomicU64,
    pool_wait: Histogram,
    pool_busy_refusals: AtomicU64,
    token_cache_hits: AtomicU64,
    token_cache_misses: AtomicU64,
    started: SystemTime,
}

/// The registry.
pub static METRICS: LazyLock<Registry> = LazyLock::new(|| Registry {
    operations: RwLock::new(HashMap::new()),
    response_bytes: [AtomicU64::new(0), AtomicU64::new(0)],
    pool_connections: AtomicU64::new(0),
    pool_in_use: AtomicU64::new(0),
    pool_wait: Histogram::new(),
    pool_busy_refusals: AtomicU64::new(0),
    token_cache_hits: AtomicU64::new(0),
    token_cache_misses: AtomicU64::new(0),
    started: SystemTime::now(),
});

/// How a response body left: whole, or streamed in chunks.
#[derive(Debug, Clone, Copy)]
pub enum Delivery {
    Whole = 0,
    Streamed = 1,
}

impl Registry {
    fn series(&self, face: &'static str, operation: &'static str) -> &'static OperationSeries {
        let known = self.operations.read().unwrap_or_else(|p| p.into_inner()).get(&(face, operation)).copied();
        known.unwrap_or_else(|| {
            let mut operations = self.operations.write().unwrap_or_else(|p| p.into_inner());
            // Labels are static names from the faces' operation tables: the set is bounded, and a
            // series once made lives as long as the process.
            operations.entry((face, operation)).or_insert_with(|| {
                Box::leak(Box::new(OperationSeries {
                    outcomes: std::array::from_fn(|_| AtomicU64::new(0)),
                    classes: Mutex::new(HashMap::new()),
                    latency: Histogram::new(),
                }))
            })
        })
    }

    /// One answered request.
    pub fn request(&self, observed: Observed, elapsed: Duration) {
        let series = self.series(observed.face, observed.operation);
        series.outcomes[observed.outcome as usize].fetch_add(1, Relaxed);
        series.latency.record(elapsed);
        if let Some(class) = observed.class {
            *series.classes.lock().unwrap_or_else(|p| p.into_inner()).entry(class).or_insert(0) += 1;
        }
    }

    pub fn response_bytes(&self, delivery: Delivery, bytes: usize) {
        self.response_bytes[delivery as usize].fetch_add(bytes as u64, Relaxed);
    }

    /// A database thread started (`true`) or ended.
    pub fn pool_connection(&self, started: bool) {
        if started {
            self.pool_connections.fetch_add(1, Relaxed);
        } else {
            self.pool_connections.fetch_sub(1, Relaxed);
        }
    }

    /// A job left the queue for a database thread after waiting `waited`.
    pub fn pool_waited(&self, waited: Duration) {
        self.pool_wait.record(waited);
    }

    /// A database thread began (`true`) or ended a transaction.
    pub fn pool_in_use(&self, busy: bool) {
        if busy {
            self.pool_in_use.fetch_add(1, Relaxed);
        } else {
            self.pool_in_use.fetch_sub(1, Relaxed);
        }
    }

    /// A job waited longer than the pool's wait and was refused.
    pub fn pool_busy(&self) {
        self.pool_busy_refusals.fetch_add(1, Relaxed);
    }

    pub fn token_cache(&self, hit: bool) {
        let counter = if hit { &self.token_cache_hits } else { &self.token_cache_misses };
        counter.fetch_add(1, Relaxed);
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let mut operations: Vec<_> = self.operations.read().unwrap_or_else(|p| p.into_inner()).iter().map(|(k, v)| (*k, *v)).collect();
        operations.sort_by_key(|(key, _)| *key);

        help(&mut out, "lmsbridge_requests_total", "counter", "Requests answered, by face, operation and outcome.");
        for ((face, operation), series) in &operations {
            for outcome in Outcome::ALL {
                let count = series.outcomes[outcome as usize].load(Relaxed);
                let _ = writeln!(
                    out,
                    "lmsbridge_requests_total{{face=\"{}\",operation=\"{}\",outcome=\"{}\"}} {count}",
                    escape(face),
                    escape(operation),
                    outcome.label()
                );
            }
        }
        help(&mut out, "lmsbridge_request_errors_total", "counter", "Requests that did not succeed, by face, operation and error class.");
        for ((face, operation), series) in &operations {
            let mut classes: Vec<_> = series.classes.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(k, v)| (*k, *v)).collect();
            classes.sort();
            for (class, count) in classes {
                let _ = writeln!(
                    out,
                    "lmsbridge_request_errors_total{{face=\"{}\",operation=\"{}\",class=\"{}\"}} {count}",
                    escape(face),
                    escape(operation),
                    escape(class)
                );
            }
        }
        help(
            &mut out,
            "lmsbridge_request_duration_seconds",
            "histogram",
            "Time from a request's arrival to its response head (a streamed body goes on after), by face and operation.",
        );
        for ((face, operation), series) in &operations {
            let labels = format!("face=\"{}\",operation=\"{}\"", escape(face), escape(operation));
            series.latency.render(&mut out, "lmsbridge_request_duration_seconds", &labels);
        }
        help(
            &mut out,
            "lmsbridge_response_body_bytes_total",
            "counter",
            "Bytes of the answers of operations that succeeded, sent whole or streamed in chunks.",
        );
        for (delivery, label) in [(Delivery::Whole, "whole"), (Delivery::Streamed, "streamed")] {
            let _ = writeln!(
                out,
                "lmsbridge_response_body_bytes_total{{delivery=\"{label}\"}} {}",
                self.response_bytes[delivery as usize].load(Relaxed)
            );
        }
        gauge(
            &mut out,
            "lmsbridge_db_pool_connections",
            "Database connections, each driven by its own thread.",
            self.pool_connections.load(Relaxed),
        );
        gauge(&mut out, "lmsbridge_db_pool_in_use", "Database connections running a request's work now.", self.pool_in_use.load(Relaxed));
        help(&mut out, "lmsbridge_db_pool_wait_seconds", "histogram", "Time requests' database work waited in the queue for a connection.");
        self.pool_wait.render(&mut out, "lmsbridge_db_pool_wait_seconds", "");
        counter(
            &mut out,
            "lmsbridge_db_pool_busy_total",
            "Requests refused because every connection stayed busy past the pool wait.",
            &self.pool_busy_refusals,
        );
        counter(
            &mut out,
            "lmsbridge_token_cache_hits_total",
            "Token checks answered from the cache of valid tokens.",
            &self.token_cache_hits,
        );
        counter(&mut out, "lmsbridge_token_cache_misses_total", "Token checks that had to read the database.", &self.token_cache_misses);
        help(&mut out, "lmsbridge_build_info", "gauge", "The running build: version and package name.");
        let _ = writeln!(out, "lmsbridge_build_info{{version=\"{}\",name=\"{}\"}} 1", env!("CARGO_PKG_VERSION"), env!("CARGO_PKG_NAME"));
        let started = self.started.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
        help(&mut out, "process_start_time_seconds", "gauge", "When the process started, in seconds since the Unix epoch.");
        let _ = writeln!(out, "process_start_time_seconds {started}");
        out
    }
}

fn help(out: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, text: &str, value: u64) {
    help(out, name, "gauge", text);
    let _ = writeln!(out, "{name} {value}");
}

fn counter(out: &mut String, name: &str, text: &str, value: &AtomicU64) {
    help(out, name, "counter", text);
    let _ = writeln!(out, "{name} {}", value.load(Relaxed));
}

/// A label value as the text format writes it.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// `GET /metrics`.
pub async fn serve() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(METRICS.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_render_cumulative_buckets_and_their_sum() {
        let histogram = Histogram::new();
        for micros in [100, 700, 700, 20_000_000] {
            histogram.record(Duration::from_micros(micros));
        }
        let mut out = String::new();
        histogram.render(&mut out, "h", "op=\"x\"");
        assert!(out.contains("h_bucket{op=\"x\",le=\"0.0005\"} 1\n"), "{out}");
        assert!(out.contains("h_bucket{op=\"x\",le=\"0.001\"} 3\n"), "{out}");
        assert!(out.contains("h_bucket{op=\"x\",le=\"10\"} 3\n"), "{out}");
        assert!(out.contains("h_bucket{op=\"x\",le=\"+Inf\"} 4\n"), "{out}");
        assert!(out.contains("h_count{op=\"x\"} 4\n"), "{out}");
        assert!(out.contains("h_sum{op=\"x\"} 20.0015\n"), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
