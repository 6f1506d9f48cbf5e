//! The account routes: bulk upload of users, quick edit of many users, and a user's membership.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::answer;
use super::input::{Input, path_id};
use super::model::{Message, UploadAnswer};
use super::routes::{Refusals, State};
use crate::service::catalog;
use crate::service::portals::{BulkUpload, NewLearner, QuickEdit};
use crate::service::{Entity, OpError, ProblemKind};

/// A membership parameter: -1 (or 0) is none, as `portalId` -1 is no portal.
fn membership(input: &Input, name: &str) -> Result<Option<i64>, OpError> {
    Ok(input.int(name)?.filter(|id| *id > 0))
}

/// The rows of `userList`: objects with `email`, `first_name`, `last_name` and an optional
/// `password` (camelCase names accepted too); a row's fault names its field (`userList.2.email`).
fn user_list(input: &Input) -> Result<Vec<NewLearner>, OpError> {
    let rows = match input.json("userList")? {
        Some(Value::Array(rows)) => rows,
        Some(_) => return Err(OpError::wrong(ProblemKind::Type, "userList", "The user list field must be an array.")),
        None => return Err(OpError::wrong(ProblemKind::Required, "userList", "The user list field is required.")),
    };
    rows.iter()
        .enumerate()
        .map(|(index, row)| {
            if !row.is_object() {
                let field = format!("userList.{index}");
                return Err(OpError::wrong(ProblemKind::Type, &field, format!("The {field} field must be an object.")));
            }
            let text = |keys: &[&str]| {
                keys.iter()
                    .find_map(|key| row.get(*key).and_then(Value::as_str))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            };
            let required = |keys: &[&str], name: &str| {
                text(keys).ok_or_else(|| {
                    let field = format!("userList.{index}.{name}");
                    OpError::wrong(ProblemKind::Required, &field, format!("The {} field is required.", field.replace('_', " ")))
                })
            };
            Ok(NewLearner {
                email: required(&["email"], "email")?,
                first_name: required(&["first_name", "firstName"], "first_name")?,
                last_name: required(&["last_name", "lastName"], "last_name")?,
                password: text(&["password"]),
            })
        })
        .collect()
}

/// Makes users from a list, enrolls them and gives them a membership, in one transaction: a bad row
/// changes nothing.
#[utoipa::path(post, path = "/api/users/bulk-upload", operation_id = "BulkUploadUsers",
    request_body(content = Object, description = "{\"userList\": [{\"email\": \"a@example.com\", \"first_name\": \"A\", \"last_name\": \"B\", \"password\": \"…\"}], \"selectedCourses\": [1], \"selectedLearningPaths\": [], \"membershipId\": 2 (-1: none), \"portalId\": 1 (-1: none)}"),
    responses((status = 201, description = "User(s) uploaded successfully", body = UploadAnswer), Refusals))]
pub async fn bulk_upload(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let learners = user_list(&input)?;
        let courses = input.required_ids("selectedCourses")?;
        let paths = input.required_ids("selectedLearningPaths")?;
        input.required_int("membershipId")?;
        input.required_int("portalId")?;
        Ok(BulkUpload { learners, courses, paths, membership: membership(&input, "membershipId")?, portal: input.portal("portalId")? })
    });
    answer(&req, &state, catalog::BULK_UPLOAD_USERS, StatusCode::CREATED, move |service, tx, caller| {
        service.bulk_upload(tx, caller, &request?)?;
        Ok(UploadAnswer { message: "User(s) uploaded successfully".into(), is_success: "true" })
    })
    .await
}

/// Enables or disables many users, enrolls them in courses and learning paths, gives them a
/// membership: each part given, to every user named (all must be within reach, else nothing
/// changes).
#[utoipa::path(put, path = "/api/users/quick-edit", operation_id = "QuickEditUsers",
    request_body(content = Object, description = "{\"user_ids\": [1, 2], \"course_ids\": [10], \"learning_path_ids\": [5], \"disabled\": true, \"enrollMembershipId\": 2, \"portalId\": 1}"),
    responses((status = 200, description = "Users updated Successfully", body = Message), Refusals))]
pub async fn quick_edit(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        Ok(QuickEdit {
            users: input.required_ids("user_ids")?,
            courses: input.ids("course_ids")?.unwrap_or_default(),
            paths: input.ids("learning_path_ids")?.unwrap_or_default(),
            disabled: input.flag("disabled")?,
            membership: membership(&input, "enrollMembershipId")?,
            portal: input.portal("portalId")?,
        })
    });
    answer(&req, &state, catalog::QUICK_EDIT_USERS, StatusCode::OK, move |service, tx, caller| {
        service.quick_edit(tx, caller, &request?)?;
        Ok(Message { message: "Users updated Successfully".into() })
    })
    .await
}

/// Gives a user a membership until `expired_at` (the membership's own expiry when not given; a
/// moment past revokes it).
#[utoipa::path(put, path = "/api/users/{id}/membership", operation_id = "UpdateUserMembership",
    params(("id" = i64, Path, description = "The ID of the user.")),
    request_body(content = Object, description = "{\"id\": 1, \"expired_at\": \"2021-10-03 23:59:59\"} (id: the membership)"),
    responses((status = 200, description = "Membership updated successfully", body = Message), Refusals))]
pub async fn membership_of_user(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let user = path_id(&req, "id").ok_or_else(|| OpError::not_found(Entity::User, req.match_info().get("id").unwrap_or_default()));
    let request = user.and_then(|user| {
        let input = input?;
        Ok((user, input.required_int("id")?, input.date_time("expired_at")?))
    });
    answer(&req, &state, catalog::UPDATE_USER_MEMBERSHIP, StatusCode::OK, move |service, tx, caller| {
        let (user, membership, expired_at) = request?;
        service.set_user_membership(tx, caller, user, membership, expired_at)?;
        Ok(Message { message: "Membership updated successfully".into() })
    })
    .await
}
