//! Course enrollments as Academy Of Mine works with them: the learners of a course with their
//! progress (one page of a filtered, sorted list, and its totals by status), the actions on many
//! enrollments at once, modules and each learner's progress through them, and the activity log.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::schema::{
    activity, app_user, certificate, course, course_enrollment_totals, course_module, enrollment, learning_path, module_progress, portal,
    portal_user, webinar, webinar_registration,
};
use super::{Tx, name_or_email_like, on_conn};
use crate::domain::progress::CourseStatus;

/// The rule of [`CourseStatus::of`] over `enrollment`, as SQL predicates: Completed, and Not
/// Started (In Progress is neither).
macro_rules! completed_sql {
    () => {
        "enrollment.completion_status IN ('complete', 'passed', 'accepted')"
    };
}
macro_rules! not_started_sql {
    () => {
        "(enrollment.completion_status = 'not_started' AND enrollment.progress = 0 AND enrollment.started_at IS NULL)"
    };
}

/// The status of an enrollment row, as SQL (to sort by).
const STATUS_SQL: &str =
    concat!("(CASE WHEN ", completed_sql!(), " THEN 'Completed' WHEN ", not_started_sql!(), " THEN 'Not Started' ELSE 'In Progress' END)");

/// The totals by status and the count of all rows, as SQL over `enrollment`: one pass that tests
/// the columns themselves (no status word is made per row).
const TOTALS_SQL: [&str; 2] = [
    concat!("COALESCE(SUM(CASE WHEN ", not_started_sql!(), " THEN 1 ELSE 0 END), 0)"),
    concat!("COALESCE(SUM(CASE WHEN ", completed_sql!(), " THEN 1 ELSE 0 END), 0)"),
];

/// The rows of a tenant's portals and all under them, as the paths of their subtrees.
fn subtree_pattern(path: &str) -> String {
    format!("{path}%")
}

/// Which learners' enrollments a list or an action may reach: all, or only those of learners in
/// every one of the given portal subtrees sets (a filter, and the caller's portals).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reach {
    /// Each entry: learners of any of these portals (by path) and their sub-portals.
    pub within: Vec<Vec<String>>,
}

macro_rules! learners_of {
    ($tenant_id:expr, $paths:expr) => {{
        let mut paths = $paths.iter();
        let first = paths.next().map(|p| subtree_pattern(p)).unwrap_or_default();
        let mut portals = portal::table.filter(portal::tenant_id.eq($tenant_id)).filter(portal::path.like(first)).into_boxed();
        for path in paths {
            portals = portals.or_filter(portal::path.like(subtree_pattern(path)));
        }
        portal_user::table
            .filter(portal_user::kind.eq("learner"))
            .filter(portal_user::portal_id.eq_any(portals.select(portal::id)))
            .select(portal_user::user_id)
    }};
}

/// Whose enrollments a list holds: a course's, a learner's, or the whole account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Course(i64),
    Learner(i64),
    Tenant,
}

/// A page of a course's learners or a learner's courses: whose, sorted how, and which page.
#[derive(Debug, Clone)]
pub struct LearnerQuery {
    pub tenant_id: i64,
    pub of: Of,
    pub reach: Reach,
    /// Only these statuses (none: all).
    pub statuses: Vec<CourseStatus>,
    /// Only learners whose name or e-mail contains this (lower case); for a learner's courses,
    /// only courses whose title does.
    pub name_or_email: Option<String>,
    pub order: LearnerOrder,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
    /// Only enrollments of these courses (none: any).
    pub courses: Option<Vec<i64>>,
    /// Only enrollments registered in this range (either end open).
    pub registered: (Option<NaiveDateTime>, Option<NaiveDateTime>),
}

/// What a list of learners sorts by; ties go by enrollment, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnerOrder {
    Enrollment,
    RegisteredOn,
    FirstName,
    LastName,
    Status,
    PercentComplete,
    StartedOn,
    CompletedOn,
    ExpireOn,
    LastAccessedOn,
}

impl LearnerOrder {
    fn column(self) -> String {
        match self {
            LearnerOrder::Enrollment => "enrollment.id",
            LearnerOrder::RegisteredOn => "enrollment.access_date",
            LearnerOrder::FirstName => "app_user.first_name",
            LearnerOrder::LastName => "app_user.last_name",
            LearnerOrder::Status => STATUS_SQL,
            LearnerOrder::PercentComplete => "enrollment.progress",
            LearnerOrder::StartedOn => "enrollment.started_at",
            LearnerOrder::CompletedOn => "enrollment.completed_at",
            LearnerOrder::ExpireOn => "enrollment.due_date",
            LearnerOrder::LastAccessedOn => "enrollment.last_accessed_at",
        }
        .to_string()
    }
}

/// One enrollment with its learner and course, and its state.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct LearnerRow {
    pub enrollment_id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub course_slug: Option<String>,
    pub estimated_minutes: Option<i32>,
    pub user_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub role: String,
    pub completion_status: String,
    pub progress: i16,
    pub access_date: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub due_date: Option<NaiveDate>,
    pub lock_after_due_date: bool,
    pub expires_at: Option<NaiveDateTime>,
    pub access_revoked_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: i64,
    pub certificate_issued_at: Option<NaiveDateTime>,
    pub certificate_expires_at: Option<NaiveDateTime>,
}

/// How many learners a course has in each status (within a reach, before any search).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub not_started: i64,
    pub in_progress: i64,
    pub completed: i64,
}

impl Totals {
    pub fn all(&self) -> i64 {
        self.not_started + self.in_progress + self.completed
    }
}

/// The SQL that keeps the rows of the given statuses.
fn statuses_sql(statuses: &[CourseStatus]) -> String {
    let one = |status: &CourseStatus| match status {
        CourseStatus::Completed => completed_sql!().to_string(),
        CourseStatus::NotStarted => not_started_sql!().to_string(),
        CourseStatus::InProgress => concat!("NOT (", completed_sql!(), ") AND NOT ", not_started_sql!()).to_string(),
    };
    let each: Vec<String> = statuses.iter().map(|status| format!("({})", one(status))).collect();
    format!("({})", each.join(" OR "))
}

/// `$rows` (a select over `enrollment`, joined or not) narrowed to a tenant's active enrollments of
/// a course or a learner within a reach, boxed.
macro_rules! scoped {
    ($rows:expr, $tenant_id:expr, $of:expr, $reach:expr) => {{
        let mut query = $rows.filter(enrollment::tenant_id.eq($tenant_id)).filter(enrollment::lifecycle.eq("active")).into_boxed();
        query = match $of {
            // As a list of one: PostgreSQL drops a column compared for equality from an order, and
            // then walks the primary key for a page in enrollment order, filtering out every other
            // course's enrollments before the first of this one's (see `enrollment_rows`).
            Of::Course(id) => query.filter(enrollment::course_id.eq_any(vec![id])),
            Of::Learner(id) => query.filter(enrollment::learner_id.eq(id)),
            Of::Tenant => query,
        };
        for paths in &$reach.within {
            query = query.filter(enrollment::learner_id.eq_any(learners_of!($tenant_id, paths)));
        }
        query
    }};
}

/// The active enrollments of a course or a learner, joined with their learners, courses and
/// certificates, within a reach: the base of every list of enrollments.
macro_rules! enrollments_of {
    ($tenant_id:expr, $of:expr, $reach:expr) => {
        scoped!(
            enrollment::table
                .inner_join(app_user::table.on(app_user::id.eq(enrollment::learner_id)))
                .inner_join(course::table.on(course::id.eq(enrollment::course_id)))
                .left_join(certificate::table.on(certificate::enrollment_id.eq(enrollment::id))),
            $tenant_id,
            $of,
            $reach
        )
    };
}

/// The same enrollments without joins: what counts and pages are taken from (over the enrollment
/// indexes alone).
macro_rules! enrollment_keys {
    ($tenant_id:expr, $of:expr, $reach:expr) => {
        scoped!(enrollment::table, $tenant_id, $of, $reach)
    };
}

/// The totals by status of a course's learners (or a learner's courses) within a reach: a course's
/// whole account from the totals its enrollments keep (see the migration of
/// `course_enrollment_totals`), else one pass over the course's (or learner's) index.
pub fn totals(tx: &mut Tx<'_>, tenant_id: i64, of: Of, reach: &Reach) -> QueryResult<Totals> {
    if let Some(totals) = kept_totals(tx, tenant_id, of, reach, None, (None, None))? {
        return Ok(totals);
    }
    let (not_started, completed, all): (i64, i64, i64) = on_conn!(tx, |c| enrollment_keys!(tenant_id, of, reach)
        .select((sql::<BigInt>(TOTALS_SQL[0]), sql::<BigInt>(TOTALS_SQL[1]), diesel::dsl::count_star()))
        .first(c))?;
    Ok(Totals { not_started, in_progress: all - not_started - completed, completed })
}

/// The kept totals of a course's active enrollments, when the list asks for all of them (no
/// reach, no other courses, no registration dates): one row read, however many learners.
fn kept_totals(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    of: Of,
    reach: &Reach,
    courses: Option<&Vec<i64>>,
    registered: (Option<NaiveDateTime>, Option<NaiveDateTime>),
) -> QueryResult<Option<Totals>> {
    let Of::Course(course_id) = of else { return Ok(None) };
    if !reach.within.is_empty() || courses.is_some() || registered != (None, None) {
        return Ok(None);
    }
    let kept: Option<(i64, i64, i64)> = on_conn!(tx, |c| course_enrollment_totals::table
        .find((course_id, tenant_id))
        .select((course_enrollment_totals::enrolled, course_enrollment_totals::not_started, course_enrollment_totals::completed))
        .first(c)
        .optional())?;
    let (all, not_started, completed) = kept.unwrap_or_default();
    Ok(Some(Totals { not_started, in_progress: all - not_started - completed, completed }))
}

/// How many of `totals` have one of `statuses` (none: all).
fn with_statuses(totals: &Totals, statuses: &[CourseStatus]) -> i64 {
    if statuses.is_empty() {
        return totals.all();
    }
    [
        (CourseStatus::NotStarted, totals.not_started),
        (CourseStatus::InProgress, totals.in_progress),
        (CourseStatus::Completed, totals.completed),
    ]
    .iter()
    .filter(|(status, _)| statuses.contains(status))
    .map(|(_, count)| count)
    .sum()
}

/// One page of a course's learners (or a learner's courses), how many match the query in all, and
/// the totals by status of what it lists before its statuses and search. The counts and the
/// page's keys come from the enrollments alone (joined with learners or courses
/// only when the search or the order needs them); only the page's rows are joined whole, so a deep
/// page costs a walk of an index, not of joined rows.
pub fn enrollment_rows(tx: &mut Tx<'_>, query: &LearnerQuery) -> QueryResult<(Vec<LearnerRow>, i64, Totals)> {
    let direction = if query.descending { "DESC" } else { "ASC" };
    // A course's enrollments are ordered by their course first (one value, so the same order): the
    // course's index gives that order, the primary key does not, so a page is read from the
    // course's index alone however the course's ids are spread among the others'.
    let within = if matches!(query.of, Of::Course(_)) { format!("enrollment.course_id {direction}, ") } else { String::new() };
    let order = format!(
        "{within}{} {direction}, enrollment.id {}",
        query.order.column(),
        if query.descending && query.order == LearnerOrder::Enrollment { "DESC" } else { "ASC" }
    );
    let search = query.name_or_email.as_deref().map(super::offerings::contains);
    let joined = search.is_some() || matches!(query.order, LearnerOrder::FirstName | LearnerOrder::LastName);
    // The filters of the query, on a boxed select over `enrollment` (joined or not).
    macro_rules! filtered {
        ($rows:expr) => {{
            let mut rows = $rows;
            if let Some(courses) = &query.courses {
                rows = rows.filter(enrollment::course_id.eq_any(courses));
            }
            if let Some(from) = query.registered.0 {
                rows = rows.filter(enrollment::access_date.ge(from));
            }
            if let Some(to) = query.registered.1 {
                rows = rows.filter(enrollment::access_date.le(to));
            }
            rows
        }};
    }
    macro_rules! statused {
        ($rows:expr) => {{
            let mut rows = $rows;
            if !query.statuses.is_empty() {
                rows = rows.filter(sql::<Bool>(&statuses_sql(&query.statuses)));
            }
            rows
        }};
    }
    let matching_sql = if query.statuses.is_empty() {
        "COUNT(*)".to_string()
    } else {
        format!("COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0)", statuses_sql(&query.statuses))
    };
    macro_rules! searched {
        () => {{
            let mut rows = statused!(filtered!(enrollments_of!(query.tenant_id, query.of, query.reach)));
            match (&search, query.of) {
                (Some(pattern), Of::Course(_) | Of::Tenant) => {
                    rows = rows.filter(name_or_email_like!(pattern));
                }
                (Some(pattern), Of::Learner(_)) => {
                    rows = rows.filter(super::lower(course::title).like(pattern.clone()).escape('\\'));
                }
                (None, _) => {}
            }
            rows
        }};
    }
    let kept = kept_totals(tx, query.tenant_id, query.of, &query.reach, query.courses.as_ref(), query.registered)?;
    on_conn!(tx, |c| {
        // The kept totals, or one pass over the keys that counts the totals and, unless a search
        // needs the joins, the rows that match.
        let (totals, unsearched) = match kept {
            Some(totals) => (totals, with_statuses(&totals, &query.statuses)),
            None => {
                let (not_started, completed, all, unsearched): (i64, i64, i64, i64) =
                    filtered!(enrollment_keys!(query.tenant_id, query.of, query.reach))
                        .select((
                            sql::<BigInt>(TOTALS_SQL[0]),
                            sql::<BigInt>(TOTALS_SQL[1]),
                            diesel::dsl::count_star(),
                            sql::<BigInt>(&matching_sql),
                        ))
                        .first(c)?;
                (Totals { not_started, in_progress: all - not_started - completed, completed }, unsearched)
            }
        };
        let (matching, keys): (i64, Vec<i64>) = if joined {
            let matching = searched!().count().get_result(c)?;
            let keys = searched!().select(enrollment::id).order(sql::<BigInt>(&order)).offset(query.offset).limit(query.limit).load(c)?;
            (matching, keys)
        } else {
            let keys = statused!(filtered!(enrollment_keys!(query.tenant_id, query.of, query.reach)))
                .select(enrollment::id)
                .order(sql::<BigInt>(&order))
                .offset(query.offset)
                .limit(query.limit)
                .load(c)?;
            (unsearched, keys)
        };
        if keys.is_empty() {
            return Ok((Vec::new(), matching, totals));
        }
        let rows = enrollments_of!(query.tenant_id, query.of, Reach::default())
            .filter(enrollment::id.eq_any(&keys))
            .select((
                enrollment::id,
                course::id,
                course::title,
                course::slug,
                course::estimated_minutes,
                app_user::id,
                app_user::first_name,
                app_user::last_name,
                app_user::email,
                app_user::role,
                enrollment::completion_status,
                enrollment::progress,
                enrollment::access_date,
                enrollment::started_at,
                enrollment::completed_at,
                enrollment::due_date,
                enrollment::lock_after_due_date,
                enrollment::expires_at,
                enrollment::access_revoked_at,
                enrollment::last_accessed_at,
                enrollment::time_spent_seconds,
                certificate::issued_at.nullable(),
                certificate::expires_at.nullable(),
            ))
            .order(sql::<BigInt>(&order))
            .load(c)?;
        Ok((rows, matching, totals))
    })
}

/// Of `ids`, the active enrollments of the course within a reach: `(enrollment, learner)`.
pub fn enrollments_of_course(tx: &mut Tx<'_>, tenant_id: i64, course_id: i64, ids: &[i64], reach: &Reach) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| enrollments_of!(tenant_id, Of::Course(course_id), reach)
        .filter(enrollment::id.eq_any(ids))
        .select((enrollment::id, enrollment::learner_id))
        .order(enrollment::id)
        .load(c))
}

/// Of `learners`, those with an active enrollment in the course.
pub fn enrolled_among(tx: &mut Tx<'_>, course_id: i64, learners: &[i64]) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::course_id.eq(course_id))
        .filter(enrollment::lifecycle.eq("active"))
        .filter(enrollment::learner_id.eq_any(learners))
        .select(enrollment::learner_id)
        .load(c))
}

/// Of `users`, the tenant's live users within a reach.
pub fn users_within(tx: &mut Tx<'_>, tenant_id: i64, users: &[i64], reach: &Reach) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| {
        let mut query = app_user::table
            .filter(app_user::tenant_id.eq(tenant_id))
            .filter(app_user::id.eq_any(users))
            .filter(app_user::deleted_at.is_null())
            .into_boxed();
        for paths in &reach.within {
            query = query.filter(app_user::id.eq_any(learners_of!(tenant_id, paths)));
        }
        query.select(app_user::id).load(c)
    })
}

/// Sets or clears the revocation of access.
pub fn set_access_revoked(tx: &mut Tx<'_>, ids: &[i64], revoked_at: Option<NaiveDateTime>, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.filter(enrollment::id.eq_any(ids)))
        .set((enrollment::access_revoked_at.eq(revoked_at), enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}

/// Sets the moment access ends: its day is the due date, locked after it.
pub fn set_expiry(tx: &mut Tx<'_>, ids: &[i64], at: NaiveDateTime, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.filter(enrollment::id.eq_any(ids)))
        .set((
            enrollment::due_date.eq(Some(at.date())),
            enrollment::lock_after_due_date.eq(true),
            enrollment::expires_at.eq(Some(at)),
            enrollment::updated_at.eq(now),
        ))
        .execute(c))
    .map(|_| ())
}

/// Starts enrollments over: no progress, no start, no modules' progress, no certificate.
pub fn reset(tx: &mut Tx<'_>, ids: &[i64], now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(module_progress::table.filter(module_progress::enrollment_id.eq_any(ids))).execute(c)?;
        diesel::delete(certificate::table.filter(certificate::enrollment_id.eq_any(ids))).execute(c)?;
        diesel::update(enrollment::table.filter(enrollment::id.eq_any(ids)))
            .set((
                enrollment::completion_status.eq("not_started"),
                enrollment::progress.eq(0i16),
                enrollment::completed_at.eq(None::<NaiveDateTime>),
                enrollment::started_at.eq(None::<NaiveDateTime>),
                enrollment::last_accessed_at.eq(None::<NaiveDateTime>),
                enrollment::time_spent_seconds.eq(0i64),
                enrollment::updated_at.eq(now),
            ))
            .execute(c)
    })
    .map(|_| ())
}

/// Marks enrollments deleted.
pub fn remove(tx: &mut Tx<'_>, ids: &[i64], now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.filter(enrollment::id.eq_any(ids)))
        .set((enrollment::lifecycle.eq("deleted"), enrollment::updated_at.eq(now)))
        .execute(c))
    .map(|_| ())
}

/// The course's certificate policy: its template and the days a certificate stays valid.
pub fn certificate_policy(tx: &mut Tx<'_>, course_id: i64) -> QueryResult<(Option<i64>, Option<i32>)> {
    on_conn!(tx, |c| course::table.find(course_id).select((course::certificate_template_id, course::certificate_valid_days)).first(c))
}

/// Issues (or issues again) the certificate of each enrollment, valid until `expires_at`.
pub fn issue_certificates(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    ids: &[i64],
    now: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(certificate::table.filter(certificate::enrollment_id.eq_any(ids))).execute(c)?;
        let rows: Vec<_> = ids
            .iter()
            .map(|id| {
                (
                    certificate::tenant_id.eq(tenant_id),
                    certificate::enrollment_id.eq(*id),
                    certificate::external_id.eq(uuid::Uuid::new_v4().to_string()),
                    certificate::issued_at.eq(now),
                    certificate::issued_offset_minutes.eq(0),
                    certificate::expires_at.eq(expires_at),
                    certificate::expires_offset_minutes.eq(expires_at.map(|_| 0)),
                )
            })
            .collect();
        diesel::insert_into(certificate::table).values(rows).execute(c)
    })
    .map(|_| ())
}

// Activity

/// One entry of the activity log.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = activity)]
pub struct NewActivity<'a> {
    pub tenant_id: i64,
    pub verb: &'a str,
    pub learner_id: i64,
    pub course_id: Option<i64>,
    pub learning_path_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn log(tx: &mut Tx<'_>, entries: &[NewActivity<'_>]) -> QueryResult<()> {
    // 6 columns a row: 500 rows stay far below SQLite's limit of bound parameters.
    for chunk in entries.chunks(500) {
        on_conn!(tx, |c| diesel::insert_into(activity::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// An entry of a course's activity, with its learner's name.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ActivityRow {
    pub id: i64,
    pub verb: String,
    pub created_at: NaiveDateTime,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// What it happened in: the course's title, or the learning path's name.
    pub within: Option<String>,
}

/// Whose activity a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trail {
    /// In a course.
    Course(i64),
    /// Of a learner, anywhere.
    Learner(i64),
    /// In a learning path.
    Path(i64),
    /// In any learning path.
    EveryPath,
}

/// What an activity list holds: whose entries, whose learners match a name or e-mail (lower case),
/// and in which order.
#[derive(Debug, Clone, Copy)]
pub struct ActivityQuery<'a> {
    pub tenant_id: i64,
    pub trail: Trail,
    pub reach: &'a Reach,
    pub name_or_email: Option<&'a str>,
    pub oldest_first: bool,
    pub offset: i64,
    pub limit: i64,
}

/// A page of a course's, a learner's or learning paths' activity within a reach; how many entries there are in
/// all, and how many match the search.
pub fn activity_of(tx: &mut Tx<'_>, query: &ActivityQuery<'_>) -> QueryResult<(Vec<ActivityRow>, i64, i64)> {
    let (tenant_id, trail, reach) = (query.tenant_id, query.trail, query.reach);
    let pattern = query.name_or_email.map(super::offerings::contains);
    macro_rules! entries {
        ($search:expr) => {{
            let mut query = activity::table
                .inner_join(app_user::table.on(app_user::id.eq(activity::learner_id)))
                .left_join(course::table.on(course::id.nullable().eq(activity::course_id)))
                .left_join(learning_path::table.on(learning_path::id.nullable().eq(activity::learning_path_id)))
                .filter(activity::tenant_id.eq(tenant_id))
                .into_boxed();
            query = match trail {
                Trail::Course(id) => query.filter(activity::course_id.eq(id)),
                Trail::Learner(id) => query.filter(activity::learner_id.eq(id)),
                Trail::Path(id) => query.filter(activity::learning_path_id.eq(id)),
                Trail::EveryPath => query.filter(activity::learning_path_id.is_not_null()),
            };
            for paths in &reach.within {
                query = query.filter(activity::learner_id.eq_any(learners_of!(tenant_id, paths)));
            }
            if let (true, Some(pattern)) = ($search, &pattern) {
                query = query.filter(name_or_email_like!(pattern));
            }
            query
        }};
    }
    on_conn!(tx, |c| {
        let total: i64 = entries!(false).count().get_result(c)?;
        let filtered: i64 = if pattern.is_some() { entries!(true).count().get_result(c)? } else { total };
        let page = entries!(true).select((
            activity::id,
            activity::verb,
            activity::created_at,
            app_user::first_name,
            app_user::last_name,
            // What the entry happened in: its course, or its learning path.
            sql::<diesel::sql_types::Nullable<Text>>("COALESCE(course.title, learning_path.name)"),
        ));
        let page = if query.oldest_first { page.order(activity::id.asc()) } else { page.order(activity::id.desc()) };
        let rows = page.offset(query.offset).limit(query.limit).load(c)?;
        Ok((rows, total, filtered))
    })
}

// Modules

/// A module of a course, with one learner's progress through it (when a row exists).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ModuleRow {
    pub module_id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub total_marks: Option<i32>,
    pub progress_id: Option<i64>,
    pub status: Option<String>,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: Option<i64>,
    pub times_accessed: Option<i32>,
    pub obtained_marks: Option<i32>,
}

/// The course's modules in order, with the enrollment's progress through each.
pub fn modules(tx: &mut Tx<'_>, course_id: i64, enrollment_id: i64) -> QueryResult<Vec<ModuleRow>> {
    on_conn!(tx, |c| course_module::table
        .left_join(
            module_progress::table
                .on(module_progress::module_id.eq(course_module::id).and(module_progress::enrollment_id.eq(enrollment_id))),
        )
        .filter(course_module::course_id.eq(course_id))
        .order(course_module::position)
        .select((
            course_module::id,
            course_module::name,
            course_module::slug,
            course_module::kind,
            course_module::total_marks,
            module_progress::id.nullable(),
            module_progress::status.nullable(),
            module_progress::started_at.nullable(),
            module_progress::completed_at.nullable(),
            module_progress::last_accessed_at.nullable(),
            module_progress::time_spent_seconds.nullable(),
            module_progress::times_accessed.nullable(),
            module_progress::obtained_marks.nullable(),
        ))
        .load(c))
}

/// Sets the enrollment's status in a module, creating its progress row if it has none.
pub fn set_module_status(tx: &mut Tx<'_>, enrollment_id: i64, module_id: i64, status: &str, now: NaiveDateTime) -> QueryResult<()> {
    let completed = (status == "completed").then_some(now);
    let started = (status != "not_started").then_some(now);
    on_conn!(tx, |c| {
        let updated = diesel::update(
            module_progress::table
                .filter(module_progress::enrollment_id.eq(enrollment_id))
                .filter(module_progress::module_id.eq(module_id)),
        )
        .set((module_progress::status.eq(status), module_progress::completed_at.eq(completed)))
        .execute(c)?;
        if updated == 0 {
            diesel::insert_into(module_progress::table)
                .values((
                    module_progress::enrollment_id.eq(enrollment_id),
                    module_progress::module_id.eq(module_id),
                    module_progress::status.eq(status),
                    module_progress::started_at.eq(started),
                    module_progress::completed_at.eq(completed),
                ))
                .execute(c)?;
        }
        Ok(())
    })
}

// Courses and single enrollments

/// A course as its learners' pages show it, with its certificate policy.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CourseCard {
    pub id: i64,
    pub title: String,
    pub featured_image_url: Option<String>,
    pub certificate_template_id: Option<i64>,
    pub certificate_valid_days: Option<i32>,
    pub slug: Option<String>,
    pub instructions: Option<String>,
    pub estimated_minutes: Option<i32>,
}

/// The tenant's course with this key.
pub fn course_card(tx: &mut Tx<'_>, tenant_id: i64, course_id: i64) -> QueryResult<Option<CourseCard>> {
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::id.eq(course_id))
        .select((
            course::id,
            course::title,
            course::featured_image_url,
            course::certificate_template_id,
            course::certificate_valid_days,
            course::slug,
            course::instructions,
            course::estimated_minutes,
        ))
        .first(c)
        .optional())
}

/// Inserts enrollments, skipping a learner enrolled in the course meanwhile; returns the learners
/// who were enrolled.
pub fn enroll(tx: &mut Tx<'_>, rows: &[super::enrollments::NewEnrollment<'_>]) -> QueryResult<Vec<i64>> {
    let mut enrolled = Vec::with_capacity(rows.len());
    // 16 columns a row: 500 rows stay far below SQLite's limit of bound parameters.
    for chunk in rows.chunks(500) {
        let learners: Vec<i64> = on_conn!(tx, |c| diesel::insert_into(enrollment::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .returning(enrollment::learner_id)
            .get_results(c))?;
        enrolled.extend(learners);
    }
    Ok(enrolled)
}

/// One active enrollment with its learner and course, as the progress pages show it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct RegistrationRow {
    pub enrollment_id: i64,
    pub learner_id: i64,
    pub course_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub completion_status: String,
    pub progress: i16,
    pub access_date: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub due_date: Option<NaiveDate>,
    pub lock_after_due_date: bool,
    pub expires_at: Option<NaiveDateTime>,
    pub access_revoked_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: i64,
}

/// The tenant's active enrollment `id`, within a reach.
pub fn registration(tx: &mut Tx<'_>, tenant_id: i64, id: i64, reach: &Reach) -> QueryResult<Option<RegistrationRow>> {
    on_conn!(tx, |c| {
        let mut query = enrollment::table
            .inner_join(app_user::table.on(app_user::id.eq(enrollment::learner_id)))
            .filter(enrollment::tenant_id.eq(tenant_id))
            .filter(enrollment::id.eq(id))
            .filter(enrollment::lifecycle.eq("active"))
            .into_boxed();
        for paths in &reach.within {
            query = query.filter(enrollment::learner_id.eq_any(learners_of!(tenant_id, paths)));
        }
        query
            .select((
                enrollment::id,
                enrollment::learner_id,
                enrollment::course_id,
                app_user::first_name,
                app_user::last_name,
                enrollment::completion_status,
                enrollment::progress,
                enrollment::access_date,
                enrollment::started_at,
                enrollment::completed_at,
                enrollment::due_date,
                enrollment::lock_after_due_date,
                enrollment::expires_at,
                enrollment::access_revoked_at,
                enrollment::last_accessed_at,
                enrollment::time_spent_seconds,
            ))
            .first(c)
            .optional()
    })
}

/// What a progress update writes: each field given is set, the others are left alone.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = enrollment)]
pub struct ProgressChange {
    pub completion_status: Option<String>,
    pub progress: Option<i16>,
    pub access_date: Option<NaiveDateTime>,
    pub due_date: Option<Option<NaiveDate>>,
    pub lock_after_due_date: Option<bool>,
    pub expires_at: Option<Option<NaiveDateTime>>,
    pub started_at: Option<Option<NaiveDateTime>>,
    pub completed_at: Option<Option<NaiveDateTime>>,
    pub last_accessed_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn change_progress(tx: &mut Tx<'_>, id: i64, change: &ProgressChange) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(enrollment::table.find(id)).set(change).execute(c)).map(|_| ())
}

/// Creates a certificate template; returns its id.
pub fn insert_certificate_template(tx: &mut Tx<'_>, tenant_id: i64, name: &str, now: NaiveDateTime) -> QueryResult<i64> {
    use super::schema::certificate_template;
    on_conn!(tx, |c| diesel::insert_into(certificate_template::table)
        .values((
            certificate_template::tenant_id.eq(tenant_id),
            certificate_template::name.eq(name),
            certificate_template::created_at.eq(now)
        ))
        .returning(certificate_template::id)
        .get_result(c))
}

/// Sets a course's certificate policy.
pub fn set_certificate_policy(tx: &mut Tx<'_>, course_id: i64, template: Option<i64>, valid_days: Option<i32>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(course::table.find(course_id))
        .set((course::certificate_template_id.eq(template), course::certificate_valid_days.eq(valid_days)))
        .execute(c))
    .map(|_| ())
}

/// A new module of a course.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_module)]
pub struct NewModule<'a> {
    pub tenant_id: i64,
    pub course_id: i64,
    pub position: i32,
    pub name: &'a str,
    pub slug: &'a str,
    pub kind: &'a str,
    pub total_marks: Option<i32>,
}

pub fn insert_modules(tx: &mut Tx<'_>, modules: &[NewModule<'_>]) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(course_module::table).values(modules).execute(c)).map(|_| ())
}

/// The course's active enrollments: `(enrollment, learner)`, oldest first.
pub fn active_enrollments_of_course(tx: &mut Tx<'_>, course_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::course_id.eq(course_id))
        .filter(enrollment::lifecycle.eq("active"))
        .order(enrollment::id)
        .select((enrollment::id, enrollment::learner_id))
        .load(c))
}

// A learner's certificates, time, and the courses every new learner gets

/// A certificate a learner holds, with its course's title.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CertificateRow {
    pub id: i64,
    pub course_title: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

/// A page of a learner's certificates (of active enrollments), newest first unless `oldest_first`,
/// only those whose course title contains `title` (lower case) when given; and how many match.
pub fn certificates_of(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    learner_id: i64,
    title: Option<&str>,
    oldest_first: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CertificateRow>, i64)> {
    let pattern = title.map(super::offerings::contains);
    macro_rules! held {
        () => {{
            let mut query = certificate::table
                .inner_join(enrollment::table.on(enrollment::id.eq(certificate::enrollment_id)))
                .inner_join(course::table.on(course::id.eq(enrollment::course_id)))
                .filter(certificate::tenant_id.eq(tenant_id))
                .filter(enrollment::learner_id.eq(learner_id))
                .filter(enrollment::lifecycle.eq("active"))
                .into_boxed();
            if let Some(pattern) = &pattern {
                query = query.filter(super::lower(course::title).like(pattern.clone()).escape('\\'));
            }
            query
        }};
    }
    on_conn!(tx, |c| {
        let total: i64 = held!().count().get_result(c)?;
        let query = held!().select((certificate::id, course::title, certificate::issued_at, certificate::expires_at));
        let query = if oldest_first {
            query.order((certificate::issued_at.asc(), certificate::id.asc()))
        } else {
            query.order((certificate::issued_at.desc(), certificate::id.desc()))
        };
        Ok((query.offset(offset).limit(limit).load(c)?, total))
    })
}

/// Sets a certificate's dates, if it is the tenant's and of a learner within the reach; returns
/// whether it was.
pub fn set_certificate_dates(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    id: i64,
    reach: &Reach,
    issued_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    on_conn!(tx, |c| {
        let mut owner = certificate::table
            .inner_join(enrollment::table.on(enrollment::id.eq(certificate::enrollment_id)))
            .filter(certificate::tenant_id.eq(tenant_id))
            .filter(certificate::id.eq(id))
            .filter(enrollment::lifecycle.eq("active"))
            .select(certificate::id)
            .into_boxed();
        for paths in &reach.within {
            owner = owner.filter(enrollment::learner_id.eq_any(learners_of!(tenant_id, paths)));
        }
        if owner.first::<i64>(c).optional()?.is_none() {
            return Ok(false);
        }
        diesel::update(certificate::table.find(id))
            .set((
                certificate::issued_at.eq(issued_at),
                certificate::issued_offset_minutes.eq(0),
                certificate::expires_at.eq(expires_at),
                certificate::expires_offset_minutes.eq(expires_at.map(|_| 0)),
            ))
            .execute(c)?;
        Ok(true)
    })
}

/// The time a learner spent in the active enrollments (within a portal's learners, if given).
pub fn time_spent(tx: &mut Tx<'_>, tenant_id: i64, learner_id: i64) -> QueryResult<i64> {
    let total: Option<i64> = on_conn!(tx, |c| enrollment::table
        .filter(enrollment::tenant_id.eq(tenant_id))
        .filter(enrollment::learner_id.eq(learner_id))
        .filter(enrollment::lifecycle.eq("active"))
        .select(sql::<diesel::sql_types::Nullable<BigInt>>("SUM(enrollment.time_spent_seconds)"))
        .first(c))?;
    Ok(total.unwrap_or(0))
}

/// A user found by name or e-mail: `(user, first name, last name, e-mail)`.
pub type UserMatch = (i64, Option<String>, Option<String>, Option<String>);

/// The tenant's learners enrolled in a course (within a reach) whose name or e-mail contains
/// `term` (lower case): `(user, first name, last name, e-mail)`, at most `limit`.
pub fn enrolled_users_matching(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    course_id: i64,
    reach: &Reach,
    term: &str,
    limit: i64,
) -> QueryResult<Vec<UserMatch>> {
    let pattern = super::offerings::contains(term);
    on_conn!(tx, |c| enrollments_of!(tenant_id, Of::Course(course_id), reach)
        .filter(name_or_email_like!(pattern),)
        .select((app_user::id, app_user::first_name, app_user::last_name, app_user::email))
        .order(app_user::id)
        .limit(limit)
        .load(c))
}

/// Makes these courses the ones every new learner of the tenant is enrolled in.
pub fn set_auto_enroll(tx: &mut Tx<'_>, tenant_id: i64, courses: &[i64]) -> QueryResult<()> {
    use super::schema::course_auto_enroll;
    on_conn!(tx, |c| {
        diesel::delete(course_auto_enroll::table.filter(course_auto_enroll::tenant_id.eq(tenant_id))).execute(c)?;
        let rows: Vec<_> =
            courses.iter().map(|course| (course_auto_enroll::tenant_id.eq(tenant_id), course_auto_enroll::course_id.eq(*course))).collect();
        diesel::insert_into(course_auto_enroll::table).values(rows).execute(c)
    })
    .map(|_| ())
}

/// The courses every new learner of the tenant is enrolled in.
pub fn auto_enroll_courses(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<i64>> {
    use super::schema::course_auto_enroll;
    on_conn!(tx, |c| course_auto_enroll::table
        .filter(course_auto_enroll::tenant_id.eq(tenant_id))
        .order(course_auto_enroll::course_id)
        .select(course_auto_enroll::course_id)
        .load(c))
}

/// Of `courses`, the tenant's.
pub fn courses_of_tenant(tx: &mut Tx<'_>, tenant_id: i64, courses: &[i64]) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| course::table.filter(course::tenant_id.eq(tenant_id)).filter(course::id.eq_any(courses)).select(course::id).load(c))
}

/// Records that a learner opened a course: its start (if it had none) and its last access.
pub fn record_access(tx: &mut Tx<'_>, id: i64, now: NaiveDateTime, first: bool) -> QueryResult<()> {
    on_conn!(tx, |c| {
        if first {
            diesel::update(enrollment::table.find(id)).set(enrollment::started_at.eq(Some(now))).execute(c)?;
        }
        diesel::update(enrollment::table.find(id))
            .set((enrollment::last_accessed_at.eq(Some(now)), enrollment::updated_at.eq(now)))
            .execute(c)
    })
    .map(|_| ())
}

/// How many certificates an enrollment holds (none or one).
pub fn certificate_count(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<i64> {
    on_conn!(tx, |c| certificate::table.filter(certificate::enrollment_id.eq(enrollment_id)).count().get_result(c))
}

/// The tenant's courses with active enrollments: `(course, title)`, in title order.
pub fn courses_with_enrollments(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<(i64, String)>> {
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(diesel::dsl::exists(
            enrollment::table.filter(enrollment::course_id.eq(course::id)).filter(enrollment::lifecycle.eq("active"))
        ))
        .order((course::title, course::id))
        .select((course::id, course::title))
        .load(c))
}

/// A webinar of a course, with the course's title.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct WebinarRow {
    pub id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub name: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// A new webinar of a course.
#[derive(Debug, Clone)]
pub struct NewWebinar<'a> {
    pub tenant_id: i64,
    pub course_id: i64,
    pub name: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// Creates a webinar; returns its id.
pub fn insert_webinar(tx: &mut Tx<'_>, new: &NewWebinar<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(webinar::table)
        .values((
            webinar::tenant_id.eq(new.tenant_id),
            webinar::course_id.eq(new.course_id),
            webinar::name.eq(new.name),
            webinar::starts_at.eq(new.starts_at),
            webinar::ends_at.eq(new.ends_at),
        ))
        .returning(webinar::id)
        .get_result(c))
}

/// Registers course enrollments for a webinar (status "Registered"); those registered already stay.
pub fn register_for_webinar(tx: &mut Tx<'_>, webinar_id: i64, enrollment_ids: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    let rows: Vec<_> = enrollment_ids
        .iter()
        .map(|id| {
            (
                webinar_registration::webinar_id.eq(webinar_id),
                webinar_registration::enrollment_id.eq(*id),
                webinar_registration::status.eq("Registered"),
                webinar_registration::registered_at.eq(now),
            )
        })
        .collect();
    on_conn!(tx, |c| diesel::insert_into(webinar_registration::table).values(&rows).on_conflict_do_nothing().execute(c))
}

/// The tenant's webinar `id`.
pub fn webinar(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<WebinarRow>> {
    on_conn!(tx, |c| webinar::table
        .inner_join(course::table.on(course::id.eq(webinar::course_id)))
        .filter(webinar::tenant_id.eq(tenant_id))
        .filter(webinar::id.eq(id))
        .select((webinar::id, webinar::course_id, course::title, webinar::name, webinar::starts_at, webinar::ends_at))
        .first(c)
        .optional())
}

/// A course's webinars, by start, each with whether the enrollment (if any) is registered for it.
pub fn webinars_of_course(tx: &mut Tx<'_>, course_id: i64, enrollment_id: Option<i64>) -> QueryResult<Vec<(WebinarRow, bool)>> {
    let webinars: Vec<WebinarRow> = on_conn!(tx, |c| webinar::table
        .inner_join(course::table.on(course::id.eq(webinar::course_id)))
        .filter(webinar::course_id.eq(course_id))
        .order((webinar::starts_at, webinar::id))
        .select((webinar::id, webinar::course_id, course::title, webinar::name, webinar::starts_at, webinar::ends_at))
        .load(c))?;
    let registered: Vec<i64> = match enrollment_id {
        Some(enrollment) => on_conn!(tx, |c| webinar_registration::table
            .filter(webinar_registration::enrollment_id.eq(enrollment))
            .select(webinar_registration::webinar_id)
            .load(c))?,
        None => Vec::new(),
    };
    Ok(webinars
        .into_iter()
        .map(|w| {
            let is_registered = registered.contains(&w.id);
            (w, is_registered)
        })
        .collect())
}

/// A webinar registration with its learner.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct WebinarRegistrationRow {
    /// The course registration (enrollment) it belongs to.
    pub enrollment_id: i64,
    pub user_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub status: String,
    pub notes: Option<String>,
    pub attendance: Option<String>,
    pub recording_type: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub registered_at: NaiveDateTime,
    pub last_accessed_at: Option<NaiveDateTime>,
}

/// What a webinar's registrations sort by; ties go by course registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebinarOrder {
    Registration,
    Name,
    RegisteredOn,
    LastAccessedOn,
    Status,
}

impl WebinarOrder {
    fn column(self) -> &'static str {
        match self {
            WebinarOrder::Registration => "webinar_registration.enrollment_id",
            WebinarOrder::Name => "lower(COALESCE(app_user.first_name, '') || ' ' || COALESCE(app_user.last_name, ''))",
            WebinarOrder::RegisteredOn => "webinar_registration.registered_at",
            WebinarOrder::LastAccessedOn => "webinar_registration.last_accessed_at",
            WebinarOrder::Status => "webinar_registration.status",
        }
    }
}

/// The registrations of a webinar whose course enrollments are active and within a reach: the
/// base of every webinar list and action.
macro_rules! registrations_of {
    ($tenant_id:expr, $webinar:expr, $reach:expr) => {{
        let mut query = webinar_registration::table
            .inner_join(enrollment::table.on(enrollment::id.eq(webinar_registration::enrollment_id)))
            .inner_join(app_user::table.on(app_user::id.eq(enrollment::learner_id)))
            .filter(webinar_registration::webinar_id.eq($webinar.id))
            .filter(enrollment::tenant_id.eq($tenant_id))
            .filter(enrollment::course_id.eq($webinar.course_id))
            .filter(enrollment::lifecycle.eq("active"))
            .into_boxed();
        for paths in &$reach.within {
            query = query.filter(enrollment::learner_id.eq_any(learners_of!($tenant_id, paths)));
        }
        query
    }};
}

/// One page of a webinar's registrations within a reach, and how many it has in all.
#[allow(clippy::too_many_arguments)]
pub fn webinar_registrations(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    webinar: &WebinarRow,
    reach: &Reach,
    order: WebinarOrder,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<WebinarRegistrationRow>, i64)> {
    let direction = if descending { "DESC" } else { "ASC" };
    let order = format!("{} {direction}, webinar_registration.enrollment_id ASC", order.column());
    on_conn!(tx, |c| {
        let total: i64 = registrations_of!(tenant_id, webinar, reach).count().get_result(c)?;
        let rows = registrations_of!(tenant_id, webinar, reach)
            .select((
                webinar_registration::enrollment_id,
                app_user::id,
                app_user::first_name,
                app_user::last_name,
                webinar_registration::status,
                webinar_registration::notes,
                webinar_registration::attendance,
                webinar_registration::recording_type,
                webinar_registration::recorded_at,
                webinar_registration::registered_at,
                webinar_registration::last_accessed_at,
            ))
            .order(sql::<BigInt>(&order))
            .offset(offset)
            .limit(limit)
            .load(c)?;
        Ok((rows, total))
    })
}

/// A webinar's registrations by attendance (within a reach), counted in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceTotals {
    pub all: i64,
    pub attended: i64,
    pub no_show: i64,
    pub cancelled: i64,
    pub partially_attended: i64,
}

pub fn attendance_totals(tx: &mut Tx<'_>, tenant_id: i64, webinar: &WebinarRow, reach: &Reach) -> QueryResult<AttendanceTotals> {
    let sum = |word: &str| format!("COALESCE(SUM(CASE WHEN webinar_registration.attendance = '{word}' THEN 1 ELSE 0 END), 0)");
    let (all, attended, no_show, cancelled, partially_attended): (i64, i64, i64, i64, i64) =
        on_conn!(tx, |c| registrations_of!(tenant_id, webinar, reach)
            .select((
                diesel::dsl::count_star(),
                sql::<BigInt>(&sum("Attended")),
                sql::<BigInt>(&sum("No Show")),
                sql::<BigInt>(&sum("Cancelled")),
                sql::<BigInt>(&sum("Partially Attended")),
            ))
            .first(c))?;
    Ok(AttendanceTotals { all, attended, no_show, cancelled, partially_attended })
}

/// Of `ids` (course registrations), those registered for the webinar within a reach:
/// `(registration, learner)`.
pub fn webinar_registrations_among(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    webinar: &WebinarRow,
    ids: &[i64],
    reach: &Reach,
) -> QueryResult<Vec<(i64, i64)>> {
    on_conn!(tx, |c| registrations_of!(tenant_id, webinar, reach)
        .filter(webinar_registration::enrollment_id.eq_any(ids))
        .select((webinar_registration::enrollment_id, enrollment::learner_id))
        .order(webinar_registration::enrollment_id)
        .load(c))
}

/// Sets the status of a webinar's registrations, and their attendance (recorded now, by hand, or
/// cleared when the status is not an attendance).
pub fn set_webinar_status(
    tx: &mut Tx<'_>,
    webinar_id: i64,
    ids: &[i64],
    status: &str,
    attendance: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let recorded = attendance.map(|_| now);
    let recording = attendance.map(|_| "Manual");
    on_conn!(tx, |c| diesel::update(
        webinar_registration::table
            .filter(webinar_registration::webinar_id.eq(webinar_id))
            .filter(webinar_registration::enrollment_id.eq_any(ids))
    )
    .set((
        webinar_registration::status.eq(status),
        webinar_registration::attendance.eq(attendance),
        webinar_registration::recorded_at.eq(recorded),
        webinar_registration::recording_type.eq(recording),
    ))
    .execute(c))?;
    Ok(())
}

/// Sets the notes of a webinar's registrations.
pub fn set_webinar_notes(tx: &mut Tx<'_>, webinar_id: i64, ids: &[i64], notes: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(
        webinar_registration::table
            .filter(webinar_registration::webinar_id.eq(webinar_id))
            .filter(webinar_registration::enrollment_id.eq_any(ids))
    )
    .set(webinar_registration::notes.eq(notes))
    .execute(c))?;
    Ok(())
}
