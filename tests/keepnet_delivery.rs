//! Keepnet's delivery over real HTTP, on SQLite and PostgreSQL: invitations through a local SMTP
//! sink (aiosmtpd) with every attempt read back through the sending report, a relay that is down
//! and comes up, one that never does; resend; Microsoft Teams notifications to a local receiver
//! that answers, refuses, hangs or goes away; reminders to those who have not completed; the
//! certificate mail of a completion made through another face; and a server killed with mail
//! queued, whose successor delivers each mail once.

mod common;

use std::collections::HashMap;
use std::future::Future;
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use common::mail::Sink;
use common::{Backend, TestApp, spawn_app_with};
use diesel::prelude::*;
use lmsbridge::domain::role::AomRole;
use lmsbridge::on_conn;
use lmsbridge::service::OpError;
use lmsbridge::store::Db;
use lmsbridge::store::schema::{app_user, course, enrollment, keepnet_assignment, outbox};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const H: &str = "X-KEEPNET-Company-Id";

/// Runs a diesel query (`c` the connection) on a `Db`, off the async workers.
macro_rules! read_db {
    ($db:expr, |$c:ident| $body:expr) => {{
        let db: Db = $db.clone();
        tokio::task::spawn_blocking(move || db.read(|tx| -> Result<_, OpError> { Ok(on_conn!(tx, |$c| $body)?) })).await.unwrap().unwrap()
    }};
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Fabrikam of the demo's Keepnet world (people, trainings, no campaigns): a JSON mirror token of
/// its administrator, a reseller's Keepnet token and Fabrikam's Company ID.
struct Setup {
    mirror: String,
    keepnet: String,
    company: String,
}

async fn setup(app: &TestApp) -> Setup {
    let service = app.service.clone();
    let (world, client) = tokio::task::spawn_blocking(move || {
        let world = service.db().write(|tx| lmsbridge::demo::keepnet::build(&service, tx, "")).expect("the Keepnet world builds");
        let client = service.create_client("Fabrikam", lmsbridge::domain::Role::AccountAdministrator, &[]).unwrap();
        (world, client)
    })
    .await
    .unwrap();
    let form = format!("grant_type=client_credentials&client_id={}&client_secret={}", client.client_id, client.client_secret);
    let mirror: Value = app
        .client
        .post(format!("{}/api/v3/token", app.base_url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let credential = &world.reseller_credential;
    let form =
        format!("grant_type=client_credentials&client_id={}&client_secret={}&scope=api1", credential.client_id, credential.client_secret);
    let keepnet: Value = app
        .client
        .post(format!("{}/connect/token", app.base_url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Setup {
        mirror: mirror["access_token"].as_str().unwrap().to_string(),
        keepnet: keepnet["access_token"].as_str().unwrap().to_string(),
        company: world.customer("Fabrikam").resource_id.clone(),
    }
}

/// Creates a campaign through the JSON mirror; returns its enrollmentId.
async fn campaign(app: &TestApp, s: &Setup, body: Value) -> String {
    let response = app
        .client
        .post(format!("{}/api/v1/keepnet/campaigns", app.base_url))
        .bearer_auth(&s.mirror)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    created["enrollmentId"].as_str().unwrap().to_string()
}

/// A Keepnet route's answer (`data`), asserted successful.
async fn keepnet(app: &TestApp, s: &Setup, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut request =
        app.client.request(method.parse().unwrap(), format!("{}{path}", app.base_url)).bearer_auth(&s.keepnet).header(H, &s.company);
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_string());
    }
    let answer: Value = request.send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["status"], "SUCCESS", "{answer}");
    answer["data"].clone()
}

/// The rows of a per-enrollment report, by the user's address (`key`).
async fn rows(app: &TestApp, s: &Setup, path: &str, key: &str) -> HashMap<String, Vec<Value>> {
    let data = keepnet(app, s, "POST", path, Some(json!({"pageNumber": 1, "pageSize": 100}))).await;
    let mut by_user: HashMap<String, Vec<Value>> = HashMap::new();
    for row in data["results"].as_array().unwrap() {
        by_user.entry(row[key].as_str().unwrap_or_default().to_string()).or_default().push(row.clone());
    }
    by_user
}

fn sending(id: &str) -> String {
    format!("/api/training-reports/{id}/sending-report/search")
}

/// Waits up to `seconds` for `check` to give a value.
async fn eventually<T, F, Fut>(what: &str, seconds: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: not within {seconds} s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn text(row: &Value, key: &str) -> String {
    row[key].as_str().unwrap_or_else(|| panic!("{key} in {row}")).to_string()
}

/// Invitations go through the relay; each attempt shows in the sending report. A relay that is
/// down leaves them queued with its error; when it comes up they are delivered, once. Resend
/// queues again, and its attempt is recorded too.
async fn invitations_are_recorded_attempt_by_attempt(backend: Backend) {
    let port = free_port();
    let app = spawn_app_with(backend, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_backoff_ms = 300;
    })
    .await;
    let s = setup(&app).await;
    let id = campaign(&app, &s, json!({"name": "Delivery", "trainingId": "phishing-101", "targetUserResourceIds": ["ada", "grace"]})).await;
    let people = ["ada@fabrikam.example", "grace@fabrikam.example"];

    // The relay is down: queued, with what went wrong.
    let refused = eventually("an attempt of each invitation recorded", 30, || async {
        let rows = rows(&app, &s, &sending(&id), "email").await;
        people.iter().all(|p| rows.get(*p).is_some_and(|r| r[0]["errorMessage"].is_string())).then_some(rows)
    })
    .await;
    for person in people {
        let row = &refused[person][0];
        assert_eq!(row["lastSendingStatus"], "In Queue", "{row}");
        assert!(!text(row, "errorMessage").is_empty(), "{row}");
        assert!(row["firstSendDate"].is_string() && row["lastSendDate"].is_string(), "{row}");
    }
    let summary = keepnet(&app, &s, "GET", &format!("/api/training-reports/{id}/summary"), None).await;
    assert_eq!(summary["reportDetail"]["emailDeliveredUserCount"], 0, "{summary}");

    // Grace's invitation is resent while it waits: the new mail replaces the waiting one.
    let queued =
        keepnet(&app, &s, "POST", &format!("/api/training-reports/{id}/sending-report/resend"), Some(json!({"selectedItems": ["grace"]})))
            .await;
    assert!(queued.is_object() || queued.is_number(), "{queued}");

    // The relay comes up where it was: each invitation is delivered, once.
    let sink = Sink::start_on(port);
    let delivered = eventually("the invitations delivered", 60, || async {
        let rows = rows(&app, &s, &sending(&id), "email").await;
        people.iter().all(|p| rows.get(*p).is_some_and(|r| r[0]["lastSendingStatus"] == "Delivered")).then_some(rows)
    })
    .await;
    for person in people {
        let row = &delivered[person][0];
        assert_eq!(row["errorMessage"], Value::Null, "{row}");
        // Times are to the second: the failed first attempt and the delivery may share one.
        assert!(text(row, "firstSendDate") <= text(row, "lastSendDate"), "{row}");
        let mail = sink.wait_for_one_to(person, Duration::from_secs(10));
        assert!(mail.contains("New training: Phishing 101"), "{mail}");
    }
    let summary = keepnet(&app, &s, "GET", &format!("/api/training-reports/{id}/summary"), None).await;
    assert_eq!(summary["reportDetail"]["emailDeliveredUserCount"], 2, "{summary}");

    // Resend to Ada: a new mail, a new attempt on her row; Grace's stays as it was.
    let before = delivered["ada@fabrikam.example"][0].clone();
    let queued =
        keepnet(&app, &s, "POST", &format!("/api/training-reports/{id}/sending-report/resend"), Some(json!({"selectedItems": ["ada"]})))
            .await;
    assert!(queued.is_object() || queued.is_number(), "{queued}");
    eventually("Ada's second mail", 30, || async { (sink.received_to("ada@fabrikam.example").len() == 2).then_some(()) }).await;
    let again = eventually("the resent invitation recorded", 10, || async {
        let rows = rows(&app, &s, &sending(&id), "email").await;
        (rows["ada@fabrikam.example"][0]["lastSendingStatus"] == "Delivered").then_some(rows)
    })
    .await;
    let ada = &again["ada@fabrikam.example"][0];
    assert_eq!(ada["firstSendDate"], before["firstSendDate"], "the first attempt stays the first");
    assert!(text(ada, "lastSendDate") >= text(&before, "lastSendDate"), "{ada}");
    assert_eq!(again["grace@fabrikam.example"][0], delivered["grace@fabrikam.example"][0]);
    let resent: i32 = read_db!(app.service.db(), |c| outbox::table
        .filter(outbox::recipient.eq("ada@fabrikam.example"))
        .filter(outbox::sent_at.is_not_null())
        .count()
        .get_result::<i64>(c))
    .try_into()
    .unwrap();
    assert_eq!(resent, 2, "the invitation and its resend, each delivered");
    assert_eq!(sink.received_to("grace@fabrikam.example").len(), 1, "the mail a resend replaced never went");
}

/// A relay that never comes up: after the last attempt the mail is failed, with the relay's error.
/// Without a Teams webhook, Teams notifications wait and say why.
async fn mail_fails_after_its_last_attempt_and_teams_waits_for_a_webhook(backend: Backend) {
    let port = free_port();
    let app = spawn_app_with(backend, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_attempts = 2;
        c.mail_backoff_ms = 100;
    })
    .await;
    let s = setup(&app).await;
    let id = campaign(
        &app,
        &s,
        json!({"name": "Never delivered", "trainingId": "phishing-101", "deliveryType": "Email & Microsoft Teams", "targetUserResourceIds": ["ada"]}),
    )
    .await;
    let failed = eventually("the invitation failed", 30, || async {
        let rows = rows(&app, &s, &sending(&id), "email").await;
        rows.get("ada@fabrikam.example").filter(|r| r[0]["lastSendingStatus"] == "Sending Error").map(|r| r[0].clone())
    })
    .await;
    assert!(!text(&failed, "errorMessage").is_empty(), "{failed}");
    assert!(text(&failed, "firstSendDate") <= text(&failed, "lastSendDate"), "two attempts: {failed}");
    let summary = keepnet(&app, &s, "GET", &format!("/api/training-reports/{id}/summary"), None).await;
    assert_eq!(summary["reportDetail"]["emailErrorUserCount"], 1, "{summary}");
    let attempts: Vec<i32> =
        read_db!(app.service.db(), |c| outbox::table.filter(outbox::recipient.eq("ada@fabrikam.example")).select(outbox::attempts).load(c));
    assert_eq!(attempts, [2], "given up after the last attempt, not tried again");

    let notifications = rows(&app, &s, &format!("/api/notifications/{id}/search"), "email").await;
    let waiting = &notifications["ada@fabrikam.example"][0];
    assert_eq!(
        (&waiting["status"], &waiting["type"], &waiting["retryCount"]),
        (&json!("Pending"), &json!("Teams"), &json!(0)),
        "{waiting}"
    );
    assert!(text(waiting, "errorMessage").contains("--teams-webhook-url"), "{waiting}");
}

/// A Teams webhook receiver: a bare HTTP/1.1 server recording each post, answering by the target
/// user it is for (`behaviour`): 200, 500, 500 once and then 200, or holding the request past
/// the sender's timeout. Dropping it closes the port: a receiver gone away.
struct Receiver {
    port: u16,
    posts: Arc<Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone, Copy)]
enum Behaviour {
    Answer,
    Refuse,
    RefuseOnce,
    Hang,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    async fn start(behaviour: fn(&str) -> Behaviour) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let posts: Arc<Mutex<Vec<Value>>> = Arc::default();
        let record = posts.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { break };
                let record = record.clone();
                connections.spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let body = loop {
                        let Ok(n) = stream.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
                            .unwrap_or(0);
                        if buffer.len() >= end + 4 + length {
                            break buffer[end + 4..end + 4 + length].to_vec();
                        }
                    };
                    let post: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let user = post["targetUserResourceId"].as_str().unwrap_or_default().to_string();
                    let earlier = {
                        let mut posts = record.lock().unwrap();
                        let earlier = posts.iter().filter(|p| p["targetUserResourceId"] == user.as_str()).count();
                        posts.push(post);
                        earlier
                    };
                    let status = match behaviour(&user) {
                        Behaviour::Answer => "200 OK",
                        Behaviour::Refuse => "500 Internal Server Error",
                        Behaviour::RefuseOnce if earlier == 0 => "500 Internal Server Error",
                        Behaviour::RefuseOnce => "200 OK",
                        Behaviour::Hang => {
                            tokio::time::sleep(Duration::from_secs(10)).await;
                            "200 OK"
                        }
                    };
                    let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    let _ = stream.write_all(answer.as_bytes()).await;
                });
            }
        });
        Receiver { port, posts, task }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/teams", self.port)
    }

    fn posts_for(&self, user: &str) -> Vec<Value> {
        self.posts.lock().unwrap().iter().filter(|p| p["targetUserResourceId"] == user).cloned().collect()
    }
}

/// Teams notifications are posted to the webhook; each attempt, and each retry, shows in the
/// notification log: delivered, refused until the retries ran out, refused once, timed out, and
/// sent to a receiver that went away.
async fn teams_notifications_are_posted_and_retried(backend: Backend) {
    let receiver = Receiver::start(|user| match user {
        "grace" => Behaviour::Refuse,
        "alan" => Behaviour::Hang,
        "edsger" => Behaviour::RefuseOnce,
        _ => Behaviour::Answer,
    })
    .await;
    let url = receiver.url();
    let app = spawn_app_with(backend, move |c| {
        c.teams_webhook_url = Some(url);
        c.webhook_backoff_ms = 100;
        c.webhook_max_backoff_ms = 300;
        c.webhook_connect_timeout_ms = 500;
        c.webhook_timeout_ms = 1000;
    })
    .await;
    let s = setup(&app).await;
    let id = campaign(
        &app,
        &s,
        json!({"name": "Teams", "trainingId": "phishing-101", "deliveryType": "Email & Microsoft Teams",
               "targetUserResourceIds": ["ada", "grace", "alan", "edsger"]}),
    )
    .await;
    let log = format!("/api/notifications/{id}/search");
    let settled = eventually("every notification sent or failed", 60, || async {
        let rows = rows(&app, &s, &log, "tenantUserId").await;
        (rows.len() == 4 && rows.values().all(|r| r[0]["status"] != "Pending")).then_some(rows)
    })
    .await;
    let row = |user: &str| settled[user][0].clone();
    let outline = |r: &Value| (r["status"].clone(), r["lastSendingStatus"].clone(), r["retryCount"].clone(), r["maxRetryCount"].clone());
    assert_eq!(outline(&row("ada")), (json!("Sent"), json!("Successful"), json!(0), json!(3)), "{}", row("ada"));
    assert_eq!(row("ada")["errorMessage"], Value::Null);
    assert_eq!(outline(&row("grace")), (json!("Failed"), json!("Not Delivered"), json!(3), json!(3)), "{}", row("grace"));
    assert!(text(&row("grace"), "errorMessage").contains("500"), "{}", row("grace"));
    assert_eq!(row("grace")["canResend"], true);
    assert_eq!(outline(&row("alan")), (json!("Failed"), json!("Not Delivered"), json!(3), json!(3)), "{}", row("alan"));
    assert!(text(&row("alan"), "errorMessage").contains("timed out"), "{}", row("alan"));
    assert_eq!(outline(&row("edsger")), (json!("Sent"), json!("Successful"), json!(1), json!(3)), "{}", row("edsger"));
    assert!(text(&row("edsger"), "firstSendDate") <= text(&row("edsger"), "lastSendDate"));
    // What the receiver got: one post per attempt, saying whom it is for and of what.
    assert_eq!(
        ["ada", "grace", "alan", "edsger"].map(|u| receiver.posts_for(u).len()),
        [1, 4, 4, 2],
        "first attempts and retries, none more"
    );
    let post = &receiver.posts_for("ada")[0];
    assert_eq!((&post["enrollmentId"], &post["email"]), (&json!(id), &json!("ada@fabrikam.example")), "{post}");
    assert_eq!(post["text"], "You have a new training: Phishing 101");

    // The receiver goes away: a new campaign's notification fails to connect, retried to the end.
    drop(receiver);
    let gone = campaign(
        &app,
        &s,
        json!({"name": "Teams again", "trainingId": "security-pulse", "enrollmentType": "Survey",
               "deliveryType": "Email & Microsoft Teams", "targetUserResourceIds": ["barbara"]}),
    )
    .await;
    let failed = eventually("the notification to a receiver gone failed", 60, || async {
        let rows = rows(&app, &s, &format!("/api/notifications/{gone}/search"), "tenantUserId").await;
        rows.get("barbara").map(|r| r[0].clone()).filter(|r| r["status"] == "Failed")
    })
    .await;
    assert_eq!(failed["retryCount"], 3, "{failed}");
    assert!(text(&failed, "errorMessage").contains("could not connect"), "{failed}");
}

fn iso(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The scheduler sends reminders, once per occurrence of the plan, to those who have not completed;
/// a completion recorded through another face (Academy Of Mine's progress route) sends the
/// certificate mail, once.
async fn reminders_and_certificates(backend: Backend) {
    let sink = Sink::start();
    let relay = sink.url();
    let app = spawn_app_with(backend, move |c| c.smtp_url = Some(relay)).await;
    let s = setup(&app).await;
    // Daily reminders; the first falls two minutes from now (the test names the scheduler's time).
    let t0 = Utc::now();
    let start = t0 - chrono::Duration::days(1) + chrono::Duration::minutes(2);
    let id = campaign(
        &app,
        &s,
        json!({"name": "Reminded", "trainingId": "phishing-101", "targetUserResourceIds": ["ada", "grace", "alan"],
               "startDate": iso(start), "dueDate": iso(t0 + chrono::Duration::days(10)), "awardCertificate": true,
               "reminder": {"periodCount": 1, "periodType": "Day", "endType": "Never"}}),
    )
    .await;
    for person in ["ada", "grace", "alan"] {
        sink.wait_for_one_to(&format!("{person}@fabrikam.example"), Duration::from_secs(30));
    }

    // Grace completes through Academy Of Mine: her certificate is issued and mailed, once.
    let service = app.service.clone();
    let token =
        tokio::task::spawn_blocking(move || service.create_aom_token("Fabrikam", AomRole::Admin, Some("grace")).unwrap().1).await.unwrap();
    let user: i64 =
        read_db!(app.service.db(), |c| app_user::table.filter(app_user::email.eq("grace@fabrikam.example")).select(app_user::id).first(c));
    let enrollment: i64 = read_db!(app.service.db(), |c| enrollment::table
        .filter(enrollment::learner_id.eq(user))
        .filter(enrollment::course_id.eq_any(course::table.filter(course::external_id.eq("phishing-101")).select(course::id)))
        .select(enrollment::id)
        .first(c));
    let response = app
        .client
        .put(format!("{}/aom/api/course-registrations/{enrollment}/progress?userId={user}&status=Completed", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{}", response.text().await.unwrap());
    let certificates = format!("/api/enrollments/{id}/certificates/search");
    let mailed = eventually("the certificate mail delivered", 30, || async {
        let rows = rows(&app, &s, &certificates, "userEmail").await;
        rows.get("grace@fabrikam.example").map(|r| r[0].clone()).filter(|r| r["status"] == "Delivered")
    })
    .await;
    assert!(mailed["firstSendTime"].is_string() && mailed["sentDate"].is_string(), "{mailed}");
    assert_eq!(rows(&app, &s, &certificates, "userEmail").await.len(), 1, "the others have not completed");
    let certificate_mails = || sink.received_to("grace@fabrikam.example").into_iter().filter(|m| m.contains("Your certificate")).count();
    eventually("the certificate mail received", 10, || async { (certificate_mails() == 1).then_some(()) }).await;

    // The first occurrence, at a time the test names: a reminder to Ada and Alan, not to Grace.
    let schedule = |at: chrono::DateTime<Utc>| {
        let service = app.service.clone();
        async move { tokio::task::spawn_blocking(move || service.keepnet_schedule(at.naive_utc()).unwrap()).await.unwrap() }
    };
    let first = t0 + chrono::Duration::hours(1);
    assert_eq!(schedule(first).await.reminders, 2);
    assert_eq!(schedule(first).await.reminders, 0, "an occurrence is sent once");
    let reminders = format!("/api/training-reports/{id}/reminder-mails/search");
    let sent = eventually("the reminders delivered", 30, || async {
        let rows = rows(&app, &s, &reminders, "email").await;
        (rows.len() == 2 && rows.values().all(|r| r[0]["lastSendingStatus"] == "Delivered")).then_some(rows)
    })
    .await;
    assert!(sent.contains_key("ada@fabrikam.example") && sent.contains_key("alan@fabrikam.example"), "{sent:?}");
    // The next day's occurrence: one more each.
    assert_eq!(schedule(first + chrono::Duration::days(1)).await.reminders, 2);
    eventually("the second reminders delivered", 30, || async {
        let rows = rows(&app, &s, &reminders, "email").await;
        rows.values().all(|r| r.len() == 2 && r.iter().all(|m| m["lastSendingStatus"] == "Delivered")).then_some(())
    })
    .await;
    eventually("Ada's mails", 10, || async { (sink.received_to("ada@fabrikam.example").len() == 3).then_some(()) }).await;
    // A few more rounds of the scheduler change nothing.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(sink.received_to("ada@fabrikam.example").len(), 3, "an invitation and two reminders");
    assert_eq!(sink.received_to("grace@fabrikam.example").len(), 2, "an invitation and the certificate");
    assert_eq!(certificate_mails(), 1);
}

/// An invitation's sending record: status, first and last attempt, error.
type SendingRecord = (String, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>, Option<String>);

/// `lmsbridge serve --demo` on `database` with the relay at `port`.
fn start_binary(database: &str, credentials: &std::path::Path, port: u16) -> common::process::Server {
    common::process::Server::start(
        common::process::lmsbridge()
            .args(["--database-url", database, "serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1", "--credentials-file"])
            .arg(credentials)
            .env("LMSBRIDGE_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
            .env("LMSBRIDGE_MAIL_BACKOFF_MS", "200")
            .env("LMSBRIDGE_MAIL_ATTEMPTS", "100")
            .stderr(Stdio::inherit()),
        |line| line.starts_with("export "),
    )
}

/// A server killed while its mail is queued (the relay down) loses none: the next one, with the
/// relay up, delivers each mail once, and the sending reports record both servers' attempts.
async fn a_killed_server_loses_no_mail(backend: Backend) {
    let (_db, database) = common::TestDb::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials.json");
    let port = free_port();
    let server = start_binary(&database, &credentials, port);
    let db = tokio::task::spawn_blocking({
        let database = database.clone();
        move || Db::connect(&database, &lmsbridge::config::Config::default().pool(&database)).unwrap()
    })
    .await
    .unwrap();
    let now = Utc::now().naive_utc();
    // The demo's campaigns queued their invitations; wait until each due one has been tried.
    eventually("every due mail tried", 60, || async {
        let untried: i64 = read_db!(db, |c| outbox::table
            .filter(outbox::attempts.eq(0))
            .filter(outbox::created_at.le(now))
            .filter(outbox::next_attempt_at.le(now))
            .count()
            .get_result(c));
        (untried == 0).then_some(())
    })
    .await;
    let queued: i64 =
        read_db!(db, |c| outbox::table.filter(outbox::sent_at.is_null()).filter(outbox::attempts.gt(0)).count().get_result(c));
    assert!(queued >= 10, "the demo's invitations, queued: {queued}");
    drop(server);

    let sink = Sink::start_on(port);
    let _server = start_binary(&database, &credentials, port);
    eventually("every mail tried before delivered", 60, || async {
        let left: i64 =
            read_db!(db, |c| outbox::table.filter(outbox::sent_at.is_null()).filter(outbox::attempts.gt(0)).count().get_result(c));
        (left == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sent: Vec<i64> = read_db!(db, |c| outbox::table.filter(outbox::sent_at.is_not_null()).select(outbox::id).load(c));
    let mut ids: Vec<String> = sink
        .received()
        .iter()
        .map(|m| m.lines().find_map(|l| l.strip_prefix("Message-ID: ").map(str::to_string)).expect("a Message-ID"))
        .collect();
    ids.sort();
    let received = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), received, "no mail delivered twice");
    let mut expected: Vec<String> = sent.iter().map(|id| format!("<outbox-{id}@lmsbridge>")).collect();
    expected.sort();
    assert_eq!(ids, expected, "each delivered mail received once");
    // The invitations' rows: first tried by the killed server, delivered by the next.
    let delivered: Vec<Option<i64>> = sent.iter().map(|id| Some(*id)).collect();
    let rows: Vec<SendingRecord> = read_db!(db, |c| {
        keepnet_assignment::table
            .filter(keepnet_assignment::outbox_id.eq_any(&delivered))
            .select((
                keepnet_assignment::last_sending_status,
                keepnet_assignment::first_send_date,
                keepnet_assignment::last_send_date,
                keepnet_assignment::error_message,
            ))
            .load(c)
    });
    assert!(rows.len() >= 10, "{rows:?}");
    for (status, first, last, error) in rows {
        assert_eq!((status.as_str(), error), ("Delivered", None));
        assert!(first.unwrap() < last.unwrap());
    }
}

on_both_backends!(
    invitations_are_recorded_attempt_by_attempt,
    mail_fails_after_its_last_attempt_and_teams_waits_for_a_webhook,
    teams_notifications_are_posted_and_retried,
    reminders_and_certificates,
    a_killed_server_loses_no_mail,
);
