//! Enrollment operations.

use super::scope::Scope;
use super::{require_administrator, OpError, ProblemKind, Service};
use crate::domain::{EnrollmentView, Principal};
use crate::store::enrollments::{self, ActiveFilter};
use crate::store::{catalog, Tx};

/// Most ids one filter list may hold.
pub const MAX_FILTER_IDS: usize = 10_000;
/// Rows fetched per round trip while streaming a listing.
const BATCH: i64 = 1_000;

/// `getEnrollments` filters: external course and learner ids. `None` (or an empty list) means
/// "no filter"; ids that name nothing in the account match nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrollmentQuery {
    pub course_ids: Option<Vec<String>>,
    pub learner_ids: Option<Vec<String>>,
}

impl Service {
    /// Every active enrollment of the caller's account that matches `query` and lies within the
    /// caller's departments, in a stable order, handed to `emit` one by one as they are read.
    pub fn get_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &EnrollmentQuery,
        emit: &mut dyn FnMut(&EnrollmentView) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let scope = Scope::of(tx, principal)?;

        let course_ids = match non_empty(&query.course_ids, "courseIds")? {
            None => None,
            Some(ids) => Some(catalog::courses_by_external_ids(tx, tenant_id, ids)?.into_iter().map(|(id, _)| id).collect::<Vec<_>>()),
        };
        let learner_ids = match non_empty(&query.learner_ids, "learnerIds")? {
            None => None,
            Some(ids) => {
                let learners = catalog::users_by_external_ids(tx, tenant_id, ids)?;
                // Naming a learner outside one's departments is refused, not silently filtered.
                if let Some((_, external_id, _)) = learners.iter().find(|(_, _, dept)| !scope.contains_department(*dept)) {
                    return Err(OpError::PermissionDenied(format!(
                        "learner '{external_id}' is not in a department you manage"
                    )));
                }
                Some(learners.into_iter().map(|(id, _, _)| id).collect::<Vec<_>>())
            }
        };
        if course_ids.as_ref().is_some_and(Vec::is_empty) || learner_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(());
        }
        let departments: Option<Vec<i64>> = match &scope {
            Scope::Account => None,
            Scope::Departments(set) if set.is_empty() => return Ok(()),
            Scope::Departments(set) => Some(set.iter().copied().collect()),
        };

        let filter = ActiveFilter {
            tenant_id,
            course_ids: course_ids.as_deref(),
            learner_ids: learner_ids.as_deref(),
            departments: departments.as_deref(),
        };
        let mut after = 0;
        loop {
            let page = enrollments::active_page(tx, &filter, after, BATCH)?;
            for (_, view) in &page {
                emit(view)?;
            }
            match page.last() {
                Some((id, _)) if page.len() as i64 == BATCH => after = *id,
                _ => return Ok(()),
            }
        }
    }
}

/// The distinct ids of a filter list, or `None` when the filter is absent or empty.
fn non_empty<'a>(ids: &'a Option<Vec<String>>, name: &str) -> Result<Option<&'a [String]>, OpError> {
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
