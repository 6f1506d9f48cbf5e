//! Bulk imports over HTTP: `POST /api/v1/imports` takes the files `lmsbridge import` reads (CSV
//! with a header row, or JSON Lines), streamed to an import of its own as the upload arrives, and
//! answers with the run; `GET /api/v1/imports/{importId}` and `.../refusals` read the run and its
//! refused rows while it goes on.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::Problems;
use super::{Rejection, reject, run};
use crate::bulk::run::{DEFAULT_BATCH, Plan};
use crate::bulk::{self, Format, Refusal};
use crate::domain::Principal;
use crate::faces::kit::query::Query;
use crate::service::imports::ImportKind;
use crate::service::{OpError, ProblemKind};
use crate::state::AppState;
use crate::store::imports::JobRow;

type Reply = Result<HttpResponse, Rejection>;

/// The largest upload an import takes (it is streamed: memory stays flat whatever the size).
pub const MAX_UPLOAD: u64 = 4 << 30;

/// A run of an import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub import_id: i64,
    pub kind: ImportKind,
    pub format: Format,
    /// `running`, `done`, or `failed` (with `failure`).
    pub state: String,
    /// The line of the last row of the batches committed so far.
    pub lines_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl From<JobRow> for ImportJob {
    fn from(row: JobRow) -> Self {
        ImportJob {
            import_id: row.id,
            kind: ImportKind::parse(&row.kind).unwrap_or(ImportKind::Users),
            format: Format::parse(&row.format).unwrap_or(Format::Csv),
            state: row.state,
            lines_done: row.lines_done,
            created: row.created,
            updated: row.updated,
            unchanged: row.unchanged,
            refused: row.refused,
            failure: row.failure,
        }
    }
}

/// The refused rows of a run so far, in file order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefusals {
    pub refusals: Vec<Refusal>,
}

fn flag(query: &Query, name: &str) -> Result<bool, OpError> {
    match query.one(name)?.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(OpError::wrong(ProblemKind::Type, name, format!("{name} must be true or false; got '{other}'"))),
    }
}

/// The format the query names, else the body's media type says.
fn format_of(req: &HttpRequest, query: &Query) -> Result<Format, OpError> {
    if let Some(format) = query.one("format")? {
        return Format::parse(&format)
            .ok_or_else(|| OpError::wrong(ProblemKind::Enumeration, "format", format!("format must be csv or jsonl; got '{format}'")));
    }
    let media = req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    match media.split(';').next().unwrap_or("").trim().to_ascii_lowercase().as_str() {
        "text/csv" => Ok(Format::Csv),
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" | "application/json-lines" => Ok(Format::Jsonl),
        _ => Err(OpError::wrong(
            ProblemKind::Required,
            "format",
            format!("say the file's format with ?format=csv|jsonl or a Content-Type of text/csv or application/jsonl; got '{media}'"),
        )),
    }
}

/// Starts an import of the body: users, departments, groups or enrollments.
///
/// The body is the file `lmsbridge import` reads, streamed to the import as it arrives (not held
/// whole). The answer (202) is the run when the upload has ended; the import may still be going
/// on: read it with `GET /api/v1/imports/{importId}`.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", operation_id = "startImport",
    params(
        ("kind" = ImportKind, Query, description = "What the file holds"),
        ("format" = Option<Format>, Query, description = "The file's format (default: from Content-Type, text/csv or application/jsonl)"),
        ("dryRun" = Option<bool>, Query, description = "Judge every row, change nothing"),
        ("allOrNothing" = Option<bool>, Query, description = "Import nothing unless every row can be imported"),
        ("batchSize" = Option<i32>, Query, minimum = 1, maximum = 100000, description = "Rows a transaction holds (default 10000)"),
    ),
    request_body(content = String, description = "CSV with a header row, or JSON Lines", content_type = "text/csv"),
    responses((status = 202, description = "The run, started", body = ImportJob), Problems),
    security(("bearer" = [])))]
pub async fn start_import(req: HttpRequest, state: web::Data<AppState>, mut payload: web::Payload) -> Reply {
    let query = Query::parse(&req, &["kind", "format", "dryRun", "allOrNothing", "batchSize"]).map_err(|e| reject(&req, e))?;
    let plan = (|| -> Result<Plan, OpError> {
        let kind = query
            .one("kind")?
            .ok_or_else(|| OpError::wrong(ProblemKind::Required, "kind", "kind is required: users, departments, groups or enrollments"))?;
        let kind = ImportKind::parse(&kind).ok_or_else(|| {
            OpError::wrong(
                ProblemKind::Enumeration,
                "kind",
                format!("kind must be users, departments, groups or enrollments; got '{kind}'"),
            )
        })?;
        let batch = match query.int("batchSize")? {
            None => DEFAULT_BATCH,
            Some(n @ 1..=100_000) => n as usize,
            Some(n) => return Err(OpError::wrong(ProblemKind::Value, "batchSize", format!("batchSize must be 1 to 100000; got {n}"))),
        };
        Ok(Plan {
            kind,
            format: format_of(&req, &query)?,
            batch,
            dry_run: flag(&query, "dryRun")?,
            all_or_nothing: flag(&query, "allOrNothing")?,
            job: None,
            resume_after: 0,
        })
    })()
    .map_err(|e| reject(&req, e))?;

    // The run is created (and the caller authenticated) before a byte of the body is read.
    let (kind, format) = (plan.kind, plan.format.as_str());
    let started = std::sync::Arc::new(std::sync::Mutex::new(None::<(Principal, i64)>));
    let slot = started.clone();
    let response = run(&req, &state, StatusCode::ACCEPTED, move |service, tx, caller, out| {
        let id = service.open_import(tx, caller, kind, format, "upload")?;
        *slot.lock().expect("one writer") = Some((caller.clone(), id));
        out.value(&ImportJob::from(service.import_job(tx, caller, id)?))
    })
    .await?;
    let Some((principal, id)) = started.lock().expect("one writer").take() else {
        return Err(reject(&req, OpError::Internal("an import started without its run".into())));
    };
    let sender = bulk::job::start(state.service.clone(), principal, Plan { job: Some(id), ..plan });
    let mut received: u64 = 0;
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                let _ = sender.send(Err(format!("the upload broke off: {e}"))).await;
                break;
            }
        };
        received += chunk.len() as u64;
        if received > MAX_UPLOAD {
            let _ = sender.send(Err(format!("the upload is larger than {MAX_UPLOAD} bytes"))).await;
            break;
        }
        if sender.send(Ok(chunk)).await.is_err() {
            // The import stopped (its run says why); the rest of the body is not needed.
            break;
        }
    }
    drop(sender);
    let mut response = response;
    if let Ok(location) = actix_web::http::header::HeaderValue::from_str(&format!("/api/v1/imports/{id}")) {
        response.headers_mut().insert(actix_web::http::header::LOCATION, location);
    }
    Ok(response)
}

fn import_id(req: &HttpRequest) -> Result<i64, Rejection> {
    let raw = req.match_info().get("importId").unwrap_or_default();
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        reject(req, OpError::wrong(ProblemKind::Type, "importId", format!("importId must be a positive whole number; got '{raw}'")))
    })
}

/// A run of an import: its state and counts so far.
#[utoipa::path(get, path = "/api/v1/imports/{importId}", tag = "imports", operation_id = "getImport",
    params(("importId" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The run", body = ImportJob), Problems),
    security(("bearer" = [])))]
pub async fn get_import(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let id = import_id(&req)?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| out.value(&ImportJob::from(service.import_job(tx, caller, id)?)))
        .await
}

/// The refused rows of a run so far: line, column, field, and the JSON mirror's code and detail.
#[utoipa::path(get, path = "/api/v1/imports/{importId}/refusals", tag = "imports", operation_id = "getImportRefusals",
    params(("importId" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The refused rows, in file order", body = ImportRefusals), Problems),
    security(("bearer" = [])))]
pub async fn get_import_refusals(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let id = import_id(&req)?;
    run(&req, &state, StatusCode::OK, move |service, tx, caller, out| {
        service.import_job(tx, caller, id)?;
        out.list("refusals", |emit| {
            let mut after = 0;
            loop {
                let page = service.import_refusals(tx, caller, id, after, 1000)?;
                for (_, row) in &page {
                    emit(&Refusal {
                        line: row.line as u64,
                        column: row.column_no.map(|c| c as u32),
                        field: row.field.clone(),
                        code: row.code.clone(),
                        detail: row.detail.clone(),
                    })?;
                }
                match page.last() {
                    Some((last, _)) if page.len() == 1000 => after = *last,
                    _ => return Ok(()),
                }
            }
        })
    })
    .await
}
