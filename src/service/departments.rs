//! Department operations.

use std::collections::HashMap;

use super::paging::{Page, PageRequest, page_of};
use super::scope::Scope;
use super::users::department_in_scope;
use super::{Clash, Entity, OpError, Service, now, require_administrator};
use crate::domain::departments::subtree;
use crate::domain::values::{ExternalId, Name};
use crate::domain::{DepartmentView, Principal};
use crate::store::Tx;
use crate::store::departments::{self, DepartmentChanges, DepartmentRow, NewDepartment};

/// `updateDepartment`: what is `None` stays as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentUpdate {
    pub department_id: ExternalId,
    pub name: Option<Name>,
    pub code: Option<ExternalId>,
    pub parent_department_id: Option<ExternalId>,
}

/// The caller's departments as views, keyed by internal id, in id order.
fn visible(tx: &mut Tx<'_>, principal: &Principal) -> Result<Vec<(i64, DepartmentView)>, OpError> {
    require_administrator(principal)?;
    let scope = Scope::of(tx, principal)?;
    let rows = departments::all(tx, principal.tenant_id)?;
    let external: HashMap<i64, String> = rows.iter().map(|r| (r.id, r.external_id.clone())).collect();
    Ok(rows
        .into_iter()
        .filter(|r| scope.contains_department(r.id))
        .map(|DepartmentRow { id, external_id, parent_id, name, code }| {
            let parent_department_id = parent_id.and_then(|p| external.get(&p).cloned());
            (id, DepartmentView { department_id: external_id, name, code, parent_department_id })
        })
        .collect())
}

impl Service {
    pub fn get_departments(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Vec<DepartmentView>, OpError> {
        Ok(visible(tx, principal)?.into_iter().map(|(_, d)| d).collect())
    }

    pub fn list_departments(&self, tx: &mut Tx<'_>, principal: &Principal, page: &PageRequest) -> Result<Page<DepartmentView>, OpError> {
        let (after, size) = page.resolve()?;
        let rows: Vec<_> = visible(tx, principal)?.into_iter().filter(|(id, _)| *id > after).take(size as usize + 1).collect();
        Ok(page_of(rows, size))
    }

    pub fn get_department(&self, tx: &mut Tx<'_>, principal: &Principal, department_id: &ExternalId) -> Result<DepartmentView, OpError> {
        let scope = Scope::of(tx, principal)?;
        let id = department_in_scope(tx, principal, &scope, department_id)?;
        visible(tx, principal)?
            .into_iter()
            .find(|(d, _)| *d == id)
            .map(|(_, view)| view)
            .ok_or_else(|| OpError::not_found(Entity::Department, department_id))
    }

    /// Creates a department under `parent` (top-level without one); returns its id.
    pub fn add_department(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        name: &Name,
        parent: Option<&ExternalId>,
        code: Option<&ExternalId>,
    ) -> Result<String, OpError> {
        let external_id = uuid::Uuid::new_v4().to_string();
        self.create_department(tx, principal, &external_id, name, parent, code)?;
        Ok(external_id)
    }

    /// Creates a department with the id `external_id` (new to the tenant) under `addDepartment`'s rules.
    pub(crate) fn create_department(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        external_id: &str,
        name: &Name,
        parent: Option<&ExternalId>,
        code: Option<&ExternalId>,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let parent_id = match parent {
            Some(parent) => Some(department_in_scope(tx, principal, &scope, parent)?),
            None if principal.role.is_department_scoped() => {
                return Err(OpError::Forbidden("a department-scoped role may only add departments under ones it manages".into()));
            }
            None => None,
        };
        departments::insert_department(
            tx,
            &NewDepartment {
                tenant_id: principal.tenant_id,
                external_id,
                parent_id,
                name,
                code: code.map(ExternalId::as_str),
                created_at: now(),
            },
        )?;
        Ok(())
    }

    pub fn update_department(&self, tx: &mut Tx<'_>, principal: &Principal, update: &DepartmentUpdate) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let id = department_in_scope(tx, principal, &scope, &update.department_id)?;
        let parent = match &update.parent_department_id {
            Some(parent) => {
                let parent_id = department_in_scope(tx, principal, &scope, parent)?;
                let tree: Vec<_> = departments::all(tx, principal.tenant_id)?.iter().map(|d| (d.id, d.parent_id)).collect();
                if subtree(&[id], &tree).contains(&parent_id) {
                    return Err(OpError::invalid(
                        "parentDepartmentId",
                        format!(
                            "department '{parent}' is '{}' itself or below it; a department cannot move under itself",
                            update.department_id
                        ),
                    ));
                }
                Some(Some(parent_id))
            }
            None => None,
        };
        let changes = DepartmentChanges { name: update.name.as_deref(), code: update.code.as_deref().map(Some), parent_id: parent };
        if changes.name.is_some() || changes.code.is_some() || changes.parent_id.is_some() {
            departments::update(tx, id, &changes)?;
        }
        Ok(())
    }

    /// Deletes a department that has neither users nor sub-departments.
    pub fn delete_department(&self, tx: &mut Tx<'_>, principal: &Principal, department_id: &ExternalId) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let id = department_in_scope(tx, principal, &scope, department_id)?;
        let not_empty = |why: &str| OpError::Conflict {
            what: Clash::DepartmentNotEmpty,
            detail: format!("department '{department_id}' {why}; move or delete them first"),
        };
        if departments::all(tx, principal.tenant_id)?.iter().any(|d| d.parent_id == Some(id)) {
            return Err(not_empty("has sub-departments"));
        }
        if departments::has_users(tx, id)? {
            return Err(not_empty("has users"));
        }
        departments::delete(tx, id)?;
        Ok(())
    }
}
