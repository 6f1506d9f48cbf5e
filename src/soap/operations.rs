//! The dispatch table: request element name -> typed decoder, and each operation's execution
//! through the service layer, writing its result element.

use std::io::{self, Write};

use super::decode::Field;
use super::encode::Encoder;
use super::requests as decode;
use super::types::*;
use super::xml::Element;
use crate::domain::{Principal, UserStatus};
use crate::service::{
    Credentials, DepartmentUpdate, EnrollRequest, EnrollmentChange, EnrollmentQuery, NewUserRequest, OpError, Page, PageRequest, Problem,
    ProblemKind, ResultsQuery, Service, UserQuery, UserUpdate,
};
use crate::store::Tx;
use crate::streaming::BodySink;

/// A decoded request of one operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    GetEnrollments(EnrollmentQuery),
    ListEnrollments(EnrollmentQuery, PageRequest),
    GetEnrollment(String),
    EnrollLearnersInCourses(EnrollRequest),
    ChangeEnrollment(EnrollmentChange),
    Unenroll(String),
    GetUsers(UserQuery),
    ListUsers(UserQuery, PageRequest),
    GetUserProfile(String),
    AddUser(NewUserRequest),
    UpdateUserProfile(UserUpdate),
    DeleteUser(String),
    ActivateUsers(Vec<String>),
    DeactivateUsers(Vec<String>),
    UpdateUserPassword { user_id: String, password: String },
    GetDepartments,
    ListDepartments(PageRequest),
    GetDepartment(String),
    AddDepartment { name: String, parent_department_id: Option<String>, code: Option<String> },
    UpdateDepartment(DepartmentUpdate),
    DeleteDepartment(String),
    GetGroups,
    AddGroup { name: String, user_ids: Vec<String> },
    UpdateGroupMembers { group_id: String, user_ids: Vec<String> },
    RemoveUserFromGroups { user_id: String, group_ids: Vec<String> },
    GetContent,
    ListContent(PageRequest),
    GetContentItem(String),
    GetContentItemFinalStatuses(String),
    ListLearnersResults(ResultsQuery, PageRequest),
}

/// A decoded call: who is calling and what they ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The operation's name, `GetEnrollments` (its request element without `Request`).
    pub name: &'static str,
    pub credentials: Credentials,
    pub operation: Operation,
}

/// What a decoder reads from its request element.
pub type Decoded = (Credentials, Operation);

pub use crate::store::Access;

type Decoder = fn(&Field<'_>) -> Result<Decoded, Problem>;

/// Request element names and their decoders; the WSDL lists the same operations, in this order.
pub const OPERATIONS: &[(&str, Decoder)] = &[
    ("GetEnrollmentsRequest", decode::get_enrollments),
    ("ListEnrollmentsRequest", decode::list_enrollments),
    ("GetEnrollmentRequest", decode::get_enrollment),
    ("EnrollLearnersInCoursesRequest", decode::enroll_learners_in_courses),
    ("ChangeEnrollmentRequest", decode::change_enrollment),
    ("UnenrollRequest", decode::unenroll),
    ("GetUsersRequest", decode::get_users),
    ("ListUsersRequest", decode::list_users),
    ("GetUserProfileRequest", decode::get_user_profile),
    ("AddUserRequest", decode::add_user),
    ("UpdateUserProfileRequest", decode::update_user_profile),
    ("DeleteUserRequest", decode::delete_user),
    ("ActivateUsersRequest", decode::activate_users),
    ("DeactivateUsersRequest", decode::deactivate_users),
    ("UpdateUserPasswordRequest", decode::update_user_password),
    ("GetDepartmentsRequest", decode::get_departments),
    ("ListDepartmentsRequest", decode::list_departments),
    ("GetDepartmentRequest", decode::get_department),
    ("AddDepartmentRequest", decode::add_department),
    ("UpdateDepartmentRequest", decode::update_department),
    ("DeleteDepartmentRequest", decode::delete_department),
    ("GetGroupsRequest", decode::get_groups),
    ("AddGroupRequest", decode::add_group),
    ("UpdateGroupMembersRequest", decode::update_group_members),
    ("RemoveUserFromGroupsRequest", decode::remove_user_from_groups),
    ("GetContentRequest", decode::get_content),
    ("ListContentRequest", decode::list_content),
    ("GetContentItemRequest", decode::get_content_item),
    ("GetContentItemFinalStatusesRequest", decode::get_content_item_final_statuses),
    ("ListLearnersResultsRequest", decode::list_learners_results),
];

/// The operation's name of a request element name: `GetEnrollments` of `GetEnrollmentsRequest`.
pub fn operation_name(request: &'static str) -> &'static str {
    request.strip_suffix("Request").unwrap_or(request)
}

/// Decodes the operation element of a Body. A failure names the operation when it is known.
pub fn decode(element: &Element) -> Result<Call, (Option<&'static str>, Problem)> {
    let known = super::envelope::api_spelling(element).and_then(|_| OPERATIONS.iter().find(|(name, _)| *name == element.local));
    match known {
        Some((request, decoder)) => {
            let name = operation_name(request);
            match decoder(&Field::root(element, request)) {
                Ok((credentials, operation)) => Ok(Call { name, credentials, operation }),
                Err(problem) => Err((Some(name), problem)),
            }
        }
        None => Err((None, Problem::new(
            ProblemKind::UnknownOperation,
            format!(
                "no operation {{{}}}{}; this endpoint serves the {} operations its WSDL lists (GET ?wsdl), such as GetEnrollmentsRequest, in namespace '{}'",
                element.ns.as_deref().unwrap_or(""),
                element.local,
                OPERATIONS.len(),
                super::envelope::API_NS
            ),
        )
        .at_path(element.local.clone())
        .at_position(element.line, element.column))),
    }
}

/// Writing a response fails only when the client has gone away.
pub fn io_error(e: io::Error) -> OpError {
    OpError::Internal(format!("writing the response failed: {e}"))
}

type Out<'o, 's> = &'o mut Encoder<&'s mut BodySink<OpError>>;

/// `<ns1:{result}>` around what `body` writes.
fn result<'s>(out: Out<'_, 's>, name: &str, body: impl FnOnce(Out<'_, 's>) -> Result<(), OpError>) -> Result<(), OpError> {
    out.open(name).map_err(io_error)?;
    body(out)?;
    out.close(name).map_err(io_error)
}

/// `SuccessResult/success = true`, the answer of operations that only change data.
fn success(out: Out<'_, '_>) -> Result<(), OpError> {
    result(out, "ns1:SuccessResult", |out| out.leaf("ns1:success", "true").map_err(io_error))
}

/// One new id in its result element.
fn new_id(out: Out<'_, '_>, element: &str, field: &str, id: &str) -> Result<(), OpError> {
    result(out, element, |out| out.leaf(field, id).map_err(io_error))
}

/// Writes one item and sends the output on when a chunk's worth has built up.
fn item<W: Write, T>(out: &mut Encoder<W>, write: fn(&mut Encoder<W>, &T) -> io::Result<()>, value: &T) -> Result<(), OpError> {
    write(out, value).map_err(io_error)
}

/// A paged list: `<ns1:{wrapper}>` items, then `nextPageToken` when there is a next page.
fn paged<'s, T>(
    out: Out<'_, 's>,
    element: &str,
    wrapper: &str,
    page: Page<T>,
    write: fn(&mut Encoder<&'s mut BodySink<OpError>>, &T) -> io::Result<()>,
) -> Result<(), OpError> {
    result(out, element, |out| {
        out.open(wrapper).map_err(io_error)?;
        for value in &page.items {
            item(out, write, value)?;
            out.out().checkpoint().map_err(io_error)?;
        }
        out.close(wrapper).map_err(io_error)?;
        if let Some(token) = &page.next_token {
            out.leaf("ns1:nextPageToken", token).map_err(io_error)?;
        }
        Ok(())
    })
}

impl Operation {
    pub fn access(&self) -> Access {
        use Operation::*;
        match self {
            GetEnrollments(_)
            | ListEnrollments(..)
            | GetEnrollment(_)
            | GetUsers(_)
            | ListUsers(..)
            | GetUserProfile(_)
            | GetDepartments
            | ListDepartments(_)
            | GetDepartment(_)
            | GetGroups
            | GetContent
            | ListContent(_)
            | GetContentItem(_)
            | GetContentItemFinalStatuses(_)
            | ListLearnersResults(..) => Access::Read,
            _ => Access::Write,
        }
    }

    /// Authenticates and runs the operation inside `tx`, writing the result element.
    pub fn execute(&self, service: &Service, tx: &mut Tx<'_>, credentials: &Credentials, out: Out<'_, '_>) -> Result<(), OpError> {
        let principal = service.authenticate(tx, credentials)?;
        self.run(service, tx, &principal, out)
    }

    fn run(&self, s: &Service, tx: &mut Tx<'_>, p: &Principal, out: Out<'_, '_>) -> Result<(), OpError> {
        use Operation::*;
        let streamed = |out: Out<'_, '_>| out.out().checkpoint().map_err(io_error);
        match self {
            GetEnrollments(query) => result(out, "ns1:GetEnrollmentsResult", |out| {
                s.get_enrollments(tx, p, query, &mut |view| {
                    item(out, write_enrollment, view)?;
                    streamed(out)
                })
            }),
            ListEnrollments(query, page) => {
                let page = s.list_enrollments(tx, p, query, page)?;
                paged(out, "ns1:ListEnrollmentsResult", "ns1:enrollments", page, write_enrollment)
            }
            GetEnrollment(id) => {
                let view = s.get_enrollment(tx, p, id)?;
                result(out, "ns1:GetEnrollmentResult", |out| item(out, write_enrollment, &view))
            }
            EnrollLearnersInCourses(request) => {
                s.enroll_learners_in_courses(tx, p, request)?;
                success(out)
            }
            ChangeEnrollment(change) => {
                s.change_enrollment(tx, p, change)?;
                success(out)
            }
            Unenroll(id) => {
                s.unenroll(tx, p, id)?;
                success(out)
            }
            GetUsers(query) => result(out, "ns1:GetUsersResult", |out| {
                s.get_users(tx, p, query, &mut |user| {
                    item(out, write_user_profile, user)?;
                    streamed(out)
                })
            }),
            ListUsers(query, page) => {
                let page = s.list_users(tx, p, query, page)?;
                paged(out, "ns1:ListUsersResult", "ns1:userProfiles", page, write_user_profile)
            }
            GetUserProfile(id) => {
                let user = s.get_user_profile(tx, p, id)?;
                result(out, "ns1:GetUserProfileResult", |out| item(out, write_user_profile, &user))
            }
            AddUser(request) => {
                let id = s.add_user(tx, p, request)?;
                new_id(out, "ns1:AddUserResult", "ns1:userId", &id)
            }
            UpdateUserProfile(update) => {
                s.update_user_profile(tx, p, update)?;
                success(out)
            }
            DeleteUser(id) => {
                s.delete_user(tx, p, id)?;
                success(out)
            }
            ActivateUsers(ids) => {
                s.set_users_status(tx, p, ids, UserStatus::Active)?;
                success(out)
            }
            DeactivateUsers(ids) => {
                s.set_users_status(tx, p, ids, UserStatus::Inactive)?;
                success(out)
            }
            UpdateUserPassword { user_id, password } => {
                s.update_user_password(tx, p, user_id, password)?;
                success(out)
            }
            GetDepartments => {
                let departments = s.get_departments(tx, p)?;
                result(out, "ns1:GetDepartmentsResult", |out| departments.iter().try_for_each(|d| item(out, write_department, d)))
            }
            ListDepartments(page) => {
                let page = s.list_departments(tx, p, page)?;
                paged(out, "ns1:ListDepartmentsResult", "ns1:departments", page, write_department)
            }
            GetDepartment(id) => {
                let department = s.get_department(tx, p, id)?;
                result(out, "ns1:GetDepartmentResult", |out| item(out, write_department, &department))
            }
            AddDepartment { name, parent_department_id, code } => {
                let id = s.add_department(tx, p, name, parent_department_id.as_deref(), code.as_deref())?;
                new_id(out, "ns1:AddDepartmentResult", "ns1:departmentId", &id)
            }
            UpdateDepartment(update) => {
                s.update_department(tx, p, update)?;
                success(out)
            }
            DeleteDepartment(id) => {
                s.delete_department(tx, p, id)?;
                success(out)
            }
            GetGroups => {
                let groups = s.get_groups(tx, p)?;
                result(out, "ns1:GetGroupsResult", |out| groups.iter().try_for_each(|g| item(out, write_group, g)))
            }
            AddGroup { name, user_ids } => {
                let id = s.add_group(tx, p, name, user_ids)?;
                new_id(out, "ns1:AddGroupResult", "ns1:groupId", &id)
            }
            UpdateGroupMembers { group_id, user_ids } => {
                s.update_group_members(tx, p, group_id, user_ids)?;
                success(out)
            }
            RemoveUserFromGroups { user_id, group_ids } => {
                s.remove_user_from_groups(tx, p, user_id, group_ids)?;
                success(out)
            }
            GetContent => result(out, "ns1:GetContentResult", |out| {
                s.get_content(tx, p, &mut |content| {
                    item(out, write_content_item, content)?;
                    streamed(out)
                })
            }),
            ListContent(page) => {
                let page = s.list_content(tx, p, page)?;
                paged(out, "ns1:ListContentResult", "ns1:contentItems", page, write_content_item)
            }
            GetContentItem(id) => {
                let content = s.get_content_item(tx, p, id)?;
                result(out, "ns1:GetContentItemResult", |out| item(out, write_content_item, &content))
            }
            GetContentItemFinalStatuses(id) => {
                let statuses = s.get_content_item_final_statuses(tx, p, id)?;
                result(out, "ns1:GetContentItemFinalStatusesResult", |out| {
                    out.open("ns1:statuses").map_err(io_error)?;
                    statuses.iter().try_for_each(|st| item(out, write_final_status, st))?;
                    out.close("ns1:statuses").map_err(io_error)
                })
            }
            ListLearnersResults(query, page) => {
                let page = s.list_learners_results(tx, p, query, page)?;
                let today = chrono::Utc::now().date_naive();
                result(out, "ns1:ListLearnersResultsResult", |out| {
                    out.open("ns1:learnersResults").map_err(io_error)?;
                    for r in &page.items {
                        write_learner_result(out, r, today).map_err(io_error)?;
                        out.out().checkpoint().map_err(io_error)?;
                    }
                    out.close("ns1:learnersResults").map_err(io_error)?;
                    if let Some(token) = &page.next_token {
                        out.leaf("ns1:nextPageToken", token).map_err(io_error)?;
                    }
                    Ok(())
                })
            }
        }
    }
}
