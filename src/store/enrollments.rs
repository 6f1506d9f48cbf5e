//! Enrollments and their certificates.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{app_user, certificate, course, enrollment};
use super::time::{DateColumn, DateTimeColumn};
use super::{Tx, on_conn};
use crate::domain::progress::locked;
use crate::domain::{CertificateView, EnrollmentView, LearnerResultView, Lifecycle};

#[derive(Debug, Insertable)]
#[diesel(table_name = enrollment, treat_none_as_default_value = false)]
pub struct NewEnrollment<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub source: &'a str,
    pub learner_id: i64,
    pub course_id: i64,
    pub access_date: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    pub lock_after_due_date: bool,
    pub enrollment_type_group: i16,
    pub lifecycle: &'a str,
    pub completion_status: &'a str,
    pub progress: i16,
    pub completed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_enrollment(tx: &mut Tx<'_>, row: &NewEnrollment<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(enrollment::table).values(row).returning(enrollment::id).get_result(c))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = certificate)]
pub struct NewCertificate<'a> {
    pub tenant_id: i64,
    pub enrollment_id: i64,
    pub external_id: &'a str,
    /// UTC.
    pub issued_at: NaiveDateTime,
    pub issued_offset_minutes: i32,
    /// UTC.
    pub expires_at: Option<NaiveDateTime>,
    pub expires_offset_minutes: Option<i32>,
}

pub fn insert_certificate(tx: &mut Tx<'_>, row: &NewCertificate<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(certificate::table).values(row).returning(certificate::id).get_result(c))
}

/// Which active enrollments of a tenant to list. `None` means "no restriction"; the id lists hold
/// internal keys and must not be empty (an empty restriction matches nothing: skip the query).
#[derive(Debug, Clone, Copy)]
pub struct ActiveFilter<'a> {
    pub tenant_id: i64,
    pub course_ids: Option<&'a [i64]>,
    pub learner_ids: Option<&'a [i64]>,
    /// Departments the learners must belong to.
    pub departments: Option<&'a [i64]>,
    pub enrollment_ids: Option<&'a [i64]>,
}

type Row = (
    i64,
    String,
    String,
    String,
    DateTimeColumn,
    Option<DateColumn>,
    bool,
    i16,
    Option<String>,
    Option<DateTimeColumn>,
    Option<i32>,
    Option<DateTimeColumn>,
    Option<i32>,
    Option<DateTimeColumn>,
);

/// The columns of an enrollment view, in `Row` order.
macro_rules! view_columns {
    () => {
        (
            enrollment::id,
            enrollment::external_id,
            course::external_id,
            app_user::external_id,
            enrollment::access_date,
            enrollment::due_date,
            enrollment::lock_after_due_date,
            enrollment::enrollment_type_group,
            certificate::external_id.nullable(),
            certificate::issued_at.nullable(),
            certificate::issued_offset_minutes.nullable(),
            certificate::expires_at.nullable(),
            certificate::expires_offset_minutes.nullable(),
            enrollment::access_revoked_at,
        )
    };
}

/// The certificates of enrollments after the key `after`. Repeating the bound in the join lets
/// PostgreSQL start its scan of certificates there, instead of from the first one on every page
/// (which made keyset paging slow down as it went).
macro_rules! certificates_after {
    ($after:expr) => {
        certificate::table.on(certificate::enrollment_id.eq(enrollment::id).and(certificate::enrollment_id.gt($after)))
    };
}

/// One learner's active enrollments (by the learner's external id), as [`active_page`] would give
/// them with that single filter. The most common call of all: a query of fixed shape, so the
/// prepared statement is cached instead of compiled per request.
pub fn active_page_of_learner(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    learner_external_id: &str,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, EnrollmentView)>> {
    let rows: Vec<Row> = on_conn!(tx, |c| enrollment::table
        .inner_join(course::table)
        .inner_join(app_user::table)
        .left_join(certificates_after!(after))
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::external_id.eq(learner_external_id))
        .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
        .filter(enrollment::id.gt(after))
        .select(view_columns!())
        .order(enrollment::id)
        .limit(limit)
        .load(c))?;
    Ok(rows.into_iter().map(|row| (row.0, to_view(row))).collect())
}

/// Up to `limit` active enrollments with an internal id above `after`, in id order (keyset paging),
/// returned as `(internal id, view)`.
pub fn active_page(tx: &mut Tx<'_>, filter: &ActiveFilter<'_>, after: i64, limit: i64) -> QueryResult<Vec<(i64, EnrollmentView)>> {
    let rows: Vec<Row> = on_conn!(tx, |c| {
        let mut query = enrollment::table
            .inner_join(course::table)
            .inner_join(app_user::table)
            .left_join(certificates_after!(after))
            .filter(enrollment::tenant_id.eq(filter.tenant_id))
            .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
            .filter(enrollment::id.gt(after))
            .select(view_columns!())
            .order(enrollment::id)
            .limit(limit)
            .into_boxed();
        if let Some(ids) = filter.course_ids {
            query = query.filter(enrollment::course_id.eq_any(ids));
        }
        if let Some(ids) = filter.learner_ids {
            query = query.filter(enrollment::learner_id.eq_any(ids));
        }
        if let Some(ids) = filter.departments {
            query = query.filter(app_user::department_id.eq_any(ids));
        }
        if let Some(ids) = filter.enrollment_ids {
            query = query.filter(enrollment::id.eq_any(ids));
        }
        query.load(c)
    })?;
    Ok(rows.into_iter().map(|row| (row.0, to_view(row))).collect())
}

fn to_view(row: Row) -> EnrollmentView {
    let (_, enrollment_id, course_id, learner_id, access, due, lock, group, cert_id, issued, issued_off, expires, expires_off, revoked) =
        row;
    let (due_date, should_lock_after_due_date) = locked(due.map(|due| due.0), lock, revoked.map(|at| at.0));
    let certificate = match (cert_id, issued) {
        (Some(id), Some(issued)) => Some(CertificateView {
            issued_certificate_id: id,
            issue_date: with_offset(issued.0, issued_off.unwrap_or(0)),
            expiry_date: expires.map(|at| with_offset(at.0, expires_off.unwrap_or(0))),
        }),
        _ => None,
    };
    EnrollmentView {
        enrollment_id,
        course_id,
        learner_id,
        access_date: access.0.date(),
        due_date,
        should_lock_after_due_date,
        enrollment_type_group: group,
        certificate,
    }
}

/// A stored UTC instant shown in the offset it was recorded with.
fn with_offset(utc: NaiveDateTime, offset_minutes: i32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    utc.and_utc().with_timezone(&offset)
}

/// Inserts enrollments in multi-row statements. A learner already enrolled in a course (a live
/// enrollment for the pair) is skipped, not duplicated, even when another server inserts it at the
/// same moment: the partial unique index decides. Returns how many rows were inserted.
pub fn insert_many(tx: &mut Tx<'_>, rows: &[NewEnrollment<'_>]) -> QueryResult<usize> {
    // 16 columns a row: 500 rows stay far below SQLite's limit of bound parameters.
    const ROWS_PER_STATEMENT: usize = 500;
    let mut inserted = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        inserted += on_conn!(tx, |c| diesel::insert_into(enrollment::table).values(chunk).on_conflict_do_nothing().execute(c))?;
    }
    Ok(inserted)
}

/// An active enrollment as the write operations need it.
#[derive(Debug, Clone, Queryable)]
pub struct EnrollmentRecord {
    pub id: i64,
    pub learner_department_id: i64,
    pub course_default_due_period_hours: Option<i32>,
    pub access_date: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    pub lock_after_due_date: bool,
}

/// The tenant's active enrollment with this external id.
pub fn active_by_external_id(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<EnrollmentRecord>> {
    on_conn!(tx, |c| enrollment::table
        .inner_join(app_user::table)
        .inner_join(course::table)
        .filter(enrollment::tenant_id.eq(tenant_id))
        .filter(enrollment::external_id.eq(external_id))
        .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
        .select((
            enrollment::id,
            app_user::department_id,
            course::default_due_period_hours,
            enrollment::access_date,
            enrollment::due_date,
            enrollment::lock_after_due_date,
        ))
        .first(c)
        .optional())
}

pub fn update_schedule(
    tx: &mut Tx<'_>,
    id: i64,
    access_date: NaiveDateTime,
    due_date: Option<NaiveDate>,
    lock_after_due_date: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(enrollment::table.find(id))
        .set((
            enrollment::access_date.eq(access_date),
            enrollment::due_date.eq(due_date),
            enrollment::lock_after_due_date.eq(lock_after_due_date),
            enrollment::updated_at.eq(now),
        ))
        .execute(c))
}

/// Moves active enrollments (by id, or all of a learner's) to another lifecycle state.
pub fn retire(tx: &mut Tx<'_>, ids: Option<&[i64]>, learner_id: Option<i64>, to: Lifecycle, now: NaiveDateTime) -> QueryResult<usize> {
    on_conn!(tx, |c| {
        let mut query = diesel::update(enrollment::table).filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str())).into_boxed();
        if let Some(ids) = ids {
            query = query.filter(enrollment::id.eq_any(ids));
        }
        if let Some(learner) = learner_id {
            query = query.filter(enrollment::learner_id.eq(learner));
        }
        query.set((enrollment::lifecycle.eq(to.as_str()), enrollment::updated_at.eq(now))).execute(c)
    })
}

/// Which learner results to list (active enrollments of the tenant). `None` is no restriction.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResultsFilter<'a> {
    pub tenant_id: i64,
    pub learner_ids: Option<&'a [i64]>,
    pub course_ids: Option<&'a [i64]>,
    pub enrollment_ids: Option<&'a [i64]>,
    pub departments: Option<&'a [i64]>,
    pub completion_statuses: Option<&'a [&'a str]>,
    pub user_statuses: Option<&'a [i16]>,
    /// Inclusive UTC bounds.
    pub access_from: Option<NaiveDateTime>,
    pub access_to: Option<NaiveDateTime>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub completed_from: Option<NaiveDateTime>,
    pub completed_to: Option<NaiveDateTime>,
}

/// One learner result as the query selects it.
#[derive(Queryable)]
struct ResultRow {
    id: i64,
    enrollment_id: String,
    user_id: String,
    course_id: String,
    course_title: String,
    access_date: NaiveDateTime,
    due_date: Option<NaiveDate>,
    lock_after_due_date: bool,
    completed_at: Option<NaiveDateTime>,
    completion_status: String,
    progress: i16,
    access_revoked_at: Option<NaiveDateTime>,
}

/// Up to `limit` learner results with an enrollment id above `after`, in id order.
pub fn results_page(tx: &mut Tx<'_>, f: &ResultsFilter<'_>, after: i64, limit: i64) -> QueryResult<Vec<(i64, LearnerResultView)>> {
    let rows: Vec<ResultRow> = on_conn!(tx, |c| {
        let mut query = enrollment::table
            .inner_join(course::table)
            .inner_join(app_user::table)
            .filter(enrollment::tenant_id.eq(f.tenant_id))
            .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
            .filter(enrollment::id.gt(after))
            .select((
                enrollment::id,
                enrollment::external_id,
                app_user::external_id,
                course::external_id,
                course::title,
                enrollment::access_date,
                enrollment::due_date,
                enrollment::lock_after_due_date,
                enrollment::completed_at,
                enrollment::completion_status,
                enrollment::progress,
                enrollment::access_revoked_at,
            ))
            .order(enrollment::id)
            .limit(limit)
            .into_boxed();
        if let Some(ids) = f.learner_ids {
            query = query.filter(enrollment::learner_id.eq_any(ids));
        }
        if let Some(ids) = f.course_ids {
            query = query.filter(enrollment::course_id.eq_any(ids));
        }
        if let Some(ids) = f.enrollment_ids {
            query = query.filter(enrollment::id.eq_any(ids));
        }
        if let Some(ids) = f.departments {
            query = query.filter(app_user::department_id.eq_any(ids));
        }
        if let Some(statuses) = f.completion_statuses {
            query = query.filter(enrollment::completion_status.eq_any(statuses));
        }
        if let Some(statuses) = f.user_statuses {
            query = query.filter(app_user::status.eq_any(statuses));
        }
        if let Some(t) = f.access_from {
            query = query.filter(enrollment::access_date.ge(t));
        }
        if let Some(t) = f.access_to {
            query = query.filter(enrollment::access_date.le(t));
        }
        if let Some(d) = f.due_from {
            query = query.filter(enrollment::due_date.ge(d));
        }
        if let Some(d) = f.due_to {
            query = query.filter(enrollment::due_date.le(d));
        }
        if let Some(t) = f.completed_from {
            query = query.filter(enrollment::completed_at.ge(t));
        }
        if let Some(t) = f.completed_to {
            query = query.filter(enrollment::completed_at.le(t));
        }
        query.load(c)
    })?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (due_date, should_lock_after_due_date) = locked(row.due_date, row.lock_after_due_date, row.access_revoked_at);
            (
                row.id,
                LearnerResultView {
                    enrollment_id: row.enrollment_id,
                    user_id: row.user_id,
                    course_id: row.course_id,
                    course_title: row.course_title,
                    access_date: row.access_date.date(),
                    due_date,
                    should_lock_after_due_date,
                    completion_date: row.completed_at,
                    completion_status: row.completion_status,
                    progress: row.progress,
                },
            )
        })
        .collect())
}

/// Internal ids of the tenant's enrollments among `external_ids` (any lifecycle).
pub fn ids_by_external_ids(tx: &mut Tx<'_>, tenant_id: i64, external_ids: &[impl AsRef<str>]) -> QueryResult<Vec<i64>> {
    let external_ids = super::strs(external_ids);
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::tenant_id.eq(tenant_id))
        .filter(enrollment::external_id.eq_any(&external_ids))
        .select(enrollment::id)
        .load(c))
}

/// Moves an enrollment to `to`, whatever its lifecycle now.
pub fn set_lifecycle(tx: &mut Tx<'_>, id: i64, to: Lifecycle, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.find(id))
        .set((enrollment::lifecycle.eq(to.as_str()), enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}
