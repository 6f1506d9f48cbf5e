//! The Skillable face's one rendering of failures. Every answer is HTTP 200; the outcome travels in
//! `Status`: 10 Error (with `Error` saying what and which parameter), 20 Not found (the route's own
//! subject is unknown; `Error` null, `Results` empty), 30 Invalid integration key (`Error` null).

use serde_json::{Value, to_value};

use super::model::{ClassEnrollment, Created, CustomFieldAnswer, Deleted, Plain, Results, Search, UserAnswer};

use crate::service::{Entity, OpError};

/// `Status` values.
pub const SUCCESS: i32 = 0;
pub const ERROR: i32 = 10;
pub const NOT_FOUND: i32 = 20;
pub const INVALID_KEY: i32 = 30;

/// The shape of a route's answer: the envelope a failure must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// `Status`, `Error`, `Results`.
    Results,
    /// `Status`, `Error`, `Results`, `TotalCount`, `TotalPages`.
    Search,
    /// `status`, `error`, `ClassEnrollmentId` (CreateClassEnrollment's own casing).
    Created,
    /// `Status`, `Error`.
    Plain,
    /// `status`, `error` (DeleteClassEnrollment).
    Deleted,
    /// `Status`, `Error` and the custom field's properties.
    CustomField,
    /// `Status`, `Error`, `User`.
    User,
}

/// The `Status` of a failure on a route whose subject is `subject`: an unknown subject is "not
/// found"; anything else the request names that does not exist is an error in the request.
pub fn status_of(error: &OpError, subject: Entity) -> i32 {
    match error {
        OpError::Unauthenticated(_) => INVALID_KEY,
        OpError::NotFound { entity, .. } if *entity == subject => NOT_FOUND,
        _ => ERROR,
    }
}

/// What `Error` says: the detail for errors, nothing for "not found" and a bad key (the reference
/// gives `Error` a value only with `Status` 10). Internal failures name the request id instead.
fn message(error: &OpError, status: i32, request_id: &str) -> Option<String> {
    if status != ERROR {
        return None;
    }
    Some(match error {
        OpError::Invalid(problem) => problem.message.clone(),
        OpError::Unavailable(_) | OpError::Internal(_) => format!("{} (request id {request_id})", error.public_detail()),
        other => other.public_detail(),
    })
}

/// The answer to a failure, in the route's envelope.
pub fn render(error: &OpError, subject: Entity, envelope: Envelope, request_id: &str) -> Value {
    let status = status_of(error, subject);
    let error = message(error, status, request_id);
    let answer = match envelope {
        Envelope::Results => to_value(Results::<ClassEnrollment> { status, error, results: Vec::new() }),
        Envelope::Search => to_value(Search::<ClassEnrollment> { status, error, results: Vec::new(), total_count: 0, total_pages: 0 }),
        Envelope::Created => to_value(Created { status, error, class_enrollment_id: None }),
        Envelope::Plain => to_value(Plain { status, error }),
        Envelope::Deleted => to_value(Deleted { status, error }),
        Envelope::CustomField => to_value(CustomFieldAnswer { status, error, ..Default::default() }),
        Envelope::User => to_value(UserAnswer { status, error, user: None }),
    };
    answer.expect("answers serialize")
}

/// The answer to a panic in a handler of this face: still HTTP 200 in the route's envelope, `Status`
/// 10 with the request id.
pub fn panicked(envelope: Envelope, request_id: &str) -> actix_web::HttpResponse {
    let error = OpError::Internal("a handler panicked".into());
    let body = render(&error, Entity::ClassEnrollment, envelope, request_id);
    actix_web::HttpResponse::Ok().content_type("application/json; charset=utf-8").body(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Problem, ProblemKind};

    /// Every kind of failure has one `Status`, and `Error` is set exactly when it is 10.
    #[test]
    fn every_error_has_one_status() {
        for error in OpError::every_kind() {
            let subject = Entity::ClassEnrollment;
            let expected = match &error {
                OpError::Unauthenticated(_) => INVALID_KEY,
                OpError::NotFound { entity: Entity::ClassEnrollment, .. } => NOT_FOUND,
                _ => ERROR,
            };
            for envelope in [Envelope::Results, Envelope::Search, Envelope::Plain, Envelope::CustomField, Envelope::User] {
                let body = render(&error, subject, envelope, "r-1");
                assert_eq!(body["Status"], expected, "{error:?}");
                assert_eq!(body["Error"].is_string(), expected == ERROR, "{error:?} {body}");
            }
            let created = render(&error, subject, Envelope::Created, "r-1");
            assert_eq!((created["status"].as_i64(), created["ClassEnrollmentId"].is_null()), (Some(expected as i64), true));
            assert!(created.get("Status").is_none(), "CreateClassEnrollment keeps its own casing");
            let deleted = render(&error, subject, Envelope::Deleted, "r-1");
            assert_eq!((deleted["status"].as_i64(), deleted["error"].is_string()), (Some(expected as i64), expected == ERROR));
            assert!(deleted.get("Status").is_none(), "DeleteClassEnrollment keeps its own casing");
        }
        let invalid = OpError::Invalid(Problem::new(ProblemKind::Type, "classId must be a whole number").at_path("classId"));
        assert_eq!(render(&invalid, Entity::ClassEnrollment, Envelope::Results, "r")["Error"], "classId must be a whole number");
        let internal = render(&OpError::Internal("a bug".into()), Entity::Class, Envelope::Plain, "r-9");
        assert!(internal["Error"].as_str().unwrap().contains("r-9") && !internal["Error"].as_str().unwrap().contains("a bug"));
        // A class the request names that does not exist is an error of the request, not "not found".
        let unknown_class = OpError::NotFound { entity: Entity::Class, id: "5".into() };
        assert_eq!(status_of(&unknown_class, Entity::ClassEnrollment), ERROR);
        assert_eq!(status_of(&unknown_class, Entity::Class), NOT_FOUND);
    }

    #[actix_web::test]
    async fn a_panic_is_still_http_200() {
        let response = panicked(Envelope::Created, "r-3");
        assert_eq!(response.status(), 200);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["status"], ERROR, "in the route's own envelope: {body}");
        assert!(body["error"].as_str().unwrap().contains("r-3"));
    }
}
