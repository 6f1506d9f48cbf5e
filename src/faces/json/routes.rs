//! The JSON mirror's registration list and its handlers, one per route. The list feeds the router,
//! the OpenAPI document (`openapi.rs`) and the metrics' operation names; a handler parses its input
//! into the service's types, calls the service inside `run`, and writes the model's JSON. The
//! `utoipa::path` attributes document each route (a test checks they agree with the list).

use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};

use super::model::*;
use super::openapi::Problems;
use super::{FACE, Rejection, body, reject, run};
use super::{campaigns, changes, classes, imports};
use crate::domain::UserStatus;
use crate::domain::values::{CompletionStatus, ExternalId, PageSize, Password};
use crate::faces::kit::query::Query;
use crate::faces::kit::{Access, answer_panics};
use crate::service::catalog::{self, Operation};
use crate::service::{EnrollRequest, EnrollmentQuery, NewUserRequest, OpError, PageRequest, ProblemKind, Range, ResultsQuery, UserQuery};
use crate::state::AppState;

type Reply = Result<HttpResponse, Rejection>;
type Body = web::Payload;
type State = web::Data<AppState>;

/// The prefix of every route of this face.
pub const PREFIX: &str = "/api/v1";

/// One route of the face.
pub struct Route {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path as the router writes it, with `{name}` parameters.
    pub path: &'static str,
    /// Its `operationId` in the OpenAPI document, which also names it in metrics and logs.
    pub operation_id: &'static str,
    /// The service operations it reaches: a listing route streams everything or serves one page.
    pub reaches: &'static [&'static Operation],
    /// Whether its body may exceed the ordinary size limit.
    pub bulk: bool,
}

impl Route {
    /// The access its operations have in the service's catalog (one for all, as a test checks).
    pub fn access(&self) -> Access {
        self.reaches[0].access
    }
}

/// Declares the routes once: the list, the router's registration and the OpenAPI paths.
macro_rules! registered {
    ($($method:ident $path:literal => $handler:path, $operation_id:literal, [$($op:ident),+] $(, $bulk:ident)?;)*) => {
        /// Every route of the face, in the OpenAPI document's order.
        pub const ROUTES: &[Route] = &[$(Route {
            method: registered!(@method $method),
            path: concat!("/api/v1", $path),
            operation_id: $operation_id,
            reaches: &[$(catalog::$op),+],
            bulk: registered!(@bulk $($bulk)?),
        }),*];

        fn register(scope: actix_web::Scope) -> actix_web::Scope {
            scope $(.route($path, web::$method().to($handler)))*
        }

        /// The documented paths, from the handlers' `utoipa::path` attributes.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($handler),*))]
        pub struct Paths;
    };
    (@method get) => { "GET" };
    (@method post) => { "POST" };
    (@method put) => { "PUT" };
    (@method patch) => { "PATCH" };
    (@method delete) => { "DELETE" };
    (@bulk bulk) => { true };
    (@bulk) => { false };
}

registered! {
    get "/enrollments" => get_enrollments, "getEnrollments", [GET_ENROLLMENTS, LIST_ENROLLMENTS];
    get "/enrollments/{enrollmentId}" => get_enrollment, "getEnrollment", [GET_ENROLLMENT];
    post "/enrollments" => enroll_learners_in_courses, "enrollLearnersInCourses", [ENROLL_LEARNERS_IN_COURSES], bulk;
    patch "/enrollments/{enrollmentId}" => change_enrollment, "changeEnrollment", [CHANGE_ENROLLMENT];
    delete "/enrollments/{enrollmentId}" => unenroll, "unenroll", [UNENROLL];
    get "/users" => get_users, "getUsers", [GET_USERS, LIST_USERS];
    get "/users/{userId}" => get_user_profile, "getUserProfile", [GET_USER_PROFILE];
    post "/users" => add_user, "addUser", [ADD_USER];
    patch "/users/{userId}" => update_user_profile, "updateUserProfile", [UPDATE_USER_PROFILE];
    delete "/users/{userId}" => delete_user, "deleteUser", [DELETE_USER];
    post "/users/activate" => activate_users, "activateUsers", [ACTIVATE_USERS];
    post "/users/deactivate" => deactivate_users, "deactivateUsers", [DEACTIVATE_USERS];
    put "/users/{userId}/password" => update_user_password, "updateUserPassword", [UPDATE_USER_PASSWORD];
    post "/users/{userId}/remove-from-groups" => remove_user_from_groups, "removeUserFromGroups", [REMOVE_USER_FROM_GROUPS];
    get "/departments" => get_departments, "getDepartments", [GET_DEPARTMENTS, LIST_DEPARTMENTS];
    get "/departments/{departmentId}" => get_department, "getDepartment", [GET_DEPARTMENT];
    post "/departments" => add_department, "addDepartment", [ADD_DEPARTMENT];
    patch "/departments/{departmentId}" => update_department, "updateDepartment", [UPDATE_DEPARTMENT];
    delete "/departments/{departmentId}" => delete_department, "deleteDepartment", [DELETE_DEPARTMENT];
    get "/groups" => get_groups, "getGroups", [GET_GROUPS];
    post "/groups" => add_group, "addGroup", [ADD_GROUP];
    put "/groups/{groupId}/members" => update_group_members, "updateGroupMembers", [UPDATE_GROUP_MEMBERS];
    get "/content" => get_content, "getContent", [GET_CONTENT, LIST_CONTENT];
    get "/content/{contentItemId}" => get_content_item, "getContentItem", [GET_CONTENT_ITEM];
    get "/content/{contentItemId}/final-statuses" => get_content_item_final_statuses, "getContentItemFinalStatuses", [GET_CONTENT_ITEM_FINAL_STATUSES];
    get "/results" => list_learners_results, "listLearnersResults", [LIST_LEARNERS_RESULTS];
    get "/classes" => classes::search_classes, "searchClasses", [SEARCH_CLASSES];
    get "/classes/{classId}" => classes::get_class, "getClass", [GET_CLASS];
    get "/class-enrollments" => classes::search_class_enrollments, "searchClassEnrollments", [SEARCH_CLASS_ENROLLMENTS];
    get "/class-enrollments/{classEnrollmentId}" => classes::get_class_enrollment, "getClassEnrollment", [GET_CLASS_ENROLLMENT];
    post "/class-enrollments" => classes::create_class_enrollment, "createClassEnrollment", [CREATE_CLASS_ENROLLMENT];
    patch "/class-enrollments/{classEnrollmentId}" => classes::update_class_enrollment, "updateClassEnrollment", [UPDATE_CLASS_ENROLLMENT];
    delete "/class-enrollments/{classEnrollmentId}" => classes::delete_class_enrollment, "deleteClassEnrollment", [DELETE_CLASS_ENROLLMENT];
    put "/class-enrollments/{classEnrollmentId}/custom-fields/{customFieldId}" => classes::set_class_enrollment_custom_field,
        "setClassEnrollmentCustomField", [UPDATE_CLASS_ENROLLMENT_CUSTOM_FIELD_VALUE];
    get "/class-enrollment-custom-fields" => classes::list_class_enrollment_custom_fields, "listClassEnrollmentCustomFields",
        [LIST_CLASS_ENROLLMENT_CUSTOM_FIELDS];
    post "/imports" => imports::start_import, "startImport", [START_IMPORT];
    get "/imports/{importId}" => imports::get_import, "getImport", [GET_IMPORT];
    get "/imports/{importId}/refusals" => imports::get_import_refusals, "getImportRefusals", [GET_IMPORT_REFUSALS];
    post "/keepnet/campaigns" => campaigns::create_keepnet_campaign, "createKeepnetCampaign", [CREATE_KEEPNET_CAMPAIGN];
    get "/changes" => changes::get_changes, "getChanges", [GET_CHANGES];
    post "/webhooks" => changes::create_webhook, "createWebhook", [CREATE_WEBHOOK];
    get "/webhooks" => changes::list_webhooks, "listWebhooks", [LIST_WEBHOOKS];
    get "/webhooks/{webhookId}" => changes::get_webhook, "getWebhook", [GET_WEBHOOK];
    patch "/webhooks/{webhookId}" => changes::update_webhook, "updateWebhook", [UPDATE_WEBHOOK];
    delete "/webhooks/{webhookId}" => changes::delete_webhook, "deleteWebhook", [DELETE_WEBHOOK];
    get "/webhooks/{webhookId}/deliveries" => changes::list_webhook_deliveries, "listWebhookDeliveries", [LIST_WEBHOOK_DELIVERIES];
    post "/webhooks/{webhookId}/replay" => changes::replay_webhook_deliveries, "replayWebhookDeliveries", [REPLAY_WEBHOOK_DELIVERIES];
}

/// The registered route a request matched, if any.
pub fn registered(req: &HttpRequest) -> Option<&'static Route> {
    let pattern = req.match_pattern()?;
    ROUTES.iter().find(|route| route.path == pattern && route.method == req.method().as_str())
}

/// Mounts the face: its routes, the OpenAPI document and its Swagger UI reference, answering
/// panics with problems.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // The API reference (Swagger UI) is registered before the scope, which would take its paths.
    cfg.service(super::openapi::reference()).route(
        "/api/v1/docs",
        web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/api/v1/docs/")).finish() }),
    );
    let scope = web::scope(PREFIX).route("/openapi.json", crate::state::get_or_head().to(super::openapi::serve));
    cfg.service(register(scope).wrap(from_fn(|req, next| answer_panics(super::problem::panicked, FACE, req, next))));
}

fn path_id(req: &HttpRequest, name: &str) -> Result<ExternalId, Rejection> {
    let raw = req.match_info().get(name).unwrap_or_default();
    parse(raw, name, ExternalId::parse).map_err(|e| reject(req, e))
}

/// A body parsed into the service's request.
fn parsed<T>(req: &HttpRequest, parsed: Result<T, OpError>) -> Result<T, Rejection> {
    parsed.map_err(|e| reject(req, e))
}

/// `pageSize`/`pageToken` when either is given: the caller wants one page, not everything.
fn paging(query: &Query) -> Result<Option<PageRequest>, OpError> {
    let size = query.int("pageSize")?.map(|size| parse_int(size, "pageSize", PageSize::parse)).transpose()?;
    let token = query.one("pageToken")?;
    Ok((size.is_some() || token.is_some()).then_some(PageRequest { size, token }))
}

fn optional_ids(query: &Query, name: &str) -> Result<Option<Vec<ExternalId>>, OpError> {
    query.all(name).map(|v| ids(&v, name)).transpose()
}

fn optional_id(query: &Query, name: &str) -> Result<Option<ExternalId>, OpError> {
    parse_optional(query.one(name)?.as_deref(), name, ExternalId::parse)
}

fn ok() -> Success {
    Success { success: true }
}

// Enrollments

/// Active enrollments, optionally of some courses and/or learners.
///
/// Without `pageSize` and `pageToken` the whole result is streamed (getEnrollments); with either,
/// one page (listEnrollments).
#[utoipa::path(get, path = "/api/v1/enrollments", tag = "enrollments", operation_id = "getEnrollments",
    params(
        ("courseId" = Option<Vec<String>>, Query, description = "Only these courses (repeatable)"),
        ("learnerId" = Option<Vec<String>>, Query, description = "Only these learners (repeatable)"),
        ("pageSize" = Option<i32>, Query, minimum = 1, maximum = 10000, description = "Page size (default 1000 when paging)"),
        ("pageToken" = Option<String>, Query, description = "nextPageToken of the previous page"),
    ),
    responses((status = 200, description = "Enrollments", body = EnrollmentList), Problems),
    security(("bearer" = [])))]
pub async fn get_enrollments(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &["courseId", "learnerId", "pageSize", "pageToken"]))?;
    let filter = parsed(&req, EnrollmentQuery::try_from(&query))?;
    let page = parsed(&req, paging(&query))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| match page {
        Some(page) => {
            let page = service.list_enrollments(tx, caller, &filter, &page)?;
            out.value(&EnrollmentList { enrollments: page.items.iter().map(Enrollment::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("enrollments", |emit| service.get_enrollments(tx, caller, &filter, &mut |v| emit(&Enrollment::from(v)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/enrollments/{enrollmentId}", tag = "enrollments", operation_id = "getEnrollment",
    params(("enrollmentId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The enrollment", body = Enrollment), Problems),
    security(("bearer" = [])))]
pub async fn get_enrollment(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "enrollmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&Enrollment::from(&service.get_enrollment(tx, caller, &id)?))
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/enrollments", tag = "enrollments", operation_id = "enrollLearnersInCourses",
    request_body = EnrollBody,
    responses((status = 201, description = "Enrolled (learners already enrolled keep their enrollment)", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn enroll_learners_in_courses(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let request = parsed(&req, EnrollRequest::try_from(body::<EnrollBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        service.enroll_learners_in_courses(tx, caller, &request)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(patch, path = "/api/v1/enrollments/{enrollmentId}", tag = "enrollments", operation_id = "changeEnrollment",
    params(("enrollmentId" = String, Path, max_length = 255)),
    request_body = ChangeEnrollmentBody,
    responses((status = 200, description = "Changed", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn change_enrollment(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let enrollment_id = path_id(&req, "enrollmentId")?;
    let change = parsed(&req, body::<ChangeEnrollmentBody>(&req, &state, bytes).await?.parse(enrollment_id))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.change_enrollment(tx, caller, &change)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(delete, path = "/api/v1/enrollments/{enrollmentId}", tag = "enrollments", operation_id = "unenroll",
    params(("enrollmentId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Deleted", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn unenroll(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "enrollmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.unenroll(tx, caller, &id)?;
        out.value(&ok())
    })
    .await
}

// Users

/// Users, optionally of one department or group, or with given logins or e-mails. Without
/// `pageSize` and `pageToken` every match is streamed (getUsers); with either, one page (listUsers).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "getUsers",
    params(
        ("departmentId" = Option<String>, Query),
        ("groupId" = Option<String>, Query),
        ("login" = Option<Vec<String>>, Query, description = "Only these logins (repeatable)"),
        ("email" = Option<Vec<String>>, Query, description = "Only these e-mails (repeatable)"),
        ("pageSize" = Option<i32>, Query, minimum = 1, maximum = 10000),
        ("pageToken" = Option<String>, Query),
    ),
    responses((status = 200, description = "Users", body = UserList), Problems),
    security(("bearer" = [])))]
pub async fn get_users(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &["departmentId", "groupId", "login", "email", "pageSize", "pageToken"]))?;
    let filter = parsed(&req, UserQuery::try_from(&query))?;
    let page = parsed(&req, paging(&query))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| match page {
        Some(page) => {
            let page = service.list_users(tx, caller, &filter, &page)?;
            out.value(&UserList { user_profiles: page.items.iter().map(UserProfile::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("userProfiles", |emit| service.get_users(tx, caller, &filter, &mut |u| emit(&UserProfile::from(u)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/users/{userId}", tag = "users", operation_id = "getUserProfile",
    params(("userId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The user", body = UserProfile), Problems),
    security(("bearer" = [])))]
pub async fn get_user_profile(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "userId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&UserProfile::from(&service.get_user_profile(tx, caller, &id)?))
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", operation_id = "addUser",
    request_body = AddUserBody,
    responses((status = 201, description = "Created", body = NewUserId), Problems),
    security(("bearer" = [])))]
pub async fn add_user(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let request = parsed(&req, NewUserRequest::try_from(body::<AddUserBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        out.value(&NewUserId { user_id: service.add_user(tx, caller, &request)? })
    })
    .await
}

#[utoipa::path(patch, path = "/api/v1/users/{userId}", tag = "users", operation_id = "updateUserProfile",
    params(("userId" = String, Path, max_length = 255)),
    request_body = UpdateUserBody,
    responses((status = 200, description = "Changed", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn update_user_profile(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let user_id = path_id(&req, "userId")?;
    let update = parsed(&req, body::<UpdateUserBody>(&req, &state, bytes).await?.parse(user_id))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.update_user_profile(tx, caller, &update)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(delete, path = "/api/v1/users/{userId}", tag = "users", operation_id = "deleteUser",
    params(("userId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Deleted, with their active enrollments", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn delete_user(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "userId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.delete_user(tx, caller, &id)?;
        out.value(&ok())
    })
    .await
}

async fn set_status(req: HttpRequest, state: State, bytes: Body, status: UserStatus) -> Reply {
    let ids = parsed(&req, ids(&body::<UserIdsBody>(&req, &state, bytes).await?.user_ids, "userIds"))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.set_users_status(tx, caller, &ids, status)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/users/activate", tag = "users", operation_id = "activateUsers",
    request_body = UserIdsBody,
    responses((status = 200, description = "Activated", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn activate_users(req: HttpRequest, state: State, bytes: Body) -> Reply {
    set_status(req, state, bytes, UserStatus::Active).await
}

#[utoipa::path(post, path = "/api/v1/users/deactivate", tag = "users", operation_id = "deactivateUsers",
    request_body = UserIdsBody,
    responses((status = 200, description = "Deactivated", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn deactivate_users(req: HttpRequest, state: State, bytes: Body) -> Reply {
    set_status(req, state, bytes, UserStatus::Inactive).await
}

#[utoipa::path(put, path = "/api/v1/users/{userId}/password", tag = "users", operation_id = "updateUserPassword",
    params(("userId" = String, Path, max_length = 255)),
    request_body = PasswordBody,
    responses((status = 200, description = "Changed", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn update_user_password(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let id = path_id(&req, "userId")?;
    let password = parsed(&req, parse(&body::<PasswordBody>(&req, &state, bytes).await?.password, "password", Password::parse))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.update_user_password(tx, caller, &id, &password)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/users/{userId}/remove-from-groups", tag = "groups", operation_id = "removeUserFromGroups",
    params(("userId" = String, Path, max_length = 255)),
    request_body = GroupIdsBody,
    responses((status = 200, description = "Removed", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn remove_user_from_groups(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let id = path_id(&req, "userId")?;
    let groups = parsed(&req, ids(&body::<GroupIdsBody>(&req, &state, bytes).await?.group_ids, "groupIds"))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.remove_user_from_groups(tx, caller, &id, &groups)?;
        out.value(&ok())
    })
    .await
}

// Departments

/// The caller's departments: all of them (getDepartments), or one page with `pageSize`/`pageToken`.
#[utoipa::path(get, path = "/api/v1/departments", tag = "departments", operation_id = "getDepartments",
    params(("pageSize" = Option<i32>, Query, minimum = 1, maximum = 10000), ("pageToken" = Option<String>, Query)),
    responses((status = 200, description = "Departments", body = DepartmentList), Problems),
    security(("bearer" = [])))]
pub async fn get_departments(req: HttpRequest, state: State) -> Reply {
    let page = parsed(&req, Query::parse(&req, &["pageSize", "pageToken"]).and_then(|q| paging(&q)))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let page = match page {
            Some(page) => service.list_departments(tx, caller, &page)?,
            None => crate::service::Page { items: service.get_departments(tx, caller)?, next_token: None },
        };
        out.value(&DepartmentList { departments: page.items.iter().map(Department::from).collect(), next_page_token: page.next_token })
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/departments/{departmentId}", tag = "departments", operation_id = "getDepartment",
    params(("departmentId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The department", body = Department), Problems),
    security(("bearer" = [])))]
pub async fn get_department(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "departmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&Department::from(&service.get_department(tx, caller, &id)?))
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", operation_id = "addDepartment",
    request_body = AddDepartmentBody,
    responses((status = 201, description = "Created", body = NewDepartmentId), Problems),
    security(("bearer" = [])))]
pub async fn add_department(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let department = parsed(&req, NewDepartment::try_from(body::<AddDepartmentBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        let id =
            service.add_department(tx, caller, &department.name, department.parent_department_id.as_ref(), department.code.as_ref())?;
        out.value(&NewDepartmentId { department_id: id })
    })
    .await
}

#[utoipa::path(patch, path = "/api/v1/departments/{departmentId}", tag = "departments", operation_id = "updateDepartment",
    params(("departmentId" = String, Path, max_length = 255)),
    request_body = UpdateDepartmentBody,
    responses((status = 200, description = "Changed", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn update_department(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let department_id = path_id(&req, "departmentId")?;
    let update = parsed(&req, body::<UpdateDepartmentBody>(&req, &state, bytes).await?.parse(department_id))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.update_department(tx, caller, &update)?;
        out.value(&ok())
    })
    .await
}

#[utoipa::path(delete, path = "/api/v1/departments/{departmentId}", tag = "departments", operation_id = "deleteDepartment",
    params(("departmentId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Deleted", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn delete_department(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "departmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.delete_department(tx, caller, &id)?;
        out.value(&ok())
    })
    .await
}

// Groups

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", operation_id = "getGroups",
    responses((status = 200, description = "Groups", body = GroupList), Problems),
    security(("bearer" = [])))]
pub async fn get_groups(req: HttpRequest, state: State) -> Reply {
    parsed(&req, Query::parse(&req, &[]))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&GroupList { groups: service.get_groups(tx, caller)?.iter().map(Group::from).collect() })
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", operation_id = "addGroup",
    request_body = AddGroupBody,
    responses((status = 201, description = "Created", body = NewGroupId), Problems),
    security(("bearer" = [])))]
pub async fn add_group(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let group = parsed(&req, NewGroup::try_from(body::<AddGroupBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        out.value(&NewGroupId { group_id: service.add_group(tx, caller, &group.name, &group.user_ids)? })
    })
    .await
}

#[utoipa::path(put, path = "/api/v1/groups/{groupId}/members", tag = "groups", operation_id = "updateGroupMembers",
    params(("groupId" = String, Path, max_length = 255)),
    request_body = UserIdsBody,
    responses((status = 200, description = "Members replaced", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn update_group_members(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let id = path_id(&req, "groupId")?;
    let members = parsed(&req, ids(&body::<UserIdsBody>(&req, &state, bytes).await?.user_ids, "userIds"))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.update_group_members(tx, caller, &id, &members)?;
        out.value(&ok())
    })
    .await
}

// Content and results

/// Content items: all of them, streamed (getContent), or one page with `pageSize`/`pageToken`.
#[utoipa::path(get, path = "/api/v1/content", tag = "content", operation_id = "getContent",
    params(("pageSize" = Option<i32>, Query, minimum = 1, maximum = 10000), ("pageToken" = Option<String>, Query)),
    responses((status = 200, description = "Content items", body = ContentList), Problems),
    security(("bearer" = [])))]
pub async fn get_content(req: HttpRequest, state: State) -> Reply {
    let page = parsed(&req, Query::parse(&req, &["pageSize", "pageToken"]).and_then(|q| paging(&q)))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| match page {
        Some(page) => {
            let page = service.list_content(tx, caller, &page)?;
            out.value(&ContentList { content_items: page.items.iter().map(ContentItem::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("contentItems", |emit| service.get_content(tx, caller, &mut |c| emit(&ContentItem::from(c)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/content/{contentItemId}", tag = "content", operation_id = "getContentItem",
    params(("contentItemId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The content item", body = ContentItem), Problems),
    security(("bearer" = [])))]
pub async fn get_content_item(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "contentItemId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&ContentItem::from(&service.get_content_item(tx, caller, &id)?))
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/content/{contentItemId}/final-statuses", tag = "content", operation_id = "getContentItemFinalStatuses",
    params(("contentItemId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Each learner's status in the course", body = FinalStatuses), Problems),
    security(("bearer" = [])))]
pub async fn get_content_item_final_statuses(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "contentItemId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let statuses = service.get_content_item_final_statuses(tx, caller, &id)?;
        out.value(&FinalStatuses {
            statuses: statuses.into_iter().map(|f| FinalStatus { user_id: f.user_id, status: f.status, progress: f.progress }).collect(),
        })
    })
    .await
}

const RESULT_PARAMETERS: [&str; 14] = [
    "userId",
    "courseId",
    "enrollmentId",
    "departmentId",
    "completionStatus",
    "userStatus",
    "accessDate.startDate",
    "accessDate.endDate",
    "dueDate.startDate",
    "dueDate.endDate",
    "completionDate.startDate",
    "completionDate.endDate",
    "pageSize",
    "pageToken",
];

fn range(query: &Query, name: &str) -> Result<Option<Range>, OpError> {
    let start_name = format!("{name}.startDate");
    let end_name = format!("{name}.endDate");
    let start = parse_date_time(query.one(&start_name)?.as_deref(), &start_name)?;
    let end = parse_date_time(query.one(&end_name)?.as_deref(), &end_name)?;
    Ok((start.is_some() || end.is_some()).then_some(Range { start, end }))
}

impl TryFrom<&Query> for EnrollmentQuery {
    type Error = OpError;

    fn try_from(query: &Query) -> Result<Self, OpError> {
        Ok(EnrollmentQuery { course_ids: optional_ids(query, "courseId")?, learner_ids: optional_ids(query, "learnerId")? })
    }
}

impl TryFrom<&Query> for UserQuery {
    type Error = OpError;

    fn try_from(query: &Query) -> Result<Self, OpError> {
        Ok(UserQuery {
            department_id: optional_id(query, "departmentId")?,
            group_id: optional_id(query, "groupId")?,
            logins: optional_ids(query, "login")?,
            emails: optional_ids(query, "email")?,
        })
    }
}

impl TryFrom<&Query> for ResultsQuery {
    type Error = OpError;

    fn try_from(query: &Query) -> Result<Self, OpError> {
        let completion_statuses = query
            .all("completionStatus")
            .map(|statuses| statuses.iter().map(|status| parse(status, "completionStatus", CompletionStatus::parse)).collect())
            .transpose()?;
        let user_status = |status: &String| {
            let code = status.trim().parse::<i32>().map_err(|_| {
                OpError::wrong(ProblemKind::Enumeration, "userStatus", format!("userStatus must be 1 or 3; got '{status}'"))
            })?;
            parse_int(code, "userStatus", UserStatus::parse)
        };
        let user_statuses = query.all("userStatus").map(|statuses| statuses.iter().map(user_status).collect()).transpose()?;
        Ok(ResultsQuery {
            user_ids: optional_ids(query, "userId")?,
            course_ids: optional_ids(query, "courseId")?,
            enrollment_ids: optional_ids(query, "enrollmentId")?,
            access_date: range(query, "accessDate")?,
            due_date: range(query, "dueDate")?,
            completion_date: range(query, "completionDate")?,
            completion_statuses,
            department_ids: optional_ids(query, "departmentId")?,
            user_statuses,
        })
    }
}

/// Learner results of active enrollments, one page (default 1000). `userStatus` defaults to 1.
#[utoipa::path(get, path = "/api/v1/results", tag = "results", operation_id = "listLearnersResults",
    params(
        ("userId" = Option<Vec<String>>, Query), ("courseId" = Option<Vec<String>>, Query), ("enrollmentId" = Option<Vec<String>>, Query),
        ("departmentId" = Option<Vec<String>>, Query),
        ("completionStatus" = Option<Vec<String>>, Query, description = "not_started, in_progress, pending, complete, passed, accepted, incomplete, failed, declined"),
        ("userStatus" = Option<Vec<i32>>, Query, description = "1 active, 3 inactive (default 1)"),
        ("accessDate.startDate" = Option<String>, Query, format = DateTime), ("accessDate.endDate" = Option<String>, Query, format = DateTime),
        ("dueDate.startDate" = Option<String>, Query, format = DateTime), ("dueDate.endDate" = Option<String>, Query, format = DateTime),
        ("completionDate.startDate" = Option<String>, Query, format = DateTime), ("completionDate.endDate" = Option<String>, Query, format = DateTime),
        ("pageSize" = Option<i32>, Query, minimum = 1, maximum = 10000), ("pageToken" = Option<String>, Query),
    ),
    responses((status = 200, description = "Learner results", body = ResultList), Problems),
    security(("bearer" = [])))]
pub async fn list_learners_results(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &RESULT_PARAMETERS))?;
    let results = parsed(&req, ResultsQuery::try_from(&query))?;
    let page = parsed(&req, paging(&query))?.unwrap_or_default();
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let page = service.list_learners_results(tx, caller, &results, &page)?;
        let today = chrono::Utc::now().date_naive();
        out.value(&ResultList {
            learners_results: page.items.iter().map(|r| LearnerResult::new(r, today)).collect(),
            next_page_token: page.next_token,
        })
    })
    .await
}
