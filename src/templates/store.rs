//! Reading and writing templates, proposals, template uses and flags; who heads a unit.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::{IndicatorFlag, Proposal, ProposalStatus, Template, TemplateContent};
use crate::db::schema::{
    employees, indicator_flags, indicator_templates, skp_indicators, skp_targets, template_proposals, template_uses,
    template_versions,
};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::template::heads_unit;
use crate::employees::{EmployeeRow, JobLevel};
use crate::error::{ApiError, ApiResult};
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = indicator_templates)]
pub struct TemplateRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub unit_id: Option<UnitId>,
    pub position: String,
    pub name: String,
    pub current_version: i32,
    pub content: String,
    pub created_by: EmployeeId,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = template_versions)]
pub struct VersionRow {
    pub template_id: String,
    pub version: i32,
    pub content: String,
    pub proposal_id: Option<String>,
    pub created_by: EmployeeId,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = template_proposals)]
pub struct ProposalRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub template_id: Option<String>,
    pub unit_id: Option<UnitId>,
    pub position: String,
    pub name: String,
    pub content: String,
    pub reason: String,
    pub proposed_by: EmployeeId,
    pub status: ProposalStatus,
    pub decision_reason: Option<String>,
    pub decided_by: Option<EmployeeId>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub resulting_template_id: Option<String>,
    pub resulting_version: Option<i32>,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The stored JSON of a template's content; a row that does not parse is a bug, not a 4xx.
pub fn parse_content(text: &str) -> ApiResult<TemplateContent> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored template content unreadable: {e}")))
}

pub fn content_json(content: &TemplateContent) -> ApiResult<String> {
    serde_json::to_string(content).map_err(|e| ApiError::internal(format!("template content: {e}")))
}

impl TemplateRow {
    pub fn view(self) -> ApiResult<Template> {
        Ok(Template {
            content: parse_content(&self.content)?,
            id: self.id,
            organization_id: self.organization_id,
            unit_id: self.unit_id,
            position: self.position,
            name: self.name,
            version: self.current_version,
            created_by: self.created_by,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        })
    }
}

impl ProposalRow {
    pub fn view(self) -> ApiResult<Proposal> {
        Ok(Proposal {
            content: parse_content(&self.content)?,
            id: self.id,
            organization_id: self.organization_id,
            template_id: self.template_id,
            unit_id: self.unit_id,
            position: self.position,
            name: self.name,
            reason: self.reason,
            proposed_by: self.proposed_by,
            status: self.status,
            decision_reason: self.decision_reason,
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(|t| t.and_utc()),
            resulting_template_id: self.resulting_template_id,
            resulting_version: self.resulting_version,
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        })
    }
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<TemplateRow> {
    indicator_templates::table
        .find(id)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("template"))
}

pub fn find_proposal(conn: &mut AnyConnection, id: &str) -> ApiResult<ProposalRow> {
    template_proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("template proposal"))
}

/// The unit `employee_id` heads, if any (see [`crate::domain::template::heads_unit`]).
pub fn headed_unit(conn: &mut AnyConnection, employee_id: Option<&EmployeeId>) -> ApiResult<Option<UnitId>> {
    let Some(employee_id) = employee_id else { return Ok(None) };
    let me: Option<(UnitId, JobLevel, Option<EmployeeId>, bool)> = employees::table
        .find(employee_id)
        .select((employees::unit_id, employees::job_level, employees::supervisor_id, employees::active))
        .first(conn)
        .optional()?;
    let Some((unit_id, level, supervisor, true)) = me else { return Ok(None) };
    let supervisor_unit: Option<UnitId> = match supervisor {
        Some(s) => employees::table.find(s).select(employees::unit_id).first(conn).optional()?,
        None => None,
    };
    let structural = matches!(level, JobLevel::Jpt | JobLevel::Administrator | JobLevel::Pengawas);
    Ok(heads_unit(&unit_id, structural, supervisor_unit.as_ref(), &unit_id).then_some(unit_id))
}

/// A page of the organisation's templates by id, of one position or unit if given.
pub fn list(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    position: Option<String>,
    unit_id: Option<UnitId>,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<TemplateRow>> {
    let mut q =
        indicator_templates::table.filter(indicator_templates::organization_id.eq(organization_id)).into_boxed();
    if let Some(after) = after {
        q = q.filter(indicator_templates::id.gt(after));
    }
    if let Some(position) = position {
        q = q.filter(indicator_templates::position.eq(position));
    }
    if let Some(unit) = unit_id {
        q = q.filter(indicator_templates::unit_id.eq(unit));
    }
    Ok(q.order(indicator_templates::id.asc()).limit(fetch).select(TemplateRow::as_select()).load(conn)?)
}

/// The organisation's templates of a position, by id.
pub fn of_position(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    position: &str,
) -> ApiResult<Vec<TemplateRow>> {
    Ok(indicator_templates::table
        .filter(indicator_templates::organization_id.eq(organization_id))
        .filter(indicator_templates::position.eq(position))
        .order(indicator_templates::id.asc())
        .select(TemplateRow::as_select())
        .load(conn)?)
}

/// The templates with these ids.
pub fn with_ids(conn: &mut AnyConnection, ids: &[String]) -> ApiResult<Vec<TemplateRow>> {
    Ok(indicator_templates::table
        .filter(indicator_templates::id.eq_any(ids))
        .select(TemplateRow::as_select())
        .load(conn)?)
}

/// Inserts a template with its first version.
pub fn insert(conn: &mut AnyConnection, row: &TemplateRow, version: &VersionRow) -> ApiResult<()> {
    diesel::insert_into(indicator_templates::table).values(row).execute(conn)?;
    diesel::insert_into(template_versions::table).values(version).execute(conn)?;
    Ok(())
}

/// Makes `version` the template's current one (its content, and the name given with it).
pub fn add_version(conn: &mut AnyConnection, version: &VersionRow, name: &str) -> ApiResult<()> {
    diesel::update(indicator_templates::table.find(&version.template_id))
        .set((
            indicator_templates::current_version.eq(version.version),
            indicator_templates::content.eq(&version.content),
            indicator_templates::name.eq(name),
            indicator_templates::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    diesel::insert_into(template_versions::table).values(version).execute(conn)?;
    Ok(())
}

/// A page of the organisation's proposals by id, of one status if given.
pub fn list_proposals(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    status: Option<ProposalStatus>,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<ProposalRow>> {
    let mut q = template_proposals::table.filter(template_proposals::organization_id.eq(organization_id)).into_boxed();
    if let Some(after) = after {
        q = q.filter(template_proposals::id.gt(after));
    }
    if let Some(status) = status {
        q = q.filter(template_proposals::status.eq(status));
    }
    Ok(q.order(template_proposals::id.asc()).limit(fetch).select(ProposalRow::as_select()).load(conn)?)
}

pub fn insert_proposal(conn: &mut AnyConnection, row: &ProposalRow) -> ApiResult<()> {
    diesel::insert_into(template_proposals::table).values(row).execute(conn)?;
    Ok(())
}

/// The decision on a proposal, at the version read (see `crate::versioned::Edit`); the number of
/// rows changed.
pub fn decide_proposal(
    conn: &mut AnyConnection,
    id: &str,
    versions: Versions,
    status: ProposalStatus,
    reason: &str,
    decided_by: &EmployeeId,
    resulting: Option<(String, i32)>,
) -> ApiResult<usize> {
    Ok(diesel::update(template_proposals::table.find(id).filter(template_proposals::version.eq(versions.expected)))
        .set((
            template_proposals::status.eq(status),
            template_proposals::decision_reason.eq(Some(reason)),
            template_proposals::decided_by.eq(Some(decided_by)),
            template_proposals::decided_at.eq(Some(crate::db::now())),
            template_proposals::resulting_template_id.eq(resulting.as_ref().map(|r| r.0.clone())),
            template_proposals::resulting_version.eq(resulting.as_ref().map(|r| r.1)),
            template_proposals::version.eq(versions.next),
            template_proposals::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

/// The active employees of a position in the organisation (in one unit if given), by id.
pub fn active_of_position(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    position: &str,
    unit_id: Option<&UnitId>,
) -> ApiResult<Vec<EmployeeRow>> {
    let mut q = employees::table
        .filter(employees::organization_id.eq(organization_id))
        .filter(employees::position.eq(position))
        .filter(employees::active.eq(true))
        .into_boxed();
    if let Some(unit) = unit_id {
        q = q.filter(employees::unit_id.eq(unit));
    }
    Ok(q.order(employees::id.asc()).select(EmployeeRow::as_select()).load(conn)?)
}

/// The lineage of the target made for `employee` in the period from a template's target.
pub fn lineage_made_from(
    conn: &mut AnyConnection,
    employee: &EmployeeId,
    period_id: &str,
    template_id: &str,
    target_index: i32,
) -> ApiResult<Option<String>> {
    Ok(template_uses::table
        .filter(template_uses::employee_id.eq(employee))
        .filter(template_uses::period_id.eq(period_id))
        .filter(template_uses::template_id.eq(template_id))
        .filter(template_uses::target_index.eq(target_index))
        .select(template_uses::target_lineage_id)
        .first(conn)
        .optional()?)
}

/// Where a target of an SKP came from: a template's target at a version.
pub struct TemplateUse<'a> {
    pub target_lineage_id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub period_id: &'a str,
    pub employee_id: &'a EmployeeId,
    pub template_id: &'a str,
    pub template_version: i32,
    pub target_index: i32,
}

pub fn record_use(conn: &mut AnyConnection, used: TemplateUse<'_>) -> ApiResult<()> {
    diesel::insert_into(template_uses::table)
        .values((
            template_uses::target_lineage_id.eq(used.target_lineage_id),
            template_uses::organization_id.eq(used.organization_id),
            template_uses::period_id.eq(used.period_id),
            template_uses::employee_id.eq(used.employee_id),
            template_uses::template_id.eq(used.template_id),
            template_uses::template_version.eq(used.template_version),
            template_uses::target_index.eq(used.target_index),
            template_uses::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The template a target (by lineage) was made from, if any.
pub fn template_of_lineage(conn: &mut AnyConnection, lineage_id: &str) -> ApiResult<Option<String>> {
    Ok(template_uses::table.find(lineage_id).select(template_uses::template_id).first(conn).optional()?)
}

/// Each of these targets' index in the template it was made from.
pub fn target_indexes(conn: &mut AnyConnection, lineage_ids: &[String]) -> ApiResult<BTreeMap<String, i32>> {
    Ok(template_uses::table
        .filter(template_uses::target_lineage_id.eq_any(lineage_ids))
        .select((template_uses::target_lineage_id, template_uses::target_index))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect())
}

/// An indicator of an SKP: (description, position, its target's lineage id, the SKP's id).
pub fn indicator(conn: &mut AnyConnection, indicator_id: &str) -> ApiResult<Option<(String, i32, String, String)>> {
    Ok(skp_indicators::table
        .inner_join(skp_targets::table.on(skp_targets::id.eq(skp_indicators::target_id)))
        .filter(skp_indicators::id.eq(indicator_id))
        .select((skp_indicators::description, skp_indicators::position, skp_targets::lineage_id, skp_targets::skp_id))
        .first(conn)
        .optional()?)
}

/// Whether `by` has flagged the indicator already.
pub fn flagged_by(conn: &mut AnyConnection, indicator_id: &str, by: &EmployeeId) -> ApiResult<bool> {
    let count: i64 = indicator_flags::table
        .filter(indicator_flags::indicator_id.eq(indicator_id))
        .filter(indicator_flags::flagged_by.eq(by))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Stores a flag on an indicator of the organisation's SKP, with where the indicator sits.
pub fn insert_flag(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    flag: &IndicatorFlag,
    target_lineage_id: &str,
    indicator_index: i32,
) -> ApiResult<()> {
    diesel::insert_into(indicator_flags::table)
        .values((
            indicator_flags::id.eq(&flag.id),
            indicator_flags::organization_id.eq(organization_id),
            indicator_flags::period_id.eq(&flag.period_id),
            indicator_flags::employee_id.eq(&flag.employee_id),
            indicator_flags::skp_id.eq(&flag.skp_id),
            indicator_flags::indicator_id.eq(&flag.indicator_id),
            indicator_flags::indicator_description.eq(&flag.indicator_description),
            indicator_flags::target_lineage_id.eq(target_lineage_id),
            indicator_flags::template_id.eq(&flag.template_id),
            indicator_flags::indicator_index.eq(indicator_index),
            indicator_flags::note.eq(&flag.note),
            indicator_flags::flagged_by.eq(&flag.flagged_by),
            indicator_flags::created_at.eq(flag.created_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A flag as the report reads it: (template id, target lineage, indicator index, description, note).
pub type FlagRow = (Option<String>, String, i32, String, String);

/// The flags of a period, oldest first.
pub fn flags_of_period(conn: &mut AnyConnection, period_id: &str) -> ApiResult<Vec<FlagRow>> {
    Ok(indicator_flags::table
        .filter(indicator_flags::period_id.eq(period_id))
        .order(indicator_flags::id.asc())
        .select((
            indicator_flags::template_id,
            indicator_flags::target_lineage_id,
            indicator_flags::indicator_index,
            indicator_flags::indicator_description,
            indicator_flags::note,
        ))
        .load(conn)?)
}
