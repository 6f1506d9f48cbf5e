//! Groups of users.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{app_user, user_group, user_group_member};
use super::{Tx, on_conn};

pub fn insert(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str, name: &str, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(user_group::table)
        .values((
            user_group::tenant_id.eq(tenant_id),
            user_group::external_id.eq(external_id),
            user_group::name.eq(name),
            user_group::created_at.eq(now),
            user_group::updated_at.eq(now),
        ))
        .returning(user_group::id)
        .get_result(c))
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct GroupRow {
    pub id: i64,
    pub external_id: String,
    pub name: String,
}

/// The tenant's groups, in id order; only those among `external_ids` if given.
pub fn list(tx: &mut Tx<'_>, tenant_id: i64, external_ids: Option<&[impl AsRef<str>]>) -> QueryResult<Vec<GroupRow>> {
    let external_ids = external_ids.map(super::strs);
    on_conn!(tx, |c| {
        let mut query = user_group::table
            .filter(user_group::tenant_id.eq(tenant_id))
            .select((user_group::id, user_group::external_id, user_group::name))
            .order(user_group::id)
            .into_boxed();
        if let Some(ids) = &external_ids {
            query = query.filter(user_group::external_id.eq_any(ids));
        }
        query.load(c)
    })
}

/// A live member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Member {
    pub group_id: i64,
    pub user_external_id: String,
    pub user_department_id: i64,
}

/// The live members of the given groups.
pub fn members(tx: &mut Tx<'_>, group_ids: &[i64]) -> QueryResult<Vec<Member>> {
    on_conn!(tx, |c| user_group_member::table
        .inner_join(app_user::table)
        .filter(user_group_member::group_id.eq_any(group_ids))
        .filter(app_user::deleted_at.is_null())
        .select((user_group_member::group_id, app_user::external_id, app_user::department_id))
        .order(app_user::id)
        .load(c))
}

/// Marks groups as changed now: a change of members changes the group as identity providers read it.
fn touched(tx: &mut Tx<'_>, group_ids: &[i64]) -> QueryResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    on_conn!(tx, |c| diesel::update(user_group::table.filter(user_group::id.eq_any(group_ids)))
        .set(user_group::updated_at.eq(now))
        .execute(c))
}

/// Replaces a group's members.
pub fn set_members(tx: &mut Tx<'_>, group_id: i64, user_ids: &[i64]) -> QueryResult<()> {
    touched(tx, &[group_id])?;
    on_conn!(tx, |c| {
        diesel::delete(user_group_member::table.filter(user_group_member::group_id.eq(group_id))).execute(c)?;
        for &user_id in user_ids {
            diesel::insert_into(user_group_member::table)
                .values((user_group_member::group_id.eq(group_id), user_group_member::user_id.eq(user_id)))
                .on_conflict_do_nothing()
                .execute(c)?;
        }
        Ok(())
    })
}

/// Adds users to groups; existing memberships stay.
pub fn add_members(tx: &mut Tx<'_>, group_ids: &[i64], user_id: i64) -> QueryResult<()> {
    touched(tx, group_ids)?;
    on_conn!(tx, |c| {
        for &group_id in group_ids {
            diesel::insert_into(user_group_member::table)
                .values((user_group_member::group_id.eq(group_id), user_group_member::user_id.eq(user_id)))
                .on_conflict_do_nothing()
                .execute(c)?;
        }
        Ok(())
    })
}

pub fn remove_member(tx: &mut Tx<'_>, group_ids: &[i64], user_id: i64) -> QueryResult<usize> {
    touched(tx, group_ids)?;
    on_conn!(tx, |c| diesel::delete(
        user_group_member::table.filter(user_group_member::user_id.eq(user_id)).filter(user_group_member::group_id.eq_any(group_ids))
    )
    .execute(c))
}
