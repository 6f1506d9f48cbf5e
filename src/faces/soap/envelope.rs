//! The SOAP envelope: versions, namespace spellings, and finding the operation element.

use super::xml::Element;
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
    if !root.text.trim().is_empty() {
        return Err(envelope_problem(root, "text is not allowed directly inside <Envelope>".into()).into());
    }
    let mut children = root.children.iter();
    let mut next = children.next();
    if let Some(header) = next.filter(|e| e.is(envelope_ns, "Header")) {
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
    if !body.text.trim().is_empty() {
        return Err(envelope_problem(body, "text is not allowed directly inside <Body>".into()).into());
    }
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
        let must = block.attribute(envelope_ns, "mustUnderstand").map(str::trim);
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
