//! The routes under `/api/v1`, one handler per operation. Each reads and checks its input,
//! calls the service inside `run`, and writes the model's JSON. The `utoipa::path` attributes are
//! the OpenAPI document.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::model::*;
use super::openapi::Problems;
use super::{Access, Query, Rejection, body, bulk_body, reject, run};
use crate::domain::UserStatus;
use crate::service::{
    DepartmentUpdate, EnrollRequest, EnrollmentChange, EnrollmentQuery, NewUserRequest, OpError, PageRequest, ProblemKind, Range,
    ResultsQuery, UserQuery, UserUpdate,
};
use crate::state::AppState;

type Reply = Result<HttpResponse, Rejection>;
type Body = web::Payload;
type State = web::Data<AppState>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // The API reference (Swagger UI) is registered before the scope, which would take its paths.
    cfg.service(super::openapi::reference()).route(
        "/api/v1/docs",
        web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/api/v1/docs/")).finish() }),
    );
    cfg.service(
        web::scope("/api/v1")
            .route("/enrollments", web::get().to(get_enrollments))
            .route("/enrollments", web::post().to(enroll_learners_in_courses))
            .route("/enrollments/{enrollmentId}", web::get().to(get_enrollment))
            .route("/enrollments/{enrollmentId}", web::patch().to(change_enrollment))
            .route("/enrollments/{enrollmentId}", web::delete().to(unenroll))
            .route("/users/activate", web::post().to(activate_users))
            .route("/users/deactivate", web::post().to(deactivate_users))
            .route("/users", web::get().to(get_users))
            .route("/users", web::post().to(add_user))
            .route("/users/{userId}", web::get().to(get_user_profile))
            .route("/users/{userId}", web::patch().to(update_user_profile))
            .route("/users/{userId}", web::delete().to(delete_user))
            .route("/users/{userId}/password", web::put().to(update_user_password))
            .route("/users/{userId}/remove-from-groups", web::post().to(remove_user_from_groups))
            .route("/departments", web::get().to(get_departments))
            .route("/departments", web::post().to(add_department))
            .route("/departments/{departmentId}", web::get().to(get_department))
            .route("/departments/{departmentId}", web::patch().to(update_department))
            .route("/departments/{departmentId}", web::delete().to(delete_department))
            .route("/groups", web::get().to(get_groups))
            .route("/groups", web::post().to(add_group))
            .route("/groups/{groupId}/members", web::put().to(update_group_members))
            .route("/content", web::get().to(get_content))
            .route("/content/{contentItemId}", web::get().to(get_content_item))
            .route("/content/{contentItemId}/final-statuses", web::get().to(get_content_item_final_statuses))
            .route("/results", web::get().to(list_learners_results))
            .route("/openapi.json", crate::state::get_or_head().to(super::openapi::serve)),
    );
}

fn path_id(req: &HttpRequest, name: &str) -> Result<String, Rejection> {
    let raw = req.match_info().get(name).unwrap_or_default();
    check_id(raw, name).map_err(|e| reject(req, e))
}

/// `pageSize`/`pageToken` when either is given: the caller wants one page, not everything.
fn paging(query: &Query) -> Result<Option<PageRequest>, OpError> {
    let size = check_range(query.int("pageSize")?, "pageSize", 1, 10_000)?;
    let token = query.one("pageToken")?;
    Ok((size.is_some() || token.is_some()).then_some(PageRequest { size, token }))
}

fn optional_ids(query: &Query, name: &str) -> Result<Option<Vec<String>>, OpError> {
    query.all(name).map(|v| check_ids(&v, name)).transpose()
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
    let parsed = (|| {
        let query = Query::parse(&req, &["courseId", "learnerId", "pageSize", "pageToken"])?;
        let filter = EnrollmentQuery { course_ids: optional_ids(&query, "courseId")?, learner_ids: optional_ids(&query, "learnerId")? };
        Ok((filter, paging(&query)?))
    })();
    let (filter, page) = parsed.map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| match page {
        Some(page) => {
            let page = s.list_enrollments(tx, p, &filter, &page)?;
            out.value(&EnrollmentList { enrollments: page.items.iter().map(Enrollment::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("enrollments", |emit| s.get_enrollments(tx, p, &filter, &mut |v| emit(&Enrollment::from(v)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/enrollments/{enrollmentId}", tag = "enrollments", operation_id = "getEnrollment",
    params(("enrollmentId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The enrollment", body = Enrollment), Problems),
    security(("bearer" = [])))]
pub async fn get_enrollment(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "enrollmentId")?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| out.value(&Enrollment::from(&s.get_enrollment(tx, p, &id)?))).await
}

#[utoipa::path(post, path = "/api/v1/enrollments", tag = "enrollments", operation_id = "enrollLearnersInCourses",
    request_body = EnrollBody,
    responses((status = 201, description = "Enrolled (learners already enrolled keep their enrollment)", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn enroll_learners_in_courses(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let b: EnrollBody = bulk_body(&req, &state, bytes).await?;
    let request = (|| {
        Ok(EnrollRequest {
            course_ids: check_ids(&b.course_ids, "courseIds")?,
            learner_ids: check_ids(&b.learner_ids, "learnerIds")?,
            access_date: parse_date_time(&b.access_date, "accessDate")?,
            due_date_type: b.due_date_type.into(),
            due_date: parse_date(&b.due_date, "dueDate")?,
            due_period: check_range(b.due_period, "duePeriod", 1, 876_000)?,
            lock_after_due_date: b.lock_after_due_date,
        })
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::CREATED, move |s, tx, p, out| {
        s.enroll_learners_in_courses(tx, p, &request)?;
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
    let b: ChangeEnrollmentBody = body(&req, &state, bytes).await?;
    let change = (|| {
        Ok(EnrollmentChange {
            enrollment_id,
            access_date: parse_date_time(&b.access_date, "accessDate")?,
            due_date_type: b.due_date_type.map(Into::into),
            due_date: parse_date(&b.due_date, "dueDate")?,
            due_period: check_range(b.due_period, "duePeriod", 1, 876_000)?,
            lock_after_due_date: b.lock_after_due_date,
        })
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.change_enrollment(tx, p, &change)?;
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
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.unenroll(tx, p, &id)?;
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
    let parsed = (|| {
        let query = Query::parse(&req, &["departmentId", "groupId", "login", "email", "pageSize", "pageToken"])?;
        let filter = UserQuery {
            department_id: check_optional_id(&query.one("departmentId")?, "departmentId")?,
            group_id: check_optional_id(&query.one("groupId")?, "groupId")?,
            logins: optional_ids(&query, "login")?,
            emails: optional_ids(&query, "email")?,
        };
        Ok((filter, paging(&query)?))
    })();
    let (filter, page) = parsed.map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| match page {
        Some(page) => {
            let page = s.list_users(tx, p, &filter, &page)?;
            out.value(&UserList { user_profiles: page.items.iter().map(UserProfile::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("userProfiles", |emit| s.get_users(tx, p, &filter, &mut |u| emit(&UserProfile::from(u)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/users/{userId}", tag = "users", operation_id = "getUserProfile",
    params(("userId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The user", body = UserProfile), Problems),
    security(("bearer" = [])))]
pub async fn get_user_profile(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "userId")?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| out.value(&UserProfile::from(&s.get_user_profile(tx, p, &id)?)))
        .await
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", operation_id = "addUser",
    request_body = AddUserBody,
    responses((status = 201, description = "Created", body = NewUserId), Problems),
    security(("bearer" = [])))]
pub async fn add_user(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let b: AddUserBody = body(&req, &state, bytes).await?;
    let request = (|| {
        check_text(&b.password, "password", 6, 100)?;
        check_text(&b.first_name, "firstName", 0, 4000)?;
        check_text(&b.last_name, "lastName", 0, 4000)?;
        Ok(NewUserRequest {
            login: check_id(&b.login, "login")?,
            email: check_optional_id(&b.email, "email")?,
            password: b.password.clone(),
            first_name: b.first_name.clone(),
            last_name: b.last_name.clone(),
            department_id: check_id(&b.department_id, "departmentId")?,
            role: b.role.map(Into::into),
            manageable_department_ids: b
                .manageable_department_ids
                .as_deref()
                .map(|v| check_ids(v, "manageableDepartmentIds"))
                .transpose()?,
            groups: b.groups.as_deref().map(|v| check_ids(v, "groups")).transpose()?,
        })
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::CREATED, move |s, tx, p, out| {
        out.value(&NewUserId { user_id: s.add_user(tx, p, &request)? })
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
    let b: UpdateUserBody = body(&req, &state, bytes).await?;
    let update = (|| {
        check_text(&b.first_name, "firstName", 0, 4000)?;
        check_text(&b.last_name, "lastName", 0, 4000)?;
        Ok(UserUpdate {
            user_id,
            login: check_optional_id(&b.login, "login")?,
            email: check_optional_id(&b.email, "email")?,
            first_name: b.first_name.clone(),
            last_name: b.last_name.clone(),
            department_id: check_optional_id(&b.department_id, "departmentId")?,
            role: b.role.map(Into::into),
            manageable_department_ids: b
                .manageable_department_ids
                .as_deref()
                .map(|v| check_ids(v, "manageableDepartmentIds"))
                .transpose()?,
        })
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.update_user_profile(tx, p, &update)?;
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
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.delete_user(tx, p, &id)?;
        out.value(&ok())
    })
    .await
}

async fn set_status(req: HttpRequest, state: State, bytes: Body, status: UserStatus) -> Reply {
    let b: UserIdsBody = body(&req, &state, bytes).await?;
    let ids = check_ids(&b.user_ids, "userIds").map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.set_users_status(tx, p, &ids, status)?;
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
    let b: PasswordBody = body(&req, &state, bytes).await?;
    check_text(&Some(b.password.clone()), "password", 6, 100).map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.update_user_password(tx, p, &id, &b.password)?;
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
    let b: GroupIdsBody = body(&req, &state, bytes).await?;
    let groups = check_ids(&b.group_ids, "groupIds").map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.remove_user_from_groups(tx, p, &id, &groups)?;
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
    let page = Query::parse(&req, &["pageSize", "pageToken"]).and_then(|q| paging(&q)).map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| {
        let page = match page {
            Some(page) => s.list_departments(tx, p, &page)?,
            None => crate::service::Page { items: s.get_departments(tx, p)?, next_token: None },
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
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| out.value(&Department::from(&s.get_department(tx, p, &id)?))).await
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", operation_id = "addDepartment",
    request_body = AddDepartmentBody,
    responses((status = 201, description = "Created", body = NewDepartmentId), Problems),
    security(("bearer" = [])))]
pub async fn add_department(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let b: AddDepartmentBody = body(&req, &state, bytes).await?;
    let (parent, code) = (|| {
        check_name(&b.name, "name")?;
        Ok((check_optional_id(&b.parent_department_id, "parentDepartmentId")?, check_optional_id(&b.code, "code")?))
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::CREATED, move |s, tx, p, out| {
        let id = s.add_department(tx, p, &b.name, parent.as_deref(), code.as_deref())?;
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
    let b: UpdateDepartmentBody = body(&req, &state, bytes).await?;
    let update = (|| {
        if let Some(name) = &b.name {
            check_name(name, "name")?;
        }
        Ok(DepartmentUpdate {
            department_id,
            name: b.name.clone(),
            code: check_optional_id(&b.code, "code")?,
            parent_department_id: check_optional_id(&b.parent_department_id, "parentDepartmentId")?,
        })
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.update_department(tx, p, &update)?;
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
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.delete_department(tx, p, &id)?;
        out.value(&ok())
    })
    .await
}

// Groups

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", operation_id = "getGroups",
    responses((status = 200, description = "Groups", body = GroupList), Problems),
    security(("bearer" = [])))]
pub async fn get_groups(req: HttpRequest, state: State) -> Reply {
    Query::parse(&req, &[]).map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| {
        out.value(&GroupList { groups: s.get_groups(tx, p)?.iter().map(Group::from).collect() })
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", operation_id = "addGroup",
    request_body = AddGroupBody,
    responses((status = 201, description = "Created", body = NewGroupId), Problems),
    security(("bearer" = [])))]
pub async fn add_group(req: HttpRequest, state: State, bytes: Body) -> Reply {
    let b: AddGroupBody = body(&req, &state, bytes).await?;
    let members = (|| {
        check_name(&b.name, "name")?;
        check_ids(b.user_ids.as_deref().unwrap_or_default(), "userIds")
    })()
    .map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::CREATED, move |s, tx, p, out| {
        out.value(&NewGroupId { group_id: s.add_group(tx, p, &b.name, &members)? })
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
    let b: UserIdsBody = body(&req, &state, bytes).await?;
    let members = check_ids(&b.user_ids, "userIds").map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Write, StatusCode::OK, move |s, tx, p, out| {
        s.update_group_members(tx, p, &id, &members)?;
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
    let page = Query::parse(&req, &["pageSize", "pageToken"]).and_then(|q| paging(&q)).map_err(|e| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| match page {
        Some(page) => {
            let page = s.list_content(tx, p, &page)?;
            out.value(&ContentList { content_items: page.items.iter().map(ContentItem::from).collect(), next_page_token: page.next_token })
        }
        None => out.list("contentItems", |emit| s.get_content(tx, p, &mut |c| emit(&ContentItem::from(c)))),
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/content/{contentItemId}", tag = "content", operation_id = "getContentItem",
    params(("contentItemId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The content item", body = ContentItem), Problems),
    security(("bearer" = [])))]
pub async fn get_content_item(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "contentItemId")?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| out.value(&ContentItem::from(&s.get_content_item(tx, p, &id)?)))
        .await
}

#[utoipa::path(get, path = "/api/v1/content/{contentItemId}/final-statuses", tag = "content", operation_id = "getContentItemFinalStatuses",
    params(("contentItemId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Each learner's status in the course", body = FinalStatuses), Problems),
    security(("bearer" = [])))]
pub async fn get_content_item_final_statuses(req: HttpRequest, state: State) -> Reply {
    let id = path_id(&req, "contentItemId")?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| {
        let statuses = s.get_content_item_final_statuses(tx, p, &id)?;
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
    let start = parse_date_time(&query.one(&start_name)?, &start_name)?;
    let end = parse_date_time(&query.one(&end_name)?, &end_name)?;
    Ok((start.is_some() || end.is_some()).then_some(Range { start, end }))
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
    let parsed = (|| {
        let query = Query::parse(&req, &RESULT_PARAMETERS)?;
        let completion_statuses = match query.all("completionStatus") {
            Some(statuses) => Some(
                statuses
                    .into_iter()
                    .map(|s| {
                        if crate::domain::enrollment::COMPLETION_STATUSES.contains(&s.as_str()) {
                            Ok(s)
                        } else {
                            Err(OpError::wrong(ProblemKind::Enumeration, "completionStatus", format!("unknown completion status '{s}'")))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let user_statuses = match query.all("userStatus") {
            Some(statuses) => Some(
                statuses
                    .iter()
                    .map(|s| match s.trim() {
                        "1" => Ok(1),
                        "3" => Ok(3),
                        other => {
                            Err(OpError::wrong(ProblemKind::Enumeration, "userStatus", format!("userStatus must be 1 or 3; got '{other}'")))
                        }
                    })
                    .collect::<Result<Vec<i16>, _>>()?,
            ),
            None => None,
        };
        let results = ResultsQuery {
            user_ids: optional_ids(&query, "userId")?,
            course_ids: optional_ids(&query, "courseId")?,
            enrollment_ids: optional_ids(&query, "enrollmentId")?,
            access_date: range(&query, "accessDate")?,
            due_date: range(&query, "dueDate")?,
            completion_date: range(&query, "completionDate")?,
            completion_statuses,
            department_ids: optional_ids(&query, "departmentId")?,
            user_statuses,
        };
        Ok((results, paging(&query)?.unwrap_or_default()))
    })();
    let (results, page) = parsed.map_err(|e: OpError| reject(&req, e))?;
    run(&req, &state, Access::Read, StatusCode::OK, move |s, tx, p, out| {
        let page = s.list_learners_results(tx, p, &results, &page)?;
        let today = chrono::Utc::now().date_naive();
        out.value(&ResultList {
            learners_results: page.items.iter().map(|r| LearnerResult::new(r, today)).collect(),
            next_page_token: page.next_token,
        })
    })
    .await
}
