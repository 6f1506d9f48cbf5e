//! User operations.

use std::collections::HashMap;

use super::auth::hash_password;
use super::enrollments::non_empty;
use super::paging::{Page, PageRequest, for_each_batch, page_of};
use super::scope::Scope;
use super::{Clash, Entity, OpError, Service, now, require_administrator};
use crate::domain::people::check_password;
use crate::domain::values::{ExternalId, Password, Text};
use crate::domain::{Lifecycle, Principal, Role, UserProfileView, UserStatus};
use crate::store::departments::{self};
use crate::store::users::{self, NewUser, UserChanges, UserFilter, UserRow};
use crate::store::{Tx, enrollments, groups};

/// `getUsers`/`listUsers` filters (external ids).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserQuery {
    pub department_id: Option<ExternalId>,
    pub group_id: Option<ExternalId>,
    pub logins: Option<Vec<ExternalId>>,
    pub emails: Option<Vec<ExternalId>>,
}

/// `addUser`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUserRequest {
    pub login: ExternalId,
    pub email: Option<ExternalId>,
    pub password: Option<Password>,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub department_id: ExternalId,
    pub role: Option<Role>,
    pub manageable_department_ids: Option<Vec<ExternalId>>,
    pub groups: Option<Vec<ExternalId>>,
}

/// `updateUserProfile`: what is `None` stays as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct UserUpdate {
    pub user_id: ExternalId,
    pub login: Option<ExternalId>,
    pub email: Option<ExternalId>,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub department_id: Option<ExternalId>,
    pub role: Option<Role>,
    pub manageable_department_ids: Option<Vec<ExternalId>>,
}

/// A user the caller may act on: `(internal id, department id)`.
pub(crate) fn user_in_scope(tx: &mut Tx<'_>, principal: &Principal, scope: &Scope, user_id: &str) -> Result<(i64, i64), OpError> {
    let user = users::users_by_external_ids(tx, principal.tenant_id, &[user_id])?
        .pop()
        .ok_or_else(|| OpError::not_found(Entity::User, user_id))?;
    if !scope.contains_department(user.department_id) {
        return Err(OpError::Forbidden(format!("user '{user_id}' is not in a department you manage")));
    }
    Ok((user.id, user.department_id))
}

/// Internal id of a department the caller may act in.
pub(crate) fn department_in_scope(tx: &mut Tx<'_>, principal: &Principal, scope: &Scope, department_id: &str) -> Result<i64, OpError> {
    let id = departments::departments_by_external_ids(tx, principal.tenant_id, &[department_id])?
        .pop()
        .ok_or_else(|| OpError::not_found(Entity::Department, department_id))?
        .id;
    if !scope.contains_department(id) {
        return Err(OpError::Forbidden(format!("department '{department_id}' is not one you manage")));
    }
    Ok(id)
}

/// Internal ids of departments named for a user to manage; all must exist and be in scope.
fn managed_departments(tx: &mut Tx<'_>, principal: &Principal, scope: &Scope, ids: &[ExternalId]) -> Result<Vec<i64>, OpError> {
    ids.iter().map(|id| department_in_scope(tx, principal, scope, id)).collect()
}

/// Internal ids of the named groups; all must exist.
fn group_ids(tx: &mut Tx<'_>, tenant_id: i64, ids: &[ExternalId]) -> Result<Vec<i64>, OpError> {
    let found = groups::list(tx, tenant_id, Some(ids))?;
    match ids.iter().find(|id| !found.iter().any(|group| group.external_id == **id)) {
        Some(missing) => Err(OpError::not_found(Entity::Group, missing)),
        None => Ok(found.into_iter().map(|group| group.id).collect()),
    }
}

/// Refuses role assignments a department-scoped caller may not make, and roles nobody may give.
fn check_role_grant(principal: &Principal, role: Role) -> Result<(), OpError> {
    if role == Role::AccountOwner {
        return Err(OpError::Forbidden("the account_owner role cannot be assigned".into()));
    }
    if principal.role.is_department_scoped() && role != Role::Learner {
        return Err(OpError::Forbidden(format!("a {} may only manage learners, not give the role '{role}'", principal.role)));
    }
    Ok(())
}

fn profiles(tx: &mut Tx<'_>, rows: Vec<UserRow>) -> Result<Vec<(i64, UserProfileView)>, OpError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut groups_by_user: HashMap<i64, Vec<String>> = HashMap::new();
    for link in users::groups_of(tx, &ids)? {
        groups_by_user.entry(link.user_id).or_default().push(link.external_id);
    }
    let mut managed_by_user: HashMap<i64, Vec<String>> = HashMap::new();
    for link in users::managed_of(tx, &ids)? {
        managed_by_user.entry(link.user_id).or_default().push(link.external_id);
    }
    rows.into_iter()
        .map(|row| {
            let role = row.role.parse::<Role>().map_err(OpError::Internal)?;
            Ok((
                row.id,
                UserProfileView {
                    groups: groups_by_user.remove(&row.id).unwrap_or_default(),
                    manageable_department_ids: managed_by_user.remove(&row.id).unwrap_or_default(),
                    user_id: row.external_id,
                    login: row.login,
                    email: row.email,
                    first_name: row.first_name,
                    last_name: row.last_name,
                    department_id: row.department_external_id,
                    status: row.status,
                    role,
                    added_date: row.created_at,
                },
            ))
        })
        .collect()
}

/// The internal filter of a query; `None` when it can match nothing.
struct ResolvedUsers {
    tenant_id: i64,
    departments: Option<Vec<i64>>,
    group_id: Option<i64>,
    logins: Option<Vec<String>>,
    emails: Option<Vec<String>>,
}

impl Service {
    fn resolve_users(&self, tx: &mut Tx<'_>, principal: &Principal, query: &UserQuery) -> Result<ResolvedUsers, OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let departments = match (&query.department_id, &scope) {
            (Some(id), _) => Some(vec![department_in_scope(tx, principal, &scope, id)?]),
            (None, Scope::Account) => None,
            (None, Scope::Departments(set)) => Some(set.iter().copied().collect()),
        };
        let group_id = match &query.group_id {
            Some(id) => Some(group_ids(tx, principal.tenant_id, std::slice::from_ref(id))?[0]),
            None => None,
        };
        Ok(ResolvedUsers {
            tenant_id: principal.tenant_id,
            departments,
            group_id,
            logins: non_empty(&query.logins, "logins")?.map(|ids| ids.iter().map(ToString::to_string).collect()),
            emails: non_empty(&query.emails, "emails")?.map(|ids| ids.iter().map(ToString::to_string).collect()),
        })
    }

    fn user_page(&self, tx: &mut Tx<'_>, r: &ResolvedUsers, after: i64, limit: i64) -> Result<Vec<(i64, UserProfileView)>, OpError> {
        if r.departments.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let filter = UserFilter {
            tenant_id: r.tenant_id,
            departments: r.departments.as_deref(),
            group_id: r.group_id,
            logins: r.logins.as_deref(),
            emails: r.emails.as_deref(),
            ids: None,
        };
        let rows = users::page(tx, &filter, after, limit)?;
        profiles(tx, rows)
    }

    /// Every user matching `query` within the caller's departments, streamed to `emit`.
    pub fn get_users(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &UserQuery,
        emit: &mut dyn FnMut(&UserProfileView) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        let resolved = self.resolve_users(tx, principal, query)?;
        for_each_batch(|after, n| self.user_page(tx, &resolved, after, n), emit)
    }

    pub fn list_users(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &UserQuery,
        page: &PageRequest,
    ) -> Result<Page<UserProfileView>, OpError> {
        let (after, size) = page.resolve()?;
        let resolved = self.resolve_users(tx, principal, query)?;
        Ok(page_of(self.user_page(tx, &resolved, after, size + 1)?, size))
    }

    pub fn get_user_profile(&self, tx: &mut Tx<'_>, principal: &Principal, user_id: &ExternalId) -> Result<UserProfileView, OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let (id, _) = user_in_scope(tx, principal, &scope, user_id)?;
        let filter =
            UserFilter { tenant_id: principal.tenant_id, departments: None, group_id: None, logins: None, emails: None, ids: Some(&[id]) };
        let rows = users::page(tx, &filter, 0, 1)?;
        profiles(tx, rows)?.pop().map(|(_, p)| p).ok_or_else(|| OpError::not_found(Entity::User, user_id))
    }

    pub(crate) fn check_unique(
        &self,
        tx: &mut Tx<'_>,
        tenant_id: i64,
        login: Option<&str>,
        email: Option<&str>,
        except: Option<i64>,
    ) -> Result<(), OpError> {
        if let Some(login) = login
            && users::taken(tx, tenant_id, login, false, except)?
        {
            return Err(OpError::Conflict { what: Clash::LoginTaken, detail: format!("login '{login}' is taken") });
        }
        if let Some(email) = email
            && users::taken(tx, tenant_id, email, true, except)?
        {
            return Err(OpError::Conflict { what: Clash::EmailTaken, detail: format!("e-mail '{email}' is taken") });
        }
        Ok(())
    }

    /// Creates a user; returns the new user's id.
    pub fn add_user(&self, tx: &mut Tx<'_>, principal: &Principal, request: &NewUserRequest) -> Result<String, OpError> {
        let external_id = uuid::Uuid::new_v4().to_string();
        self.create_user(tx, principal, &external_id, request)?;
        Ok(external_id)
    }

    /// Creates a user with the id `external_id` (new to the tenant) under `addUser`'s rules.
    pub(crate) fn create_user(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        external_id: &str,
        request: &NewUserRequest,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let scope = Scope::of(tx, principal)?;
        let role = request.role.unwrap_or(Role::Learner);
        check_role_grant(principal, role)?;
        let department = department_in_scope(tx, principal, &scope, &request.department_id)?;
        let managed = match &request.manageable_department_ids {
            Some(ids) if !ids.is_empty() && !role.is_department_scoped() => {
                return Err(OpError::invalid(
                    "manageableDepartmentIds",
                    format!("role '{role}' manages no departments; leave manageableDepartmentIds out"),
                ));
            }
            Some(ids) => managed_departments(tx, principal, &scope, ids)?,
            None => Vec::new(),
        };
        let groups = match &request.groups {
            Some(ids) if !ids.is_empty() => group_ids(tx, tenant_id, ids)?,
            _ => Vec::new(),
        };
        let password_hash = match &request.password {
            Some(password) => {
                check_password(password).map_err(|m| OpError::invalid("password", m))?;
                Some(hash_password(password))
            }
            None => None,
        };
        self.check_unique(tx, tenant_id, Some(&request.login), request.email.as_deref(), None)?;
        let now = now();
        let id = users::insert_user(
            tx,
            &NewUser {
                tenant_id,
                external_id,
                department_id: department,
                login: &request.login,
                email: request.email.as_deref(),
                first_name: request.first_name.as_deref(),
                last_name: request.last_name.as_deref(),
                password_hash: password_hash.as_deref(),
                role: role.as_str(),
                status: UserStatus::Active.code(),
                created_at: now,
                updated_at: now,
            },
            &managed,
        )?;
        groups::add_members(tx, &groups, id)?;
        Ok(())
    }

    pub fn update_user_profile(&self, tx: &mut Tx<'_>, principal: &Principal, update: &UserUpdate) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let (id, _) = user_in_scope(tx, principal, &scope, &update.user_id)?;
        if let Some(role) = update.role {
            check_role_grant(principal, role)?;
        }
        if update.manageable_department_ids.is_some() && principal.role.is_department_scoped() {
            return Err(OpError::Forbidden("only account-wide administrators change which departments a user manages".into()));
        }
        let department = match &update.department_id {
            Some(d) => Some(department_in_scope(tx, principal, &scope, d)?),
            None => None,
        };
        self.check_unique(tx, principal.tenant_id, update.login.as_deref(), update.email.as_deref(), Some(id))?;
        let changes = UserChanges {
            login: update.login.as_deref(),
            email: update.email.as_deref().map(Some),
            first_name: update.first_name.as_deref().map(Some),
            last_name: update.last_name.as_deref().map(Some),
            department_id: department,
            role: update.role.map(Role::as_str),
            updated_at: Some(now()),
            ..UserChanges::default()
        };
        users::update(tx, &[id], &changes)?;
        if let Some(ids) = &update.manageable_department_ids {
            let managed = managed_departments(tx, principal, &scope, ids)?;
            users::set_managed_departments(tx, id, &managed)?;
        }
        Ok(())
    }

    /// Deletes a user: their login and e-mail become free, their active enrollments are deleted.
    pub fn delete_user(&self, tx: &mut Tx<'_>, principal: &Principal, user_id: &ExternalId) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let (id, _) = user_in_scope(tx, principal, &scope, user_id)?;
        let now = now();
        users::update(tx, &[id], &UserChanges { deleted_at: Some(Some(now)), updated_at: Some(now), ..UserChanges::default() })?;
        users::detach(tx, id)?;
        enrollments::retire(tx, None, Some(id), Lifecycle::Deleted, now)?;
        Ok(())
    }

    /// Activates or deactivates users; every one must exist and be within the caller's departments.
    pub fn set_users_status(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_ids: &[ExternalId],
        status: UserStatus,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        if user_ids.is_empty() {
            return Err(OpError::invalid("userIds", "userIds must name at least one user"));
        }
        let scope = Scope::of(tx, principal)?;
        let ids = user_ids.iter().map(|u| user_in_scope(tx, principal, &scope, u).map(|(id, _)| id)).collect::<Result<Vec<_>, _>>()?;
        users::update(tx, &ids, &UserChanges { status: Some(status.code()), updated_at: Some(now()), ..UserChanges::default() })?;
        Ok(())
    }

    pub fn update_user_password(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: &ExternalId,
        password: &Password,
    ) -> Result<(), OpError> {
        require_administrator(principal)?;
        let scope = Scope::of(tx, principal)?;
        let (id, _) = user_in_scope(tx, principal, &scope, user_id)?;
        check_password(password).map_err(|m| OpError::invalid("password", m))?;
        let hash = hash_password(password);
        users::update(tx, &[id], &UserChanges { password_hash: Some(Some(&hash)), updated_at: Some(now()), ..UserChanges::default() })?;
        Ok(())
    }
}
