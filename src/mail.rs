//! Delivers the outbox's mail through an SMTP relay. A thread polls for due messages, sends each,
//! and records its delivery, or its failure with the next attempt backed off. A message is written
//! in the transaction of the change that makes it, so a restart loses none; one delivered just
//! before a crash may be delivered again, under the same `Message-ID`, so receivers can tell.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};

use crate::service::OpError;
use crate::store::{Db, keepnet, outbox};

/// How often the sender looks for due messages when it found none.
const POLL: Duration = Duration::from_millis(200);

/// Messages fetched per round.
const BATCH: i64 = 20;

/// How long an attempt holds its message: the SMTP timeout and some. A sender that dies mid-attempt
/// leaves the message due again after it.
const LEASE: Duration = Duration::from_secs(30);

/// How delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    /// Attempts before a message is given up (failed).
    pub attempts: i32,
    /// The wait after the first failed attempt; it doubles after each, up to an hour.
    pub backoff: Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Retries { attempts: 12, backoff: Duration::from_secs(4) }
    }
}

impl Retries {
    /// When to try again after `attempts` failed attempts; None when that was the last.
    pub fn next_attempt(&self, attempts: i32, now: chrono::NaiveDateTime) -> Option<chrono::NaiveDateTime> {
        (attempts < self.attempts).then(|| {
            let wait = self.backoff.saturating_mul(1u32 << (attempts - 1).clamp(0, 20) as u32).min(Duration::from_secs(3600));
            now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
        })
    }
}

/// Where mail goes: `smtp://[user:password@]host[:port]` (port 25 by default). The connection is
/// plain SMTP, for a relay on the same host or network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
}

impl Relay {
    pub fn parse(url: &str) -> Result<Relay, String> {
        let rest = url.strip_prefix("smtp://").ok_or_else(|| format!("the SMTP relay must be an smtp:// URL; got '{url}'"))?;
        let rest = rest.trim_end_matches('/');
        let (credentials, address) = match rest.rsplit_once('@') {
            Some((user, address)) => {
                let (name, password) = user.split_once(':').unwrap_or((user, ""));
                (Some((name.to_string(), password.to_string())), address)
            }
            None => (None, rest),
        };
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (host, port.parse::<u16>().map_err(|_| format!("the SMTP relay's port must be a number; got '{port}'"))?),
            None => (address, 25),
        };
        if host.is_empty() {
            return Err(format!("the SMTP relay URL names no host: '{url}'"));
        }
        Ok(Relay { host: host.to_string(), port, credentials })
    }
}

/// The running sender; dropping it stops the thread after its current round.
pub struct Sender {
    stop: Arc<AtomicBool>,
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts delivering `db`'s outbox through `relay`, from `from`.
pub fn start(db: Db, relay: &Relay, from: Mailbox, retries: Retries) -> Sender {
    let mut transport = SmtpTransport::builder_dangerous(relay.host.as_str()).port(relay.port).timeout(Some(Duration::from_secs(20)));
    if let Some((name, password)) = &relay.credentials {
        transport = transport.credentials(Credentials::new(name.clone(), password.clone()));
    }
    let transport = transport.build();
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::Builder::new()
        .name("lmsbridge-mail".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match deliver_due(&db, &transport, &from, &retries) {
                    Ok(0) => std::thread::sleep(POLL),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the mail sender could not read the outbox");
                        std::thread::sleep(POLL * 5);
                    }
                }
            }
        })
        .expect("the mail thread starts");
    Sender { stop }
}

/// Delivers the messages due now; returns how many it tried. Each attempt is taken first (so one
/// server on the database makes it) and recorded after, with the outbox row and the record of the
/// face that queued it (Keepnet's sending reports) in one transaction.
fn deliver_due(db: &Db, transport: &SmtpTransport, from: &Mailbox, retries: &Retries) -> Result<usize, OpError> {
    let now = Utc::now().naive_utc();
    let due = db.read(|tx| outbox::due(tx, now, BATCH).map_err(OpError::from))?;
    for message in &due {
        let until = Utc::now().naive_utc() + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(30));
        if !db.write(|tx| outbox::claim(tx, message.id, message.next_attempt_at, until).map_err(OpError::from))? {
            continue;
        }
        let outcome = build(message, from).and_then(|email| transport.send(&email).map(|_| ()).map_err(|e| e.to_string()));
        let now = Utc::now().naive_utc();
        let attempts = message.attempts + 1;
        let retry_at = retries.next_attempt(attempts, now);
        db.write(|tx| {
            match &outcome {
                Ok(()) => {
                    outbox::mark_sent(tx, message.id, now)?;
                    keepnet::record_mail_attempt(tx, message.id, now, keepnet::MAIL_DELIVERED, None)?;
                }
                Err(error) => {
                    // Given up: the outbox keeps it, never due again.
                    outbox::mark_failed(tx, message.id, error, retry_at.unwrap_or_else(outbox::never))?;
                    let status = if retry_at.is_some() { keepnet::MAIL_QUEUED } else { keepnet::MAIL_FAILED };
                    keepnet::record_mail_attempt(tx, message.id, now, status, Some(error))?;
                }
            }
            Ok::<_, OpError>(())
        })?;
        match (&outcome, retry_at) {
            (Ok(()), _) => tracing::info!(message = message.id, "mail delivered"),
            (Err(error), Some(at)) => {
                tracing::warn!(message = message.id, attempt = attempts, %error, retry_at = %at, "mail not delivered; will retry")
            }
            (Err(error), None) => tracing::warn!(message = message.id, attempt = attempts, %error, "mail not delivered; given up"),
        }
    }
    Ok(due.len())
}

fn build(message: &outbox::Message, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = message.recipient.parse().map_err(|e| format!("the recipient '{}' is not an address: {e}", message.recipient))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .message_id(Some(format!("<outbox-{}@lmsbridge>", message.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_parse_with_and_without_credentials() {
        assert_eq!(Relay::parse("smtp://127.0.0.1:2525").unwrap(), Relay { host: "127.0.0.1".into(), port: 2525, credentials: None });
        assert_eq!(
            Relay::parse("smtp://me:secret@mail.example:587/").unwrap(),
            Relay { host: "mail.example".into(), port: 587, credentials: Some(("me".into(), "secret".into())) }
        );
        assert_eq!(Relay::parse("smtp://relay").unwrap().port, 25);
        for bad in ["http://relay", "smtp://", "smtp://relay:port"] {
            assert!(Relay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retries_double_their_wait_and_stop_after_the_last_attempt() {
        let retries = Retries { attempts: 4, backoff: Duration::from_secs(2) };
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let waits: Vec<_> = (1..=4).map(|n| retries.next_attempt(n, now).map(|at| (at - now).num_seconds())).collect();
        assert_eq!(waits, [Some(2), Some(4), Some(8), None]);
        let long = Retries { attempts: 100, backoff: Duration::from_secs(4) };
        assert_eq!(long.next_attempt(40, now).map(|at| (at - now).num_seconds()), Some(3600));
    }
}
