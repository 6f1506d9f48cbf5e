//! Building SOAP requests and reading responses in tests.

use std::collections::BTreeMap;

use lmsbridge::faces::soap::xml::{Element, Limits, parse};

pub const API: &str = "http://ispringlearn.com/go/services/api/soap";
pub const API_HTTPS: &str = "https://ispringlearn.com/go/services/api/soap";
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// A SOAP 1.1 envelope (prefix `soap`, API namespace as the default) around `body`.
pub fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP11}" xmlns="{API}"><soap:Body>{body}</soap:Body></soap:Envelope>"#
    )
}

pub fn ids(wrapper: &str, ids: &[&str]) -> String {
    let inner: String = ids.iter().map(|id| format!("<id>{id}</id>")).collect();
    format!("<{wrapper}>{inner}</{wrapper}>")
}

pub fn get_enrollments(token: &str, courses: Option<&[&str]>, learners: Option<&[&str]>) -> String {
    let courses = courses.map(|c| ids("courseIds", c)).unwrap_or_default();
    let learners = learners.map(|l| ids("learnerIds", l)).unwrap_or_default();
    envelope(&format!(
        "<GetEnrollmentsRequest><credentials><token>{token}</token></credentials>{courses}{learners}</GetEnrollmentsRequest>"
    ))
}

fn document(xml: &str) -> Element {
    parse(xml.as_bytes(), &Limits { max_elements: usize::MAX, max_children: usize::MAX, ..Limits::default() })
        .unwrap_or_else(|e| panic!("response is not well-formed XML: {e:?}\n{xml}"))
}

/// The single element in the Body.
pub fn body_child(xml: &str) -> Element {
    let root = document(xml);
    assert_eq!(root.local, "Envelope", "{xml}");
    let body = root.children.iter().find(|c| c.local == "Body").expect("a Body");
    assert_eq!(body.children.len(), 1, "{xml}");
    body.children[0].clone()
}

/// One `<enrollment>`: child name -> text; the certificate's children appear as `certificate/<name>`.
pub type Fields = BTreeMap<String, String>;

pub fn enrollments(xml: &str) -> Vec<Fields> {
    let result = body_child(xml);
    assert_eq!(result.local, "GetEnrollmentsResult", "{xml}");
    let ns = result.ns.clone();
    assert!(ns.as_deref() == Some(API) || ns.as_deref() == Some(API_HTTPS), "{ns:?}");
    result
        .children
        .iter()
        .map(|enrollment| {
            assert_eq!(enrollment.local, "enrollment");
            let mut fields = Fields::new();
            for child in &enrollment.children {
                assert_eq!(child.ns, ns, "children are qualified");
                if child.local == "certificate" {
                    for c in &child.children {
                        fields.insert(format!("certificate/{}", c.local), c.text.clone());
                    }
                } else {
                    fields.insert(child.local.clone(), child.text.clone());
                }
            }
            fields
        })
        .collect()
}

/// The enrollment ids of a GetEnrollmentsResult, sorted.
pub fn enrollment_ids(xml: &str) -> Vec<String> {
    let mut ids: Vec<_> = enrollments(xml).into_iter().map(|e| e["enrollmentId"].clone()).collect();
    ids.sort();
    ids
}

pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub code: String,
    pub string: String,
    pub detail_code: String,
    pub message: String,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub request_id: String,
}

/// Reads a SOAP 1.1 or 1.2 fault.
pub fn fault(xml: &str) -> Fault {
    let fault = body_child(xml);
    assert_eq!(fault.local, "Fault", "expected a fault:\n{xml}");
    let text = |e: &Element, name: &str| e.children.iter().find(|c| c.local == name).map(|c| c.text.clone());
    let (code, string, detail) = if fault.ns.as_deref() == Some(SOAP12) {
        let code = fault.children.iter().find(|c| c.local == "Code").and_then(|c| text(c, "Value")).unwrap_or_default();
        let reason = fault.children.iter().find(|c| c.local == "Reason").and_then(|r| text(r, "Text")).unwrap_or_default();
        (code, reason, fault.children.iter().find(|c| c.local == "Detail").cloned())
    } else {
        (
            text(&fault, "faultcode").unwrap_or_default(),
            text(&fault, "faultstring").unwrap_or_default(),
            fault.children.iter().find(|c| c.local == "detail").cloned(),
        )
    };
    let detail = detail.and_then(|d| d.children.first().cloned()).expect("fault detail");
    assert_eq!(detail.local, "faultDetail");
    Fault {
        code,
        string,
        detail_code: text(&detail, "code").unwrap_or_default(),
        message: text(&detail, "message").unwrap_or_default(),
        path: text(&detail, "path"),
        line: text(&detail, "line").map(|l| l.parse().unwrap()),
        column: text(&detail, "column").map(|c| c.parse().unwrap()),
        request_id: text(&detail, "requestId").unwrap_or_default(),
    }
}

/// `<{op}Request>` with token credentials and `inner`, in a SOAP 1.1 envelope.
pub fn request(op: &str, token: &str, inner: &str) -> String {
    envelope(&format!("<{op}Request><credentials><token>{token}</token></credentials>{inner}</{op}Request>"))
}

/// The text of the first descendant named `name`, searching depth-first.
pub fn find_text(element: &Element, name: &str) -> Option<String> {
    if element.local == name {
        return Some(element.text.clone());
    }
    element.children.iter().find_map(|c| find_text(c, name))
}

/// The texts of every descendant named `name`, in document order.
pub fn all_texts(element: &Element, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(e: &Element, name: &str, out: &mut Vec<String>) {
        if e.local == name {
            out.push(e.text.clone());
        }
        for c in &e.children {
            walk(c, name, out);
        }
    }
    walk(element, name, &mut out);
    out
}

/// The children named `name` of `element`.
pub fn children<'e>(element: &'e Element, name: &str) -> Vec<&'e Element> {
    element.children.iter().filter(|c| c.local == name).collect()
}
