//! Assessments (evaluasi) of a sub-period or of the year: the employee's self-assessment and the
//! supervisor's assessment on the same criteria — the results and behaviour ratings, a 1-5 score
//! per BerAKHLAK value, comments and the follow-up plan. A draft is private to its author;
//! publishing the supervisor's assessment shows it to the employee and opens the objection window.
//! A published assessment is locked.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId};
use crate::domain::assessment::{CriterionGap, ObjectionStatus};
use crate::domain::engine::ObjectionOutcome;
use crate::domain::predikat::{Predikat, Rating};
use crate::ratings::peer::BerakhlakScores;

crate::domain::text_enum! {
    /// Whose assessment it is.
    #[derive(ToSchema)]
    pub enum AssessmentKind {
        /// The employee's own view; it weighs nothing in the score.
        SelfAssessment = "self",
        /// The direct supervisor's (pejabat penilai kinerja) assessment: the one that counts.
        Supervisor = "supervisor",
    }
}
crate::db::types::text_column!(AssessmentKind);

crate::domain::text_enum! {
    /// Draft (private to its author) or published (locked, shown to the employee and supervisors).
    #[derive(ToSchema)]
    pub enum AssessmentStatus {
        Draft = "draft",
        Published = "published",
    }
}
crate::db::types::text_column!(AssessmentStatus);

/// A training need of the follow-up plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"topic": "Analisis data kependudukan", "note": "Diklat teknis, triwulan berikutnya"}))]
pub struct TrainingNeed {
    /// What to learn; the training unit groups recommendations by it.
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    pub topic: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub note: String,
}

/// The rencana tindak lanjut agreed after the assessment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpPlan {
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub training_needs: Vec<TrainingNeed>,
    /// Coaching (pembinaan) planned, if any.
    #[validate(length(min = 3, max = 4000))]
    #[schema(min_length = 3, max_length = 4000)]
    pub coaching: Option<String>,
    /// Recognition (penghargaan) recommended, if any.
    #[validate(length(min = 3, max = 4000))]
    #[schema(min_length = 3, max_length = 4000)]
    pub recognition: Option<String>,
}

/// The whole content of an assessment; it replaces what was there. A draft may leave ratings
/// and scores out; publishing needs both ratings and all seven scores.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "results_rating": "sesuai_ekspektasi", "behaviour_rating": "di_atas_ekspektasi",
    "behaviour_scores": {"berorientasi_pelayanan": 4, "akuntabel": 4, "kompeten": 3, "harmonis": 4, "loyal": 5, "adaptif": 3, "kolaboratif": 4},
    "comment": "Target triwulan tercapai", "reason": null,
    "follow_up": {"training_needs": [{"topic": "Analisis data kependudukan", "note": ""}], "coaching": null, "recognition": null}
}))]
pub struct AssessmentContent {
    pub results_rating: Option<Rating>,
    pub behaviour_rating: Option<Rating>,
    #[validate(nested)]
    pub behaviour_scores: Option<BerakhlakScores>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub comment: String,
    /// Why a given rating differs from the suggested one (the score shows both).
    #[validate(length(min = 3, max = 4000))]
    #[schema(min_length = 3, max_length = 4000)]
    pub reason: Option<String>,
    #[validate(nested)]
    #[serde(default)]
    pub follow_up: FollowUpPlan,
}

/// Starts an empty draft assessment of a sub-period, or of the year when `sub_period_id` is absent.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// A quarter or month of the period; absent for the assessment of the whole year.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Whom to assess: the caller (a self-assessment, the default) or one of their direct reports.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub employee_id: Option<EmployeeId>,
}

/// The objection to a supervisor's assessment, in brief.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ObjectionBrief {
    pub id: String,
    pub status: ObjectionStatus,
    /// Once decided.
    pub outcome: Option<ObjectionOutcome>,
}

/// An assessment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub period_id: String,
    /// Absent for the assessment of the year.
    pub sub_period_id: Option<String>,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    /// Who wrote it: the employee (self) or the supervisor at the time.
    #[schema(value_type = String)]
    pub author_id: EmployeeId,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    pub results_rating: Option<Rating>,
    pub behaviour_rating: Option<Rating>,
    pub behaviour_scores: Option<BerakhlakScores>,
    pub comment: String,
    pub reason: Option<String>,
    pub follow_up: FollowUpPlan,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// For a published supervisor's assessment: the first instant at which an objection is late
    /// (the end of the window's last day in the organisation's time zone).
    pub objection_deadline: Option<chrono::DateTime<chrono::Utc>>,
    pub objection: Option<ObjectionBrief>,
    /// The ratings that count: the objection's decision where it changed them, else these.
    pub final_results_rating: Option<Rating>,
    pub final_behaviour_rating: Option<Rating>,
    /// The predicate of the final ratings (the regulation's matrix), once both are given.
    pub final_predikat: Option<Predikat>,
    /// Send it back in `If-Match` to change the assessment.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The supervisor's assessment beside the employee's published self-assessment, with the gap
/// per criterion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssessmentComparison {
    pub supervisor: Assessment,
    /// Absent until the employee publishes a self-assessment of the same sub-period (or year).
    pub self_assessment: Option<Assessment>,
    pub gaps: Vec<CriterionGap>,
}

crate::versioned::versioned!(Assessment);

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub period_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Only the assessments of the year (true) or of sub-periods (false).
    pub yearly: Option<bool>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub employee_id: Option<EmployeeId>,
    pub kind: Option<AssessmentKind>,
    pub status: Option<AssessmentStatus>,
    /// Only assessments changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
