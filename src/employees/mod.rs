//! Employees (pegawai ASN). An employee is also the account a person logs in with (by NIP).

pub mod import;

use actix_web::{delete, get, http::header, post, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::{Caller, Role};
use crate::auth::password;
use crate::authz::{
    authorize, employee_visibility, password_setter, EmployeeRef, EmployeeVisibility, PasswordSetter, Permission,
};
use crate::db::schema::{employees, refresh_tokens, units};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::nip::Nip;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{etag, IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_employees)
        .service(import::import_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(deactivate_employee)
        .service(set_password);
}

/// The kind of position (jenis jabatan); senior executives (`jpt`) plan with perspectives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobLevel {
    /// Jabatan Pimpinan Tinggi (senior executive).
    Jpt,
    /// Jabatan Administrator.
    Administrator,
    /// Jabatan Pengawas.
    Pengawas,
    /// Jabatan Pelaksana.
    Pelaksana,
    /// Jabatan Fungsional.
    Fungsional,
}

impl JobLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            JobLevel::Jpt => "jpt",
            JobLevel::Administrator => "administrator",
            JobLevel::Pengawas => "pengawas",
            JobLevel::Pelaksana => "pelaksana",
            JobLevel::Fungsional => "fungsional",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        [JobLevel::Jpt, JobLevel::Administrator, JobLevel::Pengawas, JobLevel::Pelaksana, JobLevel::Fungsional]
            .into_iter()
            .find(|l| l.as_str() == value)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: String,
    pub organization_id: String,
    pub unit_id: String,
    pub supervisor_id: Option<String>,
    pub nip: String,
    pub name: String,
    pub position: String,
    pub job_level: String,
    pub roles: String,
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

/// An employee. Never carries the password hash.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Employee {
    pub id: String,
    pub organization_id: String,
    pub unit_id: String,
    /// The direct supervisor (atasan langsung, the appraiser).
    pub supervisor_id: Option<String>,
    #[schema(example = "198503152010011001")]
    pub nip: String,
    pub name: String,
    /// Position title (jabatan).
    pub position: String,
    pub job_level: JobLevel,
    pub roles: Vec<Role>,
    /// Whether the employee can log in (a password has been set).
    pub has_password: bool,
    /// Deactivated employees keep their records but cannot log in.
    pub active: bool,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<EmployeeRow> for Employee {
    fn from(row: EmployeeRow) -> Self {
        Employee {
            job_level: JobLevel::parse(&row.job_level).unwrap_or(JobLevel::Pelaksana),
            roles: Role::parse_list(&row.roles),
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

/// A new employee.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nip": "198503152010011001", "name": "Siti Rahmawati", "position": "Analis Kebijakan", "job_level": "fungsional", "unit_id": "0193...", "supervisor_id": null, "roles": []}))]
pub struct NewEmployee {
    #[validate(custom(function = "check_nip"))]
    #[schema(pattern = "^[0-9]{18}$")]
    pub nip: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub position: String,
    pub job_level: JobLevel,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: String,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub supervisor_id: Option<String>,
    /// Extra roles besides `pegawai`: `admin`, `auditor`.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// An initial password (at least 12 characters); without one the employee cannot log in yet.
    #[validate(custom(function = "check_password"))]
    #[schema(min_length = 12, max_length = 256, write_only)]
    // Never serialized (the idempotency record must not hold it); `skip_serializing` would also
    // drop it from the spec, `skip_serializing_if` does not.
    #[serde(default, skip_serializing_if = "never_serialized")]
    pub password: Option<String>,
}

fn never_serialized<T>(_: &T) -> bool {
    true
}

/// The new state of an employee (the NIP does not change).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeeUpdate {
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub position: String,
    pub job_level: JobLevel,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: String,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub supervisor_id: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// Required when changing one's own password.
    #[validate(length(max = 256))]
    #[schema(max_length = 256)]
    pub current_password: Option<String>,
    #[validate(custom(function = "check_password"))]
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

pub fn check_nip(nip: &str) -> Result<(), validator::ValidationError> {
    Nip::parse(nip)
        .map(|_| ())
        .map_err(|e| validator::ValidationError::new("invalid_nip").with_message(e.to_string().into()))
}

fn check_password(value: &str) -> Result<(), validator::ValidationError> {
    password::check_strength(value).map_err(|e| validator::ValidationError::new("weak_password").with_message(e.into()))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployeeQuery {
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub unit_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub supervisor_id: Option<String>,
    pub active: Option<bool>,
    /// Only employees changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<EmployeeRow> {
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
pub fn find_visible(conn: &mut AnyConnection, caller: &Caller, id: &str) -> ApiResult<EmployeeRow> {
    let row = find(conn, id)?;
    authorize(caller, Permission::ReadEmployee { employee: &row.reference() })?;
    Ok(row)
}

fn check_unit(conn: &mut AnyConnection, organization_id: &str, unit_id: &str) -> ApiResult<()> {
    let org: Option<String> = units::table.find(unit_id).select(units::organization_id).first(conn).optional()?;
    match org {
        Some(org) if org == organization_id => Ok(()),
        _ => Err(ApiError::field("unit_id", "unknown_unit", "no such unit in this organisation")),
    }
}

/// The supervisor must be another active employee of the same organisation, and the reporting
/// line must not loop back to `employee_id`.
pub fn check_supervisor(
    conn: &mut AnyConnection,
    organization_id: &str,
    employee_id: &str,
    supervisor_id: &str,
) -> ApiResult<()> {
    let invalid = |why: &str| ApiError::field("supervisor_id", "invalid_supervisor", why);
    let mut current = Some(supervisor_id.to_string());
    let mut steps = 0;
    while let Some(id) = current {
        if id == employee_id {
            return Err(invalid("the reporting line would loop back to this employee"));
        }
        let row: Option<(String, Option<String>, bool)> = employees::table
            .find(&id)
            .select((employees::organization_id, employees::supervisor_id, employees::active))
            .first(conn)
            .optional()?;
        match row {
            Some((org, _, false)) if org == organization_id && steps == 0 => {
                return Err(invalid("the supervisor is deactivated"));
            }
            Some((org, next, _)) if org == organization_id => current = next,
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
    organization_id: &str,
    input: NewEmployee,
    password_hash: Option<String>,
) -> ApiResult<Employee> {
    let id = new_id();
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
        organization_id: organization_id.to_string(),
        unit_id: input.unit_id,
        supervisor_id: input.supervisor_id,
        nip: input.nip,
        name: input.name,
        position: input.position,
        job_level: input.job_level.as_str().to_string(),
        roles: Role::store_list(&input.roles),
        password_hash,
        active: true,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(employees::table).values(&row).execute(conn)?;
    let employee = Employee::from(row);
    audit::record(
        conn,
        actor,
        organization_id,
        Change::new("employee.create", "employee", &employee.id).after(&employee),
    )?;
    Ok(employee)
}

/// Hashes a password on a blocking thread (argon2 is slow on purpose).
pub async fn hash_password(password: Option<String>) -> ApiResult<Option<String>> {
    match password {
        None => Ok(None),
        Some(p) => Ok(Some(web::block(move || password::hash(&p)).await?)),
    }
}

/// Employees the caller may see: the whole organisation for admins, auditors and portals with
/// `employees:read`; oneself and one's direct reports for everyone else.
#[utoipa::path(
    tag = "employees",
    params(EmployeeQuery),
    responses(
        (status = 200, description = "A page of employees", body = Page<Employee>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees")]
pub async fn list_employees(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<EmployeeQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = employee_visibility(&caller)?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let rows = state
        .db
        .read(move |conn| {
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
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.clone(), Employee::from)))
}

/// Adds an employee to the caller's organisation (admins).
#[utoipa::path(
    tag = "employees",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewEmployee,
    responses(
        (status = 201, description = "Created", body = Employee),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/employees")]
pub async fn create_employee(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewEmployee>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let mut input = body.into_inner();
    let password_hash = hash_password(input.password.take()).await?;
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let employee = insert(conn, &caller.actor(), &caller.organization_id, input.clone(), password_hash)?;
                Stored::new(actix_web::http::StatusCode::CREATED, &employee)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One employee: oneself, a direct report, or anyone for admins and auditors.
#[utoipa::path(
    tag = "employees",
    params(("id" = String, Path, description = "Employee id")),
    responses(
        (status = 200, description = "The employee", body = Employee, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}")]
pub async fn get_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let employee = Employee::from(state.db.read(move |conn| find_visible(conn, &caller, &id)).await?);
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(employee.version))).json(employee))
}

/// Replaces an employee's data (admins); `If-Match` must carry the version read.
#[utoipa::path(
    tag = "employees",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("If-Match" = String, Header, description = "The ETag read"),
    ),
    request_body = EmployeeUpdate,
    responses(
        (status = 200, description = "Updated", body = Employee, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/employees/{id}")]
pub async fn update_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<EmployeeUpdate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let employee = state
        .db
        .write(move |conn| {
            let before = find_visible(conn, &caller, &id)?;
            let org = before.organization_id.clone();
            authorize(&caller, Permission::Administer { organization_id: &org })?;
            crate::db::lock_organization(conn, &org)?;
            check_unit(conn, &org, &input.unit_id)?;
            if let Some(supervisor) = &input.supervisor_id {
                check_supervisor(conn, &org, &id, supervisor)?;
            }
            let after = EmployeeRow {
                unit_id: input.unit_id,
                supervisor_id: input.supervisor_id,
                name: input.name,
                position: input.position,
                job_level: input.job_level.as_str().to_string(),
                roles: Role::store_list(&input.roles),
                active: input.active,
                version: before.version + 1,
                updated_at: now(),
                ..before.clone()
            };
            let updated = diesel::update(employees::table.find(&id).filter(employees::version.eq(if_match.0)))
                .set((
                    employees::unit_id.eq(&after.unit_id),
                    employees::supervisor_id.eq(&after.supervisor_id),
                    employees::name.eq(&after.name),
                    employees::position.eq(&after.position),
                    employees::job_level.eq(&after.job_level),
                    employees::roles.eq(&after.roles),
                    employees::active.eq(after.active),
                    employees::version.eq(after.version),
                    employees::updated_at.eq(after.updated_at),
                ))
                .execute(conn)?;
            if updated != 1 {
                return Err(ApiError::PreconditionFailed);
            }
            ensure_an_admin_remains(conn, &org)?;
            if !after.active {
                revoke_sessions(conn, &id)?;
            }
            let (before, after) = (Employee::from(before), Employee::from(after));
            audit::record(
                conn,
                &caller.actor(),
                &org,
                Change::new("employee.update", "employee", &id).before(&before).after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(employee.version))).json(employee))
}

/// Deactivates an employee (admins): their records stay, their sessions end, they cannot log in.
#[utoipa::path(
    tag = "employees",
    params(("id" = String, Path, description = "Employee id")),
    responses(
        (status = 204, description = "Deactivated"),
        problems::Delete,
    ),
    security(("bearer" = []))
)]
#[delete("/employees/{id}")]
pub async fn deactivate_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let before = find_visible(conn, &caller, &id)?;
            let org = before.organization_id.clone();
            authorize(&caller, Permission::Administer { organization_id: &org })?;
            crate::db::lock_organization(conn, &org)?;
            if !before.active {
                return Ok(());
            }
            let after = EmployeeRow { active: false, version: before.version + 1, updated_at: now(), ..before.clone() };
            diesel::update(employees::table.find(&id))
                .set((
                    employees::active.eq(false),
                    employees::version.eq(after.version),
                    employees::updated_at.eq(after.updated_at),
                ))
                .execute(conn)?;
            ensure_an_admin_remains(conn, &org)?;
            revoke_sessions(conn, &id)?;
            let (before, after) = (Employee::from(before), Employee::from(after));
            audit::record(
                conn,
                &caller.actor(),
                &org,
                Change::new("employee.deactivate", "employee", &id).before(&before).after(&after),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets a password: one's own (with the current one), or another employee's (admins).
#[utoipa::path(
    tag = "employees",
    params(("id" = String, Path, description = "Employee id")),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Password set; the employee's other sessions are ended"),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[put("/employees/{id}/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ValidatedJson<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let target = id.clone();
    let row = state.db.read(move |conn| find(conn, &target)).await?;
    if password_setter(&caller, &row.reference())? == PasswordSetter::Themselves {
        let current = input.current_password.clone().unwrap_or_default();
        let stored = row.password_hash.clone();
        if !web::block(move || password::verify(&current, stored.as_deref())).await? {
            return Err(ApiError::field("current_password", "wrong_password", "the current password is not correct"));
        }
    }
    let hash = hash_password(Some(input.new_password)).await?;
    state
        .db
        .write(move |conn| {
            diesel::update(employees::table.find(&id))
                .set((employees::password_hash.eq(hash), employees::updated_at.eq(now())))
                .execute(conn)?;
            revoke_sessions(conn, &id)?;
            audit::record(
                conn,
                &caller.actor(),
                &row.organization_id,
                Change::new("employee.set_password", "employee", &id),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every refresh-token family of an employee.
pub fn revoke_sessions(conn: &mut AnyConnection, employee_id: &str) -> ApiResult<()> {
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
fn ensure_an_admin_remains(conn: &mut AnyConnection, organization_id: &str) -> ApiResult<()> {
    let admins: Vec<String> = employees::table
        .filter(employees::organization_id.eq(organization_id))
        .filter(employees::active.eq(true))
        .filter(employees::roles.like("%admin%"))
        .select(employees::roles)
        .load(conn)?;
    if admins.iter().any(|roles| Role::parse_list(roles).contains(&Role::Admin)) {
        Ok(())
    } else {
        Err(ApiError::conflict("last_admin", "The organisation must keep at least one active admin"))
    }
}
