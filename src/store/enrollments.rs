//! Enrollments and their certificates.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{app_user, certificate, course, enrollment};
use super::{on_conn, Tx};
use crate::domain::{CertificateView, EnrollmentView, Lifecycle};

#[derive(Debug, Insertable)]
#[diesel(table_name = enrollment)]
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
}

type Row = (
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDate>,
    bool,
    i16,
    Option<String>,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<NaiveDateTime>,
    Option<i32>,
);

/// Up to `limit` active enrollments with an internal id above `after`, in id order (keyset paging),
/// returned as `(internal id, view)`.
pub fn active_page(
    tx: &mut Tx<'_>,
    filter: &ActiveFilter<'_>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, EnrollmentView)>> {
    let rows: Vec<Row> = on_conn!(tx, |c| {
        let mut query = enrollment::table
            .inner_join(course::table)
            .inner_join(app_user::table)
            .left_join(certificate::table)
            .filter(enrollment::tenant_id.eq(filter.tenant_id))
            .filter(enrollment::lifecycle.eq(Lifecycle::Active.as_str()))
            .filter(enrollment::id.gt(after))
            .select((
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
            ))
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
        query.load(c)
    })?;
    Ok(rows.into_iter().map(|row| (row.0, to_view(row))).collect())
}

fn to_view(row: Row) -> EnrollmentView {
    let (_, enrollment_id, course_id, learner_id, access, due, lock, group, cert_id, issued, issued_off, expires, expires_off) =
        row;
    let certificate = match (cert_id, issued) {
        (Some(id), Some(issued)) => Some(CertificateView {
            issued_certificate_id: id,
            issue_date: with_offset(issued, issued_off.unwrap_or(0)),
            expiry_date: expires.map(|at| with_offset(at, expires_off.unwrap_or(0))),
        }),
        _ => None,
    };
    EnrollmentView {
        enrollment_id,
        course_id,
        learner_id,
        access_date: access.date(),
        due_date: due,
        should_lock_after_due_date: lock,
        enrollment_type_group: group,
        certificate,
    }
}

/// A stored UTC instant shown in the offset it was recorded with.
fn with_offset(utc: NaiveDateTime, offset_minutes: i32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    utc.and_utc().with_timezone(&offset)
}
