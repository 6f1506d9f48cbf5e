//! Courses (content items).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::course;
use super::{Keyed, Tx, on_conn};

#[derive(Debug, Insertable)]
#[diesel(table_name = course)]
pub struct NewCourse<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub description: Option<&'a str>,
    pub content_type: &'a str,
    pub default_due_period_hours: Option<i32>,
    pub created_at: NaiveDateTime,
}

pub fn insert_course(tx: &mut Tx<'_>, row: &NewCourse<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(course::table).values(row).returning(course::id).get_result(c))
}

/// The keys of the tenant's courses among `external_ids`.
pub fn courses_by_external_ids(tx: &mut Tx<'_>, tenant_id: i64, external_ids: &[impl AsRef<str>]) -> QueryResult<Vec<Keyed>> {
    let external_ids = super::strs(external_ids);
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::external_id.eq_any(&external_ids))
        .select((course::id, course::external_id))
        .load(c))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course)]
pub struct CourseRow {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub content_type: String,
    pub default_due_period_hours: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// Up to `limit` of the tenant's courses with an id above `after`, in id order.
pub fn page(tx: &mut Tx<'_>, tenant_id: i64, after: i64, limit: i64) -> QueryResult<Vec<CourseRow>> {
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::id.gt(after))
        .order(course::id)
        .limit(limit)
        .select(CourseRow::as_select())
        .load(c))
}

/// The tenant's courses among `external_ids`.
pub fn by_external_ids(tx: &mut Tx<'_>, tenant_id: i64, external_ids: &[impl AsRef<str>]) -> QueryResult<Vec<CourseRow>> {
    let external_ids = super::strs(external_ids);
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::external_id.eq_any(&external_ids))
        .select(CourseRow::as_select())
        .load(c))
}

/// The key of the tenant's course with this external id: one fixed-shape statement, kept prepared.
pub fn course_key(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| course::table
        .filter(course::tenant_id.eq(tenant_id))
        .filter(course::external_id.eq(external_id))
        .select(course::id)
        .first(c)
        .optional())
}

/// The tenant's oldest course.
pub fn first_course(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| course::table.filter(course::tenant_id.eq(tenant_id)).order(course::id).select(course::id).first(c).optional())
}
