//! `lmsbridge import` and `lmsbridge export` (part of the binary, not the library): the files,
//! the progress display and the error report; the work is the library's (`lmsbridge::bulk`).

use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use lmsbridge::bulk::run::{self, Listener, Plan, Progress, Rows, RunError};
use lmsbridge::bulk::{Format, Refusal, csv};
use lmsbridge::service::Service;
use lmsbridge::service::imports::ImportKind;
use lmsbridge::store::imports::Counts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Users,
    Departments,
    Groups,
    Enrollments,
}

impl From<Kind> for ImportKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Users => ImportKind::Users,
            Kind::Departments => ImportKind::Departments,
            Kind::Groups => ImportKind::Groups,
            Kind::Enrollments => ImportKind::Enrollments,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    Csv,
    Jsonl,
}

impl From<FileFormat> for Format {
    fn from(format: FileFormat) -> Self {
        match format {
            FileFormat::Csv => Format::Csv,
            FileFormat::Jsonl => Format::Jsonl,
        }
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    kind: Kind,
    /// The file: CSV with a header row, or JSON Lines.
    file: PathBuf,
    /// The tenant (account) to import into, acting as its account administrator.
    #[arg(long)]
    tenant: String,
    /// The file's format (default: from its extension, .csv or .jsonl/.ndjson).
    #[arg(long, value_enum)]
    format: Option<FileFormat>,
    /// Judge every row and report, but change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import nothing unless every row can be imported.
    #[arg(long)]
    all_or_nothing: bool,
    /// Continue an interrupted import of this file after its last committed batch.
    #[arg(long, conflicts_with = "dry_run")]
    resume: bool,
    /// Rows a transaction holds.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch_size: u64,
    /// Where refused rows are listed, as CSV (line, column, field, code, detail) (default: FILE.errors.csv).
    #[arg(long)]
    errors: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    kind: Kind,
    /// The tenant (account) to export, as its account administrator sees it.
    #[arg(long)]
    tenant: String,
    /// The format (default: from --output's extension, else csv).
    #[arg(long, value_enum)]
    format: Option<FileFormat>,
    /// Write here instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn format_of(given: Option<FileFormat>, path: Option<&Path>) -> Option<Format> {
    given.map(Format::from).or_else(|| path.and_then(Format::of_path))
}

/// The error report, created at the first refused row (appended to when resuming).
struct Report {
    path: PathBuf,
    append: bool,
    file: Option<BufWriter<File>>,
    written: u64,
}

impl Report {
    fn write(&mut self, r: &Refusal) -> std::io::Result<()> {
        if self.file.is_none() {
            let exists = self.path.exists();
            let file = std::fs::OpenOptions::new().create(true).write(true).append(self.append).truncate(!self.append).open(&self.path)?;
            let mut file = BufWriter::new(file);
            if !(self.append && exists) {
                csv::write_record(&mut file, &["line", "column", "field", "code", "detail"])?;
            }
            self.file = Some(file);
        }
        let file = self.file.as_mut().expect("opened above");
        let column = r.column.map(|c| c.to_string()).unwrap_or_default();
        csv::write_record(file, &[&r.line.to_string(), &column, r.field.as_deref().unwrap_or(""), &r.code, &r.detail])?;
        self.written += 1;
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

/// Progress on standard error: a bar with rate and ETA on a terminal, plain lines otherwise.
struct Display {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    start_rows: u64,
    total_bytes: u64,
    report: Report,
}

impl Listener for Display {
    fn progress(&mut self, p: &Progress) {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = (p.rows - self.start_rows) as f64 / seconds;
        let message = format!("{} rows, {:.0} rows/s", p.rows, rate);
        match &self.bar {
            Some(bar) => {
                bar.set_position(p.bytes);
                bar.set_message(message);
            }
            None => {
                let percent = if self.total_bytes > 0 { p.bytes as f64 * 100.0 / self.total_bytes as f64 } else { 100.0 };
                eprintln!("progress: {message}, line {}, {percent:.0}% of the file", p.line);
            }
        }
    }

    fn refused(&mut self, refusal: &Refusal) -> Result<(), String> {
        self.report.write(refusal).map_err(|e| format!("cannot write the error report {}: {e}", self.report.path.display()))
    }
}

pub fn import(service: &Service, args: ImportArgs) -> Result<(), String> {
    let kind = ImportKind::from(args.kind);
    let format = format_of(args.format, Some(&args.file))
        .ok_or_else(|| format!("cannot tell the format of {}: give --format csv or --format jsonl", args.file.display()))?;
    let file = File::open(&args.file).map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let total_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let source = std::fs::canonicalize(&args.file).unwrap_or_else(|_| args.file.clone()).to_string_lossy().into_owned();
    let describe = |e: lmsbridge::service::OpError| RunError::Op(e).to_string();
    let principal = service.operator(&args.tenant).map_err(describe)?;

    let mut start = Progress::default();
    let (job, resume_after) = if args.resume {
        let job = service
            .unfinished_import(&principal, kind, &source)
            .map_err(describe)?
            .ok_or_else(|| format!("no interrupted import of {} into '{}' to resume", args.file.display(), args.tenant))?;
        start.line = job.lines_done as u64;
        start.counts = Counts { created: job.created, updated: job.updated, unchanged: job.unchanged, refused: job.refused };
        start.rows = (job.created + job.updated + job.unchanged + job.refused) as u64;
        eprintln!("resuming after line {} ({})", job.lines_done, run::Summary { progress: start, rolled_back: false }.line());
        (Some(job.id), job.lines_done as u64)
    } else if args.dry_run {
        (None, 0)
    } else {
        (Some(service.start_import(&principal, kind, format.as_str(), &source).map_err(describe)?), 0)
    };
    let plan = Plan {
        kind,
        format,
        batch: args.batch_size as usize,
        dry_run: args.dry_run,
        all_or_nothing: args.all_or_nothing,
        job,
        resume_after,
    };
    let errors = args.errors.clone().unwrap_or_else(|| {
        let mut name = args.file.clone().into_os_string();
        name.push(".errors.csv");
        PathBuf::from(name)
    });
    if !args.resume {
        let _ = std::fs::remove_file(&errors);
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total_bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% {msg} elapsed {elapsed_precise} ETA {eta_precise}")
                .expect("a valid template"),
        );
        bar
    });
    let mut display = Display {
        bar,
        started: Instant::now(),
        start_rows: start.rows,
        total_bytes,
        report: Report { path: errors.clone(), append: args.resume, file: None, written: 0 },
    };
    let rows = Rows::open(kind, format, BufReader::with_capacity(1 << 16, file));
    let outcome = rows.and_then(|rows| run::run(service, &principal, &plan, rows, start, &mut display));
    if let Some(bar) = &display.bar {
        bar.finish_and_clear();
    }
    display.report.flush().map_err(|e| format!("cannot write the error report {}: {e}", errors.display()))?;
    let summary = match outcome {
        Ok(summary) => summary,
        Err(e) => {
            if let Some(job) = job {
                let _ = service.finish_import(job, Some(&e.to_string()));
            }
            return Err(e.to_string());
        }
    };
    let refused = summary.progress.counts.refused;
    if let Some(job) = job {
        let failure = summary.rolled_back.then(|| format!("{refused} rows refused; nothing was imported"));
        service.finish_import(job, failure.as_deref()).map_err(describe)?;
    }
    println!("{}", summary.line());
    if args.dry_run {
        eprintln!("dry run: nothing was changed");
    }
    match (refused, summary.rolled_back) {
        (0, _) => Ok(()),
        (_, true) => Err(format!("{refused} rows refused, so nothing was imported (--all-or-nothing); see {}", errors.display())),
        _ => Err(format!("{refused} rows refused (the others were imported); see {}", errors.display())),
    }
}

pub fn export(service: &Service, args: ExportArgs) -> Result<(), String> {
    let format = format_of(args.format, args.output.as_deref()).unwrap_or(Format::Csv);
    let principal = service.operator(&args.tenant).map_err(|e| RunError::Op(e).to_string())?;
    let kind = ImportKind::from(args.kind);
    let rows = match &args.output {
        Some(path) => {
            let partial = path.with_extension("partial");
            let file = File::create(&partial).map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let rows =
                lmsbridge::bulk::export::export(service, &principal, kind, format, &mut out).map_err(|e| RunError::Op(e).to_string())?;
            drop(out);
            std::fs::rename(&partial, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            rows
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            lmsbridge::bulk::export::export(service, &principal, kind, format, &mut out).map_err(|e| RunError::Op(e).to_string())?
        }
    };
    eprintln!("{rows} {} exported", kind.as_str());
    Ok(())
}
