//! Reading and writing templates, proposals, template uses and flags; who heads a unit.

use diesel::prelude::*;

use super::{Proposal, ProposalStatus, Template, TemplateContent};
use crate::db::schema::{employees, indicator_templates, template_proposals, template_versions};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::template::heads_unit;
use crate::employees::JobLevel;
use crate::error::{ApiError, ApiResult};

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
    pub created_by: String,
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
    pub created_by: String,
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
    pub proposed_by: String,
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
