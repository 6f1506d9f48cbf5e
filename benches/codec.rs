//! Request decoding and response encoding alone, in MB/s (criterion).

use std::hint::black_box;

use chrono::{DateTime, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lmsbridge::domain::{CertificateView, EnrollmentView};
use lmsbridge::faces::soap::encode::Encoder;
use lmsbridge::faces::soap::envelope::{self, Spelling, Version};
use lmsbridge::faces::soap::operations;
use lmsbridge::faces::soap::types::write_enrollment;
use lmsbridge::faces::soap::xml::{Limits, parse};

fn request(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><soap:Body>{inner}</soap:Body></soap:Envelope>"#
    )
}

fn decode(body: &[u8]) {
    let root = parse(body, &Limits::default()).expect("well-formed");
    let (operation, _) = envelope::open(&root, Version::Soap11).expect("an envelope");
    black_box(operations::decode(operation).expect("a valid request"));
}

fn decoding(c: &mut Criterion) {
    let token = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE";
    let small = request(&format!(
        "<GetEnrollmentsRequest><credentials><token>{token}</token></credentials><learnerIds><id>learner-000042</id></learnerIds></GetEnrollmentsRequest>"
    ));
    let learners: String = (0..1000).map(|i| format!("<id>w3-learner-{i:05}</id>")).collect();
    let courses: String = (0..10).map(|i| format!("<id>w3-course-{i:03}</id>")).collect();
    let bulk = request(&format!(
        "<EnrollLearnersInCoursesRequest><credentials><token>{token}</token></credentials><courseIds>{courses}</courseIds><learnerIds>{learners}</learnerIds><dueDateType>due_period</dueDateType><duePeriod>720</duePeriod></EnrollLearnersInCoursesRequest>"
    ));
    let mut group = c.benchmark_group("decode");
    for (name, body) in [("GetEnrollments one learner", &small), ("EnrollLearnersInCourses 1000x10", &bulk)] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| b.iter(|| decode(body.as_bytes())));
    }
    group.finish();
}

fn encoding(c: &mut Criterion) {
    let views: Vec<EnrollmentView> = (0..1000)
        .map(|i| EnrollmentView {
            enrollment_id: format!("enr-{i:07}"),
            course_id: format!("course-{:04}", i % 200),
            learner_id: format!("learner-{:06}", i / 100),
            access_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            due_date: (i % 3 == 0).then(|| NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            should_lock_after_due_date: i % 2 == 0,
            enrollment_type_group: (i % 7 == 0) as i16,
            certificate: (i % 4 == 0).then(|| CertificateView {
                issued_certificate_id: format!("cert-{i}"),
                issue_date: DateTime::parse_from_rfc3339("2026-02-01T09:19:00+02:00").unwrap(),
                expiry_date: None,
            }),
        })
        .collect();
    let spelling = Spelling::standard(Version::Soap11);
    let encode = || {
        let mut e = Encoder::new(Vec::with_capacity(512 * 1024), spelling);
        e.begin().unwrap();
        e.open("ns1:GetEnrollmentsResult").unwrap();
        for v in &views {
            write_enrollment(&mut e, v).unwrap();
        }
        e.close("ns1:GetEnrollmentsResult").unwrap();
        e.end().unwrap();
        e.out().len()
    };
    let size = encode();
    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function("GetEnrollmentsResult 1000 enrollments", |b| b.iter(|| black_box(encode())));
    group.finish();
}

criterion_group!(benches, decoding, encoding);
criterion_main!(benches);
