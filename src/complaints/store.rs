//! Reading and writing complaints, and the figures per unit and officer.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{Complaint, ComplaintChannel, ComplaintQuery, ComplaintStatus};
use crate::authz::{ComplaintRef, ComplaintVisibility};
use crate::db::schema::{complaints, rating_tickets};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::complaint::{figures, ComplaintFigures, Handled};
use crate::error::{ApiError, ApiResult};
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub unit_id: UnitId,
    pub officer_id: Option<EmployeeId>,
    pub channel: ComplaintChannel,
    pub ticket_id: Option<String>,
    pub client_id: Option<String>,
    pub external_reference: Option<String>,
    pub tracking_hash: String,
    pub body: String,
    pub status: ComplaintStatus,
    pub assigned_to: Option<EmployeeId>,
    pub assigned_by: Option<EmployeeId>,
    pub assigned_at: Option<NaiveDateTime>,
    pub answer: Option<String>,
    pub answered_by: Option<EmployeeId>,
    pub answered_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub closed_by: Option<EmployeeId>,
    pub closed_at: Option<NaiveDateTime>,
    pub received_at: NaiveDateTime,
    pub answer_due_at: NaiveDateTime,
    pub close_due_at: NaiveDateTime,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

impl ComplaintRow {
    pub fn reference(&self) -> ComplaintRef {
        ComplaintRef {
            organization_id: self.organization_id.clone(),
            unit_id: self.unit_id.clone(),
            assigned_to: self.assigned_to.clone(),
        }
    }

    pub fn view(self) -> Complaint {
        let seconds = |from: NaiveDateTime, to: Option<NaiveDateTime>| to.map(|t| (t - from).num_seconds());
        let ended = self.closed_at;
        Complaint {
            answered_in_time: self.answered_at.map(|a| a <= self.answer_due_at),
            seconds_to_first_answer: seconds(self.received_at, self.answered_at),
            seconds_to_close: seconds(self.received_at, ended),
            id: self.id,
            organization_id: self.organization_id,
            unit_id: self.unit_id,
            officer_id: self.officer_id,
            channel: self.channel,
            external_reference: self.external_reference,
            complaint: self.body,
            status: self.status,
            assigned_to: self.assigned_to,
            assigned_by: self.assigned_by,
            assigned_at: self.assigned_at.map(|t| t.and_utc()),
            answer: self.answer,
            answered_by: self.answered_by,
            answered_at: self.answered_at.map(|t| t.and_utc()),
            rejection_reason: self.rejection_reason,
            closed_by: self.closed_by,
            closed_at: self.closed_at.map(|t| t.and_utc()),
            received_at: self.received_at.and_utc(),
            answer_due_at: self.answer_due_at.and_utc(),
            close_due_at: self.close_due_at.and_utc(),
            version: self.version,
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<ComplaintRow> {
    complaints::table
        .find(id)
        .select(ComplaintRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("complaint"))
}

pub fn by_tracking_hash(conn: &mut AnyConnection, hash: &str) -> ApiResult<Option<ComplaintRow>> {
    Ok(complaints::table
        .filter(complaints::tracking_hash.eq(hash))
        .select(ComplaintRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_ticket(conn: &mut AnyConnection, ticket_id: &str) -> ApiResult<bool> {
    let n: i64 = complaints::table.filter(complaints::ticket_id.eq(ticket_id)).count().get_result(conn)?;
    Ok(n > 0)
}

/// A complaint as its figures count it: (whose, received, due, answered, status).
type FigureRow<K> = (Option<K>, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, ComplaintStatus);

/// The figures of each of `unit_ids` for complaints about them received in `[start, end)`, with
/// those overdue at `as_of` if given: one query, then the pure rules. Units without complaints get
/// zero figures.
pub fn figures_of_units(
    conn: &mut AnyConnection,
    unit_ids: &[UnitId],
    start: NaiveDateTime,
    end: NaiveDateTime,
    as_of: Option<DateTime<Utc>>,
) -> ApiResult<HashMap<UnitId, ComplaintFigures>> {
    let rows: Vec<FigureRow<UnitId>> = complaints::table
        .filter(complaints::unit_id.eq_any(unit_ids))
        .filter(complaints::received_at.ge(start))
        .filter(complaints::received_at.lt(end))
        .select((
            complaints::unit_id.nullable(),
            complaints::received_at,
            complaints::answer_due_at,
            complaints::answered_at,
            complaints::status,
        ))
        .load(conn)?;
    Ok(figures_by(unit_ids, rows, as_of))
}

/// The figures of each of `officer_ids` for complaints assigned to them to answer, received in
/// `[start, end)`, as [`figures_of_units`].
pub fn figures_of_officers(
    conn: &mut AnyConnection,
    officer_ids: &[EmployeeId],
    start: NaiveDateTime,
    end: NaiveDateTime,
    as_of: Option<DateTime<Utc>>,
) -> ApiResult<HashMap<EmployeeId, ComplaintFigures>> {
    let rows: Vec<FigureRow<EmployeeId>> = complaints::table
        .filter(complaints::assigned_to.eq_any(officer_ids))
        .filter(complaints::received_at.ge(start))
        .filter(complaints::received_at.lt(end))
        .select((
            complaints::assigned_to,
            complaints::received_at,
            complaints::answer_due_at,
            complaints::answered_at,
            complaints::status,
        ))
        .load(conn)?;
    Ok(figures_by(officer_ids, rows, as_of))
}

fn figures_by<K: Clone + Eq + std::hash::Hash>(
    ids: &[K],
    rows: Vec<FigureRow<K>>,
    as_of: Option<DateTime<Utc>>,
) -> HashMap<K, ComplaintFigures> {
    let mut handled: HashMap<K, Vec<Handled>> = ids.iter().map(|id| (id.clone(), Vec::new())).collect();
    for (id, received, due, answered, status) in rows {
        let Some(id) = id else { continue };
        handled.entry(id).or_default().push(Handled {
            received_at: received.and_utc(),
            answer_due_at: due.and_utc(),
            answered_at: answered.map(|t| t.and_utc()),
            rejected: status == ComplaintStatus::Rejected,
        });
    }
    handled.into_iter().map(|(id, list)| (id, figures(&list, as_of))).collect()
}

pub fn insert(conn: &mut AnyConnection, row: &ComplaintRow) -> ApiResult<()> {
    diesel::insert_into(complaints::table).values(row).execute(conn)?;
    Ok(())
}

/// A page of the organisation's complaints `visibility` lets the caller handle, filtered by
/// `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    visibility: ComplaintVisibility,
    query: ComplaintQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<ComplaintRow>> {
    let mut q = complaints::table.filter(complaints::organization_id.eq(organization_id)).into_boxed();
    q = match visibility {
        ComplaintVisibility::Organization => q,
        ComplaintVisibility::Unit { unit_id, employee_id } => {
            q.filter(complaints::unit_id.eq(unit_id).or(complaints::assigned_to.eq(employee_id)))
        }
        ComplaintVisibility::Assigned { employee_id } => q.filter(complaints::assigned_to.eq(employee_id)),
    };
    if let Some(after) = after {
        q = q.filter(complaints::id.gt(after));
    }
    if let Some(status) = query.status {
        q = q.filter(complaints::status.eq(status));
    }
    if let Some(unit) = query.unit_id {
        q = q.filter(complaints::unit_id.eq(unit));
    }
    Ok(q.order(complaints::id.asc()).limit(fetch).select(ComplaintRow::as_select()).load(conn)?)
}

/// Writes a step of the complaint (`after`: status, assignment, answer, closing) at the version
/// read (see `crate::versioned::Edit`).
pub fn step(conn: &mut AnyConnection, versions: Versions, after: &ComplaintRow) -> ApiResult<usize> {
    Ok(diesel::update(complaints::table.find(&after.id).filter(complaints::version.eq(versions.expected)))
        .set((
            complaints::status.eq(after.status),
            complaints::assigned_to.eq(&after.assigned_to),
            complaints::assigned_by.eq(&after.assigned_by),
            complaints::assigned_at.eq(after.assigned_at),
            complaints::answer.eq(&after.answer),
            complaints::answered_by.eq(&after.answered_by),
            complaints::answered_at.eq(after.answered_at),
            complaints::rejection_reason.eq(&after.rejection_reason),
            complaints::closed_by.eq(&after.closed_by),
            complaints::closed_at.eq(after.closed_at),
            complaints::version.eq(versions.next),
            complaints::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

/// A rating ticket by the hash of its token, as a complaint reads it: (id, organisation, unit,
/// officer, expiry).
pub type TicketForComplaint = (String, OrganizationId, UnitId, Option<EmployeeId>, NaiveDateTime);

pub fn ticket_by_hash(conn: &mut AnyConnection, token_hash: &str) -> ApiResult<Option<TicketForComplaint>> {
    Ok(rating_tickets::table
        .filter(rating_tickets::token_hash.eq(token_hash))
        .select((
            rating_tickets::id,
            rating_tickets::organization_id,
            rating_tickets::unit_id,
            rating_tickets::officer_id,
            rating_tickets::expires_at,
        ))
        .first(conn)
        .optional()?)
}
