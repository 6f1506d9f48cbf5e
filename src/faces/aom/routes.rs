//! The face's routes (the reference's Laravel-style scheme under `/api`) and their handlers. Each
//! handler reads its parameters, lets the service act, and words the answer as the seed does;
//! a parameter that is wrong is answered after the token is checked, as every other fault is.

use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::input::{Input, path_id};
use super::model::{self, CourseActivities, CourseProgress, EnrollAnswer, EnrolledLearners, Message};
use super::{FACE, accounts, answer, paths, webhooks, webinars};
use crate::domain::activity::{LEARNING_PATH_VERBS, Verb};
use crate::domain::progress::{CourseStatus, ModuleStatus};
use crate::faces::kit::answer_panics;
use crate::service::catalog::{self, Operation};
use crate::service::progress::{CourseAction, LearnersRequest, ProgressUpdate};
use crate::service::progress::{CoursesRequest, ViewType};
use crate::service::{Entity, OpError, ProblemKind};
use crate::state::AppState;
use crate::store::progress::LearnerOrder;

pub(super) type State = web::Data<AppState>;

/// Where the face's OpenAPI document is served.
pub const DOCUMENT_PATH: &str = "/aom/openapi.json";

/// The routes, as the reference proposes them: method, path under `/api`, operation.
pub const ROUTES: &[(&str, &str, &Operation)] = &[
    ("GET", "/courses/enrolled-learners", catalog::ENROLLED_LEARNERS),
    ("POST", "/courses/{id}/enrollments", catalog::ENROLL_LEARNERS),
    ("DELETE", "/courses/{id}/enrollments", catalog::REMOVE_LEARNERS),
    ("POST", "/courses/{id}/enrollments/remove", catalog::REMOVE_LEARNERS),
    ("POST", "/courses/{id}/enrollments/reset-progress", catalog::RESET_PROGRESS),
    ("POST", "/courses/{id}/enrollments/revoke-access", catalog::REVOKE_ACCESS),
    ("POST", "/courses/{id}/enrollments/grant-access", catalog::GRANT_ACCESS),
    ("POST", "/courses/{id}/enrollments/set-expiry", catalog::SET_EXPIRY),
    ("POST", "/courses/{id}/enrollments/assign-certificate", catalog::ASSIGN_CERTIFICATE),
    ("GET", "/course-registrations/{id}/progress", catalog::COURSE_PROGRESS),
    ("PUT", "/course-registrations/{id}/progress", catalog::UPDATE_COURSE_PROGRESS),
    ("GET", "/courses/activities", catalog::COURSE_ACTIVITIES),
    ("GET", "/lookups/course-statuses", catalog::COURSE_STATUS_LOOKUP),
    ("GET", "/lookups/course-activities", catalog::COURSE_ACTIVITY_LOOKUP),
    ("GET", "/lookups/learning-path-activities", catalog::LEARNING_PATH_ACTIVITY_LOOKUP),
    ("GET", "/course-registrations/{id}/gradebook", catalog::GRADEBOOK),
    ("GET", "/course-registrations/{registrationId}/launch", catalog::LAUNCH),
    ("GET", "/lookups/course-enrolled-users", catalog::ENROLLED_USER_LOOKUP),
    ("GET", "/courses/info", catalog::COURSE_INFO),
    ("PUT", "/courses/auto-enroll", catalog::AUTO_ENROLL_COURSES),
    ("GET", "/users/enrolled-courses", catalog::USER_ENROLLED_COURSES),
    ("GET", "/users/{id}/certificates", catalog::USER_CERTIFICATES),
    ("PUT", "/user-certificates/{rowId}/dates", catalog::UPDATE_CERTIFICATE_DATES),
    ("GET", "/users/activities", catalog::USER_ACTIVITIES),
    ("GET", "/users/dashboard-statistics", catalog::USER_DASHBOARD),
    ("POST", "/portals", catalog::CREATE_PORTAL),
    ("POST", "/portals/{portalId}/sub-portals", catalog::ADD_SUB_PORTALS),
    ("GET", "/portals/details", catalog::PORTAL_DETAILS),
    ("GET", "/portals/{portalId}", catalog::PORTAL_DETAILS),
    ("GET", "/lookups/portals", catalog::LOOKUP_PORTALS),
    ("POST", "/portals/learners", catalog::ADD_PORTAL_LEARNERS),
    ("POST", "/portals/learner-list", catalog::ADD_TO_LEARNER_LIST),
    ("POST", "/portals/users/remove", catalog::REMOVE_PORTAL_USERS),
    ("PUT", "/portals/users/status", catalog::PORTAL_USER_STATUS),
    ("GET", "/portals/courses", catalog::PORTAL_COURSES),
    ("GET", "/portals/users", catalog::PORTAL_USERS),
    ("PUT", "/users/current-portal", catalog::CURRENT_PORTAL),
    ("GET", "/learning-paths/enrolled-students", catalog::PATH_STUDENTS),
    ("POST", "/learning-paths/{id}/enrollments", catalog::ENROLL_PATH_STUDENTS),
    ("POST", "/learning-paths/{id}/enrollments/remove", catalog::REMOVE_PATH_LEARNERS),
    ("POST", "/learning-paths/{id}/enrollments/assign-certificate", catalog::ASSIGN_PATH_CERTIFICATE),
    ("GET", "/learning-path-registrations/{registrationId}/launch", catalog::LAUNCH_PATH),
    ("POST", "/reports/course-detail", catalog::COURSE_DETAIL_REPORT),
    ("POST", "/reports/lms-overview", catalog::LMS_OVERVIEW_REPORT),
    ("GET", "/reports/learning-paths/{searchPortalIds}/{learning_path_ids}", catalog::PATH_DETAIL_REPORT),
    ("GET", "/reports/learning-paths-overview", catalog::PATHS_OVERVIEW_REPORT),
    ("GET", "/learning-paths/activities", catalog::PATH_ACTIVITIES),
    ("GET", "/portals/{portalId}/learning-paths", catalog::PORTAL_PATHS),
    ("GET", "/portals/{portalId}/my-learning-paths", catalog::MY_PORTAL_PATHS),
    ("GET", "/users/learning-paths", catalog::USER_PATHS),
    ("POST", "/portals/catalog", catalog::PORTAL_CATALOG),
    ("POST", "/portals/my-courses", catalog::MY_PORTAL_COURSES),
    ("GET", "/users/course-report", catalog::USER_COURSE_REPORT),
    ("GET", "/courses/{course_id}/webinars/{webinar_id}/portals/{portal_id}/students", catalog::WEBINAR_STUDENTS),
    ("PUT", "/webinar-registrations/status", catalog::WEBINAR_REGISTRATION_STATUS),
    ("PUT", "/webinar-registrations/notes", catalog::WEBINAR_REGISTRATION_NOTES),
    ("POST", "/webinars/attendance-report", catalog::WEBINAR_ATTENDANCE_REPORT),
    ("POST", "/users/bulk-upload", catalog::BULK_UPLOAD_USERS),
    ("PUT", "/users/quick-edit", catalog::QUICK_EDIT_USERS),
    ("PUT", "/users/{id}/membership", catalog::UPDATE_USER_MEMBERSHIP),
    ("GET", "/webhooks", catalog::LIST_WEBHOOKS),
    ("POST", "/webhooks", catalog::CREATE_WEBHOOK),
    ("PUT", "/webhooks/{id}", catalog::UPDATE_WEBHOOK),
    ("PATCH", "/webhooks/{id}", catalog::UPDATE_WEBHOOK),
    ("DELETE", "/webhooks/{id}", catalog::DELETE_WEBHOOK),
    ("GET", "/webhooks/{id}/logs", catalog::LIST_WEBHOOK_DELIVERIES),
];

/// Mounts the face at `/api` and under `prefix` (when it is not the root). Each route is its own
/// resource: a scope at `/api` would hide the JSON mirror's `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig, prefix: &str) {
    cfg.route(
        DOCUMENT_PATH,
        crate::state::get_or_head().to(|| async { HttpResponse::Ok().content_type("application/json").body(document()) }),
    );
    let prefix = prefix.trim_end_matches('/');
    if !prefix.is_empty() {
        register(cfg, prefix);
    }
    register(cfg, "");
}

fn register(cfg: &mut web::ServiceConfig, prefix: &str) {
    // One resource a path, with a route for each of its methods (a second resource on the same
    // path would never be reached: the first answers 405).
    macro_rules! at {
        ($path:literal $(, $method:ident => $handler:expr)+) => {
            cfg.service(
                web::resource(format!("{prefix}/api{}", $path))
                    .wrap(from_fn(|req, next| answer_panics(super::panicked, FACE, req, next)))
                    $(.route(web::$method().to($handler)))+,
            );
        };
    }
    at!("/courses/enrolled-learners", get => enrolled_learners);
    at!("/courses/activities", get => course_activities);
    at!("/courses/{id}/enrollments", post => enroll, delete => remove_by_delete);
    at!("/courses/{id}/enrollments/remove", post => remove);
    at!("/courses/{id}/enrollments/reset-progress", post => reset_progress);
    at!("/courses/{id}/enrollments/revoke-access", post => revoke_access);
    at!("/courses/{id}/enrollments/grant-access", post => grant_access);
    at!("/courses/{id}/enrollments/set-expiry", post => set_expiry);
    at!("/courses/{id}/enrollments/assign-certificate", post => assign_certificate);
    at!("/course-registrations/{id}/progress", get => course_progress, put => update_course_progress);
    at!("/lookups/course-statuses", get => course_statuses);
    at!("/lookups/course-activities", get => course_activity_verbs);
    at!("/lookups/learning-path-activities", get => learning_path_activity_verbs);
    at!("/course-registrations/{id}/gradebook", get => gradebook);
    at!("/course-registrations/{registrationId}/launch", get => launch);
    at!("/lookups/course-enrolled-users", get => enrolled_user_lookup);
    at!("/courses/info", get => course_info);
    at!("/courses/auto-enroll", put => auto_enroll);
    at!("/users/enrolled-courses", get => user_enrolled_courses);
    at!("/users/{id}/certificates", get => user_certificates);
    at!("/user-certificates/{rowId}/dates", put => certificate_dates);
    at!("/users/activities", get => user_activities);
    at!("/users/dashboard-statistics", get => user_dashboard);
    at!("/portals", post => create_portal);
    at!("/portals/details", get => portal_details);
    at!("/portals/learners", post => add_portal_learners);
    at!("/portals/learner-list", post => add_to_learner_list);
    at!("/portals/users/remove", post => remove_portal_users);
    at!("/portals/users/status", put => portal_user_status);
    at!("/portals/courses", get => portal_courses);
    at!("/portals/users", get => portal_users);
    at!("/portals/catalog", post => portal_catalog);
    at!("/portals/my-courses", post => my_portal_courses);
    at!("/portals/{portalId}/learning-paths", get => paths::portal_paths);
    at!("/portals/{portalId}/my-learning-paths", get => paths::my_portal_paths);
    at!("/portals/{portalId}/sub-portals", post => add_sub_portals);
    at!("/portals/{portalId}", get => portal_by_id);
    at!("/lookups/portals", get => lookup_portals);
    at!("/users/current-portal", put => current_portal);
    at!("/learning-paths/enrolled-students", get => path_students);
    at!("/learning-paths/{id}/enrollments", post => enroll_path_students);
    at!("/learning-paths/{id}/enrollments/remove", post => remove_path_learners);
    at!("/learning-paths/{id}/enrollments/assign-certificate", post => assign_path_certificate);
    at!("/learning-path-registrations/{registrationId}/launch", get => launch_path);
    at!("/reports/course-detail", post => course_detail_report);
    at!("/reports/lms-overview", post => lms_overview_report);
    at!("/reports/learning-paths/{searchPortalIds}/{learning_path_ids}", get => paths::path_report);
    at!("/reports/learning-paths-overview", get => paths::paths_overview);
    at!("/learning-paths/activities", get => paths::path_activities);
    at!("/users/learning-paths", get => paths::user_paths);
    at!("/users/course-report", get => user_course_report);
    at!("/courses/{course_id}/webinars/{webinar_id}/portals/{portal_id}/students", get => webinars::students);
    at!("/webinar-registrations/status", put => webinars::registration_status);
    at!("/webinar-registrations/notes", put => webinars::registration_notes);
    at!("/webinars/attendance-report", post => webinars::attendance_report);
    at!("/users/bulk-upload", post => accounts::bulk_upload);
    at!("/users/quick-edit", put => accounts::quick_edit);
    at!("/users/{id}/membership", put => accounts::membership_of_user);
    at!("/webhooks", get => webhooks::list, post => webhooks::create);
    at!("/webhooks/{id}", put => webhooks::update, patch => webhooks::update_by_patch, delete => webhooks::delete);
    at!("/webhooks/{id}/logs", get => webhooks::logs);
}

/// The face's OpenAPI 3.1 document, built once.
pub fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| <Document as utoipa::OpenApi>::openapi().to_pretty_json().expect("the OpenAPI document serializes"))
}

/// The token in `Authorization: Bearer`.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "lmsbridge: Academy Of Mine LMS API (enrollments)",
        description = "Academy Of Mine's enrollment operations at the routes the reference proposes. Errors as Laravel answers them: 401 {\"message\":\"Unauthenticated.\"}, 403, 404 {\"message\":\"<Resource> not found\"}, 422 {\"message\", \"errors\": {field: [..]}}."
    ),
    paths(
        enrolled_learners,
        enroll,
        remove_by_delete,
        remove,
        reset_progress,
        revoke_access,
        grant_access,
        set_expiry,
        assign_certificate,
        course_progress,
        update_course_progress,
        course_activities,
        course_statuses,
        course_activity_verbs,
        learning_path_activity_verbs,
        gradebook,
        launch,
        enrolled_user_lookup,
        course_info,
        auto_enroll,
        user_enrolled_courses,
        user_certificates,
        certificate_dates,
        user_activities,
        user_dashboard,
        create_portal,
        add_sub_portals,
        portal_details,
        portal_by_id,
        lookup_portals,
        add_portal_learners,
        add_to_learner_list,
        remove_portal_users,
        portal_user_status,
        portal_courses,
        portal_users,
        current_portal,
        path_students,
        enroll_path_students,
        remove_path_learners,
        assign_path_certificate,
        launch_path,
        course_detail_report,
        lms_overview_report,
        super::paths::path_report,
        super::paths::paths_overview,
        super::paths::path_activities,
        super::paths::portal_paths,
        super::paths::my_portal_paths,
        super::paths::user_paths,
        portal_catalog,
        my_portal_courses,
        user_course_report,
        webinars::students,
        webinars::registration_status,
        webinars::registration_notes,
        webinars::attendance_report,
        accounts::bulk_upload,
        accounts::quick_edit,
        webhooks::create,
        webhooks::list,
        webhooks::update,
        webhooks::update_by_patch,
        webhooks::delete,
        webhooks::logs,
        accounts::membership_of_user
    ),
    components(schemas(Message)),
    modifiers(&BearerToken),
    security(("bearer" = []))
)]
struct Document;

/// The documented errors of every route.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(super) enum Refusals {
    /// No token, or a token that is not valid.
    #[response(status = 401)]
    Unauthenticated(Message),
    /// The token's role may not do this.
    #[response(status = 403)]
    Forbidden(Message),
    /// What the path or a parameter names does not exist.
    #[response(status = 404)]
    NotFound(Message),
    /// A parameter is missing or wrong: `errors` names it.
    #[response(status = 422)]
    Invalid(Message),
}

/// The course's id in the path: not a number, no course.
fn course_in_path(req: &HttpRequest) -> Result<i64, OpError> {
    path_id(req, "id").ok_or_else(|| OpError::not_found(Entity::Course, req.match_info().get("id").unwrap_or_default()))
}

/// `order_by`: a column's name, or `{"colName", "direction"}` (also as a JSON string, or a list
/// of `{"field", "direction"}` whose first entry counts).
fn order_by(input: &Input) -> Result<(LearnerOrder, bool), OpError> {
    let invalid = || OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid.");
    let (column, direction) = match input.json("order_by") {
        Ok(None) => return Ok((LearnerOrder::Enrollment, false)),
        Ok(Some(Value::Object(order))) => (order.get("colName").or(order.get("field")).cloned(), order.get("direction").cloned()),
        Ok(Some(Value::Array(orders))) => match orders.first() {
            Some(Value::Object(order)) => (order.get("field").or(order.get("colName")).cloned(), order.get("direction").cloned()),
            _ => return Err(invalid()),
        },
        Ok(Some(_)) | Err(_) => (input.text("order_by")?.map(Value::String), None),
    };
    let column = column.as_ref().and_then(Value::as_str).ok_or_else(invalid)?;
    let order = match column {
        "id" => LearnerOrder::Enrollment,
        "registered_on" => LearnerOrder::RegisteredOn,
        "first_name" => LearnerOrder::FirstName,
        "last_name" => LearnerOrder::LastName,
        "status" | "display_status" => LearnerOrder::Status,
        "percentComplete" | "percent_complete" => LearnerOrder::PercentComplete,
        "started_on" => LearnerOrder::StartedOn,
        "completed_on" => LearnerOrder::CompletedOn,
        "expire_on" => LearnerOrder::ExpireOn,
        "last_accessed_on" => LearnerOrder::LastAccessedOn,
        _ => return Err(invalid()),
    };
    let descending = match direction.as_ref().and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") | Some("ascending") => false,
        Some("desc") | Some("descending") => true,
        Some(_) => {
            return Err(OpError::wrong(ProblemKind::Enumeration, "order_by.direction", "The selected order by.direction is invalid."));
        }
    };
    Ok((order, descending))
}

/// `search_param`: `{"status": [..], "nameOrEmail": ".."}`.
fn search(input: &Input) -> Result<(Vec<CourseStatus>, Option<String>), OpError> {
    match input.json("search_param")? {
        Some(search) => search_of(&search),
        None => Ok((Vec::new(), None)),
    }
}

/// A course status in `search_param`, refused in Laravel's words for an `in` rule.
fn status_word(word: &str) -> Result<CourseStatus, OpError> {
    CourseStatus::parse_any_case(word)
        .map_err(|_| OpError::wrong(ProblemKind::Enumeration, "search_param.status", "The selected search param.status is invalid."))
}

/// A `search_param` object: `{"status": [..], "nameOrEmail": ".."}`.
fn search_of(search: &Value) -> Result<(Vec<CourseStatus>, Option<String>), OpError> {
    let Value::Object(search) = search else {
        return Err(OpError::wrong(ProblemKind::Type, "search_param", "The search param field must be a JSON object."));
    };
    let statuses = match search.get("status") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(words)) => words
            .iter()
            .map(|word| {
                word.as_str()
                    .ok_or_else(|| {
                        OpError::wrong(ProblemKind::Type, "search_param.status", "The search param.status field must hold texts.")
                    })
                    .and_then(status_word)
            })
            .collect::<Result<_, _>>()?,
        Some(Value::String(word)) => {
            vec![status_word(word)?]
        }
        Some(_) => return Err(OpError::wrong(ProblemKind::Type, "search_param.status", "The search param.status field must be an array.")),
    };
    let name = search.get("nameOrEmail").and_then(Value::as_str).map(str::trim).filter(|name| !name.is_empty()).map(str::to_string);
    Ok((statuses, name))
}

/// A course's learners: totals by status, and a page filtered, searched and sorted.
#[utoipa::path(get, path = "/api/courses/enrolled-learners", operation_id = "EnrolledLearners",
    params(("course_id" = i64, Query, description = "The ID of course."),
        ("portalId" = i64, Query, description = "The portal ID to filter users by portal and sub-portals. Use -1 to skip portal filtering."),
        ("page_size" = i64, Query, description = "Number of the results you want in each page."),
        ("page_number" = i64, Query, description = "Current Page number."),
        ("order_by" = Option<String>, Query, description = "A column (registered_on) or {\"colName\", \"direction\"}."),
        ("search_param" = Option<String>, Query, description = "{\"status\":[\"Not Started\",\"In Progress\"],\"nameOrEmail\":\"John Doe\"}")),
    responses((status = 200, description = "The course's learners.", body = EnrolledLearners), Refusals))]
pub async fn enrolled_learners(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<LearnersRequest, OpError> = (|| {
        let course_id = input.required_int("course_id")?;
        input.required_int("portalId")?;
        let portal_id = input.portal("portalId")?;
        let (page_number, page_size) = input.page()?;
        let (order, descending) = order_by(&input)?;
        let (statuses, name_or_email) = search(&input)?;
        Ok(LearnersRequest { course_id, portal_id, statuses, name_or_email, order, descending, page_number, page_size })
    })();
    answer(&req, &state, catalog::ENROLLED_LEARNERS, StatusCode::OK, move |service, tx, caller| {
        Ok(EnrolledLearners::from(service.course_learners(tx, caller, &request?)?))
    })
    .await
}

/// Enrolls learners in a course.
#[utoipa::path(post, path = "/api/courses/{id}/enrollments", operation_id = "EnrollLearners",
    params(("id" = i64, Path, description = "ID of the course.")),
    request_body(content = Object, description = "{\"studentIds\": [2, 3], \"portalId\": 5}"),
    responses((status = 200, description = "N student(s) enrolled successfully", body = EnrollAnswer), Refusals))]
pub async fn enroll(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = course_in_path(&req).and_then(|course| {
        let input = input?;
        Ok((course, input.required_ids("studentIds")?, input.portal("portalId")?))
    });
    answer(&req, &state, catalog::ENROLL_LEARNERS, StatusCode::OK, move |service, tx, caller| {
        let (course, students, portal) = request?;
        let outcome = service.enroll_in_course(tx, caller, course, &students, portal)?;
        Ok(EnrollAnswer {
            message: format!("{} student(s) enrolled successfully", outcome.enrolled),
            enrolled_users_count: outcome.enrolled,
            not_enrolled_users: outcome.not_enrolled,
        })
    })
    .await
}

/// An action on many of a course's enrollments, answered with the seed's message for the count.
async fn act(
    req: HttpRequest,
    state: State,
    payload: web::Payload,
    operation: &'static Operation,
    action: fn(&Input) -> Result<CourseAction, OpError>,
    message: fn(usize) -> String,
) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = course_in_path(&req).and_then(|course| {
        let input = input?;
        Ok((course, input.required_ids("enrollmentIds")?, action(&input)?))
    });
    answer(&req, &state, operation, StatusCode::OK, move |service, tx, caller| {
        let (course, ids, action) = request?;
        let reached = service.act_on_course_enrollments(tx, caller, course, &ids, action)?;
        Ok(Message { message: message(reached) })
    })
    .await
}

macro_rules! course_action {
    ($(#[doc = $doc:literal])* $handler:ident, $path:literal, $operation:ident, $id:literal, $example:literal, $action:expr, $message:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, operation_id = $id,
            params(("id" = i64, Path, description = "ID of the course.")),
            request_body(content = Object, description = $example),
            responses((status = 200, description = "The count of enrollments reached, in the seed's words.", body = Message), Refusals))]
        pub async fn $handler(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
            act(req, state, payload, catalog::$operation, $action, $message).await
        }
    };
}

course_action!(
    /// Removes learners from a course (their enrollments are deleted).
    remove, "/api/courses/{id}/enrollments/remove", REMOVE_LEARNERS, "RemoveLearners", "{\"enrollmentIds\": [2, 3]}",
    |_| Ok(CourseAction::Remove), |n| format!("{n} student(s) removed successfully")
);
/// Removes learners from a course: the same as `POST …/enrollments/remove`.
#[utoipa::path(delete, path = "/api/courses/{id}/enrollments", operation_id = "RemoveLearnersByDelete",
    params(("id" = i64, Path, description = "ID of the course.")),
    request_body(content = Object, description = "{\"enrollmentIds\": [2, 3]}"),
    responses((status = 200, description = "N student(s) removed successfully", body = Message), Refusals))]
pub async fn remove_by_delete(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    remove(req, state, payload).await
}

course_action!(
    /// Resets learners' progress: no completion, no start, no module progress, no certificate.
    reset_progress, "/api/courses/{id}/enrollments/reset-progress", RESET_PROGRESS, "ResetProgress", "{\"enrollmentIds\": [2, 3]}",
    |_| Ok(CourseAction::Reset), |n| format!("{n} student(s) progress is reset successfully")
);
course_action!(
    /// Revokes learners' access to the course; the enrollments stay.
    revoke_access, "/api/courses/{id}/enrollments/revoke-access", REVOKE_ACCESS, "RevokeAccess", "{\"enrollmentIds\": [8, 7]}",
    |_| Ok(CourseAction::Revoke), |n| format!("{n} learner(s) access has been revoked successfully")
);
course_action!(
    /// Grants learners access to the course again.
    grant_access, "/api/courses/{id}/enrollments/grant-access", GRANT_ACCESS, "GrantAccess", "{\"enrollmentIds\": [9, 6]}",
    |_| Ok(CourseAction::Grant), |n| format!("{n} learner(s) access has been granted successfully")
);
course_action!(
    /// Sets the moment learners' access ends (`expiryDate`: Y-m-d H:i:s, or Y-m-d for its start).
    set_expiry, "/api/courses/{id}/enrollments/set-expiry", SET_EXPIRY, "SetExpiry", "{\"enrollmentIds\": [2, 3], \"expiryDate\": \"2030-01-31\"}",
    |input| {
        let at = input.date_time("expiryDate")?.ok_or_else(|| {
            OpError::wrong(ProblemKind::Required, "expiryDate", "The expiryDate field is required.")
        })?;
        Ok(CourseAction::SetExpiry(at))
    },
    |n| format!("Expiration date is successfully updated for {n} student(s)")
);
course_action!(
    /// Issues learners the course's certificate (the course needs a certificate template).
    assign_certificate, "/api/courses/{id}/enrollments/assign-certificate", ASSIGN_CERTIFICATE, "AssignCertificate", "{\"enrollmentIds\": [2, 3]}",
    |_| Ok(CourseAction::AssignCertificate), |n| format!("Certificate is successfully assigned to {n} student(s)")
);

/// One enrollment's progress through its course.
#[utoipa::path(get, path = "/api/course-registrations/{id}/progress", operation_id = "CourseProgress",
    params(("id" = i64, Path, description = "Course registration ID for the student of the course you want to see progress."),
        ("userId" = i64, Query, description = "ID of the user.")),
    responses((status = 200, description = "The progress.", body = CourseProgress), Refusals))]
pub async fn course_progress(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request = path_id(&req, "id")
        .ok_or_else(|| OpError::not_found(Entity::Enrollment, req.match_info().get("id").unwrap_or_default()))
        .and_then(|id| Ok((id, input.required_int("userId")?)));
    answer(&req, &state, catalog::COURSE_PROGRESS, StatusCode::OK, move |service, tx, caller| {
        let (id, user) = request?;
        Ok(CourseProgress::from(service.course_progress(tx, caller, id, user)?))
    })
    .await
}

/// Updates what is given of an enrollment's progress (the parameters in the query string, as
/// the seed has them, or in a JSON body).
#[utoipa::path(put, path = "/api/course-registrations/{id}/progress", operation_id = "UpdateCourseProgress",
    params(("id" = i64, Path, description = "The course registration (or, with userId, the course)."),
        ("userId" = Option<i64>, Query), ("enrollmentDate" = Option<String>, Query, description = "Y-m-d H:i:s"),
        ("expiryDate" = Option<String>, Query, description = "Y-m-d H:i:s"), ("startDate" = Option<String>, Query, description = "Y-m-d H:i:s"),
        ("completionDate" = Option<String>, Query, description = "Y-m-d H:i:s"), ("lastAccessed" = Option<String>, Query, description = "Y-m-d H:i:s"),
        ("status" = Option<String>, Query, description = "Not Started, In Progress or Completed"),
        ("modules" = Option<String>, Query, description = "[{\"module_id\": 16, \"status\": \"Not Started\"}]")),
    responses((status = 200, description = "Course updated Successfully", body = Message), Refusals))]
pub async fn update_course_progress(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = path_id(&req, "id")
        .ok_or_else(|| OpError::not_found(Entity::Enrollment, req.match_info().get("id").unwrap_or_default()))
        .and_then(|id| {
            let input = input?;
            let status = input
                .text("status")?
                .map(|word| CourseStatus::parse_any_case(&word).map_err(|r| OpError::refused("status", r)))
                .transpose()?;
            let modules = match input.json("modules")? {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let field = format!("modules.{index}");
                        let module = item.get("module_id").and_then(|id| id.as_i64().or_else(|| id.as_str()?.parse().ok()));
                        let status = item.get("status").and_then(Value::as_str);
                        match (module, status) {
                            (Some(module), Some(status)) => ModuleStatus::parse_any_case(status)
                                .map(|status| (module, status))
                                .map_err(|r| OpError::refused(format!("{field}.status"), r)),
                            _ => {
                                Err(OpError::wrong(ProblemKind::Type, &field, format!("The {field} field must have module_id and status.")))
                            }
                        }
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(OpError::wrong(ProblemKind::Type, "modules", "The modules field must be an array.")),
            };
            let update = ProgressUpdate {
                enrolled_at: input.date_time("enrollmentDate")?,
                expires_at: input.date_time("expiryDate")?,
                started_at: input.date_time("startDate")?,
                completed_at: input.date_time("completionDate")?,
                last_accessed_at: input.date_time("lastAccessed")?,
                status,
                modules,
            };
            Ok((id, input.int("userId")?, update))
        });
    answer(&req, &state, catalog::UPDATE_COURSE_PROGRESS, StatusCode::OK, move |service, tx, caller| {
        let (id, user, update) = request?;
        service.update_course_progress(tx, caller, id, user, &update)?;
        Ok(Message { message: "Course updated Successfully".into() })
    })
    .await
}

/// A page of a course's activity, newest first.
#[utoipa::path(get, path = "/api/courses/activities", operation_id = "CourseActivities",
    params(("course_id" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\":\"created_at\", \"direction\":\"asc\"} (newest first by default)"),
        ("search_param" = Option<String>, Query, description = "{\"nameOrEmail\":\"John Doe\"}"),
        ("portalId" = Option<i64>, Query, description = "-1: every portal"), ("context" = Option<String>, Query)),
    responses((status = 200, description = "The course's activity.", body = CourseActivities), Refusals))]
pub async fn course_activities(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let oldest_first = activity_order(&input)?;
        let (_, name) = search(&input)?;
        Ok((input.required_int("course_id")?, input.portal("portalId")?, name, oldest_first, input.page()?))
    })();
    answer(&req, &state, catalog::COURSE_ACTIVITIES, StatusCode::OK, move |service, tx, caller| {
        let (course, portal, name, oldest_first, (number, size)) = request?;
        let (course_name, total, filtered, entries) =
            service.course_activity(tx, caller, course, portal, name.as_deref(), oldest_first, number, size)?;
        Ok(CourseActivities {
            course_name,
            featured_image: None,
            records_total: total,
            records_filtered: filtered,
            records: entries.into_iter().map(model::ActivityRecord::from).collect(),
        })
    })
    .await
}

/// An activity list's `order_by`: only `created_at`, newest first unless `asc`; true for oldest
/// first.
pub(super) fn activity_order(input: &Input) -> Result<bool, OpError> {
    let invalid = || OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid.");
    match input.json("order_by") {
        Ok(None) => Ok(false),
        Ok(Some(Value::Object(order))) => {
            if order.get("colName").or(order.get("field")).and_then(Value::as_str).is_some_and(|c| c != "created_at") {
                return Err(invalid());
            }
            Ok(order.get("direction").and_then(Value::as_str).is_some_and(|d| d.eq_ignore_ascii_case("asc")))
        }
        _ => Err(invalid()),
    }
}

/// Refuses a request without these parameters (the seed marks them required, though empty will do).
pub(super) fn require_present(input: &Input, names: &[&str]) -> Result<(), OpError> {
    for &name in names {
        if input.json(name)?.is_none() {
            return Err(OpError::wrong(ProblemKind::Required, name, format!("The {} field is required.", name.replace('_', " "))));
        }
    }
    Ok(())
}

/// A lookup: the same for every caller, once the token is checked.
async fn lookup(req: HttpRequest, state: State, operation: &'static Operation, options: fn() -> Vec<model::LookupOption>) -> HttpResponse {
    answer(&req, &state, operation, StatusCode::OK, move |service, tx, caller| {
        service.member(tx, caller)?;
        Ok(options())
    })
    .await
}

/// The course statuses.
#[utoipa::path(get, path = "/api/lookups/course-statuses", operation_id = "CourseStatusLookup",
    responses((status = 200, description = "[{db_value, display_value}]", body = Vec<model::LookupOption>), Refusals))]
pub async fn course_statuses(req: HttpRequest, state: State) -> HttpResponse {
    lookup(req, state, catalog::COURSE_STATUS_LOOKUP, || model::lookup(CourseStatus::ALL.map(|s| (s.as_str(), s.as_str())))).await
}

/// The 21 course activity verbs.
#[utoipa::path(get, path = "/api/lookups/course-activities", operation_id = "CourseActivityLookup",
    responses((status = 200, description = "[{db_value, display_value}]", body = Vec<model::LookupOption>), Refusals))]
pub async fn course_activity_verbs(req: HttpRequest, state: State) -> HttpResponse {
    lookup(req, state, catalog::COURSE_ACTIVITY_LOOKUP, || model::verbs(&Verb::ALL)).await
}

/// The learning-path activity verbs.
#[utoipa::path(get, path = "/api/lookups/learning-path-activities", operation_id = "LearningPathActivityLookup",
    responses((status = 200, description = "[{db_value, display_value}]", body = Vec<model::LookupOption>), Refusals))]
pub async fn learning_path_activity_verbs(req: HttpRequest, state: State) -> HttpResponse {
    lookup(req, state, catalog::LEARNING_PATH_ACTIVITY_LOOKUP, || model::verbs(&LEARNING_PATH_VERBS)).await
}

fn registration_in_path(req: &HttpRequest, name: &str) -> Result<i64, OpError> {
    path_id(req, name).ok_or_else(|| OpError::not_found(Entity::Enrollment, req.match_info().get(name).unwrap_or_default()))
}

/// The moment the answers measure "ago" and "expired" from.
fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// An enrollment's gradebook: modules, marks, time spent.
#[utoipa::path(get, path = "/api/course-registrations/{id}/gradebook", operation_id = "GradebookData",
    params(("id" = i64, Path, description = "Course registration ID."), ("userId" = i64, Query, description = "ID of the user.")),
    responses((status = 200, description = "The gradebook.", body = model::Gradebook), Refusals))]
pub async fn gradebook(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request = registration_in_path(&req, "id").and_then(|id| Ok((id, input.required_int("userId")?)));
    answer(&req, &state, catalog::GRADEBOOK, StatusCode::OK, move |service, tx, caller| {
        let (id, user) = request?;
        Ok(model::Gradebook::of(service.course_progress(tx, caller, id, user)?, now()))
    })
    .await
}

/// Launches a course (with `info`, only reads it: nothing starts).
#[utoipa::path(get, path = "/api/course-registrations/{registrationId}/launch", operation_id = "Launch",
    params(("registrationId" = i64, Path, description = "Registration ID of the course."),
        ("info" = Option<String>, Query, description = "Given: the course is not started, only read."),
        ("portalId" = i64, Query, description = "Portal ID of the user."),
        ("moduleIds" = Option<Vec<String>>, Query, description = "Only these modules.")),
    responses((status = 200, description = "The course, launched.", body = model::Launch), Refusals))]
pub async fn launch(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request = registration_in_path(&req, "registrationId").and_then(|id| {
        input.required_int("portalId")?;
        let modules = input.ids("moduleIds")?.unwrap_or_default();
        Ok((id, input.text("info")?.is_some(), modules))
    });
    answer(&req, &state, catalog::LAUNCH, StatusCode::OK, move |service, tx, caller| {
        let (id, info_only, modules) = request?;
        Ok(model::Launch::of(service.launch_course(tx, caller, id, info_only)?, &modules, now()))
    })
    .await
}

/// The learners of a course whose name or e-mail contains the search term.
#[utoipa::path(get, path = "/api/lookups/course-enrolled-users", operation_id = "EnrolledUserLookup",
    params(("search_term" = String, Query, description = "First name, last name, e-mail or full name."),
        ("id" = i64, Query, description = "The ID of the course."), ("portalId" = Option<i64>, Query, description = "-1: every portal")),
    responses((status = 200, description = "[{id, name, email}], at most 50.", body = Vec<model::UserOption>), Refusals))]
pub async fn enrolled_user_lookup(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let term = input
            .text("search_term")?
            .ok_or_else(|| OpError::wrong(ProblemKind::Required, "search_term", "The search term field is required."))?;
        Ok((input.required_int("id")?, input.portal("portalId")?, term))
    })();
    answer(&req, &state, catalog::ENROLLED_USER_LOOKUP, StatusCode::OK, move |service, tx, caller| {
        let (course, portal, term) = request?;
        let found = service.enrolled_user_lookup(tx, caller, course, portal, &term)?;
        Ok(found.into_iter().map(|(id, name, email)| model::UserOption { id, name, email }).collect::<Vec<_>>())
    })
    .await
}

/// A course's modules, with a user's progress when enrolled ("Not Enrolled" otherwise).
#[utoipa::path(get, path = "/api/courses/info", operation_id = "CourseInformation",
    params(("courseId" = i64, Query), ("portalId" = i64, Query), ("userId" = i64, Query)),
    responses((status = 200, description = "The course's information.", body = model::CourseInfoAnswer), Refusals))]
pub async fn course_info(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        input.required_int("portalId")?;
        Ok((input.required_int("courseId")?, input.required_int("userId")?))
    })();
    answer(&req, &state, catalog::COURSE_INFO, StatusCode::OK, move |service, tx, caller| {
        let (course, user) = request?;
        Ok(model::CourseInfoAnswer::of(service.course_info(tx, caller, course, user)?, now()))
    })
    .await
}

/// Sets the courses every new learner is enrolled in.
#[utoipa::path(put, path = "/api/courses/auto-enroll", operation_id = "UpdateAutoEnrollCourses",
    request_body(content = Object, description = "{\"courses\": [1, 2, 3]}"),
    responses((status = 200, description = "Course Updated Successfully", body = model::Notice), Refusals))]
pub async fn auto_enroll(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| input.required_ids("courses"));
    answer(&req, &state, catalog::AUTO_ENROLL_COURSES, StatusCode::OK, move |service, tx, caller| {
        service.set_auto_enroll_courses(tx, caller, &request?)?;
        Ok(model::Notice { message: "Course Updated Successfully".into(), kind: "success", title: "Success" })
    })
    .await
}

/// A user's enrolled courses (`viewType` self: the caller's own).
#[utoipa::path(get, path = "/api/users/enrolled-courses", operation_id = "EnrolledCourses",
    params(("user_id" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query), ("search_param" = Option<String>, Query, description = "{\"status\": [..], \"nameOrEmail\": course name}"),
        ("portalId" = i64, Query), ("viewType" = String, Query, description = "self or manage"), ("manage_course" = String, Query)),
    responses((status = 200, description = "The user's courses.", body = model::UserCourses), Refusals))]
pub async fn user_enrolled_courses(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<CoursesRequest, OpError> = (|| {
        let user_id = input.required_int("user_id")?;
        input.required_int("portalId")?;
        let portals = input.portal("portalId")?.into_iter().collect();
        let view = view_type(&input)?;
        if input.text("manage_course")?.is_none() {
            return Err(OpError::wrong(ProblemKind::Required, "manage_course", "The manage course field is required."));
        }
        let (page_number, page_size) = input.page()?;
        let (order, descending) = order_by(&input)?;
        let (statuses, course_name) = search(&input)?;
        Ok(CoursesRequest { user_id, view, portals, statuses, course_name, order, descending, page_number, page_size })
    })();
    answer(&req, &state, catalog::USER_ENROLLED_COURSES, StatusCode::OK, move |service, tx, caller| {
        Ok(model::UserCourses::of(service.user_courses(tx, caller, &request?)?, now()))
    })
    .await
}

/// `viewType`: `self` (the caller's own) or `manage` (a user the caller manages).
pub(super) fn view_type(input: &Input) -> Result<ViewType, OpError> {
    match input.text("viewType")?.map(|v| v.trim_matches('"').to_ascii_lowercase()).as_deref() {
        Some("self") => Ok(ViewType::Own),
        Some("manage") => Ok(ViewType::Manage),
        Some(_) => Err(OpError::wrong(ProblemKind::Enumeration, "viewType", "The selected view type is invalid.")),
        None => Err(OpError::wrong(ProblemKind::Required, "viewType", "The viewType field is required.")),
    }
}

/// A portal filter given as a number or as the seed's `{"portalId": 1}` (or, for
/// `searchPortalIds`, `{"searchPortalIds": [1, 2]}`); -1 is every portal.
fn wrapped_portals(input: &Input, name: &str) -> Result<Vec<i64>, OpError> {
    let ids = match input.json(name) {
        Ok(Some(Value::Object(wrapper))) => match wrapper.get(name) {
            Some(Value::Array(items)) => items.iter().map(Value::as_i64).collect::<Option<Vec<_>>>(),
            Some(Value::Number(n)) => n.as_i64().map(|id| vec![id]),
            Some(Value::String(s)) => s.trim().parse().ok().map(|id| vec![id]),
            _ => None,
        }
        .ok_or_else(|| OpError::wrong(ProblemKind::Type, name, format!("The {} field must hold integers.", name)))?,
        _ => input.ids(name)?.unwrap_or_default(),
    };
    Ok(ids.into_iter().filter(|id| *id != -1).collect())
}

/// A user's course report: totals by status and the user's courses, each with where the user
/// stands.
#[utoipa::path(get, path = "/api/users/course-report", operation_id = "UserCourseReport",
    params(("user_id" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\":\"registered_on\",\"direction\":\"desc\"}"),
        ("search_param" = Option<String>, Query, description = "{\"nameOrEmail\":\"\",\"status\":[]} (nameOrEmail matches the course's name)"),
        ("portalId" = Option<String>, Query, description = "{\"portalId\":1}, or 1; -1: every portal"),
        ("searchPortalIds" = Option<String>, Query, description = "{\"searchPortalIds\":[1,2]}")),
    responses((status = 200, description = "The report.", body = model::UserReportAnswer), Refusals))]
pub async fn user_course_report(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<CoursesRequest, OpError> = (|| {
        let user_id = input.required_int("user_id")?;
        let (page_number, page_size) = input.page()?;
        let (order, descending) = order_by(&input)?;
        let (statuses, course_name) = search(&input)?;
        let mut portals = wrapped_portals(&input, "portalId")?;
        portals.extend(wrapped_portals(&input, "searchPortalIds")?);
        Ok(CoursesRequest { user_id, view: ViewType::Manage, portals, statuses, course_name, order, descending, page_number, page_size })
    })();
    answer(&req, &state, catalog::USER_COURSE_REPORT, StatusCode::OK, move |service, tx, caller| {
        Ok(model::UserReportAnswer::of(service.user_courses(tx, caller, &request?)?, now()))
    })
    .await
}

/// A user's certificates (`undefined`: the caller's own).
#[utoipa::path(get, path = "/api/users/{id}/certificates", operation_id = "GetUserCertificates",
    params(("id" = i64, Path, description = "The user, or undefined for the caller."), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "[{\"field\":\"issued_at\",\"direction\":\"desc\"}]"),
        ("search_param" = Option<String>, Query, description = "[{\"field\":\"title\",\"value\":\"AWS\"}]"),
        ("return_type" = Option<String>, Query), ("portalId" = Option<i64>, Query)),
    responses((status = 200, description = "The certificates.", body = Vec<model::CertificateRecord>), Refusals))]
pub async fn user_certificates(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let raw = req.match_info().get("id").unwrap_or_default().to_string();
    let request: Result<_, OpError> = (|| {
        let user = match raw.as_str() {
            "undefined" => None,
            id => Some(id.parse::<i64>().map_err(|_| OpError::not_found(Entity::User, id))?),
        };
        let (page_number, page_size) = input.page()?;
        let oldest_first = match input.json("order_by")? {
            None => false,
            Some(order) => {
                let first = order.as_array().and_then(|list| list.first()).cloned().unwrap_or(order);
                let field = first.get("field").or(first.get("colName")).and_then(Value::as_str);
                if field.is_some_and(|f| f != "issued_at") {
                    return Err(OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid."));
                }
                first.get("direction").and_then(Value::as_str).is_some_and(|d| d.eq_ignore_ascii_case("asc"))
            }
        };
        let title = match input.json("search_param")? {
            None => None,
            Some(search) => {
                let items = search.as_array().cloned().unwrap_or_else(|| vec![search]);
                items
                    .iter()
                    .find(|item| item.get("field").and_then(Value::as_str) == Some("title"))
                    .and_then(|item| item.get("value").and_then(Value::as_str).map(str::to_lowercase))
            }
        };
        Ok((user, title, oldest_first, page_number, page_size))
    })();
    answer(&req, &state, catalog::USER_CERTIFICATES, StatusCode::OK, move |service, tx, caller| {
        let (user, title, oldest_first, number, size) = request?;
        let (certificates, _) = service.user_certificates(tx, caller, user, title.as_deref(), oldest_first, number, size)?;
        let issuer = service.tenant_name(tx, caller)?;
        Ok(certificates.into_iter().map(|c| model::CertificateRecord::of(c, &issuer, now())).collect::<Vec<_>>())
    })
    .await
}

/// Changes a certificate's issue and expiry dates.
#[utoipa::path(put, path = "/api/user-certificates/{rowId}/dates", operation_id = "UpdateCertificateDates",
    params(("rowId" = i64, Path, description = "The certificate's row (the id of the certificates list).")),
    request_body(content = Object, description = "{\"rowId\": 1, \"newIssueDate\": \"2020-08-15 10:00:00\", \"newExpiryDate\": \"2021-08-15 10:00:00\"}"),
    responses((status = 200, description = "Date Updated Successfully", body = Message), Refusals))]
pub async fn certificate_dates(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let id = match path_id(&req, "rowId") {
            Some(id) => id,
            None => input.required_int("rowId")?,
        };
        let issued = input
            .date_time("newIssueDate")?
            .ok_or_else(|| OpError::wrong(ProblemKind::Required, "newIssueDate", "The newIssueDate field is required."))?;
        let expires = input
            .date_time("newExpiryDate")?
            .ok_or_else(|| OpError::wrong(ProblemKind::Required, "newExpiryDate", "The newExpiryDate field is required."))?;
        Ok((id, issued, expires))
    });
    answer(&req, &state, catalog::UPDATE_CERTIFICATE_DATES, StatusCode::OK, move |service, tx, caller| {
        let (id, issued, expires) = request?;
        service.set_certificate_dates(tx, caller, id, issued, Some(expires))?;
        Ok(Message { message: "Date Updated Successfully".into() })
    })
    .await
}

/// A user's activity, newest first.
#[utoipa::path(get, path = "/api/users/activities", operation_id = "RetrieveUserActivities",
    params(("user_id" = Option<i64>, Query, description = "Defaults to the caller."), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("context" = String, Query), ("portalId" = i64, Query, description = "-1: every portal")),
    responses((status = 200, description = "The activity.", body = model::UserActivities), Refusals))]
pub async fn user_activities(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        if input.text("context")?.is_none() {
            return Err(OpError::wrong(ProblemKind::Required, "context", "The context field is required."));
        }
        input.required_int("portalId")?;
        Ok((input.int("user_id")?, input.portal("portalId")?, input.page()?))
    })();
    answer(&req, &state, catalog::USER_ACTIVITIES, StatusCode::OK, move |service, tx, caller| {
        let (user, portal, (number, size)) = request?;
        let (total, entries) = service.user_activity(tx, caller, user, portal, number, size)?;
        Ok(model::UserActivities { records_total: total, records_filtered: total, records: entries.into_iter().map(Into::into).collect() })
    })
    .await
}

/// A user's dashboard: courses by status, hours spent.
#[utoipa::path(get, path = "/api/users/dashboard-statistics", operation_id = "RetrieveUserDashboardStatistics",
    params(("user_id" = i64, Query), ("portalId" = i64, Query, description = "-1: every portal")),
    responses((status = 200, description = "The statistics.", body = model::DashboardAnswer), Refusals))]
pub async fn user_dashboard(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        input.required_int("portalId")?;
        Ok((input.required_int("user_id")?, input.portal("portalId")?))
    })();
    answer(&req, &state, catalog::USER_DASHBOARD, StatusCode::OK, move |service, tx, caller| {
        let (user, portal) = request?;
        Ok(model::DashboardAnswer::from(service.user_dashboard(tx, caller, user, portal)?))
    })
    .await
}

pub(super) fn required_text(input: &Input, name: &str) -> Result<String, OpError> {
    input
        .text(name)?
        .map(|text| text.trim().trim_matches('"').to_string())
        .filter(|text| !text.is_empty())
        .ok_or_else(|| OpError::wrong(ProblemKind::Required, name, format!("The {} field is required.", name.replace('_', " "))))
}

pub(super) fn optional_text(input: &Input, name: &str) -> Result<Option<String>, OpError> {
    Ok(input.text(name)?.map(|text| text.trim().trim_matches('"').to_string()).filter(|text| !text.is_empty()))
}

/// Creates a portal.
#[utoipa::path(post, path = "/api/portals", operation_id = "CreatePortal",
    request_body(content = Object, description = "portalName, portalSlug, brandColor, bodyBackgroundColor, bodyTextColor, selectedPrimaryLanguage; optional totalSeat, expiryDate, expiryMessage, accessPermission, seatAccess, isActive, selectedCourses, enrollLearningPathIds, addExistingUser, …"),
    responses((status = 200, description = "Portal created successfully", body = Message), Refusals))]
pub async fn create_portal(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let settings = crate::store::portals::PortalSettings {
            seat_access: optional_text(&input, "seatAccess")?,
            access_permission: optional_text(&input, "accessPermission")?,
            expires_at: input.date_time("expiryDate")?,
            expiry_message: optional_text(&input, "expiryMessage")?,
            is_active: input.flag("isActive")?.unwrap_or(true),
            brand_color: Some(required_text(&input, "brandColor")?),
            body_background_color: Some(required_text(&input, "bodyBackgroundColor")?),
            body_text_color: Some(required_text(&input, "bodyTextColor")?),
            header_background_color: optional_text(&input, "headerBackgroundColor")?,
            primary_language: Some(required_text(&input, "selectedPrimaryLanguage")?),
            logo_image_url: optional_text(&input, "logoImageUrl")?,
            mini_logo_image_url: optional_text(&input, "miniLogoImageUrl")?,
            custom_style: optional_text(&input, "customStyle")?,
            custom_font: optional_text(&input, "customFont")?,
            custom_code: optional_text(&input, "customCode")?,
            learner_dashboard: input.int("learnerDashboard")?.map(|page| page as i32),
        };
        let seats = input
            .int("totalSeat")?
            .map(|seats| i32::try_from(seats).map_err(|_| OpError::invalid("totalSeat", "The total seat field is too large.")));
        Ok(crate::service::portals::PortalRequest {
            name: required_text(&input, "portalName")?,
            slug: required_text(&input, "portalSlug")?,
            total_seats: seats.transpose()?,
            settings,
            courses: input.ids("selectedCourses")?.unwrap_or_default(),
            paths: input.ids("enrollLearningPathIds")?.unwrap_or_default(),
            learners: input.ids("addExistingUser")?.unwrap_or_default(),
        })
    });
    answer(&req, &state, catalog::CREATE_PORTAL, StatusCode::OK, move |service, tx, caller| {
        // Laravel authorizes before it validates.
        service.require_portal_creator(tx, caller)?;
        service.create_portal(tx, caller, &request?)?;
        Ok(Message { message: "Portal created successfully".into() })
    })
    .await
}

/// Adds sub-portals under a portal.
#[utoipa::path(post, path = "/api/portals/{portalId}/sub-portals", operation_id = "AddSubPortals",
    params(("portalId" = i64, Path)),
    request_body(content = Object, description = "{\"subPortal\": \"[{\\\"name\\\": \\\"Sub Portal 1\\\", \\\"referralCode\\\": \\\"sp1\\\"}]\"} (an array, or the array as a JSON string)"),
    responses((status = 200, description = "Sub Portal added successfully", body = Message), Refusals))]
pub async fn add_sub_portals(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let parent =
        path_id(&req, "portalId").ok_or_else(|| OpError::not_found(Entity::Portal, req.match_info().get("portalId").unwrap_or_default()));
    let request = parent.and_then(|parent| {
        let input = input?;
        let subs = match input.json("subPortal")? {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let name = item.get("name").and_then(Value::as_str).ok_or_else(|| {
                        OpError::wrong(
                            ProblemKind::Required,
                            format!("subPortal.{index}.name"),
                            format!("The subPortal.{index}.name field is required."),
                        )
                    })?;
                    Ok((name.to_string(), item.get("referralCode").and_then(Value::as_str).map(str::to_string)))
                })
                .collect::<Result<Vec<_>, OpError>>()?,
            Some(_) => return Err(OpError::wrong(ProblemKind::Type, "subPortal", "The sub portal field must be an array.")),
            None => return Err(OpError::wrong(ProblemKind::Required, "subPortal", "The sub portal field is required.")),
        };
        Ok((parent, subs))
    });
    answer(&req, &state, catalog::ADD_SUB_PORTALS, StatusCode::OK, move |service, tx, caller| {
        let (parent, subs) = request?;
        service.add_sub_portals(tx, caller, parent, &subs)?;
        Ok(Message { message: "Sub Portal added successfully".into() })
    })
    .await
}

async fn details(req: HttpRequest, state: State, id: Result<i64, OpError>) -> HttpResponse {
    answer(&req, &state, catalog::PORTAL_DETAILS, StatusCode::OK, move |service, tx, caller| {
        Ok(model::PortalDetailsAnswer::from(service.portal_details(tx, caller, id?)?))
    })
    .await
}

/// A portal's details: branding, seats, sub-portals, catalog.
#[utoipa::path(get, path = "/api/portals/details", operation_id = "PortalDetails",
    params(("portalId" = i64, Query, description = "The ID of the portal to retrieve.")),
    responses((status = 200, description = "The portal.", body = model::PortalDetailsAnswer), Refusals))]
pub async fn portal_details(req: HttpRequest, state: State) -> HttpResponse {
    let id = Input::query(&req).required_int("portalId");
    details(req, state, id).await
}

/// A portal's details, by the portal's id in the path.
#[utoipa::path(get, path = "/api/portals/{portalId}", operation_id = "PortalDetailsById",
    params(("portalId" = i64, Path)),
    responses((status = 200, description = "The portal.", body = model::PortalDetailsAnswer), Refusals))]
pub async fn portal_by_id(req: HttpRequest, state: State) -> HttpResponse {
    let id =
        path_id(&req, "portalId").ok_or_else(|| OpError::not_found(Entity::Portal, req.match_info().get("portalId").unwrap_or_default()));
    details(req, state, id).await
}

/// Portals for a dropdown, with their seats.
#[utoipa::path(get, path = "/api/lookups/portals", operation_id = "LookupPortals",
    params(("type" = Option<String>, Query, description = "subPortals, reports or portals"), ("portalId" = Option<i64>, Query, description = "-1: no filter"),
        ("search_term" = Option<String>, Query), ("user_id" = Option<i64>, Query)),
    responses((status = 200, description = "[{id, name, totalSeats, usedSeat, availableSeats}]", body = Vec<model::PortalOption>), Refusals))]
pub async fn lookup_portals(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let portal = input.portal("portalId")?;
        let kind = input.text("type")?.map(|t| t.trim_matches('"').to_string());
        let (subs_of, under) = match kind.as_deref() {
            Some("subPortals") => match portal {
                Some(portal) => (Some(portal), None),
                None => return Err(OpError::wrong(ProblemKind::Required, "portalId", "The portalId field is required for sub-portals.")),
            },
            None | Some("portals") | Some("reports") => (None, portal),
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "type", "The selected type is invalid.")),
        };
        Ok((subs_of, under, input.text("search_term")?))
    })();
    answer(&req, &state, catalog::LOOKUP_PORTALS, StatusCode::OK, move |service, tx, caller| {
        let (subs_of, under, term) = request?;
        let found = service.lookup_portals(tx, caller, subs_of, under, term.as_deref())?;
        Ok(found.into_iter().map(model::PortalOption::from).collect::<Vec<_>>())
    })
    .await
}

/// Adds learners to a portal: new ones (addManually, bulkImport) or existing users.
#[utoipa::path(post, path = "/api/portals/learners", operation_id = "AddLearnersToPortal",
    request_body(content = Object, description = "portalId, userAddedType (addManually, bulkImport or existingUser), learners [{first_name, last_name, email, password}], selectExistingUsers, enrollCoursesIds"),
    responses((status = 201, description = "N learner(s) added successfully", body = Message), Refusals))]
pub async fn add_portal_learners(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    use crate::service::portals::{Joining, NewLearner};
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let portal = input.required_int("portalId")?;
        let joining = match required_text(&input, "userAddedType")?.as_str() {
            "addManually" | "bulkImport" => {
                let learners = match input.json("learners")? {
                    Some(Value::Array(items)) => items,
                    Some(_) => return Err(OpError::wrong(ProblemKind::Type, "learners", "The learners field must be an array.")),
                    None => return Err(OpError::wrong(ProblemKind::Required, "learners", "The learners field is required.")),
                };
                let learners = learners
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let text = |keys: &[&str]| keys.iter().find_map(|key| item.get(*key).and_then(Value::as_str)).map(str::to_string);
                        let required = |keys: &[&str], name: &str| {
                            text(keys).ok_or_else(|| {
                                let field = format!("learners.{index}.{name}");
                                OpError::wrong(ProblemKind::Required, &field, format!("The {} field is required.", field.replace('_', " ")))
                            })
                        };
                        Ok(NewLearner {
                            first_name: required(&["first_name", "firstName"], "first_name")?,
                            last_name: required(&["last_name", "lastName"], "last_name")?,
                            email: required(&["email"], "email")?,
                            password: text(&["password"]),
                        })
                    })
                    .collect::<Result<Vec<_>, OpError>>()?;
                Joining::New(learners)
            }
            "existingUser" => Joining::Existing(input.required_ids("selectExistingUsers")?),
            _ => return Err(OpError::wrong(ProblemKind::Enumeration, "userAddedType", "The selected user added type is invalid.")),
        };
        Ok((portal, joining, input.ids("enrollCoursesIds")?.unwrap_or_default()))
    });
    answer(&req, &state, catalog::ADD_PORTAL_LEARNERS, StatusCode::CREATED, move |service, tx, caller| {
        let (portal, joining, courses) = request?;
        let added = service.add_learners(tx, caller, portal, &joining, &courses)?;
        Ok(Message { message: format!("{added} learner(s) added successfully") })
    })
    .await
}

/// Adds users of the account to a portal's learners.
#[utoipa::path(post, path = "/api/portals/learner-list", operation_id = "AddUsersToLearnerList",
    request_body(content = Object, description = "{\"userIds\": [5, 9], \"portalId\": 17}"),
    responses((status = 201, description = "User updated successfully", body = Message), Refusals))]
pub async fn add_to_learner_list(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    use crate::service::portals::Joining;
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| Ok((input.required_int("portalId")?, input.required_ids("userIds")?)));
    answer(&req, &state, catalog::ADD_TO_LEARNER_LIST, StatusCode::CREATED, move |service, tx, caller| {
        let (portal, users) = request?;
        service.add_learners(tx, caller, portal, &Joining::Existing(users), &[])?;
        Ok(Message { message: "User updated successfully".into() })
    })
    .await
}

/// Removes users from a portal and its sub-portals.
#[utoipa::path(post, path = "/api/portals/users/remove", operation_id = "RemovePortalUsers",
    request_body(content = Object, description = "{\"userIds\": [5], \"portalId\": 5, \"type\": \"learner\"} (type: learner or portal_admin)"),
    responses((status = 201, description = "Portal user removed successfully", body = Message), Refusals))]
pub async fn remove_portal_users(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let kind = match required_text(&input, "type")?.as_str() {
            kind @ ("learner" | "portal_admin") => kind.to_string(),
            _ => return Err(OpError::wrong(ProblemKind::Enumeration, "type", "The selected type is invalid.")),
        };
        Ok((input.required_int("portalId")?, input.required_ids("userIds")?, kind))
    });
    answer(&req, &state, catalog::REMOVE_PORTAL_USERS, StatusCode::CREATED, move |service, tx, caller| {
        let (portal, users, kind) = request?;
        service.remove_portal_users(tx, caller, portal, &users, &kind)?;
        Ok(Message { message: "Portal user removed successfully".into() })
    })
    .await
}

/// Activates or deactivates users in the portals the caller manages.
#[utoipa::path(put, path = "/api/portals/users/status", operation_id = "UpdatePortalUserStatus",
    request_body(content = Object, description = "{\"userIds\": [5], \"status\": \"active\"} (active or inactive)"),
    responses((status = 200, description = "Portal user status updated successfully", body = Message), Refusals))]
pub async fn portal_user_status(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let active = match required_text(&input, "status")?.to_ascii_lowercase().as_str() {
            "active" => true,
            "inactive" => false,
            _ => return Err(OpError::wrong(ProblemKind::Enumeration, "status", "The selected status is invalid.")),
        };
        Ok((input.required_ids("userIds")?, active))
    });
    answer(&req, &state, catalog::PORTAL_USER_STATUS, StatusCode::OK, move |service, tx, caller| {
        let (users, active) = request?;
        service.set_portal_users_active(tx, caller, &users, active)?;
        Ok(Message { message: "Portal user status updated successfully".into() })
    })
    .await
}

/// A portal's courses, with its learners' progress.
#[utoipa::path(get, path = "/api/portals/courses", operation_id = "PortalCourses",
    params(("portalId" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query)),
    responses((status = 200, description = "The portal's courses.", body = model::PortalCourses), Refusals))]
pub async fn portal_courses(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| Ok((input.required_int("portalId")?, input.page()?)))();
    answer(&req, &state, catalog::PORTAL_COURSES, StatusCode::OK, move |service, tx, caller| {
        let (portal, (number, size)) = request?;
        let (portal_name, total, rows) = service.portal_courses(tx, caller, portal, number, size)?;
        Ok(model::PortalCourses {
            portal_name,
            records_total: total,
            records_filtered: total,
            records: rows
                .into_iter()
                .map(|row| model::PortalCourseRecord {
                    id: row.course_id,
                    course_id: row.course_id,
                    portal_id: portal,
                    name: row.title,
                    last24h_count: row.last_day,
                    stats: model::Stats::of(row.not_started, row.total - row.not_started - row.completed, row.completed),
                })
                .collect(),
        })
    })
    .await
}

/// A portal's users (and its sub-portals'), with their progress.
#[utoipa::path(get, path = "/api/portals/users", operation_id = "PortalUsers",
    params(("portalId" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("userType" = Option<String>, Query, description = "learner or portal_admin"), ("isInPortal" = Option<bool>, Query),
        ("search_param" = Option<String>, Query, description = "{\"nameOrEmail\": \"John\"} or nameOrEmail=John")),
    responses((status = 200, description = "The portal's users.", body = model::PortalUsers), Refusals))]
pub async fn portal_users(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let kind = match optional_text(&input, "userType")?.as_deref() {
            None => None,
            Some(kind @ ("learner" | "portal_admin")) => Some(kind.to_string()),
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "userType", "The selected user type is invalid.")),
        };
        let search = match input.json("search_param") {
            Ok(Some(Value::Object(search))) => search.get("nameOrEmail").and_then(Value::as_str).map(str::to_string),
            _ => optional_text(&input, "nameOrEmail")?,
        };
        Ok((input.required_int("portalId")?, kind, search, input.page()?))
    })();
    answer(&req, &state, catalog::PORTAL_USERS, StatusCode::OK, move |service, tx, caller| {
        let (portal, kind, search, (number, size)) = request?;
        let (portal_name, total, users) = service.portal_users(tx, caller, portal, kind.as_deref(), search.as_deref(), number, size)?;
        let ids = users.iter().map(|user| user.row.id).collect();
        Ok(model::PortalUsers {
            records: users.into_iter().map(|user| model::PortalUserRecord::of(user, &portal_name)).collect(),
            portal_name,
            records_total: total,
            records_filtered: total,
            record_ids_filtered: ids,
        })
    })
    .await
}

/// What a portal offers a user: its courses and published learning paths, and whether the user is
/// enrolled in each.
#[utoipa::path(post, path = "/api/portals/catalog", operation_id = "PortalCourseCatalog",
    request_body(content = Object, description = "{\"portalId\": 12, \"userId\": 45, \"search\": {\"name\": \"Security\", \"categoryIds\": []}}"),
    responses((status = 200, description = "The catalog.", body = model::CatalogAnswer), Refusals))]
pub async fn portal_catalog(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let name = match input.json("search")? {
            None => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(Value::Object(search)) => {
                // The store keeps no categories: an id names none (Laravel's `exists` rule).
                if search.get("categoryIds").and_then(Value::as_array).is_some_and(|ids| !ids.is_empty()) {
                    return Err(OpError::wrong(
                        ProblemKind::Enumeration,
                        "search.categoryIds",
                        "The selected search.categoryIds is invalid.",
                    ));
                }
                search
                    .get("name")
                    .or(search.get("contentName"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            }
            Some(_) => return Err(OpError::wrong(ProblemKind::Type, "search", "The search field must be an object.")),
        };
        Ok((input.required_int("portalId")?, input.required_int("userId")?, name))
    });
    answer(&req, &state, catalog::PORTAL_CATALOG, StatusCode::OK, move |service, tx, caller| {
        let (portal, user, name) = request?;
        Ok(model::CatalogAnswer::from(service.portal_catalog(tx, caller, portal, user, name.as_deref())?))
    })
    .await
}

/// The caller's courses among those a portal offers.
#[utoipa::path(post, path = "/api/portals/my-courses", operation_id = "MyPortalCourses",
    request_body(content = Object, description = "{\"portalId\": 7, \"page_size\": 10, \"page_number\": 1, \"order_by\": {\"colName\": \"registered_on\", \"direction\": \"desc\"}, \"search_param\": {\"name\": \"Security\", \"status\": [\"In Progress\"]}}"),
    responses((status = 200, description = "The caller's courses.", body = model::MyCourses), Refusals))]
pub async fn my_portal_courses(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let portal = input.required_int("portalId")?;
        let (page_number, page_size) = input.page()?;
        require_present(&input, &["order_by", "search_param"])?;
        let (order, descending) = match input.json("order_by")? {
            Some(Value::Array(items)) if items.is_empty() => (LearnerOrder::Enrollment, false),
            _ => order_by(&input)?,
        };
        let (statuses, course_name) = match input.json("search_param")? {
            Some(Value::Array(items)) if items.is_empty() => (Vec::new(), None),
            Some(Value::Object(search)) => {
                if search.get("categories").and_then(Value::as_array).is_some_and(|ids| !ids.is_empty()) {
                    return Err(OpError::wrong(
                        ProblemKind::Enumeration,
                        "search_param.categories",
                        "The selected search param.categories is invalid.",
                    ));
                }
                let (statuses, _) = search_of(&Value::Object(search.clone()))?;
                (statuses, search.get("name").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string))
            }
            _ => search(&input)?,
        };
        let request = CoursesRequest {
            user_id: 0,
            view: ViewType::Own,
            portals: Vec::new(),
            statuses,
            course_name,
            order,
            descending,
            page_number,
            page_size,
        };
        Ok((portal, request))
    });
    answer(&req, &state, catalog::MY_PORTAL_COURSES, StatusCode::OK, move |service, tx, caller| {
        let (portal, request) = request?;
        let (slug, totals, filtered, courses) = service.my_portal_courses(tx, caller, portal, &request)?;
        Ok(model::MyCourses::of(&slug, totals.all(), filtered, courses, now()))
    })
    .await
}

/// Sets the portal a user works in (the caller, by default).
#[utoipa::path(put, path = "/api/users/current-portal", operation_id = "UpdateCurrentPortal",
    params(("portalId" = i64, Query), ("userId" = Option<i64>, Query, description = "Defaults to the caller.")),
    responses((status = 200, description = "Current portal updated successfully", body = Message), Refusals))]
pub async fn current_portal(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| Ok((input.required_int("portalId")?, input.int("userId")?)));
    answer(&req, &state, catalog::CURRENT_PORTAL, StatusCode::OK, move |service, tx, caller| {
        let (portal, user) = request?;
        service.set_current_portal(tx, caller, portal, user)?;
        Ok(Message { message: "Current portal updated successfully".into() })
    })
    .await
}

fn path_in_path(req: &HttpRequest, name: &str) -> Result<i64, OpError> {
    path_id(req, name).ok_or_else(|| OpError::not_found(Entity::LearningPath, req.match_info().get(name).unwrap_or_default()))
}

/// A learning path's learners: totals by status, and a page filtered and searched.
#[utoipa::path(get, path = "/api/learning-paths/enrolled-students", operation_id = "LearningPathEnrolledStudents",
    params(("learning_path_id" = i64, Query), ("portalId" = i64, Query, description = "-1: every portal"), ("page_size" = i64, Query),
        ("page_number" = i64, Query), ("order_by" = Option<String>, Query, description = "registered_on (and a direction)"),
        ("search_param" = Option<String>, Query, description = "{\"status\": [..], \"nameOrEmail\": ..}")),
    responses((status = 200, description = "The path's learners.", body = model::PathStudents), Refusals))]
pub async fn path_students(req: HttpRequest, state: State) -> HttpResponse {
    use crate::service::paths::{PathFilter, PathLearnersRequest};
    let input = Input::query(&req);
    let request: Result<PathLearnersRequest, OpError> = (|| {
        let path_id = input.required_int("learning_path_id")?;
        input.required_int("portalId")?;
        let portal_id = input.portal("portalId")?;
        let (page_number, page_size) = input.page()?;
        let (order, descending) = order_by(&input)?;
        if !matches!(order, LearnerOrder::Enrollment | LearnerOrder::RegisteredOn) {
            return Err(OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid."));
        }
        let (statuses, name_or_email) = search(&input)?;
        let filter = PathFilter { statuses, name_or_email, descending, page_number, page_size, ..PathFilter::default() };
        Ok(PathLearnersRequest { path_id, portal_id, filter })
    })();
    answer(&req, &state, catalog::PATH_STUDENTS, StatusCode::OK, move |service, tx, caller| {
        Ok(model::PathStudents::from(service.path_learners(tx, caller, &request?)?))
    })
    .await
}

/// Enrolls learners in a learning path (and in its courses).
#[utoipa::path(post, path = "/api/learning-paths/{id}/enrollments", operation_id = "LearningPathEnrollStudents",
    params(("id" = i64, Path, description = "ID of the learning path.")),
    request_body(content = Object, description = "{\"studentIds\": [2, 3], \"portalId\": 5}"),
    responses((status = 200, description = "N student(s) enrolled successfully", body = EnrollAnswer), Refusals))]
pub async fn enroll_path_students(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = path_in_path(&req, "id").and_then(|path| {
        let input = input?;
        Ok((path, input.required_ids("studentIds")?, input.portal("portalId")?))
    });
    answer(&req, &state, catalog::ENROLL_PATH_STUDENTS, StatusCode::OK, move |service, tx, caller| {
        let (path, students, portal) = request?;
        let outcome = service.enroll_in_path(tx, caller, path, &students, portal)?;
        Ok(EnrollAnswer {
            message: format!("{} student(s) enrolled successfully", outcome.enrolled),
            enrolled_users_count: outcome.enrolled,
            not_enrolled_users: outcome.not_enrolled,
        })
    })
    .await
}

/// Removes learners from a learning path (their course enrollments stay).
#[utoipa::path(post, path = "/api/learning-paths/{id}/enrollments/remove", operation_id = "LearningPathRemoveLearners",
    params(("id" = i64, Path)),
    request_body(content = Object, description = "{\"enrollmentIds\": [2, 3]}"),
    responses((status = 200, description = "N student(s) removed successfully", body = Message), Refusals))]
pub async fn remove_path_learners(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    use crate::service::paths::PathAction;
    let input = Input::with_body(&req, &state, payload).await;
    let request = path_in_path(&req, "id").and_then(|path| Ok((path, input?.required_ids("enrollmentIds")?)));
    answer(&req, &state, catalog::REMOVE_PATH_LEARNERS, StatusCode::OK, move |service, tx, caller| {
        let (path, ids) = request?;
        let reached = service.act_on_path_enrollments(tx, caller, path, &ids, PathAction::Remove)?;
        Ok(Message { message: format!("{reached} student(s) removed successfully") })
    })
    .await
}

/// Issues a learning path's certificate (the path needs a certificate template).
#[utoipa::path(post, path = "/api/learning-paths/{id}/enrollments/assign-certificate", operation_id = "LearningPathAssignCertificate",
    params(("id" = i64, Path)),
    request_body(content = Object, description = "{\"enrollmentIds\": [2, 3]}"),
    responses((status = 200, description = "Certificate assigned successfully to N student(s)", body = model::PathCertificateAnswer), Refusals))]
pub async fn assign_path_certificate(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    use crate::service::paths::PathAction;
    let input = Input::with_body(&req, &state, payload).await;
    let request = path_in_path(&req, "id").and_then(|path| Ok((path, input?.required_ids("enrollmentIds")?)));
    answer(&req, &state, catalog::ASSIGN_PATH_CERTIFICATE, StatusCode::OK, move |service, tx, caller| {
        let (path, ids) = request?;
        let reached = service.act_on_path_enrollments(tx, caller, path, &ids, PathAction::AssignCertificate)?;
        Ok(model::PathCertificateAnswer { is_success: true, message: format!("Certificate assigned successfully to {reached} student(s)") })
    })
    .await
}

/// Launches a learning path (with `info`, only reads it).
#[utoipa::path(get, path = "/api/learning-path-registrations/{registrationId}/launch", operation_id = "LearningPathLaunch",
    params(("registrationId" = i64, Path), ("info" = Option<String>, Query), ("portalId" = i64, Query)),
    responses((status = 200, description = "The path, launched.", body = model::PathLaunchAnswer), Refusals))]
pub async fn launch_path(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request = path_in_path(&req, "registrationId").and_then(|id| {
        input.required_int("portalId")?;
        Ok((id, input.text("info")?.is_some()))
    });
    answer(&req, &state, catalog::LAUNCH_PATH, StatusCode::OK, move |service, tx, caller| {
        let (id, info_only) = request?;
        Ok(model::PathLaunchAnswer::of(service.launch_path(tx, caller, id, info_only)?, now()))
    })
    .await
}

/// Portal ids of a report: `[-1]` (or none) is every portal.
fn report_portals(input: &Input) -> Result<Vec<i64>, OpError> {
    let ids = input.required_ids("searchPortalIds")?;
    Ok(ids.into_iter().filter(|id| *id != -1).collect())
}

/// The course detail report: learners of the courses, with the vendor's `certifcate_` keys.
#[utoipa::path(post, path = "/api/reports/course-detail", operation_id = "CourseDetailReport",
    request_body(content = Object, description = "course_ids ([-1]: every course), page_size, page_number, order_by {colName, direction}, search_param {status, nameOrEmail}, userCategoryId (-1), registered_between [from, to] (Y-m-d, either empty), searchPortalIds ([-1]: every portal)"),
    responses((status = 200, description = "The report.", body = model::CourseReportAnswer), Refusals))]
pub async fn course_detail_report(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    use crate::service::progress::ReportRequest;
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        let courses: Vec<i64> = input.required_ids("course_ids")?;
        let courses = (!courses.is_empty() && !courses.contains(&-1)).then_some(courses);
        let (page_number, page_size) = input.page()?;
        require_present(&input, &["order_by", "search_param"])?;
        let (order, descending) = order_by(&input)?;
        let (statuses, name_or_email) = match input.json("search_param")? {
            Some(Value::Array(items)) if items.is_empty() => (Vec::new(), None),
            _ => search(&input)?,
        };
        match input.int("userCategoryId")? {
            None => return Err(OpError::wrong(ProblemKind::Required, "userCategoryId", "The user category id field is required.")),
            Some(-1) | Some(0) => {}
            // The store keeps no user categories: a filter by one would silently be ignored.
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "userCategoryId", "The selected user category id is invalid.")),
        }
        let range = input
            .json("registered_between")?
            .ok_or_else(|| OpError::wrong(ProblemKind::Required, "registered_between", "The registered between field is required."))?;
        let bound = |index: usize| -> Result<Option<chrono::NaiveDateTime>, OpError> {
            let text = range.get(index).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
            let Some(text) = text else { return Ok(None) };
            let field = format!("registered_between.{index}");
            let day = chrono::NaiveDate::parse_from_str(&text[..text.len().min(10)], "%Y-%m-%d")
                .map_err(|_| OpError::wrong(ProblemKind::Type, &field, format!("The {field} field must match the format Y-m-d.")))?;
            Ok(Some(if index == 0 { day.and_time(chrono::NaiveTime::MIN) } else { day.and_hms_opt(23, 59, 59).expect("a valid time") }))
        };
        Ok(ReportRequest {
            courses,
            portals: report_portals(&input)?,
            registered: (bound(0)?, bound(1)?),
            statuses,
            name_or_email,
            order,
            descending,
            page_number,
            page_size,
        })
    });
    answer(&req, &state, catalog::COURSE_DETAIL_REPORT, StatusCode::OK, move |service, tx, caller| {
        Ok(model::CourseReportAnswer::from(service.course_report(tx, caller, &request?)?))
    })
    .await
}

/// The LMS overview: each course's learners by status, and the sums.
#[utoipa::path(post, path = "/api/reports/lms-overview", operation_id = "LmsOverviewReport",
    request_body(content = Object, description = "{\"searchPortalIds\": [-1]}"),
    responses((status = 200, description = "The overview.", body = model::OverviewAnswer), Refusals))]
pub async fn lms_overview_report(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| report_portals(&input));
    answer(&req, &state, catalog::LMS_OVERVIEW_REPORT, StatusCode::OK, move |service, tx, caller| {
        Ok(model::OverviewAnswer::of(service.lms_overview(tx, caller, &request?)?))
    })
    .await
}
