//! Portals: groups of learners nested in sub-portals, each a path of ids from its root so that a
//! portal and everything under it is one range of an index.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{portal, portal_blocked_domain, portal_user};
use super::{Tx, on_conn};

/// A new portal's settings.
#[derive(Debug, Clone, Default)]
pub struct NewPortal<'a> {
    pub tenant_id: i64,
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub slug: &'a str,
    pub referral_code: Option<&'a str>,
    pub total_seats: Option<i32>,
}

/// Creates a portal under its parent (whose path it extends); returns its id.
pub fn insert(tx: &mut Tx<'_>, new: &NewPortal<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    let parent_path = match new.parent_id {
        Some(parent) => on_conn!(tx, |c| portal::table.find(parent).select(portal::path).first::<String>(c))?,
        None => "/".to_string(),
    };
    on_conn!(tx, |c| {
        let id: i64 = diesel::insert_into(portal::table)
            .values((
                portal::tenant_id.eq(new.tenant_id),
                portal::parent_id.eq(new.parent_id),
                portal::path.eq(""),
                portal::name.eq(new.name),
                portal::slug.eq(new.slug),
                portal::referral_code.eq(new.referral_code),
                portal::total_seats.eq(new.total_seats),
                portal::created_at.eq(now),
            ))
            .returning(portal::id)
            .get_result(c)?;
        diesel::update(portal::table.find(id)).set(portal::path.eq(format!("{parent_path}{id}/"))).execute(c)?;
        Ok(id)
    })
}

/// The path of the tenant's portal `id`.
pub fn path_of(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| portal::table
        .filter(portal::tenant_id.eq(tenant_id))
        .filter(portal::id.eq(id))
        .select(portal::path)
        .first(c)
        .optional())
}

/// The paths of the portals a user administers.
pub fn administered_paths(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<Vec<String>> {
    on_conn!(tx, |c| portal_user::table
        .inner_join(portal::table)
        .filter(portal_user::user_id.eq(user_id))
        .filter(portal_user::kind.eq("portal_admin"))
        .filter(portal_user::is_active.eq(true))
        .select(portal::path)
        .load(c))
}

/// Makes users members of a portal in a kind (`learner` or `portal_admin`); members already are
/// left as they are. Returns how many became members.
pub fn add_members(tx: &mut Tx<'_>, portal_id: i64, kind: &str, users: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    let rows: Vec<_> = users
        .iter()
        .map(|user| {
            (
                portal_user::portal_id.eq(portal_id),
                portal_user::user_id.eq(*user),
                portal_user::kind.eq(kind),
                portal_user::created_at.eq(now),
            )
        })
        .collect();
    on_conn!(tx, |c| diesel::insert_into(portal_user::table).values(rows).on_conflict_do_nothing().execute(c))
}

/// Blocks an e-mail domain (or one address) from a portal's learners.
pub fn block_domain(tx: &mut Tx<'_>, portal_id: i64, domain: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(portal_blocked_domain::table)
        .values((portal_blocked_domain::portal_id.eq(portal_id), portal_blocked_domain::domain.eq(domain.to_lowercase())))
        .on_conflict_do_nothing()
        .execute(c))
    .map(|_| ())
}

/// The tenant's oldest portal at the root of a tree.
pub fn first_root(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| portal::table
        .filter(portal::tenant_id.eq(tenant_id))
        .filter(portal::parent_id.is_null())
        .order(portal::id)
        .select(portal::id)
        .first(c)
        .optional())
}
