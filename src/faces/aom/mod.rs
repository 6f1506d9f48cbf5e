//! Academy Of Mine's LMS API for enrollments: Laravel-style routes under `/api` (also under a
//! configurable prefix), a token in `Authorization: Bearer` that acts as one user in one role,
//! parameters from the query string or a JSON body alike (as Laravel's `input()` reads them), the
//! seed's keys, display formats and messages, and errors as Laravel answers them.
//!
//! - [`routes`]: the registration list (method, path, handler, catalog operation) and the handlers;
//! - [`input`]: the request's parameters, with the tolerance the seed's clients need;
//! - [`paths`]: the learning-path reports, activity and lists;
//! - [`model`]: the answers' shapes and display formats;
//! - [`webinars`] and [`accounts`]: the handlers of the webinar routes, and of bulk upload, quick
//!   edit and memberships.

pub mod accounts;
pub mod input;
pub mod model;
pub mod paths;
pub mod routes;
pub mod webhooks;
pub mod webinars;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value, json};

use crate::domain::Principal;
use crate::faces::kit::json::JsonOut;
use crate::faces::kit::{self, Answer, observe};
use crate::metrics::Outcome;
use crate::service::catalog::Operation;
use crate::service::{Credentials, Entity, OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use routes::routes;

/// The face's name in metrics and logs, and the kind of its tokens.
pub const FACE: &str = "aom";

/// The token after `Bearer`.
fn token_of(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// How Laravel names a thing that was not found.
fn resource(entity: Entity) -> &'static str {
    match entity {
        Entity::Course | Entity::ContentItem => "Course",
        Entity::Enrollment | Entity::Registration => "Course registration",
        Entity::User => "User",
        Entity::Portal => "Portal",
        Entity::LearningPath => "Learning path",
        Entity::Webinar => "Webinar",
        Entity::Membership => "Membership",
        Entity::Webhook => "Webhook",
        _ => "Resource",
    }
}

/// The one rendering of failures, as Laravel answers them: 401 `Unauthenticated.`, 403 `This
/// action is unauthorized.`, 404 `<Resource> not found`, 422 with the field's messages, 429, 500.
pub fn render(error: &OpError) -> HttpResponse {
    let (status, body) = match error {
        OpError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, json!({ "message": "Unauthenticated." })),
        OpError::Forbidden(_) => (StatusCode::FORBIDDEN, json!({ "message": "This action is unauthorized." })),
        OpError::NotFound { entity, .. } => (StatusCode::NOT_FOUND, json!({ "message": format!("{} not found", resource(*entity)) })),
        OpError::Invalid(problem) => {
            let field = problem.path.clone().unwrap_or_else(|| "request".into());
            let mut errors = Map::new();
            errors.insert(field.clone(), json!([problem.message]));
            let mut body = json!({ "message": problem.message, "errors": errors });
            // A blocked e-mail domain also answers in the key the vendor's clients read.
            if field == "blockedEmailDomains" {
                body["blockedEmailDomainsmessage"] = problem.message.clone().into();
            }
            (StatusCode::UNPROCESSABLE_ENTITY, body)
        }
        OpError::Conflict { detail, .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, json!({ "message": detail, "errors": { "request": [detail] } }))
        }
        OpError::Throttled { retry_after_secs } => {
            return HttpResponse::TooManyRequests()
                .insert_header(("Retry-After", retry_after_secs.to_string()))
                .json(json!({ "message": "Too Many Attempts." }));
        }
        OpError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, json!({ "message": "Service Unavailable" })),
        OpError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, json!({ "message": "Server Error" })),
    };
    // Laravel's bodies exactly: the request id travels in the response's X-Request-Id header.
    HttpResponse::build(status).json(body)
}

/// A handler panicked: Laravel's 500.
pub fn panicked(_request_id: &str) -> HttpResponse {
    render(&OpError::Internal("panic".into()))
}

/// Renders a failure of `operation` and tells the metrics and the log.
pub fn failed(req: &HttpRequest, operation: &Operation, error: OpError) -> HttpResponse {
    let request_id = RequestId::of(req);
    observe(req, FACE, operation.name, kit::outcome_of(&error), Some(error.code()));
    if error.is_client_error() {
        tracing::info!(request_id, %error, "request refused");
    } else {
        tracing::error!(request_id, %error, "request failed");
    }
    render(&error)
}

/// Runs `operation` for the request's token in one transaction: authenticates it, lets `work`
/// build the answer, and answers `status` with it, or the failure as Laravel words it.
pub async fn answer<W, T>(req: &HttpRequest, state: &AppState, operation: &'static Operation, status: StatusCode, work: W) -> HttpResponse
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal) -> Result<T, OpError> + Send + 'static,
    T: serde::Serialize,
{
    let Some(token) = token_of(req) else {
        return failed(req, operation, OpError::Unauthenticated("send the token in Authorization: Bearer".into()));
    };
    let credentials = Credentials::IntegrationKey { face: FACE, key: token };
    let request_id = RequestId::of(req);
    let outcome = kit::run(state, &request_id, operation.access, credentials, move |service, tx, caller, sink| {
        service.admit(caller)?;
        let value = work(service, tx, caller)?;
        JsonOut::new(sink).value(&value)
    })
    .await;
    match outcome {
        Answer::Whole(body) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            HttpResponse::build(status).content_type("application/json").body(body)
        }
        Answer::Streaming(chunks) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            HttpResponse::build(status).content_type("application/json").streaming(chunks)
        }
        Answer::Failed(error) => failed(req, operation, error),
    }
}

/// A `{"message"}` answer.
pub fn message(text: String) -> Value {
    json!({ "message": text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::catalog;

    /// Every failure has one Laravel answer: a status and a body of exactly `message` (and
    /// `errors` for a 422).
    #[test]
    fn every_error_has_one_laravel_answer() {
        for error in OpError::every_kind() {
            let response = render(&error);
            let expected = match &error {
                OpError::Unauthenticated(_) => 401,
                OpError::Forbidden(_) => 403,
                OpError::NotFound { .. } => 404,
                OpError::Invalid(_) | OpError::Conflict { .. } => 422,
                OpError::Throttled { .. } => 429,
                OpError::Unavailable(_) => 503,
                OpError::Internal(_) => 500,
            };
            assert_eq!(response.status().as_u16(), expected, "{error:?}");
        }
        let not_found = OpError::not_found(Entity::Portal, "7");
        let body = actix_web::body::to_bytes(render(&not_found).into_body());
        let body = futures_util::FutureExt::now_or_never(body).unwrap().unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({"message": "Portal not found"}));
    }

    /// The routes serve the catalog's operations, each at least once, and the document lists every
    /// route with its method.
    #[test]
    fn the_routes_are_the_catalog_and_the_document() {
        for operation in catalog::ACADEMY {
            assert!(routes::ROUTES.iter().any(|(_, _, op)| op == operation), "{} has a route", operation.name);
        }
        let document: Value = serde_json::from_str(routes::document()).unwrap();
        for (method, path, _) in routes::ROUTES {
            let documented = &document["paths"][format!("/api{path}")][method.to_lowercase()];
            assert!(documented.is_object(), "{method} {path} is documented");
        }
    }
}
