//! Fills a database with a realistic account for the benchmarks: a department tree, users,
//! courses and enrollments (due dates, locks, catalog enrollments, certificates, archived and
//! deleted rows), plus the fixtures of the write workloads. Batched inserts in transactions.
//!
//!   cargo run --release --example bench-data -- --database-url bench.db --enrollments 1000000
//!
//! Prints one JSON line: the administrator token, learner ids for W1, and the W3 learners/courses.

use std::io::Write;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use clap::Parser;
use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use indicatif::{ProgressBar, ProgressStyle};
use lmsbridge::demo::Seeded;
use lmsbridge::domain::Role;
use lmsbridge::service::auth::{digest, random_secret};
use lmsbridge::service::{OpError, Service};
use lmsbridge::store::courses::{self, NewCourse};
use lmsbridge::store::departments::{self, NewDepartment};
use lmsbridge::store::enrollments::{self, NewEnrollment};
use lmsbridge::store::users::{self, NewUser};
use lmsbridge::store::{Db, PoolOptions, Tx, auth, tenants};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    #[arg(long, default_value_t = 200)]
    courses: usize,
    #[arg(long, default_value_t = 1_000_000)]
    enrollments: usize,
    /// Learners with exactly five enrollments each, whom W1 asks for (new hires, say).
    #[arg(long, default_value_t = 1_000)]
    w1_learners: usize,
    /// Learners and courses kept free of enrollments for the bulk-enrollment workload (W3).
    #[arg(long, default_value_t = 1_000)]
    w3_learners: usize,
    #[arg(long, default_value_t = 10)]
    w3_courses: usize,
    /// Learners of Academy Of Mine's big course (W9), each enrolled in it; the first 1,000 are
    /// also those W10 enrolls in one call.
    #[arg(long, default_value_t = 100_000)]
    aom_learners: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let started = Instant::now();
    let db = Db::connect(&args.database_url, &PoolOptions::default())?;
    db.migrate()?;
    let service = Service::new(db.clone(), 24 * 3600);
    let now = chrono::Utc::now().naive_utc();
    let mut rng = Seeded(42);

    // Account, 10 divisions of 10 teams, courses, users: one transaction.
    let (tenant, course_ids, learner_ids, departments_root) = db.write(|tx| -> Result<_, OpError> {
        let tenant = tenants::insert_tenant(tx, "bench", Some("https://bench.lmsbridge.test"), now)?;
        let root = departments::insert_department(
            tx,
            &NewDepartment { tenant_id: tenant, external_id: "dept-root", parent_id: None, name: "Company", code: None, created_at: now },
        )?;
        let mut departments = vec![root];
        for d in 0..10 {
            let id = format!("dept-{d}");
            let division = departments::insert_department(
                tx,
                &NewDepartment { tenant_id: tenant, external_id: &id, parent_id: Some(root), name: &id, code: None, created_at: now },
            )?;
            departments.push(division);
            for t in 0..10 {
                let id = format!("dept-{d}-{t}");
                departments.push(departments::insert_department(
                    tx,
                    &NewDepartment {
                        tenant_id: tenant,
                        external_id: &id,
                        parent_id: Some(division),
                        name: &id,
                        code: None,
                        created_at: now,
                    },
                )?);
            }
        }
        let mut course_ids = Vec::new();
        for c in 0..args.courses + args.w3_courses {
            let id = if c < args.courses { format!("course-{c:04}") } else { format!("w3-course-{:03}", c - args.courses) };
            course_ids.push(courses::insert_course(
                tx,
                &NewCourse {
                    tenant_id: tenant,
                    external_id: &id,
                    title: &id,
                    subtitle: None,
                    description: None,
                    content_type: "course",
                    default_due_period_hours: (c % 3 == 0).then_some(24 * 30),
                    created_at: now,
                },
            )?);
        }
        let mut learner_ids = Vec::new();
        for u in 0..args.users + args.w3_learners + args.w1_learners {
            let id = if u < args.users {
                format!("learner-{u:06}")
            } else if u < args.users + args.w3_learners {
                format!("w3-learner-{:05}", u - args.users)
            } else {
                format!("w1-learner-{:05}", u - args.users - args.w3_learners)
            };
            let department = departments[1 + (u % (departments.len() - 1))];
            learner_ids.push(users::insert_user(
                tx,
                &NewUser {
                    tenant_id: tenant,
                    external_id: &id,
                    department_id: department,
                    login: &id,
                    email: None,
                    first_name: None,
                    last_name: None,
                    password_hash: None,
                    role: Role::Learner.as_str(),
                    status: 1,
                    created_at: now,
                    updated_at: now,
                },
                &[],
            )?);
        }
        Ok((tenant, course_ids, learner_ids, root))
    })?;

    // Enrollments: each learner in distinct courses, committed every 20,000 rows.
    let per_learner = args.enrollments.div_ceil(args.users.max(1)).min(args.courses);
    let bar = ProgressBar::new(args.enrollments as u64)
        .with_style(ProgressStyle::with_template("enrollments {bar:40} {pos}/{len} {per_sec} eta {eta}").expect("valid template"));
    let start_day = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
    let mut made = 0usize;
    let mut learner = 0usize;
    while made < args.enrollments {
        let mut external = Vec::with_capacity(20_000);
        let mut plan = Vec::with_capacity(20_000);
        while plan.len() < 20_000 && made + plan.len() < args.enrollments {
            let offset = rng.below(args.courses as u64) as usize;
            for k in 0..per_learner {
                if plan.len() == 20_000 || made + plan.len() == args.enrollments {
                    break;
                }
                let course = course_ids[(offset + k) % args.courses];
                let access = start_day + Duration::days(rng.below(700) as i64);
                let due = (rng.below(100) < 40).then(|| access + Duration::days(7 + rng.below(120) as i64));
                let lock = due.is_some() && rng.below(2) == 0;
                let lifecycle = match rng.below(100) {
                    0..=4 => "archived",
                    5..=6 => "deleted",
                    _ => "active",
                };
                let complete = rng.below(100) < 30;
                external.push(format!("enr-{:07}", made + plan.len()));
                plan.push((learner_ids[learner], course, access, due, lock, (rng.below(100) < 15) as i16, lifecycle, complete));
            }
            learner = (learner + 1) % args.users;
        }
        let rows: Vec<NewEnrollment> = plan
            .iter()
            .zip(&external)
            .map(|(&(learner_id, course_id, access, due, lock, group, lifecycle, complete), id)| NewEnrollment {
                tenant_id: tenant,
                external_id: id,
                source: "ispring",
                learner_id,
                course_id,
                access_date: access.and_hms_opt(9, 0, 0).expect("valid time"),
                due_date: due,
                lock_after_due_date: lock,
                enrollment_type_group: group,
                lifecycle,
                completion_status: if complete { "complete" } else { "in_progress" },
                progress: if complete { 100 } else { 40 },
                completed_at: complete.then(|| (access + Duration::days(3)).and_hms_opt(15, 0, 0).expect("valid time")),
                created_at: now,
                updated_at: now,
            })
            .collect();
        db.write(|tx| -> Result<(), OpError> {
            enrollments::insert_many(tx, &rows)?;
            Ok(())
        })?;
        made += rows.len();
        bar.set_position(made as u64);
    }
    bar.finish();

    // W1's learners: five active enrollments each.
    let w1_first = args.users + args.w3_learners;
    let w1_external: Vec<String> = (0..args.w1_learners * 5).map(|i| format!("enr-w1-{i:06}")).collect();
    let w1_rows: Vec<NewEnrollment> = w1_external
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let access = start_day + Duration::days((i % 300) as i64);
            NewEnrollment {
                tenant_id: tenant,
                external_id: id,
                source: "ispring",
                learner_id: learner_ids[w1_first + i / 5],
                course_id: course_ids[(i / 5 + (i % 5) * 37) % args.courses],
                access_date: access.and_hms_opt(9, 0, 0).expect("valid time"),
                due_date: (i % 2 == 0).then(|| access + Duration::days(30)),
                lock_after_due_date: i % 4 == 0,
                enrollment_type_group: (i % 5 == 4) as i16,
                lifecycle: "active",
                completion_status: if i % 3 == 0 { "complete" } else { "in_progress" },
                progress: if i % 3 == 0 { 100 } else { 40 },
                completed_at: (i % 3 == 0).then(|| (access + Duration::days(3)).and_hms_opt(15, 0, 0).expect("valid time")),
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    db.write(|tx| -> Result<(), OpError> {
        enrollments::insert_many(tx, &w1_rows)?;
        Ok(())
    })?;
    made += w1_rows.len();

    // W9 and W10: an Academy Of Mine course with a learner in it for every `aom_learners` (a third
    // completed, a third started), and three empty courses to enroll 1,000 of them in one call.
    let aom = db.write(|tx| -> Result<(i64, Vec<i64>, Vec<i64>, i64), OpError> {
        let course = |tx: &mut Tx<'_>, id: &str| {
            courses::insert_course(
                tx,
                &NewCourse {
                    tenant_id: tenant,
                    external_id: id,
                    title: id,
                    subtitle: None,
                    description: None,
                    content_type: "course",
                    default_due_period_hours: None,
                    created_at: now,
                },
            )
        };
        let big = course(tx, "aom-course-big")?;
        let empty = (0..3).map(|n| course(tx, &format!("aom-enroll-{n}"))).collect::<Result<Vec<_>, _>>()?;
        let user = |tx: &mut Tx<'_>, id: &str, role: Role| {
            users::insert_user(
                tx,
                &NewUser {
                    tenant_id: tenant,
                    external_id: id,
                    department_id: departments_root,
                    login: id,
                    email: None,
                    first_name: Some("Aom"),
                    last_name: Some(id),
                    password_hash: None,
                    role: role.as_str(),
                    status: 1,
                    created_at: now,
                    updated_at: now,
                },
                &[],
            )
        };
        let admin = user(tx, "aom-admin", Role::AccountAdministrator)?;
        let learners =
            (0..args.aom_learners).map(|u| user(tx, &format!("aom-learner-{u:06}"), Role::Learner)).collect::<Result<Vec<_>, _>>()?;
        let external: Vec<String> = (0..learners.len()).map(|u| format!("enr-aom-{u:06}")).collect();
        for (chunk, ids) in learners.chunks(5_000).zip(external.chunks(5_000)) {
            let rows: Vec<NewEnrollment> = chunk
                .iter()
                .zip(ids)
                .enumerate()
                .map(|(i, (&learner_id, id))| NewEnrollment {
                    tenant_id: tenant,
                    external_id: id,
                    source: "aom",
                    learner_id,
                    course_id: big,
                    access_date: (start_day + Duration::days((i % 700) as i64)).and_hms_opt(9, 0, 0).expect("valid time"),
                    due_date: None,
                    lock_after_due_date: false,
                    enrollment_type_group: 0,
                    lifecycle: "active",
                    completion_status: ["not_started", "in_progress", "complete"][i % 3],
                    progress: [0, 40, 100][i % 3],
                    completed_at: (i % 3 == 2).then(|| (start_day + Duration::days(3)).and_hms_opt(15, 0, 0).expect("valid time")),
                    created_at: now,
                    updated_at: now,
                })
                .collect();
            enrollments::insert_many(tx, &rows)?;
        }
        Ok((big, empty, learners.into_iter().take(1_000).collect(), admin))
    })?;
    made += args.aom_learners;
    let (_, aom_token, _) =
        service.create_aom_token("bench", lmsbridge::domain::role::AomRole::Admin, Some(&aom.3.to_string())).map_err(|e| e.to_string())?;

    // Certificates for completed enrollments, in one statement.
    let certificates = db.write(|tx| -> Result<usize, OpError> {
        let sql = "INSERT INTO certificate (tenant_id, enrollment_id, external_id, issued_at, issued_offset_minutes, expires_at, expires_offset_minutes) \
                   SELECT tenant_id, id, 'cert-' || external_id, completed_at, 60, NULL, NULL FROM enrollment \
                   WHERE tenant_id = $1 AND completed_at IS NOT NULL";
        Ok(match tx {
            Tx::Sqlite(c) => diesel::sql_query(sql.replace("$1", "?")).bind::<BigInt, _>(tenant).execute(&mut **c)?,
            Tx::Pg(c) => diesel::sql_query(sql).bind::<BigInt, _>(tenant).execute(&mut **c)?,
        })
    })?;

    // Fresh planner statistics, as a running database would have them (autovacuum, ANALYZE).
    db.write(|tx| -> Result<(), OpError> {
        match tx {
            Tx::Sqlite(c) => diesel::sql_query("ANALYZE").execute(&mut **c)?,
            Tx::Pg(c) => diesel::sql_query("ANALYZE").execute(&mut **c)?,
        };
        Ok(())
    })?;

    // An administrator client and a token valid for a day.
    db.write(|tx| -> Result<(), OpError> {
        auth::insert_client(tx, tenant, "bench-admin", &digest(&random_secret()), Role::AccountAdministrator.as_str(), &[], now)?;
        Ok(())
    })?;
    let token = service.issue_token_for_client("bench-admin").map(|t| t.access_token).map_err(|e| e.to_string())?;

    // W5's classes and class enrollments, made through the service (its rules, its mapping onto the
    // enrollment): 20 classes of courses no W3 learner is enrolled in, and one class enrollment of
    // every W3 learner, in force or requested.
    let (_, skillable_key) =
        service.create_integration_key("bench", lmsbridge::service::admin::Face::Skillable).map_err(|e| e.to_string())?;
    let class_enrollments = db.write(|tx| -> Result<Vec<i64>, OpError> {
        use lmsbridge::domain::offering::{CompletionStatus, EnrollmentStatus};
        use lmsbridge::service::classes::ClassEnrollmentInput;
        use lmsbridge::store::offerings::{self, NewOffering};
        let mut classes = Vec::new();
        for c in 0..20 {
            let name = format!("Bench class {c:02}");
            let external_id = format!("bench-class-{c:02}");
            let starts = (start_day + Duration::days(c)).and_hms_opt(9, 0, 0).expect("valid time");
            classes.push(offerings::insert_offering(
                tx,
                &NewOffering {
                    tenant_id: tenant,
                    course_id: course_ids[c as usize],
                    external_id: Some(&external_id),
                    name: &name,
                    description: None,
                    starts_at: Some(starts),
                    ends_at: Some(starts + Duration::hours(8)),
                    location_type: Some(10),
                    classroom_id: None,
                    capacity: Some(100),
                    late_cancel_hours: Some(24),
                    confirmation_status: 1,
                    delivery_type: 1,
                    created_at: now,
                    updated_at: now,
                },
            )?);
        }
        let principal = lmsbridge::domain::Principal {
            tenant_id: tenant,
            role: Role::AccountAdministrator,
            managed_departments: Vec::new(),
            subject: "bench".into(),
            acting: None,
        };
        let mut ids = Vec::new();
        for (i, &learner) in learner_ids[args.users..args.users + args.w3_learners].iter().enumerate() {
            let input = ClassEnrollmentInput {
                external_id: None,
                class_id: classes[i % classes.len()],
                user_id: learner,
                enrollment_status: if i % 4 == 0 { EnrollmentStatus::Request } else { EnrollmentStatus::Enroll },
                completion_status: if i % 3 == 0 { CompletionStatus::Complete } else { CompletionStatus::Attending },
                late_cancel: false,
                retake: false,
                location_type: None,
                classroom_id: None,
                hours_spent: Some(8),
                grade: None,
            };
            ids.push(service.create_class_enrollment(tx, &principal, &input)?);
        }
        Ok(ids)
    })?;

    // W6 and W7's course registrations, made through the service: a draft (never in force, so it
    // clashes with no enrollment) of each of the first 2,000 W1 learners in one of the classes,
    // which are Rhythm's course offerings too.
    db.write(|tx| -> Result<(), OpError> { Ok(lmsbridge::store::tenants::set_rhythm_id(tx, tenant, Some("bench.org"))?) })?;
    let (_, rhythm_key) = service.create_integration_key("bench", lmsbridge::service::admin::Face::Rhythm).map_err(|e| e.to_string())?;
    let registrations = db.write(|tx| -> Result<Vec<(String, String)>, OpError> {
        use lmsbridge::domain::registration::{RegistrationDetails, RegistrationStatus};
        use lmsbridge::domain::values::ExternalId;
        use lmsbridge::service::registrations::Registration;
        let principal = lmsbridge::domain::Principal {
            tenant_id: tenant,
            role: Role::AccountAdministrator,
            managed_departments: Vec::new(),
            subject: "bench".into(),
            acting: None,
        };
        let id = |text: &str| ExternalId::parse(text).map_err(|why| OpError::Internal(why.reason));
        let mut made = Vec::new();
        for u in 0..args.w1_learners.min(2000) {
            let c = u % 20;
            let student = format!("w1-learner-{u:05}");
            let registration = Registration {
                student_id: id(&student)?,
                course_id: id(&format!("course-{c:04}"))?,
                course_offering_id: id(&format!("bench-class-{c:02}"))?,
                status: RegistrationStatus::Draft,
                process_id: None,
                order_id: None,
                application_id: None,
                event_registration_id: None,
                name: format!("Learner {u:05}"),
                email_address: Some(format!("w1-learner-{u:05}@bench.test")),
                job_title: None,
                city: Some("Berlin".into()),
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
                date: Some(now),
                sys_locked: false,
                details: RegistrationDetails { first_name: Some("Learner".into()), completion_percentage: Some(0.0), ..Default::default() },
            };
            made.push((service.create_registration(tx, &principal, &registration)?.id, student));
        }
        Ok(made)
    })?;

    // The Keepnet world of the demo (a reseller, its customer companies and their campaigns), for the
    // Keepnet hot read: a Company Admin credential of its first customer.
    let keepnet = db.write(|tx| lmsbridge::demo::keepnet::build(&service, tx, "Bench "))?;

    let summary = serde_json::json!({
        "keepnet_client_id": keepnet.admin_credential.client_id,
        "keepnet_client_secret": keepnet.admin_credential.client_secret,
        "rhythm_key": rhythm_key,
        "aom_token": aom_token,
        "aom_course": aom.0,
        "aom_enroll_courses": aom.1,
        "aom_students": aom.2,
        "registrations": registrations.iter().map(|(id, _)| id).collect::<Vec<_>>(),
        "registration_students": registrations.iter().map(|(_, student)| student).collect::<Vec<_>>(),
        "skillable_key": skillable_key,
        "class_enrollments": class_enrollments,
        "token": token,
        "learners": (0..args.w1_learners).map(|u| format!("w1-learner-{u:05}")).collect::<Vec<_>>(),
        "w3_learners": (0..args.w3_learners).map(|u| format!("w3-learner-{u:05}")).collect::<Vec<_>>(),
        "w3_courses": (0..args.w3_courses).map(|c| format!("w3-course-{c:03}")).collect::<Vec<_>>(),
        "enrollments": made,
        "certificates": certificates,
        "seconds": started.elapsed().as_secs_f64(),
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{summary}")?;
    eprintln!("generated {made} enrollments and {certificates} certificates in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
