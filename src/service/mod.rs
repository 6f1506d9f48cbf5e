//! The operations. Every face (SOAP, JSON, vendor facades) calls these and only translates.
//!
//! Operations take a transaction (`&mut Tx`) and the authenticated [`Principal`]; the face opens
//! one transaction per request with [`Db::read`] or [`Db::write`], off the async workers.

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod classes;
pub mod content;
pub mod departments;
pub mod directory;
pub mod enrollments;
mod error;
pub mod groups;
pub mod imports;
pub mod keepnet;
pub mod limits;
pub mod paging;
pub mod paths;
pub mod portals;
pub mod progress;
pub mod registrations;
mod scope;
pub mod users;
pub mod webhooks;

use chrono::{NaiveDateTime, Utc};

pub use auth::{Credentials, IssuedToken};
pub use content::{Range, ResultsQuery};
pub use departments::DepartmentUpdate;
pub use enrollments::{EnrollRequest, EnrollmentChange, EnrollmentQuery};
pub use error::{Clash, Entity, OpError, Problem, ProblemKind};
pub use paging::{Page, PageRequest};
pub use users::{NewUserRequest, UserQuery, UserUpdate};

use crate::domain::Principal;
use crate::store::Db;

/// The service layer: the database plus the settings operations depend on.
#[derive(Clone)]
pub struct Service {
    db: Db,
    token_ttl_secs: i64,
    tokens: std::sync::Arc<auth::FreshCache<crate::domain::Principal>>,
    /// Whether an SMTP relay delivers the outbox's mail (without one, nothing may queue mail).
    mail_relay: bool,
    /// Whether a Microsoft Teams webhook receives Keepnet's notifications.
    teams_webhook: bool,
    /// Request rates per tenant, where the deployment limits them.
    limiter: Option<std::sync::Arc<limits::Limiter>>,
    /// Tenants by their Rhythm id, as recently read (every Rhythm request names one).
    rhythm_tenants: std::sync::Arc<auth::FreshCache<Option<i64>>>,
}

impl Service {
    pub fn new(db: Db, token_ttl_secs: i64) -> Self {
        Service {
            db,
            token_ttl_secs,
            tokens: Default::default(),
            mail_relay: false,
            teams_webhook: false,
            limiter: None,
            rhythm_tenants: Default::default(),
        }
    }

    /// The same service, limiting each tenant's request rate (see [`Service::admit`]).
    pub fn with_rate_limit(mut self, limit: Option<limits::RateLimit>) -> Self {
        self.limiter = limit.map(|limit| std::sync::Arc::new(limits::Limiter::new(limit)));
        self
    }

    /// The same service, knowing that a Microsoft Teams webhook receives Keepnet's notifications.
    pub fn with_teams_webhook(mut self, configured: bool) -> Self {
        self.teams_webhook = configured;
        self
    }

    /// The same service, knowing that a relay delivers mail.
    pub fn with_mail_relay(mut self, configured: bool) -> Self {
        self.mail_relay = configured;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
}

pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Refuses callers who may not use the administrative API (learners).
pub(crate) fn require_administrator(principal: &Principal) -> Result<(), OpError> {
    if principal.role.may_administer() {
        Ok(())
    } else {
        Err(OpError::Forbidden(format!(
            "role '{}' may not call this operation; it needs an administrator, department administrator, publisher or custom role",
            principal.role
        )))
    }
}
