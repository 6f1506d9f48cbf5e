//! Users and the departments they manage.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{app_user, department, user_group, user_group_member, user_managed_department};
use super::{Tx, on_conn};

#[derive(Debug, Insertable)]
#[diesel(table_name = app_user)]
pub struct NewUser<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub department_id: i64,
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub status: i16,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_user(tx: &mut Tx<'_>, row: &NewUser<'_>, managed_departments: &[i64]) -> QueryResult<i64> {
    on_conn!(tx, |c| {
        let id: i64 = diesel::insert_into(app_user::table).values(row).returning(app_user::id).get_result(c)?;
        for &department_id in managed_departments {
            diesel::insert_into(user_managed_department::table)
                .values((user_managed_department::user_id.eq(id), user_managed_department::department_id.eq(department_id)))
                .execute(c)?;
        }
        Ok(id)
    })
}

/// A user as authentication sees them.
#[derive(Debug, Clone, Queryable)]
pub struct LoginRow {
    pub id: i64,
    pub login: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub status: i16,
}

/// The tenant's user whose login or e-mail is `login_or_email`, preferring the login.
pub fn user_for_login(tx: &mut Tx<'_>, tenant_id: i64, login_or_email: &str) -> QueryResult<Option<LoginRow>> {
    let columns = (app_user::id, app_user::login, app_user::password_hash, app_user::role, app_user::status);
    on_conn!(tx, |c| {
        let by_login = app_user::table
            .filter(app_user::tenant_id.eq(tenant_id))
            .filter(app_user::deleted_at.is_null())
            .filter(app_user::login.eq(login_or_email))
            .select(columns)
            .first(c)
            .optional()?;
        match by_login {
            Some(row) => Ok(Some(row)),
            None => app_user::table
                .filter(app_user::tenant_id.eq(tenant_id))
                .filter(app_user::deleted_at.is_null())
                .filter(app_user::email.eq(login_or_email))
                .select(columns)
                .order(app_user::id)
                .first(c)
                .optional(),
        }
    })
}

pub fn user_managed_departments(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| user_managed_department::table
        .filter(user_managed_department::user_id.eq(user_id))
        .select(user_managed_department::department_id)
        .load(c))
}

/// A user's keys and department.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UserKey {
    pub id: i64,
    pub external_id: String,
    pub department_id: i64,
}

/// The tenant's (not deleted) users among `external_ids`.
pub fn users_by_external_ids(tx: &mut Tx<'_>, tenant_id: i64, external_ids: &[impl AsRef<str>]) -> QueryResult<Vec<UserKey>> {
    let external_ids = super::strs(external_ids);
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::deleted_at.is_null())
        .filter(app_user::external_id.eq_any(&external_ids))
        .select((app_user::id, app_user::external_id, app_user::department_id))
        .load(c))
}

/// A user as profiles show them.
#[derive(Debug, Clone, Queryable)]
pub struct UserRow {
    pub id: i64,
    pub external_id: String,
    pub login: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department_id: i64,
    pub department_external_id: String,
    pub status: i16,
    pub role: String,
    pub created_at: NaiveDateTime,
}

/// Which of a tenant's users to list. `None` is no restriction; lists must not be empty.
#[derive(Debug, Clone, Copy)]
pub struct UserFilter<'a> {
    pub tenant_id: i64,
    pub departments: Option<&'a [i64]>,
    pub group_id: Option<i64>,
    pub logins: Option<&'a [String]>,
    pub emails: Option<&'a [String]>,
    pub ids: Option<&'a [i64]>,
}

/// Up to `limit` users matching `filter` with an id above `after`, in id order.
pub fn page(tx: &mut Tx<'_>, filter: &UserFilter<'_>, after: i64, limit: i64) -> QueryResult<Vec<UserRow>> {
    on_conn!(tx, |c| {
        let mut query = app_user::table
            .inner_join(department::table)
            .filter(app_user::tenant_id.eq(filter.tenant_id))
            .filter(app_user::deleted_at.is_null())
            .filter(app_user::id.gt(after))
            .select((
                app_user::id,
                app_user::external_id,
                app_user::login,
                app_user::email,
                app_user::first_name,
                app_user::last_name,
                app_user::department_id,
                department::external_id,
                app_user::status,
                app_user::role,
                app_user::created_at,
            ))
            .order(app_user::id)
            .limit(limit)
            .into_boxed();
        if let Some(ids) = filter.departments {
            query = query.filter(app_user::department_id.eq_any(ids));
        }
        if let Some(group) = filter.group_id {
            let members = user_group_member::table.filter(user_group_member::group_id.eq(group)).select(user_group_member::user_id);
            query = query.filter(app_user::id.eq_any(members));
        }
        if let Some(logins) = filter.logins {
            query = query.filter(app_user::login.eq_any(logins));
        }
        if let Some(emails) = filter.emails {
            query = query.filter(app_user::email.eq_any(emails));
        }
        if let Some(ids) = filter.ids {
            query = query.filter(app_user::id.eq_any(ids));
        }
        query.load(c)
    })
}

/// Something a user is linked to (a group they belong to, a department they manage).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UserLink {
    pub user_id: i64,
    /// The external id of what the user is linked to.
    pub external_id: String,
}

/// The groups of the given users, in group order.
pub fn groups_of(tx: &mut Tx<'_>, user_ids: &[i64]) -> QueryResult<Vec<UserLink>> {
    on_conn!(tx, |c| user_group_member::table
        .inner_join(user_group::table)
        .filter(user_group_member::user_id.eq_any(user_ids))
        .select((user_group_member::user_id, user_group::external_id))
        .order(user_group::id)
        .load(c))
}

/// The departments the given users manage.
pub fn managed_of(tx: &mut Tx<'_>, user_ids: &[i64]) -> QueryResult<Vec<UserLink>> {
    on_conn!(tx, |c| user_managed_department::table
        .inner_join(department::table)
        .filter(user_managed_department::user_id.eq_any(user_ids))
        .select((user_managed_department::user_id, department::external_id))
        .order(department::id)
        .load(c))
}

/// Whether another live user of the tenant has this login (or e-mail, with `by_email`).
pub fn taken(tx: &mut Tx<'_>, tenant_id: i64, value: &str, by_email: bool, except: Option<i64>) -> QueryResult<bool> {
    on_conn!(tx, |c| {
        let mut query = app_user::table
            .filter(app_user::tenant_id.eq(tenant_id))
            .filter(app_user::deleted_at.is_null())
            .filter(app_user::id.ne(except.unwrap_or(-1)))
            .select(app_user::id)
            .into_boxed();
        query = if by_email { query.filter(app_user::email.eq(value)) } else { query.filter(app_user::login.eq(value)) };
        Ok(query.first::<i64>(c).optional()?.is_some())
    })
}

/// Profile changes; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = app_user)]
pub struct UserChanges<'a> {
    pub login: Option<&'a str>,
    pub email: Option<Option<&'a str>>,
    pub first_name: Option<Option<&'a str>>,
    pub last_name: Option<Option<&'a str>>,
    pub department_id: Option<i64>,
    pub role: Option<&'a str>,
    pub status: Option<i16>,
    pub password_hash: Option<Option<&'a str>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update(tx: &mut Tx<'_>, user_ids: &[i64], changes: &UserChanges<'_>) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(app_user::table.filter(app_user::id.eq_any(user_ids))).set(changes).execute(c))
}

/// Replaces the departments a user manages.
pub fn set_managed_departments(tx: &mut Tx<'_>, user_id: i64, departments: &[i64]) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(user_managed_department::table.filter(user_managed_department::user_id.eq(user_id))).execute(c)?;
        for &department_id in departments {
            diesel::insert_into(user_managed_department::table)
                .values((user_managed_department::user_id.eq(user_id), user_managed_department::department_id.eq(department_id)))
                .execute(c)?;
        }
        Ok(())
    })
}

/// Drops a deleted user's group memberships (the groups change) and managed departments.
pub fn detach(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| {
        let groups = user_group_member::table.filter(user_group_member::user_id.eq(user_id)).select(user_group_member::group_id);
        diesel::update(user_group::table.filter(user_group::id.eq_any(groups)))
            .set(user_group::updated_at.eq(chrono::Utc::now().naive_utc()))
            .execute(c)?;
        diesel::delete(user_group_member::table.filter(user_group_member::user_id.eq(user_id))).execute(c)?;
        diesel::delete(user_managed_department::table.filter(user_managed_department::user_id.eq(user_id))).execute(c)?;
        Ok(())
    })
}

/// The tenant's (not deleted) user whose e-mail is `email`, in any case (an index on the lowered
/// e-mail serves it).
pub fn user_id_by_email(tx: &mut Tx<'_>, tenant_id: i64, email: &str) -> QueryResult<Option<i64>> {
    let email = email.to_lowercase();
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(super::lower(app_user::email.assume_not_null()).eq(&email))
        .filter(app_user::deleted_at.is_null())
        .select(app_user::id)
        .order(app_user::id)
        .first(c)
        .optional())
}

/// A user's first name, last name, login and e-mail.
pub type Names = (Option<String>, Option<String>, String, Option<String>);

/// The names of user `id`.
pub fn profile_names(tx: &mut Tx<'_>, id: i64) -> QueryResult<Names> {
    on_conn!(tx, |c| app_user::table
        .find(id)
        .select((app_user::first_name, app_user::last_name, app_user::login, app_user::email))
        .first(c))
}

/// A user's external id.
pub fn external_id_of(tx: &mut Tx<'_>, id: i64) -> QueryResult<String> {
    on_conn!(tx, |c| app_user::table.find(id).select(app_user::external_id).first(c))
}

/// The key of the tenant's (not deleted) user with this external id: one fixed-shape statement,
/// kept prepared, for the lookups that name one user.
pub fn live_user_key(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::external_id.eq(external_id))
        .filter(app_user::deleted_at.is_null())
        .select(app_user::id)
        .first(c)
        .optional())
}

/// The tenant's live user numbered `user` (the store's key, as Academy Of Mine numbers users) or,
/// failing that, with `user` as external id.
pub fn user_key_by_number_or_external_id(tx: &mut Tx<'_>, tenant_id: i64, user: &str) -> QueryResult<Option<i64>> {
    if let Ok(number) = user.parse::<i64>() {
        let found: Option<i64> = on_conn!(tx, |c| app_user::table
            .filter(app_user::tenant_id.eq(tenant_id))
            .filter(app_user::id.eq(number))
            .filter(app_user::deleted_at.is_null())
            .select(app_user::id)
            .first(c)
            .optional())?;
        if found.is_some() {
            return Ok(found);
        }
    }
    live_user_key(tx, tenant_id, user)
}

/// The tenant's oldest live user with this role.
pub fn first_user_with_role(tx: &mut Tx<'_>, tenant_id: i64, role: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::role.eq(role))
        .filter(app_user::deleted_at.is_null())
        .order(app_user::id)
        .select(app_user::id)
        .first(c)
        .optional())
}

/// Whether the tenant's user `id` exists and is not deleted.
pub fn is_live(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::select(diesel::dsl::exists(
        app_user::table.filter(app_user::tenant_id.eq(tenant_id)).filter(app_user::id.eq(id)).filter(app_user::deleted_at.is_null())
    ))
    .get_result(c))
}

/// A user's first and last names and role.
pub fn name_and_role(tx: &mut Tx<'_>, id: i64) -> QueryResult<(Option<String>, Option<String>, String)> {
    on_conn!(tx, |c| app_user::table.find(id).select((app_user::first_name, app_user::last_name, app_user::role)).first(c))
}
