//! Keepnet's background delivery, beside the mail sender (which records each attempt of a Keepnet
//! mail on its sending report): the scheduler, which queues reminder and certificate mails, and the
//! Microsoft Teams sender, which posts notifications to the configured webhook.
//!
//! Both run on threads of their own, never on the HTTP workers. The Teams sender's requests are
//! async on a small runtime of its own, with the change-feed webhooks' HTTP client (bounded connect
//! and total times, no redirect to another host) and backoff; its database work runs on that
//! runtime's blocking threads. Each attempt is taken first (its next attempt moved past the
//! request's time), so one server on the database makes it; one cut short by a crash is made again
//! after that time, under the same `X-Notification-Id`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use crate::service::{OpError, Service};
use crate::store::Db;
use crate::store::keepnet::{self as store, DueNotification, NotificationAttempt};
use crate::webhooks::{Settings, backoff, client, describe};

/// How often the scheduler looks for due reminders and completed assignments.
const SCHEDULE_EVERY: Duration = Duration::from_secs(2);

/// How often the Teams sender looks for due notifications.
const TEAMS_POLL: Duration = Duration::from_millis(200);

/// Notifications posted per round (at once).
const TEAMS_BATCH: i64 = 20;

/// Where Teams notifications go, and how their attempts are bounded and retried.
#[derive(Debug, Clone)]
pub struct Teams {
    pub url: url::Url,
    pub settings: Settings,
}

impl Teams {
    /// `url` must be an absolute http(s) URL.
    pub fn parse(url: &str, settings: Settings) -> Result<Teams, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("the Teams webhook URL '{url}' is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(format!("the Teams webhook URL must be an http(s) URL with a host; got '{url}'"));
        }
        Ok(Teams { url: parsed, settings })
    }
}

/// The running scheduler and Teams sender; dropping it stops both after their current round.
pub struct Background {
    stop: Arc<AtomicBool>,
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts the scheduler, and the Teams sender when a webhook is configured.
pub fn start(service: Service, teams: Option<Teams>) -> std::io::Result<Background> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let scheduler = service.clone();
    std::thread::Builder::new().name("lmsbridge-keepnet".into()).spawn(move || {
        while !stopped.load(Ordering::Relaxed) {
            match scheduler.keepnet_schedule(Utc::now().naive_utc()) {
                Ok(done) if done.reminders + done.certificates > 0 => {
                    tracing::info!(reminders = done.reminders, certificates = done.certificates, "Keepnet mail queued")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the Keepnet scheduler could not run"),
            }
            std::thread::sleep(SCHEDULE_EVERY);
        }
    })?;
    if let Some(teams) = teams {
        let stopped = stop.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("lmsbridge-teams").enable_all().build()?;
        let http = client(&teams.settings).map_err(std::io::Error::other)?;
        let db = service.db().clone();
        std::thread::Builder::new().name("lmsbridge-teams".into()).spawn(move || runtime.block_on(send(db, http, teams, stopped)))?;
    }
    Ok(Background { stop })
}

async fn send(db: Db, http: reqwest::Client, teams: Teams, stop: Arc<AtomicBool>) {
    let teams = Arc::new(teams);
    while !stop.load(Ordering::Relaxed) {
        let reader = db.clone();
        let lease = teams.settings.connect_timeout + teams.settings.timeout + Duration::from_secs(5);
        let taken = tokio::task::spawn_blocking(move || take_due(&reader, lease)).await;
        let due = match taken {
            Ok(Ok(due)) => due,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the Teams sender could not read its queue");
                tokio::time::sleep(TEAMS_POLL * 10).await;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "the Teams sender's queue read failed");
                tokio::time::sleep(TEAMS_POLL * 10).await;
                continue;
            }
        };
        let mut posts = tokio::task::JoinSet::new();
        for notification in due {
            let (http, db, teams) = (http.clone(), db.clone(), teams.clone());
            posts.spawn(async move {
                let outcome = post(&http, &teams.url, &notification).await;
                let id = notification.id;
                let recorded = tokio::task::spawn_blocking(move || record(&db, &notification, outcome, &teams.settings)).await;
                if let Ok(Err(e)) | Err(e) = recorded.map_err(|e| OpError::Internal(e.to_string())) {
                    tracing::warn!(error = %e, notification = id, "the Teams sender could not record an attempt; it will be made again");
                }
            });
        }
        let busy = !posts.is_empty();
        while posts.join_next().await.is_some() {}
        if !busy {
            tokio::time::sleep(TEAMS_POLL).await;
        }
    }
}

/// The notifications due now, each taken for one attempt (until `lease` from now).
fn take_due(db: &Db, lease: Duration) -> Result<Vec<DueNotification>, OpError> {
    let now = Utc::now().naive_utc();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
    let due = db.read(|tx| store::due_notifications(tx, now, TEAMS_BATCH).map_err(OpError::from))?;
    let mut taken = Vec::with_capacity(due.len());
    for notification in due {
        if db.write(|tx| store::claim_notification(tx, notification.id, notification.next_attempt_at, until).map_err(OpError::from))? {
            taken.push(notification);
        }
    }
    Ok(taken)
}

/// The message posted: a plain Teams message (`text`, `summary`) with who it is for and of which
/// enrollment, for a bot or flow that routes it to the user.
fn payload(notification: &DueNotification) -> serde_json::Value {
    let text = notification.activity_content.clone().unwrap_or_else(|| format!("You have a new training: {}", notification.training_title));
    json!({
        "type": "message",
        "summary": notification.training_title,
        "text": text,
        "notificationId": notification.id,
        "enrollmentId": notification.enrollment_id,
        "targetUserResourceId": notification.target_user_resource_id,
        "email": notification.email,
        "fullName": notification.full_name,
    })
}

async fn post(http: &reqwest::Client, url: &url::Url, notification: &DueNotification) -> Result<(), String> {
    let response = http
        .post(url.clone())
        .header("content-type", "application/json")
        .header("x-notification-id", notification.id.to_string())
        .body(payload(notification).to_string())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_redirection() {
        Err(format!("HTTP {status}: a redirect to another host is not followed"))
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// Records an attempt: sent; or not, to be retried after a backoff while retries remain
/// (`maxRetryCount` after the first attempt), else failed. `retryCount` counts the retries made.
fn record(db: &Db, notification: &DueNotification, outcome: Result<(), String>, settings: &Settings) -> Result<(), OpError> {
    let now = Utc::now().naive_utc();
    let retry_count = if notification.first_send_date.is_none() { 0 } else { notification.retry_count + 1 };
    let retry_at = (retry_count < notification.max_retry_count)
        .then(|| now + chrono::Duration::from_std(backoff(settings, retry_count + 1)).unwrap_or(chrono::Duration::hours(1)));
    let failure = outcome.as_ref().err().map(|error| (error.as_str(), retry_at));
    db.write(|tx| {
        store::record_notification(tx, notification.id, &NotificationAttempt { at: now, retry_count, failure }).map_err(OpError::from)
    })?;
    match (&outcome, retry_at) {
        (Ok(()), _) => tracing::info!(notification = notification.id, "Teams notification sent"),
        (Err(error), Some(at)) => {
            tracing::warn!(notification = notification.id, retry_count, %error, retry_at = %at, "Teams notification not sent; will retry")
        }
        (Err(error), None) => tracing::warn!(notification = notification.id, retry_count, %error, "Teams notification not sent; failed"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_urls_must_be_http_with_a_host() {
        assert!(Teams::parse("https://example.webhook.office.com/webhookb2/x", Settings::default()).is_ok());
        assert!(Teams::parse("http://127.0.0.1:8080/teams", Settings::default()).is_ok());
        for bad in ["ftp://host/x", "not a url", "mailto:someone@example.com"] {
            assert!(Teams::parse(bad, Settings::default()).is_err(), "{bad}");
        }
    }
}
