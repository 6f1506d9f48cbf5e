//! Persistence through diesel, on SQLite (embedded default) or PostgreSQL (a `postgres://` URL).
//!
//! The same schema and queries serve both backends: a query is written once inside [`on_conn!`],
//! which compiles it for each connection type. Every request runs in one transaction ([`Db::read`]
//! or [`Db::write`]); blocking diesel calls are the caller's job to keep off async workers.

pub mod auth;
pub mod changes;
pub mod courses;
pub mod departments;
pub mod directory;
pub mod enrollments;
pub mod groups;
pub mod imports;
pub mod keepnet;
pub mod offerings;
pub mod outbox;
pub mod paths;
pub mod portals;
pub mod progress;
pub mod registrations;
pub mod schema;
pub mod tenants;
pub mod time;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A row's internal id and the id callers know it by.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable)]
pub struct Keyed {
    pub id: i64,
    pub external_id: String,
}

diesel::define_sql_function! {
    /// Lower case, the same on both backends for ASCII letters (names, e-mails).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Ids as the query builder takes them, from any list of texts (the service's parsed ids, tests'
/// strings).
fn strs(ids: &[impl AsRef<str>]) -> Vec<&str> {
    ids.iter().map(AsRef::as_ref).collect()
}

/// Whether a request only reads (one consistent snapshot) or writes (one all-or-nothing
/// transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// A connection inside a transaction, of either backend.
pub enum Tx<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection of `$tx` (`&mut Tx`); the body is
/// compiled once per backend, so every diesel feature both backends share is available.
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(conn) => {
                let $c: &mut ::diesel::sqlite::SqliteConnection = &mut **conn;
                $body
            }
            $crate::store::Tx::Pg(conn) => {
                let $c: &mut ::diesel::pg::PgConnection = &mut **conn;
                $body
            }
        }
    };
}
pub use on_conn;

/// The SQL condition that a user's full name or e-mail contains a `LIKE` pattern (lower case,
/// escaped with `\`), over `app_user`.
macro_rules! name_or_email_like {
    ($pattern:expr) => {
        ::diesel::dsl::sql::<::diesel::sql_types::Bool>(
            "(lower(COALESCE(app_user.first_name, '') || ' ' || COALESCE(app_user.last_name, '')) LIKE ",
        )
        .bind::<::diesel::sql_types::Text, _>($pattern.clone())
        .sql(" ESCAPE '\\' OR lower(COALESCE(app_user.email, '')) LIKE ")
        .bind::<::diesel::sql_types::Text, _>($pattern.clone())
        .sql(" ESCAPE '\\')")
    };
}
pub(crate) use name_or_email_like;

/// Failures of the database as a whole, as opposed to a failing statement.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("bad database URL: {0}")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// The number of requests that can use the database at once: one thread and connection each
    /// (the pool keeps [`SPARE_CONNECTIONS`] more for work outside requests).
    pub size: u32,
    /// How long a request waits for a free connection before it fails.
    pub wait: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions { size: 8, wait: Duration::from_secs(5) }
    }
}

/// Connections the pool keeps beyond its request threads' (`PoolOptions::size`): the request
/// threads hold theirs while requests keep coming, and the token endpoint, the readiness check,
/// the mail sender and commands must still find one.
const SPARE_CONNECTIONS: u32 = 2;

/// The connection pool of the configured backend.
#[derive(Clone)]
pub enum Db {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), r2d2::Error> {
        // WAL lets readers run beside the writer; the busy timeout makes writers queue, not fail.
        // SQLite's default page cache (2 MiB a connection) and no memory map keep the server's
        // resident memory flat however large the database is.
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(r2d2::Error::QueryError)
    }
}

impl Db {
    /// Opens a pool for `url`: `postgres://…`/`postgresql://…`, else a SQLite file path
    /// (optionally written `sqlite://path`). The SQLite file is created if missing.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Db, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let manager = ConnectionManager::<PgConnection>::new(with_connect_timeout(url));
            let pool = Pool::builder()
                .max_size(options.size + SPARE_CONNECTIONS)
                .min_idle(Some(0))
                .connection_timeout(options.wait)
                .build_unchecked(manager);
            Ok(Db::Pg(pool))
        } else {
            let path = sqlite_path(url)?;
            let manager = ConnectionManager::<SqliteConnection>::new(path);
            let pool = Pool::builder()
                .max_size(options.size + SPARE_CONNECTIONS)
                .min_idle(Some(0))
                .connection_timeout(options.wait)
                // A connection to a local file does not go stale: no `SELECT 1` before every use.
                .test_on_check_out(false)
                .connection_customizer(Box::new(SqlitePragmas))
                .build_unchecked(manager);
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Pg(_) => "postgres",
        }
    }

    /// Applies the embedded migrations that have not run yet; returns their names.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let applied = match self {
            Db::Sqlite(pool) => {
                let mut conn = checkout(pool)?;
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(|e| StoreError::Migration(e.to_string()))?
                    .iter()
                    .map(|v| v.to_string())
                    .collect()
            }
            Db::Pg(pool) => {
                let mut conn = checkout(pool)?;
                // Several servers may start at once on one database: migrate one at a time.
                conn.batch_execute("SELECT pg_advisory_lock(7355608)")?;
                let result = conn
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.iter().map(|v| v.to_string()).collect())
                    .map_err(|e| StoreError::Migration(e.to_string()));
                conn.batch_execute("SELECT pg_advisory_unlock(7355608)")?;
                result?
            }
        };
        Ok(applied)
    }

    /// Runs `work` in a read-only transaction that sees one consistent snapshot.
    pub fn read<T, E>(&self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        self.hold()?.read(work)
    }

    /// Runs `work` in a read-write transaction: all of it lands, or none of it.
    pub fn write<T, E>(&self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        self.hold()?.write(work)
    }

    /// Takes a connection from the pool for several transactions; it goes back when dropped.
    pub fn hold(&self) -> Result<Held, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Held::Sqlite(checkout(pool)?),
            Db::Pg(pool) => Held::Pg(checkout(pool)?),
        })
    }

    /// How many request threads the pool serves, and how long a caller may wait for a connection.
    pub fn capacity(&self) -> (usize, Duration) {
        let (size, wait) = match self {
            Db::Sqlite(pool) => (pool.max_size(), pool.connection_timeout()),
            Db::Pg(pool) => (pool.max_size(), pool.connection_timeout()),
        };
        ((size - SPARE_CONNECTIONS) as usize, wait)
    }

    /// Checks that the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => Ok(checkout(pool)?.batch_execute("SELECT 1")?),
            Db::Pg(pool) => Ok(checkout(pool)?.batch_execute("SELECT 1")?),
        }
    }
}

/// A connection taken from the pool, for a run of transactions without a checkout (and, on
/// PostgreSQL, the pool's liveness check) before each.
pub enum Held {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Pg(PooledConnection<ConnectionManager<PgConnection>>),
}

impl Held {
    /// Runs `work` in a read-only transaction that sees one consistent snapshot.
    pub fn read<T, E>(&mut self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        match self {
            Held::Sqlite(conn) => conn.transaction(|c| work(&mut Tx::Sqlite(c))),
            Held::Pg(conn) => conn.build_transaction().read_only().repeatable_read().run(|c| work(&mut Tx::Pg(c))),
        }
    }

    /// Runs `work` in a read-write transaction: all of it lands, or none of it.
    pub fn write<T, E>(&mut self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        match self {
            // IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
            // instead of one failing when it upgrades from a read.
            Held::Sqlite(conn) => conn.immediate_transaction(|c| work(&mut Tx::Sqlite(c))),
            Held::Pg(conn) => conn.transaction(|c| work(&mut Tx::Pg(c))),
        }
    }
}

fn checkout<C>(pool: &Pool<ConnectionManager<C>>) -> Result<PooledConnection<ConnectionManager<C>>, StoreError>
where
    C: diesel::r2d2::R2D2Connection + 'static,
{
    pool.get().map_err(|e| StoreError::Unavailable(e.to_string()))
}

fn sqlite_path(url: &str) -> Result<String, StoreError> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.is_empty() || path.contains(":memory:") || path.starts_with("file::memory") {
        return Err(StoreError::BadUrl(format!(
            "'{url}': give a SQLite file path (an in-memory database would differ per pooled connection)"
        )));
    }
    Ok(path.to_string())
}

/// Bounds how long opening a PostgreSQL connection may take, unless the URL already says.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_string()
    } else {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}connect_timeout=5")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_migrate_to_the_same_schema() {
        // The PostgreSQL migrations are the SQLite ones with identity keys; nothing else may differ
        // but blocks marked backend-specific (what SQLite must do another way, such as changing a CHECK).
        let common = |text: String| {
            let mut kept = String::new();
            let mut specific = false;
            for line in text.lines() {
                match line.trim() {
                    "-- backend-specific: begin" => specific = true,
                    "-- backend-specific: end" => specific = false,
                    _ if !specific => {
                        kept.push_str(line);
                        kept.push('\n');
                    }
                    _ => {}
                }
            }
            kept
        };
        let dirs = |backend: &str| {
            let mut names: Vec<_> = std::fs::read_dir(format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        };
        assert_eq!(dirs("sqlite"), dirs("postgres"));
        for name in dirs("sqlite") {
            for file in ["up.sql", "down.sql"] {
                let read = |backend: &str| {
                    std::fs::read_to_string(format!("{}/migrations/{backend}/{name}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
                };
                let translated = common(read("sqlite"))
                    .replace("INTEGER PRIMARY KEY,", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,")
                    .replace("(SQLite). Mirrors migrations/postgres", "(PostgreSQL). Mirrors migrations/sqlite");
                assert_eq!(translated, common(read("postgres")), "{name}/{file}");
            }
        }
    }

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(sqlite_path("lmsbridge.db").unwrap(), "lmsbridge.db");
        assert_eq!(sqlite_path("sqlite:///tmp/x.db").unwrap(), "/tmp/x.db");
        assert!(sqlite_path(":memory:").is_err());
        assert!(sqlite_path("").is_err());
    }

    #[test]
    fn postgres_urls_get_a_bounded_connect_time() {
        assert_eq!(with_connect_timeout("postgres://h/db"), "postgres://h/db?connect_timeout=5");
        assert_eq!(with_connect_timeout("postgres://h/db?sslmode=disable"), "postgres://h/db?sslmode=disable&connect_timeout=5");
        assert_eq!(with_connect_timeout("postgres://h/db?connect_timeout=1"), "postgres://h/db?connect_timeout=1");
    }
}
