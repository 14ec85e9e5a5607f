//! Units (unit kerja): the organisation's tree, e.g. pemda → dinas → bidang → seksi.

use actix_web::{delete, get, http::header, post, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::{employees, units};
use crate::db::types::{OrganizationId, UnitId};
use crate::db::{now, AnyConnection};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{etag, IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_units).service(create_unit).service(get_unit).service(update_unit).service(delete_unit);
}

crate::domain::text_enum! {
    /// What kind of unit this is in the government's structure.
    #[derive(ToSchema)]
    pub enum UnitKind {
        Pemda = "pemda",
        Sekretariat = "sekretariat",
        Dinas = "dinas",
        Badan = "badan",
        Kecamatan = "kecamatan",
        Kelurahan = "kelurahan",
        Bagian = "bagian",
        Bidang = "bidang",
        Seksi = "seksi",
        Subbagian = "subbagian",
        Upt = "upt",
        Lainnya = "lainnya",
    }
}
crate::db::types::text_column!(UnitKind);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: UnitId,
    pub organization_id: OrganizationId,
    pub parent_id: Option<UnitId>,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub is_service_unit: bool,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A unit of the organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    #[schema(value_type = String)]
    pub id: UnitId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// The unit above; absent for the top of the tree.
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<UnitId>,
    /// Unique within the organisation; used by the CSV import.
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// Serves the public, so citizens rate it (SKM).
    pub is_service_unit: bool,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<UnitRow> for Unit {
    fn from(row: UnitRow) -> Self {
        Unit {
            kind: row.kind,
            id: row.id,
            organization_id: row.organization_id,
            parent_id: row.parent_id,
            code: row.code,
            name: row.name,
            is_service_unit: row.is_service_unit,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A new unit, or the full new state of one.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"parent_id": "0193...", "code": "dinkes", "name": "Dinas Kesehatan", "kind": "dinas", "is_service_unit": true}))]
pub struct UnitInput {
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<UnitId>,
    #[validate(length(min = 1, max = 64), custom(function = "crate::units::check_code"))]
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._-]+$")]
    pub code: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub is_service_unit: bool,
}

pub fn check_code(code: &str) -> Result<(), validator::ValidationError> {
    if code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.') {
        Ok(())
    } else {
        Err(validator::ValidationError::new("code").with_message("use letters, digits, '-', '_' or '.'".into()))
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only the children of this unit.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub parent_id: Option<String>,
    /// Only units changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub fn find(conn: &mut AnyConnection, id: &UnitId) -> ApiResult<UnitRow> {
    units::table.find(id).select(UnitRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("unit"))
}

pub fn find_by_code(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    code: &str,
) -> ApiResult<Option<UnitRow>> {
    Ok(units::table
        .filter(units::organization_id.eq(organization_id))
        .filter(units::code.eq(code))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Checks that `parent_id` is a unit of the same organisation and not `unit_id` or below it.
fn check_parent(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    unit_id: &UnitId,
    parent_id: &UnitId,
) -> ApiResult<()> {
    let invalid = |why: &str| ApiError::field("parent_id", "invalid_parent", why);
    let mut current = Some(parent_id.clone());
    let mut steps = 0;
    while let Some(id) = current {
        if id == *unit_id {
            return Err(invalid("a unit cannot be placed under itself or one of its own sub-units"));
        }
        let row = units::table
            .find(&id)
            .select((units::organization_id, units::parent_id))
            .first::<(OrganizationId, Option<UnitId>)>(conn)
            .optional()?;
        match row {
            Some((org, parent)) if org == *organization_id => current = parent,
            _ => return Err(invalid("no such unit in this organisation")),
        }
        steps += 1;
        if steps > 64 {
            return Err(invalid("the unit tree is deeper than 64 levels"));
        }
    }
    Ok(())
}

/// Inserts a unit and records it; used by the API, the command line and the demo seed.
pub fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    input: UnitInput,
) -> ApiResult<Unit> {
    let id = UnitId::generate();
    crate::db::lock_organization(conn, organization_id)?;
    if let Some(parent) = &input.parent_id {
        check_parent(conn, organization_id, &id, parent)?;
    }
    if find_by_code(conn, organization_id, &input.code)?.is_some() {
        return Err(ApiError::field("code", "duplicate", "another unit of this organisation has this code"));
    }
    let row = UnitRow {
        id,
        organization_id: organization_id.clone(),
        parent_id: input.parent_id,
        code: input.code,
        name: input.name,
        kind: input.kind,
        is_service_unit: input.is_service_unit,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(units::table).values(&row).execute(conn)?;
    let unit = Unit::from(row);
    audit::record(conn, actor, organization_id, Change::new("unit.create", "unit", &unit.id).after(&unit))?;
    Ok(unit)
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
    let rows = state
        .db
        .read(move |conn| {
            let mut q = units::table.filter(units::organization_id.eq(org_id)).into_boxed();
            if let Some(after) = after {
                q = q.filter(units::id.gt(after));
            }
            if let Some(parent) = query.parent_id {
                q = q.filter(units::parent_id.eq(parent));
            }
            if let Some(since) = query.updated_since {
                q = q.filter(units::updated_at.ge(since.naive_utc()));
            }
            Ok(q.order(units::id.asc()).limit(fetch).select(UnitRow::as_select()).load(conn)?)
        })
        .await?;
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
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(unit.version))).json(unit))
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
                version: before.version + 1,
                updated_at: now(),
                ..before.clone()
            };
            let updated = diesel::update(units::table.find(&id).filter(units::version.eq(if_match.0)))
                .set((
                    units::parent_id.eq(&after.parent_id),
                    units::code.eq(&after.code),
                    units::name.eq(&after.name),
                    units::kind.eq(&after.kind),
                    units::is_service_unit.eq(after.is_service_unit),
                    units::version.eq(after.version),
                    units::updated_at.eq(after.updated_at),
                ))
                .execute(conn)?;
            if updated != 1 {
                return Err(ApiError::PreconditionFailed);
            }
            let org = before.organization_id.clone();
            let (before, after) = (Unit::from(before), Unit::from(after));
            audit::record(
                conn,
                &caller.actor(),
                &org,
                Change::new("unit.update", "unit", &id).before(&before).after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(unit.version))).json(unit))
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
            let children: i64 = units::table.filter(units::parent_id.eq(&id)).count().get_result(conn)?;
            let staff: i64 = employees::table.filter(employees::unit_id.eq(&id)).count().get_result(conn)?;
            if children > 0 || staff > 0 {
                return Err(ApiError::conflict(
                    "unit_not_empty",
                    format!("The unit still has {children} sub-units and {staff} employees; move them first"),
                ));
            }
            diesel::delete(units::table.find(&id)).execute(conn)?;
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
