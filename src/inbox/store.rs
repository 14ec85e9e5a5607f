//! The inbox's queries: per kind, one for a page of items and one for the count, each on an
//! index; two to find the assessments due; one for the names of a page's employees.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{InboxCounts, InboxItem, InboxKind};
use crate::authz::InboxScope;
use crate::db::schema::{achievements, assessments, employees, objections, periods, skps, sub_periods};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::domain::assessment::{due_scope, DueScope};
use crate::error::ApiResult;
use crate::periods::{PeriodRow, PeriodStatus, SubPeriodRow};

/// One row of the inbox before the names are added.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: InboxKind,
    pub id: String,
    pub record_id: Option<String>,
    pub employee_id: EmployeeId,
    pub period_id: String,
    pub sub_period_id: Option<String>,
    pub status: String,
    pub updated_at: Option<NaiveDateTime>,
}

/// What a page asks for: the kinds, changes since when, after which item, how many.
pub struct Request<'a> {
    pub kinds: &'a [InboxKind],
    pub since: Option<NaiveDateTime>,
    /// The last item of the previous page.
    pub after: Option<(InboxKind, String)>,
    /// One more than the page, to know whether another follows.
    pub fetch: i64,
}

/// The assessment scope due now: of the newest period not closed that has one, the year once its
/// assessment opens, else the latest sub-period whose last day has come. Two queries.
pub fn assessment_due_scope(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    today: NaiveDate,
) -> ApiResult<Option<(String, Option<String>)>> {
    let open: Vec<PeriodRow> = periods::table
        .filter(periods::organization_id.eq(organization_id))
        .filter(periods::status.ne(PeriodStatus::Closed))
        .order(periods::year.desc())
        .select(PeriodRow::as_select())
        .load(conn)?;
    let ids: Vec<&str> = open.iter().map(|p| p.id.as_str()).collect();
    let subs: Vec<SubPeriodRow> =
        sub_periods::table.filter(sub_periods::period_id.eq_any(ids)).select(SubPeriodRow::as_select()).load(conn)?;
    for period in open {
        let ends: Vec<(String, NaiveDate)> =
            subs.iter().filter(|s| s.period_id == period.id).map(|s| (s.id.clone(), s.ends_on)).collect();
        let evaluating = period.status >= PeriodStatus::Evaluating;
        match due_scope(today, period.ends_on, evaluating, &ends) {
            DueScope::Year => return Ok(Some((period.id, None))),
            DueScope::SubPeriod(sub) => return Ok(Some((period.id, Some(sub)))),
            DueScope::Nothing => {}
        }
    }
    Ok(None)
}

/// The published supervisor's assessments of the scope (a sub-period, or the year).
macro_rules! published_of_scope {
    ($period:expr, $sub:expr) => {{
        // One expression for both scopes: the year's rows have no sub-period.
        let sub: Option<&str> = $sub;
        let is_year = diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(sub.is_none());
        assessments::table
            .filter(assessments::period_id.eq($period.to_string()))
            .filter(assessments::kind.eq(crate::assessments::AssessmentKind::Supervisor))
            .filter(assessments::status.eq(crate::assessments::AssessmentStatus::Published))
            .filter(
                assessments::sub_period_id
                    .is_null()
                    .and(is_year)
                    .or(assessments::sub_period_id.eq(sub.unwrap_or_default().to_string())),
            )
            .select(assessments::employee_id)
    }};
}

/// Each kind's rows as a boxed query with every filter but paging and `updated_since`, so that
/// the page and the count read the same rows.
macro_rules! kind_query {
    (SkpToDecide, $s:expr) => {{
        let me = $s.employee_id.clone();
        let q = skps::table
            .inner_join(employees::table)
            .filter(skps::organization_id.eq($s.organization_id.clone()))
            .filter(skps::status.eq(crate::skp::SkpStatus::Submitted))
            .into_boxed();
        if $s.skp.with_heads_of_agency {
            q.filter(
                employees::supervisor_id
                    .eq(me.clone())
                    .or(employees::supervisor_id.is_null().and(employees::id.ne(me))),
            )
        } else {
            q.filter(employees::supervisor_id.eq(me))
        }
    }};
    (AchievementToVerify, $s:expr) => {{
        let me = $s.employee_id.clone();
        let q = achievements::table
            .inner_join(employees::table)
            .filter(achievements::organization_id.eq($s.organization_id.clone()))
            .filter(achievements::status.eq(crate::achievements::AchievementStatus::Submitted))
            .into_boxed();
        if $s.skp.with_heads_of_agency {
            q.filter(
                employees::supervisor_id
                    .eq(me.clone())
                    .or(employees::supervisor_id.is_null().and(employees::id.ne(me))),
            )
        } else {
            q.filter(employees::supervisor_id.eq(me))
        }
    }};
    (AssessmentDue, $s:expr, $period:expr, $sub:expr) => {{
        employees::table
            .filter(employees::supervisor_id.eq($s.employee_id.clone()))
            .filter(employees::active.eq(true))
            .filter(employees::id.ne_all(published_of_scope!($period, $sub)))
            .into_boxed()
    }};
    (ObjectionToDecide, $s:expr) => {{
        let me = $s.employee_id.clone();
        let q = objections::table
            .inner_join(assessments::table)
            .filter(objections::organization_id.eq($s.organization_id.clone()))
            .filter(objections::status.eq(crate::domain::assessment::ObjectionStatus::Pending))
            .into_boxed();
        let named = objections::decider_id.eq(me.clone());
        if $s.objections.with_admin_fallback {
            q.filter(
                named.or(objections::decider_kind
                    .eq(crate::objections::DeciderKind::Admin)
                    .and(objections::employee_id.ne(me.clone()))
                    .and(objections::assessor_id.ne(me))),
            )
        } else {
            q.filter(named)
        }
    }};
    (SkpReturned, $s:expr) => {{
        skps::table
            .filter(skps::employee_id.eq($s.employee_id.clone()))
            .filter(skps::status.eq(crate::skp::SkpStatus::Returned))
            .into_boxed()
    }};
    (AchievementRejected, $s:expr) => {{
        achievements::table
            .filter(achievements::employee_id.eq($s.employee_id.clone()))
            .filter(achievements::status.eq(crate::achievements::AchievementStatus::Rejected))
            .into_boxed()
    }};
    (AssessmentPublished, $s:expr) => {{
        let open_periods = periods::table
            .filter(periods::organization_id.eq($s.organization_id.clone()))
            .filter(periods::status.ne(PeriodStatus::Closed))
            .select(periods::id);
        let objected = objections::table
            .filter(objections::employee_id.eq($s.employee_id.clone()))
            .select(objections::assessment_id);
        assessments::table
            .filter(assessments::employee_id.eq($s.employee_id.clone()))
            .filter(assessments::kind.eq(crate::assessments::AssessmentKind::Supervisor))
            .filter(assessments::status.eq(crate::assessments::AssessmentStatus::Published))
            .filter(assessments::period_id.eq_any(open_periods))
            .filter(assessments::id.ne_all(objected))
            .into_boxed()
    }};
    (ObjectionDecided, $s:expr) => {{
        let open_periods = periods::table
            .filter(periods::organization_id.eq($s.organization_id.clone()))
            .filter(periods::status.ne(PeriodStatus::Closed))
            .select(periods::id);
        objections::table
            .inner_join(assessments::table)
            .filter(objections::employee_id.eq($s.employee_id.clone()))
            .filter(objections::status.eq(crate::domain::assessment::ObjectionStatus::Decided))
            .filter(assessments::period_id.eq_any(open_periods))
            .into_boxed()
    }};
}

/// How many items of each asked-for kind wait: one count query per kind.
pub fn counts(
    conn: &mut AnyConnection,
    scope: &InboxScope,
    kinds: &[InboxKind],
    due: Option<&(String, Option<String>)>,
) -> ApiResult<InboxCounts> {
    let mut counts = InboxCounts::default();
    for &kind in kinds {
        let n: i64 = match kind {
            InboxKind::SkpToDecide => kind_query!(SkpToDecide, scope).count().get_result(conn)?,
            InboxKind::AchievementToVerify => kind_query!(AchievementToVerify, scope).count().get_result(conn)?,
            InboxKind::AssessmentDue => match due {
                Some((period, sub)) => {
                    kind_query!(AssessmentDue, scope, period, sub.as_deref()).count().get_result(conn)?
                }
                None => 0,
            },
            InboxKind::ObjectionToDecide => kind_query!(ObjectionToDecide, scope).count().get_result(conn)?,
            InboxKind::SkpReturned => kind_query!(SkpReturned, scope).count().get_result(conn)?,
            InboxKind::AchievementRejected => kind_query!(AchievementRejected, scope).count().get_result(conn)?,
            InboxKind::AssessmentPublished => kind_query!(AssessmentPublished, scope).count().get_result(conn)?,
            InboxKind::ObjectionDecided => kind_query!(ObjectionDecided, scope).count().get_result(conn)?,
        };
        counts.set(kind, n);
    }
    Ok(counts)
}

/// Up to `limit` rows of one kind after `after` (an id), changed at or after `since`.
fn page_of_kind(
    conn: &mut AnyConnection,
    scope: &InboxScope,
    kind: InboxKind,
    due: Option<&(String, Option<String>)>,
    since: Option<NaiveDateTime>,
    after: Option<String>,
    limit: i64,
) -> ApiResult<Vec<Entry>> {
    let entry = |id: String, employee_id: EmployeeId, period_id: String, sub: Option<String>, status: String, at| {
        Entry { kind, id, record_id: None, employee_id, period_id, sub_period_id: sub, status, updated_at: Some(at) }
    };
    macro_rules! paged {
        ($q:expr, $table:ident, $select:expr) => {{
            let mut q = $q;
            if let Some(since) = since {
                q = q.filter($table::updated_at.ge(since));
            }
            if let Some(after) = after {
                q = q.filter($table::id.gt(after));
            }
            q.order($table::id.asc()).limit(limit).select($select).load(conn)?
        }};
    }
    type Row = (String, EmployeeId, String, String, NaiveDateTime);
    type SubRow = (String, EmployeeId, String, Option<String>, String, NaiveDateTime);
    let plain = |rows: Vec<Row>| rows.into_iter().map(|(id, e, p, st, at)| entry(id, e, p, None, st, at)).collect();
    let with_sub = |rows: Vec<SubRow>| rows.into_iter().map(|(id, e, p, sub, st, at)| entry(id, e, p, sub, st, at));
    let skp_columns = (skps::id, skps::employee_id, skps::period_id, skps::status, skps::updated_at);
    let achievement_columns = (
        achievements::id,
        achievements::employee_id,
        achievements::period_id,
        achievements::sub_period_id.nullable(),
        achievements::status,
        achievements::updated_at,
    );
    let assessment_columns = (
        assessments::id,
        assessments::employee_id,
        assessments::period_id,
        assessments::sub_period_id,
        assessments::status,
        assessments::updated_at,
    );
    let objection_columns = (
        objections::id,
        objections::employee_id,
        assessments::period_id,
        assessments::sub_period_id,
        objections::status,
        objections::updated_at,
    );
    Ok(match kind {
        InboxKind::SkpToDecide => plain(paged!(kind_query!(SkpToDecide, scope), skps, skp_columns)),
        InboxKind::SkpReturned => plain(paged!(kind_query!(SkpReturned, scope), skps, skp_columns)),
        InboxKind::AchievementToVerify => {
            with_sub(paged!(kind_query!(AchievementToVerify, scope), achievements, achievement_columns)).collect()
        }
        InboxKind::AchievementRejected => {
            with_sub(paged!(kind_query!(AchievementRejected, scope), achievements, achievement_columns)).collect()
        }
        InboxKind::AssessmentPublished => {
            with_sub(paged!(kind_query!(AssessmentPublished, scope), assessments, assessment_columns)).collect()
        }
        InboxKind::ObjectionToDecide => {
            with_sub(paged!(kind_query!(ObjectionToDecide, scope), objections, objection_columns)).collect()
        }
        InboxKind::ObjectionDecided => {
            with_sub(paged!(kind_query!(ObjectionDecided, scope), objections, objection_columns)).collect()
        }
        InboxKind::AssessmentDue => {
            // Nothing is recorded yet, so `updated_since` does not apply: at most one per report.
            let Some((period, sub)) = due else { return Ok(Vec::new()) };
            let mut q = kind_query!(AssessmentDue, scope, period, sub.as_deref());
            if let Some(after) = after {
                q = q.filter(employees::id.gt(after));
            }
            let ids: Vec<EmployeeId> = q.order(employees::id.asc()).limit(limit).select(employees::id).load(conn)?;
            // The caller's drafts for them, in one query.
            let mut drafts = assessments::table
                .filter(assessments::author_id.eq(scope.employee_id.clone()))
                .filter(assessments::employee_id.eq_any(&ids))
                .filter(assessments::period_id.eq(period.clone()))
                .filter(assessments::status.eq(crate::assessments::AssessmentStatus::Draft))
                .select((assessments::employee_id, assessments::id))
                .into_boxed();
            drafts = match sub {
                Some(sub) => drafts.filter(assessments::sub_period_id.eq(sub.clone())),
                None => drafts.filter(assessments::sub_period_id.is_null()),
            };
            let drafts: HashMap<EmployeeId, String> = drafts.load::<(EmployeeId, String)>(conn)?.into_iter().collect();
            ids.into_iter()
                .map(|id| Entry {
                    kind,
                    record_id: drafts.get(&id).cloned(),
                    id: id.to_string(),
                    employee_id: id,
                    period_id: period.clone(),
                    sub_period_id: sub.clone(),
                    status: "due".into(),
                    updated_at: None,
                })
                .collect()
        }
    })
}

/// A page of the inbox: the asked-for kinds in order, from the one after `request.after`, until
/// `request.fetch` rows are found. At most one query per kind, plus one for the drafts of the
/// assessments due.
pub fn page(
    conn: &mut AnyConnection,
    scope: &InboxScope,
    request: &Request<'_>,
    due: Option<&(String, Option<String>)>,
) -> ApiResult<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    for &kind in request.kinds {
        let after = match &request.after {
            Some((last_kind, _)) if kind < *last_kind => continue,
            Some((last_kind, id)) if kind == *last_kind => Some(id.clone()),
            _ => None,
        };
        let room = request.fetch - out.len() as i64;
        if room <= 0 {
            break;
        }
        out.extend(page_of_kind(conn, scope, kind, due, request.since, after, room)?);
    }
    Ok(out)
}

/// The names of the employees of a page, in one query.
pub fn names(conn: &mut AnyConnection, entries: &[Entry]) -> ApiResult<HashMap<EmployeeId, String>> {
    let ids: Vec<&EmployeeId> = entries.iter().map(|e| &e.employee_id).collect();
    Ok(employees::table
        .filter(employees::id.eq_any(ids))
        .select((employees::id, employees::name))
        .load::<(EmployeeId, String)>(conn)?
        .into_iter()
        .collect())
}

/// Where the item's record is read.
pub fn path_of(entry: &Entry) -> Option<String> {
    let id = match entry.kind {
        InboxKind::AssessmentDue => return entry.record_id.as_ref().map(|d| format!("/api/v1/assessments/{d}")),
        _ => &entry.id,
    };
    Some(match entry.kind {
        InboxKind::SkpToDecide | InboxKind::SkpReturned => format!("/api/v1/skps/{id}"),
        InboxKind::AchievementToVerify | InboxKind::AchievementRejected => format!("/api/v1/achievements/{id}"),
        InboxKind::AssessmentPublished | InboxKind::AssessmentDue => format!("/api/v1/assessments/{id}"),
        InboxKind::ObjectionToDecide | InboxKind::ObjectionDecided => format!("/api/v1/objections/{id}"),
    })
}

/// The item as sent.
pub fn item(entry: Entry, names: &HashMap<EmployeeId, String>) -> InboxItem {
    InboxItem {
        path: path_of(&entry),
        employee_name: names.get(&entry.employee_id).cloned().unwrap_or_default(),
        kind: entry.kind,
        id: entry.id,
        record_id: entry.record_id,
        employee_id: entry.employee_id,
        period_id: entry.period_id,
        sub_period_id: entry.sub_period_id,
        status: entry.status,
        updated_at: entry.updated_at.map(|t| t.and_utc()),
    }
}
