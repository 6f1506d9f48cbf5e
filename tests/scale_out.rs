//! Two servers on one PostgreSQL database, as two processes behind a load balancer run them: each
//! with its own service, connection pool and caches. What one writes, the other reads at once (a
//! token, an enrollment, its change and its removal, a course's totals); a credential revoked
//! through one stops working on the other within the few seconds the README promises for the cache
//! of valid credentials. Runs when LMSBRIDGE_TEST_PG is set.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::config::Config;
use lmsbridge::domain::role::AomRole;
use lmsbridge::service::Service;
use lmsbridge::store::{Db, courses, users};
use reqwest::Method as M;
use serde_json::{Value, json};

/// A second server on the test app's database, with a service (and caches) of its own.
async fn second_server(app: &TestApp) -> String {
    let config = Config { workers: Some(2), ..Config::default() };
    let (url, pool, ttl) = (app.database_url.clone(), config.pool(&app.database_url), config.token_ttl_secs);
    let service = tokio::task::spawn_blocking(move || Service::new(Db::connect(&url, &pool).expect("open the database"), ttl))
        .await
        .expect("second service");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(lmsbridge::http::serve(listener, service, &config).expect("second server"));
    format!("http://127.0.0.1:{port}")
}

async fn send(client: &reqwest::Client, method: M, url: String, bearer: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = client.request(method, url).bearer_auth(bearer);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_see_each_others_writes_at_once() {
    let Some(backend @ Backend::Postgres(_)) = Backend::postgres() else {
        eprintln!("LMSBRIDGE_TEST_PG is not set: scale-out test skipped");
        return;
    };
    let app = spawn_app(backend).await;
    let (one, two) = (app.base_url.clone(), second_server(&app).await);
    let client = &app.client;

    // A token issued by one server works on the other.
    let form = [
        ("client_id", app.fixture.admin_client_id.as_str()),
        ("client_secret", app.fixture.admin_client_secret.as_str()),
        ("grant_type", "client_credentials"),
    ];
    let issued: Value = client.post(format!("{one}/api/v3/token")).form(&form).send().await.unwrap().json().await.unwrap();
    let token = issued["access_token"].as_str().expect("a token").to_string();
    let (status, listed) = send(client, M::GET, format!("{two}/api/v1/enrollments?learnerId={SALES_LEARNER}"), &token, None).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["enrollments"].as_array().unwrap().len(), 2, "{listed}");

    // An enrollment made, changed and removed through one server reads so at once on the other.
    let (status, created) =
        send(client, M::POST, format!("{one}/api/v1/users"), &token, Some(json!({"login": "scale.one", "departmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201, "{created}");
    let learner = created["userId"].as_str().unwrap().to_string();
    let enroll = json!({"courseIds": [COURSE_1], "learnerIds": [learner], "dueDateType": "default"});
    assert_eq!(send(client, M::POST, format!("{one}/api/v1/enrollments"), &token, Some(enroll)).await.0, 201);
    let (status, listed) = send(client, M::GET, format!("{two}/api/v1/enrollments?learnerId={learner}"), &token, None).await;
    assert_eq!(status, 200, "{listed}");
    let enrollment = listed["enrollments"][0]["enrollmentId"].as_str().expect("the new enrollment").to_string();
    let change = json!({"dueDateType": "due_date", "dueDate": "2030-06-30", "lockAfterDueDate": true});
    let (status, changed) = send(client, M::PATCH, format!("{one}/api/v1/enrollments/{enrollment}"), &token, Some(change)).await;
    assert!(status < 300, "{status} {changed}");
    let (status, read) = send(client, M::GET, format!("{two}/api/v1/enrollments/{enrollment}"), &token, None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!((read["dueDate"].as_str(), read["shouldLockAfterDueDate"].as_bool()), (Some("2030-06-30"), Some(true)), "{read}");
    let (status, removed) = send(client, M::DELETE, format!("{one}/api/v1/enrollments/{enrollment}"), &token, None).await;
    assert!(status < 300, "{status} {removed}");
    assert_eq!(send(client, M::GET, format!("{two}/api/v1/enrollments/{enrollment}"), &token, None).await.0, 404);

    // Academy Of Mine: a course's totals, kept by the database, count an enrollment made through
    // the other server.
    let service = app.service.clone();
    let (course, learner_key, admin) = tokio::task::spawn_blocking(move || {
        service
            .db()
            .read(|tx| -> Result<_, lmsbridge::service::OpError> {
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let course = courses::courses_by_external_ids(tx, acme, &[COURSE_3])?[0].id;
                let learner = users::live_user_key(tx, acme, ENG_LEARNER)?.unwrap();
                let admin = users::first_user_with_role(tx, acme, "account_administrator")?.unwrap();
                Ok((course, learner, admin))
            })
            .unwrap()
    })
    .await
    .unwrap();
    let service = app.service.clone();
    let (key_id, aom_token, _) =
        tokio::task::spawn_blocking(move || service.create_aom_token("acme", AomRole::Admin, Some(&admin.to_string())).unwrap())
            .await
            .unwrap();
    let learners = format!("{two}/api/courses/enrolled-learners?course_id={course}&portalId=-1&page_size=10&page_number=1");
    let (status, before) = send(client, M::GET, learners.clone(), &aom_token, None).await;
    assert_eq!(status, 200, "{before}");
    let enroll = json!({"studentIds": [learner_key], "portalId": -1});
    let (status, enrolled) = send(client, M::POST, format!("{one}/api/courses/{course}/enrollments"), &aom_token, Some(enroll)).await;
    assert!(status < 300, "{status} {enrolled}");
    let (status, after) = send(client, M::GET, learners.clone(), &aom_token, None).await;
    assert_eq!(status, 200, "{after}");
    for total in ["recordsTotal", "totalNotStarted", "recordsFiltered"] {
        assert_eq!(after[total].as_i64().unwrap(), before[total].as_i64().unwrap() + 1, "{total}: {before} then {after}");
    }

    // Keepnet: a token issued by one server searches the company's campaigns on the other.
    let service = app.service.clone();
    let world = tokio::task::spawn_blocking(move || service.db().write(|tx| lmsbridge::demo::keepnet::build(&service, tx, "")))
        .await
        .unwrap()
        .expect("the Keepnet world builds");
    let credential = &world.admin_credential;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", credential.client_id.as_str()),
        ("client_secret", credential.client_secret.as_str()),
        ("scope", "api1"),
    ];
    let issued: Value = client.post(format!("{one}/connect/token")).form(&form).send().await.unwrap().json().await.unwrap();
    let keepnet_token = issued["access_token"].as_str().expect("a Keepnet token");
    let search = json!({"pageNumber": 1, "pageSize": 10, "orderBy": "CreateTime", "ascending": false});
    let (status, found) = send(client, M::POST, format!("{two}/api/enrollments/search"), keepnet_token, Some(search)).await;
    assert_eq!(status, 200, "{found}");
    assert!(found["data"]["totalNumberOfRecords"].as_i64().unwrap() > 0, "{found}");

    // A token revoked through one server: the other, which has it cached as valid, refuses it
    // within the cache's five seconds.
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || service.revoke_integration_key("acme", key_id).unwrap()).await.unwrap();
    let revoked = Instant::now();
    loop {
        let (status, _) = send(client, M::GET, learners.clone(), &aom_token, None).await;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(revoked.elapsed() < Duration::from_millis(5500), "a revoked token still works after {:?}", revoked.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
