//! Contract fuzzing: Schemathesis reads the OpenAPI document the server serves at
//! /api/v1/openapi.json, generates requests for every operation in it (valid and invalid ones, then
//! stateful sequences that follow the ids responses hand out) and checks every response against the
//! document. The run is bounded (a fixed number of examples per operation) and seeded, so CI is
//! reproducible. Schemathesis is pinned in tests/schemathesis/requirements.txt and installed into
//! tests/schemathesis/.venv by tests/schemathesis/install.sh, which scripts/test runs.
//!
//! Only checks about the server's own answers run: no server error, and status code, content type,
//! headers and body as documented. Schemathesis's positive/negative data acceptance checks are left
//! out on purpose: refusing schema-valid data that a business rule rejects (an unknown course, a due
//! date before the access date) is correct here.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, spawn_app, spawn_app_with};
use lmsbridge::service::admin::Face;

/// The checks run on every response.
const CHECKS: &str =
    "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance";
/// Test cases per operation and phase: enough to reach the edge cases, small enough that the whole
/// run takes well under a minute on two cores.
const MAX_EXAMPLES: &str = "50";
/// Fixed, so that a run reproduces: the same requests in the same order against the same fixture.
const SEED: &str = "20261122";
/// A ceiling that only a hang reaches: a run normally takes 20 to 40 seconds, but with the other
/// faces' runs beside it on a loaded two-core machine one has taken four minutes.
const RUN_TIMEOUT: Duration = Duration::from_secs(900);

fn schemathesis_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis")
}

/// The mirror against its document, with the fixture's administrator (and a class of acme's, so
/// that the class routes have ids to follow).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_api_conforms_to_its_openapi_document() {
    let app = spawn_app(Backend::Sqlite).await;
    add_class(&app).await;
    let authorization = format!("Authorization: Bearer {}", app.fixture.admin_token);
    run(&app, "/api/v1/openapi.json", &authorization).await;
}

/// The Keepnet face against its own document, with a Reseller's token of the Keepnet world (a
/// reseller, its customers and their campaigns).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepnet_face_conforms_to_its_openapi_document() {
    let app = spawn_app(Backend::Sqlite).await;
    let service = app.service.clone();
    let world = tokio::task::spawn_blocking(move || service.db().write(|tx| lmsbridge::demo::keepnet::build(&service, tx, "")).unwrap())
        .await
        .unwrap();
    let issued: serde_json::Value = app
        .client
        .post(format!("{}/connect/token", app.base_url))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", world.reseller_credential.client_id.as_str()),
            ("client_secret", world.reseller_credential.client_secret.as_str()),
            ("scope", "api1"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = issued["access_token"].as_str().unwrap();
    run(&app, "/keepnet/openapi.json", &format!("Authorization: Bearer {token}")).await;
}

/// The Skillable face, inferred routes included, against its own document, with an integration key
/// of the fixture's account (and a class to enroll in, so that the stateful phase has ids to follow).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skillable_face_conforms_to_its_openapi_document() {
    let app = spawn_app_with(Backend::Sqlite, |config| config.skillable_inferred_routes = true).await;
    add_class(&app).await;
    let service = app.service.clone();
    let key = tokio::task::spawn_blocking(move || service.create_integration_key("acme", Face::Skillable).unwrap().1).await.unwrap();
    run(&app, "/skillable/openapi.json", &format!("api_key: {key}")).await;
}

/// The Rhythm face against its own document, with a key of acme's (whose Rhythm id every request's
/// path names), an offering and a registration process to refer to, and no rate limit (so every
/// generated request reaches the routes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rhythm_face_conforms_to_its_openapi_document() {
    let app = spawn_app_with(Backend::Sqlite, |config| config.rhythm_rate_limit = 0.0).await;
    add_class(&app).await;
    let service = app.service.clone();
    let key = tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<(), lmsbridge::service::OpError> {
                let tenant = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                lmsbridge::store::tenants::set_rhythm_id(tx, tenant, Some("acme.org"))?;
                let course = lmsbridge::store::courses::courses_by_external_ids(tx, tenant, &[common::fixture::COURSE_3])?[0].id;
                let process = lmsbridge::store::registrations::NewProcess {
                    tenant_id: tenant,
                    external_id: "PROC-1",
                    name: "Register",
                    is_active: true,
                    created_at: chrono::Utc::now().naive_utc(),
                };
                lmsbridge::store::registrations::insert_process(tx, &process, &[course])?;
                Ok(())
            })
            .unwrap();
        service.create_integration_key("acme", Face::Rhythm).unwrap().1
    })
    .await
    .unwrap();
    run_with(&app, "/rhythm/openapi.json", &format!("Authorization: {key}"), r#"parameters = { "path.tenantId" = "acme.org" }"#).await;
}

/// The Academy Of Mine face with an administrator's token of acme's: every route with generated
/// parameters, ids among them (a course with modules and learners, a portal offering a learning path
/// with a learner, a webinar, a membership).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aom_face_conforms_to_its_openapi_document() {
    let app = spawn_app_with(Backend::Sqlite, |config| config.rhythm_rate_limit = 0.0).await;
    let service = app.service.clone();
    let token = tokio::task::spawn_blocking(move || {
        let admin = service
            .db()
            .write(|tx| -> Result<i64, lmsbridge::service::OpError> {
                let tenant = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let now = chrono::Utc::now().naive_utc();
                let portal = lmsbridge::store::portals::NewPortal {
                    tenant_id: tenant,
                    name: "Academy",
                    slug: "academy",
                    total_seats: Some(5),
                    ..Default::default()
                };
                let portal = lmsbridge::store::portals::insert(tx, &portal, now)?;
                // A learning path the portal offers, with a learner, for the learning-path reads.
                let courses: Vec<i64> = lmsbridge::store::courses::courses_by_external_ids(tx, tenant, &["course-3", "course-2"])?
                    .iter()
                    .map(|c| c.id)
                    .collect();
                let path = lmsbridge::store::paths::NewPath {
                    tenant_id: tenant,
                    name: "Foundations",
                    slug: "foundations",
                    instructions: None,
                    certificate_template_id: None,
                    courses: &courses,
                };
                let path = lmsbridge::store::paths::insert(tx, &path, now)?;
                lmsbridge::store::paths::add_to_portal(tx, portal, &[path], true)?;
                let learner = lmsbridge::store::users::first_user_with_role(tx, tenant, "learner")?.unwrap();
                lmsbridge::store::portals::add_members(tx, portal, "learner", &[learner], now)?;
                lmsbridge::store::paths::enroll(tx, tenant, path, &[learner], now)?;
                // A webinar with a registration, and a membership, for the webinar and account routes.
                let course = lmsbridge::store::courses::courses_by_external_ids(tx, tenant, &["course-3"])?[0].id;
                let webinar = lmsbridge::store::progress::NewWebinar {
                    tenant_id: tenant,
                    course_id: course,
                    name: "Live",
                    starts_at: now,
                    ends_at: now,
                };
                let webinar = lmsbridge::store::progress::insert_webinar(tx, &webinar)?;
                let registrations: Vec<i64> =
                    lmsbridge::store::progress::active_enrollments_of_course(tx, course)?.into_iter().map(|(id, _)| id).collect();
                lmsbridge::store::progress::register_for_webinar(tx, webinar, &registrations, now)?;
                lmsbridge::store::portals::insert_membership(tx, tenant, "Gold", None, now)?;
                Ok(lmsbridge::store::users::first_user_with_role(tx, tenant, "account_administrator")?.unwrap())
            })
            .unwrap();
        service.create_aom_token("acme", lmsbridge::domain::role::AomRole::Admin, Some(&admin.to_string())).unwrap().1
    })
    .await
    .unwrap();
    run(&app, "/aom/openapi.json", &format!("Authorization: Bearer {token}")).await;
}

/// A class of acme's on course-3.
async fn add_class(app: &common::TestApp) {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<(), lmsbridge::service::OpError> {
                let now = chrono::Utc::now().naive_utc();
                let tenant = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let course = lmsbridge::store::courses::courses_by_external_ids(tx, tenant, &[common::fixture::COURSE_3])?[0].id;
                let offering = lmsbridge::store::offerings::NewOffering {
                    tenant_id: tenant,
                    course_id: course,
                    external_id: Some("C3"),
                    name: "Course Three",
                    description: None,
                    starts_at: Some(now),
                    ends_at: None,
                    location_type: None,
                    classroom_id: None,
                    capacity: None,
                    late_cancel_hours: None,
                    confirmation_status: 0,
                    delivery_type: 1,
                    created_at: now,
                    updated_at: now,
                };
                lmsbridge::store::offerings::insert_offering(tx, &offering)?;
                lmsbridge::store::offerings::insert_custom_field(tx, tenant, "class_enrollment", "Badge name", 0, now)?;
                Ok(())
            })
            .unwrap()
    })
    .await
    .unwrap();
}

/// Runs Schemathesis against the document at `schema_path` of `app`, sending `header` with every
/// request, and fails with its report when a response breaks the document.
async fn run(app: &common::TestApp, schema_path: &str, header: &str) {
    run_with(app, schema_path, header, "").await
}

/// The same, with `settings` (top-level keys of schemathesis.toml) in the configuration.
async fn run_with(app: &common::TestApp, schema_path: &str, header: &str, settings: &str) {
    let program = schemathesis_dir().join(".venv/bin/schemathesis");
    assert!(
        program.exists(),
        "Schemathesis is not installed ({} is missing): run scripts/test, or tests/schemathesis/install.sh, to install its pinned version",
        program.display()
    );

    // Everything Schemathesis would keep between runs (Hypothesis's files, its crash cache) goes to a
    // temporary directory that is removed afterwards: nothing is written into the repository, and no
    // earlier run's state changes what this one does.
    let work = tempfile::tempdir().expect("temporary directory");
    let config = work.path().join("schemathesis.toml");
    std::fs::write(&config, format!("{settings}\n[cache]\nenabled = false\n")).expect("write the Schemathesis configuration");
    let cwd = work.path().join("run");
    std::fs::create_dir(&cwd).expect("working directory");
    let output_path = work.path().join("output.txt");
    let out = File::create(&output_path).expect("output file");
    let err = out.try_clone().expect("output file");

    let schema = format!("{}{schema_path}", app.base_url);
    let mut command = Command::new(&program);
    command
        .arg("--config-file")
        .arg(&config)
        .args(["run", &schema])
        // Requests go to the spawned server only, whatever the document's `servers` may say.
        .args(["--url", &app.base_url])
        .args(["--header", header])
        .args(["--checks", CHECKS])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"])
        .args(["--generation-database", "none"])
        // The one health check that depends on the machine's speed rather than on the seed.
        .args(["--suppress-health-check", "too_slow"])
        .args(["--request-timeout", "10", "--output-truncate", "false", "--no-color"])
        .current_dir(&cwd)
        .env("HYPOTHESIS_STORAGE_DIRECTORY", work.path().join("hypothesis"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        command.env_remove(proxy);
    }
    let mut child = command.spawn().unwrap_or_else(|e| panic!("start {}: {e}", program.display()));

    // The server runs on this test's runtime: wait without blocking it.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for schemathesis") {
            break Some(status);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let output = std::fs::read_to_string(&output_path).unwrap_or_default();
    match status {
        Some(status) if status.success() => println!("{output}\nschemathesis finished in {:.1?}", started.elapsed()),
        Some(status) => panic!("schemathesis found responses that break the OpenAPI document ({status}):\n{output}"),
        None => panic!("schemathesis did not finish within {RUN_TIMEOUT:?}:\n{output}"),
    }
}
