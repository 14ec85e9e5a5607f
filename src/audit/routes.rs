//! Reading, exporting and verifying the audit trail (admins and auditors of the organisation).
//! The trail lists sealed events (those in the chain, with their position); a read seals the
//! organisation's pending events first, so it shows every event committed before the request.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::seal::{seal_organization, IfBusy};
use super::{verify_chain, verify_range, AuditEventRow, ChainVerification};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{audit_events, audit_heads, employees, organizations, peer_assignments};
use crate::db::{AnyConnection, Database};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{Page, PageRequest};
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
    seal_before_reading(&state.db, &org).await?;
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
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.seq.unwrap_or_default().to_string(), AuditEventView::from)))
}

/// Seals the organisation's pending events (waiting for a sealer at work), so that a read shows
/// every event committed before it.
async fn seal_before_reading(db: &Database, organization_id: &str) -> ApiResult<()> {
    let (db, org) = (db.clone(), organization_id.to_string());
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
    /// JSON Lines: one event (as listed) per line.
    Jsonl,
    /// RFC 4180 CSV with a header row, UTF-8 with a byte-order mark.
    Csv,
}

impl ExportFormat {
    const JSONL_TYPE: &'static str = "application/jsonl";

    /// The `format` parameter, else the first of `Accept` that names one, else JSON Lines.
    fn choose(format: Option<ExportFormat>, req: &HttpRequest) -> ExportFormat {
        if let Some(format) = format {
            return format;
        }
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        for kind in accept.split(',').map(|k| k.split(';').next().unwrap_or("").trim()) {
            match kind {
                "text/csv" => return ExportFormat::Csv,
                Self::JSONL_TYPE | "application/x-ndjson" => return ExportFormat::Jsonl,
                _ => {}
            }
        }
        ExportFormat::Jsonl
    }

    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => Self::JSONL_TYPE,
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
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

/// The CSV columns of an export, in order.
const CSV_COLUMNS: [&str; 15] = [
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

/// Events exported per query: the export holds one page in memory at a time.
const EXPORT_PAGE: i64 = 500;

/// Where an export stands between pages.
struct ExportCursor {
    after_seq: i64,
    last_seq: i64,
    first_page: bool,
}

/// Serialises one page of events.
fn export_page(format: ExportFormat, rows: Vec<AuditEventRow>, header_row: bool) -> ApiResult<Vec<u8>> {
    let mut out = Vec::with_capacity(rows.len() * 512);
    match format {
        ExportFormat::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut out, &AuditEventView::from(row)).map_err(ApiError::internal)?;
                out.push(b'\n');
            }
        }
        ExportFormat::Csv => {
            if header_row {
                out.extend_from_slice("\u{feff}".as_bytes());
            }
            let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(&mut out);
            if header_row {
                csv.write_record(CSV_COLUMNS).map_err(ApiError::internal)?;
            }
            let time = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
            for row in rows {
                csv.write_record([
                    row.seq.map(|s| s.to_string()).unwrap_or_default(),
                    row.id,
                    time(row.occurred_at),
                    row.actor_kind.to_string(),
                    row.actor_id,
                    row.action,
                    row.resource_type,
                    row.resource_id,
                    row.before_state.unwrap_or_default(),
                    row.after_state.unwrap_or_default(),
                    row.request_id.unwrap_or_default(),
                    row.content_hash.unwrap_or_default(),
                    row.prev_hash.unwrap_or_default(),
                    row.hash.unwrap_or_default(),
                    row.sealed_at.map(time).unwrap_or_default(),
                ])
                .map_err(ApiError::internal)?;
            }
            csv.flush().map_err(ApiError::internal)?;
        }
    }
    Ok(out)
}

/// Exports the organisation's trail written in a time range, oldest position first, as JSON Lines
/// or CSV, streamed page by page (the server holds one page at a time, whatever the range). The
/// events are those sealed when the export starts (pending ones are sealed first); like the list,
/// it leaves out the events of peer ratings about the caller or the caller's direct reports. Each
/// event carries its position and hashes, so the chain can be re-checked from the file.
#[utoipa::path(
    tag = "audit",
    params(ExportQuery),
    responses(
        (status = 200, description = "The events, one per line (JSON Lines) or row (CSV)",
            content((AuditEventView = "application/jsonl"), (String = "text/csv")),
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
    authorize(&caller, Permission::ReadAudit { organization_id: &caller.organization_id })?;
    let query = query.0;
    let format = ExportFormat::choose(query.format, &req);
    let range = TimeRange { from: query.from, to: query.to };
    let (from, to) = range.bounds()?;
    let org = caller.organization_id.clone();
    seal_before_reading(&state.db, &org).await?;
    let (org_code, hidden, first_seq, last_seq) = state
        .db
        .read({
            let org = org.clone();
            move |conn| {
                let code: String = organizations::table.find(&org).select(organizations::code).first(conn)?;
                let head: i64 = audit_heads::table.find(&org).select(audit_heads::seq).first(conn)?;
                let (first, last): (Option<i64>, Option<i64>) = audit_events::table
                    .filter(audit_events::organization_id.eq(&org))
                    .filter(audit_events::occurred_at.ge(from))
                    .filter(audit_events::occurred_at.lt(to))
                    .filter(audit_events::seq.le(head))
                    .select((diesel::dsl::min(audit_events::seq), diesel::dsl::max(audit_events::seq)))
                    .first(conn)?;
                Ok((code, peer_assignments_about(conn, &caller)?, first.unwrap_or(1), last.unwrap_or(0)))
            }
        })
        .await?;
    let hidden = std::sync::Arc::new(hidden);
    let db = state.db.clone();
    let start = ExportCursor { after_seq: first_seq - 1, last_seq, first_page: true };
    let pages = futures_util::stream::unfold(Some(start), move |cursor| {
        let (db, org, hidden) = (db.clone(), org.clone(), hidden.clone());
        async move {
            let cursor = cursor?;
            let after = cursor.after_seq;
            let rows = db
                .read(move |conn| {
                    let mut q = audit_events::table
                        .filter(audit_events::organization_id.eq(org))
                        .filter(audit_events::seq.gt(after))
                        .filter(audit_events::seq.le(cursor.last_seq))
                        .filter(audit_events::occurred_at.ge(from))
                        .filter(audit_events::occurred_at.lt(to))
                        .into_boxed();
                    if !hidden.is_empty() {
                        q = q.filter(audit_events::resource_id.ne_all(hidden.as_slice()));
                    }
                    Ok(q.order(audit_events::seq.asc())
                        .limit(EXPORT_PAGE)
                        .select(AuditEventRow::as_select())
                        .load(conn)?)
                })
                .await;
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    // The status line is sent already: end the body short so the client sees a
                    // broken transfer rather than a complete-looking file.
                    log::error!("audit export stopped: {e}");
                    return Some((Err(actix_web::error::ErrorInternalServerError(e.to_string())), None));
                }
            };
            let full = rows.len() as i64 == EXPORT_PAGE;
            let next_after = rows.last().and_then(|r| r.seq).unwrap_or(cursor.last_seq);
            if rows.is_empty() && !cursor.first_page {
                return None;
            }
            let bytes = match export_page(format, rows, cursor.first_page) {
                Ok(bytes) => web::Bytes::from(bytes),
                Err(e) => return Some((Err(actix_web::error::ErrorInternalServerError(e.to_string())), None)),
            };
            let next =
                full.then_some(ExportCursor { after_seq: next_after, last_seq: cursor.last_seq, first_page: false });
            Some((Ok(bytes), next))
        }
    });
    let stamp = |t: Option<chrono::DateTime<chrono::Utc>>, open: &str| {
        t.map(|t| t.format("%Y%m%dT%H%M%SZ").to_string()).unwrap_or_else(|| open.to_string())
    };
    let file_name = format!(
        "audit-{}-{}-{}.{}",
        org_code.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>(),
        stamp(query.from, "start"),
        stamp(query.to, "now"),
        format.extension()
    );
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(file_name)],
        })
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(pages))
}
