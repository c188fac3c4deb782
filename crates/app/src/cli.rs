//! The command line.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lienket_domain::account::{check_password, parse_username};
use lienket_domain::ids::{OrganisationId, UserId};
use lienket_domain::role::{Role, RoleKind};
use lienket_domain::validate::Findings;
use lienket_store::{Actor, NewUser, PageRequest, Store};

use crate::config::{DbArgs, ServeArgs};

/// LiênKết — the platform of Vietnam's cooperative alliances.
#[derive(Debug, Parser)]
#[command(name = "lienket", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (SQLite in the data directory unless --database-url is given).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        web: ServeArgs,
        /// Start on a fresh demonstration database instead (same as `lienket demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Run the web server on a fresh SQLite database filled with demonstration data,
    /// and print the address to open and one account per role.
    Demo {
        /// Directory for the demonstration database (wiped at every start).
        #[arg(long, env = "LIENKET_DATA_DIR", default_value = "./lienket-data")]
        data_dir: PathBuf,
        #[command(flatten)]
        web: ServeArgs,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent backup while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
    Backup {
        /// The backup file to create (must not exist).
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import the registry of an alliance, or a list of its OCOP products, from a spreadsheet
    /// (XLSX, XLS, ODS, CSV): every row is checked first; the file is written all or nothing.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Fill a database with deterministic synthetic data for benchmarks (the five alliances are
    /// created first when missing).
    GenData {
        /// Number of organisations to add.
        #[arg(long, default_value_t = 100_000)]
        orgs: usize,
        /// Number of OCOP products to add, given to the organisations in the database
        /// (published, with a certification of 3 to 5 stars).
        #[arg(long, default_value_t = 0)]
        products: usize,
        /// Accepted yearly reports of every organisation for this many years before this one.
        #[arg(long, default_value_t = 0)]
        report_years: i32,
        /// Activities of the coordination programme (created when missing), with organisations
        /// taking part.
        #[arg(long, default_value_t = 0)]
        activities: usize,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the organisations as a registry workbook (XLSX) and the same rows as CSV
        /// beside it, instead of adding them to the database.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Also set up the event-application benchmark: this many cooperatives of the Hà Nội
        /// alliance, each with a published product and a representative holding an API token,
        /// a Hà Nội staff account with a token, and a published event hosted by Hà Nội with one
        /// booth type.
        #[arg(long, requires = "tokens_out", conflicts_with = "xlsx")]
        event_applicants: Option<usize>,
        /// Booths of the event's booth type (default: 60 % of --event-applicants).
        #[arg(long, requires = "event_applicants")]
        event_capacity: Option<usize>,
        /// Seconds from the event's creation until its application window closes.
        #[arg(long, default_value_t = 120)]
        event_closes_in: u64,
        /// Where to write the event, its booth type and the API tokens, as JSON (with
        /// --event-applicants; readable by its owner only).
        #[arg(long, requires = "event_applicants")]
        tokens_out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Replace the database with a backup. Stop every server first.
    Restore {
        /// The backup file made by `lienket backup`.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Organisations (sổ thành viên), matched by registration code: re-importing updates.
    Registry {
        /// The spreadsheet.
        file: PathBuf,
        /// Code of the alliance whose registry receives the rows (e.g. HN).
        #[arg(long)]
        alliance: String,
        /// Check every row and print the findings, but write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// OCOP products (danh sách sản phẩm OCOP), matched by producer and name: re-importing
    /// updates and records only new decisions; producers missing from the registry are created.
    Products {
        /// The spreadsheet.
        file: PathBuf,
        /// Code of the alliance whose members produce the products (e.g. HN).
        #[arg(long)]
        alliance: String,
        /// Check every row and print the findings, but write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input with --password-stdin,
    /// otherwise a random one is generated and printed.
    Add {
        /// Login name (lower-case letters, digits, . _ -).
        username: String,
        /// Role: admin, coordinator, alliance_staff or organisation_rep.
        #[arg(long, default_value = "admin")]
        role: String,
        /// Name shown in the interface (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// Alliance code (e.g. HN) for alliance staff.
        #[arg(long)]
        alliance: Option<String>,
        /// Organisation id for organisation representatives.
        #[arg(long)]
        organisation: Option<i64>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password for an account (ends its sessions).
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Entry point: parses the command line, runs, and maps failure to a one-line message.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lienket: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lienket: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIENKET_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    let url = db.url()?;
    Ok(Store::open(&url).await?)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { db, web, demo } => {
            if demo {
                return crate::demo::serve(&db.data_dir, &web).await;
            }
            let store = open(&db).await?;
            let listener = bind(&web).await?;
            tracing::info!(url = %format!("http://{}", listener.local_addr()?), database = %db.url()?, "LiênKết is serving");
            crate::server::run(listener, store, web.web_config(), &web.places(&db.data_dir)).await
        }
        Command::Demo { data_dir, web } => crate::demo::serve(&data_dir, &web).await,
        Command::Migrate { db } => {
            let store = Store::connect(&db.url()?).await?;
            let applied = store.migrate().await?;
            println!(
                "schema version {} ({} migration(s) applied)",
                store.schema_version().await?,
                applied.len()
            );
            Ok(())
        }
        Command::User { command } => user(command).await,
        Command::Backup { file, db } => crate::backup::backup(&db, &file).await,
        Command::Restore { file, db } => crate::backup::restore(&db, &file).await,
        Command::Import {
            what:
                ImportCommand::Registry {
                    file,
                    alliance,
                    dry_run,
                    db,
                },
        } => crate::import::registry(&open(&db).await?, &file, &alliance, dry_run).await,
        Command::Import {
            what:
                ImportCommand::Products {
                    file,
                    alliance,
                    dry_run,
                    db,
                },
        } => crate::import::products(&open(&db).await?, &file, &alliance, dry_run).await,
        Command::GenData {
            orgs,
            seed,
            xlsx: Some(path),
            ..
        } => crate::datagen::write_registry_workbook(&path, orgs, seed),
        Command::GenData {
            orgs,
            products,
            report_years,
            activities,
            seed,
            xlsx: None,
            event_applicants,
            event_capacity,
            event_closes_in,
            tokens_out,
            db,
        } => {
            let store = open(&db).await?;
            // Always: `--orgs 0` gives an empty registry with the five alliances, ready to import into.
            gen_data(&store, orgs, seed).await?;
            if products > 0 {
                crate::datagen::gen_products(&store, products, seed).await?;
            }
            if report_years > 0 || activities > 0 {
                crate::datagen::gen_programme(&store, report_years, activities, seed).await?;
            }
            if let (Some(applicants), Some(out)) = (event_applicants, tokens_out) {
                let bench = crate::datagen::EventBench {
                    applicants,
                    capacity: event_capacity,
                    closes_in: event_closes_in,
                    out,
                };
                crate::datagen::gen_event_bench(&store, &bench, seed).await?;
            }
            Ok(())
        }
    }
}

/// Binds the listener, with a message that names the address when it is taken.
pub async fn bind(web: &ServeArgs) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(web.bind)
        .await
        .with_context(|| format!("cannot listen on {} (is another server running there?)", web.bind))
}

fn read_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        Ok((lienket_web::security::random_token()[..20].to_string(), true))
    }
}

fn check_new_password(password: &str, username: &str) -> anyhow::Result<()> {
    let mut f = Findings::default();
    check_password(&mut f, "password", password, username);
    match f.0.first() {
        Some(finding) => anyhow::bail!("{}", lienket_web::i18n::Lang::En.finding(finding)),
        None => Ok(()),
    }
}

async fn user(command: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match command {
        UserCommand::Add {
            username,
            role,
            name,
            alliance,
            organisation,
            password_stdin,
            db,
        } => {
            let username = parse_username(&username)
                .context("invalid username: use 3–40 lower-case letters, digits, '.', '_' or '-'")?;
            let kind = RoleKind::parse(&role)
                .context("invalid role: use admin, coordinator, alliance_staff or organisation_rep")?;
            let store = open(&db).await?;
            let alliance_id = match alliance {
                Some(code) => Some(
                    store
                        .alliance_by_code(&code)
                        .await
                        .with_context(|| format!("no alliance with code {code}"))?
                        .id,
                ),
                None => None,
            };
            let role = Role::from_parts(kind, alliance_id, organisation.map(OrganisationId))
                .context("alliance_staff needs --alliance CODE; organisation_rep needs --organisation ID")?;
            let (password, generated) = read_password(password_stdin)?;
            check_new_password(&password, &username)?;
            let password_hash = lienket_web::security::hash_password(password.clone()).await?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                email: None,
                password_hash,
                role,
            };
            let user = store.create_user(&actor, &new).await.map_err(|e| match e {
                lienket_store::StoreError::Duplicate(_) => {
                    anyhow::anyhow!("the username {} is taken", new.username)
                }
                e => e.into(),
            })?;
            println!(
                "created account {} (id {}, role {})",
                user.username,
                user.id,
                kind.as_str()
            );
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCommand::Passwd {
            username,
            password_stdin,
            db,
        } => {
            let store = open(&db).await?;
            let (user, _) = store
                .user_credentials(&username)
                .await?
                .with_context(|| format!("no account named {username}"))?;
            let (password, generated) = read_password(password_stdin)?;
            check_new_password(&password, &user.username)?;
            let hash = lienket_web::security::hash_password(password.clone()).await?;
            store.set_password(&actor, UserId(user.id.0), &hash, None).await?;
            println!("password of {} changed; their sessions have ended", user.username);
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCommand::List { db } => {
            let store = open(&db).await?;
            let mut page = 1;
            println!(
                "{:<6} {:<24} {:<18} {:<7} name",
                "id", "username", "role", "active"
            );
            loop {
                let p = store.list_users(PageRequest::new(Some(page), Some(200))).await?;
                for u in &p.items {
                    println!(
                        "{:<6} {:<24} {:<18} {:<7} {}",
                        u.id.0,
                        u.username,
                        u.role.kind().as_str(),
                        if u.active { "yes" } else { "no" },
                        u.display_name
                    );
                }
                if page >= p.pages() {
                    break;
                }
                page += 1;
            }
            Ok(())
        }
    }
}

async fn gen_data(store: &Store, orgs: usize, seed: u64) -> anyhow::Result<()> {
    let actor = Actor::system("gen-data");
    let mut alliances = Vec::new();
    for (code, _, _, _, _) in crate::demo::ALLIANCES {
        if let Ok(a) = store.alliance_by_code(code).await {
            alliances.push((code, a.id));
        }
    }
    if alliances.is_empty() {
        alliances = crate::demo::seed_alliances(store, &actor).await?;
    }
    // Codes continue after what the database holds, so gen-data can run twice.
    let offset = store.counts().await?.organisations as usize + 1_000_000;
    let mut rng = crate::datagen::Lcg::new(seed);
    let started = std::time::Instant::now();
    let mut done = 0;
    while done < orgs {
        let n = (orgs - done).min(2_000);
        let mut batch = Vec::with_capacity(n);
        for i in done..done + n {
            let (form, code) = crate::datagen::organisation(offset + i, &mut rng);
            let input = form
                .parse(crate::datagen::today())
                .map_err(|f| anyhow::anyhow!("generated row {i} is invalid: {f:?}"))?;
            batch.push((
                alliances.iter().find(|(c, _)| *c == code).map(|(_, id)| *id),
                input,
            ));
        }
        store.bulk_create_organisations(&actor, &batch).await?;
        done += n;
        eprint!(
            "\r{done}/{orgs} organisations ({:.0}/s)",
            done as f64 / started.elapsed().as_secs_f64().max(0.001)
        );
    }
    if orgs == 0 {
        return Ok(());
    }
    eprintln!();
    println!(
        "added {orgs} organisations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
