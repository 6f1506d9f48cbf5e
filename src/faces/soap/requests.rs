//! Decoders of the request elements, one per operation, following the XSD's sequences exactly.

use super::decode::{Declared, Field, Owned, Seq};
use super::operations::{Decoded, Operation};
use super::types;
use crate::domain::values::{CompletionStatus, DuePeriod, ExternalId, Name, PageSize, Password, Text};
use crate::domain::{DueDateType, Role, UserStatus};
use crate::service::{
    DepartmentUpdate, EnrollRequest, EnrollmentChange, EnrollmentQuery, NewUserRequest, PageRequest, Problem, Range, ResultsQuery,
    UserQuery, UserUpdate,
};

type Result<T> = std::result::Result<T, Problem>;

/// Reads `credentials`, lets `body` read the operation's own elements, and checks nothing is left.
fn call(op: &Field<'_>, body: impl FnOnce(&mut Seq<'_>) -> Result<Operation>) -> Result<Decoded> {
    let mut seq = op.children(Declared::Anonymous)?;
    let credentials = types::credentials(&seq.required("credentials")?)?;
    let operation = body(&mut seq)?;
    seq.finish()?;
    Ok((credentials, operation))
}

fn id(seq: &mut Seq<'_>, name: &'static str) -> Result<ExternalId> {
    seq.required(name)?.field().id()
}

fn optional_id(seq: &mut Seq<'_>, name: &'static str) -> Result<Option<ExternalId>> {
    seq.optional(name).map(|f| f.field().id()).transpose()
}

fn optional_text(seq: &mut Seq<'_>, name: &'static str) -> Result<Option<Text>> {
    seq.optional(name).map(|f| f.field().value(Text::parse)).transpose()
}

fn id_list(seq: &mut Seq<'_>, name: &'static str) -> Result<Vec<ExternalId>> {
    types::id_list(&seq.required(name)?)
}

fn optional_id_list(seq: &mut Seq<'_>, name: &'static str) -> Result<Option<Vec<ExternalId>>> {
    types::optional_id_list(seq.optional(name))
}

/// A wrapper (of complex type `list`) of repeated `item` elements, each read by `read`.
fn optional_list<T>(
    seq: &mut Seq<'_>,
    name: &'static str,
    list: &'static str,
    item: &'static str,
    read: impl Fn(&Field<'_>) -> Result<T>,
) -> Result<Option<Vec<T>>> {
    let Some(wrapper) = seq.optional(name) else { return Ok(None) };
    let mut inner = wrapper.field().children(Declared::Api(list))?;
    let items = inner.repeated(item, 0, usize::MAX)?.iter().map(|i| read(&i.field())).collect::<Result<Vec<_>>>()?;
    inner.finish()?;
    Ok(Some(items))
}

fn paging(seq: &mut Seq<'_>) -> Result<PageRequest> {
    Ok(PageRequest {
        size: seq.optional("pageSize").map(|f| f.field().int_value(PageSize::parse)).transpose()?,
        token: seq.optional("pageToken").map(|f| f.field().token(Declared::Api("PageToken"), 1, 512)).transpose()?,
    })
}

fn range(field: Owned<'_>) -> Result<Range> {
    let mut seq = field.field().children(Declared::Api("DateRange"))?;
    let start = seq.optional("startDate").map(|f| f.field().date_time()).transpose()?;
    let end = seq.optional("endDate").map(|f| f.field().date_time()).transpose()?;
    seq.finish()?;
    Ok(Range { start, end })
}

fn password(seq: &mut Seq<'_>, name: &'static str, required: bool) -> Result<Option<Password>> {
    let field = if required { Some(seq.required(name)?) } else { seq.optional(name) };
    field.map(|f| f.field().value(Password::parse)).transpose()
}

fn role(seq: &mut Seq<'_>) -> Result<Option<Role>> {
    let roles = Role::ALL.map(|role| (role.as_str(), role));
    seq.optional("role").map(|f| f.field().enumeration(&roles)).transpose()
}

/// `dueDateType`, `dueDate`, `duePeriod`, `lockAfterDueDate`.
type DueFields = (Option<DueDateType>, Option<chrono::NaiveDate>, Option<DuePeriod>, Option<bool>);

fn due_fields(seq: &mut Seq<'_>, type_required: bool) -> Result<DueFields> {
    let types = DueDateType::ALL.map(|due| (due.as_str(), due));
    let due_type = if type_required {
        Some(seq.required("dueDateType")?.field().enumeration(&types)?)
    } else {
        seq.optional("dueDateType").map(|f| f.field().enumeration(&types)).transpose()?
    };
    let due_date = seq.optional("dueDate").map(|f| f.field().date()).transpose()?;
    let due_period = seq.optional("duePeriod").map(|f| f.field().int_value(DuePeriod::parse)).transpose()?;
    let lock = seq.optional("lockAfterDueDate").map(|f| f.field().boolean()).transpose()?;
    Ok((due_type, due_date, due_period, lock))
}

// Enrollments

pub fn get_enrollments(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let course_ids = optional_id_list(seq, "courseIds")?;
        let learner_ids = optional_id_list(seq, "learnerIds")?;
        Ok(Operation::GetEnrollments(EnrollmentQuery { course_ids, learner_ids }))
    })
}

pub fn list_enrollments(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let course_ids = optional_id_list(seq, "courseIds")?;
        let learner_ids = optional_id_list(seq, "learnerIds")?;
        Ok(Operation::ListEnrollments(EnrollmentQuery { course_ids, learner_ids }, paging(seq)?))
    })
}

pub fn get_enrollment(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::GetEnrollment(id(seq, "enrollmentId")?)))
}

pub fn enroll_learners_in_courses(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let course_ids = id_list(seq, "courseIds")?;
        let learner_ids = id_list(seq, "learnerIds")?;
        let access_date = seq.optional("accessDate").map(|f| f.field().date_time()).transpose()?;
        let (due_date_type, due_date, due_period, lock_after_due_date) = due_fields(seq, true)?;
        Ok(Operation::EnrollLearnersInCourses(EnrollRequest {
            course_ids,
            learner_ids,
            access_date,
            due_date_type: due_date_type.expect("required above"),
            due_date,
            due_period,
            lock_after_due_date,
        }))
    })
}

pub fn change_enrollment(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let enrollment_id = id(seq, "enrollmentId")?;
        let access_date = seq.optional("accessDate").map(|f| f.field().date_time()).transpose()?;
        let (due_date_type, due_date, due_period, lock_after_due_date) = due_fields(seq, false)?;
        Ok(Operation::ChangeEnrollment(EnrollmentChange {
            enrollment_id,
            access_date,
            due_date_type,
            due_date,
            due_period,
            lock_after_due_date,
        }))
    })
}

pub fn unenroll(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::Unenroll(id(seq, "enrollmentId")?)))
}

// Users

pub fn get_users(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let department_id = optional_id(seq, "departmentId")?;
        let group_id = optional_id(seq, "groupId")?;
        Ok(Operation::GetUsers(UserQuery { department_id, group_id, logins: None, emails: None }))
    })
}

pub fn list_users(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let department_id = optional_id(seq, "departmentId")?;
        let group_id = optional_id(seq, "groupId")?;
        let logins = optional_list(seq, "logins", "LoginList", "login", |f| f.id())?;
        let emails = optional_list(seq, "emails", "EmailList", "email", |f| f.id())?;
        Ok(Operation::ListUsers(UserQuery { department_id, group_id, logins, emails }, paging(seq)?))
    })
}

pub fn get_user_profile(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::GetUserProfile(id(seq, "userId")?)))
}

pub fn add_user(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let login = id(seq, "login")?;
        let email = optional_id(seq, "email")?;
        let password = password(seq, "password", false)?;
        let first_name = optional_text(seq, "firstName")?;
        let last_name = optional_text(seq, "lastName")?;
        let department_id = id(seq, "departmentId")?;
        let role = role(seq)?;
        let manageable_department_ids = optional_id_list(seq, "manageableDepartmentIds")?;
        let groups = optional_id_list(seq, "groups")?;
        Ok(Operation::AddUser(NewUserRequest {
            login,
            email,
            password,
            first_name,
            last_name,
            department_id,
            role,
            manageable_department_ids,
            groups,
        }))
    })
}

pub fn update_user_profile(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let user_id = id(seq, "userId")?;
        let login = optional_id(seq, "login")?;
        let email = optional_id(seq, "email")?;
        let first_name = optional_text(seq, "firstName")?;
        let last_name = optional_text(seq, "lastName")?;
        let department_id = optional_id(seq, "departmentId")?;
        let role = role(seq)?;
        let manageable_department_ids = optional_id_list(seq, "manageableDepartmentIds")?;
        Ok(Operation::UpdateUserProfile(UserUpdate {
            user_id,
            login,
            email,
            first_name,
            last_name,
            department_id,
            role,
            manageable_department_ids,
        }))
    })
}

pub fn delete_user(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::DeleteUser(id(seq, "userId")?)))
}

pub fn activate_users(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::ActivateUsers(id_list(seq, "userIds")?)))
}

pub fn deactivate_users(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::DeactivateUsers(id_list(seq, "userIds")?)))
}

pub fn update_user_password(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let user_id = id(seq, "userId")?;
        let password = password(seq, "password", true)?.expect("required above");
        Ok(Operation::UpdateUserPassword { user_id, password })
    })
}

// Departments

pub fn get_departments(op: &Field<'_>) -> Result<Decoded> {
    call(op, |_| Ok(Operation::GetDepartments))
}

pub fn list_departments(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::ListDepartments(paging(seq)?)))
}

pub fn get_department(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::GetDepartment(id(seq, "departmentId")?)))
}

pub fn add_department(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let name = seq.required("name")?.field().value(Name::parse)?;
        let parent_department_id = optional_id(seq, "parentDepartmentId")?;
        let code = optional_id(seq, "code")?;
        Ok(Operation::AddDepartment { name, parent_department_id, code })
    })
}

pub fn update_department(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let department_id = id(seq, "departmentId")?;
        let name = seq.optional("name").map(|f| f.field().value(Name::parse)).transpose()?;
        let code = optional_id(seq, "code")?;
        let parent_department_id = optional_id(seq, "parentDepartmentId")?;
        Ok(Operation::UpdateDepartment(DepartmentUpdate { department_id, name, code, parent_department_id }))
    })
}

pub fn delete_department(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::DeleteDepartment(id(seq, "departmentId")?)))
}

// Groups

pub fn get_groups(op: &Field<'_>) -> Result<Decoded> {
    call(op, |_| Ok(Operation::GetGroups))
}

pub fn add_group(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let name = seq.required("name")?.field().value(Name::parse)?;
        let user_ids = optional_id_list(seq, "userIds")?.unwrap_or_default();
        Ok(Operation::AddGroup { name, user_ids })
    })
}

pub fn update_group_members(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let group_id = id(seq, "groupId")?;
        let user_ids = id_list(seq, "userIds")?;
        Ok(Operation::UpdateGroupMembers { group_id, user_ids })
    })
}

pub fn remove_user_from_groups(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let user_id = id(seq, "userId")?;
        let group_ids = id_list(seq, "groupIds")?;
        Ok(Operation::RemoveUserFromGroups { user_id, group_ids })
    })
}

// Content and results

pub fn get_content(op: &Field<'_>) -> Result<Decoded> {
    call(op, |_| Ok(Operation::GetContent))
}

pub fn list_content(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::ListContent(paging(seq)?)))
}

pub fn get_content_item(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::GetContentItem(id(seq, "contentItemId")?)))
}

pub fn get_content_item_final_statuses(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| Ok(Operation::GetContentItemFinalStatuses(id(seq, "contentItemId")?)))
}

pub fn list_learners_results(op: &Field<'_>) -> Result<Decoded> {
    call(op, |seq| {
        let user_ids = optional_id_list(seq, "userIds")?;
        let course_ids = optional_id_list(seq, "courseIds")?;
        let enrollment_ids = optional_id_list(seq, "enrollmentIds")?;
        let access_date = seq.optional("accessDate").map(range).transpose()?;
        let due_date = seq.optional("dueDate").map(range).transpose()?;
        let completion_date = seq.optional("completionDate").map(range).transpose()?;
        let completion_statuses =
            optional_list(seq, "completionStatuses", "CompletionStatusList", "status", |f| f.value(CompletionStatus::parse))?;
        let department_ids = optional_id_list(seq, "departmentIds")?;
        let user_statuses = optional_list(seq, "userStatuses", "UserStatusList", "status", |f| f.int_value(UserStatus::parse))?;
        let query = ResultsQuery {
            user_ids,
            course_ids,
            enrollment_ids,
            access_date,
            due_date,
            completion_date,
            completion_statuses,
            department_ids,
            user_statuses,
        };
        Ok(Operation::ListLearnersResults(query, paging(seq)?))
    })
}
