//! The report endpoints: each checks who asks and what, then hands a page function to the
//! format layer.

use std::sync::Arc;

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::format::{file_stem, respond, Report, ReportFile, ReportFormat, ReportText};
use super::store::{self, CitizenReport, ScoreReport};
use super::{
    CitizenReportQuery, CitizenReportRow, DistributionReportQuery, DistributionReportRow, ReportInclude,
    ScoreReportQuery, ScoreReportRow,
};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::{OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedQuery;
use crate::organizations::OrganizationRow;
use crate::pagination::{Page, PageRequest};
use crate::scores::store as scores;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(score_report).service(distribution_report).service(citizen_report);
}

/// The organisation, once the caller may read its reports.
fn organization(conn: &mut AnyConnection, caller: &Caller, id: &OrganizationId) -> ApiResult<OrganizationRow> {
    authorize(caller, Permission::ReadReports { organization_id: id })?;
    crate::organizations::find(conn, id)
}

/// The named unit of the organisation (`404` for another's) and, if asked, its subtree.
fn units_of(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    unit_id: &UnitId,
    with_sub_units: bool,
) -> ApiResult<(String, Vec<UnitId>)> {
    let unit = crate::units::find(conn, unit_id)?;
    if unit.organization_id != *organization_id {
        return Err(ApiError::NotFound("unit"));
    }
    let ids = if with_sub_units { scores::subtree(conn, organization_id, &unit.id)? } else { vec![unit.id] };
    Ok((unit.code, ids))
}

/// The organisation's date, for file names.
fn today(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<String> {
    Ok(crate::organizations::date_at(conn, organization_id, chrono::Utc::now())?.to_string())
}

/// The score table: one row per employee of the organisation, or of a unit (with or without its
/// sub-units), for the year or a sub-period, optionally of one predicate, ordered by NIP. Each row
/// gives NIP, name, position, unit, supervisor, nilai hasil kerja, behaviour, citizen index,
/// nilai kinerja, the suggested and final ratings, the predicate, whether the score is live or
/// frozen, and the policy version; with `include=inputs` (JSON and JSON Lines) every input of
/// the score, so that it can be computed again (`docs/rederive.py`).
///
/// Served as a JSON page, or as a file of every row (`Content-Disposition: attachment`, named
/// after the organisation, period and date): CSV (UTF-8 with a byte-order mark, a header row,
/// RFC 4180 quoting, streamed), XLSX (numbers as numbers, the header row frozen) or JSON Lines
/// (streamed). Chosen by `format`, else by `Accept`. Admins and auditors of the organisation,
/// and portals with `reports:read`.
#[utoipa::path(
    tag = "reports",
    params(("id" = String, Path, description = "Organisation id"), ScoreReportQuery),
    responses(
        (status = 200, description = "A page of rows, or every row as a file",
            content(
                (Page<ScoreReportRow> = "application/json"),
                (ReportText = "text/csv"),
                (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ReportText = "application/jsonl"),
            ),
            headers(("Content-Disposition" = String, description = "Files: attachment, with the file name"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}/reports/scores")]
pub async fn score_report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<OrganizationId>,
    query: ValidatedQuery<ScoreReportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let format = ReportFormat::negotiate(query.format, &req);
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let clock = state.clock;
    let (report, file_stem) = state
        .db
        .read(move |conn| {
            let org = organization(conn, &caller, &id)?;
            let scope = scores::scope(conn, &org.id, &query.period_id, query.sub_period_id.as_deref(), clock)?;
            let (unit_code, unit_ids) = match &query.unit_id {
                Some(unit_id) => {
                    let (code, ids) = units_of(conn, &org.id, unit_id, query.include_sub_units.unwrap_or(false))?;
                    (code, Some(ids))
                }
                None => (String::new(), None),
            };
            let predikat = query.predikat.map(|p| p.as_str()).unwrap_or("");
            let stem =
                file_stem(&[&org.code, "skor", &scope.view().label, &unit_code, predikat, &today(conn, &org.id)?]);
            let with_inputs = query.include == Some(ReportInclude::Inputs);
            let supervisor_on = store::supervisor_day(conn, &scope)?;
            let report = ScoreReport {
                scope,
                unit_ids,
                predikat: query.predikat,
                snapshot: query.snapshot,
                with_inputs,
                supervisor_on,
            };
            Ok((report, stem))
        })
        .await?;
    let pages = Arc::new(move |conn: &mut AnyConnection, page: &PageRequest| store::score_page(conn, &report, page));
    respond(&state.db, format, page, Report { pages, file_stem }).await
}

/// The predicate distribution of the period (or one sub-period): the organisation's row, then
/// one row per unit with anyone counted (everyone in the unit and its sub-units), by unit name.
/// Each gives every predicate's count and share beside what the curve of the organisation's own
/// rating allows (the policy's curve, default SE MenPANRB 3/2023), whether it fits and each broken
/// constraint named ("baik 80% > 70% allowed"). Only ratings that stand count, unless
/// `include_provisional`. Served as a JSON page or as a CSV, XLSX or JSON Lines file, as the score
/// table. Admins and auditors of the organisation, and portals with `reports:read`; `409` until
/// the organisation's rating is recorded.
#[utoipa::path(
    tag = "reports",
    params(("id" = String, Path, description = "Organisation id"), DistributionReportQuery),
    responses(
        (status = 200, description = "A page of rows, or every row as a file",
            content(
                (Page<DistributionReportRow> = "application/json"),
                (ReportText = "text/csv"),
                (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ReportText = "application/jsonl"),
            ),
            headers(("Content-Disposition" = String, description = "Files: attachment, with the file name"))),
        (status = 409, response = crate::error::responses::Conflict),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}/reports/distribution")]
pub async fn distribution_report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<OrganizationId>,
    query: ValidatedQuery<DistributionReportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let format = ReportFormat::negotiate(query.format, &req);
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let clock = state.clock;
    let (rows, file_stem) = state
        .db
        .read(move |conn| {
            let org = organization(conn, &caller, &id)?;
            let scope = scores::scope(conn, &org.id, &query.period_id, query.sub_period_id.as_deref(), clock)?;
            let provisional = query.include_provisional.unwrap_or(false);
            let rows = store::distribution_rows(conn, &scope, (&org.code, &org.name), provisional)?;
            let stem = file_stem(&[&org.code, "distribusi", &scope.view().label, &today(conn, &org.id)?]);
            Ok((Arc::new(rows), stem))
        })
        .await?;
    let pages = Arc::new(move |_: &mut AnyConnection, page: &PageRequest| Ok(store::page_of(&rows, page)));
    respond(&state.db, format, page, Report { pages, file_stem }).await
}

/// The citizen-index report: the SKM index, band, element means and number of responses of the
/// organisation as a whole (every rating of its service units together) and of each service unit,
/// for the year and each of its sub-periods (or of the service units in a unit's subtree only). Served as a JSON page or as a CSV, XLSX or JSON Lines file, as
/// the score table. Admins and auditors of the organisation, and portals with `reports:read`.
#[utoipa::path(
    tag = "reports",
    params(("id" = String, Path, description = "Organisation id"), CitizenReportQuery),
    responses(
        (status = 200, description = "A page of rows, or every row as a file",
            content(
                (Page<CitizenReportRow> = "application/json"),
                (ReportText = "text/csv"),
                (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ReportText = "application/jsonl"),
            ),
            headers(("Content-Disposition" = String, description = "Files: attachment, with the file name"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}/reports/citizen-index")]
pub async fn citizen_report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<OrganizationId>,
    query: ValidatedQuery<CitizenReportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let format = ReportFormat::negotiate(query.format, &req);
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let clock = state.clock;
    let (report, file_stem) = state
        .db
        .read(move |conn| {
            let org = organization(conn, &caller, &id)?;
            let scope = scores::scope(conn, &org.id, &query.period_id, None, clock)?;
            let (unit_code, within) = match &query.unit_id {
                Some(unit_id) => {
                    let (code, ids) = units_of(conn, &org.id, unit_id, true)?;
                    (code, Some(ids))
                }
                None => (String::new(), None),
            };
            let organization = within.is_none().then(|| (org.code.clone(), org.name.clone()));
            let service_units = store::service_units(conn, &org.id, within)?;
            let sub_periods = store::sub_periods_of(conn, &scope.period.id)?;
            let stem = file_stem(&[
                &org.code,
                "indeks-skm",
                &scope.period.year.to_string(),
                &unit_code,
                &today(conn, &org.id)?,
            ]);
            Ok((CitizenReport { period: scope.period, sub_periods, units: service_units, organization }, stem))
        })
        .await?;
    let pages = Arc::new(move |conn: &mut AnyConnection, page: &PageRequest| store::citizen_page(conn, &report, page));
    respond(&state.db, format, page, Report { pages, file_stem }).await
}
