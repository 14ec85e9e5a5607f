//! Who heads a unit, and how a template's targets become an SKP's: the rules the indicator
//! templates (issue 11, seeds Sofifi and Sawahlunto) and the complaints build on.
//!
//! The service keeps no "head" field on a unit: the head is read from the reporting line. An
//! employee heads their unit when they hold a structural post (JPT, administrator, pengawas) and
//! nobody above them works in the same unit (their supervisor is elsewhere, or there is none).
//! A Kepala Bidang reporting to the Kepala Dinas heads the bidang; the Kepala Dinas heads the dinas.

use super::ids::UnitId;

/// Whether an employee heads `unit_id`: they are in it, hold a structural post, and their
/// supervisor (if any) works in another unit.
pub fn heads_unit(
    employee_unit_id: &UnitId,
    structural: bool,
    supervisor_unit_id: Option<&UnitId>,
    unit_id: &UnitId,
) -> bool {
    employee_unit_id == unit_id && structural && supervisor_unit_id != Some(unit_id)
}

/// The weights a pre-filled SKP's targets get: each template target keeps its weight when they
/// sum to 100; otherwise (several templates for one position) they are rescaled to sum to 100 in
/// hundredths (largest remainders get the odd hundredths), so the employee starts from a
/// submittable plan and adjusts it.
pub fn prefilled_weights(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    if weights.is_empty() || (total - 100.0).abs() < 0.005 {
        return weights.to_vec();
    }
    let shares: Vec<f64> = if total > 0.0 {
        weights.iter().map(|w| w / total * 10_000.0).collect()
    } else {
        vec![10_000.0 / weights.len() as f64; weights.len()]
    };
    let mut cents: Vec<i64> = shares.iter().map(|s| s.floor() as i64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (shares[b] - shares[b].floor()).total_cmp(&(shares[a] - shares[a].floor())).then(a.cmp(&b)));
    let missing = 10_000 - cents.iter().sum::<i64>();
    for &i in order.iter().cycle().take(missing.max(0) as usize) {
        cents[i] += 1;
    }
    cents.into_iter().map(|c| c as f64 / 100.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_kepala_bidang_reporting_to_the_kepala_dinas_heads_the_bidang() {
        let u = UnitId::from;
        assert!(heads_unit(&u("bidang"), true, Some(&u("dinas")), &u("bidang")));
        assert!(heads_unit(&u("dinas"), true, None, &u("dinas")));
        // Staff under the kabid, in the same unit: not heads.
        assert!(!heads_unit(&u("bidang"), false, Some(&u("bidang")), &u("bidang")));
        // A structural post under someone of the same unit (a kasubbag under a kabag): not the head.
        assert!(!heads_unit(&u("bidang"), true, Some(&u("bidang")), &u("bidang")));
        // Heads only their own unit.
        assert!(!heads_unit(&u("bidang"), true, Some(&u("dinas")), &u("dinas")));
        // An admin (fungsional) with nobody above: not a head.
        assert!(!heads_unit(&u("root"), false, None, &u("root")));
    }

    #[test]
    fn weights_that_sum_to_100_stay_and_others_are_rescaled() {
        assert_eq!(prefilled_weights(&[60.0, 40.0]), vec![60.0, 40.0]);
        assert_eq!(prefilled_weights(&[60.0, 40.0, 50.0]), vec![40.0, 26.67, 33.33]);
        assert_eq!(prefilled_weights(&[50.0]), vec![100.0]);
        assert_eq!(prefilled_weights(&[0.0, 0.0, 0.0]), vec![33.34, 33.33, 33.33]);
        assert!(prefilled_weights(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn prefilled_weights_always_sum_to_100(weights in prop::collection::vec(0.01f64..100.0, 1..12)) {
            let out = prefilled_weights(&weights);
            prop_assert_eq!(out.len(), weights.len());
            prop_assert!((out.iter().sum::<f64>() - 100.0).abs() < 0.01);
            prop_assert!(out.iter().all(|w| *w >= 0.0));
        }
    }
}
