//! No request reads or changes another account's data, or anything outside a department
//! administrator's departments, through any operation: every operation is walked with out-of-scope
//! ids, and the account is checked unchanged afterwards.

mod common;

use common::fixture::*;
use common::soap::{self, all_texts, enrollment_ids, find_text, get_enrollments, ids, request, sorted};
use common::{Backend, TestApp, spawn_app};

async fn answer(app: &TestApp, token: &str, op: &str, inner: &str) -> Result<lmsbridge::faces::soap::xml::Element, String> {
    let reply = app.soap(request(op, token, inner)).await;
    if reply.status == 200 { Ok(soap::body_child(&reply.body)) } else { Err(soap::fault(&reply.body).string) }
}

async fn every_operation_stays_inside_the_callers_departments(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.fixture.admin_token.clone();
    let group = find_text(
        &answer(&app, &admin, "AddGroup", &format!("<name>Mixed</name>{}", ids("userIds", &[ENG_LEARNER, SALES_LEARNER]))).await.unwrap(),
        "groupId",
    )
    .unwrap();
    let t = app.fixture.sales_admin_token.clone();

    // Targets in Engineering, outside Sales and Sales East.
    let refused = [
        ("GetEnrollments", ids("learnerIds", &[ENG_LEARNER])),
        ("ListEnrollments", ids("learnerIds", &[ENG_LEARNER])),
        ("GetEnrollment", format!("<enrollmentId>{E_CERT}</enrollmentId>")),
        (
            "EnrollLearnersInCourses",
            format!("{}{}<dueDateType>unlimited</dueDateType>", ids("courseIds", &[COURSE_3]), ids("learnerIds", &[ENG_LEARNER])),
        ),
        ("ChangeEnrollment", format!("<enrollmentId>{E_CERT}</enrollmentId><lockAfterDueDate>true</lockAfterDueDate>")),
        ("Unenroll", format!("<enrollmentId>{E_CERT}</enrollmentId>")),
        ("GetUsers", format!("<departmentId>{DEPT_ENG}</departmentId>")),
        ("ListUsers", format!("<departmentId>{DEPT_ENG}</departmentId>")),
        ("GetUserProfile", format!("<userId>{ENG_LEARNER}</userId>")),
        ("AddUser", format!("<login>intruder</login><departmentId>{DEPT_ENG}</departmentId>")),
        ("UpdateUserProfile", format!("<userId>{ENG_LEARNER}</userId><lastName>Changed</lastName>")),
        ("DeleteUser", format!("<userId>{ENG_LEARNER}</userId>")),
        ("ActivateUsers", ids("userIds", &[ENG_LEARNER])),
        ("DeactivateUsers", ids("userIds", &[ENG_LEARNER])),
        ("UpdateUserPassword", format!("<userId>{ENG_LEARNER}</userId><password>Hijack3d!</password>")),
        ("GetDepartment", format!("<departmentId>{DEPT_ENG}</departmentId>")),
        ("AddDepartment", format!("<name>Inside Eng</name><parentDepartmentId>{DEPT_ENG}</parentDepartmentId>")),
        ("UpdateDepartment", format!("<departmentId>{DEPT_ENG}</departmentId><name>Renamed</name>")),
        ("DeleteDepartment", format!("<departmentId>{DEPT_ENG}</departmentId>")),
        ("AddGroup", "<name>Mine</name>".to_string()),
        ("UpdateGroupMembers", format!("<groupId>{group}</groupId>{}", ids("userIds", &[SALES_LEARNER]))),
        ("RemoveUserFromGroups", format!("<userId>{ENG_LEARNER}</userId>{}", ids("groupIds", &[&group]))),
        ("ListLearnersResults", ids("userIds", &[ENG_LEARNER])),
        ("ListLearnersResults", ids("departmentIds", &[DEPT_ENG])),
    ];
    for (op, inner) in &refused {
        assert_eq!(answer(&app, &t, op, inner).await.err().as_deref(), Some("Permission denied"), "{op} {inner}");
    }

    // Listings answer, without anything from Engineering.
    let everything_seen = [
        answer(&app, &t, "GetEnrollments", "").await.unwrap(),
        answer(&app, &t, "ListEnrollments", "").await.unwrap(),
        answer(&app, &t, "GetUsers", "").await.unwrap(),
        answer(&app, &t, "ListUsers", "").await.unwrap(),
        answer(&app, &t, "GetDepartments", "").await.unwrap(),
        answer(&app, &t, "ListDepartments", "").await.unwrap(),
        answer(&app, &t, "GetGroups", "").await.unwrap(),
        answer(&app, &t, "GetContentItemFinalStatuses", &format!("<contentItemId>{COURSE_1}</contentItemId>")).await.unwrap(),
        answer(&app, &t, "ListLearnersResults", "").await.unwrap(),
    ];
    for result in &everything_seen {
        for field in ["learnerId", "userId", "id", "departmentId", "enrollmentId"] {
            for value in all_texts(result, field) {
                assert!(
                    ![ENG_LEARNER, HQ_LEARNER, DEPT_ENG, DEPT_HQ, E_CERT, E_CERT_NO_EXPIRY, E_HQ].contains(&value.as_str()),
                    "{} shows {value}",
                    result.local
                );
            }
        }
    }
    // The shared catalogue is readable by every administrator.
    for (op, inner) in [
        ("GetContent", String::new()),
        ("ListContent", String::new()),
        ("GetContentItem", format!("<contentItemId>{COURSE_1}</contentItemId>")),
    ] {
        assert!(answer(&app, &t, op, &inner).await.is_ok(), "{op}");
    }

    // Another account's administrator finds none of acme's things, and changes none.
    let other = app.fixture.other_tenant_token.clone();
    let unknown = [
        ("GetEnrollment", format!("<enrollmentId>{E_PLAIN}</enrollmentId>"), "Unknown Enrollment"),
        (
            "ChangeEnrollment",
            format!("<enrollmentId>{E_PLAIN}</enrollmentId><lockAfterDueDate>true</lockAfterDueDate>"),
            "Unknown Enrollment",
        ),
        ("Unenroll", format!("<enrollmentId>{E_PLAIN}</enrollmentId>"), "Wrong parameters"),
        ("GetUserProfile", format!("<userId>{ENG_LEARNER}</userId>"), "Unknown user"),
        ("DeleteUser", format!("<userId>{ENG_LEARNER}</userId>"), "Unknown user"),
        ("DeactivateUsers", ids("userIds", &[EAST_LEARNER]), "Unknown user"),
        ("UpdateUserPassword", "<userId>user-admin</userId><password>Hijack3d!</password>".to_string(), "Unknown user"),
        ("GetDepartment", format!("<departmentId>{DEPT_SALES}</departmentId>"), "Unknown Department"),
        ("DeleteDepartment", format!("<departmentId>{DEPT_EAST}</departmentId>"), "Unknown Department"),
        ("AddUser", format!("<login>x</login><departmentId>{DEPT_SALES}</departmentId>"), "Unknown Department"),
        ("UpdateGroupMembers", format!("<groupId>{group}</groupId>{}", ids("userIds", &[SALES_LEARNER])), "Unknown group"),
        ("GetContentItem", format!("<contentItemId>{COURSE_2}</contentItemId>"), "Unknown content item"),
        (
            "EnrollLearnersInCourses",
            format!("{}{}<dueDateType>unlimited</dueDateType>", ids("courseIds", &[COURSE_2]), ids("learnerIds", &[SALES_LEARNER])),
            "Unknown content item",
        ),
    ];
    for (op, inner, fault) in &unknown {
        assert_eq!(answer(&app, &other, op, inner).await.err().as_deref(), Some(*fault), "{op} {inner}");
    }

    // Nothing changed.
    assert_eq!(enrollment_ids(&app.soap(get_enrollments(&admin, None, None)).await.body), sorted(&ACTIVE));
    let profile = answer(&app, &admin, "GetUserProfile", &format!("<userId>{ENG_LEARNER}</userId>")).await.unwrap();
    assert_eq!((find_text(&profile, "status").as_deref(), find_text(&profile, "lastName")), (Some("1"), None));
    let department = answer(&app, &admin, "GetDepartment", &format!("<departmentId>{DEPT_ENG}</departmentId>")).await.unwrap();
    assert_eq!(find_text(&department, "name").as_deref(), Some("Engineering"));
    let legacy = soap::envelope(&format!(
        "<GetUsersRequest><credentials><accountUrl>{ACCOUNT_URL}</accountUrl><email>admin</email><password>{PASSWORD}</password></credentials></GetUsersRequest>"
    ));
    assert_eq!(app.soap(legacy).await.status, 200, "the administrator's password is unchanged");
    let groups = answer(&app, &admin, "GetGroups", "").await.unwrap();
    assert_eq!(sorted(&all_texts(&groups, "id").iter().map(String::as_str).collect::<Vec<_>>()), sorted(&[ENG_LEARNER, SALES_LEARNER]));
    let users = answer(&app, &admin, "GetUsers", "").await.unwrap();
    assert!(!all_texts(&users, "login").contains(&"intruder".to_string()));
}

on_both_backends!(every_operation_stays_inside_the_callers_departments);
