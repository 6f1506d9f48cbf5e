//! Keepnet Labs' words and rules: client roles, campaign (Keepnet's "enrollment") types, statuses
//! and reminder plans, the sending statuses of its mail, export types, and the search filter its
//! clients send (`filterGroups` of `filterItems`), resolved against the fields a report has.

use super::values::{Refused, Rule};

worded! {
    /// A Keepnet REST API credential's client role.
    KeepnetRole {
        Reseller = "Reseller",
        CompanyAdmin = "Company Admin",
    }
}

impl KeepnetRole {
    /// The role as the command line names it: `reseller` or `company-admin` (Keepnet's own
    /// spellings are taken too).
    pub fn parse_option(word: &str) -> Result<Self, Refused> {
        match word.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "reseller" => Ok(KeepnetRole::Reseller),
            "company-admin" => Ok(KeepnetRole::CompanyAdmin),
            _ => Err(Refused { rule: Rule::Enumeration, reason: format!("must be reseller or company-admin; got '{word}'") }),
        }
    }
}

worded! {
    /// What a campaign sends (Keepnet's `enrollmentType`; `SCORM` is a training).
    EnrollmentType {
        Scorm = "SCORM",
        LearningPath = "LearningPath",
        Poster = "Poster",
        Infographic = "Infographic",
        Screensaver = "Screensaver",
        Survey = "Survey",
    }
}

impl EnrollmentType {
    /// The name of the type of training, as the training report shows it.
    pub fn training_type_name(self) -> &'static str {
        match self {
            EnrollmentType::Scorm => "Training",
            EnrollmentType::LearningPath => "Learning Path",
            EnrollmentType::Poster => "Poster",
            EnrollmentType::Infographic => "Infographic",
            EnrollmentType::Screensaver => "Screensaver",
            EnrollmentType::Survey => "Survey",
        }
    }

    /// Keepnet's numeric training type (`trainingType=0` is a survey).
    pub fn training_type_id(self) -> i32 {
        match self {
            EnrollmentType::Survey => 0,
            EnrollmentType::Scorm => 1,
            EnrollmentType::LearningPath => 2,
            EnrollmentType::Poster => 3,
            EnrollmentType::Infographic => 4,
            EnrollmentType::Screensaver => 5,
        }
    }

    /// `trainingType` as clients send it: the number, or the type's name (with or without spaces).
    pub fn parse_training_type(word: &str) -> Result<Self, Refused> {
        let squeezed: String = word.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(number) = squeezed.parse::<i32>() {
            return Self::ALL.into_iter().find(|t| t.training_type_id() == number).ok_or_else(|| Refused {
                rule: Rule::Enumeration,
                reason: format!("must be a training type number from 0 to 5, or a type's name; got {number}"),
            });
        }
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(&squeezed) || t.training_type_name().replace(' ', "").eq_ignore_ascii_case(&squeezed))
            .ok_or_else(|| Self::parse(word).unwrap_err())
    }
}

worded! {
    /// Where a campaign stands.
    CampaignStatus {
        AutoEnroll = "Auto-Enroll",
        Sending = "Sending",
        Finished = "Finished",
        Scheduled = "Scheduled",
        Error = "Error",
        Stopped = "Stopped",
        Paused = "Paused",
        Archived = "Archived",
        Deleted = "Deleted",
        ScormProxy = "SCORM Proxy",
    }
}

worded! {
    /// How a campaign reaches its target users.
    DeliveryType {
        Email = "Email",
        EmailAndSms = "Email & SMS",
        EmailAndTeams = "Email & Microsoft Teams",
    }
}

worded! {
    /// Whom a campaign was sent to: user groups, or the targets of a phishing campaign.
    RecipientType {
        UserGroup = "UserGroup",
        Campaign = "Campaign",
    }
}

worded! {
    /// The unit of a reminder plan's period.
    ReminderPeriod {
        Day = "Day",
        Week = "Week",
        Month = "Month",
    }
}

worded! {
    /// When a reminder plan stops: never (while users have not completed), after a number of
    /// reminders, or at a time.
    ReminderEnd {
        Never = "Never",
        AfterOccurrences = "AfterOccurrences",
        OnDate = "OnDate",
    }
}

worded! {
    /// What became of a mail: queued, being sent, delivered, or not (and why).
    SendingStatus {
        InQueue = "In Queue",
        Processing = "Processing",
        Delivered = "Delivered",
        NotDelivered = "Not Delivered",
        SendingError = "Sending Error",
        Cancelled = "Cancelled",
        Excluded = "Excluded",
    }
}

worded! {
    /// The channel of a notification activity log.
    NotificationType {
        Teams = "Teams",
        Email = "Email",
        Sms = "SMS",
    }
}

worded! {
    /// Where a notification stands.
    NotificationStatus {
        Pending = "Pending",
        Sent = "Sent",
        Failed = "Failed",
    }
}

/// A campaign's reminder plan: every `period_count` `period`s until `end` says stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPlan {
    pub period_count: i32,
    pub period: ReminderPeriod,
    pub end: ReminderEnd,
    pub occurrences: Option<i32>,
    pub stop_time: Option<chrono::NaiveDateTime>,
}

impl ReminderPlan {
    /// Checks that the plan's end is complete: a count for `AfterOccurrences`, a time for `OnDate`.
    pub fn check(self) -> Result<Self, (&'static str, Refused)> {
        let refuse = |field, reason: &str| Err((field, Refused { rule: Rule::Type, reason: reason.to_string() }));
        if !(1..=365).contains(&self.period_count) {
            return refuse("periodCount", "must be 1 to 365");
        }
        match self.end {
            ReminderEnd::AfterOccurrences if !self.occurrences.is_some_and(|n| (1..=100).contains(&n)) => {
                refuse("occurrenceCount", "must be 1 to 100 when endType is AfterOccurrences")
            }
            ReminderEnd::OnDate if self.stop_time.is_none() => refuse("stopTime", "is required when endType is OnDate"),
            _ => Ok(self),
        }
    }

    /// When occurrence `n` (1, 2, …) of the plan falls, for a campaign that started at `start`:
    /// `n` times the period after it (months keep the day, or the month's last).
    pub fn occurrence_time(self, start: chrono::NaiveDateTime, n: i32) -> Option<chrono::NaiveDateTime> {
        let steps = self.period_count.checked_mul(n).filter(|s| *s > 0)?;
        match self.period {
            ReminderPeriod::Day => start.checked_add_signed(chrono::Duration::days(steps.into())),
            ReminderPeriod::Week => start.checked_add_signed(chrono::Duration::weeks(steps.into())),
            ReminderPeriod::Month => start.checked_add_months(chrono::Months::new(steps as u32)),
        }
    }

    /// Whether occurrence `n`, falling at `at`, is within the plan's end and before the due date.
    fn allows(self, n: i32, at: chrono::NaiveDateTime, due: Option<chrono::NaiveDateTime>) -> bool {
        let within_end = match self.end {
            ReminderEnd::Never => true,
            ReminderEnd::AfterOccurrences => self.occurrences.is_some_and(|count| n <= count),
            ReminderEnd::OnDate => self.stop_time.is_some_and(|stop| at <= stop),
        };
        within_end && due.is_none_or(|due| at <= due)
    }

    /// The latest occurrence due by `now` that the plan allows: its number and time. Occurrences
    /// missed while no scheduler ran are not sent late one by one; the latest stands for them.
    pub fn due_occurrence(
        self,
        start: chrono::NaiveDateTime,
        due: Option<chrono::NaiveDateTime>,
        now: chrono::NaiveDateTime,
    ) -> Option<(i32, chrono::NaiveDateTime)> {
        // A first guess from the period's shortest length, then the exact count by stepping.
        let shortest = match self.period {
            ReminderPeriod::Day => 1,
            ReminderPeriod::Week => 7,
            ReminderPeriod::Month => 28,
        } * i64::from(self.period_count.max(1));
        let mut n = i32::try_from(((now - start).num_days() / shortest).max(0)).ok()?.saturating_add(1);
        while n > 0 && self.occurrence_time(start, n).is_none_or(|at| at > now) {
            n -= 1;
        }
        // The latest due by now; if the plan stops before it, the last the plan allows.
        while n > 0 {
            let at = self.occurrence_time(start, n)?;
            if self.allows(n, at, due) {
                return Some((n, at));
            }
            let last = match self.end {
                ReminderEnd::AfterOccurrences => self.occurrences.unwrap_or(0).min(n - 1),
                _ => n - 1,
            };
            n = last;
        }
        None
    }

    /// How the summary describes it: "Every 2 Week(s), 3 times".
    pub fn describe(self) -> String {
        let end = match self.end {
            ReminderEnd::Never => String::from("until completed"),
            ReminderEnd::AfterOccurrences => format!("{} times", self.occurrences.unwrap_or(0)),
            ReminderEnd::OnDate => format!("until {}", self.stop_time.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
        };
        format!("Every {} {}(s), {end}", self.period_count, self.period.as_str())
    }
}

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportType {
    Csv,
    Excel,
}

impl ExportType {
    /// `exportType` in any of the spellings clients use: `CSV`, `Csv`, `Excel`, `XLS`, `XLSX`.
    pub fn parse(word: &str) -> Result<Self, Refused> {
        match word.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportType::Csv),
            "excel" | "xls" | "xlsx" => Ok(ExportType::Excel),
            "pdf" => Err(Refused { rule: Rule::Enumeration, reason: "PDF exports are not offered; use CSV or Excel".into() }),
            _ => Err(Refused { rule: Rule::Enumeration, reason: format!("must be CSV or Excel; got '{word}'") }),
        }
    }
}

/// The kind of value a report's field holds, which decides the operators it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Time,
    Bool,
}

/// A field a report can be filtered and ordered by, named as Keepnet names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
}

const fn text(name: &'static str) -> Field {
    Field { name, kind: FieldKind::Text }
}
const fn number(name: &'static str) -> Field {
    Field { name, kind: FieldKind::Number }
}
const fn time(name: &'static str) -> Field {
    Field { name, kind: FieldKind::Time }
}
const fn flag(name: &'static str) -> Field {
    Field { name, kind: FieldKind::Bool }
}

/// What the searches can be filtered and ordered by: their rows' documented fields.
pub mod fields {
    use super::*;

    pub const COMPANIES: &[Field] = &[
        text("companyName"),
        text("companyResourceId"),
        text("resellerName"),
        text("industryName"),
        text("licenseTypeName"),
        flag("isNumberOfUsersLimited"),
        number("numberOfUsers"),
        flag("licenceExpired"),
        time("licenseEndDate"),
        time("createTime"),
        number("targetUserCount"),
        number("deletedTargetUserCount"),
        number("inactiveTargetUserCount"),
        number("monthlyActiveUserCount"),
    ];

    pub const ENROLLMENTS: &[Field] = &[
        text("enrollmentId"),
        text("name"),
        text("enrolledBy"),
        time("startDate"),
        text("trainingName"),
        text("delivery"),
        text("deliveryType"),
        time("createTime"),
        flag("isReminderActive"),
        flag("isAutoEnrollmentActive"),
        text("status"),
        text("recipientType"),
        text("category"),
        text("targetAudience"),
        text("type"),
        flag("hasQuiz"),
        text("duration"),
        text("level"),
    ];

    pub const USERS: &[Field] = &[
        text("targetUserResourceId"),
        text("firstName"),
        text("lastName"),
        text("email"),
        text("department"),
        text("phoneNumber"),
        text("deliveryType"),
        text("status"),
        text("examStatusName"),
        number("examScore"),
        time("firstCompletionDate"),
        time("lastInteractionDate"),
    ];

    pub const SENDING_REPORT: &[Field] = &[
        text("targetUserResourceId"),
        text("firstName"),
        text("lastName"),
        text("email"),
        text("department"),
        text("emailDelivery"),
        time("firstSendDate"),
        time("lastSendDate"),
        text("lastSendingStatus"),
        text("errorMessage"),
        text("targetUserStatus"),
        flag("targetUserIsDeleted"),
    ];

    pub const CERTIFICATES: &[Field] = &[
        text("targetUserResourceId"),
        text("userEmail"),
        time("sentDate"),
        text("status"),
        time("createdDate"),
        time("firstSendTime"),
        time("lastSendTime"),
        text("emailDelivery"),
    ];

    pub const REMINDER_MAILS: &[Field] =
        &[text("email"), text("emailDelivery"), time("firstSendDate"), time("lastSendDate"), text("lastSendingStatus")];

    pub const NOTIFICATIONS: &[Field] = &[
        number("id"),
        text("firstName"),
        text("lastName"),
        text("fullName"),
        text("email"),
        text("department"),
        text("status"),
        text("type"),
        text("errorMessage"),
        time("firstSendDate"),
        time("lastSendDate"),
        text("lastSendingStatus"),
        time("createTime"),
        number("retryCount"),
    ];
}

/// How a filter item compares a field with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Equals,
    NotEquals,
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
    IsEmpty,
    IsNotEmpty,
}

impl Operator {
    /// The operators and the spellings clients send, matched without case.
    const WORDS: &[(&'static str, Operator)] = &[
        ("Contains", Operator::Contains),
        ("NotContains", Operator::NotContains),
        ("DoesNotContain", Operator::NotContains),
        ("StartsWith", Operator::StartsWith),
        ("EndsWith", Operator::EndsWith),
        ("Equals", Operator::Equals),
        ("Equal", Operator::Equals),
        ("=", Operator::Equals),
        ("NotEquals", Operator::NotEquals),
        ("NotEqual", Operator::NotEquals),
        ("!=", Operator::NotEquals),
        ("GreaterThan", Operator::GreaterThan),
        (">", Operator::GreaterThan),
        ("GreaterThanOrEqual", Operator::GreaterOrEqual),
        (">=", Operator::GreaterOrEqual),
        ("LessThan", Operator::LessThan),
        ("<", Operator::LessThan),
        ("LessThanOrEqual", Operator::LessOrEqual),
        ("<=", Operator::LessOrEqual),
        ("IsEmpty", Operator::IsEmpty),
        ("IsNotEmpty", Operator::IsNotEmpty),
    ];

    pub fn parse(word: &str) -> Result<Self, Refused> {
        let word = word.trim();
        Self::WORDS.iter().find(|(spelling, _)| spelling.eq_ignore_ascii_case(word)).map(|(_, op)| *op).ok_or_else(|| Refused {
            rule: Rule::Enumeration,
            reason: format!(
                "must be one of {}; got '{word}'",
                Self::WORDS.iter().filter(|(s, _)| s.chars().all(char::is_alphabetic)).map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
            ),
        })
    }

    /// Whether the operator compares text patterns (and so takes only text fields).
    pub fn is_textual(self) -> bool {
        matches!(self, Operator::Contains | Operator::NotContains | Operator::StartsWith | Operator::EndsWith)
    }

    /// Whether the operator orders values (and so takes no yes-or-no field).
    pub fn is_ordering(self) -> bool {
        matches!(self, Operator::GreaterThan | Operator::GreaterOrEqual | Operator::LessThan | Operator::LessOrEqual)
    }
}

/// How a group's conditions combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Logic {
    #[default]
    And,
    Or,
}

impl Logic {
    pub fn parse(word: &str) -> Result<Self, Refused> {
        match word.trim().to_ascii_lowercase().as_str() {
            "and" | "" => Ok(Logic::And),
            "or" => Ok(Logic::Or),
            _ => Err(Refused { rule: Rule::Enumeration, reason: format!("must be AND or OR; got '{word}'") }),
        }
    }
}

/// A value a filter item compares with, parsed for its field's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Text(String),
    Number(f64),
    Time(chrono::NaiveDateTime),
    Bool(bool),
    /// For `IsEmpty` and `IsNotEmpty`.
    None,
}

/// One condition: `field` (an index into the report's fields) compared by `operator`.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterItem {
    pub field: Field,
    pub operator: Operator,
    pub value: FilterValue,
}

impl FilterItem {
    /// Resolves a field name (any case) against `fields` and parses `value` for its kind.
    pub fn resolve(fields: &[Field], name: &str, operator: Operator, value: Option<&str>) -> Result<Self, Refused> {
        let field = find_field(fields, name)?;
        let refuse = |reason: String| Refused { rule: Rule::Type, reason };
        if operator.is_textual() && field.kind != FieldKind::Text {
            return Err(refuse(format!("operator {operator:?} applies to text fields; {} is not one", field.name)));
        }
        if operator.is_ordering() && field.kind == FieldKind::Bool {
            return Err(refuse(format!("operator {operator:?} does not apply to {}, a yes-or-no field", field.name)));
        }
        if matches!(operator, Operator::IsEmpty | Operator::IsNotEmpty) {
            return Ok(FilterItem { field, operator, value: FilterValue::None });
        }
        let raw = value.ok_or_else(|| refuse(format!("a value is required to compare {} with", field.name)))?.trim();
        let value = match field.kind {
            FieldKind::Text => FilterValue::Text(raw.to_string()),
            FieldKind::Number => {
                FilterValue::Number(raw.parse::<f64>().map_err(|_| refuse(format!("{} takes a number; got '{raw}'", field.name)))?)
            }
            FieldKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" => FilterValue::Bool(true),
                "false" | "0" => FilterValue::Bool(false),
                _ => return Err(refuse(format!("{} takes true or false; got '{raw}'", field.name))),
            },
            FieldKind::Time => FilterValue::Time(
                parse_time(raw)
                    .ok_or_else(|| refuse(format!("{} takes a date or date-time (2026-12-07T10:00:00); got '{raw}'", field.name)))?,
            ),
        };
        Ok(FilterItem { field, operator, value })
    }
}

/// The field of `fields` named `name` in any case.
pub fn find_field(fields: &[Field], name: &str) -> Result<Field, Refused> {
    fields.iter().copied().find(|f| f.name.eq_ignore_ascii_case(name.trim())).ok_or_else(|| Refused {
        rule: Rule::Enumeration,
        reason: format!(
            "names no field of this report: '{name}'; the fields are {}",
            fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// A date (`2026-12-07`) or a date-time with or without a zone (`2026-12-07T10:00:00Z`), in UTC.
pub fn parse_time(raw: &str) -> Option<chrono::NaiveDateTime> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(t.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(raw, format) {
            return Some(t);
        }
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN))
}

/// A group of conditions and nested groups, combined by `logic`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterGroup {
    pub logic: Logic,
    pub items: Vec<FilterItem>,
    pub groups: Vec<FilterGroup>,
}

impl FilterGroup {
    /// A group with nothing in it matches everything.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.groups.iter().all(FilterGroup::is_empty)
    }
}

/// A search's filter: free text over the report's text fields, and groups of conditions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub search: Option<String>,
    pub root: FilterGroup,
}

/// Deepest nesting of filter groups a search may send.
pub const MAX_FILTER_DEPTH: usize = 8;
/// Most conditions a filter may hold in all.
pub const MAX_FILTER_ITEMS: usize = 100;

/// The order of a search: a field and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub field: Field,
    pub ascending: bool,
}

/// Most rows a page may hold.
pub const MAX_PAGE_SIZE: i64 = 1000;

/// A page of a search: 1-based number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: i64,
    pub size: i64,
}

impl PageRequest {
    pub fn parse(number: Option<i64>, size: Option<i64>) -> Result<Self, (&'static str, Refused)> {
        let number = number.unwrap_or(1);
        let size = size.unwrap_or(10);
        if number < 1 {
            return Err((
                "pageNumber",
                Refused { rule: Rule::Type, reason: format!("must be 1 or more (pages count from 1); got {number}") },
            ));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(("pageSize", Refused { rule: Rule::Type, reason: format!("must be 1 to {MAX_PAGE_SIZE}; got {size}") }));
        }
        Ok(PageRequest { number, size })
    }

    pub fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// What a search asks for: filter, order and page.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub filter: Filter,
    pub order: Order,
    pub page: PageRequest,
}

/// The status a target user has in the training report, from the enrollment's canonical state
/// and its invitation mail.
pub fn user_status(completion_status: &str, progress: i16, opened: bool) -> &'static str {
    match completion_status {
        "complete" | "passed" | "accepted" | "failed" => "Completed",
        _ if progress > 0 || completion_status == "in_progress" || completion_status == "incomplete" => "In Progress",
        _ if opened => "Opened Email",
        _ => "Not Responded",
    }
}

/// The exam status of a target user: passed or failed when finished with a result, otherwise
/// whether they began.
pub fn exam_status(completion_status: &str, progress: i16) -> &'static str {
    match completion_status {
        "passed" | "complete" | "accepted" => "Passed",
        "failed" => "Exam Failed",
        _ if progress > 0 || completion_status == "in_progress" => "Incomplete",
        _ => "Not Started",
    }
}

/// A company ID as Keepnet writes them: 12 letters and digits.
pub fn is_company_resource_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_the_command_line_and_keepnet_spellings() {
        assert_eq!(KeepnetRole::parse_option("reseller").unwrap(), KeepnetRole::Reseller);
        assert_eq!(KeepnetRole::parse_option("company-admin").unwrap(), KeepnetRole::CompanyAdmin);
        assert_eq!(KeepnetRole::parse_option("Company Admin").unwrap(), KeepnetRole::CompanyAdmin);
        assert!(KeepnetRole::parse_option("admin").unwrap_err().reason.contains("company-admin"));
    }

    #[test]
    fn training_types_parse_as_numbers_and_names() {
        assert_eq!(EnrollmentType::parse_training_type("0").unwrap(), EnrollmentType::Survey);
        assert_eq!(EnrollmentType::parse_training_type("LearningPath").unwrap(), EnrollmentType::LearningPath);
        assert_eq!(EnrollmentType::parse_training_type("learning path").unwrap(), EnrollmentType::LearningPath);
        assert_eq!(EnrollmentType::parse_training_type("Training").unwrap(), EnrollmentType::Scorm);
        assert!(EnrollmentType::parse_training_type("9").is_err());
        assert!(EnrollmentType::parse_training_type("Webinar").is_err());
    }

    #[test]
    fn filter_items_resolve_fields_in_any_case_and_check_values() {
        let item = FilterItem::resolve(fields::SENDING_REPORT, "EMAIL", Operator::parse("contains").unwrap(), Some("acme")).unwrap();
        assert_eq!(item.field.name, "email");
        assert_eq!(item.value, FilterValue::Text("acme".into()));
        let unknown = FilterItem::resolve(fields::SENDING_REPORT, "salary", Operator::Equals, Some("1")).unwrap_err();
        assert!(unknown.reason.contains("'salary'") && unknown.reason.contains("lastSendingStatus"), "{}", unknown.reason);
        assert!(FilterItem::resolve(fields::SENDING_REPORT, "firstSendDate", Operator::Contains, Some("x")).is_err());
        assert!(FilterItem::resolve(fields::SENDING_REPORT, "firstSendDate", Operator::GreaterThan, Some("yesterday")).is_err());
        let after =
            FilterItem::resolve(fields::SENDING_REPORT, "firstSendDate", Operator::parse(">=").unwrap(), Some("2026-12-01")).unwrap();
        assert_eq!(after.value, FilterValue::Time(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_time(chrono::NaiveTime::MIN)));
        assert!(FilterItem::resolve(fields::SENDING_REPORT, "targetUserIsDeleted", Operator::LessThan, Some("true")).is_err());
        assert!(FilterItem::resolve(fields::SENDING_REPORT, "email", Operator::Equals, None).is_err());
        assert_eq!(FilterItem::resolve(fields::SENDING_REPORT, "email", Operator::IsEmpty, None).unwrap().value, FilterValue::None);
        assert!(Operator::parse("like").unwrap_err().reason.contains("Contains"));
    }

    #[test]
    fn pages_count_from_one_within_bounds() {
        assert_eq!(PageRequest::parse(None, None).unwrap(), PageRequest { number: 1, size: 10 });
        assert_eq!(PageRequest::parse(Some(3), Some(20)).unwrap().offset(), 40);
        assert_eq!(PageRequest::parse(Some(0), None).unwrap_err().0, "pageNumber");
        assert_eq!(PageRequest::parse(None, Some(0)).unwrap_err().0, "pageSize");
        assert_eq!(PageRequest::parse(None, Some(MAX_PAGE_SIZE + 1)).unwrap_err().0, "pageSize");
    }

    #[test]
    fn reminder_plans_need_their_end() {
        let plan = ReminderPlan {
            period_count: 2,
            period: ReminderPeriod::Week,
            end: ReminderEnd::AfterOccurrences,
            occurrences: Some(3),
            stop_time: None,
        };
        assert_eq!(plan.check().unwrap().describe(), "Every 2 Week(s), 3 times");
        assert_eq!(ReminderPlan { occurrences: None, ..plan }.check().unwrap_err().0, "occurrenceCount");
        assert_eq!(ReminderPlan { end: ReminderEnd::OnDate, ..plan }.check().unwrap_err().0, "stopTime");
        assert_eq!(ReminderPlan { period_count: 0, ..plan }.check().unwrap_err().0, "periodCount");
    }

    #[test]
    fn reminders_fall_every_period_until_the_plan_or_due_date_ends() {
        let at = |d: u32, h: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let start = at(1, 9);
        let daily =
            ReminderPlan { period_count: 2, period: ReminderPeriod::Day, end: ReminderEnd::Never, occurrences: None, stop_time: None };
        assert_eq!(daily.due_occurrence(start, None, at(3, 8)), None, "the first falls two days after the start");
        assert_eq!(daily.due_occurrence(start, None, at(3, 9)), Some((1, at(3, 9))));
        assert_eq!(daily.due_occurrence(start, None, at(8, 0)), Some((3, at(7, 9))), "missed ones are not sent late");
        let counted = ReminderPlan { end: ReminderEnd::AfterOccurrences, occurrences: Some(2), ..daily };
        assert_eq!(counted.due_occurrence(start, None, at(20, 0)), Some((2, at(5, 9))), "the second is the last");
        let dated = ReminderPlan { end: ReminderEnd::OnDate, stop_time: Some(at(6, 0)), ..daily };
        assert_eq!(dated.due_occurrence(start, None, at(20, 0)), Some((2, at(5, 9))));
        assert_eq!(daily.due_occurrence(start, Some(at(4, 0)), at(20, 0)), Some((1, at(3, 9))), "none after the due date");
        assert_eq!(daily.due_occurrence(start, Some(at(2, 0)), at(20, 0)), None);
        let monthly = ReminderPlan { period: ReminderPeriod::Month, period_count: 1, ..daily };
        let end_of_january = chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let march = chrono::NaiveDate::from_ymd_opt(2027, 3, 30).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(
            monthly.due_occurrence(end_of_january, None, march),
            Some((1, chrono::NaiveDate::from_ymd_opt(2027, 2, 28).unwrap().and_hms_opt(9, 0, 0).unwrap()))
        );
    }

    #[test]
    fn statuses_follow_the_canonical_state() {
        assert_eq!(user_status("not_started", 0, false), "Not Responded");
        assert_eq!(user_status("not_started", 0, true), "Opened Email");
        assert_eq!(user_status("in_progress", 40, true), "In Progress");
        assert_eq!(user_status("passed", 100, true), "Completed");
        assert_eq!(exam_status("failed", 100), "Exam Failed");
        assert_eq!(exam_status("not_started", 0), "Not Started");
        assert!(ExportType::parse("XLSX").is_ok() && ExportType::parse("csv").is_ok() && ExportType::parse("PDF").is_err());
        assert!(is_company_resource_id("xC5kfGz7w2Nz") && !is_company_resource_id("xC5kfGz7w2N-"));
    }
}
