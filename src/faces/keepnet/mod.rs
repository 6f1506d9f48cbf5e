//! Keepnet Labs' REST API for resellers: `POST /connect/token`, the companies a reseller manages,
//! each company's enrollments (campaigns) and their training reports (users, summary, sending
//! report, certificates, reminder mails, notification logs), with CSV and Excel exports.
//!
//! - [`routes`]: the registration list and the handlers;
//! - [`model`]: request bodies read with keys in any case, the search filter, and the answers'
//!   items keyed as Keepnet keys them;
//! - [`export`]: CSV and XLSX files of a search's rows;
//! - [`errors`]: the one rendering of failures in Keepnet's envelope;
//! - [`openapi`]: the face's OpenAPI 3.1 document, made from the registration list.

pub mod errors;
pub mod export;
pub mod model;
pub mod openapi;
pub mod routes;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use crate::faces::kit::{self, Answer, BodySink, observe};
use crate::metrics::Outcome;
use crate::service::catalog::Operation;
use crate::service::keepnet::KeepnetCaller;
use crate::service::{OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use routes::routes;

/// The face's name in metrics and logs.
pub const FACE: &str = "keepnet";

/// The company headers a reseller scopes a call with (synonyms), and the query parameter.
pub const COMPANY_HEADERS: [&str; 2] = ["X-KEEPNET-Company-Id", "X-IR-COMPANY-ID"];
pub const COMPANY_PARAMETER: &str = "companyId";

/// The company a request names: its header, the other header, or `?companyId` (the first given).
/// Two that disagree are refused.
pub fn company_of(req: &HttpRequest) -> Result<Option<String>, OpError> {
    let mut named: Vec<(String, String)> = Vec::new();
    for header in COMPANY_HEADERS {
        for value in req.headers().get_all(header) {
            let value = value.to_str().map_err(|_| OpError::invalid(header, format!("{header} must be text")))?.trim().to_string();
            named.push((header.to_string(), value));
        }
    }
    for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if name.eq_ignore_ascii_case(COMPANY_PARAMETER) {
            named.push((COMPANY_PARAMETER.to_string(), value.trim().to_string()));
        }
    }
    if let Some((name, _)) = named.iter().find(|(_, value)| value.is_empty()) {
        return Err(OpError::invalid(name.as_str(), format!("{name} is empty: send a Company ID from POST /api/companies/search")));
    }
    match named.split_first() {
        None => Ok(None),
        Some(((_, first), rest)) => match rest.iter().find(|(_, value)| value != first) {
            Some((name, other)) => {
                Err(OpError::invalid(name.as_str(), format!("the request names two companies ({first} and {other}); send one Company ID")))
            }
            None => Ok(Some(first.clone())),
        },
    }
}

/// The bearer token of a request.
fn token_of(req: &HttpRequest) -> Result<String, OpError> {
    let missing = || OpError::Unauthenticated("send the token from POST /connect/token as 'Authorization: Bearer <token>'".into());
    let value =
        req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim).ok_or_else(missing)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim().to_string()),
        _ => Err(missing()),
    }
}

/// What a successful call answers: Keepnet's JSON envelope, or a file.
pub enum Head {
    Json,
    File { content_type: &'static str, filename: String },
}

/// The envelope of a success.
pub fn envelope(data: Value) -> Value {
    json!({"data": data, "status": "SUCCESS", "message": null, "validationMessages": null})
}

/// Answers a refusal and tells the metrics and the log.
pub fn refused(req: &HttpRequest, operation: &'static str, error: OpError) -> HttpResponse {
    let request_id = RequestId::of(req);
    observe(req, FACE, operation, kit::outcome_of(&error), Some(error.code()));
    if error.is_client_error() {
        tracing::info!(request_id, detail = %error, "request refused");
    } else {
        tracing::error!(request_id, detail = %error, "request failed");
    }
    errors::render(&error, &request_id)
}

/// Runs `operation` for the request's token in one transaction: `work` writes the answer's body
/// (the envelope, or a file's bytes) into the sink, streamed when large.
pub async fn answer<W>(req: &HttpRequest, state: &AppState, operation: &'static Operation, head: Head, work: W) -> HttpResponse
where
    W: FnOnce(&Service, &mut Tx<'_>, &KeepnetCaller, &mut BodySink<OpError>) -> Result<(), OpError> + Send + 'static,
{
    let token = match token_of(req) {
        Ok(token) => token,
        Err(error) => return refused(req, operation.name, error),
    };
    let request_id = RequestId::of(req);
    let outcome = kit::run_as(state, &request_id, operation.access, move |service, tx| service.keepnet_caller(tx, &token), work).await;
    let mut response = HttpResponse::build(StatusCode::OK);
    match head {
        Head::Json => response.content_type("application/json; charset=utf-8"),
        Head::File { content_type, filename } => {
            response.content_type(content_type).insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        }
    };
    match outcome {
        Answer::Failed(error) => refused(req, operation.name, error),
        Answer::Whole(bytes) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            response.body(bytes)
        }
        Answer::Streaming(chunks) => {
            observe(req, FACE, operation.name, Outcome::Success, None);
            response.streaming(chunks)
        }
    }
}
