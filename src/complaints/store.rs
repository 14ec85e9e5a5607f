//! Reading and writing complaints, and the figures per unit and officer.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{Complaint, ComplaintChannel, ComplaintStatus};
use crate::authz::ComplaintRef;
use crate::db::schema::complaints;
use crate::db::AnyConnection;
use crate::domain::complaint::{figures, ComplaintFigures, Handled};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: String,
    pub organization_id: String,
    pub unit_id: String,
    pub officer_id: Option<String>,
    pub channel: ComplaintChannel,
    pub ticket_id: Option<String>,
    pub client_id: Option<String>,
    pub external_reference: Option<String>,
    pub tracking_hash: String,
    pub body: String,
    pub status: ComplaintStatus,
    pub assigned_to: Option<String>,
    pub assigned_by: Option<String>,
    pub assigned_at: Option<NaiveDateTime>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub closed_by: Option<String>,
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
            organization_id: self.organization_id.as_str().into(),
            unit_id: self.unit_id.as_str().into(),
            assigned_to: self.assigned_to.as_deref().map(Into::into),
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

/// Who a figure is of.
#[derive(Debug, Clone, Copy)]
pub enum Of {
    /// Complaints about a unit.
    Unit,
    /// Complaints assigned to an officer to answer.
    Officer,
}

/// The figures of each of `ids` (units or officers) for complaints received in `[start, end)`,
/// with those overdue at `as_of` if given: one query, then the pure rules. Ids without
/// complaints get zero figures.
pub fn figures_of(
    conn: &mut AnyConnection,
    of: Of,
    ids: &[String],
    start: NaiveDateTime,
    end: NaiveDateTime,
    as_of: Option<DateTime<Utc>>,
) -> ApiResult<HashMap<String, ComplaintFigures>> {
    type Row = (Option<String>, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, ComplaintStatus);
    let rows: Vec<Row> = match of {
        Of::Unit => complaints::table
            .filter(complaints::unit_id.eq_any(ids))
            .filter(complaints::received_at.ge(start))
            .filter(complaints::received_at.lt(end))
            .select((
                complaints::unit_id.nullable(),
                complaints::received_at,
                complaints::answer_due_at,
                complaints::answered_at,
                complaints::status,
            ))
            .load(conn)?,
        Of::Officer => complaints::table
            .filter(complaints::assigned_to.eq_any(ids))
            .filter(complaints::received_at.ge(start))
            .filter(complaints::received_at.lt(end))
            .select((
                complaints::assigned_to,
                complaints::received_at,
                complaints::answer_due_at,
                complaints::answered_at,
                complaints::status,
            ))
            .load(conn)?,
    };
    let mut handled: HashMap<String, Vec<Handled>> = ids.iter().map(|id| (id.clone(), Vec::new())).collect();
    for (id, received, due, answered, status) in rows {
        let Some(id) = id else { continue };
        handled.entry(id).or_default().push(Handled {
            received_at: received.and_utc(),
            answer_due_at: due.and_utc(),
            answered_at: answered.map(|t| t.and_utc()),
            rejected: status == ComplaintStatus::Rejected,
        });
    }
    Ok(handled.into_iter().map(|(id, list)| (id, figures(&list, as_of))).collect())
}
