//! Classes (offerings of a course) and class enrollments. A class enrollment is one enrollment of
//! the store, the enrollment of its class's course; its vendor statuses decide the enrollment's
//! canonical state through `domain::offering`, so every face reads the same state.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::{Clash, Entity, OpError, ProblemKind, Service, now, require_administrator};
use crate::domain::offering::{
    ClassEnrollmentView, ClassView, CompletionStatus, CustomFieldInput, CustomFieldType, CustomFieldValue, EnrollmentStatus, LocationType,
};
use crate::domain::values::ExternalId;
use crate::domain::{EnrollmentTypeGroup, Principal};
use crate::store::enrollments::{self, NewEnrollment};
use crate::store::offerings::{
    self, EnrollmentState, NewOfferingEnrollment, OfferingEnrollmentChanges, OfferingEnrollmentFilter, OfferingEnrollmentOrder,
    OfferingEnrollmentRow, OfferingFilter, OfferingOrder, OfferingRow,
};
use crate::store::{Tx, users};

/// What custom fields of class enrollments are filed under.
const CLASS_ENROLLMENT_FIELDS: &str = "class_enrollment";

/// The largest page a search returns.
pub const MAX_SEARCH_PAGE: i64 = 1000;

/// A class enrollment as the caller gives it: every editable field (an update replaces them all).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEnrollmentInput {
    pub external_id: Option<ExternalId>,
    pub class_id: i64,
    pub user_id: i64,
    pub enrollment_status: EnrollmentStatus,
    pub completion_status: CompletionStatus,
    pub late_cancel: bool,
    pub retake: bool,
    pub location_type: Option<LocationType>,
    pub classroom_id: Option<i64>,
    pub hours_spent: Option<i32>,
    pub grade: Option<i32>,
}

impl From<&ClassEnrollmentView> for ClassEnrollmentInput {
    /// The input that would write `view` as it is: the start of a partial update.
    fn from(view: &ClassEnrollmentView) -> Self {
        ClassEnrollmentInput {
            external_id: view.external_id.as_deref().and_then(|id| ExternalId::parse(id).ok()),
            class_id: view.class_id,
            user_id: view.user_id,
            enrollment_status: view.enrollment_status,
            completion_status: view.completion_status,
            late_cancel: view.late_cancel,
            retake: view.retake,
            location_type: view.location_type,
            classroom_id: view.classroom_id,
            hours_spent: view.hours_spent,
            grade: view.grade,
        }
    }
}

/// One page of a search: 0-based `index`, `size` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchPage {
    pub index: i64,
    pub size: i64,
}

impl SearchPage {
    /// A page of `size` (1 to [`MAX_SEARCH_PAGE`]) at 0-based `index`.
    pub fn new(index: i64, size: i64, index_name: &str, size_name: &str) -> Result<Self, OpError> {
        if index < 0 {
            return Err(OpError::wrong(
                ProblemKind::Type,
                index_name,
                format!("{index_name} is 0-based and must not be negative; got {index}"),
            ));
        }
        if !(1..=MAX_SEARCH_PAGE).contains(&size) {
            return Err(OpError::wrong(
                ProblemKind::Type,
                size_name,
                format!("{size_name} must be from 1 to {MAX_SEARCH_PAGE}; got {size}"),
            ));
        }
        Ok(SearchPage { index, size })
    }

    fn offset(self) -> i64 {
        self.index.saturating_mul(self.size)
    }
}

/// The matches of one page of a search, and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Class-enrollment search filters (store keys); every one optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassEnrollmentQuery {
    pub external_id: Option<ExternalId>,
    pub class_name: Option<String>,
    pub class_id: Option<i64>,
    pub user_id: Option<i64>,
    /// The learner as the iSpring faces name them.
    pub user_external_id: Option<ExternalId>,
    pub enrollment_status: Option<EnrollmentStatus>,
    pub created_after: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    pub order: Option<(OfferingEnrollmentOrder, bool)>,
}

/// Class search filters; every one optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassQuery {
    pub external_id: Option<ExternalId>,
    pub name: Option<String>,
    pub course_id: Option<i64>,
    /// The course as the iSpring faces name it.
    pub course_external_id: Option<ExternalId>,
    pub starts_after: Option<NaiveDateTime>,
    pub starts_before: Option<NaiveDateTime>,
    pub order: Option<(OfferingOrder, bool)>,
}

/// A custom field that class enrollments can carry.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldDefinition {
    pub id: i64,
    pub name: String,
    pub data_type: CustomFieldType,
}

/// A user as the class operations present one.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassUserView {
    pub id: i64,
    pub external_id: String,
    pub login: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub disabled: bool,
}

/// The vendor's side of a class enrollment, as `input` gives it.
fn offering_fields(input: &ClassEnrollmentInput, now: NaiveDateTime) -> OfferingEnrollmentChanges<'_> {
    OfferingEnrollmentChanges {
        offering_id: input.class_id,
        learner_id: input.user_id,
        external_id: input.external_id.as_deref(),
        enrollment_status: input.enrollment_status.code(),
        completion_status: input.completion_status.code(),
        late_cancel: input.late_cancel,
        retake: input.retake,
        location_type: input.location_type.map(LocationType::code),
        classroom_id: input.classroom_id,
        hours_spent: input.hours_spent,
        grade: input.grade,
        updated_at: now,
    }
}

fn class_view(row: OfferingRow) -> ClassView {
    ClassView {
        id: row.id,
        external_id: row.external_id,
        name: row.name,
        description: row.description,
        course_id: row.course_id,
        course_external_id: row.course_external_id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        location_type: row.location_type.and_then(|code| LocationType::parse(code.into()).ok()),
        classroom_id: row.classroom_id,
        capacity: row.capacity,
        confirmation_status: row.confirmation_status,
        delivery_type: row.delivery_type,
    }
}

/// The type a custom field's stored code names.
fn field_type(id: i64, code: i16) -> Result<CustomFieldType, OpError> {
    CustomFieldType::of_code(code).ok_or_else(|| OpError::Internal(format!("custom field {id} has the type {code}")))
}

/// The views of `rows`, with their custom field values.
fn views(tx: &mut Tx<'_>, rows: Vec<OfferingEnrollmentRow>) -> Result<Vec<ClassEnrollmentView>, OpError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let values = offerings::custom_values(tx, &ids)?;
    views_with(rows, values)
}

/// The views of `rows`, given their custom field values.
fn views_with(rows: Vec<OfferingEnrollmentRow>, values: Vec<offerings::CustomValueRow>) -> Result<Vec<ClassEnrollmentView>, OpError> {
    let mut fields: HashMap<i64, Vec<CustomFieldValue>> = HashMap::new();
    for value in values {
        let field = CustomFieldValue {
            data_type: field_type(value.custom_field_id, value.data_type)?,
            custom_field_id: value.custom_field_id,
            name: value.name,
            text_value: value.text_value,
        };
        fields.entry(value.enrollment_id).or_default().push(field);
    }
    rows.into_iter()
        .map(|row| {
            let stored = |what: &str, code: i16| OpError::Internal(format!("class enrollment {} holds {what} {code}", row.id));
            Ok(ClassEnrollmentView {
                enrollment_status: EnrollmentStatus::parse(row.enrollment_status.into())
                    .map_err(|_| stored("status", row.enrollment_status))?,
                completion_status: CompletionStatus::parse(row.completion_status.into())
                    .map_err(|_| stored("completion status", row.completion_status))?,
                location_type: row
                    .location_type
                    .map(|code| LocationType::parse(code.into()).map_err(|_| stored("location type", code)))
                    .transpose()?,
                custom_fields: fields.remove(&row.id).unwrap_or_default(),
                id: row.id,
                external_id: row.external_id,
                enrollment_id: row.enrollment_external_id,
                user_id: row.learner_id,
                user_external_id: row.learner_external_id,
                class_id: row.offering_id,
                late_cancel: row.late_cancel,
                retake: row.retake,
                classroom_id: row.classroom_id,
                hours_spent: row.hours_spent,
                grade: row.grade,
            })
        })
        .collect()
}

impl Service {
    fn class_enrollments(
        &self,
        tx: &mut Tx<'_>,
        filter: &OfferingEnrollmentFilter<'_>,
        order: (OfferingEnrollmentOrder, bool),
        page: SearchPage,
    ) -> Result<Found<ClassEnrollmentView>, OpError> {
        let (rows, total) = offerings::search_enrollments(tx, filter, order.0, order.1, page.offset(), page.size)?;
        Ok(Found { items: views(tx, rows)?, total })
    }

    /// The view of one row, with its custom field values.
    fn class_enrollment(&self, tx: &mut Tx<'_>, row: Option<OfferingEnrollmentRow>) -> Result<Option<ClassEnrollmentView>, OpError> {
        let Some(row) = row else { return Ok(None) };
        let values = offerings::custom_values_of(tx, row.id)?;
        Ok(views_with(vec![row], values)?.pop())
    }

    /// One class enrollment of the caller's account.
    pub fn get_class_enrollment(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<ClassEnrollmentView, OpError> {
        require_administrator(principal)?;
        let row = offerings::enrollment_by_id(tx, principal.tenant_id, id)?;
        self.class_enrollment(tx, row)?.ok_or_else(|| OpError::not_found(Entity::ClassEnrollment, &id.to_string()))
    }

    /// The class enrollment of a user in a class.
    pub fn get_class_enrollment_of(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        class_id: i64,
        user_id: i64,
    ) -> Result<ClassEnrollmentView, OpError> {
        require_administrator(principal)?;
        let row = offerings::enrollment_by_pair(tx, principal.tenant_id, class_id, user_id)?;
        self.class_enrollment(tx, row)?
            .ok_or_else(|| OpError::not_found(Entity::ClassEnrollment, &format!("class {class_id}, user {user_id}")))
    }

    /// One page of the class enrollments matching `query` (by class name by default).
    pub fn search_class_enrollments(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &ClassEnrollmentQuery,
        page: SearchPage,
    ) -> Result<Found<ClassEnrollmentView>, OpError> {
        require_administrator(principal)?;
        let filter = OfferingEnrollmentFilter {
            tenant_id: principal.tenant_id,
            external_id: query.external_id.as_deref(),
            offering_id: query.class_id,
            learner_id: query.user_id,
            learner_external_id: query.user_external_id.as_deref(),
            offering_name_contains: query.class_name.as_deref(),
            enrollment_status: query.enrollment_status.map(EnrollmentStatus::code),
            created_after: query.created_after,
            created_before: query.created_before,
        };
        self.class_enrollments(tx, &filter, query.order.unwrap_or((OfferingEnrollmentOrder::OfferingName, false)), page)
    }

    /// Checks what a class enrollment names; returns the class's course.
    fn check_class_enrollment_input(&self, tx: &mut Tx<'_>, principal: &Principal, input: &ClassEnrollmentInput) -> Result<i64, OpError> {
        let tenant_id = principal.tenant_id;
        let course_id = offerings::course_of_offering(tx, tenant_id, input.class_id)?
            .ok_or_else(|| OpError::not_found(Entity::Class, &input.class_id.to_string()))?;
        offerings::live_user(tx, tenant_id, input.user_id)?.ok_or_else(|| OpError::not_found(Entity::User, &input.user_id.to_string()))?;
        if let Some(classroom_id) = input.classroom_id
            && !offerings::classroom_exists(tx, tenant_id, classroom_id)?
        {
            return Err(OpError::not_found(Entity::Classroom, &classroom_id.to_string()));
        }
        Ok(course_id)
    }

    /// Refuses a second class enrollment of the same user in the same class, and a second enrollment
    /// in force of the same user in the same course (a learner holds a course once at a time).
    fn check_class_enrollment_unique(
        &self,
        tx: &mut Tx<'_>,
        input: &ClassEnrollmentInput,
        course_id: i64,
        this: Option<i64>,
    ) -> Result<(), OpError> {
        if let Some((existing, deleted)) = offerings::enrollment_of_pair(tx, input.class_id, input.user_id)?
            && Some(existing) != this
        {
            if deleted {
                // Deleted through another face: the class enrollment went with it, and the pair is free.
                offerings::detach_enrollment(tx, existing)?;
                return self.check_class_enrollment_unique(tx, input, course_id, this);
            }
            return Err(OpError::Conflict {
                what: Clash::ClassEnrollmentExists,
                detail: format!("user {} is enrolled in class {} already: class enrollment {existing}", input.user_id, input.class_id),
            });
        }
        if input.enrollment_status.is_in_force()
            && let Some(existing) = offerings::active_enrollment_of(tx, course_id, input.user_id)?
            && Some(existing) != this
        {
            return Err(OpError::Conflict {
                what: Clash::AlreadyEnrolled,
                detail: format!(
                    "user {} holds an enrollment in force in this class's course already: enrollment {existing}",
                    input.user_id
                ),
            });
        }
        Ok(())
    }

    /// The enrollment's canonical state for `input`; a completion date is kept while it stays complete.
    fn state(
        input: &ClassEnrollmentInput,
        course_id: i64,
        completed_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> EnrollmentState<'static> {
        let (completion_status, progress) = input.completion_status.canonical();
        EnrollmentState {
            course_id,
            learner_id: input.user_id,
            lifecycle: input.enrollment_status.lifecycle().as_str(),
            completion_status,
            progress,
            completed_at: input.completion_status.is_complete().then(|| completed_at.unwrap_or(now)),
            updated_at: now,
        }
    }

    /// Creates a class enrollment: an enrollment of the class's course with the vendor's statuses
    /// beside it; returns its id.
    pub fn create_class_enrollment(&self, tx: &mut Tx<'_>, principal: &Principal, input: &ClassEnrollmentInput) -> Result<i64, OpError> {
        require_administrator(principal)?;
        let course_id = self.check_class_enrollment_input(tx, principal, input)?;
        self.check_class_enrollment_unique(tx, input, course_id, None)?;
        // A create racing this one past the checks meets the database's unique indexes instead.
        let raced = |e: diesel::result::Error| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => OpError::Conflict {
                what: Clash::ClassEnrollmentExists,
                detail: format!(
                    "user {} was enrolled in class {} or its course by another request just now",
                    input.user_id, input.class_id
                ),
            },
            other => other.into(),
        };
        let now = now();
        let state = Self::state(input, course_id, None, now);
        let external_id = uuid::Uuid::new_v4().to_string();
        let id = enrollments::insert_enrollment(
            tx,
            &NewEnrollment {
                tenant_id: principal.tenant_id,
                external_id: &external_id,
                source: "skillable",
                learner_id: input.user_id,
                course_id,
                access_date: now,
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
        .map_err(raced)?;
        offerings::insert_enrollment(
            tx,
            &NewOfferingEnrollment {
                enrollment_id: id,
                tenant_id: principal.tenant_id,
                created_at: now,
                fields: offering_fields(input, now),
            },
        )
        .map_err(raced)?;
        Ok(id)
    }

    /// Replaces every editable field of a class enrollment, and the enrollment's state with them.
    pub fn update_class_enrollment(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        id: i64,
        input: &ClassEnrollmentInput,
    ) -> Result<(), OpError> {
        let current = self.get_class_enrollment(tx, principal, id)?;
        // The enrollment is the learner's, in the class's course: it cannot become another
        // learner's or move to another class (its completion and custom values would go with it).
        if (current.class_id, current.user_id) != (input.class_id, input.user_id) {
            return Err(OpError::invalid(
                "classId",
                format!(
                    "class enrollment {id} is user {}'s in class {}: classId and userId must name them; create another class enrollment for another class or user",
                    current.user_id, current.class_id
                ),
            ));
        }
        let course_id = self.check_class_enrollment_input(tx, principal, input)?;
        self.check_class_enrollment_unique(tx, input, course_id, Some(id))?;
        let now = now();
        let completed_at = offerings::completed_at(tx, id)?;
        offerings::set_enrollment_state(tx, id, &Self::state(input, course_id, completed_at, now))?;
        offerings::update_enrollment(tx, id, &offering_fields(input, now))?;
        Ok(())
    }

    /// Sets (or, with `None`, clears) a custom field's value on a class enrollment; returns the
    /// field with its value.
    pub fn set_class_enrollment_custom_field(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        class_enrollment_id: i64,
        custom_field_id: i64,
        value: Option<&CustomFieldInput>,
    ) -> Result<CustomFieldValue, OpError> {
        self.get_class_enrollment(tx, principal, class_enrollment_id)?;
        let field = offerings::custom_field(tx, principal.tenant_id, CLASS_ENROLLMENT_FIELDS, custom_field_id)?
            .ok_or_else(|| OpError::not_found(Entity::CustomField, &custom_field_id.to_string()))?;
        let data_type = field_type(field.id, field.data_type)?;
        let stored = value
            .map(|value| data_type.stored(value))
            .transpose()
            .map_err(|why| OpError::invalid("customFieldId", format!("custom field {custom_field_id} {}", why.reason)))?;
        offerings::set_custom_value(tx, class_enrollment_id, field.id, stored.as_deref(), now())?;
        Ok(CustomFieldValue { custom_field_id: field.id, name: field.name, data_type, text_value: stored.unwrap_or_default() })
    }

    /// One page of the caller's classes matching `query` (by start by default).
    pub fn search_classes(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        query: &ClassQuery,
        page: SearchPage,
    ) -> Result<Found<ClassView>, OpError> {
        require_administrator(principal)?;
        let filter = OfferingFilter {
            tenant_id: principal.tenant_id,
            external_id: query.external_id.as_deref(),
            name_contains: query.name.as_deref(),
            course_id: query.course_id,
            course_external_id: query.course_external_id.as_deref(),
            starts_after: query.starts_after,
            starts_before: query.starts_before,
            ..Default::default()
        };
        let (order, descending) = query.order.unwrap_or((OfferingOrder::Start, false));
        let (rows, total) = offerings::search_offerings(tx, &filter, order, descending, page.offset(), page.size)?;
        Ok(Found { items: rows.into_iter().map(class_view).collect(), total })
    }

    /// The caller's class that `filter` finds, or "not found" naming `what`.
    fn one_class(&self, tx: &mut Tx<'_>, filter: &OfferingFilter<'_>, what: &str) -> Result<ClassView, OpError> {
        let (rows, _) = offerings::search_offerings(tx, filter, OfferingOrder::Start, false, 0, 1)?;
        rows.into_iter().next().map(class_view).ok_or_else(|| OpError::not_found(Entity::Class, what))
    }

    /// The caller's class `id`.
    pub fn get_class(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<ClassView, OpError> {
        require_administrator(principal)?;
        self.one_class(tx, &OfferingFilter { tenant_id: principal.tenant_id, id: Some(id), ..Default::default() }, &id.to_string())
    }

    /// The caller's class with this external id.
    pub fn class_by_external_id(&self, tx: &mut Tx<'_>, principal: &Principal, external_id: &ExternalId) -> Result<ClassView, OpError> {
        require_administrator(principal)?;
        let filter = OfferingFilter { tenant_id: principal.tenant_id, external_id: Some(external_id), ..Default::default() };
        self.one_class(tx, &filter, external_id)
    }

    /// The class enrollments the caller filed under this external id, in id order (external ids are
    /// the caller's and need not be unique); "not found" when there is none.
    pub fn class_enrollments_by_external_id(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        external_id: &ExternalId,
    ) -> Result<Vec<ClassEnrollmentView>, OpError> {
        require_administrator(principal)?;
        let filter = OfferingEnrollmentFilter { tenant_id: principal.tenant_id, external_id: Some(external_id), ..Default::default() };
        let page = SearchPage { index: 0, size: MAX_SEARCH_PAGE };
        let found = self.class_enrollments(tx, &filter, (OfferingEnrollmentOrder::Id, false), page)?;
        if found.items.is_empty() {
            return Err(OpError::not_found(Entity::ClassEnrollment, external_id));
        }
        Ok(found.items)
    }

    /// Deletes a class enrollment: its enrollment is deleted for every face (as iSpring's Unenroll
    /// deletes one), its custom values go, and the (class, user) pair is free again.
    pub fn delete_class_enrollment(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<(), OpError> {
        self.get_class_enrollment(tx, principal, id)?;
        offerings::delete_enrollment(tx, id, now())?;
        Ok(())
    }

    /// The custom fields the caller's class enrollments can carry, in id order.
    pub fn class_enrollment_custom_fields(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Vec<CustomFieldDefinition>, OpError> {
        require_administrator(principal)?;
        offerings::custom_fields(tx, principal.tenant_id, CLASS_ENROLLMENT_FIELDS)?
            .into_iter()
            .map(|row| Ok(CustomFieldDefinition { data_type: field_type(row.id, row.data_type)?, id: row.id, name: row.name }))
            .collect()
    }

    /// The key of the caller's (not deleted) user with this external id, as the iSpring faces name
    /// users: the JSON mirror names a class enrollment's learner so.
    pub fn class_user_key(&self, tx: &mut Tx<'_>, principal: &Principal, external_id: &ExternalId) -> Result<i64, OpError> {
        require_administrator(principal)?;
        users::live_user_key(tx, principal.tenant_id, external_id)?.ok_or_else(|| OpError::not_found(Entity::User, external_id))
    }

    /// The caller's (not deleted) user with this e-mail.
    pub fn class_user_by_email(&self, tx: &mut Tx<'_>, principal: &Principal, email: &ExternalId) -> Result<ClassUserView, OpError> {
        require_administrator(principal)?;
        let id = users::user_id_by_email(tx, principal.tenant_id, email)?.ok_or_else(|| OpError::not_found(Entity::User, email))?;
        let ids = [id];
        let filter = users::UserFilter {
            tenant_id: principal.tenant_id,
            departments: None,
            group_id: None,
            logins: None,
            emails: None,
            ids: Some(&ids),
        };
        let row = users::page(tx, &filter, 0, 1)?.pop().ok_or_else(|| OpError::not_found(Entity::User, email))?;
        Ok(ClassUserView {
            id: row.id,
            external_id: row.external_id,
            login: row.login,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            disabled: row.status != crate::domain::UserStatus::Active.code(),
        })
    }
}
