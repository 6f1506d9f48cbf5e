//! The Skillable face's registration list and its handlers, one per route.

use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::errors::{Envelope, SUCCESS, panicked};
use super::model::{Class, ClassEnrollment, Created, CustomFieldAnswer, Deleted, Plain, Results, Search, User, UserAnswer, pages};
use super::{FACE, answer};
use crate::domain::offering::{CustomFieldInput, CustomFieldType, EnrollmentStatus};
use crate::domain::values::{ExternalId, Text};
use crate::faces::kit::answer_panics;
use crate::service::catalog::{self, Operation};
use crate::service::classes::{ClassEnrollmentQuery, ClassQuery, SearchPage};
use crate::service::{Entity, OpError, ProblemKind};
use crate::state::AppState;
use crate::store::offerings::{OfferingEnrollmentOrder, OfferingOrder};

type State = web::Data<AppState>;

/// One route of the face.
pub struct Route {
    /// The path under the face's mount point, as the router writes it.
    pub path: &'static str,
    pub operation: &'static Operation,
    /// What the route looks up: when it is unknown the answer is `Status` 20, not 10.
    pub subject: Entity,
    /// The shape of its answer, which a failure keeps.
    pub envelope: Envelope,
    /// Whether the route is inferred rather than documented by the vendor: it is served only when
    /// the deployment asks for it (`--skillable-inferred-routes`).
    pub inferred: bool,
}

macro_rules! registered {
    ($($path:literal => $handler:ident, $op:ident, $subject:ident, $envelope:ident $(, $inferred:ident)?;)*) => {
        /// Every route of the face.
        pub const ROUTES: &[Route] = &[$(Route {
            path: $path,
            operation: catalog::$op,
            subject: Entity::$subject,
            envelope: Envelope::$envelope,
            inferred: registered!(@inferred $($inferred)?),
        }),*];

        /// The documented paths, from the handlers' `utoipa::path` attributes.
        #[derive(utoipa::OpenApi)]
        #[openapi(
            info(title = "lmsbridge: Skillable TMS API", description = "Skillable TMS's class-enrollment routes. Every answer is HTTP 200; the outcome is in Status (0 Success, 10 Error, 20 Not found, 30 Invalid integration key)."),
            paths($($handler),*),
            modifiers(&ApiKey),
        )]
        pub struct Document;

        /// Registers every route under `prefix` (empty for the root), the inferred ones only when
        /// asked. Any method is answered, as every answer of this face is (Skillable's clients send GET).
        fn register(cfg: &mut web::ServiceConfig, prefix: &str, inferred: bool) {
            $(if inferred || !registered!(@inferred $($inferred)?) {
                cfg.service(
                    web::resource(format!("{prefix}{}", $path))
                        .wrap(from_fn(|req, next| answer_panics(|id: &str| panicked(Envelope::$envelope, id), FACE, req, next)))
                        .route(web::route().to($handler)),
                );
            })*
        }
    };
    (@inferred inferred) => { true };
    (@inferred) => { false };
}

registered! {
    "/GetClassEnrollment/{id}" => get_class_enrollment, GET_CLASS_ENROLLMENT, ClassEnrollment, Results;
    "/GetClassEnrollmentByClassAndUser" => get_class_enrollment_by_class_and_user, GET_CLASS_ENROLLMENT_BY_CLASS_AND_USER, ClassEnrollment, Results;
    "/SearchClassEnrollments" => search_class_enrollments, SEARCH_CLASS_ENROLLMENTS, ClassEnrollment, Search;
    "/CreateClassEnrollment" => create_class_enrollment, CREATE_CLASS_ENROLLMENT, ClassEnrollment, Created;
    "/UpdateClassEnrollment/{id}" => update_class_enrollment, UPDATE_CLASS_ENROLLMENT, ClassEnrollment, Plain;
    "/UpdateClassEnrollmentCustomFieldValue" => update_class_enrollment_custom_field_value, UPDATE_CLASS_ENROLLMENT_CUSTOM_FIELD_VALUE, ClassEnrollment, CustomField;
    "/SearchClasses" => search_classes, SEARCH_CLASSES, Class, Search;
    "/GetClassByExternalId" => get_class_by_external_id, GET_CLASS_BY_EXTERNAL_ID, Class, Results;
    "/GetUserByEmail" => get_user_by_email, GET_USER_BY_EMAIL, User, User;
    "/GetClassEnrollmentByExternalId" => get_class_enrollment_by_external_id, GET_CLASS_ENROLLMENT_BY_EXTERNAL_ID, ClassEnrollment, Results, inferred;
    "/DeleteClassEnrollment/{id}" => delete_class_enrollment, DELETE_CLASS_ENROLLMENT, ClassEnrollment, Deleted, inferred;
    "/GetClass/{id}" => get_class, GET_CLASS, Class, Results, inferred;
}

/// The `api_key` header.
struct ApiKey;

impl utoipa::Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey as Key, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(Key::Header(ApiKeyValue::new("api_key"))));
    }
}

/// Where the face's OpenAPI document is served.
pub const DOCUMENT_PATH: &str = "/skillable/openapi.json";

/// The face's OpenAPI 3.1 document, built once: the routes served, so with the inferred ones only
/// when they are.
pub fn document(inferred: bool) -> &'static str {
    static DOCUMENTS: [std::sync::OnceLock<String>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    DOCUMENTS[usize::from(inferred)].get_or_init(|| {
        let mut document = <Document as utoipa::OpenApi>::openapi();
        if !inferred {
            for route in ROUTES.iter().filter(|route| route.inferred) {
                document.paths.paths.shift_remove(route.path);
            }
        }
        document.to_pretty_json().expect("the OpenAPI document serializes")
    })
}

/// The registered route of `operation`.
pub fn route_of(operation: &'static Operation) -> &'static Route {
    ROUTES.iter().find(|route| route.operation == operation).expect("every handler's operation is registered")
}

/// Mounts the face at the API root, as Skillable serves it, and under `prefix` (when it is not
/// the root), so a deployment can put it where a client's base URL points; the inferred routes
/// only when `inferred`.
pub fn routes(cfg: &mut web::ServiceConfig, prefix: &str, inferred: bool) {
    let document = document(inferred);
    cfg.route(
        DOCUMENT_PATH,
        crate::state::get_or_head().to(move || async move { HttpResponse::Ok().content_type("application/json").body(document) }),
    );
    let prefix = prefix.trim_end_matches('/');
    if !prefix.is_empty() {
        register(cfg, prefix, inferred);
    }
    register(cfg, "", inferred);
}

/// The id in the path: Skillable's ids are int32.
fn path_id(req: &HttpRequest) -> Result<i64, OpError> {
    let raw = req.match_info().get("id").unwrap_or_default();
    match raw.trim().parse::<i32>() {
        Ok(id) if id > 0 => Ok(id.into()),
        _ => Err(OpError::wrong(ProblemKind::Type, "id", format!("id must be a positive whole number (int32); got '{raw}'"))),
    }
}

fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("answers serialize")
}

/// One page of a search, with the totals.
fn search<T: serde::Serialize + utoipa::ToSchema>(results: Vec<T>, total_count: i64, page: SearchPage) -> Value {
    to_value(Search { status: SUCCESS, error: None, results, total_count, total_pages: pages(total_count, page.size) })
}

fn results<T: serde::Serialize + utoipa::ToSchema>(results: Vec<T>) -> Value {
    to_value(Results { status: SUCCESS, error: None, results })
}

/// The class enrollment whose id the path names.
#[utoipa::path(get, path = "/GetClassEnrollment/{id}", operation_id = "GetClassEnrollment",
    params(("id" = String, Path, description = "The class enrollment's id")),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Results<ClassEnrollment>)),
    security(("api_key" = [])))]
pub async fn get_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::GET_CLASS_ENROLLMENT, move |service, tx, caller, _| {
        let view = service.get_class_enrollment(tx, caller, id?)?;
        Ok(results(vec![ClassEnrollment::from(view)]))
    })
    .await
}

/// The class enrollment of `userId` in `classId`.
#[utoipa::path(get, path = "/GetClassEnrollmentByClassAndUser", operation_id = "GetClassEnrollmentByClassAndUser",
    params(("classId" = i32, Query), ("userId" = i32, Query)),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Results<ClassEnrollment>)),
    security(("api_key" = [])))]
pub async fn get_class_enrollment_by_class_and_user(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_CLASS_ENROLLMENT_BY_CLASS_AND_USER, |service, tx, caller, params| {
        let view = service.get_class_enrollment_of(tx, caller, params.required_id("classId")?, params.required_id("userId")?)?;
        Ok(results(vec![ClassEnrollment::from(view)]))
    })
    .await
}

/// The sort fields of SearchClassEnrollments. The reference lists fields a class enrollment does
/// not have (copied from another entity); those order by id.
const CLASS_ENROLLMENT_SORTS: &[(&str, OfferingEnrollmentOrder)] = &[
    ("Name", OfferingEnrollmentOrder::OfferingName),
    ("Created", OfferingEnrollmentOrder::Created),
    ("LastModified", OfferingEnrollmentOrder::LastModified),
    ("Program", OfferingEnrollmentOrder::Id),
    ("CompanyOrganization", OfferingEnrollmentOrder::Id),
    ("Owner", OfferingEnrollmentOrder::Id),
    ("Company", OfferingEnrollmentOrder::Id),
    ("Starts", OfferingEnrollmentOrder::Id),
    ("Expires", OfferingEnrollmentOrder::Id),
    ("Size", OfferingEnrollmentOrder::Id),
    ("Used", OfferingEnrollmentOrder::Id),
];

/// Class enrollments, one 0-based page at a time.
#[utoipa::path(get, path = "/SearchClassEnrollments", operation_id = "SearchClassEnrollments",
    params(
        ("pageIndex" = Option<i32>, Query, description = "0-based; default 0"),
        ("pageSize" = Option<i32>, Query, description = "Default 100, at most 1000"),
        ("sort" = Option<String>, Query, description = "Name, Created, LastModified (others of the reference sort by id), optionally followed by DESC"),
        ("className" = Option<String>, Query), ("classId" = Option<i32>, Query), ("studentId" = Option<i32>, Query),
        ("enrollmentStatusId" = Option<i32>, Query), ("createdAfter" = Option<i64>, Query, description = "Epoch seconds"),
        ("createdBefore" = Option<i64>, Query, description = "Epoch seconds"),
    ),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Search<ClassEnrollment>)),
    security(("api_key" = [])))]
pub async fn search_class_enrollments(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::SEARCH_CLASS_ENROLLMENTS, |service, tx, caller, params| {
        let page = params.page()?;
        let query = ClassEnrollmentQuery {
            class_name: params.text("className")?.map(str::to_string),
            class_id: params.id("classId")?,
            user_id: params.id("studentId")?,
            enrollment_status: params.code("enrollmentStatusId", EnrollmentStatus::parse)?,
            created_after: params.instant("createdAfter")?,
            created_before: params.instant("createdBefore")?,
            order: params.sort(CLASS_ENROLLMENT_SORTS)?,
            ..Default::default()
        };
        let found = service.search_class_enrollments(tx, caller, &query, page)?;
        Ok(search(found.items.into_iter().map(ClassEnrollment::from).collect(), found.total, page))
    })
    .await
}

#[utoipa::path(get, path = "/CreateClassEnrollment", operation_id = "CreateClassEnrollment",
    params(
        ("externalId" = Option<String>, Query, description = "The caller's id of the class enrollment"),
        ("classId" = i32, Query), ("userId" = i32, Query),
        ("enrollmentStatusId" = i32, Query, description = "0 Request, 10 Cancel, 20 Waitlist, 30 Approve, 40 Deny, 50 Audit, 60 Enroll"),
        ("completionStatusId" = i32, Query, description = "0 Unknown, 10 Attending, 20 Complete, 30 Incomplete, 40 NoShow, 50 Failed"),
        ("lateCancel" = Option<bool>, Query), ("retake" = Option<bool>, Query),
        ("LocationTypeId" = Option<i32>, Query, description = "0 To Be Determined, 10 Classroom, 20 Remote Classroom, 30 Virtual"),
        ("ClassroomId" = Option<i32>, Query), ("HoursSpent" = Option<i32>, Query), ("Grade" = Option<i32>, Query),
    ),
    responses((status = 200, description = "Always 200; the outcome is in status", body = Created)),
    security(("api_key" = [])))]
pub async fn create_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::CREATE_CLASS_ENROLLMENT, |service, tx, caller, params| {
        let id = service.create_class_enrollment(tx, caller, &params.class_enrollment()?)?;
        Ok(to_value(Created { status: SUCCESS, error: None, class_enrollment_id: i32::try_from(id).ok() }))
    })
    .await
}

/// Replaces every editable field of a class enrollment.
#[utoipa::path(get, path = "/UpdateClassEnrollment/{id}", operation_id = "UpdateClassEnrollment",
    params(
        ("id" = String, Path),
        ("externalId" = Option<String>, Query, description = "The caller's id of the class enrollment"),
        ("classId" = i32, Query), ("userId" = i32, Query),
        ("enrollmentStatusId" = i32, Query, description = "0 Request, 10 Cancel, 20 Waitlist, 30 Approve, 40 Deny, 50 Audit, 60 Enroll"),
        ("completionStatusId" = i32, Query, description = "0 Unknown, 10 Attending, 20 Complete, 30 Incomplete, 40 NoShow, 50 Failed"),
        ("lateCancel" = Option<bool>, Query), ("retake" = Option<bool>, Query),
        ("LocationTypeId" = Option<i32>, Query, description = "0 To Be Determined, 10 Classroom, 20 Remote Classroom, 30 Virtual"),
        ("ClassroomId" = Option<i32>, Query), ("HoursSpent" = Option<i32>, Query), ("Grade" = Option<i32>, Query),
    ),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Plain)),
    security(("api_key" = [])))]
pub async fn update_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::UPDATE_CLASS_ENROLLMENT, move |service, tx, caller, params| {
        service.update_class_enrollment(tx, caller, id?, &params.class_enrollment()?)?;
        Ok(to_value(Plain { status: SUCCESS, error: None }))
    })
    .await
}

/// Sets the text value of a custom field on a class enrollment (an empty or absent `textValue`
/// clears it), answering the field's properties as the user variant of this route does.
#[utoipa::path(get, path = "/UpdateClassEnrollmentCustomFieldValue", operation_id = "UpdateClassEnrollmentCustomFieldValue",
    params(
        ("classEnrollmentId" = i32, Query), ("customFieldId" = i32, Query),
        ("textValue" = Option<String>, Query, description = "Textbox, Dropdown List, Number and User Selector fields"),
        ("booleanValue" = Option<bool>, Query, description = "Checkbox fields"),
        ("separatedListValues" = Option<String>, Query, description = "Checkbox List fields: the values, tab-separated"),
    ),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = CustomFieldAnswer)),
    security(("api_key" = [])))]
pub async fn update_class_enrollment_custom_field_value(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::UPDATE_CLASS_ENROLLMENT_CUSTOM_FIELD_VALUE, |service, tx, caller, params| {
        let enrollment = params.required_id("classEnrollmentId")?;
        let field = params.required_id("customFieldId")?;
        let given = [
            params.value("textValue", Text::parse)?.map(CustomFieldInput::Text),
            params.boolean("booleanValue")?.map(CustomFieldInput::Boolean),
            params.value("separatedListValues", Text::parse)?.map(CustomFieldInput::List),
        ];
        let mut given = given.into_iter().flatten();
        let value = given.next();
        if given.next().is_some() {
            return Err(OpError::wrong(ProblemKind::Occurs, "textValue", "give one of textValue, booleanValue and separatedListValues"));
        }
        let value = service.set_class_enrollment_custom_field(tx, caller, enrollment, field, value.as_ref())?;
        let data_type = value.data_type;
        let stored = (!value.text_value.is_empty()).then_some(value.text_value);
        let mut answer = CustomFieldAnswer {
            status: SUCCESS,
            id: i32::try_from(value.custom_field_id).ok(),
            name: Some(value.name),
            data_type_id: Some(data_type as i16),
            ..Default::default()
        };
        match data_type {
            CustomFieldType::Checkbox => answer.boolean_value = stored.map(|v| v == "true"),
            CustomFieldType::Number => answer.numeric_value = stored.and_then(|v| v.parse().ok()),
            CustomFieldType::CheckboxList => answer.separated_list_value = stored,
            _ => answer.text_value = stored,
        }
        Ok(to_value(answer))
    })
    .await
}

/// The sort fields of SearchClasses; `Organization` orders by start (a key sees one organization).
const CLASS_SORTS: &[(&str, OfferingOrder)] = &[
    ("Name", OfferingOrder::Name),
    ("Course", OfferingOrder::Course),
    ("ConfirmationStatus", OfferingOrder::ConfirmationStatus),
    ("Start", OfferingOrder::Start),
    ("End", OfferingOrder::End),
    ("Organization", OfferingOrder::Start),
];

#[utoipa::path(get, path = "/SearchClasses", operation_id = "SearchClasses",
    params(
        ("pageIndex" = Option<i32>, Query, description = "0-based; default 0"),
        ("pageSize" = Option<i32>, Query, description = "Default 100, at most 1000"),
        ("sort" = Option<String>, Query, description = "Name, Course, ConfirmationStatus, Start, End or Organization, optionally followed by DESC"),
        ("name" = Option<String>, Query), ("courseId" = Option<i32>, Query),
        ("startsAfter" = Option<i64>, Query, description = "Epoch seconds"), ("startsBefore" = Option<i64>, Query, description = "Epoch seconds"),
    ),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Search<Class>)),
    security(("api_key" = [])))]
pub async fn search_classes(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::SEARCH_CLASSES, |service, tx, caller, params| {
        let page = params.page()?;
        let query = ClassQuery {
            name: params.text("name")?.map(str::to_string),
            course_id: params.id("courseId")?,
            starts_after: params.instant("startsAfter")?,
            starts_before: params.instant("startsBefore")?,
            order: params.sort(CLASS_SORTS)?,
            ..Default::default()
        };
        let found = service.search_classes(tx, caller, &query, page)?;
        Ok(search(found.items.into_iter().map(|view| Class::new(view, caller.tenant_id)).collect(), found.total, page))
    })
    .await
}

#[utoipa::path(get, path = "/GetClassByExternalId", operation_id = "GetClassByExternalId",
    params(("id" = String, Query, description = "The class's external id")),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Results<Class>)),
    security(("api_key" = [])))]
pub async fn get_class_by_external_id(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_CLASS_BY_EXTERNAL_ID, |service, tx, caller, params| {
        let id = params.required("id", params.value("id", ExternalId::parse)?)?;
        let class = service.class_by_external_id(tx, caller, &id)?;
        Ok(results(vec![Class::new(class, caller.tenant_id)]))
    })
    .await
}

#[utoipa::path(get, path = "/GetUserByEmail", operation_id = "GetUserByEmail",
    params(("email" = String, Query)),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = UserAnswer)),
    security(("api_key" = [])))]
pub async fn get_user_by_email(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_USER_BY_EMAIL, |service, tx, caller, params| {
        let email = params.required("email", params.value("email", ExternalId::parse)?)?;
        let user = service.class_user_by_email(tx, caller, &email)?;
        Ok(to_value(UserAnswer { status: SUCCESS, error: None, user: Some(User::new(user, caller.tenant_id)) }))
    })
    .await
}

/// The class enrollments filed under the caller's external id (inferred route).
#[utoipa::path(get, path = "/GetClassEnrollmentByExternalId", operation_id = "GetClassEnrollmentByExternalId",
    params(("id" = String, Query, description = "The class enrollment's external id; every class enrollment carrying it is listed")),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Results<ClassEnrollment>)),
    security(("api_key" = [])))]
pub async fn get_class_enrollment_by_external_id(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_CLASS_ENROLLMENT_BY_EXTERNAL_ID, |service, tx, caller, params| {
        let id = params.required("id", params.value("id", ExternalId::parse)?)?;
        let views = service.class_enrollments_by_external_id(tx, caller, &id)?;
        Ok(results(views.into_iter().map(ClassEnrollment::from).collect()))
    })
    .await
}

/// Deletes a class enrollment and the enrollment it is, for every face (inferred route).
#[utoipa::path(get, path = "/DeleteClassEnrollment/{id}", operation_id = "DeleteClassEnrollment",
    params(("id" = String, Path, description = "The class enrollment's id")),
    responses((status = 200, description = "Always 200; the outcome is in status", body = Deleted)),
    security(("api_key" = [])))]
pub async fn delete_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::DELETE_CLASS_ENROLLMENT, move |service, tx, caller, _| {
        service.delete_class_enrollment(tx, caller, id?)?;
        Ok(to_value(Deleted { status: SUCCESS, error: None }))
    })
    .await
}

/// The class whose id the path names (inferred route).
#[utoipa::path(get, path = "/GetClass/{id}", operation_id = "GetClass",
    params(("id" = String, Path, description = "The class's id")),
    responses((status = 200, description = "Always 200; the outcome is in Status", body = Results<Class>)),
    security(("api_key" = [])))]
pub async fn get_class(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::GET_CLASS, move |service, tx, caller, _| {
        let class = service.get_class(tx, caller, id?)?;
        Ok(results(vec![Class::new(class, caller.tenant_id)]))
    })
    .await
}
