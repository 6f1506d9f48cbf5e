//! Plain types and rules, no I/O.

pub mod departments;
pub mod enrollment;
pub mod offering;
pub mod people;
pub mod registration;
pub mod role;
pub mod values;

pub use enrollment::{CertificateView, DueDateType, DueRule, EnrollmentTypeGroup, EnrollmentView, LearnerResultView, Lifecycle};
pub use people::{ContentItemView, DepartmentView, FinalStatusView, GroupView, UserProfileView, UserStatus};
pub use role::{Principal, Role};
