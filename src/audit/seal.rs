//! The sealer: links the events written since its last run into their organisation's chain.
//!
//! Writes only insert events (with their content hash); this is the one place that orders them
//! and moves the chain's head, so writers never wait for each other on the head. One sealer at a
//! time per organisation: on PostgreSQL a transaction-scoped advisory lock elects it among the
//! instances (a busy one is skipped, or waited for by a reader that wants everything sealed); on
//! SQLite the seal's write transaction holds the database's one write lock from its start.
//!
//! It seals the committed events whose `seq` is still NULL, whatever order their writes took
//! their ids or times in: an event whose transaction commits after a later one was sealed is
//! simply sealed in the next run, after it (the chain's order is the order of sealing). Nothing
//! is selected by "after the last sealed position", so nothing committed late can be skipped.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text, Timestamp};

use super::{chain_hash, content_hash, AuditEventRow};
use crate::db::schema::{audit_events, audit_heads};
use crate::db::types::OrganizationId;
use crate::db::{now, AnyConnection, Database};
use crate::error::{ApiError, ApiResult};

/// How often the server's sealer runs. An event stays unsealed for at most about this long plus
/// one run (measured in the README).
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Events sealed in one transaction; a longer backlog takes several.
pub const BATCH: i64 = 1000;

/// The advisory-lock class of the sealers (the second key is the organisation's id, hashed).
const LOCK_CLASS: i32 = 741_002;

/// What a sealer does when another one is sealing the same organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfBusy {
    /// Leave it to the other one (the background sealer).
    Skip,
    /// Wait for it, then seal what is left (a reader that wants every committed event sealed).
    Wait,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Becomes the organisation's sole sealer until the transaction ends; false when skipped.
fn take_seal_lock(conn: &mut AnyConnection, organization_id: &OrganizationId, if_busy: IfBusy) -> ApiResult<bool> {
    match conn {
        AnyConnection::Postgresql(pg) => match if_busy {
            IfBusy::Skip => {
                let row: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked")
                    .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
                    .bind::<Text, _>(organization_id)
                    .get_result(pg)?;
                Ok(row.locked)
            }
            IfBusy::Wait => {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                    .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
                    .bind::<Text, _>(organization_id)
                    .execute(pg)?;
                Ok(true)
            }
        },
        // The seal runs in a write transaction, which on SQLite begins IMMEDIATE: it holds the
        // database's one write lock from the start, so no other sealer can read the same events.
        AnyConnection::Sqlite(_) => Ok(true),
    }
}

/// Seals up to [`BATCH`] of the organisation's pending events, oldest first. Run it in a write
/// transaction ([`Database::write_blocking`]). Returns how many it sealed, or `None` when another
/// sealer holds the organisation and `if_busy` is [`IfBusy::Skip`].
pub fn seal_batch(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    if_busy: IfBusy,
) -> ApiResult<Option<usize>> {
    if !take_seal_lock(conn, organization_id, if_busy)? {
        return Ok(None);
    }
    let (mut seq, mut prev_hash): (i64, String) = audit_heads::table
        .find(organization_id)
        .select((audit_heads::seq, audit_heads::hash))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal(format!("no audit chain for organisation {organization_id}")))?;
    let pending: Vec<AuditEventRow> = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.is_null())
        .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
        .limit(BATCH)
        .select(AuditEventRow::as_select())
        .load(conn)?;
    if pending.is_empty() {
        return Ok(Some(0));
    }
    let (mut ids, mut seqs, mut prev_hashes, mut hashes) = (vec![], vec![], vec![], vec![]);
    for event in &pending {
        // Sealed as found: verification reports the mismatch, and the chain keeps the evidence.
        if event.content_hash.as_deref() != Some(content_hash(event).as_str()) {
            log::warn!("audit event {} no longer matches its content hash; sealing it as found", event.id);
        }
        seq += 1;
        let hash = chain_hash(event, seq, &prev_hash);
        ids.push(event.id.clone());
        seqs.push(seq);
        prev_hashes.push(std::mem::replace(&mut prev_hash, hash.clone()));
        hashes.push(hash);
    }
    let sealed_at = now();
    let updated = match conn {
        // One statement for the whole batch.
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "UPDATE audit_events AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, sealed_at = $5 \
             FROM unnest($1, $2, $3, $4) AS v(id, seq, prev_hash, hash) \
             WHERE e.id = v.id AND e.seq IS NULL",
        )
        .bind::<Array<Text>, _>(&ids)
        .bind::<Array<BigInt>, _>(&seqs)
        .bind::<Array<Text>, _>(&prev_hashes)
        .bind::<Array<Text>, _>(&hashes)
        .bind::<Timestamp, _>(sealed_at)
        .execute(pg)?,
        // In-process statements cost no round trip.
        AnyConnection::Sqlite(_) => {
            let mut updated = 0;
            for i in 0..ids.len() {
                updated += diesel::update(
                    audit_events::table.filter(audit_events::id.eq(&ids[i])).filter(audit_events::seq.is_null()),
                )
                .set((
                    audit_events::seq.eq(seqs[i]),
                    audit_events::prev_hash.eq(&prev_hashes[i]),
                    audit_events::hash.eq(&hashes[i]),
                    audit_events::sealed_at.eq(sealed_at),
                ))
                .execute(conn)?;
            }
            updated
        }
    };
    if updated != ids.len() {
        // An event vanished between the read and the update; roll back and seal afresh next run.
        return Err(ApiError::internal(format!(
            "sealing organisation {organization_id}: {updated} of {} events updated",
            ids.len()
        )));
    }
    diesel::update(audit_heads::table.find(organization_id))
        .set((audit_heads::seq.eq(seq), audit_heads::hash.eq(&prev_hash)))
        .execute(conn)?;
    Ok(Some(ids.len()))
}

/// Seals all of the organisation's pending events, one transaction per batch. Returns how many
/// it sealed (0 when skipped because another sealer is at it).
pub fn seal_organization(db: &Database, organization_id: &OrganizationId, if_busy: IfBusy) -> ApiResult<usize> {
    let mut total = 0;
    loop {
        let org = organization_id.clone();
        match db.write_blocking(move |conn| seal_batch(conn, &org, if_busy))? {
            Some(n) => {
                total += n;
                if (n as i64) < BATCH {
                    return Ok(total);
                }
            }
            None => return Ok(total),
        }
    }
}

/// One run of the sealer over every organisation with pending events. Returns how many it sealed.
pub fn seal_all(db: &Database) -> ApiResult<usize> {
    let organizations: Vec<OrganizationId> = db.read_blocking(|conn| {
        Ok(audit_events::table
            .filter(audit_events::seq.is_null())
            .select(audit_events::organization_id)
            .distinct()
            .load(conn)?)
    })?;
    let mut total = 0;
    for organization_id in organizations {
        total += seal_organization(db, &organization_id, IfBusy::Skip)?;
    }
    Ok(total)
}

/// The server's sealer: runs [`seal_all`] every [`INTERVAL`] off the async executor, until the
/// server stops. Every instance runs one; the advisory lock lets one seal each organisation at a
/// time.
pub async fn run(db: Database) {
    loop {
        actix_web::rt::time::sleep(INTERVAL).await;
        let db = db.clone();
        match actix_web::web::block(move || seal_all(&db)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("sealing the audit trail failed (retried next run): {e}"),
            Err(e) => log::error!("the audit sealer could not run: {e}"),
        }
    }
}
