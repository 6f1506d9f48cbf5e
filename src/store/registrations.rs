//! Course registrations: the `enrollment` row with Rhythm's fields beside it in `enrollment_rhythm`,
//! and the records a registration refers to (offerings by external id, orders, applications, event
//! registrations, registration processes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    app_user, certificate, certification_application, course, enrollment, enrollment_rhythm, event_registration, offering,
    registration_process, registration_process_course, sales_order,
};
use super::time::DateTimeColumn;
use super::{Tx, lower, on_conn};

/// Rhythm's side of a registration, as written (every column; `details` is the JSON document).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = enrollment_rhythm, treat_none_as_null = true)]
pub struct RegistrationRow<'a> {
    pub learner_id: i64,
    pub course_id: i64,
    pub offering_id: i64,
    pub status: &'a str,
    pub order_id: Option<i64>,
    pub application_id: Option<i64>,
    pub event_registration_id: Option<i64>,
    pub process_id: Option<i64>,
    pub name: &'a str,
    pub email_address: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub order_number: Option<f64>,
    pub order_balance_due: Option<f64>,
    pub order_amount_paid: Option<f64>,
    pub order_status: Option<&'a str>,
    pub order_total: Option<f64>,
    pub training_provider_id: Option<&'a str>,
    pub training_location_id: Option<&'a str>,
    pub arrival_date: Option<NaiveDateTime>,
    pub departure_date: Option<NaiveDateTime>,
    pub registered_at: Option<NaiveDateTime>,
    pub sys_version: i64,
    pub sys_locked: bool,
    pub sys_last_modified_at: NaiveDateTime,
    pub sys_last_modified_by_id: &'a str,
    pub details: &'a str,
    // The external ids of what the keys name, as callers name them (they never change).
    pub student_external_id: &'a str,
    pub course_external_id: &'a str,
    pub offering_external_id: &'a str,
    pub order_external_id: Option<&'a str>,
    pub application_external_id: Option<&'a str>,
    pub event_registration_external_id: Option<&'a str>,
    pub process_external_id: Option<&'a str>,
}

/// A new registration's row: the written fields and what only creation sets.
#[derive(Debug, Insertable)]
#[diesel(table_name = enrollment_rhythm)]
pub struct NewRegistration<'a> {
    pub enrollment_id: i64,
    pub tenant_id: i64,
    pub sys_created_at: NaiveDateTime,
    pub sys_created_by_id: &'a str,
    #[diesel(embed)]
    pub fields: RegistrationRow<'a>,
}

pub fn insert(tx: &mut Tx<'_>, row: &NewRegistration<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(enrollment_rhythm::table).values(row).execute(c)).map(|_| ())
}

/// Rewrites a registration's fields, only if it is still at `version` (another writer meanwhile
/// makes it match nothing); returns whether it did.
pub fn update(tx: &mut Tx<'_>, enrollment_id: i64, version: i64, row: &RegistrationRow<'_>) -> QueryResult<bool> {
    let target = enrollment_rhythm::table
        .filter(enrollment_rhythm::enrollment_id.eq(enrollment_id))
        .filter(enrollment_rhythm::sys_version.eq(version));
    on_conn!(tx, |c| diesel::update(target).set(row).execute(c)).map(|n| n == 1)
}

pub fn delete(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::delete(enrollment_rhythm::table.find(enrollment_id)).execute(c)).map(|_| ())
}

/// A registration as read: Rhythm's columns, the ids of what it refers to as callers name them,
/// and the enrollment's own id.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct RegistrationRecord {
    pub enrollment_id: i64,
    pub id: String,
    pub student_id: String,
    pub course_id: String,
    pub course_offering_id: String,
    pub order_id: Option<String>,
    pub application_id: Option<String>,
    pub event_registration_id: Option<String>,
    pub process_id: Option<String>,
    pub status: String,
    pub name: String,
    pub email_address: Option<String>,
    pub job_title: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub order_number: Option<f64>,
    pub order_balance_due: Option<f64>,
    pub order_amount_paid: Option<f64>,
    pub order_status: Option<String>,
    pub order_total: Option<f64>,
    pub training_provider_id: Option<String>,
    pub training_location_id: Option<String>,
    pub arrival_date: Option<NaiveDateTime>,
    pub departure_date: Option<NaiveDateTime>,
    pub registered_at: Option<NaiveDateTime>,
    pub sys_version: i64,
    pub sys_locked: bool,
    pub sys_created_at: NaiveDateTime,
    pub sys_last_modified_at: NaiveDateTime,
    pub sys_created_by_id: String,
    pub sys_last_modified_by_id: String,
    pub details: String,
}

/// The registrations of a tenant, each one row with its enrollment (the row keeps the external
/// ids of what it names): the one statement every read starts from.
macro_rules! records {
    ($tenant_id:expr) => {
        enrollment_rhythm::table
            .inner_join(enrollment::table.on(enrollment::id.eq(enrollment_rhythm::enrollment_id)))
            .filter(enrollment_rhythm::tenant_id.eq($tenant_id))
            .filter(enrollment::lifecycle.ne("deleted"))
            .select((
                enrollment_rhythm::enrollment_id,
                enrollment::external_id,
                enrollment_rhythm::student_external_id,
                enrollment_rhythm::course_external_id,
                enrollment_rhythm::offering_external_id,
                enrollment_rhythm::order_external_id,
                enrollment_rhythm::application_external_id,
                enrollment_rhythm::event_registration_external_id,
                enrollment_rhythm::process_external_id,
                (
                    enrollment_rhythm::status,
                    enrollment_rhythm::name,
                    enrollment_rhythm::email_address,
                    enrollment_rhythm::job_title,
                    enrollment_rhythm::city,
                    enrollment_rhythm::state,
                    enrollment_rhythm::order_number,
                    enrollment_rhythm::order_balance_due,
                    enrollment_rhythm::order_amount_paid,
                    enrollment_rhythm::order_status,
                    enrollment_rhythm::order_total,
                    enrollment_rhythm::training_provider_id,
                    enrollment_rhythm::training_location_id,
                    enrollment_rhythm::arrival_date,
                    enrollment_rhythm::departure_date,
                    enrollment_rhythm::registered_at,
                ),
                (
                    enrollment_rhythm::sys_version,
                    enrollment_rhythm::sys_locked,
                    enrollment_rhythm::sys_created_at,
                    enrollment_rhythm::sys_last_modified_at,
                    enrollment_rhythm::sys_created_by_id,
                    enrollment_rhythm::sys_last_modified_by_id,
                    enrollment_rhythm::details,
                ),
            ))
    };
}

/// The key of the tenant's row of `table` with this external id, as a subquery: a lookup by
/// external id is one statement, and still goes through the key's index.
macro_rules! key_of {
    ($table:ident, $tenant_id:expr, $external_id:expr) => {
        $table::table
            .filter($table::tenant_id.eq($tenant_id))
            .filter($table::external_id.eq($external_id))
            .select($table::id)
            .single_value()
    };
}

/// The keys of the tenant's rows of `table` with any of these external ids, as a subquery.
macro_rules! keys_of {
    ($table:ident, $tenant_id:expr, $external_ids:expr) => {
        $table::table.filter($table::tenant_id.eq($tenant_id)).filter($table::external_id.eq_any($external_ids)).select($table::id)
    };
}

type Fields = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<f64>,
    Option<String>,
    Option<String>,
    Option<DateTimeColumn>,
    Option<DateTimeColumn>,
    Option<DateTimeColumn>,
);
// Times are read digit by digit (`DateTimeColumn`), not by diesel's format probing.
type Sys = (i64, bool, DateTimeColumn, DateTimeColumn, String, String, String);
type Loaded = (i64, String, String, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Fields, Sys);

fn record(loaded: Loaded) -> RegistrationRecord {
    let (enrollment_id, id, student_id, course_id, course_offering_id, order_id, application_id, event_registration_id, process_id, f, s) =
        loaded;
    RegistrationRecord {
        enrollment_id,
        id,
        student_id,
        course_id,
        course_offering_id,
        order_id,
        application_id,
        event_registration_id,
        process_id,
        status: f.0,
        name: f.1,
        email_address: f.2,
        job_title: f.3,
        city: f.4,
        state: f.5,
        order_number: f.6,
        order_balance_due: f.7,
        order_amount_paid: f.8,
        order_status: f.9,
        order_total: f.10,
        training_provider_id: f.11,
        training_location_id: f.12,
        arrival_date: f.13.map(|t| t.0),
        departure_date: f.14.map(|t| t.0),
        registered_at: f.15.map(|t| t.0),
        sys_version: s.0,
        sys_locked: s.1,
        sys_created_at: s.2.0,
        sys_last_modified_at: s.3.0,
        sys_created_by_id: s.4,
        sys_last_modified_by_id: s.5,
        details: s.6,
    }
}

/// The tenant's (not deleted) registration with this id. One fixed-shape statement, kept prepared:
/// the most frequent read of the face.
pub fn by_id(tx: &mut Tx<'_>, tenant_id: i64, id: &str) -> QueryResult<Option<RegistrationRecord>> {
    // The enrollment's own tenant and id lead the lookup: its unique index finds the one row.
    let loaded: Option<Loaded> = on_conn!(tx, |c| records!(tenant_id)
        .filter(enrollment::tenant_id.eq(tenant_id))
        .filter(enrollment::external_id.eq(id))
        .first(c)
        .optional())?;
    Ok(loaded.map(record))
}

/// Which registrations a page lists: all of the tenant's, or those of one lookup route, by the
/// external ids the route names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup<'a> {
    All,
    /// A live student's.
    Student(&'a str),
    Course(&'a str),
    /// The offering's, only those in force when the flag says so.
    Offering(&'a str, bool),
    StudentCourse(&'a str, &'a str),
    Application(&'a str),
    EventRegistration(&'a str),
    Order(&'a str),
}

/// Statuses that are in force (the domain's rule, as the store filters by it).
pub const IN_FORCE: [&str; 4] = ["registered", "attended", "in progress", "completed"];

/// Up to `limit` registrations of `lookup` after enrollment id `after`, in id order. Each lookup
/// is one fixed-shape statement over its index; what it names that does not exist lists nothing.
pub fn page(tx: &mut Tx<'_>, tenant_id: i64, lookup: Lookup<'_>, after: i64, limit: i64) -> QueryResult<Vec<RegistrationRecord>> {
    macro_rules! student {
        ($id:expr) => {
            app_user::table
                .filter(app_user::tenant_id.eq(tenant_id))
                .filter(app_user::external_id.eq($id))
                .filter(app_user::deleted_at.is_null())
                .select(app_user::id)
                .single_value()
        };
    }
    let loaded: Vec<Loaded> = on_conn!(tx, |c| {
        let base =
            records!(tenant_id).filter(enrollment_rhythm::enrollment_id.gt(after)).order(enrollment_rhythm::enrollment_id).limit(limit);
        match lookup {
            Lookup::All => base.load(c),
            Lookup::Student(id) => base.filter(enrollment_rhythm::learner_id.nullable().eq(student!(id))).load(c),
            Lookup::Course(id) => base.filter(enrollment_rhythm::course_id.nullable().eq(key_of!(course, tenant_id, id))).load(c),
            Lookup::Offering(id, false) => {
                base.filter(enrollment_rhythm::offering_id.nullable().eq(key_of!(offering, tenant_id, id))).load(c)
            }
            Lookup::Offering(id, true) => base
                .filter(enrollment_rhythm::offering_id.nullable().eq(key_of!(offering, tenant_id, id)))
                .filter(enrollment_rhythm::status.eq_any(IN_FORCE))
                .load(c),
            Lookup::StudentCourse(student_id, course_id) => base
                .filter(enrollment_rhythm::learner_id.nullable().eq(student!(student_id)))
                .filter(enrollment_rhythm::course_id.nullable().eq(key_of!(course, tenant_id, course_id)))
                .load(c),
            Lookup::Application(id) => {
                base.filter(enrollment_rhythm::application_id.eq(key_of!(certification_application, tenant_id, id))).load(c)
            }
            Lookup::EventRegistration(id) => {
                base.filter(enrollment_rhythm::event_registration_id.eq(key_of!(event_registration, tenant_id, id))).load(c)
            }
            Lookup::Order(id) => base.filter(enrollment_rhythm::order_id.eq(key_of!(sales_order, tenant_id, id))).load(c),
        }
    })?;
    Ok(loaded.into_iter().map(record).collect())
}

/// A closed range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Range<T> {
    pub from: Option<T>,
    pub to: Option<T>,
}

/// What a search matches: every criterion optional, all of them together. Lists match any of
/// their values; texts match in any case (`name` anywhere in the name, the others whole).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub ids: Option<Vec<String>>,
    pub name: Option<String>,
    pub order_ids: Option<Vec<String>>,
    pub order_numbers: Option<Vec<f64>>,
    pub order_balance_due: Range<f64>,
    pub order_amount_paid: Range<f64>,
    pub order_statuses: Option<Vec<String>>,
    pub order_total: Range<f64>,
    pub course_ids: Option<Vec<String>>,
    pub course_offering_ids: Option<Vec<String>>,
    pub arrival_date: Range<NaiveDateTime>,
    pub departure_date: Range<NaiveDateTime>,
    pub training_provider_ids: Option<Vec<String>>,
    pub training_location_ids: Option<Vec<String>>,
    pub date: Range<NaiveDateTime>,
    pub statuses: Option<Vec<String>>,
    pub email_address: Option<String>,
    pub job_title: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub sys_created_at: Range<NaiveDateTime>,
}

/// Up to `limit` registrations matching `search` after enrollment id `after`, in id order.
pub fn search(tx: &mut Tx<'_>, tenant_id: i64, search: &Search, after: i64, limit: i64) -> QueryResult<Vec<RegistrationRecord>> {
    macro_rules! within {
        ($query:ident, $column:expr, $range:expr) => {
            if let Some(from) = $range.from {
                $query = $query.filter($column.ge(from));
            }
            if let Some(to) = $range.to {
                $query = $query.filter($column.le(to));
            }
        };
    }
    macro_rules! any_of {
        ($query:ident, $column:expr, $values:expr) => {
            if let Some(values) = &$values {
                $query = $query.filter($column.eq_any(values));
            }
        };
    }
    macro_rules! same_text {
        ($query:ident, $column:expr, $value:expr) => {
            if let Some(value) = &$value {
                $query = $query.filter(lower($column).eq(value.to_lowercase()));
            }
        };
    }
    let loaded: Vec<Loaded> = on_conn!(tx, |c| {
        let mut query = records!(tenant_id).filter(enrollment_rhythm::enrollment_id.gt(after)).into_boxed();
        any_of!(query, enrollment::external_id, search.ids);
        if let Some(name) = &search.name {
            query = query.filter(lower(enrollment_rhythm::name).like(super::offerings::contains(name)).escape('\\'));
        }
        if let Some(ids) = &search.order_ids {
            query = query.filter(enrollment_rhythm::order_id.assume_not_null().eq_any(keys_of!(sales_order, tenant_id, ids)));
        }
        any_of!(query, enrollment_rhythm::order_number.assume_not_null(), search.order_numbers);
        within!(query, enrollment_rhythm::order_balance_due.assume_not_null(), search.order_balance_due);
        within!(query, enrollment_rhythm::order_amount_paid.assume_not_null(), search.order_amount_paid);
        any_of!(query, enrollment_rhythm::order_status.assume_not_null(), search.order_statuses);
        within!(query, enrollment_rhythm::order_total.assume_not_null(), search.order_total);
        if let Some(ids) = &search.course_ids {
            query = query.filter(enrollment_rhythm::course_id.eq_any(keys_of!(course, tenant_id, ids)));
        }
        if let Some(ids) = &search.course_offering_ids {
            query = query.filter(enrollment_rhythm::offering_id.eq_any(keys_of!(offering, tenant_id, ids)));
        }
        within!(query, enrollment_rhythm::arrival_date.assume_not_null(), search.arrival_date);
        within!(query, enrollment_rhythm::departure_date.assume_not_null(), search.departure_date);
        any_of!(query, enrollment_rhythm::training_provider_id.assume_not_null(), search.training_provider_ids);
        any_of!(query, enrollment_rhythm::training_location_id.assume_not_null(), search.training_location_ids);
        within!(query, enrollment_rhythm::registered_at.assume_not_null(), search.date);
        any_of!(query, enrollment_rhythm::status, search.statuses);
        same_text!(query, enrollment_rhythm::email_address.assume_not_null(), search.email_address);
        same_text!(query, enrollment_rhythm::job_title.assume_not_null(), search.job_title);
        same_text!(query, enrollment_rhythm::city.assume_not_null(), search.city);
        same_text!(query, enrollment_rhythm::state.assume_not_null(), search.state);
        within!(query, enrollment_rhythm::sys_created_at, search.sys_created_at);
        query.order(enrollment_rhythm::enrollment_id).limit(limit).load(c)
    })?;
    Ok(loaded.into_iter().map(record).collect())
}

/// Whether anything depends on the registration's enrollment: a certificate issued for it, an
/// order that pays for it, or progress made in it.
pub fn dependents(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<Vec<&'static str>> {
    let certificates: i64 =
        on_conn!(tx, |c| certificate::table.filter(certificate::enrollment_id.eq(enrollment_id)).count().get_result(c))?;
    let (order, progress): (Option<i64>, i16) = on_conn!(tx, |c| enrollment_rhythm::table
        .inner_join(enrollment::table.on(enrollment::id.eq(enrollment_rhythm::enrollment_id)))
        .filter(enrollment_rhythm::enrollment_id.eq(enrollment_id))
        .select((enrollment_rhythm::order_id, enrollment::progress))
        .first(c))?;
    let mut found = Vec::new();
    if certificates > 0 {
        found.push("a certificate");
    }
    if order.is_some() {
        found.push("an order");
    }
    if progress > 0 {
        found.push("progress");
    }
    Ok(found)
}

/// The tenant's offering with this external id: `(offering, its course)`.
pub fn offering_by_external_id(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<(i64, i64)>> {
    on_conn!(tx, |c| offering::table
        .filter(offering::tenant_id.eq(tenant_id))
        .filter(offering::external_id.eq(external_id))
        .select((offering::id, offering::course_id))
        .first(c)
        .optional())
}

/// An offering's fee: `(amount, currency)`.
pub fn offering_fee(tx: &mut Tx<'_>, offering_id: i64) -> QueryResult<(Option<f64>, Option<String>)> {
    on_conn!(tx, |c| offering::table.find(offering_id).select((offering::fee_amount, offering::fee_currency)).first(c))
}

macro_rules! key_by_external_id {
    ($name:ident, $table:ident) => {
        /// The key of the tenant's record with this external id.
        pub fn $name(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<i64>> {
            on_conn!(tx, |c| $table::table
                .filter($table::tenant_id.eq(tenant_id))
                .filter($table::external_id.eq(external_id))
                .select($table::id)
                .first(c)
                .optional())
        }
    };
}

key_by_external_id!(order_key, sales_order);
key_by_external_id!(application_key, certification_application);
key_by_external_id!(event_registration_key, event_registration);
key_by_external_id!(process_key, registration_process);

/// Whether a registration process may register for this course (and is active).
pub fn process_offers(tx: &mut Tx<'_>, process_id: i64, course_id: i64) -> QueryResult<bool> {
    let found: i64 = on_conn!(tx, |c| registration_process_course::table
        .inner_join(registration_process::table)
        .filter(registration_process_course::process_id.eq(process_id))
        .filter(registration_process_course::course_id.eq(course_id))
        .filter(registration_process::is_active.eq(true))
        .count()
        .get_result(c))?;
    Ok(found > 0)
}

/// The courses a process registers for, in id order.
pub fn process_courses(tx: &mut Tx<'_>, process_id: i64) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| registration_process_course::table
        .filter(registration_process_course::process_id.eq(process_id))
        .select(registration_process_course::course_id)
        .order(registration_process_course::course_id)
        .load(c))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = registration_process)]
pub struct NewProcess<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub name: &'a str,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert_process(tx: &mut Tx<'_>, row: &NewProcess<'_>, courses: &[i64]) -> QueryResult<i64> {
    let id =
        on_conn!(tx, |c| diesel::insert_into(registration_process::table).values(row).returning(registration_process::id).get_result(c))?;
    for course_id in courses {
        on_conn!(tx, |c| diesel::insert_into(registration_process_course::table)
            .values((registration_process_course::process_id.eq(id), registration_process_course::course_id.eq(course_id)))
            .execute(c))?;
    }
    Ok(id)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sales_order)]
pub struct NewOrder<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub number: i64,
    pub status: &'a str,
    pub bill_to_id: Option<i64>,
    pub currency_code: &'a str,
    pub currency_symbol: &'a str,
    pub total: f64,
    pub amount_paid: f64,
    pub balance_due: f64,
    pub created_at: NaiveDateTime,
}

pub fn insert_order(tx: &mut Tx<'_>, row: &NewOrder<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(sales_order::table).values(row).returning(sales_order::id).get_result(c))
}

/// The next order number of a tenant.
pub fn next_order_number(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<i64> {
    let last: Option<i64> = on_conn!(tx, |c| sales_order::table
        .filter(sales_order::tenant_id.eq(tenant_id))
        .select(diesel::dsl::max(sales_order::number))
        .first(c))?;
    Ok(last.unwrap_or(1000) + 1)
}

pub fn insert_application(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str, learner_id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(certification_application::table)
        .values((
            certification_application::tenant_id.eq(tenant_id),
            certification_application::external_id.eq(external_id),
            certification_application::learner_id.eq(learner_id),
            certification_application::kind.eq("certification"),
            certification_application::review_status.eq("pending review"),
            certification_application::created_at.eq(now),
        ))
        .returning(certification_application::id)
        .get_result(c))
}

pub fn insert_event_registration(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    external_id: &str,
    learner_id: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(event_registration::table)
        .values((
            event_registration::tenant_id.eq(tenant_id),
            event_registration::external_id.eq(external_id),
            event_registration::learner_id.eq(learner_id),
            event_registration::status.eq("active"),
            event_registration::created_at.eq(now),
        ))
        .returning(event_registration::id)
        .get_result(c))
}

/// An offering as a registration names it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OfferingRef {
    pub external_id: String,
    pub course_external_id: String,
}

/// The course's offering (with an external id) that starts first.
pub fn first_offering_of(tx: &mut Tx<'_>, tenant_id: i64, course_id: i64) -> QueryResult<Option<OfferingRef>> {
    on_conn!(tx, |c| offering::table
        .inner_join(course::table)
        .filter(offering::tenant_id.eq(tenant_id))
        .filter(offering::course_id.eq(course_id))
        .filter(offering::external_id.is_not_null())
        .order((offering::starts_at.is_null(), offering::starts_at, offering::id))
        .select((offering::external_id.assume_not_null(), course::external_id))
        .first(c)
        .optional())
}

/// The names of a registration's course and offering, for messages about it.
pub fn names_of(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<(String, String)> {
    on_conn!(tx, |c| enrollment_rhythm::table
        .inner_join(course::table.on(course::id.eq(enrollment_rhythm::course_id)))
        .inner_join(offering::table.on(offering::id.eq(enrollment_rhythm::offering_id)))
        .filter(enrollment_rhythm::enrollment_id.eq(enrollment_id))
        .select((course::title, offering::name))
        .first(c))
}

/// The enrollment key of the tenant's registration with this id, deleted or not (a page may start
/// after a record deleted since: its enrollment row stays).
pub fn enrollment_key_of(tx: &mut Tx<'_>, tenant_id: i64, id: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::tenant_id.eq(tenant_id))
        .filter(enrollment::external_id.eq(id))
        .filter(enrollment::source.eq("rhythm"))
        .select(enrollment::id)
        .first(c)
        .optional())
}
