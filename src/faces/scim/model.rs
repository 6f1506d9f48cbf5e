//! The SCIM face's resources: the schemas it publishes (the attributes it serves, and nothing it
//! does not keep), users and groups rendered from the service's views and read back into the
//! service's inputs, the discovery documents, list responses and the `attributes` projection.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::errors::Refusal;
use crate::domain::values::{ExternalId, Name, Text};
use crate::service::directory::{DirectoryGroup, DirectoryGroupInput, DirectoryUser, DirectoryUserInput};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const SERVICE_PROVIDER_CONFIG_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// Most records a page holds; a larger `count` is lowered to it.
pub const MAX_RESULTS: i64 = 200;
/// Records a page holds when the request gives no `count`.
pub const DEFAULT_COUNT: i64 = 100;

/// One attribute as RFC 7643 §7 describes it.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub kind: &'static str,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: &'static str,
    pub returned: &'static str,
    pub uniqueness: &'static str,
    pub description: &'static str,
    pub sub: &'static [Attr],
    pub reference_types: &'static [&'static str],
    pub canonical: &'static [&'static str],
}

const STRING: Attr = Attr {
    name: "",
    kind: "string",
    multi: false,
    required: false,
    case_exact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    description: "",
    sub: &[],
    reference_types: &[],
    canonical: &[],
};

impl Attr {
    pub fn is_complex(&self) -> bool {
        self.kind == "complex"
    }

    pub fn read_only(&self) -> bool {
        self.mutability == "readOnly"
    }

    /// The sub-attribute named `name`, in any case.
    pub fn sub_attribute(&self, name: &str) -> Option<&'static Attr> {
        self.sub.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }

    fn describe(&self) -> Value {
        let mut value = json!({
            "name": self.name,
            "type": self.kind,
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        });
        if !self.sub.is_empty() {
            value["subAttributes"] = self.sub.iter().map(Attr::describe).collect();
        }
        if !self.reference_types.is_empty() {
            value["referenceTypes"] = json!(self.reference_types);
        }
        if !self.canonical.is_empty() {
            value["canonicalValues"] = json!(self.canonical);
        }
        value
    }
}

/// A schema: its URN, name and attributes.
#[derive(Debug)]
pub struct SchemaDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [Attr],
}

impl SchemaDef {
    /// The attribute named `name`, in any case.
    pub fn attribute(&self, name: &str) -> Option<&'static Attr> {
        self.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

pub const USER: SchemaDef = SchemaDef {
    id: USER_SCHEMA,
    name: "User",
    description: "User Account: a user of the learning-management system",
    attributes: &[
        Attr { name: "userName", required: true, uniqueness: "server", description: "The user's login, unique in the account.", ..STRING },
        Attr {
            name: "name",
            kind: "complex",
            description: "The user's name.",
            sub: &[
                Attr { name: "givenName", description: "The given (first) name.", ..STRING },
                Attr { name: "familyName", description: "The family (last) name.", ..STRING },
            ],
            ..STRING
        },
        Attr { name: "displayName", description: "The name to display for the user.", ..STRING },
        Attr {
            name: "emails",
            kind: "complex",
            multi: true,
            description: "The user's e-mail address (one), unique in the account.",
            sub: &[
                Attr { name: "value", description: "The e-mail address.", ..STRING },
                Attr { name: "type", description: "The kind of address.", canonical: &["work", "home", "other"], ..STRING },
            ],
            ..STRING
        },
        Attr {
            name: "active",
            kind: "boolean",
            required: true,
            description: "Whether the user may sign in; false deactivates the user. Every user has a status: a request that leaves it out makes an active user.",
            ..STRING
        },
        Attr {
            name: "groups",
            kind: "complex",
            multi: true,
            mutability: "readOnly",
            description: "The groups the user belongs to (changed through the groups' members).",
            sub: &[
                Attr { name: "value", mutability: "readOnly", description: "The group's id.", ..STRING },
                Attr {
                    name: "$ref",
                    kind: "reference",
                    mutability: "readOnly",
                    case_exact: true,
                    reference_types: &["Group"],
                    description: "The group's URI.",
                    ..STRING
                },
                Attr { name: "display", mutability: "readOnly", description: "The group's name.", ..STRING },
            ],
            ..STRING
        },
    ],
};

pub const ENTERPRISE: SchemaDef = SchemaDef {
    id: ENTERPRISE_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User: the user's place in the organization",
    attributes: &[
        Attr { name: "employeeNumber", description: "The user's number at the employer.", ..STRING },
        Attr {
            name: "department",
            description: "The name of the user's department (or its code); a name the account has no department of becomes a new department. Absent in the account's default department.",
            ..STRING
        },
        Attr {
            name: "manager",
            kind: "complex",
            description: "The user's manager: another user of the account.",
            sub: &[
                Attr { name: "value", description: "The manager's id.", ..STRING },
                Attr {
                    name: "$ref",
                    kind: "reference",
                    case_exact: true,
                    reference_types: &["User"],
                    description: "The manager's URI.",
                    ..STRING
                },
            ],
            ..STRING
        },
    ],
};

pub const GROUP: SchemaDef = SchemaDef {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group: users grouped for enrollment and reporting",
    attributes: &[
        Attr { name: "displayName", required: true, description: "The group's name.", ..STRING },
        Attr {
            name: "members",
            kind: "complex",
            multi: true,
            description: "The users in the group.",
            sub: &[
                Attr { name: "value", mutability: "immutable", case_exact: true, description: "The member's id.", ..STRING },
                Attr {
                    name: "$ref",
                    kind: "reference",
                    mutability: "immutable",
                    case_exact: true,
                    reference_types: &["User"],
                    description: "The member's URI.",
                    ..STRING
                },
                Attr {
                    name: "type",
                    mutability: "immutable",
                    canonical: &["User"],
                    description: "The kind of member: users only.",
                    ..STRING
                },
            ],
            ..STRING
        },
    ],
};

const READ_ONLY: Attr = Attr { mutability: "readOnly", ..STRING };

const SERVICE_PROVIDER_CONFIG: SchemaDef = SchemaDef {
    id: SERVICE_PROVIDER_CONFIG_SCHEMA,
    name: "ServiceProviderConfig",
    description: "Service Provider Configuration",
    attributes: &[
        Attr { name: "documentationUri", kind: "reference", reference_types: &["external"], ..READ_ONLY },
        Attr {
            name: "patch",
            kind: "complex",
            required: true,
            sub: &[Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY }],
            ..READ_ONLY
        },
        Attr {
            name: "bulk",
            kind: "complex",
            required: true,
            sub: &[
                Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY },
                Attr { name: "maxOperations", kind: "integer", required: true, ..READ_ONLY },
                Attr { name: "maxPayloadSize", kind: "integer", required: true, ..READ_ONLY },
            ],
            ..READ_ONLY
        },
        Attr {
            name: "filter",
            kind: "complex",
            required: true,
            sub: &[
                Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY },
                Attr { name: "maxResults", kind: "integer", required: true, ..READ_ONLY },
            ],
            ..READ_ONLY
        },
        Attr {
            name: "changePassword",
            kind: "complex",
            required: true,
            sub: &[Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY }],
            ..READ_ONLY
        },
        Attr {
            name: "sort",
            kind: "complex",
            required: true,
            sub: &[Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY }],
            ..READ_ONLY
        },
        Attr {
            name: "etag",
            kind: "complex",
            required: true,
            sub: &[Attr { name: "supported", kind: "boolean", required: true, ..READ_ONLY }],
            ..READ_ONLY
        },
        Attr {
            name: "authenticationSchemes",
            kind: "complex",
            multi: true,
            required: true,
            sub: &[
                Attr { name: "type", required: true, ..READ_ONLY },
                Attr { name: "name", required: true, ..READ_ONLY },
                Attr { name: "description", required: true, ..READ_ONLY },
                Attr { name: "specUri", kind: "reference", reference_types: &["external"], ..READ_ONLY },
                Attr { name: "documentationUri", kind: "reference", reference_types: &["external"], ..READ_ONLY },
                Attr { name: "primary", kind: "boolean", ..READ_ONLY },
            ],
            ..READ_ONLY
        },
    ],
};

const RESOURCE_TYPE: SchemaDef = SchemaDef {
    id: RESOURCE_TYPE_SCHEMA,
    name: "ResourceType",
    description: "Specifies the schema that describes a SCIM resource type",
    attributes: &[
        Attr { name: "id", ..READ_ONLY },
        Attr { name: "name", required: true, ..READ_ONLY },
        Attr { name: "description", ..READ_ONLY },
        Attr { name: "endpoint", kind: "reference", required: true, reference_types: &["uri"], ..READ_ONLY },
        Attr { name: "schema", kind: "reference", required: true, case_exact: true, reference_types: &["uri"], ..READ_ONLY },
        Attr {
            name: "schemaExtensions",
            kind: "complex",
            multi: true,
            sub: &[
                Attr { name: "schema", kind: "reference", required: true, case_exact: true, reference_types: &["uri"], ..READ_ONLY },
                Attr { name: "required", kind: "boolean", required: true, ..READ_ONLY },
            ],
            ..READ_ONLY
        },
    ],
};

const ATTRIBUTE_QUALITIES: &[Attr] = &[
    Attr { name: "name", required: true, case_exact: true, ..READ_ONLY },
    Attr {
        name: "type",
        required: true,
        canonical: &["string", "complex", "boolean", "decimal", "integer", "dateTime", "reference", "binary"],
        ..READ_ONLY
    },
    Attr { name: "multiValued", kind: "boolean", required: true, ..READ_ONLY },
    Attr { name: "description", ..READ_ONLY },
    Attr { name: "required", kind: "boolean", ..READ_ONLY },
    Attr { name: "canonicalValues", multi: true, case_exact: true, ..READ_ONLY },
    Attr { name: "caseExact", kind: "boolean", ..READ_ONLY },
    Attr { name: "mutability", case_exact: true, canonical: &["readOnly", "readWrite", "immutable", "writeOnly"], ..READ_ONLY },
    Attr { name: "returned", case_exact: true, canonical: &["always", "never", "default", "request"], ..READ_ONLY },
    Attr { name: "uniqueness", case_exact: true, canonical: &["none", "server", "global"], ..READ_ONLY },
    Attr { name: "referenceTypes", multi: true, case_exact: true, ..READ_ONLY },
];

const SCHEMA: SchemaDef = SchemaDef {
    id: SCHEMA_SCHEMA,
    name: "Schema",
    description: "Specifies the schema attributes",
    attributes: &[
        Attr { name: "id", required: true, ..READ_ONLY },
        Attr { name: "name", ..READ_ONLY },
        Attr { name: "description", ..READ_ONLY },
        Attr {
            name: "attributes",
            kind: "complex",
            multi: true,
            required: true,
            sub: {
                const WITH_SUB: &[Attr] = &[
                    ATTRIBUTE_QUALITIES[0],
                    ATTRIBUTE_QUALITIES[1],
                    ATTRIBUTE_QUALITIES[2],
                    ATTRIBUTE_QUALITIES[3],
                    ATTRIBUTE_QUALITIES[4],
                    ATTRIBUTE_QUALITIES[5],
                    ATTRIBUTE_QUALITIES[6],
                    ATTRIBUTE_QUALITIES[7],
                    ATTRIBUTE_QUALITIES[8],
                    ATTRIBUTE_QUALITIES[9],
                    ATTRIBUTE_QUALITIES[10],
                    Attr { name: "subAttributes", kind: "complex", multi: true, sub: ATTRIBUTE_QUALITIES, ..READ_ONLY },
                ];
                WITH_SUB
            },
            ..READ_ONLY
        },
    ],
};

/// Every schema the face publishes, the resources' first.
pub const SCHEMAS: &[&SchemaDef] = &[&USER, &ENTERPRISE, &GROUP, &SERVICE_PROVIDER_CONFIG, &RESOURCE_TYPE, &SCHEMA];

/// A schema as `/Schemas` shows it.
pub fn schema_json(schema: &SchemaDef, base: &str) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": schema.id,
        "name": schema.name,
        "description": schema.description,
        "attributes": schema.attributes.iter().map(Attr::describe).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{}", schema.id)},
    })
}

/// The resource types: users (with the enterprise extension) and groups.
pub fn resource_types(base: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "User Account",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")},
        }),
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Group",
            "schema": GROUP_SCHEMA,
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")},
        }),
    ]
}

/// What the service provider supports.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "documentationUri": format!("{}/", base.trim_end_matches("/scim/v2")),
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A SCIM token of the tenant (lmsbridge client create --tenant NAME --face scim), as Authorization: Bearer <token>",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

/// A list response holding `resources`, the page from `start` of `total`.
pub fn list_response(total: i64, start: i64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

fn time(at: chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The weak entity tag of a resource's representation (without its own version): any change a
/// client can see changes it, through whichever face it was made.
pub fn version_of(resource: &Value) -> String {
    let mut plain = resource.clone();
    if let Some(meta) = plain.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("version");
    }
    let digest = Sha256::digest(plain.to_string().as_bytes());
    format!("W/\"{}\"", crate::service::auth::hex(&digest[..12]))
}

fn with_version(mut resource: Value) -> Value {
    let version = version_of(&resource);
    resource["meta"]["version"] = Value::String(version);
    resource
}

pub fn user_location(base: &str, id: &str) -> String {
    format!("{base}/Users/{id}")
}

/// A user as the face shows it.
pub fn user_json(user: &DirectoryUser, base: &str) -> Value {
    let mut resource = Map::new();
    resource.insert("schemas".into(), json!([USER_SCHEMA]));
    resource.insert("id".into(), json!(user.id));
    if let Some(external_id) = &user.external_id {
        resource.insert("externalId".into(), json!(external_id));
    }
    resource.insert("userName".into(), json!(user.user_name));
    let mut name = Map::new();
    if let Some(given) = &user.given_name {
        name.insert("givenName".into(), json!(given));
    }
    if let Some(family) = &user.family_name {
        name.insert("familyName".into(), json!(family));
    }
    if !name.is_empty() {
        resource.insert("name".into(), Value::Object(name));
    }
    if let Some(display) = &user.display_name {
        resource.insert("displayName".into(), json!(display));
    }
    if let Some(email) = &user.email {
        let mut value = json!({"value": email});
        if let Some(kind) = &user.email_type {
            value["type"] = json!(kind);
        }
        resource.insert("emails".into(), json!([value]));
    }
    resource.insert("active".into(), json!(user.active));
    if !user.groups.is_empty() {
        let groups: Vec<Value> =
            user.groups.iter().map(|(id, name)| json!({"value": id, "$ref": format!("{base}/Groups/{id}"), "display": name})).collect();
        resource.insert("groups".into(), Value::Array(groups));
    }
    let mut enterprise = Map::new();
    if let Some(number) = &user.employee_number {
        enterprise.insert("employeeNumber".into(), json!(number));
    }
    if let Some(department) = &user.department {
        enterprise.insert("department".into(), json!(department));
    }
    if let Some(manager) = &user.manager {
        enterprise.insert("manager".into(), json!({"value": manager, "$ref": user_location(base, manager)}));
    }
    if !enterprise.is_empty() {
        resource.insert("schemas".into(), json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
        resource.insert(ENTERPRISE_SCHEMA.into(), Value::Object(enterprise));
    }
    resource.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": time(user.created),
            "lastModified": time(user.last_modified),
            "location": user_location(base, &user.id),
        }),
    );
    with_version(Value::Object(resource))
}

/// A group as the face shows it.
pub fn group_json(group: &DirectoryGroup, base: &str) -> Value {
    let mut resource = Map::new();
    resource.insert("schemas".into(), json!([GROUP_SCHEMA]));
    resource.insert("id".into(), json!(group.id));
    if let Some(external_id) = &group.external_id {
        resource.insert("externalId".into(), json!(external_id));
    }
    resource.insert("displayName".into(), json!(group.display_name));
    if !group.members.is_empty() {
        let members: Vec<Value> =
            group.members.iter().map(|id| json!({"value": id, "$ref": user_location(base, id), "type": "User"})).collect();
        resource.insert("members".into(), Value::Array(members));
    }
    resource.insert(
        "meta".into(),
        json!({
            "resourceType": "Group",
            "created": time(group.created),
            "lastModified": time(group.last_modified),
            "location": format!("{base}/Groups/{}", group.id),
        }),
    );
    with_version(Value::Object(resource))
}

/// The member of `object` named `name` in any case (SCIM's attribute names are case-insensitive).
pub fn field<'v>(object: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    object.get(name).or_else(|| object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value))
}

/// A value that says nothing: absent, null, an empty string, array or object.
fn unassigned(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

fn string<'v>(value: Option<&'v Value>, path: &str) -> Result<Option<&'v str>, Refusal> {
    match value {
        _ if unassigned(value) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Refusal::invalid_value(format!("{path} must be a string; got {other}"))),
        None => Ok(None),
    }
}

fn parsed<T>(value: Option<&str>, path: &str, parse: fn(&str) -> Result<T, crate::domain::values::Refused>) -> Result<Option<T>, Refusal> {
    value.map(|v| parse(v).map_err(|why| Refusal::invalid_value(format!("{path} {}", why.reason)))).transpose()
}

fn object<'v>(value: Option<&'v Value>, path: &str) -> Result<Option<&'v Map<String, Value>>, Refusal> {
    match value {
        _ if unassigned(value) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(Refusal::invalid_value(format!("{path} must be an object; got {other}"))),
        None => Ok(None),
    }
}

/// A boolean, also as the strings "true" and "false" in any case (as some identity providers send).
fn boolean(value: Option<&Value>, path: &str) -> Result<Option<bool>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(Refusal::invalid_value(format!("{path} must be true or false; got {other}"))),
    }
}

/// The id a reference names: its `value`, else the last segment of its `$ref`.
fn referenced(reference: &Map<String, Value>, path: &str) -> Result<Option<String>, Refusal> {
    if let Some(value) = string(field(reference, "value"), &format!("{path}.value"))? {
        return Ok(Some(value.to_string()));
    }
    Ok(string(field(reference, "$ref"), &format!("{path}.$ref"))?
        .and_then(|r| r.trim_end_matches('/').rsplit('/').next())
        .map(str::to_string))
}

fn schemas_of(body: &Map<String, Value>, expected: &str) -> Result<(), Refusal> {
    match field(body, "schemas") {
        Some(Value::Array(schemas)) if schemas.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(expected))) => Ok(()),
        _ => Err(Refusal::invalid_value(format!("schemas must list {expected}"))),
    }
}

/// What a user resource (a POST or PUT body, or a patched user) sets. Read-only attributes and
/// attributes the face does not serve are ignored, as RFC 7644 §3.3 lets a service provider do.
pub fn user_input(body: &Value) -> Result<DirectoryUserInput, Refusal> {
    let Value::Object(body) = body else { return Err(Refusal::invalid_syntax("a user must be a JSON object")) };
    schemas_of(body, USER_SCHEMA)?;
    if field(body, "password").is_some() {
        return Err(Refusal::invalid_value("password: this service provider takes no passwords (changePassword is not supported)"));
    }
    let user_name = parsed(string(field(body, "userName"), "userName")?, "userName", ExternalId::parse)?
        .ok_or_else(|| Refusal::invalid_value("userName is required"))?;
    let name = object(field(body, "name"), "name")?;
    let name_part = |part: &str| -> Result<Option<Text>, Refusal> {
        let path = format!("name.{part}");
        parsed(name.map(|n| string(field(n, part), &path)).transpose()?.flatten(), &path, Text::parse)
    };
    let (email, email_type) = match field(body, "emails") {
        value if unassigned(value) => (None, None),
        Some(Value::Array(emails)) if emails.len() == 1 => {
            let email = object(emails.first(), "emails[0]")?.ok_or_else(|| Refusal::invalid_value("emails[0] must be an object"))?;
            let value = parsed(string(field(email, "value"), "emails[0].value")?, "emails[0].value", ExternalId::parse)?
                .ok_or_else(|| Refusal::invalid_value("emails[0].value is required"))?;
            (Some(value), parsed(string(field(email, "type"), "emails[0].type")?, "emails[0].type", ExternalId::parse)?)
        }
        Some(Value::Array(emails)) => {
            return Err(Refusal::invalid_value(format!("emails: a user has one e-mail address; got {}", emails.len())));
        }
        Some(other) => return Err(Refusal::invalid_value(format!("emails must be an array; got {other}"))),
        None => (None, None),
    };
    let enterprise = object(field(body, ENTERPRISE_SCHEMA), ENTERPRISE_SCHEMA)?;
    let in_enterprise = |name: &str| enterprise.and_then(|e| field(e, name));
    let manager = match in_enterprise("manager") {
        value if unassigned(value) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Object(reference)) => referenced(reference, "manager")?,
        Some(other) => return Err(Refusal::invalid_value(format!("manager must be an object with a value; got {other}"))),
        None => None,
    };
    Ok(DirectoryUserInput {
        user_name,
        external_id: parsed(string(field(body, "externalId"), "externalId")?, "externalId", ExternalId::parse)?,
        given_name: name_part("givenName")?,
        family_name: name_part("familyName")?,
        display_name: parsed(string(field(body, "displayName"), "displayName")?, "displayName", Text::parse)?,
        email,
        email_type,
        active: boolean(field(body, "active"), "active")?.unwrap_or(true),
        employee_number: parsed(string(in_enterprise("employeeNumber"), "employeeNumber")?, "employeeNumber", ExternalId::parse)?,
        department: parsed(string(in_enterprise("department"), "department")?, "department", Name::parse)?,
        manager: parsed(manager.as_deref(), "manager.value", ExternalId::parse)?,
    })
}

/// What a group resource sets; members are users (groups in groups are refused).
pub fn group_input(body: &Value) -> Result<DirectoryGroupInput, Refusal> {
    let Value::Object(body) = body else { return Err(Refusal::invalid_syntax("a group must be a JSON object")) };
    schemas_of(body, GROUP_SCHEMA)?;
    let display_name = parsed(string(field(body, "displayName"), "displayName")?, "displayName", Name::parse)?
        .ok_or_else(|| Refusal::invalid_value("displayName is required"))?;
    let mut members = Vec::new();
    match field(body, "members") {
        value if unassigned(value) => {}
        Some(Value::Array(values)) => {
            for (index, member) in values.iter().enumerate() {
                let path = format!("members[{index}]");
                let member = object(Some(member), &path)?.ok_or_else(|| Refusal::invalid_value(format!("{path} must be an object")))?;
                if let Some(kind) = string(field(member, "type"), &format!("{path}.type"))?
                    && !kind.eq_ignore_ascii_case("User")
                {
                    return Err(Refusal::invalid_value(format!("{path}.type: members are users; got '{kind}'")));
                }
                let id = referenced(member, &path)?.ok_or_else(|| Refusal::invalid_value(format!("{path}.value is required")))?;
                members.push(ExternalId::parse(&id).map_err(|why| Refusal::invalid_value(format!("{path}.value {}", why.reason)))?);
            }
        }
        Some(other) => return Err(Refusal::invalid_value(format!("members must be an array; got {other}"))),
        None => {}
    }
    Ok(DirectoryGroupInput {
        display_name,
        external_id: parsed(string(field(body, "externalId"), "externalId")?, "externalId", ExternalId::parse)?,
        members,
    })
}

/// An attribute path of `attributes`/`excludedAttributes`: the top-level key it names (an
/// extension's attributes under the extension's URN) and the sub-attribute, if any.
fn projection_path(path: &str, schemas: &[&SchemaDef]) -> Option<(String, Option<String>)> {
    let path = path.trim();
    for schema in schemas {
        if path.len() > schema.id.len()
            && path[..schema.id.len()].eq_ignore_ascii_case(schema.id)
            && path.as_bytes()[schema.id.len()] == b':'
        {
            let rest = &path[schema.id.len() + 1..];
            let (attribute, sub) = rest.split_once('.').map_or((rest, None), |(a, s)| (a, Some(s.to_string())));
            let canonical = schema.attribute(attribute).map_or(attribute, |a| a.name).to_string();
            return Some(if schema.id == ENTERPRISE_SCHEMA { (ENTERPRISE_SCHEMA.to_string(), Some(canonical)) } else { (canonical, sub) });
        }
        if path.eq_ignore_ascii_case(schema.id) {
            return Some((schema.id.to_string(), None));
        }
    }
    let (attribute, sub) = path.split_once('.').map_or((path, None), |(a, s)| (a, Some(s.to_string())));
    let canonical = schemas.iter().find_map(|schema| schema.attribute(attribute)).map_or(attribute, |a| a.name);
    let in_extension = schemas.iter().any(|s| s.id == ENTERPRISE_SCHEMA && s.attribute(attribute).is_some());
    if in_extension {
        return Some((ENTERPRISE_SCHEMA.to_string(), Some(canonical.to_string())));
    }
    if attribute.eq_ignore_ascii_case("meta") {
        return Some(("meta".into(), sub));
    }
    Some((canonical.to_string(), sub))
}

fn matches_key(key: &str, name: &str) -> bool {
    key.eq_ignore_ascii_case(name)
}

/// The resource with only the `attributes` asked for (and those always returned: `schemas`,
/// `id`), or without the `excluded` ones.
pub fn project(resource: Value, attributes: &[String], excluded: &[String], schemas: &[&SchemaDef]) -> Value {
    let Value::Object(fields) = resource else { return resource };
    let always = |key: &str| key == "schemas" || key == "id";
    if !attributes.is_empty() {
        let wanted: Vec<(String, Option<String>)> = attributes.iter().filter_map(|a| projection_path(a, schemas)).collect();
        let mut kept = Map::new();
        for (key, value) in fields {
            if always(&key) {
                kept.insert(key, value);
                continue;
            }
            let subs: Vec<&Option<String>> = wanted.iter().filter(|(k, _)| matches_key(k, &key)).map(|(_, s)| s).collect();
            if subs.is_empty() {
                continue;
            }
            if subs.iter().any(|s| s.is_none()) {
                kept.insert(key, value);
                continue;
            }
            let names: Vec<&str> = subs.iter().filter_map(|s| s.as_deref()).collect();
            let keep_subs = |value: Value| match value {
                Value::Object(inner) => Value::Object(inner.into_iter().filter(|(k, _)| names.iter().any(|n| matches_key(k, n))).collect()),
                other => other,
            };
            let value = match value {
                Value::Array(items) => Value::Array(items.into_iter().map(keep_subs).collect()),
                other => keep_subs(other),
            };
            kept.insert(key, value);
        }
        return Value::Object(kept);
    }
    let unwanted: Vec<(String, Option<String>)> = excluded.iter().filter_map(|a| projection_path(a, schemas)).collect();
    let mut kept = Map::new();
    for (key, value) in fields {
        let subs: Vec<&Option<String>> = unwanted.iter().filter(|(k, _)| matches_key(k, &key)).map(|(_, s)| s).collect();
        if always(&key) || subs.is_empty() {
            kept.insert(key, value);
            continue;
        }
        if subs.iter().any(|s| s.is_none()) {
            continue;
        }
        let names: Vec<&str> = subs.iter().filter_map(|s| s.as_deref()).collect();
        let drop_subs = |value: Value| match value {
            Value::Object(inner) => Value::Object(inner.into_iter().filter(|(k, _)| !names.iter().any(|n| matches_key(k, n))).collect()),
            other => other,
        };
        let value = match value {
            Value::Array(items) => Value::Array(items.into_iter().map(drop_subs).collect()),
            other => drop_subs(other),
        };
        kept.insert(key, value);
    }
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_keep_what_is_asked_and_what_is_always_returned() {
        let user = json!({"schemas": [USER_SCHEMA], "id": "u1", "userName": "ann", "name": {"givenName": "Ann", "familyName": "Lee"},
            ENTERPRISE_SCHEMA: {"department": "Sales", "employeeNumber": "7"}, "meta": {"resourceType": "User"}});
        let schemas = [&USER, &ENTERPRISE];
        let only = project(user.clone(), &["name.givenName".into(), "department".into()], &[], &schemas);
        assert_eq!(
            only,
            json!({"schemas": [USER_SCHEMA], "id": "u1", "name": {"givenName": "Ann"}, ENTERPRISE_SCHEMA: {"department": "Sales"}})
        );
        let without =
            project(user, &[], &["NAME".into(), "urn:ietf:params:scim:schemas:core:2.0:User:userName".into(), "meta".into()], &schemas);
        assert_eq!(
            without,
            json!({"schemas": [USER_SCHEMA], "id": "u1", ENTERPRISE_SCHEMA: {"department": "Sales", "employeeNumber": "7"}})
        );
    }

    #[test]
    fn user_bodies_read_case_insensitively_and_refuse_what_breaks_a_rule() {
        let body = json!({"schemas": [USER_SCHEMA], "USERNAME": "ann", "Active": "False", "emails": [{"value": "a@b.test", "type": "work", "primary": true}],
            ENTERPRISE_SCHEMA: {"manager": "m1", "department": "Sales"}});
        let input = user_input(&body).unwrap();
        assert_eq!(input.user_name.as_str(), "ann");
        assert!(!input.active);
        assert_eq!(input.manager.unwrap().as_str(), "m1");
        assert_eq!(input.email_type.unwrap().as_str(), "work");
        assert!(user_input(&json!({"schemas": [USER_SCHEMA]})).unwrap_err().detail.contains("userName"));
        let two = json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": [{"value": "a@b.test"}, {"value": "c@d.test"}]});
        assert!(user_input(&two).unwrap_err().detail.contains("one e-mail"));
        assert!(user_input(&json!({"userName": "a"})).unwrap_err().detail.contains("schemas"));
    }

    #[test]
    fn versions_change_with_the_representation_only() {
        let a = json!({"id": "1", "meta": {"version": "W/\"x\""}});
        let b = json!({"id": "1", "meta": {"version": "W/\"y\""}});
        assert_eq!(version_of(&a), version_of(&b));
        assert_ne!(version_of(&a), version_of(&json!({"id": "2", "meta": {}})));
    }
}
