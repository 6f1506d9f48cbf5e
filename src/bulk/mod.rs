//! Bulk import and export files, shared by the command line (`lmsbridge import`, `lmsbridge export`)
//! and the JSON mirror (`POST /api/v1/imports`): CSV with a header row and JSON Lines, whose
//! columns are the JSON mirror's field names. A row becomes one of the service's records through
//! the domain's `parse` functions and is refused in the words the JSON mirror uses; the service
//! upserts the records a batch at a time ([`run`]).

pub mod csv;
pub mod export;
pub mod job;
pub mod run;

use crate::domain::Role;
use crate::domain::values::{self, ExternalId, Name, Refused, Text};
use crate::service::imports::{DepartmentRecord, EnrollmentRecord, GroupRecord, ImportKind, Record, UserRecord};
use crate::service::{Clash, Entity, OpError, ProblemKind};

/// A file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values (RFC 4180) with a header row.
    Csv,
    /// JSON Lines: one object a line.
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn parse(value: &str) -> Option<Format> {
        match value.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json-lines" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format a file name says (`.csv`, `.jsonl`, `.ndjson`).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        path.extension().and_then(|e| e.to_str()).and_then(Format::parse)
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    /// A list of ids: a JSON array, or in CSV one cell with the ids separated by `;`.
    List,
    /// `true` or `false`.
    Bool,
}

/// A column of a kind of record: its name (the JSON mirror's field) and shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub shape: Shape,
    /// Part of the key the record is found by.
    pub key: bool,
    pub what: &'static str,
}

const fn col(name: &'static str, shape: Shape, key: bool, what: &'static str) -> Column {
    Column { name, shape, key, what }
}

const USERS: &[Column] = &[
    col("userId", Shape::Text, true, "the user's id (key)"),
    col("login", Shape::Text, false, "required to create"),
    col("email", Shape::Text, false, ""),
    col("firstName", Shape::Text, false, ""),
    col("lastName", Shape::Text, false, ""),
    col("departmentId", Shape::Text, false, "required to create"),
    col("role", Shape::Text, false, "account_administrator, department_administrator, publisher, custom or learner (default)"),
];

const DEPARTMENTS: &[Column] = &[
    col("departmentId", Shape::Text, true, "the department's id (key)"),
    col("name", Shape::Text, false, "required to create"),
    col("code", Shape::Text, false, ""),
    col("parentDepartmentId", Shape::Text, false, "a department listed earlier or already there; none: top-level"),
];

const GROUPS: &[Column] = &[
    col("groupId", Shape::Text, true, "the group's id (key)"),
    col("name", Shape::Text, false, "required to create"),
    col("userIds", Shape::List, false, "every member (replaces the members); in CSV separated by ';'"),
];

const ENROLLMENTS: &[Column] = &[
    col("courseId", Shape::Text, true, "key, with learnerId"),
    col("learnerId", Shape::Text, true, "key, with courseId"),
    col("accessDate", Shape::Text, false, "date-time (YYYY-MM-DDThh:mm:ss, optional zone); default now"),
    col("dueDate", Shape::Text, false, "date (YYYY-MM-DD); none: no due date"),
    col("shouldLockAfterDueDate", Shape::Bool, false, "true or false (default)"),
];

/// The columns of `kind`, in the order an export writes them.
pub fn columns(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Users => USERS,
        ImportKind::Departments => DEPARTMENTS,
        ImportKind::Groups => GROUPS,
        ImportKind::Enrollments => ENROLLMENTS,
    }
}

/// The columns of every kind, as `lmsbridge import --help` lists them.
pub fn columns_help() -> String {
    let mut text = String::from("Columns (CSV header names or JSON Lines keys, the JSON mirror's field names):\n");
    for kind in ImportKind::ALL {
        text.push_str(&format!("  {}:\n", kind.as_str()));
        for c in columns(kind) {
            text.push_str(&format!("    {:<24}{}\n", c.name, c.what));
        }
    }
    text
}

/// A value read from a cell or a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    List(Vec<String>),
    Bool(bool),
}

/// A row as read: its line in the file and each column's cell, by the column's index in
/// [`columns`]; `None` when left out (an empty CSV cell, an absent key or `null`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<Option<Cell>>,
    /// Where each column is in the row (1-based), for reports.
    pub positions: Vec<Option<u32>>,
}

/// A refused row: where, and why, in the JSON mirror's words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub line: u64,
    /// 1-based: the CSV column, or the character where the JSON key starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The JSON mirror's problem code (VALUE, REQUIRED, NOT_FOUND, …).
    pub code: String,
    /// The JSON mirror's problem detail.
    pub detail: String,
}

impl Refusal {
    /// `error` refusing the row at `line`; `field` when the error does not name one.
    pub fn of(row: &Row, kind: ImportKind, error: &OpError) -> Refusal {
        let field = match error {
            OpError::Invalid(p) => p.path.clone(),
            _ => blamed(kind, error).map(str::to_string),
        };
        let column = field.as_deref().and_then(|f| {
            let name = f.split(['[', '.']).next().unwrap_or(f);
            columns(kind).iter().position(|c| c.name == name).and_then(|i| row.positions[i])
        });
        Refusal { line: row.line, column, field, code: error.code().to_string(), detail: error.public_detail() }
    }

    /// A problem with the file at `line` that is no row's fault of a rule (malformed text).
    pub fn malformed(line: u64, column: Option<u32>, field: Option<&str>, detail: String) -> Refusal {
        Refusal { line, column, field: field.map(str::to_string), code: ProblemKind::Malformed.code().to_string(), detail }
    }
}

/// The column an error that names none is about.
fn blamed(kind: ImportKind, error: &OpError) -> Option<&'static str> {
    Some(match (kind, error) {
        (_, OpError::NotFound { entity: Entity::Course, .. }) => "courseId",
        (ImportKind::Enrollments, OpError::NotFound { entity: Entity::User, .. } | OpError::Forbidden(_)) => "learnerId",
        (ImportKind::Groups, OpError::NotFound { entity: Entity::User, .. }) => "userIds",
        (ImportKind::Departments, OpError::NotFound { entity: Entity::Department, .. }) => "parentDepartmentId",
        (ImportKind::Users, OpError::NotFound { entity: Entity::Department, .. }) => "departmentId",
        (_, OpError::Conflict { what: Clash::LoginTaken, .. }) => "login",
        (_, OpError::Conflict { what: Clash::EmailTaken, .. }) => "email",
        (ImportKind::Users, OpError::Forbidden(_) | OpError::NotFound { .. }) => "userId",
        (ImportKind::Departments, OpError::Forbidden(_)) => "departmentId",
        (ImportKind::Groups, OpError::Forbidden(_) | OpError::NotFound { .. }) => "groupId",
        _ => return None,
    })
}

/// The text of column `i`, parsed by `parse`.
fn text<T>(row: &Row, kind: ImportKind, i: usize, parse: fn(&str) -> Result<T, Refused>) -> Result<Option<T>, OpError> {
    let name = columns(kind)[i].name;
    match &row.cells[i] {
        None => Ok(None),
        Some(Cell::Text(v)) => parse(v).map(Some).map_err(|why| OpError::refused(name, why)),
        Some(_) => Err(OpError::wrong(ProblemKind::Type, name, format!("{name} must be a string"))),
    }
}

fn key<T>(row: &Row, kind: ImportKind, i: usize, parse: fn(&str) -> Result<T, Refused>) -> Result<T, OpError> {
    let name = columns(kind)[i].name;
    text(row, kind, i, parse)?
        .ok_or_else(|| OpError::wrong(ProblemKind::Required, name, format!("{name} is required: it names the record")))
}

/// Reads a row into the service's record of `kind`.
pub fn record(kind: ImportKind, row: &Row) -> Result<Record, OpError> {
    let id = ExternalId::parse;
    Ok(match kind {
        ImportKind::Users => Record::User(UserRecord {
            user_id: key(row, kind, 0, id)?,
            login: text(row, kind, 1, id)?,
            email: text(row, kind, 2, id)?,
            first_name: text(row, kind, 3, Text::parse)?,
            last_name: text(row, kind, 4, Text::parse)?,
            department_id: text(row, kind, 5, id)?,
            role: match text(row, kind, 6, |v| Ok(v.to_string()))? {
                None => None,
                // The JSON mirror reads a role as an enumeration of these names.
                Some(v) => Some(v.parse::<Role>().map_err(|why| OpError::wrong(ProblemKind::Enumeration, "role", format!("role: {why}")))?),
            },
        }),
        ImportKind::Departments => Record::Department(DepartmentRecord {
            department_id: key(row, kind, 0, id)?,
            name: text(row, kind, 1, Name::parse)?,
            code: text(row, kind, 2, id)?,
            parent_department_id: text(row, kind, 3, id)?,
        }),
        ImportKind::Groups => Record::Group(GroupRecord {
            group_id: key(row, kind, 0, id)?,
            name: text(row, kind, 1, Name::parse)?,
            user_ids: match &row.cells[2] {
                None => None,
                Some(Cell::List(ids)) => {
                    Some(ExternalId::parse_all(ids).map_err(|(i, why)| OpError::refused(format!("userIds[{i}]"), why))?)
                }
                Some(_) => return Err(OpError::wrong(ProblemKind::Type, "userIds", "userIds must be an array of ids")),
            },
        }),
        ImportKind::Enrollments => Record::Enrollment(EnrollmentRecord {
            course_id: key(row, kind, 0, id)?,
            learner_id: key(row, kind, 1, id)?,
            access_date: match text(row, kind, 2, |v| Ok(v.to_string()))? {
                None => None,
                Some(v) => crate::faces::json::model::parse_date_time(Some(&v), "accessDate")?,
            },
            due_date: match text(row, kind, 3, |v| Ok(v.to_string()))? {
                None => None,
                Some(v) => crate::faces::json::model::parse_date(Some(&v), "dueDate")?,
            },
            lock_after_due_date: match &row.cells[4] {
                None => None,
                Some(Cell::Bool(b)) => Some(*b),
                Some(_) => {
                    return Err(OpError::wrong(
                        ProblemKind::Type,
                        "shouldLockAfterDueDate",
                        "shouldLockAfterDueDate must be true or false",
                    ));
                }
            },
        }),
    })
}

/// Reads JSON Lines: each non-blank line one object of `kind`'s keys.
pub fn json_row(kind: ImportKind, line_no: u64, line: &str) -> Result<Row, Refusal> {
    let cols = columns(kind);
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
        .map_err(|e| Refusal::malformed(line_no, Some(e.column() as u32), None, format!("the line is not a JSON object: {e}")))?;
    let mut cells = vec![None; cols.len()];
    let mut positions = vec![None; cols.len()];
    let column_of = |key: &str| line.find(&format!("\"{key}\"")).map(|at| line[..at].chars().count() as u32 + 1);
    for (name, value) in object {
        let Some(i) = cols.iter().position(|c| c.name == name) else {
            let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
            return Err(Refusal {
                line: line_no,
                column: column_of(&name),
                field: Some(name.clone()),
                code: ProblemKind::TagMismatch.code().to_string(),
                detail: format!("unknown field `{name}`, expected one of {}", known.join(", ")),
            });
        };
        positions[i] = column_of(&name);
        let wrong = |detail: String| Refusal {
            line: line_no,
            column: positions[i],
            field: Some(name.clone()),
            code: ProblemKind::Type.code().to_string(),
            detail,
        };
        cells[i] = match (cols[i].shape, value) {
            (_, serde_json::Value::Null) => None,
            (Shape::Text, serde_json::Value::String(s)) => Some(Cell::Text(s)),
            (Shape::Bool, serde_json::Value::Bool(b)) => Some(Cell::Bool(b)),
            (Shape::List, serde_json::Value::Array(items)) => Some(Cell::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(n, item)| match item {
                        serde_json::Value::String(s) => Ok(s),
                        other => Err(wrong(format!("{name}[{n}] must be a string; got {other}"))),
                    })
                    .collect::<Result<_, _>>()?,
            )),
            (Shape::Text, other) => return Err(wrong(format!("{name} must be a string; got {other}"))),
            (Shape::Bool, other) => return Err(wrong(format!("{name} must be true or false; got {other}"))),
            (Shape::List, other) => return Err(wrong(format!("{name} must be an array of ids; got {other}"))),
        };
    }
    Ok(Row { line: line_no, cells, positions })
}

/// The columns a CSV header names, by their index in [`columns`]; unknown or repeated names and
/// a missing key column refuse the file.
pub fn csv_header(kind: ImportKind, header: &[String]) -> Result<Vec<usize>, String> {
    let cols = columns(kind);
    let mut seen = vec![false; cols.len()];
    let mut order = Vec::with_capacity(header.len());
    for (n, name) in header.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}').trim();
        let Some(i) = cols.iter().position(|c| c.name == name) else {
            let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
            return Err(format!("line 1, column {}: unknown column '{name}'; {} take {}", n + 1, kind.as_str(), known.join(", ")));
        };
        if std::mem::replace(&mut seen[i], true) {
            return Err(format!("line 1, column {}: column '{name}' is named twice", n + 1));
        }
        order.push(i);
    }
    if let Some(missing) = cols.iter().zip(&seen).find(|(c, seen)| c.key && !**seen) {
        return Err(format!("line 1: the header has no column '{}', which names each record", missing.0.name));
    }
    Ok(order)
}

/// A CSV record as a row of `kind`, given the header's `order`.
pub fn csv_row(kind: ImportKind, order: &[usize], line: u64, fields: Vec<String>) -> Result<Row, Refusal> {
    let cols = columns(kind);
    if fields.len() != order.len() {
        return Err(Refusal::malformed(
            line,
            Some(fields.len().min(order.len()) as u32 + 1),
            None,
            format!("the row has {} fields; the header names {}", fields.len(), order.len()),
        ));
    }
    let mut cells = vec![None; cols.len()];
    let mut positions = vec![None; cols.len()];
    for (n, (value, &i)) in fields.into_iter().zip(order).enumerate() {
        positions[i] = Some(n as u32 + 1);
        if value.is_empty() {
            continue;
        }
        cells[i] = Some(match cols[i].shape {
            Shape::Text => Cell::Text(value),
            Shape::List => Cell::List(value.split(';').map(str::to_string).filter(|s| !s.is_empty()).collect()),
            Shape::Bool => match value.as_str() {
                "true" => Cell::Bool(true),
                "false" => Cell::Bool(false),
                _ => {
                    let name = cols[i].name;
                    return Err(Refusal {
                        line,
                        column: Some(n as u32 + 1),
                        field: Some(name.to_string()),
                        code: ProblemKind::Type.code().to_string(),
                        detail: format!("{name} must be true or false; got '{value}'"),
                    });
                }
            },
        });
    }
    Ok(Row { line, cells, positions })
}

/// An instant as an export writes it: UTC with the stored fraction of a second, so that reading
/// it back changes nothing.
pub fn instant_text(t: &chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f+00:00").to_string()
}

pub fn date_text(d: chrono::NaiveDate) -> String {
    values::date_text(d).to_string()
}
