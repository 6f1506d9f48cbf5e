//! A namespace-aware reader that turns a request body into a small element tree, enforcing the
//! input limits and refusing what SOAP forbids (DTDs, entity declarations, processing
//! instructions) before any data binding. Elements keep their namespace URI (never the prefix)
//! and their line and column, so decoders can report exactly where a problem is.

use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Prefix, PrefixDeclaration, QName};

use crate::service::{Problem, ProblemKind};

/// Bounds on the shape of a request document; each is configurable (`Config`).
pub use crate::config::XmlLimits as Limits;

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub ns: Option<Rc<str>>,
    pub local: String,
    pub value: String,
    /// For `xsi:type`, whose value is a QName: the type it names, resolved where the attribute
    /// stands (`None` for every other attribute).
    pub type_name: Option<TypeName>,
}

/// The QName of an `xsi:type`, resolved against the namespace declarations in scope on its element
/// as an element name is: an unprefixed name takes the default namespace.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeName {
    Resolved {
        ns: Option<Rc<str>>,
        local: String,
    },
    /// The prefix is bound by no namespace declaration in scope.
    Unbound {
        prefix: String,
    },
    /// Not a QName.
    Invalid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Namespace URI; `None` for an element in no namespace. Shared: a document names few.
    pub ns: Option<Rc<str>>,
    pub local: String,
    /// Attributes other than namespace declarations.
    pub attributes: Vec<Attribute>,
    pub children: Vec<Element>,
    /// Character data directly inside this element (entity and character references resolved).
    pub text: String,
    pub line: u32,
    pub column: u32,
}

impl Element {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(ns)
    }

    pub fn attribute(&self, ns: &str, local: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.local == local && a.ns.as_deref() == Some(ns)).map(|a| a.value.as_str())
    }
}

/// Tracks line and column while offsets only grow, so positions cost one pass over the input.
struct Position<'a> {
    input: &'a [u8],
    offset: usize,
    line: u32,
    column: u32,
}

impl Position<'_> {
    fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.input.len());
        if offset < self.offset {
            // Never happens for a forward scan; recount from the start to stay correct anyway.
            *self = Position { input: self.input, offset: 0, line: 1, column: 1 };
        }
        // Counted without a branch a byte, so that the compiler vectorizes: this runs over the
        // whole body of every request.
        let passed = &self.input[self.offset..offset];
        let newlines = passed.iter().filter(|&&b| b == b'\n').count() as u32;
        let last_line = match newlines {
            0 => passed,
            _ => {
                self.line += newlines;
                self.column = 1;
                &passed[passed.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..]
            }
        };
        // Characters, not UTF-8 continuation bytes.
        self.column += last_line.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u32;
        self.offset = offset;
        (self.line, self.column)
    }
}

fn problem(kind: ProblemKind, message: impl Into<String>, (line, column): (u32, u32)) -> Problem {
    Problem::new(kind, message).at_position(line, column)
}

fn malformed(message: impl std::fmt::Display, position: (u32, u32)) -> Problem {
    problem(ProblemKind::Malformed, format!("malformed XML at line {}, column {}: {message}", position.0, position.1), position)
}

fn check_chars(text: &str, what: &str, position: (u32, u32)) -> Result<(), Problem> {
    // Every character XML forbids here is a control byte or starts with 0xEF (U+FFFE, U+FFFF):
    // a vectorized scan of the bytes clears almost every text without decoding it.
    if !text.bytes().any(|b| (b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0xEF)) {
        return Ok(());
    }
    match text.chars().find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}') {
        Some(c) => Err(malformed(format!("character U+{:04X} is not allowed in XML {what}", c as u32), position)),
        None => Ok(()),
    }
}

fn utf8(bytes: &[u8], position: (u32, u32)) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|_| malformed("invalid UTF-8", position))
}

/// Distinct namespace URIs whose strings elements share (a SOAP request uses two or three).
const SHARED_NAMESPACES: usize = 8;

/// The namespace URI `uri` as a string shared with earlier declarations of it (elements share
/// their binding's string; clients that repeat `xmlns="…"` on every element share one). The table
/// is bounded: a document of many distinct namespaces costs no more than allocating each, and the
/// lookup stays short.
fn shared_namespace(namespaces: &mut Vec<Rc<str>>, uri: &[u8], at: (u32, u32)) -> Result<Rc<str>, Problem> {
    if let Some(known) = namespaces.iter().find(|known| known.as_bytes() == uri) {
        return Ok(known.clone());
    }
    let uri: Rc<str> = Rc::from(utf8(uri, at)?);
    if namespaces.len() < SHARED_NAMESPACES {
        namespaces.push(uri.clone());
    }
    Ok(uri)
}

/// An element being read, and where its namespace declarations begin in the scope list.
struct Open {
    element: Element,
    scope: usize,
}

/// A namespace declaration: `xmlns` (no prefix) or `xmlns:prefix`, and the URI it binds (none when
/// `xmlns=""` takes the default namespace away).
struct Binding {
    prefix: Option<Box<[u8]>>,
    uri: Option<Rc<str>>,
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";
/// The namespace of `xsi:type`, `xsi:nil` and `xsi:schemaLocation`.
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Whether `c` is XML whitespace: space, tab, CR or LF, and nothing else (not U+00A0, U+2028, …).
pub fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Whether `text` is only XML whitespace, as text between elements must be.
pub fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// XML 1.0's NameStartChar, without the colon.
fn is_name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// A name without a colon (Namespaces in XML's NCName).
fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start)
        && chars
            .all(|c| is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}'))
}

/// The type an `xsi:type` value names. The value is an `xsd:QName`, whose whitespace collapses, so
/// surrounding XML whitespace is ignored.
fn type_name(scopes: &[Binding], value: &str, at: (u32, u32)) -> TypeName {
    let value = value.trim_matches(is_xml_space);
    let (prefix, local) = match value.split_once(':') {
        Some((prefix, local)) => (Some(prefix), local),
        None => (None, value),
    };
    if !prefix.is_none_or(is_ncname) || !is_ncname(local) {
        return TypeName::Invalid;
    }
    match resolve(scopes, prefix.map(str::as_bytes), at) {
        Ok(ns) => TypeName::Resolved { ns, local: local.to_string() },
        Err(_) => TypeName::Unbound { prefix: prefix.unwrap_or_default().to_string() },
    }
}

/// `prefix:local` into its parts; a name without a colon has no prefix.
fn split_name(name: QName<'_>) -> (Option<&[u8]>, &[u8]) {
    let (local, prefix) = name.decompose();
    (prefix.map(Prefix::into_inner), local.into_inner())
}

/// The URI a declaration binds, refusing what the Namespaces in XML recommendation forbids.
fn declaration(prefix: Option<&[u8]>, value: &str, namespaces: &mut Vec<Rc<str>>, at: (u32, u32)) -> Result<Option<Rc<str>>, Problem> {
    let shown = |prefix: &[u8]| String::from_utf8_lossy(prefix).into_owned();
    match prefix {
        None if value.is_empty() => Ok(None),
        Some(b"") => Err(malformed("a namespace declaration 'xmlns:' names no prefix", at)),
        Some(b"xmlns") => Err(malformed("the prefix 'xmlns' cannot be declared", at)),
        Some(b"xml") if value != XML_NS => Err(malformed(format!("the prefix 'xml' is bound to '{XML_NS}' only"), at)),
        Some(prefix) if value.is_empty() => Err(malformed(format!("the prefix '{}' cannot be undeclared", shown(prefix)), at)),
        Some(prefix) if prefix != b"xml" && (value == XML_NS || value == XMLNS_NS) => {
            Err(malformed(format!("the prefix '{}' cannot be bound to '{value}'", shown(prefix)), at))
        }
        None if value == XML_NS || value == XMLNS_NS => Err(malformed(format!("the default namespace cannot be '{value}'"), at)),
        _ => shared_namespace(namespaces, value.as_bytes(), at).map(Some),
    }
}

/// The namespace URI of a prefix (or of the default namespace) in the current scope.
fn resolve(scopes: &[Binding], prefix: Option<&[u8]>, at: (u32, u32)) -> Result<Option<Rc<str>>, Problem> {
    if let Some(binding) = scopes.iter().rev().find(|binding| binding.prefix.as_deref() == prefix) {
        return Ok(binding.uri.clone());
    }
    match prefix {
        None => Ok(None),
        Some(b"xml") => Ok(Some(Rc::from(XML_NS))),
        Some(prefix) => Err(malformed(format!("namespace prefix '{}' is not declared", String::from_utf8_lossy(prefix)), at)),
    }
}

/// A start tag's attributes, in one pass: its namespace declarations join `scopes` (they apply to
/// the element and to its own attributes), the other attributes are resolved once all are known.
fn read_attributes(
    start: &BytesStart<'_>,
    decoder: Decoder,
    limits: &Limits,
    scopes: &mut Vec<Binding>,
    namespaces: &mut Vec<Rc<str>>,
    at: (u32, u32),
) -> Result<Vec<Attribute>, Problem> {
    let declared_before = scopes.len();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|err| malformed(err, at))?;
        if attribute.value.len() > limits.max_text_bytes {
            return Err(problem(ProblemKind::Limit, format!("an attribute value is longer than {} bytes", limits.max_text_bytes), at));
        }
        let value = attribute.decode_and_unescape_value(decoder).map_err(|err| malformed(err, at))?;
        check_chars(&value, "attribute values", at)?;
        let prefix = match attribute.key.as_namespace_binding() {
            None => {
                if attributes.len() >= limits.max_attributes {
                    return Err(problem(ProblemKind::Limit, format!("an element has more than {} attributes", limits.max_attributes), at));
                }
                attributes.push((attribute.key, value.into_owned()));
                continue;
            }
            Some(PrefixDeclaration::Default) => None,
            Some(PrefixDeclaration::Named(prefix)) => Some(prefix),
        };
        if scopes.len() - declared_before >= limits.max_namespace_declarations {
            return Err(problem(
                ProblemKind::Limit,
                format!("an element declares more than {} namespaces", limits.max_namespace_declarations),
                at,
            ));
        }
        let uri = declaration(prefix, &value, namespaces, at)?;
        scopes.push(Binding { prefix: prefix.map(Box::from), uri });
    }
    attributes
        .into_iter()
        .map(|(key, value)| {
            let (prefix, local) = split_name(key);
            // An attribute without a prefix is in no namespace, whatever the default.
            let ns = if prefix.is_some() { resolve(scopes, prefix, at)? } else { None };
            let local = utf8(local, at)?.to_string();
            let type_name = (local == "type" && ns.as_deref() == Some(XSI_NS)).then(|| type_name(scopes, &value, at));
            Ok(Attribute { ns, local, value, type_name })
        })
        .collect()
}

/// Parses `input` into its document element.
pub fn parse(input: &[u8], limits: &Limits) -> Result<Element, Problem> {
    let mut pos = Position { input, offset: 0, line: 1, column: 1 };
    let body = match input {
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest,
        [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => {
            return Err(problem(ProblemKind::Prohibited, "UTF-16 documents are not accepted; send UTF-8", (1, 1)));
        }
        _ => input,
    };
    let base = input.len() - body.len();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed("the request body is empty; a SOAP envelope is expected", (1, 1)));
    }

    let mut reader = Reader::from_reader(body);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    config.check_comments = true;
    config.trim_text(false);

    // A SOAP request nests a handful of levels: one allocation for the open elements.
    let mut stack: Vec<Open> = Vec::with_capacity(16.min(limits.max_depth));
    let mut namespaces: Vec<Rc<str>> = Vec::new();
    // The namespace declarations in scope, innermost last.
    let mut scopes: Vec<Binding> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let start = base + reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(malformed(e, pos.at(base + reader.error_position() as usize))),
        };
        match event {
            Event::Decl(decl) => {
                let at = pos.at(start);
                if start != base {
                    return Err(malformed("an XML declaration may only appear at the very start", at));
                }
                if let Some(encoding) = decl.encoding() {
                    let encoding = encoding.map_err(|e| malformed(e, at))?;
                    let name = String::from_utf8_lossy(&encoding).to_ascii_lowercase();
                    if name != "utf-8" && name != "utf8" {
                        return Err(problem(ProblemKind::Prohibited, format!("encoding '{name}' is not accepted; send UTF-8"), at));
                    }
                }
            }
            Event::DocType(_) => {
                return Err(problem(
                    ProblemKind::Prohibited,
                    "a DOCTYPE (DTD, entity declarations) is not allowed in a SOAP message",
                    pos.at(start),
                ));
            }
            Event::PI(_) => {
                return Err(problem(ProblemKind::Prohibited, "processing instructions are not allowed in a SOAP message", pos.at(start)));
            }
            Event::Comment(_) => {}
            Event::Start(e) => {
                let at = pos.at(start);
                if root.is_some() {
                    return Err(malformed("content after the document element", at));
                }
                if stack.len() >= limits.max_depth {
                    return Err(problem(ProblemKind::Limit, format!("elements nest deeper than {} levels", limits.max_depth), at));
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(problem(ProblemKind::Limit, format!("the document has more than {} elements", limits.max_elements), at));
                }
                if stack.last().is_some_and(|open| open.element.children.len() >= limits.max_children) {
                    return Err(problem(
                        ProblemKind::Limit,
                        format!("an element has more than {} child elements", limits.max_children),
                        at,
                    ));
                }
                let scope = scopes.len();
                let attributes = read_attributes(&e, reader.decoder(), limits, &mut scopes, &mut namespaces, at)?;
                let (prefix, local) = split_name(e.name());
                let ns = resolve(&scopes, prefix, at)?;
                let local = utf8(local, at)?.to_string();
                let element = Element { ns, local, attributes, children: Vec::new(), text: String::new(), line: at.0, column: at.1 };
                stack.push(Open { element, scope });
            }
            Event::End(_) => {
                let Open { element, scope } = stack.pop().ok_or_else(|| malformed("an end tag without a start tag", pos.at(start)))?;
                scopes.truncate(scope);
                match stack.last_mut() {
                    Some(parent) => parent.element.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                let at = pos.at(start);
                // XML 1.0's line ends: CR LF and a lone CR become LF; U+0085 and U+2028 stay as
                // they are (only XML 1.1 reads them as line ends).
                let text = text.xml10_content().map_err(|e| malformed(e, at))?;
                append_text(&mut stack, &text, limits, at)?;
            }
            Event::CData(data) => {
                let at = pos.at(start);
                let text = data.xml10_content().map_err(|e| malformed(e, at))?;
                append_text(&mut stack, &text, limits, at)?;
            }
            Event::GeneralRef(reference) => {
                let at = pos.at(start);
                let resolved = if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) | Err(_) => return Err(malformed("a character reference names no valid character", at)),
                    }
                } else {
                    let name = reference.decode().map_err(|e| malformed(e, at))?;
                    match &*name {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => return Err(malformed(format!("entity '&{other};' is not declared (SOAP messages have no DTD)"), at)),
                    }
                };
                append_text(&mut stack, resolved.encode_utf8(&mut [0; 4]), limits, at)?;
            }
            Event::Empty(_) => unreachable!("empty elements are expanded to start and end events"),
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(
            format!(
                "the document ends before element <{}> (line {}, column {}) is closed",
                open.element.local, open.element.line, open.element.column
            ),
            pos.at(input.len()),
        ));
    }
    root.ok_or_else(|| malformed("the document has no root element", pos.at(input.len())))
}

fn append_text(stack: &mut [Open], text: &str, limits: &Limits, at: (u32, u32)) -> Result<(), Problem> {
    match stack.last_mut() {
        Some(Open { element, .. }) => {
            check_chars(text, "text", at)?;
            if element.text.len() + text.len() > limits.max_text_bytes {
                return Err(problem(
                    ProblemKind::Limit,
                    format!("the text of <{}> is longer than {} bytes", element.local, limits.max_text_bytes),
                    at,
                ));
            }
            element.text.push_str(text);
            Ok(())
        }
        None if is_blank(text) => Ok(()),
        None => Err(malformed("text outside the document element", at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Element, Problem> {
        parse(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn resolves_namespaces_not_prefixes() {
        let doc = parse_str(r#"<a:x xmlns:a="urn:one" xmlns="urn:two"><y>t&amp;&#65;<![CDATA[<c>]]></y><a:z/></a:x>"#).unwrap();
        assert!(doc.is("urn:one", "x"));
        assert!(doc.children[0].is("urn:two", "y"));
        assert_eq!(doc.children[0].text, "t&A<c>");
        assert!(doc.children[1].is("urn:one", "z"));
    }

    #[test]
    fn namespace_declarations_hold_for_their_element_only() {
        let doc = parse_str(r#"<a xmlns="urn:d"><b xmlns=""><c/></b><p:d xmlns:p="urn:p"><p:e xmlns:p="urn:q" p:x="1" y="2"/></p:d></a>"#)
            .unwrap();
        assert!(doc.is("urn:d", "a"));
        assert_eq!(doc.children[0].ns, None);
        assert_eq!(doc.children[0].children[0].ns, None, "xmlns=\"\" takes the default away for descendants too");
        let e = &doc.children[1].children[0];
        assert!(e.is("urn:q", "e"), "the innermost declaration wins");
        assert_eq!(e.attribute("urn:q", "x"), Some("1"));
        assert_eq!(e.attributes[1].ns, None, "unprefixed attributes are in no namespace");
        // A prefix declared on a sibling is out of scope.
        assert!(parse_str(r#"<a><p:b xmlns:p="urn:p"/><p:c/></a>"#).is_err());
        assert!(parse_str(r#"<a xml:lang="en"/>"#).unwrap().attribute(XML_NS, "lang").is_some());
    }

    #[test]
    fn xsi_type_names_resolve_where_they_stand() {
        let doc = parse_str(
            r#"<a xmlns="urn:d" xmlns:p="urn:p" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><b xsi:type="p:T"/><c xsi:type="T"/><d xsi:type="q:T"/><e xsi:type=" p:T&#10;"/><f xmlns="" xsi:type="T"/><g xsi:type="p:"/><h xsi:type="1T"/><i xsi:type="p:T q"/><j xmlns:q="urn:q" xsi:type="q:T" p:type="x:y"/></a>"#,
        )
        .unwrap();
        let resolved = |ns: Option<&str>, local: &str| Some(TypeName::Resolved { ns: ns.map(Rc::from), local: local.into() });
        let names: Vec<_> = doc.children.iter().map(|c| c.attributes[0].type_name.clone()).collect();
        assert_eq!(names[0], resolved(Some("urn:p"), "T"));
        assert_eq!(names[1], resolved(Some("urn:d"), "T"), "an unprefixed name takes the default namespace");
        assert_eq!(names[2], Some(TypeName::Unbound { prefix: "q".into() }));
        assert_eq!(names[3], resolved(Some("urn:p"), "T"), "a QName's surrounding whitespace collapses away");
        assert_eq!(names[4], resolved(None, "T"));
        assert_eq!(names[5..8], [Some(TypeName::Invalid), Some(TypeName::Invalid), Some(TypeName::Invalid)]);
        assert_eq!(names[8], resolved(Some("urn:q"), "T"), "declared on the element itself");
        assert_eq!(doc.children[8].attributes[1].type_name, None, "only xsi:type holds a type name");
    }

    #[test]
    fn only_xml_whitespace_may_surround_the_document_element() {
        assert!(parse_str(" \t\r\n<a/>\n").is_ok());
        for stray in ['\u{A0}', '\u{3000}', '\u{2028}', '\u{85}'] {
            for doc in [format!("<a/>{stray}"), format!("{stray}<a/>")] {
                assert_eq!(parse_str(&doc).unwrap_err().kind, ProblemKind::Malformed, "U+{:04X}", stray as u32);
            }
        }
        assert!(is_blank(" \t\r\n") && !is_blank("\u{A0}") && !is_blank(" \u{2028} "));
    }

    #[test]
    fn line_ends_are_xml_1_0s() {
        let doc = parse_str("<a><b>1\r\n2\r3\u{85}4\u{2028}5</b><c><![CDATA[1\r\n2\r3\u{2028}]]></c></a>").unwrap();
        assert_eq!(doc.children[0].text, "1\n2\n3\u{85}4\u{2028}5");
        assert_eq!(doc.children[1].text, "1\n2\n3\u{2028}");
    }

    #[test]
    fn forbidden_namespace_declarations_are_refused() {
        for bad in [
            r#"<a xmlns:p=""/>"#,
            r#"<a xmlns:xmlns="urn:x"/>"#,
            r#"<a xmlns:xml="urn:x"/>"#,
            r#"<a xmlns:p="http://www.w3.org/2000/xmlns/"/>"#,
            r#"<a xmlns="http://www.w3.org/XML/1998/namespace"/>"#,
            r#"<a xmlns:p="urn:1" xmlns:p="urn:2"/>"#,
            r#"<xmlns:a/>"#,
        ] {
            assert_eq!(parse_str(bad).unwrap_err().kind, ProblemKind::Malformed, "{bad}");
        }
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let doc = parse_str("<r>\n  <a/>\n\t<b/></r>").unwrap();
        assert_eq!((doc.children[0].line, doc.children[0].column), (2, 3));
        assert_eq!((doc.children[1].line, doc.children[1].column), (3, 2));
    }

    #[test]
    fn a_mismatched_end_tag_is_reported_where_it_stands() {
        let err = parse_str("<r>\n<a>\n</b></r>").unwrap_err();
        assert_eq!(err.kind, ProblemKind::Malformed);
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn refuses_dtds_entities_and_processing_instructions() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert_eq!(parse_str(xxe).unwrap_err().kind, ProblemKind::Prohibited);
        assert_eq!(parse_str("<r><?php x ?></r>").unwrap_err().kind, ProblemKind::Prohibited);
        assert_eq!(parse_str("<r>&x;</r>").unwrap_err().kind, ProblemKind::Malformed);
    }

    #[test]
    fn enforces_limits() {
        let limits = Limits { max_depth: 3, max_attributes: 1, max_text_bytes: 4, ..Limits::default() };
        assert_eq!(parse(b"<a><b><c><d/></c></b></a>", &limits).unwrap_err().kind, ProblemKind::Limit);
        assert_eq!(parse(b"<a x='1' y='2'/>", &limits).unwrap_err().kind, ProblemKind::Limit);
        assert_eq!(parse(b"<a>12345</a>", &limits).unwrap_err().kind, ProblemKind::Limit);
        assert!(parse(b"<a><b><c/></b></a>", &limits).is_ok());

        let limits = Limits { max_children: 2, max_elements: 4, max_namespace_declarations: 1, ..Limits::default() };
        let over = |doc: &str| parse(doc.as_bytes(), &limits).unwrap_err();
        assert!(over("<a><b/><b/><b/></a>").message.contains("child elements"));
        assert!(over("<a><b><c><d><e/></d></c></b></a>").message.contains("elements"));
        assert!(over("<a xmlns:x='urn:1' xmlns:y='urn:2'/>").message.contains("namespaces"));
        assert!(parse(b"<a xmlns:x='urn:1'><b/><b/></a>", &limits).is_ok());
    }

    #[test]
    fn refuses_broken_documents() {
        for bad in ["", "   ", "<a>", "<a></a><b/>", "text<a/>", "<a>\u{1}</a>", "<p:a/>", "<a b='1' b='2'/>"] {
            assert!(parse_str(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse(&[0xFF, 0xFE, b'<', 0], &Limits::default()).is_err());
        assert!(parse(b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>", &Limits::default()).is_err());
        assert!(parse(b"\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?><a/>", &Limits::default()).is_ok());
    }
}
