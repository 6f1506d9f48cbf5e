//! The Rhythm face's registration list and its handlers, one per route.

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use serde_json::{Value, json};

use super::errors::{self, Wording};
use super::model::{
    Answered, BatchAnswer, BatchBody, BatchOp, BatchOperation, BatchResult, CourseRegistration, IndexPage, PreviewEmailBody,
    RegistrationBody, SearchBody, SearchPage, answered, field_list, projected,
};
use super::{FACE, Route, answer, failed};
use crate::domain::values::ExternalId;
use crate::domain::values::PageSize;
use crate::faces::kit::body::Allowance;
use crate::faces::kit::json::{self as kit_json, Unread};
use crate::faces::kit::{self, Answer, answer_panics};
use crate::metrics::Outcome;
use crate::service::catalog::{self, Operation};
use crate::service::paging::{Page, PageRequest};
use crate::service::registrations::{RegistrationLookup, RegistrationSearch, RegistrationView};
use crate::service::{Credentials, Entity, OpError, ProblemKind};
use crate::state::{AppState, RequestId};

type State = web::Data<AppState>;

/// The face's settings, as the deployment gives them.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How many records a page of a scan, lookup or search holds.
    pub page_size: PageSize,
}

type Setup = web::Data<Settings>;

/// Where the routes live under a mount point: the tenant's collection.
pub const COLLECTION: &str = "/courseRegistrations/{tenantId}";

/// One route of the face.
pub struct Registered {
    pub method: &'static str,
    /// The path under [`COLLECTION`].
    pub path: &'static str,
    pub route: Route,
}

macro_rules! registered {
    ($($method:ident $path:literal => $handler:ident, $op:ident, [$($subject:ident),*], $wording:ident;)*) => {
        /// Every route of the face, the most frequent first (the router tries them in this order).
        pub const ROUTES: &[Registered] = &[$(Registered {
            method: registered!(@method $method),
            path: $path,
            route: Route { operation: catalog::$op, subjects: &[$(Entity::$subject),*], wording: &errors::$wording },
        }),*];

        /// Registers every route under `prefix` (empty for the root), each with its method guard so
        /// that `POST …/search` and `GET …/{id}` stand side by side, in one scope: the router
        /// matches the tenant's collection once, then the rest of the path, the most frequent
        /// routes first.
        fn register(cfg: &mut web::ServiceConfig, prefix: &str) {
            let scope = web::scope(&format!("{prefix}{COLLECTION}"))
                $(.service(
                    web::resource($path)
                        .guard(guard::Method(Method::$method))
                        .wrap(from_fn(|req, next| answer_panics(errors::panicked, FACE, req, next)))
                        .route(web::route().to($handler)),
                ))*;
            cfg.service(scope);
        }

        /// The documented paths, from the handlers' `utoipa::path` attributes.
        #[derive(utoipa::OpenApi)]
        #[openapi(
            info(title = "lmsbridge: Rhythm Certifications API (course registrations)", description = "Rhythm Software's course-registration routes. Errors are {\"message\"} bodies in the vendor's words, with detail and field saying exactly what was wrong."),
            paths($($handler),*),
            components(schemas(super::model::ErrorBody)),
            modifiers(&ApiKey),
        )]
        pub struct Document;
    };
    (@method GET) => { "GET" };
    (@method POST) => { "POST" };
    (@method PUT) => { "PUT" };
    (@method PATCH) => { "PATCH" };
    (@method DELETE) => { "DELETE" };
}

registered! {
    GET "/{id}" => get, GET_COURSE_REGISTRATION, [Registration], GET;
    PUT "/{id}" => replace, REPLACE_COURSE_REGISTRATION, [Registration], PUT;
    PATCH "/{id}" => patch, PATCH_COURSE_REGISTRATION, [Registration], PATCH;
    DELETE "/{id}" => delete, DELETE_COURSE_REGISTRATION, [Registration], DELETE;
    GET "/student/{student_id}" => by_student, COURSE_REGISTRATIONS_BY_STUDENT, [], LOOKUP;
    GET "/course/{course_id}" => by_course, COURSE_REGISTRATIONS_BY_COURSE, [], LOOKUP;
    GET "/courseOffering/{course_offering_id}" => by_course_offering, COURSE_REGISTRATIONS_BY_COURSE_OFFERING, [], LOOKUP;
    GET "/studentCourse/{student_id}/{course_id}" => by_student_course, COURSE_REGISTRATIONS_BY_STUDENT_COURSE, [], LOOKUP;
    GET "/application/{application_id}" => by_application, COURSE_REGISTRATIONS_BY_APPLICATION, [], LOOKUP;
    GET "/eventRegistration/{event_registration_id}" => by_event_registration, COURSE_REGISTRATIONS_BY_EVENT_REGISTRATION, [], LOOKUP;
    GET "/order/{order_id}" => by_order, COURSE_REGISTRATIONS_BY_ORDER, [], LOOKUP;
    POST "" => create, CREATE_COURSE_REGISTRATION, [], CREATE;
    GET "" => scan, LIST_COURSE_REGISTRATIONS, [], SCAN;
    POST "/search" => search, SEARCH_COURSE_REGISTRATIONS, [], SEARCH;
    POST "/batch" => batch, BATCH_COURSE_REGISTRATIONS, [Registration], BATCH;
    POST "/generateOrder" => generate_order, GENERATE_ORDER, [Registration], GENERATE;
    POST "/generateRegistration/{processId}/{contactId}" => generate_registration, GENERATE_REGISTRATION, [RegistrationProcess, User], GENERATE;
    POST "/previewEmail" => preview_email, PREVIEW_REGISTRATION_EMAIL, [Registration], PREVIEW;
}

/// The failures every route may answer, each an [`super::model::ErrorBody`] in the seed's words.
pub struct Refusals;

impl utoipa::IntoResponses for Refusals {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        [
            ("400", "The request, its body or a directive is not valid (field names the field)"),
            ("401", "Unauthorized: no key, or not a valid one"),
            ("403", "Forbidden: the key is not one of the path's tenant"),
            ("404", "The record the path names could not be found"),
            ("409", "A reference names nothing, the record changed since it was read, or others depend on it"),
            ("413", "The body is larger than the limit"),
            ("415", "The body is not application/json"),
            ("429", "Limit exceeded based on tenant limits (Retry-After says when to retry)"),
            ("500", "General server error"),
            ("503", "The database is unavailable; retry"),
        ]
        .into_iter()
        .map(|(status, description)| {
            (
                status.to_string(),
                ResponseBuilder::new().description(description).content("application/json", content.clone()).build().into(),
            )
        })
        .collect()
    }
}

/// The key in `Authorization`.
struct ApiKey;

impl utoipa::Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey as Key, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let key = ApiKeyValue::with_description("Authorization", "The integration key, bare or after Bearer");
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(Key::Header(key)));
    }
}

/// Where the face's OpenAPI document is served.
pub const DOCUMENT_PATH: &str = "/rhythm/openapi.json";

/// The face's OpenAPI 3.1 document, built once.
pub fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| <Document as utoipa::OpenApi>::openapi().to_pretty_json().expect("the OpenAPI document serializes"))
}

/// The registered route of `operation`.
pub fn route_of(operation: &'static Operation) -> &'static Route {
    &ROUTES.iter().find(|registered| registered.route.operation == operation).expect("every handler's operation is registered").route
}

/// Mounts the face at the root (Rhythm's paths start at `/courseRegistrations`) and under `prefix`
/// (when it is not the root), with its settings.
pub fn routes(cfg: &mut web::ServiceConfig, prefix: &str, settings: Settings) {
    cfg.app_data(web::Data::new(settings));
    cfg.route(
        DOCUMENT_PATH,
        crate::state::get_or_head().to(|| async { HttpResponse::Ok().content_type("application/json").body(document()) }),
    );
    let prefix = prefix.trim_end_matches('/');
    if !prefix.is_empty() {
        register(cfg, prefix);
    }
    register(cfg, "");
}

/// A path parameter that names a record: an id as Rhythm writes them.
fn path_id(req: &HttpRequest, name: &str) -> Result<ExternalId, OpError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    let valid = !raw.is_empty() && raw.chars().all(|c| c.is_ascii_alphanumeric() || "_|:-.@".contains(c));
    if !valid {
        return Err(OpError::wrong(ProblemKind::Type, name, format!("{name} must be an id of letters, digits and _|:-.@; got '{raw}'")));
    }
    ExternalId::parse(raw).map_err(|why| OpError::refused(name, why))
}

/// The query parameters of a request (names as Rhythm spells them; others are ignored, as Rhythm does).
struct Query(Vec<(String, String)>);

impl Query {
    fn of(req: &HttpRequest) -> Query {
        Query(form_urlencoded::parse(req.query_string().as_bytes()).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// `fields` (or the other spelling `alias`): the projection, if one is asked for.
    fn fields(&self, name: &str, alias: &str) -> Result<Option<Vec<String>>, OpError> {
        let (name, raw) = match (self.get(name), self.get(alias)) {
            (Some(raw), _) => (name, raw),
            (None, Some(raw)) => (alias, raw),
            (None, None) => return Ok(None),
        };
        field_list(name, raw).map(Some)
    }

    fn flag(&self, name: &str) -> Result<bool, OpError> {
        match self.get(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" => Ok(true),
            Some(v) if v == "false" || v.is_empty() => Ok(false),
            Some(v) => Err(OpError::wrong(ProblemKind::Type, name, format!("{name} must be true or false; got '{v}'"))),
        }
    }

    /// The page asked for: after `exclusiveStartKey`, of the face's size.
    fn page(&self, settings: &Settings) -> PageRequest {
        PageRequest { size: Some(settings.page_size), token: self.get("exclusiveStartKey").map(str::to_string) }
    }
}

/// The JSON body of a request, within the ordinary limit. A body over the limit or of another
/// type is answered at once (413, 415: before a byte more is read); one that is not JSON is the
/// inner error, answered once the key is checked, as every other fault of the request is.
async fn json_body(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    route: &Route,
) -> Result<Result<Value, OpError>, HttpResponse> {
    match kit_json::read::<Value>(req, state, payload, Allowance::Ordinary).await {
        Ok(body) => Ok(Ok(body)),
        Err(Unread::Invalid(error)) => Ok(Err(error)),
        Err(Unread::Refused(refusal)) => {
            let error = OpError::wrong(ProblemKind::Limit, "body", refusal.message.clone());
            kit::observe(req, FACE, route.operation.name, Outcome::ClientFault, Some(error.code()));
            Err(HttpResponse::build(refusal.status).json(json!({ "message": refusal.message, "request_id": RequestId::of(req) })))
        }
    }
}

/// A page of records, projected.
fn items(page: Page<RegistrationView>, fields: Option<&[String]>) -> (Vec<Answered>, Option<String>) {
    (page.items.into_iter().map(|view| answered(view, fields)).collect(), page.next_token)
}

// Create, scan, get, replace, patch, delete

/// Creates a course registration; the server makes its id.
#[utoipa::path(post, path = "/courseRegistrations/{tenantId}", operation_id = "CreateCourseRegistration",
    params(("tenantId" = String, Path, description = "The id of the tenant being accessed.")),
    request_body = CourseRegistration,
    responses((status = 200, description = "The course registration was saved successfully.", body = CourseRegistration), Refusals),
    security(("api_key" = [])))]
pub async fn create(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::CREATE_COURSE_REGISTRATION);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let body = body.and_then(RegistrationBody::read).and_then(|body| match body.id {
        Some(_) => {
            Err(OpError::wrong(ProblemKind::Prohibited, "id", "id is made by the server: leave it out of a new course registration"))
        }
        None => Ok(body),
    });
    answer(&req, &state, route, move |service, tx, caller| {
        let view = service.create_registration(tx, caller, &body?.registration)?;
        Ok(answered(view, None))
    })
    .await
}

/// Every course registration of the tenant, one page at a time (a bare array; the next page starts
/// after the last item's key, which the scan does not return: use a lookup or search to page).
#[utoipa::path(get, path = "/courseRegistrations/{tenantId}", operation_id = "ListCourseRegistrations",
    params(("tenantId" = String, Path), ("fields" = Option<String>, Query, description = "Comma-separated fields to return; all when omitted"),
        ("exclusiveStartKey" = Option<String>, Query, description = "The start key, if you're making a subsequent request")),
    responses((status = 200, description = "The course registrations were retrieved successfully.", body = Vec<CourseRegistration>), Refusals),
    security(("api_key" = [])))]
pub async fn scan(req: HttpRequest, state: State, settings: Setup) -> HttpResponse {
    lookup(req, state, settings, catalog::LIST_COURSE_REGISTRATIONS, |_| Ok(RegistrationLookup::All), true).await
}

#[utoipa::path(get, path = "/courseRegistrations/{tenantId}/{id}", operation_id = "GetCourseRegistration",
    params(("tenantId" = String, Path), ("id" = String, Path), ("fields" = Option<String>, Query),
        ("consistentRead" = Option<String>, Query, description = "true or false; reads are always consistent here")),
    responses((status = 200, description = "The course registration was retrieved successfully.", body = CourseRegistration), Refusals),
    security(("api_key" = [])))]
pub async fn get(req: HttpRequest, state: State) -> HttpResponse {
    let query = Query::of(&req);
    let input = path_id(&req, "id").and_then(|id| Ok((id, query.fields("fields", "fieldsToReturn")?, query.flag("consistentRead")?)));
    answer(&req, &state, route_of(catalog::GET_COURSE_REGISTRATION), move |service, tx, caller| {
        let (id, fields, _) = input?;
        Ok(answered(service.registration(tx, caller, &id)?, fields.as_deref()))
    })
    .await
}

/// Replaces every field of a course registration. With `sys_version`, only the version the client
/// read is replaced (a stale one is a 409).
#[utoipa::path(put, path = "/courseRegistrations/{tenantId}/{id}", operation_id = "ReplaceCourseRegistration",
    params(("tenantId" = String, Path), ("id" = String, Path)),
    request_body = CourseRegistration,
    responses((status = 200, description = "The course registration was saved successfully.", body = CourseRegistration), Refusals),
    security(("api_key" = [])))]
pub async fn replace(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::REPLACE_COURSE_REGISTRATION);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let input = path_id(&req, "id").and_then(|id| {
        let body = RegistrationBody::read(body?)?;
        same_id(&id, body.id.as_deref())?;
        Ok((id, body))
    });
    answer(&req, &state, route, move |service, tx, caller| {
        let (id, body) = input?;
        let version = body.sys_version.map(|v| v as i64);
        Ok(answered(service.replace_registration(tx, caller, &id, &body.registration, version)?, None))
    })
    .await
}

/// A body's `id` must be the path's, when it gives one.
fn same_id(path: &ExternalId, body: Option<&str>) -> Result<(), OpError> {
    match body {
        Some(id) if id != path.as_str() => Err(OpError::wrong(
            ProblemKind::Value,
            "id",
            format!("id is '{id}' in the body but '{path}' in the path; a record keeps its id"),
        )),
        _ => Ok(()),
    }
}

/// The keys whose values are arrays or objects: a patch may give them as JSON text (some clients
/// send every value as a string), which is read as the JSON it holds.
const STRUCTURED: [&str; 4] = ["custom_field_values", "exam_offering_ids", "sys_calculated_field_errors", "sys_last_security_context"];

/// Applies RFC 6902 `directives` to the record as it is; the result must be a valid record.
fn patched(current: RegistrationView, directives: &Value) -> Result<(ExternalId, RegistrationBody), OpError> {
    let invalid = |message: String| OpError::wrong(ProblemKind::Value, "patch", message);
    let directives: json_patch::Patch = serde_json::from_value(directives.clone())
        .map_err(|e| invalid(format!("the body must be an array of RFC 6902 directives (op, path, value): {e}")))?;
    let id = ExternalId::parse(&current.id).map_err(|why| OpError::Internal(why.reason))?;
    // Every field is in the document patched, null when unset, so that `replace` finds it.
    let mut record = projected(current, None);
    if let Value::Object(fields) = &mut record {
        for field in super::model::FIELDS {
            fields.entry(field).or_insert(Value::Null);
        }
    }
    json_patch::patch(&mut record, &directives).map_err(|e| {
        let kind = if matches!(e.kind, json_patch::PatchErrorKind::TestFailed) { "its test failed" } else { "it cannot apply" };
        invalid(format!("directive {} ({}) {kind}: {}; nothing was changed", e.operation, e.path, e.kind))
    })?;
    if let Value::Object(fields) = &mut record {
        for key in STRUCTURED {
            if let Some(Value::String(text)) = fields.get(key)
                && let Ok(parsed @ (Value::Array(_) | Value::Object(_))) = serde_json::from_str::<Value>(text)
            {
                fields.insert(key.to_string(), parsed);
            }
        }
    }
    let body = RegistrationBody::read(record)?;
    same_id(&id, body.id.as_deref())?;
    Ok((id, body))
}

/// Changes a course registration with RFC 6902 directives, all or nothing.
#[utoipa::path(patch, path = "/courseRegistrations/{tenantId}/{id}", operation_id = "PatchCourseRegistration",
    params(("tenantId" = String, Path), ("id" = String, Path)),
    request_body = Vec<super::model::PatchDirective>,
    responses((status = 200, description = "The course registration was saved successfully.", body = CourseRegistration), Refusals),
    security(("api_key" = [])))]
pub async fn patch(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::PATCH_COURSE_REGISTRATION);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let id = path_id(&req, "id");
    answer(&req, &state, route, move |service, tx, caller| {
        let view = apply_patch(service, tx, caller, &id?, &body?)?;
        Ok(answered(view, None))
    })
    .await
}

/// Reads the record, applies the directives and writes the result, in the caller's transaction.
fn apply_patch(
    service: &crate::service::Service,
    tx: &mut crate::store::Tx<'_>,
    caller: &crate::domain::Principal,
    id: &ExternalId,
    directives: &Value,
) -> Result<RegistrationView, OpError> {
    let current = service.registration(tx, caller, id)?;
    let version = current.sys.version;
    let (id, body) = patched(current, directives)?;
    service.replace_registration(tx, caller, &id, &body.registration, Some(version))
}

#[utoipa::path(delete, path = "/courseRegistrations/{tenantId}/{id}", operation_id = "DeleteCourseRegistration",
    params(("tenantId" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The course registration was deleted: the answer is its id, as a JSON string.", body = String, content_type = "application/json"), Refusals),
    security(("api_key" = [])))]
pub async fn delete(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req, "id");
    answer(&req, &state, route_of(catalog::DELETE_COURSE_REGISTRATION), move |service, tx, caller| {
        let id = id?;
        service.delete_registration(tx, caller, &id)?;
        Ok(Value::String(id.to_string()))
    })
    .await
}

// Lookups

/// A listing's answer: the scan's bare array, or a lookup's page.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Listing {
    Bare(Vec<Answered>),
    Index(IndexPage),
}

/// A lookup route: its records one page at a time, as `{Count, Items, LastEvaluatedKey}` (the scan:
/// a bare array).
async fn lookup(
    req: HttpRequest,
    state: State,
    settings: Setup,
    operation: &'static Operation,
    which: impl FnOnce(&HttpRequest) -> Result<RegistrationLookup, OpError>,
    bare: bool,
) -> HttpResponse {
    let query = Query::of(&req);
    let page = query.page(&settings);
    let input = which(&req).and_then(|lookup| Ok((lookup, query.fields("fields", "fieldsToReturn")?)));
    answer(&req, &state, route_of(operation), move |service, tx, caller| {
        let (lookup, fields) = input?;
        let (items, key) = items(service.registrations(tx, caller, &lookup, &page, "exclusiveStartKey")?, fields.as_deref());
        Ok(if bare { Listing::Bare(items) } else { Listing::Index(IndexPage { count: items.len(), items, last_evaluated_key: key }) })
    })
    .await
}

macro_rules! lookup_route {
    ($handler:ident, $op:ident, $path:literal, $operation_id:literal, [$($param:literal),+], $lookup:expr) => {
        #[utoipa::path(get, path = concat!("/courseRegistrations/{tenantId}", $path), operation_id = $operation_id,
            params(("tenantId" = String, Path), $(($param = String, Path),)+ ("fields" = Option<String>, Query),
                ("exclusiveStartKey" = Option<String>, Query, description = "LastEvaluatedKey of the previous page")),
            responses((status = 200, description = "The records were retrieved successfully", body = IndexPage), Refusals),
            security(("api_key" = [])))]
        pub async fn $handler(req: HttpRequest, state: State, settings: Setup) -> HttpResponse {
            lookup(req, state, settings, catalog::$op, $lookup, false).await
        }
    };
}

lookup_route!(
    by_student,
    COURSE_REGISTRATIONS_BY_STUDENT,
    "/student/{student_id}",
    "GetCourseRegistrationsByStudent",
    ["student_id"],
    |req| { Ok(RegistrationLookup::Student(path_id(req, "student_id")?)) }
);
lookup_route!(by_course, COURSE_REGISTRATIONS_BY_COURSE, "/course/{course_id}", "GetCourseRegistrationsByCourse", ["course_id"], |req| {
    Ok(RegistrationLookup::Course(path_id(req, "course_id")?))
});
lookup_route!(
    by_student_course,
    COURSE_REGISTRATIONS_BY_STUDENT_COURSE,
    "/studentCourse/{student_id}/{course_id}",
    "GetCourseRegistrationsByStudentCourse",
    ["student_id", "course_id"],
    |req| Ok(RegistrationLookup::StudentCourse(path_id(req, "student_id")?, path_id(req, "course_id")?))
);
lookup_route!(
    by_application,
    COURSE_REGISTRATIONS_BY_APPLICATION,
    "/application/{application_id}",
    "GetCourseRegistrationsByApplication",
    ["application_id"],
    |req| Ok(RegistrationLookup::Application(path_id(req, "application_id")?))
);
lookup_route!(
    by_event_registration,
    COURSE_REGISTRATIONS_BY_EVENT_REGISTRATION,
    "/eventRegistration/{event_registration_id}",
    "GetCourseRegistrationsByEventRegistration",
    ["event_registration_id"],
    |req| Ok(RegistrationLookup::EventRegistration(path_id(req, "event_registration_id")?))
);
lookup_route!(by_order, COURSE_REGISTRATIONS_BY_ORDER, "/order/{order_id}", "GetCourseRegistrationsByOrder", ["order_id"], |req| {
    Ok(RegistrationLookup::Order(path_id(req, "order_id")?))
});

/// The registrations of a course offering; with `includeActiveOnly=true`, only those in force
/// (registered, attended, in progress, completed).
#[utoipa::path(get, path = "/courseRegistrations/{tenantId}/courseOffering/{course_offering_id}", operation_id = "GetCourseRegistrationsByCourseOffering",
    params(("tenantId" = String, Path), ("course_offering_id" = String, Path),
        ("includeActiveOnly" = Option<bool>, Query, description = "If true, only active/attended registrations"),
        ("fields" = Option<String>, Query), ("exclusiveStartKey" = Option<String>, Query)),
    responses((status = 200, description = "The records were retrieved successfully", body = IndexPage), Refusals),
    security(("api_key" = [])))]
pub async fn by_course_offering(req: HttpRequest, state: State, settings: Setup) -> HttpResponse {
    let which = |req: &HttpRequest| {
        let active = Query::of(req).flag("includeActiveOnly")?;
        Ok(RegistrationLookup::Offering(path_id(req, "course_offering_id")?, active))
    };
    lookup(req, state, settings, catalog::COURSE_REGISTRATIONS_BY_COURSE_OFFERING, which, false).await
}

// Search

#[utoipa::path(post, path = "/courseRegistrations/{tenantId}/search", operation_id = "SearchCourseRegistrations",
    params(("tenantId" = String, Path), ("exclusiveStartKey" = Option<String>, Query),
        ("fieldsToReturn" = Option<String>, Query, description = "Comma-separated fields to return; all when omitted")),
    request_body = SearchBody,
    responses((status = 200, description = "The course registration search was saved successfully.", body = SearchPage), Refusals),
    security(("api_key" = [])))]
pub async fn search(req: HttpRequest, state: State, settings: Setup, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::SEARCH_COURSE_REGISTRATIONS);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let query = Query::of(&req);
    let page = query.page(&settings);
    let input = (|| {
        let body: SearchBody = serde_path_to_error::deserialize(&body?).map_err(|e| {
            let field = e.path().to_string();
            OpError::wrong(ProblemKind::Type, field.clone(), format!("{field}: {}", e.into_inner()))
        })?;
        Ok::<_, OpError>((RegistrationSearch::try_from(body)?, query.fields("fieldsToReturn", "fields")?))
    })();
    answer(&req, &state, route, move |service, tx, caller| {
        let (criteria, fields) = input?;
        let (items, key) = items(service.search_registrations(tx, caller, &criteria, &page, "exclusiveStartKey")?, fields.as_deref());
        Ok(SearchPage { items, last_evaluated_key: key })
    })
    .await
}

// Orders, registrations from a process, preview e-mails

/// Generates the order that pays for the registration the body names (its `id`): an order
/// awaiting payment of the offering's fee. Answers the order's id and number.
#[utoipa::path(post, path = "/courseRegistrations/{tenantId}/generateOrder", operation_id = "GenerateOrder",
    params(("tenantId" = String, Path)),
    request_body = CourseRegistration,
    responses((status = 200, description = "The order was generated: its id and number.", body = Object), Refusals),
    security(("api_key" = [])))]
pub async fn generate_order(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::GENERATE_ORDER);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let id = body.and_then(|body| registration_named(&body));
    answer(&req, &state, route, move |service, tx, caller| {
        let (order_id, number) = service.generate_order(tx, caller, &id?)?;
        Ok(json!({ "order_id": order_id, "order_number": number }))
    })
    .await
}

/// The registration a body names by its `id` (its other keys must be keys of the record).
fn registration_named(body: &Value) -> Result<ExternalId, OpError> {
    let Value::Object(fields) = body else {
        return Err(OpError::wrong(ProblemKind::Type, "body", "the body must be a course registration: a JSON object"));
    };
    if let Some(unknown) = fields.keys().find(|key| !super::model::is_field(key)) {
        return Err(OpError::wrong(
            ProblemKind::TagMismatch,
            unknown.clone(),
            format!("{unknown} is not a field of a course registration"),
        ));
    }
    let id = fields
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| OpError::wrong(ProblemKind::Required, "id", "id is required: the course registration to generate the order for"))?;
    ExternalId::parse(id).map_err(|why| OpError::refused("id", why))
}

/// Generates a draft registration for a contact through a registration process.
#[utoipa::path(post, path = "/courseRegistrations/{tenantId}/generateRegistration/{processId}/{contactId}", operation_id = "GenerateRegistration",
    params(("tenantId" = String, Path), ("processId" = String, Path), ("contactId" = String, Path)),
    responses((status = 200, description = "The course registration was generated.", body = CourseRegistration), Refusals),
    security(("api_key" = [])))]
pub async fn generate_registration(req: HttpRequest, state: State) -> HttpResponse {
    let input = path_id(&req, "processId").and_then(|process| Ok((process, path_id(&req, "contactId")?)));
    answer(&req, &state, route_of(catalog::GENERATE_REGISTRATION), move |service, tx, caller| {
        let (process, contact) = input?;
        Ok(answered(service.generate_registration(tx, caller, &process, &contact)?, None))
    })
    .await
}

/// Queues the registration's confirmation e-mail to `destination_email_address`.
#[utoipa::path(post, path = "/courseRegistrations/{tenantId}/previewEmail", operation_id = "PreviewEmail",
    params(("tenantId" = String, Path)),
    request_body = PreviewEmailBody,
    responses((status = 200, description = "The e-mail was queued for sending.", body = Object), Refusals),
    security(("api_key" = [])))]
pub async fn preview_email(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::PREVIEW_REGISTRATION_EMAIL);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let input = body.and_then(|body| {
        serde_path_to_error::deserialize::<_, PreviewEmailBody>(&body).map_err(|e| {
            let field = e.path().to_string();
            OpError::wrong(ProblemKind::Type, field.clone(), format!("{field}: {}", e.into_inner()))
        })
    });
    answer(&req, &state, route, move |service, tx, caller| {
        let body = input?;
        let registration = ExternalId::parse(&body.registration_id).map_err(|why| OpError::refused("registration_id", why))?;
        let address =
            ExternalId::parse(&body.destination_email_address).map_err(|why| OpError::refused("destination_email_address", why))?;
        let queued = service.preview_registration_email(tx, caller, &registration, &address)?;
        Ok(json!({ "message_id": queued }))
    })
    .await
}

// Batch

/// Up to 100 patch or delete operations, each alone (one failing does not undo another), answered
/// in request order.
#[utoipa::path(post, path = "/courseRegistrations/{tenantId}/batch", operation_id = "BatchCourseRegistrations",
    params(("tenantId" = String, Path)),
    request_body = BatchBody,
    responses((status = 200, description = "Request completed successfully.", body = BatchAnswer), Refusals),
    security(("api_key" = [])))]
pub async fn batch(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let route = route_of(catalog::BATCH_COURSE_REGISTRATIONS);
    let body = match json_body(&req, &state, payload, route).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let Some(key) = super::key_of(&req) else {
        return failed(&req, route, OpError::Unauthenticated("send the integration key in the Authorization header".into()));
    };
    let tenant = super::tenant_of(&req);
    let request_id = RequestId::of(&req);
    // The caller and tenant are checked once, before any operation runs.
    let credentials = Credentials::IntegrationKey { face: FACE, key: key.clone() };
    let check = tenant.clone();
    let entered = kit::run(&state, &request_id, route.operation.access, credentials, move |service, tx, caller, _| {
        service.enter_rhythm_tenant(tx, caller, &check)?;
        service.admit(caller)
    })
    .await;
    if let Answer::Failed(error) = entered {
        return failed(&req, route, error);
    }
    let operations = match body.and_then(|body| {
        serde_json::from_value::<BatchBody>(body)
            .map_err(|e| OpError::wrong(ProblemKind::Type, "operations", format!("the body must be {{\"operations\": [...]}}: {e}")))
    }) {
        Ok(batch) if batch.operations.len() > 100 => {
            let count = batch.operations.len();
            let error = OpError::wrong(ProblemKind::Limit, "operations", format!("a batch holds at most 100 operations; got {count}"));
            return failed(&req, route, error);
        }
        Ok(batch) => batch.operations,
        Err(error) => return failed(&req, route, error),
    };
    let mut results = Vec::with_capacity(operations.len());
    for (index, operation) in operations.into_iter().enumerate() {
        results.push(batch_item(&state, &request_id, &key, index, operation).await);
    }
    let error_count = results.iter().filter(|result| result.error.is_some()).count();
    kit::observe(&req, FACE, route.operation.name, Outcome::Success, None);
    HttpResponse::Ok().json(BatchAnswer { success_count: results.len() - error_count, error_count, results })
}

/// One operation of a batch, in its own transaction (the key was checked against the tenant for
/// the whole batch).
async fn batch_item(state: &AppState, request_id: &str, key: &str, index: usize, operation: Value) -> BatchResult {
    let declared_id = operation.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    let declared_op = match operation.get("op").or_else(|| operation.get("type")).and_then(Value::as_str) {
        Some("delete") => BatchOp::Delete,
        _ => BatchOp::Patch,
    };
    let refused = |op: BatchOp, id: String, error: OpError, wording: &Wording| {
        let (status, message) = errors::status_of(&error, &[Entity::Registration], wording);
        let body = errors::body(&error, message, request_id);
        BatchResult { id, op, status: status.as_u16(), result: None, error: Some(serde_json::to_value(body).expect("errors serialize")) }
    };
    let operation: BatchOperation = match serde_json::from_value(operation) {
        Ok(operation) => operation,
        Err(e) => {
            let error = OpError::wrong(ProblemKind::Type, format!("operations[{index}]"), format!("operations[{index}]: {e}"));
            return refused(declared_op, declared_id, error, &errors::BATCH);
        }
    };
    let (op, wording) = match operation.op {
        BatchOp::Patch => (BatchOp::Patch, &errors::PATCH),
        BatchOp::Delete => (BatchOp::Delete, &errors::DELETE),
    };
    let id = match ExternalId::parse(&operation.id) {
        Ok(id) => id,
        Err(why) => return refused(op, operation.id, OpError::refused(format!("operations[{index}].id"), why), wording),
    };
    let directives = match (op, operation.patch) {
        (BatchOp::Patch, None) => {
            let error =
                OpError::wrong(ProblemKind::Required, format!("operations[{index}].patch"), "a patch operation needs its patch directives");
            return refused(op, id.to_string(), error, wording);
        }
        (_, directives) => directives,
    };
    let credentials = Credentials::IntegrationKey { face: FACE, key: key.to_string() };
    let access = crate::store::Access::Write;
    let target = id.clone();
    let outcome = kit::run(state, request_id, access, credentials, move |service, tx, caller, sink| {
        let answer = match directives {
            Some(directives) => projected(apply_patch(service, tx, caller, &target, &directives)?, None),
            None => {
                service.delete_registration(tx, caller, &target)?;
                Value::Null
            }
        };
        kit_json::JsonOut::new(sink).value(&answer)
    })
    .await;
    match outcome {
        Answer::Whole(bytes) => {
            let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let result = serde_json::from_value::<CourseRegistration>(value).ok();
            BatchResult { id: id.to_string(), op, status: 200, result, error: None }
        }
        Answer::Streaming(_) => BatchResult { id: id.to_string(), op, status: 200, result: None, error: None },
        Answer::Failed(error) => refused(op, id.to_string(), error, wording),
    }
}
