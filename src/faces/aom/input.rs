//! A request's parameters as Laravel's `input()` reads them: the query string and a JSON body
//! merged (the body wins), with the tolerance the seed's clients need: numbers as numbers or
//! numeric strings, lists as arrays, JSON strings (`[1,2]`) or comma-separated, objects as objects
//! or JSON strings, dates as `Y-m-d H:i:s` or `Y-m-d`. Refusals are worded as Laravel's validator
//! words them, naming the field.

use actix_web::{HttpRequest, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::faces::kit::body::Allowance;
use crate::faces::kit::json::{self as kit_json, Unread};
use crate::service::{OpError, ProblemKind};
use crate::state::AppState;

/// The most items a list parameter may hold.
pub const MAX_LIST: usize = 10_000;

/// How Laravel names a field in its messages: `course_id` is "course id".
pub(super) fn attribute(name: &str) -> String {
    name.replace('_', " ")
}

fn required(name: &str) -> OpError {
    OpError::wrong(ProblemKind::Required, name, format!("The {} field is required.", attribute(name)))
}

fn wrong(kind: ProblemKind, name: &str, rule: &str) -> OpError {
    OpError::wrong(kind, name, format!("The {} field must {rule}.", attribute(name)))
}

/// The merged parameters of one request.
#[derive(Debug, Clone, Default)]
pub struct Input {
    values: Map<String, Value>,
}

impl Input {
    /// The query string's parameters (`name[]` is a list of `name`).
    pub fn query(req: &HttpRequest) -> Input {
        let mut values = Map::new();
        for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
            match name.strip_suffix("[]") {
                Some(list) => {
                    let entry = values.entry(list.to_string()).or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = entry {
                        items.push(Value::String(value.into_owned()));
                    }
                }
                None => {
                    values.insert(name.into_owned(), Value::String(value.into_owned()));
                }
            }
        }
        Input { values }
    }

    /// The query string and the JSON body, if the request has one (a body must be a JSON object).
    pub async fn with_body(req: &HttpRequest, state: &AppState, payload: web::Payload) -> Result<Input, OpError> {
        let mut input = Input::query(req);
        let has_body = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|length| length.trim() != "0")
            && (req.headers().contains_key(actix_web::http::header::CONTENT_LENGTH)
                || req.headers().contains_key(actix_web::http::header::TRANSFER_ENCODING));
        if !has_body {
            return Ok(input);
        }
        match kit_json::read::<Value>(req, state, payload, Allowance::Ordinary).await {
            Ok(Value::Object(body)) => input.values.extend(body),
            Ok(_) => return Err(OpError::wrong(ProblemKind::Type, "body", "The request body must be a JSON object.")),
            Err(Unread::Invalid(error)) => return Err(error),
            Err(Unread::Refused(refusal)) => return Err(OpError::wrong(ProblemKind::Limit, "body", refusal.message)),
        }
        Ok(input)
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|value| !value.is_null() && value.as_str() != Some(""))
    }

    /// A whole number, given as a number or a numeric string.
    pub fn int(&self, name: &str) -> Result<Option<i64>, OpError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| wrong(ProblemKind::Type, name, "be an integer")),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| wrong(ProblemKind::Type, name, "be an integer")),
            Some(_) => Err(wrong(ProblemKind::Type, name, "be an integer")),
        }
    }

    pub fn required_int(&self, name: &str) -> Result<i64, OpError> {
        self.int(name)?.ok_or_else(|| required(name))
    }

    /// A list of ids: an array of numbers or numeric strings, a JSON array in a string, or
    /// comma-separated numbers.
    pub fn ids(&self, name: &str) -> Result<Option<Vec<i64>>, OpError> {
        let items = match self.get(name) {
            None => return Ok(None),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(text)) if text.trim_start().starts_with('[') => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => items,
                _ => return Err(wrong(ProblemKind::Type, name, "be an array")),
            },
            Some(Value::String(text)) => text.split(',').map(|part| Value::String(part.trim().to_string())).collect(),
            Some(Value::Number(n)) => vec![Value::Number(n.clone())],
            Some(_) => return Err(wrong(ProblemKind::Type, name, "be an array")),
        };
        if items.len() > MAX_LIST {
            return Err(OpError::wrong(
                ProblemKind::Limit,
                name,
                format!("The {} field must not have more than {MAX_LIST} items.", attribute(name)),
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let id = match item {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                id.ok_or_else(|| {
                    let field = format!("{name}.{index}");
                    OpError::wrong(ProblemKind::Type, &field, format!("The {} field must be an integer.", attribute(&field)))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn required_ids(&self, name: &str) -> Result<Vec<i64>, OpError> {
        self.ids(name)?.ok_or_else(|| required(name))
    }

    /// A text.
    pub fn text(&self, name: &str) -> Result<Option<String>, OpError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(wrong(ProblemKind::Type, name, "be a string")),
        }
    }

    /// A yes or no: a boolean, `true`/`false`, `1`/`0` (as a number or a text).
    pub fn flag(&self, name: &str) -> Result<Option<bool>, OpError> {
        let value = match self.get(name) {
            None => return Ok(None),
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Some(Value::String(s)) => match s.trim().trim_matches('"').to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            Some(_) => None,
        };
        value.map(Some).ok_or_else(|| wrong(ProblemKind::Type, name, "be true or false"))
    }

    /// A moment, `Y-m-d H:i:s` or a day, `Y-m-d` (its midnight).
    pub fn date_time(&self, name: &str) -> Result<Option<NaiveDateTime>, OpError> {
        let Some(text) = self.text(name)? else { return Ok(None) };
        // The seed's samples quote their dates: `"'2021-10-03 23:59:59'"`.
        let text = text.trim().trim_matches(['\'', '"']);
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|day| day.and_time(chrono::NaiveTime::MIN)))
            .map(Some)
            .map_err(|_| wrong(ProblemKind::Type, name, "match the format Y-m-d H:i:s"))
    }

    /// An object or array, given as JSON or as a JSON string.
    pub fn json(&self, name: &str) -> Result<Option<Value>, OpError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => {
                serde_json::from_str(text).map(Some).map_err(|_| wrong(ProblemKind::Type, name, "be a valid JSON string"))
            }
            Some(value) => Ok(Some(value.clone())),
        }
    }

    /// `page_number` (from 1) and `page_size` (1 to 1000), both required.
    pub fn page(&self) -> Result<(i64, i64), OpError> {
        let number = self.required_int("page_number")?;
        let size = self.required_int("page_size")?;
        if number < 1 {
            return Err(wrong(ProblemKind::Value, "page_number", "be at least 1"));
        }
        if !(1..=1000).contains(&size) {
            return Err(wrong(ProblemKind::Value, "page_size", "be between 1 and 1000"));
        }
        Ok((number, size))
    }

    /// A portal filter: `-1` (or nothing) is every portal.
    pub fn portal(&self, name: &str) -> Result<Option<i64>, OpError> {
        Ok(self.int(name)?.filter(|id| *id != -1))
    }
}

/// The path's integer id: anything else names nothing (as Laravel's route binding answers).
pub fn path_id(req: &HttpRequest, name: &str) -> Option<i64> {
    req.match_info().get(name)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, Value)]) -> Input {
        Input { values: pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() }
    }

    #[test]
    fn numbers_and_lists_in_every_spelling() {
        let given = input(&[
            ("a", Value::from(3)),
            ("b", Value::from("4")),
            ("c", serde_json::json!([1, "2"])),
            ("d", Value::from("[5,6]")),
            ("e", Value::from("7, 8")),
            ("f", Value::from("x")),
            ("g", serde_json::json!(["x"])),
        ]);
        assert_eq!(given.int("a").unwrap(), Some(3));
        assert_eq!(given.int("b").unwrap(), Some(4));
        assert_eq!(given.ids("c").unwrap(), Some(vec![1, 2]));
        assert_eq!(given.ids("d").unwrap(), Some(vec![5, 6]));
        assert_eq!(given.ids("e").unwrap(), Some(vec![7, 8]));
        assert!(matches!(given.int("f"), Err(OpError::Invalid(p)) if p.message == "The f field must be an integer."));
        assert!(matches!(given.ids("g"), Err(OpError::Invalid(p)) if p.path.as_deref() == Some("g.0")));
        assert!(matches!(given.required_int("course_id"), Err(OpError::Invalid(p)) if p.message == "The course id field is required."));
    }

    #[test]
    fn dates_take_a_day_or_a_moment() {
        let given = input(&[("a", Value::from("2020-01-01 10:30:00")), ("b", Value::from("2020-01-02")), ("c", Value::from("01/02/2020"))]);
        assert_eq!(given.date_time("a").unwrap().unwrap().to_string(), "2020-01-01 10:30:00");
        assert_eq!(given.date_time("b").unwrap().unwrap().to_string(), "2020-01-02 00:00:00");
        assert!(given.date_time("c").is_err());
    }
}
