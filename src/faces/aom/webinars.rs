//! The webinar routes: a webinar's students, the status and notes of its registrations, and its
//! attendance report. A registration is named by its course registration (the enrollment).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::answer;
use super::input::{Input, path_id};
use super::model::{self, Message};
use super::routes::{Refusals, State, required_text};
use crate::domain::activity::WebinarStatus;
use crate::domain::values::Text;
use crate::service::catalog::{self, Operation};
use crate::service::progress::{WebinarChange, WebinarStudentsRequest};
use crate::service::{Entity, OpError, ProblemKind};
use crate::store::progress::WebinarOrder;

/// A path's id, or `entity` not found.
fn in_path(req: &HttpRequest, name: &str, entity: Entity) -> Result<i64, OpError> {
    path_id(req, name).ok_or_else(|| OpError::not_found(entity, req.match_info().get(name).unwrap_or_default()))
}

/// `order_by`: `{"colName": "name", "direction": "asc"}` (or a column's name).
fn order_by(input: &Input) -> Result<(WebinarOrder, bool), OpError> {
    let invalid = || OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid.");
    let (column, direction) = match input.json("order_by") {
        Ok(None) => return Ok((WebinarOrder::Registration, false)),
        Ok(Some(Value::Object(order))) => (order.get("colName").or(order.get("field")).cloned(), order.get("direction").cloned()),
        Ok(Some(_)) | Err(_) => (input.text("order_by")?.map(Value::String), None),
    };
    let order = match column.as_ref().and_then(Value::as_str).ok_or_else(invalid)? {
        "id" => WebinarOrder::Registration,
        "name" | "first_name" => WebinarOrder::Name,
        "registered_on" => WebinarOrder::RegisteredOn,
        "last_accessed_on" => WebinarOrder::LastAccessedOn,
        "status" => WebinarOrder::Status,
        _ => return Err(invalid()),
    };
    let descending = match direction.as_ref().and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(OpError::wrong(ProblemKind::Enumeration, "order_by.direction", "The selected order by.direction is invalid."));
        }
    };
    Ok((order, descending))
}

/// The students registered for a webinar of a course (`portal_id` -1: every portal).
#[utoipa::path(get, path = "/api/courses/{course_id}/webinars/{webinar_id}/portals/{portal_id}/students", operation_id = "WebinarStudents",
    params(("course_id" = i64, Path, description = "The ID of the course to retrieve enrollments for."),
        ("webinar_id" = i64, Path, description = "The ID of the webinar to retrieve enrollments for."),
        ("portal_id" = i64, Path, description = "The portal; -1: every portal, a portal includes its sub-portals."),
        ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\": \"name\", \"direction\": \"asc\"} (name, registered_on, last_accessed_on, status, id)"),
        ("search_param" = Option<String>, Query, description = "{} (no search is served: a non-empty one is refused)")),
    responses((status = 200, description = "The webinar's students.", body = Vec<model::WebinarStudent>), Refusals))]
pub async fn students(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<WebinarStudentsRequest, OpError> = (|| {
        let course_id = in_path(&req, "course_id", Entity::Course)?;
        let webinar_id = in_path(&req, "webinar_id", Entity::Webinar)?;
        let portal = in_path(&req, "portal_id", Entity::Portal)?;
        let (page_number, page_size) = input.page()?;
        let (order, descending) = order_by(&input)?;
        match input.json("search_param")? {
            None => {}
            Some(Value::Object(search)) if search.is_empty() => {}
            // Nothing to search by is documented: a filter would silently be ignored.
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "search_param", "The selected search param is invalid.")),
        }
        let portal_id = (portal != -1).then_some(portal);
        Ok(WebinarStudentsRequest { course_id, webinar_id, portal_id, order, descending, page_number, page_size })
    })();
    answer(&req, &state, catalog::WEBINAR_STUDENTS, StatusCode::OK, move |service, tx, caller| {
        let rows = service.webinar_students(tx, caller, &request?)?;
        Ok(rows.into_iter().map(model::WebinarStudent::from).collect::<Vec<_>>())
    })
    .await
}

/// Changes the registrations `ids` of `webinarId` (within `portalId`), answering the seed's message;
/// when some were not reached, the message counts those that were.
async fn change(
    req: HttpRequest,
    state: State,
    payload: web::Payload,
    operation: &'static Operation,
    read: fn(&Input) -> Result<WebinarChange, OpError>,
    message: &'static str,
) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let ids = input.required_ids("ids")?;
        let webinar = input.required_int("webinarId")?;
        input.required_int("portalId")?;
        Ok((ids, webinar, input.portal("portalId")?, read(&input)?))
    });
    answer(&req, &state, operation, StatusCode::OK, move |service, tx, caller| {
        let (ids, webinar, portal, change) = request?;
        let reached = service.change_webinar_registrations(tx, caller, webinar, &ids, portal, &change)?;
        let mut asked = ids.clone();
        asked.sort_unstable();
        asked.dedup();
        // The seed's message has no count; a partial outcome is still said, never skipped silently.
        let message = if reached == asked.len() {
            message.to_string()
        } else {
            format!("{message} for {reached} of {} registration(s)", asked.len())
        };
        Ok(Message { message })
    })
    .await
}

/// Sets the status of webinar registrations; an attendance status records the attendance.
#[utoipa::path(put, path = "/api/webinar-registrations/status", operation_id = "UpdateWebinarRegistrationStatus",
    params(("ids" = String, Query, description = "[101, 102, 103]: course registrations"), ("status" = String, Query, description = "Registered, Attended, No Show, Cancelled, Partially Attended, or another word (kept as given)"),
        ("webinarId" = i64, Query), ("portalId" = i64, Query, description = "-1: every portal")),
    responses((status = 200, description = "Status Updated Successfully", body = Message), Refusals))]
pub async fn registration_status(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let read = |input: &Input| {
        let word = required_text(input, "status")?;
        Ok(WebinarChange::Status(WebinarStatus::parse(&word).map_err(|r| OpError::refused("status", r))?))
    };
    change(req, state, payload, catalog::WEBINAR_REGISTRATION_STATUS, read, "Status Updated Successfully").await
}

/// Sets the notes of webinar registrations.
#[utoipa::path(put, path = "/api/webinar-registrations/notes", operation_id = "UpdateWebinarRegistrationNotes",
    params(("ids" = String, Query, description = "[101, 102, 103]: course registrations"), ("webinarId" = i64, Query),
        ("portalId" = i64, Query, description = "-1: every portal"), ("notes" = String, Query)),
    responses((status = 200, description = "Notes Updated Successfully", body = Message), Refusals))]
pub async fn registration_notes(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let read = |input: &Input| {
        let notes = required_text(input, "notes")?;
        Ok(WebinarChange::Notes(Text::parse(&notes).map_err(|r| OpError::refused("notes", r))?))
    };
    change(req, state, payload, catalog::WEBINAR_REGISTRATION_NOTES, read, "Notes Updated Successfully").await
}

/// `pageNumber` (from 1) and `pageSize` (1 to 1000), both required: the report's camelCase paging.
fn camel_page(input: &Input) -> Result<(i64, i64), OpError> {
    let number = input.required_int("pageNumber")?;
    let size = input.required_int("pageSize")?;
    if number < 1 {
        return Err(OpError::wrong(ProblemKind::Value, "pageNumber", "The pageNumber field must be at least 1."));
    }
    if !(1..=1000).contains(&size) {
        return Err(OpError::wrong(ProblemKind::Value, "pageSize", "The pageSize field must be between 1 and 1000."));
    }
    Ok((number, size))
}

/// A webinar's attendance report: totals by attendance, and a page of its registrations.
#[utoipa::path(post, path = "/api/webinars/attendance-report", operation_id = "WebinarAttendanceReport",
    request_body(content = Object, description = "{\"webinarId\": 7, \"pageSize\": 12, \"pageNumber\": 1, \"portalId\": -1}"),
    responses((status = 200, description = "The report.", body = model::AttendanceReportAnswer), Refusals))]
pub async fn attendance_report(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let webinar = input.required_int("webinarId")?;
        let (number, size) = camel_page(&input)?;
        input.required_int("portalId")?;
        Ok((webinar, input.portal("portalId")?, number, size))
    });
    answer(&req, &state, catalog::WEBINAR_ATTENDANCE_REPORT, StatusCode::OK, move |service, tx, caller| {
        let (webinar, portal, number, size) = request?;
        Ok(model::AttendanceReportAnswer::from(service.attendance_report(tx, caller, webinar, portal, number, size)?))
    })
    .await
}
