//! Reading, exporting and verifying the audit trail (admins and auditors of the organisation; the
//! export, a report, also portals with `reports:read`).
//! The trail lists sealed events (those in the chain, with their position); a read seals the
//! organisation's pending events first, so it shows every event committed before the request.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::seal::{seal_organization, IfBusy};
use super::store;
use super::{verify_chain, verify_range, AuditEventRow, ChainVerification};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::OrganizationId;
use crate::db::{AnyConnection, Database};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{Page, PageRequest};
use crate::reports::format::{file_stem, respond, Cell, Report, ReportFormat, ReportText, Tabular, FILE_PAGE};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_events).service(export_events).service(verify);
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
    /// SHA-256 of the event's content, taken when it was written (absent on events written
    /// before sealing existed).
    pub content_hash: Option<String>,
    /// The hash of the event before it in the chain (64 zeros before the first).
    pub prev_hash: String,
    /// The event's link in the chain: covers `prev_hash`, `seq` and the content.
    pub hash: String,
    /// When the sealer linked it into the chain (absent on events chained as they were written).
    pub sealed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<AuditEventRow> for AuditEventView {
    /// Of a sealed event: the trail reads only those.
    fn from(row: AuditEventRow) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEventView {
            id: row.id,
            seq: row.seq.unwrap_or_default(),
            occurred_at: row.occurred_at.and_utc(),
            actor_kind: row.actor_kind.to_string(),
            actor_id: row.actor_id,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            before: parse(row.before_state),
            after: parse(row.after_state),
            request_id: row.request_id,
            content_hash: row.content_hash,
            prev_hash: row.prev_hash.unwrap_or_default(),
            hash: row.hash.unwrap_or_default(),
            sealed_at: row.sealed_at.map(|t| t.and_utc()),
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
    match caller.employee_id() {
        Some(me) => store::peer_assignments_about(conn, me),
        None => Ok(Vec::new()),
    }
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
    seal_before_reading(&state.db, &org).await?;
    let fetch = page.fetch_limit();
    let rows = state
        .db
        .read(move |conn| {
            let hidden = peer_assignments_about(conn, &caller)?;
            let filter = store::EventFilter {
                resource_type: query.resource_type,
                resource_id: query.resource_id,
                actor_id: query.actor_id,
                since: query.since.map(|t| t.naive_utc()),
            };
            store::events(conn, &org, after_seq, hidden, filter, fetch)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.seq.unwrap_or_default().to_string(), AuditEventView::from)))
}

/// Seals the organisation's pending events (waiting for a sealer at work), so that a read shows
/// every event committed before it.
async fn seal_before_reading(db: &Database, organization_id: &OrganizationId) -> ApiResult<()> {
    let (db, org) = (db.clone(), organization_id.clone());
    web::block(move || seal_organization(&db, &org, IfBusy::Wait)).await??;
    Ok(())
}

/// A time range of the trail: `[from, to)`, either end open when absent.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeRange {
    /// Events written at or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Events written before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl TimeRange {
    fn is_given(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// The range's ends, the open ones replaced by years before and after any event. (Four-digit
    /// years: SQLite compares timestamps as text.)
    fn bounds(&self) -> ApiResult<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
        let year = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let from = self.from.map(|t| t.naive_utc()).or_else(|| year(1000)).unwrap_or_default();
        let to = self.to.map(|t| t.naive_utc()).or_else(|| year(9999)).unwrap_or_default();
        if from >= to {
            return Err(ApiError::field("to", "range", "must be after from"));
        }
        Ok((from, to))
    }
}

/// Recomputes the organisation's hash chain and reports whether any event was altered, inserted
/// or removed; with `from` and/or `to`, only the part written in that time range (each of its
/// events, the link to the event before it and the link of the event after it), naming the first
/// broken event. Events not sealed yet are counted and checked against their content hashes.
#[utoipa::path(
    tag = "audit",
    params(TimeRange),
    responses(
        (status = 200, description = "The verification result", body = ChainVerification),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: Caller,
    range: ValidatedQuery<TimeRange>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadAudit { organization_id: &caller.organization_id })?;
    let range = range.0;
    let bounds = range.is_given().then(|| range.bounds()).transpose()?;
    let org = caller.organization_id.clone();
    let result = state
        .db
        .read(move |conn| match bounds {
            Some((from, to)) => verify_range(conn, &org, from, to),
            None => verify_chain(conn, &org),
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// JSON Lines (`application/jsonl`): one event (as listed) per line.
    Jsonl,
    /// RFC 4180 CSV with a header row, UTF-8 with a byte-order mark.
    Csv,
}

impl From<ExportFormat> for ReportFormat {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Jsonl => ReportFormat::Jsonl,
            ExportFormat::Csv => ReportFormat::Csv,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Events written at or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Events written before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// `jsonl` or `csv`; without it, `Accept` decides (`text/csv`, `application/jsonl`), else JSON Lines.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// One exported event: as listed (JSON Lines), and in CSV with its stored `before` and `after`
/// text as written, so that the content hash can be recomputed from the file.
pub struct ExportedEvent {
    view: AuditEventView,
    before: Option<String>,
    after: Option<String>,
}

impl From<AuditEventRow> for ExportedEvent {
    fn from(row: AuditEventRow) -> Self {
        let (before, after) = (row.before_state.clone(), row.after_state.clone());
        ExportedEvent { view: AuditEventView::from(row), before, after }
    }
}

impl Serialize for ExportedEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view.serialize(serializer)
    }
}

impl Tabular for ExportedEvent {
    const COLUMNS: &'static [&'static str] = &[
        "seq",
        "id",
        "occurred_at",
        "actor_kind",
        "actor_id",
        "action",
        "resource_type",
        "resource_id",
        "before",
        "after",
        "request_id",
        "content_hash",
        "prev_hash",
        "hash",
        "sealed_at",
    ];
    const SHEET: &'static str = "Audit";

    fn cells(&self) -> Vec<Cell> {
        let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        let e = &self.view;
        vec![
            e.seq.into(),
            e.id.as_str().into(),
            time(e.occurred_at).into(),
            e.actor_kind.as_str().into(),
            e.actor_id.as_str().into(),
            e.action.as_str().into(),
            e.resource_type.as_str().into(),
            e.resource_id.as_str().into(),
            self.before.clone().into(),
            self.after.clone().into(),
            e.request_id.clone().into(),
            e.content_hash.clone().into(),
            e.prev_hash.as_str().into(),
            e.hash.as_str().into(),
            e.sealed_at.map(time).into(),
        ]
    }
}

/// Exports the organisation's trail written in a time range, oldest position first, as JSON Lines
/// or CSV, through the reports' format layer: streamed page by page from one read transaction
/// (one snapshot; the server holds a few pages at a time, whatever the range). The events are
/// those sealed when the export starts (pending ones are sealed first); like the list, it leaves
/// out the events of peer ratings about the caller or the caller's direct reports. Each event
/// carries its position and hashes, so the chain can be re-checked from the file. Admins and
/// auditors, and portals with `reports:read`, as every report.
#[utoipa::path(
    tag = "audit",
    params(ExportQuery),
    responses(
        (status = 200, description = "The events, one per line (JSON Lines) or row (CSV)",
            content((AuditEventView = "application/jsonl"), (ReportText = "text/csv")),
            headers(("Content-Disposition" = String, description = "attachment, with a file name naming the organisation and the range"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/export")]
pub async fn export_events(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: ValidatedQuery<ExportQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadReports { organization_id: &caller.organization_id })?;
    let query = query.0;
    let offered = [ReportFormat::Jsonl, ReportFormat::Csv];
    let format =
        ReportFormat::negotiate_among(query.format.map(Into::into), &req, &offered).unwrap_or(ReportFormat::Jsonl);
    let range = TimeRange { from: query.from, to: query.to };
    let (from, to) = range.bounds()?;
    let org = caller.organization_id.clone();
    seal_before_reading(&state.db, &org).await?;
    let (org_code, hidden, first_seq, last_seq) = state
        .db
        .read({
            let org = org.clone();
            move |conn| {
                let (code, first, last) = store::sealed_range(conn, &org, from, to)?;
                Ok((code, peer_assignments_about(conn, &caller)?, first, last))
            }
        })
        .await?;
    // Pages by position within the sealed range found above: events at those positions never
    // change, so the pages join up whatever the sealer does meanwhile.
    let pages = std::sync::Arc::new(move |conn: &mut AnyConnection, page: &PageRequest| {
        let after = page.after_number::<i64>()?.unwrap_or(first_seq - 1);
        let rows = store::range_page(conn, &org, after, last_seq, from, to, &hidden, page.fetch_limit())?;
        Ok(page.page(rows, |r| r.seq.unwrap_or_default().to_string(), ExportedEvent::from))
    });
    let stamp = |t: Option<chrono::DateTime<chrono::Utc>>, open: &str| {
        t.map(|t| t.format("%Y%m%dT%H%M%SZ").to_string()).unwrap_or_else(|| open.to_string())
    };
    let file_stem = file_stem(&["audit", &org_code, &stamp(query.from, "start"), &stamp(query.to, "now")]);
    let first = PageRequest { limit: FILE_PAGE, after: None };
    respond(&state.db, format, first, Report { pages, file_stem }).await
}
