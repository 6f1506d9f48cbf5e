//! The `lmsbridge` binary as an operator uses it: serve --demo, migrate, tenant/client/token.

mod common;

use std::process::{Command, Stdio};

use common::process::Server;

/// The binary on `database`.
fn lmsbridge(database: &str) -> Command {
    let mut command = common::process::lmsbridge();
    command.arg("--database-url").arg(database);
    command
}

/// The banner's last line before the server runs: the SOAP curl call of the demo.
fn is_curl_call(line: &str) -> bool {
    line.trim_start().starts_with("curl -s") && line.contains("soap")
}

/// Starts `serve --demo` on a free port and returns the server and the banner lines up to the curl call.
fn serve_demo(database: &str) -> (Server, Vec<String>) {
    let server = Server::start(
        lmsbridge(database).args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"]).stderr(Stdio::inherit()),
        is_curl_call,
    );
    let lines = server.banner.clone();
    (server, lines)
}

fn line_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines.iter().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with '{needle}' in:\n{}", lines.join("\n")))
}

#[test]
fn serve_demo_prints_a_call_that_works_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("demo.db").to_string_lossy().into_owned();
    let (_server, lines) = serve_demo(&database);
    assert!(line_with(&lines, "demo account").contains("200 enrollments"), "{lines:?}");
    assert!(line_with(&lines, "token (account administrator").len() > 50);

    // Run the printed curl command exactly as a user would paste it.
    let curl = line_with(&lines, "curl -s").trim();
    let output = Command::new("sh").arg("-c").arg(curl).output().expect("curl must be installed");
    let body = String::from_utf8(output.stdout).unwrap();
    assert!(body.contains("<ns1:GetEnrollmentsResult>"), "{body}");
    let count = body.matches("<ns1:enrollment>").count();
    assert!(count > 100 && count < 200, "active enrollments only: {count}");
    assert!(body.contains("<ns1:certificate>") && body.contains("<ns1:expirationDate>") && body.contains("<ns1:enrollmentTypeGroup>1<"));
}

#[test]
fn a_second_demo_start_keeps_the_data_and_prints_a_fresh_token() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("demo.db").to_string_lossy().into_owned();
    let first = {
        let (_server, lines) = serve_demo(&database);
        line_with(&lines, "token (account administrator").to_string()
    };
    let (_server, lines) = serve_demo(&database);
    assert!(line_with(&lines, "already holds data").contains("not reloaded"));
    assert_ne!(line_with(&lines, "token (account administrator"), first);
}

#[test]
fn operators_create_tenants_clients_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("ops.db").to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        let output = lmsbridge(&database).args(args).output().unwrap();
        (output.status.success(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };

    let (ok, out, _) = run(&["migrate"]);
    assert!(ok && out.contains("migration(s) applied"), "{out}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "nope", "--role", "account_administrator"]);
    assert!(!ok && err.contains("no tenant named 'nope'"), "{err}");
    let (ok, out, _) = run(&["tenant", "create", "acme", "--account-url", "https://acme.example.test/"]);
    assert!(ok && out.contains("tenant 'acme' created"));
    let (ok, _, err) = run(&["tenant", "create", "acme"]);
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--role", "department_administrator"]);
    assert!(!ok && err.contains("--department"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--role", "department_administrator", "--department", "d-1"]);
    assert!(!ok && err.contains("Unknown Department"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--role", "boss"]);
    assert!(!ok && err.contains("account_administrator"), "{err}");

    let (ok, out, err) = run(&["client", "create", "--tenant", "acme", "--role", "account_administrator"]);
    assert!(ok, "{err}");
    let field = |name: &str| out.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).unwrap().to_string();
    let (client_id, secret) = (field("client_id"), field("client_secret"));
    assert_eq!(secret.len(), 43);

    // Only a digest of the secret is stored.
    let stored = std::fs::read(&database).unwrap();
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()), "the secret must not be stored in clear");

    let (ok, out, _) = run(&["token", "issue", "--client-id", &client_id]);
    assert!(ok && out.trim().len() == 43, "{out}");
    let (ok, _, err) = run(&["token", "issue", "--client-id", "nobody"]);
    assert!(!ok && err.contains("nobody"), "{err}");
}

#[test]
fn bad_database_urls_fail_with_a_clear_message() {
    let output = lmsbridge(":memory:").arg("migrate").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SQLite file path"));
    let output = lmsbridge("postgres://nobody@127.0.0.1:1/none").arg("migrate").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("database unavailable"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_server_keeps_running_when_its_output_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("closed.db").to_string_lossy().into_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = lmsbridge(&database)
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}"), "--workers", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Nobody reads the banner: every line the server prints meets a closed pipe.
    drop(child.stdout.take());
    let server = Server { child, banner: Vec::new() };
    let healthy = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        Command::new("curl").args(["-sf", &format!("http://127.0.0.1:{port}/healthz")]).output().is_ok_and(|o| o.status.success())
    });
    assert!(healthy, "the server answers after printing into a closed pipe");
    drop(server);
}

#[test]
fn secrets_and_tokens_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("logs.db").to_string_lossy().into_owned();
    let log = dir.path().join("server.log");
    let server = Server::start(
        lmsbridge(&database)
            .env("LMSBRIDGE_LOG", "trace")
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stderr(std::fs::File::create(&log).unwrap()),
        is_curl_call,
    );
    let base = server.base_url();
    let token = server.line_with("token (account administrator").split_whitespace().last().unwrap().to_string();
    let secret = server
        .line_with("demo API client demo-admin")
        .split("client_secret=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let curl = |args: &[&str]| Command::new("curl").arg("-s").args(args).output().unwrap();

    let issued = curl(&[
        "-d",
        "client_id=demo-admin",
        "-d",
        &format!("client_secret={secret}"),
        "-d",
        "grant_type=client_credentials",
        &format!("{base}/api/v3/token"),
    ]);
    let fresh: serde_json::Value = serde_json::from_slice(&issued.stdout).unwrap();
    let fresh = fresh["access_token"].as_str().unwrap().to_string();
    curl(&[
        "-d",
        "client_id=demo-admin",
        "-d",
        "client_secret=wrong-secret-value",
        "-d",
        "grant_type=client_credentials",
        &format!("{base}/api/v3/token"),
    ]);
    let envelope = |credentials: &str| {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><s:Body><GetContentRequest><credentials>{credentials}</credentials></GetContentRequest></s:Body></s:Envelope>"#
        )
    };
    for credentials in [
        format!("<token>{token}</token>"),
        format!("<token>{fresh}</token>"),
        "<token>not-a-valid-token-value</token>".to_string(),
        format!(
            "<accountUrl>{}</accountUrl><email>admin</email><password>{}</password>",
            lmsbridge::demo::ACCOUNT_URL,
            lmsbridge::demo::PASSWORD
        ),
        format!("<accountUrl>{}</accountUrl><email>admin</email><password>Wrong-Passw0rd</password>", lmsbridge::demo::ACCOUNT_URL),
    ] {
        curl(&["-H", "Content-Type: text/xml", "--data-binary", &envelope(&credentials), &format!("{base}/soap")]);
    }
    curl(&["-H", &format!("Authorization: Bearer {fresh}"), &format!("{base}/api/v1/groups")]);
    drop(server);

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("request"), "the log is written at all: {logged}");
    for secret in [
        token.as_str(),
        fresh.as_str(),
        secret.as_str(),
        "wrong-secret-value",
        "not-a-valid-token-value",
        lmsbridge::demo::PASSWORD,
        "Wrong-Passw0rd",
    ] {
        assert!(!logged.contains(secret), "'{secret}' is in the log");
    }
}

/// Starts `serve` with `format` logs written to a file, makes a SOAP call and a call nothing
/// serves, stops the server, and returns the log.
fn log_of(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("log.db").to_string_lossy().into_owned();
    let log = dir.path().join("server.log");
    let server = Server::start(
        lmsbridge(&database)
            .env("LMSBRIDGE_LOG", "info")
            .args(["--log-format", format, "serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stderr(std::fs::File::create(&log).unwrap()),
        |line| line.starts_with("export "),
    );
    let base = server.base_url();
    let envelope = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><s:Body><GetContentRequest><credentials><token>nope</token></credentials></GetContentRequest></s:Body></s:Envelope>"#;
    Command::new("curl")
        .args(["-s", "-H", "Content-Type: text/xml", "-H", "X-Request-Id: log-test-1", "--data-binary", envelope, &format!("{base}/soap")])
        .output()
        .unwrap();
    Command::new("curl").args(["-s", &format!("{base}/no/such/page")]).output().unwrap();
    drop(server);
    std::fs::read_to_string(&log).unwrap()
}

#[test]
fn json_logs_are_one_object_a_line_with_the_request_fields() {
    let log = log_of("json");
    let entries: Vec<serde_json::Value> =
        log.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"))).collect();
    let call = entries.iter().find(|e| e["request_id"] == "log-test-1" && e["message"] == "request").unwrap_or_else(|| panic!("{log}"));
    assert_eq!(call["face"], "soap");
    assert_eq!(call["operation"], "GetContent");
    assert_eq!(call["status"], 500);
    assert_eq!(call["level"], "INFO");
    assert!(call["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')) && call["duration_us"].as_u64().is_some(), "{call}");
    let missing = entries.iter().find(|e| e["path"] == "/no/such/page").unwrap_or_else(|| panic!("{log}"));
    assert_eq!((missing["face"].as_str(), missing["status"].as_u64()), (Some("http"), Some(404)));
}

#[test]
fn text_logs_carry_no_color_codes_when_stderr_is_a_file() {
    let log = log_of("text");
    assert!(log.contains("request_id=\"log-test-1\"") && log.contains("operation=\"GetContent\""), "{log}");
    assert!(!log.contains('\u{1b}'), "no ANSI escape codes in a log file:\n{log}");
}

#[test]
fn the_demo_writes_its_credentials_file_for_scripts() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("creds.db").to_string_lossy().into_owned();
    let file = dir.path().join("demo-credentials.json");
    let server = Server::start(
        lmsbridge(&database)
            .env("LMSBRIDGE_CREDENTIALS_FILE", &file)
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stderr(Stdio::inherit()),
        |line| line.starts_with("export "),
    );
    assert!(server.line_with("credentials and sample ids written to").contains("demo-credentials.json"));

    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "readable by the owner only");
    let credentials: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let faces: Vec<&String> = credentials.as_object().unwrap().keys().collect();
    assert_eq!(faces, ["ispring", "skillable", "rhythm", "aom", "scim", "keepnet"], "one key a face");
    let ispring = &credentials["ispring"];
    for key in ["token", "client_id", "client_secret", "learnerId", "courseId", "enrollmentId", "departmentId", "soapEndpoint", "jsonApi"] {
        assert!(ispring[key].as_str().is_some_and(|v| !v.is_empty()), "{key} in {ispring}");
    }
    let value = |key: &str| ispring[key].as_str().unwrap().to_string();
    let curl = |args: &[&str]| String::from_utf8(Command::new("curl").arg("-s").args(args).output().unwrap().stdout).unwrap();

    // The sample enrollment is the sample learner's, in the sample course, as the token sees it.
    let enrollment = curl(&[
        "-H",
        &format!("Authorization: Bearer {}", value("token")),
        &format!("{}/enrollments/{}", value("jsonApi"), value("enrollmentId")),
    ]);
    let enrollment: serde_json::Value = serde_json::from_str(&enrollment).unwrap();
    assert_eq!(
        (enrollment["learnerId"].as_str(), enrollment["courseId"].as_str()),
        (Some(value("learnerId").as_str()), Some(value("courseId").as_str()))
    );
    let learner =
        curl(&["-H", &format!("Authorization: Bearer {}", value("token")), &format!("{}/users/{}", value("jsonApi"), value("learnerId"))]);
    assert!(learner.contains(&value("departmentId")), "{learner}");
    // The secret is the one in force: it gets a token.
    let token = curl(&[
        "-d",
        &format!("client_id={}", value("client_id")),
        "-d",
        &format!("client_secret={}", value("client_secret")),
        "-d",
        "grant_type=client_credentials",
        &value("soapEndpoint").replace("/api/v2/soap/2.0", "/api/v3/token"),
    ]);
    assert!(token.contains("access_token"), "{token}");
    // The banner's sample ids are the file's.
    assert!(server.line_with("sample ids: learner").contains(&value("learnerId")));

    // The Skillable key works, and the sample class enrollment is the sample class's and user's.
    let skillable = &credentials["skillable"];
    let key = skillable["api_key"].as_str().unwrap();
    let found = curl(&[
        "-H",
        &format!("api_key: {key}"),
        &format!("{}/GetClassEnrollment/{}", skillable["baseUrl"].as_str().unwrap(), skillable["classEnrollmentId"]),
    ]);
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found["Status"], 0, "{found}");
    assert_eq!((&found["Results"][0]["ClassId"], &found["Results"][0]["UserId"]), (&skillable["classId"], &skillable["userId"]));
    assert!(server.line_with("Skillable integration key").contains(key));

    // The SCIM token lists the demo's users at the file's base URL.
    let scim = &credentials["scim"];
    let scim_token = scim["token"].as_str().unwrap();
    let users =
        curl(&["-H", &format!("Authorization: Bearer {scim_token}"), &format!("{}/Users?count=1", scim["base_url"].as_str().unwrap())]);
    let users: serde_json::Value = serde_json::from_str(&users).unwrap();
    assert!(users["totalResults"].as_i64().unwrap() > 1 && users["Resources"].as_array().unwrap().len() == 1, "{users}");
    assert!(server.line_with("SCIM 2.0 token").contains(scim_token));
    assert!(server.line_with("export ").contains(&format!("SCIM_TOKEN={scim_token}")));

    // The Keepnet reseller credential gets a token, and the sample enrollment's sending report
    // answers under the sample company.
    let keepnet = &credentials["keepnet"];
    let k = |key: &str| keepnet[key].as_str().unwrap_or_else(|| panic!("{key} in {keepnet}")).to_string();
    let issued = curl(&[
        "-d",
        "grant_type=client_credentials",
        "-d",
        &format!("client_id={}", k("client_id")),
        "-d",
        &format!("client_secret={}", k("client_secret")),
        "-d",
        "scope=api1",
        &format!("{}/connect/token", k("baseUrl")),
    ]);
    let issued: serde_json::Value = serde_json::from_str(&issued).unwrap();
    let keepnet_token = issued["access_token"].as_str().unwrap_or_else(|| panic!("{issued}"));
    let report = curl(&[
        "-H",
        &format!("Authorization: Bearer {keepnet_token}"),
        "-H",
        &format!("X-KEEPNET-Company-Id: {}", k("companyResourceId")),
        "-H",
        "Content-Type: application/json",
        "-d",
        "{}",
        &format!("{}/api/training-reports/{}/sending-report/search", k("baseUrl"), k("enrollmentId")),
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["data"]["totalNumberOfRecords"], 5, "{report}");
    assert!(server.line_with("Keepnet reseller credential").contains(&k("client_secret")));
    assert!(server.line_with("export ").contains(&format!("KEEPNET_COMPANY_ID={}", k("companyResourceId"))));

    // The Rhythm key works on the demo tenant, and the sample registration is the sample
    // student's, in the sample offering and process.
    let rhythm = &credentials["rhythm"];
    let text = |key: &str| rhythm[key].as_str().unwrap_or_else(|| panic!("{key} in {rhythm}")).to_string();
    let found = curl(&[
        "-H",
        &format!("Authorization: {}", text("api_key")),
        &format!("{}/courseRegistrations/{}/{}", text("baseUrl"), text("tenant_id"), text("registration_id")),
    ]);
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    for key in ["student_id", "course_id", "course_offering_id", "process_id"] {
        assert_eq!(found[key].as_str(), Some(text(key).as_str()), "{key}: {found}");
    }
    assert!(server.line_with("Rhythm tenant").contains(&text("api_key")));

    // The Academy Of Mine token lists the sample course's learners, the sample enrollment among
    // them as the sample learner's; a learner's token made by the operator reads that progress.
    let aom = &credentials["aom"];
    let number = |key: &str| aom[key].as_i64().unwrap_or_else(|| panic!("{key} in {aom}"));
    let base = aom["baseUrl"].as_str().unwrap();
    let bearer = format!("Authorization: Bearer {}", aom["token"].as_str().unwrap());
    let learners = curl(&[
        "-H",
        &bearer,
        &format!("{base}/courses/enrolled-learners?course_id={}&portalId=-1&page_size=100&page_number=1", number("courseId")),
    ]);
    let learners: serde_json::Value = serde_json::from_str(&learners).unwrap();
    let sample =
        learners["records"].as_array().unwrap().iter().find(|row| row["id"] == aom["enrollmentId"]).expect("the sample enrollment");
    assert_eq!(sample["user_id"], aom["userId"]);
    assert!(server.line_with("Academy Of Mine token").contains(aom["token"].as_str().unwrap()));
    let output = lmsbridge(&database)
        .args(["client", "create", "--tenant", "demo", "--face", "aom", "--role", "learner", "--user", &number("userId").to_string()])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    let token = out.lines().find_map(|l| l.strip_prefix("token=")).unwrap_or_else(|| panic!("{out}"));
    let progress = curl(&[
        "-H",
        &format!("Authorization: Bearer {token}"),
        &format!("{base}/course-registrations/{}/progress?userId={}", number("enrollmentId"), number("userId")),
    ]);
    assert!(progress.contains("\"modules\""), "{progress}");
}

#[test]
fn operators_create_list_and_revoke_integration_keys() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("keys.db").to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        let output = lmsbridge(&database).args(args).output().unwrap();
        (output.status.success(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };
    assert!(run(&["tenant", "create", "acme"]).0);
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "moodle"]);
    assert!(!ok && err.contains("expected: skillable, rhythm"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "skillable", "--role", "learner"]);
    assert!(!ok && err.contains("acts for the whole tenant: leave out --role"), "{err}");
    // An Academy Of Mine token acts as a user in a role: both must make sense.
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "aom"]);
    assert!(!ok && err.contains("--role"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "aom", "--role", "teacher"]);
    assert!(!ok && err.contains("\"portal_admin\""), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "aom", "--role", "learner"]);
    assert!(!ok && err.contains("name it with --user"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "aom", "--role", "admin"]);
    assert!(!ok && err.contains("no account owner"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "aom", "--role", "learner", "--user", "nobody"]);
    assert!(!ok && err.contains("nobody"), "{err}");
    let (ok, out, err) = run(&["client", "create", "--tenant", "acme", "--face", "skillable"]);
    assert!(ok && err.contains("shown only now"), "{out}{err}");
    let key = out.lines().find_map(|l| l.strip_prefix("api_key=")).unwrap().to_string();
    let id = out.lines().find_map(|l| l.strip_prefix("key_id=")).unwrap().to_string();
    let (ok, listing, _) = run(&["client", "keys", "--tenant", "acme"]);
    assert!(ok && listing.contains("skillable") && listing.contains(&key[..8]) && listing.contains("active"), "{listing}");
    assert!(!listing.contains(&key), "a listing never shows the key");
    let (ok, out, _) = run(&["client", "revoke-key", "--tenant", "acme", "--id", &id]);
    assert!(ok && out.contains("revoked"), "{out}");
    let (ok, _, err) = run(&["client", "revoke-key", "--tenant", "acme", "--id", &id]);
    assert!(!ok && err.contains("no unrevoked integration key"), "{err}");
    let (_, listing, _) = run(&["client", "keys", "--tenant", "acme"]);
    assert!(listing.contains("revoked"), "{listing}");

    // A Rhythm tenant: its Rhythm id given at creation (unique, and shaped as Rhythm's), its key.
    assert!(run(&["tenant", "create", "incose", "--rhythm-id", "incose.org"]).0);
    let (ok, _, err) = run(&["tenant", "create", "copycat", "--rhythm-id", "incose.org"]);
    assert!(!ok && err.contains("another tenant has the Rhythm id"), "{err}");
    let (ok, _, err) = run(&["tenant", "create", "slashy", "--rhythm-id", "a/b"]);
    assert!(!ok && err.contains("Rhythm tenant id"), "{err}");
    let (ok, out, _) = run(&["client", "create", "--tenant", "incose", "--face", "rhythm"]);
    assert!(ok && out.contains("api_key="), "{out}");
    let (_, listing, _) = run(&["client", "keys", "--tenant", "incose"]);
    assert!(listing.contains("rhythm") && listing.contains("active"), "{listing}");

    // A SCIM token: printed once as token=, listed as a scim key.
    let (ok, out, err) = run(&["client", "create", "--tenant", "acme", "--face", "scim"]);
    assert!(ok && out.contains("token=") && err.contains("Authorization: Bearer"), "{out}{err}");
    let token = out.lines().find_map(|l| l.strip_prefix("token=")).unwrap().to_string();
    let (_, listing, _) = run(&["client", "keys", "--tenant", "acme"]);
    assert!(listing.contains("scim") && listing.contains(&token[..8]) && !listing.contains(&token), "{listing}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "acme", "--face", "scim", "--role", "learner"]);
    assert!(!ok && err.contains("leave out --role"), "{err}");

    // Keepnet: companies in a reseller's tree, credentials with a client role, a campaign.
    assert!(run(&["tenant", "create", "reseller"]).0);
    let (ok, _, err) = run(&["client", "create", "--tenant", "reseller", "--face", "keepnet"]);
    assert!(!ok && err.contains("reseller or company-admin"), "{err}");
    let (ok, _, err) = run(&["client", "create", "--tenant", "reseller", "--face", "keepnet", "--role", "owner"]);
    assert!(!ok && err.contains("reseller or company-admin"), "{err}");
    let (ok, out, err) = run(&["client", "create", "--tenant", "reseller", "--face", "keepnet", "--role", "reseller"]);
    assert!(ok && out.contains("client_id=kn-") && out.contains("client_secret=") && err.contains("/connect/token"), "{out}{err}");
    let reseller_id = out.lines().find_map(|l| l.strip_prefix("company_resource_id=")).unwrap().to_string();
    assert_eq!(reseller_id.len(), 12, "{out}");
    let (ok, out, err) = run(&["keepnet", "company", "--tenant", "acme", "--parent", "reseller", "--user-limit", "3", "--tag", "gold"]);
    assert!(ok, "{err}");
    let acme_id = out.lines().find_map(|l| l.strip_prefix("company_resource_id=")).unwrap().to_string();
    assert_ne!(acme_id, reseller_id);
    let (ok, _, err) = run(&["keepnet", "company", "--tenant", "reseller", "--parent", "acme"]);
    assert!(!ok && err.contains("below itself"), "{err}");
    let (ok, out, _) = run(&["client", "create", "--tenant", "acme", "--face", "keepnet", "--role", "company-admin"]);
    assert!(ok && out.contains(&format!("company_resource_id={acme_id}")), "{out}");
    let (ok, _, err) = run(&["keepnet", "campaign", "--tenant", "acme", "--name", "Q1", "--training", "nope", "--user", "x"]);
    assert!(!ok && err.contains("nope"), "{err}");
}
