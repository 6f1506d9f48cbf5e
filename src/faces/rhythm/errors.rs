//! The Rhythm face's one rendering of failures: the status code the seed lists for the failure on
//! that route, and `{"message"}` in the seed's wording for that route and code, with what exactly
//! was wrong in `detail` (and the field at fault in `field`).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use super::model::ErrorBody;
use crate::service::{Entity, OpError};

/// The seed's wording of each status on one route (its 401, 403 and 500 differ by a period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    pub invalid: &'static str,
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    /// The route's 409, where the seed lists one.
    pub conflict: Option<&'static str>,
    pub limited: &'static str,
    pub failed: &'static str,
}

const SAVE_CONFLICT: &str = "The course registration could not be saved because it refers to/depends on a non-existent object.";
const RETRIEVE_LIMIT: &str = "Limit exceeded... unable to retrieve course registration based on tenant limits.";
const NOT_FOUND: &str = "The course registration could not be found.";

pub const CREATE: Wording = Wording {
    invalid: "The course registration you supplied was invalid.",
    unauthorized: "Unauthorized.",
    forbidden: "Forbidden.",
    not_found: "The resource could not be found",
    conflict: Some(SAVE_CONFLICT),
    limited: "Limit exceeded... unable to add course registration based on tenant limits.",
    failed: "General server error.",
};

pub const SCAN: Wording = Wording {
    invalid: "The request was invalid.",
    unauthorized: "Unauthorized.",
    forbidden: "Forbidden.",
    not_found: "The resource could not be found",
    conflict: None,
    limited: "Limit exceeded... unable to add contact role based on tenant limits.",
    failed: "General server error.",
};

pub const GET: Wording = Wording {
    invalid: "The request was not valid.",
    unauthorized: "Unauthorized.",
    forbidden: "Forbidden.",
    not_found: NOT_FOUND,
    conflict: None,
    limited: RETRIEVE_LIMIT,
    failed: "General server error.",
};

pub const PUT: Wording = Wording { invalid: "The course registration supplied was not valid.", conflict: Some(SAVE_CONFLICT), ..GET };

pub const PATCH: Wording =
    Wording { invalid: "The JSON patch directive you supplied was not valid.", conflict: Some(SAVE_CONFLICT), ..GET };

pub const DELETE: Wording = Wording {
    conflict: Some("The course registration could not be deleted because other objects refers to/depends on this one."),
    limited: "Limit exceeded... unable to delete course registration based on tenant limits.",
    ..GET
};

pub const LOOKUP: Wording = Wording {
    invalid: "The request was not valid.",
    unauthorized: "Unauthorized.",
    forbidden: "Forbidden",
    not_found: "Unable to locate records",
    conflict: None,
    limited: "Limit exceeded... unable to retrieve records based on tenant limits.",
    failed: "General server error",
};

pub const GENERATE: Wording = Wording {
    invalid: "The search you supplied was invalid.",
    unauthorized: "Unauthorized",
    forbidden: "Forbidden",
    not_found: "The resource could not be found",
    conflict: None,
    limited: "Limit exceeded... unable to add order based on tenant limits.",
    failed: "General server error",
};

pub const SEARCH: Wording = Wording { conflict: Some(SAVE_CONFLICT), ..CREATE };

pub const PREVIEW: Wording =
    Wording { unauthorized: "Unauthorized", not_found: "Unable to locate any organizations with the specified domain", ..LOOKUP };

pub const BATCH: Wording =
    Wording { invalid: "The request was not valid.", forbidden: "Forbidden.", failed: "General server error", ..GET };

/// What a failure on a route is: its status code and the seed's words for it. `subjects` are what
/// the route looks up by its path (unknown: 404); anything else a request names that does not
/// exist is a reference to a non-existent object (409).
pub fn status_of(error: &OpError, subjects: &[Entity], wording: &Wording) -> (StatusCode, &'static str) {
    match error {
        OpError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, wording.unauthorized),
        OpError::Forbidden(_) => (StatusCode::FORBIDDEN, wording.forbidden),
        OpError::Invalid(_) => (StatusCode::BAD_REQUEST, wording.invalid),
        OpError::NotFound { entity, .. } if subjects.contains(entity) => (StatusCode::NOT_FOUND, wording.not_found),
        OpError::NotFound { .. } => (StatusCode::CONFLICT, wording.conflict.unwrap_or(SAVE_CONFLICT)),
        // The seed words every 409 of a route one way; what exactly clashed is in `detail`.
        OpError::Conflict { .. } => {
            (StatusCode::CONFLICT, wording.conflict.unwrap_or("The request conflicts with the record as it is now."))
        }
        OpError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, wording.limited),
        OpError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, wording.failed),
        OpError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, wording.failed),
    }
}

/// The error body of `error`: the route's words for its status, then the detail (internal
/// failures say only the request id).
pub fn body(error: &OpError, message: &'static str, request_id: &str) -> ErrorBody {
    let (detail, field) = match error {
        OpError::Invalid(problem) => (Some(problem.message.clone()), problem.path.clone()),
        OpError::Internal(_) | OpError::Unavailable(_) => (Some(error.public_detail()), None),
        other => (Some(other.public_detail()), None),
    };
    ErrorBody { message: message.to_string(), detail, field, request_id: request_id.to_string() }
}

/// The answer to a failure.
pub fn render(error: &OpError, subjects: &[Entity], wording: &Wording, request_id: &str) -> HttpResponse {
    let (status, message) = status_of(error, subjects, wording);
    let mut response = HttpResponse::build(status);
    match error {
        OpError::Throttled { retry_after_secs } => {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        OpError::Unavailable(_) => {
            response.insert_header(("Retry-After", "1"));
        }
        _ => {}
    }
    response.json(body(error, message, request_id))
}

/// The answer to a panic in a handler of this face: 500 with the seed's words and the request id.
pub fn panicked(request_id: &str) -> HttpResponse {
    render(&OpError::Internal("a handler panicked".into()), &[], &GET, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure has one status on every route, with the seed's words for it.
    #[test]
    fn every_error_has_one_status_and_the_seeds_words() {
        for error in OpError::every_kind() {
            let (status, message) = status_of(&error, &[Entity::Registration], &PUT);
            let expected = match &error {
                OpError::Unauthenticated(_) => 401,
                OpError::Forbidden(_) => 403,
                OpError::Invalid(_) => 400,
                OpError::NotFound { entity: Entity::Registration, .. } => 404,
                OpError::NotFound { .. } | OpError::Conflict { .. } => 409,
                OpError::Throttled { .. } => 429,
                OpError::Unavailable(_) => 503,
                OpError::Internal(_) => 500,
            };
            assert_eq!(status.as_u16(), expected, "{error:?}");
            assert!(!message.is_empty());
        }
        let unknown_student = OpError::NotFound { entity: Entity::User, id: "s".into() };
        assert_eq!(status_of(&unknown_student, &[Entity::Registration], &CREATE), (StatusCode::CONFLICT, SAVE_CONFLICT));
        let internal = body(&OpError::Internal("a secret bug".into()), "General server error.", "r-1");
        assert!(!internal.detail.unwrap().contains("secret"));
    }
}
