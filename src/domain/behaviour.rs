//! Work behaviour on the seven BerAKHLAK core values, rated 1-5 by the supervisor, peers and (for
//! supervisors) direct subordinates, combined by the policy's rater weights.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The seven BerAKHLAK values: the one list that [`BerakhlakValue`], the raters' scores, the
/// table's columns and the SQL sums are made from. `berakhlak_values!(some_macro! { args })` calls
/// `some_macro! { args ; Variant field "field", … }`.
macro_rules! berakhlak_values {
    ($($then:ident)::+ ! { $($args:tt)* }) => {
        $($then)::+! {
            $($args)* ;
            /// Berorientasi pelayanan: service-oriented.
            BerorientasiPelayanan berorientasi_pelayanan "berorientasi_pelayanan",
            /// Akuntabel: accountable.
            Akuntabel akuntabel "akuntabel",
            /// Kompeten: competent.
            Kompeten kompeten "kompeten",
            /// Harmonis: harmonious.
            Harmonis harmonis "harmonis",
            /// Loyal.
            Loyal loyal "loyal",
            /// Adaptif: adaptive.
            Adaptif adaptif "adaptif",
            /// Kolaboratif: collaborative.
            Kolaboratif kolaboratif "kolaboratif",
        }
    };
}
pub(crate) use berakhlak_values;

berakhlak_values!(crate::domain::text_enum::enum_from_list! {
    /// The core values of the civil service (BerAKHLAK).
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum BerakhlakValue
});

impl BerakhlakValue {
    pub fn label_id(self) -> &'static str {
        match self {
            BerakhlakValue::BerorientasiPelayanan => "Berorientasi Pelayanan",
            BerakhlakValue::Akuntabel => "Akuntabel",
            BerakhlakValue::Kompeten => "Kompeten",
            BerakhlakValue::Harmonis => "Harmonis",
            BerakhlakValue::Loyal => "Loyal",
            BerakhlakValue::Adaptif => "Adaptif",
            BerakhlakValue::Kolaboratif => "Kolaboratif",
        }
    }
}

crate::domain::text_enum! {
    /// Who gave a behaviour rating.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum RaterGroup {
        /// The direct supervisor (the appraiser).
        Supervisor = "supervisor",
        /// Peers at the same level (rekan kerja setingkat).
        Peer = "peer",
        /// Direct subordinates (bawahan langsung), for employees who supervise.
        Subordinate = "subordinate",
        /// The employee's own view: shown beside the others, weighs nothing.
        SelfAssessment = "self_assessment",
    }
}

/// The lowest and highest behaviour score.
pub const SCORE_RANGE: std::ops::RangeInclusive<f64> = 1.0..=5.0;

/// How much each rater group weighs (the self-assessment weighs 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RaterWeights {
    pub supervisor: f64,
    pub peer: f64,
    pub subordinate: f64,
}

impl Default for RaterWeights {
    fn default() -> Self {
        RaterWeights { supervisor: 0.5, peer: 0.3, subordinate: 0.2 }
    }
}

impl RaterWeights {
    pub fn weight(&self, group: RaterGroup) -> f64 {
        match group {
            RaterGroup::Supervisor => self.supervisor,
            RaterGroup::Peer => self.peer,
            RaterGroup::Subordinate => self.subordinate,
            RaterGroup::SelfAssessment => 0.0,
        }
    }
}

/// One rater group's answers, already averaged per value (the service averages in SQL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupInput {
    pub group: RaterGroup,
    /// How many raters of the group answered.
    pub respondents: u32,
    /// Mean score per value, 1-5.
    pub means: BTreeMap<BerakhlakValue, f64>,
}

/// A group that did not count, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExcludedGroup {
    pub group: RaterGroup,
    pub respondents: u32,
    pub reason: String,
}

/// The combined behaviour score, with what went into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BehaviourScore {
    /// Weighted mean per value over the groups that counted.
    pub per_value: BTreeMap<BerakhlakValue, f64>,
    /// Mean of the seven values.
    pub mean: f64,
    /// The weights actually used, renormalised over the groups that counted.
    pub weights_used: BTreeMap<RaterGroup, f64>,
    pub excluded: Vec<ExcludedGroup>,
    /// True when peer or subordinate input counted (results weigh 60/40 then, PP 30/2019).
    pub multi_rater: bool,
    /// The self-assessment, shown beside the score; it weighs nothing.
    pub self_assessment: Option<BTreeMap<BerakhlakValue, f64>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BehaviourError {
    #[error("{group:?} gave {value:?} the score {score}, outside 1-5")]
    OutOfRange { group: RaterGroup, value: BerakhlakValue, score: f64 },
    #[error("{group:?} did not score {value:?}")]
    MissingValue { group: RaterGroup, value: BerakhlakValue },
    #[error("no rater group counted: the supervisor has not rated yet")]
    NoRaters,
}

/// How many of a group must answer before it counts (and, for peers and subordinates, before
/// anything of their answers is shown): one supervisor or self, `min_peers` of the others.
pub fn minimum_respondents(group: RaterGroup, min_peers: u32) -> u32 {
    match group {
        RaterGroup::Supervisor | RaterGroup::SelfAssessment => 1,
        RaterGroup::Peer | RaterGroup::Subordinate => min_peers.max(1),
    }
}

/// Combines the groups: a peer or subordinate group counts only with at least `min_peers`
/// respondents; the supervisor counts with one. Weights are renormalised over what counts.
pub fn behaviour_score(
    inputs: &[GroupInput],
    weights: &RaterWeights,
    min_peers: u32,
) -> Result<BehaviourScore, BehaviourError> {
    let mut counted: Vec<(&GroupInput, f64)> = Vec::new();
    let mut excluded = Vec::new();
    let mut self_assessment = None;
    for input in inputs {
        for value in BerakhlakValue::ALL {
            match input.means.get(&value) {
                None if input.respondents > 0 => {
                    return Err(BehaviourError::MissingValue { group: input.group, value })
                }
                Some(&score) if !SCORE_RANGE.contains(&score) => {
                    return Err(BehaviourError::OutOfRange { group: input.group, value, score })
                }
                _ => {}
            }
        }
        let minimum = minimum_respondents(input.group, min_peers);
        if input.group == RaterGroup::SelfAssessment {
            if input.respondents > 0 {
                self_assessment = Some(input.means.clone());
            }
        } else if input.respondents < minimum {
            excluded.push(ExcludedGroup {
                group: input.group,
                respondents: input.respondents,
                reason: format!("{} answered, {minimum} needed", input.respondents),
            });
        } else if weights.weight(input.group) <= 0.0 {
            excluded.push(ExcludedGroup {
                group: input.group,
                respondents: input.respondents,
                reason: "the policy gives it no weight".into(),
            });
        } else {
            counted.push((input, weights.weight(input.group)));
        }
    }
    let total: f64 = counted.iter().map(|(_, w)| w).sum();
    if counted.is_empty() || total <= 0.0 {
        return Err(BehaviourError::NoRaters);
    }
    let per_value: BTreeMap<BerakhlakValue, f64> = BerakhlakValue::ALL
        .into_iter()
        .map(|value| (value, counted.iter().map(|(g, w)| g.means[&value] * w / total).sum()))
        .collect();
    let mean = per_value.values().sum::<f64>() / per_value.len() as f64;
    Ok(BehaviourScore {
        mean,
        per_value,
        weights_used: counted.iter().map(|(g, w)| (g.group, w / total)).collect(),
        multi_rater: counted.iter().any(|(g, _)| matches!(g.group, RaterGroup::Peer | RaterGroup::Subordinate)),
        excluded,
        self_assessment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn group(group: RaterGroup, respondents: u32, score: f64) -> GroupInput {
        GroupInput { group, respondents, means: BerakhlakValue::ALL.into_iter().map(|v| (v, score)).collect() }
    }

    #[test]
    fn supervisor_peers_and_subordinates_weigh_half_three_tenths_and_a_fifth() {
        let s = behaviour_score(
            &[
                group(RaterGroup::Supervisor, 1, 4.0),
                group(RaterGroup::Peer, 3, 3.0),
                group(RaterGroup::Subordinate, 4, 5.0),
            ],
            &RaterWeights::default(),
            3,
        )
        .unwrap();
        // 0.5 × 4 + 0.3 × 3 + 0.2 × 5 = 3.9
        assert!((s.mean - 3.9).abs() < 1e-9);
        assert!(s.multi_rater);
    }

    #[test]
    fn too_few_peers_do_not_count_and_the_rest_is_renormalised() {
        let s = behaviour_score(
            &[
                group(RaterGroup::Supervisor, 1, 4.0),
                group(RaterGroup::Peer, 2, 1.0),
                group(RaterGroup::SelfAssessment, 1, 5.0),
            ],
            &RaterWeights::default(),
            3,
        )
        .unwrap();
        assert_eq!(s.mean, 4.0);
        assert_eq!(s.weights_used[&RaterGroup::Supervisor], 1.0);
        assert_eq!(s.excluded[0].group, RaterGroup::Peer);
        assert!(!s.multi_rater);
        assert!(s.self_assessment.is_some());
    }

    #[test]
    fn bad_scores_and_no_raters_are_errors() {
        assert!(matches!(
            behaviour_score(&[group(RaterGroup::Supervisor, 1, 6.0)], &RaterWeights::default(), 3),
            Err(BehaviourError::OutOfRange { .. })
        ));
        assert_eq!(
            behaviour_score(&[group(RaterGroup::Peer, 5, 3.0)], &RaterWeights { peer: 0.0, ..Default::default() }, 3),
            Err(BehaviourError::NoRaters)
        );
        let mut partial = group(RaterGroup::Supervisor, 1, 3.0);
        partial.means.remove(&BerakhlakValue::Loyal);
        assert!(matches!(
            behaviour_score(&[partial], &RaterWeights::default(), 3),
            Err(BehaviourError::MissingValue { .. })
        ));
    }

    proptest! {
        #[test]
        fn used_weights_sum_to_one_and_the_mean_stays_in_range(
            sup in 1f64..=5.0, peer in 1f64..=5.0, sub in 1f64..=5.0, peers in 0u32..6, subs in 0u32..6, min in 1u32..5
        ) {
            let s = behaviour_score(
                &[group(RaterGroup::Supervisor, 1, sup), group(RaterGroup::Peer, peers, peer), group(RaterGroup::Subordinate, subs, sub)],
                &RaterWeights::default(),
                min,
            ).unwrap();
            let total: f64 = s.weights_used.values().sum();
            prop_assert!((total - 1.0).abs() < 1e-9);
            prop_assert!(s.mean >= 1.0 - 1e-9 && s.mean <= 5.0 + 1e-9);
        }
    }
}
