//! Peer (360) ratings: the supervisor or an admin assigns raters for a period; each rater scores
//! the seven BerAKHLAK values 1-5; the rated employee and the supervisor see only the mean per
//! value and the count per group, and only once the policy's minimum answered. Who answered, and
//! what any one rater said, is returned to nobody but that rater.

mod routes;
pub(crate) mod store;

pub use routes::{employee_routes, me_routes, period_routes, routes};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::EmployeeId;
use crate::domain::behaviour::{BerakhlakValue, RaterGroup};

crate::domain::text_enum! {
    /// The groups that rate through assignments (the supervisor rates in the assessment itself).
    #[derive(ToSchema)]
    pub enum AssignedGroup {
        /// A colleague at the same level.
        Peer = "peer",
        /// A direct subordinate of the rated employee.
        Subordinate = "subordinate",
    }
}
crate::db::types::text_column!(AssignedGroup);

impl AssignedGroup {
    pub fn rater_group(self) -> RaterGroup {
        match self {
            AssignedGroup::Peer => RaterGroup::Peer,
            AssignedGroup::Subordinate => RaterGroup::Subordinate,
        }
    }
}

/// Declares the raters' scores from the one list of values (`berakhlak_values!`).
macro_rules! berakhlak_scores {
    (
        $(#[$meta:meta])* ;
        $( $(#[$value_meta:meta])* $value:ident $field:ident $name:tt, )+
    ) => {
        $(#[$meta])*
        pub struct BerakhlakScores {
            $(
                #[validate(range(min = 1, max = 5))]
                #[schema(minimum = 1, maximum = 5)]
                pub $field: i32,
            )+
        }

        impl BerakhlakScores {
            /// The score of one value.
            pub fn get(&self, value: BerakhlakValue) -> i32 {
                match value {
                    $( BerakhlakValue::$value => self.$field, )+
                }
            }

            /// The seven scores from one per value; `None` unless `score` gives every one.
            pub fn from_fn(mut score: impl FnMut(BerakhlakValue) -> Option<i32>) -> Option<Self> {
                Some(BerakhlakScores { $( $field: score(BerakhlakValue::$value)?, )+ })
            }
        }
    };
}

crate::domain::behaviour::berakhlak_values!(berakhlak_scores! {
    /// One score per BerAKHLAK value, each 1 (far below) to 5 (far above expectations).
    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
    #[serde(deny_unknown_fields)]
});

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaterInput {
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub rater_id: EmployeeId,
    pub group: AssignedGroup,
}

/// Raters to assign to one employee for the period.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRaters {
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub ratee_id: EmployeeId,
    #[validate(length(min = 1, max = 30), nested)]
    #[schema(min_items = 1, max_items = 30)]
    pub raters: Vec<RaterInput>,
}

/// What was assigned, as counts: who rates stays with the raters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentSummary {
    #[schema(value_type = String)]
    pub ratee_id: EmployeeId,
    pub peers_assigned: i64,
    pub subordinates_assigned: i64,
}

/// A colleague the service proposes as a rater.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedRater {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub name: String,
    pub position: String,
    pub group: AssignedGroup,
}

/// An assignment as its rater sees it, with the rater's own answer if given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAssignment {
    pub id: String,
    pub period_id: String,
    #[schema(value_type = String)]
    pub ratee_id: EmployeeId,
    pub ratee_name: String,
    pub group: AssignedGroup,
    pub scores: Option<BerakhlakScores>,
    pub comment: Option<String>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerRatingInput {
    #[validate(nested)]
    pub scores: BerakhlakScores,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// One rater group's aggregate: nothing of the answers is shown until enough of the group answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupAggregate {
    pub group: RaterGroup,
    /// How many raters of this group were assigned.
    pub assigned: i64,
    /// The policy's minimum of answers before anything of them is shown.
    pub min_respondents: i64,
    /// Whether the assessment is open and `min_respondents` answered, so that `respondents` and `means` are given.
    pub enough_responses: bool,
    /// How many answered; absent below the minimum.
    pub respondents: Option<i64>,
    /// Mean per value; absent below the minimum.
    pub means: Option<std::collections::BTreeMap<BerakhlakValue, f64>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeerFeedback {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub period_id: String,
    pub policy_version: i32,
    /// Whether the year's assessment is open (the period is `evaluating` or has ended): before,
    /// answers may still change and nothing of them is shown.
    pub assessment_open: bool,
    pub groups: Vec<GroupAggregate>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParam {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(length(min = 1, max = 64))]
    #[param(value_type = String, min_length = 1, max_length = 64)]
    pub ratee_id: EmployeeId,
}
