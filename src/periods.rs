//! Evaluation periods: an organisation's year with monthly or quarterly sub-periods, moving
//! `planning → running → evaluating → closed`. A closed period is read-only until an admin
//! reopens it with a reason.

use std::collections::HashMap;

use actix_web::{get, http::header, post, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{periods, sub_periods};
use crate::db::types::OrganizationId;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::policy::EvaluationFrequency;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{etag, IdempotencyKey, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_periods).service(create_period).service(get_period);
}

crate::domain::text_enum! {
    /// Where a period is in the yearly cycle.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum PeriodStatus {
        /// Perencanaan: SKPs are drafted and approved.
        Planning = "planning",
        /// Pelaksanaan: achievements and feedback are recorded.
        Running = "running",
        /// Evaluasi: assessments and ratings are made.
        Evaluating = "evaluating",
        /// Closed: everything in the period is read-only and scores are frozen.
        Closed = "closed",
    }
}
crate::db::types::text_column!(PeriodStatus);

impl PeriodStatus {
    /// The one step forward from here, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            PeriodStatus::Planning => Some(PeriodStatus::Running),
            PeriodStatus::Running => Some(PeriodStatus::Evaluating),
            PeriodStatus::Evaluating => Some(PeriodStatus::Closed),
            PeriodStatus::Closed => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = periods)]
pub struct PeriodRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub year: i32,
    pub frequency: EvaluationFrequency,
    pub status: PeriodStatus,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sub_periods)]
pub struct SubPeriodRow {
    pub id: String,
    pub period_id: String,
    pub seq: i32,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A month or quarter of the year, the unit of periodic evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubPeriod {
    pub id: String,
    /// 1-4 for quarters, 1-12 for months.
    pub seq: i32,
    #[schema(example = "2026-Q1")]
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl From<SubPeriodRow> for SubPeriod {
    fn from(row: SubPeriodRow) -> Self {
        SubPeriod { id: row.id, seq: row.seq, label: row.label, starts_on: row.starts_on, ends_on: row.ends_on }
    }
}

/// An evaluation year of the organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub year: i32,
    pub frequency: EvaluationFrequency,
    pub status: PeriodStatus,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub sub_periods: Vec<SubPeriod>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Period {
    fn new(row: PeriodRow, subs: Vec<SubPeriodRow>) -> Self {
        Period {
            frequency: row.frequency,
            status: row.status,
            id: row.id,
            organization_id: row.organization_id,
            year: row.year,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            sub_periods: subs.into_iter().map(SubPeriod::from).collect(),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "frequency": "quarterly"}))]
pub struct NewPeriod {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Monthly or quarterly sub-periods; the scoring policy's choice when absent.
    pub frequency: Option<EvaluationFrequency>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "running"}))]
pub struct StatusChange {
    /// The next status, or `evaluating` to reopen a closed period.
    pub status: PeriodStatus,
    /// Required to reopen a closed period.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    pub year: Option<i32>,
    pub status: Option<PeriodStatus>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The sub-periods of a year: four quarters or twelve months.
pub fn sub_period_bounds(year: i32, frequency: EvaluationFrequency) -> Vec<(i32, String, NaiveDate, NaiveDate)> {
    let months_each = match frequency {
        EvaluationFrequency::Monthly => 1,
        EvaluationFrequency::Quarterly => 3,
    };
    (0..12 / months_each)
        .map(|i| {
            let first_month = (i * months_each + 1) as u32;
            let start = NaiveDate::from_ymd_opt(year, first_month, 1).expect("valid month");
            let end = if first_month + months_each as u32 > 12 {
                NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")
            } else {
                NaiveDate::from_ymd_opt(year, first_month + months_each as u32, 1)
                    .expect("valid month")
                    .pred_opt()
                    .expect("valid date")
            };
            let label = match frequency {
                EvaluationFrequency::Monthly => format!("{year}-{:02}", start.month()),
                EvaluationFrequency::Quarterly => format!("{year}-Q{}", i + 1),
            };
            (i + 1, label, start, end)
        })
        .collect()
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<PeriodRow> {
    periods::table.find(id).select(PeriodRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("period"))
}

/// The period for `year` in the organisation, if one was opened.
pub fn find_by_year(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    year: i32,
) -> ApiResult<Option<PeriodRow>> {
    Ok(periods::table
        .filter(periods::organization_id.eq(organization_id))
        .filter(periods::year.eq(year))
        .select(PeriodRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether the year's assessment is open: the period is `evaluating` or later, or its last day is
/// past. From then on peer and subordinate answers are final and their aggregates are shown;
/// before, a change in the means would tell who answered last and what.
pub fn assessment_open(period: &PeriodRow, today: NaiveDate) -> bool {
    period.status >= PeriodStatus::Evaluating || today > period.ends_on
}

/// Loads a period for a write inside it: refuses when the period is closed.
pub fn writable(conn: &mut AnyConnection, id: &str) -> ApiResult<PeriodRow> {
    let period = find(conn, id)?;
    refuse_if_closed(&period)?;
    Ok(period)
}

/// Refuses a write dated `on` (a citizen rating, a ticket for one) when the organisation's period
/// of that year is closed: its figures are final.
pub fn writable_on(conn: &mut AnyConnection, organization_id: &OrganizationId, on: NaiveDate) -> ApiResult<()> {
    match find_by_year(conn, organization_id, on.year())? {
        Some(period) => refuse_if_closed(&period),
        None => Ok(()),
    }
}

fn refuse_if_closed(period: &PeriodRow) -> ApiResult<()> {
    if period.status != PeriodStatus::Closed {
        return Ok(());
    }
    Err(ApiError::conflict(
        "period_closed",
        format!(
            "The {} period is closed; an admin must reopen it, with a reason, before anything in it changes",
            period.year
        ),
    ))
}

/// Opens `year` for planning with its sub-periods; the policy's frequency unless one is given.
pub fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    year: i32,
    frequency: Option<EvaluationFrequency>,
) -> ApiResult<Period> {
    if find_by_year(conn, organization_id, year)?.is_some() {
        return Err(ApiError::conflict("period_exists", format!("The {year} period already exists")));
    }
    let frequency = match frequency {
        Some(f) => f,
        None => crate::policies::current(conn, organization_id)?.1.evaluation_frequency,
    };
    let row = PeriodRow {
        id: new_id(),
        organization_id: organization_id.clone(),
        year,
        frequency,
        status: PeriodStatus::Planning,
        starts_on: NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"),
        ends_on: NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(periods::table).values(&row).execute(conn)?;
    let subs: Vec<SubPeriodRow> = sub_period_bounds(year, frequency)
        .into_iter()
        .map(|(seq, label, starts_on, ends_on)| SubPeriodRow {
            id: new_id(),
            period_id: row.id.clone(),
            seq,
            label,
            starts_on,
            ends_on,
        })
        .collect();
    // Batch inserts do not compile on the shared connection type: one row at a time.
    for sub in &subs {
        diesel::insert_into(sub_periods::table).values(sub).execute(conn)?;
    }
    let period = Period::new(row, subs);
    audit::record(conn, actor, organization_id, Change::new("period.create", "period", &period.id).after(&period))?;
    Ok(period)
}

fn load(conn: &mut AnyConnection, row: PeriodRow) -> ApiResult<Period> {
    let subs = sub_periods::table
        .filter(sub_periods::period_id.eq(&row.id))
        .order(sub_periods::seq.asc())
        .select(SubPeriodRow::as_select())
        .load(conn)?;
    Ok(Period::new(row, subs))
}

/// A page of an organisation's periods, newest year first (years before `before_year`), with
/// their sub-periods: two queries whatever the page size.
pub fn list(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    query: &PeriodQuery,
    before_year: Option<i32>,
    fetch: i64,
) -> ApiResult<Vec<Period>> {
    let mut q = periods::table.filter(periods::organization_id.eq(organization_id)).into_boxed();
    if let Some(before) = before_year {
        q = q.filter(periods::year.lt(before));
    }
    if let Some(year) = query.year {
        q = q.filter(periods::year.eq(year));
    }
    if let Some(status) = query.status {
        q = q.filter(periods::status.eq(status.as_str()));
    }
    let rows: Vec<PeriodRow> = q.order(periods::year.desc()).limit(fetch).select(PeriodRow::as_select()).load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut subs_of: HashMap<String, Vec<SubPeriodRow>> = HashMap::new();
    for sub in sub_periods::table
        .filter(sub_periods::period_id.eq_any(&ids))
        .order((sub_periods::period_id.asc(), sub_periods::seq.asc()))
        .select(SubPeriodRow::as_select())
        .load::<SubPeriodRow>(conn)?
    {
        subs_of.entry(sub.period_id.clone()).or_default().push(sub);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let subs = subs_of.remove(&row.id).unwrap_or_default();
            Period::new(row, subs)
        })
        .collect())
}

/// The organisation's periods, newest year first.
#[utoipa::path(
    tag = "periods",
    params(PeriodQuery),
    responses(
        (status = 200, description = "A page of periods", body = Page<Period>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods")]
pub async fn list_periods(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let after: Option<i32> = page.after_number()?;
    let (org, fetch) = (caller.organization_id.clone(), page.fetch_limit());
    let rows = state.db.read(move |conn| list(conn, &org, &query, after, fetch)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |p| p.year.to_string(), |p| p)))
}

/// Opens a year for planning (admins), with its sub-periods.
#[utoipa::path(
    tag = "periods",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewPeriod,
    responses(
        (status = 201, description = "Created", body = Period),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/periods")]
pub async fn create_period(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewPeriod>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let period = insert(conn, &caller.actor(), &caller.organization_id, input.year, input.frequency)?;
                Stored::new(actix_web::http::StatusCode::CREATED, &period)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One period with its sub-periods.
#[utoipa::path(
    tag = "periods",
    params(("id" = String, Path, description = "Period id")),
    responses(
        (status = 200, description = "The period", body = Period, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}")]
pub async fn get_period(state: web::Data<AppState>, caller: Caller, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let period = state
        .db
        .read(move |conn| {
            let row = find(conn, &id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &row.organization_id, record: "period" })?;
            load(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(period.version))).json(period))
}

/// Moves a period one step forward, or reopens a closed one with a reason (admins), audited.
/// `on_close` runs in the same transaction once the period is closed (it freezes the scores);
/// what it returns is recorded in the audit event under `on_close`. The route is
/// `scores::closing`'s, since closing freezes the scores and the scores read periods.
pub fn change_status<T: Serialize>(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    version: i32,
    input: &StatusChange,
    on_close: impl FnOnce(&mut AnyConnection, &PeriodRow) -> ApiResult<T>,
) -> ApiResult<Period> {
    let before = find(conn, id)?;
    authorize(caller, Permission::AdministerRecord { organization_id: &before.organization_id, record: "period" })?;
    let from = before.status;
    let reopening = from == PeriodStatus::Closed && input.status == PeriodStatus::Evaluating;
    if reopening && input.reason.is_none() {
        return Err(ApiError::field("reason", "required", "say why the closed period is reopened"));
    }
    if !reopening && from.next() != Some(input.status) {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!(
                "A {} period can only move to {}",
                from.as_str(),
                from.next().map(|s| s.as_str()).unwrap_or("evaluating (reopen, with a reason)")
            ),
        ));
    }
    let updated = diesel::update(periods::table.find(id).filter(periods::version.eq(version)))
        .set((
            periods::status.eq(input.status.as_str()),
            periods::version.eq(before.version + 1),
            periods::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::PreconditionFailed);
    }
    let org = before.organization_id.clone();
    let before = load(conn, before)?;
    let after_row = find(conn, id)?;
    let closed = match after_row.status {
        PeriodStatus::Closed => Some(on_close(conn, &after_row)?),
        _ => None,
    };
    let after = load(conn, after_row)?;
    let action = if reopening { "period.reopen" } else { "period.status" };
    let mut change = Change::new(action, "period", id).before(&before).after(&after);
    if let Some(after) = change.after.as_mut() {
        if let Some(reason) = &input.reason {
            after["reason"] = serde_json::Value::String(reason.clone());
        }
        if let Some(closed) = &closed {
            after["on_close"] = serde_json::to_value(closed).map_err(ApiError::internal)?;
        }
    }
    audit::record(conn, &caller.actor(), &org, change)?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_months_cover_the_year_without_gaps() {
        for frequency in [EvaluationFrequency::Quarterly, EvaluationFrequency::Monthly] {
            let subs = sub_period_bounds(2024, frequency);
            assert_eq!(subs.first().unwrap().2, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
            assert_eq!(subs.last().unwrap().3, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
            for pair in subs.windows(2) {
                assert_eq!(pair[0].3.succ_opt().unwrap(), pair[1].2);
            }
        }
        assert_eq!(sub_period_bounds(2026, EvaluationFrequency::Quarterly)[1].1, "2026-Q2");
        assert_eq!(sub_period_bounds(2026, EvaluationFrequency::Monthly).len(), 12);
    }

    #[test]
    fn periods_move_forward_one_step_at_a_time() {
        assert_eq!(PeriodStatus::Planning.next(), Some(PeriodStatus::Running));
        assert_eq!(PeriodStatus::Closed.next(), None);
    }
}
