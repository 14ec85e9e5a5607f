//! The scoring policy: every number an agency may change, with the regulation's defaults.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::behaviour::RaterWeights;
use super::distribution::DistributionCurve;
use super::predikat::RatingThresholds;

crate::domain::text_enum! {
    /// How often employees are evaluated within the year.
    #[derive(Default, ToSchema)]
    pub enum EvaluationFrequency {
        Monthly = "monthly",
        #[default]
        Quarterly = "quarterly",
    }
}

/// Who decides an objection where the supervisor has no supervisor in the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionFallback {
    /// An admin of the organisation who is neither the employee nor the supervisor (recording,
    /// as for the head of agency's SKP, the decision of the official above).
    #[default]
    Admin,
}

/// Who records the organisation's own rating for a period (given by the level above: the regional
/// head or the ministry), on which the distribution curve depends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationRatingRecorder {
    /// The organisation's admins record the rating they were given (it comes from outside the
    /// organisation's own reporting line, so nobody inside it rates their own organisation).
    #[default]
    Admin,
}

/// How results, behaviour and the citizen index combine into nilai kinerja.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentWeights {
    /// Results weight with the supervisor's behaviour rating only (PP 30/2019: 0.7).
    pub results: f64,
    pub behaviour: f64,
    /// Results weight when peer or subordinate input counted (PP 30/2019: 0.6).
    pub results_multi_rater: f64,
    pub behaviour_multi_rater: f64,
    /// Weight of the citizen index; 0 leaves it out.
    pub citizen: f64,
}

impl Default for ComponentWeights {
    fn default() -> Self {
        ComponentWeights {
            results: 0.7,
            behaviour: 0.3,
            results_multi_rater: 0.6,
            behaviour_multi_rater: 0.4,
            citizen: 0.0,
        }
    }
}

/// Every policy number; an organisation's changes make new versions of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringPolicy {
    /// Suggested results rating from nilai hasil kerja (default above ≥ 110, meets ≥ 90).
    pub results_thresholds: RatingThresholds,
    /// Suggested behaviour rating from the BerAKHLAK mean (default above ≥ 4.0, meets ≥ 3.0).
    pub behaviour_thresholds: RatingThresholds,
    /// Behaviour rater weights (default supervisor 0.5, peers 0.3, subordinates 0.2).
    pub rater_weights: RaterWeights,
    pub component_weights: ComponentWeights,
    /// Peers (and subordinates) who must answer before their group counts and is shown (default 3,
    /// at least 3 so that no answer can be told apart).
    pub min_peers: u32,
    /// Citizen responses needed before an index is given as a number (default 10).
    pub min_citizen_responses: u32,
    /// Days an employee has to object to a rating (PP 30/2019: 14), counted in local dates of
    /// the organisation's time zone from the day the rating was published.
    pub objection_window_days: u32,
    /// Who decides an objection when nobody sits above the supervisor who gave the rating
    /// (default `admin`: an admin of the organisation who is not a party).
    #[serde(default)]
    pub objection_decider_without_superior: ObjectionFallback,
    pub evaluation_frequency: EvaluationFrequency,
    /// Who records the organisation's own rating for a period (default `admin`).
    #[serde(default)]
    pub organization_rating_recorder: OrganizationRatingRecorder,
    /// Allowed predicate distributions per organisation rating (default SE MenPANRB 3/2023).
    pub distribution_curve: DistributionCurve,
    /// Citizen complaints: deadlines in working days (default first answer within 5, closed within
    /// 14) and the weight of an officer's complaint handling in nilai kinerja (default 0: shown,
    /// not weighed).
    #[serde(default)]
    pub complaints: super::complaint::ComplaintPolicy,
}

impl Default for ScoringPolicy {
    fn default() -> Self {
        ScoringPolicy {
            results_thresholds: RatingThresholds::RESULTS,
            behaviour_thresholds: RatingThresholds::BEHAVIOUR,
            rater_weights: RaterWeights::default(),
            component_weights: ComponentWeights::default(),
            min_peers: 3,
            min_citizen_responses: 10,
            objection_window_days: 14,
            objection_decider_without_superior: ObjectionFallback::Admin,
            evaluation_frequency: EvaluationFrequency::Quarterly,
            organization_rating_recorder: OrganizationRatingRecorder::Admin,
            distribution_curve: DistributionCurve::default(),
            complaints: super::complaint::ComplaintPolicy::default(),
        }
    }
}

/// A field of a policy that is out of bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyViolation {
    /// Dotted path, e.g. `rater_weights.peer`.
    pub field: String,
    pub message: String,
}

impl ScoringPolicy {
    pub fn validate(&self) -> Result<(), Vec<PolicyViolation>> {
        let mut v = Vec::new();
        let mut fail =
            |field: &str, message: &str| v.push(PolicyViolation { field: field.into(), message: message.into() });
        let weights = [
            ("rater_weights.supervisor", self.rater_weights.supervisor),
            ("rater_weights.peer", self.rater_weights.peer),
            ("rater_weights.subordinate", self.rater_weights.subordinate),
            ("component_weights.results", self.component_weights.results),
            ("component_weights.behaviour", self.component_weights.behaviour),
            ("component_weights.results_multi_rater", self.component_weights.results_multi_rater),
            ("component_weights.behaviour_multi_rater", self.component_weights.behaviour_multi_rater),
            ("component_weights.citizen", self.component_weights.citizen),
        ];
        for (field, w) in weights {
            if !(0.0..=1.0).contains(&w) {
                fail(field, "must be between 0 and 1");
            }
        }
        if self.rater_weights.supervisor <= 0.0 {
            fail("rater_weights.supervisor", "the supervisor's rating must weigh something");
        }
        let c = &self.component_weights;
        if c.results + c.behaviour <= 0.0 || c.results_multi_rater + c.behaviour_multi_rater <= 0.0 {
            fail("component_weights", "results and behaviour together must weigh something");
        }
        for (field, t, range) in [
            ("results_thresholds", &self.results_thresholds, 0.0..=120.0),
            ("behaviour_thresholds", &self.behaviour_thresholds, 1.0..=5.0),
        ] {
            if !(range.contains(&t.above) && range.contains(&t.meets)) {
                fail(field, &format!("thresholds must lie within {} to {}", range.start(), range.end()));
            }
            if t.above <= t.meets {
                fail(field, "`above` must be higher than `meets`");
            }
        }
        // Fewer than three answers cannot stay anonymous: with two, either rater can read the other's.
        if !(3..=50).contains(&self.min_peers) {
            fail("min_peers", "must be between 3 and 50");
        }
        if !(1..=10_000).contains(&self.min_citizen_responses) {
            fail("min_citizen_responses", "must be between 1 and 10000");
        }
        if !(1..=90).contains(&self.objection_window_days) {
            fail("objection_window_days", "must be between 1 and 90");
        }
        let complaints = &self.complaints;
        if !(1..=60).contains(&complaints.answer_within_working_days) {
            fail("complaints.answer_within_working_days", "must be between 1 and 60");
        }
        if !(complaints.answer_within_working_days..=120).contains(&complaints.close_within_working_days) {
            fail("complaints.close_within_working_days", "must be between the answer deadline and 120");
        }
        if !(0.0..=1.0).contains(&complaints.weight) {
            fail("complaints.weight", "must be between 0 and 1");
        }
        if let Err(problems) = self.distribution_curve.validate() {
            for (field, message) in problems {
                fail(&field, &message);
            }
        }
        if v.is_empty() {
            Ok(())
        } else {
            Err(v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_regulation_and_valid() {
        let p = ScoringPolicy::default();
        assert_eq!((p.rater_weights.supervisor, p.rater_weights.peer, p.rater_weights.subordinate), (0.5, 0.3, 0.2));
        assert_eq!((p.min_peers, p.min_citizen_responses, p.objection_window_days), (3, 10, 14));
        assert_eq!(p.results_thresholds.above, 110.0);
        assert!(p.validate().is_ok());
    }

    #[test]
    fn out_of_bounds_fields_are_named() {
        let mut p = ScoringPolicy::default();
        p.rater_weights.peer = 1.5;
        p.behaviour_thresholds = RatingThresholds { above: 3.0, meets: 4.0 };
        p.min_peers = 0;
        let fields: Vec<String> = p.validate().unwrap_err().into_iter().map(|v| v.field).collect();
        assert_eq!(fields, vec!["rater_weights.peer", "behaviour_thresholds", "min_peers"]);
    }

    #[test]
    fn the_policy_round_trips_through_json_and_refuses_unknown_fields() {
        let p = ScoringPolicy::default();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(serde_json::from_value::<ScoringPolicy>(json.clone()).unwrap(), p);
        let mut typo = json;
        typo["min_peer"] = 2.into();
        assert!(serde_json::from_value::<ScoringPolicy>(typo).is_err());
    }

    #[test]
    fn a_policy_stored_before_the_objection_fallback_still_loads() {
        let mut stored = serde_json::to_value(ScoringPolicy::default()).unwrap();
        stored.as_object_mut().unwrap().remove("objection_decider_without_superior");
        let policy: ScoringPolicy = serde_json::from_value(stored).unwrap();
        assert_eq!(policy.objection_decider_without_superior, ObjectionFallback::Admin);
        let mut stored = serde_json::to_value(ScoringPolicy::default()).unwrap();
        stored.as_object_mut().unwrap().remove("organization_rating_recorder");
        let policy: ScoringPolicy = serde_json::from_value(stored).unwrap();
        assert_eq!(policy.organization_rating_recorder, OrganizationRatingRecorder::Admin);
    }
}
