//! The organisation's scoring policy: every number the scoring uses (weights, thresholds, rater
//! weights, minimum responses, objection window, distribution curve). Each change is a new
//! version; a score names the version it used.
//! The rules themselves are in `crate::domain::policy`; types here; handlers in `routes.rs`;
//! rows and queries in `store.rs`.

mod routes;
mod store;

pub use routes::routes;
pub use store::{current, find_version, insert_version, PolicyRow};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::types::OrganizationId;
use crate::domain::policy::ScoringPolicy;

/// One version of the scoring policy.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyVersion {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// 1 is the regulation's defaults, set when the organisation was created.
    pub version: i32,
    /// Why this version was made.
    pub note: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub policy: ScoringPolicy,
}

/// A new version of the policy; send the whole policy (read the current one, change, send back).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    #[validate(length(min = 3, max = 2000))]
    #[schema(min_length = 3, max_length = 2000)]
    pub note: String,
    pub policy: ScoringPolicy,
}

crate::versioned::versioned!(PolicyVersion);
