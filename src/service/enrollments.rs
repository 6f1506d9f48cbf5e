//! Enrollment operations.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

use super::paging::{Page, PageRequest, for_each_batch, page_of};
use super::scope::Scope;
use super::{Entity, OpError, ProblemKind, Service, now, require_administrator};
use crate::domain::values::{DuePeriod, ExternalId};
use crate::domain::{DueDateType, DueRule, EnrollmentTypeGroup, EnrollmentView, Lifecycle, Principal};
use crate::store::courses;
use crate::store::enrollments::{self, ActiveFilter, EnrollmentRecord, NewEnrollment};
use crate::store::{Tx, users};

/// Most ids one filter list may hold.
pub const MAX_FILTER_IDS: usize = 10_000;
/// Most enrollments (courses × learners) one EnrollLearnersInCourses call may create.
pub const MAX_ENROLL_PAIRS: usize = 100_000;

/// `getEnrollments` filters: external course and learner ids. `None` (or an empty list) means
/// "no filter"; ids that name nothing in the account match nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrollmentQuery {
    pub course_ids: Option<Vec<ExternalId>>,
    pub learner_ids: Option<Vec<ExternalId>>,
}

/// `enrollLearnersInCourses`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollRequest {
    pub course_ids: Vec<ExternalId>,
    pub learner_ids: Vec<ExternalId>,
    pub access_date: Option<DateTime<FixedOffset>>,
    pub due_date_type: DueDateType,
    pub due_date: Option<NaiveDate>,
    pub due_period: Option<DuePeriod>,
    pub lock_after_due_date: Option<bool>,
}

/// `changeEnrollment`: what is `None` stays as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollmentChange {
    pub enrollment_id: ExternalId,
    pub access_date: Option<DateTime<FixedOffset>>,
    pub due_date_type: Option<DueDateType>,
    pub due_date: Option<NaiveDate>,
    pub due_period: Option<DuePeriod>,
    pub lock_after_due_date: Option<bool>,
}

/// The internal-key filter a query resolves to; `None` when it can match nothing.
struct Resolved {
    tenant_id: i64,
    course_ids: Option<Vec<i64>>,
    learner_ids: Option<Vec<i64>>,
    departments: Option<Vec<i64>>,
}

impl Resolved {
    fn filter(&self) -> ActiveFilter<'_> {
        ActiveFilter {
            tenant_id: self.tenant_id,
            course_ids: self.course_ids.as_deref(),
            learner_ids: self.learner_ids.as_deref(),
            departments: self.departments.as_deref(),
            enrollment_ids: None,
        }
    }
}

/// The distinct ids of a filter list, or `None` when the filter is absent or empty.
pub(crate) fn non_empty<'a, T>(ids: &'a Option<Vec<T>>, name: &str) -> Result<Option<&'a [T]>, OpError> {
    match ids.as_deref() {
        None | Some([]) => Ok(None),
        Some(ids) if ids.len() > MAX_FILTER_IDS => Err(OpError::wrong(
            ProblemKind::Limit,
            name,
            format!("{name} holds {} ids; at most {MAX_FILTER_IDS} are accepted in one request", ids.len()),
        )),
        Some(ids) => Ok(Some(ids)),
    }
}

/// Internal ids of the named learners; naming one outside the caller's departments is refused.
pub(crate) fn learners_in_scope(tx: &mut Tx<'_>, tenant_id: i64, scope: &Scope, ids: &[ExternalId]) -> Result<Vec<i64>, OpError> {
    let learners = users::users_by_external_ids(tx, tenant_id, ids)?;
    if let Some(outside) = learners.iter().find(|learner| !scope.contains_department(learner.department_id)) {
        return Err(OpError::Forbidden(format!("user '{}' is not in a department you manage", outside.external_id)));
    }
    Ok(learners.into_iter().map(|learner| learner.id).collect())
}

/// Reads the due-date fields into a rule, refusing combinations that contradict the type.
pub(crate) fn due_rule(kind: DueDateType, date: Option<NaiveDate>, period: Option<i32>) -> Result<DueRule, OpError> {
    let prohibited = |field: &str| OpError::invalid(field, format!("{field} does not apply to this dueDateType; leave it out"));
    match (kind, date, period) {
        (DueDateType::DueDate, Some(date), None) => Ok(DueRule::Date(date)),
        (DueDateType::DueDate, None, _) => Err(OpError::invalid("dueDate", "dueDateType due_date needs a dueDate")),
        (DueDateType::DuePeriod, None, Some(hours)) => Ok(DueRule::Period(hours)),
        (DueDateType::DuePeriod, _, None) => Err(OpError::invalid("duePeriod", "dueDateType due_period needs a duePeriod (hours)")),
        (DueDateType::DueDate, Some(_), Some(_)) => Err(prohibited("duePeriod")),
        (DueDateType::DuePeriod, Some(_), Some(_)) => Err(prohibited("dueDate")),
        (DueDateType::Unlimited | DueDateType::Default, Some(_), _) => Err(prohibited("dueDate")),
        (DueDateType::Unlimited | DueDateType::Default, None, Some(_)) => Err(prohibited("duePeriod")),
        (DueDateType::Unlimited, None, None) => Ok(DueRule::Unlimited),
        (DueDateType::Default, None, None) => Ok(DueRule::Default),
    }
}

pub(crate) fn check_due_after_access(due: Option<NaiveDate>, access: NaiveDateTime) -> Result<(), OpError> {
    match due {
        Some(due) if due < access.date() => {
            Err(OpError::invalid("dueDate", format!("the due date {due} is before the access date {}", access.date())))
        }
        _ => Ok(()),
    }
}

/// An access date in UTC, within the calendar every face can write.
pub(crate) fn access_utc(t: DateTime<FixedOffset>) -> Result<NaiveDateTime, OpError> {
    let utc = t.naive_utc();
    if crate::domain::values::in_calendar(utc.date()) {
        Ok(utc)
    } else {
        Err(OpError::invalid("accessDate", format!("the access date {t} is outside the years 1 to 9999")))
    }
}

impl Service {
    fn resolve_query(&self, tx: &mut Tx<'_>, principal: &Principal, query: &EnrollmentQuery) -> Result<Option<Resolved>, OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let scope = Scope::of(tx, principal)?;
        let course_ids = match non_empty(&query.course_ids, "courseIds")? {
            None => None,
            Some(ids) => {
                Some(courses::courses_by_external_ids(tx, tenant_id, ids)?.into_iter().map(|course| course.id).collect::<Vec<_>>())
            }
        };
        let learner_ids = match non_empty(&query.learner_ids, "learnerIds")? {
            None => None,
            Some(ids) => Some(learners_in_scope(tx, tenant_id, &scope, ids)?),
        };
        if course_ids.as_ref().is_some_and(Vec::is_empty) || learner_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(None);
        }
        let departments = match scope {
            Scope::Account => None,
            Scope::Departments(set) if set.is_empty() => return Ok(None),
            Scope::Departments(set) => Some(set.into_iter().collect()),
        };
        Ok(Some(Resolved { tenant_id, course_ids, learner_ids, departments }))
    }

    /// Every active enrollment of the caller's account that matches `query` and lies within the
    /// caller's departments, in a stable order, handed to `emit` one by one as they are read.
    pub fn get_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &EnrollmentQuery,
        emit: &mut dyn FnMut(&EnrollmentView) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        // One learner, whole account: one query of fixed shape, no lookups before it.
        if let (Some([learner]), None | Some([])) = (query.learner_ids.as_deref(), query.course_ids.as_deref())
            && principal.role.may_administer()
            && !principal.role.is_department_scoped()
        {
            let tenant_id = principal.tenant_id;
            return for_each_batch(|after, n| Ok(enrollments::active_page_of_learner(tx, tenant_id, learner, after, n)?), emit);
        }
        let Some(resolved) = self.resolve_query(tx, principal, query)? else { return Ok(()) };
        let filter = resolved.filter();
        for_each_batch(|after, n| Ok(enrollments::active_page(tx, &filter, after, n)?), emit)
    }

    /// One page of what `get_enrollments` returns.
    pub fn list_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &EnrollmentQuery,
        page: &PageRequest,
    ) -> Result<Page<EnrollmentView>, OpError> {
        let (after, size) = page.resolve()?;
        let Some(resolved) = self.resolve_query(tx, principal, query)? else {
            return Ok(Page { items: Vec::new(), next_token: None });
        };
        let rows = enrollments::active_page(tx, &resolved.filter(), after, size + 1)?;
        Ok(page_of(rows, size))
    }

    /// The caller's active enrollment with this id: unknown, archived and deleted ones are
    /// `Unknown Enrollment`; one of a learner outside the caller's departments is refused.
    fn enrollment_in_scope(&self, tx: &mut Tx<'_>, principal: &Principal, enrollment_id: &str) -> Result<EnrollmentRecord, OpError> {
        require_administrator(principal)?;
        let record = enrollments::active_by_external_id(tx, principal.tenant_id, enrollment_id)?
            .ok_or_else(|| OpError::not_found(Entity::Enrollment, enrollment_id))?;
        if !Scope::of(tx, principal)?.contains_department(record.learner_department_id) {
            return Err(OpError::Forbidden(format!("enrollment '{enrollment_id}' belongs to a learner outside your departments")));
        }
        Ok(record)
    }

    pub fn get_enrollment(&self, tx: &mut Tx<'_>, principal: &Principal, enrollment_id: &ExternalId) -> Result<EnrollmentView, OpError> {
        let record = self.enrollment_in_scope(tx, principal, enrollment_id)?;
        let filter = ActiveFilter {
            tenant_id: principal.tenant_id,
            course_ids: None,
            learner_ids: None,
            departments: None,
            enrollment_ids: Some(&[record.id]),
        };
        enrollments::active_page(tx, &filter, 0, 1)?
            .pop()
            .map(|(_, view)| view)
            .ok_or_else(|| OpError::not_found(Entity::Enrollment, enrollment_id))
    }

    /// Enrolls every learner in every course, all or nothing. A learner already enrolled in a
    /// course keeps that enrollment. Returns how many enrollments were created.
    pub fn enroll_learners_in_courses(&self, tx: &mut Tx<'_>, principal: &Principal, request: &EnrollRequest) -> Result<usize, OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let mut course_ids = request.course_ids.clone();
        let mut learner_ids = request.learner_ids.clone();
        for (ids, name) in [(&mut course_ids, "courseIds"), (&mut learner_ids, "learnerIds")] {
            ids.sort();
            ids.dedup();
            if ids.is_empty() {
                return Err(OpError::invalid(name, format!("{name} must name at least one id")));
            }
        }
        if course_ids.len() * learner_ids.len() > MAX_ENROLL_PAIRS {
            return Err(OpError::wrong(
                ProblemKind::Limit,
                "learnerIds",
                format!(
                    "{} courses × {} learners is more than {MAX_ENROLL_PAIRS} enrollments in one call",
                    course_ids.len(),
                    learner_ids.len()
                ),
            ));
        }
        let rule = due_rule(request.due_date_type, request.due_date, request.due_period.map(DuePeriod::hours))?;
        let now = now();
        let access = request.access_date.map(access_utc).transpose()?.unwrap_or(now);
        if let DueRule::Date(date) = rule {
            check_due_after_access(Some(date), access)?;
        }

        let courses = courses::by_external_ids(tx, tenant_id, &course_ids)?;
        if let Some(missing) = course_ids.iter().find(|id| !courses.iter().any(|c| &c.external_id == *id)) {
            return Err(OpError::not_found(Entity::Course, missing));
        }
        let scope = Scope::of(tx, principal)?;
        let learners = users::users_by_external_ids(tx, tenant_id, &learner_ids)?;
        if let Some(missing) = learner_ids.iter().find(|id| !learners.iter().any(|learner| learner.external_id == **id)) {
            return Err(OpError::not_found(Entity::User, missing));
        }
        if let Some(outside) = learners.iter().find(|learner| !scope.contains_department(learner.department_id)) {
            return Err(OpError::Forbidden(format!("user '{}' is not in a department you manage", outside.external_id)));
        }

        let lock = request.lock_after_due_date.unwrap_or(false);
        let external_ids: Vec<String> = (0..courses.len() * learners.len()).map(|_| uuid::Uuid::new_v4().to_string()).collect();
        let mut rows = Vec::with_capacity(external_ids.len());
        let mut ids = external_ids.iter();
        for course in &courses {
            let due = rule.due_date(access, course.default_due_period_hours).map_err(|m| OpError::invalid("dueDate", m))?;
            for learner in &learners {
                rows.push(NewEnrollment {
                    tenant_id,
                    external_id: ids.next().expect("one id per pair"),
                    source: "ispring",
                    learner_id: learner.id,
                    course_id: course.id,
                    access_date: access,
                    due_date: due,
                    lock_after_due_date: lock,
                    enrollment_type_group: EnrollmentTypeGroup::AssignedByAdministrator.code(),
                    lifecycle: Lifecycle::Active.as_str(),
                    completion_status: "not_started",
                    progress: 0,
                    completed_at: None,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        Ok(enrollments::insert_many(tx, &rows)?)
    }

    pub fn change_enrollment(&self, tx: &mut Tx<'_>, principal: &Principal, change: &EnrollmentChange) -> Result<(), OpError> {
        let record = self.enrollment_in_scope(tx, principal, &change.enrollment_id)?;
        let access = change.access_date.map(access_utc).transpose()?.unwrap_or(record.access_date);
        let due = match change.due_date_type {
            Some(kind) => due_rule(kind, change.due_date, change.due_period.map(DuePeriod::hours))?
                .due_date(access, record.course_default_due_period_hours)
                .map_err(|m| OpError::invalid("dueDate", m))?,
            None if change.due_date.is_some() || change.due_period.is_some() => {
                return Err(OpError::invalid("dueDateType", "give dueDateType with dueDate or duePeriod"));
            }
            None => record.due_date,
        };
        if change.due_date.is_some() {
            check_due_after_access(due, access)?;
        }
        let lock = change.lock_after_due_date.unwrap_or(record.lock_after_due_date);
        enrollments::update_schedule(tx, record.id, access, due, lock, now())?;
        Ok(())
    }

    /// Deletes an active enrollment. iSpring answers an unknown id with `Wrong parameters`.
    pub fn unenroll(&self, tx: &mut Tx<'_>, principal: &Principal, enrollment_id: &ExternalId) -> Result<(), OpError> {
        let record = self.enrollment_in_scope(tx, principal, enrollment_id).map_err(|e| match e {
            missing @ OpError::NotFound { .. } => OpError::invalid("enrollmentId", missing.public_detail()),
            other => other,
        })?;
        enrollments::retire(tx, Some(&[record.id]), None, Lifecycle::Deleted, now())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_date_fields_must_match_their_type() {
        let day = NaiveDate::from_ymd_opt(2026, 5, 1);
        assert_eq!(due_rule(DueDateType::DueDate, day, None).unwrap(), DueRule::Date(day.unwrap()));
        assert_eq!(due_rule(DueDateType::DuePeriod, None, Some(48)).unwrap(), DueRule::Period(48));
        assert_eq!(due_rule(DueDateType::Unlimited, None, None).unwrap(), DueRule::Unlimited);
        assert_eq!(due_rule(DueDateType::Default, None, None).unwrap(), DueRule::Default);
        for (kind, date, period) in [
            (DueDateType::DueDate, None, None),
            (DueDateType::DueDate, day, Some(1)),
            (DueDateType::DuePeriod, None, None),
            (DueDateType::DuePeriod, day, Some(1)),
            (DueDateType::Unlimited, day, None),
            (DueDateType::Default, None, Some(1)),
        ] {
            assert!(due_rule(kind, date, period).is_err(), "{kind:?} {date:?} {period:?}");
        }
    }
}
