//! Learning paths as Academy Of Mine runs them: a path's learners with their progress (derived
//! from their enrollments in the path's courses: complete when every course is), enrolling (which
//! enrolls the learner in each course of the path), removing, assigning the path's certificate
//! (refused without a certificate template), and launching.

use chrono::NaiveDateTime;

use super::progress::{Enrolled, Member, Within, log_activity};
use super::{Entity, OpError, ProblemKind, Service, now};
use crate::domain::activity::Verb;
use crate::domain::progress::CourseStatus;
use crate::domain::{Principal, Role};
use crate::store::Tx;
use crate::store::paths::{self as store, PathLearnerRow, PathScope};
use crate::store::progress::{self as progress_store, Reach, Totals};

/// A learner of a path and where the learner stands.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLearner {
    pub enrollment_id: i64,
    pub path_id: i64,
    pub path_name: String,
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub status: CourseStatus,
    pub percent_complete: i16,
    pub registered_at: NaiveDateTime,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub certificate: bool,
    pub courses: i64,
    pub completed_courses: i64,
    /// The first start in any of the path's courses.
    pub started_at: Option<NaiveDateTime>,
    /// When the path was completed: the last of its courses' completions.
    pub completed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: i64,
}

impl PathLearner {
    fn of(row: PathLearnerRow) -> Result<PathLearner, OpError> {
        let status = if row.courses > 0 && row.completed >= row.courses {
            CourseStatus::Completed
        } else if row.started > 0 || row.completed > 0 {
            CourseStatus::InProgress
        } else {
            CourseStatus::NotStarted
        };
        let percent = if row.courses > 0 { (row.completed.min(row.courses) * 100 / row.courses) as i16 } else { 0 };
        Ok(PathLearner {
            enrollment_id: row.id,
            path_id: row.path_id,
            path_name: row.path_name,
            user_id: row.learner_id,
            first_name: row.first_name.unwrap_or_default(),
            last_name: row.last_name.unwrap_or_default(),
            email: row.email,
            role: row.role.parse().map_err(OpError::Internal)?,
            status,
            percent_complete: percent,
            registered_at: row.registered_at,
            last_accessed_at: row.last_accessed_at,
            certificate: row.certificate_issued_at.is_some(),
            courses: row.courses,
            completed_courses: row.completed,
            started_at: row.started_at,
            completed_at: (status == CourseStatus::Completed).then_some(row.completed_at).flatten(),
            time_spent_seconds: row.time_spent_seconds,
        })
    }
}

/// What a list of path enrollments is ordered by (ties by the enrollment's age).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PathOrder {
    /// The enrollment's age.
    #[default]
    Registered,
    /// The first start in the path's courses (never started first, as SQL orders nulls).
    Started,
    /// The learner's name, then e-mail.
    LearnerName,
    PathName,
}

/// Which path enrollments of a list match, in which order, and which page.
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    pub statuses: Vec<CourseStatus>,
    /// Matched against the learner's name and e-mail, or (in a learner's own lists) the path's name.
    pub name_or_email: Option<String>,
    /// Inclusive bounds of the registration.
    pub registered: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    /// Inclusive bounds of the completion (a bound excludes the paths not completed).
    pub completed: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    pub order: PathOrder,
    pub descending: bool,
    /// 1-based.
    pub page_number: i64,
    pub page_size: i64,
}

impl PathFilter {
    fn within(at: Option<NaiveDateTime>, (from, to): (Option<NaiveDateTime>, Option<NaiveDateTime>)) -> bool {
        match at {
            Some(at) => from.is_none_or(|from| at >= from) && to.is_none_or(|to| at <= to),
            None => from.is_none() && to.is_none(),
        }
    }

    fn matches(&self, learner: &PathLearner, by_path_name: bool) -> bool {
        let needle = self.name_or_email.as_deref().map(str::to_lowercase);
        let found = |text: &str| needle.as_deref().is_none_or(|needle| text.to_lowercase().contains(needle));
        let named = if by_path_name {
            found(&learner.path_name)
        } else {
            found(&format!("{} {}", learner.first_name, learner.last_name)) || learner.email.as_deref().is_some_and(found)
        };
        (self.statuses.is_empty() || self.statuses.contains(&learner.status))
            && named
            && Self::within(Some(learner.registered_at), self.registered)
            && Self::within(learner.completed_at, self.completed)
    }

    /// How many of `all` match, and the page of them asked for.
    fn page(&self, all: Vec<PathLearner>, by_path_name: bool) -> (i64, Vec<PathLearner>) {
        let mut matching: Vec<PathLearner> = all.into_iter().filter(|l| self.matches(l, by_path_name)).collect();
        // `all` comes oldest first, and a stable sort keeps that order among ties.
        match self.order {
            PathOrder::Registered => {}
            PathOrder::Started => matching.sort_by_key(|l| l.started_at),
            PathOrder::LearnerName => matching.sort_by_cached_key(|l| {
                (format!("{} {}", l.first_name, l.last_name).trim().to_lowercase(), l.email.as_deref().unwrap_or_default().to_lowercase())
            }),
            PathOrder::PathName => matching.sort_by_cached_key(|l| l.path_name.to_lowercase()),
        }
        page_of(matching, self.descending, self.page_number, self.page_size)
    }
}

/// How many `matching` holds, and page `number` (from 1) of `size` of them, in their order or
/// reversed.
fn page_of<T>(mut matching: Vec<T>, reversed: bool, number: i64, size: i64) -> (i64, Vec<T>) {
    if reversed {
        matching.reverse();
    }
    let offset = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    (matching.len() as i64, matching.into_iter().skip(offset).take(usize::try_from(size).unwrap_or(0)).collect())
}

/// Totals by status of path enrollments.
fn totals_of(learners: &[PathLearner]) -> Totals {
    let count = |status: CourseStatus| learners.iter().filter(|l| l.status == status).count() as i64;
    Totals {
        not_started: count(CourseStatus::NotStarted),
        in_progress: count(CourseStatus::InProgress),
        completed: count(CourseStatus::Completed),
    }
}

/// A page of a path's learners, as asked for.
#[derive(Debug, Clone)]
pub struct PathLearnersRequest {
    pub path_id: i64,
    pub portal_id: Option<i64>,
    pub filter: PathFilter,
}

/// A path's learners: the path's name, totals by status, how many match, one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLearners {
    pub name: String,
    pub totals: Totals,
    pub filtered: i64,
    pub learners: Vec<PathLearner>,
}

/// An action on many enrollments of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathAction {
    Remove,
    AssignCertificate,
}

/// A course of a launched path, with the learner's progress in it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathCourse {
    pub course_id: i64,
    pub name: String,
    pub status: CourseStatus,
    pub percent_complete: i16,
    pub expires_on: Option<chrono::NaiveDate>,
    pub certificate: bool,
    pub estimated_minutes: Option<i32>,
}

/// A launched path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLaunch {
    pub learner: PathLearner,
    pub name: String,
    pub instructions: Option<String>,
    pub courses: Vec<PathCourse>,
}

/// The path enrollments in a scope and within a reach, oldest first.
fn learners(tx: &mut Tx<'_>, principal: &Principal, scope: PathScope<'_>, reach: &Reach) -> Result<Vec<PathLearner>, OpError> {
    store::path_learners(tx, principal.tenant_id, scope, reach)?.into_iter().map(PathLearner::of).collect()
}

impl Service {
    fn path(tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<store::PathRow, OpError> {
        store::path(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::LearningPath, &id.to_string()))
    }

    fn path_manager(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Member, OpError> {
        let member = self.member(tx, principal)?;
        if !member.manages() {
            return Err(OpError::Forbidden("a learner may not manage learning paths".into()));
        }
        Ok(member)
    }

    /// A path's learners: totals by status within the caller's reach and the portal, and one
    /// page of those matching the statuses and the name or e-mail.
    pub fn path_learners(&self, tx: &mut Tx<'_>, principal: &Principal, request: &PathLearnersRequest) -> Result<PathLearners, OpError> {
        let member = self.path_manager(tx, principal)?;
        let path = Self::path(tx, principal, request.path_id)?;
        let reach = Self::reach_within(tx, principal, &member, request.portal_id)?;
        let all = learners(tx, principal, PathScope { paths: Some(&[path.id]), learner: None }, &reach)?;
        let totals = totals_of(&all);
        let (filtered, learners) = request.filter.page(all, false);
        Ok(PathLearners { name: path.name, totals, filtered, learners })
    }

    /// Enrolls learners in a path, and in each of its courses they are not enrolled in yet.
    pub fn enroll_in_path(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        path_id: i64,
        student_ids: &[i64],
        portal_id: Option<i64>,
    ) -> Result<Enrolled, OpError> {
        let member = self.path_manager(tx, principal)?;
        if student_ids.len() > super::progress::MAX_ENROLL {
            return Err(OpError::wrong(ProblemKind::Limit, "studentIds", "too many learners for one call"));
        }
        let path = Self::path(tx, principal, path_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let mut asked = student_ids.to_vec();
        asked.sort_unstable();
        asked.dedup();
        let candidates = progress_store::users_within(tx, principal.tenant_id, &asked, &reach)?;
        let already = store::enrolled_among(tx, path.id, &candidates)?;
        let fresh: Vec<i64> = candidates.into_iter().filter(|learner| !already.contains(learner)).collect();
        let now = now();
        let enrolled = store::enroll(tx, principal.tenant_id, path.id, &fresh, now)?;
        for (course, _, _) in store::courses_of(tx, path.id)? {
            self.enroll_in_course(tx, principal, course, &enrolled, portal_id)?;
        }
        log_activity(tx, principal.tenant_id, Within::Path(path.id), enrolled.iter().map(|l| (Verb::Enrolled, *l)), now)?;
        Ok(Enrolled { enrolled: enrolled.len(), not_enrolled: student_ids.len() - enrolled.len() })
    }

    /// Applies an action to the path's enrollments named (within the caller's reach); returns how
    /// many it reached.
    pub fn act_on_path_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        path_id: i64,
        ids: &[i64],
        action: PathAction,
    ) -> Result<usize, OpError> {
        let member = self.path_manager(tx, principal)?;
        let path = Self::path(tx, principal, path_id)?;
        if action == PathAction::AssignCertificate && path.certificate_template_id.is_none() {
            return Err(OpError::invalid(
                "id",
                format!("learning path {} has no certificate template to issue certificates from", path.id),
            ));
        }
        let found = store::enrollments_of_path(tx, principal.tenant_id, path.id, ids, &member.reach_all())?;
        let reached: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        let now = now();
        if !reached.is_empty() {
            match action {
                PathAction::Remove => store::remove(tx, &reached, now)?,
                PathAction::AssignCertificate => store::issue_certificates(tx, &reached, now)?,
            }
        }
        let verb = match action {
            PathAction::Remove => Verb::Removed,
            PathAction::AssignCertificate => Verb::AchievedCertificate,
        };
        log_activity(tx, principal.tenant_id, Within::Path(path.id), found.iter().map(|(_, l)| (verb, *l)), now)?;
        Ok(reached.len())
    }

    /// Launches a path enrollment (with `info_only`, only reads it): its courses with the learner's
    /// progress in each; the first not completed is the current one.
    pub fn launch_path(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64, info_only: bool) -> Result<PathLaunch, OpError> {
        let member = self.member(tx, principal)?;
        let row = store::path_enrollment(tx, principal.tenant_id, id, &member.reach_all())?
            .ok_or_else(|| OpError::not_found(Entity::LearningPath, &id.to_string()))?;
        let path_id = row.path_id;
        if !member.manages() && row.learner_id != member.user_id {
            return Err(OpError::Forbidden("a learner launches only its own learning paths".into()));
        }
        let now = now();
        if !info_only {
            store::record_access(tx, row.id, now)?;
            log_activity(tx, principal.tenant_id, Within::Path(path_id), [(Verb::Accessed, row.learner_id)], now)?;
        }
        let path = Self::path(tx, principal, path_id)?;
        let mut courses = Vec::new();
        for (course_id, name, estimated_minutes) in store::courses_of(tx, path_id)? {
            let enrollment = crate::store::offerings::active_enrollment_of(tx, course_id, row.learner_id)?;
            let progress =
                enrollment.map(|e| progress_store::registration(tx, principal.tenant_id, e, &Reach::default())).transpose()?.flatten();
            let certificate = match &progress {
                Some(p) => progress_store::certificate_count(tx, p.enrollment_id)? > 0,
                None => false,
            };
            courses.push(PathCourse {
                course_id,
                name,
                status: progress
                    .as_ref()
                    .map_or(CourseStatus::NotStarted, |p| CourseStatus::of(&p.completion_status, p.progress, p.started_at.is_some())),
                percent_complete: progress.as_ref().map_or(0, |p| p.progress),
                expires_on: progress.as_ref().and_then(|p| p.due_date.filter(|_| p.lock_after_due_date)),
                certificate,
                estimated_minutes,
            });
        }
        let refreshed = store::path_enrollment(tx, principal.tenant_id, id, &Reach::default())?.unwrap_or(row);
        Ok(PathLaunch { learner: PathLearner::of(refreshed)?, name: path.name, instructions: path.instructions, courses })
    }
}

/// A learning path detail report, as asked for.
#[derive(Debug, Clone)]
pub struct PathReportRequest {
    /// Only these paths (none: every path).
    pub paths: Option<Vec<i64>>,
    /// Only learners of these portals and their sub-portals (none: every learner).
    pub portals: Vec<i64>,
    pub filter: PathFilter,
}

/// A learning path detail report: how many rows match, one page with each learner's portals.
#[derive(Debug, Clone, PartialEq)]
pub struct PathReport {
    pub filtered: i64,
    pub rows: Vec<(PathLearner, Vec<String>)>,
}

/// One path's line of an overview, or of a portal's path list.
#[derive(Debug, Clone, PartialEq)]
pub struct PathTotals {
    pub path_id: i64,
    pub name: String,
    pub public: bool,
    pub totals: Totals,
    /// Enrollments in the last 24 hours.
    pub last_day: i64,
}

/// A user's learning paths: the user's name and role, how many, how many match, one page.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPaths {
    pub name: String,
    pub role: Role,
    pub total: i64,
    pub filtered: i64,
    pub paths: Vec<PathLearner>,
    /// The estimated minutes of each path's courses, by path (only where some course has one).
    pub estimates: Vec<(i64, i64)>,
}

/// A path a portal offers, and the caller's enrollment in it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferedPath {
    pub path_id: i64,
    pub name: String,
    pub public: bool,
    pub courses: i64,
    pub estimated_minutes: Option<i64>,
    pub enrollment: Option<PathLearner>,
}

impl Service {
    /// The learning path detail report: enrollments of the paths, within the portals, filtered.
    pub fn path_report(&self, tx: &mut Tx<'_>, principal: &Principal, request: &PathReportRequest) -> Result<PathReport, OpError> {
        let member = self.path_manager(tx, principal)?;
        let reach = Self::report_reach(tx, principal, &member, &request.portals)?;
        if let Some(paths) = &request.paths {
            let known = store::paths_of_tenant(tx, principal.tenant_id, paths)?;
            if let Some(unknown) = paths.iter().find(|p| !known.contains(p)) {
                return Err(OpError::not_found(Entity::LearningPath, &unknown.to_string()));
            }
        }
        let all = learners(tx, principal, PathScope { paths: request.paths.as_deref(), learner: None }, &reach)?;
        let (filtered, page) = request.filter.page(all, false);
        let rows = page
            .into_iter()
            .map(|learner| {
                let portals = crate::store::portals::portal_names_of(tx, learner.user_id)?;
                Ok((learner, portals))
            })
            .collect::<Result<Vec<_>, OpError>>()?;
        Ok(PathReport { filtered, rows })
    }

    /// The learning paths overview: each path's learners by status, within the portals named.
    pub fn paths_overview(&self, tx: &mut Tx<'_>, principal: &Principal, portals: &[i64]) -> Result<Vec<PathTotals>, OpError> {
        let member = self.path_manager(tx, principal)?;
        let reach = Self::report_reach(tx, principal, &member, portals)?;
        let mut lines = Vec::new();
        for (path_id, name) in store::paths_with_enrollments(tx, principal.tenant_id)? {
            let all = learners(tx, principal, PathScope { paths: Some(&[path_id]), learner: None }, &reach)?;
            if !all.is_empty() {
                lines.push(PathTotals { path_id, name, public: true, totals: totals_of(&all), last_day: 0 });
            }
        }
        Ok(lines)
    }

    /// A page of learning-path activity within the caller's reach and the portal, newest first:
    /// the path's (or, with `every_path`, all paths'), of learners whose name or e-mail contains
    /// `name`; how many entries there are, and how many match.
    #[allow(clippy::too_many_arguments)]
    pub fn path_activity(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        path_id: i64,
        every_path: bool,
        portal_id: Option<i64>,
        name: Option<&str>,
        oldest_first: bool,
        page_number: i64,
        page_size: i64,
    ) -> Result<(i64, i64, Vec<super::progress::ActivityView>), OpError> {
        let member = self.path_manager(tx, principal)?;
        let path = Self::path(tx, principal, path_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let query = progress_store::ActivityQuery {
            tenant_id: principal.tenant_id,
            trail: if every_path { progress_store::Trail::EveryPath } else { progress_store::Trail::Path(path.id) },
            reach: &reach,
            name_or_email: name,
            oldest_first,
            offset: (page_number - 1).saturating_mul(page_size),
            limit: page_size,
        };
        let (rows, total, filtered) = progress_store::activity_of(tx, &query)?;
        Ok((total, filtered, super::progress::activity_views(rows)?))
    }

    /// A page of the paths a portal offers (published only, when asked; whose name contains
    /// `name`), each with the progress of the portal's learners (and its sub-portals'), the
    /// portal's name, how many paths it offers and how many match.
    #[allow(clippy::too_many_arguments)]
    pub fn portal_paths(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        published_only: bool,
        name: Option<&str>,
        descending: bool,
        page_number: i64,
        page_size: i64,
    ) -> Result<(String, i64, i64, Vec<PathTotals>), OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, portal_id)?;
        let reach = Self::reach_within(tx, principal, &member, Some(portal.id))?;
        let offered = store::paths_of_portal(tx, portal.id, published_only)?;
        let total = offered.len() as i64;
        let needle = name.map(str::to_lowercase);
        let matching: Vec<_> =
            offered.into_iter().filter(|path| needle.as_deref().is_none_or(|n| path.name.to_lowercase().contains(n))).collect();
        let (filtered, page) = page_of(matching, descending, page_number, page_size);
        let since = now() - chrono::Duration::hours(24);
        let mut lines = Vec::new();
        for path in page {
            let all = learners(tx, principal, PathScope { paths: Some(&[path.id]), learner: None }, &reach)?;
            let last_day = all.iter().filter(|l| l.registered_at >= since).count() as i64;
            lines.push(PathTotals { path_id: path.id, name: path.name, public: path.public, totals: totals_of(&all), last_day });
        }
        Ok((portal.name, total, filtered, lines))
    }

    /// A user's learning paths (the caller's own, or a user's its manager asks for), within the
    /// portal when one is named; the filter's name matches the path's name.
    pub fn user_paths(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: i64,
        view: super::progress::ViewType,
        portal_id: Option<i64>,
        filter: &PathFilter,
    ) -> Result<UserPaths, OpError> {
        let member = self.member(tx, principal)?;
        let user_id = match view {
            super::progress::ViewType::Own => member.user_id,
            super::progress::ViewType::Manage => self.user_in_reach(tx, principal, &member, user_id)?,
        };
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let all = learners(tx, principal, PathScope { paths: None, learner: Some(user_id) }, &reach)?;
        let total = all.len() as i64;
        let (filtered, paths) = filter.page(all, true);
        let ids: Vec<i64> = paths.iter().map(|p| p.path_id).collect();
        let estimates = store::estimated_minutes(tx, &ids)?;
        let (first, last, role) = crate::store::users::name_and_role(tx, user_id)?;
        let name = [first.unwrap_or_default(), last.unwrap_or_default()].join(" ").trim().to_string();
        Ok(UserPaths { name, role: role.parse().map_err(OpError::Internal)?, total, filtered, paths, estimates })
    }

    /// A page of the paths a portal offers (published ones; whose name contains `name`), each with
    /// the caller's enrollment in it; only those whose enrollment is in `statuses` when given (a
    /// path not enrolled in has none); how many it offers and how many match.
    pub fn my_portal_paths(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        filter: &PathFilter,
    ) -> Result<(i64, i64, Vec<OfferedPath>), OpError> {
        let member = self.member(tx, principal)?;
        let portal = crate::store::portals::portal(tx, principal.tenant_id, portal_id)?
            .ok_or_else(|| OpError::not_found(Entity::Portal, &portal_id.to_string()))?;
        let offered = store::paths_of_portal(tx, portal.id, true)?;
        let total = offered.len() as i64;
        let mine = learners(tx, principal, PathScope { paths: None, learner: Some(member.user_id) }, &Reach::default())?;
        let needle = filter.name_or_email.as_deref().map(str::to_lowercase);
        let matching: Vec<OfferedPath> = offered
            .into_iter()
            .filter(|path| needle.as_deref().is_none_or(|n| path.name.to_lowercase().contains(n)))
            .map(|path| OfferedPath {
                enrollment: mine.iter().find(|l| l.path_id == path.id).cloned(),
                path_id: path.id,
                name: path.name,
                public: path.public,
                courses: 0,
                estimated_minutes: None,
            })
            .filter(|path| filter.statuses.is_empty() || path.enrollment.as_ref().is_some_and(|e| filter.statuses.contains(&e.status)))
            .collect();
        let (filtered, mut page) = page_of(matching, filter.descending, filter.page_number, filter.page_size);
        let ids: Vec<i64> = page.iter().map(|p| p.path_id).collect();
        let (counts, estimates) = (store::course_counts(tx, &ids)?, store::estimated_minutes(tx, &ids)?);
        for path in &mut page {
            path.courses = counts.iter().find(|(id, _)| *id == path.path_id).map_or(0, |(_, n)| *n);
            path.estimated_minutes = estimates.iter().find(|(id, _)| *id == path.path_id).map(|(_, m)| *m);
        }
        Ok((total, filtered, page))
    }
}
