//! Verifying an organisation's trail: the whole chain or the part of it in a time range.
//!
//! Run both in one snapshot ([`crate::db::Database::read`]): a sealer moves the head and seals
//! its events in one transaction, so a snapshot sees a head and exactly the events up to it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{max, min};
use diesel::prelude::*;
use serde::Serialize;

use super::{chain_hash, content_hash, AuditEventRow, GENESIS_HASH};
use crate::db::schema::{audit_events, audit_heads};
use crate::db::types::OrganizationId;
use crate::db::AnyConnection;
use crate::error::ApiResult;

/// Events read per query.
const BATCH: i64 = 1000;

/// The result of checking one organisation's chain, or a range of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainVerification {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// True when every sealed event checked is intact and linked to the one before it, the chain
    /// is complete up to its head, and every unsealed event checked still matches its content.
    pub intact: bool,
    /// How many sealed events were checked.
    pub events_checked: i64,
    /// For a range: the first and last chain positions checked. They are the range's sealed
    /// events plus the one after them, whose link covers the range's last event; the link of the
    /// first is checked against the event before it.
    pub from_seq: Option<i64>,
    pub to_seq: Option<i64>,
    /// The position of the chain's head: the last sealed event.
    pub head_seq: i64,
    /// The hash of the head. Someone with write access to the database could rewrite the chain
    /// consistently; an auditor who notes this value outside the service can tell later.
    pub head_hash: String,
    /// Events committed but not sealed into the chain yet (the sealer runs several times a
    /// second): they have no position yet; each is checked against the content hash it was
    /// written with. A range counts those in its time range.
    pub unsealed_events: i64,
    /// When the oldest unsealed event was written.
    pub oldest_unsealed_at: Option<DateTime<Utc>>,
    /// The position of the first event found broken (missing, altered or unlinked), if any.
    pub first_broken_seq: Option<i64>,
    /// The id of the first broken event, when it is still there (a deleted one has none).
    pub first_broken_event_id: Option<String>,
    /// What is wrong, if anything.
    pub problem: Option<String>,
}

impl ChainVerification {
    fn broken(&mut self, seq: Option<i64>, event_id: Option<&str>, problem: String) {
        self.intact = false;
        self.first_broken_seq = seq;
        self.first_broken_event_id = event_id.map(str::to_string);
        self.problem = Some(problem);
    }
}

/// What is wrong with a sealed event at `expected`, linked after `prev_hash`, if anything.
fn check_sealed(event: &AuditEventRow, expected: i64, prev_hash: &str) -> Option<String> {
    if event.seq != Some(expected) {
        return Some(format!("event {expected} is missing"));
    }
    if event.prev_hash.as_deref() != Some(prev_hash) {
        return Some(format!("event {expected} does not link to the event before it"));
    }
    // Events sealed by the sealer carry the hash of what was written; older ones were chained
    // as they were written and have none.
    let content_altered = match &event.content_hash {
        Some(written) => *written != content_hash(event),
        None => event.sealed_at.is_some(),
    };
    if content_altered || event.hash.as_deref() != Some(chain_hash(event, expected, prev_hash).as_str()) {
        return Some(format!("event {expected} was altered after it was written"));
    }
    None
}

/// Checks the sealed events at positions `from..=to`, the first linked after `prev_hash`.
/// Returns the hash of the last one, or `None` after recording the first break in `result`.
fn check_span(
    conn: &mut AnyConnection,
    result: &mut ChainVerification,
    from: i64,
    to: i64,
    mut prev_hash: String,
) -> ApiResult<Option<String>> {
    let mut expected = from;
    while expected <= to {
        let batch: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::organization_id.eq(&result.organization_id))
            .filter(audit_events::seq.ge(expected))
            .filter(audit_events::seq.le(to))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            break;
        }
        for event in &batch {
            if let Some(problem) = check_sealed(event, expected, &prev_hash) {
                let present = event.seq == Some(expected);
                result.broken(Some(expected), present.then_some(event.id.as_str()), problem);
                return Ok(None);
            }
            result.events_checked += 1;
            expected += 1;
            prev_hash = event.hash.clone().unwrap_or_default();
        }
    }
    if expected <= to {
        result.broken(Some(expected), None, format!("event {expected} is missing"));
        return Ok(None);
    }
    Ok(Some(prev_hash))
}

/// Checks the unsealed events (of the time range, if given) against their content hashes.
fn check_unsealed(
    conn: &mut AnyConnection,
    result: &mut ChainVerification,
    range: Option<(NaiveDateTime, NaiveDateTime)>,
) -> ApiResult<()> {
    let mut after: Option<(NaiveDateTime, String)> = None;
    loop {
        let mut query = audit_events::table
            .filter(audit_events::organization_id.eq(&result.organization_id))
            .filter(audit_events::seq.is_null())
            .into_boxed();
        if let Some((from, to)) = range {
            query = query.filter(audit_events::occurred_at.ge(from)).filter(audit_events::occurred_at.lt(to));
        }
        if let Some((at, id)) = &after {
            query = query.filter(
                audit_events::occurred_at.gt(*at).or(audit_events::occurred_at.eq(*at).and(audit_events::id.gt(id))),
            );
        }
        let batch: Vec<AuditEventRow> = query
            .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
            .limit(BATCH)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        for event in &batch {
            if result.unsealed_events == 0 {
                result.oldest_unsealed_at = Some(event.occurred_at.and_utc());
            }
            result.unsealed_events += 1;
            if result.intact && event.content_hash.as_deref() != Some(content_hash(event).as_str()) {
                result.broken(
                    None,
                    Some(&event.id),
                    format!("unsealed event {} was altered after it was written", event.id),
                );
            }
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => after = Some((last.occurred_at, last.id.clone())),
            _ => return Ok(()),
        }
    }
}

fn new_result(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<ChainVerification> {
    let (head_seq, head_hash): (i64, String) =
        audit_heads::table.find(organization_id).select((audit_heads::seq, audit_heads::hash)).first(conn)?;
    Ok(ChainVerification {
        organization_id: organization_id.clone(),
        intact: true,
        events_checked: 0,
        from_seq: None,
        to_seq: None,
        head_seq,
        head_hash,
        unsealed_events: 0,
        oldest_unsealed_at: None,
        first_broken_seq: None,
        first_broken_event_id: None,
        problem: None,
    })
}

/// The hash the event at `seq` was sealed with; the genesis hash before the first.
fn hash_at(conn: &mut AnyConnection, organization_id: &OrganizationId, seq: i64) -> ApiResult<Option<String>> {
    if seq == 0 {
        return Ok(Some(super::GENESIS_HASH.to_string()));
    }
    Ok(audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.eq(seq))
        .select(audit_events::hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Checks that the event at the head is the head's, and that nothing sealed lies beyond it.
fn check_head(conn: &mut AnyConnection, result: &mut ChainVerification, last_hash: &str) -> ApiResult<()> {
    let beyond_head: i64 = audit_events::table
        .filter(audit_events::organization_id.eq(&result.organization_id))
        .filter(audit_events::seq.gt(result.head_seq))
        .count()
        .get_result(conn)?;
    if beyond_head > 0 {
        let seq = result.head_seq + 1;
        result.broken(Some(seq), None, format!("{beyond_head} event(s) follow the head at {}", result.head_seq));
    } else if last_hash != result.head_hash {
        let seq = result.head_seq;
        result.broken(Some(seq), None, format!("event {seq} is not the one the head was sealed with"));
    }
    Ok(())
}

/// Checks the whole chain up to its head, and the unsealed events.
pub fn verify_chain(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<ChainVerification> {
    let mut result = new_result(conn, organization_id)?;
    let head_seq = result.head_seq;
    if let Some(last_hash) = check_span(conn, &mut result, 1, head_seq, GENESIS_HASH.to_string())? {
        check_head(conn, &mut result, &last_hash)?;
    }
    check_unsealed(conn, &mut result, None)?;
    Ok(result)
}

/// Checks the part of the chain written in `[from, to)`: the sealed events written in it, each
/// linked to the one before (the first to the event before the range), and the link of the event
/// after it; and the range's unsealed events against their content hashes. An event deleted from
/// the range, at either end included, shows as a missing position.
pub fn verify_range(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<ChainVerification> {
    let mut result = new_result(conn, organization_id)?;
    let head_seq = result.head_seq;
    let sealed = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.le(head_seq));
    let (first, last): (Option<i64>, Option<i64>) = sealed
        .filter(audit_events::occurred_at.ge(from))
        .filter(audit_events::occurred_at.lt(to))
        .select((min(audit_events::seq), max(audit_events::seq)))
        .first(conn)?;
    let (lo, hi) = match (first, last) {
        (Some(first), Some(last)) => (first, last),
        // Nothing sealed in the range: check that the events either side of it are adjacent.
        _ => {
            let before: Option<i64> =
                sealed.filter(audit_events::occurred_at.lt(from)).select(max(audit_events::seq)).first(conn)?;
            let lo = before.unwrap_or(0) + 1;
            (lo, lo - 1)
        }
    };
    let to_seq = (hi + 1).min(head_seq);
    result.from_seq = Some(lo);
    result.to_seq = Some(to_seq);
    match hash_at(conn, organization_id, lo - 1)? {
        None => result.broken(Some(lo - 1), None, format!("event {} is missing", lo - 1)),
        Some(anchor) => {
            if let Some(last_hash) = check_span(conn, &mut result, lo, to_seq, anchor)? {
                if to_seq == head_seq {
                    check_head(conn, &mut result, &last_hash)?;
                }
            }
        }
    }
    check_unsealed(conn, &mut result, Some((from, to)))?;
    Ok(result)
}
