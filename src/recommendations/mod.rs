//! Follow-up (tindak lanjut, PermenPANRB 6/2022): from each employee's predicate that stands and
//! the follow-up plan of the supervisor's published assessment, who is recommended for
//! recognition, for training (grouped by topic, so the training unit can plan courses), for
//! coaching, or for a warning (`domain::recommendation`). The service recommends; people decide,
//! and their decision is recorded beside the recommendation.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, UnitId};
use crate::domain::predikat::Predikat;
use crate::domain::recommendation::RecommendationKind;
use crate::scores::ScoreScope;

crate::domain::text_enum! {
    /// What people decided on a recommendation.
    #[derive(ToSchema)]
    pub enum Decision {
        /// Acted on: the recognition given, the course planned, the coaching or warning given.
        Accepted = "accepted",
        /// Not acted on (the note says why).
        Declined = "declined",
    }
}
crate::db::types::text_column!(Decision);

/// Which recommendations: the year or a sub-period, the whole organisation or one unit.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Only the employees of this unit.
    #[validate(length(min = 1, max = 64))]
    #[param(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// With `unit_id`: also its sub-units, at any depth (default false).
    pub include_sub_units: Option<bool>,
}

/// A decision taken on a recommendation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendationDecision {
    pub id: String,
    pub period_id: String,
    pub sub_period_id: Option<String>,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub kind: RecommendationKind,
    /// The training topic as grouped (lower case, single spaces); absent for the other kinds.
    pub topic: Option<String>,
    pub decision: Decision,
    pub note: String,
    /// Who decided.
    #[schema(value_type = String)]
    pub decided_by: EmployeeId,
    pub decided_at: chrono::DateTime<chrono::Utc>,
}

/// Records what was decided on a recommendation. The employee must be recommended for it now.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"employee_id": "0194c1d2-...", "kind": "training", "topic": "Analisis data kependudukan", "decision": "accepted", "note": "Diklat teknis angkatan II, Maret"}))]
pub struct NewDecision {
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub employee_id: EmployeeId,
    /// The sub-period recommended in; absent for the year.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    pub kind: RecommendationKind,
    /// Required for `training`: the topic as the list shows it (case and spacing do not matter).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub topic: Option<String>,
    pub decision: Decision,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub note: String,
}

/// One employee recommended for something, why, and what was decided if anything.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendedEmployee {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub nip: String,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub predikat: Predikat,
    /// Why: "predikat sangat_baik", "follow-up plan".
    pub reasons: Vec<String>,
    pub decision: Option<RecommendationDecision>,
}

/// Everyone who needs one training topic: one course for the training unit to plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrainingTopic {
    /// The topic as first written.
    pub topic: String,
    /// The key topics are grouped by (lower case, single spaces); send it or `topic` to decide.
    pub topic_key: String,
    pub employees: Vec<RecommendedEmployee>,
}

/// The recommendations of a period (or sub-period), each list by employee id, training by topic.
/// Only predicates that stand (the supervisor's, or the objection's decision) recommend anything.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendationReport {
    pub scope: ScoreScope,
    pub recognition: Vec<RecommendedEmployee>,
    /// By topic, in alphabetical order.
    pub training: Vec<TrainingTopic>,
    pub coaching: Vec<RecommendedEmployee>,
    pub warning: Vec<RecommendedEmployee>,
}
