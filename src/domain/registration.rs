//! Course registrations (Rhythm's word for an enrollment in a scheduled offering of a course): their
//! enumerations, spelled as Rhythm spells them, and what a registration's status means for the
//! store's canonical state, decided once here so that every face reads the same state.

use serde::{Deserialize, Serialize};

use super::Lifecycle;

worded! {
    /// A registration's `status`.
    RegistrationStatus {
        Draft = "draft",
        Registered = "registered",
        Attended = "attended",
        NoShow = "no show",
        Cancelled = "cancelled",
        InProgress = "in progress",
        Completed = "completed",
    }
}

worded! {
    /// The status of the order that pays for a registration (`order_status`).
    OrderStatus {
        AwaitingPayment = "awaiting payment",
        AwaitingShipping = "awaiting shipping",
        AwaitingPickup = "awaiting pickup",
        PartiallyShipped = "partially shipped",
        Shipped = "shipped",
        Completed = "completed",
        Cancelled = "cancelled",
        Disputed = "disputed",
        Open = "open",
        Returned = "returned",
        Void = "void",
    }
}

worded! {
    /// Whether a training provider is billed for a registration (`training_provider_billing_status`).
    BillingStatus {
        ExemptFromBilling = "exempt from billing",
        NotYetBilled = "not yet billed",
        BillingHold = "billing hold",
        Billed = "billed",
    }
}

impl RegistrationStatus {
    /// Whether the student holds the course through this registration: registered, attending or
    /// attended, or done. A draft is not submitted yet; a no-show or a cancellation gives nothing.
    /// These are also the registrations `includeActiveOnly` keeps.
    pub fn is_in_force(self) -> bool {
        matches!(self, Self::Registered | Self::Attended | Self::InProgress | Self::Completed)
    }

    /// The store's lifecycle of the enrollment: active while in force, archived otherwise.
    pub fn lifecycle(self) -> Lifecycle {
        if self.is_in_force() { Lifecycle::Active } else { Lifecycle::Archived }
    }

    /// The store's completion status (one of [`super::values::CompletionStatus::ALL`]) and progress,
    /// given the registration's `completion_percentage`. Completed is complete at 100 whatever the
    /// percentage says; a no-show did not complete; otherwise the percentage is the progress (0 to
    /// 100, rounded), and any progress, or attending, is "in progress".
    pub fn canonical(self, completion_percentage: Option<f64>) -> (&'static str, i16) {
        let progress = completion_percentage.filter(|p| p.is_finite()).map_or(0, |p| p.clamp(0.0, 100.0).round() as i16);
        match self {
            Self::Completed => ("complete", 100),
            Self::NoShow => ("incomplete", progress),
            Self::Attended | Self::InProgress => ("in_progress", progress),
            Self::Draft | Self::Registered | Self::Cancelled if progress > 0 => ("in_progress", progress),
            Self::Draft | Self::Registered | Self::Cancelled => ("not_started", 0),
        }
    }

    /// Whether the enrollment counts as completed (it then carries a completion date).
    pub fn is_complete(self) -> bool {
        self == Self::Completed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::values;
    use crate::domain::values::Rule;

    /// The mapping, as a table: every status, whether it is in force, and the canonical state at
    /// no percentage and at 40 %.
    #[test]
    fn every_status_has_one_canonical_state() {
        let table = [
            ("draft", false, ("not_started", 0), ("in_progress", 40)),
            ("registered", true, ("not_started", 0), ("in_progress", 40)),
            ("attended", true, ("in_progress", 0), ("in_progress", 40)),
            ("no show", false, ("incomplete", 0), ("incomplete", 40)),
            ("cancelled", false, ("not_started", 0), ("in_progress", 40)),
            ("in progress", true, ("in_progress", 0), ("in_progress", 40)),
            ("completed", true, ("complete", 100), ("complete", 100)),
        ];
        for (word, in_force, bare, at_40) in table {
            let status = RegistrationStatus::parse(word).unwrap();
            assert_eq!(status.as_str(), word);
            assert_eq!(status.is_in_force(), in_force, "{word}");
            assert_eq!(status.lifecycle(), if in_force { Lifecycle::Active } else { Lifecycle::Archived });
            assert_eq!((status.canonical(None), status.canonical(Some(40.4))), (bare, at_40), "{word}");
            assert!(values::CompletionStatus::parse(bare.0).is_ok());
            assert_eq!(serde_json::to_value(status).unwrap(), word, "serde spells it the same");
        }
        assert_eq!(RegistrationStatus::ALL.len(), table.len());
        assert_eq!(RegistrationStatus::Registered.canonical(Some(250.0)), ("in_progress", 100));
        assert_eq!(RegistrationStatus::Registered.canonical(Some(f64::NAN)), ("not_started", 0));
    }

    #[test]
    fn words_outside_an_enumeration_are_refused_with_the_list() {
        let refused = RegistrationStatus::parse("No Show").unwrap_err();
        assert_eq!(refused.rule, Rule::Enumeration);
        assert!(refused.reason.contains("\"no show\""), "{}", refused.reason);
        assert_eq!(OrderStatus::ALL.len(), 11);
        assert_eq!(BillingStatus::ALL.len(), 4);
        assert_eq!(OrderStatus::parse("awaiting payment").unwrap(), OrderStatus::AwaitingPayment);
    }
}

/// Writes a number as JavaScript does, a whole one without a fraction (`3`, not `3.0`): Rhythm's
/// records are JavaScript's.
pub fn js_number<S: serde::Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => serializer.serialize_i64(*v as i64),
        Some(v) => serializer.serialize_f64(*v),
        None => serializer.serialize_none(),
    }
}

/// One custom field's value on a registration, as Rhythm's records carry them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldValue {
    pub custom_field_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub numeric_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_value: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_value: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_value: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
}

/// A field whose calculation failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculatedFieldError {
    pub field: String,
    pub error: String,
}

/// The fields of a registration that nothing searches or indexes: kept together as one document,
/// typed here. Names are Rhythm's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistrationDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_item_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_currency_symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The registration number.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub number: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webinar_participant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webinar_join_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub cancellation_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub course_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub completion_percentage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exam_offering_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_provider_billing_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_provider_billing_status: Option<BillingStatus>,
    /// A plain string in Rhythm's schema, not a date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_provider_billing_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_provider_billing_invoice_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_provider_billing_invoice_line_item_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_values: Option<Vec<CustomFieldValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_deleted_by_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_bulk_load_pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_bulk_load_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_bulk_load_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_bulk_load_source_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub sys_bulk_load_record_no: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_last_bulk_data_operation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_last_bulk_data_operation_sys_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_directive: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_calculated_field_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js_number")]
    pub sys_snapshot_base_version: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_has_files_in_s3: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_configuration_snapshot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub sys_last_security_context: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_calculated_field_errors: Option<Vec<CalculatedFieldError>>,
}
