//! Keepnet Labs: companies in their reseller tree, credentials and tokens, campaigns and their
//! assignments, and the reports over what the campaigns' mail did. Each report is one SQL query whose
//! columns are the report's fields (in snake case); a search's filter, order and page are compiled
//! around it into one statement with bound parameters, so filtering, sorting and paging happen in
//! the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamp};

use super::directory::{Param, Statement, like_escaped};
use super::schema::{
    enrollment, keepnet_assignment, keepnet_campaign, keepnet_certificate_due, keepnet_certificate_mail, keepnet_client, keepnet_company,
    keepnet_notification, keepnet_reminder_mail, keepnet_signing_key, keepnet_token, outbox,
};
use super::{Tx, on_conn};
use crate::domain::keepnet::{Field, FieldKind, Filter, FilterGroup, FilterItem, FilterValue, Logic, Operator, Order, PageRequest, Search};

// ---------------------------------------------------------------------------------------------
// Companies

#[derive(Debug, Insertable)]
#[diesel(table_name = keepnet_company)]
pub struct NewCompany<'a> {
    pub tenant_id: i64,
    pub resource_id: &'a str,
    pub parent_id: Option<i64>,
    pub industry_name: Option<&'a str>,
    pub industry_resource_id: Option<&'a str>,
    pub license_type_name: &'a str,
    pub license_type_resource_id: Option<&'a str>,
    pub is_number_of_users_limited: bool,
    pub number_of_users: i32,
    pub license_end_date: Option<NaiveDateTime>,
    pub privacy_duration_id: i32,
    pub tags: &'a str,
    pub logo_path: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert_company(tx: &mut Tx<'_>, company: &NewCompany<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_company::table).values(company).execute(c)).map(|_| ())
}

/// A company's place: its tenant, Company ID and parent.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CompanyKey {
    pub tenant_id: i64,
    pub resource_id: String,
    pub parent_id: Option<i64>,
}

pub fn company_by_resource_id(tx: &mut Tx<'_>, resource_id: &str) -> QueryResult<Option<CompanyKey>> {
    on_conn!(tx, |c| keepnet_company::table
        .filter(keepnet_company::resource_id.eq(resource_id))
        .select((keepnet_company::tenant_id, keepnet_company::resource_id, keepnet_company::parent_id))
        .first(c)
        .optional())
}

pub fn company_of_tenant(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<CompanyKey>> {
    on_conn!(tx, |c| keepnet_company::table
        .find(tenant_id)
        .select((keepnet_company::tenant_id, keepnet_company::resource_id, keepnet_company::parent_id))
        .first(c)
        .optional())
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The company and every company below it in its tree (one recursive query over the parent index).
pub fn subtree(tx: &mut Tx<'_>, root: i64) -> QueryResult<Vec<i64>> {
    let mut statement = Statement::new(tx);
    statement
        .sql("WITH RECURSIVE tree(id) AS (SELECT tenant_id FROM keepnet_company WHERE tenant_id = ")
        .bind(Param::BigInt(root))
        .sql(" UNION ALL SELECT k.tenant_id FROM keepnet_company k JOIN tree t ON k.parent_id = t.id) SELECT id FROM tree");
    Ok(statement.load::<Id>(tx)?.into_iter().map(|row| row.id).collect())
}

/// Whether `tenant_id` is `root` or below it.
pub fn is_within(tx: &mut Tx<'_>, root: i64, tenant_id: i64) -> QueryResult<bool> {
    let mut at = Some(tenant_id);
    // A tree is shallow (reseller, customers, their children); the walk stops at any depth.
    for _ in 0..64 {
        match at {
            Some(id) if id == root => return Ok(true),
            Some(id) => at = company_of_tenant(tx, id)?.and_then(|k| k.parent_id),
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// A company as the companies search lists it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CompanyRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub parent_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub company_name: String,
    #[diesel(sql_type = Text)]
    pub company_resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reseller_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub industry_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub industry_resource_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub license_type_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub license_type_resource_id: Option<String>,
    #[diesel(sql_type = Bool)]
    pub is_number_of_users_limited: bool,
    #[diesel(sql_type = Integer)]
    pub number_of_users: i32,
    #[diesel(sql_type = Integer)]
    pub privacy_duration_id: i32,
    #[diesel(sql_type = Bool)]
    pub licence_expired: bool,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub license_end_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Timestamp)]
    pub create_time: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub tags: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub logo_path: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub target_user_count: i64,
    #[diesel(sql_type = BigInt)]
    pub deleted_target_user_count: i64,
    #[diesel(sql_type = BigInt)]
    pub inactive_target_user_count: i64,
    #[diesel(sql_type = BigInt)]
    pub monthly_active_user_count: i64,
    #[diesel(sql_type = Bool)]
    pub is_target_user_count_exceeded_limit: bool,
}

/// The companies of `tenant_ids`, with their licence and their users counted.
fn companies_query(statement: &mut Statement, tenant_ids: &[i64], now: NaiveDateTime) {
    statement
        .sql(
            "SELECT q.*, (q.is_number_of_users_limited AND q.target_user_count > q.number_of_users) AS is_target_user_count_exceeded_limit \
             FROM (SELECT k.tenant_id AS id, k.parent_id AS parent_id, t.name AS company_name, k.resource_id AS company_resource_id, \
             p.name AS reseller_name, k.industry_name AS industry_name, k.industry_resource_id AS industry_resource_id, \
             k.license_type_name AS license_type_name, k.license_type_resource_id AS license_type_resource_id, \
             k.is_number_of_users_limited AS is_number_of_users_limited, k.number_of_users AS number_of_users, \
             k.privacy_duration_id AS privacy_duration_id, (k.license_end_date IS NOT NULL AND k.license_end_date < ",
        )
        .bind(Param::Time(now))
        .sql(
            ") AS licence_expired, k.license_end_date AS license_end_date, k.created_at AS create_time, k.tags AS tags, \
             k.logo_path AS logo_path, \
             (SELECT count(*) FROM app_user u WHERE u.tenant_id = k.tenant_id AND u.deleted_at IS NULL AND u.status = 1) AS target_user_count, \
             (SELECT count(*) FROM app_user u WHERE u.tenant_id = k.tenant_id AND u.deleted_at IS NOT NULL) AS deleted_target_user_count, \
             (SELECT count(*) FROM app_user u WHERE u.tenant_id = k.tenant_id AND u.deleted_at IS NULL AND u.status = 3) AS inactive_target_user_count, \
             (SELECT count(DISTINCT e.learner_id) FROM enrollment e WHERE e.tenant_id = k.tenant_id AND e.updated_at >= ",
        )
        .bind(Param::Time(now - chrono::Duration::days(30)))
        .sql(
            " AND (e.progress > 0 OR e.completed_at IS NOT NULL)) AS monthly_active_user_count \
             FROM keepnet_company k JOIN tenant t ON t.id = k.tenant_id LEFT JOIN tenant p ON p.id = k.parent_id WHERE k.tenant_id IN (",
        );
    for (i, id) in tenant_ids.iter().enumerate() {
        if i > 0 {
            statement.sql(", ");
        }
        statement.bind(Param::BigInt(*id));
    }
    if tenant_ids.is_empty() {
        statement.sql("NULL");
    }
    statement.sql(")) q");
}

/// A page of the companies of `tenant_ids` that match, and how many match in all.
pub fn search_companies(
    tx: &mut Tx<'_>,
    tenant_ids: &[i64],
    exceeded: Option<bool>,
    query: &Query<'_>,
    now: NaiveDateTime,
) -> QueryResult<(i64, Vec<CompanyRow>)> {
    let inner = |s: &mut Statement| {
        companies_query(s, tenant_ids, now);
        match exceeded {
            Some(true) => s.sql(" WHERE (q.is_number_of_users_limited AND q.target_user_count > q.number_of_users)"),
            // Asking for false means those within their limit.
            Some(false) => s.sql(" WHERE NOT (q.is_number_of_users_limited AND q.target_user_count > q.number_of_users)"),
            None => s,
        };
    };
    search(tx, &inner, query)
}

/// The companies of `tenant_ids`, unfiltered, by name.
pub fn companies(tx: &mut Tx<'_>, tenant_ids: &[i64], now: NaiveDateTime) -> QueryResult<Vec<CompanyRow>> {
    let mut statement = Statement::new(tx);
    statement.sql("SELECT * FROM (");
    companies_query(&mut statement, tenant_ids, now);
    statement.sql(") r ORDER BY r.company_name, r.id");
    statement.load(tx)
}

// ---------------------------------------------------------------------------------------------
// Credentials and tokens

#[derive(Debug, Clone, Queryable)]
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
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_client::table)
        .values((
            keepnet_client::tenant_id.eq(tenant_id),
            keepnet_client::client_id.eq(client_id),
            keepnet_client::secret_hash.eq(secret_hash),
            keepnet_client::role.eq(role),
            keepnet_client::created_at.eq(now),
        ))
        .returning(keepnet_client::id)
        .get_result(c))
}

const CLIENT_COLUMNS: (
    keepnet_client::id,
    keepnet_client::tenant_id,
    keepnet_client::client_id,
    keepnet_client::secret_hash,
    keepnet_client::role,
) = (keepnet_client::id, keepnet_client::tenant_id, keepnet_client::client_id, keepnet_client::secret_hash, keepnet_client::role);

pub fn find_client(tx: &mut Tx<'_>, client_id: &str) -> QueryResult<Option<ClientRow>> {
    on_conn!(tx, |c| keepnet_client::table.filter(keepnet_client::client_id.eq(client_id)).select(CLIENT_COLUMNS).first(c).optional())
}

pub fn insert_token(tx: &mut Tx<'_>, token_hash: &str, client: i64, expires_at: NaiveDateTime, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(keepnet_token::table.filter(keepnet_token::expires_at.lt(now))).execute(c)?;
        diesel::insert_into(keepnet_token::table)
            .values((
                keepnet_token::token_hash.eq(token_hash),
                keepnet_token::keepnet_client_id.eq(client),
                keepnet_token::expires_at.eq(expires_at),
                keepnet_token::created_at.eq(now),
            ))
            .execute(c)
    })
    .map(|_| ())
}

/// The client a token digest belongs to, and when the token expires.
pub fn find_token(tx: &mut Tx<'_>, token_hash: &str) -> QueryResult<Option<(ClientRow, NaiveDateTime)>> {
    on_conn!(tx, |c| keepnet_token::table
        .find(token_hash)
        .inner_join(keepnet_client::table)
        .select((CLIENT_COLUMNS, keepnet_token::expires_at))
        .first(c)
        .optional())
}

/// The key tokens are signed with, made on first use (a race makes two; the first is kept).
pub fn signing_key(tx: &mut Tx<'_>, fresh: &str, now: NaiveDateTime) -> QueryResult<String> {
    let first = |tx: &mut Tx<'_>| {
        on_conn!(tx, |c| keepnet_signing_key::table
            .order(keepnet_signing_key::id)
            .select(keepnet_signing_key::secret)
            .first::<String>(c)
            .optional())
    };
    if let Some(key) = first(tx)? {
        return Ok(key);
    }
    on_conn!(tx, |c| diesel::insert_into(keepnet_signing_key::table)
        .values((keepnet_signing_key::secret.eq(fresh), keepnet_signing_key::created_at.eq(now)))
        .execute(c))?;
    Ok(first(tx)?.unwrap_or_else(|| fresh.to_string()))
}

/// The signing key, when one was made (a token can only be valid once one is).
pub fn signing_key_if_made(tx: &mut Tx<'_>) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| keepnet_signing_key::table.order(keepnet_signing_key::id).select(keepnet_signing_key::secret).first(c).optional())
}

// ---------------------------------------------------------------------------------------------
// Campaigns

/// A target user's address and first name, for the invitation.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: i64,
    pub email: Option<String>,
    pub first_name: Option<String>,
}

pub fn people(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<Vec<Person>> {
    use super::schema::app_user;
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        found.extend(on_conn!(tx, |c| app_user::table
            .filter(app_user::id.eq_any(chunk))
            .select((app_user::id, app_user::email, app_user::first_name))
            .load::<Person>(c))?);
    }
    found.sort_by_key(|p| p.id);
    Ok(found)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = keepnet_campaign)]
pub struct NewCampaign<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub course_id: i64,
    pub name: &'a str,
    pub enrollment_type: &'a str,
    pub status: &'a str,
    pub delivery_type: &'a str,
    pub recipient_type: &'a str,
    pub enrolled_by: &'a str,
    pub category: Option<&'a str>,
    pub target_audience: Option<&'a str>,
    pub level: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub languages: &'a str,
    pub tags: &'a str,
    pub has_quiz: bool,
    pub award_certificate: bool,
    pub is_test: bool,
    pub start_date: NaiveDateTime,
    pub time_zone: &'a str,
    pub due_date: Option<NaiveDateTime>,
    pub reminder_period_count: Option<i32>,
    pub reminder_period_type: Option<&'a str>,
    pub reminder_end_type: Option<&'a str>,
    pub reminder_occurrence_count: Option<i32>,
    pub reminder_stop_time: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_campaign(tx: &mut Tx<'_>, campaign: &NewCampaign<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_campaign::table).values(campaign).returning(keepnet_campaign::id).get_result(c))
}

/// The enrollment id of the tenant's (first) campaign named `name`.
pub fn campaign_by_name(tx: &mut Tx<'_>, tenant_id: i64, name: &str) -> QueryResult<Option<String>> {
    on_conn!(tx, |c| keepnet_campaign::table
        .filter(keepnet_campaign::tenant_id.eq(tenant_id))
        .filter(keepnet_campaign::name.eq(name))
        .order(keepnet_campaign::id)
        .select(keepnet_campaign::external_id)
        .first(c)
        .optional())
}

/// Sets a campaign's status.
pub fn set_campaign_status(tx: &mut Tx<'_>, campaign_id: i64, status: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(keepnet_campaign::table.find(campaign_id)).set(keepnet_campaign::status.eq(status)).execute(c))
        .map(|_| ())
}

/// Which of `learner_ids` hold a live enrollment in the course already.
pub fn already_enrolled(tx: &mut Tx<'_>, course_id: i64, learner_ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut found = Vec::new();
    for chunk in learner_ids.chunks(500) {
        found.extend(on_conn!(tx, |c| enrollment::table
            .filter(enrollment::course_id.eq(course_id))
            .filter(enrollment::lifecycle.eq("active"))
            .filter(enrollment::learner_id.eq_any(chunk))
            .select(enrollment::learner_id)
            .load::<i64>(c))?);
    }
    Ok(found)
}

/// One target user's assignment: the enrollment written, the mail queued for it.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub enrollment_id: i64,
    /// None for a target user without an address: no mail could be queued.
    pub outbox_id: Option<i64>,
}

pub fn insert_assignments(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    campaign_id: i64,
    rows: &[NewAssignment],
    now: NaiveDateTime,
) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|row| {
                (
                    keepnet_assignment::enrollment_id.eq(row.enrollment_id),
                    keepnet_assignment::tenant_id.eq(tenant_id),
                    keepnet_assignment::campaign_id.eq(campaign_id),
                    keepnet_assignment::outbox_id.eq(row.outbox_id),
                    keepnet_assignment::last_sending_status.eq(if row.outbox_id.is_some() { "In Queue" } else { "Not Delivered" }),
                    keepnet_assignment::error_message.eq(row.outbox_id.is_none().then_some("the target user has no e-mail address")),
                    keepnet_assignment::created_at.eq(now),
                )
            })
            .collect();
        on_conn!(tx, |c| diesel::insert_into(keepnet_assignment::table).values(&values).execute(c))?;
    }
    Ok(())
}

/// Inserts enrollments in multi-row statements, returning each one's id and learner in the order given.
pub fn insert_enrollments(tx: &mut Tx<'_>, rows: &[super::enrollments::NewEnrollment<'_>]) -> QueryResult<Vec<(i64, i64)>> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let got: Vec<(i64, i64)> = on_conn!(tx, |c| diesel::insert_into(enrollment::table)
            .values(chunk)
            .returning((enrollment::id, enrollment::learner_id))
            .get_results(c))?;
        ids.extend(got);
    }
    Ok(ids)
}

/// Inserts outbox messages in multi-row statements, returning each one's id and recipient in order.
pub fn insert_messages(tx: &mut Tx<'_>, rows: &[super::outbox::NewMessage<'_>]) -> QueryResult<Vec<(i64, String)>> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let got: Vec<(i64, String)> =
            on_conn!(tx, |c| diesel::insert_into(outbox::table).values(chunk).returning((outbox::id, outbox::recipient)).get_results(c))?;
        ids.extend(got);
    }
    Ok(ids)
}

/// A campaign as the enrollment search lists it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CampaignRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub tenant_id: i64,
    #[diesel(sql_type = Text)]
    pub enrollment_id: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub enrolled_by: String,
    #[diesel(sql_type = Timestamp)]
    pub start_date: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub training_name: String,
    #[diesel(sql_type = Text)]
    pub training_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub training_description: Option<String>,
    #[diesel(sql_type = Text)]
    pub delivery: String,
    #[diesel(sql_type = Text)]
    pub delivery_type: String,
    #[diesel(sql_type = Timestamp)]
    pub create_time: NaiveDateTime,
    #[diesel(sql_type = Bool)]
    pub is_reminder_active: bool,
    #[diesel(sql_type = Bool)]
    pub is_auto_enrollment_active: bool,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub recipient_type: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub category: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub target_audience: Option<String>,
    #[diesel(sql_type = Text, column_name = "type")]
    pub kind: String,
    #[diesel(sql_type = Bool)]
    pub has_quiz: bool,
    #[diesel(sql_type = Text)]
    pub tags: String,
    #[diesel(sql_type = Text)]
    pub languages: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub duration: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub level: Option<String>,
    #[diesel(sql_type = Bool)]
    pub award_certificate: bool,
    #[diesel(sql_type = Bool)]
    pub is_test: bool,
    #[diesel(sql_type = Text)]
    pub time_zone: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub due_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub reminder_period_count: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reminder_period_type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reminder_end_type: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub reminder_occurrence_count: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub reminder_stop_time: Option<NaiveDateTime>,
}

fn campaigns_query(statement: &mut Statement, tenant_id: i64, enrollment_type: Option<&str>, external_id: Option<&str>) {
    statement
        .sql(
            "SELECT c.id AS id, c.tenant_id AS tenant_id, c.external_id AS enrollment_id, c.name AS name, c.enrolled_by AS enrolled_by, \
             c.start_date AS start_date, co.title AS training_name, co.external_id AS training_id, co.description AS training_description, \
             CASE WHEN c.start_date > c.created_at THEN 'Scheduled' ELSE 'Immediate' END AS delivery, \
             c.delivery_type AS delivery_type, c.created_at AS create_time, (c.reminder_period_count IS NOT NULL) AS is_reminder_active, \
             (c.status = 'Auto-Enroll') AS is_auto_enrollment_active, c.status AS status, c.recipient_type AS recipient_type, \
             c.category AS category, c.target_audience AS target_audience, c.enrollment_type AS type, c.has_quiz AS has_quiz, \
             c.tags AS tags, c.languages AS languages, c.duration AS duration, c.level AS level, c.award_certificate AS award_certificate, \
             c.is_test AS is_test, c.time_zone AS time_zone, c.due_date AS due_date, c.reminder_period_count AS reminder_period_count, \
             c.reminder_period_type AS reminder_period_type, c.reminder_end_type AS reminder_end_type, \
             c.reminder_occurrence_count AS reminder_occurrence_count, c.reminder_stop_time AS reminder_stop_time \
             FROM keepnet_campaign c JOIN course co ON co.id = c.course_id WHERE c.tenant_id = ",
        )
        .bind(Param::BigInt(tenant_id))
        .sql(" AND c.status <> 'Deleted'");
    if let Some(kind) = enrollment_type {
        statement.sql(" AND c.enrollment_type = ").bind(Param::Text(kind.to_string()));
    }
    if let Some(id) = external_id {
        statement.sql(" AND c.external_id = ").bind(Param::Text(id.to_string()));
    }
}

pub fn search_campaigns(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    enrollment_type: Option<&str>,
    query: &Query<'_>,
) -> QueryResult<(i64, Vec<CampaignRow>)> {
    search(tx, &|s: &mut Statement| campaigns_query(s, tenant_id, enrollment_type, None), query)
}

/// The tenant's campaign with this enrollment id (not a deleted one).
pub fn campaign(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<CampaignRow>> {
    let mut statement = Statement::new(tx);
    campaigns_query(&mut statement, tenant_id, None, Some(external_id));
    Ok(statement.load(tx)?.into_iter().next())
}

/// The training report's counts of a campaign.
#[derive(Debug, Clone, Default, PartialEq, QueryableByName)]
pub struct CampaignCounts {
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
    #[diesel(sql_type = BigInt)]
    pub in_progress: i64,
    #[diesel(sql_type = BigInt)]
    pub delivered: i64,
    #[diesel(sql_type = BigInt)]
    pub mail_errors: i64,
    #[diesel(sql_type = BigInt)]
    pub failed_exam: i64,
    #[diesel(sql_type = BigInt)]
    pub groups: i64,
}

pub fn campaign_counts(tx: &mut Tx<'_>, campaign_id: i64) -> QueryResult<CampaignCounts> {
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT count(*) AS total, \
             COALESCE(SUM(CASE WHEN e.completion_status IN ('complete', 'passed', 'accepted', 'failed') THEN 1 ELSE 0 END), 0) AS completed, \
             COALESCE(SUM(CASE WHEN e.completion_status NOT IN ('complete', 'passed', 'accepted', 'failed') \
               AND (e.progress > 0 OR e.completion_status IN ('in_progress', 'incomplete')) THEN 1 ELSE 0 END), 0) AS in_progress, \
             COALESCE(SUM(CASE WHEN a.last_sending_status = 'Delivered' THEN 1 ELSE 0 END), 0) AS delivered, \
             COALESCE(SUM(CASE WHEN a.last_sending_status IN ('Sending Error', 'Not Delivered') THEN 1 ELSE 0 END), 0) AS mail_errors, \
             COALESCE(SUM(CASE WHEN e.completion_status = 'failed' THEN 1 ELSE 0 END), 0) AS failed_exam, \
             count(DISTINCT u.department_id) AS groups \
             FROM keepnet_assignment a JOIN enrollment e ON e.id = a.enrollment_id JOIN app_user u ON u.id = e.learner_id \
             WHERE e.lifecycle = 'active' AND a.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id));
    Ok(statement.load(tx)?.into_iter().next().unwrap_or_default())
}

/// The departments a campaign's target users are in (its target groups): external ids and names.
pub fn campaign_groups(tx: &mut Tx<'_>, campaign_id: i64) -> QueryResult<Vec<(String, String)>> {
    #[derive(QueryableByName)]
    struct Group {
        #[diesel(sql_type = Text)]
        external_id: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT DISTINCT d.external_id AS external_id, d.name AS name FROM keepnet_assignment a JOIN enrollment e ON e.id = a.enrollment_id \
             JOIN app_user u ON u.id = e.learner_id JOIN department d ON d.id = u.department_id \
             WHERE e.lifecycle = 'active' AND a.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id))
        .sql(" ORDER BY d.name, d.external_id");
    Ok(statement.load::<Group>(tx)?.into_iter().map(|g| (g.external_id, g.name)).collect())
}

// ---------------------------------------------------------------------------------------------
// The reports of a campaign

/// A target user's row of the training report.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct UserRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub target_user_resource_id: String,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub department: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub phone_number: Option<String>,
    #[diesel(sql_type = Text)]
    pub delivery_type: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub exam_status_name: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub exam_score: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_completion_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_interaction_date: Option<NaiveDateTime>,
}

/// The status words of the training report, from the enrollment's canonical state (the same
/// for every face that reports progress).
const USER_STATUS: &str = "CASE WHEN e.completion_status IN ('complete', 'passed', 'accepted', 'failed') THEN 'Completed' \
     WHEN e.progress > 0 OR e.completion_status IN ('in_progress', 'incomplete') THEN 'In Progress' ELSE 'Not Responded' END";
const EXAM_STATUS: &str = "CASE WHEN e.completion_status IN ('passed', 'complete', 'accepted') THEN 'Passed' \
     WHEN e.completion_status = 'failed' THEN 'Exam Failed' \
     WHEN e.progress > 0 OR e.completion_status IN ('in_progress', 'incomplete') THEN 'Incomplete' ELSE 'Not Started' END";

/// The assignments of a campaign with their users (the `FROM` of the per-user reports).
const ASSIGNED: &str = "FROM keepnet_assignment a JOIN enrollment e ON e.id = a.enrollment_id JOIN app_user u ON u.id = e.learner_id \
     JOIN department d ON d.id = u.department_id JOIN keepnet_campaign c ON c.id = a.campaign_id WHERE e.lifecycle = 'active' AND a.campaign_id = ";

pub fn search_users(tx: &mut Tx<'_>, campaign_id: i64, query: &Query<'_>) -> QueryResult<(i64, Vec<UserRow>)> {
    let inner = |s: &mut Statement| {
        s.sql(&format!(
            "SELECT e.id AS id, u.external_id AS target_user_resource_id, u.id AS user_id, e.external_id AS resource_id, \
             u.first_name AS first_name, u.last_name AS last_name, u.email AS email, d.name AS department, \
             CAST(NULL AS TEXT) AS phone_number, c.delivery_type AS delivery_type, {USER_STATUS} AS status, \
             {EXAM_STATUS} AS exam_status_name, \
             CASE WHEN e.completion_status IN ('passed', 'failed', 'complete') THEN CAST(e.progress AS INTEGER) ELSE NULL END AS exam_score, \
             e.completed_at AS first_completion_date, \
             CASE WHEN e.progress > 0 OR e.completed_at IS NOT NULL THEN e.updated_at ELSE NULL END AS last_interaction_date {ASSIGNED}"
        ))
        .bind(Param::BigInt(campaign_id));
    };
    search(tx, &inner, query)
}

/// A target user's row of the sending report: the invitation mail and what became of it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct SendingRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub target_user_resource_id: String,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub department: Option<String>,
    #[diesel(sql_type = Text)]
    pub email_delivery: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Text)]
    pub last_sending_status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub error_message: Option<String>,
    #[diesel(sql_type = Text)]
    pub target_user_status: String,
    #[diesel(sql_type = Bool)]
    pub target_user_is_deleted: bool,
}

fn sending_query(s: &mut Statement, campaign_id: i64) {
    s.sql(&format!(
        "SELECT e.id AS id, u.external_id AS target_user_resource_id, u.id AS user_id, e.external_id AS resource_id, \
         u.first_name AS first_name, u.last_name AS last_name, u.email AS email, d.name AS department, \
         'Email' AS email_delivery, a.first_send_date AS first_send_date, a.last_send_date AS last_send_date, \
         a.last_sending_status AS last_sending_status, a.error_message AS error_message, \
         CASE WHEN u.deleted_at IS NOT NULL THEN 'Deleted' WHEN u.status = 3 THEN 'Inactive' ELSE 'Active' END AS target_user_status, \
         (u.deleted_at IS NOT NULL) AS target_user_is_deleted {ASSIGNED}"
    ))
    .bind(Param::BigInt(campaign_id));
}

pub fn search_sending(tx: &mut Tx<'_>, campaign_id: i64, query: &Query<'_>) -> QueryResult<(i64, Vec<SendingRow>)> {
    search(tx, &|s: &mut Statement| sending_query(s, campaign_id), query)
}

/// The enrollments of the sending report's rows that match `filter` (for a resend).
pub fn sending_ids(tx: &mut Tx<'_>, campaign_id: i64, filter: &Filter) -> QueryResult<Vec<(i64, String)>> {
    #[derive(QueryableByName)]
    struct Picked {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        target_user_resource_id: String,
    }
    let mut statement = Statement::new(tx);
    statement.sql("SELECT r.id AS id, r.target_user_resource_id AS target_user_resource_id FROM (");
    sending_query(&mut statement, campaign_id);
    statement.sql(") r WHERE ");
    compile_filter(&mut statement, filter, Some(crate::domain::keepnet::fields::SENDING_REPORT));
    statement.sql(" ORDER BY r.id");
    Ok(statement.load::<Picked>(tx)?.into_iter().map(|p| (p.id, p.target_user_resource_id)).collect())
}

/// What a resend needs of an assignment: its user's address and names.
#[derive(Debug, Clone, QueryableByName)]
pub struct Recipient {
    #[diesel(sql_type = BigInt)]
    pub enrollment_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
}

pub fn recipients(tx: &mut Tx<'_>, campaign_id: i64, enrollment_ids: &[i64]) -> QueryResult<Vec<Recipient>> {
    let mut found = Vec::new();
    for chunk in enrollment_ids.chunks(500) {
        let mut statement = Statement::new(tx);
        statement.sql(&format!(
            "SELECT e.id AS enrollment_id, u.email AS email, u.first_name AS first_name, u.last_name AS last_name {ASSIGNED}"
        ));
        statement.bind(Param::BigInt(campaign_id)).sql(" AND u.deleted_at IS NULL AND e.id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                statement.sql(", ");
            }
            statement.bind(Param::BigInt(*id));
        }
        statement.sql(") ORDER BY e.id");
        found.extend(statement.load::<Recipient>(tx)?);
    }
    Ok(found)
}

/// Points an assignment at a newly queued mail: its sending status is in the queue again. The mail
/// it pointed at, if still waiting, is withdrawn: a resend sends one mail, not two.
pub fn requeue(tx: &mut Tx<'_>, enrollment_id: i64, outbox_id: i64) -> QueryResult<()> {
    let waiting: Option<Option<i64>> =
        on_conn!(tx, |c| keepnet_assignment::table.find(enrollment_id).select(keepnet_assignment::outbox_id).first(c).optional())?;
    if let Some(Some(previous)) = waiting {
        super::outbox::withdraw(tx, previous, "replaced by a resend")?;
    }
    on_conn!(tx, |c| diesel::update(keepnet_assignment::table.find(enrollment_id))
        .set((
            keepnet_assignment::outbox_id.eq(Some(outbox_id)),
            keepnet_assignment::last_sending_status.eq("In Queue"),
            keepnet_assignment::error_message.eq(None::<String>),
        ))
        .execute(c))
    .map(|_| ())
}

/// A certificate of a campaign's target user, and its mail.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CertificateRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub target_user_resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub user_email: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub user_email_id: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub sent_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub created_date: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub user_email_send_time: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_send_time: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_send_time: Option<NaiveDateTime>,
    #[diesel(sql_type = Text)]
    pub email_delivery: String,
}

pub fn search_certificates(tx: &mut Tx<'_>, campaign_id: i64, query: &Query<'_>) -> QueryResult<(i64, Vec<CertificateRow>)> {
    let inner = |s: &mut Statement| {
        s.sql(
            "SELECT e.id AS id, u.external_id AS target_user_resource_id, u.email AS user_email, m.outbox_id AS user_email_id, \
             CASE WHEN m.status = 'Delivered' THEN m.last_send_time ELSE NULL END AS sent_date, m.status AS status, \
             ce.issued_at AS created_date, m.first_send_time AS user_email_send_time, m.first_send_time AS first_send_time, \
             m.last_send_time AS last_send_time, 'Email' AS email_delivery \
             FROM keepnet_assignment a JOIN enrollment e ON e.id = a.enrollment_id JOIN certificate ce ON ce.enrollment_id = e.id \
             JOIN app_user u ON u.id = e.learner_id LEFT JOIN keepnet_certificate_mail m ON m.enrollment_id = e.id \
             WHERE e.lifecycle = 'active' AND a.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id));
    };
    search(tx, &inner, query)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = keepnet_certificate_mail)]
pub struct NewCertificateMail<'a> {
    pub enrollment_id: i64,
    pub tenant_id: i64,
    pub campaign_id: i64,
    pub outbox_id: Option<i64>,
    pub email: &'a str,
    pub first_send_time: Option<NaiveDateTime>,
    pub last_send_time: Option<NaiveDateTime>,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert_certificate_mail(tx: &mut Tx<'_>, row: &NewCertificateMail<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_certificate_mail::table).values(row).execute(c)).map(|_| ())
}

/// A reminder mail of a campaign.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ReminderRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_email_id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub email_delivery: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Text)]
    pub last_sending_status: String,
}

pub fn search_reminders(
    tx: &mut Tx<'_>,
    campaign_id: i64,
    training: Option<&str>,
    query: &Query<'_>,
) -> QueryResult<(i64, Vec<ReminderRow>)> {
    let inner = |s: &mut Statement| {
        s.sql(
            "SELECT r.id AS id, r.id AS user_email_id, r.email AS email, 'Email' AS email_delivery, r.first_send_date AS first_send_date, \
             r.last_send_date AS last_send_date, r.last_sending_status AS last_sending_status \
             FROM keepnet_reminder_mail r JOIN keepnet_campaign c ON c.id = r.campaign_id WHERE r.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id));
        if let Some(kind) = training {
            s.sql(" AND c.enrollment_type = ").bind(Param::Text(kind.to_string()));
        }
    };
    search(tx, &inner, query)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = keepnet_reminder_mail)]
pub struct NewReminderMail<'a> {
    pub tenant_id: i64,
    pub campaign_id: i64,
    pub enrollment_id: i64,
    pub outbox_id: Option<i64>,
    pub email: &'a str,
    pub first_send_date: Option<NaiveDateTime>,
    pub last_send_date: Option<NaiveDateTime>,
    pub last_sending_status: &'a str,
    pub error_message: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert_reminder_mail(tx: &mut Tx<'_>, row: &NewReminderMail<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_reminder_mail::table).values(row).execute(c)).map(|_| ())
}

/// A notification activity log of a campaign.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct NotificationRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    #[diesel(sql_type = BigInt)]
    pub target_user_id: i64,
    #[diesel(sql_type = Text)]
    pub tenant_user_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub department: Option<String>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text, column_name = "type")]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub enrollment_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub error_message: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_sending_status: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub create_time: NaiveDateTime,
    #[diesel(sql_type = Integer)]
    pub retry_count: i32,
    #[diesel(sql_type = Integer)]
    pub max_retry_count: i32,
    #[diesel(sql_type = Text)]
    pub training_title: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub activity_content: Option<String>,
    #[diesel(sql_type = Bool)]
    pub can_resend: bool,
}

pub fn search_notifications(
    tx: &mut Tx<'_>,
    campaign_id: i64,
    status: Option<&str>,
    kind: Option<&str>,
    query: &Query<'_>,
) -> QueryResult<(i64, Vec<NotificationRow>)> {
    let inner = |s: &mut Statement| {
        s.sql(
            "SELECT n.id AS id, n.tenant_id AS company_id, u.id AS target_user_id, u.external_id AS tenant_user_id, \
             u.first_name AS first_name, u.last_name AS last_name, \
             TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS full_name, u.email AS email, d.name AS department, \
             n.status AS status, n.type AS type, c.external_id AS enrollment_id, n.error_message AS error_message, \
             n.first_send_date AS first_send_date, n.last_send_date AS last_send_date, n.last_sending_status AS last_sending_status, \
             n.created_at AS create_time, n.retry_count AS retry_count, n.max_retry_count AS max_retry_count, c.name AS training_title, \
             n.activity_content AS activity_content, (n.status = 'Failed') AS can_resend \
             FROM keepnet_notification n JOIN keepnet_campaign c ON c.id = n.campaign_id JOIN enrollment e ON e.id = n.enrollment_id \
             JOIN app_user u ON u.id = e.learner_id JOIN department d ON d.id = u.department_id WHERE n.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id));
        if let Some(status) = status {
            s.sql(" AND n.status = ").bind(Param::Text(status.to_string()));
        }
        if let Some(kind) = kind {
            s.sql(" AND n.type = ").bind(Param::Text(kind.to_string()));
        }
    };
    search(tx, &inner, query)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = keepnet_notification)]
pub struct NewNotification<'a> {
    pub tenant_id: i64,
    pub campaign_id: i64,
    pub enrollment_id: i64,
    pub kind: &'a str,
    pub status: &'a str,
    pub activity_content: Option<&'a str>,
    pub first_send_date: Option<NaiveDateTime>,
    pub last_send_date: Option<NaiveDateTime>,
    pub last_sending_status: Option<&'a str>,
    pub error_message: Option<&'a str>,
    pub retry_count: i32,
    pub max_retry_count: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_notification(tx: &mut Tx<'_>, row: &NewNotification<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_notification::table).values(row).execute(c)).map(|_| ())
}

/// Records what a delivery attempt of an assignment's invitation did.
pub fn record_sending(tx: &mut Tx<'_>, enrollment_id: i64, at: NaiveDateTime, status: &str, error: Option<&str>) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::update(keepnet_assignment::table.find(enrollment_id).filter(keepnet_assignment::first_send_date.is_null()))
            .set(keepnet_assignment::first_send_date.eq(Some(at)))
            .execute(c)?;
        diesel::update(keepnet_assignment::table.find(enrollment_id))
            .set((
                keepnet_assignment::last_send_date.eq(Some(at)),
                keepnet_assignment::last_sending_status.eq(status),
                keepnet_assignment::error_message.eq(error),
            ))
            .execute(c)
    })
    .map(|_| ())
}

// ---------------------------------------------------------------------------------------------
// Delivery: what each attempt did, and what the scheduler queues

/// The sending report's words for a mail: waiting for its (next) attempt, delivered to the relay,
/// given up after the last attempt.
pub const MAIL_QUEUED: &str = "In Queue";
pub const MAIL_DELIVERED: &str = "Delivered";
pub const MAIL_FAILED: &str = "Sending Error";

diesel::define_sql_function! {
    /// The first of two times that is not NULL: a first attempt's time, once written, stays.
    fn coalesce(first: diesel::sql_types::Nullable<Timestamp>, then: diesel::sql_types::Nullable<Timestamp>) -> diesel::sql_types::Nullable<Timestamp>;
}

/// Records an attempt to deliver outbox message `outbox_id` on the Keepnet record that queued it
/// (an invitation, a reminder or a certificate mail; none for other mail): the first and last
/// attempt's times, the status and the relay's error, one statement a table. Each table's outbox
/// column is indexed.
pub fn record_mail_attempt(tx: &mut Tx<'_>, outbox_id: i64, at: NaiveDateTime, status: &str, error: Option<&str>) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::update(keepnet_assignment::table.filter(keepnet_assignment::outbox_id.eq(outbox_id)))
            .set((
                keepnet_assignment::first_send_date.eq(coalesce(keepnet_assignment::first_send_date, Some(at))),
                keepnet_assignment::last_send_date.eq(Some(at)),
                keepnet_assignment::last_sending_status.eq(status),
                keepnet_assignment::error_message.eq(error),
            ))
            .execute(c)?;
        diesel::update(keepnet_reminder_mail::table.filter(keepnet_reminder_mail::outbox_id.eq(outbox_id)))
            .set((
                keepnet_reminder_mail::first_send_date.eq(coalesce(keepnet_reminder_mail::first_send_date, Some(at))),
                keepnet_reminder_mail::last_send_date.eq(Some(at)),
                keepnet_reminder_mail::last_sending_status.eq(status),
                keepnet_reminder_mail::error_message.eq(error),
            ))
            .execute(c)?;
        diesel::update(keepnet_certificate_mail::table.filter(keepnet_certificate_mail::outbox_id.eq(outbox_id)))
            .set((
                keepnet_certificate_mail::first_send_time.eq(coalesce(keepnet_certificate_mail::first_send_time, Some(at))),
                keepnet_certificate_mail::last_send_time.eq(Some(at)),
                keepnet_certificate_mail::status.eq(status),
                keepnet_certificate_mail::error_message.eq(error),
            ))
            .execute(c)
    })
    .map(|_| ())
}

/// A campaign whose reminder plan may be due, with what its mails say.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct PlannedCampaign {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub tenant_id: i64,
    #[diesel(sql_type = Text)]
    pub external_id: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub training_name: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Timestamp)]
    pub start_date: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub due_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Integer)]
    pub period_count: i32,
    #[diesel(sql_type = Text)]
    pub period_type: String,
    #[diesel(sql_type = Text)]
    pub end_type: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub occurrence_count: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub stop_time: Option<NaiveDateTime>,
    /// The last occurrence queued to every target user due one.
    #[diesel(sql_type = Nullable<Integer>)]
    pub reminded_occurrence: Option<i32>,
}

/// Campaigns with a reminder plan that have started by `now` and are still running.
pub fn planned_campaigns(tx: &mut Tx<'_>, now: NaiveDateTime) -> QueryResult<Vec<PlannedCampaign>> {
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT c.id AS id, c.tenant_id AS tenant_id, c.external_id AS external_id, c.name AS name, co.title AS training_name, \
             c.enrollment_type AS kind, c.start_date AS start_date, c.due_date AS due_date, \
             c.reminder_period_count AS period_count, c.reminder_period_type AS period_type, c.reminder_end_type AS end_type, \
             c.reminder_occurrence_count AS occurrence_count, c.reminder_stop_time AS stop_time, c.reminded_occurrence AS reminded_occurrence \
             FROM keepnet_campaign c JOIN course co ON co.id = c.course_id \
             WHERE c.reminder_period_count IS NOT NULL AND c.reminder_period_type IS NOT NULL AND c.reminder_end_type IS NOT NULL \
             AND c.status NOT IN ('Stopped', 'Paused', 'Archived', 'Deleted', 'Finished') AND c.start_date <= ",
        )
        .bind(Param::Time(now))
        .sql(" ORDER BY c.start_date, c.id");
    statement.load(tx)
}

/// A target user a mail is due to: the enrollment, the address and the first name.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Addressee {
    #[diesel(sql_type = BigInt)]
    pub enrollment_id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
}

/// Up to `limit` of a campaign's target users who have not completed (passed, failed or otherwise)
/// and have no reminder of `occurrence` yet.
pub fn unreminded(tx: &mut Tx<'_>, campaign_id: i64, occurrence: i32, limit: i64) -> QueryResult<Vec<Addressee>> {
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT e.id AS enrollment_id, u.email AS email, u.first_name AS first_name \
             FROM keepnet_assignment a JOIN enrollment e ON e.id = a.enrollment_id JOIN app_user u ON u.id = e.learner_id \
             WHERE e.lifecycle = 'active' AND e.completion_status NOT IN ('complete', 'passed', 'accepted', 'failed') \
             AND u.deleted_at IS NULL AND u.email LIKE '%@%' AND a.campaign_id = ",
        )
        .bind(Param::BigInt(campaign_id))
        .sql(" AND NOT EXISTS (SELECT 1 FROM keepnet_reminder_mail r WHERE r.enrollment_id = e.id AND r.occurrence = ")
        .bind(Param::BigInt(occurrence.into()))
        .sql(") ORDER BY e.id LIMIT ")
        .bind(Param::BigInt(limit));
    statement.load(tx)
}

/// Writes the reminder of `occurrence` for an enrollment, unless one is there (another scheduler
/// wrote it first): returns its id when this call wrote it.
pub fn claim_reminder(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    campaign_id: i64,
    to: &Addressee,
    occurrence: i32,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_reminder_mail::table)
        .values((
            keepnet_reminder_mail::tenant_id.eq(tenant_id),
            keepnet_reminder_mail::campaign_id.eq(campaign_id),
            keepnet_reminder_mail::enrollment_id.eq(to.enrollment_id),
            keepnet_reminder_mail::email.eq(&to.email),
            keepnet_reminder_mail::last_sending_status.eq(MAIL_QUEUED),
            keepnet_reminder_mail::occurrence.eq(Some(occurrence)),
            keepnet_reminder_mail::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .returning(keepnet_reminder_mail::id)
        .get_result(c)
        .optional())
}

/// Notes that `occurrence` of a campaign's reminder plan is queued to every target user due one.
pub fn set_reminded(tx: &mut Tx<'_>, campaign_id: i64, occurrence: i32) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(keepnet_campaign::table.find(campaign_id))
        .set(keepnet_campaign::reminded_occurrence.eq(Some(occurrence)))
        .execute(c))
    .map(|_| ())
}

pub fn set_reminder_outbox(tx: &mut Tx<'_>, id: i64, outbox_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(keepnet_reminder_mail::table.find(id))
        .set(keepnet_reminder_mail::outbox_id.eq(Some(outbox_id)))
        .execute(c))
    .map(|_| ())
}

/// A completed assignment of a campaign awarding certificates, without its certificate mail.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Certified {
    #[diesel(sql_type = BigInt)]
    pub enrollment_id: i64,
    #[diesel(sql_type = BigInt)]
    pub tenant_id: i64,
    #[diesel(sql_type = BigInt)]
    pub campaign_id: i64,
    #[diesel(sql_type = BigInt)]
    pub course_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub campaign_name: String,
    #[diesel(sql_type = Text)]
    pub training_name: String,
    #[diesel(sql_type = Text)]
    pub external_id: String,
    #[diesel(sql_type = Bool)]
    pub has_certificate: bool,
}

/// Up to `limit` of the assignments whose completion is due a certificate mail (see
/// `keepnet_certificate_due`): their enrollments, oldest first, and of them those still completed
/// (complete, passed or accepted) and active, without a certificate mail yet.
pub fn uncertified(tx: &mut Tx<'_>, limit: i64) -> QueryResult<(Vec<i64>, Vec<Certified>)> {
    let due: Vec<i64> = on_conn!(tx, |c| keepnet_certificate_due::table
        .select(keepnet_certificate_due::enrollment_id)
        .order(keepnet_certificate_due::enrollment_id)
        .limit(limit)
        .load(c))?;
    let (Some(first), Some(last)) = (due.first(), due.last()) else { return Ok((due, Vec::new())) };
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT e.id AS enrollment_id, a.tenant_id AS tenant_id, c.id AS campaign_id, e.course_id AS course_id, u.email AS email, \
             u.first_name AS first_name, c.name AS campaign_name, co.title AS training_name, c.external_id AS external_id, \
             EXISTS (SELECT 1 FROM certificate ce WHERE ce.enrollment_id = e.id) AS has_certificate \
             FROM keepnet_certificate_due d JOIN keepnet_assignment a ON a.enrollment_id = d.enrollment_id \
             JOIN keepnet_campaign c ON c.id = a.campaign_id JOIN enrollment e ON e.id = a.enrollment_id \
             JOIN app_user u ON u.id = e.learner_id JOIN course co ON co.id = c.course_id \
             WHERE c.award_certificate AND e.lifecycle = 'active' AND e.completion_status IN ('complete', 'passed', 'accepted') \
             AND NOT EXISTS (SELECT 1 FROM keepnet_certificate_mail m WHERE m.enrollment_id = e.id) AND d.enrollment_id >= ",
        )
        .bind(Param::BigInt(*first))
        .sql(" AND d.enrollment_id <= ")
        .bind(Param::BigInt(*last))
        .sql(" ORDER BY e.id");
    let rows = statement.load(tx)?;
    Ok((due, rows))
}

/// Takes assignments off the certificate mails due (their mails are written, or they no longer
/// qualify).
pub fn forget_certificates_due(tx: &mut Tx<'_>, enrollment_ids: &[i64]) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::delete(keepnet_certificate_due::table.filter(keepnet_certificate_due::enrollment_id.eq_any(enrollment_ids)))
        .execute(c))
    .map(|_| ())
}

/// Writes an assignment's certificate mail, unless one is there (another scheduler wrote it
/// first): true when this call wrote it. `email` None: no mail can go, and the row says so.
pub fn claim_certificate_mail(tx: &mut Tx<'_>, row: &Certified, email: Option<&str>, now: NaiveDateTime) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::insert_into(keepnet_certificate_mail::table)
        .values((
            keepnet_certificate_mail::enrollment_id.eq(row.enrollment_id),
            keepnet_certificate_mail::tenant_id.eq(row.tenant_id),
            keepnet_certificate_mail::campaign_id.eq(row.campaign_id),
            keepnet_certificate_mail::email.eq(email.unwrap_or("")),
            keepnet_certificate_mail::status.eq(if email.is_some() { MAIL_QUEUED } else { "Not Delivered" }),
            keepnet_certificate_mail::error_message.eq(email.is_none().then_some("the target user has no e-mail address")),
            keepnet_certificate_mail::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))
    .map(|n| n == 1)
}

pub fn set_certificate_outbox(tx: &mut Tx<'_>, enrollment_id: i64, outbox_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(keepnet_certificate_mail::table.find(enrollment_id))
        .set(keepnet_certificate_mail::outbox_id.eq(Some(outbox_id)))
        .execute(c))
    .map(|_| ())
}

/// A Microsoft Teams notification due to be posted.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DueNotification {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub enrollment_id: String,
    #[diesel(sql_type = Text)]
    pub training_title: String,
    #[diesel(sql_type = Text)]
    pub target_user_resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub activity_content: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_send_date: Option<NaiveDateTime>,
    #[diesel(sql_type = Integer)]
    pub retry_count: i32,
    #[diesel(sql_type = Integer)]
    pub max_retry_count: i32,
    #[diesel(sql_type = Timestamp)]
    pub next_attempt_at: NaiveDateTime,
}

/// Up to `limit` pending Teams notifications due by `now`, oldest first.
pub fn due_notifications(tx: &mut Tx<'_>, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<DueNotification>> {
    let mut statement = Statement::new(tx);
    statement
        .sql(
            "SELECT n.id AS id, c.external_id AS enrollment_id, c.name AS training_title, u.external_id AS target_user_resource_id, \
             u.email AS email, TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS full_name, \
             n.activity_content AS activity_content, n.first_send_date AS first_send_date, n.retry_count AS retry_count, \
             n.max_retry_count AS max_retry_count, n.next_attempt_at AS next_attempt_at \
             FROM keepnet_notification n JOIN keepnet_campaign c ON c.id = n.campaign_id JOIN enrollment e ON e.id = n.enrollment_id \
             JOIN app_user u ON u.id = e.learner_id WHERE n.status = 'Pending' AND n.type = 'Teams' AND n.next_attempt_at <= ",
        )
        .bind(Param::Time(now))
        .sql(" ORDER BY n.next_attempt_at, n.id LIMIT ")
        .bind(Param::BigInt(limit));
    statement.load(tx)
}

/// The notifications of an assignment, oldest first.
pub fn notifications_of(tx: &mut Tx<'_>, enrollment_id: i64) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| keepnet_notification::table
        .filter(keepnet_notification::enrollment_id.eq(enrollment_id))
        .select(keepnet_notification::id)
        .order(keepnet_notification::id)
        .load(c))
}

/// Takes notification `id` for one attempt if it is still pending and due at `due` (as read): its
/// next attempt moves to `until`, so no other sender posts it meanwhile. False when taken.
pub fn claim_notification(tx: &mut Tx<'_>, id: i64, due: NaiveDateTime, until: NaiveDateTime) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::update(
        keepnet_notification::table
            .find(id)
            .filter(keepnet_notification::status.eq("Pending"))
            .filter(keepnet_notification::next_attempt_at.eq(Some(due)))
    )
    .set(keepnet_notification::next_attempt_at.eq(Some(until)))
    .execute(c))
    .map(|n| n == 1)
}

/// What one attempt to post a notification did.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationAttempt<'a> {
    pub at: NaiveDateTime,
    /// The retries made so far, this attempt included when it was one.
    pub retry_count: i32,
    /// None when delivered; else the error and when to try again (None: given up).
    pub failure: Option<(&'a str, Option<NaiveDateTime>)>,
}

pub fn record_notification(tx: &mut Tx<'_>, id: i64, attempt: &NotificationAttempt<'_>) -> QueryResult<()> {
    let (status, wording, error, retry_at) = match attempt.failure {
        None => ("Sent", "Successful", None, None),
        Some((error, Some(retry_at))) => ("Pending", "Not Delivered", Some(error), Some(retry_at)),
        Some((error, None)) => ("Failed", "Not Delivered", Some(error), None),
    };
    on_conn!(tx, |c| {
        diesel::update(keepnet_notification::table.find(id).filter(keepnet_notification::first_send_date.is_null()))
            .set(keepnet_notification::first_send_date.eq(Some(attempt.at)))
            .execute(c)?;
        diesel::update(keepnet_notification::table.find(id))
            .set((
                keepnet_notification::status.eq(status),
                keepnet_notification::last_send_date.eq(Some(attempt.at)),
                keepnet_notification::last_sending_status.eq(Some(wording)),
                keepnet_notification::error_message.eq(error),
                keepnet_notification::retry_count.eq(attempt.retry_count),
                keepnet_notification::next_attempt_at.eq(retry_at),
            ))
            .execute(c)
    })
    .map(|_| ())
}

// ---------------------------------------------------------------------------------------------
// Searching: a report's query wrapped in its filter, order and page

/// A search over one report: its fields, the filter, the order and the page.
pub struct Query<'a> {
    pub fields: &'static [Field],
    pub filter: &'a Filter,
    pub order: Order,
    pub page: PageRequest,
}

impl<'a> Query<'a> {
    /// The search a caller asked for, over the report of `fields`.
    pub fn of(fields: &'static [Field], search: &'a Search) -> Self {
        Query { fields, filter: &search.filter, order: search.order, page: search.page }
    }
}

/// The column of a field: its name in snake case (`lastSendingStatus` → `last_sending_status`).
pub fn column_of(name: &str) -> String {
    let mut column = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    column
}

/// Runs the report `inner` under `query`: how many rows match, and the page asked for.
fn search<T>(tx: &mut Tx<'_>, inner: &dyn Fn(&mut Statement), query: &Query<'_>) -> QueryResult<(i64, Vec<T>)>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = BigInt)]
        total: i64,
    }
    let mut count = Statement::new(tx);
    count.sql("SELECT count(*) AS total FROM (");
    inner(&mut count);
    count.sql(") r WHERE ");
    compile_filter(&mut count, query.filter, Some(query.fields));
    let total = count.load::<Total>(tx)?.into_iter().next().map_or(0, |t| t.total);
    if total <= query.page.offset() {
        return Ok((total, Vec::new()));
    }
    let mut page = Statement::new(tx);
    page.sql("SELECT * FROM (");
    inner(&mut page);
    page.sql(") r WHERE ");
    compile_filter(&mut page, query.filter, Some(query.fields));
    let column = column_of(query.order.field.name);
    let direction = if query.order.ascending { "ASC" } else { "DESC" };
    // Rows without the value come last either way, and the row's key breaks ties, on both backends.
    page.sql(&format!(" ORDER BY CASE WHEN r.{column} IS NULL THEN 1 ELSE 0 END, r.{column} {direction}, r.id {direction} LIMIT "));
    page.bind(Param::BigInt(query.page.size)).sql(" OFFSET ").bind(Param::BigInt(query.page.offset()));
    Ok((total, page.load(tx)?))
}

/// The filter as an SQL condition over the report's columns (`TRUE` when it has nothing).
fn compile_filter(statement: &mut Statement, filter: &Filter, fields: Option<&[Field]>) {
    statement.sql("(1 = 1");
    if let Some(text) = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", like_escaped(&text.to_lowercase()));
        let texts: Vec<&Field> = fields.unwrap_or(&[]).iter().filter(|f| f.kind == FieldKind::Text).collect();
        statement.sql(" AND (1 = 0");
        for field in texts {
            statement.sql(&format!(" OR lower(r.{}) LIKE ", column_of(field.name))).bind(Param::Text(pattern.clone())).sql(" ESCAPE '\\'");
        }
        statement.sql(")");
    }
    if !filter.root.is_empty() {
        statement.sql(" AND ");
        compile_group(statement, &filter.root);
    }
    statement.sql(")");
}

fn compile_group(statement: &mut Statement, group: &FilterGroup) {
    let joiner = if group.logic == Logic::And { " AND " } else { " OR " };
    statement.sql("(");
    let mut first = true;
    for item in &group.items {
        if !first {
            statement.sql(joiner);
        }
        first = false;
        compile_item(statement, item);
    }
    for nested in group.groups.iter().filter(|g| !g.is_empty()) {
        if !first {
            statement.sql(joiner);
        }
        first = false;
        compile_group(statement, nested);
    }
    if first {
        statement.sql("1 = 1");
    }
    statement.sql(")");
}

fn compile_item(statement: &mut Statement, item: &FilterItem) {
    let column = format!("r.{}", column_of(item.field.name));
    let like = |statement: &mut Statement, negate: bool, pattern: String| {
        let not = if negate { "NOT " } else { "" };
        statement.sql(&format!("lower(COALESCE({column}, '')) {not}LIKE ")).bind(Param::Text(pattern)).sql(" ESCAPE '\\'");
    };
    let compare = |statement: &mut Statement, op: &str, value: &FilterValue| {
        match value {
            FilterValue::Text(text) => {
                statement.sql(&format!("lower({column}) {op} ")).bind(Param::Text(text.to_lowercase()));
            }
            FilterValue::Number(number) => {
                statement.sql(&format!("{column} {op} ")).bind(Param::Double(*number));
            }
            FilterValue::Time(time) => {
                statement.sql(&format!("{column} {op} ")).bind(Param::Time(*time));
            }
            FilterValue::Bool(flag) => {
                statement.sql(&format!("{column} {op} ")).bind(Param::Bool(*flag));
            }
            FilterValue::None => {
                statement.sql("1 = 0");
            }
        };
    };
    let text = match &item.value {
        FilterValue::Text(text) => like_escaped(&text.to_lowercase()),
        _ => String::new(),
    };
    match item.operator {
        Operator::Contains => like(statement, false, format!("%{text}%")),
        Operator::NotContains => like(statement, true, format!("%{text}%")),
        Operator::StartsWith => like(statement, false, format!("{text}%")),
        Operator::EndsWith => like(statement, false, format!("%{text}")),
        Operator::Equals => compare(statement, "=", &item.value),
        Operator::NotEquals => {
            // A row without the value differs from any value.
            statement.sql(&format!("({column} IS NULL OR "));
            compare(statement, "<>", &item.value);
            statement.sql(")");
        }
        Operator::GreaterThan => compare(statement, ">", &item.value),
        Operator::GreaterOrEqual => compare(statement, ">=", &item.value),
        Operator::LessThan => compare(statement, "<", &item.value),
        Operator::LessOrEqual => compare(statement, "<=", &item.value),
        Operator::IsEmpty if item.field.kind == FieldKind::Text => {
            statement.sql(&format!("({column} IS NULL OR {column} = '')"));
        }
        Operator::IsEmpty => {
            statement.sql(&format!("{column} IS NULL"));
        }
        Operator::IsNotEmpty if item.field.kind == FieldKind::Text => {
            statement.sql(&format!("({column} IS NOT NULL AND {column} <> '')"));
        }
        Operator::IsNotEmpty => {
            statement.sql(&format!("{column} IS NOT NULL"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_their_columns_in_snake_case() {
        assert_eq!(column_of("lastSendingStatus"), "last_sending_status");
        assert_eq!(column_of("companyResourceId"), "company_resource_id");
        assert_eq!(column_of("type"), "type");
    }
}
