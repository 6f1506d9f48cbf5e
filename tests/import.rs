//! Bulk import and export on SQLite and PostgreSQL: `lmsbridge import` and `lmsbridge export` run
//! as an operator runs them against the database a real server serves, every kind of record in
//! both formats, reruns that change nothing, refused rows reported by line and column in the
//! JSON mirror's words, all-or-nothing, dry runs, a resumed run after a kill, round trips through
//! an export; and the same files through `POST /api/v1/imports` as jobs read while they run.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::fixture::*;
use common::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

/// The binary on the test's database.
fn lmsbridge(app: &TestApp) -> std::process::Command {
    let mut command = common::process::lmsbridge();
    command.arg("--database-url").arg(&app.database_url);
    command
}

/// Runs `lmsbridge ARGS` to the end, off the async workers.
async fn run(app: &TestApp, args: &[&str]) -> Output {
    let mut command = lmsbridge(app);
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().expect("run lmsbridge")).await.unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// Imports `file` (`kind`) into acme with `extra` flags; returns the summary line and the output.
async fn import(app: &TestApp, kind: &str, file: &Path, extra: &[&str]) -> (String, Output) {
    let path = file.to_str().unwrap();
    let mut args = vec!["import", kind, path, "--tenant", "acme"];
    args.extend_from_slice(extra);
    let output = run(app, &args).await;
    (stdout(&output), output)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(format!("{}{path}", app.base_url)).bearer_auth(&app.fixture.admin_token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .request(method, format!("{}{path}", app.base_url))
        .bearer_auth(&app.fixture.admin_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The rows of an error report (without its header).
fn report(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("line,column,field,code,detail"));
    lines.map(split_csv).collect()
}

/// A CSV line's fields (quoted fields without line breaks).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

const DEPARTMENTS_CSV: &str = "departmentId,name,code,parentDepartmentId\n\
dept-imp,Imported,IMP,dept-hq\n\
dept-imp-a,\"Imported, A\",,dept-imp\n";

const USERS_JSONL: &str = r#"{"userId": "imp-1", "login": "imp.one", "email": "one@imp.test", "firstName": "Ona", "lastName": "One", "departmentId": "dept-imp", "role": "learner"}
{"userId": "imp-2", "login": "imp.two", "departmentId": "dept-imp-a"}

{"userId": "imp-3", "login": "imp.three", "email": null, "departmentId": "dept-imp-a", "role": "publisher"}
"#;

async fn every_kind_in_both_formats_and_reruns_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();

    let departments = write(dir.path(), "departments.csv", DEPARTMENTS_CSV);
    let (summary, output) = import(&app, "departments", &departments, &[]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 0 refused", "{}", stderr(&output));
    assert!(output.status.success());
    let (status, body) = get(&app, "/api/v1/departments/dept-imp-a").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"departmentId": "dept-imp-a", "name": "Imported, A", "parentDepartmentId": "dept-imp"}));

    let users = write(dir.path(), "users.jsonl", USERS_JSONL);
    let (summary, output) = import(&app, "users", &users, &[]).await;
    assert_eq!(summary, "3 created, 0 updated, 0 unchanged, 0 refused", "{}", stderr(&output));
    let (_, one) = get(&app, "/api/v1/users/imp-1").await;
    assert_eq!(
        (one["login"].as_str(), one["email"].as_str(), one["departmentId"].as_str()),
        (Some("imp.one"), Some("one@imp.test"), Some("dept-imp"))
    );
    let (_, three) = get(&app, "/api/v1/users/imp-3").await;
    assert_eq!(three["role"], "publisher");

    let groups = write(dir.path(), "groups.csv", "groupId,name,userIds\ngrp-imp,Imported group,imp-1;imp-2\ngrp-empty,Empty,\n");
    let (summary, _) = import(&app, "groups", &groups, &[]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 0 refused");
    let (_, body) = get(&app, "/api/v1/groups").await;
    let group = body["groups"].as_array().unwrap().iter().find(|g| g["groupId"] == "grp-imp").cloned().unwrap();
    assert_eq!(group["userIds"], json!(["imp-1", "imp-2"]));

    let enrollments_csv = format!(
        "courseId,learnerId,accessDate,dueDate,shouldLockAfterDueDate\n\
         {COURSE_1},imp-1,2026-01-05T09:00:00Z,2026-03-01,true\n\
         {COURSE_2},imp-1,,,\n"
    );
    let enrollments = write(dir.path(), "enrollments.csv", &enrollments_csv);
    let (summary, _) = import(&app, "enrollments", &enrollments, &[]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 0 refused");
    let jsonl = write(
        dir.path(),
        "more.jsonl",
        &format!("{{\"courseId\": \"{COURSE_3}\", \"learnerId\": \"imp-2\", \"dueDate\": \"2099-12-31\"}}\n"),
    );
    let (summary, _) = import(&app, "enrollments", &jsonl, &[]).await;
    assert_eq!(summary, "1 created, 0 updated, 0 unchanged, 0 refused");
    let (_, body) = get(&app, "/api/v1/enrollments?learnerId=imp-1").await;
    let list = body["enrollments"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let first = list.iter().find(|e| e["courseId"] == COURSE_1).unwrap();
    assert_eq!((first["accessDate"].as_str(), first["dueDate"].as_str()), (Some("2026-01-05"), Some("2026-03-01")));
    assert_eq!(first["shouldLockAfterDueDate"], true);
    assert_eq!(first["expirationDate"], "2026-03-01");

    // Every rerun changes nothing.
    for (kind, file, n) in [
        ("departments", &departments, 2),
        ("users", &users, 3),
        ("groups", &groups, 2),
        ("enrollments", &enrollments, 2),
        ("enrollments", &jsonl, 1),
    ] {
        let (summary, _) = import(&app, kind, file, &[]).await;
        assert_eq!(summary, format!("0 created, 0 updated, {n} unchanged, 0 refused"), "{kind}");
    }

    // A changed value is an update; what a row leaves out stays.
    let changed = write(dir.path(), "changed.csv", "userId,login,lastName,role\nimp-2,imp.two,Second,\nimp-1,imp.one,,\n");
    let (summary, _) = import(&app, "users", &changed, &[]).await;
    assert_eq!(summary, "0 created, 1 updated, 1 unchanged, 0 refused");
    let (_, two) = get(&app, "/api/v1/users/imp-2").await;
    assert_eq!((two["lastName"].as_str(), two["departmentId"].as_str()), (Some("Second"), Some("dept-imp-a")));
    let moved = format!("courseId,learnerId,dueDate\n{COURSE_1},imp-1,2026-04-01\n");
    let (summary, _) = import(&app, "enrollments", &write(dir.path(), "moved.csv", &moved), &[]).await;
    assert_eq!(summary, "0 created, 1 updated, 0 unchanged, 0 refused");
    let (_, body) = get(&app, "/api/v1/enrollments?learnerId=imp-1").await;
    let first = body["enrollments"].as_array().unwrap().iter().find(|e| e["courseId"] == COURSE_1).cloned().unwrap();
    assert_eq!((first["accessDate"].as_str(), first["dueDate"].as_str()), (Some("2026-01-05"), Some("2026-04-01")));
    let members = write(dir.path(), "members.jsonl", "{\"groupId\": \"grp-imp\", \"userIds\": [\"imp-3\"]}\n");
    let (summary, _) = import(&app, "groups", &members, &[]).await;
    assert_eq!(summary, "0 created, 1 updated, 0 unchanged, 0 refused");

    // The other account cannot see any of it.
    let (status, _) = get(&app, "/api/v1/users/imp-1").await;
    assert_eq!(status, 200);
    let other =
        app.client.get(format!("{}/api/v1/users/imp-1", app.base_url)).bearer_auth(&app.fixture.other_tenant_token).send().await.unwrap();
    assert_eq!(other.status().as_u16(), 404);

    // --help lists every kind's columns.
    let help = run(&app, &["import", "users", "--help"]).await;
    let help = stdout(&help);
    for column in [
        "userId",
        "login",
        "departmentId",
        "role",
        "parentDepartmentId",
        "userIds",
        "courseId",
        "learnerId",
        "accessDate",
        "shouldLockAfterDueDate",
    ] {
        assert!(help.contains(column), "{column} missing from:\n{help}");
    }
}

async fn refused_rows_are_reported_by_line_and_column_in_the_mirrors_words(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "userId,login,email,firstName,departmentId\n\
         ok-1,ok.one,,Ok,{DEPT_SALES}\n\
         bad-1,bad.one,,Bad\u{1}Name,{DEPT_SALES}\n\
         bad-2,bad.two,,,dept-nowhere\n\
         bad-3,,,,{DEPT_SALES}\n\
         bad-4,ab\"c,,,\n\
         ok-2,ok.two,,,{DEPT_ENG}\n\
         bad-5,admin,,,{DEPT_SALES}\n"
    );
    let file = write(dir.path(), "users.csv", &csv);
    let (summary, output) = import(&app, "users", &file, &[]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 5 refused", "{}", stderr(&output));
    assert!(!output.status.success(), "refused rows fail the command");
    assert!(stderr(&output).contains("users.csv.errors.csv"), "{}", stderr(&output));
    let rows = report(&dir.path().join("users.csv.errors.csv"));
    let at: Vec<(&str, &str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(
        at,
        [
            ("3", "4", "firstName", "TYPE"),
            ("4", "5", "departmentId", "NOT_FOUND"),
            ("5", "2", "login", "REQUIRED"),
            ("6", "9", "", "MALFORMED"),
            ("8", "2", "login", "CONFLICT"),
        ]
    );
    for good in ["ok-1", "ok-2"] {
        assert_eq!(get(&app, &format!("/api/v1/users/{good}")).await.0, 200, "{good} went in");
    }
    assert_eq!(get(&app, "/api/v1/users/bad-1").await.0, 404);

    // The JSON mirror refuses the same values in the same words.
    let (status, problem) = send(&app, reqwest::Method::PATCH, "/api/v1/users/ok-1", json!({"firstName": "Bad\u{1}Name"})).await;
    assert_eq!(status, 400);
    assert_eq!(problem["detail"].as_str(), Some(rows[0][4].as_str()));
    let (status, problem) =
        send(&app, reqwest::Method::POST, "/api/v1/users", json!({"login": "x.y", "departmentId": "dept-nowhere"})).await;
    assert_eq!(status, 404);
    assert_eq!(problem["detail"].as_str(), Some(rows[1][4].as_str()));
    let (status, problem) = send(&app, reqwest::Method::POST, "/api/v1/users", json!({"login": "admin", "departmentId": DEPT_SALES})).await;
    assert_eq!(status, 409);
    assert_eq!(problem["detail"].as_str(), Some(rows[4][4].as_str()));

    // Enrollments: an unknown course, a learner outside the account, a due date before access.
    let jsonl = format!(
        "{{\"courseId\": \"no-such-course\", \"learnerId\": \"{SALES_LEARNER}\"}}\n\
         {{\"courseId\": \"{COURSE_3}\", \"learnerId\": \"{HQ_LEARNER}\", \"accessDate\": \"2026-05-01T00:00:00Z\", \"dueDate\": \"2026-04-01\"}}\n\
         {{\"courseId\": \"{COURSE_3}\", \"learnerId\": \"{EAST_LEARNER}\", \"accessDate\": \"yesterday\"}}\n\
         {{\"courseId\": \"{COURSE_3}\", \"learnerId\": \"{EAST_LEARNER}\", \"extra\": 1}}\n\
         not json\n"
    );
    let file = write(dir.path(), "enrollments.jsonl", &jsonl);
    let (summary, _) = import(&app, "enrollments", &file, &["--errors", dir.path().join("e.csv").to_str().unwrap()]).await;
    assert_eq!(summary, "0 created, 0 updated, 0 unchanged, 5 refused");
    let rows = report(&dir.path().join("e.csv"));
    let at: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(
        at,
        [
            ("1", "courseId", "NOT_FOUND"),
            ("2", "dueDate", "VALUE"),
            ("3", "accessDate", "TYPE"),
            ("4", "extra", "TAG_MISMATCH"),
            ("5", "", "MALFORMED")
        ]
    );
    assert_eq!(rows[0][1], "2", "the column where the key starts");
    let (_, problem) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/enrollments",
        json!({"courseIds": ["no-such-course"], "learnerIds": [SALES_LEARNER], "dueDateType": "unlimited"}),
    )
    .await;
    assert_eq!(problem["detail"].as_str(), Some(rows[0][4].as_str()));
    let (_, problem) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/enrollments",
        json!({"courseIds": [COURSE_3], "learnerIds": [HQ_LEARNER], "accessDate": "2026-05-01T00:00:00Z", "dueDateType": "due_date", "dueDate": "2026-04-01"}),
    )
    .await;
    assert_eq!(problem["detail"].as_str(), Some(rows[1][4].as_str()));
    let (_, problem) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/enrollments",
        json!({"courseIds": [COURSE_3], "learnerIds": [EAST_LEARNER], "accessDate": "yesterday", "dueDateType": "unlimited"}),
    )
    .await;
    assert_eq!(problem["detail"].as_str(), Some(rows[2][4].as_str()));

    // A header that does not fit refuses the file, and nothing changes.
    let file = write(dir.path(), "bad-header.csv", "userId,nickname\nu,x\n");
    let (summary, output) = import(&app, "users", &file, &[]).await;
    assert_eq!(summary, "");
    assert!(stderr(&output).contains("line 1, column 2: unknown column 'nickname'"), "{}", stderr(&output));
}

async fn all_or_nothing_and_dry_runs_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("courseId,learnerId\n{COURSE_3},{EAST_LEARNER}\n{COURSE_3},{ENG_LEARNER}\n{COURSE_3},nobody\n");
    let file = write(dir.path(), "enrollments.csv", &csv);
    let count = |app: &TestApp| {
        let url = format!("{}/api/v1/enrollments?courseId={COURSE_3}", app.base_url);
        let (client, token) = (app.client.clone(), app.fixture.admin_token.clone());
        async move {
            let body: Value = client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
            body["enrollments"].as_array().unwrap().len()
        }
    };
    let before = count(&app).await;

    let (summary, output) = import(&app, "enrollments", &file, &["--all-or-nothing"]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 1 refused");
    assert!(!output.status.success());
    assert!(stderr(&output).contains("nothing was imported"), "{}", stderr(&output));
    assert_eq!(count(&app).await, before, "all or nothing: nothing");
    assert_eq!(report(&dir.path().join("enrollments.csv.errors.csv"))[0][..4], ["4", "2", "learnerId", "NOT_FOUND"]);

    let (summary, output) = import(&app, "enrollments", &file, &["--dry-run"]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 1 refused");
    assert!(stderr(&output).contains("dry run: nothing was changed"));
    assert_eq!(count(&app).await, before, "a dry run changes nothing");

    let good = write(dir.path(), "good.csv", &csv.replace(&format!("{COURSE_3},nobody\n"), ""));
    let (summary, output) = import(&app, "enrollments", &good, &["--all-or-nothing"]).await;
    assert_eq!(summary, "2 created, 0 updated, 0 unchanged, 0 refused", "{}", stderr(&output));
    assert!(output.status.success());
    assert_eq!(count(&app).await, before + 2);
}

/// A file of `n` users `bulk-0…` and one of their enrollments in each of the three courses.
fn bulk_files(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let mut users = String::from("userId,login,departmentId\n");
    let mut enrollments = String::from("courseId,learnerId,dueDate\n");
    for i in 0..n {
        users.push_str(&format!("bulk-{i},bulk.{i},{DEPT_ENG}\n"));
        for course in [COURSE_1, COURSE_2, COURSE_3] {
            enrollments.push_str(&format!("{course},bulk-{i},2099-01-01\n"));
        }
    }
    (write(dir, "bulk-users.csv", &users), write(dir, "bulk-enrollments.csv", &enrollments))
}

async fn an_interrupted_import_resumes_without_duplicates(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (users, enrollments) = bulk_files(dir.path(), 2000);
    let (summary, _) = import(&app, "users", &users, &["--batch-size", "1000"]).await;
    assert_eq!(summary, "2000 created, 0 updated, 0 unchanged, 0 refused");

    // Killed after its third committed batch (of 100 rows).
    let mut command = lmsbridge(&app);
    command.args(["import", "enrollments", enrollments.to_str().unwrap(), "--tenant", "acme", "--batch-size", "100"]);
    let killed = tokio::task::spawn_blocking(move || {
        let mut child = command.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut progress = 0;
        for line in lines.by_ref() {
            if line.unwrap().starts_with("progress: ") {
                progress += 1;
                if progress == 3 {
                    break;
                }
            }
        }
        child.kill().unwrap();
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert!(!killed.success(), "killed before the end");

    let (summary, output) = import(&app, "enrollments", &enrollments, &["--resume", "--batch-size", "1000"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("resuming after line"), "{}", stderr(&output));
    assert_eq!(summary, "6000 created, 0 updated, 0 unchanged, 0 refused", "the counts of both runs, each row once");
    let (_, body) = get(&app, "/api/v1/enrollments?learnerId=bulk-1999").await;
    assert_eq!(body["enrollments"].as_array().unwrap().len(), 3);
    let (_, body) = get(&app, &format!("/api/v1/enrollments?courseId={COURSE_2}")).await;
    let bulk = body["enrollments"].as_array().unwrap().iter().filter(|e| e["learnerId"].as_str().unwrap().starts_with("bulk-")).count();
    assert_eq!(bulk, 2000, "no enrollment twice");

    // Nothing left to resume; a new run finds everything in place.
    let (_, output) = import(&app, "enrollments", &enrollments, &["--resume"]).await;
    assert!(stderr(&output).contains("no interrupted import"), "{}", stderr(&output));
    let (summary, _) = import(&app, "enrollments", &enrollments, &[]).await;
    assert_eq!(summary, "0 created, 0 updated, 6000 unchanged, 0 refused");
}

async fn exports_read_back_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let departments = write(dir.path(), "departments.csv", DEPARTMENTS_CSV);
    import(&app, "departments", &departments, &[]).await;
    let users = write(dir.path(), "users.jsonl", USERS_JSONL);
    import(&app, "users", &users, &[]).await;
    let (users_file, enrollments_file) = bulk_files(dir.path(), 50);
    import(&app, "users", &users_file, &[]).await;
    import(&app, "enrollments", &enrollments_file, &[]).await;
    let groups = write(dir.path(), "groups.csv", "groupId,name,userIds\ngrp-x,\"Group \"\"X\"\"\",imp-1;imp-3\n");
    import(&app, "groups", &groups, &[]).await;

    for kind in ["users", "departments", "groups", "enrollments"] {
        for format in ["csv", "jsonl"] {
            let path = dir.path().join(format!("export-{kind}.{format}"));
            let output = run(&app, &["export", kind, "--tenant", "acme", "--output", path.to_str().unwrap()]).await;
            assert!(output.status.success(), "{}", stderr(&output));
            let text = std::fs::read_to_string(&path).unwrap();
            let rows = if format == "csv" { text.lines().count() - 1 } else { text.lines().count() };
            assert!(stderr(&output).contains(&format!("{rows} {kind} exported")), "{}", stderr(&output));
            let (summary, output) = import(&app, kind, &path, &[]).await;
            assert_eq!(summary, format!("0 created, 0 updated, {rows} unchanged, 0 refused"), "{kind} {format}: {}", stderr(&output));
            if kind == "enrollments" {
                assert_eq!(rows, 7 + 150, "{text}");
            }
        }
    }
    // To standard output, in the format asked for.
    let output = run(&app, &["export", "groups", "--tenant", "acme", "--format", "jsonl"]).await;
    let line: Value = serde_json::from_str(stdout(&output).lines().find(|l| l.contains("grp-x")).unwrap()).unwrap();
    assert_eq!(line, json!({"groupId": "grp-x", "name": "Group \"X\"", "userIds": ["imp-1", "imp-3"]}));

    // Into an empty account: the export of one is the import of the other.
    let output = run(&app, &["tenant", "create", "copy"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    for kind in ["departments", "users"] {
        let path = dir.path().join(format!("export-{kind}.csv"));
        let output = run(&app, &["import", kind, path.to_str().unwrap(), "--tenant", "copy"]).await;
        let summary = stdout(&output);
        assert!(summary.ends_with(" refused"), "{summary}");
        if kind == "departments" {
            assert!(summary.ends_with("0 updated, 0 unchanged, 0 refused"), "{summary}: {}", stderr(&output));
        }
    }
}

/// `GET path` until `done` accepts the body (or ten seconds pass).
async fn poll(app: &TestApp, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let (status, body) = get(app, path).await;
        // A run the server has not opened yet (its upload is on the way) is not found.
        assert!(status == 200 || status == 404, "{body}");
        if status == 200 && done(&body) {
            return body;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{path} never got there: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn post_file(app: &TestApp, query: &str, content_type: &str, body: String) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/imports?{query}", app.base_url))
        .bearer_auth(&app.fixture.admin_token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

async fn http_imports_are_jobs_read_while_they_run(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (users, enrollments) = bulk_files(dir.path(), 400);

    // An upload sent in two parts: the run shows the batches of the first before the second is sent.
    let text = std::fs::read_to_string(&users).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, rest) = (lines[..251].join("\n") + "\n", lines[251..].join("\n") + "\nbulk-x,,\n");
    let address = app.base_url.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/imports?kind=users&batchSize=100 HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.fixture.admin_token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(format!("{:x}\r\n{first}\r\n", first.len()).as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    // The tenant's first run in a fresh database.
    let running = poll(&app, "/api/v1/imports/1", |job| job["linesDone"] == 201).await;
    assert_eq!(
        (running["state"].as_str(), running["kind"].as_str(), running["format"].as_str()),
        (Some("running"), Some("users"), Some("csv"))
    );
    assert_eq!((running["created"].as_i64(), running["refused"].as_i64()), (Some(200), Some(0)));
    stream.write_all(format!("{:x}\r\n{rest}\r\n0\r\n\r\n", rest.len()).as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("location: /api/v1/imports/1"), "{answer}");
    let done = poll(&app, "/api/v1/imports/1", |job| job["state"] != "running").await;
    assert_eq!(
        done,
        json!({"importId": 1, "kind": "users", "format": "csv", "state": "done", "linesDone": 402,
               "created": 400, "updated": 0, "unchanged": 0, "refused": 1})
    );
    let (_, refusals) = get(&app, "/api/v1/imports/1/refusals").await;
    assert_eq!(
        refusals,
        json!({"refusals": [{"line": 402, "column": 2, "field": "login", "code": "REQUIRED",
                             "detail": "login is required to create the user 'bulk-x'"}]})
    );

    // JSON Lines by its media type; the answer names the run to read.
    let jsonl: String = std::fs::read_to_string(&enrollments)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{}\n", json!({"courseId": f[0], "learnerId": f[1], "dueDate": f[2]}))
        })
        .collect();
    let (status, headers, job) = post_file(&app, "kind=enrollments", "application/jsonl", jsonl.clone()).await;
    assert_eq!(status, 202, "{job}");
    let location = headers["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/imports/{}", job["importId"]));
    let done = poll(&app, &location, |job| job["state"] == "done").await;
    assert_eq!((done["created"].as_i64(), done["refused"].as_i64(), done["format"].as_str()), (Some(1200), Some(0), Some("jsonl")));
    let (status, _, job) =
        post_file(&app, "kind=enrollments&format=jsonl&allOrNothing=true", "application/octet-stream", jsonl + "{}\n").await;
    assert_eq!(status, 202);
    let done = poll(&app, &format!("/api/v1/imports/{}", job["importId"]), |job| job["state"] != "running").await;
    assert_eq!((done["state"].as_str(), done["unchanged"].as_i64(), done["refused"].as_i64()), (Some("failed"), Some(1200), Some(1)));
    assert_eq!(done["failure"], "1 rows refused; nothing was imported");

    // A file that is not one of its kind fails its run; bad requests are problems.
    let (status, _, job) = post_file(&app, "kind=groups", "text/csv", "groupId,colour\ng,red\n".into()).await;
    assert_eq!(status, 202);
    let failed = poll(&app, &format!("/api/v1/imports/{}", job["importId"]), |job| job["state"] != "running").await;
    assert_eq!(failed["state"], "failed");
    assert!(failed["failure"].as_str().unwrap().contains("unknown column 'colour'"), "{failed}");
    let (status, _, problem) = post_file(&app, "kind=courses", "text/csv", "x\n".into()).await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("kind")), "{problem}");
    let (status, _, problem) = post_file(&app, "kind=users", "text/plain", "x\n".into()).await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("format")), "{problem}");
    let (status, _) = get(&app, "/api/v1/imports/999").await;
    assert_eq!(status, 404);
    let other =
        app.client.get(format!("{}/api/v1/imports/1", app.base_url)).bearer_auth(&app.fixture.other_tenant_token).send().await.unwrap();
    assert_eq!(other.status().as_u16(), 404, "another account's runs are not found");
    let anonymous = app
        .client
        .post(format!("{}/api/v1/imports?kind=users", app.base_url))
        .header("Content-Type", "text/csv")
        .body("userId\n")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    // The routes are in the OpenAPI document.
    let (_, document) = get(&app, "/api/v1/openapi.json").await;
    for path in ["/api/v1/imports", "/api/v1/imports/{importId}", "/api/v1/imports/{importId}/refusals"] {
        assert!(document["paths"][path].is_object(), "{path} is documented");
    }
}

on_both_backends!(
    http_imports_are_jobs_read_while_they_run,
    every_kind_in_both_formats_and_reruns_change_nothing,
    refused_rows_are_reported_by_line_and_column_in_the_mirrors_words,
    all_or_nothing_and_dry_runs_change_nothing,
    an_interrupted_import_resumes_without_duplicates,
    exports_read_back_unchanged,
);
