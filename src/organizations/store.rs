//! Organisation rows and queries.

use diesel::prelude::*;

use super::Organization;
use crate::audit::{self, Actor, Change};
use crate::db::schema::organizations;
use crate::db::types::OrganizationId;
use crate::db::{now, AnyConnection};
use crate::domain::time_zone::OrgTimeZone;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub code: String,
    pub name: String,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub time_zone: OrgTimeZone,
}

impl From<OrganizationRow> for Organization {
    fn from(row: OrganizationRow) -> Self {
        Organization {
            time_zone: row.time_zone,
            id: row.id,
            code: row.code,
            name: row.name,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The organisation's time zone, for anything that needs its "today" or a local deadline.
pub fn time_zone(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<OrgTimeZone> {
    organizations::table
        .find(organization_id)
        .select(organizations::time_zone)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("organization"))
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
        time_zone: OrgTimeZone::default(),
    };
    diesel::insert_into(organizations::table).values(&row).execute(conn)?;
    audit::start_chain(conn, &row.id)?;
    audit::record(
        conn,
        actor,
        &row.id,
        Change::new("organization.create", "organization", &row.id).after(&Organization::from(row.clone())),
    )?;
    crate::policies::insert_version(conn, actor, &row.id, &Default::default(), "The regulation's defaults")?;
    Ok(row)
}

/// Writes the name and time zone of `after` at the version read (see `crate::versioned::Edit`).
pub fn update(
    conn: &mut AnyConnection,
    version: crate::versioned::Versions,
    after: &OrganizationRow,
) -> ApiResult<usize> {
    Ok(diesel::update(organizations::table.find(&after.id).filter(organizations::version.eq(version.expected)))
        .set((
            organizations::name.eq(&after.name),
            organizations::time_zone.eq(&after.time_zone),
            organizations::version.eq(version.next),
            organizations::updated_at.eq(after.updated_at),
        ))
        .execute(conn)?)
}
