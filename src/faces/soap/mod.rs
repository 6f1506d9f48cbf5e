//! The iSpring Learn SOAP face: `POST /api/v2/soap/2.0` (and `/soap`), SOAP 1.1 and 1.2.
//!
//! A request is read into an element tree under the input limits ([`xml`]), its envelope checked
//! ([`envelope`]), its operation decoded against the XSD's rules ([`operations`], [`decode`]), and
//! run through the service layer in one transaction on the database threads; the response is written
//! with quick-xml ([`encode`]) and streamed when large. Failures become faults ([`fault`]).

pub mod decode;
pub mod encode;
pub mod envelope;
pub mod fault;
pub mod help;
pub mod operations;
pub mod requests;
pub mod sample;
pub mod types;
pub mod wsdl;
pub mod xml;

use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use tracing::{error, info};

use self::encode::Encoder;
use self::envelope::{Spelling, Version};
use self::fault::{Fault, FaultCode};
use self::operations::{Call, write_failed};
use crate::faces::kit::body::{self, Allowance};
use crate::faces::kit::{self, Answer};
use crate::metrics::Outcome;
use crate::service::{OpError, Problem, ProblemKind};
use crate::state::{AppState, RequestId};

/// The face's name in metrics and logs.
pub const FACE: &str = "soap";

/// Bodies larger than this are decoded on the blocking pool rather than on an async worker.
const DECODE_INLINE_MAX: usize = 256 * 1024;

/// The SOAP version a Content-Type announces; anything else is refused with 415.
fn version_of(req: &HttpRequest) -> Result<Version, String> {
    let Some(value) = req.headers().get(actix_web::http::header::CONTENT_TYPE) else {
        return Ok(Version::Soap11);
    };
    let value = value.to_str().unwrap_or("").to_ascii_lowercase();
    match value.split(';').next().unwrap_or("").trim() {
        "text/xml" => Ok(Version::Soap11),
        "application/soap+xml" => Ok(Version::Soap12),
        other => Err(format!("Content-Type '{other}' is not SOAP: send SOAP 1.1 as text/xml or SOAP 1.2 as application/soap+xml")),
    }
}

/// Operations whose bodies may exceed the ordinary size limit.
const BULK_OPERATIONS: [&str; 1] = ["EnrollLearnersInCoursesRequest"];

/// Whether the Body's element is a bulk operation: reads only up to that element, so a large
/// body of another operation is refused without being parsed.
fn carries_bulk_operation(body: &[u8]) -> bool {
    use quick_xml::events::Event;
    let mut reader = quick_xml::NsReader::from_reader(body);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if depth == 2 {
                    return BULK_OPERATIONS.iter().any(|op| e.local_name().as_ref() == op.as_bytes());
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 2 => return false,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// A refused request: the fault, the spelling to answer it in, and the operation when the Body
/// named a known one.
pub struct Refused {
    pub fault: Fault,
    pub spelling: Spelling,
    pub operation: Option<&'static str>,
}

pub type Refusal = Box<Refused>;

/// The whole request path short of the database: reads, checks and decodes a body into a call,
/// or says why not. Any bytes may come in (the fuzz target feeds it).
pub fn decode_request(body: &[u8], version: Version, limits: &xml::Limits) -> Result<(Call, Spelling), Refusal> {
    let standard = Spelling::standard(version);
    let refuse = |fault, spelling, operation| Box::new(Refused { fault, spelling, operation });
    let wrong = |problem| Fault::from(&OpError::Invalid(problem));
    let root = xml::parse(body, limits).map_err(|p| refuse(wrong(p), standard, None))?;
    let (operation, spelling) = envelope::open(&root, version).map_err(|e| refuse(Fault::from(&e), standard, None))?;
    let call = operations::decode(operation).map_err(|(name, p)| refuse(wrong(p), spelling, name))?;
    Ok((call, spelling))
}

/// Says what the request was, for the metrics and the access log.
pub(super) fn observe(req: &HttpRequest, operation: &'static str, outcome: Outcome, class: Option<&'static str>) {
    kit::observe(req, FACE, operation, outcome, class);
}

fn observe_fault(req: &HttpRequest, operation: &'static str, fault: &Fault) {
    let outcome = if fault.code == FaultCode::Server { Outcome::ServerFault } else { Outcome::ClientFault };
    observe(req, operation, outcome, Some(fault.detail_code));
}

fn fault_response(fault: &Fault, spelling: Spelling, request_id: &str) -> HttpResponse {
    let status = StatusCode::from_u16(fault.http_status(spelling.version)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).content_type(spelling.version.content_type()).body(fault.to_xml(spelling, request_id))
}

/// The paths the face answers on: iSpring's endpoint, and `/soap` for clients configured with it.
pub const PATHS: [&str; 2] = ["/api/v2/soap/2.0", "/soap"];

/// Mounts the face: `POST` runs an operation, `GET` serves the WSDL, the XSD and the service pages;
/// a panic is answered with a Server fault.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for path in PATHS {
        cfg.service(
            web::resource(path)
                .wrap(from_fn(|req, next| kit::answer_panics(panicked, FACE, req, next)))
                .route(web::post().to(endpoint))
                .route(crate::state::get_or_head().to(wsdl::get)),
        );
    }
}

/// The operations whose bodies may be larger than the ordinary limit.
const BULK: Allowance = Allowance::BulkIf { is_bulk: carries_bulk_operation, which: "bulk enrollment (EnrollLearnersInCourses)" };

pub async fn endpoint(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let request_id = RequestId::of(&req);
    // Refusals before the envelope is read: a SOAP 1.1 fault with the HTTP status that says why.
    let refuse = |status: StatusCode, kind: ProblemKind, message: String| {
        let fault = Fault::from(&OpError::Invalid(Problem::new(kind, message)));
        observe(&req, "unknown", Outcome::Refused, Some(fault.detail_code));
        let mut response = fault_response(&fault, Spelling::standard(Version::Soap11), &request_id);
        *response.status_mut() = status;
        response
    };
    let version = match version_of(&req) {
        Ok(version) => version,
        Err(message) => return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemKind::Envelope, message),
    };
    let body = match body::read(&req, payload, state.body_limits, BULK).await {
        Ok(body) => body,
        Err(refusal) => {
            let kind = match refusal.status {
                StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::Limit,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::Envelope,
                _ => ProblemKind::Malformed,
            };
            return refuse(refusal.status, kind, refusal.message);
        }
    };
    let decoded = if body.len() > DECODE_INLINE_MAX {
        let limits = state.xml_limits.clone();
        web::block(move || decode_request(&body, version, &limits)).await.unwrap_or_else(|_| {
            let fault = Fault::from(&OpError::Internal("the decoder failed".into()));
            Err(Box::new(Refused { fault, spelling: Spelling::standard(version), operation: None }))
        })
    } else {
        decode_request(&body, version, &state.xml_limits)
    };
    let (call, spelling) = match decoded {
        Ok(decoded) => decoded,
        Err(refusal) => {
            let Refused { fault, spelling, operation } = *refusal;
            info!(request_id, fault = fault.string, detail = fault.message, "request refused");
            observe_fault(&req, operation.unwrap_or("unknown"), &fault);
            return fault_response(&fault, spelling, &request_id);
        }
    };
    let name = call.name;
    let (response, fault) = execute(call, spelling, &state, request_id).await;
    match fault {
        None => observe(&req, name, Outcome::Success, None),
        Some(fault) => observe_fault(&req, name, &fault),
    }
    response
}

/// Runs a decoded call; the response, and the fault when it is one.
async fn execute(call: Call, spelling: Spelling, state: &AppState, request_id: String) -> (HttpResponse, Option<Fault>) {
    let Call { access, credentials, operation, .. } = call;
    let outcome = kit::run(state, &request_id, access, credentials, move |service, tx, caller, sink| {
        let mut out = Encoder::new(sink, spelling);
        out.begin().map_err(write_failed)?;
        operation.run(service, tx, caller, &mut out)?;
        out.end().map_err(write_failed)
    })
    .await;
    let content_type = spelling.version.content_type();
    let error = match outcome {
        Answer::Whole(body) => return (HttpResponse::Ok().content_type(content_type).body(body), None),
        Answer::Streaming(chunks) => return (HttpResponse::Ok().content_type(content_type).streaming(chunks), None),
        Answer::Failed(error) => error,
    };
    if error.is_client_error() {
        info!(request_id, %error, "operation refused");
    } else {
        error!(request_id, %error, "operation failed");
    }
    let fault = Fault::from(&error);
    (fault_response(&fault, spelling, &request_id), Some(fault))
}

/// The answer to a panic in a handler of this face: a Server fault with the request id.
pub fn panicked(request_id: &str) -> HttpResponse {
    let fault = Fault::from(&OpError::Internal("a handler panicked".into()));
    fault_response(&fault, Spelling::standard(Version::Soap11), request_id)
}
