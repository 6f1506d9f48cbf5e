//! Typed decoding of request elements, enforcing what the XSD says: element namespace, sequence
//! order, occurrences, simple content, types and lengths. Every problem names the element path.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::values::{ExternalId, Refused};
pub use crate::domain::values::{collapse, parse_date, parse_date_time};

use super::envelope::api_spelling;
use super::xml::Element;
use crate::service::{Problem, ProblemKind};

const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// One element of the request, with its path for error messages.
#[derive(Clone, Copy)]
pub struct Field<'a> {
    pub element: &'a Element,
    path: &'a str,
}

fn fail(kind: ProblemKind, element: &Element, path: &str, message: String) -> Problem {
    Problem::new(kind, message).at_path(path).at_position(element.line, element.column)
}

/// Reads the children of a complex-typed element in schema order.
pub struct Seq<'a> {
    element: &'a Element,
    path: String,
    next: usize,
    /// Names consumed so far, to tell a repeated element from a misplaced one.
    taken: Vec<&'static str>,
    /// Every name this sequence has looked for, to tell a misplaced element from a stranger.
    asked: Vec<&'static str>,
}

impl<'a> Field<'a> {
    pub fn root(element: &'a Element, path: &'a str) -> Field<'a> {
        Field { element, path }
    }

    pub fn path(&self) -> &str {
        self.path
    }

    fn fail(&self, kind: ProblemKind, message: String) -> Problem {
        fail(kind, self.element, self.path, message)
    }

    /// Only namespace declarations and `xsi:type` may decorate request elements.
    fn check_attributes(&self) -> Result<(), Problem> {
        match self.element.attributes.iter().find(|a| !(a.ns.as_deref() == Some(XSI_NS) && a.local == "type")) {
            Some(a) => {
                Err(self.fail(ProblemKind::TagMismatch, format!("attribute '{}' is not allowed on <{}>", a.local, self.element.local)))
            }
            None => Ok(()),
        }
    }

    /// The children of a complex-typed element, read in order.
    pub fn children(&self) -> Result<Seq<'a>, Problem> {
        self.check_attributes()?;
        if !self.element.text.trim().is_empty() {
            return Err(self.fail(
                ProblemKind::Type,
                format!("<{}> holds elements, not text; found text '{}'", self.element.local, excerpt(&self.element.text)),
            ));
        }
        Ok(Seq { element: self.element, path: self.path.to_string(), next: 0, taken: Vec::new(), asked: Vec::new() })
    }

    /// The raw text of a simple-typed element (xsd:string keeps whitespace as sent).
    pub fn string(&self) -> Result<&'a str, Problem> {
        self.check_attributes()?;
        if let Some(child) = self.element.children.first() {
            return Err(fail(
                ProblemKind::TagMismatch,
                child,
                self.path,
                format!("<{}> holds a value, not elements; found <{}>", self.element.local, child.local),
            ));
        }
        Ok(&self.element.text)
    }

    /// An xsd:token with length bounds: whitespace collapsed, then checked.
    pub fn token(&self, min: usize, max: usize) -> Result<String, Problem> {
        let value = collapse(self.string()?);
        let length = value.chars().count();
        if length < min || length > max {
            let expected = if min == max { format!("{min}") } else { format!("{min} to {max}") };
            return Err(
                self.fail(ProblemKind::Length, format!("<{}> must be {expected} characters long; got {length}", self.element.local))
            );
        }
        Ok(value)
    }

    /// A value of the domain, parsed from the element's text by its type's own `parse`: the rule is
    /// the domain's, the words around it (`<login> must be …`) and the path are this face's.
    pub fn value<T>(&self, parse: fn(&str) -> Result<T, Refused>) -> Result<T, Problem> {
        parse(self.string()?).map_err(|why| self.refused(why))
    }

    /// A value of the domain parsed from an xsd:int.
    pub fn int_value<T>(&self, parse: fn(i32) -> Result<T, Refused>) -> Result<T, Problem> {
        parse(self.int()?).map_err(|why| self.refused(why))
    }

    fn refused(&self, why: Refused) -> Problem {
        self.fail(why.rule.into(), format!("<{}> {}", self.element.local, why.reason))
    }

    /// The XSD's `Id`: a token of 1 to 255 characters.
    pub fn id(&self) -> Result<ExternalId, Problem> {
        self.value(ExternalId::parse)
    }

    fn typed<T>(&self, type_name: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, Problem> {
        let raw = self.string()?;
        let value = raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        parse(value)
            .ok_or_else(|| self.fail(ProblemKind::Type, format!("<{}> must be an {type_name}; got '{}'", self.element.local, excerpt(raw))))
    }

    pub fn int(&self) -> Result<i32, Problem> {
        self.typed("xsd:int (a whole number from -2147483648 to 2147483647)", |s| {
            (!s.is_empty() && s.trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
        })
    }

    pub fn boolean(&self) -> Result<bool, Problem> {
        self.typed("xsd:boolean (true, false, 1 or 0)", |s| match s {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        })
    }

    pub fn date(&self) -> Result<NaiveDate, Problem> {
        self.typed("xsd:date (YYYY-MM-DD, optionally with a time zone)", parse_date)
    }

    pub fn date_time(&self) -> Result<DateTime<FixedOffset>, Problem> {
        self.typed("xsd:dateTime (YYYY-MM-DDThh:mm:ss, optionally with fractions and a time zone)", parse_date_time)
    }

    /// One of the listed values of an enumeration of xsd:string (compared as sent: xsd:string
    /// keeps whitespace, so ' passed' is not 'passed').
    pub fn enumeration<T: Copy>(&self, values: &[(&str, T)]) -> Result<T, Problem> {
        let raw = self.string()?;
        values.iter().find(|(name, _)| *name == raw).map(|(_, v)| *v).ok_or_else(|| {
            let names: Vec<_> = values.iter().map(|(n, _)| *n).collect();
            self.fail(
                ProblemKind::Enumeration,
                format!("<{}> must be one of {}; got '{}'", self.element.local, names.join(", "), excerpt(raw)),
            )
        })
    }
}

impl<'a> Seq<'a> {
    fn peek(&self) -> Option<&'a Element> {
        self.element.children.get(self.next)
    }

    /// `parent/local` or `parent/local[i]`. Every decoded element gets one, so it is built by
    /// hand rather than through the formatting machinery.
    fn child_path(&self, local: &str, index: Option<usize>) -> String {
        let mut path = String::with_capacity(self.path.len() + local.len() + 8);
        path.push_str(&self.path);
        path.push('/');
        path.push_str(local);
        if let Some(i) = index {
            use std::fmt::Write;
            let _ = write!(path, "[{i}]");
        }
        path
    }

    fn is_api(element: &Element, name: &str) -> bool {
        element.local == name && api_spelling(element).is_some()
    }

    fn take(&mut self, name: &'static str, path_index: Option<usize>) -> Owned<'a> {
        let element = &self.element.children[self.next];
        self.next += 1;
        if self.taken.last() != Some(&name) {
            self.taken.push(name);
        }
        Owned { element, path: self.child_path(name, path_index) }
    }

    /// Explains why the next child is not `expected` (or why it is missing).
    fn unexpected(&self, expected: &[&str]) -> Problem {
        let expected_list = expected.iter().map(|e| format!("<{e}>")).collect::<Vec<_>>().join(" or ");
        match self.peek() {
            None => fail(
                ProblemKind::Required,
                self.element,
                &self.child_path(expected[0], None),
                format!("<{}> is missing required element {expected_list}", self.element.local),
            ),
            Some(found) => self.misplaced(found, &format!("; expected {expected_list}")),
        }
    }

    /// Why `found` cannot be read where it stands.
    fn misplaced(&self, found: &Element, expectation: &str) -> Problem {
        let path = self.child_path(&found.local, None);
        let name = found.local.as_str();
        let parent = &self.element.local;
        let known = self.asked.contains(&name);
        let (kind, message) = if known && api_spelling(found).is_none() {
            (
                ProblemKind::TagMismatch,
                format!(
                    "<{name}> is in namespace '{}'; request elements must be in '{}'",
                    found.ns.as_deref().unwrap_or(""),
                    super::envelope::API_NS
                ),
            )
        } else if self.taken.contains(&name) {
            (ProblemKind::Occurs, format!("<{name}> occurs more often than allowed in <{parent}>"))
        } else if known {
            (ProblemKind::TagMismatch, format!("<{name}> is out of order in <{parent}>{expectation}"))
        } else {
            (ProblemKind::TagMismatch, format!("unexpected element <{name}> in <{parent}>{expectation}"))
        };
        fail(kind, found, &path, message)
    }

    pub fn required(&mut self, name: &'static str) -> Result<Owned<'a>, Problem> {
        match self.optional(name) {
            Some(field) => Ok(field),
            None => Err(self.unexpected(&[name])),
        }
    }

    pub fn optional(&mut self, name: &'static str) -> Option<Owned<'a>> {
        self.asked.push(name);
        match self.peek() {
            Some(e) if Self::is_api(e, name) => Some(self.take(name, None)),
            _ => None,
        }
    }

    /// All consecutive `name` children (at least `min`, at most `max`).
    pub fn repeated(&mut self, name: &'static str, min: usize, max: usize) -> Result<Vec<Owned<'a>>, Problem> {
        self.asked.push(name);
        let mut items = Vec::new();
        while let Some(e) = self.peek().filter(|e| Self::is_api(e, name)) {
            if items.len() == max {
                let path = self.child_path(name, Some(items.len() + 1));
                return Err(fail(ProblemKind::Occurs, e, &path, format!("<{}> may hold at most {max} <{name}>", self.element.local)));
            }
            let item = self.take(name, Some(items.len() + 1));
            items.push(item);
        }
        if items.len() < min {
            return Err(self.unexpected(&[name]));
        }
        Ok(items)
    }

    /// Which of `names` comes next (for xsd:choice), without consuming it.
    pub fn choice(&mut self, names: &[&'static str]) -> Result<&'static str, Problem> {
        self.asked.extend_from_slice(names);
        match self.peek() {
            Some(e) => names.iter().copied().find(|n| Self::is_api(e, n)).ok_or_else(|| self.unexpected(names)),
            None => Err(self.unexpected(names)),
        }
    }

    /// Fails if any child is left over.
    pub fn finish(self) -> Result<(), Problem> {
        match self.peek() {
            None => Ok(()),
            Some(found) => Err(self.misplaced(found, &format!("; nothing more may follow in <{}>", self.element.local))),
        }
    }
}

/// A decoded child that owns its path string.
pub struct Owned<'a> {
    pub element: &'a Element,
    pub path: String,
}

impl<'a> Owned<'a> {
    pub fn field(&self) -> Field<'_> {
        Field { element: self.element, path: &self.path }
    }
}

fn excerpt(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s.to_string() }
}
