//! The JSON mirror: every iSpring operation, and the class operations, as JSON over HTTP under
//! `/api/v1`, calling the same service functions as the SOAP and Skillable faces.
//!
//! - [`routes`]: the registration list (method, path, handler, the service operations each route
//!   reaches) feeding both the router and the OpenAPI document, and the handlers;
//! - [`classes`]: the class operations (which the Skillable face also serves) as resources, with
//!   their own request and answer types;
//! - [`model`]: request bodies (turned into the service's parsed requests with `TryFrom`) and answers;
//! - [`problem`]: the one rendering of failures, RFC 9457 problems titled with iSpring's fault strings;
//! - [`openapi`]: the OpenAPI 3.1 document and its Swagger UI reference.

pub mod campaigns;
pub mod changes;
pub mod classes;
pub mod imports;
pub mod model;
pub mod openapi;
pub mod problem;
pub mod routes;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::de::DeserializeOwned;

use crate::domain::Principal;
use crate::faces::kit::body::Allowance;
use crate::faces::kit::json::{JsonOut, Unread};
use crate::faces::kit::{self, Answer, observe};
use crate::metrics::Outcome;
use crate::service::{OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use problem::{Rejection, reject};
pub use routes::routes;

/// The face's name in metrics and logs.
pub const FACE: &str = "json";

/// The `operationId` of the route the request matched, which names it in metrics and logs.
fn operation_of(req: &HttpRequest) -> &'static str {
    routes::registered(req).map_or("unknown", |route| route.operation_id)
}

/// Reads a JSON body of type `T` within the ordinary size limit (the bulk one for bulk routes).
pub async fn body<T: DeserializeOwned>(req: &HttpRequest, state: &AppState, payload: web::Payload) -> Result<T, Rejection> {
    let bulk = routes::registered(req).is_some_and(|route| route.bulk);
    let allowance = if bulk { Allowance::Bulk } else { Allowance::Ordinary };
    kit::json::read(req, state, payload, allowance).await.map_err(|unread| match unread {
        Unread::Refused(refusal) => problem::refuse_body(req, refusal),
        Unread::Invalid(error) => reject(req, error),
    })
}

/// Runs the matched route's operation for the bearer token's caller, in one transaction of the
/// access the service's catalog gives it, answering `status` with what `work` writes (streamed when
/// large) or a problem.
pub async fn run<W>(req: &HttpRequest, state: &web::Data<AppState>, status: StatusCode, work: W) -> Result<HttpResponse, Rejection>
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal, &mut JsonOut<'_>) -> Result<(), OpError> + Send + 'static,
{
    let route = routes::registered(req).ok_or_else(|| reject(req, OpError::Internal("a handler outside the registration list".into())))?;
    let credentials = kit::auth::bearer(req).map_err(|e| reject(req, e))?;
    let request_id = RequestId::of(req);
    let outcome = kit::run(state, &request_id, route.access(), credentials, move |service, tx, caller, sink| {
        work(service, tx, caller, &mut JsonOut::new(sink))
    })
    .await;
    let json = "application/json";
    let response = match outcome {
        Answer::Whole(body) => HttpResponse::build(status).content_type(json).body(body),
        Answer::Streaming(chunks) => HttpResponse::build(status).content_type(json).streaming(chunks),
        Answer::Failed(error) => return Err(reject(req, error)),
    };
    observe(req, FACE, route.operation_id, Outcome::Success, None);
    Ok(response)
}
