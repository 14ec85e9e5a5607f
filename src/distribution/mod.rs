//! The distribution of predicates (kurva distribusi, SE MenPANRB 3/2023): the organisation's own
//! rating for a period, recorded by whoever the policy names, and the report of how its employees'
//! predicates, per unit and for the organisation, fit the curve that rating allows. Deviations are
//! named and reported, never corrected: the ratings stay as the supervisors gave them.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::domain::distribution::{DistributionCheck, OrgRating};
use crate::scores::ScoreScope;

/// The organisation's rating for a period, as recorded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganizationRating {
    pub period_id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub rating: OrgRating,
    /// Who gave the rating and on what basis.
    pub note: String,
    /// The employee who recorded it.
    #[schema(value_type = String)]
    pub recorded_by: EmployeeId,
    /// Send it back in `If-Match` to change the rating.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Records the organisation's rating for the period; replaces the one recorded (send `If-Match`
/// with its `ETag` then).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rating": "baik", "note": "Keputusan Bupati No. 800/12/2026 tentang predikat kinerja perangkat daerah"}))]
pub struct OrganizationRatingInput {
    pub rating: OrgRating,
    /// Who gave the rating and on what basis (a decree, a letter).
    #[validate(length(min = 3, max = 2000))]
    #[schema(min_length = 3, max_length = 2000)]
    pub note: String,
}

/// Which distribution: the year, or one sub-period.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistributionQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Also count predicates that are only suggested (the supervisor has not rated yet); by
    /// default only the ratings that stand count.
    pub include_provisional: Option<bool>,
}

/// One unit's distribution: everyone in the unit and its sub-units.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnitDistributionView {
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub check: DistributionCheck,
}

/// The predicate distribution of the organisation and of each unit (with its sub-units) against
/// the curve of the organisation's rating, every broken constraint named in `deviations`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DistributionReportView {
    pub scope: ScoreScope,
    pub organization_rating: OrganizationRating,
    /// The policy version whose curve was applied.
    pub policy_version: i32,
    /// Employees whose predicate counted.
    pub counted: u32,
    /// Employees with only a suggested predicate, not counted unless `include_provisional`.
    pub provisional: u32,
    /// Employees with no predicate yet (nothing to rate them on).
    pub without_predikat: u32,
    /// True when the organisation and every unit fit the curve.
    pub fits: bool,
    pub organization: DistributionCheck,
    /// Units with anyone counted, by unit id.
    pub units: Vec<UnitDistributionView>,
}

crate::versioned::versioned!(OrganizationRating);
