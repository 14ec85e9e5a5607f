//! One codebase over SQLite and PostgreSQL: the connection type, the pool, migrations, and the
//! helpers that keep blocking diesel calls off the async executor.

pub mod schema;
pub mod types;

use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseTarget;
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

/// Opens connections for the backend named by the URL scheme, and prepares SQLite ones.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
}

impl ConnectionManager {
    pub fn new(target: DatabaseTarget) -> Self {
        Self { target }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = DbError;

    fn connect(&self) -> Result<AnyConnection, DbError> {
        match &self.target {
            DatabaseTarget::Postgres(url) => PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                // libpq's messages span lines; the operator gets one.
                .map_err(|e| DbError(e.to_string().split_whitespace().collect::<Vec<_>>().join(" "))),
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(|e| DbError(e.to_string()))?;
                // Per connection: enforce foreign keys, wait for the writer instead of failing,
                // and use WAL so readers never block the writer.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                     PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                )
                .map_err(|e| DbError(format!("cannot open SQLite database {path}: {e}")))?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(|e| DbError(e.to_string()))
    }

    /// A connection whose transaction broke (the server went away mid-transaction) is dropped,
    /// not handed to the next request.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// The pool plus what the service needs to use it safely.
#[derive(Clone)]
pub struct Database {
    pub pool: Pool,
    pub target: DatabaseTarget,
    /// SQLite allows one writer; taking this lock before a write transaction avoids
    /// `SQLITE_BUSY` when a deferred transaction upgrades from read to write.
    sqlite_writer: Arc<Mutex<()>>,
}

impl Database {
    /// Connects once (to report the real error), builds the pool and applies migrations.
    pub fn connect(target: &DatabaseTarget, pool_size: u32) -> Result<Self, DbError> {
        let manager = ConnectionManager::new(target.clone());
        let mut first =
            manager.connect().map_err(|e| DbError(format!("cannot connect to {}: {}", target.redacted(), e.0)))?;
        run_migrations(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(5))
            .build(manager)
            .map_err(|e| DbError(format!("cannot build the connection pool: {e}")))?;
        Ok(Self { pool, target: target.clone(), sqlite_writer: Arc::new(Mutex::new(())) })
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

    /// Runs `work` in one transaction on a blocking thread; any error rolls everything back.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(work)).await?
    }

    /// The blocking form of [`Database::write`], for the command line and tests.
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
    {
        let mut conn = self.pool.get()?;
        let _writer = match &*conn {
            AnyConnection::Sqlite(_) => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            AnyConnection::Postgresql(_) => None,
        };
        let conn: &mut AnyConnection = &mut conn;
        match conn {
            AnyConnection::Postgresql(_) => conn.transaction(work),
            // BEGIN IMMEDIATE takes the write lock before the work reads anything, so that a
            // writer in another process (the command line, the sealer of a second instance) makes
            // this one wait (busy_timeout) rather than fail when its read snapshot turns stale.
            AnyConnection::Sqlite(lite) => {
                use diesel::connection::{AnsiTransactionManager, TransactionManager};
                type Manager = <AnyConnection as Connection>::TransactionManager;
                AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")?;
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
        }
    }

    /// Runs read-only work in one snapshot, so that its queries all see the same committed state
    /// even while others write: a read-only REPEATABLE READ transaction on PostgreSQL, a (deferred)
    /// read transaction on SQLite, whose WAL snapshot holds from the first read to the end. A write
    /// inside fails on PostgreSQL: use [`Database::write`].
    pub fn read_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
    {
        let mut conn = self.pool.get()?;
        let conn: &mut AnyConnection = &mut conn;
        conn.transaction(|conn| {
            if let AnyConnection::Postgresql(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            work(conn)
        })
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
pub fn lock_organization(conn: &mut AnyConnection, organization_id: &str) -> Result<(), ApiError> {
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
