//! The SCIM face's registration list and its handlers.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::errors::{self, Refusal};
use super::filter::{self, Resolver};
use super::model::{self, DEFAULT_COUNT, ENTERPRISE, GROUP, MAX_RESULTS, SEARCH_REQUEST, SchemaDef, USER};
use super::patch::{self, Schemas};
use super::{FACE, GROUP_URNS, Groups, MOUNT, Reply, USER_URNS, Users, answer, base_url, refused};
use crate::domain::directory::{Condition, Sort, Window};
use crate::domain::values::ExternalId;
use crate::faces::kit::answer_panics;
use crate::faces::kit::body::{self, Allowance};
use crate::metrics::Outcome;
use crate::service::catalog::{self, Operation};
use crate::service::directory::DirectoryQuery;
use crate::service::{Clash, OpError};
use crate::state::AppState;

type State = web::Data<AppState>;

/// One route of the face: its method, its path under [`MOUNT`], and the catalog operation it
/// reaches (none for discovery, which reads no database).
pub struct Registered {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: Option<&'static Operation>,
}

const fn route(method: &'static str, path: &'static str, operation: &'static Operation) -> Registered {
    Registered { method, path, operation: Some(operation) }
}

const fn discovery(path: &'static str) -> Registered {
    Registered { method: "GET", path, operation: None }
}

/// Every route of the face.
pub const ROUTES: &[Registered] = &[
    discovery("/ServiceProviderConfig"),
    discovery("/ResourceTypes"),
    discovery("/ResourceTypes/{id}"),
    discovery("/Schemas"),
    discovery("/Schemas/{id}"),
    route("GET", "/Users", catalog::LIST_DIRECTORY_USERS),
    route("POST", "/Users/.search", catalog::LIST_DIRECTORY_USERS),
    route("POST", "/Users", catalog::PROVISION_USER),
    route("GET", "/Users/{id}", catalog::GET_DIRECTORY_USER),
    route("PUT", "/Users/{id}", catalog::REPLACE_DIRECTORY_USER),
    route("PATCH", "/Users/{id}", catalog::PATCH_DIRECTORY_USER),
    route("DELETE", "/Users/{id}", catalog::DEPROVISION_USER),
    route("GET", "/Groups", catalog::LIST_DIRECTORY_GROUPS),
    route("POST", "/Groups/.search", catalog::LIST_DIRECTORY_GROUPS),
    route("POST", "/Groups", catalog::PROVISION_GROUP),
    route("GET", "/Groups/{id}", catalog::GET_DIRECTORY_GROUP),
    route("PUT", "/Groups/{id}", catalog::REPLACE_DIRECTORY_GROUP),
    route("PATCH", "/Groups/{id}", catalog::PATCH_DIRECTORY_GROUP),
    route("DELETE", "/Groups/{id}", catalog::DEPROVISION_GROUP),
    route("POST", "/.search", catalog::LIST_DIRECTORY_USERS),
];

/// Mounts the face at [`MOUNT`]: each path answers its methods, 405 the others, and every other
/// path under the mount a SCIM 404.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let not_allowed = || web::to(method_not_allowed);
    let scope = web::scope(MOUNT)
        .wrap(from_fn(|req, next| answer_panics(errors::panicked, FACE, req, next)))
        .service(web::resource("/ServiceProviderConfig").route(web::get().to(service_provider_config)).default_service(not_allowed()))
        .service(web::resource("/ResourceTypes").route(web::get().to(resource_types)).default_service(not_allowed()))
        .service(web::resource("/ResourceTypes/{id}").route(web::get().to(resource_type)).default_service(not_allowed()))
        .service(web::resource("/Schemas").route(web::get().to(schemas)).default_service(not_allowed()))
        .service(web::resource("/Schemas/{id}").route(web::get().to(schema)).default_service(not_allowed()))
        .service(web::resource("/.search").route(web::post().to(search_everything)).default_service(not_allowed()))
        .service(web::resource("/Users/.search").route(web::post().to(search_users)).default_service(not_allowed()))
        .service(web::resource("/Users").route(web::get().to(list_users)).route(web::post().to(create_user)).default_service(not_allowed()))
        .service(
            web::resource("/Users/{id}")
                .route(web::get().to(get_user))
                .route(web::put().to(replace_user))
                .route(web::patch().to(patch_user))
                .route(web::delete().to(delete_user))
                .default_service(not_allowed()),
        )
        .service(web::resource("/Groups/.search").route(web::post().to(search_groups)).default_service(not_allowed()))
        .service(
            web::resource("/Groups").route(web::get().to(list_groups)).route(web::post().to(create_group)).default_service(not_allowed()),
        )
        .service(
            web::resource("/Groups/{id}")
                .route(web::get().to(get_group))
                .route(web::put().to(replace_group))
                .route(web::patch().to(patch_group))
                .route(web::delete().to(delete_group))
                .default_service(not_allowed()),
        )
        .default_service(web::to(unknown_path));
    cfg.service(scope);
}

const USER_SCHEMAS: &[&SchemaDef] = &[&USER, &ENTERPRISE];
const GROUP_SCHEMAS: &[&SchemaDef] = &[&GROUP];
const USER_PATCH: Schemas = Schemas { core: &USER, extensions: &[&ENTERPRISE] };
const GROUP_PATCH: Schemas = Schemas { core: &GROUP, extensions: &[] };

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    refused(&req, "method_not_allowed", Refusal::method_not_allowed(req.method().as_str(), req.path()))
}

async fn unknown_path(req: HttpRequest) -> HttpResponse {
    refused(&req, "unknown", Refusal::not_found(format!("{} is not an endpoint of this SCIM service", req.path())))
}

fn discovered(req: &HttpRequest, operation: &'static str, body: Value) -> HttpResponse {
    crate::faces::kit::observe(req, FACE, operation, Outcome::Success, None);
    HttpResponse::Ok().content_type(super::SCIM_JSON).body(body.to_string())
}

async fn service_provider_config(req: HttpRequest) -> HttpResponse {
    discovered(&req, "ServiceProviderConfig", model::service_provider_config(&base_url(&req)))
}

async fn resource_types(req: HttpRequest) -> HttpResponse {
    let types = model::resource_types(&base_url(&req));
    discovered(&req, "ResourceTypes", model::list_response(types.len() as i64, 1, types))
}

async fn resource_type(req: HttpRequest) -> HttpResponse {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    match model::resource_types(&base_url(&req)).into_iter().find(|t| t["id"] == id.as_str()) {
        Some(found) => discovered(&req, "ResourceTypes", found),
        None => refused(&req, "ResourceTypes", Refusal::not_found(format!("no resource type '{id}': there are User and Group"))),
    }
}

async fn schemas(req: HttpRequest) -> HttpResponse {
    let base = base_url(&req);
    let all: Vec<Value> = model::SCHEMAS.iter().map(|s| model::schema_json(s, &base)).collect();
    discovered(&req, "Schemas", model::list_response(all.len() as i64, 1, all))
}

async fn schema(req: HttpRequest) -> HttpResponse {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    match model::SCHEMAS.iter().find(|s| s.id.eq_ignore_ascii_case(&id)) {
        Some(found) => discovered(&req, "Schemas", model::schema_json(found, &base_url(&req))),
        None => refused(&req, "Schemas", Refusal::not_found(format!("no schema '{id}'"))),
    }
}

/// A search of every resource type (RFC 7644 §3.4.3 at the root): users, then groups, as one
/// list to page through. A filter or sort naming attributes one type lacks leaves that type out;
/// naming attributes neither has is refused.
async fn search_everything(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let list = json_body(&req, &state, payload).await.and_then(|body| ListRequest::from_body(&body));
    answer(&req, &state, catalog::LIST_DIRECTORY_USERS, move |service, tx, caller| {
        let list = list?;
        let window = list.window();
        let (users, groups) = match (list.query(&Users, USER_URNS), list.query(&Groups, GROUP_URNS)) {
            (Err(refusal), Err(_)) => return Err(refusal),
            (users, groups) => (users.ok(), groups.ok()),
        };
        let mut resources = Vec::new();
        let mut total = 0;
        if let Some(query) = users {
            let page = service.directory_users(tx, caller, &query)?;
            total += page.total;
            resources.extend(page.items.iter().map(|user| projected(model::user_json(user, &base), &list, USER_SCHEMAS)));
        }
        if let Some(mut query) = groups {
            // The groups continue the users' list: the page's room left, from where the users end.
            let users_total = total;
            let room = window.count - resources.len() as i64;
            let reaches_groups = window.start + window.count - 1 > users_total;
            query.window = Window { start: (window.start - users_total).max(1), count: if reaches_groups { room } else { 0 } };
            let page = service.directory_groups(tx, caller, &query)?;
            total += page.total;
            resources.extend(page.items.iter().map(|group| projected(model::group_json(group, &base), &list, GROUP_SCHEMAS)));
        }
        Ok(Reply::ok(model::list_response(total, window.start, resources)))
    })
    .await
}

/// What a list or search asks for: its filter text, page, sort and projection.
#[derive(Default)]
struct ListRequest {
    filter: Option<String>,
    start: Option<i64>,
    count: Option<i64>,
    sort_by: Option<String>,
    descending: bool,
    attributes: Vec<String>,
    excluded: Vec<String>,
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn whole_number(name: &str, text: &str) -> Result<i64, Refusal> {
    text.trim().parse().map_err(|_| Refusal::invalid_value(format!("{name} must be a whole number; got '{text}'")))
}

fn sort_order(text: &str) -> Result<bool, Refusal> {
    match text.to_ascii_lowercase().as_str() {
        "ascending" => Ok(false),
        "descending" => Ok(true),
        _ => Err(Refusal::invalid_value(format!("sortOrder must be ascending or descending; got '{text}'"))),
    }
}

impl ListRequest {
    fn from_query(req: &HttpRequest) -> Result<Self, Refusal> {
        let mut list = ListRequest::default();
        for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
            match name.to_ascii_lowercase().as_str() {
                "filter" => list.filter = Some(value.into_owned()),
                "startindex" => list.start = Some(whole_number("startIndex", &value)?),
                "count" => list.count = Some(whole_number("count", &value)?),
                "sortby" => list.sort_by = Some(value.into_owned()),
                "sortorder" => list.descending = sort_order(&value)?,
                "attributes" => list.attributes.extend(comma_list(&value)),
                "excludedattributes" => list.excluded.extend(comma_list(&value)),
                _ => {}
            }
        }
        Ok(list)
    }

    /// A SearchRequest body (RFC 7644 §3.4.3).
    fn from_body(body: &Value) -> Result<Self, Refusal> {
        let Value::Object(body) = body else { return Err(Refusal::invalid_syntax("the body must be a SearchRequest: a JSON object")) };
        match model::field(body, "schemas") {
            Some(Value::Array(listed)) if listed.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(SEARCH_REQUEST))) => {}
            _ => return Err(Refusal::invalid_syntax(format!("schemas must list {SEARCH_REQUEST}"))),
        }
        let text = |name: &str| -> Result<Option<String>, Refusal> {
            match model::field(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(Refusal::invalid_value(format!("{name} must be a string; got {other}"))),
            }
        };
        let number = |name: &str| -> Result<Option<i64>, Refusal> {
            match model::field(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => {
                    value.as_i64().map(Some).ok_or_else(|| Refusal::invalid_value(format!("{name} must be a whole number; got {value}")))
                }
            }
        };
        let names = |name: &str| -> Result<Vec<String>, Refusal> {
            match model::field(body, name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        item.as_str().map(str::to_string).ok_or_else(|| Refusal::invalid_value(format!("{name} must list strings")))
                    })
                    .collect(),
                Some(Value::String(s)) => Ok(comma_list(s)),
                Some(other) => Err(Refusal::invalid_value(format!("{name} must be an array of attribute paths; got {other}"))),
            }
        };
        Ok(ListRequest {
            filter: text("filter")?,
            start: number("startIndex")?,
            count: number("count")?,
            sort_by: text("sortBy")?,
            descending: text("sortOrder")?.map(|s| sort_order(&s)).transpose()?.unwrap_or(false),
            attributes: names("attributes")?,
            excluded: names("excludedAttributes")?,
        })
    }

    /// The page: `startIndex` below 1 is 1; `count` below 0 is 0, above the maximum the maximum.
    fn window(&self) -> Window {
        Window { start: self.start.unwrap_or(1).max(1), count: self.count.unwrap_or(DEFAULT_COUNT).clamp(0, MAX_RESULTS) }
    }

    fn query<A: Copy>(&self, resolver: &dyn Resolver<A>, urns: &[&str]) -> Result<DirectoryQuery<A>, Refusal> {
        let condition: Option<Condition<A>> = match &self.filter {
            Some(text) => Some(filter::resolve(&filter::parse(text, urns)?, resolver)?),
            None => None,
        };
        let sort = match &self.sort_by {
            Some(path) => {
                let parsed = filter::attr_path(path, urns).map_err(|r| Refusal::invalid_value(format!("sortBy: {}", r.detail)))?;
                let by = resolver.attribute(&parsed, None).ok_or_else(|| {
                    Refusal::invalid_value(format!("sortBy: '{path}' is not an attribute this resource can be sorted by"))
                })?;
                Some(Sort { by, descending: self.descending })
            }
            None => None,
        };
        Ok(DirectoryQuery { condition, sort, window: self.window() })
    }
}

/// The JSON body of a request (`application/scim+json` or `application/json`), within the ordinary limit.
async fn json_body(req: &HttpRequest, state: &AppState, payload: web::Payload) -> Result<Value, Refusal> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime != "application/json" && !mime.ends_with("+json") {
        return Err(Refusal {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            scim_type: None,
            detail: format!("send the body as application/scim+json; got '{content_type}'"),
            retry_after: None,
        });
    }
    let bytes = body::read(req, payload, state.body_limits, Allowance::Ordinary).await?;
    serde_json::from_slice(&bytes).map_err(|e| Refusal::invalid_syntax(format!("the body is not JSON: {e}")))
}

fn path_id(req: &HttpRequest) -> Result<ExternalId, Refusal> {
    let raw = req.match_info().get("id").unwrap_or_default();
    ExternalId::parse(raw).map_err(|_| Refusal::not_found(format!("no resource '{raw}'")))
}

/// The versions `If-Match` lists (`None` without the header or with `*`).
fn if_match(req: &HttpRequest) -> Option<Vec<String>> {
    let value = req.headers().get(header::IF_MATCH)?.to_str().ok()?.trim().to_string();
    (value != "*").then(|| comma_list(&value))
}

/// Refuses the change when the resource's version is not one `If-Match` lists (weak comparison).
fn check_version(expected: &Option<Vec<String>>, current: &Value) -> Result<(), Refusal> {
    let Some(expected) = expected else { return Ok(()) };
    let version = model::version_of(current);
    let strip = |tag: &str| tag.trim().trim_start_matches("W/").trim_matches('"').to_string();
    if expected.iter().any(|tag| strip(tag) == strip(&version)) {
        return Ok(());
    }
    Err(Refusal::from(OpError::Conflict {
        what: Clash::StaleVersion,
        detail: format!("the resource's version is {version}, not the If-Match {}; read it again", expected.join(", ")),
    }))
}

fn projected(resource: Value, list: &ListRequest, schemas: &[&SchemaDef]) -> Value {
    if list.attributes.is_empty() && list.excluded.is_empty() {
        resource
    } else {
        model::project(resource, &list.attributes, &list.excluded, schemas)
    }
}

/// The `attributes`/`excludedAttributes` of a single-resource request.
fn projection(req: &HttpRequest) -> Result<ListRequest, Refusal> {
    ListRequest::from_query(req)
}

// Users

async fn list_users(req: HttpRequest, state: State) -> HttpResponse {
    let list = ListRequest::from_query(&req);
    users_page(req, state, list).await
}

async fn search_users(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let list = json_body(&req, &state, payload).await.and_then(|body| ListRequest::from_body(&body));
    users_page(req, state, list).await
}

async fn users_page(req: HttpRequest, state: State, list: Result<ListRequest, Refusal>) -> HttpResponse {
    let base = base_url(&req);
    answer(&req, &state, catalog::LIST_DIRECTORY_USERS, move |service, tx, caller| {
        let list = list?;
        let query = list.query(&Users, USER_URNS)?;
        let page = service.directory_users(tx, caller, &query)?;
        let resources = page.items.iter().map(|user| projected(model::user_json(user, &base), &list, USER_SCHEMAS)).collect();
        Ok(Reply::ok(model::list_response(page.total, query.window.start, resources)))
    })
    .await
}

async fn get_user(req: HttpRequest, state: State) -> HttpResponse {
    let base = base_url(&req);
    let input = path_id(&req).and_then(|id| Ok((id, projection(&req)?)));
    let unchanged_if = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(comma_list);
    answer(&req, &state, catalog::GET_DIRECTORY_USER, move |service, tx, caller| {
        let (id, list) = input?;
        let resource = model::user_json(&service.directory_user(tx, caller, &id)?, &base);
        if let (Some(tags), Some(version)) = (&unchanged_if, resource["meta"]["version"].as_str())
            && tags.iter().any(|tag| tag == version || tag == "*")
        {
            return Ok(Reply { status: StatusCode::NOT_MODIFIED, body: None, etag: Some(version.to_string()), location: None });
        }
        let reply = Reply::resource(StatusCode::OK, resource);
        Ok(Reply { body: reply.body.map(|body| projected(body, &list, USER_SCHEMAS)), ..reply })
    })
    .await
}

async fn create_user(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let input = json_body(&req, &state, payload).await.and_then(|body| model::user_input(&body));
    answer(&req, &state, catalog::PROVISION_USER, move |service, tx, caller| {
        let user = service.provision_user(tx, caller, &input?)?;
        Ok(Reply::resource(StatusCode::CREATED, model::user_json(&user, &base)))
    })
    .await
}

async fn replace_user(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let input = match json_body(&req, &state, payload).await {
        Ok(body) => path_id(&req).and_then(|id| Ok((id, model::user_input(&body)?))),
        Err(refusal) => Err(refusal),
    };
    answer(&req, &state, catalog::REPLACE_DIRECTORY_USER, move |service, tx, caller| {
        let (id, input) = input?;
        check_version(&expected, &model::user_json(&service.directory_user(tx, caller, &id)?, &base))?;
        let user = service.replace_directory_user(tx, caller, &id, &input)?;
        Ok(Reply::resource(StatusCode::OK, model::user_json(&user, &base)))
    })
    .await
}

async fn patch_user(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let input = match json_body(&req, &state, payload).await {
        Ok(body) => path_id(&req).map(|id| (id, body)),
        Err(refusal) => Err(refusal),
    };
    answer(&req, &state, catalog::PATCH_DIRECTORY_USER, move |service, tx, caller| {
        let (id, body) = input?;
        let mut resource = model::user_json(&service.directory_user(tx, caller, &id)?, &base);
        check_version(&expected, &resource)?;
        patch::apply(&mut resource, &body, &USER_PATCH)?;
        let user = service.replace_directory_user(tx, caller, &id, &model::user_input(&resource)?)?;
        Ok(Reply::resource(StatusCode::OK, model::user_json(&user, &base)))
    })
    .await
}

async fn delete_user(req: HttpRequest, state: State) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let id = path_id(&req);
    answer(&req, &state, catalog::DEPROVISION_USER, move |service, tx, caller| {
        let id = id?;
        if expected.is_some() {
            check_version(&expected, &model::user_json(&service.directory_user(tx, caller, &id)?, &base))?;
        }
        service.deprovision_user(tx, caller, &id)?;
        Ok(Reply::no_content())
    })
    .await
}

// Groups

async fn list_groups(req: HttpRequest, state: State) -> HttpResponse {
    let list = ListRequest::from_query(&req);
    groups_page(req, state, list).await
}

async fn search_groups(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let list = json_body(&req, &state, payload).await.and_then(|body| ListRequest::from_body(&body));
    groups_page(req, state, list).await
}

async fn groups_page(req: HttpRequest, state: State, list: Result<ListRequest, Refusal>) -> HttpResponse {
    let base = base_url(&req);
    answer(&req, &state, catalog::LIST_DIRECTORY_GROUPS, move |service, tx, caller| {
        let list = list?;
        let query = list.query(&Groups, GROUP_URNS)?;
        let page = service.directory_groups(tx, caller, &query)?;
        let resources = page.items.iter().map(|group| projected(model::group_json(group, &base), &list, GROUP_SCHEMAS)).collect();
        Ok(Reply::ok(model::list_response(page.total, query.window.start, resources)))
    })
    .await
}

async fn get_group(req: HttpRequest, state: State) -> HttpResponse {
    let base = base_url(&req);
    let input = path_id(&req).and_then(|id| Ok((id, projection(&req)?)));
    let unchanged_if = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(comma_list);
    answer(&req, &state, catalog::GET_DIRECTORY_GROUP, move |service, tx, caller| {
        let (id, list) = input?;
        let resource = model::group_json(&service.directory_group(tx, caller, &id)?, &base);
        if let (Some(tags), Some(version)) = (&unchanged_if, resource["meta"]["version"].as_str())
            && tags.iter().any(|tag| tag == version || tag == "*")
        {
            return Ok(Reply { status: StatusCode::NOT_MODIFIED, body: None, etag: Some(version.to_string()), location: None });
        }
        let reply = Reply::resource(StatusCode::OK, resource);
        Ok(Reply { body: reply.body.map(|body| projected(body, &list, GROUP_SCHEMAS)), ..reply })
    })
    .await
}

async fn create_group(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let input = json_body(&req, &state, payload).await.and_then(|body| model::group_input(&body));
    answer(&req, &state, catalog::PROVISION_GROUP, move |service, tx, caller| {
        let group = service.provision_group(tx, caller, &input?)?;
        Ok(Reply::resource(StatusCode::CREATED, model::group_json(&group, &base)))
    })
    .await
}

async fn replace_group(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let input = match json_body(&req, &state, payload).await {
        Ok(body) => path_id(&req).and_then(|id| Ok((id, model::group_input(&body)?))),
        Err(refusal) => Err(refusal),
    };
    answer(&req, &state, catalog::REPLACE_DIRECTORY_GROUP, move |service, tx, caller| {
        let (id, input) = input?;
        check_version(&expected, &model::group_json(&service.directory_group(tx, caller, &id)?, &base))?;
        let group = service.replace_directory_group(tx, caller, &id, &input)?;
        Ok(Reply::resource(StatusCode::OK, model::group_json(&group, &base)))
    })
    .await
}

async fn patch_group(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let input = match json_body(&req, &state, payload).await {
        Ok(body) => path_id(&req).map(|id| (id, body)),
        Err(refusal) => Err(refusal),
    };
    answer(&req, &state, catalog::PATCH_DIRECTORY_GROUP, move |service, tx, caller| {
        let (id, body) = input?;
        let mut resource = model::group_json(&service.directory_group(tx, caller, &id)?, &base);
        check_version(&expected, &resource)?;
        patch::apply(&mut resource, &body, &GROUP_PATCH)?;
        let group = service.replace_directory_group(tx, caller, &id, &model::group_input(&resource)?)?;
        Ok(Reply::resource(StatusCode::OK, model::group_json(&group, &base)))
    })
    .await
}

async fn delete_group(req: HttpRequest, state: State) -> HttpResponse {
    let base = base_url(&req);
    let expected = if_match(&req);
    let id = path_id(&req);
    answer(&req, &state, catalog::DEPROVISION_GROUP, move |service, tx, caller| {
        let id = id?;
        if expected.is_some() {
            check_version(&expected, &model::group_json(&service.directory_group(tx, caller, &id)?, &base))?;
        }
        service.deprovision_group(tx, caller, &id)?;
        Ok(Reply::no_content())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every provisioning operation is reached by the face, and every route reaches the catalog's.
    #[test]
    fn every_directory_operation_is_reachable_on_the_scim_face() {
        for operation in catalog::DIRECTORY {
            let routes = ROUTES.iter().filter(|route| route.operation == Some(*operation)).count();
            assert!(routes >= 1, "{} is reached", operation.name);
        }
        assert!(ROUTES.iter().filter_map(|route| route.operation).all(|op| catalog::DIRECTORY.contains(&op)));
    }
}
