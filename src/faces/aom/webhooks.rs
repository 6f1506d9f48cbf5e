//! Academy Of Mine's webhook administration (reference §6): endpoints registered for its event
//! words (`course_enrolled`, `course_completed`, …), and each endpoint's log. They run on the one
//! change feed, as the JSON mirror's subscriptions do, and are signed the same way.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::answer;
use super::input::Input;
use super::routes::{Refusals, State};
use crate::domain::changes::{EventSelection, Naming, WebhookSecret, WebhookUrl};
use crate::domain::values::ExternalId;
use crate::service::catalog;
use crate::service::webhooks::{Delivery, MAX_DELIVERIES, NewWebhook, Webhook, WebhookChange};
use crate::service::{OpError, ProblemKind};

/// Laravel's date display (`Y-m-d H:i:s`).
fn laravel(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `{id, message}` (and the secret deliveries are signed with) after a save.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    pub id: String,
    pub message: String,
    /// The Standard Webhooks secret (`whsec_…`) deliveries to this endpoint are signed with.
    pub secret: String,
}

/// A row of the endpoint list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    /// The event words, comma-separated.
    pub events: String,
    pub author: String,
    pub active: bool,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookRows {
    pub data: Vec<WebhookRow>,
}

/// A row of an endpoint's log: one event, delivered (`success`), given up (`failed`) or still
/// being tried (`pending`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogRow {
    pub id: i64,
    pub event: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub status: &'static str,
    pub error_message: Option<String>,
    #[serde(rename = "created_at")]
    pub created_at: String,
    pub show_data: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogRows {
    pub data: Vec<LogRow>,
}

fn row(webhook: Webhook, author: &str) -> WebhookRow {
    WebhookRow {
        id: webhook.id,
        url: webhook.url,
        events: webhook.events.join(","),
        author: author.to_string(),
        active: webhook.active,
        created_at: laravel(webhook.created_at),
    }
}

fn log_row(delivery: Delivery) -> LogRow {
    LogRow {
        id: delivery.id,
        event: delivery.event,
        data: delivery.data,
        status: match delivery.state.as_str() {
            "delivered" => "success",
            "dead" => "failed",
            _ => "pending",
        },
        error_message: delivery.last_error,
        created_at: laravel(delivery.created_at),
        show_data: true,
    }
}

/// `eventList`: a list of event words (or one word).
fn event_list(input: &Input, required: bool) -> Result<Option<EventSelection>, OpError> {
    let names: Vec<String> = match input.json("eventList")? {
        None if required => return Err(OpError::wrong(ProblemKind::Required, "eventList", "The event list field is required.")),
        None => return Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| OpError::wrong(ProblemKind::Type, "eventList", "The event list field must be a list of event names."))
            })
            .collect::<Result<_, _>>()?,
        Some(Value::String(name)) => vec![name],
        Some(_) => return Err(OpError::wrong(ProblemKind::Type, "eventList", "The event list field must be a list of event names.")),
    };
    EventSelection::parse(Naming::Academy, &names)
        .map(Some)
        .map_err(|why| OpError::wrong(why.rule.into(), "eventList", format!("The event list {}", why.reason)))
}

fn url(input: &Input, required: bool) -> Result<Option<WebhookUrl>, OpError> {
    match input.text("url")? {
        None if required => Err(OpError::wrong(ProblemKind::Required, "url", "The url field is required.")),
        None => Ok(None),
        Some(text) => {
            WebhookUrl::parse(&text).map(Some).map_err(|why| OpError::wrong(why.rule.into(), "url", format!("The url {}", why.reason)))
        }
    }
}

fn secret(input: &Input) -> Result<Option<WebhookSecret>, OpError> {
    input
        .text("secret")?
        .map(|text| {
            WebhookSecret::parse(&text).map_err(|why| OpError::wrong(why.rule.into(), "secret", format!("The secret {}", why.reason)))
        })
        .transpose()
}

fn webhook_id(req: &HttpRequest) -> Result<String, OpError> {
    let raw = req.match_info().get("id").unwrap_or_default();
    ExternalId::parse(raw).map(|id| id.to_string()).map_err(|why| OpError::refused("id", why))
}

/// Registers an endpoint for event words.
#[utoipa::path(post, path = "/api/webhooks", operation_id = "CreateWebhook",
    request_body(content = Object, description = "{\"url\": \"https://crm.example/hook\", \"eventList\": [\"course_enrolled\", \"course_completed\"], \"secret\": \"whsec_…\" (optional), \"isActive\": true}"),
    responses((status = 200, description = "Webhook saved successfully", body = Saved), Refusals))]
pub async fn create(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = input.and_then(|input| {
        Ok(NewWebhook {
            url: url(&input, true)?.expect("required"),
            events: event_list(&input, true)?.expect("required"),
            secret: secret(&input)?,
            active: input.flag("isActive")?.unwrap_or(true),
        })
    });
    answer(&req, &state, catalog::CREATE_WEBHOOK, StatusCode::OK, move |service, tx, caller| {
        let made = service.create_webhook(tx, caller, Naming::Academy, request?)?;
        Ok(Saved { id: made.id, message: "Webhook saved successfully".into(), secret: made.secret })
    })
    .await
}

/// The endpoints registered, oldest first.
#[utoipa::path(get, path = "/api/webhooks", operation_id = "ListWebhooks",
    responses((status = 200, description = "The endpoints", body = WebhookRows), Refusals))]
pub async fn list(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::LIST_WEBHOOKS, StatusCode::OK, move |service, tx, caller| {
        let webhooks = service.webhooks(tx, caller, Naming::Academy)?;
        Ok(WebhookRows { data: webhooks.into_iter().map(|w| row(w, &caller.subject)).collect() })
    })
    .await
}

/// Changes an endpoint: what is given replaces what is.
#[utoipa::path(put, path = "/api/webhooks/{id}", operation_id = "UpdateWebhook",
    params(("id" = String, Path, description = "The endpoint's id.")),
    request_body(content = Object, description = "{\"url\": …, \"eventList\": […], \"secret\": …, \"isActive\": false}"),
    responses((status = 200, description = "Webhook updated successfully", body = Saved), Refusals))]
pub async fn update(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    let input = Input::with_body(&req, &state, payload).await;
    let request = webhook_id(&req).and_then(|id| {
        let input = input?;
        Ok((
            id,
            WebhookChange {
                url: url(&input, false)?,
                events: event_list(&input, false)?,
                secret: secret(&input)?,
                active: input.flag("isActive")?,
            },
        ))
    });
    answer(&req, &state, catalog::UPDATE_WEBHOOK, StatusCode::OK, move |service, tx, caller| {
        let (id, change) = request?;
        let changed = service.update_webhook(tx, caller, Naming::Academy, &id, change)?;
        Ok(Saved { id: changed.id, message: "Webhook updated successfully".into(), secret: changed.secret })
    })
    .await
}

/// The same as `PUT` (Laravel's resource routes take both).
#[utoipa::path(patch, path = "/api/webhooks/{id}", operation_id = "UpdateWebhookByPatch",
    params(("id" = String, Path, description = "The endpoint's id.")),
    request_body(content = Object, description = "As for PUT"),
    responses((status = 200, description = "Webhook updated successfully", body = Saved), Refusals))]
pub async fn update_by_patch(req: HttpRequest, state: State, payload: web::Payload) -> HttpResponse {
    update(req, state, payload).await
}

/// Removes an endpoint and its log.
#[utoipa::path(delete, path = "/api/webhooks/{id}", operation_id = "DeleteWebhook",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "Webhook deleted successfully", body = super::model::Message), Refusals))]
pub async fn delete(req: HttpRequest, state: State) -> HttpResponse {
    let id = webhook_id(&req);
    answer(&req, &state, catalog::DELETE_WEBHOOK, StatusCode::OK, move |service, tx, caller| {
        service.delete_webhook(tx, caller, Naming::Academy, &id?)?;
        Ok(super::model::Message { message: "Webhook deleted successfully".into() })
    })
    .await
}

/// The endpoint's log, newest first: one row per event sent to it.
#[utoipa::path(get, path = "/api/webhooks/{id}/logs", operation_id = "WebhookLogs",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The log", body = LogRows), Refusals))]
pub async fn logs(req: HttpRequest, state: State) -> HttpResponse {
    let id = webhook_id(&req);
    answer(&req, &state, catalog::LIST_WEBHOOK_DELIVERIES, StatusCode::OK, move |service, tx, caller| {
        let deliveries = service.webhook_deliveries(tx, caller, Naming::Academy, &id?, None, MAX_DELIVERIES)?;
        Ok(LogRows { data: deliveries.into_iter().map(log_row).collect() })
    })
    .await
}
