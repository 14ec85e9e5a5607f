//! The test harness: a fresh database per test (a SQLite file, or a PostgreSQL database when
//! TEST_DATABASE_URL is set), the real app factory, and fixtures.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::OnceLock;

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test as actix_test, web};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use kinerja::audit::Actor;
use kinerja::auth::caller::Role;
use kinerja::auth::tokens::SubjectKind;
use kinerja::clock::Clock;
use kinerja::config::Settings;
use kinerja::db::types::{OrganizationId, UnitId};
use kinerja::db::Database;
use kinerja::employees::{self, Employee, JobLevel, NewEmployee};
use kinerja::startup::build_app;
use kinerja::state::AppState;
use kinerja::units::{self, Unit, UnitInput, UnitKind};
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery staple";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-!!";
/// A clock standing 20 seconds into the current minute (Unix seconds, and the clock), so that a
/// test's requests fall in one rate-limit window without waiting for a fresh one.
pub fn minute_clock() -> (i64, Clock) {
    let now = chrono::Utc::now().timestamp();
    let at = now - now.rem_euclid(60) + 20;
    (at, Clock::at_unix(at))
}

/// One test's application and database; the database is removed when it is dropped.
pub struct TestApp {
    pub state: web::Data<AppState>,
    pub settings: Settings,
    /// The app, built once (with its OpenAPI document) and called for every request.
    service: Rc<Service>,
    cleanup: Cleanup,
}

/// Sends one request through the built app.
type Service = dyn Fn(actix_test::TestRequest) -> Pin<Box<dyn Future<Output = TestResponse>>>;

/// Builds the real app for `state` once.
async fn build_service(state: web::Data<AppState>) -> Rc<Service> {
    let app = Rc::new(actix_test::init_service(build_app(state)).await);
    Rc::new(move |req: actix_test::TestRequest| {
        let app = app.clone();
        Box::pin(async move {
            let response = actix_test::call_service(&*app, req.to_request()).await;
            let status = response.status();
            let headers = response.headers().clone();
            let body = actix_test::read_body(response).await;
            TestResponse { status, headers, body: body.to_vec() }
        }) as Pin<Box<dyn Future<Output = TestResponse>>>
    })
}

enum Cleanup {
    /// Another instance's database: its first instance removes it.
    None,
    SqliteFile(std::path::PathBuf),
    PostgresDatabase {
        admin_url: String,
        name: String,
    },
}

pub fn test_settings(database_url: &str) -> Settings {
    let url = database_url.to_string();
    Settings::from_lookup(move |name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "KINERJA_JWT_SECRET" => Some(JWT_SECRET.into()),
        "KINERJA_DB_POOL_SIZE" => Some("4".into()),
        "KINERJA_MAX_BODY_BYTES" => Some("65536".into()),
        _ => None,
    })
    .expect("test settings are valid")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A test app with some settings changed (e.g. a low rate limit).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_at(Clock::System, adjust).await
    }

    /// A test app whose clock is `clock` (e.g. fixed at 06:00 WIB on a quarter's first day).
    pub async fn spawn_at(clock: Clock, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (url, cleanup) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) => {
                let name = format!("kinerja_test_{id}");
                let mut admin = diesel::PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL is reachable");
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("can create a test database");
                let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url);
                (format!("{base}/{name}"), Cleanup::PostgresDatabase { admin_url, name })
            }
            Err(_) => {
                let path = std::env::temp_dir().join(format!("kinerja-test-{id}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::SqliteFile(path))
            }
        };
        let mut settings = test_settings(&url);
        adjust(&mut settings);
        let target = settings.database.clone();
        let db = web::block(move || Database::connect(&target, 4)).await.unwrap().expect("test database connects");
        let mut state = AppState::new(db, &settings);
        state.clock = clock;
        let state = web::Data::new(state);
        TestApp { service: build_service(state.clone()).await, state, settings, cleanup }
    }

    pub fn db(&self) -> &Database {
        &self.state.db
    }

    /// Sends a request through the real app factory.
    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
        let mut req = actix_test::TestRequest::default().method(method).uri(path);
        if let Some(token) = token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        if let Some(body) = body {
            req = req.insert_header((header::CONTENT_TYPE, "application/json")).set_payload(body.to_string());
        }
        self.send(req).await
    }

    pub async fn send(&self, req: actix_test::TestRequest) -> TestResponse {
        (self.service)(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.request(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.request(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> TestResponse {
        self.request(Method::DELETE, path, Some(token), None).await
    }
    /// PUT with `If-Match` set to `version`.
    pub async fn put(&self, path: &str, token: &str, version: i32, body: Value) -> TestResponse {
        self.versioned(Method::PUT, path, token, version.into(), body).await
    }

    /// PUT without `If-Match`, for writes that are not versioned.
    pub async fn put_unversioned(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.request(Method::PUT, path, Some(token), Some(body)).await
    }

    /// POST with `If-Match` set to `version`.
    pub async fn post_versioned(&self, path: &str, token: &str, version: i64, body: Value) -> TestResponse {
        self.versioned(Method::POST, path, token, version, body).await
    }

    async fn versioned(&self, method: Method, path: &str, token: &str, version: i64, body: Value) -> TestResponse {
        let req = actix_test::TestRequest::default()
            .method(method)
            .uri(path)
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((header::IF_MATCH, format!("\"{version}\"")))
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body.to_string());
        self.send(req).await
    }

    /// Moves a period forward through its statuses until it is closed (as an admin); returns it.
    pub async fn close_period(&self, admin: &str, period_id: &str) -> Value {
        self.advance_period(admin, period_id, "closed").await
    }

    /// Moves a period forward until it is `evaluating` (as an admin); returns it.
    pub async fn to_evaluating(&self, admin: &str, period_id: &str) -> Value {
        self.advance_period(admin, period_id, "evaluating").await
    }

    async fn advance_period(&self, admin: &str, period_id: &str, until: &str) -> Value {
        let path = format!("/api/v1/periods/{period_id}");
        let mut period = self.get(&path, admin).await.expect(200);
        while period["status"] != until {
            let next = match period["status"].as_str() {
                Some("planning") => "running",
                Some("running") => "evaluating",
                _ => "closed",
            };
            let version = period["version"].as_i64().unwrap();
            period = self
                .post_versioned(&format!("{path}/status"), admin, version, serde_json::json!({"status": next}))
                .await
                .expect(200);
        }
        period
    }

    /// A second instance of the service on the same database, as behind a load balancer.
    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_at(self.state.clock).await
    }

    /// A second instance whose clock is `clock` (e.g. a minute later).
    pub async fn another_instance_at(&self, clock: Clock) -> TestApp {
        self.another_instance_with(clock, self.settings.clone()).await
    }

    /// A second instance that keeps no documents: every read it answers is computed afresh.
    pub async fn uncached_instance(&self) -> TestApp {
        let mut settings = self.settings.clone();
        settings.document_cache_kb = 0;
        self.another_instance_with(self.state.clock, settings).await
    }

    async fn another_instance_with(&self, clock: Clock, settings: Settings) -> TestApp {
        let target = settings.database.clone();
        let db = web::block(move || Database::connect(&target, 2)).await.unwrap().expect("the database connects");
        let mut state = AppState::new(db, &settings);
        state.clock = clock;
        let state = web::Data::new(state);
        TestApp { service: build_service(state.clone()).await, state, settings, cleanup: Cleanup::None }
    }

    /// An access token for an employee, as the token endpoint would issue it.
    pub fn token_for(&self, employee: &Employee) -> String {
        let roles = employee.roles.iter().map(|r| r.as_str().to_string()).collect();
        self.state.tokens.issue(SubjectKind::Employee, &employee.id, &employee.organization_id, roles, vec![])
    }

    /// Creates an organisation with a root unit, a sub-unit and a small reporting line.
    pub fn seed_org(&self, code: &str) -> Org {
        let hash = password_hash().to_string();
        let code = code.to_string();
        let nip_prefix = next_nip_block();
        self.db()
            .write_blocking(move |conn| {
                let actor = Actor::cli("test");
                let org = kinerja::organizations::create(conn, &actor, &code, &format!("Pemerintah {code}"))?;
                let unit = |code: &str, parent: Option<UnitId>| UnitInput {
                    parent_id: parent,
                    code: code.into(),
                    name: format!("Unit {code}"),
                    kind: UnitKind::Dinas,
                    is_service_unit: true,
                };
                let root = units::insert(conn, &actor, &org.id, unit("root", None))?;
                let bidang = units::insert(conn, &actor, &org.id, unit("bidang", Some(root.id.clone())))?;
                let mut person = |n: u32, level, unit_id: &UnitId, supervisor: Option<&Employee>, roles: Vec<Role>| {
                    let input = NewEmployee {
                        nip: nip(nip_prefix, n),
                        name: format!("Pegawai {n}"),
                        position: "Analis".into(),
                        job_level: level,
                        unit_id: unit_id.clone(),
                        supervisor_id: supervisor.map(|s| s.id.clone()),
                        roles,
                        password: None,
                    };
                    employees::insert(conn, &actor, Clock::System, &org.id, input, Some(hash.clone()))
                };
                let admin = person(1, JobLevel::Fungsional, &root.id, None, vec![Role::Admin])?;
                let auditor = person(2, JobLevel::Fungsional, &root.id, None, vec![Role::Auditor])?;
                let head = person(3, JobLevel::Jpt, &root.id, None, vec![])?;
                let supervisor = person(4, JobLevel::Administrator, &bidang.id, Some(&head), vec![])?;
                let staff = person(5, JobLevel::Pelaksana, &bidang.id, Some(&supervisor), vec![])?;
                let peer = person(6, JobLevel::Pelaksana, &bidang.id, Some(&supervisor), vec![])?;
                Ok(Org { id: org.id, root, bidang, admin, auditor, head, supervisor, staff, peer })
            })
            .expect("seeding the test organisation works")
    }
}

/// A seeded organisation: head → supervisor → staff and peer; an admin and an auditor beside.
pub struct Org {
    pub id: OrganizationId,
    pub root: Unit,
    pub bidang: Unit,
    pub admin: Employee,
    pub auditor: Employee,
    pub head: Employee,
    pub supervisor: Employee,
    pub staff: Employee,
    pub peer: Employee,
}

/// argon2 is slow on purpose; the fixtures hash the test password once.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| kinerja::auth::password::hash(PASSWORD))
}

/// Distinct valid NIPs across the tests of one process: the sequence part varies per organisation.
fn next_nip_block() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A valid NIP: born 1985-03-15, in service since January of 2010 (and later years for high blocks),
/// gender 1 or 2, a unique sequence.
pub fn nip(block: u32, n: u32) -> String {
    // 198 blocks per year of entry: the organisations a test run seeds (blocks from 0) never meet
    // the fixed blocks tests use for extra colleagues (900 and up).
    let year = 2010 + block / 198 % 15;
    format!("19850315{year}01{}{:03}", 1 + (block % 2), (block / 2 % 99) * 10 + n + 1)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::None => {}
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, and for errors that the body is a problem document; returns the body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", String::from_utf8_lossy(&self.body));
        if self.body.is_empty() {
            return Value::Null;
        }
        let body = self.json();
        if status >= 400 {
            assert_eq!(self.header("content-type"), Some("application/problem+json"));
            assert_eq!(body["status"], status);
            assert!(body["code"].is_string() && body["type"].is_string() && body["title"].is_string());
        }
        body
    }

    /// Asserts a problem with this status and code.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["code"], code, "problem: {body}");
        body
    }
}

impl TestApp {
    /// Logs in through the token endpoint; returns the whole token response.
    pub async fn login(&self, nip: &str, password: &str) -> TestResponse {
        self.request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"grant_type": "password", "nip": nip, "password": password})),
        )
        .await
    }

    /// Signs arbitrary claims with the test secret (for expired or otherwise odd tokens).
    pub fn sign(&self, claims: &kinerja::auth::tokens::Claims) -> String {
        self.state.tokens.sign(claims)
    }

    /// Claims as the service would issue them for `employee`.
    pub fn claims_for(&self, employee: &Employee) -> kinerja::auth::tokens::Claims {
        let now = chrono::Utc::now().timestamp();
        kinerja::auth::tokens::Claims {
            sub: employee.id.to_string(),
            kind: SubjectKind::Employee,
            org: employee.organization_id.to_string(),
            roles: employee.roles.iter().map(|r| r.as_str().to_string()).collect(),
            scopes: vec![],
            iss: self.settings.jwt_issuer.clone(),
            aud: self.settings.jwt_audience.clone(),
            iat: now,
            exp: now + 600,
            jti: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Seals every pending audit event now, as the server's sealer does several times a second.
    pub fn seal_audit(&self) -> usize {
        kinerja::audit::seal_all(self.db()).expect("the sealer runs")
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.db().target, kinerja::config::DatabaseTarget::Postgres(_))
    }

    /// Runs SQL directly, for tests that tamper with the database.
    pub fn execute_sql(&self, sql: &str) -> usize {
        use diesel::RunQueryDsl;
        let sql = sql.to_string();
        self.db().write_blocking(move |conn| Ok(diesel::sql_query(sql).execute(conn)?)).expect("SQL runs")
    }

    /// Creates a service client with `scopes` (as the org's admin) and returns (client_id, secret).
    /// A portal that issues rating tickets is then approved by a second admin, as it must be.
    pub async fn service_client(&self, org: &Org, scopes: &[&str]) -> (String, String) {
        let admin = self.token_for(&org.admin);
        let created = self
            .post("/api/v1/service-clients", &admin, serde_json::json!({"name": "Portal Kota", "scopes": scopes}))
            .await
            .expect(201);
        if scopes.contains(&"rating_tickets:issue") {
            let second = self.token_for(&self.second_admin(org));
            let path = format!("/api/v1/service-clients/{}/approve", created["client"]["id"].as_str().unwrap());
            self.post(&path, &second, serde_json::json!({})).await.expect(200);
        }
        (
            created["client"]["client_id"].as_str().unwrap().to_string(),
            created["client_secret"].as_str().unwrap().to_string(),
        )
    }

    /// Moves `org`'s staff member to the root unit under the head (a mutasi), as `org`'s admin.
    pub async fn move_staff_to_head(&self, org: &Org) {
        let body = serde_json::json!({"unit_id": org.root.id, "supervisor_id": org.head.id, "reason": "Mutasi (SK 800/1/2030)"});
        let path = format!("/api/v1/employees/{}/reporting-line", org.staff.id);
        self.post(&path, &self.token_for(&org.admin), body).await.expect(201);
    }

    /// Another admin of `org` (the fixture has one), e.g. to approve what the first one made.
    pub fn second_admin(&self, org: &Org) -> Employee {
        let (org_id, unit_id) = (org.id.clone(), org.root.id.clone());
        let block = next_nip_block();
        self.db()
            .write_blocking(move |conn| {
                let input = NewEmployee {
                    nip: nip(block, 7),
                    name: "Admin Kedua".into(),
                    position: "Analis".into(),
                    job_level: JobLevel::Fungsional,
                    unit_id,
                    supervisor_id: None,
                    roles: vec![Role::Admin],
                    password: None,
                };
                employees::insert(
                    conn,
                    &Actor::cli("test"),
                    Clock::System,
                    &org_id,
                    input,
                    Some(password_hash().to_string()),
                )
            })
            .expect("a second admin can be added")
    }

    /// A token for a service client via the client-credentials grant.
    pub async fn client_token(&self, client_id: &str, secret: &str) -> String {
        let body =
            serde_json::json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret});
        let tokens = self.request(Method::POST, "/api/v1/auth/token", None, Some(body)).await.expect(200);
        tokens["access_token"].as_str().unwrap().to_string()
    }
}
