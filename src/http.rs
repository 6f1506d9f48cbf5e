//! Assembles the actix application: every face's routes, the pages, health and metrics, and the
//! request context around them all (request ids, header limit, panics, metrics, access log).

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use futures_util::FutureExt;
use tracing::info;

use crate::config::Config;
use crate::faces::kit::body::BodyLimits;
use crate::faces::{self, json, soap};
use crate::metrics::{METRICS, Observed, Outcome};
use crate::service::Service;
use crate::state::{AppState, RequestId, get_or_head};
use crate::workers::Workers;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Keeps a caller's request id when it is a plain token, else makes one.
fn request_id_for(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
        .map(str::to_string)
        .unwrap_or_else(new_request_id)
}

/// A request id unique across processes and restarts: this process's random 64-bit prefix and a
/// counter, 32 hex digits. No system call per request (a random id each time costs one).
fn new_request_id() -> String {
    use std::sync::LazyLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static PREFIX: LazyLock<u64> = LazyLock::new(|| {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        u64::from_le_bytes(bytes)
    });
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed);
    crate::service::auth::hex(&[PREFIX.to_be_bytes(), counter.to_be_bytes()].concat())
}

/// Closes the connection after answers given without reading the whole body (too large, headers
/// too large, a media type or encoding refused): the unread rest must never be read as the next
/// request.
fn close_if_body_unread(head: &mut actix_web::dev::ResponseHead) {
    if matches!(
        head.status,
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE
    ) {
        head.set_connection_type(actix_web::http::ConnectionType::Close);
    }
}

/// A handler outside every face panicked (a face answers its own panics in its own words, see
/// [`faces::kit::answer_panics`]): a plain 500 with the request id.
#[derive(Debug)]
struct Panicked {
    path: String,
    request_id: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the handler of {} panicked", self.path)
    }
}

impl actix_web::ResponseError for Panicked {
    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(format!("internal error; the request id {} locates it in the server log\n", self.request_id));
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        response
    }
}

/// What a request without a face's own word on it was: a page, health, metrics, tokens, or a path
/// nothing serves. Route patterns, not paths, name it, so the set of names stays bounded.
fn observed_by_status(pattern: Option<String>, status: StatusCode) -> Observed {
    let operation: &'static str = match pattern.as_deref() {
        Some("/") => "landing",
        Some("/healthz") => "healthz",
        Some("/readyz") => "readyz",
        Some("/metrics") => "metrics",
        Some("/api/v3/token") => "token",
        Some("/api/v1/openapi.json") => "openapi",
        Some(p) if p.starts_with("/api/v1/docs") => "api_reference",
        Some(_) => "other",
        None => "not_found",
    };
    let outcome = match status.as_u16() {
        413 | 415 | 431 => Outcome::Refused,
        ..400 => Outcome::Success,
        400..500 => Outcome::ClientFault,
        _ => Outcome::ServerFault,
    };
    let class = crate::metrics::class_of_status(status);
    Observed { face: "http", operation, outcome, class }
}

/// Records a request in the metrics and the access log.
fn record(id: &str, method: &actix_web::http::Method, path: &str, status: StatusCode, observed: Observed, elapsed: Duration) {
    METRICS.request(observed, elapsed);
    info!(
        request_id = id,
        face = observed.face,
        operation = observed.operation,
        %method,
        path,
        status = status.as_u16(),
        duration_us = elapsed.as_micros() as u64,
        "request"
    );
}

async fn request_context(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id_for(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let (method, path) = (req.method().clone(), req.path().to_string());
    let started = Instant::now();
    // Headers are bounded by the HTTP layer's own buffer; this is the limit the operator chose.
    if let Some(state) = req.app_data::<web::Data<AppState>>() {
        let size: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
        if size > state.max_header_bytes {
            let mut response = HttpResponse::build(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
                .insert_header((REQUEST_ID, HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static(""))))
                .content_type("text/plain; charset=utf-8")
                .body(format!("the request headers take {size} bytes; the limit is {}\n", state.max_header_bytes));
            close_if_body_unread(response.head_mut());
            let observed = Observed { face: "http", operation: "unknown", outcome: Outcome::Refused, class: Some("LIMIT") };
            record(&id, &method, &path, response.status(), observed, started.elapsed());
            return Err(actix_web::error::InternalError::from_response("headers too large", response).into());
        }
    }
    // A panic must not take the connection down silently: it becomes a 500 with the request id.
    let mut response = match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => {
            // A face answered a panic of its handler in its own words; it is logged and counted here.
            if let Some(panicked) = error.as_error::<faces::kit::Panicked>() {
                tracing::error!(request_id = id, face = panicked.face, %method, path, "handler panicked");
                let observed =
                    Observed { face: panicked.face, operation: "unknown", outcome: Outcome::ServerFault, class: Some("INTERNAL") };
                record(&id, &method, &path, StatusCode::INTERNAL_SERVER_ERROR, observed, started.elapsed());
            }
            return Err(error);
        }
        Err(_) => {
            tracing::error!(request_id = id, %method, path, "handler panicked");
            let observed = Observed { face: "http", operation: "unknown", outcome: Outcome::ServerFault, class: Some("INTERNAL") };
            record(&id, &method, &path, StatusCode::INTERNAL_SERVER_ERROR, observed, started.elapsed());
            return Err(Panicked { path, request_id: id }.into());
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    close_if_body_unread(response.response_mut().head_mut());
    let status = response.status();
    let observed = response.request().extensions().get::<Observed>().copied();
    let observed = observed.unwrap_or_else(|| observed_by_status(response.request().match_pattern(), status));
    record(&id, &method, &path, status, observed, started.elapsed());
    Ok(response)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok\n")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.service.db().clone();
    match web::block(move || db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ready\n"),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable().content_type("text/plain; charset=utf-8").body(format!("not ready: {e}\n")),
        Err(_) => HttpResponse::ServiceUnavailable().body("not ready\n"),
    }
}

/// The routes with the default mount points, for tests that build the app themselves.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, &Config::default());
}

/// Every face's routes, the pages, health and metrics, mounted where `config` says.
fn mount(cfg: &mut web::ServiceConfig, config: &Config) {
    cfg.route("/", get_or_head().to(crate::pages::landing));
    soap::routes(cfg);
    json::routes(cfg);
    // Rhythm's routes sit in one scope under a prefix: before Skillable's root routes, they cost
    // those one comparison, where Skillable's would cost every Rhythm request a pattern each.
    let page_size = crate::domain::values::PageSize::parse(config.rhythm_page_size).expect("the page size is checked when parsed");
    faces::rhythm::routes(cfg, &config.rhythm_prefix, faces::rhythm::routes::Settings { page_size });
    faces::skillable::routes(cfg, &config.skillable_prefix, config.skillable_inferred_routes);
    faces::aom::routes(cfg, &config.aom_prefix);
    faces::scim::routes(cfg);
    faces::keepnet::routes(cfg);
    cfg.route("/api/v3/token", web::post().to(faces::token::token))
        .route("/healthz", get_or_head().to(healthz))
        .route("/readyz", get_or_head().to(readyz))
        .route("/metrics", get_or_head().to(crate::metrics::serve));
}

/// Builds the HTTP server on an already bound listener (port 0 in tests).
pub fn serve(listener: TcpListener, service: Service, config: &Config) -> std::io::Result<Server> {
    let relay = config.smtp_url.as_deref().map(crate::mail::Relay::parse).transpose().map_err(std::io::Error::other)?;
    let from = config.mail_from.parse().map_err(|e| std::io::Error::other(format!("--mail-from '{}': {e}", config.mail_from)))?;
    let limit = (config.rhythm_rate_limit > 0.0)
        .then(|| crate::service::limits::RateLimit { per_second: config.rhythm_rate_limit, burst: config.rhythm_burst.max(1.0) });
    let teams = config
        .teams_webhook_url
        .as_deref()
        .map(|url| crate::keepnet_delivery::Teams::parse(url, config.webhook_settings()))
        .transpose()
        .map_err(std::io::Error::other)?;
    let service = service.with_mail_relay(relay.is_some()).with_teams_webhook(teams.is_some()).with_rate_limit(limit);
    let mail = relay.map(|relay| crate::mail::start(service.db().clone(), &relay, from, config.mail_retries()));
    let changes = crate::webhooks::start(service.clone(), config.webhook_settings())?;
    let keepnet = crate::keepnet_delivery::start(service.clone(), teams)?;
    let state = web::Data::new(AppState {
        mail,
        changes,
        keepnet,
        workers: Workers::start(service.db())?,
        service,
        xml_limits: config.xml_limits(),
        body_limits: BodyLimits { ordinary: config.max_body_bytes, bulk: config.max_bulk_body_bytes },
        max_header_bytes: config.max_header_bytes,
    });
    let mounts = config.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(from_fn(request_context))
            .configure(|cfg| mount(cfg, &mounts))
            .default_service(web::to(crate::pages::not_found))
    })
    .client_request_timeout(Duration::from_millis(config.read_timeout_ms))
    .shutdown_timeout(30);
    if let Some(workers) = config.workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.listen(listener)?.run())
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test, web};

    use super::*;

    #[::core::prelude::v1::test]
    fn request_ids_are_32_hex_digits_and_never_repeat() {
        let (a, b) = (new_request_id(), new_request_id());
        assert_ne!(a, b);
        assert_eq!(a[..16], b[..16], "one prefix per process");
        for id in [&a, &b] {
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
        }
        assert!(u64::from_str_radix(&b[16..], 16).unwrap() > u64::from_str_radix(&a[16..], 16).unwrap());
    }

    async fn boom() -> HttpResponse {
        panic!("boom")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_500_with_its_request_id_in_its_faces_words() {
        use crate::faces::kit::answer_panics;
        let soap_face = from_fn(|req, next| answer_panics(soap::panicked, soap::FACE, req, next));
        let json_face = from_fn(|req, next| answer_panics(json::problem::panicked, json::FACE, req, next));
        let app = test::init_service(
            App::new()
                .wrap(from_fn(request_context))
                .service(web::resource("/soap").wrap(soap_face).route(web::post().to(boom)))
                .service(web::scope("/api/v1").wrap(json_face).route("/x", web::get().to(boom)))
                .route("/page", web::get().to(boom)),
        )
        .await;
        // The middleware answers with an error the server turns into this response.
        let answer = |request| async { test::try_call_service(&app, request).await.err().expect("a panic is an error").error_response() };
        let response = answer(test::TestRequest::post().uri("/soap").insert_header(("X-Request-Id", "r-1")).to_request()).await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers().get("x-request-id").unwrap(), "r-1");
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("<faultcode>SOAP-ENV:Server</faultcode>") && body.contains("<ns1:requestId>r-1</ns1:requestId>"), "{body}");

        let response = answer(test::TestRequest::get().uri("/api/v1/x").to_request()).await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers().get("content-type").unwrap(), "application/problem+json");

        // Outside every face: a plain 500, with the request id too.
        let response = answer(test::TestRequest::get().uri("/page").insert_header(("X-Request-Id", "r-3")).to_request()).await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers().get("x-request-id").unwrap(), "r-3");
    }
}
