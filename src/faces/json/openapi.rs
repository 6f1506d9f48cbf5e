//! The OpenAPI 3.1 document, generated from the handlers' `utoipa::path` attributes and the
//! model's `ToSchema` derives; served at `/api/v1/openapi.json`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::model::*;
use super::routes::*;

/// The error responses every operation may give, each an RFC 9457 problem.
pub struct Problems;

impl IntoResponses for Problems {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        [
            ("400", "The request does not match the contract (the problem names the field)"),
            ("401", "Missing, unknown or expired token"),
            ("403", "The caller may not do this, or not to this target"),
            ("404", "A named thing does not exist"),
            ("409", "The request clashes with what exists"),
            ("413", "The body is larger than the limit"),
            ("415", "The body is not application/json"),
            ("422", "Well-formed, but a rule refuses it"),
            ("500", "The server failed"),
            ("503", "The database is unavailable; retry"),
        ]
        .into_iter()
        .map(|(status, description)| {
            (
                status.to_string(),
                ResponseBuilder::new().description(description).content("application/problem+json", content.clone()).build().into(),
            )
        })
        .collect()
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The access_token from POST /api/v3/token (OAuth2 client credentials)"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "lmsbridge JSON API", description = "The iSpring Learn operations as JSON; the same service as the SOAP endpoint at /api/v2/soap/2.0."),
    paths(
        get_enrollments, get_enrollment, enroll_learners_in_courses, change_enrollment, unenroll,
        get_users, get_user_profile, add_user, update_user_profile, delete_user, activate_users, deactivate_users,
        update_user_password, remove_user_from_groups,
        get_departments, get_department, add_department, update_department, delete_department,
        get_groups, add_group, update_group_members,
        get_content, get_content_item, get_content_item_final_statuses, list_learners_results,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The `operationId` of the route `method path` (`path` as the router writes it, with `{name}`
/// parameters), for metrics and logs; `unknown` for routes outside the document.
pub fn operation_id(method: &str, path: &str) -> &'static str {
    use std::collections::HashMap;
    static IDS: OnceLock<HashMap<(String, String), &'static str>> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let mut ids = HashMap::new();
        for (route, item) in ApiDoc::openapi().paths.paths {
            let operations =
                [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("PATCH", &item.patch), ("DELETE", &item.delete)];
            for (method, operation) in operations {
                if let Some(id) = operation.as_ref().and_then(|o| o.operation_id.clone()) {
                    ids.insert((method.to_string(), route.clone()), &*Box::leak(id.into_boxed_str()));
                }
            }
        }
        ids
    });
    ids.get(&(method.to_string(), path.to_string())).copied().unwrap_or("unknown")
}

/// The document, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes"))
}

/// The browsable reference of the document at `/api/v1/docs/`: Swagger UI, from files built into
/// the binary. It validates nothing against an outside service and loads nothing from elsewhere.
pub fn reference() -> utoipa_swagger_ui::SwaggerUi {
    let config = utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])
        .validator_url("none")
        .try_it_out_enabled(true)
        .persist_authorization(true)
        .display_operation_id(true);
    utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs/{_:.*}").config(config)
}

pub async fn serve() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document())
}
