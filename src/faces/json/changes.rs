//! The change feed and webhook subscriptions in the JSON mirror.
//!
//! `GET /api/v1/changes` answers the account's events in commit order from a cursor; webhooks
//! deliver the same events, each POSTed as `{"id", "type", "occurredAt", "data"}` and signed as
//! Standard Webhooks says. Event types are the dotted names of [`EventType`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::model::{Success, parse, parse_optional};
use super::openapi::Problems;
use super::{Rejection, body, reject, run};
use crate::domain::changes::{EventKind, EventSelection, Naming, WebhookSecret, WebhookUrl};
use crate::domain::values::{self, ExternalId};
use crate::faces::kit::query::Query;
use crate::service::changes::{Change, parse_cursor, parse_limit};
use crate::service::webhooks::{DEFAULT_DELIVERIES, Delivery, MAX_DELIVERIES, NewWebhook, Webhook, WebhookChange};
use crate::service::{OpError, ProblemKind};
use crate::state::AppState;

type Reply = Result<actix_web::HttpResponse, Rejection>;
type State = web::Data<AppState>;

fn instant(t: chrono::NaiveDateTime) -> String {
    values::utc_text(&t).to_string()
}

/// An event's type: one of the dotted names listed here.
pub struct EventType;

impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let names: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.name()).collect();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .description(Some("What changed: the entity, a dot, and what happened to it"))
            .into()
    }
}

impl ToSchema for EventType {}

/// An event a subscription may name: a type, or `*` for every one.
pub struct EventChoice;

impl utoipa::PartialSchema for EventChoice {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let names: Vec<&str> = std::iter::once("*").chain(EventKind::ALL.iter().map(|kind| kind.name())).collect();
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)).description(Some("An event type, or * for all")).into()
    }
}

impl ToSchema for EventChoice {}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEvent {
    /// The event's id, the same in every webhook delivery of it.
    pub id: String,
    #[serde(rename = "type")]
    #[schema(schema_with = <EventType as utoipa::PartialSchema>::schema)]
    pub kind: String,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// The changed thing when the event was published, by the ids the rest of the API uses.
    #[schema(value_type = Object)]
    pub data: Value,
}

impl From<Change> for ChangeEvent {
    fn from(change: Change) -> Self {
        ChangeEvent { id: change.event_id(), kind: change.kind.name().into(), occurred_at: instant(change.occurred_at), data: change.data }
    }
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePage {
    pub events: Vec<ChangeEvent>,
    /// Give it as `cursor` to read on from the last event of this page (the same cursor when the
    /// page is empty: nothing newer yet).
    pub next_cursor: String,
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhookBody {
    /// Where deliveries are POSTed (http or https).
    #[schema(max_length = 2048)]
    pub url: String,
    #[schema(schema_with = event_choices)]
    pub events: Vec<String>,
    /// `whsec_` and the base64 of 24 to 64 bytes; a new one is made when absent.
    pub secret: Option<String>,
    /// False to hold deliveries (events are not queued for it meanwhile); default true.
    pub active: Option<bool>,
}

fn event_choices() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new().items(<EventChoice as utoipa::PartialSchema>::schema()).min_items(Some(1)).build()
}

impl TryFrom<NewWebhookBody> for NewWebhook {
    type Error = OpError;

    fn try_from(body: NewWebhookBody) -> Result<Self, OpError> {
        Ok(NewWebhook {
            url: parse(&body.url, "url", WebhookUrl::parse)?,
            events: EventSelection::parse(Naming::Dotted, &body.events).map_err(|why| OpError::refused("events", why))?,
            secret: parse_optional(body.secret.as_deref(), "secret", WebhookSecret::parse)?,
            active: body.active.unwrap_or(true),
        })
    }
}

/// `PATCH /api/v1/webhooks/{webhookId}`: what is given replaces what is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookChangeBody {
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    #[schema(schema_with = event_choices)]
    pub events: Option<Vec<String>>,
    pub secret: Option<String>,
    pub active: Option<bool>,
}

impl TryFrom<WebhookChangeBody> for WebhookChange {
    type Error = OpError;

    fn try_from(body: WebhookChangeBody) -> Result<Self, OpError> {
        Ok(WebhookChange {
            url: parse_optional(body.url.as_deref(), "url", WebhookUrl::parse)?,
            events: body
                .events
                .map(|events| EventSelection::parse(Naming::Dotted, &events).map_err(|why| OpError::refused("events", why)))
                .transpose()?,
            secret: parse_optional(body.secret.as_deref(), "secret", WebhookSecret::parse)?,
            active: body.active,
        })
    }
}

/// A subscription.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAnswer {
    pub id: String,
    pub url: String,
    #[schema(schema_with = event_choices)]
    pub events: Vec<String>,
    /// The signing secret, to verify deliveries with.
    pub secret: String,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Webhook> for WebhookAnswer {
    fn from(w: Webhook) -> Self {
        WebhookAnswer {
            id: w.id,
            url: w.url,
            events: w.events,
            secret: w.secret,
            active: w.active,
            created_at: instant(w.created_at),
            updated_at: instant(w.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookAnswer>,
}

/// What became of one event for one subscription.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAnswer {
    pub delivery_id: i64,
    pub event_id: String,
    #[schema(schema_with = <EventType as utoipa::PartialSchema>::schema)]
    pub event_type: String,
    /// `pending` (queued, or waiting for its next attempt), `delivered` or `dead` (every attempt
    /// failed; replay it to try again).
    pub state: String,
    pub attempts: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub next_attempt_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
    /// The receiver's HTTP status at the last attempt, if it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Delivery> for DeliveryAnswer {
    fn from(d: Delivery) -> Self {
        DeliveryAnswer {
            delivery_id: d.id,
            event_id: d.event_id,
            event_type: d.event,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.map(instant),
            last_attempt_at: d.last_attempt_at.map(instant),
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(instant),
            created_at: instant(d.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryAnswer>,
}

/// `POST /api/v1/webhooks/{webhookId}/replay`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplayBody {
    /// The delivery to send again; without it, every dead delivery of the subscription.
    #[schema(minimum = 1)]
    pub delivery_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    /// How many deliveries went back in the queue.
    pub replayed: usize,
}

fn parsed<T>(req: &HttpRequest, parsed: Result<T, OpError>) -> Result<T, Rejection> {
    parsed.map_err(|e| reject(req, e))
}

fn webhook_id(req: &HttpRequest) -> Result<String, Rejection> {
    let raw = req.match_info().get("webhookId").unwrap_or_default();
    parsed(req, parse(raw, "webhookId", ExternalId::parse)).map(|id| id.to_string())
}

fn positive(query: &Query, name: &str) -> Result<Option<i64>, OpError> {
    query
        .one(name)?
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| OpError::wrong(ProblemKind::Type, name, format!("{name} must be a positive whole number; got '{v}'")))
        })
        .transpose()
}

/// The account's events after `cursor` (from the first when absent), in commit order.
#[utoipa::path(get, path = "/api/v1/changes", tag = "changes", operation_id = "getChanges",
    params(
        ("cursor" = Option<String>, Query, description = "The nextCursor of the page before; absent: from the first event"),
        ("limit" = Option<i32>, Query, minimum = 1, maximum = 1000, description = "Events in the page; default 100"),
    ),
    responses((status = 200, description = "The next events and the cursor after them", body = ChangePage), Problems),
    security(("bearer" = [])))]
pub async fn get_changes(req: HttpRequest, state: State) -> Reply {
    let query = parsed(&req, Query::parse(&req, &["cursor", "limit"]))?;
    let cursor = parsed(&req, query.one("cursor").and_then(|c| c.as_deref().map(parse_cursor).transpose()))?.unwrap_or(0);
    let limit = parsed(&req, query.int("limit").and_then(parse_limit))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let page = service.changes(tx, caller, cursor, limit)?;
        out.value(&ChangePage {
            next_cursor: page.next_cursor.to_string(),
            events: page.events.into_iter().map(ChangeEvent::from).collect(),
        })
    })
    .await
}

/// Subscribes a URL to events: each is POSTed to it, signed with the subscription's secret.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "changes", operation_id = "createWebhook",
    request_body = NewWebhookBody,
    responses((status = 201, description = "Created; the answer carries the id and the secret", body = WebhookAnswer), Problems),
    security(("bearer" = [])))]
pub async fn create_webhook(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let new = parsed(&req, NewWebhook::try_from(body::<NewWebhookBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        out.value(&WebhookAnswer::from(service.create_webhook(tx, caller, Naming::Dotted, new)?))
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "changes", operation_id = "listWebhooks",
    responses((status = 200, description = "The account's subscriptions", body = WebhookList), Problems),
    security(("bearer" = [])))]
pub async fn list_webhooks(req: HttpRequest, state: State) -> Reply {
    parsed(&req, Query::parse(&req, &[]))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let webhooks = service.webhooks(tx, caller, Naming::Dotted)?;
        out.value(&WebhookList { webhooks: webhooks.into_iter().map(WebhookAnswer::from).collect() })
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/webhooks/{webhookId}", tag = "changes", operation_id = "getWebhook",
    params(("webhookId" = String, Path, max_length = 255)),
    responses((status = 200, description = "The subscription", body = WebhookAnswer), Problems),
    security(("bearer" = [])))]
pub async fn get_webhook(req: HttpRequest, state: State) -> Reply {
    let id = webhook_id(&req)?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&WebhookAnswer::from(service.webhook(tx, caller, Naming::Dotted, &id)?))
    })
    .await
}

#[utoipa::path(patch, path = "/api/v1/webhooks/{webhookId}", tag = "changes", operation_id = "updateWebhook",
    params(("webhookId" = String, Path, max_length = 255)),
    request_body = WebhookChangeBody,
    responses((status = 200, description = "The subscription, changed", body = WebhookAnswer), Problems),
    security(("bearer" = [])))]
pub async fn update_webhook(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let id = webhook_id(&req)?;
    let change = parsed(&req, WebhookChange::try_from(body::<WebhookChangeBody>(&req, &state, bytes).await?))?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        out.value(&WebhookAnswer::from(service.update_webhook(tx, caller, Naming::Dotted, &id, change)?))
    })
    .await
}

/// Deletes a subscription and its deliveries; nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/webhooks/{webhookId}", tag = "changes", operation_id = "deleteWebhook",
    params(("webhookId" = String, Path, max_length = 255)),
    responses((status = 200, description = "Deleted", body = Success), Problems),
    security(("bearer" = [])))]
pub async fn delete_webhook(req: HttpRequest, state: State) -> Reply {
    let id = webhook_id(&req)?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.delete_webhook(tx, caller, Naming::Dotted, &id)?;
        out.value(&Success { success: true })
    })
    .await
}

/// A subscription's deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{webhookId}/deliveries", tag = "changes", operation_id = "listWebhookDeliveries",
    params(
        ("webhookId" = String, Path, max_length = 255),
        ("before" = Option<i64>, Query, minimum = 1, description = "Only deliveries with smaller ids (the last deliveryId of the page before)"),
        ("limit" = Option<i32>, Query, minimum = 1, maximum = 500, description = "Default 50"),
    ),
    responses((status = 200, description = "Deliveries", body = DeliveryList), Problems),
    security(("bearer" = [])))]
pub async fn list_webhook_deliveries(req: HttpRequest, state: State) -> Reply {
    let id = webhook_id(&req)?;
    let query = parsed(&req, Query::parse(&req, &["before", "limit"]))?;
    let before = parsed(&req, positive(&query, "before"))?;
    let limit = parsed(
        &req,
        query.int("limit").and_then(|limit| match limit.map(i64::from) {
            None => Ok(DEFAULT_DELIVERIES),
            Some(n) if (1..=MAX_DELIVERIES).contains(&n) => Ok(n),
            Some(n) => Err(OpError::invalid("limit", format!("limit must be 1 to {MAX_DELIVERIES}; got {n}"))),
        }),
    )?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let deliveries = service.webhook_deliveries(tx, caller, Naming::Dotted, &id, before, limit)?;
        out.value(&DeliveryList { deliveries: deliveries.into_iter().map(DeliveryAnswer::from).collect() })
    })
    .await
}

/// Sends a delivery again, or every dead one: back in the queue, in their order, attempts reset.
#[utoipa::path(post, path = "/api/v1/webhooks/{webhookId}/replay", tag = "changes", operation_id = "replayWebhookDeliveries",
    params(("webhookId" = String, Path, max_length = 255)),
    request_body = ReplayBody,
    responses((status = 200, description = "How many went back in the queue", body = Replayed), Problems),
    security(("bearer" = [])))]
pub async fn replay_webhook_deliveries(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let id = webhook_id(&req)?;
    let replay = body::<ReplayBody>(&req, &state, bytes).await?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        let replayed = service.replay_webhook(tx, caller, Naming::Dotted, &id, replay.delivery_id)?;
        out.value(&Replayed { replayed })
    })
    .await
}
