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
        },
        OpError::Conflict { what, .. } => match what {
            Clash::LoginTaken => "User with the same login is already registered.",
            Clash::EmailTaken => "User with the same email is already registered.",
            Clash::DepartmentNotEmpty => "Department is not empty",
        },
        OpError::Unavailable(_) => "Service unavailable",
        OpError::Internal(_) => "Internal error",
    }
}
