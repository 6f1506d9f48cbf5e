//! The Keepnet face's registration list and its handlers. Every handler reads its body and company
//! header first, but refuses bad input only after the token is checked: a call without a valid
//! token is a 401 whatever it sends.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::model::{self, Body};
use super::{FACE, Head, answer, envelope, errors, export, refused};
use crate::domain::keepnet::{ExportType, Field, KeepnetRole, NotificationStatus, NotificationType, PageRequest, fields};
use crate::faces::kit::answer_panics;
use crate::faces::kit::body::{self, Allowance};
use crate::faces::kit::json::JsonOut;
use crate::service::OpError;
use crate::service::catalog::{self, Operation};
use crate::state::AppState;

type State = web::Data<AppState>;

/// One route of the face: its method, its path, and the catalog operation it reaches.
pub struct Registered {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: &'static Operation,
    /// Whether only a Reseller credential may call it.
    pub reseller_only: bool,
}

const fn route(method: &'static str, path: &'static str, operation: &'static Operation) -> Registered {
    Registered { method, path, operation, reseller_only: false }
}

const fn reseller(method: &'static str, path: &'static str, operation: &'static Operation) -> Registered {
    Registered { method, path, operation, reseller_only: true }
}

/// Every route of the face but the token endpoint.
pub const ROUTES: &[Registered] = &[
    reseller("POST", "/api/companies/search", catalog::KEEPNET_SEARCH_COMPANIES),
    reseller("POST", "/api/companies/search/export", catalog::KEEPNET_EXPORT_COMPANIES),
    route("GET", "/api/companies/my", catalog::KEEPNET_MY_COMPANIES),
    route("GET", "/api/companies/{resourceId}", catalog::KEEPNET_GET_COMPANY),
    route("POST", "/api/enrollments/search", catalog::KEEPNET_SEARCH_ENROLLMENTS),
    route("POST", "/api/enrollments/search/export", catalog::KEEPNET_EXPORT_ENROLLMENTS),
    route("GET", "/api/enrollments/{enrollmentId}", catalog::KEEPNET_GET_ENROLLMENT),
    route("GET", "/api/training-reports/{enrollmentId}/summary", catalog::KEEPNET_TRAINING_SUMMARY),
    route("POST", "/api/training-reports/{enrollmentId}/users/search", catalog::KEEPNET_TRAINING_USERS),
    route("POST", "/api/training-reports/{enrollmentId}/sending-report/search", catalog::KEEPNET_SENDING_REPORT),
    route("POST", "/api/training-reports/{enrollmentId}/sending-report/search/export", catalog::KEEPNET_EXPORT_SENDING_REPORT),
    route("POST", "/api/training-reports/{enrollmentId}/sending-report/resend", catalog::KEEPNET_RESEND),
    route("POST", "/api/enrollments/{enrollmentId}/certificates/search", catalog::KEEPNET_CERTIFICATES),
    route("POST", "/api/training-reports/{enrollmentId}/reminder-mails/search", catalog::KEEPNET_REMINDER_MAILS),
    route("POST", "/api/notifications/{enrollmentId}/search", catalog::KEEPNET_NOTIFICATIONS),
];

/// The token endpoint and the face's OpenAPI document.
pub const TOKEN_PATH: &str = "/connect/token";
pub const DOCUMENT_PATH: &str = "/keepnet/openapi.json";

/// The routes a role may call, as the token's `permissions` list them (`companies/search|POST`).
pub fn permissions(role: KeepnetRole) -> Vec<String> {
    ROUTES
        .iter()
        .filter(|r| role == KeepnetRole::Reseller || !r.reseller_only)
        .map(|r| format!("{}|{}", r.path.trim_start_matches("/api/"), r.method))
        .collect()
}

/// Mounts the face at the paths Keepnet's clients call.
pub fn routes(cfg: &mut web::ServiceConfig) {
    macro_rules! at {
        ($path:expr, $method:ident => $handler:expr) => {
            cfg.service(
                web::resource($path)
                    .wrap(from_fn(|req, next| answer_panics(errors::panicked, FACE, req, next)))
                    .route(web::$method().to($handler)),
            );
        };
    }
    at!(TOKEN_PATH, post => token);
    at!(DOCUMENT_PATH, get => document);
    // Literal paths before the patterns that would take them for an id.
    at!("/api/companies/search", post => search_companies);
    at!("/api/companies/search/export", post => export_companies);
    at!("/api/companies/my", get => my_companies);
    at!("/api/companies/{resourceId}", get => company);
    at!("/api/enrollments/search", post => search_enrollments);
    at!("/api/enrollments/search/export", post => export_enrollments);
    at!("/api/enrollments/{enrollmentId}", get => enrollment);
    at!("/api/training-reports/{enrollmentId}/summary", get => summary);
    at!("/api/training-reports/{enrollmentId}/users/search", post => users);
    at!("/api/training-reports/{enrollmentId}/sending-report/search", post => sending);
    at!("/api/training-reports/{enrollmentId}/sending-report/search/export", post => export_sending);
    at!("/api/training-reports/{enrollmentId}/sending-report/resend", post => resend);
    at!("/api/enrollments/{enrollmentId}/certificates/search", post => certificates);
    at!("/api/training-reports/{enrollmentId}/reminder-mails/search", post => reminders);
    at!("/api/notifications/{enrollmentId}/search", post => notifications);
}

async fn document(req: HttpRequest) -> HttpResponse {
    crate::faces::kit::observe(&req, FACE, "OpenApiDocument", crate::metrics::Outcome::Success, None);
    HttpResponse::Ok().content_type("application/json").body(super::openapi::document())
}

/// What a handler read before authenticating: the body (or why it could not be used) and the
/// company the request names.
struct Read {
    body: Result<Body, OpError>,
    company: Result<Option<String>, OpError>,
}

async fn read(req: &HttpRequest, payload: web::Payload, state: &State) -> Result<Read, HttpResponse> {
    let bytes = body::read(req, payload, state.body_limits, Allowance::Ordinary).await.map_err(|refusal| errors::body_refused(&refusal))?;
    Ok(Read { body: Body::parse(&bytes), company: super::company_of(req) })
}

fn id_of(req: &HttpRequest, name: &str) -> String {
    req.match_info().get(name).unwrap_or_default().to_string()
}

fn write_envelope(sink: &mut crate::faces::kit::BodySink<OpError>, data: Value) -> Result<(), OpError> {
    JsonOut::new(sink).value(&envelope(data))
}

// ---------------------------------------------------------------------------------------------
// The token

async fn token(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let observe = |outcome| crate::faces::kit::observe(&req, FACE, "Token", outcome, None);
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if content_type.contains("json") {
        // Keepnet's token server fails on a JSON body (500); say why.
        observe(crate::metrics::Outcome::ClientFault);
        return errors::oauth(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the token endpoint reads application/x-www-form-urlencoded fields, not JSON",
        );
    }
    let bytes = match body::read(&req, payload, state.body_limits, Allowance::Ordinary).await {
        Ok(bytes) => bytes,
        Err(refusal) => return errors::oauth(refusal.status, "invalid_request", &refusal.message),
    };
    let mut grant = None;
    let mut client_id = None;
    let mut client_secret = None;
    let mut scope = None;
    for (name, value) in form_urlencoded::parse(&bytes) {
        match name.as_ref() {
            "grant_type" => grant = Some(value.into_owned()),
            "client_id" => client_id = Some(value.into_owned()),
            "client_secret" => client_secret = Some(value.into_owned()),
            "scope" => scope = Some(value.into_owned()),
            _ => {}
        }
    }
    let refuse = |error: &str, description: &str| {
        crate::faces::kit::observe(&req, FACE, "Token", crate::metrics::Outcome::ClientFault, Some("MALFORMED"));
        errors::oauth(StatusCode::BAD_REQUEST, error, description)
    };
    match grant.as_deref() {
        Some("client_credentials") => {}
        Some(other) => return refuse("unsupported_grant_type", &format!("grant_type '{other}' is not supported; use client_credentials")),
        None => return refuse("invalid_request", "grant_type is required (client_credentials)"),
    }
    if let Some(scope) = scope.as_deref()
        && !scope.split_whitespace().all(|s| s == "api1")
    {
        return refuse("invalid_scope", &format!("scope '{scope}' is not offered; ask for api1"));
    }
    let (Some(client_id), Some(client_secret)) = (client_id, client_secret) else {
        return refuse("invalid_client", "client_id and client_secret are required");
    };
    let service = state.service.clone();
    match web::block(move || service.issue_keepnet_token(&client_id, &client_secret)).await {
        Ok(Ok(issued)) => {
            observe(crate::metrics::Outcome::Success);
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).content_type("application/json; charset=utf-8").body(
                json!({
                    "access_token": issued.access_token,
                    "expires_in": issued.expires_in,
                    "token_type": "Bearer",
                    "scope": "api1",
                    "permissions": permissions(issued.role),
                })
                .to_string(),
            )
        }
        Ok(Err(OpError::Unauthenticated(detail))) => refuse("invalid_client", &detail),
        Ok(Err(error)) => refused(&req, "Token", error),
        Err(e) => refused(&req, "Token", OpError::Internal(format!("the token could not be issued: {e}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Companies

async fn search_companies(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let operation = catalog::KEEPNET_SEARCH_COMPANIES;
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, operation, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::COMPANIES, ("createTime", false), true)?;
        let exceeded = body.flag("isTargetUserCountExceededLimit")?;
        let found = service.keepnet_search_companies(tx, caller, company.as_deref(), exceeded, &search)?;
        let mut data = model::paged(search.page, found.found.total, found.found.rows.iter().map(model::company).collect());
        data["limitExceededCompanyCount"] = found.limit_exceeded.into();
        write_envelope(sink, data)
    })
    .await
}

async fn export_companies(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let operation = catalog::KEEPNET_EXPORT_COMPANIES;
    export_route(
        req,
        payload,
        state,
        operation,
        "companies",
        fields::COMPANIES,
        ("createTime", false),
        true,
        |service, tx, caller, body, company, search| {
            let exceeded = body.flag("isTargetUserCountExceededLimit")?;
            let page = service.keepnet_search_companies(tx, caller, company, exceeded, search)?;
            Ok(page.found.rows.iter().map(model::company).collect())
        },
    )
    .await
}

async fn my_companies(req: HttpRequest, state: State) -> HttpResponse {
    answer(&req, &state, catalog::KEEPNET_MY_COMPANIES, Head::Json, move |service, tx, caller, sink| {
        let companies = service.keepnet_my_companies(tx, caller)?;
        write_envelope(sink, Value::Array(companies.iter().map(model::company).collect()))
    })
    .await
}

async fn company(req: HttpRequest, state: State) -> HttpResponse {
    let id = id_of(&req, "resourceId");
    answer(&req, &state, catalog::KEEPNET_GET_COMPANY, Head::Json, move |service, tx, caller, sink| {
        let company = service.keepnet_company_by_id(tx, caller, &id)?;
        write_envelope(sink, model::company(&company))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Enrollments

async fn search_enrollments(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_SEARCH_ENROLLMENTS, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::ENROLLMENTS, ("createTime", false), true)?;
        let kind = model::enrollment_type(&body, "enrollmentType")?;
        let found = service.keepnet_search_campaigns(tx, caller, company.as_deref(), kind, &search)?;
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(model::enrollment).collect()))
    })
    .await
}

async fn export_enrollments(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let operation = catalog::KEEPNET_EXPORT_ENROLLMENTS;
    export_route(
        req,
        payload,
        state,
        operation,
        "enrollments",
        fields::ENROLLMENTS,
        ("createTime", false),
        true,
        |service, tx, caller, body, company, search| {
            let kind = model::enrollment_type(body, "enrollmentType")?;
            let found = service.keepnet_search_campaigns(tx, caller, company, kind, search)?;
            Ok(found.rows.iter().map(model::enrollment).collect())
        },
    )
    .await
}

async fn enrollment(req: HttpRequest, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let company = super::company_of(&req);
    answer(&req, &state, catalog::KEEPNET_GET_ENROLLMENT, Head::Json, move |service, tx, caller, sink| {
        let company = company?;
        let campaign = service.keepnet_campaign(tx, caller, company.as_deref(), &id)?;
        let groups = service.keepnet_campaign_groups(tx, &campaign)?;
        write_envelope(sink, model::enrollment_detail(&campaign, &groups))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Training reports

async fn summary(req: HttpRequest, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let company = super::company_of(&req);
    let training = crate::faces::kit::query::Query::parse(&req, &["trainingType", "companyId"]).and_then(|q| {
        q.one("trainingType")?
            .map(|t| crate::domain::keepnet::EnrollmentType::parse_training_type(&t).map_err(|why| OpError::refused("trainingType", why)))
            .transpose()
    });
    answer(&req, &state, catalog::KEEPNET_TRAINING_SUMMARY, Head::Json, move |service, tx, caller, sink| {
        let company = company?;
        training?;
        let summary = service.keepnet_summary(tx, caller, company.as_deref(), &id)?;
        write_envelope(sink, model::summary(&summary))
    })
    .await
}

async fn users(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_TRAINING_USERS, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::USERS, ("email", true), false)?;
        model::enrollment_type(&body, "trainingType")?;
        showing_exam_status(&body)?;
        let found = service.keepnet_users(tx, caller, company.as_deref(), &id, &search)?;
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(|r| model::user(&id, r)).collect()))
    })
    .await
}

/// `showByExamStatus`, when sent, is one of Keepnet's three values.
fn showing_exam_status(body: &Body) -> Result<(), OpError> {
    match body.text("showByExamStatus")?.as_deref().map(str::trim) {
        None | Some("") => Ok(()),
        Some(word) if ["FirstAttempt", "PassedAnyAttempt", "FailedAnyAttempt"].iter().any(|w| w.eq_ignore_ascii_case(word)) => Ok(()),
        Some(word) => Err(OpError::invalid(
            "showByExamStatus",
            format!("showByExamStatus must be FirstAttempt, PassedAnyAttempt or FailedAnyAttempt; got '{word}'"),
        )),
    }
}

async fn sending(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_SENDING_REPORT, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::SENDING_REPORT, ("email", true), false)?;
        let found = service.keepnet_sending(tx, caller, company.as_deref(), &id, &search)?;
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(|r| model::sending(&id, r)).collect()))
    })
    .await
}

async fn export_sending(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let name = format!("sending-report-{}", id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>());
    let operation = catalog::KEEPNET_EXPORT_SENDING_REPORT;
    export_route(
        req,
        payload,
        state,
        operation,
        &name,
        fields::SENDING_REPORT,
        ("email", true),
        false,
        move |service, tx, caller, _, company, search| {
            let found = service.keepnet_sending(tx, caller, company, &id, search)?;
            Ok(found.rows.iter().map(|r| model::sending(&id, r)).collect())
        },
    )
    .await
}

async fn resend(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_RESEND, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let filter = body.filter(fields::SENDING_REPORT)?;
        let select_all = body.flag("selectAll")?.unwrap_or(false);
        let selected = body.strings("selectedItems")?;
        let excluded = body.strings("excludedItems")?;
        let queued = service.keepnet_resend(tx, caller, company.as_deref(), &id, &filter, select_all, &selected, &excluded)?;
        let mut answer = envelope(json!({"id": id, "queuedCount": queued}));
        answer["message"] = format!("{queued} mail(s) queued again").into();
        JsonOut::new(sink).value(&answer)
    })
    .await
}

async fn certificates(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_CERTIFICATES, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::CERTIFICATES, ("createdDate", false), false)?;
        let found = service.keepnet_certificates(tx, caller, company.as_deref(), &id, &search)?;
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(model::certificate).collect()))
    })
    .await
}

async fn reminders(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_REMINDER_MAILS, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::REMINDER_MAILS, ("lastSendDate", false), false)?;
        let training = model::enrollment_type(&body, "trainingType")?;
        body.flag("reportAllPages")?;
        showing_exam_status(&body)?;
        let found = service.keepnet_reminders(tx, caller, company.as_deref(), &id, training, &search)?;
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(model::reminder).collect()))
    })
    .await
}

async fn notifications(req: HttpRequest, payload: web::Payload, state: State) -> HttpResponse {
    let id = id_of(&req, "enrollmentId");
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    answer(&req, &state, catalog::KEEPNET_NOTIFICATIONS, Head::Json, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let search = body.search(fields::NOTIFICATIONS, ("createTime", false), false)?;
        // The body repeats the enrollment (and may name the company by number): they must agree.
        if let Some(named) = body.text("enrollmentId")?
            && named.trim() != id.trim()
        {
            return Err(OpError::invalid("enrollmentId", format!("the body names enrollment {named}, the path {id}")));
        }
        let status = body.text("status")?.filter(|s| !s.trim().is_empty());
        let status = status.map(|s| NotificationStatus::parse_any_case(&s).map_err(|why| OpError::refused("status", why))).transpose()?;
        let kind = body.text("type")?.filter(|s| !s.trim().is_empty());
        let kind = kind.map(|s| NotificationType::parse_any_case(&s).map_err(|why| OpError::refused("type", why))).transpose()?;
        let company_number = body.int("companyId")?;
        let found = service.keepnet_notifications(tx, caller, company.as_deref(), &id, status, kind, &search)?;
        if let Some(number) = company_number
            && found.rows.first().is_some_and(|r| r.company_id != number)
        {
            return Err(OpError::invalid("companyId", format!("companyId {number} is not the company of enrollment {id}")));
        }
        write_envelope(sink, model::paged(search.page, found.total, found.rows.iter().map(model::notification).collect()))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Rows an export reads at a time.
const EXPORT_PAGE: i64 = 1000;

/// An export: the search's rows (every page with `reportAllPages`, else the page asked for) as
/// the `exportType` file.
#[allow(clippy::too_many_arguments)]
async fn export_route<F>(
    req: HttpRequest,
    payload: web::Payload,
    state: State,
    operation: &'static Operation,
    name: &str,
    report: &'static [Field],
    default: (&'static str, bool),
    required: bool,
    rows: F,
) -> HttpResponse
where
    F: Fn(
            &crate::service::Service,
            &mut crate::store::Tx<'_>,
            &crate::service::keepnet::KeepnetCaller,
            &Body,
            Option<&str>,
            &crate::domain::keepnet::Search,
        ) -> Result<Vec<Value>, OpError>
        + Send
        + 'static,
{
    let read = match read(&req, payload, &state).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    // The file's kind decides the response's head: read it now, refuse it after the token.
    let kind = match &read.body {
        Ok(body) => match body.text("exportType") {
            Ok(Some(word)) => ExportType::parse(&word).map_err(|why| OpError::refused("exportType", why)),
            // The seed gives the export the search's body shape: without exportType, a CSV file.
            Ok(None) => Ok(ExportType::Csv),
            Err(e) => Err(e),
        },
        Err(e) => Err(e.clone()),
    };
    let (content_type, filename) = export::head(*kind.as_ref().unwrap_or(&ExportType::Csv), name);
    answer(&req, &state, operation, Head::File { content_type, filename }, move |service, tx, caller, sink| {
        let body = read.body?;
        let company = read.company?;
        let kind = kind?;
        let search = body.search(report, default, required)?;
        let all = body.flag("reportAllPages")?.unwrap_or(false);
        let fallback: Vec<&str> = report.iter().map(|f| f.name).collect();
        let mut page = if all { PageRequest { number: 1, size: EXPORT_PAGE } } else { search.page };
        let mut done = false;
        export::write(kind, sink, &fallback, || {
            if done {
                return Ok(Vec::new());
            }
            let found = rows(service, tx, caller, &body, company.as_deref(), &crate::domain::keepnet::Search { page, ..search.clone() })?;
            done = !all || (found.len() as i64) < page.size;
            page.number += 1;
            Ok(found)
        })
    })
    .await
}
