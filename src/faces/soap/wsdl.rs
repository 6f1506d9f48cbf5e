//! Serves the bundled WSDL (`GET …?wsdl`) with the schema inlined and `soap:address` set from the
//! request's host, and the schema itself (`GET …?xsd`).

use actix_web::{HttpRequest, HttpResponse};

const TEMPLATE: &str = include_str!("../../../wsdl/ispring.wsdl");
pub const SCHEMA: &str = include_str!("../../../schemas/ispring.xsd");
/// The address the committed WSDL carries; replaced per request.
const TEMPLATE_ADDRESS: &str = "http://localhost:8080/api/v2/soap/2.0";
const INLINE_BEGIN: &str = "<!-- inline:begin -->";
const INLINE_END: &str = "<!-- inline:end -->";

/// The served WSDL, split where the endpoint address goes.
pub struct Wsdl {
    parts: Vec<String>,
}

impl Default for Wsdl {
    fn default() -> Self {
        Self::new()
    }
}

impl Wsdl {
    pub fn new() -> Self {
        let begin = TEMPLATE.find(INLINE_BEGIN).expect("the WSDL marks where the schema is inlined");
        let end = TEMPLATE.find(INLINE_END).expect("the WSDL marks where the inlined schema ends") + INLINE_END.len();
        let schema = SCHEMA.split_once("?>").map_or(SCHEMA, |(_, rest)| rest).trim();
        let document = format!("{}{}{}", &TEMPLATE[..begin], schema, &TEMPLATE[end..]);
        Wsdl { parts: document.split(TEMPLATE_ADDRESS).map(str::to_string).collect() }
    }

    /// The WSDL with every `soap:address` pointing at `address`.
    pub fn render(&self, address: &str) -> String {
        self.parts.join(address)
    }
}

/// The endpoint address as the caller reached it. The Host header is the caller's to choose, so
/// only a plain host[:port] is echoed into the document.
fn address(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let scheme = if info.scheme() == "https" { "https" } else { "http" };
    let host = info.host();
    let safe = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    let host = if safe { host.to_string() } else { "localhost".to_string() };
    format!("{scheme}://{host}{}", req.path())
}

/// The WSDL, made once.
static WSDL: std::sync::LazyLock<Wsdl> = std::sync::LazyLock::new(Wsdl::new);

/// `GET` on the endpoint: `?wsdl`, `?xsd`, a browser's service page, or 405 for other clients.
pub async fn get(req: HttpRequest) -> HttpResponse {
    use crate::metrics::Outcome;
    let query = req.query_string().to_ascii_lowercase();
    let asks = |what: &str| query.split('&').any(|p| p == what || p.starts_with(&format!("{what}=")));
    let (operation, response) = if asks("wsdl") {
        ("wsdl", HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(WSDL.render(&address(&req))))
    } else if asks("xsd") {
        ("xsd", HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(SCHEMA))
    } else if crate::pages::wants_html(&req) {
        ("service_page", super::help::page(&req))
    } else {
        super::observe(&req, "get", Outcome::ClientFault, Some("METHOD_NOT_ALLOWED"));
        return HttpResponse::MethodNotAllowed().insert_header(("Allow", "POST")).content_type("text/plain; charset=utf-8").body(format!(
            "POST SOAP requests here; GET {0}?wsdl returns the WSDL; a browser opening {0} sees the service page.\n",
            req.path()
        ));
    };
    super::observe(&req, operation, Outcome::Success, None);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_wsdl_inlines_the_schema_and_sets_every_address() {
        let wsdl = Wsdl::new().render("http://example.test:9/soap");
        assert!(!wsdl.contains(INLINE_BEGIN) && !wsdl.contains("schemaLocation"));
        assert!(wsdl.contains(r#"name="GetEnrollmentsRequest""#));
        assert!(!wsdl.contains(TEMPLATE_ADDRESS));
        assert!(wsdl.matches("http://example.test:9/soap").count() >= 2, "both ports get the address");
    }

    #[test]
    fn the_wsdl_the_schema_and_the_dispatch_table_name_the_same_operations() {
        let wsdl = Wsdl::new().render("http://x");
        for request in crate::faces::soap::operations::OPERATIONS.iter().map(|op| op.request) {
            let operation = request.strip_suffix("Request").unwrap();
            assert!(SCHEMA.contains(&format!(r#"<xsd:element name="{request}">"#)), "{request} in the schema");
            assert_eq!(
                wsdl.matches(&format!(r#"<wsdl:operation name="{operation}">"#)).count(),
                3,
                "{operation}: portType and both bindings"
            );
            assert!(wsdl.contains(&format!(r#"element="tns:{request}""#)), "{operation} input message");
        }
        assert_eq!(
            SCHEMA.matches("Request\">").count(),
            crate::faces::soap::operations::OPERATIONS.len(),
            "no request element without a decoder"
        );
        assert_eq!(wsdl.matches("<wsdl:operation name=").count(), 3 * crate::faces::soap::operations::OPERATIONS.len());
    }
}
