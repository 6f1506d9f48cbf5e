//! Every iSpring operation beyond getEnrollments, over real HTTP on both backends: results,
//! documented faults, department scope, all-or-nothing writes. Every response is XSD-valid.

mod common;

use common::fixture::*;
use common::soap::{self, all_texts, children, enrollment_ids, find_text, get_enrollments, request, sorted};
use common::{Backend, TestApp, assert_schema_valid, spawn_app};
use lmsbridge::faces::soap::xml::Element;

/// Calls `op` and expects success; returns the result element.
async fn ok(app: &TestApp, token: &str, op: &str, inner: &str) -> Element {
    let reply = app.soap(request(op, token, inner)).await;
    assert_eq!(reply.status, 200, "{op}: {}", reply.body);
    assert_schema_valid(&reply.body);
    let result = soap::body_child(&reply.body);
    if result.local == "SuccessResult" {
        assert_eq!(find_text(&result, "success").as_deref(), Some("true"));
    }
    result
}

/// Calls `op` and expects a fault; returns it.
async fn fault(app: &TestApp, token: &str, op: &str, inner: &str) -> soap::Fault {
    let reply = app.soap(request(op, token, inner)).await;
    assert_eq!(reply.status, 500, "{op} should fail: {}", reply.body);
    assert_schema_valid(&reply.body);
    soap::fault(&reply.body)
}

async fn active_ids(app: &TestApp, learners: &[&str]) -> Vec<String> {
    let reply = app.soap(get_enrollments(&app.fixture.admin_token, None, Some(learners))).await;
    enrollment_ids(&reply.body)
}

fn ids(wrapper: &str, ids: &[&str]) -> String {
    soap::ids(wrapper, ids)
}

async fn enrollments_are_created_changed_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let enroll = format!(
        "{}{}<accessDate>2026-03-01T10:00:00Z</accessDate><dueDateType>due_date</dueDateType><dueDate>2026-04-01</dueDate><lockAfterDueDate>true</lockAfterDueDate>",
        ids("courseIds", &[COURSE_3]),
        ids("learnerIds", &[SALES_LEARNER, ENG_LEARNER])
    );
    ok(&app, t, "EnrollLearnersInCourses", &enroll).await;
    let reply = app.soap(get_enrollments(t, Some(&[COURSE_3]), Some(&[SALES_LEARNER, ENG_LEARNER]))).await;
    let created = soap::enrollments(&reply.body);
    assert_eq!(created.len(), 2, "archived enrollments do not block a new one");
    for e in &created {
        assert_eq!(
            (e["accessDate"].as_str(), e["dueDate"].as_str(), e["expirationDate"].as_str()),
            ("2026-03-01", "2026-04-01", "2026-04-01")
        );
        assert_eq!((e["shouldLockAfterDueDate"].as_str(), e["enrollmentTypeGroup"].as_str()), ("1", "0"));
    }

    // Enrolling again is not a duplicate, and leaves the existing enrollment as it was.
    ok(&app, t, "EnrollLearnersInCourses", &enroll.replace("2026-04-01", "2026-05-01")).await;
    let again = soap::enrollments(&app.soap(get_enrollments(t, Some(&[COURSE_3]), Some(&[SALES_LEARNER, ENG_LEARNER]))).await.body);
    assert_eq!(again, created);

    let id = created[0]["enrollmentId"].clone();
    let one = ok(&app, t, "GetEnrollment", &format!("<enrollmentId>{id}</enrollmentId>")).await;
    assert_eq!(find_text(&one, "dueDate").as_deref(), Some("2026-04-01"));

    ok(
        &app,
        t,
        "ChangeEnrollment",
        &format!("<enrollmentId>{id}</enrollmentId><dueDateType>unlimited</dueDateType><lockAfterDueDate>false</lockAfterDueDate>"),
    )
    .await;
    let changed = ok(&app, t, "GetEnrollment", &format!("<enrollmentId>{id}</enrollmentId>")).await;
    assert_eq!(find_text(&changed, "dueDate"), None);
    assert_eq!(find_text(&changed, "shouldLockAfterDueDate").as_deref(), Some("0"));
    assert_eq!(find_text(&changed, "accessDate").as_deref(), Some("2026-03-01"), "what is left out stays");

    ok(&app, t, "ChangeEnrollment", &format!("<enrollmentId>{id}</enrollmentId><accessDate>2026-03-05T08:00:00+02:00</accessDate><dueDateType>due_period</dueDateType><duePeriod>48</duePeriod>")).await;
    let changed = ok(&app, t, "GetEnrollment", &format!("<enrollmentId>{id}</enrollmentId>")).await;
    assert_eq!(find_text(&changed, "accessDate").as_deref(), Some("2026-03-05"));
    assert_eq!(find_text(&changed, "dueDate").as_deref(), Some("2026-03-07"));

    ok(&app, t, "Unenroll", &format!("<enrollmentId>{id}</enrollmentId>")).await;
    let f = fault(&app, t, "GetEnrollment", &format!("<enrollmentId>{id}</enrollmentId>")).await;
    assert_eq!((f.string.as_str(), f.code.as_str()), ("Unknown Enrollment", "SOAP-ENV:Client"));
    // iSpring documents `Wrong parameters` for unenrolling an unknown enrollment.
    assert_eq!(fault(&app, t, "Unenroll", &format!("<enrollmentId>{id}</enrollmentId>")).await.string, "Wrong parameters");
    assert_eq!(fault(&app, t, "ChangeEnrollment", "<enrollmentId>nope</enrollmentId>").await.string, "Unknown Enrollment");
    assert_eq!(fault(&app, t, "GetEnrollment", &format!("<enrollmentId>{E_ARCHIVED}</enrollmentId>")).await.string, "Unknown Enrollment");
}

async fn due_date_types_follow_their_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let enroll = |course: &str, learner: &str, due: &str| {
        format!("{}{}<accessDate>2026-06-01T22:00:00Z</accessDate>{due}", ids("courseIds", &[course]), ids("learnerIds", &[learner]))
    };
    ok(&app, t, "EnrollLearnersInCourses", &enroll(COURSE_3, ENG_LEARNER, "<dueDateType>due_period</dueDateType><duePeriod>5</duePeriod>"))
        .await;
    // Course 2's default due period is 72 hours; course 3 has none.
    ok(&app, t, "EnrollLearnersInCourses", &enroll(COURSE_2, HQ_LEARNER, "<dueDateType>default</dueDateType>")).await;
    ok(&app, t, "EnrollLearnersInCourses", &enroll(COURSE_3, EAST_LEARNER, "<dueDateType>default</dueDateType>")).await;
    let all = soap::enrollments(&app.soap(get_enrollments(t, None, Some(&[ENG_LEARNER, HQ_LEARNER, EAST_LEARNER]))).await.body);
    let due = |learner: &str, course: &str| {
        all.iter().find(|e| e["learnerId"] == learner && e["courseId"] == course).unwrap().get("dueDate").cloned()
    };
    assert_eq!(due(ENG_LEARNER, COURSE_3).as_deref(), Some("2026-06-02"), "22:00 + 5 hours");
    assert_eq!(due(HQ_LEARNER, COURSE_2).as_deref(), Some("2026-06-04"));
    assert_eq!(due(EAST_LEARNER, COURSE_3), None);

    for (due, field) in [
        ("<dueDateType>due_date</dueDateType>", "dueDate"),
        ("<dueDateType>due_period</dueDateType>", "duePeriod"),
        ("<dueDateType>unlimited</dueDateType><dueDate>2026-07-01</dueDate>", "dueDate"),
        ("<dueDateType>due_date</dueDateType><dueDate>2026-07-01</dueDate><duePeriod>3</duePeriod>", "duePeriod"),
        ("<dueDateType>due_date</dueDateType><dueDate>2026-05-01</dueDate>", "dueDate"),
    ] {
        let f = fault(&app, t, "EnrollLearnersInCourses", &enroll(COURSE_1, HQ_LEARNER, due)).await;
        assert_eq!(
            (f.string.as_str(), f.detail_code.as_str(), f.path.as_deref()),
            ("Wrong parameters", "VALUE", Some(field)),
            "{due}: {}",
            f.message
        );
    }
}

async fn enrolling_is_all_or_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let before = active_ids(&app, &[SALES_LEARNER, ENG_LEARNER, HQ_LEARNER]).await;
    let attempt = |courses: &[&str], learners: &[&str]| {
        format!("{}{}<dueDateType>unlimited</dueDateType>", ids("courseIds", courses), ids("learnerIds", learners))
    };
    let f = fault(&app, t, "EnrollLearnersInCourses", &attempt(&[COURSE_3], &[HQ_LEARNER, ENG_LEARNER, "nobody"])).await;
    assert_eq!(f.string, "Unknown user");
    assert!(f.message.contains("nobody"));
    let f = fault(&app, t, "EnrollLearnersInCourses", &attempt(&[COURSE_3, "no-course"], &[ENG_LEARNER])).await;
    assert_eq!(f.string, "Unknown content item");
    // A department administrator of Sales cannot enroll an Engineering learner, nor anyone with them.
    let f =
        fault(&app, &app.fixture.sales_admin_token, "EnrollLearnersInCourses", &attempt(&[COURSE_3], &[SALES_LEARNER, ENG_LEARNER])).await;
    assert_eq!(f.string, "Permission denied");
    assert_eq!(
        fault(&app, &app.fixture.learner_token, "EnrollLearnersInCourses", &attempt(&[COURSE_3], &[ENG_LEARNER])).await.string,
        "Permission denied"
    );
    assert_eq!(active_ids(&app, &[SALES_LEARNER, ENG_LEARNER, HQ_LEARNER]).await, before, "nothing was created");

    ok(&app, &app.fixture.sales_admin_token, "EnrollLearnersInCourses", &attempt(&[COURSE_3], &[SALES_LEARNER, EAST_LEARNER])).await;
    assert_eq!(active_ids(&app, &[SALES_LEARNER, EAST_LEARNER]).await.len(), 6);
}

async fn list_enrollments_pages_by_key(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.fixture.admin_token.clone();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = token.as_ref().map(|k| format!("<pageToken>{k}</pageToken>")).unwrap_or_default();
        let result = ok(&app, &t, "ListEnrollments", &format!("<pageSize>3</pageSize>{page}")).await;
        let wrapper = &children(&result, "enrollments")[0];
        seen.extend(all_texts(wrapper, "enrollmentId"));
        pages += 1;
        if pages == 1 {
            // Rows added while a client pages appear on a later page; none repeats, none is skipped.
            ok(
                &app,
                &t,
                "EnrollLearnersInCourses",
                &format!("{}{}<dueDateType>unlimited</dueDateType>", ids("courseIds", &[COURSE_1]), ids("learnerIds", &[HQ_LEARNER])),
            )
            .await;
        }
        token = find_text(&result, "nextPageToken");
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3, "8 enrollments in pages of 3");
    assert_eq!(seen.len(), ACTIVE.len() + 1);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());

    // The default page holds everything; filters apply as in GetEnrollments.
    let result = ok(&app, &t, "ListEnrollments", &ids("learnerIds", &[SALES_LEARNER])).await;
    assert_eq!(all_texts(&result, "enrollmentId").len(), 2);
    assert_eq!(find_text(&result, "nextPageToken"), None);
    let f = fault(&app, &t, "ListEnrollments", "<pageToken>forged</pageToken>").await;
    assert_eq!((f.string.as_str(), f.path.as_deref()), ("Wrong parameters", Some("pageToken")));
    let f = fault(&app, &t, "ListEnrollments", "<pageSize>0</pageSize>").await;
    assert_eq!(f.detail_code, "TYPE");
}

async fn users_are_managed_end_to_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let group = find_text(&ok(&app, t, "AddGroup", "<name>Mentors</name>").await, "groupId").unwrap();
    let added = ok(&app, t, "AddUser", &format!(
        "<login>new.user</login><email>new@acme.example.test</email><password>Passw0rd</password><firstName>Nia</firstName><lastName>Ode</lastName>\
         <departmentId>{DEPT_EAST}</departmentId>{}", ids("groups", &[&group]))).await;
    let user = find_text(&added, "userId").unwrap();

    let profile = ok(&app, t, "GetUserProfile", &format!("<userId>{user}</userId>")).await;
    for (field, value) in [
        ("login", "new.user"),
        ("email", "new@acme.example.test"),
        ("firstName", "Nia"),
        ("departmentId", DEPT_EAST),
        ("status", "1"),
        ("role", "learner"),
    ] {
        assert_eq!(find_text(&profile, field).as_deref(), Some(value), "{field}");
    }
    assert_eq!(all_texts(children(children(&profile, "userProfile")[0], "groups")[0], "id"), std::slice::from_ref(&group));

    let f = fault(&app, t, "AddUser", &format!("<login>new.user</login><departmentId>{DEPT_HQ}</departmentId>")).await;
    assert_eq!(f.string, "User with the same login is already registered.");
    let f = fault(
        &app,
        t,
        "AddUser",
        &format!("<login>other</login><email>new@acme.example.test</email><departmentId>{DEPT_HQ}</departmentId>"),
    )
    .await;
    assert_eq!(f.string, "User with the same email is already registered.");
    assert_eq!(fault(&app, t, "AddUser", "<login>x</login><departmentId>nope</departmentId>").await.string, "Unknown Department");
    let f =
        fault(&app, t, "AddUser", &format!("<login>weak</login><password>password</password><departmentId>{DEPT_HQ}</departmentId>")).await;
    assert_eq!((f.string.as_str(), f.path.as_deref()), ("Wrong parameters", Some("password")));

    ok(&app, t, "UpdateUserProfile", &format!("<userId>{user}</userId><lastName>Odea</lastName><departmentId>{DEPT_ENG}</departmentId>"))
        .await;
    let profile = ok(&app, t, "GetUserProfile", &format!("<userId>{user}</userId>")).await;
    assert_eq!(
        (
            find_text(&profile, "lastName").as_deref(),
            find_text(&profile, "departmentId").as_deref(),
            find_text(&profile, "firstName").as_deref()
        ),
        (Some("Odea"), Some(DEPT_ENG), Some("Nia"))
    );
    assert_eq!(
        fault(&app, t, "UpdateUserProfile", &format!("<userId>{user}</userId><login>admin</login>")).await.string,
        "User with the same login is already registered."
    );

    ok(&app, t, "DeactivateUsers", &ids("userIds", &[&user, HQ_LEARNER])).await;
    let users = ok(&app, t, "GetUsers", &format!("<departmentId>{DEPT_ENG}</departmentId>")).await;
    let statuses: Vec<_> =
        children(&users, "userProfile").iter().map(|p| (find_text(p, "login").unwrap(), find_text(p, "status").unwrap())).collect();
    assert!(statuses.contains(&("new.user".into(), "3".into())), "{statuses:?}");
    ok(&app, t, "ActivateUsers", &ids("userIds", &[&user])).await;
    assert_eq!(find_text(&ok(&app, t, "GetUserProfile", &format!("<userId>{user}</userId>")).await, "status").as_deref(), Some("1"));
    assert_eq!(fault(&app, t, "ActivateUsers", &ids("userIds", &[&user, "ghost"])).await.string, "Unknown user");

    // A new password works with the legacy credentials.
    assert_eq!(
        fault(&app, t, "UpdateUserPassword", &format!("<userId>{user}</userId><password>alllower1</password>")).await.string,
        "Wrong parameters"
    );
    ok(&app, t, "UpdateUserPassword", "<userId>user-admin</userId><password>N3w-secret</password>").await;
    let legacy = soap::envelope(&format!(
        "<GetUsersRequest><credentials><accountUrl>{ACCOUNT_URL}</accountUrl><email>admin</email><password>N3w-secret</password></credentials></GetUsersRequest>"
    ));
    assert_eq!(app.soap(legacy).await.status, 200);

    // Deleting a user removes them and their enrollments, and frees their login.
    ok(&app, t, "DeleteUser", &format!("<userId>{SALES_LEARNER}</userId>")).await;
    assert_eq!(fault(&app, t, "GetUserProfile", &format!("<userId>{SALES_LEARNER}</userId>")).await.string, "Unknown user");
    assert!(active_ids(&app, &[SALES_LEARNER]).await.is_empty());
    assert_eq!(enrollment_ids(&app.soap(get_enrollments(t, None, None)).await.body).len(), ACTIVE.len() - 2);
    ok(&app, t, "AddUser", &format!("<login>sales.learner</login><departmentId>{DEPT_SALES}</departmentId>")).await;
    assert_eq!(fault(&app, t, "DeleteUser", "<userId>ghost</userId>").await.string, "Unknown user");

    // Listing pages and filters.
    let result = ok(&app, t, "ListUsers", "<logins><login>admin</login><login>east.learner</login></logins>").await;
    assert_eq!(sorted(&all_texts(&result, "login").iter().map(String::as_str).collect::<Vec<_>>()), sorted(&["admin", "east.learner"]));
    let first = ok(&app, t, "ListUsers", "<pageSize>2</pageSize>").await;
    assert_eq!(children(children(&first, "userProfiles")[0], "userProfile").len(), 2);
    assert!(find_text(&first, "nextPageToken").is_some());
}

async fn department_administrators_manage_only_their_users(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.sales_admin_token;
    let users = ok(&app, t, "GetUsers", "").await;
    let logins = sorted(&all_texts(&users, "login").iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(logins, sorted(&["sales.learner", "east.learner"]));
    assert_eq!(fault(&app, t, "GetUserProfile", &format!("<userId>{ENG_LEARNER}</userId>")).await.string, "Permission denied");
    assert_eq!(fault(&app, t, "GetUsers", &format!("<departmentId>{DEPT_ENG}</departmentId>")).await.string, "Permission denied");
    assert_eq!(
        fault(&app, t, "AddUser", &format!("<login>x</login><departmentId>{DEPT_ENG}</departmentId>")).await.string,
        "Permission denied"
    );
    let f =
        fault(&app, t, "AddUser", &format!("<login>x</login><departmentId>{DEPT_EAST}</departmentId><role>account_administrator</role>"))
            .await;
    assert_eq!(f.string, "Permission denied", "no privilege escalation");
    ok(&app, t, "AddUser", &format!("<login>x</login><departmentId>{DEPT_EAST}</departmentId>")).await;
    assert_eq!(fault(&app, t, "DeactivateUsers", &ids("userIds", &[EAST_LEARNER, ENG_LEARNER])).await.string, "Permission denied");
    assert_eq!(fault(&app, t, "DeleteUser", &format!("<userId>{HQ_LEARNER}</userId>")).await.string, "Permission denied");
    assert_eq!(
        fault(&app, t, "UpdateUserPassword", "<userId>user-admin</userId><password>Hijack3d</password>").await.string,
        "Permission denied"
    );
    assert_eq!(fault(&app, &app.fixture.learner_token, "GetUsers", "").await.string, "Permission denied");
}

async fn departments_form_a_tree(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let added = ok(
        &app,
        t,
        "AddDepartment",
        &format!("<name>Sales North</name><parentDepartmentId>{DEPT_SALES}</parentDepartmentId><code>SN</code>"),
    )
    .await;
    let north = find_text(&added, "departmentId").unwrap();
    let got = ok(&app, t, "GetDepartment", &format!("<departmentId>{north}</departmentId>")).await;
    assert_eq!(
        (find_text(&got, "name").as_deref(), find_text(&got, "code").as_deref(), find_text(&got, "parentDepartmentId").as_deref()),
        (Some("Sales North"), Some("SN"), Some(DEPT_SALES))
    );

    // The Sales administrator sees it (a sub-department) and can rename it.
    let seen = ok(&app, &app.fixture.sales_admin_token, "GetDepartments", "").await;
    assert_eq!(
        sorted(&all_texts(&seen, "departmentId").iter().map(String::as_str).collect::<Vec<_>>()),
        sorted(&[DEPT_SALES, DEPT_EAST, &north])
    );
    ok(&app, &app.fixture.sales_admin_token, "UpdateDepartment", &format!("<departmentId>{north}</departmentId><name>North</name>")).await;
    assert_eq!(
        fault(
            &app,
            &app.fixture.sales_admin_token,
            "UpdateDepartment",
            &format!("<departmentId>{DEPT_ENG}</departmentId><name>Mine</name>")
        )
        .await
        .string,
        "Permission denied"
    );
    assert_eq!(fault(&app, &app.fixture.sales_admin_token, "AddDepartment", "<name>Top</name>").await.string, "Permission denied");

    // A department cannot move below itself.
    let f = fault(
        &app,
        t,
        "UpdateDepartment",
        &format!("<departmentId>{DEPT_SALES}</departmentId><parentDepartmentId>{north}</parentDepartmentId>"),
    )
    .await;
    assert_eq!((f.string.as_str(), f.path.as_deref()), ("Wrong parameters", Some("parentDepartmentId")));
    ok(&app, t, "UpdateDepartment", &format!("<departmentId>{north}</departmentId><parentDepartmentId>{DEPT_HQ}</parentDepartmentId>"))
        .await;
    let got = ok(&app, t, "GetDepartment", &format!("<departmentId>{north}</departmentId>")).await;
    assert_eq!((find_text(&got, "name").as_deref(), find_text(&got, "parentDepartmentId").as_deref()), (Some("North"), Some(DEPT_HQ)));

    // Deleting is refused while users or sub-departments remain.
    let f = fault(&app, t, "DeleteDepartment", &format!("<departmentId>{DEPT_SALES}</departmentId>")).await;
    assert_eq!(f.string, "Department is not empty");
    assert!(f.message.contains("sub-departments"));
    let f = fault(&app, t, "DeleteDepartment", &format!("<departmentId>{DEPT_ENG}</departmentId>")).await;
    assert!(f.message.contains("users"), "{}", f.message);
    ok(&app, t, "DeleteDepartment", &format!("<departmentId>{north}</departmentId>")).await;
    assert_eq!(fault(&app, t, "GetDepartment", &format!("<departmentId>{north}</departmentId>")).await.string, "Unknown Department");
    assert_eq!(fault(&app, t, "DeleteDepartment", "<departmentId>nope</departmentId>").await.string, "Unknown Department");

    let page = ok(&app, t, "ListDepartments", "<pageSize>3</pageSize>").await;
    assert_eq!(all_texts(&page, "departmentId").len(), 3);
    let next = find_text(&page, "nextPageToken").unwrap();
    let rest = ok(&app, t, "ListDepartments", &format!("<pageSize>3</pageSize><pageToken>{next}</pageToken>")).await;
    assert_eq!(all_texts(&rest, "departmentId").len(), 1);
    assert_eq!(find_text(&rest, "nextPageToken"), None);
}

async fn groups_hold_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let group = find_text(
        &ok(&app, t, "AddGroup", &format!("<name>Onboarding</name>{}", ids("userIds", &[SALES_LEARNER, ENG_LEARNER]))).await,
        "groupId",
    )
    .unwrap();
    let members = |result: &Element| {
        let group_element =
            children(result, "group").into_iter().find(|g| find_text(g, "groupId").as_deref() == Some(group.as_str())).unwrap().clone();
        sorted(&all_texts(&group_element, "id").iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(members(&ok(&app, t, "GetGroups", "").await), sorted(&[SALES_LEARNER, ENG_LEARNER]));
    assert_eq!(
        members(&ok(&app, &app.fixture.sales_admin_token, "GetGroups", "").await),
        sorted(&[SALES_LEARNER]),
        "members outside one's departments are not shown"
    );

    ok(&app, t, "UpdateGroupMembers", &format!("<groupId>{group}</groupId>{}", ids("userIds", &[EAST_LEARNER, HQ_LEARNER]))).await;
    assert_eq!(members(&ok(&app, t, "GetGroups", "").await), sorted(&[EAST_LEARNER, HQ_LEARNER]));
    ok(
        &app,
        &app.fixture.sales_admin_token,
        "RemoveUserFromGroups",
        &format!("<userId>{EAST_LEARNER}</userId>{}", ids("groupIds", &[&group])),
    )
    .await;
    assert_eq!(members(&ok(&app, t, "GetGroups", "").await), sorted(&[HQ_LEARNER]));
    let users = ok(&app, t, "GetUsers", &format!("<groupId>{group}</groupId>")).await;
    assert_eq!(all_texts(&users, "userId"), [HQ_LEARNER]);

    assert_eq!(
        fault(&app, t, "UpdateGroupMembers", &format!("<groupId>nope</groupId>{}", ids("userIds", &[HQ_LEARNER]))).await.string,
        "Unknown group"
    );
    assert_eq!(
        fault(&app, t, "UpdateGroupMembers", &format!("<groupId>{group}</groupId>{}", ids("userIds", &["ghost"]))).await.string,
        "Unknown user"
    );
    assert_eq!(
        fault(&app, t, "RemoveUserFromGroups", &format!("<userId>{HQ_LEARNER}</userId>{}", ids("groupIds", &["nope"]))).await.string,
        "Unknown group"
    );
    assert_eq!(fault(&app, &app.fixture.sales_admin_token, "AddGroup", "<name>Mine</name>").await.string, "Permission denied");
    assert_eq!(
        fault(
            &app,
            &app.fixture.sales_admin_token,
            "RemoveUserFromGroups",
            &format!("<userId>{HQ_LEARNER}</userId>{}", ids("groupIds", &[&group]))
        )
        .await
        .string,
        "Permission denied"
    );
}

async fn content_and_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.admin_token;
    let content = ok(&app, t, "GetContent", "").await;
    assert_eq!(
        sorted(&all_texts(&content, "contentItemId").iter().map(String::as_str).collect::<Vec<_>>()),
        sorted(&[COURSE_1, COURSE_2, COURSE_3])
    );
    let page = ok(&app, t, "ListContent", "<pageSize>2</pageSize>").await;
    let next = find_text(&page, "nextPageToken").unwrap();
    let rest = ok(&app, t, "ListContent", &format!("<pageToken>{next}</pageToken>")).await;
    assert_eq!(all_texts(&page, "contentItemId").len() + all_texts(&rest, "contentItemId").len(), 3);
    let item = ok(&app, t, "GetContentItem", &format!("<contentItemId>{COURSE_2}</contentItemId>")).await;
    assert_eq!((find_text(&item, "title").as_deref(), find_text(&item, "type").as_deref()), (Some(COURSE_2), Some("course")));
    assert_eq!(fault(&app, t, "GetContentItem", "<contentItemId>nope</contentItemId>").await.string, "Unknown content item");

    let statuses = ok(&app, t, "GetContentItemFinalStatuses", &format!("<contentItemId>{COURSE_1}</contentItemId>")).await;
    let by_user: Vec<(String, String, String)> = children(children(&statuses, "statuses")[0], "status")
        .iter()
        .map(|s| (find_text(s, "userId").unwrap(), s.children[1].text.clone(), find_text(s, "progress").unwrap()))
        .collect();
    assert_eq!(
        by_user,
        [
            (SALES_LEARNER.to_string(), "not_started".to_string(), "0".to_string()),
            (EAST_LEARNER.to_string(), "in_progress".to_string(), "40".to_string()),
            (ENG_LEARNER.to_string(), "passed".to_string(), "100".to_string()),
        ]
    );
    let scoped =
        ok(&app, &app.fixture.sales_admin_token, "GetContentItemFinalStatuses", &format!("<contentItemId>{COURSE_1}</contentItemId>"))
            .await;
    assert_eq!(children(children(&scoped, "statuses")[0], "status").len(), 2);

    let results = |r: &Element| sorted(&all_texts(r, "enrollmentId").iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(results(&ok(&app, t, "ListLearnersResults", "").await), sorted(&ACTIVE));
    let cases = [
        (ids("courseIds", &[COURSE_1]), vec![E_PLAIN, E_LOCKED, E_CERT]),
        (ids("userIds", &[ENG_LEARNER]), vec![E_CERT, E_CERT_NO_EXPIRY]),
        (ids("enrollmentIds", &[E_DUE, E_ARCHIVED]), vec![E_DUE]),
        (
            "<completionStatuses><status>passed</status><status>complete</status></completionStatuses>".into(),
            vec![E_CERT, E_CERT_NO_EXPIRY],
        ),
        (ids("departmentIds", &[DEPT_EAST]), vec![E_LOCKED, E_LOCK_NO_DUE]),
        (
            "<accessDate><startDate>2026-01-12T00:00:00Z</startDate><endDate>2026-01-13T23:59:59Z</endDate></accessDate>".into(),
            vec![E_LOCKED, E_LOCK_NO_DUE],
        ),
        ("<dueDate><endDate>2026-02-20T00:00:00Z</endDate></dueDate>".into(), vec![E_LOCKED]),
        ("<completionDate><startDate>2026-02-02T00:00:00Z</startDate></completionDate>".into(), vec![E_CERT_NO_EXPIRY]),
        ("<userStatuses><status>3</status></userStatuses>".into(), vec![]),
    ];
    for (filter, expected) in cases {
        assert_eq!(results(&ok(&app, t, "ListLearnersResults", &filter).await), sorted(&expected), "{filter}");
    }
    let one = ok(&app, t, "ListLearnersResults", &ids("enrollmentIds", &[E_LOCKED])).await;
    for (field, value) in [
        ("courseTitle", COURSE_1),
        ("completionStatus", "in_progress"),
        ("progress", "40"),
        ("isOverdue", "true"),
        ("expirationDate", "2026-02-15"),
    ] {
        assert_eq!(find_text(&one, field).as_deref(), Some(value), "{field}");
    }
    let done = ok(&app, t, "ListLearnersResults", &ids("enrollmentIds", &[E_CERT])).await;
    assert_eq!(find_text(&done, "completionDate").as_deref(), Some("2026-02-01T07:00:00+00:00"));
    assert_eq!(find_text(&done, "isOverdue").as_deref(), Some("false"));
    assert_eq!(
        results(&ok(&app, &app.fixture.sales_admin_token, "ListLearnersResults", "").await),
        sorted(&[E_PLAIN, E_DUE, E_LOCKED, E_LOCK_NO_DUE])
    );
    let f = fault(
        &app,
        t,
        "ListLearnersResults",
        "<accessDate><startDate>2026-02-01T00:00:00Z</startDate><endDate>2026-01-01T00:00:00Z</endDate></accessDate>",
    )
    .await;
    assert_eq!(f.string, "Wrong parameters");
}

async fn a_learner_can_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = &app.fixture.learner_token;
    for (op, inner) in [
        ("AddDepartment", "<name>X</name>".to_string()),
        ("DeleteUser", format!("<userId>{ENG_LEARNER}</userId>")),
        ("Unenroll", format!("<enrollmentId>{E_PLAIN}</enrollmentId>")),
        ("GetContent", String::new()),
        ("ListLearnersResults", String::new()),
    ] {
        assert_eq!(fault(&app, t, op, &inner).await.string, "Permission denied", "{op}");
    }
    assert_eq!(active_ids(&app, &[SALES_LEARNER]).await, sorted(&[E_PLAIN, E_DUE]));
}

on_both_backends!(
    enrollments_are_created_changed_and_removed,
    due_date_types_follow_their_rules,
    enrolling_is_all_or_nothing,
    list_enrollments_pages_by_key,
    users_are_managed_end_to_end,
    department_administrators_manage_only_their_users,
    departments_form_a_tree,
    groups_hold_members,
    content_and_results,
    a_learner_can_change_nothing,
);
