//! What every HTTP face needs, written once so that no face imports another: reading bodies within
//! their limits ([`body`]), bearer tokens ([`auth`]), query strings ([`query`]), JSON bodies in and
//! streamed JSON out ([`json`]), running an operation on the database threads ([`run`]), telling
//! the metrics what a request was ([`observe`]), and answering a panic in the face's own words
//! ([`answer_panics`]). Everything here speaks in [`OpError`]s; each face renders them.

pub mod auth;
pub mod body;
pub mod json;
pub mod query;

use std::panic::AssertUnwindSafe;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use futures_util::FutureExt;
use tracing::error;

use crate::domain::Principal;
use crate::metrics::{Observed, Outcome};
use crate::service::{Credentials, OpError, Service};
use crate::state::{AppState, RequestId};
pub use crate::store::Access;
use crate::store::Tx;
pub use crate::streaming::BodySink;
use crate::streaming::Outcome as Finished;

/// What running an operation gave: its answer's body, whole or streaming, or why it failed.
pub enum Answer {
    /// Finished before a chunk's worth: the whole body.
    Whole(Vec<u8>),
    /// Committed: stream these chunks with a success status.
    Streaming(Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + Unpin>),
    /// Failed before anything was sent.
    Failed(OpError),
}

/// Says what the request was, for the metrics and the access log.
pub fn observe(req: &HttpRequest, face: &'static str, operation: &'static str, outcome: Outcome, class: Option<&'static str>) {
    req.extensions_mut().insert(Observed { face, operation, outcome, class });
}

/// The outcome an error counts as in the metrics.
pub fn outcome_of(error: &OpError) -> Outcome {
    if error.is_client_error() { Outcome::ClientFault } else { Outcome::ServerFault }
}

/// Writing a response fails only when the client has gone away.
pub fn write_failed(e: std::io::Error) -> OpError {
    OpError::Internal(format!("writing the response failed: {e}"))
}

/// Authenticates `credentials` and runs `work` in one transaction of kind `access` on the database
/// threads; what it writes is the answer, sent whole or streamed when large ([`crate::streaming`]).
/// A panic in the work is an internal error; a failure after streaming began is logged with the
/// request id (the client sees an aborted response).
pub async fn run<W>(state: &AppState, request_id: &str, access: Access, credentials: Credentials, work: W) -> Answer
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal, &mut BodySink<OpError>) -> Result<(), OpError> + Send + 'static,
{
    run_as(state, request_id, access, move |service, tx| service.authenticate(tx, &credentials), work).await
}

/// [`run`] for a face whose callers are not [`Principal`]s: `authenticate` resolves the caller in
/// the transaction, then `work` runs as it.
pub async fn run_as<C, A, W>(state: &AppState, request_id: &str, access: Access, authenticate: A, work: W) -> Answer
where
    A: FnOnce(&Service, &mut Tx<'_>) -> Result<C, OpError> + Send + 'static,
    W: FnOnce(&Service, &mut Tx<'_>, &C, &mut BodySink<OpError>) -> Result<(), OpError> + Send + 'static,
{
    let service = state.service.clone();
    let late_id = request_id.to_string();
    let outcome = crate::streaming::run(
        &state.workers,
        access,
        move |tx, sink| {
            let caller = authenticate(&service, tx)?;
            work(&service, tx, &caller, sink)
        },
        |panic| OpError::Internal(format!("panic: {panic}")),
        move |late| error!(request_id = late_id, error = %late, "response aborted after streaming began"),
    )
    .await;
    match outcome {
        Finished::Whole(body) => Answer::Whole(body),
        Finished::Streaming(chunks) => Answer::Streaming(chunks),
        Finished::Failed(error) => Answer::Failed(error),
        Finished::Panicked => Answer::Failed(OpError::Internal("the operation ended without a result".into())),
    }
}

/// A panic in a handler of a face, answered by the face's `render` (given the request id) in its
/// own words, with the request id in `X-Request-Id`. The request context logs and counts it.
#[derive(Debug)]
pub struct Panicked {
    pub face: &'static str,
    pub request_id: String,
    render: fn(&str) -> HttpResponse,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a handler of the {} face panicked", self.face)
    }
}

impl actix_web::ResponseError for Panicked {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = (self.render)(&self.request_id);
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&self.request_id) {
            response.headers_mut().insert(actix_web::http::header::HeaderName::from_static("x-request-id"), value);
        }
        response
    }
}

/// Middleware for a face's routes: a panic in one of its handlers is answered by `render` in the
/// face's own words (see [`Panicked`]) instead of dropping the connection.
pub async fn answer_panics(
    render: fn(&str) -> HttpResponse,
    face: &'static str,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = RequestId::of(req.request());
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => Err(Panicked { face, request_id, render }.into()),
    }
}
