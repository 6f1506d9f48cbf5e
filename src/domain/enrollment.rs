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

/// Statuses that count as done: such an enrollment is never overdue.
pub fn is_finished(status: &str) -> bool {
    matches!(status, "complete" | "passed" | "accepted")
}

/// A learner's result in one course.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerResultView {
    pub enrollment_id: String,
    pub user_id: String,
    pub course_id: String,
    pub course_title: String,
    pub access_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub should_lock_after_due_date: bool,
    /// UTC.
    pub completion_date: Option<chrono::NaiveDateTime>,
    pub completion_status: String,
    pub progress: i16,
}

impl LearnerResultView {
    pub fn expiration_date(&self) -> Option<NaiveDate> {
        self.due_date.filter(|_| self.should_lock_after_due_date)
    }

    /// Past its due date and not finished.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due_date.is_some_and(|due| due < today) && !is_finished(&self.completion_status)
    }
}

/// How an enrollment's due date is set (iSpring `dueDateType`), spelled as [`DueDateType::as_str`]
/// by every face (serde's names are the same, as a test checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueDateType {
    Unlimited,
    /// The course's default due period, if it has one.
    Default,
    DueDate,
    DuePeriod,
}

impl DueDateType {
    pub const ALL: [DueDateType; 4] = [DueDateType::Unlimited, DueDateType::Default, DueDateType::DueDate, DueDateType::DuePeriod];

    pub fn as_str(self) -> &'static str {
        match self {
            DueDateType::Unlimited => "unlimited",
            DueDateType::Default => "default",
            DueDateType::DueDate => "due_date",
            DueDateType::DuePeriod => "due_period",
        }
    }
}

/// A due date rule with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueRule {
    Unlimited,
    Default,
    Date(NaiveDate),
    /// Hours after the access date.
    Period(i32),
}

impl DueRule {
    /// The due date for an enrollment starting at `access` in a course whose default due period
    /// is `course_default_hours`; an error when it falls outside the calendar (years 1 to 9999).
    pub fn due_date(self, access: chrono::NaiveDateTime, course_default_hours: Option<i32>) -> Result<Option<NaiveDate>, String> {
        let after = |hours: i32| {
            access
                .checked_add_signed(chrono::Duration::hours(hours as i64))
                .map(|t| t.date())
                .filter(|d| super::values::in_calendar(*d))
                .ok_or_else(|| format!("{hours} hours after {} is beyond the year 9999", access.date()))
        };
        match self {
            DueRule::Unlimited => Ok(None),
            DueRule::Default => course_default_hours.map(after).transpose(),
            DueRule::Date(date) if super::values::in_calendar(date) => Ok(Some(date)),
            DueRule::Date(date) => Err(format!("the due date {date} is outside the years 1 to 9999")),
            DueRule::Period(hours) => after(hours).map(Some),
        }
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn due_rules_compute_dates_from_the_access_date() {
        let access = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap().and_hms_opt(20, 0, 0).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 2, d);
        assert_eq!(DueRule::Unlimited.due_date(access, Some(24)), Ok(None));
        assert_eq!(DueRule::Default.due_date(access, None), Ok(None));
        assert_eq!(DueRule::Default.due_date(access, Some(48)), Ok(day(2)));
        assert_eq!(DueRule::Period(5).due_date(access, None), Ok(day(1)), "20:00 + 5 h is the next day");
        assert_eq!(DueRule::Date(day(9).unwrap()).due_date(access, Some(1)), Ok(day(9)));
        let late = NaiveDate::from_ymd_opt(9999, 12, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert!(DueRule::Period(876_000).due_date(late, None).is_err());
        let far = NaiveDate::from_ymd_opt(262_100, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert!(DueRule::Period(876_000).due_date(far, None).is_err(), "no overflow panic");
        assert!(DueRule::Date(NaiveDate::from_ymd_opt(12_026, 1, 1).unwrap()).due_date(access, None).is_err());
    }

    #[test]
    fn finished_results_are_never_overdue() {
        let mut r = LearnerResultView {
            enrollment_id: "e".into(),
            user_id: "u".into(),
            course_id: "c".into(),
            course_title: "t".into(),
            access_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2026, 2, 1),
            should_lock_after_due_date: false,
            completion_date: None,
            completion_status: "in_progress".into(),
            progress: 50,
        };
        let today = NaiveDate::from_ymd_opt(2026, 2, 2).unwrap();
        assert!(r.is_overdue(today));
        assert!(!r.is_overdue(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()), "due today is not overdue");
        r.completion_status = "passed".into();
        assert!(!r.is_overdue(today));
    }
}
