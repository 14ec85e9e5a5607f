//! Indicator templates per position (jabatan) and unit (issue 11): a library of targets,
//! indicators and typical target values that admins and unit heads keep; staff propose new
//! templates or changes with a reason, and an accepted proposal is a new version. Each year a
//! position's templates are assigned to its employees in one call, as pre-filled draft SKPs
//! (idempotent: an employee who has an SKP is listed, not overwritten). An indicator found hard
//! to measure is flagged, and the flag report lists templates by how often.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::skp::{IndicatorInput, Perspective, SkpStatus, TargetKind};

crate::domain::text_enum! {
    /// Where a staff proposal is.
    #[derive(ToSchema)]
    pub enum ProposalStatus {
        Pending = "pending",
        /// Accepted: a new template, or a new version of the template.
        Accepted = "accepted",
        Declined = "declined",
    }
}
crate::db::types::text_column!(ProposalStatus);

crate::domain::text_enum! {
    #[derive(ToSchema)]
    pub enum ProposalOutcome {
        Accepted = "accepted",
        Declined = "declined",
    }
}

/// A target of another template that this one supports: when both are assigned, the employee's
/// target is proposed as supporting the supervisor's target made from it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateLink {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub template_id: String,
    /// The position of the target in that template's `targets` (0 for the first).
    #[validate(range(max = 49))]
    #[schema(maximum = 49)]
    pub target: u32,
}

/// A target of a template: what an employee in the position typically plans.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateTarget {
    #[validate(length(min = 3, max = 1000))]
    #[schema(min_length = 3, max_length = 1000)]
    pub description: String,
    pub kind: TargetKind,
    /// Only for senior executives' (JPT) positions, as on an SKP.
    pub perspective: Option<Perspective>,
    /// The typical weight; rescaled to sum to 100 when several templates fill one SKP.
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    #[schema(exclusive_minimum = 0.0, maximum = 100.0)]
    pub weight: f64,
    #[validate(nested)]
    pub supports: Option<TemplateLink>,
    /// Indicators with their aspects, units and typical target values.
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub indicators: Vec<IndicatorInput>,
}

/// The targets of a template version.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateContent {
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub targets: Vec<TemplateTarget>,
}

/// A template made directly by an admin or a unit head.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "0193...", "position": "Pranata Komputer", "name": "Layanan TIK",
    "content": {"targets": [{"description": "Layanan aplikasi berjalan", "kind": "utama", "weight": 100,
    "indicators": [{"description": "Gangguan aplikasi ditangani", "aspects": [{"aspect": "kuantitas", "target": 120, "unit": "tiket"}]}]}]}}))]
pub struct NewTemplate {
    /// The unit whose template it is; absent for the position anywhere in the organisation (admins).
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// The position (jabatan) exactly as employees' records name it.
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub position: String,
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    pub name: String,
    #[validate(nested)]
    pub content: TemplateContent,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Template {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    #[schema(value_type = Option<String>)]
    pub unit_id: Option<UnitId>,
    pub position: String,
    pub name: String,
    /// 1 when made; each accepted change is the next version.
    pub version: i32,
    pub content: TemplateContent,
    #[schema(value_type = String)]
    pub created_by: EmployeeId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A staff proposal: a new template (with `position` and `name`), or a change to one (`template_id`).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub template_id: Option<String>,
    /// For a new template: its unit (default the proposer's own).
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// For a new template: the position.
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub position: Option<String>,
    /// For a new template: its name; for a change, a new name if wanted.
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    pub name: Option<String>,
    #[validate(nested)]
    pub content: TemplateContent,
    /// Why: what the work is, or what proved hard to measure.
    #[validate(length(min = 10, max = 4000))]
    #[schema(min_length = 10, max_length = 4000)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// Absent for a proposed new template (until accepted: see `resulting_template_id`).
    pub template_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub unit_id: Option<UnitId>,
    pub position: String,
    pub name: String,
    pub content: TemplateContent,
    pub reason: String,
    #[schema(value_type = String)]
    pub proposed_by: EmployeeId,
    pub status: ProposalStatus,
    pub decision_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub decided_by: Option<EmployeeId>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub resulting_template_id: Option<String>,
    pub resulting_version: Option<i32>,
    /// Send it back in `If-Match` to decide.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecision {
    pub outcome: ProposalOutcome,
    #[validate(length(min = 5, max = 4000))]
    #[schema(min_length = 5, max_length = 4000)]
    pub reason: String,
}

/// Assign a position's templates to its employees for a period.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTemplates {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub position: String,
    /// Only the employees of this unit (required for a unit head: their unit); absent for the
    /// whole organisation (admins).
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
}

/// A draft SKP made from templates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignedSkp {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub skp_id: String,
    /// The templates (id) that filled it.
    pub templates: Vec<String>,
    pub targets: usize,
    /// Targets proposed as supporting a target of the supervisor's SKP.
    pub linked_to_supervisor: usize,
}

/// An employee who already had an SKP for the period: left as it is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExistingSkp {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub skp_id: String,
    pub status: SkpStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    pub period_id: String,
    pub position: String,
    /// Draft SKPs made now.
    pub created: Vec<AssignedSkp>,
    /// Employees who had an SKP: not overwritten.
    pub existing: Vec<ExistingSkp>,
    /// Employees of the position for whom no template applies (none for their unit or the organisation).
    #[schema(value_type = Vec<String>)]
    pub without_template: Vec<EmployeeId>,
}

/// An indicator found hard to measure.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFlag {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub indicator_id: String,
    /// What made it hard to measure.
    #[validate(length(min = 5, max = 2000))]
    #[schema(min_length = 5, max_length = 2000)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorFlag {
    pub id: String,
    pub period_id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub skp_id: String,
    pub indicator_id: String,
    pub indicator_description: String,
    /// The template the indicator came from; absent for an indicator the employee wrote.
    pub template_id: Option<String>,
    pub note: String,
    #[schema(value_type = String)]
    pub flagged_by: EmployeeId,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One indicator of a template with its flags.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlaggedIndicator {
    pub description: String,
    pub flags: usize,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlaggedTemplate {
    pub template_id: String,
    pub name: String,
    pub position: String,
    #[schema(value_type = Option<String>)]
    pub unit_id: Option<UnitId>,
    pub flags: usize,
    pub indicators: Vec<FlaggedIndicator>,
}

/// Templates by how often their indicators were flagged in a period, most first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlagReport {
    pub period_id: String,
    pub templates: Vec<FlaggedTemplate>,
    /// Flags on indicators the employees wrote themselves.
    pub flags_without_template: usize,
}
