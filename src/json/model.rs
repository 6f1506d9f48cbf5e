//! The JSON shapes: field names are the XML element names. Responses are built from the domain's
//! views; request bodies are read strictly (unknown fields are refused) and checked against the
//! same value rules as the XSD before they reach the service.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{self, values};
use crate::service::{OpError, ProblemKind};

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

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueDateType {
    Unlimited,
    Default,
    DueDate,
    DuePeriod,
}

impl From<DueDateType> for domain::DueDateType {
    fn from(t: DueDateType) -> Self {
        match t {
            DueDateType::Unlimited => domain::DueDateType::Unlimited,
            DueDateType::Default => domain::DueDateType::Default,
            DueDateType::DueDate => domain::DueDateType::DueDate,
            DueDateType::DuePeriod => domain::DueDateType::DuePeriod,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AccountOwner,
    AccountAdministrator,
    DepartmentAdministrator,
    Publisher,
    Custom,
    Learner,
}

impl From<Role> for domain::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::AccountOwner => domain::Role::AccountOwner,
            Role::AccountAdministrator => domain::Role::AccountAdministrator,
            Role::DepartmentAdministrator => domain::Role::DepartmentAdministrator,
            Role::Publisher => domain::Role::Publisher,
            Role::Custom => domain::Role::Custom,
            Role::Learner => domain::Role::Learner,
        }
    }
}

impl From<domain::Role> for Role {
    fn from(r: domain::Role) -> Self {
        match r {
            domain::Role::AccountOwner => Role::AccountOwner,
            domain::Role::AccountAdministrator => Role::AccountAdministrator,
            domain::Role::DepartmentAdministrator => Role::DepartmentAdministrator,
            domain::Role::Publisher => Role::Publisher,
            domain::Role::Custom => Role::Custom,
            domain::Role::Learner => Role::Learner,
        }
    }
}

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
            role: u.role.into(),
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

// Checks of request values against the contract's simple types.

/// Refuses text the XML faces could not emit (see [`values::xml_safe`]).
fn check_xml_safe(value: &str, field: &str) -> Result<(), OpError> {
    values::xml_safe(value).map_err(|why| OpError::wrong(ProblemKind::Type, field, format!("{field} {why}")))
}

pub fn check_id(value: &str, field: &str) -> Result<String, OpError> {
    check_xml_safe(value, field)?;
    values::id(value).map_err(|why| OpError::wrong(ProblemKind::Length, field, format!("{field}: {why}")))
}

pub fn check_ids(values: &[String], field: &str) -> Result<Vec<String>, OpError> {
    values.iter().enumerate().map(|(i, v)| check_id(v, &format!("{field}[{i}]"))).collect()
}

pub fn check_optional_id(value: &Option<String>, field: &str) -> Result<Option<String>, OpError> {
    value.as_deref().map(|v| check_id(v, field)).transpose()
}

pub fn check_text(value: &Option<String>, field: &str, min: usize, max: usize) -> Result<(), OpError> {
    match value {
        Some(v) => {
            check_xml_safe(v, field)?;
            values::text(v, min, max).map_err(|why| OpError::wrong(ProblemKind::Length, field, format!("{field} {why}")))
        }
        None => Ok(()),
    }
}

pub fn check_name(value: &str, field: &str) -> Result<(), OpError> {
    check_xml_safe(value, field)?;
    values::name(value).map_err(|why| OpError::wrong(ProblemKind::Type, field, format!("{field} {why}")))
}

pub fn parse_date(value: &Option<String>, field: &str) -> Result<Option<chrono::NaiveDate>, OpError> {
    value
        .as_deref()
        .map(|v| {
            values::parse_date(v.trim())
                .ok_or_else(|| OpError::wrong(ProblemKind::Type, field, format!("{field} must be a date (YYYY-MM-DD); got '{v}'")))
        })
        .transpose()
}

pub fn parse_date_time(value: &Option<String>, field: &str) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, OpError> {
    value
        .as_deref()
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

pub fn check_range(value: Option<i32>, field: &str, min: i32, max: i32) -> Result<Option<i32>, OpError> {
    match value {
        Some(v) if v < min || v > max => {
            Err(OpError::wrong(ProblemKind::Type, field, format!("{field} must be from {min} to {max}; got {v}")))
        }
        other => Ok(other),
    }
}
