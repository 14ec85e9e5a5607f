//! Objections (keberatan, PP 30/2019): within the policy's window after a supervisor's assessment
//! is published (counted in the organisation's time zone), the employee objects once, with a
//! reason. The assessor's own supervisor (atasan pejabat penilai) decides: `upheld` (the rating
//! stands) or `changed` (new ratings), with a written reason. The decided ratings are the final
//! ones; the assessment keeps the original.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId};
use crate::domain::assessment::ObjectionStatus;
use crate::domain::engine::ObjectionOutcome;
use crate::domain::predikat::{Predikat, Rating};

crate::domain::text_enum! {
    /// Who decides.
    #[derive(ToSchema)]
    pub enum DeciderKind {
        /// The assessor's own supervisor (atasan pejabat penilai), named in `decider_id`.
        Superior = "superior",
        /// Nobody sat above the assessor: an admin who is not a party decides (the policy's
        /// `objection_decider_without_superior`).
        Admin = "admin",
    }
}
crate::db::types::text_column!(DeciderKind);

/// An objection to a published supervisor's assessment.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"assessment_id": "0193...", "reason": "Capaian triwulan melebihi target; bukti dukung terlampir"}))]
pub struct NewObjection {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assessment_id: String,
    /// Why the employee disagrees.
    #[validate(length(min = 10, max = 4000))]
    #[schema(min_length = 10, max_length = 4000)]
    pub reason: String,
}

/// The decision on an objection: `upheld`, or `changed` with both new ratings.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "changed", "reason": "Bukti dukung menunjukkan capaian di atas target",
    "results_rating": "di_atas_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"}))]
pub struct ObjectionDecision {
    pub outcome: ObjectionOutcome,
    /// The written reason for the decision.
    #[validate(length(min = 10, max = 4000))]
    #[schema(min_length = 10, max_length = 4000)]
    pub reason: String,
    /// Only with `changed`: the new results rating.
    pub results_rating: Option<Rating>,
    /// Only with `changed`: the new behaviour rating.
    pub behaviour_rating: Option<Rating>,
}

/// An objection with its decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Objection {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub assessment_id: String,
    pub period_id: String,
    /// Absent when the assessment is of the year.
    pub sub_period_id: Option<String>,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    /// The supervisor who gave the rating.
    #[schema(value_type = String)]
    pub assessor_id: EmployeeId,
    pub decider_kind: DeciderKind,
    /// The assessor's supervisor who decides; absent when an admin decides (`decider_kind: admin`).
    #[schema(value_type = Option<String>)]
    pub decider_id: Option<EmployeeId>,
    pub reason: String,
    pub status: ObjectionStatus,
    pub outcome: Option<ObjectionOutcome>,
    pub decision_reason: Option<String>,
    /// The supervisor's ratings, as published.
    pub original_results_rating: Option<Rating>,
    pub original_behaviour_rating: Option<Rating>,
    /// The ratings that count once decided (the new ones when `changed`).
    pub final_results_rating: Option<Rating>,
    pub final_behaviour_rating: Option<Rating>,
    pub final_predikat: Option<Predikat>,
    #[schema(value_type = Option<String>)]
    pub decided_by: Option<EmployeeId>,
    pub filed_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Send it back in `If-Match` to decide.
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

crate::versioned::versioned!(Objection);

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ObjectionQuery {
    pub status: Option<ObjectionStatus>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub employee_id: Option<EmployeeId>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub period_id: Option<String>,
    /// Only objections changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
