//! Classes and class enrollments in the JSON mirror over real HTTP: every route, its status codes
//! and problems, partial updates, typed custom field values, paging and sorting, and the same
//! class enrollment read through the Skillable face and the iSpring listings. Also the Skillable
//! routes served only behind `--skillable-inferred-routes`.

mod common;

use chrono::Utc;
use common::fixture::*;
use common::{Backend, TestApp, spawn_app, spawn_app_with};
use lmsbridge::service::admin::Face;
use lmsbridge::store::offerings::{self, NewClassroom, NewOffering};
use lmsbridge::store::{Tx, courses, users};
use serde_json::{Value, json};

/// acme's classes (one on course-3, one on course-2), its custom fields, a Skillable key, and the
/// store ids of two learners.
struct Setup {
    key: String,
    class: i64,
    other_class: i64,
    classroom: i64,
    text_field: i64,
    checkbox: i64,
    list_field: i64,
    eng: i64,
    hq: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        let (_, key) = service.create_integration_key("acme", Face::Skillable).unwrap();
        service
            .db()
            .write(|tx| -> Result<Setup, lmsbridge::service::OpError> {
                let now = Utc::now().naive_utc();
                let tenant = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let course = |tx: &mut Tx<'_>, id: &str| courses::courses_by_external_ids(tx, tenant, &[id]).map(|c| c[0].id);
                let (course3, course2) = (course(tx, COURSE_3)?, course(tx, COURSE_2)?);
                let classroom = offerings::insert_classroom(
                    tx,
                    &NewClassroom { tenant_id: tenant, name: "Room 1", location: None, capacity: Some(8), created_at: now },
                )?;
                let offering = |tx: &mut Tx<'_>, course: i64, external_id: &str, name: &str, day: i64| {
                    let starts = now + chrono::Duration::days(day);
                    offerings::insert_offering(
                        tx,
                        &NewOffering {
                            tenant_id: tenant,
                            course_id: course,
                            external_id: Some(external_id),
                            name,
                            description: Some("described"),
                            starts_at: Some(starts),
                            ends_at: Some(starts + chrono::Duration::hours(4)),
                            location_type: Some(10),
                            classroom_id: Some(classroom),
                            capacity: Some(8),
                            late_cancel_hours: Some(24),
                            confirmation_status: 1,
                            delivery_type: 1,
                            created_at: now,
                            updated_at: now,
                        },
                    )
                };
                let field = |tx: &mut Tx<'_>, name: &str, data_type: i16| {
                    offerings::insert_custom_field(tx, tenant, "class_enrollment", name, data_type, now)
                };
                let user = |tx: &mut Tx<'_>, id: &str| users::users_by_external_ids(tx, tenant, &[id]).map(|u| u[0].id);
                Ok(Setup {
                    key,
                    class: offering(tx, course3, "C3-A", "Course Three, morning", 10)?,
                    other_class: offering(tx, course2, "C2-B", "Course Two, EVENING", 20)?,
                    classroom,
                    text_field: field(tx, "Badge name", 0)?,
                    checkbox: field(tx, "Needs parking", 20)?,
                    list_field: field(tx, "Materials", 70)?,
                    eng: user(tx, ENG_LEARNER)?,
                    hq: user(tx, HQ_LEARNER)?,
                })
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// Sends `method path` with the administrator's token (or `token`) and a JSON body; returns the
/// status and the JSON answer.
async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/api/v1{path}", app.base_url);
    let mut request = app.client.request(method.parse().unwrap(), url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}")))
}

async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let token = app.fixture.admin_token.clone();
    send(app, &token, method, path, body).await
}

/// The Skillable face's record of a class enrollment.
async fn skillable(app: &TestApp, key: &str, path: &str) -> Value {
    let response = app.client.get(format!("{}{path}", app.base_url)).header("api_key", key).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// How many active enrollments of ENG_LEARNER in course-3 the iSpring listing shows.
async fn listed(app: &TestApp) -> Vec<String> {
    let (status, body) = admin(app, "GET", &format!("/enrollments?learnerId={ENG_LEARNER}&courseId={COURSE_3}"), None).await;
    assert_eq!(status, 200);
    body["enrollments"].as_array().unwrap().iter().map(|e| e["enrollmentId"].as_str().unwrap().to_string()).collect()
}

/// A search of class enrollments: their external ids in order, the total, the next page's index.
async fn found(app: &TestApp, query: &str) -> (String, i64, Option<i64>) {
    let (status, page) = admin(app, "GET", &format!("/class-enrollments{query}"), None).await;
    assert_eq!(status, 200, "{query}: {page}");
    let ids: Vec<&str> = page["classEnrollments"].as_array().unwrap().iter().map(|e| e["externalId"].as_str().unwrap()).collect();
    (ids.join(","), page["totalCount"].as_i64().unwrap(), page["nextPageIndex"].as_i64())
}

async fn class_enrollments_through_the_mirror(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;

    // Create: 201 with the whole record; its learner and course named as the mirror names them.
    let new = json!({
        "externalId": "HR-77", "classId": s.class, "learnerId": ENG_LEARNER, "enrollmentStatus": "enroll",
        "completionStatus": "attending", "retake": true, "locationType": "classroom", "classroomId": s.classroom,
        "hoursSpent": 3, "grade": 70
    });
    let (status, created) = admin(&app, "POST", "/class-enrollments", Some(new.clone())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["classEnrollmentId"].as_i64().unwrap();
    assert_eq!(
        (&created["learnerId"], &created["classId"], &created["enrollmentStatus"], &created["completionStatus"]),
        (&json!(ENG_LEARNER), &json!(s.class), &json!("enroll"), &json!("attending"))
    );
    assert_eq!((&created["locationType"], &created["grade"], &created["lateCancel"]), (&json!("classroom"), &json!(70), &json!(false)));
    assert_eq!(listed(&app).await, [created["enrollmentId"].as_str().unwrap()], "the enrollment it is, listed by iSpring's route");

    // The same record through the Skillable face.
    let record = skillable(&app, &s.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!(
        (
            record["ExternalId"].as_str(),
            record["UserId"].as_i64(),
            record["EnrollmentStatusId"].as_i64(),
            record["CompletionStatusId"].as_i64()
        ),
        (Some("HR-77"), Some(s.eng), Some(60), Some(10))
    );

    // One class enrollment per class and learner.
    let (status, clash) = admin(&app, "POST", "/class-enrollments", Some(new.clone())).await;
    assert_eq!(status, 409, "{clash}");
    assert!(clash["detail"].as_str().unwrap().contains(&format!("class enrollment {id}")), "{clash}");

    // Bad input: a precise problem, and nothing is created.
    for (body, code, field) in [
        (json!({"classId": s.class, "learnerId": HQ_LEARNER, "enrollmentStatus": "maybe"}), 400, "enrollmentStatus"),
        (json!({"classId": s.class, "learnerId": HQ_LEARNER}), 400, "enrollmentStatus"),
        (json!({"classId": s.class, "learnerId": HQ_LEARNER, "enrollmentStatus": "enroll", "grade": -1}), 400, "grade"),
        (json!({"classId": 0, "learnerId": HQ_LEARNER, "enrollmentStatus": "enroll"}), 400, "classId"),
        (json!({"classId": s.class, "learnerId": HQ_LEARNER, "enrollmentStatus": "enroll", "userId": 3}), 400, "userId"),
    ] {
        let (status, problem) = admin(&app, "POST", "/class-enrollments", Some(body.clone())).await;
        assert_eq!((status, problem["field"].as_str()), (code, Some(field)), "{body}: {problem}");
    }
    let (status, problem) =
        admin(&app, "POST", "/class-enrollments", Some(json!({"classId": 999999, "learnerId": HQ_LEARNER, "enrollmentStatus": "enroll"})))
            .await;
    assert_eq!(status, 404, "{problem}");
    let (status, problem) =
        admin(&app, "POST", "/class-enrollments", Some(json!({"classId": s.class, "learnerId": "nobody", "enrollmentStatus": "enroll"})))
            .await;
    assert_eq!(status, 404, "{problem}");
    let (_, all) = admin(&app, "GET", "/class-enrollments", None).await;
    assert_eq!(all["totalCount"], 1, "refused requests created nothing: {all}");

    // Partial update: what is left out stays, null clears, the class and learner stay.
    let (status, changed) =
        admin(&app, "PATCH", &format!("/class-enrollments/{id}"), Some(json!({"completionStatus": "complete", "grade": null}))).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!((&changed["completionStatus"], changed.get("grade"), &changed["hoursSpent"]), (&json!("complete"), None, &json!(3)));
    let record = skillable(&app, &s.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!(
        (record["CompletionStatusId"].as_i64(), record["Grade"].is_null(), record["Retake"].as_bool()),
        (Some(20), true, Some(true))
    );
    let (_, results) = admin(&app, "GET", &format!("/results?userId={ENG_LEARNER}&courseId={COURSE_3}"), None).await;
    assert_eq!(results["learnersResults"][0]["completionStatus"], "complete", "{results}");
    for (body, field) in [
        (json!({"classId": s.other_class}), "classId"),
        (json!({"enrollmentStatus": "later"}), "enrollmentStatus"),
        (json!({"hoursSpent": -2}), "hoursSpent"),
        (json!({"externalId": ""}), "externalId"),
    ] {
        let (status, problem) = admin(&app, "PATCH", &format!("/class-enrollments/{id}"), Some(body.clone())).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some(field)), "{body}: {problem}");
    }
    let (status, problem) = admin(&app, "PATCH", "/class-enrollments/999999", Some(json!({"retake": false}))).await;
    assert_eq!(status, 404, "{problem}");
    let (_, unchanged) = admin(&app, "GET", &format!("/class-enrollments/{id}"), None).await;
    assert_eq!(unchanged, changed, "refused changes changed nothing");

    // Cancelled, the iSpring listing no longer shows it.
    let (status, _) = admin(&app, "PATCH", &format!("/class-enrollments/{id}"), Some(json!({"enrollmentStatus": "cancel"}))).await;
    assert_eq!((status, listed(&app).await.len()), (200, 0));

    // Custom fields: listed with their types; values typed by the field; null clears.
    let (status, fields) = admin(&app, "GET", "/class-enrollment-custom-fields", None).await;
    assert_eq!(status, 200);
    let types: Vec<&str> = fields["customFields"].as_array().unwrap().iter().map(|f| f["dataType"].as_str().unwrap()).collect();
    assert_eq!(types, ["textbox", "checkbox", "checkbox_list"]);
    let field_path = |field: i64| format!("/class-enrollments/{id}/custom-fields/{field}");
    for (field, value) in [(s.text_field, json!("Dr. Eng")), (s.checkbox, json!(true)), (s.list_field, json!(["Handbook", "Badge"]))] {
        let (status, set) = admin(&app, "PUT", &field_path(field), Some(json!({ "value": value }))).await;
        assert_eq!((status, &set["value"]), (200, &value), "{set}");
    }
    for (field, value) in
        [(s.checkbox, json!("yes")), (s.text_field, json!(false)), (s.list_field, json!(["a\tb"])), (s.text_field, json!({}))]
    {
        let (status, problem) = admin(&app, "PUT", &field_path(field), Some(json!({ "value": value }))).await;
        assert!(status == 400 || status == 422, "{value}: {status} {problem}");
    }
    let (status, _) = admin(&app, "PUT", &format!("/class-enrollments/{id}/custom-fields/999999"), Some(json!({"value": "x"}))).await;
    assert_eq!(status, 404);
    let (_, record) = admin(&app, "GET", &format!("/class-enrollments/{id}"), None).await;
    let values: Vec<&Value> = record["customFields"].as_array().unwrap().iter().map(|f| &f["value"]).collect();
    assert_eq!(values, [&json!("Dr. Eng"), &json!(true), &json!(["Handbook", "Badge"])], "refused values changed nothing");
    let skillable_record = skillable(&app, &s.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!(skillable_record["CustomFields"][2]["TextValue"], "Handbook\tBadge", "Skillable's tab-separated list");
    let (status, cleared) = admin(&app, "PUT", &field_path(s.checkbox), Some(json!({"value": null}))).await;
    assert_eq!((status, &cleared["value"]), (200, &Value::Null));
    let (_, record) = admin(&app, "GET", &format!("/class-enrollments/{id}"), None).await;
    assert_eq!(record["customFields"].as_array().unwrap().len(), 2);

    // Searches: filters, sorting, pages.
    let (status, second) = admin(
        &app,
        "POST",
        "/class-enrollments",
        Some(json!({"classId": s.other_class, "learnerId": HQ_LEARNER, "enrollmentStatus": "waitlist", "externalId": "HR-78"})),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(found(&app, "").await, ("HR-77,HR-78".into(), 2, None), "by class name: Course Three before Course Two");
    assert_eq!(found(&app, "?sort=-className").await.0, "HR-78,HR-77");
    assert_eq!(found(&app, "?sort=classEnrollmentId").await.0, "HR-77,HR-78");
    assert_eq!(found(&app, "?pageSize=1").await, ("HR-77".into(), 2, Some(1)));
    assert_eq!(found(&app, "?pageSize=1&pageIndex=1").await, ("HR-78".into(), 2, None));
    assert_eq!(found(&app, "?pageIndex=5").await, ("".into(), 2, None));
    assert_eq!(found(&app, &format!("?learnerId={HQ_LEARNER}")).await.0, "HR-78");
    assert_eq!(found(&app, &format!("?classId={}", s.class)).await.0, "HR-77");
    assert_eq!(found(&app, "?externalId=HR-78").await.0, "HR-78");
    assert_eq!(found(&app, "?enrollmentStatus=waitlist").await.0, "HR-78");
    assert_eq!(found(&app, "?className=evening").await.0, "HR-78", "names match in any case");
    assert_eq!(found(&app, "?learnerId=nobody").await.1, 0);
    assert_eq!(found(&app, "?createdAfter=2999-01-01T00:00:00Z").await.1, 0);
    for (query, field) in [
        ("?pageSize=0", "pageSize"),
        ("?pageSize=1001", "pageSize"),
        ("?pageIndex=-1", "pageIndex"),
        ("?sort=grade", "sort"),
        ("?classId=x", "classId"),
        ("?createdAfter=yesterday", "createdAfter"),
        ("?enrollmentStatus=60", "enrollmentStatus"),
        ("?userId=3", "userId"),
    ] {
        let (status, problem) = admin(&app, "GET", &format!("/class-enrollments{query}"), None).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some(field)), "{query}: {problem}");
    }

    // Classes: by course as the mirror names it, by name in any case, by id.
    let (status, classes) = admin(&app, "GET", &format!("/classes?courseId={COURSE_3}"), None).await;
    assert_eq!((status, classes["totalCount"].as_i64()), (200, Some(1)), "{classes}");
    let class = &classes["classes"][0];
    assert_eq!((&class["classId"], &class["courseId"], &class["locationType"]), (&json!(s.class), &json!(COURSE_3), &json!("classroom")));
    let (_, by_id) = admin(&app, "GET", &format!("/classes/{}", s.class), None).await;
    assert_eq!(&by_id, class);
    let (_, by_name) = admin(&app, "GET", "/classes?name=evening&sort=-start", None).await;
    assert_eq!(by_name["classes"][0]["externalId"], "C2-B");
    let (_, by_external) = admin(&app, "GET", "/classes?externalId=C3-A", None).await;
    assert_eq!(by_external["classes"][0]["classId"], s.class);
    let (_, later) = admin(&app, "GET", "/classes?sort=-start&pageSize=1", None).await;
    assert_eq!((later["classes"][0]["externalId"].as_str(), later["nextPageIndex"].as_i64()), (Some("C2-B"), Some(1)));
    assert_eq!(admin(&app, "GET", "/classes/999999", None).await.0, 404);
    assert_eq!(admin(&app, "GET", "/classes/abc", None).await.0, 400);
    assert_eq!(admin(&app, "GET", "/classes?startsAfter=soon", None).await.0, 400);

    // Other callers: another account sees none of it; a learner may not.
    let other = app.fixture.other_tenant_token.clone();
    assert_eq!(send(&app, &other, "GET", &format!("/class-enrollments/{id}"), None).await.0, 404);
    assert_eq!(send(&app, &other, "GET", "/class-enrollments", None).await.1["totalCount"], 0);
    let learner = app.fixture.learner_token.clone();
    assert_eq!(send(&app, &learner, "GET", "/classes", None).await.0, 403);
    assert_eq!(send(&app, "nonsense", "GET", "/classes", None).await.0, 401);

    // Delete: the enrollment goes for every face, and the pair is free again.
    let (status, _) = admin(&app, "PATCH", &format!("/class-enrollments/{id}"), Some(json!({"enrollmentStatus": "enroll"}))).await;
    assert_eq!((status, listed(&app).await.len()), (200, 1));
    let (status, deleted) = admin(&app, "DELETE", &format!("/class-enrollments/{id}"), None).await;
    assert_eq!((status, deleted), (200, json!({"success": true})));
    assert_eq!(admin(&app, "GET", &format!("/class-enrollments/{id}"), None).await.0, 404);
    assert_eq!(admin(&app, "DELETE", &format!("/class-enrollments/{id}"), None).await.0, 404);
    assert_eq!(skillable(&app, &s.key, &format!("/GetClassEnrollment/{id}")).await["Status"], 20);
    assert!(listed(&app).await.is_empty());
    let (status, again) = admin(&app, "POST", "/class-enrollments", Some(new)).await;
    assert_eq!(status, 201, "{again}");
    assert!(again["customFields"].as_array().unwrap().is_empty(), "the deleted one's custom values went with it");
}

/// The three Skillable routes no vendor page documents are served, and documented, only when the
/// deployment asks for them.
async fn inferred_skillable_routes_only_behind_their_flag(backend: Backend) {
    let plain = spawn_app(backend.clone()).await;
    let s = setup(&plain).await;
    for path in ["/GetClassEnrollmentByExternalId?id=x", "/DeleteClassEnrollment/1", "/GetClass/1", "/skillable/GetClass/1"] {
        let response = plain.client.get(format!("{}{path}", plain.base_url)).header("api_key", &s.key).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path} is not served by default");
    }
    let document: Value =
        plain.client.get(format!("{}/skillable/openapi.json", plain.base_url)).send().await.unwrap().json().await.unwrap();
    assert!(document["paths"].get("/GetClass/{id}").is_none());
    assert!(document["paths"].get("/GetClassEnrollment/{id}").is_some());

    let app = spawn_app_with(backend, |config| config.skillable_inferred_routes = true).await;
    let s = setup(&app).await;
    let document: Value = app.client.get(format!("{}/skillable/openapi.json", app.base_url)).send().await.unwrap().json().await.unwrap();
    for path in ["/GetClass/{id}", "/DeleteClassEnrollment/{id}", "/GetClassEnrollmentByExternalId"] {
        assert!(document["paths"].get(path).is_some(), "{path} is documented when served");
    }
    let create = |user: i64, class: i64| {
        format!("/CreateClassEnrollment?externalId=SHARED&classId={class}&userId={user}&enrollmentStatusId=60&completionStatusId=0")
    };
    let first = skillable(&app, &s.key, &create(s.eng, s.class)).await["ClassEnrollmentId"].as_i64().unwrap();
    let second = skillable(&app, &s.key, &create(s.hq, s.other_class)).await["ClassEnrollmentId"].as_i64().unwrap();

    // By external id: every class enrollment carrying it, in id order.
    let found = skillable(&app, &s.key, "/GetClassEnrollmentByExternalId?id=SHARED").await;
    let ids: Vec<i64> = found["Results"].as_array().unwrap().iter().map(|r| r["Id"].as_i64().unwrap()).collect();
    assert_eq!((found["Status"].as_i64(), ids), (Some(0), vec![first, second]));
    let none = skillable(&app, &s.key, "/GetClassEnrollmentByExternalId?id=NOPE").await;
    assert_eq!((none["Status"].as_i64(), none["Results"].as_array().map(Vec::len)), (Some(20), Some(0)));
    let missing = skillable(&app, &s.key, "/skillable/GetClassEnrollmentByExternalId").await;
    assert_eq!(missing["Status"], 10, "{missing}");
    assert!(missing["Error"].as_str().unwrap().contains("id"), "{missing}");
    assert_eq!(skillable(&app, "wrong", "/GetClassEnrollmentByExternalId?id=SHARED").await["Status"], 30);

    // GetClass by id.
    let class = skillable(&app, &s.key, &format!("/GetClass/{}", s.class)).await;
    assert_eq!((class["Status"].as_i64(), class["Results"][0]["ExternalId"].as_str()), (Some(0), Some("C3-A")));
    assert_eq!(skillable(&app, &s.key, "/GetClass/999999").await["Status"], 20);
    assert_eq!(skillable(&app, &s.key, "/GetClass/abc").await["Status"], 10);

    // Delete: lowercase status and error; then not found; the enrollment gone for every face.
    let deleted = skillable(&app, &s.key, &format!("/DeleteClassEnrollment/{first}")).await;
    assert_eq!(deleted, json!({"status": 0, "error": null}));
    assert_eq!(skillable(&app, &s.key, &format!("/DeleteClassEnrollment/{first}")).await, json!({"status": 20, "error": null}));
    assert_eq!(skillable(&app, &s.key, &format!("/GetClassEnrollment/{first}")).await["Status"], 20);
    assert!(listed(&app).await.is_empty());
    let bad = skillable(&app, &s.key, "/DeleteClassEnrollment/abc").await;
    assert_eq!((bad["status"].as_i64(), bad["error"].is_string()), (Some(10), true), "{bad}");
    let again = skillable(&app, &s.key, &create(s.eng, s.class)).await;
    assert_eq!(again["status"], 0, "the pair is free again: {again}");
}

on_both_backends!(class_enrollments_through_the_mirror, inferred_skillable_routes_only_behind_their_flag);
