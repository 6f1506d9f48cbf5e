//! The totals each course keeps of its active enrollments by status (kept by triggers, read by a
//! course's first page of learners) agree with a count of the enrollments themselves after every
//! kind of write: enrolling one and many, changing status and progress, moving, archiving, removing.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use lmsbridge::store::Tx;
use serde_json::json;

#[derive(Debug, PartialEq, QueryableByName)]
struct CourseTotals {
    #[diesel(sql_type = BigInt)]
    course_id: i64,
    #[diesel(sql_type = BigInt)]
    tenant_id: i64,
    #[diesel(sql_type = BigInt)]
    enrolled: i64,
    #[diesel(sql_type = BigInt)]
    not_started: i64,
    #[diesel(sql_type = BigInt)]
    completed: i64,
}

const KEPT: &str = "SELECT course_id, tenant_id, enrolled, not_started, completed FROM course_enrollment_totals \
                    WHERE enrolled <> 0 OR not_started <> 0 OR completed <> 0 ORDER BY course_id, tenant_id";
const COUNTED: &str = "SELECT course_id, tenant_id, COUNT(*) AS enrolled, \
    CAST(SUM(CASE WHEN completion_status = 'not_started' AND progress = 0 AND started_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS not_started, \
    CAST(SUM(CASE WHEN completion_status IN ('complete', 'passed', 'accepted') THEN 1 ELSE 0 END) AS BIGINT) AS completed \
    FROM enrollment WHERE lifecycle = 'active' GROUP BY course_id, tenant_id ORDER BY course_id, tenant_id";

fn query(tx: &mut Tx<'_>, sql: &str) -> Vec<CourseTotals> {
    match tx {
        Tx::Sqlite(c) => diesel::sql_query(sql).load(&mut **c),
        Tx::Pg(c) => diesel::sql_query(sql).load(&mut **c),
    }
    .expect("the totals")
}

fn execute(tx: &mut Tx<'_>, sql: &str) -> usize {
    match tx {
        Tx::Sqlite(c) => diesel::sql_query(sql).execute(&mut **c),
        Tx::Pg(c) => diesel::sql_query(sql).execute(&mut **c),
    }
    .expect("the statement runs")
}

/// Runs `sql` (none: nothing) in one transaction, then checks the kept totals against a count.
async fn after(app: &TestApp, what: &str, statements: &[&'static str]) {
    let (service, statements) = (app.service.clone(), statements.to_vec());
    let (kept, counted) = tokio::task::spawn_blocking(move || {
        service
            .db()
            .write(|tx| -> Result<_, lmsbridge::service::OpError> {
                for sql in statements {
                    execute(tx, sql);
                }
                Ok((query(tx, KEPT), query(tx, COUNTED)))
            })
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!counted.is_empty(), "{what}: the fixture has enrollments");
    assert_eq!(kept, counted, "{what}");
}

async fn kept_totals_match_the_enrollments(backend: Backend) {
    let app = spawn_app(backend).await;
    after(&app, "the fixture", &[]).await;

    let token = app.fixture.admin_token.clone();
    let enroll = json!({"courseIds": [COURSE_1, COURSE_2, COURSE_3], "learnerIds": [ENG_LEARNER, HQ_LEARNER, EAST_LEARNER], "dueDateType": "default"});
    let response = app.client.post(format!("{}/api/v1/enrollments", app.base_url)).bearer_auth(&token).json(&enroll).send().await.unwrap();
    assert_eq!(response.status(), 201);
    after(&app, "a bulk enrollment", &[]).await;

    let response = app.client.delete(format!("{}/api/v1/enrollments/{E_PLAIN}", app.base_url)).bearer_auth(&token).send().await.unwrap();
    assert!(response.status().is_success());
    after(&app, "a removal", &[]).await;

    after(
        &app,
        "starting and completing",
        &[
            "UPDATE enrollment SET progress = 40, completion_status = 'in_progress' WHERE id IN (SELECT MIN(id) FROM enrollment)",
            "UPDATE enrollment SET started_at = created_at WHERE id IN (SELECT MAX(id) FROM enrollment)",
            "UPDATE enrollment SET completion_status = 'passed', progress = 100 WHERE id % 3 = 0",
        ],
    )
    .await;
    after(
        &app,
        "progress within a status, and a reset",
        &[
            "UPDATE enrollment SET progress = 60 WHERE completion_status = 'in_progress'",
            "UPDATE enrollment SET completion_status = 'not_started', progress = 0, started_at = NULL WHERE id % 4 = 1",
        ],
    )
    .await;
    after(&app, "archiving, restoring and moving", &[
        "UPDATE enrollment SET lifecycle = 'archived' WHERE id % 5 = 2",
        "UPDATE enrollment SET lifecycle = 'active' WHERE id % 10 = 2",
        "UPDATE enrollment SET course_id = (SELECT MIN(id) FROM course c WHERE c.tenant_id = enrollment.tenant_id) WHERE id % 7 = 3 AND lifecycle <> 'active'",
    ])
    .await;
    after(&app, "deleting rows", &["DELETE FROM certificate", "DELETE FROM enrollment WHERE id % 2 = 0"]).await;
}

on_both_backends!(kept_totals_match_the_enrollments);
