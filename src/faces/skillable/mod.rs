//! Skillable TMS's class-enrollment API: RPC-style `GET` routes at the API root (and under a
//! configurable prefix), parameters in the path and query, the `api_key` header, and every answer
//! HTTP 200 with the outcome in `Status`.
//!
//! - [`routes`]: the registration list (path, handler, the catalog operation, its subject and
//!   envelope) and the handlers;
//! - [`model`]: query parameters as Skillable binds them, and the answer shapes;
//! - [`errors`]: the one rendering of failures (`Status` 10, 20, 30), panics included.

pub mod errors;
pub mod model;
pub mod routes;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;

use self::errors::render;
use crate::domain::Principal;
use crate::faces::kit::json::JsonOut;
use crate::faces::kit::{self, Answer, observe};
use crate::metrics::Outcome;
use crate::service::catalog::Operation;
use crate::service::{Credentials, OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use routes::routes;

/// The face's name in metrics and logs, and the kind of its integration keys.
pub const FACE: &str = "skillable";

/// The header Skillable's clients send their key in.
const API_KEY: &str = "api_key";

fn json(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json; charset=utf-8").body(body)
}

/// Runs `operation` for the request's key: authenticates it, then lets `work` read the query and
/// build the answer, in one transaction. A failure is answered in the route's envelope.
pub async fn answer<W>(req: &HttpRequest, state: &AppState, operation: &'static Operation, work: W) -> HttpResponse
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal, &model::Params) -> Result<Value, OpError> + Send + 'static,
{
    let route = routes::route_of(operation);
    let request_id = RequestId::of(req);
    let failed = |error: OpError| {
        observe(req, FACE, operation.name, kit::outcome_of(&error), Some(error.code()));
        if error.is_client_error() {
            tracing::info!(request_id, %error, "request refused");
        } else {
            tracing::error!(request_id, %error, "request failed");
        }
        let body = render(&error, route.subject, route.envelope, &request_id);
        json(serde_json::to_vec(&body).expect("answers serialize"))
    };
    let key = req.headers().get(API_KEY).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
    let Some(key) = key else {
        return failed(OpError::Unauthenticated(format!("send the integration key in the {API_KEY} header")));
    };
    let credentials = Credentials::IntegrationKey { face: FACE, key: key.to_string() };
    let params = model::Params::of(req.query_string());
    let outcome = kit::run(state, &request_id, operation.access, credentials, move |service, tx, caller, sink| {
        let value = work(service, tx, caller, &params)?;
        JsonOut::new(sink).value(&value)
    })
    .await;
    match outcome {
        Answer::Whole(body) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            json(body)
        }
        Answer::Streaming(chunks) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            HttpResponse::Ok().content_type("application/json; charset=utf-8").streaming(chunks)
        }
        Answer::Failed(error) => failed(error),
    }
}
