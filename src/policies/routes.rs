//! The policy handlers.

use actix_web::{get, put, web, HttpResponse};

use super::store::{self, find_version, insert_version, latest_row};
use super::{PolicyUpdate, PolicyVersion};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{IfMatch, ValidatedJson, ValidatedQuery};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::state::AppState;
use crate::versioned::ok_with_etag;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_versions).service(get_current).service(update_current).service(get_version);
}

/// Every version of the organisation's policy, newest first.
#[utoipa::path(
    tag = "policies",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the versions", body = Page<PolicyVersion>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies")]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (before, fetch) = (page.after_number::<i32>()?, page.fetch_limit());
    let org = caller.organization_id.clone();
    let versions = state
        .db
        .read(move |conn| {
            store::versions(conn, &org, before, fetch)?
                .into_iter()
                .map(PolicyVersion::try_from)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(versions, |v| v.version.to_string(), |v| v)))
}

/// The policy in force.
#[utoipa::path(
    tag = "policies",
    responses(
        (status = 200, description = "The current version", body = PolicyVersion, headers(("ETag" = String, description = "The version number"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies/current")]
pub async fn get_current(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let org = caller.organization_id.clone();
    let version = state.db.read(move |conn| PolicyVersion::try_from(latest_row(conn, &org)?)).await?;
    Ok(ok_with_etag(&version))
}

/// One version.
#[utoipa::path(
    tag = "policies",
    params(("version" = i32, Path, description = "Version number")),
    responses(
        (status = 200, description = "That version", body = PolicyVersion),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    caller: Caller,
    version: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let (org, version) = (caller.organization_id.clone(), version.into_inner());
    let found = state.db.read(move |conn| find_version(conn, &org, version)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Makes a new version of the policy (admins); `If-Match` carries the current version.
#[utoipa::path(
    tag = "policies",
    params(("If-Match" = String, Header, description = "The ETag of the current version")),
    request_body = PolicyUpdate,
    responses(
        (status = 200, description = "The new version, now in force", body = PolicyVersion, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/policies/current")]
pub async fn update_current(
    state: web::Data<AppState>,
    caller: Caller,
    if_match: IfMatch,
    body: ValidatedJson<PolicyUpdate>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    if let Err(violations) = input.policy.validate() {
        return Err(ApiError::Validation(
            violations
                .into_iter()
                .map(|v| FieldError::new(format!("policy.{}", v.field), "invalid_policy", v.message))
                .collect(),
        ));
    }
    let version = state
        .db
        .write(move |conn| {
            let org = caller.organization_id.clone();
            // The unique (organisation, version) pair stops two concurrent updates from both landing.
            if latest_row(conn, &org)?.version != if_match.0 {
                return Err(ApiError::PreconditionFailed);
            }
            insert_version(conn, &caller.actor(), &org, &input.policy, &input.note)
        })
        .await?;
    Ok(ok_with_etag(&version))
}
