//! The Skillable face's registration list and its handlers, one per route.

use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::errors::{Envelope, SUCCESS, panicked};
use super::model::{Class, ClassEnrollment, User, pages};
use super::{FACE, answer};
use crate::domain::offering::EnrollmentStatus;
use crate::domain::values::{ExternalId, Text};
use crate::faces::kit::answer_panics;
use crate::service::catalog::{self, Operation};
use crate::service::classes::{ClassEnrollmentQuery, ClassQuery};
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
}

macro_rules! registered {
    ($($path:literal => $handler:ident, $op:ident, $subject:ident, $envelope:ident;)*) => {
        /// Every route of the face.
        pub const ROUTES: &[Route] = &[$(Route {
            path: $path,
            operation: catalog::$op,
            subject: Entity::$subject,
            envelope: Envelope::$envelope,
        }),*];

        /// Registers every route under `prefix` (empty for the root). Any method is answered, as
        /// every answer of this face is (Skillable's clients send GET).
        fn register(cfg: &mut web::ServiceConfig, prefix: &str) {
            $(cfg.service(
                web::resource(format!("{prefix}{}", $path))
                    .wrap(from_fn(|req, next| answer_panics(panicked, FACE, req, next)))
                    .route(web::route().to($handler)),
            );)*
        }
    };
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
}

/// The registered route of `operation`.
pub fn route_of(operation: &'static Operation) -> &'static Route {
    ROUTES.iter().find(|route| route.operation == operation).expect("every handler's operation is registered")
}

/// Mounts the face at the API root, as Skillable serves it, and under `prefix` (when it is not
/// the root), so a deployment can put it where a client's base URL points.
pub fn routes(cfg: &mut web::ServiceConfig, prefix: &str) {
    let prefix = prefix.trim_end_matches('/');
    if !prefix.is_empty() {
        register(cfg, prefix);
    }
    register(cfg, "");
}

/// The class enrollment id in the path: Skillable's ids are int32.
fn path_id(req: &HttpRequest) -> Result<i64, OpError> {
    let raw = req.match_info().get("id").unwrap_or_default();
    match raw.trim().parse::<i32>() {
        Ok(id) if id > 0 => Ok(id.into()),
        _ => Err(OpError::wrong(ProblemKind::Type, "id", format!("id must be a positive whole number (int32); got '{raw}'"))),
    }
}

fn results(items: Vec<Value>) -> Value {
    json!({ "Status": SUCCESS, "Error": null, "Results": items })
}

fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("answers serialize")
}

/// The class enrollment whose id the path names.
pub async fn get_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::GET_CLASS_ENROLLMENT, move |service, tx, caller, _| {
        let view = service.get_class_enrollment(tx, caller, id?)?;
        Ok(results(vec![to_value(ClassEnrollment::from(view))]))
    })
    .await
}

/// The class enrollment of `userId` in `classId`.
pub async fn get_class_enrollment_by_class_and_user(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_CLASS_ENROLLMENT_BY_CLASS_AND_USER, |service, tx, caller, params| {
        let view = service.get_class_enrollment_of(tx, caller, params.required_id("classId")?, params.required_id("userId")?)?;
        Ok(results(vec![to_value(ClassEnrollment::from(view))]))
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
        };
        let found = service.search_class_enrollments(tx, caller, &query, page)?;
        let items: Vec<Value> = found.items.into_iter().map(|view| to_value(ClassEnrollment::from(view))).collect();
        Ok(json!({ "Status": SUCCESS, "Error": null, "Results": items, "TotalCount": found.total, "TotalPages": pages(found.total, page.size) }))
    })
    .await
}

pub async fn create_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::CREATE_CLASS_ENROLLMENT, |service, tx, caller, params| {
        let id = service.create_class_enrollment(tx, caller, &params.class_enrollment()?)?;
        Ok(json!({ "status": SUCCESS, "error": null, "ClassEnrollmentId": id }))
    })
    .await
}

pub async fn update_class_enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = path_id(&req);
    answer(&req, &state, catalog::UPDATE_CLASS_ENROLLMENT, move |service, tx, caller, params| {
        service.update_class_enrollment(tx, caller, id?, &params.class_enrollment()?)?;
        Ok(json!({ "Status": SUCCESS, "Error": null }))
    })
    .await
}

/// Sets the text value of a custom field on a class enrollment (an empty or absent `textValue`
/// clears it), answering the field's properties as the user variant of this route does.
pub async fn update_class_enrollment_custom_field_value(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::UPDATE_CLASS_ENROLLMENT_CUSTOM_FIELD_VALUE, |service, tx, caller, params| {
        let enrollment = params.required_id("classEnrollmentId")?;
        let field = params.required_id("customFieldId")?;
        let value = params
            .text("textValue")?
            .map(|v| Text::parse(v).map_err(|why| OpError::wrong(why.rule.into(), "textValue", format!("textValue {}", why.reason))))
            .transpose()?;
        let (value, data_type) = service.set_class_enrollment_custom_field(tx, caller, enrollment, field, value.as_ref())?;
        Ok(json!({
            "Status": SUCCESS, "Error": null, "Id": value.custom_field_id, "Name": value.name, "DataTypeId": data_type,
            "TextValue": (!value.text_value.is_empty()).then_some(value.text_value),
            "NumericValue": null, "BooleanValue": null, "SeparatedListValue": null,
        }))
    })
    .await
}

/// The sort fields of SearchClasses; `Organization` orders by id (one organization per key).
const CLASS_SORTS: &[(&str, OfferingOrder)] = &[
    ("Name", OfferingOrder::Name),
    ("Course", OfferingOrder::Course),
    ("ConfirmationStatus", OfferingOrder::ConfirmationStatus),
    ("Start", OfferingOrder::Start),
    ("End", OfferingOrder::End),
    ("Organization", OfferingOrder::Start),
];

pub async fn search_classes(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::SEARCH_CLASSES, |service, tx, caller, params| {
        let page = params.page()?;
        let query = ClassQuery {
            name: params.text("name")?.map(str::to_string),
            course_id: params.id("courseId")?,
            starts_after: params.instant("startsAfter")?,
            starts_before: params.instant("startsBefore")?,
            order: params.sort(CLASS_SORTS)?,
        };
        let found = service.search_classes(tx, caller, &query, page)?;
        let items: Vec<Value> = found.items.into_iter().map(|view| to_value(Class::new(view, caller.tenant_id))).collect();
        Ok(json!({ "Status": SUCCESS, "Error": null, "Results": items, "TotalCount": found.total, "TotalPages": pages(found.total, page.size) }))
    })
    .await
}

pub async fn get_class_by_external_id(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_CLASS_BY_EXTERNAL_ID, |service, tx, caller, params| {
        let raw =
            params.text("id")?.ok_or_else(|| OpError::wrong(ProblemKind::Required, "id", "id (the class's external id) is required"))?;
        let id = ExternalId::parse(raw).map_err(|why| OpError::wrong(why.rule.into(), "id", format!("id {}", why.reason)))?;
        let classes = service.classes_by_external_id(tx, caller, &id)?;
        if classes.is_empty() {
            return Err(OpError::not_found(Entity::Class, &id));
        }
        Ok(results(classes.into_iter().map(|view| to_value(Class::new(view, caller.tenant_id))).collect()))
    })
    .await
}

pub async fn get_user_by_email(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::GET_USER_BY_EMAIL, |service, tx, caller, params| {
        let raw = params.text("email")?.ok_or_else(|| OpError::wrong(ProblemKind::Required, "email", "email is required"))?;
        let email = ExternalId::parse(raw).map_err(|why| OpError::wrong(why.rule.into(), "email", format!("email {}", why.reason)))?;
        let user = service.class_user_by_email(tx, caller, &email)?;
        Ok(json!({ "Status": SUCCESS, "Error": null, "User": User::new(user, caller.tenant_id) }))
    })
    .await
}
