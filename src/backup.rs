//! `kinerja backup --to FILE`: a consistent online copy of the embedded SQLite database, checked
//! before it is called done.
//!
//! SQLite's `VACUUM INTO` copies the database as one read transaction sees it, so writers carry on
//! (WAL) and the copy is a single committed state, never half a write. The copy is written beside
//! the target under a temporary name and renamed only after it has passed SQLite's integrity check
//! and every organisation's audit chain verifies in it: a file at the target path is always a
//! whole, verified backup. PostgreSQL has its own tools (`pg_dump`, base backups with WAL
//! archiving for point-in-time recovery); the README shows them.

use std::path::{Path, PathBuf};

use diesel::prelude::*;

use crate::config::DatabaseTarget;
use crate::db::{AnyConnection, Database};
use crate::error::ApiError;

/// What a finished backup holds, as the command prints it.
#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub organizations: usize,
    pub audit_events: i64,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup written to {} ({} bytes): integrity ok, {} organisation(s), {} audit event(s), every chain intact",
            self.path.display(),
            self.bytes,
            self.organizations,
            self.audit_events
        )
    }
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

/// Copies the database to `target` (which must not exist) and verifies the copy.
pub fn to_file(db: &Database, target: &Path) -> Result<BackupReport, String> {
    if let DatabaseTarget::Postgres(_) = db.target {
        return Err("this database is PostgreSQL: back it up with pg_dump (or base backups with WAL \
                    archiving for point-in-time recovery), as the README's Backups section shows"
            .into());
    }
    if target.exists() {
        return Err(format!("{} exists already: choose a new file name", target.display()));
    }
    let partial = partial_name(target);
    let _ = std::fs::remove_file(&partial);
    let copied = copy_into(db, &partial).and_then(|()| verify_copy(&partial));
    match copied {
        Ok((organizations, audit_events)) => {
            std::fs::rename(&partial, target).map_err(|e| format!("cannot rename the backup: {e}"))?;
            let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
            Ok(BackupReport { path: target.to_path_buf(), bytes, organizations, audit_events })
        }
        Err(message) => {
            let _ = std::fs::remove_file(&partial);
            Err(message)
        }
    }
}

fn partial_name(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    target.with_file_name(name)
}

fn copy_into(db: &Database, path: &Path) -> Result<(), String> {
    let path = path.to_str().ok_or("the backup path must be valid UTF-8")?;
    let mut conn = db.pool.get().map_err(|e| format!("cannot reach the database: {e}"))?;
    // VACUUM cannot run inside a transaction, so this uses a pooled connection directly.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(path)
        .execute(&mut *conn)
        .map_err(|e| format!("cannot write the backup: {e}"))?;
    Ok(())
}

/// Opens the copy on its own and checks it as a restore would: SQLite's integrity check, then every
/// organisation's audit chain.
fn verify_copy(path: &Path) -> Result<(usize, i64), String> {
    let url = format!("sqlite://{}", path.display());
    let target = DatabaseTarget::parse(&url).map_err(|e| e.to_string())?;
    let copy = Database::connect(&target, 1).map_err(|e| format!("cannot open the backup: {e}"))?;
    copy.read_blocking(|conn| {
        let rows: Vec<IntegrityRow> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
        if rows.len() != 1 || rows[0].integrity_check != "ok" {
            let found = rows.into_iter().map(|r| r.integrity_check).collect::<Vec<_>>().join("; ");
            return Ok(Err(format!("the backup fails SQLite's integrity check: {found}")));
        }
        verify_chains(conn)
    })
    .map_err(ApiError::describe)?
}

/// Ok(Err(why)) when the copy was read but does not hold up.
fn verify_chains(conn: &mut AnyConnection) -> Result<Result<(usize, i64), String>, ApiError> {
    use crate::db::schema::{audit_events, organizations};
    let ids: Vec<crate::db::types::OrganizationId> = organizations::table.select(organizations::id).load(conn)?;
    for id in &ids {
        let result = crate::audit::verify_chain(conn, id)?;
        if !result.intact {
            return Ok(Err(format!(
                "the audit chain of organisation {id} is broken in the backup: {}",
                result.problem.unwrap_or_default()
            )));
        }
    }
    let events: i64 = audit_events::table.count().get_result(conn)?;
    Ok(Ok((ids.len(), events)))
}
