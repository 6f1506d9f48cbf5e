//! Skillable's shapes: query parameters read as ASP.NET binds them (names in any case, numbers and
//! status ids as numeric strings), and answers with the reference's keys and casing.

use chrono::{DateTime, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::offering::{ClassEnrollmentView, ClassView, CompletionStatus, EnrollmentStatus, LocationType};
use crate::domain::values::{ExternalId, Refused};
use crate::service::classes::{ClassEnrollmentInput, ClassUserView};
use crate::service::{OpError, ProblemKind};

/// A request's query parameters; names match in any case. Parameters a route does not take are
/// ignored, as Skillable's own API does.
pub struct Params {
    pairs: Vec<(String, String)>,
}

fn invalid(kind: ProblemKind, name: &str, message: String) -> OpError {
    OpError::wrong(kind, name, message)
}

impl Params {
    pub fn of(query: &str) -> Params {
        Params { pairs: form_urlencoded::parse(query.as_bytes()).into_owned().collect() }
    }

    /// The value of `name`, which may appear once.
    pub fn text(&self, name: &str) -> Result<Option<&str>, OpError> {
        let mut values = self.pairs.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(invalid(ProblemKind::Occurs, name, format!("{name} may be given once")));
        }
        Ok(first.filter(|v| !v.trim().is_empty()))
    }

    pub fn required<T>(&self, name: &str, value: Option<T>) -> Result<T, OpError> {
        value.ok_or_else(|| invalid(ProblemKind::Required, name, format!("{name} is required")))
    }

    pub fn int(&self, name: &str) -> Result<Option<i32>, OpError> {
        self.text(name)?
            .map(|v| {
                v.trim()
                    .parse::<i32>()
                    .map_err(|_| invalid(ProblemKind::Type, name, format!("{name} must be a whole number (int32); got '{v}'")))
            })
            .transpose()
    }

    pub fn required_int(&self, name: &str) -> Result<i32, OpError> {
        self.required(name, self.int(name)?)
    }

    /// A store key: a positive int32.
    pub fn id(&self, name: &str) -> Result<Option<i64>, OpError> {
        match self.int(name)? {
            Some(id) if id < 1 => Err(invalid(ProblemKind::Type, name, format!("{name} must be a positive id; got {id}"))),
            other => Ok(other.map(i64::from)),
        }
    }

    pub fn required_id(&self, name: &str) -> Result<i64, OpError> {
        self.required(name, self.id(name)?)
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, OpError> {
        self.text(name)?
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(invalid(ProblemKind::Type, name, format!("{name} must be true or false; got '{v}'"))),
            })
            .transpose()
    }

    /// A value of one of the reference's enumerations, given as a number or a numeric string.
    pub fn code<T>(&self, name: &str, parse: fn(i32) -> Result<T, Refused>) -> Result<Option<T>, OpError> {
        self.int(name)?.map(|code| parse(code).map_err(|why| OpError::refused(name, why))).transpose()
    }

    /// A value of the domain parsed from the text of `name`.
    pub fn value<T>(&self, name: &str, parse: fn(&str) -> Result<T, Refused>) -> Result<Option<T>, OpError> {
        self.text(name)?.map(|v| parse(v).map_err(|why| OpError::refused(name, why))).transpose()
    }

    /// Epoch seconds.
    pub fn instant(&self, name: &str) -> Result<Option<NaiveDateTime>, OpError> {
        self.text(name)?
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
                    .map(|t| t.naive_utc())
                    .filter(|t| crate::domain::values::in_calendar(t.date()))
                    .ok_or_else(|| {
                        invalid(
                            ProblemKind::Type,
                            name,
                            format!("{name} must be a time in epoch seconds, in the years 1 to 9999; got '{v}'"),
                        )
                    })
            })
            .transpose()
    }

    /// `pageIndex` (0-based, default 0) and `pageSize` (default 100).
    pub fn page(&self) -> Result<crate::service::classes::SearchPage, OpError> {
        let index = self.int("pageIndex")?.unwrap_or(0);
        let size = self.int("pageSize")?.unwrap_or(100);
        crate::service::classes::SearchPage::new(index.into(), size.into(), "pageIndex", "pageSize")
    }

    /// `sort`: `Field` or `Field DESC`, the field one of `fields`.
    pub fn sort<T: Copy>(&self, fields: &[(&str, T)]) -> Result<Option<(T, bool)>, OpError> {
        let Some(raw) = self.text("sort")? else { return Ok(None) };
        let mut words = raw.split_whitespace();
        let field = words.next().unwrap_or_default();
        let descending = match (words.next(), words.next()) {
            (None, _) => false,
            (Some(direction), None) if direction.eq_ignore_ascii_case("desc") => true,
            (Some(direction), None) if direction.eq_ignore_ascii_case("asc") => false,
            _ => return Err(invalid(ProblemKind::Type, "sort", format!("sort must be a field, optionally followed by DESC; got '{raw}'"))),
        };
        match fields.iter().find(|(name, _)| name.eq_ignore_ascii_case(field)) {
            Some((_, value)) => Ok(Some((*value, descending))),
            None => {
                let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
                Err(invalid(
                    ProblemKind::Enumeration,
                    "sort",
                    format!("sort must be one of {} (then DESC for descending); got '{raw}'", names.join(", ")),
                ))
            }
        }
    }

    /// The fields of CreateClassEnrollment and UpdateClassEnrollment (the same set, the same
    /// required ones).
    pub fn class_enrollment(&self) -> Result<ClassEnrollmentInput, OpError> {
        let external_id = self.value("externalId", ExternalId::parse)?;
        let number = |name: &str| -> Result<Option<i32>, OpError> {
            match self.int(name)? {
                Some(n) if n < 0 => Err(invalid(ProblemKind::Type, name, format!("{name} must not be negative; got {n}"))),
                other => Ok(other),
            }
        };
        Ok(ClassEnrollmentInput {
            external_id,
            class_id: self.required_id("classId")?,
            user_id: self.required_id("userId")?,
            enrollment_status: self.required("enrollmentStatusId", self.code("enrollmentStatusId", EnrollmentStatus::parse)?)?,
            completion_status: self.required("completionStatusId", self.code("completionStatusId", CompletionStatus::parse)?)?,
            late_cancel: self.boolean("lateCancel")?.unwrap_or(false),
            retake: self.boolean("retake")?.unwrap_or(false),
            location_type: self.code("LocationTypeId", LocationType::parse)?,
            classroom_id: self.id("ClassroomId")?,
            hours_spent: number("HoursSpent")?,
            grade: number("Grade")?,
        })
    }
}

/// An id of the store as Skillable writes ids: int32.
fn int32(id: i64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

/// A time as .NET writes it in JSON, in UTC.
fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CustomField {
    pub name: String,
    pub text_value: String,
    pub custom_field_id: i32,
}

/// `ClassEnrollment`, every field of the reference with its type and nullability.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ClassEnrollment {
    pub id: i32,
    pub external_id: Option<String>,
    pub user_id: i32,
    pub class_id: i32,
    pub enrollment_status_id: i16,
    pub completion_status_id: i16,
    pub late_cancel: bool,
    pub retake: bool,
    pub location_type_id: Option<i16>,
    pub classroom_id: Option<i32>,
    pub hours_spent: Option<i32>,
    pub grade: Option<i32>,
    pub custom_fields: Vec<CustomField>,
}

impl From<ClassEnrollmentView> for ClassEnrollment {
    fn from(view: ClassEnrollmentView) -> Self {
        ClassEnrollment {
            id: int32(view.id),
            external_id: view.external_id,
            user_id: int32(view.user_id),
            class_id: int32(view.class_id),
            enrollment_status_id: view.enrollment_status.code(),
            completion_status_id: view.completion_status.code(),
            late_cancel: view.late_cancel,
            retake: view.retake,
            location_type_id: view.location_type.map(LocationType::code),
            classroom_id: view.classroom_id.map(int32),
            hours_spent: view.hours_spent,
            grade: view.grade,
            custom_fields: view
                .custom_fields
                .into_iter()
                .map(|f| CustomField { name: f.name, text_value: f.text_value, custom_field_id: int32(f.custom_field_id) })
                .collect(),
        }
    }
}

/// `Class`, the fields of the reference this store holds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Class {
    pub id: i32,
    pub external_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub html_description: Option<String>,
    pub enabled: bool,
    pub confirmation_status_id: i16,
    pub course_id: i32,
    pub organization_id: i32,
    pub start: Option<String>,
    pub end: Option<String>,
    pub location_type_id: Option<i16>,
    pub classroom_id: Option<i32>,
    pub capacity: Option<i32>,
    pub delivery_type_id: i16,
}

impl Class {
    pub fn new(view: ClassView, organization_id: i64) -> Self {
        Class {
            id: int32(view.id),
            external_id: view.external_id,
            name: view.name,
            description: view.description,
            html_description: None,
            enabled: true,
            confirmation_status_id: view.confirmation_status,
            course_id: int32(view.course_id),
            organization_id: int32(organization_id),
            start: view.starts_at.map(time),
            end: view.ends_at.map(time),
            location_type_id: view.location_type.map(LocationType::code),
            classroom_id: view.classroom_id.map(int32),
            capacity: view.capacity,
            delivery_type_id: view.delivery_type,
        }
    }
}

/// `User` as GetUserByEmail answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    pub id: i32,
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub user_name: String,
    pub email: Option<String>,
    pub organization_id: i32,
    pub company_id: Option<i32>,
    pub manager_id: Option<i32>,
    pub disabled: bool,
}

impl User {
    pub fn new(view: ClassUserView, organization_id: i64) -> Self {
        User {
            id: int32(view.id),
            external_id: Some(view.external_id),
            title: None,
            first_name: view.first_name,
            middle_name: None,
            last_name: view.last_name,
            user_name: view.login,
            email: view.email,
            organization_id: int32(organization_id),
            company_id: None,
            manager_id: None,
            disabled: view.disabled,
        }
    }
}

/// How many pages `total` items fill at `size` a page.
pub fn pages(total: i64, size: i64) -> i64 {
    if total == 0 { 0 } else { (total + size - 1) / size }
}

/// `Status`: 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
pub type Status = i32;

/// The answer of a lookup: `Results` is an array, also for one record (empty unless `Status` is 0).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Results<T: ToSchema> {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `Status` is 10.
    pub error: Option<String>,
    pub results: Vec<T>,
}

/// The answer of a search: one page of `Results` and the totals.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Search<T: ToSchema> {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `Status` is 10.
    pub error: Option<String>,
    pub results: Vec<T>,
    /// How many records match in all.
    pub total_count: i64,
    /// How many pages of `pageSize` they fill.
    pub total_pages: i64,
}

/// CreateClassEnrollment's answer, in that route's own casing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `status` is 10.
    pub error: Option<String>,
    /// The new class enrollment's id.
    #[serde(rename = "ClassEnrollmentId")]
    pub class_enrollment_id: Option<i32>,
}

/// DeleteClassEnrollment's answer: its outcome only, in the casing of CreateClassEnrollment's
/// (the vendor's request library gives it `status` and `error`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `status` is 10.
    pub error: Option<String>,
}

/// An answer with nothing but its outcome.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Plain {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `Status` is 10.
    pub error: Option<String>,
}

/// UpdateClassEnrollmentCustomFieldValue's answer: the field's properties.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CustomFieldAnswer {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `Status` is 10.
    pub error: Option<String>,
    pub id: Option<i32>,
    pub name: Option<String>,
    /// 0 Textbox, 10 Dropdown List, 20 Checkbox, 30 Number, 60 User Selector, 70 Checkbox List.
    pub data_type_id: Option<i16>,
    pub text_value: Option<String>,
    pub numeric_value: Option<i32>,
    pub boolean_value: Option<bool>,
    pub separated_list_value: Option<String>,
}

/// GetUserByEmail's answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UserAnswer {
    /// 0 Success, 10 Error, 20 Not found, 30 Invalid integration key.
    pub status: Status,
    /// What went wrong; set only when `Status` is 10.
    pub error: Option<String>,
    pub user: Option<User>,
}
