//! `POST /api/v3/token`: the OAuth2 client-credentials grant (RFC 6749 §4.4), as iSpring Learn
//! serves it: form fields `client_id`, `client_secret`, `grant_type=client_credentials` (or the
//! client's id and secret in HTTP Basic auth) -> `{access_token, expires_in, token_type}`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use crate::service::OpError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn oauth_error(status: u16, error: &str, description: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status).expect("valid status");
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if status == actix_web::http::StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="lmsbridge""#));
    }
    response.json(json!({ "error": error, "error_description": description }))
}

/// Client id and secret from an `Authorization: Basic` header, if one is sent.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

pub async fn token(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return oauth_error(400, "invalid_request", "send the fields as application/x-www-form-urlencoded");
    }
    let body = match crate::faces::kit::body::read(&req, payload, state.body_limits, crate::faces::kit::body::Allowance::Ordinary).await {
        Ok(body) => body,
        Err(refusal) => return oauth_error(refusal.status.as_u16(), "invalid_request", &refusal.message),
    };
    let form: TokenForm = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(e) => return oauth_error(400, "invalid_request", &format!("the form cannot be read: {e}")),
    };
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(400, "unsupported_grant_type", &format!("grant_type '{other}' is not supported; use client_credentials"));
        }
        None => return oauth_error(400, "invalid_request", "grant_type is required (client_credentials)"),
    }
    let (client_id, client_secret) = match (form.client_id, form.client_secret, basic_credentials(&req)) {
        (Some(id), Some(secret), None) => (id, secret),
        (None, None, Some(basic)) => basic,
        (Some(_), Some(_), Some(_)) => {
            return oauth_error(
                400,
                "invalid_request",
                "send the client credentials either in the form or in the Authorization header, not both",
            );
        }
        _ => return oauth_error(400, "invalid_request", "client_id and client_secret are required"),
    };
    let service = state.service.clone();
    let issued = web::block(move || service.issue_token(&client_id, &client_secret)).await;
    match issued {
        Ok(Ok(token)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(json!({ "access_token": token.access_token, "expires_in": token.expires_in, "token_type": "bearer" })),
        Ok(Err(OpError::Unauthenticated(detail))) => oauth_error(401, "invalid_client", &detail),
        Ok(Err(OpError::Unavailable(detail))) => oauth_error(503, "temporarily_unavailable", &detail),
        Ok(Err(error)) => {
            tracing::error!(%error, "token issue failed");
            oauth_error(500, "server_error", "the token could not be issued")
        }
        Err(_) => oauth_error(500, "server_error", "the token could not be issued"),
    }
}
