//! Course enrollments as Academy Of Mine manages them: a course's learners with their progress,
//! enrolling many learners at once, the actions on many enrollments (remove, reset, revoke, grant,
//! expiry, certificate), one enrollment's progress through the course's modules, and the activity
//! every action writes. What each action means for the one enrollment is the domain's
//! ([`crate::domain::progress`]); this layer checks who may do it and counts what it reached.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Entity, OpError, ProblemKind, Service, now};
use crate::domain::activity::{Verb, WebinarStatus};
use crate::domain::progress::{AccessStatus, CourseStatus, ModuleStatus};
use crate::domain::role::AomRole;
use crate::domain::{EnrollmentTypeGroup, Lifecycle, Principal};
use crate::store::enrollments::NewEnrollment;
use crate::store::progress::{self as store, LearnerOrder, NewActivity, Of, ProgressChange, Reach, Totals};
use crate::store::{Tx, portals};

/// The most learners one call may enroll.
pub const MAX_ENROLL: usize = 10_000;

/// Who calls: the user its token acts as, in which role, and what it reaches (a portal admin, the
/// learners of its portals and their sub-portals; everyone else, the whole account).
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: i64,
    pub role: AomRole,
    reach: Reach,
}

impl Member {
    /// The learners the member reaches.
    pub fn reach_all(&self) -> Reach {
        self.reach.clone()
    }

    /// Whether the member manages enrollments (every role but a learner's).
    pub fn manages(&self) -> bool {
        self.role != AomRole::Learner
    }
}

/// A page of a course's learners, as asked for.
#[derive(Debug, Clone)]
pub struct LearnersRequest {
    pub course_id: i64,
    /// Only learners of this portal and its sub-portals (`None`: every portal).
    pub portal_id: Option<i64>,
    pub statuses: Vec<CourseStatus>,
    pub name_or_email: Option<String>,
    pub order: LearnerOrder,
    pub descending: bool,
    /// 1-based.
    pub page_number: i64,
    pub page_size: i64,
}

/// One enrollment: its learner, its course, and where the learner stands.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerView {
    pub enrollment_id: i64,
    pub course_id: i64,
    pub course_title: String,
    /// The course's slug (of its title, when it has none of its own).
    pub course_slug: String,
    pub estimated_minutes: Option<i32>,
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// The user's role in the account.
    pub role: crate::domain::Role,
    pub status: CourseStatus,
    pub percent_complete: i16,
    pub access: AccessStatus,
    pub registered_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    /// The day access ends, when it does.
    pub expires_on: Option<NaiveDate>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: i64,
    pub certificate: Option<(NaiveDateTime, Option<NaiveDateTime>)>,
}

/// A course's learners: the course's name, its totals by status, how many match, and one page.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseLearners {
    pub course_name: String,
    pub totals: Totals,
    pub filtered: i64,
    pub learners: Vec<LearnerView>,
}

/// How an enrollment call went: learners enrolled and not (unknown, outside the portal, or
/// enrolled already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enrolled {
    pub enrolled: usize,
    pub not_enrolled: usize,
}

/// An action on many enrollments of a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseAction {
    Remove,
    Reset,
    Revoke,
    Grant,
    /// Access ends at this moment (its day is the due date).
    SetExpiry(NaiveDateTime),
    AssignCertificate,
}

impl CourseAction {
    fn verb(self) -> Verb {
        match self {
            CourseAction::Remove => Verb::Removed,
            CourseAction::Reset => Verb::Reset,
            CourseAction::Revoke => Verb::Revoked,
            CourseAction::Grant => Verb::Granted,
            CourseAction::SetExpiry(_) => Verb::UpdatedExpiryDate,
            CourseAction::AssignCertificate => Verb::AchievedCertificate,
        }
    }
}

/// A module of a course with one learner's progress through it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleView {
    pub module_id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
    /// The progress row's id, if the learner has one.
    pub status_row_id: Option<i64>,
    pub status: ModuleStatus,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: Option<i64>,
    pub times_accessed: i32,
    pub total_marks: Option<i32>,
    pub obtained_marks: Option<i32>,
}

/// One enrollment's progress through its course.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressView {
    pub enrollment_id: i64,
    pub course_id: i64,
    pub course_name: String,
    pub featured_image_url: Option<String>,
    pub user_id: i64,
    pub user_name: String,
    pub status: CourseStatus,
    pub percent_complete: i16,
    pub access: AccessStatus,
    pub enrolled_at: NaiveDateTime,
    pub expires_on: Option<NaiveDate>,
    /// The moment access ends (its day is `expires_on`).
    pub expires_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub time_spent_seconds: i64,
    pub certificate_available: bool,
    pub instructions: Option<String>,
    pub estimated_minutes: Option<i32>,
    pub modules: Vec<ModuleView>,
}

/// What a progress update sets: each field given, and the statuses of the modules named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressUpdate {
    pub enrolled_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub last_accessed_at: Option<NaiveDateTime>,
    pub status: Option<CourseStatus>,
    pub modules: Vec<(i64, ModuleStatus)>,
}

/// An entry of a course's activity.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityView {
    pub id: i64,
    pub verb: Verb,
    pub at: NaiveDateTime,
    pub learner: String,
    pub course: String,
    pub sentence: String,
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    [first.unwrap_or_default(), last.unwrap_or_default()].iter().filter(|part| !part.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// Where an activity happened: in a course, or in a learning path.
#[derive(Debug, Clone, Copy)]
pub(super) enum Within {
    Course(i64),
    Path(i64),
}

/// Writes what happened, `(verb, learner)` an entry, at `at`.
pub(super) fn log_activity(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    within: Within,
    happened: impl IntoIterator<Item = (Verb, i64)>,
    at: NaiveDateTime,
) -> Result<(), OpError> {
    let (course_id, learning_path_id) = match within {
        Within::Course(course) => (Some(course), None),
        Within::Path(path) => (None, Some(path)),
    };
    let entries: Vec<NewActivity<'_>> = happened
        .into_iter()
        .map(|(verb, learner_id)| NewActivity { tenant_id, verb: verb.as_str(), learner_id, course_id, learning_path_id, created_at: at })
        .collect();
    Ok(store::log(tx, &entries)?)
}

fn learner_view(row: store::LearnerRow) -> Result<LearnerView, OpError> {
    Ok(LearnerView {
        enrollment_id: row.enrollment_id,
        course_id: row.course_id,
        course_slug: row.course_slug.unwrap_or_else(|| super::portals::slug_of(&row.course_title)),
        course_title: row.course_title,
        estimated_minutes: row.estimated_minutes,
        user_id: row.user_id,
        first_name: row.first_name.unwrap_or_default(),
        last_name: row.last_name.unwrap_or_default(),
        email: row.email,
        role: row.role.parse().map_err(OpError::Internal)?,
        status: CourseStatus::of(&row.completion_status, row.progress, row.started_at.is_some()),
        percent_complete: row.progress,
        access: access_of(row.access_revoked_at),
        registered_at: row.access_date,
        started_at: row.started_at,
        completed_at: row.completed_at,
        expires_on: row.due_date.filter(|_| row.lock_after_due_date),
        last_accessed_at: row.last_accessed_at,
        time_spent_seconds: row.time_spent_seconds,
        certificate: row.certificate_issued_at.map(|issued| (issued, row.certificate_expires_at)),
    })
}

pub(super) fn activity_views(rows: Vec<store::ActivityRow>) -> Result<Vec<ActivityView>, OpError> {
    rows.into_iter()
        .map(|row| {
            let verb = Verb::parse(&row.verb).map_err(|refused| OpError::Internal(refused.reason))?;
            let learner = full_name(row.first_name.as_deref(), row.last_name.as_deref());
            let course = row.within.unwrap_or_default();
            let sentence = verb.sentence(&learner, &course);
            Ok(ActivityView { id: row.id, verb, at: row.created_at, learner, course, sentence })
        })
        .collect()
}

fn access_of(revoked_at: Option<NaiveDateTime>) -> AccessStatus {
    if revoked_at.is_some() { AccessStatus::Revoked } else { AccessStatus::Allowed }
}

impl Service {
    /// The member a principal acts as: only Academy Of Mine's tokens name one.
    pub fn member(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Member, OpError> {
        let Some((user_id, role)) = principal.acting else {
            return Err(OpError::Forbidden("this operation needs a token that acts as a user".into()));
        };
        let reach = match role {
            AomRole::PortalAdmin => Reach { within: vec![portals::administered_paths(tx, user_id)?] },
            _ => Reach::default(),
        };
        Ok(Member { user_id, role, reach })
    }

    /// The member, if it manages enrollments.
    fn manager(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Member, OpError> {
        let member = self.member(tx, principal)?;
        if !member.manages() {
            return Err(OpError::Forbidden("a learner may not manage enrollments".into()));
        }
        Ok(member)
    }

    /// The member's reach, narrowed to a portal and its sub-portals when one is named.
    pub(super) fn reach_within(tx: &mut Tx<'_>, principal: &Principal, member: &Member, portal_id: Option<i64>) -> Result<Reach, OpError> {
        let mut reach = member.reach.clone();
        if let Some(portal_id) = portal_id {
            let path = portals::path_of(tx, principal.tenant_id, portal_id)?
                .ok_or_else(|| OpError::not_found(Entity::Portal, &portal_id.to_string()))?;
            reach.within.push(vec![path]);
        }
        Ok(reach)
    }

    fn course(tx: &mut Tx<'_>, principal: &Principal, course_id: i64) -> Result<store::CourseCard, OpError> {
        store::course_card(tx, principal.tenant_id, course_id)?.ok_or_else(|| OpError::not_found(Entity::Course, &course_id.to_string()))
    }

    /// A course's learners: totals by status within the caller's reach and the portal, and one
    /// page of those matching the statuses and the name or e-mail asked for.
    pub fn course_learners(&self, tx: &mut Tx<'_>, principal: &Principal, request: &LearnersRequest) -> Result<CourseLearners, OpError> {
        let member = self.manager(tx, principal)?;
        let course = Self::course(tx, principal, request.course_id)?;
        let reach = Self::reach_within(tx, principal, &member, request.portal_id)?;
        let query = store::LearnerQuery {
            tenant_id: principal.tenant_id,
            of: Of::Course(course.id),
            reach,
            statuses: request.statuses.clone(),
            name_or_email: request.name_or_email.as_ref().map(|text| text.to_lowercase()),
            order: request.order,
            descending: request.descending,
            offset: (request.page_number - 1).saturating_mul(request.page_size),
            limit: request.page_size,
            courses: None,
            registered: (None, None),
        };
        let (rows, filtered, totals) = store::enrollment_rows(tx, &query)?;
        let learners = rows.into_iter().map(learner_view).collect::<Result<Vec<_>, OpError>>()?;
        Ok(CourseLearners { course_name: course.title, totals, filtered, learners })
    }

    /// Enrolls learners in a course: each live user of the account within the caller's reach (and
    /// the portal, when one is named) who is not enrolled already.
    pub fn enroll_in_course(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        course_id: i64,
        student_ids: &[i64],
        portal_id: Option<i64>,
    ) -> Result<Enrolled, OpError> {
        let member = self.manager(tx, principal)?;
        if student_ids.len() > MAX_ENROLL {
            return Err(OpError::wrong(
                ProblemKind::Limit,
                "studentIds",
                format!("at most {MAX_ENROLL} learners may be enrolled in one call"),
            ));
        }
        let course = Self::course(tx, principal, course_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let mut asked = student_ids.to_vec();
        asked.sort_unstable();
        asked.dedup();
        let candidates = store::users_within(tx, principal.tenant_id, &asked, &reach)?;
        let already = store::enrolled_among(tx, course.id, &candidates)?;
        let now = now();
        let external_ids: Vec<String> = candidates.iter().map(|_| uuid::Uuid::new_v4().to_string()).collect();
        let rows: Vec<NewEnrollment<'_>> = candidates
            .iter()
            .zip(&external_ids)
            .filter(|(learner, _)| !already.contains(learner))
            .map(|(learner, external_id)| NewEnrollment {
                tenant_id: principal.tenant_id,
                external_id,
                source: "aom",
                learner_id: *learner,
                course_id: course.id,
                access_date: now,
                due_date: None,
                lock_after_due_date: false,
                enrollment_type_group: EnrollmentTypeGroup::AssignedByAdministrator.code(),
                lifecycle: Lifecycle::Active.as_str(),
                completion_status: "not_started",
                progress: 0,
                completed_at: None,
                created_at: now,
                updated_at: now,
            })
            .collect();
        let enrolled = store::enroll(tx, &rows)?;
        log_activity(tx, principal.tenant_id, Within::Course(course.id), enrolled.iter().map(|l| (Verb::Enrolled, *l)), now)?;
        Ok(Enrolled { enrolled: enrolled.len(), not_enrolled: student_ids.len() - enrolled.len() })
    }

    /// Applies an action to the enrollments named that are the course's (and within the caller's
    /// reach); returns how many it reached. The others are not touched.
    pub fn act_on_course_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        course_id: i64,
        enrollment_ids: &[i64],
        action: CourseAction,
    ) -> Result<usize, OpError> {
        let member = self.manager(tx, principal)?;
        let course = Self::course(tx, principal, course_id)?;
        if action == CourseAction::AssignCertificate && course.certificate_template_id.is_none() {
            return Err(OpError::invalid("id", format!("course {} has no certificate template to issue certificates from", course.id)));
        }
        let found = store::enrollments_of_course(tx, principal.tenant_id, course.id, enrollment_ids, &member.reach)?;
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        let now = now();
        if !ids.is_empty() {
            match action {
                CourseAction::Remove => store::remove(tx, &ids, now)?,
                CourseAction::Reset => store::reset(tx, &ids, now)?,
                CourseAction::Revoke => store::set_access_revoked(tx, &ids, Some(now), now)?,
                CourseAction::Grant => store::set_access_revoked(tx, &ids, None, now)?,
                CourseAction::SetExpiry(at) => store::set_expiry(tx, &ids, at, now)?,
                CourseAction::AssignCertificate => {
                    let expires = course.certificate_valid_days.map(|days| now + chrono::Duration::days(days.into()));
                    store::issue_certificates(tx, principal.tenant_id, &ids, now, expires)?
                }
            }
        }
        log_activity(tx, principal.tenant_id, Within::Course(course.id), found.iter().map(|(_, l)| (action.verb(), *l)), now)?;
        Ok(ids.len())
    }

    /// The enrollment a member may see, as `user_id`'s (when one is named): a learner sees only
    /// its own.
    fn registration_of(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        enrollment_id: i64,
        user_id: Option<i64>,
    ) -> Result<(Member, store::RegistrationRow), OpError> {
        let member = self.member(tx, principal)?;
        let row = store::registration(tx, principal.tenant_id, enrollment_id, &member.reach)?
            .filter(|row| user_id.is_none_or(|user| row.learner_id == user))
            .ok_or_else(|| OpError::not_found(Entity::Enrollment, &enrollment_id.to_string()))?;
        if !member.manages() && row.learner_id != member.user_id {
            return Err(OpError::Forbidden("a learner sees only its own progress".into()));
        }
        Ok((member, row))
    }

    /// One enrollment's progress through its course, module by module.
    pub fn course_progress(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        enrollment_id: i64,
        user_id: i64,
    ) -> Result<ProgressView, OpError> {
        let (_, row) = self.registration_of(tx, principal, enrollment_id, Some(user_id))?;
        let course = Self::course(tx, principal, row.course_id)?;
        let modules = store::modules(tx, row.course_id, row.enrollment_id)?
            .into_iter()
            .map(|module| ModuleView {
                module_id: module.module_id,
                name: module.name,
                slug: module.slug,
                kind: module.kind,
                status_row_id: module.progress_id,
                status: module.status.as_deref().and_then(ModuleStatus::from_stored).unwrap_or(ModuleStatus::NotStarted),
                started_at: module.started_at,
                completed_at: module.completed_at,
                last_accessed_at: module.last_accessed_at,
                time_spent_seconds: module.time_spent_seconds,
                times_accessed: module.times_accessed.unwrap_or(0),
                total_marks: module.total_marks,
                obtained_marks: module.obtained_marks,
            })
            .collect();
        let certificate_available = course.certificate_template_id.is_some();
        Ok(ProgressView {
            enrollment_id: row.enrollment_id,
            course_id: course.id,
            course_name: course.title,
            featured_image_url: course.featured_image_url,
            user_id: row.learner_id,
            user_name: full_name(row.first_name.as_deref(), row.last_name.as_deref()),
            status: CourseStatus::of(&row.completion_status, row.progress, row.started_at.is_some()),
            percent_complete: row.progress,
            access: access_of(row.access_revoked_at),
            enrolled_at: row.access_date,
            expires_on: row.due_date.filter(|_| row.lock_after_due_date),
            expires_at: crate::domain::progress::expires_at(row.due_date, row.lock_after_due_date, row.expires_at),
            completed_at: row.completed_at,
            started_at: row.started_at,
            last_accessed_at: row.last_accessed_at,
            time_spent_seconds: row.time_spent_seconds,
            certificate_available,
            instructions: course.instructions,
            estimated_minutes: course.estimated_minutes,
            modules,
        })
    }

    /// Writes what an update gives of an enrollment's progress, and nothing else. Module statuses
    /// set the course's progress (and its status, unless the update names one); a course newly
    /// completed gets its completion date and, when the course issues them, its certificate. The
    /// id names the enrollment or, with a user, the course that user is enrolled in.
    pub fn update_course_progress(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: i64,
        user_id: Option<i64>,
        update: &ProgressUpdate,
    ) -> Result<(), OpError> {
        let member = self.manager(tx, principal)?;
        let row = match store::registration(tx, principal.tenant_id, id, &member.reach)? {
            Some(row) if user_id.is_none_or(|user| row.learner_id == user) => row,
            _ => {
                let by_course = match user_id {
                    Some(user) => crate::store::offerings::active_enrollment_of(tx, id, user)?,
                    None => None,
                };
                by_course
                    .map(|enrollment| store::registration(tx, principal.tenant_id, enrollment, &member.reach))
                    .transpose()?
                    .flatten()
                    .ok_or_else(|| OpError::not_found(Entity::Enrollment, &id.to_string()))?
            }
        };
        let now = now();
        let known = store::modules(tx, row.course_id, row.enrollment_id)?;
        for (module_id, status) in &update.modules {
            if !known.iter().any(|module| module.module_id == *module_id) {
                return Err(OpError::invalid("modules", format!("module {module_id} is not a module of course {}", row.course_id)));
            }
            store::set_module_status(tx, row.enrollment_id, *module_id, status.stored(), now)?;
        }
        let was = CourseStatus::of(&row.completion_status, row.progress, row.started_at.is_some());
        let mut change = ProgressChange { updated_at: Some(now), ..Default::default() };
        let derived = if update.modules.is_empty() {
            None
        } else {
            let modules = store::modules(tx, row.course_id, row.enrollment_id)?;
            let completed = modules.iter().filter(|module| module.status.as_deref() == Some(ModuleStatus::Completed.stored())).count();
            crate::domain::progress::percent_complete(completed, modules.len())
        };
        let status = update.status.or(derived.map(|percent| match percent {
            100 => CourseStatus::Completed,
            0 if was == CourseStatus::NotStarted => CourseStatus::NotStarted,
            _ => CourseStatus::InProgress,
        }));
        if let Some(status) = status {
            let (stored, progress) = status.canonical(derived.unwrap_or(row.progress));
            change.completion_status = Some(stored.to_string());
            change.progress = Some(progress);
            if status == CourseStatus::Completed && row.completed_at.is_none() && update.completed_at.is_none() {
                change.completed_at = Some(Some(now));
            }
            if status != CourseStatus::Completed {
                change.completed_at = Some(None);
            }
            if status != CourseStatus::NotStarted && row.started_at.is_none() && update.started_at.is_none() {
                change.started_at = Some(Some(now));
            }
        }
        if let Some(at) = update.enrolled_at {
            change.access_date = Some(at);
        }
        if let Some(at) = update.expires_at {
            change.due_date = Some(Some(at.date()));
            change.lock_after_due_date = Some(true);
            change.expires_at = Some(Some(at));
        }
        if let Some(at) = update.started_at {
            change.started_at = Some(Some(at));
        }
        if let Some(at) = update.completed_at {
            change.completed_at = Some(Some(at));
        }
        if let Some(at) = update.last_accessed_at {
            change.last_accessed_at = Some(Some(at));
        }
        store::change_progress(tx, row.enrollment_id, &change)?;
        let mut verbs = vec![Verb::ManuallyUpdated];
        if status == Some(CourseStatus::Completed) && was != CourseStatus::Completed {
            verbs.push(Verb::Completed);
            let course = Self::course(tx, principal, row.course_id)?;
            if course.certificate_template_id.is_some() {
                let expires = course.certificate_valid_days.map(|days| now + chrono::Duration::days(days.into()));
                store::issue_certificates(tx, principal.tenant_id, &[row.enrollment_id], now, expires)?;
                verbs.push(Verb::AchievedCertificate);
            }
        }
        log_activity(tx, principal.tenant_id, Within::Course(row.course_id), verbs.into_iter().map(|v| (v, row.learner_id)), now)?;
        Ok(())
    }

    /// A page of a course's activity within the caller's reach and the portal, newest first, with
    /// the course's name and how many entries there are.
    #[allow(clippy::too_many_arguments)]
    pub fn course_activity(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        course_id: i64,
        portal_id: Option<i64>,
        name_or_email: Option<&str>,
        oldest_first: bool,
        page_number: i64,
        page_size: i64,
    ) -> Result<(String, i64, i64, Vec<ActivityView>), OpError> {
        let member = self.manager(tx, principal)?;
        let course = Self::course(tx, principal, course_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let name = name_or_email.map(str::to_lowercase);
        let query = store::ActivityQuery {
            tenant_id: principal.tenant_id,
            trail: store::Trail::Course(course.id),
            reach: &reach,
            name_or_email: name.as_deref(),
            oldest_first,
            offset: (page_number - 1).saturating_mul(page_size),
            limit: page_size,
        };
        let (rows, total, filtered) = store::activity_of(tx, &query)?;
        Ok((course.title, total, filtered, activity_views(rows)?))
    }
}

/// Whose enrolled courses a user list shows: the caller's own, or (for a manager) a user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewType {
    /// The caller's own courses.
    Own,
    /// The named user's, for one who manages them.
    Manage,
}

/// A user's enrolled courses, as asked for.
#[derive(Debug, Clone)]
pub struct CoursesRequest {
    pub user_id: i64,
    pub view: ViewType,
    /// Only learning within these portals and their sub-portals (none: every portal).
    pub portals: Vec<i64>,
    pub statuses: Vec<CourseStatus>,
    pub course_name: Option<String>,
    pub order: LearnerOrder,
    pub descending: bool,
    pub page_number: i64,
    pub page_size: i64,
}

/// A user's enrolled courses: the user's name and role, its totals by status, how many match,
/// and one page.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCourses {
    pub name: String,
    pub role: crate::domain::Role,
    pub totals: Totals,
    pub filtered: i64,
    pub courses: Vec<LearnerView>,
}

/// A certificate a learner holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateView {
    pub id: i64,
    pub title: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

/// A user's dashboard: courses by status and the time spent in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dashboard {
    pub totals: Totals,
    pub time_spent_seconds: i64,
}

/// The information of a course for a user: its modules with the user's progress (none when not
/// enrolled) and its webinars.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseInfo {
    pub name: String,
    pub enrolled: Option<ProgressView>,
    pub modules: Vec<ModuleView>,
    pub estimated_minutes: Option<i32>,
    /// The course's webinars, and whether the user is registered for each.
    pub webinars: Vec<(store::WebinarRow, bool)>,
}

impl Service {
    /// The user a request names, checked against the caller: a learner names itself only; a
    /// manager names users within its reach.
    pub(super) fn user_in_reach(&self, tx: &mut Tx<'_>, principal: &Principal, member: &Member, user_id: i64) -> Result<i64, OpError> {
        if !member.manages() && user_id != member.user_id {
            return Err(OpError::Forbidden("a learner sees only its own learning".into()));
        }
        let found = store::users_within(tx, principal.tenant_id, &[user_id], &member.reach)?;
        found.first().copied().ok_or_else(|| OpError::not_found(Entity::User, &user_id.to_string()))
    }

    /// A user's enrolled courses with totals by status.
    pub fn user_courses(&self, tx: &mut Tx<'_>, principal: &Principal, request: &CoursesRequest) -> Result<UserCourses, OpError> {
        let member = self.member(tx, principal)?;
        let user_id = match request.view {
            ViewType::Own => member.user_id,
            ViewType::Manage => self.user_in_reach(tx, principal, &member, request.user_id)?,
        };
        let reach = Self::report_reach(tx, principal, &member, &request.portals)?;
        let (totals, filtered, courses) = self.learner_courses(tx, principal, user_id, reach, None, request)?;
        let profile = crate::store::users::name_and_role(tx, user_id)?;
        let name = full_name(profile.0.as_deref(), profile.1.as_deref());
        let role = profile.2.parse().map_err(OpError::Internal)?;
        Ok(UserCourses { name, role, totals, filtered, courses })
    }

    /// A learner's enrollments (within a reach, and in `courses` when given): totals by status,
    /// how many match the request's statuses and course name, and its page.
    pub(super) fn learner_courses(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: i64,
        reach: Reach,
        courses: Option<Vec<i64>>,
        request: &CoursesRequest,
    ) -> Result<(Totals, i64, Vec<LearnerView>), OpError> {
        let query = store::LearnerQuery {
            tenant_id: principal.tenant_id,
            of: Of::Learner(user_id),
            reach,
            statuses: request.statuses.clone(),
            name_or_email: request.course_name.as_ref().map(|text| text.to_lowercase()),
            order: request.order,
            descending: request.descending,
            offset: (request.page_number - 1).saturating_mul(request.page_size),
            limit: request.page_size,
            courses,
            registered: (None, None),
        };
        let (rows, filtered, totals) = store::enrollment_rows(tx, &query)?;
        let views = rows.into_iter().map(learner_view).collect::<Result<Vec<_>, OpError>>()?;
        Ok((totals, filtered, views))
    }

    /// The gradebook and launch pages of an enrollment: its progress, as its learner sees it.
    /// Launching (not `info_only`) opens the course: it records the start and the access, which
    /// revoked or expired access refuses.
    pub fn launch_course(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        enrollment_id: i64,
        info_only: bool,
    ) -> Result<ProgressView, OpError> {
        let member = self.member(tx, principal)?;
        let row = store::registration(tx, principal.tenant_id, enrollment_id, &member.reach)?
            .ok_or_else(|| OpError::not_found(Entity::Enrollment, &enrollment_id.to_string()))?;
        if !member.manages() && row.learner_id != member.user_id {
            return Err(OpError::Forbidden("a learner launches only its own courses".into()));
        }
        if !info_only {
            let today = now().date();
            let expired = row.due_date.is_some_and(|due| row.lock_after_due_date && due < today);
            if row.access_revoked_at.is_some() || expired {
                return Err(OpError::Forbidden("access to this course is revoked or expired".into()));
            }
            let now = now();
            store::record_access(tx, row.enrollment_id, now, row.started_at.is_none())?;
            let mut verbs = vec![Verb::Accessed];
            if row.started_at.is_none() {
                verbs.insert(0, Verb::Started);
            }
            log_activity(tx, principal.tenant_id, Within::Course(row.course_id), verbs.into_iter().map(|v| (v, row.learner_id)), now)?;
        }
        self.course_progress(tx, principal, row.enrollment_id, row.learner_id)
    }

    /// A course's information for a user: its modules with the user's progress when enrolled.
    pub fn course_info(&self, tx: &mut Tx<'_>, principal: &Principal, course_id: i64, user_id: i64) -> Result<CourseInfo, OpError> {
        let member = self.member(tx, principal)?;
        let user_id = self.user_in_reach(tx, principal, &member, user_id)?;
        let course = Self::course(tx, principal, course_id)?;
        let enrollment = crate::store::offerings::active_enrollment_of(tx, course.id, user_id)?;
        let enrolled = enrollment.map(|id| self.course_progress(tx, principal, id, user_id)).transpose()?;
        let modules = match &enrolled {
            Some(progress) => progress.modules.clone(),
            None => store::modules(tx, course.id, 0)?
                .into_iter()
                .map(|module| ModuleView {
                    module_id: module.module_id,
                    name: module.name,
                    slug: module.slug,
                    kind: module.kind,
                    status_row_id: None,
                    status: ModuleStatus::NotStarted,
                    started_at: None,
                    completed_at: None,
                    last_accessed_at: None,
                    time_spent_seconds: None,
                    times_accessed: 0,
                    total_marks: module.total_marks,
                    obtained_marks: None,
                })
                .collect(),
        };
        let webinars = store::webinars_of_course(tx, course.id, enrollment)?;
        Ok(CourseInfo { name: course.title, enrolled, modules, estimated_minutes: course.estimated_minutes, webinars })
    }

    /// The learners of a course (within the caller's reach and the portal) whose name or e-mail
    /// contains the term: `(user, name, e-mail)`, at most 50.
    pub fn enrolled_user_lookup(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        course_id: i64,
        portal_id: Option<i64>,
        term: &str,
    ) -> Result<Vec<(i64, String, Option<String>)>, OpError> {
        let member = self.manager(tx, principal)?;
        let course = Self::course(tx, principal, course_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let term = term.trim().trim_matches('"').to_lowercase();
        let found = store::enrolled_users_matching(tx, principal.tenant_id, course.id, &reach, &term, 50)?;
        Ok(found.into_iter().map(|(id, first, last, email)| (id, full_name(first.as_deref(), last.as_deref()), email)).collect())
    }

    /// Makes these courses the ones every new learner is enrolled in; each must be the account's.
    pub fn set_auto_enroll_courses(&self, tx: &mut Tx<'_>, principal: &Principal, courses: &[i64]) -> Result<(), OpError> {
        let member = self.manager(tx, principal)?;
        if !matches!(member.role, AomRole::Owner | AomRole::Admin) {
            return Err(OpError::Forbidden("only the account's owner and administrators set the courses every learner gets".into()));
        }
        let mut courses = courses.to_vec();
        courses.sort_unstable();
        courses.dedup();
        let known = store::courses_of_tenant(tx, principal.tenant_id, &courses)?;
        if let Some(unknown) = courses.iter().find(|course| !known.contains(course)) {
            return Err(OpError::not_found(Entity::Course, &unknown.to_string()));
        }
        store::set_auto_enroll(tx, principal.tenant_id, &courses)?;
        Ok(())
    }

    /// A page of a user's certificates (the caller's own without a user), newest first unless
    /// asked otherwise, only those whose course title contains `title`; and how many match.
    #[allow(clippy::too_many_arguments)]
    pub fn user_certificates(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: Option<i64>,
        title: Option<&str>,
        oldest_first: bool,
        page_number: i64,
        page_size: i64,
    ) -> Result<(Vec<CertificateView>, i64), OpError> {
        let member = self.member(tx, principal)?;
        let user_id = match user_id {
            None => member.user_id,
            Some(user) => self.user_in_reach(tx, principal, &member, user)?,
        };
        let offset = (page_number - 1).saturating_mul(page_size);
        let (rows, total) = store::certificates_of(tx, principal.tenant_id, user_id, title, oldest_first, offset, page_size)?;
        let views = rows
            .into_iter()
            .map(|row| CertificateView { id: row.id, title: row.course_title, issued_at: row.issued_at, expires_at: row.expires_at })
            .collect();
        Ok((views, total))
    }

    /// Sets a certificate's issue and expiry dates.
    pub fn set_certificate_dates(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: i64,
        issued_at: NaiveDateTime,
        expires_at: Option<NaiveDateTime>,
    ) -> Result<(), OpError> {
        let member = self.manager(tx, principal)?;
        if expires_at.is_some_and(|expires| expires < issued_at) {
            return Err(OpError::invalid("newExpiryDate", "The new expiry date must be a date after or equal to new issue date."));
        }
        if store::set_certificate_dates(tx, principal.tenant_id, id, &member.reach, issued_at, expires_at)? {
            Ok(())
        } else {
            Err(OpError::not_found(Entity::Enrollment, &id.to_string()))
        }
    }

    /// A page of a user's activity, newest first, and how many entries there are.
    pub fn user_activity(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: Option<i64>,
        portal_id: Option<i64>,
        page_number: i64,
        page_size: i64,
    ) -> Result<(i64, Vec<ActivityView>), OpError> {
        let member = self.member(tx, principal)?;
        let user_id = match user_id {
            None => member.user_id,
            Some(user) => self.user_in_reach(tx, principal, &member, user)?,
        };
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let query = store::ActivityQuery {
            tenant_id: principal.tenant_id,
            trail: store::Trail::Learner(user_id),
            reach: &reach,
            name_or_email: None,
            oldest_first: false,
            offset: (page_number - 1).saturating_mul(page_size),
            limit: page_size,
        };
        let (rows, total, _) = store::activity_of(tx, &query)?;
        Ok((total, activity_views(rows)?))
    }

    /// A user's dashboard: courses by status, and the time spent in them.
    pub fn user_dashboard(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: i64,
        portal_id: Option<i64>,
    ) -> Result<Dashboard, OpError> {
        let member = self.member(tx, principal)?;
        let user_id = self.user_in_reach(tx, principal, &member, user_id)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let totals = store::totals(tx, principal.tenant_id, Of::Learner(user_id), &reach)?;
        Ok(Dashboard { totals, time_spent_seconds: store::time_spent(tx, principal.tenant_id, user_id)? })
    }
}

impl Service {
    /// The name of the caller's account (the issuer of its certificates).
    pub fn tenant_name(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<String, OpError> {
        crate::store::tenants::name_of(tx, principal.tenant_id)?.ok_or_else(|| OpError::Internal("the caller's tenant is missing".into()))
    }
}

/// A course detail report, as asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Only these courses (none: every course).
    pub courses: Option<Vec<i64>>,
    /// Only learners of these portals and their sub-portals (none: every learner).
    pub portals: Vec<i64>,
    pub registered: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    pub statuses: Vec<CourseStatus>,
    pub name_or_email: Option<String>,
    pub order: LearnerOrder,
    pub descending: bool,
    pub page_number: i64,
    pub page_size: i64,
}

/// A course detail report: totals, how many rows match, one page with each learner's portals.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseReport {
    pub totals: Totals,
    pub filtered: i64,
    pub rows: Vec<(LearnerView, Vec<String>)>,
}

/// One course's line of the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseOverview {
    pub title: String,
    pub totals: Totals,
}

impl Service {
    /// The reach of a report: the member's, narrowed to any of the portals named.
    pub(super) fn report_reach(tx: &mut Tx<'_>, principal: &Principal, member: &Member, portals: &[i64]) -> Result<Reach, OpError> {
        let mut reach = member.reach.clone();
        if !portals.is_empty() {
            let mut paths = Vec::new();
            for portal in portals {
                paths.push(
                    portals::path_of(tx, principal.tenant_id, *portal)?
                        .ok_or_else(|| OpError::not_found(Entity::Portal, &portal.to_string()))?,
                );
            }
            reach.within.push(paths);
        }
        Ok(reach)
    }

    /// The course detail report: enrollments of the courses, within the portals and the range.
    pub fn course_report(&self, tx: &mut Tx<'_>, principal: &Principal, request: &ReportRequest) -> Result<CourseReport, OpError> {
        let member = self.manager(tx, principal)?;
        let reach = Self::report_reach(tx, principal, &member, &request.portals)?;
        if let Some(courses) = &request.courses {
            let known = store::courses_of_tenant(tx, principal.tenant_id, courses)?;
            if let Some(unknown) = courses.iter().find(|c| !known.contains(c)) {
                return Err(OpError::not_found(Entity::Course, &unknown.to_string()));
            }
        }
        let query = store::LearnerQuery {
            tenant_id: principal.tenant_id,
            of: Of::Tenant,
            reach,
            statuses: request.statuses.clone(),
            name_or_email: request.name_or_email.as_ref().map(|text| text.to_lowercase()),
            order: request.order,
            descending: request.descending,
            offset: (request.page_number - 1).saturating_mul(request.page_size),
            limit: request.page_size,
            courses: request.courses.clone(),
            registered: request.registered,
        };
        let (rows, filtered, totals) = store::enrollment_rows(tx, &query)?;
        let rows = rows
            .into_iter()
            .map(|row| {
                let portals = portals::portal_names_of(tx, row.user_id)?;
                Ok((learner_view(row)?, portals))
            })
            .collect::<Result<Vec<_>, OpError>>()?;
        Ok(CourseReport { totals, filtered, rows })
    }

    /// The LMS overview: each course's learners by status, within the portals named.
    pub fn lms_overview(&self, tx: &mut Tx<'_>, principal: &Principal, portals: &[i64]) -> Result<Vec<CourseOverview>, OpError> {
        let member = self.manager(tx, principal)?;
        let reach = Self::report_reach(tx, principal, &member, portals)?;
        let mut lines = Vec::new();
        for (course, title) in store::courses_with_enrollments(tx, principal.tenant_id)? {
            let totals = store::totals(tx, principal.tenant_id, Of::Course(course), &reach)?;
            if totals.all() > 0 {
                lines.push(CourseOverview { title, totals });
            }
        }
        Ok(lines)
    }
}

/// A page of a webinar's students, as asked for.
#[derive(Debug, Clone)]
pub struct WebinarStudentsRequest {
    pub course_id: i64,
    pub webinar_id: i64,
    /// Only learners of this portal and its sub-portals (`None`: every portal).
    pub portal_id: Option<i64>,
    pub order: store::WebinarOrder,
    pub descending: bool,
    pub page_number: i64,
    pub page_size: i64,
}

/// What a change to webinar registrations sets.
#[derive(Debug, Clone, PartialEq)]
pub enum WebinarChange {
    Status(WebinarStatus),
    Notes(crate::domain::values::Text),
}

/// A webinar's attendance: the webinar, its registrations counted by attendance, and one page.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceReport {
    pub webinar: store::WebinarRow,
    pub totals: store::AttendanceTotals,
    pub records: Vec<store::WebinarRegistrationRow>,
}

impl Service {
    /// The tenant's webinar `id` (of the course, when one is named: another course's is not found).
    fn webinar(tx: &mut Tx<'_>, principal: &Principal, id: i64, course_id: Option<i64>) -> Result<store::WebinarRow, OpError> {
        store::webinar(tx, principal.tenant_id, id)?
            .filter(|webinar| course_id.is_none_or(|course| webinar.course_id == course))
            .ok_or_else(|| OpError::not_found(Entity::Webinar, &id.to_string()))
    }

    /// A page of a webinar's students within the caller's reach and the portal.
    pub fn webinar_students(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        request: &WebinarStudentsRequest,
    ) -> Result<Vec<store::WebinarRegistrationRow>, OpError> {
        let member = self.manager(tx, principal)?;
        let course = Self::course(tx, principal, request.course_id)?;
        let webinar = Self::webinar(tx, principal, request.webinar_id, Some(course.id))?;
        let reach = Self::reach_within(tx, principal, &member, request.portal_id)?;
        let offset = (request.page_number - 1).saturating_mul(request.page_size);
        let (rows, _) = store::webinar_registrations(
            tx,
            principal.tenant_id,
            &webinar,
            &reach,
            request.order,
            request.descending,
            offset,
            request.page_size,
        )?;
        Ok(rows)
    }

    /// Changes the webinar registrations named (by course registration) that are the webinar's
    /// and within the caller's reach and the portal; returns how many. The others are not touched.
    /// A status writes its verb for each learner reached, where it has one.
    pub fn change_webinar_registrations(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        webinar_id: i64,
        ids: &[i64],
        portal_id: Option<i64>,
        change: &WebinarChange,
    ) -> Result<usize, OpError> {
        let member = self.manager(tx, principal)?;
        let webinar = Self::webinar(tx, principal, webinar_id, None)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let found = store::webinar_registrations_among(tx, principal.tenant_id, &webinar, ids, &reach)?;
        let reached: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        if reached.is_empty() {
            return Ok(0);
        }
        let now = now();
        match change {
            WebinarChange::Status(status) => {
                let attendance = status.attendance.map(|a| a.as_str());
                store::set_webinar_status(tx, webinar.id, &reached, &status.word, attendance, now)?;
                if let Some(verb) = status.verb() {
                    log_activity(tx, principal.tenant_id, Within::Course(webinar.course_id), found.iter().map(|(_, l)| (verb, *l)), now)?;
                }
            }
            WebinarChange::Notes(notes) => store::set_webinar_notes(tx, webinar.id, &reached, notes.as_str())?,
        }
        Ok(reached.len())
    }

    /// A webinar's attendance within the caller's reach and the portal: totals counted in the
    /// database, and one page of its registrations.
    pub fn attendance_report(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        webinar_id: i64,
        portal_id: Option<i64>,
        page_number: i64,
        page_size: i64,
    ) -> Result<AttendanceReport, OpError> {
        let member = self.manager(tx, principal)?;
        let webinar = Self::webinar(tx, principal, webinar_id, None)?;
        let reach = Self::reach_within(tx, principal, &member, portal_id)?;
        let totals = store::attendance_totals(tx, principal.tenant_id, &webinar, &reach)?;
        let offset = (page_number - 1).saturating_mul(page_size);
        let (records, _) = store::webinar_registrations(
            tx,
            principal.tenant_id,
            &webinar,
            &reach,
            store::WebinarOrder::Registration,
            false,
            offset,
            page_size,
        )?;
        Ok(AttendanceReport { webinar, totals, records })
    }
}
