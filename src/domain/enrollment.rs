use chrono::{DateTime, FixedOffset, NaiveDate};

/// Where an enrollment is in its life. Archived and deleted enrollments are kept for history but
/// never returned by the enrollment listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Active,
    Archived,
    Deleted,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Active => "active",
            Lifecycle::Archived => "archived",
            Lifecycle::Deleted => "deleted",
        }
    }
}

/// How the learner came to the course (iSpring `enrollmentTypeGroup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollmentTypeGroup {
    /// 0: assigned by an administrator.
    AssignedByAdministrator = 0,
    /// 1: added from the catalog.
    FromCatalog = 1,
}

impl EnrollmentTypeGroup {
    pub fn code(self) -> i16 {
        self as i16
    }
}

/// A certificate as the enrollment listings show it; timestamps keep the offset they were issued with.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateView {
    pub issued_certificate_id: String,
    pub issue_date: DateTime<FixedOffset>,
    pub expiry_date: Option<DateTime<FixedOffset>>,
}

/// One active enrollment as the iSpring enrollment operations present it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollmentView {
    pub enrollment_id: String,
    pub course_id: String,
    pub learner_id: String,
    pub access_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub should_lock_after_due_date: bool,
    pub enrollment_type_group: i16,
    pub certificate: Option<CertificateView>,
}

impl EnrollmentView {
    /// The date access ends: present only when a due date is set and access locks after it.
    pub fn expiration_date(&self) -> Option<NaiveDate> {
        self.due_date.filter(|_| self.should_lock_after_due_date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(due: Option<NaiveDate>, lock: bool) -> EnrollmentView {
        EnrollmentView {
            enrollment_id: "e".into(),
            course_id: "c".into(),
            learner_id: "l".into(),
            access_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            due_date: due,
            should_lock_after_due_date: lock,
            enrollment_type_group: 0,
            certificate: None,
        }
    }

    #[test]
    fn expiration_date_needs_both_a_due_date_and_the_lock() {
        let due = NaiveDate::from_ymd_opt(2024, 3, 1);
        assert_eq!(view(due, true).expiration_date(), due);
        assert_eq!(view(due, false).expiration_date(), None);
        assert_eq!(view(None, true).expiration_date(), None);
        assert_eq!(view(None, false).expiration_date(), None);
    }
}
