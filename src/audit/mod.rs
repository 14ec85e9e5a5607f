//! The audit trail: every write appends an event in the same transaction. Each organisation's
//! events form a hash chain (each event's hash covers the previous hash), so an altered,
//! inserted or deleted event is detected by [`verify_chain`].
//!
//! The write only inserts its event, with a hash of its content: no row is shared between writers,
//! so the writes of one organisation do not queue behind each other. A sealer ([`seal`]), one at a
//! time per organisation, links the events committed since its last run into the chain (their
//! `seq`, `prev_hash` and `hash`) and moves the organisation's head; the server runs it every
//! [`seal::INTERVAL`]. Until then an event is *unsealed*: its content hash already detects an
//! alteration, and verification counts and checks it apart from the chain.

pub mod routes;
pub mod seal;
pub mod store;
pub mod verify;

pub use seal::{seal_all, seal_organization};
pub use verify::{verify_chain, verify_range, ChainVerification};

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::caller::Caller;
use crate::auth::tokens::SubjectKind;
use crate::db::schema::{audit_events, audit_heads};
use crate::db::types::OrganizationId;
use crate::db::{new_id, now, AnyConnection};
use crate::error::ApiResult;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

crate::domain::text_enum! {
    /// Who makes changes: a person, a portal, the operator's command line, or a citizen with a
    /// rating ticket.
    pub enum ActorKind {
        Employee = "employee",
        ServiceClient = "service_client",
        Cli = "cli",
        Citizen = "citizen",
    }
}
crate::db::types::text_column!(ActorKind);

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The command line, run by the operator of the installation.
    pub fn cli(command: &str) -> Self {
        Actor { kind: ActorKind::Cli, id: command.to_string(), request_id: None }
    }
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            kind: match self.kind {
                SubjectKind::Employee => ActorKind::Employee,
                SubjectKind::ServiceClient => ActorKind::ServiceClient,
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

/// An event as stored. `seq`, `prev_hash`, `hash` and `sealed_at` are set when it is sealed;
/// `content_hash` when it is written (absent on events written before sealing existed, which were
/// chained as they were written).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub seq: Option<i64>,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor_kind: ActorKind,
    pub actor_id: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub content_hash: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    pub sealed_at: Option<chrono::NaiveDateTime>,
}

/// What a write inserts: the event's content and its hash, nothing of the chain. Made by
/// [`event`]; inserted by [`insert`], or as part of a larger statement (a citizen rating's).
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewEvent {
    pub id: String,
    pub organization_id: OrganizationId,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor_kind: ActorKind,
    pub actor_id: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub content_hash: String,
}

/// Starts an organisation's chain; called in the transaction that creates the organisation.
pub fn start_chain(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<()> {
    diesel::insert_into(audit_heads::table)
        .values((
            audit_heads::organization_id.eq(organization_id),
            audit_heads::seq.eq(0i64),
            audit_heads::hash.eq(GENESIS_HASH),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends `change` to the organisation's trail. Must run inside the write's transaction. It only
/// inserts: the sealer links the event into the chain once the write has committed.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    change: Change,
) -> ApiResult<()> {
    insert(conn, &event(actor, organization_id, change))
}

/// Inserts an event made by [`event`].
pub fn insert(conn: &mut AnyConnection, event: &NewEvent) -> ApiResult<()> {
    diesel::insert_into(audit_events::table).values(event).execute(conn)?;
    Ok(())
}

/// The event recording `change`, stamped now, with its content hash: what [`record`] inserts.
pub fn event(actor: &Actor, organization_id: &OrganizationId, change: Change) -> NewEvent {
    let event = AuditEventRow {
        id: new_id(),
        organization_id: organization_id.clone(),
        seq: None,
        occurred_at: now(),
        actor_kind: actor.kind,
        actor_id: actor.id.clone(),
        action: change.action,
        resource_type: change.resource_type.to_string(),
        resource_id: change.resource_id,
        before_state: change.before.map(|v| v.to_string()),
        after_state: change.after.map(|v| v.to_string()),
        request_id: actor.request_id.clone(),
        content_hash: None,
        prev_hash: None,
        hash: None,
        sealed_at: None,
    };
    let content_hash = content_hash(&event);
    NewEvent {
        id: event.id,
        organization_id: event.organization_id,
        occurred_at: event.occurred_at,
        actor_kind: event.actor_kind,
        actor_id: event.actor_id,
        action: event.action,
        resource_type: event.resource_type,
        resource_id: event.resource_id,
        before_state: event.before_state,
        after_state: event.after_state,
        request_id: event.request_id,
        content_hash,
    }
}

/// The event's fields as hashed, in a fixed order: a canonical JSON array.
fn canonical_fields(event: &AuditEventRow) -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(event.organization_id),
        json!(event.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        json!(event.actor_kind),
        json!(event.actor_id),
        json!(event.action),
        json!(event.resource_type),
        json!(event.resource_id),
        json!(event.before_state),
        json!(event.after_state),
        json!(event.request_id),
        json!(event.id),
    ]
}

fn sha256_hex(value: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

/// The hash of an event's content, taken when it is written: SHA-256 over the canonical JSON
/// array of its fields. It catches an alteration made before the event is sealed.
pub fn content_hash(event: &AuditEventRow) -> String {
    sha256_hex(&serde_json::Value::Array(canonical_fields(event)))
}

/// The hash that links an event into the chain: SHA-256 over the canonical JSON array of the
/// previous hash, its position and its fields (the same construction as before sealing existed,
/// so older chains verify unchanged).
pub fn chain_hash(event: &AuditEventRow, seq: i64, prev_hash: &str) -> String {
    let mut fields = vec![serde_json::json!(prev_hash), serde_json::json!(seq)];
    fields.extend(canonical_fields(event));
    sha256_hex(&serde_json::Value::Array(fields))
}
