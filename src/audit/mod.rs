//! The audit trail: every write appends an event in the same transaction. Each organisation's
//! events form a hash chain (each event's hash covers the previous hash), so an altered,
//! inserted or deleted event is detected by [`verify_chain`].

pub mod routes;

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::caller::Caller;
use crate::auth::tokens::SubjectKind;
use crate::db::schema::{audit_events, audit_heads};
use crate::db::{new_id, now, AnyConnection};
use crate::error::{ApiError, ApiResult};

const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: &'static str,
    pub id: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The command line, run by the operator of the installation.
    pub fn cli(command: &str) -> Self {
        Actor { kind: "cli", id: command.to_string(), request_id: None }
    }
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            kind: match self.kind {
                SubjectKind::Employee => "employee",
                SubjectKind::ServiceClient => "service_client",
            },
            id: self.subject_id.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// One change to record: what was done to which resource, with its state before and after.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: String,
    pub resource_type: &'static str,
    pub resource_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(action: impl Into<String>, resource_type: &'static str, resource_id: impl Into<String>) -> Self {
        Change { action: action.into(), resource_type, resource_id: resource_id.into(), before: None, after: None }
    }
    pub fn before(mut self, state: &impl Serialize) -> Self {
        self.before = serde_json::to_value(state).ok();
        self
    }
    pub fn after(mut self, state: &impl Serialize) -> Self {
        self.after = serde_json::to_value(state).ok();
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: String,
    pub organization_id: String,
    pub seq: i64,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Starts an organisation's chain; called in the transaction that creates the organisation.
pub fn start_chain(conn: &mut AnyConnection, organization_id: &str) -> ApiResult<()> {
    diesel::insert_into(audit_heads::table)
        .values((
            audit_heads::organization_id.eq(organization_id),
            audit_heads::seq.eq(0i64),
            audit_heads::hash.eq(GENESIS_HASH),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends `change` to the organisation's chain. Must run inside the write's transaction.
pub fn record(conn: &mut AnyConnection, actor: &Actor, organization_id: &str, change: Change) -> ApiResult<()> {
    // Bumping the head first locks it (PostgreSQL row lock, SQLite writer lock) until commit,
    // so concurrent writers append one after another.
    let (seq, prev_hash): (i64, String) = diesel::update(audit_heads::table.find(organization_id))
        .set(audit_heads::seq.eq(audit_heads::seq + 1))
        .returning((audit_heads::seq, audit_heads::hash))
        .get_result(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal(format!("no audit chain for organisation {organization_id}")))?;
    let mut event = AuditEventRow {
        id: new_id(),
        organization_id: organization_id.to_string(),
        seq,
        occurred_at: now(),
        actor_kind: actor.kind.to_string(),
        actor_id: actor.id.clone(),
        action: change.action,
        resource_type: change.resource_type.to_string(),
        resource_id: change.resource_id,
        before_state: change.before.map(|v| v.to_string()),
        after_state: change.after.map(|v| v.to_string()),
        request_id: actor.request_id.clone(),
        prev_hash,
        hash: String::new(),
    };
    event.hash = event_hash(&event);
    diesel::update(audit_heads::table.find(organization_id)).set(audit_heads::hash.eq(&event.hash)).execute(conn)?;
    diesel::insert_into(audit_events::table).values(&event).execute(conn)?;
    Ok(())
}

/// The hash of an event: SHA-256 over a canonical JSON array of its fields and the previous hash.
pub fn event_hash(event: &AuditEventRow) -> String {
    let canonical = serde_json::json!([
        event.prev_hash,
        event.seq,
        event.organization_id,
        event.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        event.actor_kind,
        event.actor_id,
        event.action,
        event.resource_type,
        event.resource_id,
        event.before_state,
        event.after_state,
        event.request_id,
        event.id,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The result of checking one organisation's chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainVerification {
    pub organization_id: String,
    /// True when every event is intact and the chain is complete up to its head.
    pub intact: bool,
    pub events_checked: i64,
    /// The sequence number of the head (the last event written).
    pub head_seq: i64,
    /// The hash of the head. Someone with write access to the database could rewrite the chain
    /// consistently; an auditor who notes this value outside the service can tell later.
    pub head_hash: String,
    /// The first event found broken, if any.
    pub first_broken_seq: Option<i64>,
    /// What is wrong, if anything.
    pub problem: Option<String>,
}

/// Checks the chain up to the head it reads first. Run it in one snapshot ([`crate::db::Database::read`]):
/// otherwise an event written after the head was read looks like a chain longer than its head.
pub fn verify_chain(conn: &mut AnyConnection, organization_id: &str) -> ApiResult<ChainVerification> {
    let (head_seq, head_hash): (i64, String) =
        audit_heads::table.find(organization_id).select((audit_heads::seq, audit_heads::hash)).first(conn)?;
    let mut result = ChainVerification {
        organization_id: organization_id.to_string(),
        intact: true,
        events_checked: 0,
        head_seq,
        head_hash: head_hash.clone(),
        first_broken_seq: None,
        problem: None,
    };
    let (mut expected_seq, mut prev_hash, mut after) = (1i64, GENESIS_HASH.to_string(), 0i64);
    const BATCH: i64 = 1000;
    loop {
        let batch: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::organization_id.eq(organization_id))
            .filter(audit_events::seq.gt(after))
            .filter(audit_events::seq.le(head_seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        for event in &batch {
            let problem = if event.seq != expected_seq {
                Some(format!("event {expected_seq} is missing"))
            } else if event.prev_hash != prev_hash {
                Some(format!("event {} does not link to the event before it", event.seq))
            } else if event_hash(event) != event.hash {
                Some(format!("event {} was altered after it was written", event.seq))
            } else {
                None
            };
            if let Some(problem) = problem {
                result.intact = false;
                result.first_broken_seq = Some(expected_seq);
                result.problem = Some(problem);
                return Ok(result);
            }
            result.events_checked += 1;
            expected_seq += 1;
            prev_hash = event.hash.clone();
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => after = last.seq,
            _ => break,
        }
    }
    // In one snapshot nothing follows the head; an event that does was put there behind its back.
    let beyond_head: i64 = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.gt(head_seq))
        .count()
        .get_result(conn)?;
    if beyond_head > 0 {
        result.intact = false;
        result.first_broken_seq = Some(head_seq + 1);
        result.problem = Some(format!("{beyond_head} event(s) follow the head at {head_seq}"));
    } else if expected_seq - 1 != head_seq || prev_hash != head_hash {
        result.intact = false;
        result.first_broken_seq = Some(expected_seq);
        result.problem = Some(format!("the chain ends at event {} but its head is at {head_seq}", expected_seq - 1));
    }
    Ok(result)
}
