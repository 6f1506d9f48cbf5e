//! Progress through a course as Academy Of Mine words it, and what its enrollment actions mean for
//! the store's one enrollment, decided once here so that every face reads the same state:
//!
//! - **Status**: "Completed" is a finished enrollment (complete, passed or accepted); "Not Started"
//!   one that was never opened and has no progress; anything else is "In Progress".
//! - **Expiry** is the enrollment's due date with access locked after it: iSpring reads it as the
//!   expiration date, the JSON mirror as `dueDate` with `lockAfterDueDate`. The moment given is kept
//!   beside it and counts while the due date is still its day ([`expires_at`]).
//! - **Revoked access** keeps the enrollment and locks it: iSpring and the mirror read the day of the
//!   revocation as its expiration date (access ended then) until access is granted again.
//! - **Reset** clears completion, progress, the start, the modules' progress and the certificate.
//! - **Remove** deletes the enrollment, as a removal through any face does.

use chrono::{NaiveDate, NaiveDateTime};

worded! {
    /// A course enrollment's status.
    CourseStatus {
        NotStarted = "Not Started",
        InProgress = "In Progress",
        Completed = "Completed",
    }
}

worded! {
    /// A module's status for one learner.
    ModuleStatus {
        NotStarted = "Not Started",
        InProgress = "In Progress",
        Completed = "Completed",
        Submitted = "Submitted",
    }
}

worded! {
    /// Whether the learner may open the course.
    AccessStatus {
        Allowed = "Allowed",
        Revoked = "Revoked",
    }
}

worded! {
    /// A learning-path enrollment's status in the path reports' words: registered (not started),
    /// started (in progress), completed.
    PathStage {
        Registered = "registered",
        Started = "started",
        Completed = "completed",
    }
}

impl PathStage {
    pub fn of(status: CourseStatus) -> PathStage {
        match status {
            CourseStatus::NotStarted => PathStage::Registered,
            CourseStatus::InProgress => PathStage::Started,
            CourseStatus::Completed => PathStage::Completed,
        }
    }

    pub fn status(self) -> CourseStatus {
        match self {
            PathStage::Registered => CourseStatus::NotStarted,
            PathStage::Started => CourseStatus::InProgress,
            PathStage::Completed => CourseStatus::Completed,
        }
    }

    /// `Registered`, `Started`, `Completed`.
    pub fn display(self) -> &'static str {
        match self {
            PathStage::Registered => "Registered",
            PathStage::Started => "Started",
            PathStage::Completed => "Completed",
        }
    }
}

impl CourseStatus {
    /// The status of an enrollment the store holds with this completion status and progress,
    /// opened (`started`) or not.
    pub fn of(completion_status: &str, progress: i16, started: bool) -> CourseStatus {
        if super::enrollment::is_finished(completion_status) {
            CourseStatus::Completed
        } else if completion_status == "not_started" && progress == 0 && !started {
            CourseStatus::NotStarted
        } else {
            CourseStatus::InProgress
        }
    }

    /// What the store holds for this status: its completion status and progress (`progress` kept
    /// where the status allows one).
    pub fn canonical(self, progress: i16) -> (&'static str, i16) {
        match self {
            CourseStatus::NotStarted => ("not_started", 0),
            CourseStatus::InProgress => ("in_progress", progress.clamp(0, 99)),
            CourseStatus::Completed => ("complete", 100),
        }
    }
}

impl ModuleStatus {
    /// The store's spelling.
    pub fn stored(self) -> &'static str {
        match self {
            ModuleStatus::NotStarted => "not_started",
            ModuleStatus::InProgress => "in_progress",
            ModuleStatus::Completed => "completed",
            ModuleStatus::Submitted => "submitted",
        }
    }

    pub fn from_stored(stored: &str) -> Option<ModuleStatus> {
        ModuleStatus::ALL.into_iter().find(|status| status.stored() == stored)
    }
}

/// A course's progress from its modules: the share of them completed, in whole percent. A course
/// without modules has no progress of its own to derive.
pub fn percent_complete(completed: usize, modules: usize) -> Option<i16> {
    (modules > 0).then(|| ((completed.min(modules) * 100) / modules) as i16)
}

/// The moment access ends, if it does: the moment a face gave while the due date is still its day,
/// else the due date's first moment.
pub fn expires_at(due_date: Option<NaiveDate>, lock_after_due_date: bool, moment: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    let due = due_date.filter(|_| lock_after_due_date)?;
    Some(moment.filter(|at| at.date() == due).unwrap_or_else(|| due.and_time(chrono::NaiveTime::MIN)))
}

/// The due date and lock the faces with a lock read: while access is revoked, the day of the
/// revocation, locked (access ended then); else the enrollment's own.
pub fn locked(due_date: Option<NaiveDate>, lock_after_due_date: bool, revoked_at: Option<NaiveDateTime>) -> (Option<NaiveDate>, bool) {
    match revoked_at {
        Some(revoked) => (Some(revoked.date()), true),
        None => (due_date, lock_after_due_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_the_store_one_way() {
        let table = [
            ("not_started", 0, false, CourseStatus::NotStarted),
            ("not_started", 0, true, CourseStatus::InProgress),
            ("not_started", 10, false, CourseStatus::InProgress),
            ("in_progress", 0, false, CourseStatus::InProgress),
            ("incomplete", 40, true, CourseStatus::InProgress),
            ("failed", 0, true, CourseStatus::InProgress),
            ("complete", 100, true, CourseStatus::Completed),
            ("passed", 80, true, CourseStatus::Completed),
            ("accepted", 100, true, CourseStatus::Completed),
        ];
        for (stored, progress, started, status) in table {
            assert_eq!(CourseStatus::of(stored, progress, started), status, "{stored} {progress} {started}");
        }
        for status in CourseStatus::ALL {
            let (stored, progress) = status.canonical(50);
            assert_eq!(CourseStatus::of(stored, progress, status != CourseStatus::NotStarted), status, "{status:?} reads back");
        }
    }

    #[test]
    fn words_parse_in_any_case() {
        assert_eq!(CourseStatus::parse_any_case("completed").unwrap(), CourseStatus::Completed);
        assert_eq!(ModuleStatus::parse_any_case(" not started ").unwrap(), ModuleStatus::NotStarted);
        assert!(CourseStatus::parse_any_case("done").unwrap_err().reason.contains("\"Not Started\", \"In Progress\", \"Completed\""));
        for status in ModuleStatus::ALL {
            assert_eq!(ModuleStatus::from_stored(status.stored()), Some(status));
        }
    }

    #[test]
    fn progress_is_the_share_of_modules_completed() {
        assert_eq!(percent_complete(0, 0), None);
        assert_eq!(percent_complete(1, 3), Some(33));
        assert_eq!(percent_complete(3, 3), Some(100));
    }

    #[test]
    fn an_expiry_keeps_its_time_of_day_while_the_due_date_is_its_day() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let noon = day(5).and_hms_opt(12, 0, 0);
        assert_eq!(expires_at(Some(day(5)), true, noon), noon);
        assert_eq!(expires_at(Some(day(6)), true, noon), day(6).and_hms_opt(0, 0, 0), "the due date moved: the moment no longer counts");
        assert_eq!(expires_at(Some(day(5)), false, noon), None);
        assert_eq!(expires_at(None, true, noon), None);
    }

    #[test]
    fn revoked_access_ends_access_on_its_day() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let revoked = day(5).and_hms_opt(13, 0, 0);
        assert_eq!(locked(Some(day(20)), true, None), (Some(day(20)), true));
        assert_eq!(locked(Some(day(20)), false, None), (Some(day(20)), false));
        assert_eq!(locked(Some(day(20)), true, revoked), (Some(day(5)), true));
        assert_eq!(locked(None, false, revoked), (Some(day(5)), true));
    }
}
