//! API clients and their access tokens. Secrets and tokens are stored as SHA-256 digests only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{access_token, api_client, api_client_department, integration_key};
use super::{Tx, on_conn};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_client)]
pub struct ClientRow {
    pub id: i64,
    pub tenant_id: i64,
    pub client_id: String,
    pub secret_hash: String,
    pub role: String,
}

pub fn insert_client(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    client_id: &str,
    secret_hash: &str,
    role: &str,
    departments: &[i64],
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_conn!(tx, |c| {
        let id: i64 = diesel::insert_into(api_client::table)
            .values((
                api_client::tenant_id.eq(tenant_id),
                api_client::client_id.eq(client_id),
                api_client::secret_hash.eq(secret_hash),
                api_client::role.eq(role),
                api_client::created_at.eq(now),
            ))
            .returning(api_client::id)
            .get_result(c)?;
        for &department_id in departments {
            diesel::insert_into(api_client_department::table)
                .values((api_client_department::api_client_id.eq(id), api_client_department::department_id.eq(department_id)))
                .execute(c)?;
        }
        Ok(id)
    })
}

/// Replaces a client's secret digest; false when there is no such client.
pub fn set_client_secret(tx: &mut Tx<'_>, client_id: &str, secret_hash: &str) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::update(api_client::table.filter(api_client::client_id.eq(client_id)))
        .set(api_client::secret_hash.eq(secret_hash))
        .execute(c)
        .map(|rows| rows == 1))
}

pub fn find_client(tx: &mut Tx<'_>, client_id: &str) -> QueryResult<Option<ClientRow>> {
    on_conn!(tx, |c| api_client::table.filter(api_client::client_id.eq(client_id)).select(ClientRow::as_select()).first(c).optional())
}

pub fn client_departments(tx: &mut Tx<'_>, api_client_id: i64) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| api_client_department::table
        .filter(api_client_department::api_client_id.eq(api_client_id))
        .select(api_client_department::department_id)
        .load(c))
}

/// Stores a new token digest and drops the client's expired ones.
pub fn insert_token(
    tx: &mut Tx<'_>,
    token_hash: &str,
    api_client_id: i64,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(access_token::table.filter(access_token::api_client_id.eq(api_client_id)).filter(access_token::expires_at.lt(now)))
            .execute(c)?;
        diesel::insert_into(access_token::table)
            .values((
                access_token::token_hash.eq(token_hash),
                access_token::api_client_id.eq(api_client_id),
                access_token::expires_at.eq(expires_at),
                access_token::created_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    })
}

/// The client a token digest belongs to, with the token's expiry.
pub fn find_token(tx: &mut Tx<'_>, token_hash: &str) -> QueryResult<Option<(ClientRow, NaiveDateTime)>> {
    on_conn!(tx, |c| access_token::table
        .inner_join(api_client::table)
        .filter(access_token::token_hash.eq(token_hash))
        .select((ClientRow::as_select(), access_token::expires_at))
        .first(c)
        .optional())
}

/// An integration key of a vendor face, as listings show it (never the key itself).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct IntegrationKeyRow {
    pub id: i64,
    pub tenant_id: i64,
    pub face: String,
    pub key_prefix: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// The user the key acts as, and in which role (Academy Of Mine's tokens).
    pub user_id: Option<i64>,
    pub role: Option<String>,
}

/// A new key: its face, digest and prefix, and the user and role it acts as, if any.
pub struct NewKey<'a> {
    pub face: &'a str,
    pub key_hash: &'a str,
    pub key_prefix: &'a str,
    pub acting: Option<(i64, &'a str)>,
}

pub fn insert_integration_key(tx: &mut Tx<'_>, tenant_id: i64, key: &NewKey<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(integration_key::table)
        .values((
            integration_key::tenant_id.eq(tenant_id),
            integration_key::face.eq(key.face),
            integration_key::key_hash.eq(key.key_hash),
            integration_key::key_prefix.eq(key.key_prefix),
            integration_key::created_at.eq(now),
            integration_key::user_id.eq(key.acting.map(|(user, _)| user)),
            integration_key::role.eq(key.acting.map(|(_, role)| role)),
        ))
        .returning(integration_key::id)
        .get_result(c))
}

const INTEGRATION_KEY_COLUMNS: (
    integration_key::id,
    integration_key::tenant_id,
    integration_key::face,
    integration_key::key_prefix,
    integration_key::created_at,
    integration_key::revoked_at,
    integration_key::user_id,
    integration_key::role,
) = (
    integration_key::id,
    integration_key::tenant_id,
    integration_key::face,
    integration_key::key_prefix,
    integration_key::created_at,
    integration_key::revoked_at,
    integration_key::user_id,
    integration_key::role,
);

/// The key of `face` with this digest, revoked or not.
pub fn find_integration_key(tx: &mut Tx<'_>, face: &str, key_hash: &str) -> QueryResult<Option<IntegrationKeyRow>> {
    on_conn!(tx, |c| integration_key::table
        .filter(integration_key::key_hash.eq(key_hash))
        .filter(integration_key::face.eq(face))
        .select(INTEGRATION_KEY_COLUMNS)
        .first(c)
        .optional())
}

/// The tenant's keys of every face, oldest first.
pub fn integration_keys(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Vec<IntegrationKeyRow>> {
    on_conn!(tx, |c| integration_key::table
        .filter(integration_key::tenant_id.eq(tenant_id))
        .order(integration_key::id)
        .select(INTEGRATION_KEY_COLUMNS)
        .load(c))
}

/// Revokes the tenant's key `id`; false when there is no such key or it is revoked already.
pub fn revoke_integration_key(tx: &mut Tx<'_>, tenant_id: i64, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = on_conn!(tx, |c| diesel::update(
        integration_key::table
            .filter(integration_key::tenant_id.eq(tenant_id))
            .filter(integration_key::id.eq(id))
            .filter(integration_key::revoked_at.is_null())
    )
    .set(integration_key::revoked_at.eq(now))
    .execute(c))?;
    Ok(updated == 1)
}
