//! The SCIM face's one rendering of failures: RFC 7644 §3.12 error bodies
//! (`urn:ietf:params:scim:api:messages:2.0:Error`) with the status as a string, the `scimType`
//! where the RFC names one, and what exactly was wrong in `detail`, as `application/scim+json`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use super::model::ERROR;
use crate::faces::kit::body::BodyRefusal;
use crate::service::{Clash, OpError, ProblemKind};

/// A failure as the face answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: StatusCode,
    /// RFC 7644 §3.12's `scimType`, for the 400s and 409s it names.
    pub scim_type: Option<&'static str>,
    pub detail: String,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Refusal { status, scim_type, detail: detail.into(), retry_after: None }
    }

    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad("invalidValue", detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad("invalidSyntax", detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad("invalidFilter", detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad("invalidPath", detail)
    }

    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad("noTarget", detail)
    }

    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad("mutability", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, None, format!("{method} is not allowed on {path}"))
    }

    /// The class the metrics count it as, in the words every face's metrics use.
    pub fn code(&self) -> &'static str {
        match self.scim_type {
            Some("invalidFilter") => "INVALID_FILTER",
            Some("invalidPath") => "INVALID_PATH",
            Some("invalidSyntax") => "MALFORMED",
            Some("invalidValue") => "VALUE",
            Some("noTarget") => "NO_TARGET",
            Some("mutability") => "MUTABILITY",
            Some("uniqueness") => "CONFLICT",
            Some("tooMany") => "RATE_LIMITED",
            _ if self.status == StatusCode::PRECONDITION_FAILED => "PRECONDITION_FAILED",
            _ => crate::metrics::class_of_status(self.status).unwrap_or("INTERNAL"),
        }
    }

    pub fn render(&self, request_id: &str) -> HttpResponse {
        let mut body = json!({"schemas": [ERROR], "status": self.status.as_u16().to_string(), "detail": self.detail});
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = scim_type.into();
        }
        if self.status.is_server_error() {
            body["detail"] = format!("{} (request id {request_id})", self.detail).into();
        }
        let mut response = HttpResponse::build(self.status);
        response.content_type(super::SCIM_JSON);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"scim\""));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        response.body(body.to_string())
    }
}

impl From<OpError> for Refusal {
    fn from(error: OpError) -> Self {
        let detail = error.public_detail();
        match &error {
            OpError::Unauthenticated(_) => Refusal::new(StatusCode::UNAUTHORIZED, None, detail),
            OpError::Forbidden(_) => Refusal::new(StatusCode::FORBIDDEN, None, detail),
            OpError::Invalid(problem) => {
                let scim_type = match (problem.kind, problem.path.as_deref()) {
                    (_, Some("filter")) => "invalidFilter",
                    (ProblemKind::Malformed | ProblemKind::Prohibited, _) => "invalidSyntax",
                    (ProblemKind::Limit, _) => "tooMany",
                    _ => "invalidValue",
                };
                Refusal::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
            }
            OpError::NotFound { .. } => Refusal::new(StatusCode::NOT_FOUND, None, detail),
            OpError::Conflict { what: Clash::StaleVersion, .. } => Refusal::new(StatusCode::PRECONDITION_FAILED, None, detail),
            OpError::Conflict { what: Clash::LoginTaken | Clash::EmailTaken, .. } => {
                Refusal::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
            }
            OpError::Conflict { .. } => Refusal::new(StatusCode::CONFLICT, None, detail),
            OpError::Throttled { retry_after_secs } => {
                Refusal { retry_after: Some(*retry_after_secs), ..Refusal::new(StatusCode::TOO_MANY_REQUESTS, Some("tooMany"), detail) }
            }
            OpError::Unavailable(_) => Refusal::new(StatusCode::SERVICE_UNAVAILABLE, None, detail),
            OpError::Internal(_) => Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, None, detail),
        }
    }
}

impl From<BodyRefusal> for Refusal {
    fn from(refused: BodyRefusal) -> Self {
        let scim_type = (refused.status == StatusCode::BAD_REQUEST).then_some("invalidSyntax");
        Refusal::new(refused.status, scim_type, refused.message)
    }
}

/// A panic in a handler: a 500 in SCIM's words.
pub fn panicked(request_id: &str) -> HttpResponse {
    Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, None, "the server failed to process the request").render(request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_a_status_and_a_scim_error_body() {
        for error in OpError::every_kind() {
            let refusal = Refusal::from(error.clone());
            assert_eq!(refusal.status.is_client_error(), error.is_client_error(), "{error:?}");
            let response = refusal.render("r-1");
            assert_eq!(response.headers().get("content-type").unwrap(), super::super::SCIM_JSON);
        }
        let stale = OpError::Conflict { what: Clash::StaleVersion, detail: "changed".into() };
        assert_eq!(Refusal::from(stale).status, StatusCode::PRECONDITION_FAILED);
        let taken = Refusal::from(OpError::Conflict { what: Clash::LoginTaken, detail: "taken".into() });
        assert_eq!((taken.status, taken.scim_type), (StatusCode::CONFLICT, Some("uniqueness")));
        let filter = Refusal::from(OpError::invalid("filter", "no"));
        assert_eq!(filter.scim_type, Some("invalidFilter"));
    }
}
