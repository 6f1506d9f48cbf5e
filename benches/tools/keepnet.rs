//! A Keepnet campaign of many target users: the time to create it (its enrollments and their
//! invitations queued in the outbox, one transaction), then the sending report's search over it:
//! the first page, a deep page, and a filtered page. Prints one line a figure.
//!
//! `cargo run --release --example bench-keepnet -- [USERS] [DATABASE_URL]` (100,000 users and a
//! SQLite file in a temporary directory by default).

use std::time::Instant;

use chrono::Utc;
use lmsbridge::config::Config;
use lmsbridge::domain::keepnet::{
    DeliveryType, EnrollmentType, FilterGroup, FilterItem, KeepnetRole, Operator, Order, PageRequest, Search, fields, find_field,
};
use lmsbridge::domain::{Principal, Role};
use lmsbridge::service::keepnet::{KeepnetCaller, NewCampaignRequest};
use lmsbridge::service::{OpError, Service};
use lmsbridge::store::courses::{self, NewCourse};
use lmsbridge::store::departments::{self, NewDepartment};
use lmsbridge::store::users::{self, NewUser};
use lmsbridge::store::{Db, tenants};

fn main() -> Result<(), OpError> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = args.next().unwrap_or_else(|| dir.path().join("keepnet-bench.db").to_string_lossy().into_owned());
    let config = Config::default();
    let db = Db::connect(&url, &config.pool(&url)).expect("the database opens");
    db.migrate().expect("the database migrates");
    let service = Service::new(db, 1800);

    let now = Utc::now().naive_utc();
    let started = Instant::now();
    let tenant_id = service.db().write(|tx| -> Result<i64, OpError> {
        let tenant_id = tenants::insert_tenant(tx, "Bench Co", None, now)?;
        service.keepnet_company(tx, tenant_id, None, &Default::default())?;
        let department = departments::insert_department(
            tx,
            &NewDepartment { tenant_id, external_id: "staff", parent_id: None, name: "Staff", code: None, created_at: now },
        )?;
        for i in 0..count {
            let (login, email) = (format!("user-{i:06}"), format!("user-{i:06}@bench.example"));
            users::insert_user(
                tx,
                &NewUser {
                    tenant_id,
                    external_id: &login,
                    department_id: department,
                    login: &login,
                    email: Some(&email),
                    first_name: Some("Bench"),
                    last_name: Some("User"),
                    password_hash: None,
                    role: Role::Learner.as_str(),
                    status: 1,
                    created_at: now,
                    updated_at: now,
                },
                &[],
            )?;
        }
        courses::insert_course(
            tx,
            &NewCourse {
                tenant_id,
                external_id: "phishing-101",
                title: "Phishing 101",
                subtitle: None,
                description: None,
                content_type: "course",
                default_due_period_hours: None,
                created_at: now,
            },
        )?;
        Ok(tenant_id)
    })?;
    println!("setup: {count} users in {:.1} s ({})", started.elapsed().as_secs_f64(), service.db().backend());

    let request = NewCampaignRequest {
        name: "Bench campaign".into(),
        training: "phishing-101".into(),
        enrollment_type: EnrollmentType::Scorm,
        delivery_type: DeliveryType::Email,
        target_users: (0..count).map(|i| format!("user-{i:06}")).collect(),
        target_groups: Vec::new(),
        start_date: None,
        due_date: None,
        time_zone: None,
        reminder: None,
        award_certificate: false,
        has_quiz: false,
        is_test: false,
        languages: Vec::new(),
        tags: Vec::new(),
        category: None,
        level: None,
        duration: None,
        target_audience: None,
    };
    let principal =
        Principal { tenant_id, role: Role::AccountAdministrator, managed_departments: Vec::new(), subject: "bench".into(), acting: None };
    let started = Instant::now();
    let created = service.db().write(|tx| service.create_keepnet_campaign(tx, &principal, &request))?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "create: {} enrollments and {} mails queued in {seconds:.2} s ({:.0} target users/s)",
        created.enrollments.len(),
        created.mails_queued,
        count as f64 / seconds
    );

    let caller = KeepnetCaller { client_id: "bench".into(), tenant_id, role: KeepnetRole::CompanyAdmin };
    let email = find_field(fields::SENDING_REPORT, "email").expect("a field");
    let search = |number: i64, filter: lmsbridge::domain::keepnet::Filter| Search {
        filter,
        order: Order { field: email, ascending: true },
        page: PageRequest { number, size: 20 },
    };
    let deep = (count as i64 / 20).max(1);
    let filtered = lmsbridge::domain::keepnet::Filter {
        search: None,
        root: FilterGroup {
            items: vec![FilterItem::resolve(fields::SENDING_REPORT, "email", Operator::StartsWith, Some("user-0999")).expect("an item")],
            ..Default::default()
        },
    };
    for (what, search) in
        [("first page", search(1, Default::default())), ("deep page", search(deep, Default::default())), ("filtered", search(1, filtered))]
    {
        let mut best = f64::MAX;
        let mut total = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let found = service.db().read(|tx| service.keepnet_sending(tx, &caller, None, &created.enrollment_id, &search))?;
            best = best.min(started.elapsed().as_secs_f64());
            total = found.total;
        }
        println!("sending report, {what} (page {} of 20, of {total}): best of 5 {:.1} ms", search.page.number, best * 1000.0);
    }
    Ok(())
}
