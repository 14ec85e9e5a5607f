//! The organisation handlers.

use actix_web::{get, put, web, HttpResponse};

use super::store::{self, find, OrganizationRow};
use super::{Organization, UpdateOrganization};
use crate::audit::Change;
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::now;
use crate::db::types::OrganizationId;
use crate::error::{problems, ApiResult};
use crate::extract::{IfMatch, ValidatedJson};
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_organization).service(update_organization);
}

/// The organisation.
#[utoipa::path(
    tag = "organizations",
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = Organization, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    authorize(&caller, Permission::ReadOrganization { organization_id: &id })?;
    let org: Organization = state.db.read(move |conn| Ok(find(conn, &id)?.into())).await?;
    Ok(ok_with_etag(&org))
}

/// Renames the organisation or changes its time zone (admins). A new zone moves every local
/// deadline still running (e.g. objection windows) to the new zone's dates.
#[utoipa::path(
    tag = "organizations",
    params(
        ("id" = String, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The ETag read"),
    ),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "Updated", body = Organization, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/organizations/{id}")]
pub async fn update_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<OrganizationId>,
    if_match: IfMatch,
    body: ValidatedJson<UpdateOrganization>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    authorize(&caller, Permission::Administer { organization_id: &id })?;
    let body = body.into_inner();
    let org = state
        .db
        .write(move |conn| {
            let before = find(conn, &id)?;
            let after = OrganizationRow {
                name: body.name,
                time_zone: body.time_zone.unwrap_or(before.time_zone),
                version: if_match.0 + 1,
                updated_at: now(),
                ..before.clone()
            };
            let before = Organization::from(before);
            let change = Change::new("organization.update", "organization", &id);
            Edit { caller: &caller, organization_id: &id, change, before: &before, if_match: if_match.0 }.apply(
                conn,
                |conn, version| store::update(conn, version, &after),
                |_| Ok(Organization::from(after.clone())),
            )
        })
        .await?;
    Ok(ok_with_etag(&org))
}
