//! Course registrations (Rhythm's): a registration is one enrollment of the store, the enrollment
//! of its offering's course, with Rhythm's fields beside it. Its `status` decides the enrollment's
//! canonical state through `domain::registration`, so every face reads the same state. The server
//! owns the `sys_` bookkeeping: who created and last changed a record, when, and its version.

use chrono::NaiveDateTime;

use super::paging::{self, Page, PageRequest};
use super::{Clash, Entity, OpError, Service, now, require_administrator};
use crate::domain::registration::{OrderStatus, RegistrationDetails, RegistrationStatus};
use crate::domain::values::ExternalId;
use crate::domain::{EnrollmentTypeGroup, Lifecycle, Principal};
use crate::store::enrollments::{self, NewEnrollment};
use crate::store::offerings::{self, EnrollmentState};
use crate::store::outbox::{self, NewMessage};
use crate::store::registrations::{self as store, Lookup, NewOrder, NewRegistration, RegistrationRecord, RegistrationRow};
use crate::store::{Tx, courses, tenants, users};

/// A registration's fields as a client writes them: everything but its id and the server's `sys_`
/// bookkeeping (`sys_locked` aside, which a client sets).
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub student_id: ExternalId,
    pub course_id: ExternalId,
    pub course_offering_id: ExternalId,
    pub status: RegistrationStatus,
    pub process_id: Option<ExternalId>,
    pub order_id: Option<ExternalId>,
    pub application_id: Option<ExternalId>,
    pub event_registration_id: Option<ExternalId>,
    pub name: String,
    pub email_address: Option<String>,
    pub job_title: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub order_number: Option<f64>,
    pub order_balance_due: Option<f64>,
    pub order_amount_paid: Option<f64>,
    pub order_status: Option<OrderStatus>,
    pub order_total: Option<f64>,
    pub training_provider_id: Option<String>,
    pub training_location_id: Option<String>,
    pub arrival_date: Option<NaiveDateTime>,
    pub departure_date: Option<NaiveDateTime>,
    /// The date of the registration (Rhythm's `date`).
    pub date: Option<NaiveDateTime>,
    pub sys_locked: bool,
    pub details: RegistrationDetails,
}

/// The server's bookkeeping of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookkeeping {
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub last_modified_at: NaiveDateTime,
    pub created_by_id: String,
    pub last_modified_by_id: String,
}

/// A registration as read.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationView {
    pub id: String,
    pub registration: Registration,
    pub sys: Bookkeeping,
}

/// Which registrations a listing shows, named as callers name things.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationLookup {
    All,
    Student(ExternalId),
    Course(ExternalId),
    /// An offering's registrations; only those in force when the flag says so.
    Offering(ExternalId, bool),
    StudentCourse(ExternalId, ExternalId),
    Application(ExternalId),
    EventRegistration(ExternalId),
    Order(ExternalId),
}

/// What a search matches (see [`store::Search`]), named as callers name things.
pub type RegistrationSearch = store::Search;

/// The keys a registration's references resolve to.
struct Resolved {
    learner_id: i64,
    course_id: i64,
    offering_id: i64,
    order_id: Option<i64>,
    application_id: Option<i64>,
    event_registration_id: Option<i64>,
    process_id: Option<i64>,
}

fn stored<T>(what: &str, id: &str, value: Result<T, impl std::fmt::Display>) -> Result<T, OpError> {
    value.map_err(|e| OpError::Internal(format!("registration {id} holds a bad {what}: {e}")))
}

fn external(value: Option<String>) -> Option<ExternalId> {
    value.map(ExternalId::from_store)
}

fn view(record: RegistrationRecord) -> Result<RegistrationView, OpError> {
    let id = record.id;
    let required = |what: &str, value: Option<String>| -> Result<ExternalId, OpError> {
        external(value).ok_or_else(|| OpError::Internal(format!("registration {id} has no {what}")))
    };
    let registration = Registration {
        student_id: required("student_id", Some(record.student_id))?,
        course_id: required("course_id", Some(record.course_id))?,
        course_offering_id: required("course_offering_id", Some(record.course_offering_id))?,
        status: stored("status", &id, RegistrationStatus::parse(&record.status).map_err(|r| r.reason))?,
        process_id: external(record.process_id),
        order_id: external(record.order_id),
        application_id: external(record.application_id),
        event_registration_id: external(record.event_registration_id),
        name: record.name,
        email_address: record.email_address,
        job_title: record.job_title,
        city: record.city,
        state: record.state,
        order_number: record.order_number,
        order_balance_due: record.order_balance_due,
        order_amount_paid: record.order_amount_paid,
        order_status: record.order_status.map(|s| stored("order_status", &id, OrderStatus::parse(&s).map_err(|r| r.reason))).transpose()?,
        order_total: record.order_total,
        training_provider_id: record.training_provider_id,
        training_location_id: record.training_location_id,
        arrival_date: record.arrival_date,
        departure_date: record.departure_date,
        date: record.registered_at,
        sys_locked: record.sys_locked,
        details: stored("details document", &id, serde_json::from_str(&record.details))?,
    };
    let sys = Bookkeeping {
        version: record.sys_version,
        created_at: record.sys_created_at,
        last_modified_at: record.sys_last_modified_at,
        created_by_id: record.sys_created_by_id,
        last_modified_by_id: record.sys_last_modified_by_id,
    };
    Ok(RegistrationView { id, registration, sys })
}

/// The enrollment's canonical state for `registration`; a completion date is kept while it stays
/// complete.
fn state(
    registration: &Registration,
    keys: &Resolved,
    completed_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> EnrollmentState<'static> {
    let (completion_status, progress) = registration.status.canonical(registration.details.completion_percentage);
    EnrollmentState {
        course_id: keys.course_id,
        learner_id: keys.learner_id,
        lifecycle: registration.status.lifecycle().as_str(),
        completion_status,
        progress,
        completed_at: registration.status.is_complete().then(|| completed_at.unwrap_or(now)),
        updated_at: now,
    }
}

/// A write that met the database's unique index on enrollments in force: another request made the
/// student's enrollment in the course just now.
fn raced(student: &ExternalId) -> impl Fn(diesel::result::Error) -> OpError + '_ {
    move |e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => OpError::Conflict {
            what: Clash::AlreadyEnrolled,
            detail: format!("student {student} was registered for this course by another request just now"),
        },
        other => other.into(),
    }
}

impl Service {
    /// Refuses a caller whose key is not the path's tenant's (Rhythm names tenants in its paths).
    pub fn enter_rhythm_tenant(&self, tx: &mut Tx<'_>, principal: &Principal, rhythm_id: &str) -> Result<(), OpError> {
        require_administrator(principal)?;
        let now = now();
        let tenant = match self.rhythm_tenants.get(rhythm_id, now) {
            Some(tenant) => tenant,
            None => {
                let tenant = tenants::tenant_id_by_rhythm_id(tx, rhythm_id)?;
                // A tenant's Rhythm id does not expire: the entry lives as long as the cache keeps any.
                self.rhythm_tenants.put(rhythm_id.to_string(), tenant, NaiveDateTime::MAX, now);
                tenant
            }
        };
        match tenant {
            Some(tenant_id) if tenant_id == principal.tenant_id => Ok(()),
            _ => Err(OpError::Forbidden(format!("this key is not one of tenant '{rhythm_id}'"))),
        }
    }

    /// Resolves what `registration` names in the caller's tenant: an unknown one is "not found"
    /// naming it; an offering of another course, or a process that does not register for the
    /// course, is invalid.
    fn resolve(&self, tx: &mut Tx<'_>, principal: &Principal, registration: &Registration) -> Result<Resolved, OpError> {
        let tenant_id = principal.tenant_id;
        let learner_id = users::live_user_key(tx, tenant_id, &registration.student_id)?
            .ok_or_else(|| OpError::not_found(Entity::User, &registration.student_id))?;
        let course_id = courses::course_key(tx, tenant_id, &registration.course_id)?
            .ok_or_else(|| OpError::not_found(Entity::Course, &registration.course_id))?;
        let (offering_id, offering_course) = store::offering_by_external_id(tx, tenant_id, &registration.course_offering_id)?
            .ok_or_else(|| OpError::not_found(Entity::Offering, &registration.course_offering_id))?;
        if offering_course != course_id {
            return Err(OpError::invalid(
                "course_offering_id",
                format!(
                    "course offering {} is an offering of another course than {}",
                    registration.course_offering_id, registration.course_id
                ),
            ));
        }
        let optional = |tx: &mut Tx<'_>,
                        id: &Option<ExternalId>,
                        entity: Entity,
                        find: fn(&mut Tx<'_>, i64, &str) -> diesel::QueryResult<Option<i64>>| {
            id.as_ref().map(|id| find(tx, tenant_id, id)?.ok_or_else(|| OpError::not_found(entity, id))).transpose()
        };
        let order_id = optional(tx, &registration.order_id, Entity::Order, store::order_key)?;
        let application_id = optional(tx, &registration.application_id, Entity::Application, store::application_key)?;
        let event_registration_id =
            optional(tx, &registration.event_registration_id, Entity::EventRegistration, store::event_registration_key)?;
        let process_id = optional(tx, &registration.process_id, Entity::RegistrationProcess, store::process_key)?;
        Ok(Resolved { learner_id, course_id, offering_id, order_id, application_id, event_registration_id, process_id })
    }

    /// Refuses a registration in force for a student who holds the course in force already
    /// (through any face): a learner holds a course once at a time.
    fn check_in_force(&self, tx: &mut Tx<'_>, registration: &Registration, keys: &Resolved, this: Option<i64>) -> Result<(), OpError> {
        if registration.status.is_in_force()
            && let Some(existing) = offerings::active_enrollment_of(tx, keys.course_id, keys.learner_id)?
            && Some(existing) != this
        {
            return Err(OpError::Conflict {
                what: Clash::AlreadyEnrolled,
                detail: format!(
                    "student {} holds an enrollment in force in course {} already",
                    registration.student_id, registration.course_id
                ),
            });
        }
        Ok(())
    }

    fn write_row<'a>(
        registration: &'a Registration,
        keys: &Resolved,
        details: &'a str,
        version: i64,
        now: NaiveDateTime,
        by: &'a str,
    ) -> RegistrationRow<'a> {
        RegistrationRow {
            learner_id: keys.learner_id,
            course_id: keys.course_id,
            offering_id: keys.offering_id,
            status: registration.status.as_str(),
            order_id: keys.order_id,
            application_id: keys.application_id,
            event_registration_id: keys.event_registration_id,
            process_id: keys.process_id,
            name: &registration.name,
            email_address: registration.email_address.as_deref(),
            job_title: registration.job_title.as_deref(),
            city: registration.city.as_deref(),
            state: registration.state.as_deref(),
            order_number: registration.order_number,
            order_balance_due: registration.order_balance_due,
            order_amount_paid: registration.order_amount_paid,
            order_status: registration.order_status.map(OrderStatus::as_str),
            order_total: registration.order_total,
            training_provider_id: registration.training_provider_id.as_deref(),
            training_location_id: registration.training_location_id.as_deref(),
            arrival_date: registration.arrival_date,
            departure_date: registration.departure_date,
            registered_at: registration.date,
            sys_version: version,
            sys_locked: registration.sys_locked,
            sys_last_modified_at: now,
            sys_last_modified_by_id: by,
            details,
            student_external_id: &registration.student_id,
            course_external_id: &registration.course_id,
            offering_external_id: &registration.course_offering_id,
            order_external_id: registration.order_id.as_deref(),
            application_external_id: registration.application_id.as_deref(),
            event_registration_external_id: registration.event_registration_id.as_deref(),
            process_external_id: registration.process_id.as_deref(),
        }
    }

    /// Creates a registration: an enrollment of the offering's course, with Rhythm's fields beside
    /// it; the server makes its id and starts its version at 1.
    pub fn create_registration(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        registration: &Registration,
    ) -> Result<RegistrationView, OpError> {
        require_administrator(principal)?;
        let keys = self.resolve(tx, principal, registration)?;
        self.check_in_force(tx, registration, &keys, None)?;
        let now = now();
        let state = state(registration, &keys, None, now);
        let id = uuid::Uuid::new_v4().to_string();
        let enrollment_id = enrollments::insert_enrollment(
            tx,
            &NewEnrollment {
                tenant_id: principal.tenant_id,
                external_id: &id,
                source: "rhythm",
                learner_id: keys.learner_id,
                course_id: keys.course_id,
                access_date: registration.date.unwrap_or(now),
                due_date: None,
                lock_after_due_date: false,
                enrollment_type_group: EnrollmentTypeGroup::AssignedByAdministrator.code(),
                lifecycle: state.lifecycle,
                completion_status: state.completion_status,
                progress: state.progress,
                completed_at: state.completed_at,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(raced(&registration.student_id))?;
        let details = serde_json::to_string(&registration.details).map_err(|e| OpError::Internal(e.to_string()))?;
        store::insert(
            tx,
            &NewRegistration {
                enrollment_id,
                tenant_id: principal.tenant_id,
                sys_created_at: now,
                sys_created_by_id: &principal.subject,
                fields: Self::write_row(registration, &keys, &details, 1, now, &principal.subject),
            },
        )?;
        self.registration(tx, principal, &id)
    }

    /// One registration of the caller's tenant.
    pub fn registration(&self, tx: &mut Tx<'_>, principal: &Principal, id: &str) -> Result<RegistrationView, OpError> {
        require_administrator(principal)?;
        let record = store::by_id(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Registration, id))?;
        view(record)
    }

    /// The record of a registration the caller may change: a locked one refuses every change.
    fn changeable(&self, tx: &mut Tx<'_>, principal: &Principal, id: &str) -> Result<RegistrationRecord, OpError> {
        require_administrator(principal)?;
        let record = store::by_id(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Registration, id))?;
        if record.sys_locked {
            return Err(OpError::invalid(
                "sys_locked",
                format!("course registration {id} is locked (sys_locked) and cannot be changed via the API"),
            ));
        }
        Ok(record)
    }

    /// Replaces every field of a registration, and the enrollment's state with them. With
    /// `expected_version`, only a registration still at that version is replaced: a writer who
    /// read an older version learns of the change instead of overwriting it.
    pub fn replace_registration(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: &str,
        registration: &Registration,
        expected_version: Option<i64>,
    ) -> Result<RegistrationView, OpError> {
        let current = self.changeable(tx, principal, id)?;
        let stale = |version: i64| OpError::Conflict {
            what: Clash::StaleVersion,
            detail: format!(
                "course registration {id} is at sys_version {}, not {version}: read it again and reapply the change",
                current.sys_version
            ),
        };
        if let Some(version) = expected_version
            && version != current.sys_version
        {
            return Err(stale(version));
        }
        let keys = self.resolve(tx, principal, registration)?;
        self.check_in_force(tx, registration, &keys, Some(current.enrollment_id))?;
        let now = now();
        let completed_at = offerings::completed_at(tx, current.enrollment_id)?;
        offerings::set_enrollment_state(tx, current.enrollment_id, &state(registration, &keys, completed_at, now))
            .map_err(raced(&registration.student_id))?;
        let details = serde_json::to_string(&registration.details).map_err(|e| OpError::Internal(e.to_string()))?;
        let row = Self::write_row(registration, &keys, &details, current.sys_version + 1, now, &principal.subject);
        // The version guards the row too: a writer that committed since this one read it wins.
        if !store::update(tx, current.enrollment_id, current.sys_version, &row)? {
            return Err(stale(current.sys_version));
        }
        self.registration(tx, principal, id)
    }

    /// Deletes a registration (its enrollment, for every face), unless something depends on it.
    pub fn delete_registration(&self, tx: &mut Tx<'_>, principal: &Principal, id: &str) -> Result<(), OpError> {
        let current = self.changeable(tx, principal, id)?;
        let dependents = store::dependents(tx, current.enrollment_id)?;
        if !dependents.is_empty() {
            return Err(OpError::Conflict {
                what: Clash::HasDependents,
                detail: format!("course registration {id} has {} depending on it", dependents.join(" and ")),
            });
        }
        enrollments::set_lifecycle(tx, current.enrollment_id, Lifecycle::Deleted, now())?;
        store::delete(tx, current.enrollment_id)?;
        Ok(())
    }

    /// One keyset page of the registrations `lookup` names, in creation order. A lookup naming a
    /// student, course, offering, application, event registration or order that does not exist
    /// lists nothing.
    pub fn registrations(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        lookup: &RegistrationLookup,
        page: &PageRequest,
        token_name: &str,
    ) -> Result<Page<RegistrationView>, OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let (after, size) = Self::start(tx, tenant_id, page, token_name)?;
        let lookup = match lookup {
            RegistrationLookup::All => Lookup::All,
            RegistrationLookup::Student(id) => Lookup::Student(id),
            RegistrationLookup::Course(id) => Lookup::Course(id),
            RegistrationLookup::Offering(id, active) => Lookup::Offering(id, *active),
            RegistrationLookup::StudentCourse(student, course) => Lookup::StudentCourse(student, course),
            RegistrationLookup::Application(id) => Lookup::Application(id),
            RegistrationLookup::EventRegistration(id) => Lookup::EventRegistration(id),
            RegistrationLookup::Order(id) => Lookup::Order(id),
        };
        let rows = store::page(tx, tenant_id, lookup, after, size + 1)?;
        Self::registration_page(rows, size)
    }

    /// Where a page starts and how long it is: after the key a `LastEvaluatedKey` gave, or after
    /// the registration a key names by its id (the scan answers a bare array: its client passes
    /// the last item's id).
    fn start(tx: &mut Tx<'_>, tenant_id: i64, page: &PageRequest, token_name: &str) -> Result<(i64, i64), OpError> {
        match page.resolve_named(token_name, "LastEvaluatedKey") {
            Ok(start) => Ok(start),
            Err(refused) => {
                let size = page.size.map_or(paging::DEFAULT_PAGE_SIZE, crate::domain::values::PageSize::get) as i64;
                match page.token.as_deref().map(|id| store::enrollment_key_of(tx, tenant_id, id)).transpose()?.flatten() {
                    Some(after) => Ok((after, size)),
                    None => Err(refused),
                }
            }
        }
    }

    fn registration_page(rows: Vec<RegistrationRecord>, size: i64) -> Result<Page<RegistrationView>, OpError> {
        let keyed = rows.into_iter().map(|row| Ok((row.enrollment_id, view(row)?))).collect::<Result<Vec<_>, OpError>>()?;
        Ok(paging::page_of(keyed, size))
    }

    /// One keyset page of the registrations matching `search`, in creation order.
    pub fn search_registrations(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        search: &RegistrationSearch,
        page: &PageRequest,
        token_name: &str,
    ) -> Result<Page<RegistrationView>, OpError> {
        require_administrator(principal)?;
        let (after, size) = Self::start(tx, principal.tenant_id, page, token_name)?;
        let rows = store::search(tx, principal.tenant_id, search, after, size + 1)?;
        Self::registration_page(rows, size)
    }

    /// Generates the order that pays for a registration: an order awaiting payment of the
    /// offering's fee, billed to the student, linked to the registration (whose `order_` fields
    /// then describe it). Returns the order's id and number.
    pub fn generate_order(&self, tx: &mut Tx<'_>, principal: &Principal, id: &str) -> Result<(String, i64), OpError> {
        let current = self.changeable(tx, principal, id)?;
        let mut registration = view(current.clone())?.registration;
        if let Some(order) = &registration.order_id {
            return Err(OpError::Conflict {
                what: Clash::HasDependents,
                detail: format!("course registration {id} has an order already: {order}"),
            });
        }
        let keys = self.resolve(tx, principal, &registration)?;
        let (fee, currency) = store::offering_fee(tx, keys.offering_id)?;
        let total = fee.unwrap_or(0.0);
        let currency = currency.unwrap_or_else(|| "USD".into());
        let symbol = currency_symbol(&currency);
        let now = now();
        let number = store::next_order_number(tx, principal.tenant_id)?;
        let order_id = uuid::Uuid::new_v4().to_string();
        store::insert_order(
            tx,
            &NewOrder {
                tenant_id: principal.tenant_id,
                external_id: &order_id,
                number,
                status: OrderStatus::AwaitingPayment.as_str(),
                bill_to_id: Some(keys.learner_id),
                currency_code: &currency,
                currency_symbol: symbol,
                total,
                amount_paid: 0.0,
                balance_due: total,
                created_at: now,
            },
        )?;
        registration.order_id = Some(ExternalId::parse(&order_id).map_err(|r| OpError::Internal(r.reason))?);
        registration.order_number = Some(number as f64);
        registration.order_status = Some(OrderStatus::AwaitingPayment);
        registration.order_total = Some(total);
        registration.order_balance_due = Some(total);
        registration.order_amount_paid = Some(0.0);
        registration.details.order_currency_code = Some(currency.clone());
        registration.details.order_currency_symbol = Some(symbol.to_string());
        self.replace_registration(tx, principal, id, &registration, None)?;
        Ok((order_id, number))
    }

    /// Queues the registration's confirmation e-mail to `address` in the outbox, in this
    /// transaction; the sender delivers it through the relay. Returns the message's id.
    pub fn preview_registration_email(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: &str,
        address: &ExternalId,
    ) -> Result<String, OpError> {
        let view = self.registration(tx, principal, id)?;
        if !self.mail_relay {
            return Err(OpError::invalid(
                "destination_email_address",
                "no SMTP relay is configured on this server (serve --smtp-url), so no e-mail can be sent",
            ));
        }
        if !address.contains('@') || address.contains(char::is_whitespace) {
            return Err(OpError::invalid("destination_email_address", format!("'{address}' is not an e-mail address")));
        }
        let record = store::by_id(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Registration, id))?;
        let (course, offering) = store::names_of(tx, record.enrollment_id)?;
        let r = &view.registration;
        let when = |t: Option<NaiveDateTime>| t.map_or_else(|| "not set".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
        let subject = format!("Course registration confirmation: {course}");
        let body = format!(
            "Dear {name},\n\nThis confirms your registration for {course} ({offering}).\n\n\
             Registration: {id}\nStatus: {status}\nRegistered: {date}\nArrival: {arrival}\nDeparture: {departure}\n\n\
             This is a preview of the confirmation e-mail, sent on request.\n",
            name = r.name,
            status = r.status.as_str(),
            date = when(r.date),
            arrival = when(r.arrival_date),
            departure = when(r.departure_date),
        );
        let now = now();
        let message = NewMessage {
            tenant_id: principal.tenant_id,
            kind: "mail",
            recipient: address,
            subject: &subject,
            body: &body,
            created_at: now,
            next_attempt_at: now,
        };
        Ok(outbox::insert(tx, &message)?.to_string())
    }

    /// Generates a draft registration for a contact through a registration process: for the
    /// process's first course that has an offering, in its earliest offering, named after the
    /// contact.
    pub fn generate_registration(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        process: &ExternalId,
        contact: &ExternalId,
    ) -> Result<RegistrationView, OpError> {
        require_administrator(principal)?;
        let tenant_id = principal.tenant_id;
        let process_key =
            store::process_key(tx, tenant_id, process)?.ok_or_else(|| OpError::not_found(Entity::RegistrationProcess, process))?;
        let student = users::live_user_key(tx, tenant_id, contact)?.ok_or_else(|| OpError::not_found(Entity::User, contact))?;
        let offering = store::process_courses(tx, process_key)?
            .into_iter()
            .find_map(|course| store::first_offering_of(tx, tenant_id, course).transpose())
            .transpose()?
            .ok_or_else(|| OpError::invalid("processId", format!("registration process {process} names no course with an offering")))?;
        let profile = users::profile_names(tx, student)?;
        let name = [profile.0.as_deref(), profile.1.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        let registration = Registration {
            student_id: contact.clone(),
            course_id: ExternalId::parse(&offering.course_external_id).map_err(|r| OpError::Internal(r.reason))?,
            course_offering_id: ExternalId::parse(&offering.external_id).map_err(|r| OpError::Internal(r.reason))?,
            status: RegistrationStatus::Draft,
            process_id: Some(process.clone()),
            order_id: None,
            application_id: None,
            event_registration_id: None,
            name: if name.is_empty() { profile.2.clone() } else { name },
            email_address: profile.3,
            job_title: None,
            city: None,
            state: None,
            order_number: None,
            order_balance_due: None,
            order_amount_paid: None,
            order_status: None,
            order_total: None,
            training_provider_id: None,
            training_location_id: None,
            arrival_date: None,
            departure_date: None,
            date: Some(now()),
            sys_locked: false,
            details: RegistrationDetails { first_name: profile.0, last_name: profile.1, ..Default::default() },
        };
        self.create_registration(tx, principal, &registration)
    }
}

/// The symbol of a currency, for the order's `currency_symbol`.
fn currency_symbol(code: &str) -> &'static str {
    match code {
        "USD" | "CAD" | "AUD" | "NZD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "CHF" => "CHF",
        _ => "¤",
    }
}
