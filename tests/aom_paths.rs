//! The Academy Of Mine learning-path reads over real HTTP, on SQLite and PostgreSQL: the learning
//! path detail report and overview, a path's activity, the paths a portal offers (with its
//! learners' progress, or the caller's), a user's paths and course report, the portal catalog and
//! the caller's courses in a portal. Each answers with the seed's keys; path statuses come from
//! the courses' progress; totals add up; paging, filters, order, portals and roles as the seed
//! says, and Laravel's errors.

mod common;

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use lmsbridge::domain::role::AomRole;
use lmsbridge::store::portals::{self, NewPortal};
use lmsbridge::store::progress as academy;
use lmsbridge::store::{courses, users};
use serde_json::{Value, json};

/// acme with three learning paths and learners at every stage of them.
///
/// Foundations = [COURSE_3, COURSE_2]: ENG completed both (Completed), HQ started COURSE_3 (In
/// Progress), EAST has done nothing (Not Started). Advanced = [COURSE_3]: ENG (Completed). Drafts
/// = [COURSE_2], unpublished, nobody. The root portal "Acme Academy" holds ENG, its sub-portal
/// "East" holds EAST (and is run by the portal admin); HQ is in no portal. "Partners", created
/// through the API, offers COURSE_3 and COURSE_2 and the three paths, and holds HQ.
struct World {
    admin: String,
    portal_admin: String,
    /// EAST's token.
    learner: String,
    eng_token: String,
    hq_token: String,
    course: i64,
    other_course: i64,
    eng: i64,
    hq: i64,
    east: i64,
    root: i64,
    sub: i64,
    partners: i64,
    foundations: i64,
    advanced: i64,
    drafts: i64,
    today: chrono::NaiveDate,
}

async fn call(app: &TestApp, token: Option<&str>, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/api{path}", app.base_url);
    let mut request = app.client.request(method.parse().unwrap(), &url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A 200's body.
async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = call(app, Some(token), "GET", path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn enc(value: Value) -> String {
    let text = match value {
        Value::String(text) => text,
        other => other.to_string(),
    };
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Laravel's 422: the message, and the field with it.
fn refusal(field: &str, message: &str) -> (u16, Value) {
    (422, json!({"message": message, "errors": {field: [message]}}))
}

fn keys(row: &Value) -> Vec<String> {
    let mut keys: Vec<String> = row.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut list: Vec<String> = list.iter().map(|k| k.to_string()).collect();
    list.sort();
    list
}

/// Users in the order of their path enrollments' age: one call enrolls by user id.
fn by_age(users: &[i64]) -> Vec<Value> {
    let mut users = users.to_vec();
    users.sort();
    users.into_iter().map(|user| json!(user)).collect()
}

fn column(rows: &Value, key: &str) -> Vec<Value> {
    rows.as_array().unwrap().iter().map(|row| row[key].clone()).collect()
}

/// The id of a user's enrollment in a course.
async fn enrollment(app: &TestApp, admin: &str, course: i64, user: i64) -> i64 {
    let list = get(app, admin, &format!("/courses/enrolled-learners?course_id={course}&portalId=-1&page_size=100&page_number=1")).await;
    list["records"].as_array().unwrap().iter().find(|row| row["user_id"] == json!(user)).unwrap()["id"].as_i64().unwrap()
}

async fn world(app: &TestApp) -> World {
    let service = app.service.clone();
    let built = tokio::task::spawn_blocking(move || {
        let ids = service
            .db()
            .write(|tx| -> Result<_, lmsbridge::service::OpError> {
                use diesel::prelude::*;
                use lmsbridge::store::paths::{NewPath, insert};
                use lmsbridge::store::schema::learning_path;
                let now = chrono::Utc::now().naive_utc();
                let acme = lmsbridge::store::tenants::tenant_id_by_name(tx, "acme")?.unwrap();
                let course =
                    |tx: &mut lmsbridge::store::Tx<'_>, id: &str| courses::courses_by_external_ids(tx, acme, &[id]).map(|c| c[0].id);
                let (course3, course2) = (course(tx, COURSE_3)?, course(tx, COURSE_2)?);
                let template = academy::insert_certificate_template(tx, acme, "Completion", now)?;
                academy::set_certificate_policy(tx, course3, Some(template), Some(365))?;
                let learners: Vec<i64> = [ENG_LEARNER, HQ_LEARNER, EAST_LEARNER]
                    .iter()
                    .map(|id| users::live_user_key(tx, acme, id).map(Option::unwrap))
                    .collect::<Result<_, _>>()?;
                let admin = users::first_user_with_role(tx, acme, "account_administrator")?.unwrap();
                let root =
                    portals::insert(tx, &NewPortal { tenant_id: acme, name: "Acme Academy", slug: "acme", ..Default::default() }, now)?;
                let sub = portals::insert(
                    tx,
                    &NewPortal { tenant_id: acme, parent_id: Some(root), name: "East", slug: "east", ..Default::default() },
                    now,
                )?;
                portals::add_members(tx, root, "learner", &[learners[0]], now)?;
                portals::add_members(tx, sub, "learner", &[learners[2]], now)?;
                portals::add_members(tx, sub, "portal_admin", &[admin], now)?;
                let path = |tx: &mut lmsbridge::store::Tx<'_>, name: &str, courses: &[i64]| {
                    let slug = name.to_lowercase();
                    let new = NewPath { tenant_id: acme, name, slug: &slug, instructions: None, certificate_template_id: None, courses };
                    insert(tx, &new, now)
                };
                let foundations = path(tx, "Foundations", &[course3, course2])?;
                let advanced = path(tx, "Advanced", &[course3])?;
                let drafts = path(tx, "Drafts", &[course2])?;
                lmsbridge::store::on_conn!(tx, |c| diesel::update(learning_path::table.find(drafts))
                    .set(learning_path::status.eq("draft"))
                    .execute(c))?;
                // The root portal offers Foundations privately (as the store sets portals up).
                lmsbridge::store::paths::add_to_portal(tx, root, &[foundations], false)?;
                Ok((course3, course2, learners, admin, root, sub, foundations, advanced, drafts))
            })
            .unwrap();
        let (course, other_course, learners, admin, root, sub, foundations, advanced, drafts) = ids;
        let token = |role, user: i64| service.create_aom_token("acme", role, Some(&user.to_string())).unwrap().1;
        World {
            admin: token(AomRole::Admin, admin),
            portal_admin: token(AomRole::PortalAdmin, admin),
            learner: token(AomRole::Learner, learners[2]),
            eng_token: token(AomRole::Learner, learners[0]),
            hq_token: token(AomRole::Learner, learners[1]),
            course,
            other_course,
            eng: learners[0],
            hq: learners[1],
            east: learners[2],
            root,
            sub,
            partners: 0,
            foundations,
            advanced,
            drafts,
            today: chrono::Utc::now().date_naive(),
        }
    })
    .await
    .unwrap();
    let mut w = built;
    let enroll = |path: i64, users: Value| {
        let admin = w.admin.clone();
        async move {
            let (status, answer) =
                call(app, Some(&admin), "POST", &format!("/learning-paths/{path}/enrollments"), Some(json!({"studentIds": users}))).await;
            assert_eq!(status, 200, "{answer}");
        }
    };
    enroll(w.foundations, json!([w.eng, w.hq, w.east])).await;
    enroll(w.advanced, json!([w.eng])).await;
    // The fixture's course enrollments start over, so that only what follows moves the paths.
    for course in [w.course, w.other_course] {
        let mut ids = Vec::new();
        for user in [w.eng, w.hq, w.east] {
            ids.push(enrollment(app, &w.admin, course, user).await);
        }
        let (status, _) = call(
            app,
            Some(&w.admin),
            "POST",
            &format!("/courses/{course}/enrollments/reset-progress"),
            Some(json!({"enrollmentIds": ids})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let progress = |course: i64, user: i64, status: &'static str| {
        let admin = w.admin.clone();
        async move {
            let id = enrollment(app, &admin, course, user).await;
            let path = format!("/course-registrations/{id}/progress?userId={user}&status={status}");
            assert_eq!(call(app, Some(&admin), "PUT", &path, None).await.0, 200);
        }
    };
    progress(w.course, w.eng, "Completed").await;
    progress(w.other_course, w.eng, "Completed").await;
    progress(w.course, w.hq, "In%20Progress").await;
    // Partners, created through the API, offers both courses and the three paths, and holds HQ.
    let body = json!({"portalName": "Partners", "portalSlug": "partners", "brandColor": "#3498db", "bodyBackgroundColor": "#ffffff",
        "bodyTextColor": "#333333", "selectedPrimaryLanguage": "en", "selectedCourses": [w.course, w.other_course],
        "enrollLearningPathIds": [w.foundations, w.advanced, w.drafts], "addExistingUser": [w.hq]});
    assert_eq!(call(app, Some(&w.admin), "POST", "/portals", Some(body)).await, (200, json!({"message": "Portal created successfully"})));
    let found = get(app, &w.admin, "/lookups/portals?search_term=partners").await;
    w.partners = found[0]["id"].as_i64().unwrap();
    w
}

fn report_path(portals: &str, paths: &str, extra: &str) -> String {
    format!("/reports/learning-paths/{portals}/{paths}?page_size=50&page_number=1{extra}")
}

async fn detail_report(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let every = "%5B-1%5D";
    let report = get(&app, &w.admin, &report_path(every, &format!("%5B{}%5D", w.foundations), "")).await;
    assert_eq!(keys(&report), sorted(&["recordsFiltered", "records"]));
    assert_eq!(report["recordsFiltered"], 3);
    // Oldest enrollment first (one call enrolls its learners in the order of their ids); the
    // statuses in the report's words.
    assert_eq!(column(&report["records"], "user_id"), by_age(&[w.eng, w.hq, w.east]));
    let row = |user: i64| report["records"].as_array().unwrap().iter().find(|r| r["user_id"] == json!(user)).unwrap().clone();
    let (eng, hq, east) = (row(w.eng), row(w.hq), row(w.east));
    assert_eq!(
        [&eng["status"], &hq["status"], &east["status"], &eng["display_status"], &hq["display_status"], &east["display_status"]],
        [&json!("completed"), &json!("started"), &json!("registered"), &json!("Completed"), &json!("Started"), &json!("Registered")]
    );
    let eng = &eng;
    let seed_keys = [
        "user_id",
        "first_name",
        "last_name",
        "learning_path_name",
        "status",
        "display_status",
        "registered_on",
        "started_on",
        "completed_on",
        "last_accessed_on",
        "certifcate_issued",
        "courseDetails",
        "total_time_spent",
        "expire_on",
        "completed_lp_courses",
        "total_lp_courses",
        "portalName",
    ];
    let mut expected = seed_keys.to_vec();
    expected.extend(["email", "learning_path_id"]);
    assert_eq!(keys(eng), sorted(&expected));
    let day = w.today.format("%d-%b-%Y").to_string();
    assert_eq!(
        eng,
        &json!({"user_id": w.eng, "first_name": "", "last_name": "", "email": "eng.learner@acme.example.test",
            "learning_path_id": w.foundations, "learning_path_name": "Foundations", "status": "completed", "display_status": "Completed",
            "registered_on": day, "started_on": day, "completed_on": day, "last_accessed_on": "Never", "certifcate_issued": "No",
            "courseDetails": [], "total_time_spent": 0, "expire_on": "Never", "completed_lp_courses": 2, "total_lp_courses": 2,
            "portalName": "Acme Academy"})
    );
    assert_eq!(
        (&hq["completed_lp_courses"], &hq["started_on"], &hq["completed_on"], &hq["portalName"]),
        (&json!(0), &json!(day), &json!(""), &json!("Partners"))
    );
    assert_eq!((&east["started_on"], &east["completed_on"], &east["portalName"]), (&json!(""), &json!(""), &json!("East")));

    // Every path: Advanced's enrollment too; a list in the path without brackets.
    let all = get(&app, &w.admin, &report_path(every, every, "")).await;
    assert_eq!(all["recordsFiltered"], 4);
    let both = get(&app, &w.admin, &report_path("-1", &format!("{},{}", w.foundations, w.advanced), "")).await;
    assert_eq!(both["recordsFiltered"], 4);

    // Paging: the filtered count stays, the page holds one; the pages cover every row once.
    let mut seen = Vec::new();
    for page in 1..=4 {
        let one = get(&app, &w.admin, &format!("/reports/learning-paths/{every}/{every}?page_size=1&page_number={page}")).await;
        assert_eq!((one["recordsFiltered"].as_i64(), one["records"].as_array().unwrap().len()), (Some(4), 1));
        seen.push((one["records"][0]["user_id"].as_i64().unwrap(), one["records"][0]["learning_path_id"].as_i64().unwrap()));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
    let past = get(&app, &w.admin, &format!("/reports/learning-paths/{every}/{every}?page_size=3&page_number=2")).await;
    assert_eq!((past["recordsFiltered"].as_i64(), past["records"].as_array().unwrap().len()), (Some(4), 1));

    // Filters: statuses, a name or e-mail, the registration and completion ranges.
    let foundations = format!("%5B{}%5D", w.foundations);
    let search = |param: Value| report_path(every, &foundations, &format!("&search_param={}", enc(param)));
    let found = get(&app, &w.admin, &search(json!({"status": ["registered", "started"]}))).await;
    assert_eq!((&found["recordsFiltered"], column(&found["records"], "user_id")), (&json!(2), by_age(&[w.hq, w.east])));
    let found = get(&app, &w.admin, &search(json!({"status": ["Completed"]}))).await;
    assert_eq!(column(&found["records"], "user_id"), [json!(w.eng)]);
    let found = get(&app, &w.admin, &search(json!({"nameOrEmail": "EAST.learner"}))).await;
    assert_eq!(column(&found["records"], "user_id"), [json!(w.east)]);
    let today = w.today.to_string();
    let found = get(&app, &w.admin, &search(json!({"registered_on": [today, today]}))).await;
    assert_eq!(found["recordsFiltered"], 3);
    let found = get(&app, &w.admin, &search(json!({"registered_on": ["2999-01-01", ""]}))).await;
    assert_eq!(found["recordsFiltered"], 0);
    let found = get(&app, &w.admin, &search(json!({"registered_on": ["", "2000-01-31"]}))).await;
    assert_eq!(found["recordsFiltered"], 0);
    let found = get(&app, &w.admin, &search(json!({"completed_on": [today, ""]}))).await;
    assert_eq!(column(&found["records"], "user_id"), [json!(w.eng)]);
    // Order: newest enrollment first.
    let order = enc(json!({"colName": "registered_on", "direction": "desc"}));
    let newest = get(&app, &w.admin, &report_path(every, &foundations, &format!("&order_by={order}"))).await;
    let mut newest_first = by_age(&[w.eng, w.hq, w.east]);
    newest_first.reverse();
    assert_eq!(column(&newest["records"], "user_id"), newest_first);

    // Other columns: the path's name; the learner's (the fixture's learners have none: their
    // e-mails then); ties in the enrollments' age.
    let order = |column: &str, direction: &str| {
        report_path(every, every, &format!("&order_by={}", enc(json!({"colName": column, "direction": direction}))))
    };
    let by_path = get(&app, &w.admin, &order("learningPathName", "asc")).await;
    assert_eq!(
        column(&by_path["records"], "learning_path_name"),
        [json!("Advanced"), json!("Foundations"), json!("Foundations"), json!("Foundations")]
    );
    let by_path = get(&app, &w.admin, &order("learningPathName", "desc")).await;
    assert_eq!(by_path["records"][3]["learning_path_name"], "Advanced");
    let by_name = get(&app, &w.admin, &order("name", "asc")).await;
    assert_eq!(
        column(&by_name["records"], "email"),
        [
            "east.learner@acme.example.test",
            "eng.learner@acme.example.test",
            "eng.learner@acme.example.test",
            "hq.learner@acme.example.test"
        ]
        .map(|e| json!(e))
    );
    assert_eq!(column(&by_name["records"], "learning_path_name")[1..3], [json!("Foundations"), json!("Advanced")]);
    // Started: never started first (as SQL orders nulls), then by the first start.
    let started = get(
        &app,
        &w.admin,
        &report_path(every, &foundations, &format!("&order_by={}", enc(json!({"colName": "started_on", "direction": "desc"})))),
    )
    .await;
    assert_eq!(column(&started["records"], "user_id"), [json!(w.hq), json!(w.eng), json!(w.east)]);

    // Portals: the root portal holds ENG and, through its sub-portal, EAST; the sub-portal EAST.
    let root = get(&app, &w.admin, &report_path(&format!("%5B{}%5D", w.root), &foundations, "")).await;
    assert_eq!(column(&root["records"], "user_id"), by_age(&[w.eng, w.east]));
    let two = get(&app, &w.admin, &report_path(&format!("%5B{},{}%5D", w.sub, w.partners), &foundations, "")).await;
    assert_eq!(column(&two["records"], "user_id"), by_age(&[w.hq, w.east]));
    // A portal admin sees its portals' learners only, whatever it names.
    let mine = get(&app, &w.portal_admin, &report_path(every, every, "")).await;
    assert_eq!((&mine["recordsFiltered"], column(&mine["records"], "user_id")), (&json!(1), vec![json!(w.east)]));
    let theirs = get(&app, &w.portal_admin, &report_path(&format!("%5B{}%5D", w.partners), every, "")).await;
    assert_eq!(theirs["recordsFiltered"], 0);

    // Refusals.
    assert_eq!(
        call(&app, Some(&w.learner), "GET", &report_path(every, every, ""), None).await,
        (403, json!({"message": "This action is unauthorized."}))
    );
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &report_path(every, "%5B999999%5D", ""), None).await,
        (404, json!({"message": "Learning path not found"}))
    );
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &report_path("%5B999999%5D", every, ""), None).await,
        (404, json!({"message": "Portal not found"}))
    );
    for (path, expected) in [
        (report_path(every, "abc", ""), refusal("learning_path_ids", "The learning path ids field must be a list of integers.")),
        (report_path("%5B%5D", every, ""), refusal("searchPortalIds", "The searchPortalIds field is required.")),
        (format!("/reports/learning-paths/{every}/{every}?page_number=1"), refusal("page_size", "The page size field is required.")),
        (search(json!({"status": ["done"]})), refusal("search_param.status", "The selected search param.status is invalid.")),
        (
            search(json!({"registered_on": ["01/02/2020", ""]})),
            refusal("search_param.registered_on.0", "The search param.registered on.0 field must match the format Y-m-d."),
        ),
        (
            report_path(every, every, &format!("&order_by={}", enc(json!({"colName": "shoe_size"})))),
            refusal("order_by", "The selected order by is invalid."),
        ),
        (
            report_path(every, every, &format!("&order_by={}", enc(json!({"colName": "name", "direction": "up"})))),
            refusal("order_by.direction", "The selected order by.direction is invalid."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.admin), "GET", &path, None).await, expected, "{path}");
    }
}

async fn overview_and_activity(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    // Paths with learners, by name; Drafts has none.
    let overview = get(&app, &w.admin, "/reports/learning-paths-overview").await;
    assert_eq!(
        overview,
        json!({"labels": ["Advanced", "Foundations"], "totalNotStarted": [0, 1], "totalInProgress": [0, 1], "totalCompleted": [1, 1],
            "percentageCompleted": [100, 33], "sumNotStarted": 1, "sumInProgress": 1, "sumCompleted": 2, "sumPercentageCompleted": 50})
    );
    assert_eq!(get(&app, &w.admin, "/reports/learning-paths-overview?searchPortalIds=-1").await, overview);
    let east = get(&app, &w.admin, &format!("/reports/learning-paths-overview?searchPortalIds={}", w.sub)).await;
    assert_eq!(
        east,
        json!({"labels": ["Foundations"], "totalNotStarted": [1], "totalInProgress": [0], "totalCompleted": [0],
            "percentageCompleted": [0], "sumNotStarted": 1, "sumInProgress": 0, "sumCompleted": 0, "sumPercentageCompleted": 0})
    );
    // Either portal: the root portal (with its sub-portal) and Partners.
    let two =
        get(&app, &w.admin, &format!("/reports/learning-paths-overview?searchPortalIds={}&searchPortalIds={}", w.root, w.partners)).await;
    assert_eq!(
        (&two["labels"], &two["totalNotStarted"], &two["totalInProgress"], &two["totalCompleted"]),
        (&json!(["Advanced", "Foundations"]), &json!([0, 1]), &json!([0, 1]), &json!([1, 1]))
    );
    let bracketed =
        get(&app, &w.admin, &format!("/reports/learning-paths-overview?searchPortalIds[]={}&searchPortalIds[]={}", w.root, w.partners))
            .await;
    assert_eq!(bracketed, two);
    assert_eq!(get(&app, &w.portal_admin, "/reports/learning-paths-overview").await, east, "a portal admin counts its portals' learners");
    assert_eq!(call(&app, Some(&w.learner), "GET", "/reports/learning-paths-overview", None).await.0, 403);
    assert_eq!(
        call(&app, Some(&w.admin), "GET", "/reports/learning-paths-overview?searchPortalIds=999999", None).await,
        (404, json!({"message": "Portal not found"}))
    );
    assert_eq!(
        call(&app, Some(&w.admin), "GET", "/reports/learning-paths-overview?searchPortalIds=abc", None).await,
        refusal("searchPortalIds", "The search portal ids field must hold integers.")
    );

    // A path's activity: the three enrollments in Foundations, newest first.
    let activity =
        |extra: String| format!("/learning-paths/activities?learning_path_id={}&page_size=50&page_number=1{extra}", w.foundations);
    let lp = get(&app, &w.admin, &activity("&context=lp&portalId=-1".into())).await;
    assert_eq!((&lp["recordsTotal"], &lp["recordsFiltered"]), (&json!(3), &json!(3)));
    let records = lp["records"].as_array().unwrap();
    assert!(records.iter().all(|r| keys(r) == sorted(&["id", "name", "status", "created_at", "message"])), "{lp}");
    assert_eq!(column(&lp["records"], "status"), vec![json!("ENROLLED"); 3]);
    let ids: Vec<i64> = records.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let created = records[0]["created_at"].as_str().unwrap();
    assert!(chrono::NaiveDateTime::parse_from_str(created, "%b %d, %Y %I:%M %p").is_ok(), "{created}");
    let oldest = get(
        &app,
        &w.admin,
        &activity(format!("&context=lp&portalId=-1&order_by={}", enc(json!({"colName": "created_at", "direction": "asc"})))),
    )
    .await;
    let mut ascending = ids.clone();
    ascending.reverse();
    assert_eq!(column(&oldest["records"], "id"), ascending.iter().map(|id| json!(id)).collect::<Vec<_>>());
    // Every path's activity (the portal's context): Advanced's enrollment too.
    let portal = get(&app, &w.admin, &activity("&context=portal&portalId=-1".into())).await;
    assert_eq!(portal["recordsTotal"], 4);
    // Within a portal: the sub-portal's EAST only.
    let east_only = get(&app, &w.admin, &activity(format!("&context=lp&portalId={}", w.sub))).await;
    assert_eq!(east_only["recordsTotal"], 1);
    // Searched by the learner's name or e-mail: the total stays.
    let searched =
        get(&app, &w.admin, &activity(format!("&context=lp&portalId=-1&search_param={}", enc(json!({"name": "east.learner"}))))).await;
    assert_eq!(
        (&searched["recordsTotal"], &searched["recordsFiltered"], searched["records"].as_array().unwrap().len()),
        (&json!(3), &json!(1), 1)
    );
    // Paging.
    let page = get(
        &app,
        &w.admin,
        &format!("/learning-paths/activities?learning_path_id={}&page_size=2&page_number=2&context=lp&portalId=-1", w.foundations),
    )
    .await;
    assert_eq!((&page["recordsTotal"], page["records"].as_array().unwrap().len()), (&json!(3), 1));
    assert_eq!(call(&app, Some(&w.learner), "GET", &activity("&context=lp&portalId=-1".into()), None).await.0, 403);
    assert_eq!(
        call(
            &app,
            Some(&w.admin),
            "GET",
            "/learning-paths/activities?learning_path_id=999999&page_size=5&page_number=1&context=lp&portalId=-1",
            None
        )
        .await,
        (404, json!({"message": "Learning path not found"}))
    );
    for (extra, expected) in [
        ("&portalId=-1".to_string(), refusal("context", "The context field is required.")),
        ("&context=course&portalId=-1".to_string(), refusal("context", "The selected context is invalid.")),
        ("&context=lp".to_string(), refusal("portalId", "The portalId field is required.")),
        (
            format!("&context=lp&portalId=-1&order_by={}", enc(json!({"colName": "name"}))),
            refusal("order_by", "The selected order by is invalid."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.admin), "GET", &activity(extra.clone()), None).await, expected, "{extra}");
    }
}

async fn portal_paths_and_catalog(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let list = |portal: i64, extra: &str| format!("/portals/{portal}/learning-paths?page_size=50&page_number=1{extra}");
    // Partners offers the three paths, by name; HQ (its learner) is in Foundations, started today.
    let all = get(&app, &w.admin, &list(w.partners, "&type=all")).await;
    assert_eq!(keys(&all), sorted(&["portalName", "recordsTotal", "recordsFiltered", "records"]));
    assert_eq!((&all["portalName"], &all["recordsTotal"], &all["recordsFiltered"]), (&json!("Partners"), &json!(3), &json!(3)));
    let stats = |not_started: i64, in_progress: i64, completed: i64| json!({"notStarted": not_started, "inProgress": in_progress, "completed": completed});
    assert_eq!(
        all["records"],
        json!([
            {"learningPathId": w.advanced, "learningPathName": "Advanced", "type": "public", "last24hCount": 0, "learningPathStatistics": stats(0, 0, 0)},
            {"learningPathId": w.drafts, "learningPathName": "Drafts", "type": "public", "last24hCount": 0, "learningPathStatistics": stats(0, 0, 0)},
            {"learningPathId": w.foundations, "learningPathName": "Foundations", "type": "public", "last24hCount": 1, "learningPathStatistics": stats(0, 1, 0)}
        ])
    );
    // An unknown path offered creates no portal.
    let body = json!({"portalName": "Ghost", "portalSlug": "ghost", "brandColor": "#3498db", "bodyBackgroundColor": "#ffffff",
        "bodyTextColor": "#333333", "selectedPrimaryLanguage": "en", "enrollLearningPathIds": [w.foundations, 999_999]});
    assert_eq!(call(&app, Some(&w.admin), "POST", "/portals", Some(body)).await, (404, json!({"message": "Learning path not found"})));
    assert_eq!(get(&app, &w.admin, "/lookups/portals?search_term=ghost").await, json!([]));
    // active: the published ones.
    let active = get(&app, &w.admin, &list(w.partners, "&type=active")).await;
    assert_eq!(
        (&active["recordsTotal"], column(&active["records"], "learningPathName")),
        (&json!(2), vec![json!("Advanced"), json!("Foundations")])
    );
    // Search, order, paging.
    let named =
        get(&app, &w.admin, &list(w.partners, &format!("&type=all&search_param={}", enc(json!({"learningPathName": "FOUND"}))))).await;
    assert_eq!(
        (&named["recordsTotal"], &named["recordsFiltered"], column(&named["records"], "learningPathId")),
        (&json!(3), &json!(1), vec![json!(w.foundations)])
    );
    let desc =
        get(&app, &w.admin, &list(w.partners, &format!("&type=all&order_by={}", enc(json!({"colName": "name", "direction": "desc"})))))
            .await;
    assert_eq!(column(&desc["records"], "learningPathName"), [json!("Foundations"), json!("Drafts"), json!("Advanced")]);
    let page = get(&app, &w.admin, &format!("/portals/{}/learning-paths?page_size=2&page_number=2&type=all", w.partners)).await;
    assert_eq!((&page["recordsFiltered"], column(&page["records"], "learningPathName")), (&json!(3), vec![json!("Foundations")]));
    // The root portal offers Foundations privately; its learners are ENG and (through East) EAST.
    let root = get(&app, &w.admin, &list(w.root, "&type=all")).await;
    assert_eq!(
        (
            &root["recordsTotal"],
            &root["records"][0]["type"],
            &root["records"][0]["learningPathStatistics"],
            &root["records"][0]["last24hCount"]
        ),
        (&json!(1), &json!("private"), &stats(1, 0, 1), &json!(2))
    );
    // Roles: a portal admin reaches its portal only; a learner none.
    let east = get(&app, &w.portal_admin, &list(w.sub, "&type=all")).await;
    assert_eq!((&east["portalName"], &east["recordsTotal"], &east["records"]), (&json!("East"), &json!(0), &json!([])));
    assert_eq!(call(&app, Some(&w.portal_admin), "GET", &list(w.partners, "&type=all"), None).await.0, 403);
    assert_eq!(call(&app, Some(&w.learner), "GET", &list(w.sub, "&type=all"), None).await.0, 403);
    assert_eq!(call(&app, Some(&w.admin), "GET", &list(999_999, "&type=all"), None).await, (404, json!({"message": "Portal not found"})));
    assert_eq!(call(&app, Some(&w.admin), "GET", "/portals/abc/learning-paths?page_size=5&page_number=1&type=all", None).await.0, 404);
    assert_eq!(call(&app, Some(&w.admin), "GET", &list(w.partners, ""), None).await, refusal("type", "The type field is required."));
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &list(w.partners, "&type=some"), None).await,
        refusal("type", "The selected type is invalid.")
    );

    // The caller's paths in a portal: the published ones, with where the caller stands.
    let my = |portal: i64, extra: &str| format!("/portals/{portal}/my-learning-paths?page_size=50&page_number=1{extra}");
    let eng = get(&app, &w.eng_token, &my(w.partners, "")).await;
    assert_eq!(keys(&eng), sorted(&["learningPaths", "totalRecords", "recordsFiltered"]));
    let path_keys = [
        "id",
        "learningPathId",
        "type",
        "learningPathName",
        "display_status",
        "percentComplete",
        "isEnrolled",
        "certificateCount",
        "totalLPCourses",
        "completedLpCourses",
        "rating",
        "totalEstimatedTime",
    ];
    assert!(eng["learningPaths"].as_array().unwrap().iter().all(|p| keys(p) == sorted(&path_keys)), "{eng}");
    assert_eq!((&eng["totalRecords"], &eng["recordsFiltered"]), (&json!(2), &json!(2)));
    let done = &eng["learningPaths"][1];
    assert_eq!(
        (
            &done["learningPathName"],
            &done["display_status"],
            &done["percentComplete"],
            &done["isEnrolled"],
            &done["totalLPCourses"],
            &done["completedLpCourses"]
        ),
        (&json!("Foundations"), &json!("Completed"), &json!(100), &json!(true), &json!(2), &json!(2))
    );
    let east_paths = get(&app, &w.learner, &my(w.partners, "")).await;
    let east_paths = east_paths["learningPaths"].as_array().unwrap();
    assert_eq!(
        east_paths[0],
        json!({"id": w.advanced, "learningPathId": w.advanced, "type": "public", "learningPathName": "Advanced", "display_status": "Not Enrolled",
            "percentComplete": 0, "isEnrolled": false, "certificateCount": 0, "totalLPCourses": 1, "completedLpCourses": 0, "rating": null,
            "totalEstimatedTime": null})
    );
    assert_eq!((&east_paths[1]["display_status"], &east_paths[1]["isEnrolled"]), (&json!("Registered"), &json!(true)));
    // An enrolled path's id is the enrollment's (as the user's paths list it).
    let listed = get(
        &app,
        &w.eng_token,
        "/users/learning-paths?user_id=0&portalId=-1&viewType=self&page_size=10&page_number=1&order_by=%7B%7D&search_param=%7B%7D",
    )
    .await;
    let advanced = &eng["learningPaths"][0];
    assert_eq!((&advanced["id"], &advanced["learningPathId"]), (&listed["records"][1]["id"], &json!(w.advanced)));
    assert_ne!(advanced["id"], advanced["learningPathId"]);
    let hq = get(&app, &w.hq_token, &my(w.partners, &format!("&search_param={}", enc(json!({"status": ["started"]}))))).await;
    assert_eq!(
        (
            &hq["totalRecords"],
            &hq["recordsFiltered"],
            &hq["learningPaths"][0]["display_status"],
            &hq["learningPaths"][0]["percentComplete"]
        ),
        (&json!(2), &json!(1), &json!("Started"), &json!(0))
    );
    let named = get(&app, &w.learner, &my(w.partners, &format!("&search_param={}", enc(json!({"name": "adv"}))))).await;
    assert_eq!(column(&named["learningPaths"], "learningPathName"), [json!("Advanced")]);
    let desc = get(&app, &w.learner, &my(w.partners, &format!("&order_by={}", enc(json!({"colName": "name", "direction": "desc"}))))).await;
    assert_eq!(column(&desc["learningPaths"], "learningPathName"), [json!("Foundations"), json!("Advanced")]);
    let page = get(&app, &w.learner, &format!("/portals/{}/my-learning-paths?page_size=1&page_number=2", w.partners)).await;
    assert_eq!((&page["recordsFiltered"], column(&page["learningPaths"], "learningPathName")), (&json!(2), vec![json!("Foundations")]));
    assert_eq!(call(&app, Some(&w.learner), "GET", &my(999_999, ""), None).await, (404, json!({"message": "Portal not found"})));
    assert_eq!(
        call(&app, Some(&w.learner), "GET", &my(w.partners, &format!("&search_param={}", enc(json!({"status": ["lost"]})))), None).await,
        refusal("search_param.status", "The selected search param.status is invalid.")
    );

    // The catalog: the portal's courses and published paths, and whether the user is in each.
    let (status, catalog) =
        call(&app, Some(&w.admin), "POST", "/portals/catalog", Some(json!({"portalId": w.partners, "userId": w.hq, "search": []}))).await;
    assert_eq!(status, 200, "{catalog}");
    assert_eq!(keys(&catalog), sorted(&["courses", "learningPaths", "categoryIds"]));
    let courses = catalog["courses"].as_array().unwrap();
    // The courses by id (as the portal keeps them).
    let mut offered = [w.course, w.other_course];
    offered.sort();
    assert_eq!(column(&catalog["courses"], "courseId"), offered.iter().map(|id| json!(id)).collect::<Vec<_>>());
    assert!(courses.iter().all(|c| keys(c) == sorted(&["courseId", "contentName", "isEnrolled", "launchUrl", "categoryIds"])), "{catalog}");
    assert_eq!(column(&catalog["courses"], "isEnrolled"), [json!(true), json!(true)]);
    assert!(courses.iter().all(|c| c["launchUrl"].as_str().unwrap().starts_with("partners/course/") && c["categoryIds"] == json!([])));
    assert_eq!(
        catalog["learningPaths"],
        json!([
            {"learningPathId": w.advanced, "contentName": "Advanced", "isEnrolled": false, "launchUrl": "partners/learning-path/advanced/launch", "categoryIds": []},
            {"learningPathId": w.foundations, "contentName": "Foundations", "isEnrolled": true, "launchUrl": "partners/learning-path/foundations/launch", "categoryIds": []}
        ])
    );
    assert_eq!(catalog["categoryIds"], json!([]));
    let (_, named) = call(
        &app,
        Some(&w.learner),
        "POST",
        "/portals/catalog",
        Some(json!({"portalId": w.partners, "userId": w.east, "search": {"name": "ADV", "categoryIds": []}})),
    )
    .await;
    assert_eq!((&named["courses"], column(&named["learningPaths"], "isEnrolled")), (&json!([]), vec![json!(false)]));
    for (body, expected) in [
        (json!({"portalId": w.partners, "userId": w.hq}), (403, json!({"message": "This action is unauthorized."}))),
        (json!({"portalId": 999_999, "userId": w.east}), (404, json!({"message": "Portal not found"}))),
        (json!({"portalId": w.partners}), refusal("userId", "The userId field is required.")),
        (
            json!({"portalId": w.partners, "userId": w.east, "search": {"categoryIds": [3]}}),
            refusal("search.categoryIds", "The selected search.categoryIds is invalid."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.learner), "POST", "/portals/catalog", Some(body.clone())).await, expected, "{body}");
    }

    // The caller's courses in a portal.
    let body = |extra: Value| {
        let mut body = json!({"portalId": w.partners, "page_size": 10, "page_number": 1, "order_by": [], "search_param": []});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, mine) = call(&app, Some(&w.eng_token), "POST", "/portals/my-courses", Some(body(json!({})))).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(keys(&mine), sorted(&["courses", "totalRecords", "recordsFiltered"]));
    assert_eq!((&mine["totalRecords"], &mine["recordsFiltered"]), (&json!(2), &json!(2)));
    let course_keys = [
        "courseId",
        "registrationId",
        "type",
        "contentName",
        "rating",
        "enableCourseRating",
        "launchUrl",
        "canRecertify",
        "isEnrolled",
        "lastAccessed",
        "display_status",
        "percentComplete",
        "isExpired",
        "registered_on",
        "estimatedCompletionTime",
        "status",
    ];
    assert!(mine["courses"].as_array().unwrap().iter().all(|c| keys(c) == sorted(&course_keys)), "{mine}");
    assert_eq!(column(&mine["courses"], "status"), [json!("Completed"), json!("Completed")]);
    assert_eq!(column(&mine["courses"], "percentComplete"), [json!(100), json!(100)]);
    assert!(
        mine["courses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["type"] == "course" && c["isEnrolled"] == true && c["launchUrl"].as_str().unwrap().starts_with("/partners/course/"))
    );
    let (_, hq) =
        call(&app, Some(&w.hq_token), "POST", "/portals/my-courses", Some(body(json!({"search_param": {"status": ["In Progress"]}}))))
            .await;
    assert_eq!(
        (&hq["totalRecords"], &hq["recordsFiltered"], column(&hq["courses"], "courseId")),
        (&json!(2), &json!(1), vec![json!(w.course)])
    );
    let (_, page) =
        call(&app, Some(&w.hq_token), "POST", "/portals/my-courses", Some(body(json!({"page_size": 1, "page_number": 2})))).await;
    assert_eq!((&page["recordsFiltered"], page["courses"].as_array().unwrap().len()), (&json!(2), 1));
    let (_, asc) = call(
        &app,
        Some(&w.hq_token),
        "POST",
        "/portals/my-courses",
        Some(body(json!({"order_by": {"colName": "registered_on", "direction": "asc"}}))),
    )
    .await;
    let (_, desc) = call(
        &app,
        Some(&w.hq_token),
        "POST",
        "/portals/my-courses",
        Some(body(json!({"order_by": {"colName": "registered_on", "direction": "desc"}}))),
    )
    .await;
    let mut reversed = column(&asc["courses"], "registrationId");
    reversed.reverse();
    assert_eq!(column(&desc["courses"], "registrationId"), reversed);
    assert_ne!(column(&asc["courses"], "registrationId"), reversed, "the two enrollments differ in age");
    for (extra, expected) in [
        (json!({"portalId": 999_999}), (404, json!({"message": "Portal not found"}))),
        (json!({"order_by": null}), refusal("order_by", "The order by field is required.")),
        (
            json!({"search_param": {"categories": [1]}}),
            refusal("search_param.categories", "The selected search param.categories is invalid."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.hq_token), "POST", "/portals/my-courses", Some(body(extra.clone()))).await, expected, "{extra}");
    }
}

async fn user_paths_and_course_report(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let paths = |user: i64, portal: &str, view: &str, extra: &str| {
        format!(
            "/users/learning-paths?user_id={user}&portalId={portal}&viewType={view}&page_size=10&page_number=1&order_by={}&search_param={}{extra}",
            enc(json!({"colName": "started_on", "direction": "asc"})),
            enc(json!({}))
        )
    };
    let eng = get(&app, &w.admin, &paths(w.eng, "-1", "manage", "")).await;
    assert_eq!(keys(&eng), sorted(&["recordsTotal", "recordsFiltered", "records", "name", "userType"]));
    assert_eq!(
        (&eng["recordsTotal"], &eng["recordsFiltered"], &eng["name"], &eng["userType"]),
        (&json!(2), &json!(2), &json!(""), &json!("Learner"))
    );
    let day = w.today.format("%d-%m-%Y").to_string();
    let foundations = &eng["records"][0];
    let record_keys = [
        "id",
        "learningPathName",
        "status",
        "display_status",
        "percentComplete",
        "registered_on",
        "started_on",
        "completed_on",
        "certificateCount",
        "totalLPCourses",
        "completedLpCourses",
        "rating",
        "totalEstimatedTime",
    ];
    let mut expected = record_keys.to_vec();
    expected.push("learningPathId");
    assert_eq!(keys(foundations), sorted(&expected));
    assert_eq!(
        (&foundations["learningPathName"], &foundations["status"], &foundations["display_status"], &foundations["percentComplete"]),
        (&json!("Foundations"), &json!("Completed"), &json!("Completed"), &json!(100))
    );
    assert_eq!(
        (&foundations["registered_on"], &foundations["started_on"], &foundations["completed_on"], &foundations["certificateCount"]),
        (&json!(day), &json!(day), &json!(day), &json!(0))
    );
    assert_eq!(
        (&foundations["totalLPCourses"], &foundations["completedLpCourses"], &foundations["rating"]),
        (&json!(2), &json!(2), &Value::Null)
    );
    assert_eq!(column(&eng["records"], "learningPathName"), [json!("Foundations"), json!("Advanced")]);
    let desc = get(
        &app,
        &w.admin,
        &paths(w.eng, "-1", "manage", &format!("&order_by={}", enc(json!({"colName": "registered_on", "direction": "desc"})))),
    )
    .await;
    assert_eq!(column(&desc["records"], "learningPathName"), [json!("Advanced"), json!("Foundations")]);
    // By the path's name: Advanced before Foundations, though enrolled in after it.
    let by_name =
        get(&app, &w.admin, &paths(w.eng, "-1", "manage", &format!("&order_by={}", enc(json!({"colName": "name", "direction": "asc"})))))
            .await;
    assert_eq!(column(&by_name["records"], "learningPathName"), [json!("Advanced"), json!("Foundations")]);
    // Search by the path's name and by status; paging.
    let named = get(&app, &w.admin, &paths(w.eng, "-1", "manage", &format!("&search_param={}", enc(json!({"nameOrEmail": "adv"}))))).await;
    assert_eq!(
        (&named["recordsTotal"], &named["recordsFiltered"], column(&named["records"], "learningPathName")),
        (&json!(2), &json!(1), vec![json!("Advanced")])
    );
    let hq = get(
        &app,
        &w.admin,
        &paths(w.hq, "-1", "manage", &format!("&search_param={}", enc(json!({"status": ["Not Started", "In Progress"]})))),
    )
    .await;
    assert_eq!(
        (&hq["recordsFiltered"], &hq["records"][0]["status"], &hq["records"][0]["percentComplete"]),
        (&json!(1), &json!("In Progress"), &json!(0))
    );
    let none = get(&app, &w.admin, &paths(w.hq, "-1", "manage", &format!("&search_param={}", enc(json!({"status": ["Completed"]}))))).await;
    assert_eq!((&none["recordsTotal"], &none["recordsFiltered"], &none["records"]), (&json!(1), &json!(0), &json!([])));
    let page =
        get(&app, &w.admin, &paths(w.eng, "-1", "manage", "").replace("page_size=10&page_number=1", "page_size=1&page_number=2")).await;
    assert_eq!((&page["recordsFiltered"], column(&page["records"], "learningPathName")), (&json!(2), vec![json!("Advanced")]));
    // Portals: ENG is in the root portal, not in East.
    assert_eq!(get(&app, &w.admin, &paths(w.eng, &w.root.to_string(), "manage", "")).await["recordsTotal"], 2);
    assert_eq!(get(&app, &w.admin, &paths(w.eng, &w.sub.to_string(), "manage", "")).await["recordsTotal"], 0);
    // Roles: a learner sees its own (self), not another's; a portal admin, its portals' learners.
    let own = get(&app, &w.learner, &paths(w.eng, "-1", "self", "")).await;
    assert_eq!((&own["recordsTotal"], &own["records"][0]["status"]), (&json!(1), &json!("Not Started")));
    assert_eq!(
        call(&app, Some(&w.learner), "GET", &paths(w.eng, "-1", "manage", ""), None).await,
        (403, json!({"message": "This action is unauthorized."}))
    );
    assert_eq!(get(&app, &w.portal_admin, &paths(w.east, "-1", "manage", "")).await["recordsTotal"], 1);
    assert_eq!(
        call(&app, Some(&w.portal_admin), "GET", &paths(w.hq, "-1", "manage", ""), None).await,
        (404, json!({"message": "User not found"}))
    );
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &paths(999_999, "-1", "manage", ""), None).await,
        (404, json!({"message": "User not found"}))
    );
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &paths(w.eng, "999999", "manage", ""), None).await,
        (404, json!({"message": "Portal not found"}))
    );
    let bare = format!("/users/learning-paths?user_id={}&portalId=-1&viewType=manage&page_size=10&page_number=1", w.eng);
    for (path, expected) in [
        (bare.clone(), refusal("order_by", "The order by field is required.")),
        (format!("{bare}&order_by=%7B%7D"), refusal("search_param", "The search param field is required.")),
        (paths(w.eng, "-1", "boss", ""), refusal("viewType", "The selected view type is invalid.")),
        (paths(w.eng, "-1", "manage", "").replace("portalId=-1&", ""), refusal("portalId", "The portalId field is required.")),
        (
            paths(w.eng, "-1", "manage", "").replace("page_size=10", "page_size=ten"),
            refusal("page_size", "The page size field must be an integer."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.admin), "GET", &path, None).await, expected, "{path}");
    }

    // A user's course report: every course of the user, totals adding up.
    let report = |user: i64, extra: &str| format!("/users/course-report?user_id={user}&page_size=50&page_number=1{extra}");
    let all = get(&app, &w.admin, &report(w.eng, "")).await;
    assert_eq!(
        keys(&all),
        sorted(&[
            "courseName",
            "featuredImage",
            "recordsTotal",
            "totalNotStarted",
            "totalInProgress",
            "totalCompleted",
            "recordsFiltered",
            "records"
        ])
    );
    assert_eq!((&all["courseName"], &all["featuredImage"]), (&Value::Null, &Value::Null));
    // ENG: the fixture's COURSE_1 (completed) and the paths' COURSE_3 and COURSE_2, completed.
    assert_eq!(
        (&all["recordsTotal"], &all["totalNotStarted"], &all["totalInProgress"], &all["totalCompleted"], &all["recordsFiltered"]),
        (&json!(3), &json!(0), &json!(0), &json!(3), &json!(3))
    );
    let row_keys = [
        "first_name",
        "last_name",
        "status",
        "percent_complete",
        "access_status",
        "registered_on",
        "started_on",
        "completed_on",
        "expire_on",
        "last_accessed_on",
        "percent_achieved",
        "total_time_spent",
        "certifcate_issued",
    ];
    let mut expected = row_keys.to_vec();
    expected.extend(["course_id", "course_name"]);
    let rows = all["records"].as_array().unwrap();
    assert!(rows.iter().all(|r| keys(r) == sorted(&expected)), "{all}");
    let course3 = rows.iter().find(|r| r["course_id"] == json!(w.course)).unwrap();
    let day = w.today.format("%d-%b-%Y").to_string();
    assert_eq!(
        (&course3["status"], &course3["percent_complete"], &course3["access_status"], &course3["registered_on"], &course3["completed_on"]),
        (&json!("Completed"), &json!(100), &json!("Allowed"), &json!(day), &json!(day))
    );
    assert_eq!(
        (&course3["certifcate_issued"], &course3["total_time_spent"], &course3["percent_achieved"]),
        (&json!("Yes"), &json!("0h 0m"), &Value::Null)
    );
    let course2 = rows.iter().find(|r| r["course_id"] == json!(w.other_course)).unwrap();
    assert_eq!(course2["certifcate_issued"], "No", "COURSE_2 has no certificate template");
    // HQ: COURSE_3 in progress, COURSE_2 not started; status and name filters, order, paging.
    let hq = get(&app, &w.admin, &report(w.hq, "")).await;
    assert_eq!(
        (&hq["recordsTotal"], &hq["totalNotStarted"], &hq["totalInProgress"], &hq["totalCompleted"]),
        (&json!(2), &json!(1), &json!(1), &json!(0))
    );
    let started =
        get(&app, &w.admin, &report(w.hq, &format!("&search_param={}", enc(json!({"nameOrEmail": "", "status": ["In Progress"]}))))).await;
    assert_eq!(
        (&started["recordsTotal"], &started["recordsFiltered"], column(&started["records"], "course_id")),
        (&json!(2), &json!(1), vec![json!(w.course)])
    );
    let page = get(&app, &w.admin, &format!("/users/course-report?user_id={}&page_size=1&page_number=1", w.hq)).await;
    assert_eq!((&page["recordsFiltered"], page["records"].as_array().unwrap().len()), (&json!(2), 1));
    let asc =
        get(&app, &w.admin, &report(w.hq, &format!("&order_by={}", enc(json!({"colName": "registered_on", "direction": "asc"}))))).await;
    let desc =
        get(&app, &w.admin, &report(w.hq, &format!("&order_by={}", enc(json!({"colName": "registered_on", "direction": "desc"}))))).await;
    let mut reversed = column(&asc["records"], "course_id");
    reversed.reverse();
    assert_eq!(column(&desc["records"], "course_id"), reversed);
    assert_ne!(column(&desc["records"], "course_id"), column(&asc["records"], "course_id"));
    // Portals in the seed's shapes: HQ is in Partners only; EAST in East, under the root portal.
    let wrapped = |name: &str, value: Value| format!("&{name}={}", enc(json!({name: value})));
    assert_eq!(get(&app, &w.admin, &report(w.hq, &wrapped("portalId", json!(w.root)))).await["recordsTotal"], 0);
    assert_eq!(get(&app, &w.admin, &report(w.hq, &wrapped("portalId", json!(w.partners)))).await["recordsTotal"], 2);
    assert_eq!(get(&app, &w.admin, &report(w.hq, &format!("&portalId={}", w.partners))).await["recordsTotal"], 2);
    assert_eq!(get(&app, &w.admin, &report(w.hq, "&portalId=-1")).await["recordsTotal"], 2);
    let east = get(&app, &w.admin, &report(w.east, "")).await["recordsTotal"].clone();
    assert_eq!(get(&app, &w.admin, &report(w.east, &wrapped("searchPortalIds", json!([w.root, w.partners])))).await["recordsTotal"], east);
    assert_eq!(get(&app, &w.admin, &report(w.east, &wrapped("searchPortalIds", json!([w.partners])))).await["recordsTotal"], 0);
    // Roles.
    assert_eq!(get(&app, &w.hq_token, &report(w.hq, "")).await["recordsTotal"], 2, "a learner reads its own report");
    assert_eq!(
        call(&app, Some(&w.hq_token), "GET", &report(w.eng, ""), None).await,
        (403, json!({"message": "This action is unauthorized."}))
    );
    assert_eq!(get(&app, &w.portal_admin, &report(w.east, "")).await["recordsTotal"], east);
    assert_eq!(call(&app, Some(&w.portal_admin), "GET", &report(w.hq, ""), None).await, (404, json!({"message": "User not found"})));
    assert_eq!(
        call(&app, Some(&w.admin), "GET", &report(w.hq, &wrapped("portalId", json!(999_999))), None).await,
        (404, json!({"message": "Portal not found"}))
    );
    for (path, expected) in [
        ("/users/course-report?page_size=5&page_number=1".to_string(), refusal("user_id", "The user id field is required.")),
        (report(w.hq, &wrapped("portalId", json!("x"))), refusal("portalId", "The portalId field must hold integers.")),
        (
            report(w.hq, &format!("&search_param={}", enc(json!({"status": ["Lost"]})))),
            refusal("search_param.status", "The selected search param.status is invalid."),
        ),
    ] {
        assert_eq!(call(&app, Some(&w.admin), "GET", &path, None).await, expected, "{path}");
    }
}

on_both_backends!(detail_report, overview_and_activity, portal_paths_and_catalog, user_paths_and_course_report);
