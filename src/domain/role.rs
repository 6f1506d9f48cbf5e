use std::fmt;
use std::str::FromStr;

/// The roles iSpring Learn knows; they decide what a caller may see and change. Every face and the
/// store spell them as [`Role::as_str`] does (serde's names are the same, as a test checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AccountOwner,
    AccountAdministrator,
    DepartmentAdministrator,
    Publisher,
    Custom,
    Learner,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::AccountOwner, Role::AccountAdministrator, Role::DepartmentAdministrator, Role::Publisher, Role::Custom, Role::Learner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::AccountOwner => "account_owner",
            Role::AccountAdministrator => "account_administrator",
            Role::DepartmentAdministrator => "department_administrator",
            Role::Publisher => "publisher",
            Role::Custom => "custom",
            Role::Learner => "learner",
        }
    }

    /// Department administrators, publishers and custom roles act only inside the departments they
    /// manage and those departments' sub-departments.
    pub fn is_department_scoped(self) -> bool {
        matches!(self, Role::DepartmentAdministrator | Role::Publisher | Role::Custom)
    }

    /// Learners cannot use the administrative API at all.
    pub fn may_administer(self) -> bool {
        self != Role::Learner
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role '{s}'; expected one of: {}", names.join(", "))
        })
    }
}

worded! {
    /// The role an Academy Of Mine token acts in, as the user it names.
    AomRole {
        Owner = "owner",
        Admin = "admin",
        Staff = "staff",
        PortalAdmin = "portal_admin",
        Learner = "learner",
    }
}

impl AomRole {
    /// The store's role with the same reach: owners own the account; admins and staff administer
    /// it; portal admins administer their portals only, and learners their own learning.
    pub fn role(self) -> Role {
        match self {
            AomRole::Owner => Role::AccountOwner,
            AomRole::Admin | AomRole::Staff | AomRole::PortalAdmin => Role::AccountAdministrator,
            AomRole::Learner => Role::Learner,
        }
    }
}

/// Who is calling: resolved once per request from a token or legacy credentials.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant_id: i64,
    pub role: Role,
    /// Internal ids of the departments the caller manages (roots; sub-departments are implied).
    /// Only meaningful for department-scoped roles.
    pub managed_departments: Vec<i64>,
    /// The API client id or user login, for logs.
    pub subject: String,
    /// The user the caller acts as, when its credentials name one, and the Academy Of Mine role
    /// it acts in.
    pub acting: Option<(i64, AomRole)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str(), "one spelling for every face");
        }
        for due in crate::domain::DueDateType::ALL {
            assert_eq!(serde_json::to_value(due).unwrap(), due.as_str(), "one spelling for every face");
        }
        assert!("admin".parse::<Role>().unwrap_err().contains("account_administrator"));
    }

    #[test]
    fn only_delegated_roles_are_department_scoped() {
        let scoped: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_department_scoped()).collect();
        assert_eq!(scoped, [Role::DepartmentAdministrator, Role::Publisher, Role::Custom]);
        assert!(!Role::Learner.may_administer());
    }
}
