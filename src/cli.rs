//! The command line: serve (the default), migrate, print the OpenAPI document, create the first
//! admin, load the demo data set, verify the audit trail.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::audit::{self, Actor};
use crate::config::Settings;
use crate::db::types::OrganizationId;
use crate::db::Database;
use crate::employees::{self, JobLevel, NewEmployee};
use crate::error::ApiError;
use crate::units::{self, UnitInput, UnitKind};
use crate::{organizations, seed};

#[derive(Debug, Parser)]
#[command(name = "kinerja", version, about = "Performance management for Indonesian civil servants (ASN)")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (regenerate the committed copy: `kinerja openapi > openapi/openapi.json`).
    Openapi,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load data sets.
    Seed {
        /// Load the small demo organisation (code `demo`); never use it in production.
        #[arg(long)]
        demo: bool,
        /// Load a synthetic organisation of N employees for benchmarks (last year evaluated, with
        /// plans, achievements, assessments, peers and citizen ratings); never in production.
        #[arg(long, value_name = "N", conflicts_with = "demo")]
        synthetic: Option<u32>,
        /// The synthetic organisation's code.
        #[arg(long, default_value = "sintetis", requires = "synthetic")]
        org_code: String,
        /// Add the synthetic data to an organisation that already has employees.
        #[arg(long, requires = "synthetic")]
        allow_non_empty: bool,
    },
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Take a consistent online copy of the SQLite database while the service runs, and verify it
    /// (integrity and every audit chain) before it is kept. PostgreSQL: use pg_dump.
    Backup {
        /// The new file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Manage service clients (portals).
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Create a portal as the operator; one with `rating_tickets:issue` then needs no second
    /// admin's approval. Prints its client id and secret (shown once).
    Create {
        #[arg(long)]
        org_code: String,
        #[arg(long)]
        name: String,
        /// A scope to grant (repeat for several): employees:read, organization:read, rating_tickets:issue, reports:read.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an admin, and the organisation if the code is new. The password is read from
    /// KINERJA_ADMIN_PASSWORD or else from the first line of standard input.
    Create {
        /// Organisation code, e.g. `kota-serang`.
        #[arg(long)]
        org_code: String,
        /// Organisation name; required when the organisation is new.
        #[arg(long)]
        org_name: Option<String>,
        /// The admin's 18-digit NIP.
        #[arg(long)]
        nip: String,
        /// The admin's full name.
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "Administrator Kinerja")]
        position: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute every organisation's hash chain (or one's); exits 1 if any is broken.
    Verify {
        #[arg(long)]
        org_code: Option<String>,
    },
    /// Seal every pending event into its chain now (the server does it several times a second).
    Seal,
}

/// The access log's module.
const ACCESS_LOG: &str = "actix_web::middleware::logger";

/// Logs as RUST_LOG asks (`info` when unset), with the access log capped at info: at debug it also
/// writes each error response's problem, which repeats the client's input (`unknown variant "<a
/// name>"`), so the access lines are the most it writes. Capped, not raised: at `warn` it writes
/// none (it had been set to info whatever RUST_LOG said, a line and a write per request).
/// Internal errors are logged under the request id instead.
fn init_logging() {
    let env = || env_logger::Env::default().default_filter_or("info");
    let mut builder = env_logger::Builder::from_env(env());
    let asked = env_logger::Logger::from_env(env());
    let access_debug = log::Metadata::builder().target(ACCESS_LOG).level(log::Level::Debug).build();
    if log::Log::enabled(&asked, &access_debug) {
        builder.filter_module(ACCESS_LOG, log::LevelFilter::Info);
    }
    builder.init();
}

pub fn run() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", crate::openapi::document_json());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return fail(format!("configuration error: {e}")),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let result = actix_web::rt::System::new().block_on(crate::startup::serve(settings));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e.to_string()),
            }
        }
        command => {
            let db = match Database::connect(&settings.database, 2) {
                Ok(db) => db,
                Err(e) => return fail(e.to_string()),
            };
            let result = match command {
                Command::Migrate => {
                    println!("migrations applied to {}", settings.database.redacted());
                    Ok(())
                }
                Command::Admin { command: AdminCommand::Create { org_code, org_name, nip, name, position } } => {
                    create_admin(
                        &db,
                        settings.admin_password.clone(),
                        &org_code,
                        org_name.as_deref(),
                        &nip,
                        &name,
                        &position,
                    )
                }
                Command::Seed { demo: true, .. } => {
                    seed::demo(&db, settings.demo_password.clone()).map(|report| println!("{report}"))
                }
                Command::Seed { synthetic: Some(employees), org_code, allow_non_empty, .. } => {
                    seed::synthetic::synthetic(
                        &db,
                        seed::synthetic::Options {
                            employees,
                            org_code,
                            allow_non_empty,
                            password: settings.demo_password.clone(),
                        },
                    )
                    .map(|report| println!("{report}"))
                }
                Command::Seed { .. } => {
                    Err("say which data set: kinerja seed --demo, or kinerja seed --synthetic N".into())
                }
                Command::Audit { command: AuditCommand::Verify { org_code } } => verify_audit(&db, org_code.as_deref()),
                Command::Audit { command: AuditCommand::Seal } => {
                    audit::seal_all(&db).map(|sealed| println!("sealed {sealed} event(s)")).map_err(ApiError::describe)
                }
                Command::Backup { to } => crate::backup::to_file(&db, &to).map(|report| println!("{report}")),
                Command::Client { command: ClientCommand::Create { org_code, name, scopes } } => {
                    create_client(&db, &org_code, &name, &scopes)
                }
                Command::Serve | Command::Openapi => unreachable!("handled above"),
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => fail(message),
            }
        }
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("kinerja: {message}");
    ExitCode::FAILURE
}

/// The admin's password from the terminal without echo, or the first line of a pipe.
fn read_password() -> Result<String, String> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprintln!("Password (at least 12 characters; not shown as you type):");
        return rpassword::read_password().map_err(|e| e.to_string());
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn create_admin(
    db: &Database,
    password: Option<String>,
    org_code: &str,
    org_name: Option<&str>,
    nip: &str,
    name: &str,
    position: &str,
) -> Result<(), String> {
    let password = match password {
        Some(password) => password,
        None => read_password()?,
    };
    crate::auth::password::check_strength(&password).map_err(|e| format!("password {e}"))?;
    let hash = crate::auth::password::hash(&password);
    let actor = Actor::cli("admin create");
    let (org_code, org_name, nip, name, position) =
        (org_code.to_string(), org_name.map(str::to_string), nip.to_string(), name.to_string(), position.to_string());
    let employee = db
        .write_blocking(move |conn| {
            let org = match organizations::find_by_code(conn, &org_code)? {
                Some(org) => org,
                None => {
                    let org_name = org_name.ok_or_else(|| {
                        ApiError::field("org_name", "required", "the organisation is new: give --org-name")
                    })?;
                    units::check_code(&org_code)
                        .map_err(|_| ApiError::field("org_code", "code", "use letters, digits, '-', '_' or '.'"))?;
                    let org = organizations::create(conn, &actor, &org_code, &org_name)?;
                    let root = UnitInput {
                        parent_id: None,
                        code: org_code.clone(),
                        name: org_name,
                        kind: UnitKind::Pemda,
                        is_service_unit: false,
                    };
                    units::insert(conn, &actor, &org.id, root)?;
                    org
                }
            };
            let root = units::find_by_code(conn, &org.id, &org_code)?
                .ok_or_else(|| ApiError::conflict("no_root_unit", "the organisation has no unit with its own code"))?;
            let input = NewEmployee {
                nip,
                name,
                position,
                job_level: JobLevel::Administrator,
                unit_id: root.id,
                supervisor_id: None,
                roles: vec![crate::auth::caller::Role::Admin],
                password: None,
            };
            validator::Validate::validate(&input)?;
            employees::insert(conn, &actor, crate::clock::Clock::System, &org.id, input, Some(hash))
        })
        .map_err(ApiError::describe)?;
    println!("admin {} ({}) created in organisation {}", employee.name, employee.nip, employee.organization_id);
    Ok(())
}

fn create_client(db: &Database, org_code: &str, name: &str, scopes: &[String]) -> Result<(), String> {
    use crate::auth::caller::Scope;
    use crate::auth::service_clients::{self, NewServiceClient};
    let scopes = scopes
        .iter()
        .map(|s| Scope::parse(s).ok_or_else(|| format!("unknown scope {s:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    let input = NewServiceClient { name: name.to_string(), scopes };
    validator::Validate::validate(&input).map_err(|e| ApiError::from(e).describe())?;
    let org_code = org_code.to_string();
    let created = db
        .write_blocking(move |conn| {
            let org = organizations::find_by_code(conn, &org_code)?.ok_or(ApiError::NotFound("organization"))?;
            service_clients::insert(conn, &Actor::cli("kinerja client create"), &org.id, &input, None)
        })
        .map_err(ApiError::describe)?;
    println!("client_id={}\nclient_secret={}", created.client.client_id, created.client_secret);
    Ok(())
}

fn verify_audit(db: &Database, org_code: Option<&str>) -> Result<(), String> {
    use diesel::prelude::*;
    let org_code = org_code.map(str::to_string);
    let results = db
        .read_blocking(move |conn| {
            let orgs: Vec<(OrganizationId, String)> = match org_code {
                Some(code) => vec![organizations::find_by_code(conn, &code)?
                    .map(|o| (o.id, o.code))
                    .ok_or(ApiError::NotFound("organization"))?],
                None => crate::db::schema::organizations::table
                    .select((crate::db::schema::organizations::id, crate::db::schema::organizations::code))
                    .load(conn)?,
            };
            orgs.into_iter()
                .map(|(id, code)| audit::verify_chain(conn, &id).map(|r| (code, r)))
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(ApiError::describe)?;
    let mut broken = 0;
    for (code, result) in results {
        if result.intact {
            println!(
                "{code}: intact, {} events sealed, {} not sealed yet",
                result.events_checked, result.unsealed_events
            );
        } else {
            broken += 1;
            let at =
                result.first_broken_seq.map(|s| s.to_string()).or(result.first_broken_event_id).unwrap_or_default();
            println!("{code}: BROKEN at event {at}: {}", result.problem.unwrap_or_default());
        }
    }
    if broken > 0 {
        Err(format!("{broken} audit chain(s) are broken"))
    } else {
        Ok(())
    }
}
