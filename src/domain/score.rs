//! Nilai kinerja: one number (0-120) for ranking, from results, behaviour and optionally the
//! citizen index, weighted by the policy and renormalised over what is present.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::capaian::CAPAIAN_CAP;
use super::policy::ComponentWeights;

crate::domain::text_enum! {
    #[derive(ToSchema)]
    pub enum Component {
        Results = "results",
        Behaviour = "behaviour",
        Citizen = "citizen",
        /// The share of the officer's complaint answers given in time (only where the policy weighs it).
        Complaints = "complaints",
    }
}

/// One component's part in the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComponentPart {
    pub component: Component,
    /// As given: nilai hasil kerja (0-120), behaviour mean (1-5), converted index (25-100) or
    /// complaints answered in time (percent).
    pub raw: f64,
    /// On the common percent scale, capped at 120.
    pub as_percent: f64,
    /// The weight used after renormalising.
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NilaiKinerja {
    pub value: f64,
    pub parts: Vec<ComponentPart>,
}

/// Behaviour on the percent scale: the 1-5 mean ÷ 3 × 100, so that "meets" (3) is 100.
pub fn behaviour_as_percent(mean: f64) -> f64 {
    (mean / 3.0 * 100.0).min(CAPAIAN_CAP)
}

/// Combines what is present; `None` when nothing is.
pub fn nilai_kinerja(
    results: Option<f64>,
    behaviour_mean: Option<f64>,
    citizen_converted: Option<f64>,
    multi_rater: bool,
    weights: &ComponentWeights,
) -> Option<NilaiKinerja> {
    nilai_kinerja_with_complaints(results, behaviour_mean, citizen_converted, None, multi_rater, weights)
}

/// As [`nilai_kinerja`], with the officer's complaint answers in time (percent) and the policy's
/// weight of it (`None` or a weight of 0 leaves it out, as by default).
pub fn nilai_kinerja_with_complaints(
    results: Option<f64>,
    behaviour_mean: Option<f64>,
    citizen_converted: Option<f64>,
    complaints: Option<(f64, f64)>,
    multi_rater: bool,
    weights: &ComponentWeights,
) -> Option<NilaiKinerja> {
    let (w_results, w_behaviour) = if multi_rater {
        (weights.results_multi_rater, weights.behaviour_multi_rater)
    } else {
        (weights.results, weights.behaviour)
    };
    let candidates = [
        (Component::Results, results, results.map(|r| r.min(CAPAIAN_CAP)), w_results),
        (Component::Behaviour, behaviour_mean, behaviour_mean.map(behaviour_as_percent), w_behaviour),
        (Component::Citizen, citizen_converted, citizen_converted.map(|c| c.min(CAPAIAN_CAP)), weights.citizen),
        (
            Component::Complaints,
            complaints.map(|c| c.0),
            complaints.map(|c| c.0.clamp(0.0, 100.0)),
            complaints.map_or(0.0, |c| c.1),
        ),
    ];
    let present: Vec<(Component, f64, f64, f64)> = candidates
        .into_iter()
        .filter_map(|(c, raw, pct, w)| match (raw, pct) {
            (Some(raw), Some(pct)) if w > 0.0 => Some((c, raw, pct, w)),
            _ => None,
        })
        .collect();
    let total: f64 = present.iter().map(|p| p.3).sum();
    if present.is_empty() || total <= 0.0 {
        return None;
    }
    let parts: Vec<ComponentPart> = present
        .into_iter()
        .map(|(component, raw, as_percent, w)| ComponentPart { component, raw, as_percent, weight: w / total })
        .collect();
    let value = parts.iter().map(|p| p.as_percent * p.weight).sum::<f64>().clamp(0.0, CAPAIAN_CAP);
    Some(NilaiKinerja { value, parts })
}

#[cfg(test)]
mod complaint_weight_tests {
    use super::*;

    #[test]
    fn complaints_weigh_only_with_a_weight() {
        let w = ComponentWeights::default();
        let plain = nilai_kinerja(Some(92.09), Some(3.0), None, false, &w).unwrap();
        assert_eq!(
            nilai_kinerja_with_complaints(Some(92.09), Some(3.0), None, Some((50.0, 0.0)), false, &w),
            Some(plain)
        );
        // 0.7 × 92.09 + 0.3 × 100 = 94.463, then complaints 50 % at 0.1 of 1.1 in all.
        let weighed =
            nilai_kinerja_with_complaints(Some(92.09), Some(3.0), None, Some((50.0, 0.1)), false, &w).unwrap();
        let expected = (0.7 * 92.09 + 0.3 * 100.0 + 0.1 * 50.0) / 1.1;
        assert!((weighed.value - expected).abs() < 1e-9, "{weighed:?}");
        assert_eq!(weighed.parts.last().map(|p| p.component), Some(Component::Complaints));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seventy_thirty_or_sixty_forty() {
        let w = ComponentWeights::default();
        // Results 92.09, behaviour "meets" (3.0 → 100%): 0.7 × 92.09 + 0.3 × 100 = 94.463.
        let single = nilai_kinerja(Some(92.09), Some(3.0), None, false, &w).unwrap();
        assert!((single.value - 94.463).abs() < 1e-9);
        // With peers: 0.6 × 92.09 + 0.4 × 100 = 95.254.
        let multi = nilai_kinerja(Some(92.09), Some(3.0), None, true, &w).unwrap();
        assert!((multi.value - 95.254).abs() < 1e-9);
    }

    #[test]
    fn missing_components_are_left_out_and_the_rest_renormalised() {
        let w = ComponentWeights { citizen: 0.1, ..Default::default() };
        let no_citizen = nilai_kinerja(Some(100.0), Some(4.5), None, false, &w).unwrap();
        assert_eq!(no_citizen.parts.len(), 2);
        assert!((no_citizen.parts.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-12);
        // 4.5 → 150% is capped at 120.
        assert_eq!(no_citizen.parts[1].as_percent, 120.0);
        assert!(nilai_kinerja(None, None, None, false, &w).is_none());
        let results_only = nilai_kinerja(Some(130.0), None, None, false, &w).unwrap();
        assert_eq!(results_only.value, 120.0);
    }

    proptest! {
        #[test]
        fn the_score_lies_within_0_and_120(r in 0f64..200.0, b in 1f64..=5.0, c in 25f64..=100.0, multi: bool, cw in 0f64..1.0) {
            let w = ComponentWeights { citizen: cw, ..Default::default() };
            let n = nilai_kinerja(Some(r), Some(b), Some(c), multi, &w).unwrap();
            prop_assert!((0.0..=120.0).contains(&n.value));
            prop_assert!((n.parts.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }
}
