//! Change events: what changed, named once. The store keeps an event's kind as a number (the
//! triggers in the `changes` migration write these numbers); the JSON mirror names it with a dotted
//! name, Academy Of Mine with its webhook event words.

use super::values::{Refused, Rule};

/// The kinds of change the feed reports. The numbers are the store's and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    UserCreated = 1,
    UserUpdated = 2,
    UserDeleted = 3,
    DepartmentCreated = 11,
    DepartmentUpdated = 12,
    DepartmentDeleted = 13,
    GroupCreated = 21,
    GroupUpdated = 22,
    GroupDeleted = 23,
    GroupMemberAdded = 24,
    GroupMemberRemoved = 25,
    EnrollmentCreated = 31,
    EnrollmentUpdated = 32,
    EnrollmentCompleted = 33,
    EnrollmentDeleted = 34,
    ProgressUpdated = 41,
    ModuleProgressUpdated = 42,
    CertificateIssued = 51,
    CertificateUpdated = 52,
    CertificateRevoked = 53,
}

impl EventKind {
    pub const ALL: [EventKind; 20] = [
        EventKind::UserCreated,
        EventKind::UserUpdated,
        EventKind::UserDeleted,
        EventKind::DepartmentCreated,
        EventKind::DepartmentUpdated,
        EventKind::DepartmentDeleted,
        EventKind::GroupCreated,
        EventKind::GroupUpdated,
        EventKind::GroupDeleted,
        EventKind::GroupMemberAdded,
        EventKind::GroupMemberRemoved,
        EventKind::EnrollmentCreated,
        EventKind::EnrollmentUpdated,
        EventKind::EnrollmentCompleted,
        EventKind::EnrollmentDeleted,
        EventKind::ProgressUpdated,
        EventKind::ModuleProgressUpdated,
        EventKind::CertificateIssued,
        EventKind::CertificateUpdated,
        EventKind::CertificateRevoked,
    ];

    /// The store's number.
    pub fn code(self) -> i16 {
        self as i16
    }

    pub fn from_code(code: i16) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The dotted name the JSON mirror and its webhooks use.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::UserCreated => "user.created",
            EventKind::UserUpdated => "user.updated",
            EventKind::UserDeleted => "user.deleted",
            EventKind::DepartmentCreated => "department.created",
            EventKind::DepartmentUpdated => "department.updated",
            EventKind::DepartmentDeleted => "department.deleted",
            EventKind::GroupCreated => "group.created",
            EventKind::GroupUpdated => "group.updated",
            EventKind::GroupDeleted => "group.deleted",
            EventKind::GroupMemberAdded => "group.member_added",
            EventKind::GroupMemberRemoved => "group.member_removed",
            EventKind::EnrollmentCreated => "enrollment.created",
            EventKind::EnrollmentUpdated => "enrollment.updated",
            EventKind::EnrollmentCompleted => "enrollment.completed",
            EventKind::EnrollmentDeleted => "enrollment.deleted",
            EventKind::ProgressUpdated => "progress.updated",
            EventKind::ModuleProgressUpdated => "progress.module_updated",
            EventKind::CertificateIssued => "certificate.issued",
            EventKind::CertificateUpdated => "certificate.updated",
            EventKind::CertificateRevoked => "certificate.revoked",
        }
    }

    /// Academy Of Mine's webhook event for this kind, when it has one.
    pub fn academy_name(self) -> Option<&'static str> {
        match self {
            EventKind::UserCreated => Some("new_account_created"),
            EventKind::UserUpdated => Some("account_updated"),
            EventKind::EnrollmentCreated => Some("course_enrolled"),
            EventKind::EnrollmentCompleted => Some("course_completed"),
            EventKind::ProgressUpdated => Some("course_progress"),
            _ => None,
        }
    }
}

/// Academy Of Mine's webhook events (its Webhook Event Lookup, misspellings included, and the
/// CRM events it adds). Those that name no change this server records are accepted and never fire.
pub const ACADEMY_EVENTS: [&str; 15] = [
    "new_account_created",
    "course_enrolled",
    "quiz_submission",
    "assigment_submission",
    "assigment_evaluation",
    "assigment_rejection",
    "discussion_submission",
    "new_order",
    "failed_order",
    "refunded_order",
    "pending_payment",
    "new_announcement",
    "course_completed",
    "account_updated",
    "course_progress",
];

/// Which naming a subscription's event list uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The JSON mirror's dotted names.
    Dotted,
    /// Academy Of Mine's words.
    Academy,
}

impl Naming {
    pub fn as_str(self) -> &'static str {
        match self {
            Naming::Dotted => "json",
            Naming::Academy => "aom",
        }
    }

    pub fn from_face(face: &str) -> Naming {
        if face == "aom" { Naming::Academy } else { Naming::Dotted }
    }

    /// The event's name in this naming, if it has one.
    pub fn name_of(self, kind: EventKind) -> Option<&'static str> {
        match self {
            Naming::Dotted => Some(kind.name()),
            Naming::Academy => kind.academy_name(),
        }
    }
}

/// The events a subscription receives: every one (`*`), or those named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSelection {
    naming: Naming,
    names: Vec<String>,
}

impl EventSelection {
    /// Parses a list of event names in `naming`: `*`, or known names, one or more, without repeats.
    pub fn parse(naming: Naming, names: &[String]) -> Result<EventSelection, Refused> {
        if names.is_empty() {
            return Err(Refused { rule: Rule::Length, reason: "must name at least one event, or \"*\"".into() });
        }
        let mut kept: Vec<String> = Vec::new();
        for name in names {
            let known = name == "*"
                || match naming {
                    Naming::Dotted => EventKind::ALL.iter().any(|kind| kind.name() == name),
                    Naming::Academy => ACADEMY_EVENTS.contains(&name.as_str()),
                };
            if !known {
                let listed: Vec<String> = match naming {
                    Naming::Dotted => EventKind::ALL.iter().map(|kind| format!("\"{}\"", kind.name())).collect(),
                    Naming::Academy => ACADEMY_EVENTS.iter().map(|name| format!("\"{name}\"")).collect(),
                };
                return Err(Refused {
                    rule: Rule::Enumeration,
                    reason: format!("must be \"*\" or one of {}; got \"{name}\"", listed.join(", ")),
                });
            }
            if !kept.contains(name) {
                kept.push(name.clone());
            }
        }
        if kept.iter().any(|name| name == "*") {
            kept = vec!["*".into()];
        }
        Ok(EventSelection { naming, names: kept })
    }

    /// The selection as stored: the names joined by commas.
    pub fn stored(&self) -> String {
        self.names.join(",")
    }

    /// The selection a stored list makes (written by [`EventSelection::stored`]).
    pub fn from_stored(naming: Naming, stored: &str) -> EventSelection {
        EventSelection { naming, names: stored.split(',').filter(|name| !name.is_empty()).map(str::to_string).collect() }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether an event of `kind` goes to this subscription.
    pub fn includes(&self, kind: EventKind) -> bool {
        match self.naming.name_of(kind) {
            Some(name) => self.names.iter().any(|chosen| chosen == "*" || chosen == name),
            None => false,
        }
    }
}

/// Where a subscription's deliveries go: an absolute `http` or `https` URL with a host, at most
/// 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<WebhookUrl, Refused> {
        let refuse = |reason: String| Refused { rule: Rule::Type, reason };
        if text.is_empty() || text.len() > 2048 {
            return Err(Refused { rule: Rule::Length, reason: format!("must be 1 to 2048 characters long; got {}", text.len()) });
        }
        let url = url::Url::parse(text).map_err(|e| refuse(format!("must be an absolute http or https URL; got '{text}' ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refuse(format!("must be an http or https URL; got scheme '{}'", url.scheme())));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse(format!("must name a host; got '{text}'")));
        }
        if url.fragment().is_some() {
            return Err(refuse(format!("must not have a fragment; got '{text}'")));
        }
        Ok(WebhookUrl(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A subscription's signing secret: `whsec_` and the base64 of 24 to 64 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    pub fn parse(text: &str) -> Result<WebhookSecret, Refused> {
        use base64::Engine;
        let refuse = |reason: String| Refused { rule: Rule::Type, reason };
        let encoded = text.strip_prefix("whsec_").ok_or_else(|| refuse("must start with 'whsec_'".into()))?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| refuse("must be 'whsec_' followed by standard base64".into()))?;
        if !(24..=64).contains(&key.len()) {
            return Err(Refused { rule: Rule::Length, reason: format!("must encode 24 to 64 bytes; got {}", key.len()) });
        }
        Ok(WebhookSecret(text.to_string()))
    }

    /// A new secret of 32 random bytes.
    pub fn generate() -> WebhookSecret {
        use base64::Engine;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the system's random source answers");
        WebhookSecret(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_one_to_one() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
            assert_eq!(EventKind::ALL.iter().filter(|other| other.name() == kind.name()).count(), 1);
            let (entity, _) = kind.name().split_once('.').unwrap();
            assert!(["user", "department", "group", "enrollment", "progress", "certificate"].contains(&entity), "{}", kind.name());
        }
        assert_eq!(EventKind::from_code(0), None);
        for kind in EventKind::ALL {
            if let Some(name) = kind.academy_name() {
                assert!(ACADEMY_EVENTS.contains(&name), "{name}");
            }
        }
    }

    #[test]
    fn selections_parse_names_or_a_star() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let chosen = EventSelection::parse(Naming::Dotted, &names(&["user.created", "enrollment.completed", "user.created"])).unwrap();
        assert_eq!(chosen.stored(), "user.created,enrollment.completed");
        assert!(chosen.includes(EventKind::UserCreated) && !chosen.includes(EventKind::UserUpdated));
        let every = EventSelection::parse(Naming::Dotted, &names(&["user.created", "*"])).unwrap();
        assert_eq!(every.stored(), "*");
        assert!(EventKind::ALL.iter().all(|kind| every.includes(*kind)));
        assert_eq!(EventSelection::from_stored(Naming::Dotted, &chosen.stored()), chosen);
        assert!(EventSelection::parse(Naming::Dotted, &[]).is_err());
        let refused = EventSelection::parse(Naming::Dotted, &names(&["user.exploded"])).unwrap_err();
        assert!(refused.reason.contains("got \"user.exploded\""), "{}", refused.reason);
        assert!(EventSelection::parse(Naming::Dotted, &names(&["course_enrolled"])).is_err());
        let academy = EventSelection::parse(Naming::Academy, &names(&["course_enrolled", "new_order"])).unwrap();
        assert!(academy.includes(EventKind::EnrollmentCreated) && !academy.includes(EventKind::EnrollmentCompleted));
        let every = EventSelection::parse(Naming::Academy, &names(&["*"])).unwrap();
        assert!(every.includes(EventKind::EnrollmentCompleted) && !every.includes(EventKind::DepartmentCreated));
    }

    #[test]
    fn webhook_urls_and_secrets_parse() {
        assert!(WebhookUrl::parse("https://hr.example/hooks?x=1").is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:9000/").is_ok());
        for bad in ["", "ftp://h/", "/relative", "https://h/#frag", "mailto:a@b", "http://"] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        let secret = WebhookSecret::generate();
        assert!(secret.as_str().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(secret.as_str()).unwrap(), secret);
        assert_ne!(WebhookSecret::generate(), secret);
        for bad in ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!", "whsec_c2hvcnQ="] {
            assert!(WebhookSecret::parse(bad).is_err(), "{bad}");
        }
        assert!(WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    }
}
