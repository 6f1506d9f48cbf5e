//! Running an import: rows read from a stream a batch at a time, each batch upserted and recorded
//! in one transaction (or the whole file in one, for a dry run or all-or-nothing).

use std::io::BufRead;

use super::csv::{Malformed, Reader};
use super::{Format, Refusal, Row, csv_header, csv_row, json_row, record};
use crate::domain::Principal;
use crate::service::imports::{ImportKind, Outcome, Record};
use crate::service::{OpError, Service};
use crate::store::imports::{Counts, RefusalRow};
use crate::store::{StoreError, Tx};

/// Rows a batch holds unless told otherwise.
pub const DEFAULT_BATCH: usize = 10_000;

/// How to run an import.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: ImportKind,
    pub format: Format,
    pub batch: usize,
    /// Judge every row, change nothing.
    pub dry_run: bool,
    /// Import nothing unless every row can be imported.
    pub all_or_nothing: bool,
    /// The run that records progress (none for a dry run).
    pub job: Option<i64>,
    /// Rows on lines up to this one were committed by an earlier, interrupted run.
    pub resume_after: u64,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Rows read (refused ones included), and the line of the last one.
    pub rows: u64,
    pub line: u64,
    /// Bytes of the input read.
    pub bytes: u64,
    pub counts: Counts,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub progress: Progress,
    /// All-or-nothing with refused rows: nothing was imported.
    pub rolled_back: bool,
}

impl Summary {
    /// `N created, N updated, N unchanged, N refused`.
    pub fn line(&self) -> String {
        let c = self.progress.counts;
        format!("{} created, {} updated, {} unchanged, {} refused", c.created, c.updated, c.unchanged, c.refused)
    }
}

/// What stops a run as a whole.
#[derive(Debug)]
pub enum RunError {
    /// The file cannot be read as a file of its kind (its header, its encoding, I/O).
    File(String),
    /// The operation failed (the caller may not import, or the database failed).
    Op(OpError),
    /// Rolled back on purpose (dry run, all-or-nothing with refused rows).
    Rollback,
}

impl From<OpError> for RunError {
    fn from(e: OpError) -> Self {
        RunError::Op(e)
    }
}

impl From<diesel::result::Error> for RunError {
    fn from(e: diesel::result::Error) -> Self {
        RunError::Op(e.into())
    }
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        RunError::Op(e.into())
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::File(message) => f.write_str(message),
            RunError::Op(OpError::Invalid(p)) => f.write_str(&p.message),
            RunError::Op(e) => write!(f, "{e}"),
            RunError::Rollback => f.write_str("rolled back"),
        }
    }
}

/// Rows of a stream, in either format.
pub struct Rows<R> {
    kind: ImportKind,
    source: Source<R>,
}

enum Source<R> {
    Csv { reader: Reader<R>, order: Vec<usize> },
    Jsonl { input: R, line: u64, bytes: u64, buffer: String },
}

impl<R: BufRead> Rows<R> {
    /// Opens a stream of `kind` in `format`; a CSV header that does not fit is refused here.
    pub fn open(kind: ImportKind, format: Format, input: R) -> Result<Self, RunError> {
        let source = match format {
            Format::Csv => {
                let mut reader = Reader::new(input);
                let header = match reader.next_record() {
                    None => return Err(RunError::File("the file is empty: a CSV file starts with a header row".into())),
                    Some(Err(Malformed::Io(e))) => return Err(RunError::File(format!("cannot read the file: {e}"))),
                    Some(Err(Malformed::Text { line, column, detail })) => {
                        return Err(RunError::File(format!("line {line}, column {column}: {detail}")));
                    }
                    Some(Ok((_, header))) => header,
                };
                let order = csv_header(kind, &header).map_err(RunError::File)?;
                Source::Csv { reader, order }
            }
            Format::Jsonl => Source::Jsonl { input, line: 0, bytes: 0, buffer: String::new() },
        };
        Ok(Rows { kind, source })
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        match &self.source {
            Source::Csv { reader, .. } => reader.bytes,
            Source::Jsonl { bytes, .. } => *bytes,
        }
    }

    /// The next row (or why it cannot be read), `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<Result<Row, Refusal>, RunError>> {
        let kind = self.kind;
        match &mut self.source {
            Source::Csv { reader, order } => match reader.next_record()? {
                Ok((line, fields)) => Some(Ok(csv_row(kind, order, line, fields))),
                Err(Malformed::Io(e)) => Some(Err(RunError::File(format!("cannot read the file: {e}")))),
                Err(Malformed::Text { line, column, detail }) => Some(Ok(Err(Refusal::malformed(line, Some(column), None, detail)))),
            },
            Source::Jsonl { input, line, bytes, buffer } => loop {
                buffer.clear();
                match input.read_line(buffer) {
                    Ok(0) => return None,
                    Ok(n) => {
                        *line += 1;
                        *bytes += n as u64;
                        let text = buffer.trim();
                        if !text.is_empty() {
                            return Some(Ok(json_row(kind, *line, text)));
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        *line += 1;
                        return Some(Ok(Err(Refusal::malformed(*line, None, None, "the line is not UTF-8".into()))));
                    }
                    Err(e) => return Some(Err(RunError::File(format!("cannot read the file: {e}")))),
                }
            },
        }
    }
}

/// What the caller hears of a run: progress after each committed batch, and each refused row.
pub trait Listener {
    fn progress(&mut self, progress: &Progress);
    fn refused(&mut self, refusal: &Refusal) -> Result<(), String>;
}

/// One batch: rows read and parsed, refused ones with why.
struct Batch {
    records: Vec<Record>,
    rows: Vec<Row>,
    refused: Vec<Refusal>,
    last_line: u64,
    read: u64,
    /// Bytes of the input read once the batch was.
    bytes: u64,
}

/// Reads and parses the batches of `rows` on a thread of `scope` while the caller writes the ones
/// before, so that reading, parsing and checking the next batch overlaps writing this one (on
/// another core) instead of waiting for it. The reader hands a batch over only when the caller takes it, so memory holds two
/// batches at most (the one written, the one read). It stops at the end, at the first error, or
/// when the caller stops listening.
fn read_ahead<'scope, R: BufRead + Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    mut rows: Rows<R>,
    plan: &'scope Plan,
) -> std::sync::mpsc::Receiver<Result<Batch, RunError>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(0);
    scope.spawn(move || {
        loop {
            let next = read_batch(&mut rows, plan);
            let last = !matches!(next, Ok(Some(_)));
            let Some(batch) = next.transpose() else { break };
            if sender.send(batch).is_err() || last {
                break;
            }
        }
    });
    receiver
}

fn read_batch<R: BufRead>(rows: &mut Rows<R>, plan: &Plan) -> Result<Option<Batch>, RunError> {
    let mut batch = Batch { records: Vec::new(), rows: Vec::new(), refused: Vec::new(), last_line: 0, read: 0, bytes: 0 };
    while batch.records.len() + batch.refused.len() < plan.batch {
        let Some(next) = rows.next_row() else { break };
        let row = next?;
        let line = match &row {
            Ok(row) => row.line,
            Err(refusal) => refusal.line,
        };
        if line <= plan.resume_after {
            continue;
        }
        batch.last_line = line;
        batch.read += 1;
        match row {
            Ok(row) => match record(plan.kind, &row) {
                Ok(record) => {
                    batch.records.push(record);
                    batch.rows.push(row);
                }
                Err(error) => batch.refused.push(Refusal::of(&row, plan.kind, &error)),
            },
            Err(refusal) => batch.refused.push(refusal),
        }
    }
    batch.bytes = rows.bytes();
    Ok((batch.read > 0).then_some(batch))
}

/// Upserts a batch in `tx`: its counts and refused rows (in line order).
fn apply(
    service: &Service,
    tx: &mut Tx<'_>,
    principal: &Principal,
    plan: &Plan,
    batch: &Batch,
) -> Result<(Counts, Vec<Refusal>), RunError> {
    let outcomes = if batch.records.is_empty() { Vec::new() } else { service.import_batch(tx, principal, &batch.records)? };
    let mut counts = Counts::default();
    let mut refused = batch.refused.clone();
    for (row, outcome) in batch.rows.iter().zip(outcomes) {
        match outcome {
            Ok(Outcome::Created) => counts.created += 1,
            Ok(Outcome::Updated) => counts.updated += 1,
            Ok(Outcome::Unchanged) => counts.unchanged += 1,
            Err(error) => refused.push(Refusal::of(row, plan.kind, &error)),
        }
    }
    refused.sort_by_key(|r| r.line);
    counts.refused = refused.len() as i64;
    if let Some(job) = plan.job {
        let rows: Vec<RefusalRow> = refused.iter().map(refusal_row).collect();
        service.record_import_batch(tx, job, batch.last_line as i64, counts, &rows)?;
    }
    Ok((counts, refused))
}

pub fn refusal_row(r: &Refusal) -> RefusalRow {
    RefusalRow {
        line: r.line as i64,
        column_no: r.column.map(|c| c as i32),
        field: r.field.clone(),
        code: r.code.clone(),
        detail: r.detail.clone(),
    }
}

fn add(total: &mut Counts, counts: Counts) {
    total.created += counts.created;
    total.updated += counts.updated;
    total.unchanged += counts.unchanged;
    total.refused += counts.refused;
}

/// Runs an import of `rows` as `principal`, telling `listener` how it goes. `start` holds what an
/// interrupted run had done already.
pub fn run<R: BufRead + Send>(
    service: &Service,
    principal: &Principal,
    plan: &Plan,
    rows: Rows<R>,
    start: Progress,
    listener: &mut dyn Listener,
) -> Result<Summary, RunError> {
    let mut held = service.db().hold()?;
    crate::store::imports::set_page_cache(&mut held, PAGE_CACHE_KIB)?;
    let outcome = run_on(service, principal, plan, rows, start, listener, &mut held);
    // The connection goes back to the pool as it came.
    crate::store::imports::set_page_cache(&mut held, 2000)?;
    outcome
}

/// SQLite's page cache while an import runs.
const PAGE_CACHE_KIB: i64 = 16 * 1024;

fn run_on<R: BufRead + Send>(
    service: &Service,
    principal: &Principal,
    plan: &Plan,
    rows: Rows<R>,
    progress: Progress,
    listener: &mut dyn Listener,
    held: &mut crate::store::Held,
) -> Result<Summary, RunError> {
    std::thread::scope(|scope| {
        let batches = read_ahead(scope, rows, plan);
        write_batches(service, principal, plan, batches, progress, listener, held)
    })
}

fn write_batches(
    service: &Service,
    principal: &Principal,
    plan: &Plan,
    batches: std::sync::mpsc::Receiver<Result<Batch, RunError>>,
    mut progress: Progress,
    listener: &mut dyn Listener,
    held: &mut crate::store::Held,
) -> Result<Summary, RunError> {
    let start = progress;
    if !plan.dry_run && !plan.all_or_nothing {
        for batch in batches {
            let batch = batch?;
            let (counts, refused) = held.write(|tx| apply(service, tx, principal, plan, &batch))?;
            for refusal in &refused {
                listener.refused(refusal).map_err(RunError::File)?;
            }
            add(&mut progress.counts, counts);
            progress.rows += batch.read;
            progress.line = batch.last_line;
            progress.bytes = batch.bytes;
            listener.progress(&progress);
        }
        return Ok(Summary { progress, rolled_back: false });
    }
    // One transaction for the whole file, rolled back after a dry run or refused rows.
    let mut refusals = Vec::new();
    let outcome = held.write(|tx| {
        for batch in batches.iter() {
            let batch = batch?;
            let (counts, refused) = apply(service, tx, principal, plan, &batch)?;
            add(&mut progress.counts, counts);
            progress.rows += batch.read;
            progress.line = batch.last_line;
            progress.bytes = batch.bytes;
            refusals.extend(refused);
            listener.progress(&progress);
        }
        if plan.dry_run || (plan.all_or_nothing && !refusals.is_empty()) { Err(RunError::Rollback) } else { Ok(()) }
    });
    for refusal in &refusals {
        listener.refused(refusal).map_err(RunError::File)?;
    }
    match outcome {
        Ok(()) => Ok(Summary { progress, rolled_back: false }),
        Err(RunError::Rollback) => {
            if let Some(job) = plan.job {
                // The run's own record of its refused rows outlives the rollback.
                let rows: Vec<RefusalRow> = refusals.iter().map(refusal_row).collect();
                let c = progress.counts;
                let counts = Counts {
                    created: c.created - start.counts.created,
                    updated: c.updated - start.counts.updated,
                    unchanged: c.unchanged - start.counts.unchanged,
                    refused: c.refused - start.counts.refused,
                };
                held.write(|tx| service.record_import_batch(tx, job, plan.resume_after as i64, counts, &rows))?;
            }
            Ok(Summary { progress, rolled_back: !plan.dry_run })
        }
        Err(other) => Err(other),
    }
}
