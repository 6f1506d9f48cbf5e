//! A client of Rhythm Software's course-registration API written from the vendor's document alone
//! (Rhythm Certifications API, "Course Registrations": 18 routes under `/courseRegistrations/{tenantId}`,
//! the key in `Authorization: <key>`), the way an integration engineer who has only that document
//! would write it. It gets a server and a key as any new user does (`serve --demo` with a credentials
//! file) and checks what the document promises: paths, methods, query names, body shapes, the
//! CourseRegistration schema and its JSON types, the shapes of the 200 answers and the document's
//! wording of the errors. Where the document leaves a choice open it follows the decisions this server
//! documents: the server makes ids, `LastEvaluatedKey` is opaque, projections are comma-separated,
//! PATCH takes RFC 6902, `sys_version` guards PUT, and the batch body is `{"operations": [...]}`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta};
use common::mail::Sink;
use common::process::Server;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The document's CourseRegistration schema.

#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
    Number,
    DateTime,
    Boolean,
    Object,
    Texts,
    Objects,
    OneOf(&'static [&'static str]),
}

const STATUSES: &[&str] = &["draft", "registered", "attended", "no show", "cancelled", "in progress", "completed"];
const ORDER_STATUSES: &[&str] = &[
    "awaiting payment",
    "awaiting shipping",
    "awaiting pickup",
    "partially shipped",
    "shipped",
    "completed",
    "cancelled",
    "disputed",
    "open",
    "returned",
    "void",
];
const BILLING_STATUSES: &[&str] = &["exempt from billing", "not yet billed", "billing hold", "billed"];

const SCHEMA: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("name", Kind::Text),
    ("email_address", Kind::Text),
    ("city", Kind::Text),
    ("state", Kind::Text),
    ("country", Kind::Text),
    ("job_title", Kind::Text),
    ("order_id", Kind::Text),
    ("order_line_item_id", Kind::Text),
    ("order_number", Kind::Number),
    ("order_balance_due", Kind::Number),
    ("order_amount_paid", Kind::Number),
    ("order_currency_code", Kind::Text),
    ("order_currency_symbol", Kind::Text),
    ("order_status", Kind::OneOf(ORDER_STATUSES)),
    ("order_total", Kind::Number),
    ("application_id", Kind::Text),
    ("event_registration_id", Kind::Text),
    ("student_id", Kind::Text),
    ("organization_id", Kind::Text),
    ("number", Kind::Number),
    ("course_id", Kind::Text),
    ("process_id", Kind::Text),
    ("course_offering_id", Kind::Text),
    ("webinar_participant_id", Kind::Text),
    ("webinar_join_url", Kind::Text),
    ("arrival_date", Kind::DateTime),
    ("departure_date", Kind::DateTime),
    ("cancellation_date", Kind::DateTime),
    ("course_date", Kind::DateTime),
    ("training_provider_id", Kind::Text),
    ("training_location_id", Kind::Text),
    ("date", Kind::DateTime),
    ("completion_percentage", Kind::Number),
    ("status", Kind::OneOf(STATUSES)),
    ("exam_offering_ids", Kind::Texts),
    ("training_provider_billing_name", Kind::Text),
    ("training_provider_billing_status", Kind::OneOf(BILLING_STATUSES)),
    ("training_provider_billing_date", Kind::Text),
    ("training_provider_billing_invoice_id", Kind::Text),
    ("training_provider_billing_invoice_line_item_id", Kind::Text),
    ("notes", Kind::Text),
    ("custom_field_values", Kind::Objects),
    ("sys_deleted_by_id", Kind::Text),
    ("sys_version", Kind::Number),
    ("sys_created_at", Kind::DateTime),
    ("sys_last_modified_at", Kind::DateTime),
    ("sys_created_by_id", Kind::Text),
    ("sys_last_modified_by_id", Kind::Text),
    ("sys_external_id", Kind::Text),
    ("sys_locked", Kind::Boolean),
    ("sys_bulk_load_pk", Kind::Text),
    ("sys_bulk_load_at", Kind::Text),
    ("sys_bulk_load_id", Kind::Text),
    ("sys_bulk_load_record_no", Kind::Number),
    ("sys_bulk_load_source_file", Kind::Text),
    ("sys_last_bulk_data_operation_id", Kind::Text),
    ("sys_last_bulk_data_operation_sys_version", Kind::Text),
    ("sys_directive", Kind::Text),
    ("sys_calculated_field_error", Kind::Text),
    ("sys_snapshot_base_version", Kind::Number),
    ("sys_has_files_in_s3", Kind::Boolean),
    ("sys_configuration_snapshot_id", Kind::Text),
    ("sys_last_security_context", Kind::Object),
    ("sys_calculated_field_errors", Kind::Objects),
];

/// The fields the document marks required.
const REQUIRED: &[&str] = &[
    "id",
    "name",
    "student_id",
    "course_id",
    "course_offering_id",
    "sys_created_at",
    "sys_last_modified_at",
    "sys_created_by_id",
    "sys_last_modified_by_id",
];

fn date_time(value: &Value) -> Option<DateTime<FixedOffset>> {
    value.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

fn iso(instant: DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `value` has the JSON type the document gives `field`.
fn assert_field(record: &Value, field: &str, value: &Value) {
    let kind = SCHEMA
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, kind)| *kind)
        .unwrap_or_else(|| panic!("'{field}' is not a field of the document's CourseRegistration: {record}"));
    let fits = match kind {
        Kind::Text => value.is_string(),
        Kind::Number => value.is_number(),
        Kind::DateTime => date_time(value).is_some(),
        Kind::Boolean => value.is_boolean(),
        Kind::Object => value.is_object(),
        Kind::Texts => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        Kind::Objects => value.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        Kind::OneOf(spellings) => value.as_str().is_some_and(|s| spellings.contains(&s)),
    };
    assert!(fits, "'{field}' should be {kind:?} per the document, not {value}, in {record}");
}

/// A whole CourseRegistration as the document describes it.
fn assert_registration(record: &Value) {
    let object = record.as_object().unwrap_or_else(|| panic!("a course registration is a JSON object: {record}"));
    for (field, value) in object {
        assert_field(record, field, value);
    }
    for field in REQUIRED {
        assert!(object.contains_key(*field), "the required '{field}' is missing: {record}");
    }
    let id = record["id"].as_str().unwrap_or_default();
    assert!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || "_-|:".contains(c)),
        "the id '{id}' does not match /^[\\w-|:]+$/"
    );
}

/// A projected CourseRegistration: `id` and only the asked `fields`, each of the document's type.
fn assert_projection(record: &Value, fields: &[&str]) {
    let object = record.as_object().unwrap_or_else(|| panic!("a course registration is a JSON object: {record}"));
    assert!(record["id"].is_string(), "id is always returned: {record}");
    for (field, value) in object {
        assert!(field == "id" || fields.contains(&field.as_str()), "'{field}' was not asked for ({fields:?}): {record}");
        assert_field(record, field, value);
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| item["id"].as_str().unwrap_or_else(|| panic!("an item without id: {item}")).to_string()).collect()
}

fn has(items: &[Value], id: &str) -> bool {
    items.iter().any(|item| item["id"] == id)
}

/// `LastEvaluatedKey`: an opaque string, absent on the last page.
fn next_key(body: &Value) -> Option<String> {
    match body.get("LastEvaluatedKey") {
        None => None,
        Some(Value::String(key)) if !key.is_empty() => Some(key.clone()),
        Some(other) => panic!("LastEvaluatedKey is an opaque string, absent on the last page, not {other}: {body}"),
    }
}

/// An index lookup's page: `{"Count", "Items", "LastEvaluatedKey"}`.
fn index_page(body: &Value) -> (Vec<Value>, Option<String>) {
    let object = body.as_object().unwrap_or_else(|| panic!("an index lookup answers an object: {body}"));
    for key in object.keys() {
        assert!(["Count", "Items", "LastEvaluatedKey"].contains(&key.as_str()), "'{key}' is not in the document's answer: {body}");
    }
    let items = body["Items"].as_array().unwrap_or_else(|| panic!("Items is an array: {body}")).clone();
    assert_eq!(body["Count"].as_u64(), Some(items.len() as u64), "Count is a number, the number of Items: {body}");
    (items, next_key(body))
}

/// A search's page: `{"Items", "LastEvaluatedKey"}`, without Count.
fn search_page(body: &Value) -> (Vec<Value>, Option<String>) {
    let object = body.as_object().unwrap_or_else(|| panic!("a search answers an object: {body}"));
    for key in object.keys() {
        assert!(["Items", "LastEvaluatedKey"].contains(&key.as_str()), "'{key}' is not in the document's search answer: {body}");
    }
    let items = body["Items"].as_array().unwrap_or_else(|| panic!("Items is an array: {body}")).clone();
    (items, next_key(body))
}

// ---------------------------------------------------------------------------------------------
// The client.

#[derive(Clone)]
struct Rhythm {
    http: reqwest::Client,
    base_url: String,
    tenant: String,
    key: Option<String>,
}

struct Answer {
    what: String,
    status: u16,
    content_type: String,
    body: Value,
}

impl Rhythm {
    fn without_key(&self) -> Rhythm {
        Rhythm { key: None, ..self.clone() }
    }

    fn with_key(&self, key: &str) -> Rhythm {
        Rhythm { key: Some(key.to_string()), ..self.clone() }
    }

    fn on_tenant(&self, tenant: &str) -> Rhythm {
        Rhythm { tenant: tenant.to_string(), ..self.clone() }
    }

    /// `method /courseRegistrations/{tenantId}{path}`. A 429 ("Limit exceeded...", the document's wording
    /// on every route) is waited out as its `Retry-After` says, then the call is made again.
    async fn call(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<&Value>) -> Answer {
        let url = format!("{}/courseRegistrations/{}{path}", self.base_url, self.tenant);
        let what = format!("{method} /courseRegistrations/{{tenantId}}{path} {query:?}");
        for _ in 0..60 {
            let mut request = self.http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url).query(query);
            if let Some(key) = &self.key {
                request = request.header("Authorization", key);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap_or_else(|e| panic!("{what}: {e}"));
            let status = response.status().as_u16();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let (content_type, retry_after) = (header("content-type"), header("retry-after"));
            let text = response.text().await.unwrap_or_else(|e| panic!("{what}: {e}"));
            let body = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{what} answered {status} with a body that is not JSON ({e}): {text}"));
            let answer = Answer { what: what.clone(), status, content_type, body };
            if status != 429 {
                return answer;
            }
            let message = answer.body["message"].as_str().unwrap_or_default();
            assert!(message.starts_with("Limit exceeded... unable to "), "{what} 429: the document's wording: {}", answer.body);
            tokio::time::sleep(Duration::from_secs(retry_after.parse().unwrap_or(1))).await;
        }
        panic!("{what}: still 429 after a minute of retries")
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.call("GET", path, query, None).await
    }

    async fn send(&self, method: &str, path: &str, body: &Value) -> Answer {
        self.call(method, path, &[], Some(body)).await
    }

    /// Every item of an index lookup, following `LastEvaluatedKey` page by page; checks each page's shape.
    async fn lookup_all(&self, path: &str, query: &[(&str, &str)]) -> (Vec<Value>, usize) {
        let (mut all, mut pages, mut start) = (Vec::new(), 0, None::<String>);
        loop {
            let mut query = query.to_vec();
            if let Some(key) = &start {
                query.push(("exclusiveStartKey", key));
            }
            let (items, next) = index_page(&self.get(path, &query).await.ok());
            all.extend(items);
            pages += 1;
            assert!(pages < 50, "{path}: LastEvaluatedKey never ends");
            match next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        assert_unique(&all, path);
        (all, pages)
    }

    /// Every item of a search, following `LastEvaluatedKey` page by page.
    async fn search_all(&self, criteria: &Value, fields: Option<&str>) -> (Vec<Value>, usize) {
        let (mut all, mut pages, mut start) = (Vec::new(), 0, None::<String>);
        loop {
            let mut query = Vec::new();
            if let Some(fields) = fields {
                query.push(("fieldsToReturn", fields));
            }
            if let Some(key) = &start {
                query.push(("exclusiveStartKey", key));
            }
            let (items, next) = search_page(&self.call("POST", "/search", &query, Some(criteria)).await.ok());
            all.extend(items);
            pages += 1;
            assert!(pages < 50, "search {criteria}: LastEvaluatedKey never ends");
            match next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        assert_unique(&all, &format!("search {criteria}"));
        (all, pages)
    }

    /// Every registration of the scan, continuing after the last item's id until a page is empty.
    async fn scan_all(&self, fields: &str) -> (Vec<Value>, usize) {
        let (mut all, mut pages) = (Vec::<Value>::new(), 0);
        loop {
            let last = all.last().map(|item| item["id"].as_str().unwrap().to_string());
            let mut query = vec![("fields", fields)];
            if let Some(last) = &last {
                query.push(("exclusiveStartKey", last));
            }
            let page = self.get("", &query).await.ok();
            let items = page.as_array().unwrap_or_else(|| panic!("the scan answers a bare JSON array: {page}")).clone();
            if items.is_empty() {
                break;
            }
            all.extend(items);
            pages += 1;
            assert!(pages < 50, "the scan never ends");
        }
        assert_unique(&all, "the scan");
        (all, pages)
    }
}

fn assert_unique(items: &[Value], what: &str) {
    let all = ids(items);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{what}: an item came twice across pages");
}

impl Answer {
    /// The JSON of a 200 answer.
    fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{} should succeed: {}", self.what, self.body);
        assert!(self.content_type.starts_with("application/json"), "{} answers application/json, not '{}'", self.what, self.content_type);
        self.body
    }

    /// An error answer: `status`, and the document's wording for this route and status as `message`.
    fn refused(&self, status: u16, message: &str) {
        assert_eq!(self.status, status, "{}: {}", self.what, self.body);
        let object = self.body.as_object().unwrap_or_else(|| panic!("{}: an error body is an object: {}", self.what, self.body));
        assert_eq!(self.body["message"].as_str(), Some(message), "{} {status}: the document's wording: {}", self.what, self.body);
        assert!(self.body["request_id"].is_string(), "{}: request_id: {}", self.what, self.body);
        for (key, value) in object {
            assert!(["message", "detail", "field", "request_id"].contains(&key.as_str()), "{}: '{key}' in {}", self.what, self.body);
            assert!(value.is_string(), "{}: '{key}' is a string: {}", self.what, self.body);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A server and a key, as a new user gets them.

struct Demo {
    api: Rhythm,
    ids: Value,
    _server: Server,
    _dir: tempfile::TempDir,
}

impl Demo {
    /// `lmsbridge serve --demo` with a credentials file, plus `extra` arguments.
    fn start(extra: &[&str]) -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let (database, file) = (dir.path().join("rhythm.db"), dir.path().join("credentials.json"));
        let server = Server::start(
            common::process::lmsbridge()
                .arg("--database-url")
                .arg(&database)
                .env("LMSBRIDGE_CREDENTIALS_FILE", &file)
                .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
                .args(extra)
                .stderr(Stdio::inherit()),
            |line| line.starts_with("export "),
        );
        let ids = read_credentials(&file)["rhythm"].clone();
        let text = |key: &str| ids[key].as_str().unwrap_or_else(|| panic!("'{key}' in the credentials' rhythm object: {ids}")).to_string();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let api = Rhythm { http, base_url: text("baseUrl"), tenant: text("tenant_id"), key: Some(text("api_key")) };
        Demo { api, ids, _server: server, _dir: dir }
    }

    /// A sample id of the credentials file: registration_id, student_id, course_id, course_offering_id, process_id.
    fn id(&self, key: &str) -> String {
        self.ids[key].as_str().unwrap_or_else(|| panic!("'{key}' in {}", self.ids)).to_string()
    }

    /// The body of a new draft registration of the sample student in the sample course and offering.
    fn new_draft(&self, name: &str) -> Value {
        json!({
            "name": name,
            "first_name": "Ada",
            "last_name": "Client",
            "email_address": "ada.client@example.test",
            "city": "Lisbon",
            "job_title": "Integration engineer",
            "student_id": self.id("student_id"),
            "course_id": self.id("course_id"),
            "course_offering_id": self.id("course_offering_id"),
            "process_id": self.id("process_id"),
            "date": "2026-03-02T09:00:00Z",
            "status": "draft",
            "notes": "made by the seed client",
        })
    }
}

fn read_credentials(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("the credentials file {}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the credentials file is JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// The 18 routes, with the document's wording of 401 and 403 for each.
fn routes(demo: &Demo, whole: &Value) -> Vec<(&'static str, String, Option<Value>, &'static str, &'static str)> {
    let (registration, student) = (demo.id("registration_id"), demo.id("student_id"));
    let (course, offering, process) = (demo.id("course_id"), demo.id("course_offering_id"), demo.id("process_id"));
    let draft = demo.new_draft("Refused Draft");
    vec![
        ("POST", String::new(), Some(draft), "Unauthorized.", "Forbidden."),
        ("GET", String::new(), None, "Unauthorized.", "Forbidden."),
        ("GET", format!("/{registration}"), None, "Unauthorized.", "Forbidden."),
        ("PUT", format!("/{registration}"), Some(whole.clone()), "Unauthorized.", "Forbidden."),
        (
            "PATCH",
            format!("/{registration}"),
            Some(json!([{"op": "replace", "path": "/notes", "value": "refused"}])),
            "Unauthorized.",
            "Forbidden.",
        ),
        ("DELETE", format!("/{registration}"), None, "Unauthorized.", "Forbidden."),
        ("GET", format!("/student/{student}"), None, "Unauthorized.", "Forbidden"),
        ("GET", format!("/course/{course}"), None, "Unauthorized.", "Forbidden"),
        ("GET", format!("/courseOffering/{offering}"), None, "Unauthorized.", "Forbidden"),
        ("POST", "/generateOrder".to_string(), Some(whole.clone()), "Unauthorized", "Forbidden"),
        ("POST", format!("/generateRegistration/{process}/{student}"), None, "Unauthorized", "Forbidden"),
        ("GET", format!("/studentCourse/{student}/{course}"), None, "Unauthorized.", "Forbidden"),
        ("GET", "/application/some-application".to_string(), None, "Unauthorized.", "Forbidden"),
        ("GET", "/eventRegistration/some-event-registration".to_string(), None, "Unauthorized.", "Forbidden"),
        ("POST", "/search".to_string(), Some(json!({"status": ["registered"]})), "Unauthorized.", "Forbidden."),
        ("GET", "/order/no-such-order".to_string(), None, "Unauthorized.", "Forbidden"),
        (
            "POST",
            "/previewEmail".to_string(),
            Some(json!({"destination_email_address": "nobody@example.test", "registration_id": registration})),
            "Unauthorized",
            "Forbidden",
        ),
        ("POST", "/batch".to_string(), Some(json!({"operations": [{"op": "delete", "id": registration}]})), "Unauthorized.", "Forbidden."),
    ]
}

#[tokio::test]
async fn every_route_wants_the_key_of_the_tenant_in_its_path() {
    let demo = Demo::start(&[]);
    let before = demo.api.get(&format!("/{}", demo.id("registration_id")), &[]).await.ok();
    let routes = routes(&demo, &before);
    assert_eq!(routes.len(), 18, "the document's 18 routes");
    for (method, path, body, unauthorized, forbidden) in &routes {
        demo.api.without_key().call(method, path, &[], body.as_ref()).await.refused(401, unauthorized);
        demo.api.with_key("not-a-key-of-anyone").call(method, path, &[], body.as_ref()).await.refused(401, unauthorized);
        demo.api.on_tenant("another-tenant.example.org").call(method, path, &[], body.as_ref()).await.refused(403, forbidden);
    }
    let after = demo.api.get(&format!("/{}", demo.id("registration_id")), &[]).await.ok();
    assert_eq!(before, after, "refused calls change nothing");
}

#[tokio::test]
async fn reads_and_every_index_lookup_answer_the_documented_shapes() {
    let demo = Demo::start(&[]);
    let api = &demo.api;
    let (registration, student) = (demo.id("registration_id"), demo.id("student_id"));
    let (course, offering, process) = (demo.id("course_id"), demo.id("course_offering_id"), demo.id("process_id"));

    // The scan: a bare JSON array of whole registrations.
    let scan = api.get("", &[]).await.ok();
    let scan = scan.as_array().unwrap_or_else(|| panic!("the scan answers a bare JSON array: {scan}")).clone();
    scan.iter().for_each(assert_registration);
    assert!(has(&scan, &registration), "the scan holds the sample registration");
    let projected = api.get("", &[("fields", "status,student_id")]).await.ok();
    let projected = projected.as_array().unwrap_or_else(|| panic!("a bare JSON array: {projected}")).clone();
    projected.iter().for_each(|item| assert_projection(item, &["status", "student_id"]));
    assert_eq!(ids(&projected), ids(&scan), "a projection changes the fields, not the registrations");

    // One registration by its id: the sample, as the credentials describe it.
    let sample = api.get(&format!("/{registration}"), &[]).await.ok();
    assert_registration(&sample);
    for (field, expected) in [
        ("id", &registration),
        ("student_id", &student),
        ("course_id", &course),
        ("course_offering_id", &offering),
        ("process_id", &process),
    ] {
        assert_eq!(sample[field].as_str(), Some(expected.as_str()), "{field}: {sample}");
    }
    assert_eq!(sample["status"], "registered", "{sample}");
    assert!(sample.get("order_id").is_none(), "the sample has no order yet: {sample}");
    assert_eq!(api.get(&format!("/{registration}"), &[("consistentRead", "true")]).await.ok(), sample, "a consistent read reads the same");
    let few = api.get(&format!("/{registration}"), &[("fields", "status,course_id")]).await.ok();
    assert_projection(&few, &["status", "course_id"]);
    assert_eq!((&few["id"], &few["status"], &few["course_id"]), (&sample["id"], &sample["status"], &sample["course_id"]));
    api.get("/no-such-registration", &[]).await.refused(404, "The course registration could not be found.");

    // Every index lookup with the demo's ids; each holds only what it names.
    let by = |field: &'static str, value: String| move |item: &Value| item[field].as_str() == Some(value.as_str());
    let (items, _) = api.lookup_all(&format!("/student/{student}"), &[]).await;
    assert!(has(&items, &registration) && items.iter().all(by("student_id", student.clone())), "student lookup: {items:?}");
    items.iter().for_each(assert_registration);
    let (items, _) = api.lookup_all(&format!("/course/{course}"), &[]).await;
    assert!(has(&items, &registration) && items.iter().all(by("course_id", course.clone())), "course lookup: {items:?}");
    let (in_offering, _) = api.lookup_all(&format!("/courseOffering/{offering}"), &[]).await;
    assert!(has(&in_offering, &registration) && in_offering.iter().all(by("course_offering_id", offering.clone())), "{in_offering:?}");
    let (active, _) = api.lookup_all(&format!("/courseOffering/{offering}"), &[("includeActiveOnly", "true")]).await;
    assert!(has(&active, &registration), "a registered registration is active: {active:?}");
    assert!(active.len() <= in_offering.len(), "includeActiveOnly narrows the lookup");
    for item in &active {
        let status = item["status"].as_str().unwrap_or_default();
        assert!(["registered", "in progress", "attended", "completed"].contains(&status), "not active/attended: {item}");
    }
    let (items, _) = api.lookup_all(&format!("/studentCourse/{student}/{course}"), &[]).await;
    assert!(has(&items, &registration), "studentCourse lookup: {items:?}");
    assert!(items.iter().all(|item| item["student_id"] == student && item["course_id"] == course), "{items:?}");

    // The application, event-registration and order lookups, with ids a registration of the demo carries.
    for (route, field) in [("application", "application_id"), ("eventRegistration", "event_registration_id"), ("order", "order_id")] {
        let holder = scan.iter().find(|item| item.get(field).is_some()).unwrap_or_else(|| panic!("no demo registration has {field}"));
        let value = holder[field].as_str().unwrap().to_string();
        let (items, _) = api.lookup_all(&format!("/{route}/{value}"), &[("fields", &format!("{field},status"))]).await;
        assert!(has(&items, holder["id"].as_str().unwrap()), "{route} lookup of {value}: {items:?}");
        for item in &items {
            assert_projection(item, &[field, "status"]);
            assert_eq!(item[field].as_str(), Some(value.as_str()), "{route} lookup of {value}: {item}");
        }
    }
    // A lookup that finds nothing: an empty page, or the document's 404.
    let nothing = api.get("/order/no-such-order", &[]).await;
    if nothing.status == 404 {
        nothing.refused(404, "Unable to locate records");
    } else {
        let (items, next) = index_page(&nothing.ok());
        assert!(items.is_empty() && next.is_none(), "nothing has order no-such-order: {items:?}");
    }
    // Projections on the lookups too.
    let (items, _) = api.lookup_all(&format!("/student/{student}"), &[("fields", "course_offering_id")]).await;
    items.iter().for_each(|item| assert_projection(item, &["course_offering_id"]));
}

#[tokio::test]
async fn search_takes_the_documented_criteria_and_ranges() {
    let demo = Demo::start(&[]);
    let api = &demo.api;
    let (registration, offering) = (demo.id("registration_id"), demo.id("course_offering_id"));
    let sample = api.get(&format!("/{registration}"), &[]).await.ok();

    // Lists of values: any of them.
    let criteria = json!({"status": ["registered", "in progress"], "course_offering_id": [offering]});
    let (items, _) = api.search_all(&criteria, None).await;
    assert!(has(&items, &registration), "{criteria}: {items:?}");
    for item in &items {
        assert_registration(item);
        assert!(
            ["registered", "in progress"].contains(&item["status"].as_str().unwrap()) && item["course_offering_id"] == offering,
            "{item}"
        );
    }

    // A [from, to] range of date-times.
    let date = date_time(&sample["date"]).unwrap_or_else(|| panic!("the sample has a date: {sample}"));
    let (from, to) = (date - TimeDelta::hours(1), date + TimeDelta::hours(1));
    let criteria = json!({"date": [iso(from), iso(to)]});
    let (items, _) = api.search_all(&criteria, Some("date,status")).await;
    assert!(has(&items, &registration), "{criteria}: {items:?}");
    for item in &items {
        assert_projection(item, &["date", "status"]);
        let found = date_time(&item["date"]).unwrap_or_else(|| panic!("a registration in a date range has a date: {item}"));
        assert!(from <= found && found <= to, "{item} is outside {criteria}");
    }
    let later = json!({"date": [iso(date + TimeDelta::hours(1)), iso(date + TimeDelta::hours(2))]});
    assert!(!has(&api.search_all(&later, None).await.0, &registration), "{later} leaves the sample out");

    // A [from, to] range of numbers, on a registration of the demo that has an order.
    let scan = api.get("", &[]).await.ok();
    let ordered =
        scan.as_array().unwrap().iter().find(|item| item["order_total"].is_number()).expect("a demo registration with an order").clone();
    let total = ordered["order_total"].as_f64().unwrap();
    let criteria = json!({"order_total": [total - 1.0, total + 1.0], "order_id": [ordered["order_id"]]});
    let (items, _) = api.search_all(&criteria, None).await;
    assert_eq!(ids(&items), ids(std::slice::from_ref(&ordered)), "{criteria}");
    let criteria = json!({"order_number": [ordered["order_number"]]});
    assert!(has(&api.search_all(&criteria, None).await.0, ordered["id"].as_str().unwrap()), "{criteria}");

    // ids, name, city and a sys_created_at range together.
    let created = date_time(&sample["sys_created_at"]).unwrap();
    let criteria = json!({
        "ids": [registration, ordered["id"]],
        "name": sample["name"],
        "city": sample["city"],
        "sys_created_at": [iso(created - TimeDelta::minutes(5)), iso(created + TimeDelta::minutes(5))],
    });
    let (items, _) = api.search_all(&criteria, Some("name,city")).await;
    assert_eq!(ids(&items), std::slice::from_ref(&registration), "{criteria}");
    assert_projection(&items[0], &["name", "city"]);
}

#[tokio::test]
async fn a_new_registration_lives_and_dies_as_documented() {
    let demo = Demo::start(&[]);
    let api = &demo.api;

    // Create: the server makes the id; a client-given id and an offering that names nothing are refused.
    let mut with_id = demo.new_draft("Has An Id");
    with_id["id"] = json!("my-own-id");
    api.send("POST", "", &with_id).await.refused(400, "The course registration you supplied was invalid.");
    let mut nowhere = demo.new_draft("Goes Nowhere");
    nowhere["course_offering_id"] = json!("NO-SUCH-OFFERING");
    api.send("POST", "", &nowhere)
        .await
        .refused(409, "The course registration could not be saved because it refers to/depends on a non-existent object.");
    let draft = demo.new_draft("Ada Client");
    let created = api.send("POST", "", &draft).await.ok();
    assert_registration(&created);
    for field in ["name", "first_name", "last_name", "email_address", "city", "job_title", "student_id", "course_id", "course_offering_id"]
    {
        assert_eq!(created[field], draft[field], "{field}: {created}");
    }
    assert_eq!((created["status"].as_str(), created["sys_version"].as_f64()), (Some("draft"), Some(1.0)), "{created}");
    assert_eq!(date_time(&created["date"]), date_time(&draft["date"]), "the date, as an instant: {created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_ne!(id, demo.id("registration_id"));

    // Get: the same registration; it is in the lookups of its student.
    let got = api.get(&format!("/{id}"), &[]).await.ok();
    assert_eq!(got, created, "GET answers what POST made");
    assert!(has(&api.lookup_all(&format!("/student/{}", demo.id("student_id")), &[]).await.0, &id));

    // Put: the whole registration back, changed; sys_version grows by one.
    let mut changed = got.clone();
    changed["notes"] = json!("changed by PUT");
    changed["job_title"] = json!("Lead integration engineer");
    let put = api.send("PUT", &format!("/{id}"), &changed).await.ok();
    assert_registration(&put);
    assert_eq!((&put["id"], &put["notes"], &put["job_title"]), (&changed["id"], &changed["notes"], &changed["job_title"]), "{put}");
    assert_eq!(put["sys_version"].as_f64(), Some(2.0), "{put}");
    assert_eq!(put["sys_created_at"], got["sys_created_at"], "{put}");
    assert!(date_time(&put["sys_last_modified_at"]) >= date_time(&got["sys_last_modified_at"]), "{put}");
    let mut unknown = changed.clone();
    unknown["id"] = json!("no-such-registration");
    api.send("PUT", "/no-such-registration", &unknown).await.refused(404, "The course registration could not be found.");

    // Patch: RFC 6902 directives; a failing directive changes nothing.
    let directives = json!([
        {"op": "replace", "path": "/notes", "value": "changed by PATCH"},
        {"op": "add", "path": "/state", "value": "Lisboa"},
        {"op": "remove", "path": "/city"},
    ]);
    let patched = api.send("PATCH", &format!("/{id}"), &directives).await.ok();
    assert_registration(&patched);
    assert_eq!((patched["notes"].as_str(), patched["state"].as_str()), (Some("changed by PATCH"), Some("Lisboa")), "{patched}");
    assert!(patched.get("city").is_none(), "removed: {patched}");
    assert_eq!(patched["sys_version"].as_f64(), Some(3.0), "{patched}");
    let failing = json!([{"op": "replace", "path": "/notes", "value": "never"}, {"op": "test", "path": "/status", "value": "completed"}]);
    api.send("PATCH", &format!("/{id}"), &failing).await.refused(400, "The JSON patch directive you supplied was not valid.");
    assert_eq!(api.get(&format!("/{id}"), &[]).await.ok(), patched, "a refused patch changes nothing");
    api.send("PATCH", "/no-such-registration", &directives).await.refused(404, "The course registration could not be found.");

    // Batch: one good patch, one failing delete, answered in request order.
    let batch = json!({"operations": [
        {"op": "patch", "id": id, "patch": [{"op": "replace", "path": "/notes", "value": "changed in a batch"}]},
        {"op": "delete", "id": "no-such-registration"},
    ]});
    let answer = api.send("POST", "/batch", &batch).await.ok();
    let object = answer.as_object().unwrap_or_else(|| panic!("the batch answers an object: {answer}"));
    for key in object.keys() {
        assert!(["success_count", "error_count", "results"].contains(&key.as_str()), "'{key}' in {answer}");
    }
    assert_eq!((answer["success_count"].as_u64(), answer["error_count"].as_u64()), (Some(1), Some(1)), "{answer}");
    let results = answer["results"].as_array().unwrap_or_else(|| panic!("results is an array: {answer}"));
    assert_eq!(results.len(), 2, "{answer}");
    for result in results {
        for key in result.as_object().unwrap_or_else(|| panic!("a result is an object: {result}")).keys() {
            assert!(["id", "op", "status", "result", "error"].contains(&key.as_str()), "'{key}' in {result}");
        }
    }
    assert_eq!(
        (results[0]["id"].as_str(), results[0]["op"].as_str(), results[0]["status"].as_u64()),
        (Some(id.as_str()), Some("patch"), Some(200))
    );
    assert_registration(&results[0]["result"]);
    assert_eq!(
        (results[0]["result"]["notes"].as_str(), results[0]["result"]["sys_version"].as_f64()),
        (Some("changed in a batch"), Some(4.0))
    );
    assert_eq!(
        (results[1]["id"].as_str(), results[1]["op"].as_str(), results[1]["status"].as_u64()),
        (Some("no-such-registration"), Some("delete"), Some(404)),
        "{answer}"
    );
    assert_eq!(results[1]["error"]["message"], "The course registration could not be found.", "{answer}");
    assert!(results[1].get("result").is_none(), "{answer}");
    assert_eq!(api.get(&format!("/{id}"), &[]).await.ok()["notes"], "changed in a batch");

    // Delete: a JSON string; then the registration is gone.
    let deleted = api.call("DELETE", &format!("/{id}"), &[], None).await.ok();
    assert!(deleted.is_string(), "DELETE answers a JSON string, not {deleted}");
    api.get(&format!("/{id}"), &[]).await.refused(404, "The course registration could not be found.");
    api.call("DELETE", &format!("/{id}"), &[], None).await.refused(404, "The course registration could not be found.");
    assert!(!has(&api.lookup_all(&format!("/student/{}", demo.id("student_id")), &[]).await.0, &id));
}

#[tokio::test]
async fn a_put_with_a_stale_sys_version_is_the_documented_409() {
    let demo = Demo::start(&[]);
    let api = &demo.api;
    let path = format!("/{}", demo.id("registration_id"));
    let read = api.get(&path, &[]).await.ok();
    let mut first = read.clone();
    first["notes"] = json!("first writer");
    assert_eq!(api.send("PUT", &path, &first).await.ok()["sys_version"].as_f64(), Some(read["sys_version"].as_f64().unwrap() + 1.0));
    let mut second = read.clone();
    second["notes"] = json!("second writer, from a stale read");
    api.send("PUT", &path, &second)
        .await
        .refused(409, "The course registration could not be saved because it refers to/depends on a non-existent object.");
    assert_eq!(api.get(&path, &[]).await.ok()["notes"], "first writer", "the stale write changed nothing");
}

#[tokio::test]
async fn orders_and_registrations_are_generated_as_documented() {
    let demo = Demo::start(&[]);
    let api = &demo.api;
    let registration = demo.id("registration_id");

    // generateOrder: the body is the registration; the answer names the order it made.
    let before = api.get(&format!("/{registration}"), &[]).await.ok();
    let order = api.send("POST", "/generateOrder", &before).await.ok();
    let object = order.as_object().unwrap_or_else(|| panic!("generateOrder answers an object: {order}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["order_id", "order_number"], "generateOrder answers {{order_id, order_number}}: {order}");
    let order_id = order["order_id"].as_str().unwrap_or_else(|| panic!("order_id is a string: {order}")).to_string();
    assert!(order["order_number"].is_number(), "order_number is a number: {order}");
    let after = api.get(&format!("/{registration}"), &[]).await.ok();
    assert_registration(&after);
    assert_eq!((after["order_id"].as_str(), &after["order_number"]), (Some(order_id.as_str()), &order["order_number"]), "{after}");
    assert!(after["order_status"].is_string() && after["order_total"].is_number(), "the order_* fields describe the order: {after}");
    assert_eq!(after["sys_version"].as_f64(), before["sys_version"].as_f64().map(|v| v + 1.0), "{after}");
    let (items, _) = api.lookup_all(&format!("/order/{order_id}"), &[]).await;
    assert_eq!(ids(&items), std::slice::from_ref(&registration), "the order lookup finds the registration of the order");
    items.iter().for_each(assert_registration);
    let (items, _) = api.search_all(&json!({"order_id": [order_id], "order_number": [order["order_number"]]}), None).await;
    assert_eq!(ids(&items), std::slice::from_ref(&registration));

    // generateRegistration: a draft for a contact through a registration process.
    let (process, student) = (demo.id("process_id"), demo.id("student_id"));
    let generated = api.call("POST", &format!("/generateRegistration/{process}/{student}"), &[], None).await.ok();
    assert_registration(&generated);
    assert_eq!((generated["status"].as_str(), generated["student_id"].as_str()), (Some("draft"), Some(student.as_str())), "{generated}");
    assert_eq!(generated["process_id"].as_str(), Some(process.as_str()), "{generated}");
    api.call("POST", &format!("/generateRegistration/NO-SUCH-PROCESS/{student}"), &[], None)
        .await
        .refused(404, "The resource could not be found");
}

#[tokio::test]
async fn long_lists_come_in_pages_a_client_can_follow() {
    let demo = Demo::start(&[]);
    let api = &demo.api;
    let (student, offering) = (demo.id("student_id"), demo.id("course_offering_id"));

    // Drafts of the sample student in the sample offering until each list below needs a second page.
    let drafts = json!({"status": ["draft"], "course_offering_id": [offering]});
    let mut made = Vec::new();
    loop {
        for _ in 0..25 {
            let created = api.send("POST", "", &demo.new_draft(&format!("Paged Draft {}", made.len()))).await.ok();
            made.push(created["id"].as_str().unwrap().to_string());
        }
        let search = api.call("POST", "/search", &[("fieldsToReturn", "status")], Some(&drafts)).await.ok();
        let of_student = api.get(&format!("/student/{student}"), &[("fields", "status")]).await.ok();
        let in_offering = api.get(&format!("/courseOffering/{offering}"), &[("fields", "status")]).await.ok();
        let scan = api.get("", &[("fields", "status")]).await.ok();
        let last = scan.as_array().and_then(|page| page.last()).map(|item| item["id"].as_str().unwrap().to_string()).unwrap_or_default();
        let after = api.get("", &[("fields", "status"), ("exclusiveStartKey", &last)]).await.ok();
        if search_page(&search).1.is_some()
            && index_page(&of_student).1.is_some()
            && index_page(&in_offering).1.is_some()
            && after.as_array().is_some_and(|page| !page.is_empty())
        {
            break;
        }
        assert!(made.len() < 400, "400 registrations of one student and still one page");
    }

    let holds_all = |items: &[Value]| made.iter().all(|id| has(items, id));
    let (items, pages) = api.lookup_all(&format!("/student/{student}"), &[("fields", "status")]).await;
    assert!(pages >= 2 && holds_all(&items), "the student lookup, page after page: {pages} pages");
    items.iter().for_each(|item| assert_projection(item, &["status"]));
    let (items, pages) = api.lookup_all(&format!("/courseOffering/{offering}"), &[]).await;
    assert!(pages >= 2 && holds_all(&items), "the offering lookup, page after page");
    let (items, pages) = api.search_all(&json!({"status": ["draft"], "course_offering_id": [offering]}), Some("status")).await;
    assert!(pages >= 2 && holds_all(&items), "the search, page after page");
    assert!(items.iter().all(|item| item["status"] == "draft"));
    let (items, pages) = api.scan_all("status").await;
    assert!(pages >= 2 && holds_all(&items), "the scan, continued after the last id");
    assert!(has(&items, &demo.id("registration_id")));
}

#[tokio::test]
async fn preview_email_is_delivered_through_the_relay() {
    let sink = Sink::start();
    let demo = Demo::start(&["--smtp-url", &sink.url()]);
    let api = &demo.api;
    let registration = demo.id("registration_id");
    let body = json!({"destination_email_address": "preview.reader@example.test", "registration_id": registration});
    let answer = api.send("POST", "/previewEmail", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let message = sink.wait_for_one_to("preview.reader@example.test", Duration::from_secs(20));
    assert!(message.contains("preview.reader@example.test"), "the preview goes to the destination address:\n{message}");
    api.send("POST", "/previewEmail", &json!({"registration_id": registration})).await.refused(400, "The request was not valid.");
    api.send(
        "POST",
        "/previewEmail",
        &json!({"destination_email_address": "preview.reader@example.test", "registration_id": "no-such-registration"}),
    )
    .await
    .refused(404, "Unable to locate any organizations with the specified domain");
    assert_eq!(sink.received_to("preview.reader@example.test").len(), 1, "refused previews send nothing");
}
