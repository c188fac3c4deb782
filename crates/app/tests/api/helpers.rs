//! The test harness: a fresh database per test (SQLite file or PostgreSQL database), the real
//! app served in-process on port 0, HTTP helpers that sign in the way a browser does, and
//! helpers that run the built `lienket` binary as a separate process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use lienket_store::{Actor, DatabaseUrl, Store};
use lienket_web::WebConfig;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;

pub use lienket::demo::DEMO_PASSWORD;

/// The variable holding the URL of a PostgreSQL server to run the suite against.
pub const POSTGRES_ENV: &str = "LIENKET_TEST_POSTGRES";

/// The `lienket` binary built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_lienket");

/// Longest time a single HTTP request of a test may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A fresh SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the server named by `LIENKET_TEST_POSTGRES`.
    Postgres,
}

/// The PostgreSQL server URL to test against, when one is configured.
pub fn postgres_base() -> Option<String> {
    std::env::var(POSTGRES_ENV)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Runs a test body with a deadline, so a stuck server fails the test instead of hanging the run.
pub async fn with_deadline(engine: Engine, body: impl std::future::Future<Output = ()>) {
    const DEADLINE: Duration = Duration::from_secs(240);
    if tokio::time::timeout(DEADLINE, body).await.is_err() {
        panic!("the test did not finish within {DEADLINE:?} on {engine:?}");
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_suffix() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether a process with this id is still running (Linux: its `/proc` entry exists).
fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The process id in a name such as `lk_test_1234_5` or `lk-test-1234-5`.
fn pid_in(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?.split(['_', '-']).next()?.parse().ok()
}

/// Whether `name` was made by another test process that is no longer running.
fn left_by_a_dead_process(name: &str, prefix: &str) -> bool {
    pid_in(name, prefix).is_some_and(|pid| pid != std::process::id() && !pid_alive(pid))
}

/// Removes temporary directories left by earlier test processes that died before cleaning up.
fn remove_stale_dirs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if left_by_a_dead_process(&name, "lk-test-") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
}

/// Connects to the PostgreSQL server for administration (creating and dropping databases).
async fn pg_admin(base: &str) -> DatabaseConnection {
    let mut opts = ConnectOptions::new(base.to_string());
    opts.sqlx_logging(false)
        .max_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    match Database::connect(opts).await {
        Ok(db) => db,
        Err(e) => panic!("{POSTGRES_ENV} is set to {base:?} but that server cannot be reached: {e}"),
    }
}

/// Drops the databases of earlier test processes that are no longer running, once per process.
async fn drop_stale_pg_databases(admin: &DatabaseConnection) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let rows = admin
            .query_all_raw(Statement::from_string(
                admin.get_database_backend(),
                "SELECT datname FROM pg_database WHERE datname LIKE 'lk\\_test\\_%'",
            ))
            .await
            .expect("listing test databases");
        for row in rows {
            let name: String = row.try_get_by_index(0).expect("datname");
            if left_by_a_dead_process(&name, "lk_test_") {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
    })
    .await;
}

/// `base` with its database name replaced by `name`.
fn with_database(base: &str, name: &str) -> String {
    let (url, query) = match base.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (base, None),
    };
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let root = match url[scheme_end..].find('/') {
        Some(i) => &url[..scheme_end + i],
        None => url,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// A fresh, empty database for one test, with a scratch directory; both go away on drop.
pub struct TestDb {
    /// The engine.
    pub engine: Engine,
    url: DatabaseUrl,
    dir: PathBuf,
    pg: Option<(String, String)>,
    raw: tokio::sync::OnceCell<DatabaseConnection>,
}

impl TestDb {
    /// Creates the database (PostgreSQL) or the directory that will hold it (SQLite).
    pub async fn new(engine: Engine) -> TestDb {
        remove_stale_dirs();
        let suffix = unique_suffix();
        let dir = std::env::temp_dir().join(format!("lk-test-{}", suffix.replace('_', "-")));
        std::fs::create_dir_all(dir.join("data")).expect("creating the test directory");
        let (url, pg) = match engine {
            Engine::Sqlite => (
                DatabaseUrl::sqlite_file(&lienket::config::sqlite_path(&dir.join("data"))),
                None,
            ),
            Engine::Postgres => {
                let base = postgres_base().unwrap_or_else(|| panic!("{POSTGRES_ENV} is not set"));
                let name = format!("lk_test_{suffix}");
                let admin = pg_admin(&base).await;
                drop_stale_pg_databases(&admin).await;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
                let _ = admin.close().await;
                let url = DatabaseUrl::parse(&with_database(&base, &name)).expect("a PostgreSQL URL");
                (url, Some((base, name)))
            }
        };
        TestDb {
            engine,
            url,
            dir,
            pg,
            raw: tokio::sync::OnceCell::new(),
        }
    }

    /// The database URL.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A scratch directory for this test (logs, backups).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The data directory (`--data-dir`): the SQLite database lives in it.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The SQLite database file, on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.url.sqlite_path()
    }

    /// The database options of the `lienket` command line for this database.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), self.data_dir().display().to_string()];
        if self.engine == Engine::Postgres {
            args.push("--database-url".into());
            args.push(self.url.expose());
        }
        args
    }

    /// A plain connection, for looking at (or tampering with) the tables directly.
    pub async fn raw(&self) -> &DatabaseConnection {
        self.raw
            .get_or_init(|| async {
                let mut opts = ConnectOptions::new(self.url.expose());
                opts.sqlx_logging(false)
                    .max_connections(2)
                    .acquire_timeout(Duration::from_secs(15));
                Database::connect(opts)
                    .await
                    .expect("connecting to the test database")
            })
            .await
    }

    /// Runs one statement.
    pub async fn execute(&self, sql: &str) {
        self.raw()
            .await
            .execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// The first column of the first row of a query returning one integer.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = self.raw().await;
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or_else(|| panic!("{sql}: no row"));
        row.try_get_by_index::<i64>(0)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first column of every row of a query returning text.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        let db = self.raw().await;
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.try_get_by_index::<String>(0).expect("a text column"))
            .collect()
    }

    /// Fills the database with the demonstration data and returns an API token of `admin`.
    pub async fn seed_with_admin_token(&self) -> String {
        let store = Store::open(&self.url).await.expect("opening the store");
        lienket::demo::seed(&store).await.expect("seeding");
        let token = token_for(&store, "admin").await;
        store.close().await.expect("closing the store");
        token
    }
}

/// Issues a personal API token straight in the store (for servers running as processes).
pub async fn token_for(store: &Store, username: &str) -> String {
    let (user, _) = store
        .user_credentials(username)
        .await
        .expect("reading the user")
        .unwrap_or_else(|| panic!("no user {username}"));
    let token = format!("lk_{}", lienket_web::security::random_token());
    store
        .create_api_token(
            &Actor::system("test"),
            user.id,
            "test",
            &lienket_web::security::token_hash(&token),
            &token[..10],
        )
        .await
        .expect("creating a token");
    token
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((base, name)) = self.pg.take() {
            // Drop runs inside the test's runtime, which cannot be blocked on: use a thread
            // with its own. A failure leaves a database that the next run removes.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let admin = pg_admin(&base).await;
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                });
                Some(())
            })
            .join();
        }
    }
}

/// A client as a browser uses it: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .build()
        .expect("building an HTTP client")
}

/// A client without cookies (for API calls with a token, or hand-made cookie headers).
pub fn plain() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .build()
        .expect("building an HTTP client")
}

/// The text between `start` and the next `end` in `haystack`.
pub fn between<'a>(haystack: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = haystack.find(start)? + start.len();
    let len = haystack[from..].find(end)?;
    Some(&haystack[from..from + len])
}

/// The `Location` of a redirect.
pub fn location(res: &Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The value a response sets for a cookie, if it sets it.
pub fn set_cookie_value(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.trim().strip_prefix(&format!("{name}=")))
        .map(str::to_string)
}

/// Status and JSON body of a response (panics when the body is not JSON).
pub async fn json(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.expect("reading the body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {text}"));
    (status, value)
}

/// Status and text body of a response.
pub async fn text(res: Response) -> (StatusCode, String) {
    let status = res.status();
    (status, res.text().await.expect("reading the body"))
}

/// A running LiênKết server, in-process or as a process: its address and browser-like helpers.
#[derive(Debug, Clone)]
pub struct Site {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Site {
    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Reads the CSRF token that a page carries in `<meta name="csrf-token">`.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let res = client
            .get(self.url(path))
            .send()
            .await
            .expect("GET for the CSRF token");
        let (status, body) = text(res).await;
        assert_eq!(status, StatusCode::OK, "GET {path} for its CSRF token: {body}");
        between(&body, "<meta name=\"csrf-token\" content=\"", "\"")
            .unwrap_or_else(|| panic!("{path} has no csrf-token meta"))
            .to_string()
    }

    /// Submits the sign-in form the way a browser does (form page first, for the CSRF cookie).
    pub async fn sign_in(&self, client: &Client, username: &str, password: &str, next: &str) -> Response {
        let csrf = self.csrf(client, &format!("/login?next={next}")).await;
        client
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", next),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// A browser signed in as `username` with `password`.
    pub async fn login_with(&self, username: &str, password: &str) -> Client {
        let client = browser();
        let res = self.sign_in(&client, username, password, "").await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "signing in as {username} failed: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }

    /// A browser signed in as a demonstration account.
    pub async fn login(&self, username: &str) -> Client {
        self.login_with(username, DEMO_PASSWORD).await
    }

    /// Signs in, then creates a personal API token on the account page and returns it.
    pub async fn api_token(&self, username: &str) -> String {
        let client = self.login(username).await;
        self.create_token(&client).await
    }

    /// Creates a personal API token on the account page of a signed-in browser.
    pub async fn create_token(&self, client: &Client) -> String {
        let csrf = self.csrf(client, "/account").await;
        let res = client
            .post(self.url("/account/tokens"))
            .form(&[("_csrf", csrf.as_str()), ("name", "integration test")])
            .send()
            .await
            .expect("POST /account/tokens");
        let (status, body) = text(res).await;
        assert_eq!(status, StatusCode::OK, "creating a token: {body}");
        between(&body, "<code class=\"token\">", "</code>")
            .expect("the new token is shown")
            .to_string()
    }

    /// `GET` with a bearer token.
    pub async fn get_api(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = plain()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("API GET");
        json(res).await
    }

    /// `POST` of a JSON body with a bearer token.
    pub async fn post_api(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        let res = plain()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("API POST");
        json(res).await
    }

    /// `PUT` of a JSON body with a bearer token.
    pub async fn put_api(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        let res = plain()
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("API PUT");
        json(res).await
    }
}

/// A valid alliance body for the API.
pub fn alliance_body(code: &str) -> Value {
    serde_json::json!({
        "code": code,
        "name": format!("Liên minh Hợp tác xã thử nghiệm {code}"),
        "short_name": format!("LMHTX {code}"),
        "province_code": "01",
        "email": "lienminh@example.vn",
    })
}

/// The real app, served in-process on a free port over a fresh, seeded database.
pub struct TestApp {
    /// Where it listens, with HTTP helpers.
    pub site: Site,
    /// The store the app uses.
    pub store: Store,
    /// The database (dropped after the server stops).
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::ops::Deref for TestApp {
    type Target = Site;

    fn deref(&self) -> &Site {
        &self.site
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the app against a fresh database seeded with the demonstration data.
pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, WebConfig::default()).await
}

/// Starts the app with the given HTTP settings.
pub async fn spawn_app_with(engine: Engine, config: WebConfig) -> TestApp {
    let db = TestDb::new(engine).await;
    let store = Store::open(db.url()).await.expect("opening the store");
    lienket::demo::seed(&store)
        .await
        .expect("seeding the demonstration data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding port 0");
    let addr = listener.local_addr().expect("the bound address");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let places = lienket::server::Places {
        search_index: None,
        objects: "memory://".into(),
        answers_kept: lienket_web::catalog::RESULTS_KEPT,
    };
    let state = lienket::server::state(store.clone(), config, &places)
        .await
        .expect("opening the catalogue");
    tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        if let Err(e) = lienket_web::serve(listener, state, shutdown).await {
            eprintln!("test server stopped: {e}");
        }
    });
    TestApp {
        site: Site {
            base: format!("http://{addr}"),
        },
        store,
        db,
        shutdown: Some(tx),
    }
}

impl TestApp {
    /// The id of a demonstration alliance, by code.
    pub async fn alliance_id(&self, code: &str) -> i64 {
        self.store
            .alliance_by_code(code)
            .await
            .expect("the alliance")
            .id
            .0
    }

    /// Rows in the change log.
    pub async fn change_count(&self) -> i64 {
        self.db.scalar("SELECT COUNT(*) FROM change_log").await
    }
}

/// The `lienket` command, with no `LIENKET_*` settings inherited from the environment.
pub fn lienket_command() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LIENKET_") {
            cmd.env_remove(key);
        }
    }
    cmd.kill_on_drop(true);
    cmd
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Finished {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Runs `lienket ARGS`, writing `stdin` to it, and waits at most `limit`.
pub async fn run_lienket(args: &[String], stdin: Option<&str>, limit: Duration) -> Finished {
    use tokio::io::AsyncWriteExt;
    let started = Instant::now();
    let mut child = lienket_command()
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting lienket");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input.as_bytes()).await.expect("writing stdin");
        drop(pipe);
    }
    let out = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("lienket {args:?} did not finish within {limit:?}"))
        .expect("waiting for lienket");
    Finished {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// `args` as owned strings, followed by `more`.
pub fn args(args: &[&str], more: &[String]) -> Vec<String> {
    args.iter()
        .map(|s| s.to_string())
        .chain(more.iter().cloned())
        .collect()
}

/// A port that was free a moment ago (the server is retried if another test takes it first).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("finding a free port")
        .port()
}

/// A `lienket serve` process on the test database; killed when dropped.
pub struct Server {
    /// Its address and HTTP helpers.
    pub site: Site,
    child: tokio::process::Child,
    log: PathBuf,
}

impl std::ops::Deref for Server {
    type Target = Site;

    fn deref(&self) -> &Site {
        &self.site
    }
}

impl Server {
    /// Starts `lienket serve` on `db` and waits until `/healthz` answers 200.
    pub async fn start(db: &TestDb, name: &str) -> Server {
        let mut last_log = String::new();
        for attempt in 0..5 {
            let port = free_port();
            let log = db.dir().join(format!("{name}-{attempt}.log"));
            let file = std::fs::File::create(&log).expect("creating the server log");
            let mut child = lienket_command()
                .arg("serve")
                .args(db.cli_args())
                .args(["--bind", &format!("127.0.0.1:{port}")])
                .stdin(Stdio::null())
                .stdout(Stdio::from(file.try_clone().expect("log file")))
                .stderr(Stdio::from(file))
                .spawn()
                .expect("starting lienket serve");
            let site = Site {
                base: format!("http://127.0.0.1:{port}"),
            };
            let deadline = Instant::now() + Duration::from_secs(30);
            let client = plain();
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    last_log = std::fs::read_to_string(&log).unwrap_or_default();
                    assert!(
                        last_log.contains("cannot listen"),
                        "lienket serve ({name}) exited with {status}:\n{last_log}"
                    );
                    break;
                }
                let ready = client
                    .get(site.url("/healthz"))
                    .timeout(Duration::from_secs(2))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == StatusCode::OK);
                if ready {
                    return Server { site, child, log };
                }
                if Instant::now() > deadline {
                    let _ = child.start_kill();
                    panic!(
                        "lienket serve ({name}) did not answer /healthz within 30 s:\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        panic!("lienket serve ({name}) found no free port:\n{last_log}");
    }

    /// Kills the process at once (SIGKILL) and waits for it to be gone.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Pages as a browser sees them: reading values out of the HTML, filling in and sending forms.
// ---------------------------------------------------------------------------------------------

/// Text as written in HTML, with the entities the templates produce turned back into characters.
pub fn unescape_html(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in one tag (`<input … name="x" …>`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    between(tag, &format!(" {name}=\""), "\"").map(unescape_html)
}

/// Every tag `<{name} …>` of `html`, as the text between `<` and `>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let tag = &rest[i..];
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        out.push(&tag[..end]);
        rest = &tag[end..];
    }
    out
}

/// The HTML of the form whose opening tag is the first one to contain `marker` (for example
/// `action="/organisations/3/edit"` or `class="form wide"`).
pub fn form_html<'a>(page: &'a str, marker: &str) -> &'a str {
    let mut from = 0;
    while let Some(i) = page[from..].find("<form ") {
        let start = from + i;
        let tag_end = start + page[start..].find('>').expect("a closed form tag");
        if page[start..tag_end].contains(marker) {
            let end = start + page[start..].find("</form>").expect("the end of the form");
            return &page[start..end];
        }
        from = tag_end;
    }
    panic!("no form with {marker:?} on the page:\n{page}")
}

/// What a browser would send for a form as shown: text and hidden inputs, ticked boxes, the
/// selected option of each select, and textareas (submit buttons are left out).
pub fn form_values(form: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for tag in tags(form, "input") {
        let Some(name) = attribute(tag, "name") else {
            continue;
        };
        let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
        match kind.as_str() {
            "submit" | "button" => continue,
            "checkbox" | "radio" if !tag.contains(" checked") => continue,
            _ => {}
        }
        out.push((name, attribute(tag, "value").unwrap_or_default()));
    }
    let mut rest = form;
    while let Some(i) = rest.find("<select ") {
        let select = &rest[i..];
        let end = select.find("</select>").expect("a closed select");
        let body = &select[..end];
        let name = attribute(body, "name").expect("a named select");
        let chosen = tags(body, "option")
            .into_iter()
            .find(|o| o.contains(" selected"))
            .and_then(|o| attribute(o, "value"))
            .unwrap_or_default();
        out.push((name, chosen));
        rest = &select[end..];
    }
    let mut rest = form;
    while let Some(i) = rest.find("<textarea ") {
        let area = &rest[i..];
        let open_end = area.find('>').expect("a closed textarea tag") + 1;
        let close = area.find("</textarea>").expect("the end of the textarea");
        let name = attribute(&area[..open_end], "name").expect("a named textarea");
        out.push((name, unescape_html(&area[open_end..close])));
        rest = &area[close..];
    }
    out
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sets (or adds) one value of a form about to be sent.
pub fn set_value(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

/// The value of a named field in a form as sent (panics when absent).
pub fn value_of<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("the form has no field {name}: {fields:?}"))
}

/// The error message shown beside a form field (`<p class="error" id="{name}-err">`).
pub fn field_error(page: &str, name: &str) -> Option<String> {
    between(page, &format!("<p class=\"error\" id=\"{name}-err\">"), "</p>").map(unescape_html)
}

/// Names of the fields that carry an error message on a form page.
pub fn fields_with_errors(page: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = page;
    while let Some(i) = rest.find("<p class=\"error\" id=\"") {
        rest = &rest[i + "<p class=\"error\" id=\"".len()..];
        if let Some(id) = rest.split('"').next() {
            out.insert(id.trim_end_matches("-err").to_string());
        }
    }
    out
}

/// The messages of the page's alerts (`<p class="alert" role="…">`).
pub fn alerts(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<p class=\"alert\" role=\"") {
        rest = &rest[i..];
        let open_end = rest.find('>').expect("a closed tag") + 1;
        let close = rest.find("</p>").expect("the end of the alert");
        out.push(unescape_html(&rest[open_end..close]));
        rest = &rest[close..];
    }
    out
}

/// The links that open a table cell (`<td><a href=…>`), as (href, text), in page order.
pub fn row_links(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<td><a href=\"") {
        rest = &rest[i + "<td><a href=\"".len()..];
        let href_end = rest.find('"').expect("the end of the href");
        let text_start = rest.find('>').expect("the end of the link tag") + 1;
        let text_end = rest.find("</a>").expect("the end of the link");
        out.push((
            unescape_html(&rest[..href_end]),
            unescape_html(&rest[text_start..text_end]),
        ));
        rest = &rest[text_end..];
    }
    out
}

/// The number in a count line such as `Tổng số: 53`, after `label`.
pub fn count_after(page: &str, label: &str) -> u64 {
    page.find(label)
        .map(|i| &page[i + label.len()..])
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or_else(|| panic!("no count after {label:?} on the page:\n{page}"))
}

impl Site {
    /// `GET` of a page: status and body.
    pub async fn page(&self, client: &Client, path: &str) -> (StatusCode, String) {
        text(
            client
                .get(self.url(path))
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {path}: {e}")),
        )
        .await
    }

    /// Posts form fields (the `_csrf` token among them) as a browser does.
    pub async fn post_form(&self, client: &Client, path: &str, fields: &[(String, String)]) -> Response {
        client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }
}

impl TestDb {
    /// The first column of every row of a query returning integers.
    pub async fn ints(&self, sql: &str) -> Vec<i64> {
        let db = self.raw().await;
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.try_get_by_index::<i64>(0).expect("an integer column"))
            .collect()
    }

    /// Every row of a query, for queries whose columns are read one by one.
    pub async fn rows(&self, sql: &str) -> Vec<sea_orm::QueryResult> {
        let db = self.raw().await;
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// SQL condition on `organisations`: managed by the alliance or a member of it.
pub fn in_alliance(alliance: i64) -> String {
    format!(
        "(alliance_id = {alliance} OR id IN \
         (SELECT organisation_id FROM organisation_memberships WHERE alliance_id = {alliance}))"
    )
}

impl TestApp {
    /// The id of a demonstration organisation, by exact name.
    pub async fn organisation_id(&self, name: &str) -> i64 {
        self.db
            .scalar(&format!(
                "SELECT id FROM organisations WHERE name = '{}'",
                name.replace('\'', "''")
            ))
            .await
    }

    /// Creates another staff account of an alliance (through the API, as an admin) and returns
    /// a browser signed in with it.
    pub async fn new_staff(&self, username: &str, alliance_code: &str) -> Client {
        const PASSWORD: &str = "mat-khau-can-bo-thu-nghiem";
        let admin = token_for(&self.store, "admin").await;
        let body = serde_json::json!({
            "username": username,
            "display_name": format!("Cán bộ {alliance_code} (thử nghiệm)"),
            "password": PASSWORD,
            "role": "alliance_staff",
            "alliance_id": self.alliance_id(alliance_code).await,
        });
        let (status, created) = self.post_api(&admin, "/api/v1/users", &body).await;
        assert_eq!(status, StatusCode::CREATED, "creating {username}: {created}");
        self.login_with(username, PASSWORD).await
    }
}

// ---------------------------------------------------------------------------------------------
// File uploads: `multipart/form-data` bodies as a browser builds them.
// ---------------------------------------------------------------------------------------------

/// The boundary of the multipart bodies the tests send (never inside the files they send).
const BOUNDARY: &str = "----lienket-test-boundary-7c1e9a0b3f";

/// A `multipart/form-data` body with plain `fields` and one file input `(name, file name,
/// bytes)`, as a browser sends a form with `enctype="multipart/form-data"`; returns the
/// content type to send with it and the body.
pub fn multipart_body(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}
