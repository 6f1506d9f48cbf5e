//! Test harness: every test gets a fresh database (a SQLite file, or a new PostgreSQL database when
//! `LMSBRIDGE_TEST_PG` is set), the fixture account below, and a real server on a random port.
#![allow(dead_code)]

pub mod fixture;
pub mod mail;
pub mod process;
pub mod soap;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use diesel::{Connection, RunQueryDsl};
use lmsbridge::config::Config;
use lmsbridge::service::Service;
use lmsbridge::store::Db;

pub use fixture::Fixture;

/// Declares each listed `async fn name(backend: Backend)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::common::Backend::postgres() {
                        Some(backend) => super::$name(backend).await,
                        None => eprintln!("LMSBRIDGE_TEST_PG is not set: PostgreSQL run skipped"),
                    }
                }
            )*
        }
    };
}

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The admin URL of a PostgreSQL server; each test creates its own database there.
    Postgres(String),
}

impl Backend {
    /// Without TLS unless the URL asks for it: the servers a test binary starts keep background
    /// threads (mail, schedulers, webhooks) that may be inside libpq when the binary exits, and
    /// OpenSSL's exit-time cleanup pulls its state from under a thread mid-TLS.
    pub fn postgres() -> Option<Backend> {
        std::env::var("LMSBRIDGE_TEST_PG").ok().filter(|u| !u.is_empty()).map(|url| {
            if url.contains("sslmode=") {
                Backend::Postgres(url)
            } else {
                let sep = if url.contains('?') { '&' } else { '?' };
                Backend::Postgres(format!("{url}{sep}sslmode=disable"))
            }
        })
    }
}

/// A database made for one test, removed when the test ends.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn create(backend: &Backend) -> (TestDb, String) {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = dir.path().join("lmsbridge.db").to_string_lossy().into_owned();
                (TestDb::Sqlite(dir), url)
            }
            Backend::Postgres(admin_url) => {
                let name = format!("lmsbridge_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish(admin_url).expect("connect to LMSBRIDGE_TEST_PG");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
                let url = with_database(admin_url, &name);
                (TestDb::Postgres { admin_url: admin_url.clone(), name }, url)
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut admin) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A running server with the fixture account loaded.
pub struct TestApp {
    pub base_url: String,
    pub service: Service,
    pub fixture: Fixture,
    pub client: reqwest::Client,
    pub database_url: String,
    _db: TestDb,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (db_guard, url) = TestDb::create(&backend);
    let mut config = Config { workers: Some(2), ..Config::default() };
    adjust(&mut config);
    let service = {
        let url = url.clone();
        let pool = config.pool(&url);
        let ttl = config.token_ttl_secs;
        tokio::task::spawn_blocking(move || {
            let db = Db::connect(&url, &pool).expect("open test database");
            db.migrate().expect("migrate test database");
            Service::new(db, ttl)
        })
        .await
        .expect("database setup")
    };
    let fixture = {
        let service = service.clone();
        tokio::task::spawn_blocking(move || Fixture::load(&service)).await.expect("fixture")
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let port = listener.local_addr().expect("local address").port();
    let server = lmsbridge::http::serve(listener, service.clone(), &config).expect("server");
    tokio::spawn(server);
    TestApp {
        base_url: format!("http://127.0.0.1:{port}"),
        service,
        fixture,
        client: reqwest::Client::new(),
        database_url: url,
        _db: db_guard,
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    /// POSTs a SOAP 1.1 body to the iSpring endpoint.
    pub async fn soap(&self, body: impl Into<String>) -> Reply {
        self.post("/api/v2/soap/2.0", "text/xml; charset=utf-8", body.into()).await
    }

    pub async fn post(&self, path: &str, content_type: &str, body: String) -> Reply {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        Reply::read(response).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let response = self.client.get(format!("{}{path}", self.base_url)).send().await.expect("request sent");
        Reply::read(response).await
    }
}

impl Reply {
    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = response.text().await.expect("response body");
        Reply { status, content_type, body, headers }
    }
}

/// Validates a SOAP response against the bundled XSD with an independent validator (libxml2's
/// xmllint). Responses in the `https://` namespace spellings are validated as their `http://` twins.
pub fn assert_schema_valid(xml: &str) {
    let soap12 = xml.contains("http://www.w3.org/2003/05/soap-envelope");
    let normalized = xml
        .replace("https://schemas.xmlsoap.org/soap/envelope/", "http://schemas.xmlsoap.org/soap/envelope/")
        .replace("https://ispringlearn.com/go/services/api/soap", "http://ispringlearn.com/go/services/api/soap");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(if soap12 {
        "validate-soap12.xsd"
    } else {
        "validate-soap11.xsd"
    });
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(file.path(), normalized).expect("write response");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(file.path())
        .output()
        .expect("xmllint must be installed (Debian package libxml2-utils); scripts/test installs it");
    assert!(
        output.status.success(),
        "response does not validate against schemas/ispring.xsd:\n{}\n--- response ---\n{}",
        String::from_utf8_lossy(&output.stderr),
        xml
    );
}
