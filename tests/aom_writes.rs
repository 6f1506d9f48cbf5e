//! Academy Of Mine's webinar and account writes over real HTTP, on SQLite and PostgreSQL: a
//! webinar's students (paging, order, portals), the status and notes of its registrations (what
//! they reach, the verbs they write), its attendance report (totals that add up), bulk upload,
//! quick edit and a user's membership; the roles' reach, Laravel's errors, and bad input changing
//! nothing.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use diesel::prelude::*;
use lmsbridge::domain::role::AomRole;
use lmsbridge::service::OpError;
use lmsbridge::store::portals::{self, NewPortal};
use lmsbridge::store::progress::{self as academy, NewWebinar};
use lmsbridge::store::schema::app_user;
use lmsbridge::store::{Tx, courses, users};
use serde_json::{Value, json};

/// acme's numbers and tokens.
struct Setup {
    admin: String,
    learner: String,
    portal_admin: String,
    other_tenant: String,
    course: i64,
    other_course: i64,
    /// eng (root portal), hq (no portal), east (sub-portal), sales (no portal).
    learners: Vec<i64>,
    portal: i64,
    sub_portal: i64,
    webinar: i64,
    other_webinar: i64,
    gold: i64,
    other_tenant_membership: i64,
    path: i64,
}

fn moment(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

async fn setup(app: &TestApp) -> Setup {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        let ids = service
            .db()
            .write(|tx| -> Result<_, OpError> {
                let now = chrono::Utc::now().naive_utc();
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let other = lmsbridge::store::tenants::tenant_id_by_name(tx, "other")?.unwrap();
                let course = |tx: &mut Tx<'_>, id: &str| courses::courses_by_external_ids(tx, acme, &[id]).map(|c| c[0].id);
                let (course3, course2) = (course(tx, COURSE_3)?, course(tx, COURSE_2)?);
                let learners: Vec<i64> = [ENG_LEARNER, HQ_LEARNER, EAST_LEARNER, SALES_LEARNER]
                    .iter()
                    .map(|id| users::live_user_key(tx, acme, id).map(Option::unwrap))
                    .collect::<Result<_, _>>()?;
                // Names to sort by: the fixture's learners have none.
                for (id, (first, last)) in learners.iter().zip([("Erin", "Eng"), ("Hal", "Hq"), ("Ada", "East"), ("Sam", "Sales")]) {
                    lmsbridge::on_conn!(tx, |c| diesel::update(app_user::table.find(*id))
                        .set((app_user::first_name.eq(first), app_user::last_name.eq(last)))
                        .execute(c))?;
                }
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
                portals::add_members(tx, portal, "learner", &[learners[0]], now)?;
                portals::add_members(tx, sub, "learner", &[learners[2]], now)?;
                portals::add_members(tx, sub, "portal_admin", &[admin], now)?;
                portals::block_domain(tx, portal, "blocked.example")?;
                let webinar = |tx: &mut Tx<'_>, course_id, name| {
                    academy::insert_webinar(
                        tx,
                        &NewWebinar {
                            tenant_id: acme,
                            course_id,
                            name,
                            starts_at: moment("2030-05-01 10:00:00"),
                            ends_at: moment("2030-05-01 11:30:00"),
                        },
                    )
                };
                let (live, other_live) = (webinar(tx, course3, "Live Q&A")?, webinar(tx, course2, "Other")?);
                let gold = portals::insert_membership(tx, acme, "Gold", Some(moment("2030-12-31 23:59:59")), now)?;
                let foreign = portals::insert_membership(tx, other, "Theirs", None, now)?;
                let path = lmsbridge::store::paths::insert(
                    tx,
                    &lmsbridge::store::paths::NewPath {
                        tenant_id: acme,
                        name: "Foundations",
                        slug: "foundations",
                        instructions: None,
                        certificate_template_id: None,
                        courses: &[course3, course2],
                    },
                    now,
                )?;
                Ok((course3, course2, learners, admin, other_user, portal, sub, (live, other_live), (gold, foreign), path))
            })
            .unwrap();
        let (course, other_course, learners, admin, other_user, portal, sub_portal, (webinar, other_webinar), (gold, foreign), path) = ids;
        let token = |role, user: i64| service.create_aom_token("acme", role, Some(&user.to_string())).unwrap().1;
        Setup {
            admin: token(AomRole::Admin, admin),
            learner: token(AomRole::Learner, learners[2]),
            portal_admin: token(AomRole::PortalAdmin, admin),
            other_tenant: service.create_aom_token("other", AomRole::Admin, Some(&other_user.to_string())).unwrap().1,
            course,
            other_course,
            learners,
            portal,
            sub_portal,
            webinar,
            other_webinar,
            gold,
            other_tenant_membership: foreign,
            path,
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

/// A query string of pairs, encoded.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    query.finish()
}

fn invalid(field: &str, message: &str) -> (u16, Value) {
    (422, json!({"message": message, "errors": {field: [message]}}))
}

const FORBIDDEN: (u16, &str) = (403, "This action is unauthorized.");

fn refused(answer: (u16, Value)) -> (u16, String) {
    (answer.0, answer.1["message"].as_str().unwrap_or_default().to_string())
}

/// Enrolls users in a course (as the administrator) and returns their enrollments, by user.
async fn enroll(app: &TestApp, s: &Setup, course: i64, users: &[i64]) -> Vec<i64> {
    let (status, answer) =
        call(app, Some(&s.admin), "POST", &format!("/courses/{course}/enrollments"), Some(json!({"studentIds": users}))).await;
    assert_eq!(status, 200, "{answer}");
    let path = format!("/courses/enrolled-learners?course_id={course}&portalId=-1&page_size=100&page_number=1");
    let (_, list) = call(app, Some(&s.admin), "GET", &path, None).await;
    let rows = list["records"].as_array().unwrap();
    users.iter().map(|user| rows.iter().find(|row| row["user_id"] == json!(user)).unwrap()["id"].as_i64().unwrap()).collect()
}

async fn register(app: &TestApp, webinar: i64, enrollments: Vec<i64>) {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<usize, OpError> {
                Ok(academy::register_for_webinar(tx, webinar, &enrollments, moment("2030-04-01 09:30:00"))?)
            })
            .unwrap()
    })
    .await
    .unwrap();
}

fn students_path(course: i64, webinar: i64, portal: i64, extra: &str) -> String {
    format!("/courses/{course}/webinars/{webinar}/portals/{portal}/students?page_size=50&page_number=1{extra}")
}

/// A webinar's students, by registration.
async fn students(app: &TestApp, token: &str, course: i64, webinar: i64, portal: i64) -> Vec<Value> {
    let (status, answer) = call(app, Some(token), "GET", &students_path(course, webinar, portal, ""), None).await;
    assert_eq!(status, 200, "{answer}");
    answer.as_array().unwrap().clone()
}

fn field_of<'a>(rows: &'a [Value], registration: i64, field: &str) -> &'a Value {
    &rows.iter().find(|row| row["id"] == json!(registration)).unwrap()[field]
}

/// The verbs of a course's activity, newest first.
async fn verbs(app: &TestApp, s: &Setup, course: i64) -> Vec<String> {
    let path = format!("/courses/activities?course_id={course}&page_size=100&page_number=1&portalId=-1");
    let (_, answer) = call(app, Some(&s.admin), "GET", &path, None).await;
    answer["records"].as_array().unwrap().iter().map(|r| r["verb"].as_str().unwrap().to_string()).collect()
}

fn status_path(ids: &str, webinar: i64, portal: i64, status: &str) -> String {
    format!(
        "/webinar-registrations/status?{}",
        query(&[("ids", ids), ("webinarId", &webinar.to_string()), ("portalId", &portal.to_string()), ("status", status)])
    )
}

async fn webinars(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, hq, east] = [s.learners[0], s.learners[1], s.learners[2]];
    let enrolled = enroll(&app, &s, s.course, &[eng, hq, east]).await;
    let [eng_r, hq_r, east_r] = [enrolled[0], enrolled[1], enrolled[2]];
    let hq_other = enroll(&app, &s, s.other_course, &[hq]).await[0];
    register(&app, s.webinar, enrolled.clone()).await;
    register(&app, s.other_webinar, vec![hq_other]).await;

    // The students: the seed's nine keys, its moments, paging, order, portals.
    // Some of them were enrolled before: the list goes by registration.
    let mut by_id = enrolled.clone();
    by_id.sort_unstable();
    let rows = students(&app, &s.admin, s.course, s.webinar, -1).await;
    assert_eq!(rows.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), by_id);
    let eng_row = rows.iter().find(|r| r["id"] == json!(eng_r)).unwrap();
    let keys: Vec<&str> = eng_row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["id", "user_id", "first_name", "last_name", "status", "registered_on", "last_accessed_on", "attendance_recording_type", "notes"]
    );
    assert_eq!(
        (&eng_row["user_id"], &eng_row["status"], &eng_row["registered_on"], &eng_row["last_accessed_on"], &eng_row["notes"]),
        (&json!(eng), &json!("Registered"), &json!("2030-04-01 09:30:00"), &json!(""), &Value::Null)
    );
    let (_, page) = call(
        &app,
        Some(&s.admin),
        "GET",
        &students_path(s.course, s.webinar, -1, "").replace("page_size=50", "page_size=2").replace("page_number=1", "page_number=2"),
        None,
    )
    .await;
    assert_eq!(page.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), [by_id[2]]);
    let by_name = |direction: &str| {
        let order = format!("{{\"colName\": \"name\", \"direction\": \"{direction}\"}}");
        students_path(s.course, s.webinar, -1, &format!("&{}", query(&[("order_by", &order)])))
    };
    let (_, ascending) = call(&app, Some(&s.admin), "GET", &by_name("asc"), None).await;
    let (_, descending) = call(&app, Some(&s.admin), "GET", &by_name("desc"), None).await;
    let names = |rows: &Value| rows.as_array().unwrap().iter().map(|r| r["first_name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(
        (names(&ascending), names(&descending)),
        (["Ada", "Erin", "Hal"].map(String::from).to_vec(), ["Hal", "Erin", "Ada"].map(String::from).to_vec())
    );
    // A real portal includes its sub-portals; the portal admin reaches its sub-portal only.
    let ids = |rows: Vec<Value>| rows.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(students(&app, &s.admin, s.course, s.webinar, s.portal).await), [eng_r.min(east_r), eng_r.max(east_r)]);
    assert_eq!(ids(students(&app, &s.admin, s.course, s.webinar, s.sub_portal).await), [east_r]);
    assert_eq!(ids(students(&app, &s.portal_admin, s.course, s.webinar, -1).await), [east_r]);
    // Refusals: roles, unknown ids in the face's words, Laravel's validation.
    let path = students_path(s.course, s.webinar, -1, "");
    assert_eq!(refused(call(&app, Some(&s.learner), "GET", &path, None).await), (FORBIDDEN.0, FORBIDDEN.1.into()));
    assert_eq!(call(&app, None, "GET", &path, None).await, (401, json!({"message": "Unauthenticated."})));
    assert_eq!(call(&app, Some(&s.other_tenant), "GET", &path, None).await, (404, json!({"message": "Course not found"})));
    let wrong_course = students_path(s.other_course, s.webinar, -1, "");
    assert_eq!(call(&app, Some(&s.admin), "GET", &wrong_course, None).await, (404, json!({"message": "Webinar not found"})));
    let unknown = students_path(s.course, 999_999, -1, "");
    assert_eq!(call(&app, Some(&s.admin), "GET", &unknown, None).await, (404, json!({"message": "Webinar not found"})));
    let unknown_portal = students_path(s.course, s.webinar, 999_999, "");
    assert_eq!(call(&app, Some(&s.admin), "GET", &unknown_portal, None).await, (404, json!({"message": "Portal not found"})));
    let not_a_number = format!("/courses/{}/webinars/x/portals/-1/students?page_size=1&page_number=1", s.course);
    assert_eq!(call(&app, Some(&s.admin), "GET", &not_a_number, None).await, (404, json!({"message": "Webinar not found"})));
    let no_size = path.replace("page_size=50&", "");
    assert_eq!(call(&app, Some(&s.admin), "GET", &no_size, None).await, invalid("page_size", "The page size field is required."));
    let bad_order = students_path(s.course, s.webinar, -1, "&order_by=shoe_size");
    assert_eq!(call(&app, Some(&s.admin), "GET", &bad_order, None).await, invalid("order_by", "The selected order by is invalid."));
    let search = students_path(s.course, s.webinar, -1, &format!("&{}", query(&[("search_param", "{\"nameOrEmail\": \"x\"}")])));
    assert_eq!(call(&app, Some(&s.admin), "GET", &search, None).await, invalid("search_param", "The selected search param is invalid."));
    let empty_search = students_path(s.course, s.webinar, -1, "&search_param=%7B%7D");
    assert_eq!(call(&app, Some(&s.admin), "GET", &empty_search, None).await.0, 200);

    // Status: only the webinar's registrations within reach change; the verb is written for each.
    let before = verbs(&app, &s, s.course).await;
    let ids = format!("[{eng_r}, {hq_r}, {hq_other}, 999999]");
    let (status, answer) = call(&app, Some(&s.admin), "PUT", &status_path(&ids, s.webinar, -1, "\"attended\""), None).await;
    assert_eq!((status, answer), (200, json!({"message": "Status Updated Successfully for 2 of 4 registration(s)"})));
    let rows = students(&app, &s.admin, s.course, s.webinar, -1).await;
    assert_eq!(
        [eng_r, hq_r, east_r].map(|r| (field_of(&rows, r, "status").clone(), field_of(&rows, r, "attendance_recording_type").clone())),
        [(json!("Attended"), json!("Manual")), (json!("Attended"), json!("Manual")), (json!("Registered"), Value::Null)]
    );
    let other_rows = students(&app, &s.admin, s.other_course, s.other_webinar, -1).await;
    assert_eq!(field_of(&other_rows, hq_other, "status"), "Registered", "another course's registration is not the webinar's");
    let after = verbs(&app, &s, s.course).await;
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(&after[..2], ["ATTENDED", "ATTENDED"]);
    // The portal admin reaches its sub-portal's registration only; a portal narrows further.
    let both = format!("[{eng_r}, {east_r}]");
    let answer = call(&app, Some(&s.portal_admin), "PUT", &status_path(&both, s.webinar, -1, "No Show"), None).await;
    assert_eq!(answer, (200, json!({"message": "Status Updated Successfully for 1 of 2 registration(s)"})));
    let (status, _) = call(&app, Some(&s.admin), "PUT", &status_path(&both, s.webinar, s.sub_portal, "Cancelled"), None).await;
    assert_eq!(status, 200);
    let rows = students(&app, &s.admin, s.course, s.webinar, -1).await;
    assert_eq!((field_of(&rows, eng_r, "status"), field_of(&rows, east_r, "status")), (&json!("Attended"), &json!("Cancelled")));
    assert_eq!(&verbs(&app, &s, s.course).await[..2], ["CANCELLED", "NO SHOW"]);
    // Another word is kept as given, and is no attendance; it writes no verb.
    let count = verbs(&app, &s, s.course).await.len();
    let (status, _) = call(&app, Some(&s.admin), "PUT", &status_path(&format!("[{hq_r}]"), s.webinar, -1, "\"approved\""), None).await;
    assert_eq!(status, 200);
    let rows = students(&app, &s.admin, s.course, s.webinar, -1).await;
    assert_eq!((field_of(&rows, hq_r, "status"), field_of(&rows, hq_r, "attendance_recording_type")), (&json!("approved"), &Value::Null));
    assert_eq!(verbs(&app, &s, s.course).await.len(), count);

    // Notes, from the query string or a JSON body.
    let notes = format!(
        "/webinar-registrations/notes?{}",
        query(&[
            ("ids", &format!("[{eng_r}]")),
            ("webinarId", &s.webinar.to_string()),
            ("portalId", "-1"),
            ("notes", "\"This is a test note\"")
        ])
    );
    assert_eq!(call(&app, Some(&s.admin), "PUT", &notes, None).await, (200, json!({"message": "Notes Updated Successfully"})));
    let body = json!({"ids": [east_r], "webinarId": s.webinar, "portalId": -1, "notes": "Left early"});
    assert_eq!(call(&app, Some(&s.admin), "PUT", "/webinar-registrations/notes", Some(body)).await.0, 200);
    let rows = students(&app, &s.admin, s.course, s.webinar, -1).await;
    assert_eq!(
        (field_of(&rows, eng_r, "notes"), field_of(&rows, east_r, "notes"), field_of(&rows, hq_r, "notes")),
        (&json!("This is a test note"), &json!("Left early"), &Value::Null)
    );

    // Bad input changes nothing.
    let before = (students(&app, &s.admin, s.course, s.webinar, -1).await, verbs(&app, &s, s.course).await);
    let one = format!("[{eng_r}]");
    let w = s.webinar.to_string();
    for (method, path, expected) in [
        (
            "PUT",
            "/webinar-registrations/status?webinarId=1&portalId=-1&status=Attended".to_string(),
            invalid("ids", "The ids field is required."),
        ),
        ("PUT", status_path("[\"x\"]", s.webinar, -1, "Attended"), invalid("ids.0", "The ids.0 field must be an integer.")),
        (
            "PUT",
            format!("/webinar-registrations/status?{}", query(&[("ids", &one), ("portalId", "-1"), ("status", "Attended")])),
            invalid("webinarId", "The webinarId field is required."),
        ),
        (
            "PUT",
            format!("/webinar-registrations/status?{}", query(&[("ids", &one), ("webinarId", &w), ("status", "Attended")])),
            invalid("portalId", "The portalId field is required."),
        ),
        (
            "PUT",
            format!("/webinar-registrations/status?{}", query(&[("ids", &one), ("webinarId", &w), ("portalId", "-1")])),
            invalid("status", "The status field is required."),
        ),
        (
            "PUT",
            format!("/webinar-registrations/notes?{}", query(&[("ids", &one), ("webinarId", &w), ("portalId", "-1")])),
            invalid("notes", "The notes field is required."),
        ),
        ("PUT", status_path(&one, 999_999, -1, "Attended"), (404, json!({"message": "Webinar not found"}))),
        ("PUT", status_path(&one, s.webinar, 999_999, "Attended"), (404, json!({"message": "Portal not found"}))),
    ] {
        assert_eq!(call(&app, Some(&s.admin), method, &path, None).await, expected, "{path}");
    }
    let as_learner = call(&app, Some(&s.learner), "PUT", &status_path(&one, s.webinar, -1, "No Show"), None).await;
    assert_eq!(refused(as_learner), (FORBIDDEN.0, FORBIDDEN.1.into()));
    let as_other = call(&app, Some(&s.other_tenant), "PUT", &status_path(&one, s.webinar, -1, "No Show"), None).await;
    assert_eq!(as_other, (404, json!({"message": "Webinar not found"})));
    assert_eq!((students(&app, &s.admin, s.course, s.webinar, -1).await, verbs(&app, &s, s.course).await), before);

    // The attendance report: totals counted by attendance, adding up with those not recorded.
    let (status, _) =
        call(&app, Some(&s.admin), "PUT", &status_path(&format!("[{hq_r}]"), s.webinar, -1, "partially attended"), None).await;
    assert_eq!(status, 200);
    let report =
        |portal: i64, size: i64, number: i64| json!({"webinarId": s.webinar, "pageSize": size, "pageNumber": number, "portalId": portal});
    let (status, answer) = call(&app, Some(&s.admin), "POST", "/webinars/attendance-report", Some(report(-1, 10, 1))).await;
    assert_eq!(status, 200, "{answer}");
    let mut envelope = answer.clone();
    let records = envelope.as_object_mut().unwrap().remove("records").unwrap();
    let course_name = call(
        &app,
        Some(&s.admin),
        "GET",
        &format!("/courses/enrolled-learners?course_id={}&portalId=-1&page_size=1&page_number=1", s.course),
        None,
    )
    .await
    .1["courseName"]
        .clone();
    assert_eq!(
        envelope,
        json!({"courseName": course_name, "startDate": "2030-05-01 10:00:00", "endDate": "2030-05-01 11:30:00", "recordsTotal": 3,
            "totalAttended": 1, "totalNoShow": 0, "totalCancelled": 1, "totalPartiallyAttended": 1})
    );
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0].as_object().unwrap().keys().map(String::as_str).collect::<Vec<_>>(),
        ["firstName", "lastName", "status", "attendanceRecordingType", "notes", "recordedAt"]
    );
    let mut expected = [(eng_r, "Attended"), (hq_r, "Partially Attended"), (east_r, "Cancelled")];
    expected.sort_unstable();
    assert_eq!(records.iter().map(|r| r["status"].as_str().unwrap()).collect::<Vec<_>>(), expected.map(|(_, status)| status));
    let attended = records.iter().find(|r| r["status"] == "Attended").unwrap();
    assert_eq!((&attended["attendanceRecordingType"], &attended["notes"]), (&json!("Manual"), &json!("This is a test note")));
    assert!(chrono::NaiveDateTime::parse_from_str(attended["recordedAt"].as_str().unwrap(), "%Y-%m-%d %H:%M:%S").is_ok());
    let (_, second) = call(&app, Some(&s.admin), "POST", "/webinars/attendance-report", Some(report(-1, 2, 2))).await;
    assert_eq!((second["recordsTotal"].as_i64(), second["records"].as_array().unwrap().len()), (Some(3), 1));
    let (_, in_portal) = call(&app, Some(&s.admin), "POST", "/webinars/attendance-report", Some(report(s.portal, 10, 1))).await;
    assert_eq!((&in_portal["recordsTotal"], &in_portal["totalAttended"], &in_portal["totalCancelled"]), (&json!(2), &json!(1), &json!(1)));
    // A registration not recorded shows its status, and counts in the total only.
    register(&app, s.webinar, vec![enroll(&app, &s, s.course, &[s.learners[3]]).await[0]]).await;
    let (_, answer) = call(&app, Some(&s.admin), "POST", "/webinars/attendance-report", Some(report(-1, 10, 1))).await;
    let counted: i64 =
        ["totalAttended", "totalNoShow", "totalCancelled", "totalPartiallyAttended"].iter().map(|k| answer[k].as_i64().unwrap()).sum();
    assert_eq!((answer["recordsTotal"].as_i64(), counted), (Some(4), 3));
    let registered = answer["records"].as_array().unwrap().iter().find(|r| r["status"] == "Registered").unwrap();
    assert_eq!((&registered["attendanceRecordingType"], &registered["recordedAt"]), (&Value::Null, &json!("")));
    for (body, expected) in [
        (json!({"pageSize": 10, "pageNumber": 1, "portalId": -1}), invalid("webinarId", "The webinarId field is required.")),
        (json!({"webinarId": s.webinar, "pageNumber": 1, "portalId": -1}), invalid("pageSize", "The pageSize field is required.")),
        (report(-1, 10, 0), invalid("pageNumber", "The pageNumber field must be at least 1.")),
        (json!({"webinarId": s.webinar, "pageSize": 10, "pageNumber": 1}), invalid("portalId", "The portalId field is required.")),
        (json!({"webinarId": 999_999, "pageSize": 10, "pageNumber": 1, "portalId": -1}), (404, json!({"message": "Webinar not found"}))),
    ] {
        assert_eq!(call(&app, Some(&s.admin), "POST", "/webinars/attendance-report", Some(body.clone())).await, expected, "{body}");
    }
    let as_learner = call(&app, Some(&s.learner), "POST", "/webinars/attendance-report", Some(report(-1, 10, 1))).await;
    assert_eq!(refused(as_learner), (FORBIDDEN.0, FORBIDDEN.1.into()));
    let (_, mine) = call(&app, Some(&s.portal_admin), "POST", "/webinars/attendance-report", Some(report(-1, 10, 1))).await;
    assert_eq!((&mine["recordsTotal"], &mine["totalCancelled"]), (&json!(1), &json!(1)));
}

/// A user's status (1 active, 3 inactive) and membership, read from the store.
async fn user_state(app: &TestApp, user: i64) -> (i16, Option<(i64, Option<chrono::NaiveDateTime>)>) {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .read(|tx| -> Result<_, OpError> {
                let status = lmsbridge::on_conn!(tx, |c| app_user::table.find(user).select(app_user::status).first::<i16>(c))?;
                Ok((status, portals::membership_of(tx, user)?))
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// The tenant's user with this e-mail.
async fn user_by_email(app: &TestApp, email: &str) -> Option<i64> {
    let (service, email) = (app.service.clone(), email.to_string());
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .read(|tx| -> Result<_, OpError> {
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                Ok(users::user_id_by_email(tx, acme, &email)?)
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// The users enrolled in a course, and in a learning path.
async fn enrolled(app: &TestApp, s: &Setup, course: i64) -> (Vec<i64>, Vec<i64>) {
    let path = format!("/courses/enrolled-learners?course_id={course}&portalId=-1&page_size=100&page_number=1");
    let (_, courses) = call(app, Some(&s.admin), "GET", &path, None).await;
    let path = format!("/learning-paths/enrolled-students?learning_path_id={}&portalId=-1&page_size=100&page_number=1", s.path);
    let (_, paths) = call(app, Some(&s.admin), "GET", &path, None).await;
    let users = |list: &Value| list["records"].as_array().unwrap().iter().map(|r| r["user_id"].as_i64().unwrap()).collect::<Vec<_>>();
    (users(&courses), users(&paths))
}

fn row(email: &str) -> Value {
    json!({"email": email, "first_name": "New", "last_name": "Learner", "password": "Str0ng-pass!"})
}

async fn accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let [eng, hq, east, sales] = [s.learners[0], s.learners[1], s.learners[2], s.learners[3]];
    let upload = |rows: Value, portal: i64| json!({"userList": rows, "selectedCourses": [s.course], "selectedLearningPaths": [s.path], "membershipId": s.gold, "portalId": portal});

    // Bulk upload: made, enrolled in the course and the path, in the portal, holding the membership.
    let (status, answer) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/users/bulk-upload",
        Some(upload(json!([row("ann@new.example"), row("bob@new.example")]), s.portal)),
    )
    .await;
    assert_eq!((status, answer), (201, json!({"message": "User(s) uploaded successfully", "is_success": "true"})));
    let ann = user_by_email(&app, "ann@new.example").await.unwrap();
    let bob = user_by_email(&app, "bob@new.example").await.unwrap();
    let (in_course, in_path) = enrolled(&app, &s, s.course).await;
    assert!([ann, bob].iter().all(|u| in_course.contains(u) && in_path.contains(u)), "{in_course:?} {in_path:?}");
    assert!(enrolled(&app, &s, s.other_course).await.0.contains(&ann), "the path's courses too");
    assert_eq!(user_state(&app, ann).await, (1, Some((s.gold, Some(moment("2030-12-31 23:59:59"))))));
    let (_, portal_users) =
        call(&app, Some(&s.admin), "GET", &format!("/portals/users?portalId={}&page_size=50&page_number=1", s.portal), None).await;
    assert!(portal_users["recordIdsFiltered"].as_array().unwrap().contains(&json!(ann)), "{portal_users}");
    assert_eq!(verbs(&app, &s, s.course).await.iter().filter(|v| *v == "ENROLLED").count(), 2);
    // Without a portal or a membership (-1), for those who reach the whole account.
    let body = json!({"userList": [row("cy@new.example")], "selectedCourses": [], "selectedLearningPaths": [], "membershipId": -1, "portalId": -1});
    assert_eq!(call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(body.clone())).await.0, 201);
    let cy = user_by_email(&app, "cy@new.example").await.unwrap();
    assert_eq!(user_state(&app, cy).await, (1, None));
    assert_eq!(
        refused(call(&app, Some(&s.portal_admin), "POST", "/users/bulk-upload", Some(body)).await),
        (FORBIDDEN.0, FORBIDDEN.1.into())
    );

    // Bad rows name the row's field, and nothing changes: not even the good rows before them.
    let course_before = enrolled(&app, &s, s.course).await;
    let verbs_before = verbs(&app, &s, s.course).await;
    let bad_rows = [
        (
            json!([row("dee@new.example"), {"first_name": "No", "last_name": "Mail"}]),
            "userList.1.email",
            "The userList.1.email field is required.",
        ),
        (
            json!([row("dee@new.example"), row("not-an-email")]),
            "userList.1.email",
            "The userList.1.email field must be a valid email address.",
        ),
        (
            json!([row("dee@new.example"), {"email": "eve@new.example", "last_name": "X"}]),
            "userList.1.first_name",
            "The userList.1.first name field is required.",
        ),
        (json!([row("ann@new.example")]), "userList.0.email", "The userList.0.email has already been taken."),
        (json!([row("dee@new.example"), row("dee@new.example")]), "userList.1.email", "The userList.1.email has already been taken."),
        (json!(["amet"]), "userList.0", "The userList.0 field must be an object."),
    ];
    for (rows, field, message) in bad_rows {
        let answer = call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(upload(rows.clone(), s.portal))).await;
        assert_eq!(answer, invalid(field, message), "{rows}");
    }
    let (status, answer) = call(
        &app,
        Some(&s.admin),
        "POST",
        "/users/bulk-upload",
        Some(upload(json!([row("dee@new.example"), row("x@blocked.example")]), s.portal)),
    )
    .await;
    assert_eq!(
        (status, &answer["blockedEmailDomainsmessage"]),
        (422, &json!("Email or domain is blocked for user with email x@blocked.example. Please contact Admin."))
    );
    let mut weak = row("eve@new.example");
    weak["password"] = json!("weakpassword");
    let (status, answer) =
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(upload(json!([row("dee@new.example"), weak]), s.portal))).await;
    assert_eq!(
        (status, answer["errors"].as_object().unwrap().keys().map(String::as_str).collect::<Vec<_>>()),
        (422, vec!["userList.1.password"]),
        "{answer}"
    );
    let mut missing = upload(json!([row("dee@new.example")]), s.portal);
    missing.as_object_mut().unwrap().remove("selectedCourses");
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(missing)).await,
        invalid("selectedCourses", "The selectedCourses field is required.")
    );
    let mut unknown = upload(json!([row("dee@new.example")]), s.portal);
    unknown["selectedCourses"] = json!([s.course, 999_999]);
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(unknown.clone())).await,
        (404, json!({"message": "Course not found"}))
    );
    unknown["selectedCourses"] = json!([]);
    unknown["selectedLearningPaths"] = json!([999_999]);
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(unknown.clone())).await,
        (404, json!({"message": "Learning path not found"}))
    );
    unknown["selectedLearningPaths"] = json!([]);
    unknown["membershipId"] = json!(s.other_tenant_membership);
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(unknown.clone())).await,
        (404, json!({"message": "Membership not found"}))
    );
    unknown["membershipId"] = json!(-1);
    unknown["portalId"] = json!(999_999);
    assert_eq!(
        call(&app, Some(&s.admin), "POST", "/users/bulk-upload", Some(unknown)).await,
        (404, json!({"message": "Portal not found"}))
    );
    let answer =
        call(&app, Some(&s.learner), "POST", "/users/bulk-upload", Some(upload(json!([row("dee@new.example")]), s.sub_portal))).await;
    assert_eq!(refused(answer), (FORBIDDEN.0, FORBIDDEN.1.into()));
    let answer =
        call(&app, Some(&s.portal_admin), "POST", "/users/bulk-upload", Some(upload(json!([row("dee@new.example")]), s.portal))).await;
    assert_eq!(refused(answer), (FORBIDDEN.0, FORBIDDEN.1.into()), "the root portal is not the portal admin's");
    assert_eq!(user_by_email(&app, "dee@new.example").await, None);
    assert_eq!((enrolled(&app, &s, s.course).await, verbs(&app, &s, s.course).await), (course_before, verbs_before));
    // Into its own sub-portal, a portal admin uploads.
    let answer =
        call(&app, Some(&s.portal_admin), "POST", "/users/bulk-upload", Some(upload(json!([row("dee@new.example")]), s.sub_portal))).await;
    assert_eq!(answer.0, 201, "{}", answer.1);

    // Quick edit: enroll, disable, attach the membership; then enable again.
    let edit = json!({"user_ids": [eng, hq], "course_ids": [s.other_course], "learning_path_ids": [s.path], "disabled": true, "enrollMembershipId": s.gold, "portalId": -1});
    assert_eq!(
        call(&app, Some(&s.admin), "PUT", "/users/quick-edit", Some(edit)).await,
        (200, json!({"message": "Users updated Successfully"}))
    );
    let (other_course, in_path) = enrolled(&app, &s, s.other_course).await;
    assert!([eng, hq].iter().all(|u| other_course.contains(u) && in_path.contains(u)));
    assert_eq!(user_state(&app, hq).await, (3, Some((s.gold, Some(moment("2030-12-31 23:59:59"))))));
    let enable = json!({"user_ids": "[1000000, 1000001]".replace("1000000", &eng.to_string()).replace("1000001", &hq.to_string()), "disabled": "false"});
    assert_eq!(call(&app, Some(&s.admin), "PUT", "/users/quick-edit", Some(enable)).await.0, 200);
    assert_eq!(user_state(&app, eng).await.0, 1);
    // An unknown user, or one outside the portal or the caller's reach: nothing changes.
    let before = (enrolled(&app, &s, s.other_course).await, user_state(&app, sales).await);
    for (token, edit) in [
        (&s.admin, json!({"user_ids": [sales, 999_999], "course_ids": [s.other_course], "disabled": true})),
        (&s.admin, json!({"user_ids": [sales], "course_ids": [s.other_course], "disabled": true, "portalId": s.portal})),
        (&s.portal_admin, json!({"user_ids": [east, sales], "course_ids": [s.other_course], "disabled": true})),
    ] {
        assert_eq!(
            call(&app, Some(token), "PUT", "/users/quick-edit", Some(edit.clone())).await,
            (404, json!({"message": "User not found"})),
            "{edit}"
        );
    }
    for (edit, expected) in [
        (json!({"course_ids": [s.other_course]}), invalid("user_ids", "The user ids field is required.")),
        (json!({"user_ids": [sales], "disabled": "maybe"}), invalid("disabled", "The disabled field must be true or false.")),
        (json!({"user_ids": [sales], "course_ids": [999_999]}), (404, json!({"message": "Course not found"}))),
        (json!({"user_ids": [sales], "enrollMembershipId": 999_999}), (404, json!({"message": "Membership not found"}))),
    ] {
        assert_eq!(call(&app, Some(&s.admin), "PUT", "/users/quick-edit", Some(edit.clone())).await, expected, "{edit}");
    }
    assert_eq!(
        refused(call(&app, Some(&s.learner), "PUT", "/users/quick-edit", Some(json!({"user_ids": [east]}))).await),
        (FORBIDDEN.0, FORBIDDEN.1.into())
    );
    assert_eq!((enrolled(&app, &s, s.other_course).await, user_state(&app, sales).await), before);
    // Within its portals, a portal admin edits.
    let answer =
        call(&app, Some(&s.portal_admin), "PUT", "/users/quick-edit", Some(json!({"user_ids": [east], "enrollMembershipId": s.gold})))
            .await;
    assert_eq!(answer.0, 200);
    assert_eq!(user_state(&app, east).await.1.map(|(m, _)| m), Some(s.gold));

    // A user's membership: the moment given (the seed's quoted one), else the membership's own.
    let body = json!({"id": s.gold.to_string(), "expired_at": "'2021-10-03 23:59:59'"});
    assert_eq!(
        call(&app, Some(&s.admin), "PUT", &format!("/users/{sales}/membership"), Some(body)).await,
        (200, json!({"message": "Membership updated successfully"}))
    );
    assert_eq!(user_state(&app, sales).await.1, Some((s.gold, Some(moment("2021-10-03 23:59:59")))));
    assert_eq!(call(&app, Some(&s.admin), "PUT", &format!("/users/{sales}/membership"), Some(json!({"id": s.gold}))).await.0, 200);
    assert_eq!(user_state(&app, sales).await.1, Some((s.gold, Some(moment("2030-12-31 23:59:59")))));
    let before = user_state(&app, sales).await;
    for (token, path, body, expected) in [
        (&s.admin, format!("/users/{sales}/membership"), json!({}), invalid("id", "The id field is required.")),
        (
            &s.admin,
            format!("/users/{sales}/membership"),
            json!({"id": s.gold, "expired_at": "soon"}),
            invalid("expired_at", "The expired at field must match the format Y-m-d H:i:s."),
        ),
        (
            &s.admin,
            format!("/users/{sales}/membership"),
            json!({"id": s.other_tenant_membership}),
            (404, json!({"message": "Membership not found"})),
        ),
        (&s.admin, "/users/999999/membership".to_string(), json!({"id": s.gold}), (404, json!({"message": "User not found"}))),
        (&s.admin, "/users/x/membership".to_string(), json!({"id": s.gold}), (404, json!({"message": "User not found"}))),
        (
            &s.portal_admin,
            format!("/users/{sales}/membership"),
            json!({"id": s.gold, "expired_at": "2020-01-01"}),
            (404, json!({"message": "User not found"})),
        ),
    ] {
        assert_eq!(call(&app, Some(token), "PUT", &path, Some(body.clone())).await, expected, "{path} {body}");
    }
    let answer = call(&app, Some(&s.learner), "PUT", &format!("/users/{east}/membership"), Some(json!({"id": s.gold}))).await;
    assert_eq!(refused(answer), (FORBIDDEN.0, FORBIDDEN.1.into()));
    assert_eq!(user_state(&app, sales).await, before);
}

/// The new routes are in the face's OpenAPI document, under the prefix too.
async fn documented(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let document: Value = app.client.get(format!("{}/aom/openapi.json", app.base_url)).send().await.unwrap().json().await.unwrap();
    for (method, path) in [
        ("get", "/api/courses/{course_id}/webinars/{webinar_id}/portals/{portal_id}/students"),
        ("put", "/api/webinar-registrations/status"),
        ("put", "/api/webinar-registrations/notes"),
        ("post", "/api/webinars/attendance-report"),
        ("post", "/api/users/bulk-upload"),
        ("put", "/api/users/quick-edit"),
        ("put", "/api/users/{id}/membership"),
    ] {
        assert!(document["paths"][path][method].is_object(), "{method} {path}");
    }
    let url = format!("{}/aom/api{}", app.base_url, students_path(s.course, s.webinar, -1, ""));
    assert_eq!(app.client.get(url).bearer_auth(&s.admin).send().await.unwrap().status(), 200);
}

on_both_backends!(webinars, accounts, documented);
