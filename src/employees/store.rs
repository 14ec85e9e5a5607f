//! Employee rows and queries, and the checks that need the database.

use diesel::prelude::*;

use super::reporting_lines::{self, NewLine};
use super::{Employee, EmployeeQuery, JobLevel, NewEmployee, ReportingLine, ReportingLineChange};

use crate::audit::{self, Actor, Change};
use crate::auth::caller::{Caller, Role, RoleList};
use crate::authz::{authorize, EmployeeRef, EmployeeVisibility, Permission};
use crate::clock::Clock;
use crate::db::schema::{employees, refresh_tokens, units};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{now, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::pagination::PageRequest;
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: EmployeeId,
    pub organization_id: OrganizationId,
    pub unit_id: UnitId,
    pub supervisor_id: Option<EmployeeId>,
    pub nip: String,
    pub name: String,
    pub position: String,
    pub job_level: JobLevel,
    pub roles: RoleList,
    pub password_hash: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl EmployeeRow {
    pub fn reference(&self) -> EmployeeRef {
        EmployeeRef {
            id: self.id.clone(),
            organization_id: self.organization_id.clone(),
            supervisor_id: self.supervisor_id.clone(),
        }
    }
}

impl From<EmployeeRow> for Employee {
    fn from(row: EmployeeRow) -> Self {
        Employee {
            job_level: row.job_level,
            roles: row.roles.with_pegawai(),
            has_password: row.password_hash.is_some(),
            id: row.id,
            organization_id: row.organization_id,
            unit_id: row.unit_id,
            supervisor_id: row.supervisor_id,
            nip: row.nip,
            name: row.name,
            position: row.position,
            active: row.active,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

pub fn find(conn: &mut AnyConnection, id: &EmployeeId) -> ApiResult<EmployeeRow> {
    employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("employee"))
}

pub fn find_by_nip(conn: &mut AnyConnection, nip: &str) -> ApiResult<Option<EmployeeRow>> {
    Ok(employees::table.filter(employees::nip.eq(nip)).select(EmployeeRow::as_select()).first(conn).optional()?)
}

/// Loads an employee the caller may see, or answers 404.
pub fn find_visible(conn: &mut AnyConnection, caller: &Caller, id: &EmployeeId) -> ApiResult<EmployeeRow> {
    let row = find(conn, id)?;
    authorize(caller, Permission::ReadEmployee { employee: &row.reference() })?;
    Ok(row)
}

pub fn check_unit(conn: &mut AnyConnection, organization_id: &OrganizationId, unit_id: &UnitId) -> ApiResult<()> {
    let org: Option<OrganizationId> =
        units::table.find(unit_id).select(units::organization_id).first(conn).optional()?;
    match org {
        Some(org) if org == *organization_id => Ok(()),
        _ => Err(ApiError::field("unit_id", "unknown_unit", "no such unit in this organisation")),
    }
}

/// The supervisor must be another active employee of the same organisation, and the reporting
/// line must not loop back to `employee_id`.
pub fn check_supervisor(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    employee_id: &EmployeeId,
    supervisor_id: &EmployeeId,
) -> ApiResult<()> {
    let invalid = |why: &str| ApiError::field("supervisor_id", "invalid_supervisor", why);
    let mut current = Some(supervisor_id.clone());
    let mut steps = 0;
    while let Some(id) = current {
        if id == *employee_id {
            return Err(invalid("the reporting line would loop back to this employee"));
        }
        let row: Option<(OrganizationId, Option<EmployeeId>, bool)> = employees::table
            .find(&id)
            .select((employees::organization_id, employees::supervisor_id, employees::active))
            .first(conn)
            .optional()?;
        match row {
            Some((org, _, false)) if org == *organization_id && steps == 0 => {
                return Err(invalid("the supervisor is deactivated"));
            }
            Some((org, next, _)) if org == *organization_id => current = next,
            _ => return Err(invalid("no such employee in this organisation")),
        }
        steps += 1;
        if steps > 64 {
            return Err(invalid("the reporting line is deeper than 64 levels"));
        }
    }
    Ok(())
}

/// Inserts an employee and records it; used by the API, the CSV import, the CLI and the seed.
pub fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    clock: Clock,
    organization_id: &OrganizationId,
    input: NewEmployee,
    password_hash: Option<String>,
) -> ApiResult<Employee> {
    let id = EmployeeId::generate();
    crate::db::lock_organization(conn, organization_id)?;
    check_unit(conn, organization_id, &input.unit_id)?;
    if let Some(supervisor) = &input.supervisor_id {
        check_supervisor(conn, organization_id, &id, supervisor)?;
    }
    if find_by_nip(conn, &input.nip)?.is_some() {
        return Err(ApiError::field("nip", "duplicate", "an employee with this NIP already exists"));
    }
    let row = EmployeeRow {
        id,
        organization_id: organization_id.clone(),
        unit_id: input.unit_id,
        supervisor_id: input.supervisor_id,
        nip: input.nip,
        name: input.name,
        position: input.position,
        job_level: input.job_level,
        roles: RoleList::of(&input.roles),
        password_hash,
        active: true,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(employees::table).values(&row).execute(conn)?;
    let today = reporting_lines::today(conn, organization_id, clock)?;
    reporting_lines::record(
        conn,
        actor,
        NewLine {
            organization_id,
            employee_id: &row.id,
            unit_id: &row.unit_id,
            supervisor_id: row.supervisor_id.as_ref(),
            effective_from: today,
            reason: "employee added",
        },
    )?;
    let employee = Employee::from(row);
    audit::record(
        conn,
        actor,
        organization_id,
        Change::new("employee.create", "employee", &employee.id).after(&employee),
    )?;
    Ok(employee)
}

/// Ends every refresh-token family of an employee.
pub fn revoke_sessions(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::employee_id.eq(employee_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// An organisation must keep at least one active admin, or nobody could manage it.
pub fn ensure_an_admin_remains(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<()> {
    let admins: Vec<RoleList> = employees::table
        .filter(employees::organization_id.eq(organization_id))
        .filter(employees::active.eq(true))
        .filter(employees::roles.like("%admin%"))
        .select(employees::roles)
        .load(conn)?;
    if admins.iter().any(|roles| roles.contains(Role::Admin)) {
        Ok(())
    } else {
        Err(ApiError::conflict("last_admin", "The organisation must keep at least one active admin"))
    }
}

/// After an update of the employee record: when the unit or supervisor changed, the history gets
/// a new line from today (a dated move goes through [`change_reporting_line`]).
pub fn record_line_if_changed(
    conn: &mut AnyConnection,
    actor: &Actor,
    clock: Clock,
    before: &EmployeeRow,
    after: &EmployeeRow,
) -> ApiResult<()> {
    if before.unit_id == after.unit_id && before.supervisor_id == after.supervisor_id {
        return Ok(());
    }
    let today = reporting_lines::today(conn, &after.organization_id, clock)?;
    reporting_lines::record(
        conn,
        actor,
        NewLine {
            organization_id: &after.organization_id,
            employee_id: &after.id,
            unit_id: &after.unit_id,
            supervisor_id: after.supervisor_id.as_ref(),
            effective_from: today,
            reason: "changed with the employee record",
        },
    )?;
    Ok(())
}

/// Moves an employee to a new unit or supervisor, or corrects a wrong record (admins), in one
/// step: the employee row takes the new line (so pending work goes to the new supervisor at once),
/// the history closes the old line and opens the new one, and the audit trail keeps both with the
/// reason.
pub fn change_reporting_line(
    conn: &mut AnyConnection,
    caller: &Caller,
    clock: Clock,
    id: &EmployeeId,
    input: ReportingLineChange,
) -> ApiResult<ReportingLine> {
    let before = find(conn, id)?;
    let org = before.organization_id.clone();
    authorize(caller, Permission::ChangeReportingLine { employee: &before.reference() })?;
    crate::db::lock_organization(conn, &org)?;
    check_unit(conn, &org, &input.unit_id)?;
    if let Some(supervisor) = &input.supervisor_id {
        check_supervisor(conn, &org, id, supervisor)?;
    }
    let today = reporting_lines::today(conn, &org, clock)?;
    let effective_from = input.effective_from.unwrap_or(today);
    if effective_from > today {
        return Err(ApiError::field(
            "effective_from",
            "in_future",
            format!("a reporting line takes effect when it is recorded: on {today} at the latest"),
        ));
    }
    if before.unit_id == input.unit_id && before.supervisor_id == input.supervisor_id {
        return Err(ApiError::conflict("unchanged", "The employee already has this unit and supervisor"));
    }
    diesel::update(employees::table.find(id))
        .set((
            employees::unit_id.eq(&input.unit_id),
            employees::supervisor_id.eq(&input.supervisor_id),
            employees::version.eq(before.version + 1),
            employees::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let actor = caller.actor();
    let (closed, opened) = reporting_lines::record(
        conn,
        &actor,
        NewLine {
            organization_id: &org,
            employee_id: id,
            unit_id: &input.unit_id,
            supervisor_id: input.supervisor_id.as_ref(),
            effective_from,
            reason: &input.reason,
        },
    )?;
    let (closed, opened) = (closed.map(ReportingLine::from), ReportingLine::from(opened));
    audit::record(
        conn,
        &actor,
        &org,
        Change::new("employee.change_reporting_line", "employee", id).before(&closed).after(&opened),
    )?;
    Ok(opened)
}

/// One page of an employee's reporting-line history, for a caller who may read the employee.
pub fn reporting_line_history(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &EmployeeId,
    page: &PageRequest,
) -> ApiResult<Vec<reporting_lines::ReportingLineRow>> {
    let employee = find(conn, id)?;
    authorize(caller, Permission::ReadReportingLines { employee: &employee.reference() })?;
    reporting_lines::history(conn, id, page)
}

/// A page of the employees `visibility` lets the caller see, filtered by `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    visibility: EmployeeVisibility,
    query: EmployeeQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<EmployeeRow>> {
    let mut q = employees::table.into_boxed();
    match visibility {
        EmployeeVisibility::Organization { organization_id } => {
            q = q.filter(employees::organization_id.eq(organization_id));
        }
        EmployeeVisibility::SelfAndReports { organization_id, employee_id } => {
            q = q
                .filter(employees::organization_id.eq(organization_id))
                .filter(employees::id.eq(employee_id.clone()).or(employees::supervisor_id.eq(employee_id)));
        }
    }
    if let Some(after) = after {
        q = q.filter(employees::id.gt(after));
    }
    if let Some(v) = query.unit_id {
        q = q.filter(employees::unit_id.eq(v));
    }
    if let Some(v) = query.supervisor_id {
        q = q.filter(employees::supervisor_id.eq(v));
    }
    if let Some(v) = query.active {
        q = q.filter(employees::active.eq(v));
    }
    if let Some(since) = query.updated_since {
        q = q.filter(employees::updated_at.ge(since.naive_utc()));
    }
    Ok(q.order(employees::id.asc()).limit(fetch).select(EmployeeRow::as_select()).load(conn)?)
}

/// Writes `after` over the employee at the version read (see `crate::versioned::Edit`).
pub fn update(conn: &mut AnyConnection, version: Versions, after: &EmployeeRow) -> ApiResult<usize> {
    Ok(diesel::update(employees::table.find(&after.id).filter(employees::version.eq(version.expected)))
        .set((
            employees::unit_id.eq(&after.unit_id),
            employees::supervisor_id.eq(&after.supervisor_id),
            employees::name.eq(&after.name),
            employees::position.eq(&after.position),
            employees::job_level.eq(&after.job_level),
            employees::roles.eq(&after.roles),
            employees::active.eq(after.active),
            employees::version.eq(version.next),
            employees::updated_at.eq(after.updated_at),
        ))
        .execute(conn)?)
}

/// Marks the employee inactive, at `after`'s version and time.
pub fn deactivate(conn: &mut AnyConnection, after: &EmployeeRow) -> ApiResult<()> {
    diesel::update(employees::table.find(&after.id))
        .set((
            employees::active.eq(false),
            employees::version.eq(after.version),
            employees::updated_at.eq(after.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut AnyConnection, id: &EmployeeId, hash: Option<&str>) -> ApiResult<()> {
    diesel::update(employees::table.find(id))
        .set((employees::password_hash.eq(hash), employees::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// How many active employees report directly to `supervisor`.
pub fn active_reports(conn: &mut AnyConnection, supervisor: &EmployeeId) -> ApiResult<i64> {
    Ok(employees::table
        .filter(employees::supervisor_id.eq(supervisor))
        .filter(employees::active.eq(true))
        .count()
        .get_result(conn)?)
}
