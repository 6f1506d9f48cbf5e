//! The `lmsbridge` command line: a thin layer over the library.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use lmsbridge::config::{Config, DatabaseArgs};
use lmsbridge::domain::Role;
use lmsbridge::domain::role::AomRole;
use lmsbridge::service::admin::Face;
use lmsbridge::service::{OpError, Service};
use lmsbridge::store::Db;
use lmsbridge::telemetry::{self, LogFormat};
use lmsbridge::{demo, http, pages};

mod import;

// Requests allocate small short-lived buffers on several threads; mimalloc's per-thread heaps
// serve them without the contention and consolidation passes of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "lmsbridge", version, about = "Speaks the iSpring Learn SOAP API over one service layer and a SQL database")]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    /// How log lines are written to stderr: text, or JSON (one object a line).
    #[arg(long, env = "LMSBRIDGE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creates and migrates the database on first start).
    Serve {
        #[command(flatten)]
        config: Box<Config>,
        /// Load a demo account if the database is empty, and print a ready token, sample ids and
        /// a curl call.
        #[arg(long)]
        demo: bool,
        /// With --demo: also write the demo's credentials and sample ids to this file, as JSON
        /// (readable by the owner only).
        #[arg(long, env = "LMSBRIDGE_CREDENTIALS_FILE", requires = "demo")]
        credentials_file: Option<std::path::PathBuf>,
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
    /// Keepnet Labs: companies in a reseller's tree, and campaigns.
    Keepnet {
        #[command(subcommand)]
        action: KeepnetAction,
    },
    /// Issue access tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Import users, departments, groups or enrollments from a CSV (header row) or JSON Lines
    /// file: each record is created, or changed where it differs, by its id; a rerun changes nothing.
    #[command(after_help = lmsbridge::bulk::columns_help())]
    Import(Box<import::ImportArgs>),
    /// Export users, departments, groups or enrollments as CSV or JSON Lines, in the columns an
    /// import reads.
    Export(import::ExportArgs),
}

#[derive(Subcommand)]
enum TenantAction {
    /// Create a tenant.
    Create {
        name: String,
        /// Account URL for legacy accountUrl/email/password credentials.
        #[arg(long)]
        account_url: Option<String>,
        /// The tenant's id in Rhythm's paths (`/courseRegistrations/{tenantId}`), such as `incose.org`.
        #[arg(long)]
        rhythm_id: Option<String>,
    },
}

#[derive(Subcommand)]
enum ClientAction {
    /// Create an API client; prints its client_id and secret once (only a digest is stored).
    Create {
        #[arg(long)]
        tenant: String,
        /// An API client's role: account_owner, account_administrator, department_administrator,
        /// publisher, custom or learner. With `--face aom`, the token's: owner, admin, staff,
        /// portal_admin or learner. With `--face keepnet`: reseller or company-admin.
        #[arg(long, required_unless_present = "face")]
        role: Option<String>,
        /// Create an integration key of this vendor face instead (printed once): skillable and rhythm
        /// keys act for the whole tenant; an aom token acts as one user (`--user`) in its `--role`;
        /// a scim token provisions the tenant's users and groups through /scim/v2; a keepnet
        /// credential (client id and secret) has a `--role`: reseller or company-admin.
        #[arg(long)]
        face: Option<lmsbridge::service::admin::Face>,
        /// The user an aom token acts as: its number or external id (default: the account owner,
        /// for the owner, admin and staff roles).
        #[arg(long, requires = "face")]
        user: Option<String>,
        /// External id of a department the client manages (department-scoped roles); repeatable.
        #[arg(long = "department")]
        departments: Vec<String>,
    },
    /// List a tenant's integration keys (id, face, first characters, created, revoked).
    Keys {
        #[arg(long)]
        tenant: String,
    },
    /// Revoke one of a tenant's integration keys.
    RevokeKey {
        #[arg(long)]
        tenant: String,
        /// The key's id, as `client keys` lists it.
        #[arg(long)]
        id: i64,
    },
    /// Give a client a new secret, printed once; the old secret stops working.
    RotateSecret {
        #[arg(long)]
        client_id: String,
    },
}

#[derive(Subcommand)]
enum KeepnetAction {
    /// Make a tenant a Keepnet company (below another's, with a licence); prints its Company ID.
    Company {
        #[arg(long)]
        tenant: String,
        /// The tenant whose company manages this one (a reseller, or a customer for a child).
        #[arg(long)]
        parent: Option<String>,
        /// The number of users the licence allows (unlimited without).
        #[arg(long)]
        user_limit: Option<i32>,
        /// When the licence ends (2027-12-31).
        #[arg(long)]
        license_end: Option<chrono::NaiveDate>,
        #[arg(long)]
        industry: Option<String>,
        /// A tag; repeatable.
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Create a campaign: one enrollment in the training per target user, and an invitation each
    /// queued in the outbox, in one transaction. Prints the campaign's enrollment id.
    Campaign {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        /// The course sent (its external id).
        #[arg(long)]
        training: String,
        /// SCORM (a training), LearningPath, Poster, Infographic, Screensaver or Survey.
        #[arg(long, default_value = "SCORM")]
        r#type: String,
        /// A target user's external id; repeatable.
        #[arg(long = "user")]
        users: Vec<String>,
        /// A group whose members are target users; repeatable.
        #[arg(long = "group")]
        groups: Vec<String>,
        /// When the invitations go out (RFC 3339); now without.
        #[arg(long)]
        start: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[arg(long)]
        due: Option<chrono::DateTime<chrono::FixedOffset>>,
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

/// An error as the operator reads it: in the words of the iSpring faces whose accounts and clients
/// the commands manage, then what exactly failed.
fn describe(error: OpError) -> String {
    match error {
        OpError::Invalid(p) => p.message,
        other => format!("{}: {}", lmsbridge::faces::ispring::fault_string(&other), other.public_detail()),
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let url = cli.database.database_url;
    match cli.command {
        Command::Serve { config, demo, credentials_file } => serve(&url, *config, demo.then_some(credentials_file)),
        Command::Migrate => {
            let db = Db::connect(&url, &Config::default().pool(&url)).map_err(|e| e.to_string())?;
            let applied = db.migrate().map_err(|e| e.to_string())?;
            println!("{} migration(s) applied to {} database {url}", applied.len(), db.backend());
            Ok(())
        }
        Command::Tenant { action: TenantAction::Create { name, account_url, rhythm_id } } => {
            let service = open(&url, &Config::default())?;
            service.create_tenant(&name, account_url.as_deref(), rhythm_id.as_deref()).map_err(describe)?;
            println!("tenant '{name}' created");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { tenant, role: Some(role), face: Some(Face::Aom), user, .. } } => {
            let role = AomRole::parse(&role).map_err(|refused| format!("--role {}", refused.reason))?;
            let service = open(&url, &Config::default())?;
            let (id, token, user_id) = service.create_aom_token(&tenant, role, user.as_deref()).map_err(describe)?;
            println!("key_id={id}");
            println!("token={token}");
            println!("user_id={user_id}");
            eprintln!("The token is shown only now; store it safely. Send it as Authorization: Bearer <token>.");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { tenant, role: Some(role), face: Some(Face::Keepnet), .. } } => {
            let role =
                lmsbridge::domain::keepnet::KeepnetRole::parse_option(&role).map_err(|refused| format!("--role {}", refused.reason))?;
            let service = open(&url, &Config::default())?;
            let credential = service.create_keepnet_client(&tenant, role).map_err(describe)?;
            println!("client_id={}", credential.client_id);
            println!("client_secret={}", credential.client_secret);
            println!("company_resource_id={}", credential.company_resource_id);
            eprintln!("The secret is shown only now; store it safely. Exchange it at POST /connect/token (scope api1).");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { role: Some(_), face: Some(face), .. } } => {
            Err(format!("a {} key acts for the whole tenant: leave out --role", face.as_str()))
        }
        Command::Client { action: ClientAction::Create { tenant, role: None, face: Some(Face::Scim), .. } } => {
            let service = open(&url, &Config::default())?;
            let (id, token) = service.create_integration_key(&tenant, Face::Scim).map_err(describe)?;
            println!("key_id={id}");
            println!("token={token}");
            eprintln!("The token is shown only now; store it safely. Send it to /scim/v2 as Authorization: Bearer <token>.");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { tenant, role: None, face: Some(face), .. } } => {
            let service = open(&url, &Config::default())?;
            let (id, key) = service.create_integration_key(&tenant, face).map_err(describe)?;
            println!("key_id={id}");
            println!("api_key={key}");
            eprintln!("The key is shown only now; store it safely. Send it as the header api_key.");
            Ok(())
        }
        Command::Client { action: ClientAction::Keys { tenant } } => {
            let service = open(&url, &Config::default())?;
            for key in service.integration_keys(&tenant).map_err(describe)? {
                let revoked = key.revoked_at.map_or("active".to_string(), |at| format!("revoked {at}"));
                let acting =
                    key.role.as_ref().map_or(String::new(), |role| format!(" as user {} ({role})", key.user_id.unwrap_or_default()));
                println!("{}\t{}{acting}\t{}…\tcreated {}\t{revoked}", key.id, key.face, key.key_prefix, key.created_at);
            }
            Ok(())
        }
        Command::Client { action: ClientAction::RevokeKey { tenant, id } } => {
            let service = open(&url, &Config::default())?;
            service.revoke_integration_key(&tenant, id).map_err(describe)?;
            println!("integration key {id} of tenant '{tenant}' revoked");
            Ok(())
        }
        Command::Client { action: ClientAction::Create { tenant, role, departments, .. } } => {
            let service = open(&url, &Config::default())?;
            let role = role.ok_or("give --role for an API client, or --face for an integration key")?.parse::<Role>()?;
            let client = service.create_client(&tenant, role, &departments).map_err(describe)?;
            println!("client_id={}", client.client_id);
            println!("client_secret={}", client.client_secret);
            eprintln!("The secret is shown only now; store it safely.");
            Ok(())
        }
        Command::Client { action: ClientAction::RotateSecret { client_id } } => {
            let service = open(&url, &Config::default())?;
            let secret = service.rotate_client_secret(&client_id).map_err(describe)?;
            println!("client_secret={secret}");
            eprintln!("The secret is shown only now; store it safely.");
            Ok(())
        }
        Command::Import(args) => {
            let service = open(&url, &Config::default())?;
            import::import(&service, *args)
        }
        Command::Export(args) => {
            let service = open(&url, &Config::default())?;
            import::export(&service, args)
        }
        Command::Keepnet { action: KeepnetAction::Company { tenant, parent, user_limit, license_end, industry, tags } } => {
            let service = open(&url, &Config::default())?;
            let licence = lmsbridge::service::keepnet::Licence {
                industry,
                license_type: None,
                user_limit,
                license_end_date: license_end.map(|d| d.and_time(chrono::NaiveTime::MIN)),
                tags,
            };
            let id = service.set_up_keepnet_company(&tenant, parent.as_deref(), &licence).map_err(describe)?;
            println!("company_resource_id={id}");
            Ok(())
        }
        Command::Keepnet { action: KeepnetAction::Campaign { tenant, name, training, r#type, users, groups, start, due } } => {
            let kind =
                lmsbridge::domain::keepnet::EnrollmentType::parse_training_type(&r#type).map_err(|r| format!("--type {}", r.reason))?;
            let request = lmsbridge::service::keepnet::NewCampaignRequest {
                name,
                training,
                enrollment_type: kind,
                delivery_type: lmsbridge::domain::keepnet::DeliveryType::Email,
                target_users: users,
                target_groups: groups,
                start_date: start.map(|t| t.naive_utc()),
                due_date: due.map(|t| t.naive_utc()),
                time_zone: None,
                reminder: None,
                award_certificate: false,
                has_quiz: false,
                is_test: false,
                languages: Vec::new(),
                tags: Vec::new(),
                category: None,
                level: None,
                duration: None,
                target_audience: None,
            };
            let service = open(&url, &Config::default())?;
            let created = service.create_keepnet_campaign_as_operator(&tenant, &request).map_err(describe)?;
            println!("enrollment_id={}", created.enrollment_id);
            println!("status={}", created.status.as_str());
            println!("enrollments={}", created.enrollments.len());
            println!("mails_queued={}", created.mails_queued);
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

/// `serve`; `demo` is `Some` (with the credentials file, if one is asked for) under `--demo`.
fn serve(url: &str, config: Config, demo: Option<Option<std::path::PathBuf>>) -> Result<(), String> {
    let service = open(url, &config)?;
    let listener = TcpListener::bind(&config.bind).map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let host = if local.ip().is_unspecified() { format!("127.0.0.1:{}", local.port()) } else { local.to_string() };
    let base = format!("http://{host}");
    say!("lmsbridge {} listening on {base} ({} database {url})", env!("CARGO_PKG_VERSION"), service.db().backend());
    say!("  open {base}/ in a browser: every face, its documents, and a form to try each operation");
    for section in pages::DIRECTORY {
        say!("  {}:", section.title);
        for link in section.links.iter().filter(|link| link.method.is_some()) {
            say!("    {:<5} {base}{:<24} {}", link.method.unwrap_or_default(), link.path, link.what);
        }
    }
    if let Some(credentials_file) = demo {
        print_demo(&service, &base, credentials_file.as_deref())?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = http::serve(listener, service, &config).map_err(|e| e.to_string())?;
        server.await.map_err(|e| e.to_string())
    })
}

/// Writes the demo's credentials file: `{"ispring": {...}, "skillable": {...}, "rhythm": {...}, "aom": {...}, "scim": {...}}`, one key a face, readable by the owner
/// only, replaced whole (never seen half-written).
fn write_credentials(path: &std::path::Path, access: &demo::Access, base: &str) -> Result<(), String> {
    let mut ispring = serde_json::to_value(access).map_err(|e| e.to_string())?;
    ispring["soapEndpoint"] = format!("{base}/api/v2/soap/2.0").into();
    ispring["jsonApi"] = format!("{base}/api/v1").into();
    let mut document = serde_json::json!({ "ispring": ispring });
    if let Some(skillable) = &access.skillable {
        let mut skillable = serde_json::to_value(skillable).map_err(|e| e.to_string())?;
        skillable["baseUrl"] = base.into();
        document["skillable"] = skillable;
    }
    if let Some(rhythm) = &access.rhythm {
        let mut rhythm = serde_json::to_value(rhythm).map_err(|e| e.to_string())?;
        rhythm["baseUrl"] = base.into();
        document["rhythm"] = rhythm;
    }
    if let Some(aom) = &access.aom {
        let mut aom = serde_json::to_value(aom).map_err(|e| e.to_string())?;
        aom["baseUrl"] = format!("{base}/api").into();
        document["aom"] = aom;
    }
    if let Some(scim) = &access.scim {
        let mut scim = serde_json::to_value(scim).map_err(|e| e.to_string())?;
        scim["base_url"] = format!("{base}/scim/v2").into();
        document["scim"] = scim;
    }
    if let Some(keepnet) = &access.keepnet {
        let mut keepnet = serde_json::to_value(keepnet).map_err(|e| e.to_string())?;
        keepnet["baseUrl"] = base.into();
        document["keepnet"] = keepnet;
    }
    let document = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    let partial = path.with_extension("partial");
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial)?;
        file.write_all(document.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    };
    write().map_err(|e| format!("cannot write the credentials file {}: {e}", path.display()))
}

fn print_demo(service: &Service, base: &str, credentials_file: Option<&std::path::Path>) -> Result<(), String> {
    match demo::load_if_empty(service).map_err(describe)? {
        Some(s) => {
            say!(
                "  demo account '{}' loaded: {} departments, {} users, {} courses, {} enrollments, {} certificates, {} class enrollments, {} course registrations",
                demo::TENANT,
                s.departments,
                s.users,
                s.courses,
                s.enrollments,
                s.certificates,
                s.class_enrollments,
                s.registrations
            );
            say!(
                "  Keepnet: a reseller managing {} companies (Contoso over its licence limit), {} campaigns with deliveries, reminders, Teams notifications and certificates",
                s.keepnet_companies - 1,
                s.keepnet_campaigns
            );
        }
        None => say!("  database already holds data; demo account not reloaded"),
    }
    let access = match demo::access(service) {
        Ok(access) => access,
        Err(e) => {
            say!("  (no demo account in this database: {}; create clients with `lmsbridge client create`)", describe(e));
            return Ok(());
        }
    };
    if let Some(path) = credentials_file {
        write_credentials(path, &access, base)?;
        say!("  demo credentials and sample ids written to {}", path.display());
    }
    let department_admin = service.issue_token_for_client(demo::DEPARTMENT_ADMIN_CLIENT).map(|t| t.access_token).unwrap_or_default();
    say!();
    say!("  token (account administrator, 30 min): {}", access.token);
    say!("  token (department administrator of Sales): {department_admin}");
    say!("  demo API client {}: client_secret={} (a new one at every start)", access.client_id, access.client_secret);
    say!("  legacy credentials: accountUrl {} email {} password {}", demo::ACCOUNT_URL, demo::ADMIN_LOGIN, demo::PASSWORD);
    say!(
        "  sample ids: learner {} ({}), course {}, enrollment {}, department {}",
        access.learner_id,
        demo::SAMPLE_LEARNER_LOGIN,
        access.course_id,
        access.enrollment_id,
        access.department_id
    );
    let skillable = access.skillable.as_ref().map_or(String::new(), |s| {
        format!(
            " SKILLABLE_API_KEY={} CLASS_ENROLLMENT_ID={} CLASS_ID={} CLASS_USER_ID={}",
            s.api_key, s.class_enrollment_id, s.class_id, s.user_id
        )
    });
    if let Some(s) = &access.skillable {
        say!(
            "  Skillable integration key: api_key={} (a new one at every start); class enrollment {}, class {}, user {}",
            s.api_key,
            s.class_enrollment_id,
            s.class_id,
            s.user_id
        );
    }
    let rhythm = access.rhythm.as_ref().map_or(String::new(), |r| {
        format!(
            " RHYTHM_TENANT={} RHYTHM_API_KEY={} REGISTRATION_ID={} STUDENT_ID={} OFFERING_ID={} PROCESS_ID={}",
            r.tenant_id, r.api_key, r.registration_id, r.student_id, r.course_offering_id, r.process_id
        )
    });
    if let Some(r) = &access.rhythm {
        say!(
            "  Rhythm tenant {} key: {} (a new one at every start); registration {}, student {}, offering {}, process {}",
            r.tenant_id,
            r.api_key,
            r.registration_id,
            r.student_id,
            r.course_offering_id,
            r.process_id
        );
    }
    let aom = access.aom.as_ref().map_or(String::new(), |a| {
        format!(
            " AOM_TOKEN={} AOM_COURSE_ID={} AOM_ENROLLMENT_ID={} AOM_USER_ID={} AOM_PORTAL_ID={} AOM_LEARNING_PATH_ID={}",
            a.token, a.course_id, a.enrollment_id, a.user_id, a.portal_id, a.learning_path_id
        )
    });
    if let Some(a) = &access.aom {
        say!(
            "  Academy Of Mine token (an administrator's): Bearer {} (a new one at every start); course {}, enrollment {}, learner {}, portal {}, learning path {}",
            a.token,
            a.course_id,
            a.enrollment_id,
            a.user_id,
            a.portal_id,
            a.learning_path_id
        );
    }
    if let Some(scim) = &access.scim {
        say!("  SCIM 2.0 token: Bearer {} (a new one at every start); base URL {base}/scim/v2", scim.token);
    }
    if let Some(k) = &access.keepnet {
        say!(
            "  Keepnet reseller credential: client_id {} client_secret {} (a new one at every start); customer company {}, enrollment {}",
            k.client_id,
            k.client_secret,
            k.company_resource_id,
            k.enrollment_id
        );
    }
    let scim = access.scim.as_ref().map_or(String::new(), |s| format!(" SCIM_TOKEN={}", s.token));
    let scim = match &access.keepnet {
        Some(k) => format!(
            "{scim} KEEPNET_CLIENT_ID={} KEEPNET_CLIENT_SECRET={} KEEPNET_COMPANY_ID={} KEEPNET_ENROLLMENT_ID={}",
            k.client_id, k.client_secret, k.company_resource_id, k.enrollment_id
        ),
        None => scim,
    };
    say!();
    say!("Paste this line into a shell; then the README's examples run as written:");
    say!(
        "export BASE_URL={base} TOKEN={} CLIENT_ID={} CLIENT_SECRET={} LEARNER_ID={} COURSE_ID={} ENROLLMENT_ID={} DEPARTMENT_ID={}{skillable}{rhythm}{aom}{scim}",
        access.token,
        access.client_id,
        access.client_secret,
        access.learner_id,
        access.course_id,
        access.enrollment_id,
        access.department_id
    );
    say!();
    say!("Try it:");
    say!(
        "  curl -s {base}/api/v2/soap/2.0 -H 'Content-Type: text/xml' --data-binary \
         '<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"http://ispringlearn.com/go/services/api/soap\">\
         <soap:Body><GetEnrollmentsRequest><credentials><token>{}</token></credentials></GetEnrollmentsRequest></soap:Body></soap:Envelope>'",
        access.token
    );
    say!("  curl -s '{base}/api/v1/enrollments?learnerId={}' -H 'Authorization: Bearer {}'", access.learner_id, access.token);
    if let Some(s) = &access.skillable {
        say!("  curl -s {base}/GetClassEnrollment/{} -H 'api_key: {}'", s.class_enrollment_id, s.api_key);
    }
    if let Some(r) = &access.rhythm {
        say!("  curl -s {base}/courseRegistrations/{}/{} -H 'Authorization: {}'", r.tenant_id, r.registration_id, r.api_key);
    }
    if let Some(a) = &access.aom {
        say!(
            "  curl -s '{base}/api/courses/enrolled-learners?course_id={}&portalId=-1&page_size=10&page_number=1' -H 'Authorization: Bearer {}'",
            a.course_id,
            a.token
        );
    }
    if let Some(scim) = &access.scim {
        say!("  curl -s '{base}/scim/v2/Users?count=2' -H 'Authorization: Bearer {}'", scim.token);
    }
    if let Some(k) = &access.keepnet {
        say!(
            "  KEEPNET_TOKEN=$(curl -s {base}/connect/token -d grant_type=client_credentials -d client_id={} -d client_secret={} -d scope=api1 | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
            k.client_id,
            k.client_secret
        );
        say!(
            "  curl -s {base}/api/training-reports/{}/sending-report/search -H \"Authorization: Bearer $KEEPNET_TOKEN\" -H 'X-KEEPNET-Company-Id: {}' -H 'Content-Type: application/json' -d '{{\"pageNumber\":1,\"pageSize\":10,\"orderBy\":\"email\",\"ascending\":true}}'",
            k.enrollment_id,
            k.company_resource_id
        );
    }
    say!(
        "  new token: curl -s {base}/api/v3/token -d client_id={} -d client_secret={} -d grant_type=client_credentials",
        access.client_id,
        access.client_secret
    );
    say!();
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lmsbridge: {message}");
            ExitCode::FAILURE
        }
    }
}
