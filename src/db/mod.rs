//! One codebase over SQLite and PostgreSQL: the connection type, the pool, migrations, and the
//! helpers that keep blocking diesel calls off the async executor.

pub mod schema;
pub mod types;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection, TransactionManager,
};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseTarget;
use crate::domain::ids::OrganizationId;
use crate::error::ApiError;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection error that keeps the real cause (diesel's derived `establish` hides it).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DbError(pub String);

/// Opens connections for the backend named by the URL scheme, and prepares SQLite ones. Every
/// connection it opens counts the statements it sends in `queries` (one atomic add each), so that
/// a test or a benchmark can say how many round trips a request costs.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
    queries: Arc<AtomicU64>,
}

impl ConnectionManager {
    pub fn new(target: DatabaseTarget) -> Self {
        Self { target, queries: Arc::default() }
    }

    fn counted(&self, mut conn: AnyConnection) -> AnyConnection {
        conn.set_instrumentation(QueryCounter(self.queries.clone()));
        conn
    }
}

/// Counts the statements a connection sends (queries, and BEGIN/COMMIT, which are round trips too).
struct QueryCounter(Arc<AtomicU64>);

impl Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = DbError;

    fn connect(&self) -> Result<AnyConnection, DbError> {
        match &self.target {
            DatabaseTarget::Postgres(url) => {
                // libpq's messages span lines; the operator gets one.
                let one_line =
                    |e: &dyn std::fmt::Display| e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
                let mut pg = PgConnection::establish(url).map_err(|e| DbError(one_line(&e)))?;
                // Prepared statements are planned once. By default PostgreSQL plans a statement
                // with an array parameter (`employee_id = ANY($1)`, the scores' and reports'
                // inputs) afresh at every execution, since its generic plan is costed for ten
                // elements: that planning was half the database's time of a live score.
                pg.batch_execute("SET plan_cache_mode = force_generic_plan").map_err(|e| DbError(one_line(&e)))?;
                Ok(self.counted(AnyConnection::Postgresql(pg)))
            }
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(|e| DbError(e.to_string()))?;
                // Per connection: enforce foreign keys, wait for the writer instead of failing,
                // and use WAL so readers never block the writer.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                     PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                )
                .map_err(|e| DbError(format!("cannot open SQLite database {path}: {e}")))?;
                Ok(self.counted(AnyConnection::Sqlite(conn)))
            }
        }
    }

    /// Not called at checkout (`test_on_check_out(false)`: a `SELECT 1` per request was a round
    /// trip of every request); [`Database::begin`] finds a dead connection instead.
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        conn.ping().map_err(|e| DbError(e.to_string()))
    }

    /// A connection whose transaction broke (the server went away mid-transaction, a failed
    /// rollback) or that [`Database::begin`] found dead is dropped, not handed to the next request.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
    }
}

/// Whether SQLite keeps a statement's plan whatever values are bound to it (its query planner
/// stability guarantee, on by default when built with `SQLITE_ENABLE_QPSG`, as
/// `.cargo/config.toml` builds the bundled library). Without it, SQLite 3.53 plans a statement
/// with `LIMIT ?` (every `.first()`) for the value bound, so a cached statement is compiled again
/// from its text at each execution: a frozen score's read cost 90-114 µs of CPU instead of 37-44.
pub fn sqlite_plans_are_stable(conn: &mut SqliteConnection) -> diesel::QueryResult<bool> {
    #[derive(diesel::QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }
    use diesel::RunQueryDsl;
    let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options").load(conn)?;
    Ok(options.iter().any(|o| o.compile_options == "ENABLE_QPSG"))
}

/// The pool plus what the service needs to use it safely.
#[derive(Clone)]
pub struct Database {
    pub pool: Pool,
    pub target: DatabaseTarget,
    /// SQLite allows one writer; taking this lock before a write transaction avoids
    /// `SQLITE_BUSY` when a deferred transaction upgrades from read to write.
    sqlite_writer: Arc<Mutex<()>>,
    /// Statements sent by the pool's connections (see [`Database::queries`]).
    queries: Arc<AtomicU64>,
    /// Threads waiting for a connection right now (the metrics' pool saturation).
    waiting: Arc<std::sync::atomic::AtomicUsize>,
}

impl Database {
    /// Connects once (to report the real error), builds the pool and applies migrations.
    pub fn connect(target: &DatabaseTarget, pool_size: u32) -> Result<Self, DbError> {
        let manager = ConnectionManager::new(target.clone());
        let queries = manager.queries.clone();
        let mut first =
            manager.connect().map_err(|e| DbError(format!("cannot connect to {}: {}", target.redacted(), e.0)))?;
        run_migrations(&mut first)?;
        if let AnyConnection::Sqlite(lite) = &mut first {
            if !sqlite_plans_are_stable(lite).map_err(|e| DbError(e.to_string()))? {
                log::warn!(
                    "SQLite was built without SQLITE_ENABLE_QPSG (.cargo/config.toml sets it): every \
                     lookup with a LIMIT compiles its statement again at each execution"
                );
            }
        }
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(std::time::Duration::from_secs(5))
            .build(manager)
            .map_err(|e| DbError(format!("cannot build the connection pool: {e}")))?;
        Ok(Self {
            pool,
            target: target.clone(),
            sqlite_writer: Arc::new(Mutex::new(())),
            queries,
            waiting: Arc::default(),
        })
    }

    /// The statements sent by this pool's connections since it was built (BEGIN and COMMIT
    /// included): the difference across a request is its round trips.
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// A pooled connection with a transaction begun by `begin`. A connection the server dropped
    /// (a restart, an idle timeout) fails its BEGIN: it is marked broken, so the pool discards it,
    /// and the next one is tried, so a request never fails on a connection that died idle.
    /// This replaces the pool's `SELECT 1` at every checkout: a live connection costs nothing more.
    fn begin(
        &self,
        begin: impl Fn(&mut AnyConnection) -> diesel::QueryResult<()>,
    ) -> Result<PooledConnection, ApiError> {
        let mut attempts = 0;
        loop {
            let mut conn = self.checkout()?;
            match begin(&mut conn) {
                Ok(()) => return Ok(conn),
                Err(error) => {
                    attempts += 1;
                    if conn.ping().is_ok() || attempts > self.pool.max_size() {
                        return Err(error.into());
                    }
                    log::warn!("database connection lost ({error}); discarding it and trying another");
                    <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(&mut conn)
                        .set_in_error();
                }
            }
        }
    }

    /// A connection from the pool, counting the wait in [`Database::waiting`].
    fn checkout(&self) -> Result<PooledConnection, ApiError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let conn = self.pool.get();
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        Ok(conn?)
    }

    /// How many threads wait for a connection now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Runs read-only work on a blocking thread, in one snapshot (see [`Database::read_blocking`]).
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.read_blocking(work)).await?
    }

    /// Runs read-only work of **one statement** on a blocking thread, outside any transaction: a
    /// single statement sees one consistent snapshot by itself on both backends, so BEGIN and
    /// COMMIT would be two round trips for nothing (the hottest reads, such as an employee's own
    /// SKP, are one statement). Work of more than one statement uses [`Database::read`], unless
    /// each of its statements stands alone (a version check, then the document that carries its
    /// own version: nothing is combined across snapshots). A
    /// connection found dead on the way (the server restarted, an idle timeout) is discarded and
    /// the work runs again on another, as [`Database::read`]'s BEGIN does: reads can be repeated.
    pub async fn read_statement<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: Fn(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.outside_transaction(work).await
    }

    /// Runs `work` on a blocking thread on a connection outside any transaction, again on another
    /// connection if this one is found dead.
    async fn outside_transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: Fn(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut attempts = 0;
            loop {
                let mut conn = db.checkout()?;
                match work(&mut conn) {
                    Err(error) if attempts < db.pool.max_size() && conn.ping().is_err() => {
                        attempts += 1;
                        log::warn!("database connection lost ({error}); discarding it and trying another");
                        Manager::transaction_manager_status_mut(&mut conn).set_in_error();
                    }
                    result => return result,
                }
            }
        })
        .await?
    }

    /// Runs `work` in one transaction on a blocking thread; any error rolls everything back.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(work)).await?
    }

    /// Runs write work whose one write is a single statement: on PostgreSQL outside BEGIN and
    /// COMMIT, since a statement is its own transaction there (two round trips fewer on the
    /// hottest write, a citizen's rating); on SQLite as [`Database::write`], in a write
    /// transaction, since the statement may be several there. The work's reads before its write
    /// are each their own snapshot on PostgreSQL: the write must re-check in itself what it relies
    /// on (a ticket is claimed only if still unused). Like a read of one statement, work found on a
    /// dead connection runs again on another, so it must be safe to repeat.
    pub async fn write_statement<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: Fn(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        if matches!(self.target, DatabaseTarget::Sqlite(_)) {
            return self.write(move |conn| work(conn)).await;
        }
        self.outside_transaction(work).await
    }

    /// The blocking form of [`Database::write`], for the command line and tests.
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
    {
        let sqlite = matches!(self.target, DatabaseTarget::Sqlite(_));
        let _writer = sqlite.then(|| self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner()));
        let mut conn = self.begin(|conn| match conn {
            AnyConnection::Postgresql(_) => Manager::begin_transaction(conn),
            // BEGIN IMMEDIATE takes the write lock before the work reads anything, so that a
            // writer in another process (the command line, the sealer of a second instance) makes
            // this one wait (busy_timeout) rather than fail when its read snapshot turns stale.
            AnyConnection::Sqlite(lite) => AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE"),
        })?;
        finish(&mut conn, work)
    }

    /// Runs read-only work in one snapshot, so that its queries all see the same committed state
    /// even while others write: a read-only REPEATABLE READ transaction on PostgreSQL (begun in
    /// one statement), a (deferred) read transaction on SQLite, whose WAL snapshot holds from the
    /// first read to the end. A write inside fails on PostgreSQL: use [`Database::write`].
    pub fn read_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
    {
        let mut conn = self.begin(|conn| match conn {
            AnyConnection::Postgresql(pg) => {
                AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            }
            AnyConnection::Sqlite(_) => Manager::begin_transaction(conn),
        })?;
        finish(&mut conn, work)
    }
}

type Manager = <AnyConnection as Connection>::TransactionManager;

/// Runs `work` in the transaction begun on `conn`: commits what it did, or rolls it all back on
/// an error. A rollback that fails leaves the connection marked broken, and the pool drops it.
fn finish<T>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// Applies the migration set of the connection's backend. On PostgreSQL an advisory lock keeps
/// instances that start together from migrating at the same time.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<(), DbError> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| DbError(format!("migration failed: {e}"));
    match conn {
        AnyConnection::Postgresql(pg) => {
            const LOCK: &str = "SELECT pg_advisory_lock(7410000001)";
            pg.batch_execute(LOCK).map_err(|e| DbError(e.to_string()))?;
            let result = pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()).map_err(failed);
            pg.batch_execute("SELECT pg_advisory_unlock(7410000001)").map_err(|e| DbError(e.to_string()))?;
            result
        }
        AnyConnection::Sqlite(lite) => lite.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()).map_err(failed),
    }
}

/// Serialises writes that check a whole-organisation invariant before they change it (no cycle in
/// the reporting line or the unit tree; an active admin remains): on PostgreSQL, concurrent
/// transactions could each pass the check and together break it, so they queue on the
/// organisation's row until commit. SQLite has one writer at a time already.
pub fn lock_organization(conn: &mut AnyConnection, organization_id: &OrganizationId) -> Result<(), ApiError> {
    use diesel::RunQueryDsl;
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(organization_id)
            .execute(pg)?;
    }
    Ok(())
}

/// Timestamps are kept to the microsecond: PostgreSQL's precision, so both backends agree.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new opaque identifier: a UUIDv7, time-ordered so that it also serves as a stable sort key.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Evaluates `$body` with `$c` bound to the backend's own connection, the body written once and
/// built for each backend. For loads of many rows: through the shared connection type every value
/// is copied and converted on its way (a twentieth of a close's CPU), where the backend's own
/// connection reads it in place.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Postgresql($c) => $body,
            $crate::db::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub use on_backend;

/// A hand-written statement (`diesel::sql_query` with its binds) that the connection prepares
/// once and then reuses, as it does the query builder's statements: `sql_query` alone is parsed
/// by the server on every call. Only for SQL whose text is constant (the cache is keyed by it).
pub struct Prepared<Q>(pub Q);

impl<Q> diesel::query_builder::QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB, Q> diesel::query_builder::QueryFragment<DB> for Prepared<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> diesel::QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> diesel::QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for Prepared<Q> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_sqlite_keeps_its_plans_whatever_is_bound() {
        // Fails when the build loses `.cargo/config.toml`'s flag (another checkout layout, a
        // system SQLite): the service still works, but every lookup by key compiles again.
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        assert!(sqlite_plans_are_stable(&mut conn).unwrap());
    }
}
