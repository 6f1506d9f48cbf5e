//! The JSON mirror's one rendering of failures: every [`OpError`], refused body and panic becomes
//! an RFC 9457 problem (`application/problem+json`) whose `title` is iSpring's fault string.

use std::fmt;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use tracing::{error, info};

use super::FACE;
use super::model::Problem;
use crate::faces::ispring::fault_string;
use crate::faces::kit::body::BodyRefusal;
use crate::faces::kit::{self, observe};
use crate::metrics::Outcome;
use crate::service::{OpError, ProblemKind};
use crate::state::RequestId;

const PROBLEM_JSON: &str = "application/problem+json";

/// A refused request, answered with a problem body.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    problem: Box<Problem>,
    /// Seconds to wait before retrying, for a throttled request.
    retry_after: Option<u64>,
}

fn retry_after(error: &OpError) -> Option<u64> {
    match error {
        OpError::Throttled { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.problem.title, self.problem.detail)
    }
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="lmsbridge""#));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.content_type(PROBLEM_JSON).body(serde_json::to_string(&self.problem).expect("problems serialize"))
    }
}

/// The HTTP status an error maps to.
fn status_of(error: &OpError) -> StatusCode {
    match error {
        OpError::Invalid(p) if matches!(p.kind, ProblemKind::Value | ProblemKind::Limit) => StatusCode::UNPROCESSABLE_ENTITY,
        OpError::Invalid(_) => StatusCode::BAD_REQUEST,
        OpError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        OpError::Forbidden(_) => StatusCode::FORBIDDEN,
        OpError::NotFound { .. } => StatusCode::NOT_FOUND,
        OpError::Conflict { .. } => StatusCode::CONFLICT,
        OpError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        OpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        OpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn problem(status: StatusCode, title: &str, detail: String, code: &str, field: Option<String>, request_id: String) -> Box<Problem> {
    Box::new(Problem {
        problem_type: format!("urn:lmsbridge:problem:{}", code.to_ascii_lowercase().replace('_', "-")),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        code: code.to_string(),
        field,
        request_id,
    })
}

/// The problem of an operation's failure, logged and counted.
pub fn reject(req: &HttpRequest, error: OpError) -> Rejection {
    let request_id = RequestId::of(req);
    if error.is_client_error() {
        info!(request_id, %error, "request refused");
    } else {
        error!(request_id, %error, "request failed");
    }
    let operation = super::operation_of(req);
    observe(req, FACE, operation, kit::outcome_of(&error), Some(error.code()));
    Rejection { status: status_of(&error), problem: rendered(&error, request_id), retry_after: retry_after(&error) }
}

fn rendered(error: &OpError, request_id: String) -> Box<Problem> {
    let field = match error {
        OpError::Invalid(p) => p.path.clone(),
        _ => None,
    };
    problem(status_of(error), fault_string(error), error.public_detail(), error.code(), field, request_id)
}

/// A body refused at the HTTP level (media type, size, encoding), before any operation is involved.
pub fn refuse_body(req: &HttpRequest, refusal: BodyRefusal) -> Rejection {
    let code = refusal.code();
    observe(req, FACE, super::operation_of(req), Outcome::Refused, Some(code));
    let title = fault_string(&OpError::Invalid(crate::service::Problem::new(ProblemKind::Limit, "")));
    Rejection {
        status: refusal.status,
        problem: problem(refusal.status, title, refusal.message, code, None, RequestId::of(req)),
        retry_after: None,
    }
}

/// The answer to a panic in a handler of this face.
pub fn panicked(request_id: &str) -> HttpResponse {
    let error = OpError::Internal("a handler panicked".into());
    Rejection { status: status_of(&error), problem: rendered(&error, request_id.to_string()), retry_after: None }.error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure has its status, iSpring title, code and detail.
    #[test]
    fn every_error_has_one_problem() {
        let expected = [
            (401, "Authorization failed", "AUTHORIZATION_FAILED"),
            (403, "Permission denied", "PERMISSION_DENIED"),
            (400, "Wrong parameters", "TYPE"),
            (422, "Wrong parameters", "VALUE"),
            (503, "Service unavailable", "UNAVAILABLE"),
            (500, "Internal error", "INTERNAL"),
            (429, "Service unavailable", "RATE_LIMITED"),
            (404, "Unknown Enrollment", "NOT_FOUND"),
            (404, "Unknown content item", "NOT_FOUND"),
            (404, "Unknown content item", "NOT_FOUND"),
            (404, "Unknown user", "NOT_FOUND"),
            (404, "Unknown Department", "NOT_FOUND"),
            (404, "Unknown group", "NOT_FOUND"),
            (404, "Unknown content item", "NOT_FOUND"),
            (404, "Unknown Enrollment", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Unknown content item", "NOT_FOUND"),
            (404, "Unknown Enrollment", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (404, "Wrong parameters", "NOT_FOUND"),
            (409, "User with the same login is already registered.", "CONFLICT"),
            (409, "User with the same email is already registered.", "CONFLICT"),
            (409, "Department is not empty", "CONFLICT"),
            (409, "Wrong parameters", "CONFLICT"),
            (409, "Wrong parameters", "CONFLICT"),
            (409, "Wrong parameters", "CONFLICT"),
            (409, "Wrong parameters", "CONFLICT"),
        ];
        let errors = OpError::every_kind();
        assert_eq!(errors.len(), expected.len());
        for (error, (status, title, code)) in errors.iter().zip(expected) {
            let problem = rendered(error, "r-1".into());
            assert_eq!((problem.status, problem.title.as_str(), problem.code.as_str()), (status, title, code), "{error:?}");
            assert_eq!(problem.request_id, "r-1");
            assert_eq!(problem.problem_type, format!("urn:lmsbridge:problem:{}", code.to_ascii_lowercase().replace('_', "-")));
            if matches!(error, OpError::Internal(_)) {
                assert!(!problem.detail.contains("a bug"), "internal details stay in the log");
            } else {
                assert_eq!(problem.detail, error.public_detail());
            }
        }
        let field = rendered(&errors[2], String::new()).field;
        assert_eq!(field.as_deref(), Some("pageSize"), "a contract violation names its field");
    }

    #[actix_web::test]
    async fn refused_bodies_and_panics_are_problems_too() {
        let req = actix_web::test::TestRequest::default().to_http_request();
        let rejection = refuse_body(&req, BodyRefusal { status: StatusCode::PAYLOAD_TOO_LARGE, message: "too big".into() });
        let response = rejection.error_response();
        assert_eq!(response.status(), 413);
        assert_eq!(response.headers().get("content-type").unwrap(), PROBLEM_JSON);
        let response = panicked("r-2");
        assert_eq!(response.status(), 500);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (body["title"].as_str(), body["requestId"].as_str(), body["code"].as_str()),
            (Some("Internal error"), Some("r-2"), Some("INTERNAL"))
        );
    }
}
