//! Recommendations computed from every employee's score and follow-up plan in batches (a fixed
//! number of queries per batch), and the decisions recorded on them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Decision, RecommendationDecision, RecommendationReport, RecommendedEmployee, TrainingTopic};
use crate::db::schema::recommendation_decisions;
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::engine::PredicateBasis;
use crate::domain::recommendation::{self, topic_key, Outcome, RecommendationKind, Recommended};
use crate::error::ApiResult;
use crate::scores::freeze::{in_batches, served};
use crate::scores::store::Scope;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recommendation_decisions)]
pub struct DecisionRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub sub_period_id: Option<String>,
    pub employee_id: EmployeeId,
    pub kind: RecommendationKind,
    pub topic: String,
    pub decision: Decision,
    pub note: String,
    pub decided_by: EmployeeId,
    pub decided_at: NaiveDateTime,
}

impl DecisionRow {
    pub fn view(self) -> RecommendationDecision {
        RecommendationDecision {
            id: self.id,
            period_id: self.period_id,
            sub_period_id: self.sub_period_id,
            employee_id: self.employee_id,
            kind: self.kind,
            topic: (!self.topic.is_empty()).then_some(self.topic),
            decision: self.decision,
            note: self.note,
            decided_by: self.decided_by,
            decided_at: self.decided_at.and_utc(),
        }
    }
}

pub fn insert_decision(conn: &mut AnyConnection, row: &DecisionRow) -> ApiResult<()> {
    diesel::insert_into(recommendation_decisions::table).values(row).execute(conn)?;
    Ok(())
}

/// What a decision is about: (employee id, kind, topic key or "").
type DecisionKey = (EmployeeId, RecommendationKind, String);

/// The decisions taken in the scope, by what they are about.
pub fn decisions_in(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> ApiResult<HashMap<DecisionKey, RecommendationDecision>> {
    let mut q = recommendation_decisions::table
        .filter(recommendation_decisions::period_id.eq(scope.period.id.clone()))
        .into_boxed();
    q = match &scope.sub_period {
        Some(sub) => q.filter(recommendation_decisions::sub_period_id.eq(sub.id.clone())),
        None => q.filter(recommendation_decisions::sub_period_id.is_null()),
    };
    let rows: Vec<DecisionRow> = q.select(DecisionRow::as_select()).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let view = row.view();
            ((view.employee_id.clone(), view.kind, view.topic.clone().unwrap_or_default()), view)
        })
        .collect())
}

/// Who an employee is, for the lists.
#[derive(Clone)]
struct Person {
    name: String,
    nip: String,
    unit_id: UnitId,
}

/// The outcomes (predicates that stand, with the follow-up plans) of `scores`.
fn outcomes(
    conn: &mut AnyConnection,
    scope: &Scope,
    scores: Vec<crate::scores::EmployeeScore>,
    people: &mut HashMap<EmployeeId, Person>,
) -> ApiResult<Vec<Outcome>> {
    let ids: Vec<EmployeeId> = scores.iter().map(|s| s.employee_id.clone()).collect();
    let sub_period_id = scope.sub_period.as_ref().map(|s| s.id.as_str());
    let mut plans = crate::assessments::store::follow_up_plans(conn, &ids, &scope.period.id, sub_period_id)?;
    let mut out = Vec::new();
    for score in scores {
        // A suggested predicate is provisional: nobody is recommended on it.
        let Some(p) = score.explanation.predicate.as_ref().filter(|p| p.basis == PredicateBasis::Final) else {
            continue;
        };
        out.push(Outcome {
            employee_id: score.employee_id.clone(),
            predikat: p.predikat,
            follow_up: plans.remove(&score.employee_id),
        });
        people.insert(score.employee_id, Person { name: score.employee_name, nip: score.nip, unit_id: score.unit_id });
    }
    Ok(out)
}

/// The recommendations of the scope for everyone (or everyone in `unit_ids`), with the decisions.
pub fn report(conn: &mut AnyConnection, scope: &Scope, unit_ids: Option<&[UnitId]>) -> ApiResult<RecommendationReport> {
    let mut people = HashMap::new();
    let mut all = Vec::new();
    in_batches(conn, scope, unit_ids, |conn, scores| {
        all.extend(outcomes(conn, scope, scores, &mut people)?);
        Ok(())
    })?;
    let mut decisions = decisions_in(conn, scope)?;
    let r = recommendation::recommend(&all);
    let predikats: HashMap<EmployeeId, crate::domain::predikat::Predikat> =
        all.iter().map(|o| (o.employee_id.clone(), o.predikat)).collect();
    let mut entry = |kind: RecommendationKind, topic: &str, employee_id: &EmployeeId, reasons: Vec<String>| {
        let person = people.get(employee_id).cloned().unwrap_or(Person {
            name: String::new(),
            nip: String::new(),
            unit_id: UnitId::default(),
        });
        RecommendedEmployee {
            employee_id: employee_id.clone(),
            employee_name: person.name,
            nip: person.nip,
            unit_id: person.unit_id,
            predikat: predikats[employee_id],
            reasons,
            decision: decisions.remove(&(employee_id.clone(), kind, topic.to_string())),
        }
    };
    let mut list = |kind, items: Vec<Recommended>| -> Vec<RecommendedEmployee> {
        items.into_iter().map(|r| entry(kind, "", &r.employee_id, r.reasons)).collect()
    };
    let recognition = list(RecommendationKind::Recognition, r.recognition);
    let coaching = list(RecommendationKind::Coaching, r.coaching);
    let warning = list(RecommendationKind::Warning, r.warning);
    let training = r
        .training
        .into_iter()
        .map(|group| {
            let key = topic_key(&group.topic);
            let employees = group
                .employee_ids
                .iter()
                .map(|id| entry(RecommendationKind::Training, &key, id, vec!["follow-up plan".to_string()]))
                .collect();
            TrainingTopic { topic: group.topic, topic_key: key, employees }
        })
        .collect();
    Ok(RecommendationReport { scope: scope.view(), recognition, training, coaching, warning })
}

/// Whether `employee` is recommended for `kind` (and, for training, the topic `key`) in the scope.
pub fn is_recommended(
    conn: &mut AnyConnection,
    scope: &Scope,
    employee: crate::employees::EmployeeRow,
    kind: RecommendationKind,
    key: &str,
) -> ApiResult<bool> {
    let scores = served(conn, scope, vec![employee], None)?;
    let r = recommendation::recommend(&outcomes(conn, scope, scores, &mut HashMap::new())?);
    Ok(match kind {
        RecommendationKind::Recognition => !r.recognition.is_empty(),
        RecommendationKind::Coaching => !r.coaching.is_empty(),
        RecommendationKind::Warning => !r.warning.is_empty(),
        RecommendationKind::Training => r.training.iter().any(|g| topic_key(&g.topic) == key),
    })
}
