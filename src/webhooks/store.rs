//! Webhook queries: registrations, the delivery log, the dispatcher and the sender.

use std::time::Duration;

use diesel::prelude::*;

use super::target::{describe_failure, Sender};
use super::{
    backoff, event_type, signature, Delivery, DeliveryStatus, EventType, EventTypeList, Webhook, MAX_ATTEMPTS,
};
use crate::db::schema::{audit_events, audit_heads, webhook_cursors, webhook_deliveries, webhooks};
use crate::db::types::OrganizationId;
use crate::db::{new_id, AnyConnection, Database};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub service_client_id: String,
    pub url: String,
    pub secret: String,
    pub event_types: EventTypeList,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Webhook {
            id: row.id,
            url: row.url,
            event_types: row.event_types.values().to_vec(),
            active: row.active,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub organization_id: OrganizationId,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub last_attempt_at: Option<chrono::NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = ApiError;
    fn try_from(row: DeliveryRow) -> ApiResult<Self> {
        Ok(Delivery {
            event_type: EventType::parse(&row.event_type)
                .ok_or_else(|| ApiError::internal(format!("unknown stored event type {:?}", row.event_type)))?,
            payload: serde_json::from_str(&row.payload).map_err(ApiError::internal)?,
            next_attempt_at: (row.status == DeliveryStatus::Pending).then(|| row.next_attempt_at.and_utc()),
            id: row.id,
            webhook_id: row.webhook_id,
            event_id: row.event_id,
            status: row.status,
            attempts: row.attempts,
            last_attempt_at: row.last_attempt_at.map(|t| t.and_utc()),
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            delivered_at: row.delivered_at.map(|t| t.and_utc()),
        })
    }
}

/// The webhook `id` of the client's organisation, or 404.
/// A page of a portal's active endpoints, by id.
pub fn active_of(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    service_client_id: &str,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<WebhookRow>> {
    let mut q = webhooks::table
        .filter(webhooks::organization_id.eq(organization_id))
        .filter(webhooks::service_client_id.eq(service_client_id))
        .filter(webhooks::active.eq(true))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(webhooks::id.gt(after));
    }
    Ok(q.order(webhooks::id.asc()).limit(fetch).select(WebhookRow::as_select()).load(conn)?)
}

pub fn insert(conn: &mut AnyConnection, row: &WebhookRow) -> ApiResult<()> {
    diesel::insert_into(webhooks::table).values(row).execute(conn)?;
    Ok(())
}

/// Nothing more is sent to the endpoint; its deliveries stay.
pub fn deactivate(conn: &mut AnyConnection, id: &str) -> ApiResult<()> {
    diesel::update(webhooks::table.find(id))
        .set((webhooks::active.eq(false), webhooks::updated_at.eq(crate::db::now())))
        .execute(conn)?;
    Ok(())
}

/// A page of an endpoint's deliveries, newest first, before `after`.
pub fn deliveries(
    conn: &mut AnyConnection,
    webhook_id: &str,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<DeliveryRow>> {
    let mut q = webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(webhook_id)).into_boxed();
    if let Some(after) = after {
        q = q.filter(webhook_deliveries::id.lt(after));
    }
    Ok(q.order(webhook_deliveries::id.desc()).limit(fetch).select(DeliveryRow::as_select()).load(conn)?)
}

pub fn find_delivery(conn: &mut AnyConnection, webhook_id: &str, delivery_id: &str) -> ApiResult<DeliveryRow> {
    webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(delivery_id))
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("webhook delivery"))
}

/// Queues a delivery again at `at`, with a fresh set of retries.
pub fn queue_again(conn: &mut AnyConnection, delivery_id: &str, at: chrono::NaiveDateTime) -> ApiResult<()> {
    diesel::update(webhook_deliveries::table.find(delivery_id))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, organization_id: &OrganizationId, id: &str) -> ApiResult<WebhookRow> {
    webhooks::table
        .filter(webhooks::id.eq(id))
        .filter(webhooks::organization_id.eq(organization_id))
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("webhook"))
}

/// Starts the organisation's cursor at its sealed head, so that a new endpoint gets the events
/// from now on, not the organisation's history. Runs in the registering transaction.
pub fn ensure_cursor(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<()> {
    crate::db::lock_organization(conn, organization_id)?;
    let exists = webhook_cursors::table.find(organization_id).count().get_result::<i64>(conn)? > 0;
    if !exists {
        let head: i64 = audit_heads::table
            .find(organization_id.as_str())
            .select(audit_heads::seq)
            .first(conn)
            .optional()?
            .unwrap_or(0);
        diesel::insert_into(webhook_cursors::table)
            .values((webhook_cursors::organization_id.eq(organization_id), webhook_cursors::seq.eq(head)))
            .execute(conn)?;
    }
    Ok(())
}

/// Events read per dispatch transaction.
const DISPATCH_BATCH: i64 = 500;

/// An audit event as the dispatcher reads it: id, seq, time, action, resource type and id, after.
type EventRow = (String, i64, chrono::NaiveDateTime, String, String, String, Option<String>);

#[derive(QueryableByName)]
struct CursorRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
}

/// Turns the organisation's sealed events past its cursor into deliveries and moves the cursor,
/// in the caller's write transaction. `None` when another instance is dispatching it.
pub fn dispatch_batch(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<Option<usize>> {
    let cursor: Option<i64> = match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query("SELECT seq FROM webhook_cursors WHERE organization_id = $1 FOR UPDATE SKIP LOCKED")
                .bind::<diesel::sql_types::Text, _>(organization_id.as_str())
                .get_result::<CursorRow>(pg)
                .optional()?
                .map(|r| r.seq)
        }
        // The write transaction holds SQLite's one write lock already.
        AnyConnection::Sqlite(_) => {
            webhook_cursors::table.find(organization_id).select(webhook_cursors::seq).first(conn).optional()?
        }
    };
    let Some(cursor) = cursor else { return Ok(None) };
    let events: Vec<EventRow> = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id.as_str()))
        .filter(audit_events::seq.gt(cursor))
        .order(audit_events::seq.asc())
        .limit(DISPATCH_BATCH)
        .select((
            audit_events::id,
            audit_events::seq.assume_not_null(),
            audit_events::occurred_at,
            audit_events::action,
            audit_events::resource_type,
            audit_events::resource_id,
            audit_events::after_state,
        ))
        .load(conn)?;
    let Some(last) = events.last().map(|e| e.1) else { return Ok(Some(0)) };
    let endpoints: Vec<WebhookRow> = webhooks::table
        .filter(webhooks::organization_id.eq(organization_id))
        .filter(webhooks::active.eq(true))
        .select(WebhookRow::as_select())
        .load(conn)?;
    let now = crate::db::now();
    let mut created = 0;
    for (event_id, _, occurred_at, action, resource_type, resource_id, after) in &events {
        let Some(kind) = event_type(action, after.as_deref()) else { continue };
        for endpoint in &endpoints {
            // An endpoint gets what happened after it was registered.
            if !endpoint.event_types.values().contains(&kind) || *occurred_at < endpoint.created_at {
                continue;
            }
            let payload = serde_json::json!({
                "type": kind.as_str(),
                "timestamp": occurred_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "data": {
                    "event_id": event_id,
                    "organization_id": organization_id,
                    "resource_type": resource_type,
                    "resource_id": resource_id,
                },
            });
            diesel::insert_into(webhook_deliveries::table)
                .values(DeliveryRow {
                    id: format!("msg_{}", new_id().replace('-', "")),
                    webhook_id: endpoint.id.clone(),
                    organization_id: organization_id.clone(),
                    event_id: event_id.clone(),
                    event_type: kind.as_str().to_string(),
                    payload: payload.to_string(),
                    status: DeliveryStatus::Pending,
                    attempts: 0,
                    next_attempt_at: now,
                    last_attempt_at: None,
                    last_status_code: None,
                    last_error: None,
                    delivered_at: None,
                    created_at: now,
                })
                .execute(conn)?;
            created += 1;
        }
    }
    diesel::update(webhook_cursors::table.find(organization_id)).set(webhook_cursors::seq.eq(last)).execute(conn)?;
    Ok(Some(created))
}

/// One dispatcher run over every organisation with a cursor. Returns the deliveries created.
pub fn dispatch(db: &Database) -> ApiResult<usize> {
    let organizations: Vec<OrganizationId> =
        db.read_blocking(|conn| Ok(webhook_cursors::table.select(webhook_cursors::organization_id).load(conn)?))?;
    let mut total = 0;
    for organization_id in organizations {
        loop {
            let org = organization_id.clone();
            match db.write_blocking(move |conn| dispatch_batch(conn, &org))? {
                Some(n) if n > 0 => total += n,
                // Caught up (or another instance holds it). A batch whose events matched nothing
                // still moved the cursor; the next run continues.
                _ => break,
            }
        }
    }
    Ok(total)
}

/// Deliveries claimed per sender run, and how long a claim keeps other instances off one.
const SEND_BATCH: i64 = 20;
const CLAIM: Duration = Duration::from_secs(60);

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Claims the due deliveries: each moves its next attempt a claim's length ahead, so that no
/// other instance sends it meanwhile (a sender that dies leaves it due again after the claim).
fn claim_due(conn: &mut AnyConnection, now: chrono::NaiveDateTime) -> ApiResult<Vec<(DeliveryRow, WebhookRow)>> {
    let ids: Vec<String> = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        )
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .bind::<diesel::sql_types::BigInt, _>(SEND_BATCH)
        .load::<IdRow>(pg)?
        .into_iter()
        .map(|r| r.id)
        .collect(),
        AnyConnection::Sqlite(_) => webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .order(webhook_deliveries::next_attempt_at.asc())
            .limit(SEND_BATCH)
            .select(webhook_deliveries::id)
            .load(conn)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let claimed_until = now + chrono::Duration::from_std(CLAIM).map_err(ApiError::internal)?;
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set(webhook_deliveries::next_attempt_at.eq(claimed_until))
        .execute(conn)?;
    Ok(webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .select((DeliveryRow::as_select(), WebhookRow::as_select()))
        .load(conn)?)
}

/// What one attempt gave.
struct Outcome {
    status_code: Option<i32>,
    error: Option<String>,
}

async fn post(sender: &Sender, delivery: &DeliveryRow, endpoint: &WebhookRow, now: i64) -> Outcome {
    let body = delivery.payload.clone().into_bytes();
    let Some(signed) = signature(&endpoint.secret, &delivery.id, now, &body) else {
        return Outcome { status_code: None, error: Some("the stored secret is not valid base64".into()) };
    };
    // Checked again now, on the address the name resolves to now (see `target`).
    let request = match sender.post(&endpoint.url) {
        Ok(request) => request,
        Err(refused) => return Outcome { status_code: None, error: Some(refused) },
    };
    let request = request
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signed)
        .body(body);
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            Outcome { status_code: Some(i32::from(response.status().as_u16())), error: None }
        }
        Ok(response) => Outcome {
            status_code: Some(i32::from(response.status().as_u16())),
            error: Some(format!("the endpoint answered {}", response.status())),
        },
        Err(e) => Outcome { status_code: None, error: Some(describe_failure(&e)) },
    }
}

/// One sender run: claims the deliveries due at `now`, posts them, records each outcome (a
/// failure, a refused address included, is retried after [`backoff`], up to [`MAX_ATTEMPTS`]).
/// Returns how many were attempted.
pub async fn send_due(
    db: &Database,
    sender: &Sender,
    retry_base: Duration,
    now: chrono::NaiveDateTime,
) -> ApiResult<usize> {
    let claimed = db.write(move |conn| claim_due(conn, now)).await?;
    let count = claimed.len();
    for (delivery, endpoint) in claimed {
        let outcome = post(sender, &delivery, &endpoint, now.and_utc().timestamp()).await;
        let attempts = delivery.attempts + 1;
        let (status, next, delivered_at) = match &outcome.error {
            None => (DeliveryStatus::Delivered, now, Some(now)),
            Some(_) if attempts >= MAX_ATTEMPTS => (DeliveryStatus::Failed, now, None),
            Some(_) => {
                let wait = chrono::Duration::from_std(backoff(retry_base, attempts)).map_err(ApiError::internal)?;
                (DeliveryStatus::Pending, now + wait, None)
            }
        };
        let id = delivery.id.clone();
        db.write(move |conn| {
            diesel::update(webhook_deliveries::table.find(&id))
                .set((
                    webhook_deliveries::status.eq(status),
                    webhook_deliveries::attempts.eq(attempts),
                    webhook_deliveries::next_attempt_at.eq(next),
                    webhook_deliveries::last_attempt_at.eq(Some(now)),
                    webhook_deliveries::last_status_code.eq(outcome.status_code),
                    webhook_deliveries::last_error.eq(outcome.error),
                    webhook_deliveries::delivered_at.eq(delivered_at),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await?;
    }
    Ok(count)
}

/// How often the server's dispatcher and sender run.
pub const INTERVAL: Duration = Duration::from_millis(500);

/// The server's dispatcher and sender, until the server stops. Every instance runs one; the
/// cursor lock and the claims keep them from doing the same work twice.
pub async fn run(db: Database, sender: Sender, retry_base: Duration) {
    loop {
        actix_web::rt::time::sleep(INTERVAL).await;
        let dispatcher = db.clone();
        match actix_web::web::block(move || dispatch(&dispatcher)).await {
            Ok(Err(e)) => log::error!("dispatching webhooks failed (retried next run): {e}"),
            Err(e) => log::error!("the webhook dispatcher could not run: {e}"),
            Ok(Ok(_)) => {}
        }
        if let Err(e) = send_due(&db, &sender, retry_base, crate::db::now()).await {
            log::error!("sending webhooks failed (retried next run): {e}");
        }
    }
}
