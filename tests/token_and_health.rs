//! POST /api/v3/token (OAuth2 client credentials) and the health endpoints.

mod common;

use common::fixture::*;
use common::soap::{enrollment_ids, get_enrollments, sorted};
use common::{Backend, TestApp, spawn_app};
use serde_json::Value;

async fn token_request(app: &TestApp, form: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let reply = app.post("/api/v3/token", "application/x-www-form-urlencoded", form.to_string()).await;
    let json = serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("JSON body: {}", reply.body));
    (reply.status, json, reply.headers)
}

async fn client_credentials_yield_a_working_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = format!(
        "client_id={}&client_secret={}&grant_type=client_credentials",
        app.fixture.admin_client_id, app.fixture.admin_client_secret
    );
    let (status, json, headers) = token_request(&app, &form).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["expires_in"], 1800);
    assert_eq!(json["token_type"], "bearer");
    assert_eq!(headers["cache-control"], "no-store");
    let token = json["access_token"].as_str().unwrap();
    assert!(token.len() >= 40);

    let reply = app.soap(get_enrollments(token, None, Some(&[SALES_LEARNER]))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(enrollment_ids(&reply.body), sorted(&[E_PLAIN, E_DUE]));

    // Each request issues a new token; older ones keep working until they expire.
    let (_, second, _) = token_request(&app, &form).await;
    assert_ne!(second["access_token"], json["access_token"]);
    assert_eq!(app.soap(get_enrollments(token, None, None)).await.status, 200);
}

async fn http_basic_client_authentication_works_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .post(format!("{}/api/v3/token", app.base_url))
        .basic_auth(&app.fixture.admin_client_id, Some(&app.fixture.admin_client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn wrong_credentials_and_grants_get_oauth_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.fixture.admin_client_id.clone();
    let cases = [
        (format!("client_id={id}&client_secret=wrong&grant_type=client_credentials"), 401, "invalid_client"),
        ("client_id=nobody&client_secret=x&grant_type=client_credentials".to_string(), 401, "invalid_client"),
        (format!("client_id={id}&client_secret={}&grant_type=password", app.fixture.admin_client_secret), 400, "unsupported_grant_type"),
        (format!("client_id={id}&grant_type=client_credentials"), 400, "invalid_request"),
        (format!("client_id={id}&client_secret=x"), 400, "invalid_request"),
        ("%%%".to_string(), 400, "invalid_request"),
    ];
    for (form, status, error) in cases {
        let (got, json, headers) = token_request(&app, &form).await;
        assert_eq!((got, json["error"].as_str().unwrap()), (status, error), "{form}: {json}");
        assert!(json["error_description"].as_str().is_some_and(|d| !d.is_empty()));
        if status == 401 {
            assert!(headers.contains_key("www-authenticate"));
        }
    }
    let reply = app.post("/api/v3/token", "application/json", "{}".into()).await;
    assert_eq!(reply.status, 400);
}

async fn health_and_readiness(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let ready = app.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready\n"));
    assert_eq!(app.get("/no/such/route").await.status, 404);
}

on_both_backends!(
    client_credentials_yield_a_working_token,
    http_basic_client_authentication_works_too,
    wrong_credentials_and_grants_get_oauth_errors,
    health_and_readiness,
);
