//! Credentials carried in HTTP headers.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::service::{Credentials, OpError};

/// `Authorization: Bearer <token>` (a bare token is taken too, as older iSpring clients send it).
pub fn bearer(req: &HttpRequest) -> Result<Credentials, OpError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OpError::Unauthenticated("send the token from POST /api/v3/token as 'Authorization: Bearer <token>'".into()))?;
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        Some(_) => return Err(OpError::Unauthenticated("only Bearer tokens are accepted".into())),
        None => value,
    };
    Ok(Credentials::Token(token.to_string()))
}
