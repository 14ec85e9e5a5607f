//! Organisations (instansi). An installation can hold several; each is a wall: nothing of one is
//! visible to another. Organisations are created from the command line (`kinerja admin create`).

use actix_web::{get, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::organizations;
use crate::db::types::OrganizationId;
use crate::db::{now, AnyConnection};
use crate::domain::time_zone::OrgTimeZone;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{etag, IfMatch, ValidatedJson};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_organization).service(update_organization);
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub code: String,
    pub name: String,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub time_zone: String,
}

impl OrganizationRow {
    /// The organisation's time zone; an unknown stored name is an error, never a guess.
    pub fn zone(&self) -> ApiResult<OrgTimeZone> {
        OrgTimeZone::parse(&self.time_zone)
            .ok_or_else(|| ApiError::internal(format!("unknown time zone {:?} stored for {}", self.time_zone, self.id)))
    }
}

/// An organisation (instansi): a provincial or city government, or an agency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    #[schema(value_type = String)]
    pub id: OrganizationId,
    /// Short unique code, e.g. `kota-serang`.
    pub code: String,
    pub name: String,
    /// The zone its calendar keeps: "today", sub-period boundaries and deadlines count in it.
    pub time_zone: OrgTimeZone,
    /// Send it back in `If-Match` to update.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = ApiError;
    fn try_from(row: OrganizationRow) -> ApiResult<Self> {
        Ok(Organization {
            time_zone: row.zone()?,
            id: row.id,
            code: row.code,
            name: row.name,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    #[validate(length(min = 3, max = 200))]
    #[schema(example = "Pemerintah Kota Serang")]
    pub name: String,
    /// The new time zone; absent keeps the current one.
    pub time_zone: Option<OrgTimeZone>,
}

/// The organisation's time zone, for anything that needs its "today" or a local deadline.
pub fn time_zone(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<OrgTimeZone> {
    let name: String = organizations::table
        .find(organization_id)
        .select(organizations::time_zone)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("organization"))?;
    OrgTimeZone::parse(&name)
        .ok_or_else(|| ApiError::internal(format!("unknown time zone {name:?} stored for {organization_id}")))
}

/// The organisation's local date at `instant` (pass the service clock's `now()` for "today").
pub fn date_at(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    instant: chrono::DateTime<chrono::Utc>,
) -> ApiResult<chrono::NaiveDate> {
    Ok(time_zone(conn, organization_id)?.date_at(instant))
}

pub fn find(conn: &mut AnyConnection, id: &OrganizationId) -> ApiResult<OrganizationRow> {
    organizations::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("organization"))
}

pub fn find_by_code(conn: &mut AnyConnection, code: &str) -> ApiResult<Option<OrganizationRow>> {
    Ok(organizations::table
        .filter(organizations::code.eq(code))
        .select(OrganizationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Creates an organisation and starts its audit chain (command line only).
pub fn create(conn: &mut AnyConnection, actor: &Actor, code: &str, name: &str) -> ApiResult<OrganizationRow> {
    let row = OrganizationRow {
        id: OrganizationId::generate(),
        code: code.to_string(),
        name: name.to_string(),
        version: 1,
        created_at: now(),
        updated_at: now(),
        time_zone: OrgTimeZone::default().as_str().to_string(),
    };
    diesel::insert_into(organizations::table).values(&row).execute(conn)?;
    audit::start_chain(conn, &row.id)?;
    audit::record(
        conn,
        actor,
        &row.id,
        Change::new("organization.create", "organization", &row.id).after(&Organization::try_from(row.clone())?),
    )?;
    crate::policies::insert_version(conn, actor, &row.id, &Default::default(), "The regulation's defaults")?;
    Ok(row)
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
    let org: Organization = state.db.read(move |conn| find(conn, &id)?.try_into()).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::ETAG, etag(org.version))).json(org))
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
            if before.version != if_match.0 {
                return Err(ApiError::PreconditionFailed);
            }
            let after = OrganizationRow {
                name: body.name,
                time_zone: body.time_zone.map(|z| z.as_str().to_string()).unwrap_or_else(|| before.time_zone.clone()),
                version: before.version + 1,
                updated_at: now(),
                ..before.clone()
            };
            // The version filter makes the check and the write one step, so concurrent updates cannot both pass.
            let updated = diesel::update(organizations::table.find(&id).filter(organizations::version.eq(if_match.0)))
                .set((
                    organizations::name.eq(&after.name),
                    organizations::time_zone.eq(&after.time_zone),
                    organizations::version.eq(after.version),
                    organizations::updated_at.eq(after.updated_at),
                ))
                .execute(conn)?;
            if updated != 1 {
                return Err(ApiError::PreconditionFailed);
            }
            let (before, after) = (Organization::try_from(before)?, Organization::try_from(after)?);
            audit::record(
                conn,
                &caller.actor(),
                &id,
                Change::new("organization.update", "organization", &id).before(&before).after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::ETAG, etag(org.version))).json(org))
}
