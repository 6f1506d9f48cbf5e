//! Learning paths: courses in order, and the learners enrolled in a path, whose progress is that
//! of their enrollments in the path's courses (counted in the same statement that lists them).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::progress::Reach;
use super::schema::{app_user, course, learning_path, learning_path_course, learning_path_enrollment, portal, portal_user};
use super::{Tx, on_conn};

/// A new learning path.
#[derive(Debug, Clone)]
pub struct NewPath<'a> {
    pub tenant_id: i64,
    pub name: &'a str,
    pub slug: &'a str,
    pub instructions: Option<&'a str>,
    pub certificate_template_id: Option<i64>,
    /// Its courses, in order (at least two).
    pub courses: &'a [i64],
}

/// Creates a published learning path; returns its id.
pub fn insert(tx: &mut Tx<'_>, new: &NewPath<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| {
        let id: i64 = diesel::insert_into(learning_path::table)
            .values((
                learning_path::tenant_id.eq(new.tenant_id),
                learning_path::name.eq(new.name),
                learning_path::slug.eq(new.slug),
                learning_path::status.eq("publish"),
                learning_path::instructions.eq(new.instructions),
                learning_path::certificate_template_id.eq(new.certificate_template_id),
                learning_path::created_at.eq(now),
            ))
            .returning(learning_path::id)
            .get_result(c)?;
        let rows: Vec<_> = new
            .courses
            .iter()
            .enumerate()
            .map(|(i, course)| {
                (
                    learning_path_course::learning_path_id.eq(id),
                    learning_path_course::course_id.eq(*course),
                    learning_path_course::position.eq(i as i32 + 1),
                )
            })
            .collect();
        diesel::insert_into(learning_path_course::table).values(rows).execute(c)?;
        Ok(id)
    })
}

/// A learning path: its name, instructions and certificate template.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PathRow {
    pub id: i64,
    pub name: String,
    pub instructions: Option<String>,
    pub certificate_template_id: Option<i64>,
}

/// The tenant's learning path `id`.
pub fn path(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<PathRow>> {
    on_conn!(tx, |c| learning_path::table
        .filter(learning_path::tenant_id.eq(tenant_id))
        .filter(learning_path::id.eq(id))
        .select((learning_path::id, learning_path::name, learning_path::instructions, learning_path::certificate_template_id))
        .first(c)
        .optional())
}

/// A path's courses in order: `(course, title, estimated minutes)`.
pub fn courses_of(tx: &mut Tx<'_>, path_id: i64) -> QueryResult<Vec<(i64, String, Option<i32>)>> {
    on_conn!(tx, |c| learning_path_course::table
        .inner_join(course::table.on(course::id.eq(learning_path_course::course_id)))
        .filter(learning_path_course::learning_path_id.eq(path_id))
        .order(learning_path_course::position)
        .select((course::id, course::title, course::estimated_minutes))
        .load(c))
}

/// The tenant's first learning path.
pub fn first_path(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| learning_path::table
        .filter(learning_path::tenant_id.eq(tenant_id))
        .order(learning_path::id)
        .select(learning_path::id)
        .first(c)
        .optional())
}

/// Of `learners`, those with an active enrollment in the path.
pub fn enrolled_among(tx: &mut Tx<'_>, path_id: i64, learners: &[i64]) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| learning_path_enrollment::table
        .filter(learning_path_enrollment::learning_path_id.eq(path_id))
        .filter(learning_path_enrollment::lifecycle.eq("active"))
        .filter(learning_path_enrollment::learner_id.eq_any(learners))
        .select(learning_path_enrollment::learner_id)
        .load(c))
}

/// Enrolls learners in a path (one already enrolled meanwhile is skipped); returns those enrolled.
pub fn enroll(tx: &mut Tx<'_>, tenant_id: i64, path_id: i64, learners: &[i64], now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let rows: Vec<_> = learners
        .iter()
        .map(|learner| {
            (
                learning_path_enrollment::tenant_id.eq(tenant_id),
                learning_path_enrollment::learning_path_id.eq(path_id),
                learning_path_enrollment::learner_id.eq(*learner),
                learning_path_enrollment::registered_at.eq(now),
                learning_path_enrollment::updated_at.eq(now),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(tx, |c| diesel::insert_into(learning_path_enrollment::table)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(learning_path_enrollment::learner_id)
        .get_results(c))
}

macro_rules! path_enrollments {
    ($tenant_id:expr, $path_id:expr, $reach:expr) => {{
        let mut query = learning_path_enrollment::table
            .inner_join(app_user::table.on(app_user::id.eq(learning_path_enrollment::learner_id)))
            .filter(learning_path_enrollment::tenant_id.eq($tenant_id))
            .filter(learning_path_enrollment::learning_path_id.eq($path_id))
            .filter(learning_path_enrollment::lifecycle.eq("active"))
            .into_boxed();
        for paths in &$reach.within {
            let mut portals = portal::table.filter(portal::tenant_id.eq($tenant_id)).into_boxed();
            let mut first = true;
            for path in paths {
                let pattern = format!("{path}%");
                portals = if first { portals.filter(portal::path.like(pattern)) } else { portals.or_filter(portal::path.like(pattern)) };
                first = false;
            }
            if first {
                portals = portals.filter(portal::path.eq(""));
            }
            let learners = portal_user::table
                .filter(portal_user::kind.eq("learner"))
                .filter(portal_user::portal_id.eq_any(portals.select(portal::id)))
                .select(portal_user::user_id);
            query = query.filter(learning_path_enrollment::learner_id.eq_any(learners));
        }
        query
    }};
}

/// Of `ids`, the path's active enrollments within a reach: `(enrollment, learner)`.
pub fn enrollments_of_path(tx: &mut Tx<'_>, tenant_id: i64, path_id: i64, ids: &[i64], reach: &Reach) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| path_enrollments!(tenant_id, path_id, reach)
        .filter(learning_path_enrollment::id.eq_any(ids))
        .select((learning_path_enrollment::id, learning_path_enrollment::learner_id))
        .order(learning_path_enrollment::id)
        .load(c))
}

/// A learner of a path, with the counts that make its progress.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PathLearnerRow {
    pub id: i64,
    pub learner_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub role: String,
    pub registered_at: NaiveDateTime,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub certificate_issued_at: Option<NaiveDateTime>,
    /// The path's courses.
    pub courses: i64,
    /// Of them, those the learner completed.
    pub completed: i64,
    /// Of them, those the learner started (opened, or made progress in).
    pub started: i64,
}

/// Every active enrollment of a path within a reach, with its progress counts, oldest first.
pub fn path_learners(tx: &mut Tx<'_>, tenant_id: i64, path_id: i64, reach: &Reach) -> QueryResult<Vec<PathLearnerRow>> {
    let count = |condition: &str| {
        format!(
            "(SELECT COUNT(*) FROM learning_path_course JOIN enrollment ON enrollment.course_id = learning_path_course.course_id \
             AND enrollment.learner_id = learning_path_enrollment.learner_id AND enrollment.lifecycle = 'active' \
             WHERE learning_path_course.learning_path_id = learning_path_enrollment.learning_path_id AND {condition})"
        )
    };
    let courses = "(SELECT COUNT(*) FROM learning_path_course WHERE learning_path_course.learning_path_id = learning_path_enrollment.learning_path_id)";
    on_conn!(tx, |c| path_enrollments!(tenant_id, path_id, reach)
        .select((
            learning_path_enrollment::id,
            learning_path_enrollment::learner_id,
            app_user::first_name,
            app_user::last_name,
            app_user::email,
            app_user::role,
            learning_path_enrollment::registered_at,
            learning_path_enrollment::last_accessed_at,
            learning_path_enrollment::certificate_issued_at,
            sql::<BigInt>(courses),
            sql::<BigInt>(&count("enrollment.completion_status IN ('complete', 'passed', 'accepted')")),
            sql::<BigInt>(&count(
                "NOT (enrollment.completion_status = 'not_started' AND enrollment.progress = 0 AND enrollment.started_at IS NULL)",
            )),
        ))
        .order(learning_path_enrollment::id)
        .load(c))
}

/// One active enrollment of the tenant in a path, with its counts (within a reach).
pub fn path_enrollment(tx: &mut Tx<'_>, tenant_id: i64, id: i64, reach: &Reach) -> QueryResult<Option<(i64, PathLearnerRow)>> {
    let path: Option<i64> = on_conn!(tx, |c| learning_path_enrollment::table
        .filter(learning_path_enrollment::tenant_id.eq(tenant_id))
        .filter(learning_path_enrollment::id.eq(id))
        .filter(learning_path_enrollment::lifecycle.eq("active"))
        .select(learning_path_enrollment::learning_path_id)
        .first(c)
        .optional())?;
    let Some(path) = path else { return Ok(None) };
    Ok(path_learners(tx, tenant_id, path, reach)?.into_iter().find(|row| row.id == id).map(|row| (path, row)))
}

/// Marks path enrollments deleted.
pub fn remove(tx: &mut Tx<'_>, ids: &[i64], now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(learning_path_enrollment::table.filter(learning_path_enrollment::id.eq_any(ids)))
        .set((learning_path_enrollment::lifecycle.eq("deleted"), learning_path_enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}

/// Issues (or issues again) the path's certificate to these enrollments.
pub fn issue_certificates(tx: &mut Tx<'_>, ids: &[i64], now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(learning_path_enrollment::table.filter(learning_path_enrollment::id.eq_any(ids)))
        .set((learning_path_enrollment::certificate_issued_at.eq(Some(now)), learning_path_enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}

/// Records that a learner opened the path.
pub fn record_access(tx: &mut Tx<'_>, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(learning_path_enrollment::table.find(id))
        .set((learning_path_enrollment::last_accessed_at.eq(Some(now)), learning_path_enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}
