//! Webhook subscriptions: where a tenant's change events are delivered, and what became of each
//! delivery. A subscription is made through one face and names its events in that face's words
//! (the JSON mirror's dotted names, Academy Of Mine's event words); every face's subscriptions are
//! fed from the one change feed.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::changes::require_account_wide;
use super::{Entity, OpError, Service};
use crate::domain::Principal;
use crate::domain::changes::{EventKind, EventSelection, Naming, WebhookSecret, WebhookUrl};
use crate::store::Tx;
use crate::store::webhooks::{self, NewSubscription, SubscriptionChanges, SubscriptionRow};

/// Deliveries in one page of a subscription's list when the caller gives no limit, and at most.
pub const DEFAULT_DELIVERIES: i64 = 50;
pub const MAX_DELIVERIES: i64 = 500;

/// What a new subscription says.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: WebhookUrl,
    pub events: EventSelection,
    /// The signing secret; a new one is made when absent.
    pub secret: Option<WebhookSecret>,
    pub active: bool,
}

/// A change to a subscription: what is given replaces what is.
#[derive(Debug, Clone, Default)]
pub struct WebhookChange {
    pub url: Option<WebhookUrl>,
    pub events: Option<EventSelection>,
    pub secret: Option<WebhookSecret>,
    pub active: Option<bool>,
}

/// A subscription as the faces show it (its secret included: the subscriber signs nothing, but
/// verifies with it).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What became of one event for one subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub event_id: String,
    /// The event's name in the subscription's naming.
    pub event: String,
    pub data: Value,
    /// `pending`, `delivered` or `dead`.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

fn webhook_of(naming: Naming, row: SubscriptionRow) -> Webhook {
    Webhook {
        id: row.external_id,
        url: row.url,
        events: EventSelection::from_stored(naming, &row.events).names().to_vec(),
        secret: row.secret,
        active: row.active,
        created_at: row.created_at.0,
        updated_at: row.updated_at.0,
    }
}

fn find(tx: &mut Tx<'_>, principal: &Principal, naming: Naming, id: &str) -> Result<SubscriptionRow, OpError> {
    webhooks::find(tx, principal.tenant_id, naming.as_str(), id)?.ok_or_else(|| OpError::not_found(Entity::Webhook, id))
}

impl Service {
    pub fn create_webhook(&self, tx: &mut Tx<'_>, principal: &Principal, naming: Naming, new: NewWebhook) -> Result<Webhook, OpError> {
        require_account_wide(principal)?;
        let now = super::now();
        let id = format!("wh_{}", uuid::Uuid::new_v4().simple());
        let secret = new.secret.unwrap_or_else(WebhookSecret::generate);
        webhooks::insert(
            tx,
            &NewSubscription {
                tenant_id: principal.tenant_id,
                external_id: &id,
                face: naming.as_str(),
                url: new.url.as_str(),
                events: &new.events.stored(),
                secret: secret.as_str(),
                active: new.active,
                created_at: now,
                updated_at: now,
            },
        )?;
        Ok(webhook_of(naming, find(tx, principal, naming, &id)?))
    }

    pub fn webhooks(&self, tx: &mut Tx<'_>, principal: &Principal, naming: Naming) -> Result<Vec<Webhook>, OpError> {
        require_account_wide(principal)?;
        Ok(webhooks::list(tx, principal.tenant_id, naming.as_str())?.into_iter().map(|row| webhook_of(naming, row)).collect())
    }

    pub fn webhook(&self, tx: &mut Tx<'_>, principal: &Principal, naming: Naming, id: &str) -> Result<Webhook, OpError> {
        require_account_wide(principal)?;
        Ok(webhook_of(naming, find(tx, principal, naming, id)?))
    }

    pub fn update_webhook(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        naming: Naming,
        id: &str,
        change: WebhookChange,
    ) -> Result<Webhook, OpError> {
        require_account_wide(principal)?;
        let row = find(tx, principal, naming, id)?;
        let events = change.events.map_or(row.events.clone(), |events| events.stored());
        webhooks::update(
            tx,
            row.id,
            &SubscriptionChanges {
                url: change.url.as_ref().map_or(row.url.as_str(), WebhookUrl::as_str),
                events: &events,
                secret: change.secret.as_ref().map_or(row.secret.as_str(), WebhookSecret::as_str),
                active: change.active.unwrap_or(row.active),
                updated_at: super::now(),
            },
        )?;
        Ok(webhook_of(naming, find(tx, principal, naming, id)?))
    }

    /// Deletes a subscription with its deliveries, delivered or not.
    pub fn delete_webhook(&self, tx: &mut Tx<'_>, principal: &Principal, naming: Naming, id: &str) -> Result<(), OpError> {
        require_account_wide(principal)?;
        let row = find(tx, principal, naming, id)?;
        Ok(webhooks::delete(tx, row.id)?)
    }

    /// A subscription's deliveries, newest first, with ids below `before` when given.
    pub fn webhook_deliveries(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        naming: Naming,
        id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, OpError> {
        require_account_wide(principal)?;
        let row = find(tx, principal, naming, id)?;
        let rows = webhooks::deliveries(tx, row.id, before, limit)?;
        rows.into_iter()
            .map(|d| {
                let kind = EventKind::from_code(d.kind).ok_or_else(|| OpError::Internal(format!("unknown event kind {}", d.kind)))?;
                // What was sent: the face's own payload, or else the event's data.
                let data = match d.payload.as_deref().or(d.data.as_deref()) {
                    Some(text) => serde_json::from_str(text).map_err(|e| OpError::Internal(e.to_string()))?,
                    None => Value::Null,
                };
                Ok(Delivery {
                    id: d.id,
                    event_id: format!("evt_{}", d.event_id),
                    event: naming.name_of(kind).unwrap_or(kind.name()).to_string(),
                    data,
                    next_attempt_at: (d.state == "pending").then_some(d.next_attempt_at.0),
                    state: d.state,
                    attempts: d.attempts,
                    last_attempt_at: d.last_attempt_at.map(|t| t.0),
                    last_status: d.last_status,
                    last_error: d.last_error,
                    delivered_at: d.delivered_at.map(|t| t.0),
                    created_at: d.created_at.0,
                })
            })
            .collect()
    }

    /// Sends again one delivery of a subscription (`delivery`), or every dead one: each goes back in
    /// the queue, due now, with its attempts reset. Returns how many.
    pub fn replay_webhook(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        naming: Naming,
        id: &str,
        delivery: Option<i64>,
    ) -> Result<usize, OpError> {
        require_account_wide(principal)?;
        let row = find(tx, principal, naming, id)?;
        let replayed = webhooks::replay(tx, row.id, delivery, super::now())?;
        if let (Some(delivery), 0) = (delivery, replayed) {
            return Err(OpError::not_found(Entity::WebhookDelivery, &delivery.to_string()));
        }
        Ok(replayed)
    }
}
