//! Typed decoding of request elements, enforcing what the XSD says: element namespace, sequence
//! order, occurrences, simple content, types and lengths, and the `xsi:` attributes an instance
//! may carry. Every problem names the element path.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::values::{CompletionStatus, DuePeriod, ExternalId, Name, PageSize, Password, Refused, Text};
pub use crate::domain::values::{collapse, parse_date, parse_date_time};
use crate::domain::{DueDateType, Role, UserStatus};

use super::envelope::{API_NS, api_spelling};
use super::xml::{Attribute, Element, TypeName, XSI_NS, is_blank, is_xml_space};
use crate::service::{Problem, ProblemKind};

const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// The type the XSD declares an element with: what an `xsi:type` on the element may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A named type of the API's schema: `tns:Id`.
    Api(&'static str),
    /// A built-in type of XML Schema: `xsd:dateTime`.
    Builtin(&'static str),
    /// A type defined inside the element's declaration, which has no name.
    Anonymous,
}

impl Declared {
    /// Whether the resolved `xsi:type` names this type. XSD also allows a type derived from the
    /// declared one; the schema derives none from the types it declares request elements with,
    /// except from `xsd:string` (the legacy `password`), where this server takes the declared type
    /// only (see the README).
    fn is(self, ns: Option<&str>, local: &str) -> bool {
        match self {
            // The `https://` spelling of the namespace is accepted wherever the namespace is.
            Declared::Api(name) => name == local && matches!(ns, Some(API_NS | super::envelope::API_NS_HTTPS)),
            Declared::Builtin(name) => name == local && ns == Some(XSD_NS),
            Declared::Anonymous => false,
        }
    }

    fn shown(self) -> String {
        match self {
            Declared::Api(name) => format!("tns:{name}"),
            Declared::Builtin(name) => format!("xsd:{name}"),
            Declared::Anonymous => "an anonymous type".into(),
        }
    }
}

/// A domain value, with the type the XSD declares its elements with.
pub trait Typed {
    const DECLARED: Declared;
}

macro_rules! typed {
    ($($ty:ty => $name:literal),* $(,)?) => {
        $(impl Typed for $ty {
            const DECLARED: Declared = Declared::Api($name);
        })*
    };
}

typed! {
    ExternalId => "Id",
    Text => "OptionalText",
    Name => "Name",
    Password => "Password",
    PageSize => "PageSize",
    DuePeriod => "DuePeriod",
    UserStatus => "UserStatus",
    CompletionStatus => "CompletionStatus",
    Role => "Role",
    DueDateType => "DueDateType",
}

/// Text that stands where only elements may: shown as sent, or, when it looks blank, by the first
/// character that is not XML whitespace (U+00A0 and U+2028 look like spaces but are not).
pub fn stray_text(text: &str) -> String {
    if text.chars().any(|c| !c.is_whitespace()) {
        return format!("found text '{}'", excerpt(text));
    }
    match text.chars().find(|&c| !is_xml_space(c)) {
        Some(c) => format!("found the character U+{:04X}, which is not XML whitespace (only space, tab, CR and LF are)", c as u32),
        None => "found text".into(),
    }
}

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

    /// The schema declares no attributes on request elements: only namespace declarations and the
    /// `xsi:` attributes XSD gives every element may stand on them. `xsi:schemaLocation` and
    /// `xsi:noNamespaceSchemaLocation` are hints, never fetched; `xsi:type` must name the declared
    /// type; `xsi:nil` is refused, as no element is nillable; any other is refused.
    fn check_attributes(&self, declared: Declared) -> Result<(), Problem> {
        for attribute in &self.element.attributes {
            let local = attribute.local.as_str();
            match (attribute.ns.as_deref() == Some(XSI_NS), local) {
                (true, "schemaLocation" | "noNamespaceSchemaLocation") => {}
                (true, "type") => self.check_type(attribute, declared)?,
                (true, "nil") => {
                    return Err(self.fail(
                        ProblemKind::TagMismatch,
                        format!("attribute 'nil' is not allowed on <{}>: the element is not nillable", self.element.local),
                    ));
                }
                _ => {
                    return Err(
                        self.fail(ProblemKind::TagMismatch, format!("attribute '{local}' is not allowed on <{}>", self.element.local))
                    );
                }
            }
        }
        Ok(())
    }

    /// An `xsi:type` must name the element's declared type; anything else is a TYPE fault saying
    /// which type it named and which one the element has.
    fn check_type(&self, attribute: &Attribute, declared: Declared) -> Result<(), Problem> {
        let name = &self.element.local;
        let value = excerpt(&attribute.value);
        let why = match &attribute.type_name {
            Some(TypeName::Resolved { ns, local }) if declared.is(ns.as_deref(), local) => return Ok(()),
            Some(TypeName::Resolved { ns, local }) => {
                let named = match ns {
                    Some(ns) => format!("{{{ns}}}{local}"),
                    None => format!("'{local}' in no namespace"),
                };
                match declared {
                    Declared::Anonymous => {
                        format!("xsi:type '{value}' on <{name}> names {named}; <{name}> has an anonymous type, which no xsi:type can name")
                    }
                    _ => format!(
                        "xsi:type '{value}' on <{name}> names {named}; <{name}> is of type {}, the one type xsi:type may name",
                        declared.shown()
                    ),
                }
            }
            Some(TypeName::Unbound { prefix }) => {
                format!("xsi:type '{value}' on <{name}> uses the prefix '{prefix}', which no namespace declaration in scope binds")
            }
            Some(TypeName::Invalid) | None => format!("xsi:type on <{name}> must be a qualified name such as 'tns:Id'; got '{value}'"),
        };
        Err(self.fail(ProblemKind::Type, why))
    }

    /// The children of an element of complex type `declared`, read in order.
    pub fn children(&self, declared: Declared) -> Result<Seq<'a>, Problem> {
        self.check_attributes(declared)?;
        // Element-only content: between the children, XML whitespace and nothing else.
        if !is_blank(&self.element.text) {
            return Err(self.fail(
                ProblemKind::Type,
                format!("<{}> holds elements, not text; {}", self.element.local, stray_text(&self.element.text)),
            ));
        }
        Ok(Seq { element: self.element, path: self.path.to_string(), next: 0, taken: Vec::new(), asked: Vec::new() })
    }

    /// The raw text of an element of simple type `declared` (xsd:string keeps whitespace as sent).
    pub fn string(&self, declared: Declared) -> Result<&'a str, Problem> {
        self.check_attributes(declared)?;
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

    /// An xsd:token (or a type restricting it, `declared`) with length bounds: whitespace
    /// collapsed, then checked.
    pub fn token(&self, declared: Declared, min: usize, max: usize) -> Result<String, Problem> {
        let value = collapse(self.string(declared)?);
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
    pub fn value<T: Typed>(&self, parse: fn(&str) -> Result<T, Refused>) -> Result<T, Problem> {
        parse(self.string(T::DECLARED)?).map_err(|why| self.refused(why))
    }

    /// A value of the domain parsed from an xsd:int.
    pub fn int_value<T: Typed>(&self, parse: fn(i32) -> Result<T, Refused>) -> Result<T, Problem> {
        parse(self.int(T::DECLARED)?).map_err(|why| self.refused(why))
    }

    fn refused(&self, why: Refused) -> Problem {
        self.fail(why.rule.into(), format!("<{}> {}", self.element.local, why.reason))
    }

    /// The XSD's `Id`: a token of 1 to 255 characters.
    pub fn id(&self) -> Result<ExternalId, Problem> {
        self.value(ExternalId::parse)
    }

    fn typed<T>(&self, declared: Declared, type_name: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, Problem> {
        let raw = self.string(declared)?;
        let value = raw.trim_matches(is_xml_space);
        parse(value)
            .ok_or_else(|| self.fail(ProblemKind::Type, format!("<{}> must be an {type_name}; got '{}'", self.element.local, excerpt(raw))))
    }

    fn int(&self, declared: Declared) -> Result<i32, Problem> {
        self.typed(declared, "xsd:int (a whole number from -2147483648 to 2147483647)", |s| {
            (!s.is_empty() && s.trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
        })
    }

    pub fn boolean(&self) -> Result<bool, Problem> {
        self.typed(Declared::Builtin("boolean"), "xsd:boolean (true, false, 1 or 0)", |s| match s {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        })
    }

    pub fn date(&self) -> Result<NaiveDate, Problem> {
        self.typed(Declared::Builtin("date"), "xsd:date (YYYY-MM-DD, optionally with a time zone)", parse_date)
    }

    pub fn date_time(&self) -> Result<DateTime<FixedOffset>, Problem> {
        self.typed(
            Declared::Builtin("dateTime"),
            "xsd:dateTime (YYYY-MM-DDThh:mm:ss, optionally with fractions and a time zone)",
            parse_date_time,
        )
    }

    /// One of the listed values of an enumeration of xsd:string (compared as sent: xsd:string
    /// keeps whitespace, so ' passed' is not 'passed').
    pub fn enumeration<T: Typed + Copy>(&self, values: &[(&str, T)]) -> Result<T, Problem> {
        let raw = self.string(T::DECLARED)?;
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

/// The value as sent, without its surrounding XML whitespace (other spaces, such as U+00A0, stay
/// visible), cut short when long.
fn excerpt(s: &str) -> String {
    let s = s.trim_matches(is_xml_space);
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faces::soap::xml::{Limits, parse};

    const NAMESPACES: &str = r#"xmlns="http://ispringlearn.com/go/services/api/soap" xmlns:tns="http://ispringlearn.com/go/services/api/soap" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

    /// `<r>` holding `inside`, in the API's namespace with the usual prefixes declared.
    fn element(inside: &str) -> Element {
        parse(format!("<r {NAMESPACES}>{inside}</r>").as_bytes(), &Limits::default()).unwrap().children.remove(0)
    }

    fn string_of(xml: &str, declared: Declared) -> Result<String, Problem> {
        let e = element(xml);
        Field::root(&e, "r/x").string(declared).map(str::to_string)
    }

    #[test]
    fn between_elements_only_xml_whitespace_may_stand() {
        let e = element("<x> \t\r\n<id>a</id>\n</x>");
        assert!(Field::root(&e, "r/x").children(Declared::Api("IdList")).is_ok());
        for stray in ["\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "&#160;"] {
            let e = element(&format!("<x><id>a</id> {stray} </x>"));
            let err = Field::root(&e, "r/x").children(Declared::Api("IdList")).err().unwrap();
            assert_eq!((err.kind, err.path.as_deref()), (ProblemKind::Type, Some("r/x")), "{stray}");
            assert!(err.message.contains("U+") && err.message.contains("not XML whitespace"), "{}", err.message);
        }
        let err = Field::root(&element("<x>words<id>a</id></x>"), "r/x").children(Declared::Anonymous).err().unwrap();
        assert!(err.message.contains("found text 'words'"), "{}", err.message);
    }

    #[test]
    fn schema_location_hints_stand_anywhere_and_are_not_read() {
        let hints = r#"xsi:schemaLocation="http://ispringlearn.com/go/services/api/soap http://127.0.0.1:9/x.xsd" xsi:noNamespaceSchemaLocation="""#;
        assert_eq!(string_of(&format!("<x {hints}>v</x>"), Declared::Api("Id")).unwrap(), "v");
        let e = element(&format!("<x {hints}><id>a</id></x>"));
        assert!(Field::root(&e, "r/x").children(Declared::Api("IdList")).is_ok());
        // Only in the xsi namespace.
        let err = string_of(r#"<x schemaLocation="a b">v</x>"#, Declared::Api("Id")).unwrap_err();
        assert_eq!(err.kind, ProblemKind::TagMismatch);
    }

    #[test]
    fn other_xsi_attributes_are_refused() {
        for (attribute, words) in
            [(r#"xsi:nil="false""#, "not nillable"), (r#"xsi:nil="true""#, "not nillable"), (r#"xsi:location="a""#, "'location'")]
        {
            let err = string_of(&format!("<x {attribute}>v</x>"), Declared::Api("Id")).unwrap_err();
            assert_eq!(err.kind, ProblemKind::TagMismatch, "{attribute}");
            assert!(err.message.contains(words), "{}", err.message);
        }
    }

    #[test]
    fn xsi_type_may_name_the_declared_type_only() {
        for accepted in [
            r#"<x xsi:type="tns:Id">v</x>"#,
            r#"<x xsi:type="Id">v</x>"#,
            r#"<x xmlns:s="https://ispringlearn.com/go/services/api/soap" xsi:type="s:Id">v</x>"#,
            r#"<x xsi:type=" tns:Id ">v</x>"#,
        ] {
            assert_eq!(string_of(accepted, Declared::Api("Id")).unwrap(), "v", "{accepted}");
        }
        assert!(string_of(r#"<x xsi:type="xsd:date">v</x>"#, Declared::Builtin("date")).is_ok());

        let refused = |xml: &str, declared: Declared| {
            let err = string_of(xml, declared).unwrap_err();
            assert_eq!((err.kind, err.path.as_deref()), (ProblemKind::Type, Some("r/x")), "{xml}");
            err.message
        };
        let message = refused(r#"<x xsi:type="xsd:int">7</x>"#, Declared::Api("Id"));
        assert!(message.contains("{http://www.w3.org/2001/XMLSchema}int") && message.contains("tns:Id"), "{message}");
        // The type it restricts is not the declared type, nor is a type of the same name elsewhere.
        refused(r#"<x xsi:type="xsd:token">v</x>"#, Declared::Api("Id"));
        refused(r#"<x xsi:type="xsd:string">v</x>"#, Declared::Api("Password"));
        refused(r#"<x xsi:type="xsd:Id">v</x>"#, Declared::Api("Id"));
        refused(r#"<x xmlns="" xsi:type="Id">v</x>"#, Declared::Api("Id"));
        assert!(refused(r#"<x xsi:type="types:Id">v</x>"#, Declared::Api("Id")).contains("prefix 'types'"));
        assert!(refused(r#"<x xsi:type="tns:Id tns:Name">v</x>"#, Declared::Api("Id")).contains("qualified name"));
        assert!(refused(r#"<x xsi:type="xsd:token">v</x>"#, Declared::Anonymous).contains("anonymous"));
        let e = element(r#"<x xsi:type="tns:Id"><id>a</id></x>"#);
        assert_eq!(Field::root(&e, "r/x").children(Declared::Api("IdList")).err().unwrap().kind, ProblemKind::Type);
    }
}
