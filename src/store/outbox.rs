//! The transactional outbox: messages written with the change that makes them, delivered later.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{Tx, on_conn};

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMessage<'a> {
    pub tenant_id: i64,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
}

/// The next attempt of a message never to be attempted again (given up, or replaced).
pub fn never() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date").and_time(chrono::NaiveTime::MIN)
}

pub fn insert(tx: &mut Tx<'_>, message: &NewMessage<'_>) -> QueryResult<i64> {
    on_conn!(tx, |c| diesel::insert_into(outbox::table).values(message).returning(outbox::id).get_result(c))
}

/// A message waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Message {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
}

/// Up to `limit` undelivered messages due by `now`, oldest first.
pub fn due(tx: &mut Tx<'_>, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Message>> {
    on_conn!(tx, |c| outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .order((outbox::next_attempt_at, outbox::id))
        .select((outbox::id, outbox::recipient, outbox::subject, outbox::body, outbox::attempts, outbox::next_attempt_at))
        .limit(limit)
        .load(c))
}

pub fn mark_sent(tx: &mut Tx<'_>, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(outbox::table.find(id))
        .set((outbox::sent_at.eq(now), outbox::attempts.eq(outbox::attempts + 1), outbox::last_error.eq(None::<String>)))
        .execute(c))
    .map(|_| ())
}

pub fn mark_failed(tx: &mut Tx<'_>, id: i64, error: &str, retry_at: NaiveDateTime) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(outbox::table.find(id))
        .set((outbox::attempts.eq(outbox::attempts + 1), outbox::last_error.eq(error), outbox::next_attempt_at.eq(retry_at)))
        .execute(c))
    .map(|_| ())
}

/// What became of a message: when it was delivered, how many attempts it took, the last error.
pub type Delivery = (Option<NaiveDateTime>, i32, Option<String>);

/// What became of message `id`.
pub fn status(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<Delivery>> {
    on_conn!(tx, |c| outbox::table.find(id).select((outbox::sent_at, outbox::attempts, outbox::last_error)).first(c).optional())
}

/// Takes message `id` for one delivery attempt, if it is still undelivered and due at `due` (the
/// time it was read with): its next attempt moves to `until`, so no other sender (another server
/// on the database) attempts it meanwhile, and a sender that dies mid-attempt leaves it due again
/// then. False when someone else took it first.
pub fn claim(tx: &mut Tx<'_>, id: i64, due: NaiveDateTime, until: NaiveDateTime) -> QueryResult<bool> {
    on_conn!(tx, |c| diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()).filter(outbox::next_attempt_at.eq(due)))
        .set(outbox::next_attempt_at.eq(until))
        .execute(c))
    .map(|n| n == 1)
}

/// Withdraws message `id` if it is still undelivered: it is never attempted again, and `why` says so.
pub fn withdraw(tx: &mut Tx<'_>, id: i64, why: &str) -> QueryResult<()> {
    on_conn!(tx, |c| diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()))
        .set((outbox::next_attempt_at.eq(never()), outbox::last_error.eq(why)))
        .execute(c))
    .map(|_| ())
}
