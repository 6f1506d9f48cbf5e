//! The JSON shapes: field names are the XML element names. Responses are built from the domain's
//! views; request bodies are read strictly (unknown fields are refused) and checked against the
//! same value rules as the XSD before they reach the service.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::values::{self, DuePeriod, ExternalId, Name, Password, Refused, Text};
use crate::domain::{self};
use crate::service::{DepartmentUpdate, EnrollRequest, EnrollmentChange, NewUserRequest, OpError, ProblemKind, UserUpdate};

fn date(d: chrono::NaiveDate) -> String {
    values::date_text(d).to_string()
}

fn instant(t: &chrono::NaiveDateTime) -> String {
    values::utc_text(t).to_string()
}

/// `{"success": true}`: the answer of operations that only change data.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub issued_certificate_id: String,
    #[schema(format = DateTime)]
    pub issue_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expiry_date: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Enrollment {
    pub enrollment_id: String,
    pub course_id: String,
    pub learner_id: String,
    #[schema(format = Date)]
    pub access_date: String,
    /// Present only when a due date is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// Present only when a due date is set and access locks after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub expiration_date: Option<String>,
    /// 0: assigned by an administrator; 1: added from the catalog.
    #[schema(minimum = 0, maximum = 1)]
    pub enrollment_type_group: i16,
    pub should_lock_after_due_date: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

impl From<&domain::EnrollmentView> for Enrollment {
    fn from(v: &domain::EnrollmentView) -> Self {
        Enrollment {
            enrollment_id: v.enrollment_id.clone(),
            course_id: v.course_id.clone(),
            learner_id: v.learner_id.clone(),
            access_date: date(v.access_date),
            due_date: v.due_date.map(date),
            expiration_date: v.expiration_date().map(date),
            enrollment_type_group: v.enrollment_type_group,
            should_lock_after_due_date: v.should_lock_after_due_date,
            certificate: v.certificate.as_ref().map(|c| Certificate {
                issued_certificate_id: c.issued_certificate_id.clone(),
                issue_date: values::instant_text(&c.issue_date).to_string(),
                expiry_date: c.expiry_date.map(|t| values::instant_text(&t).to_string()),
            }),
        }
    }
}

/// A list of enrollments; `nextPageToken` only on a page followed by more.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentList {
    pub enrollments: Vec<Enrollment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

pub use crate::domain::{DueDateType, Role};

/// `POST /api/v1/enrollments`: every learner into every course, all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollBody {
    #[schema(min_items = 1)]
    pub course_ids: Vec<String>,
    #[schema(min_items = 1)]
    pub learner_ids: Vec<String>,
    /// Defaults to now.
    #[schema(format = DateTime)]
    pub access_date: Option<String>,
    pub due_date_type: DueDateType,
    /// Required with `due_date`, refused otherwise.
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// Hours; required with `due_period`, refused otherwise.
    #[schema(minimum = 1, maximum = 876000)]
    pub due_period: Option<i32>,
    pub lock_after_due_date: Option<bool>,
}

/// `PATCH /api/v1/enrollments/{enrollmentId}`: what is left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeEnrollmentBody {
    #[schema(format = DateTime)]
    pub access_date: Option<String>,
    pub due_date_type: Option<DueDateType>,
    #[schema(format = Date)]
    pub due_date: Option<String>,
    #[schema(minimum = 1, maximum = 876000)]
    pub due_period: Option<i32>,
    pub lock_after_due_date: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub user_id: String,
    pub login: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub department_id: String,
    /// 1: active; 3: inactive.
    pub status: i16,
    pub role: Role,
    pub groups: Vec<String>,
    pub manageable_department_ids: Vec<String>,
    #[schema(format = DateTime)]
    pub added_date: String,
}

impl From<&domain::UserProfileView> for UserProfile {
    fn from(u: &domain::UserProfileView) -> Self {
        UserProfile {
            user_id: u.user_id.clone(),
            login: u.login.clone(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            department_id: u.department_id.clone(),
            status: u.status,
            role: u.role,
            groups: u.groups.clone(),
            manageable_department_ids: u.manageable_department_ids.clone(),
            added_date: instant(&u.added_date),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserList {
    pub user_profiles: Vec<UserProfile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `POST /api/v1/users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddUserBody {
    pub login: String,
    pub email: Option<String>,
    /// 6 to 100 characters with an uppercase letter and a digit.
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department_id: String,
    /// Defaults to learner.
    pub role: Option<Role>,
    pub manageable_department_ids: Option<Vec<String>>,
    pub groups: Option<Vec<String>>,
}

/// `PATCH /api/v1/users/{userId}`: what is left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserBody {
    pub login: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department_id: Option<String>,
    pub role: Option<Role>,
    pub manageable_department_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserIdsBody {
    #[schema(min_items = 1)]
    pub user_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordBody {
    /// 6 to 100 characters with an uppercase letter and a digit.
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewUserId {
    pub user_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub department_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_department_id: Option<String>,
}

impl From<&domain::DepartmentView> for Department {
    fn from(d: &domain::DepartmentView) -> Self {
        Department {
            department_id: d.department_id.clone(),
            name: d.name.clone(),
            code: d.code.clone(),
            parent_department_id: d.parent_department_id.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentList {
    pub departments: Vec<Department>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddDepartmentBody {
    pub name: String,
    /// Without it the department is top-level (account-wide administrators only).
    pub parent_department_id: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDepartmentBody {
    pub name: Option<String>,
    pub code: Option<String>,
    pub parent_department_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewDepartmentId {
    pub department_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub group_id: String,
    pub name: String,
    pub user_ids: Vec<String>,
}

impl From<&domain::GroupView> for Group {
    fn from(g: &domain::GroupView) -> Self {
        Group { group_id: g.group_id.clone(), name: g.name.clone(), user_ids: g.user_ids.clone() }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GroupList {
    pub groups: Vec<Group>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddGroupBody {
    pub name: String,
    pub user_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupIdsBody {
    #[schema(min_items = 1)]
    pub group_ids: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewGroupId {
    pub group_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContentItem {
    pub content_item_id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub content_type: String,
    #[schema(format = DateTime)]
    pub added_date: String,
}

impl From<&domain::ContentItemView> for ContentItem {
    fn from(c: &domain::ContentItemView) -> Self {
        ContentItem {
            content_item_id: c.content_item_id.clone(),
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            description: c.description.clone(),
            content_type: c.content_type.clone(),
            added_date: instant(&c.added_date),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContentList {
    pub content_items: Vec<ContentItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FinalStatus {
    pub user_id: String,
    pub status: String,
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i16,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FinalStatuses {
    pub statuses: Vec<FinalStatus>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LearnerResult {
    pub enrollment_id: String,
    pub user_id: String,
    pub course_id: String,
    pub course_title: String,
    #[schema(format = Date)]
    pub access_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub expiration_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub completion_date: Option<String>,
    pub completion_status: String,
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i16,
    pub is_overdue: bool,
}

impl LearnerResult {
    pub fn new(r: &domain::LearnerResultView, today: chrono::NaiveDate) -> Self {
        LearnerResult {
            enrollment_id: r.enrollment_id.clone(),
            user_id: r.user_id.clone(),
            course_id: r.course_id.clone(),
            course_title: r.course_title.clone(),
            access_date: date(r.access_date),
            due_date: r.due_date.map(date),
            expiration_date: r.expiration_date().map(date),
            completion_date: r.completion_date.as_ref().map(instant),
            completion_status: r.completion_status.clone(),
            progress: r.progress,
            is_overdue: r.is_overdue(today),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultList {
    pub learners_results: Vec<LearnerResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// An RFC 9457 problem. `title` is the iSpring fault string the SOAP face answers with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The class: REQUIRED, TYPE, VALUE, NOT_FOUND, PERMISSION_DENIED, …
    pub code: String,
    /// The offending field or parameter, when one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub request_id: String,
}

// Request bodies into the service's parsed requests. The rules are the domain's (`values`); this
// face only names the field (`login must be …`) and its path (`courseIds[2]`).

/// A domain value parsed from the text of `field`.
pub fn parse<T>(value: &str, field: &str, parse: fn(&str) -> Result<T, Refused>) -> Result<T, OpError> {
    parse(value).map_err(|why| OpError::refused(field, why))
}

/// A domain value parsed from the number in `field`.
pub fn parse_int<T>(value: i32, field: &str, parse: fn(i32) -> Result<T, Refused>) -> Result<T, OpError> {
    parse(value).map_err(|why| OpError::refused(field, why))
}

/// An optional domain value.
pub fn parse_optional<T>(value: Option<&str>, field: &str, read: fn(&str) -> Result<T, Refused>) -> Result<Option<T>, OpError> {
    value.map(|v| parse(v, field, read)).transpose()
}

/// Every id of a list; a refusal names the item (`courseIds[2]`).
pub fn ids(values: &[String], field: &str) -> Result<Vec<ExternalId>, OpError> {
    ExternalId::parse_all(values).map_err(|(i, why)| OpError::refused(format!("{field}[{i}]"), why))
}

fn optional_ids(values: Option<&[String]>, field: &str) -> Result<Option<Vec<ExternalId>>, OpError> {
    values.map(|v| ids(v, field)).transpose()
}

pub fn parse_date(value: Option<&str>, field: &str) -> Result<Option<chrono::NaiveDate>, OpError> {
    value
        .map(|v| {
            values::parse_date(v.trim())
                .ok_or_else(|| OpError::wrong(ProblemKind::Type, field, format!("{field} must be a date (YYYY-MM-DD); got '{v}'")))
        })
        .transpose()
}

pub fn parse_date_time(value: Option<&str>, field: &str) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, OpError> {
    value
        .map(|v| {
            values::parse_date_time(v.trim()).ok_or_else(|| {
                OpError::wrong(
                    ProblemKind::Type,
                    field,
                    format!("{field} must be a date-time (YYYY-MM-DDThh:mm:ss with an optional zone); got '{v}'"),
                )
            })
        })
        .transpose()
}

fn due_period(value: Option<i32>) -> Result<Option<DuePeriod>, OpError> {
    value.map(|v| parse_int(v, "duePeriod", DuePeriod::parse)).transpose()
}

impl TryFrom<EnrollBody> for EnrollRequest {
    type Error = OpError;

    fn try_from(body: EnrollBody) -> Result<Self, OpError> {
        Ok(EnrollRequest {
            course_ids: ids(&body.course_ids, "courseIds")?,
            learner_ids: ids(&body.learner_ids, "learnerIds")?,
            access_date: parse_date_time(body.access_date.as_deref(), "accessDate")?,
            due_date_type: body.due_date_type,
            due_date: parse_date(body.due_date.as_deref(), "dueDate")?,
            due_period: due_period(body.due_period)?,
            lock_after_due_date: body.lock_after_due_date,
        })
    }
}

impl ChangeEnrollmentBody {
    /// The change of the enrollment the path names.
    pub fn parse(self, enrollment_id: ExternalId) -> Result<EnrollmentChange, OpError> {
        Ok(EnrollmentChange {
            enrollment_id,
            access_date: parse_date_time(self.access_date.as_deref(), "accessDate")?,
            due_date_type: self.due_date_type,
            due_date: parse_date(self.due_date.as_deref(), "dueDate")?,
            due_period: due_period(self.due_period)?,
            lock_after_due_date: self.lock_after_due_date,
        })
    }
}

impl TryFrom<AddUserBody> for NewUserRequest {
    type Error = OpError;

    fn try_from(body: AddUserBody) -> Result<Self, OpError> {
        Ok(NewUserRequest {
            login: parse(&body.login, "login", ExternalId::parse)?,
            email: parse_optional(body.email.as_deref(), "email", ExternalId::parse)?,
            password: parse_optional(body.password.as_deref(), "password", Password::parse)?,
            first_name: parse_optional(body.first_name.as_deref(), "firstName", Text::parse)?,
            last_name: parse_optional(body.last_name.as_deref(), "lastName", Text::parse)?,
            department_id: parse(&body.department_id, "departmentId", ExternalId::parse)?,
            role: body.role,
            manageable_department_ids: optional_ids(body.manageable_department_ids.as_deref(), "manageableDepartmentIds")?,
            groups: optional_ids(body.groups.as_deref(), "groups")?,
        })
    }
}

impl UpdateUserBody {
    /// The update of the user the path names.
    pub fn parse(self, user_id: ExternalId) -> Result<UserUpdate, OpError> {
        Ok(UserUpdate {
            user_id,
            login: parse_optional(self.login.as_deref(), "login", ExternalId::parse)?,
            email: parse_optional(self.email.as_deref(), "email", ExternalId::parse)?,
            first_name: parse_optional(self.first_name.as_deref(), "firstName", Text::parse)?,
            last_name: parse_optional(self.last_name.as_deref(), "lastName", Text::parse)?,
            department_id: parse_optional(self.department_id.as_deref(), "departmentId", ExternalId::parse)?,
            role: self.role,
            manageable_department_ids: optional_ids(self.manageable_department_ids.as_deref(), "manageableDepartmentIds")?,
        })
    }
}

/// `POST /api/v1/departments`, parsed.
pub struct NewDepartment {
    pub name: Name,
    pub parent_department_id: Option<ExternalId>,
    pub code: Option<ExternalId>,
}

impl TryFrom<AddDepartmentBody> for NewDepartment {
    type Error = OpError;

    fn try_from(body: AddDepartmentBody) -> Result<Self, OpError> {
        Ok(NewDepartment {
            name: parse(&body.name, "name", Name::parse)?,
            parent_department_id: parse_optional(body.parent_department_id.as_deref(), "parentDepartmentId", ExternalId::parse)?,
            code: parse_optional(body.code.as_deref(), "code", ExternalId::parse)?,
        })
    }
}

impl UpdateDepartmentBody {
    /// The update of the department the path names.
    pub fn parse(self, department_id: ExternalId) -> Result<DepartmentUpdate, OpError> {
        Ok(DepartmentUpdate {
            department_id,
            name: parse_optional(self.name.as_deref(), "name", Name::parse)?,
            code: parse_optional(self.code.as_deref(), "code", ExternalId::parse)?,
            parent_department_id: parse_optional(self.parent_department_id.as_deref(), "parentDepartmentId", ExternalId::parse)?,
        })
    }
}

/// `POST /api/v1/groups`, parsed.
pub struct NewGroup {
    pub name: Name,
    pub user_ids: Vec<ExternalId>,
}

impl TryFrom<AddGroupBody> for NewGroup {
    type Error = OpError;

    fn try_from(body: AddGroupBody) -> Result<Self, OpError> {
        Ok(NewGroup {
            name: parse(&body.name, "name", Name::parse)?,
            user_ids: ids(body.user_ids.as_deref().unwrap_or_default(), "userIds")?,
        })
    }
}
