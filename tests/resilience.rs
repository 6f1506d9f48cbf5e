//! Faults of the environment: two servers on one PostgreSQL, a server killed in the middle of a bulk
//! enrollment, a database that goes away and comes back.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::fixture::*;
use common::soap::{self, enrollment_ids, get_enrollments, request};
use common::{Backend, Fixture, TestDb};
use lmsbridge::config::Config;
use lmsbridge::domain::Role;
use lmsbridge::service::{EnrollmentQuery, OpError, Service};
use lmsbridge::store::{Db, PoolOptions, courses, tenants, users};
use tokio::net::{TcpListener, TcpStream};

/// A `lmsbridge serve` process, killed when dropped.
struct Process {
    child: Child,
    base_url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_process(database_url: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lmsbridge"))
        .env("LMSBRIDGE_LOG", "warn")
        .args(["--database-url", database_url, "serve", "--bind", "127.0.0.1:0", "--workers", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start lmsbridge");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a banner").expect("a banner line");
    let base_url = first.split_whitespace().find(|w| w.starts_with("http://")).expect("the address in the banner").to_string();
    std::thread::spawn(move || lines.for_each(drop));
    Process { child, base_url }
}

async fn soap_to(client: &reqwest::Client, base_url: &str, body: String) -> (u16, String) {
    let response = client.post(format!("{base_url}/api/v2/soap/2.0")).header("Content-Type", "text/xml").body(body).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A database with the fixture account, and a service on it.
async fn prepared(backend: &Backend) -> (TestDb, String, Service, Fixture) {
    let (guard, url) = TestDb::create(backend);
    let service = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let db = Db::connect(&url, &PoolOptions::default()).unwrap();
            db.migrate().unwrap();
            Service::new(db, 1800)
        })
        .await
        .unwrap()
    };
    let fixture = {
        let service = service.clone();
        tokio::task::spawn_blocking(move || Fixture::load(&service)).await.unwrap()
    };
    (guard, url, service, fixture)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_share_tokens_and_never_duplicate() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("LMSBRIDGE_TEST_PG is not set: PostgreSQL run skipped");
        return;
    };
    let (_guard, url, _service, fixture) = prepared(&backend).await;
    let (a, b) = (start_process(&url), start_process(&url));
    let client = reqwest::Client::new();

    // A token issued by one server works on the other.
    let form = [
        ("client_id", fixture.admin_client_id.as_str()),
        ("client_secret", fixture.admin_client_secret.as_str()),
        ("grant_type", "client_credentials"),
    ];
    let issued: serde_json::Value =
        client.post(format!("{}/api/v3/token", a.base_url)).form(&form).send().await.unwrap().json().await.unwrap();
    let token = issued["access_token"].as_str().unwrap().to_string();
    let (status, body) = soap_to(&client, &b.base_url, get_enrollments(&token, None, Some(&[SALES_LEARNER]))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(enrollment_ids(&body), soap::sorted(&[E_PLAIN, E_DUE]));

    // The same enrollments requested 16 times at once, half on each server: each pair once.
    let enroll = request(
        "EnrollLearnersInCourses",
        &token,
        &format!(
            "{}{}<dueDateType>unlimited</dueDateType>",
            soap::ids("courseIds", &[COURSE_2, COURSE_3]),
            soap::ids("learnerIds", &[ENG_LEARNER, EAST_LEARNER, HQ_LEARNER])
        ),
    );
    let calls = (0..16).map(|i| {
        let (client, base, body) = (client.clone(), if i % 2 == 0 { a.base_url.clone() } else { b.base_url.clone() }, enroll.clone());
        tokio::spawn(async move { soap_to(&client, &base, body).await })
    });
    for call in calls {
        let (status, body) = call.await.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) =
        soap_to(&client, &a.base_url, get_enrollments(&token, Some(&[COURSE_2, COURSE_3]), Some(&[ENG_LEARNER, EAST_LEARNER, HQ_LEARNER])))
            .await;
    let mut pairs: Vec<(String, String)> =
        soap::enrollments(&body).into_iter().map(|e| (e["learnerId"].clone(), e["courseId"].clone())).collect();
    assert_eq!(pairs.len(), 6, "three learners in two courses: {pairs:?}");
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), 6, "no pair twice");
}

async fn a_killed_server_leaves_all_or_none_of_a_bulk_enrollment(backend: Backend) {
    let (_guard, url, service, fixture) = prepared(&backend).await;
    // 1,500 learners × 40 courses: a call long enough to be killed in the middle.
    let (learners, course_ids) = {
        let service = service.clone();
        tokio::task::spawn_blocking(move || {
            service
                .db()
                .write(|tx| -> Result<_, OpError> {
                    let now = chrono::Utc::now().naive_utc();
                    let tenant = tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                    let department = lmsbridge::store::departments::departments_by_external_ids(tx, tenant, &[DEPT_HQ])?[0].id;
                    let mut learners = Vec::new();
                    for i in 0..1500 {
                        let id = format!("bulk-learner-{i:04}");
                        users::insert_user(
                            tx,
                            &users::NewUser {
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
                        )?;
                        learners.push(id);
                    }
                    let mut course_ids = Vec::new();
                    for i in 0..40 {
                        let id = format!("bulk-course-{i:02}");
                        courses::insert_course(
                            tx,
                            &courses::NewCourse {
                                tenant_id: tenant,
                                external_id: &id,
                                title: &id,
                                subtitle: None,
                                description: None,
                                content_type: "course",
                                default_due_period_hours: None,
                                created_at: now,
                            },
                        )?;
                        course_ids.push(id);
                    }
                    Ok((learners, course_ids))
                })
                .unwrap()
        })
        .await
        .unwrap()
    };
    let total = learners.len() * course_ids.len();
    let process = start_process(&url);
    let ids =
        |name: &str, values: &[String]| format!("<{name}>{}</{name}>", values.iter().map(|v| format!("<id>{v}</id>")).collect::<String>());
    let body = request(
        "EnrollLearnersInCourses",
        &fixture.admin_token,
        &format!("{}{}<dueDateType>unlimited</dueDateType>", ids("courseIds", &course_ids), ids("learnerIds", &learners)),
    );
    let base = process.base_url.clone();
    let call = tokio::spawn(async move {
        reqwest::Client::new().post(format!("{base}/api/v2/soap/2.0")).header("Content-Type", "text/xml").body(body).send().await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let mut process = process;
    process.child.kill().expect("SIGKILL the server");
    let _ = process.child.wait();
    let _ = call.await;

    // What landed is all of the call's enrollments or none of them.
    let count = tokio::task::spawn_blocking(move || {
        service
            .db()
            .read(|tx| -> Result<usize, OpError> {
                let principal = service.authenticate(tx, &lmsbridge::service::Credentials::Token(SEED_TOKEN.into()))?;
                let mut count = 0;
                let ids = course_ids.iter().map(|id| lmsbridge::domain::values::ExternalId::parse(id).unwrap()).collect();
                let query = EnrollmentQuery { course_ids: Some(ids), learner_ids: None };
                service.get_enrollments(tx, &principal, &query, &mut |_| {
                    count += 1;
                    Ok(())
                })?;
                Ok(count)
            })
            .unwrap()
    })
    .await
    .unwrap();
    assert!(count == 0 || count == total, "{count} of {total} enrollments landed: a call must land whole or not at all");
    eprintln!("killed in the middle of a {total}-enrollment call: {count} landed");
}

/// The `host:port` of a PostgreSQL URL (port 5432 when absent) and where it stands in the URL.
fn address_of(url: &str) -> (String, std::ops::Range<usize>) {
    let start = url.find("://").map_or(0, |i| i + 3);
    let start = url[start..].find('@').map_or(start, |i| start + i + 1);
    let end = url[start..].find(['/', '?']).map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    let address = if authority.contains(':') { authority.to_string() } else { format!("{authority}:5432") };
    (address, start..end)
}

/// A TCP forwarder between the server and PostgreSQL that the test can cut and restore.
struct Outage {
    listen: std::net::SocketAddr,
    target: String,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Outage {
    async fn new(target: &str) -> Outage {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listen = listener.local_addr().unwrap();
        let mut outage = Outage { listen, target: target.to_string(), task: None };
        outage.serve(listener);
        outage
    }

    fn serve(&mut self, listener: TcpListener) {
        let target = self.target.clone();
        self.task = Some(tokio::spawn(async move {
            let mut links = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                links.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Drops the listener and every open link: the database is gone.
    fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    async fn restore(&mut self) {
        let listener = loop {
            match TcpListener::bind(self.listen).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.serve(listener);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_fails_fast_and_service_resumes_by_itself() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("LMSBRIDGE_TEST_PG is not set: PostgreSQL run skipped");
        return;
    };
    let (_guard, url, _service, fixture) = prepared(&backend).await;
    let (database_address, _) = address_of(&url);
    let mut outage = Outage::new(&database_address).await;
    let (_, authority) = address_of(&url);
    let proxied = format!("{}{}{}", &url[..authority.start], outage.listen, &url[authority.end..]);

    let config = Config { workers: Some(2), pool_wait_ms: 500, ..Config::default() };
    let service = {
        let (proxied, pool) = (proxied.clone(), config.pool(&proxied));
        tokio::task::spawn_blocking(move || Service::new(Db::connect(&proxied, &pool).unwrap(), 1800)).await.unwrap()
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(lmsbridge::http::serve(listener, service, &config).unwrap());
    let client = reqwest::Client::new();
    let ask = get_enrollments(&fixture.admin_token, None, Some(&[SALES_LEARNER]));
    assert_eq!(soap_to(&client, &base, ask.clone()).await.0, 200);

    outage.cut();
    let started = Instant::now();
    let (status, body) = soap_to(&client, &base, ask.clone()).await;
    assert!(started.elapsed() < Duration::from_secs(8), "failed fast: {:?}", started.elapsed());
    assert_eq!(status, 500, "{body}");
    let fault = soap::fault(&body);
    assert_eq!((fault.code.as_str(), fault.string.as_str()), ("SOAP-ENV:Server", "Service unavailable"), "{body}");
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);

    outage.restore().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _) = soap_to(&client, &base, ask.clone()).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "service did not resume after the database came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
}

on_both_backends!(a_killed_server_leaves_all_or_none_of_a_bulk_enrollment);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_in_flight_response_finish() {
    let (_guard, url, service, fixture) = prepared(&Backend::Sqlite).await;
    // Enough enrollments that the answer (about 8 MB) streams in many chunks.
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<(), OpError> {
                let now = chrono::Utc::now().naive_utc();
                let tenant = tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let learner = users::users_by_external_ids(tx, tenant, &[HQ_LEARNER])?[0].id;
                let mut rows = Vec::new();
                let ids: Vec<(String, String)> =
                    (0..20_000).map(|i| (format!("slow-course-{i:05}"), format!("slow-enrollment-{i:05}"))).collect();
                for (course_id, _) in &ids {
                    courses::insert_course(
                        tx,
                        &courses::NewCourse {
                            tenant_id: tenant,
                            external_id: course_id,
                            title: "t",
                            subtitle: None,
                            description: None,
                            content_type: "course",
                            default_due_period_hours: None,
                            created_at: now,
                        },
                    )?;
                }
                let course_rows = courses::courses_by_external_ids(tx, tenant, &ids.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>())?;
                for ((_, enrollment_id), course) in ids.iter().zip(&course_rows) {
                    rows.push(lmsbridge::store::enrollments::NewEnrollment {
                        tenant_id: tenant,
                        external_id: enrollment_id,
                        source: "ispring",
                        learner_id: learner,
                        course_id: course.id,
                        access_date: now,
                        due_date: None,
                        lock_after_due_date: false,
                        enrollment_type_group: 0,
                        lifecycle: "active",
                        completion_status: "not_started",
                        progress: 0,
                        completed_at: None,
                        created_at: now,
                        updated_at: now,
                    });
                }
                lmsbridge::store::enrollments::insert_many(tx, &rows)?;
                Ok(())
            })
            .unwrap()
    })
    .await
    .unwrap();
    let mut process = start_process(&url);
    let mut response = reqwest::Client::new()
        .post(format!("{}/api/v2/soap/2.0", process.base_url))
        .header("Content-Type", "text/xml")
        .body(get_enrollments(&fixture.admin_token, None, None))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.chunk().await.unwrap().unwrap().to_vec();

    // The server is asked to stop while the answer is still on its way: 8 MB do not fit in the
    // socket buffers, so after this pause the server is waiting for the client to read on.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = Command::new("kill").args(["-TERM", &process.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    while let Some(chunk) = response.chunk().await.unwrap() {
        tokio::time::sleep(Duration::from_millis(2)).await;
        body.extend_from_slice(&chunk);
    }
    let body = String::from_utf8(body).unwrap();
    assert_eq!(enrollment_ids(&body).len(), ACTIVE.len() + 20_000, "the whole answer arrived");
    common::assert_schema_valid(&body);

    // And then it exits, cleanly.
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = process.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    // New connections are refused once it has stopped.
    assert!(reqwest::Client::new().get(format!("{}/healthz", process.base_url)).send().await.is_err());
}
