//! The answers' shapes, keyed as the seed keys them, and its display formats: days as
//! `Aug 09, 2020`, moments as ISO-8601 with microseconds, `Never` for a time that has not come,
//! `""` for one not reached yet, activity times as `Aug 03, 2020 10:00 AM`.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Role;
use crate::domain::activity::Verb;
use crate::service::progress::{ActivityView, CourseLearners, LearnerView, ModuleView, ProgressView};

/// `Aug 09, 2020`.
pub fn day(at: NaiveDate) -> String {
    at.format("%b %d, %Y").to_string()
}

/// A day, or `text` when there is none.
fn day_or(at: Option<NaiveDate>, text: &str) -> String {
    at.map_or_else(|| text.to_string(), day)
}

/// `2020-08-03T10:00:00.000000Z`.
pub fn iso(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// `Aug 03, 2020 10:00 AM`.
pub fn moment(at: NaiveDateTime) -> String {
    at.format("%b %d, %Y %I:%M %p").to_string()
}

/// How the user lists name a user's kind, and its raw word.
fn user_type(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Learner => ("Learner", "learner"),
        Role::AccountOwner => ("Owner", "owner"),
        Role::AccountAdministrator => ("Admin", "admin"),
        _ => ("Staff", "staff"),
    }
}

/// A learner of a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerRecord {
    /// The enrollment (course registration).
    id: i64,
    user_id: i64,
    first_name: String,
    last_name: String,
    /// Not Started, In Progress or Completed.
    status: &'static str,
    display_status: &'static str,
    #[serde(rename = "percentComplete")]
    percent_complete: i16,
    /// Allowed or Revoked.
    access_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    /// The last day of access, or Never.
    expire_on: String,
    last_accessed_on: String,
    certificate_count: i64,
    user_type: &'static str,
    raw_user_type: &'static str,
}

impl From<LearnerView> for LearnerRecord {
    fn from(view: LearnerView) -> Self {
        let (user_type, raw_user_type) = user_type(view.role);
        LearnerRecord {
            id: view.enrollment_id,
            user_id: view.user_id,
            first_name: view.first_name,
            last_name: view.last_name,
            status: view.status.as_str(),
            display_status: view.status.as_str(),
            percent_complete: view.percent_complete,
            access_status: view.access.as_str(),
            registered_on: day(view.registered_at.date()),
            started_on: view.started_at.map_or_else(String::new, |at| day(at.date())),
            completed_on: view.completed_at.map_or_else(String::new, |at| day(at.date())),
            expire_on: day_or(view.expires_on, "Never"),
            last_accessed_on: day_or(view.last_accessed_at.map(|at| at.date()), "Never"),
            certificate_count: i64::from(view.certificate.is_some()),
            user_type,
            raw_user_type,
        }
    }
}

/// A course's learners: the totals by status, how many match, and a page of them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrolledLearners {
    course_name: String,
    records_total: i64,
    total_not_started: i64,
    total_in_progress: i64,
    total_completed: i64,
    records_filtered: i64,
    records: Vec<LearnerRecord>,
}

impl From<CourseLearners> for EnrolledLearners {
    fn from(learners: CourseLearners) -> Self {
        EnrolledLearners {
            course_name: learners.course_name,
            records_total: learners.totals.all(),
            total_not_started: learners.totals.not_started,
            total_in_progress: learners.totals.in_progress,
            total_completed: learners.totals.completed,
            records_filtered: learners.filtered,
            records: learners.learners.into_iter().map(LearnerRecord::from).collect(),
        }
    }
}

/// A `{"message"}` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

/// How an enrollment call went.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollAnswer {
    pub message: String,
    pub enrolled_users_count: usize,
    pub not_enrolled_users: usize,
}

/// Time spent, split.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeSpent {
    hours: i64,
    minutes: i64,
    seconds: i64,
    total_seconds: i64,
}

impl TimeSpent {
    fn of(total: i64) -> TimeSpent {
        TimeSpent { hours: total / 3600, minutes: total % 3600 / 60, seconds: total % 60, total_seconds: total }
    }
}

/// The icon the module lists show for a module's kind.
fn icon(kind: &str) -> &'static str {
    match kind {
        "text" => "<i class=\"el-icon-tickets\"></i>",
        "assignment" => "<i class=\"el-icon-edit-outline\"></i>",
        "video" => "<i class=\"el-icon-video-camera\"></i>",
        "pdf" => "<i class=\"el-icon-document\"></i>",
        "powerpoint" => "<i class=\"el-icon-data-board\"></i>",
        "flashcards" => "<i class=\"el-icon-copy-document\"></i>",
        "scorm" => "<i class=\"el-icon-box\"></i>",
        "quiz" => "<i class=\"el-icon-question\"></i>",
        "discussion" => "<i class=\"el-icon-chat-dot-round\"></i>",
        "survey" => "<i class=\"el-icon-s-data\"></i>",
        _ => "<i class=\"el-icon-video-play\"></i>",
    }
}

/// A module with one learner's progress through it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleRecord {
    module_id: i64,
    name: String,
    slug: String,
    #[serde(rename = "type")]
    kind: String,
    icon: &'static str,
    /// The progress row, or -1 while the learner has none.
    status_row_id: i64,
    status: &'static str,
    started_on: Option<String>,
    completed_on: Option<String>,
    last_accessed_on: Option<String>,
    total_time_spent: Option<TimeSpent>,
    completion_percentage: i16,
    no_of_times_accessed: i32,
    #[serde(rename = "totalMarks")]
    total_marks: Option<i32>,
    #[serde(rename = "obtainedMarks")]
    obtained_marks: Option<i32>,
}

impl From<ModuleView> for ModuleRecord {
    fn from(view: ModuleView) -> Self {
        let completed = view.status == crate::domain::progress::ModuleStatus::Completed;
        ModuleRecord {
            module_id: view.module_id,
            name: view.name,
            slug: view.slug,
            icon: icon(&view.kind),
            kind: view.kind,
            status_row_id: view.status_row_id.unwrap_or(-1),
            status: view.status.as_str(),
            started_on: view.started_at.map(iso),
            completed_on: view.completed_at.map(iso),
            last_accessed_on: view.last_accessed_at.map(iso),
            total_time_spent: view.time_spent_seconds.filter(|s| *s > 0).map(TimeSpent::of),
            completion_percentage: if completed { 100 } else { 0 },
            no_of_times_accessed: view.times_accessed,
            total_marks: view.total_marks,
            obtained_marks: view.obtained_marks,
        }
    }
}

/// One enrollment's progress through its course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseProgress {
    /// The enrollment (course registration).
    id: i64,
    name: String,
    course_id: i64,
    #[serde(rename = "userId")]
    user_id: i64,
    #[serde(rename = "userName")]
    user_name: String,
    #[serde(rename = "featuredImageUrl")]
    featured_image_url: Option<String>,
    status: &'static str,
    #[serde(rename = "completionPercentage")]
    completion_percentage: i16,
    #[serde(rename = "enrollmentDate")]
    enrollment_date: String,
    #[serde(rename = "expiryDate")]
    expiry_date: Option<String>,
    #[serde(rename = "completionDate")]
    completion_date: Option<String>,
    #[serde(rename = "startDate")]
    start_date: Option<String>,
    #[serde(rename = "lastAccessed")]
    last_accessed: Option<String>,
    modules: Vec<ModuleRecord>,
    #[serde(rename = "hasSection")]
    has_section: bool,
}

impl From<ProgressView> for CourseProgress {
    fn from(view: ProgressView) -> Self {
        CourseProgress {
            id: view.enrollment_id,
            name: view.course_name,
            course_id: view.course_id,
            user_id: view.user_id,
            user_name: view.user_name,
            featured_image_url: view.featured_image_url,
            status: view.status.as_str(),
            completion_percentage: view.percent_complete,
            enrollment_date: iso(view.enrolled_at),
            expiry_date: view.expires_on.map(|day| iso(day.and_time(chrono::NaiveTime::MIN))),
            completion_date: view.completed_at.map(iso),
            start_date: view.started_at.map(iso),
            last_accessed: view.last_accessed_at.map(iso),
            modules: view.modules.into_iter().map(ModuleRecord::from).collect(),
            has_section: false,
        }
    }
}

/// An entry of a course's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityRecord {
    id: i64,
    verb: &'static str,
    created_at: String,
    message: String,
    student: String,
}

impl From<ActivityView> for ActivityRecord {
    fn from(view: ActivityView) -> Self {
        ActivityRecord {
            id: view.id,
            verb: view.verb.display(),
            created_at: moment(view.at),
            message: view.sentence,
            student: view.learner,
        }
    }
}

/// A page of a course's activity.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseActivities {
    pub course_name: String,
    pub featured_image: Option<String>,
    pub records_total: i64,
    pub records_filtered: i64,
    pub records: Vec<ActivityRecord>,
}

/// An option of a dropdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupOption {
    db_value: &'static str,
    display_value: &'static str,
}

/// The options of a lookup of words.
pub fn lookup(words: impl IntoIterator<Item = (&'static str, &'static str)>) -> Vec<LookupOption> {
    words.into_iter().map(|(db_value, display_value)| LookupOption { db_value, display_value }).collect()
}

/// The activity verbs as the lookups list them.
pub fn verbs(verbs: &[Verb]) -> Vec<LookupOption> {
    lookup(verbs.iter().map(|verb| (verb.as_str(), verb.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_formats_are_the_seeds() {
        let at = NaiveDate::from_ymd_opt(2020, 8, 3).unwrap().and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(day(NaiveDate::from_ymd_opt(2020, 8, 9).unwrap()), "Aug 09, 2020");
        assert_eq!(iso(at), "2020-08-03T10:00:00.000000Z");
        assert_eq!(moment(at), "Aug 03, 2020 10:00 AM");
        assert_eq!(day_or(None, "Never"), "Never");
        let spent = serde_json::to_value(TimeSpent::of(3725)).unwrap();
        assert_eq!(spent, serde_json::json!({"hours": 1, "minutes": 2, "seconds": 5, "totalSeconds": 3725}));
    }
}
