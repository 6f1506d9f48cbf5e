//! The JSON mirror: every operation as JSON over HTTP under `/api/v1`, calling the same service
//! functions as the SOAP face. Errors are RFC 9457 problem+json bodies whose `title` is the SOAP
//! fault string. The OpenAPI document is generated from these handlers (`openapi.rs`).

pub mod model;
pub mod openapi;
mod routes;

use std::fmt;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{error, info};

use self::model::Problem;
use crate::body::{self as request_body, Allowance};
use crate::domain::Principal;
use crate::metrics::{Observed, Outcome};
use crate::service::{Credentials, OpError, ProblemKind, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;
use crate::streaming::{self, BodySink, Outcome as Finished};

pub use routes::routes;

const PROBLEM_JSON: &str = "application/problem+json";
const JSON: &str = "application/json";

/// A refused request, answered with a problem body.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    problem: Box<Problem>,
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
        response.content_type(PROBLEM_JSON).body(serde_json::to_string(&self.problem).expect("problems serialize"))
    }
}

fn request_id(req: &HttpRequest) -> String {
    RequestId::of(req)
}

/// The face's name in metrics and logs.
pub const FACE: &str = "json";

/// Says what the request was, for the metrics and the access log: the operation is the
/// `operationId` the OpenAPI document gives the route.
fn observe(req: &HttpRequest, outcome: Outcome, class: Option<&'static str>) {
    let operation = req.match_pattern().map_or("unknown", |pattern| openapi::operation_id(req.method().as_str(), &pattern));
    req.extensions_mut().insert(Observed { face: FACE, operation, outcome, class });
}

/// The HTTP status an error maps to.
fn status_of(error: &OpError) -> StatusCode {
    match error {
        OpError::WrongParameters(p) if matches!(p.kind, ProblemKind::Value | ProblemKind::Limit) => StatusCode::UNPROCESSABLE_ENTITY,
        OpError::WrongParameters(_) => StatusCode::BAD_REQUEST,
        OpError::AuthorizationFailed(_) => StatusCode::UNAUTHORIZED,
        OpError::PermissionDenied(_) => StatusCode::FORBIDDEN,
        OpError::NotFound { .. } => StatusCode::NOT_FOUND,
        OpError::Conflict { .. } => StatusCode::CONFLICT,
        OpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        OpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub fn reject(req: &HttpRequest, error: OpError) -> Rejection {
    let status = status_of(&error);
    if error.is_client_error() {
        info!(request_id = request_id(req), %error, "request refused");
    } else {
        error!(request_id = request_id(req), %error, "request failed");
    }
    let field = match &error {
        OpError::WrongParameters(p) => p.path.clone(),
        _ => None,
    };
    let code = error.code();
    observe(req, if error.is_client_error() { Outcome::ClientFault } else { Outcome::ServerFault }, Some(code));
    Rejection {
        status,
        problem: Box::new(Problem {
            problem_type: format!("urn:lmsbridge:problem:{}", code.to_ascii_lowercase().replace('_', "-")),
            title: error.fault_string().to_string(),
            status: status.as_u16(),
            detail: error.public_detail(),
            code: code.to_string(),
            field,
            request_id: request_id(req),
        }),
    }
}

/// A refusal at the HTTP level (media type, body size), before any operation is involved.
fn reject_http(req: &HttpRequest, status: StatusCode, code: &'static str, detail: String) -> Rejection {
    observe(req, Outcome::Refused, Some(code));
    Rejection {
        status,
        problem: Box::new(Problem {
            problem_type: format!("urn:lmsbridge:problem:{}", code.to_ascii_lowercase().replace('_', "-")),
            title: "Wrong parameters".into(),
            status: status.as_u16(),
            detail,
            code: code.into(),
            field: None,
            request_id: request_id(req),
        }),
    }
}

/// `Authorization: Bearer <token>` (a bare token is taken too, as older iSpring clients send it).
fn bearer(req: &HttpRequest) -> Result<Credentials, OpError> {
    let value =
        req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty()).ok_or_else(
            || OpError::AuthorizationFailed("send the token from POST /api/v3/token as 'Authorization: Bearer <token>'".into()),
        )?;
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        Some(_) => return Err(OpError::AuthorizationFailed("only Bearer tokens are accepted".into())),
        None => value,
    };
    Ok(Credentials::Token(token.to_string()))
}

/// Query parameters, checked against the names a route takes.
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(req: &HttpRequest, allowed: &[&str]) -> Result<Query, OpError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes()).into_owned().collect();
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !allowed.contains(&name.as_str())) {
            return Err(OpError::wrong(
                ProblemKind::TagMismatch,
                name.clone(),
                format!("unknown query parameter '{name}'; this route takes: {}", allowed.join(", ")),
            ));
        }
        Ok(Query { pairs })
    }

    /// Every value of a repeatable parameter; `None` when it is absent.
    pub fn all(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self.pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect();
        (!values.is_empty()).then_some(values)
    }

    /// The value of a parameter that may appear once.
    pub fn one(&self, name: &str) -> Result<Option<String>, OpError> {
        match self.all(name) {
            None => Ok(None),
            Some(mut values) if values.len() == 1 => Ok(values.pop()),
            Some(_) => Err(OpError::wrong(ProblemKind::Occurs, name, format!("query parameter '{name}' may appear once"))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i32>, OpError> {
        self.one(name)?
            .map(|v| {
                v.trim()
                    .parse::<i32>()
                    .map_err(|_| OpError::wrong(ProblemKind::Type, name, format!("{name} must be an integer; got '{v}'")))
            })
            .transpose()
    }
}

/// Reads a JSON body of type `T`: `application/json`, within the size limit, no unknown fields;
/// a type error names the field's path.
pub async fn body<T: DeserializeOwned>(req: &HttpRequest, state: &AppState, payload: web::Payload) -> Result<T, Rejection> {
    read_json(req, state, payload, Allowance::Ordinary).await
}

/// [`body`] for a bulk operation, which may exceed the ordinary size limit.
pub async fn bulk_body<T: DeserializeOwned>(req: &HttpRequest, state: &AppState, payload: web::Payload) -> Result<T, Rejection> {
    read_json(req, state, payload, Allowance::Bulk).await
}

async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    allowance: Allowance,
) -> Result<T, Rejection> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime != JSON && !mime.ends_with("+json") {
        return Err(reject_http(
            req,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("send the body as application/json; got '{content_type}'"),
        ));
    }
    let bytes = request_body::read(req, payload, state.body_limits, allowance)
        .await
        .map_err(|refusal| reject_http(req, refusal.status, refusal.code(), refusal.message))?;
    let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let kind = if inner.is_syntax() || inner.is_eof() {
            ProblemKind::Malformed
        } else if message.starts_with("missing field") {
            ProblemKind::Required
        } else if message.starts_with("unknown field") {
            ProblemKind::TagMismatch
        } else if message.starts_with("unknown variant") {
            ProblemKind::Enumeration
        } else {
            ProblemKind::Type
        };
        let field = if path == "." { None } else { Some(path) };
        let problem = crate::service::Problem {
            kind,
            message: format!("the JSON body is not valid: {message}"),
            path: field,
            line: None,
            column: None,
        };
        reject(req, OpError::WrongParameters(problem))
    })
}

/// Where a handler writes its JSON response.
pub struct JsonOut<'s> {
    sink: &'s mut BodySink<OpError>,
}

fn io_error(e: std::io::Error) -> OpError {
    OpError::Internal(format!("writing the response failed: {e}"))
}

impl JsonOut<'_> {
    /// One JSON value: the whole response.
    pub fn value<T: Serialize>(&mut self, value: &T) -> Result<(), OpError> {
        serde_json::to_writer(&mut *self.sink, value).map_err(|e| OpError::Internal(e.to_string()))
    }

    /// Streams `{"<key>": [items…]}` as the items come.
    pub fn list<T: Serialize>(
        &mut self,
        key: &str,
        produce: impl FnOnce(&mut dyn FnMut(&T) -> Result<(), OpError>) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        use std::io::Write;
        write!(self.sink, "{{\"{key}\":[").map_err(io_error)?;
        let mut first = true;
        let sink = &mut *self.sink;
        produce(&mut |item: &T| {
            if !first {
                sink.write_all(b",").map_err(io_error)?;
            }
            first = false;
            serde_json::to_writer(&mut *sink, item).map_err(|e| OpError::Internal(e.to_string()))?;
            sink.checkpoint().map_err(io_error)
        })?;
        self.sink.write_all(b"]}").map_err(io_error)
    }
}

pub use crate::store::Access;

/// Authenticates the bearer token and runs `work` in one transaction on the database threads,
/// answering `status` with what it writes (streamed when large) or a problem.
pub async fn run<W>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    access: Access,
    status: StatusCode,
    work: W,
) -> Result<HttpResponse, Rejection>
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal, &mut JsonOut<'_>) -> Result<(), OpError> + Send + 'static,
{
    let credentials = bearer(req).map_err(|e| reject(req, e))?;
    let service = state.service.clone();
    let id = request_id(req);
    let outcome = streaming::run(
        &state.workers,
        access,
        move |tx, sink| {
            let principal = service.authenticate(tx, &credentials)?;
            work(&service, tx, &principal, &mut JsonOut { sink })
        },
        |panic| OpError::Internal(format!("panic: {panic}")),
        move |late| error!(request_id = id, error = %late, "response aborted after streaming began"),
    )
    .await;
    let response = match outcome {
        Finished::Whole(body) => HttpResponse::build(status).content_type(JSON).body(body),
        Finished::Streaming(chunks) => HttpResponse::build(status).content_type(JSON).streaming(chunks),
        Finished::Failed(error) => return Err(reject(req, error)),
        Finished::Panicked => return Err(reject(req, OpError::Internal("no result".into()))),
    };
    observe(req, Outcome::Success, None);
    Ok(response)
}
