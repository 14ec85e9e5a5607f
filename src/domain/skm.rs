//! The citizen satisfaction index (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): nine
//! elements rated 1-4, averaged per element (NRR), combined with equal weight 1/9 (IKM, 1-4) and
//! converted to 25-100 with a quality band A-D.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The nine elements (unsur) of the survey in the regulation's order: the one list that
/// [`SkmElement`], the citizen's scores, the table's columns and the SQL sums are made from.
/// `skm_elements!(some_macro! { args })` calls `some_macro! { args ; Variant field "field", … }`.
macro_rules! skm_elements {
    ($($then:ident)::+ ! { $($args:tt)* }) => {
        $($then)::+! {
            $($args)* ;
            /// 1. Persyaratan (requirements).
            Persyaratan persyaratan "persyaratan",
            /// 2. Sistem, mekanisme dan prosedur (procedure).
            Prosedur prosedur "prosedur",
            /// 3. Waktu penyelesaian (time to complete).
            WaktuPenyelesaian waktu_penyelesaian "waktu_penyelesaian",
            /// 4. Biaya/tarif (cost).
            BiayaTarif biaya_tarif "biaya_tarif",
            /// 5. Produk spesifikasi jenis pelayanan (the product).
            ProdukLayanan produk_layanan "produk_layanan",
            /// 6. Kompetensi pelaksana (staff competence).
            KompetensiPelaksana kompetensi_pelaksana "kompetensi_pelaksana",
            /// 7. Perilaku pelaksana (staff behaviour).
            PerilakuPelaksana perilaku_pelaksana "perilaku_pelaksana",
            /// 8. Penanganan pengaduan, saran dan masukan (complaint handling).
            PenangananPengaduan penanganan_pengaduan "penanganan_pengaduan",
            /// 9. Sarana dan prasarana (facilities).
            SaranaPrasarana sarana_prasarana "sarana_prasarana",
        }
    };
}
pub(crate) use skm_elements;

skm_elements!(crate::domain::text_enum::enum_from_list! {
    /// The nine elements (unsur) of the survey, in the regulation's order.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum SkmElement
});

impl SkmElement {
    /// Position 0-8 in the regulation's order.
    pub fn index(self) -> usize {
        SkmElement::ALL.iter().position(|e| *e == self).expect("every element is listed")
    }
}

/// One citizen's answers, each 1 (worst) to 4 (best), in the regulation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkmAnswers([u8; 9]);

impl SkmAnswers {
    pub fn new(scores: [u8; 9]) -> Result<Self, SkmElement> {
        match SkmElement::ALL.into_iter().zip(scores).find(|(_, s)| !(1..=4).contains(s)) {
            Some((element, _)) => Err(element),
            None => Ok(SkmAnswers(scores)),
        }
    }

    pub fn get(&self, element: SkmElement) -> u8 {
        self.0[element.index()]
    }
}

/// The quality band (mutu pelayanan) of a converted index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Mutu {
    /// 88.31 – 100.00: sangat baik.
    A,
    /// 76.61 – 88.30: baik.
    B,
    /// 65.00 – 76.60: kurang baik.
    C,
    /// 25.00 – 64.99: tidak baik.
    D,
}

impl Mutu {
    /// The band of a converted index. The regulation's table is written to two decimals, so the
    /// index is rounded to two decimals first (88.305 → 88.31 → A; 88.3049 → 88.30 → B).
    pub fn of_converted(converted: f64) -> Mutu {
        // The nudge keeps binary fractions such as 88.305 (stored as 88.30499…) rounding up.
        let hundredths = (converted * 100.0 + 1e-7).round() as i64;
        match hundredths {
            h if h >= 8831 => Mutu::A,
            h if h >= 7661 => Mutu::B,
            h if h >= 6500 => Mutu::C,
            _ => Mutu::D,
        }
    }

    /// Kinerja unit pelayanan: what the band means.
    pub fn meaning(self) -> &'static str {
        match self {
            Mutu::A => "sangat_baik",
            Mutu::B => "baik",
            Mutu::C => "kurang_baik",
            Mutu::D => "tidak_baik",
        }
    }
}

/// The mean answer for one element (nilai rata-rata, NRR).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ElementMean {
    pub element: SkmElement,
    pub mean: f64,
}

/// The index of a service unit or an officer, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SkmResult {
    /// Fewer responses than the policy's minimum: no number is given.
    NotEnoughResponses { respondents: u64, min_responses: u64 },
    Index {
        respondents: u64,
        /// NRR per element.
        element_means: Vec<ElementMean>,
        /// IKM = Σ NRR × 1/9, on 1-4.
        ikm: f64,
        /// IKM × 25, on 25-100.
        converted: f64,
        mutu: Mutu,
        /// What the band means: sangat_baik, baik, kurang_baik, tidak_baik.
        meaning: String,
    },
}

/// Computes the index from the per-element sums of the answers (the service sums in SQL).
pub fn skm_index(element_sums: [u64; 9], respondents: u64, min_responses: u64) -> SkmResult {
    if respondents == 0 || respondents < min_responses {
        return SkmResult::NotEnoughResponses { respondents, min_responses };
    }
    let element_means: Vec<ElementMean> = SkmElement::ALL
        .into_iter()
        .zip(element_sums)
        .map(|(element, sum)| ElementMean { element, mean: sum as f64 / respondents as f64 })
        .collect();
    // Σ NRR × 1/9, summed before dividing to keep the extremes exact.
    let ikm = element_means.iter().map(|e| e.mean).sum::<f64>() / 9.0;
    let converted = ikm * 25.0;
    let mutu = Mutu::of_converted(converted);
    SkmResult::Index { respondents, element_means, ikm, converted, mutu, meaning: mutu.meaning().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Sums spread over the nine elements so that they total `total`.
    fn sums(total: u64) -> [u64; 9] {
        let mut s = [total / 9; 9];
        for item in s.iter_mut().take((total % 9) as usize) {
            *item += 1;
        }
        s
    }

    fn converted(result: &SkmResult) -> (f64, Mutu) {
        match result {
            SkmResult::Index { converted, mutu, .. } => (*converted, *mutu),
            other => panic!("expected an index, got {other:?}"),
        }
    }

    #[test]
    fn the_extremes() {
        assert_eq!(converted(&skm_index([40; 9], 10, 10)), (100.0, Mutu::A));
        assert_eq!(converted(&skm_index([10; 9], 10, 10)), (25.0, Mutu::D));
    }

    #[test]
    fn band_edges_by_hand() {
        // 100 respondents: converted = 25 × total / 900.
        // total 3179 → 88.3056 → 88.31 → A; 3178 → 88.2778 → B.
        assert_eq!(converted(&skm_index(sums(3179), 100, 10)).1, Mutu::A);
        assert_eq!(converted(&skm_index(sums(3178), 100, 10)).1, Mutu::B);
        // total 2758 → 76.6111 → 76.61 → B; 2757 → 76.5833 → C.
        assert_eq!(converted(&skm_index(sums(2758), 100, 10)).1, Mutu::B);
        assert_eq!(converted(&skm_index(sums(2757), 100, 10)).1, Mutu::C);
        // total 2340 → 65.00 exactly → C; 2339 → 64.9722 → D.
        assert_eq!(converted(&skm_index(sums(2340), 100, 10)), (65.0, Mutu::C));
        assert_eq!(converted(&skm_index(sums(2339), 100, 10)).1, Mutu::D);
        // Rounding to the table's two decimals decides between 88.30 and 88.31.
        assert_eq!(Mutu::of_converted(88.305), Mutu::A);
        assert_eq!(Mutu::of_converted(88.3049), Mutu::B);
        assert_eq!(Mutu::of_converted(76.6049), Mutu::C);
        assert_eq!(Mutu::of_converted(64.994), Mutu::D);
        assert_eq!(Mutu::of_converted(64.995), Mutu::C);
    }

    #[test]
    fn element_means_and_ikm_of_a_small_survey() {
        // Three citizens: element 1 answers 4,3,4 (NRR 3.667); the rest 3,3,3.
        let mut element_sums = [9; 9];
        element_sums[0] = 11;
        match skm_index(element_sums, 3, 3) {
            SkmResult::Index { element_means, ikm, converted, mutu, .. } => {
                assert!((element_means[0].mean - 11.0 / 3.0).abs() < 1e-12);
                assert!((ikm - (11.0 / 3.0 + 8.0 * 3.0) / 9.0).abs() < 1e-12);
                // (3.6667 + 8 × 3) / 9 = 3.0741 → × 25 = 76.85 → B.
                assert!((converted - 76.8519).abs() < 1e-3);
                assert_eq!(mutu, Mutu::B);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn below_the_minimum_there_is_no_number() {
        assert_eq!(skm_index([36; 9], 9, 10), SkmResult::NotEnoughResponses { respondents: 9, min_responses: 10 });
        assert_eq!(skm_index([0; 9], 0, 0), SkmResult::NotEnoughResponses { respondents: 0, min_responses: 0 });
    }

    #[test]
    fn answers_outside_1_to_4_name_the_element() {
        assert!(SkmAnswers::new([4; 9]).is_ok());
        let mut bad = [3; 9];
        bad[6] = 5;
        assert_eq!(SkmAnswers::new(bad), Err(SkmElement::PerilakuPelaksana));
        assert_eq!(SkmAnswers::new([0; 9]), Err(SkmElement::Persyaratan));
    }

    proptest! {
        #[test]
        fn converted_is_ikm_times_25_and_bands_never_invert(
            answers in proptest::collection::vec(proptest::array::uniform9(1u64..=4), 1..60)
        ) {
            let n = answers.len() as u64;
            let mut element_sums = [0u64; 9];
            for a in &answers {
                for i in 0..9 { element_sums[i] += a[i]; }
            }
            match skm_index(element_sums, n, 1) {
                SkmResult::Index { ikm, converted, mutu, .. } => {
                    prop_assert!((converted - ikm * 25.0).abs() < 1e-9);
                    prop_assert!((1.0..=4.0).contains(&ikm));
                    prop_assert!((25.0..=100.0).contains(&converted));
                    // One more point anywhere never gives a worse band.
                    let better = Mutu::of_converted(converted + 0.5);
                    prop_assert!(better <= mutu);
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }
}
