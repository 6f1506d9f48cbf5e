//! Tenants (accounts).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::tenant;
use super::{Tx, on_conn};

pub fn tenant_id_by_name(tx: &mut Tx<'_>, name: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| tenant::table.filter(tenant::name.eq(name)).select(tenant::id).first(c).optional())
}

pub fn tenant_id_by_account_url(tx: &mut Tx<'_>, account_url: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| tenant::table.filter(tenant::account_url.eq(account_url)).select(tenant::id).first(c).optional())
}

/// The tenant whose Rhythm id this is.
pub fn tenant_id_by_rhythm_id(tx: &mut Tx<'_>, rhythm_id: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| tenant::table.filter(tenant::rhythm_id.eq(rhythm_id)).select(tenant::id).first(c).optional())
}

/// Sets (or clears) a tenant's Rhythm id.
pub fn set_rhythm_id(tx: &mut Tx<'_>, tenant_id: i64, rhythm_id: Option<&str>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(tenant::table.find(tenant_id)).set(tenant::rhythm_id.eq(rhythm_id)).execute(c)).map(|_| ())
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

/// A tenant's name.
pub fn name_of(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| tenant::table.find(id).select(tenant::name).first(c).optional())
}
