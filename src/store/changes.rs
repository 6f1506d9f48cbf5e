//! The change feed: rows the triggers write with every change, given positions by the publisher,
//! and read from a cursor.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::schema::{app_user, certificate, change_event, course, course_module, department, enrollment, module_progress, user_group};
use super::time::{DateColumn, DateTimeColumn};
use super::{Tx, on_conn};

/// The advisory lock that keeps one publisher at a time across the servers of one database.
const PUBLISHER_LOCK: i64 = 7_355_609;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Takes the publisher's lock for the rest of the transaction; false when another server holds it.
/// SQLite has one writer at a time already: its write transaction is the lock.
pub fn lock_publisher(tx: &mut Tx<'_>) -> QueryResult<bool> {
    match tx {
        Tx::Sqlite(_) => Ok(true),
        Tx::Pg(c) => diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(PUBLISHER_LOCK)
            .get_result::<Locked>(*c)
            .map(|row| row.locked),
    }
}

/// A committed change that has no position yet.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Unpublished {
    pub id: i64,
    pub tenant_id: i64,
    pub kind: i16,
    pub subject_id: i64,
    pub related_id: Option<i64>,
    pub reference: Option<String>,
}

/// Up to `limit` changes without a position, oldest first.
pub fn unpublished(tx: &mut Tx<'_>, limit: i64) -> QueryResult<Vec<Unpublished>> {
    on_conn!(tx, |c| change_event::table
        .filter(change_event::position.is_null())
        .order(change_event::id)
        .select((
            change_event::id,
            change_event::tenant_id,
            change_event::kind,
            change_event::subject_id,
            change_event::related_id,
            change_event::reference,
        ))
        .limit(limit)
        .load(c))
}

/// Whether any change waits for a position.
pub fn any_unpublished(tx: &mut Tx<'_>) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::select(diesel::dsl::exists(change_event::table.filter(change_event::position.is_null()))).get_result(c))
}

/// The last position given (0 before the first).
pub fn last_position(tx: &mut Tx<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| change_event::table
        .filter(change_event::position.is_not_null())
        .select(diesel::dsl::max(change_event::position))
        .first::<Option<i64>>(c))
    .map(|max| max.unwrap_or(0))
}

/// Gives change `id` its position and the data it reports.
pub fn publish(tx: &mut Tx<'_>, id: i64, position: i64, data: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(change_event::table.find(id))
        .set((change_event::position.eq(position), change_event::data.eq(data)))
        .execute(c))
    .map(|_| ())
}

/// A published change as the feed reports it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Published {
    pub id: i64,
    pub position: Option<i64>,
    pub kind: i16,
    pub occurred_at: DateTimeColumn,
    pub data: Option<String>,
}

/// The tenant's published changes after position `after`, in position order.
pub fn feed(tx: &mut Tx<'_>, tenant_id: i64, after: i64, limit: i64) -> QueryResult<Vec<Published>> {
    on_conn!(tx, |c| change_event::table
        .filter(change_event::tenant_id.eq(tenant_id))
        .filter(change_event::position.gt(after))
        .order(change_event::position)
        .select((change_event::id, change_event::position, change_event::kind, change_event::occurred_at, change_event::data))
        .limit(limit)
        .load(c))
}

/// The published change `id`, whoever's it is.
pub fn published(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<Published>> {
    on_conn!(tx, |c| change_event::table
        .filter(change_event::id.eq(id))
        .filter(change_event::position.is_not_null())
        .select((change_event::id, change_event::position, change_event::kind, change_event::occurred_at, change_event::data))
        .first(c)
        .optional())
}

/// The last position given to one of the tenant's changes (0 before the first).
pub fn tenant_last_position(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<i64> {
    on_conn!(tx, |c| change_event::table
        .filter(change_event::tenant_id.eq(tenant_id))
        .filter(change_event::position.is_not_null())
        .select(diesel::dsl::max(change_event::position))
        .first::<Option<i64>>(c))
    .map(|max| max.unwrap_or(0))
}

/// Deletes published changes that occurred before `before`, oldest first, with the deliveries
/// made of them, and returns how many went; at most `limit` candidates are looked at, starting
/// after change `after` (the caller's resume point, the last id looked at being returned too).
/// Kept whatever their age: a change some subscription has still to deliver (a pending delivery,
/// or a dead one that may be replayed), and the last published change, whose position is where
/// the next ones continue. Changes are read in id order (the primary key), which is the order
/// they were written in, so the walk stops at the first one young enough to keep.
pub fn purge_before(tx: &mut Tx<'_>, before: NaiveDateTime, after: i64, limit: i64) -> QueryResult<Purged> {
    use super::schema::webhook_delivery;
    let candidates: Vec<(i64, DateTimeColumn, Option<i64>)> = on_conn!(tx, |c| change_event::table
        .filter(change_event::id.gt(after))
        .order(change_event::id)
        .select((change_event::id, change_event::occurred_at, change_event::position))
        .limit(limit)
        .load(c))?;
    let last_position = last_position(tx)?;
    let looked_at = candidates.len();
    let mut old: Vec<i64> = Vec::new();
    let mut last = after;
    let mut reached_young = false;
    for (id, occurred_at, position) in candidates {
        if occurred_at.0 >= before || position.is_none() {
            reached_young = true;
            break;
        }
        last = id;
        if position != Some(last_position) {
            old.push(id);
        }
    }
    let mut deleted = 0;
    if !old.is_empty() {
        let undelivered: Vec<i64> = on_conn!(tx, |c| webhook_delivery::table
            .filter(webhook_delivery::event_id.eq_any(&old))
            .filter(webhook_delivery::state.ne("delivered"))
            .select(webhook_delivery::event_id)
            .distinct()
            .load(c))?;
        old.retain(|id| !undelivered.contains(id));
        on_conn!(tx, |c| diesel::delete(webhook_delivery::table.filter(webhook_delivery::event_id.eq_any(&old))).execute(c))?;
        deleted = on_conn!(tx, |c| diesel::delete(change_event::table.filter(change_event::id.eq_any(&old))).execute(c))?;
    }
    Ok(Purged { deleted, last, done: reached_young || (looked_at as i64) < limit })
}

/// What one round of [`purge_before`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Changes deleted.
    pub deleted: usize,
    /// The last change looked at: the next round starts after it.
    pub last: i64,
    /// Whether the walk reached a change too young to go (or the end).
    pub done: bool,
}

// What the publisher reads of the changed rows.

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct UserState {
    pub external_id: String,
    pub login: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department: String,
    pub role: String,
    pub status: i16,
    pub deleted_at: Option<DateTimeColumn>,
}

pub fn user(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<UserState>> {
    on_conn!(tx, |c| app_user::table
        .inner_join(department::table)
        .filter(app_user::id.eq(id))
        .select((
            app_user::external_id,
            app_user::login,
            app_user::email,
            app_user::first_name,
            app_user::last_name,
            department::external_id,
            app_user::role,
            app_user::status,
            app_user::deleted_at,
        ))
        .first(c)
        .optional())
}

/// A user as Academy Of Mine's webhooks describe one: its number (that face's user id), names,
/// e-mail and when it was registered.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct AcademyUser {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTimeColumn,
}

pub fn academy_user(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<AcademyUser>> {
    on_conn!(tx, |c| app_user::table
        .filter(app_user::id.eq(id))
        .select((app_user::id, app_user::first_name, app_user::last_name, app_user::email, app_user::created_at))
        .first(c)
        .optional())
}

/// An enrollment (Academy Of Mine's course registration) as its webhooks describe one.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct AcademyEnrollment {
    pub id: i64,
    pub learner: AcademyUser,
    pub course_id: i64,
    pub course_name: String,
    pub access_date: DateTimeColumn,
    pub completion_status: String,
    pub progress: i16,
    pub started_at: Option<DateTimeColumn>,
    pub completed_at: Option<DateTimeColumn>,
}

pub fn academy_enrollment(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<AcademyEnrollment>> {
    on_conn!(tx, |c| enrollment::table
        .inner_join(app_user::table)
        .inner_join(course::table)
        .filter(enrollment::id.eq(id))
        .select((
            enrollment::id,
            (app_user::id, app_user::first_name, app_user::last_name, app_user::email, app_user::created_at),
            course::id,
            course::title,
            enrollment::access_date,
            enrollment::completion_status,
            enrollment::progress,
            enrollment::started_at,
            enrollment::completed_at,
        ))
        .first(c)
        .optional())
}

pub fn user_external_id(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| app_user::table.find(id).select(app_user::external_id).first(c).optional())
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct DepartmentState {
    pub external_id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_id: Option<i64>,
}

pub fn department(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<DepartmentState>> {
    on_conn!(tx, |c| department::table
        .find(id)
        .select((department::external_id, department::name, department::code, department::parent_id))
        .first(c)
        .optional())
}

pub fn department_external_id(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| department::table.find(id).select(department::external_id).first(c).optional())
}

/// A group's external id and name.
pub fn group(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<(String, String)>> {
    on_conn!(tx, |c| user_group::table.find(id).select((user_group::external_id, user_group::name)).first(c).optional())
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct EnrollmentState {
    pub external_id: String,
    pub learner: String,
    pub course: String,
    pub source: String,
    pub lifecycle: String,
    pub completion_status: String,
    pub progress: i16,
    pub due_date: Option<DateColumn>,
    pub completed_at: Option<DateTimeColumn>,
    pub time_spent_seconds: i64,
}

pub fn enrollment(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<EnrollmentState>> {
    on_conn!(tx, |c| enrollment::table
        .inner_join(app_user::table)
        .inner_join(course::table)
        .filter(enrollment::id.eq(id))
        .select((
            enrollment::external_id,
            app_user::external_id,
            course::external_id,
            enrollment::source,
            enrollment::lifecycle,
            enrollment::completion_status,
            enrollment::progress,
            enrollment::due_date,
            enrollment::completed_at,
            enrollment::time_spent_seconds,
        ))
        .first(c)
        .optional())
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ModuleState {
    pub module: String,
    pub status: String,
    pub obtained_marks: Option<i32>,
    pub time_spent_seconds: i64,
}

pub fn module_progress(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<ModuleState>> {
    on_conn!(tx, |c| module_progress::table
        .inner_join(course_module::table)
        .filter(module_progress::id.eq(id))
        .select((course_module::slug, module_progress::status, module_progress::obtained_marks, module_progress::time_spent_seconds))
        .first(c)
        .optional())
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CertificateState {
    pub external_id: String,
    pub issued_at: DateTimeColumn,
    pub expires_at: Option<DateTimeColumn>,
}

pub fn certificate(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<CertificateState>> {
    on_conn!(tx, |c| certificate::table
        .find(id)
        .select((certificate::external_id, certificate::issued_at, certificate::expires_at))
        .first(c)
        .optional())
}
