//! Tenants (accounts), departments, users and courses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{app_user, course, department, tenant, user_managed_department};
use super::{on_conn, Tx};

pub fn tenant_id_by_name(tx: &mut Tx<'_>, name: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| tenant::table.filter(tenant::name.eq(name)).select(tenant::id).first(c).optional())
}

pub fn tenant_id_by_account_url(tx: &mut Tx<'_>, account_url: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| tenant::table
        .filter(tenant::account_url.eq(account_url))
        .select(tenant::id)
        .first(c)
        .optional())
}

pub fn count_tenants(tx: &mut Tx<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| tenant::table.count().get_result(c))
}

pub fn insert_tenant(tx: &mut Tx<'_>, name: &str, account_url: Option<&str>, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(tenant::table)
        .values((tenant::name.eq(name), tenant::account_url.eq(account_url), tenant::created_at.eq(now)))
        .returning(tenant::id)
        .get_result(c))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = department)]
pub struct NewDepartment<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub code: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert_department(tx: &mut Tx<'_>, row: &NewDepartment<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(department::table).values(row).returning(department::id).get_result(c))
}

/// The tenant's department tree as `(id, parent_id)` edges.
pub fn department_tree(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<(i64, Option<i64>)>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .select((department::id, department::parent_id))
        .load(c))
}

/// `(id, external_id)` of the tenant's departments among `external_ids`.
pub fn departments_by_external_ids(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    external_ids: &[String],
) -> QueryResult<Vec<(i64, String)>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::external_id.eq_any(external_ids))
        .select((department::id, department::external_id))
        .load(c))
}

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
            .filter(app_user::login.eq(login_or_email))
            .select(columns)
            .first(c)
            .optional()?;
        match by_login {
            Some(row) => Ok(Some(row)),
            None => app_user::table
                .filter(app_user::tenant_id.eq(tenant_id))
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

/// `(id, external_id, department_id)` of the tenant's users among `external_ids`.
pub fn users_by_external_ids(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    external_ids: &[String],
) -> QueryResult<Vec<(i64, String, i64)>> {
    on_conn!(tx, |c| app_user::table
        .filter(app_user::tenant_id.eq(tenant_id))
        .filter(app_user::external_id.eq_any(external_ids))
        .select((app_user::id, app_user::external_id, app_user::department_id))
        .load(c))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = course)]
pub struct NewCourse<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub title: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert_course(tx: &mut Tx<'_>, row: &NewCourse<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(course::table).values(row).returning(course::id).get_result(c))
}

/// `(id, external_id)` of the tenant's courses among `external_ids`.
pub fn courses_by_external_ids(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    external_ids: &[String],
) -> QueryResult<Vec<(i64, String)>> {
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::external_id.eq_any(external_ids))
        .select((course::id, course::external_id))
        .load(c))
}
