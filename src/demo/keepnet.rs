//! The Keepnet world of the demo (and of the Keepnet tests): a reseller managing three customer
//! companies (one over its licence limit, one with a child company), each with people, trainings
//! and campaigns of several types in several states, with what their mail did: deliveries and a
//! failure, reminder mails, Microsoft Teams notifications and certificates. Names are fixed;
//! ids are made fresh, and returned.

use chrono::{Duration, NaiveDateTime};

use crate::domain::keepnet::{DeliveryType, EnrollmentType, KeepnetRole, ReminderEnd, ReminderPeriod, ReminderPlan};
use crate::domain::{Principal, Role};
use crate::service::keepnet::{CampaignCreated, KeepnetCredential, Licence, NewCampaignRequest};
use crate::service::{OpError, Service, now};
use crate::store::courses::{self, NewCourse};
use crate::store::departments::{self, NewDepartment};
use crate::store::keepnet as store;
use crate::store::progress::{self, ProgressChange};
use crate::store::users::{self, NewUser};
use crate::store::{Tx, enrollments, tenants};

/// A company of the world: its tenant name and Company ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub name: String,
    pub resource_id: String,
    pub tenant_id: i64,
}

/// A campaign of the world: its name and enrollment id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub name: String,
    pub enrollment_id: String,
    pub company: String,
}

/// What the world holds, for the printout, the credentials file and the tests.
#[derive(Debug, Clone)]
pub struct World {
    pub reseller: Company,
    /// Northwind, Contoso (over its licence limit), Fabrikam, and Contoso Labs below Contoso.
    pub customers: Vec<Company>,
    pub reseller_credential: KeepnetCredential,
    /// A Company Admin credential of the first customer.
    pub admin_credential: KeepnetCredential,
    pub campaigns: Vec<Campaign>,
}

impl World {
    pub fn customer(&self, name: &str) -> &Company {
        self.customers.iter().find(|c| c.name.ends_with(name)).expect("a customer of the world")
    }

    pub fn campaign(&self, name: &str) -> &Campaign {
        self.campaigns.iter().find(|c| c.name == name).expect("a campaign of the world")
    }
}

/// The people of every customer company: login, first and last name, department.
const PEOPLE: [(&str, &str, &str, &str); 5] = [
    ("ada", "Ada", "Lovelace", "Finance"),
    ("grace", "Grace", "Hopper", "Engineering"),
    ("alan", "Alan", "Turing", "Engineering"),
    ("edsger", "Edsger", "Dijkstra", "Finance"),
    ("barbara", "Barbara", "Liskov", "Engineering"),
];

/// The trainings every customer company has: external id, title, description.
const TRAININGS: [(&str, &str, &str); 3] = [
    ("phishing-101", "Phishing 101", "Recognise and report phishing mail"),
    ("security-pulse", "Security Pulse Survey", "Ten questions on security habits"),
    ("password-poster", "Strong Passwords Poster", "A poster for the office"),
];

fn company_tenant(service: &Service, tx: &mut Tx<'_>, name: &str, parent: Option<i64>, licence: &Licence) -> Result<Company, OpError> {
    let tenant_id = tenants::insert_tenant(tx, name, None, now() - Duration::days(120))?;
    let resource_id = service.keepnet_company(tx, tenant_id, parent, licence)?;
    Ok(Company { name: name.to_string(), resource_id, tenant_id })
}

/// People, departments and trainings of a customer; `domain` is its mail domain.
fn staff(tx: &mut Tx<'_>, company: &Company, domain: &str, created: NaiveDateTime) -> Result<(), OpError> {
    let root = departments::insert_department(
        tx,
        &NewDepartment {
            tenant_id: company.tenant_id,
            external_id: "staff",
            parent_id: None,
            name: "Staff",
            code: None,
            created_at: created,
        },
    )?;
    let mut departments = Vec::new();
    for name in ["Finance", "Engineering"] {
        let external_id = name.to_ascii_lowercase();
        let id = departments::insert_department(
            tx,
            &NewDepartment {
                tenant_id: company.tenant_id,
                external_id: &external_id,
                parent_id: Some(root),
                name,
                code: None,
                created_at: created,
            },
        )?;
        departments.push((name, id));
    }
    for (login, first, last, department) in PEOPLE {
        let email = format!("{login}@{domain}");
        let department_id = departments.iter().find(|(n, _)| *n == department).map_or(root, |(_, id)| *id);
        users::insert_user(
            tx,
            &NewUser {
                tenant_id: company.tenant_id,
                external_id: login,
                department_id,
                login,
                email: Some(&email),
                first_name: Some(first),
                last_name: Some(last),
                password_hash: None,
                role: Role::Learner.as_str(),
                status: 1,
                created_at: created,
                updated_at: created,
            },
            &[],
        )?;
    }
    for (external_id, title, description) in TRAININGS {
        courses::insert_course(
            tx,
            &NewCourse {
                tenant_id: company.tenant_id,
                external_id,
                title,
                subtitle: None,
                description: Some(description),
                content_type: "course",
                default_due_period_hours: None,
                created_at: created,
            },
        )?;
    }
    Ok(())
}

fn campaign_request(name: &str, training: &str, kind: EnrollmentType, users: &[&str]) -> NewCampaignRequest {
    NewCampaignRequest {
        name: name.to_string(),
        training: training.to_string(),
        enrollment_type: kind,
        delivery_type: DeliveryType::Email,
        target_users: users.iter().map(|u| u.to_string()).collect(),
        target_groups: Vec::new(),
        start_date: None,
        due_date: None,
        time_zone: None,
        reminder: None,
        award_certificate: false,
        has_quiz: false,
        is_test: false,
        languages: vec!["en".into()],
        tags: Vec::new(),
        category: None,
        level: None,
        duration: None,
        target_audience: None,
    }
}

fn admin_of(company: &Company) -> Principal {
    Principal {
        tenant_id: company.tenant_id,
        role: Role::AccountAdministrator,
        managed_departments: Vec::new(),
        subject: "Security Awareness Team".into(),
        acting: None,
    }
}

/// The assignments of a campaign (enrollment ids), in their users' order.
fn assignments(tx: &mut Tx<'_>, company: &Company, created: &CampaignCreated) -> Result<Vec<(i64, String)>, OpError> {
    let campaign = store::campaign(tx, company.tenant_id, &created.enrollment_id)?
        .ok_or_else(|| OpError::Internal("the demo campaign was just made".into()))?;
    Ok(store::sending_ids(tx, campaign.id, &Default::default())?)
}

fn campaign_key(tx: &mut Tx<'_>, company: &Company, created: &CampaignCreated) -> Result<i64, OpError> {
    Ok(store::campaign(tx, company.tenant_id, &created.enrollment_id)?.map_or(0, |c| c.id))
}

/// Builds the world with tenant names starting with `prefix`.
pub fn build(service: &Service, tx: &mut Tx<'_>, prefix: &str) -> Result<World, OpError> {
    let now = now();
    let created = now - Duration::days(90);
    let reseller = company_tenant(
        service,
        tx,
        &format!("{prefix}Keepnet Reseller"),
        None,
        &Licence { license_type: Some("Reseller".into()), ..Default::default() },
    )?;
    let licence = |limit: Option<i32>, tags: &[&str]| Licence {
        industry: Some("Finance".into()),
        license_type: Some("Custom".into()),
        user_limit: limit,
        license_end_date: Some(now + Duration::days(365)),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    let northwind = company_tenant(service, tx, &format!("{prefix}Northwind"), Some(reseller.tenant_id), &licence(Some(50), &["gold"]))?;
    let contoso = company_tenant(service, tx, &format!("{prefix}Contoso"), Some(reseller.tenant_id), &licence(Some(3), &["silver", "eu"]))?;
    let fabrikam = company_tenant(service, tx, &format!("{prefix}Fabrikam"), Some(reseller.tenant_id), &licence(None, &[]))?;
    let labs = company_tenant(service, tx, &format!("{prefix}Contoso Labs"), Some(contoso.tenant_id), &licence(Some(10), &[]))?;
    for (company, domain) in
        [(&northwind, "northwind.example"), (&contoso, "contoso.example"), (&fabrikam, "fabrikam.example"), (&labs, "labs.contoso.example")]
    {
        staff(tx, company, domain, created)?;
    }

    let everyone: Vec<&str> = PEOPLE.iter().map(|p| p.0).collect();
    let mut campaigns = Vec::new();
    let mut record = |company: &Company, created: &CampaignCreated, name: &str| {
        campaigns.push(Campaign { name: name.to_string(), enrollment_id: created.enrollment_id.clone(), company: company.name.clone() })
    };

    // Northwind: a training being sent, with reminders, Teams notifications and certificates.
    let mut training = campaign_request("Q4 Phishing Training", "phishing-101", EnrollmentType::Scorm, &everyone);
    training.delivery_type = DeliveryType::EmailAndTeams;
    training.due_date = Some(now + Duration::days(30));
    training.award_certificate = true;
    training.has_quiz = true;
    training.category = Some("Phishing".into());
    training.level = Some("Beginner".into());
    training.duration = Some("15 min".into());
    training.tags = vec!["quarterly".into()];
    training.reminder = Some(ReminderPlan {
        period_count: 1,
        period: ReminderPeriod::Week,
        end: ReminderEnd::AfterOccurrences,
        occurrences: Some(3),
        stop_time: None,
    });
    let q4 = service.create_keepnet_campaign(tx, &admin_of(&northwind), &training)?;
    record(&northwind, &q4, "Q4 Phishing Training");
    let rows = assignments(tx, &northwind, &q4)?;
    let q4_key = campaign_key(tx, &northwind, &q4)?;
    let sent = now - Duration::days(2);
    for (i, (enrollment_id, user)) in rows.iter().enumerate() {
        let (status, error) = if user == "edsger" { ("Sending Error", Some("550 5.1.1 mailbox unavailable")) } else { ("Delivered", None) };
        store::record_sending(tx, *enrollment_id, sent + Duration::minutes(i as i64), status, error)?;
        let email = format!("{user}@northwind.example");
        match user.as_str() {
            // Ada and Grace completed and passed: certificates, mailed.
            "ada" | "grace" => {
                let done = now - Duration::days(1);
                progress::change_progress(
                    tx,
                    *enrollment_id,
                    &ProgressChange {
                        completion_status: Some("passed".into()),
                        progress: Some(100),
                        started_at: Some(Some(sent)),
                        completed_at: Some(Some(done)),
                        updated_at: Some(done),
                        ..Default::default()
                    },
                )?;
                let certificate = format!("cert-{}", uuid::Uuid::new_v4());
                enrollments::insert_certificate(
                    tx,
                    &enrollments::NewCertificate {
                        tenant_id: northwind.tenant_id,
                        enrollment_id: *enrollment_id,
                        external_id: &certificate,
                        issued_at: done,
                        issued_offset_minutes: 0,
                        expires_at: Some(done + Duration::days(365)),
                        expires_offset_minutes: Some(0),
                    },
                )?;
                store::insert_certificate_mail(
                    tx,
                    &store::NewCertificateMail {
                        enrollment_id: *enrollment_id,
                        tenant_id: northwind.tenant_id,
                        campaign_id: q4_key,
                        outbox_id: None,
                        email: &email,
                        first_send_time: Some(done + Duration::minutes(1)),
                        last_send_time: Some(done + Duration::minutes(1)),
                        status: "Delivered",
                        created_at: done,
                    },
                )?;
            }
            // Alan began.
            "alan" => {
                progress::change_progress(
                    tx,
                    *enrollment_id,
                    &ProgressChange {
                        completion_status: Some("in_progress".into()),
                        progress: Some(40),
                        started_at: Some(Some(sent)),
                        updated_at: Some(now - Duration::hours(5)),
                        ..Default::default()
                    },
                )?;
            }
            // The others have not: a reminder each (one not delivered).
            _ => {
                let failed = user == "edsger";
                store::insert_reminder_mail(
                    tx,
                    &store::NewReminderMail {
                        tenant_id: northwind.tenant_id,
                        campaign_id: q4_key,
                        enrollment_id: *enrollment_id,
                        outbox_id: None,
                        email: &email,
                        first_send_date: Some(now - Duration::hours(20)),
                        last_send_date: Some(now - Duration::hours(if failed { 2 } else { 20 })),
                        last_sending_status: if failed { "Sending Error" } else { "Delivered" },
                        error_message: failed.then_some("550 5.1.1 mailbox unavailable"),
                        created_at: now - Duration::hours(20),
                    },
                )?;
            }
        }
        // The campaign queued a Teams notification per target user; their attempts as the Teams
        // sender records them: posted, or refused until the retries ran out.
        let teams_failed = user == "barbara";
        for notification in store::notifications_of(tx, *enrollment_id)? {
            store::record_notification(
                tx,
                notification,
                &store::NotificationAttempt {
                    at: sent + Duration::minutes(if teams_failed { 30 } else { 0 }),
                    retry_count: if teams_failed { 3 } else { 0 },
                    failure: teams_failed.then_some(("HTTP 503 Service Unavailable", None)),
                },
            )?;
        }
    }

    // Northwind: a survey, finished; a poster, scheduled for next week.
    let survey = service.create_keepnet_campaign(
        tx,
        &admin_of(&northwind),
        &campaign_request("Security Pulse", "security-pulse", EnrollmentType::Survey, &["ada", "grace", "alan"]),
    )?;
    record(&northwind, &survey, "Security Pulse");
    for (enrollment_id, _) in assignments(tx, &northwind, &survey)? {
        store::record_sending(tx, enrollment_id, now - Duration::days(20), "Delivered", None)?;
    }
    let survey_key = campaign_key(tx, &northwind, &survey)?;
    store::set_campaign_status(tx, survey_key, "Finished")?;
    let mut poster = campaign_request("Password Week Poster", "password-poster", EnrollmentType::Poster, &everyone);
    poster.start_date = Some(now + Duration::days(7));
    let poster = service.create_keepnet_campaign(tx, &admin_of(&northwind), &poster)?;
    record(&northwind, &poster, "Password Week Poster");

    // Contoso (over its licence limit): a training still in the queue.
    let contoso_training = service.create_keepnet_campaign(
        tx,
        &admin_of(&contoso),
        &campaign_request("Contoso Phishing Training", "phishing-101", EnrollmentType::Scorm, &everyone),
    )?;
    record(&contoso, &contoso_training, "Contoso Phishing Training");

    let reseller_credential = service.create_keepnet_client_in(tx, reseller.tenant_id, KeepnetRole::Reseller)?;
    let admin_credential = service.create_keepnet_client_in(tx, northwind.tenant_id, KeepnetRole::CompanyAdmin)?;
    Ok(World { reseller, customers: vec![northwind, contoso, fabrikam, labs], reseller_credential, admin_credential, campaigns })
}

/// What the demo's Keepnet clients need: a Reseller credential (a new one at every start), a
/// customer's Company ID and one of its enrollments. Field names are those of the credentials file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeepnetAccess {
    pub client_id: String,
    pub client_secret: String,
    #[serde(rename = "companyResourceId")]
    pub company_resource_id: String,
    #[serde(rename = "enrollmentId")]
    pub enrollment_id: String,
}

/// A fresh Reseller credential of the demo's reseller and the sample ids; `None` for a demo
/// database made before it had the Keepnet world.
pub fn access(service: &Service) -> Result<Option<KeepnetAccess>, OpError> {
    service.db().write(|tx| {
        let (Some(reseller), Some(northwind)) =
            (tenants::tenant_id_by_name(tx, "Keepnet Reseller")?, tenants::tenant_id_by_name(tx, "Northwind")?)
        else {
            return Ok(None);
        };
        let Some(company) = store::company_of_tenant(tx, northwind)? else { return Ok(None) };
        let Some(campaign) = store::campaign_by_name(tx, northwind, "Q4 Phishing Training")? else { return Ok(None) };
        let credential = service.create_keepnet_client_in(tx, reseller, KeepnetRole::Reseller)?;
        Ok(Some(KeepnetAccess {
            client_id: credential.client_id,
            client_secret: credential.client_secret,
            company_resource_id: company.resource_id,
            enrollment_id: campaign,
        }))
    })
}
