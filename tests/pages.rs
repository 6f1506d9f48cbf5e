//! The pages for people, as HTTP sees them (tests/browser.rs drives them in a real browser): the
//! landing page and the 404 answer list every face in HTML for browsers and in plain text for
//! everyone else; the SOAP endpoint serves its service pages to browsers only; the JSON API's
//! reference is served from files built into the binary.

mod common;

use common::{Backend, TestApp, spawn_app};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn browse(app: &TestApp, path: &str) -> common::Reply {
    let response = app.client.get(format!("{}{path}", app.base_url)).header("Accept", BROWSER).send().await.unwrap();
    common::Reply::read(response).await
}

/// Every face's entry points, as the landing page and the 404 answer list them.
const LISTED: [&str; 9] = [
    "/api/v2/soap/2.0",
    "/api/v2/soap/2.0?wsdl",
    "/api/v2/soap/2.0?xsd",
    "/api/v1/openapi.json",
    "/api/v1/docs/",
    "/api/v3/token",
    "/healthz",
    "/readyz",
    "/metrics",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landing_page_and_unknown_paths_list_every_face() {
    let app = spawn_app(Backend::Sqlite).await;
    let plain = app.get("/").await;
    assert_eq!((plain.status, plain.content_type.as_str()), (200, "text/plain; charset=utf-8"));
    assert!(plain.body.starts_with(&format!("lmsbridge {}", env!("CARGO_PKG_VERSION"))), "{}", plain.body);
    let html = browse(&app, "/").await;
    assert_eq!((html.status, html.content_type.as_str()), (200, "text/html; charset=utf-8"));
    assert!(html.headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    for path in LISTED {
        assert!(plain.body.contains(path), "{path} on the landing page:\n{}", plain.body);
        assert!(html.body.contains(&path.replace('&', "&amp;")), "{path} on the HTML landing page");
    }

    // Load balancers and uptime checks ask with HEAD.
    for path in ["/", "/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
        let head = app.client.head(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
    }

    let missing = app.get("/api/v9/nothing").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.starts_with("not found: /api/v9/nothing"), "{}", missing.body);
    let missing_page = browse(&app, "/nothing/<script>").await;
    assert_eq!((missing_page.status, missing_page.content_type.as_str()), (404, "text/html; charset=utf-8"));
    assert!(!missing_page.body.contains("<script>"), "the path is escaped");
    for path in LISTED {
        assert!(missing.body.contains(path), "{path} in the 404 answer:\n{}", missing.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_soap_endpoint_serves_service_pages_to_browsers_only() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(app.get("/api/v2/soap/2.0").await.status, 405, "a GET that is not from a browser");
    for endpoint in ["/api/v2/soap/2.0", "/soap"] {
        let page = browse(&app, endpoint).await;
        assert_eq!(page.status, 200);
        for request in lmsbridge::faces::soap::operations::OPERATIONS.iter().map(|op| op.request) {
            let name = request.strip_suffix("Request").unwrap();
            assert!(page.body.contains(&format!("href=\"{endpoint}?op={name}\"")), "{name} listed at {endpoint}");
        }
    }
    let operation = browse(&app, "/api/v2/soap/2.0?op=EnrollLearnersInCourses").await;
    assert_eq!(operation.status, 200);
    for expected in [
        "<textarea id=\"envelope\"",
        "&lt;EnrollLearnersInCoursesRequest&gt;",
        "&lt;dueDateType&gt;unlimited&lt;/dueDateType&gt;",
        "id=\"send\"",
        "<code>due_period</code>",
    ] {
        assert!(operation.body.contains(expected), "{expected} on the operation page");
    }
    let unknown = browse(&app, "/api/v2/soap/2.0?op=%3Cb%3EDropTables").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("&lt;b&gt;DropTables") && unknown.body.contains("?op=GetEnrollments"));
    // The WSDL and the schema are still what ?wsdl and ?xsd give a browser.
    assert!(browse(&app, "/api/v2/soap/2.0?wsdl").await.body.contains("<wsdl:definitions"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_api_reference_is_served_from_the_binary() {
    let app = spawn_app(Backend::Sqlite).await;
    let redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = redirect.get(format!("{}/api/v1/docs", app.base_url)).send().await.unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], "/api/v1/docs/");
    let index = browse(&app, "/api/v1/docs/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("swagger-ui-bundle.js") && !index.body.contains("http"), "everything from this server:\n{}", index.body);
    let initializer = app.get("/api/v1/docs/swagger-initializer.js").await;
    assert!(
        initializer.body.contains("\"url\": \"/api/v1/openapi.json\"") && initializer.body.contains("\"validatorUrl\": \"none\""),
        "{}",
        initializer.body
    );
    let bundle = app.get("/api/v1/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.body.len() > 500_000);
}
