//! What happened to a learner's enrollment, one entry per action, in Academy Of Mine's verbs: every
//! enrollment action writes its verb, and the activity lists and lookups read them.

worded! {
    /// What happened. The lookups show each verb as it is stored, except `RETAKE` ("RETAKEN").
    Verb {
        Enrolled = "ENROLLED",
        Started = "STARTED",
        Accessed = "ACCESSED",
        Completed = "COMPLETED",
        Submitted = "SUBMITTED",
        Evaluated = "EVALUATED",
        Rejected = "REJECTED",
        Retake = "RETAKE",
        AchievedCertificate = "ACHIEVED CERTIFICATE",
        Reset = "RESET",
        Removed = "REMOVED",
        Revoked = "REVOKED",
        Granted = "GRANTED",
        UpdatedExpiryDate = "UPDATED EXPIRY DATE",
        Failed = "FAILED",
        ManuallyUpdated = "MANUALLY UPDATED",
        Registered = "REGISTERED",
        Attended = "ATTENDED",
        NoShow = "NO SHOW",
        Cancelled = "CANCELLED",
        AchievedBadge = "ACHIEVED BADGE",
    }
}

/// The verbs of a learning path's activity.
pub const LEARNING_PATH_VERBS: [Verb; 6] =
    [Verb::Enrolled, Verb::Started, Verb::Accessed, Verb::Completed, Verb::AchievedCertificate, Verb::Removed];

impl Verb {
    /// How lookups and lists show the verb.
    pub fn display(self) -> &'static str {
        match self {
            Verb::Retake => "RETAKEN",
            verb => verb.as_str(),
        }
    }

    /// A sentence saying what happened, as the activity lists word it: "Demo Student is enrolled
    /// to course 1".
    pub fn sentence(self, learner: &str, subject: &str) -> String {
        let did = match self {
            Verb::Enrolled => "is enrolled to",
            Verb::Started => "started",
            Verb::Accessed => "accessed",
            Verb::Completed => "completed",
            Verb::Submitted => "submitted a module of",
            Verb::Evaluated => "was evaluated in",
            Verb::Rejected => "had a submission rejected in",
            Verb::Retake => "retook a module of",
            Verb::AchievedCertificate => "achieved the certificate of",
            Verb::Reset => "had the progress reset in",
            Verb::Removed => "is removed from",
            Verb::Revoked => "had the access revoked to",
            Verb::Granted => "was granted access to",
            Verb::UpdatedExpiryDate => "had the expiry date updated in",
            Verb::Failed => "failed",
            Verb::ManuallyUpdated => "had the progress updated manually in",
            Verb::Registered => "registered for a webinar of",
            Verb::Attended => "attended a webinar of",
            Verb::NoShow => "did not attend a webinar of",
            Verb::Cancelled => "cancelled a webinar registration of",
            Verb::AchievedBadge => "achieved a badge in",
        };
        format!("{learner} {did} {subject}")
    }
}

worded! {
    /// Whether a learner attended a webinar, as its attendance report counts it.
    Attendance {
        Attended = "Attended",
        NoShow = "No Show",
        Cancelled = "Cancelled",
        PartiallyAttended = "Partially Attended",
    }
}

/// A webinar registration's status as a manager sets it. The vendor's example is `"approved"`, so
/// any one-line word is kept as given; "Registered" and the attendance statuses (in any case) are
/// also what they mean: an attendance is recorded, and each writes its verb where the vendor has
/// one (Partially Attended has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebinarStatus {
    /// The status as shown: the canonical spelling of a known one, else the word given.
    pub word: String,
    pub attendance: Option<Attendance>,
}

impl WebinarStatus {
    pub fn parse(word: &str) -> Result<Self, super::values::Refused> {
        let word = super::values::Name::parse(word.trim())?.as_str().to_string();
        if word.eq_ignore_ascii_case("registered") {
            return Ok(WebinarStatus { word: "Registered".into(), attendance: None });
        }
        match Attendance::parse_any_case(&word) {
            Ok(attendance) => Ok(WebinarStatus { word: attendance.as_str().into(), attendance: Some(attendance) }),
            Err(_) => Ok(WebinarStatus { word, attendance: None }),
        }
    }

    /// The verb the change writes, if the vendor has one for it.
    pub fn verb(&self) -> Option<Verb> {
        match self.attendance {
            Some(Attendance::Attended) => Some(Verb::Attended),
            Some(Attendance::NoShow) => Some(Verb::NoShow),
            Some(Attendance::Cancelled) => Some(Verb::Cancelled),
            Some(Attendance::PartiallyAttended) => None,
            None => (self.word == "Registered").then_some(Verb::Registered),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_one_verbs_each_with_a_sentence() {
        assert_eq!(Verb::ALL.len(), 21);
        assert_eq!(Verb::Enrolled.sentence("Demo Student", "course 1"), "Demo Student is enrolled to course 1");
        assert_eq!(Verb::Retake.display(), "RETAKEN");
        assert!(LEARNING_PATH_VERBS.iter().all(|verb| Verb::ALL.contains(verb)));
    }

    #[test]
    fn webinar_statuses_keep_their_word_and_know_attendance() {
        let status = |word: &str| WebinarStatus::parse(word).unwrap();
        assert_eq!(status("no show"), WebinarStatus { word: "No Show".into(), attendance: Some(Attendance::NoShow) });
        assert_eq!(status("no show").verb(), Some(Verb::NoShow));
        assert_eq!(status(" approved "), WebinarStatus { word: "approved".into(), attendance: None });
        assert_eq!(status("approved").verb(), None);
        assert_eq!(status("REGISTERED").verb(), Some(Verb::Registered));
        assert_eq!(status("partially attended").verb(), None);
        assert!(WebinarStatus::parse("").is_err());
        assert!(WebinarStatus::parse("two\nlines").is_err());
    }
}
