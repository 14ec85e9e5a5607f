//! Reading the sealed trail: pages of events, the sealed range of a time span, and the peer
//! assignments whose events a caller must not read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AuditEventRow;
use crate::db::schema::{audit_events, audit_heads, employees, organizations, peer_assignments};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::error::ApiResult;

/// The peer assignments whose rated employee is `me` or one of `me`'s direct reports.
pub fn peer_assignments_about(conn: &mut AnyConnection, me: &EmployeeId) -> ApiResult<Vec<String>> {
    let mut ratees: Vec<EmployeeId> =
        employees::table.filter(employees::supervisor_id.eq(me)).select(employees::id).load(conn)?;
    ratees.push(me.clone());
    Ok(peer_assignments::table
        .filter(peer_assignments::ratee_id.eq_any(ratees))
        .select(peer_assignments::id)
        .load(conn)?)
}

/// What a reader filters the trail by.
#[derive(Debug, Default)]
pub struct EventFilter {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub actor_id: Option<String>,
    pub since: Option<NaiveDateTime>,
}

/// A page of the organisation's sealed events after position `after_seq`, without those about
/// the `hidden` resources.
pub fn events(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    after_seq: i64,
    hidden: Vec<String>,
    filter: EventFilter,
    fetch: i64,
) -> ApiResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.gt(after_seq))
        .into_boxed();
    if !hidden.is_empty() {
        q = q.filter(audit_events::resource_id.ne_all(hidden));
    }
    if let Some(v) = filter.resource_type {
        q = q.filter(audit_events::resource_type.eq(v));
    }
    if let Some(v) = filter.resource_id {
        q = q.filter(audit_events::resource_id.eq(v));
    }
    if let Some(v) = filter.actor_id {
        q = q.filter(audit_events::actor_id.eq(v));
    }
    if let Some(v) = filter.since {
        q = q.filter(audit_events::occurred_at.ge(v));
    }
    Ok(q.order(audit_events::seq.asc()).limit(fetch).select(AuditEventRow::as_select()).load(conn)?)
}

/// The organisation's code and the first and last sealed positions of events in `[from, to)`
/// (first > last when there are none).
pub fn sealed_range(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<(String, i64, i64)> {
    let code: String = organizations::table.find(organization_id).select(organizations::code).first(conn)?;
    let head: i64 = audit_heads::table.find(organization_id).select(audit_heads::seq).first(conn)?;
    let (first, last): (Option<i64>, Option<i64>) = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::occurred_at.ge(from))
        .filter(audit_events::occurred_at.lt(to))
        .filter(audit_events::seq.le(head))
        .select((diesel::dsl::min(audit_events::seq), diesel::dsl::max(audit_events::seq)))
        .first(conn)?;
    Ok((code, first.unwrap_or(1), last.unwrap_or(0)))
}

/// A page of the events of `[from, to)` between positions `after` (excluded) and `last`, without
/// those about the `hidden` resources.
#[allow(clippy::too_many_arguments)]
pub fn range_page(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    after: i64,
    last: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
    hidden: &[String],
    fetch: i64,
) -> ApiResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::seq.gt(after))
        .filter(audit_events::seq.le(last))
        .filter(audit_events::occurred_at.ge(from))
        .filter(audit_events::occurred_at.lt(to))
        .into_boxed();
    if !hidden.is_empty() {
        q = q.filter(audit_events::resource_id.ne_all(hidden.to_vec()));
    }
    Ok(q.order(audit_events::seq.asc()).limit(fetch).select(AuditEventRow::as_select()).load(conn)?)
}
