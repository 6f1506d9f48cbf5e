//! Rhythm Software's Certifications API for course registrations: REST routes under
//! `/courseRegistrations/{tenantId}` (also under a configurable prefix), the integration key in
//! `Authorization` (bare or after `Bearer`), JSON bodies with Rhythm's keys, and `{"message"}`
//! errors in the seed's words.
//!
//! - [`routes`]: the registration list (method, path, handler, the catalog operation, the seed's
//!   wording of its errors) and the handlers;
//! - [`model`]: the CourseRegistration record, the search object, the batch and the list shapes;
//! - [`errors`]: the one rendering of failures.

pub mod errors;
pub mod model;
pub mod routes;

use actix_web::{HttpRequest, HttpResponse};

use self::errors::{Wording, render};
use crate::domain::Principal;
use crate::faces::kit::json::JsonOut;
use crate::faces::kit::{self, Answer, observe};
use crate::metrics::Outcome;
use crate::service::catalog::Operation;
use crate::service::{Credentials, Entity, OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use routes::routes;

/// The face's name in metrics and logs, and the kind of its integration keys.
pub const FACE: &str = "rhythm";

/// The key in `Authorization`, bare (as the seed's samples send it) or after `Bearer`.
fn key_of(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?.trim();
    let key = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    };
    (!key.is_empty()).then(|| key.to_string())
}

/// What a handler gives [`answer`]: the route's operation, what it looks up by its path, and the
/// seed's wording of its errors.
pub struct Route {
    pub operation: &'static Operation,
    pub subjects: &'static [Entity],
    pub wording: &'static Wording,
}

/// Renders a failure on `route` and tells the metrics and the log.
pub fn failed(req: &HttpRequest, route: &Route, error: OpError) -> HttpResponse {
    let request_id = RequestId::of(req);
    observe(req, FACE, route.operation.name, kit::outcome_of(&error), Some(error.code()));
    if error.is_client_error() {
        tracing::info!(request_id, %error, "request refused");
    } else {
        tracing::error!(request_id, %error, "request failed");
    }
    render(&error, route.subjects, route.wording, &request_id)
}

/// The path's `tenantId`.
pub fn tenant_of(req: &HttpRequest) -> String {
    req.match_info().get("tenantId").unwrap_or_default().to_string()
}

/// Runs `route`'s operation for the request's key, in the path's tenant: authenticates the key,
/// refuses another tenant's, then lets `work` build the answer, in one transaction. Answers 200
/// with the JSON `work` gives, or the failure in the seed's words.
pub async fn answer<W, T>(req: &HttpRequest, state: &AppState, route: &Route, work: W) -> HttpResponse
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal) -> Result<T, OpError> + Send + 'static,
    T: serde::Serialize,
{
    let Some(key) = key_of(req) else {
        return failed(req, route, OpError::Unauthenticated("send the integration key in the Authorization header".into()));
    };
    let tenant = tenant_of(req);
    let credentials = Credentials::IntegrationKey { face: FACE, key };
    let request_id = RequestId::of(req);
    let outcome = kit::run(state, &request_id, route.operation.access, credentials, move |service, tx, caller, sink| {
        service.enter_rhythm_tenant(tx, caller, &tenant)?;
        service.admit(caller)?;
        let value = work(service, tx, caller)?;
        JsonOut::new(sink).value(&value)
    })
    .await;
    let json = "application/json; charset=utf-8";
    match outcome {
        Answer::Whole(body) => {
            observe(req, FACE, route.operation.name, Outcome::Success, None);
            HttpResponse::Ok().content_type(json).body(body)
        }
        Answer::Streaming(chunks) => {
            observe(req, FACE, route.operation.name, Outcome::Success, None);
            HttpResponse::Ok().content_type(json).streaming(chunks)
        }
        Answer::Failed(error) => failed(req, route, error),
    }
}
