//! Reading and writing SKPs with their targets, indicators and aspects.

use std::collections::HashMap;

use diesel::prelude::*;

use super::{
    AspectTarget, Indicator, Perspective, Skp, SkpAnnex, SkpContent, SkpQuery, SkpStatus, StatusChange, Target,
    TargetKind,
};
use crate::authz::{EmployeeRef, EmployeeVisibility};
use crate::db::schema::{employees, skp_aspects, skp_indicators, skp_targets, skps};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::{new_id, AnyConnection};
use crate::domain::capaian::{validate_unit, Aspect};
use crate::employees::{EmployeeRow, JobLevel};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = skps)]
pub struct SkpRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub employee_id: EmployeeId,
    pub revision: i32,
    pub status: SkpStatus,
    pub resources: String,
    pub accountability: String,
    pub consequences: String,
    pub approver_id: Option<EmployeeId>,
    pub return_comment: Option<String>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = skp_targets)]
pub struct TargetRow {
    pub id: String,
    pub skp_id: String,
    pub lineage_id: String,
    pub position: i32,
    pub description: String,
    pub kind: TargetKind,
    pub perspective: Option<Perspective>,
    pub weight: f64,
    pub supports_lineage_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = skp_indicators)]
pub struct IndicatorRow {
    pub id: String,
    pub target_id: String,
    pub position: i32,
    pub description: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = skp_aspects)]
pub struct AspectRow {
    pub id: String,
    pub indicator_id: String,
    pub aspect: Aspect,
    pub target_value: f64,
    pub unit: String,
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<SkpRow> {
    skps::table.find(id).select(SkpRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("skp"))
}

/// An SKP with its targets, indicators and aspects, and what deciding who may read it needs of
/// its owner (id, organisation, supervisor; none of the owner's other columns, no password hash),
/// in one statement: a row per aspect (or per indicator without aspects, target without
/// indicators), the SKP's columns repeated on each. One statement is one snapshot, so the read
/// needs no transaction (see [`crate::db::Database::read_statement`]).
pub fn find_document(conn: &mut AnyConnection, id: &str) -> ApiResult<(Skp, EmployeeRef)> {
    type Joined = (
        SkpRow,
        (EmployeeId, OrganizationId, Option<EmployeeId>),
        Option<TargetRow>,
        Option<IndicatorRow>,
        Option<AspectRow>,
    );
    // The same query for either backend, built for each (a selection names its backend).
    macro_rules! document {
        () => {
            skps::table
                .inner_join(employees::table)
                // Joined flat, not nested: SQLite materialises a parenthesised join of the three
                // tables whole before filtering (0.6 s on 20,000 employees, against 4 ms flat).
                .left_join(skp_targets::table)
                .left_join(skp_indicators::table.on(skp_indicators::target_id.eq(skp_targets::id)))
                .left_join(skp_aspects::table.on(skp_aspects::indicator_id.eq(skp_indicators::id)))
                .filter(skps::id.eq(id))
                .order((skp_targets::position.asc(), skp_indicators::position.asc(), skp_indicators::id.asc()))
                .select((
                    SkpRow::as_select(),
                    (employees::id, employees::organization_id, employees::supervisor_id),
                    Option::<TargetRow>::as_select(),
                    Option::<IndicatorRow>::as_select(),
                    Option::<AspectRow>::as_select(),
                ))
        };
    }
    // Loaded through the backend's own connection: the shared connection type writes the SQL out
    // and converts every value on each call (a third of this read's time in the service), where
    // each backend's connection finds the prepared statement by the query's type.
    let joined: Vec<Joined> = crate::db::on_backend!(conn, |c| document!().load(c)?);
    let Some((row, (owner_id, organization_id, supervisor_id), ..)) = joined.first().cloned() else {
        return Err(ApiError::NotFound("skp"));
    };
    let levels =
        Levels::of_flat(joined.into_iter().map(|(_, _, target, indicator, aspect)| (target, indicator, aspect)));
    let skp = assemble(vec![row], levels).pop().expect("one SKP in, one out");
    Ok((skp, EmployeeRef { id: owner_id, organization_id, supervisor_id }))
}

/// The SKP's current version and what deciding who may read it needs of its owner: one
/// primary-key lookup, for serving a document kept at that version (see
/// [`crate::document_cache`]).
pub fn document_version(conn: &mut AnyConnection, id: &str) -> ApiResult<Option<(i32, EmployeeRef)>> {
    type Found = (i32, (EmployeeId, OrganizationId, Option<EmployeeId>));
    macro_rules! version {
        () => {
            skps::table
                .inner_join(employees::table)
                .filter(skps::id.eq(id))
                .select((skps::version, (employees::id, employees::organization_id, employees::supervisor_id)))
        };
    }
    // Through the backend's own connection, as in `find_document`.
    let found: Option<Found> = crate::db::on_backend!(conn, |c| version!().first(c).optional()?);
    Ok(found.map(|(version, (id, organization_id, supervisor_id))| {
        (version, EmployeeRef { id, organization_id, supervisor_id })
    }))
}

/// The newest revision of an employee's SKP for a period.
pub fn latest(conn: &mut AnyConnection, employee_id: &EmployeeId, period_id: &str) -> ApiResult<Option<SkpRow>> {
    Ok(skps::table
        .filter(skps::employee_id.eq(employee_id))
        .filter(skps::period_id.eq(period_id))
        .order(skps::revision.desc())
        .select(SkpRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn target_rows(conn: &mut AnyConnection, skp_ids: &[String]) -> ApiResult<Vec<TargetRow>> {
    Ok(skp_targets::table
        .filter(skp_targets::skp_id.eq_any(skp_ids))
        .order((skp_targets::skp_id.asc(), skp_targets::position.asc()))
        .select(TargetRow::as_select())
        .load(conn)?)
}

/// The SKP with its targets, indicators and aspects.
pub fn load(conn: &mut AnyConnection, row: SkpRow) -> ApiResult<Skp> {
    Ok(load_many(conn, vec![row])?.pop().expect("one SKP in, one out"))
}

/// Up to this many SKPs load in one flat statement, a row per aspect with its target's and its
/// indicator's columns repeated on each: for a score's one or two SKPs a round trip costs more
/// than the repetition. More (a close's page of 100) load a statement per level, each row once:
/// flat, the repetition was two and a half times the rows, each text converted and allocated.
const FLAT_UP_TO: usize = 8;

/// Several SKPs with their targets, indicators and aspects: one statement for a few, three (one
/// per level) for more, whatever their number.
pub fn load_many(conn: &mut AnyConnection, rows: Vec<SkpRow>) -> ApiResult<Vec<Skp>> {
    let skp_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let levels = if rows.len() <= FLAT_UP_TO {
        let joined: Vec<(TargetRow, Option<IndicatorRow>, Option<AspectRow>)> = crate::db::on_backend!(conn, |c| {
            skp_targets::table
                // Joined flat, as in `find_document`.
                .left_join(skp_indicators::table.on(skp_indicators::target_id.eq(skp_targets::id)))
                .left_join(skp_aspects::table.on(skp_aspects::indicator_id.eq(skp_indicators::id)))
                .filter(skp_targets::skp_id.eq_any(&skp_ids))
                .order((
                    skp_targets::skp_id.asc(),
                    skp_targets::position.asc(),
                    skp_targets::id.asc(),
                    skp_indicators::position.asc(),
                    skp_indicators::id.asc(),
                ))
                .select((TargetRow::as_select(), Option::<IndicatorRow>::as_select(), Option::<AspectRow>::as_select()))
                .load(c)?
        });
        Levels::of_flat(joined.into_iter().map(|(target, indicator, aspect)| (Some(target), indicator, aspect)))
    } else {
        crate::db::on_backend!(conn, |c| Levels {
            targets: skp_targets::table
                .filter(skp_targets::skp_id.eq_any(&skp_ids))
                .order((skp_targets::skp_id.asc(), skp_targets::position.asc(), skp_targets::id.asc()))
                .select(TargetRow::as_select())
                .load(c)?,
            // Through their target, which names the SKP.
            indicators: skp_indicators::table
                .inner_join(skp_targets::table.on(skp_targets::id.eq(skp_indicators::target_id)))
                .filter(skp_targets::skp_id.eq_any(&skp_ids))
                .order((skp_indicators::target_id.asc(), skp_indicators::position.asc(), skp_indicators::id.asc()))
                .select(IndicatorRow::as_select())
                .load(c)?,
            aspects: skp_aspects::table
                .inner_join(skp_indicators::table.on(skp_indicators::id.eq(skp_aspects::indicator_id)))
                .inner_join(skp_targets::table.on(skp_targets::id.eq(skp_indicators::target_id)))
                .filter(skp_targets::skp_id.eq_any(&skp_ids))
                .select(AspectRow::as_select())
                .load(c)?,
        })
    };
    Ok(assemble(rows, levels))
}

/// SKPs' targets (in order), indicators (in order within a target) and aspects, each row once.
struct Levels {
    targets: Vec<TargetRow>,
    indicators: Vec<IndicatorRow>,
    aspects: Vec<AspectRow>,
}

impl Levels {
    /// The levels of a flat join's rows: one per aspect (or per indicator without aspects, target
    /// without indicators), in order.
    fn of_flat(rows: impl Iterator<Item = (Option<TargetRow>, Option<IndicatorRow>, Option<AspectRow>)>) -> Self {
        let mut levels = Levels { targets: Vec::new(), indicators: Vec::new(), aspects: Vec::new() };
        for (target, indicator, aspect) in rows {
            if let Some(target) = target {
                if levels.targets.last().is_none_or(|last| last.id != target.id) {
                    levels.targets.push(target);
                }
            }
            if let Some(indicator) = indicator {
                if levels.indicators.last().is_none_or(|last| last.id != indicator.id) {
                    levels.indicators.push(indicator);
                }
            }
            levels.aspects.extend(aspect);
        }
        levels
    }
}

/// SKPs from their rows and their levels.
fn assemble(rows: Vec<SkpRow>, levels: Levels) -> Vec<Skp> {
    let Levels { targets, indicators, aspects } = levels;
    let mut aspects_of: HashMap<String, Vec<AspectTarget>> = HashMap::new();
    for a in aspects {
        aspects_of.entry(a.indicator_id).or_default().push(AspectTarget {
            aspect: a.aspect,
            target: a.target_value,
            unit: a.unit,
        });
    }
    let mut indicators_of: HashMap<String, Vec<Indicator>> = HashMap::new();
    for i in indicators {
        let mut aspects = aspects_of.remove(&i.id).unwrap_or_default();
        aspects.sort_by_key(|a| a.aspect);
        indicators_of.entry(i.target_id).or_default().push(Indicator { id: i.id, description: i.description, aspects });
    }
    let mut targets_of: HashMap<String, Vec<Target>> = HashMap::new();
    for t in targets {
        targets_of.entry(t.skp_id.clone()).or_default().push(Target {
            indicators: indicators_of.remove(&t.id).unwrap_or_default(),
            kind: t.kind,
            perspective: t.perspective,
            id: t.id,
            lineage_id: t.lineage_id,
            description: t.description,
            weight: t.weight,
            supports_target_id: t.supports_lineage_id,
        });
    }
    rows.into_iter()
        .map(|row| {
            let targets = targets_of.remove(&row.id).unwrap_or_default();
            Skp {
                status: row.status,
                total_weight: targets.iter().map(|t| t.weight).sum(),
                targets,
                annex: SkpAnnex {
                    resources: row.resources,
                    accountability: row.accountability,
                    consequences: row.consequences,
                },
                id: row.id,
                organization_id: row.organization_id,
                period_id: row.period_id,
                employee_id: row.employee_id,
                revision: row.revision,
                approver_id: row.approver_id,
                return_comment: row.return_comment,
                submitted_at: row.submitted_at.map(|t| t.and_utc()),
                decided_at: row.decided_at.map(|t| t.and_utc()),
                version: row.version,
                created_at: row.created_at.and_utc(),
                updated_at: row.updated_at.and_utc(),
            }
        })
        .collect()
}

/// The newest approved revision of each of `employee_ids`' SKPs in a period: what their work is
/// measured against and what achievements are recorded against (a newer draft revision does not
/// count until it is approved). Rows only: [`load_many`] adds the targets where they are needed.
pub fn approved_of(conn: &mut AnyConnection, employee_ids: &[EmployeeId], period_id: &str) -> ApiResult<Vec<SkpRow>> {
    let rows: Vec<SkpRow> = skps::table
        .filter(skps::employee_id.eq_any(employee_ids))
        .filter(skps::period_id.eq(period_id))
        .filter(skps::status.eq(SkpStatus::Approved))
        .order((skps::employee_id.asc(), skps::revision.desc()))
        .select(SkpRow::as_select())
        .load(conn)?;
    let mut newest: Vec<SkpRow> = Vec::new();
    for row in rows {
        if newest.last().is_none_or(|last| last.employee_id != row.employee_id) {
            newest.push(row);
        }
    }
    Ok(newest)
}

/// Checks what `validator` cannot: units per aspect, aspects once per indicator, perspectives
/// only (and always) for senior executives, and cascade links to the supervisor's targets.
/// Returns each target's supported lineage id.
pub fn check_content(
    conn: &mut AnyConnection,
    owner: &EmployeeRow,
    period_id: &str,
    content: &SkpContent,
) -> ApiResult<Vec<Option<String>>> {
    let mut errors = Vec::new();
    let mut supports = Vec::new();
    let executive = owner.job_level == JobLevel::Jpt;
    for (t, target) in content.targets.iter().enumerate() {
        let at = |field: &str| format!("targets[{t}].{field}");
        if target.id.is_some() && content.targets[..t].iter().any(|earlier| earlier.id == target.id) {
            errors.push(FieldError::new(at("id"), "duplicate", "each existing target may be kept only once"));
        }
        match (executive, target.perspective) {
            (true, None) => errors.push(FieldError::new(
                at("perspective"),
                "required",
                "a senior executive's (JPT) target needs a perspective",
            )),
            (false, Some(_)) => errors.push(FieldError::new(
                at("perspective"),
                "not_allowed",
                "only senior executives' (JPT) targets carry a perspective",
            )),
            _ => {}
        }
        for (i, indicator) in target.indicators.iter().enumerate() {
            let mut seen = Vec::new();
            for (a, aspect) in indicator.aspects.iter().enumerate() {
                let field = |name: &str| format!("targets[{t}].indicators[{i}].aspects[{a}].{name}");
                if seen.contains(&aspect.aspect) {
                    errors.push(FieldError::new(
                        field("aspect"),
                        "duplicate",
                        "each aspect at most once per indicator",
                    ));
                }
                seen.push(aspect.aspect);
                if !(aspect.target.is_finite() && aspect.target > 0.0) {
                    errors.push(FieldError::new(field("target"), "range", "the target value must be positive"));
                }
                if let Err(message) = validate_unit(aspect.aspect, &aspect.unit) {
                    errors.push(FieldError::new(field("unit"), "unit_mismatch", message));
                }
            }
        }
        supports.push(match &target.supports_target_id {
            None => None,
            Some(wanted) => match supported_lineage(conn, owner, period_id, wanted)? {
                Some(lineage) => Some(lineage),
                None => {
                    errors.push(FieldError::new(
                        at("supports_target_id"),
                        "not_a_supervisor_target",
                        "must be a target of your direct supervisor's SKP in the same period",
                    ));
                    None
                }
            },
        });
    }
    if errors.is_empty() {
        Ok(supports)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The lineage of `wanted` (a target id or lineage id) if it is a target of the owner's
/// direct supervisor's SKP for the period.
fn supported_lineage(
    conn: &mut AnyConnection,
    owner: &EmployeeRow,
    period_id: &str,
    wanted: &str,
) -> ApiResult<Option<String>> {
    let Some(supervisor) = &owner.supervisor_id else { return Ok(None) };
    Ok(skp_targets::table
        .inner_join(skps::table)
        .filter(skps::employee_id.eq(supervisor))
        .filter(skps::period_id.eq(period_id))
        .filter(skp_targets::id.eq(wanted).or(skp_targets::lineage_id.eq(wanted)))
        .select(skp_targets::lineage_id)
        .first(conn)
        .optional()?)
}

/// Replaces the SKP's targets with `content`, keeping the ids and lineages of targets it names.
pub fn replace_targets(
    conn: &mut AnyConnection,
    skp_id: &str,
    content: &SkpContent,
    supports: &[Option<String>],
) -> ApiResult<()> {
    let existing = target_rows(conn, &[skp_id.to_string()])?;
    delete_targets(conn, &existing)?;
    for (position, (target, supports)) in content.targets.iter().zip(supports).enumerate() {
        let kept = target.id.as_ref().and_then(|id| existing.iter().find(|e| &e.id == id));
        let id = kept.map(|k| k.id.clone()).unwrap_or_else(new_id);
        let row = TargetRow {
            lineage_id: kept.map(|k| k.lineage_id.clone()).unwrap_or_else(|| id.clone()),
            id,
            skp_id: skp_id.to_string(),
            position: position as i32,
            description: target.description.clone(),
            kind: target.kind,
            perspective: target.perspective,
            weight: target.weight,
            supports_lineage_id: supports.clone(),
        };
        insert_target(
            conn,
            &row,
            target.indicators.iter().map(|i| (i.description.clone(), i.aspects.clone())).collect(),
        )?;
    }
    Ok(())
}

fn insert_target(
    conn: &mut AnyConnection,
    row: &TargetRow,
    indicators: Vec<(String, Vec<AspectTarget>)>,
) -> ApiResult<()> {
    diesel::insert_into(skp_targets::table).values(row).execute(conn)?;
    for (position, (description, aspects)) in indicators.into_iter().enumerate() {
        let indicator =
            IndicatorRow { id: new_id(), target_id: row.id.clone(), position: position as i32, description };
        diesel::insert_into(skp_indicators::table).values(&indicator).execute(conn)?;
        for aspect in aspects {
            let aspect = AspectRow {
                id: new_id(),
                indicator_id: indicator.id.clone(),
                aspect: aspect.aspect,
                target_value: aspect.target,
                unit: aspect.unit.trim().to_string(),
            };
            diesel::insert_into(skp_aspects::table).values(&aspect).execute(conn)?;
        }
    }
    Ok(())
}

fn delete_targets(conn: &mut AnyConnection, targets: &[TargetRow]) -> ApiResult<()> {
    let target_ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
    let indicator_ids: Vec<String> = skp_indicators::table
        .filter(skp_indicators::target_id.eq_any(&target_ids))
        .select(skp_indicators::id)
        .load(conn)?;
    diesel::delete(skp_aspects::table.filter(skp_aspects::indicator_id.eq_any(&indicator_ids))).execute(conn)?;
    diesel::delete(skp_indicators::table.filter(skp_indicators::id.eq_any(&indicator_ids))).execute(conn)?;
    diesel::delete(skp_targets::table.filter(skp_targets::id.eq_any(&target_ids))).execute(conn)?;
    Ok(())
}

/// Copies an SKP's targets into a new revision, keeping their lineages.
pub fn copy_targets(conn: &mut AnyConnection, from: &Skp, to_skp_id: &str) -> ApiResult<()> {
    for (position, target) in from.targets.iter().enumerate() {
        let row = TargetRow {
            id: new_id(),
            skp_id: to_skp_id.to_string(),
            lineage_id: target.lineage_id.clone(),
            position: position as i32,
            description: target.description.clone(),
            kind: target.kind,
            perspective: target.perspective,
            weight: target.weight,
            supports_lineage_id: target.supports_target_id.clone(),
        };
        insert_target(
            conn,
            &row,
            target.indicators.iter().map(|i| (i.description.clone(), i.aspects.clone())).collect(),
        )?;
    }
    Ok(())
}

/// What must hold before an SKP goes to the supervisor.
pub fn check_submittable(skp: &Skp) -> ApiResult<()> {
    let mut errors = Vec::new();
    if skp.targets.is_empty() {
        errors.push(FieldError::new("targets", "required", "an SKP needs at least one target"));
    }
    if !skp.targets.iter().any(|t| t.kind == TargetKind::Utama) {
        errors.push(FieldError::new("targets", "no_main_target", "at least one target must be utama"));
    }
    if (skp.total_weight - 100.0).abs() > 0.01 {
        errors.push(FieldError::new(
            "targets",
            "weights",
            format!("the targets' weights must sum to 100, not {}", skp.total_weight),
        ));
    }
    for (t, target) in skp.targets.iter().enumerate() {
        if target.indicators.is_empty() {
            errors.push(FieldError::new(
                format!("targets[{t}].indicators"),
                "required",
                "each target needs an indicator",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Stores a new SKP revision (its targets follow with [`replace_targets`] or [`copy_targets`]).
pub fn insert(conn: &mut AnyConnection, row: &SkpRow) -> ApiResult<()> {
    diesel::insert_into(skps::table).values(row).execute(conn)?;
    Ok(())
}

/// Moves the SKP through the workflow at the version read (see `crate::versioned::Edit`); the
/// number of rows changed.
pub fn set_status(conn: &mut AnyConnection, id: &str, version: Versions, change: &StatusChange) -> ApiResult<usize> {
    Ok(diesel::update(skps::table.find(id).filter(skps::version.eq(version.expected)))
        .set((
            skps::status.eq(change.status),
            skps::approver_id.eq(&change.approver_id),
            skps::return_comment.eq(&change.return_comment),
            skps::submitted_at.eq(change.submitted_at),
            skps::decided_at.eq(change.decided_at),
            skps::version.eq(version.next),
            skps::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

/// Changes the annex at the version read (see `crate::versioned::Edit`); the number of rows changed.
pub fn set_annex(conn: &mut AnyConnection, id: &str, version: Versions, annex: &SkpAnnex) -> ApiResult<usize> {
    Ok(diesel::update(skps::table.find(id).filter(skps::version.eq(version.expected)))
        .set((
            skps::resources.eq(&annex.resources),
            skps::accountability.eq(&annex.accountability),
            skps::consequences.eq(&annex.consequences),
            skps::version.eq(version.next),
            skps::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

/// A page of the SKPs (every revision) `visibility` lets the caller see, filtered by `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    visibility: EmployeeVisibility,
    query: SkpQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<SkpRow>> {
    let mut q = skps::table.inner_join(employees::table).into_boxed();
    match visibility {
        EmployeeVisibility::Organization { organization_id } => q = q.filter(skps::organization_id.eq(organization_id)),
        EmployeeVisibility::SelfAndReports { organization_id, employee_id } => {
            q = q
                .filter(skps::organization_id.eq(organization_id))
                .filter(employees::id.eq(employee_id.clone()).or(employees::supervisor_id.eq(employee_id)))
        }
    }
    if let Some(after) = after {
        q = q.filter(skps::id.gt(after));
    }
    if let Some(v) = query.period_id {
        q = q.filter(skps::period_id.eq(v));
    }
    if let Some(v) = query.employee_id {
        q = q.filter(skps::employee_id.eq(v));
    }
    if let Some(v) = query.unit_id {
        q = q.filter(employees::unit_id.eq(v));
    }
    if let Some(v) = query.status {
        q = q.filter(skps::status.eq(v));
    }
    if let Some(v) = query.updated_since {
        q = q.filter(skps::updated_at.ge(v.naive_utc()));
    }
    Ok(q.order(skps::id.asc()).limit(fetch).select(SkpRow::as_select()).load(conn)?)
}

/// A page of the SKPs submitted to `supervisor` (with `with_heads_of_agency`, also those of
/// employees without a supervisor), oldest submission first, after (submitted at, id).
pub fn waiting_for(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    supervisor: &EmployeeId,
    with_heads_of_agency: bool,
    after: Option<(chrono::NaiveDateTime, String)>,
    fetch: i64,
) -> ApiResult<Vec<SkpRow>> {
    let mut q = skps::table
        .inner_join(employees::table)
        .filter(skps::organization_id.eq(organization_id))
        .filter(skps::status.eq(SkpStatus::Submitted))
        .into_boxed();
    let reports_to_me = employees::supervisor_id.eq(supervisor.clone());
    q = if with_heads_of_agency {
        q.filter(reports_to_me.or(employees::supervisor_id.is_null().and(employees::id.ne(supervisor.clone()))))
    } else {
        q.filter(reports_to_me)
    };
    if let Some((at, id)) = after {
        q = q.filter(skps::submitted_at.gt(at).or(skps::submitted_at.eq(at).and(skps::id.gt(id))));
    }
    Ok(q.order((skps::submitted_at.asc(), skps::id.asc())).limit(fetch).select(SkpRow::as_select()).load(conn)?)
}

/// A page of the revisions of an employee's SKP for a period after revision `after`, oldest first.
pub fn revisions(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    period_id: &str,
    after: i32,
    fetch: i64,
) -> ApiResult<Vec<SkpRow>> {
    Ok(skps::table
        .filter(skps::employee_id.eq(employee_id))
        .filter(skps::period_id.eq(period_id))
        .filter(skps::revision.gt(after))
        .order(skps::revision.asc())
        .limit(fetch)
        .select(SkpRow::as_select())
        .load(conn)?)
}

/// The name and NIP of each of `ids`.
pub fn names_and_nips(conn: &mut AnyConnection, ids: &[EmployeeId]) -> ApiResult<Vec<(EmployeeId, String, String)>> {
    Ok(employees::table
        .filter(employees::id.eq_any(ids))
        .select((employees::id, employees::name, employees::nip))
        .load(conn)?)
}
