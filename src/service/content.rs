//! Content items (courses) and learner results.

use chrono::{DateTime, FixedOffset};

use super::enrollments::{learners_in_scope, non_empty};
use super::paging::{Page, PageRequest, for_each_batch, page_of};
use super::scope::Scope;
use super::users::department_in_scope;
use super::{Entity, OpError, Service, require_administrator};
use crate::domain::values::{CompletionStatus, ExternalId};
use crate::domain::{ContentItemView, FinalStatusView, LearnerResultView, Principal, UserStatus};
use crate::store::Tx;
use crate::store::courses::{self, CourseRow};
use crate::store::enrollments::{self, ResultsFilter};

/// An inclusive time range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Range {
    pub start: Option<DateTime<FixedOffset>>,
    pub end: Option<DateTime<FixedOffset>>,
}

/// `listLearnersResults` filters. Id lists match nothing for unknown ids; `user_statuses`
/// defaults to active users only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultsQuery {
    pub user_ids: Option<Vec<ExternalId>>,
    pub course_ids: Option<Vec<ExternalId>>,
    pub enrollment_ids: Option<Vec<ExternalId>>,
    pub access_date: Option<Range>,
    pub due_date: Option<Range>,
    pub completion_date: Option<Range>,
    pub completion_statuses: Option<Vec<CompletionStatus>>,
    pub department_ids: Option<Vec<ExternalId>>,
    pub user_statuses: Option<Vec<UserStatus>>,
}

fn view(row: CourseRow) -> ContentItemView {
    ContentItemView {
        content_item_id: row.external_id,
        title: row.title,
        subtitle: row.subtitle,
        description: row.description,
        content_type: row.content_type,
        added_date: row.created_at,
    }
}

fn course(tx: &mut Tx<'_>, principal: &Principal, content_item_id: &str) -> Result<CourseRow, OpError> {
    require_administrator(principal)?;
    courses::by_external_ids(tx, principal.tenant_id, &[content_item_id.to_string()])?
        .pop()
        .ok_or_else(|| OpError::not_found(Entity::ContentItem, content_item_id))
}

fn check_range(range: &Option<Range>, name: &str) -> Result<(), OpError> {
    match range {
        Some(Range { start: Some(s), end: Some(e) }) if s > e => Err(OpError::invalid(name, format!("{name}: startDate is after endDate"))),
        _ => Ok(()),
    }
}

/// Internal filter of a results query; `None` when it can match nothing.
struct ResolvedResults {
    learner_ids: Option<Vec<i64>>,
    course_ids: Option<Vec<i64>>,
    enrollment_ids: Option<Vec<i64>>,
    departments: Option<Vec<i64>>,
    user_statuses: Vec<i16>,
}

impl Service {
    pub fn get_content(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        emit: &mut dyn FnMut(&ContentItemView) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        for_each_batch(|after, n| Ok(courses::page(tx, tenant_id, after, n)?.into_iter().map(|r| (r.id, view(r))).collect()), emit)
    }

    pub fn list_content(&self, tx: &mut Tx<'_>, principal: &Principal, page: &PageRequest) -> Result<Page<ContentItemView>, OpError> {
        require_administrator(principal)?;
        let (after, size) = page.resolve()?;
        let rows = courses::page(tx, principal.tenant_id, after, size + 1)?;
        Ok(page_of(rows.into_iter().map(|r| (r.id, view(r))).collect(), size))
    }

    pub fn get_content_item(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        content_item_id: &ExternalId,
    ) -> Result<ContentItemView, OpError> {
        Ok(view(course(tx, principal, content_item_id)?))
    }

    /// Where each learner (within the caller's departments) stands in a course.
    pub fn get_content_item_final_statuses(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        content_item_id: &str,
    ) -> Result<Vec<FinalStatusView>, OpError> {
        let course = course(tx, principal, content_item_id)?;
        let departments = match Scope::of(tx, principal)? {
            Scope::Account => None,
            Scope::Departments(set) => Some(set.into_iter().collect::<Vec<_>>()),
        };
        let filter = ResultsFilter {
            tenant_id: principal.tenant_id,
            course_ids: Some(&[course.id]),
            departments: departments.as_deref(),
            ..ResultsFilter::default()
        };
        let mut statuses = Vec::new();
        for_each_batch(|after, n| Ok(enrollments::results_page(tx, &filter, after, n)?), &mut |r: &LearnerResultView| {
            statuses.push(FinalStatusView { user_id: r.user_id.clone(), status: r.completion_status.clone(), progress: r.progress });
            Ok(())
        })?;
        Ok(statuses)
    }

    fn resolve_results(&self, tx: &mut Tx<'_>, principal: &Principal, q: &ResultsQuery) -> Result<Option<ResolvedResults>, OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let scope = Scope::of(tx, principal)?;
        check_range(&q.access_date, "accessDate")?;
        check_range(&q.due_date, "dueDate")?;
        check_range(&q.completion_date, "completionDate")?;
        let learner_ids = match non_empty(&q.user_ids, "userIds")? {
            Some(ids) => Some(learners_in_scope(tx, tenant_id, &scope, ids)?),
            None => None,
        };
        let course_ids = match non_empty(&q.course_ids, "courseIds")? {
            Some(ids) => {
                Some(courses::courses_by_external_ids(tx, tenant_id, ids)?.into_iter().map(|course| course.id).collect::<Vec<_>>())
            }
            None => None,
        };
        let enrollment_ids = match non_empty(&q.enrollment_ids, "enrollmentIds")? {
            Some(ids) => Some(enrollments::ids_by_external_ids(tx, tenant_id, ids)?),
            None => None,
        };
        let departments = match (non_empty(&q.department_ids, "departmentIds")?, &scope) {
            (Some(ids), _) => Some(ids.iter().map(|d| department_in_scope(tx, principal, &scope, d)).collect::<Result<Vec<_>, _>>()?),
            (None, Scope::Account) => None,
            (None, Scope::Departments(set)) => Some(set.iter().copied().collect()),
        };
        let lists = [&learner_ids, &course_ids, &enrollment_ids, &departments];
        if lists.iter().any(|l| l.as_ref().is_some_and(Vec::is_empty)) {
            return Ok(None);
        }
        let user_statuses = match q.user_statuses.as_deref() {
            None | Some([]) => vec![UserStatus::Active.code()],
            Some(statuses) => statuses.iter().map(|status| status.code()).collect(),
        };
        Ok(Some(ResolvedResults { learner_ids, course_ids, enrollment_ids, departments, user_statuses }))
    }

    pub fn list_learners_results(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        q: &ResultsQuery,
        page: &PageRequest,
    ) -> Result<Page<LearnerResultView>, OpError> {
        let (after, size) = page.resolve()?;
        let Some(r) = self.resolve_results(tx, principal, q)? else {
            return Ok(Page { items: Vec::new(), next_token: None });
        };
        let utc = |t: Option<DateTime<FixedOffset>>| t.map(|t| t.naive_utc());
        let (access, due, completion) =
            (q.access_date.unwrap_or_default(), q.due_date.unwrap_or_default(), q.completion_date.unwrap_or_default());
        let statuses: Option<Vec<&str>> =
            non_empty(&q.completion_statuses, "completionStatuses")?.map(|statuses| statuses.iter().map(|s| s.as_str()).collect());
        let filter = ResultsFilter {
            tenant_id: principal.tenant_id,
            learner_ids: r.learner_ids.as_deref(),
            course_ids: r.course_ids.as_deref(),
            enrollment_ids: r.enrollment_ids.as_deref(),
            departments: r.departments.as_deref(),
            completion_statuses: statuses.as_deref(),
            user_statuses: Some(&r.user_statuses),
            access_from: utc(access.start),
            access_to: utc(access.end),
            // Due dates are days: a bound's own calendar date, in its own offset, decides.
            due_from: due.start.map(|t| t.date_naive()),
            due_to: due.end.map(|t| t.date_naive()),
            completed_from: utc(completion.start),
            completed_to: utc(completion.end),
        };
        Ok(page_of(enrollments::results_page(tx, &filter, after, size + 1)?, size))
    }
}
