//! Bulk imports: the runs (`import_job`) with their progress and refused rows, and the look-ups a
//! batch makes in one query each.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{app_user, department, enrollment, user_group};
use super::time::{DateColumn, DateTimeColumn};
use super::{Tx, on_conn};
use crate::domain::Lifecycle;

diesel::table! {
    import_job (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        kind -> Text,
        format -> Text,
        source -> Text,
        state -> Text,
        lines_done -> BigInt,
        created -> BigInt,
        updated -> BigInt,
        unchanged -> BigInt,
        refused -> BigInt,
        failure -> Nullable<Text>,
        started_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_refusal (id) {
        id -> BigInt,
        job_id -> BigInt,
        line -> BigInt,
        column_no -> Nullable<Integer>,
        field -> Nullable<Text>,
        code -> Text,
        detail -> Text,
    }
}

/// A run as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub format: String,
    pub source: String,
    pub state: String,
    pub lines_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused: i64,
    pub failure: Option<String>,
}

macro_rules! job_columns {
    () => {
        (
            import_job::id,
            import_job::kind,
            import_job::format,
            import_job::source,
            import_job::state,
            import_job::lines_done,
            import_job::created,
            import_job::updated,
            import_job::unchanged,
            import_job::refused,
            import_job::failure,
        )
    };
}

pub fn insert_job(tx: &mut Tx<'_>, tenant_id: i64, kind: &str, format: &str, source: &str, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(import_job::table)
        .values((
            import_job::tenant_id.eq(tenant_id),
            import_job::kind.eq(kind),
            import_job::format.eq(format),
            import_job::source.eq(source),
            import_job::state.eq("running"),
            import_job::started_at.eq(now),
            import_job::updated_at.eq(now),
        ))
        .returning(import_job::id)
        .get_result(c))
}

/// The tenant's run `id`.
pub fn job(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<JobRow>> {
    on_conn!(tx, |c| import_job::table
        .filter(import_job::tenant_id.eq(tenant_id))
        .filter(import_job::id.eq(id))
        .select(job_columns!())
        .first(c)
        .optional())
}

/// The tenant's latest run of `kind` from `source` that did not finish.
pub fn unfinished_job(tx: &mut Tx<'_>, tenant_id: i64, kind: &str, source: &str) -> QueryResult<Option<JobRow>> {
    on_conn!(tx, |c| import_job::table
        .filter(import_job::tenant_id.eq(tenant_id))
        .filter(import_job::kind.eq(kind))
        .filter(import_job::source.eq(source))
        .order(import_job::id.desc())
        .select(job_columns!())
        .first::<JobRow>(c)
        .optional())
    .map(|row| row.filter(|job| job.state != "done"))
}

/// What a committed batch adds to its run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused: i64,
}

pub fn add_progress(tx: &mut Tx<'_>, id: i64, lines_done: i64, counts: Counts, now: NaiveDateTime) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(import_job::table.find(id))
        .set((
            import_job::lines_done.eq(lines_done),
            import_job::created.eq(import_job::created + counts.created),
            import_job::updated.eq(import_job::updated + counts.updated),
            import_job::unchanged.eq(import_job::unchanged + counts.unchanged),
            import_job::refused.eq(import_job::refused + counts.refused),
            import_job::updated_at.eq(now),
        ))
        .execute(c))
}

pub fn finish_job(tx: &mut Tx<'_>, id: i64, state: &str, failure: Option<&str>, now: NaiveDateTime) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(import_job::table.find(id))
        .set((
            import_job::state.eq(state),
            import_job::failure.eq(failure),
            import_job::updated_at.eq(now),
            import_job::finished_at.eq(Some(now)),
        ))
        .execute(c))
}

/// A refused row as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct RefusalRow {
    pub line: i64,
    pub column_no: Option<i32>,
    pub field: Option<String>,
    pub code: String,
    pub detail: String,
}

#[derive(Insertable)]
#[diesel(table_name = import_refusal)]
struct NewRefusal<'a> {
    job_id: i64,
    line: i64,
    column_no: Option<i32>,
    field: Option<&'a str>,
    code: &'a str,
    detail: &'a str,
}

pub fn insert_refusals(tx: &mut Tx<'_>, job_id: i64, rows: &[RefusalRow]) -> QueryResult<()> {
    for chunk in rows.chunks(1000) {
        let values: Vec<NewRefusal<'_>> = chunk
            .iter()
            .map(|r| NewRefusal {
                job_id,
                line: r.line,
                column_no: r.column_no,
                field: r.field.as_deref(),
                code: &r.code,
                detail: &r.detail,
            })
            .collect();
        on_conn!(tx, |c| diesel::insert_into(import_refusal::table).values(&values).execute(c))?;
    }
    Ok(())
}

/// Up to `limit` refused rows of run `job_id` after the `after`-th, in file order.
pub fn refusals(tx: &mut Tx<'_>, job_id: i64, after: i64, limit: i64) -> QueryResult<Vec<(i64, RefusalRow)>> {
    on_conn!(tx, |c| import_refusal::table
        .filter(import_refusal::job_id.eq(job_id))
        .filter(import_refusal::id.gt(after))
        .order(import_refusal::id)
        .limit(limit)
        .select((
            import_refusal::id,
            (import_refusal::line, import_refusal::column_no, import_refusal::field, import_refusal::code, import_refusal::detail),
        ))
        .load(c))
}

/// Whether the tenant has (or had: deleted ones included) a user with this external id.
pub fn user_id_used(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::select(diesel::dsl::exists(
        app_user::table.filter(app_user::tenant_id.eq(tenant_id)).filter(app_user::external_id.eq(external_id))
    ))
    .get_result(c))
}

/// A department's internal id by its external id.
pub fn department_key(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::external_id.eq(external_id))
        .select(department::id)
        .first(c)
        .optional())
}

pub fn rename_group(tx: &mut Tx<'_>, id: i64, name: &str, now: NaiveDateTime) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(user_group::table.find(id))
        .set((user_group::name.eq(name), user_group::updated_at.eq(Some(now))))
        .execute(c))
}

/// A live enrollment of a learner in a course, as an import compares it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PairRow {
    pub id: i64,
    pub course_id: i64,
    pub learner_id: i64,
    pub access_date: DateTimeColumn,
    pub due_date: Option<DateColumn>,
    pub lock_after_due_date: bool,
}

/// The active enrollments of the named learners (the tenant's, as their keys are), in one query
/// through the learners' index; the caller keeps those of the courses it needs. It names neither
/// the tenant nor the courses: with the tenant, SQLite's planner walked the tenant's whole
/// `(tenant_id, lifecycle, id)` index (0.5 s a batch at 1M rows); with the courses, PostgreSQL's
/// walked the pairs' index course by course, every enrollment of every course named.
pub fn active_pairs(tx: &mut Tx<'_>, learner_ids: &[i64]) -> QueryResult<Vec<PairRow>> {
    if learner_ids.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
        .filter(enrollment::learner_id.eq_any(learner_ids))
        .select((
            enrollment::id,
            enrollment::course_id,
            enrollment::learner_id,
            enrollment::access_date,
            enrollment::due_date,
            enrollment::lock_after_due_date,
        ))
        .load(c))
}

/// One enrollment as an export writes it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ExportedEnrollment {
    pub id: i64,
    pub course_id: String,
    pub learner_id: String,
    pub access_date: DateTimeColumn,
    pub due_date: Option<DateColumn>,
    pub lock_after_due_date: bool,
}

/// Up to `limit` of the tenant's active enrollments after `after` (internal id), in id order, of
/// learners in `departments` when given.
pub fn enrollment_page(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    departments: Option<&[i64]>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ExportedEnrollment>> {
    use super::schema::course;
    on_conn!(tx, |c| {
        let mut query = enrollment::table
            .inner_join(app_user::table)
            .inner_join(course::table)
            .filter(enrollment::tenant_id.eq(tenant_id))
            .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
            .filter(enrollment::id.gt(after))
            .order(enrollment::id)
            .limit(limit)
            .select((
                enrollment::id,
                course::external_id,
                app_user::external_id,
                enrollment::access_date,
                enrollment::due_date,
                enrollment::lock_after_due_date,
            ))
            .into_boxed();
        if let Some(departments) = departments {
            query = query.filter(app_user::department_id.eq_any(departments));
        }
        query.load(c)
    })
}

/// Sets the schedule of enrollment `id`.
pub fn set_schedule(
    tx: &mut Tx<'_>,
    id: i64,
    access_date: NaiveDateTime,
    due_date: Option<NaiveDate>,
    lock: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    super::enrollments::update_schedule(tx, id, access_date, due_date, lock, now)
}

/// SQLite's page cache of the connection of an import, in KiB (its default is 2 MiB): the pages
/// of the enrollment table's indexes that a batch inserts into stay in memory instead of being
/// spilled and read back (measured: most of an import's time at 2 MiB). Without effect on PostgreSQL.
pub fn set_page_cache(held: &mut super::Held, kib: i64) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match held {
        super::Held::Sqlite(conn) => conn.batch_execute(&format!("PRAGMA cache_size = -{kib}")),
        super::Held::Pg(_) => Ok(()),
    }
}
