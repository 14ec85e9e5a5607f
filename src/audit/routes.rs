//! Reading and verifying the audit trail (admins and auditors of the organisation).

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{verify_chain, AuditEventRow, ChainVerification};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{audit_events, employees, peer_assignments};
use crate::db::AnyConnection;
use crate::error::{problems, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_events).service(verify);
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: String,
    /// Position in the organisation's chain, from 1.
    pub seq: i64,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// `employee`, `service_client` or `cli`.
    pub actor_kind: String,
    pub actor_id: String,
    /// What was done, e.g. `unit.create`, `employee.update`, `auth.login`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditEventRow> for AuditEventView {
    fn from(row: AuditEventRow) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEventView {
            id: row.id,
            seq: row.seq,
            occurred_at: row.occurred_at.and_utc(),
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            before: parse(row.before_state),
            after: parse(row.after_state),
            request_id: row.request_id,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `unit`, `employee`.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub resource_type: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub resource_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub actor_id: Option<String>,
    /// Only events at or after this time (RFC 3339).
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Peer assignments whose rated employee is the caller or one of the caller's direct reports.
/// Their events (who was assigned, who answered and when) are left out of what the caller reads:
/// the rated employee and their supervisor never learn who rated, even when they are admins or
/// auditors.
fn peer_assignments_about(conn: &mut AnyConnection, caller: &Caller) -> ApiResult<Vec<String>> {
    let Some(me) = caller.employee_id() else { return Ok(Vec::new()) };
    let mut ratees: Vec<String> =
        employees::table.filter(employees::supervisor_id.eq(me)).select(employees::id).load(conn)?;
    ratees.push(me.to_string());
    Ok(peer_assignments::table
        .filter(peer_assignments::ratee_id.eq_any(ratees))
        .select(peer_assignments::id)
        .load(conn)?)
}

/// The organisation's audit trail, oldest first. Events of peer ratings about the caller or the
/// caller's direct reports are left out, so that the trail never tells them who rated whom.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEventView>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/audit-events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    authorize(&caller, Permission::ReadAudit { organization_id: &caller.organization_id })?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let after_seq: i64 = page.after_number()?.unwrap_or(0);
    let org = caller.organization_id.clone();
    let fetch = page.fetch_limit();
    let rows = state
        .db
        .read(move |conn| {
            let hidden = peer_assignments_about(conn, &caller)?;
            let mut q = audit_events::table
                .filter(audit_events::organization_id.eq(org))
                .filter(audit_events::seq.gt(after_seq))
                .into_boxed();
            if !hidden.is_empty() {
                q = q.filter(audit_events::resource_id.ne_all(hidden));
            }
            if let Some(v) = query.resource_type {
                q = q.filter(audit_events::resource_type.eq(v));
            }
            if let Some(v) = query.resource_id {
                q = q.filter(audit_events::resource_id.eq(v));
            }
            if let Some(v) = query.actor_id {
                q = q.filter(audit_events::actor_id.eq(v));
            }
            if let Some(v) = query.since {
                q = q.filter(audit_events::occurred_at.ge(v.naive_utc()));
            }
            Ok(q.order(audit_events::seq.asc()).limit(fetch).select(AuditEventRow::as_select()).load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.seq.to_string(), AuditEventView::from)))
}

/// Recomputes the organisation's hash chain and reports whether any event was altered or removed.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The verification result", body = ChainVerification),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/verify")]
pub async fn verify(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadAudit { organization_id: &caller.organization_id })?;
    let org = caller.organization_id.clone();
    let result = state.db.read(move |conn| verify_chain(conn, &org)).await?;
    Ok(HttpResponse::Ok().json(result))
}
