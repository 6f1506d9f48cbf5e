//! The JSON face's own protocol: problem+json statuses, strict input, auth, the OpenAPI document.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn send(app: &TestApp, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<(&str, String)>) -> (u16, Value) {
    let mut request = app.client.request(method, format!("{}{path}", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some((content_type, body)) = body {
        request = request.header("Content-Type", content_type).body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    let value: Value = response.json().await.unwrap();
    if status >= 400 {
        assert_eq!(content_type, "application/problem+json", "{path}");
        assert_eq!(value["status"], status);
        assert!(value["type"].as_str().unwrap().starts_with("urn:lmsbridge:problem:"));
        assert!(!value["requestId"].as_str().unwrap().is_empty());
    }
    (status, value)
}

fn json_body(v: Value) -> Option<(&'static str, String)> {
    Some(("application/json", v.to_string()))
}

async fn problems_have_the_right_status_and_name_the_field(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.max_body_bytes = 16 * 1024).await;
    let t = app.fixture.admin_token.clone();
    use reqwest::Method as M;
    // (method, path, token, body, status, title, field)
    type Case<'a> = (M, String, Option<&'a str>, Option<(&'a str, String)>, u16, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (M::GET, "/api/v1/enrollments".into(), None, None, 401, "Authorization failed", None),
        (M::GET, "/api/v1/enrollments".into(), Some("bad-token"), None, 401, "Authorization failed", None),
        (M::GET, "/api/v1/enrollments".into(), Some(&app.fixture.expired_token), None, 401, "Authorization failed", None),
        (M::GET, "/api/v1/users".into(), Some(&app.fixture.learner_token), None, 403, "Permission denied", None),
        (M::GET, format!("/api/v1/users/{ENG_LEARNER}"), Some(&app.fixture.sales_admin_token), None, 403, "Permission denied", None),
        (M::GET, "/api/v1/enrollments/nope".into(), Some(&t), None, 404, "Unknown Enrollment", None),
        (M::GET, "/api/v1/enrollments?course=1".into(), Some(&t), None, 400, "Wrong parameters", Some("course")),
        (M::GET, "/api/v1/enrollments?pageSize=abc".into(), Some(&t), None, 400, "Wrong parameters", Some("pageSize")),
        (M::GET, "/api/v1/enrollments?pageSize=0".into(), Some(&t), None, 400, "Wrong parameters", Some("pageSize")),
        (M::GET, "/api/v1/enrollments?pageToken=forged".into(), Some(&t), None, 422, "Wrong parameters", Some("pageToken")),
        (M::GET, "/api/v1/results?userStatus=2".into(), Some(&t), None, 400, "Wrong parameters", Some("userStatus")),
        (
            M::GET,
            "/api/v1/results?accessDate.startDate=yesterday".into(),
            Some(&t),
            None,
            400,
            "Wrong parameters",
            Some("accessDate.startDate"),
        ),
        (M::POST, "/api/v1/users".into(), Some(&t), json_body(json!({"departmentId": DEPT_HQ})), 400, "Wrong parameters", None),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            json_body(json!({"login": "a", "departmentId": DEPT_HQ, "colour": "red"})),
            400,
            "Wrong parameters",
            None,
        ),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            json_body(json!({"login": 5, "departmentId": DEPT_HQ})),
            400,
            "Wrong parameters",
            Some("login"),
        ),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            json_body(json!({"login": "", "departmentId": DEPT_HQ})),
            400,
            "Wrong parameters",
            Some("login"),
        ),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            json_body(json!({"login": "admin", "departmentId": DEPT_HQ})),
            409,
            "User with the same login is already registered.",
            None,
        ),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            json_body(json!({"login": "w", "password": "weakpass", "departmentId": DEPT_HQ})),
            422,
            "Wrong parameters",
            Some("password"),
        ),
        (M::POST, "/api/v1/users".into(), Some(&t), Some(("text/plain", "login=x".into())), 415, "Wrong parameters", None),
        (M::POST, "/api/v1/users".into(), Some(&t), Some(("application/json", "{\"login\":".into())), 400, "Wrong parameters", None),
        (
            M::POST,
            "/api/v1/users".into(),
            Some(&t),
            Some(("application/json", format!("{{\"login\":\"{}\"}}", "x".repeat(20_000)))),
            413,
            "Wrong parameters",
            None,
        ),
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(json!({"courseIds": [COURSE_1], "learnerIds": [HQ_LEARNER], "dueDateType": "sometime"})),
            400,
            "Wrong parameters",
            Some("dueDateType"),
        ),
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(json!({"courseIds": [COURSE_1], "learnerIds": ["ghost"], "dueDateType": "unlimited"})),
            404,
            "Unknown user",
            None,
        ),
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(
                json!({"courseIds": [COURSE_1], "learnerIds": [HQ_LEARNER], "dueDateType": "unlimited", "accessDate": "2026-01-01 10:00:00"}),
            ),
            400,
            "Wrong parameters",
            Some("accessDate"),
        ),
        (M::DELETE, format!("/api/v1/departments/{DEPT_SALES}"), Some(&t), None, 409, "Department is not empty", None),
        // Non-ASCII text where a date belongs is a type error, not a crash.
        (
            M::GET,
            "/api/v1/results?dueDate.endDate=2020-01-01T12:34:5%C3%A9".into(),
            Some(&t),
            None,
            400,
            "Wrong parameters",
            Some("dueDate.endDate"),
        ),
        (
            M::GET,
            "/api/v1/results?accessDate.startDate=%E0%A0%80%F0%90%80%80".into(),
            None,
            None,
            400,
            "Wrong parameters",
            Some("accessDate.startDate"),
        ),
        (
            M::PATCH,
            format!("/api/v1/enrollments/{E_PLAIN}"),
            Some(&t),
            json_body(json!({"accessDate": "\u{10000}000"})),
            400,
            "Wrong parameters",
            Some("accessDate"),
        ),
        // Dates beyond the year 9999 (or a due period running past it) are refused, not stored.
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(
                json!({"courseIds": [COURSE_1], "learnerIds": [HQ_LEARNER], "dueDateType": "due_period", "duePeriod": 876000, "accessDate": "9999-12-31T23:00:00-14:00"}),
            ),
            422,
            "Wrong parameters",
            Some("accessDate"),
        ),
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(
                json!({"courseIds": [COURSE_1], "learnerIds": [HQ_LEARNER], "dueDateType": "due_period", "duePeriod": 876000, "accessDate": "9999-01-01T00:00:00Z"}),
            ),
            422,
            "Wrong parameters",
            Some("dueDate"),
        ),
        (
            M::POST,
            "/api/v1/enrollments".into(),
            Some(&t),
            json_body(json!({"courseIds": [COURSE_1], "learnerIds": [HQ_LEARNER], "dueDateType": "due_date", "dueDate": "12345-01-01"})),
            422,
            "Wrong parameters",
            Some("dueDate"),
        ),
    ];
    for (method, path, token, body, status, title, field) in cases {
        let (got, problem) = send(&app, method.clone(), &path, token, body).await;
        assert_eq!((got, problem["title"].as_str().unwrap()), (status, title), "{method} {path}: {problem}");
        if let Some(field) = field {
            assert_eq!(problem["field"], field, "{method} {path}: {problem}");
        }
    }
    // Nothing of the refused writes happened.
    let (_, users) = send(&app, reqwest::Method::GET, "/api/v1/users?login=w&login=a", Some(&t), None).await;
    assert_eq!(users["userProfiles"], json!([]));
    let (status, _) = send(&app, reqwest::Method::GET, "/api/v1/users", None, None).await;
    assert_eq!(status, 401);
}

async fn writes_answer_with_what_they_created(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    use reqwest::Method as M;
    let (status, created) =
        send(&app, M::POST, "/api/v1/departments", Some(&t), json_body(json!({"name": "Ops", "parentDepartmentId": DEPT_HQ}))).await;
    assert_eq!(status, 201);
    let department = created["departmentId"].as_str().unwrap().to_string();
    let (status, user) =
        send(&app, M::POST, "/api/v1/users", Some(&t), json_body(json!({"login": "ops.one", "departmentId": department}))).await;
    assert_eq!(status, 201);
    let user = user["userId"].as_str().unwrap().to_string();
    let (status, ok) = send(
        &app,
        M::POST,
        "/api/v1/enrollments",
        Some(&t),
        json_body(json!({"courseIds": [COURSE_1, COURSE_2], "learnerIds": [user], "dueDateType": "default"})),
    )
    .await;
    assert_eq!((status, ok), (201, json!({"success": true})));
    let (_, list) = send(&app, M::GET, &format!("/api/v1/enrollments?learnerId={user}"), Some(&t), None).await;
    let enrollments = list["enrollments"].as_array().unwrap();
    assert_eq!(enrollments.len(), 2);
    let with_default = enrollments.iter().find(|e| e["courseId"] == COURSE_2).unwrap();
    assert!(with_default["dueDate"].is_string(), "course 2 has a default due period: {with_default}");
    assert_eq!(with_default["shouldLockAfterDueDate"], false);
    let (status, page) = send(&app, M::GET, "/api/v1/enrollments?pageSize=3", Some(&t), None).await;
    assert_eq!(status, 200);
    assert_eq!(page["enrollments"].as_array().unwrap().len(), 3);
    let next = page["nextPageToken"].as_str().unwrap();
    let (_, rest) = send(&app, M::GET, &format!("/api/v1/enrollments?pageSize=100&pageToken={next}"), Some(&t), None).await;
    assert_eq!(rest["enrollments"].as_array().unwrap().len(), ACTIVE.len() + 2 - 3);
    assert!(rest.get("nextPageToken").is_none());
}

async fn the_openapi_document_describes_every_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let document: Value = app.client.get(format!("{}/api/v1/openapi.json", app.base_url)).send().await.unwrap().json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push(operation["operationId"].as_str().unwrap().to_string());
            let responses = operation["responses"].as_object().unwrap();
            for status in ["400", "401", "403", "404", "409", "413", "415", "422", "500", "503"] {
                assert!(responses.contains_key(status), "{method} {path} documents {status}");
            }
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path}");
            assert_eq!(operation["security"][0]["bearer"], json!([]));
        }
    }
    operations.sort();
    // One JSON route per operation (list operations share the route of their get- twin): 26 of
    // iSpring's, 9 of classes, 3 of bulk imports, 1 of Keepnet campaigns, 8 of the change feed and
    // webhooks.
    assert_eq!(operations.len(), 26 + 9 + 3 + 1 + 8, "{operations:?}");
    for required in
        ["getEnrollments", "enrollLearnersInCourses", "listLearnersResults", "removeUserFromGroups", "getContentItemFinalStatuses"]
    {
        assert!(operations.iter().any(|o| o == required), "{required}");
    }
    assert!(document["components"]["schemas"]["Problem"].is_object());
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

/// Text the store keeps is text every face can emit: what XML cannot carry is refused at the JSON
/// face, so one face's write never breaks another face's answers.
async fn text_every_face_can_emit(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let post = |path: &'static str, body: Value| send(&app, reqwest::Method::POST, path, Some(&t), json_body(body));
    for hostile in ["Evil\u{0}Dept", "Bell\u{7}", "Escape\u{1b}[31m", "Not a char \u{FFFE}"] {
        let (status, problem) = post("/api/v1/departments", json!({"name": hostile, "parentDepartmentId": DEPT_HQ})).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some("name")), "{hostile:?}: {problem}");
        assert!(problem["detail"].as_str().unwrap().contains("XML cannot carry"), "{problem}");
        let (status, problem) =
            post("/api/v1/users", json!({"login": format!("x{hostile}"), "departmentId": DEPT_HQ, "password": "Passw0rd!"})).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some("login")), "{hostile:?}: {problem}");
        let (status, _) = post("/api/v1/groups", json!({"name": hostile})).await;
        assert_eq!(status, 400, "{hostile:?} as a group name");
    }
    // Tabs and line breaks are XML; they are kept where the type allows them.
    let (status, _) =
        post("/api/v1/users", json!({"login": "tabbed", "departmentId": DEPT_HQ, "password": "Passw0rd!", "firstName": "A\tB\r\nC"})).await;
    assert_eq!(status, 201);
    // Every answer of the SOAP face is still schema-valid XML.
    for operation in ["GetDepartmentsRequest", "GetUsersRequest", "GetGroupsRequest"] {
        let reply =
            app.soap(common::soap::envelope(&format!("<{operation}><credentials><token>{t}</token></credentials></{operation}>"))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        common::assert_schema_valid(&reply.body);
    }
}

/// The other direction: text written through the SOAP face is refused there when XML could carry
/// it only as a forbidden character reference, and what is stored reads back unchanged through the
/// JSON face.
async fn text_written_through_soap_reads_back_through_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let add = |name: &str| {
        common::soap::envelope(&format!(
            "<AddDepartmentRequest><credentials><token>{t}</token></credentials><name>{name}</name><parentDepartmentId>{DEPT_HQ}</parentDepartmentId></AddDepartmentRequest>"
        ))
    };
    for reference in ["Evil&#0;Dept", "Bell&#x7;", "Not a char &#xFFFE;"] {
        let reply = app.soap(add(reference)).await;
        assert_eq!(reply.status, 500, "{reference}: {}", reply.body);
        let fault = common::soap::fault(&reply.body);
        assert_eq!(fault.string, "Wrong parameters", "{reference}");
    }
    let kept = "Müller &amp; Söhne &lt;GmbH&gt; \"quoted\"\tand tabbed";
    let reply = app.soap(add(kept)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (status, list) = send(&app, reqwest::Method::GET, "/api/v1/departments", Some(&t), None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list["departments"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Müller & Söhne <GmbH> \"quoted\"\tand tabbed"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("Evil") || n.contains("Bell")), "nothing refused was stored: {names:?}");
}

on_both_backends!(
    problems_have_the_right_status_and_name_the_field,
    writes_answer_with_what_they_created,
    the_openapi_document_describes_every_route,
    text_every_face_can_emit,
    text_written_through_soap_reads_back_through_json
);
