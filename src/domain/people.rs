//! Users, departments, groups and content as the operations present them.

use chrono::NaiveDateTime;

use super::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active = 1,
    Inactive = 3,
}

impl UserStatus {
    pub fn code(self) -> i16 {
        self as i16
    }

    /// The status of its number in the contract: 1 active, 3 inactive.
    pub fn parse(code: i32) -> Result<Self, super::values::Refused> {
        match code {
            1 => Ok(UserStatus::Active),
            3 => Ok(UserStatus::Inactive),
            other => {
                Err(super::values::Refused { rule: super::values::Rule::Enumeration, reason: format!("must be one of 1, 3; got {other}") })
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserProfileView {
    pub user_id: String,
    pub login: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department_id: String,
    pub status: i16,
    pub role: Role,
    pub groups: Vec<String>,
    pub manageable_department_ids: Vec<String>,
    /// UTC.
    pub added_date: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentView {
    pub department_id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_department_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    pub group_id: String,
    pub name: String,
    pub user_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContentItemView {
    pub content_item_id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub content_type: String,
    /// UTC.
    pub added_date: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FinalStatusView {
    pub user_id: String,
    pub status: String,
    pub progress: i16,
}

/// iSpring's password strength: an uppercase letter and a digit (its length is [`Password`]'s rule).
///
/// [`Password`]: super::values::Password
/// Whether a text has the shape of an e-mail address (`local@domain.tld`, no spaces): the rule new
/// learners' addresses follow, since the address becomes their login.
pub fn is_email_address(address: &str) -> bool {
    !address.contains(char::is_whitespace)
        && address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.contains('@') && domain.split('.').count() > 1 && domain.split('.').all(|part| !part.is_empty())
        })
}

pub fn check_password(password: &super::values::Password) -> Result<(), String> {
    if !password.chars().any(char::is_uppercase) || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err("the password must contain at least one uppercase letter and one digit".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::values::Password;

    #[test]
    fn email_addresses_have_a_local_part_and_a_dotted_domain() {
        assert!(is_email_address("ann@new.example"));
        for wrong in ["not-an-email", "@new.example", "ann@localhost", "ann@new..example", "a b@new.example", "a@b@new.example"] {
            assert!(!is_email_address(wrong), "{wrong}");
        }
    }

    #[test]
    fn passwords_need_length_an_uppercase_letter_and_a_digit() {
        let password = |p: &str| Password::parse(p).unwrap();
        assert!(check_password(&password("Secret1")).is_ok());
        assert!(Password::parse("Sec1").unwrap_err().reason.contains("6 to 100"));
        assert!(check_password(&password("secret1")).unwrap_err().contains("uppercase"));
        assert!(check_password(&password("Secrets")).unwrap_err().contains("digit"));
        assert!(Password::parse(&format!("A1{}", "x".repeat(99))).is_err());
        assert_eq!(format!("{:?}", password("Secret1")), "Password(..)", "a password never reaches a log");
    }
}
