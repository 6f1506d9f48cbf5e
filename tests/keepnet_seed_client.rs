//! A client of Keepnet Labs' reseller API written from the vendor's document alone ("View customer's
//! enrollment sending, certificates, and notifications", kept in tests/fixtures/seed-000-keepnet.txt),
//! the way an integration engineer who has only that page would write it. It gets a server and a
//! Reseller credential as any new user does (`serve --demo` with a credentials file), then follows
//! the page's steps: a token from `POST /connect/token` (OAuth2 client credentials, scope API),
//! the customer's Company ID from `POST /api/companies/search` (`resourceId`), an enrollment from
//! `POST /api/enrollments/search` with `X-KEEPNET-Company-Id` (its `resourceId`), then the sending
//! report (and its export), certificates, reminder mails and notification logs, each answered with
//! `status`, `message` and `validationMessages`; and the page's common errors: 401 without a token,
//! 403 for a credential that is not a Reseller, 404 for an invalid Company ID or enrollment ID and
//! for an enrollment asked for under another customer's Company ID.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::process::{Server, lmsbridge};
use serde_json::{Value, json};

const SEED: &str = include_str!("fixtures/seed-000-keepnet.txt");

/// The page's operations, each with the body its schema lists (the example values where it gives them).
fn operations(enrollment: &str) -> Vec<(String, Value)> {
    let paging = json!({"pageNumber": 1, "pageSize": 10, "orderBy": "CreateTime", "ascending": false});
    let mut reminders = json!({"trainingType": "", "reportAllPages": false, "showByExamStatus": "", "pageNumber": 1, "pageSize": 10});
    reminders["ascending"] = false.into();
    vec![
        (format!("/api/training-reports/{enrollment}/sending-report/search"), json!({"pageNumber": 1, "pageSize": 10, "ascending": false})),
        (format!("/api/enrollments/{enrollment}/certificates/search"), json!({"pageNumber": 1, "pageSize": 10, "ascending": false})),
        (format!("/api/training-reports/{enrollment}/reminder-mails/search"), reminders),
        (
            format!("/api/notifications/{enrollment}/search"),
            json!({"enrollmentId": enrollment, "pageNumber": 1, "pageSize": 10, "ascending": false}),
        ),
        ("/api/companies/search".to_string(), {
            let mut body = paging.clone();
            body["isTargetUserCountExceededLimit"] = false.into();
            body
        }),
    ]
}

struct Client {
    http: reqwest::Client,
    base_url: String,
}

struct Answer {
    status: u16,
    content_type: String,
    body: Value,
}

impl Client {
    async fn token(&self, id: &str, secret: &str) -> (u16, Value) {
        // OAuth2 client credentials: a form, as the standard has it; the scope the page names.
        let response = self
            .http
            .post(format!("{}/connect/token", self.base_url))
            .form(&[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret), ("scope", "api1")])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, token: Option<&str>, company: Option<&str>, path: &str, body: &Value) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.base_url)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(company) = company {
            request = request.header("X-KEEPNET-Company-Id", company);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let bytes = response.bytes().await.unwrap();
        Answer { status, content_type, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }
}

/// The page's 200 body: `status`, `message` (nullable) and `validationMessages` (nullable array).
fn assert_envelope(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 200, "{what}: {}", answer.body);
    assert!(answer.body["status"].is_string(), "{what}: status {}", answer.body);
    assert!(answer.body["message"].is_null() || answer.body["message"].is_string(), "{what}");
    assert!(answer.body["validationMessages"].is_null() || answer.body["validationMessages"].is_array(), "{what}");
}

/// The rows of a paged answer (the page gives no schema for them: whatever list `data` holds).
fn rows(answer: &Answer) -> Vec<Value> {
    let data = &answer.body["data"];
    data.get("results").or(Some(data)).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn read_credentials(file: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reseller_follows_the_pages_steps() {
    // Every route the page names is one it documents.
    for path in [
        "POST /api/companies/search",
        "POST /api/enrollments/search",
        "POST /api/training-reports/{enrollmentId}/sending-report/search",
        "POST /api/enrollments/{enrollmentId}/certificates/search",
        "POST /api/training-reports/{enrollmentId}/reminder-mails/search",
        "POST /api/notifications/{enrollmentId}/search",
        "POST /api/training-reports/{enrollmentId}/sending-report/search/export",
        "POST /connect/token",
    ] {
        assert!(SEED.contains(path), "the page names {path}");
    }
    assert!(SEED.contains("X-KEEPNET-Company-Id") && SEED.contains("Client Role = Reseller"));

    let dir = tempfile::tempdir().unwrap();
    let (database, file) = (dir.path().join("keepnet.db"), dir.path().join("credentials.json"));
    let _server = Server::start(
        lmsbridge()
            .arg("--database-url")
            .arg(&database)
            .env("LMSBRIDGE_CREDENTIALS_FILE", &file)
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stderr(Stdio::inherit()),
        |line| line.starts_with("export "),
    );
    let credentials = read_credentials(&file)["keepnet"].clone();
    let text = |key: &str| credentials[key].as_str().unwrap_or_else(|| panic!("{key} in {credentials}")).to_string();
    let client = Client { http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(), base_url: text("baseUrl") };

    // The token.
    let (status, issued) = client.token(&text("client_id"), &text("client_secret")).await;
    assert_eq!(status, 200, "{issued}");
    let token = issued["access_token"].as_str().unwrap().to_string();

    // Step 1: the customer's Company ID, `resourceId` of a company in the list.
    let body =
        json!({"pageNumber": 1, "pageSize": 10, "orderBy": "CreateTime", "ascending": false, "isTargetUserCountExceededLimit": false});
    let companies = client.post(Some(&token), None, "/api/companies/search", &body).await;
    assert_envelope(&companies, "companies/search");
    let listed = rows(&companies);
    assert!(!listed.is_empty(), "{}", companies.body);
    assert!(listed.iter().all(|c| c["resourceId"].as_str().is_some_and(|id| !id.is_empty())), "every company has a resourceId");
    let company = text("companyResourceId");
    assert!(listed.iter().any(|c| c["resourceId"] == company.as_str()), "the sample company is one the reseller manages");
    let other_company = listed.iter().map(|c| c["resourceId"].as_str().unwrap().to_string()).find(|c| *c != company).unwrap();
    // "If true, only companies exceeding license limit are returned".
    let mut exceeding = body.clone();
    exceeding["isTargetUserCountExceededLimit"] = true.into();
    let exceeding = client.post(Some(&token), None, "/api/companies/search", &exceeding).await;
    assert_envelope(&exceeding, "companies over their licence");
    assert!(rows(&exceeding).len() < listed.len());

    // Step 2: the customer's enrollments, with the header; the filter structure the page names.
    let list = json!({"pageNumber": 1, "pageSize": 20, "orderBy": "CreateTime", "ascending": false,
        "filter": {"Condition": "AND", "SearchInputTextValue": "", "FilterGroups": []}});
    let enrollments = client.post(Some(&token), Some(&company), "/api/enrollments/search", &list).await;
    assert_envelope(&enrollments, "enrollments/search");
    let found = rows(&enrollments);
    assert!(found.iter().all(|e| e["resourceId"].as_str().is_some_and(|id| !id.is_empty())), "every enrollment has a resourceId");
    let enrollment = text("enrollmentId");
    assert!(found.iter().any(|e| e["resourceId"] == enrollment.as_str()), "the sample enrollment is the customer's");
    // `enrollmentType: "Survey"` lists only survey enrollments.
    let mut surveys = list.clone();
    surveys["enrollmentType"] = "Survey".into();
    let surveys = client.post(Some(&token), Some(&company), "/api/enrollments/search", &surveys).await;
    assert_envelope(&surveys, "survey enrollments");
    assert!(rows(&surveys).len() < found.len());

    // Step 3: the per-enrollment searches, each with the header and its body.
    for (path, body) in operations(&enrollment) {
        let answer = client.post(Some(&token), Some(&company), &path, &body).await;
        assert_envelope(&answer, &path);
    }
    let sending = client
        .post(
            Some(&token),
            Some(&company),
            &format!("/api/training-reports/{enrollment}/sending-report/search"),
            &json!({"pageNumber": 1, "pageSize": 50}),
        )
        .await;
    assert!(!rows(&sending).is_empty(), "emails sent, with their delivery status: {}", sending.body);
    // The export: "same header and body shape".
    let export = client
        .post(
            Some(&token),
            Some(&company),
            &format!("/api/training-reports/{enrollment}/sending-report/search/export"),
            &json!({"pageNumber": 1, "pageSize": 10}),
        )
        .await;
    assert_eq!(export.status, 200);
    assert!(!export.content_type.is_empty() && !export.content_type.starts_with("application/json"), "a file: {}", export.content_type);

    // Common errors. 401: missing or invalid token.
    let sending_path = format!("/api/training-reports/{enrollment}/sending-report/search");
    assert_eq!(client.post(None, Some(&company), &sending_path, &json!({})).await.status, 401);
    assert_eq!(client.post(Some("invalid"), Some(&company), &sending_path, &json!({})).await.status, 401);
    // 404 (or 400): an invalid Company ID or enrollment ID, or the enrollment under another customer's Company ID.
    let invalid = [
        client.post(Some(&token), Some("NotACompany1"), &sending_path, &json!({})).await.status,
        client.post(Some(&token), Some(&company), "/api/training-reports/not-an-enrollment/sending-report/search", &json!({})).await.status,
        client.post(Some(&token), Some(&other_company), &sending_path, &json!({})).await.status,
    ];
    assert!(invalid.iter().all(|s| *s == 404 || *s == 400), "{invalid:?}");
    // 403: a credential that is not a Reseller (an operator makes one for the customer, by its name).
    let name = listed.iter().find(|c| c["resourceId"] == company.as_str()).unwrap()["companyName"].as_str().unwrap().to_string();
    let made = lmsbridge()
        .arg("--database-url")
        .arg(&database)
        .args(["client", "create", "--tenant", &name, "--face", "keepnet", "--role", "company-admin"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let out = String::from_utf8(made.stdout).unwrap();
    let field = |key: &str| out.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap().to_string();
    let (_, admin) = client.token(&field("client_id"), &field("client_secret")).await;
    let admin = admin["access_token"].as_str().unwrap().to_string();
    assert_eq!(client.post(Some(&admin), None, "/api/companies/search", &body).await.status, 403, "not a Reseller");
    // 403: a Company ID the reseller does not manage (the Company Admin's view of the reseller's other customer).
    assert_eq!(client.post(Some(&admin), Some(&other_company), "/api/enrollments/search", &list).await.status, 403);
}
