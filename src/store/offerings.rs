//! Offerings (scheduled instances of a course), classrooms, the enrollments held through an offering
//! with the vendor's statuses beside the store's, and custom fields on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{app_user, classroom, course, custom_field, enrollment, enrollment_custom_value, enrollment_offering, offering};
use super::{Tx, lower, on_conn};

#[derive(Debug, Insertable)]
#[diesel(table_name = classroom)]
pub struct NewClassroom<'a> {
    pub tenant_id: i64,
    pub name: &'a str,
    pub location: Option<&'a str>,
    pub capacity: Option<i32>,
    pub created_at: NaiveDateTime,
}

pub fn insert_classroom(tx: &mut Tx<'_>, row: &NewClassroom<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(classroom::table).values(row).returning(classroom::id).get_result(c))
}

/// Whether the tenant has this classroom.
pub fn classroom_exists(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::select(diesel::dsl::exists(
        classroom::table.filter(classroom::tenant_id.eq(tenant_id)).filter(classroom::id.eq(id))
    ))
    .get_result(c))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = offering)]
pub struct NewOffering<'a> {
    pub tenant_id: i64,
    pub course_id: i64,
    pub external_id: Option<&'a str>,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub location_type: Option<i16>,
    pub classroom_id: Option<i64>,
    pub capacity: Option<i32>,
    pub late_cancel_hours: Option<i32>,
    pub confirmation_status: i16,
    pub delivery_type: i16,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_offering(tx: &mut Tx<'_>, row: &NewOffering<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(offering::table).values(row).returning(offering::id).get_result(c))
}

/// An offering with its course's external id.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OfferingRow {
    pub id: i64,
    pub course_id: i64,
    pub course_external_id: String,
    pub external_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub location_type: Option<i16>,
    pub classroom_id: Option<i64>,
    pub capacity: Option<i32>,
    pub late_cancel_hours: Option<i32>,
    pub confirmation_status: i16,
    pub delivery_type: i16,
}

/// How offerings are searched: every filter optional.
#[derive(Debug, Default)]
pub struct OfferingFilter<'a> {
    pub tenant_id: i64,
    pub id: Option<i64>,
    pub external_id: Option<&'a str>,
    /// Offerings whose name contains this text.
    pub name_contains: Option<&'a str>,
    pub course_id: Option<i64>,
    /// Offerings of the course with this external id (as the iSpring faces name courses).
    pub course_external_id: Option<&'a str>,
    pub starts_after: Option<NaiveDateTime>,
    pub starts_before: Option<NaiveDateTime>,
}

/// The order of an offering search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferingOrder {
    Name,
    Course,
    ConfirmationStatus,
    Start,
    End,
}

macro_rules! offering_query {
    ($f:expr) => {{
        let f = $f;
        let mut query = offering::table.inner_join(course::table).filter(offering::tenant_id.eq(f.tenant_id)).into_boxed();
        if let Some(id) = f.id {
            query = query.filter(offering::id.eq(id));
        }
        if let Some(external_id) = f.external_id {
            query = query.filter(offering::external_id.eq(external_id));
        }
        if let Some(name) = f.name_contains {
            query = query.filter(lower(offering::name).like(contains(name)).escape('\\'));
        }
        if let Some(course_id) = f.course_id {
            query = query.filter(offering::course_id.eq(course_id));
        }
        if let Some(external_id) = f.course_external_id {
            query = query.filter(course::external_id.eq(external_id));
        }
        if let Some(t) = f.starts_after {
            query = query.filter(offering::starts_at.ge(t));
        }
        if let Some(t) = f.starts_before {
            query = query.filter(offering::starts_at.le(t));
        }
        query
    }};
}

/// `%`, `_` and the escape character itself taken literally in a LIKE pattern.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The LIKE pattern of names containing `text`, compared in lower case (SQLite's LIKE ignores ASCII
/// case and PostgreSQL's does not: both compare lowered names with a lowered pattern).
pub(crate) fn contains(text: &str) -> String {
    format!("%{}%", escape_like(&text.to_lowercase()))
}

/// One page of the offerings matching `f`, in `order`, and how many match in all.
pub fn search_offerings(
    tx: &mut Tx<'_>,
    f: &OfferingFilter<'_>,
    order: OfferingOrder,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OfferingRow>, i64)> {
    let total: i64 = on_conn!(tx, |c| offering_query!(f).count().get_result(c))?;
    let rows = on_conn!(tx, |c| {
        let query = offering_query!(f).select((
            offering::id,
            offering::course_id,
            course::external_id,
            offering::external_id,
            offering::name,
            offering::description,
            offering::starts_at,
            offering::ends_at,
            offering::location_type,
            offering::classroom_id,
            offering::capacity,
            offering::late_cancel_hours,
            offering::confirmation_status,
            offering::delivery_type,
        ));
        let query = match (order, descending) {
            (OfferingOrder::Name, false) => query.order((offering::name.asc(), offering::id.asc())),
            (OfferingOrder::Name, true) => query.order((offering::name.desc(), offering::id.desc())),
            (OfferingOrder::Course, false) => query.order((course::title.asc(), offering::id.asc())),
            (OfferingOrder::Course, true) => query.order((course::title.desc(), offering::id.desc())),
            (OfferingOrder::ConfirmationStatus, false) => query.order((offering::confirmation_status.asc(), offering::id.asc())),
            (OfferingOrder::ConfirmationStatus, true) => query.order((offering::confirmation_status.desc(), offering::id.desc())),
            // Classes without a start or an end come last either way, on both backends (which
            // otherwise disagree on where NULL sorts).
            (OfferingOrder::Start, false) => query.order((offering::starts_at.is_null(), offering::starts_at.asc(), offering::id.asc())),
            (OfferingOrder::Start, true) => query.order((offering::starts_at.is_null(), offering::starts_at.desc(), offering::id.desc())),
            (OfferingOrder::End, false) => query.order((offering::ends_at.is_null(), offering::ends_at.asc(), offering::id.asc())),
            (OfferingOrder::End, true) => query.order((offering::ends_at.is_null(), offering::ends_at.desc(), offering::id.desc())),
        };
        query.offset(offset).limit(limit).load(c)
    })?;
    Ok((rows, total))
}

/// An enrollment held through an offering, as the class-enrollment operations read it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OfferingEnrollmentRow {
    /// The enrollment's internal key (Skillable's class enrollment `Id`).
    pub id: i64,
    pub external_id: Option<String>,
    /// The enrollment's id as the iSpring faces name it.
    pub enrollment_external_id: String,
    pub learner_id: i64,
    pub learner_external_id: String,
    pub offering_id: i64,
    pub enrollment_status: i16,
    pub completion_status: i16,
    pub late_cancel: bool,
    pub retake: bool,
    pub location_type: Option<i16>,
    pub classroom_id: Option<i64>,
    pub hours_spent: Option<i32>,
    pub grade: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How enrollments through offerings are searched: every filter optional.
#[derive(Debug, Default)]
pub struct OfferingEnrollmentFilter<'a> {
    pub tenant_id: i64,
    pub external_id: Option<&'a str>,
    pub offering_id: Option<i64>,
    pub learner_id: Option<i64>,
    /// Enrollments of the learner with this external id (as the iSpring faces name users).
    pub learner_external_id: Option<&'a str>,
    /// Enrollments in offerings whose name contains this text.
    pub offering_name_contains: Option<&'a str>,
    pub enrollment_status: Option<i16>,
    pub created_after: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
}

/// The order of an enrollment search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferingEnrollmentOrder {
    /// The offering's name.
    OfferingName,
    Created,
    LastModified,
    Id,
}

macro_rules! offering_enrollment_query {
    ($f:expr) => {{
        let f = $f;
        let mut query = enrollment_offering::table
            .inner_join(offering::table)
            .inner_join(enrollment::table.inner_join(app_user::table))
            .filter(enrollment_offering::tenant_id.eq(f.tenant_id))
            .filter(enrollment::lifecycle.ne("deleted"))
            .into_boxed();
        if let Some(external_id) = f.external_id {
            query = query.filter(enrollment_offering::external_id.eq(external_id));
        }
        if let Some(external_id) = f.learner_external_id {
            query = query.filter(app_user::external_id.eq(external_id));
        }
        if let Some(offering_id) = f.offering_id {
            query = query.filter(enrollment_offering::offering_id.eq(offering_id));
        }
        if let Some(learner_id) = f.learner_id {
            query = query.filter(enrollment_offering::learner_id.eq(learner_id));
        }
        if let Some(name) = f.offering_name_contains {
            query = query.filter(lower(offering::name).like(contains(name)).escape('\\'));
        }
        if let Some(status) = f.enrollment_status {
            query = query.filter(enrollment_offering::enrollment_status.eq(status));
        }
        if let Some(t) = f.created_after {
            query = query.filter(enrollment_offering::created_at.ge(t));
        }
        if let Some(t) = f.created_before {
            query = query.filter(enrollment_offering::created_at.le(t));
        }
        query
    }};
}

/// One page of the enrollments matching `f`, in `order`, and how many match in all.
pub fn search_enrollments(
    tx: &mut Tx<'_>,
    f: &OfferingEnrollmentFilter<'_>,
    order: OfferingEnrollmentOrder,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OfferingEnrollmentRow>, i64)> {
    let total: i64 = on_conn!(tx, |c| offering_enrollment_query!(f).count().get_result(c))?;
    let rows = on_conn!(tx, |c| {
        let query = offering_enrollment_query!(f).select(ENROLLMENT_COLUMNS);
        let id = enrollment_offering::enrollment_id;
        let query = match (order, descending) {
            (OfferingEnrollmentOrder::OfferingName, false) => query.order((offering::name.asc(), id.asc())),
            (OfferingEnrollmentOrder::OfferingName, true) => query.order((offering::name.desc(), id.desc())),
            (OfferingEnrollmentOrder::Created, false) => query.order((enrollment_offering::created_at.asc(), id.asc())),
            (OfferingEnrollmentOrder::Created, true) => query.order((enrollment_offering::created_at.desc(), id.desc())),
            (OfferingEnrollmentOrder::LastModified, false) => query.order((enrollment_offering::updated_at.asc(), id.asc())),
            (OfferingEnrollmentOrder::LastModified, true) => query.order((enrollment_offering::updated_at.desc(), id.desc())),
            (OfferingEnrollmentOrder::Id, false) => query.order(id.asc()),
            (OfferingEnrollmentOrder::Id, true) => query.order(id.desc()),
        };
        query.offset(offset).limit(limit).load(c)
    })?;
    Ok((rows, total))
}

/// The columns an [`OfferingEnrollmentRow`] is read from.
type EnrollmentColumns = (
    enrollment_offering::enrollment_id,
    enrollment_offering::external_id,
    enrollment::external_id,
    enrollment_offering::learner_id,
    app_user::external_id,
    enrollment_offering::offering_id,
    enrollment_offering::enrollment_status,
    enrollment_offering::completion_status,
    enrollment_offering::late_cancel,
    enrollment_offering::retake,
    enrollment_offering::location_type,
    enrollment_offering::classroom_id,
    enrollment_offering::hours_spent,
    enrollment_offering::grade,
    enrollment_offering::created_at,
    enrollment_offering::updated_at,
);
const ENROLLMENT_COLUMNS: EnrollmentColumns = (
    enrollment_offering::enrollment_id,
    enrollment_offering::external_id,
    enrollment::external_id,
    enrollment_offering::learner_id,
    app_user::external_id,
    enrollment_offering::offering_id,
    enrollment_offering::enrollment_status,
    enrollment_offering::completion_status,
    enrollment_offering::late_cancel,
    enrollment_offering::retake,
    enrollment_offering::location_type,
    enrollment_offering::classroom_id,
    enrollment_offering::hours_spent,
    enrollment_offering::grade,
    enrollment_offering::created_at,
    enrollment_offering::updated_at,
);

/// The tenant's (not deleted) enrollment `id` held through an offering. One fixed-shape statement,
/// so both backends keep it prepared: this is the most frequent lookup of the class faces.
pub fn enrollment_by_id(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<OfferingEnrollmentRow>> {
    on_conn!(tx, |c| enrollment_offering::table
        .inner_join(enrollment::table.inner_join(app_user::table))
        .filter(enrollment_offering::enrollment_id.eq(id))
        .filter(enrollment_offering::tenant_id.eq(tenant_id))
        .filter(enrollment::lifecycle.ne("deleted"))
        .select(ENROLLMENT_COLUMNS)
        .first(c)
        .optional())
}

/// The tenant's (not deleted) enrollment of `learner_id` through `offering_id`.
pub fn enrollment_by_pair(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    offering_id: i64,
    learner_id: i64,
) -> QueryResult<Option<OfferingEnrollmentRow>> {
    on_conn!(tx, |c| enrollment_offering::table
        .inner_join(enrollment::table.inner_join(app_user::table))
        .filter(enrollment_offering::offering_id.eq(offering_id))
        .filter(enrollment_offering::learner_id.eq(learner_id))
        .filter(enrollment_offering::tenant_id.eq(tenant_id))
        .filter(enrollment::lifecycle.ne("deleted"))
        .select(ENROLLMENT_COLUMNS)
        .first(c)
        .optional())
}

/// The custom field values of one enrollment, in field order (a fixed-shape statement).
pub fn custom_values_of(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<Vec<CustomValueRow>> {
    on_conn!(tx, |c| enrollment_custom_value::table
        .inner_join(custom_field::table)
        .filter(enrollment_custom_value::enrollment_id.eq(enrollment_id))
        .order(custom_field::id)
        .select((
            enrollment_custom_value::enrollment_id,
            custom_field::id,
            custom_field::name,
            custom_field::data_type,
            enrollment_custom_value::text_value,
        ))
        .load(c))
}

/// A new enrollment held through an offering: its keys, and the vendor's side.
#[derive(Debug, Insertable)]
#[diesel(table_name = enrollment_offering)]
pub struct NewOfferingEnrollment<'a> {
    pub enrollment_id: i64,
    pub tenant_id: i64,
    pub created_at: NaiveDateTime,
    #[diesel(embed)]
    pub fields: OfferingEnrollmentChanges<'a>,
}

pub fn insert_enrollment(tx: &mut Tx<'_>, row: &NewOfferingEnrollment<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(enrollment_offering::table).values(row).execute(c)).map(|_| ())
}

/// The vendor's side of an enrollment, written whole on creation and on update (Skillable's update
/// names every field).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = enrollment_offering, treat_none_as_null = true)]
pub struct OfferingEnrollmentChanges<'a> {
    pub offering_id: i64,
    pub learner_id: i64,
    pub external_id: Option<&'a str>,
    pub enrollment_status: i16,
    pub completion_status: i16,
    pub late_cancel: bool,
    pub retake: bool,
    pub location_type: Option<i16>,
    pub classroom_id: Option<i64>,
    pub hours_spent: Option<i32>,
    pub grade: Option<i32>,
    pub updated_at: NaiveDateTime,
}

pub fn update_enrollment(tx: &mut Tx<'_>, enrollment_id: i64, changes: &OfferingEnrollmentChanges<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment_offering::table.find(enrollment_id)).set(changes).execute(c)).map(|_| ())
}

/// The enrollment through `offering_id` of `learner_id`, if any, and whether it was deleted.
pub fn enrollment_of_pair(tx: &mut Tx<'_>, offering_id: i64, learner_id: i64) -> QueryResult<Option<(i64, bool)>> {
    let found: Option<(i64, String)> = on_conn!(tx, |c| enrollment_offering::table
        .inner_join(enrollment::table)
        .filter(enrollment_offering::offering_id.eq(offering_id))
        .filter(enrollment_offering::learner_id.eq(learner_id))
        .select((enrollment_offering::enrollment_id, enrollment::lifecycle))
        .first(c)
        .optional())?;
    Ok(found.map(|(id, lifecycle)| (id, lifecycle == "deleted")))
}

/// Detaches a (deleted) enrollment from its offering: its class-enrollment side and custom values
/// go; the enrollment row stays, as deleted enrollments do.
pub fn detach_enrollment(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::delete(enrollment_custom_value::table.filter(enrollment_custom_value::enrollment_id.eq(enrollment_id)))
        .execute(c))?;
    on_conn!(tx, |c| diesel::delete(enrollment_offering::table.find(enrollment_id)).execute(c))?;
    Ok(())
}

/// Deletes an enrollment held through an offering, whatever its state, and detaches it: the pair
/// it held is free again.
pub fn delete_enrollment(tx: &mut Tx<'_>, enrollment_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.find(enrollment_id))
        .set((enrollment::lifecycle.eq("deleted"), enrollment::updated_at.eq(now)))
        .execute(c))?;
    detach_enrollment(tx, enrollment_id)
}

/// A custom field's value on an enrollment.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CustomValueRow {
    pub enrollment_id: i64,
    pub custom_field_id: i64,
    pub name: String,
    pub data_type: i16,
    pub text_value: String,
}

/// The custom field values of the given enrollments, in field order.
pub fn custom_values(tx: &mut Tx<'_>, enrollment_ids: &[i64]) -> QueryResult<Vec<CustomValueRow>> {
    on_conn!(tx, |c| enrollment_custom_value::table
        .inner_join(custom_field::table)
        .filter(enrollment_custom_value::enrollment_id.eq_any(enrollment_ids))
        .order((enrollment_custom_value::enrollment_id, custom_field::id))
        .select((
            enrollment_custom_value::enrollment_id,
            custom_field::id,
            custom_field::name,
            custom_field::data_type,
            enrollment_custom_value::text_value,
        ))
        .load(c))
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CustomFieldRow {
    pub id: i64,
    pub name: String,
    pub data_type: i16,
}

pub fn insert_custom_field(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    applies_to: &str,
    name: &str,
    data_type: i16,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(custom_field::table)
        .values((
            custom_field::tenant_id.eq(tenant_id),
            custom_field::applies_to.eq(applies_to),
            custom_field::name.eq(name),
            custom_field::data_type.eq(data_type),
            custom_field::created_at.eq(now),
        ))
        .returning(custom_field::id)
        .get_result(c))
}

/// The tenant's custom field of this id on records of kind `applies_to`.
pub fn custom_field(tx: &mut Tx<'_>, tenant_id: i64, applies_to: &str, id: i64) -> QueryResult<Option<CustomFieldRow>> {
    on_conn!(tx, |c| custom_field::table
        .filter(custom_field::tenant_id.eq(tenant_id))
        .filter(custom_field::applies_to.eq(applies_to))
        .filter(custom_field::id.eq(id))
        .select((custom_field::id, custom_field::name, custom_field::data_type))
        .first(c)
        .optional())
}

/// The tenant's custom fields on records of kind `applies_to`, in id order.
pub fn custom_fields(tx: &mut Tx<'_>, tenant_id: i64, applies_to: &str) -> QueryResult<Vec<CustomFieldRow>> {
    on_conn!(tx, |c| custom_field::table
        .filter(custom_field::tenant_id.eq(tenant_id))
        .filter(custom_field::applies_to.eq(applies_to))
        .order(custom_field::id)
        .select((custom_field::id, custom_field::name, custom_field::data_type))
        .load(c))
}

/// Sets a custom field's value on an enrollment; `None` removes it.
pub fn set_custom_value(
    tx: &mut Tx<'_>,
    enrollment_id: i64,
    custom_field_id: i64,
    value: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let key = enrollment_custom_value::table.find((enrollment_id, custom_field_id));
    on_conn!(tx, |c| diesel::delete(key).execute(c))?;
    if let Some(value) = value {
        on_conn!(tx, |c| diesel::insert_into(enrollment_custom_value::table)
            .values((
                enrollment_custom_value::enrollment_id.eq(enrollment_id),
                enrollment_custom_value::custom_field_id.eq(custom_field_id),
                enrollment_custom_value::text_value.eq(value),
                enrollment_custom_value::updated_at.eq(now),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// A tenant's user by internal key, if not deleted: `(id, external id)`.
pub fn live_user(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::id.eq(id))
        .filter(app_user::deleted_at.is_null())
        .select(app_user::id)
        .first(c)
        .optional())
}

/// The course of the tenant's offering `id`, if the offering exists.
pub fn course_of_offering(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| offering::table
        .filter(offering::tenant_id.eq(tenant_id))
        .filter(offering::id.eq(id))
        .select(offering::course_id)
        .first(c)
        .optional())
}

/// The learner's active enrollment in the course, if any.
pub fn active_enrollment_of(tx: &mut Tx<'_>, course_id: i64, learner_id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::course_id.eq(course_id))
        .filter(enrollment::learner_id.eq(learner_id))
        .filter(enrollment::lifecycle.eq("active"))
        .select(enrollment::id)
        .first(c)
        .optional())
}

/// The canonical state of an enrollment held through an offering, as the store's other faces read it.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = enrollment, treat_none_as_null = true)]
pub struct EnrollmentState<'a> {
    pub course_id: i64,
    pub learner_id: i64,
    pub lifecycle: &'a str,
    pub completion_status: &'a str,
    pub progress: i16,
    pub completed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn set_enrollment_state(tx: &mut Tx<'_>, enrollment_id: i64, state: &EnrollmentState<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.find(enrollment_id)).set(state).execute(c)).map(|_| ())
}

/// The completion date an enrollment has now, to keep it when the state is rewritten.
pub fn completed_at(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    on_conn!(tx, |c| enrollment::table.find(enrollment_id).select(enrollment::completed_at).first(c))
}

/// Sets an offering's fee.
pub fn set_fee(tx: &mut Tx<'_>, id: i64, amount: Option<f64>, currency: Option<&str>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(offering::table.find(id))
        .set((offering::fee_amount.eq(amount), offering::fee_currency.eq(currency)))
        .execute(c))
    .map(|_| ())
}
