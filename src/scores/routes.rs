//! The scores endpoints: one employee with the explanation; a team and a unit, paged, without it.

use actix_web::{get, web, HttpResponse};

use super::freeze;
use super::kept;
use super::store::{self, Members, Scope};
use super::{EmployeeScore, ScoreQuery, ScoreState, ScoreSummary, TeamQuery, UnitScoreQuery};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::{EmployeeId, UnitId};
use crate::db::AnyConnection;
use crate::document_cache::KeptAt;
use crate::employees as staff;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{Page, PageRequest};
use crate::periods::PeriodStatus;
use crate::state::AppState;

/// A supervisor's team, under `/scores`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(team_scores);
}

/// An employee's score, under `/employees`.
pub fn employee_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(employee_score);
}

/// A unit's scores, under `/units`.
pub fn unit_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(unit_scores);
}

/// Closing a period (and its other changes of status), under `/periods`.
pub fn period_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(super::closing::change_status);
}

/// An employee's score for the year or a sub-period, with every step explained: each aspect's
/// formula and percentage, each target's capaian, nilai hasil kerja and the suggested results
/// rating; behaviour per BerAKHLAK value and rater group; the citizen index; the final ratings
/// beside the suggested; the predicate; nilai kinerja; the policy version. Computed on read while
/// the period is open (`state` live); a closed period's score is its latest snapshot, stored when
/// it closed (`state` frozen, with `snapshot` and `frozen_at`); `snapshots` lists every snapshot
/// stored and `?snapshot=N` reads one (also after the period was reopened).
/// The employee, their direct supervisor, admins and auditors.
#[utoipa::path(
    tag = "scores",
    params(("id" = String, Path, description = "Employee id"), ScoreQuery),
    responses(
        (status = 200, description = "The score and its explanation", body = EmployeeScore),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}/score")]
pub async fn employee_score(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<ScoreQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let clock = state.clock;
    // A kept score costs one statement: a frozen one is served while the period is closed at the
    // same latest snapshot, a live one while its inputs are those it was computed from.
    let key = format!("score {id} {} {:?} {:?}", query.period_id, query.sub_period_id, query.snapshot);
    if let Some((kept_at, body)) = state.scores.kept(&key) {
        let (caller, id, period_id) = (caller.clone(), id.clone(), query.period_id.clone());
        let current = state
            .db
            .read_statement(move |conn| match kept_at {
                KeptAt::Version(at) => {
                    let Some((person, status, latest)) = freeze::frozen_state(conn, &id, &period_id)? else {
                        return Ok(false);
                    };
                    authorize(&caller, Permission::ReadScore { employee: &person })?;
                    Ok((query.snapshot.is_some() || status == PeriodStatus::Closed) && latest == Some(at))
                }
                KeptAt::Inputs { until, .. } if clock.now() >= until => Ok(false),
                KeptAt::Inputs { digest, .. } => {
                    let Some(live) = kept::live_state(conn, &id)? else { return Ok(false) };
                    authorize(&caller, Permission::ReadScore { employee: &live.employee })?;
                    Ok(live.inputs == digest)
                }
            })
            .await?;
        if current {
            return Ok(HttpResponse::Ok().content_type("application/json").body(body));
        }
    }
    let (score, kept_at) = state
        .db
        .read(move |conn| {
            // Read before anything the score is computed from: a change landing meanwhile shows
            // in the score but not in these inputs, so the next read computes it again; read
            // after, they could name a change the kept score does not have.
            let live = match query.snapshot {
                None => kept::live_state(conn, &id)?,
                Some(_) => None,
            };
            let person = staff::find(conn, &id)?;
            authorize(&caller, Permission::ReadScore { employee: &person.reference() })?;
            let scope =
                store::scope(conn, &person.organization_id, &query.period_id, query.sub_period_id.as_deref(), clock)?;
            let snapshots = freeze::snapshots_of(conn, &scope, &person.id)?;
            let mut score = freeze::served(conn, &scope, vec![person], query.snapshot)?
                .pop()
                .ok_or_else(|| ApiError::internal("no score computed"))?;
            if query.snapshot.is_some() && score.state != ScoreState::Frozen {
                return Err(ApiError::NotFound("score snapshot"));
            }
            score.snapshots = snapshots;
            let kept_at = match score.state {
                ScoreState::Frozen => freeze::latest(conn, &scope.period.id)?.map(KeptAt::Version),
                ScoreState::Live => match live {
                    Some(live) => {
                        let time_zone = crate::organizations::time_zone(conn, &scope.period.organization_id)?;
                        let until = kept::kept_until(time_zone, scope.now);
                        Some(KeptAt::Inputs { digest: live.inputs, until })
                    }
                    None => None,
                },
            };
            Ok((score, kept_at))
        })
        .await?;
    let body = web::Bytes::from(serde_json::to_vec(&score).map_err(ApiError::internal)?);
    if let Some(kept_at) = kept_at {
        state.scores.put(&key, kept_at, body.clone());
    }
    Ok(HttpResponse::Ok().content_type("application/json").body(body))
}

/// Scores a page of employees, ordered by id, after the cursor: a fixed number of queries. Frozen
/// or live as `freeze::served` decides.
fn page_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    page: &PageRequest,
    members: Members,
    snapshot: Option<i32>,
) -> ApiResult<Page<ScoreSummary>> {
    let people = store::members(conn, &scope.period.organization_id, members, page.after.clone(), page.fetch_limit())?;
    let scores = freeze::served(conn, scope, people, snapshot)?;
    Ok(page.page(scores, |s| s.employee_id.to_string(), ScoreSummary::from))
}

/// The scores of a supervisor's direct reports (the caller's, unless admins or auditors name
/// another supervisor), paged, without the explanation.
#[utoipa::path(
    tag = "scores",
    params(TeamQuery),
    responses(
        (status = 200, description = "A page of scores", body = Page<ScoreSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/scores/team")]
pub async fn team_scores(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<TeamQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let clock = state.clock;
    let scores = state
        .db
        .read(move |conn| {
            let supervisor_id = match (&query.supervisor_id, caller.employee_id()) {
                (Some(id), _) => id.clone(),
                (None, Some(me)) => me.clone(),
                (None, None) => return Err(ApiError::field("supervisor_id", "required", "name the supervisor")),
            };
            let supervisor = staff::find(conn, &supervisor_id)?;
            authorize(&caller, Permission::ReadTeamScores { supervisor: &supervisor.reference() })?;
            let scope = store::scope(
                conn,
                &supervisor.organization_id,
                &query.period_id,
                query.sub_period_id.as_deref(),
                clock,
            )?;
            page_of(conn, &scope, &page, Members::ReportsTo(supervisor.id.clone()), query.snapshot)
        })
        .await?;
    Ok(HttpResponse::Ok().json(scores))
}

/// The scores of a unit's employees, optionally with its sub-units, paged, without the
/// explanation (admins and auditors).
#[utoipa::path(
    tag = "scores",
    params(("id" = String, Path, description = "Unit id"), UnitScoreQuery),
    responses(
        (status = 200, description = "A page of scores", body = Page<ScoreSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}/scores")]
pub async fn unit_scores(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UnitId>,
    query: ValidatedQuery<UnitScoreQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let clock = state.clock;
    let scores = state
        .db
        .read(move |conn| {
            let unit = crate::units::find(conn, &id)?;
            authorize(&caller, Permission::ReadUnitScores { organization_id: &unit.organization_id })?;
            let scope =
                store::scope(conn, &unit.organization_id, &query.period_id, query.sub_period_id.as_deref(), clock)?;
            let unit_ids = if query.include_sub_units.unwrap_or(false) {
                store::subtree(conn, &unit.organization_id, &unit.id)?
            } else {
                vec![unit.id.clone()]
            };
            page_of(conn, &scope, &page, Members::InUnits(unit_ids), query.snapshot)
        })
        .await?;
    Ok(HttpResponse::Ok().json(scores))
}
