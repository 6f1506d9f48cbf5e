//! The change feed: every change to a user, department, group, enrollment, progress or
//! certificate, whatever face made it, in commit order from a cursor.
//!
//! Triggers write one compact row per change in the change's own transaction (the store's
//! `changes` migration). The publisher ([`publish`]) then gives committed rows dense positions, one
//! publisher at a time, and reads the data each reports; positions, not row ids, are the cursor,
//! because on PostgreSQL transactions commit out of id order. Publishing also queues each row's
//! webhook deliveries, in the same transaction.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::{OpError, ProblemKind, Service, require_administrator};
use crate::domain::Principal;
use crate::domain::changes::{EventKind, Naming};
use crate::domain::progress::CourseStatus;
use crate::domain::values::{date_text, utc_text};
use crate::store::changes::{self, Unpublished};
use crate::store::{Tx, webhooks};

/// Events in one page of the feed when the caller gives no limit, and at most.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// One published change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub id: i64,
    pub position: i64,
    pub kind: EventKind,
    pub occurred_at: NaiveDateTime,
    pub data: Value,
}

impl Change {
    /// The event's id, the same in the feed and in every webhook delivery of it.
    pub fn event_id(&self) -> String {
        format!("evt_{}", self.id)
    }
}

/// A page of the feed and the cursor to ask for the next.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePage {
    pub events: Vec<Change>,
    pub next_cursor: i64,
}

/// A position in the feed, as callers hold it: the decimal position of the last event they read.
pub fn parse_cursor(text: &str) -> Result<i64, OpError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|position| *position >= 0)
        .ok_or_else(|| OpError::wrong(ProblemKind::Type, "cursor", format!("cursor must be a nextCursor this server gave; got '{text}'")))
}

pub fn parse_limit(limit: Option<i32>) -> Result<i64, OpError> {
    match limit.map(i64::from) {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(OpError::invalid("limit", format!("limit must be 1 to {MAX_LIMIT}; got {n}"))),
    }
}

/// The feed belongs to the whole account: department-scoped roles see only parts of it elsewhere.
pub(crate) fn require_account_wide(principal: &Principal) -> Result<(), OpError> {
    require_administrator(principal)?;
    if principal.role.is_department_scoped() {
        return Err(OpError::Forbidden(format!("a {} cannot read the account's changes", principal.role)));
    }
    Ok(())
}

pub(crate) fn change_of(row: changes::Published) -> Result<Change, OpError> {
    let kind =
        EventKind::from_code(row.kind).ok_or_else(|| OpError::Internal(format!("change {} has unknown kind {}", row.id, row.kind)))?;
    let data = match row.data.as_deref() {
        Some(text) => serde_json::from_str(text).map_err(|e| OpError::Internal(format!("change {} data: {e}", row.id)))?,
        None => Value::Null,
    };
    Ok(Change { id: row.id, position: row.position.unwrap_or(0), kind, occurred_at: row.occurred_at.0, data })
}

impl Service {
    /// The caller's account's changes after `cursor`, at most `limit`, in commit order.
    pub fn changes(&self, tx: &mut Tx<'_>, principal: &Principal, cursor: i64, limit: i64) -> Result<ChangePage, OpError> {
        require_account_wide(principal)?;
        let rows = changes::feed(tx, principal.tenant_id, cursor, limit)?;
        let events = rows.into_iter().map(change_of).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = events.last().map_or(cursor, |event| event.position);
        Ok(ChangePage { events, next_cursor })
    }

    /// Deletes the published changes that occurred more than `retention` ago, with their
    /// deliveries, except those a subscription has still to deliver and the last one (see
    /// [`changes::purge_before`]); returns how many went. Each round of up to 1,000 is a
    /// transaction of its own, so that writers never wait long for it.
    pub fn purge_changes(&self, retention: chrono::Duration) -> Result<usize, OpError> {
        const ROUND: i64 = 1_000;
        let before = super::now() - retention;
        let (mut after, mut total) = (0, 0);
        loop {
            let round = self.db().write(|tx| changes::purge_before(tx, before, after, ROUND).map_err(OpError::from))?;
            total += round.deleted;
            after = round.last;
            if round.done {
                return Ok(total);
            }
        }
    }

    /// Publishes up to `batch` committed changes (see [`publish`]) in one transaction. A read
    /// looks first, so that an idle publisher never takes SQLite's write lock.
    pub fn publish_changes(&self, batch: i64) -> Result<usize, OpError> {
        if !self.db().read(|tx| changes::any_unpublished(tx).map_err(OpError::from))? {
            return Ok(0);
        }
        self.db().write(|tx| publish(tx, batch, super::now()))
    }
}

/// Gives up to `batch` committed changes their positions and data, oldest first, and queues their
/// webhook deliveries. Returns how many it published: 0 when none wait, or when another server's
/// publisher holds the lock.
pub fn publish(tx: &mut Tx<'_>, batch: i64, now: NaiveDateTime) -> Result<usize, OpError> {
    if !changes::lock_publisher(tx)? {
        return Ok(0);
    }
    let rows = changes::unpublished(tx, batch)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut position = changes::last_position(tx)?;
    let mut subscriptions = webhooks::Subscribers::default();
    for row in &rows {
        position += 1;
        let data = data_of(tx, row)?;
        changes::publish(tx, row.id, position, &data.to_string())?;
        if let Some(kind) = EventKind::from_code(row.kind) {
            let mut academy: Option<String> = None;
            for subscription in subscriptions.of(tx, row.tenant_id)?.to_vec() {
                if subscription.selection.includes(kind) {
                    // Academy Of Mine's endpoints get that face's payload, made once per change.
                    let payload = match subscription.naming {
                        Naming::Academy => {
                            if academy.is_none() {
                                academy = Some(academy_data(tx, row, kind)?.to_string());
                            }
                            academy.as_deref()
                        }
                        Naming::Dotted => None,
                    };
                    webhooks::queue(tx, subscription.id, row.id, payload, now)?;
                }
            }
        }
    }
    Ok(rows.len())
}

fn instant(t: NaiveDateTime) -> String {
    utc_text(&t).to_string()
}

/// What a change reports: the changed thing as it is when published, named by the ids callers
/// know (a thing that is gone by then is named by the id kept with the change).
fn data_of(tx: &mut Tx<'_>, row: &Unpublished) -> Result<Value, OpError> {
    let kind =
        EventKind::from_code(row.kind).ok_or_else(|| OpError::Internal(format!("change {} has unknown kind {}", row.id, row.kind)))?;
    let gone = |name: &str| json!({ name: row.reference });
    Ok(match kind {
        EventKind::UserCreated | EventKind::UserUpdated | EventKind::UserDeleted => match changes::user(tx, row.subject_id)? {
            Some(user) => json!({
                "userId": user.external_id,
                "login": user.login,
                "email": user.email,
                "firstName": user.first_name,
                "lastName": user.last_name,
                "departmentId": user.department,
                "role": user.role,
                "status": user.status,
                "deleted": user.deleted_at.is_some(),
            }),
            None => gone("userId"),
        },
        EventKind::DepartmentCreated | EventKind::DepartmentUpdated | EventKind::DepartmentDeleted => {
            match changes::department(tx, row.subject_id)? {
                Some(department) => {
                    let parent = match department.parent_id {
                        Some(id) => changes::department_external_id(tx, id)?,
                        None => None,
                    };
                    json!({
                        "departmentId": department.external_id,
                        "name": department.name,
                        "code": department.code,
                        "parentDepartmentId": parent,
                    })
                }
                None => gone("departmentId"),
            }
        }
        EventKind::GroupCreated | EventKind::GroupUpdated | EventKind::GroupDeleted => match changes::group(tx, row.subject_id)? {
            Some((id, name)) => json!({ "groupId": id, "name": name }),
            None => gone("groupId"),
        },
        EventKind::GroupMemberAdded | EventKind::GroupMemberRemoved => {
            let group = changes::group(tx, row.subject_id)?.map(|(id, _)| id).or_else(|| row.reference.clone());
            let user = match row.related_id {
                Some(id) => changes::user_external_id(tx, id)?,
                None => None,
            };
            json!({ "groupId": group, "userId": user })
        }
        EventKind::EnrollmentCreated
        | EventKind::EnrollmentUpdated
        | EventKind::EnrollmentCompleted
        | EventKind::EnrollmentDeleted
        | EventKind::ProgressUpdated => match changes::enrollment(tx, row.subject_id)? {
            Some(enrollment) => enrollment_data(&enrollment),
            None => gone("enrollmentId"),
        },
        EventKind::ModuleProgressUpdated => {
            let mut data = match row.related_id {
                Some(id) => changes::enrollment(tx, id)?.map(|e| enrollment_data(&e)),
                None => None,
            }
            .unwrap_or_else(|| json!({}));
            if let Some(module) = changes::module_progress(tx, row.subject_id)? {
                data["module"] = json!({
                    "moduleId": module.module,
                    "status": module.status,
                    "obtainedMarks": module.obtained_marks,
                    "timeSpentSeconds": module.time_spent_seconds,
                });
            }
            data
        }
        EventKind::CertificateIssued | EventKind::CertificateUpdated | EventKind::CertificateRevoked => {
            let mut data = match row.related_id {
                Some(id) => changes::enrollment(tx, id)?
                    .map(|e| json!({ "enrollmentId": e.external_id, "learnerId": e.learner, "courseId": e.course })),
                None => None,
            }
            .unwrap_or_else(|| json!({}));
            match changes::certificate(tx, row.subject_id)? {
                Some(certificate) => {
                    data["issuedCertificateId"] = json!(certificate.external_id);
                    data["issueDate"] = json!(instant(certificate.issued_at.0));
                    data["expiryDate"] = json!(certificate.expires_at.map(|t| instant(t.0)));
                }
                None => data["issuedCertificateId"] = json!(row.reference),
            }
            data
        }
    })
}

/// Laravel's date display (`Y-m-d H:i:s`), as Academy Of Mine writes dates.
fn laravel(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// What an Academy Of Mine endpoint is sent for a change (reference §6): for accounts, the user
/// (`{id, first_name, last_name, email, date_registered: "Aug 11, 2020 04:58 PM"}`); for course
/// events, `{userList: [user], course: {id, name}, registration_id}` with `enrolled_at`,
/// `completed_at`, or `percent_complete` and `status`. Ids are that face's numbers. A thing gone
/// by publication is named by its number only.
fn academy_data(tx: &mut Tx<'_>, row: &Unpublished, kind: EventKind) -> Result<Value, OpError> {
    let user = |user: &changes::AcademyUser| json!({ "id": user.id, "first_name": user.first_name, "last_name": user.last_name, "email": user.email });
    Ok(match kind {
        EventKind::UserCreated | EventKind::UserUpdated => match changes::academy_user(tx, row.subject_id)? {
            Some(account) => {
                let mut data = user(&account);
                data["date_registered"] = json!(account.created_at.0.format("%b %d, %Y %I:%M %p").to_string());
                data
            }
            None => json!({ "id": row.subject_id }),
        },
        _ => match changes::academy_enrollment(tx, row.subject_id)? {
            Some(e) => {
                let mut data = json!({
                    "userList": [user(&e.learner)],
                    "course": { "id": e.course_id, "name": e.course_name },
                    "registration_id": e.id,
                });
                match kind {
                    EventKind::EnrollmentCreated => data["enrolled_at"] = json!(laravel(e.access_date.0)),
                    EventKind::EnrollmentCompleted => data["completed_at"] = json!(e.completed_at.map(|t| laravel(t.0))),
                    _ => {
                        data["percent_complete"] = json!(e.progress);
                        data["status"] = json!(CourseStatus::of(&e.completion_status, e.progress, e.started_at.is_some()).as_str());
                    }
                }
                data
            }
            None => json!({ "registration_id": row.subject_id }),
        },
    })
}

fn enrollment_data(enrollment: &changes::EnrollmentState) -> Value {
    json!({
        "enrollmentId": enrollment.external_id,
        "learnerId": enrollment.learner,
        "courseId": enrollment.course,
        "source": enrollment.source,
        "state": enrollment.lifecycle,
        "completionStatus": enrollment.completion_status,
        "progress": enrollment.progress,
        "timeSpentSeconds": enrollment.time_spent_seconds,
        "dueDate": enrollment.due_date.map(|d| date_text(d.0).to_string()),
        "completedAt": enrollment.completed_at.map(|t| instant(t.0)),
    })
}
