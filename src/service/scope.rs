use std::collections::HashSet;

use super::OpError;
use crate::domain::Principal;
use crate::domain::departments::subtree;
use crate::store::{Tx, departments};

/// The part of an account a caller may see.
pub(crate) enum Scope {
    Account,
    /// Internal ids of the managed departments and all their sub-departments.
    Departments(HashSet<i64>),
}

impl Scope {
    pub(crate) fn of(tx: &mut Tx<'_>, principal: &Principal) -> Result<Scope, OpError> {
        if !principal.role.is_department_scoped() {
            return Ok(Scope::Account);
        }
        let tree = departments::department_tree(tx, principal.tenant_id)?;
        Ok(Scope::Departments(subtree(&principal.managed_departments, &tree)))
    }

    pub(crate) fn contains_department(&self, department_id: i64) -> bool {
        match self {
            Scope::Account => true,
            Scope::Departments(set) => set.contains(&department_id),
        }
    }
}
