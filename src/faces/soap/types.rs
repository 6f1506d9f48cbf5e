//! Codecs of the iSpring types that several operations share.

use std::io::{self, Write};

use super::decode::{Declared, Owned};
use super::encode::Encoder;
use crate::domain::{ContentItemView, DepartmentView, EnrollmentView, FinalStatusView, GroupView, LearnerResultView, UserProfileView};
use crate::service::{Credentials, Problem};

use crate::domain::values::ExternalId;
use crate::domain::values::{date_text, instant_text, utc_text};

/// `Credentials`: a choice of `token`, or `accountUrl` + `email` + `password`.
pub fn credentials(field: &Owned<'_>) -> Result<Credentials, Problem> {
    let mut seq = field.field().children(Declared::Api("Credentials"))?;
    let credentials = match seq.choice(&["token", "accountUrl"])? {
        "token" => Credentials::Token(seq.required("token")?.field().token(Declared::Anonymous, 1, 4096)?),
        _ => Credentials::Password {
            account_url: seq.required("accountUrl")?.field().token(Declared::Anonymous, 1, 2048)?,
            login: seq.required("email")?.field().token(Declared::Api("Id"), 1, 255)?,
            password: seq.required("password")?.field().string(Declared::Builtin("string"))?.to_string(),
        },
    };
    seq.finish()?;
    Ok(credentials)
}

/// `IdList`: a wrapper of repeated `<id>` elements.
pub fn id_list(field: &Owned<'_>) -> Result<Vec<ExternalId>, Problem> {
    let mut seq = field.field().children(Declared::Api("IdList"))?;
    let ids = seq.repeated("id", 0, usize::MAX)?.iter().map(|id| id.field().id()).collect::<Result<Vec<_>, _>>()?;
    seq.finish()?;
    Ok(ids)
}

/// Reads an optional `IdList` child.
pub fn optional_id_list(field: Option<Owned<'_>>) -> Result<Option<Vec<ExternalId>>, Problem> {
    field.as_ref().map(id_list).transpose()
}

/// `Enrollment`, in schema order; absent optional values are omitted, never empty.
pub fn write_enrollment<W: Write>(e: &mut Encoder<W>, view: &EnrollmentView) -> io::Result<()> {
    e.open("ns1:enrollment")?;
    e.leaf("ns1:enrollmentId", &view.enrollment_id)?;
    e.leaf("ns1:courseId", &view.course_id)?;
    e.leaf("ns1:learnerId", &view.learner_id)?;
    e.leaf("ns1:accessDate", &date_text(view.access_date))?;
    if let Some(due) = view.due_date {
        e.leaf("ns1:dueDate", &date_text(due))?;
    }
    if let Some(expiration) = view.expiration_date() {
        e.leaf("ns1:expirationDate", &date_text(expiration))?;
    }
    match view.enrollment_type_group {
        // The schema allows only 0 and 1; no allocation for them.
        0 => e.leaf("ns1:enrollmentTypeGroup", "0")?,
        1 => e.leaf("ns1:enrollmentTypeGroup", "1")?,
        other => e.leaf("ns1:enrollmentTypeGroup", &other.to_string())?,
    }
    e.leaf("ns1:shouldLockAfterDueDate", if view.should_lock_after_due_date { "1" } else { "0" })?;
    if let Some(certificate) = &view.certificate {
        e.open("ns1:certificate")?;
        e.leaf("ns1:issuedCertificateId", &certificate.issued_certificate_id)?;
        e.leaf("ns1:issueDate", &instant_text(&certificate.issue_date))?;
        if let Some(expiry) = certificate.expiry_date {
            e.leaf("ns1:expiryDate", &instant_text(&expiry))?;
        }
        e.close("ns1:certificate")?;
    }
    e.close("ns1:enrollment")
}

fn ids<W: Write>(e: &mut Encoder<W>, name: &str, ids: &[String]) -> io::Result<()> {
    e.open(name)?;
    for id in ids {
        e.leaf("ns1:id", id)?;
    }
    e.close(name)
}

fn optional<W: Write>(e: &mut Encoder<W>, name: &str, value: &Option<String>) -> io::Result<()> {
    match value {
        Some(v) => e.leaf(name, v),
        None => Ok(()),
    }
}

pub fn write_user_profile<W: Write>(e: &mut Encoder<W>, user: &UserProfileView) -> io::Result<()> {
    e.open("ns1:userProfile")?;
    e.leaf("ns1:userId", &user.user_id)?;
    e.leaf("ns1:login", &user.login)?;
    optional(e, "ns1:email", &user.email)?;
    optional(e, "ns1:firstName", &user.first_name)?;
    optional(e, "ns1:lastName", &user.last_name)?;
    e.leaf("ns1:departmentId", &user.department_id)?;
    e.leaf("ns1:status", &user.status.to_string())?;
    e.leaf("ns1:role", user.role.as_str())?;
    ids(e, "ns1:groups", &user.groups)?;
    ids(e, "ns1:manageableDepartmentIds", &user.manageable_department_ids)?;
    e.leaf("ns1:addedDate", &utc_text(&user.added_date))?;
    e.close("ns1:userProfile")
}

pub fn write_department<W: Write>(e: &mut Encoder<W>, department: &DepartmentView) -> io::Result<()> {
    e.open("ns1:department")?;
    e.leaf("ns1:departmentId", &department.department_id)?;
    e.leaf("ns1:name", &department.name)?;
    optional(e, "ns1:code", &department.code)?;
    optional(e, "ns1:parentDepartmentId", &department.parent_department_id)?;
    e.close("ns1:department")
}

pub fn write_group<W: Write>(e: &mut Encoder<W>, group: &GroupView) -> io::Result<()> {
    e.open("ns1:group")?;
    e.leaf("ns1:groupId", &group.group_id)?;
    e.leaf("ns1:name", &group.name)?;
    ids(e, "ns1:userIds", &group.user_ids)?;
    e.close("ns1:group")
}

pub fn write_content_item<W: Write>(e: &mut Encoder<W>, item: &ContentItemView) -> io::Result<()> {
    e.open("ns1:contentItem")?;
    e.leaf("ns1:contentItemId", &item.content_item_id)?;
    e.leaf("ns1:title", &item.title)?;
    optional(e, "ns1:subtitle", &item.subtitle)?;
    optional(e, "ns1:description", &item.description)?;
    e.leaf("ns1:type", &item.content_type)?;
    e.leaf("ns1:addedDate", &utc_text(&item.added_date))?;
    e.close("ns1:contentItem")
}

pub fn write_final_status<W: Write>(e: &mut Encoder<W>, status: &FinalStatusView) -> io::Result<()> {
    e.open("ns1:status")?;
    e.leaf("ns1:userId", &status.user_id)?;
    e.leaf("ns1:status", &status.status)?;
    e.leaf("ns1:progress", &status.progress.to_string())?;
    e.close("ns1:status")
}

pub fn write_learner_result<W: Write>(e: &mut Encoder<W>, result: &LearnerResultView, today: chrono::NaiveDate) -> io::Result<()> {
    e.open("ns1:learnerResult")?;
    e.leaf("ns1:enrollmentId", &result.enrollment_id)?;
    e.leaf("ns1:userId", &result.user_id)?;
    e.leaf("ns1:courseId", &result.course_id)?;
    e.leaf("ns1:courseTitle", &result.course_title)?;
    e.leaf("ns1:accessDate", &date_text(result.access_date))?;
    if let Some(due) = result.due_date {
        e.leaf("ns1:dueDate", &date_text(due))?;
    }
    if let Some(expiration) = result.expiration_date() {
        e.leaf("ns1:expirationDate", &date_text(expiration))?;
    }
    if let Some(completed) = &result.completion_date {
        e.leaf("ns1:completionDate", &utc_text(completed))?;
    }
    e.leaf("ns1:completionStatus", &result.completion_status)?;
    e.leaf("ns1:progress", &result.progress.to_string())?;
    e.leaf("ns1:isOverdue", if result.is_overdue(today) { "true" } else { "false" })?;
    e.close("ns1:learnerResult")
}
