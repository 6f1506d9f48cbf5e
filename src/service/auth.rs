//! Who is calling: OAuth2 client-credentials tokens and iSpring's legacy account credentials.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{OpError, Service, now};
use crate::domain::role::AomRole;
use crate::domain::{Principal, Role};
use crate::store::{Tx, auth, tenants, users};

/// The credentials a request carries.
#[derive(Clone, PartialEq)]
pub enum Credentials {
    Token(String),
    /// A vendor face's static integration key (Skillable's `api_key`), valid on that face only.
    IntegrationKey {
        face: &'static str,
        key: String,
    },
    /// iSpring's older form: the account URL plus an administrator's login (or e-mail) and password.
    Password {
        account_url: String,
        login: String,
        password: String,
    },
}

impl std::fmt::Debug for Credentials {
    // Never print secrets, not even in debug logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
            Credentials::IntegrationKey { face, .. } => write!(f, "IntegrationKey {{ face: {face:?}, key: <redacted> }}"),
            Credentials::Password { account_url, login, .. } => {
                write!(f, "Password {{ account_url: {account_url:?}, login: {login:?}, password: <redacted> }}")
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
}

/// A fresh random secret of 32 bytes, URL-safe base64 (43 characters).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 digest of a high-entropy secret (client secret or token), hex-encoded.
/// Random 256-bit secrets need no slow hash; user passwords use Argon2 instead.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Lowercase hex, two digits a byte (without `format!`: this runs on every request).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[(b >> 4) as usize] as char, DIGITS[(b & 15) as usize] as char]).collect()
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source failed");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing cannot fail on valid params").to_string()
}

fn password_matches(password: &str, stored: Option<&str>) -> bool {
    stored.and_then(|s| PasswordHash::new(s).ok()).is_some_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

impl Service {
    /// OAuth2 client-credentials grant: checks the secret and stores a new token's digest.
    pub fn issue_token(&self, client_id: &str, client_secret: &str) -> Result<IssuedToken, OpError> {
        self.db.write(|tx| {
            let client = auth::find_client(tx, client_id)?;
            let presented = digest(client_secret);
            let stored = client.as_ref().map_or("", |c| c.secret_hash.as_str());
            // Compare digests in constant time; an unknown client compares against nothing.
            let valid = bool::from(presented.as_bytes().ct_eq(stored.as_bytes()));
            match client {
                Some(client) if valid => self.store_new_token(tx, client.id),
                _ => Err(OpError::Unauthenticated("unknown client_id or wrong client_secret".into())),
            }
        })
    }

    /// Issues a token for a client without its secret (operator command line).
    pub fn issue_token_for_client(&self, client_id: &str) -> Result<IssuedToken, OpError> {
        self.db.write(|tx| match auth::find_client(tx, client_id)? {
            Some(client) => self.store_new_token(tx, client.id),
            None => Err(OpError::Unauthenticated(format!("no API client '{client_id}'"))),
        })
    }

    fn store_new_token(&self, tx: &mut Tx<'_>, api_client_id: i64) -> Result<IssuedToken, OpError> {
        let token = random_secret();
        let now = now();
        auth::insert_token(tx, &digest(&token), api_client_id, now + Duration::seconds(self.token_ttl_secs), now)?;
        Ok(IssuedToken { access_token: token, expires_in: self.token_ttl_secs })
    }

    /// Resolves the caller. Every failure is `Authorization failed`, with a detail that tells the
    /// caller what to fix but not which accounts or users exist.
    pub fn authenticate(&self, tx: &mut Tx<'_>, credentials: &Credentials) -> Result<Principal, OpError> {
        match credentials {
            Credentials::Token(token) => {
                let now = now();
                if let Some(principal) = self.cached_principal(token, now) {
                    return Ok(principal);
                }
                let (client, expires_at) = auth::find_token(tx, &digest(token))?
                    .ok_or_else(|| OpError::Unauthenticated("the token is not valid; request one from POST /api/v3/token".into()))?;
                if expires_at <= now {
                    return Err(OpError::Unauthenticated("the token has expired; request a new one from POST /api/v3/token".into()));
                }
                let role = client.role.parse::<Role>().map_err(OpError::Internal)?;
                let managed_departments = if role.is_department_scoped() { auth::client_departments(tx, client.id)? } else { Vec::new() };
                let principal =
                    Principal { tenant_id: client.tenant_id, role, managed_departments, subject: client.client_id, acting: None };
                self.tokens.put(token.clone(), principal.clone(), expires_at, now);
                Ok(principal)
            }
            Credentials::IntegrationKey { face, key } => {
                // Cached like tokens: a revoked key stops working within the cache's few seconds.
                let cache_key = format!("{face}\u{0}{key}");
                let now = now();
                if let Some(principal) = self.cached_principal(&cache_key, now) {
                    return Ok(principal);
                }
                let row = auth::find_integration_key(tx, face, &digest(key))?
                    .ok_or_else(|| OpError::Unauthenticated(format!("the {face} integration key is not valid")))?;
                if row.revoked_at.is_some() {
                    return Err(OpError::Unauthenticated(format!("the {face} integration key {}… was revoked", row.key_prefix)));
                }
                let subject = format!("{face} key {}", row.key_prefix);
                let principal = match (row.user_id, row.role.as_deref()) {
                    // A token acting as a user (Academy Of Mine's) acts while the user lives, in its role.
                    (Some(user_id), Some(role)) => {
                        let role = AomRole::parse(role).map_err(|refused| OpError::Internal(refused.reason))?;
                        if !users::is_live(tx, row.tenant_id, user_id)? {
                            return Err(OpError::Unauthenticated(format!("the user of {face} token {}… is deleted", row.key_prefix)));
                        }
                        let acting = Some((user_id, role));
                        Principal { tenant_id: row.tenant_id, role: role.role(), managed_departments: Vec::new(), subject, acting }
                    }
                    // A key acts for its whole organization, as Skillable's organization keys do.
                    _ => Principal {
                        tenant_id: row.tenant_id,
                        role: Role::AccountAdministrator,
                        managed_departments: Vec::new(),
                        subject,
                        acting: None,
                    },
                };
                self.tokens.put(cache_key, principal.clone(), now + Duration::days(1), now);
                Ok(principal)
            }
            Credentials::Password { account_url, login, password } => {
                let refused = || OpError::Unauthenticated("unknown account URL, login or password".into());
                let tenant_id = tenants::tenant_id_by_account_url(tx, &normalize_account_url(account_url))?.ok_or_else(refused)?;
                let user = users::user_for_login(tx, tenant_id, login)?;
                let valid = password_matches(password, user.as_ref().and_then(|u| u.password_hash.as_deref()));
                let user = user.filter(|u| valid && u.status == 1).ok_or_else(refused)?;
                let role = user.role.parse::<Role>().map_err(OpError::Internal)?;
                let managed_departments =
                    if role.is_department_scoped() { users::user_managed_departments(tx, user.id)? } else { Vec::new() };
                Ok(Principal { tenant_id, role, managed_departments, subject: user.login, acting: None })
            }
        }
    }
}

/// What the database said recently, so a busy client costs no lookup per request: valid tokens and
/// integration keys (keyed by the token or key itself: a hit costs a hash-map lookup, not a
/// SHA-256 digest, as the database keeps digests only), tenants by their Rhythm id. An entry lives
/// at most five seconds (`FreshCache::FRESH`), and never past the expiry it is put with: what
/// changes in the database (a client's departments, a revoked key) is seen within that time.
pub struct FreshCache<V> {
    entries: std::sync::Mutex<std::collections::HashMap<String, (V, chrono::NaiveDateTime)>>,
}

impl<V> Default for FreshCache<V> {
    fn default() -> Self {
        FreshCache { entries: Default::default() }
    }
}

impl<V: Clone> FreshCache<V> {
    const FRESH: Duration = Duration::seconds(5);
    const MAX_ENTRIES: usize = 10_000;

    pub(crate) fn get(&self, key: &str, now: chrono::NaiveDateTime) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(key).filter(|(_, until)| *until > now).map(|(value, _)| value.clone())
    }

    pub(crate) fn put(&self, key: String, value: V, expires_at: chrono::NaiveDateTime, now: chrono::NaiveDateTime) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, (_, until)| *until > now);
            if entries.len() >= Self::MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (value, expires_at.min(now + Self::FRESH)));
    }
}

impl Service {
    /// The principal cached under a token or key, counted in the metrics as a hit or a miss.
    fn cached_principal(&self, key: &str, now: chrono::NaiveDateTime) -> Option<Principal> {
        let found = self.tokens.get(key, now);
        crate::metrics::METRICS.token_cache(found.is_some());
        found
    }
}

/// Account URLs compare without a trailing slash and case-insensitively.
pub fn normalize_account_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_url_safe() {
        let (a, b) = (random_secret(), random_secret());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn digests_are_sha256_hex() {
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("Secret123");
        assert!(password_matches("Secret123", Some(&hash)));
        assert!(!password_matches("secret123", Some(&hash)));
        assert!(!password_matches("Secret123", None));
        assert!(!password_matches("Secret123", Some("not-a-hash")));
    }

    #[test]
    fn credentials_never_print_secrets() {
        let shown = format!("{:?}", Credentials::Token("s3cr3t".into()));
        assert!(!shown.contains("s3cr3t"));
        let shown = format!("{:?}", Credentials::Password { account_url: "u".into(), login: "l".into(), password: "pw-s3cr3t".into() });
        assert!(!shown.contains("pw-s3cr3t"));
    }
}
