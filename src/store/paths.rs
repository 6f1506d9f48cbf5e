//! Learning paths: courses in order, and the learners enrolled in a path, whose progress is that
//! of their enrollments in the path's courses (counted in the same statement that lists them).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

use super::progress::Reach;
use super::schema::{
    app_user, course, learning_path, learning_path_course, learning_path_enrollment, portal, portal_learning_path, portal_user,
};
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

/// The active path enrollments of a tenant within a reach, with their learners and paths.
macro_rules! path_enrollments {
    ($tenant_id:expr, $reach:expr) => {{
        let mut query = learning_path_enrollment::table
            .inner_join(app_user::table.on(app_user::id.eq(learning_path_enrollment::learner_id)))
            .inner_join(learning_path::table.on(learning_path::id.eq(learning_path_enrollment::learning_path_id)))
            .filter(learning_path_enrollment::tenant_id.eq($tenant_id))
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
    on_conn!(tx, |c| path_enrollments!(tenant_id, reach)
        .filter(learning_path_enrollment::learning_path_id.eq(path_id))
        .filter(learning_path_enrollment::id.eq_any(ids))
        .select((learning_path_enrollment::id, learning_path_enrollment::learner_id))
        .order(learning_path_enrollment::id)
        .load(c))
}

/// A learner of a path, with the figures of the learner's enrollments in the path's courses that
/// make its progress.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PathLearnerRow {
    pub id: i64,
    pub path_id: i64,
    pub path_name: String,
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
    /// The first start in any of them.
    pub started_at: Option<NaiveDateTime>,
    /// The last completion in any of them.
    pub completed_at: Option<NaiveDateTime>,
    /// The time spent in all of them.
    pub time_spent_seconds: i64,
}

/// Whose path enrollments a list holds: those of some paths (none: every path) and of one
/// learner (none: every learner).
#[derive(Debug, Clone, Copy, Default)]
pub struct PathScope<'a> {
    pub paths: Option<&'a [i64]>,
    pub learner: Option<i64>,
}

/// Every active path enrollment in a scope and within a reach, with its progress figures, oldest
/// first.
pub fn path_learners(tx: &mut Tx<'_>, tenant_id: i64, scope: PathScope<'_>, reach: &Reach) -> QueryResult<Vec<PathLearnerRow>> {
    // Over the learner's active enrollments in the path's courses.
    let over = |what: &str, condition: &str| {
        format!(
            "(SELECT {what} FROM learning_path_course JOIN enrollment ON enrollment.course_id = learning_path_course.course_id \
             AND enrollment.learner_id = learning_path_enrollment.learner_id AND enrollment.lifecycle = 'active' \
             WHERE learning_path_course.learning_path_id = learning_path_enrollment.learning_path_id AND {condition})"
        )
    };
    let courses = "(SELECT COUNT(*) FROM learning_path_course WHERE learning_path_course.learning_path_id = learning_path_enrollment.learning_path_id)";
    let completed = "enrollment.completion_status IN ('complete', 'passed', 'accepted')";
    let started = "NOT (enrollment.completion_status = 'not_started' AND enrollment.progress = 0 AND enrollment.started_at IS NULL)";
    on_conn!(tx, |c| {
        let mut query = path_enrollments!(tenant_id, reach);
        if let Some(paths) = scope.paths {
            query = query.filter(learning_path_enrollment::learning_path_id.eq_any(paths));
        }
        if let Some(learner) = scope.learner {
            query = query.filter(learning_path_enrollment::learner_id.eq(learner));
        }
        query
            .select((
                learning_path_enrollment::id,
                learning_path_enrollment::learning_path_id,
                learning_path::name,
                learning_path_enrollment::learner_id,
                app_user::first_name,
                app_user::last_name,
                app_user::email,
                app_user::role,
                learning_path_enrollment::registered_at,
                learning_path_enrollment::last_accessed_at,
                learning_path_enrollment::certificate_issued_at,
                sql::<BigInt>(courses),
                sql::<BigInt>(&over("COUNT(*)", completed)),
                sql::<BigInt>(&over("COUNT(*)", started)),
                sql::<Nullable<Timestamp>>(&over("MIN(enrollment.started_at)", "1 = 1")),
                sql::<Nullable<Timestamp>>(&over("MAX(enrollment.completed_at)", completed)),
                sql::<BigInt>(&over("CAST(COALESCE(SUM(enrollment.time_spent_seconds), 0) AS BIGINT)", "1 = 1")),
            ))
            .order(learning_path_enrollment::id)
            .load(c)
    })
}

/// One active enrollment of the tenant in a path, with its figures (within a reach).
pub fn path_enrollment(tx: &mut Tx<'_>, tenant_id: i64, id: i64, reach: &Reach) -> QueryResult<Option<PathLearnerRow>> {
    let found: Option<(i64, i64)> = on_conn!(tx, |c| learning_path_enrollment::table
        .filter(learning_path_enrollment::tenant_id.eq(tenant_id))
        .filter(learning_path_enrollment::id.eq(id))
        .filter(learning_path_enrollment::lifecycle.eq("active"))
        .select((learning_path_enrollment::learning_path_id, learning_path_enrollment::learner_id))
        .first(c)
        .optional())?;
    let Some((path, learner)) = found else { return Ok(None) };
    let rows = path_learners(tx, tenant_id, PathScope { paths: Some(&[path]), learner: Some(learner) }, reach)?;
    Ok(rows.into_iter().find(|row| row.id == id))
}

/// A path a portal offers.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OfferedRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub public: bool,
}

/// The paths offered in a portal (not its sub-portals), by name; only published ones when
/// `published_only`.
pub fn paths_of_portal(tx: &mut Tx<'_>, portal_id: i64, published_only: bool) -> QueryResult<Vec<OfferedRow>> {
    on_conn!(tx, |c| {
        let mut query = portal_learning_path::table
            .inner_join(learning_path::table.on(learning_path::id.eq(portal_learning_path::learning_path_id)))
            .filter(portal_learning_path::portal_id.eq(portal_id))
            .into_boxed();
        if published_only {
            query = query.filter(learning_path::status.eq("publish"));
        }
        query
            .select((learning_path::id, learning_path::name, learning_path::slug, portal_learning_path::is_public))
            .order((learning_path::name, learning_path::id))
            .load(c)
    })
}

/// Offers paths in a portal (public or private); one offered already stays as it is.
pub fn add_to_portal(tx: &mut Tx<'_>, portal_id: i64, paths: &[i64], public: bool) -> QueryResult<()> {
    let rows: Vec<_> = paths
        .iter()
        .map(|path| {
            (
                portal_learning_path::portal_id.eq(portal_id),
                portal_learning_path::learning_path_id.eq(*path),
                portal_learning_path::is_public.eq(public),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    on_conn!(tx, |c| diesel::insert_into(portal_learning_path::table).values(rows).on_conflict_do_nothing().execute(c)).map(|_| ())
}

/// The tenant's paths among `ids`.
pub fn paths_of_tenant(tx: &mut Tx<'_>, tenant_id: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| learning_path::table
        .filter(learning_path::tenant_id.eq(tenant_id))
        .filter(learning_path::id.eq_any(ids))
        .select(learning_path::id)
        .load(c))
}

/// The tenant's paths with active enrollments: `(path, name)`, by name.
pub fn paths_with_enrollments(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<(i64, String)>> {
    on_conn!(tx, |c| learning_path::table
        .filter(learning_path::tenant_id.eq(tenant_id))
        .filter(diesel::dsl::exists(
            learning_path_enrollment::table
                .filter(learning_path_enrollment::learning_path_id.eq(learning_path::id))
                .filter(learning_path_enrollment::lifecycle.eq("active")),
        ))
        .select((learning_path::id, learning_path::name))
        .order((learning_path::name, learning_path::id))
        .load(c))
}

/// The estimated minutes of each of these paths' courses, summed a path: `(path, minutes)`, only
/// for paths where some course has an estimate.
pub fn estimated_minutes(tx: &mut Tx<'_>, paths: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| learning_path_course::table
        .inner_join(course::table.on(course::id.eq(learning_path_course::course_id)))
        .filter(learning_path_course::learning_path_id.eq_any(paths))
        .filter(course::estimated_minutes.is_not_null())
        .group_by(learning_path_course::learning_path_id)
        .select((learning_path_course::learning_path_id, sql::<BigInt>("CAST(SUM(course.estimated_minutes) AS BIGINT)")))
        .load(c))
}

/// The number of courses of each of these paths: `(path, courses)`.
pub fn course_counts(tx: &mut Tx<'_>, paths: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| learning_path_course::table
        .filter(learning_path_course::learning_path_id.eq_any(paths))
        .group_by(learning_path_course::learning_path_id)
        .select((learning_path_course::learning_path_id, diesel::dsl::count_star()))
        .load(c))
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

/// Of `paths`, those the learner is actively enrolled in.
pub fn paths_of_learner(tx: &mut Tx<'_>, learner_id: i64, paths: &[i64]) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| learning_path_enrollment::table
        .filter(learning_path_enrollment::learner_id.eq(learner_id))
        .filter(learning_path_enrollment::lifecycle.eq("active"))
        .filter(learning_path_enrollment::learning_path_id.eq_any(paths))
        .select(learning_path_enrollment::learning_path_id)
        .load(c))
}
