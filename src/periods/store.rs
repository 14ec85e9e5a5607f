//! Period rows and queries, and the status changes.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use super::{refuse_if_closed, sub_period_bounds, Period, PeriodQuery, PeriodStatus, StatusChange, SubPeriod};
use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{periods, sub_periods};
use crate::db::types::OrganizationId;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::policy::EvaluationFrequency;
use crate::error::{ApiError, ApiResult};
use crate::versioned::Edit;

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

impl From<SubPeriodRow> for SubPeriod {
    fn from(row: SubPeriodRow) -> Self {
        SubPeriod { id: row.id, seq: row.seq, label: row.label, starts_on: row.starts_on, ends_on: row.ends_on }
    }
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

/// A sub-period, if it is one of `period_id`'s.
pub fn sub_period_in(
    conn: &mut AnyConnection,
    sub_period_id: &str,
    period_id: &str,
) -> ApiResult<Option<SubPeriodRow>> {
    Ok(sub_periods::table
        .find(sub_period_id)
        .filter(sub_periods::period_id.eq(period_id))
        .select(SubPeriodRow::as_select())
        .first(conn)
        .optional()?)
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

pub fn load(conn: &mut AnyConnection, row: PeriodRow) -> ApiResult<Period> {
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

/// Moves a period one step forward, or reopens a closed one with a reason (admins), audited.
/// `on_close` runs in the same transaction once the period is closed (it freezes the scores);
/// what it returns is recorded in the audit event under `on_close`. The route is
/// `scores::closing`'s, since closing freezes the scores and the scores read periods.
pub fn change_status<T: Serialize>(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    if_match: i32,
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
    let org = before.organization_id.clone();
    let before = load(conn, before)?;
    let action = if reopening { "period.reopen" } else { "period.status" };
    let edit =
        Edit { caller, organization_id: &org, change: Change::new(action, "period", id), before: &before, if_match };
    let audited = edit.apply(
        conn,
        |conn, version| {
            Ok(diesel::update(periods::table.find(id).filter(periods::version.eq(version.expected)))
                .set((
                    periods::status.eq(input.status),
                    periods::version.eq(version.next),
                    periods::updated_at.eq(now()),
                ))
                .execute(conn)?)
        },
        |conn| {
            let after_row = find(conn, id)?;
            let on_close = match after_row.status {
                PeriodStatus::Closed => Some(on_close(conn, &after_row)?),
                _ => None,
            };
            Ok(StatusAudited { period: load(conn, after_row)?, reason: input.reason.clone(), on_close })
        },
    )?;
    Ok(audited.period)
}

/// The period after a change of status as the audit event records it: with the reason of a
/// reopening and what closing did.
#[derive(Serialize)]
struct StatusAudited<T: Serialize> {
    #[serde(flatten)]
    period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_close: Option<T>,
}
