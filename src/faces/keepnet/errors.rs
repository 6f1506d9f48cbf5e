//! The Keepnet face's one rendering of failures: the envelope `{data, status, message,
//! validationMessages}` with the HTTP status the vendor documents (400 bad input with the reasons
//! in `validationMessages`, 401 no or bad token, 403 not a reseller or not a company it manages,
//! 404 unknown company or enrollment), and the OAuth2 errors of the token endpoint.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::faces::kit::body::BodyRefusal;
use crate::service::OpError;

/// The HTTP status and the envelope's `status` word of a failure.
pub fn status_of(error: &OpError) -> (StatusCode, &'static str) {
    match error {
        OpError::Invalid(_) => (StatusCode::BAD_REQUEST, "INPUT_ERROR"),
        OpError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"),
        // Keepnet's own UI knows a 403 with PRIVACY_ERROR as "not a company you may see".
        OpError::Forbidden(_) => (StatusCode::FORBIDDEN, "PRIVACY_ERROR"),
        OpError::NotFound { .. } => (StatusCode::NOT_FOUND, "NOT_FOUND"),
        OpError::Conflict { .. } => (StatusCode::CONFLICT, "CONFLICT"),
        OpError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
        OpError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "FAILED"),
        OpError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "FAILED"),
    }
}

/// A failure in the envelope; the request id joins a server failure's message.
pub fn render(error: &OpError, request_id: &str) -> HttpResponse {
    let (status, word) = status_of(error);
    let mut message = error.public_detail();
    if let OpError::NotFound { entity, id } = error {
        message = format!("no {} '{id}' in the company in scope", entity.noun());
    }
    if status.is_server_error() {
        message = format!("{message} (request id {request_id})");
    }
    let validation = matches!(error, OpError::Invalid(_)).then(|| vec![message.clone()]);
    let body = json!({"data": null, "status": word, "message": message, "validationMessages": validation});
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header(("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
    if let OpError::Throttled { retry_after_secs } = error {
        response.insert_header(("Retry-After", retry_after_secs.to_string()));
    }
    response.content_type("application/json; charset=utf-8").body(body.to_string())
}

/// A body that could not be read, in the envelope.
pub fn body_refused(refusal: &BodyRefusal) -> HttpResponse {
    let body = json!({"data": null, "status": "INPUT_ERROR", "message": refusal.message, "validationMessages": [refusal.message]});
    HttpResponse::build(refusal.status).content_type("application/json; charset=utf-8").body(body.to_string())
}

/// A panic in a handler, in the envelope.
pub fn panicked(request_id: &str) -> HttpResponse {
    render(&OpError::Internal("panic".into()), request_id)
}

/// An OAuth2 error of the token endpoint (RFC 6749 §5.2).
pub fn oauth(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(json!({"error": error, "error_description": description}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_its_status_and_envelope() {
        for error in OpError::every_kind() {
            let (status, word) = status_of(&error);
            let expected = match &error {
                OpError::Invalid(_) => 400,
                OpError::Unauthenticated(_) => 401,
                OpError::Forbidden(_) => 403,
                OpError::NotFound { .. } => 404,
                OpError::Conflict { .. } => 409,
                OpError::Throttled { .. } => 429,
                OpError::Unavailable(_) => 503,
                OpError::Internal(_) => 500,
            };
            assert_eq!(status.as_u16(), expected, "{error:?}");
            assert!(!word.is_empty());
            let response = render(&error, "r-1");
            assert_eq!(response.status(), status);
        }
    }
}
