//! Rhythm's shapes: the CourseRegistration record with the seed's keys and JSON types, the search
//! object, the batch, and the lists (a bare array, `{Count, Items, LastEvaluatedKey}`,
//! `{Items, LastEvaluatedKey}`). Bodies are read strictly: an unknown key, a wrong type or a word
//! outside an enumeration is refused naming the field.

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::domain::registration::{OrderStatus, RegistrationDetails, RegistrationStatus, js_number};
use crate::domain::values::{ExternalId, Text};
use crate::service::registrations::{Registration, RegistrationSearch, RegistrationView};
use crate::service::{OpError, ProblemKind};
use crate::store::registrations::Range;

/// A time as Rhythm writes it: ISO 8601 in UTC with milliseconds, as JavaScript's `toISOString`.
/// Written by hand: every record carries several (a test checks it against chrono's formatting).
pub fn time(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    fn push(out: &mut String, value: u32, width: u32) {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
    }
    let mut out = String::with_capacity(24);
    push(&mut out, t.year().clamp(0, 9999) as u32, 4);
    for (separator, value) in [('-', t.month()), ('-', t.day()), ('T', t.hour()), (':', t.minute()), (':', t.second())] {
        out.push(separator);
        push(&mut out, value, 2);
    }
    out.push('.');
    push(&mut out, t.nanosecond() / 1_000_000 % 1000, 3);
    out.push('Z');
    out
}

/// A time as clients send it: RFC 3339 with any offset (or none: UTC), or a date alone (midnight UTC).
pub fn parse_time(field: &str, value: &str) -> Result<NaiveDateTime, OpError> {
    let v = value.trim();
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.naive_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f"))
        .or_else(|_| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN)))
        .ok()
        .filter(|t| crate::domain::values::in_calendar(t.date()))
        .ok_or_else(|| {
            OpError::wrong(
                ProblemKind::Type,
                field,
                format!("{field} must be an ISO 8601 date-time (2026-03-02T09:00:00Z); got \"{value}\""),
            )
        })
}

/// Every key of a CourseRegistration, in the seed's order: what bodies may carry and `fields` may
/// name (a test checks it is the schema's property list).
pub const FIELDS: [&str; 67] = [
    "id",
    "first_name",
    "last_name",
    "name",
    "email_address",
    "city",
    "state",
    "country",
    "job_title",
    "order_id",
    "order_line_item_id",
    "order_number",
    "order_balance_due",
    "order_amount_paid",
    "order_currency_code",
    "order_currency_symbol",
    "order_status",
    "order_total",
    "application_id",
    "event_registration_id",
    "student_id",
    "organization_id",
    "number",
    "course_id",
    "process_id",
    "course_offering_id",
    "webinar_participant_id",
    "webinar_join_url",
    "arrival_date",
    "departure_date",
    "cancellation_date",
    "course_date",
    "training_provider_id",
    "training_location_id",
    "date",
    "completion_percentage",
    "status",
    "exam_offering_ids",
    "training_provider_billing_name",
    "training_provider_billing_status",
    "training_provider_billing_date",
    "training_provider_billing_invoice_id",
    "training_provider_billing_invoice_line_item_id",
    "notes",
    "custom_field_values",
    "sys_deleted_by_id",
    "sys_version",
    "sys_created_at",
    "sys_last_modified_at",
    "sys_created_by_id",
    "sys_last_modified_by_id",
    "sys_external_id",
    "sys_locked",
    "sys_bulk_load_pk",
    "sys_bulk_load_at",
    "sys_bulk_load_id",
    "sys_bulk_load_source_file",
    "sys_bulk_load_record_no",
    "sys_last_bulk_data_operation_id",
    "sys_last_bulk_data_operation_sys_version",
    "sys_directive",
    "sys_calculated_field_error",
    "sys_snapshot_base_version",
    "sys_has_files_in_s3",
    "sys_configuration_snapshot_id",
    "sys_last_security_context",
    "sys_calculated_field_errors",
];

/// Whether `name` is a key of the record.
pub fn is_field(name: &str) -> bool {
    FIELDS.contains(&name)
}

/// The server's bookkeeping: a client may send these (read back from an earlier answer), and they
/// are ignored, `sys_version` aside, which a replacement checks.
const SERVER_OWNED: [&str; 4] = ["sys_created_at", "sys_last_modified_at", "sys_created_by_id", "sys_last_modified_by_id"];

/// A CourseRegistration, as answered (and as bodies give it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = CourseRegistration)]
pub struct CourseRegistration {
    /// The unique, string identifier of this course registration (made by the server).
    #[schema(pattern = r"^[A-Za-z0-9_|:-]+$")]
    pub id: String,
    /// The member's name.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub order_number: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub order_balance_due: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub order_amount_paid: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status: Option<OrderStatus>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub order_total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_registration_id: Option<String>,
    /// The person registering for the course.
    pub student_id: String,
    pub course_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// The scheduled course.
    pub course_offering_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub arrival_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub departure_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_provider_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_location_id: Option<String>,
    /// The date/time of the course registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub date: Option<String>,
    pub status: RegistrationStatus,
    /// The version of this record: 1 when created, one more at every change.
    pub sys_version: i64,
    #[schema(format = DateTime)]
    pub sys_created_at: String,
    #[schema(format = DateTime)]
    pub sys_last_modified_at: String,
    pub sys_created_by_id: String,
    pub sys_last_modified_by_id: String,
    /// If set, this record is locked and cannot be changed via the API.
    pub sys_locked: bool,
    #[serde(flatten)]
    pub details: RegistrationDetails,
}

impl From<RegistrationView> for CourseRegistration {
    fn from(view: RegistrationView) -> Self {
        let r = view.registration;
        let text = |id: Option<ExternalId>| id.map(|id| id.to_string());
        CourseRegistration {
            id: view.id,
            name: r.name,
            email_address: r.email_address,
            city: r.city,
            state: r.state,
            job_title: r.job_title,
            order_id: text(r.order_id),
            order_number: r.order_number,
            order_balance_due: r.order_balance_due,
            order_amount_paid: r.order_amount_paid,
            order_status: r.order_status,
            order_total: r.order_total,
            application_id: text(r.application_id),
            event_registration_id: text(r.event_registration_id),
            student_id: r.student_id.to_string(),
            course_id: r.course_id.to_string(),
            process_id: text(r.process_id),
            course_offering_id: r.course_offering_id.to_string(),
            arrival_date: r.arrival_date.map(time),
            departure_date: r.departure_date.map(time),
            training_provider_id: r.training_provider_id,
            training_location_id: r.training_location_id,
            date: r.date.map(time),
            status: r.status,
            sys_version: view.sys.version,
            sys_created_at: time(view.sys.created_at),
            sys_last_modified_at: time(view.sys.last_modified_at),
            sys_created_by_id: view.sys.created_by_id,
            sys_last_modified_by_id: view.sys.last_modified_by_id,
            sys_locked: r.sys_locked,
            details: r.details,
        }
    }
}

/// A record as answered: whole (written straight from its type), or projected to some fields.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answered {
    Whole(Box<CourseRegistration>),
    Projected(Value),
}

/// The record as answered, with only `fields` (and `id`) when a projection is asked for.
pub fn answered(view: RegistrationView, fields: Option<&[String]>) -> Answered {
    match fields {
        None => Answered::Whole(Box::new(CourseRegistration::from(view))),
        Some(_) => Answered::Projected(projected(view, fields)),
    }
}

/// The record as JSON, with only `fields` (and `id`) when a projection is asked for.
pub fn projected(view: RegistrationView, fields: Option<&[String]>) -> Value {
    let Value::Object(mut record) = serde_json::to_value(CourseRegistration::from(view)).expect("records serialize") else {
        unreachable!("a record serializes to an object")
    };
    if let Some(fields) = fields {
        record.retain(|key, _| key == "id" || fields.iter().any(|field| field == key));
    }
    Value::Object(record)
}

/// The names of a `fields` (or `fieldsToReturn`) list: comma-separated, spaces allowed; each must
/// be a key of the record.
pub fn field_list(parameter: &str, raw: &str) -> Result<Vec<String>, OpError> {
    let names: Vec<String> = raw.split(',').map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect();
    if let Some(unknown) = names.iter().find(|name| !is_field(name)) {
        return Err(OpError::wrong(
            ProblemKind::Enumeration,
            parameter,
            format!("{parameter} names '{unknown}', which is not a field of a course registration"),
        ));
    }
    if names.is_empty() {
        return Err(OpError::wrong(ProblemKind::Required, parameter, format!("{parameter} must name at least one field")));
    }
    Ok(names)
}

/// The fields of a body that the index columns hold; the rest are the details document.
#[derive(Debug, Deserialize)]
struct Core {
    id: Option<String>,
    name: Option<String>,
    email_address: Option<String>,
    city: Option<String>,
    state: Option<String>,
    job_title: Option<String>,
    order_id: Option<String>,
    order_number: Option<f64>,
    order_balance_due: Option<f64>,
    order_amount_paid: Option<f64>,
    order_status: Option<OrderStatus>,
    order_total: Option<f64>,
    application_id: Option<String>,
    event_registration_id: Option<String>,
    student_id: Option<String>,
    course_id: Option<String>,
    process_id: Option<String>,
    course_offering_id: Option<String>,
    arrival_date: Option<String>,
    departure_date: Option<String>,
    training_provider_id: Option<String>,
    training_location_id: Option<String>,
    date: Option<String>,
    status: Option<RegistrationStatus>,
    sys_version: Option<f64>,
    sys_locked: Option<bool>,
}

/// A body read as a registration: the client's fields, the `id` it named and the `sys_version` it
/// read, if any.
#[derive(Debug)]
pub struct RegistrationBody {
    pub id: Option<String>,
    pub sys_version: Option<f64>,
    pub registration: Registration,
}

fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, OpError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        let kind = if inner.starts_with("unknown variant") { ProblemKind::Enumeration } else { ProblemKind::Type };
        let message = match inner.split(" at line").next() {
            Some(message) => format!("{field}: {message}"),
            None => format!("{field}: {inner}"),
        };
        OpError::wrong(kind, field, message)
    })
}

fn text(field: &str, value: Option<String>) -> Result<Option<String>, OpError> {
    value.map(|v| Text::parse(&v).map(|t| t.to_string()).map_err(|why| OpError::refused(field, why))).transpose()
}

fn id(field: &str, value: Option<String>) -> Result<Option<ExternalId>, OpError> {
    value.map(|v| ExternalId::parse(&v).map_err(|why| OpError::refused(field, why))).transpose()
}

fn required<T>(field: &str, value: Option<T>) -> Result<T, OpError> {
    value.ok_or_else(|| OpError::wrong(ProblemKind::Required, field, format!("{field} is required")))
}

fn times(field: &str, value: Option<String>) -> Result<Option<NaiveDateTime>, OpError> {
    value.map(|v| parse_time(field, &v)).transpose()
}

/// Checks that every text of the details document is text every face can carry, and that its
/// date-times are date-times (kept as written, normalized to Rhythm's form).
fn checked_details(mut details: RegistrationDetails) -> Result<RegistrationDetails, OpError> {
    for (field, value) in [("cancellation_date", &mut details.cancellation_date), ("course_date", &mut details.course_date)] {
        if let Some(v) = value {
            *v = time(parse_time(field, v)?);
        }
    }
    let document = serde_json::to_value(&details).expect("details serialize");
    fn walk(path: &str, value: &Value) -> Result<(), OpError> {
        match value {
            Value::String(s) => Text::parse(s).map(|_| ()).map_err(|why| OpError::refused(path.to_string(), why)),
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| walk(&format!("{path}[{i}]"), item)),
            Value::Object(map) => {
                map.iter().try_for_each(|(key, item)| walk(&if path.is_empty() { key.clone() } else { format!("{path}.{key}") }, item))
            }
            _ => Ok(()),
        }
    }
    walk("", &document)?;
    Ok(details)
}

impl RegistrationBody {
    /// Reads a body: a JSON object whose keys are all keys of the record, with their types.
    pub fn read(body: Value) -> Result<RegistrationBody, OpError> {
        let Value::Object(object) = &body else {
            return Err(OpError::wrong(ProblemKind::Type, "body", "the body must be a course registration: a JSON object"));
        };
        if let Some(unknown) = object.keys().find(|key| !is_field(key)) {
            return Err(OpError::wrong(
                ProblemKind::TagMismatch,
                unknown.clone(),
                format!("{unknown} is not a field of a course registration"),
            ));
        }
        let mut clean: Map<String, Value> = object.clone();
        for owned in SERVER_OWNED {
            clean.remove(owned);
        }
        let clean = Value::Object(clean);
        let core: Core = typed(&clean)?;
        let details: RegistrationDetails = typed(&clean)?;
        let registration = Registration {
            student_id: required("student_id", id("student_id", core.student_id)?)?,
            course_id: required("course_id", id("course_id", core.course_id)?)?,
            course_offering_id: required("course_offering_id", id("course_offering_id", core.course_offering_id)?)?,
            status: core.status.unwrap_or(RegistrationStatus::Registered),
            process_id: id("process_id", core.process_id)?,
            order_id: id("order_id", core.order_id)?,
            application_id: id("application_id", core.application_id)?,
            event_registration_id: id("event_registration_id", core.event_registration_id)?,
            name: required("name", text("name", core.name)?.filter(|name| !name.trim().is_empty()))?,
            email_address: text("email_address", core.email_address)?,
            job_title: text("job_title", core.job_title)?,
            city: text("city", core.city)?,
            state: text("state", core.state)?,
            order_number: core.order_number,
            order_balance_due: core.order_balance_due,
            order_amount_paid: core.order_amount_paid,
            order_status: core.order_status,
            order_total: core.order_total,
            training_provider_id: text("training_provider_id", core.training_provider_id)?,
            training_location_id: text("training_location_id", core.training_location_id)?,
            arrival_date: times("arrival_date", core.arrival_date)?,
            departure_date: times("departure_date", core.departure_date)?,
            date: times("date", core.date)?,
            sys_locked: core.sys_locked.unwrap_or(false),
            details: checked_details(details)?,
        };
        Ok(RegistrationBody { id: core.id, sys_version: core.sys_version, registration })
    }
}

/// `POST …/search`: every criterion optional; lists match any of their values, two-item lists are
/// `[from, to]` ranges (either may be null).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    pub ids: Option<Vec<String>>,
    /// Registrations whose name contains this, in any case.
    pub name: Option<String>,
    pub order_id: Option<Vec<String>>,
    pub order_number: Option<Vec<f64>>,
    #[schema(value_type = Option<Vec<Option<f64>>>, min_items = 2, max_items = 2)]
    pub order_balance_due: Option<Vec<Option<f64>>>,
    #[schema(value_type = Option<Vec<Option<f64>>>, min_items = 2, max_items = 2)]
    pub order_amount_paid: Option<Vec<Option<f64>>>,
    pub order_status: Option<Vec<OrderStatus>>,
    #[schema(value_type = Option<Vec<Option<f64>>>, min_items = 2, max_items = 2)]
    pub order_total: Option<Vec<Option<f64>>>,
    pub course_id: Option<Vec<String>>,
    pub course_offering_id: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<Option<String>>>, min_items = 2, max_items = 2)]
    pub arrival_date: Option<Vec<Option<String>>>,
    #[schema(value_type = Option<Vec<Option<String>>>, min_items = 2, max_items = 2)]
    pub departure_date: Option<Vec<Option<String>>>,
    pub training_provider_id: Option<Vec<String>>,
    pub training_location_id: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<Option<String>>>, min_items = 2, max_items = 2)]
    pub date: Option<Vec<Option<String>>>,
    pub status: Option<Vec<RegistrationStatus>>,
    /// The whole address, in any case; so are job_title, city and state.
    pub email_address: Option<String>,
    pub job_title: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    #[schema(value_type = Option<Vec<Option<String>>>, min_items = 2, max_items = 2)]
    pub sys_created_at: Option<Vec<Option<String>>>,
}

fn range<T: Copy>(field: &str, values: Option<Vec<Option<T>>>) -> Result<Range<T>, OpError> {
    match values.as_deref() {
        None => Ok(Range { from: None, to: None }),
        Some([from, to]) => Ok(Range { from: *from, to: *to }),
        Some(other) => {
            Err(OpError::wrong(ProblemKind::Occurs, field, format!("{field} is a [from, to] range: two items; got {}", other.len())))
        }
    }
}

fn time_range(field: &str, values: Option<Vec<Option<String>>>) -> Result<Range<NaiveDateTime>, OpError> {
    let parsed = values
        .map(|items| items.into_iter().map(|t| t.map(|t| parse_time(field, &t)).transpose()).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    range(field, parsed)
}

impl TryFrom<SearchBody> for RegistrationSearch {
    type Error = OpError;

    fn try_from(body: SearchBody) -> Result<Self, OpError> {
        Ok(RegistrationSearch {
            ids: body.ids,
            name: body.name,
            order_ids: body.order_id,
            order_numbers: body.order_number,
            order_balance_due: range("order_balance_due", body.order_balance_due)?,
            order_amount_paid: range("order_amount_paid", body.order_amount_paid)?,
            order_statuses: body.order_status.map(|v| v.iter().map(|s| s.as_str().to_string()).collect()),
            order_total: range("order_total", body.order_total)?,
            course_ids: body.course_id,
            course_offering_ids: body.course_offering_id,
            arrival_date: time_range("arrival_date", body.arrival_date)?,
            departure_date: time_range("departure_date", body.departure_date)?,
            training_provider_ids: body.training_provider_id,
            training_location_ids: body.training_location_id,
            date: time_range("date", body.date)?,
            statuses: body.status.map(|v| v.iter().map(|s| s.as_str().to_string()).collect()),
            email_address: body.email_address,
            job_title: body.job_title,
            city: body.city,
            state: body.state,
            sys_created_at: time_range("sys_created_at", body.sys_created_at)?,
        })
    }
}

/// An index lookup's page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct IndexPage {
    /// How many items this page holds.
    pub count: usize,
    #[schema(value_type = Vec<CourseRegistration>)]
    pub items: Vec<Answered>,
    /// Pass back as `exclusiveStartKey` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<String>,
}

/// A search's page (no `Count`, as the seed shows).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SearchPage {
    #[schema(value_type = Vec<CourseRegistration>)]
    pub items: Vec<Answered>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<String>,
}

/// `POST …/batch`: up to 100 patch or delete operations, each on its own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    #[schema(max_items = 100)]
    pub operations: Vec<Value>,
}

/// One operation of a batch: `{"op": "patch", "id", "patch": [...]}` or `{"op": "delete", "id"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchOperation {
    /// `patch` or `delete` (`type` is accepted for it too).
    #[serde(alias = "type")]
    pub op: BatchOp,
    pub id: String,
    /// The RFC 6902 directives of a patch (`directives` and `value` are accepted for it too).
    #[serde(default, alias = "directives", alias = "value")]
    #[schema(value_type = Option<Vec<PatchDirective>>)]
    pub patch: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BatchOp {
    Patch,
    Delete,
}

/// One RFC 6902 directive.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PatchDirective {
    /// add, remove, replace, move, copy or test.
    pub op: String,
    pub path: String,
    #[schema(value_type = Object)]
    pub value: Option<Value>,
    pub from: Option<String>,
}

/// The outcome of one batch operation, in request order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub id: String,
    pub op: BatchOp,
    /// The HTTP status the operation alone would have had.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<CourseRegistration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub error: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    pub success_count: usize,
    pub error_count: usize,
    pub results: Vec<BatchResult>,
}

/// `POST …/previewEmail`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewEmailBody {
    pub activity_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub email_template: Option<Map<String, Value>>,
    pub destination_email_address: String,
    pub reference_id: Option<String>,
    pub application_id: Option<String>,
    pub certification_id: Option<String>,
    pub registration_id: String,
}

/// An error body: the seed's wording for the route and status, then what exactly.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub message: String,
    /// What exactly was wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The field or parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The request's id, for the server's log.
    pub request_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_javascript_writes_them() {
        for text in ["2026-03-02T09:00:00Z", "0001-01-01T00:00:00.5Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:34:56.007+02:00"] {
            let t = chrono::DateTime::parse_from_rfc3339(text).unwrap().naive_utc();
            assert_eq!(time(t), t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "{text}");
        }
    }
}
