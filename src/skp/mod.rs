//! SKP (Sasaran Kinerja Pegawai): the employee's plan for a period — targets (RHK) with
//! indicators and their aspects — agreed with the supervisor. `draft → submitted → approved |
//! returned`; an approved SKP is locked and a change is a new revision.

pub mod cascade;
mod routes;
mod store;

pub use routes::{me_routes, period_routes, routes};
pub use store::{
    approved_of, check_content, find, insert, latest, load, load_many, replace_targets, target_rows, SkpRow, TargetRow,
};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::domain::capaian::Aspect;
// Scores weigh main targets differently, so the kind lives with the rules.
pub use crate::domain::capaian::TargetKind;

crate::domain::text_enum! {
    /// Where an SKP is in its approval.
    #[derive(ToSchema)]
    pub enum SkpStatus {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
    }
}
crate::db::types::text_column!(SkpStatus);

impl SkpStatus {
    /// The employee may change the content.
    pub fn is_editable(self) -> bool {
        matches!(self, SkpStatus::Draft | SkpStatus::Returned)
    }
}

crate::domain::text_enum! {
    /// The perspective of a senior executive's (JPT) target.
    #[derive(ToSchema)]
    pub enum Perspective {
        PenerimaLayanan = "penerima_layanan",
        ProsesBisnis = "proses_bisnis",
        PenguatanInternal = "penguatan_internal",
        Anggaran = "anggaran",
    }
}
crate::db::types::text_column!(Perspective);

/// The SKP's annex (lampiran): what the employee gets, how they account for it, and what follows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkpAnnex {
    /// Dukungan sumber daya: resources the employee will get.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub resources: String,
    /// Skema pertanggungjawaban: the accountability scheme.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub accountability: String,
    /// Konsekuensi: the consequences.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub consequences: String,
}

/// One aspect of an indicator with its target value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"aspect": "kuantitas", "target": 12, "unit": "laporan"}))]
pub struct AspectTarget {
    pub aspect: Aspect,
    /// The planned value: a count, a percent (kualitas), months or days (waktu), rupiah (biaya).
    pub target: f64,
    /// `persen` for kualitas; `bulan` or `hari` for waktu; `rupiah` for biaya; any for kuantitas.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: String,
}

/// An indicator of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    pub id: String,
    pub description: String,
    pub aspects: Vec<AspectTarget>,
}

/// A target (Rencana Hasil Kerja).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub id: String,
    /// The same across revisions of the SKP; cascade links point to it.
    pub lineage_id: String,
    pub description: String,
    pub kind: TargetKind,
    /// Only for senior executives (JPT).
    pub perspective: Option<Perspective>,
    /// Share of nilai hasil kerja; the targets' weights sum to 100 on submission.
    pub weight: f64,
    /// The supervisor's target this one supports (its lineage id).
    pub supports_target_id: Option<String>,
    pub indicators: Vec<Indicator>,
}

/// An SKP with everything in it, in one document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Skp {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub period_id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    /// 1 for the first plan; each change after approval is the next revision.
    pub revision: i32,
    pub status: SkpStatus,
    pub annex: SkpAnnex,
    /// Who decides (submitted) or decided (approved/returned).
    #[schema(value_type = Option<String>)]
    pub approver_id: Option<EmployeeId>,
    /// Why it was returned.
    pub return_comment: Option<String>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub total_weight: f64,
    pub targets: Vec<Target>,
    /// Send it back in `If-Match` to change the SKP.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// An SKP in a list: who, which revision, where in the workflow.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkpSummary {
    pub id: String,
    pub period_id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub employee_nip: String,
    pub revision: i32,
    pub status: SkpStatus,
    #[schema(value_type = Option<String>)]
    pub approver_id: Option<EmployeeId>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A new, empty draft SKP for the caller in a period.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSkp {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(nested)]
    #[serde(default)]
    pub annex: SkpAnnex,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[validate(length(min = 3, max = 1000))]
    #[schema(min_length = 3, max_length = 1000)]
    pub description: String,
    /// One to four aspects, each at most once.
    #[validate(length(min = 1, max = 4), nested)]
    #[schema(min_items = 1, max_items = 4)]
    pub aspects: Vec<AspectTarget>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// An existing target of this SKP to keep (its id and lineage); absent for a new target.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub id: Option<String>,
    #[validate(length(min = 3, max = 1000))]
    #[schema(min_length = 3, max_length = 1000)]
    pub description: String,
    pub kind: TargetKind,
    pub perspective: Option<Perspective>,
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    #[schema(exclusive_minimum = 0.0, maximum = 100.0)]
    pub weight: f64,
    /// A target (id or lineage id) of the employee's direct supervisor's SKP in the same period.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub supports_target_id: Option<String>,
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub indicators: Vec<IndicatorInput>,
}

/// The whole content of an SKP; it replaces what was there.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkpContent {
    #[validate(nested)]
    #[serde(default)]
    pub annex: SkpAnnex,
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub targets: Vec<TargetInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnSkp {
    /// What the employee must change.
    #[validate(length(min = 5, max = 4000))]
    #[schema(min_length = 5, max_length = 4000)]
    pub comment: String,
}

crate::versioned::versioned!(Skp);

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkpQuery {
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub period_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub employee_id: Option<EmployeeId>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub unit_id: Option<UnitId>,
    pub status: Option<SkpStatus>,
    /// Only SKPs changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A move of an SKP through the workflow: the audit action, the new status and what comes with it.
pub struct StatusChange {
    pub action: &'static str,
    pub status: SkpStatus,
    pub approver_id: Option<EmployeeId>,
    pub return_comment: Option<String>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub decided_at: Option<chrono::NaiveDateTime>,
}
