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
use crate::store::paths::{self as store, PathLearnerRow};
use crate::store::progress::{self as progress_store, Reach, Totals};

/// A learner of a path and where the learner stands.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLearner {
    pub enrollment_id: i64,
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub status: CourseStatus,
    pub percent_complete: i16,
    pub registered_at: NaiveDateTime,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub certificate: bool,
    pub courses: i64,
    pub completed_courses: i64,
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
            user_id: row.learner_id,
            first_name: row.first_name.unwrap_or_default(),
            last_name: row.last_name.unwrap_or_default(),
            role: row.role.parse().map_err(OpError::Internal)?,
            status,
            percent_complete: percent,
            registered_at: row.registered_at,
            last_accessed_at: row.last_accessed_at,
            certificate: row.certificate_issued_at.is_some(),
            courses: row.courses,
            completed_courses: row.completed,
        })
    }
}

/// A page of a path's learners, as asked for.
#[derive(Debug, Clone)]
pub struct PathLearnersRequest {
    pub path_id: i64,
    pub portal_id: Option<i64>,
    pub statuses: Vec<CourseStatus>,
    pub name_or_email: Option<String>,
    pub newest_first: bool,
    pub page_number: i64,
    pub page_size: i64,
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
        let all = store::path_learners(tx, principal.tenant_id, path.id, &reach)?
            .into_iter()
            .map(PathLearner::of)
            .collect::<Result<Vec<_>, _>>()?;
        let count = |status: CourseStatus| all.iter().filter(|l| l.status == status).count() as i64;
        let totals = Totals {
            not_started: count(CourseStatus::NotStarted),
            in_progress: count(CourseStatus::InProgress),
            completed: count(CourseStatus::Completed),
        };
        let needle = request.name_or_email.as_ref().map(|text| text.to_lowercase());
        let mut matching: Vec<PathLearner> = all
            .into_iter()
            .filter(|l| request.statuses.is_empty() || request.statuses.contains(&l.status))
            .filter(|l| needle.as_ref().is_none_or(|n| format!("{} {}", l.first_name, l.last_name).to_lowercase().contains(n.as_str())))
            .collect();
        if request.newest_first {
            matching.reverse();
        }
        let filtered = matching.len() as i64;
        let offset = usize::try_from((request.page_number - 1).saturating_mul(request.page_size)).unwrap_or(usize::MAX);
        let learners = matching.into_iter().skip(offset).take(request.page_size as usize).collect();
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
        let (path_id, row) = store::path_enrollment(tx, principal.tenant_id, id, &member.reach_all())?
            .ok_or_else(|| OpError::not_found(Entity::LearningPath, &id.to_string()))?;
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
        let refreshed = store::path_enrollment(tx, principal.tenant_id, id, &Reach::default())?.map(|(_, row)| row).unwrap_or(row);
        Ok(PathLaunch { learner: PathLearner::of(refreshed)?, name: path.name, instructions: path.instructions, courses })
    }
}
