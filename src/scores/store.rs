//! Loading every input of the scores of a set of employees: one query per kind of input, whatever
//! the number of employees, targets or indicators.

use std::collections::HashMap;

use diesel::prelude::*;

use super::{EmployeeScore, ScoreScope, ScoreState};
use crate::assessments::{self, AssessmentKind};
use crate::db::schema::{sub_periods, units};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::behaviour::{GroupInput, RaterGroup};
use crate::domain::capaian::Aspect;
use crate::domain::engine::{
    self, sub_period_target, AspectInput, GivenRatings, IndicatorInput, ObjectionDecision, ScoreInputs, TargetInput,
    WithheldGroup,
};
use crate::employees::EmployeeRow;
use crate::error::{ApiError, ApiResult};
use crate::periods::{PeriodRow, SubPeriodRow};
use crate::ratings::{citizen, peer};
use crate::skp::Skp;

/// The period (and sub-period) a score is for.
pub struct Scope {
    pub period: PeriodRow,
    pub sub_period: Option<SubPeriodRow>,
    /// How many sub-periods the year has: a sub-period's targets are this share of the year's.
    pub sub_period_count: u32,
    /// When the score is computed (the service's clock): what has opened by then counts.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Scope {
    pub fn view(&self) -> ScoreScope {
        match &self.sub_period {
            Some(sub) => ScoreScope {
                period_id: self.period.id.clone(),
                sub_period_id: Some(sub.id.clone()),
                label: sub.label.clone(),
                from: sub.starts_on,
                to: sub.ends_on,
            },
            None => ScoreScope {
                period_id: self.period.id.clone(),
                sub_period_id: None,
                label: self.period.year.to_string(),
                from: self.period.starts_on,
                to: self.period.ends_on,
            },
        }
    }
}

/// The period of the caller's organisation and, if named, its sub-period.
pub fn scope(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    period_id: &str,
    sub_period_id: Option<&str>,
    clock: crate::clock::Clock,
) -> ApiResult<Scope> {
    let period = crate::periods::find(conn, period_id)?;
    if period.organization_id != *organization_id {
        return Err(ApiError::NotFound("period"));
    }
    let subs: Vec<SubPeriodRow> = sub_periods::table
        .filter(sub_periods::period_id.eq(&period.id))
        .select(SubPeriodRow::as_select())
        .load(conn)?;
    let sub_period_count = subs.len() as u32;
    let sub_period = match sub_period_id {
        None => None,
        Some(id) => Some(subs.into_iter().find(|s| s.id == id).ok_or_else(|| {
            ApiError::field("sub_period_id", "unknown_sub_period", "not a sub-period of this period")
        })?),
    };
    Ok(Scope { period, sub_period, sub_period_count, now: clock.now() })
}

/// Whose scores a list shows.
pub enum Members {
    /// A supervisor's direct reports.
    ReportsTo(EmployeeId),
    /// Everyone in these units.
    InUnits(Vec<UnitId>),
}

/// A page of the organisation's `members` by id, after `after`.
pub fn members(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    members: Members,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<EmployeeRow>> {
    use crate::db::schema::employees;
    let mut q = employees::table.filter(employees::organization_id.eq(organization_id)).into_boxed();
    q = match members {
        Members::ReportsTo(supervisor_id) => q.filter(employees::supervisor_id.eq(supervisor_id)),
        Members::InUnits(unit_ids) => q.filter(employees::unit_id.eq_any(unit_ids)),
    };
    if let Some(after) = after {
        q = q.filter(employees::id.gt(after));
    }
    Ok(q.order(employees::id.asc()).limit(fetch).select(EmployeeRow::as_select()).load(conn)?)
}

/// The units in `unit_id`'s subtree, itself included.
pub fn subtree(conn: &mut AnyConnection, organization_id: &OrganizationId, unit_id: &UnitId) -> ApiResult<Vec<UnitId>> {
    let all: Vec<(UnitId, Option<UnitId>)> = units::table
        .filter(units::organization_id.eq(organization_id))
        .select((units::id, units::parent_id))
        .load(conn)?;
    let mut found = vec![unit_id.clone()];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i].clone();
        found.extend(all.iter().filter(|(_, p)| p.as_ref() == Some(&parent)).map(|(id, _)| id.clone()));
        i += 1;
    }
    Ok(found)
}

/// Verified values by indicator: (aspect, sub-period, value). Keyed by the indicator alone so that
/// a lookup borrows its id (a close looks up 1.4 million aspects, each once allocated as a key).
type Realised = HashMap<String, Vec<(Aspect, String, f64)>>;

/// What an aspect realised in the scope: the sub-period's verified value, or over the year the
/// verified values of its sub-periods combined (counts, months and rupiah add up; quality averages).
fn realised_in(realised: &Realised, indicator_id: &str, aspect: Aspect, scope: &Scope) -> Option<f64> {
    let mut values = realised.get(indicator_id)?.iter().filter(|(a, ..)| *a == aspect);
    match &scope.sub_period {
        Some(sub) => values.find(|(_, sub_period, _)| *sub_period == sub.id).map(|(.., v)| *v),
        None => engine::year_realised(aspect, &values.map(|(.., v)| *v).collect::<Vec<_>>()),
    }
}

/// An approved SKP as the scores take it: its targets as the engine takes them, without
/// realisations, for the year and shared out to any one sub-period. Built once for every scope of
/// a period, whose inputs and results then share its texts instead of copying them (a close
/// scores five scopes of 20,000 plans).
struct Plan {
    skp_id: String,
    skp_revision: i32,
    year: Vec<TargetInput>,
    sub_period: Vec<TargetInput>,
}

impl Plan {
    fn of(skp: Skp, sub_period_count: u32) -> Self {
        let year: Vec<TargetInput> = skp
            .targets
            .iter()
            .map(|t| TargetInput {
                id: t.id.as_str().into(),
                description: t.description.as_str().into(),
                kind: t.kind,
                weight: t.weight,
                indicators: t
                    .indicators
                    .iter()
                    .map(|i| IndicatorInput {
                        id: i.id.as_str().into(),
                        description: i.description.as_str().into(),
                        aspects: i
                            .aspects
                            .iter()
                            .map(|a| AspectInput {
                                aspect: a.aspect,
                                unit: a.unit.as_str().into(),
                                target: a.target,
                                realised: None,
                                basis: None,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let mut sub_period = year.clone();
        for aspect in sub_period.iter_mut().flat_map(|t| &mut t.indicators).flat_map(|i| &mut i.aspects) {
            let share = sub_period_target(aspect.aspect, aspect.target, sub_period_count);
            if share != aspect.target {
                aspect.basis = Some(format!("annual target {} ÷ {sub_period_count} sub-periods", aspect.target).into());
                aspect.target = share;
            }
        }
        Plan { skp_id: skp.id, skp_revision: skp.revision, year, sub_period }
    }

    /// The targets of `scope`, with what was realised in it.
    fn targets(&self, scope: &Scope, realised: &Realised) -> Vec<TargetInput> {
        let mut targets = if scope.sub_period.is_some() { self.sub_period.clone() } else { self.year.clone() };
        for indicator in targets.iter_mut().flat_map(|t| &mut t.indicators) {
            for aspect in &mut indicator.aspects {
                aspect.realised = realised_in(realised, &indicator.id, aspect.aspect, scope);
            }
        }
        targets
    }
}

/// A score computed now, with everything it was computed from.
pub struct Computed {
    pub score: EmployeeScore,
    pub inputs: ScoreInputs,
}

/// Computes the scores of `people` (all of the same organisation) for `scope`.
pub fn scores_of(conn: &mut AnyConnection, scope: &Scope, people: Vec<EmployeeRow>) -> ApiResult<Vec<EmployeeScore>> {
    Ok(computed(conn, scope, people)?.into_iter().map(|c| c.score).collect())
}

/// What every scope of a period (the year and each sub-period) reads of a set of employees: loaded
/// once, then scored per scope ([`computed_with`]). Closing a period scores five scopes of every
/// employee; loading these per scope read the same plans, achievements and ratings five times.
pub struct PeriodInputs {
    policy_version: i32,
    policy: crate::domain::policy::ScoringPolicy,
    plans: HashMap<EmployeeId, Plan>,
    realised: Realised,
    peers_open: bool,
    peers: HashMap<EmployeeId, Vec<GroupInput>>,
    assessments: Vec<assessments::store::ScoredAssessment>,
    tz: crate::domain::time_zone::OrgTimeZone,
}

/// Loads what every scope of `scope`'s period reads of `people` (all of its organisation), as of
/// `scope.now`.
pub fn period_inputs(
    conn: &mut AnyConnection,
    scope: &Scope,
    people: &[EmployeeRow],
) -> ApiResult<Option<PeriodInputs>> {
    let Scope { period, now, .. } = scope;
    let Some(first) = people.first() else { return Ok(None) };
    let (policy_version, policy) = crate::policies::current(conn, &first.organization_id)?;
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.id.clone()).collect();
    let approved = crate::skp::approved_of(conn, &ids, &period.id)?;
    let plans: HashMap<EmployeeId, Plan> = crate::skp::load_many(conn, approved)?
        .into_iter()
        .map(|skp| (skp.employee_id.clone(), Plan::of(skp, scope.sub_period_count)))
        .collect();
    let mut realised: Realised = HashMap::new();
    for (indicator_id, aspect, sub_period_id, value) in
        crate::achievements::store::verified_values(conn, &ids, &period.id)?
    {
        realised.entry(indicator_id).or_default().push((aspect, sub_period_id, value));
    }
    let tz = crate::organizations::time_zone(conn, &first.organization_id)?;
    let today = tz.date_at(*now);
    // Peer and subordinate ratings are given for the year: they count in any score only once the
    // year's assessment is open and they are final.
    let peers_open = crate::periods::assessment_open(period, today);
    let mut peers: HashMap<EmployeeId, Vec<GroupInput>> = HashMap::new();
    if peers_open {
        for (ratee, group, respondents, means) in peer::store::answers_of(conn, &ids, &period.id)? {
            peers.entry(ratee).or_default().push(GroupInput {
                group: group.rater_group(),
                respondents: respondents.max(0) as u32,
                means,
            });
        }
    }
    let assessments = assessments::store::published_for_scores(conn, &ids, &period.id)?;
    Ok(Some(PeriodInputs { policy_version, policy, plans, realised, peers_open, peers, assessments, tz }))
}

/// Computes the scores of `people` (all of the same organisation) for `scope`, each with its inputs.
pub fn computed(conn: &mut AnyConnection, scope: &Scope, people: Vec<EmployeeRow>) -> ApiResult<Vec<Computed>> {
    match period_inputs(conn, scope, &people)? {
        Some(inputs) => computed_with(conn, &inputs, scope, people),
        None => Ok(Vec::new()),
    }
}

/// Computes the scores of `people` for `scope` from the period's inputs loaded once; only what
/// depends on the scope's dates is read here ([`scope_inputs`]).
pub fn computed_with(
    conn: &mut AnyConnection,
    inputs: &PeriodInputs,
    scope: &Scope,
    people: Vec<EmployeeRow>,
) -> ApiResult<Vec<Computed>> {
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.id.clone()).collect();
    let dated = scope_inputs(conn, inputs, scope, &ids)?;
    computed_from(inputs, dated, scope, people)
}

/// What a score reads for the dates of its scope: the citizen ratings and complaints in it.
pub struct ScopeInputs {
    citizen_sums: HashMap<EmployeeId, citizen::store::ElementSums>,
    complaints: HashMap<EmployeeId, crate::domain::complaint::ComplaintFigures>,
}

/// Loads what `scope`'s dates select of `ids` (two queries).
pub fn scope_inputs(
    conn: &mut AnyConnection,
    inputs: &PeriodInputs,
    scope: &Scope,
    ids: &[EmployeeId],
) -> ApiResult<ScopeInputs> {
    let view = scope.view();
    let (start, end) = citizen::store::day_range(inputs.tz, view.from, view.to);
    let citizen_sums = citizen::store::sums_per_officer(conn, ids, start, end)?;
    // Kept with the score, so counted without the clock (no "overdue", which changes with it).
    let complaints = crate::complaints::store::figures_of_officers(conn, ids, start, end, None)?;
    Ok(ScopeInputs { citizen_sums, complaints })
}

/// Computes the scores of `people` for `scope` from inputs already loaded: no database, so a close
/// computes one page while its connection stores the last.
pub fn computed_from(
    inputs: &PeriodInputs,
    dated: ScopeInputs,
    scope: &Scope,
    people: Vec<EmployeeRow>,
) -> ApiResult<Vec<Computed>> {
    let ScopeInputs { citizen_sums, mut complaints } = dated;
    // The scope's own rater groups (supervisor, self); the peers' are the period's, added per person.
    let mut assessed: HashMap<EmployeeId, Vec<GroupInput>> = HashMap::new();
    let sub_period_id = scope.sub_period.as_ref().map(|s| s.id.clone());
    let mut given: HashMap<EmployeeId, (Option<GivenRatings>, Option<ObjectionDecision>)> = HashMap::new();
    for a in inputs.assessments.iter().filter(|a| a.sub_period_id == sub_period_id) {
        let means = a.scores.iter().map(|(value, score)| (*value, f64::from(*score))).collect();
        let group = match a.kind {
            AssessmentKind::Supervisor => RaterGroup::Supervisor,
            AssessmentKind::SelfAssessment => RaterGroup::SelfAssessment,
        };
        if !a.scores.is_empty() {
            assessed.entry(a.employee_id.clone()).or_default().push(GroupInput { group, respondents: 1, means });
        }
        if a.kind != AssessmentKind::Supervisor {
            continue;
        }
        let (Some(results), Some(behaviour_rating)) = (a.results_rating, a.behaviour_rating) else { continue };
        let supervisor = GivenRatings { results, behaviour: behaviour_rating, reason: a.reason.clone() };
        // A decided objection shows beside the supervisor's ratings, upheld or changed, with the
        // decider's reason.
        let objection = a.objection.clone().map(|decided| ObjectionDecision {
            outcome: decided.outcome,
            results: decided.results.unwrap_or(results),
            behaviour: decided.behaviour.unwrap_or(behaviour_rating),
            reason: decided.reason,
        });
        given.insert(a.employee_id.clone(), (Some(supervisor), objection));
    }
    let view = scope.view();
    people
        .into_iter()
        .map(|person| {
            let plan = inputs.plans.get(&person.id);
            let (supervisor_ratings, objection) = given.remove(&person.id).unwrap_or_default();
            let inputs = ScoreInputs {
                targets: plan.map(|p| p.targets(scope, &inputs.realised)).unwrap_or_default(),
                behaviour: inputs
                    .peers
                    .get(&person.id)
                    .into_iter()
                    .flatten()
                    .cloned()
                    .chain(assessed.remove(&person.id).into_iter().flatten())
                    .collect(),
                withheld: withheld(inputs.peers_open),
                citizen: citizen_sums.get(&person.id).map(|sums| sums.index(inputs.policy.min_citizen_responses)),
                supervisor_ratings,
                objection,
                policy_version: inputs.policy_version,
                policy: inputs.policy.clone(),
                complaints: complaints.remove(&person.id),
            };
            let score = score(person, plan, &view, &inputs)?;
            Ok(Computed { score, inputs })
        })
        .collect()
}

fn withheld(peers_open: bool) -> Vec<WithheldGroup> {
    if peers_open {
        return Vec::new();
    }
    [RaterGroup::Peer, RaterGroup::Subordinate]
        .into_iter()
        .map(|group| WithheldGroup {
            group,
            reason: "peer and subordinate ratings show once the year's assessment opens (the period is evaluating or has ended)".into(),
        })
        .collect()
}

fn score(
    person: EmployeeRow,
    plan: Option<&Plan>,
    scope: &ScoreScope,
    inputs: &ScoreInputs,
) -> ApiResult<EmployeeScore> {
    let explanation = engine::compute(inputs).map_err(ApiError::internal)?;
    Ok(EmployeeScore {
        state: ScoreState::Live,
        snapshot: None,
        frozen_at: None,
        snapshots: Vec::new(),
        employee_id: person.id,
        employee_name: person.name,
        nip: person.nip,
        unit_id: person.unit_id,
        scope: scope.clone(),
        skp_id: plan.map(|p| p.skp_id.clone()),
        skp_revision: plan.map(|p| p.skp_revision),
        explanation,
    })
}
