//! The SOAP protocol around the operations: contract violations named precisely, envelope rules,
//! SOAP 1.2, content types, hostile input, the WSDL.

mod common;

use common::fixture::*;
use common::soap::{self, SOAP12, enrollment_ids, envelope, get_enrollments, sorted};
use common::{Backend, TestApp, assert_schema_valid, spawn_app};

async fn fault_of(app: &TestApp, body: String) -> soap::Fault {
    let reply = app.soap(body).await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert_schema_valid(&reply.body);
    soap::fault(&reply.body)
}

fn request(token: &str, rest: &str) -> String {
    envelope(&format!("<GetEnrollmentsRequest><credentials><token>{token}</token></credentials>{rest}</GetEnrollmentsRequest>"))
}

async fn contract_violations_name_the_element_and_the_rule(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let cases: Vec<(String, &str, &str, &str)> = vec![
        // (request, detail code, path, words the message must hold)
        (
            request(&t, "<learnerIds><id>a</id></learnerIds><courseIds><id>b</id></courseIds>"),
            "TAG_MISMATCH",
            "GetEnrollmentsRequest/courseIds",
            "courseIds",
        ),
        (
            request(&t, "<courseIds><id>a</id></courseIds><courseIds><id>b</id></courseIds>"),
            "OCCURS",
            "GetEnrollmentsRequest/courseIds",
            "courseIds",
        ),
        (request(&t, "<courseIds><id></id></courseIds>"), "LENGTH", "GetEnrollmentsRequest/courseIds/id[1]", "1 to 255"),
        (request(&t, "<courseIds><id>a</id><id>   </id></courseIds>"), "LENGTH", "GetEnrollmentsRequest/courseIds/id[2]", "got 0"),
        (
            request(&t, &format!("<courseIds><id>{}</id></courseIds>", "x".repeat(256))),
            "LENGTH",
            "GetEnrollmentsRequest/courseIds/id[1]",
            "got 256",
        ),
        (request(&t, "<courseIds><ident>a</ident></courseIds>"), "TAG_MISMATCH", "GetEnrollmentsRequest/courseIds/ident", "ident"),
        (request(&t, "<courseIds>abc</courseIds>"), "TYPE", "GetEnrollmentsRequest/courseIds", "text"),
        (
            request(&t, "<courseIds><id><id>a</id></id></courseIds>"),
            "TAG_MISMATCH",
            "GetEnrollmentsRequest/courseIds/id[1]",
            "holds a value",
        ),
        (request(&t, "<pageSize>10</pageSize>"), "TAG_MISMATCH", "GetEnrollmentsRequest/pageSize", "pageSize"),
        (request(&t, r#"<courseIds xmlns=""><id>a</id></courseIds>"#), "TAG_MISMATCH", "GetEnrollmentsRequest/courseIds", "namespace"),
        (
            request(&t, r#"<courseIds color="red"><id>a</id></courseIds>"#),
            "TAG_MISMATCH",
            "GetEnrollmentsRequest/courseIds",
            "attribute 'color'",
        ),
        (
            envelope("<GetEnrollmentsRequest><credentials></credentials></GetEnrollmentsRequest>"),
            "REQUIRED",
            "GetEnrollmentsRequest/credentials/token",
            "<token> or <accountUrl>",
        ),
        (
            envelope("<GetEnrollmentsRequest><credentials><token></token></credentials></GetEnrollmentsRequest>"),
            "LENGTH",
            "GetEnrollmentsRequest/credentials/token",
            "token",
        ),
        (
            envelope(
                "<GetEnrollmentsRequest><credentials><accountUrl>u</accountUrl><email>e</email></credentials></GetEnrollmentsRequest>",
            ),
            "REQUIRED",
            "GetEnrollmentsRequest/credentials/password",
            "password",
        ),
        (
            envelope(&format!(
                "<GetEnrollmentsRequest><credentials><token>{t}</token><token>{t}</token></credentials></GetEnrollmentsRequest>"
            )),
            "OCCURS",
            "GetEnrollmentsRequest/credentials/token",
            "token",
        ),
        (envelope("<GetEnrollmentRequests/>"), "UNKNOWN_OPERATION", "GetEnrollmentRequests", "GetEnrollmentsRequest"),
        (envelope(r#"<GetEnrollmentsRequest xmlns="urn:elsewhere"/>"#), "UNKNOWN_OPERATION", "GetEnrollmentsRequest", "urn:elsewhere"),
    ];
    for (body, code, path, words) in cases {
        let f = fault_of(&app, body.clone()).await;
        assert_eq!((f.code.as_str(), f.string.as_str()), ("SOAP-ENV:Client", "Wrong parameters"), "{body}");
        assert_eq!(f.detail_code, code, "{body}: {}", f.message);
        assert_eq!(f.path.as_deref(), Some(path), "{body}: {}", f.message);
        assert!(f.message.contains(words), "{body}: '{}' lacks '{words}'", f.message);
        assert!(f.line.is_some() && f.column.is_some(), "{body}");
    }
}

async fn whitespace_comments_and_cdata_are_plain_xml(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let body = request(
        t,
        &format!("\n  <!-- a comment -->\n  <learnerIds>\n    <id>\n      {SALES_LEARNER}\n    </id>\n    <id><![CDATA[{ENG_LEARNER}]]></id>\n  </learnerIds>\n"),
    )
    .replace(&format!("<token>{t}</token>"), &format!("<token>\n   {t}\n</token>"));
    let reply = app.soap(body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(enrollment_ids(&reply.body), sorted(&[E_PLAIN, E_DUE, E_CERT, E_CERT_NO_EXPIRY]));
}

async fn envelope_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let op = format!("<GetEnrollmentsRequest><credentials><token>{t}</token></credentials></GetEnrollmentsRequest>");
    let env = |inside: &str| {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap">{inside}</s:Envelope>"#
        )
    };

    let cases = [
        (env(""), "ENVELOPE", "no <Body>"),
        (env("<s:Body></s:Body>"), "ENVELOPE", "Body is empty"),
        (env(&format!("<s:Body>{op}{op}</s:Body>")), "ENVELOPE", "more than one"),
        (env(&format!("<s:Body>{op}</s:Body><s:Body/>")), "ENVELOPE", "after <Body>"),
        (env(&format!("<s:Header/><s:Header/><s:Body>{op}</s:Body>")), "ENVELOPE", "unexpected <Header>"),
        (
            format!(r#"<Envelope xmlns="http://ispringlearn.com/go/services/api/soap"><Body>{op}</Body></Envelope>"#),
            "VERSION_MISMATCH",
            "namespace",
        ),
        (op.clone(), "ENVELOPE", "SOAP <Envelope>"),
        (String::new(), "MALFORMED", "empty"),
        (env(&format!("<s:Body>{op}")), "MALFORMED", "line 1"),
        (
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#.to_string(),
            "PROHIBITED",
            "DOCTYPE",
        ),
        (env(&format!("<s:Body><?evil instruction?>{op}</s:Body>")), "PROHIBITED", "processing instructions"),
        (env(&format!("<s:Body>{}</s:Body>", op.replace(t.as_str(), "&xxe;"))), "MALFORMED", "not declared"),
        (format!(r#"<?xml version="1.0" encoding="ISO-8859-1"?>{}"#, env(&format!("<s:Body>{op}</s:Body>"))), "PROHIBITED", "UTF-8"),
    ];
    for (body, code, words) in cases {
        let reply = app.soap(body.clone()).await;
        assert_eq!(reply.status, 500, "{body}\n{}", reply.body);
        assert_schema_valid(&reply.body);
        let f = soap::fault(&reply.body);
        assert_eq!(f.detail_code, code, "{body}: {}", f.message);
        assert!(f.message.contains(words), "{body}: '{}' lacks '{words}'", f.message);
        let expected_code = if code == "VERSION_MISMATCH" { "SOAP-ENV:VersionMismatch" } else { "SOAP-ENV:Client" };
        assert_eq!(f.code, expected_code, "{body}");
    }

    // A header block that must be understood cannot be; one that need not is ignored.
    let must = env(&format!(r#"<s:Header><w:Security xmlns:w="urn:x" s:mustUnderstand="1"/></s:Header><s:Body>{op}</s:Body>"#));
    let f = soap::fault(&app.soap(must).await.body);
    assert_eq!((f.code.as_str(), f.detail_code.as_str()), ("SOAP-ENV:MustUnderstand", "MUST_UNDERSTAND"));
    let optional = env(&format!(r#"<s:Header><w:Trace xmlns:w="urn:x" s:mustUnderstand="0">1</w:Trace></s:Header><s:Body>{op}</s:Body>"#));
    assert_eq!(app.soap(optional).await.status, 200);

    // A UTF-8 byte-order mark and an XML declaration are fine.
    let with_bom = format!("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", env(&format!("<s:Body>{op}</s:Body>")));
    assert_eq!(app.soap(with_bom).await.status, 200);
}

async fn limits_refuse_oversized_and_deep_requests(backend: Backend) {
    let app = common::spawn_app_with(backend, |c| {
        c.max_body_bytes = 64 * 1024;
        c.max_bulk_body_bytes = 256 * 1024;
        c.max_depth = 16;
        // Short enough to test quickly, long enough that a busy machine does not cut off the first
        // request of a new connection (the timeout covers the time to its head).
        c.read_timeout_ms = 1500;
    })
    .await;
    let t = &app.fixture.admin_token;
    let big = request(t, &format!("<courseIds>{}</courseIds>", "<id>0123456789</id>".repeat(5000)));
    let reply = app.soap(big).await;
    assert_eq!(reply.status, 413, "bodies over the limit are refused before parsing");
    assert!(soap::fault(&reply.body).message.contains("bulk enrollment"), "{}", reply.body);

    // A bulk enrollment may be larger, up to its own limit.
    let learners = |n: usize| (0..n).map(|i| format!("<id>learner-{i:06}</id>")).collect::<String>();
    let bulk = |n: usize| {
        soap::envelope(&format!(
            "<EnrollLearnersInCoursesRequest><credentials><token>{t}</token></credentials><courseIds><id>{COURSE_1}</id></courseIds><learnerIds>{}</learnerIds><dueDateType>unlimited</dueDateType></EnrollLearnersInCoursesRequest>",
            learners(n)
        ))
    };
    let reply = app.soap(bulk(5000)).await;
    assert!(reply.body.len() < 256 * 1024 && bulk(5000).len() > 64 * 1024);
    assert_eq!(soap::fault(&reply.body).string, "Unknown user", "read and decoded: {}", reply.body);
    let reply = app.soap(bulk(20_000)).await;
    assert_eq!(reply.status, 413);
    // The JSON mirror applies the same two limits.
    let ids: Vec<String> = (0..5000).map(|i| format!("learner-{i:06}")).collect();
    let json_post =
        |path: &str, body: serde_json::Value| app.client.post(format!("{}{path}", app.base_url)).bearer_auth(t).json(&body).send();
    let response =
        json_post("/api/v1/enrollments", serde_json::json!({"courseIds": [COURSE_1], "learnerIds": ids, "dueDateType": "unlimited"}))
            .await
            .unwrap();
    assert_eq!(response.status(), 404, "a large bulk body is read");
    let response = json_post("/api/v1/departments", serde_json::json!({"name": "x".repeat(100 * 1024)})).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["connection"], "close", "the unread rest of a refused body must not be taken for a request");

    let deep = envelope(&format!("<GetEnrollmentsRequest>{}{}</GetEnrollmentsRequest>", "<a>".repeat(20), "</a>".repeat(20)));
    let f = fault_of(&app, deep).await;
    assert_eq!(f.detail_code, "LIMIT");
    assert!(f.message.contains("16 levels"), "{}", f.message);

    // Headers over the limit (16 KiB by default) are refused before anything else.
    let response = app
        .client
        .post(format!("{}/api/v2/soap/2.0", app.base_url))
        .header("Content-Type", "text/xml")
        .header("X-Padding", "p".repeat(20 * 1024))
        .body(get_enrollments(t, None, None))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);
    assert_eq!(response.headers()["connection"], "close", "the unread body must not be taken for a request");

    // A client that never finishes its headers is cut off after the read timeout.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = app.base_url.trim_start_matches("http://").to_string();
        let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
        slow.write_all(b"POST /soap HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(6), slow.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "the connection was closed within the read timeout");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    }

    let wide_attributes =
        envelope(&format!("<GetEnrollmentsRequest {}/>", (0..40).map(|i| format!("a{i}='1'")).collect::<Vec<_>>().join(" ")));
    assert_eq!(fault_of(&app, wide_attributes).await.detail_code, "LIMIT");
}

async fn soap_12_is_served_with_its_own_faults(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let op = format!(
        "<GetEnrollmentsRequest><credentials><token>{t}</token></credentials><learnerIds><id>{SALES_LEARNER}</id></learnerIds></GetEnrollmentsRequest>"
    );
    let body = format!(
        r#"<env:Envelope xmlns:env="{SOAP12}" xmlns="http://ispringlearn.com/go/services/api/soap"><env:Body>{op}</env:Body></env:Envelope>"#
    );
    let reply = app.post("/api/v2/soap/2.0", "application/soap+xml; charset=utf-8", body.clone()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.content_type.starts_with("application/soap+xml"));
    assert!(reply.body.contains(SOAP12));
    assert_schema_valid(&reply.body);
    assert_eq!(enrollment_ids(&reply.body), sorted(&[E_PLAIN, E_DUE]));

    let refused = body.replace(t.as_str(), "bad-token");
    let reply = app.post("/api/v2/soap/2.0", "application/soap+xml", refused).await;
    assert_eq!(reply.status, 400, "SOAP 1.2 answers a sender fault with 400");
    assert_schema_valid(&reply.body);
    let f = soap::fault(&reply.body);
    assert_eq!((f.code.as_str(), f.string.as_str()), ("SOAP-ENV:Sender", "Authorization failed"));

    // A SOAP 1.1 envelope sent as SOAP 1.2 (and the reverse) is a version mismatch.
    let reply = app.post("/api/v2/soap/2.0", "application/soap+xml", get_enrollments(t, None, None)).await;
    assert_eq!(soap::fault(&reply.body).code, "SOAP-ENV:VersionMismatch");
    let reply = app.post("/api/v2/soap/2.0", "text/xml", body).await;
    assert_eq!(soap::fault(&reply.body).code, "SOAP-ENV:VersionMismatch");
}

async fn other_content_types_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = get_enrollments(&app.fixture.admin_token, None, None);
    let reply = app.post("/api/v2/soap/2.0", "application/x-www-form-urlencoded", body.clone()).await;
    assert_eq!(reply.status, 415);
    assert!(soap::fault(&reply.body).message.contains("text/xml"));
    let reply = app.post("/api/v2/soap/2.0", "application/json", body).await;
    assert_eq!(reply.status, 415);
}

async fn the_wsdl_is_served_with_the_callers_address(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/v2/soap/2.0", "/soap"] {
        let reply = app.get(&format!("{path}?wsdl")).await;
        assert_eq!(reply.status, 200);
        assert!(reply.content_type.starts_with("text/xml"));
        let expected = format!(r#"location="{}{path}""#, app.base_url);
        assert_eq!(reply.body.matches(&expected).count(), 2, "both ports point here: {expected}");
        assert!(reply.body.contains(r#"<xsd:element name="GetEnrollmentsRequest">"#), "schema inlined");
        let soap11 = reply.body.find("ISpringLearnSoap11Port").unwrap();
        let soap12 = reply.body.find("ISpringLearnSoap12Port").unwrap();
        assert!(soap11 < soap12, "the SOAP 1.1 port comes first");
    }
    // The Host header is echoed only when it is a plain host name.
    let reply =
        app.client.get(format!("{}/api/v2/soap/2.0?WSDL", app.base_url)).header("Host", "lms.example.com:8443").send().await.unwrap();
    assert!(reply.text().await.unwrap().contains(r#"location="http://lms.example.com:8443/api/v2/soap/2.0""#));
    let reply = app.client.get(format!("{}/api/v2/soap/2.0?wsdl", app.base_url)).header("Host", "evil\"><x").send().await.unwrap();
    let text = reply.text().await.unwrap();
    assert!(!text.contains("evil") && text.contains(r#"location="http://localhost/api/v2/soap/2.0""#));
    // The schema alone, and a hint for a plain GET.
    let xsd = app.get("/api/v2/soap/2.0?xsd").await;
    assert_eq!(xsd.body, include_str!("../schemas/ispring.xsd"));
    assert_eq!(app.get("/api/v2/soap/2.0").await.status, 405);
}

async fn the_wsdl_is_valid_for_xml_tools(backend: Backend) {
    let app = spawn_app(backend).await;
    let wsdl = app.get("/api/v2/soap/2.0?wsdl").await.body;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &wsdl).unwrap();
    // Well-formed, and its inlined schema compiles on its own.
    let out = std::process::Command::new("xmllint").arg("--noout").arg(file.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let start = wsdl.find("<xsd:schema").unwrap();
    let end = wsdl.find("</xsd:schema>").unwrap() + "</xsd:schema>".len();
    let schema = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(schema.path(), &wsdl[start..end]).unwrap();
    let sample = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        sample.path(),
        r#"<faultDetail xmlns="http://ispringlearn.com/go/services/api/soap"><code>X</code><message>m</message></faultDetail>"#,
    )
    .unwrap();
    let out = std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(schema.path()).arg(sample.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app.soap(get_enrollments("bad", None, None)).await;
    let header = reply.headers.get("x-request-id").unwrap().to_str().unwrap().to_string();
    assert_eq!(soap::fault(&reply.body).request_id, header);
    let given = app
        .client
        .post(format!("{}/soap", app.base_url))
        .header("Content-Type", "text/xml")
        .header("X-Request-Id", "trace-42")
        .body(get_enrollments("bad", None, None))
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "trace-42");
    assert!(given.text().await.unwrap().contains("<ns1:requestId>trace-42</ns1:requestId>"));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

async fn post_encoded(app: &TestApp, path: &str, content_type: &str, encoding: &str, body: Vec<u8>) -> common::Reply {
    let response = app
        .client
        .post(format!("{}{path}", app.base_url))
        .header("Content-Type", content_type)
        .header("Content-Encoding", encoding)
        .body(body)
        .send()
        .await
        .unwrap();
    common::Reply::read(response).await
}

async fn compressed_bodies_are_inflated_within_limits(backend: Backend) {
    let app = spawn_app(backend).await;
    let request = get_enrollments(&app.fixture.admin_token, None, Some(&[SALES_LEARNER]));
    let reply = post_encoded(&app, "/api/v2/soap/2.0", "text/xml", "gzip", gzip(request.as_bytes())).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(enrollment_ids(&reply.body), sorted(&[E_PLAIN, E_DUE]));

    // 20 MB of nothing in 20 kB: refused as too large, with a fault, before any parsing.
    let bomb = gzip(&vec![b' '; 20 * 1024 * 1024]);
    let reply = post_encoded(&app, "/api/v2/soap/2.0", "text/xml", "gzip", bomb.clone()).await;
    assert_eq!(reply.status, 413);
    assert_eq!(soap::fault(&reply.body).detail_code, "LIMIT");
    // Under the size limit but inflating more than 100 times: also refused.
    let padded = format!("{}{}", request, " ".repeat(1024 * 1024));
    let reply = post_encoded(&app, "/api/v2/soap/2.0", "text/xml", "gzip", gzip(padded.as_bytes())).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(soap::fault(&reply.body).message.contains("inflates"));

    let reply = post_encoded(&app, "/api/v2/soap/2.0", "text/xml", "br", request.clone().into_bytes()).await;
    assert_eq!(reply.status, 415);
    assert!(soap::fault(&reply.body).message.contains("Content-Encoding"));

    // The JSON face reads bodies the same way.
    let json = serde_json::json!({"name": "Zipped", "parentDepartmentId": DEPT_HQ}).to_string();
    let post_gzipped_department = |body: Vec<u8>| {
        app.client
            .post(format!("{}/api/v1/departments", app.base_url))
            .bearer_auth(&app.fixture.admin_token)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .body(body)
            .send()
    };
    let response = post_gzipped_department(gzip(json.as_bytes())).await.unwrap();
    assert_eq!(response.status(), 201);
    let response = post_gzipped_department(bomb).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

on_both_backends!(
    contract_violations_name_the_element_and_the_rule,
    whitespace_comments_and_cdata_are_plain_xml,
    envelope_rules,
    limits_refuse_oversized_and_deep_requests,
    soap_12_is_served_with_its_own_faults,
    other_content_types_are_refused,
    the_wsdl_is_served_with_the_callers_address,
    the_wsdl_is_valid_for_xml_tools,
    every_response_carries_a_request_id,
    compressed_bodies_are_inflated_within_limits,
);
