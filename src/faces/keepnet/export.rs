//! Exports: a search's rows as a CSV or XLSX file. The columns are the rows' fields as the
//! search answers them (lists joined with ", "; nested objects left out). CSV is written as the
//! rows come, so a large report streams; an XLSX workbook is built in constant memory (its rows
//! go to a temporary file) and then sent in chunks.

use std::io::Write;

use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::bulk::csv::write_record;
use crate::domain::keepnet::ExportType;
use crate::faces::kit::BodySink;
use crate::service::OpError;

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The content type and file name of an export.
pub fn head(kind: ExportType, name: &str) -> (&'static str, String) {
    match kind {
        ExportType::Csv => (CSV, format!("{name}.csv")),
        ExportType::Excel => (XLSX, format!("{name}.xlsx")),
    }
}

/// A cell's text: null empty, lists joined, text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) quoted with an apostrophe.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(_) => String::new(),
        other => other.to_string(),
    }
}

/// The columns of rows: the keys of the first row whose values are not objects.
pub fn columns(first: &Value) -> Vec<String> {
    first
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_object() && !matches!(v, Value::Array(a) if a.iter().any(Value::is_object)))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn failed(e: impl std::fmt::Display) -> OpError {
    OpError::Internal(format!("writing the export failed: {e}"))
}

/// Writes an export of the rows that `next_page` gives, page after page until an empty one.
/// `fallback` names the columns when there are no rows.
pub fn write(
    kind: ExportType,
    sink: &mut BodySink<OpError>,
    fallback: &[&str],
    mut next_page: impl FnMut() -> Result<Vec<Value>, OpError>,
) -> Result<(), OpError> {
    let mut chosen: Option<Vec<String>> = None;
    match kind {
        ExportType::Csv => {
            // A byte order mark, so spreadsheet programs read the file as UTF-8.
            sink.write_all("\u{feff}".as_bytes()).map_err(failed)?;
            loop {
                let rows = next_page()?;
                if chosen.is_none() {
                    let names = rows.first().map(columns).unwrap_or_else(|| fallback.iter().map(|s| s.to_string()).collect());
                    let header: Vec<&str> = names.iter().map(String::as_str).collect();
                    write_record(sink, &header).map_err(failed)?;
                    chosen = Some(names);
                }
                if rows.is_empty() {
                    break;
                }
                let names = chosen.as_ref().expect("set above");
                for row in &rows {
                    let cells: Vec<String> = names.iter().map(|n| cell(&row[n.as_str()])).collect();
                    write_record(sink, &cells.iter().map(String::as_str).collect::<Vec<_>>()).map_err(failed)?;
                    sink.checkpoint().map_err(failed)?;
                }
            }
            Ok(())
        }
        ExportType::Excel => {
            let mut workbook = Workbook::new();
            let bold = Format::new().set_bold();
            let sheet = workbook.add_worksheet_with_constant_memory().map_err(failed)?;
            sheet.set_name("Report").map_err(failed)?;
            let mut at: u32 = 1;
            loop {
                let rows = next_page()?;
                if chosen.is_none() {
                    let names = rows.first().map(columns).unwrap_or_else(|| fallback.iter().map(|s| s.to_string()).collect());
                    for (i, name) in names.iter().enumerate() {
                        sheet.write_string_with_format(0, i as u16, name, &bold).map_err(failed)?;
                    }
                    chosen = Some(names);
                }
                if rows.is_empty() {
                    break;
                }
                let names = chosen.as_ref().expect("set above");
                for row in &rows {
                    for (i, name) in names.iter().enumerate() {
                        match &row[name.as_str()] {
                            Value::Number(n) if n.as_f64().is_some() => {
                                sheet.write_number(at, i as u16, n.as_f64().unwrap_or_default()).map_err(failed)?;
                            }
                            Value::Bool(b) => {
                                sheet.write_boolean(at, i as u16, *b).map_err(failed)?;
                            }
                            Value::Null => {}
                            other => {
                                sheet.write_string(at, i as u16, cell(other)).map_err(failed)?;
                            }
                        }
                    }
                    at += 1;
                }
            }
            let bytes = workbook.save_to_buffer().map_err(failed)?;
            for chunk in bytes.chunks(crate::streaming::CHUNK) {
                sink.write_all(chunk).map_err(failed)?;
                sink.checkpoint().map_err(failed)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_are_text_a_spreadsheet_will_not_run() {
        assert_eq!(cell(&json!(null)), "");
        assert_eq!(cell(&json!("=HYPERLINK(\"x\")")), "'=HYPERLINK(\"x\")");
        assert_eq!(cell(&json!(["a", "b"])), "a, b");
        assert_eq!(cell(&json!(3)), "3");
        let mut record = Vec::new();
        write_record(&mut record, &["a,\"b\""]).unwrap();
        assert_eq!(record, b"\"a,\"\"b\"\"\"\r\n");
        assert_eq!(columns(&json!({"a": 1, "b": {"c": 1}, "d": [], "e": [{"x": 1}]})), vec!["a", "d"]);
    }
}
