//! The Academy Of Mine face over real HTTP, on SQLite and PostgreSQL: a course's learners (totals,
//! paging, statuses, search, order, portals), enrolling, the six actions on many enrollments with
//! the seed's messages and the counts they reach, progress through modules, the activity each
//! action writes, the roles' reach, Laravel's errors, and what the actions mean on the other faces.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::domain::role::AomRole;
use lmsbridge::store::portals::{self, NewPortal};
use lmsbridge::store::progress::{self as academy, NewModule};
use lmsbridge::store::{courses, users};
use serde_json::{Value, json};

/// acme's numbers and tokens.
struct Setup {
    admin: String,
    learner: String,
    portal_admin: String,
    other_tenant: String,
    course: i64,
    other_course: i64,
    /// acme's learners by login order: eng, hq, east, sales.
    learners: Vec<i64>,
    other_tenant_user: i64,
    portal: i64,
    sub_portal: i64,
    modules: Vec<i64>,
}

async fn setup(app: &TestApp) -> Setup {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        let ids = service
            .db()
            .write(|tx| -> Result<_, lmsbridge::service::OpError> {
                let now = chrono::Utc::now().naive_utc();
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let other = lmsbridge::store::tenants::tenant_id_by_name(tx, "other")?.unwrap();
                let course =
                    |tx: &mut lmsbridge::store::Tx<'_>, id: &str| courses::courses_by_external_ids(tx, acme, &[id]).map(|c| c[0].id);
                let (course3, course2) = (course(tx, COURSE_3)?, course(tx, COURSE_2)?);
                let template = academy::insert_certificate_template(tx, acme, "Completion", now)?;
                academy::set_certificate_policy(tx, course3, Some(template), Some(365))?;
                let modules: Vec<NewModule<'_>> = ["Intro", "Video", "Quiz"]
                    .iter()
                    .enumerate()
                    .map(|(i, name)| NewModule {
                        tenant_id: acme,
                        course_id: course3,
                        position: i as i32 + 1,
                        name,
                        slug: name,
                        kind: ["text", "video", "quiz"][i],
                        total_marks: (i == 2).then_some(10),
                    })
                    .collect();
                academy::insert_modules(tx, &modules)?;
                let learners: Vec<i64> = [ENG_LEARNER, HQ_LEARNER, EAST_LEARNER, SALES_LEARNER]
                    .iter()
                    .map(|id| users::live_user_key(tx, acme, id).map(Option::unwrap))
                    .collect::<Result<_, _>>()?;
                let admin = users::first_user_with_role(tx, acme, "account_administrator")?.unwrap();
                let other_user = users::first_user_with_role(tx, other, "learner")?.unwrap();
                let portal = portals::insert(
                    tx,
                    &NewPortal { tenant_id: acme, name: "Acme Academy", slug: "acme", total_seats: Some(10), ..Default::default() },
                    now,
                )?;
                let sub = portals::insert(
                    tx,
                    &NewPortal { tenant_id: acme, parent_id: Some(portal), name: "East", slug: "east", ..Default::default() },
                    now,
                )?;
                // ENG in the root portal, EAST in the sub-portal; the portal admin runs the sub-portal.
                portals::add_members(tx, portal, "learner", &[learners[0]], now)?;
                portals::add_members(tx, sub, "learner", &[learners[2]], now)?;
                portals::add_members(tx, sub, "portal_admin", &[admin], now)?;
                portals::block_domain(tx, portal, "blocked.example")?;
                let modules = academy::modules(tx, course3, 0)?.into_iter().map(|m| m.module_id).collect::<Vec<_>>();
                Ok((course3, course2, learners, admin, other_user, portal, sub, modules))
            })
            .unwrap();
        let (course, other_course, learners, admin, other_user, portal, sub_portal, modules) = ids;
        let token = |role, user: i64| service.create_aom_token("acme", role, Some(&user.to_string())).unwrap().1;
        Setup {
            admin: token(AomRole::Admin, admin),
            learner: token(AomRole::Learner, learners[2]),
            portal_admin: token(AomRole::PortalAdmin, admin),
            other_tenant: service.create_aom_token("other", AomRole::Admin, Some(&other_user.to_string())).unwrap().1,
            course,
            other_course,
            learners,
            other_tenant_user: other_user,
            portal,
            sub_portal,
            modules,
        }
    })
    .await
    .unwrap()
}

async fn call(app: &TestApp, token: Option<&str>, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/api{path}", app.base_url);
    let mut request = app.client.request(method.parse().unwrap(), &url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn learners_path(course: i64, extra: &str) -> String {
    format!("/courses/enrolled-learners?course_id={course}&portalId=-1&page_size=50&page_number=1{extra}")
}

/// The rows of a course's learners by enrollment id.
async fn rows(app: &TestApp, token: &str, course: i64) -> Vec<Value> {
    let (status, answer) = call(app, Some(token), "GET", &learners_path(course, ""), None).await;
    assert_eq!(status, 200, "{answer}");
    answer["records"].as_array().unwrap().clone()
}

fn row_of(rows: &[Value], user: i64) -> Option<&Value> {
    rows.iter().find(|row| row["user_id"] == json!(user))
}

async fn enroll(app: &TestApp, s: &Setup, users: &[i64]) -> Value {
    let (status, answer) =
        call(app, Some(&s.admin), "POST", &format!("/courses/{}/enrollments", s.course), Some(json!({"studentIds": users}))).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// What the JSON mirror says of a learner's enrollment in COURSE_3.
async fn mirror(app: &TestApp, learner: &str) -> Option<Value> {
    let response = app
        .client
        .get(format!("{}/api/v1/enrollments?learnerId={learner}&courseId={COURSE_3}", app.base_url))
        .bearer_auth(&app.fixture.admin_token)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let items = body.get("items").or(body.get("enrollments")).cloned().unwrap_or(body);
    items.as_array().and_then(|items| items.first().cloned())
}

async fn enrollments_and_actions(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, hq, east, sales] = [s.learners[0], s.learners[1], s.learners[2], s.learners[3]];
    let before = rows(&app, &s.admin, s.course).await;

    // Enroll: unknown users, another tenant's and those enrolled already are not enrolled.
    let already = before.iter().filter_map(|row| row["user_id"].as_i64()).find(|user| s.learners.contains(user));
    let mut asked = vec![eng, hq, east, 999_999_999, s.other_tenant_user];
    asked.extend(already);
    let answer = enroll(&app, &s, &asked).await;
    let newly = [eng, hq, east].iter().filter(|user| Some(**user) != already).count();
    assert_eq!(answer["message"], json!(format!("{newly} student(s) enrolled successfully")));
    assert_eq!(
        (answer["enrolledUsersCount"].as_u64(), answer["notEnrolledUsers"].as_u64()),
        (Some(newly as u64), Some((asked.len() - newly) as u64))
    );
    let again = enroll(&app, &s, &[eng]).await;
    assert_eq!(again, json!({"message": "0 student(s) enrolled successfully", "enrolledUsersCount": 0, "notEnrolledUsers": 1}));

    // The list: envelope, totals adding up, paging, statuses, search and order.
    let (_, list) = call(&app, Some(&s.admin), "GET", &learners_path(s.course, ""), None).await;
    let total = list["recordsTotal"].as_i64().unwrap();
    assert_eq!(
        total,
        list["totalNotStarted"].as_i64().unwrap() + list["totalInProgress"].as_i64().unwrap() + list["totalCompleted"].as_i64().unwrap()
    );
    assert_eq!(list["recordsFiltered"].as_i64(), Some(total));
    let new_row = row_of(list["records"].as_array().unwrap(), eng).unwrap().clone();
    let keys: Vec<&str> = new_row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 16, "{new_row}");
    assert_eq!(
        (&new_row["status"], &new_row["percentComplete"], &new_row["access_status"], &new_row["expire_on"], &new_row["last_accessed_on"]),
        (&json!("Not Started"), &json!(0), &json!("Allowed"), &json!("Never"), &json!("Never"))
    );
    assert_eq!(
        (&new_row["started_on"], &new_row["user_type"], &new_row["raw_user_type"]),
        (&json!(""), &json!("Learner"), &json!("learner"))
    );
    let today = chrono::Utc::now().date_naive().format("%b %d, %Y").to_string();
    assert_eq!(new_row["registered_on"], json!(today));
    let mut seen = Vec::new();
    for page in 1..=total {
        let (_, one) = call(
            &app,
            Some(&s.admin),
            "GET",
            &format!("/courses/enrolled-learners?course_id={}&portalId=-1&page_size=1&page_number={page}", s.course),
            None,
        )
        .await;
        seen.push(one["records"][0]["id"].as_i64().unwrap());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len() as i64, total, "pages of one cover every learner once");
    let search = |extra: &str| learners_path(s.course, extra);
    let (_, by_email) = call(&app, Some(&s.admin), "GET", &search("&search_param=%7B%22nameOrEmail%22%3A%22learner-eng%22%7D"), None).await;
    assert_eq!(by_email["recordsFiltered"], json!(0), "the e-mail holds the login, not the id");
    let login_of_eng = "eng";
    let (_, by_login) =
        call(&app, Some(&s.admin), "GET", &search(&format!("&search_param=%7B%22nameOrEmail%22%3A%22{login_of_eng}%22%7D")), None).await;
    assert!(by_login["records"].as_array().unwrap().iter().any(|row| row["user_id"] == json!(eng)), "{by_login}");
    assert_eq!(by_login["recordsTotal"], json!(total));
    let (_, started) =
        call(&app, Some(&s.admin), "GET", &search("&search_param=%7B%22status%22%3A%5B%22not%20started%22%5D%7D"), None).await;
    assert_eq!(started["recordsFiltered"], list["totalNotStarted"]);
    assert!(started["records"].as_array().unwrap().iter().all(|row| row["status"] == "Not Started"));
    let (_, newest) = call(
        &app,
        Some(&s.admin),
        "GET",
        &search("&order_by=%7B%22colName%22%3A%22registered_on%22%2C%22direction%22%3A%22desc%22%7D"),
        None,
    )
    .await;
    let days: Vec<chrono::NaiveDate> = newest["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| chrono::NaiveDate::parse_from_str(row["registered_on"].as_str().unwrap(), "%b %d, %Y").unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
    // The portal filter: the root portal holds ENG, and EAST through its sub-portal.
    let (_, in_portal) = call(
        &app,
        Some(&s.admin),
        "GET",
        &format!("/courses/enrolled-learners?course_id={}&portalId={}&page_size=50&page_number=1", s.course, s.portal),
        None,
    )
    .await;
    let users: Vec<i64> = in_portal["records"].as_array().unwrap().iter().map(|row| row["user_id"].as_i64().unwrap()).collect();
    assert_eq!((users.contains(&eng), users.contains(&east), users.contains(&hq)), (true, true, false), "{in_portal}");

    // The actions, each counting only the course's enrollments.
    let ids = |rows: &[Value], users: &[i64]| -> Vec<i64> {
        users.iter().filter_map(|user| row_of(rows, *user)).map(|row| row["id"].as_i64().unwrap()).collect()
    };
    let current = rows(&app, &s.admin, s.course).await;
    let other = rows(&app, &s.admin, s.other_course).await;
    let foreign = other.first().map(|row| row["id"].as_i64().unwrap()).unwrap();
    let eng_enrollment = ids(&current, &[eng])[0];
    let act = |action: &'static str, body: Value| {
        let app = &app;
        let path = format!("/courses/{}/enrollments/{action}", s.course);
        let token = s.admin.clone();
        async move { call(app, Some(&token), "POST", &path, Some(body)).await }
    };
    let (status, revoked) = act("revoke-access", json!({"enrollmentIds": [eng_enrollment.to_string(), foreign]})).await;
    assert_eq!((status, revoked), (200, json!({"message": "1 learner(s) access has been revoked successfully"})));
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap()["access_status"], "Revoked");
    let today_iso = chrono::Utc::now().date_naive().to_string();
    let locked = mirror(&app, ENG_LEARNER).await.unwrap();
    assert_eq!(
        (&locked["expirationDate"], &locked["shouldLockAfterDueDate"]),
        (&json!(today_iso), &json!(true)),
        "revoked reads as locked: {locked}"
    );
    let (_, granted) = act("grant-access", json!({"enrollmentIds": [eng_enrollment]})).await;
    assert_eq!(granted["message"], "1 learner(s) access has been granted successfully");
    let open = mirror(&app, ENG_LEARNER).await.unwrap();
    assert_eq!(open.get("expirationDate"), None, "{open}");
    let (_, expiry) = act("set-expiry", json!({"enrollmentIds": [eng_enrollment, foreign], "expiryDate": "2031-05-17 12:00:00"})).await;
    assert_eq!(expiry["message"], "Expiration date is successfully updated for 1 student(s)");
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap()["expire_on"], "May 17, 2031");
    assert_eq!(mirror(&app, ENG_LEARNER).await.unwrap()["expirationDate"], "2031-05-17");
    let (_, certified) = act("assign-certificate", json!({"enrollmentIds": [eng_enrollment]})).await;
    assert_eq!(certified["message"], "Certificate is successfully assigned to 1 student(s)");
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap()["certificate_count"], 1);
    assert!(mirror(&app, ENG_LEARNER).await.unwrap()["certificate"].is_object());
    let (status, refused) = call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/courses/{}/enrollments/assign-certificate", s.other_course),
        Some(json!({"enrollmentIds": [foreign]})),
    )
    .await;
    assert_eq!(status, 422, "a course without a certificate template issues none: {refused}");
    let (_, reset) = act("reset-progress", json!({"enrollmentIds": [eng_enrollment]})).await;
    assert_eq!(reset["message"], "1 student(s) progress is reset successfully");
    let after_reset = row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap().clone();
    assert_eq!((&after_reset["status"], &after_reset["certificate_count"]), (&json!("Not Started"), &json!(0)));
    assert!(mirror(&app, ENG_LEARNER).await.unwrap().get("certificate").is_none());
    let (_, removed) = act("remove", json!({"enrollmentIds": [eng_enrollment, foreign, 999_999_999]})).await;
    assert_eq!(removed["message"], "1 student(s) removed successfully");
    assert!(row_of(&rows(&app, &s.admin, s.course).await, eng).is_none());
    assert!(mirror(&app, ENG_LEARNER).await.is_none(), "a removed enrollment is gone from every face");
    assert_eq!(rows(&app, &s.admin, s.other_course).await, other, "another course's enrollment is untouched");

    // Each action wrote its verb.
    let (_, activity) =
        call(&app, Some(&s.admin), "GET", &format!("/courses/activities?course_id={}&page_size=100&page_number=1", s.course), None).await;
    let verbs: Vec<&str> = activity["records"].as_array().unwrap().iter().map(|row| row["verb"].as_str().unwrap()).collect();
    for verb in ["ENROLLED", "REVOKED", "GRANTED", "UPDATED EXPIRY DATE", "ACHIEVED CERTIFICATE", "RESET", "REMOVED"] {
        assert!(verbs.contains(&verb), "{verb} in {verbs:?}");
    }
    assert_eq!(activity["recordsTotal"].as_u64(), Some(verbs.len() as u64));
    // Searched by a learner's name or e-mail (the fixture's e-mails hold the logins), oldest first.
    let search =
        "&search_param=%7B%22nameOrEmail%22%3A%22east%22%7D&order_by=%7B%22colName%22%3A%22created_at%22%2C%22direction%22%3A%22asc%22%7D";
    let (_, east_only) =
        call(&app, Some(&s.admin), "GET", &format!("/courses/activities?course_id={}&page_size=100&page_number=1{search}", s.course), None)
            .await;
    assert_eq!(east_only["recordsTotal"], activity["recordsTotal"]);
    assert!(east_only["recordsFiltered"].as_i64().unwrap() < activity["recordsTotal"].as_i64().unwrap());
    let ids: Vec<i64> = east_only["records"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && !ids.is_empty(), "{east_only}");
    let _ = sales;
}

async fn progress_through_modules(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let east = s.learners[2];
    enroll(&app, &s, &[east]).await;
    let enrollment = row_of(&rows(&app, &s.admin, s.course).await, east).unwrap()["id"].as_i64().unwrap();
    let path = format!("/course-registrations/{enrollment}/progress");
    let (status, progress) = call(&app, Some(&s.admin), "GET", &format!("{path}?userId={east}"), None).await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(
        (&progress["status"], &progress["completionPercentage"], &progress["hasSection"]),
        (&json!("Not Started"), &json!(0), &json!(false))
    );
    assert!(
        progress["enrollmentDate"].as_str().unwrap().ends_with(".000000Z") || progress["enrollmentDate"].as_str().unwrap().ends_with('Z')
    );
    let modules = progress["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 3);
    assert!(modules.iter().all(|m| m["status_row_id"] == -1 && m["status"] == "Not Started"), "{modules:?}");
    assert_eq!(modules[2]["totalMarks"], 10);

    // Modules move the course: one of three completed is 33 %, in progress.
    let done = json!([{"module_id": s.modules[0], "status": "Completed"}]).to_string();
    let (status, updated) = call(&app, Some(&s.admin), "PUT", &format!("{path}?userId={east}&modules={}", urlencode(&done)), None).await;
    assert_eq!((status, updated), (200, json!({"message": "Course updated Successfully"})));
    let (_, progress) = call(&app, Some(&s.admin), "GET", &format!("{path}?userId={east}"), None).await;
    assert_eq!((&progress["status"], &progress["completionPercentage"]), (&json!("In Progress"), &json!(33)));
    assert_ne!(progress["modules"][0]["status_row_id"], -1);
    // Only what is given is written; Completed dates the completion and issues the certificate.
    let (status, _) =
        call(&app, Some(&s.admin), "PUT", &format!("{path}?userId={east}&status=Completed&lastAccessed=2026-03-04%2010:20:30"), None).await;
    assert_eq!(status, 200);
    let (_, progress) = call(&app, Some(&s.admin), "GET", &format!("{path}?userId={east}"), None).await;
    assert_eq!((&progress["status"], &progress["completionPercentage"]), (&json!("Completed"), &json!(100)));
    assert_eq!(progress["lastAccessed"], "2026-03-04T10:20:30.000000Z");
    assert!(progress["completionDate"].is_string() && progress["startDate"].is_string());
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, east).unwrap()["certificate_count"], 1);
    let (_, activity) =
        call(&app, Some(&s.admin), "GET", &format!("/courses/activities?course_id={}&page_size=100&page_number=1", s.course), None).await;
    let verbs: Vec<&str> = activity["records"].as_array().unwrap().iter().map(|row| row["verb"].as_str().unwrap()).collect();
    assert!(["MANUALLY UPDATED", "COMPLETED", "ACHIEVED CERTIFICATE"].iter().all(|v| verbs.contains(v)), "{verbs:?}");

    // The learner reads its own progress, not another's, and manages nothing.
    assert_eq!(call(&app, Some(&s.learner), "GET", &format!("{path}?userId={east}"), None).await.0, 200);
    assert_eq!(call(&app, Some(&s.learner), "PUT", &format!("{path}?userId={east}&status=Completed"), None).await.0, 403);
    assert_eq!(call(&app, Some(&s.learner), "GET", &learners_path(s.course, ""), None).await.0, 403);
    // Wrong user, unknown enrollment, bad inputs.
    assert_eq!(call(&app, Some(&s.admin), "GET", &format!("{path}?userId={}", s.learners[0]), None).await.0, 404);
    assert_eq!(call(&app, Some(&s.admin), "GET", &format!("/course-registrations/abc/progress?userId={east}"), None).await.0, 404);
    let (status, refused) = call(&app, Some(&s.admin), "PUT", &format!("{path}?status=Done"), None).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["status"].is_array(), "{refused}");
    let (status, refused) = call(&app, Some(&s.admin), "PUT", &format!("{path}?startDate=yesterday"), None).await;
    assert_eq!((status, &refused["errors"]["startDate"][0]), (422, &json!("The startDate field must match the format Y-m-d H:i:s.")));
    // The seed's other reading: the id of the course, with the user.
    let (status, _) =
        call(&app, Some(&s.admin), "PUT", &format!("/course-registrations/{}/progress?userId={east}&status=In%20Progress", s.course), None)
            .await;
    assert_eq!(status, 200);
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn tokens_roles_and_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let path = learners_path(s.course, "");
    assert_eq!(call(&app, None, "GET", &path, None).await, (401, json!({"message": "Unauthenticated."})));
    assert_eq!(call(&app, Some("not-a-token"), "GET", &path, None).await, (401, json!({"message": "Unauthenticated."})));
    // Another tenant's token knows nothing of acme's course.
    assert_eq!(call(&app, Some(&s.other_tenant), "GET", &path, None).await, (404, json!({"message": "Course not found"})));
    assert_eq!(call(&app, Some(&s.learner), "GET", &path, None).await, (403, json!({"message": "This action is unauthorized."})));
    // Laravel's validation answers, naming the field.
    for (query, field, message) in [
        ("portalId=-1&page_size=1&page_number=1", "course_id", "The course id field is required."),
        ("course_id=1&page_size=1&page_number=1", "portalId", "The portalId field is required."),
        ("course_id=1&portalId=-1&page_size=ten&page_number=1", "page_size", "The page size field must be an integer."),
        ("course_id=1&portalId=-1&page_size=10&page_number=1&order_by=shoe_size", "order_by", "The selected order by is invalid."),
    ] {
        let (status, answer) = call(&app, Some(&s.admin), "GET", &format!("/courses/enrolled-learners?{query}"), None).await;
        assert_eq!((status, answer), (422, json!({"message": message, "errors": {field: [message]}})), "{query}");
    }
    let (status, answer) = call(&app, Some(&s.admin), "POST", &format!("/courses/{}/enrollments", s.course), Some(json!({}))).await;
    assert_eq!((status, &answer["errors"]["studentIds"][0]), (422, &json!("The studentIds field is required.")));
    let (status, answer) =
        call(&app, Some(&s.admin), "POST", &format!("/courses/{}/enrollments", s.course), Some(json!({"studentIds": ["x"]}))).await;
    assert_eq!((status, &answer["errors"]["studentIds.0"][0]), (422, &json!("The studentIds.0 field must be an integer.")));
    let (status, answer) = call(&app, Some(&s.admin), "POST", "/courses/999999/enrollments", Some(json!({"studentIds": [1]}))).await;
    assert_eq!((status, answer), (404, json!({"message": "Course not found"})));
    let unknown_portal = format!("/courses/enrolled-learners?course_id={}&portalId=999999&page_size=1&page_number=1", s.course);
    assert_eq!(call(&app, Some(&s.admin), "GET", &unknown_portal, None).await, (404, json!({"message": "Portal not found"})));

    // A portal admin reaches the learners of its portals (and their sub-portals) only.
    let [eng, hq, east] = [s.learners[0], s.learners[1], s.learners[2]];
    let (_, answer) =
        call(&app, Some(&s.portal_admin), "POST", &format!("/courses/{}/enrollments", s.course), Some(json!({"studentIds": [hq, east]})))
            .await;
    assert_eq!((&answer["enrolledUsersCount"], &answer["notEnrolledUsers"]), (&json!(1), &json!(1)), "HQ is outside the admin's portals");
    enroll(&app, &s, &[eng, hq, east]).await;
    let seen: Vec<i64> = rows(&app, &s.portal_admin, s.course).await.iter().map(|row| row["user_id"].as_i64().unwrap()).collect();
    assert_eq!(seen, vec![east], "the sub-portal's admin sees its learner only");
    let all = rows(&app, &s.admin, s.course).await;
    let hq_enrollment = row_of(&all, hq).unwrap()["id"].as_i64().unwrap();
    let (_, answer) = call(
        &app,
        Some(&s.portal_admin),
        "POST",
        &format!("/courses/{}/enrollments/revoke-access", s.course),
        Some(json!({"enrollmentIds": [hq_enrollment]})),
    )
    .await;
    assert_eq!(answer["message"], "0 learner(s) access has been revoked successfully");
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, hq).unwrap()["access_status"], "Allowed");
    let _ = s.sub_portal;

    // The lookups.
    let (_, statuses) = call(&app, Some(&s.admin), "GET", "/lookups/course-statuses", None).await;
    assert_eq!(statuses.as_array().unwrap().len(), 3);
    let (_, verbs) = call(&app, Some(&s.learner), "GET", "/lookups/course-activities", None).await;
    assert_eq!(verbs.as_array().unwrap().len(), 21);
    assert!(verbs.as_array().unwrap().contains(&json!({"db_value": "RETAKE", "display_value": "RETAKEN"})));
    let (_, verbs) = call(&app, Some(&s.admin), "GET", "/lookups/learning-path-activities", None).await;
    assert_eq!(verbs.as_array().unwrap().len(), 6);

    // Under the prefix too, and the document.
    let response = app.client.get(format!("{}/aom/api{path}", app.base_url)).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = app.client.get(format!("{}/aom/openapi.json", app.base_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
    assert!(document["paths"]["/api/courses/enrolled-learners"]["get"].is_object());
}

async fn learner_pages_and_user_views(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let east = s.learners[2];
    enroll(&app, &s, &[east]).await;
    let enrollment = row_of(&rows(&app, &s.admin, s.course).await, east).unwrap()["id"].as_i64().unwrap();

    // The gradebook: the seed's keys, "" for times not reached, Never for no access.
    let (status, book) =
        call(&app, Some(&s.admin), "GET", &format!("/course-registrations/{enrollment}/gradebook?userId={east}"), None).await;
    assert_eq!(status, 200, "{book}");
    let keys: std::collections::BTreeSet<&str> = book.as_object().unwrap().keys().map(String::as_str).collect();
    let expected = [
        "name",
        "modules",
        "id",
        "userId",
        "featuredImageUrl",
        "instructions",
        "accessStatus",
        "status",
        "completionPercentage",
        "timeSpent",
        "enrollmentDate",
        "isExpired",
        "daysToExpire",
        "lastAccessed",
        "isCertificateAvailable",
        "totalMarks",
        "obtainedMarks",
        "percentage",
    ];
    assert_eq!(keys, expected.into_iter().collect());
    assert_eq!(
        (&book["daysToExpire"], &book["lastAccessed"], &book["totalMarks"]),
        (&json!("Unlimited days"), &json!("Never"), &json!(10))
    );
    assert_eq!((&book["modules"][0]["started_on"], &book["modules"][0]["total_time_spent"]), (&json!(""), &json!("")));
    assert_eq!(book["timeSpent"], json!({"hours": 0, "minutes": 0, "seconds": 0, "totalSeconds": 0}));

    // Launch: with info nothing starts; without, the course starts and the access is recorded.
    let launch = |info: bool| format!("/course-registrations/{enrollment}/launch?portalId=-1{}", if info { "&info=true" } else { "" });
    let (status, read) = call(&app, Some(&s.learner), "GET", &launch(true), None).await;
    assert_eq!(
        (status, &read["status"], &read["timeSpent"], &read["expireOn"]),
        (200, &json!("Not Started"), &json!("00:00:00"), &json!("Never"))
    );
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, east).unwrap()["started_on"], "");
    let (status, started) = call(&app, Some(&s.learner), "GET", &launch(false), None).await;
    assert_eq!((status, &started["status"]), (200, &json!("In Progress")), "{started}");
    let today = chrono::Utc::now().date_naive().format("%b %d, %Y").to_string();
    assert_eq!(row_of(&rows(&app, &s.admin, s.course).await, east).unwrap()["started_on"], json!(today));
    let (_, mine) =
        call(&app, Some(&s.learner), "GET", "/users/activities?context=admin&portalId=-1&page_size=10&page_number=1", None).await;
    let verbs: Vec<&str> = mine["records"].as_array().unwrap().iter().map(|r| r["verb"].as_str().unwrap()).collect();
    assert_eq!(&verbs[..3], ["ACCESSED", "STARTED", "ENROLLED"], "{mine}");
    assert!(mine["records"][0]["course"].is_string());
    // Revoked access refuses a launch, not a reading.
    call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/courses/{}/enrollments/revoke-access", s.course),
        Some(json!({"enrollmentIds": [enrollment]})),
    )
    .await;
    assert_eq!(call(&app, Some(&s.learner), "GET", &launch(false), None).await.0, 403);
    assert_eq!(call(&app, Some(&s.learner), "GET", &launch(true), None).await.0, 200);
    assert_eq!(
        call(&app, Some(&s.admin), "GET", &format!("/course-registrations/{enrollment}/launch"), None).await.0,
        422,
        "portalId is required"
    );

    // Course information: Not Enrolled for a learner who is not; the learner's statuses otherwise.
    let enrolled_now = rows(&app, &s.admin, s.course).await;
    let outsider = s.learners.iter().copied().find(|user| row_of(&enrolled_now, *user).is_none()).expect("a learner not in the course");
    let (_, info) =
        call(&app, Some(&s.admin), "GET", &format!("/courses/info?courseId={}&portalId=-1&userId={outsider}", s.course), None).await;
    assert_eq!((info["modules"].as_array().unwrap().len(), &info["modules"][0]["status"]), (3, &json!("Not Enrolled")), "{info}");
    assert_eq!((&info["modules"][0]["icon"], &info["modules"][0]["display_type"]), (&json!("el-icon-tickets"), &json!("Text")));
    let (_, info) =
        call(&app, Some(&s.admin), "GET", &format!("/courses/info?courseId={}&portalId=-1&userId={east}", s.course), None).await;
    assert_eq!(info["modules"][0]["status"], "Not Started");

    // The enrolled-user lookup finds by name or e-mail (the fixture's e-mails hold the logins).
    let (_, found) =
        call(&app, Some(&s.admin), "GET", &format!("/lookups/course-enrolled-users?search_term=%22EAST%22&id={}", s.course), None).await;
    assert_eq!(found.as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![east], "{found}");
    let (_, none) =
        call(&app, Some(&s.admin), "GET", &format!("/lookups/course-enrolled-users?search_term=nobody&id={}", s.course), None).await;
    assert_eq!(none, json!([]));

    // A user's courses: the learner's own (self) and, for a manager, anyone's (manage).
    let courses = |who: i64, view: &str| {
        format!("/users/enrolled-courses?user_id={who}&page_size=20&page_number=1&portalId=-1&viewType={view}&manage_course=false")
    };
    let (status, own) = call(&app, Some(&s.learner), "GET", &courses(0, "self"), None).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!((&own["userType"], &own["isLearner"]), (&json!("learner"), &json!(true)));
    let record = own["records"].as_array().unwrap().iter().find(|r| r["id"] == json!(enrollment)).unwrap().clone();
    assert_eq!(
        (&record["accessStatus"], &record["courseId"], &record["status"]),
        (&json!("Revoked"), &json!(s.course), &json!("In Progress"))
    );
    let (_, managed) = call(&app, Some(&s.admin), "GET", &courses(east, "manage"), None).await;
    assert_eq!(managed["recordsTotal"], own["recordsTotal"]);
    assert_eq!(call(&app, Some(&s.learner), "GET", &courses(s.learners[1], "manage"), None).await.0, 403);

    // Certificates: listed for the holder, dates changed by the list's id.
    call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/courses/{}/enrollments/grant-access", s.course),
        Some(json!({"enrollmentIds": [enrollment]})),
    )
    .await;
    call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/courses/{}/enrollments/assign-certificate", s.course),
        Some(json!({"enrollmentIds": [enrollment]})),
    )
    .await;
    let (status, held) = call(&app, Some(&s.learner), "GET", "/users/undefined/certificates?page_size=10&page_number=1", None).await;
    assert_eq!(status, 200, "{held}");
    let certificate = held[0].clone();
    assert_eq!((&certificate["status"], &certificate["issuer"]), (&json!("active"), &json!("acme")));
    let row = certificate["id"].as_i64().unwrap();
    let (status, answer) = call(
        &app,
        Some(&s.admin),
        "PUT",
        &format!("/user-certificates/{row}/dates"),
        Some(json!({"newIssueDate": "2024-02-03 10:00:00", "newExpiryDate": "2027-02-03 10:00:00"})),
    )
    .await;
    assert_eq!((status, answer), (200, json!({"message": "Date Updated Successfully"})));
    let (_, held) = call(&app, Some(&s.admin), "GET", &format!("/users/{east}/certificates?page_size=10&page_number=1"), None).await;
    assert_eq!((&held[0]["issued_at"], &held[0]["valid_till"]), (&json!("2024-02-03"), &json!("2027-02-03")));
    let (status, _) = call(
        &app,
        Some(&s.admin),
        "PUT",
        &format!("/user-certificates/{row}/dates"),
        Some(json!({"newIssueDate": "2024-02-03 10:00:00", "newExpiryDate": "2020-01-01 00:00:00"})),
    )
    .await;
    assert_eq!(status, 422, "an expiry before the issue");
    assert_eq!(
        call(
            &app,
            Some(&s.learner),
            "PUT",
            &format!("/user-certificates/{row}/dates"),
            Some(json!({"newIssueDate": "2024-02-03 10:00:00", "newExpiryDate": "2025-02-03 10:00:00"}))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(
            &app,
            Some(&s.other_tenant),
            "PUT",
            &format!("/user-certificates/{row}/dates"),
            Some(json!({"newIssueDate": "2024-02-03 10:00:00", "newExpiryDate": "2025-02-03 10:00:00"}))
        )
        .await
        .0,
        404
    );

    // The dashboard adds up.
    let (_, board) = call(&app, Some(&s.admin), "GET", &format!("/users/dashboard-statistics?user_id={east}&portalId=-1"), None).await;
    let sum = ["completedCourses", "inProgressCourses", "notStartedCourses"].iter().map(|k| board[k].as_i64().unwrap()).sum::<i64>();
    assert_eq!(board["totalCourses"].as_i64(), Some(sum), "{board}");

    // The courses every new learner gets: the owner's and administrators' to set.
    let (status, answer) =
        call(&app, Some(&s.admin), "PUT", "/courses/auto-enroll", Some(json!({"courses": [s.course, s.other_course]}))).await;
    assert_eq!((status, answer), (200, json!({"message": "Course Updated Successfully", "type": "success", "title": "Success"})));
    assert_eq!(call(&app, Some(&s.admin), "PUT", "/courses/auto-enroll", Some(json!({"courses": [999999]}))).await.0, 404);
    assert_eq!(call(&app, Some(&s.learner), "PUT", "/courses/auto-enroll", Some(json!({"courses": [s.course]}))).await.0, 403);
}

async fn portals_seats_and_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, hq, east] = [s.learners[0], s.learners[1], s.learners[2]];

    // Details: the root portal's seats and members, its sub-portal, its parent's names.
    let (status, root) = call(&app, Some(&s.admin), "GET", &format!("/portals/details?portalId={}", s.portal), None).await;
    assert_eq!(status, 200, "{root}");
    assert_eq!(
        (&root["totalSeats"], &root["usedSeats"], &root["availableSeats"], &root["subPortalCount"], &root["parentPortalId"]),
        (&json!(10), &json!(1), &json!(9), &json!(1), &Value::Null)
    );
    assert!(root["selectedContent"].is_object());
    let (_, sub) = call(&app, Some(&s.admin), "GET", &format!("/portals/{}", s.sub_portal), None).await;
    assert_eq!(
        (&sub["parentPortalId"], &sub["parentPortalName"], &sub["totalPortalAdmins"]),
        (&json!(s.portal), &json!("Acme Academy"), &json!(1))
    );
    assert_eq!(
        call(&app, Some(&s.admin), "GET", "/portals/details?portalId=999999", None).await,
        (404, json!({"message": "Portal not found"}))
    );
    // The portal admin reaches its sub-portal only.
    assert_eq!(call(&app, Some(&s.portal_admin), "GET", &format!("/portals/details?portalId={}", s.portal), None).await.0, 403);
    assert_eq!(call(&app, Some(&s.portal_admin), "GET", &format!("/portals/details?portalId={}", s.sub_portal), None).await.0, 200);
    assert_eq!(call(&app, Some(&s.learner), "GET", &format!("/portals/details?portalId={}", s.sub_portal), None).await.0, 403);

    // Create a portal, then sub-portals; the lookups find them.
    let body = json!({"portalName": "Partners", "portalSlug": "partners", "totalSeat": "2", "brandColor": "#3498db",
        "bodyBackgroundColor": "#ffffff", "bodyTextColor": "#333333", "selectedPrimaryLanguage": "en", "selectedCourses": [s.course]});
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/portals", Some(body.clone())).await,
        (200, json!({"message": "Portal created successfully"}))
    );
    let (status, taken) = call(&app, Some(&s.admin), "POST", "/portals", Some(body)).await;
    assert_eq!((status, &taken["errors"]["portalSlug"][0]), (422, &json!("The portal slug has already been taken.")));
    let (status, missing) = call(&app, Some(&s.admin), "POST", "/portals", Some(json!({"portalName": "X"}))).await;
    assert_eq!((status, missing["errors"].as_object().unwrap().keys().next().unwrap().as_str()), (422, "brandColor"));
    assert_eq!(call(&app, Some(&s.portal_admin), "POST", "/portals", Some(json!({}))).await.0, 403);
    let (_, found) = call(&app, Some(&s.admin), "GET", "/lookups/portals?search_term=partn", None).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let partners = found[0]["id"].as_i64().unwrap();
    assert_eq!((&found[0]["totalSeats"], &found[0]["usedSeat"], &found[0]["availableSeats"]), (&json!(2), &json!(0), &json!(2)));
    let subs = json!({"subPortal": "[{\"name\": \"Partners East\", \"referralCode\": \"pe\"}, {\"name\": \"Partners West\"}]"});
    let (status, answer) = call(&app, Some(&s.admin), "POST", &format!("/portals/{partners}/sub-portals"), Some(subs)).await;
    assert_eq!((status, answer), (200, json!({"message": "Sub Portal added successfully"})));
    let (_, children) = call(&app, Some(&s.admin), "GET", &format!("/lookups/portals?type=subPortals&portalId={partners}"), None).await;
    assert_eq!(
        children.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Partners East", "Partners West"]
    );
    let (_, mine) = call(&app, Some(&s.portal_admin), "GET", "/lookups/portals", None).await;
    assert_eq!(mine.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![s.sub_portal]);
    let (_, courses) =
        call(&app, Some(&s.admin), "GET", &format!("/portals/courses?portalId={partners}&page_size=10&page_number=1"), None).await;
    assert_eq!((&courses["recordsTotal"], &courses["records"][0]["courseId"]), (&json!(1), &json!(s.course)), "{courses}");

    // Learners: new ones within the seats and the blocked domains, existing ones; courses enrolled.
    let (status, _) = call(&app, Some(&s.admin), "PUT", "/courses/auto-enroll", Some(json!({"courses": [s.other_course]}))).await;
    assert_eq!(status, 200);
    let new = |email: &str| json!({"first_name": "Pat", "last_name": "Partner", "email": email});
    let (status, added) = call(&app, Some(&s.admin), "POST", "/portals/learners",
        Some(json!({"portalId": partners, "userAddedType": "addManually", "learners": [new("pat@partner.example")], "enrollCoursesIds": [s.course]}))).await;
    assert_eq!((status, added), (201, json!({"message": "1 learner(s) added successfully"})));
    let (_, users) =
        call(&app, Some(&s.admin), "GET", &format!("/portals/users?portalId={partners}&page_size=10&page_number=1"), None).await;
    let pat = users["records"][0].clone();
    assert_eq!(
        (&pat["firstName"], &pat["userType"], &pat["status"], &pat["is_learner"]),
        (&json!("Pat"), &json!("learner"), &json!("active"), &json!(true)),
        "{users}"
    );
    assert_eq!(
        pat["stats"],
        json!({"notStarted": 2, "inProgress": 0, "completed": 0, "total": 2}),
        "the course asked for and the one every learner gets"
    );
    let pat_id = pat["id"].as_i64().unwrap();
    assert!(row_of(&rows(&app, &s.admin, s.course).await, pat_id).is_some());
    // The portal's second seat goes to an existing user; a third learner is refused, and nothing changes.
    let (status, _) =
        call(&app, Some(&s.admin), "POST", "/portals/learner-list", Some(json!({"portalId": partners, "userIds": [hq]}))).await;
    assert_eq!(status, 201);
    let (status, full) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/portals/learners",
        Some(json!({"portalId": partners, "userAddedType": "existingUser", "selectExistingUsers": [east]})),
    )
    .await;
    assert_eq!(status, 422, "{full}");
    let (_, seats) = call(&app, Some(&s.admin), "GET", "/lookups/portals?search_term=partners", None).await;
    assert_eq!(seats.as_array().unwrap().iter().find(|p| p["id"] == json!(partners)).unwrap()["usedSeat"], 2);
    // A blocked domain is refused in the vendor's key, before anyone is made.
    let (status, blocked) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/portals/learners",
        Some(json!({"portalId": s.sub_portal, "userAddedType": "addManually", "learners": [new("spy@blocked.example")]})),
    )
    .await;
    let message = "Email or domain is blocked for user with email spy@blocked.example. Please contact Admin.";
    assert_eq!((status, &blocked["blockedEmailDomainsmessage"], &blocked["message"]), (422, &json!(message), &json!(message)), "{blocked}");
    let (status, unknown) =
        call(&app, Some(&s.admin), "POST", "/portals/learners", Some(json!({"portalId": partners, "userAddedType": "fax"}))).await;
    assert_eq!((status, &unknown["errors"]["userAddedType"][0]), (422, &json!("The selected user added type is invalid.")));

    // Members leave a portal and its sub-portals; memberships are deactivated and activated.
    let (status, answer) =
        call(&app, Some(&s.admin), "PUT", "/portals/users/status", Some(json!({"userIds": [pat_id], "status": "inactive"}))).await;
    assert_eq!((status, answer), (200, json!({"message": "Portal user status updated successfully"})));
    let (_, users) =
        call(&app, Some(&s.admin), "GET", &format!("/portals/users?portalId={partners}&page_size=10&page_number=1"), None).await;
    assert_eq!(users["records"].as_array().unwrap().iter().find(|u| u["id"] == json!(pat_id)).unwrap()["status"], "inactive");
    let (status, answer) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/portals/users/remove",
        Some(json!({"userIds": [pat_id, hq], "portalId": partners, "type": "learner"})),
    )
    .await;
    assert_eq!((status, answer), (201, json!({"message": "Portal user removed successfully"})));
    let (_, users) =
        call(&app, Some(&s.admin), "GET", &format!("/portals/users?portalId={partners}&page_size=10&page_number=1"), None).await;
    assert_eq!(users["recordsTotal"], 0);
    // The admin's portal admin leaves the sub-portal when removed from the root's tree.
    call(&app, Some(&s.admin), "POST", "/portals/users/remove", Some(json!({"userIds": [eng], "portalId": s.portal, "type": "learner"})))
        .await;
    let (_, users) = call(
        &app,
        Some(&s.admin),
        "GET",
        &format!("/portals/users?portalId={}&page_size=10&page_number=1&userType=learner", s.portal),
        None,
    )
    .await;
    assert_eq!(users["records"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![east]);

    // The current portal.
    let (status, answer) = call(&app, Some(&s.learner), "PUT", &format!("/users/current-portal?portalId={}", s.sub_portal), None).await;
    assert_eq!((status, answer), (200, json!({"message": "Current portal updated successfully"})));
    assert_eq!(
        call(&app, Some(&s.learner), "PUT", &format!("/users/current-portal?portalId={}&userId={hq}", s.sub_portal), None).await.0,
        403
    );
    assert_eq!(call(&app, Some(&s.learner), "PUT", "/users/current-portal?portalId=999999", None).await.0, 404);
}

async fn learning_paths(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, hq, east] = [s.learners[0], s.learners[1], s.learners[2]];
    // Two paths of acme's two courses: one with a certificate template, one without.
    let service = app.service.clone();
    let courses = [s.course, s.other_course];
    let (path, bare) = tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<(i64, i64), lmsbridge::service::OpError> {
                use lmsbridge::store::paths::{NewPath, insert};
                let now = chrono::Utc::now().naive_utc();
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let template = academy::insert_certificate_template(tx, acme, "Path certificate", now)?;
                let new = |name, slug, certificate_template_id| NewPath {
                    tenant_id: acme,
                    name,
                    slug,
                    instructions: None,
                    certificate_template_id,
                    courses: &courses,
                };
                Ok((insert(tx, &new("Foundations", "foundations", Some(template)), now)?, insert(tx, &new("Bare", "bare", None), now)?))
            })
            .unwrap()
    })
    .await
    .unwrap();
    let students =
        |extra: &str| format!("/learning-paths/enrolled-students?learning_path_id={path}&portalId=-1&page_size=50&page_number=1{extra}");

    // Enrolling in a path enrolls in its courses too.
    let (status, answer) =
        call(&app, Some(&s.admin), "POST", &format!("/learning-paths/{path}/enrollments"), Some(json!({"studentIds": [eng, hq, 999_999]})))
            .await;
    assert_eq!(
        (status, answer),
        (200, json!({"message": "2 student(s) enrolled successfully", "enrolledUsersCount": 2, "notEnrolledUsers": 1}))
    );
    let (_, again) =
        call(&app, Some(&s.admin), "POST", &format!("/learning-paths/{path}/enrollments"), Some(json!({"studentIds": [eng]}))).await;
    assert_eq!(again["enrolledUsersCount"], 0);
    assert!(
        row_of(&rows(&app, &s.admin, s.course).await, eng).is_some() && row_of(&rows(&app, &s.admin, s.other_course).await, eng).is_some()
    );
    let (status, list) = call(&app, Some(&s.admin), "GET", &students(""), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!((&list["learningPathName"], &list["recordsTotal"]), (&json!("Foundations"), &json!(2)));
    let total: i64 = ["totalNotStarted", "totalInProgress", "totalCompleted"].iter().map(|k| list[k].as_i64().unwrap()).sum();
    assert_eq!(total, 2);
    let eng_path = list["records"].as_array().unwrap().iter().find(|r| r["user_id"] == json!(eng)).unwrap()["id"].as_i64().unwrap();

    // The path's progress is its courses': one of two completed is 50 %, both is Completed (the
    // second course's enrollment, which the fixture may have completed, starts over).
    let second = row_of(&rows(&app, &s.admin, s.other_course).await, eng).unwrap()["id"].as_i64().unwrap();
    let path_reset = format!("/courses/{}/enrollments/reset-progress", s.other_course);
    assert_eq!(call(&app, Some(&s.admin), "POST", &path_reset, Some(json!({"enrollmentIds": [second]}))).await.0, 200);
    let complete = |enrollment: i64, user: i64| format!("/course-registrations/{enrollment}/progress?userId={user}&status=Completed");
    let first = row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap()["id"].as_i64().unwrap();
    assert_eq!(call(&app, Some(&s.admin), "PUT", &complete(first, eng), None).await.0, 200);
    let (_, list) = call(&app, Some(&s.admin), "GET", &students(""), None).await;
    let row = list["records"].as_array().unwrap().iter().find(|r| r["id"] == json!(eng_path)).unwrap().clone();
    assert_eq!((&row["status"], &row["percentComplete"]), (&json!("In Progress"), &json!(50)));
    call(&app, Some(&s.admin), "PUT", &complete(second, eng), None).await;
    let (_, done) = call(&app, Some(&s.admin), "GET", &students("&search_param=%7B%22status%22%3A%5B%22Completed%22%5D%7D"), None).await;
    assert_eq!(
        (&done["recordsFiltered"], &done["records"][0]["id"], &done["records"][0]["percentComplete"]),
        (&json!(1), &json!(eng_path), &json!(100))
    );

    // Launch: the courses with the learner's progress; info only reads.
    let (status, launch) =
        call(&app, Some(&s.admin), "GET", &format!("/learning-path-registrations/{eng_path}/launch?portalId=-1&info=true"), None).await;
    assert_eq!(status, 200, "{launch}");
    assert_eq!(
        (&launch["status"], &launch["learningPathStatus"], launch["courseData"].as_array().unwrap().len()),
        (&json!("Completed"), &json!("Active"), 2)
    );
    assert_eq!(launch["courseData"][0]["status"], "Completed");
    assert_eq!(
        call(&app, Some(&s.learner), "GET", &format!("/learning-path-registrations/{eng_path}/launch?portalId=-1"), None).await.0,
        403
    );

    // The certificate: the path's template, with the vendor's key; refused without a template.
    let (status, answer) = call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/learning-paths/{path}/enrollments/assign-certificate"),
        Some(json!({"enrollmentIds": [eng_path, 999_999]})),
    )
    .await;
    assert_eq!((status, answer), (200, json!({"isSucess": true, "message": "Certificate assigned successfully to 1 student(s)"})));
    let (_, list) = call(&app, Some(&s.admin), "GET", &students(""), None).await;
    assert_eq!(list["records"].as_array().unwrap().iter().find(|r| r["id"] == json!(eng_path)).unwrap()["certificate_count"], 1);
    let (_, bare_answer) =
        call(&app, Some(&s.admin), "POST", &format!("/learning-paths/{bare}/enrollments"), Some(json!({"studentIds": [east]}))).await;
    assert_eq!(bare_answer["enrolledUsersCount"], 1);
    let refused = call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/learning-paths/{bare}/enrollments/assign-certificate"),
        Some(json!({"enrollmentIds": [1]})),
    )
    .await;
    assert_eq!(refused.0, 422, "{}", refused.1);

    // Remove: the path's enrollment goes, the course enrollments stay; unknown ids count for nothing.
    let (_, removed) = call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/learning-paths/{path}/enrollments/remove"),
        Some(json!({"enrollmentIds": [eng_path, 999_999]})),
    )
    .await;
    assert_eq!(removed, json!({"message": "1 student(s) removed successfully"}));
    let (_, list) = call(&app, Some(&s.admin), "GET", &students(""), None).await;
    assert_eq!(list["recordsTotal"], 1);
    assert!(row_of(&rows(&app, &s.admin, s.course).await, eng).is_some());
    let unknown = "/learning-paths/enrolled-students?learning_path_id=999999&portalId=-1&page_size=5&page_number=1";
    assert_eq!(call(&app, Some(&s.admin), "GET", unknown, None).await, (404, json!({"message": "Learning path not found"})));
    assert_eq!(call(&app, Some(&s.learner), "GET", &students(""), None).await.0, 403);
}

async fn reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, east] = [s.learners[0], s.learners[2]];
    enroll(&app, &s, &[eng, east]).await;
    let enrollment = row_of(&rows(&app, &s.admin, s.course).await, eng).unwrap()["id"].as_i64().unwrap();
    call(
        &app,
        Some(&s.admin),
        "POST",
        &format!("/courses/{}/enrollments/assign-certificate", s.course),
        Some(json!({"enrollmentIds": [enrollment]})),
    )
    .await;
    let body = |courses: Value, portals: Value, extra: Value| {
        let mut body = json!({"course_ids": courses, "page_size": "50", "page_number": 1, "order_by": {"colName": "registered_on", "direction": "desc"},
            "search_param": {}, "userCategoryId": -1, "registered_between": ["", ""], "searchPortalIds": portals});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, report) =
        call(&app, Some(&s.admin), "POST", "/reports/course-detail", Some(body(json!([s.course]), json!([-1]), json!({})))).await;
    assert_eq!(status, 200, "{report}");
    let total: i64 = ["totalNotStarted", "totalInProgress", "totalCompleted"].iter().map(|k| report[k].as_i64().unwrap()).sum();
    assert_eq!(report["recordsTotal"].as_i64(), Some(total));
    let learners = rows(&app, &s.admin, s.course).await;
    assert_eq!(report["recordsTotal"].as_u64(), Some(learners.len() as u64), "the report and the course's learners agree");
    let row = report["records"].as_array().unwrap().iter().find(|r| r["user_id"] == json!(eng)).unwrap().clone();
    assert_eq!(
        (&row["certifcate_issued"], &row["certifcate_count"], &row["course_id"], &row["portal_name"]),
        (&json!("Yes"), &json!(1), &json!(s.course), &json!("Acme Academy"))
    );
    let listed = row_of(&learners, eng).unwrap();
    assert_eq!(
        (&row["status"], &row["registered_on"], &row["access_status"]),
        (&listed["status"], &listed["registered_on"], &listed["access_status"])
    );
    assert_eq!(row["total_time_spent"], "0h 0m");
    // Portals narrow it: the sub-portal holds EAST only.
    let (_, narrowed) =
        call(&app, Some(&s.admin), "POST", "/reports/course-detail", Some(body(json!([-1]), json!([s.sub_portal]), json!({})))).await;
    assert!(narrowed["records"].as_array().unwrap().iter().all(|r| r["user_id"] == json!(east)), "{narrowed}");
    // A range in the future finds nothing; a user category is refused (the store keeps none).
    let (_, future) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/reports/course-detail",
        Some(body(json!([-1]), json!([-1]), json!({"registered_between": ["2999-01-01", ""]}))),
    )
    .await;
    assert_eq!(future["recordsTotal"], 0);
    let (status, _) =
        call(&app, Some(&s.admin), "POST", "/reports/course-detail", Some(body(json!([-1]), json!([-1]), json!({"userCategoryId": 7}))))
            .await;
    assert_eq!(status, 422);
    let (status, refused) = call(&app, Some(&s.admin), "POST", "/reports/course-detail", Some(json!({"course_ids": [s.course]}))).await;
    assert_eq!((status, refused["errors"].as_object().unwrap().keys().next().unwrap().as_str()), (422, "page_number"));

    // The overview: one entry a course, and sums that add up.
    let (status, overview) = call(&app, Some(&s.admin), "POST", "/reports/lms-overview", Some(json!({"searchPortalIds": [-1]}))).await;
    assert_eq!(status, 200, "{overview}");
    let n = overview["labels"].as_array().unwrap().len();
    for key in ["totalNotStarted", "totalInProgress", "totalCompleted", "percentageCompleted"] {
        assert_eq!(overview[key].as_array().unwrap().len(), n, "{key}");
    }
    for (list, sum) in [("totalNotStarted", "sumNotStarted"), ("totalInProgress", "sumInProgress"), ("totalCompleted", "sumCompleted")] {
        assert_eq!(overview[list].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).sum::<i64>(), overview[sum].as_i64().unwrap());
    }
    assert_eq!(call(&app, Some(&s.learner), "POST", "/reports/lms-overview", Some(json!({"searchPortalIds": [-1]}))).await.0, 403);
}

on_both_backends!(
    reports,
    enrollments_and_actions,
    progress_through_modules,
    tokens_roles_and_errors,
    learner_pages_and_user_views,
    portals_seats_and_members,
    learning_paths
);
