//! SCIM 2.0 (RFC 7643, RFC 7644) at `/scim/v2`: identity providers provision the tenant's users
//! (with the enterprise extension) and groups, and read what the server supports from its
//! discovery endpoints. Bearer tokens of the `scim` kind, each a tenant's, authenticate every
//! call but discovery.
//!
//! - [`routes`]: the registration list and the handlers;
//! - [`model`]: the published schemas, resources rendered and read back, discovery documents,
//!   list responses and projections;
//! - [`filter`]: filters and attribute paths, resolved to the domain's conditions;
//! - [`patch`]: PATCH operations on a resource;
//! - [`errors`]: the one rendering of failures as SCIM error bodies.

pub mod errors;
pub mod filter;
pub mod model;
pub mod patch;
pub mod routes;

use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;

use self::errors::Refusal;
use self::filter::{AttrPath, Resolver};
use crate::domain::Principal;
use crate::domain::directory::{GroupAttribute, Kind, UserAttribute};
use crate::faces::kit::json::JsonOut;
use crate::faces::kit::{self, Answer, observe};
use crate::metrics::Outcome;
use crate::service::catalog::Operation;
use crate::service::{Credentials, OpError, Service};
use crate::state::{AppState, RequestId};
use crate::store::Tx;

pub use routes::routes;

/// The face's name in metrics and logs, and the kind of its tokens.
pub const FACE: &str = "scim";
/// Where the face is mounted.
pub const MOUNT: &str = "/scim/v2";
/// The media type of every answer (RFC 7644 §3.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// The base URL of the face as the client reached it: resources' locations start with it.
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{MOUNT}", info.scheme(), info.host())
}

/// A successful answer: its status, body and the headers RFC 7644 asks for.
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    /// The resource's version, sent as `ETag`.
    pub etag: Option<String>,
    /// The resource's URI, sent as `Location`.
    pub location: Option<String>,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Reply { status: StatusCode::OK, body: Some(body), etag: None, location: None }
    }

    /// A single resource: its version and location come from its `meta`.
    pub fn resource(status: StatusCode, body: Value) -> Self {
        let etag = body["meta"]["version"].as_str().map(str::to_string);
        let location = body["meta"]["location"].as_str().map(str::to_string);
        Reply { status, body: Some(body), etag, location }
    }

    pub fn no_content() -> Self {
        Reply { status: StatusCode::NO_CONTENT, body: None, etag: None, location: None }
    }
}

/// Renders a refusal and tells the metrics and the log.
pub fn refused(req: &HttpRequest, operation: &'static str, refusal: Refusal) -> HttpResponse {
    let request_id = RequestId::of(req);
    let outcome = if refusal.status.is_server_error() { Outcome::ServerFault } else { Outcome::ClientFault };
    observe(req, FACE, operation, outcome, Some(refusal.code()));
    if refusal.status.is_server_error() {
        tracing::error!(request_id, detail = refusal.detail, "request failed");
    } else {
        tracing::info!(request_id, detail = refusal.detail, "request refused");
    }
    refusal.render(&request_id)
}

/// The response of a successful reply (`body` already serialized, whole or streaming).
fn respond(req: &HttpRequest, operation: &'static str, head: Head, body: Answer) -> HttpResponse {
    observe(req, FACE, operation, Outcome::Success, None);
    let (status, etag, location) = head;
    let mut response = HttpResponse::build(status);
    if let Some(etag) = etag {
        response.insert_header(("ETag", etag));
    }
    if let Some(location) = location.filter(|_| status == StatusCode::CREATED) {
        response.insert_header(("Location", location));
    }
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        return response.finish();
    }
    response.content_type(SCIM_JSON);
    match body {
        Answer::Whole(bytes) => response.body(bytes),
        Answer::Streaming(chunks) => response.streaming(chunks),
        Answer::Failed(_) => response.finish(),
    }
}

/// The bearer token of the request.
fn token_of(req: &HttpRequest) -> Result<String, Refusal> {
    match kit::auth::bearer(req) {
        Ok(Credentials::Token(token)) => Ok(token),
        Ok(_) => Err(Refusal::from(OpError::Unauthenticated("send the SCIM token as 'Authorization: Bearer <token>'".into()))),
        Err(_) => Err(Refusal::from(OpError::Unauthenticated(
            "send the tenant's SCIM token (lmsbridge client create --tenant NAME --face scim) as 'Authorization: Bearer <token>'".into(),
        ))),
    }
}

/// The head of a successful reply: status, `ETag`, `Location`.
type Head = (StatusCode, Option<String>, Option<String>);

/// Runs `operation` for the request's token in one transaction: authenticates it, lets `work`
/// build the reply (a refusal rolls everything back) and answers it.
pub async fn answer<W>(req: &HttpRequest, state: &AppState, operation: &'static Operation, work: W) -> HttpResponse
where
    W: FnOnce(&Service, &mut Tx<'_>, &Principal) -> Result<Reply, Refusal> + Send + 'static,
{
    let token = match token_of(req) {
        Ok(token) => token,
        Err(refusal) => return refused(req, operation.name, refusal),
    };
    let credentials = Credentials::IntegrationKey { face: FACE, key: token };
    let request_id = RequestId::of(req);
    // What the work decided beyond its body: the head of the reply, or the refusal it ended with.
    let decided: Arc<Mutex<Option<Result<Head, Refusal>>>> = Arc::default();
    let slot = decided.clone();
    let outcome =
        kit::run(state, &request_id, operation.access, credentials, move |service, tx, caller, sink| match work(service, tx, caller) {
            Ok(reply) => {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(Ok((reply.status, reply.etag, reply.location)));
                match reply.body {
                    Some(body) => JsonOut::new(sink).value(&body),
                    None => Ok(()),
                }
            }
            Err(refusal) => {
                let error = OpError::Invalid(crate::service::Problem::new(crate::service::ProblemKind::Value, refusal.detail.clone()));
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(Err(refusal));
                Err(error)
            }
        })
        .await;
    let decided = decided.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (outcome, decided) {
        (Answer::Failed(_), Some(Err(refusal))) => refused(req, operation.name, refusal),
        (Answer::Failed(error), _) => refused(req, operation.name, Refusal::from(error)),
        (body, Some(Ok(head))) => respond(req, operation.name, head, body),
        (_, _) => refused(req, operation.name, Refusal::from(OpError::Internal("the operation ended without a reply".into()))),
    }
}

/// The schemas a user's attribute paths may start with.
pub const USER_URNS: &[&str] = &[model::USER_SCHEMA, model::ENTERPRISE_SCHEMA];
pub const GROUP_URNS: &[&str] = &[model::GROUP_SCHEMA];

fn is(text: &str, name: &str) -> bool {
    text.eq_ignore_ascii_case(name)
}

/// Users' attribute paths, as filters and `sortBy` name them.
pub struct Users;

impl Resolver<UserAttribute> for Users {
    fn attribute(&self, path: &AttrPath, within: Option<&AttrPath>) -> Option<UserAttribute> {
        // Inside `emails[…]` or `groups[…]`, a path names a sub-attribute of that attribute.
        let (schema, name, sub) = match within {
            Some(parent) if path.sub.is_none() => (parent.schema.as_deref(), parent.name.as_str(), Some(path.name.as_str())),
            Some(_) => return None,
            None => (path.schema.as_deref(), path.name.as_str(), path.sub.as_deref()),
        };
        let enterprise = schema.is_some_and(|s| is(s, model::ENTERPRISE_SCHEMA));
        let core = schema.is_none_or(|s| is(s, model::USER_SCHEMA));
        let sub_is = |expected: &str| sub.is_some_and(|s| is(s, expected));
        let attribute = match name.to_ascii_lowercase().as_str() {
            "id" if core && sub.is_none() => UserAttribute::Id,
            "externalid" if core && sub.is_none() => UserAttribute::ExternalId,
            "username" if core && sub.is_none() => UserAttribute::UserName,
            "name" if core && sub.is_none() => UserAttribute::Name,
            "name" if core && sub_is("givenName") => UserAttribute::GivenName,
            "name" if core && sub_is("familyName") => UserAttribute::FamilyName,
            "displayname" if core && sub.is_none() => UserAttribute::DisplayName,
            "emails" if core && (sub.is_none() || sub_is("value")) => UserAttribute::Email,
            "emails" if core && sub_is("type") => UserAttribute::EmailType,
            "active" if core && sub.is_none() => UserAttribute::Active,
            "groups" if core && (sub.is_none() || sub_is("value")) => UserAttribute::GroupId,
            "groups" if core && sub_is("display") => UserAttribute::GroupName,
            "meta" if core && sub_is("created") => UserAttribute::Created,
            "meta" if core && sub_is("lastModified") => UserAttribute::LastModified,
            "employeenumber" if (enterprise || schema.is_none()) && sub.is_none() => UserAttribute::EmployeeNumber,
            "department" if (enterprise || schema.is_none()) && sub.is_none() => UserAttribute::Department,
            "manager" if (enterprise || schema.is_none()) && (sub.is_none() || sub_is("value")) => UserAttribute::Manager,
            _ => return None,
        };
        Some(attribute)
    }

    fn memberships(&self, path: &AttrPath) -> Option<bool> {
        match path.sub {
            Some(_) => None,
            None if is(&path.name, "emails") => Some(false),
            None if is(&path.name, "groups") => Some(true),
            None => None,
        }
    }

    fn is_date_time(&self, attribute: UserAttribute) -> bool {
        attribute.kind() == Kind::DateTime
    }
}

/// Groups' attribute paths.
pub struct Groups;

impl Resolver<GroupAttribute> for Groups {
    fn attribute(&self, path: &AttrPath, within: Option<&AttrPath>) -> Option<GroupAttribute> {
        let (name, sub) = match within {
            Some(parent) if path.sub.is_none() => (parent.name.as_str(), Some(path.name.as_str())),
            Some(_) => return None,
            None => (path.name.as_str(), path.sub.as_deref()),
        };
        let sub_is = |expected: &str| sub.is_some_and(|s| is(s, expected));
        Some(match name.to_ascii_lowercase().as_str() {
            "id" if sub.is_none() => GroupAttribute::Id,
            "externalid" if sub.is_none() => GroupAttribute::ExternalId,
            "displayname" if sub.is_none() => GroupAttribute::DisplayName,
            "members" if sub.is_none() || sub_is("value") => GroupAttribute::MemberId,
            "meta" if sub_is("created") => GroupAttribute::Created,
            "meta" if sub_is("lastModified") => GroupAttribute::LastModified,
            _ => return None,
        })
    }

    fn memberships(&self, path: &AttrPath) -> Option<bool> {
        (path.sub.is_none() && is(&path.name, "members")).then_some(true)
    }

    fn is_date_time(&self, attribute: GroupAttribute) -> bool {
        attribute.kind() == Kind::DateTime
    }
}
