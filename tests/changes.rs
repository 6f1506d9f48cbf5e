//! The change feed over real HTTP, on SQLite and PostgreSQL: every event type, made through the
//! JSON mirror, SOAP, SCIM and Academy Of Mine's face; commit order and dense positions; tenant
//! isolation and who may read; refused cursors and limits; ordering under concurrent writers; and
//! (in the process test) changes made by the command line and a cursor that survives a restart.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::fixture::*;
use common::soap::{find_text, request};
use common::{Backend, TestApp, spawn_app};
use diesel::prelude::*;
use lmsbridge::domain::role::AomRole;
use lmsbridge::service::admin::Face;
use lmsbridge::store::progress as academy;
use serde_json::{Value, json};

async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.request(method.parse().unwrap(), format!("{}{path}", app.base_url)).bearer_auth(token);
    if let Some(body) = body {
        let content_type = if path.starts_with("/scim/") { "application/scim+json" } else { "application/json" };
        request = request.header("Content-Type", content_type).body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// One page of the feed after `cursor`.
async fn page(app: &TestApp, token: &str, cursor: &str) -> Value {
    let (status, page) = call(app, token, "GET", &format!("/api/v1/changes?cursor={cursor}&limit=1000"), None).await;
    assert_eq!(status, 200, "{page}");
    page
}

/// Reads the feed from `cursor` until the events read satisfy `done`; returns them and the cursor
/// after them. Every page's events follow each other in position order.
async fn read_until(app: &TestApp, token: &str, cursor: &str, done: impl Fn(&[Value]) -> bool) -> (Vec<Value>, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut cursor = cursor.to_string();
    let mut events = Vec::new();
    loop {
        let page = page(app, token, &cursor).await;
        let batch = page["events"].as_array().unwrap().clone();
        let next = page["nextCursor"].as_str().unwrap().to_string();
        if batch.is_empty() {
            assert_eq!(next, cursor, "an empty page keeps the cursor");
        } else {
            assert!(next.parse::<i64>().unwrap() > cursor.parse::<i64>().unwrap());
        }
        cursor = next;
        events.extend(batch);
        if done(&events) {
            return (events, cursor);
        }
        assert!(Instant::now() < deadline, "the feed did not show what was expected; it showed {events:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The cursor after everything published so far, once the publisher has caught up (no new event
/// for half a second).
async fn end_of_feed(app: &TestApp, token: &str) -> String {
    let mut cursor = "0".to_string();
    let mut quiet_since = Instant::now();
    loop {
        let page = page(app, token, &cursor).await;
        let next = page["nextCursor"].as_str().unwrap().to_string();
        if next != cursor {
            quiet_since = Instant::now();
            cursor = next;
        } else if quiet_since.elapsed() > Duration::from_millis(500) {
            return cursor;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

/// The first event of `kind` whose data has `field` equal to `value`.
fn find<'e>(events: &'e [Value], kind: &str, field: &str, value: &str) -> &'e Value {
    events
        .iter()
        .find(|e| e["type"] == kind && e["data"][field] == value)
        .unwrap_or_else(|| panic!("no {kind} with {field} = {value} among {:?}", types(events)))
}

fn has(kind: &'static str, field: &'static str, value: String) -> impl Fn(&[Value]) -> bool {
    move |events: &[Value]| events.iter().any(|e| e["type"] == kind && e["data"][field] == value.as_str())
}

async fn soap_ok(app: &TestApp, token: &str, op: &str, inner: &str) -> String {
    let reply = app.soap(request(op, token, inner)).await;
    assert_eq!(reply.status, 200, "{op}: {}", reply.body);
    reply.body
}

fn internal_ids(app: &TestApp, sql: String) -> Vec<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    app.service
        .db()
        .read(|tx| -> Result<Vec<i64>, lmsbridge::service::OpError> {
            let rows: Vec<Id> = lmsbridge::on_conn!(tx, |c| diesel::sql_query(sql.clone()).load(c))?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        })
        .unwrap()
}

async fn every_event_type_through_the_faces(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let start = end_of_feed(&app, &t).await;

    // The JSON mirror: departments, users, groups, enrollments.
    let (status, made) = call(&app, &t, "POST", "/api/v1/departments", Some(json!({"name": "Ops", "parentDepartmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201, "{made}");
    let ops = made["departmentId"].as_str().unwrap().to_string();
    call(&app, &t, "PATCH", &format!("/api/v1/departments/{ops}"), Some(json!({"code": "OPS"}))).await;
    let (status, made) = call(
        &app,
        &t,
        "POST",
        "/api/v1/users",
        Some(json!({"login": "feed.user", "email": "feed@acme.example.test", "firstName": "Fe", "departmentId": ops})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let user = made["userId"].as_str().unwrap().to_string();
    let (status, _) = call(&app, &t, "PATCH", &format!("/api/v1/users/{user}"), Some(json!({"lastName": "Ed"}))).await;
    assert_eq!(status, 200);
    let (status, made) = call(&app, &t, "POST", "/api/v1/groups", Some(json!({"name": "Feeders", "userIds": [user]}))).await;
    assert_eq!(status, 201, "{made}");
    let group = made["groupId"].as_str().unwrap().to_string();
    let (status, _) = call(&app, &t, "PUT", &format!("/api/v1/groups/{group}/members"), Some(json!({"userIds": [HQ_LEARNER]}))).await;
    assert_eq!(status, 200);
    let (status, answer) = call(
        &app,
        &t,
        "POST",
        "/api/v1/enrollments",
        Some(json!({"courseIds": [COURSE_3], "learnerIds": [user], "dueDateType": "unlimited"})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let (events, cursor) = read_until(&app, &t, &start, has("enrollment.created", "learnerId", user.clone())).await;
    let mut all = events.clone();
    let enrollment = find(&events, "enrollment.created", "learnerId", &user)["data"]["enrollmentId"].as_str().unwrap().to_string();
    let (status, _) = call(
        &app,
        &t,
        "PATCH",
        &format!("/api/v1/enrollments/{enrollment}"),
        Some(json!({"dueDateType": "due_date", "dueDate": "2031-01-31"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, &t, "DELETE", &format!("/api/v1/enrollments/{enrollment}"), None).await;
    assert_eq!(status, 200);
    let (events, cursor) = read_until(&app, &t, &cursor, has("enrollment.deleted", "enrollmentId", enrollment.clone())).await;
    all.extend(events.clone());
    let updated = find(&events, "enrollment.updated", "enrollmentId", &enrollment);
    assert_eq!(updated["data"]["dueDate"], "2031-01-31");

    // SOAP: a user and a department, changed and deleted.
    let body = soap_ok(&app, &t, "AddUser", &format!("<login>soap.user</login><departmentId>{DEPT_EAST}</departmentId>")).await;
    let soap_user = find_text(&common::soap::body_child(&body), "userId").unwrap();
    soap_ok(&app, &t, "DeleteUser", &format!("<userId>{soap_user}</userId>")).await;
    let body = soap_ok(&app, &t, "AddDepartment", &format!("<name>Temp</name><parentDepartmentId>{DEPT_HQ}</parentDepartmentId>")).await;
    let temp = find_text(&common::soap::body_child(&body), "departmentId").unwrap();
    soap_ok(&app, &t, "DeleteDepartment", &format!("<departmentId>{temp}</departmentId>")).await;
    let (events, cursor) = read_until(&app, &t, &cursor, has("department.deleted", "departmentId", temp.clone())).await;
    all.extend(events);

    // SCIM: a user and a group, the group deleted.
    let scim = {
        let service = app.service.clone();
        tokio::task::spawn_blocking(move || service.create_integration_key("acme", Face::Scim).unwrap().1).await.unwrap()
    };
    let (status, made) = call(
        &app,
        &scim,
        "POST",
        "/scim/v2/Users",
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "scim.feed", "name": {"givenName": "Sc"}})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let scim_user = made["id"].as_str().unwrap().to_string();
    let (status, made) = call(
        &app,
        &scim,
        "POST",
        "/scim/v2/Groups",
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Scimmers", "members": [{"value": scim_user}]})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let scim_group = made["id"].as_str().unwrap().to_string();
    let (status, _) = call(&app, &scim, "DELETE", &format!("/scim/v2/Groups/{scim_group}"), None).await;
    assert_eq!(status, 204);
    let (events, cursor) = read_until(&app, &t, &cursor, has("group.deleted", "groupId", scim_group.clone())).await;
    all.extend(events);

    // Academy Of Mine: an enrollment, its progress, its completion, a certificate.
    let admin = internal_ids(
        &app,
        "SELECT id FROM app_user WHERE login = 'admin' AND tenant_id = (SELECT id FROM tenant WHERE name = 'acme')".into(),
    )[0];
    let learner = internal_ids(&app, format!("SELECT id FROM app_user WHERE external_id = '{HQ_LEARNER}'"))[0];
    let course = internal_ids(&app, format!("SELECT id FROM course WHERE external_id = '{COURSE_2}'"))[0];
    app.service
        .db()
        .write(|tx| -> Result<(), lmsbridge::service::OpError> {
            let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
            let template = academy::insert_certificate_template(tx, acme, "Completion", chrono::Utc::now().naive_utc())?;
            Ok(academy::set_certificate_policy(tx, course, Some(template), Some(365))?)
        })
        .unwrap();
    let aom = {
        let service = app.service.clone();
        tokio::task::spawn_blocking(move || service.create_aom_token("acme", AomRole::Admin, Some(&admin.to_string())).unwrap().1)
            .await
            .unwrap()
    };
    let (status, answer) =
        call(&app, &aom, "POST", &format!("/api/courses/{course}/enrollments"), Some(json!({"studentIds": [learner]}))).await;
    assert_eq!(status, 200, "{answer}");
    let registration = internal_ids(
        &app,
        format!("SELECT id FROM enrollment WHERE learner_id = {learner} AND course_id = {course} AND lifecycle = 'active'"),
    )[0];
    let progress = format!("/api/course-registrations/{registration}/progress?userId={learner}");
    let (status, answer) = call(&app, &aom, "PUT", &format!("{progress}&status=In%20Progress"), None).await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = call(&app, &aom, "PUT", &format!("{progress}&status=Completed"), None).await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = call(
        &app,
        &aom,
        "POST",
        &format!("/api/courses/{course}/enrollments/assign-certificate"),
        Some(json!({"enrollmentIds": [registration]})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (events, _) = read_until(&app, &t, &cursor, |events| {
        events
            .iter()
            .any(|e| e["type"] == "certificate.issued" && e["data"]["learnerId"] == HQ_LEARNER && e["data"]["courseId"] == COURSE_2)
    })
    .await;
    all.extend(events);

    // What each event says.
    let department = find(&all, "department.created", "departmentId", &ops);
    assert_eq!(department["data"]["parentDepartmentId"], DEPT_HQ);
    assert_eq!(find(&all, "department.updated", "departmentId", &ops)["data"]["code"], "OPS");
    let created = find(&all, "user.created", "userId", &user);
    assert_eq!((&created["data"]["login"], &created["data"]["departmentId"]), (&json!("feed.user"), &json!(ops)));
    assert_eq!(find(&all, "user.updated", "userId", &user)["data"]["lastName"], "Ed");
    find(&all, "group.created", "groupId", &group);
    assert!(all.iter().any(|e| e["type"] == "group.member_added" && e["data"] == json!({"groupId": group, "userId": user})));
    assert!(all.iter().any(|e| e["type"] == "group.member_removed" && e["data"] == json!({"groupId": group, "userId": user})));
    assert!(all.iter().any(|e| e["type"] == "group.member_added" && e["data"] == json!({"groupId": group, "userId": HQ_LEARNER})));
    let enrolled = find(&all, "enrollment.created", "enrollmentId", &enrollment);
    assert_eq!((&enrolled["data"]["courseId"], &enrolled["data"]["learnerId"]), (&json!(COURSE_3), &json!(user)));
    find(&all, "user.created", "userId", &soap_user);
    assert_eq!(find(&all, "user.deleted", "userId", &soap_user)["data"]["deleted"], true);
    find(&all, "department.created", "departmentId", &temp);
    find(&all, "user.created", "userId", &scim_user);
    find(&all, "group.created", "groupId", &scim_group);
    let aom_events: Vec<&Value> =
        all.iter().filter(|e| e["data"]["learnerId"] == HQ_LEARNER && e["data"]["courseId"] == COURSE_2).collect();
    let aom_types: Vec<&str> = aom_events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    for kind in ["enrollment.created", "progress.updated", "enrollment.completed", "certificate.issued"] {
        assert!(aom_types.contains(&kind), "{kind} in {aom_types:?}");
    }
    let completed = aom_events.iter().find(|e| e["type"] == "enrollment.completed").unwrap();
    assert_eq!((&completed["data"]["completionStatus"], &completed["data"]["progress"]), (&json!("complete"), &json!(100)));
    // (Assigning a certificate replaces any the enrollment had: the last one issued is the one it has.)
    let certificate = aom_events.iter().rfind(|e| e["type"] == "certificate.issued").unwrap();
    assert!(certificate["data"]["issuedCertificateId"].is_string() && certificate["data"]["issueDate"].is_string(), "{certificate}");

    // Every event has an id, a type the OpenAPI document lists, a UTC time; ids never repeat.
    let (_, document) = call(&app, &t, "GET", "/api/v1/openapi.json", None).await;
    let listed: Vec<Value> = document["components"]["schemas"]["ChangeEvent"]["properties"]["type"]["enum"].as_array().unwrap().clone();
    assert!(listed.contains(&json!("certificate.issued")) && listed.contains(&json!("user.deleted")), "{listed:?}");
    let mut ids = HashSet::new();
    for event in &all {
        assert!(listed.contains(&event["type"]), "{event}");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        let occurred = chrono::DateTime::parse_from_rfc3339(event["occurredAt"].as_str().unwrap()).unwrap();
        assert_eq!(occurred.offset().local_minus_utc(), 0, "{event}");
        assert!((chrono::Utc::now() - occurred.to_utc()).num_seconds().abs() < 300, "{event}");
        assert!(ids.insert(event["id"].as_str().unwrap().to_string()), "{event} twice");
    }
    // The order is the order of the changes: created before updated before deleted.
    let position = |kind: &str, field: &str, value: &str| all.iter().position(|e| e["type"] == kind && e["data"][field] == value).unwrap();
    assert!(position("user.created", "userId", &user) < position("user.updated", "userId", &user));
    assert!(
        position("enrollment.created", "enrollmentId", &enrollment) < position("enrollment.updated", "enrollmentId", &enrollment)
            && position("enrollment.updated", "enrollmentId", &enrollment) < position("enrollment.deleted", "enrollmentId", &enrollment)
    );
}

async fn tenants_and_roles(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let other = app.fixture.other_tenant_token.clone();
    let other_start = end_of_feed(&app, &other).await;
    let start = end_of_feed(&app, &t).await;
    let (status, _) = call(&app, &t, "POST", "/api/v1/users", Some(json!({"login": "only.acme", "departmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201);
    let (events, _) = read_until(&app, &t, &start, |events| events.iter().any(|e| e["data"]["login"] == "only.acme")).await;
    assert_eq!(types(&events), ["user.created"]);
    // The other account sees nothing of it, from its own cursor or from the start.
    assert_eq!(page(&app, &other, &other_start).await["events"], json!([]));
    let everything = page(&app, &other, "0").await;
    let theirs = everything["events"].as_array().unwrap();
    assert!(!theirs.is_empty(), "the other account's own fixture is in its feed");
    assert!(theirs.iter().all(|e| e["data"]["login"] != "only.acme"));
    let acme_first = page(&app, &t, "0").await;
    let acme_ids: HashSet<&str> = acme_first["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(theirs.iter().all(|e| !acme_ids.contains(e["id"].as_str().unwrap())));
    assert!(theirs.iter().any(|e| e["data"]["enrollmentId"] == E_OTHER), "{theirs:?}");

    // Only account-wide administrators read the feed.
    for token in [&app.fixture.sales_admin_token, &app.fixture.learner_token] {
        let (status, problem) = call(&app, token, "GET", "/api/v1/changes", None).await;
        assert_eq!(status, 403, "{problem}");
    }
    let (status, _) = call(&app, "forged", "GET", "/api/v1/changes", None).await;
    assert_eq!(status, 401);
    // Refused cursors and limits, with the field named.
    for (query, field, expected) in [
        ("cursor=abc", "cursor", 400),
        ("cursor=-1", "cursor", 400),
        ("limit=0", "limit", 422),
        ("limit=1001", "limit", 422),
        ("since=1", "since", 400),
    ] {
        let (status, problem) = call(&app, &t, "GET", &format!("/api/v1/changes?{query}"), None).await;
        assert_eq!(status, expected, "{query}: {problem}");
        assert!(problem.to_string().contains(field), "{query}: {problem}");
    }
    // Pages of one: each the next event, the cursor moving one event at a time.
    let (_, one) = call(&app, &t, "GET", "/api/v1/changes?limit=1", None).await;
    let (_, two) = call(&app, &t, "GET", &format!("/api/v1/changes?limit=1&cursor={}", one["nextCursor"].as_str().unwrap()), None).await;
    let (_, both) = call(&app, &t, "GET", "/api/v1/changes?limit=2", None).await;
    assert_eq!(both["events"], json!([one["events"][0], two["events"][0]]));
}

/// Writers in many concurrent transactions: every change is read once, none skipped, whatever
/// order the transactions commit in, by a reader that follows the feed all along.
async fn ordering_under_concurrent_writers(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let start = end_of_feed(&app, &t).await;
    let writers = 8;
    let each = 15;
    let reader = {
        let (client, base, t) = (app.client.clone(), app.base_url.clone(), t.clone());
        tokio::spawn(async move {
            let mut cursor = start;
            let mut seen: Vec<Value> = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(60);
            while seen.iter().filter(|e| e["data"]["login"].as_str().is_some_and(|l| l.starts_with("w-"))).count() < writers * each {
                assert!(Instant::now() < deadline, "the reader saw {} events", seen.len());
                let page: Value = client
                    .get(format!("{base}/api/v1/changes?cursor={cursor}&limit=7"))
                    .bearer_auth(&t)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                cursor = page["nextCursor"].as_str().unwrap().to_string();
                seen.extend(page["events"].as_array().unwrap().iter().cloned());
            }
            seen
        })
    };
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (client, base, t) = (app.client.clone(), app.base_url.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..each {
                let body = json!({"login": format!("w-{w}-{n}"), "departmentId": DEPT_HQ});
                let response = client.post(format!("{base}/api/v1/users")).bearer_auth(&t).json(&body).send().await.unwrap();
                assert_eq!(response.status(), 201);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let seen = reader.await.unwrap();
    let logins: Vec<&str> = seen.iter().filter_map(|e| e["data"]["login"].as_str()).filter(|l| l.starts_with("w-")).collect();
    let unique: HashSet<&&str> = logins.iter().collect();
    assert_eq!((logins.len(), unique.len()), (writers * each, writers * each), "each change read once");
    // Each writer's changes in the order it made them.
    for w in 0..writers {
        let mine: Vec<&str> = logins.iter().copied().filter(|l| l.starts_with(&format!("w-{w}-"))).collect();
        let expected: Vec<String> = (0..each).map(|n| format!("w-{w}-{n}")).collect();
        assert_eq!(mine, expected);
    }
}

on_both_backends!(every_event_type_through_the_faces, tenants_and_roles, ordering_under_concurrent_writers, cursor_across_restarts);

/// `lmsbridge serve --demo` on `database`; returns the server, the JSON API's base URL and a token.
fn start_binary(database: &str, credentials: &std::path::Path) -> (common::process::Server, String, String) {
    let server = common::process::Server::start(
        common::process::lmsbridge()
            .args(["--database-url", database, "serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1", "--credentials-file"])
            .arg(credentials)
            .stderr(std::process::Stdio::inherit()),
        |line| line.starts_with("export "),
    );
    let document: Value = serde_json::from_str(&std::fs::read_to_string(credentials).unwrap()).unwrap();
    let ispring = &document["ispring"];
    (server, ispring["jsonApi"].as_str().unwrap().to_string(), ispring["token"].as_str().unwrap().to_string())
}

/// Reads `base`'s feed from `cursor` until `done` holds for the events read.
async fn follow(base: &str, token: &str, cursor: &str, done: impl Fn(&[Value]) -> bool) -> (Vec<Value>, String) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut cursor, mut events) = (cursor.to_string(), Vec::new());
    loop {
        let page: Value =
            client.get(format!("{base}/changes?cursor={cursor}&limit=1000")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        cursor = page["nextCursor"].as_str().unwrap().to_string();
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        if done(&events) {
            return (events, cursor);
        }
        assert!(Instant::now() < deadline, "the feed showed {:?}", types(&events));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn add_user(base: &str, token: &str, login: &str, department: &str) {
    let response = reqwest::Client::new()
        .post(format!("{base}/users"))
        .bearer_auth(token)
        .json(&json!({"login": login, "departmentId": department}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

/// The command line's writes (the demo account it loads) are in the feed, and a cursor read before
/// a restart reads on after it: nothing again, nothing missed.
async fn cursor_across_restarts(backend: Backend) {
    let (_db, database) = common::TestDb::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials.json");
    let (server, base, token) = start_binary(&database, &credentials);
    let department = {
        let document: Value = serde_json::from_str(&std::fs::read_to_string(&credentials).unwrap()).unwrap();
        document["ispring"]["departmentId"].as_str().unwrap().to_string()
    };
    let loaded = |events: &[Value]| {
        ["department.created", "user.created", "enrollment.created", "certificate.issued"]
            .iter()
            .all(|kind| events.iter().any(|e| e["type"] == *kind))
    };
    let (events, _) = follow(&base, &token, "0", loaded).await;
    assert!(events.len() > 20, "the demo account's changes: {}", events.len());
    add_user(&base, &token, "before.restart", &department).await;
    let (events, cursor) = follow(&base, &token, "0", |events| events.iter().any(|e| e["data"]["login"] == "before.restart")).await;
    let before: HashSet<String> = events.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    drop(server);

    let (_server, base, token) = start_binary(&database, &credentials);
    add_user(&base, &token, "after.restart", &department).await;
    let (events, after) = follow(&base, &token, &cursor, |events| events.iter().any(|e| e["data"]["login"] == "after.restart")).await;
    assert_eq!(types(&events), ["user.created"], "{events:?}");
    assert!(!before.contains(events[0]["id"].as_str().unwrap()));
    assert!(after.parse::<i64>().unwrap() > cursor.parse::<i64>().unwrap());
    // From the start: every event once, the one before the restart before the one after.
    let (all, _) = follow(&base, &token, "0", |events| events.iter().any(|e| e["data"]["login"] == "after.restart")).await;
    let ids: HashSet<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len());
    let at = |login: &str| all.iter().position(|e| e["data"]["login"] == login).unwrap();
    assert!(at("before.restart") < at("after.restart"));
}
