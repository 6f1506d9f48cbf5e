//! The dispatch table: request element name -> typed decoder, and each operation's execution
//! through the service layer, writing its result element.

use std::io::{self, Write};

use super::decode::Field;
use super::encode::Encoder;
use super::requests as decode;
use super::types::*;
use super::xml::Element;
use crate::domain::values::{ExternalId, Name, Password};
use crate::domain::{Principal, UserStatus};
use crate::service::catalog;
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
    GetEnrollment(ExternalId),
    EnrollLearnersInCourses(EnrollRequest),
    ChangeEnrollment(EnrollmentChange),
    Unenroll(ExternalId),
    GetUsers(UserQuery),
    ListUsers(UserQuery, PageRequest),
    GetUserProfile(ExternalId),
    AddUser(NewUserRequest),
    UpdateUserProfile(UserUpdate),
    DeleteUser(ExternalId),
    ActivateUsers(Vec<ExternalId>),
    DeactivateUsers(Vec<ExternalId>),
    UpdateUserPassword { user_id: ExternalId, password: Password },
    GetDepartments,
    ListDepartments(PageRequest),
    GetDepartment(ExternalId),
    AddDepartment { name: Name, parent_department_id: Option<ExternalId>, code: Option<ExternalId> },
    UpdateDepartment(DepartmentUpdate),
    DeleteDepartment(ExternalId),
    GetGroups,
    AddGroup { name: Name, user_ids: Vec<ExternalId> },
    UpdateGroupMembers { group_id: ExternalId, user_ids: Vec<ExternalId> },
    RemoveUserFromGroups { user_id: ExternalId, group_ids: Vec<ExternalId> },
    GetContent,
    ListContent(PageRequest),
    GetContentItem(ExternalId),
    GetContentItemFinalStatuses(ExternalId),
    ListLearnersResults(ResultsQuery, PageRequest),
}

/// A decoded call: who is calling and what they ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The operation's name, `GetEnrollments` (its request element without `Request`).
    pub name: &'static str,
    /// Whether it reads or writes, as the service's catalog says.
    pub access: Access,
    pub credentials: Credentials,
    pub operation: Operation,
}

/// What a decoder reads from its request element.
pub type Decoded = (Credentials, Operation);

use crate::faces::kit::Access;

type Decoder = fn(&Field<'_>) -> Result<Decoded, Problem>;

/// One operation of this face: its request element, the service operation it is (which gives its
/// name and access), and the decoder of the element.
pub struct Registered {
    pub request: &'static str,
    pub operation: &'static catalog::Operation,
    pub decode: Decoder,
}

/// The face's registration list: every operation it serves, in the WSDL's order. The WSDL, the
/// service pages and the samples are checked against it; the dispatcher reads it.
pub const OPERATIONS: &[Registered] = &[
    Registered { request: "GetEnrollmentsRequest", operation: catalog::GET_ENROLLMENTS, decode: decode::get_enrollments },
    Registered { request: "ListEnrollmentsRequest", operation: catalog::LIST_ENROLLMENTS, decode: decode::list_enrollments },
    Registered { request: "GetEnrollmentRequest", operation: catalog::GET_ENROLLMENT, decode: decode::get_enrollment },
    Registered {
        request: "EnrollLearnersInCoursesRequest",
        operation: catalog::ENROLL_LEARNERS_IN_COURSES,
        decode: decode::enroll_learners_in_courses,
    },
    Registered { request: "ChangeEnrollmentRequest", operation: catalog::CHANGE_ENROLLMENT, decode: decode::change_enrollment },
    Registered { request: "UnenrollRequest", operation: catalog::UNENROLL, decode: decode::unenroll },
    Registered { request: "GetUsersRequest", operation: catalog::GET_USERS, decode: decode::get_users },
    Registered { request: "ListUsersRequest", operation: catalog::LIST_USERS, decode: decode::list_users },
    Registered { request: "GetUserProfileRequest", operation: catalog::GET_USER_PROFILE, decode: decode::get_user_profile },
    Registered { request: "AddUserRequest", operation: catalog::ADD_USER, decode: decode::add_user },
    Registered { request: "UpdateUserProfileRequest", operation: catalog::UPDATE_USER_PROFILE, decode: decode::update_user_profile },
    Registered { request: "DeleteUserRequest", operation: catalog::DELETE_USER, decode: decode::delete_user },
    Registered { request: "ActivateUsersRequest", operation: catalog::ACTIVATE_USERS, decode: decode::activate_users },
    Registered { request: "DeactivateUsersRequest", operation: catalog::DEACTIVATE_USERS, decode: decode::deactivate_users },
    Registered { request: "UpdateUserPasswordRequest", operation: catalog::UPDATE_USER_PASSWORD, decode: decode::update_user_password },
    Registered { request: "GetDepartmentsRequest", operation: catalog::GET_DEPARTMENTS, decode: decode::get_departments },
    Registered { request: "ListDepartmentsRequest", operation: catalog::LIST_DEPARTMENTS, decode: decode::list_departments },
    Registered { request: "GetDepartmentRequest", operation: catalog::GET_DEPARTMENT, decode: decode::get_department },
    Registered { request: "AddDepartmentRequest", operation: catalog::ADD_DEPARTMENT, decode: decode::add_department },
    Registered { request: "UpdateDepartmentRequest", operation: catalog::UPDATE_DEPARTMENT, decode: decode::update_department },
    Registered { request: "DeleteDepartmentRequest", operation: catalog::DELETE_DEPARTMENT, decode: decode::delete_department },
    Registered { request: "GetGroupsRequest", operation: catalog::GET_GROUPS, decode: decode::get_groups },
    Registered { request: "AddGroupRequest", operation: catalog::ADD_GROUP, decode: decode::add_group },
    Registered { request: "UpdateGroupMembersRequest", operation: catalog::UPDATE_GROUP_MEMBERS, decode: decode::update_group_members },
    Registered {
        request: "RemoveUserFromGroupsRequest",
        operation: catalog::REMOVE_USER_FROM_GROUPS,
        decode: decode::remove_user_from_groups,
    },
    Registered { request: "GetContentRequest", operation: catalog::GET_CONTENT, decode: decode::get_content },
    Registered { request: "ListContentRequest", operation: catalog::LIST_CONTENT, decode: decode::list_content },
    Registered { request: "GetContentItemRequest", operation: catalog::GET_CONTENT_ITEM, decode: decode::get_content_item },
    Registered {
        request: "GetContentItemFinalStatusesRequest",
        operation: catalog::GET_CONTENT_ITEM_FINAL_STATUSES,
        decode: decode::get_content_item_final_statuses,
    },
    Registered { request: "ListLearnersResultsRequest", operation: catalog::LIST_LEARNERS_RESULTS, decode: decode::list_learners_results },
];

/// Decodes the operation element of a Body. A failure names the operation when it is known.
pub fn decode(element: &Element) -> Result<Call, (Option<&'static str>, Problem)> {
    let known = super::envelope::api_spelling(element).and_then(|_| OPERATIONS.iter().find(|op| op.request == element.local));
    match known {
        Some(registered) => {
            let name = registered.operation.name;
            match (registered.decode)(&Field::root(element, registered.request)) {
                Ok((credentials, operation)) => Ok(Call { name, access: registered.operation.access, credentials, operation }),
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

pub use crate::faces::kit::write_failed;

type Out<'o, 's> = &'o mut Encoder<&'s mut BodySink<OpError>>;

/// `<ns1:{result}>` around what `body` writes.
fn result<'s>(out: Out<'_, 's>, name: &str, body: impl FnOnce(Out<'_, 's>) -> Result<(), OpError>) -> Result<(), OpError> {
    out.open(name).map_err(write_failed)?;
    body(out)?;
    out.close(name).map_err(write_failed)
}

/// `SuccessResult/success = true`, the answer of operations that only change data.
fn success(out: Out<'_, '_>) -> Result<(), OpError> {
    result(out, "ns1:SuccessResult", |out| out.leaf("ns1:success", "true").map_err(write_failed))
}

/// One new id in its result element.
fn new_id(out: Out<'_, '_>, element: &str, field: &str, id: &str) -> Result<(), OpError> {
    result(out, element, |out| out.leaf(field, id).map_err(write_failed))
}

/// Writes one item and sends the output on when a chunk's worth has built up.
fn item<W: Write, T>(out: &mut Encoder<W>, write: fn(&mut Encoder<W>, &T) -> io::Result<()>, value: &T) -> Result<(), OpError> {
    write(out, value).map_err(write_failed)
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
        out.open(wrapper).map_err(write_failed)?;
        for value in &page.items {
            item(out, write, value)?;
            out.out().checkpoint().map_err(write_failed)?;
        }
        out.close(wrapper).map_err(write_failed)?;
        if let Some(token) = &page.next_token {
            out.leaf("ns1:nextPageToken", token).map_err(write_failed)?;
        }
        Ok(())
    })
}

impl Operation {
    /// Runs the operation for `caller` inside `tx`, writing its result element.
    pub fn run(&self, service: &Service, tx: &mut Tx<'_>, caller: &Principal, out: Out<'_, '_>) -> Result<(), OpError> {
        use Operation::*;
        let streamed = |out: Out<'_, '_>| out.out().checkpoint().map_err(write_failed);
        match self {
            GetEnrollments(query) => result(out, "ns1:GetEnrollmentsResult", |out| {
                service.get_enrollments(tx, caller, query, &mut |view| {
                    item(out, write_enrollment, view)?;
                    streamed(out)
                })
            }),
            ListEnrollments(query, page) => {
                let page = service.list_enrollments(tx, caller, query, page)?;
                paged(out, "ns1:ListEnrollmentsResult", "ns1:enrollments", page, write_enrollment)
            }
            GetEnrollment(id) => {
                let view = service.get_enrollment(tx, caller, id)?;
                result(out, "ns1:GetEnrollmentResult", |out| item(out, write_enrollment, &view))
            }
            EnrollLearnersInCourses(request) => {
                service.enroll_learners_in_courses(tx, caller, request)?;
                success(out)
            }
            ChangeEnrollment(change) => {
                service.change_enrollment(tx, caller, change)?;
                success(out)
            }
            Unenroll(id) => {
                service.unenroll(tx, caller, id)?;
                success(out)
            }
            GetUsers(query) => result(out, "ns1:GetUsersResult", |out| {
                service.get_users(tx, caller, query, &mut |user| {
                    item(out, write_user_profile, user)?;
                    streamed(out)
                })
            }),
            ListUsers(query, page) => {
                let page = service.list_users(tx, caller, query, page)?;
                paged(out, "ns1:ListUsersResult", "ns1:userProfiles", page, write_user_profile)
            }
            GetUserProfile(id) => {
                let user = service.get_user_profile(tx, caller, id)?;
                result(out, "ns1:GetUserProfileResult", |out| item(out, write_user_profile, &user))
            }
            AddUser(request) => {
                let id = service.add_user(tx, caller, request)?;
                new_id(out, "ns1:AddUserResult", "ns1:userId", &id)
            }
            UpdateUserProfile(update) => {
                service.update_user_profile(tx, caller, update)?;
                success(out)
            }
            DeleteUser(id) => {
                service.delete_user(tx, caller, id)?;
                success(out)
            }
            ActivateUsers(ids) => {
                service.set_users_status(tx, caller, ids, UserStatus::Active)?;
                success(out)
            }
            DeactivateUsers(ids) => {
                service.set_users_status(tx, caller, ids, UserStatus::Inactive)?;
                success(out)
            }
            UpdateUserPassword { user_id, password } => {
                service.update_user_password(tx, caller, user_id, password)?;
                success(out)
            }
            GetDepartments => {
                let departments = service.get_departments(tx, caller)?;
                result(out, "ns1:GetDepartmentsResult", |out| departments.iter().try_for_each(|d| item(out, write_department, d)))
            }
            ListDepartments(page) => {
                let page = service.list_departments(tx, caller, page)?;
                paged(out, "ns1:ListDepartmentsResult", "ns1:departments", page, write_department)
            }
            GetDepartment(id) => {
                let department = service.get_department(tx, caller, id)?;
                result(out, "ns1:GetDepartmentResult", |out| item(out, write_department, &department))
            }
            AddDepartment { name, parent_department_id, code } => {
                let id = service.add_department(tx, caller, name, parent_department_id.as_ref(), code.as_ref())?;
                new_id(out, "ns1:AddDepartmentResult", "ns1:departmentId", &id)
            }
            UpdateDepartment(update) => {
                service.update_department(tx, caller, update)?;
                success(out)
            }
            DeleteDepartment(id) => {
                service.delete_department(tx, caller, id)?;
                success(out)
            }
            GetGroups => {
                let groups = service.get_groups(tx, caller)?;
                result(out, "ns1:GetGroupsResult", |out| groups.iter().try_for_each(|g| item(out, write_group, g)))
            }
            AddGroup { name, user_ids } => {
                let id = service.add_group(tx, caller, name, user_ids)?;
                new_id(out, "ns1:AddGroupResult", "ns1:groupId", &id)
            }
            UpdateGroupMembers { group_id, user_ids } => {
                service.update_group_members(tx, caller, group_id, user_ids)?;
                success(out)
            }
            RemoveUserFromGroups { user_id, group_ids } => {
                service.remove_user_from_groups(tx, caller, user_id, group_ids)?;
                success(out)
            }
            GetContent => result(out, "ns1:GetContentResult", |out| {
                service.get_content(tx, caller, &mut |content| {
                    item(out, write_content_item, content)?;
                    streamed(out)
                })
            }),
            ListContent(page) => {
                let page = service.list_content(tx, caller, page)?;
                paged(out, "ns1:ListContentResult", "ns1:contentItems", page, write_content_item)
            }
            GetContentItem(id) => {
                let content = service.get_content_item(tx, caller, id)?;
                result(out, "ns1:GetContentItemResult", |out| item(out, write_content_item, &content))
            }
            GetContentItemFinalStatuses(id) => {
                let statuses = service.get_content_item_final_statuses(tx, caller, id)?;
                result(out, "ns1:GetContentItemFinalStatusesResult", |out| {
                    out.open("ns1:statuses").map_err(write_failed)?;
                    statuses.iter().try_for_each(|st| item(out, write_final_status, st))?;
                    out.close("ns1:statuses").map_err(write_failed)
                })
            }
            ListLearnersResults(query, page) => {
                let page = service.list_learners_results(tx, caller, query, page)?;
                let today = chrono::Utc::now().date_naive();
                result(out, "ns1:ListLearnersResultsResult", |out| {
                    out.open("ns1:learnersResults").map_err(write_failed)?;
                    for r in &page.items {
                        write_learner_result(out, r, today).map_err(write_failed)?;
                        out.out().checkpoint().map_err(write_failed)?;
                    }
                    out.close("ns1:learnersResults").map_err(write_failed)?;
                    if let Some(token) = &page.next_token {
                        out.leaf("ns1:nextPageToken", token).map_err(write_failed)?;
                    }
                    Ok(())
                })
            }
        }
    }
}
