//! The fixture account every test starts from. Ids are fixed so tests can name what they expect;
//! the seed document's ids and token are among them, so its sample request runs as written.
//!
//! Account "acme" (departments: HQ ─┬─ Sales ── Sales East
//!                                  └─ Engineering)
//! and account "other" with look-alike ids, to prove tenants never mix.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use lmsbridge::domain::Role;
use lmsbridge::service::Service;
use lmsbridge::service::auth::{digest, hash_password};
use lmsbridge::store::courses::{self, NewCourse};
use lmsbridge::store::departments::{self, NewDepartment};
use lmsbridge::store::enrollments::{self, NewCertificate, NewEnrollment};
use lmsbridge::store::tenants;
use lmsbridge::store::users::{self, NewUser};
use lmsbridge::store::{Tx, auth};

pub const ACCOUNT_URL: &str = "https://acme.example.test";
pub const ADMIN_LOGIN: &str = "admin";
pub const ADMIN_EMAIL: &str = "admin@acme.example.test";
pub const PASSWORD: &str = "Adm1n-pass";
/// The token in the seed document's sample request; here it belongs to acme's administrator.
pub const SEED_TOKEN: &str = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE";

pub const DEPT_HQ: &str = "dept-hq";
pub const DEPT_SALES: &str = "dept-sales";
pub const DEPT_EAST: &str = "dept-sales-east";
pub const DEPT_ENG: &str = "dept-eng";

/// The course and learner ids of the seed's sample request.
pub const COURSE_1: &str = "146ac240-d54f-11e9-9b88-0a580af40973";
pub const COURSE_2: &str = "course-2";
pub const COURSE_3: &str = "course-3";
pub const SALES_LEARNER: &str = "8363b098-e031-11e9-89cf-0a580af40b0f";
pub const EAST_LEARNER: &str = "learner-east";
pub const ENG_LEARNER: &str = "learner-eng";
pub const HQ_LEARNER: &str = "learner-hq";

/// Sales learner in course 1: no due date.
pub const E_PLAIN: &str = "enr-plain";
/// Sales learner in course 2: due date, access stays open.
pub const E_DUE: &str = "enr-due";
/// East learner in course 1: due date and locked after it.
pub const E_LOCKED: &str = "enr-locked";
/// East learner in course 2: lock flag without a due date.
pub const E_LOCK_NO_DUE: &str = "enr-lock-no-due";
/// Engineering learner in course 1, from the catalog, certificate with expiry (+02:00).
pub const E_CERT: &str = "enr-cert";
/// Engineering learner in course 2, certificate without expiry.
pub const E_CERT_NO_EXPIRY: &str = "enr-cert-no-expiry";
/// HQ learner in course 3.
pub const E_HQ: &str = "enr-hq";
/// Sales learner in course 3, archived (with a certificate).
pub const E_ARCHIVED: &str = "enr-archived";
/// East learner in course 3, deleted.
pub const E_DELETED: &str = "enr-deleted";
/// The other account's enrollment: same learner and course ids as acme's E_PLAIN.
pub const E_OTHER: &str = "enr-other";

/// Every active acme enrollment.
pub const ACTIVE: [&str; 7] = [E_PLAIN, E_DUE, E_LOCKED, E_LOCK_NO_DUE, E_CERT, E_CERT_NO_EXPIRY, E_HQ];

pub struct Fixture {
    pub admin_token: String,
    /// Department administrator of Sales (and so of Sales East).
    pub sales_admin_token: String,
    pub learner_token: String,
    pub expired_token: String,
    pub other_tenant_token: String,
    pub admin_client_id: String,
    pub admin_client_secret: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(10, 30, 0).unwrap()
}

struct Acct {
    tenant: i64,
    now: NaiveDateTime,
}

impl Acct {
    fn department(&self, tx: &mut Tx<'_>, external_id: &str, name: &str, parent: Option<i64>) -> i64 {
        departments::insert_department(
            tx,
            &NewDepartment { tenant_id: self.tenant, external_id, parent_id: parent, name, code: None, created_at: self.now },
        )
        .unwrap()
    }

    fn user(&self, tx: &mut Tx<'_>, external_id: &str, login: &str, department: i64, role: Role, manages: &[i64]) -> i64 {
        let email = format!("{login}@acme.example.test");
        let hash = hash_password(PASSWORD);
        users::insert_user(
            tx,
            &NewUser {
                tenant_id: self.tenant,
                external_id,
                department_id: department,
                login,
                email: Some(&email),
                first_name: None,
                last_name: None,
                password_hash: Some(&hash),
                role: role.as_str(),
                status: 1,
                created_at: self.now,
                updated_at: self.now,
            },
            manages,
        )
        .unwrap()
    }

    fn course(&self, tx: &mut Tx<'_>, external_id: &str) -> i64 {
        // Course 2 gives enrollments of due date type "default" three days.
        let default_due_period_hours = (external_id == COURSE_2).then_some(72);
        courses::insert_course(
            tx,
            &NewCourse {
                tenant_id: self.tenant,
                external_id,
                title: external_id,
                subtitle: None,
                description: None,
                content_type: "course",
                default_due_period_hours,
                created_at: self.now,
            },
        )
        .unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn enrollment(
        &self,
        tx: &mut Tx<'_>,
        external_id: &str,
        learner: i64,
        course: i64,
        access: NaiveDate,
        due: Option<NaiveDate>,
        lock: bool,
        group: i16,
        lifecycle: &str,
    ) -> i64 {
        // Progress as the learner results report it.
        let (status, progress, completed_at) = match external_id {
            E_CERT => ("passed", 100, Some(date(2026, 2, 1).and_hms_opt(7, 0, 0).unwrap())),
            E_CERT_NO_EXPIRY => ("complete", 100, Some(date(2026, 2, 2).and_hms_opt(10, 0, 0).unwrap())),
            E_LOCKED => ("in_progress", 40, None),
            _ => ("not_started", 0, None),
        };
        enrollments::insert_enrollment(
            tx,
            &NewEnrollment {
                tenant_id: self.tenant,
                external_id,
                source: "ispring",
                learner_id: learner,
                course_id: course,
                access_date: at(access),
                due_date: due,
                lock_after_due_date: lock,
                enrollment_type_group: group,
                lifecycle,
                completion_status: status,
                progress,
                completed_at,
                created_at: self.now,
                updated_at: self.now,
            },
        )
        .unwrap()
    }

    fn certificate(
        &self,
        tx: &mut Tx<'_>,
        enrollment: i64,
        external_id: &str,
        issued_utc: NaiveDateTime,
        expires_utc: Option<NaiveDateTime>,
        offset: i32,
    ) {
        enrollments::insert_certificate(
            tx,
            &NewCertificate {
                tenant_id: self.tenant,
                enrollment_id: enrollment,
                external_id,
                issued_at: issued_utc,
                issued_offset_minutes: offset,
                expires_at: expires_utc,
                expires_offset_minutes: expires_utc.map(|_| offset),
            },
        )
        .unwrap();
    }

    fn client(&self, tx: &mut Tx<'_>, client_id: &str, secret: &str, role: Role, departments: &[i64]) -> i64 {
        auth::insert_client(tx, self.tenant, client_id, &digest(secret), role.as_str(), departments, self.now).unwrap()
    }
}

fn token(tx: &mut Tx<'_>, client: i64, token: &str, expires_at: NaiveDateTime, now: NaiveDateTime) {
    auth::insert_token(tx, &digest(token), client, expires_at, now).unwrap();
}

impl Fixture {
    pub fn load(service: &Service) -> Fixture {
        let fixture = Fixture {
            admin_token: SEED_TOKEN.to_string(),
            sales_admin_token: "tok-sales-admin".into(),
            learner_token: "tok-learner".into(),
            expired_token: "tok-expired".into(),
            other_tenant_token: "tok-other".into(),
            admin_client_id: "acme-admin".into(),
            admin_client_secret: "acme-admin-secret".into(),
        };
        service
            .db()
            .write(|tx| -> Result<(), lmsbridge::service::OpError> {
                let now = Utc::now().naive_utc();
                let valid = now + Duration::minutes(30);
                let acme = Acct { tenant: tenants::insert_tenant(tx, "acme", Some(ACCOUNT_URL), now)?, now };
                let hq = acme.department(tx, DEPT_HQ, "HQ", None);
                let sales = acme.department(tx, DEPT_SALES, "Sales", Some(hq));
                let east = acme.department(tx, DEPT_EAST, "Sales East", Some(sales));
                let eng = acme.department(tx, DEPT_ENG, "Engineering", Some(hq));

                acme.user(tx, "user-admin", ADMIN_LOGIN, hq, Role::AccountAdministrator, &[]);
                acme.user(tx, "user-sales-admin", "sales.admin", hq, Role::DepartmentAdministrator, &[sales]);
                let sales_learner = acme.user(tx, SALES_LEARNER, "sales.learner", sales, Role::Learner, &[]);
                let east_learner = acme.user(tx, EAST_LEARNER, "east.learner", east, Role::Learner, &[]);
                let eng_learner = acme.user(tx, ENG_LEARNER, "eng.learner", eng, Role::Learner, &[]);
                let hq_learner = acme.user(tx, HQ_LEARNER, "hq.learner", hq, Role::Learner, &[]);

                let c1 = acme.course(tx, COURSE_1);
                let c2 = acme.course(tx, COURSE_2);
                let c3 = acme.course(tx, COURSE_3);

                acme.enrollment(tx, E_PLAIN, sales_learner, c1, date(2026, 1, 10), None, false, 0, "active");
                acme.enrollment(tx, E_DUE, sales_learner, c2, date(2026, 1, 11), Some(date(2026, 3, 1)), false, 0, "active");
                acme.enrollment(tx, E_LOCKED, east_learner, c1, date(2026, 1, 12), Some(date(2026, 2, 15)), true, 0, "active");
                acme.enrollment(tx, E_LOCK_NO_DUE, east_learner, c2, date(2026, 1, 13), None, true, 0, "active");
                let cert = acme.enrollment(tx, E_CERT, eng_learner, c1, date(2026, 1, 14), None, false, 1, "active");
                // Issued 09:19 at +02:00 = 07:19 UTC; expires a year later.
                acme.certificate(
                    tx,
                    cert,
                    "cert-1",
                    date(2026, 2, 1).and_hms_opt(7, 19, 0).unwrap(),
                    Some(date(2027, 2, 1).and_hms_opt(7, 21, 0).unwrap()),
                    120,
                );
                let cert2 = acme.enrollment(tx, E_CERT_NO_EXPIRY, eng_learner, c2, date(2026, 1, 15), None, false, 0, "active");
                acme.certificate(tx, cert2, "cert-2", at(date(2026, 2, 2)), None, 0);
                acme.enrollment(tx, E_HQ, hq_learner, c3, date(2026, 1, 16), None, false, 0, "active");
                let archived =
                    acme.enrollment(tx, E_ARCHIVED, sales_learner, c3, date(2025, 6, 1), Some(date(2025, 7, 1)), true, 0, "archived");
                acme.certificate(tx, archived, "cert-archived", at(date(2025, 6, 20)), None, 0);
                acme.enrollment(tx, E_DELETED, east_learner, c3, date(2025, 6, 2), None, false, 0, "deleted");

                let admin = acme.client(tx, &fixture.admin_client_id, &fixture.admin_client_secret, Role::AccountAdministrator, &[]);
                token(tx, admin, &fixture.admin_token, valid, now);
                token(tx, admin, &fixture.expired_token, now - Duration::seconds(1), now - Duration::minutes(31));
                let sales_admin = acme.client(tx, "acme-sales-admin", "s", Role::DepartmentAdministrator, &[sales]);
                token(tx, sales_admin, &fixture.sales_admin_token, valid, now);
                let learner = acme.client(tx, "acme-learner", "l", Role::Learner, &[]);
                token(tx, learner, &fixture.learner_token, valid, now);

                // Another account whose ids look like acme's.
                let other = Acct { tenant: tenants::insert_tenant(tx, "other", Some("https://other.example.test"), now)?, now };
                let other_root = other.department(tx, DEPT_HQ, "HQ", None);
                let other_learner = other.user(tx, SALES_LEARNER, "sales.learner", other_root, Role::Learner, &[]);
                let other_course = other.course(tx, COURSE_1);
                other.enrollment(tx, E_OTHER, other_learner, other_course, date(2026, 1, 10), None, false, 0, "active");
                let other_admin = other.client(tx, "other-admin", "o", Role::AccountAdministrator, &[]);
                token(tx, other_admin, &fixture.other_tenant_token, valid, now);
                Ok(())
            })
            .expect("fixture loads");
        fixture
    }
}
