//! The pages of the reports: a fixed number of queries per page, whatever the page's size.

use std::collections::HashMap;

use chrono::NaiveDate;

use diesel::prelude::*;

use super::{CitizenReportRow, DistributionReportRow, ReportLevel, ScoreReportRow};
use crate::db::schema::{citizen_ratings, employees, reporting_lines, sub_periods, units};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::engine::Figures;
use crate::domain::predikat::Predikat;
use crate::employees::EmployeeRow;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{text_and_id_key, Page, PageRequest, KEY_SEPARATOR};
use crate::periods::{PeriodRow, SubPeriodRow};
use crate::ratings::citizen::store::{self as citizen, ElementSums};
use crate::scores::freeze;
use crate::scores::store::Scope;

/// A score report: whose scores, for what, filtered how.
pub struct ScoreReport {
    pub scope: Scope,
    /// Only employees of these units; the whole organisation when `None`.
    pub unit_ids: Option<Vec<UnitId>>,
    pub predikat: Option<Predikat>,
    /// A stored snapshot instead of the scores as served (the latest snapshot of a closed period,
    /// else live).
    pub snapshot: Option<i32>,
    pub with_inputs: bool,
    /// The day whose reporting lines name the supervisors: the scope's last day, or today while
    /// it runs ([`supervisor_day`]).
    pub supervisor_on: NaiveDate,
}

/// The day a score report takes each employee's supervisor from: the supervisor in force during
/// the period, as the reporting-line history (mutasi) records it, at the end of the period or
/// sub-period, or today while it has not ended; not simply whoever supervises today.
pub fn supervisor_day(conn: &mut AnyConnection, scope: &Scope) -> ApiResult<NaiveDate> {
    let ends_on = scope.sub_period.as_ref().map_or(scope.period.ends_on, |s| s.ends_on);
    let today = crate::organizations::date_at(conn, &scope.period.organization_id, scope.now)?;
    Ok(ends_on.min(today))
}

/// Each employee's supervisor on `day` by the reporting-line history: the line in force that day
/// (from `effective_from`, until the day `effective_to` before which it ended); for an employee
/// whose recorded history begins after `day`, the first recorded line (nothing earlier is known).
fn supervisors_on(
    conn: &mut AnyConnection,
    employee_ids: &[EmployeeId],
    day: NaiveDate,
) -> ApiResult<HashMap<EmployeeId, Option<EmployeeId>>> {
    let lines: Vec<(EmployeeId, Option<EmployeeId>, NaiveDate, Option<NaiveDate>)> = reporting_lines::table
        .filter(reporting_lines::employee_id.eq_any(employee_ids))
        .filter(reporting_lines::effective_to.is_null().or(reporting_lines::effective_to.gt(day)))
        .select((
            reporting_lines::employee_id,
            reporting_lines::supervisor_id,
            reporting_lines::effective_from,
            reporting_lines::effective_to,
        ))
        .load(conn)?;
    // Of the lines not ended by `day`, the one in force is the latest started by then; failing
    // that, the earliest (the history began later).
    let mut chosen: HashMap<EmployeeId, (Option<EmployeeId>, NaiveDate)> = HashMap::new();
    for (employee, supervisor, from, _) in lines {
        let better = match chosen.get(&employee) {
            None => true,
            Some((_, current)) if *current <= day => from <= day && from > *current,
            Some((_, current)) => from < *current,
        };
        if better {
            chosen.insert(employee, (supervisor, from));
        }
    }
    Ok(chosen.into_iter().map(|(employee, (supervisor, _))| (employee, supervisor)).collect())
}

/// The next `limit` employees of the report after NIP `after`, by NIP.
fn employees_after(
    conn: &mut AnyConnection,
    report: &ScoreReport,
    after: Option<&str>,
    limit: i64,
) -> ApiResult<Vec<EmployeeRow>> {
    let mut q = employees::table
        .filter(employees::organization_id.eq(report.scope.period.organization_id.clone()))
        .into_boxed();
    if let Some(unit_ids) = &report.unit_ids {
        q = q.filter(employees::unit_id.eq_any(unit_ids.clone()));
    }
    if let Some(after) = after {
        q = q.filter(employees::nip.gt(after.to_string()));
    }
    Ok(q.order(employees::nip.asc()).limit(limit).select(EmployeeRow::as_select()).load(conn)?)
}

/// One page of a score report, ordered by NIP. With a predicate filter, batches of employees
/// are scored until the page is full or nobody is left.
pub fn score_page(
    conn: &mut AnyConnection,
    report: &ScoreReport,
    page: &PageRequest,
) -> ApiResult<Page<ScoreReportRow>> {
    let wanted = page.fetch_limit() as usize;
    let mut rows: Vec<ScoreReportRow> = Vec::new();
    let mut after = page.after.clone();
    loop {
        let people = employees_after(conn, report, after.as_deref(), page.fetch_limit())?;
        let exhausted = people.len() < wanted;
        after = people.last().map(|p| p.nip.clone());
        let scored = score_rows(conn, report, people)?;
        rows.extend(scored.into_iter().filter(|r| report.predikat.is_none() || r.predikat == report.predikat));
        if exhausted || rows.len() >= wanted {
            break;
        }
    }
    rows.truncate(wanted);
    Ok(page.page(rows, |r| r.nip.clone(), |r| r))
}

/// The rows of `people`: their scores as served, their units and supervisors (two queries).
fn score_rows(
    conn: &mut AnyConnection,
    report: &ScoreReport,
    people: Vec<EmployeeRow>,
) -> ApiResult<Vec<ScoreReportRow>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.id.clone()).collect();
    let in_force = supervisors_on(conn, &ids, report.supervisor_on)?;
    // An employee without any recorded line (none should be) keeps the employee record's.
    let supervisor_of = |p: &EmployeeRow| match in_force.get(&p.id) {
        Some(line) => line.clone(),
        None => p.supervisor_id.clone(),
    };
    let supervisor_ids: Vec<EmployeeId> = people.iter().filter_map(&supervisor_of).collect();
    let supervisors: HashMap<EmployeeId, (String, String)> = employees::table
        .filter(employees::id.eq_any(supervisor_ids))
        .select((employees::id, employees::nip, employees::name))
        .load::<(EmployeeId, String, String)>(conn)?
        .into_iter()
        .map(|(id, nip, name)| (id, (nip, name)))
        .collect();
    let details: HashMap<EmployeeId, (String, Option<EmployeeId>)> =
        people.iter().map(|p| (p.id.clone(), (p.position.clone(), supervisor_of(p)))).collect();
    // A row shows a score's figures: a stored one is read without its explanation.
    let scores = freeze::served_as::<Figures>(conn, &report.scope, people, report.snapshot, report.with_inputs)?;
    let unit_ids: Vec<UnitId> = scores.iter().map(|s| s.0.unit_id.clone()).collect();
    let unit_names: HashMap<UnitId, (String, String)> = units::table
        .filter(units::id.eq_any(unit_ids))
        .select((units::id, units::code, units::name))
        .load::<(UnitId, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();
    let period = report.scope.view().label;
    Ok(scores
        .into_iter()
        .map(|(score, inputs)| {
            let (position, supervisor_id) = details.get(&score.employee_id).cloned().unwrap_or_default();
            let supervisor = supervisor_id.and_then(|id| supervisors.get(&id).cloned());
            let (unit_code, unit_name) = unit_names.get(&score.unit_id).cloned().unwrap_or_default();
            let figures = &score.explanation;
            let (suggested_results, final_results) = figures.rating(0);
            let (suggested_behaviour, final_behaviour) = figures.rating(1);
            ScoreReportRow {
                period: period.clone(),
                employee_id: score.employee_id.clone(),
                nip: score.nip.clone(),
                name: score.employee_name.clone(),
                position,
                unit_id: score.unit_id.clone(),
                unit_code,
                unit_name,
                supervisor_nip: supervisor.as_ref().map(|s| s.0.clone()),
                supervisor_name: supervisor.map(|s| s.1),
                nilai_hasil_kerja: figures.nilai_hasil_kerja(),
                behaviour_mean: figures.behaviour_mean(),
                citizen_index: figures.citizen_index(),
                nilai_kinerja: figures.nilai_kinerja(),
                suggested_results,
                suggested_behaviour,
                final_results,
                final_behaviour,
                predikat: figures.predikat(),
                state: score.state,
                snapshot: score.snapshot,
                policy_version: figures.policy_version,
                inputs,
            }
        })
        .collect())
}

/// The organisation's service units (of `within` if given) as (id, code, name), by name.
pub fn service_units(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    within: Option<Vec<UnitId>>,
) -> ApiResult<Vec<(UnitId, String, String)>> {
    let mut q = units::table
        .filter(units::organization_id.eq(organization_id))
        .filter(units::is_service_unit.eq(true))
        .into_boxed();
    if let Some(ids) = within {
        q = q.filter(units::id.eq_any(ids));
    }
    Ok(q.order((units::name.asc(), units::id.asc())).select((units::id, units::code, units::name)).load(conn)?)
}

/// A citizen-index report: the service units, the year and its sub-periods.
pub struct CitizenReport {
    pub period: PeriodRow,
    pub sub_periods: Vec<SubPeriodRow>,
    /// (id, code, name) of each service unit reported, by name.
    pub units: Vec<(UnitId, String, String)>,
    /// The organisation's code and name when its own rows are reported (not for a unit's subtree).
    pub organization: Option<(String, String)>,
}

/// Whose index a row of the citizen-index report gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Subject {
    Organization,
    /// The service unit at this index of [`CitizenReport::units`].
    Unit(usize),
}

/// The element sums of every rating of the organisation submitted in `[start, end)`: its index
/// as a whole, in one aggregate.
macro_rules! organization_sums {
    ( ; $( $(#[$element_meta:meta])* $element:ident $field:ident $name:tt, )+ ) => {
        fn organization_sums(
            conn: &mut AnyConnection,
            organization_id: &OrganizationId,
            start: chrono::NaiveDateTime,
            end: chrono::NaiveDateTime,
        ) -> ApiResult<ElementSums> {
            Ok(citizen_ratings::table
                .filter(citizen_ratings::organization_id.eq(organization_id))
                .filter(citizen_ratings::submitted_at.ge(start))
                .filter(citizen_ratings::submitted_at.lt(end))
                .select((diesel::dsl::count_star(), $( diesel::dsl::sum(citizen_ratings::$field), )+))
                .first(conn)?)
        }
    };
}

crate::domain::skm::skm_elements!(organization_sums! {});

/// A period's sub-periods, in order.
pub fn sub_periods_of(conn: &mut AnyConnection, period_id: &str) -> ApiResult<Vec<SubPeriodRow>> {
    Ok(sub_periods::table
        .filter(sub_periods::period_id.eq(period_id))
        .order(sub_periods::seq.asc())
        .select(SubPeriodRow::as_select())
        .load(conn)?)
}

/// A row's place: the organisation's rows first, then each unit's by name and id; within each, the
/// year (0) before its sub-periods (their seq).
fn citizen_key(unit: Option<(&str, &str)>, seq: i32) -> String {
    match unit {
        None => format!("0{KEY_SEPARATOR}{seq:04}"),
        Some((name, id)) => format!("1{name}{KEY_SEPARATOR}{id}{KEY_SEPARATOR}{seq:04}"),
    }
}

/// One page of a citizen-index report: the organisation's rows (when reported), then per service
/// unit, the year then each sub-period. One aggregate per period or sub-period on the page for
/// the units, whatever their number, and one for the organisation.
pub fn citizen_page(
    conn: &mut AnyConnection,
    report: &CitizenReport,
    page: &PageRequest,
) -> ApiResult<Page<CitizenReportRow>> {
    let period = &report.period;
    // (key, subject, sub-period index or None for the year), in key order, after the cursor.
    let mut subjects: Vec<(Subject, Option<(&str, &str)>)> = Vec::new();
    if report.organization.is_some() {
        subjects.push((Subject::Organization, None));
    }
    for (u, (id, _, name)) in report.units.iter().enumerate() {
        subjects.push((Subject::Unit(u), Some((name.as_str(), id.as_str()))));
    }
    let mut slots: Vec<(String, Subject, Option<usize>)> = Vec::new();
    for (subject, named) in subjects {
        slots.push((citizen_key(named, 0), subject, None));
        for (s, sub) in report.sub_periods.iter().enumerate() {
            slots.push((citizen_key(named, sub.seq), subject, Some(s)));
        }
    }
    slots.sort_by(|a, b| a.0.cmp(&b.0));
    slots.retain(|(key, _, _)| page.after.as_ref().is_none_or(|after| key > after));
    slots.truncate(page.fetch_limit() as usize);
    if slots.is_empty() {
        return Ok(page.page(Vec::new(), |r: &(String, CitizenReportRow)| r.0.clone(), |r| r.1));
    }
    let (policy_version, policy) = crate::policies::current(conn, &period.organization_id)?;
    let tz = crate::organizations::time_zone(conn, &period.organization_id)?;
    let mut sums: HashMap<(Subject, Option<usize>), ElementSums> = HashMap::new();
    let mut scopes: Vec<Option<usize>> = slots.iter().map(|s| s.2).collect();
    scopes.sort_unstable();
    scopes.dedup();
    for scope in scopes {
        let (from, to) = match scope {
            None => (period.starts_on, period.ends_on),
            Some(s) => (report.sub_periods[s].starts_on, report.sub_periods[s].ends_on),
        };
        let (start, end) = citizen::day_range(tz, from, to);
        let here = |subject: &Subject| slots.iter().any(|s| s.2 == scope && s.1 == *subject);
        if here(&Subject::Organization) {
            sums.insert((Subject::Organization, scope), organization_sums(conn, &period.organization_id, start, end)?);
        }
        let unit_ids: Vec<&UnitId> = slots
            .iter()
            .filter_map(|s| match s.1 {
                Subject::Unit(u) if s.2 == scope => Some(&report.units[u].0),
                _ => None,
            })
            .collect();
        if !unit_ids.is_empty() {
            let mut per_unit = citizen::sums_per_unit(conn, &unit_ids, start, end)?;
            for (u, (id, _, _)) in report.units.iter().enumerate() {
                if let Some(unit_sums) = per_unit.remove(id) {
                    sums.insert((Subject::Unit(u), scope), unit_sums);
                }
            }
        }
    }
    let none = ElementSums::none();
    let rows = slots
        .into_iter()
        .map(|(key, subject, scope)| {
            let result = sums.get(&(subject, scope)).unwrap_or(&none).index(policy.min_citizen_responses);
            let (level, unit_id, unit_code, unit_name) = match subject {
                Subject::Organization => {
                    let (code, name) = report.organization.clone().unwrap_or_default();
                    (ReportLevel::Organization, None, code, name)
                }
                Subject::Unit(u) => {
                    let (id, code, name) = report.units[u].clone();
                    (ReportLevel::Unit, Some(id), code, name)
                }
            };
            let (period_label, sub_period_id) = match scope {
                None => (period.year.to_string(), None),
                Some(s) => (report.sub_periods[s].label.clone(), Some(report.sub_periods[s].id.clone())),
            };
            let row = CitizenReportRow {
                level,
                unit_id,
                unit_code,
                unit_name,
                period: period_label,
                sub_period_id,
                policy_version,
                result,
            };
            (key, row)
        })
        .collect();
    Ok(page.page(rows, |r| r.0.clone(), |r| r.1))
}

/// The distribution report's rows: the organisation first, then each unit with anyone counted,
/// by name; computed once (every score of the scope, in batches), paged from memory (one row per
/// unit).
pub fn distribution_rows(
    conn: &mut AnyConnection,
    scope: &Scope,
    organization: (&str, &str),
    include_provisional: bool,
) -> ApiResult<Vec<(String, DistributionReportRow)>> {
    let rating = crate::distribution::store::rating_of(conn, &scope.period.id)?.ok_or_else(|| {
        ApiError::conflict(
            "organization_rating_missing",
            "Record the organisation's own rating for the period first: it decides the curve",
        )
    })?;
    let org_rating = rating.rating;
    let view = crate::distribution::store::report(conn, scope, rating, include_provisional)?;
    let policy = crate::policies::find_version(conn, &scope.period.organization_id, view.policy_version)?.policy;
    let allowed: Vec<String> = policy
        .distribution_curve
        .rules
        .iter()
        .filter(|rule| rule.org_rating == org_rating)
        .flat_map(|rule| rule.constraints.iter().map(|c| c.description.clone()))
        .collect();
    let period = scope.view().label;
    let version = view.policy_version;
    let mut rows = vec![(
        "0".to_string(),
        DistributionReportRow::new(period.clone(), None, organization, view.organization, allowed.clone(), version),
    )];
    for unit in view.units {
        let key = format!("1{}", text_and_id_key(&unit.unit_name, &unit.unit_id));
        let named = Some((unit.unit_id, unit.unit_code, unit.unit_name));
        rows.push((
            key,
            DistributionReportRow::new(period.clone(), named, organization, unit.check, allowed.clone(), version),
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows)
}

/// One page of rows already computed and sorted by key.
pub fn page_of<R: Clone>(rows: &[(String, R)], page: &PageRequest) -> Page<R> {
    let after: Vec<(String, R)> = rows
        .iter()
        .filter(|(key, _)| page.after.as_ref().is_none_or(|after| key > after))
        .take(page.fetch_limit() as usize)
        .cloned()
        .collect();
    page.page(after, |r| r.0.clone(), |r| r.1)
}
