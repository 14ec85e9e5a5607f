//! The objection endpoints: file, read, list, decide.

use actix_web::{get, post, web, HttpResponse};

use super::store::{self, ObjectionRow};
use super::{DeciderKind, NewObjection, Objection, ObjectionDecision, ObjectionQuery};
use crate::assessments::{self, AssessmentKind};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, evaluation_visibility, Permission};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::assessment::objection_window;
use crate::domain::assessment::ObjectionStatus;
use crate::domain::engine::ObjectionOutcome;
use crate::domain::policy::ObjectionFallback;
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::periods;
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_objections).service(file_objection).service(get_objection).service(decide_objection);
}

fn load_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    permission: for<'a> fn(&'a crate::authz::ObjectionRef) -> Permission<'a>,
) -> ApiResult<ObjectionRow> {
    let row = store::find(conn, id)?;
    authorize(caller, permission(&row.reference()))?;
    Ok(row)
}

/// Objections the caller is party to (as the employee, the assessor or the decider), by id;
/// admins and auditors see every objection of the organisation.
#[utoipa::path(
    tag = "objections",
    params(ObjectionQuery),
    responses(
        (status = 200, description = "A page of objections", body = Page<Objection>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/objections")]
pub async fn list_objections(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<ObjectionQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = evaluation_visibility(&caller)?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let items = state
        .db
        .read(move |conn| {
            let rows = store::list(conn, visibility, query, after, fetch)?;
            store::load(conn, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |o| o.id.clone(), |o| o)))
}

/// Objects to a published supervisor's assessment (the assessed employee), once, within the
/// policy's window (default 14 days, counted in the organisation's time zone from the day of
/// publication). The assessor's own supervisor decides; where there is none, the policy's
/// fallback (an admin who is not a party).
#[utoipa::path(
    tag = "objections",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewObjection,
    responses(
        (status = 201, description = "Filed", body = Objection, headers(("ETag" = String, description = "Current version"))),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/objections")]
pub async fn file_objection(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewObjection>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let assessment = assessments::store::find(conn, &input.assessment_id)?;
                let reference = assessments::store::reference(conn, &assessment)?;
                authorize(&caller, Permission::FileObjection { assessment: &reference })?;
                if assessment.kind != AssessmentKind::Supervisor {
                    return Err(ApiError::conflict(
                        "not_a_supervisor_assessment",
                        "Objections are to the supervisor's assessment, not to a self-assessment",
                    ));
                }
                let Some(published_at) = assessment.published_at.filter(|_| reference.published) else {
                    return Err(ApiError::conflict("assessment_not_published", "The assessment is not published yet"));
                };
                periods::writable(conn, &assessment.period_id)?;
                if store::for_assessment(conn, &assessment.id)?.is_some() {
                    return Err(ApiError::conflict(
                        "objection_exists",
                        "You have already objected to this assessment; an employee objects once",
                    ));
                }
                let zone = crate::organizations::time_zone(conn, &assessment.organization_id)?;
                let policy = crate::policies::current(conn, &assessment.organization_id)?.1;
                let window = objection_window(published_at.and_utc(), clock.now(), zone, policy.objection_window_days);
                if !window.open {
                    return Err(ApiError::conflict(
                        "objection_window_closed",
                        format!(
                            "The objection window of {} days closed at {} ({}); this is day {} after publication",
                            policy.objection_window_days,
                            window.closes_at.to_rfc3339(),
                            zone.as_str(),
                            window.day
                        ),
                    ));
                }
                let superior = store::supervisor_of(conn, &assessment.author_id)?;
                let (decider_kind, decider_id) = match superior {
                    Some(id) => (DeciderKind::Superior, Some(id)),
                    None => match policy.objection_decider_without_superior {
                        ObjectionFallback::Admin => (DeciderKind::Admin, None),
                    },
                };
                let row = ObjectionRow {
                    id: new_id(),
                    organization_id: assessment.organization_id.clone(),
                    assessment_id: assessment.id.clone(),
                    employee_id: assessment.employee_id.clone(),
                    assessor_id: assessment.author_id.clone(),
                    decider_id,
                    decider_kind,
                    reason: input.reason.clone(),
                    status: ObjectionStatus::Pending,
                    outcome: None,
                    decision_reason: None,
                    final_results_rating: None,
                    final_behaviour_rating: None,
                    decided_by: None,
                    filed_at: clock.timestamp(),
                    decided_at: None,
                    version: 1,
                    updated_at: now(),
                };
                store::insert(conn, &row)?;
                let objection = store::load_one(conn, row)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &objection.organization_id,
                    Change::new("objection.file", "objection", &objection.id).after(&objection),
                )?;
                Stored::new(actix_web::http::StatusCode::CREATED, &objection)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One objection: the employee, the assessor, the decider, admins and auditors.
#[utoipa::path(
    tag = "objections",
    params(("id" = String, Path, description = "Objection id")),
    responses(
        (status = 200, description = "The objection", body = Objection, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/objections/{id}")]
pub async fn get_objection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let objection = state
        .db
        .read(move |conn| {
            let row = load_checked(conn, &caller, &id, |objection| Permission::ReadObjection { objection })?;
            store::load_one(conn, row)
        })
        .await?;
    Ok(ok_with_etag(&objection))
}

/// Checks a decision: `changed` needs both new ratings and must change at least one; `upheld`
/// takes none. Returns the final ratings.
fn final_ratings(
    decision: &ObjectionDecision,
    original: &Objection,
) -> ApiResult<(Option<crate::domain::predikat::Rating>, Option<crate::domain::predikat::Rating>)> {
    let mut errors = Vec::new();
    match decision.outcome {
        ObjectionOutcome::Upheld => {
            for (field, given) in
                [("results_rating", decision.results_rating), ("behaviour_rating", decision.behaviour_rating)]
            {
                if given.is_some() {
                    errors.push(FieldError::new(field, "not_allowed", "an upheld rating stands: send no new rating"));
                }
            }
        }
        ObjectionOutcome::Changed => {
            for (field, given) in
                [("results_rating", decision.results_rating), ("behaviour_rating", decision.behaviour_rating)]
            {
                if given.is_none() {
                    errors.push(FieldError::new(field, "required", "a changed decision gives both new ratings"));
                }
            }
            if errors.is_empty()
                && decision.results_rating == original.original_results_rating
                && decision.behaviour_rating == original.original_behaviour_rating
            {
                errors.push(FieldError::new(
                    "outcome",
                    "unchanged",
                    "the new ratings are the original ones: decide `upheld` instead",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(match decision.outcome {
        ObjectionOutcome::Upheld => (original.original_results_rating, original.original_behaviour_rating),
        ObjectionOutcome::Changed => (decision.results_rating, decision.behaviour_rating),
    })
}

/// Decides an objection (the assessor's own supervisor named on it; an admin who is not a party
/// where the policy's fallback applies): `upheld` or `changed` with new ratings, and a written
/// reason. The decision is final; both parties see it, and scores use the final ratings.
#[utoipa::path(
    tag = "objections",
    params(("id" = String, Path, description = "Objection id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = ObjectionDecision,
    responses(
        (status = 200, description = "Decided", body = Objection, headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/objections/{id}/decision")]
pub async fn decide_objection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<ObjectionDecision>,
) -> ApiResult<HttpResponse> {
    let decision = body.into_inner();
    let clock = state.clock;
    let objection = state
        .db
        .write(move |conn| {
            let row = load_checked(conn, &caller, &id, |objection| Permission::DecideObjection { objection })?;
            if row.status != ObjectionStatus::Pending {
                return Err(ApiError::conflict(
                    "objection_decided",
                    "This objection is decided; the decision is final",
                ));
            }
            let before = store::load_one(conn, row.clone())?;
            periods::writable(conn, &before.period_id)?;
            let (results, behaviour) = final_ratings(&decision, &before)?;
            let change = Change::new("objection.decide", "objection", &row.id);
            Edit {
                caller: &caller,
                organization_id: &row.organization_id,
                change,
                before: &before,
                if_match: if_match.0,
            }
            .apply(
                conn,
                |conn, version| {
                    let decided = store::Decided {
                        outcome: decision.outcome,
                        reason: &decision.reason,
                        results,
                        behaviour,
                        by: caller.employee_id(),
                        at: clock.timestamp(),
                    };
                    store::decide(conn, &row.id, version, decided)
                },
                |conn| {
                    // The assessment shows its objection: a phone syncing by `updated_since` fetches it again.
                    store::touch_assessment(conn, &row.assessment_id)?;
                    store::reload(conn, &row.id)
                },
            )
        })
        .await?;
    Ok(ok_with_etag(&objection))
}
