//! One configuration for the server: command-line flags, else `LMSBRIDGE_*` environment variables,
//! else the defaults below.

use std::time::Duration;

use clap::Args;

use crate::store::PoolOptions;

/// Where the database is; shared by every command.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// SQLite file path (created on first start) or a postgres:// URL.
    #[arg(long, env = "LMSBRIDGE_DATABASE_URL", default_value = "lmsbridge.db", global = true)]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LMSBRIDGE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Requests using the database at once, each on a thread and connection of its own (the pool
    /// keeps two more connections for work outside requests). Default: one per
    /// core on SQLite (its work is CPU on this machine), four per core on PostgreSQL (whose work
    /// waits on the network).
    #[arg(long, env = "LMSBRIDGE_POOL_SIZE")]
    pub pool_size: Option<u32>,

    /// How long a request waits for a database connection before it fails, in milliseconds.
    #[arg(long, env = "LMSBRIDGE_POOL_WAIT_MS", default_value_t = 5000)]
    pub pool_wait_ms: u64,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "LMSBRIDGE_WORKERS")]
    pub workers: Option<usize>,

    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, env = "LMSBRIDGE_TOKEN_TTL_SECS", default_value_t = 1800)]
    pub token_ttl_secs: i64,

    /// Largest request body, in bytes.
    #[arg(long, env = "LMSBRIDGE_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest body of a bulk operation (EnrollLearnersInCourses), in bytes.
    #[arg(long, env = "LMSBRIDGE_MAX_BULK_BODY_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_bulk_body_bytes: usize,

    /// Deepest element nesting in a request.
    #[arg(long, env = "LMSBRIDGE_MAX_DEPTH", default_value_t = 64)]
    pub max_depth: usize,

    /// Most elements in one request.
    #[arg(long, env = "LMSBRIDGE_MAX_ELEMENTS", default_value_t = 200_000)]
    pub max_elements: usize,

    /// Most child elements of one element.
    #[arg(long, env = "LMSBRIDGE_MAX_CHILDREN", default_value_t = 100_000)]
    pub max_children: usize,

    /// Most attributes on one element.
    #[arg(long, env = "LMSBRIDGE_MAX_ATTRIBUTES", default_value_t = 32)]
    pub max_attributes: usize,

    /// Most namespace declarations on one element.
    #[arg(long, env = "LMSBRIDGE_MAX_NAMESPACES", default_value_t = 32)]
    pub max_namespaces: usize,

    /// Longest text or attribute value, in bytes.
    #[arg(long, env = "LMSBRIDGE_MAX_TEXT_BYTES", default_value_t = 64 * 1024)]
    pub max_text_bytes: usize,

    /// Largest total size of a request's headers (names and values), in bytes.
    #[arg(long, env = "LMSBRIDGE_MAX_HEADER_BYTES", default_value_t = 16 * 1024)]
    pub max_header_bytes: usize,

    /// Where the Skillable face is mounted besides the API root (Skillable serves its routes at the
    /// root); `/` mounts it at the root only.
    #[arg(long, env = "LMSBRIDGE_SKILLABLE_PREFIX", default_value = "/skillable")]
    pub skillable_prefix: String,

    /// Also serve the Skillable routes that no vendor page documents but its request library names
    /// (GetClassEnrollmentByExternalId, DeleteClassEnrollment, GetClass); their paths are inferred.
    #[arg(long, env = "LMSBRIDGE_SKILLABLE_INFERRED_ROUTES")]
    pub skillable_inferred_routes: bool,

    /// Where the Rhythm face is mounted besides the root (Rhythm's paths start at
    /// `/courseRegistrations`); `/` mounts it at the root only.
    #[arg(long, env = "LMSBRIDGE_RHYTHM_PREFIX", default_value = "/rhythm")]
    pub rhythm_prefix: String,

    /// Where the Academy Of Mine face is mounted besides the root (its paths start at `/api`);
    /// `/` mounts it at the root only.
    #[arg(long, env = "LMSBRIDGE_AOM_PREFIX", default_value = "/aom")]
    pub aom_prefix: String,

    /// Records in one page of a Rhythm scan, lookup or search.
    #[arg(long, env = "LMSBRIDGE_RHYTHM_PAGE_SIZE", default_value_t = 100, value_parser = clap::value_parser!(i32).range(1..=10000))]
    pub rhythm_page_size: i32,

    /// Requests per second a tenant may send to the Rhythm face, on average (0: no limit); over it,
    /// 429 with Retry-After.
    #[arg(long, env = "LMSBRIDGE_RHYTHM_RATE_LIMIT", default_value_t = 50.0)]
    pub rhythm_rate_limit: f64,

    /// Requests a tenant may send to the Rhythm face at once, beyond its rate.
    #[arg(long, env = "LMSBRIDGE_RHYTHM_BURST", default_value_t = 100.0)]
    pub rhythm_burst: f64,

    /// The SMTP relay that delivers mail (`smtp://host:port`, optionally with `user:password@`);
    /// without one, routes that send mail say so.
    #[arg(long, env = "LMSBRIDGE_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Attempts to deliver a mail before it is given up (failed); a relay that refuses or is down
    /// leaves it queued until then.
    #[arg(long, env = "LMSBRIDGE_MAIL_ATTEMPTS", default_value_t = 12, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub mail_attempts: i32,

    /// The wait after a mail's first failed attempt, in milliseconds; it doubles after each, up to
    /// an hour.
    #[arg(long, env = "LMSBRIDGE_MAIL_BACKOFF_MS", default_value_t = 4_000)]
    pub mail_backoff_ms: u64,

    /// The Microsoft Teams incoming webhook that receives Keepnet's Teams notifications (an http(s)
    /// URL); posted with the webhooks' timeouts and backoff. Without one, they stay pending.
    #[arg(long, env = "LMSBRIDGE_TEAMS_WEBHOOK_URL")]
    pub teams_webhook_url: Option<String>,

    /// The sender of the mail this server sends.
    #[arg(long, env = "LMSBRIDGE_MAIL_FROM", default_value = "lmsbridge <no-reply@lmsbridge.invalid>")]
    pub mail_from: String,

    /// Time allowed to receive a request's headers, in milliseconds.
    #[arg(long, env = "LMSBRIDGE_READ_TIMEOUT_MS", default_value_t = 10_000)]
    pub read_timeout_ms: u64,

    /// Attempts to deliver a webhook before it is dead (replayable).
    #[arg(long, env = "LMSBRIDGE_WEBHOOK_ATTEMPTS", default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub webhook_attempts: i32,

    /// The wait after a webhook's first failed attempt, in milliseconds; it doubles after each, with
    /// jitter, up to --webhook-max-backoff-ms.
    #[arg(long, env = "LMSBRIDGE_WEBHOOK_BACKOFF_MS", default_value_t = 1_000)]
    pub webhook_backoff_ms: u64,

    #[arg(long, env = "LMSBRIDGE_WEBHOOK_MAX_BACKOFF_MS", default_value_t = 3_600_000)]
    pub webhook_max_backoff_ms: u64,

    /// Time allowed to connect to a webhook receiver, in milliseconds.
    #[arg(long, env = "LMSBRIDGE_WEBHOOK_CONNECT_TIMEOUT_MS", default_value_t = 5_000)]
    pub webhook_connect_timeout_ms: u64,

    /// Time allowed for a whole webhook delivery, in milliseconds.
    #[arg(long, env = "LMSBRIDGE_WEBHOOK_TIMEOUT_MS", default_value_t = 15_000)]
    pub webhook_timeout_ms: u64,

    /// Days the change feed keeps a published change (and its webhook deliveries); older ones are
    /// purged hourly, except those a webhook has still to deliver. 0 keeps them for ever.
    #[arg(long, env = "LMSBRIDGE_CHANGE_RETENTION_DAYS", default_value_t = 30)]
    pub change_retention_days: u64,
}

impl Default for Config {
    /// The defaults alone: the environment is not read (a test or a tool must not inherit a
    /// developer's `LMSBRIDGE_*` settings; the binary's command line reads them).
    fn default() -> Self {
        use clap::{CommandFactory, FromArgMatches, Parser};
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            config: Config,
        }
        // Parse an empty command line so the defaults live in one place (the attributes above).
        let command = Defaults::command().mut_args(|arg| arg.env(None::<&str>));
        let matches = command.try_get_matches_from(["lmsbridge"]).expect("the defaults parse");
        Defaults::from_arg_matches(&matches).expect("the defaults parse").config
    }
}

impl Config {
    /// Pool settings for the database at `url`.
    pub fn pool(&self, url: &str) -> PoolOptions {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        let per_core = if url.starts_with("postgres") { 4 } else { 1 };
        let size = self.pool_size.unwrap_or((cores * per_core).max(2)).max(1);
        PoolOptions { size, wait: Duration::from_millis(self.pool_wait_ms) }
    }

    pub fn webhook_settings(&self) -> crate::webhooks::Settings {
        crate::webhooks::Settings {
            attempts: self.webhook_attempts,
            backoff: Duration::from_millis(self.webhook_backoff_ms),
            max_backoff: Duration::from_millis(self.webhook_max_backoff_ms.max(self.webhook_backoff_ms)),
            connect_timeout: Duration::from_millis(self.webhook_connect_timeout_ms.max(1)),
            timeout: Duration::from_millis(self.webhook_timeout_ms.max(1)),
            retention: (self.change_retention_days > 0).then(|| Duration::from_secs(self.change_retention_days.saturating_mul(86_400))),
        }
    }

    pub fn mail_retries(&self) -> crate::mail::Retries {
        crate::mail::Retries { attempts: self.mail_attempts, backoff: Duration::from_millis(self.mail_backoff_ms.max(1)) }
    }

    pub fn xml_limits(&self) -> XmlLimits {
        XmlLimits {
            max_depth: self.max_depth,
            max_elements: self.max_elements,
            max_children: self.max_children,
            max_attributes: self.max_attributes,
            max_namespace_declarations: self.max_namespaces,
            max_text_bytes: self.max_text_bytes,
        }
    }
}

/// Bounds on the shape of an XML request document.
#[derive(Debug, Clone)]
pub struct XmlLimits {
    pub max_depth: usize,
    pub max_elements: usize,
    pub max_children: usize,
    pub max_attributes: usize,
    pub max_namespace_declarations: usize,
    /// Longest text content or attribute value, in bytes.
    pub max_text_bytes: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_depth: 64,
            max_elements: 200_000,
            max_children: 100_000,
            max_attributes: 32,
            max_namespace_declarations: 32,
            max_text_bytes: 64 * 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_ignore_the_environment() {
        // SAFETY: this test alone touches this variable, and the value is set before it is read.
        unsafe { std::env::set_var("LMSBRIDGE_MAX_DEPTH", "3") };
        assert_eq!(Config::default().max_depth, 64);
        unsafe { std::env::remove_var("LMSBRIDGE_MAX_DEPTH") };
    }
}
