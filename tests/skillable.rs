//! The Skillable TMS face over real HTTP: every route, its envelope and casing, every status code,
//! keys and tenants, paging and sorting, and one enrollment read through the other faces.

mod common;

use chrono::Utc;
use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::service::admin::Face;
use lmsbridge::store::offerings::{self, NewClassroom, NewOffering};
use lmsbridge::store::{courses, users};
use serde_json::Value;

/// What the tests call: acme's class on course-3, its classroom and custom field, the learners'
/// store ids, and keys.
struct Classes {
    key: String,
    other_key: String,
    revoked_key: String,
    class: i64,
    empty_class: i64,
    classroom: i64,
    field: i64,
    checkbox: i64,
    eng: i64,
    hq: i64,
    east: i64,
}

async fn setup(app: &TestApp) -> Classes {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        let (_, key) = service.create_integration_key("acme", Face::Skillable).unwrap();
        let (_, other_key) = service.create_integration_key("other", Face::Skillable).unwrap();
        let (revoked_id, revoked_key) = service.create_integration_key("acme", Face::Skillable).unwrap();
        service.revoke_integration_key("acme", revoked_id).unwrap();
        service
            .db()
            .write(|tx| -> Result<Classes, lmsbridge::service::OpError> {
                let now = Utc::now().naive_utc();
                let tenant = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let course3 = courses::courses_by_external_ids(tx, tenant, &[COURSE_3])?[0].id;
                let course2 = courses::courses_by_external_ids(tx, tenant, &[COURSE_2])?[0].id;
                let classroom = offerings::insert_classroom(
                    tx,
                    &NewClassroom { tenant_id: tenant, name: "Room 1", location: None, capacity: Some(8), created_at: now },
                )?;
                let offering = |tx: &mut lmsbridge::store::Tx<'_>, course: i64, external_id: &str, name: &str, day: i64| {
                    let starts = now + chrono::Duration::days(day);
                    offerings::insert_offering(
                        tx,
                        &NewOffering {
                            tenant_id: tenant,
                            course_id: course,
                            external_id: Some(external_id),
                            name,
                            description: None,
                            starts_at: Some(starts),
                            ends_at: Some(starts + chrono::Duration::hours(4)),
                            location_type: Some(10),
                            classroom_id: Some(classroom),
                            capacity: Some(8),
                            late_cancel_hours: Some(24),
                            confirmation_status: 0,
                            delivery_type: 1,
                            created_at: now,
                            updated_at: now,
                        },
                    )
                };
                let class = offering(tx, course3, "C3-A", "Course Three, morning", 10)?;
                let empty_class = offering(tx, course2, "C2-B", "Course Two, evening", 20)?;
                let field = offerings::insert_custom_field(tx, tenant, "class_enrollment", "Badge name", 0, now)?;
                let checkbox = offerings::insert_custom_field(tx, tenant, "class_enrollment", "Needs parking", 20, now)?;
                let id = |tx: &mut lmsbridge::store::Tx<'_>, external: &str| {
                    users::users_by_external_ids(tx, tenant, &[external]).map(|u| u[0].id)
                };
                Ok(Classes {
                    eng: id(tx, ENG_LEARNER)?,
                    hq: id(tx, HQ_LEARNER)?,
                    east: id(tx, EAST_LEARNER)?,
                    key,
                    other_key,
                    revoked_key,
                    class,
                    empty_class,
                    classroom,
                    field,
                    checkbox,
                })
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// GETs `path` with `key` (none when empty); every answer of this face is HTTP 200 JSON.
async fn call(app: &TestApp, key: &str, path: &str) -> Value {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    if !key.is_empty() {
        request = request.header("api_key", key);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
    response.json().await.unwrap()
}

fn create_path(c: &Classes, user: i64, status: i32, completion: i32) -> String {
    format!(
        "/CreateClassEnrollment?externalId=EXT-{user}&classId={}&userId={user}&enrollmentStatusId={status}&completionStatusId={completion}",
        c.class
    )
}

async fn class_enrollments_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = setup(&app).await;

    // Create: CreateClassEnrollment's own casing.
    let created = call(
        &app,
        &c.key,
        &format!(
            "{}&lateCancel=False&retake=true&LocationTypeId=10&ClassroomId={}&HoursSpent=6&Grade=88",
            create_path(&c, c.eng, 60, 10),
            c.classroom
        ),
    )
    .await;
    assert_eq!((created["status"].as_i64(), created["error"].is_null()), (Some(0), true), "{created}");
    let id = created["ClassEnrollmentId"].as_i64().unwrap();
    let keys: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["status", "error", "ClassEnrollmentId"]);

    // Get: the envelope, and every field with its type.
    let got = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await;
    let keys: Vec<&str> = got.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Status", "Error", "Results"]);
    let record = &got["Results"][0];
    let fields: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "Id",
            "ExternalId",
            "UserId",
            "ClassId",
            "EnrollmentStatusId",
            "CompletionStatusId",
            "LateCancel",
            "Retake",
            "LocationTypeId",
            "ClassroomId",
            "HoursSpent",
            "Grade",
            "CustomFields"
        ]
    );
    assert_eq!(record["Id"], id);
    assert_eq!(record["ExternalId"], format!("EXT-{}", c.eng));
    assert_eq!((record["UserId"].as_i64(), record["ClassId"].as_i64()), (Some(c.eng), Some(c.class)));
    assert_eq!((record["EnrollmentStatusId"].as_i64(), record["CompletionStatusId"].as_i64()), (Some(60), Some(10)));
    assert_eq!((record["LateCancel"].as_bool(), record["Retake"].as_bool()), (Some(false), Some(true)));
    assert_eq!((record["LocationTypeId"].as_i64(), record["ClassroomId"].as_i64()), (Some(10), Some(c.classroom)));
    assert_eq!((record["HoursSpent"].as_i64(), record["Grade"].as_i64()), (Some(6), Some(88)));
    assert_eq!(record["CustomFields"], Value::Array(vec![]));

    // The same record by class and user, names in any case, and under the prefix.
    let by_pair = call(&app, &c.key, &format!("/skillable/GetClassEnrollmentByClassAndUser?CLASSID={}&userid={}", c.class, c.eng)).await;
    assert_eq!(by_pair["Results"][0], got["Results"][0]);

    // A second enrollment of the same user in the same class names the first.
    let again = call(&app, &c.key, &create_path(&c, c.eng, 0, 0)).await;
    assert_eq!(again["status"], 10);
    assert!(again["error"].as_str().unwrap().contains(&format!("class enrollment {id}")), "{again}");

    // Update replaces every field; optional ones left out become null.
    let update =
        format!("/UpdateClassEnrollment/{id}?classId={}&userId={}&enrollmentStatusId=30&completionStatusId=\"20\"", c.class, c.eng);
    let bad_quote = call(&app, &c.key, &update).await;
    assert_eq!(bad_quote["Status"], 10, "a quoted number is not a number: {bad_quote}");
    let updated = call(&app, &c.key, &update.replace("\"20\"", "20")).await;
    assert_eq!((updated["Status"].as_i64(), updated["Error"].is_null()), (Some(0), true), "{updated}");
    let record = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!((record["EnrollmentStatusId"].as_i64(), record["CompletionStatusId"].as_i64()), (Some(30), Some(20)));
    assert!(
        record["HoursSpent"].is_null() && record["Grade"].is_null() && record["ExternalId"].is_null() && record["ClassroomId"].is_null()
    );
    let unknown = call(
        &app,
        &c.key,
        &format!("/UpdateClassEnrollment/999999?classId={}&userId={}&enrollmentStatusId=30&completionStatusId=20", c.class, c.eng),
    )
    .await;
    assert_eq!((unknown["Status"].as_i64(), unknown["Error"].is_null()), (Some(20), true));

    // A custom field value shows on the enrollment.
    let set = call(
        &app,
        &c.key,
        &format!("/UpdateClassEnrollmentCustomFieldValue?classEnrollmentId={id}&customFieldId={}&textValue=Dr.%20Eng", c.field),
    )
    .await;
    assert_eq!(
        (set["Status"].as_i64(), set["Name"].as_str(), set["TextValue"].as_str()),
        (Some(0), Some("Badge name"), Some("Dr. Eng")),
        "{set}"
    );
    let record = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!(record["CustomFields"][0]["Name"], "Badge name");
    assert_eq!(record["CustomFields"][0]["TextValue"], "Dr. Eng");
    assert_eq!(record["CustomFields"][0]["CustomFieldId"], c.field);
    let unknown_field =
        call(&app, &c.key, &format!("/UpdateClassEnrollmentCustomFieldValue?classEnrollmentId={id}&customFieldId=999999&textValue=x"))
            .await;
    assert_eq!(unknown_field["Status"], 10, "{unknown_field}");
    // A checkbox takes a boolean (booleanValue), not text.
    let checkbox =
        |value: &str| format!("/UpdateClassEnrollmentCustomFieldValue?classEnrollmentId={id}&customFieldId={}&{value}", c.checkbox);
    let as_text = call(&app, &c.key, &checkbox("textValue=yes")).await;
    assert!(as_text["Error"].as_str().unwrap().contains("is a checkbox: its value is true or false"), "{as_text}");
    let ticked = call(&app, &c.key, &checkbox("booleanValue=True")).await;
    assert_eq!(
        (ticked["Status"].as_i64(), ticked["BooleanValue"].as_bool(), ticked["DataTypeId"].as_i64()),
        (Some(0), Some(true), Some(20)),
        "{ticked}"
    );
    let record = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
    assert_eq!(record["CustomFields"][1]["TextValue"], "true", "{record}");

    // A class enrollment keeps its class and user.
    let moved_path =
        format!("/UpdateClassEnrollment/{id}?classId={}&userId={}&enrollmentStatusId=30&completionStatusId=20", c.class, c.east);
    let moved = call(&app, &c.key, &moved_path).await;
    assert!(moved["Error"].as_str().unwrap().contains("classId and userId must name them"), "{moved}");
    assert_eq!(call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0]["UserId"], c.eng);

    // Search: filters, 0-based paging, totals, sorting.
    for status in [0, 20, 40] {
        let user = [c.east, c.hq, c.east][(status / 20) as usize];
        let class = if status == 40 { c.empty_class } else { c.class };
        let made = call(
            &app,
            &c.key,
            &format!("/CreateClassEnrollment?classId={class}&userId={user}&enrollmentStatusId={status}&completionStatusId=0"),
        )
        .await;
        assert_eq!(made["status"], 0, "{made}");
    }
    let all = call(&app, &c.key, "/SearchClassEnrollments").await;
    assert_eq!((all["Status"].as_i64(), all["TotalCount"].as_i64(), all["TotalPages"].as_i64()), (Some(0), Some(4), Some(1)), "{all}");
    let keys: Vec<&str> = all.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Status", "Error", "Results", "TotalCount", "TotalPages"]);
    let page = call(&app, &c.key, "/SearchClassEnrollments?pageIndex=1&pageSize=3&sort=Created").await;
    assert_eq!((page["Results"].as_array().unwrap().len(), page["TotalPages"].as_i64()), (1, Some(2)));
    let by_class = call(&app, &c.key, &format!("/SearchClassEnrollments?classId={}", c.empty_class)).await;
    assert_eq!(by_class["TotalCount"], 1);
    let by_student = call(&app, &c.key, &format!("/SearchClassEnrollments?studentId={}", c.east)).await;
    assert_eq!(by_student["TotalCount"], 2);
    let by_status = call(&app, &c.key, "/SearchClassEnrollments?enrollmentStatusId=\"20\"".replace('"', "").as_str()).await;
    assert_eq!(by_status["TotalCount"], 1);
    let by_name = call(&app, &c.key, "/SearchClassEnrollments?className=EVENING").await;
    let far = call(&app, &c.key, "/SearchClassEnrollments?createdBefore=999999999999").await;
    assert!(far["Error"].as_str().unwrap().contains("years 1 to 9999"), "{far}");
    assert_eq!(by_name["TotalCount"], 1);
    let by_name_desc = call(&app, &c.key, "/SearchClassEnrollments?sort=Name%20DESC").await;
    assert_eq!(by_name_desc["Results"][0]["ClassId"], c.empty_class, "\"Course Two, evening\" sorts after \"Course Three, morning\"");
    let future = Utc::now().timestamp() + 3600;
    let created_later = call(&app, &c.key, &format!("/SearchClassEnrollments?createdAfter={future}")).await;
    assert_eq!(created_later["TotalCount"], 0);
    let bad_sort = call(&app, &c.key, "/SearchClassEnrollments?sort=Colour").await;
    assert_eq!(bad_sort["Status"], 10);
    assert!(bad_sort["Error"].as_str().unwrap().contains("sort must be one of Name"), "{bad_sort}");
    let big_page = call(&app, &c.key, "/SearchClassEnrollments?pageSize=1001").await;
    assert!(big_page["Error"].as_str().unwrap().contains("pageSize must be from 1 to 1000"), "{big_page}");

    // Classes and users.
    let classes = call(&app, &c.key, "/SearchClasses?sort=Start%20DESC").await;
    assert_eq!((classes["TotalCount"].as_i64(), classes["Results"][0]["Id"].as_i64()), (Some(2), Some(c.empty_class)));
    let by_external = call(&app, &c.key, "/GetClassByExternalId?id=C3-A").await;
    assert_eq!(
        (by_external["Results"][0]["Id"].as_i64(), by_external["Results"][0]["Name"].as_str()),
        (Some(c.class), Some("Course Three, morning"))
    );
    let missing_class = call(&app, &c.key, "/GetClassByExternalId?id=nope").await;
    assert_eq!((missing_class["Status"].as_i64(), missing_class["Results"].as_array().unwrap().len()), (Some(20), 0));
    let user = call(&app, &c.key, "/GetUserByEmail?email=Eng.Learner@ACME.example.test").await;
    assert_eq!((user["Status"].as_i64(), user["User"]["Id"].as_i64()), (Some(0), Some(c.eng)), "{user}");
    let nobody = call(&app, &c.key, "/GetUserByEmail?email=nobody@acme.example.test").await;
    assert_eq!((nobody["Status"].as_i64(), nobody["User"].is_null()), (Some(20), true));
}

async fn keys_tenants_and_bad_input_get_their_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = setup(&app).await;
    let id = call(&app, &c.key, &create_path(&c, c.eng, 60, 0)).await["ClassEnrollmentId"].as_i64().unwrap();
    let path = format!("/GetClassEnrollment/{id}");

    // Keys: none, wrong, revoked, another tenant's.
    for key in ["", "not-a-key", c.revoked_key.as_str()] {
        let answer = call(&app, key, &path).await;
        assert_eq!((answer["Status"].as_i64(), answer["Error"].is_null()), (Some(30), true), "{key}: {answer}");
        assert_eq!(answer["Results"], Value::Array(vec![]));
    }
    let other = call(&app, &c.other_key, &path).await;
    assert_eq!(other["Status"], 20, "another tenant's key sees nothing of acme: {other}");
    let created = call(&app, "", &create_path(&c, c.hq, 0, 0)).await;
    assert_eq!(created["status"], 30, "{created}");

    // Bad parameters: Status 10 naming the parameter and what it accepts; nothing changes.
    let cases = [
        (
            format!("/CreateClassEnrollment?classId={}&userId={}&enrollmentStatusId=15&completionStatusId=0", c.class, c.hq),
            "enrollmentStatusId must be one of 0, 10, 20, 30, 40, 50, 60",
        ),
        (
            format!("/CreateClassEnrollment?classId={}&userId={}&enrollmentStatusId=0&completionStatusId=60", c.class, c.hq),
            "completionStatusId must be one of 0, 10, 20, 30, 40, 50",
        ),
        (format!("/CreateClassEnrollment?classId={}&userId={}&enrollmentStatusId=0", c.class, c.hq), "completionStatusId is required"),
        (
            format!("/CreateClassEnrollment?classId=abc&userId={}&enrollmentStatusId=0&completionStatusId=0", c.hq),
            "classId must be a whole number",
        ),
        (
            format!(
                "/CreateClassEnrollment?classId={}&userId={}&enrollmentStatusId=0&completionStatusId=0&LocationTypeId=5",
                c.class, c.hq
            ),
            "LocationTypeId must be one of 0, 10, 20, 30",
        ),
        (
            format!(
                "/CreateClassEnrollment?classId={}&userId={}&enrollmentStatusId=0&completionStatusId=0&lateCancel=maybe",
                c.class, c.hq
            ),
            "lateCancel must be true or false",
        ),
        (format!("/CreateClassEnrollment?classId=999999&userId={}&enrollmentStatusId=0&completionStatusId=0", c.hq), "no class '999999'"),
        (format!("/CreateClassEnrollment?classId={}&userId=999999&enrollmentStatusId=0&completionStatusId=0", c.class), "no user '999999'"),
        // The learner holds course-3 already (an iSpring enrollment): a second one in force is refused.
        (create_path(&c, c.hq, 60, 0), "holds an enrollment in force"),
    ];
    for (path, expected) in &cases {
        let answer = call(&app, &c.key, path).await;
        assert_eq!(answer["status"], 10, "{path}: {answer}");
        assert!(answer["error"].as_str().unwrap().contains(expected), "{path}: {answer}");
    }
    let count = call(&app, &c.key, "/SearchClassEnrollments").await["TotalCount"].as_i64();
    assert_eq!(count, Some(1), "refused requests changed nothing");
    // Numbers as numeric strings with spaces are numbers; the path id must be one.
    let padded = call(&app, &c.key, &format!("/GetClassEnrollmentByClassAndUser?classId=%20{}%20&userId={}", c.class, c.eng)).await;
    assert_eq!(padded["Status"], 0);
    let not_a_number = call(&app, &c.key, "/GetClassEnrollment/abc").await;
    assert_eq!(not_a_number["Status"], 10);
    assert!(not_a_number["Error"].as_str().unwrap().contains("id must be a positive whole number"));
    // Any method is answered the same way (Skillable's clients use GET).
    let posted = app.client.post(format!("{}{path}", app.base_url)).header("api_key", &c.key).send().await.unwrap();
    assert_eq!(posted.status(), 200);
}

/// How many active enrollments of ENG_LEARNER in course-3 the JSON mirror lists.
async fn listed(app: &TestApp, token: &str) -> usize {
    let url = format!("{}/api/v1/enrollments?learnerId={ENG_LEARNER}&courseId={COURSE_3}", app.base_url);
    let body: Value = app.client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    body["enrollments"].as_array().unwrap().len()
}

/// The same through the SOAP face's GetEnrollments.
async fn soap_listed(app: &TestApp, token: &str) -> usize {
    let envelope = common::soap::envelope(&format!(
        "<GetEnrollmentsRequest><credentials><token>{token}</token></credentials><courseIds><id>{COURSE_3}</id></courseIds><learnerIds><id>{ENG_LEARNER}</id></learnerIds></GetEnrollmentsRequest>"
    ));
    let reply = app.soap(envelope).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body.matches("<ns1:enrollmentId>").count()
}

/// A class enrollment is one enrollment of the store: in force, the other faces list it; cancelled,
/// they do not; completed, they read it as completed.
async fn a_class_enrollment_is_an_enrollment_of_every_face(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = setup(&app).await;
    let token = app.fixture.admin_token.clone();
    assert_eq!((listed(&app, &token).await, soap_listed(&app, &token).await), (0, 0));

    let requested = call(&app, &c.key, &create_path(&c, c.eng, 0, 0)).await;
    let id = requested["ClassEnrollmentId"].as_i64().unwrap();
    assert_eq!((listed(&app, &token).await, soap_listed(&app, &token).await), (0, 0), "a request gives no access yet");

    let update = |status: i32, completion: i32| {
        format!(
            "/UpdateClassEnrollment/{id}?classId={}&userId={}&enrollmentStatusId={status}&completionStatusId={completion}",
            c.class, c.eng
        )
    };
    assert_eq!(call(&app, &c.key, &update(60, 10)).await["Status"], 0);
    assert_eq!((listed(&app, &token).await, soap_listed(&app, &token).await), (1, 1), "enrolled, it is an enrollment of every face");

    assert_eq!(call(&app, &c.key, &update(60, 20)).await["Status"], 0);
    let results: Value = app
        .client
        .get(format!("{}/api/v1/results?userId={ENG_LEARNER}&courseId={COURSE_3}", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let result = &results["learnersResults"][0];
    assert_eq!(result["completionStatus"], "complete", "{results}");
    assert!(result["completionDate"].is_string(), "{results}");

    assert_eq!(call(&app, &c.key, &update(10, 20)).await["Status"], 0);
    assert_eq!((listed(&app, &token).await, soap_listed(&app, &token).await), (0, 0), "cancelled, no face lists it");
    let record = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await;
    assert_eq!(record["Results"][0]["EnrollmentStatusId"], 10, "the class enrollment itself remains");

    // Every EnrollmentStatusId with every CompletionStatusId: the face reads back what it was given,
    // and the other faces list the enrollment exactly when the status puts it in force.
    for status in [0, 10, 20, 30, 40, 50, 60] {
        for completion in [0, 10, 20, 30, 40, 50] {
            let answer = call(&app, &c.key, &update(status, completion)).await;
            assert_eq!(answer["Status"], 0, "{status}/{completion}: {answer}");
            let record = call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Results"][0].clone();
            assert_eq!(
                (record["EnrollmentStatusId"].as_i64(), record["CompletionStatusId"].as_i64()),
                (Some(status.into()), Some(completion.into()))
            );
        }
        let in_force = [30, 50, 60].contains(&status);
        assert_eq!(listed(&app, &token).await, usize::from(in_force), "status {status}");
    }

    // Deleted through the iSpring faces, the class enrollment goes with it and the pair is free.
    assert_eq!(call(&app, &c.key, &update(60, 10)).await["Status"], 0);
    let url = format!("{}/api/v1/enrollments?learnerId={ENG_LEARNER}&courseId={COURSE_3}", app.base_url);
    let listed: Value = app.client.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let enrollment = listed["enrollments"][0]["enrollmentId"].as_str().unwrap().to_string();
    let deleted = app.client.delete(format!("{}/api/v1/enrollments/{enrollment}", app.base_url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(call(&app, &c.key, &format!("/GetClassEnrollment/{id}")).await["Status"], 20);
    let again = call(&app, &c.key, &create_path(&c, c.eng, 60, 0)).await;
    assert_eq!(again["status"], 0, "the class and user are free again: {again}");
}

on_both_backends!(
    class_enrollments_round_trip,
    keys_tenants_and_bad_input_get_their_status,
    a_class_enrollment_is_an_enrollment_of_every_face
);
