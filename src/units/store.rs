//! Unit rows and queries, and the checks that need the database.

use diesel::prelude::*;

use super::{Unit, UnitInput, UnitKind, UnitQuery};
use crate::audit::{self, Actor, Change};
use crate::db::schema::{employees, units};
use crate::db::types::{OrganizationId, UnitId};
use crate::db::{now, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::versioned::Versions;

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
pub fn check_parent(
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

/// A page of the organisation's units in creation order, filtered by `query`.
pub fn list(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    query: UnitQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<UnitRow>> {
    let mut q = units::table.filter(units::organization_id.eq(organization_id)).into_boxed();
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
}

/// Writes `after` over the unit at the version read (see `crate::versioned::Edit`).
pub fn update(conn: &mut AnyConnection, version: Versions, after: &UnitRow) -> ApiResult<usize> {
    Ok(diesel::update(units::table.find(&after.id).filter(units::version.eq(version.expected)))
        .set((
            units::parent_id.eq(&after.parent_id),
            units::code.eq(&after.code),
            units::name.eq(&after.name),
            units::kind.eq(&after.kind),
            units::is_service_unit.eq(after.is_service_unit),
            units::version.eq(version.next),
            units::updated_at.eq(after.updated_at),
        ))
        .execute(conn)?)
}

/// How many sub-units and employees a unit has.
pub fn contents(conn: &mut AnyConnection, id: &UnitId) -> ApiResult<(i64, i64)> {
    let children: i64 = units::table.filter(units::parent_id.eq(id)).count().get_result(conn)?;
    let staff: i64 = employees::table.filter(employees::unit_id.eq(id)).count().get_result(conn)?;
    Ok((children, staff))
}

pub fn delete(conn: &mut AnyConnection, id: &UnitId) -> ApiResult<()> {
    diesel::delete(units::table.find(id)).execute(conn)?;
    Ok(())
}
