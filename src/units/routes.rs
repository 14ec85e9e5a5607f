//! The unit handlers.

use actix_web::{delete, get, post, put, web, HttpResponse};

use super::store::{self, check_parent, find, find_by_code, insert, UnitRow};
use super::{Unit, UnitInput, UnitQuery};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::now;
use crate::db::types::{OrganizationId, UnitId};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

/// A unit, under `/units`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_unit).service(update_unit).service(delete_unit);
}

/// An organisation's units, under `/organizations`.
pub fn organization_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_units).service(create_unit);
}

/// Units of an organisation, in creation order.
#[utoipa::path(
    tag = "units",
    params(("org_id" = String, Path, description = "Organisation id"), UnitQuery),
    responses(
        (status = 200, description = "A page of units", body = Page<Unit>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{org_id}/units")]
pub async fn list_units(
    state: web::Data<AppState>,
    caller: Caller,
    org_id: web::Path<OrganizationId>,
    query: ValidatedQuery<UnitQuery>,
) -> ApiResult<HttpResponse> {
    let org_id = org_id.into_inner();
    authorize(&caller, Permission::ReadOrganization { organization_id: &org_id })?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let rows = state.db.read(move |conn| store::list(conn, &org_id, query, after, fetch)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.to_string(), Unit::from)))
}

/// Adds a unit (admins). Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "units",
    params(
        ("org_id" = String, Path, description = "Organisation id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result"),
    ),
    request_body = UnitInput,
    responses(
        (status = 201, description = "Created", body = Unit),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/organizations/{org_id}/units")]
pub async fn create_unit(
    state: web::Data<AppState>,
    caller: Caller,
    org_id: web::Path<OrganizationId>,
    key: IdempotencyKey,
    body: ValidatedJson<UnitInput>,
) -> ApiResult<HttpResponse> {
    let org_id = org_id.into_inner();
    authorize(&caller, Permission::Administer { organization_id: &org_id })?;
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let unit = insert(conn, &caller.actor(), &org_id, input.clone())?;
                Stored::new(actix_web::http::StatusCode::CREATED, &unit)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One unit.
#[utoipa::path(
    tag = "units",
    params(("id" = String, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit", body = Unit, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}")]
pub async fn get_unit(state: web::Data<AppState>, caller: Caller, id: web::Path<UnitId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = state.db.read(move |conn| find(conn, &id)).await?;
    authorize(&caller, Permission::ReadRecord { organization_id: &row.organization_id, record: "unit" })?;
    let unit = Unit::from(row);
    Ok(ok_with_etag(&unit))
}

/// Replaces a unit (admins); `If-Match` must carry the version read.
#[utoipa::path(
    tag = "units",
    params(
        ("id" = String, Path, description = "Unit id"),
        ("If-Match" = String, Header, description = "The ETag read"),
    ),
    request_body = UnitInput,
    responses(
        (status = 200, description = "Updated", body = Unit, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/units/{id}")]
pub async fn update_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UnitId>,
    if_match: IfMatch,
    body: ValidatedJson<UnitInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let unit = state
        .db
        .write(move |conn| {
            let before = find(conn, &id)?;
            authorize(
                &caller,
                Permission::AdministerRecord { organization_id: &before.organization_id, record: "unit" },
            )?;
            crate::db::lock_organization(conn, &before.organization_id)?;
            if let Some(parent) = &input.parent_id {
                check_parent(conn, &before.organization_id, &id, parent)?;
            }
            if input.code != before.code && find_by_code(conn, &before.organization_id, &input.code)?.is_some() {
                return Err(ApiError::field("code", "duplicate", "another unit of this organisation has this code"));
            }
            let after = UnitRow {
                parent_id: input.parent_id,
                code: input.code,
                name: input.name,
                kind: input.kind,
                is_service_unit: input.is_service_unit,
                version: if_match.0 + 1,
                updated_at: now(),
                ..before.clone()
            };
            let org = before.organization_id.clone();
            let before = Unit::from(before);
            let change = Change::new("unit.update", "unit", &id);
            Edit { caller: &caller, organization_id: &org, change, before: &before, if_match: if_match.0 }.apply(
                conn,
                |conn, version| store::update(conn, version, &after),
                |_| Ok(Unit::from(after.clone())),
            )
        })
        .await?;
    Ok(ok_with_etag(&unit))
}

/// Removes an empty unit (admins): one with no sub-units and no employees.
#[utoipa::path(
    tag = "units",
    params(("id" = String, Path, description = "Unit id")),
    responses(
        (status = 204, description = "Deleted"),
        problems::Delete,
    ),
    security(("bearer" = []))
)]
#[delete("/units/{id}")]
pub async fn delete_unit(state: web::Data<AppState>, caller: Caller, id: web::Path<UnitId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let before = find(conn, &id)?;
            authorize(
                &caller,
                Permission::AdministerRecord { organization_id: &before.organization_id, record: "unit" },
            )?;
            let (children, staff) = store::contents(conn, &id)?;
            if children > 0 || staff > 0 {
                return Err(ApiError::conflict(
                    "unit_not_empty",
                    format!("The unit still has {children} sub-units and {staff} employees; move them first"),
                ));
            }
            store::delete(conn, &id)?;
            let org = before.organization_id.clone();
            audit::record(
                conn,
                &caller.actor(),
                &org,
                Change::new("unit.delete", "unit", &id).before(&Unit::from(before)),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
