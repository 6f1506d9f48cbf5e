//! Group operations. Groups belong to the whole account: department-scoped roles see only the
//! members in their departments and may only take their own users out of groups.

use std::collections::HashMap;

use super::scope::Scope;
use super::users::user_in_scope;
use super::{Entity, OpError, Service, now, require_administrator};
use crate::domain::values::{ExternalId, Name};
use crate::domain::{GroupView, Principal};
use crate::store::{Tx, groups, users};

fn require_account_wide(principal: &Principal) -> Result<(), OpError> {
    require_administrator(principal)?;
    if principal.role.is_department_scoped() {
        return Err(OpError::Forbidden(format!("a {} cannot change account-wide groups", principal.role)));
    }
    Ok(())
}

/// Internal ids of the named users; every one must exist.
fn user_ids(tx: &mut Tx<'_>, tenant_id: i64, ids: &[ExternalId]) -> Result<Vec<i64>, OpError> {
    let found = users::users_by_external_ids(tx, tenant_id, ids)?;
    match ids.iter().find(|id| !found.iter().any(|user| user.external_id == **id)) {
        Some(missing) => Err(OpError::not_found(Entity::User, missing)),
        None => Ok(found.into_iter().map(|user| user.id).collect()),
    }
}

fn group_id(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> Result<i64, OpError> {
    groups::list(tx, tenant_id, Some(&[external_id]))?
        .pop()
        .map(|group| group.id)
        .ok_or_else(|| OpError::not_found(Entity::Group, external_id))
}

impl Service {
    pub fn get_groups(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Vec<GroupView>, OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let all = groups::list(tx, principal.tenant_id, None::<&[ExternalId]>)?;
        let ids: Vec<i64> = all.iter().map(|group| group.id).collect();
        let mut members: HashMap<i64, Vec<String>> = HashMap::new();
        for member in groups::members(tx, &ids)? {
            if scope.contains_department(member.user_department_id) {
                members.entry(member.group_id).or_default().push(member.user_external_id);
            }
        }
        Ok(all
            .into_iter()
            .map(|group| GroupView {
                user_ids: members.remove(&group.id).unwrap_or_default(),
                group_id: group.external_id,
                name: group.name,
            })
            .collect())
    }

    /// Creates a group with the given members; returns its id.
    pub fn add_group(&self, tx: &mut Tx<'_>, principal: &Principal, name: &Name, members: &[ExternalId]) -> Result<String, OpError> {
        let external_id = uuid::Uuid::new_v4().to_string();
        self.create_group(tx, principal, &external_id, name, members)?;
        Ok(external_id)
    }

    /// Creates a group with the id `external_id` (new to the tenant) under `addGroup`'s rules.
    pub(crate) fn create_group(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        external_id: &str,
        name: &Name,
        members: &[ExternalId],
    ) -> Result<(), OpError> {
        require_account_wide(principal)?;
        let members = user_ids(tx, principal.tenant_id, members)?;
        let id = groups::insert(tx, principal.tenant_id, external_id, name, now())?;
        groups::set_members(tx, id, &members)?;
        Ok(())
    }

    /// Renames group `id` and replaces its members, under `updateGroupMembers`'s rules.
    pub(crate) fn change_group(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        group: &ExternalId,
        name: Option<&Name>,
        members: Option<&[ExternalId]>,
    ) -> Result<(), OpError> {
        require_account_wide(principal)?;
        let id = group_id(tx, principal.tenant_id, group)?;
        let members = members.map(|m| user_ids(tx, principal.tenant_id, m)).transpose()?;
        if let Some(name) = name {
            crate::store::imports::rename_group(tx, id, name, now())?;
        }
        if let Some(members) = members {
            groups::set_members(tx, id, &members)?;
        }
        Ok(())
    }

    /// Replaces a group's members.
    pub fn update_group_members(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        group: &ExternalId,
        members: &[ExternalId],
    ) -> Result<(), OpError> {
        require_account_wide(principal)?;
        let id = group_id(tx, principal.tenant_id, group)?;
        let members = user_ids(tx, principal.tenant_id, members)?;
        groups::set_members(tx, id, &members)?;
        Ok(())
    }

    pub fn remove_user_from_groups(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user: &ExternalId,
        group_ids: &[ExternalId],
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let (user_id, _) = user_in_scope(tx, principal, &scope, user)?;
        let ids = group_ids.iter().map(|g| group_id(tx, principal.tenant_id, g)).collect::<Result<Vec<_>, _>>()?;
        groups::remove_member(tx, &ids, user_id)?;
        Ok(())
    }
}
