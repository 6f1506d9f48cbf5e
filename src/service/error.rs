//! What an operation can fail with, said in the service layer's own terms: what failed and why,
//! never how a face words it. Each face renders an [`OpError`] once, in its own module: the SOAP
//! face as iSpring Learn's fault strings (`faces::ispring`, `faces::soap::fault`), the JSON mirror as
//! RFC 9457 problems (`faces::json::problem`). Every layer below the faces returns these.

use std::fmt;

use crate::store::StoreError;

/// Everything an operation can fail with.
#[derive(Debug, Clone, PartialEq)]
pub enum OpError {
    /// Missing, unknown or expired token; wrong legacy credentials.
    Unauthenticated(String),
    /// The caller is known but may not do this (a learner, or a target outside their departments).
    Forbidden(String),
    /// The request does not match the contract; the problem says where and how.
    Invalid(Problem),
    /// A thing the request names does not exist in the caller's account.
    NotFound { entity: Entity, id: String },
    /// The request clashes with what exists.
    Conflict { what: Clash, detail: String },
    /// The caller's tenant is over its request rate; retrying after this many seconds may succeed.
    Throttled { retry_after_secs: u64 },
    /// The database cannot be reached or is overloaded; retrying later may succeed.
    Unavailable(String),
    /// A bug or an unexpected database error; the detail is logged, not shown.
    Internal(String),
}

/// The kinds of things an operation looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// An active enrollment (a deleted one is not found).
    Enrollment,
    /// A course, named as the target of an enrollment.
    Course,
    /// Any content item.
    ContentItem,
    User,
    Department,
    Group,
    /// A scheduled offering of a course (Skillable's class).
    Class,
    /// An enrollment held through a class.
    ClassEnrollment,
    Classroom,
    CustomField,
    /// A scheduled offering of a course, as Rhythm names it.
    Offering,
    /// A course registration (Rhythm's).
    Registration,
    Order,
    Application,
    EventRegistration,
    RegistrationProcess,
    /// A portal (Academy Of Mine's group of learners).
    Portal,
    LearningPath,
    /// A live session of a course (Academy Of Mine's webinar).
    Webinar,
    /// An access plan users hold (Academy Of Mine's membership).
    Membership,
    /// A run of a bulk import.
    Import,
    /// A company of a reseller's tree (Keepnet's).
    Company,
    /// A campaign sending a training to target users (Keepnet's enrollment).
    Campaign,
    /// A webhook subscription.
    Webhook,
    /// One delivery of an event to a webhook subscription.
    WebhookDelivery,
}

impl Entity {
    /// How a message names one.
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Enrollment => "active enrollment",
            Entity::Course => "course",
            Entity::ContentItem => "content item",
            Entity::User => "user",
            Entity::Department => "department",
            Entity::Group => "group",
            Entity::Class => "class",
            Entity::ClassEnrollment => "class enrollment",
            Entity::Classroom => "classroom",
            Entity::CustomField => "custom field",
            Entity::Offering => "course offering",
            Entity::Registration => "course registration",
            Entity::Order => "order",
            Entity::Application => "application",
            Entity::EventRegistration => "event registration",
            Entity::RegistrationProcess => "registration process",
            Entity::Portal => "portal",
            Entity::LearningPath => "learning path",
            Entity::Webinar => "webinar",
            Entity::Membership => "membership",
            Entity::Import => "import",
            Entity::Company => "company",
            Entity::Campaign => "enrollment",
            Entity::Webhook => "webhook",
            Entity::WebhookDelivery => "webhook delivery",
        }
    }
}

/// What a request clashes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Another user of the account has this login.
    LoginTaken,
    /// Another user of the account has this e-mail.
    EmailTaken,
    /// The department still has users or child departments.
    DepartmentNotEmpty,
    /// The user has a class enrollment in this class already.
    ClassEnrollmentExists,
    /// The user holds an enrollment in force in the course already.
    AlreadyEnrolled,
    /// The record changed since the caller read it.
    StaleVersion,
    /// Other records depend on the record.
    HasDependents,
}

impl From<crate::workers::Unrun> for OpError {
    fn from(unrun: crate::workers::Unrun) -> Self {
        match unrun {
            crate::workers::Unrun::Busy(_) => OpError::Unavailable(unrun.to_string()),
            crate::workers::Unrun::Store(e) => e.into(),
        }
    }
}

impl OpError {
    /// The machine-readable class every face reports: a problem kind (`TYPE`, `REQUIRED`, …) or
    /// the error's own class.
    pub fn code(&self) -> &'static str {
        match self {
            OpError::Invalid(p) => p.kind.code(),
            OpError::Unauthenticated(_) => "AUTHORIZATION_FAILED",
            OpError::Forbidden(_) => "PERMISSION_DENIED",
            OpError::NotFound { .. } => "NOT_FOUND",
            OpError::Conflict { .. } => "CONFLICT",
            OpError::Throttled { .. } => "RATE_LIMITED",
            OpError::Unavailable(_) => "UNAVAILABLE",
            OpError::Internal(_) => "INTERNAL",
        }
    }

    /// True when the caller is at fault, false for server-side failures.
    pub fn is_client_error(&self) -> bool {
        !matches!(self, OpError::Unavailable(_) | OpError::Internal(_))
    }

    /// What to tell the caller about it. Internal details stay in the log.
    pub fn public_detail(&self) -> String {
        match self {
            OpError::Unauthenticated(d) | OpError::Forbidden(d) | OpError::Unavailable(d) => d.clone(),
            OpError::NotFound { entity, id } => format!("no {} '{id}' in this account", entity.noun()),
            OpError::Conflict { detail, .. } => detail.clone(),
            OpError::Invalid(p) => p.message.clone(),
            OpError::Throttled { retry_after_secs } => {
                format!("this tenant is over its request rate; retry in {retry_after_secs} s (nothing was done)")
            }
            OpError::Internal(_) => "the server failed to process the request; the request id locates it in the server log".into(),
        }
    }

    pub fn wrong(kind: ProblemKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        OpError::Invalid(Problem::new(kind, message).at_path(path))
    }

    /// A well-typed value the operation cannot accept.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::wrong(ProblemKind::Value, path, message)
    }

    /// A value of `field` that breaks its domain rule, worded `field <reason>`.
    pub fn refused(field: impl Into<String>, why: crate::domain::values::Refused) -> Self {
        let field = field.into();
        let message = format!("{field} {}", why.reason);
        Self::wrong(why.rule.into(), field, message)
    }

    pub fn not_found(entity: Entity, id: &str) -> Self {
        OpError::NotFound { entity, id: id.to_string() }
    }

    /// One error of every variant and every entity and clash, for the faces' tests of their
    /// renderings. The `match` fails to compile when a variant is added and not listed here.
    pub fn every_kind() -> Vec<OpError> {
        let mut all = vec![
            OpError::Unauthenticated("no token".into()),
            OpError::Forbidden("not yours".into()),
            OpError::Invalid(Problem::new(ProblemKind::Type, "not a number").at_path("pageSize")),
            OpError::Invalid(Problem::new(ProblemKind::Value, "not allowed").at_path("dueDate")),
            OpError::Unavailable("busy".into()),
            OpError::Internal("a bug".into()),
            OpError::Throttled { retry_after_secs: 1 },
        ];
        let entities = [
            Entity::Enrollment,
            Entity::Course,
            Entity::ContentItem,
            Entity::User,
            Entity::Department,
            Entity::Group,
            Entity::Class,
            Entity::ClassEnrollment,
            Entity::Classroom,
            Entity::CustomField,
            Entity::Offering,
            Entity::Registration,
            Entity::Order,
            Entity::Application,
            Entity::EventRegistration,
            Entity::RegistrationProcess,
            Entity::Portal,
            Entity::LearningPath,
            Entity::Webinar,
            Entity::Membership,
            Entity::Import,
            Entity::Company,
            Entity::Campaign,
            Entity::Webhook,
            Entity::WebhookDelivery,
        ];
        all.extend(entities.map(|entity| OpError::NotFound { entity, id: "x".into() }));
        let clashes = [
            Clash::LoginTaken,
            Clash::EmailTaken,
            Clash::DepartmentNotEmpty,
            Clash::ClassEnrollmentExists,
            Clash::AlreadyEnrolled,
            Clash::StaleVersion,
            Clash::HasDependents,
        ];
        all.extend(clashes.map(|what| OpError::Conflict { what, detail: "taken".into() }));
        for error in &all {
            match error {
                OpError::Unauthenticated(_)
                | OpError::Forbidden(_)
                | OpError::Invalid(_)
                | OpError::NotFound { .. }
                | OpError::Conflict { .. }
                | OpError::Throttled { .. }
                | OpError::Unavailable(_)
                | OpError::Internal(_) => {}
            }
        }
        all
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpError::Internal(detail) => write!(f, "{}: {detail}", self.code()),
            _ => write!(f, "{}: {}", self.code(), self.public_detail()),
        }
    }
}

impl std::error::Error for OpError {}

/// The class of a contract violation, after gSOAP's strict decoder taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not well-formed XML.
    Malformed,
    /// Well-formed but forbidden in a SOAP message (DTD, entity declaration, processing instruction).
    Prohibited,
    /// A size or count limit was exceeded.
    Limit,
    /// The envelope is not a SOAP envelope of a supported version.
    Envelope,
    /// No operation of that name.
    UnknownOperation,
    /// A required element is missing.
    Required,
    /// An element occurs more often than allowed.
    Occurs,
    /// An element that does not belong here, or not in this position.
    TagMismatch,
    /// A value that does not parse as its type.
    Type,
    /// A value outside its allowed length.
    Length,
    /// A value outside its enumeration.
    Enumeration,
    /// A well-typed value the operation cannot accept (a rule beyond the schema).
    Value,
}

impl ProblemKind {
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Malformed => "MALFORMED",
            ProblemKind::Prohibited => "PROHIBITED",
            ProblemKind::Limit => "LIMIT",
            ProblemKind::Envelope => "ENVELOPE",
            ProblemKind::UnknownOperation => "UNKNOWN_OPERATION",
            ProblemKind::Required => "REQUIRED",
            ProblemKind::Occurs => "OCCURS",
            ProblemKind::TagMismatch => "TAG_MISMATCH",
            ProblemKind::Type => "TYPE",
            ProblemKind::Length => "LENGTH",
            ProblemKind::Enumeration => "ENUMERATION",
            ProblemKind::Value => "VALUE",
        }
    }
}

impl From<crate::domain::values::Rule> for ProblemKind {
    fn from(rule: crate::domain::values::Rule) -> Self {
        use crate::domain::values::Rule;
        match rule {
            Rule::Length => ProblemKind::Length,
            Rule::Type => ProblemKind::Type,
            Rule::Enumeration => ProblemKind::Enumeration,
        }
    }
}

/// A precise account of what is wrong with a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    /// Element path, e.g. `GetEnrollmentsRequest/courseIds/id[2]`.
    pub path: Option<String>,
    /// 1-based position in the request body.
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Problem {
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Self {
        Problem { kind, message: message.into(), path: None, line: None, column: None }
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn at_position(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl From<Problem> for OpError {
    fn from(p: Problem) -> Self {
        OpError::Invalid(p)
    }
}

impl From<diesel::result::Error> for OpError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, info) => {
                OpError::Unavailable(format!("the database connection failed: {}", info.message()))
            }
            Error::DatabaseError(_, info) if info.message().contains("database is locked") => {
                OpError::Unavailable("the database is busy; retry the request".into())
            }
            _ => OpError::Internal(e.to_string()),
        }
    }
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => OpError::Unavailable("the database is unavailable; retry the request".into()),
            StoreError::Query(e) => e.into(),
            other => OpError::Internal(other.to_string()),
        }
    }
}
