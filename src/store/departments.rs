//! Departments: a tree per tenant.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::department;
use super::{Keyed, Tx, on_conn};

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
    on_conn!(tx, |c| department::table.filter(department::tenant_id.eq(tenant_id)).select((department::id, department::parent_id)).load(c))
}

/// The keys of the tenant's departments among `external_ids`.
pub fn departments_by_external_ids(tx: &mut Tx<'_>, tenant_id: i64, external_ids: &[impl AsRef<str>]) -> QueryResult<Vec<Keyed>> {
    let external_ids = super::strs(external_ids);
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::external_id.eq_any(&external_ids))
        .select((department::id, department::external_id))
        .load(c))
}

#[derive(Debug, Clone, Queryable)]
pub struct DepartmentRow {
    pub id: i64,
    pub external_id: String,
    pub parent_id: Option<i64>,
    pub name: String,
    pub code: Option<String>,
}

/// All of a tenant's departments, in id order (a tenant has hundreds, not millions).
pub fn all(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<DepartmentRow>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .select((department::id, department::external_id, department::parent_id, department::name, department::code))
        .order(department::id)
        .load(c))
}

/// Department changes; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = department)]
pub struct DepartmentChanges<'a> {
    pub name: Option<&'a str>,
    pub code: Option<Option<&'a str>>,
    pub parent_id: Option<Option<i64>>,
}

pub fn update(tx: &mut Tx<'_>, id: i64, changes: &DepartmentChanges<'_>) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(department::table.find(id)).set(changes).execute(c))
}

/// Whether live users belong to the department.
pub fn has_users(tx: &mut Tx<'_>, id: i64) -> QueryResult<bool> {
    use super::schema::app_user;
    on_conn!(tx, |c| Ok(app_user::table
        .filter(app_user::department_id.eq(id))
        .filter(app_user::deleted_at.is_null())
        .select(app_user::id)
        .first::<i64>(c)
        .optional()?
        .is_some()))
}

/// Removes an empty department and every reference that names it as managed.
pub fn delete(tx: &mut Tx<'_>, id: i64) -> QueryResult<()> {
    use super::schema::{api_client_department, app_user, user_managed_department};
    on_conn!(tx, |c| {
        diesel::delete(user_managed_department::table.filter(user_managed_department::department_id.eq(id))).execute(c)?;
        diesel::delete(api_client_department::table.filter(api_client_department::department_id.eq(id))).execute(c)?;
        // Deleted users keep their last department; move them to the parent so the row can go.
        let parent: Option<i64> = department::table.find(id).select(department::parent_id).first(c)?;
        if let Some(parent) = parent {
            diesel::update(app_user::table.filter(app_user::department_id.eq(id))).set(app_user::department_id.eq(parent)).execute(c)?;
        }
        diesel::delete(department::table.find(id)).execute(c)?;
        Ok(())
    })
}
