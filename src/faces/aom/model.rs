//! The answers' shapes, keyed as the seed keys them, and its display formats: days as
//! `Aug 09, 2020`, moments as ISO-8601 with microseconds, `Never` for a time that has not come,
//! `""` for one not reached yet, activity times as `Aug 03, 2020 10:00 AM`.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Role;
use crate::domain::activity::Verb;
use crate::domain::progress::PathStage;
use crate::service::paths::{OfferedPath, PathLaunch, PathLearners, PathReport, PathTotals, UserPaths};
use crate::service::portals::{Catalog, PortalDetails, PortalSeats, PortalUser};
use crate::service::progress::{
    ActivityView, AttendanceReport, CertificateView, CourseInfo, CourseLearners, CourseOverview, CourseReport, Dashboard, LearnerView,
    ModuleView, ProgressView,
};
use crate::store::progress::WebinarRegistrationRow;

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
            expiry_date: view.expires_at.map(iso),
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

/// `03 Aug 2020`.
pub fn short_day(at: NaiveDate) -> String {
    at.format("%d %b %Y").to_string()
}

/// `22-02-2022`.
pub fn dashed_day(at: NaiveDate) -> String {
    at.format("%d-%m-%Y").to_string()
}

/// How long ago, as Laravel's Carbon says it: `6 days ago`; `Never` for no time.
pub fn ago(at: Option<NaiveDateTime>, now: NaiveDateTime) -> String {
    let Some(at) = at else { return "Never".into() };
    let seconds = (now - at).num_seconds().max(0);
    let (count, unit) = match seconds {
        s if s < 60 => (s.max(1), "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s if s < 7 * 86_400 => (s / 86_400, "day"),
        s if s < 30 * 86_400 => (s / (7 * 86_400), "week"),
        s if s < 365 * 86_400 => (s / (30 * 86_400), "month"),
        s => (s / (365 * 86_400), "year"),
    };
    format!("{count} {unit}{} ago", if count == 1 { "" } else { "s" })
}

/// `2 hours`, `45 minutes`, `1 hour 30 minutes`; none for no estimate.
pub fn duration(minutes: Option<i32>) -> Option<String> {
    let minutes = minutes?;
    let plural = |n: i32, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    Some(match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    })
}

/// `00:20:05`.
pub fn clock(seconds: i64) -> String {
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds % 3600 / 60, seconds % 60)
}

/// A whole number, or a text: days left, or "Unlimited days".
fn days_or_text() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["Unlimited days"])))
        .description(Some("Days left, or \"Unlimited days\" when access never ends"))
        .build()
        .into()
}

/// Time spent split up, or "" before any.
fn time_or_blank() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    let number = || ObjectBuilder::new().schema_type(Type::Integer);
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("hours", number())
                .property("minutes", number())
                .property("seconds", number())
                .property("totalSeconds", number())
                .required("hours")
                .required("minutes")
                .required("seconds")
                .required("totalSeconds"),
        )
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some([""])))
        .description(Some("{hours, minutes, seconds, totalSeconds}, or \"\" before any time is spent"))
        .build()
        .into()
}

/// Days until access ends (none: "Unlimited days").
fn days_to_expire(expires_on: Option<NaiveDate>, today: NaiveDate) -> serde_json::Value {
    match expires_on {
        Some(day) => (day - today).num_days().max(0).into(),
        None => "Unlimited days".into(),
    }
}

/// A module in the gradebook: times not reached are `""`, an access not made `Never`.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradebookModule {
    module_id: i64,
    name: String,
    slug: String,
    #[serde(rename = "type")]
    kind: String,
    icon: &'static str,
    status_row_id: i64,
    status: &'static str,
    started_on: String,
    completed_on: String,
    last_accessed_on: String,
    #[schema(schema_with = time_or_blank)]
    total_time_spent: serde_json::Value,
    points_awarded: String,
    completion_percentage: i16,
    no_of_times_accessed: i32,
    #[serde(rename = "totalMarks")]
    total_marks: Option<i32>,
    #[serde(rename = "obtainedMarks")]
    obtained_marks: Option<i32>,
}

fn gradebook_module(view: ModuleView, now: NaiveDateTime) -> GradebookModule {
    let completed = view.status == crate::domain::progress::ModuleStatus::Completed;
    GradebookModule {
        module_id: view.module_id,
        name: view.name,
        slug: view.slug,
        icon: icon(&view.kind),
        kind: view.kind,
        status_row_id: view.status_row_id.unwrap_or(-1),
        status: view.status.as_str(),
        started_on: view.started_at.map(iso).unwrap_or_default(),
        completed_on: view.completed_at.map(iso).unwrap_or_default(),
        last_accessed_on: ago(view.last_accessed_at, now),
        total_time_spent: view
            .time_spent_seconds
            .filter(|s| *s > 0)
            .map_or_else(|| "".into(), |s| serde_json::to_value(TimeSpent::of(s)).expect("time serializes")),
        points_awarded: String::new(),
        completion_percentage: if completed { 100 } else { 0 },
        no_of_times_accessed: view.times_accessed,
        total_marks: view.total_marks,
        obtained_marks: view.obtained_marks,
    }
}

/// An enrollment's gradebook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gradebook {
    name: String,
    modules: Vec<GradebookModule>,
    id: i64,
    user_id: i64,
    featured_image_url: Option<String>,
    instructions: Option<String>,
    access_status: &'static str,
    status: &'static str,
    completion_percentage: i16,
    time_spent: TimeSpent,
    /// `03 Aug 2020`.
    enrollment_date: String,
    is_expired: bool,
    #[schema(schema_with = days_or_text)]
    days_to_expire: serde_json::Value,
    last_accessed: String,
    is_certificate_available: bool,
    total_marks: i64,
    obtained_marks: i64,
    percentage: i64,
}

impl Gradebook {
    pub fn of(view: ProgressView, now: NaiveDateTime) -> Gradebook {
        let total_marks: i64 = view.modules.iter().filter_map(|m| m.total_marks).map(i64::from).sum();
        let obtained_marks: i64 = view.modules.iter().filter_map(|m| m.obtained_marks).map(i64::from).sum();
        Gradebook {
            name: view.course_name,
            id: view.enrollment_id,
            user_id: view.user_id,
            featured_image_url: view.featured_image_url,
            instructions: view.instructions,
            access_status: view.access.as_str(),
            status: view.status.as_str(),
            completion_percentage: view.percent_complete,
            time_spent: TimeSpent::of(view.time_spent_seconds),
            enrollment_date: short_day(view.enrolled_at.date()),
            is_expired: view.expires_on.is_some_and(|day| day < now.date()),
            days_to_expire: days_to_expire(view.expires_on, now.date()),
            last_accessed: ago(view.last_accessed_at, now),
            is_certificate_available: view.certificate_available,
            total_marks,
            obtained_marks,
            percentage: if total_marks > 0 { obtained_marks * 100 / total_marks } else { 0 },
            modules: view.modules.into_iter().map(|m| gradebook_module(m, now)).collect(),
        }
    }
}

/// A course as a launch opens it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Launch {
    name: String,
    id: i64,
    instructions: Option<String>,
    rating: Option<f64>,
    enable_course_rating: bool,
    access_status: &'static str,
    status: &'static str,
    #[serde(rename = "display_status")]
    display_status: &'static str,
    completion_percentage: i16,
    /// `00:20:05`.
    time_spent: String,
    /// `22-02-2022`.
    enrollment_date: String,
    is_expired: bool,
    last_accessed: String,
    estimated_completion_time: Option<String>,
    /// `22-02-2022`, or Never.
    expire_on: String,
    modules: Vec<GradebookModule>,
    #[schema(schema_with = days_or_text)]
    days_to_expire: serde_json::Value,
}

impl Launch {
    /// The launch page, with only the modules named (all when none are).
    pub fn of(view: ProgressView, modules: &[i64], now: NaiveDateTime) -> Launch {
        Launch {
            name: view.course_name,
            id: view.enrollment_id,
            instructions: view.instructions,
            rating: None,
            enable_course_rating: false,
            access_status: view.access.as_str(),
            status: view.status.as_str(),
            display_status: view.status.as_str(),
            completion_percentage: view.percent_complete,
            time_spent: clock(view.time_spent_seconds),
            enrollment_date: dashed_day(view.enrolled_at.date()),
            is_expired: view.expires_on.is_some_and(|day| day < now.date()),
            last_accessed: ago(view.last_accessed_at, now),
            estimated_completion_time: duration(view.estimated_minutes),
            expire_on: view.expires_on.map_or_else(|| "Never".into(), dashed_day),
            days_to_expire: days_to_expire(view.expires_on, now.date()),
            modules: view
                .modules
                .into_iter()
                .filter(|m| modules.is_empty() || modules.contains(&m.module_id))
                .map(|m| gradebook_module(m, now))
                .collect(),
        }
    }
}

/// A module of a course's information page.
#[derive(Debug, Serialize, ToSchema)]
pub struct InfoModule {
    module_id: i64,
    name: String,
    slug: String,
    #[serde(rename = "type")]
    kind: String,
    icon: String,
    display_type: String,
    last_accessed_on: String,
    status: &'static str,
    display_status: &'static str,
    completion_percentage: i16,
    #[serde(rename = "estimatedCompletion_time")]
    estimated_completion_time: Option<String>,
}

/// A course's information for a user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseInfoAnswer {
    name: String,
    modules: Vec<InfoModule>,
    webinar_list: Vec<InfoWebinar>,
    #[schema(value_type = Vec<Object>)]
    learning_resources: Vec<serde_json::Value>,
}

/// A webinar of a course, and whether the user is registered for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InfoWebinar {
    id: i64,
    name: String,
    start_date: String,
    end_date: String,
    description: Option<String>,
    duration: Option<String>,
    is_registered: bool,
}

impl CourseInfoAnswer {
    pub fn of(info: CourseInfo, now: NaiveDateTime) -> CourseInfoAnswer {
        let enrolled = info.enrolled.is_some();
        CourseInfoAnswer {
            name: info.name,
            modules: info
                .modules
                .into_iter()
                .map(|m| {
                    let status = if enrolled { m.status.as_str() } else { "Not Enrolled" };
                    let display_type = {
                        let mut chars = m.kind.chars();
                        chars.next().map(|first| first.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
                    };
                    InfoModule {
                        module_id: m.module_id,
                        icon: icon(&m.kind).trim_start_matches("<i class=\"").trim_end_matches("\"></i>").to_string(),
                        name: m.name,
                        slug: m.slug,
                        display_type,
                        last_accessed_on: ago(m.last_accessed_at, now),
                        status,
                        display_status: status,
                        completion_percentage: if m.status == crate::domain::progress::ModuleStatus::Completed { 100 } else { 0 },
                        estimated_completion_time: None,
                        kind: m.kind,
                    }
                })
                .collect(),
            webinar_list: info
                .webinars
                .into_iter()
                .map(|(w, is_registered)| InfoWebinar {
                    id: w.id,
                    name: w.name,
                    start_date: iso(w.starts_at),
                    end_date: iso(w.ends_at),
                    description: None,
                    duration: duration(i32::try_from((w.ends_at - w.starts_at).num_minutes()).ok().filter(|m| *m > 0)),
                    is_registered,
                })
                .collect(),
            learning_resources: Vec::new(),
        }
    }
}

/// A user found by the enrolled-user lookup.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOption {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// One of a user's enrolled courses.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserCourseRecord {
    /// The enrollment (course registration).
    id: i64,
    #[serde(rename = "courseId")]
    course_id: i64,
    #[serde(rename = "courseSlug")]
    course_slug: String,
    #[serde(rename = "courseName")]
    course_name: String,
    #[serde(rename = "lastAccessed")]
    last_accessed: String,
    status: &'static str,
    display_status: &'static str,
    #[serde(rename = "accessStatus")]
    access_status: &'static str,
    #[serde(rename = "percentComplete")]
    percent_complete: i16,
    #[serde(rename = "courseStatus")]
    course_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    expire_on: String,
    #[serde(rename = "isExpired")]
    is_expired: bool,
    #[serde(rename = "canRecertify")]
    can_recertify: bool,
    #[serde(rename = "estimatedCompletionTime")]
    estimated_completion_time: Option<String>,
    certificate_count: i64,
    #[serde(rename = "enableCourseRating")]
    enable_course_rating: bool,
    rating: Option<f64>,
}

/// A user's enrolled courses.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserCourses {
    records_total: i64,
    records_filtered: i64,
    records: Vec<UserCourseRecord>,
    name: String,
    user_type: &'static str,
    is_learner: bool,
}

impl UserCourses {
    pub fn of(courses: crate::service::progress::UserCourses, now: NaiveDateTime) -> UserCourses {
        let (_, raw) = user_type(courses.role);
        UserCourses {
            records_total: courses.totals.all(),
            records_filtered: courses.filtered,
            name: courses.name,
            user_type: raw,
            is_learner: courses.role == Role::Learner,
            records: courses
                .courses
                .into_iter()
                .map(|view| UserCourseRecord {
                    id: view.enrollment_id,
                    course_id: view.course_id,
                    course_slug: view.course_slug.clone(),
                    course_name: view.course_title.clone(),
                    last_accessed: ago(view.last_accessed_at, now),
                    status: view.status.as_str(),
                    display_status: view.status.as_str(),
                    access_status: view.access.as_str(),
                    percent_complete: view.percent_complete,
                    course_status: "publish",
                    registered_on: day(view.registered_at.date()),
                    started_on: view.started_at.map_or_else(String::new, |at| day(at.date())),
                    completed_on: view.completed_at.map_or_else(String::new, |at| day(at.date())),
                    expire_on: day_or(view.expires_on, "Never"),
                    is_expired: view.expires_on.is_some_and(|d| d < now.date()),
                    can_recertify: false,
                    estimated_completion_time: duration(view.estimated_minutes),
                    certificate_count: i64::from(view.certificate.is_some()),
                    enable_course_rating: false,
                    rating: None,
                })
                .collect(),
        }
    }
}

/// A certificate a user holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateRecord {
    /// The certificate's row: its dates are changed by this id.
    id: i64,
    title: String,
    /// `2023-08-01`.
    issued_at: String,
    valid_till: Option<String>,
    issuer: String,
    /// active or expired.
    status: &'static str,
}

impl CertificateRecord {
    pub fn of(view: CertificateView, issuer: &str, now: NaiveDateTime) -> CertificateRecord {
        CertificateRecord {
            id: view.id,
            title: view.title,
            issued_at: view.issued_at.date().to_string(),
            valid_till: view.expires_at.map(|at| at.date().to_string()),
            issuer: issuer.to_string(),
            status: if view.expires_at.is_some_and(|at| at < now) { "expired" } else { "active" },
        }
    }
}

/// An entry of a user's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserActivityRecord {
    id: i64,
    verb: &'static str,
    created_at: String,
    message: String,
    course: String,
}

impl From<ActivityView> for UserActivityRecord {
    fn from(view: ActivityView) -> Self {
        UserActivityRecord {
            id: view.id,
            verb: view.verb.display(),
            created_at: moment(view.at),
            message: view.sentence,
            course: view.course,
        }
    }
}

/// A page of a user's activity.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserActivities {
    pub records_total: i64,
    pub records_filtered: i64,
    pub records: Vec<UserActivityRecord>,
}

/// A user's dashboard.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardAnswer {
    total_courses: i64,
    completed_courses: i64,
    in_progress_courses: i64,
    not_started_courses: i64,
    /// Hours spent learning, whole.
    time_spent: i64,
}

impl From<Dashboard> for DashboardAnswer {
    fn from(d: Dashboard) -> Self {
        DashboardAnswer {
            total_courses: d.totals.all(),
            completed_courses: d.totals.completed,
            in_progress_courses: d.totals.in_progress,
            not_started_courses: d.totals.not_started,
            time_spent: d.time_spent_seconds / 3600,
        }
    }
}

/// The auto-enroll answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notice {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
}

/// A portal's details.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalDetailsAnswer {
    id: i64,
    portal_name: String,
    portal_slug: String,
    parent_portal_id: Option<i64>,
    referral_code: Option<String>,
    seat_access: Option<String>,
    access_permission: Option<String>,
    expiry_message: Option<String>,
    total_seats: Option<i32>,
    total_seat_access: Option<i32>,
    /// `30-Dec-2025`.
    expiry_date: Option<String>,
    brand_color: Option<String>,
    body_background_color: Option<String>,
    body_text_color: Option<String>,
    header_background_color: Option<String>,
    selected_primary_language: Option<String>,
    custom_style: Option<String>,
    custom_font: Option<String>,
    custom_code: Option<String>,
    is_active: bool,
    total_portal_admins: i64,
    total_learner: i64,
    used_seats: i64,
    available_seats: Option<i64>,
    sub_portal_count: i64,
    parent_portal_slug: Option<String>,
    parent_portal_name: Option<String>,
    portal_custom_domain_enabled: bool,
    public_selected_courses: Vec<i64>,
    private_selected_courses: Vec<i64>,
    selected_public_learning_paths: Vec<i64>,
    selected_public_learning_path_names: Vec<String>,
    selected_private_learning_paths: Vec<i64>,
    selected_private_learning_path_names: Vec<String>,
    selected_private_membership: Option<i64>,
    selected_private_membership_name: Option<String>,
    selected_content: SelectedContent,
    learner_dashboard: Option<String>,
}

/// What a portal's catalog holds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectedContent {
    public_course_ids: Vec<i64>,
    private_course_ids: Vec<i64>,
    public_learning_path_ids: Vec<i64>,
    public_learning_path_names: Vec<String>,
    private_learning_path_ids: Vec<i64>,
    private_learning_path_names: Vec<String>,
    private_membership_id: Option<i64>,
    private_membership_name: Option<String>,
}

impl From<PortalDetails> for PortalDetailsAnswer {
    fn from(d: PortalDetails) -> Self {
        let p = d.portal;
        let public: Vec<i64> = d.courses.iter().filter(|(_, public)| *public).map(|(c, _)| *c).collect();
        let private: Vec<i64> = d.courses.iter().filter(|(_, public)| !*public).map(|(c, _)| *c).collect();
        PortalDetailsAnswer {
            id: p.id,
            portal_name: p.name,
            portal_slug: p.slug,
            parent_portal_id: p.parent_id,
            referral_code: p.referral_code,
            seat_access: p.seat_access,
            access_permission: p.access_permission,
            expiry_message: p.expiry_message,
            total_seats: p.total_seats,
            total_seat_access: p.total_seats,
            expiry_date: p.expires_at.map(|at| at.format("%d-%b-%Y").to_string()),
            brand_color: p.brand_color,
            body_background_color: p.body_background_color,
            body_text_color: p.body_text_color,
            header_background_color: p.header_background_color,
            selected_primary_language: p.primary_language,
            custom_style: p.custom_style,
            custom_font: p.custom_font,
            custom_code: p.custom_code,
            is_active: p.is_active,
            total_portal_admins: d.admins,
            total_learner: d.learners,
            used_seats: d.learners,
            available_seats: p.total_seats.map(|seats| (i64::from(seats) - d.learners).max(0)),
            sub_portal_count: d.sub_portals,
            parent_portal_slug: d.parent.as_ref().map(|(slug, _)| slug.clone()),
            parent_portal_name: d.parent.map(|(_, name)| name),
            portal_custom_domain_enabled: false,
            public_selected_courses: public.clone(),
            private_selected_courses: private.clone(),
            selected_public_learning_paths: Vec::new(),
            selected_public_learning_path_names: Vec::new(),
            selected_private_learning_paths: Vec::new(),
            selected_private_learning_path_names: Vec::new(),
            selected_private_membership: None,
            selected_private_membership_name: None,
            selected_content: SelectedContent {
                public_course_ids: public,
                private_course_ids: private,
                public_learning_path_ids: Vec::new(),
                public_learning_path_names: Vec::new(),
                private_learning_path_ids: Vec::new(),
                private_learning_path_names: Vec::new(),
                private_membership_id: None,
                private_membership_name: None,
            },
            learner_dashboard: p.learner_dashboard.map(|page| page.to_string()),
        }
    }
}

/// A portal in a lookup.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalOption {
    id: i64,
    name: String,
    total_seats: Option<i32>,
    used_seat: i64,
    available_seats: Option<i64>,
}

impl From<PortalSeats> for PortalOption {
    fn from(p: PortalSeats) -> Self {
        PortalOption {
            id: p.id,
            name: p.name,
            total_seats: p.total,
            used_seat: p.used,
            available_seats: p.total.map(|seats| (i64::from(seats) - p.used).max(0)),
        }
    }
}

/// Learners by status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    not_started: i64,
    in_progress: i64,
    completed: i64,
    total: i64,
}

impl Stats {
    pub fn of(not_started: i64, in_progress: i64, completed: i64) -> Stats {
        Stats { not_started, in_progress, completed, total: not_started + in_progress + completed }
    }
}

/// A course of a portal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalCourseRecord {
    pub id: i64,
    pub course_id: i64,
    pub portal_id: i64,
    pub name: String,
    pub last24h_count: i64,
    pub stats: Stats,
}

/// A page of a portal's courses.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalCourses {
    pub portal_name: String,
    pub records_total: i64,
    pub records_filtered: i64,
    pub records: Vec<PortalCourseRecord>,
}

/// A user of a portal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalUserRecord {
    id: i64,
    first_name: String,
    last_name: String,
    user_type: &'static str,
    stats: Stats,
    status: &'static str,
    last_login: String,
    created_by: String,
    /// `2023-10-01 12:00:00`.
    created_at: String,
    portals: String,
    portal_name_for_admins: String,
    portal_user_type: &'static str,
    #[serde(rename = "is_learner")]
    is_learner: bool,
    user_category: String,
    permissions_display_names: String,
    permissions_names: Vec<String>,
}

impl PortalUserRecord {
    pub fn of(user: PortalUser, portal_name: &str) -> PortalUserRecord {
        let (not_started, in_progress, completed) = user.stats;
        let role: Role = user.row.role.parse().unwrap_or(Role::Learner);
        PortalUserRecord {
            id: user.row.id,
            first_name: user.row.first_name.unwrap_or_default(),
            last_name: user.row.last_name.unwrap_or_default(),
            user_type: user_type(role).1,
            stats: Stats::of(not_started, in_progress, completed),
            status: if user.row.is_active { "active" } else { "inactive" },
            last_login: "Never".into(),
            created_by: String::new(),
            created_at: user.row.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            portals: user.portals.join(", "),
            portal_name_for_admins: if user.row.is_admin { portal_name.to_string() } else { String::new() },
            portal_user_type: if user.row.is_admin { "portal_admin" } else { "learner" },
            is_learner: user.row.is_learner,
            user_category: String::new(),
            permissions_display_names: String::new(),
            permissions_names: Vec::new(),
        }
    }
}

/// A page of a portal's users.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalUsers {
    pub portal_name: String,
    pub records_total: i64,
    pub records_filtered: i64,
    pub record_ids_filtered: Vec<i64>,
    pub records: Vec<PortalUserRecord>,
}

/// A learner of a learning path.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathLearnerRecord {
    /// The learning-path enrollment.
    id: i64,
    user_id: i64,
    first_name: String,
    last_name: String,
    status: &'static str,
    display_status: &'static str,
    #[serde(rename = "percentComplete")]
    percent_complete: i16,
    access_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    expire_on: String,
    last_accessed_on: String,
    certificate_count: i64,
    user_type: &'static str,
    raw_user_type: &'static str,
}

/// A learning path's learners.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathStudents {
    learning_path_name: String,
    records_total: i64,
    total_not_started: i64,
    total_in_progress: i64,
    total_completed: i64,
    records_filtered: i64,
    records: Vec<PathLearnerRecord>,
}

impl From<PathLearners> for PathStudents {
    fn from(p: PathLearners) -> Self {
        PathStudents {
            learning_path_name: p.name,
            records_total: p.totals.all(),
            total_not_started: p.totals.not_started,
            total_in_progress: p.totals.in_progress,
            total_completed: p.totals.completed,
            records_filtered: p.filtered,
            records: p
                .learners
                .into_iter()
                .map(|l| {
                    let (user_type, raw_user_type) = user_type(l.role);
                    PathLearnerRecord {
                        id: l.enrollment_id,
                        user_id: l.user_id,
                        first_name: l.first_name,
                        last_name: l.last_name,
                        status: l.status.as_str(),
                        display_status: l.status.as_str(),
                        percent_complete: l.percent_complete,
                        access_status: "Allowed",
                        registered_on: day(l.registered_at.date()),
                        started_on: String::new(),
                        completed_on: String::new(),
                        expire_on: "Never".into(),
                        last_accessed_on: day_or(l.last_accessed_at.map(|at| at.date()), "Never"),
                        certificate_count: i64::from(l.certificate),
                        user_type,
                        raw_user_type,
                    }
                })
                .collect(),
        }
    }
}

/// The answer of a learning path's certificate assignment (with the vendor's `isSucess`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PathCertificateAnswer {
    #[serde(rename = "isSucess")]
    pub is_success: bool,
    pub message: String,
}

/// A course of a launched learning path.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathCourseRecord {
    name: String,
    #[serde(rename = "courseId")]
    course_id: i64,
    rating: Option<f64>,
    status: &'static str,
    completion_percentage: i16,
    display_status: &'static str,
    expire_on: String,
    minimum_passing_percentage: i64,
    certificate: i64,
    certificate_expire_after: String,
    #[serde(rename = "isExpired")]
    is_expired: bool,
    #[serde(rename = "isCurrent")]
    is_current: bool,
    #[serde(rename = "isLocked")]
    is_locked: bool,
    #[serde(rename = "estimatedCompletionTime")]
    estimated_completion_time: Option<String>,
    #[serde(rename = "userReviewAvailable")]
    user_review_available: bool,
    #[serde(rename = "enableCourseRating")]
    enable_course_rating: bool,
}

/// A launched learning path.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathLaunchAnswer {
    name: String,
    instructions: Option<String>,
    learning_path_status: &'static str,
    status: &'static str,
    #[serde(rename = "display_status")]
    display_status: &'static str,
    completion_percentage: i16,
    enrollment_date: String,
    certificate: i64,
    id: i64,
    rating: Option<f64>,
    total_estimated_time: Option<String>,
    course_data: Vec<PathCourseRecord>,
}

impl PathLaunchAnswer {
    pub fn of(launch: PathLaunch, now: NaiveDateTime) -> PathLaunchAnswer {
        let total: i32 = launch.courses.iter().filter_map(|c| c.estimated_minutes).sum();
        let current = launch.courses.iter().position(|c| c.status != crate::domain::progress::CourseStatus::Completed);
        PathLaunchAnswer {
            name: launch.name,
            instructions: launch.instructions,
            learning_path_status: "Active",
            status: launch.learner.status.as_str(),
            display_status: launch.learner.status.as_str(),
            completion_percentage: launch.learner.percent_complete,
            enrollment_date: dashed_day(launch.learner.registered_at.date()),
            certificate: i64::from(launch.learner.certificate),
            id: launch.learner.enrollment_id,
            rating: None,
            total_estimated_time: duration(launch.courses.iter().any(|c| c.estimated_minutes.is_some()).then_some(total)),
            course_data: launch
                .courses
                .into_iter()
                .enumerate()
                .map(|(i, c)| PathCourseRecord {
                    name: c.name,
                    course_id: c.course_id,
                    rating: None,
                    status: c.status.as_str(),
                    completion_percentage: c.percent_complete,
                    display_status: c.status.as_str(),
                    expire_on: c.expires_on.map_or_else(|| "Never".into(), dashed_day),
                    minimum_passing_percentage: 0,
                    certificate: i64::from(c.certificate),
                    certificate_expire_after: "Never".into(),
                    is_expired: c.expires_on.is_some_and(|d| d < now.date()),
                    is_current: Some(i) == current,
                    is_locked: false,
                    estimated_completion_time: duration(c.estimated_minutes),
                    user_review_available: false,
                    enable_course_rating: false,
                })
                .collect(),
        }
    }
}

/// `0h 20m`.
pub fn hours_minutes(seconds: i64) -> String {
    format!("{}h {}m", seconds / 3600, seconds % 3600 / 60)
}

/// A row of the course detail report (with the vendor's `certifcate_` spellings).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRow {
    user_id: i64,
    course_id: i64,
    first_name: String,
    last_name: String,
    email: String,
    course_name: String,
    portal_name: String,
    status: &'static str,
    display_status: &'static str,
    percent_complete: i16,
    access_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    expire_on: String,
    last_accessed_on: String,
    percent_achieved: Option<i64>,
    total_time_spent: String,
    certifcate_issued: &'static str,
    certifcate_count: i64,
    certifcate_issued_date: String,
    certificate_expire: String,
}

/// The course detail report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseReportAnswer {
    records_total: i64,
    total_not_started: i64,
    total_in_progress: i64,
    total_completed: i64,
    records_filtered: i64,
    records: Vec<ReportRow>,
}

impl From<CourseReport> for CourseReportAnswer {
    fn from(report: CourseReport) -> Self {
        CourseReportAnswer {
            records_total: report.totals.all(),
            total_not_started: report.totals.not_started,
            total_in_progress: report.totals.in_progress,
            total_completed: report.totals.completed,
            records_filtered: report.filtered,
            records: report
                .rows
                .into_iter()
                .map(|(view, portals)| ReportRow {
                    user_id: view.user_id,
                    course_id: view.course_id,
                    first_name: view.first_name,
                    last_name: view.last_name,
                    email: view.email.unwrap_or_default(),
                    course_name: view.course_title,
                    portal_name: portals.join(", "),
                    status: view.status.as_str(),
                    display_status: view.status.as_str(),
                    percent_complete: view.percent_complete,
                    access_status: view.access.as_str(),
                    registered_on: day(view.registered_at.date()),
                    started_on: view.started_at.map_or_else(String::new, |at| day(at.date())),
                    completed_on: view.completed_at.map_or_else(String::new, |at| day(at.date())),
                    expire_on: day_or(view.expires_on, "Never"),
                    last_accessed_on: day_or(view.last_accessed_at.map(|at| at.date()), "Never"),
                    percent_achieved: None,
                    total_time_spent: hours_minutes(view.time_spent_seconds),
                    certifcate_issued: if view.certificate.is_some() { "Yes" } else { "No" },
                    certifcate_count: i64::from(view.certificate.is_some()),
                    certifcate_issued_date: view.certificate.map_or_else(String::new, |(issued, _)| day(issued.date())),
                    certificate_expire: match view.certificate {
                        Some((_, Some(expires))) => day(expires.date()),
                        Some((_, None)) => "Never".into(),
                        None => String::new(),
                    },
                })
                .collect(),
        }
    }
}

/// The LMS overview: one entry a course in each list, and the sums.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverviewAnswer {
    labels: Vec<String>,
    total_not_started: Vec<i64>,
    total_in_progress: Vec<i64>,
    total_completed: Vec<i64>,
    percentage_completed: Vec<i64>,
    sum_not_started: i64,
    sum_in_progress: i64,
    sum_completed: i64,
    sum_percentage_completed: i64,
}

impl OverviewAnswer {
    pub fn of(courses: Vec<CourseOverview>) -> OverviewAnswer {
        let percent = |completed: i64, all: i64| if all > 0 { completed * 100 / all } else { 0 };
        let sum = |f: fn(&CourseOverview) -> i64| courses.iter().map(f).sum::<i64>();
        let (not_started, in_progress, completed) =
            (sum(|c| c.totals.not_started), sum(|c| c.totals.in_progress), sum(|c| c.totals.completed));
        OverviewAnswer {
            labels: courses.iter().map(|c| c.title.clone()).collect(),
            total_not_started: courses.iter().map(|c| c.totals.not_started).collect(),
            total_in_progress: courses.iter().map(|c| c.totals.in_progress).collect(),
            total_completed: courses.iter().map(|c| c.totals.completed).collect(),
            percentage_completed: courses.iter().map(|c| percent(c.totals.completed, c.totals.all())).collect(),
            sum_not_started: not_started,
            sum_in_progress: in_progress,
            sum_completed: completed,
            sum_percentage_completed: percent(completed, not_started + in_progress + completed),
        }
    }
}

/// A row of the learning path detail report (with the vendor's `certifcate_issued`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PathReportRow {
    user_id: i64,
    first_name: String,
    last_name: String,
    email: String,
    learning_path_id: i64,
    learning_path_name: String,
    /// registered, started or completed.
    status: &'static str,
    display_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    last_accessed_on: String,
    certifcate_issued: &'static str,
    #[serde(rename = "courseDetails")]
    course_details: Vec<serde_json::Value>,
    /// Hours spent in the path's courses, whole.
    total_time_spent: i64,
    expire_on: &'static str,
    completed_lp_courses: i64,
    total_lp_courses: i64,
    #[serde(rename = "portalName")]
    portal_name: String,
}

/// The learning path detail report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathReportAnswer {
    records_filtered: i64,
    records: Vec<PathReportRow>,
}

/// `01-Jan-2021`, or `""` for no day.
pub fn report_day(at: Option<NaiveDateTime>) -> String {
    at.map_or_else(String::new, |at| at.format("%d-%b-%Y").to_string())
}

impl From<PathReport> for PathReportAnswer {
    fn from(report: PathReport) -> Self {
        PathReportAnswer {
            records_filtered: report.filtered,
            records: report
                .rows
                .into_iter()
                .map(|(l, portals)| {
                    let stage = PathStage::of(l.status);
                    PathReportRow {
                        user_id: l.user_id,
                        first_name: l.first_name,
                        last_name: l.last_name,
                        email: l.email.unwrap_or_default(),
                        learning_path_id: l.path_id,
                        learning_path_name: l.path_name,
                        status: stage.as_str(),
                        display_status: stage.display(),
                        registered_on: report_day(Some(l.registered_at)),
                        started_on: report_day(l.started_at),
                        completed_on: report_day(l.completed_at),
                        last_accessed_on: l.last_accessed_at.map_or_else(|| "Never".into(), |at| report_day(Some(at))),
                        certifcate_issued: if l.certificate { "Yes" } else { "No" },
                        course_details: Vec::new(),
                        total_time_spent: l.time_spent_seconds / 3600,
                        expire_on: "Never",
                        completed_lp_courses: l.completed_courses,
                        total_lp_courses: l.courses,
                        portal_name: portals.join(", "),
                    }
                })
                .collect(),
        }
    }
}

/// The learning paths overview: one entry a path in each list, and the sums.
pub fn paths_overview(paths: Vec<PathTotals>) -> OverviewAnswer {
    OverviewAnswer::of(paths.into_iter().map(|p| CourseOverview { title: p.name, totals: p.totals }).collect())
}

/// An entry of a learning path's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathActivityRecord {
    id: i64,
    /// The learner's name.
    name: String,
    /// What happened (a learning path activity's `db_value`).
    status: &'static str,
    message: String,
    created_at: String,
}

impl From<ActivityView> for PathActivityRecord {
    fn from(view: ActivityView) -> Self {
        PathActivityRecord {
            id: view.id,
            name: view.learner,
            status: view.verb.as_str(),
            message: view.sentence,
            created_at: moment(view.at),
        }
    }
}

/// A page of learning-path activity.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathActivities {
    pub records_total: i64,
    pub records_filtered: i64,
    pub records: Vec<PathActivityRecord>,
}

/// A learning path's learners by status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathStatistics {
    not_started: i64,
    in_progress: i64,
    completed: i64,
}

/// A learning path a portal offers, with its learners by status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalPathRecord {
    learning_path_id: i64,
    learning_path_name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    last24h_count: i64,
    learning_path_statistics: PathStatistics,
}

/// A page of a portal's learning paths.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalPaths {
    pub portal_name: String,
    pub records_total: i64,
    pub records_filtered: i64,
    pub records: Vec<PortalPathRecord>,
}

impl PortalPathRecord {
    pub fn of(path: PathTotals) -> PortalPathRecord {
        PortalPathRecord {
            learning_path_id: path.path_id,
            learning_path_name: path.name,
            kind: if path.public { "public" } else { "private" },
            last24h_count: path.last_day,
            learning_path_statistics: PathStatistics {
                not_started: path.totals.not_started,
                in_progress: path.totals.in_progress,
                completed: path.totals.completed,
            },
        }
    }
}

/// A course or learning path of a portal's catalog.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    course_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    learning_path_id: Option<i64>,
    content_name: String,
    is_enrolled: bool,
    launch_url: String,
    category_ids: Vec<i64>,
}

/// A portal's catalog for a user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogAnswer {
    courses: Vec<CatalogRecord>,
    learning_paths: Vec<CatalogRecord>,
    /// The categories of what the catalog holds (the store keeps none).
    category_ids: Vec<i64>,
}

impl From<Catalog> for CatalogAnswer {
    fn from(catalog: Catalog) -> Self {
        let portal = catalog.portal_slug;
        CatalogAnswer {
            courses: catalog
                .courses
                .into_iter()
                .map(|c| CatalogRecord {
                    course_id: Some(c.id),
                    learning_path_id: None,
                    launch_url: format!("{portal}/course/{}/launch", c.slug),
                    content_name: c.name,
                    is_enrolled: c.enrolled,
                    category_ids: Vec::new(),
                })
                .collect(),
            learning_paths: catalog
                .paths
                .into_iter()
                .map(|p| CatalogRecord {
                    course_id: None,
                    learning_path_id: Some(p.id),
                    launch_url: format!("{portal}/learning-path/{}/launch", p.slug),
                    content_name: p.name,
                    is_enrolled: p.enrolled,
                    category_ids: Vec::new(),
                })
                .collect(),
            category_ids: Vec::new(),
        }
    }
}

/// One of the caller's courses in a portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyCourseRecord {
    #[serde(rename = "courseId")]
    course_id: i64,
    #[serde(rename = "registrationId")]
    registration_id: i64,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "contentName")]
    content_name: String,
    rating: Option<f64>,
    #[serde(rename = "enableCourseRating")]
    enable_course_rating: bool,
    #[serde(rename = "launchUrl")]
    launch_url: String,
    #[serde(rename = "canRecertify")]
    can_recertify: bool,
    #[serde(rename = "isEnrolled")]
    is_enrolled: bool,
    #[serde(rename = "lastAccessed")]
    last_accessed: String,
    display_status: &'static str,
    #[serde(rename = "percentComplete")]
    percent_complete: i16,
    #[serde(rename = "isExpired")]
    is_expired: bool,
    /// `2021-01-01 00:00:00`.
    registered_on: String,
    #[serde(rename = "estimatedCompletionTime")]
    estimated_completion_time: Option<String>,
    status: &'static str,
}

/// The caller's courses in a portal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyCourses {
    courses: Vec<MyCourseRecord>,
    total_records: i64,
    records_filtered: i64,
}

impl MyCourses {
    pub fn of(portal_slug: &str, total: i64, filtered: i64, views: Vec<LearnerView>, now: NaiveDateTime) -> MyCourses {
        MyCourses {
            total_records: total,
            records_filtered: filtered,
            courses: views
                .into_iter()
                .map(|view| {
                    let slug = view.course_slug.clone();
                    MyCourseRecord {
                        course_id: view.course_id,
                        registration_id: view.enrollment_id,
                        kind: "course",
                        content_name: view.course_title,
                        rating: None,
                        enable_course_rating: false,
                        launch_url: format!("/{portal_slug}/course/{slug}/launch"),
                        can_recertify: false,
                        is_enrolled: true,
                        last_accessed: ago(view.last_accessed_at, now),
                        display_status: view.status.as_str(),
                        percent_complete: view.percent_complete,
                        is_expired: view.expires_on.is_some_and(|d| d < now.date()),
                        registered_on: view.registered_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        estimated_completion_time: duration(view.estimated_minutes),
                        status: view.status.as_str(),
                    }
                })
                .collect(),
        }
    }
}

/// One of a user's learning paths.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserPathRecord {
    /// The learning-path enrollment.
    id: i64,
    learning_path_id: i64,
    learning_path_name: String,
    status: &'static str,
    #[serde(rename = "display_status")]
    display_status: &'static str,
    percent_complete: i16,
    /// `22-02-2022`.
    #[serde(rename = "registered_on")]
    registered_on: String,
    #[serde(rename = "started_on")]
    started_on: String,
    #[serde(rename = "completed_on")]
    completed_on: String,
    certificate_count: i64,
    #[serde(rename = "totalLPCourses")]
    total_lp_courses: i64,
    completed_lp_courses: i64,
    rating: Option<f64>,
    total_estimated_time: Option<String>,
}

/// A user's learning paths.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserPathsAnswer {
    records_total: i64,
    records_filtered: i64,
    records: Vec<UserPathRecord>,
    name: String,
    user_type: &'static str,
}

impl From<UserPaths> for UserPathsAnswer {
    fn from(paths: UserPaths) -> Self {
        let estimates = paths.estimates;
        let estimate = |id: i64| estimates.iter().find(|(path, _)| *path == id).and_then(|(_, m)| i32::try_from(*m).ok());
        UserPathsAnswer {
            records_total: paths.total,
            records_filtered: paths.filtered,
            name: paths.name,
            user_type: user_type(paths.role).0,
            records: paths
                .paths
                .into_iter()
                .map(|l| UserPathRecord {
                    id: l.enrollment_id,
                    learning_path_id: l.path_id,
                    total_estimated_time: duration(estimate(l.path_id)),
                    learning_path_name: l.path_name,
                    status: l.status.as_str(),
                    display_status: l.status.as_str(),
                    percent_complete: l.percent_complete,
                    registered_on: dashed_day(l.registered_at.date()),
                    started_on: l.started_at.map_or_else(String::new, |at| dashed_day(at.date())),
                    completed_on: l.completed_at.map_or_else(String::new, |at| dashed_day(at.date())),
                    certificate_count: i64::from(l.certificate),
                    total_lp_courses: l.courses,
                    completed_lp_courses: l.completed_courses,
                    rating: None,
                })
                .collect(),
        }
    }
}

/// A learning path a portal offers, and where the caller stands in it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyPathRecord {
    /// The learning-path enrollment (the path, when not enrolled).
    id: i64,
    learning_path_id: i64,
    #[serde(rename = "type")]
    kind: &'static str,
    learning_path_name: String,
    /// Registered, Started or Completed; Not Enrolled.
    #[serde(rename = "display_status")]
    display_status: &'static str,
    percent_complete: i16,
    is_enrolled: bool,
    certificate_count: i64,
    #[serde(rename = "totalLPCourses")]
    total_lp_courses: i64,
    completed_lp_courses: i64,
    rating: Option<f64>,
    total_estimated_time: Option<String>,
}

/// The learning paths a portal offers the caller.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyPaths {
    learning_paths: Vec<MyPathRecord>,
    total_records: i64,
    records_filtered: i64,
}

impl MyPaths {
    pub fn of(total: i64, filtered: i64, paths: Vec<OfferedPath>) -> MyPaths {
        MyPaths {
            total_records: total,
            records_filtered: filtered,
            learning_paths: paths
                .into_iter()
                .map(|p| MyPathRecord {
                    id: p.enrollment.as_ref().map_or(p.path_id, |e| e.enrollment_id),
                    learning_path_id: p.path_id,
                    kind: if p.public { "public" } else { "private" },
                    learning_path_name: p.name,
                    display_status: p.enrollment.as_ref().map_or("Not Enrolled", |e| PathStage::of(e.status).display()),
                    percent_complete: p.enrollment.as_ref().map_or(0, |e| e.percent_complete),
                    is_enrolled: p.enrollment.is_some(),
                    certificate_count: p.enrollment.as_ref().map_or(0, |e| i64::from(e.certificate)),
                    total_lp_courses: p.courses,
                    completed_lp_courses: p.enrollment.as_ref().map_or(0, |e| e.completed_courses),
                    rating: None,
                    total_estimated_time: duration(p.estimated_minutes.and_then(|m| i32::try_from(m).ok())),
                })
                .collect(),
        }
    }
}

/// A row of a user's course report.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserReportRow {
    course_id: i64,
    course_name: String,
    first_name: String,
    last_name: String,
    status: &'static str,
    percent_complete: i16,
    access_status: &'static str,
    registered_on: String,
    started_on: String,
    completed_on: String,
    expire_on: String,
    last_accessed_on: String,
    percent_achieved: Option<i64>,
    /// `0h 20m`.
    total_time_spent: String,
    certifcate_issued: &'static str,
}

/// A user's course report: totals by status and a page of the user's courses.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserReportAnswer {
    /// None: the report spans the user's courses.
    course_name: Option<String>,
    featured_image: Option<String>,
    records_total: i64,
    total_not_started: i64,
    total_in_progress: i64,
    total_completed: i64,
    records_filtered: i64,
    records: Vec<UserReportRow>,
}

impl UserReportAnswer {
    pub fn of(courses: crate::service::progress::UserCourses, now: NaiveDateTime) -> UserReportAnswer {
        UserReportAnswer {
            course_name: None,
            featured_image: None,
            records_total: courses.totals.all(),
            total_not_started: courses.totals.not_started,
            total_in_progress: courses.totals.in_progress,
            total_completed: courses.totals.completed,
            records_filtered: courses.filtered,
            records: courses
                .courses
                .into_iter()
                .map(|view| UserReportRow {
                    course_id: view.course_id,
                    course_name: view.course_title,
                    first_name: view.first_name,
                    last_name: view.last_name,
                    status: view.status.as_str(),
                    percent_complete: view.percent_complete,
                    access_status: view.access.as_str(),
                    registered_on: report_day(Some(view.registered_at)),
                    started_on: report_day(view.started_at),
                    completed_on: report_day(view.completed_at),
                    expire_on: view.expires_on.map_or_else(|| "Never".into(), |d| d.format("%d-%b-%Y").to_string()),
                    last_accessed_on: ago(view.last_accessed_at, now),
                    percent_achieved: None,
                    total_time_spent: hours_minutes(view.time_spent_seconds),
                    certifcate_issued: if view.certificate.is_some() { "Yes" } else { "No" },
                })
                .collect(),
        }
    }
}

/// `2020-07-01 10:00:00`, as the webinar answers write moments.
pub fn plain(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A moment as the webinar answers write it, or `""` when it has not come.
fn plain_or_empty(at: Option<NaiveDateTime>) -> String {
    at.map(plain).unwrap_or_default()
}

/// A student of a webinar.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebinarStudent {
    /// The course registration (the `ids` of the status and notes updates).
    id: i64,
    user_id: i64,
    first_name: String,
    last_name: String,
    /// The registration's status: Registered, an attendance, or the word a manager set.
    status: String,
    registered_on: String,
    /// `""` when never.
    last_accessed_on: String,
    attendance_recording_type: Option<String>,
    notes: Option<String>,
}

impl From<WebinarRegistrationRow> for WebinarStudent {
    fn from(row: WebinarRegistrationRow) -> Self {
        WebinarStudent {
            id: row.enrollment_id,
            user_id: row.user_id,
            first_name: row.first_name.unwrap_or_default(),
            last_name: row.last_name.unwrap_or_default(),
            status: row.status,
            registered_on: plain(row.registered_at),
            last_accessed_on: plain_or_empty(row.last_accessed_at),
            attendance_recording_type: row.recording_type,
            notes: row.notes,
        }
    }
}

/// A registration in a webinar's attendance report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceRecord {
    first_name: String,
    last_name: String,
    /// The attendance recorded, else the registration's status.
    status: String,
    attendance_recording_type: Option<String>,
    notes: Option<String>,
    /// `""` when no attendance is recorded.
    recorded_at: String,
}

/// A webinar's attendance report: its course and times, its registrations by attendance, one page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceReportAnswer {
    course_name: String,
    start_date: String,
    end_date: String,
    records_total: i64,
    total_attended: i64,
    total_no_show: i64,
    total_cancelled: i64,
    total_partially_attended: i64,
    records: Vec<AttendanceRecord>,
}

impl From<AttendanceReport> for AttendanceReportAnswer {
    fn from(report: AttendanceReport) -> Self {
        let totals = report.totals;
        AttendanceReportAnswer {
            course_name: report.webinar.course_title,
            start_date: plain(report.webinar.starts_at),
            end_date: plain(report.webinar.ends_at),
            records_total: totals.all,
            total_attended: totals.attended,
            total_no_show: totals.no_show,
            total_cancelled: totals.cancelled,
            total_partially_attended: totals.partially_attended,
            records: report
                .records
                .into_iter()
                .map(|row| AttendanceRecord {
                    first_name: row.first_name.unwrap_or_default(),
                    last_name: row.last_name.unwrap_or_default(),
                    status: row.attendance.unwrap_or(row.status),
                    attendance_recording_type: row.recording_type,
                    notes: row.notes,
                    recorded_at: plain_or_empty(row.recorded_at),
                })
                .collect(),
        }
    }
}

/// How a bulk upload went: the seed's `is_success` is the text `"true"`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadAnswer {
    pub message: String,
    pub is_success: &'static str,
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
        assert_eq!(short_day(at.date()), "03 Aug 2020");
        assert_eq!(dashed_day(at.date()), "03-08-2020");
        assert_eq!(ago(Some(at), at + chrono::Duration::days(6)), "6 days ago");
        assert_eq!(ago(Some(at), at + chrono::Duration::seconds(1)), "1 second ago");
        assert_eq!(ago(None, at), "Never");
        assert_eq!(duration(Some(120)).as_deref(), Some("2 hours"));
        assert_eq!(duration(Some(90)).as_deref(), Some("1 hour 30 minutes"));
        assert_eq!(clock(3725), "01:02:05");
        assert_eq!(plain(at), "2020-08-03 10:00:00");
        assert_eq!(plain_or_empty(None), "");
        let spent = serde_json::to_value(TimeSpent::of(3725)).unwrap();
        assert_eq!(spent, serde_json::json!({"hours": 1, "minutes": 2, "seconds": 5, "totalSeconds": 3725}));
    }
}
