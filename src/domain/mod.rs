//! Plain types and rules, no I/O.

pub mod departments;
pub mod enrollment;
pub mod role;

pub use enrollment::{CertificateView, EnrollmentTypeGroup, EnrollmentView, Lifecycle};
pub use role::{Principal, Role};
