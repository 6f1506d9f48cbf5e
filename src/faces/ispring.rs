//! The words iSpring Learn's two faces share: the SOAP API and its JSON mirror answer a failure
//! with the same fault string (the mirror as its problem's `title`), so clients of either can match
//! on the strings iSpring Learn documents.

use crate::service::{Clash, Entity, OpError};

/// The fault string iSpring Learn answers `error` with.
pub fn fault_string(error: &OpError) -> &'static str {
    match error {
        OpError::Unauthenticated(_) => "Authorization failed",
        OpError::Forbidden(_) => "Permission denied",
        OpError::Invalid(_) => "Wrong parameters",
        OpError::NotFound { entity, .. } => match entity {
            Entity::Enrollment => "Unknown Enrollment",
            // iSpring's courses are content items: an unknown course is an unknown content item.
            Entity::Course | Entity::ContentItem => "Unknown content item",
            Entity::User => "Unknown user",
            Entity::Department => "Unknown Department",
            Entity::Group => "Unknown group",
            // Classes are offerings of iSpring's content items; their enrollments are enrollments.
            Entity::Class => "Unknown content item",
            Entity::ClassEnrollment => "Unknown Enrollment",
            Entity::Offering => "Unknown content item",
            Entity::Registration => "Unknown Enrollment",
            Entity::Classroom
            | Entity::CustomField
            | Entity::Order
            | Entity::Application
            | Entity::EventRegistration
            | Entity::RegistrationProcess
            | Entity::Portal
            | Entity::LearningPath
            | Entity::Webinar
            | Entity::Membership
            | Entity::Import
            | Entity::Company
            | Entity::Campaign
            | Entity::Webhook
            | Entity::WebhookDelivery => "Wrong parameters",
        },
        OpError::Conflict { what, .. } => match what {
            Clash::LoginTaken => "User with the same login is already registered.",
            Clash::EmailTaken => "User with the same email is already registered.",
            Clash::DepartmentNotEmpty => "Department is not empty",
            Clash::ClassEnrollmentExists | Clash::AlreadyEnrolled | Clash::StaleVersion | Clash::HasDependents => "Wrong parameters",
        },
        OpError::Unavailable(_) | OpError::Throttled { .. } => "Service unavailable",
        OpError::Internal(_) => "Internal error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure has its documented string; a new variant, entity or clash fails to
    /// compile above until it has one.
    #[test]
    fn every_error_has_its_fault_string() {
        let strings: Vec<&str> = OpError::every_kind().iter().map(fault_string).collect();
        assert_eq!(
            strings,
            [
                "Authorization failed",
                "Permission denied",
                "Wrong parameters",
                "Wrong parameters",
                "Service unavailable",
                "Internal error",
                "Service unavailable",
                "Unknown Enrollment",
                "Unknown content item",
                "Unknown content item",
                "Unknown user",
                "Unknown Department",
                "Unknown group",
                "Unknown content item",
                "Unknown Enrollment",
                "Wrong parameters",
                "Wrong parameters",
                "Unknown content item",
                "Unknown Enrollment",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "User with the same login is already registered.",
                "User with the same email is already registered.",
                "Department is not empty",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
                "Wrong parameters",
            ]
        );
    }
}
