//! Pages for people: the landing page at `/`, the answer to unknown paths, and the layout the
//! faces' own help pages share. Browsers (which ask for `text/html`) get HTML; every other client
//! gets the same list as plain text. Pages load nothing from elsewhere: styles and scripts are
//! inline, so they work on a machine without internet.

use std::fmt::Write as _;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// One thing a face serves, as the landing page lists it.
pub struct Link {
    /// `POST`, `GET`, …; `None` for a page to open in a browser.
    pub method: Option<&'static str>,
    pub path: &'static str,
    pub what: &'static str,
}

/// A face (or a group of routes) and what it serves.
pub struct Section {
    pub title: &'static str,
    pub summary: &'static str,
    pub links: &'static [Link],
}

const fn page(path: &'static str, what: &'static str) -> Link {
    Link { method: None, path, what }
}

const fn route(method: &'static str, path: &'static str, what: &'static str) -> Link {
    Link { method: Some(method), path, what }
}

/// Everything this server serves: the landing page, the answer to unknown paths and the startup
/// banner all print this one list.
pub const DIRECTORY: &[Section] = &[
    Section {
        title: "iSpring Learn SOAP API",
        summary: "The 30 operations of iSpring Learn's SOAP API, SOAP 1.1 (text/xml) and 1.2 (application/soap+xml).",
        links: &[
            route("POST", "/api/v2/soap/2.0", "SOAP endpoint (also at /soap)"),
            page("/api/v2/soap/2.0", "service page: every operation, a sample request and a form to try it"),
            route("GET", "/api/v2/soap/2.0?wsdl", "WSDL, schema inlined"),
            route("GET", "/api/v2/soap/2.0?xsd", "XML Schema"),
        ],
    },
    Section {
        title: "JSON API",
        summary: "The same operations, and classes and class enrollments, as JSON over HTTP, with Authorization: Bearer <token>.",
        links: &[
            route("GET", "/api/v1/enrollments", "for example; every route is in the OpenAPI document"),
            route("GET", "/api/v1/class-enrollments", "class enrollments: the Skillable face's records, in this API's words"),
            route("GET", "/api/v1/openapi.json", "OpenAPI 3.1 document"),
            page("/api/v1/docs/", "API reference: every operation, with a form to try it"),
        ],
    },
    Section {
        title: "Skillable TMS API",
        summary: "Class enrollments, classes and users as Skillable TMS serves them, with the header api_key; every answer is HTTP 200 with Status.",
        links: &[
            route("GET", "/GetClassEnrollment/{id}", "one class enrollment (every route also under /skillable)"),
            route("GET", "/SearchClassEnrollments", "class enrollments, 0-based pages, sorted and filtered"),
            route("GET", "/SearchClasses", "classes: scheduled offerings of courses"),
            route("GET", "/skillable/openapi.json", "OpenAPI 3.1 document of this face"),
        ],
    },
    Section {
        title: "Rhythm Certifications API",
        summary: "Course registrations as Rhythm Software serves them, with the key in Authorization; errors are {\"message\"} in Rhythm's words.",
        links: &[
            route("GET", "/courseRegistrations/{tenantId}/{id}", "one course registration (every route also under /rhythm)"),
            route("GET", "/courseRegistrations/{tenantId}/student/{student_id}", "a student's registrations, in keyset pages"),
            route("POST", "/courseRegistrations/{tenantId}/search", "registrations matching criteria and ranges"),
            route("GET", "/rhythm/openapi.json", "OpenAPI 3.1 document of this face"),
        ],
    },
    Section {
        title: "Academy Of Mine LMS API",
        summary: "Course enrollments, progress and portals as Academy Of Mine serves them, with a token in Authorization: Bearer; errors as Laravel answers them.",
        links: &[
            route("GET", "/api/courses/enrolled-learners", "a course's learners with totals by status (every route also under /aom)"),
            route(
                "POST",
                "/api/courses/{id}/enrollments",
                "enroll learners; remove, reset, revoke, grant, expiry and certificate under it",
            ),
            route("GET", "/api/course-registrations/{id}/progress", "one enrollment's progress through the modules"),
            route("GET", "/api/portals/details", "a portal: seats, sub-portals, catalog"),
            route("GET", "/aom/openapi.json", "OpenAPI 3.1 document of this face"),
        ],
    },
    Section {
        title: "SCIM 2.0 provisioning",
        summary: "Users (with the enterprise extension) and groups for identity providers and HR platforms, with a SCIM token as Authorization: Bearer.",
        links: &[
            route("GET", "/scim/v2/Users", "users: filters, sorting, paging, attributes; POST, PUT, PATCH and DELETE too"),
            route("GET", "/scim/v2/Groups", "groups and their members"),
            route("GET", "/scim/v2/ServiceProviderConfig", "what the service supports; also /ResourceTypes and /Schemas"),
        ],
    },
    Section {
        title: "Keepnet Labs reseller API",
        summary: "Companies a reseller manages, their enrollments and training reports, with a token from /connect/token and X-KEEPNET-Company-Id.",
        links: &[
            route("POST", "/connect/token", "issues a Keepnet token (form: client_credentials, scope api1)"),
            route("POST", "/api/companies/search", "the companies a reseller manages, with their licences"),
            route(
                "POST",
                "/api/enrollments/search",
                "a company's enrollments; each has its training report under /api/training-reports/{id}",
            ),
            route("GET", "/keepnet/openapi.json", "OpenAPI 3.1 document of every route"),
        ],
    },
    Section {
        title: "Access tokens",
        summary: "OAuth2 client credentials: client_id, client_secret, grant_type=client_credentials.",
        links: &[route("POST", "/api/v3/token", "issues a token for the SOAP and JSON APIs")],
    },
    Section {
        title: "Operating",
        summary: "For load balancers and monitoring.",
        links: &[
            route("GET", "/healthz", "the process is up"),
            route("GET", "/readyz", "the database answers"),
            route("GET", "/metrics", "Prometheus metrics"),
        ],
    },
];

/// Whether the client asked for HTML (a browser does; curl and SOAP clients do not).
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| media.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("text/html")))
}

/// Text as HTML content or attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #dde2ea; --accent: #1f5fbf; --bg: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #14233c; color: #fff; padding: 18px 32px; }
header a { color: #fff; text-decoration: none; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; color: #c7d2e4; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 18px; }
h2 { font-size: 18px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.summary { margin: 0 0 10px; color: var(--muted); }
a { color: var(--accent); }
code, pre, textarea, input { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: 5px 8px; border-top: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
.method { display: inline-block; min-width: 46px; font-weight: 700; font-size: 12px; color: #0b6b3a; }
pre { background: #0f1726; color: #e6edf7; padding: 12px 14px; border-radius: 6px; overflow: auto; white-space: pre; }
textarea { width: 100%; min-height: 280px; padding: 10px; border: 1px solid var(--line); border-radius: 6px; }
input[type=text] { width: 100%; padding: 7px 9px; border: 1px solid var(--line); border-radius: 6px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 8px 18px; font-size: 14px; cursor: pointer; }
.fault { border-left: 4px solid #c0392b; background: #fdf1f0; padding: 8px 12px; margin: 8px 0; }
.ok { color: #0b6b3a; font-weight: 700; } .bad { color: #c0392b; font-weight: 700; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 13px; padding: 0 32px 24px; text-align: center; }
"#;

/// The pages' icon, inline: a browser asks for nothing more.
const ICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%2314233c'/%3E%3Cpath d='M4 4v8h7' stroke='%23fff' stroke-width='2' fill='none'/%3E%3C/svg%3E";

/// A whole page: `title`, the header's subtitle, and `body` (HTML).
pub fn layout(title: &str, subtitle: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"{ICON}\"><style>{STYLE}</style></head><body>\
         <header><h1><a href=\"/\">lmsbridge</a></h1><p>{subtitle}</p></header><main>{body}</main>\
         <footer>lmsbridge {version}</footer></body></html>\n",
        title = escape(title),
        subtitle = escape(subtitle),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// An HTML answer, never cached (pages show what this server serves now).
pub fn html(status: actix_web::http::StatusCode, page: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Pages run only their own inline script and talk only to this server.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
        ))
        .body(page)
}

fn directory_html() -> String {
    let mut body = String::new();
    for section in DIRECTORY {
        let _ = write!(
            body,
            "<section class=\"face\"><h2>{}</h2><p class=\"summary\">{}</p><table>",
            escape(section.title),
            escape(section.summary)
        );
        for link in section.links {
            let target = match link.method {
                None => format!("<span class=\"method\">PAGE</span> <a href=\"{0}\">{0}</a>", escape(link.path)),
                Some("GET") if !link.path.contains('{') => {
                    format!("<span class=\"method\">GET</span> <a href=\"{0}\"><code>{0}</code></a>", escape(link.path))
                }
                Some(method) => format!("<span class=\"method\">{method}</span> <code>{}</code>", escape(link.path)),
            };
            let _ = write!(body, "<tr><td style=\"width:48%\">{target}</td><td>{}</td></tr>", escape(link.what));
        }
        body.push_str("</table></section>");
    }
    body
}

/// The directory as plain text, one line a link.
pub fn directory_text() -> String {
    let mut text = String::new();
    for section in DIRECTORY {
        let _ = writeln!(text, "{}: {}", section.title, section.summary);
        for link in section.links {
            let method = link.method.unwrap_or("PAGE");
            let _ = writeln!(text, "  {method:<5} {:<26} {}", link.path, link.what);
        }
    }
    text
}

const INTRO: &str = "A server that speaks the APIs of learning-management systems: software written against them works against it unchanged. One service layer and one SQL database behind every face.";

/// `GET /`.
pub async fn landing(req: HttpRequest) -> HttpResponse {
    if wants_html(&req) {
        let body = format!("<p>{}</p>{}", escape(INTRO), directory_html());
        html(actix_web::http::StatusCode::OK, layout("lmsbridge", &format!("version {}", env!("CARGO_PKG_VERSION")), &body))
    } else {
        HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(format!(
            "lmsbridge {}\n{INTRO}\n\n{}",
            env!("CARGO_PKG_VERSION"),
            directory_text()
        ))
    }
}

/// Any path nothing else answers.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let status = actix_web::http::StatusCode::NOT_FOUND;
    if wants_html(&req) {
        let body = format!(
            "<section><h2>Nothing at <code>{}</code></h2><p>This server serves:</p></section>{}",
            escape(req.path()),
            directory_html()
        );
        html(status, layout("Not found · lmsbridge", "Not found", &body))
    } else {
        HttpResponse::build(status).content_type("text/plain; charset=utf-8").body(format!(
            "not found: {}\nlmsbridge {} serves:\n{}",
            req.path(),
            env!("CARGO_PKG_VERSION"),
            directory_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_names_every_face_and_operating_route() {
        let text = directory_text();
        for path in
            ["/api/v2/soap/2.0", "?wsdl", "/api/v1/openapi.json", "/api/v1/docs/", "/api/v3/token", "/healthz", "/readyz", "/metrics"]
        {
            assert!(text.contains(path), "{path} in\n{text}");
        }
    }

    #[test]
    fn html_is_asked_for_by_media_type_not_by_substring() {
        let browser = actix_web::test::TestRequest::get()
            .insert_header(("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
            .to_http_request();
        assert!(wants_html(&browser));
        let curl = actix_web::test::TestRequest::get().insert_header(("Accept", "*/*")).to_http_request();
        assert!(!wants_html(&curl));
        assert!(!wants_html(&actix_web::test::TestRequest::get().to_http_request()));
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
