//! Codecs of the iSpring types that several operations share.

use std::io::{self, Write};

use chrono::SecondsFormat;

use super::decode::Owned;
use super::encode::Encoder;
use crate::domain::EnrollmentView;
use crate::service::{Credentials, Problem};

/// Longest id accepted (the XSD's `Id` type: a token of 1 to 255 characters).
pub const ID_MAX: usize = 255;

/// `Credentials`: a choice of `token`, or `accountUrl` + `email` + `password`.
pub fn credentials(field: &Owned<'_>) -> Result<Credentials, Problem> {
    let mut seq = field.field().children()?;
    let credentials = match seq.choice(&["token", "accountUrl"])? {
        "token" => Credentials::Token(seq.required("token")?.field().token(1, 4096)?),
        _ => Credentials::Password {
            account_url: seq.required("accountUrl")?.field().token(1, 2048)?,
            login: seq.required("email")?.field().token(1, 255)?,
            password: seq.required("password")?.field().string()?.to_string(),
        },
    };
    seq.finish()?;
    Ok(credentials)
}

/// `IdList`: a wrapper of repeated `<id>` elements.
pub fn id_list(field: &Owned<'_>) -> Result<Vec<String>, Problem> {
    let mut seq = field.field().children()?;
    let ids = seq
        .repeated("id", 0, usize::MAX)?
        .iter()
        .map(|id| id.field().token(1, ID_MAX))
        .collect::<Result<Vec<_>, _>>()?;
    seq.finish()?;
    Ok(ids)
}

/// Reads an optional `IdList` child.
pub fn optional_id_list(field: Option<Owned<'_>>) -> Result<Option<Vec<String>>, Problem> {
    field.as_ref().map(id_list).transpose()
}

/// `Enrollment`, in schema order; absent optional values are omitted, never empty.
pub fn write_enrollment<W: Write>(e: &mut Encoder<W>, view: &EnrollmentView) -> io::Result<()> {
    e.open("ns1:enrollment")?;
    e.leaf("ns1:enrollmentId", &view.enrollment_id)?;
    e.leaf("ns1:courseId", &view.course_id)?;
    e.leaf("ns1:learnerId", &view.learner_id)?;
    e.leaf("ns1:accessDate", &view.access_date.format("%Y-%m-%d").to_string())?;
    if let Some(due) = view.due_date {
        e.leaf("ns1:dueDate", &due.format("%Y-%m-%d").to_string())?;
    }
    if let Some(expiration) = view.expiration_date() {
        e.leaf("ns1:expirationDate", &expiration.format("%Y-%m-%d").to_string())?;
    }
    e.leaf("ns1:enrollmentTypeGroup", &view.enrollment_type_group.to_string())?;
    e.leaf("ns1:shouldLockAfterDueDate", if view.should_lock_after_due_date { "1" } else { "0" })?;
    if let Some(certificate) = &view.certificate {
        e.open("ns1:certificate")?;
        e.leaf("ns1:issuedCertificateId", &certificate.issued_certificate_id)?;
        e.leaf("ns1:issueDate", &certificate.issue_date.to_rfc3339_opts(SecondsFormat::Secs, false))?;
        if let Some(expiry) = certificate.expiry_date {
            e.leaf("ns1:expiryDate", &expiry.to_rfc3339_opts(SecondsFormat::Secs, false))?;
        }
        e.close("ns1:certificate")?;
    }
    e.close("ns1:enrollment")
}
