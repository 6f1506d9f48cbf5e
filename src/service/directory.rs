//! Provisioning from an identity provider: users and groups read, searched, created, replaced and
//! removed as a whole, the way an HR platform keeps the directory in step with its own. These are
//! the store's users and groups, the same rows every other face reads; what only identity
//! providers say of a user (their own id for it, the name to display, the e-mail's kind, the
//! employee number, the manager) has columns of its own.
//!
//! Rules decided here:
//! - only account-wide administrators provision (department-scoped roles and learners may not);
//! - a user's department is named by its name (or, failing that, its code); a name the tenant has
//!   no department of becomes a new department under the tenant's default department (the oldest
//!   top-level one), so that provisioning never stops for want of one; a user without a department
//!   is in the default department, and reads without one;
//! - a manager is a live user of the tenant, neither the user nor one the user manages;
//! - users provisioned here are learners; deleting one frees its login and e-mail, retires its
//!   active enrollments and clears it as anyone's manager.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::{Entity, OpError, Service, now, require_administrator};
use crate::domain::directory::{self, Condition, GroupAttribute, Sort, UserAttribute, Window};
use crate::domain::people::is_email_address;
use crate::domain::values::{ExternalId, Name, Text};
use crate::domain::{Lifecycle, Principal, Role, UserStatus};
use crate::store::departments::{self, NewDepartment};
use crate::store::directory::{self as store, DirectoryFields, DirectoryGroupRow, DirectoryUserRow, GroupSearch, UserSearch};
use crate::store::users::{self, NewUser, UserChanges};
use crate::store::{Tx, enrollments, groups};

/// A user as an identity provider reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryUser {
    pub id: String,
    pub user_name: String,
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub email_type: Option<String>,
    pub active: bool,
    pub employee_number: Option<String>,
    /// The name of the user's department; `None` in the tenant's default department.
    pub department: Option<String>,
    /// The id of the user's manager.
    pub manager: Option<String>,
    /// The groups the user belongs to: id and name.
    pub groups: Vec<(String, String)>,
    pub created: NaiveDateTime,
    pub last_modified: NaiveDateTime,
}

/// Everything an identity provider sets on a user: what is `None` is cleared.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryUserInput {
    pub user_name: ExternalId,
    pub external_id: Option<ExternalId>,
    pub given_name: Option<Text>,
    pub family_name: Option<Text>,
    pub display_name: Option<Text>,
    pub email: Option<ExternalId>,
    pub email_type: Option<ExternalId>,
    pub active: bool,
    pub employee_number: Option<ExternalId>,
    pub department: Option<Name>,
    pub manager: Option<ExternalId>,
}

/// A group as an identity provider reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: String,
    pub external_id: Option<String>,
    /// The ids of its live members, in the order they joined the store.
    pub members: Vec<String>,
    pub created: NaiveDateTime,
    pub last_modified: NaiveDateTime,
}

/// Everything an identity provider sets on a group.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryGroupInput {
    pub display_name: Name,
    pub external_id: Option<ExternalId>,
    pub members: Vec<ExternalId>,
}

/// A search: a condition (everything without one), a sort, a page.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryQuery<A> {
    pub condition: Option<Condition<A>>,
    pub sort: Option<Sort<A>>,
    pub window: Window,
}

/// A page of a search and how many records meet its condition.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryPage<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// Provisioning is the whole account's business: account-wide administrators only.
fn require_provisioner(principal: &Principal) -> Result<(), OpError> {
    require_administrator(principal)?;
    if principal.role.is_department_scoped() {
        return Err(OpError::Forbidden(format!("a {} cannot provision the account's users and groups", principal.role)));
    }
    Ok(())
}

fn checked<A: Copy + std::fmt::Debug>(condition: &Option<Condition<A>>, kind: &dyn Fn(A) -> directory::Kind) -> Result<(), OpError> {
    match condition {
        Some(condition) => directory::check(condition, kind).map_err(|unfit| OpError::invalid("filter", unfit.0)),
        None => Ok(()),
    }
}

/// The tenant's default department; a tenant without any gets one.
fn default_department(tx: &mut Tx<'_>, tenant_id: i64) -> Result<i64, OpError> {
    if let Some(id) = store::default_department(tx, tenant_id)? {
        return Ok(id);
    }
    let external_id = uuid::Uuid::new_v4().to_string();
    let row = NewDepartment { tenant_id, external_id: &external_id, parent_id: None, name: "Organization", code: None, created_at: now() };
    Ok(departments::insert_department(tx, &row)?)
}

/// The department a user is to be in: the one named, created under the default one when the
/// tenant has none of that name; the default one when none is named.
fn department_for(tx: &mut Tx<'_>, tenant_id: i64, name: Option<&Name>) -> Result<i64, OpError> {
    let default = default_department(tx, tenant_id)?;
    let Some(name) = name else { return Ok(default) };
    if let Some(id) = store::department_named(tx, tenant_id, name)? {
        return Ok(id);
    }
    let external_id = uuid::Uuid::new_v4().to_string();
    let row = NewDepartment { tenant_id, external_id: &external_id, parent_id: Some(default), name, code: None, created_at: now() };
    Ok(departments::insert_department(tx, &row)?)
}

fn user_views(tx: &mut Tx<'_>, default: i64, rows: Vec<DirectoryUserRow>) -> Result<Vec<DirectoryUser>, OpError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut groups: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for membership in store::memberships(tx, &ids)? {
        groups.entry(membership.user_id).or_default().push((membership.group_external_id, membership.group_name));
    }
    Ok(rows
        .into_iter()
        .map(|row| DirectoryUser {
            groups: groups.remove(&row.id).unwrap_or_default(),
            department: (row.department_id != default).then_some(row.department_name),
            id: row.external_id,
            user_name: row.login,
            external_id: row.scim_external_id,
            given_name: row.first_name,
            family_name: row.last_name,
            display_name: row.display_name,
            email: row.email,
            email_type: row.email_type,
            active: row.status == UserStatus::Active.code(),
            employee_number: row.employee_number,
            manager: row.manager_external_id,
            created: row.created_at,
            last_modified: row.updated_at,
        })
        .collect())
}

fn group_views(tx: &mut Tx<'_>, rows: Vec<DirectoryGroupRow>) -> Result<Vec<DirectoryGroup>, OpError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut members: HashMap<i64, Vec<String>> = HashMap::new();
    for member in groups::members(tx, &ids)? {
        members.entry(member.group_id).or_default().push(member.user_external_id);
    }
    Ok(rows
        .into_iter()
        .map(|row| DirectoryGroup {
            members: members.remove(&row.id).unwrap_or_default(),
            id: row.external_id,
            display_name: row.name,
            external_id: row.scim_external_id,
            created: row.created_at,
            last_modified: row.updated_at.unwrap_or(row.created_at),
        })
        .collect())
}

/// The internal id of the tenant's live user `id`.
fn user_key(tx: &mut Tx<'_>, tenant_id: i64, id: &str) -> Result<i64, OpError> {
    users::live_user_key(tx, tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::User, id))
}

fn group_key(tx: &mut Tx<'_>, tenant_id: i64, id: &str) -> Result<i64, OpError> {
    Ok(store::group(tx, tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Group, id))?.id)
}

impl Service {
    /// The users meeting the query's condition: how many, and the page asked for.
    pub fn directory_users(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &DirectoryQuery<UserAttribute>,
    ) -> Result<DirectoryPage<DirectoryUser>, OpError> {
        require_provisioner(principal)?;
        checked(&query.condition, &UserAttribute::kind)?;
        let default = default_department(tx, principal.tenant_id)?;
        let search = UserSearch {
            tenant_id: principal.tenant_id,
            default_department: default,
            condition: query.condition.as_ref(),
            sort: query.sort,
            window: query.window,
        };
        let (total, rows) = store::search_users(tx, &search)?;
        Ok(DirectoryPage { total, items: user_views(tx, default, rows)? })
    }

    pub fn directory_user(&self, tx: &mut Tx<'_>, principal: &Principal, id: &ExternalId) -> Result<DirectoryUser, OpError> {
        require_provisioner(principal)?;
        let default = default_department(tx, principal.tenant_id)?;
        let row = store::user(tx, principal.tenant_id, default, id)?.ok_or_else(|| OpError::not_found(Entity::User, id))?;
        Ok(user_views(tx, default, vec![row])?.remove(0))
    }

    /// Checks what an identity provider sets on a user (`existing`: the user's key, when it
    /// replaces one) and writes it; the user's profile, status, department and manager.
    fn write_directory_user(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        existing: Option<i64>,
        input: &DirectoryUserInput,
    ) -> Result<i64, OpError> {
        let tenant_id = principal.tenant_id;
        if let Some(email) = &input.email
            && !is_email_address(email)
        {
            return Err(OpError::invalid("emails", format!("'{email}' is not an e-mail address (local@domain.tld)")));
        }
        self.check_unique(tx, tenant_id, Some(&input.user_name), input.email.as_deref(), existing)?;
        let manager = match &input.manager {
            Some(manager) => {
                let key = users::live_user_key(tx, tenant_id, manager)?
                    .ok_or_else(|| OpError::invalid("manager", format!("no user '{manager}' in this account to be the manager")))?;
                if let Some(user) = existing
                    && store::manages(tx, user, key)?
                {
                    return Err(OpError::invalid("manager", format!("user '{manager}' is this user or one this user manages")));
                }
                Some(key)
            }
            None => None,
        };
        let department = department_for(tx, tenant_id, input.department.as_ref())?;
        let status = if input.active { UserStatus::Active } else { UserStatus::Inactive };
        let now = now();
        let id = match existing {
            Some(id) => {
                let changes = UserChanges {
                    login: Some(&input.user_name),
                    email: Some(input.email.as_deref()),
                    first_name: Some(input.given_name.as_deref()),
                    last_name: Some(input.family_name.as_deref()),
                    department_id: Some(department),
                    status: Some(status.code()),
                    updated_at: Some(now),
                    ..UserChanges::default()
                };
                users::update(tx, &[id], &changes)?;
                id
            }
            None => {
                let external_id = uuid::Uuid::new_v4().to_string();
                let row = NewUser {
                    tenant_id,
                    external_id: &external_id,
                    department_id: department,
                    login: &input.user_name,
                    email: input.email.as_deref(),
                    first_name: input.given_name.as_deref(),
                    last_name: input.family_name.as_deref(),
                    password_hash: None,
                    role: Role::Learner.as_str(),
                    status: status.code(),
                    created_at: now,
                    updated_at: now,
                };
                users::insert_user(tx, &row, &[])?
            }
        };
        let fields = DirectoryFields {
            scim_external_id: input.external_id.as_deref(),
            display_name: input.display_name.as_deref(),
            email_type: input.email.as_ref().and(input.email_type.as_deref()),
            employee_number: input.employee_number.as_deref(),
            manager_id: manager,
        };
        store::set_directory_fields(tx, id, &fields)?;
        Ok(id)
    }

    /// Creates a learner from what an identity provider says of them.
    pub fn provision_user(&self, tx: &mut Tx<'_>, principal: &Principal, input: &DirectoryUserInput) -> Result<DirectoryUser, OpError> {
        require_provisioner(principal)?;
        let id = self.write_directory_user(tx, principal, None, input)?;
        let external_id = users::external_id_of(tx, id)?;
        self.directory_user(tx, principal, &ExternalId::parse(&external_id).map_err(|why| OpError::Internal(why.reason))?)
    }

    /// Replaces everything an identity provider says of user `id`.
    pub fn replace_directory_user(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: &ExternalId,
        input: &DirectoryUserInput,
    ) -> Result<DirectoryUser, OpError> {
        require_provisioner(principal)?;
        let key = user_key(tx, principal.tenant_id, id)?;
        self.write_directory_user(tx, principal, Some(key), input)?;
        self.directory_user(tx, principal, id)
    }

    /// Deletes user `id` (as `DeleteUser` does) and clears it as anyone's manager.
    pub fn deprovision_user(&self, tx: &mut Tx<'_>, principal: &Principal, id: &ExternalId) -> Result<(), OpError> {
        require_provisioner(principal)?;
        let key = user_key(tx, principal.tenant_id, id)?;
        let now = now();
        users::update(tx, &[key], &UserChanges { deleted_at: Some(Some(now)), updated_at: Some(now), ..UserChanges::default() })?;
        users::detach(tx, key)?;
        store::clear_manager(tx, principal.tenant_id, key)?;
        enrollments::retire(tx, None, Some(key), Lifecycle::Deleted, now)?;
        Ok(())
    }

    pub fn directory_groups(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &DirectoryQuery<GroupAttribute>,
    ) -> Result<DirectoryPage<DirectoryGroup>, OpError> {
        require_provisioner(principal)?;
        checked(&query.condition, &GroupAttribute::kind)?;
        let search =
            GroupSearch { tenant_id: principal.tenant_id, condition: query.condition.as_ref(), sort: query.sort, window: query.window };
        let (total, rows) = store::search_groups(tx, &search)?;
        Ok(DirectoryPage { total, items: group_views(tx, rows)? })
    }

    pub fn directory_group(&self, tx: &mut Tx<'_>, principal: &Principal, id: &ExternalId) -> Result<DirectoryGroup, OpError> {
        require_provisioner(principal)?;
        let row = store::group(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Group, id))?;
        Ok(group_views(tx, vec![row])?.remove(0))
    }

    /// The keys of a group's members: each a live user of the tenant.
    fn member_keys(&self, tx: &mut Tx<'_>, tenant_id: i64, members: &[ExternalId]) -> Result<Vec<i64>, OpError> {
        let mut keys = Vec::with_capacity(members.len());
        for member in members {
            let key = users::live_user_key(tx, tenant_id, member)?
                .ok_or_else(|| OpError::invalid("members", format!("no user '{member}' in this account to be a member")))?;
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    pub fn provision_group(&self, tx: &mut Tx<'_>, principal: &Principal, input: &DirectoryGroupInput) -> Result<DirectoryGroup, OpError> {
        require_provisioner(principal)?;
        let members = self.member_keys(tx, principal.tenant_id, &input.members)?;
        let external_id = uuid::Uuid::new_v4().to_string();
        let now = now();
        let id = groups::insert(tx, principal.tenant_id, &external_id, &input.display_name, now)?;
        store::set_group_fields(tx, id, &input.display_name, input.external_id.as_deref(), now)?;
        groups::set_members(tx, id, &members)?;
        let row = store::group(tx, principal.tenant_id, &external_id)?.ok_or_else(|| OpError::not_found(Entity::Group, &external_id))?;
        Ok(group_views(tx, vec![row])?.remove(0))
    }

    pub fn replace_directory_group(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: &ExternalId,
        input: &DirectoryGroupInput,
    ) -> Result<DirectoryGroup, OpError> {
        require_provisioner(principal)?;
        let key = group_key(tx, principal.tenant_id, id)?;
        let members = self.member_keys(tx, principal.tenant_id, &input.members)?;
        store::set_group_fields(tx, key, &input.display_name, input.external_id.as_deref(), now())?;
        groups::set_members(tx, key, &members)?;
        self.directory_group(tx, principal, id)
    }

    /// Deletes group `id` and its memberships (the users stay).
    pub fn deprovision_group(&self, tx: &mut Tx<'_>, principal: &Principal, id: &ExternalId) -> Result<(), OpError> {
        require_provisioner(principal)?;
        let key = group_key(tx, principal.tenant_id, id)?;
        store::delete_group(tx, key)?;
        Ok(())
    }
}
