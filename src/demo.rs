//! Demo data for `serve --demo`: one account with a department tree, ~50 users, 10 courses and
//! 200 enrollments covering every case the enrollment operations distinguish (due dates, locks,
//! catalog enrollments, certificates with and without expiry, archived and deleted enrollments),
//! a department administrator, and API clients. Generated from a fixed seed: the same every time.

pub mod keepnet;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::values::ExternalId;
use crate::domain::{EnrollmentTypeGroup, Lifecycle, Principal, Role};
use crate::service::auth::{digest, hash_password, random_secret};
use crate::service::{OpError, Service};
use crate::store::courses::{self, NewCourse};
use crate::store::departments::{self, NewDepartment};
use crate::store::enrollments::{self, NewCertificate, NewEnrollment};
use crate::store::tenants;
use crate::store::users::{self, NewUser};
use crate::store::{Tx, auth};

pub const TENANT: &str = "demo";
pub const ACCOUNT_URL: &str = "https://demo.lmsbridge.test";
/// Password of the demo account's users (legacy `accountUrl`/`email`/`password` credentials).
pub const PASSWORD: &str = "Demo-pass-1";
pub const ADMIN_LOGIN: &str = "admin";
pub const DEPARTMENT_ADMIN_LOGIN: &str = "sales.admin";
pub const ADMIN_CLIENT: &str = "demo-admin";
pub const DEPARTMENT_ADMIN_CLIENT: &str = "demo-sales-admin";
pub const LEARNER_CLIENT: &str = "demo-learner";
/// The learner whose ids the README's examples use.
pub const SAMPLE_LEARNER_LOGIN: &str = "anna.novak";

/// What `load` created.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub departments: usize,
    pub users: usize,
    pub courses: usize,
    pub enrollments: usize,
    pub certificates: usize,
    pub class_enrollments: usize,
    pub registrations: usize,
    pub portals: usize,
    /// Keepnet companies (the reseller and those it manages) and campaigns.
    pub keepnet_companies: usize,
    pub keepnet_campaigns: usize,
    /// Secrets of the demo API clients, `(client_id, secret)`; shown once.
    pub client_secrets: Vec<(String, String)>,
}

/// A small deterministic generator (SplitMix64): demo and benchmark data must not change between runs.
pub struct Seeded(pub u64);

impl Seeded {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }
}

const FIRST_NAMES: [&str; 10] = ["Anna", "Boris", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hiro", "Ines", "Jonas"];
const LAST_NAMES: [&str; 5] = ["Novak", "Smith", "Garcia", "Tanaka", "Müller"];
const COURSES: [&str; 10] = [
    "Information Security Basics",
    "Anti-Bribery and Corruption",
    "Data Protection (GDPR)",
    "Workplace Safety",
    "Customer Service Excellence",
    "Negotiation Skills",
    "Leading Remote Teams",
    "Product Fundamentals",
    "Code of Conduct",
    "First Aid Refresher",
];

/// What a reader needs to call the demo account: the administrator client's id and secret, a
/// token, and the ids of a sample learner, one of their courses, that enrollment and the
/// learner's department. Field names are those of the credentials file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Access {
    pub token: String,
    pub client_id: String,
    pub client_secret: String,
    #[serde(rename = "learnerId")]
    pub learner_id: String,
    #[serde(rename = "courseId")]
    pub course_id: String,
    #[serde(rename = "enrollmentId")]
    pub enrollment_id: String,
    #[serde(rename = "departmentId")]
    pub department_id: String,
    /// What the Skillable face's clients need.
    #[serde(skip)]
    pub skillable: Option<SkillableAccess>,
    /// What the Rhythm face's clients need.
    #[serde(skip)]
    pub rhythm: Option<RhythmAccess>,
    /// What the Academy Of Mine face's clients need.
    #[serde(skip)]
    pub aom: Option<AomAccess>,
    /// What an identity provider needs to provision through SCIM.
    #[serde(skip)]
    pub scim: Option<ScimAccess>,
    /// What a Keepnet reseller's client needs.
    #[serde(skip)]
    pub keepnet: Option<keepnet::KeepnetAccess>,
}

/// The demo's SCIM token (a new one at every start; the previous ones are revoked). Field names
/// are those of the credentials file, which adds the base URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScimAccess {
    pub token: String,
}

/// The demo's Academy Of Mine token (an administrator's; a new one at every start, the previous
/// ones revoked) and the numbers of a sample course, enrollment, learner and portal. Field names
/// are those of the credentials file.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AomAccess {
    pub token: String,
    pub course_id: i64,
    pub learning_path_id: i64,
    pub enrollment_id: i64,
    pub user_id: i64,
    pub portal_id: i64,
}

/// A new Academy Of Mine token acting as the demo administrator, and the sample ids: the first
/// course's first enrollment in progress, its learner, and the portal at the root of the tree.
/// `None` for a demo database made before the account had portals.
fn aom_access(service: &Service) -> Result<Option<AomAccess>, OpError> {
    use crate::domain::role::AomRole;
    let (admin, sample, portal) = service.db().read(|tx| -> Result<_, OpError> {
        let tenant_id = tenants::tenant_id_by_name(tx, TENANT)?.ok_or_else(|| OpError::Internal("the demo tenant is missing".into()))?;
        let admin = users::first_user_with_role(tx, tenant_id, Role::AccountAdministrator.as_str())?;
        let portal = crate::store::portals::first_root(tx, tenant_id)?;
        let course = crate::store::courses::first_course(tx, tenant_id)?;
        let sample = match course {
            Some(course) => crate::store::progress::active_enrollments_of_course(tx, course)?.first().map(|(e, l)| (course, *e, *l)),
            None => None,
        };
        let path = crate::store::paths::first_path(tx, tenant_id)?;
        Ok((admin, sample, portal.zip(path)))
    })?;
    let (Some(admin), Some((course_id, enrollment_id, user_id)), Some((portal_id, learning_path_id))) = (admin, sample, portal) else {
        return Ok(None);
    };
    for key in service.integration_keys(TENANT)? {
        if key.face == crate::service::admin::Face::Aom.as_str() && key.revoked_at.is_none() {
            service.revoke_integration_key(TENANT, key.id)?;
        }
    }
    let (_, token, _) = service.create_aom_token(TENANT, AomRole::Admin, Some(&admin.to_string()))?;
    Ok(Some(AomAccess { token, course_id, learning_path_id, enrollment_id, user_id, portal_id }))
}

/// The demo tenant's id in Rhythm's paths.
pub const RHYTHM_TENANT: &str = "demo.lmsbridge.org";

/// The demo's registration process.
const RHYTHM_PROCESS: &str = "DEMO-REG-PROCESS";

/// The demo's Rhythm integration key (a new one at every start; the previous ones are revoked) and
/// the ids of a sample registration. Field names are those of the credentials file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RhythmAccess {
    pub tenant_id: String,
    pub api_key: String,
    pub registration_id: String,
    pub student_id: String,
    pub course_id: String,
    pub course_offering_id: String,
    pub process_id: String,
}

/// Revokes the demo's earlier keys of `face` and makes a new one.
fn new_key(service: &Service, face: crate::service::admin::Face) -> Result<String, OpError> {
    for key in service.integration_keys(TENANT)? {
        if key.face == face.as_str() && key.revoked_at.is_none() {
            service.revoke_integration_key(TENANT, key.id)?;
        }
    }
    Ok(service.create_integration_key(TENANT, face)?.1)
}

/// A new Rhythm key and the sample registration: the demo's first one that may be changed and
/// deleted (registered, with no order). `None` for a demo database made before the account had
/// registrations.
fn rhythm_access(service: &Service) -> Result<Option<RhythmAccess>, OpError> {
    use crate::service::registrations::RegistrationLookup;
    let api_key = new_key(service, crate::service::admin::Face::Rhythm)?;
    let credentials = crate::service::Credentials::IntegrationKey { face: "rhythm", key: api_key.clone() };
    service.db().read(|tx| {
        let principal = service.authenticate(tx, &credentials)?;
        let page = crate::service::PageRequest {
            size: Some(crate::domain::values::PageSize::parse(1000).map_err(|r| OpError::Internal(r.reason))?),
            token: None,
        };
        let all = service.registrations(tx, &principal, &RegistrationLookup::All, &page, "exclusiveStartKey")?;
        let sample = all.items.into_iter().find(|view| {
            view.registration.status == crate::domain::registration::RegistrationStatus::Registered && view.registration.order_id.is_none()
        });
        Ok(sample.map(|view| RhythmAccess {
            tenant_id: RHYTHM_TENANT.into(),
            api_key: api_key.clone(),
            registration_id: view.id,
            student_id: view.registration.student_id.to_string(),
            course_id: view.registration.course_id.to_string(),
            course_offering_id: view.registration.course_offering_id.to_string(),
            process_id: RHYTHM_PROCESS.into(),
        }))
    })
}

/// The demo's Skillable integration key (a new one at every start; the previous ones are revoked)
/// and the ids of a sample class enrollment. Field names are those of the credentials file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SkillableAccess {
    pub api_key: String,
    #[serde(rename = "classEnrollmentId")]
    pub class_enrollment_id: i64,
    #[serde(rename = "classId")]
    pub class_id: i64,
    #[serde(rename = "userId")]
    pub user_id: i64,
}

/// Revokes the demo's earlier Skillable keys and makes a new one (only digests are kept, so an old
/// key cannot be shown again); finds the first class enrollment. `None` for a demo database made
/// before the account had classes.
fn skillable_access(service: &Service) -> Result<Option<SkillableAccess>, OpError> {
    let api_key = new_key(service, crate::service::admin::Face::Skillable)?;
    let credentials = crate::service::Credentials::IntegrationKey { face: "skillable", key: api_key.clone() };
    service.db().read(|tx| {
        let principal = service.authenticate(tx, &credentials)?;
        let query = crate::service::classes::ClassEnrollmentQuery {
            order: Some((crate::store::offerings::OfferingEnrollmentOrder::Id, false)),
            ..Default::default()
        };
        let page = crate::service::classes::SearchPage { index: 0, size: 1 };
        let first = service.search_class_enrollments(tx, &principal, &query, page)?.items.into_iter().next();
        Ok(first.map(|first| SkillableAccess {
            api_key: api_key.clone(),
            class_enrollment_id: first.id,
            class_id: first.class_id,
            user_id: first.user_id,
        }))
    })
}

/// Gives the demo administrator client a new secret (the database keeps only digests, so the old
/// one cannot be shown again), issues a token, and looks the sample ids up through the service,
/// as the administrator sees them.
pub fn access(service: &Service) -> Result<Access, OpError> {
    let client_secret = service.rotate_client_secret(ADMIN_CLIENT)?;
    let token = service.issue_token_for_client(ADMIN_CLIENT)?.access_token;
    let credentials = crate::service::Credentials::Token(token.clone());
    service
        .db()
        .read(|tx| {
            let principal = service.authenticate(tx, &credentials)?;
            let mut learner = None;
            // The demo's own ids and those the store gave back are valid ids; parsing them cannot fail.
            let id = |value: &str| ExternalId::parse(value).map_err(|why| OpError::Internal(format!("the id '{value}' {}", why.reason)));
            let query = crate::service::UserQuery { logins: Some(vec![id(SAMPLE_LEARNER_LOGIN)?]), ..Default::default() };
            service.get_users(tx, &principal, &query, &mut |user| {
                learner.get_or_insert_with(|| (user.user_id.clone(), user.department_id.clone()));
                Ok(())
            })?;
            let (learner_id, department_id) =
                learner.ok_or_else(|| OpError::Internal(format!("the demo learner '{SAMPLE_LEARNER_LOGIN}' is missing")))?;
            let mut enrollment = None;
            let query = crate::service::EnrollmentQuery { learner_ids: Some(vec![id(&learner_id)?]), course_ids: None };
            service.get_enrollments(tx, &principal, &query, &mut |view| {
                enrollment.get_or_insert_with(|| (view.enrollment_id.clone(), view.course_id.clone()));
                Ok(())
            })?;
            let (enrollment_id, course_id) = enrollment
                .ok_or_else(|| OpError::Internal(format!("the demo learner '{SAMPLE_LEARNER_LOGIN}' has no active enrollment")))?;
            Ok(Access {
                token: token.clone(),
                client_id: ADMIN_CLIENT.into(),
                client_secret: client_secret.clone(),
                learner_id,
                course_id,
                enrollment_id,
                department_id,
                skillable: None,
                rhythm: None,
                aom: None,
                scim: None,
                keepnet: None,
            })
        })
        .and_then(|access| {
            let scim = Some(ScimAccess { token: new_key(service, crate::service::admin::Face::Scim)? });
            let keepnet = keepnet::access(service)?;
            Ok(Access {
                skillable: skillable_access(service)?,
                rhythm: rhythm_access(service)?,
                aom: aom_access(service)?,
                scim,
                keepnet,
                ..access
            })
        })
}

/// Loads the demo account unless the database already holds any account. Returns what it made.
pub fn load_if_empty(service: &Service) -> Result<Option<Summary>, OpError> {
    service.db().write(|tx| {
        if tenants::count_tenants(tx)? > 0 {
            return Ok(None);
        }
        load(service, tx).map(Some)
    })
}

fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"))
}

fn load(service: &Service, tx: &mut Tx<'_>) -> Result<Summary, OpError> {
    let mut rng = Seeded(0x1a5_b41d6e);
    let created = at(NaiveDate::from_ymd_opt(2025, 9, 1).expect("valid date"), 9);
    let tenant_id = tenants::insert_tenant(tx, TENANT, Some(ACCOUNT_URL), created)?;
    let mut summary = Summary::default();

    // Head Office ─┬─ Sales ─┬─ Sales East
    //              │         └─ Sales West
    //              ├─ Engineering ── Platform
    //              └─ Support
    let tree: [(&str, &str, Option<usize>); 7] = [
        ("Head Office", "HQ", None),
        ("Sales", "SALES", Some(0)),
        ("Sales East", "SALES-E", Some(1)),
        ("Sales West", "SALES-W", Some(1)),
        ("Engineering", "ENG", Some(0)),
        ("Platform", "ENG-P", Some(4)),
        ("Support", "SUP", Some(0)),
    ];
    let mut departments = Vec::new();
    for (name, code, parent) in tree {
        let external_id = rng.uuid();
        let id = departments::insert_department(
            tx,
            &NewDepartment {
                tenant_id,
                external_id: &external_id,
                parent_id: parent.map(|p| departments[p]),
                name,
                code: Some(code),
                created_at: created,
            },
        )?;
        departments.push(id);
    }
    summary.departments = departments.len();

    let password_hash = hash_password(PASSWORD);
    let mut add_user = |tx: &mut Tx<'_>, login: &str, first: &str, last: &str, department: i64, role: Role, manages: &[i64]| {
        let external_id = rng.uuid();
        let email = format!("{login}@demo.lmsbridge.test");
        users::insert_user(
            tx,
            &NewUser {
                tenant_id,
                external_id: &external_id,
                department_id: department,
                login,
                email: Some(&email),
                first_name: Some(first),
                last_name: Some(last),
                password_hash: Some(&password_hash),
                role: role.as_str(),
                status: 1,
                created_at: created,
                updated_at: created,
            },
            manages,
        )
    };
    let admin = add_user(tx, ADMIN_LOGIN, "Ada", "Admin", departments[0], Role::AccountAdministrator, &[])?;
    let sales_admin =
        add_user(tx, DEPARTMENT_ADMIN_LOGIN, "Sam", "Sales", departments[1], Role::DepartmentAdministrator, &[departments[1]])?;
    let mut learners = Vec::new();
    for (i, (first, last)) in FIRST_NAMES.iter().flat_map(|f| LAST_NAMES.iter().map(move |l| (f, l))).enumerate() {
        let login = format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('ü', "u"));
        // Spread learners over every department, more of them in the leaves.
        let department = departments[[2, 3, 5, 6, 1, 4, 2, 3, 0, 5][i % 10]];
        learners.push(add_user(tx, &login, first, last, department, Role::Learner, &[])?);
    }
    summary.users = learners.len() + 2;

    let mut courses = Vec::new();
    for title in COURSES {
        let external_id = rng.uuid();
        let default_due = rng.chance(50).then_some(24 * 30);
        courses.push(courses::insert_course(
            tx,
            &NewCourse {
                tenant_id,
                external_id: &external_id,
                title,
                subtitle: None,
                description: Some("A course of the lmsbridge demo account."),
                content_type: "course",
                default_due_period_hours: default_due,
                created_at: created,
            },
        )?);
    }
    summary.courses = courses.len();

    // Four distinct courses per learner: 200 enrollments.
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
    for (l, &learner) in learners.iter().enumerate() {
        for k in 0..4 {
            let course = courses[(l * 3 + k * 7 + (l / 10)) % courses.len()];
            let access = start + Duration::days(rng.below(300) as i64);
            let due = rng.chance(45).then(|| access + Duration::days(14 + rng.below(90) as i64));
            let lock = due.is_some() && rng.chance(50);
            let group = if rng.chance(15) { EnrollmentTypeGroup::FromCatalog } else { EnrollmentTypeGroup::AssignedByAdministrator };
            let lifecycle = match rng.below(100) {
                0..=9 => Lifecycle::Archived,
                10..=14 => Lifecycle::Deleted,
                _ => Lifecycle::Active,
            };
            let completed = rng.chance(35).then(|| at(access + Duration::days(1 + rng.below(20) as i64), 8 + rng.below(9) as u32));
            let external_id = rng.uuid();
            let enrollment = enrollments::insert_enrollment(
                tx,
                &NewEnrollment {
                    tenant_id,
                    external_id: &external_id,
                    source: "ispring",
                    learner_id: learner,
                    course_id: course,
                    access_date: at(access, 9),
                    due_date: due,
                    lock_after_due_date: lock,
                    enrollment_type_group: group.code(),
                    lifecycle: lifecycle.as_str(),
                    completion_status: if completed.is_some() { "complete" } else { "not_started" },
                    progress: if completed.is_some() { 100 } else { 0 },
                    completed_at: completed,
                    created_at: at(access, 9),
                    updated_at: completed.unwrap_or(at(access, 9)),
                },
            )?;
            summary.enrollments += 1;
            if let Some(issued) = completed {
                let certificate_id = rng.uuid();
                let offset = [0, 60, 180, -300][rng.below(4) as usize];
                let expires = rng.chance(60).then(|| issued + Duration::days(365));
                enrollments::insert_certificate(
                    tx,
                    &NewCertificate {
                        tenant_id,
                        enrollment_id: enrollment,
                        external_id: &certificate_id,
                        issued_at: issued,
                        issued_offset_minutes: offset,
                        expires_at: expires,
                        expires_offset_minutes: expires.map(|_| offset),
                    },
                )?;
                summary.certificates += 1;
            }
        }
    }

    let (class_enrollments, classes) = load_classes(service, tx, tenant_id, &courses, &learners, created)?;
    summary.class_enrollments = class_enrollments;
    summary.registrations = load_registrations(service, tx, tenant_id, &classes, &learners, created)?;
    summary.portals = load_academy(service, tx, tenant_id, &courses, &learners, (admin, sales_admin), created)?;
    let world = keepnet::build(service, tx, "")?;
    summary.keepnet_companies = world.customers.len() + 1;
    summary.keepnet_campaigns = world.campaigns.len();

    for (client_id, role, manages) in [
        (ADMIN_CLIENT, Role::AccountAdministrator, vec![]),
        (DEPARTMENT_ADMIN_CLIENT, Role::DepartmentAdministrator, vec![departments[1]]),
        (LEARNER_CLIENT, Role::Learner, vec![]),
    ] {
        let secret = random_secret();
        auth::insert_client(tx, tenant_id, client_id, &digest(&secret), role.as_str(), &manages, created)?;
        summary.client_secrets.push((client_id.to_string(), secret));
    }
    Ok(summary)
}

/// The classes of the demo (offerings of three courses, in two classrooms), its custom fields, and
/// class enrollments covering every Skillable enrollment and completion status. The enrollments
/// are made through the service, under its rules: those in force are enrollments of the course.
/// Returns how many it made, and the classes.
fn load_classes(
    service: &Service,
    tx: &mut Tx<'_>,
    tenant_id: i64,
    courses: &[i64],
    learners: &[i64],
    created: NaiveDateTime,
) -> Result<(usize, Vec<i64>), OpError> {
    use crate::domain::offering::{
        CompletionStatus as Completion, CustomFieldInput, CustomFieldType as Field, EnrollmentStatus as Status, LocationType,
    };
    use crate::domain::values::Text;
    use crate::service::classes::ClassEnrollmentInput;
    use crate::store::offerings::{self, NewClassroom, NewOffering};

    let room = |tx: &mut Tx<'_>, name: &str, location: &str, capacity: i32| {
        offerings::insert_classroom(
            tx,
            &NewClassroom { tenant_id, name, location: Some(location), capacity: Some(capacity), created_at: created },
        )
    };
    let rooms = [room(tx, "Berlin Room 1", "Berlin, Alexanderplatz 5", 16)?, room(tx, "Lisbon Studio", "Lisbon, Rua Augusta 20", 10)?];
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date");
    let classes = [
        // (course, external id, name, days after the start, location, classroom)
        (3, "WS-BER-2026-03", "Workplace Safety, Berlin, March", 0, LocationType::Classroom, Some(rooms[0])),
        (5, "NEG-LIS-2026-04", "Negotiation Skills, Lisbon, April", 35, LocationType::Classroom, Some(rooms[1])),
        (9, "FA-VIRT-2026-05", "First Aid Refresher, virtual, May", 70, LocationType::Virtual, None),
    ];
    let mut class_ids = Vec::new();
    for (course, external_id, name, offset, location, classroom) in classes {
        let starts = at(start + Duration::days(offset), 9);
        class_ids.push(offerings::insert_offering(
            tx,
            &NewOffering {
                tenant_id,
                course_id: courses[course],
                external_id: Some(external_id),
                name,
                description: Some("A class of the lmsbridge demo account."),
                starts_at: Some(starts),
                ends_at: Some(starts + Duration::hours(8)),
                location_type: Some(location.code()),
                classroom_id: classroom,
                capacity: Some(12),
                late_cancel_hours: Some(48),
                confirmation_status: 1,
                delivery_type: if location == LocationType::Virtual { 2 } else { 1 },
                created_at: created,
                updated_at: created,
            },
        )?);
    }
    // One custom field of each kind a value can take: text, a checkbox, a number, a checkbox list.
    let mut fields = Vec::new();
    for (name, data_type) in [
        ("Dietary requirements", Field::Textbox),
        ("Badge name", Field::Textbox),
        ("Safety briefing attended", Field::Checkbox),
        ("Sessions attended", Field::Number),
        ("Materials received", Field::CheckboxList),
    ] {
        fields.push(offerings::insert_custom_field(tx, tenant_id, "class_enrollment", name, data_type as i16, created)?);
    }

    let principal =
        Principal { tenant_id, role: Role::AccountAdministrator, managed_departments: Vec::new(), subject: "demo".into(), acting: None };
    let statuses = [
        (Status::Enroll, Completion::Complete),
        (Status::Enroll, Completion::Attending),
        (Status::Enroll, Completion::Unknown),
        (Status::Approve, Completion::Incomplete),
        (Status::Audit, Completion::NoShow),
        (Status::Enroll, Completion::Failed),
        (Status::Request, Completion::Unknown),
        (Status::Waitlist, Completion::Unknown),
        (Status::Cancel, Completion::Unknown),
        (Status::Deny, Completion::Unknown),
    ];
    let mut made = 0;
    let mut next_learner = 0;
    for (i, (status, completion)) in statuses.into_iter().enumerate() {
        let class_id = class_ids[i % class_ids.len()];
        // The next learner who may take this class: one in force needs a learner not enrolled in the course.
        loop {
            let user_id =
                *learners.get(next_learner).ok_or_else(|| OpError::Internal("the demo ran out of learners for its classes".into()))?;
            next_learner += 1;
            let input = ClassEnrollmentInput {
                external_id: Some(ExternalId::parse(&format!("DEMO-CE-{:02}", i + 1)).map_err(|why| OpError::Internal(why.reason))?),
                class_id,
                user_id,
                enrollment_status: status,
                completion_status: completion,
                late_cancel: status == Status::Cancel,
                retake: false,
                location_type: None,
                classroom_id: None,
                hours_spent: (completion == Completion::Complete).then_some(8),
                grade: (completion == Completion::Complete).then_some(92),
            };
            match service.create_class_enrollment(tx, &principal, &input) {
                Ok(id) if i == 0 => {
                    // The first (completed) one carries a value of every custom field.
                    let text = |v: &str| Text::parse(v).map_err(|why| OpError::Internal(why.reason));
                    let values = [
                        CustomFieldInput::Text(text("vegetarian")?),
                        CustomFieldInput::Text(text("Team lead")?),
                        CustomFieldInput::Boolean(true),
                        CustomFieldInput::Text(text("3")?),
                        CustomFieldInput::List(text("Handbook\tCertificate")?),
                    ];
                    for (field, value) in fields.iter().zip(&values) {
                        service.set_class_enrollment_custom_field(tx, &principal, id, *field, Some(value))?;
                    }
                    break;
                }
                Ok(_) => break,
                Err(OpError::Conflict { .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        made += 1;
    }
    Ok((made, class_ids))
}

/// Rhythm's side of the demo: the tenant's Rhythm id, fees on the classes (Rhythm's course
/// offerings), a registration process for their courses, an application, an event registration,
/// and registrations in every status, made through the service; the completed one has an order.
fn load_registrations(
    service: &Service,
    tx: &mut Tx<'_>,
    tenant_id: i64,
    classes: &[i64],
    learners: &[i64],
    created: NaiveDateTime,
) -> Result<usize, OpError> {
    use crate::domain::registration::{RegistrationDetails, RegistrationStatus as Status};
    use crate::service::registrations::Registration;
    use crate::store::registrations::{self as rhythm, NewProcess};

    tenants::set_rhythm_id(tx, tenant_id, Some(RHYTHM_TENANT))?;
    let principal =
        Principal { tenant_id, role: Role::AccountAdministrator, managed_departments: Vec::new(), subject: "demo".into(), acting: None };
    let internal = |why: crate::domain::values::Refused| OpError::Internal(why.reason);
    let mut offerings = Vec::new();
    for (i, class) in classes.iter().enumerate() {
        crate::store::offerings::set_fee(tx, *class, Some(250.0 + 100.0 * i as f64), Some("USD"))?;
        let course = crate::store::offerings::course_of_offering(tx, tenant_id, *class)?
            .ok_or_else(|| OpError::Internal(format!("class {class} has no course")))?;
        let offering = rhythm::first_offering_of(tx, tenant_id, course)?
            .ok_or_else(|| OpError::Internal(format!("course {course} has no offering")))?;
        offerings.push((course, offering));
    }
    let courses: Vec<i64> = offerings.iter().map(|(course, _)| *course).collect();
    rhythm::insert_process(
        tx,
        &NewProcess { tenant_id, external_id: RHYTHM_PROCESS, name: "Demo course registration", is_active: true, created_at: created },
        &courses,
    )?;
    let statuses =
        [Status::Registered, Status::Completed, Status::Attended, Status::InProgress, Status::Draft, Status::NoShow, Status::Cancelled];
    let mut made = 0;
    let mut next = learners.len();
    for (i, status) in statuses.into_iter().enumerate() {
        let (_, offering) = &offerings[i % offerings.len()];
        // The next learner (from the last) who may take this course: one in force needs a learner not holding it.
        let view = loop {
            next = next.checked_sub(1).ok_or_else(|| OpError::Internal("the demo ran out of learners for its registrations".into()))?;
            let learner = learners[next];
            let (first, last, _, email) = crate::store::users::profile_names(tx, learner)?;
            let student = crate::store::users::external_id_of(tx, learner)?;
            let registration = Registration {
                student_id: ExternalId::parse(&student).map_err(internal)?,
                course_id: ExternalId::parse(&offering.course_external_id).map_err(internal)?,
                course_offering_id: ExternalId::parse(&offering.external_id).map_err(internal)?,
                status,
                process_id: Some(ExternalId::parse(RHYTHM_PROCESS).map_err(internal)?),
                order_id: None,
                application_id: None,
                event_registration_id: None,
                name: [first.as_deref(), last.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" "),
                email_address: email,
                job_title: Some("Safety officer".into()),
                city: Some(["Berlin", "Lisbon", "Boston"][i % 3].into()),
                state: None,
                order_number: None,
                order_balance_due: None,
                order_amount_paid: None,
                order_status: None,
                order_total: None,
                training_provider_id: None,
                training_location_id: None,
                arrival_date: None,
                departure_date: None,
                date: Some(created + Duration::days(i as i64)),
                sys_locked: false,
                details: RegistrationDetails {
                    first_name: first,
                    last_name: last,
                    completion_percentage: match status {
                        Status::Completed => Some(100.0),
                        Status::InProgress => Some(40.0),
                        _ => None,
                    },
                    ..Default::default()
                },
            };
            match service.create_registration(tx, &principal, &registration) {
                Ok(view) => break view,
                Err(OpError::Conflict { .. }) => continue,
                Err(other) => return Err(other),
            }
        };
        if status == Status::Completed {
            // Paid for by an order, tied to an application and an event registration.
            let learner = crate::store::users::users_by_external_ids(tx, tenant_id, &[view.registration.student_id.as_str()])?[0].id;
            rhythm::insert_application(tx, tenant_id, "DEMO-APPLICATION", learner, created)?;
            rhythm::insert_event_registration(tx, tenant_id, "DEMO-EVENT-REGISTRATION", learner, created)?;
            let mut linked = view.registration.clone();
            linked.application_id = Some(ExternalId::parse("DEMO-APPLICATION").map_err(internal)?);
            linked.event_registration_id = Some(ExternalId::parse("DEMO-EVENT-REGISTRATION").map_err(internal)?);
            service.replace_registration(tx, &principal, &view.id, &linked, None)?;
            service.generate_order(tx, &principal, &view.id)?;
        }
        made += 1;
    }
    Ok(made)
}

/// The demo's Academy Of Mine portal tree (a portal with seats, two sub-portals, a blocked e-mail
/// domain, a portal admin), modules and a certificate policy on every course, the enrollments'
/// activity, and progress in every state, made through the service. Returns how many portals.
fn load_academy(
    service: &Service,
    tx: &mut Tx<'_>,
    tenant_id: i64,
    courses: &[i64],
    learners: &[i64],
    (admin, portal_admin): (i64, i64),
    created: NaiveDateTime,
) -> Result<usize, OpError> {
    use crate::domain::progress::{CourseStatus, ModuleStatus};
    use crate::domain::role::AomRole;
    use crate::service::progress::{CourseAction, ProgressUpdate};
    use crate::store::portals::{self, NewPortal};
    use crate::store::progress::{self as academy, NewActivity, NewModule};

    let template = academy::insert_certificate_template(tx, tenant_id, "Certificate of completion", created)?;
    const MODULES: [(&str, &str, &str, Option<i32>); 4] = [
        ("Welcome", "welcome", "text", None),
        ("Walkthrough", "walkthrough", "video", None),
        ("Check your knowledge", "check-your-knowledge", "quiz", Some(10)),
        ("Hands-on assignment", "hands-on-assignment", "assignment", Some(50)),
    ];
    for &course in courses {
        academy::set_certificate_policy(tx, course, Some(template), Some(365))?;
        let modules: Vec<NewModule<'_>> = MODULES
            .iter()
            .enumerate()
            .map(|(i, (name, slug, kind, marks))| NewModule {
                tenant_id,
                course_id: course,
                position: i as i32 + 1,
                name,
                slug,
                kind,
                total_marks: *marks,
            })
            .collect();
        academy::insert_modules(tx, &modules)?;
        let enrolled: Vec<NewActivity<'_>> = academy::active_enrollments_of_course(tx, course)?
            .into_iter()
            .map(|(_, learner)| NewActivity {
                tenant_id,
                verb: crate::domain::activity::Verb::Enrolled.as_str(),
                learner_id: learner,
                course_id: Some(course),
                learning_path_id: None,
                created_at: created,
            })
            .collect();
        academy::log(tx, &enrolled)?;
    }

    let branded = crate::store::portals::PortalSettings {
        seat_access: Some("limited".into()),
        access_permission: Some("invite_only".into()),
        brand_color: Some("#1f6feb".into()),
        body_background_color: Some("#ffffff".into()),
        body_text_color: Some("#1f2328".into()),
        header_background_color: Some("#0d1117".into()),
        primary_language: Some("en".into()),
        ..Default::default()
    };
    let portal = |tx: &mut Tx<'_>, parent, name, slug, code, seats| {
        portals::insert(
            tx,
            &NewPortal {
                tenant_id,
                parent_id: parent,
                name,
                slug,
                referral_code: Some(code),
                total_seats: seats,
                settings: branded.clone(),
                created_by: None,
            },
            created,
        )
    };
    let root = portal(tx, None, "Demo Academy", "demo-academy", "DEMO", Some(80))?;
    let sales = portal(tx, Some(root), "Sales Academy", "sales-academy", "SALES", Some(30))?;
    let engineering = portal(tx, Some(root), "Engineering Academy", "engineering-academy", "ENG", None)?;
    let every_other = |start: usize| learners.iter().skip(start).step_by(2).copied().collect::<Vec<i64>>();
    portals::add_members(tx, sales, "learner", &every_other(0), created)?;
    portals::add_members(tx, engineering, "learner", &every_other(1), created)?;
    portals::add_members(tx, sales, "portal_admin", &[portal_admin], created)?;
    portals::block_domain(tx, root, "blocked.example")?;

    // Progress in every state through the service, as the administrator does it.
    let principal = Principal {
        tenant_id,
        role: Role::AccountAdministrator,
        managed_departments: Vec::new(),
        subject: "demo".into(),
        acting: Some((admin, AomRole::Admin)),
    };
    let enrolled = academy::active_enrollments_of_course(tx, courses[0])?;
    let module_ids: Vec<i64> = academy::modules(tx, courses[0], 0)?.into_iter().map(|m| m.module_id).collect();
    for (i, (enrollment, learner)) in enrolled.iter().enumerate().take(8) {
        let update = match i % 4 {
            0 => ProgressUpdate {
                modules: vec![(module_ids[0], ModuleStatus::Completed), (module_ids[1], ModuleStatus::InProgress)],
                ..Default::default()
            },
            1 => ProgressUpdate { status: Some(CourseStatus::Completed), ..Default::default() },
            2 => ProgressUpdate {
                modules: vec![(module_ids[3], ModuleStatus::Submitted)],
                status: Some(CourseStatus::InProgress),
                ..Default::default()
            },
            _ => continue,
        };
        service.update_course_progress(tx, &principal, *enrollment, Some(*learner), &update)?;
    }
    if let Some((revoked, _)) = enrolled.get(3) {
        service.act_on_course_enrollments(tx, &principal, courses[0], &[*revoked], CourseAction::Revoke)?;
    }
    let path = crate::store::paths::insert(
        tx,
        &crate::store::paths::NewPath {
            tenant_id,
            name: "Security Foundations",
            slug: "security-foundations",
            instructions: Some("Take the courses in order."),
            certificate_template_id: Some(template),
            courses: &courses[..2],
        },
        created,
    )?;
    let path_learners: Vec<i64> = enrolled.iter().take(4).map(|(_, learner)| *learner).collect();
    service.enroll_in_path(tx, &principal, path, &path_learners, None)?;
    crate::store::paths::add_to_portal(tx, root, &[path], true)?;
    if courses.len() >= 3 {
        let onboarding = crate::store::paths::insert(
            tx,
            &crate::store::paths::NewPath {
                tenant_id,
                name: "Sales Onboarding",
                slug: "sales-onboarding",
                instructions: None,
                certificate_template_id: None,
                courses: &courses[1..3],
            },
            created,
        )?;
        crate::store::paths::add_to_portal(tx, sales, &[onboarding], false)?;
    }
    if let Some((expiring, _)) = enrolled.get(5) {
        let end = at(NaiveDate::from_ymd_opt(2027, 6, 30).expect("valid date"), 18);
        service.act_on_course_enrollments(tx, &principal, courses[0], &[*expiring], CourseAction::SetExpiry(end))?;
    }

    // A webinar of the first course with registrations in every attendance state, and a membership.
    use crate::domain::activity::WebinarStatus;
    use crate::service::progress::WebinarChange;
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date");
    let webinar = academy::insert_webinar(
        tx,
        &academy::NewWebinar { tenant_id, course_id: courses[0], name: "Live Q&A", starts_at: at(day, 15), ends_at: at(day, 16) },
    )?;
    let registered: Vec<i64> = enrolled.iter().take(6).map(|(enrollment, _)| *enrollment).collect();
    academy::register_for_webinar(tx, webinar, &registered, created)?;
    for (enrollment, word) in registered.iter().zip(["Attended", "Attended", "No Show", "Cancelled", "Partially Attended"]) {
        let status = WebinarStatus::parse(word).map_err(|r| OpError::Internal(r.reason))?;
        service.change_webinar_registrations(tx, &principal, webinar, &[*enrollment], None, &WebinarChange::Status(status))?;
    }
    if let Some(first) = registered.first() {
        let notes = crate::domain::values::Text::parse("Asked about the lab setup.").map_err(|r| OpError::Internal(r.reason))?;
        service.change_webinar_registrations(tx, &principal, webinar, &[*first], None, &WebinarChange::Notes(notes))?;
    }
    let gold = portals::insert_membership(
        tx,
        tenant_id,
        "Gold Membership",
        Some(at(NaiveDate::from_ymd_opt(2027, 12, 31).expect("valid date"), 23)),
        created,
    )?;
    for (_, learner) in enrolled.iter().take(3) {
        service.set_user_membership(tx, &principal, *learner, gold, None)?;
    }
    Ok(3)
}
