//! The learning-path routes beyond enrolling: the detail and overview reports, a path's activity,
//! the paths a portal offers (with its learners' progress, or the caller's), and a user's paths.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::answer;
use super::input::{Input, attribute, path_id};
use super::model;
use super::routes::Refusals;
use crate::domain::progress::{CourseStatus, PathStage};
use crate::service::catalog;
use crate::service::paths::{PathFilter, PathOrder, PathReportRequest};
use crate::service::progress::ViewType;
use crate::service::{Entity, OpError, ProblemKind};
use crate::state::AppState;

type State = web::Data<AppState>;

/// A status as the path lists word it: `registered`, `started`, `completed`, or a course's words.
fn stage(field: &str, word: &Value) -> Result<CourseStatus, OpError> {
    let name = attribute(field);
    let word = word.as_str().ok_or_else(|| OpError::wrong(ProblemKind::Type, field, format!("The {name} field must hold texts.")))?;
    PathStage::parse_any_case(word)
        .map(PathStage::status)
        .or_else(|_| CourseStatus::parse_any_case(word))
        .map_err(|_| OpError::wrong(ProblemKind::Enumeration, field, format!("The selected {name} is invalid.")))
}

/// A `[from, to]` range of days (`Y-m-d`, either empty) under `key` of the search.
fn day_range(
    search: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<(Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>), OpError> {
    let Some(range) = search.get(key).filter(|v| !v.is_null()) else { return Ok((None, None)) };
    let Value::Array(bounds) = range else {
        return Err(OpError::wrong(
            ProblemKind::Type,
            format!("search_param.{key}"),
            format!("The search param.{} field must be an array.", attribute(key)),
        ));
    };
    let bound = |index: usize| -> Result<Option<chrono::NaiveDateTime>, OpError> {
        let Some(text) = bounds.get(index).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
        let field = format!("search_param.{key}.{index}");
        let day = chrono::NaiveDate::parse_from_str(&text[..text.len().min(10)], "%Y-%m-%d").map_err(|_| {
            OpError::wrong(ProblemKind::Type, &field, format!("The {} field must match the format Y-m-d.", attribute(&field)))
        })?;
        Ok(Some(if index == 0 {
            day.and_time(chrono::NaiveTime::MIN)
        } else {
            day.and_hms_nano_opt(23, 59, 59, 999_999_999).expect("a valid time")
        }))
    };
    Ok((bound(0)?, bound(1)?))
}

/// The filter of a path list: `search_param` (`status`, a name under any of `names`, and the
/// `registered_on`/`completed_on` ranges), `order_by` (a column and a direction), and the page.
/// `name` orders by the learner's name in a list of a path's learners (`learners`), else by the
/// path's.
fn path_filter(input: &Input, names: &[&str], learners: bool) -> Result<PathFilter, OpError> {
    let (page_number, page_size) = input.page()?;
    let mut filter = PathFilter { page_number, page_size, ..PathFilter::default() };
    match input.json("search_param")? {
        None => {}
        Some(Value::Array(items)) if items.is_empty() => {}
        Some(Value::Object(search)) => {
            filter.statuses = match search.get("status") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(words)) => words.iter().map(|w| stage("search_param.status", w)).collect::<Result<_, _>>()?,
                Some(word @ Value::String(_)) => vec![stage("search_param.status", word)?],
                Some(_) => {
                    return Err(OpError::wrong(
                        ProblemKind::Type,
                        "search_param.status",
                        "The search param.status field must be an array.",
                    ));
                }
            };
            filter.name_or_email = names
                .iter()
                .find_map(|name| search.get(*name).and_then(Value::as_str))
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string);
            filter.registered = day_range(&search, "registered_on")?;
            filter.completed = day_range(&search, "completed_on")?;
        }
        Some(_) => return Err(OpError::wrong(ProblemKind::Type, "search_param", "The search param field must be a JSON object.")),
    }
    filter.descending = match input.json("order_by") {
        Ok(None) => false,
        Ok(Some(Value::Object(order))) => {
            filter.order = match order.get("colName").or(order.get("field")).and_then(Value::as_str) {
                None | Some("registered_on" | "created_at" | "id") => PathOrder::Registered,
                Some("started_on") => PathOrder::Started,
                Some("name") if learners => PathOrder::LearnerName,
                Some("name" | "learningPathName" | "learning_path_name") => PathOrder::PathName,
                Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid.")),
            };
            match order.get("direction").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(_) => {
                    return Err(OpError::wrong(
                        ProblemKind::Enumeration,
                        "order_by.direction",
                        "The selected order by.direction is invalid.",
                    ));
                }
            }
        }
        Ok(Some(Value::Array(items))) if items.is_empty() => false,
        _ => return Err(OpError::wrong(ProblemKind::Enumeration, "order_by", "The selected order by is invalid.")),
    };
    Ok(filter)
}

/// A JSON list of ids in a path segment (`[1,2]`, also percent-encoded, or `1,2`); `-1` among
/// them is every one.
fn ids_in_path(req: &HttpRequest, name: &str) -> Result<Option<Vec<i64>>, OpError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let text = decoded.trim().trim_start_matches('[').trim_end_matches(']');
    let ids = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| part.trim_matches('"').parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| OpError::wrong(ProblemKind::Type, name, format!("The {} field must be a list of integers.", attribute(name))))?;
    if ids.is_empty() {
        return Err(OpError::wrong(ProblemKind::Required, name, format!("The {} field is required.", attribute(name))));
    }
    Ok((!ids.contains(&-1)).then_some(ids))
}

/// The learning path detail report: learners of the paths, within the portals.
#[utoipa::path(get, path = "/api/reports/learning-paths/{searchPortalIds}/{learning_path_ids}", operation_id = "LearningPathDetailReport",
    params(("searchPortalIds" = String, Path, description = "[1,2]; [-1]: every portal"),
        ("learning_path_ids" = String, Path, description = "[1,2]; [-1]: every learning path"),
        ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\": \"registered_on\", \"direction\": \"desc\"}"),
        ("search_param" = Option<String>, Query, description = "{\"status\": [\"registered\", \"started\"], \"registered_on\": [\"2021-01-01\", \"2021-01-31\"], \"completed_on\": [..], \"nameOrEmail\": \"John\"}")),
    responses((status = 200, description = "The report.", body = model::PathReportAnswer), Refusals))]
pub async fn path_report(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<PathReportRequest, OpError> = (|| {
        let portals = ids_in_path(&req, "searchPortalIds")?.unwrap_or_default();
        let paths = ids_in_path(&req, "learning_path_ids")?;
        Ok(PathReportRequest { paths, portals, filter: path_filter(&input, &["nameOrEmail"], true)? })
    })();
    answer(&req, &state, catalog::PATH_DETAIL_REPORT, StatusCode::OK, move |service, tx, caller| {
        Ok(model::PathReportAnswer::from(service.path_report(tx, caller, &request?)?))
    })
    .await
}

/// The learning paths overview: each path's learners by status, and the sums.
#[utoipa::path(get, path = "/api/reports/learning-paths-overview", operation_id = "LearningPathsOverviewReport",
    params(("searchPortalIds" = Option<Vec<i64>>, Query, description = "searchPortalIds=1&searchPortalIds=2 (or searchPortalIds[]=1); none or -1: every portal")),
    responses((status = 200, description = "The overview.", body = model::OverviewAnswer), Refusals))]
pub async fn paths_overview(req: HttpRequest, state: State) -> HttpResponse {
    let portals: Result<Vec<i64>, OpError> = form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(name, _)| name == "searchPortalIds" || name == "searchPortalIds[]")
        .flat_map(|(_, value)| {
            value.trim().trim_start_matches('[').trim_end_matches(']').split(',').map(str::to_string).collect::<Vec<_>>()
        })
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            part.trim()
                .parse::<i64>()
                .map_err(|_| OpError::wrong(ProblemKind::Type, "searchPortalIds", "The search portal ids field must hold integers."))
        })
        .filter(|id| !matches!(id, Ok(-1)))
        .collect();
    answer(&req, &state, catalog::PATHS_OVERVIEW_REPORT, StatusCode::OK, move |service, tx, caller| {
        Ok(model::paths_overview(service.paths_overview(tx, caller, &portals?)?))
    })
    .await
}

/// A learning path's activity (`context=lp`), or every learning path's (`context=portal`), within
/// the portal.
#[utoipa::path(get, path = "/api/learning-paths/activities", operation_id = "LearningPathActivities",
    params(("learning_path_id" = i64, Query), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\":\"created_at\", \"direction\": \"desc\"}"),
        ("search_param" = Option<String>, Query, description = "{\"name\": \"John\"}: the learner's name or e-mail"),
        ("context" = String, Query, description = "portal or lp"),
        ("portalId" = i64, Query, description = "-1: every portal")),
    responses((status = 200, description = "The activity.", body = model::PathActivities), Refusals))]
pub async fn path_activities(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let path = input.required_int("learning_path_id")?;
        let every_path = match input.text("context")?.map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).as_deref() {
            Some("portal") => true,
            Some("lp") => false,
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "context", "The selected context is invalid.")),
            None => return Err(OpError::wrong(ProblemKind::Required, "context", "The context field is required.")),
        };
        input.required_int("portalId")?;
        let oldest_first = super::routes::activity_order(&input)?;
        // The seed searches by `name` (the learner's, as the records name it).
        let name = match input.json("search_param")? {
            None => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(Value::Object(search)) => search
                .get("name")
                .or(search.get("nameOrEmail"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            Some(_) => return Err(OpError::wrong(ProblemKind::Type, "search_param", "The search param field must be a JSON object.")),
        };
        Ok((path, every_path, input.portal("portalId")?, name, oldest_first, input.page()?))
    })();
    answer(&req, &state, catalog::PATH_ACTIVITIES, StatusCode::OK, move |service, tx, caller| {
        let (path, every_path, portal, name, oldest_first, (number, size)) = request?;
        let (total, filtered, entries) =
            service.path_activity(tx, caller, path, every_path, portal, name.as_deref(), oldest_first, number, size)?;
        Ok(model::PathActivities {
            records_total: total,
            records_filtered: filtered,
            records: entries.into_iter().map(Into::into).collect(),
        })
    })
    .await
}

fn portal_in_path(req: &HttpRequest) -> Result<i64, OpError> {
    path_id(req, "portalId").ok_or_else(|| OpError::not_found(Entity::Portal, req.match_info().get("portalId").unwrap_or_default()))
}

/// The learning paths a portal offers, with the progress of its learners (and its sub-portals').
#[utoipa::path(get, path = "/api/portals/{portalId}/learning-paths", operation_id = "PortalLearningPathList",
    params(("portalId" = i64, Path), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\": \"name\", \"direction\": \"desc\"}"),
        ("search_param" = Option<String>, Query, description = "{\"learningPathName\": \"Security\"}"),
        ("type" = String, Query, description = "all, or active (published only)")),
    responses((status = 200, description = "The portal's learning paths.", body = model::PortalPaths), Refusals))]
pub async fn portal_paths(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = portal_in_path(&req).and_then(|portal| {
        let published_only = match input.text("type")?.map(|t| t.trim().trim_matches('"').to_ascii_lowercase()).as_deref() {
            Some("all") => false,
            Some("active") => true,
            Some(_) => return Err(OpError::wrong(ProblemKind::Enumeration, "type", "The selected type is invalid.")),
            None => return Err(OpError::wrong(ProblemKind::Required, "type", "The type field is required.")),
        };
        let filter = path_filter(&input, &["learningPathName", "name"], false)?;
        Ok((portal, published_only, filter))
    });
    answer(&req, &state, catalog::PORTAL_PATHS, StatusCode::OK, move |service, tx, caller| {
        let (portal, published_only, filter) = request?;
        let (portal_name, total, filtered, paths) = service.portal_paths(
            tx,
            caller,
            portal,
            published_only,
            filter.name_or_email.as_deref(),
            filter.descending,
            filter.page_number,
            filter.page_size,
        )?;
        Ok(model::PortalPaths {
            portal_name,
            records_total: total,
            records_filtered: filtered,
            records: paths.into_iter().map(model::PortalPathRecord::of).collect(),
        })
    })
    .await
}

/// The learning paths a portal offers the caller, with where the caller stands in each.
#[utoipa::path(get, path = "/api/portals/{portalId}/my-learning-paths", operation_id = "MyPortalLearningPaths",
    params(("portalId" = i64, Path), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = Option<String>, Query, description = "{\"colName\": \"name\", \"direction\": \"desc\"}"),
        ("search_param" = Option<String>, Query, description = "{\"name\": \"Security\", \"status\": [\"registered\", \"started\"]}")),
    responses((status = 200, description = "The portal's learning paths for the caller.", body = model::MyPaths), Refusals))]
pub async fn my_portal_paths(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request = portal_in_path(&req).and_then(|portal| Ok((portal, path_filter(&input, &["name", "learningPathName"], false)?)));
    answer(&req, &state, catalog::MY_PORTAL_PATHS, StatusCode::OK, move |service, tx, caller| {
        let (portal, filter) = request?;
        let (total, filtered, paths) = service.my_portal_paths(tx, caller, portal, &filter)?;
        Ok(model::MyPaths::of(total, filtered, paths))
    })
    .await
}

/// A user's learning paths (`viewType` self: the caller's own).
#[utoipa::path(get, path = "/api/users/learning-paths", operation_id = "UserLearningPaths",
    params(("user_id" = i64, Query), ("portalId" = i64, Query, description = "-1: every portal"),
        ("viewType" = String, Query, description = "self or manage"), ("page_size" = i64, Query), ("page_number" = i64, Query),
        ("order_by" = String, Query, description = "{\"colName\":\"started_on\",\"direction\":\"desc\"}"),
        ("search_param" = String, Query, description = "{\"status\":[\"Not Started\",\"In Progress\"],\"nameOrEmail\":\"Security\"}")),
    responses((status = 200, description = "The user's learning paths.", body = model::UserPathsAnswer), Refusals))]
pub async fn user_paths(req: HttpRequest, state: State) -> HttpResponse {
    let input = Input::query(&req);
    let request: Result<_, OpError> = (|| {
        let user = input.required_int("user_id")?;
        input.required_int("portalId")?;
        let view = super::routes::view_type(&input)?;
        super::routes::require_present(&input, &["order_by", "search_param"])?;
        Ok((user, view, input.portal("portalId")?, path_filter(&input, &["nameOrEmail", "name"], false)?))
    })();
    answer(&req, &state, catalog::USER_PATHS, StatusCode::OK, move |service, tx, caller| {
        let (user, view, portal, filter): (i64, ViewType, Option<i64>, PathFilter) = request?;
        Ok(model::UserPathsAnswer::from(service.user_paths(tx, caller, user, view, portal, &filter)?))
    })
    .await
}
