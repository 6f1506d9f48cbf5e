//! What every face shares: the application state and the request id. This module imports no face
//! and not the assembler (`http`), so data and imports flow one way: `http` assembles the faces,
//! the faces use this.

use actix_web::{HttpMessage, HttpRequest};

use crate::config::XmlLimits;
use crate::faces::kit::body::BodyLimits;
use crate::service::Service;
use crate::workers::Workers;

/// What every handler shares.
pub struct AppState {
    pub service: Service,
    /// Bounds on the shape of XML request documents.
    pub xml_limits: XmlLimits,
    /// Largest body of an ordinary request, and of a bulk one.
    pub body_limits: BodyLimits,
    /// Largest total size of a request's header names and values.
    pub max_header_bytes: usize,
    /// The threads that run requests' database work.
    pub workers: Workers,
    /// The outbox's mail sender, when a relay is configured (it stops when the state is dropped).
    pub mail: Option<crate::mail::Sender>,
    /// The change publisher and webhook sender (they stop when the state is dropped).
    pub changes: crate::webhooks::Background,
    /// Keepnet's scheduler and Teams sender; dropped with the state.
    pub keepnet: crate::keepnet_delivery::Background,
}

/// The id of one request: echoed in `X-Request-Id`, in fault details and in every log line.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    /// The id the request context gave `req` (empty outside the application, as in unit tests).
    pub fn of(req: &HttpRequest) -> String {
        req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default()
    }
}

/// A route for `GET` and `HEAD` (load balancers and uptime checks send `HEAD`; the body is left out).
pub fn get_or_head() -> actix_web::Route {
    use actix_web::{guard, web};
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
