//! The faces: each speaks one API to its clients and only translates, between that API's requests
//! and answers and the one service layer. Every face has the same inner shape: its registration list
//! (routes, handlers, access), its request types (decoded into the domain's parsed values), its
//! answer types, and one rendering of [`crate::service::OpError`] in its own words.
//!
//! - [`soap`]: iSpring Learn's SOAP API (1.1 and 1.2) with its WSDL, XSD and service pages;
//! - [`json`]: the JSON mirror of the same operations under `/api/v1`, with its OpenAPI document;
//! - [`token`]: iSpring Learn's OAuth2 token endpoint;
//! - [`skillable`]: Skillable TMS's class-enrollment API (`GET /GetClassEnrollment/{id}` and friends);
//! - [`rhythm`]: Rhythm Software's course-registration API (`/courseRegistrations/{tenantId}`);
//! - [`scim`]: SCIM 2.0 provisioning of users and groups by identity providers (`/scim/v2`);
//! - [`keepnet`]: Keepnet Labs' reseller API (companies, enrollments, training reports, `/connect/token`);
//! - [`ispring`]: the words the two iSpring faces share (fault strings, enumerations' spellings);
//! - [`kit`]: what every HTTP face needs (body reading, bearer tokens, query strings, the streaming
//!   JSON writer, running an operation on the database threads, panics answered in the face's words).

pub mod aom;
pub mod ispring;
pub mod json;
pub mod keepnet;
pub mod kit;
pub mod rhythm;
pub mod scim;
pub mod skillable;
pub mod soap;
pub mod token;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::service::catalog;

    /// Every operation of the service is served by the SOAP face and the JSON mirror, once each
    /// in SOAP, and with the catalog's access on every JSON route.
    #[test]
    fn every_service_operation_is_reachable_on_every_ispring_face() {
        for operation in catalog::ISPRING {
            let soap: Vec<_> = super::soap::operations::OPERATIONS.iter().filter(|op| op.operation == *operation).collect();
            assert_eq!(soap.len(), 1, "{} is served once by the SOAP face", operation.name);
            assert_eq!(soap[0].request, format!("{}Request", operation.name), "its request element is named after it");
            let json = super::json::routes::ROUTES.iter().filter(|route| route.reaches.contains(operation));
            assert_eq!(json.count(), 1, "{} is reached by one route of the JSON mirror", operation.name);
        }
        assert_eq!(super::soap::operations::OPERATIONS.len(), catalog::ISPRING.len(), "the SOAP face serves nothing outside the catalog");
        let names: HashSet<_> = catalog::ISPRING.iter().map(|op| op.name).collect();
        assert_eq!(names.len(), catalog::ISPRING.len(), "one name per operation");
    }

    /// The faces stand side by side: none imports another face or the module that assembles the
    /// app, and the kit imports no face.
    #[test]
    fn no_face_imports_another_face_or_the_assembler() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/faces");
        let faces = ["soap", "json", "token", "skillable", "rhythm", "aom", "scim", "keepnet"];
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            let module = path.file_stem().unwrap().to_str().unwrap().to_string();
            let files: Vec<_> =
                if path.is_dir() { std::fs::read_dir(&path).unwrap().map(|f| f.unwrap().path()).collect() } else { vec![path.clone()] };
            for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs") && module != "mod") {
                let source = std::fs::read_to_string(file).unwrap();
                assert!(!source.contains("crate::http"), "{} imports the assembler", file.display());
                let shared = ["kit", "ispring"].contains(&module.as_str());
                for other in faces.iter().filter(|other| **other != module) {
                    let import = format!("faces::{other}");
                    assert!(!source.contains(&import), "{} imports the {other} face", file.display());
                }
                if shared {
                    assert!(!faces.iter().any(|face| source.contains(&format!("faces::{face}"))), "{} imports a face", file.display());
                }
                checked += 1;
            }
        }
        assert!(checked > 20, "the faces' files were read ({checked})");
    }

    /// Every Keepnet operation but the creation of campaigns (the JSON mirror's and the command
    /// line's) is served by the Keepnet face, once, with the catalog's access.
    #[test]
    fn every_keepnet_operation_is_reachable_on_the_keepnet_face() {
        for operation in catalog::KEEPNET {
            let routes = super::keepnet::routes::ROUTES.iter().filter(|route| route.operation == *operation).count();
            let expected = usize::from(*operation != catalog::CREATE_KEEPNET_CAMPAIGN);
            assert_eq!(routes, expected, "{} on the Keepnet face", operation.name);
        }
    }

    /// Every class operation but the custom-field listing (which Skillable has no route for) is
    /// served by the Skillable face, once.
    #[test]
    fn every_class_operation_is_reachable_on_the_skillable_face() {
        let mirror_only = [catalog::LIST_CLASS_ENROLLMENT_CUSTOM_FIELDS];
        for operation in catalog::CLASSES {
            let routes = super::skillable::routes::ROUTES.iter().filter(|route| route.operation == *operation);
            let expected = usize::from(!mirror_only.contains(operation));
            assert_eq!(routes.count(), expected, "{} is served {expected} times by the Skillable face", operation.name);
        }
        assert_eq!(super::skillable::routes::ROUTES.len(), catalog::CLASSES.len() - mirror_only.len());
    }

    /// The JSON mirror serves the class operations as resources, each once; the lookups by a
    /// second key are its search filters (`externalId`, `classId` with `learnerId`), and users by
    /// e-mail its `/users?email=`.
    #[test]
    fn every_class_operation_but_the_lookups_is_reachable_on_the_json_mirror() {
        let filters = [
            catalog::GET_CLASS_ENROLLMENT_BY_CLASS_AND_USER,
            catalog::GET_CLASS_BY_EXTERNAL_ID,
            catalog::GET_USER_BY_EMAIL,
            catalog::GET_CLASS_ENROLLMENT_BY_EXTERNAL_ID,
        ];
        for operation in catalog::CLASSES {
            let routes = super::json::routes::ROUTES.iter().filter(|route| route.reaches.contains(operation)).count();
            assert_eq!(routes, usize::from(!filters.contains(operation)), "{} on the JSON mirror", operation.name);
        }
    }

    #[test]
    fn every_change_operation_is_reachable_on_the_json_mirror() {
        for operation in catalog::CHANGES {
            let routes = super::json::routes::ROUTES.iter().filter(|route| route.reaches.contains(operation)).count();
            assert_eq!(routes, 1, "{} on the JSON mirror", operation.name);
        }
    }

    /// The Skillable face's OpenAPI document is its registration list: the same paths, each with
    /// the catalog operation's name as operationId; the inferred routes only when they are served.
    #[test]
    fn the_skillable_registration_list_is_its_openapi_document() {
        for inferred in [false, true] {
            let document: serde_json::Value = serde_json::from_str(super::skillable::routes::document(inferred)).unwrap();
            let mut documented: Vec<(String, String)> = document["paths"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(path, item)| (path.clone(), item["get"]["operationId"].as_str().unwrap().to_string()))
                .collect();
            let mut registered: Vec<(String, String)> = super::skillable::routes::ROUTES
                .iter()
                .filter(|route| inferred || !route.inferred)
                .map(|route| (route.path.to_string(), route.operation.name.to_string()))
                .collect();
            documented.sort();
            registered.sort();
            assert_eq!(documented, registered, "inferred routes served: {inferred}");
        }
        assert_eq!(super::skillable::routes::ROUTES.iter().filter(|route| route.inferred).count(), 3);
    }

    /// Every registration operation is served by the Rhythm face, once, and its OpenAPI document is
    /// its registration list: the same methods and paths, each with the operation's name.
    #[test]
    fn the_rhythm_registration_list_is_the_catalog_and_the_openapi_document() {
        use super::rhythm::routes::{COLLECTION, ROUTES, document};
        for operation in catalog::REGISTRATIONS {
            assert_eq!(ROUTES.iter().filter(|r| r.route.operation == *operation).count(), 1, "{}", operation.name);
        }
        assert_eq!(ROUTES.len(), catalog::REGISTRATIONS.len());
        let document: serde_json::Value = serde_json::from_str(document()).unwrap();
        let mut documented: Vec<(String, String, String)> = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                documented.push((method.to_uppercase(), path.clone(), operation["operationId"].as_str().unwrap().to_string()));
            }
        }
        let mut registered: Vec<(String, String, String)> =
            ROUTES.iter().map(|r| (r.method.to_string(), format!("{COLLECTION}{}", r.path), r.route.operation.name.to_string())).collect();
        documented.sort();
        registered.sort();
        assert_eq!(documented, registered);
    }

    /// The keys bodies may carry and projections may name are the documented record's.
    #[test]
    fn the_rhythm_field_list_is_the_documented_record() {
        let document: serde_json::Value = serde_json::from_str(super::rhythm::routes::document()).unwrap();
        let schemas = &document["components"]["schemas"];
        let mut properties: Vec<String> = Vec::new();
        let record = &schemas["CourseRegistration"];
        let parts = record["allOf"].as_array().cloned().unwrap_or_else(|| vec![record.clone()]);
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(reference) => schemas[reference.trim_start_matches("#/components/schemas/")].clone(),
                None => part,
            };
            properties.extend(part["properties"].as_object().unwrap().keys().cloned());
        }
        let mut fields: Vec<String> = super::rhythm::model::FIELDS.iter().map(|f| f.to_string()).collect();
        properties.sort();
        fields.sort();
        assert_eq!(properties, fields);
    }

    #[test]
    fn a_json_route_reaches_operations_of_one_access() {
        for route in super::json::routes::ROUTES {
            assert!(route.reaches.iter().all(|op| op.access == route.access()), "{} {}", route.method, route.path);
        }
    }

    /// The registration list and the OpenAPI document say the same: every route is documented
    /// with its method, path and operationId, and nothing else is.
    #[test]
    fn the_json_registration_list_is_the_openapi_document() {
        let document: serde_json::Value = serde_json::from_str(super::json::openapi::document()).unwrap();
        let mut documented = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                documented.push((method.to_ascii_uppercase(), path.clone(), operation["operationId"].as_str().unwrap().to_string()));
            }
        }
        let mut registered: Vec<_> = super::json::routes::ROUTES
            .iter()
            .map(|route| (route.method.to_string(), route.path.to_string(), route.operation_id.to_string()))
            .collect();
        documented.sort();
        registered.sort();
        assert_eq!(documented, registered);
    }
}
