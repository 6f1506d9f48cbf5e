//! Keepnet Labs: companies as tenants in a reseller tree, REST API credentials with a client role
//! and signed tokens, campaigns (Keepnet's "enrollments": one training sent to many target users)
//! and their reports. A campaign's target user is assigned through one enrollment of the store, so
//! every face sees it; creating a campaign queues each target user's invitation in the outbox in
//! the same transaction.
//!
//! Scope: a caller acts in its own company, or, with a company header, in the company it names,
//! which must be its own or (for a reseller) one of the companies below it; anything else is
//! forbidden. A campaign is looked up in the company in scope only: another company's is not found.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::auth::{digest, random_secret};
use super::{Entity, OpError, ProblemKind, Service, now};
use crate::domain::Principal;
use crate::domain::keepnet::{
    CampaignStatus, DeliveryType, EnrollmentType, Filter, KeepnetRole, NotificationStatus, NotificationType, RecipientType, ReminderEnd,
    ReminderPeriod, ReminderPlan, Search, fields,
};
use crate::store::keepnet::{self as store, CampaignRow, CompanyRow, Query};
use crate::store::outbox::NewMessage;
use crate::store::{Tx, enrollments, groups, tenants, users};

pub use crate::store::keepnet::{CampaignCounts, CertificateRow, NotificationRow, ReminderRow, SendingRow, UserRow};

/// Retries of a Microsoft Teams notification after its first attempt (Keepnet's `maxRetryCount`).
pub const TEAMS_RETRIES: i32 = 3;

/// Why a Teams notification waits on a server without a webhook.
pub const NO_TEAMS_WEBHOOK: &str = "not sent: no Microsoft Teams webhook URL is configured (serve --teams-webhook-url)";

/// Rows the scheduler handles per transaction.
const SCHEDULE_BATCH: i64 = 200;

/// What one round of the scheduler queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scheduled {
    pub reminders: usize,
    pub certificates: usize,
}

/// Seconds a Keepnet token lives (the vendor's one hour).
pub const TOKEN_TTL_SECS: i64 = 3600;

/// Who is calling the Keepnet face: a credential of a company, in its client role.
#[derive(Debug, Clone, PartialEq)]
pub struct KeepnetCaller {
    pub client_id: String,
    pub tenant_id: i64,
    pub role: KeepnetRole,
}

/// A token issued to a Keepnet credential.
#[derive(Debug, Clone)]
pub struct KeepnetToken {
    pub access_token: String,
    pub expires_in: i64,
    pub role: KeepnetRole,
}

/// A credential made for a company: shown once.
#[derive(Debug, Clone)]
pub struct KeepnetCredential {
    pub client_id: String,
    pub client_secret: String,
    pub company_resource_id: String,
}

/// A company's licence, as a reseller sets it.
#[derive(Debug, Clone, Default)]
pub struct Licence {
    pub industry: Option<String>,
    pub license_type: Option<String>,
    /// The number of users the licence allows, when it limits them.
    pub user_limit: Option<i32>,
    pub license_end_date: Option<NaiveDateTime>,
    pub tags: Vec<String>,
}

/// A company with the companies directly below it (and theirs).
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyTree {
    pub company: CompanyRow,
    pub children: Vec<CompanyTree>,
}

/// One page of a search, and how many rows match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

/// The companies search's page, and how many of the companies searched are over their limit.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyPage {
    pub found: Found<CompanyTree>,
    pub limit_exceeded: i64,
}

/// A campaign's training report summary.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSummary {
    pub campaign: CampaignRow,
    pub counts: CampaignCounts,
    /// The target groups: external ids and names.
    pub groups: Vec<(String, String)>,
    pub company_name: String,
}

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewCampaignRequest {
    pub name: String,
    /// The course sent (its external id).
    pub training: String,
    pub enrollment_type: EnrollmentType,
    pub delivery_type: DeliveryType,
    /// Target users by external id, and user groups whose members are targets too.
    pub target_users: Vec<String>,
    pub target_groups: Vec<String>,
    pub start_date: Option<NaiveDateTime>,
    pub due_date: Option<NaiveDateTime>,
    pub time_zone: Option<String>,
    pub reminder: Option<ReminderPlan>,
    pub award_certificate: bool,
    pub has_quiz: bool,
    pub is_test: bool,
    pub languages: Vec<String>,
    pub tags: Vec<String>,
    pub category: Option<String>,
    pub level: Option<String>,
    pub duration: Option<String>,
    pub target_audience: Option<String>,
}

/// What creating a campaign did.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignCreated {
    pub enrollment_id: String,
    pub status: CampaignStatus,
    /// The store's enrollments written (one per target user), by their external ids.
    pub enrollments: Vec<String>,
    /// The invitation mails queued.
    pub mails_queued: usize,
}

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// A fresh Company ID: 12 letters and digits.
fn new_resource_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

fn lines(items: &[String]) -> String {
    items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n")
}

impl Service {
    // -----------------------------------------------------------------------------------------
    // Companies and credentials (operator side)

    /// Makes `tenant` a Keepnet company (if it is not one yet), below `parent`'s company when
    /// named, with `licence`. Returns its Company ID.
    pub fn keepnet_company(&self, tx: &mut Tx<'_>, tenant_id: i64, parent: Option<i64>, licence: &Licence) -> Result<String, OpError> {
        if let Some(parent) = parent {
            if parent == tenant_id || store::is_within(tx, tenant_id, parent)? {
                return Err(OpError::invalid("parent", "a company cannot be placed below itself or below a company it manages"));
            }
            if store::company_of_tenant(tx, parent)?.is_none() {
                store::insert_company(tx, &default_company(parent, &new_resource_id()))?;
            }
        }
        if let Some(existing) = store::company_of_tenant(tx, tenant_id)? {
            return Ok(existing.resource_id);
        }
        let resource_id = new_resource_id();
        let tags = lines(&licence.tags);
        let company = store::NewCompany {
            parent_id: parent,
            industry_name: licence.industry.as_deref(),
            license_type_name: licence.license_type.as_deref().unwrap_or("Custom"),
            is_number_of_users_limited: licence.user_limit.is_some(),
            number_of_users: licence.user_limit.unwrap_or(0),
            license_end_date: licence.license_end_date,
            tags: &tags,
            ..default_company(tenant_id, &resource_id)
        };
        if company.number_of_users < 0 {
            return Err(OpError::invalid("numberOfUsers", "a licence allows 0 or more users"));
        }
        store::insert_company(tx, &company)?;
        Ok(resource_id)
    }

    /// [`Service::keepnet_company`] for the command line: tenants by name.
    pub fn set_up_keepnet_company(&self, tenant: &str, parent: Option<&str>, licence: &Licence) -> Result<String, OpError> {
        self.db.write(|tx| {
            let named = |tx: &mut Tx<'_>, name: &str, field: &str| {
                tenants::tenant_id_by_name(tx, name)?
                    .ok_or_else(|| OpError::wrong(ProblemKind::Value, field, format!("no tenant named '{name}'")))
            };
            let tenant_id = named(tx, tenant, "tenant")?;
            let parent = parent.map(|p| named(tx, p, "parent")).transpose()?;
            if let Some(parent) = parent
                && (parent == tenant_id || store::is_within(tx, tenant_id, parent)?)
            {
                return Err(OpError::invalid("parent", "a company cannot be placed below itself or below a company it manages"));
            }
            if let (Some(parent), Some(existing)) = (parent, store::company_of_tenant(tx, tenant_id)?)
                && existing.parent_id != Some(parent)
            {
                return Err(OpError::invalid("parent", format!("'{tenant}' is a company already, placed elsewhere in a tree")));
            }
            self.keepnet_company(tx, tenant_id, parent, licence)
        })
    }

    /// [`Service::create_keepnet_campaign`] for the command line, as the tenant's administrator.
    pub fn create_keepnet_campaign_as_operator(&self, tenant: &str, request: &NewCampaignRequest) -> Result<CampaignCreated, OpError> {
        self.db.write(|tx| {
            let tenant_id = tenants::tenant_id_by_name(tx, tenant)?
                .ok_or_else(|| OpError::wrong(ProblemKind::Value, "tenant", format!("no tenant named '{tenant}'")))?;
            let operator = Principal {
                tenant_id,
                role: crate::domain::Role::AccountAdministrator,
                managed_departments: Vec::new(),
                subject: "lmsbridge keepnet campaign".into(),
                acting: None,
            };
            self.create_keepnet_campaign(tx, &operator, request)
        })
    }

    /// Creates a Keepnet REST API credential of `tenant` in `role` (making the tenant a company if
    /// it is not one). The secret is shown this once and stored as a digest.
    pub fn create_keepnet_client(&self, tenant: &str, role: KeepnetRole) -> Result<KeepnetCredential, OpError> {
        self.db.write(|tx| {
            let tenant_id = tenants::tenant_id_by_name(tx, tenant)?
                .ok_or_else(|| OpError::wrong(ProblemKind::Value, "tenant", format!("no tenant named '{tenant}'")))?;
            self.create_keepnet_client_in(tx, tenant_id, role)
        })
    }

    /// [`Service::create_keepnet_client`] in a transaction, for a tenant by its key.
    pub fn create_keepnet_client_in(&self, tx: &mut Tx<'_>, tenant_id: i64, role: KeepnetRole) -> Result<KeepnetCredential, OpError> {
        let company_resource_id = self.keepnet_company(tx, tenant_id, None, &Licence::default())?;
        let credential =
            KeepnetCredential { client_id: format!("kn-{}", &random_secret()[..22]), client_secret: random_secret(), company_resource_id };
        store::insert_client(tx, tenant_id, &credential.client_id, &digest(&credential.client_secret), role.as_str(), now())?;
        Ok(credential)
    }

    // -----------------------------------------------------------------------------------------
    // Tokens

    /// Client credentials grant: a signed JWT carrying the company context, whose digest is
    /// stored (it is looked up on every call, so it can be revoked and expires with the database).
    pub fn issue_keepnet_token(&self, client_id: &str, client_secret: &str) -> Result<KeepnetToken, OpError> {
        self.db.write(|tx| {
            let client = store::find_client(tx, client_id)?;
            let presented = digest(client_secret);
            let stored = client.as_ref().map_or("", |c| c.secret_hash.as_str());
            let valid = bool::from(presented.as_bytes().ct_eq(stored.as_bytes()));
            let client =
                client.filter(|_| valid).ok_or_else(|| OpError::Unauthenticated("unknown client_id or wrong client_secret".into()))?;
            let role = KeepnetRole::parse(&client.role).map_err(|r| OpError::Internal(r.reason))?;
            let now = now();
            let key = store::signing_key(tx, &random_secret(), now)?;
            let company = store::companies(tx, &[client.tenant_id], now)?
                .into_iter()
                .next()
                .ok_or_else(|| OpError::Internal(format!("the client {client_id} has no company")))?;
            let parent = match (role, company.parent_id) {
                (KeepnetRole::Reseller, Some(parent)) => store::companies(tx, &[parent], now)?.into_iter().next(),
                _ => None,
            };
            let expires_at = now + Duration::seconds(TOKEN_TTL_SECS);
            let claims = serde_json::json!({
                "iss": "lmsbridge",
                "nbf": now.and_utc().timestamp(),
                "iat": now.and_utc().timestamp(),
                "exp": expires_at.and_utc().timestamp(),
                "client_id": client.client_id,
                "jti": &random_secret()[..16],
                "user_company_resourceid": company.company_resource_id,
                "user_company_name": company.company_name,
                "user_company_id": company.id,
                "user_company_logopath": company.logo_path.clone().unwrap_or_default(),
                "user_company_industry_name": company.industry_name.clone().unwrap_or_default(),
                "user_company_parentcompany_resourceid": parent.as_ref().map_or("", |p| p.company_resource_id.as_str()),
                "user_company_parentcompany_name": parent.as_ref().map_or("", |p| p.company_name.as_str()),
                "role": role.as_str(),
                "company_admin_access": true,
                "reseller_access": role == KeepnetRole::Reseller,
                "root_access": false,
                "scope": ["api1"],
            });
            let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
            let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
            let signed = format!("{header}.{payload}");
            let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(key.as_bytes(), signed.as_bytes()));
            let token = format!("{signed}.{signature}");
            store::insert_token(tx, &digest(&token), client.id, expires_at, now)?;
            Ok(KeepnetToken { access_token: token, expires_in: TOKEN_TTL_SECS, role })
        })
    }

    /// Resolves a Keepnet token: its signature, then its digest (unexpired) in the database.
    pub fn keepnet_caller(&self, tx: &mut Tx<'_>, token: &str) -> Result<KeepnetCaller, OpError> {
        let refused = || OpError::Unauthenticated("the token is not valid; request a new one from POST /connect/token".into());
        let (signed, signature) = token.rsplit_once('.').ok_or_else(refused)?;
        if signed.split('.').count() != 2 {
            return Err(refused());
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| refused())?;
        let key = store::signing_key_if_made(tx)?.ok_or_else(refused)?;
        if !bool::from(hmac_sha256(key.as_bytes(), signed.as_bytes()).as_slice().ct_eq(&signature)) {
            return Err(refused());
        }
        let (client, expires_at) = store::find_token(tx, &digest(token))?.ok_or_else(refused)?;
        if expires_at <= now() {
            return Err(OpError::Unauthenticated("the token has expired; request a new one from POST /connect/token".into()));
        }
        let role = KeepnetRole::parse(&client.role).map_err(|r| OpError::Internal(r.reason))?;
        Ok(KeepnetCaller { client_id: client.client_id, tenant_id: client.tenant_id, role })
    }

    // -----------------------------------------------------------------------------------------
    // Scope

    /// The company a call acts in: the caller's own, or the one its company header names.
    pub fn keepnet_scope(&self, tx: &mut Tx<'_>, caller: &KeepnetCaller, company: Option<&str>) -> Result<i64, OpError> {
        let Some(resource_id) = company.map(str::trim) else {
            return Ok(caller.tenant_id);
        };
        let found = store::company_by_resource_id(tx, resource_id)?.ok_or_else(|| OpError::not_found(Entity::Company, resource_id))?;
        if found.tenant_id == caller.tenant_id
            || (caller.role == KeepnetRole::Reseller && store::is_within(tx, caller.tenant_id, found.tenant_id)?)
        {
            Ok(found.tenant_id)
        } else {
            Err(OpError::Forbidden(format!("company {resource_id} is not one this credential manages")))
        }
    }

    fn company_trees(&self, tx: &mut Tx<'_>, ids: &[i64], rows: Vec<CompanyRow>) -> Result<Vec<CompanyTree>, OpError> {
        let all = store::companies(tx, ids, now())?;
        fn grow(row: CompanyRow, all: &[CompanyRow], depth: usize) -> CompanyTree {
            let children = if depth > 16 {
                Vec::new()
            } else {
                all.iter().filter(|c| c.parent_id == Some(row.id)).map(|c| grow(c.clone(), all, depth + 1)).collect()
            };
            CompanyTree { company: row, children }
        }
        Ok(rows.into_iter().map(|row| grow(row, &all, 0)).collect())
    }

    /// The companies a reseller manages (below its company, or below and including the company
    /// its header names) that match the search.
    pub fn keepnet_search_companies(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        exceeded: Option<bool>,
        search: &Search,
    ) -> Result<CompanyPage, OpError> {
        if caller.role != KeepnetRole::Reseller {
            return Err(OpError::Forbidden("only a Reseller credential lists companies; this one is a Company Admin's".into()));
        }
        let root = self.keepnet_scope(tx, caller, company)?;
        let mut ids = store::subtree(tx, root)?;
        if company.is_none() {
            ids.retain(|id| *id != root);
        }
        let query = Query::of(fields::COMPANIES, search);
        let (total, rows) = store::search_companies(tx, &ids, exceeded, &query, now())?;
        let limit_exceeded = store::companies(tx, &ids, now())?.iter().filter(|c| c.is_target_user_count_exceeded_limit).count() as i64;
        let rows = self.company_trees(tx, &ids, rows)?;
        Ok(CompanyPage { found: Found { total, rows }, limit_exceeded })
    }

    /// The caller's companies: its own and (for a reseller) every company below it.
    pub fn keepnet_my_companies(&self, tx: &mut Tx<'_>, caller: &KeepnetCaller) -> Result<Vec<CompanyTree>, OpError> {
        let ids = match caller.role {
            KeepnetRole::Reseller => store::subtree(tx, caller.tenant_id)?,
            KeepnetRole::CompanyAdmin => vec![caller.tenant_id],
        };
        let rows = store::companies(tx, &ids, now())?;
        let mut own: Vec<CompanyRow> = rows.iter().filter(|r| r.id == caller.tenant_id).cloned().collect();
        own.extend(rows.into_iter().filter(|r| r.id != caller.tenant_id));
        self.company_trees(tx, &ids, own)
    }

    /// One company the caller may see, by its Company ID.
    pub fn keepnet_company_by_id(&self, tx: &mut Tx<'_>, caller: &KeepnetCaller, resource_id: &str) -> Result<CompanyTree, OpError> {
        let tenant_id = self.keepnet_scope(tx, caller, Some(resource_id))?;
        let ids = store::subtree(tx, tenant_id)?;
        let row = store::companies(tx, &[tenant_id], now())?
            .into_iter()
            .next()
            .ok_or_else(|| OpError::not_found(Entity::Company, resource_id))?;
        Ok(self.company_trees(tx, &ids, vec![row])?.remove(0))
    }

    // -----------------------------------------------------------------------------------------
    // Campaigns and their reports

    pub fn keepnet_search_campaigns(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        enrollment_type: Option<EnrollmentType>,
        search: &Search,
    ) -> Result<Found<CampaignRow>, OpError> {
        let tenant_id = self.keepnet_scope(tx, caller, company)?;
        let query = Query::of(fields::ENROLLMENTS, search);
        let (total, rows) = store::search_campaigns(tx, tenant_id, enrollment_type.map(EnrollmentType::as_str), &query)?;
        Ok(Found { total, rows })
    }

    /// The campaign `id` of the company in scope (another company's is not found).
    pub fn keepnet_campaign(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
    ) -> Result<CampaignRow, OpError> {
        let tenant_id = self.keepnet_scope(tx, caller, company)?;
        store::campaign(tx, tenant_id, id.trim())?.ok_or_else(|| OpError::not_found(Entity::Campaign, id))
    }

    /// A campaign's target groups (the user groups or departments its users were chosen from).
    pub fn keepnet_campaign_groups(&self, tx: &mut Tx<'_>, campaign: &CampaignRow) -> Result<Vec<(String, String)>, OpError> {
        Ok(store::campaign_groups(tx, campaign.id)?)
    }

    pub fn keepnet_summary(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
    ) -> Result<CampaignSummary, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let counts = store::campaign_counts(tx, campaign.id)?;
        let groups = store::campaign_groups(tx, campaign.id)?;
        let company_name = tenants::name_of(tx, campaign.tenant_id)?.unwrap_or_default();
        Ok(CampaignSummary { campaign, counts, groups, company_name })
    }

    pub fn keepnet_users(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        search: &Search,
    ) -> Result<Found<UserRow>, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let query = Query::of(fields::USERS, search);
        let (total, rows) = store::search_users(tx, campaign.id, &query)?;
        Ok(Found { total, rows })
    }

    pub fn keepnet_sending(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        search: &Search,
    ) -> Result<Found<SendingRow>, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let query = Query::of(fields::SENDING_REPORT, search);
        let (total, rows) = store::search_sending(tx, campaign.id, &query)?;
        Ok(Found { total, rows })
    }

    pub fn keepnet_certificates(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        search: &Search,
    ) -> Result<Found<CertificateRow>, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let query = Query::of(fields::CERTIFICATES, search);
        let (total, rows) = store::search_certificates(tx, campaign.id, &query)?;
        Ok(Found { total, rows })
    }

    pub fn keepnet_reminders(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        training: Option<EnrollmentType>,
        search: &Search,
    ) -> Result<Found<ReminderRow>, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let query = Query::of(fields::REMINDER_MAILS, search);
        let (total, rows) = store::search_reminders(tx, campaign.id, training.map(EnrollmentType::as_str), &query)?;
        Ok(Found { total, rows })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn keepnet_notifications(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        status: Option<crate::domain::keepnet::NotificationStatus>,
        kind: Option<crate::domain::keepnet::NotificationType>,
        search: &Search,
    ) -> Result<Found<NotificationRow>, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let query = Query::of(fields::NOTIFICATIONS, search);
        let (total, rows) = store::search_notifications(tx, campaign.id, status.map(|s| s.as_str()), kind.map(|k| k.as_str()), &query)?;
        Ok(Found { total, rows })
    }

    /// Queues the invitation again for the sending report's chosen rows: every row matching
    /// `filter` but the `excluded` (with `select_all`), or the `selected` target users. Returns how
    /// many mails were queued. Users deleted since, or without an address, are skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn keepnet_resend(
        &self,
        tx: &mut Tx<'_>,
        caller: &KeepnetCaller,
        company: Option<&str>,
        id: &str,
        filter: &Filter,
        select_all: bool,
        selected: &[String],
        excluded: &[String],
    ) -> Result<usize, OpError> {
        let campaign = self.keepnet_campaign(tx, caller, company, id)?;
        let rows = store::sending_ids(tx, campaign.id, filter)?;
        if !select_all {
            if selected.is_empty() {
                return Err(OpError::wrong(ProblemKind::Required, "selectedItems", "name the target users to resend to, or set selectAll"));
            }
            if let Some(unknown) = selected.iter().find(|s| !rows.iter().any(|(_, user)| user == *s)) {
                return Err(OpError::invalid(
                    "selectedItems",
                    format!("'{unknown}' is not a target user of this enrollment matching the filter"),
                ));
            }
        }
        let chosen: Vec<i64> = rows
            .iter()
            .filter(|(_, user)| if select_all { !excluded.contains(user) } else { selected.contains(user) })
            .map(|(enrollment, _)| *enrollment)
            .collect();
        let recipients: Vec<_> = store::recipients(tx, campaign.id, &chosen)?.into_iter().filter(|r| r.email.is_some()).collect();
        let now = now();
        let training = &campaign.training_name;
        let mails: Vec<(String, String, String)> = recipients
            .iter()
            .map(|r| {
                let (subject, body) = invitation(
                    &campaign.name,
                    training,
                    &campaign.kind,
                    r.first_name.as_deref(),
                    campaign.due_date,
                    &campaign.enrollment_id,
                );
                (r.email.clone().unwrap_or_default(), subject, body)
            })
            .collect();
        let messages: Vec<NewMessage<'_>> = mails
            .iter()
            .map(|(to, subject, body)| NewMessage {
                tenant_id: campaign.tenant_id,
                kind: "mail",
                recipient: to,
                subject,
                body,
                created_at: now,
                next_attempt_at: now,
            })
            .collect();
        let queued = store::insert_messages(tx, &messages)?;
        for (recipient, (outbox_id, to)) in recipients.iter().zip(&queued) {
            if recipient.email.as_deref() != Some(to.as_str()) {
                return Err(OpError::Internal("queued mails came back out of order".into()));
            }
            store::requeue(tx, recipient.enrollment_id, *outbox_id)?;
        }
        Ok(queued.len())
    }

    /// One round of Keepnet's scheduler at time `at`: queues the reminder mail of each running
    /// campaign's latest due occurrence to its target users who have not completed, and the
    /// certificate mail of each completed assignment of a campaign awarding certificates (issuing
    /// the certificate when the completion did not), whichever face recorded the completion. Each
    /// mail is written with its outbox message in one transaction, once: the reminder's
    /// (enrollment, occurrence) and the certificate mail's enrollment are unique keys, so any number
    /// of servers on the database, and restarts, queue each once.
    pub fn keepnet_schedule(&self, at: NaiveDateTime) -> Result<Scheduled, OpError> {
        let mut done = Scheduled::default();
        // `at` is the plans' clock (a test names it); the mail is queued, and due, now.
        let now = now();
        let campaigns = self.db.read(|tx| store::planned_campaigns(tx, at).map_err(OpError::from))?;
        for campaign in &campaigns {
            let Some(plan) = plan_of(campaign) else { continue };
            let Some((occurrence, _)) = plan.due_occurrence(campaign.start_date, campaign.due_date, at) else { continue };
            if campaign.reminded_occurrence.is_some_and(|done| done >= occurrence) {
                continue;
            }
            loop {
                let (found, queued) = self.db.write(|tx| queue_reminders(tx, campaign, occurrence, now))?;
                done.reminders += queued;
                if (found as i64) < SCHEDULE_BATCH {
                    break;
                }
            }
        }
        loop {
            let (found, queued) = self.db.write(|tx| queue_certificates(tx, now))?;
            done.certificates += queued;
            if (found as i64) < SCHEDULE_BATCH {
                break;
            }
        }
        Ok(done)
    }

    /// Creates a campaign in the caller's tenant (an administrator of the whole account): one
    /// enrollment per target user in the training, and one invitation mail each in the outbox, all
    /// in this transaction. Sent at the start date (now when none).
    pub fn create_keepnet_campaign(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        request: &NewCampaignRequest,
    ) -> Result<CampaignCreated, OpError> {
        super::require_administrator(principal)?;
        if principal.role.is_department_scoped() {
            return Err(OpError::Forbidden("creating a campaign needs an administrator of the whole account".into()));
        }
        let tenant_id = principal.tenant_id;
        let name = request.name.trim();
        if name.is_empty() || name.chars().count() > 255 {
            return Err(OpError::invalid("name", "must be 1 to 255 characters long"));
        }
        let now = now();
        let start = request.start_date.unwrap_or(now);
        if let Some(due) = request.due_date
            && due <= start
        {
            return Err(OpError::invalid("dueDate", "must be after the start date"));
        }
        let reminder = request.reminder.map(|plan| plan.check().map_err(|(field, why)| OpError::refused(field, why))).transpose()?;
        let course_id = crate::store::courses::course_key(tx, tenant_id, request.training.trim())?
            .ok_or_else(|| OpError::not_found(Entity::Course, &request.training))?;
        let mut learner_ids: Vec<i64> = Vec::new();
        let mut found = Vec::with_capacity(request.target_users.len());
        for chunk in request.target_users.chunks(500) {
            found.extend(users::users_by_external_ids(tx, tenant_id, chunk)?);
        }
        let known: std::collections::HashSet<&str> = found.iter().map(|f| f.external_id.as_str()).collect();
        if let Some(missing) = request.target_users.iter().find(|u| !known.contains(u.as_str())) {
            return Err(OpError::not_found(Entity::User, missing));
        }
        learner_ids.extend(found.iter().map(|f| f.id));
        if !request.target_groups.is_empty() {
            let listed = groups::list(tx, tenant_id, Some(&request.target_groups))?;
            if let Some(missing) = request.target_groups.iter().find(|g| !listed.iter().any(|l| l.external_id == **g)) {
                return Err(OpError::not_found(Entity::Group, missing));
            }
            let ids: Vec<i64> = listed.iter().map(|g| g.id).collect();
            let members: Vec<String> = groups::members(tx, &ids)?.into_iter().map(|m| m.user_external_id).collect();
            for chunk in members.chunks(500) {
                learner_ids.extend(users::users_by_external_ids(tx, tenant_id, chunk)?.into_iter().map(|u| u.id));
            }
        }
        learner_ids.sort_unstable();
        learner_ids.dedup();
        if learner_ids.is_empty() {
            return Err(OpError::wrong(ProblemKind::Required, "targetUserResourceIds", "a campaign needs at least one target user"));
        }
        let enrolled = store::already_enrolled(tx, course_id, &learner_ids)?;
        if !enrolled.is_empty() {
            return Err(OpError::Conflict {
                what: super::Clash::AlreadyEnrolled,
                detail: format!("{} of the target users hold an enrollment in this training already; nothing was created", enrolled.len()),
            });
        }
        let status = if start > now { CampaignStatus::Scheduled } else { CampaignStatus::Sending };
        let external_id = uuid::Uuid::new_v4().to_string();
        let languages = if request.languages.is_empty() { "en".to_string() } else { lines(&request.languages) };
        let tags = lines(&request.tags);
        let campaign_id = store::insert_campaign(
            tx,
            &store::NewCampaign {
                tenant_id,
                external_id: &external_id,
                course_id,
                name,
                enrollment_type: request.enrollment_type.as_str(),
                status: status.as_str(),
                delivery_type: request.delivery_type.as_str(),
                recipient_type: RecipientType::UserGroup.as_str(),
                enrolled_by: &principal.subject,
                category: request.category.as_deref(),
                target_audience: request.target_audience.as_deref(),
                level: request.level.as_deref(),
                duration: request.duration.as_deref(),
                languages: &languages,
                tags: &tags,
                has_quiz: request.has_quiz,
                award_certificate: request.award_certificate,
                is_test: request.is_test,
                start_date: start,
                time_zone: request.time_zone.as_deref().unwrap_or("UTC"),
                due_date: request.due_date,
                reminder_period_count: reminder.map(|r| r.period_count),
                reminder_period_type: reminder.map(|r| r.period.as_str()),
                reminder_end_type: reminder.map(|r| r.end.as_str()),
                reminder_occurrence_count: reminder.and_then(|r| r.occurrences),
                reminder_stop_time: reminder.and_then(|r| r.stop_time),
                created_at: now,
            },
        )?;
        let external_ids: Vec<String> = learner_ids.iter().map(|_| uuid::Uuid::new_v4().to_string()).collect();
        let rows: Vec<enrollments::NewEnrollment<'_>> = learner_ids
            .iter()
            .zip(&external_ids)
            .map(|(learner, external)| enrollments::NewEnrollment {
                tenant_id,
                external_id: external,
                source: "keepnet",
                learner_id: *learner,
                course_id,
                access_date: start,
                due_date: request.due_date.map(|d| d.date()),
                lock_after_due_date: false,
                enrollment_type_group: 0,
                lifecycle: "active",
                completion_status: "not_started",
                progress: 0,
                completed_at: None,
                created_at: now,
                updated_at: now,
            })
            .collect();
        let inserted = store::insert_enrollments(tx, &rows)?;
        let training = crate::store::courses::by_external_ids(tx, tenant_id, &[request.training.trim()])?
            .into_iter()
            .next()
            .map(|c| c.title)
            .unwrap_or_else(|| request.training.clone());
        let people = store::people(tx, &learner_ids)?;
        let mut mails: Vec<(i64, String, String, String)> = Vec::with_capacity(inserted.len());
        for (enrollment_id, learner) in &inserted {
            let Ok(at) = people.binary_search_by_key(learner, |p| p.id) else { continue };
            let person = &people[at];
            let Some(email) = person.email.clone().filter(|e| e.contains('@')) else { continue };
            let (subject, body) =
                invitation(name, &training, request.enrollment_type.as_str(), person.first_name.as_deref(), request.due_date, &external_id);
            mails.push((*enrollment_id, email, subject, body));
        }
        let messages: Vec<NewMessage<'_>> = mails
            .iter()
            .map(|(_, to, subject, body)| NewMessage {
                tenant_id,
                kind: "mail",
                recipient: to,
                subject,
                body,
                created_at: now,
                next_attempt_at: start,
            })
            .collect();
        let queued = store::insert_messages(tx, &messages)?;
        let mut assignments = Vec::with_capacity(inserted.len());
        for ((enrollment_id, to, ..), (outbox_id, recipient)) in mails.iter().zip(&queued) {
            if to != recipient {
                return Err(OpError::Internal("queued mails came back out of order".into()));
            }
            assignments.push(store::NewAssignment { enrollment_id: *enrollment_id, outbox_id: Some(*outbox_id) });
        }
        // Target users without an address are assigned all the same; their row says why no mail went.
        for (enrollment_id, _) in inserted.iter().filter(|(e, _)| !mails.iter().any(|m| m.0 == *e)) {
            assignments.push(store::NewAssignment { enrollment_id: *enrollment_id, outbox_id: None });
        }
        store::insert_assignments(tx, tenant_id, campaign_id, &assignments, now)?;
        if request.delivery_type == DeliveryType::EmailAndTeams {
            let content = format!("You have a new {}: {training}", noun(request.enrollment_type.as_str()));
            // Without a webhook the notifications wait, and say why; a server with one posts them.
            let waiting = (!self.teams_webhook).then_some(NO_TEAMS_WEBHOOK);
            for (enrollment_id, _) in &inserted {
                store::insert_notification(
                    tx,
                    &store::NewNotification {
                        tenant_id,
                        campaign_id,
                        enrollment_id: *enrollment_id,
                        kind: NotificationType::Teams.as_str(),
                        status: NotificationStatus::Pending.as_str(),
                        activity_content: Some(&content),
                        first_send_date: None,
                        last_send_date: None,
                        last_sending_status: None,
                        error_message: waiting,
                        retry_count: 0,
                        max_retry_count: TEAMS_RETRIES,
                        next_attempt_at: Some(start),
                        created_at: now,
                    },
                )?;
            }
        }
        Ok(CampaignCreated { enrollment_id: external_id, status, enrollments: external_ids, mails_queued: queued.len() })
    }
}

/// The plan a campaign row holds.
fn plan_of(campaign: &store::PlannedCampaign) -> Option<ReminderPlan> {
    Some(ReminderPlan {
        period_count: campaign.period_count,
        period: ReminderPeriod::parse(&campaign.period_type).ok()?,
        end: ReminderEnd::parse(&campaign.end_type).ok()?,
        occurrences: campaign.occurrence_count,
        stop_time: campaign.stop_time,
    })
}

/// Queues one batch of a campaign's reminders of `occurrence`; returns how many target users were
/// found and how many reminders this call wrote.
fn queue_reminders(
    tx: &mut Tx<'_>,
    campaign: &store::PlannedCampaign,
    occurrence: i32,
    now: NaiveDateTime,
) -> Result<(usize, usize), OpError> {
    let due = store::unreminded(tx, campaign.id, occurrence, SCHEDULE_BATCH)?;
    let mut queued = 0;
    for to in &due {
        let Some(id) = store::claim_reminder(tx, campaign.tenant_id, campaign.id, to, occurrence, now)? else { continue };
        let (subject, body) = reminder(campaign, to.first_name.as_deref());
        let message = NewMessage {
            tenant_id: campaign.tenant_id,
            kind: "mail",
            recipient: &to.email,
            subject: &subject,
            body: &body,
            created_at: now,
            next_attempt_at: now,
        };
        let outbox_id = crate::store::outbox::insert(tx, &message)?;
        store::set_reminder_outbox(tx, id, outbox_id)?;
        queued += 1;
    }
    if (due.len() as i64) < SCHEDULE_BATCH {
        store::set_reminded(tx, campaign.id, occurrence)?;
    }
    Ok((due.len(), queued))
}

/// Queues one batch of certificate mails; returns how many completed assignments were found and
/// how many mails this call wrote.
fn queue_certificates(tx: &mut Tx<'_>, now: NaiveDateTime) -> Result<(usize, usize), OpError> {
    let (due, rows) = store::uncertified(tx, SCHEDULE_BATCH)?;
    store::forget_certificates_due(tx, &due)?;
    let mut queued = 0;
    for row in &rows {
        let email = row.email.as_deref().filter(|e| e.contains('@'));
        if !store::claim_certificate_mail(tx, row, email, now)? {
            continue;
        }
        if !row.has_certificate {
            let (_, valid_days) = crate::store::progress::certificate_policy(tx, row.course_id)?;
            let expires = valid_days.map(|days| now + Duration::days(days.into()));
            crate::store::progress::issue_certificates(tx, row.tenant_id, &[row.enrollment_id], now, expires)?;
        }
        let Some(email) = email else { continue };
        let (subject, body) = certificate(row);
        let message = NewMessage {
            tenant_id: row.tenant_id,
            kind: "mail",
            recipient: email,
            subject: &subject,
            body: &body,
            created_at: now,
            next_attempt_at: now,
        };
        let outbox_id = crate::store::outbox::insert(tx, &message)?;
        store::set_certificate_outbox(tx, row.enrollment_id, outbox_id)?;
        queued += 1;
    }
    Ok((due.len(), queued))
}

/// What a campaign of `kind` sends, in a sentence.
fn noun(kind: &str) -> &'static str {
    EnrollmentType::parse(kind).map_or("training", |t| match t {
        EnrollmentType::Survey => "survey",
        EnrollmentType::LearningPath => "learning path",
        EnrollmentType::Poster | EnrollmentType::Infographic | EnrollmentType::Screensaver => "awareness material",
        EnrollmentType::Scorm => "training",
    })
}

/// The reminder mail of a target user who has not completed.
fn reminder(campaign: &store::PlannedCampaign, first_name: Option<&str>) -> (String, String) {
    let noun = noun(&campaign.kind);
    let subject = format!("Reminder: {}", campaign.training_name);
    let due = campaign.due_date.map_or_else(String::new, |d| format!("Please complete it by {} UTC.\n\n", d.format("%Y-%m-%d %H:%M")));
    let body = format!(
        "Hello {name},\n\nThis is a reminder of the {noun} \"{training}\" ({campaign}), which you have not completed yet.\n\n{due}Enrollment: {id}\n",
        name = first_name.filter(|n| !n.trim().is_empty()).unwrap_or("there"),
        training = campaign.training_name,
        campaign = campaign.name,
        id = campaign.external_id,
    );
    (subject, body)
}

/// The certificate mail of a target user who completed.
fn certificate(row: &store::Certified) -> (String, String) {
    let subject = format!("Your certificate: {}", row.training_name);
    let body = format!(
        "Hello {name},\n\nCongratulations on completing \"{training}\" ({campaign}). Your certificate has been issued.\n\nEnrollment: {id}\n",
        name = row.first_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or("there"),
        training = row.training_name,
        campaign = row.campaign_name,
        id = row.external_id,
    );
    (subject, body)
}

/// The invitation mail of a campaign's target user.
fn invitation(
    campaign: &str,
    training: &str,
    kind: &str,
    first_name: Option<&str>,
    due: Option<NaiveDateTime>,
    id: &str,
) -> (String, String) {
    let noun = noun(kind);
    let subject = format!("New {noun}: {training}");
    let due = due.map_or_else(String::new, |d| format!("Please complete it by {} UTC.\n\n", d.format("%Y-%m-%d %H:%M")));
    let body = format!(
        "Hello {name},\n\nYou have been enrolled in the {noun} \"{training}\" ({campaign}).\n\n{due}Enrollment: {id}\n",
        name = first_name.filter(|n| !n.trim().is_empty()).unwrap_or("there"),
    );
    (subject, body)
}

fn default_company(tenant_id: i64, resource_id: &str) -> store::NewCompany<'_> {
    store::NewCompany {
        tenant_id,
        resource_id,
        parent_id: None,
        industry_name: None,
        industry_resource_id: None,
        license_type_name: "Custom",
        license_type_resource_id: None,
        is_number_of_users_limited: false,
        number_of_users: 0,
        license_end_date: None,
        privacy_duration_id: 1,
        tags: "",
        logo_path: None,
        created_at: now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(super::super::auth::hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // A key longer than a block is hashed first (test case 6).
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(super::super::auth::hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn company_ids_are_twelve_letters_and_digits() {
        for _ in 0..100 {
            assert!(crate::domain::keepnet::is_company_resource_id(&new_resource_id()));
        }
    }

    #[test]
    fn invitations_name_the_training_and_its_due_date() {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap().and_hms_opt(17, 0, 0);
        let (subject, body) = invitation("Q4 awareness", "Phishing 101", "SCORM", Some("Ada"), due, "e-1");
        assert_eq!(subject, "New training: Phishing 101");
        assert!(body.starts_with("Hello Ada,") && body.contains("by 2026-12-31 17:00 UTC") && body.contains("e-1"), "{body}");
        assert!(invitation("x", "Pulse", "Survey", None, None, "e").0.contains("survey"));
    }
}
