//! RFC 7644 §3.5.2 PATCH: `add`, `remove` and `replace` operations, with a path (an attribute, a
//! sub-attribute, a value path `attr[filter]` with or without `.sub`, an extension's attribute by
//! its URN) or without one, applied in order to the resource as the face shows it. The patched
//! resource is then read back like a PUT body, so that a patch obeys every rule a replacement does,
//! and all of it lands or none of it.

use serde_json::{Map, Value};

use super::errors::Refusal;
use super::filter::{self, AttrPath, Expr, Literal};
use super::model::{Attr, PATCH_OP, SchemaDef, field};
use crate::domain::directory::Comparison;

/// The schemas of a resource type: its core schema and its extensions.
pub struct Schemas {
    pub core: &'static SchemaDef,
    pub extensions: &'static [&'static SchemaDef],
}

/// `externalId`, a common attribute of every resource (RFC 7643 §3.1).
const EXTERNAL_ID: Attr = Attr {
    name: "externalId",
    kind: "string",
    multi: false,
    required: false,
    case_exact: true,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    description: "",
    sub: &[],
    reference_types: &[],
    canonical: &[],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
}

/// Where an operation acts.
enum Target {
    /// An attribute of the core schema (`extension: None`) or of an extension (its URN).
    Attribute { extension: Option<&'static str>, attr: &'static Attr, filter: Option<Expr>, sub: Option<&'static Attr> },
    /// An extension as a whole.
    Extension(&'static SchemaDef),
}

impl Schemas {
    fn urns(&self) -> Vec<&'static str> {
        std::iter::once(self.core.id).chain(self.extensions.iter().map(|e| e.id)).collect()
    }

    /// The attribute `name` of the schema `urn` names (any of them without one), and the
    /// extension it belongs to.
    fn lookup(&self, schema: Option<&str>, name: &str) -> Option<(Option<&'static str>, &'static Attr)> {
        let core = schema.is_none_or(|s| s.eq_ignore_ascii_case(self.core.id));
        if core {
            if name.eq_ignore_ascii_case("externalId") {
                return Some((None, &EXTERNAL_ID));
            }
            if let Some(attr) = self.core.attribute(name) {
                return Some((None, attr));
            }
        }
        self.extensions
            .iter()
            .filter(|e| schema.is_none_or(|s| s.eq_ignore_ascii_case(e.id)))
            .find_map(|e| e.attribute(name).map(|attr| (Some(e.id), attr)))
    }

    fn target(&self, path: &str) -> Result<Target, Refusal> {
        let path = path.trim();
        if let Some(extension) = self.extensions.iter().find(|e| e.id.eq_ignore_ascii_case(path)) {
            return Ok(Target::Extension(extension));
        }
        let (head, filter, after) = match path.find('[') {
            Some(open) => {
                let close = path
                    .rfind(']')
                    .filter(|&close| close > open)
                    .ok_or_else(|| Refusal::invalid_path(format!("'{path}': '[' is not closed")))?;
                let after = &path[close + 1..];
                let sub = match after.strip_prefix('.') {
                    Some(sub) if !sub.is_empty() => Some(sub),
                    None if after.is_empty() => None,
                    _ => return Err(Refusal::invalid_path(format!("'{path}': only '.subAttribute' may follow ']'"))),
                };
                (
                    &path[..open],
                    Some(filter::parse(&path[open + 1..close], &[]).map_err(|r| Refusal::invalid_path(format!("'{path}': {}", r.detail)))?),
                    sub,
                )
            }
            None => (path, None, None),
        };
        let AttrPath { schema, name, sub } = filter::attr_path(head, &self.urns())?;
        if ["id", "meta", "schemas"].iter().any(|n| n.eq_ignore_ascii_case(&name)) && schema.is_none() {
            return Err(Refusal::mutability(format!("'{path}': {name} is read-only")));
        }
        let (extension, attr) = self
            .lookup(schema.as_deref(), &name)
            .ok_or_else(|| Refusal::invalid_path(format!("'{path}' names no attribute of this resource")))?;
        if sub.is_some() && filter.is_some() {
            return Err(Refusal::invalid_path(format!("'{path}': a value path's sub-attribute follows the ']'")));
        }
        if filter.is_some() && !attr.multi {
            return Err(Refusal::invalid_path(format!("'{path}': {} is not multi-valued and takes no [filter]", attr.name)));
        }
        let sub = match sub.as_deref().or(after) {
            Some(sub) => Some(
                attr.sub_attribute(sub)
                    .ok_or_else(|| Refusal::invalid_path(format!("'{path}': {} has no sub-attribute '{sub}'", attr.name)))?,
            ),
            None => None,
        };
        if attr.read_only() || sub.is_some_and(Attr::read_only) {
            return Err(Refusal::mutability(format!("'{path}': {} is read-only", attr.name)));
        }
        Ok(Target::Attribute { extension, attr, filter, sub })
    }
}

/// An incoming value with its keys in the attribute's own spelling (names are case-insensitive).
fn canonical(value: &Value, attr: &Attr) -> Value {
    match value {
        Value::Object(fields) if attr.is_complex() => Value::Object(
            fields.iter().map(|(k, v)| (attr.sub_attribute(k).map_or_else(|| k.clone(), |s| s.name.to_string()), v.clone())).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|item| canonical(item, attr)).collect()),
        other => other.clone(),
    }
}

/// Whether the value `element` of a multi-valued attribute meets a value path's filter.
fn matches(expr: &Expr, element: &Value, attr: &Attr) -> Result<bool, Refusal> {
    let sub_value = |path: &AttrPath| -> Result<(Option<Value>, bool), Refusal> {
        let name = if path.sub.is_some() {
            return Err(Refusal::invalid_path(format!(
                "'{}.{}' is not a sub-attribute of {}",
                path.name,
                path.sub.as_deref().unwrap_or(""),
                attr.name
            )));
        } else {
            &path.name
        };
        let sub = attr.sub_attribute(name).ok_or_else(|| Refusal::invalid_path(format!("{} has no sub-attribute '{name}'", attr.name)))?;
        let value = match element {
            Value::Object(fields) => field(fields, sub.name).cloned(),
            // A multi-valued attribute of simple values: `value` is the value itself.
            other if sub.name == "value" => Some(other.clone()),
            _ => None,
        };
        Ok((value.filter(|v| !v.is_null()), sub.case_exact))
    };
    Ok(match expr {
        Expr::And(a, b) => matches(a, element, attr)? && matches(b, element, attr)?,
        Expr::Or(a, b) => matches(a, element, attr)? || matches(b, element, attr)?,
        Expr::Not(inner) => !matches(inner, element, attr)?,
        Expr::Present(path) => sub_value(path)?.0.is_some(),
        Expr::ValuePath(..) => return Err(Refusal::invalid_path("value paths do not nest")),
        Expr::Compare(path, comparison, literal) => {
            let (value, exact) = sub_value(path)?;
            match (value, literal) {
                (None, Literal::Null) => *comparison == Comparison::Equal,
                (Some(_), Literal::Null) => *comparison == Comparison::NotEqual,
                (None, _) => *comparison == Comparison::NotEqual,
                (Some(Value::Bool(b)), Literal::Boolean(l)) => (b == *l) == (*comparison != Comparison::NotEqual),
                (Some(Value::String(s)), Literal::Text(l)) => {
                    let (s, l) = if exact { (s, l.clone()) } else { (s.to_lowercase(), l.to_lowercase()) };
                    match comparison {
                        Comparison::Equal => s == l,
                        Comparison::NotEqual => s != l,
                        Comparison::Contains => s.contains(&l),
                        Comparison::StartsWith => s.starts_with(&l),
                        Comparison::EndsWith => s.ends_with(&l),
                        Comparison::Greater => s > l,
                        Comparison::GreaterOrEqual => s >= l,
                        Comparison::Less => s < l,
                        Comparison::LessOrEqual => s <= l,
                    }
                }
                _ => false,
            }
        }
    })
}

/// The sub-attribute equalities of a filter made of `and`ed `eq`s (what a new value that must
/// meet it holds), or `None` for any other filter.
fn equalities(expr: &Expr, attr: &Attr, into: &mut Map<String, Value>) -> Option<()> {
    match expr {
        Expr::And(a, b) => equalities(a, attr, into).and_then(|()| equalities(b, attr, into)),
        Expr::Compare(path, Comparison::Equal, literal) if path.sub.is_none() => {
            let sub = attr.sub_attribute(&path.name)?;
            let value = match literal {
                Literal::Text(text) => Value::String(text.clone()),
                Literal::Boolean(flag) => Value::Bool(*flag),
                _ => return None,
            };
            into.insert(sub.name.to_string(), value);
            Some(())
        }
        _ => None,
    }
}

fn merge(into: &mut Value, value: &Value) {
    match (into, value) {
        (Value::Object(target), Value::Object(source)) => {
            for (key, value) in source {
                target.insert(key.clone(), value.clone());
            }
        }
        (into, value) => *into = value.clone(),
    }
}

fn container<'r>(resource: &'r mut Map<String, Value>, extension: Option<&str>, create: bool) -> Option<&'r mut Map<String, Value>> {
    let Some(urn) = extension else { return Some(resource) };
    if create && !matches!(resource.get(urn), Some(Value::Object(_))) {
        resource.insert(urn.to_string(), Value::Object(Map::new()));
    }
    resource.get_mut(urn).and_then(Value::as_object_mut)
}

/// A value with nothing in it leaves its attribute unassigned.
fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.values().all(Value::is_null),
        _ => false,
    }
}

fn apply_one(resource: &mut Map<String, Value>, schemas: &Schemas, op: Op, target: Target, value: Option<&Value>) -> Result<(), Refusal> {
    let (extension, attr, filter, sub) = match target {
        Target::Extension(schema) => {
            return match (op, value) {
                (Op::Remove, _) => {
                    resource.remove(schema.id);
                    Ok(())
                }
                (_, Some(Value::Object(fields))) => {
                    // An extension's value may name its own schema; it is not an attribute.
                    for (name, value) in fields.iter().filter(|(name, _)| !name.eq_ignore_ascii_case("schemas")) {
                        let target = schemas.target(&format!("{}:{name}", schema.id))?;
                        apply_one(resource, schemas, op, target, Some(value))?;
                    }
                    Ok(())
                }
                _ => Err(Refusal::invalid_value(format!("the value of {} must be an object of its attributes", schema.id))),
            };
        }
        Target::Attribute { extension, attr, filter, sub } => (extension, attr, filter, sub),
    };
    let value = value.map(|v| canonical(v, attr));
    if op != Op::Remove && value.is_none() {
        return Err(Refusal::invalid_value(format!("{} needs a value", attr.name)));
    }
    if op == Op::Remove && attr.required && filter.is_none() && sub.is_none() {
        return Err(Refusal::mutability(format!("{} is required: replace it rather than remove it", attr.name)));
    }
    let Some(fields) = container(resource, extension, op != Op::Remove) else { return Ok(()) };
    let name = attr.name;
    match (op, filter, sub) {
        (Op::Remove, None, None) => match (value.as_ref(), fields.get_mut(name)) {
            // The values given are removed from a multi-valued attribute (by their `value`).
            (Some(Value::Array(values)), Some(Value::Array(items))) if attr.multi => {
                let gone = |item: &Value| values.iter().any(|v| v.get("value").is_some_and(|v| Some(v) == item.get("value")));
                items.retain(|item| !gone(item));
            }
            _ => {
                fields.remove(name);
            }
        },
        (Op::Remove, None, Some(sub)) => match fields.get_mut(name) {
            Some(Value::Array(items)) => items.iter_mut().filter_map(Value::as_object_mut).for_each(|item| {
                item.remove(sub.name);
            }),
            Some(Value::Object(inner)) => {
                inner.remove(sub.name);
            }
            _ => {}
        },
        (Op::Remove, Some(filter), sub) => {
            if let Some(Value::Array(items)) = fields.get_mut(name) {
                let mut kept = Vec::with_capacity(items.len());
                for mut item in items.drain(..) {
                    if matches(&filter, &item, attr)? {
                        // A matching value goes, or only its sub-attribute when the path names one.
                        if let (Some(sub), Some(inner)) = (sub, item.as_object_mut()) {
                            inner.remove(sub.name);
                            kept.push(item);
                        }
                    } else {
                        kept.push(item);
                    }
                }
                *items = kept;
            }
        }
        (op, None, None) => {
            let value = value.unwrap_or(Value::Null);
            if attr.multi {
                let values = match value {
                    Value::Array(values) => values,
                    single => vec![single],
                };
                match (op, fields.get_mut(name)) {
                    (Op::Add, Some(Value::Array(items))) => {
                        // A value already there (the same `value`, for complex values) is not added twice.
                        for value in values {
                            let same =
                                |item: &Value| *item == value || (value.get("value").is_some() && item.get("value") == value.get("value"));
                            if !items.iter().any(same) {
                                items.push(value);
                            }
                        }
                    }
                    _ => {
                        fields.insert(name.to_string(), Value::Array(values));
                    }
                }
            } else if attr.is_complex() {
                let slot = fields.entry(name.to_string()).or_insert_with(|| Value::Object(Map::new()));
                merge(slot, &value);
            } else {
                fields.insert(name.to_string(), value);
            }
        }
        (_, None, Some(sub)) => {
            let value = value.unwrap_or(Value::Null);
            if attr.multi {
                let items = fields.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = items {
                    if items.is_empty() {
                        items.push(Value::Object(Map::new()));
                    }
                    items.iter_mut().filter_map(Value::as_object_mut).for_each(|item| {
                        item.insert(sub.name.to_string(), value.clone());
                    });
                }
            } else {
                let slot = fields.entry(name.to_string()).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(inner) = slot {
                    inner.insert(sub.name.to_string(), value);
                }
            }
        }
        (op, Some(filter), sub) => {
            let value = value.unwrap_or(Value::Null);
            let items = fields.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = items else { return Err(Refusal::invalid_path(format!("{name} holds no values to filter"))) };
            let mut matched = false;
            for item in items.iter_mut() {
                if matches(&filter, item, attr)? {
                    matched = true;
                    match sub {
                        Some(sub) => {
                            if let Some(inner) = item.as_object_mut() {
                                inner.insert(sub.name.to_string(), value.clone());
                            }
                        }
                        None => merge(item, &value),
                    }
                }
            }
            if !matched {
                // `add` creates the value the filter describes; `replace` needs one to replace.
                let mut created = Map::new();
                if op == Op::Replace || equalities(&filter, attr, &mut created).is_none() {
                    return Err(Refusal::no_target(format!("no value of {name} matches the filter")));
                }
                let mut created = Value::Object(created);
                match sub {
                    Some(sub) => {
                        created[sub.name] = value;
                    }
                    None => merge(&mut created, &value),
                }
                items.push(created);
            }
        }
    }
    if fields.get(name).is_some_and(empty) {
        fields.remove(name);
    }
    if let Some(urn) = extension
        && resource.get(urn).is_some_and(empty)
    {
        resource.remove(urn);
    }
    Ok(())
}

/// Applies the PatchOp `body` to `resource` (as the face shows it), in order.
pub fn apply(resource: &mut Value, body: &Value, schemas: &Schemas) -> Result<(), Refusal> {
    let Value::Object(body) = body else { return Err(Refusal::invalid_syntax("the body must be a PatchOp: a JSON object")) };
    match field(body, "schemas") {
        Some(Value::Array(listed)) if listed.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(PATCH_OP))) => {}
        _ => return Err(Refusal::invalid_syntax(format!("schemas must list {PATCH_OP}"))),
    }
    let operations = match field(body, "Operations") {
        Some(Value::Array(operations)) if !operations.is_empty() => operations,
        _ => return Err(Refusal::invalid_syntax("Operations must be a non-empty array of operations")),
    };
    let Value::Object(fields) = resource else { return Err(Refusal::invalid_syntax("the resource is not an object")) };
    for (index, operation) in operations.iter().enumerate() {
        let Value::Object(operation) = operation else {
            return Err(Refusal::invalid_syntax(format!("Operations[{index}] must be an object")));
        };
        let op = match field(operation, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("add") => Op::Add,
            Some("remove") => Op::Remove,
            Some("replace") => Op::Replace,
            _ => return Err(Refusal::invalid_syntax(format!("Operations[{index}].op must be add, remove or replace"))),
        };
        let value = field(operation, "value");
        match field(operation, "path") {
            Some(Value::String(path)) => {
                let target = schemas.target(path)?;
                apply_one(fields, schemas, op, target, value)?;
            }
            None | Some(Value::Null) if op == Op::Remove => {
                return Err(Refusal::no_target(format!("Operations[{index}]: remove needs a path")));
            }
            None | Some(Value::Null) => {
                let Some(Value::Object(values)) = value else {
                    return Err(Refusal::invalid_value(format!(
                        "Operations[{index}]: without a path, the value must be an object of attributes"
                    )));
                };
                for (name, value) in values {
                    if ["schemas", "id", "meta"].iter().any(|n| n.eq_ignore_ascii_case(name)) {
                        continue;
                    }
                    let target = schemas.target(name)?;
                    apply_one(fields, schemas, op, target, Some(value))?;
                }
            }
            Some(other) => return Err(Refusal::invalid_path(format!("Operations[{index}].path must be a string; got {other}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::model::{ENTERPRISE, ENTERPRISE_SCHEMA, GROUP, USER, USER_SCHEMA};
    use super::*;

    const USERS: Schemas = Schemas { core: &USER, extensions: &[&ENTERPRISE] };

    fn patched(resource: Value, operations: Value) -> Result<Value, Refusal> {
        let mut resource = resource;
        apply(&mut resource, &json!({"schemas": [PATCH_OP], "Operations": operations}), &USERS)?;
        Ok(resource)
    }

    #[test]
    fn every_form_of_path_reaches_its_value() {
        let user = json!({"schemas": [USER_SCHEMA], "id": "1", "userName": "ann", "active": true,
            "emails": [{"value": "a@x.test", "type": "work"}]});
        let done = patched(
            user.clone(),
            json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@x.test"},
                {"op": "add", "path": "name.givenName", "value": "Ann"},
                {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"},
                {"op": "replace", "value": {"displayName": "Ann L", "ACTIVE": false, ENTERPRISE_SCHEMA: {"employeeNumber": "7"}}},
                {"op": "add", "path": "manager", "value": {"value": "m1"}},
            ]),
        )
        .unwrap();
        assert_eq!(done["emails"], json!([{"value": "b@x.test", "type": "work"}]));
        assert_eq!(done["name"], json!({"givenName": "Ann"}));
        assert_eq!(done["displayName"], "Ann L");
        assert_eq!(done["active"], false);
        assert_eq!(done[ENTERPRISE_SCHEMA], json!({"department": "Sales", "employeeNumber": "7", "manager": {"value": "m1"}}));
        let removed = patched(
            done,
            json!([
                {"op": "remove", "path": "emails[type eq \"work\"]"},
                {"op": "remove", "path": ENTERPRISE_SCHEMA},
                {"op": "remove", "path": "name.givenName"},
            ]),
        )
        .unwrap();
        assert!(removed.get("emails").is_none() && removed.get(ENTERPRISE_SCHEMA).is_none() && removed.get("name").is_none(), "{removed}");
    }

    #[test]
    fn bad_operations_are_refused_in_scim_terms() {
        let user = json!({"schemas": [USER_SCHEMA], "id": "1", "userName": "ann", "active": true});
        let refused = |operations: Value| patched(user.clone(), operations).unwrap_err().scim_type;
        assert_eq!(refused(json!([{"op": "remove"}])), Some("noTarget"));
        assert_eq!(refused(json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "x@y.test"}])), Some("noTarget"));
        assert_eq!(refused(json!([{"op": "add", "path": "nickName", "value": "x"}])), Some("invalidPath"));
        assert_eq!(refused(json!([{"op": "add", "path": "emails[type eq]", "value": "x"}])), Some("invalidPath"));
        assert_eq!(refused(json!([{"op": "replace", "path": "groups", "value": []}])), Some("mutability"));
        assert_eq!(refused(json!([{"op": "replace", "path": "id", "value": "2"}])), Some("mutability"));
        assert_eq!(refused(json!([{"op": "remove", "path": "userName"}])), Some("mutability"));
        assert_eq!(refused(json!([{"op": "jump", "path": "userName"}])), Some("invalidSyntax"));
        let mut plain = user.clone();
        assert!(apply(&mut plain, &json!({"Operations": [{"op": "remove", "path": "name"}]}), &USERS).is_err());
    }

    #[test]
    fn members_are_added_and_removed_by_value() {
        let groups = Schemas { core: &GROUP, extensions: &[] };
        let mut group = json!({"displayName": "G", "members": [{"value": "u1"}]});
        let body = json!({"schemas": [PATCH_OP], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": "u2"}, {"value": "u1"}]},
            {"op": "remove", "path": "members[value eq \"u1\"]"},
        ]});
        apply(&mut group, &body, &groups).unwrap();
        assert_eq!(group["members"], json!([{"value": "u2"}]), "u1 was not added twice");
        let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "members", "value": [{"value": "u2"}]}]});
        apply(&mut group, &body, &groups).unwrap();
        assert!(group.get("members").is_none());
    }
}
