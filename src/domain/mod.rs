//! Plain types and rules, no I/O.

/// An enumeration of words as a vendor writes them (`"no show"`, `"Not Started"`): `ALL`, `as_str`,
/// `parse` (refusing other words, listing the accepted ones), `parse_any_case`, serde and the OpenAPI
/// schema with the same spellings.
macro_rules! worded {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident = $word:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $(#[doc = $doc])*
        pub enum $name {
            $(#[serde(rename = $word)] $variant,)*
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                let description = [$($doc.trim()),*].join(" ");
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some([$($word),*])).description(Some(description)).into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: [$name; [$($word),*].len()] = [$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }

            /// The value spelled `word` in any case (`"completed"` for `"Completed"`).
            pub fn parse_any_case(word: &str) -> Result<Self, $crate::domain::values::Refused> {
                Self::ALL.iter().copied().find(|value| value.as_str().eq_ignore_ascii_case(word.trim())).ok_or_else(|| Self::parse(word).unwrap_err())
            }

            pub fn parse(word: &str) -> Result<Self, $crate::domain::values::Refused> {
                Self::ALL.iter().copied().find(|value| value.as_str() == word).ok_or_else(|| {
                    let words: Vec<String> = Self::ALL.iter().map(|value| format!("\"{}\"", value.as_str())).collect();
                    $crate::domain::values::Refused { rule: $crate::domain::values::Rule::Enumeration, reason: format!("must be one of {}; got \"{word}\"", words.join(", ")) }
                })
            }
        }
    };
}

pub mod activity;
pub mod changes;
pub mod departments;
pub mod directory;
pub mod enrollment;
pub mod keepnet;
pub mod offering;
pub mod people;
pub mod progress;
pub mod registration;
pub mod role;
pub mod values;

pub use enrollment::{CertificateView, DueDateType, DueRule, EnrollmentTypeGroup, EnrollmentView, LearnerResultView, Lifecycle};
pub use people::{ContentItemView, DepartmentView, FinalStatusView, GroupView, UserProfileView, UserStatus};
pub use role::{Principal, Role};
