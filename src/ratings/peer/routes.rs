//! The peer rating endpoints: assign raters, propose raters, the rater's own assignments and
//! answer, and the aggregate feedback.

use actix_web::{get, post, put, web, HttpResponse};

use super::store::{self, AssignmentRow, RatingRow};
use super::{
    AssignRaters, AssignedGroup, AssignmentSummary, MyAssignment, PeerFeedback, PeerRatingInput, PeriodParam,
    ProposalQuery, ProposedRater, RaterInput,
};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::employees as staff;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::pagination::{text_and_id_key, Page, PageQuery, PageRequest};
use crate::periods;
use crate::state::AppState;

/// Assignments, under `/peer-assignments`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(propose_raters).service(submit_peer_rating);
}

/// Assigning raters for a period, under `/periods`.
pub fn period_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(assign_raters);
}

/// The caller's assignments, under `/me`.
pub fn me_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_assignments);
}

/// An employee's peer feedback, under `/employees`.
pub fn employee_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(peer_feedback);
}

fn period_of_org(conn: &mut AnyConnection, caller: &Caller, period_id: &str) -> ApiResult<periods::PeriodRow> {
    let period = periods::find(conn, period_id)?;
    authorize(caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
    Ok(period)
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
            store::check_raters(conn, &ratee, &input.raters)?;
            let mut new_raters: Vec<&RaterInput> = Vec::new();
            for rater in &input.raters {
                // Assigning again is harmless.
                if !store::is_assigned(conn, &period.id, &ratee.id, &rater.rater_id)?
                    && !new_raters.iter().any(|r| r.rater_id == rater.rater_id)
                {
                    new_raters.push(rater);
                }
            }
            // Once a group's aggregate is shown, one more rater's answer would show in the change of
            // the means: the group is then closed to newcomers.
            let minimum = crate::policies::current(conn, &ratee.organization_id)?.1.min_peers as i64;
            for group in [AssignedGroup::Peer, AssignedGroup::Subordinate] {
                if new_raters.iter().any(|r| r.group == group)
                    && store::answered(conn, &ratee.id, &period.id, group)? >= minimum
                {
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
                    rater_group: rater.group,
                    assigned_by: caller.acting_employee()?.clone(),
                    created_at: now(),
                };
                store::insert_assignment(conn, &row)?;
                let after = serde_json::json!({
                    "period_id": row.period_id, "ratee_id": row.ratee_id, "rater_id": row.rater_id, "group": row.rater_group,
                });
                let change = Change::new("peer_assignment.create", "peer_assignment", &row.id).after(&after);
                audit::record(conn, &caller.actor(), &row.organization_id, change)?;
            }
            Ok(AssignmentSummary {
                ratee_id: ratee.id.clone(),
                peers_assigned: store::assigned(conn, &ratee.id, &period.id, AssignedGroup::Peer)?,
                subordinates_assigned: store::assigned(conn, &ratee.id, &period.id, AssignedGroup::Subordinate)?,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(summary))
}

/// Colleagues the service proposes as raters: direct reports (subordinates) and active colleagues
/// of the same unit and job level (peers).
#[utoipa::path(
    tag = "peer-ratings",
    params(ProposalQuery, PageQuery),
    responses(
        (status = 200, description = "A page of proposed raters, by name", body = Page<ProposedRater>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/peer-assignments/proposals")]
pub async fn propose_raters(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<ProposalQuery>,
    paging: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(paging.0.limit, paging.0.cursor.as_deref())?;
    let (after, fetch) = (page.after_text_and_id()?, page.fetch_limit());
    let proposals = state
        .db
        .read(move |conn| {
            period_of_org(conn, &caller, &query.period_id)?;
            let ratee = staff::find(conn, &query.ratee_id)?;
            authorize(&caller, Permission::AssignRaters { ratee: &ratee.reference() })?;
            Ok(store::candidates(conn, &ratee, after, fetch)?
                .into_iter()
                .map(|(e, group)| ProposedRater { employee_id: e.id, name: e.name, position: e.position, group })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(proposals, |p| text_and_id_key(&p.name, &p.employee_id), |p| p)))
}

/// The caller's own rating assignments for a period, with their own answers.
#[utoipa::path(
    tag = "peer-ratings",
    params(PeriodParam, PageQuery),
    responses(
        (status = 200, description = "A page of the caller's assignments, by ratee name", body = Page<MyAssignment>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/me/peer-assignments")]
pub async fn my_assignments(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PeriodParam>,
    paging: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let period_id = query.0.period_id;
    let page = PageRequest::new(paging.0.limit, paging.0.cursor.as_deref())?;
    let (after, fetch) = (page.after_text_and_id()?, page.fetch_limit());
    let items = state
        .db
        .read(move |conn| {
            let period = periods::find(conn, &period_id)?;
            let me = crate::authz::own_peer_assignments(&caller, &period.organization_id)?;
            Ok(store::assignments_of_rater(conn, &me, &period_id, after, fetch)?
                .into_iter()
                .map(|(a, ratee_name, rating)| MyAssignment {
                    id: a.id,
                    period_id: a.period_id,
                    ratee_id: a.ratee_id,
                    ratee_name,
                    group: a.rater_group,
                    scores: rating.as_ref().map(RatingRow::scores),
                    comment: rating.as_ref().and_then(|r| r.comment.clone()),
                    submitted_at: rating.map(|r| r.submitted_at.and_utc()),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |a| text_and_id_key(&a.ratee_name, &a.id), |a| a)))
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
    let clock = state.clock;
    let saved = state
        .db
        .write(move |conn| {
            let assignment = store::find_assignment(conn, &id)?.ok_or(ApiError::NotFound("peer assignment"))?;
            authorize(&caller, Permission::AnswerPeerAssignment { rater_id: &assignment.rater_id })?;
            let period = periods::writable(conn, &assignment.period_id)?;
            let today = crate::organizations::date_at(conn, &period.organization_id, clock.now())?;
            if periods::assessment_open(&period, today) {
                return Err(ApiError::conflict(
                    "peer_answers_final",
                    "The year's assessment is open: peer and subordinate answers are final and shown as aggregates",
                ));
            }
            // The first submission time is kept when the answer changes.
            let first_submitted = store::first_submitted(conn, &assignment.id)?;
            let row = RatingRow::new(
                assignment.id.clone(),
                input.scores,
                input.comment.clone(),
                first_submitted.unwrap_or_else(|| clock.timestamp()),
                clock.timestamp(),
            );
            store::replace_rating(conn, &row)?;
            // The trail records that a rating was given, not its content: answers stay with the rater.
            let action = if first_submitted.is_some() { "peer_rating.update" } else { "peer_rating.submit" };
            audit::record(
                conn,
                &caller.actor(),
                &assignment.organization_id,
                Change::new(action, "peer_assignment", &assignment.id),
            )?;
            let ratee_name = staff::find(conn, &assignment.ratee_id)?.name;
            Ok(MyAssignment {
                id: assignment.id,
                period_id: assignment.period_id,
                ratee_id: assignment.ratee_id,
                ratee_name,
                group: assignment.rater_group,
                scores: Some(input.scores),
                comment: input.comment,
                submitted_at: Some(row.submitted_at.and_utc()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// The aggregate of an employee's peer and subordinate ratings for a period: per group, once the
/// year's assessment is open (the period is `evaluating` or has ended, and answers are final) and
/// the policy's minimum answered, the number who answered and the mean per value. Never who
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
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<PeriodParam>,
) -> ApiResult<HttpResponse> {
    let period_id = query.0.period_id;
    let clock = state.clock;
    let feedback = state
        .db
        .read(move |conn| {
            let ratee = staff::find(conn, &id)?;
            authorize(&caller, Permission::ReadPeerFeedback { ratee: &ratee.reference() })?;
            let period = period_of_org(conn, &caller, &period_id)?;
            let (policy_version, policy) = crate::policies::current(conn, &ratee.organization_id)?;
            let minimum = policy.min_peers as i64;
            let today = crate::organizations::date_at(conn, &period.organization_id, clock.now())?;
            let open = periods::assessment_open(&period, today);
            Ok(PeerFeedback {
                employee_id: ratee.id.clone(),
                period_id: period.id.clone(),
                policy_version,
                assessment_open: open,
                groups: vec![
                    store::group_aggregate(conn, &ratee.id, &period.id, AssignedGroup::Peer, minimum, open)?,
                    store::group_aggregate(conn, &ratee.id, &period.id, AssignedGroup::Subordinate, minimum, open)?,
                ],
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(feedback))
}
