//! The `lmsbridge` command line: a thin layer over the library.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use lmsbridge::config::{Config, DatabaseArgs};
use lmsbridge::domain::Role;
use lmsbridge::service::{OpError, Service};
use lmsbridge::store::Db;
use lmsbridge::{demo, http, telemetry};

// Requests allocate small short-lived buffers on several threads; mimalloc's per-thread heaps
// serve them without the contention and consolidation passes of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "lmsbridge", version, about = "Speaks the iSpring Learn SOAP API over one service layer and a SQL database")]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creates and migrates the database on first start).
    Serve {
        #[command(flatten)]
        config: Config,
        /// Load a demo account if the database is empty, and print a ready token and a curl call.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage tenants (accounts).
    Tenant {
        #[command(subcommand)]
        action: TenantAction,
    },
    /// Manage API clients.
    Client {
        #[command(subcommand)]
        action: ClientAction,
    },
    /// Issue access tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand)]
enum TenantAction {
    /// Create a tenant.
    Create {
        name: String,
        /// Account URL for legacy accountUrl/email/password credentials.
        #[arg(long)]
        account_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum ClientAction {
    /// Create an API client; prints its client_id and secret once (only a digest is stored).
    Create {
        #[arg(long)]
        tenant: String,
        /// account_owner, account_administrator, department_administrator, publisher, custom or learner.
        #[arg(long)]
        role: Role,
        /// External id of a department the client manages (department-scoped roles); repeatable.
        #[arg(long = "department")]
        departments: Vec<String>,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Issue a token for a client without its secret (operator use).
    Issue {
        #[arg(long)]
        client_id: String,
    },
}

/// Prints a line of the banner. A server must not die because whoever started it closed its
/// standard output, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn open(database_url: &str, config: &Config) -> Result<Service, String> {
    let db = Db::connect(database_url, &config.pool(database_url)).map_err(|e| e.to_string())?;
    let applied = db.migrate().map_err(|e| format!("{e} (database: {database_url})"))?;
    for name in applied {
        tracing::info!(migration = name, "applied migration");
    }
    Ok(Service::new(db, config.token_ttl_secs))
}

fn describe(error: OpError) -> String {
    match error {
        OpError::WrongParameters(p) => p.message,
        other => other.to_string(),
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let url = cli.database.database_url;
    match cli.command {
        Command::Serve { config, demo } => serve(&url, config, demo),
        Command::Migrate => {
            let db = Db::connect(&url, &Config::default().pool(&url)).map_err(|e| e.to_string())?;
            let applied = db.migrate().map_err(|e| e.to_string())?;
            println!("{} migration(s) applied to {} database {url}", applied.len(), db.backend());
            Ok(())
        }
        Command::Tenant { action: TenantAction::Create { name, account_url } } => {
            let service = open(&url, &Config::default())?;
            service.create_tenant(&name, account_url.as_deref()).map_err(describe)?;
            println!("tenant '{name}' created");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { tenant, role, departments } } => {
            let service = open(&url, &Config::default())?;
            let client = service.create_client(&tenant, role, &departments).map_err(describe)?;
            println!("client_id={}", client.client_id);
            println!("client_secret={}", client.client_secret);
            eprintln!("The secret is shown only now; store it safely.");
            Ok(())
        }
        Command::Token { action: TokenAction::Issue { client_id } } => {
            let service = open(&url, &Config::default())?;
            let token = service.issue_token_for_client(&client_id).map_err(describe)?;
            println!("{}", token.access_token);
            eprintln!("valid for {} seconds", token.expires_in);
            Ok(())
        }
    }
}

fn serve(url: &str, config: Config, with_demo: bool) -> Result<(), String> {
    let service = open(url, &config)?;
    let listener = TcpListener::bind(&config.bind).map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let host = if local.ip().is_unspecified() { format!("127.0.0.1:{}", local.port()) } else { local.to_string() };
    let base = format!("http://{host}");
    say!("lmsbridge listening on {base} ({} database {url})", service.db().backend());
    say!("  SOAP endpoint: {base}/api/v2/soap/2.0   WSDL: {base}/api/v2/soap/2.0?wsdl");
    say!("  tokens:        POST {base}/api/v3/token (client_id, client_secret, grant_type=client_credentials)");
    if with_demo {
        print_demo(&service, &base)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = http::serve(listener, service, &config).map_err(|e| e.to_string())?;
        server.await.map_err(|e| e.to_string())
    })
}

fn print_demo(service: &Service, base: &str) -> Result<(), String> {
    match demo::load_if_empty(service).map_err(describe)? {
        Some(s) => {
            say!(
                "  demo account '{}' loaded: {} departments, {} users, {} courses, {} enrollments, {} certificates",
                demo::TENANT, s.departments, s.users, s.courses, s.enrollments, s.certificates
            );
            for (id, secret) in &s.client_secrets {
                say!("  demo API client {id}: client_secret={secret} (shown once)");
            }
        }
        None => say!("  database already holds data; demo account not reloaded"),
    }
    let token = |client| service.issue_token_for_client(client).map(|t| t.access_token);
    let admin = match token(demo::ADMIN_CLIENT) {
        Ok(t) => t,
        Err(_) => {
            say!("  (no demo clients in this database: create one with `lmsbridge client create`)");
            return Ok(());
        }
    };
    let department_admin = token(demo::DEPARTMENT_ADMIN_CLIENT).unwrap_or_default();
    say!();
    say!("  token (account administrator, 30 min): {admin}");
    say!("  token (department administrator of Sales): {department_admin}");
    say!("  legacy credentials: accountUrl {} email {} password {}", demo::ACCOUNT_URL, demo::ADMIN_LOGIN, demo::PASSWORD);
    say!();
    say!("Try it:");
    say!(
        "  curl -s {base}/api/v2/soap/2.0 -H 'Content-Type: text/xml' --data-binary \
         '<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"http://ispringlearn.com/go/services/api/soap\">\
         <soap:Body><GetEnrollmentsRequest><credentials><token>{admin}</token></credentials></GetEnrollmentsRequest></soap:Body></soap:Envelope>'"
    );
    say!("  new token: curl -s {base}/api/v3/token -d client_id={} -d client_secret=SECRET -d grant_type=client_credentials", demo::ADMIN_CLIENT);
    say!();
    Ok(())
}

fn main() -> ExitCode {
    telemetry::init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lmsbridge: {message}");
            ExitCode::FAILURE
        }
    }
}
