//! The engine, end to end: the worked example of domain.md, hand-computed cases at every threshold
//! and branch edge, and properties over random inputs.

use proptest::prelude::*;

use super::*;
use crate::domain::capaian::CAPAIAN_CAP;
use crate::domain::policy::ComponentWeights;
use crate::domain::predikat::Predikat::*;
use crate::domain::predikat::Rating::*;
use crate::domain::skm::skm_index;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

fn aspect(aspect: Aspect, target: f64, realised: f64) -> AspectInput {
    let unit = match aspect {
        Aspect::Kuantitas => "laporan",
        Aspect::Kualitas => "persen",
        Aspect::Waktu => "bulan",
        Aspect::Biaya => "rupiah",
    };
    AspectInput { aspect, unit: unit.into(), target, realised: Some(realised), basis: None }
}

fn target(id: &str, kind: TargetKind, weight: f64, aspects: Vec<AspectInput>) -> TargetInput {
    TargetInput {
        id: id.into(),
        description: format!("target {id}").into(),
        kind,
        weight,
        indicators: vec![IndicatorInput {
            id: format!("{id}-1").into(),
            description: format!("indicator of {id}").into(),
            aspects,
        }],
    }
}

fn group(group: RaterGroup, respondents: u32, score: f64) -> GroupInput {
    GroupInput { group, respondents, means: BerakhlakValue::ALL.into_iter().map(|v| (v, score)).collect() }
}

fn inputs(targets: Vec<TargetInput>, behaviour: Vec<GroupInput>) -> ScoreInputs {
    ScoreInputs {
        targets,
        behaviour,
        withheld: vec![],
        citizen: None,
        supervisor_ratings: None,
        objection: None,
        policy_version: 1,
        policy: ScoringPolicy::default(),
        complaints: None,
    }
}

/// Targets A and B of domain.md, weighted 60/40.
fn worked_example() -> Vec<TargetInput> {
    vec![
        target(
            "A",
            TargetKind::Utama,
            60.0,
            vec![
                aspect(Aspect::Kuantitas, 12.0, 12.0),
                aspect(Aspect::Kualitas, 100.0, 90.0),
                aspect(Aspect::Waktu, 12.0, 12.0),
            ],
        ),
        target(
            "B",
            TargetKind::Utama,
            40.0,
            vec![
                aspect(Aspect::Kuantitas, 4.0, 5.0),
                aspect(Aspect::Kualitas, 100.0, 100.0),
                aspect(Aspect::Waktu, 12.0, 8.0),
            ],
        ),
    ]
}

/// One target with a single aspect, weight 100.
fn single(a: AspectInput) -> Vec<TargetInput> {
    vec![target("T", TargetKind::Utama, 100.0, vec![a])]
}

fn results_of(targets: Vec<TargetInput>) -> ResultsPart {
    compute(&inputs(targets, vec![group(RaterGroup::Supervisor, 1, 3.0)])).unwrap().results
}

#[test]
fn the_worked_example_of_domain_md_through_the_whole_engine() {
    let card = compute(&inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 3.0)])).unwrap();
    let [a, b] = &card.results.targets[..] else { panic!("two targets") };
    let pct = |t: &TargetRow| t.indicators[0].aspects.iter().map(|a| a.percentage).collect::<Vec<_>>();
    // A: 12/12 = 100, 90/100 = 90, waktu E = 0 ≤ 24: (21.12 − 12)/12 × 100 = 76; (100+90+76)/3 = 88.67.
    assert!(pct(a).iter().zip([100.0, 90.0, 76.0]).all(|(x, y)| close(*x, y)), "{:?}", pct(a));
    assert_eq!(a.indicators[0].aspects[2].branch, "waktu, E = 0.0 ≤ 24");
    assert!(close(a.capaian, 88.67) && !a.capped);
    // B: 5/4 = 125, 100, waktu E = 33.3 > 24: 76 − (109.33 − 100) = 66.67; (125+100+66.67)/3 = 97.22.
    assert!(pct(b).iter().zip([125.0, 100.0, 66.67]).all(|(x, y)| close(*x, y)), "{:?}", pct(b));
    assert_eq!(b.indicators[0].aspects[2].branch, "waktu, E = 33.3 > 24");
    assert!(close(b.capaian, 97.22));
    // 0.6 × 88.67 + 0.4 × 97.22 = 92.09.
    assert!(close(a.weight_share, 0.6) && close(a.contribution, 53.2) && close(b.contribution, 38.89));
    let nilai = card.results.nilai_hasil_kerja.unwrap();
    assert!(close(nilai, 92.09), "{nilai}");
    let suggested = card.results.suggested.as_ref().unwrap();
    assert_eq!((suggested.rating, suggested.threshold), (SesuaiEkspektasi, Some(90.0)));
    assert_eq!(suggested.rule, "90 ≤ 92.09 < 110: sesuai_ekspektasi");
    // Behaviour: the supervisor alone at 3 on every value: weight 1, meets.
    assert_eq!(card.behaviour.mean, Some(3.0));
    assert_eq!(card.behaviour.suggested.as_ref().unwrap().rule, "3 ≤ 3.00 < 4: sesuai_ekspektasi");
    let supervisor = &card.behaviour.groups[0];
    assert!(supervisor.counted && supervisor.weight == 1.0 && supervisor.respondents == Some(1));
    // Nobody rated yet: the predicate is provisional, read from the suggestions.
    let predicate = card.predicate.as_ref().unwrap();
    assert_eq!((predicate.predikat, predicate.basis), (Baik, PredicateBasis::Suggested));
    assert_eq!(predicate.rule, "results sesuai_ekspektasi × behaviour sesuai_ekspektasi = baik");
    // 0.7 × 92.09 + 0.3 × (3/3 × 100) = 94.46.
    let nk = card.nilai_kinerja.as_ref().unwrap();
    assert!(close(nk.value, 94.46), "{}", nk.value);
    assert_eq!(card.policy_version, 1);
}

#[test]
fn final_ratings_stand_beside_the_suggested_with_the_reason_and_an_objection_overrides() {
    let mut input = inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 4.2)]);
    input.supervisor_ratings = Some(GivenRatings {
        results: DiBawahEkspektasi,
        behaviour: DiAtasEkspektasi,
        reason: Some("two reports were late".into()),
    });
    let card = compute(&input).unwrap();
    let results = &card.ratings[0];
    assert_eq!((results.suggested, results.final_rating), (Some(SesuaiEkspektasi), Some(DiBawahEkspektasi)));
    assert!(results.differs_from_suggested);
    assert_eq!(results.reason.as_deref(), Some("two reports were late"));
    // Behaviour as suggested: no reason shown.
    let behaviour = &card.ratings[1];
    assert!(!behaviour.differs_from_suggested && behaviour.reason.is_none());
    assert_eq!(behaviour.source, Some(RatingSource::Supervisor));
    // results below × behaviour above = butuh_perbaikan.
    assert_eq!(card.predicate.as_ref().map(|p| (p.predikat, p.basis)), Some((ButuhPerbaikan, PredicateBasis::Final)));

    input.objection = Some(ObjectionDecision {
        outcome: ObjectionOutcome::Changed,
        results: SesuaiEkspektasi,
        behaviour: DiAtasEkspektasi,
        reason: "the reports were late because of the system outage".into(),
    });
    let card = compute(&input).unwrap();
    let results = &card.ratings[0];
    assert_eq!((results.supervisor, results.objection), (Some(DiBawahEkspektasi), Some(SesuaiEkspektasi)));
    assert_eq!((results.final_rating, results.source), (Some(SesuaiEkspektasi), Some(RatingSource::Objection)));
    assert!(!results.differs_from_suggested);
    assert_eq!(results.reason.as_deref(), Some("the reports were late because of the system outage"));
    assert_eq!(results.objection_outcome, Some(ObjectionOutcome::Changed));
    assert_eq!(card.predicate.unwrap().predikat, Baik);

    // Upheld: the supervisor's ratings stand, and the decider's reason shows beside them.
    input.objection = Some(ObjectionDecision {
        outcome: ObjectionOutcome::Upheld,
        results: DiBawahEkspektasi,
        behaviour: DiAtasEkspektasi,
        reason: "the late reports are documented".into(),
    });
    let card = compute(&input).unwrap();
    let results = &card.ratings[0];
    assert_eq!(
        (results.objection_outcome, results.final_rating, results.source),
        (Some(ObjectionOutcome::Upheld), Some(DiBawahEkspektasi), Some(RatingSource::Objection))
    );
    assert_eq!(results.reason.as_deref(), Some("the late reports are documented"));
    assert_eq!(card.predicate.unwrap().predikat, ButuhPerbaikan);
}

#[test]
fn efficiency_exactly_24_takes_the_first_formula() {
    // 19 of 25 days: E = 24 → (44 − 19)/25 × 100 = 100.
    let r = results_of(single(aspect(Aspect::Waktu, 25.0, 19.0)));
    let row = &r.targets[0].indicators[0].aspects[0];
    assert_eq!(row.branch, "waktu, E = 24.0 ≤ 24");
    assert!(close(row.percentage, 100.0));
    // 9.12 of 12 months is E = 24 too, though binary arithmetic says 24.000000000000014.
    let r = results_of(single(aspect(Aspect::Waktu, 12.0, 9.12)));
    assert!(close(r.targets[0].capaian, 100.0), "{:?}", r.targets[0].indicators[0].aspects[0]);
    // 18 of 25 days: E = 28 > 24 → 76 − ((44 − 18)/25 × 100 − 100) = 76 − 4 = 72.
    let r = results_of(single(aspect(Aspect::Biaya, 25.0, 18.0)));
    let row = &r.targets[0].indicators[0].aspects[0];
    assert_eq!(row.branch, "biaya, E = 28.0 > 24");
    assert!(close(row.percentage, 72.0));
}

#[test]
fn realised_zero_or_nothing_recorded_scores_zero() {
    let mut missing = aspect(Aspect::Kualitas, 100.0, 0.0);
    missing.realised = None;
    let r = results_of(vec![target(
        "T",
        TargetKind::Utama,
        100.0,
        vec![aspect(Aspect::Kuantitas, 10.0, 10.0), aspect(Aspect::Waktu, 12.0, 0.0), missing],
    )]);
    let aspects = &r.targets[0].indicators[0].aspects;
    assert_eq!((aspects[1].percentage, aspects[1].branch.as_str()), (0.0, "waktu, not carried out"));
    assert!(aspects[1].recorded);
    assert_eq!(
        (aspects[2].percentage, aspects[2].branch.as_str(), aspects[2].recorded),
        (0.0, "kualitas, nothing recorded", false)
    );
    // (100 + 0 + 0)/3 = 33.33: below expectations.
    assert!(close(r.nilai_hasil_kerja.unwrap(), 33.33));
    assert_eq!(r.suggested.unwrap().rule, "33.33 < 90: di_bawah_ekspektasi");
}

#[test]
fn capaian_above_120_is_capped() {
    // 20 of 10 = 200, 100 of 100 = 100, 12 of 12 months = 76: mean 125.33, capped at 120.
    let r = results_of(vec![
        target(
            "T",
            TargetKind::Utama,
            50.0,
            vec![
                aspect(Aspect::Kuantitas, 10.0, 20.0),
                aspect(Aspect::Kualitas, 100.0, 100.0),
                aspect(Aspect::Waktu, 12.0, 12.0),
            ],
        ),
        target("U", TargetKind::Tambahan, 50.0, vec![aspect(Aspect::Kuantitas, 10.0, 10.0)]),
    ]);
    let t = &r.targets[0];
    assert!(t.capped && t.indicators[0].capped);
    assert!(close(t.uncapped, 125.33));
    assert_eq!(t.capaian, 120.0);
    // (120 + 100)/2 = 110: exactly the threshold for above.
    assert!(close(r.nilai_hasil_kerja.unwrap(), 110.0));
    assert_eq!(r.suggested.unwrap().rating, DiAtasEkspektasi);
}

#[test]
fn results_at_110_and_90() {
    // 5 of 4 = 125 and 95 of 100 = 95: mean 110.
    let at_110 = results_of(
        single(aspect(Aspect::Kuantitas, 4.0, 5.0))
            .into_iter()
            .map(|mut t| {
                t.indicators[0].aspects.push(aspect(Aspect::Kualitas, 100.0, 95.0));
                t
            })
            .collect(),
    );
    let s = at_110.suggested.unwrap();
    assert_eq!(
        (s.rating, s.threshold, s.rule.as_str()),
        (DiAtasEkspektasi, Some(110.0), "110.00 ≥ 110: di_atas_ekspektasi")
    );
    // 4 of 4 = 100 and 80 of 100 = 80: mean 90.
    let at_90 = results_of(vec![target(
        "T",
        TargetKind::Utama,
        100.0,
        vec![aspect(Aspect::Kuantitas, 4.0, 4.0), aspect(Aspect::Kualitas, 100.0, 80.0)],
    )]);
    let s = at_90.suggested.unwrap();
    assert_eq!((s.rating, s.rule.as_str()), (SesuaiEkspektasi, "90 ≤ 90.00 < 110: sesuai_ekspektasi"));
    // Just below 110 is not printed as 110.00.
    let below_110 = results_of(single(aspect(Aspect::Kuantitas, 100_000.0, 109_999.9)));
    assert_eq!(below_110.suggested.unwrap().rule, "90 ≤ 109.999900 < 110: sesuai_ekspektasi");
    // 89.99 of 100: below.
    let below_90 = results_of(single(aspect(Aspect::Kualitas, 100.0, 89.99)));
    assert_eq!(below_90.suggested.unwrap().rating, DiBawahEkspektasi);
}

#[test]
fn a_main_target_below_expectations_keeps_the_suggestion_from_above() {
    // Utama at 80 (weight 10), tambahan at 120 (weight 90): 0.1 × 80 + 0.9 × 120 = 116 ≥ 110,
    // but the main target is below 90.
    let r = results_of(vec![
        target("M", TargetKind::Utama, 10.0, vec![aspect(Aspect::Kuantitas, 10.0, 8.0)]),
        target("X", TargetKind::Tambahan, 90.0, vec![aspect(Aspect::Kuantitas, 10.0, 12.0)]),
    ]);
    assert!(close(r.nilai_hasil_kerja.unwrap(), 116.0));
    let s = r.suggested.unwrap();
    assert_eq!(s.rating, SesuaiEkspektasi);
    assert!(s.rule.contains("main target \"target M\" is below expectations (80.00 < 90)"), "{}", s.rule);
}

#[test]
fn behaviour_at_4_and_3() {
    let rating = |groups| compute(&inputs(worked_example(), groups)).unwrap().behaviour.suggested.unwrap();
    // Supervisor, peers and subordinates all at 4: 0.5 × 4 + 0.3 × 4 + 0.2 × 4 = 4 → above.
    let four = rating(vec![
        group(RaterGroup::Supervisor, 1, 4.0),
        group(RaterGroup::Peer, 3, 4.0),
        group(RaterGroup::Subordinate, 3, 4.0),
    ]);
    assert_eq!((four.rating, four.rule.as_str()), (DiAtasEkspektasi, "4.00 ≥ 4: di_atas_ekspektasi"));
    // Supervisor 4 with peers renormalised: 0.625 × 4 + 0.375 × 4 = 3.9999999999999996 in binary: still 4.
    let renormalised = rating(vec![group(RaterGroup::Supervisor, 1, 4.0), group(RaterGroup::Peer, 3, 4.0)]);
    assert_eq!(renormalised.rating, DiAtasEkspektasi);
    assert_eq!(rating(vec![group(RaterGroup::Supervisor, 1, 3.0)]).rating, SesuaiEkspektasi);
    assert_eq!(rating(vec![group(RaterGroup::Supervisor, 1, 2.99)]).rule, "2.99 < 3: di_bawah_ekspektasi");
}

#[test]
fn a_missing_rater_group_is_named_and_the_rest_renormalised() {
    // Supervisor 4, peers 3 answered at 3, two subordinates (below the minimum of 3) at 1, self at 5.
    let card = compute(&inputs(
        worked_example(),
        vec![
            group(RaterGroup::Supervisor, 1, 4.0),
            group(RaterGroup::Peer, 3, 3.0),
            group(RaterGroup::Subordinate, 2, 1.0),
            group(RaterGroup::SelfAssessment, 1, 5.0),
        ],
    ))
    .unwrap();
    let b = &card.behaviour;
    let row = |g: RaterGroup| b.groups.iter().find(|r| r.group == g).unwrap();
    // 0.5 and 0.3 renormalised over 0.8: 0.625 and 0.375.
    assert!(close(row(RaterGroup::Supervisor).weight, 0.625) && close(row(RaterGroup::Peer).weight, 0.375));
    let subordinate = row(RaterGroup::Subordinate);
    assert!(!subordinate.counted);
    assert_eq!(subordinate.respondents, None, "below the minimum not even the count is shown");
    assert_eq!(subordinate.reason.as_deref(), Some("fewer than 3 answered"));
    let own = row(RaterGroup::SelfAssessment);
    assert_eq!(
        (own.counted, own.policy_weight, own.reason.as_deref()),
        (false, 0.0, Some("shown beside the others, weighs nothing"))
    );
    // 0.625 × 4 + 0.375 × 3 = 3.625 on every value.
    assert!(b
        .values
        .iter()
        .all(|v| close(v.combined.unwrap(), 3.625) && v.subordinate.is_none() && v.self_assessment == Some(5.0)));
    assert!(close(b.mean.unwrap(), 3.625) && b.multi_rater);
    // Peers counted: 60/40. 0.6 × 92.09 + 0.4 × (3.625/3 × 100 = 120.83, capped at 120) = 103.25.
    let nk = card.nilai_kinerja.unwrap();
    assert!(close(nk.value, 0.6 * 92.0889 + 0.4 * 120.0), "{}", nk.value);

    // No supervisor and too few peers: no behaviour score, and nilai kinerja is results alone.
    let card = compute(&inputs(worked_example(), vec![group(RaterGroup::Peer, 2, 3.0)])).unwrap();
    assert_eq!(card.behaviour.mean, None);
    assert_eq!(card.behaviour.groups[0].reason.as_deref(), Some("the supervisor has not rated yet"));
    assert!(card.behaviour.missing.is_some() && card.predicate.is_none());
    assert!(close(card.nilai_kinerja.unwrap().value, 92.09));
}

#[test]
fn withheld_groups_show_nothing_and_say_why() {
    let mut input =
        inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 3.0), group(RaterGroup::Peer, 5, 5.0)]);
    input.withheld =
        vec![WithheldGroup { group: RaterGroup::Peer, reason: "the assessment of this sub-period is not open".into() }];
    let card = compute(&input).unwrap();
    let peer = &card.behaviour.groups[1];
    assert_eq!((peer.counted, peer.respondents), (false, None));
    assert_eq!(peer.reason.as_deref(), Some("the assessment of this sub-period is not open"));
    assert!(card.behaviour.values.iter().all(|v| v.peer.is_none()));
    assert_eq!(card.behaviour.mean, Some(3.0));
}

#[test]
fn the_citizen_index_counts_only_as_a_number_the_policy_weighs() {
    // Everyone answered 3 on every element: IKM 3, converted 75.
    let index = skm_index([30; 9], 10, 10);
    let mut input = inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 3.0)]);
    input.citizen = Some(index.clone());
    assert!(!compute(&input).unwrap().citizen.weighed, "the default policy weighs it 0");
    input.policy.component_weights = ComponentWeights { citizen: 0.1, ..Default::default() };
    let card = compute(&input).unwrap();
    assert!(card.citizen.weighed);
    // (0.7 × 92.09 + 0.3 × 100 + 0.1 × 75) / 1.1 = 92.69.
    assert!(close(card.nilai_kinerja.unwrap().value, (0.7 * 92.0889 + 30.0 + 7.5) / 1.1));
    input.citizen = Some(skm_index([27; 9], 9, 10));
    let card = compute(&input).unwrap();
    assert!(!card.citizen.weighed && matches!(card.citizen.index, Some(SkmResult::NotEnoughResponses { .. })));
}

#[test]
fn impossible_inputs_are_errors() {
    let mut bad = worked_example();
    bad[0].indicators.clear();
    assert_eq!(compute(&inputs(bad, vec![])), Err(EngineError::NoIndicators("A".into())));
    let bad = single(aspect(Aspect::Kuantitas, 0.0, 1.0));
    assert!(matches!(compute(&inputs(bad, vec![])), Err(EngineError::Capaian { .. })));
    let out_of_range = vec![group(RaterGroup::Supervisor, 1, 6.0)];
    assert!(matches!(compute(&inputs(worked_example(), out_of_range)), Err(EngineError::Behaviour(_))));
}

#[test]
fn inputs_round_trip_through_json() {
    let mut input = inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 3.0)]);
    input.citizen = Some(skm_index([31; 9], 10, 10));
    let json = serde_json::to_string(&input).unwrap();
    let back: ScoreInputs = serde_json::from_str(&json).unwrap();
    assert_eq!(back, input);
    assert_eq!(compute(&back).unwrap(), compute(&input).unwrap());
}

fn nilai(targets: Vec<TargetInput>) -> f64 {
    results_of(targets).nilai_hasil_kerja.unwrap()
}

prop_compose! {
    fn any_targets()(specs in proptest::collection::vec(
        (1.0f64..100.0, 0.1f64..100.0, 0.0f64..200.0, 1.0f64..100.0, 0.0f64..150.0, 1.0f64..24.0, 0.0f64..40.0), 1..6
    )) -> Vec<TargetInput> {
        specs.into_iter().enumerate().map(|(i, (w, qt, qr, kt, kr, tt, tr))| target(
            &i.to_string(),
            if i == 0 { TargetKind::Utama } else { TargetKind::Tambahan },
            w,
            vec![aspect(Aspect::Kuantitas, qt, qr), aspect(Aspect::Kualitas, kt, kr), aspect(Aspect::Waktu, tt, tr)],
        )).collect()
    }
}

proptest! {
    #[test]
    fn more_quantity_or_quality_never_scores_less(targets in any_targets(), which in 0usize..2, extra in 0.0f64..100.0) {
        let before = nilai(targets.clone());
        let mut more = targets;
        more[0].indicators[0].aspects[which].realised = more[0].indicators[0].aspects[which].realised.map(|r| r + extra);
        prop_assert!(nilai(more) >= before - 1e-9);
    }

    /// Less time or cost never scores less while E ≤ 24 (realised at least 76% of the target).
    /// Beyond that the regulation's second formula gives less for finishing even faster
    /// (E = 24 scores 100, E = 24.01 scores 75.99): planning that far off is not rewarded.
    #[test]
    fn more_time_or_cost_never_scores_more_while_e_is_at_most_24(
        planned in 1.0f64..1e6, a in 0.76f64..3.0, b in 0.76f64..3.0, cost: bool
    ) {
        let which = if cost { Aspect::Biaya } else { Aspect::Waktu };
        let (less, more) = if a <= b { (a, b) } else { (b, a) };
        let score = |share: f64| nilai(single(aspect(which, planned, planned * share)));
        prop_assert!(score(less) >= score(more) - 1e-9);
    }

    /// A report reads only the figures of a stored scorecard, from the figures a close keeps
    /// beside it or (for rows frozen before) from the scorecard itself: both are the scorecard's.
    #[test]
    fn the_figures_read_from_a_stored_scorecard_are_its_own(
        targets in any_targets(), sup in proptest::option::of(1.0f64..=5.0), answers in proptest::option::of(0u64..40)
    ) {
        let mut input = inputs(targets, sup.map(|s| group(RaterGroup::Supervisor, 1, s)).into_iter().collect());
        input.citizen = answers.map(|n| skm_index([3 * n; 9], n, 10));
        let card = compute(&input).unwrap();
        let read: Figures = serde_json::from_str(&serde_json::to_string(&card).unwrap()).unwrap();
        prop_assert_eq!(&read, &Figures::of(&card));
        let kept: Figures = serde_json::from_str(&serde_json::to_string(&Figures::of(&card)).unwrap()).unwrap();
        prop_assert_eq!(&kept, &read);
        prop_assert_eq!(read.nilai_kinerja(), card.nilai_kinerja.as_ref().map(|n| n.value));
        prop_assert_eq!(read.predikat(), card.predicate.as_ref().map(|p| p.predikat));
        prop_assert_eq!(read.rating(1), (card.ratings[1].suggested, card.ratings[1].final_rating));
        let converted = match &card.citizen.index {
            Some(SkmResult::Index { converted, .. }) => Some(*converted),
            _ => None,
        };
        prop_assert_eq!(read.citizen_index(), converted);
    }

    #[test]
    fn every_capaian_and_score_stays_within_the_cap(targets in any_targets(), sup in 1.0f64..=5.0, peers in 0u32..6) {
        let card = compute(&inputs(targets, vec![group(RaterGroup::Supervisor, 1, sup), group(RaterGroup::Peer, peers, 5.0)])).unwrap();
        for t in &card.results.targets {
            prop_assert!((0.0..=CAPAIAN_CAP).contains(&t.capaian));
            prop_assert!(t.indicators.iter().all(|i| (0.0..=CAPAIAN_CAP).contains(&i.capaian)));
        }
        prop_assert!((0.0..=CAPAIAN_CAP).contains(&card.results.nilai_hasil_kerja.unwrap()));
        prop_assert!((0.0..=CAPAIAN_CAP).contains(&card.nilai_kinerja.unwrap().value));
    }

    #[test]
    fn renormalised_weights_sum_to_one(
        sup in 0u32..2, peers in 0u32..6, subs in 0u32..6, peer_weight in 0.0f64..1.0, citizen in 0.0f64..1.0, min_peers in 3u32..5
    ) {
        let mut input = inputs(worked_example(), vec![
            group(RaterGroup::Supervisor, sup, 3.0), group(RaterGroup::Peer, peers, 4.0), group(RaterGroup::Subordinate, subs, 2.0),
        ]);
        input.policy.rater_weights.peer = peer_weight;
        input.policy.min_peers = min_peers;
        input.policy.component_weights.citizen = citizen;
        input.citizen = Some(skm_index([35; 9], 10, 10));
        let card = compute(&input).unwrap();
        if card.behaviour.mean.is_some() {
            let total: f64 = card.behaviour.groups.iter().map(|g| g.weight).sum();
            prop_assert!((total - 1.0).abs() < 1e-9, "{total}");
        } else {
            prop_assert!(card.behaviour.groups.iter().all(|g| !g.counted));
        }
        let total: f64 = card.results.targets.iter().map(|t| t.weight_share).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        let parts: f64 = card.nilai_kinerja.unwrap().parts.iter().map(|p| p.weight).sum();
        prop_assert!((parts - 1.0).abs() < 1e-9);
    }
}

#[test]
fn a_sub_period_gets_its_share_of_the_year_and_the_year_sums_its_parts() {
    assert_eq!(sub_period_target(Aspect::Kuantitas, 12.0, 4), 3.0);
    assert_eq!(sub_period_target(Aspect::Waktu, 12.0, 12), 1.0);
    assert_eq!(sub_period_target(Aspect::Kualitas, 100.0, 4), 100.0);
    assert_eq!(year_realised(Aspect::Kuantitas, &[3.0, 4.0, 5.0]), Some(12.0));
    assert_eq!(year_realised(Aspect::Kualitas, &[90.0, 100.0]), Some(95.0));
    assert_eq!(year_realised(Aspect::Biaya, &[]), None);
    // Four quarters each on their share make the year on its target: 3 of 3 each, 12 of 12.
    let quarter = sub_period_target(Aspect::Kuantitas, 12.0, 4);
    assert_eq!(year_realised(Aspect::Kuantitas, &[quarter; 4]), Some(12.0));
}

#[test]
fn the_matrix_gives_a_predicate_for_all_nine_pairs() {
    let mut tally: BTreeMap<Predikat, u32> = BTreeMap::new();
    for results in Rating::ALL {
        for behaviour in Rating::ALL {
            let mut input = inputs(worked_example(), vec![group(RaterGroup::Supervisor, 1, 3.0)]);
            input.supervisor_ratings = Some(GivenRatings { results, behaviour, reason: Some("as discussed".into()) });
            let p = compute(&input).unwrap().predicate.unwrap();
            assert_eq!((p.basis, p.predikat), (PredicateBasis::Final, predikat(results, behaviour)));
            *tally.entry(p.predikat).or_default() += 1;
        }
    }
    // One sangat_baik, three baik, two butuh_perbaikan, two kurang, one sangat_kurang: nine cells.
    let expected = [(SangatBaik, 1), (Baik, 3), (ButuhPerbaikan, 2), (Kurang, 2), (SangatKurang, 1)];
    assert_eq!(tally, expected.into_iter().collect());
    assert_eq!(tally.values().sum::<u32>(), 9);
}
