//! Ratings and the Predikat Kinerja Pegawai (PermenPANRB 6/2022): the supervisor's rating of
//! results and of behaviour give the predicate by a fixed matrix.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::capaian::TOLERANCE;

crate::domain::text_enum! {
    /// A rating of results (hasil kerja) or behaviour (perilaku kerja) against expectations.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum Rating {
        DiBawahEkspektasi = "di_bawah_ekspektasi",
        SesuaiEkspektasi = "sesuai_ekspektasi",
        DiAtasEkspektasi = "di_atas_ekspektasi",
    }
}

crate::domain::text_enum! {
    /// The employee's performance predicate.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum Predikat {
        SangatBaik = "sangat_baik",
        Baik = "baik",
        ButuhPerbaikan = "butuh_perbaikan",
        /// Written "Kurang/Misconduct" in the regulation.
        Kurang = "kurang",
        SangatKurang = "sangat_kurang",
    }
}

/// The predicate matrix, fixed by regulation (rows: behaviour; columns: results).
pub fn predikat(hasil_kerja: Rating, perilaku: Rating) -> Predikat {
    use Predikat::*;
    use Rating::*;
    match (perilaku, hasil_kerja) {
        (DiAtasEkspektasi, DiBawahEkspektasi) => ButuhPerbaikan,
        (DiAtasEkspektasi, SesuaiEkspektasi) => Baik,
        (DiAtasEkspektasi, DiAtasEkspektasi) => SangatBaik,
        (SesuaiEkspektasi, DiBawahEkspektasi) => ButuhPerbaikan,
        (SesuaiEkspektasi, SesuaiEkspektasi) => Baik,
        (SesuaiEkspektasi, DiAtasEkspektasi) => Baik,
        (DiBawahEkspektasi, DiBawahEkspektasi) => SangatKurang,
        (DiBawahEkspektasi, SesuaiEkspektasi) => Kurang,
        (DiBawahEkspektasi, DiAtasEkspektasi) => Kurang,
    }
}

/// Where a suggested rating starts: at or above `above` is above expectations, at or above
/// `meets` meets them, else below.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RatingThresholds {
    pub above: f64,
    pub meets: f64,
}

impl RatingThresholds {
    /// Results (nilai hasil kerja, 0-120): above at 110, meets at 90.
    pub const RESULTS: RatingThresholds = RatingThresholds { above: 110.0, meets: 90.0 };
    /// Behaviour (mean on 1-5): above at 4.0, meets at 3.0.
    pub const BEHAVIOUR: RatingThresholds = RatingThresholds { above: 4.0, meets: 3.0 };

    pub fn rate(&self, value: f64) -> Rating {
        // Weighted means land a hair beside round thresholds (3.9999999999999996 for peers and the
        // supervisor all at 4); within the tolerance the threshold counts as reached.
        if value >= self.above - TOLERANCE {
            Rating::DiAtasEkspektasi
        } else if value >= self.meets - TOLERANCE {
            Rating::SesuaiEkspektasi
        } else {
            Rating::DiBawahEkspektasi
        }
    }
}

/// The suggested results rating from nilai hasil kerja; the supervisor decides.
pub fn suggest_results_rating(nilai_hasil_kerja: f64, thresholds: &RatingThresholds) -> Rating {
    thresholds.rate(nilai_hasil_kerja)
}

/// The suggested behaviour rating from the weighted BerAKHLAK mean (1-5); the supervisor decides.
pub fn suggest_behaviour_rating(mean: f64, thresholds: &RatingThresholds) -> Rating {
    thresholds.rate(mean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Predikat::*;
    use Rating::*;

    #[test]
    fn every_cell_of_the_matrix() {
        // (results, behaviour) → predicate, row by row as printed in the regulation.
        let cells = [
            ((DiBawahEkspektasi, DiAtasEkspektasi), ButuhPerbaikan),
            ((SesuaiEkspektasi, DiAtasEkspektasi), Baik),
            ((DiAtasEkspektasi, DiAtasEkspektasi), SangatBaik),
            ((DiBawahEkspektasi, SesuaiEkspektasi), ButuhPerbaikan),
            ((SesuaiEkspektasi, SesuaiEkspektasi), Baik),
            ((DiAtasEkspektasi, SesuaiEkspektasi), Baik),
            ((DiBawahEkspektasi, DiBawahEkspektasi), SangatKurang),
            ((SesuaiEkspektasi, DiBawahEkspektasi), Kurang),
            ((DiAtasEkspektasi, DiBawahEkspektasi), Kurang),
        ];
        for ((results, behaviour), expected) in cells {
            assert_eq!(predikat(results, behaviour), expected, "results {results:?}, behaviour {behaviour:?}");
        }
    }

    #[test]
    fn suggestions_follow_the_default_thresholds() {
        assert_eq!(suggest_results_rating(110.0, &RatingThresholds::RESULTS), DiAtasEkspektasi);
        assert_eq!(suggest_results_rating(109.99, &RatingThresholds::RESULTS), SesuaiEkspektasi);
        assert_eq!(suggest_results_rating(90.0, &RatingThresholds::RESULTS), SesuaiEkspektasi);
        assert_eq!(suggest_results_rating(89.99, &RatingThresholds::RESULTS), DiBawahEkspektasi);
        assert_eq!(suggest_behaviour_rating(4.0, &RatingThresholds::BEHAVIOUR), DiAtasEkspektasi);
        assert_eq!(suggest_behaviour_rating(2.99, &RatingThresholds::BEHAVIOUR), DiBawahEkspektasi);
        assert_eq!(suggest_behaviour_rating(3.9999999999999996, &RatingThresholds::BEHAVIOUR), DiAtasEkspektasi);
        assert_eq!(suggest_behaviour_rating(3.9999, &RatingThresholds::BEHAVIOUR), SesuaiEkspektasi);
    }

    proptest! {
        #[test]
        fn better_ratings_never_give_a_worse_predicate(r in 0usize..3, b in 0usize..3) {
            // The order of predicates from best to worst.
            let rank = |p: Predikat| Predikat::ALL.iter().position(|x| *x == p).unwrap();
            let p = predikat(Rating::ALL[r], Rating::ALL[b]);
            if r < 2 {
                prop_assert!(rank(predikat(Rating::ALL[r + 1], Rating::ALL[b])) <= rank(p));
            }
            if b < 2 {
                prop_assert!(rank(predikat(Rating::ALL[r], Rating::ALL[b + 1])) <= rank(p));
            }
        }

        #[test]
        fn a_higher_value_never_rates_lower(a in 0f64..130.0, b in 0f64..130.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(RatingThresholds::RESULTS.rate(lo) <= RatingThresholds::RESULTS.rate(hi));
        }
    }
}
