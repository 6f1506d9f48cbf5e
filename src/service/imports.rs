//! Bulk import: records upserted by their external id under the rules of the operations that
//! create and change them one by one (`addUser`/`updateUserProfile`, `addDepartment`/
//! `updateDepartment`, `addGroup`/`updateGroupMembers`, `enrollLearnersInCourses`/
//! `changeEnrollment`), so that an import refuses what those refuse, in the same words; and the
//! runs (jobs) that record an import's progress batch by batch.
//!
//! Rules decided here:
//! - a record names its thing by the external id (`userId`, `departmentId`, `groupId`; an
//!   enrollment by its course and learner); unknown, it is created with that id, known, what the
//!   record gives is compared and changed when it differs; a rerun changes nothing;
//! - what a record leaves out stays as it is (a new thing gets the operation's default);
//! - a user id the tenant had for a user since deleted is not given to another;
//! - only what a caller may do one by one: its scope and role checks are the operations'.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

use super::enrollments::{access_utc, check_due_after_access, due_rule};
use super::scope::Scope;
use super::{Entity, NewUserRequest, OpError, ProblemKind, Service, UserUpdate, now, require_administrator};
use crate::domain::values::{ExternalId, Name, Text};
use crate::domain::{DueDateType, DueRule, EnrollmentTypeGroup, Lifecycle, Principal, Role};
use crate::store::imports::{self as store, Counts, JobRow, RefusalRow};
use crate::store::{Tx, courses, departments, enrollments, groups, users};

/// What can be imported and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Users,
    Departments,
    Groups,
    Enrollments,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [ImportKind::Users, ImportKind::Departments, ImportKind::Groups, ImportKind::Enrollments];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Users => "users",
            ImportKind::Departments => "departments",
            ImportKind::Groups => "groups",
            ImportKind::Enrollments => "enrollments",
        }
    }

    pub fn parse(value: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A user as an import gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub user_id: ExternalId,
    pub login: Option<ExternalId>,
    pub email: Option<ExternalId>,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub department_id: Option<ExternalId>,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentRecord {
    pub department_id: ExternalId,
    pub name: Option<Name>,
    pub code: Option<ExternalId>,
    pub parent_department_id: Option<ExternalId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupRecord {
    pub group_id: ExternalId,
    pub name: Option<Name>,
    pub user_ids: Option<Vec<ExternalId>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnrollmentRecord {
    pub course_id: ExternalId,
    pub learner_id: ExternalId,
    pub access_date: Option<DateTime<FixedOffset>>,
    pub due_date: Option<NaiveDate>,
    pub lock_after_due_date: Option<bool>,
}

/// One record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    User(UserRecord),
    Department(DepartmentRecord),
    Group(GroupRecord),
    Enrollment(EnrollmentRecord),
}

/// What an import did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

fn required(field: &str, entity: Entity, id: &str) -> OpError {
    OpError::wrong(ProblemKind::Required, field, format!("{field} is required to create the {} '{id}'", entity.noun()))
}

/// `given` when it says something other than `current`.
fn differs<T: PartialEq + ?Sized>(given: Option<&T>, current: Option<&T>) -> bool {
    given.is_some() && given != current
}

/// The schedule of a live enrollment, as stored or as this batch leaves it.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    /// Its row, or none yet: this batch inserts it.
    at: Option<i64>,
    access: NaiveDateTime,
    due: Option<NaiveDate>,
    lock: bool,
    changed: bool,
}

impl Service {
    /// Upserts one batch of records in `tx`: each record's outcome, or why it was refused. The
    /// batch fails as a whole only when the database does or the caller may not import at all.
    pub fn import_batch(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        records: &[Record],
    ) -> Result<Vec<Result<Outcome, OpError>>, OpError> {
        require_administrator(principal)?;
        if records.iter().all(|r| matches!(r, Record::Enrollment(_))) {
            let rows: Vec<&EnrollmentRecord> =
                records.iter().filter_map(|r| if let Record::Enrollment(e) = r { Some(e) } else { None }).collect();
            return self.import_enrollments(tx, principal, &rows);
        }
        records
            .iter()
            .map(|record| {
                let outcome = match record {
                    Record::User(u) => self.import_user(tx, principal, u),
                    Record::Department(d) => self.import_department(tx, principal, d),
                    Record::Group(g) => self.import_group(tx, principal, g),
                    Record::Enrollment(e) => return Ok(self.import_enrollments(tx, principal, &[e])?.remove(0)),
                };
                match outcome {
                    Err(e @ (OpError::Internal(_) | OpError::Unavailable(_))) => Err(e),
                    other => Ok(other),
                }
            })
            .collect()
    }

    fn import_user(&self, tx: &mut Tx<'_>, principal: &Principal, u: &UserRecord) -> Result<Outcome, OpError> {
        let id = &u.user_id;
        if users::users_by_external_ids(tx, principal.tenant_id, &[id.as_str()])?.is_empty() {
            if store::user_id_used(tx, principal.tenant_id, id)? {
                return Err(OpError::invalid("userId", format!("user '{id}' was deleted; its id is not given to another user")));
            }
            let request = NewUserRequest {
                login: u.login.clone().ok_or_else(|| required("login", Entity::User, id))?,
                email: u.email.clone(),
                password: None,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                department_id: u.department_id.clone().ok_or_else(|| required("departmentId", Entity::User, id))?,
                role: u.role,
                manageable_department_ids: None,
                groups: None,
            };
            self.create_user(tx, principal, id, &request)?;
            return Ok(Outcome::Created);
        }
        let current = self.get_user_profile(tx, principal, id)?;
        let changed = differs(u.login.as_deref(), Some(current.login.as_str()))
            || differs(u.email.as_deref(), current.email.as_deref())
            || differs(u.first_name.as_deref(), current.first_name.as_deref())
            || differs(u.last_name.as_deref(), current.last_name.as_deref())
            || differs(u.department_id.as_deref(), Some(current.department_id.as_str()))
            || differs(u.role.as_ref(), Some(&current.role));
        if !changed {
            return Ok(Outcome::Unchanged);
        }
        let update = UserUpdate {
            user_id: id.clone(),
            login: u.login.clone(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            department_id: u.department_id.clone(),
            role: u.role,
            manageable_department_ids: None,
        };
        self.update_user_profile(tx, principal, &update)?;
        Ok(Outcome::Updated)
    }

    fn import_department(&self, tx: &mut Tx<'_>, principal: &Principal, d: &DepartmentRecord) -> Result<Outcome, OpError> {
        let id = &d.department_id;
        if store::department_key(tx, principal.tenant_id, id)?.is_none() {
            let name = d.name.as_ref().ok_or_else(|| required("name", Entity::Department, id))?;
            self.create_department(tx, principal, id, name, d.parent_department_id.as_ref(), d.code.as_ref())?;
            return Ok(Outcome::Created);
        }
        let current = self.get_department(tx, principal, id)?;
        let changed = differs(d.name.as_deref(), Some(current.name.as_str()))
            || differs(d.code.as_deref(), current.code.as_deref())
            || differs(d.parent_department_id.as_deref(), current.parent_department_id.as_deref());
        if !changed {
            return Ok(Outcome::Unchanged);
        }
        let update = super::DepartmentUpdate {
            department_id: id.clone(),
            name: d.name.clone(),
            code: d.code.clone(),
            parent_department_id: d.parent_department_id.clone(),
        };
        self.update_department(tx, principal, &update)?;
        Ok(Outcome::Updated)
    }

    fn import_group(&self, tx: &mut Tx<'_>, principal: &Principal, g: &GroupRecord) -> Result<Outcome, OpError> {
        let id = &g.group_id;
        let Some(current) = groups::list(tx, principal.tenant_id, Some(&[id.as_str()][..]))?.pop() else {
            let name = g.name.as_ref().ok_or_else(|| required("name", Entity::Group, id))?;
            self.create_group(tx, principal, id, name, g.user_ids.as_deref().unwrap_or_default())?;
            return Ok(Outcome::Created);
        };
        let name = g.name.as_ref().filter(|name| name.as_str() != current.name);
        let members = match &g.user_ids {
            Some(given) => {
                let mut now: Vec<String> = groups::members(tx, &[current.id])?.into_iter().map(|m| m.user_external_id).collect();
                let mut given: Vec<&str> = given.iter().map(ExternalId::as_str).collect();
                now.sort();
                given.sort_unstable();
                given.dedup();
                (now != given).then_some(g.user_ids.as_deref().unwrap_or_default())
            }
            None => None,
        };
        if name.is_none() && members.is_none() {
            return Ok(Outcome::Unchanged);
        }
        self.change_group(tx, principal, id, name, members)?;
        Ok(Outcome::Updated)
    }

    /// Enrollments of one batch: courses, learners and their live enrollments read in one query
    /// each, the new ones inserted in multi-row statements.
    fn import_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        rows: &[&EnrollmentRecord],
    ) -> Result<Vec<Result<Outcome, OpError>>, OpError> {
        let tenant_id = principal.tenant_id;
        let scope = Scope::of(tx, principal)?;
        let distinct = |pick: fn(&EnrollmentRecord) -> &str| {
            let mut ids: Vec<&str> = rows.iter().map(|r| pick(r)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let course_ids = distinct(|r| r.course_id.as_str());
        let learner_ids = distinct(|r| r.learner_id.as_str());
        let courses = courses::by_external_ids(tx, tenant_id, &course_ids)?;
        let learners = users::users_by_external_ids(tx, tenant_id, &learner_ids)?;
        let course_by_id: HashMap<&str, (i64, Option<i32>)> =
            courses.iter().map(|c| (c.external_id.as_str(), (c.id, c.default_due_period_hours))).collect();
        let learner_by_id: HashMap<&str, (i64, i64)> = learners.iter().map(|l| (l.external_id.as_str(), (l.id, l.department_id))).collect();
        let learner_keys: Vec<i64> = learners.iter().map(|l| l.id).collect();
        let mut live: HashMap<(i64, i64), Schedule> = store::active_pairs(tx, &learner_keys)?
            .into_iter()
            .map(|p| {
                let schedule = Schedule {
                    at: Some(p.id),
                    access: p.access_date.0,
                    due: p.due_date.map(|d| d.0),
                    lock: p.lock_after_due_date,
                    changed: false,
                };
                ((p.course_id, p.learner_id), schedule)
            })
            .collect();
        let now = now();
        let mut fresh: Vec<(i64, i64)> = Vec::new();
        let outcomes = rows
            .iter()
            .map(|row| {
                let &(course, default_hours) =
                    course_by_id.get(row.course_id.as_str()).ok_or_else(|| OpError::not_found(Entity::Course, &row.course_id))?;
                let &(learner, department) =
                    learner_by_id.get(row.learner_id.as_str()).ok_or_else(|| OpError::not_found(Entity::User, &row.learner_id))?;
                if !scope.contains_department(department) {
                    return Err(OpError::Forbidden(format!("user '{}' is not in a department you manage", row.learner_id)));
                }
                let access = row.access_date.map(access_utc).transpose()?;
                match live.get_mut(&(course, learner)) {
                    None => {
                        let access = access.unwrap_or(now);
                        let kind = if row.due_date.is_some() { DueDateType::DueDate } else { DueDateType::Unlimited };
                        let rule = due_rule(kind, row.due_date, None)?;
                        if let DueRule::Date(date) = rule {
                            check_due_after_access(Some(date), access)?;
                        }
                        let due = rule.due_date(access, default_hours).map_err(|m| OpError::invalid("dueDate", m))?;
                        let lock = row.lock_after_due_date.unwrap_or(false);
                        live.insert((course, learner), Schedule { at: None, access, due, lock, changed: false });
                        fresh.push((course, learner));
                        Ok(Outcome::Created)
                    }
                    Some(current) => {
                        let access = access.unwrap_or(current.access);
                        let due = match row.due_date {
                            Some(date) => {
                                let due = due_rule(DueDateType::DueDate, Some(date), None)?
                                    .due_date(access, default_hours)
                                    .map_err(|m| OpError::invalid("dueDate", m))?;
                                check_due_after_access(due, access)?;
                                due
                            }
                            None => current.due,
                        };
                        let lock = row.lock_after_due_date.unwrap_or(current.lock);
                        if (access, due, lock) == (current.access, current.due, current.lock) {
                            return Ok(Outcome::Unchanged);
                        }
                        current.access = access;
                        current.due = due;
                        current.lock = lock;
                        current.changed = true;
                        Ok(Outcome::Updated)
                    }
                }
            })
            .collect::<Vec<_>>();

        let external_ids: Vec<String> = fresh.iter().map(|_| uuid::Uuid::now_v7().to_string()).collect();
        let mut inserts = Vec::with_capacity(fresh.len());
        for (pair, external_id) in fresh.iter().zip(&external_ids) {
            let schedule = live[pair];
            inserts.push(enrollments::NewEnrollment {
                tenant_id,
                external_id,
                source: "ispring",
                learner_id: pair.1,
                course_id: pair.0,
                access_date: schedule.access,
                due_date: schedule.due,
                lock_after_due_date: schedule.lock,
                enrollment_type_group: EnrollmentTypeGroup::AssignedByAdministrator.code(),
                lifecycle: Lifecycle::Active.as_str(),
                completion_status: "not_started",
                progress: 0,
                completed_at: None,
                created_at: now,
                updated_at: now,
            });
        }
        enrollments::insert_many(tx, &inserts)?;
        for schedule in live.values().filter(|s| s.changed) {
            if let Some(id) = schedule.at {
                store::set_schedule(tx, id, schedule.access, schedule.due, schedule.lock, now)?;
            }
        }
        Ok(outcomes)
    }

    /// Starts a run of `kind` from `source`; returns its id.
    pub fn start_import(&self, principal: &Principal, kind: ImportKind, format: &str, source: &str) -> Result<i64, OpError> {
        require_administrator(principal)?;
        self.db().write(|tx| Ok(store::insert_job(tx, principal.tenant_id, kind.as_str(), format, source, now())?))
    }

    /// Opens a run of `kind` from `source` in `tx`; returns its id.
    pub fn open_import(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        kind: ImportKind,
        format: &str,
        source: &str,
    ) -> Result<i64, OpError> {
        require_administrator(principal)?;
        Ok(store::insert_job(tx, principal.tenant_id, kind.as_str(), format, source, now())?)
    }

    /// The caller's latest run of `kind` from `source` that did not finish, to resume.
    pub fn unfinished_import(&self, principal: &Principal, kind: ImportKind, source: &str) -> Result<Option<JobRow>, OpError> {
        require_administrator(principal)?;
        self.db().read(|tx| Ok(store::unfinished_job(tx, principal.tenant_id, kind.as_str(), source)?))
    }

    /// Records a committed batch of run `job` in the batch's transaction: the lines read so far,
    /// its counts, its refused rows.
    pub fn record_import_batch(
        &self,
        tx: &mut Tx<'_>,
        job: i64,
        lines_done: i64,
        counts: Counts,
        refused: &[RefusalRow],
    ) -> Result<(), OpError> {
        store::add_progress(tx, job, lines_done, counts, now())?;
        store::insert_refusals(tx, job, refused)?;
        Ok(())
    }

    /// Ends run `job`: `done`, or `failed` with why.
    pub fn finish_import(&self, job: i64, failure: Option<&str>) -> Result<(), OpError> {
        let state = if failure.is_some() { "failed" } else { "done" };
        self.db().write(|tx| {
            store::finish_job(tx, job, state, failure, now())?;
            Ok(())
        })
    }

    /// The caller's run `id`.
    pub fn import_job(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<JobRow, OpError> {
        require_administrator(principal)?;
        store::job(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Import, &id.to_string()))
    }

    /// Up to `limit` refused rows of the caller's run `id` after the `after`-th.
    pub fn import_refusals(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, RefusalRow)>, OpError> {
        self.import_job(tx, principal, id)?;
        Ok(store::refusals(tx, id, after, limit)?)
    }

    /// The departments whose records the caller may export: `None` for the whole account.
    pub fn export_scope(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Option<Vec<i64>>, OpError> {
        require_administrator(principal)?;
        Ok(match Scope::of(tx, principal)? {
            Scope::Account => None,
            Scope::Departments(set) => Some(set.into_iter().collect()),
        })
    }

    /// Up to `limit` active enrollments after internal id `after` within `departments`, for an export.
    pub fn export_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        departments: Option<&[i64]>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<store::ExportedEnrollment>, OpError> {
        require_administrator(principal)?;
        Ok(store::enrollment_page(tx, principal.tenant_id, departments, after, limit)?)
    }

    /// The tenant's departments, parents before children, for an export.
    pub fn export_departments(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Vec<crate::domain::DepartmentView>, OpError> {
        let views = self.get_departments(tx, principal)?;
        let rows = departments::all(tx, principal.tenant_id)?;
        let parent_of: HashMap<i64, Option<i64>> = rows.iter().map(|r| (r.id, r.parent_id)).collect();
        let key_of: HashMap<&str, i64> = rows.iter().map(|r| (r.external_id.as_str(), r.id)).collect();
        let depth_of = |external: &str| {
            let mut at = key_of.get(external).copied();
            let mut depth = 0;
            while let Some(id) = at {
                at = parent_of.get(&id).copied().flatten();
                depth += 1;
                if depth > rows.len() {
                    break;
                }
            }
            depth
        };
        let mut ordered: Vec<(usize, usize, crate::domain::DepartmentView)> =
            views.into_iter().enumerate().map(|(i, v)| (depth_of(&v.department_id), i, v)).collect();
        ordered.sort_by_key(|(depth, i, _)| (*depth, *i));
        Ok(ordered.into_iter().map(|(_, _, v)| v).collect())
    }
}

impl Service {
    /// The operator at the command line, acting as an account administrator of `tenant`.
    pub fn operator(&self, tenant: &str) -> Result<Principal, OpError> {
        let tenant_id = self.db().read(|tx| super::admin::tenant_id(tx, tenant))?;
        Ok(Principal {
            tenant_id,
            role: Role::AccountAdministrator,
            managed_departments: Vec::new(),
            subject: "the command line".into(),
            acting: None,
        })
    }
}
