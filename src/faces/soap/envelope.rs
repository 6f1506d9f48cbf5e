//! The SOAP envelope: versions, namespace spellings, and finding the operation element.

use super::decode::stray_text;
use super::xml::{Element, TypeName, XSI_NS, is_blank, is_xml_space};
use crate::service::{Problem, ProblemKind};

/// The iSpring Learn target namespace, and the `https://` spelling some of its documents use.
pub const API_NS: &str = "http://ispringlearn.com/go/services/api/soap";
pub const API_NS_HTTPS: &str = "https://ispringlearn.com/go/services/api/soap";
pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP11_NS_HTTPS: &str = "https://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Soap11,
    Soap12,
}

impl Version {
    pub fn content_type(self) -> &'static str {
        match self {
            Version::Soap11 => "text/xml; charset=utf-8",
            Version::Soap12 => "application/soap+xml; charset=utf-8",
        }
    }
}

/// The namespace URIs a response is written in: the spellings the request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelling {
    pub version: Version,
    pub envelope: &'static str,
    pub api: &'static str,
}

impl Spelling {
    pub fn standard(version: Version) -> Spelling {
        let envelope = match version {
            Version::Soap11 => SOAP11_NS,
            Version::Soap12 => SOAP12_NS,
        };
        Spelling { version, envelope, api: API_NS }
    }
}

/// Why an envelope cannot be processed, in the fault classes SOAP defines for it.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvelopeError {
    /// The root is an Envelope of another (or no) SOAP version.
    VersionMismatch(String),
    /// A header block the server does not understand demands to be understood.
    MustUnderstand(String),
    /// Anything else wrong with the envelope or the request in it.
    Bad(Problem),
}

impl From<Problem> for EnvelopeError {
    fn from(p: Problem) -> Self {
        EnvelopeError::Bad(p)
    }
}

/// The API namespace spelling an element uses, if it is in the API namespace at all.
pub fn api_spelling(element: &Element) -> Option<&'static str> {
    match element.ns.as_deref() {
        Some(API_NS) => Some(API_NS),
        Some(API_NS_HTTPS) => Some(API_NS_HTTPS),
        _ => None,
    }
}

fn envelope_problem(element: &Element, message: String) -> Problem {
    Problem::new(ProblemKind::Envelope, message).at_path(element.local.clone()).at_position(element.line, element.column)
}

/// `<Envelope>`, `<Header>` and `<Body>` hold elements only: XML whitespace may stand between them,
/// nothing else. Their `xsi:` attributes follow XSD: `xsi:type` may name the element's own type in
/// the SOAP envelope schema (`soap:Body` on `<Body>`), `xsi:nil` is refused (none is nillable), and
/// the others (`xsi:schemaLocation`, …) are hints the schema's attribute wildcards let through.
/// Other attributes are left alone: SOAP lets `encodingStyle` and extensions stand on them.
fn check_envelope_element(element: &Element, envelope_ns: &str) -> Result<(), Problem> {
    if !is_blank(&element.text) {
        return Err(envelope_problem(element, format!("<{}> holds elements, not text; {}", element.local, stray_text(&element.text))));
    }
    for attribute in element.attributes.iter().filter(|a| a.ns.as_deref() == Some(XSI_NS)) {
        let refused = match (attribute.local.as_str(), &attribute.type_name) {
            ("nil", _) => format!("attribute 'nil' is not allowed on <{}>: the element is not nillable", element.local),
            ("type", Some(TypeName::Resolved { ns, local })) if ns.as_deref() == Some(envelope_ns) && *local == element.local => continue,
            ("type", _) => format!(
                "xsi:type '{}' on <{}> names a type other than its own, {{{envelope_ns}}}{}",
                attribute.value, element.local, element.local
            ),
            _ => continue,
        };
        return Err(envelope_problem(element, refused));
    }
    Ok(())
}

/// Checks the envelope against the version the Content-Type announced and returns the one
/// operation element in its Body, with the spelling to answer in.
pub fn open(root: &Element, version: Version) -> Result<(&Element, Spelling), EnvelopeError> {
    let envelope_ns = match (version, root.ns.as_deref()) {
        (Version::Soap11, Some(SOAP11_NS)) => SOAP11_NS,
        (Version::Soap11, Some(SOAP11_NS_HTTPS)) => SOAP11_NS_HTTPS,
        (Version::Soap12, Some(SOAP12_NS)) => SOAP12_NS,
        (_, ns) if root.local == "Envelope" => {
            let expected = match version {
                Version::Soap11 => format!("'{SOAP11_NS}' (SOAP 1.1, Content-Type text/xml)"),
                Version::Soap12 => format!("'{SOAP12_NS}' (SOAP 1.2, Content-Type application/soap+xml)"),
            };
            return Err(EnvelopeError::VersionMismatch(format!(
                "the Envelope is in namespace '{}'; expected {expected}",
                ns.unwrap_or("")
            )));
        }
        _ => return Err(envelope_problem(root, format!("the document element is <{}>; a SOAP <Envelope> is expected", root.local)).into()),
    };
    check_envelope_element(root, envelope_ns)?;
    let mut children = root.children.iter();
    let mut next = children.next();
    if let Some(header) = next.filter(|e| e.is(envelope_ns, "Header")) {
        check_envelope_element(header, envelope_ns)?;
        check_headers(header, envelope_ns, version)?;
        next = children.next();
    }
    let body = match next {
        Some(body) if body.is(envelope_ns, "Body") => body,
        Some(other) => {
            return Err(
                envelope_problem(other, format!("unexpected <{}> in <Envelope>; <Header> or <Body> is expected", other.local)).into()
            );
        }
        None => return Err(envelope_problem(root, "the Envelope has no <Body>".into()).into()),
    };
    if let Some(extra) = children.next() {
        return Err(envelope_problem(extra, format!("unexpected <{}> after <Body>", extra.local)).into());
    }
    check_envelope_element(body, envelope_ns)?;
    let operation = match body.children.as_slice() {
        [operation] => operation,
        [] => {
            return Err(envelope_problem(
                body,
                "the Body is empty; it must hold one request element such as <GetEnrollmentsRequest>".into(),
            )
            .into());
        }
        [_, second, ..] => {
            return Err(envelope_problem(
                second,
                format!("the Body holds more than one element (second: <{}>); send one request per call", second.local),
            )
            .into());
        }
    };
    let api = api_spelling(operation).unwrap_or(API_NS);
    Ok((operation, Spelling { version, envelope: envelope_ns, api }))
}

/// No header block is understood, so one that must be understood by us is a fault.
fn check_headers(header: &Element, envelope_ns: &str, version: Version) -> Result<(), EnvelopeError> {
    for block in &header.children {
        let must = block.attribute(envelope_ns, "mustUnderstand").map(|value| value.trim_matches(is_xml_space));
        let demanded = match version {
            Version::Soap11 => must == Some("1"),
            Version::Soap12 => matches!(must, Some("1" | "true")),
        };
        let targets_us = match version {
            Version::Soap11 => block.attribute(envelope_ns, "actor").is_none_or(|a| a == "http://schemas.xmlsoap.org/soap/actor/next"),
            Version::Soap12 => block.attribute(envelope_ns, "role").is_none_or(|r| {
                r == "http://www.w3.org/2003/05/soap-envelope/role/next"
                    || r == "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
            }),
        };
        if demanded && targets_us {
            return Err(EnvelopeError::MustUnderstand(format!(
                "header block {{{}}}{} is marked mustUnderstand but this server processes no header blocks",
                block.ns.as_deref().unwrap_or(""),
                block.local
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faces::soap::xml::{Limits, parse};

    fn opened(envelope_attributes: &str, body_attributes: &str, header: &str) -> Result<(), EnvelopeError> {
        let xml = format!(
            r#"<s:Envelope xmlns:s="{SOAP11_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" {envelope_attributes}>{header}<s:Body {body_attributes}><GetGroupsRequest xmlns="{API_NS}"/></s:Body></s:Envelope>"#
        );
        let root = parse(xml.as_bytes(), &Limits::default()).unwrap();
        open(&root, Version::Soap11).map(|_| ())
    }

    fn refused(result: Result<(), EnvelopeError>) -> String {
        match result {
            Err(EnvelopeError::Bad(problem)) if problem.kind == ProblemKind::Envelope => problem.message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn envelope_elements_hold_elements_and_xml_whitespace_only() {
        assert!(opened("", "", "<s:Header> \t\r\n</s:Header>").is_ok());
        assert!(refused(opened("", "", "<s:Header>\u{2028}</s:Header>")).contains("U+2028"));
        assert!(refused(opened("", "", "<s:Header>words</s:Header>")).contains("'words'"));
    }

    #[test]
    fn xsi_attributes_on_envelope_elements_follow_xml_schema() {
        assert!(opened(r#"xsi:schemaLocation="a b""#, r#"xsi:noNamespaceSchemaLocation="c" s:encodingStyle="e""#, "").is_ok());
        assert!(opened(r#"xsi:type="s:Envelope""#, r#"xsi:type="s:Body""#, "").is_ok(), "each element's own type");
        assert!(refused(opened("", r#"xsi:type="s:Envelope""#, "")).contains("other than its own"));
        assert!(refused(opened(r#"xsi:nil="false""#, "", "")).contains("not nillable"));
        assert!(refused(opened("", "", r#"<s:Header xsi:type="q:Header"/>"#)).contains("xsi:type"));
    }
}
