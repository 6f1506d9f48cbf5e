//! Offerings (scheduled instances of a course: Skillable's classes, later Rhythm's course offerings)
//! and the statuses of an enrollment in one. A class enrollment is one enrollment of the store, the
//! enrollment of its class's course: the vendor's statuses are kept as sent, and this module decides
//! once what they mean for the store's canonical state, which every face reads.

use super::Lifecycle;
use super::values::{Refused, Rule};

/// An enumeration of numeric codes, as Skillable writes them: `ALL`, `parse` (refusing codes outside
/// it, listing the accepted ones) and `code`. Serde and the JSON mirror's schema name the values in
/// snake case (`no_show`).
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        $(#[$doc])*
        pub enum $name {
            $($variant = $code,)*
        }

        impl $name {
            pub const ALL: [$name; [$($code),*].len()] = [$($name::$variant),*];

            pub fn parse(code: i32) -> Result<Self, Refused> {
                Self::ALL.iter().copied().find(|value| value.code() as i32 == code).ok_or_else(|| {
                    let codes: Vec<String> = Self::ALL.iter().map(|value| value.code().to_string()).collect();
                    Refused { rule: Rule::Enumeration, reason: format!("must be one of {}; got {code}", codes.join(", ")) }
                })
            }

            pub fn code(self) -> i16 {
                self as i16
            }
        }
    };
}

coded! {
    /// Skillable's `EnrollmentStatusId`.
    #[schema(as = ClassEnrollmentStatus)]
    EnrollmentStatus { Request = 0, Cancel = 10, Waitlist = 20, Approve = 30, Deny = 40, Audit = 50, Enroll = 60, }
}

coded! {
    /// Skillable's `CompletionStatusId`.
    #[schema(as = ClassCompletionStatus)]
    CompletionStatus { Unknown = 0, Attending = 10, Complete = 20, Incomplete = 30, NoShow = 40, Failed = 50, }
}

coded! {
    /// Where a class is held (`LocationTypeId`).
    LocationType { ToBeDetermined = 0, Classroom = 10, RemoteClassroom = 20, Virtual = 30, }
}

impl EnrollmentStatus {
    /// Whether the learner holds the course through this class: enrolled, approved, or auditing
    /// (attending without credit). A request or a waitlist place does not give access yet; a
    /// cancelled or denied one no longer or never did.
    pub fn is_in_force(self) -> bool {
        matches!(self, EnrollmentStatus::Approve | EnrollmentStatus::Audit | EnrollmentStatus::Enroll)
    }

    /// The store's lifecycle of the enrollment: active while in force, archived otherwise (the
    /// enrollment exists, as the class enrollment does, but no face lists it as current).
    pub fn lifecycle(self) -> Lifecycle {
        if self.is_in_force() { Lifecycle::Active } else { Lifecycle::Archived }
    }
}

impl CompletionStatus {
    /// The store's completion status (one of [`super::values::CompletionStatus::ALL`]) and
    /// progress. A no-show did not complete the class: incomplete, as Skillable's own Incomplete.
    pub fn canonical(self) -> (&'static str, i16) {
        match self {
            CompletionStatus::Unknown => ("not_started", 0),
            CompletionStatus::Attending => ("in_progress", 0),
            CompletionStatus::Complete => ("complete", 100),
            CompletionStatus::Incomplete | CompletionStatus::NoShow => ("incomplete", 0),
            CompletionStatus::Failed => ("failed", 0),
        }
    }

    /// Whether the enrollment counts as completed (it then carries a completion date).
    pub fn is_complete(self) -> bool {
        self == CompletionStatus::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::values;

    /// The mapping, as a table: every Skillable status and what the store holds for it.
    #[test]
    fn every_enrollment_status_has_one_lifecycle() {
        let table = [
            (0, false, Lifecycle::Archived),
            (10, false, Lifecycle::Archived),
            (20, false, Lifecycle::Archived),
            (30, true, Lifecycle::Active),
            (40, false, Lifecycle::Archived),
            (50, true, Lifecycle::Active),
            (60, true, Lifecycle::Active),
        ];
        for (code, in_force, lifecycle) in table {
            let status = EnrollmentStatus::parse(code).unwrap();
            assert_eq!((status.code() as i32, status.is_in_force(), status.lifecycle()), (code, in_force, lifecycle));
        }
        assert_eq!(EnrollmentStatus::ALL.len(), table.len());
        assert_eq!(EnrollmentStatus::parse(15).unwrap_err().rule, Rule::Enumeration);
        assert!(EnrollmentStatus::parse(70).unwrap_err().reason.contains("0, 10, 20, 30, 40, 50, 60"));
    }

    #[test]
    fn every_completion_status_has_one_canonical_state() {
        let table = [
            (0, "not_started", 0, false),
            (10, "in_progress", 0, false),
            (20, "complete", 100, true),
            (30, "incomplete", 0, false),
            (40, "incomplete", 0, false),
            (50, "failed", 0, false),
        ];
        for (code, status, progress, complete) in table {
            let parsed = CompletionStatus::parse(code).unwrap();
            assert_eq!((parsed.canonical(), parsed.is_complete()), ((status, progress), complete), "{code}");
            assert!(values::CompletionStatus::parse(status).is_ok(), "{status} is a store status");
        }
        assert_eq!(CompletionStatus::ALL.len(), table.len());
        assert!(CompletionStatus::parse(-1).is_err() && CompletionStatus::parse(60).is_err());
    }

    #[test]
    fn location_types_are_the_four_of_the_reference() {
        assert_eq!(LocationType::ALL.map(|l| l.code()), [0, 10, 20, 30]);
        assert!(LocationType::parse(5).is_err());
    }
}

/// A custom field's value on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldValue {
    pub custom_field_id: i64,
    pub name: String,
    pub data_type: CustomFieldType,
    /// As stored: the text, `true`/`false` for a checkbox, the tab-separated values of a checkbox list.
    pub text_value: String,
}

/// An enrollment held through an offering, as the class-enrollment operations present it. Its ids
/// are the store's integer keys.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEnrollmentView {
    pub id: i64,
    pub external_id: Option<String>,
    /// The enrollment's id as the iSpring faces name it.
    pub enrollment_id: String,
    pub user_id: i64,
    /// The learner's id as the iSpring faces name them.
    pub user_external_id: String,
    pub class_id: i64,
    pub enrollment_status: EnrollmentStatus,
    pub completion_status: CompletionStatus,
    pub late_cancel: bool,
    pub retake: bool,
    pub location_type: Option<LocationType>,
    pub classroom_id: Option<i64>,
    pub hours_spent: Option<i32>,
    pub grade: Option<i32>,
    pub custom_fields: Vec<CustomFieldValue>,
}

/// An offering as the class operations present it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassView {
    pub id: i64,
    pub external_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub course_id: i64,
    /// The course's id as the iSpring faces name it.
    pub course_external_id: String,
    pub starts_at: Option<chrono::NaiveDateTime>,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub location_type: Option<LocationType>,
    pub classroom_id: Option<i64>,
    pub capacity: Option<i32>,
    pub confirmation_status: i16,
    pub delivery_type: i16,
}

/// The type of a custom field (Skillable's `DataTypeId`), which decides how its value is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldType {
    Textbox = 0,
    DropdownList = 10,
    Checkbox = 20,
    Number = 30,
    UserSelector = 60,
    CheckboxList = 70,
}

/// A custom field value as given: text (textboxes, dropdown lists, numbers, user selectors), a
/// checkbox's boolean, or a checkbox list's tab-separated values.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomFieldInput {
    Text(super::values::Text),
    Boolean(bool),
    List(super::values::Text),
}

impl CustomFieldType {
    pub fn of_code(code: i16) -> Option<Self> {
        use CustomFieldType::*;
        [Textbox, DropdownList, Checkbox, Number, UserSelector, CheckboxList].into_iter().find(|t| *t as i16 == code)
    }

    /// The text kept for `input`, or why this field cannot take it.
    pub fn stored(self, input: &CustomFieldInput) -> Result<String, Refused> {
        let wrong = |what: &str| Refused { rule: Rule::Type, reason: format!("is {what}") };
        match (self, input) {
            (CustomFieldType::Checkbox, CustomFieldInput::Boolean(b)) => Ok(b.to_string()),
            (CustomFieldType::Checkbox, _) => Err(wrong("a checkbox: its value is true or false")),
            (CustomFieldType::CheckboxList, CustomFieldInput::List(values)) => Ok(values.to_string()),
            (CustomFieldType::CheckboxList, _) => Err(wrong("a checkbox list: its value is a list of values")),
            (CustomFieldType::Number, CustomFieldInput::Text(text)) => match text.trim().parse::<i32>() {
                Ok(n) => Ok(n.to_string()),
                Err(_) => Err(wrong(&format!("a number field: its value is a whole number; got '{text}'"))),
            },
            (_, CustomFieldInput::Text(text)) => Ok(text.to_string()),
            (_, _) => Err(wrong("a text field: its value is text")),
        }
    }
}
