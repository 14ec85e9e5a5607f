//! The organisation's rating for a period, and the distribution report.

use actix_web::{get, put, web, FromRequest, HttpRequest, HttpResponse};

use super::store::{self, OrganizationRatingRow};
use super::{DistributionQuery, DistributionReportView, OrganizationRating, OrganizationRatingInput};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::now;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IfMatch, ValidatedJson, ValidatedQuery};
use crate::state::AppState;
use crate::versioned::ok_with_etag;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_rating).service(record_rating).service(distribution);
}

/// The organisation's own rating for the period (given by the level above), as recorded.
/// Anyone of the organisation.
#[utoipa::path(
    tag = "distribution",
    params(("id" = String, Path, description = "Period id")),
    responses(
        (status = 200, description = "The rating", body = OrganizationRating, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}/organization-rating")]
pub async fn get_rating(state: web::Data<AppState>, caller: Caller, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rating = state
        .db
        .read(move |conn| {
            let period = crate::periods::find(conn, &id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
            store::rating_of(conn, &id)?.ok_or(ApiError::NotFound("organization rating"))
        })
        .await?;
    Ok(ok_with_etag(&rating))
}

/// Records the organisation's own rating for the period (`istimewa` … `sangat_kurang`), which
/// decides the distribution curve its employees' predicates must fit: whoever the policy names
/// (`organization_rating_recorder`, default admins). The first recording needs no `If-Match`; a
/// change needs the `ETag` read. Refused while the period is closed.
#[utoipa::path(
    tag = "distribution",
    params(
        ("id" = String, Path, description = "Period id"),
        ("If-Match" = Option<String>, Header, description = "The ETag read; required when a rating is recorded already"),
    ),
    request_body = OrganizationRatingInput,
    responses(
        (status = 200, description = "The rating as recorded", body = OrganizationRating, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/periods/{id}/organization-rating")]
pub async fn record_rating(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<OrganizationRatingInput>,
) -> ApiResult<HttpResponse> {
    // If-Match is optional only for the first recording, so it is read here rather than required.
    let if_match = match IfMatch::extract(&req).await {
        Ok(version) => Some(version.0),
        Err(ApiError::PreconditionRequired) => None,
        Err(e) => return Err(e),
    };
    let id = id.into_inner();
    let input = body.into_inner();
    let rating = state
        .db
        .write(move |conn| {
            let period = crate::periods::find(conn, &id)?;
            let recorder = crate::policies::current(conn, &period.organization_id)?.1.organization_rating_recorder;
            authorize(
                &caller,
                Permission::RecordOrganizationRating { organization_id: &period.organization_id, recorder },
            )?;
            crate::periods::writable(conn, &id)?;
            let recorded_by =
                caller.employee_id().ok_or_else(|| ApiError::forbidden("Only people record the rating"))?.clone();
            let before = store::rating_of(conn, &id)?;
            let at = now();
            match (&before, if_match) {
                (None, _) => {
                    // A first recording racing another one loses on the primary key: a conflict.
                    let row = OrganizationRatingRow {
                        period_id: id.clone(),
                        organization_id: period.organization_id.clone(),
                        rating: input.rating,
                        note: input.note.trim().to_string(),
                        recorded_by,
                        version: 1,
                        created_at: at,
                        updated_at: at,
                    };
                    store::insert_rating(conn, &row)?;
                }
                (Some(_), None) => return Err(ApiError::PreconditionRequired),
                (Some(current), Some(version)) => {
                    let change = store::RatingChange {
                        rating: input.rating,
                        note: input.note.trim(),
                        recorded_by: &recorded_by,
                        at,
                    };
                    let updated = store::update_rating(conn, &id, version, current.version + 1, change)?;
                    if updated != 1 {
                        return Err(ApiError::PreconditionFailed);
                    }
                }
            }
            let after = store::rating_of(conn, &id)?.ok_or_else(|| ApiError::internal("the rating vanished"))?;
            let mut change = Change::new("organization_rating.record", "organization_rating", &id).after(&after);
            if let Some(before) = &before {
                change = change.before(before);
            }
            audit::record(conn, &caller.actor(), &period.organization_id, change)?;
            Ok(after)
        })
        .await?;
    Ok(ok_with_etag(&rating))
}

/// The predicate distribution of the period (or one sub-period) for the organisation and each
/// unit with its sub-units: the count and share of each predicate, checked against the curve the
/// organisation's rating allows (the policy's, default SE MenPANRB 3/2023), every broken
/// constraint named ("baik 80% > 70% allowed"). Reported, never corrected. Admins and auditors,
/// and portals with `reports:read` (as a CSV or XLSX file: `/organizations/{id}/reports/distribution`);
/// `409` until the organisation's rating is recorded.
#[utoipa::path(
    tag = "distribution",
    params(("id" = String, Path, description = "Period id"), DistributionQuery),
    responses(
        (status = 200, description = "The distribution and its deviations", body = DistributionReportView),
        (status = 409, response = crate::error::responses::Conflict),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}/distribution")]
pub async fn distribution(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<DistributionQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let id = id.into_inner();
    let clock = state.clock;
    let report: DistributionReportView = state
        .db
        .read(move |conn| {
            let period = crate::periods::find(conn, &id)?;
            // Another organisation's period does not exist.
            authorize(&caller, Permission::ReadReports { organization_id: &period.organization_id })
                .map_err(crate::authz::not_found_as("period"))?;
            let scope =
                crate::scores::store::scope(conn, &period.organization_id, &id, query.sub_period_id.as_deref(), clock)?;
            let rating = store::rating_of(conn, &id)?.ok_or_else(|| {
                ApiError::conflict(
                    "organization_rating_missing",
                    "Record the organisation's own rating for the period first: it decides the curve",
                )
            })?;
            store::report(conn, &scope, rating, query.include_provisional.unwrap_or(false))
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
