//! Reading and writing assessments with their scores and training needs, and the queries the
//! score engine builds on (the final ratings and the scores of one employee and period). The
//! inbox's queries are in `inbox/store.rs`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    Assessment, AssessmentContent, AssessmentKind, AssessmentQuery, AssessmentStatus, FollowUpPlan, ObjectionBrief,
    TrainingNeed,
};
use crate::authz::{AssessmentRef, EvaluationVisibility};
use crate::db::schema::{assessment_scores, assessment_training_needs, assessments, employees, objections};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::{new_id, AnyConnection};
use crate::domain::assessment::ObjectionStatus;
use crate::domain::assessment::{objection_window, Criteria};
use crate::domain::behaviour::BerakhlakValue;
use crate::domain::engine::ObjectionOutcome;
use crate::domain::predikat::{predikat, Rating};
use crate::error::{ApiError, ApiResult};
use crate::ratings::peer::BerakhlakScores;
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assessments)]
pub struct AssessmentRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub sub_period_id: Option<String>,
    pub employee_id: EmployeeId,
    pub author_id: EmployeeId,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    pub results_rating: Option<Rating>,
    pub behaviour_rating: Option<Rating>,
    pub comment: String,
    pub reason: Option<String>,
    pub coaching: Option<String>,
    pub recognition: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AssessmentRow {
    pub fn is_published(&self) -> bool {
        self.status == AssessmentStatus::Published
    }
}

/// A page of the assessments `visibility` lets the caller see, filtered by `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    visibility: EvaluationVisibility,
    query: AssessmentQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<AssessmentRow>> {
    let published = assessments::status.eq(AssessmentStatus::Published);
    let mut q = assessments::table.into_boxed();
    q = match visibility {
        EvaluationVisibility::Organization { organization_id, employee_id } => q
            .filter(assessments::organization_id.eq(organization_id))
            .filter(assessments::author_id.nullable().eq(employee_id).or(published)),
        EvaluationVisibility::Parties { organization_id, employee_id: me } => {
            let reports = || employees::table.filter(employees::supervisor_id.eq(me.clone())).select(employees::id);
            q.filter(assessments::organization_id.eq(organization_id)).filter(
                assessments::author_id.eq(me.clone()).or(published.and(
                    assessments::employee_id
                        .eq(me.clone())
                        .or(assessments::employee_id.eq_any(reports()))
                        .or(assessments::author_id.eq_any(reports())),
                )),
            )
        }
    };
    if let Some(after) = after {
        q = q.filter(assessments::id.gt(after));
    }
    if let Some(v) = query.period_id {
        q = q.filter(assessments::period_id.eq(v));
    }
    if let Some(v) = query.sub_period_id {
        q = q.filter(assessments::sub_period_id.eq(v));
    }
    match query.yearly {
        Some(true) => q = q.filter(assessments::sub_period_id.is_null()),
        Some(false) => q = q.filter(assessments::sub_period_id.is_not_null()),
        None => {}
    }
    if let Some(v) = query.employee_id {
        q = q.filter(assessments::employee_id.eq(v));
    }
    if let Some(v) = query.kind {
        q = q.filter(assessments::kind.eq(v));
    }
    if let Some(v) = query.status {
        q = q.filter(assessments::status.eq(v));
    }
    if let Some(v) = query.updated_since {
        q = q.filter(assessments::updated_at.ge(v.naive_utc()));
    }
    Ok(q.order(assessments::id.asc()).limit(fetch).select(AssessmentRow::as_select()).load(conn)?)
}

pub fn insert(conn: &mut AnyConnection, row: &AssessmentRow) -> ApiResult<()> {
    diesel::insert_into(assessments::table).values(row).execute(conn)?;
    Ok(())
}

/// The ratings, comment and follow-up of a draft at the version read (see
/// `crate::versioned::Edit`; the scores and training needs follow with [`write_content`]).
pub fn set_ratings(
    conn: &mut AnyConnection,
    id: &str,
    version: Versions,
    content: &AssessmentContent,
) -> ApiResult<usize> {
    Ok(diesel::update(assessments::table.find(id).filter(assessments::version.eq(version.expected)))
        .set((
            assessments::results_rating.eq(content.results_rating),
            assessments::behaviour_rating.eq(content.behaviour_rating),
            assessments::comment.eq(&content.comment),
            assessments::reason.eq(&content.reason),
            assessments::coaching.eq(&content.follow_up.coaching),
            assessments::recognition.eq(&content.follow_up.recognition),
            assessments::version.eq(version.next),
            assessments::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

/// Publishes a draft at the version read (see `crate::versioned::Edit`).
pub fn publish(conn: &mut AnyConnection, id: &str, version: Versions, at: NaiveDateTime) -> ApiResult<usize> {
    Ok(diesel::update(assessments::table.find(id).filter(assessments::version.eq(version.expected)))
        .set((
            assessments::status.eq(AssessmentStatus::Published),
            assessments::published_at.eq(Some(at)),
            assessments::version.eq(version.next),
            assessments::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<AssessmentRow> {
    assessments::table
        .find(id)
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("assessment"))
}

/// The other assessment of the same employee, scope and the given kind, if any.
pub fn counterpart(
    conn: &mut AnyConnection,
    row: &AssessmentRow,
    kind: AssessmentKind,
) -> ApiResult<Option<AssessmentRow>> {
    let mut q = assessments::table
        .filter(assessments::employee_id.eq(&row.employee_id))
        .filter(assessments::period_id.eq(&row.period_id))
        .filter(assessments::kind.eq(kind))
        .into_boxed();
    q = match &row.sub_period_id {
        Some(sub) => q.filter(assessments::sub_period_id.eq(sub)),
        None => q.filter(assessments::sub_period_id.is_null()),
    };
    Ok(q.select(AssessmentRow::as_select()).first(conn).optional()?)
}

/// Removes a draft with its scores and training needs (nothing refers to a draft otherwise).
pub fn delete_draft(conn: &mut AnyConnection, id: &str) -> ApiResult<()> {
    diesel::delete(assessment_scores::table.filter(assessment_scores::assessment_id.eq(id))).execute(conn)?;
    diesel::delete(assessment_training_needs::table.filter(assessment_training_needs::assessment_id.eq(id)))
        .execute(conn)?;
    diesel::delete(assessments::table.find(id).filter(assessments::status.eq(AssessmentStatus::Draft)))
        .execute(conn)?;
    Ok(())
}

/// What authorization needs to know of an assessment.
pub fn reference(conn: &mut AnyConnection, row: &AssessmentRow) -> ApiResult<AssessmentRef> {
    let employee = crate::employees::find(conn, &row.employee_id)?.reference();
    let author_supervisor_id: Option<EmployeeId> = employees::table
        .find(&row.author_id)
        .select(employees::supervisor_id)
        .first::<Option<EmployeeId>>(conn)
        .optional()?
        .flatten();
    Ok(AssessmentRef {
        employee,
        author_id: row.author_id.clone(),
        published: row.is_published(),
        author_supervisor_id,
    })
}

/// Rows back into the seven scores; `None` unless all seven are there.
fn scores_from_rows(rows: &[(BerakhlakValue, i32)]) -> Option<BerakhlakScores> {
    BerakhlakScores::from_fn(|value| rows.iter().find(|(v, _)| *v == value).map(|(_, score)| *score))
}

/// Replaces the content of an assessment (its scores and training needs too).
pub fn write_content(conn: &mut AnyConnection, id: &str, content: &AssessmentContent) -> ApiResult<()> {
    diesel::delete(assessment_scores::table.filter(assessment_scores::assessment_id.eq(id))).execute(conn)?;
    if let Some(scores) = &content.behaviour_scores {
        for value in BerakhlakValue::ALL {
            diesel::insert_into(assessment_scores::table)
                .values((
                    assessment_scores::assessment_id.eq(id),
                    assessment_scores::berakhlak_value.eq(value),
                    assessment_scores::score.eq(scores.get(value)),
                ))
                .execute(conn)?;
        }
    }
    diesel::delete(assessment_training_needs::table.filter(assessment_training_needs::assessment_id.eq(id)))
        .execute(conn)?;
    for (position, need) in content.follow_up.training_needs.iter().enumerate() {
        diesel::insert_into(assessment_training_needs::table)
            .values((
                assessment_training_needs::id.eq(new_id()),
                assessment_training_needs::assessment_id.eq(id),
                assessment_training_needs::position.eq(position as i32),
                assessment_training_needs::topic.eq(need.topic.trim()),
                assessment_training_needs::note.eq(&need.note),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An objection as the assessment shows it: id, status, outcome and the ratings it decided.
type ObjectionState = (String, ObjectionStatus, Option<ObjectionOutcome>, Option<Rating>, Option<Rating>);

/// The assessments with everything in them: four queries however many rows.
pub fn load(conn: &mut AnyConnection, rows: Vec<AssessmentRow>) -> ApiResult<Vec<Assessment>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut scores: HashMap<String, Vec<(BerakhlakValue, i32)>> = HashMap::new();
    for (id, value, score) in assessment_scores::table
        .filter(assessment_scores::assessment_id.eq_any(&ids))
        .select((assessment_scores::assessment_id, assessment_scores::berakhlak_value, assessment_scores::score))
        .load::<(String, BerakhlakValue, i32)>(conn)?
    {
        scores.entry(id).or_default().push((value, score));
    }
    let mut needs: HashMap<String, Vec<TrainingNeed>> = HashMap::new();
    for (id, topic, note) in assessment_training_needs::table
        .filter(assessment_training_needs::assessment_id.eq_any(&ids))
        .order((assessment_training_needs::assessment_id, assessment_training_needs::position))
        .select((
            assessment_training_needs::assessment_id,
            assessment_training_needs::topic,
            assessment_training_needs::note,
        ))
        .load::<(String, String, String)>(conn)?
    {
        needs.entry(id).or_default().push(TrainingNeed { topic, note });
    }
    let objections_of: HashMap<String, ObjectionState> = objections::table
        .filter(objections::assessment_id.eq_any(&ids))
        .select((
            objections::assessment_id,
            objections::id,
            objections::status,
            objections::outcome,
            objections::final_results_rating,
            objections::final_behaviour_rating,
        ))
        .load::<(String, String, ObjectionStatus, Option<ObjectionOutcome>, Option<Rating>, Option<Rating>)>(conn)?
        .into_iter()
        .map(|(assessment, id, status, outcome, results, behaviour)| {
            (assessment, (id, status, outcome, results, behaviour))
        })
        .collect();
    // Every row of one call belongs to one organisation (the caller's).
    let window = match rows.first() {
        Some(row) if rows.iter().any(|r| r.published_at.is_some()) => Some((
            crate::organizations::time_zone(conn, &row.organization_id)?,
            crate::policies::current(conn, &row.organization_id)?.1.objection_window_days,
        )),
        _ => None,
    };
    rows.into_iter()
        .map(|row| {
            let (kind, status, results_rating, behaviour_rating) =
                (row.kind, row.status, row.results_rating, row.behaviour_rating);
            let objection = objections_of.get(&row.id);
            let (final_results_rating, final_behaviour_rating) = match objection {
                Some((_, _, Some(_), results, behaviour)) => (*results, *behaviour),
                _ => (results_rating, behaviour_rating),
            };
            let published_at = row.published_at.map(|t| t.and_utc());
            let objection_deadline = match (kind, published_at, window) {
                (AssessmentKind::Supervisor, Some(at), Some((zone, days))) => {
                    Some(objection_window(at, at, zone, days).closes_at)
                }
                _ => None,
            };
            Ok(Assessment {
                behaviour_scores: scores_from_rows(scores.get(&row.id).map(Vec::as_slice).unwrap_or_default()),
                follow_up: FollowUpPlan {
                    training_needs: needs.remove(&row.id).unwrap_or_default(),
                    coaching: row.coaching,
                    recognition: row.recognition,
                },
                objection: objection.map(|(id, status, outcome, ..)| ObjectionBrief {
                    id: id.clone(),
                    status: *status,
                    outcome: *outcome,
                }),
                final_predikat: final_results_rating.zip(final_behaviour_rating).map(|(r, b)| predikat(r, b)),
                final_results_rating,
                final_behaviour_rating,
                results_rating,
                behaviour_rating,
                objection_deadline,
                published_at,
                kind,
                status,
                id: row.id,
                organization_id: row.organization_id,
                period_id: row.period_id,
                sub_period_id: row.sub_period_id,
                employee_id: row.employee_id,
                author_id: row.author_id,
                comment: row.comment,
                reason: row.reason,
                version: row.version,
                created_at: row.created_at.and_utc(),
                updated_at: row.updated_at.and_utc(),
            })
        })
        .collect()
}

pub fn load_one(conn: &mut AnyConnection, row: AssessmentRow) -> ApiResult<Assessment> {
    load(conn, vec![row])?.pop().ok_or(ApiError::NotFound("assessment"))
}

/// The assessment as it is now, after a write.
pub fn reload(conn: &mut AnyConnection, id: &str) -> ApiResult<Assessment> {
    let row = find(conn, id)?;
    load_one(conn, row)
}

/// The shared criteria of an assessment, for the gap view.
pub fn criteria(assessment: &Assessment) -> Criteria {
    let scores = match &assessment.behaviour_scores {
        Some(s) => BerakhlakValue::ALL.into_iter().map(|value| (value, s.get(value))).collect(),
        None => Default::default(),
    };
    Criteria { results_rating: assessment.results_rating, behaviour_rating: assessment.behaviour_rating, scores }
}

// ---- The score engine's input ----

/// One published assessment of an employee and period as the score engine reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredAssessment {
    pub assessment_id: String,
    pub employee_id: EmployeeId,
    pub sub_period_id: Option<String>,
    pub kind: AssessmentKind,
    /// As the author gave them.
    pub results_rating: Option<Rating>,
    pub behaviour_rating: Option<Rating>,
    /// What counts: the objection's decision where it changed them, else the author's.
    pub final_results_rating: Option<Rating>,
    pub final_behaviour_rating: Option<Rating>,
    /// Why the given rating differs from the suggestion.
    pub reason: Option<String>,
    /// The decision on the employee's objection, once decided.
    pub objection: Option<DecidedObjection>,
    pub scores: std::collections::BTreeMap<BerakhlakValue, i32>,
}

/// An objection's decision as the score engine reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedObjection {
    pub outcome: ObjectionOutcome,
    /// The decided ratings (absent when upheld: the author's stand).
    pub results: Option<Rating>,
    pub behaviour: Option<Rating>,
    /// The decider's reason.
    pub reason: String,
}

/// Every published assessment (self and supervisor, each sub-period and the year) of `employee_ids`
/// in one period, with final ratings and per-value scores: one query however many employees.
pub fn published_for_scores(
    conn: &mut AnyConnection,
    employee_ids: &[EmployeeId],
    period_id: &str,
) -> ApiResult<Vec<ScoredAssessment>> {
    type Joined = (
        (String, EmployeeId, Option<String>, AssessmentKind, Option<Rating>, Option<Rating>, Option<String>),
        Option<(Option<ObjectionOutcome>, Option<Rating>, Option<Rating>, Option<String>)>,
        Option<String>,
    );
    let rows: Vec<Joined> = crate::db::on_backend!(conn, |c| {
        assessments::table
            .left_join(objections::table)
            .filter(assessments::employee_id.eq_any(employee_ids))
            .filter(assessments::period_id.eq(period_id))
            .filter(assessments::status.eq(AssessmentStatus::Published))
            .order(assessments::id.asc())
            .select((
                (
                    assessments::id,
                    assessments::employee_id,
                    assessments::sub_period_id,
                    assessments::kind,
                    assessments::results_rating,
                    assessments::behaviour_rating,
                    assessments::reason,
                ),
                (
                    objections::outcome,
                    objections::final_results_rating,
                    objections::final_behaviour_rating,
                    objections::decision_reason,
                )
                    .nullable(),
                scores_listed(),
            ))
            .load(c)?
    });
    rows.into_iter()
        .map(|((id, employee_id, sub_period_id, kind, results_rating, behaviour_rating, reason), objection, scores)| {
            let decided = match objection {
                Some((Some(outcome), results, behaviour, reason)) => {
                    Some(DecidedObjection { outcome, results, behaviour, reason: reason.unwrap_or_default() })
                }
                _ => None,
            };
            let (final_results_rating, final_behaviour_rating) = match &decided {
                Some(d) => (d.results.or(results_rating), d.behaviour.or(behaviour_rating)),
                None => (results_rating, behaviour_rating),
            };
            Ok(ScoredAssessment {
                assessment_id: id,
                employee_id,
                sub_period_id,
                kind,
                results_rating,
                behaviour_rating,
                final_results_rating,
                final_behaviour_rating,
                reason,
                objection: decided,
                scores: parse_scores_listed(scores.as_deref().unwrap_or_default())?,
            })
        })
        .collect()
}

/// An assessment's scores as one text, `value:score` for each value, comma-separated (both
/// backends have `string_agg`). Joined instead, an assessment came back as seven rows, its ids,
/// ratings and reasons repeated on each: a close's 100,000 assessments were 700,000 rows, and
/// converting them was the largest of the service's reads.
fn scores_listed() -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Text>> {
    diesel::dsl::sql(
        "(SELECT string_agg(s.berakhlak_value || ':' || s.score, ',') FROM assessment_scores s \
         WHERE s.assessment_id = assessments.id)",
    )
}

fn parse_scores_listed(listed: &str) -> ApiResult<std::collections::BTreeMap<BerakhlakValue, i32>> {
    listed
        .split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let parsed = pair
                .split_once(':')
                .and_then(|(value, score)| Some((BerakhlakValue::parse(value)?, score.parse().ok()?)));
            parsed.ok_or_else(|| ApiError::internal(format!("an assessment's scores read back as {listed:?}")))
        })
        .collect()
}

/// The follow-up plans of the published supervisor's assessments of `employee_ids` for one scope
/// (a sub-period, or the year when `sub_period_id` is None), by employee: two queries.
pub fn follow_up_plans(
    conn: &mut AnyConnection,
    employee_ids: &[EmployeeId],
    period_id: &str,
    sub_period_id: Option<&str>,
) -> ApiResult<HashMap<EmployeeId, crate::domain::recommendation::FollowUpPlan>> {
    let mut q = assessments::table
        .filter(assessments::employee_id.eq_any(employee_ids))
        .filter(assessments::period_id.eq(period_id))
        .filter(assessments::kind.eq(AssessmentKind::Supervisor))
        .filter(assessments::status.eq(AssessmentStatus::Published))
        .into_boxed();
    q = match sub_period_id {
        Some(sub) => q.filter(assessments::sub_period_id.eq(sub.to_string())),
        None => q.filter(assessments::sub_period_id.is_null()),
    };
    let rows: Vec<(String, EmployeeId, Option<String>, Option<String>)> = q
        .select((assessments::id, assessments::employee_id, assessments::coaching, assessments::recognition))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut topics: HashMap<String, Vec<String>> = HashMap::new();
    for (id, topic) in assessment_training_needs::table
        .filter(assessment_training_needs::assessment_id.eq_any(&ids))
        .order((assessment_training_needs::assessment_id, assessment_training_needs::position))
        .select((assessment_training_needs::assessment_id, assessment_training_needs::topic))
        .load::<(String, String)>(conn)?
    {
        topics.entry(id).or_default().push(topic);
    }
    Ok(rows
        .into_iter()
        .map(|(id, employee_id, coaching, recognition)| {
            let plan = crate::domain::recommendation::FollowUpPlan {
                training_topics: topics.remove(&id).unwrap_or_default(),
                coaching: coaching.is_some(),
                recognition: recognition.is_some(),
            };
            (employee_id, plan)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use crate::db::AnyConnection;

    /// The table without the migrations' CHECKs, so that a name the code does not know can be
    /// stored (as a row written by a newer version, or by hand, would be).
    fn unchecked(values: &str) -> AnyConnection {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(&format!(
            "CREATE TABLE assessments (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, period_id TEXT NOT NULL,
                sub_period_id TEXT, employee_id TEXT NOT NULL, author_id TEXT NOT NULL, kind TEXT NOT NULL,
                status TEXT NOT NULL, results_rating TEXT, behaviour_rating TEXT, comment TEXT NOT NULL,
                reason TEXT, coaching TEXT, recognition TEXT, published_at TIMESTAMP, version INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL);
             INSERT INTO assessments VALUES {values};"
        ))
        .unwrap();
        AnyConnection::Sqlite(conn)
    }

    #[test]
    fn an_unknown_stored_status_kind_or_rating_is_an_error_never_a_default() {
        let row = |kind: &str, status: &str, rating: &str| {
            format!(
                "('a', 'o', 'p', NULL, 'e', 'e', '{kind}', '{status}', '{rating}', NULL, '', NULL, NULL, NULL, NULL, 1,
                  '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        };
        let mut conn = unchecked(&row("supervisor", "published", "sesuai_ekspektasi"));
        assert!(super::find(&mut conn, "a").unwrap().is_published());
        for (bad, named) in [
            (row("supervisor", "archived", "sesuai_ekspektasi"), ("AssessmentStatus", "archived")),
            (row("peer", "draft", "sesuai_ekspektasi"), ("AssessmentKind", "peer")),
            (row("self", "draft", "luar_biasa"), ("Rating", "luar_biasa")),
        ] {
            let err = super::find(&mut unchecked(&bad), "a").unwrap_err();
            let (type_name, value) = named;
            let err = format!("{err:?}");
            assert!(err.contains(&format!("unknown {type_name} value")) && err.contains(value), "{err}");
        }
    }
}
