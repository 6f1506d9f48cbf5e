use std::fmt;

use crate::store::StoreError;

/// Everything an operation can fail with. Each face maps it to its own shape: a SOAP fault, a JSON
/// problem body, a vendor's error object. The fault strings are iSpring Learn's documented ones.
#[derive(Debug, Clone, PartialEq)]
pub enum OpError {
    /// Missing, unknown or expired token; wrong legacy credentials.
    AuthorizationFailed(String),
    /// The caller is known but may not do this (a learner, or a target outside their departments).
    PermissionDenied(String),
    /// The request does not match the contract; the problem says where and how.
    WrongParameters(Problem),
    /// A named thing does not exist: `fault` is the documented string, e.g. "Unknown Enrollment".
    NotFound { fault: &'static str, detail: String },
    /// The request clashes with what exists, e.g. "User with the same login is already registered.".
    Conflict { fault: &'static str, detail: String },
    /// The database cannot be reached or is overloaded; retrying later may succeed.
    Unavailable(String),
    /// A bug or an unexpected database error; the detail is logged, not shown.
    Internal(String),
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
    /// The fault string clients match on.
    pub fn fault_string(&self) -> &str {
        match self {
            OpError::AuthorizationFailed(_) => "Authorization failed",
            OpError::PermissionDenied(_) => "Permission denied",
            OpError::WrongParameters(_) => "Wrong parameters",
            OpError::NotFound { fault, .. } | OpError::Conflict { fault, .. } => fault,
            OpError::Unavailable(_) => "Service unavailable",
            OpError::Internal(_) => "Internal error",
        }
    }

    /// The machine-readable class every face reports: a problem kind (`TYPE`, `REQUIRED`, …) or
    /// the error's own class.
    pub fn code(&self) -> &'static str {
        match self {
            OpError::WrongParameters(p) => p.kind.code(),
            OpError::AuthorizationFailed(_) => "AUTHORIZATION_FAILED",
            OpError::PermissionDenied(_) => "PERMISSION_DENIED",
            OpError::NotFound { .. } => "NOT_FOUND",
            OpError::Conflict { .. } => "CONFLICT",
            OpError::Unavailable(_) => "UNAVAILABLE",
            OpError::Internal(_) => "INTERNAL",
        }
    }

    /// True when the caller is at fault (SOAP `Client`), false for server-side failures.
    pub fn is_client_error(&self) -> bool {
        !matches!(self, OpError::Unavailable(_) | OpError::Internal(_))
    }

    /// What to tell the caller beyond the fault string. Internal details stay in the log.
    pub fn public_detail(&self) -> String {
        match self {
            OpError::AuthorizationFailed(d) | OpError::PermissionDenied(d) | OpError::Unavailable(d) => d.clone(),
            OpError::NotFound { detail, .. } | OpError::Conflict { detail, .. } => detail.clone(),
            OpError::WrongParameters(p) => p.message.clone(),
            OpError::Internal(_) => "the server failed to process the request; the request id locates it in the server log".into(),
        }
    }

    pub fn wrong(kind: ProblemKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        OpError::WrongParameters(Problem::new(kind, message).at_path(path))
    }

    /// A well-typed value the operation cannot accept.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::wrong(ProblemKind::Value, path, message)
    }

    pub fn unknown(fault: &'static str, what: &str, id: &str) -> Self {
        OpError::NotFound { fault, detail: format!("no {what} '{id}' in this account") }
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpError::Internal(detail) => write!(f, "{}: {detail}", self.fault_string()),
            _ => write!(f, "{}: {}", self.fault_string(), self.public_detail()),
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
        OpError::WrongParameters(p)
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
