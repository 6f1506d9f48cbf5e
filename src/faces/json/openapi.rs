//! The OpenAPI 3.1 document, generated from the handlers' `utoipa::path` attributes and the
//! model's `ToSchema` derives; served at `/api/v1/openapi.json`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::model::*;
use super::routes::Paths;

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
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = ApiDoc::openapi();
        document.merge(Paths::openapi());
        document.to_pretty_json().expect("the OpenAPI document serializes")
    })
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::domain::values::{DuePeriod, ID_MAX, PageSize};
    use crate::service::classes::MAX_SEARCH_PAGE;

    /// Every bound `name` carries in the document, wherever it appears (parameters, properties).
    fn bounds(value: &Value, name: Option<&str>, found: &mut Vec<(String, String, i64)>) {
        match value {
            Value::Object(map) => {
                let here = map.get("name").and_then(Value::as_str).or(name);
                for key in ["maximum", "maxLength"] {
                    if let (Some(here), Some(bound)) = (here, map.get(key).and_then(Value::as_i64)) {
                        found.push((here.to_string(), key.to_string(), bound));
                    }
                }
                for (key, child) in map {
                    match key.as_str() {
                        "properties" => {
                            child.as_object().into_iter().flatten().for_each(|(property, schema)| bounds(schema, Some(property), found))
                        }
                        _ => bounds(child, here, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| bounds(item, name, found)),
            _ => {}
        }
    }

    /// The document states the domain's limits, not numbers of its own.
    #[test]
    fn the_document_states_the_domains_limits() {
        let document: Value = serde_json::from_str(super::document()).unwrap();
        let mut found = Vec::new();
        let mut searches = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            // Class searches page by index, up to the service's largest search page.
            let list = if path.starts_with("/api/v1/class") { &mut searches } else { &mut found };
            bounds(item, None, list);
        }
        assert!(searches.contains(&("pageSize".into(), "maximum".into(), MAX_SEARCH_PAGE)), "{searches:?}");
        found.extend(searches.into_iter().filter(|(name, _, _)| name != "pageSize"));
        bounds(&document["components"], None, &mut found);
        let expected = |name: &str, key: &str| match (name, key) {
            ("pageSize", "maximum") => Some(PageSize::MAX as i64),
            ("duePeriod", "maximum") => Some(DuePeriod::MAX as i64),
            (id, "maxLength") if id.ends_with("Id") => Some(ID_MAX as i64),
            _ => None,
        };
        let mut checked = 0;
        for (name, key, bound) in &found {
            if let Some(expected) = expected(name, key) {
                assert_eq!(*bound, expected, "{name} {key}");
                checked += 1;
            }
        }
        assert!(checked >= 10, "the bounds were found: {found:?}");
    }
}
