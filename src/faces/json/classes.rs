//! Classes and class enrollments in the JSON mirror: the service's class operations (which the
//! Skillable face serves in its vendor's words) as resources, in the mirror's conventions: camelCase
//! JSON bodies read strictly, names for enumerations, problems for failures, 201 on creation.
//!
//! Classes, class enrollments and custom fields are named by the store's integer keys, as on the
//! Skillable face; learners and courses by the ids the rest of the mirror uses (`learnerId`,
//! `courseId`). Searches sort by fields other than a key, so they page by a 0-based `pageIndex` and
//! report `totalCount`, where the iSpring listings page by token.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::model::{Success, parse, parse_date_time, parse_optional};
use super::openapi::Problems;
use super::{Rejection, body, reject, run};
use crate::domain::offering::{
    ClassEnrollmentView, ClassView, CompletionStatus, CustomFieldInput, CustomFieldType, CustomFieldValue, EnrollmentStatus, LocationType,
};
use crate::domain::values::{self, ExternalId, Text};
use crate::faces::kit::query::Query;
use crate::service::classes::{ClassEnrollmentInput, ClassEnrollmentQuery, ClassQuery, CustomFieldDefinition, SearchPage};
use crate::service::{OpError, ProblemKind};
use crate::state::AppState;
use crate::store::offerings::{OfferingEnrollmentOrder, OfferingOrder};

type Reply = Result<actix_web::HttpResponse, Rejection>;
type State = web::Data<AppState>;

/// The page size of a search when the caller gives none.
const DEFAULT_PAGE_SIZE: i64 = 100;

fn instant(t: chrono::NaiveDateTime) -> String {
    values::utc_text(&t).to_string()
}

// Answers

/// A class: a scheduled offering of a course.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Class {
    pub class_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The course, as `/api/v1/content` names it.
    pub course_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_type: Option<LocationType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classroom_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i32>,
    /// 0 scheduled, 1 guaranteed to run, 2 cancelled, 3 rescheduled, 4 tentative, 5 requested,
    /// 6 denied, 7 completed.
    #[schema(minimum = 0, maximum = 7)]
    pub confirmation_status: i16,
    /// 1 physical, 2 virtual, 3 mixed.
    #[schema(minimum = 1, maximum = 3)]
    pub delivery_type: i16,
}

impl From<ClassView> for Class {
    fn from(view: ClassView) -> Self {
        Class {
            class_id: view.id,
            external_id: view.external_id,
            name: view.name,
            description: view.description,
            course_id: view.course_external_id,
            start: view.starts_at.map(instant),
            end: view.ends_at.map(instant),
            location_type: view.location_type,
            classroom_id: view.classroom_id,
            capacity: view.capacity,
            confirmation_status: view.confirmation_status,
            delivery_type: view.delivery_type,
        }
    }
}

/// One page of classes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassPage {
    pub classes: Vec<Class>,
    /// How many classes match in all.
    pub total_count: i64,
    /// The `pageIndex` of the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_index: Option<i64>,
}

/// A custom field's value, typed by the field: text (textbox, dropdown list, user selector), a
/// whole number, a checkbox's boolean, or a checkbox list's values.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldEntry {
    pub custom_field_id: i64,
    pub name: String,
    pub data_type: CustomFieldType,
    #[schema(schema_with = field_value)]
    pub value: Value,
}

impl From<CustomFieldValue> for CustomFieldEntry {
    fn from(field: CustomFieldValue) -> Self {
        let text = field.text_value;
        let value = match field.data_type {
            _ if text.is_empty() => Value::Null,
            CustomFieldType::Checkbox => Value::Bool(text == "true"),
            CustomFieldType::Number => text.parse::<i64>().map_or(Value::String(text), Value::from),
            CustomFieldType::CheckboxList => Value::from(text.split('\t').collect::<Vec<_>>()),
            _ => Value::String(text),
        };
        CustomFieldEntry { custom_field_id: field.custom_field_id, name: field.name, data_type: field.data_type, value }
    }
}

/// The schema of a custom field's value: a string, a whole number, a boolean, an array of strings,
/// or null.
fn field_value() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    let of = |kind: Type| ObjectBuilder::new().schema_type(kind);
    OneOfBuilder::new()
        .item(of(Type::String))
        .item(of(Type::Integer))
        .item(of(Type::Boolean))
        .item(ArrayBuilder::new().items(of(Type::String)))
        .item(of(Type::Null))
        .description(Some("A string, a whole number, a boolean (checkbox), an array of strings (checkbox list), or null (no value)"))
        .build()
        .into()
}

/// A class enrollment: the enrollment of a learner in a class's course, with the class's statuses.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassEnrollment {
    pub class_enrollment_id: i64,
    /// The caller's id for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub class_id: i64,
    /// The learner, as `/api/v1/users` names them.
    pub learner_id: String,
    /// The enrollment it is, as `/api/v1/enrollments` names it (listed there while in force).
    pub enrollment_id: String,
    pub enrollment_status: EnrollmentStatus,
    pub completion_status: CompletionStatus,
    pub late_cancel: bool,
    pub retake: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_type: Option<LocationType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classroom_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_spent: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<i32>,
    /// The custom fields that hold a value.
    pub custom_fields: Vec<CustomFieldEntry>,
}

impl From<ClassEnrollmentView> for ClassEnrollment {
    fn from(view: ClassEnrollmentView) -> Self {
        ClassEnrollment {
            class_enrollment_id: view.id,
            external_id: view.external_id,
            class_id: view.class_id,
            learner_id: view.user_external_id,
            enrollment_id: view.enrollment_id,
            enrollment_status: view.enrollment_status,
            completion_status: view.completion_status,
            late_cancel: view.late_cancel,
            retake: view.retake,
            location_type: view.location_type,
            classroom_id: view.classroom_id,
            hours_spent: view.hours_spent,
            grade: view.grade,
            custom_fields: view.custom_fields.into_iter().map(CustomFieldEntry::from).collect(),
        }
    }
}

/// One page of class enrollments.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassEnrollmentPage {
    pub class_enrollments: Vec<ClassEnrollment>,
    /// How many class enrollments match in all.
    pub total_count: i64,
    /// The `pageIndex` of the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_index: Option<i64>,
}

/// A custom field class enrollments can carry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldDefinitionEntry {
    pub custom_field_id: i64,
    pub name: String,
    pub data_type: CustomFieldType,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldList {
    pub custom_fields: Vec<CustomFieldDefinitionEntry>,
}

// Request bodies

/// `POST /api/v1/class-enrollments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewClassEnrollmentBody {
    #[schema(max_length = 255)]
    pub external_id: Option<String>,
    #[schema(minimum = 1)]
    pub class_id: i64,
    /// The learner, as `/api/v1/users` names them.
    #[schema(max_length = 255)]
    pub learner_id: String,
    pub enrollment_status: EnrollmentStatus,
    /// Default `unknown`.
    pub completion_status: Option<CompletionStatus>,
    pub late_cancel: Option<bool>,
    pub retake: Option<bool>,
    pub location_type: Option<LocationType>,
    #[schema(minimum = 1)]
    pub classroom_id: Option<i64>,
    #[schema(minimum = 0)]
    pub hours_spent: Option<i32>,
    #[schema(minimum = 0)]
    pub grade: Option<i32>,
}

/// A field a partial update may set, clear (`null`) or leave out.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `PATCH /api/v1/class-enrollments/{classEnrollmentId}`: what is left out stays as it is; `null`
/// clears a field that may be empty. The class and the learner stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassEnrollmentChangeBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 255)]
    pub external_id: Option<Option<String>>,
    pub enrollment_status: Option<EnrollmentStatus>,
    pub completion_status: Option<CompletionStatus>,
    pub late_cancel: Option<bool>,
    pub retake: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LocationType>)]
    pub location_type: Option<Option<LocationType>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub classroom_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 0)]
    pub hours_spent: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 0)]
    pub grade: Option<Option<i32>>,
}

/// `PUT /api/v1/class-enrollments/{classEnrollmentId}/custom-fields/{customFieldId}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldValueBody {
    /// A string for textbox, dropdown list and user selector fields; a whole number (or its digits)
    /// for number fields; a boolean for checkboxes; an array of strings for checkbox lists; `null`
    /// clears the value.
    #[schema(schema_with = field_value)]
    pub value: Value,
}

/// A count or a key that must not be negative (or, for a key, zero).
fn at_least<T: PartialOrd + std::fmt::Display + Copy>(value: Option<T>, least: T, field: &str) -> Result<Option<T>, OpError> {
    match value {
        Some(v) if v < least => Err(OpError::wrong(ProblemKind::Type, field, format!("{field} must be at least {least}; got {v}"))),
        other => Ok(other),
    }
}

impl NewClassEnrollmentBody {
    /// The class enrollment to create, for the learner whose key the service found.
    fn input(self, user_id: i64) -> Result<ClassEnrollmentInput, OpError> {
        Ok(ClassEnrollmentInput {
            external_id: parse_optional(self.external_id.as_deref(), "externalId", ExternalId::parse)?,
            class_id: self.class_id,
            user_id,
            enrollment_status: self.enrollment_status,
            completion_status: self.completion_status.unwrap_or(CompletionStatus::Unknown),
            late_cancel: self.late_cancel.unwrap_or(false),
            retake: self.retake.unwrap_or(false),
            location_type: self.location_type,
            classroom_id: at_least(self.classroom_id, 1, "classroomId")?,
            hours_spent: at_least(self.hours_spent, 0, "hoursSpent")?,
            grade: at_least(self.grade, 0, "grade")?,
        })
    }

    /// Checks what can be checked before the learner is looked up.
    fn check(&self) -> Result<ExternalId, OpError> {
        at_least(Some(self.class_id), 1, "classId")?;
        parse(&self.learner_id, "learnerId", ExternalId::parse)
    }
}

/// A checked partial update, applied to the class enrollment as it is.
struct ClassEnrollmentChange {
    external_id: Option<Option<ExternalId>>,
    body: ClassEnrollmentChangeBody,
}

impl TryFrom<ClassEnrollmentChangeBody> for ClassEnrollmentChange {
    type Error = OpError;

    fn try_from(body: ClassEnrollmentChangeBody) -> Result<Self, OpError> {
        let external_id = match &body.external_id {
            Some(id) => Some(parse_optional(id.as_deref(), "externalId", ExternalId::parse)?),
            None => None,
        };
        at_least(body.classroom_id.flatten(), 1, "classroomId")?;
        at_least(body.hours_spent.flatten(), 0, "hoursSpent")?;
        at_least(body.grade.flatten(), 0, "grade")?;
        Ok(ClassEnrollmentChange { external_id, body })
    }
}

impl ClassEnrollmentChange {
    fn apply(self, mut input: ClassEnrollmentInput) -> ClassEnrollmentInput {
        let body = self.body;
        if let Some(id) = self.external_id {
            input.external_id = id;
        }
        input.enrollment_status = body.enrollment_status.unwrap_or(input.enrollment_status);
        input.completion_status = body.completion_status.unwrap_or(input.completion_status);
        input.late_cancel = body.late_cancel.unwrap_or(input.late_cancel);
        input.retake = body.retake.unwrap_or(input.retake);
        input.location_type = body.location_type.unwrap_or(input.location_type);
        input.classroom_id = body.classroom_id.unwrap_or(input.classroom_id);
        input.hours_spent = body.hours_spent.unwrap_or(input.hours_spent);
        input.grade = body.grade.unwrap_or(input.grade);
        input
    }
}

/// A custom field value as given: `None` clears it. The JSON type must suit some field; whether
/// it suits this one is the domain's rule.
fn custom_field_input(value: &Value) -> Result<Option<CustomFieldInput>, OpError> {
    let text = |v: &str| parse(v, "value", Text::parse);
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(CustomFieldInput::Boolean(*b)),
        Value::String(s) => Some(CustomFieldInput::Text(text(s)?)),
        Value::Number(n) if n.is_i64() => Some(CustomFieldInput::Text(text(&n.to_string())?)),
        Value::Array(items) => {
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let field = format!("value[{i}]");
                match item.as_str() {
                    Some(v) if !v.contains('\t') && !v.is_empty() => values.push(v),
                    _ => {
                        return Err(OpError::wrong(
                            ProblemKind::Type,
                            field.clone(),
                            format!("{field} must be a non-empty string without tabs"),
                        ));
                    }
                }
            }
            Some(CustomFieldInput::List(text(&values.join("\t"))?))
        }
        _ => {
            return Err(OpError::wrong(
                ProblemKind::Type,
                "value",
                "value must be a string, a whole number, a boolean, an array of strings, or null",
            ));
        }
    })
}

// Query parameters

fn page(query: &Query) -> Result<SearchPage, OpError> {
    let index = query.int("pageIndex")?.map_or(0, i64::from);
    let size = query.int("pageSize")?.map_or(DEFAULT_PAGE_SIZE, i64::from);
    SearchPage::new(index, size, "pageIndex", "pageSize")
}

fn next_page_index(page: SearchPage, total: i64) -> Option<i64> {
    ((page.index + 1).saturating_mul(page.size) < total).then_some(page.index + 1)
}

/// A store key in the query: a positive whole number.
fn key(query: &Query, name: &str) -> Result<Option<i64>, OpError> {
    query
        .one(name)?
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|k| *k > 0)
                .ok_or_else(|| OpError::wrong(ProblemKind::Type, name, format!("{name} must be a positive whole number; got '{v}'")))
        })
        .transpose()
}

fn key_in_path(req: &HttpRequest, name: &str) -> Result<i64, Rejection> {
    let raw = req.match_info().get(name).unwrap_or_default();
    raw.parse::<i64>()
        .ok()
        .filter(|k| *k > 0)
        .ok_or_else(|| reject(req, OpError::wrong(ProblemKind::Type, name, format!("{name} must be a positive whole number; got '{raw}'"))))
}

fn time(query: &Query, name: &str) -> Result<Option<chrono::NaiveDateTime>, OpError> {
    Ok(parse_date_time(query.one(name)?.as_deref(), name)?.map(|t| t.naive_utc()))
}

fn text(query: &Query, name: &str) -> Result<Option<String>, OpError> {
    parse_optional(query.one(name)?.as_deref(), name, Text::parse).map(|t| t.map(|t| t.to_string()))
}

/// `sort`: one of `fields`, descending with a leading `-`.
fn sort<T: Copy>(query: &Query, fields: &[(&str, T)]) -> Result<Option<(T, bool)>, OpError> {
    let Some(raw) = query.one("sort")? else { return Ok(None) };
    let (name, descending) = match raw.strip_prefix('-') {
        Some(name) => (name, true),
        None => (raw.as_str(), false),
    };
    match fields.iter().find(|(field, _)| *field == name) {
        Some((_, order)) => Ok(Some((*order, descending))),
        None => {
            let names: Vec<&str> = fields.iter().map(|(field, _)| *field).collect();
            Err(OpError::wrong(
                ProblemKind::Enumeration,
                "sort",
                format!("sort must be one of {} (with a leading - for descending); got '{raw}'", names.join(", ")),
            ))
        }
    }
}

const CLASS_SORTS: &[(&str, OfferingOrder)] = &[
    ("name", OfferingOrder::Name),
    ("course", OfferingOrder::Course),
    ("confirmationStatus", OfferingOrder::ConfirmationStatus),
    ("start", OfferingOrder::Start),
    ("end", OfferingOrder::End),
];

const CLASS_ENROLLMENT_SORTS: &[(&str, OfferingEnrollmentOrder)] = &[
    ("className", OfferingEnrollmentOrder::OfferingName),
    ("created", OfferingEnrollmentOrder::Created),
    ("lastModified", OfferingEnrollmentOrder::LastModified),
    ("classEnrollmentId", OfferingEnrollmentOrder::Id),
];

const CLASS_PARAMETERS: [&str; 8] = ["externalId", "name", "courseId", "startsAfter", "startsBefore", "sort", "pageIndex", "pageSize"];

impl TryFrom<&Query> for ClassQuery {
    type Error = OpError;

    fn try_from(query: &Query) -> Result<Self, OpError> {
        Ok(ClassQuery {
            external_id: parse_optional(query.one("externalId")?.as_deref(), "externalId", ExternalId::parse)?,
            name: text(query, "name")?,
            course_id: None,
            course_external_id: parse_optional(query.one("courseId")?.as_deref(), "courseId", ExternalId::parse)?,
            starts_after: time(query, "startsAfter")?,
            starts_before: time(query, "startsBefore")?,
            order: sort(query, CLASS_SORTS)?,
        })
    }
}

const CLASS_ENROLLMENT_PARAMETERS: [&str; 10] = [
    "externalId",
    "classId",
    "learnerId",
    "className",
    "enrollmentStatus",
    "createdAfter",
    "createdBefore",
    "sort",
    "pageIndex",
    "pageSize",
];

impl TryFrom<&Query> for ClassEnrollmentQuery {
    type Error = OpError;

    fn try_from(query: &Query) -> Result<Self, OpError> {
        let enrollment_status = query
            .one("enrollmentStatus")?
            .map(|name| {
                serde_json::from_value::<EnrollmentStatus>(Value::String(name.clone())).map_err(|_| {
                    OpError::wrong(
                        ProblemKind::Enumeration,
                        "enrollmentStatus",
                        format!("enrollmentStatus must be one of request, cancel, waitlist, approve, deny, audit, enroll; got '{name}'"),
                    )
                })
            })
            .transpose()?;
        Ok(ClassEnrollmentQuery {
            external_id: parse_optional(query.one("externalId")?.as_deref(), "externalId", ExternalId::parse)?,
            class_name: text(query, "className")?,
            class_id: key(query, "classId")?,
            user_id: None,
            user_external_id: parse_optional(query.one("learnerId")?.as_deref(), "learnerId", ExternalId::parse)?,
            enrollment_status,
            created_after: time(query, "createdAfter")?,
            created_before: time(query, "createdBefore")?,
            order: sort(query, CLASS_ENROLLMENT_SORTS)?,
        })
    }
}

fn parsed<T>(req: &HttpRequest, parsed: Result<T, OpError>) -> Result<T, Rejection> {
    parsed.map_err(|e| reject(req, e))
}

// Handlers

/// Classes, one page at a time (by start unless `sort` says otherwise).
#[utoipa::path(get, path = "/api/v1/classes", tag = "classes", operation_id = "searchClasses",
    params(
        ("externalId" = Option<String>, Query, max_length = 255, description = "Only the class with this external id"),
        ("name" = Option<String>, Query, description = "Only classes whose name contains this (any case)"),
        ("courseId" = Option<String>, Query, max_length = 255, description = "Only classes of this course"),
        ("startsAfter" = Option<String>, Query, format = DateTime, description = "Only classes starting at or after this time"),
        ("startsBefore" = Option<String>, Query, format = DateTime, description = "Only classes starting at or before this time"),
        ("sort" = Option<String>, Query, description = "name, course, confirmationStatus, start or end; a leading - sorts descending"),
        ("pageIndex" = Option<i32>, Query, minimum = 0, description = "0-based; default 0"),
        ("pageSize" = Option<i32>, Query, minimum = 1, maximum = 1000, description = "Default 100"),
    ),
    responses((status = 200, description = "One page of classes", body = ClassPage), Problems),
    security(("bearer" = [])))]
pub async fn search_classes(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &CLASS_PARAMETERS))?;
    let (filter, page) = parsed(&req, ClassQuery::try_from(&query).and_then(|filter| Ok((filter, page(&query)?))))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let found = service.search_classes(tx, caller, &filter, page)?;
        let next_page_index = next_page_index(page, found.total);
        out.value(&ClassPage { classes: found.items.into_iter().map(Class::from).collect(), total_count: found.total, next_page_index })
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/classes/{classId}", tag = "classes", operation_id = "getClass",
    params(("classId" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The class", body = Class), Problems),
    security(("bearer" = [])))]
pub async fn get_class(req: HttpRequest, state: State) -> Reply {
    let id = key_in_path(&req, "classId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| out.value(&Class::from(service.get_class(tx, caller, id)?))).await
}

/// Class enrollments, one page at a time (by class name unless `sort` says otherwise).
#[utoipa::path(get, path = "/api/v1/class-enrollments", tag = "classes", operation_id = "searchClassEnrollments",
    params(
        ("externalId" = Option<String>, Query, max_length = 255, description = "Only class enrollments with this external id"),
        ("classId" = Option<i64>, Query, minimum = 1),
        ("learnerId" = Option<String>, Query, max_length = 255),
        ("className" = Option<String>, Query, description = "Only enrollments in classes whose name contains this (any case)"),
        ("enrollmentStatus" = Option<EnrollmentStatus>, Query),
        ("createdAfter" = Option<String>, Query, format = DateTime), ("createdBefore" = Option<String>, Query, format = DateTime),
        ("sort" = Option<String>, Query, description = "className, created, lastModified or classEnrollmentId; a leading - sorts descending"),
        ("pageIndex" = Option<i32>, Query, minimum = 0, description = "0-based; default 0"),
        ("pageSize" = Option<i32>, Query, minimum = 1, maximum = 1000, description = "Default 100"),
    ),
    responses((status = 200, description = "One page of class enrollments", body = ClassEnrollmentPage), Problems),
    security(("bearer" = [])))]
pub async fn search_class_enrollments(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &CLASS_ENROLLMENT_PARAMETERS))?;
    let (filter, page) = parsed(&req, ClassEnrollmentQuery::try_from(&query).and_then(|filter| Ok((filter, page(&query)?))))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let found = service.search_class_enrollments(tx, caller, &filter, page)?;
        out.value(&ClassEnrollmentPage {
            next_page_index: next_page_index(page, found.total),
            total_count: found.total,
            class_enrollments: found.items.into_iter().map(ClassEnrollment::from).collect(),
        })
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/class-enrollments/{classEnrollmentId}", tag = "classes", operation_id = "getClassEnrollment",
    params(("classEnrollmentId" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The class enrollment", body = ClassEnrollment), Problems),
    security(("bearer" = [])))]
pub async fn get_class_enrollment(req: HttpRequest, state: State) -> Reply {
    let id = key_in_path(&req, "classEnrollmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&ClassEnrollment::from(service.get_class_enrollment(tx, caller, id)?))
    })
    .await
}

/// Enrolls a learner in a class: one class enrollment per class and learner; an enrollment in
/// force (approve, audit, enroll) is also the learner's enrollment in the class's course.
#[utoipa::path(post, path = "/api/v1/class-enrollments", tag = "classes", operation_id = "createClassEnrollment",
    request_body = NewClassEnrollmentBody,
    responses((status = 201, description = "Created", body = ClassEnrollment), Problems),
    security(("bearer" = [])))]
pub async fn create_class_enrollment(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let request = body::<NewClassEnrollmentBody>(&req, &state, bytes).await?;
    let learner = parsed(&req, request.check())?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        let input = request.input(service.class_user_key(tx, caller, &learner)?)?;
        let id = service.create_class_enrollment(tx, caller, &input)?;
        out.value(&ClassEnrollment::from(service.get_class_enrollment(tx, caller, id)?))
    })
    .await
}

#[utoipa::path(patch, path = "/api/v1/class-enrollments/{classEnrollmentId}", tag = "classes", operation_id = "updateClassEnrollment",
    params(("classEnrollmentId" = i64, Path, minimum = 1)),
    request_body = ClassEnrollmentChangeBody,
    responses((status = 200, description = "The class enrollment, changed", body = ClassEnrollment), Problems),
    security(("bearer" = [])))]
pub async fn update_class_enrollment(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let id = key_in_path(&req, "classEnrollmentId")?;
    let change = parsed(&req, ClassEnrollmentChange::try_from(body::<ClassEnrollmentChangeBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let current = service.get_class_enrollment(tx, caller, id)?;
        service.update_class_enrollment(tx, caller, id, &change.apply(ClassEnrollmentInput::from(&current)))?;
        out.value(&ClassEnrollment::from(service.get_class_enrollment(tx, caller, id)?))
    })
    .await
}

/// Deletes a class enrollment and the enrollment it is; the class and learner may be paired again.
#[utoipa::path(delete, path = "/api/v1/class-enrollments/{classEnrollmentId}", tag = "classes", operation_id = "deleteClassEnrollment",
    params(("classEnrollmentId" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Deleted", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn delete_class_enrollment(req: HttpRequest, state: State) -> Reply {
    let id = key_in_path(&req, "classEnrollmentId")?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.delete_class_enrollment(tx, caller, id)?;
        out.value(&Success { success: true })
    })
    .await
}

/// Sets or clears (`null`) a custom field's value on a class enrollment.
#[utoipa::path(put, path = "/api/v1/class-enrollments/{classEnrollmentId}/custom-fields/{customFieldId}", tag = "classes",
    operation_id = "setClassEnrollmentCustomField",
    params(("classEnrollmentId" = i64, Path, minimum = 1), ("customFieldId" = i64, Path, minimum = 1)),
    request_body = CustomFieldValueBody,
    responses((status = 200, description = "The field with its value", body = CustomFieldEntry), Problems),
    security(("bearer" = [])))]
pub async fn set_class_enrollment_custom_field(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let id = key_in_path(&req, "classEnrollmentId")?;
    let field = key_in_path(&req, "customFieldId")?;
    let value = parsed(&req, custom_field_input(&body::<CustomFieldValueBody>(&req, &state, bytes).await?.value))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&CustomFieldEntry::from(service.set_class_enrollment_custom_field(tx, caller, id, field, value.as_ref())?))
    })
    .await
}

/// The custom fields class enrollments can carry.
#[utoipa::path(get, path = "/api/v1/class-enrollment-custom-fields", tag = "classes", operation_id = "listClassEnrollmentCustomFields",
    responses((status = 200, description = "The custom fields", body = CustomFieldList), Problems),
    security(("bearer" = [])))]
pub async fn list_class_enrollment_custom_fields(req: HttpRequest, state: State) -> Reply {
    parsed(&req, Query::parse(&req, &[]))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let fields = service.class_enrollment_custom_fields(tx, caller)?;
        let custom_fields = fields
            .into_iter()
            .map(|CustomFieldDefinition { id, name, data_type }| CustomFieldDefinitionEntry { custom_field_id: id, name, data_type })
            .collect();
        out.value(&CustomFieldList { custom_fields })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::classes::MAX_SEARCH_PAGE;

    #[test]
    fn a_custom_field_value_keeps_its_json_type() {
        let entry = |data_type, text: &str| {
            CustomFieldEntry::from(CustomFieldValue { custom_field_id: 1, name: "F".into(), data_type, text_value: text.into() }).value
        };
        assert_eq!(entry(CustomFieldType::Checkbox, "true"), Value::Bool(true));
        assert_eq!(entry(CustomFieldType::Number, "42"), Value::from(42));
        assert_eq!(entry(CustomFieldType::CheckboxList, "a\tb"), serde_json::json!(["a", "b"]));
        assert_eq!(entry(CustomFieldType::Textbox, "x"), Value::from("x"));
        assert_eq!(entry(CustomFieldType::Textbox, ""), Value::Null);
    }

    #[test]
    fn custom_field_input_takes_each_json_type_once() {
        assert_eq!(custom_field_input(&Value::Null).unwrap(), None);
        assert_eq!(custom_field_input(&Value::Bool(false)).unwrap(), Some(CustomFieldInput::Boolean(false)));
        assert!(matches!(custom_field_input(&Value::from(7)).unwrap(), Some(CustomFieldInput::Text(t)) if t.as_str() == "7"));
        assert!(
            matches!(custom_field_input(&serde_json::json!(["a", "b"])).unwrap(), Some(CustomFieldInput::List(t)) if t.as_str() == "a\tb")
        );
        for bad in [serde_json::json!(["a\tb"]), serde_json::json!([1]), serde_json::json!({"a": 1}), serde_json::json!(1.5)] {
            assert!(custom_field_input(&bad).is_err(), "{bad}");
        }
    }

    /// The document says what a value may be: each JSON type the answers write.
    #[test]
    fn the_documented_value_is_every_type_a_value_takes() {
        let schema = serde_json::to_value(field_value()).unwrap();
        let types: Vec<&str> = schema["oneOf"].as_array().unwrap().iter().map(|s| s["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["string", "integer", "boolean", "array", "null"]);
        let kinds = [CustomFieldType::Textbox, CustomFieldType::Number, CustomFieldType::Checkbox, CustomFieldType::CheckboxList];
        let written: Vec<&str> = kinds
            .into_iter()
            .zip(["text", "7", "true", "a\tb"])
            .map(|(data_type, text)| {
                let value =
                    CustomFieldEntry::from(CustomFieldValue { custom_field_id: 1, name: "F".into(), data_type, text_value: text.into() })
                        .value;
                match value {
                    Value::String(_) => "string",
                    Value::Number(_) => "integer",
                    Value::Bool(_) => "boolean",
                    Value::Array(_) => "array",
                    _ => "other",
                }
            })
            .collect();
        assert_eq!(written, types[..4]);
    }

    #[test]
    fn a_next_page_exists_only_when_rows_remain() {
        let page = SearchPage::new(0, 10, "pageIndex", "pageSize").unwrap();
        assert_eq!(next_page_index(page, 10), None);
        assert_eq!(next_page_index(page, 11), Some(1));
        assert_eq!(MAX_SEARCH_PAGE, 1000, "the document's pageSize maximum");
    }
}
