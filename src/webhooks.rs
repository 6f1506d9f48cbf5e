//! The change feed's background work: the publisher, which gives committed changes their positions
//! and queues their webhook deliveries, and the sender, which delivers them.
//!
//! Both run on threads of their own, never on the HTTP workers. The sender's requests are async
//! (one in flight per subscription, many subscriptions at once) on a small runtime of its own; its
//! database work runs on that runtime's blocking threads. A subscription's deliveries go out one at
//! a time, in the order of the feed: the next waits until the one before is delivered or dead.
//! Each delivery is signed as the Standard Webhooks specification says (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), with
//! the same `webhook-id` on every attempt, so that receivers can drop repeats: a delivery sent just
//! before a crash is sent again after the restart (at least once).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::domain::changes::{EventKind, Naming};
use crate::domain::values::utc_text;
use crate::service::{OpError, Service};
use crate::store::{Db, webhooks};

/// How often the publisher looks for committed changes when it found none.
const PUBLISH_POLL: Duration = Duration::from_millis(50);

/// Changes published per transaction.
const PUBLISH_BATCH: i64 = 500;

/// How often changes older than the retention are purged (and once at start).
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// How often the sender looks for due deliveries.
const SEND_POLL: Duration = Duration::from_millis(100);

/// How deliveries are attempted.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Attempts before a delivery is dead.
    pub attempts: i32,
    /// The wait after the first failed attempt; it doubles after each (with jitter) up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Time allowed to connect to the receiver, and for the whole request.
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// How long published changes are kept (`None`: for ever); see [`Service::purge_changes`].
    pub retention: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            attempts: 10,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(3600),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            retention: Some(Duration::from_secs(30 * 86_400)),
        }
    }
}

/// The running publisher and sender; dropping it stops both after their current round.
pub struct Background {
    stop: Arc<AtomicBool>,
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts publishing `service`'s changes and delivering its webhooks.
pub fn start(service: Service, settings: Settings) -> std::io::Result<Background> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let publisher = service.clone();
    let retention = settings.retention.and_then(|r| chrono::Duration::from_std(r).ok());
    std::thread::Builder::new().name("lmsbridge-changes".into()).spawn(move || {
        let mut purged_at: Option<std::time::Instant> = None;
        while !stopped.load(Ordering::Relaxed) {
            if let Some(retention) = retention
                && purged_at.is_none_or(|at| at.elapsed() >= PURGE_EVERY)
            {
                purged_at = Some(std::time::Instant::now());
                match publisher.purge_changes(retention) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(purged = n, "changes older than the retention were deleted"),
                    Err(e) => tracing::warn!(error = %e, "the change publisher could not purge old changes"),
                }
            }
            match publisher.publish_changes(PUBLISH_BATCH) {
                Ok(0) => std::thread::sleep(PUBLISH_POLL),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the change publisher could not publish");
                    std::thread::sleep(PUBLISH_POLL * 20);
                }
            }
        }
    })?;
    let stopped = stop.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("lmsbridge-webhooks").enable_all().build()?;
    let client = client(&settings).map_err(std::io::Error::other)?;
    std::thread::Builder::new().name("lmsbridge-webhooks".into()).spawn(move || {
        runtime.block_on(send(service.db().clone(), client, settings, stopped));
    })?;
    Ok(Background { stop })
}

/// The HTTP client: bounded connect and total times, and redirects followed only on the host the
/// subscription names (a receiver cannot send the delivery elsewhere).
pub(crate) fn client(settings: &Settings) -> reqwest::Result<reqwest::Client> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        let same_origin = first.is_some_and(|first| {
            first.scheme() == attempt.url().scheme()
                && first.host_str() == attempt.url().host_str()
                && first.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if attempt.previous().len() > 5 || !same_origin { attempt.stop() } else { attempt.follow() }
    });
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .redirect(policy)
        .user_agent(concat!("lmsbridge-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

async fn send(db: Db, client: reqwest::Client, settings: Settings, stop: Arc<AtomicBool>) {
    let in_flight: Arc<Mutex<HashSet<i64>>> = Arc::default();
    while !stop.load(Ordering::Relaxed) {
        let busy: HashSet<i64> = in_flight.lock().expect("not poisoned").clone();
        let reader = db.clone();
        let heads = tokio::task::spawn_blocking(move || due_heads(&reader, &busy)).await;
        let heads = match heads {
            Ok(Ok(heads)) => heads,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the webhook sender could not read its queue");
                tokio::time::sleep(SEND_POLL * 10).await;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "the webhook sender's queue read failed");
                tokio::time::sleep(SEND_POLL * 10).await;
                continue;
            }
        };
        for head in heads {
            let lease = settings.connect_timeout + settings.timeout + Duration::from_secs(5);
            let claimer = db.clone();
            let delivery = head.delivery_id;
            let claimed = tokio::task::spawn_blocking(move || {
                let now = Utc::now().naive_utc();
                let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
                claimer.write(|tx| webhooks::claim(tx, delivery, now, until).map_err(OpError::from))
            })
            .await;
            if !matches!(claimed, Ok(Ok(true))) {
                continue;
            }
            in_flight.lock().expect("not poisoned").insert(head.subscription_id);
            let (client, db, settings, in_flight) = (client.clone(), db.clone(), settings.clone(), in_flight.clone());
            tokio::spawn(async move {
                let subscription = head.subscription_id;
                let outcome = deliver(&client, &head).await;
                let attempts = head.attempts + 1;
                let recorded = tokio::task::spawn_blocking(move || record(&db, &head, attempts, &outcome, &settings)).await;
                if let Ok(Err(e)) | Err(e) = recorded.map_err(|e| OpError::Internal(e.to_string())) {
                    tracing::warn!(error = %e, subscription, "the webhook sender could not record a delivery; it will be sent again");
                }
                in_flight.lock().expect("not poisoned").remove(&subscription);
            });
        }
        tokio::time::sleep(SEND_POLL).await;
    }
}

/// The due head of each subscription's queue, for subscriptions without a delivery in flight.
fn due_heads(db: &Db, busy: &HashSet<i64>) -> Result<Vec<webhooks::Head>, OpError> {
    let now = Utc::now().naive_utc();
    db.read(|tx| {
        let mut heads = Vec::new();
        for subscription in webhooks::busy_subscriptions(tx)? {
            if busy.contains(&subscription) {
                continue;
            }
            if let Some(head) = webhooks::head(tx, subscription)?
                && head.next_attempt_at.0 <= now
            {
                heads.push(head);
            }
        }
        Ok(heads)
    })
}

/// What became of one attempt: the receiver's status, or why there was none.
type Outcome = Result<u16, (Option<u16>, String)>;

/// The body a subscription receives for an event.
pub fn payload(naming: Naming, event_id: i64, kind: EventKind, occurred_at: NaiveDateTime, data: &Value) -> Option<Value> {
    let occurred = utc_text(&occurred_at).to_string();
    match naming {
        Naming::Dotted => Some(json!({ "id": format!("evt_{event_id}"), "type": kind.name(), "occurredAt": occurred, "data": data })),
        // Academy Of Mine's endpoints get the face's payload itself (reference §6), with the
        // event's word beside it so that an endpoint of several events can tell them apart.
        Naming::Academy => kind.academy_name().map(|event| {
            let mut body = serde_json::Map::new();
            body.insert("event".into(), json!(event));
            match data {
                Value::Object(fields) => body.extend(fields.clone()),
                other => {
                    body.insert("data".into(), other.clone());
                }
            }
            Value::Object(body)
        }),
    }
}

/// The Standard Webhooks signature of `body` sent as message `id` at `timestamp`, with a `whsec_`
/// secret: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` keyed by the secret's bytes.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| format!("the subscription's secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

async fn deliver(client: &reqwest::Client, head: &webhooks::Head) -> Outcome {
    let kind = EventKind::from_code(head.kind).ok_or((None, format!("unknown event kind {}", head.kind)))?;
    let sent = head.payload.as_deref().or(head.data.as_deref());
    let data: Value = sent.map_or(Ok(Value::Null), serde_json::from_str).map_err(|e| (None, e.to_string()))?;
    let body = payload(Naming::from_face(&head.face), head.event_id, kind, head.occurred_at.0, &data)
        .ok_or((None, format!("{} has no name in this subscription's events", kind.name())))?;
    let body = serde_json::to_vec(&body).map_err(|e| (None, e.to_string()))?;
    let id = format!("msg_{}", head.delivery_id);
    let timestamp = Utc::now().timestamp();
    let signature = sign(&head.secret, &id, timestamp, &body).map_err(|e| (None, e))?;
    let response = client
        .post(&head.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| (None, describe(&e)))?;
    let status = response.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else if status.is_redirection() {
        Err((Some(status.as_u16()), format!("HTTP {status}: a redirect to another host is not followed")))
    } else {
        Err((Some(status.as_u16()), format!("HTTP {status}")))
    }
}

pub(crate) fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = format!("{what}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The wait before attempt `attempts + 1`: `backoff` doubled per failed attempt, at most
/// `max_backoff`, scaled by a random factor between 1/2 and 1 so that failed deliveries spread out.
pub fn backoff(settings: &Settings, attempts: i32) -> Duration {
    let doubled = settings.backoff.saturating_mul(1u32 << (attempts - 1).clamp(0, 30) as u32).min(settings.max_backoff);
    let mut random = [0u8; 2];
    let _ = getrandom::fill(&mut random);
    let jitter = 0.5 + f64::from(u16::from_le_bytes(random)) / f64::from(u16::MAX) / 2.0;
    doubled.mul_f64(jitter)
}

fn record(db: &Db, head: &webhooks::Head, attempts: i32, outcome: &Outcome, settings: &Settings) -> Result<(), OpError> {
    let now = Utc::now().naive_utc();
    let (status, error, retry_at) = match outcome {
        Ok(status) => (Some(i32::from(*status)), None, None),
        Err((status, error)) => {
            let retry = (attempts < settings.attempts)
                .then(|| now + chrono::Duration::from_std(backoff(settings, attempts)).unwrap_or(chrono::Duration::hours(1)));
            (status.map(i32::from), Some(error.as_str()), retry)
        }
    };
    db.write(|tx| webhooks::record(tx, head.delivery_id, status, error, retry_at, now).map_err(OpError::from))?;
    match (outcome, retry_at) {
        (Ok(_), _) => tracing::info!(delivery = head.delivery_id, subscription = head.subscription_id, "webhook delivered"),
        (Err((_, error)), Some(at)) => {
            tracing::warn!(delivery = head.delivery_id, attempt = attempts, %error, retry_at = %at, "webhook not delivered; will retry")
        }
        (Err((_, error)), None) => tracing::warn!(delivery = head.delivery_id, attempt = attempts, %error, "webhook not delivered; dead"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The specification's example: this secret, id, timestamp and body give this signature.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(sign("whsec_not base64!", "m", 1, b"").is_err());
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_its_ceiling() {
        let settings = Settings { backoff: Duration::from_secs(2), max_backoff: Duration::from_secs(60), ..Settings::default() };
        for (attempts, full) in [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (40, 60)] {
            let wait = backoff(&settings, attempts);
            assert!(wait <= Duration::from_secs(full) && wait >= Duration::from_secs(full) / 2, "{attempts}: {wait:?}");
        }
    }
}
