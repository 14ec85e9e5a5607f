//! The score engine: every input of one employee's score for a sub-period or the year in, the
//! whole explanation out. It only composes the rules of the sibling modules (capaian, behaviour,
//! predikat, score, skm) and says, at each step, which number and which branch decided.
//!
//! The output is made of flat rows (targets, indicators, aspects, rater groups, values, ratings) so
//! that a frontend renders each as a table without knowing the formulas.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::behaviour::{
    behaviour_score, minimum_respondents, BehaviourError, BehaviourScore, BerakhlakValue, GroupInput, RaterGroup,
};
use super::capaian::{target_capaian, Aspect, AspectScore, CapaianError, TargetKind};
use super::complaint::{in_time_percent, ComplaintFigures};
use super::policy::ScoringPolicy;
use super::predikat::{predikat, Predikat, Rating, RatingThresholds};
use super::score::{nilai_kinerja_with_complaints, NilaiKinerja};
use super::skm::SkmResult;

/// One aspect of an indicator: what was planned and what was realised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AspectInput {
    pub aspect: Aspect,
    #[schema(value_type = String)]
    pub unit: Arc<str>,
    pub target: f64,
    /// The verified realisation; `None` when none is recorded (it then scores as not carried out).
    pub realised: Option<f64>,
    /// Where `target` and `realised` come from when not straight from the plan and one record,
    /// e.g. "annual 12 ÷ 4 sub-periods; sum of 2 verified".
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub basis: Option<Arc<str>>,
}

/// An aspect's target for one of `sub_periods` equal parts of the year: counts, months and
/// rupiah are shared out; a quality percentage holds in every part.
pub fn sub_period_target(aspect: Aspect, annual: f64, sub_periods: u32) -> f64 {
    match aspect {
        Aspect::Kualitas => annual,
        Aspect::Kuantitas | Aspect::Waktu | Aspect::Biaya => annual / f64::from(sub_periods.max(1)),
    }
}

/// An aspect's realisation over the year from the verified values of its sub-periods: counts,
/// months and rupiah add up; quality is the mean of the parts that have one. `None` without any.
pub fn year_realised(aspect: Aspect, values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let sum: f64 = values.iter().sum();
    Some(match aspect {
        Aspect::Kualitas => sum / values.len() as f64,
        Aspect::Kuantitas | Aspect::Waktu | Aspect::Biaya => sum,
    })
}

/// An indicator as the engine scores it (named apart from the SKP's request body of the same name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ScoreIndicatorInput)]
pub struct IndicatorInput {
    #[schema(value_type = String)]
    pub id: Arc<str>,
    #[schema(value_type = String)]
    pub description: Arc<str>,
    pub aspects: Vec<AspectInput>,
}

/// A target as the engine scores it (named apart from the SKP's request body of the same name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ScoreTargetInput)]
pub struct TargetInput {
    #[schema(value_type = String)]
    pub id: Arc<str>,
    #[schema(value_type = String)]
    pub description: Arc<str>,
    pub kind: TargetKind,
    pub weight: f64,
    pub indicators: Vec<IndicatorInput>,
}

/// A rater group whose answers are not used yet, and why (e.g. the assessment is not open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WithheldGroup {
    pub group: RaterGroup,
    pub reason: String,
}

/// The ratings someone gave: the supervisor in the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GivenRatings {
    pub results: Rating,
    pub behaviour: Rating,
    /// Why the ratings differ from the suggestion, if they do.
    pub reason: Option<String>,
}

crate::domain::text_enum! {
    #[derive(ToSchema)]
    pub enum ObjectionOutcome {
        /// The rating stands.
        Upheld = "upheld",
        /// New ratings replace the supervisor's.
        Changed = "changed",
    }
}

/// The decision on an objection (keberatan): final for the ratings. Named apart from the
/// decision's request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ScoreObjectionDecision)]
pub struct ObjectionDecision {
    pub outcome: ObjectionOutcome,
    /// The ratings that stand after the decision (the supervisor's when upheld).
    pub results: Rating,
    pub behaviour: Rating,
    pub reason: String,
}

/// Everything one score depends on. Stored as it is with a frozen score, so that the score can be
/// recomputed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoreInputs {
    pub targets: Vec<TargetInput>,
    /// Mean per value and number of answers per rater group (self-assessment included).
    pub behaviour: Vec<GroupInput>,
    #[serde(default)]
    pub withheld: Vec<WithheldGroup>,
    /// The citizen index of ratings naming the employee, if any were given.
    pub citizen: Option<SkmResult>,
    pub supervisor_ratings: Option<GivenRatings>,
    pub objection: Option<ObjectionDecision>,
    pub policy_version: i32,
    pub policy: ScoringPolicy,
    /// The complaints assigned to the employee to answer in the scope (absent in scores stored
    /// before complaints were kept).
    #[serde(default)]
    pub complaints: Option<ComplaintFigures>,
}

/// One aspect's row: target, realisation, the formula branch and the percentage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AspectRow {
    pub aspect: Aspect,
    #[schema(value_type = String)]
    pub unit: Arc<str>,
    pub target: f64,
    pub realised: f64,
    /// False when no realisation was recorded and 0 was used.
    pub recorded: bool,
    /// Where target and realisation come from, when shared out or summed.
    #[schema(value_type = Option<String>)]
    pub basis: Option<Arc<str>>,
    /// `100 − realised/target × 100`, for time and cost.
    pub efficiency: Option<f64>,
    /// The branch taken, e.g. "waktu, E = 33.3 > 24".
    pub branch: String,
    /// The formula with the numbers put in.
    pub formula: String,
    pub percentage: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorRow {
    #[schema(value_type = String)]
    pub id: Arc<str>,
    #[schema(value_type = String)]
    pub description: Arc<str>,
    pub aspects: Vec<AspectRow>,
    /// Mean of the aspects' percentages.
    pub mean: f64,
    /// True when the mean was above 120 and cut to it.
    pub capped: bool,
    pub capaian: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetRow {
    #[schema(value_type = String)]
    pub id: Arc<str>,
    #[schema(value_type = String)]
    pub description: Arc<str>,
    pub kind: TargetKind,
    pub weight: f64,
    /// The weight as a share of all targets' weights (0-1).
    pub weight_share: f64,
    pub indicators: Vec<IndicatorRow>,
    /// Mean of the indicators' means before the cap.
    pub uncapped: f64,
    /// True when any indicator was capped at 120.
    pub capped: bool,
    /// Mean of the indicators' capped capaian (at most 120).
    pub capaian: f64,
    /// `weight_share × capaian`: this target's part of nilai hasil kerja.
    pub contribution: f64,
}

/// A suggested rating and the comparison that decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Suggestion {
    pub rating: Rating,
    pub value: f64,
    /// The threshold reached (`None` for below expectations: neither was reached).
    pub threshold: Option<f64>,
    /// The comparison, e.g. "90 ≤ 92.09 < 110: sesuai_ekspektasi".
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultsPart {
    pub targets: Vec<TargetRow>,
    /// The weight-weighted mean of the targets' capaian; absent without targets.
    pub nilai_hasil_kerja: Option<f64>,
    pub suggested: Option<Suggestion>,
}

/// One rater group: whether it counted, with which weight, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupRow {
    pub group: RaterGroup,
    /// How many answered; absent when too few peers or subordinates answered to show it.
    pub respondents: Option<u32>,
    /// The weight the policy gives the group (self-assessment: 0).
    pub policy_weight: f64,
    pub counted: bool,
    /// The weight used, renormalised over the groups that counted (0 when not counted).
    pub weight: f64,
    /// Why the group did not count.
    pub reason: Option<String>,
}

/// One BerAKHLAK value across the groups; a group's column is empty when it may not be shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ValueRow {
    pub value: BerakhlakValue,
    pub label: String,
    pub supervisor: Option<f64>,
    pub peer: Option<f64>,
    pub subordinate: Option<f64>,
    pub self_assessment: Option<f64>,
    /// The weighted mean over the groups that counted.
    pub combined: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BehaviourPart {
    pub groups: Vec<GroupRow>,
    pub values: Vec<ValueRow>,
    /// Mean of the seven combined values.
    pub mean: Option<f64>,
    /// True when peers or subordinates counted (results and behaviour then weigh 60/40).
    pub multi_rater: bool,
    pub suggested: Option<Suggestion>,
    /// Why there is no behaviour score yet.
    pub missing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CitizenPart {
    /// The policy's weight of the citizen index in nilai kinerja (0 leaves it out).
    pub policy_weight: f64,
    /// True when the index is a number and the policy weighs it.
    pub weighed: bool,
    /// The index of ratings naming the employee, or why there is none.
    pub index: Option<SkmResult>,
    /// The officer's complaint figures beside the index (absent in scores stored before
    /// complaints were kept, so that they recompute to the same bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<ComplaintsPart>,
}

/// The complaints assigned to the employee, shown beside the citizen index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComplaintsPart {
    pub figures: ComplaintFigures,
    /// Answers given in time, as a percent of answers; absent when nothing was answered.
    pub answered_in_time_percent: Option<f64>,
    /// The policy's weight of it in nilai kinerja (0, the default, shows it without weighing it).
    pub policy_weight: f64,
    /// True when it counts in nilai kinerja.
    pub weighed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingDimension {
    Results,
    Behaviour,
}

/// Where the final rating comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingSource {
    /// The supervisor's assessment.
    Supervisor,
    /// The decision on the employee's objection.
    Objection,
}

/// A rating as suggested by the numbers, as given, and as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RatingRow {
    pub dimension: RatingDimension,
    pub suggested: Option<Rating>,
    /// The supervisor's rating as given.
    pub supervisor: Option<Rating>,
    /// The rating the objection's decision gave, if one was decided.
    pub objection: Option<Rating>,
    /// The objection's decision: `upheld` (the supervisor's rating stands) or `changed`.
    pub objection_outcome: Option<ObjectionOutcome>,
    /// The rating that stands.
    #[serde(rename = "final")]
    #[schema(rename = "final")]
    pub final_rating: Option<Rating>,
    pub source: Option<RatingSource>,
    /// True when the rating that stands is not the suggested one.
    pub differs_from_suggested: bool,
    /// Why it differs: the supervisor's reason, or the objection decision's.
    pub reason: Option<String>,
}

/// What the predicate was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PredicateBasis {
    /// The ratings that stand (supervisor's or objection's).
    Final,
    /// The suggested ratings: the supervisor has not rated yet; provisional.
    Suggested,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PredicatePart {
    pub predikat: Predikat,
    pub basis: PredicateBasis,
    pub results: Rating,
    pub behaviour: Rating,
    /// The matrix cell, e.g. "results sesuai_ekspektasi × behaviour di_atas_ekspektasi = baik".
    pub rule: String,
}

/// The whole explanation of one score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scorecard {
    pub policy_version: i32,
    pub results: ResultsPart,
    pub behaviour: BehaviourPart,
    pub citizen: CitizenPart,
    /// Two rows: results and behaviour.
    pub ratings: Vec<RatingRow>,
    pub predicate: Option<PredicatePart>,
    /// Nilai kinerja (0-120) with each component's part; absent when nothing is scored yet.
    pub nilai_kinerja: Option<NilaiKinerja>,
}

/// A scorecard's figures without their explanation: what a report's row shows. Read from a
/// stored scorecard's JSON, serde skips everything else without building it, which is most of the
/// text. Written, it is that JSON with only these fields, which a close keeps beside the result so
/// that a year's report (20,000 of them) reads neither the result nor the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub policy_version: i32,
    results: ResultsFigures,
    behaviour: BehaviourFigures,
    citizen: CitizenFigures,
    ratings: Vec<RatingFigures>,
    predicate: Option<PredicateFigures>,
    nilai_kinerja: Option<NilaiFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ResultsFigures {
    nilai_hasil_kerja: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BehaviourFigures {
    mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CitizenFigures {
    index: Option<IndexFigures>,
}

/// Only an index given as a number has `converted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct IndexFigures {
    converted: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RatingFigures {
    suggested: Option<Rating>,
    #[serde(rename = "final")]
    final_rating: Option<Rating>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PredicateFigures {
    predikat: Predikat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct NilaiFigures {
    value: f64,
}

impl Figures {
    pub fn of(card: &Scorecard) -> Figures {
        Figures {
            policy_version: card.policy_version,
            results: ResultsFigures { nilai_hasil_kerja: card.results.nilai_hasil_kerja },
            behaviour: BehaviourFigures { mean: card.behaviour.mean },
            citizen: CitizenFigures {
                index: card.citizen.index.as_ref().map(|index| IndexFigures {
                    converted: match index {
                        SkmResult::Index { converted, .. } => Some(*converted),
                        SkmResult::NotEnoughResponses { .. } => None,
                    },
                }),
            },
            ratings: card
                .ratings
                .iter()
                .map(|r| RatingFigures { suggested: r.suggested, final_rating: r.final_rating })
                .collect(),
            predicate: card.predicate.as_ref().map(|p| PredicateFigures { predikat: p.predikat }),
            nilai_kinerja: card.nilai_kinerja.as_ref().map(|n| NilaiFigures { value: n.value }),
        }
    }

    pub fn nilai_hasil_kerja(&self) -> Option<f64> {
        self.results.nilai_hasil_kerja
    }

    pub fn behaviour_mean(&self) -> Option<f64> {
        self.behaviour.mean
    }

    /// The citizen index on 25-100, when one was given as a number.
    pub fn citizen_index(&self) -> Option<f64> {
        self.citizen.index.as_ref().and_then(|i| i.converted)
    }

    pub fn nilai_kinerja(&self) -> Option<f64> {
        self.nilai_kinerja.as_ref().map(|n| n.value)
    }

    /// The suggested and the final rating of the results (`0`) or behaviour (`1`) row.
    pub fn rating(&self, row: usize) -> (Option<Rating>, Option<Rating>) {
        self.ratings.get(row).map_or((None, None), |r| (r.suggested, r.final_rating))
    }

    pub fn predikat(&self) -> Option<Predikat> {
        self.predicate.as_ref().map(|p| p.predikat)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("target {target}: {source}")]
    Capaian { target: String, source: CapaianError },
    #[error("target {0} has no indicator")]
    NoIndicators(String),
    #[error("target {0} has a negative weight")]
    NegativeWeight(String),
    #[error("behaviour: {0}")]
    Behaviour(BehaviourError),
}

/// Computes the score and its explanation. Fails only on inputs the service never stores
/// (a target without indicators, a non-positive target value, a behaviour score outside 1-5).
pub fn compute(inputs: &ScoreInputs) -> Result<Scorecard, EngineError> {
    let policy = &inputs.policy;
    let results = results_part(&inputs.targets, &policy.results_thresholds)?;
    let (behaviour, combined) = behaviour_part(inputs)?;
    let citizen_converted = match &inputs.citizen {
        Some(SkmResult::Index { converted, .. }) if policy.component_weights.citizen > 0.0 => Some(*converted),
        _ => None,
    };
    let complaints = inputs.complaints.as_ref().map(|figures| {
        let percent = in_time_percent(figures);
        ComplaintsPart {
            figures: figures.clone(),
            answered_in_time_percent: percent,
            policy_weight: policy.complaints.weight,
            weighed: percent.is_some() && policy.complaints.weight > 0.0,
        }
    });
    let complaints_weighed = complaints
        .as_ref()
        .filter(|c| c.weighed)
        .and_then(|c| c.answered_in_time_percent.map(|p| (p, c.policy_weight)));
    let citizen = CitizenPart {
        policy_weight: policy.component_weights.citizen,
        weighed: citizen_converted.is_some(),
        index: inputs.citizen.clone(),
        complaints,
    };
    let ratings = vec![
        rating_row(
            RatingDimension::Results,
            results.suggested.as_ref().map(|s| s.rating),
            inputs.supervisor_ratings.as_ref().map(|r| (r.results, r.reason.as_deref())),
            inputs.objection.as_ref().map(|o| (o.outcome, o.results, o.reason.as_str())),
        ),
        rating_row(
            RatingDimension::Behaviour,
            behaviour.suggested.as_ref().map(|s| s.rating),
            inputs.supervisor_ratings.as_ref().map(|r| (r.behaviour, r.reason.as_deref())),
            inputs.objection.as_ref().map(|o| (o.outcome, o.behaviour, o.reason.as_str())),
        ),
    ];
    let predicate = predicate_part(&ratings);
    let nilai_kinerja = nilai_kinerja_with_complaints(
        results.nilai_hasil_kerja,
        combined.as_ref().map(|b| b.mean),
        citizen_converted,
        complaints_weighed,
        behaviour.multi_rater,
        &policy.component_weights,
    );
    Ok(Scorecard {
        policy_version: inputs.policy_version,
        results,
        behaviour,
        citizen,
        ratings,
        predicate,
        nilai_kinerja,
    })
}

fn results_part(targets: &[TargetInput], thresholds: &RatingThresholds) -> Result<ResultsPart, EngineError> {
    let total_weight: f64 = targets.iter().map(|t| t.weight).sum();
    let mut rows = Vec::with_capacity(targets.len());
    for target in targets {
        if target.weight < 0.0 {
            return Err(EngineError::NegativeWeight(target.id.to_string()));
        }
        if target.indicators.is_empty() {
            return Err(EngineError::NoIndicators(target.id.to_string()));
        }
        let mut indicators = Vec::with_capacity(target.indicators.len());
        for indicator in &target.indicators {
            let aspects: Vec<(Aspect, f64, f64)> =
                indicator.aspects.iter().map(|a| (a.aspect, a.target, a.realised.unwrap_or(0.0))).collect();
            let scored = target_capaian(&aspects)
                .map_err(|source| EngineError::Capaian { target: target.id.to_string(), source })?;
            let rows = indicator.aspects.iter().zip(scored.aspects).map(|(input, score)| aspect_row(input, score));
            indicators.push(IndicatorRow {
                id: indicator.id.clone(),
                description: indicator.description.clone(),
                aspects: rows.collect(),
                mean: scored.mean,
                capped: scored.capped,
                capaian: scored.capaian,
            });
        }
        let count = indicators.len() as f64;
        let weight_share = if total_weight > 0.0 { target.weight / total_weight } else { 0.0 };
        let capaian = indicators.iter().map(|i| i.capaian).sum::<f64>() / count;
        rows.push(TargetRow {
            id: target.id.clone(),
            description: target.description.clone(),
            kind: target.kind,
            weight: target.weight,
            weight_share,
            uncapped: indicators.iter().map(|i| i.mean).sum::<f64>() / count,
            capped: indicators.iter().any(|i| i.capped),
            capaian,
            contribution: weight_share * capaian,
            indicators,
        });
    }
    let weighted: Vec<(f64, f64)> = rows.iter().map(|t| (t.weight, t.capaian)).collect();
    let nilai_hasil_kerja = super::capaian::nilai_hasil_kerja(&weighted);
    let suggested = nilai_hasil_kerja.map(|value| suggest_results(value, &rows, thresholds));
    Ok(ResultsPart { targets: rows, nilai_hasil_kerja, suggested })
}

fn aspect_row(input: &AspectInput, score: AspectScore) -> AspectRow {
    let recorded = input.realised.is_some();
    AspectRow {
        aspect: score.aspect,
        unit: input.unit.clone(),
        target: score.target,
        realised: score.realised,
        recorded,
        basis: input.basis.clone(),
        efficiency: score.efficiency,
        branch: if recorded { score.branch } else { format!("{}, nothing recorded", score.aspect.as_str()) },
        formula: score.formula,
        percentage: score.score,
    }
}

/// A number as the explanation prints it: two decimals, or more when two would hide which side
/// of a threshold it lies on (109.999 is not "110.00").
fn show(value: f64, thresholds: &RatingThresholds) -> String {
    let short = format!("{value:.2}");
    let hides = |t: f64| short == format!("{t:.2}") && (value - t).abs() > super::capaian::TOLERANCE;
    if hides(thresholds.above) || hides(thresholds.meets) {
        format!("{value:.6}")
    } else {
        short
    }
}

/// The suggestion from the thresholds, with the comparison written out.
fn suggest(value: f64, thresholds: &RatingThresholds) -> Suggestion {
    let rating = thresholds.rate(value);
    let (threshold, rule) = match rating {
        Rating::DiAtasEkspektasi => {
            (Some(thresholds.above), format!("{} ≥ {}", show(value, thresholds), thresholds.above))
        }
        Rating::SesuaiEkspektasi => (
            Some(thresholds.meets),
            format!("{} ≤ {} < {}", thresholds.meets, show(value, thresholds), thresholds.above),
        ),
        Rating::DiBawahEkspektasi => (None, format!("{} < {}", show(value, thresholds), thresholds.meets)),
    };
    Suggestion { rating, value, threshold, rule: format!("{rule}: {}", rating.as_str()) }
}

/// The results suggestion: the thresholds, and the regulation's guidance that a rating above
/// expectations needs no main (utama) result below them.
fn suggest_results(value: f64, targets: &[TargetRow], thresholds: &RatingThresholds) -> Suggestion {
    let mut suggestion = suggest(value, thresholds);
    if suggestion.rating == Rating::DiAtasEkspektasi {
        let below = targets
            .iter()
            .find(|t| t.kind == TargetKind::Utama && thresholds.rate(t.capaian) == Rating::DiBawahEkspektasi);
        if let Some(target) = below {
            suggestion.rating = Rating::SesuaiEkspektasi;
            suggestion.rule = format!(
                "{} ≥ {}, but the main target \"{}\" is below expectations ({} < {}): {}",
                show(value, thresholds),
                thresholds.above,
                target.description,
                show(target.capaian, thresholds),
                thresholds.meets,
                Rating::SesuaiEkspektasi.as_str()
            );
        }
    }
    suggestion
}

fn behaviour_part(inputs: &ScoreInputs) -> Result<(BehaviourPart, Option<BehaviourScore>), EngineError> {
    let policy = &inputs.policy;
    let withheld = |group| inputs.withheld.iter().find(|w| w.group == group);
    // Withheld groups are not handed to the rules at all.
    let usable: Vec<GroupInput> =
        inputs.behaviour.iter().filter(|g| withheld(g.group).is_none() && g.respondents > 0).cloned().collect();
    let (combined, missing) = match behaviour_score(&usable, &policy.rater_weights, policy.min_peers) {
        Ok(score) => (Some(score), None),
        Err(BehaviourError::NoRaters) => {
            (None, Some("no rater group counted: the supervisor has not rated yet".to_string()))
        }
        Err(e) => return Err(EngineError::Behaviour(e)),
    };
    let mut shown: BTreeMap<RaterGroup, &BTreeMap<BerakhlakValue, f64>> = BTreeMap::new();
    let groups = RaterGroup::ALL
        .into_iter()
        .map(|group| {
            let input = usable.iter().find(|g| g.group == group);
            let respondents = input.map(|g| g.respondents).unwrap_or(0);
            let minimum = minimum_respondents(group, policy.min_peers);
            // Below the minimum neither the answers nor their number are shown: with fewer, one
            // rater's answer could be told apart.
            let showable = respondents >= minimum;
            if let (true, Some(input)) = (showable, input) {
                shown.insert(group, &input.means);
            }
            let weight = combined.as_ref().and_then(|c| c.weights_used.get(&group).copied());
            let reason = match (withheld(group), weight) {
                (Some(w), _) => Some(w.reason.clone()),
                (None, Some(_)) => None,
                (None, None) if group == RaterGroup::SelfAssessment => Some(
                    if respondents > 0 { "shown beside the others, weighs nothing" } else { "no self-assessment" }
                        .into(),
                ),
                (None, None) if respondents == 0 => Some(match group {
                    RaterGroup::Supervisor => "the supervisor has not rated yet".to_string(),
                    _ => "nobody of this group answered".to_string(),
                }),
                (None, None) if !showable => Some(format!("fewer than {minimum} answered")),
                (None, None) => Some("the policy gives it no weight".into()),
            };
            GroupRow {
                group,
                respondents: (showable || group == RaterGroup::Supervisor).then_some(respondents),
                policy_weight: policy.rater_weights.weight(group),
                counted: weight.is_some(),
                weight: weight.unwrap_or(0.0),
                reason,
            }
        })
        .collect();
    let column = |group: RaterGroup, value: BerakhlakValue| shown.get(&group).and_then(|m| m.get(&value).copied());
    let values = BerakhlakValue::ALL
        .into_iter()
        .map(|value| ValueRow {
            value,
            label: value.label_id().to_string(),
            supervisor: column(RaterGroup::Supervisor, value),
            peer: column(RaterGroup::Peer, value),
            subordinate: column(RaterGroup::Subordinate, value),
            self_assessment: column(RaterGroup::SelfAssessment, value),
            combined: combined.as_ref().map(|c| c.per_value[&value]),
        })
        .collect();
    let part = BehaviourPart {
        groups,
        values,
        mean: combined.as_ref().map(|c| c.mean),
        multi_rater: combined.as_ref().is_some_and(|c| c.multi_rater),
        suggested: combined.as_ref().map(|c| suggest(c.mean, &policy.behaviour_thresholds)),
        missing,
    };
    Ok((part, combined))
}

fn rating_row(
    dimension: RatingDimension,
    suggested: Option<Rating>,
    supervisor: Option<(Rating, Option<&str>)>,
    objection: Option<(ObjectionOutcome, Rating, &str)>,
) -> RatingRow {
    let (final_rating, source, reason) = match (objection, supervisor) {
        (Some((_, rating, reason)), _) => (Some(rating), Some(RatingSource::Objection), Some(reason.to_string())),
        (None, Some((rating, reason))) => (Some(rating), Some(RatingSource::Supervisor), reason.map(str::to_string)),
        (None, None) => (None, None, None),
    };
    let differs_from_suggested = matches!((final_rating, suggested), (Some(f), Some(s)) if f != s);
    RatingRow {
        dimension,
        suggested,
        supervisor: supervisor.map(|s| s.0),
        objection: objection.map(|o| o.1),
        objection_outcome: objection.map(|o| o.0),
        final_rating,
        source,
        differs_from_suggested,
        // The objection's reason always explains its decision; the supervisor's only a difference.
        reason: if differs_from_suggested || source == Some(RatingSource::Objection) { reason } else { None },
    }
}

fn predicate_part(ratings: &[RatingRow]) -> Option<PredicatePart> {
    let [results, behaviour] = ratings else { return None };
    let (r, b, basis) = match (results.final_rating, behaviour.final_rating, results.suggested, behaviour.suggested) {
        (Some(r), Some(b), _, _) => (r, b, PredicateBasis::Final),
        (_, _, Some(r), Some(b)) => (r, b, PredicateBasis::Suggested),
        _ => return None,
    };
    let p = predikat(r, b);
    Some(PredicatePart {
        predikat: p,
        basis,
        results: r,
        behaviour: b,
        rule: format!("results {} × behaviour {} = {}", r.as_str(), b.as_str(), p.as_str()),
    })
}

#[cfg(test)]
mod tests;
