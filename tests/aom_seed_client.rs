//! A client of Academy Of Mine's LMS API written from the vendor's document alone (the "Academy of
//! mine APIs" Redoc reference: course enrollments and their bulk actions, course progress, learning-path
//! enrollments, portals, users, reports and lookups), the way an integration engineer who has only that
//! document would write it. The document names no methods, paths or security scheme, so the client uses
//! the routes this server documents for it (`/api` plus plural kebab-case nouns, path parameters as path
//! segments, query parameters in the query string, request bodies as JSON) and `Authorization: Bearer`.
//! It gets a server and a token as any new user does (`serve --demo` with a credentials file) and checks
//! what the document promises: the keys and JSON types of each response sample, the wording of each
//! success message with its counts, the effect of each action as the lists show it afterwards, the
//! lookups' values and the document's status tabs (404 on portal details, 422 on adding learners).
//! Errors follow the Laravel conventions the document's validation rules point at: 401
//! `{"message":"Unauthenticated."}`, 404 `{"message"}`, 422 `{"message", "errors": {field: [..]}}`.
//! Where the document's samples disagree with each other, only what they agree on is checked.
//!
//! It also covers the webinar, account and learning-path operations added since: a webinar's students,
//! their registration status and notes and the attendance report; bulk upload, quick edit and a user's
//! membership; the learning path detail report, overview and activities; a portal's learning paths and
//! course catalog; the caller's courses and learning paths in a portal (as a learner, with a token made
//! by `client create --face aom`, as an operator makes one); a user's learning paths and course report.
//! A webinar's id comes from the course information's `webinarList`; the document's membership reads are
//! not served, so the client tries the first membership ids. Keys the server adds to a sample are left
//! aside (`*_ADDED`, each with the README's reason).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use common::process::Server;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The document's response samples, as key sets with JSON types.

#[derive(Clone, Copy, Debug)]
enum Kind {
    Int,
    Num,
    Text,
    Bool,
    Array,
    Object,
    /// A string in this chrono format (the sample's own spelling, e.g. "Aug 09, 2020").
    Date(&'static str),
    /// "Never", or a string in this chrono format.
    DateOrNever(&'static str),
    /// A duration as the launch sample writes it: "00:00:00".
    Clock,
    OneOf(&'static [&'static str]),
    Nullable(&'static Kind),
    /// The document's samples give both types.
    Either(&'static Kind, &'static Kind),
    /// The key is in one of the document's samples of this shape and not in another.
    Optional(&'static Kind),
}

/// "Aug 09, 2020": `registered_on` of Enrolled Learners and Enrolled Courses.
const LIST_DATE: &str = "%b %d, %Y";
/// "Aug 03, 2020 10:07 AM": `created_at` of the activities.
const ACTIVITY_TIME: &str = "%b %d, %Y %I:%M %p";
/// "2020-08-03T10:00:00.000000Z": the dates of the course progress.
const ISO: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";
/// "03 Aug 2020": the gradebook's `enrollmentDate`.
const GRADEBOOK_DATE: &str = "%d %b %Y";
/// "22-02-2022": the launches' `enrollmentDate` and `expireOn`.
const LAUNCH_DATE: &str = "%d-%m-%Y";
/// "30-Dec-2025": a portal's `expiryDate`.
const PORTAL_DATE: &str = "%d-%b-%Y";
/// "2023-08-01": a user certificate's `issued_at` and `valid_till`.
const CERTIFICATE_DATE: &str = "%Y-%m-%d";
/// "2023-10-01 12:00:00": a portal user's `createdAt`, and every date the document asks for ("Y-m-d H:i:s").
const INPUT_TIME: &str = "%Y-%m-%d %H:%M:%S";

/// The Course Status Lookup: the progress statuses.
const STATUSES: &[&str] = &["Not Started", "In Progress", "Completed"];
/// A module's statuses in the progress and gradebook samples.
const MODULE_STATUSES: &[&str] = &["Not Started", "In Progress", "Completed", "Submitted"];

const ENROLLED_LEARNERS: &[(&str, Kind)] = &[
    ("courseName", Kind::Text),
    ("recordsTotal", Kind::Int),
    ("totalNotStarted", Kind::Int),
    ("totalInProgress", Kind::Int),
    ("totalCompleted", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
];

const ENROLLED_STUDENTS: &[(&str, Kind)] = &[
    ("learningPathName", Kind::Text),
    ("recordsTotal", Kind::Int),
    ("totalNotStarted", Kind::Int),
    ("totalInProgress", Kind::Int),
    ("totalCompleted", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
];

/// A row of Enrolled Learners and of Enrolled Students (learning paths): one sample for both.
const ENROLLMENT_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("user_id", Kind::Int),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("display_status", Kind::Text),
    ("percentComplete", Kind::Int),
    ("access_status", Kind::Text),
    ("registered_on", Kind::Date(LIST_DATE)),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("expire_on", Kind::DateOrNever(LIST_DATE)),
    ("last_accessed_on", Kind::Text),
    ("certificate_count", Kind::Int),
    ("user_type", Kind::Text),
    ("raw_user_type", Kind::Text),
];

const ENROLL_ANSWER: &[(&str, Kind)] = &[("message", Kind::Text), ("enrolledUsersCount", Kind::Int), ("notEnrolledUsers", Kind::Int)];
const MESSAGE: &[(&str, Kind)] = &[("message", Kind::Text)];
const LP_CERTIFICATE_ANSWER: &[(&str, Kind)] = &[("isSucess", Kind::Bool), ("message", Kind::Text)];

const COURSE_PROGRESS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("name", Kind::Text),
    ("course_id", Kind::Int),
    ("userId", Kind::Int),
    ("userName", Kind::Text),
    ("featuredImageUrl", Kind::Nullable(&Kind::Text)),
    ("status", Kind::OneOf(STATUSES)),
    ("completionPercentage", Kind::Int),
    ("enrollmentDate", Kind::Date(ISO)),
    ("expiryDate", Kind::Nullable(&Kind::Date(ISO))),
    ("completionDate", Kind::Nullable(&Kind::Date(ISO))),
    ("startDate", Kind::Nullable(&Kind::Date(ISO))),
    ("lastAccessed", Kind::Nullable(&Kind::Date(ISO))),
    ("modules", Kind::Array),
    ("hasSection", Kind::Bool),
];

/// A module of the course progress (both of its modules have these keys).
const PROGRESS_MODULE: &[(&str, Kind)] = &[
    ("module_id", Kind::Int),
    ("name", Kind::Text),
    ("slug", Kind::Text),
    ("type", Kind::Text),
    ("icon", Kind::Text),
    ("status_row_id", Kind::Int),
    ("status", Kind::OneOf(MODULE_STATUSES)),
    ("started_on", Kind::Nullable(&Kind::Date(ISO))),
    ("completed_on", Kind::Nullable(&Kind::Date(ISO))),
    ("last_accessed_on", Kind::Nullable(&Kind::Text)),
    ("total_time_spent", Kind::Nullable(&Kind::Object)),
    ("completion_percentage", Kind::Int),
    ("no_of_times_accessed", Kind::Int),
    ("totalMarks", Kind::Nullable(&Kind::Num)),
    ("obtainedMarks", Kind::Nullable(&Kind::Num)),
];

const GRADEBOOK: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("modules", Kind::Array),
    ("id", Kind::Int),
    ("userId", Kind::Int),
    ("featuredImageUrl", Kind::Nullable(&Kind::Text)),
    ("instructions", Kind::Nullable(&Kind::Text)),
    ("accessStatus", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("completionPercentage", Kind::Int),
    ("timeSpent", Kind::Object),
    ("enrollmentDate", Kind::Date(GRADEBOOK_DATE)),
    ("isExpired", Kind::Bool),
    // "Unlimited days" here, 10 in the launch sample.
    ("daysToExpire", Kind::Either(&Kind::Text, &Kind::Int)),
    ("lastAccessed", Kind::Text),
    ("isCertificateAvailable", Kind::Bool),
    ("totalMarks", Kind::Nullable(&Kind::Num)),
    ("obtainedMarks", Kind::Nullable(&Kind::Num)),
    ("percentage", Kind::Nullable(&Kind::Num)),
];

/// A module of the gradebook: a module not started has "" where a started one has a date or an object,
/// and only the second sample module has `points_awarded`.
const GRADEBOOK_MODULE: &[(&str, Kind)] = &[
    ("module_id", Kind::Int),
    ("name", Kind::Text),
    ("slug", Kind::Text),
    ("type", Kind::Text),
    ("icon", Kind::Text),
    ("status_row_id", Kind::Int),
    ("status", Kind::OneOf(MODULE_STATUSES)),
    ("started_on", Kind::Either(&Kind::Date(ISO), &Kind::OneOf(&[""]))),
    ("completed_on", Kind::Either(&Kind::Date(ISO), &Kind::OneOf(&[""]))),
    ("last_accessed_on", Kind::Text),
    ("total_time_spent", Kind::Either(&Kind::Object, &Kind::OneOf(&[""]))),
    ("points_awarded", Kind::Optional(&Kind::Either(&Kind::Num, &Kind::Text))),
    ("completion_percentage", Kind::Int),
    ("no_of_times_accessed", Kind::Int),
    ("totalMarks", Kind::Nullable(&Kind::Num)),
    ("obtainedMarks", Kind::Nullable(&Kind::Num)),
];

const TIME_SPENT: &[(&str, Kind)] = &[("hours", Kind::Int), ("minutes", Kind::Int), ("seconds", Kind::Int), ("totalSeconds", Kind::Int)];

const LAUNCH: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("id", Kind::Int),
    ("instructions", Kind::Nullable(&Kind::Text)),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("enableCourseRating", Kind::Bool),
    ("accessStatus", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("display_status", Kind::Text),
    ("completionPercentage", Kind::Int),
    ("timeSpent", Kind::Clock),
    ("enrollmentDate", Kind::Date(LAUNCH_DATE)),
    ("isExpired", Kind::Bool),
    ("lastAccessed", Kind::Text),
    ("estimatedCompletionTime", Kind::Nullable(&Kind::Text)),
    ("expireOn", Kind::DateOrNever(LAUNCH_DATE)),
    ("modules", Kind::Array),
    ("daysToExpire", Kind::Either(&Kind::Int, &Kind::Text)),
];

const COURSE_ACTIVITIES: &[(&str, Kind)] = &[
    ("courseName", Kind::Text),
    ("featuredImage", Kind::Nullable(&Kind::Text)),
    ("recordsTotal", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
];

const COURSE_ACTIVITY: &[(&str, Kind)] =
    &[("id", Kind::Int), ("verb", Kind::Text), ("created_at", Kind::Date(ACTIVITY_TIME)), ("message", Kind::Text), ("student", Kind::Text)];

const USER_ACTIVITIES: &[(&str, Kind)] = &[("recordsTotal", Kind::Int), ("recordsFiltered", Kind::Int), ("records", Kind::Array)];

const USER_ACTIVITY: &[(&str, Kind)] =
    &[("id", Kind::Int), ("verb", Kind::Text), ("created_at", Kind::Date(ACTIVITY_TIME)), ("message", Kind::Text), ("course", Kind::Text)];

const LOOKUP_ROW: &[(&str, Kind)] = &[("db_value", Kind::Text), ("display_value", Kind::Text)];

const LP_LAUNCH: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("instructions", Kind::Nullable(&Kind::Text)),
    ("learningPathStatus", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("display_status", Kind::Text),
    ("completionPercentage", Kind::Int),
    ("enrollmentDate", Kind::Date(LAUNCH_DATE)),
    ("certificate", Kind::Int),
    ("id", Kind::Int),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("totalEstimatedTime", Kind::Nullable(&Kind::Text)),
    ("courseData", Kind::Array),
];

const LP_LAUNCH_COURSE: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("courseId", Kind::Int),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("status", Kind::Text),
    ("completion_percentage", Kind::Int),
    ("display_status", Kind::Text),
    ("expire_on", Kind::Text),
    ("minimum_passing_percentage", Kind::Num),
    ("certificate", Kind::Int),
    ("certificate_expire_after", Kind::Text),
    ("isExpired", Kind::Bool),
    ("isCurrent", Kind::Bool),
    ("isLocked", Kind::Bool),
    ("estimatedCompletionTime", Kind::Nullable(&Kind::Text)),
    ("userReviewAvailable", Kind::Bool),
    ("enableCourseRating", Kind::Bool),
];

const PORTAL_DETAILS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("portalName", Kind::Text),
    ("portalSlug", Kind::Text),
    ("parentPortalId", Kind::Nullable(&Kind::Int)),
    ("referralCode", Kind::Nullable(&Kind::Text)),
    ("seatAccess", Kind::Nullable(&Kind::Text)),
    ("accessPermission", Kind::Nullable(&Kind::Text)),
    ("expiryMessage", Kind::Nullable(&Kind::Text)),
    ("totalSeats", Kind::Nullable(&Kind::Int)),
    ("totalSeatAccess", Kind::Nullable(&Kind::Int)),
    ("expiryDate", Kind::Nullable(&Kind::Date(PORTAL_DATE))),
    ("brandColor", Kind::Text),
    ("bodyBackgroundColor", Kind::Text),
    ("bodyTextColor", Kind::Text),
    ("headerBackgroundColor", Kind::Nullable(&Kind::Text)),
    ("selectedPrimaryLanguage", Kind::Text),
    ("customStyle", Kind::Nullable(&Kind::Text)),
    ("customFont", Kind::Nullable(&Kind::Text)),
    ("customCode", Kind::Nullable(&Kind::Text)),
    ("isActive", Kind::Bool),
    ("totalPortalAdmins", Kind::Int),
    ("totalLearner", Kind::Int),
    ("usedSeats", Kind::Int),
    ("availableSeats", Kind::Nullable(&Kind::Int)),
    ("subPortalCount", Kind::Int),
    ("parentPortalSlug", Kind::Nullable(&Kind::Text)),
    ("parentPortalName", Kind::Nullable(&Kind::Text)),
    ("portalCustomDomainEnabled", Kind::Bool),
    ("publicSelectedCourses", Kind::Array),
    ("privateSelectedCourses", Kind::Array),
    ("selectedPublicLearningPaths", Kind::Array),
    ("selectedPublicLearningPathNames", Kind::Array),
    ("selectedPrivateLearningPaths", Kind::Array),
    ("selectedPrivateLearningPathNames", Kind::Array),
    ("selectedPrivateMembership", Kind::Nullable(&Kind::Int)),
    ("selectedPrivateMembershipName", Kind::Nullable(&Kind::Text)),
    ("selectedContent", Kind::Object),
    ("learnerDashboard", Kind::Nullable(&Kind::Text)),
];

const PORTAL_SELECTED_CONTENT: &[(&str, Kind)] = &[
    ("publicCourseIds", Kind::Array),
    ("privateCourseIds", Kind::Array),
    ("publicLearningPathIds", Kind::Array),
    ("publicLearningPathNames", Kind::Array),
    ("privateLearningPathIds", Kind::Array),
    ("privateLearningPathNames", Kind::Array),
    ("privateMembershipId", Kind::Nullable(&Kind::Int)),
    ("privateMembershipName", Kind::Nullable(&Kind::Text)),
];

const PORTAL_LOOKUP_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("name", Kind::Text),
    ("totalSeats", Kind::Nullable(&Kind::Int)),
    ("usedSeat", Kind::Int),
    ("availableSeats", Kind::Nullable(&Kind::Int)),
];

const PORTAL_COURSES: &[(&str, Kind)] =
    &[("portalName", Kind::Text), ("recordsTotal", Kind::Int), ("recordsFiltered", Kind::Int), ("records", Kind::Array)];

const PORTAL_COURSE_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("courseId", Kind::Int),
    ("portalId", Kind::Int),
    ("name", Kind::Text),
    ("last24hCount", Kind::Int),
    ("stats", Kind::Object),
];

const STATS: &[(&str, Kind)] = &[("notStarted", Kind::Int), ("inProgress", Kind::Int), ("completed", Kind::Int), ("total", Kind::Int)];

const PORTAL_USERS: &[(&str, Kind)] = &[
    ("portalName", Kind::Text),
    ("recordsTotal", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("recordIdsFiltered", Kind::Array),
    ("records", Kind::Array),
];

const PORTAL_USER_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("firstName", Kind::Text),
    ("lastName", Kind::Text),
    ("userType", Kind::Text),
    ("stats", Kind::Object),
    ("status", Kind::Text),
    ("lastLogin", Kind::Nullable(&Kind::Text)),
    ("createdBy", Kind::Nullable(&Kind::Text)),
    ("createdAt", Kind::Date(INPUT_TIME)),
    ("portals", Kind::Nullable(&Kind::Text)),
    ("portalNameForAdmins", Kind::Nullable(&Kind::Text)),
    ("portalUserType", Kind::Nullable(&Kind::Text)),
    ("is_learner", Kind::Bool),
    ("userCategory", Kind::Nullable(&Kind::Text)),
    ("permissionsDisplayNames", Kind::Nullable(&Kind::Text)),
    ("permissionsNames", Kind::Array),
];

const USER_ENROLLED_COURSES: &[(&str, Kind)] = &[
    ("recordsTotal", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
    ("name", Kind::Text),
    ("userType", Kind::Text),
    ("isLearner", Kind::Bool),
];

const USER_ENROLLED_COURSE_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("courseId", Kind::Int),
    ("courseSlug", Kind::Text),
    ("courseName", Kind::Text),
    ("lastAccessed", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("display_status", Kind::Text),
    ("accessStatus", Kind::Text),
    ("percentComplete", Kind::Int),
    ("courseStatus", Kind::Text),
    ("registered_on", Kind::Date(LIST_DATE)),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("expire_on", Kind::DateOrNever(LIST_DATE)),
    ("isExpired", Kind::Bool),
    ("canRecertify", Kind::Bool),
    ("estimatedCompletionTime", Kind::Nullable(&Kind::Text)),
    ("certificate_count", Kind::Int),
    ("enableCourseRating", Kind::Bool),
    ("rating", Kind::Nullable(&Kind::Num)),
];

const USER_CERTIFICATE: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("title", Kind::Text),
    ("issued_at", Kind::Date(CERTIFICATE_DATE)),
    ("valid_till", Kind::Nullable(&Kind::Date(CERTIFICATE_DATE))),
    ("issuer", Kind::Text),
    ("status", Kind::Text),
];

const DASHBOARD_STATISTICS: &[(&str, Kind)] = &[
    ("totalCourses", Kind::Int),
    ("completedCourses", Kind::Int),
    ("inProgressCourses", Kind::Int),
    ("notStartedCourses", Kind::Int),
    ("timeSpent", Kind::Num),
];

const COURSE_DETAIL_REPORT: &[(&str, Kind)] = &[
    ("recordsTotal", Kind::Int),
    ("totalNotStarted", Kind::Int),
    ("totalInProgress", Kind::Int),
    ("totalCompleted", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
];

/// A row of the Course Detail Report, with the document's spellings (`certifcate_*`).
const COURSE_DETAIL_ROW: &[(&str, Kind)] = &[
    ("user_id", Kind::Int),
    ("course_id", Kind::Int),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("email", Kind::Text),
    ("course_name", Kind::Text),
    ("portal_name", Kind::Text),
    ("status", Kind::Text),
    ("display_status", Kind::Text),
    ("percent_complete", Kind::Int),
    ("access_status", Kind::Text),
    ("registered_on", Kind::Text),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("expire_on", Kind::Text),
    ("last_accessed_on", Kind::Text),
    // 0 here, null in the user course report.
    ("percent_achieved", Kind::Nullable(&Kind::Num)),
    ("total_time_spent", Kind::Text),
    ("certifcate_issued", Kind::Text),
    // "" in this sample, where `certificate_count` is an integer everywhere else.
    ("certifcate_count", Kind::Either(&Kind::Int, &Kind::Text)),
    ("certifcate_issued_date", Kind::Text),
    ("certificate_expire", Kind::Text),
];

const LMS_OVERVIEW: &[(&str, Kind)] = &[
    ("labels", Kind::Array),
    ("totalNotStarted", Kind::Array),
    ("totalInProgress", Kind::Array),
    ("totalCompleted", Kind::Array),
    ("percentageCompleted", Kind::Array),
    ("sumNotStarted", Kind::Int),
    ("sumInProgress", Kind::Int),
    ("sumCompleted", Kind::Int),
    ("sumPercentageCompleted", Kind::Num),
];

/// "2020-07-01 10:00:00": the webinar's students and its attendance report.
const WEBINAR_TIME: &str = INPUT_TIME;
/// "01-Jan-2021": the learning path detail report's days, and "10-Aug-2020" the user course report's.
const REPORT_DAY: &str = PORTAL_DATE;

/// A row of "Retrieve the list of students enrolled in a given webinar" (a bare array of them). The
/// samples show every value; a student who never came in, or has no recording or notes yet, is left
/// open ("" or null), as the document does not say.
const WEBINAR_STUDENT: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("user_id", Kind::Int),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("status", Kind::Text),
    ("registered_on", Kind::Date(WEBINAR_TIME)),
    ("last_accessed_on", Kind::Either(&Kind::Date(WEBINAR_TIME), &Kind::OneOf(&[""]))),
    ("attendance_recording_type", Kind::Nullable(&Kind::Text)),
    ("notes", Kind::Nullable(&Kind::Text)),
];

const ATTENDANCE_REPORT: &[(&str, Kind)] = &[
    ("courseName", Kind::Text),
    ("startDate", Kind::Date(WEBINAR_TIME)),
    ("endDate", Kind::Date(WEBINAR_TIME)),
    ("recordsTotal", Kind::Int),
    ("totalAttended", Kind::Int),
    ("totalNoShow", Kind::Int),
    ("totalCancelled", Kind::Int),
    ("totalPartiallyAttended", Kind::Int),
    ("records", Kind::Array),
];

/// A row of the attendance report; one not recorded yet is left open, as for the students.
const ATTENDANCE_ROW: &[(&str, Kind)] = &[
    ("firstName", Kind::Text),
    ("lastName", Kind::Text),
    ("status", Kind::Text),
    ("attendanceRecordingType", Kind::Nullable(&Kind::Text)),
    ("notes", Kind::Nullable(&Kind::Text)),
    ("recordedAt", Kind::Either(&Kind::Date(WEBINAR_TIME), &Kind::OneOf(&[""]))),
];

/// "Bulk upload users from csv file": `is_success` is the text "true" in the sample.
const UPLOAD_ANSWER: &[(&str, Kind)] = &[("message", Kind::Text), ("is_success", Kind::OneOf(&["true"]))];

const PATH_DETAIL_REPORT: &[(&str, Kind)] = &[("recordsFiltered", Kind::Int), ("records", Kind::Array)];

/// A row of the Learning Path Detail Report (both sample rows have these keys; `certifcate_issued` as spelled).
const PATH_DETAIL_ROW: &[(&str, Kind)] = &[
    ("user_id", Kind::Int),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("learning_path_name", Kind::Text),
    ("status", Kind::Text),
    ("display_status", Kind::Text),
    ("registered_on", Kind::Date(REPORT_DAY)),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("last_accessed_on", Kind::Text),
    ("certifcate_issued", Kind::OneOf(&["Yes", "No"])),
    ("courseDetails", Kind::Array),
    ("total_time_spent", Kind::Int),
    ("expire_on", Kind::DateOrNever(REPORT_DAY)),
    ("completed_lp_courses", Kind::Int),
    ("total_lp_courses", Kind::Int),
    ("portalName", Kind::Text),
];

const PATH_ACTIVITIES: &[(&str, Kind)] = &[("recordsTotal", Kind::Int), ("recordsFiltered", Kind::Int), ("records", Kind::Array)];

const PATH_ACTIVITY: &[(&str, Kind)] =
    &[("id", Kind::Int), ("name", Kind::Text), ("status", Kind::Text), ("created_at", Kind::Date(ACTIVITY_TIME))];

const PORTAL_PATHS: &[(&str, Kind)] =
    &[("portalName", Kind::Text), ("recordsTotal", Kind::Int), ("recordsFiltered", Kind::Int), ("records", Kind::Array)];

const PORTAL_PATH_ROW: &[(&str, Kind)] = &[
    ("learningPathId", Kind::Int),
    ("learningPathName", Kind::Text),
    ("last24hCount", Kind::Int),
    ("learningPathStatistics", Kind::Object),
];

const CATALOG: &[(&str, Kind)] = &[("courses", Kind::Array), ("learningPaths", Kind::Array), ("categoryIds", Kind::Array)];

const CATALOG_COURSE: &[(&str, Kind)] = &[
    ("courseId", Kind::Int),
    ("contentName", Kind::Text),
    ("isEnrolled", Kind::Bool),
    ("launchUrl", Kind::Text),
    ("categoryIds", Kind::Array),
];

const MY_COURSES: &[(&str, Kind)] = &[("courses", Kind::Array), ("totalRecords", Kind::Int), ("recordsFiltered", Kind::Int)];

const MY_COURSE_ROW: &[(&str, Kind)] = &[
    ("courseId", Kind::Int),
    ("registrationId", Kind::Int),
    ("type", Kind::OneOf(&["course"])),
    ("contentName", Kind::Text),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("enableCourseRating", Kind::Bool),
    ("launchUrl", Kind::Text),
    ("canRecertify", Kind::Bool),
    ("isEnrolled", Kind::Bool),
    ("lastAccessed", Kind::Text),
    ("display_status", Kind::Text),
    ("percentComplete", Kind::Int),
    ("isExpired", Kind::Bool),
    ("registered_on", Kind::Date(INPUT_TIME)),
    ("estimatedCompletionTime", Kind::Nullable(&Kind::Text)),
    ("status", Kind::OneOf(STATUSES)),
];

const MY_PATHS: &[(&str, Kind)] = &[("learningPaths", Kind::Array), ("totalRecords", Kind::Int), ("recordsFiltered", Kind::Int)];

/// A learning path of the caller's in a portal; `rating` is null in the second sample row.
const MY_PATH_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("learningPathId", Kind::Int),
    ("type", Kind::OneOf(&["public", "private"])),
    ("learningPathName", Kind::Text),
    ("display_status", Kind::Text),
    ("percentComplete", Kind::Int),
    ("isEnrolled", Kind::Bool),
    ("certificateCount", Kind::Int),
    ("totalLPCourses", Kind::Int),
    ("completedLpCourses", Kind::Int),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("totalEstimatedTime", Kind::Nullable(&Kind::Text)),
];

const USER_PATHS: &[(&str, Kind)] = &[
    ("recordsTotal", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
    ("name", Kind::Text),
    ("userType", Kind::Text),
];

/// A learning path of a user: dated as the launches are ("22-02-2022").
const USER_PATH_ROW: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("learningPathName", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("display_status", Kind::Text),
    ("percentComplete", Kind::Int),
    ("registered_on", Kind::Date(LAUNCH_DATE)),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("certificateCount", Kind::Int),
    ("totalLPCourses", Kind::Int),
    ("completedLpCourses", Kind::Int),
    ("rating", Kind::Nullable(&Kind::Num)),
    ("totalEstimatedTime", Kind::Nullable(&Kind::Text)),
];

const USER_COURSE_REPORT: &[(&str, Kind)] = &[
    ("courseName", Kind::Text),
    ("featuredImage", Kind::Nullable(&Kind::Text)),
    ("recordsTotal", Kind::Int),
    ("totalNotStarted", Kind::Int),
    ("totalInProgress", Kind::Int),
    ("totalCompleted", Kind::Int),
    ("recordsFiltered", Kind::Int),
    ("records", Kind::Array),
];

/// A row of a user's course report: `percent_achieved` is null in two sample rows and 0 in the third.
const USER_COURSE_REPORT_ROW: &[(&str, Kind)] = &[
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("status", Kind::OneOf(STATUSES)),
    ("percent_complete", Kind::Int),
    ("access_status", Kind::Text),
    ("registered_on", Kind::Date(REPORT_DAY)),
    ("started_on", Kind::Text),
    ("completed_on", Kind::Text),
    ("expire_on", Kind::DateOrNever(REPORT_DAY)),
    ("last_accessed_on", Kind::Text),
    ("percent_achieved", Kind::Nullable(&Kind::Num)),
    ("total_time_spent", Kind::Text),
    ("certifcate_issued", Kind::OneOf(&["Yes", "No"])),
];

// Keys this server adds to a sample (its README says why: a row must say which learning path, course
// or user it is about when a list spans several), and the one it answers otherwise; the scenarios
// check everything else as the document has it.

/// Rows of the Learning Path Detail Report also carry `email` and `learning_path_id` (L6650-L6686).
const PATH_DETAIL_ROW_ADDED: &[&str] = &["email", "learning_path_id"];
/// Learning Path Activities' records also carry `message` (L6742-L6747).
const PATH_ACTIVITY_ADDED: &[&str] = &["message"];
/// A portal's Learning Path List records also carry `type` (L8296-L8314).
const PORTAL_PATH_ROW_ADDED: &[&str] = &["type"];
/// A user's learning paths also carry `learningPathId` (L12308-L12322).
const USER_PATH_ROW_ADDED: &[&str] = &["learningPathId"];
/// A user's course report spans the user's courses: `courseName` is null where the sample, copied
/// from the course report, has a text (L12163).
const USER_COURSE_REPORT_ADDED: &[&str] = &["courseName"];
/// Its rows also carry `course_id` and `course_name` (L12171-L12213).
const USER_COURSE_REPORT_ROW_ADDED: &[&str] = &["course_id", "course_name"];

/// `text` is written in `format`, exactly (zero padding included): parsed, then written back.
fn written_as(text: &str, format: &str) -> bool {
    if let Ok(moment) = NaiveDateTime::parse_from_str(text, format) {
        return moment.format(format).to_string() == text;
    }
    NaiveDate::parse_from_str(text, format).is_ok_and(|day| day.format(format).to_string() == text)
}

fn fits(value: &Value, kind: Kind) -> bool {
    match kind {
        Kind::Int => value.is_i64() || value.is_u64(),
        Kind::Num => value.is_number(),
        Kind::Text => value.is_string(),
        Kind::Bool => value.is_boolean(),
        Kind::Array => value.is_array(),
        Kind::Object => value.is_object(),
        Kind::Date(format) => value.as_str().is_some_and(|s| written_as(s, format)),
        Kind::DateOrNever(format) => value.as_str().is_some_and(|s| s == "Never" || written_as(s, format)),
        Kind::Clock => value.as_str().is_some_and(|s| {
            let parts: Vec<&str> = s.split(':').collect();
            parts.len() == 3 && parts.iter().all(|p| p.len() >= 2 && p.chars().all(|c| c.is_ascii_digit()))
        }),
        Kind::OneOf(values) => value.as_str().is_some_and(|s| values.contains(&s)),
        Kind::Nullable(inner) => value.is_null() || fits(value, *inner),
        Kind::Either(one, other) => fits(value, *one) || fits(value, *other),
        Kind::Optional(inner) => fits(value, *inner),
    }
}

/// Where `value` departs from the sample: each key with what is wrong with it.
fn shape_problems(what: &str, value: &Value, shape: &[(&str, Kind)]) -> Vec<(String, String)> {
    let object = value.as_object().unwrap_or_else(|| panic!("{what} is a JSON object: {value}"));
    let mut problems = Vec::new();
    for key in object.keys() {
        if !shape.iter().any(|(name, _)| name == key) {
            problems.push((key.clone(), format!("{what}: '{key}' is not in the document's sample: {value}")));
        }
    }
    for (name, kind) in shape {
        match object.get(*name) {
            None if matches!(kind, Kind::Optional(_)) => {}
            None => problems.push((name.to_string(), format!("{what}: the document's '{name}' is missing: {value}"))),
            Some(field) if !fits(field, *kind) => problems
                .push((name.to_string(), format!("{what}: '{name}' should be {kind:?} as in the document, not {field}, in {value}"))),
            Some(_) => {}
        }
    }
    problems
}

/// `value` is an object with exactly the sample's keys, each of the sample's JSON type.
fn assert_shape(what: &str, value: &Value, shape: &[(&str, Kind)]) {
    assert_shape_but(what, value, shape, &[]);
}

/// As `assert_shape`, except for the `reported` keys, where this server departs from an unambiguous
/// sample: those are reported, and `the_seed_disagreements` checks them as the document has them.
fn assert_shape_but(what: &str, value: &Value, shape: &[(&str, Kind)], reported: &[&str]) {
    if let Some((_, problem)) = shape_problems(what, value, shape).into_iter().find(|(key, _)| !reported.contains(&key.as_str())) {
        panic!("{problem}");
    }
}

fn int(value: &Value, key: &str) -> i64 {
    value[key].as_i64().unwrap_or_else(|| panic!("'{key}' is an integer: {value}"))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("'{key}' is a string: {value}"))
}

fn records(value: &Value) -> &Vec<Value> {
    value["records"].as_array().unwrap_or_else(|| panic!("records is an array: {value}"))
}

/// A count the document writes as an integer in one sample and as a string in another.
fn count(value: &Value, key: &str) -> i64 {
    match &value[key] {
        Value::Number(n) => n.as_i64().unwrap_or_else(|| panic!("'{key}' is a whole number: {value}")),
        Value::String(s) if s.is_empty() => 0,
        Value::String(s) => s.parse().unwrap_or_else(|_| panic!("'{key}' is a count: {value}")),
        other => panic!("'{key}' is a count, not {other}: {value}"),
    }
}

/// The three progress totals add up to `recordsTotal` (the sample: 3 + 4 + 5 = 12).
fn assert_totals_add_up(what: &str, envelope: &Value) {
    let sum = int(envelope, "totalNotStarted") + int(envelope, "totalInProgress") + int(envelope, "totalCompleted");
    assert_eq!(sum, int(envelope, "recordsTotal"), "{what}: the three totals add up to recordsTotal: {envelope}");
}

/// `stats` of a portal course or user: `total` is the sum of the three.
fn assert_stats(what: &str, stats: &Value, with_total: bool) {
    if with_total {
        assert_shape(what, stats, STATS);
        assert_eq!(int(stats, "notStarted") + int(stats, "inProgress") + int(stats, "completed"), int(stats, "total"), "{what}: {stats}");
    } else {
        assert_shape(what, stats, &STATS[..3]);
    }
}

/// `text` names today in `format` (or the day before or after, for a run across midnight in any zone).
fn is_about_today(text: &str, format: &str) -> bool {
    let today = Utc::now().date_naive();
    [today - TimeDelta::days(1), today, today + TimeDelta::days(1)].iter().any(|day| day.format(format).to_string() == text)
}

// ---------------------------------------------------------------------------------------------
// The client.

#[derive(Clone)]
struct Aom {
    http: reqwest::Client,
    base_url: String,
    token: Option<String>,
}

struct Answer {
    what: String,
    status: u16,
    content_type: String,
    body: Value,
}

type Query = Vec<(&'static str, String)>;

macro_rules! query {
    ($($key:literal => $value:expr),* $(,)?) => {
        vec![$(($key, $value.to_string())),*]
    };
}

impl Aom {
    fn without_token(&self) -> Aom {
        Aom { token: None, ..self.clone() }
    }

    fn with_token(&self, token: &str) -> Aom {
        Aom { token: Some(token.to_string()), ..self.clone() }
    }

    /// `method {baseUrl}{path}?query` with `body` as JSON.
    async fn call(&self, method: &str, path: &str, query: &Query, body: Option<&Value>) -> Answer {
        let what = format!("{method} /api{path} {query:?}");
        let mut request =
            self.http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("{}{path}", self.base_url)).query(query);
        request = request.header("Accept", "application/json");
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = response.status().as_u16();
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let text = response.text().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let body =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what} answered {status} with a body that is not JSON ({e}): {text}"));
        Answer { what, status, content_type, body }
    }

    async fn get(&self, path: &str, query: &Query) -> Answer {
        self.call("GET", path, query, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call("POST", path, &Vec::new(), Some(body)).await
    }
}

impl Answer {
    /// The JSON of a 200 answer.
    fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{} should succeed: {}", self.what, self.body);
        assert!(self.content_type.starts_with("application/json"), "{} answers application/json, not '{}'", self.what, self.content_type);
        self.body
    }

    /// The JSON of a success that the document shows under both a 200 and a 201 tab.
    fn ok_or_created(self) -> Value {
        assert!([200, 201].contains(&self.status), "{} should succeed: {} {}", self.what, self.status, self.body);
        self.body
    }

    /// The JSON of a success that the document shows under a 201 tab alone.
    fn created(self) -> Value {
        assert_eq!(self.status, 201, "{} should create: {}", self.what, self.body);
        assert!(self.content_type.starts_with("application/json"), "{} answers application/json, not '{}'", self.what, self.content_type);
        self.body
    }

    /// A 200 `{"message": ...}` with exactly the document's wording.
    fn says(self, message: &str) {
        let what = self.what.clone();
        let body = self.ok();
        assert_shape(&what, &body, MESSAGE);
        assert_eq!(body["message"], message, "{what}: the document's wording");
    }

    /// 401 `{"message":"Unauthenticated."}`.
    fn unauthenticated(&self) {
        assert_eq!(self.status, 401, "{} without a valid token: {}", self.what, self.body);
        assert_eq!(self.body, json!({"message": "Unauthenticated."}), "{}: the 401 body", self.what);
    }

    /// 404 `{"message": ...}`.
    fn not_found(&self) {
        assert_eq!(self.status, 404, "{}: {}", self.what, self.body);
        assert_shape(&self.what, &self.body, MESSAGE);
        assert!(!text(&self.body, "message").is_empty(), "{}: a message says what was not found: {}", self.what, self.body);
    }

    /// 422 `{"message": ..., "errors": {field: [...]}}` with `field` among the errors.
    fn invalid(&self, field: &str) {
        assert_eq!(self.status, 422, "{} should be refused as invalid: {}", self.what, self.body);
        assert_shape(&self.what, &self.body, &[("message", Kind::Text), ("errors", Kind::Object)]);
        assert!(!text(&self.body, "message").is_empty(), "{}: {}", self.what, self.body);
        let errors = self.body["errors"].as_object().unwrap();
        for (name, messages) in errors {
            let messages = messages.as_array().unwrap_or_else(|| panic!("{}: errors.{name} is an array: {}", self.what, self.body));
            assert!(
                !messages.is_empty() && messages.iter().all(|m| m.as_str().is_some_and(|m| !m.is_empty())),
                "{}: errors.{name} holds messages: {}",
                self.what,
                self.body
            );
        }
        assert!(errors.contains_key(field), "{}: errors name '{field}': {}", self.what, self.body);
    }
}

// ---------------------------------------------------------------------------------------------
// A server and a token, as a new user gets them.

struct Demo {
    api: Aom,
    ids: Value,
    database: std::path::PathBuf,
    _server: Server,
    _dir: tempfile::TempDir,
}

/// A learner this client added to a portal.
#[derive(Clone, Debug)]
struct Learner {
    id: i64,
    first: String,
    last: String,
    email: String,
}

impl Learner {
    fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

fn read_credentials(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("the credentials file {}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the credentials file is JSON ({e}): {text}"))
}

impl Demo {
    /// `lmsbridge serve --demo --credentials-file PATH` on a free port.
    fn start() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let (database, file) = (dir.path().join("aom.db"), dir.path().join("credentials.json"));
        let server = Server::start(
            common::process::lmsbridge()
                .arg("--database-url")
                .arg(&database)
                .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1", "--credentials-file"])
                .arg(&file)
                .stderr(Stdio::inherit()),
            |line| line.starts_with("export "),
        );
        let ids = read_credentials(&file)["aom"].clone();
        let field = |key: &str| ids[key].as_str().unwrap_or_else(|| panic!("'{key}' in the credentials' aom object: {ids}")).to_string();
        let base_url = field("baseUrl");
        assert!(base_url.ends_with("/api"), "the base URL ends in /api: {base_url}");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let api = Aom { http, base_url, token: Some(field("token")) };
        for key in ["courseId", "learningPathId", "portalId", "enrollmentId", "userId"] {
            assert!(ids[key].is_i64(), "'{key}' in the credentials' aom object is an integer: {ids}");
        }
        Demo { api, ids, database, _server: server, _dir: dir }
    }

    /// A sample id of the credentials file: courseId, learningPathId, portalId, enrollmentId, userId.
    fn id(&self, key: &str) -> i64 {
        self.ids[key].as_i64().unwrap_or_else(|| panic!("'{key}' in {}", self.ids))
    }

    /// A token acting as `user` in the learner role, made the way an operator makes one for a user of
    /// this face (`lmsbridge client create --face aom`, README) in the demo's tenant ("demo", as its
    /// client `demo-admin` says): the "my ..." operations answer for the caller.
    fn learner_api(&self, user: i64) -> Aom {
        let output = common::process::lmsbridge()
            .arg("--database-url")
            .arg(&self.database)
            .args(["client", "create", "--tenant", "demo", "--face", "aom", "--role", "learner", "--user", &user.to_string()])
            .output()
            .unwrap();
        assert!(output.status.success(), "client create: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let token = stdout.lines().find_map(|line| line.strip_prefix("token=")).unwrap_or_else(|| panic!("a token in {stdout}"));
        self.api.with_token(token)
    }

    /// The id of a webinar of `course`: the document lists a course's webinars in "Retrieve course
    /// information" (`webinarList`); this server lists none there (reported), so else the first id
    /// whose students the server answers for.
    async fn webinar(&self, course: i64) -> i64 {
        let query = query!("courseId" => course, "portalId" => self.id("portalId"), "userId" => self.id("userId"));
        let info = self.api.get("/courses/info", &query).await.ok();
        if let Some(webinar) = info["webinarList"].as_array().and_then(|list| list.first()) {
            return int(webinar, "id");
        }
        for id in 1..=50 {
            let path = format!("/courses/{course}/webinars/{id}/portals/-1/students");
            let answer = self.api.get(&path, &query!("page_size" => 1, "page_number" => 1)).await;
            if answer.status == 200 {
                return id;
            }
            answer.not_found();
        }
        panic!("no webinar of course {course}")
    }

    /// The id of a membership. The document's membership reads (Lookup memberships, Get a membership
    /// by ID) are not served here, so: the first id Update Membership accepts for `user` (a learner of
    /// this client's own).
    async fn membership(&self, user: i64) -> i64 {
        for id in 1..=50 {
            let answer = self.api.call("PUT", &format!("/users/{user}/membership"), &Vec::new(), Some(&json!({"id": id}))).await;
            if answer.status == 200 {
                return id;
            }
            answer.not_found();
        }
        panic!("no membership")
    }

    /// Retrieve the list of students enrolled in a given webinar: a bare array of the sample's rows.
    async fn webinar_students(&self, course: i64, webinar: i64, portal: i64, query: &Query) -> Vec<Value> {
        let list = self.api.get(&format!("/courses/{course}/webinars/{webinar}/portals/{portal}/students"), query).await.ok();
        let rows = list.as_array().unwrap_or_else(|| panic!("the webinar's students are a bare array: {list}")).clone();
        rows.iter().for_each(|row| assert_shape("a student of the webinar", row, WEBINAR_STUDENT));
        rows
    }

    /// Export attendance report for a given webinar, every portal (-1, as the document says for portalId elsewhere).
    async fn attendance(&self, webinar: i64, size: i64, number: i64) -> Value {
        let body = json!({"webinarId": webinar, "pageSize": size, "pageNumber": number, "portalId": -1});
        let report = self.api.post("/webinars/attendance-report", &body).await.ok();
        assert_shape("the attendance report", &report, ATTENDANCE_REPORT);
        records(&report).iter().for_each(|row| assert_shape("a row of the attendance report", row, ATTENDANCE_ROW));
        report
    }

    /// Learning Path Detail Report: the portals and paths as path segments, written `[1,2]`.
    async fn path_report(&self, portals: &str, paths: &str, query: &Query) -> Value {
        let report = self.api.get(&format!("/reports/learning-paths/{portals}/{paths}"), query).await.ok();
        assert_shape("the Learning Path Detail Report", &report, PATH_DETAIL_REPORT);
        for row in records(&report) {
            assert_shape_but("a row of the Learning Path Detail Report", row, PATH_DETAIL_ROW, PATH_DETAIL_ROW_ADDED);
            let status = text(row, "status");
            let capitalized = status[..1].to_uppercase() + &status[1..];
            assert_eq!(text(row, "display_status"), capitalized, "display_status is the status capitalized, as in both samples: {row}");
            assert!(int(row, "completed_lp_courses") <= int(row, "total_lp_courses"), "{row}");
        }
        report
    }

    /// Enrolled Learners, one page.
    async fn enrolled_learners_page(&self, course: i64, portal: i64, size: usize, number: usize, search: Option<&Value>) -> Value {
        let mut query = query!("course_id" => course, "portalId" => portal, "page_size" => size, "page_number" => number);
        if let Some(search) = search {
            query.push(("search_param", search.to_string()));
        }
        let page = self.api.get("/courses/enrolled-learners", &query).await.ok();
        assert_shape("Enrolled Learners", &page, ENROLLED_LEARNERS);
        for row in records(&page) {
            assert_shape("an Enrolled Learners row", row, ENROLLMENT_ROW);
            assert_eq!(row["display_status"], row["status"], "display_status is the status (db_value = display_value): {row}");
            assert!((0..=100).contains(&int(row, "percentComplete")), "percentComplete is a percentage: {row}");
        }
        assert!(records(&page).len() <= size, "page_size={size}: {page}");
        page
    }

    /// Enrolled Learners, every page followed; the envelope of the first page and all rows.
    async fn enrolled_learners(&self, course: i64, portal: i64) -> (Value, Vec<Value>) {
        self.enrolled_learners_matching(course, portal, None).await
    }

    /// Enrolled Learners with a `search_param`, every page followed.
    async fn enrolled_learners_matching(&self, course: i64, portal: i64, search: Option<&Value>) -> (Value, Vec<Value>) {
        let first = self.enrolled_learners_page(course, portal, 50, 1, search).await;
        let mut rows = records(&first).clone();
        let mut number = 1;
        while rows.len() < int(&first, "recordsFiltered") as usize {
            number += 1;
            assert!(number < 100, "Enrolled Learners: the pages never end");
            let page = self.enrolled_learners_page(course, portal, 50, number, search).await;
            assert!(!records(&page).is_empty(), "page {number} of Enrolled Learners is empty before recordsFiltered rows: {page}");
            assert_eq!(page["recordsTotal"], first["recordsTotal"], "recordsTotal is the same on every page");
            rows.extend(records(&page).iter().cloned());
        }
        assert_unique(&rows, "Enrolled Learners");
        assert_eq!(rows.len() as i64, int(&first, "recordsFiltered"), "Enrolled Learners: every row is on a page");
        if search.is_none() && portal == -1 {
            assert_totals_add_up("Enrolled Learners", &first);
            assert_eq!(first["recordsFiltered"], first["recordsTotal"], "without search_param every record is counted: {first}");
            let count = |status: &str| rows.iter().filter(|row| row["status"] == status).count() as i64;
            assert_eq!(int(&first, "totalNotStarted"), count("Not Started"), "totalNotStarted counts the rows");
            assert_eq!(int(&first, "totalInProgress"), count("In Progress"), "totalInProgress counts the rows");
            assert_eq!(int(&first, "totalCompleted"), count("Completed"), "totalCompleted counts the rows");
        }
        (first, rows)
    }

    /// Enrolled Students of a learning path, every page followed.
    async fn enrolled_students(&self, path: i64, portal: i64) -> (Value, Vec<Value>) {
        let (mut rows, mut number, mut first) = (Vec::new(), 0, Value::Null);
        loop {
            number += 1;
            assert!(number < 100, "Enrolled Students: the pages never end");
            let query = query!("learning_path_id" => path, "portalId" => portal, "page_size" => 50, "page_number" => number);
            let page = self.api.get("/learning-paths/enrolled-students", &query).await.ok();
            assert_shape("Enrolled Students", &page, ENROLLED_STUDENTS);
            for row in records(&page) {
                assert_shape("an Enrolled Students row", row, ENROLLMENT_ROW);
            }
            let done = records(&page).is_empty();
            rows.extend(records(&page).iter().cloned());
            if first.is_null() {
                first = page;
            }
            if done || rows.len() >= int(&first, "recordsFiltered") as usize {
                break;
            }
        }
        assert_unique(&rows, "Enrolled Students");
        assert_totals_add_up("Enrolled Students", &first);
        assert_eq!(rows.len() as i64, int(&first, "recordsTotal"), "Enrolled Students: every row is on a page");
        (first, rows)
    }

    /// Every user of a portal (Retrieves a paginated and filtered list of users for a given portal).
    async fn portal_users(&self, portal: i64) -> (Value, Vec<Value>) {
        let (mut rows, mut number, mut first) = (Vec::new(), 0, Value::Null);
        loop {
            number += 1;
            assert!(number < 100, "portal users: the pages never end");
            let query = query!("portalId" => portal, "page_size" => 100, "page_number" => number, "isInPortal" => true);
            let page = self.api.get("/portals/users", &query).await.ok();
            assert_shape("the portal users", &page, PORTAL_USERS);
            assert!(page["recordIdsFiltered"].as_array().unwrap().iter().all(|id| id.is_i64()), "recordIdsFiltered are ids: {page}");
            for row in records(&page) {
                assert_shape("a portal user", row, PORTAL_USER_ROW);
                assert_stats("a portal user's stats", &row["stats"], true);
                assert!(row["permissionsNames"].as_array().unwrap().iter().all(Value::is_string), "{row}");
            }
            let done = records(&page).is_empty();
            rows.extend(records(&page).iter().cloned());
            if first.is_null() {
                first = page;
            }
            if done || rows.len() >= int(&first, "recordsFiltered") as usize {
                break;
            }
        }
        assert_unique(&rows, "the portal users");
        (first, rows)
    }

    /// Adds new learners to `portal` ("Add learners to a portal", `addManually`), one per last name, and
    /// finds their ids in the portal's user list.
    async fn new_learners(&self, portal: i64, last_names: &[&str]) -> Vec<Learner> {
        let learners: Vec<Value> = last_names
            .iter()
            .map(|last| {
                json!({
                    "first_name": "Ada",
                    "last_name": last,
                    "email": format!("ada.{}@example.test", last.to_lowercase()),
                    "password": "Quince-Harbour-71!",
                })
            })
            .collect();
        let body = json!({"portalId": portal, "userAddedType": "addManually", "learners": learners});
        let answer = self.api.post("/portals/learners", &body).await.ok_or_created();
        assert!(answer.is_object(), "Add learners to a portal answers an object: {answer}");
        let (_, users) = self.portal_users(portal).await;
        last_names
            .iter()
            .map(|last| {
                let row = users
                    .iter()
                    .find(|u| u["firstName"] == "Ada" && u["lastName"] == *last)
                    .unwrap_or_else(|| panic!("the learner Ada {last} is among the users of portal {portal}: {users:?}"));
                assert_eq!(row["is_learner"], true, "added as a learner: {row}");
                Learner {
                    id: int(row, "id"),
                    first: "Ada".into(),
                    last: last.to_string(),
                    email: format!("ada.{}@example.test", last.to_lowercase()),
                }
            })
            .collect()
    }

    /// A course other than `course`: from the portal's courses, else from the learning path's courses.
    async fn another_course(&self, course: i64) -> i64 {
        let query = query!("portalId" => self.id("portalId"), "page_size" => 100, "page_number" => 1);
        let courses = self.api.get("/portals/courses", &query).await.ok();
        if let Some(other) = records(&courses).iter().map(|row| int(row, "courseId")).find(|id| *id != course) {
            return other;
        }
        let (_, students) = self.enrolled_students(self.id("learningPathId"), -1).await;
        let registration = students.first().map(|row| int(row, "id")).expect("the learning path has an enrollment");
        let launch = self
            .api
            .get(&format!("/learning-path-registrations/{registration}/launch"), &query!("info" => true, "portalId" => self.id("portalId")))
            .await
            .ok();
        launch["courseData"].as_array().unwrap().iter().map(|c| int(c, "courseId")).find(|id| *id != course).expect("a second course")
    }

    /// Enroll learners into a course; the answer checked against the document's sample and wording.
    async fn enroll(&self, course: i64, students: &[i64], portal: Option<i64>, enrolled: i64, not_enrolled: i64) {
        let mut body = json!({"studentIds": students});
        if let Some(portal) = portal {
            body["portalId"] = portal.into();
        }
        let answer = self.api.post(&format!("/courses/{course}/enrollments"), &body).await.ok();
        assert_shape("Enroll learners", &answer, ENROLL_ANSWER);
        assert_eq!(answer["message"], format!("{enrolled} student(s) enrolled successfully"), "{students:?}: {answer}");
        assert_eq!((int(&answer, "enrolledUsersCount"), int(&answer, "notEnrolledUsers")), (enrolled, not_enrolled), "{answer}");
    }

    /// A bulk action on a course's enrollments: `POST /courses/{id}/enrollments/{action}`.
    async fn act(&self, course: i64, action: &str, body: Value, message: &str) {
        self.api.post(&format!("/courses/{course}/enrollments/{action}"), &body).await.says(message);
    }

    /// Course activities, up to 100, newest first, optionally for one learner (`nameOrEmail`).
    async fn course_activities(&self, course: i64, name_or_email: Option<&str>) -> (Value, Vec<Value>) {
        let mut query = query!(
            "course_id" => course,
            "page_size" => 100,
            "page_number" => 1,
            "order_by" => json!({"colName": "created_at", "direction": "desc"}),
            "portalId" => -1,
        );
        if let Some(name) = name_or_email {
            query.push(("search_param", json!({"nameOrEmail": name}).to_string()));
        }
        let page = self.api.get("/courses/activities", &query).await.ok();
        assert_shape("Retrieve Course Activities", &page, COURSE_ACTIVITIES);
        for row in records(&page) {
            assert_shape("a course activity", row, COURSE_ACTIVITY);
        }
        let rows = records(&page).clone();
        (page, rows)
    }

    async fn lookup(&self, noun: &str) -> Vec<Value> {
        let rows = self.api.get(&format!("/lookups/{noun}"), &Vec::new()).await.ok();
        let rows = rows.as_array().unwrap_or_else(|| panic!("a lookup answers a bare array: {rows}")).clone();
        rows.iter().for_each(|row| assert_shape(noun, row, LOOKUP_ROW));
        rows
    }

    async fn progress(&self, registration: i64, user: i64) -> Value {
        let progress = self.api.get(&format!("/course-registrations/{registration}/progress"), &query!("userId" => user)).await.ok();
        assert_shape("the course progress", &progress, COURSE_PROGRESS);
        for module in progress["modules"].as_array().unwrap() {
            assert_shape("a module of the course progress", module, PROGRESS_MODULE);
            if module["status_row_id"] == -1 {
                assert_eq!(module["status"], "Not Started", "a module without a status row is not started: {module}");
            }
        }
        assert_eq!(int(&progress, "id"), registration, "{progress}");
        assert_eq!(int(&progress, "userId"), user, "{progress}");
        progress
    }

    async fn gradebook(&self, registration: i64, user: i64) -> Value {
        let book = self.api.get(&format!("/course-registrations/{registration}/gradebook"), &query!("userId" => user)).await.ok();
        assert_shape("the gradebook", &book, GRADEBOOK);
        for module in book["modules"].as_array().unwrap() {
            assert_shape("a module of the gradebook", module, GRADEBOOK_MODULE);
            if module["total_time_spent"].is_object() {
                assert_time_spent(&module["total_time_spent"]);
            }
        }
        assert_time_spent(&book["timeSpent"]);
        assert_eq!(int(&book, "id"), registration, "{book}");
        assert_eq!(int(&book, "userId"), user, "{book}");
        book
    }

    async fn certificates(&self, user: i64) -> Vec<Value> {
        let query = query!("page_size" => 100, "page_number" => 1, "order_by" => json!([{"field": "issued_at", "direction": "desc"}]));
        let list = self.api.get(&format!("/users/{user}/certificates"), &query).await.ok();
        let list = list.as_array().unwrap_or_else(|| panic!("Get user certificates answers a bare array: {list}")).clone();
        list.iter().for_each(|row| assert_shape("a user certificate", row, USER_CERTIFICATE));
        list
    }
}

fn assert_time_spent(spent: &Value) {
    assert_shape("timeSpent", spent, TIME_SPENT);
    let total = int(spent, "hours") * 3600 + int(spent, "minutes") * 60 + int(spent, "seconds");
    assert_eq!(total, int(spent, "totalSeconds"), "totalSeconds is the hours, minutes and seconds: {spent}");
}

fn assert_unique(rows: &[Value], what: &str) {
    let ids: Vec<&Value> = rows.iter().map(|row| &row["id"]).collect();
    let unique: BTreeSet<String> = ids.iter().map(|id| id.to_string()).collect();
    assert_eq!(unique.len(), ids.len(), "{what}: a row came twice across pages");
}

fn row_of_user(rows: &[Value], user: i64) -> &Value {
    rows.iter().find(|row| row["user_id"] == user).unwrap_or_else(|| panic!("no row of user {user} in {rows:?}"))
}

fn row_with_id(rows: &[Value], id: i64) -> Option<&Value> {
    rows.iter().find(|row| row["id"] == id)
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// One call of each operation this client uses, with arguments the document asks for.
fn operations(demo: &Demo) -> Vec<(&'static str, String, Query, Option<Value>)> {
    let (course, path, portal) = (demo.id("courseId"), demo.id("learningPathId"), demo.id("portalId"));
    let (registration, user) = (demo.id("enrollmentId"), demo.id("userId"));
    let page = query!("page_size" => 10, "page_number" => 1);
    let with_page = |mut query: Query| {
        query.extend(page.clone());
        query
    };
    let ids = json!({"enrollmentIds": [registration]});
    vec![
        ("GET", "/courses/enrolled-learners".into(), with_page(query!("course_id" => course, "portalId" => -1)), None),
        ("POST", format!("/courses/{course}/enrollments"), Vec::new(), Some(json!({"studentIds": [user]}))),
        ("POST", format!("/courses/{course}/enrollments/remove"), Vec::new(), Some(ids.clone())),
        ("POST", format!("/courses/{course}/enrollments/reset-progress"), Vec::new(), Some(ids.clone())),
        ("POST", format!("/courses/{course}/enrollments/revoke-access"), Vec::new(), Some(ids.clone())),
        ("POST", format!("/courses/{course}/enrollments/grant-access"), Vec::new(), Some(ids.clone())),
        (
            "POST",
            format!("/courses/{course}/enrollments/set-expiry"),
            Vec::new(),
            Some(json!({"enrollmentIds": [registration], "expiryDate": "2031-01-01 00:00:00"})),
        ),
        ("POST", format!("/courses/{course}/enrollments/assign-certificate"), Vec::new(), Some(ids.clone())),
        ("GET", format!("/course-registrations/{registration}/progress"), query!("userId" => user), None),
        ("PUT", format!("/course-registrations/{registration}/progress"), query!("userId" => user, "status" => "Completed"), None),
        ("GET", format!("/course-registrations/{registration}/gradebook"), query!("userId" => user), None),
        ("GET", format!("/course-registrations/{registration}/launch"), query!("info" => true, "portalId" => portal), None),
        ("GET", "/courses/activities".into(), with_page(query!("course_id" => course)), None),
        ("GET", "/lookups/course-enrolled-users".into(), query!("search_term" => "a", "id" => course, "portalId" => -1), None),
        ("POST", "/reports/course-detail".into(), Vec::new(), Some(course_detail_body(course, json!(10), json!(1)))),
        ("POST", "/reports/lms-overview".into(), Vec::new(), Some(json!({"searchPortalIds": [-1]}))),
        ("GET", "/lookups/course-statuses".into(), Vec::new(), None),
        ("GET", "/lookups/course-activities".into(), Vec::new(), None),
        ("GET", "/lookups/learning-path-activities".into(), Vec::new(), None),
        ("GET", "/learning-paths/enrolled-students".into(), with_page(query!("learning_path_id" => path, "portalId" => -1)), None),
        ("POST", format!("/learning-paths/{path}/enrollments"), Vec::new(), Some(json!({"studentIds": [user]}))),
        ("POST", format!("/learning-paths/{path}/enrollments/remove"), Vec::new(), Some(ids.clone())),
        ("POST", format!("/learning-paths/{path}/enrollments/assign-certificate"), Vec::new(), Some(ids.clone())),
        ("GET", format!("/learning-path-registrations/{registration}/launch"), query!("info" => true, "portalId" => portal), None),
        ("POST", "/portals".into(), Vec::new(), Some(new_portal("Refused Portal", "refused-portal", 10))),
        (
            "POST",
            format!("/portals/{portal}/sub-portals"),
            Vec::new(),
            Some(json!({"subPortal": json!([{"name": "Refused Sub", "referralCode": "refused"}]).to_string()})),
        ),
        ("GET", "/portals/details".into(), query!("portalId" => portal), None),
        ("GET", "/lookups/portals".into(), query!("type" => "portals", "portalId" => -1), None),
        (
            "POST",
            "/portals/learners".into(),
            Vec::new(),
            Some(json!({"portalId": portal, "userAddedType": "addManually", "learners": [
                {"first_name": "Refused", "last_name": "Learner", "email": "refused@example.test", "password": "Quince-Harbour-71!"}
            ]})),
        ),
        ("GET", "/portals/courses".into(), with_page(query!("portalId" => portal)), None),
        ("GET", "/portals/users".into(), with_page(query!("portalId" => portal)), None),
        (
            "GET",
            "/users/enrolled-courses".into(),
            with_page(query!("user_id" => user, "portalId" => -1, "viewType" => "manage", "manage_course" => false)),
            None,
        ),
        ("GET", format!("/users/{user}/certificates"), page.clone(), None),
        (
            "PUT",
            "/user-certificates/1/dates".into(),
            Vec::new(),
            Some(json!({"rowId": 1, "newIssueDate": "2024-01-01 00:00:00", "newExpiryDate": "2025-01-01 00:00:00"})),
        ),
        ("GET", "/users/activities".into(), with_page(query!("user_id" => user, "context" => "admin", "portalId" => portal)), None),
        ("GET", "/users/dashboard-statistics".into(), query!("user_id" => user, "portalId" => portal), None),
        ("GET", format!("/courses/{course}/webinars/1/portals/-1/students"), page.clone(), None),
        (
            "PUT",
            "/webinar-registrations/status".into(),
            query!("ids" => format!("[{registration}]"), "status" => "Attended", "webinarId" => 1, "portalId" => -1),
            None,
        ),
        (
            "PUT",
            "/webinar-registrations/notes".into(),
            query!("ids" => format!("[{registration}]"), "notes" => "Refused", "webinarId" => 1, "portalId" => -1),
            None,
        ),
        (
            "POST",
            "/webinars/attendance-report".into(),
            Vec::new(),
            Some(json!({"webinarId": 1, "pageSize": 10, "pageNumber": 1, "portalId": -1})),
        ),
        (
            "POST",
            "/users/bulk-upload".into(),
            Vec::new(),
            Some(json!({"userList": [{"email": "refused.upload@example.test", "first_name": "Refused", "last_name": "Upload"}],
                "selectedCourses": [course], "selectedLearningPaths": [path], "membershipId": 1, "portalId": portal})),
        ),
        ("PUT", "/users/quick-edit".into(), Vec::new(), Some(json!({"user_ids": [user], "disabled": true}))),
        ("PUT", format!("/users/{user}/membership"), Vec::new(), Some(json!({"id": 1, "expired_at": "2021-10-03 23:59:59"}))),
        ("GET", format!("/reports/learning-paths/[-1]/[{path}]"), page.clone(), None),
        ("GET", "/reports/learning-paths-overview".into(), Vec::new(), None),
        (
            "GET",
            "/learning-paths/activities".into(),
            with_page(query!("learning_path_id" => path, "context" => "lp", "portalId" => -1)),
            None,
        ),
        ("GET", format!("/portals/{portal}/learning-paths"), with_page(query!("type" => "all")), None),
        ("POST", "/portals/catalog".into(), Vec::new(), Some(json!({"portalId": portal, "userId": user, "search": {}}))),
        (
            "POST",
            "/portals/my-courses".into(),
            Vec::new(),
            Some(json!({"portalId": portal, "page_size": 10, "page_number": 1, "order_by": [], "search_param": []})),
        ),
        ("GET", format!("/portals/{portal}/my-learning-paths"), page.clone(), None),
        (
            "GET",
            "/users/learning-paths".into(),
            with_page(query!("user_id" => user, "portalId" => -1, "viewType" => "manage", "order_by" => "{}", "search_param" => "{}")),
            None,
        ),
        ("GET", "/users/course-report".into(), with_page(query!("user_id" => user)), None),
    ]
}

/// The body of "Create a new portal." with every field the document marks required.
fn new_portal(name: &str, slug: &str, seats: i64) -> Value {
    json!({
        "portalName": name,
        "portalSlug": slug,
        "totalSeat": seats,
        "seatAccess": "limited",
        "brandColor": "#3498db",
        "bodyBackgroundColor": "#ffffff",
        "bodyTextColor": "#333333",
        "selectedPrimaryLanguage": "en",
        "isActive": true,
    })
}

/// The body of "API to get Course Detail Report": every field is required. Their values are the
/// widest the document allows: every status, every registration date, every portal (-1, as the
/// document says for portalId elsewhere) and every user category (-1 likewise).
fn course_detail_body(course: i64, size: Value, number: Value) -> Value {
    json!({
        "course_ids": [course],
        "page_size": size,
        "page_number": number,
        "order_by": {"colName": "registered_on", "direction": "desc"},
        "search_param": {"status": STATUSES},
        "userCategoryId": -1,
        "registered_between": ["2000-01-01", "2099-12-31"],
        "searchPortalIds": [-1],
    })
}

#[tokio::test]
async fn every_operation_wants_a_bearer_token() {
    let demo = Demo::start();
    let (course, portal) = (demo.id("courseId"), demo.id("portalId"));
    let before = demo.enrolled_learners(course, -1).await;
    let portals = demo.api.get("/lookups/portals", &query!("type" => "portals", "portalId" => -1)).await.ok();
    let operations = operations(&demo);
    assert_eq!(operations.len(), 52);
    for (method, path, query, body) in &operations {
        demo.api.without_token().call(method, path, query, body.as_ref()).await.unauthenticated();
        demo.api.with_token("not-a-token-of-anyone").call(method, path, query, body.as_ref()).await.unauthenticated();
    }
    assert_eq!(demo.enrolled_learners(course, -1).await, before, "refused calls change no enrollment");
    assert_eq!(demo.api.get("/lookups/portals", &query!("type" => "portals", "portalId" => -1)).await.ok(), portals, "nor any portal");
    let details = demo.api.get("/portals/details", &query!("portalId" => portal)).await.ok();
    assert_eq!(int(&details, "id"), portal, "with the token, the same call succeeds: {details}");
}

#[tokio::test]
async fn enrolled_learners_answer_the_documented_envelope_pages_and_filters() {
    let demo = Demo::start();
    let (course, portal) = (demo.id("courseId"), demo.id("portalId"));
    let (registration, user) = (demo.id("enrollmentId"), demo.id("userId"));

    // Every row of the course, with the totals the sample shows.
    let (all, rows) = demo.enrolled_learners(course, -1).await;
    assert!(!text(&all, "courseName").is_empty(), "{all}");
    assert!(row_with_id(&rows, registration).is_some(), "the sample enrollment {registration} is a row of course {course}");
    let learner = row_of_user(&rows, user);
    assert_eq!(learner["raw_user_type"], "learner", "the sample learner: {learner}");
    assert_eq!(learner["user_type"], "Learner", "the sample learner: {learner}");

    // Pages of one row (in the order the server keeps when order_by is absent): each a different row,
    // the same totals, together all the rows.
    let total = int(&all, "recordsTotal") as usize;
    let mut seen = Vec::new();
    for number in 1..=total.min(25) {
        let page = demo.enrolled_learners_page(course, -1, 1, number, None).await;
        assert_eq!(records(&page).len(), 1, "page {number} of size 1: {page}");
        for key in ["recordsTotal", "recordsFiltered", "totalNotStarted", "totalInProgress", "totalCompleted", "courseName"] {
            assert_eq!(page[key], all[key], "{key} is the same on page {number}");
        }
        seen.push(records(&page)[0].clone());
    }
    assert_unique(&seen, "pages of one row");
    let ids = |rows: &[Value]| rows.iter().map(|row| row["id"].to_string()).collect::<BTreeSet<_>>();
    assert!(ids(&seen).is_subset(&ids(&rows)), "the pages of one row hold rows of the course");
    if total <= 25 {
        assert_eq!(ids(&seen), ids(&rows), "the pages of one row hold every row");
    }
    let beyond = demo.enrolled_learners_page(course, -1, 1, total + 1, None).await;
    assert!(records(&beyond).is_empty(), "no row after the last page: {beyond}");
    assert_eq!(beyond["recordsTotal"], all["recordsTotal"], "{beyond}");

    // page_size and page_number are numeric strings in the document ("page_size=10"): leading zeros are numbers too.
    let padded = demo
        .api
        .get("/courses/enrolled-learners", &query!("course_id" => course, "portalId" => -1, "page_size" => "01", "page_number" => "01"))
        .await
        .ok();
    assert_eq!(records(&padded).len(), 1, "page_size=01: {padded}");
    assert_eq!(records(&padded)[0], seen[0], "page_number=01 is the first page");

    // search_param status: only rows of that status; recordsTotal still counts every row.
    for status in STATUSES {
        let (filtered, matching) = demo.enrolled_learners_matching(course, -1, Some(&json!({"status": [status]}))).await;
        assert!(matching.iter().all(|row| row["status"] == *status), "status {status}: {matching:?}");
        let expected = rows.iter().filter(|row| row["status"] == *status).count();
        assert_eq!(matching.len(), expected, "every row of status {status}");
        assert_eq!(int(&filtered, "recordsFiltered") as usize, expected, "recordsFiltered counts the rows of status {status}: {filtered}");
        assert_eq!(filtered["recordsTotal"], all["recordsTotal"], "recordsTotal counts every row: {filtered}");
    }
    let (_, two) = demo.enrolled_learners_matching(course, -1, Some(&json!({"status": ["Not Started", "In Progress"]}))).await;
    let expected = rows.iter().filter(|row| row["status"] != "Completed").count();
    assert_eq!(two.len(), expected, "the document's example: two statuses");

    // search_param nameOrEmail: the sample learner by name.
    let name = format!("{} {}", text(learner, "first_name"), text(learner, "last_name"));
    let (by_name, found) = demo.enrolled_learners_matching(course, -1, Some(&json!({"nameOrEmail": name}))).await;
    assert!(found.iter().any(|row| row["user_id"] == user), "nameOrEmail={name} finds the learner: {found:?}");
    assert!(int(&by_name, "recordsFiltered") <= int(&by_name, "recordsTotal"), "{by_name}");
    let (_, none) = demo.enrolled_learners_matching(course, -1, Some(&json!({"nameOrEmail": "no learner has this name qzx"}))).await;
    assert!(none.is_empty(), "a name no one has finds no one: {none:?}");

    // order_by as the document writes it (a column), and as JSON: the same rows either way.
    for order in [json!("registered_on"), json!({"colName": "registered_on", "direction": "desc"})] {
        let order = order.as_str().map(str::to_string).unwrap_or_else(|| order.to_string());
        let query = query!("course_id" => course, "portalId" => -1, "page_size" => 100, "page_number" => 1, "order_by" => order);
        let page = demo.api.get("/courses/enrolled-learners", &query).await.ok();
        assert_shape("Enrolled Learners", &page, ENROLLED_LEARNERS);
        assert_eq!(page["recordsFiltered"], all["recordsFiltered"], "order_by={order} orders, it does not filter");
    }

    // A portal narrows the list to its learners (and its sub-portals').
    let (in_portal, portal_rows) = demo.enrolled_learners(course, portal).await;
    assert!(int(&in_portal, "recordsTotal") <= int(&all, "recordsTotal"), "portal {portal}: {in_portal}");
    assert!(portal_rows.iter().all(|row| rows.contains(row)), "a portal's rows are rows of the course");
}

#[tokio::test]
async fn enrolling_and_the_six_bulk_actions_have_the_documented_counts_and_effects() {
    let demo = Demo::start();
    let (course, portal, user) = (demo.id("courseId"), demo.id("portalId"), demo.id("userId"));
    let learners = demo.new_learners(portal, &["Alpha", "Bravo", "Charlie"]).await;
    let (alpha, bravo, charlie) = (&learners[0], &learners[1], &learners[2]);
    let other = demo.another_course(course).await;
    let (before, _) = demo.enrolled_learners(course, -1).await;

    // Enroll: two new learners, and one already enrolled, who counts as not enrolled.
    demo.enroll(course, &[alpha.id, bravo.id, user], Some(portal), 2, 1).await;
    demo.enroll(course, &[alpha.id], None, 0, 1).await;
    demo.enroll(other, &[charlie.id], None, 1, 0).await;
    let (after, rows) = demo.enrolled_learners(course, -1).await;
    assert_eq!(int(&after, "recordsTotal"), int(&before, "recordsTotal") + 2, "two more learners: {after}");
    assert_eq!(int(&after, "totalNotStarted"), int(&before, "totalNotStarted") + 2, "both not started: {after}");
    for learner in [alpha, bravo] {
        let row = row_of_user(&rows, learner.id);
        assert_eq!((text(row, "first_name"), text(row, "last_name")), (learner.first.as_str(), learner.last.as_str()), "{row}");
        assert_eq!((&row["status"], &row["percentComplete"], &row["access_status"]), (&json!("Not Started"), &json!(0), &json!("Allowed")));
        assert_eq!(row["certificate_count"], 0, "{row}");
        assert!(is_about_today(text(row, "registered_on"), LIST_DATE), "registered today: {row}");
        assert_eq!((&row["user_type"], &row["raw_user_type"]), (&json!("Learner"), &json!("learner")), "{row}");
    }
    let (alpha_enrollment, bravo_enrollment) = (int(row_of_user(&rows, alpha.id), "id"), int(row_of_user(&rows, bravo.id), "id"));
    let (_, other_rows) = demo.enrolled_learners(other, -1).await;
    let charlie_before = row_of_user(&other_rows, charlie.id).clone();
    let charlie_enrollment = int(&charlie_before, "id");
    assert!(rows.iter().all(|row| row["user_id"] != charlie.id), "Charlie is enrolled in the other course only");

    // Update Course Progress, then Reset Progress: Not Started, 0 %. Charlie's enrollment is of another course.
    let query = query!("userId" => alpha.id, "status" => "In Progress", "startDate" => "2024-05-06 07:08:09");
    demo.api
        .call("PUT", &format!("/course-registrations/{alpha_enrollment}/progress"), &query, None)
        .await
        .says("Course updated Successfully");
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    assert_eq!(row_of_user(&rows, alpha.id)["status"], "In Progress", "the progress was written");
    let ids = json!({"enrollmentIds": [alpha_enrollment, charlie_enrollment]});
    demo.act(course, "reset-progress", ids.clone(), "1 student(s) progress is reset successfully").await;
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    let row = row_of_user(&rows, alpha.id);
    assert_eq!((&row["status"], &row["percentComplete"]), (&json!("Not Started"), &json!(0)), "reset: {row}");
    let progress = demo.progress(alpha_enrollment, alpha.id).await;
    assert_eq!((&progress["status"], &progress["completionPercentage"]), (&json!("Not Started"), &json!(0)), "{progress}");
    assert!(progress["modules"].as_array().unwrap().iter().all(|m| m["status"] == "Not Started"), "every module reset: {progress}");

    // Revoke Access (ids as strings: the document types them "Array of strings"), then Grant Access.
    let as_strings = json!({"enrollmentIds": [alpha_enrollment.to_string(), charlie_enrollment.to_string()]});
    demo.act(course, "revoke-access", as_strings, "1 learner(s) access has been revoked successfully").await;
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    let revoked = text(row_of_user(&rows, alpha.id), "access_status").to_string();
    assert_ne!(revoked, "Allowed", "revoked: {:?}", row_of_user(&rows, alpha.id));
    assert_eq!(row_of_user(&rows, bravo.id)["access_status"], "Allowed", "Bravo was not revoked");
    assert_eq!(demo.gradebook(alpha_enrollment, alpha.id).await["accessStatus"], revoked.as_str(), "the gradebook agrees");
    demo.act(course, "grant-access", ids.clone(), "1 learner(s) access has been granted successfully").await;
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    assert_eq!(row_of_user(&rows, alpha.id)["access_status"], "Allowed", "granted again");
    assert_eq!(demo.gradebook(alpha_enrollment, alpha.id).await["accessStatus"], "Allowed", "the gradebook agrees");

    // Set Expiry: expire_on shows the date, as registered_on is written.
    let body = json!({"enrollmentIds": [alpha_enrollment, bravo_enrollment, charlie_enrollment], "expiryDate": "2031-05-17 12:00:00"});
    demo.act(course, "set-expiry", body, "Expiration date is successfully updated for 2 student(s)").await;
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    for learner in [alpha, bravo] {
        assert_eq!(row_of_user(&rows, learner.id)["expire_on"], "May 17, 2031", "{}'s expiry", learner.name());
    }
    let progress = demo.progress(alpha_enrollment, alpha.id).await;
    assert_eq!(progress["expiryDate"], "2031-05-17T12:00:00.000000Z", "the progress shows the expiry: {progress}");

    // Assign Certificate: certificate_count grows, and the learner has one more certificate.
    let certificates = demo.certificates(alpha.id).await;
    demo.act(course, "assign-certificate", ids.clone(), "Certificate is successfully assigned to 1 student(s)").await;
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    assert_eq!(row_of_user(&rows, alpha.id)["certificate_count"], 1, "one certificate");
    assert_eq!(row_of_user(&rows, bravo.id)["certificate_count"], 0, "Bravo has none");
    let now = demo.certificates(alpha.id).await;
    assert_eq!(now.len(), certificates.len() + 1, "one more certificate: {now:?}");
    let issued = now.iter().find(|c| !certificates.contains(c)).unwrap().clone();
    assert!(is_about_today(text(&issued, "issued_at"), CERTIFICATE_DATE), "issued today: {issued}");

    // Update Certificate Issue and Expiry Dates of that certificate.
    let row_id = int(&issued, "id");
    let body = json!({"rowId": row_id, "newIssueDate": "2024-02-03 10:00:00", "newExpiryDate": "2027-02-03 10:00:00"});
    demo.api.call("PUT", &format!("/user-certificates/{row_id}/dates"), &Vec::new(), Some(&body)).await.says("Date Updated Successfully");
    let now = demo.certificates(alpha.id).await;
    let updated = now.iter().find(|c| c["id"] == row_id).unwrap_or_else(|| panic!("certificate {row_id} is still listed: {now:?}"));
    assert_eq!((&updated["issued_at"], &updated["valid_till"]), (&json!("2024-02-03"), &json!("2027-02-03")), "{updated}");

    // The Course Detail Report shows the same, with the document's spellings.
    let report = demo.api.post("/reports/course-detail", &course_detail_body(course, json!(100), json!(1))).await.ok();
    assert_shape("the Course Detail Report", &report, COURSE_DETAIL_REPORT);
    let rows_of_report = records(&report);
    rows_of_report.iter().for_each(|row| assert_shape("a Course Detail Report row", row, COURSE_DETAIL_ROW));
    let row = row_of_user(rows_of_report, alpha.id);
    assert_eq!((int(row, "course_id"), text(row, "email")), (course, alpha.email.as_str()), "{row}");
    assert_eq!(count(row, "certifcate_count"), 1, "one certificate: {row}");
    assert_eq!(row["access_status"], "Allowed", "{row}");

    // Remove Learners: Bravo's enrollment is gone; Charlie's, of another course, stays.
    let body = json!({"enrollmentIds": [bravo_enrollment, charlie_enrollment]});
    demo.act(course, "remove", body, "1 student(s) removed successfully").await;
    let (after_remove, rows) = demo.enrolled_learners(course, -1).await;
    assert!(row_with_id(&rows, bravo_enrollment).is_none(), "Bravo's enrollment is removed");
    assert_eq!(int(&after_remove, "recordsTotal"), int(&before, "recordsTotal") + 1, "{after_remove}");

    // Charlie's enrollment in the other course was passed to every action and changed by none.
    let (_, other_rows) = demo.enrolled_learners(other, -1).await;
    assert_eq!(row_of_user(&other_rows, charlie.id), &charlie_before, "an enrollment of another course is not affected");

    // The activities record each action, with verbs of the Course Activity Lookup.
    let verbs: BTreeSet<String> = demo.lookup("course-activities").await.iter().map(|row| text(row, "db_value").to_string()).collect();
    let (activities, alpha_rows) = demo.course_activities(course, Some(&alpha.name())).await;
    assert!(alpha_rows.iter().all(|row| row["student"] == alpha.name().as_str()), "nameOrEmail: only Alpha's activities: {alpha_rows:?}");
    let alpha_verbs: BTreeSet<&str> = alpha_rows.iter().map(|row| text(row, "verb")).collect();
    for verb in ["ENROLLED", "RESET", "REVOKED", "GRANTED", "UPDATED EXPIRY DATE", "ACHIEVED CERTIFICATE"] {
        assert!(alpha_verbs.contains(verb), "Alpha's activities have {verb}: {alpha_rows:?}");
    }
    let enrolled = alpha_rows.iter().find(|row| row["verb"] == "ENROLLED").unwrap();
    let course_name = text(&activities, "courseName");
    assert_eq!(enrolled["message"], format!("{} is enrolled to {course_name}", alpha.name()), "the document's wording: {enrolled}");
    assert!(alpha_rows.iter().all(|row| is_about_today(&text(row, "created_at")[..12], LIST_DATE)), "all done today: {alpha_rows:?}");
    let (_, bravo_rows) = demo.course_activities(course, Some(&bravo.name())).await;
    let bravo_verbs: BTreeSet<&str> = bravo_rows.iter().map(|row| text(row, "verb")).collect();
    for verb in ["ENROLLED", "UPDATED EXPIRY DATE", "REMOVED"] {
        assert!(bravo_verbs.contains(verb), "Bravo's activities have {verb}: {bravo_rows:?}");
    }
    for verb in ["RESET", "REVOKED", "GRANTED", "ACHIEVED CERTIFICATE"] {
        assert!(!bravo_verbs.contains(verb), "nothing was {verb} for Bravo: {bravo_rows:?}");
    }
    let (_, charlie_rows) = demo.course_activities(other, Some(&charlie.name())).await;
    let charlie_verbs: BTreeSet<&str> = charlie_rows.iter().map(|row| text(row, "verb")).collect();
    assert_eq!(charlie_verbs, BTreeSet::from(["ENROLLED"]), "Charlie was only enrolled: {charlie_rows:?}");
    let (_, every) = demo.course_activities(course, None).await;
    assert!(every.iter().all(|row| verbs.contains(text(row, "verb"))), "every verb is in the lookup: {every:?}");

    // The learner's own views: Enrolled Courses and Retrieve User Activities.
    let query = query!("user_id" => alpha.id, "page_size" => 100, "page_number" => 1, "portalId" => -1, "viewType" => "manage", "manage_course" => false);
    let courses = demo.api.get("/users/enrolled-courses", &query).await.ok();
    assert_shape("Enrolled Courses", &courses, USER_ENROLLED_COURSES);
    records(&courses).iter().for_each(|row| assert_shape("an Enrolled Courses row", row, USER_ENROLLED_COURSE_ROW));
    let mine = records(&courses).iter().find(|row| row["courseId"] == course).unwrap_or_else(|| panic!("course {course}: {courses}"));
    assert_eq!(
        (&mine["accessStatus"], &mine["expire_on"], &mine["certificate_count"]),
        (&json!("Allowed"), &json!("May 17, 2031"), &json!(1))
    );
    assert_eq!((text(&courses, "name"), text(mine, "courseName")), (alpha.name().as_str(), course_name), "{courses}");
    assert!(is_about_today(text(mine, "registered_on"), LIST_DATE), "{mine}");
    let query = query!("user_id" => alpha.id, "page_size" => 100, "page_number" => 1, "context" => "admin", "portalId" => portal);
    let activities = demo.api.get("/users/activities", &query).await.ok();
    assert_shape("Retrieve User Activities", &activities, USER_ACTIVITIES);
    records(&activities).iter().for_each(|row| assert_shape("a user activity", row, USER_ACTIVITY));
    assert!(
        records(&activities).iter().any(|row| row["verb"] == "ENROLLED" && row["course"] == course_name),
        "Alpha's activities show the enrollment in {course_name}: {activities}"
    );
}

#[tokio::test]
async fn progress_gradebook_and_launch_answer_the_documented_shapes() {
    let demo = Demo::start();
    let (course, portal, registration) = (demo.id("courseId"), demo.id("portalId"), demo.id("enrollmentId"));
    let (envelope, rows) = demo.enrolled_learners(course, -1).await;
    let row = row_with_id(&rows, registration).unwrap_or_else(|| panic!("enrollment {registration} in {rows:?}")).clone();
    let user = int(&row, "user_id");
    let course_name = text(&envelope, "courseName").to_string();

    // Retrieves the course details for given course ID and user ID (a course registration's progress).
    let progress = demo.progress(registration, user).await;
    assert_eq!(int(&progress, "course_id"), course, "{progress}");
    assert_eq!(progress["name"], course_name.as_str(), "{progress}");
    assert_eq!(progress["userName"], format!("{} {}", text(&row, "first_name"), text(&row, "last_name")), "{progress}");
    assert_eq!(
        (&progress["status"], &progress["completionPercentage"]),
        (&row["status"], &row["percentComplete"]),
        "as the list: {progress}"
    );

    // Gradebook Data.
    let book = demo.gradebook(registration, user).await;
    assert_eq!((&book["name"], &book["status"]), (&json!(course_name), &row["status"]), "{book}");
    assert_eq!(book["accessStatus"], row["access_status"], "{book}");
    let module_ids = |value: &Value| value["modules"].as_array().unwrap().iter().map(|m| m["module_id"].clone()).collect::<Vec<_>>();
    assert_eq!(module_ids(&book), module_ids(&progress), "the gradebook and the progress list the same modules");

    // Launch with info: the information, and nothing started.
    let launch =
        demo.api.get(&format!("/course-registrations/{registration}/launch"), &query!("info" => true, "portalId" => portal)).await.ok();
    assert_shape("Launch", &launch, LAUNCH);
    assert_eq!((int(&launch, "id"), text(&launch, "name")), (registration, course_name.as_str()), "{launch}");
    assert_eq!((&launch["accessStatus"], &launch["status"]), (&row["access_status"], &row["status"]), "{launch}");
    assert_eq!(launch["display_status"], launch["status"], "{launch}");
    let (_, again) = demo.enrolled_learners(course, -1).await;
    assert_eq!(row_with_id(&again, registration), Some(&row), "a launch with info starts nothing");

    // Update Course Progress writes what it is given, in Y-m-d H:i:s, and nothing else.
    let (before, _) = demo.enrolled_learners(course, -1).await;
    let query = query!(
        "userId" => user,
        "status" => "Completed",
        "startDate" => "2024-01-02 03:04:05",
        "completionDate" => "2024-01-03 04:05:06",
        "lastAccessed" => "2024-01-04 05:06:07",
    );
    let path = format!("/course-registrations/{registration}/progress");
    demo.api.call("PUT", &path, &query, None).await.says("Course updated Successfully");
    let written = demo.progress(registration, user).await;
    assert_eq!(written["status"], "Completed", "{written}");
    assert_eq!(written["startDate"], "2024-01-02T03:04:05.000000Z", "{written}");
    assert_eq!(written["completionDate"], "2024-01-03T04:05:06.000000Z", "{written}");
    assert_eq!(written["lastAccessed"], "2024-01-04T05:06:07.000000Z", "{written}");
    assert_eq!((&written["enrollmentDate"], &written["expiryDate"]), (&progress["enrollmentDate"], &progress["expiryDate"]), "not given");
    let (after, rows) = demo.enrolled_learners(course, -1).await;
    let now = row_with_id(&rows, registration).unwrap();
    assert_eq!((&now["status"], &now["display_status"]), (&json!("Completed"), &json!("Completed")), "{now}");
    assert!(!text(now, "started_on").is_empty() && !text(now, "completed_on").is_empty(), "started and completed: {now}");
    let was_completed = i64::from(row["status"] == "Completed");
    assert_eq!(int(&after, "totalCompleted"), int(&before, "totalCompleted") + 1 - was_completed, "{after}");
    assert_eq!(after["recordsTotal"], before["recordsTotal"], "{after}");

    let query = query!("userId" => user, "expiryDate" => "2032-03-04 05:06:07", "enrollmentDate" => "2023-12-01 08:00:00");
    demo.api.call("PUT", &path, &query, None).await.says("Course updated Successfully");
    let dated = demo.progress(registration, user).await;
    assert_eq!(dated["expiryDate"], "2032-03-04T05:06:07.000000Z", "{dated}");
    assert_eq!(dated["enrollmentDate"], "2023-12-01T08:00:00.000000Z", "{dated}");
    for key in ["status", "startDate", "completionDate", "lastAccessed"] {
        assert_eq!(dated[key], written[key], "{key} was not given, so it stays");
    }
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    let now = row_with_id(&rows, registration).unwrap();
    assert_eq!((&now["registered_on"], &now["expire_on"]), (&json!("Dec 01, 2023"), &json!("Mar 04, 2032")), "{now}");

    // One module's status, as the document's `modules` example writes it.
    if let Some(module) = dated["modules"].as_array().unwrap().first().cloned() {
        let id = int(&module, "module_id");
        let target = if module["status"] == "Completed" { "Not Started" } else { "Completed" };
        let query = query!("userId" => user, "modules" => json!([{"module_id": id, "status": target}]));
        demo.api.call("PUT", &path, &query, None).await.says("Course updated Successfully");
        let moved = demo.progress(registration, user).await;
        let module = moved["modules"].as_array().unwrap().iter().find(|m| m["module_id"] == id).unwrap();
        assert_eq!(module["status"], target, "module {id}: {moved}");
    }
}

#[tokio::test]
async fn learning_path_enrollments_as_documented() {
    let demo = Demo::start();
    let (path, portal) = (demo.id("learningPathId"), demo.id("portalId"));
    let learners = demo.new_learners(portal, &["Delta", "Echo"]).await;
    let (delta, echo) = (&learners[0], &learners[1]);
    let (before, _) = demo.enrolled_students(path, -1).await;
    let name = text(&before, "learningPathName").to_string();
    assert!(!name.is_empty(), "{before}");

    // Enroll Students.
    let api = &demo.api;
    let enroll = |students: Vec<i64>| async move {
        let body = json!({"studentIds": students, "portalId": portal});
        let answer = api.post(&format!("/learning-paths/{path}/enrollments"), &body).await.ok();
        assert_shape("Enroll Students", &answer, ENROLL_ANSWER);
        answer
    };
    let answer = enroll(vec![delta.id, echo.id]).await;
    assert_eq!(answer, json!({"message": "2 student(s) enrolled successfully", "enrolledUsersCount": 2, "notEnrolledUsers": 0}));
    let answer = enroll(vec![delta.id]).await;
    assert_eq!(answer, json!({"message": "0 student(s) enrolled successfully", "enrolledUsersCount": 0, "notEnrolledUsers": 1}));
    let (after, rows) = demo.enrolled_students(path, -1).await;
    assert_eq!(int(&after, "recordsTotal"), int(&before, "recordsTotal") + 2, "{after}");
    for learner in [delta, echo] {
        let row = row_of_user(&rows, learner.id);
        assert_eq!((&row["status"], &row["percentComplete"], &row["access_status"]), (&json!("Not Started"), &json!(0), &json!("Allowed")));
        assert_eq!((&row["first_name"], &row["last_name"]), (&json!(learner.first), &json!(learner.last)), "{row}");
        assert!(is_about_today(text(row, "registered_on"), LIST_DATE), "{row}");
    }
    let (delta_enrollment, echo_enrollment) = (int(row_of_user(&rows, delta.id), "id"), int(row_of_user(&rows, echo.id), "id"));

    // Learning Path Launch with info.
    let launch = demo
        .api
        .get(&format!("/learning-path-registrations/{delta_enrollment}/launch"), &query!("info" => true, "portalId" => portal))
        .await
        .ok();
    assert_shape("Learning Path Launch", &launch, LP_LAUNCH);
    assert_eq!((int(&launch, "id"), text(&launch, "name")), (delta_enrollment, name.as_str()), "{launch}");
    assert_eq!(launch["status"], "Not Started", "{launch}");
    assert!(is_about_today(text(&launch, "enrollmentDate"), LAUNCH_DATE), "{launch}");
    let courses = launch["courseData"].as_array().unwrap();
    assert!(courses.len() >= 2, "a learning path has at least two courses: {launch}");
    courses.iter().for_each(|course| assert_shape("a course of the learning path launch", course, LP_LAUNCH_COURSE));
    let (_, again) = demo.enrolled_students(path, -1).await;
    assert_eq!(row_of_user(&again, delta.id), row_of_user(&rows, delta.id), "a launch with info starts nothing");

    // Assign Certificate (the learning path has a template), with the document's `isSucess`.
    let body = json!({"enrollmentIds": [delta_enrollment]});
    let answer = demo.api.post(&format!("/learning-paths/{path}/enrollments/assign-certificate"), &body).await.ok();
    assert_shape("Assign Certificate (learning path)", &answer, LP_CERTIFICATE_ANSWER);
    assert_eq!(answer, json!({"isSucess": true, "message": "Certificate assigned successfully to 1 student(s)"}));
    let (_, rows) = demo.enrolled_students(path, -1).await;
    assert_eq!(row_of_user(&rows, delta.id)["certificate_count"], 1, "one certificate");
    assert_eq!(row_of_user(&rows, echo.id)["certificate_count"], 0, "none for Echo");

    // Remove Learners: an id that is no enrollment is not counted.
    let body = json!({"enrollmentIds": [echo_enrollment, 999_999_999]});
    demo.api.post(&format!("/learning-paths/{path}/enrollments/remove"), &body).await.says("1 student(s) removed successfully");
    let (removed, rows) = demo.enrolled_students(path, -1).await;
    assert!(row_with_id(&rows, echo_enrollment).is_none(), "Echo's enrollment is removed");
    assert!(row_with_id(&rows, delta_enrollment).is_some(), "Delta's stays");
    assert_eq!(int(&removed, "recordsTotal"), int(&before, "recordsTotal") + 1, "{removed}");
}

#[tokio::test]
async fn lookups_list_the_documented_values() {
    let demo = Demo::start();
    let pairs = |rows: Vec<Value>| {
        rows.iter().map(|row| (text(row, "db_value").to_string(), text(row, "display_value").to_string())).collect::<Vec<_>>()
    };
    let same = |values: &[&str]| values.iter().map(|v| (v.to_string(), v.to_string())).collect::<Vec<_>>();

    assert_eq!(pairs(demo.lookup("course-statuses").await), same(STATUSES), "Course Status Lookup");

    let mut activities = same(&[
        "ENROLLED",
        "STARTED",
        "ACCESSED",
        "COMPLETED",
        "SUBMITTED",
        "EVALUATED",
        "REJECTED",
        "RETAKE",
        "ACHIEVED CERTIFICATE",
        "RESET",
        "REMOVED",
        "REVOKED",
        "GRANTED",
        "UPDATED EXPIRY DATE",
        "FAILED",
        "MANUALLY UPDATED",
        "REGISTERED",
        "ATTENDED",
        "NO SHOW",
        "CANCELLED",
        "ACHIEVED BADGE",
    ]);
    activities[7].1 = "RETAKEN".to_string();
    assert_eq!(pairs(demo.lookup("course-activities").await), activities, "Course Activity Lookup: 21 verbs, RETAKE shown as RETAKEN");

    let path = same(&["ENROLLED", "STARTED", "ACCESSED", "COMPLETED", "ACHIEVED CERTIFICATE", "REMOVED"]);
    assert_eq!(pairs(demo.lookup("learning-path-activities").await), path, "Learning Path Activities Lookup");

    // Enrolled User Lookup: the sample is an empty array; a learner of the course is found by name.
    let (course, user) = (demo.id("courseId"), demo.id("userId"));
    let (_, rows) = demo.enrolled_learners(course, -1).await;
    let learner = row_of_user(&rows, user);
    let name = format!("{} {}", text(learner, "first_name"), text(learner, "last_name"));
    let found = demo.api.get("/lookups/course-enrolled-users", &query!("search_term" => name, "id" => course, "portalId" => -1)).await.ok();
    let found = found.as_array().unwrap_or_else(|| panic!("Enrolled User Lookup answers an array: {found}"));
    assert!(!found.is_empty(), "{name} is enrolled in course {course}");
    let none =
        demo.api.get("/lookups/course-enrolled-users", &query!("search_term" => "no learner has this name qzx", "id" => course)).await.ok();
    assert_eq!(none, json!([]), "no one has that name");
}

#[tokio::test]
async fn portals_are_created_detailed_and_filled_as_documented() {
    let demo = Demo::start();
    let portal = demo.id("portalId");
    let details = |id: i64| {
        let api = demo.api.clone();
        async move {
            let details = api.get("/portals/details", &query!("portalId" => id)).await.ok();
            assert_shape("Get detailed portal information", &details, PORTAL_DETAILS);
            assert_shape("selectedContent", &details["selectedContent"], PORTAL_SELECTED_CONTENT);
            assert_eq!(int(&details, "id"), id, "{details}");
            if let (Some(total), Some(available)) = (details["totalSeats"].as_i64(), details["availableSeats"].as_i64()) {
                assert_eq!(int(&details, "usedSeats") + available, total, "used and available seats make the total: {details}");
            }
            details
        }
    };
    let lookup = |kind: &str, id: i64, search: Option<&str>| {
        let (api, kind, search) = (demo.api.clone(), kind.to_string(), search.map(str::to_string));
        async move {
            let mut query = query!("type" => kind, "portalId" => id);
            if let Some(search) = search {
                query.push(("search_term", search));
            }
            let rows = api.get("/lookups/portals", &query).await.ok();
            let rows = rows.as_array().unwrap_or_else(|| panic!("Lookup Portals answers an array: {rows}")).clone();
            for row in &rows {
                assert_shape("Lookup Portals", row, PORTAL_LOOKUP_ROW);
                if let (Some(total), Some(available)) = (row["totalSeats"].as_i64(), row["availableSeats"].as_i64()) {
                    assert_eq!(int(row, "usedSeat") + available, total, "seats: {row}");
                }
            }
            rows
        }
    };

    // The demo portal: its details, its sub-portals, its courses.
    let main = details(portal).await;
    assert!(int(&main, "subPortalCount") >= 1, "the demo portal has a sub-portal: {main}");
    let subs = lookup("subPortals", portal, None).await;
    assert_eq!(subs.len() as i64, int(&main, "subPortalCount"), "the sub-portals: {subs:?}");
    for sub in &subs {
        let sub = details(int(sub, "id")).await;
        assert_eq!((int(&sub, "parentPortalId"), &sub["parentPortalName"]), (portal, &main["portalName"]), "{sub}");
    }
    let courses = demo.api.get("/portals/courses", &query!("portalId" => portal, "page_size" => 100, "page_number" => 1)).await.ok();
    assert_shape("the portal's courses", &courses, PORTAL_COURSES);
    assert_eq!(courses["portalName"], main["portalName"], "{courses}");
    for row in records(&courses) {
        assert_shape("a portal course", row, PORTAL_COURSE_ROW);
        assert_stats("a portal course's stats", &row["stats"], true);
    }
    let one = demo.api.get("/portals/courses", &query!("portalId" => portal, "page_size" => 1, "page_number" => 1)).await.ok();
    assert!(records(&one).len() <= 1 && one["recordsTotal"] == courses["recordsTotal"], "page_size=1: {one}");

    // An unknown portal: the document's 404 tab.
    demo.api.get("/portals/details", &query!("portalId" => 999_999_999)).await.not_found();

    // Create a new portal, then find it and read it back.
    demo.api.post("/portals", &new_portal("Seed Client Portal", "seed-client-portal", 1)).await.says("Portal created successfully");
    let found = lookup("portals", -1, Some("Seed Client Portal")).await;
    assert_eq!(found.len(), 1, "the new portal, by name: {found:?}");
    let created = int(&found[0], "id");
    assert_eq!((&found[0]["totalSeats"], &found[0]["usedSeat"], &found[0]["availableSeats"]), (&json!(1), &json!(0), &json!(1)));
    let new = details(created).await;
    for (key, value) in [
        ("portalName", json!("Seed Client Portal")),
        ("portalSlug", json!("seed-client-portal")),
        ("brandColor", json!("#3498db")),
        ("bodyBackgroundColor", json!("#ffffff")),
        ("bodyTextColor", json!("#333333")),
        ("selectedPrimaryLanguage", json!("en")),
        ("isActive", json!(true)),
        ("totalSeats", json!(1)),
        ("usedSeats", json!(0)),
        ("subPortalCount", json!(0)),
        ("parentPortalId", Value::Null),
    ] {
        assert_eq!(new[key], value, "{key} of the new portal: {new}");
    }

    // Add a sub portal: `subPortal` is a JSON-encoded array, as the document's sample sends it.
    let body = json!({"subPortal": json!([{"name": "Seed Client Sub", "referralCode": "seedsub1"}]).to_string()});
    demo.api.post(&format!("/portals/{created}/sub-portals"), &body).await.says("Sub Portal added successfully");
    assert_eq!(details(created).await["subPortalCount"], 1);
    let subs = lookup("subPortals", created, None).await;
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0]["name"], "Seed Client Sub", "{subs:?}");
    let sub = details(int(&subs[0], "id")).await;
    assert_eq!((int(&sub, "parentPortalId"), &sub["referralCode"]), (created, &json!("seedsub1")), "{sub}");
    assert_eq!(sub["parentPortalName"], "Seed Client Portal", "{sub}");

    // Add learners to a portal: the one seat is taken; a second learner does not fit.
    let foxtrot = demo.new_learners(created, &["Foxtrot"]).await;
    let (users, rows) = demo.portal_users(created).await;
    assert_eq!(users["portalName"], "Seed Client Portal", "{users}");
    assert_eq!(rows.len(), 1, "one learner in the new portal: {rows:?}");
    assert_eq!(int(&rows[0], "id"), foxtrot[0].id);
    assert_eq!(rows[0]["stats"], json!({"notStarted": 0, "inProgress": 0, "completed": 0, "total": 0}), "{rows:?}");
    let found = lookup("portals", -1, Some("Seed Client Portal")).await;
    let seats = found.iter().find(|row| row["id"] == created).unwrap();
    assert_eq!((&seats["usedSeat"], &seats["availableSeats"]), (&json!(1), &json!(0)), "{seats}");
    let body = json!({"portalId": created, "userAddedType": "addManually", "learners": [
        {"first_name": "Ada", "last_name": "Golf", "email": "ada.golf@example.test", "password": "Quince-Harbour-71!"}
    ]});
    let full = demo.api.post("/portals/learners", &body).await;
    assert_eq!(full.status, 422, "no seat left in the portal: {}", full.body);
    assert!(full.body.is_object(), "{}", full.body);
    let (_, rows) = demo.portal_users(created).await;
    assert_eq!(rows.len(), 1, "the refused learner was not added: {rows:?}");
}

#[tokio::test]
async fn user_views_and_reports_answer_the_documented_shapes() {
    let demo = Demo::start();
    let (course, portal, user) = (demo.id("courseId"), demo.id("portalId"), demo.id("userId"));
    let (learners, rows) = demo.enrolled_learners(course, -1).await;
    let row = row_of_user(&rows, user).clone();

    // Enrolled Courses of the sample learner.
    let query = query!("user_id" => user, "page_size" => 10, "page_number" => 1, "portalId" => -1, "viewType" => "manage", "manage_course" => false);
    let courses = demo.api.get("/users/enrolled-courses", &query).await.ok();
    assert_shape("Enrolled Courses", &courses, USER_ENROLLED_COURSES);
    records(&courses).iter().for_each(|row| assert_shape("an Enrolled Courses row", row, USER_ENROLLED_COURSE_ROW));
    let mine = records(&courses).iter().find(|r| r["courseId"] == course).unwrap_or_else(|| panic!("course {course} in {courses}"));
    assert_eq!(mine["courseName"], learners["courseName"], "{mine}");
    for (key, list_key) in
        [("status", "status"), ("percentComplete", "percentComplete"), ("registered_on", "registered_on"), ("expire_on", "expire_on")]
    {
        assert_eq!(mine[key], row[list_key], "{key} agrees with Enrolled Learners: {mine}");
    }
    assert_eq!(mine["accessStatus"], row["access_status"], "{mine}");
    assert_eq!(courses["name"], format!("{} {}", text(&row, "first_name"), text(&row, "last_name")), "{courses}");
    assert_eq!(courses["isLearner"], true, "{courses}");

    // Retrieve User Dashboard Statistics.
    let statistics = demo.api.get("/users/dashboard-statistics", &query!("user_id" => user, "portalId" => portal)).await.ok();
    assert_shape("Retrieve User Dashboard Statistics", &statistics, DASHBOARD_STATISTICS);
    let parts = int(&statistics, "completedCourses") + int(&statistics, "inProgressCourses") + int(&statistics, "notStartedCourses");
    assert_eq!(parts, int(&statistics, "totalCourses"), "{statistics}");

    // Get user certificates: a bare array of the document's rows.
    demo.certificates(user).await;

    // API to get Course Detail Report: page_size and page_number as integers (the document's type) or numeric strings.
    let report = demo.api.post("/reports/course-detail", &course_detail_body(course, json!(100), json!(1))).await.ok();
    assert_shape("the Course Detail Report", &report, COURSE_DETAIL_REPORT);
    assert_totals_add_up("the Course Detail Report", &report);
    let rows_of_report = records(&report);
    rows_of_report.iter().for_each(|row| assert_shape("a Course Detail Report row", row, COURSE_DETAIL_ROW));
    assert_eq!(rows_of_report.len() as i64, int(&report, "recordsFiltered"), "{report}");
    let line = row_of_user(rows_of_report, user);
    assert_eq!((int(line, "course_id"), &line["course_name"]), (course, &learners["courseName"]), "{line}");
    assert_eq!((&line["first_name"], &line["last_name"], &line["status"]), (&row["first_name"], &row["last_name"], &row["status"]));
    assert_eq!(count(line, "certifcate_count"), int(&row, "certificate_count"), "{line}");
    let as_text = demo.api.post("/reports/course-detail", &course_detail_body(course, json!("100"), json!("1"))).await.ok();
    assert_eq!(as_text, report, "page_size and page_number as numeric strings");
    if rows_of_report.len() >= 2 {
        let first = demo.api.post("/reports/course-detail", &course_detail_body(course, json!(1), json!(1))).await.ok();
        let second = demo.api.post("/reports/course-detail", &course_detail_body(course, json!(1), json!(2))).await.ok();
        assert_eq!((records(&first).len(), records(&second).len()), (1, 1), "pages of one row");
        assert_ne!(records(&first)[0], records(&second)[0], "two pages, two rows");
        assert_eq!(first["recordsFiltered"], report["recordsFiltered"], "{first}");
    }

    // API to fetch LMS Overview Report: parallel arrays and their sums.
    let overview = demo.api.post("/reports/lms-overview", &json!({"searchPortalIds": [-1]})).await.ok();
    assert_shape("the LMS Overview Report", &overview, LMS_OVERVIEW);
    let column = |key: &str| overview[key].as_array().unwrap().clone();
    let labels = column("labels");
    assert!(labels.iter().all(Value::is_string), "{overview}");
    for (key, sum) in [("totalNotStarted", "sumNotStarted"), ("totalInProgress", "sumInProgress"), ("totalCompleted", "sumCompleted")] {
        let values = column(key);
        assert_eq!(values.len(), labels.len(), "one {key} per label: {overview}");
        let total: i64 = values.iter().map(|v| v.as_i64().unwrap_or_else(|| panic!("{key} holds integers: {overview}"))).sum();
        assert_eq!(total, int(&overview, sum), "{sum} is the sum of {key}: {overview}");
    }
    let percentages = column("percentageCompleted");
    assert_eq!(percentages.len(), labels.len(), "{overview}");
    assert!(percentages.iter().all(|p| p.as_f64().is_some_and(|p| (0.0..=100.0).contains(&p))), "percentages: {overview}");
}

#[tokio::test]
async fn missing_required_parameters_are_the_documented_422() {
    let demo = Demo::start();
    let (course, portal, registration, user) = (demo.id("courseId"), demo.id("portalId"), demo.id("enrollmentId"), demo.id("userId"));
    let api = &demo.api;
    let (before, _) = demo.enrolled_learners(course, -1).await;

    let page = query!("portalId" => -1, "page_size" => 10, "page_number" => 1);
    api.get("/courses/enrolled-learners", &page).await.invalid("course_id");
    api.get("/courses/enrolled-learners", &query!("course_id" => course, "page_size" => 10, "page_number" => 1)).await.invalid("portalId");
    api.get("/courses/enrolled-learners", &query!("course_id" => course, "portalId" => -1, "page_number" => 1)).await.invalid("page_size");
    api.get("/courses/enrolled-learners", &query!("course_id" => course, "portalId" => -1, "page_size" => "ten", "page_number" => 1))
        .await
        .invalid("page_size");
    api.post(&format!("/courses/{course}/enrollments"), &json!({"portalId": portal})).await.invalid("studentIds");
    for action in ["remove", "reset-progress", "revoke-access", "grant-access", "assign-certificate"] {
        api.post(&format!("/courses/{course}/enrollments/{action}"), &json!({})).await.invalid("enrollmentIds");
    }
    api.post(&format!("/courses/{course}/enrollments/set-expiry"), &json!({"enrollmentIds": [registration]})).await.invalid("expiryDate");
    api.get(&format!("/course-registrations/{registration}/progress"), &Vec::new()).await.invalid("userId");
    api.get(&format!("/course-registrations/{registration}/gradebook"), &Vec::new()).await.invalid("userId");
    api.get(&format!("/course-registrations/{registration}/launch"), &query!("info" => true)).await.invalid("portalId");
    api.get("/learning-paths/enrolled-students", &page).await.invalid("learning_path_id");
    api.post(&format!("/learning-paths/{}/enrollments", demo.id("learningPathId")), &json!({})).await.invalid("studentIds");
    let mut portal_body = new_portal("Nameless", "nameless", 5);
    portal_body.as_object_mut().unwrap().remove("portalName");
    api.post("/portals", &portal_body).await.invalid("portalName");
    api.get("/portals/details", &Vec::new()).await.invalid("portalId");
    api.post("/portals/learners", &json!({"portalId": portal, "learners": []})).await.invalid("userAddedType");
    api.post("/portals/learners", &json!({"portalId": portal, "userAddedType": "byCarrierPigeon"})).await.invalid("userAddedType");
    api.post("/reports/lms-overview", &json!({})).await.invalid("searchPortalIds");
    let mut report = course_detail_body(course, json!(10), json!(1));
    report.as_object_mut().unwrap().remove("course_ids");
    api.post("/reports/course-detail", &report).await.invalid("course_ids");
    api.get("/users/dashboard-statistics", &query!("portalId" => portal)).await.invalid("user_id");
    api.get(
        "/users/enrolled-courses",
        &query!("user_id" => user, "page_size" => 10, "page_number" => 1, "portalId" => -1, "manage_course" => false),
    )
    .await
    .invalid("viewType");
    let dates = json!({"rowId": 1, "newExpiryDate": "2025-01-01 00:00:00"});
    api.call("PUT", "/user-certificates/1/dates", &Vec::new(), Some(&dates)).await.invalid("newIssueDate");

    // The operations added since, each without a field the document marks required.
    let (path, webinar) = (demo.id("learningPathId"), demo.webinar(course).await);
    let (students_before, _) = demo.enrolled_students(path, -1).await;
    let students = format!("/courses/{course}/webinars/{webinar}/portals/-1/students");
    api.get(&students, &query!("page_number" => 1)).await.invalid("page_size");
    api.get(&students, &query!("page_size" => 10)).await.invalid("page_number");
    let ids = format!("[{registration}]");
    api.call("PUT", "/webinar-registrations/status", &query!("status" => "Attended", "webinarId" => webinar, "portalId" => -1), None)
        .await
        .invalid("ids");
    api.call("PUT", "/webinar-registrations/status", &query!("ids" => ids, "webinarId" => webinar, "portalId" => -1), None)
        .await
        .invalid("status");
    api.call("PUT", "/webinar-registrations/notes", &query!("ids" => ids, "webinarId" => webinar, "portalId" => -1), None)
        .await
        .invalid("notes");
    api.call("PUT", "/webinar-registrations/notes", &query!("ids" => ids, "notes" => "x", "portalId" => -1), None)
        .await
        .invalid("webinarId");
    let report = json!({"webinarId": webinar, "pageSize": 10, "pageNumber": 1, "portalId": -1});
    for field in ["webinarId", "pageSize", "pageNumber"] {
        let mut body = report.clone();
        body.as_object_mut().unwrap().remove(field);
        api.post("/webinars/attendance-report", &body).await.invalid(field);
    }
    let upload = json!({"userList": [{"email": "never.made@example.test", "first_name": "Never", "last_name": "Made", "password": "Quince-Harbour-71!"}],
        "selectedCourses": [course], "selectedLearningPaths": [path], "membershipId": 1, "portalId": portal});
    for field in ["userList", "selectedCourses", "selectedLearningPaths"] {
        let mut body = upload.clone();
        body.as_object_mut().unwrap().remove(field);
        api.post("/users/bulk-upload", &body).await.invalid(field);
    }
    api.call("PUT", "/users/quick-edit", &Vec::new(), Some(&json!({"course_ids": [course], "disabled": true}))).await.invalid("user_ids");
    api.call("PUT", &format!("/users/{user}/membership"), &Vec::new(), Some(&json!({"expired_at": "2030-01-01 00:00:00"})))
        .await
        .invalid("id");
    api.get(&format!("/reports/learning-paths/[-1]/[{path}]"), &query!("page_number" => 1)).await.invalid("page_size");
    let activities = query!("learning_path_id" => path, "page_size" => 10, "page_number" => 1, "portalId" => -1);
    api.get("/learning-paths/activities", &activities).await.invalid("context");
    api.get("/learning-paths/activities", &query!("context" => "lp", "page_size" => 10, "page_number" => 1, "portalId" => -1))
        .await
        .invalid("learning_path_id");
    api.get(&format!("/portals/{portal}/learning-paths"), &query!("page_size" => 10, "page_number" => 1)).await.invalid("type");
    api.post("/portals/catalog", &json!({"portalId": portal, "search": {}})).await.invalid("userId");
    api.post("/portals/catalog", &json!({"userId": user, "search": {}})).await.invalid("portalId");
    let mine = json!({"portalId": portal, "page_size": 10, "page_number": 1, "order_by": [], "search_param": []});
    for field in ["page_size", "order_by", "search_param"] {
        let mut body = mine.clone();
        body.as_object_mut().unwrap().remove(field);
        api.post("/portals/my-courses", &body).await.invalid(field);
    }
    api.get(&format!("/portals/{portal}/my-learning-paths"), &query!("page_number" => 1)).await.invalid("page_size");
    let user_paths =
        query!("user_id" => user, "portalId" => -1, "page_size" => 10, "page_number" => 1, "order_by" => "{}", "search_param" => "{}");
    api.get("/users/learning-paths", &user_paths).await.invalid("viewType");
    api.get("/users/course-report", &query!("page_size" => 50, "page_number" => 1)).await.invalid("user_id");
    assert_eq!(demo.enrolled_students(path, -1).await.0, students_before, "refused calls enroll no one in the path");
    assert_eq!(demo.enrolled_learners(course, -1).await.0, before, "refused calls change nothing");
}

/// The day `text` names in `format`.
fn day(text: &str, format: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, format)
        .or_else(|_| NaiveDateTime::parse_from_str(text, format).map(|moment| moment.date()))
        .unwrap_or_else(|e| panic!("'{text}' in {format}: {e}"))
}

fn full_name(row: &Value, first: &str, last: &str) -> String {
    format!("{} {}", text(row, first), text(row, last))
}

#[tokio::test]
async fn webinar_students_status_notes_and_attendance_as_documented() {
    let demo = Demo::start();
    let (course, portal) = (demo.id("courseId"), demo.id("portalId"));
    let (envelope, learners) = demo.enrolled_learners(course, -1).await;
    let webinar = demo.webinar(course).await;
    let page = |size: usize, number: usize| query!("page_size" => size, "page_number" => number, "search_param" => "{}");

    // The students: course registrations of the course (the ids the status and notes take), each once.
    let students = demo.webinar_students(course, webinar, -1, &page(100, 1)).await;
    assert!(!students.is_empty(), "the demo's webinar has students");
    assert_unique(&students, "the webinar's students");
    for student in &students {
        let row = row_with_id(&learners, int(student, "id")).unwrap_or_else(|| panic!("{student} is a registration of course {course}"));
        assert_eq!(
            (&student["user_id"], &student["first_name"], &student["last_name"]),
            (&row["user_id"], &row["first_name"], &row["last_name"]),
            "the student is the registration's learner: {student}"
        );
    }

    // order_by name, both directions (the document's example: {"colName": "name", "direction": "asc"}).
    let names = |rows: &[Value]| rows.iter().map(|row| full_name(row, "first_name", "last_name").to_lowercase()).collect::<Vec<_>>();
    for direction in ["asc", "desc"] {
        let mut query = page(100, 1);
        query.push(("order_by", json!({"colName": "name", "direction": direction}).to_string()));
        let ordered = names(&demo.webinar_students(course, webinar, -1, &query).await);
        let mut sorted = ordered.clone();
        sorted.sort();
        if direction == "desc" {
            sorted.reverse();
        }
        assert_eq!(ordered, sorted, "order_by name {direction}");
        assert_eq!(ordered.len(), students.len(), "ordering does not filter");
    }

    // Pages of one student: each a different one, together all of them.
    let mut seen = Vec::new();
    for number in 1..=students.len() {
        let one = demo.webinar_students(course, webinar, -1, &page(1, number)).await;
        assert_eq!(one.len(), 1, "page {number} of size 1: {one:?}");
        seen.extend(one);
    }
    assert_unique(&seen, "pages of one student");
    assert!(demo.webinar_students(course, webinar, -1, &page(1, students.len() + 1)).await.is_empty(), "no student after the last page");

    // A portal's students are students of the webinar.
    for student in demo.webinar_students(course, webinar, portal, &page(100, 1)).await {
        assert!(students.contains(&student), "{student} of portal {portal} is a student of the webinar");
    }

    // The attendance report: the course, the times, one row a student, the attended counted.
    let report = demo.attendance(webinar, 100, 1).await;
    assert_eq!(report["courseName"], envelope["courseName"], "{report}");
    assert!(text(&report, "startDate") <= text(&report, "endDate"), "the webinar starts before it ends: {report}");
    let rows = records(&report);
    assert_eq!(int(&report, "recordsTotal") as usize, students.len(), "one registration a student: {report}");
    assert_eq!(rows.len(), students.len(), "{report}");
    let mut report_names = rows.iter().map(|row| full_name(row, "firstName", "lastName").to_lowercase()).collect::<Vec<_>>();
    let mut student_names = names(&students);
    report_names.sort();
    student_names.sort();
    assert_eq!(report_names, student_names, "the report's rows are the webinar's students");
    let attended = |report: &Value| records(report).iter().filter(|row| row["status"] == "Attended").count() as i64;
    assert_eq!(int(&report, "totalAttended"), attended(&report), "totalAttended counts the Attended rows: {report}");
    let counted: i64 =
        ["totalAttended", "totalNoShow", "totalCancelled", "totalPartiallyAttended"].iter().map(|key| int(&report, key)).sum();
    assert!(counted <= int(&report, "recordsTotal"), "the totals count registrations of the report: {report}");
    let second = demo.attendance(webinar, 1, 2).await;
    assert_eq!(records(&second).len(), 1, "pageSize 1, pageNumber 2: {second}");
    assert_eq!(second["recordsTotal"], report["recordsTotal"], "{second}");
    assert!(rows.contains(&records(&second)[0]), "{second}");

    // Update the status: two students who did not attend now did.
    let absent: Vec<Value> = students.iter().filter(|s| s["status"] != "Attended").take(2).cloned().collect();
    assert_eq!(absent.len(), 2, "the demo's webinar has students who did not attend: {students:?}");
    let (first, second) = (int(&absent[0], "id"), int(&absent[1], "id"));
    let update = |ids: String, key: &'static str, value: &'static str| {
        let api = demo.api.clone();
        async move {
            let query = vec![("ids", ids), (key, value.to_string()), ("webinarId", webinar.to_string()), ("portalId", "-1".to_string())];
            api.call("PUT", &format!("/webinar-registrations/{key}"), &query, None).await
        }
    };
    update(format!("[{first}, {second}]"), "status", "Attended").await.says("Status Updated Successfully");
    let after = demo.webinar_students(course, webinar, -1, &page(100, 1)).await;
    assert_eq!(after.len(), students.len(), "{after:?}");
    for student in &after {
        let before = row_with_id(&students, int(student, "id")).unwrap();
        if [first, second].contains(&int(student, "id")) {
            assert_eq!(student["status"], "Attended", "{student}");
        } else {
            assert_eq!(student, before, "a student not named is left alone");
        }
    }
    let now = demo.attendance(webinar, 100, 1).await;
    assert_eq!(int(&now, "totalAttended"), int(&report, "totalAttended") + 2, "two more attended: {now}");
    assert_eq!(int(&now, "totalAttended"), attended(&now), "{now}");
    for student in &absent {
        let name = full_name(student, "first_name", "last_name");
        let row = records(&now).iter().find(|row| full_name(row, "firstName", "lastName") == name).unwrap();
        assert_eq!(row["status"], "Attended", "{row}");
        assert!(row["attendanceRecordingType"].is_string(), "an attendance is recorded somehow: {row}");
        assert!(is_about_today(&text(row, "recordedAt")[..10], CERTIFICATE_DATE), "recorded now: {row}");
    }

    // Update the notes of one.
    update(format!("[{first}]"), "notes", "Joined late from the lab").await.says("Notes Updated Successfully");
    let noted = demo.webinar_students(course, webinar, -1, &page(100, 1)).await;
    assert_eq!(row_with_id(&noted, first).unwrap()["notes"], "Joined late from the lab", "{noted:?}");
    assert_eq!(row_with_id(&noted, second).unwrap()["notes"], row_with_id(&after, second).unwrap()["notes"], "not named, not noted");
    let name = full_name(&absent[0], "first_name", "last_name");
    let report = demo.attendance(webinar, 100, 1).await;
    let row = records(&report).iter().find(|row| full_name(row, "firstName", "lastName") == name).unwrap();
    assert_eq!(row["notes"], "Joined late from the lab", "the report shows the notes: {row}");

    // The document's own example status, "approved".
    update(format!("[{second}]"), "status", "approved").await.says("Status Updated Successfully");
    let approved = demo.webinar_students(course, webinar, -1, &page(100, 1)).await;
    assert_eq!(row_with_id(&approved, second).unwrap()["status"], "approved", "{approved:?}");
}

#[tokio::test]
async fn bulk_upload_quick_edit_and_membership_as_documented() {
    let demo = Demo::start();
    let (course, path, portal) = (demo.id("courseId"), demo.id("learningPathId"), demo.id("portalId"));
    let other = demo.another_course(course).await;
    let learners = demo.new_learners(portal, &["Hotel", "India", "Juliet"]).await;
    let (hotel, india, juliet) = (&learners[0], &learners[1], &learners[2]);
    let membership = demo.membership(hotel.id).await;

    // Update Membership, as the sample sends it (the id as a string, the moment quoted); then without
    // expired_at (the membership's own is used). The document shows no answer.
    let update = |body: Value| {
        let api = demo.api.clone();
        let path = format!("/users/{}/membership", hotel.id);
        async move { api.call("PUT", &path, &Vec::new(), Some(&body)).await.ok() }
    };
    let answer = update(json!({"id": membership.to_string(), "expired_at": "'2031-10-03 23:59:59'"})).await;
    assert!(answer.is_object(), "{answer}");
    assert!(update(json!({"id": membership})).await.is_object());

    // Bulk upload users: made learners of the portal, enrolled in the course and the learning path.
    let (course_before, _) = demo.enrolled_learners(other, -1).await;
    let (path_before, _) = demo.enrolled_students(path, -1).await;
    let row = |last: &str| json!({"email": format!("ada.{}@example.test", last.to_lowercase()), "first_name": "Ada", "last_name": last, "password": "Quince-Harbour-71!"});
    let body = json!({
        "userList": [row("Kilo"), row("Lima")],
        "selectedCourses": [other],
        "selectedLearningPaths": [path],
        "membershipId": membership,
        "portalId": portal,
    });
    let answer = demo.api.post("/users/bulk-upload", &body).await.created();
    assert_shape("Bulk upload users", &answer, UPLOAD_ANSWER);
    assert_eq!(answer["message"], "User(s) uploaded successfully", "the document's wording");
    let (_, users) = demo.portal_users(portal).await;
    let uploaded: Vec<i64> = ["Kilo", "Lima"]
        .iter()
        .map(|last| {
            let user = users
                .iter()
                .find(|u| u["firstName"] == "Ada" && u["lastName"] == *last)
                .unwrap_or_else(|| panic!("Ada {last} in the portal"));
            assert_eq!(user["is_learner"], true, "{user}");
            int(user, "id")
        })
        .collect();
    let (course_after, rows) = demo.enrolled_learners(other, -1).await;
    assert_eq!(int(&course_after, "recordsTotal"), int(&course_before, "recordsTotal") + 2, "both enrolled in course {other}");
    let (path_after, students) = demo.enrolled_students(path, -1).await;
    assert_eq!(int(&path_after, "recordsTotal"), int(&path_before, "recordsTotal") + 2, "both enrolled in the learning path");
    for user in &uploaded {
        assert_eq!(row_of_user(&rows, *user)["status"], "Not Started", "{rows:?}");
        assert_eq!(row_of_user(&students, *user)["status"], "Not Started", "{students:?}");
    }

    // Quick Edit: enroll in the course and the learning path, disable, attach the membership.
    let body = json!({
        "user_ids": [india.id, juliet.id],
        "course_ids": [other],
        "disabled": true,
        "learning_path_ids": [path],
        "enrollMembershipId": membership,
        "portalId": portal,
    });
    demo.api.call("PUT", "/users/quick-edit", &Vec::new(), Some(&body)).await.says("Users updated Successfully");
    let (edited, rows) = demo.enrolled_learners(other, -1).await;
    assert_eq!(int(&edited, "recordsTotal"), int(&course_after, "recordsTotal") + 2, "both enrolled in course {other}");
    let (edited_path, students) = demo.enrolled_students(path, -1).await;
    assert_eq!(int(&edited_path, "recordsTotal"), int(&path_after, "recordsTotal") + 2, "both enrolled in the learning path");
    for learner in [india, juliet] {
        let row = row_of_user(&rows, learner.id);
        assert_eq!((&row["first_name"], &row["last_name"], &row["status"]), (&json!("Ada"), &json!(learner.last), &json!("Not Started")));
        assert_eq!(row_of_user(&students, learner.id)["status"], "Not Started");
    }

    // Again, enabling them: the enrollments they hold are not made twice.
    let body = json!({"user_ids": [india.id, juliet.id], "course_ids": [other], "learning_path_ids": [path], "disabled": false});
    demo.api.call("PUT", "/users/quick-edit", &Vec::new(), Some(&body)).await.says("Users updated Successfully");
    assert_eq!(demo.enrolled_learners(other, -1).await.0, edited, "no second enrollment in the course");
    assert_eq!(demo.enrolled_students(path, -1).await.0["recordsTotal"], edited_path["recordsTotal"], "nor in the learning path");
}

#[tokio::test]
async fn learning_path_reports_and_activities_as_documented() {
    let demo = Demo::start();
    let (path, portal, user) = (demo.id("learningPathId"), demo.id("portalId"), demo.id("userId"));
    let (envelope, students) = demo.enrolled_students(path, -1).await;
    let name = text(&envelope, "learningPathName").to_string();
    let paths = format!("[{path}]");
    let page = |size: usize, number: usize| query!("page_size" => size, "page_number" => number);

    // Learning Path Detail Report, every portal: one row a learner of the path, as Enrolled Students has them.
    let report = demo.path_report("[-1]", &paths, &page(100, 1)).await;
    let rows = records(&report);
    assert_eq!(rows.len(), students.len(), "one row a learner of the path: {report}");
    assert_eq!(int(&report, "recordsFiltered") as usize, rows.len(), "{report}");
    for row in rows {
        let student = row_of_user(&students, int(row, "user_id"));
        assert_eq!((&row["first_name"], &row["last_name"]), (&student["first_name"], &student["last_name"]), "{row}");
        assert_eq!(row["learning_path_name"], name.as_str(), "{row}");
        assert_eq!(
            day(text(row, "registered_on"), REPORT_DAY),
            day(text(student, "registered_on"), LIST_DATE),
            "registered the day Enrolled Students says: {row}"
        );
        assert_eq!(
            row["certifcate_issued"] == "Yes",
            int(student, "certificate_count") > 0,
            "a certificate, as Enrolled Students counts: {row}"
        );
    }
    let statuses: BTreeSet<&str> = rows.iter().map(|row| text(row, "status")).collect();

    // Pages of one row: different rows, the same count.
    if rows.len() >= 2 {
        let first = demo.path_report("[-1]", &paths, &page(1, 1)).await;
        let second = demo.path_report("[-1]", &paths, &page(1, 2)).await;
        assert_eq!((records(&first).len(), records(&second).len()), (1, 1), "pages of one row");
        assert_ne!(records(&first)[0], records(&second)[0], "two pages, two rows");
        assert_eq!(first["recordsFiltered"], report["recordsFiltered"], "{first}");
    }

    // search_param: a status (the report's own words), a learner's name, the registration days.
    for status in &statuses {
        let mut query = page(100, 1);
        query.push(("search_param", json!({"status": [status]}).to_string()));
        let filtered = demo.path_report("[-1]", &paths, &query).await;
        let expected = rows.iter().filter(|row| row["status"] == *status).count();
        assert!(records(&filtered).iter().all(|row| row["status"] == *status), "status {status}: {filtered}");
        assert_eq!((records(&filtered).len(), int(&filtered, "recordsFiltered") as usize), (expected, expected), "status {status}");
    }
    let learner = row_of_user(&students, user);
    let mut query = page(100, 1);
    query.push(("search_param", json!({"nameOrEmail": full_name(learner, "first_name", "last_name")}).to_string()));
    let found = demo.path_report("[-1]", &paths, &query).await;
    assert!(records(&found).iter().any(|row| row["user_id"] == user), "nameOrEmail finds the learner: {found}");
    let mut query = page(100, 1);
    query.push(("search_param", json!({"registered_on": ["2000-01-01", "2099-12-31"]}).to_string()));
    assert_eq!(records(&demo.path_report("[-1]", &paths, &query).await).len(), rows.len(), "every registration is in that range");
    let mut query = page(100, 1);
    query.push(("search_param", json!({"nameOrEmail": "no learner has this name qzx"}).to_string()));
    assert!(records(&demo.path_report("[-1]", &paths, &query).await).is_empty(), "a name no one has finds no one");

    // The root portal's learners are learners of the path.
    let (in_portal, _) = demo.enrolled_students(path, portal).await;
    let portal_report = demo.path_report(&format!("[{portal}]"), &paths, &page(100, 1)).await;
    assert_eq!(int(&portal_report, "recordsFiltered"), int(&in_portal, "recordsTotal"), "{portal_report}");
    assert!(records(&portal_report).iter().all(|row| rows.contains(row)), "a portal's rows are rows of the path");

    // The overview: one entry a learning path, its learners by status as Enrolled Students counts them.
    let overview = demo.api.get("/reports/learning-paths-overview", &Vec::new()).await.ok();
    assert_shape("the learning paths overview", &overview, LMS_OVERVIEW);
    let column = |key: &str| overview[key].as_array().unwrap_or_else(|| panic!("{key}: {overview}")).clone();
    let labels = column("labels");
    let at = labels.iter().position(|label| label == name.as_str()).unwrap_or_else(|| panic!("{name} in {overview}"));
    for (key, sum) in [("totalNotStarted", "sumNotStarted"), ("totalInProgress", "sumInProgress"), ("totalCompleted", "sumCompleted")] {
        let values = column(key);
        assert_eq!(values.len(), labels.len(), "one {key} a label: {overview}");
        assert_eq!(values[at], envelope[key], "{key} of {name}: {overview}");
        let total: i64 = values.iter().map(|v| v.as_i64().unwrap_or_else(|| panic!("{key} holds integers: {overview}"))).sum();
        assert_eq!(total, int(&overview, sum), "{sum} is the sum of {key}: {overview}");
    }
    let percentages = column("percentageCompleted");
    assert_eq!(percentages.len(), labels.len(), "{overview}");
    assert!(percentages.iter().all(|p| p.as_f64().is_some_and(|p| (0.0..=100.0).contains(&p))), "percentages: {overview}");
    let query: Query = vec![("searchPortalIds", portal.to_string()), ("searchPortalIds", "-1".to_string())];
    let narrowed = demo.api.get("/reports/learning-paths-overview", &query).await.ok();
    assert_shape("the learning paths overview of portals", &narrowed, LMS_OVERVIEW);

    // Learning Path Activities of the path (context lp), newest first; enrolling a learner adds to them.
    let activities = |context: &'static str, search: Option<Value>| {
        let api = demo.api.clone();
        async move {
            let mut query = query!(
                "learning_path_id" => path,
                "page_size" => 100,
                "page_number" => 1,
                "order_by" => json!({"colName": "created_at", "direction": "desc"}),
                "context" => context,
                "portalId" => -1,
            );
            if let Some(search) = search {
                query.push(("search_param", search.to_string()));
            }
            let page = api.get("/learning-paths/activities", &query).await.ok();
            assert_shape("Learning Path Activities", &page, PATH_ACTIVITIES);
            for row in records(&page) {
                assert_shape_but("a learning path activity", row, PATH_ACTIVITY, PATH_ACTIVITY_ADDED);
            }
            assert!(int(&page, "recordsFiltered") <= int(&page, "recordsTotal"), "{page}");
            assert_eq!(records(&page).len() as i64, int(&page, "recordsFiltered").min(100), "{page}");
            page
        }
    };
    let before = activities("lp", None).await;
    assert_eq!(activities("lp", Some(json!({"name": ""}))).await, before, "the document's example search_param, empty, filters nothing");
    assert!(
        int(&activities("portal", None).await, "recordsTotal") >= int(&before, "recordsTotal"),
        "every path's activity holds this one's"
    );
    let newcomer = demo.new_learners(portal, &["Mike"]).await;
    let body = json!({"studentIds": [newcomer[0].id], "portalId": portal});
    demo.api.post(&format!("/learning-paths/{path}/enrollments"), &body).await.ok();
    let after = activities("lp", None).await;
    assert!(int(&after, "recordsTotal") > int(&before, "recordsTotal"), "enrolling is an activity of the path: {after}");
    let newest = &records(&after)[0];
    assert!(is_about_today(&text(newest, "created_at")[..12], LIST_DATE), "the newest first: {after}");
    let times: Vec<NaiveDateTime> =
        records(&after).iter().map(|row| NaiveDateTime::parse_from_str(text(row, "created_at"), ACTIVITY_TIME).unwrap()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "order_by created_at desc: {after}");
}

#[tokio::test]
async fn portal_learning_paths_catalog_and_the_callers_own_as_documented() {
    let demo = Demo::start();
    let (course, path, portal, user) = (demo.id("courseId"), demo.id("learningPathId"), demo.id("portalId"), demo.id("userId"));
    let (envelope, students) = demo.enrolled_students(path, portal).await;
    let name = text(&envelope, "learningPathName").to_string();
    let portal_name = demo.api.get("/portals/details", &query!("portalId" => portal)).await.ok()["portalName"].clone();

    // Learning Path List of the root portal: the path it offers, its learners by status.
    let list = |id: i64, kind: &'static str, search: Option<Value>| {
        let api = demo.api.clone();
        async move {
            let mut query = query!("type" => kind, "page_size" => 10, "page_number" => 1, "order_by" => json!({"colName": "name", "direction": "desc"}));
            if let Some(search) = search {
                query.push(("search_param", search.to_string()));
            }
            let page = api.get(&format!("/portals/{id}/learning-paths"), &query).await.ok();
            assert_shape("Learning Path List", &page, PORTAL_PATHS);
            for row in records(&page) {
                assert_shape_but("a learning path of the portal", row, PORTAL_PATH_ROW, PORTAL_PATH_ROW_ADDED);
                assert_stats("learningPathStatistics", &row["learningPathStatistics"], false);
            }
            assert!(int(&page, "recordsFiltered") <= int(&page, "recordsTotal"), "{page}");
            page
        }
    };
    let paths = list(portal, "all", None).await;
    assert_eq!(paths["portalName"], portal_name, "{paths}");
    let offered = records(&paths).iter().find(|row| row["learningPathId"] == path).unwrap_or_else(|| panic!("{name} in {paths}"));
    assert_eq!(offered["learningPathName"], name.as_str(), "{offered}");
    let statistics = &offered["learningPathStatistics"];
    for (key, total) in [("notStarted", "totalNotStarted"), ("inProgress", "totalInProgress"), ("completed", "totalCompleted")] {
        assert_eq!(statistics[key], envelope[total], "{key} as Enrolled Students counts the portal's learners: {offered}");
    }
    assert!(int(offered, "last24hCount") <= int(&envelope, "recordsTotal"), "{offered}");
    let searched = list(portal, "all", Some(json!({"learningPathName": name}))).await;
    assert_eq!(records(&searched).iter().map(|row| &row["learningPathId"]).collect::<Vec<_>>(), vec![&json!(path)], "{searched}");
    list(portal, "active", None).await;
    let subs = demo.api.get("/lookups/portals", &query!("type" => "subPortals", "portalId" => portal)).await.ok();
    let sales = subs.as_array().unwrap().iter().find(|p| p["name"] == "Sales Academy").unwrap_or_else(|| panic!("Sales Academy: {subs}"));
    let sales_paths = list(int(sales, "id"), "all", None).await;
    assert_eq!(sales_paths["portalName"], "Sales Academy", "{sales_paths}");
    assert!(records(&sales_paths).iter().any(|row| row["learningPathName"] == "Sales Onboarding"), "{sales_paths}");

    // A portal of this client's own offering two courses and the path, with the sample learner.
    let other = demo.another_course(course).await;
    let mut body = new_portal("Seed Catalog Portal", "seed-catalog-portal", 10);
    body["selectedCourses"] = json!([course, other]);
    body["enrollLearningPathIds"] = json!([path]);
    body["addExistingUser"] = json!([user]);
    demo.api.post("/portals", &body).await.says("Portal created successfully");
    let found =
        demo.api.get("/lookups/portals", &query!("type" => "portals", "portalId" => -1, "search_term" => "Seed Catalog Portal")).await.ok();
    let catalog_portal = int(&found[0], "id");

    // Get Portal Course Catalog: its courses, whether the learner is enrolled in each, and its path.
    let (_, course_rows) = demo.enrolled_learners(course, -1).await;
    let (_, other_rows) = demo.enrolled_learners(other, -1).await;
    let catalog = |search: Value| {
        let api = demo.api.clone();
        async move {
            let catalog = api.post("/portals/catalog", &json!({"portalId": catalog_portal, "userId": user, "search": search})).await.ok();
            assert_shape("Get Portal Course Catalog", &catalog, CATALOG);
            records_of(&catalog, "courses").iter().for_each(|row| assert_shape("a course of the catalog", row, CATALOG_COURSE));
            catalog
        }
    };
    let all = catalog(json!({})).await;
    let ids: BTreeSet<i64> = records_of(&all, "courses").iter().map(|row| int(row, "courseId")).collect();
    assert_eq!(ids, BTreeSet::from([course, other]), "the portal's courses: {all}");
    for (id, rows) in [(course, &course_rows), (other, &other_rows)] {
        let row = records_of(&all, "courses").iter().find(|row| row["courseId"] == id).unwrap();
        assert_eq!(row["isEnrolled"], rows.iter().any(|r| r["user_id"] == user), "isEnrolled in course {id}: {row}");
        assert!(!launched_slug(row).is_empty(), "launchUrl names the course, as the sample's {{portal}}/course/{{slug}}/launch: {row}");
    }
    let in_catalog = records_of(&all, "learningPaths");
    assert!(in_catalog.iter().any(|row| row.as_object().is_some_and(|o| o.values().any(|v| v == name.as_str()))), "{name}: {all}");
    let course_name = demo.enrolled_learners(course, -1).await.0["courseName"].clone();
    let named = catalog(json!({"name": course_name})).await;
    let named_ids: Vec<i64> = records_of(&named, "courses").iter().map(|row| int(row, "courseId")).collect();
    assert_eq!(named_ids, vec![course], "search.name: {named}");

    // Courses enrolled by the learner in the portal, as the learner asks.
    let learner = demo.learner_api(user);
    let mine = |search: Value| {
        let learner = learner.clone();
        async move {
            let body = json!({"portalId": catalog_portal, "page_size": 10, "page_number": 1, "order_by": [], "search_param": search});
            let mine = learner.post("/portals/my-courses", &body).await.ok();
            assert_shape("my courses in the portal", &mine, MY_COURSES);
            for row in records_of(&mine, "courses") {
                assert_shape("a course of mine", row, MY_COURSE_ROW);
                assert_eq!((&row["display_status"], &row["isEnrolled"]), (&row["status"], &json!(true)), "{row}");
            }
            mine
        }
    };
    let courses = mine(json!([])).await;
    let enrolled_in: Vec<&Value> =
        [&course_rows, &other_rows].into_iter().filter_map(|rows| rows.iter().find(|r| r["user_id"] == user)).collect();
    assert_eq!(records_of(&courses, "courses").len(), enrolled_in.len(), "the learner's enrollments in the portal's courses: {courses}");
    assert_eq!(int(&courses, "totalRecords") as usize, enrolled_in.len(), "{courses}");
    for enrollment in &enrolled_in {
        let row = records_of(&courses, "courses").iter().find(|row| row["registrationId"] == enrollment["id"]).unwrap();
        assert_eq!((&row["status"], &row["percentComplete"]), (&enrollment["status"], &enrollment["percentComplete"]), "{row}");
        assert_eq!(
            day(text(row, "registered_on"), INPUT_TIME),
            day(text(enrollment, "registered_on"), LIST_DATE),
            "registered the day Enrolled Learners says: {row}"
        );
    }
    let mine_named = mine(json!({"name": course_name})).await;
    assert!(records_of(&mine_named, "courses").iter().all(|row| row["courseId"] == course), "search_param.name: {mine_named}");
    assert_eq!(int(&mine_named, "totalRecords"), int(&courses, "totalRecords"), "{mine_named}");
    for status in STATUSES {
        let filtered = mine(json!({"status": [status]})).await;
        assert!(records_of(&filtered, "courses").iter().all(|row| row["status"] == *status), "status {status}: {filtered}");
    }

    // The learner's learning paths in the portals: the path, enrolled.
    let student = row_of_user(&students, user);
    for id in [portal, catalog_portal] {
        let query = query!("page_size" => 10, "page_number" => 1, "order_by" => json!({"colName": "name", "direction": "desc"}));
        let paths = learner.get(&format!("/portals/{id}/my-learning-paths"), &query).await.ok();
        assert_shape("my learning paths in the portal", &paths, MY_PATHS);
        records_of(&paths, "learningPaths").iter().for_each(|row| assert_shape("a learning path of mine", row, MY_PATH_ROW));
        let row = records_of(&paths, "learningPaths").iter().find(|row| row["learningPathId"] == path).unwrap_or_else(|| panic!("{paths}"));
        assert_eq!((&row["learningPathName"], &row["isEnrolled"], &row["type"]), (&json!(name), &json!(true), &json!("public")), "{row}");
        assert_eq!((&row["id"], &row["percentComplete"]), (&student["id"], &student["percentComplete"]), "the learner's enrollment: {row}");
        assert_eq!(row["certificateCount"], student["certificate_count"], "{row}");
        assert!(int(row, "completedLpCourses") <= int(row, "totalLPCourses"), "{row}");
        let mut query = query;
        query.push(("search_param", json!({"name": "no path has this name qzx"}).to_string()));
        let none = learner.get(&format!("/portals/{id}/my-learning-paths"), &query).await.ok();
        assert!(records_of(&none, "learningPaths").is_empty(), "search_param.name: {none}");
    }
}

#[tokio::test]
async fn a_users_learning_paths_and_course_report_as_documented() {
    let demo = Demo::start();
    let (path, portal, user) = (demo.id("learningPathId"), demo.id("portalId"), demo.id("userId"));
    let (_, students) = demo.enrolled_students(path, -1).await;
    let student = row_of_user(&students, user).clone();
    let learner_name = full_name(&student, "first_name", "last_name");

    // Retrieves all learning paths for a given user.
    let paths = |search: Value| {
        let api = demo.api.clone();
        async move {
            let query = query!(
                "user_id" => user,
                "portalId" => -1,
                "viewType" => "manage",
                "page_size" => 10,
                "page_number" => 1,
                "order_by" => json!({"colName": "started_on", "direction": "desc"}),
                "search_param" => search,
            );
            let page = api.get("/users/learning-paths", &query).await.ok();
            assert_shape("a user's learning paths", &page, USER_PATHS);
            for row in records(&page) {
                assert_shape_but("a learning path of the user", row, USER_PATH_ROW, USER_PATH_ROW_ADDED);
                assert_eq!(row["display_status"], row["status"], "{row}");
            }
            assert_eq!(records(&page).len() as i64, int(&page, "recordsFiltered").min(10), "{page}");
            page
        }
    };
    let all = paths(json!({"status": STATUSES, "nameOrEmail": ""})).await;
    assert_eq!(all["name"], learner_name.as_str(), "{all}");
    let row = records(&all).iter().find(|row| row["id"] == student["id"]).unwrap_or_else(|| panic!("{student} in {all}"));
    assert_eq!(row["learningPathName"], students_name(&demo, path).await, "{row}");
    assert_eq!((&row["status"], &row["percentComplete"]), (&student["status"], &student["percentComplete"]), "as Enrolled Students: {row}");
    assert_eq!(row["certificateCount"], student["certificate_count"], "{row}");
    assert_eq!(day(text(row, "registered_on"), LAUNCH_DATE), day(text(&student, "registered_on"), LIST_DATE), "{row}");
    let other: Vec<&str> = STATUSES.iter().copied().filter(|s| *s != text(&student, "status")).collect();
    let filtered = paths(json!({"status": other})).await;
    assert!(records(&filtered).iter().all(|r| r["id"] != student["id"]), "a status filter leaves the path out: {filtered}");
    // viewType self, as the learner asks for its own: the same learning paths.
    let query = query!(
        "user_id" => user,
        "portalId" => -1,
        "viewType" => "self",
        "page_size" => 10,
        "page_number" => 1,
        "order_by" => json!({"colName": "started_on", "direction": "desc"}),
        "search_param" => json!({"status": STATUSES, "nameOrEmail": ""}),
    );
    let own = demo.learner_api(user).get("/users/learning-paths", &query).await.ok();
    assert_eq!(own, all, "viewType self, the learner's own");

    // A user's course report: the user's courses, as Enrolled Courses lists them.
    let report = |query: Query| {
        let api = demo.api.clone();
        async move {
            let mut full = query!("user_id" => user, "page_size" => 50, "page_number" => 1);
            full.extend(query);
            let report = api.get("/users/course-report", &full).await.ok();
            assert_shape_but("a user's course report", &report, USER_COURSE_REPORT, USER_COURSE_REPORT_ADDED);
            for row in records(&report) {
                assert_shape_but("a row of the user's course report", row, USER_COURSE_REPORT_ROW, USER_COURSE_REPORT_ROW_ADDED);
            }
            assert_totals_add_up("a user's course report", &report);
            report
        }
    };
    let whole = report(Vec::new()).await;
    let query = query!("user_id" => user, "page_size" => 100, "page_number" => 1, "portalId" => -1, "viewType" => "manage", "manage_course" => false);
    let courses = demo.api.get("/users/enrolled-courses", &query).await.ok();
    let rows = records(&whole);
    assert_eq!(whole["recordsTotal"], courses["recordsTotal"], "every course of the user: {whole}");
    assert_eq!((rows.len() as i64, int(&whole, "recordsFiltered")), (int(&whole, "recordsTotal"), int(&whole, "recordsTotal")), "{whole}");
    let mut statuses: Vec<&str> = rows.iter().map(|row| text(row, "status")).collect();
    let mut listed: Vec<&str> = records(&courses).iter().map(|row| text(row, "status")).collect();
    statuses.sort();
    listed.sort();
    assert_eq!(statuses, listed, "the statuses Enrolled Courses lists");
    for row in rows {
        assert_eq!(full_name(row, "first_name", "last_name"), learner_name, "{row}");
    }
    let ordered = report(query!("order_by" => json!({"colName": "registered_on", "direction": "desc"}))).await;
    let days: Vec<NaiveDate> = records(&ordered).iter().map(|row| day(text(row, "registered_on"), REPORT_DAY)).collect();
    assert!(days.windows(2).all(|pair| pair[0] >= pair[1]), "order_by registered_on desc: {ordered}");
    let completed = report(query!("search_param" => json!({"nameOrEmail": "", "status": ["Completed"]}))).await;
    assert!(records(&completed).iter().all(|row| row["status"] == "Completed"), "{completed}");
    assert_eq!(int(&completed, "recordsFiltered"), int(&whole, "totalCompleted"), "{completed}");
    report(query!("portalId" => json!({"portalId": portal}))).await;
    report(query!("searchPortalIds" => json!({"searchPortalIds": [portal]}))).await;
}

async fn students_name(demo: &Demo, path: i64) -> Value {
    demo.enrolled_students(path, -1).await.0["learningPathName"].clone()
}

/// The course a launchUrl names: "{portal}/course/{slug}/launch" in both samples (L8564, L11793).
fn launched_slug(row: &Value) -> &str {
    let url = text(row, "launchUrl");
    url.split("/course/").nth(1).and_then(|rest| rest.strip_suffix("/launch")).unwrap_or_default()
}

fn records_of<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key].as_array().unwrap_or_else(|| panic!("{key} is an array: {value}"))
}

/// What the server once answered otherwise than the document's unambiguous samples, checked as the
/// document has it: course information lists the course's webinars, and the caller's courses and
/// enrolled courses name the course's slug as the catalog does. Each problem names the document's line.
#[tokio::test]
async fn what_the_samples_promise_where_the_server_once_departed() {
    let demo = Demo::start();
    let (course, portal, user) = (demo.id("courseId"), demo.id("portalId"), demo.id("userId"));
    let mut problems: Vec<String> = Vec::new();

    // L2502-L2543: course information lists the course's webinars (`webinarList`).
    let webinar = demo.webinar(course).await;
    let query = query!("courseId" => course, "portalId" => portal, "userId" => user);
    let info = demo.api.get("/courses/info", &query).await.ok();
    let listed = info["webinarList"].as_array().is_some_and(|list| list.iter().any(|w| w["id"] == webinar));
    let mut more = Vec::new();
    if !listed {
        more.push(format!("L2526: the course's webinar {webinar} is not in webinarList: {}", info["webinarList"]));
    }

    // L11793: my courses' `launchUrl` names the course ("/portal/course/course-1/launch").
    let mut body = new_portal("Seed Launch Portal", "seed-launch-portal", 10);
    body["selectedCourses"] = json!([course]);
    body["addExistingUser"] = json!([user]);
    demo.api.post("/portals", &body).await.says("Portal created successfully");
    let found =
        demo.api.get("/lookups/portals", &query!("type" => "portals", "portalId" => -1, "search_term" => "Seed Launch Portal")).await.ok();
    let body = json!({"portalId": int(&found[0], "id"), "page_size": 10, "page_number": 1, "order_by": [], "search_param": []});
    let launch_portal = int(&found[0], "id");
    let mine = demo.learner_api(user).post("/portals/my-courses", &body).await.ok();
    let catalog = demo.api.post("/portals/catalog", &json!({"portalId": launch_portal, "userId": user, "search": {}})).await.ok();
    let slug = launched_slug(records_of(&catalog, "courses").iter().find(|row| row["courseId"] == course).unwrap()).to_string();
    for row in records_of(&mine, "courses").iter().filter(|row| row["courseId"] == course) {
        if launched_slug(row) != slug {
            more.push(format!("L11793: launchUrl does not name the course '{slug}' as the catalog does (the sample: /portal/course/course-1/launch): {row}"));
        }
    }

    // L11744: Enrolled Courses' `courseSlug` ("course1"), the slug the catalog's launchUrl names.
    let query = query!("user_id" => user, "page_size" => 100, "page_number" => 1, "portalId" => -1, "viewType" => "manage", "manage_course" => false);
    let courses = demo.api.get("/users/enrolled-courses", &query).await.ok();
    for row in records(&courses).iter().filter(|row| row["courseId"] == course) {
        if row["courseSlug"] != slug.as_str() {
            more.push(format!("L11744: courseSlug is not the course's slug '{slug}': {row}"));
        }
    }

    problems.extend(more);
    assert!(problems.is_empty(), "{} disagreements with the document:\n{}", problems.len(), problems.join("\n"));
}
