//! Exports: every record of a kind the caller may see, written as it is read (constant memory:
//! enrollments and users are read a page at a time), in the columns an import reads back.

use std::io::Write;

use super::{Cell, Format, columns, csv, date_text, instant_text};
use crate::domain::Principal;
use crate::service::imports::ImportKind;
use crate::service::{OpError, Service, UserQuery};

/// Enrollments read a page at a time.
const PAGE: i64 = 5_000;

fn write_failed(e: std::io::Error) -> OpError {
    OpError::Internal(format!("writing the export failed: {e}"))
}

/// Writes rows of one kind in one format.
struct Writer<'w> {
    kind: ImportKind,
    format: Format,
    out: &'w mut dyn Write,
    rows: u64,
}

impl Writer<'_> {
    fn header(&mut self) -> Result<(), OpError> {
        if self.format == Format::Csv {
            let names: Vec<&str> = columns(self.kind).iter().map(|c| c.name).collect();
            csv::write_record(self.out, &names).map_err(write_failed)?;
        }
        Ok(())
    }

    fn row(&mut self, cells: &[Option<Cell>]) -> Result<(), OpError> {
        self.rows += 1;
        match self.format {
            Format::Csv => {
                let texts: Vec<String> = cells
                    .iter()
                    .map(|cell| match cell {
                        None => String::new(),
                        Some(Cell::Text(t)) => t.clone(),
                        Some(Cell::List(items)) => items.join(";"),
                        Some(Cell::Bool(b)) => b.to_string(),
                    })
                    .collect();
                let fields: Vec<&str> = texts.iter().map(String::as_str).collect();
                csv::write_record(self.out, &fields).map_err(write_failed)
            }
            Format::Jsonl => {
                let mut object = serde_json::Map::new();
                for (column, cell) in columns(self.kind).iter().zip(cells) {
                    let value = match cell {
                        None => continue,
                        Some(Cell::Text(t)) => serde_json::Value::from(t.as_str()),
                        Some(Cell::List(items)) => serde_json::Value::from(items.clone()),
                        Some(Cell::Bool(b)) => serde_json::Value::from(*b),
                    };
                    object.insert(column.name.to_string(), value);
                }
                serde_json::to_writer(&mut *self.out, &object).map_err(|e| OpError::Internal(format!("writing the export failed: {e}")))?;
                self.out.write_all(b"\n").map_err(write_failed)
            }
        }
    }
}

fn text(value: &str) -> Option<Cell> {
    Some(Cell::Text(value.to_string()))
}

fn optional(value: Option<&str>) -> Option<Cell> {
    value.map(|v| Cell::Text(v.to_string()))
}

/// Writes every record of `kind` the caller may see to `out`; returns how many.
pub fn export(service: &Service, principal: &Principal, kind: ImportKind, format: Format, out: &mut dyn Write) -> Result<u64, OpError> {
    let mut writer = Writer { kind, format, out, rows: 0 };
    writer.header()?;
    service.db().read(|tx| -> Result<(), OpError> {
        match kind {
            ImportKind::Users => service.get_users(tx, principal, &UserQuery::default(), &mut |u| {
                writer.row(&[
                    text(&u.user_id),
                    text(&u.login),
                    optional(u.email.as_deref()),
                    optional(u.first_name.as_deref()),
                    optional(u.last_name.as_deref()),
                    text(&u.department_id),
                    text(u.role.as_str()),
                ])
            }),
            ImportKind::Departments => {
                for d in service.export_departments(tx, principal)? {
                    writer.row(&[
                        text(&d.department_id),
                        text(&d.name),
                        optional(d.code.as_deref()),
                        optional(d.parent_department_id.as_deref()),
                    ])?;
                }
                Ok(())
            }
            ImportKind::Groups => {
                for g in service.get_groups(tx, principal)? {
                    writer.row(&[text(&g.group_id), text(&g.name), Some(Cell::List(g.user_ids))])?;
                }
                Ok(())
            }
            ImportKind::Enrollments => {
                let departments = service.export_scope(tx, principal)?;
                let mut after = 0;
                loop {
                    let page = service.export_enrollments(tx, principal, departments.as_deref(), after, PAGE)?;
                    for e in &page {
                        writer.row(&[
                            text(&e.course_id),
                            text(&e.learner_id),
                            Some(Cell::Text(instant_text(&e.access_date.0))),
                            e.due_date.map(|d| Cell::Text(date_text(d.0))),
                            Some(Cell::Bool(e.lock_after_due_date)),
                        ])?;
                    }
                    match page.last() {
                        Some(last) if page.len() as i64 == PAGE => after = last.id,
                        _ => return Ok(()),
                    }
                }
            }
        }
    })?;
    writer.out.flush().map_err(write_failed)?;
    Ok(writer.rows)
}
