//! The directory as an identity provider sees it: the attributes of users and groups that can be
//! searched and sorted on, and the conditions over them. A face parses its own filter language into
//! a [`Condition`]; the store compiles it to SQL. No face's syntax lives here.

use chrono::NaiveDateTime;

/// What a value of an attribute is, for the comparisons it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text compared as written (ids).
    ExactText,
    /// Text compared without regard to case (names, logins, e-mail addresses).
    Text,
    Boolean,
    DateTime,
    /// A value made of parts (a name): only whether it is present can be asked.
    Complex,
}

/// A searchable attribute of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAttribute {
    /// The user's id (its external id).
    Id,
    /// The identity provider's own id for the user.
    ExternalId,
    /// The login.
    UserName,
    GivenName,
    FamilyName,
    /// Whether either name is set (the name as a whole).
    Name,
    DisplayName,
    Email,
    EmailType,
    Active,
    EmployeeNumber,
    /// The name of the user's department (absent for the tenant's root department).
    Department,
    /// The id of the user's manager.
    Manager,
    /// The id of a group the user belongs to.
    GroupId,
    /// The name of a group the user belongs to.
    GroupName,
    Created,
    LastModified,
}

impl UserAttribute {
    pub fn kind(self) -> Kind {
        match self {
            UserAttribute::Id | UserAttribute::ExternalId | UserAttribute::Manager | UserAttribute::GroupId => Kind::ExactText,
            UserAttribute::Active => Kind::Boolean,
            UserAttribute::Name => Kind::Complex,
            UserAttribute::Created | UserAttribute::LastModified => Kind::DateTime,
            _ => Kind::Text,
        }
    }

    /// The attributes that are values of the user's groups (compared within one membership).
    pub fn of_groups(self) -> bool {
        matches!(self, UserAttribute::GroupId | UserAttribute::GroupName)
    }
}

/// A searchable attribute of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupAttribute {
    Id,
    ExternalId,
    DisplayName,
    /// The id of a member.
    MemberId,
    Created,
    LastModified,
}

impl GroupAttribute {
    pub fn kind(self) -> Kind {
        match self {
            GroupAttribute::Id | GroupAttribute::ExternalId | GroupAttribute::MemberId => Kind::ExactText,
            GroupAttribute::DisplayName => Kind::Text,
            GroupAttribute::Created | GroupAttribute::LastModified => Kind::DateTime,
        }
    }

    /// The attributes that are values of the group's members (compared within one membership).
    pub fn of_groups(self) -> bool {
        self == GroupAttribute::MemberId
    }
}

/// How an attribute's value is compared with the condition's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Equal,
    NotEqual,
    Contains,
    StartsWith,
    EndsWith,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// A value a condition compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Boolean(bool),
    DateTime(NaiveDateTime),
}

/// A condition over the attributes `A` of one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition<A> {
    /// The attribute has a value.
    Present(A),
    Compare(A, Comparison, Value),
    And(Box<Condition<A>>, Box<Condition<A>>),
    Or(Box<Condition<A>>, Box<Condition<A>>),
    Not(Box<Condition<A>>),
    /// One value of a multi-valued attribute (one membership) meets every part of the condition.
    AnyMembership(Box<Condition<A>>),
}

/// Why a condition cannot be evaluated: a comparison its attribute's kind does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfit(pub String);

/// Checks that every comparison suits its attribute (`kind` tells each attribute's kind): ordering
/// and substring comparisons on booleans, substrings of dates, and values of the wrong type are
/// refused before anything runs.
pub fn check<A: Copy + std::fmt::Debug>(condition: &Condition<A>, kind: &dyn Fn(A) -> Kind) -> Result<(), Unfit> {
    match condition {
        Condition::Present(_) => Ok(()),
        Condition::And(a, b) | Condition::Or(a, b) => check(a, kind).and_then(|()| check(b, kind)),
        Condition::Not(inner) | Condition::AnyMembership(inner) => check(inner, kind),
        Condition::Compare(attribute, comparison, value) => {
            let kind = kind(*attribute);
            let substring = matches!(comparison, Comparison::Contains | Comparison::StartsWith | Comparison::EndsWith);
            let ordering =
                matches!(comparison, Comparison::Greater | Comparison::GreaterOrEqual | Comparison::Less | Comparison::LessOrEqual);
            match (kind, value) {
                (Kind::Complex, _) => {
                    Err(Unfit(format!("{attribute:?} is made of parts: compare a part of it, or ask whether it is present (pr)")))
                }
                (Kind::Boolean, Value::Boolean(_)) if !substring && !ordering => Ok(()),
                (Kind::Boolean, _) => Err(Unfit(format!("{attribute:?} is a boolean: compare it with eq or ne and true or false"))),
                (Kind::DateTime, Value::DateTime(_)) if !substring => Ok(()),
                (Kind::DateTime, _) => Err(Unfit(format!(
                    "{attribute:?} is a date and time: compare it with eq, ne, gt, ge, lt or le and an xsd:dateTime such as \"2026-01-31T12:00:00Z\""
                ))),
                (Kind::Text | Kind::ExactText, Value::Text(_)) => Ok(()),
                (Kind::Text | Kind::ExactText, _) => Err(Unfit(format!("{attribute:?} is a string: compare it with a quoted string"))),
            }
        }
    }
}

/// A sort order: by an attribute, then by creation (so pages never overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<A> {
    pub by: A,
    pub descending: bool,
}

/// A page of a search: `start` 1-based, at most `count` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_must_suit_their_attributes() {
        let kind = |a: UserAttribute| a.kind();
        let text = |a, c| Condition::Compare(a, c, Value::Text("x".into()));
        assert!(check(&text(UserAttribute::UserName, Comparison::Contains), &kind).is_ok());
        assert!(check(&text(UserAttribute::Active, Comparison::Equal), &kind).is_err());
        let flag = Condition::Compare(UserAttribute::Active, Comparison::Greater, Value::Boolean(true));
        assert!(check(&flag, &kind).is_err());
        let when = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let date = Condition::Compare(UserAttribute::Created, Comparison::StartsWith, Value::DateTime(when));
        assert!(check(&date, &kind).is_err());
        let date = Condition::Compare(UserAttribute::Created, Comparison::GreaterOrEqual, Value::DateTime(when));
        assert!(check(&Condition::Not(Box::new(date)), &kind).is_ok());
        assert!(check(&text(UserAttribute::Name, Comparison::Equal), &kind).is_err());
        assert!(check(&Condition::Present(UserAttribute::Name), &kind).is_ok());
    }
}
