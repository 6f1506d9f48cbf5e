//! The catalog of the service's operations: each one's name and whether it writes. Every face
//! registers the operations it serves against these entries, so a face cannot give an operation
//! other access than the service says, and a test checks that every operation is reachable on every
//! face that should serve it.

use crate::store::Access;

/// One operation of the service.
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    /// The operation's name, as iSpring Learn's API names it: `GetEnrollments`.
    pub name: &'static str,
    /// A read runs in a shared read transaction; a write alone, all-or-nothing.
    pub access: Access,
}

macro_rules! catalog {
    ($(#[$doc:meta])* $group:ident { $($constant:ident = $name:literal, $access:ident;)* }) => {
        $(pub const $constant: &Operation = &Operation { name: $name, access: Access::$access };)*
        $(#[$doc])*
        pub const $group: &[&Operation] = &[$($constant),*];
    };
}

catalog! {
    /// iSpring Learn's operations, in the order of the WSDL: the SOAP face and the JSON mirror serve them.
    ISPRING {
    GET_ENROLLMENTS = "GetEnrollments", Read;
    LIST_ENROLLMENTS = "ListEnrollments", Read;
    GET_ENROLLMENT = "GetEnrollment", Read;
    ENROLL_LEARNERS_IN_COURSES = "EnrollLearnersInCourses", Write;
    CHANGE_ENROLLMENT = "ChangeEnrollment", Write;
    UNENROLL = "Unenroll", Write;
    GET_USERS = "GetUsers", Read;
    LIST_USERS = "ListUsers", Read;
    GET_USER_PROFILE = "GetUserProfile", Read;
    ADD_USER = "AddUser", Write;
    UPDATE_USER_PROFILE = "UpdateUserProfile", Write;
    DELETE_USER = "DeleteUser", Write;
    ACTIVATE_USERS = "ActivateUsers", Write;
    DEACTIVATE_USERS = "DeactivateUsers", Write;
    UPDATE_USER_PASSWORD = "UpdateUserPassword", Write;
    GET_DEPARTMENTS = "GetDepartments", Read;
    LIST_DEPARTMENTS = "ListDepartments", Read;
    GET_DEPARTMENT = "GetDepartment", Read;
    ADD_DEPARTMENT = "AddDepartment", Write;
    UPDATE_DEPARTMENT = "UpdateDepartment", Write;
    DELETE_DEPARTMENT = "DeleteDepartment", Write;
    GET_GROUPS = "GetGroups", Read;
    ADD_GROUP = "AddGroup", Write;
    UPDATE_GROUP_MEMBERS = "UpdateGroupMembers", Write;
    REMOVE_USER_FROM_GROUPS = "RemoveUserFromGroups", Write;
    GET_CONTENT = "GetContent", Read;
    LIST_CONTENT = "ListContent", Read;
    GET_CONTENT_ITEM = "GetContentItem", Read;
    GET_CONTENT_ITEM_FINAL_STATUSES = "GetContentItemFinalStatuses", Read;
    LIST_LEARNERS_RESULTS = "ListLearnersResults", Read;
}}

catalog! {
    /// Provisioning by identity providers: the SCIM 2.0 face serves them.
    DIRECTORY {
    LIST_DIRECTORY_USERS = "ListDirectoryUsers", Read;
    GET_DIRECTORY_USER = "GetDirectoryUser", Read;
    PROVISION_USER = "ProvisionUser", Write;
    REPLACE_DIRECTORY_USER = "ReplaceDirectoryUser", Write;
    PATCH_DIRECTORY_USER = "PatchDirectoryUser", Write;
    DEPROVISION_USER = "DeprovisionUser", Write;
    LIST_DIRECTORY_GROUPS = "ListDirectoryGroups", Read;
    GET_DIRECTORY_GROUP = "GetDirectoryGroup", Read;
    PROVISION_GROUP = "ProvisionGroup", Write;
    REPLACE_DIRECTORY_GROUP = "ReplaceDirectoryGroup", Write;
    PATCH_DIRECTORY_GROUP = "PatchDirectoryGroup", Write;
    DEPROVISION_GROUP = "DeprovisionGroup", Write;
}}

catalog! {
    /// Classes and class enrollments: the Skillable face serves those its vendor documents (the last
    /// four are inferred: served behind a flag, or by the JSON mirror only), the JSON mirror those
    /// that suit its resources.
    CLASSES {
    GET_CLASS_ENROLLMENT = "GetClassEnrollment", Read;
    GET_CLASS_ENROLLMENT_BY_CLASS_AND_USER = "GetClassEnrollmentByClassAndUser", Read;
    SEARCH_CLASS_ENROLLMENTS = "SearchClassEnrollments", Read;
    CREATE_CLASS_ENROLLMENT = "CreateClassEnrollment", Write;
    UPDATE_CLASS_ENROLLMENT = "UpdateClassEnrollment", Write;
    UPDATE_CLASS_ENROLLMENT_CUSTOM_FIELD_VALUE = "UpdateClassEnrollmentCustomFieldValue", Write;
    SEARCH_CLASSES = "SearchClasses", Read;
    GET_CLASS_BY_EXTERNAL_ID = "GetClassByExternalId", Read;
    GET_USER_BY_EMAIL = "GetUserByEmail", Read;
    GET_CLASS_ENROLLMENT_BY_EXTERNAL_ID = "GetClassEnrollmentByExternalId", Read;
    DELETE_CLASS_ENROLLMENT = "DeleteClassEnrollment", Write;
    GET_CLASS = "GetClass", Read;
    LIST_CLASS_ENROLLMENT_CUSTOM_FIELDS = "ListClassEnrollmentCustomFields", Read;
}}

catalog! {
    /// Course registrations: the Rhythm face serves them.
    REGISTRATIONS {
    CREATE_COURSE_REGISTRATION = "CreateCourseRegistration", Write;
    LIST_COURSE_REGISTRATIONS = "ListCourseRegistrations", Read;
    GET_COURSE_REGISTRATION = "GetCourseRegistration", Read;
    REPLACE_COURSE_REGISTRATION = "ReplaceCourseRegistration", Write;
    PATCH_COURSE_REGISTRATION = "PatchCourseRegistration", Write;
    DELETE_COURSE_REGISTRATION = "DeleteCourseRegistration", Write;
    COURSE_REGISTRATIONS_BY_STUDENT = "GetCourseRegistrationsByStudent", Read;
    COURSE_REGISTRATIONS_BY_COURSE = "GetCourseRegistrationsByCourse", Read;
    COURSE_REGISTRATIONS_BY_COURSE_OFFERING = "GetCourseRegistrationsByCourseOffering", Read;
    GENERATE_ORDER = "GenerateOrder", Write;
    GENERATE_REGISTRATION = "GenerateRegistration", Write;
    COURSE_REGISTRATIONS_BY_STUDENT_COURSE = "GetCourseRegistrationsByStudentCourse", Read;
    COURSE_REGISTRATIONS_BY_APPLICATION = "GetCourseRegistrationsByApplication", Read;
    COURSE_REGISTRATIONS_BY_EVENT_REGISTRATION = "GetCourseRegistrationsByEventRegistration", Read;
    SEARCH_COURSE_REGISTRATIONS = "SearchCourseRegistrations", Read;
    COURSE_REGISTRATIONS_BY_ORDER = "GetCourseRegistrationsByOrder", Read;
    PREVIEW_REGISTRATION_EMAIL = "PreviewEmail", Write;
    BATCH_COURSE_REGISTRATIONS = "BatchCourseRegistrations", Write;
}}

catalog! {
    /// Academy Of Mine's enrollment operations: its face serves them.
    ACADEMY {
    ENROLLED_LEARNERS = "EnrolledLearners", Read;
    ENROLL_LEARNERS = "EnrollLearners", Write;
    REMOVE_LEARNERS = "RemoveLearners", Write;
    RESET_PROGRESS = "ResetProgress", Write;
    REVOKE_ACCESS = "RevokeAccess", Write;
    GRANT_ACCESS = "GrantAccess", Write;
    SET_EXPIRY = "SetExpiry", Write;
    ASSIGN_CERTIFICATE = "AssignCertificate", Write;
    COURSE_PROGRESS = "CourseProgress", Read;
    UPDATE_COURSE_PROGRESS = "UpdateCourseProgress", Write;
    COURSE_ACTIVITIES = "CourseActivities", Read;
    COURSE_STATUS_LOOKUP = "CourseStatusLookup", Read;
    COURSE_ACTIVITY_LOOKUP = "CourseActivityLookup", Read;
    LEARNING_PATH_ACTIVITY_LOOKUP = "LearningPathActivityLookup", Read;
    GRADEBOOK = "GradebookData", Read;
    LAUNCH = "Launch", Write;
    ENROLLED_USER_LOOKUP = "EnrolledUserLookup", Read;
    COURSE_INFO = "CourseInformation", Read;
    AUTO_ENROLL_COURSES = "UpdateAutoEnrollCourses", Write;
    USER_ENROLLED_COURSES = "EnrolledCourses", Read;
    USER_CERTIFICATES = "GetUserCertificates", Read;
    UPDATE_CERTIFICATE_DATES = "UpdateCertificateDates", Write;
    USER_ACTIVITIES = "RetrieveUserActivities", Read;
    USER_DASHBOARD = "RetrieveUserDashboardStatistics", Read;
    CREATE_PORTAL = "CreatePortal", Write;
    ADD_SUB_PORTALS = "AddSubPortals", Write;
    PORTAL_DETAILS = "PortalDetails", Read;
    LOOKUP_PORTALS = "LookupPortals", Read;
    ADD_PORTAL_LEARNERS = "AddLearnersToPortal", Write;
    ADD_TO_LEARNER_LIST = "AddUsersToLearnerList", Write;
    REMOVE_PORTAL_USERS = "RemovePortalUsers", Write;
    PORTAL_USER_STATUS = "UpdatePortalUserStatus", Write;
    PORTAL_COURSES = "PortalCourses", Read;
    PORTAL_USERS = "PortalUsers", Read;
    CURRENT_PORTAL = "UpdateCurrentPortal", Write;
    PATH_STUDENTS = "LearningPathEnrolledStudents", Read;
    ENROLL_PATH_STUDENTS = "LearningPathEnrollStudents", Write;
    REMOVE_PATH_LEARNERS = "LearningPathRemoveLearners", Write;
    ASSIGN_PATH_CERTIFICATE = "LearningPathAssignCertificate", Write;
    LAUNCH_PATH = "LearningPathLaunch", Write;
    COURSE_DETAIL_REPORT = "CourseDetailReport", Read;
    LMS_OVERVIEW_REPORT = "LmsOverviewReport", Read;
    PATH_DETAIL_REPORT = "LearningPathDetailReport", Read;
    PATHS_OVERVIEW_REPORT = "LearningPathsOverviewReport", Read;
    PATH_ACTIVITIES = "LearningPathActivities", Read;
    PORTAL_PATHS = "PortalLearningPathList", Read;
    MY_PORTAL_PATHS = "MyPortalLearningPaths", Read;
    USER_PATHS = "UserLearningPaths", Read;
    PORTAL_CATALOG = "PortalCourseCatalog", Read;
    MY_PORTAL_COURSES = "MyPortalCourses", Read;
    USER_COURSE_REPORT = "UserCourseReport", Read;
    WEBINAR_STUDENTS = "WebinarStudents", Read;
    WEBINAR_REGISTRATION_STATUS = "UpdateWebinarRegistrationStatus", Write;
    WEBINAR_REGISTRATION_NOTES = "UpdateWebinarRegistrationNotes", Write;
    WEBINAR_ATTENDANCE_REPORT = "WebinarAttendanceReport", Read;
    BULK_UPLOAD_USERS = "BulkUploadUsers", Write;
    QUICK_EDIT_USERS = "QuickEditUsers", Write;
    UPDATE_USER_MEMBERSHIP = "UpdateUserMembership", Write;
}}

catalog! {
    /// Bulk imports: the JSON mirror serves them (the command line runs the same import).
    IMPORTS {
    START_IMPORT = "StartImport", Write;
    GET_IMPORT = "GetImport", Read;
    GET_IMPORT_REFUSALS = "GetImportRefusals", Read;
}}

catalog! {
    /// Keepnet Labs' reseller operations: its face serves them; campaigns are created through the
    /// JSON mirror (and the command line).
    KEEPNET {
    KEEPNET_SEARCH_COMPANIES = "KeepnetSearchCompanies", Read;
    KEEPNET_EXPORT_COMPANIES = "KeepnetExportCompanies", Read;
    KEEPNET_GET_COMPANY = "KeepnetGetCompany", Read;
    KEEPNET_MY_COMPANIES = "KeepnetMyCompanies", Read;
    KEEPNET_SEARCH_ENROLLMENTS = "KeepnetSearchEnrollments", Read;
    KEEPNET_EXPORT_ENROLLMENTS = "KeepnetExportEnrollments", Read;
    KEEPNET_GET_ENROLLMENT = "KeepnetGetEnrollment", Read;
    KEEPNET_TRAINING_SUMMARY = "KeepnetTrainingSummary", Read;
    KEEPNET_TRAINING_USERS = "KeepnetTrainingUsers", Read;
    KEEPNET_SENDING_REPORT = "KeepnetSendingReport", Read;
    KEEPNET_EXPORT_SENDING_REPORT = "KeepnetExportSendingReport", Read;
    KEEPNET_RESEND = "KeepnetResend", Write;
    KEEPNET_CERTIFICATES = "KeepnetCertificates", Read;
    KEEPNET_REMINDER_MAILS = "KeepnetReminderMails", Read;
    KEEPNET_NOTIFICATIONS = "KeepnetNotifications", Read;
    CREATE_KEEPNET_CAMPAIGN = "CreateKeepnetCampaign", Write;
}}

catalog! {
    /// The change feed and webhook subscriptions: the JSON mirror serves them all; Academy Of Mine's
    /// face serves the webhook routes its vendor has.
    CHANGES {
    GET_CHANGES = "GetChanges", Read;
    CREATE_WEBHOOK = "CreateWebhook", Write;
    LIST_WEBHOOKS = "ListWebhooks", Read;
    GET_WEBHOOK = "GetWebhook", Read;
    UPDATE_WEBHOOK = "UpdateWebhook", Write;
    DELETE_WEBHOOK = "DeleteWebhook", Write;
    LIST_WEBHOOK_DELIVERIES = "ListWebhookDeliveries", Read;
    REPLAY_WEBHOOK_DELIVERIES = "ReplayWebhookDeliveries", Write;
}}
