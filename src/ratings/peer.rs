//! Peer (360) ratings: the supervisor or an admin assigns raters for a period; each rater scores
//! the seven BerAKHLAK values 1-5; the rated employee and the supervisor see only the mean per
//! value and the count per group, and only once the policy's minimum answered. Who answered, and
//! what any one rater said, is returned to nobody but that rater.

use actix_web::{get, post, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{employees, peer_assignments, peer_ratings};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::behaviour::{BerakhlakValue, RaterGroup};
use crate::employees::{self as staff, EmployeeRow};
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::periods;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(assign_raters)
        .service(propose_raters)
        .service(my_assignments)
        .service(submit_peer_rating)
        .service(peer_feedback);
}

/// The groups that rate through assignments (the supervisor rates in the assessment itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignedGroup {
    /// A colleague at the same level.
    Peer,
    /// A direct subordinate of the rated employee.
    Subordinate,
}

impl AssignedGroup {
    fn as_str(self) -> &'static str {
        match self {
            AssignedGroup::Peer => "peer",
            AssignedGroup::Subordinate => "subordinate",
        }
    }
    fn parse(value: &str) -> Self {
        if value == "subordinate" {
            AssignedGroup::Subordinate
        } else {
            AssignedGroup::Peer
        }
    }
    fn rater_group(self) -> RaterGroup {
        match self {
            AssignedGroup::Peer => RaterGroup::Peer,
            AssignedGroup::Subordinate => RaterGroup::Subordinate,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = peer_assignments)]
pub struct AssignmentRow {
    pub id: String,
    pub organization_id: String,
    pub period_id: String,
    pub ratee_id: String,
    pub rater_id: String,
    pub rater_group: String,
    pub assigned_by: String,
    pub created_at: chrono::NaiveDateTime,
}

/// One score per BerAKHLAK value, each 1 (far below) to 5 (far above expectations).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BerakhlakScores {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub berorientasi_pelayanan: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub akuntabel: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub kompeten: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub harmonis: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub loyal: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub adaptif: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub kolaboratif: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct RaterInput {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub rater_id: String,
    pub group: AssignedGroup,
}

/// Raters to assign to one employee for the period.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct AssignRaters {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub ratee_id: String,
    #[validate(length(min = 1, max = 30), nested)]
    #[schema(min_items = 1, max_items = 30)]
    pub raters: Vec<RaterInput>,
}

/// What was assigned, as counts: who rates stays with the raters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentSummary {
    pub ratee_id: String,
    pub peers_assigned: i64,
    pub subordinates_assigned: i64,
}

/// A colleague the service proposes as a rater.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedRater {
    pub employee_id: String,
    pub name: String,
    pub position: String,
    pub group: AssignedGroup,
}

/// An assignment as its rater sees it, with the rater's own answer if given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAssignment {
    pub id: String,
    pub period_id: String,
    pub ratee_id: String,
    pub ratee_name: String,
    pub group: AssignedGroup,
    pub scores: Option<BerakhlakScores>,
    pub comment: Option<String>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct PeerRatingInput {
    #[validate(nested)]
    pub scores: BerakhlakScores,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// One rater group's aggregate: nothing of the answers is shown until enough of the group answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupAggregate {
    pub group: RaterGroup,
    /// How many raters of this group were assigned.
    pub assigned: i64,
    /// The policy's minimum of answers before anything of them is shown.
    pub min_respondents: i64,
    /// Whether `min_respondents` answered, so that `respondents` and `means` are given.
    pub enough_responses: bool,
    /// How many answered; absent below the minimum.
    pub respondents: Option<i64>,
    /// Mean per value; absent below the minimum.
    pub means: Option<std::collections::BTreeMap<BerakhlakValue, f64>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeerFeedback {
    pub employee_id: String,
    pub period_id: String,
    pub policy_version: i32,
    pub groups: Vec<GroupAggregate>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParam {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub ratee_id: String,
}

fn period_of_org(conn: &mut AnyConnection, caller: &Caller, period_id: &str) -> ApiResult<periods::PeriodRow> {
    let period = periods::find(conn, period_id)?;
    if period.organization_id != caller.organization_id {
        return Err(ApiError::NotFound("period"));
    }
    Ok(period)
}

/// Direct reports and same-unit, same-level colleagues of `ratee`: active, neither `ratee` nor
/// their supervisor.
fn candidates(conn: &mut AnyConnection, ratee: &EmployeeRow) -> ApiResult<Vec<(EmployeeRow, AssignedGroup)>> {
    let rows: Vec<EmployeeRow> = employees::table
        .filter(employees::organization_id.eq(&ratee.organization_id))
        .filter(employees::active.eq(true))
        .filter(employees::id.ne(&ratee.id))
        .filter(
            employees::supervisor_id
                .eq(&ratee.id)
                .or(employees::unit_id.eq(&ratee.unit_id).and(employees::job_level.eq(&ratee.job_level))),
        )
        .order(employees::name.asc())
        .select(EmployeeRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        // The supervisor rates in the assessment itself, not as a peer.
        .filter(|e| ratee.supervisor_id.as_deref() != Some(e.id.as_str()))
        .map(|e| {
            let group = if e.supervisor_id.as_deref() == Some(ratee.id.as_str()) {
                AssignedGroup::Subordinate
            } else {
                AssignedGroup::Peer
            };
            (e, group)
        })
        .collect())
}

/// Checks every proposed rater, reporting all problems at once. Someone of another organisation
/// gets the same answer as someone who does not exist.
fn check_raters(conn: &mut AnyConnection, ratee: &EmployeeRow, raters: &[RaterInput]) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (i, rater) in raters.iter().enumerate() {
        let field = format!("raters[{i}].rater_id");
        if rater.rater_id == ratee.id {
            errors.push(FieldError::new(field, "self_rating", "nobody rates themselves"));
            continue;
        }
        let found = employees::table.find(&rater.rater_id).select(EmployeeRow::as_select()).first(conn).optional()?;
        let Some(row) = found.filter(|r| r.organization_id == ratee.organization_id) else {
            errors.push(FieldError::new(field, "unknown_employee", "no such employee in this organisation"));
            continue;
        };
        let reports_to_ratee = row.supervisor_id.as_deref() == Some(ratee.id.as_str());
        let fits = row.active
            && match rater.group {
                // The supervisor rates in the assessment itself, with their own weight.
                AssignedGroup::Peer => {
                    row.job_level == ratee.job_level
                        && !reports_to_ratee
                        && ratee.supervisor_id.as_deref() != Some(row.id.as_str())
                }
                AssignedGroup::Subordinate => reports_to_ratee,
            };
        if !fits {
            let why = match rater.group {
                AssignedGroup::Peer => {
                    "a peer must be an active colleague at the same job level, not the employee's supervisor or report"
                }
                AssignedGroup::Subordinate => "a subordinate must report directly to the rated employee",
            };
            errors.push(FieldError::new(format!("raters[{i}]"), "not_eligible", why));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// How many raters of a group are assigned to an employee in a period.
fn assigned(conn: &mut AnyConnection, ratee_id: &str, period_id: &str, group: AssignedGroup) -> ApiResult<i64> {
    Ok(peer_assignments::table
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::rater_group.eq(group.as_str()))
        .count()
        .get_result(conn)?)
}

/// How many raters of a group have answered for an employee in a period.
fn answered(conn: &mut AnyConnection, ratee_id: &str, period_id: &str, group: AssignedGroup) -> ApiResult<i64> {
    Ok(peer_ratings::table
        .inner_join(peer_assignments::table)
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::rater_group.eq(group.as_str()))
        .count()
        .get_result(conn)?)
}

/// Assigns raters to an employee for a period (their direct supervisor, or an admin). Peers must
/// be at the same job level; subordinates must report directly to the employee.
#[utoipa::path(
    tag = "peer-ratings",
    params(("period_id" = String, Path, description = "Period id")),
    request_body = AssignRaters,
    responses(
        (status = 201, description = "Assigned; the answer counts raters per group", body = AssignmentSummary),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/periods/{period_id}/peer-assignments")]
pub async fn assign_raters(
    state: web::Data<AppState>,
    caller: Caller,
    period_id: web::Path<String>,
    body: ValidatedJson<AssignRaters>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let summary = state
        .db
        .write(move |conn| {
            let period = period_of_org(conn, &caller, &period_id)?;
            periods::writable(conn, &period.id)?;
            let ratee = staff::find(conn, &input.ratee_id)?;
            authorize(&caller, Permission::AssignRaters { ratee: &ratee.reference() })?;
            check_raters(conn, &ratee, &input.raters)?;
            let mut new_raters = Vec::new();
            for rater in &input.raters {
                let assigned: i64 = peer_assignments::table
                    .filter(peer_assignments::period_id.eq(&period.id))
                    .filter(peer_assignments::ratee_id.eq(&ratee.id))
                    .filter(peer_assignments::rater_id.eq(&rater.rater_id))
                    .count()
                    .get_result(conn)?;
                if assigned == 0 && !new_raters.iter().any(|r: &&RaterInput| r.rater_id == rater.rater_id) {
                    new_raters.push(rater); // assigning again is harmless
                }
            }
            // Once a group's aggregate is shown, one more rater's answer would show in the change of
            // the means: the group is then closed to newcomers.
            let minimum = crate::policies::current(conn, &ratee.organization_id)?.1.min_peers as i64;
            for group in [AssignedGroup::Peer, AssignedGroup::Subordinate] {
                if new_raters.iter().any(|r| r.group == group) && answered(conn, &ratee.id, &period.id, group)? >= minimum {
                    return Err(ApiError::conflict(
                        "peer_feedback_shown",
                        format!(
                            "The {} group's aggregate is already shown; a rater added now could be singled out",
                            group.as_str()
                        ),
                    ));
                }
            }
            for rater in new_raters {
                let row = AssignmentRow {
                    id: new_id(),
                    organization_id: ratee.organization_id.clone(),
                    period_id: period.id.clone(),
                    ratee_id: ratee.id.clone(),
                    rater_id: rater.rater_id.clone(),
                    rater_group: rater.group.as_str().into(),
                    assigned_by: caller.subject_id.clone(),
                    created_at: now(),
                };
                diesel::insert_into(peer_assignments::table).values(&row).execute(conn)?;
                let after = serde_json::json!({
                    "period_id": row.period_id, "ratee_id": row.ratee_id, "rater_id": row.rater_id, "group": row.rater_group,
                });
                let change = Change::new("peer_assignment.create", "peer_assignment", &row.id).after(&after);
                audit::record(conn, &caller.actor(), &row.organization_id, change)?;
            }
            Ok(AssignmentSummary {
                ratee_id: ratee.id.clone(),
                peers_assigned: assigned(conn, &ratee.id, &period.id, AssignedGroup::Peer)?,
                subordinates_assigned: assigned(conn, &ratee.id, &period.id, AssignedGroup::Subordinate)?,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(summary))
}

/// Colleagues the service proposes as raters: direct reports (subordinates) and active colleagues
/// of the same unit and job level (peers).
#[utoipa::path(
    tag = "peer-ratings",
    params(ProposalQuery),
    responses(
        (status = 200, description = "Proposed raters", body = Vec<ProposedRater>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/peer-assignments/proposals")]
pub async fn propose_raters(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<ProposalQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let proposals = state
        .db
        .read(move |conn| {
            period_of_org(conn, &caller, &query.period_id)?;
            let ratee = staff::find(conn, &query.ratee_id)?;
            authorize(&caller, Permission::AssignRaters { ratee: &ratee.reference() })?;
            Ok(candidates(conn, &ratee)?
                .into_iter()
                .map(|(e, group)| ProposedRater { employee_id: e.id, name: e.name, position: e.position, group })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(proposals))
}

/// The caller's own rating assignments for a period, with their own answers.
#[utoipa::path(
    tag = "peer-ratings",
    params(PeriodParam),
    responses(
        (status = 200, description = "The caller's assignments", body = Vec<MyAssignment>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/me/peer-assignments")]
pub async fn my_assignments(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PeriodParam>,
) -> ApiResult<HttpResponse> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees rate colleagues"))?.to_string();
    let period_id = query.0.period_id;
    let items = state
        .db
        .read(move |conn| {
            let rows: Vec<(AssignmentRow, String, Option<RatingRow>)> = peer_assignments::table
                .inner_join(employees::table.on(employees::id.eq(peer_assignments::ratee_id)))
                .left_join(peer_ratings::table)
                .filter(peer_assignments::rater_id.eq(&me))
                .filter(peer_assignments::period_id.eq(&period_id))
                .order(employees::name.asc())
                .select((AssignmentRow::as_select(), employees::name, Option::<RatingRow>::as_select()))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(a, ratee_name, rating)| MyAssignment {
                    id: a.id,
                    period_id: a.period_id,
                    ratee_id: a.ratee_id,
                    ratee_name,
                    group: AssignedGroup::parse(&a.rater_group),
                    scores: rating.as_ref().map(RatingRow::scores),
                    comment: rating.as_ref().and_then(|r| r.comment.clone()),
                    submitted_at: rating.map(|r| r.submitted_at.and_utc()),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = peer_ratings)]
struct RatingRow {
    assignment_id: String,
    berorientasi_pelayanan: i32,
    akuntabel: i32,
    kompeten: i32,
    harmonis: i32,
    loyal: i32,
    adaptif: i32,
    kolaboratif: i32,
    comment: Option<String>,
    submitted_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl RatingRow {
    fn scores(&self) -> BerakhlakScores {
        BerakhlakScores {
            berorientasi_pelayanan: self.berorientasi_pelayanan,
            akuntabel: self.akuntabel,
            kompeten: self.kompeten,
            harmonis: self.harmonis,
            loyal: self.loyal,
            adaptif: self.adaptif,
            kolaboratif: self.kolaboratif,
        }
    }
}

/// Submits or changes the caller's rating for one assignment, until the period closes.
#[utoipa::path(
    tag = "peer-ratings",
    params(("id" = String, Path, description = "Assignment id")),
    request_body = PeerRatingInput,
    responses(
        (status = 200, description = "Saved; the rater's own assignment with the answer", body = MyAssignment),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[put("/peer-assignments/{id}/rating")]
pub async fn submit_peer_rating(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ValidatedJson<PeerRatingInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let saved = state
        .db
        .write(move |conn| {
            let assignment: AssignmentRow = peer_assignments::table
                .find(id.as_str())
                .select(AssignmentRow::as_select())
                .first(conn)
                .optional()?
                // Only the assigned rater knows the assignment exists.
                .filter(|a| caller.employee_id() == Some(a.rater_id.as_str()))
                .ok_or(ApiError::NotFound("peer assignment"))?;
            periods::writable(conn, &assignment.period_id)?;
            let s = input.scores;
            let first_submitted: Option<chrono::NaiveDateTime> =
                peer_ratings::table.find(&assignment.id).select(peer_ratings::submitted_at).first(conn).optional()?;
            // Replacing the row is one portable upsert; the first submission time is kept.
            diesel::delete(peer_ratings::table.find(&assignment.id)).execute(conn)?;
            let row = RatingRow {
                assignment_id: assignment.id.clone(),
                berorientasi_pelayanan: s.berorientasi_pelayanan,
                akuntabel: s.akuntabel,
                kompeten: s.kompeten,
                harmonis: s.harmonis,
                loyal: s.loyal,
                adaptif: s.adaptif,
                kolaboratif: s.kolaboratif,
                comment: input.comment.clone(),
                submitted_at: first_submitted.unwrap_or_else(now),
                updated_at: now(),
            };
            diesel::insert_into(peer_ratings::table).values(&row).execute(conn)?;
            // The trail records that a rating was given, not its content: answers stay with the rater.
            let action = if first_submitted.is_some() { "peer_rating.update" } else { "peer_rating.submit" };
            audit::record(
                conn,
                &caller.actor(),
                &assignment.organization_id,
                Change::new(action, "peer_assignment", &assignment.id),
            )?;
            let ratee_name: String = employees::table.find(&assignment.ratee_id).select(employees::name).first(conn)?;
            Ok(MyAssignment {
                id: assignment.id,
                period_id: assignment.period_id,
                ratee_id: assignment.ratee_id,
                ratee_name,
                group: AssignedGroup::parse(&assignment.rater_group),
                scores: Some(s),
                comment: input.comment,
                submitted_at: Some(row.submitted_at.and_utc()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Sums per value of the answered ratings of one group, computed in SQL.
type GroupSums = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

fn group_aggregate(
    conn: &mut AnyConnection,
    ratee_id: &str,
    period_id: &str,
    group: AssignedGroup,
    minimum: i64,
) -> ApiResult<GroupAggregate> {
    use diesel::dsl::{count_star, sum};
    let (respondents, a, b, c, d, e, f, g): GroupSums = peer_ratings::table
        .inner_join(peer_assignments::table)
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::rater_group.eq(group.as_str()))
        .select((
            count_star(),
            sum(peer_ratings::berorientasi_pelayanan),
            sum(peer_ratings::akuntabel),
            sum(peer_ratings::kompeten),
            sum(peer_ratings::harmonis),
            sum(peer_ratings::loyal),
            sum(peer_ratings::adaptif),
            sum(peer_ratings::kolaboratif),
        ))
        .first(conn)?;
    let assigned = assigned(conn, ratee_id, period_id, group)?;
    // Below the minimum nothing of the answers is shown, not even how many came in, so that no
    // single answer (or the moment it was given) can be told apart.
    let enough_responses = respondents >= minimum && respondents > 0;
    let means = enough_responses.then(|| {
        BerakhlakValue::ALL
            .into_iter()
            .zip([a, b, c, d, e, f, g])
            .map(|(value, total)| (value, total.unwrap_or(0) as f64 / respondents as f64))
            .collect()
    });
    Ok(GroupAggregate {
        group: group.rater_group(),
        assigned,
        min_respondents: minimum,
        enough_responses,
        respondents: enough_responses.then_some(respondents),
        means,
    })
}

/// The aggregate of an employee's peer and subordinate ratings for a period: per group, the
/// number who answered and, once the policy's minimum answered, the mean per value. Never who
/// answered or what any one rater said.
#[utoipa::path(
    tag = "peer-ratings",
    params(("id" = String, Path, description = "The rated employee"), PeriodParam),
    responses(
        (status = 200, description = "The aggregates", body = PeerFeedback),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}/peer-feedback")]
pub async fn peer_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<PeriodParam>,
) -> ApiResult<HttpResponse> {
    let period_id = query.0.period_id;
    let feedback = state
        .db
        .read(move |conn| {
            let ratee = staff::find(conn, &id)?;
            authorize(&caller, Permission::ReadPeerFeedback { ratee: &ratee.reference() })?;
            let period = period_of_org(conn, &caller, &period_id)?;
            let (policy_version, policy) = crate::policies::current(conn, &ratee.organization_id)?;
            let minimum = policy.min_peers as i64;
            Ok(PeerFeedback {
                employee_id: ratee.id.clone(),
                period_id: period.id.clone(),
                policy_version,
                groups: vec![
                    group_aggregate(conn, &ratee.id, &period.id, AssignedGroup::Peer, minimum)?,
                    group_aggregate(conn, &ratee.id, &period.id, AssignedGroup::Subordinate, minimum)?,
                ],
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(feedback))
}
