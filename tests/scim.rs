//! The SCIM 2.0 face over real HTTP, on SQLite and PostgreSQL: discovery, tokens and tenants,
//! users and groups through every route, every filter operator (compiled to SQL), paging and
//! sorting, every PATCH form, ETags and If-Match, SCIM errors with their scimType, projections,
//! and what SCIM provisions read through the other faces.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::service::admin::Face;
use serde_json::{Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a SCIM error of `status` (and `scim_type`, when given).
    fn refused(&self, status: u16, scim_type: Option<&str>) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["schemas"], json!([ERROR]), "{}", self.body);
        assert_eq!(self.body["status"], status.to_string(), "status is a string");
        assert_eq!(self.body["scimType"].as_str(), scim_type, "{}", self.body);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{}", self.body);
        assert_eq!(self.header("content-type"), Some("application/scim+json"));
    }
}

/// Sends `method path` (under /scim/v2) with `token` as a bearer token and `body` as SCIM JSON.
async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
    call_with(app, token, method, path, body, &[]).await
}

async fn call_with(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.request(method.parse().unwrap(), format!("{}/scim/v2{path}", app.base_url));
    if !token.is_empty() {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/scim+json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}"))
    };
    Answer { status, headers, body }
}

async fn scim_token(app: &TestApp, tenant: &'static str) -> String {
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || service.create_integration_key(tenant, Face::Scim).unwrap().1).await.unwrap()
}

fn user_body(user_name: &str) -> Value {
    json!({"schemas": [USER], "userName": user_name})
}

async fn create_user(app: &TestApp, token: &str, body: Value) -> Value {
    let created = call(app, token, "POST", "/Users", Some(body.clone())).await;
    assert_eq!(created.status, 201, "{body}: {}", created.body);
    created.body
}

fn ids(list: &Value) -> Vec<String> {
    list["Resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

fn user_names(list: &Value) -> Vec<String> {
    list["Resources"].as_array().unwrap().iter().map(|r| r["userName"].as_str().unwrap().to_string()).collect()
}

async fn discovery_describes_what_is_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let config = call(&app, "", "GET", "/ServiceProviderConfig", None).await;
    assert_eq!(config.status, 200);
    assert_eq!(config.header("content-type"), Some("application/scim+json"));
    assert_eq!(config.body["patch"]["supported"], true);
    assert_eq!(config.body["filter"], json!({"supported": true, "maxResults": 200}));
    assert_eq!(config.body["etag"]["supported"], true);
    assert_eq!(config.body["sort"]["supported"], true);
    assert_eq!(config.body["authenticationSchemes"][0]["type"], "oauthbearertoken");

    let types = call(&app, "", "GET", "/ResourceTypes", None).await;
    assert_eq!(types.body["totalResults"], 2);
    assert_eq!(ids(&types.body), ["User", "Group"]);
    assert_eq!(types.body["Resources"][0]["schemaExtensions"][0]["schema"], ENTERPRISE);
    let user_type = call(&app, "", "GET", "/ResourceTypes/User", None).await;
    assert_eq!(user_type.body["endpoint"], "/Users");
    call(&app, "", "GET", "/ResourceTypes/Course", None).await.refused(404, None);

    let schemas = call(&app, "", "GET", "/Schemas", None).await;
    let names: Vec<&str> = schemas.body["Resources"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["User", "EnterpriseUser", "Group", "ServiceProviderConfig", "ResourceType", "Schema"]);
    let user = call(&app, "", "GET", &format!("/Schemas/{USER}"), None).await;
    let attributes: Vec<&str> = user.body["attributes"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(attributes, ["userName", "name", "displayName", "emails", "active", "groups"]);
    assert_eq!(user.body["attributes"][0]["uniqueness"], "server");
    call(&app, "", "GET", "/Schemas/urn:example:nothing", None).await.refused(404, None);

    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        call(&app, "", method, "/ServiceProviderConfig", None).await.refused(405, None);
        call(&app, "", method, "/Schemas", None).await.refused(405, None);
    }
    call(&app, "", "GET", "/Nothing/here", None).await.refused(404, None);

    // A search at the root lists users, then groups, paged as one list.
    let token = scim_token(&app, "acme").await;
    let group = json!({"schemas": [GROUP], "displayName": "Root search"});
    assert_eq!(call(&app, &token, "POST", "/Groups", Some(group)).await.status, 201);
    let search = |start: i64, count: i64| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "startIndex": start, "count": count});
    let everything = call(&app, &token, "POST", "/.search", Some(search(1, 100))).await;
    assert_eq!(everything.body["totalResults"], 7, "six users and a group: {}", everything.body);
    assert_eq!(everything.body["Resources"][6]["displayName"], "Root search");
    let last = call(&app, &token, "POST", "/.search", Some(search(6, 2))).await;
    let kinds: Vec<&str> = last.body["Resources"].as_array().unwrap().iter().map(|r| r["meta"]["resourceType"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["User", "Group"]);
    let named = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName eq \"admin\""});
    assert_eq!(call(&app, &token, "POST", "/.search", Some(named)).await.body["totalResults"], 1, "groups have no userName");
    let neither = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "nickName pr"});
    call(&app, &token, "POST", "/.search", Some(neither)).await.refused(400, Some("invalidFilter"));
}

async fn tokens_are_a_tenants_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = scim_token(&app, "acme").await;
    let other = scim_token(&app, "other").await;

    let anonymous = call(&app, "", "GET", "/Users", None).await;
    anonymous.refused(401, None);
    assert!(anonymous.header("www-authenticate").is_some_and(|h| h.starts_with("Bearer")));
    call(&app, "not-a-token", "GET", "/Users", None).await.refused(401, None);
    // An iSpring token and another face's key are not SCIM tokens.
    call(&app, &app.fixture.admin_token, "GET", "/Users", None).await.refused(401, None);
    let service = app.service.clone();
    let (revoked_id, revoked) = tokio::task::spawn_blocking(move || {
        let (id, key) = service.create_integration_key("acme", Face::Scim).unwrap();
        service.revoke_integration_key("acme", id).unwrap();
        (id, key)
    })
    .await
    .unwrap();
    assert!(revoked_id > 0);
    call(&app, &revoked, "GET", "/Users", None).await.refused(401, None);

    // Each tenant sees its own users only, and may reuse the other's user names.
    let acme_users = call(&app, &acme, "GET", "/Users", None).await;
    assert_eq!(acme_users.body["totalResults"], 6);
    let other_users = call(&app, &other, "GET", "/Users", None).await;
    assert_eq!(other_users.body["totalResults"], 1);
    let ann = create_user(&app, &acme, user_body("ann")).await;
    create_user(&app, &other, user_body("ann")).await;
    let id = ann["id"].as_str().unwrap();
    call(&app, &other, "GET", &format!("/Users/{id}"), None).await.refused(404, None);
    call(&app, &other, "DELETE", &format!("/Users/{id}"), None).await.refused(404, None);
    call(&app, &other, "PUT", &format!("/Users/{id}"), Some(user_body("ann2"))).await.refused(404, None);
    let filtered = call(&app, &other, "GET", "/Users?filter=userName%20eq%20%22ann%22", None).await;
    assert_eq!(filtered.body["totalResults"], 1);
    assert_ne!(ids(&filtered.body), [id]);
    assert_eq!(call(&app, &acme, "GET", &format!("/Users/{id}"), None).await.status, 200);
}

async fn users_are_created_read_replaced_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let body = json!({
        "schemas": [USER, ENTERPRISE],
        "externalId": "hr-1001",
        "userName": "ann.lee",
        "name": {"givenName": "Ann", "familyName": "Lee", "formatted": "ignored: not served"},
        "displayName": "Ann Lee",
        "emails": [{"value": "ann.lee@acme.example.test", "type": "work", "primary": true}],
        "active": true,
        ENTERPRISE: {"employeeNumber": "E-7", "department": "Sales", "manager": {"value": HQ_LEARNER}},
    });
    let created = call(&app, &token, "POST", "/Users", Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let user = created.body.clone();
    let id = user["id"].as_str().unwrap().to_string();
    let location = format!("{}/scim/v2/Users/{id}", app.base_url);
    assert_eq!(created.header("location"), Some(location.as_str()));
    assert_eq!(created.header("etag"), user["meta"]["version"].as_str());
    assert!(user["meta"]["version"].as_str().unwrap().starts_with("W/\""));
    assert_eq!(user["schemas"], json!([USER, ENTERPRISE]));
    assert_eq!(user["userName"], "ann.lee");
    assert_eq!(user["externalId"], "hr-1001");
    assert_eq!(user["name"], json!({"givenName": "Ann", "familyName": "Lee"}));
    assert_eq!(user["emails"], json!([{"value": "ann.lee@acme.example.test", "type": "work"}]));
    assert_eq!(user["active"], true);
    assert_eq!(user[ENTERPRISE]["department"], "Sales");
    assert_eq!(user[ENTERPRISE]["manager"], json!({"value": HQ_LEARNER, "$ref": format!("{}/scim/v2/Users/{HQ_LEARNER}", app.base_url)}));
    assert_eq!(user["meta"]["resourceType"], "User");
    assert_eq!(user["meta"]["location"], location);

    let read = call(&app, &token, "GET", &format!("/Users/{id}"), None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body, user);

    // A fixture user of the default department (HQ) has none; one of Sales Eng… names its own.
    let admin = call(&app, &token, "GET", "/Users/user-admin", None).await;
    assert!(admin.body.get(ENTERPRISE).is_none(), "{}", admin.body);
    let eng = call(&app, &token, "GET", &format!("/Users/{ENG_LEARNER}"), None).await;
    assert_eq!(eng.body[ENTERPRISE]["department"], "Engineering");

    // PUT replaces everything: what it leaves out is cleared; an unknown department is created.
    let replaced = call(
        &app,
        &token,
        "PUT",
        &format!("/Users/{id}"),
        Some(json!({"schemas": [USER, ENTERPRISE], "userName": "ann.lee", "active": false, ENTERPRISE: {"department": "Logistics"}})),
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert!(replaced.body.get("name").is_none() && replaced.body.get("emails").is_none() && replaced.body.get("externalId").is_none());
    assert_eq!(replaced.body["active"], false);
    assert_eq!(replaced.body[ENTERPRISE], json!({"department": "Logistics"}));
    assert_ne!(replaced.header("etag"), created.header("etag"));
    let departments =
        app.client.get(format!("{}/api/v1/departments", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    let departments: Value = departments.json().await.unwrap();
    let logistics: Vec<&Value> = departments["departments"].as_array().unwrap().iter().filter(|d| d["name"] == "Logistics").collect();
    assert_eq!(logistics.len(), 1, "{departments}");
    assert_eq!(logistics[0]["parentDepartmentId"], DEPT_HQ, "new departments go under the default one");

    // Refusals change nothing.
    let taken = call(&app, &token, "POST", "/Users", Some(user_body("admin"))).await;
    taken.refused(409, Some("uniqueness"));
    let email_taken = json!({"schemas": [USER], "userName": "new", "emails": [{"value": "admin@acme.example.test"}]});
    call(&app, &token, "POST", "/Users", Some(email_taken)).await.refused(409, Some("uniqueness"));
    let not_email = json!({"schemas": [USER], "userName": "new", "emails": [{"value": "not-an-address"}]});
    call(&app, &token, "POST", "/Users", Some(not_email)).await.refused(400, Some("invalidValue"));
    call(&app, &token, "POST", "/Users", Some(json!({"schemas": [USER]}))).await.refused(400, Some("invalidValue"));
    call(&app, &token, "POST", "/Users", Some(json!({"userName": "x"}))).await.refused(400, Some("invalidValue"));
    let bad_manager = json!({"schemas": [USER, ENTERPRISE], "userName": "new", ENTERPRISE: {"manager": {"value": "nobody"}}});
    call(&app, &token, "POST", "/Users", Some(bad_manager)).await.refused(400, Some("invalidValue"));
    let self_manager = json!({"schemas": [USER, ENTERPRISE], "userName": "ann.lee", ENTERPRISE: {"manager": {"value": id}}});
    call(&app, &token, "PUT", &format!("/Users/{id}"), Some(self_manager)).await.refused(400, Some("invalidValue"));
    let password = json!({"schemas": [USER], "userName": "new", "password": "Secret123"});
    call(&app, &token, "POST", "/Users", Some(password)).await.refused(400, Some("invalidValue"));
    let broken = app
        .client
        .post(format!("{}/scim/v2/Users", app.base_url))
        .bearer_auth(&token)
        .header("Content-Type", "application/scim+json")
        .body("{\"userName\": ")
        .send()
        .await
        .unwrap();
    Answer { status: broken.status().as_u16(), headers: broken.headers().clone(), body: broken.json().await.unwrap() }
        .refused(400, Some("invalidSyntax"));
    let plain =
        app.client.post(format!("{}/scim/v2/Users", app.base_url)).bearer_auth(&token).header("Content-Type", "text/plain").body("x");
    assert_eq!(plain.send().await.unwrap().status().as_u16(), 415);
    assert_eq!(call(&app, &token, "GET", "/Users?count=0", None).await.body["totalResults"], 7, "one user was made");

    // DELETE: 204, then 404 everywhere; the login is free again.
    let deleted = call(&app, &token, "DELETE", &format!("/Users/{id}"), None).await;
    assert_eq!(deleted.status, 204);
    call(&app, &token, "GET", &format!("/Users/{id}"), None).await.refused(404, None);
    call(&app, &token, "DELETE", &format!("/Users/{id}"), None).await.refused(404, None);
    create_user(&app, &token, user_body("ann.lee")).await;
}

async fn every_filter_operator_is_compiled_to_sql(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let make = |name: &str, given: &str, email: &str, kind: &str, number: &str, department: &str, active: bool| {
        json!({"schemas": [USER, ENTERPRISE], "userName": name, "name": {"givenName": given, "familyName": "Tester"},
            "emails": [{"value": email, "type": kind}], "active": active,
            ENTERPRISE: {"employeeNumber": number, "department": department, "manager": {"value": HQ_LEARNER}}})
    };
    let alpha = create_user(&app, &token, make("alpha", "Alice", "alpha@work.test", "work", "100", "Sales", true)).await;
    let beta = create_user(&app, &token, make("beta", "Bob", "beta@home.test", "home", "200", "Engineering", false)).await;
    let gamma = create_user(&app, &token, make("Gamma_1", "Carol", "gamma@work.test", "work", "300", "Sales East", true)).await;
    let group = call(
        &app,
        &token,
        "POST",
        "/Groups",
        Some(json!({"schemas": [GROUP], "displayName": "Cohort 7", "members": [{"value": alpha["id"]}, {"value": gamma["id"]}]})),
    )
    .await;
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.body["id"].as_str().unwrap().to_string();
    let created_between = |user: &Value| user["meta"]["created"].as_str().unwrap().to_string();

    let cases: Vec<(String, Vec<&str>)> = vec![
        ("userName eq \"ALPHA\"".into(), vec!["alpha"]),
        ("userName ne \"alpha\" and name.familyName eq \"tester\"".into(), vec!["beta", "Gamma_1"]),
        ("userName co \"ET\"".into(), vec!["beta"]),
        ("userName sw \"gamma_\"".into(), vec!["Gamma_1"]),
        ("userName sw \"gamm%\"".into(), vec![]),
        ("emails.value ew \"@work.test\"".into(), vec!["alpha", "Gamma_1"]),
        ("emails[type eq \"work\" and value sw \"gamma\"]".into(), vec!["Gamma_1"]),
        ("emails[type eq \"home\"]".into(), vec!["beta"]),
        ("name.givenName gt \"Alice\" and name.familyName pr".into(), vec!["beta", "Gamma_1"]),
        ("name.givenName ge \"Bob\" and name.givenName le \"Bob\"".into(), vec!["beta"]),
        ("name.givenName lt \"Bob\" and name.familyName eq \"Tester\"".into(), vec!["alpha"]),
        ("active eq false".into(), vec!["beta"]),
        ("active ne true".into(), vec!["beta"]),
        ("not (active eq true) or userName eq \"alpha\"".into(), vec!["alpha", "beta"]),
        ("(userName eq \"alpha\" or userName eq \"beta\") and active eq true".into(), vec!["alpha"]),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"".into(), vec!["alpha", "sales.learner"]),
        ("employeeNumber ge \"200\"".into(), vec!["beta", "Gamma_1"]),
        (format!("manager.value eq \"{HQ_LEARNER}\" and department ne \"Engineering\""), vec!["alpha", "Gamma_1"]),
        (format!("groups[value eq \"{group_id}\" and display co \"cohort\"]"), vec!["alpha", "Gamma_1"]),
        ("groups.display eq \"Cohort 7\" and not (userName eq \"alpha\")".into(), vec!["Gamma_1"]),
        (format!("meta.created ge \"{}\" and name.familyName eq \"Tester\"", created_between(&beta)), vec!["beta", "Gamma_1"]),
        (format!("meta.lastModified lt \"{}\" and name.familyName eq \"Tester\"", created_between(&beta)), vec!["alpha"]),
        (format!("id eq \"{}\"", alpha["id"].as_str().unwrap()), vec!["alpha"]),
        ("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"beta\"".into(), vec!["beta"]),
        ("displayName pr".into(), vec![]),
        ("externalId eq null and name.familyName eq \"Tester\" and active eq true".into(), vec!["alpha", "Gamma_1"]),
    ];
    for (filter, expected) in cases {
        let query: String =
            form_urlencoded::Serializer::new(String::new()).append_pair("filter", &filter).append_pair("sortBy", "userName").finish();
        let answer = call(&app, &token, "GET", &format!("/Users?{query}"), None).await;
        assert_eq!(answer.status, 200, "{filter}: {}", answer.body);
        let mut names = user_names(&answer.body);
        names.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names, expected, "{filter}");
        assert_eq!(answer.body["totalResults"], expected.len(), "{filter}");
    }

    for bad in [
        "userName eq",
        "userName xx \"a\"",
        "nickName eq \"a\"",
        "active gt true",
        "userName eq true",
        "meta.created gt \"yesterday\"",
        "meta.created co \"2026\"",
        "userName eq 7",
        "emails[type eq \"work\"",
        "name[givenName eq \"a\"]",
        "name eq \"Ann\"",
        "urn:example:thing:x eq \"a\"",
    ] {
        let query: String = form_urlencoded::Serializer::new(String::new()).append_pair("filter", bad).finish();
        call(&app, &token, "GET", &format!("/Users?{query}"), None).await.refused(400, Some("invalidFilter"));
    }

    // Groups filter by their own attributes and their members.
    let member_filter: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("filter", &format!("members[value eq \"{}\"] and displayName sw \"coh\"", gamma["id"].as_str().unwrap()))
        .finish();
    let groups = call(&app, &token, "GET", &format!("/Groups?{member_filter}"), None).await;
    assert_eq!(ids(&groups.body), [group_id.as_str()]);
    let none: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("filter", &format!("members.value eq \"{}\"", beta["id"].as_str().unwrap()))
        .finish();
    assert_eq!(call(&app, &token, "GET", &format!("/Groups?{none}"), None).await.body["totalResults"], 0);

    // The same through POST /.search.
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "emails.type eq \"work\"",
        "sortBy": "userName", "sortOrder": "descending", "attributes": ["userName"], "startIndex": 1, "count": 10});
    let found = call(&app, &token, "POST", "/Users/.search", Some(search)).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(user_names(&found.body), ["Gamma_1", "alpha"]);
    assert!(found.body["Resources"][0].get("emails").is_none(), "only userName (and id) were asked for");
}

async fn pages_and_sorts(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    for n in 0..12 {
        let body = json!({"schemas": [USER], "userName": format!("page{n:02}"), "displayName": format!("P {}", 11 - n)});
        create_user(&app, &token, body).await;
    }
    let filter = "filter=userName%20sw%20%22page%22";
    let first = call(&app, &token, "GET", &format!("/Users?{filter}&sortBy=userName&startIndex=1&count=5"), None).await;
    assert_eq!(
        (first.body["totalResults"].as_i64(), first.body["itemsPerPage"].as_i64(), first.body["startIndex"].as_i64()),
        (Some(12), Some(5), Some(1))
    );
    assert_eq!(user_names(&first.body), ["page00", "page01", "page02", "page03", "page04"]);
    let last = call(&app, &token, "GET", &format!("/Users?{filter}&sortBy=userName&startIndex=11&count=5"), None).await;
    assert_eq!(user_names(&last.body), ["page10", "page11"]);
    assert_eq!(last.body["startIndex"], 11);
    let beyond = call(&app, &token, "GET", &format!("/Users?{filter}&startIndex=40"), None).await;
    assert_eq!((beyond.body["totalResults"].as_i64(), beyond.body["itemsPerPage"].as_i64()), (Some(12), Some(0)));
    let descending = call(&app, &token, "GET", &format!("/Users?{filter}&sortBy=displayName&sortOrder=descending&count=3"), None).await;
    assert_eq!(user_names(&descending.body), ["page02", "page03", "page04"], "'P 9' > 'P 8' > 'P 7' as text, descending");
    let counted = call(&app, &token, "GET", &format!("/Users?{filter}&count=0"), None).await;
    assert_eq!((counted.body["totalResults"].as_i64(), counted.body["itemsPerPage"].as_i64()), (Some(12), Some(0)));
    let lenient = call(&app, &token, "GET", &format!("/Users?{filter}&startIndex=-3&count=1000"), None).await;
    assert_eq!((lenient.body["startIndex"].as_i64(), lenient.body["itemsPerPage"].as_i64()), (Some(1), Some(12)));
    let by_created = call(&app, &token, "GET", &format!("/Users?{filter}&sortBy=meta.created&sortOrder=descending&count=1"), None).await;
    assert_eq!(user_names(&by_created.body), ["page11"]);
    call(&app, &token, "GET", "/Users?count=many", None).await.refused(400, Some("invalidValue"));
    call(&app, &token, "GET", "/Users?sortBy=nickName", None).await.refused(400, Some("invalidValue"));
    call(&app, &token, "GET", "/Users?sortBy=userName&sortOrder=up", None).await.refused(400, Some("invalidValue"));
    // Groups page too.
    for n in 0..3 {
        let created = call(&app, &token, "POST", "/Groups", Some(json!({"schemas": [GROUP], "displayName": format!("G{n}")}))).await;
        assert_eq!(created.status, 201);
    }
    let groups = call(&app, &token, "GET", "/Groups?sortBy=displayName&sortOrder=descending&startIndex=2&count=1", None).await;
    assert_eq!(groups.body["totalResults"], 3);
    assert_eq!(groups.body["Resources"][0]["displayName"], "G1");
}

async fn patch(app: &TestApp, token: &str, path: &str, operations: Value) -> Answer {
    call(app, token, "PATCH", path, Some(json!({"schemas": [PATCH_OP], "Operations": operations}))).await
}

async fn every_patch_form_applies(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let user = create_user(
        &app,
        &token,
        json!({"schemas": [USER], "userName": "pat", "emails": [{"value": "pat@acme.example.test", "type": "work"}]}),
    )
    .await;
    let path = format!("/Users/{}", user["id"].as_str().unwrap());

    let done = patch(
        &app,
        &token,
        &path,
        json!([
            {"op": "add", "path": "name.givenName", "value": "Pat"},
            {"op": "add", "path": "name", "value": {"familyName": "Doe"}},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "pat.doe@acme.example.test"},
            {"op": "replace", "value": {"displayName": "Pat Doe", "externalId": "hr-9"}},
            {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "E-9"},
            {"op": "add", "path": ENTERPRISE, "value": {"department": "Sales East", "manager": {"value": SALES_LEARNER}}},
        ]),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["name"], json!({"givenName": "Pat", "familyName": "Doe"}));
    assert_eq!(done.body["emails"], json!([{"value": "pat.doe@acme.example.test", "type": "work"}]));
    assert_eq!((done.body["displayName"].as_str(), done.body["externalId"].as_str()), (Some("Pat Doe"), Some("hr-9")));
    assert_eq!(done.body[ENTERPRISE]["employeeNumber"], "E-9");
    assert_eq!(done.body[ENTERPRISE]["department"], "Sales East");
    assert_eq!(done.body[ENTERPRISE]["manager"]["value"], SALES_LEARNER);
    assert_eq!(call(&app, &token, "GET", &path, None).await.body, done.body, "what PATCH answers is what is kept");

    // `active: false` deactivates (as identity providers send it: a string, a capitalized op).
    let off = patch(&app, &token, &path, json!([{"op": "Replace", "path": "active", "value": "False"}])).await;
    assert_eq!(off.body["active"], false);
    let id = user["id"].as_str().unwrap();
    let mirror = app.client.get(format!("{}/api/v1/users/{id}", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    assert_eq!(mirror.json::<Value>().await.unwrap()["status"], 3, "deactivated on every face");
    let on = patch(&app, &token, &path, json!([{"op": "replace", "value": {"active": true}}])).await;
    assert_eq!(on.body["active"], true);

    let removed = patch(
        &app,
        &token,
        &path,
        json!([
            {"op": "remove", "path": "name.givenName"},
            {"op": "remove", "path": "emails[type eq \"work\"]"},
            {"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"},
            {"op": "remove", "path": "department"},
            {"op": "remove", "path": "externalId"},
        ]),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["name"], json!({"familyName": "Doe"}));
    assert!(removed.body.get("emails").is_none() && removed.body.get("externalId").is_none());
    assert_eq!(removed.body[ENTERPRISE], json!({"employeeNumber": "E-9"}));
    // `add` through a value path that matches nothing makes the value the filter describes.
    let added =
        patch(&app, &token, &path, json!([{"op": "add", "path": "emails[type eq \"home\"].value", "value": "pat@home.example.test"}]))
            .await;
    assert_eq!(added.body["emails"], json!([{"type": "home", "value": "pat@home.example.test"}]));

    // Refusals, each in SCIM's words, and nothing of a refused patch lands.
    let before = call(&app, &token, "GET", &path, None).await.body;
    let refusals = [
        (json!([{"op": "remove"}]), "noTarget"),
        (json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "x@acme.example.test"}]), "noTarget"),
        (json!([{"op": "add", "path": "nickName", "value": "P"}]), "invalidPath"),
        (json!([{"op": "add", "path": "emails[type eq ]", "value": "x"}]), "invalidPath"),
        (json!([{"op": "replace", "path": "groups", "value": []}]), "mutability"),
        (json!([{"op": "replace", "path": "id", "value": "x"}]), "mutability"),
        (json!([{"op": "remove", "path": "userName"}]), "mutability"),
        (json!([{"op": "move", "path": "userName"}]), "invalidSyntax"),
        (
            json!([{"op": "replace", "path": "displayName", "value": "Changed"}, {"op": "add", "path": "emails", "value": [{"value": "a@acme.example.test"}]}]),
            "invalidValue",
        ),
        (json!([{"op": "replace", "path": "userName", "value": "admin"}]), "uniqueness"),
    ];
    for (operations, scim_type) in refusals {
        let status = if scim_type == "uniqueness" { 409 } else { 400 };
        patch(&app, &token, &path, operations.clone()).await.refused(status, Some(scim_type));
    }
    let not_patch = call(&app, &token, "PATCH", &path, Some(json!({"Operations": [{"op": "remove", "path": "displayName"}]}))).await;
    not_patch.refused(400, Some("invalidSyntax"));
    assert_eq!(call(&app, &token, "GET", &path, None).await.body, before, "refused patches changed nothing");
    patch(&app, &token, "/Users/nobody", json!([{"op": "remove", "path": "displayName"}])).await.refused(404, None);
}

async fn etags_guard_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let created = call(&app, &token, "POST", "/Users", Some(user_body("etag"))).await;
    let path = format!("/Users/{}", created.body["id"].as_str().unwrap());
    let version = created.header("etag").unwrap().to_string();

    let read = call(&app, &token, "GET", &path, None).await;
    assert_eq!(read.header("etag"), Some(version.as_str()));
    let unchanged = call_with(&app, &token, "GET", &path, None, &[("If-None-Match", &version)]).await;
    assert_eq!(unchanged.status, 304);

    let stale = "W/\"0123456789abcdef01234567\"";
    let body = json!({"schemas": [USER], "userName": "etag", "displayName": "New"});
    call_with(&app, &token, "PUT", &path, Some(body.clone()), &[("If-Match", stale)]).await.refused(412, None);
    let ops = json!({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "displayName", "value": "X"}]});
    call_with(&app, &token, "PATCH", &path, Some(ops.clone()), &[("If-Match", stale)]).await.refused(412, None);
    call_with(&app, &token, "DELETE", &path, None, &[("If-Match", stale)]).await.refused(412, None);
    assert_eq!(call(&app, &token, "GET", &path, None).await.header("etag"), Some(version.as_str()), "nothing changed");

    let replaced = call_with(&app, &token, "PUT", &path, Some(body), &[("If-Match", &version)]).await;
    assert_eq!(replaced.status, 200);
    let newer = replaced.header("etag").unwrap().to_string();
    assert_ne!(newer, version);
    call_with(&app, &token, "PATCH", &path, Some(ops.clone()), &[("If-Match", &version)]).await.refused(412, None);
    assert_eq!(call_with(&app, &token, "PATCH", &path, Some(ops), &[("If-Match", &newer)]).await.status, 200);
    assert_eq!(call_with(&app, &token, "DELETE", &path, None, &[("If-Match", "*")]).await.status, 204);

    // A change through another face changes the version too.
    let other = call(&app, &token, "GET", &format!("/Users/{ENG_LEARNER}"), None).await;
    let before = other.header("etag").unwrap().to_string();
    let update = app
        .client
        .patch(format!("{}/api/v1/users/{ENG_LEARNER}", app.base_url))
        .bearer_auth(&app.fixture.admin_token)
        .json(&json!({"firstName": "Eng"}))
        .send()
        .await
        .unwrap();
    assert!(update.status().is_success(), "{}", update.text().await.unwrap());
    let after = call(&app, &token, "GET", &format!("/Users/{ENG_LEARNER}"), None).await;
    assert_ne!(after.header("etag").unwrap(), before);
    assert_eq!(after.body["name"]["givenName"], "Eng");

    // Groups carry versions as well.
    let group = call(&app, &token, "POST", "/Groups", Some(json!({"schemas": [GROUP], "displayName": "Versioned"}))).await;
    let group_path = format!("/Groups/{}", group.body["id"].as_str().unwrap());
    let rename = json!({"schemas": [GROUP], "displayName": "Renamed"});
    call_with(&app, &token, "PUT", &group_path, Some(rename.clone()), &[("If-Match", stale)]).await.refused(412, None);
    let renamed = call_with(&app, &token, "PUT", &group_path, Some(rename), &[("If-Match", group.header("etag").unwrap())]).await;
    assert_eq!(renamed.body["displayName"], "Renamed");
}

async fn groups_and_their_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let ann = create_user(&app, &token, user_body("ann")).await;
    let ann_id = ann["id"].as_str().unwrap().to_string();
    let created = call(
        &app,
        &token,
        "POST",
        "/Groups",
        Some(json!({"schemas": [GROUP], "displayName": "Onboarding", "externalId": "hr-g1", "members": [{"value": ann_id}, {"value": SALES_LEARNER, "type": "User"}]})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let group = created.body.clone();
    let id = group["id"].as_str().unwrap().to_string();
    let path = format!("/Groups/{id}");
    assert_eq!(group["schemas"], json!([GROUP]));
    assert_eq!(group["externalId"], "hr-g1");
    let members: Vec<&str> = group["members"].as_array().unwrap().iter().map(|m| m["value"].as_str().unwrap()).collect();
    assert_eq!(members.len(), 2);
    assert_eq!(group["members"][0]["type"], "User");
    assert_eq!(group["members"][0]["$ref"].as_str().unwrap(), format!("{}/scim/v2/Users/{}", app.base_url, members[0]));
    assert_eq!(call(&app, &token, "GET", &path, None).await.body, group);
    // The user reads its group.
    let ann_read = call(&app, &token, "GET", &format!("/Users/{ann_id}"), None).await;
    assert_eq!(
        ann_read.body["groups"],
        json!([{"value": id, "$ref": format!("{}/scim/v2/Groups/{id}", app.base_url), "display": "Onboarding"}])
    );

    let patched = patch(
        &app,
        &token,
        &path,
        json!([
            {"op": "add", "path": "members", "value": [{"value": ENG_LEARNER}]},
            {"op": "remove", "path": format!("members[value eq \"{ann_id}\"]")},
            {"op": "replace", "path": "displayName", "value": "Onboarding 2026"},
        ]),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let mut members: Vec<&str> = patched.body["members"].as_array().unwrap().iter().map(|m| m["value"].as_str().unwrap()).collect();
    members.sort();
    let mut expected = vec![SALES_LEARNER, ENG_LEARNER];
    expected.sort();
    assert_eq!(members, expected);
    assert_eq!(patched.body["displayName"], "Onboarding 2026");
    // Removing members by value list (as some identity providers do) and all at once.
    let fewer = patch(&app, &token, &path, json!([{"op": "remove", "path": "members", "value": [{"value": ENG_LEARNER}]}])).await;
    assert_eq!(fewer.body["members"].as_array().unwrap().len(), 1);
    let none = patch(&app, &token, &path, json!([{"op": "remove", "path": "members"}])).await;
    assert!(none.body.get("members").is_none(), "{}", none.body);

    let unknown = json!({"schemas": [GROUP], "displayName": "X", "members": [{"value": "nobody"}]});
    call(&app, &token, "POST", "/Groups", Some(unknown)).await.refused(400, Some("invalidValue"));
    let nested = json!({"schemas": [GROUP], "displayName": "X", "members": [{"value": id, "type": "Group"}]});
    call(&app, &token, "POST", "/Groups", Some(nested)).await.refused(400, Some("invalidValue"));
    call(&app, &token, "POST", "/Groups", Some(json!({"schemas": [GROUP]}))).await.refused(400, Some("invalidValue"));
    patch(&app, &token, &path, json!([{"op": "replace", "path": "members[value eq \"nobody\"].value", "value": "x"}]))
        .await
        .refused(400, Some("noTarget"));

    let replaced =
        call(&app, &token, "PUT", &path, Some(json!({"schemas": [GROUP], "displayName": "Final", "members": [{"value": HQ_LEARNER}]})))
            .await;
    assert_eq!(replaced.status, 200);
    assert_eq!(replaced.body["members"][0]["value"], HQ_LEARNER);
    assert!(replaced.body.get("externalId").is_none());

    // The group is the store's: the JSON mirror lists it with its member.
    let mirror = app.client.get(format!("{}/api/v1/groups", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    let mirror: Value = mirror.json().await.unwrap();
    let listed = mirror["groups"].as_array().unwrap().iter().find(|g| g["groupId"] == id.as_str()).cloned().unwrap();
    assert_eq!(listed["name"], "Final");
    assert_eq!(listed["userIds"], json!([HQ_LEARNER]));

    assert_eq!(call(&app, &token, "DELETE", &path, None).await.status, 204);
    call(&app, &token, "GET", &path, None).await.refused(404, None);
    assert!(call(&app, &token, "GET", &format!("/Users/{HQ_LEARNER}"), None).await.body.get("groups").is_none());
}

async fn attributes_are_projected(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let body = json!({"schemas": [USER, ENTERPRISE], "userName": "proj", "name": {"givenName": "P", "familyName": "J"},
        "externalId": "x-1", ENTERPRISE: {"department": "Sales", "employeeNumber": "5"}});
    let user = create_user(&app, &token, body).await;
    let path = format!("/Users/{}", user["id"].as_str().unwrap());
    let only = call(&app, &token, "GET", &format!("{path}?attributes=userName,name.familyName,department"), None).await;
    assert_eq!(
        only.body,
        json!({"schemas": user["schemas"], "id": user["id"], "userName": "proj", "name": {"familyName": "J"}, ENTERPRISE: {"department": "Sales"}})
    );
    let without = call(&app, &token, "GET", &format!("{path}?excludedAttributes=name,meta,{ENTERPRISE}:employeeNumber"), None).await;
    assert!(without.body.get("name").is_none() && without.body.get("meta").is_none());
    assert_eq!(without.body[ENTERPRISE], json!({"department": "Sales"}));
    assert_eq!(without.body["userName"], "proj");
    let listed = call(&app, &token, "GET", "/Users?filter=userName%20eq%20%22proj%22&attributes=externalId", None).await;
    assert_eq!(listed.body["Resources"][0], json!({"schemas": user["schemas"], "id": user["id"], "externalId": "x-1"}));
}

async fn what_scim_provisions_every_face_reads(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = scim_token(&app, "acme").await;
    let body = json!({"schemas": [USER, ENTERPRISE], "userName": "hr.provisioned", "name": {"givenName": "Hana", "familyName": "Roe"},
        "emails": [{"value": "hana.roe@acme.example.test", "type": "work"}], ENTERPRISE: {"department": "Engineering"}});
    let user = create_user(&app, &token, body).await;
    let id = user["id"].as_str().unwrap();

    // The JSON mirror.
    let mirror = app.client.get(format!("{}/api/v1/users/{id}", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    let mirror: Value = mirror.json().await.unwrap();
    assert_eq!(mirror["login"], "hr.provisioned");
    assert_eq!(mirror["email"], "hana.roe@acme.example.test");
    assert_eq!((mirror["firstName"].as_str(), mirror["lastName"].as_str()), (Some("Hana"), Some("Roe")));
    assert_eq!(mirror["departmentId"], DEPT_ENG);
    assert_eq!(mirror["status"], 1);
    assert_eq!(mirror["role"], "learner");

    // iSpring's SOAP GetUsers.
    let soap =
        app.soap(common::soap::request("GetUsers", &app.fixture.admin_token, &format!("<departmentId>{DEPT_ENG}</departmentId>"))).await;
    assert_eq!(soap.status, 200, "{}", soap.body);
    common::assert_schema_valid(&soap.body);
    assert!(soap.body.contains(&format!(">{id}<")) && soap.body.contains(">hana.roe@acme.example.test<"), "{}", soap.body);

    // Skillable's user lookup.
    let service = app.service.clone();
    let key = tokio::task::spawn_blocking(move || service.create_integration_key("acme", Face::Skillable).unwrap().1).await.unwrap();
    let skillable = app
        .client
        .get(format!("{}/GetUserByEmail?email=hana.roe@acme.example.test", app.base_url))
        .header("api_key", key)
        .send()
        .await
        .unwrap();
    let skillable: Value = skillable.json().await.unwrap();
    assert_eq!(skillable["User"]["Email"], "hana.roe@acme.example.test", "{skillable}");

    // Deleting through SCIM deletes it for every face.
    assert_eq!(call(&app, &token, "DELETE", &format!("/Users/{id}"), None).await.status, 204);
    let gone = app.client.get(format!("{}/api/v1/users/{id}", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    assert_eq!(gone.status().as_u16(), 404);
}

on_both_backends!(
    discovery_describes_what_is_served,
    tokens_are_a_tenants_own,
    users_are_created_read_replaced_and_deleted,
    every_filter_operator_is_compiled_to_sql,
    pages_and_sorts,
    every_patch_form_applies,
    etags_guard_changes,
    groups_and_their_members,
    attributes_are_projected,
    what_scim_provisions_every_face_reads,
);
