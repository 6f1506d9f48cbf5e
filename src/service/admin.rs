//! Operator actions behind the command line: tenants and API clients.

use super::auth::{digest, random_secret};
use super::{Entity, OpError, ProblemKind, Service, now};
use crate::domain::Role;
use crate::domain::role::AomRole;
use crate::store::{auth, departments, tenants, users};

/// A new API client; the secret is shown this once and stored only as a digest.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_id: String,
    pub client_secret: String,
}

impl Service {
    /// Creates a tenant (account); `account_url` enables iSpring's legacy credentials for it.
    pub fn create_tenant(&self, name: &str, account_url: Option<&str>, rhythm_id: Option<&str>) -> Result<i64, OpError> {
        if name.trim().is_empty() {
            return Err(OpError::wrong(ProblemKind::Value, "tenant", "the tenant name must not be empty"));
        }
        if let Some(id) = rhythm_id
            && (id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        {
            return Err(OpError::wrong(
                ProblemKind::Value,
                "rhythm-id",
                format!("a Rhythm tenant id is letters, digits, '.', '_' and '-' (incose.org); got '{id}'"),
            ));
        }
        let account_url = account_url.map(super::auth::normalize_account_url);
        self.db.write(|tx| {
            if tenants::tenant_id_by_name(tx, name)?.is_some() {
                return Err(OpError::wrong(ProblemKind::Value, "tenant", format!("a tenant named '{name}' exists already")));
            }
            if let Some(id) = rhythm_id
                && tenants::tenant_id_by_rhythm_id(tx, id)?.is_some()
            {
                return Err(OpError::wrong(ProblemKind::Value, "rhythm-id", format!("another tenant has the Rhythm id '{id}'")));
            }
            let tenant_id = tenants::insert_tenant(tx, name, account_url.as_deref(), now())?;
            tenants::set_rhythm_id(tx, tenant_id, rhythm_id)?;
            Ok(tenant_id)
        })
    }

    /// Creates an API client of `tenant` acting with `role`; department-scoped roles must name the
    /// departments (external ids) they manage.
    pub fn create_client(&self, tenant: &str, role: Role, departments: &[String]) -> Result<NewClient, OpError> {
        if role.is_department_scoped() && departments.is_empty() {
            return Err(OpError::wrong(
                ProblemKind::Required,
                "department",
                format!("role '{role}' acts only inside departments: name at least one with --department"),
            ));
        }
        if !role.is_department_scoped() && !departments.is_empty() {
            return Err(OpError::wrong(
                ProblemKind::Value,
                "department",
                format!("role '{role}' sees the whole account; --department applies only to department-scoped roles"),
            ));
        }
        self.db.write(|tx| {
            let tenant_id = tenants::tenant_id_by_name(tx, tenant)?
                .ok_or_else(|| OpError::wrong(ProblemKind::Value, "tenant", format!("no tenant named '{tenant}'")))?;
            let found = departments::departments_by_external_ids(tx, tenant_id, departments)?;
            if let Some(missing) = departments.iter().find(|d| !found.iter().any(|department| department.external_id == **d)) {
                return Err(OpError::not_found(Entity::Department, missing));
            }
            let department_ids: Vec<i64> = found.into_iter().map(|department| department.id).collect();
            let client = NewClient { client_id: format!("lb-{}", &random_secret()[..22]), client_secret: random_secret() };
            auth::insert_client(tx, tenant_id, &client.client_id, &digest(&client.client_secret), role.as_str(), &department_ids, now())?;
            Ok(client)
        })
    }

    /// Gives a client a new secret, shown this once; the old one stops working. Tokens already
    /// issued stay valid until they expire.
    pub fn rotate_client_secret(&self, client_id: &str) -> Result<String, OpError> {
        let secret = random_secret();
        self.db.write(|tx| {
            if auth::set_client_secret(tx, client_id, &digest(&secret))? {
                Ok(secret)
            } else {
                Err(OpError::wrong(ProblemKind::Value, "client_id", format!("no API client '{client_id}'")))
            }
        })
    }

    /// Creates an integration key of a vendor face for a tenant; the key is shown this once and
    /// stored only as a digest. Returns the key's id and the key.
    pub fn create_integration_key(&self, tenant: &str, face: Face) -> Result<(i64, String), OpError> {
        if face == Face::Keepnet {
            return Err(OpError::wrong(
                ProblemKind::Required,
                "role",
                "a keepnet credential has a client role: give --role (reseller or company-admin)",
            ));
        }
        if face == Face::Aom {
            return Err(OpError::wrong(
                ProblemKind::Required,
                "role",
                "an aom token acts in a role: give --role (owner, admin, staff, portal_admin or learner)",
            ));
        }
        let key = random_secret();
        self.db.write(|tx| {
            let tenant_id = tenant_id(tx, tenant)?;
            let new = auth::NewKey { face: face.as_str(), key_hash: &digest(&key), key_prefix: &key[..8], acting: None };
            let id = auth::insert_integration_key(tx, tenant_id, &new, now())?;
            Ok((id, key.clone()))
        })
    }

    /// Creates an Academy Of Mine token of a tenant, acting as `user` (its number, or its external
    /// id) in `role`; without a user, as the tenant's account owner. The token is shown this once
    /// and stored only as a digest. Returns the token's id, the token and the user's number.
    pub fn create_aom_token(&self, tenant: &str, role: AomRole, user: Option<&str>) -> Result<(i64, String, i64), OpError> {
        let key = random_secret();
        self.db.write(|tx| {
            let tenant_id = tenant_id(tx, tenant)?;
            let user_id = match user {
                Some(user) => {
                    users::user_key_by_number_or_external_id(tx, tenant_id, user)?.ok_or_else(|| OpError::not_found(Entity::User, user))?
                }
                None if matches!(role, AomRole::Owner | AomRole::Admin | AomRole::Staff) => {
                    users::first_user_with_role(tx, tenant_id, Role::AccountOwner.as_str())?.ok_or_else(|| {
                        OpError::wrong(
                            ProblemKind::Required,
                            "user",
                            format!("tenant '{tenant}' has no account owner: name the user with --user"),
                        )
                    })?
                }
                None => {
                    return Err(OpError::wrong(
                        ProblemKind::Required,
                        "user",
                        format!("a {} token acts as one user: name it with --user", role.as_str()),
                    ));
                }
            };
            let new = auth::NewKey {
                face: Face::Aom.as_str(),
                key_hash: &digest(&key),
                key_prefix: &key[..8],
                acting: Some((user_id, role.as_str())),
            };
            let id = auth::insert_integration_key(tx, tenant_id, &new, now())?;
            Ok((id, key.clone(), user_id))
        })
    }

    /// The tenant's integration keys (their ids, faces and first characters; never the keys).
    pub fn integration_keys(&self, tenant: &str) -> Result<Vec<auth::IntegrationKeyRow>, OpError> {
        self.db.read(|tx| {
            let tenant_id = tenant_id(tx, tenant)?;
            Ok(auth::integration_keys(tx, tenant_id)?)
        })
    }

    /// Revokes the tenant's integration key `id`: calls with it are refused from now on.
    pub fn revoke_integration_key(&self, tenant: &str, id: i64) -> Result<(), OpError> {
        self.db.write(|tx| {
            let tenant_id = tenant_id(tx, tenant)?;
            if auth::revoke_integration_key(tx, tenant_id, id, now())? {
                Ok(())
            } else {
                Err(OpError::wrong(ProblemKind::Value, "id", format!("tenant '{tenant}' has no unrevoked integration key {id}")))
            }
        })
    }
}

/// The vendor faces that authenticate with an integration key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Skillable,
    Rhythm,
    /// Academy Of Mine: its tokens act as one user in one role.
    Aom,
    /// SCIM 2.0: bearer tokens with which an identity provider provisions the tenant.
    Scim,
    /// Keepnet Labs: a client id and secret with a client role (reseller or company admin), not
    /// an integration key.
    Keepnet,
}

impl std::str::FromStr for Face {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "skillable" => Ok(Face::Skillable),
            "rhythm" => Ok(Face::Rhythm),
            "aom" => Ok(Face::Aom),
            "scim" => Ok(Face::Scim),
            "keepnet" => Ok(Face::Keepnet),
            other => Err(format!("no face '{other}' has credentials of its own; expected: skillable, rhythm, aom, scim, keepnet")),
        }
    }
}

impl Face {
    pub fn as_str(self) -> &'static str {
        match self {
            Face::Skillable => "skillable",
            Face::Rhythm => "rhythm",
            Face::Aom => "aom",
            Face::Scim => "scim",
            Face::Keepnet => "keepnet",
        }
    }
}

pub(crate) fn tenant_id(tx: &mut crate::store::Tx<'_>, tenant: &str) -> Result<i64, OpError> {
    tenants::tenant_id_by_name(tx, tenant)?
        .ok_or_else(|| OpError::wrong(ProblemKind::Value, "tenant", format!("no tenant named '{tenant}'")))
}
