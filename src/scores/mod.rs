//! Scores: an employee's result for a sub-period or the year, computed on read from everything
//! it depends on (the approved SKP and its verified achievements, the assessments and any
//! objection's decision, peer and subordinate ratings, the citizen index naming the employee, the
//! policy in force), so it is never stale. The rules are `domain::engine`; this module loads
//! their inputs in a fixed number of queries per request, whatever the number of targets or
//! employees on the page. An employee's score, once served, is kept by the instance and served
//! again while its inputs are the same (`kept`: one statement reads their digest). Closing a
//! period freezes its scores (`freeze`): a closed period's scores are served from the stored
//! snapshot, and every snapshot stays readable.

mod closing;
pub mod freeze;
pub mod kept;
pub mod packing;
mod routes;
pub mod store;

pub use routes::{employee_routes, period_routes, routes, unit_routes};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, UnitId};
use crate::domain::engine::{PredicateBasis, Scorecard};
use crate::domain::predikat::{Predikat, Rating};

/// Which score: the year of a period, or one of its sub-periods.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoreQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// One month or quarter instead of the whole year.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// A stored snapshot (1 for the period's first close, 2 for the next, ...) instead of the
    /// latest one (closed period) or the live score (open period).
    #[validate(range(min = 1))]
    #[param(minimum = 1)]
    pub snapshot: Option<i32>,
}

/// A supervisor's team, paged.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// A stored snapshot instead of the latest (closed period) or the live scores.
    #[validate(range(min = 1))]
    #[param(minimum = 1)]
    pub snapshot: Option<i32>,
    /// Whose direct reports; the caller's when absent (admins and auditors may name anyone).
    #[validate(length(min = 1, max = 64))]
    #[param(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub supervisor_id: Option<EmployeeId>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A unit's employees, paged.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitScoreQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// A stored snapshot instead of the latest (closed period) or the live scores.
    #[validate(range(min = 1))]
    #[param(minimum = 1)]
    pub snapshot: Option<i32>,
    /// Also everyone in the unit's sub-units, at any depth (default false).
    pub include_sub_units: Option<bool>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// What a score covers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreScope {
    pub period_id: String,
    /// Absent for the year.
    pub sub_period_id: Option<String>,
    #[schema(example = "2026-Q1")]
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Whether a score is computed from the inputs as they are now, or read from a stored snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreState {
    /// Computed on this read: the period is open (or the employee had no score frozen).
    Live,
    /// Stored when the period was closed; it no longer changes.
    Frozen,
}

/// A stored snapshot of a score: the period's `snapshot`-th close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotRef {
    pub snapshot: i32,
    pub frozen_at: DateTime<Utc>,
}

/// One employee's score with its whole explanation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmployeeScore {
    pub state: ScoreState,
    /// Which snapshot, when frozen.
    pub snapshot: Option<i32>,
    /// When the snapshot was stored (the period's close), when frozen.
    pub frozen_at: Option<DateTime<Utc>>,
    /// Every snapshot stored of this score, oldest first (`?snapshot=N` reads one).
    pub snapshots: Vec<SnapshotRef>,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub nip: String,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub scope: ScoreScope,
    /// The approved SKP revision the results are measured against; absent without one.
    pub skp_id: Option<String>,
    pub skp_revision: Option<i32>,
    pub explanation: Scorecard,
}

/// One employee's numbers in a team or unit list, without the explanation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreSummary {
    pub state: ScoreState,
    pub snapshot: Option<i32>,
    pub frozen_at: Option<DateTime<Utc>>,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub nip: String,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub skp_id: Option<String>,
    pub nilai_hasil_kerja: Option<f64>,
    pub behaviour_mean: Option<f64>,
    pub suggested_results: Option<Rating>,
    pub suggested_behaviour: Option<Rating>,
    pub final_results: Option<Rating>,
    pub final_behaviour: Option<Rating>,
    pub predikat: Option<Predikat>,
    pub predicate_basis: Option<PredicateBasis>,
    pub nilai_kinerja: Option<f64>,
    pub policy_version: i32,
}

impl From<EmployeeScore> for ScoreSummary {
    fn from(score: EmployeeScore) -> Self {
        let card = score.explanation;
        let [results, behaviour] = &card.ratings[..] else { unreachable!("the engine gives two rating rows") };
        ScoreSummary {
            state: score.state,
            snapshot: score.snapshot,
            frozen_at: score.frozen_at,
            employee_id: score.employee_id,
            employee_name: score.employee_name,
            nip: score.nip,
            unit_id: score.unit_id,
            skp_id: score.skp_id,
            nilai_hasil_kerja: card.results.nilai_hasil_kerja,
            behaviour_mean: card.behaviour.mean,
            suggested_results: results.suggested,
            suggested_behaviour: behaviour.suggested,
            final_results: results.final_rating,
            final_behaviour: behaviour.final_rating,
            predikat: card.predicate.as_ref().map(|p| p.predikat),
            predicate_basis: card.predicate.as_ref().map(|p| p.basis),
            nilai_kinerja: card.nilai_kinerja.as_ref().map(|n| n.value),
            policy_version: card.policy_version,
        }
    }
}
