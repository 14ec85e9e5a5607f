//! The dated history of reporting lines (mutasi): its rows and queries. Written in the same
//! transaction as every change of an employee's unit or supervisor (create, update, CSV import,
//! the reporting-line call); the employee row keeps the current line.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::ReportingLine;
use crate::audit::{self, Actor, Change};
use crate::clock::Clock;
use crate::db::schema::reporting_lines;
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, now, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::pagination::{text_and_id_key, PageRequest};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reporting_lines)]
pub struct ReportingLineRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub employee_id: EmployeeId,
    pub unit_id: UnitId,
    pub supervisor_id: Option<EmployeeId>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub reason: String,
    pub changed_by_kind: String,
    pub changed_by: String,
    pub created_at: chrono::NaiveDateTime,
}

impl From<ReportingLineRow> for ReportingLine {
    fn from(row: ReportingLineRow) -> Self {
        ReportingLine {
            id: row.id,
            employee_id: row.employee_id,
            unit_id: row.unit_id,
            supervisor_id: row.supervisor_id,
            effective_from: row.effective_from,
            effective_to: row.effective_to,
            reason: row.reason,
            changed_by_kind: row.changed_by_kind,
            changed_by: row.changed_by,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// The new line of one employee, and why.
pub struct NewLine<'a> {
    pub organization_id: &'a OrganizationId,
    pub employee_id: &'a EmployeeId,
    pub unit_id: &'a UnitId,
    pub supervisor_id: Option<&'a EmployeeId>,
    pub effective_from: NaiveDate,
    pub reason: &'a str,
}

/// "Today" for reporting lines: the organisation's calendar day at the clock's instant.
pub fn today(conn: &mut AnyConnection, organization_id: &OrganizationId, clock: Clock) -> ApiResult<NaiveDate> {
    crate::organizations::date_at(conn, organization_id, clock.now())
}

/// The line that holds now (the open one), if the employee has a history.
pub fn current(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<Option<ReportingLineRow>> {
    Ok(reporting_lines::table
        .filter(reporting_lines::employee_id.eq(employee_id))
        .filter(reporting_lines::effective_to.is_null())
        .select(ReportingLineRow::as_select())
        .first(conn)
        .optional()?)
}

/// Closes the open line (it ends the day the new one starts) and opens the new one. The new line
/// may not start before the open one did: history before it stays as recorded. Returns the closed
/// line and the new one.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    line: NewLine<'_>,
) -> ApiResult<(Option<ReportingLineRow>, ReportingLineRow)> {
    let open = current(conn, line.employee_id)?;
    let closed = match open {
        Some(open) if line.effective_from < open.effective_from => {
            return Err(ApiError::field(
                "effective_from",
                "before_current_line",
                format!("the current reporting line began on {}; a new one cannot start earlier", open.effective_from),
            ));
        }
        Some(open) => {
            diesel::update(reporting_lines::table.find(&open.id))
                .set(reporting_lines::effective_to.eq(line.effective_from))
                .execute(conn)?;
            Some(ReportingLineRow { effective_to: Some(line.effective_from), ..open })
        }
        None => None,
    };
    let row = ReportingLineRow {
        id: new_id(),
        organization_id: line.organization_id.clone(),
        employee_id: line.employee_id.clone(),
        unit_id: line.unit_id.clone(),
        supervisor_id: line.supervisor_id.cloned(),
        effective_from: line.effective_from,
        effective_to: None,
        reason: line.reason.to_string(),
        changed_by_kind: actor.kind.to_string(),
        changed_by: actor.id.clone(),
        created_at: now(),
    };
    diesel::insert_into(reporting_lines::table).values(&row).execute(conn)?;
    if closed.as_ref().is_none_or(|c| c.supervisor_id != row.supervisor_id) {
        follow_pending_objections(conn, actor, &row)?;
    }
    Ok((closed, row))
}

/// Pending objections to assessments by `line`'s employee go to their supervisor in force, the
/// atasan pejabat penilai (or, with nobody above them or the supervisor being the objecting
/// employee, to the policy's admin fallback), as other pending work follows the line. Decided
/// objections keep who decided them. Each move is audited.
fn follow_pending_objections(conn: &mut AnyConnection, actor: &Actor, line: &ReportingLineRow) -> ApiResult<()> {
    use crate::db::schema::objections;
    use crate::domain::assessment::ObjectionStatus;
    use crate::objections::DeciderKind;
    let pending: Vec<(String, EmployeeId, Option<EmployeeId>, DeciderKind, i32)> = objections::table
        .filter(objections::assessor_id.eq(&line.employee_id))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .select((
            objections::id,
            objections::employee_id,
            objections::decider_id,
            objections::decider_kind,
            objections::version,
        ))
        .load(conn)?;
    for (id, objector, decider_id, decider_kind, version) in pending {
        let (kind, decider) = match &line.supervisor_id {
            Some(s) if *s != objector => (DeciderKind::Superior, Some(s.clone())),
            _ => (DeciderKind::Admin, None),
        };
        if decider == decider_id && kind == decider_kind {
            continue;
        }
        diesel::update(objections::table.find(&id))
            .set((
                objections::decider_id.eq(&decider),
                objections::decider_kind.eq(kind),
                objections::version.eq(version + 1),
                objections::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            &line.organization_id,
            Change::new("objection.follow_reporting_line", "objection", &id)
                .before(&serde_json::json!({"decider_kind": decider_kind, "decider_id": decider_id}))
                .after(&serde_json::json!({"decider_kind": kind, "decider_id": decider, "reporting_line_id": line.id})),
        )?;
    }
    Ok(())
}

/// The sort key of the history: the order the lines were recorded in, which is their order in time
/// (a new line never starts before the open one).
pub fn history_key(row: &ReportingLineRow) -> String {
    text_and_id_key(&row.created_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(), &row.id)
}

/// One page of an employee's history, oldest first (fetch [`PageRequest::fetch_limit`] rows).
pub fn history(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    page: &PageRequest,
) -> ApiResult<Vec<ReportingLineRow>> {
    let mut q = reporting_lines::table.filter(reporting_lines::employee_id.eq(employee_id)).into_boxed();
    if let Some((at, id)) = page.after_text_and_id()? {
        let at = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S%.6f")
            .map_err(|_| ApiError::field("cursor", "invalid_cursor", "use a next_cursor returned by this list"))?;
        q = q.filter(
            reporting_lines::created_at.gt(at).or(reporting_lines::created_at.eq(at).and(reporting_lines::id.gt(id))),
        );
    }
    Ok(q.order((reporting_lines::created_at.asc(), reporting_lines::id.asc()))
        .limit(page.fetch_limit())
        .select(ReportingLineRow::as_select())
        .load(conn)?)
}
