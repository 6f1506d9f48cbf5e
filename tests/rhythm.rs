//! The Rhythm face over real HTTP, on SQLite and PostgreSQL: every route with its success and its
//! error codes, every enumeration, projections, paging to the end under concurrent inserts, every
//! patch operation, a 100-item batch with failures in it, keys and tenants, the SMTP round trip
//! through a real SMTP server, and one registration read through the other faces.

#![recursion_limit = "256"]

mod common;

use chrono::Utc;
use common::fixture::*;
use common::{Backend, TestApp, spawn_app, spawn_app_with};
use lmsbridge::service::admin::Face;
use lmsbridge::store::offerings::{self, NewOffering};
use lmsbridge::store::registrations::{self as rhythm, NewProcess};
use lmsbridge::store::{Tx, courses, tenants, users};
use serde_json::{Value, json};

/// acme's Rhythm id, keys and references.
struct Setup {
    key: String,
    other_key: String,
    revoked_key: String,
}

const TENANT: &str = "acme.org";
const OFFERING: &str = "OFF-C3";
const OTHER_OFFERING: &str = "OFF-C2";

async fn setup(app: &TestApp) -> Setup {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        let (_, key) = service.create_integration_key("acme", Face::Rhythm).unwrap();
        let (_, other_key) = service.create_integration_key("other", Face::Rhythm).unwrap();
        let (revoked_id, revoked_key) = service.create_integration_key("acme", Face::Rhythm).unwrap();
        service.revoke_integration_key("acme", revoked_id).unwrap();
        service
            .db()
            .write(|tx| -> Result<(), lmsbridge::service::OpError> {
                let now = Utc::now().naive_utc();
                let acme = tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let other = tenants::tenant_id_by_name(tx, "other")?.unwrap();
                tenants::set_rhythm_id(tx, acme, Some(TENANT))?;
                tenants::set_rhythm_id(tx, other, Some("other.org"))?;
                let course = |tx: &mut Tx<'_>, id: &str| courses::courses_by_external_ids(tx, acme, &[id]).map(|c| c[0].id);
                let (course3, course2) = (course(tx, COURSE_3)?, course(tx, COURSE_2)?);
                for (course, external_id, day) in [(course3, OFFERING, 10), (course2, OTHER_OFFERING, 20)] {
                    let starts = now + chrono::Duration::days(day);
                    let offering = offerings::insert_offering(
                        tx,
                        &NewOffering {
                            tenant_id: acme,
                            course_id: course,
                            external_id: Some(external_id),
                            name: external_id,
                            description: None,
                            starts_at: Some(starts),
                            ends_at: Some(starts + chrono::Duration::hours(8)),
                            location_type: None,
                            classroom_id: None,
                            capacity: None,
                            late_cancel_hours: None,
                            confirmation_status: 0,
                            delivery_type: 1,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                    offerings::set_fee(tx, offering, Some(120.5), Some("EUR"))?;
                }
                rhythm::insert_process(
                    tx,
                    &NewProcess { tenant_id: acme, external_id: "PROC-1", name: "Register", is_active: true, created_at: now },
                    &[course3],
                )?;
                let eng = users::users_by_external_ids(tx, acme, &[ENG_LEARNER])?[0].id;
                rhythm::insert_application(tx, acme, "APP-1", eng, now)?;
                rhythm::insert_event_registration(tx, acme, "EVT-1", eng, now)?;
                Ok(())
            })
            .unwrap();
        Setup { key, other_key, revoked_key }
    })
    .await
    .unwrap()
}

/// Sends `method path` (under the tenant's collection unless it starts with `/courseRegistrations`)
/// with `key` in `Authorization`; returns the status and the JSON answer.
async fn call(app: &TestApp, key: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let path = if path.starts_with("/courseRegistrations") { path.to_string() } else { format!("/courseRegistrations/{TENANT}{path}") };
    let mut request = app.client.request(method.parse().unwrap(), format!("{}{path}", app.base_url));
    if !key.is_empty() {
        request = request.header("Authorization", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}")))
}

/// A registration body of ENG_LEARNER in OFFERING (course-3).
fn body(student: &str, offering: &str, course: &str, status: &str) -> Value {
    json!({"name": "Eng Learner", "student_id": student, "course_id": course, "course_offering_id": offering, "status": status})
}

async fn create(app: &TestApp, key: &str, body: Value) -> Value {
    let (status, created) = call(app, key, "POST", "", Some(body.clone())).await;
    assert_eq!(status, 200, "{body}: {created}");
    created
}

/// Every field of the record, each with its JSON type.
fn full_record() -> Value {
    json!({
        "first_name": "Eng", "last_name": "Learner", "name": "Eng Learner", "email_address": "eng@acme.test",
        "city": "Berlin", "state": "BE", "country": "DE", "job_title": "Engineer",
        "order_line_item_id": "LINE-1", "order_number": 77, "order_balance_due": 10.5, "order_amount_paid": 110,
        "order_currency_code": "EUR", "order_currency_symbol": "€", "order_status": "partially shipped", "order_total": 120.5,
        "application_id": "APP-1", "event_registration_id": "EVT-1", "student_id": ENG_LEARNER, "organization_id": "ORG-9",
        "number": 12, "course_id": COURSE_3, "process_id": "PROC-1", "course_offering_id": OFFERING,
        "webinar_participant_id": "W-1", "webinar_join_url": "https://meet.example/w-1",
        "arrival_date": "2026-03-02T08:30:00Z", "departure_date": "2026-03-02T17:15:00.250Z",
        "cancellation_date": "2026-02-01T10:00:00+02:00", "course_date": "2026-03-02T09:00:00Z",
        "training_provider_id": "TP-1", "training_location_id": "TL-1", "date": "2026-01-15T12:00:00Z",
        "completion_percentage": 62.5, "status": "in progress", "exam_offering_ids": ["EX-1", "EX-2"],
        "training_provider_billing_name": "Provider Inc.", "training_provider_billing_status": "billing hold",
        "training_provider_billing_date": "next month", "training_provider_billing_invoice_id": "INV-1",
        "training_provider_billing_invoice_line_item_id": "INV-1-1", "notes": "Needs parking",
        "custom_field_values": [
            {"custom_field_id": "certifications-course-registrations__diet__c", "string_value": "vegan"},
            {"custom_field_id": "certifications-course-registrations__age__c", "numeric_value": 42.5, "boolean_value": true,
             "list_value": ["a", "b"], "file_url_value": "https://files.example/f", "table_value": [{"row": 1}]}
        ],
        "sys_deleted_by_id": "nobody", "sys_external_id": "EXT-1", "sys_bulk_load_pk": "pk", "sys_bulk_load_at": "then",
        "sys_bulk_load_id": "bl-1", "sys_bulk_load_source_file": "f.csv", "sys_bulk_load_record_no": 3,
        "sys_last_bulk_data_operation_id": "op-1", "sys_last_bulk_data_operation_sys_version": "2", "sys_directive": "none",
        "sys_calculated_field_error": "none", "sys_snapshot_base_version": 1, "sys_has_files_in_s3": false,
        "sys_configuration_snapshot_id": "snap-1", "sys_last_security_context": {"user": "u-1"},
        "sys_calculated_field_errors": [{"field": "number", "error": "overflow"}],
        "sys_locked": false
    })
}

async fn records_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;

    // Create: every field comes back with its JSON type; the server owns id and bookkeeping.
    let sent = full_record();
    let created = create(&app, &s.key, sent.clone()).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || "_|:-".contains(c)), "{id}");
    for (field, value) in sent.as_object().unwrap() {
        let expected = match field.as_str() {
            "arrival_date" => json!("2026-03-02T08:30:00.000Z"),
            "departure_date" => json!("2026-03-02T17:15:00.250Z"),
            "cancellation_date" => json!("2026-02-01T08:00:00.000Z"),
            "course_date" => json!("2026-03-02T09:00:00.000Z"),
            "date" => json!("2026-01-15T12:00:00.000Z"),
            _ => value.clone(),
        };
        assert_eq!(created[field], expected, "{field}");
    }
    assert_eq!((created["sys_version"].as_i64(), created["sys_created_by_id"].as_str().is_some()), (Some(1), true));
    assert_eq!(created["sys_created_at"], created["sys_last_modified_at"]);

    // Get: the same record; a projection keeps id and the fields named.
    let (status, got) = call(&app, &s.key, "GET", &format!("/{id}?consistentRead=true"), None).await;
    assert_eq!((status, &got), (200, &created));
    let (_, some) = call(&app, &s.key, "GET", &format!("/{id}?fields=status,%20order_total,custom_field_values"), None).await;
    let keys: Vec<&str> = some.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{some}");
    assert_eq!((&some["status"], &some["order_total"]), (&json!("in progress"), &json!(120.5)));
    for (query, field) in [("fields=status,bogus", "fields"), ("consistentRead=perhaps", "consistentRead")] {
        let (status, error) = call(&app, &s.key, "GET", &format!("/{id}?{query}"), None).await;
        assert_eq!((status, error["field"].as_str()), (400, Some(field)), "{error}");
        assert_eq!(error["message"], "The request was not valid.");
    }
    let (status, missing) = call(&app, &s.key, "GET", "/no-such-id", None).await;
    assert_eq!((status, missing["message"].as_str()), (404, Some("The course registration could not be found.")));

    // Bad bodies: 400 naming the field, and nothing is created.
    let mut with_id = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    with_id["id"] = json!("mine");
    let mut wrong_type = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    wrong_type["order_total"] = json!("5");
    let mut unknown = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    unknown["colour"] = json!("blue");
    let mut bad_date = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    bad_date["arrival_date"] = json!("tomorrow");
    let mut bad_item = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    bad_item["custom_field_values"] = json!([{"custom_field_id": "x", "colour": 1}]);
    let no_student = json!({"name": "N", "course_id": COURSE_3, "course_offering_id": OFFERING});
    for (sent, field) in [
        (with_id, "id"),
        (wrong_type, "order_total"),
        (unknown, "colour"),
        (body(HQ_LEARNER, OFFERING, COURSE_3, "No Show"), "status"),
        (bad_date, "arrival_date"),
        (bad_item, "custom_field_values[0]"),
        (no_student, "student_id"),
        (json!([1, 2]), "body"),
    ] {
        let (status, error) = call(&app, &s.key, "POST", "", Some(sent.clone())).await;
        assert_eq!(status, 400, "{sent}: {error}");
        assert!(error["field"].as_str().unwrap_or_default().starts_with(field), "{sent}: {error}");
        assert_eq!(error["message"], "The course registration you supplied was invalid.");
    }
    // References that name nothing: 409 in the seed's words; an offering of another course: 400.
    let mut unknown_order = body(HQ_LEARNER, OFFERING, COURSE_3, "registered");
    unknown_order["order_id"] = json!("ORDER-NONE");
    for sent in [body("nobody", OFFERING, COURSE_3, "registered"), body(HQ_LEARNER, "OFF-NONE", COURSE_3, "registered"), unknown_order] {
        let (status, error) = call(&app, &s.key, "POST", "", Some(sent.clone())).await;
        assert_eq!(status, 409, "{sent}: {error}");
        assert_eq!(error["message"], "The course registration could not be saved because it refers to/depends on a non-existent object.");
    }
    let (status, _) = call(&app, &s.key, "POST", "", Some(body(HQ_LEARNER, OTHER_OFFERING, COURSE_3, "registered"))).await;
    assert_eq!(status, 400);
    let (_, all) = call(&app, &s.key, "GET", "", None).await;
    assert_eq!(all.as_array().unwrap().len(), 1, "refused bodies created nothing");

    // Replace: what is left out is gone; a stale sys_version is a 409 and changes nothing.
    let mut replacement = body(ENG_LEARNER, OFFERING, COURSE_3, "registered");
    replacement["sys_version"] = json!(1);
    replacement["id"] = json!(id);
    let (status, replaced) = call(&app, &s.key, "PUT", &format!("/{id}"), Some(replacement.clone())).await;
    assert_eq!((status, replaced["sys_version"].as_i64(), replaced.get("notes")), (200, Some(2), None), "{replaced}");
    let (status, stale) = call(&app, &s.key, "PUT", &format!("/{id}"), Some(replacement.clone())).await;
    assert_eq!(status, 409, "{stale}");
    assert!(stale["detail"].as_str().unwrap().contains("sys_version 2"), "{stale}");
    replacement["id"] = json!("another");
    replacement["sys_version"] = json!(2);
    assert_eq!(call(&app, &s.key, "PUT", &format!("/{id}"), Some(replacement)).await.0, 400);
    let (_, unchanged) = call(&app, &s.key, "GET", &format!("/{id}"), None).await;
    assert_eq!(unchanged, replaced);

    // Patch: every RFC 6902 operation; all or nothing.
    let directives = json!([
        {"op": "test", "path": "/status", "value": "registered"},
        {"op": "replace", "path": "/status", "value": "attended"},
        {"op": "add", "path": "/city", "value": "Lisbon"},
        {"op": "copy", "from": "/city", "path": "/state"},
        {"op": "move", "from": "/state", "path": "/country"},
        {"op": "add", "path": "/notes", "value": "to remove"},
        {"op": "remove", "path": "/notes"},
        {"op": "replace", "path": "/custom_field_values", "value": "[{\"custom_field_id\": \"x__c\", \"string_value\": \"as text\"}]"}
    ]);
    let (status, patched) = call(&app, &s.key, "PATCH", &format!("/{id}"), Some(directives)).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!((&patched["status"], &patched["city"], &patched["country"]), (&json!("attended"), &json!("Lisbon"), &json!("Lisbon")));
    assert_eq!((patched.get("state"), patched.get("notes"), patched["sys_version"].as_i64()), (None, None, Some(3)));
    assert_eq!(patched["custom_field_values"][0]["string_value"], "as text", "a JSON array sent as text is read as the array");
    for directives in [
        json!([{"op": "replace", "path": "/city", "value": "Porto"}, {"op": "test", "path": "/status", "value": "registered"}]),
        json!([{"op": "replace", "path": "/colour", "value": "blue"}]),
        json!([{"op": "add", "path": "/colour", "value": "blue"}]),
        json!([{"op": "replace", "path": "/status", "value": "done"}]),
        json!([{"op": "frobnicate", "path": "/city"}]),
        json!({"op": "replace"}),
    ] {
        let (status, error) = call(&app, &s.key, "PATCH", &format!("/{id}"), Some(directives.clone())).await;
        assert_eq!(
            (status, error["message"].as_str()),
            (400, Some("The JSON patch directive you supplied was not valid.")),
            "{directives}"
        );
    }
    let (_, after) = call(&app, &s.key, "GET", &format!("/{id}"), None).await;
    assert_eq!(after, patched, "failed patches changed nothing");

    // Locked: every change refused, through every route.
    let (status, _) =
        call(&app, &s.key, "PATCH", &format!("/{id}"), Some(json!([{"op": "replace", "path": "/sys_locked", "value": true}]))).await;
    assert_eq!(status, 200);
    let lock = |error: &Value| error["detail"].as_str().unwrap_or_default().contains("locked");
    let (status, error) =
        call(&app, &s.key, "PATCH", &format!("/{id}"), Some(json!([{"op": "replace", "path": "/sys_locked", "value": false}]))).await;
    assert!(status == 400 && lock(&error), "{error}");
    let (status, error) = call(&app, &s.key, "DELETE", &format!("/{id}"), None).await;
    assert!(status == 400 && lock(&error), "{error}");
    let (status, error) = call(&app, &s.key, "PUT", &format!("/{id}"), Some(body(ENG_LEARNER, OFFERING, COURSE_3, "registered"))).await;
    assert!(status == 400 && lock(&error), "{error}");

    // Delete: the answer is the id; then it is gone. A registration with an order cannot go.
    let second = create(&app, &s.key, body(HQ_LEARNER, OTHER_OFFERING, COURSE_2, "draft")).await["id"].as_str().unwrap().to_string();
    let (status, deleted) = call(&app, &s.key, "DELETE", &format!("/{second}"), None).await;
    assert_eq!((status, deleted), (200, json!(second)));
    assert_eq!(call(&app, &s.key, "GET", &format!("/{second}"), None).await.0, 404);
    assert_eq!(call(&app, &s.key, "DELETE", &format!("/{second}"), None).await.0, 404);
    let third = create(&app, &s.key, body(HQ_LEARNER, OTHER_OFFERING, COURSE_2, "draft")).await["id"].as_str().unwrap().to_string();
    let (status, order) = call(&app, &s.key, "POST", "/generateOrder", Some(json!({"id": third}))).await;
    assert_eq!(status, 200, "{order}");
    let (status, error) = call(&app, &s.key, "DELETE", &format!("/{third}"), None).await;
    assert_eq!(
        (status, error["message"].as_str()),
        (409, Some("The course registration could not be deleted because other objects refers to/depends on this one."))
    );
}

async fn lookups_paging_and_search(backend: Backend) {
    let app = spawn_app_with(backend, |config| config.rhythm_page_size = 2).await;
    let s = setup(&app).await;
    let learners = [ENG_LEARNER, HQ_LEARNER, EAST_LEARNER];
    let mut made = Vec::new();
    for (i, learner) in learners.iter().enumerate() {
        let mut sent = body(learner, OFFERING, COURSE_3, ["registered", "draft", "cancelled"][i]);
        sent["city"] = json!(["Berlin", "Lisbon", "Boston"][i]);
        sent["order_total"] = json!(100.0 * (i + 1) as f64);
        sent["date"] = json!(format!("2026-0{}-01T00:00:00Z", i + 1));
        sent["email_address"] = json!(format!("{learner}@Acme.test"));
        made.push(create(&app, &s.key, sent).await["id"].as_str().unwrap().to_string());
    }
    // (The fixture's learner holds course-2 through iSpring: a draft does not clash with that.)
    let mut sent = body(ENG_LEARNER, OTHER_OFFERING, COURSE_2, "draft");
    sent["application_id"] = json!("APP-1");
    sent["event_registration_id"] = json!("EVT-1");
    made.push(create(&app, &s.key, sent).await["id"].as_str().unwrap().to_string());

    // Index lookups: their records, Count of the page, LastEvaluatedKey until the last page.
    let ids = |page: &Value| page["Items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (status, page) = call(&app, &s.key, "GET", &format!("/student/{ENG_LEARNER}"), None).await;
    assert_eq!((status, page["Count"].as_i64(), ids(&page)), (200, Some(2), vec![made[0].clone(), made[3].clone()]));
    assert!(page.get("LastEvaluatedKey").is_none(), "nothing more: no key, even on a full page");
    let (_, page) = call(&app, &s.key, "GET", &format!("/courseOffering/{OFFERING}"), None).await;
    assert_eq!((page["Count"].as_i64(), ids(&page)), (Some(2), made[..2].to_vec()));
    let key = page["LastEvaluatedKey"].as_str().expect("more follow: a key");
    let (_, rest) = call(&app, &s.key, "GET", &format!("/courseOffering/{OFFERING}?exclusiveStartKey={key}"), None).await;
    assert_eq!((rest["Count"].as_i64(), ids(&rest), rest.get("LastEvaluatedKey")), (Some(1), vec![made[2].clone()], None));
    for (path, expected) in [
        (format!("/course/{COURSE_3}"), vec![0, 1]),
        (format!("/courseOffering/{OFFERING}?includeActiveOnly=true"), vec![0]),
        (format!("/courseOffering/{OFFERING}?includeActiveOnly=false"), vec![0, 1]),
        (format!("/studentCourse/{HQ_LEARNER}/{COURSE_3}"), vec![1]),
        (format!("/studentCourse/{ENG_LEARNER}/{COURSE_2}"), vec![3]),
        ("/application/APP-1".to_string(), vec![3]),
        ("/eventRegistration/EVT-1".to_string(), vec![3]),
        ("/student/nobody".to_string(), vec![]),
        ("/order/ORDER-NONE".to_string(), vec![]),
    ] {
        let (status, page) = call(&app, &s.key, "GET", &path, None).await;
        let expected: Vec<String> = expected.into_iter().map(|i: usize| made[i].clone()).collect();
        assert_eq!((status, ids(&page)), (200, expected), "{path}");
        assert_eq!(page["Count"].as_u64(), Some(page["Items"].as_array().unwrap().len() as u64));
    }
    let (_, offering_page) = call(&app, &s.key, "GET", &format!("/courseOffering/{OFFERING}?fields=city"), None).await;
    assert_eq!(offering_page["Items"][0], json!({"id": made[0], "city": "Berlin"}));

    // The scan: a bare array; the next page starts after the last item's id. Paging to the end
    // while others insert: every record once.
    let (status, first) = call(&app, &s.key, "GET", "?fields=status", None).await;
    assert_eq!((status, first.as_array().map(Vec::len)), (200, Some(2)));
    let mut seen: Vec<String> = first.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let mut late = body(EAST_LEARNER, OTHER_OFFERING, COURSE_2, "draft");
    late["name"] = json!("Late Comer");
    let late = create(&app, &s.key, late).await["id"].as_str().unwrap().to_string();
    loop {
        let last = seen.last().unwrap().clone();
        let (_, page) = call(&app, &s.key, "GET", &format!("?exclusiveStartKey={last}"), None).await;
        let page: Vec<String> = page.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        if page.is_empty() {
            break;
        }
        seen.extend(page);
    }
    let mut expected = made.clone();
    expected.push(late);
    assert_eq!(seen, expected);
    for key in ["not-a-key", "%25%25"] {
        let (status, error) = call(&app, &s.key, "GET", &format!("/course/{COURSE_3}?exclusiveStartKey={key}"), None).await;
        assert_eq!((status, error["field"].as_str()), (400, Some("exclusiveStartKey")), "{key}: {error}");
    }

    // Search: each kind of criterion; no Count; fieldsToReturn.
    let search = |criteria: Value| {
        let app = &app;
        let key = s.key.clone();
        async move {
            let (status, page) = call(app, &key, "POST", "/search?fieldsToReturn=city", Some(criteria.clone())).await;
            assert_eq!(status, 200, "{criteria}: {page}");
            assert!(page.get("Count").is_none());
            page["Items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(search(json!({"status": ["draft", "cancelled"]})).await[..2], made[1..3]);
    assert_eq!(search(json!({"ids": [made[2]]})).await, [made[2].clone()]);
    assert_eq!(search(json!({"order_total": [150, null]})).await, made[1..3]);
    assert_eq!(search(json!({"date": ["2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z"]})).await, [made[1].clone()]);
    assert_eq!(search(json!({"email_address": format!("{HQ_LEARNER}@acme.TEST")})).await, [made[1].clone()]);
    assert_eq!(search(json!({"city": "boston", "course_offering_id": [OFFERING]})).await, [made[2].clone()]);
    assert_eq!(search(json!({"name": "eng lear", "course_id": [COURSE_2]})).await, [made[3].clone()]);
    assert!(search(json!({"status": ["completed"], "city": "nowhere"})).await.is_empty());
    for (criteria, field) in [
        (json!({"colour": ["blue"]}), ""),
        (json!({"order_total": [1, 2, 3]}), "order_total"),
        (json!({"status": ["maybe"]}), "status"),
        (json!({"date": ["soon", null]}), "date"),
    ] {
        let (status, error) = call(&app, &s.key, "POST", "/search", Some(criteria.clone())).await;
        assert_eq!(status, 400, "{criteria}: {error}");
        assert!(error["field"].as_str().unwrap_or_default().starts_with(field), "{criteria}: {error}");
    }
}

async fn keys_tenants_and_the_other_faces(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let id = create(&app, &s.key, body(ENG_LEARNER, OFFERING, COURSE_3, "registered")).await["id"].as_str().unwrap().to_string();

    // Keys: bare or after Bearer; missing, unknown or revoked is 401; another tenant's is 403.
    assert_eq!(call(&app, &format!("Bearer {}", s.key), "GET", &format!("/{id}"), None).await.0, 200);
    for key in ["", "wrong", s.revoked_key.as_str()] {
        let (status, error) = call(&app, key, "GET", &format!("/{id}"), None).await;
        assert_eq!((status, error["message"].as_str()), (401, Some("Unauthorized.")), "{key}");
    }
    let (status, error) = call(&app, &s.other_key, "GET", &format!("/{id}"), None).await;
    assert_eq!((status, error["message"].as_str()), (403, Some("Forbidden.")));
    // The key is checked before the body: a bad body without a key is still a 401.
    for path in ["", "/search", "/batch", "/generateOrder"] {
        let url = format!("{}/courseRegistrations/{TENANT}{path}", app.base_url);
        let response = app.client.post(url).header("Content-Type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let (status, _) = call(&app, &s.key, "GET", &format!("/courseRegistrations/other.org/{id}"), None).await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, &s.other_key, "GET", "/courseRegistrations/other.org", None).await;
    assert_eq!(status, 200, "the other tenant's key works on its own tenant");
    // The same routes under the prefix.
    let response = app
        .client
        .get(format!("{}/rhythm/courseRegistrations/{TENANT}/{id}", app.base_url))
        .header("Authorization", &s.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // One enrollment: registered, the iSpring faces list it; cancelled, they do not; completed,
    // they read it as completed. An iSpring enrollment is no registration.
    let token = app.fixture.admin_token.clone();
    let listed = || {
        let app = &app;
        let token = token.clone();
        async move {
            let url = format!("{}/api/v1/enrollments?learnerId={ENG_LEARNER}&courseId={COURSE_3}", app.base_url);
            let body: Value = app.client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
            body["enrollments"].as_array().unwrap().iter().map(|e| e["enrollmentId"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed().await, vec![id.clone()], "the registration is the enrollment, under the same id");
    let replace = |status: &str| json!([{"op": "replace", "path": "/status", "value": status}]);
    assert_eq!(call(&app, &s.key, "PATCH", &format!("/{id}"), Some(replace("cancelled"))).await.0, 200);
    assert!(listed().await.is_empty());
    assert_eq!(call(&app, &s.key, "PATCH", &format!("/{id}"), Some(replace("completed"))).await.0, 200);
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
    assert_eq!(results["learnersResults"][0]["completionStatus"], "complete", "{results}");
    let (_, scan) = call(&app, &s.key, "GET", "", None).await;
    assert_eq!(scan.as_array().unwrap().len(), 1, "the fixture's iSpring enrollments are not registrations");
    // A registration in force for a student who holds the course in force already: 409.
    let (status, error) = call(&app, &s.key, "POST", "", Some(body(ENG_LEARNER, OFFERING, COURSE_3, "registered"))).await;
    assert_eq!(status, 409, "{error}");
    // Deleted through iSpring, it is gone here too.
    let deleted = app.client.delete(format!("{}/api/v1/enrollments/{id}", app.base_url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(call(&app, &s.key, "GET", &format!("/{id}"), None).await.0, 404);
}

async fn batch_orders_processes_and_mail(backend: Backend) {
    let sink = common::mail::Sink::start();
    let app = spawn_app_with(backend, |config| config.smtp_url = Some(sink.url())).await;
    let s = setup(&app).await;
    let mut ids = Vec::new();
    for (learner, offering, course) in
        [(ENG_LEARNER, OFFERING, COURSE_3), (HQ_LEARNER, OFFERING, COURSE_3), (EAST_LEARNER, OTHER_OFFERING, COURSE_2)]
    {
        ids.push(create(&app, &s.key, body(learner, offering, course, "draft")).await["id"].as_str().unwrap().to_string());
    }
    // Lock the third: its operations fail.
    call(&app, &s.key, "PATCH", &format!("/{}", ids[2]), Some(json!([{"op": "replace", "path": "/sys_locked", "value": true}]))).await;

    // A batch of 100: patches, deletes and failures, each on its own, in request order.
    let mut operations = Vec::new();
    for i in 0..100 {
        operations.push(match i % 5 {
            0 => json!({"op": "patch", "id": ids[0], "patch": [{"op": "replace", "path": "/notes", "value": format!("note {i}")}]}),
            1 => json!({"op": "patch", "id": ids[2], "patch": [{"op": "replace", "path": "/notes", "value": "locked"}]}),
            2 => json!({"op": "delete", "id": "no-such-registration"}),
            3 => json!({"op": "patch", "id": ids[0], "patch": [{"op": "test", "path": "/status", "value": "completed"}]}),
            _ => json!({"type": "patch", "id": ids[1], "directives": [{"op": "replace", "path": "/city", "value": format!("city {i}")}]}),
        });
    }
    let (status, answer) = call(&app, &s.key, "POST", "/batch", Some(json!({"operations": operations}))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["success_count"].as_u64(), answer["error_count"].as_u64()), (Some(40), Some(60)));
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 100);
    for (i, result) in results.iter().enumerate() {
        let expected = [200, 400, 404, 400, 200][i % 5];
        assert_eq!(result["status"].as_u64(), Some(expected), "{i}: {result}");
    }
    assert_eq!(results[95]["result"]["notes"], "note 95");
    let (_, first) = call(&app, &s.key, "GET", &format!("/{}", ids[0]), None).await;
    assert_eq!((first["notes"].as_str(), first["sys_version"].as_i64()), (Some("note 95"), Some(21)), "each patch its own version");
    let too_many: Vec<Value> = (0..101).map(|_| json!({"op": "delete", "id": "x"})).collect();
    assert_eq!(call(&app, &s.key, "POST", "/batch", Some(json!({"operations": too_many}))).await.0, 400);

    // generateOrder: a real order of the offering's fee, linked; a second one is refused.
    let (status, order) = call(&app, &s.key, "POST", "/generateOrder", Some(json!({"id": ids[0]}))).await;
    assert_eq!(status, 200, "{order}");
    let order_id = order["order_id"].as_str().unwrap();
    let (_, record) = call(&app, &s.key, "GET", &format!("/{}", ids[0]), None).await;
    assert_eq!(
        (
            &record["order_id"],
            &record["order_status"],
            &record["order_total"],
            &record["order_balance_due"],
            &record["order_currency_code"]
        ),
        (&json!(order_id), &json!("awaiting payment"), &json!(120.5), &json!(120.5), &json!("EUR"))
    );
    assert_eq!(record["order_number"], order["order_number"]);
    let (_, by_order) = call(&app, &s.key, "GET", &format!("/order/{order_id}"), None).await;
    assert_eq!(by_order["Items"][0]["id"], json!(ids[0]));
    assert_eq!(call(&app, &s.key, "POST", "/generateOrder", Some(json!({"id": ids[0]}))).await.0, 409);
    assert_eq!(call(&app, &s.key, "POST", "/generateOrder", Some(json!({}))).await.0, 400);
    assert_eq!(call(&app, &s.key, "POST", "/generateOrder", Some(json!({"id": "nope"}))).await.0, 404);

    // generateRegistration: a draft for the contact through the process.
    let (status, generated) = call(&app, &s.key, "POST", &format!("/generateRegistration/PROC-1/{EAST_LEARNER}"), None).await;
    assert_eq!(status, 200, "{generated}");
    assert_eq!(
        (&generated["status"], &generated["process_id"], &generated["student_id"], &generated["course_offering_id"]),
        (&json!("draft"), &json!("PROC-1"), &json!(EAST_LEARNER), &json!(OFFERING))
    );
    assert_eq!(call(&app, &s.key, "POST", &format!("/generateRegistration/NOPE/{EAST_LEARNER}"), None).await.0, 404);
    assert_eq!(call(&app, &s.key, "POST", "/generateRegistration/PROC-1/nobody", None).await.0, 404);

    // previewEmail: queued in the outbox with the change, delivered over SMTP to the sink.
    let (status, queued) = call(
        &app,
        &s.key,
        "POST",
        "/previewEmail",
        Some(json!({"registration_id": ids[1], "destination_email_address": "reviewer@acme.test", "activity_id": "A-1"})),
    )
    .await;
    assert_eq!(status, 200, "{queued}");
    let message = sink.wait_for_one(std::time::Duration::from_secs(20));
    assert!(message.contains("To: reviewer@acme.test"), "{message}");
    assert!(message.contains(&format!("Message-ID: <outbox-{}@lmsbridge>", queued["message_id"].as_str().unwrap())), "{message}");
    assert!(message.contains("Subject: Course registration confirmation"), "{message}");
    assert!(message.contains(&ids[1]), "the body names the registration: {message}");
    for (sent, status) in [
        (json!({"registration_id": "nope", "destination_email_address": "a@acme.test"}), 404),
        (json!({"registration_id": ids[1], "destination_email_address": "not an address"}), 400),
        (json!({"registration_id": ids[1]}), 400),
    ] {
        assert_eq!(call(&app, &s.key, "POST", "/previewEmail", Some(sent.clone())).await.0, status, "{sent}");
    }

    // The migration that gave registrations their copies of external ids fills them from the keys:
    // emptied and filled again by its statement, every record reads as before.
    let before = call(&app, &s.key, "GET", "", None).await.1;
    assert!(before.as_array().unwrap().iter().any(|r| r["order_id"].is_string() && r["process_id"].is_null()), "{before}");
    assert!(before.as_array().unwrap().iter().any(|r| r["process_id"].is_string()), "{before}");
    let migration = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite/2026-12-07-000004_registration_external_ids/up.sql"
    ))
    .unwrap();
    let fill = &migration[migration.find("UPDATE enrollment_rhythm").expect("the migration fills the copies")..];
    let service = app.service.clone();
    let fill = fill.to_string();
    tokio::task::spawn_blocking(move || {
        service.db().write(|tx| -> Result<(), lmsbridge::service::OpError> {
            use diesel::connection::SimpleConnection;
            let empty = "UPDATE enrollment_rhythm SET student_external_id = '', course_external_id = '', offering_external_id = '', \
                order_external_id = NULL, application_external_id = NULL, event_registration_external_id = NULL, process_external_id = NULL;";
            let sql = format!("{empty}\n{fill}");
            match tx {
                Tx::Sqlite(c) => c.batch_execute(&sql)?,
                Tx::Pg(c) => c.batch_execute(&sql)?,
            }
            Ok(())
        })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(call(&app, &s.key, "GET", "", None).await.1, before);
}

/// Writers race: of eight replacements of the same version, one wins and seven learn of it.
async fn racing_writers_cannot_overwrite_each_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let id = create(&app, &s.key, body(ENG_LEARNER, OFFERING, COURSE_3, "draft")).await["id"].as_str().unwrap().to_string();
    let writers = (0..8).map(|i| {
        let mut sent = body(ENG_LEARNER, OFFERING, COURSE_3, "draft");
        sent["sys_version"] = json!(1);
        sent["name"] = json!(format!("writer {i}"));
        let (app, key, path) = (&app, s.key.clone(), format!("/{id}"));
        async move { (call(app, &key, "PUT", &path, Some(sent)).await, i) }
    });
    let outcomes = futures_util::future::join_all(writers).await;
    let winners: Vec<usize> = outcomes.iter().filter(|((status, _), _)| *status == 200).map(|(_, i)| *i).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    assert!(outcomes.iter().all(|((status, _), _)| *status == 200 || *status == 409), "{outcomes:?}");
    let (_, record) = call(&app, &s.key, "GET", &format!("/{id}"), None).await;
    assert_eq!((record["name"].as_str(), record["sys_version"].as_i64()), (Some(format!("writer {}", winners[0]).as_str()), Some(2)));
}

/// Over its rate, a tenant's request is refused with 429 and Retry-After, and changes nothing.
async fn a_tenant_over_its_rate_is_refused(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.rhythm_rate_limit = 0.5;
        config.rhythm_burst = 3.0;
    })
    .await;
    let s = setup(&app).await;
    let id = create(&app, &s.key, body(ENG_LEARNER, OFFERING, COURSE_3, "draft")).await["id"].as_str().unwrap().to_string();
    assert_eq!(call(&app, &s.key, "GET", &format!("/{id}"), None).await.0, 200);
    assert_eq!(call(&app, &s.key, "GET", &format!("/{id}"), None).await.0, 200);
    let url = format!("{}/courseRegistrations/{TENANT}/{id}", app.base_url);
    let refused = app
        .client
        .patch(&url)
        .header("Authorization", &s.key)
        .json(&json!([{"op": "replace", "path": "/name", "value": "late"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "2", "one request every two seconds");
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["message"], "Limit exceeded... unable to retrieve course registration based on tenant limits.");
    // Another tenant has its own budget; after the wait, this one is served again, unchanged.
    assert_eq!(call(&app, &s.other_key, "GET", "/courseRegistrations/other.org", None).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, record) = call(&app, &s.key, "GET", &format!("/{id}"), None).await;
    assert_eq!((status, record["name"].as_str(), record["sys_version"].as_i64()), (200, Some("Eng Learner"), Some(1)));
}

/// Without a relay the route says so, and queues nothing.
async fn mail_without_a_relay_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let id = create(&app, &s.key, body(ENG_LEARNER, OFFERING, COURSE_3, "draft")).await["id"].as_str().unwrap().to_string();
    let (status, error) =
        call(&app, &s.key, "POST", "/previewEmail", Some(json!({"registration_id": id, "destination_email_address": "a@acme.test"}))).await;
    assert_eq!(status, 400);
    assert!(error["detail"].as_str().unwrap().contains("no SMTP relay"), "{error}");
}

on_both_backends!(
    records_round_trip,
    lookups_paging_and_search,
    keys_tenants_and_the_other_faces,
    batch_orders_processes_and_mail,
    racing_writers_cannot_overwrite_each_other,
    a_tenant_over_its_rate_is_refused,
    mail_without_a_relay_is_refused
);
