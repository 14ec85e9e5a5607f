//! The recommendations of a period, and the decisions people record on them.

use actix_web::{get, post, web, HttpResponse};

use super::store::{self, DecisionRow};
use super::{NewDecision, RecommendationDecision, RecommendationQuery, RecommendationReport};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::{lock_organization, new_id, now};
use crate::domain::recommendation::{topic_key, RecommendationKind};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IdempotencyKey, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(recommendations).service(decide);
}

/// Who is recommended for recognition (predikat `sangat_baik`, or the follow-up plan says so),
/// for training (each topic of the follow-up plans, grouped so the training unit can plan one
/// course per topic), for coaching (`butuh_perbaikan`, or the plan says so) and for a warning
/// (`kurang`, `sangat_kurang`), for the year or a sub-period, the organisation or one unit; each
/// with the decision taken on it, if any. Only predicates that stand count (a suggested one is
/// provisional). The service recommends; people decide. Admins and auditors, and portals with
/// `reports:read`.
#[utoipa::path(
    tag = "recommendations",
    params(("id" = String, Path, description = "Period id"), RecommendationQuery),
    responses(
        (status = 200, description = "The recommendations", body = RecommendationReport),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}/recommendations")]
pub async fn recommendations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<RecommendationQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let id = id.into_inner();
    let clock = state.clock;
    let report: RecommendationReport = state
        .db
        .read(move |conn| {
            let period = crate::periods::find(conn, &id)?;
            let org = period.organization_id.clone();
            // Another organisation's period does not exist.
            authorize(&caller, Permission::ReadReports { organization_id: &org })
                .map_err(crate::authz::not_found_as("period"))?;
            let scope = crate::scores::store::scope(conn, &org, &id, query.sub_period_id.as_deref(), clock)?;
            let unit_ids = match &query.unit_id {
                None => None,
                Some(unit_id) => {
                    let unit = crate::units::find(conn, unit_id)?;
                    if unit.organization_id != org {
                        return Err(ApiError::NotFound("unit"));
                    }
                    let ids = if query.include_sub_units.unwrap_or(false) {
                        crate::scores::store::subtree(conn, &org, &unit.id)?
                    } else {
                        vec![unit.id.clone()]
                    };
                    Some(ids)
                }
            };
            store::report(conn, &scope, unit_ids.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Records what was decided on a recommendation (accepted or declined, with a note): who and when
/// are the caller and now. The employee must be recommended for it; one decision per employee,
/// scope, kind and training topic (`409 already_decided`). Admins.
#[utoipa::path(
    tag = "recommendations",
    params(
        ("id" = String, Path, description = "Period id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result"),
    ),
    request_body = NewDecision,
    responses(
        (status = 201, description = "The decision as recorded", body = RecommendationDecision),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/periods/{id}/recommendation-decisions")]
pub async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidatedJson<NewDecision>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let clock = state.clock;
    let stored = state
        .db
        .write(move |conn| {
            let period = crate::periods::find(conn, &id)?;
            let org = period.organization_id.clone();
            authorize(&caller, Permission::DecideRecommendation { organization_id: &org })?;
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let topic = match (input.kind, &input.topic) {
                    (RecommendationKind::Training, Some(topic)) if !topic_key(topic).is_empty() => topic_key(topic),
                    (RecommendationKind::Training, _) => {
                        return Err(ApiError::field("topic", "required", "name the training topic decided on"))
                    }
                    (_, Some(_)) => {
                        return Err(ApiError::field(
                            "topic",
                            "not_allowed",
                            "only training recommendations have a topic",
                        ))
                    }
                    (_, None) => String::new(),
                };
                let scope = crate::scores::store::scope(conn, &org, &id, input.sub_period_id.as_deref(), clock)?;
                let employee = crate::employees::find(conn, &input.employee_id)?;
                if employee.organization_id != org {
                    return Err(ApiError::NotFound("employee"));
                }
                // Serialises decisions of the organisation, so two admins cannot both record one.
                lock_organization(conn, &org)?;
                let already = store::decisions_in(conn, &scope)?;
                if already.contains_key(&(employee.id.clone(), input.kind, topic.clone())) {
                    return Err(ApiError::conflict(
                        "already_decided",
                        "A decision on this recommendation is recorded already; it is listed with the recommendation",
                    ));
                }
                if !store::is_recommended(conn, &scope, employee.clone(), input.kind, &topic)? {
                    return Err(ApiError::conflict(
                        "not_recommended",
                        format!("The employee is not recommended for {} in this period", input.kind.as_str()),
                    ));
                }
                let row = DecisionRow {
                    id: new_id(),
                    organization_id: org.clone(),
                    period_id: id.clone(),
                    sub_period_id: scope.sub_period.as_ref().map(|s| s.id.clone()),
                    employee_id: employee.id.clone(),
                    kind: input.kind,
                    topic,
                    decision: input.decision,
                    note: input.note.trim().to_string(),
                    decided_by: caller.employee_id().ok_or_else(|| ApiError::forbidden("Only people decide"))?.clone(),
                    decided_at: now(),
                };
                store::insert_decision(conn, &row)?;
                let view = row.view();
                audit::record(
                    conn,
                    &caller.actor(),
                    &org,
                    Change::new("recommendation.decide", "recommendation_decision", &view.id).after(&view),
                )?;
                Stored::new(actix_web::http::StatusCode::CREATED, &view)
            })
        })
        .await?;
    Ok(stored.into_response())
}
