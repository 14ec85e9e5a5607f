//! Quantitative achievement (capaian) of a target, by the aspect formulas of PP 46/2011 with
//! Perka BKN 1/2013, capped at 120 as PP 30/2019 requires.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The highest capaian a target can reach (PP 30/2019).
pub const CAPAIAN_CAP: f64 = 120.0;

/// Efficiency at and below which time and cost take the first formula (Perka BKN 1/2013).
pub const EFFICIENCY_SWITCH: f64 = 24.0;

/// Floating-point slack in comparisons with the regulation's round numbers: 9.12 months of 12
/// gives E = 24.000000000000014 in binary, which is E = 24 and must take the first formula.
pub const TOLERANCE: f64 = 1e-9;

crate::domain::text_enum! {
    /// Main (utama) or additional (tambahan) target.
    #[derive(ToSchema)]
    pub enum TargetKind {
        Utama = "utama",
        Tambahan = "tambahan",
    }
}

crate::domain::text_enum! {
    /// What a target's indicator measures.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum Aspect {
        /// Quantity: more is better.
        Kuantitas = "kuantitas",
        /// Quality (percent): more is better.
        Kualitas = "kualitas",
        /// Time (months or days): less is better.
        Waktu = "waktu",
        /// Cost (rupiah): less is better; optional.
        Biaya = "biaya",
    }
}

impl Aspect {
    pub fn is_lower_better(self) -> bool {
        matches!(self, Aspect::Waktu | Aspect::Biaya)
    }

    /// The units an aspect may be stated in; `None` means any unit (quantity counts anything).
    pub fn allowed_units(self) -> Option<&'static [&'static str]> {
        match self {
            Aspect::Kuantitas => None,
            Aspect::Kualitas => Some(&["persen"]),
            Aspect::Waktu => Some(&["bulan", "hari"]),
            Aspect::Biaya => Some(&["rupiah"]),
        }
    }
}

/// Checks that `unit` fits the aspect.
pub fn validate_unit(aspect: Aspect, unit: &str) -> Result<(), String> {
    let unit = unit.trim();
    if unit.is_empty() || unit.len() > 50 {
        return Err("a unit of 1 to 50 characters is required".into());
    }
    match aspect.allowed_units() {
        Some(allowed) if !allowed.contains(&unit) => {
            Err(format!("the {} aspect is measured in {}", aspect.as_str(), allowed.join(" or ")))
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CapaianError {
    #[error("the target of {0:?} must be a positive number")]
    NonPositiveTarget(Aspect),
    #[error("the realisation of {0:?} cannot be negative")]
    NegativeRealisation(Aspect),
    #[error("a target needs at least one aspect")]
    NoAspects,
    #[error("the aspect {0:?} is given twice")]
    DuplicateAspect(Aspect),
}

/// One aspect's score with the formula that produced it, for the score's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AspectScore {
    pub aspect: Aspect,
    pub target: f64,
    pub realised: f64,
    /// `100 − realised/target × 100`, for time and cost.
    pub efficiency: Option<f64>,
    /// Which formula applied and why, briefly: "waktu, E = 33.3 > 24".
    pub branch: String,
    /// The formula with the numbers put in.
    pub formula: String,
    pub score: f64,
}

/// The score of one aspect: `realised/target × 100`, or for time and cost the efficiency formulas.
pub fn aspect_score(aspect: Aspect, target: f64, realised: f64) -> Result<AspectScore, CapaianError> {
    if !(target.is_finite() && target > 0.0) {
        return Err(CapaianError::NonPositiveTarget(aspect));
    }
    if !(realised.is_finite() && realised >= 0.0) {
        return Err(CapaianError::NegativeRealisation(aspect));
    }
    let name = aspect.as_str();
    let (efficiency, branch, formula, score) = if realised == 0.0 {
        // An aspect not carried out at all scores nothing, whatever its direction.
        (None, format!("{name}, not carried out"), "realised 0 = 0".to_string(), 0.0)
    } else if !aspect.is_lower_better() {
        let score = realised / target * 100.0;
        (None, format!("{name}, realised / target"), format!("{realised} / {target} × 100 = {score:.2}"), score)
    } else {
        let efficiency = 100.0 - realised / target * 100.0;
        let base = (1.76 * target - realised) / target * 100.0;
        if efficiency <= EFFICIENCY_SWITCH + TOLERANCE {
            (
                Some(efficiency),
                format!("{name}, E = {efficiency:.1} ≤ 24"),
                format!("((1.76 × {target} − {realised}) / {target}) × 100 = {base:.2}"),
                base,
            )
        } else {
            let score = 76.0 - (base - 100.0);
            (
                Some(efficiency),
                format!("{name}, E = {efficiency:.1} > 24"),
                format!("76 − ((((1.76 × {target} − {realised}) / {target}) × 100) − 100) = {score:.2}"),
                score,
            )
        }
    };
    // Far slower or dearer than planned, the formula goes below zero; no achievement is negative.
    let (branch, formula, score) = if score < 0.0 {
        (format!("{branch}, floored at 0"), format!("{formula}, floored at 0"), 0.0)
    } else {
        (branch, formula, score)
    };
    Ok(AspectScore { aspect, target, realised, efficiency, branch, formula, score })
}

/// A target's capaian: the mean of its aspects' scores, capped at 120.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetCapaian {
    pub aspects: Vec<AspectScore>,
    pub mean: f64,
    /// True when the mean exceeded 120 and was cut to it.
    pub capped: bool,
    pub capaian: f64,
}

/// Scores a target from its aspects as `(aspect, target, realised)`.
pub fn target_capaian(aspects: &[(Aspect, f64, f64)]) -> Result<TargetCapaian, CapaianError> {
    if aspects.is_empty() {
        return Err(CapaianError::NoAspects);
    }
    let mut seen = Vec::new();
    let mut scores = Vec::with_capacity(aspects.len());
    for &(aspect, target, realised) in aspects {
        if seen.contains(&aspect) {
            return Err(CapaianError::DuplicateAspect(aspect));
        }
        seen.push(aspect);
        scores.push(aspect_score(aspect, target, realised)?);
    }
    let mean = scores.iter().map(|s| s.score).sum::<f64>() / scores.len() as f64;
    Ok(TargetCapaian { aspects: scores, mean, capped: mean > CAPAIAN_CAP, capaian: mean.min(CAPAIAN_CAP) })
}

/// Nilai hasil kerja: the weight-weighted mean of the targets' capaian, from `(weight, capaian)`,
/// at most the cap.
/// `None` when there is nothing to weigh.
pub fn nilai_hasil_kerja(targets: &[(f64, f64)]) -> Option<f64> {
    let total: f64 = targets.iter().map(|(w, _)| w.max(0.0)).sum();
    if total <= 0.0 {
        return None;
    }
    // A mean of capped values can land a hair above the cap in binary (120.00000000000001).
    Some((targets.iter().map(|(w, c)| w.max(0.0) * c).sum::<f64>() / total).min(CAPAIAN_CAP))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn the_worked_example_of_domain_md() {
        // Target A: 12 reports of 12, quality 90 of 100, 12 months of 12.
        let a = target_capaian(&[
            (Aspect::Kuantitas, 12.0, 12.0),
            (Aspect::Kualitas, 100.0, 90.0),
            (Aspect::Waktu, 12.0, 12.0),
        ])
        .unwrap();
        assert!(close(a.aspects[2].score, 76.0), "{:?}", a.aspects[2]);
        assert!(close(a.capaian, 88.67), "{}", a.capaian);
        // Target B: 5 of 4, 100 of 100, 8 months of 12 (E = 33.3 > 24).
        let b = target_capaian(&[
            (Aspect::Kuantitas, 4.0, 5.0),
            (Aspect::Kualitas, 100.0, 100.0),
            (Aspect::Waktu, 12.0, 8.0),
        ])
        .unwrap();
        assert!(close(b.aspects[0].score, 125.0));
        assert!(close(b.aspects[2].score, 66.67), "{}", b.aspects[2].score);
        assert!(close(b.capaian, 97.22), "{}", b.capaian);
        let nilai = nilai_hasil_kerja(&[(60.0, a.capaian), (40.0, b.capaian)]).unwrap();
        assert!(close(nilai, 92.09), "{nilai}");
    }

    #[test]
    fn time_and_cost_switch_formula_at_efficiency_24() {
        // E = 24 exactly (realised 76 of 100): the first formula, (176 − 76) = 100.
        let at = aspect_score(Aspect::Biaya, 100.0, 76.0).unwrap();
        assert!(close(at.efficiency.unwrap(), 24.0) && close(at.score, 100.0));
        // E = 25 (75 of 100): 76 − (101 − 100) = 75.
        let past = aspect_score(Aspect::Biaya, 100.0, 75.0).unwrap();
        assert!(close(past.score, 75.0), "{}", past.score);
        // Slower than planned: 14 months of 12 gives (21.12 − 14)/12 × 100 = 59.33.
        assert!(close(aspect_score(Aspect::Waktu, 12.0, 14.0).unwrap().score, 59.33));
        // 9.12 months of 12 is E = 24 exactly, though binary arithmetic makes it 24.000000000000014.
        let binary = aspect_score(Aspect::Waktu, 12.0, 9.12).unwrap();
        assert!(close(binary.score, 100.0), "{binary:?}");
        assert_eq!(binary.branch, "waktu, E = 24.0 ≤ 24");
        assert_eq!(past.branch, "biaya, E = 25.0 > 24");
        // Twice the planned time: (21.12 − 24)/12 × 100 < 0, floored at 0.
        assert_eq!(aspect_score(Aspect::Waktu, 12.0, 24.0).unwrap().score, 0.0);
    }

    #[test]
    fn nothing_done_scores_zero_and_bad_inputs_are_refused() {
        assert_eq!(aspect_score(Aspect::Waktu, 12.0, 0.0).unwrap().score, 0.0);
        assert_eq!(aspect_score(Aspect::Kuantitas, 10.0, 0.0).unwrap().score, 0.0);
        assert_eq!(aspect_score(Aspect::Kuantitas, 0.0, 1.0), Err(CapaianError::NonPositiveTarget(Aspect::Kuantitas)));
        assert_eq!(
            aspect_score(Aspect::Kualitas, 100.0, -1.0),
            Err(CapaianError::NegativeRealisation(Aspect::Kualitas))
        );
        assert_eq!(target_capaian(&[]), Err(CapaianError::NoAspects));
        assert!(matches!(
            target_capaian(&[(Aspect::Waktu, 1.0, 1.0), (Aspect::Waktu, 1.0, 1.0)]),
            Err(CapaianError::DuplicateAspect(Aspect::Waktu))
        ));
    }

    #[test]
    fn capaian_is_capped_at_120() {
        let t = target_capaian(&[(Aspect::Kuantitas, 10.0, 20.0), (Aspect::Kualitas, 100.0, 150.0)]).unwrap();
        assert!(t.capped);
        assert_eq!(t.capaian, 120.0);
        assert!(close(t.mean, 175.0));
    }

    #[test]
    fn units_must_fit_the_aspect() {
        assert!(validate_unit(Aspect::Kuantitas, "laporan").is_ok());
        assert!(validate_unit(Aspect::Kualitas, "persen").is_ok());
        assert!(validate_unit(Aspect::Kualitas, "laporan").is_err());
        assert!(validate_unit(Aspect::Waktu, "hari").is_ok());
        assert!(validate_unit(Aspect::Waktu, "minggu").is_err());
        assert!(validate_unit(Aspect::Biaya, "rupiah").is_ok());
        assert!(validate_unit(Aspect::Kuantitas, " ").is_err());
    }

    proptest! {
        #[test]
        fn capaian_stays_between_0_and_120(
            target in 0.01f64..1e6, realised in 0f64..1e6, aspect in 0usize..4, others in proptest::collection::vec((0.01f64..1e3, 0f64..1e3), 0..3)
        ) {
            let mut aspects = vec![(Aspect::ALL[aspect], target, realised)];
            for (i, (t, r)) in others.into_iter().enumerate() {
                let a = Aspect::ALL[(aspect + i + 1) % 4];
                aspects.push((a, t, r));
            }
            let c = target_capaian(&aspects).unwrap();
            prop_assert!(c.capaian <= CAPAIAN_CAP && c.capaian >= 0.0);
            prop_assert!(c.capaian.is_finite());
        }

        #[test]
        fn more_done_never_scores_less_on_quantity_and_quality(target in 0.1f64..1e4, a in 0f64..1e4, b in 0f64..1e4) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(aspect_score(Aspect::Kuantitas, target, lo).unwrap().score <= aspect_score(Aspect::Kuantitas, target, hi).unwrap().score);
        }

        #[test]
        fn the_weighted_mean_lies_between_the_extremes(targets in proptest::collection::vec((0.1f64..100.0, 0f64..120.0), 1..10)) {
            let n = nilai_hasil_kerja(&targets).unwrap();
            let min = targets.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
            let max = targets.iter().map(|t| t.1).fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(n >= min - 1e-9 && n <= max + 1e-9);
        }
    }
}
