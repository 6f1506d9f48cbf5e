//! The Keepnet Labs face over real HTTP, on SQLite and PostgreSQL: the token and its claims,
//! every route with its envelope and paging, filters (keys in any case, every operator, nested
//! groups) and ordering, exports (CSV, and XLSX read back by openpyxl when it is installed), the
//! resend, the scope walk over every route with every wrong combination, and the campaigns'
//! enrollments as the JSON mirror shows them.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::demo::keepnet::World;
use serde_json::{Value, json};

struct Answer {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
    body: Value,
}

impl Answer {
    /// Asserts a failure of `status` in Keepnet's envelope.
    fn refused(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["data"], Value::Null, "{}", self.body);
        assert!(self.body["status"].as_str().is_some_and(|s| s != "SUCCESS"), "{}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.body);
        self
    }

    fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.body["status"], "SUCCESS", "{}", self.body);
        assert_eq!(self.body["validationMessages"], Value::Null);
        &self.body["data"]
    }

    fn results(&self) -> &Vec<Value> {
        self.ok()["results"].as_array().expect("paged results")
    }
}

async fn world(app: &TestApp, prefix: &'static str) -> World {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || service.db().write(|tx| lmsbridge::demo::keepnet::build(&service, tx, prefix)))
        .await
        .unwrap()
        .expect("the Keepnet world builds")
}

async fn token_answer(app: &TestApp, content_type: &str, body: String) -> (u16, Value) {
    let response =
        app.client.post(format!("{}/connect/token", app.base_url)).header("Content-Type", content_type).body(body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn token(app: &TestApp, id: &str, secret: &str) -> String {
    let form = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=api1");
    let (status, body) = token_answer(app, "application/x-www-form-urlencoded", form).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

async fn call(app: &TestApp, token: &str, method: &str, path: &str, company: Option<(&str, &str)>, body: Option<Value>) -> Answer {
    let mut request = app.client.request(method.parse().unwrap(), format!("{}{path}", app.base_url));
    if !token.is_empty() {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    if let Some((header, value)) = company {
        request = request.header(header, value);
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = response.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, content_type, bytes, body }
}

const H: &str = "X-KEEPNET-Company-Id";

/// The Python of tests/keepnet/.venv, where scripts/test installs openpyxl.
fn openpyxl_python() -> Option<std::path::PathBuf> {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keepnet/.venv/bin/python");
    python.exists().then_some(python)
}

fn list_body() -> Value {
    json!({"pageNumber": 1, "pageSize": 10, "orderBy": "CreateTime", "ascending": false})
}

async fn tokens_carry_the_company_and_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let form = |id: &str, secret: &str| format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=api1");
    let (status, body) = token_answer(
        &app,
        "application/x-www-form-urlencoded",
        form(&w.reseller_credential.client_id, &w.reseller_credential.client_secret),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "api1");
    let permissions: Vec<&str> = body["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(permissions.contains(&"companies/search|POST"), "{permissions:?}");
    let jwt = body["access_token"].as_str().unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["user_company_resourceid"], w.reseller.resource_id.as_str());
    assert_eq!(claims["user_company_name"], "Keepnet Reseller");
    assert_eq!(claims["role"], "Reseller");
    assert_eq!(claims["reseller_access"], true);
    assert_eq!(claims["company_admin_access"], true);
    assert_eq!(claims["root_access"], false);
    assert_eq!(claims["scope"], json!(["api1"]));
    assert_eq!(claims["client_id"], w.reseller_credential.client_id.as_str());
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);

    // A Company Admin's token: its company, its reseller's empty (a customer's admin is no reseller).
    let (_, body) =
        token_answer(&app, "application/x-www-form-urlencoded", form(&w.admin_credential.client_id, &w.admin_credential.client_secret))
            .await;
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body["access_token"].as_str().unwrap().split('.').nth(1).unwrap()).unwrap())
            .unwrap();
    assert_eq!(claims["role"], "Company Admin");
    assert_eq!(claims["reseller_access"], false);
    assert_eq!(claims["user_company_resourceid"], w.customer("Northwind").resource_id.as_str());
    assert_eq!(claims["user_company_parentcompany_resourceid"], "");
    let permissions: Vec<&str> = body["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(!permissions.contains(&"companies/search|POST") && permissions.contains(&"enrollments/search|POST"));

    // What the reference says of bad requests.
    let (status, body) = token_answer(&app, "application/x-www-form-urlencoded", form(&w.reseller_credential.client_id, "wrong")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_client")));
    let (status, body) = token_answer(&app, "application/x-www-form-urlencoded", form("nobody", "x")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_client")));
    let json_body = json!({"grant_type": "client_credentials", "client_id": w.reseller_credential.client_id, "client_secret": w.reseller_credential.client_secret});
    let (status, _) = token_answer(&app, "application/json", json_body.to_string()).await;
    assert_eq!(status, 500, "a JSON body fails as Keepnet's does");
    let (status, body) =
        token_answer(&app, "application/x-www-form-urlencoded", "grant_type=password&client_id=a&client_secret=b".into()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));
    let wrong_scope = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=admin",
        w.reseller_credential.client_id, w.reseller_credential.client_secret
    );
    let (status, body) = token_answer(&app, "application/x-www-form-urlencoded", wrong_scope).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));

    // A token altered in its claims is not one; nor is a token of another server's signature.
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(b"{\"role\":\"Reseller\"}"), parts[2]);
    call(&app, &tampered, "GET", "/api/companies/my", None, None).await.refused(401);
    call(&app, "not-a-token", "GET", "/api/companies/my", None, None).await.refused(401);
    call(&app, "", "GET", "/api/companies/my", None, None).await.refused(401);
}

async fn companies_are_the_resellers_tree(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let reseller = token(&app, &w.reseller_credential.client_id, &w.reseller_credential.client_secret).await;
    let admin = token(&app, &w.admin_credential.client_id, &w.admin_credential.client_secret).await;

    let mut body = list_body();
    body["orderBy"] = "companyname".into();
    body["ascending"] = true.into();
    let answer = call(&app, &reseller, "POST", "/api/companies/search", None, Some(body.clone())).await;
    let data = answer.ok();
    assert_eq!(data["totalNumberOfRecords"], 4);
    assert_eq!(data["pageNumber"], 1);
    assert_eq!(data["totalNumberOfPages"], 1);
    assert_eq!(data["limitExceededCompanyCount"], 1);
    let names: Vec<&str> = data["results"].as_array().unwrap().iter().map(|c| c["companyName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Contoso", "Contoso Labs", "Fabrikam", "Northwind"]);
    let contoso = &data["results"][0];
    assert_eq!(contoso["companyResourceId"], w.customer("Contoso").resource_id.as_str());
    assert_eq!(contoso["resellerName"], "Keepnet Reseller");
    assert_eq!(contoso["numberOfUsers"], "3", "the licence's user limit, as a string");
    assert_eq!(contoso["isNumberOfUsersLimited"], true);
    assert_eq!(contoso["targetUserCount"], 5);
    assert_eq!(contoso["licenceExpired"], false);
    assert_eq!(contoso["tags"], json!(["silver", "eu"]));
    assert_eq!(contoso["children"][0]["companyName"], "Contoso Labs");
    assert!(contoso["licenseEndDate"].as_str().unwrap().ends_with('Z'));
    for key in [
        "industryName",
        "industryResourceId",
        "licenseTypeName",
        "licenseTypeResourceId",
        "privacyDurationId",
        "createTime",
        "deletedTargetUserCount",
        "inactiveTargetUserCount",
        "monthlyActiveUserCount",
    ] {
        assert!(contoso.get(key).is_some(), "{key} in {contoso}");
    }
    assert_eq!(data["results"][3]["monthlyActiveUserCount"], 3, "Northwind's three learners who began");

    // Only those over their licence; those within it; paging; a filter; ordering.
    let mut exceeded = body.clone();
    exceeded["isTargetUserCountExceededLimit"] = true.into();
    let names: Vec<String> = call(&app, &reseller, "POST", "/api/companies/search", None, Some(exceeded.clone()))
        .await
        .results()
        .iter()
        .map(|c| c["companyName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Contoso"]);
    exceeded["isTargetUserCountExceededLimit"] = false.into();
    assert_eq!(call(&app, &reseller, "POST", "/api/companies/search", None, Some(exceeded)).await.ok()["totalNumberOfRecords"], 3);
    let mut paged = body.clone();
    paged["pageSize"] = 3.into();
    paged["pageNumber"] = 2.into();
    let data = call(&app, &reseller, "POST", "/api/companies/search", None, Some(paged)).await;
    assert_eq!(data.ok()["totalNumberOfPages"], 2);
    assert_eq!(data.results().len(), 1);
    assert_eq!(data.results()[0]["companyName"], "Northwind");
    let mut filtered = body.clone();
    filtered["Filter"] = json!({"Condition": "AND", "SearchInputTextValue": "", "FilterGroups": [
        {"Condition": "AND", "FilterItems": [{"FieldName": "CompanyName", "Operator": "Contains", "Value": "CONTOSO"}], "FilterGroups": []}]});
    assert_eq!(call(&app, &reseller, "POST", "/api/companies/search", None, Some(filtered)).await.ok()["totalNumberOfRecords"], 2);
    let mut numeric = body.clone();
    numeric["filter"] = json!({"filterGroups": [{"filterItems": [{"fieldName": "numberOfUsers", "operator": ">=", "value": 10}]}]});
    assert_eq!(call(&app, &reseller, "POST", "/api/companies/search", None, Some(numeric)).await.ok()["totalNumberOfRecords"], 2);
    let mut search = body.clone();
    search["filter"] = json!({"searchInputTextValue": "fabri"});
    assert_eq!(call(&app, &reseller, "POST", "/api/companies/search", None, Some(search)).await.results()[0]["companyName"], "Fabrikam");
    let mut descending = body.clone();
    descending["orderBy"] = "TargetUserCount".into();
    descending["ascending"] = false.into();
    assert_eq!(call(&app, &reseller, "POST", "/api/companies/search", None, Some(descending)).await.ok()["totalNumberOfRecords"], 4);

    // With a company header: that company and the companies below it.
    let scoped =
        call(&app, &reseller, "POST", "/api/companies/search", Some((H, &w.customer("Contoso").resource_id)), Some(body.clone())).await;
    assert_eq!(scoped.ok()["totalNumberOfRecords"], 2);

    // Refusals.
    let mut unknown = body.clone();
    unknown["filter"] = json!({"filterGroups": [{"filterItems": [{"fieldName": "salary", "operator": "Equals", "value": "1"}]}]});
    let refused = call(&app, &reseller, "POST", "/api/companies/search", None, Some(unknown)).await;
    refused.refused(400);
    assert!(refused.body["validationMessages"][0].as_str().unwrap().contains("salary"), "{}", refused.body);
    let mut no_order = body.clone();
    no_order.as_object_mut().unwrap().remove("orderBy");
    call(&app, &reseller, "POST", "/api/companies/search", None, Some(no_order)).await.refused(400);
    let mut bad_order = body.clone();
    bad_order["orderBy"] = "salary".into();
    call(&app, &reseller, "POST", "/api/companies/search", None, Some(bad_order)).await.refused(400);
    let mut bad_page = body.clone();
    bad_page["pageNumber"] = 0.into();
    call(&app, &reseller, "POST", "/api/companies/search", None, Some(bad_page)).await.refused(400);
    let mut bad_type = body.clone();
    bad_type["pageSize"] = "ten".into();
    call(&app, &reseller, "POST", "/api/companies/search", None, Some(bad_type)).await.refused(400);
    call(&app, &admin, "POST", "/api/companies/search", None, Some(body.clone())).await.refused(403);

    // companies/my and one company.
    let my = call(&app, &admin, "GET", "/api/companies/my", None, None).await;
    assert_eq!(my.ok().as_array().unwrap().len(), 1);
    assert_eq!(my.ok()[0]["companyName"], "Northwind");
    let mine = call(&app, &reseller, "GET", "/api/companies/my", None, None).await;
    assert_eq!(mine.ok().as_array().unwrap().len(), 5, "its own and the four it manages");
    assert_eq!(mine.ok()[0]["companyName"], "Keepnet Reseller");
    let one = call(&app, &reseller, "GET", &format!("/api/companies/{}", w.customer("Contoso Labs").resource_id), None, None).await;
    assert_eq!(one.ok()["companyName"], "Contoso Labs");
    assert_eq!(one.ok()["resellerName"], "Contoso");
    call(&app, &reseller, "GET", "/api/companies/NoSuchCompny", None, None).await.refused(404);
    call(&app, &admin, "GET", &format!("/api/companies/{}", w.customer("Contoso").resource_id), None, None).await.refused(403);
}

async fn enrollments_and_their_reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let reseller = token(&app, &w.reseller_credential.client_id, &w.reseller_credential.client_secret).await;
    let admin = token(&app, &w.admin_credential.client_id, &w.admin_credential.client_secret).await;
    let northwind = w.customer("Northwind").resource_id.clone();
    let nw = Some((H, northwind.as_str()));

    // The list: the company's campaigns; by type; by status; no header means the reseller's own.
    let list = call(&app, &reseller, "POST", "/api/enrollments/search", nw, Some(list_body())).await;
    assert_eq!(list.ok()["totalNumberOfRecords"], 3);
    let q4 = list.results().iter().find(|e| e["name"] == "Q4 Phishing Training").unwrap().clone();
    assert_eq!(q4["enrollmentId"], w.campaign("Q4 Phishing Training").enrollment_id.as_str());
    assert_eq!(q4["type"], "SCORM");
    assert_eq!(q4["status"], "Sending");
    assert_eq!(q4["deliveryType"], "Email & Microsoft Teams");
    assert_eq!(q4["isReminderActive"], true);
    assert_eq!(q4["trainingName"], "Phishing 101");
    assert_eq!(q4["hasQuiz"], true);
    assert_eq!(q4["languages"], json!(["en"]));
    assert_eq!(uuid::Uuid::parse_str(q4["enrollmentId"].as_str().unwrap()).map(|_| ()), Ok(()));
    let mut survey = list_body();
    survey["enrollmentType"] = "Survey".into();
    let surveys = call(&app, &reseller, "POST", "/api/enrollments/search", Some(("X-IR-COMPANY-ID", &northwind)), Some(survey)).await;
    assert_eq!(surveys.results().len(), 1);
    assert_eq!(surveys.results()[0]["status"], "Finished");
    let mut scheduled = list_body();
    scheduled["filter"] = json!({"filterGroups": [{"filterItems": [{"fieldName": "status", "operator": "Equals", "value": "scheduled"}]}]});
    let found = call(&app, &reseller, "POST", &format!("/api/enrollments/search?companyId={northwind}"), None, Some(scheduled)).await;
    assert_eq!(found.results()[0]["name"], "Password Week Poster");
    assert_eq!(found.results()[0]["delivery"], "Scheduled");
    let mut by_name = list_body();
    by_name["orderBy"] = "NAME".into();
    by_name["ascending"] = true.into();
    let names: Vec<String> = call(&app, &admin, "POST", "/api/enrollments/search", None, Some(by_name))
        .await
        .results()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Password Week Poster", "Q4 Phishing Training", "Security Pulse"]);
    assert_eq!(call(&app, &reseller, "POST", "/api/enrollments/search", None, Some(list_body())).await.ok()["totalNumberOfRecords"], 0);

    // One enrollment's details.
    let id = w.campaign("Q4 Phishing Training").enrollment_id.clone();
    let detail = call(&app, &reseller, "GET", &format!("/api/enrollments/{id}"), nw, None).await;
    let d = detail.ok();
    assert_eq!(d["trainingId"], "phishing-101");
    assert_eq!(d["enrollmentReminder"]["periodType"], "Week");
    assert_eq!(d["enrollmentReminder"]["occurrenceCount"], 3);
    assert_eq!(d["awardCertificate"], true);
    assert_eq!(d["trainingTypeId"], 1);
    assert_eq!(d["targetGroupResourceIds"], json!(["engineering", "finance"]));
    assert!(d["enrollmentScheduler"]["dueDate"].is_string());

    // The summary.
    let summary = call(&app, &reseller, "GET", &format!("/api/training-reports/{id}/summary?trainingType=1"), nw, None).await;
    let s = summary.ok();
    assert_eq!(s["completedCount"], 2);
    assert_eq!(s["inProgressCount"], 1);
    assert_eq!(s["reportDetail"]["totalTargetUserCount"], 5);
    assert_eq!(s["reportDetail"]["emailDeliveredUserCount"], 4);
    assert_eq!(s["reportDetail"]["emailErrorUserCount"], 1);
    assert_eq!(s["reportDetail"]["noResponseCount"], 2);
    assert_eq!(s["trainingTypeName"], "Training");
    assert_eq!(s["reminderDescription"], "Every 1 Week(s), 3 times");
    assert_eq!(s["trainingDetails"]["companyName"], "Northwind");
    call(&app, &reseller, "GET", &format!("/api/training-reports/{id}/summary?trainingType=Webinar"), nw, None).await.refused(400);

    // The users.
    let users = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/users/search"),
        nw,
        Some(json!({"orderBy": "Email", "ascending": true, "pageSize": 100})),
    )
    .await;
    let rows = users.results();
    assert_eq!(rows.len(), 5);
    let ada = &rows[0];
    assert_eq!(
        (ada["email"].as_str(), ada["status"].as_str(), ada["examStatusName"].as_str()),
        (Some("ada@northwind.example"), Some("Completed"), Some("Passed"))
    );
    assert_eq!(ada["enrollmentId"], id.as_str());
    assert_eq!(ada["targetUserResourceId"], "ada");
    assert_eq!(ada["department"], "Finance");
    assert!(ada["firstCompletionDate"].is_string());
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["Completed", "In Progress", "Not Responded", "Not Responded", "Completed"]);
    let completed = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/users/search"),
        nw,
        Some(json!({"filter": {"filterGroups": [{"filterItems": [{"fieldName": "status", "operator": "Equals", "value": "Completed"}]}]}})),
    )
    .await;
    assert_eq!(completed.ok()["totalNumberOfRecords"], 2);
    call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/users/search"), nw, Some(json!({"showByExamStatus": "Sometimes"})))
        .await
        .refused(400);

    // The sending report: every status, nested filters, ordering.
    let path = format!("/api/training-reports/{id}/sending-report/search");
    let sending = call(&app, &reseller, "POST", &path, nw, Some(json!({"orderBy": "email", "ascending": false}))).await;
    let rows = sending.results();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["email"], "grace@northwind.example");
    let edsger = rows.iter().find(|r| r["targetUserResourceId"] == "edsger").unwrap();
    assert_eq!(edsger["lastSendingStatus"], "Sending Error");
    assert_eq!(edsger["errorMessage"], "550 5.1.1 mailbox unavailable");
    assert_eq!(edsger["targetUserStatus"], "Active");
    assert_eq!(edsger["targetUserIsDeleted"], false);
    assert!(edsger["firstSendDate"].is_string() && edsger["lastSendDate"].is_string());
    for key in ["userId", "resourceId", "firstName", "lastName", "department", "emailDelivery", "isMainScore", "customFieldValues"] {
        assert!(edsger.get(key).is_some(), "{key}");
    }
    let nested = json!({"filter": {"condition": "AND", "filterGroups": [
        {"condition": "OR", "filterItems": [
            {"fieldName": "lastSendingStatus", "operator": "Equals", "value": "Sending Error"},
            {"fieldName": "email", "operator": "StartsWith", "value": "GRACE"}],
         "filterGroups": [{"filterItems": [{"fieldName": "department", "operator": "EndsWith", "value": "ance"}, {"fieldName": "firstName", "operator": "Contains", "value": "a"}]}]}]}});
    let matched: Vec<String> = call(&app, &reseller, "POST", &path, nw, Some(nested))
        .await
        .results()
        .iter()
        .map(|r| r["targetUserResourceId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(matched, ["ada", "edsger", "grace"], "Sending Error, or GRACE…, or in Finance with an a");
    let cases = [
        (json!({"fieldName": "email", "operator": "NotContains", "value": "GRACE"}), 4),
        (json!({"fieldName": "errorMessage", "operator": "IsEmpty"}), 4),
        (json!({"fieldName": "errorMessage", "operator": "IsNotEmpty"}), 1),
        (json!({"fieldName": "lastSendingStatus", "operator": "NotEquals", "value": "Delivered"}), 1),
        (json!({"fieldName": "firstSendDate", "operator": "GreaterThan", "value": "2000-01-01"}), 5),
        (json!({"fieldName": "firstSendDate", "operator": "LessThan", "value": "2000-01-01T00:00:00Z"}), 0),
        (json!({"fieldName": "targetUserIsDeleted", "operator": "Equals", "value": false}), 5),
    ];
    for (item, expected) in cases {
        let answer =
            call(&app, &reseller, "POST", &path, nw, Some(json!({"filter": {"filterGroups": [{"filterItems": [item.clone()]}]}}))).await;
        assert_eq!(answer.ok()["totalNumberOfRecords"], expected, "{item}");
    }
    for bad in [
        json!({"fieldName": "salary", "operator": "Equals", "value": "1"}),
        json!({"fieldName": "email", "operator": "Like", "value": "a"}),
        json!({"fieldName": "firstSendDate", "operator": "Contains", "value": "2026"}),
        json!({"fieldName": "firstSendDate", "operator": "GreaterThan", "value": "yesterday"}),
        json!({"operator": "Equals", "value": "x"}),
    ] {
        let answer =
            call(&app, &reseller, "POST", &path, nw, Some(json!({"filter": {"filterGroups": [{"filterItems": [bad.clone()]}]}}))).await;
        answer.refused(400);
        assert!(answer.body["validationMessages"].as_array().is_some_and(|m| !m.is_empty()), "{bad}");
    }

    // Certificates, reminder mails, notifications.
    let certificates = call(&app, &reseller, "POST", &format!("/api/enrollments/{id}/certificates/search"), nw, Some(json!({}))).await;
    assert_eq!(certificates.results().len(), 2);
    assert_eq!(certificates.results()[0]["status"], "Delivered");
    assert!(certificates.results()[0]["userEmail"].as_str().unwrap().ends_with("@northwind.example"));
    let reminders = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/reminder-mails/search"),
        nw,
        Some(json!({"trainingType": "SCORM"})),
    )
    .await;
    assert_eq!(reminders.results().len(), 2);
    let notifications =
        call(&app, &reseller, "POST", &format!("/api/notifications/{id}/search"), nw, Some(json!({"enrollmentId": id}))).await;
    assert_eq!(notifications.results().len(), 5);
    assert!(notifications.results().iter().all(|n| n["type"] == "Teams"));
    let failed = call(&app, &reseller, "POST", &format!("/api/notifications/{id}/search"), nw, Some(json!({"status": "failed"}))).await;
    assert_eq!(failed.results().len(), 1);
    assert_eq!(failed.results()[0]["retryCount"], 3);
    assert_eq!(failed.results()[0]["canResend"], true);
    assert_eq!(failed.results()[0]["fullName"], "Barbara Liskov");
    call(&app, &reseller, "POST", &format!("/api/notifications/{id}/search"), nw, Some(json!({"enrollmentId": "another"})))
        .await
        .refused(400);
    call(&app, &reseller, "POST", &format!("/api/notifications/{id}/search"), nw, Some(json!({"type": "Pigeon"}))).await.refused(400);
}

async fn exports_and_resend(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let reseller = token(&app, &w.reseller_credential.client_id, &w.reseller_credential.client_secret).await;
    let northwind = w.customer("Northwind").resource_id.clone();
    let nw = Some((H, northwind.as_str()));
    let id = w.campaign("Q4 Phishing Training").enrollment_id.clone();

    let csv = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/search/export"),
        nw,
        Some(json!({"exportType": "csv", "reportAllPages": true, "pageSize": 2, "orderBy": "email", "ascending": true})),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    let text = String::from_utf8(csv.bytes.clone()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 6, "a header and every row, though a page holds two: {text}");
    assert!(lines[0].starts_with("enrollmentId,targetUserResourceId,"), "{}", lines[0]);
    assert!(lines[1].contains("ada@northwind.example"));
    let one_page = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/search/export"),
        nw,
        Some(json!({"exportType": "CSV", "pageSize": 2})),
    )
    .await;
    assert_eq!(String::from_utf8(one_page.bytes).unwrap().lines().count(), 3);

    let xlsx = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/search/export"),
        nw,
        Some(json!({"exportType": "Excel", "reportAllPages": true})),
    )
    .await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(&xlsx.bytes[..2], b"PK", "a zip container");
    if let Some(python) = openpyxl_python() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.xlsx");
        std::fs::write(&file, &xlsx.bytes).unwrap();
        let script = "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\nrows = list(ws.iter_rows(values_only=True))\nprint(len(rows)); print(rows[0][1]); print(sorted(r[6] for r in rows[1:])[0])";
        let out = std::process::Command::new(python).arg("-c").arg(script).arg(&file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout).unwrap();
        assert_eq!(printed.lines().collect::<Vec<_>>(), ["6", "targetUserResourceId", "ada@northwind.example"], "{printed}");
    } else {
        eprintln!("openpyxl is not installed (scripts/test installs it): the XLSX was not read back");
    }

    let companies = call(&app, &reseller, "POST", "/api/companies/search/export", None,
        Some(json!({"pageNumber": 1, "pageSize": 10, "orderBy": "companyName", "ascending": true, "exportType": "Csv", "reportAllPages": true}))).await;
    let text = String::from_utf8(companies.bytes).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(text.contains("\"silver, eu\""), "{text}");
    let enrollments = call(
        &app,
        &reseller,
        "POST",
        "/api/enrollments/search/export",
        nw,
        Some(json!({"pageNumber": 1, "pageSize": 10, "orderBy": "name", "ascending": true, "exportType": "XLSX"})),
    )
    .await;
    assert_eq!(&enrollments.bytes[..2], b"PK");
    call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/search/export"),
        nw,
        Some(json!({"exportType": "PDF"})),
    )
    .await
    .refused(400);
    let plain =
        call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/sending-report/search/export"), nw, Some(json!({}))).await;
    assert!(plain.status == 200 && plain.content_type.starts_with("text/csv"), "without exportType, the search's body makes a CSV file");
    call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/sending-report/search/export"), nw, Some(json!({"exportType": 3})))
        .await
        .refused(400);

    // Resend: the chosen rows are queued again.
    let resend = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/resend"),
        nw,
        Some(json!({"selectedItems": ["edsger"]})),
    )
    .await;
    assert_eq!(resend.ok()["queuedCount"], 1);
    let row = call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/sending-report/search"), nw,
        Some(json!({"filter": {"filterGroups": [{"filterItems": [{"fieldName": "targetUserResourceId", "operator": "Equals", "value": "edsger"}]}]}}))).await;
    assert_eq!(row.results()[0]["lastSendingStatus"], "In Queue");
    assert_eq!(row.results()[0]["errorMessage"], Value::Null);
    let all = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/resend"),
        nw,
        Some(json!({"selectAll": true, "excludedItems": ["ada", "grace"]})),
    )
    .await;
    assert_eq!(all.ok()["queuedCount"], 3);
    call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/sending-report/resend"),
        nw,
        Some(json!({"selectedItems": ["nobody"]})),
    )
    .await
    .refused(400);
    call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/sending-report/resend"), nw, Some(json!({}))).await.refused(400);
    let queued: i64 = {
        let service = app.service.clone();
        tokio::task::spawn_blocking(move || {
            service.db().read(|tx| -> Result<i64, lmsbridge::service::OpError> {
                use diesel::prelude::*;
                use lmsbridge::store::schema::outbox;
                Ok(lmsbridge::on_conn!(tx, |c| outbox::table
                    .filter(outbox::recipient.eq("edsger@northwind.example"))
                    .count()
                    .get_result(c))?)
            })
        })
        .await
        .unwrap()
        .unwrap()
    };
    assert_eq!(queued, 4, "the training's and the poster's invitations, then two resends of the training's");
}

/// Every route with every wrong combination of credentials, company and enrollment.
async fn the_scope_walk(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let other = world(&app, "Other ").await;
    let reseller = token(&app, &w.reseller_credential.client_id, &w.reseller_credential.client_secret).await;
    let admin = token(&app, &w.admin_credential.client_id, &w.admin_credential.client_secret).await;
    let northwind = w.customer("Northwind").resource_id.clone();
    let contoso = w.customer("Contoso").resource_id.clone();
    let outsider = other.customer("Northwind").resource_id.clone();
    let id = w.campaign("Q4 Phishing Training").enrollment_id.clone();
    let theirs = other.campaign("Q4 Phishing Training").enrollment_id.clone();
    let routes = lmsbridge::faces::keepnet::routes::ROUTES;
    let body = |path: &str| {
        let list = path.starts_with("/api/companies/search") || path.starts_with("/api/enrollments/search");
        let mut body = if list { list_body() } else { json!({"pageNumber": 1, "pageSize": 10}) };
        if path.ends_with("/export") {
            body["exportType"] = "CSV".into();
        }
        if path.ends_with("/resend") {
            body["selectAll"] = true.into();
        }
        body
    };
    let concrete =
        |path: &str, enrollment: &str, company: &str| path.replace("{enrollmentId}", enrollment).replace("{resourceId}", company);
    for route in routes {
        let on_enrollment = route.path.contains("{enrollmentId}");
        let path = concrete(route.path, &id, &northwind);
        let b = (route.method == "POST").then(|| body(route.path));
        // No token, a bad one.
        call(&app, "", route.method, &path, Some((H, &northwind)), b.clone()).await.refused(401);
        call(&app, "x.y.z", route.method, &path, Some((H, &northwind)), b.clone()).await.refused(401);
        // A company outside the reseller's tree, by each way of naming it.
        if !route.path.contains("{resourceId}") && route.path != "/api/companies/my" {
            call(&app, &reseller, route.method, &path, Some((H, &outsider)), b.clone()).await.refused(403);
            call(&app, &reseller, route.method, &path, Some(("X-IR-COMPANY-ID", &outsider)), b.clone()).await.refused(403);
            let query = if path.contains('?') { format!("{path}&companyId={outsider}") } else { format!("{path}?companyId={outsider}") };
            call(&app, &reseller, route.method, &query, None, b.clone()).await.refused(403);
            call(&app, &reseller, route.method, &path, Some((H, "NoSuchCompny")), b.clone()).await.refused(404);
            // A Company Admin naming another company.
            call(&app, &admin, route.method, &path, Some((H, &contoso)), b.clone()).await.refused(403);
        } else if route.path.contains("{resourceId}") {
            call(&app, &reseller, route.method, &concrete(route.path, &id, &outsider), None, None).await.refused(403);
            call(&app, &admin, route.method, &concrete(route.path, &id, &contoso), None, None).await.refused(403);
        }
        if on_enrollment {
            // The enrollment under another company's header, without a header, or another tree's.
            call(&app, &reseller, route.method, &path, Some((H, &contoso)), b.clone()).await.refused(404);
            call(&app, &reseller, route.method, &path, None, b.clone()).await.refused(404);
            call(&app, &reseller, route.method, &concrete(route.path, &theirs, &northwind), Some((H, &northwind)), b.clone())
                .await
                .refused(404);
            call(&app, &admin, route.method, &concrete(route.path, &theirs, &northwind), None, b.clone()).await.refused(404);
            // And with the right header it answers.
            let answer = call(&app, &reseller, route.method, &path, Some((H, &northwind)), b.clone()).await;
            assert_eq!(answer.status, 200, "{} {}: {}", route.method, route.path, answer.body);
            let admin_answer = call(&app, &admin, route.method, &path, None, b.clone()).await;
            assert_eq!(admin_answer.status, 200, "{} {} as the company's admin: {}", route.method, route.path, admin_answer.body);
        }
        if route.reseller_only {
            call(&app, &admin, route.method, &path, None, b.clone()).await.refused(403);
        }
    }
    // Two headers that disagree.
    call(&app, &reseller, "POST", "/api/enrollments/search", Some((H, &northwind)), Some(list_body())).await.ok();
    let response = app
        .client
        .post(format!("{}/api/enrollments/search", app.base_url))
        .bearer_auth(&reseller)
        .header(H, &northwind)
        .header("X-IR-COMPANY-ID", &contoso)
        .header("Content-Type", "application/json")
        .body(list_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

/// The campaign's assignments are enrollments of the store: the JSON mirror lists them with their
/// state, and what changes there shows in the training report.
async fn campaigns_are_enrollments_every_face_sees(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app, "").await;
    let client = app.service.clone();
    let created =
        tokio::task::spawn_blocking(move || client.create_client("Northwind", lmsbridge::domain::Role::AccountAdministrator, &[]))
            .await
            .unwrap()
            .unwrap();
    let form = format!("grant_type=client_credentials&client_id={}&client_secret={}", created.client_id, created.client_secret);
    let response = app
        .client
        .post(format!("{}/api/v3/token", app.base_url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let ispring: Value = response.json().await.unwrap();
    let ispring = ispring["access_token"].as_str().unwrap().to_string();
    let listed: Value = app
        .client
        .get(format!("{}/api/v1/enrollments?learnerId=ada", app.base_url))
        .bearer_auth(&ispring)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = listed["enrollments"].as_array().unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(items.len(), 3, "the training, the survey and the poster: {listed}");
    let training = items.iter().find(|e| e["courseId"] == "phishing-101").unwrap();
    assert!(training["certificate"].is_object(), "the certificate Ada earned: {training}");
    assert!(training.get("dueDate").is_some(), "the campaign's due date: {training}");

    // The report's rows are those enrollments.
    let reseller = token(&app, &w.reseller_credential.client_id, &w.reseller_credential.client_secret).await;
    let id = w.campaign("Q4 Phishing Training").enrollment_id.clone();
    let northwind = w.customer("Northwind").resource_id.clone();
    let users = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{id}/users/search"),
        Some((H, &northwind)),
        Some(json!({"orderBy": "email", "ascending": true})),
    )
    .await;
    assert_eq!(users.results()[0]["resourceId"], training["enrollmentId"], "the report's row is the mirror's enrollment");

    // Unenrolled through the mirror, Alan is no longer a target user the reports count.
    let alan = users.results().iter().find(|u| u["targetUserResourceId"] == "alan").unwrap()["resourceId"].as_str().unwrap().to_string();
    let response = app.client.delete(format!("{}/api/v1/enrollments/{alan}", app.base_url)).bearer_auth(&ispring).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    let summary = call(&app, &reseller, "GET", &format!("/api/training-reports/{id}/summary"), Some((H, &northwind)), None).await;
    assert_eq!(summary.ok()["reportDetail"]["totalTargetUserCount"], 4, "{}", summary.body);
    assert_eq!(summary.ok()["inProgressCount"], 0, "Alan was the one in progress");
    let users =
        call(&app, &reseller, "POST", &format!("/api/training-reports/{id}/users/search"), Some((H, &northwind)), Some(json!({}))).await;
    assert_eq!(users.ok()["totalNumberOfRecords"], 4);

    // A campaign made through the JSON mirror: its enrollments and invitations, in one transaction.
    let create = |body: Value| {
        app.client
            .post(format!("{}/api/v1/keepnet/campaigns", app.base_url))
            .bearer_auth(&ispring)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
    };
    let mails = |app: &TestApp| {
        let service = app.service.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                service.db().read(|tx| -> Result<i64, lmsbridge::service::OpError> {
                    use diesel::prelude::*;
                    use lmsbridge::store::schema::outbox;
                    Ok(lmsbridge::on_conn!(tx, |c| outbox::table.count().get_result(c))?)
                })
            })
            .await
            .unwrap()
            .unwrap()
        }
    };
    let before = mails(&app).await;
    let body = json!({"name": "Phishing refresher", "trainingId": "phishing-101", "enrollmentType": "SCORM", "targetUserResourceIds": ["alan"],
        "targetGroupResourceIds": [], "dueDate": "2099-01-31T17:00:00Z",
        "reminder": {"periodCount": 2, "periodType": "Day", "endType": "AfterOccurrences", "occurrenceCount": 2}});
    let response = create(body.clone()).await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["mailsQueued"], 1);
    assert_eq!(created["status"], "Sending");
    assert_eq!(mails(&app).await, before + 1);
    let summary = call(
        &app,
        &reseller,
        "GET",
        &format!("/api/training-reports/{}/summary", created["enrollmentId"].as_str().unwrap()),
        Some((H, &northwind)),
        None,
    )
    .await;
    assert_eq!(summary.ok()["reportDetail"]["totalTargetUserCount"], 1);
    let sending = call(
        &app,
        &reseller,
        "POST",
        &format!("/api/training-reports/{}/sending-report/search", created["enrollmentId"].as_str().unwrap()),
        Some((H, &northwind)),
        Some(json!({})),
    )
    .await;
    assert_eq!(sending.results()[0]["lastSendingStatus"], "In Queue");
    // Alan holds that training now: a second campaign of it for him writes nothing.
    assert_eq!(create(body.clone()).await.unwrap().status().as_u16(), 409);
    let mut unknown = body.clone();
    unknown["trainingId"] = "no-such-course".into();
    assert_eq!(create(unknown).await.unwrap().status().as_u16(), 404);
    let mut nobody = body.clone();
    nobody["targetUserResourceIds"] = json!([]);
    assert_eq!(create(nobody).await.unwrap().status().as_u16(), 400);
    let mut bad_plan = body.clone();
    bad_plan["reminder"]["endType"] = "OnDate".into();
    assert_eq!(create(bad_plan).await.unwrap().status().as_u16(), 400);
    assert_eq!(mails(&app).await, before + 1, "refused campaigns queue nothing");
}

on_both_backends!(
    tokens_carry_the_company_and_role,
    companies_are_the_resellers_tree,
    enrollments_and_their_reports,
    exports_and_resend,
    the_scope_walk,
    campaigns_are_enrollments_every_face_sees,
);
