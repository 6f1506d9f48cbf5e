//! JSON in and out: request bodies read strictly into a type, and answers written as one value or
//! streamed as a list while its items come from the database.

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::body::{self, Allowance, BodyRefusal};
use super::{BodySink, write_failed};
use crate::service::{OpError, Problem, ProblemKind};
use crate::state::AppState;

const JSON: &str = "application/json";

/// Why a JSON body was not read: refused at the HTTP level (media type, size, encoding), before
/// any operation is involved, or not the JSON the route takes.
pub enum Unread {
    Refused(BodyRefusal),
    Invalid(OpError),
}

/// Reads a JSON body of type `T`: `application/json` (or a `+json` type), within the route's size
/// limit, no unknown fields (when `T` says so); a type error names the field's path.
pub async fn read<T: DeserializeOwned>(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    allowance: Allowance,
) -> Result<T, Unread> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime != JSON && !mime.ends_with("+json") {
        return Err(Unread::Refused(BodyRefusal {
            status: actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message: format!("send the body as application/json; got '{content_type}'"),
        }));
    }
    let bytes = body::read(req, payload, state.body_limits, allowance).await.map_err(Unread::Refused)?;
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
        // A missing field is named in the message only; the path is its parent's.
        let named = (kind == ProblemKind::Required).then(|| message.split('`').nth(1)).flatten();
        let field = match (path.as_str(), named) {
            (".", None) => None,
            (".", Some(name)) => Some(name.to_string()),
            (_, Some(name)) => Some(format!("{path}.{name}")),
            (_, None) => Some(path),
        };
        Unread::Invalid(OpError::Invalid(Problem {
            kind,
            message: format!("the JSON body is not valid: {message}"),
            path: field,
            line: None,
            column: None,
        }))
    })
}

/// Where a handler writes its JSON answer.
pub struct JsonOut<'s> {
    sink: &'s mut BodySink<OpError>,
}

fn serialize_failed(e: serde_json::Error) -> OpError {
    OpError::Internal(format!("writing the response failed: {e}"))
}

impl<'s> JsonOut<'s> {
    pub fn new(sink: &'s mut BodySink<OpError>) -> Self {
        JsonOut { sink }
    }

    /// One JSON value: the whole answer.
    pub fn value<T: Serialize>(&mut self, value: &T) -> Result<(), OpError> {
        serde_json::to_writer(&mut *self.sink, value).map_err(serialize_failed)
    }

    /// Streams `{"<key>": [items…]}` as the items come.
    pub fn list<T: Serialize>(
        &mut self,
        key: &str,
        produce: impl FnOnce(&mut dyn FnMut(&T) -> Result<(), OpError>) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        use std::io::Write;
        write!(self.sink, "{{\"{key}\":[").map_err(write_failed)?;
        let mut first = true;
        let sink = &mut *self.sink;
        produce(&mut |item: &T| {
            if !first {
                sink.write_all(b",").map_err(write_failed)?;
            }
            first = false;
            serde_json::to_writer(&mut *sink, item).map_err(serialize_failed)?;
            sink.checkpoint().map_err(write_failed)
        })?;
        self.sink.write_all(b"]}").map_err(write_failed)
    }
}
