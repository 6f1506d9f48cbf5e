//! Portals: groups of learners nested in sub-portals, each a path of ids from its root so that a
//! portal and everything under it is one range of an index; their members (learners and portal
//! admins), courses and blocked e-mail domains; and the memberships users hold.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::schema::{
    app_user, course, department, enrollment, membership, portal, portal_blocked_domain, portal_course, portal_user, user_membership,
};
use super::{Tx, name_or_email_like, on_conn};

/// A new portal's settings.
#[derive(Debug, Clone, Default)]
pub struct NewPortal<'a> {
    pub tenant_id: i64,
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub slug: &'a str,
    pub referral_code: Option<&'a str>,
    pub total_seats: Option<i32>,
    pub settings: PortalSettings,
    pub created_by: Option<i64>,
}

/// What a portal's owner sets beyond its name and seats (by default: active, nothing else set).
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = portal, treat_none_as_null = true)]
pub struct PortalSettings {
    pub seat_access: Option<String>,
    pub access_permission: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub expiry_message: Option<String>,
    pub is_active: bool,
    pub brand_color: Option<String>,
    pub body_background_color: Option<String>,
    pub body_text_color: Option<String>,
    pub header_background_color: Option<String>,
    pub primary_language: Option<String>,
    pub logo_image_url: Option<String>,
    pub mini_logo_image_url: Option<String>,
    pub custom_style: Option<String>,
    pub custom_font: Option<String>,
    pub custom_code: Option<String>,
    pub learner_dashboard: Option<i32>,
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            seat_access: None,
            access_permission: None,
            expires_at: None,
            expiry_message: None,
            is_active: true,
            brand_color: None,
            body_background_color: None,
            body_text_color: None,
            header_background_color: None,
            primary_language: None,
            logo_image_url: None,
            mini_logo_image_url: None,
            custom_style: None,
            custom_font: None,
            custom_code: None,
            learner_dashboard: None,
        }
    }
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
                portal::created_by.eq(new.created_by),
                portal::created_at.eq(now),
            ))
            .returning(portal::id)
            .get_result(c)?;
        diesel::update(portal::table.find(id)).set((portal::path.eq(format!("{parent_path}{id}/")), &new.settings)).execute(c)?;
        Ok(id)
    })
}

/// Whether the tenant has a portal with this slug.
pub fn slug_taken(tx: &mut Tx<'_>, tenant_id: i64, slug: &str) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::select(diesel::dsl::exists(
        portal::table.filter(portal::tenant_id.eq(tenant_id)).filter(portal::slug.eq(slug))
    ))
    .get_result(c))
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

/// Removes users of a kind from a portal and every portal under it; returns how many memberships
/// went.
pub fn remove_members(tx: &mut Tx<'_>, tenant_id: i64, path: &str, kind: &str, users: &[i64]) -> QueryResult<usize> {
    on_conn!(tx, |c| {
        let portals =
            portal::table.filter(portal::tenant_id.eq(tenant_id)).filter(portal::path.like(format!("{path}%"))).select(portal::id);
        diesel::delete(
            portal_user::table
                .filter(portal_user::portal_id.eq_any(portals))
                .filter(portal_user::kind.eq(kind))
                .filter(portal_user::user_id.eq_any(users)),
        )
        .execute(c)
    })
}

/// Sets whether users' memberships (in the portals under the given paths, or the tenant's) are
/// active; returns how many memberships changed.
pub fn set_members_active(tx: &mut Tx<'_>, tenant_id: i64, within: Option<&[String]>, users: &[i64], active: bool) -> QueryResult<usize> {
    on_conn!(tx, |c| {
        let portals: Vec<i64> = match within {
            None => portal::table.filter(portal::tenant_id.eq(tenant_id)).select(portal::id).load(c)?,
            Some(paths) => {
                let mut found = Vec::new();
                for path in paths {
                    found.extend(
                        portal::table
                            .filter(portal::tenant_id.eq(tenant_id))
                            .filter(portal::path.like(format!("{path}%")))
                            .select(portal::id)
                            .load::<i64>(c)?,
                    );
                }
                found
            }
        };
        diesel::update(portal_user::table.filter(portal_user::portal_id.eq_any(portals)).filter(portal_user::user_id.eq_any(users)))
            .set(portal_user::is_active.eq(active))
            .execute(c)
    })
}

/// Blocks an e-mail domain (or one address) from a portal's learners.
pub fn block_domain(tx: &mut Tx<'_>, portal_id: i64, domain: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(portal_blocked_domain::table)
        .values((portal_blocked_domain::portal_id.eq(portal_id), portal_blocked_domain::domain.eq(domain.to_lowercase())))
        .on_conflict_do_nothing()
        .execute(c))
    .map(|_| ())
}

/// The e-mail domains (or addresses) blocked by a portal or any portal above it.
pub fn blocked_domains(tx: &mut Tx<'_>, path: &str) -> QueryResult<Vec<String>> {
    let ancestors: Vec<i64> = path.split('/').filter_map(|id| id.parse().ok()).collect();
    on_conn!(tx, |c| portal_blocked_domain::table
        .filter(portal_blocked_domain::portal_id.eq_any(ancestors))
        .select(portal_blocked_domain::domain)
        .load(c))
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

/// Puts courses in a portal's catalog (public or private).
pub fn add_courses(tx: &mut Tx<'_>, portal_id: i64, courses: &[i64], public: bool) -> QueryResult<()> {
    let rows: Vec<_> = courses
        .iter()
        .map(|course| (portal_course::portal_id.eq(portal_id), portal_course::course_id.eq(*course), portal_course::is_public.eq(public)))
        .collect();
    on_conn!(tx, |c| diesel::insert_into(portal_course::table).values(rows).on_conflict_do_nothing().execute(c)).map(|_| ())
}

/// A portal with everything its details page shows.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PortalRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub name: String,
    pub slug: String,
    pub referral_code: Option<String>,
    pub total_seats: Option<i32>,
    pub seat_access: Option<String>,
    pub access_permission: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub expiry_message: Option<String>,
    pub is_active: bool,
    pub brand_color: Option<String>,
    pub body_background_color: Option<String>,
    pub body_text_color: Option<String>,
    pub header_background_color: Option<String>,
    pub primary_language: Option<String>,
    pub custom_style: Option<String>,
    pub custom_font: Option<String>,
    pub custom_code: Option<String>,
    pub learner_dashboard: Option<i32>,
    pub created_at: NaiveDateTime,
}

macro_rules! portal_columns {
    () => {
        (
            portal::id,
            portal::parent_id,
            portal::path,
            portal::name,
            portal::slug,
            portal::referral_code,
            portal::total_seats,
            portal::seat_access,
            portal::access_permission,
            portal::expires_at,
            portal::expiry_message,
            portal::is_active,
            portal::brand_color,
            portal::body_background_color,
            portal::body_text_color,
            portal::header_background_color,
            portal::primary_language,
            portal::custom_style,
            portal::custom_font,
            portal::custom_code,
            portal::learner_dashboard,
            portal::created_at,
        )
    };
}

/// The tenant's portal `id`.
pub fn portal(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<PortalRow>> {
    on_conn!(tx, |c| portal::table
        .filter(portal::tenant_id.eq(tenant_id))
        .filter(portal::id.eq(id))
        .select(portal_columns!())
        .first(c)
        .optional())
}

/// The tenant's portals: those under a path (or all), whose name contains `name` (lower case),
/// at most `limit`, oldest first.
pub fn portals(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    under: Option<&str>,
    children_of: Option<i64>,
    name: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<PortalRow>> {
    let pattern = name.map(super::offerings::contains);
    on_conn!(tx, |c| {
        let mut query =
            portal::table.filter(portal::tenant_id.eq(tenant_id)).select(portal_columns!()).order(portal::id).limit(limit).into_boxed();
        if let Some(path) = under {
            query = query.filter(portal::path.like(format!("{path}%")));
        }
        if let Some(parent) = children_of {
            query = query.filter(portal::parent_id.eq(parent));
        }
        if let Some(pattern) = &pattern {
            query = query.filter(super::lower(portal::name).like(pattern.clone()).escape('\\'));
        }
        query.load(c)
    })
}

/// How many members of a kind a portal has (its own, not its sub-portals').
pub fn member_count(tx: &mut Tx<'_>, portal_id: i64, kind: &str) -> QueryResult<i64> {
    on_conn!(tx, |c| portal_user::table
        .filter(portal_user::portal_id.eq(portal_id))
        .filter(portal_user::kind.eq(kind))
        .count()
        .get_result(c))
}

/// How many portals sit right under this one.
pub fn child_count(tx: &mut Tx<'_>, portal_id: i64) -> QueryResult<i64> {
    on_conn!(tx, |c| portal::table.filter(portal::parent_id.eq(portal_id)).count().get_result(c))
}

/// A portal's courses: `(course, public)`.
pub fn courses_of(tx: &mut Tx<'_>, portal_id: i64) -> QueryResult<Vec<(i64, bool)>> {
    on_conn!(tx, |c| portal_course::table
        .filter(portal_course::portal_id.eq(portal_id))
        .order(portal_course::course_id)
        .select((portal_course::course_id, portal_course::is_public))
        .load(c))
}

/// A portal's name and slug.
pub fn name_of(tx: &mut Tx<'_>, portal_id: i64) -> QueryResult<(String, String)> {
    on_conn!(tx, |c| portal::table.find(portal_id).select((portal::name, portal::slug)).first(c))
}

/// A course of a portal with its learners' progress.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PortalCourseRow {
    pub course_id: i64,
    pub title: String,
    pub not_started: i64,
    pub completed: i64,
    pub total: i64,
    pub last_day: i64,
}

/// A page of the courses of a portal (its catalog), with the progress of the learners of the
/// portal and its sub-portals; and how many courses it has.
pub fn portal_courses(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    portal_id: i64,
    path: &str,
    since: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<PortalCourseRow>, i64)> {
    let status = "enrollment.completion_status IN ('complete', 'passed', 'accepted')";
    let not_started = "enrollment.completion_status = 'not_started' AND enrollment.progress = 0 AND enrollment.started_at IS NULL";
    let members = format!(
        "enrollment.learner_id IN (SELECT portal_user.user_id FROM portal_user JOIN portal ON portal.id = portal_user.portal_id \
         WHERE portal.tenant_id = {tenant_id} AND portal.path LIKE '{}%' AND portal_user.kind = 'learner')",
        path.replace('\'', "")
    );
    let count = |condition: &str| {
        format!(
            "(SELECT COUNT(*) FROM enrollment WHERE enrollment.course_id = course.id AND enrollment.lifecycle = 'active' AND {members} AND {condition})"
        )
    };
    let since_sql = since.format("%Y-%m-%d %H:%M:%S").to_string();
    on_conn!(tx, |c| {
        let total: i64 = portal_course::table.filter(portal_course::portal_id.eq(portal_id)).count().get_result(c)?;
        let rows = portal_course::table
            .inner_join(course::table.on(course::id.eq(portal_course::course_id)))
            .filter(portal_course::portal_id.eq(portal_id))
            .select((
                course::id,
                course::title,
                sql::<BigInt>(&count(not_started)),
                sql::<BigInt>(&count(status)),
                sql::<BigInt>(&count("TRUE")),
                sql::<BigInt>(&count(&format!("enrollment.created_at >= '{since_sql}'"))),
            ))
            .order(course::id)
            .offset(offset)
            .limit(limit)
            .load(c)?;
        Ok((rows, total))
    })
}

/// A user of a portal (or of its sub-portals), with its progress in the enrollments.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PortalUserRow {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub is_admin: bool,
    pub is_learner: bool,
    pub is_active: bool,
}

/// A page of the users who are members of a portal or its sub-portals (of a kind, if given), whose
/// name or e-mail contains `search` (lower case); and how many match.
pub fn portal_users(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    path: &str,
    kind: Option<&str>,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<PortalUserRow>, i64)> {
    let pattern = search.map(super::offerings::contains);
    macro_rules! members {
        () => {{
            let portals =
                portal::table.filter(portal::tenant_id.eq(tenant_id)).filter(portal::path.like(format!("{path}%"))).select(portal::id);
            let mut users = portal_user::table.filter(portal_user::portal_id.eq_any(portals)).select(portal_user::user_id).into_boxed();
            if let Some(kind) = kind {
                users = users.filter(portal_user::kind.eq(kind));
            }
            let mut query = app_user::table
                .filter(app_user::tenant_id.eq(tenant_id))
                .filter(app_user::deleted_at.is_null())
                .filter(app_user::id.eq_any(users))
                .into_boxed();
            if let Some(pattern) = &pattern {
                query = query.filter(name_or_email_like!(pattern));
            }
            query
        }};
    }
    let flag = |kind_sql: &str| {
        format!(
            "EXISTS (SELECT 1 FROM portal_user JOIN portal ON portal.id = portal_user.portal_id WHERE portal_user.user_id = app_user.id \
             AND portal.tenant_id = {tenant_id} AND portal.path LIKE '{}%' AND {kind_sql})",
            path.replace('\'', "")
        )
    };
    on_conn!(tx, |c| {
        let total: i64 = members!().count().get_result(c)?;
        let rows = members!()
            .select((
                app_user::id,
                app_user::first_name,
                app_user::last_name,
                app_user::email,
                app_user::role,
                app_user::created_at,
                sql::<Bool>(&flag("portal_user.kind = 'portal_admin'")),
                sql::<Bool>(&flag("portal_user.kind = 'learner'")),
                sql::<Bool>(&flag("portal_user.is_active")),
            ))
            .order(app_user::id)
            .offset(offset)
            .limit(limit)
            .load(c)?;
        Ok((rows, total))
    })
}

/// The names of the portals a user is a member of, in order.
pub fn portal_names_of(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<Vec<String>> {
    let portals: Vec<(i64, String)> = on_conn!(tx, |c| portal_user::table
        .inner_join(portal::table)
        .filter(portal_user::user_id.eq(user_id))
        .order(portal::id)
        .select((portal::id, portal::name))
        .distinct()
        .load(c))?;
    Ok(portals.into_iter().map(|(_, name)| name).collect())
}

/// A user's enrollments counted by status: `(not started, completed, all)`.
pub fn user_totals(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<(i64, i64, i64)> {
    let sum = |condition: &str| format!("COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)");
    on_conn!(tx, |c| enrollment::table
        .filter(enrollment::learner_id.eq(user_id))
        .filter(enrollment::lifecycle.eq("active"))
        .select((
            sql::<BigInt>(&sum(
                "enrollment.completion_status = 'not_started' AND enrollment.progress = 0 AND enrollment.started_at IS NULL"
            )),
            sql::<BigInt>(&sum("enrollment.completion_status IN ('complete', 'passed', 'accepted')")),
            diesel::dsl::count_star(),
        ))
        .first(c))
}

/// Sets the portal a user works in now.
pub fn set_current_portal(tx: &mut Tx<'_>, user_id: i64, portal_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(app_user::table.find(user_id)).set(app_user::current_portal_id.eq(Some(portal_id))).execute(c))
        .map(|_| ())
}

/// The external id of the tenant's first root department: where users made by a portal go.
pub fn home_department(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::parent_id.is_null())
        .order(department::id)
        .select(department::external_id)
        .first(c)
        .optional())
}

/// A membership of the tenant: `(id, its own expiry)`.
pub fn membership(tx: &mut Tx<'_>, tenant_id: i64, id: i64) -> QueryResult<Option<(i64, Option<NaiveDateTime>)>> {
    on_conn!(tx, |c| membership::table
        .filter(membership::tenant_id.eq(tenant_id))
        .filter(membership::id.eq(id))
        .select((membership::id, membership::expired_at))
        .first(c)
        .optional())
}

/// Creates a membership; returns its id.
pub fn insert_membership(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    name: &str,
    expired_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(membership::table)
        .values((
            membership::tenant_id.eq(tenant_id),
            membership::name.eq(name),
            membership::expired_at.eq(expired_at),
            membership::created_at.eq(now),
        ))
        .returning(membership::id)
        .get_result(c))
}

/// Gives users a membership until `expired_at` (a user holds one: it replaces any other).
pub fn set_membership(tx: &mut Tx<'_>, users: &[i64], membership_id: i64, expired_at: Option<NaiveDateTime>) -> QueryResult<()> {
    for chunk in users.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|user| {
                (
                    user_membership::user_id.eq(*user),
                    user_membership::membership_id.eq(membership_id),
                    user_membership::expired_at.eq(expired_at),
                )
            })
            .collect();
        on_conn!(tx, |c| {
            diesel::delete(user_membership::table.filter(user_membership::user_id.eq_any(chunk))).execute(c)?;
            diesel::insert_into(user_membership::table).values(&rows).execute(c)
        })?;
    }
    Ok(())
}

/// A user's membership: `(membership, expired_at)`.
pub fn membership_of(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<Option<(i64, Option<NaiveDateTime>)>> {
    on_conn!(tx, |c| user_membership::table
        .filter(user_membership::user_id.eq(user_id))
        .select((user_membership::membership_id, user_membership::expired_at))
        .first(c)
        .optional())
}
