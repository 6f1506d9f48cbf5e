//! Webhooks over real HTTP, on SQLite and PostgreSQL: subscriptions through the JSON mirror, and
//! every delivery received by a receiver the test starts (tests/webhooks/receiver.py), which
//! verifies each with the `standardwebhooks` library: in the feed's order, to receivers that answer,
//! fail, hang, redirect or go away and come back; dead deliveries replayed; and a restart of the
//! server resuming where it was.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use common::fixture::*;
use common::{Backend, TestApp, spawn_app_with};
use lmsbridge::config::Config;
use serde_json::{Value, json};

/// The secret the tests give their subscriptions.
fn test_secret() -> String {
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode([7u8; 32]))
}

/// The receiver: a Python HTTP server verifying deliveries with standardwebhooks, one JSON line
/// per request it got.
struct Receiver {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    /// Starts a receiver on `port` (0: any free port) that verifies with `secret`.
    fn start(port: u16, secret: &str) -> Receiver {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/webhooks");
        let python = folder.join(".venv/bin/python");
        assert!(python.exists(), "standardwebhooks is not installed: run tests/webhooks/install.sh (scripts/test does)");
        let mut child = Command::new(python)
            .arg(folder.join("receiver.py"))
            .args(["--port", &port.to_string(), "--secret", secret])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the receiver");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: Value = serde_json::from_str(&lines.next().expect("the receiver's first line").unwrap()).unwrap();
        let port = first["listening"].as_u64().expect("the receiver's port") as u16;
        let records: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = records.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(serde_json::from_str(&line).unwrap());
            }
        });
        Receiver { child, port, lines: records }
    }

    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/hook/{name}", self.port)
    }

    async fn control(&self, path: &str, body: String) {
        let response = reqwest::Client::new().post(format!("http://127.0.0.1:{}{path}", self.port)).body(body).send().await.unwrap();
        assert_eq!(response.status(), 204);
    }

    async fn mode(&self, name: &str, mode: &str) {
        self.control(&format!("/_mode/{name}/{mode}"), String::new()).await;
    }

    /// The requests `name` got, in the order they came.
    fn got(&self, name: &str) -> Vec<Value> {
        self.lines.lock().unwrap().iter().filter(|r| r["name"] == name).cloned().collect()
    }

    /// The payloads `name` accepted (answered 2xx), in order.
    fn accepted(&self, name: &str) -> Vec<Value> {
        self.got(name).into_iter().filter(|r| r["answered"] == 204).map(|r| r["payload"].clone()).collect()
    }

    async fn wait(&self, what: &str, done: impl Fn(&Receiver) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            assert!(Instant::now() < deadline, "waited in vain for {what}; the receiver got {:#?}", self.lines.lock().unwrap());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn quick_retries(config: &mut Config) {
    config.webhook_attempts = 5;
    config.webhook_backoff_ms = 150;
    config.webhook_max_backoff_ms = 2000;
    config.webhook_connect_timeout_ms = 1000;
    config.webhook_timeout_ms = 1500;
}

async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.request(method.parse().unwrap(), format!("{}{path}", app.base_url)).bearer_auth(token);
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The feed's events after `cursor`, once `count` of them are published.
async fn feed_after(app: &TestApp, token: &str, cursor: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, page) = call(app, token, "GET", &format!("/api/v1/changes?cursor={cursor}&limit=1000"), None).await;
        let events = page["events"].as_array().unwrap().clone();
        if events.len() >= count {
            return events;
        }
        assert!(Instant::now() < deadline, "only {} events: {events:?}", events.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The cursor after everything published so far, once nothing new came for half a second.
async fn end_of_feed(app: &TestApp, token: &str) -> String {
    let mut cursor = "0".to_string();
    let mut quiet_since = Instant::now();
    loop {
        let (_, page) = call(app, token, "GET", &format!("/api/v1/changes?cursor={cursor}&limit=1000"), None).await;
        let next = page["nextCursor"].as_str().unwrap().to_string();
        if next != cursor {
            (cursor, quiet_since) = (next, Instant::now());
        } else if quiet_since.elapsed() > Duration::from_millis(500) {
            return cursor;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn subscribe(app: &TestApp, url: &str, events: Value, secret: Option<&str>) -> Value {
    let mut body = json!({"url": url, "events": events});
    if let Some(secret) = secret {
        body["secret"] = json!(secret);
    }
    let (status, made) = call(app, &app.fixture.admin_token, "POST", "/api/v1/webhooks", Some(body)).await;
    assert_eq!(status, 201, "{made}");
    made
}

async fn add_users(app: &TestApp, logins: &[&str]) {
    for login in logins {
        let (status, answer) =
            call(app, &app.fixture.admin_token, "POST", "/api/v1/users", Some(json!({"login": login, "departmentId": DEPT_HQ}))).await;
        assert_eq!(status, 201, "{answer}");
    }
}

async fn deliveries(app: &TestApp, webhook: &str) -> Vec<Value> {
    let (status, list) = call(app, &app.fixture.admin_token, "GET", &format!("/api/v1/webhooks/{webhook}/deliveries"), None).await;
    assert_eq!(status, 200, "{list}");
    list["deliveries"].as_array().unwrap().clone()
}

/// A subscription's deliveries once `count` of them are recorded as delivered, or as they are after
/// ten seconds: a receiver has the body before the server records its answer.
async fn delivered(app: &TestApp, webhook: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed = deliveries(app, webhook).await;
        if listed.iter().filter(|d| d["state"] == "delivered").count() >= count || Instant::now() > deadline {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn subscriptions_and_signed_deliveries_in_order(backend: Backend) {
    let app = spawn_app_with(backend, quick_retries).await;
    let t = app.fixture.admin_token.clone();
    let secret = test_secret();
    let receiver = Receiver::start(0, &secret);
    let start = end_of_feed(&app, &t).await;

    let every = subscribe(&app, &receiver.url("every"), json!(["*"]), Some(&secret)).await;
    assert!(every["id"].as_str().unwrap().starts_with("wh_"), "{every}");
    assert_eq!((&every["secret"], &every["events"], &every["active"]), (&json!(secret), &json!(["*"]), &json!(true)));
    let users = subscribe(&app, &receiver.url("users"), json!(["user.created", "user.created"]), None).await;
    let generated = users["secret"].as_str().unwrap().to_string();
    assert!(generated.starts_with("whsec_") && generated != secret, "{users}");
    assert_eq!(users["events"], json!(["user.created"]));
    receiver.control("/_secret", generated).await;

    // Refused subscriptions name the field; nothing is made.
    for (body, field) in [
        (json!({"url": "ftp://h/x", "events": ["*"]}), "url"),
        (json!({"url": "not a url", "events": ["*"]}), "url"),
        (json!({"url": receiver.url("x"), "events": []}), "events"),
        (json!({"url": receiver.url("x"), "events": ["user.exploded"]}), "events"),
        (json!({"url": receiver.url("x"), "events": ["course_enrolled"]}), "events"),
        (json!({"url": receiver.url("x"), "events": ["*"], "secret": "hunter2"}), "secret"),
        (json!({"url": receiver.url("x"), "events": ["*"], "colour": "red"}), "colour"),
    ] {
        let (status, problem) = call(&app, &t, "POST", "/api/v1/webhooks", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {problem}");
        assert!(problem.to_string().contains(field), "{body}: {problem}");
    }
    for token in [&app.fixture.sales_admin_token, &app.fixture.learner_token] {
        let (status, _) = call(&app, token, "POST", "/api/v1/webhooks", Some(json!({"url": receiver.url("x"), "events": ["*"]}))).await;
        assert_eq!(status, 403);
    }
    let (_, list) = call(&app, &t, "GET", "/api/v1/webhooks", None).await;
    let ids: Vec<&str> = list["webhooks"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [every["id"].as_str().unwrap(), users["id"].as_str().unwrap()]);
    let (_, theirs) = call(&app, &app.fixture.other_tenant_token, "GET", "/api/v1/webhooks", None).await;
    assert_eq!(theirs["webhooks"], json!([]), "another account sees none of them");
    let (status, _) =
        call(&app, &app.fixture.other_tenant_token, "GET", &format!("/api/v1/webhooks/{}", every["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 404);

    // Changes: every one goes to `every`, in the feed's order, exactly as the feed shows it.
    add_users(&app, &["hook.a", "hook.b", "hook.c"]).await;
    let (status, _) = call(&app, &t, "POST", "/api/v1/departments", Some(json!({"name": "Hooked", "parentDepartmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201);
    add_users(&app, &["hook.d"]).await;
    let feed = feed_after(&app, &t, &start, 5).await;
    receiver.wait("every event at `every`", |r| r.accepted("every").len() >= feed.len()).await;
    assert_eq!(receiver.accepted("every"), feed, "the deliveries are the feed's events, in its order");
    receiver.wait("the user events at `users`", |r| r.accepted("users").len() >= 4).await;
    let created: Vec<Value> = feed.iter().filter(|e| e["type"] == "user.created").cloned().collect();
    assert_eq!(receiver.accepted("users"), created);
    let got = receiver.lines.lock().unwrap().clone();
    assert!(got.iter().all(|r| r["verified"] == true), "every delivery verifies: {got:#?}");
    // One webhook-id per delivery; timestamps are now.
    let mut ids: Vec<&str> = got.iter().map(|r| r["webhook_id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len());
    let now = chrono::Utc::now().timestamp();
    assert!(got.iter().all(|r| (now - r["timestamp"].as_str().unwrap().parse::<i64>().unwrap()).abs() < 120));

    let every_id = every["id"].as_str().unwrap();
    let listed = delivered(&app, every_id, feed.len()).await;
    assert_eq!(listed.len(), feed.len());
    for delivery in &listed {
        assert_eq!(
            (&delivery["state"], &delivery["attempts"], &delivery["lastStatus"]),
            (&json!("delivered"), &json!(1), &json!(204)),
            "{delivery}"
        );
    }
    let newest_first: Vec<&Value> = listed.iter().map(|d| &d["eventId"]).collect();
    let feed_ids: Vec<&Value> = feed.iter().rev().map(|e| &e["id"]).collect();
    assert_eq!(newest_first, feed_ids);
    let before = listed[1]["deliveryId"].as_i64().unwrap();
    let (_, older) = call(&app, &t, "GET", &format!("/api/v1/webhooks/{every_id}/deliveries?before={before}&limit=2"), None).await;
    assert_eq!(older["deliveries"].as_array().unwrap().len(), 2);
    assert_eq!(older["deliveries"][0], listed[2]);

    // Changed: only departments now; deleted: nothing more, and it is gone.
    let users_id = users["id"].as_str().unwrap();
    let (status, changed) =
        call(&app, &t, "PATCH", &format!("/api/v1/webhooks/{users_id}"), Some(json!({"events": ["department.created"]}))).await;
    assert_eq!((status, &changed["events"], &changed["secret"]), (200, &json!(["department.created"]), &users["secret"]));
    let (status, _) = call(&app, &t, "DELETE", &format!("/api/v1/webhooks/{every_id}"), None).await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, &t, "GET", &format!("/api/v1/webhooks/{every_id}"), None).await;
    assert_eq!(status, 404);
    let cursor = end_of_feed(&app, &t).await;
    add_users(&app, &["hook.e"]).await;
    let (status, _) = call(&app, &t, "POST", "/api/v1/departments", Some(json!({"name": "Later", "parentDepartmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201);
    feed_after(&app, &t, &cursor, 2).await;
    receiver.wait("the department at `users`", |r| r.accepted("users").len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let last = receiver.accepted("users");
    assert_eq!((last.len(), &last[4]["type"], &last[4]["data"]["name"]), (5, &json!("department.created"), &json!("Later")));
    assert_eq!(receiver.accepted("every").len(), feed.len(), "nothing after the deletion");
}

async fn receivers_that_fail_hang_redirect_or_go_away(backend: Backend) {
    let app = spawn_app_with(backend, quick_retries).await;
    let t = app.fixture.admin_token.clone();
    let secret = test_secret();
    let receiver = Receiver::start(0, &secret);
    let away = Receiver::start(0, &secret);
    let away_port = away.port;
    let start = end_of_feed(&app, &t).await;
    receiver.mode("fail", "fail").await;
    receiver.mode("hang", "hang").await;
    receiver.mode("redirect", "redirect").await;
    let failing = subscribe(&app, &receiver.url("fail"), json!(["user.created"]), Some(&secret)).await;
    subscribe(&app, &receiver.url("hang"), json!(["user.created"]), Some(&secret)).await;
    let redirected = subscribe(&app, &receiver.url("redirect"), json!(["user.created"]), Some(&secret)).await;
    let gone = subscribe(&app, &away.url("away"), json!(["user.created"]), Some(&secret)).await;
    drop(away);

    add_users(&app, &["late.a", "late.b", "late.c"]).await;
    let feed = feed_after(&app, &t, &start, 3).await;
    assert_eq!(feed.len(), 3);

    // The receiver that went away: attempts fail to connect; back on its port, it gets everything, in order.
    let gone_id = gone["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = deliveries(&app, &gone_id).await;
        if list.iter().any(|d| d["attempts"].as_i64().unwrap() >= 2) {
            let failed = list.iter().find(|d| d["attempts"].as_i64().unwrap() >= 2).unwrap();
            assert_eq!(failed["state"], "pending", "{failed}");
            assert!(failed["lastError"].as_str().unwrap().contains("connect"), "{failed}");
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt to the receiver that went away: {list:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let back = Receiver::start(away_port, &secret);
    back.wait("everything at the receiver that came back", |r| r.accepted("away").len() >= 3).await;
    assert_eq!(back.accepted("away"), feed);

    // The hanging receiver: the sender gives up on each first attempt at its timeout and tries again.
    receiver.wait("everything at the hanging receiver", |r| r.accepted("hang").len() >= 3).await;
    assert_eq!(receiver.accepted("hang"), feed);
    let answers: Vec<Value> = receiver.got("hang").iter().map(|r| r["answered"].clone()).collect();
    assert_eq!(answers, [json!("hung"), json!(204), json!("hung"), json!(204), json!("hung"), json!(204)], "in order, one at a time");

    // The failing receiver: every attempt, then dead, one event after the other; replayed once it answers.
    let failing_id = failing["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while deliveries(&app, &failing_id).await.iter().any(|d| d["state"] != "dead") {
        assert!(Instant::now() < deadline, "{:?}", deliveries(&app, &failing_id).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for delivery in deliveries(&app, &failing_id).await {
        assert_eq!((&delivery["attempts"], &delivery["lastStatus"]), (&json!(5), &json!(500)), "{delivery}");
        assert!(delivery["lastError"].as_str().unwrap().contains("500"));
    }
    let tried: Vec<Value> = receiver.got("fail").iter().map(|r| r["payload"]["id"].clone()).collect();
    let expected: Vec<Value> = feed.iter().flat_map(|e| std::iter::repeat_n(e["id"].clone(), 5)).collect();
    assert_eq!(tried, expected, "each event tried five times before the next");
    receiver.mode("fail", "ok").await;
    let (status, replayed) = call(&app, &t, "POST", &format!("/api/v1/webhooks/{failing_id}/replay"), Some(json!({}))).await;
    assert_eq!((status, &replayed["replayed"]), (200, &json!(3)), "{replayed}");
    receiver.wait("the replayed deliveries", |r| r.accepted("fail").len() >= 3).await;
    assert_eq!(receiver.accepted("fail"), feed);
    // One delivery replayed by its id; an unknown one is not found.
    let first = deliveries(&app, &failing_id).await.last().unwrap()["deliveryId"].as_i64().unwrap();
    let (status, _) = call(&app, &t, "POST", &format!("/api/v1/webhooks/{failing_id}/replay"), Some(json!({"deliveryId": first}))).await;
    assert_eq!(status, 200);
    receiver.wait("the delivery replayed again", |r| r.accepted("fail").len() >= 4).await;
    assert_eq!(receiver.accepted("fail")[3], feed[0]);
    let (status, _) = call(&app, &t, "POST", &format!("/api/v1/webhooks/{failing_id}/replay"), Some(json!({"deliveryId": 999999}))).await;
    assert_eq!(status, 404);

    // The redirecting receiver: its redirect to another host is not followed.
    let redirected_id = redirected["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while deliveries(&app, &redirected_id).await.iter().any(|d| d["state"] != "dead") {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(receiver.got("redirect").len(), 15, "one request per attempt: no redirect followed");
    let delivery = &deliveries(&app, &redirected_id).await[0];
    assert_eq!(delivery["lastStatus"], 307);
    assert!(delivery["lastError"].as_str().unwrap().contains("redirect"), "{delivery}");
    assert!(receiver.lines.lock().unwrap().iter().all(|r| r["verified"] == true));
}

/// Academy Of Mine's webhook routes: endpoints for its event words, fed by changes through any
/// face, signed the same way, with their logs.
async fn academy_of_mine_endpoints(backend: Backend) {
    let app = spawn_app_with(backend, quick_retries).await;
    let secret = test_secret();
    let receiver = Receiver::start(0, &secret);
    let ids = |sql: String| {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        app.service
            .db()
            .read(|tx| -> Result<Vec<i64>, lmsbridge::service::OpError> {
                let rows: Vec<Id> = lmsbridge::on_conn!(tx, |c| diesel::RunQueryDsl::load(diesel::sql_query(sql.clone()), c))?;
                Ok(rows.into_iter().map(|r| r.id).collect())
            })
            .unwrap()
    };
    let admin = ids("SELECT id FROM app_user WHERE login = 'admin' AND tenant_id = (SELECT id FROM tenant WHERE name = 'acme')".into())[0];
    let learner = ids(format!("SELECT id FROM app_user WHERE external_id = '{HQ_LEARNER}'"))[0];
    let course = ids(format!("SELECT id FROM course WHERE external_id = '{COURSE_2}'"))[0];
    let aom = {
        let service = app.service.clone();
        tokio::task::spawn_blocking(move || {
            service.create_aom_token("acme", lmsbridge::domain::role::AomRole::Admin, Some(&admin.to_string())).unwrap().1
        })
        .await
        .unwrap()
    };
    let t = app.fixture.admin_token.clone();
    end_of_feed(&app, &t).await;

    let (status, saved) = call(
        &app,
        &aom,
        "POST",
        "/api/webhooks",
        Some(json!({"url": receiver.url("aom"), "eventList": ["course_enrolled", "course_completed"], "secret": secret})),
    )
    .await;
    assert_eq!((status, &saved["message"], &saved["secret"]), (200, &json!("Webhook saved successfully"), &json!(secret)), "{saved}");
    let id = saved["id"].as_str().unwrap().to_string();
    for (body, field) in [
        (json!({"url": receiver.url("aom"), "eventList": ["user.created"]}), "eventList"),
        (json!({"eventList": ["course_enrolled"]}), "url"),
        (json!({"url": "gopher://x", "eventList": ["course_enrolled"]}), "url"),
        (json!({"url": receiver.url("aom")}), "eventList"),
    ] {
        let (status, refused) = call(&app, &aom, "POST", "/api/webhooks", Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {refused}");
        assert!(refused["errors"][field].is_array(), "{body}: {refused}");
    }
    let (status, list) = call(&app, &aom, "GET", "/api/webhooks", None).await;
    assert_eq!(status, 200);
    assert_eq!((list["data"].as_array().unwrap().len(), &list["data"][0]["events"]), (1, &json!("course_enrolled,course_completed")));
    let (_, mirror) = call(&app, &t, "GET", "/api/v1/webhooks", None).await;
    assert_eq!(mirror["webhooks"], json!([]), "each face lists its own endpoints");

    // Enrolled through this face, completed through it; enrolled through the JSON mirror too.
    let (status, answer) =
        call(&app, &aom, "POST", &format!("/api/courses/{course}/enrollments"), Some(json!({"studentIds": [learner]}))).await;
    assert_eq!(status, 200, "{answer}");
    let registration =
        ids(format!("SELECT id FROM enrollment WHERE learner_id = {learner} AND course_id = {course} AND lifecycle = 'active'"))[0];
    let (status, answer) =
        call(&app, &aom, "PUT", &format!("/api/course-registrations/{registration}/progress?userId={learner}&status=Completed"), None)
            .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = call(
        &app,
        &t,
        "POST",
        "/api/v1/enrollments",
        Some(json!({"courseIds": [COURSE_3], "learnerIds": [EAST_LEARNER], "dueDateType": "unlimited"})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    receiver.wait("three deliveries", |r| r.accepted("aom").len() >= 3).await;
    let got = receiver.accepted("aom");
    let events: Vec<&Value> = got.iter().map(|p| &p["event"]).collect();
    assert_eq!(events, [&json!("course_enrolled"), &json!("course_completed"), &json!("course_enrolled")]);
    // The reference's payloads: `userList` and `course` by this face's numbers, Laravel's dates.
    let east = ids(format!("SELECT id FROM app_user WHERE external_id = '{EAST_LEARNER}'"))[0];
    let course_3 = ids(format!("SELECT id FROM course WHERE external_id = '{COURSE_3}'"))[0];
    let user_of = |payload: &Value| payload["userList"][0]["id"].clone();
    assert_eq!(
        (user_of(&got[0]), &got[0]["course"]["id"], &got[0]["registration_id"]),
        (json!(learner), &json!(course), &json!(registration))
    );
    assert!(got[0]["course"]["name"].as_str().is_some_and(|name| !name.is_empty()), "{}", got[0]);
    assert!(["first_name", "last_name", "email"].iter().all(|key| got[0]["userList"][0].get(key).is_some()), "{}", got[0]);
    for (payload, key) in [(&got[0], "enrolled_at"), (&got[1], "completed_at")] {
        let at = payload[key].as_str().unwrap_or_else(|| panic!("{key} in {payload}"));
        assert!(chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").is_ok(), "{at}");
    }
    assert_eq!((user_of(&got[1]), &got[1]["registration_id"]), (json!(learner), &json!(registration)));
    assert_eq!((user_of(&got[2]), &got[2]["course"]["id"]), (json!(east), &json!(course_3)));
    assert!(got.iter().all(|p| p.get("data").is_none() && p.get("learnerId").is_none()), "no JSON mirror data: {got:#?}");
    assert!(receiver.got("aom").iter().all(|r| r["verified"] == true));

    let (status, logs) = call(&app, &aom, "GET", &format!("/api/webhooks/{id}/logs"), None).await;
    assert_eq!(status, 200, "{logs}");
    let rows = logs["data"].as_array().unwrap();
    for row in rows {
        let keys: HashSet<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, HashSet::from(["id", "event", "data", "status", "errorMessage", "created_at", "showData"]), "{row}");
    }
    // Each log row's data is what its endpoint was sent.
    assert_eq!(rows[0]["data"]["userList"], got[2]["userList"]);
    assert_eq!(rows[2]["data"]["enrolled_at"], got[0]["enrolled_at"]);
    let logged: Vec<(&Value, &Value)> = rows.iter().map(|r| (&r["event"], &r["status"])).collect();
    assert_eq!(
        logged,
        [
            (&json!("course_enrolled"), &json!("success")),
            (&json!("course_completed"), &json!("success")),
            (&json!("course_enrolled"), &json!("success"))
        ]
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
    );

    // Changed to new accounts only; then deleted.
    let (status, saved) =
        call(&app, &aom, "PUT", &format!("/api/webhooks/{id}"), Some(json!({"eventList": ["new_account_created"]}))).await;
    assert_eq!((status, &saved["message"]), (200, &json!("Webhook updated successfully")), "{saved}");
    add_users(&app, &["aom.hooked"]).await;
    receiver.wait("the new account", |r| r.accepted("aom").len() >= 4).await;
    let last = &receiver.accepted("aom")[3];
    let hooked = ids("SELECT id FROM app_user WHERE login = 'aom.hooked'".into())[0];
    assert_eq!((&last["event"], &last["id"], &last["email"]), (&json!("new_account_created"), &json!(hooked), &json!(null)));
    let registered = last["date_registered"].as_str().unwrap();
    assert!(chrono::NaiveDateTime::parse_from_str(registered, "%b %d, %Y %I:%M %p").is_ok(), "{registered}");
    assert!(last.get("first_name").is_some() && last.get("last_name").is_some(), "{last}");
    let (status, gone) = call(&app, &aom, "DELETE", &format!("/api/webhooks/{id}"), None).await;
    assert_eq!((status, &gone["message"]), (200, &json!("Webhook deleted successfully")));
    let (status, _) = call(&app, &aom, "GET", &format!("/api/webhooks/{id}/logs"), None).await;
    assert_eq!(status, 404);
}

/// Runs `sql` on the app's database.
fn execute(app: &TestApp, sql: &str) -> usize {
    use diesel::RunQueryDsl;
    app.service
        .db()
        .write(|tx| -> Result<usize, lmsbridge::service::OpError> { Ok(lmsbridge::on_conn!(tx, |c| diesel::sql_query(sql).execute(c))?) })
        .unwrap()
}

/// The retention's purge deletes old changes with their deliveries, but never one a subscription
/// has still to deliver, nor the last one (positions go on from it).
async fn retention_keeps_what_is_owed(backend: Backend) {
    let app = spawn_app_with(backend, quick_retries).await;
    let t = app.fixture.admin_token.clone();
    let secret = test_secret();
    let receiver = Receiver::start(0, &secret);
    let start = end_of_feed(&app, &t).await;
    let answered = subscribe(&app, &receiver.url("answered"), json!(["user.created"]), Some(&secret)).await;
    let answered = answered["id"].as_str().unwrap().to_string();
    add_users(&app, &["kept.not"]).await;
    receiver.wait("the first user", |r| r.accepted("answered").len() == 1).await;
    // Nothing listens on port 9: what this subscription is sent stays owed (pending, then dead).
    subscribe(&app, "http://127.0.0.1:9/owed", json!(["user.created"]), Some(&secret)).await;
    add_users(&app, &["kept.owed", "kept.last"]).await;
    receiver.wait("the other users", |r| r.accepted("answered").len() == 3).await;
    let feed = feed_after(&app, &t, &start, 3).await;
    let owed = feed.iter().find(|e| e["data"]["login"] == "kept.owed").unwrap().clone();
    let last = feed.iter().find(|e| e["data"]["login"] == "kept.last").unwrap().clone();

    assert_eq!(app.service.purge_changes(chrono::Duration::days(30)).unwrap(), 0, "nothing is old yet");
    assert_eq!(delivered(&app, &answered, 3).await.len(), 3);
    // Every change becomes 40 days old.
    assert!(execute(&app, "UPDATE change_event SET occurred_at = '2000-01-01 00:00:00'") >= 3);
    let purged = app.service.purge_changes(chrono::Duration::days(30)).unwrap();
    assert!(purged >= 1, "the fixture's changes and the first user's went: {purged}");
    let (_, page) = call(&app, &t, "GET", "/api/v1/changes?limit=1000", None).await;
    let left: Vec<&Value> = page["events"].as_array().unwrap().iter().map(|e| &e["id"]).collect();
    assert_eq!(left, [&owed["id"], &last["id"]], "left: the owed change and the last one");
    let listed = deliveries(&app, &answered).await;
    let events: Vec<&Value> = listed.iter().map(|d| &d["eventId"]).collect();
    assert_eq!(events, [&last["id"], &owed["id"]], "the purged change's delivery went with it");
    assert_eq!(app.service.purge_changes(chrono::Duration::days(30)).unwrap(), 0, "a second purge finds nothing more");

    // Positions go on after the last one, and the feed from a cursor is whole.
    let cursor = last_cursor(&page);
    add_users(&app, &["after.purge"]).await;
    let after = feed_after(&app, &t, &cursor, 1).await;
    assert_eq!(after[0]["data"]["login"], "after.purge");
    let (_, page) = call(&app, &t, "GET", &format!("/api/v1/changes?cursor={cursor}"), None).await;
    assert!(last_cursor(&page).parse::<i64>().unwrap() > cursor.parse::<i64>().unwrap());
}

fn last_cursor(page: &Value) -> String {
    page["nextCursor"].as_str().unwrap().to_string()
}

on_both_backends!(
    subscriptions_and_signed_deliveries_in_order,
    receivers_that_fail_hang_redirect_or_go_away,
    a_restart_resumes,
    academy_of_mine_endpoints,
    retention_keeps_what_is_owed
);

/// `lmsbridge serve --demo` on `database`, retrying webhooks quickly; the server, the JSON API's
/// base URL and a token.
fn start_binary(database: &str, credentials: &Path) -> (common::process::Server, String, String) {
    let server = common::process::Server::start(
        common::process::lmsbridge()
            .args(["--database-url", database, "serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1", "--credentials-file"])
            .arg(credentials)
            .env("LMSBRIDGE_WEBHOOK_BACKOFF_MS", "100")
            .env("LMSBRIDGE_WEBHOOK_MAX_BACKOFF_MS", "500")
            .env("LMSBRIDGE_WEBHOOK_ATTEMPTS", "100")
            .stderr(Stdio::inherit()),
        |line| line.starts_with("export "),
    );
    let document: Value = serde_json::from_str(&std::fs::read_to_string(credentials).unwrap()).unwrap();
    let ispring = &document["ispring"];
    (server, ispring["jsonApi"].as_str().unwrap().to_string(), ispring["token"].as_str().unwrap().to_string())
}

async fn send(method: &str, url: String, token: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new().request(method.parse().unwrap(), url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

/// A delivery sent before a restart is not sent again; those queued when the server stopped are
/// sent after it starts again, in order.
async fn a_restart_resumes(backend: Backend) {
    let (_db, database) = common::TestDb::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials.json");
    let secret = test_secret();
    let receiver = Receiver::start(0, &secret);
    let port = receiver.port;
    let (server, base, token) = start_binary(&database, &credentials);
    let department = {
        let document: Value = serde_json::from_str(&std::fs::read_to_string(&credentials).unwrap()).unwrap();
        document["ispring"]["departmentId"].as_str().unwrap().to_string()
    };
    let made = send(
        "POST",
        format!("{base}/webhooks"),
        &token,
        Some(json!({"url": receiver.url("r"), "events": ["user.created"], "secret": secret})),
    )
    .await;
    let webhook = made["id"].as_str().unwrap().to_string();
    send("POST", format!("{base}/users"), &token, Some(json!({"login": "first.one", "departmentId": department}))).await;
    receiver.wait("the first delivery", |r| r.accepted("r").len() == 1).await;
    drop(receiver);
    for login in ["second.one", "third.one", "fourth.one"] {
        send("POST", format!("{base}/users"), &token, Some(json!({"login": login, "departmentId": department}))).await;
    }
    // Wait until the server has tried (and failed) to deliver, then stop it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = send("GET", format!("{base}/webhooks/{webhook}/deliveries"), &token, None).await;
        if list["deliveries"].as_array().unwrap().iter().any(|d| d["attempts"].as_i64().unwrap() >= 1 && d["state"] == "pending") {
            break;
        }
        assert!(Instant::now() < deadline, "{list}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(server);
    let receiver = Receiver::start(port, &secret);
    let (_server, base, token) = start_binary(&database, &credentials);
    receiver.wait("the deliveries queued at the restart", |r| r.accepted("r").len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let logins: Vec<Value> = receiver.accepted("r").iter().map(|p| p["data"]["login"].clone()).collect();
    assert_eq!(logins, [json!("second.one"), json!("third.one"), json!("fourth.one")], "not the first again; the rest in order");
    let list = send("GET", format!("{base}/webhooks/{webhook}/deliveries"), &token, None).await;
    assert!(list["deliveries"].as_array().unwrap().iter().all(|d| d["state"] == "delivered"), "{list}");
}
