//! getEnrollments semantics over real HTTP: filters, presence rules, lifecycle, certificates,
//! department scope, credentials, namespace spellings; every success response is XSD-valid.

mod common;

use common::fixture::*;
use common::soap::{self, enrollment_ids, enrollments, envelope, get_enrollments, sorted};
use common::{Backend, TestApp, assert_schema_valid, spawn_app};

async fn ok(app: &TestApp, body: String) -> String {
    let reply = app.soap(body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.content_type.starts_with("text/xml"), "{}", reply.content_type);
    assert_schema_valid(&reply.body);
    reply.body
}

async fn fault(app: &TestApp, body: String) -> soap::Fault {
    let reply = app.soap(body).await;
    assert_eq!(reply.status, 500, "faults are HTTP 500: {}", reply.body);
    assert_schema_valid(&reply.body);
    soap::fault(&reply.body)
}

async fn seed_sample_as_written_gets_a_precise_fault(backend: Backend) {
    let app = spawn_app(backend).await;
    let sample = include_str!("fixtures/seed-001-sample-request.xml");
    let f = fault(&app, sample.to_string()).await;
    assert_eq!(f.code, "SOAP-ENV:Client");
    assert_eq!(f.string, "Wrong parameters");
    assert_eq!(f.detail_code, "MALFORMED");
    // `</courseIds>` closes an element that was never opened: line 10, column 10.
    assert_eq!((f.line, f.column), (Some(10), Some(10)), "{f:?}");
    assert!(f.message.contains("courseIds") && f.message.contains("GetEnrollmentsRequest"), "{}", f.message);
}

async fn seed_sample_repaired_returns_the_right_enrollments(backend: Backend) {
    let app = spawn_app(backend).await;
    let sample = include_str!("fixtures/seed-001-sample-request-repaired.xml");
    let reply = app.soap(sample).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The sample uses the https:// spellings of both namespaces; the answer uses them too.
    assert!(reply.body.contains(r#"xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/""#), "{}", reply.body);
    assert!(reply.body.contains(r#"xmlns:ns1="https://ispringlearn.com/go/services/api/soap""#));
    assert_schema_valid(&reply.body);
    assert_eq!(enrollment_ids(&reply.body), [E_PLAIN]);
}

async fn without_filters_returns_the_whole_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, None, None)).await;
    assert_eq!(enrollment_ids(&body), sorted(&ACTIVE), "all active acme enrollments, nothing of other tenants");
    // Empty id lists are no filter either.
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, Some(&[]), Some(&[]))).await;
    assert_eq!(enrollment_ids(&body), sorted(&ACTIVE));
}

async fn filters_combine(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    type Case<'a> = (Option<&'a [&'a str]>, Option<&'a [&'a str]>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (Some(&[COURSE_1]), None, vec![E_PLAIN, E_LOCKED, E_CERT]),
        (Some(&[COURSE_1, COURSE_2]), None, vec![E_PLAIN, E_DUE, E_LOCKED, E_LOCK_NO_DUE, E_CERT, E_CERT_NO_EXPIRY]),
        (None, Some(&[SALES_LEARNER]), vec![E_PLAIN, E_DUE]),
        (None, Some(&[SALES_LEARNER, ENG_LEARNER]), vec![E_PLAIN, E_DUE, E_CERT, E_CERT_NO_EXPIRY]),
        (Some(&[COURSE_2]), Some(&[EAST_LEARNER]), vec![E_LOCK_NO_DUE]),
        (Some(&[COURSE_1, COURSE_3]), Some(&[SALES_LEARNER, HQ_LEARNER]), vec![E_PLAIN, E_HQ]),
        (Some(&[COURSE_3]), Some(&[ENG_LEARNER]), vec![]),
        // Unknown ids match nothing; known ones in the same list still match.
        (Some(&["no-such-course"]), None, vec![]),
        (None, Some(&["no-such-learner"]), vec![]),
        (Some(&["no-such-course", COURSE_2]), None, vec![E_DUE, E_LOCK_NO_DUE, E_CERT_NO_EXPIRY]),
        // Repeating an id changes nothing.
        (Some(&[COURSE_3, COURSE_3]), None, vec![E_HQ]),
    ];
    for (courses, learners, expected) in cases {
        let body = ok(&app, get_enrollments(t, courses, learners)).await;
        assert_eq!(enrollment_ids(&body), sorted(&expected), "courses {courses:?} learners {learners:?}");
    }
}

async fn due_and_expiration_dates_appear_only_when_they_apply(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, None, None)).await;
    let all = enrollments(&body);
    let find = |id: &str| all.iter().find(|e| e["enrollmentId"] == id).unwrap().clone();

    let plain = find(E_PLAIN);
    assert_eq!(plain["accessDate"], "2026-01-10");
    assert!(!plain.contains_key("dueDate") && !plain.contains_key("expirationDate"));
    assert_eq!(plain["shouldLockAfterDueDate"], "0");
    assert_eq!(plain["enrollmentTypeGroup"], "0");
    assert_eq!(plain["courseId"], COURSE_1);
    assert_eq!(plain["learnerId"], SALES_LEARNER);

    let due = find(E_DUE);
    assert_eq!(due["dueDate"], "2026-03-01");
    assert!(!due.contains_key("expirationDate"), "no lock, no expiration date");

    let locked = find(E_LOCKED);
    assert_eq!(locked["dueDate"], "2026-02-15");
    assert_eq!(locked["expirationDate"], "2026-02-15");
    assert_eq!(locked["shouldLockAfterDueDate"], "1");

    let lock_without_due = find(E_LOCK_NO_DUE);
    assert_eq!(lock_without_due["shouldLockAfterDueDate"], "1");
    assert!(!lock_without_due.contains_key("dueDate") && !lock_without_due.contains_key("expirationDate"));

    assert_eq!(find(E_CERT)["enrollmentTypeGroup"], "1", "added from the catalog");

    // Elements come in schema order and absent values leave no empty tags.
    assert!(!body.contains("<ns1:dueDate/>") && !body.contains("<ns1:dueDate></ns1:dueDate>"));
    let locked_xml = &body[body.find(E_LOCKED).unwrap()..];
    let order = ["accessDate", "dueDate", "expirationDate", "enrollmentTypeGroup", "shouldLockAfterDueDate"];
    let positions: Vec<usize> = order.iter().map(|n| locked_xml.find(&format!("<ns1:{n}>")).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "schema order: {positions:?}");
}

async fn archived_and_deleted_enrollments_are_never_returned(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    for (courses, learners) in [
        (None, None),
        (Some(&[COURSE_3][..]), None),
        (None, Some(&[SALES_LEARNER, EAST_LEARNER][..])),
        (Some(&[COURSE_3][..]), Some(&[SALES_LEARNER, EAST_LEARNER][..])),
    ] {
        let body = ok(&app, get_enrollments(t, courses, learners)).await;
        let ids = enrollment_ids(&body);
        assert!(!ids.contains(&E_ARCHIVED.to_string()) && !ids.contains(&E_DELETED.to_string()), "{ids:?}");
        assert!(!body.contains("cert-archived"));
    }
}

async fn certificates_are_nested_with_their_offsets(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, None, Some(&[ENG_LEARNER]))).await;
    let all = enrollments(&body);
    let with_expiry = all.iter().find(|e| e["enrollmentId"] == E_CERT).unwrap();
    assert_eq!(with_expiry["certificate/issuedCertificateId"], "cert-1");
    assert_eq!(with_expiry["certificate/issueDate"], "2026-02-01T09:19:00+02:00");
    assert_eq!(with_expiry["certificate/expiryDate"], "2027-02-01T09:21:00+02:00");
    let without_expiry = all.iter().find(|e| e["enrollmentId"] == E_CERT_NO_EXPIRY).unwrap();
    assert_eq!(without_expiry["certificate/issueDate"], "2026-02-02T10:30:00+00:00");
    assert!(!without_expiry.contains_key("certificate/expiryDate"));
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, None, Some(&[SALES_LEARNER]))).await;
    assert!(!body.contains("certificate"), "enrollments without certificates have no certificate element");
    // The certificate is the last child of its enrollment, as in the seed's sample response.
    let all = ok(&app, get_enrollments(&app.fixture.admin_token, Some(&[COURSE_1]), Some(&[ENG_LEARNER]))).await;
    assert!(all.contains("</ns1:shouldLockAfterDueDate><ns1:certificate><ns1:issuedCertificateId>cert-1</ns1:issuedCertificateId>"));
}

async fn department_administrators_see_their_departments_and_below(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.sales_admin_token;
    // Sales and Sales East learners only: not Engineering, not HQ.
    let body = ok(&app, get_enrollments(t, None, None)).await;
    assert_eq!(enrollment_ids(&body), sorted(&[E_PLAIN, E_DUE, E_LOCKED, E_LOCK_NO_DUE]));
    let body = ok(&app, get_enrollments(t, Some(&[COURSE_1]), None)).await;
    assert_eq!(enrollment_ids(&body), sorted(&[E_PLAIN, E_LOCKED]));
    let body = ok(&app, get_enrollments(t, None, Some(&[EAST_LEARNER]))).await;
    assert_eq!(enrollment_ids(&body), sorted(&[E_LOCKED, E_LOCK_NO_DUE]), "sub-departments are in scope");

    // Naming a learner outside the managed departments is refused, and says who.
    let f = fault(&app, get_enrollments(t, None, Some(&[SALES_LEARNER, ENG_LEARNER]))).await;
    assert_eq!((f.code.as_str(), f.string.as_str()), ("SOAP-ENV:Client", "Permission denied"));
    assert!(f.message.contains(ENG_LEARNER), "{}", f.message);
}

async fn learners_may_not_list_enrollments(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = fault(&app, get_enrollments(&app.fixture.learner_token, None, None)).await;
    assert_eq!((f.code.as_str(), f.string.as_str(), f.detail_code.as_str()), ("SOAP-ENV:Client", "Permission denied", "PERMISSION_DENIED"));
}

async fn bad_unknown_and_expired_tokens_fail_authorization(backend: Backend) {
    let app = spawn_app(backend).await;
    for (token, hint) in [
        ("not-a-token", "not valid"),
        ("p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNF", "not valid"),
        (app.fixture.expired_token.as_str(), "expired"),
    ] {
        let f = fault(&app, get_enrollments(token, None, None)).await;
        assert_eq!((f.code.as_str(), f.string.as_str()), ("SOAP-ENV:Client", "Authorization failed"), "{token}");
        assert!(f.message.contains(hint), "{token}: {}", f.message);
        assert!(!f.request_id.is_empty());
    }
    // No credentials at all is a contract violation, named precisely.
    let f = fault(&app, envelope("<GetEnrollmentsRequest></GetEnrollmentsRequest>")).await;
    assert_eq!((f.string.as_str(), f.detail_code.as_str()), ("Wrong parameters", "REQUIRED"));
    assert_eq!(f.path.as_deref(), Some("GetEnrollmentsRequest/credentials"));
}

async fn tenants_never_mix(backend: Backend) {
    let app = spawn_app(backend).await;
    // The other account has a learner and a course with acme's ids; each sees only its own.
    let body = ok(&app, get_enrollments(&app.fixture.other_tenant_token, None, None)).await;
    assert_eq!(enrollment_ids(&body), [E_OTHER]);
    let body = ok(&app, get_enrollments(&app.fixture.other_tenant_token, Some(&[COURSE_1]), Some(&[SALES_LEARNER]))).await;
    assert_eq!(enrollment_ids(&body), [E_OTHER]);
    let body = ok(&app, get_enrollments(&app.fixture.admin_token, Some(&[COURSE_1]), Some(&[SALES_LEARNER]))).await;
    assert_eq!(enrollment_ids(&body), [E_PLAIN]);
}

async fn legacy_account_credentials_work(backend: Backend) {
    let app = spawn_app(backend).await;
    let credentials = |url: &str, login: &str, password: &str| {
        envelope(&format!(
            "<GetEnrollmentsRequest><credentials><accountUrl>{url}</accountUrl><email>{login}</email><password>{password}</password></credentials>\
             <learnerIds><id>{SALES_LEARNER}</id></learnerIds></GetEnrollmentsRequest>"
        ))
    };
    // By login, by e-mail, with a trailing slash on the account URL.
    for (url, login) in [(ACCOUNT_URL, ADMIN_LOGIN), (ACCOUNT_URL, ADMIN_EMAIL), ("https://acme.example.test/", ADMIN_LOGIN)] {
        let body = ok(&app, credentials(url, login, PASSWORD)).await;
        assert_eq!(enrollment_ids(&body), sorted(&[E_PLAIN, E_DUE]), "{url} {login}");
    }
    for (url, login, password) in
        [(ACCOUNT_URL, ADMIN_LOGIN, "wrong"), (ACCOUNT_URL, "nobody", PASSWORD), ("https://other.example.test", ADMIN_LOGIN, PASSWORD)]
    {
        let f = fault(&app, credentials(url, login, password)).await;
        assert_eq!(f.string, "Authorization failed", "{url} {login} {password}");
    }
    // A department administrator's own login is scoped like their token.
    let f = fault(&app, credentials(ACCOUNT_URL, "sales.admin", PASSWORD).replace(SALES_LEARNER, ENG_LEARNER)).await;
    assert_eq!(f.string, "Permission denied");
    let f = fault(&app, credentials(ACCOUNT_URL, "sales.learner", PASSWORD)).await;
    assert_eq!(f.string, "Permission denied");
}

async fn namespace_spellings_and_prefixes_are_all_understood(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let inner = |p: &str| {
        format!(
            "<{p}GetEnrollmentsRequest><{p}credentials><{p}token>{t}</{p}token></{p}credentials>\
             <{p}learnerIds><{p}id>{SALES_LEARNER}</{p}id></{p}learnerIds></{p}GetEnrollmentsRequest>"
        )
    };
    let variants = [
        // Default namespace on the envelope, http spellings.
        (
            format!(
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><e:Body>{}</e:Body></e:Envelope>"#,
                inner("")
            ),
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://ispringlearn.com/go/services/api/soap",
        ),
        // Prefixed API elements, SoapUI style.
        (
            format!(
                r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://ispringlearn.com/go/services/api/soap"><soapenv:Header/><soapenv:Body>{}</soapenv:Body></soapenv:Envelope>"#,
                inner("soap:")
            ),
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://ispringlearn.com/go/services/api/soap",
        ),
        // Default namespace declared on the request element itself.
        (
            format!(
                r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>{}</S:Body></S:Envelope>"#,
                inner("").replacen(
                    "<GetEnrollmentsRequest>",
                    r#"<GetEnrollmentsRequest xmlns="http://ispringlearn.com/go/services/api/soap">"#,
                    1
                )
            ),
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://ispringlearn.com/go/services/api/soap",
        ),
        // https spellings of both, as the seed writes them.
        (
            format!(
                r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/" xmlns:x="https://ispringlearn.com/go/services/api/soap"><SOAP-ENV:Body>{}</SOAP-ENV:Body></SOAP-ENV:Envelope>"#,
                inner("x:")
            ),
            "https://schemas.xmlsoap.org/soap/envelope/",
            "https://ispringlearn.com/go/services/api/soap",
        ),
        // The API namespace spelled https under the standard envelope.
        (
            format!(
                r#"<a:Envelope xmlns:a="http://schemas.xmlsoap.org/soap/envelope/" xmlns="https://ispringlearn.com/go/services/api/soap"><a:Body>{}</a:Body></a:Envelope>"#,
                inner("")
            ),
            "http://schemas.xmlsoap.org/soap/envelope/",
            "https://ispringlearn.com/go/services/api/soap",
        ),
    ];
    for (request, envelope_ns, api_ns) in variants {
        let body = ok(&app, request.clone()).await;
        assert_eq!(enrollment_ids(&body), sorted(&[E_PLAIN, E_DUE]), "{request}");
        assert!(body.contains(&format!(r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="{envelope_ns}" xmlns:ns1="{api_ns}">"#)), "{body}");
        assert!(body.contains("<ns1:GetEnrollmentsResult>"));
    }
}

async fn the_alias_endpoint_answers_the_same(backend: Backend) {
    let app = spawn_app(backend).await;
    let request = get_enrollments(&app.fixture.admin_token, None, None);
    let main = app.soap(request.clone()).await;
    let alias = app.post("/soap", "text/xml", request).await;
    assert_eq!(alias.status, 200);
    assert_eq!(alias.body, main.body);
}

on_both_backends!(
    seed_sample_as_written_gets_a_precise_fault,
    seed_sample_repaired_returns_the_right_enrollments,
    without_filters_returns_the_whole_account,
    filters_combine,
    due_and_expiration_dates_appear_only_when_they_apply,
    archived_and_deleted_enrollments_are_never_returned,
    certificates_are_nested_with_their_offsets,
    department_administrators_see_their_departments_and_below,
    learners_may_not_list_enrollments,
    bad_unknown_and_expired_tokens_fail_authorization,
    tenants_never_mix,
    legacy_account_credentials_work,
    namespace_spellings_and_prefixes_are_all_understood,
    the_alias_endpoint_answers_the_same,
);
