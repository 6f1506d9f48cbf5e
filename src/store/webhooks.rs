//! Webhook subscriptions and their deliveries: one row per event and subscription, pending until
//! delivered or dead.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{change_event, webhook_delivery, webhook_subscription};
use super::time::DateTimeColumn;
use super::{Tx, on_conn};
use crate::domain::changes::{EventSelection, Naming};

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_subscription)]
pub struct NewSubscription<'a> {
    pub tenant_id: i64,
    pub external_id: &'a str,
    pub face: &'a str,
    pub url: &'a str,
    pub events: &'a str,
    pub secret: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(tx: &mut Tx<'_>, row: &NewSubscription<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(webhook_subscription::table).values(row).returning(webhook_subscription::id).get_result(c))
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct SubscriptionRow {
    pub id: i64,
    pub external_id: String,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub created_at: DateTimeColumn,
    pub updated_at: DateTimeColumn,
}

macro_rules! subscription_columns {
    () => {
        (
            webhook_subscription::id,
            webhook_subscription::external_id,
            webhook_subscription::url,
            webhook_subscription::events,
            webhook_subscription::secret,
            webhook_subscription::active,
            webhook_subscription::created_at,
            webhook_subscription::updated_at,
        )
    };
}

/// The tenant's subscriptions made through `face`, oldest first.
pub fn list(tx: &mut Tx<'_>, tenant_id: i64, face: &str) -> QueryResult<Vec<SubscriptionRow>> {
    on_conn!(tx, |c| webhook_subscription::table
        .filter(webhook_subscription::tenant_id.eq(tenant_id))
        .filter(webhook_subscription::face.eq(face))
        .order(webhook_subscription::id)
        .select(subscription_columns!())
        .load(c))
}

pub fn find(tx: &mut Tx<'_>, tenant_id: i64, face: &str, external_id: &str) -> QueryResult<Option<SubscriptionRow>> {
    on_conn!(tx, |c| webhook_subscription::table
        .filter(webhook_subscription::tenant_id.eq(tenant_id))
        .filter(webhook_subscription::face.eq(face))
        .filter(webhook_subscription::external_id.eq(external_id))
        .select(subscription_columns!())
        .first(c)
        .optional())
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = webhook_subscription)]
pub struct SubscriptionChanges<'a> {
    pub url: &'a str,
    pub events: &'a str,
    pub secret: &'a str,
    pub active: bool,
    pub updated_at: NaiveDateTime,
}

pub fn update(tx: &mut Tx<'_>, id: i64, changes: &SubscriptionChanges<'_>) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(webhook_subscription::table.find(id)).set(changes).execute(c)).map(|_| ())
}

/// Removes a subscription and its deliveries.
pub fn delete(tx: &mut Tx<'_>, id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(webhook_delivery::table.filter(webhook_delivery::subscription_id.eq(id))).execute(c)?;
        diesel::delete(webhook_subscription::table.find(id)).execute(c)
    })
    .map(|_| ())
}

/// A subscription as the publisher matches events against it.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: i64,
    pub naming: Naming,
    pub selection: EventSelection,
}

/// The active subscriptions of each tenant, read once per tenant within one publishing round.
#[derive(Default)]
pub struct Subscribers {
    by_tenant: HashMap<i64, Vec<Subscriber>>,
}

impl Subscribers {
    pub fn of(&mut self, tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<&[Subscriber]> {
        if let std::collections::hash_map::Entry::Vacant(entry) = self.by_tenant.entry(tenant_id) {
            let rows: Vec<(i64, String, String)> = on_conn!(tx, |c| webhook_subscription::table
                .filter(webhook_subscription::tenant_id.eq(tenant_id))
                .filter(webhook_subscription::active.eq(true))
                .order(webhook_subscription::id)
                .select((webhook_subscription::id, webhook_subscription::face, webhook_subscription::events))
                .load(c))?;
            entry.insert(
                rows.into_iter()
                    .map(|(id, face, events)| {
                        let naming = Naming::from_face(&face);
                        Subscriber { id, naming, selection: EventSelection::from_stored(naming, &events) }
                    })
                    .collect(),
            );
        }
        Ok(&self.by_tenant[&tenant_id])
    }
}

/// Queues event `event_id` for subscription `subscription_id`, due at once; `payload` is what the
/// subscription's face sends instead of the event's data, when it has its own.
pub fn queue(tx: &mut Tx<'_>, subscription_id: i64, event_id: i64, payload: Option<&str>, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::insert_into(webhook_delivery::table)
        .values((
            webhook_delivery::subscription_id.eq(subscription_id),
            webhook_delivery::event_id.eq(event_id),
            webhook_delivery::payload.eq(payload),
            webhook_delivery::state.eq("pending"),
            webhook_delivery::attempts.eq(0),
            webhook_delivery::next_attempt_at.eq(now),
            webhook_delivery::created_at.eq(now),
        ))
        .execute(c))
    .map(|_| ())
}

/// A delivery at the head of its subscription's queue, with what sending it needs.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Head {
    pub delivery_id: i64,
    pub attempts: i32,
    pub next_attempt_at: DateTimeColumn,
    pub subscription_id: i64,
    pub face: String,
    pub url: String,
    pub secret: String,
    pub event_id: i64,
    pub kind: i16,
    pub occurred_at: DateTimeColumn,
    pub data: Option<String>,
    /// The face's own payload, when it has one (else `data` is sent).
    pub payload: Option<String>,
}

/// The active subscriptions that have pending deliveries.
pub fn busy_subscriptions(tx: &mut Tx<'_>) -> QueryResult<Vec<i64>> {
    on_conn!(tx, |c| webhook_subscription::table
        .filter(webhook_subscription::active.eq(true))
        .filter(diesel::dsl::exists(
            webhook_delivery::table
                .filter(webhook_delivery::subscription_id.eq(webhook_subscription::id))
                .filter(webhook_delivery::state.eq("pending")),
        ))
        .select(webhook_subscription::id)
        .load(c))
}

/// The oldest pending delivery of a subscription (deliveries go out one at a time, in order).
pub fn head(tx: &mut Tx<'_>, subscription_id: i64) -> QueryResult<Option<Head>> {
    on_conn!(tx, |c| webhook_delivery::table
        .inner_join(webhook_subscription::table)
        .inner_join(change_event::table)
        .filter(webhook_delivery::subscription_id.eq(subscription_id))
        .filter(webhook_delivery::state.eq("pending"))
        .order(webhook_delivery::id)
        .select((
            webhook_delivery::id,
            webhook_delivery::attempts,
            webhook_delivery::next_attempt_at,
            webhook_delivery::subscription_id,
            webhook_subscription::face,
            webhook_subscription::url,
            webhook_subscription::secret,
            change_event::id,
            change_event::kind,
            change_event::occurred_at,
            change_event::data,
            webhook_delivery::payload,
        ))
        .first(c)
        .optional())
}

/// Claims a due delivery for one attempt until `lease_until` (so that another server's sender
/// leaves it alone meanwhile, and takes it up if this one dies); false if it was not due or
/// another sender claimed it first.
pub fn claim(tx: &mut Tx<'_>, delivery_id: i64, now: NaiveDateTime, lease_until: NaiveDateTime) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::update(
        webhook_delivery::table
            .filter(webhook_delivery::id.eq(delivery_id))
            .filter(webhook_delivery::state.eq("pending"))
            .filter(webhook_delivery::next_attempt_at.le(now))
    )
    .set((
        webhook_delivery::next_attempt_at.eq(lease_until),
        webhook_delivery::attempts.eq(webhook_delivery::attempts + 1),
        webhook_delivery::last_attempt_at.eq(now),
    ))
    .execute(c))
    .map(|n| n == 1)
}

/// Records a delivery's outcome: delivered; or failed, retried at `retry_at` or dead when `None`.
pub fn record(
    tx: &mut Tx<'_>,
    delivery_id: i64,
    status: Option<i32>,
    error: Option<&str>,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let (state, delivered_at, next) = match (error, retry_at) {
        (None, _) => ("delivered", Some(now), now),
        (Some(_), Some(at)) => ("pending", None, at),
        (Some(_), None) => ("dead", None, now),
    };
    on_conn!(tx, |c| diesel::update(webhook_delivery::table.find(delivery_id))
        .set((
            webhook_delivery::state.eq(state),
            webhook_delivery::delivered_at.eq(delivered_at),
            webhook_delivery::next_attempt_at.eq(next),
            webhook_delivery::last_status.eq(status),
            webhook_delivery::last_error.eq(error),
        ))
        .execute(c))
    .map(|_| ())
}

/// One delivery as the deliveries list shows it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub kind: i16,
    pub data: Option<String>,
    pub payload: Option<String>,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeColumn,
    pub last_attempt_at: Option<DateTimeColumn>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeColumn>,
    pub created_at: DateTimeColumn,
}

/// A subscription's deliveries with ids below `before` (all if `None`), newest first.
pub fn deliveries(tx: &mut Tx<'_>, subscription_id: i64, before: Option<i64>, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    on_conn!(tx, |c| {
        let mut query = webhook_delivery::table
            .inner_join(change_event::table)
            .filter(webhook_delivery::subscription_id.eq(subscription_id))
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(webhook_delivery::id.lt(before));
        }
        query
            .order(webhook_delivery::id.desc())
            .select((
                webhook_delivery::id,
                webhook_delivery::event_id,
                change_event::kind,
                change_event::data,
                webhook_delivery::payload,
                webhook_delivery::state,
                webhook_delivery::attempts,
                webhook_delivery::next_attempt_at,
                webhook_delivery::last_attempt_at,
                webhook_delivery::last_status,
                webhook_delivery::last_error,
                webhook_delivery::delivered_at,
                webhook_delivery::created_at,
            ))
            .limit(limit)
            .load(c)
    })
}

/// Puts deliveries of a subscription back in its queue, due now, with their attempts reset: the
/// one named (`delivery`), or every dead one. Returns how many.
pub fn replay(tx: &mut Tx<'_>, subscription_id: i64, delivery: Option<i64>, now: NaiveDateTime) -> QueryResult<usize> {
    let reset = (
        webhook_delivery::state.eq("pending"),
        webhook_delivery::attempts.eq(0),
        webhook_delivery::next_attempt_at.eq(now),
        webhook_delivery::delivered_at.eq(None::<NaiveDateTime>),
    );
    let mine = webhook_delivery::subscription_id.eq(subscription_id);
    on_conn!(tx, |c| match delivery {
        Some(id) => diesel::update(webhook_delivery::table.filter(mine).filter(webhook_delivery::id.eq(id))).set(reset).execute(c),
        None => diesel::update(webhook_delivery::table.filter(mine).filter(webhook_delivery::state.eq("dead"))).set(reset).execute(c),
    })
}
