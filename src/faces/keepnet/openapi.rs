//! The face's OpenAPI 3.1 document, made from its registration list and the fields each search
//! filters and orders by, so that it names every route the face serves and nothing else.

use serde_json::{Map, Value, json};

use super::routes::{DOCUMENT_PATH, ROUTES, Registered, TOKEN_PATH};
use crate::domain::keepnet::{Field, FieldKind, fields};

/// The fields a route's search takes, if it searches.
fn report_of(route: &Registered) -> Option<&'static [Field]> {
    let p = route.path;
    Some(match () {
        _ if p.starts_with("/api/companies/search") => fields::COMPANIES,
        _ if p.starts_with("/api/enrollments/search") => fields::ENROLLMENTS,
        _ if p.ends_with("/users/search") => fields::USERS,
        _ if p.contains("/sending-report/") => fields::SENDING_REPORT,
        _ if p.ends_with("/certificates/search") => fields::CERTIFICATES,
        _ if p.ends_with("/reminder-mails/search") => fields::REMINDER_MAILS,
        _ if p.starts_with("/api/notifications/") => fields::NOTIFICATIONS,
        _ => return None,
    })
}

fn field_names(report: &[Field]) -> Vec<&'static str> {
    report.iter().map(|f| f.name).collect()
}

fn search_body(route: &Registered, report: &[Field]) -> Value {
    let names = field_names(report);
    let mut properties = json!({
        "pageNumber": {"type": "integer", "minimum": 1, "example": 1},
        "pageSize": {"type": "integer", "minimum": 1, "maximum": crate::domain::keepnet::MAX_PAGE_SIZE, "example": 10},
        "orderBy": {"type": ["string", "null"], "description": "A field of the rows, in any case", "examples": [names[0]]},
        "ascending": {"type": "boolean"},
        "filter": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Filter"}]},
    });
    let object = properties.as_object_mut().expect("an object");
    let mut required: Vec<&str> = Vec::new();
    if route.path.starts_with("/api/companies/search") || route.path.starts_with("/api/enrollments/search") {
        required = vec!["pageNumber", "pageSize", "orderBy", "ascending"];
    }
    if route.path.starts_with("/api/companies/search") {
        object.insert("isTargetUserCountExceededLimit".into(), json!({"type": ["boolean", "null"]}));
    }
    if route.path.starts_with("/api/enrollments/search") {
        object.insert(
            "enrollmentType".into(),
            json!({"type": ["string", "null"], "enum": [null, "SCORM", "LearningPath", "Poster", "Infographic", "Screensaver", "Survey"]}),
        );
    }
    if route.path.ends_with("/export") {
        object.insert("exportType".into(), json!({"type": "string", "enum": ["CSV", "Csv", "Excel", "XLSX"]}));
        object.insert("reportAllPages".into(), json!({"type": ["boolean", "null"]}));
    }
    if route.path.ends_with("/users/search") || route.path.ends_with("/reminder-mails/search") {
        object.insert("trainingType".into(), json!({"type": ["string", "integer", "null"]}));
        object.insert(
            "showByExamStatus".into(),
            json!({"type": ["string", "null"], "enum": [null, "FirstAttempt", "PassedAnyAttempt", "FailedAnyAttempt"]}),
        );
        object.insert("reportAllPages".into(), json!({"type": ["boolean", "null"]}));
    }
    if route.path.starts_with("/api/notifications/") {
        object.insert("companyId".into(), json!({"type": ["integer", "null"]}));
        object.insert("enrollmentId".into(), json!({"type": ["string", "null"]}));
        object.insert("status".into(), json!({"type": ["string", "null"], "enum": [null, "Pending", "Sent", "Failed"]}));
        object.insert("type".into(), json!({"type": ["string", "null"], "enum": [null, "Teams", "Email", "SMS"]}));
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn operation(route: &Registered) -> Value {
    let mut parameters = vec![json!({"name": "X-KEEPNET-Company-Id", "in": "header", "required": false, "schema": {"type": "string"},
               "description": "The Company ID of a company the reseller manages (also X-IR-COMPANY-ID or ?companyId)"})];
    for name in ["resourceId", "enrollmentId"] {
        if route.path.contains(&format!("{{{name}}}")) {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
        }
    }
    if route.path.ends_with("/summary") {
        parameters.push(json!({"name": "trainingType", "in": "query", "required": false, "schema": {"type": "string"}}));
    }
    let ok = if route.path.ends_with("/export") {
        json!({"description": "The file", "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}})
    } else {
        json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}})
    };
    let failure = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}});
    let mut op = json!({
        "operationId": route.operation.name,
        "parameters": parameters,
        "security": [{"oauth2": ["api1"]}],
        "responses": {
            "200": ok,
            "400": failure("Bad input: validationMessages say what"),
            "401": failure("No token, or not a valid one"),
            "403": failure("Not a Reseller, or not a company it manages"),
            "404": failure("No such company or enrollment in the company in scope"),
            "413": {"description": "The body is too large"},
        },
    });
    if route.method == "POST" {
        let body = match report_of(route) {
            Some(report) => search_body(route, report),
            None => json!({"type": "object", "properties": {
                "filter": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Filter"}]},
                "selectAll": {"type": ["boolean", "null"]},
                "selectedItems": {"type": ["array", "null"], "items": {"type": "string"}},
                "excludedItems": {"type": ["array", "null"], "items": {"type": "string"}}}}),
        };
        op["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": body}}});
    }
    op
}

/// The document, as served at [`DOCUMENT_PATH`].
pub fn document() -> String {
    let mut paths = Map::new();
    for route in ROUTES {
        let item = paths.entry(route.path.to_string()).or_insert_with(|| json!({}));
        item[route.method.to_ascii_lowercase()] = operation(route);
    }
    paths.insert(
        TOKEN_PATH.to_string(),
        json!({"post": {
            "operationId": "KeepnetToken",
            "security": [],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["grant_type", "client_id", "client_secret"],
                "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}, "client_id": {"type": "string"},
                               "client_secret": {"type": "string"}, "scope": {"type": "string", "enum": ["api1"]}}}}}},
            "responses": {
                "200": {"description": "A token", "content": {"application/json": {"schema": {"type": "object",
                    "required": ["access_token", "expires_in", "token_type", "scope", "permissions"],
                    "properties": {"access_token": {"type": "string"}, "expires_in": {"type": "integer"}, "token_type": {"type": "string"},
                                   "scope": {"type": "string"}, "permissions": {"type": "array", "items": {"type": "string"}}}}}}},
                "400": {"description": "invalid_client, invalid_request, invalid_scope or unsupported_grant_type",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
                "413": {"description": "The body is too large"},
                "500": {"description": "A JSON body (the endpoint reads a form)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}}}}}),
    );
    let fields_of_all: Vec<&str> = [fields::COMPANIES, fields::ENROLLMENTS, fields::USERS, fields::SENDING_REPORT, fields::CERTIFICATES]
        .iter()
        .flat_map(|r| r.iter().filter(|f| f.kind != FieldKind::Bool).map(|f| f.name))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {"title": "lmsbridge: Keepnet Labs reseller API", "version": env!("CARGO_PKG_VERSION"),
                 "description": format!("Companies, enrollments and training reports as Keepnet Labs' REST API serves them. The document: {DOCUMENT_PATH}.")},
        "paths": paths,
        "components": {
            "securitySchemes": {"oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": {"api1": "API"}}}}},
            "schemas": {
                "Envelope": {"type": "object", "required": ["data", "status", "message", "validationMessages"], "properties": {
                    "data": {}, "status": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]},
                    "validationMessages": {"type": ["array", "null"], "items": {"type": "string"}}}},
                "OAuthError": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}},
                "Filter": {"type": "object", "description": "Keys in any case; null means match all", "properties": {
                    "searchInputTextValue": {"type": ["string", "null"]},
                    "condition": {"type": ["string", "null"], "enum": [null, "AND", "OR", "and", "or"]},
                    "filterGroups": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/FilterGroup"}}}},
                "FilterGroup": {"type": "object", "properties": {
                    "condition": {"type": ["string", "null"], "enum": [null, "AND", "OR", "and", "or"]},
                    "filterItems": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/FilterItem"}},
                    "filterGroups": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/FilterGroup"}}}},
                "FilterItem": {"type": "object", "required": ["fieldName"], "properties": {
                    "fieldName": {"type": "string", "description": "A field of the rows", "examples": fields_of_all},
                    "operator": {"type": ["string", "null"], "enum": [null, "Contains", "NotContains", "StartsWith", "EndsWith", "Equals", "NotEquals",
                        "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual", "IsEmpty", "IsNotEmpty"]},
                    "value": {"type": ["string", "number", "boolean", "null"]}}},
            },
        },
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_route_once_with_its_operation() {
        let document: Value = serde_json::from_str(&document()).unwrap();
        for route in ROUTES {
            let op = &document["paths"][route.path][route.method.to_ascii_lowercase()];
            assert_eq!(op["operationId"], route.operation.name, "{} {}", route.method, route.path);
        }
        let documented: usize = document["paths"].as_object().unwrap().values().map(|item| item.as_object().unwrap().len()).sum();
        assert_eq!(documented, ROUTES.len() + 1, "the routes and the token endpoint");
    }
}
