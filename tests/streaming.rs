//! Large results stream: the response is sent in chunks as rows are read, and arrives complete.

mod common;

use chrono::NaiveDate;
use common::fixture::*;
use common::soap::get_enrollments;
use common::{Backend, assert_schema_valid, spawn_app};
use lmsbridge::store::courses::{self, NewCourse};
use lmsbridge::store::enrollments::{self, NewEnrollment};
use lmsbridge::store::{tenants, users};

const EXTRA: usize = 3_000;

async fn a_large_account_streams_every_enrollment(backend: Backend) {
    let app = spawn_app(backend).await;
    let service = app.service.clone();
    tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<(), lmsbridge::service::OpError> {
                let tenant = tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let learner = users::users_by_external_ids(tx, tenant, &[HQ_LEARNER])?[0].id;
                let at = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap().and_hms_opt(8, 0, 0).unwrap();
                for i in 0..EXTRA {
                    let course_id = format!("bulk-course-{i:05}");
                    let course = courses::insert_course(
                        tx,
                        &NewCourse {
                            tenant_id: tenant,
                            external_id: &course_id,
                            title: "bulk",
                            subtitle: None,
                            description: None,
                            content_type: "course",
                            default_due_period_hours: None,
                            created_at: at,
                        },
                    )?;
                    let enrollment_id = format!("bulk-enrollment-{i:05}");
                    enrollments::insert_enrollment(
                        tx,
                        &NewEnrollment {
                            tenant_id: tenant,
                            external_id: &enrollment_id,
                            source: "ispring",
                            learner_id: learner,
                            course_id: course,
                            access_date: at,
                            due_date: None,
                            lock_after_due_date: false,
                            enrollment_type_group: 0,
                            lifecycle: "active",
                            completion_status: "not_started",
                            progress: 0,
                            completed_at: None,
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                }
                Ok(())
            })
            .unwrap()
    })
    .await
    .unwrap();

    let response = app
        .client
        .post(format!("{}/api/v2/soap/2.0", app.base_url))
        .header("Content-Type", "text/xml")
        .body(get_enrollments(&app.fixture.admin_token, None, None))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-length").is_none(), "a large result is streamed, not buffered");
    let body = response.text().await.unwrap();
    assert!(body.len() > 3 * lmsbridge::streaming::CHUNK);
    assert_schema_valid(&body);
    let ids = common::soap::enrollment_ids(&body);
    assert_eq!(ids.len(), EXTRA + ACTIVE.len());
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "every enrollment once, across batch boundaries");

    // The JSON mirror streams the same listing.
    let response =
        app.client.get(format!("{}/api/v1/enrollments", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-length").is_none(), "streamed");
    let listing: serde_json::Value = response.json().await.unwrap();
    assert_eq!(listing["enrollments"].as_array().unwrap().len(), EXTRA + ACTIVE.len());

    // Small results are sent whole, with a length.
    let response = app
        .client
        .post(format!("{}/api/v2/soap/2.0", app.base_url))
        .header("Content-Type", "text/xml")
        .body(get_enrollments(&app.fixture.admin_token, None, Some(&[SALES_LEARNER])))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("content-length").is_some());
}

on_both_backends!(a_large_account_streams_every_enrollment);
