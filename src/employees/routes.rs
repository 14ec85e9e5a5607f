//! The employee endpoints: list, create, read, update, deactivate, set a password (and the CSV
//! import, in `import.rs`).

use super::reporting_lines::history_key;
use super::store::{
    self, change_reporting_line, check_supervisor, check_unit, ensure_an_admin_remains, find, find_visible, insert,
    record_line_if_changed, reporting_line_history, revoke_sessions, EmployeeRow,
};
use super::{
    import, Employee, EmployeeQuery, EmployeeUpdate, NewEmployee, PasswordChange, ReportingLine, ReportingLineChange,
};
use actix_web::{delete, get, post, put, web, HttpResponse};

use crate::audit::{self, Change};
use crate::auth::caller::{Caller, RoleList};
use crate::auth::password;
use crate::authz::{authorize, employee_visibility, password_setter, PasswordSetter, Permission};
use crate::db::now;
use crate::db::types::EmployeeId;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_employees)
        .service(import::import_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(deactivate_employee)
        .service(set_password)
        .service(create_reporting_line)
        .service(list_reporting_lines);
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
    let rows = state.db.read(move |conn| store::list(conn, visibility, query, after, fetch)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.to_string(), Employee::from)))
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
    let clock = state.clock;
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let employee =
                    insert(conn, &caller.actor(), clock, &caller.organization_id, input.clone(), password_hash)?;
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
    id: web::Path<EmployeeId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let employee = Employee::from(state.db.read(move |conn| find_visible(conn, &caller, &id)).await?);
    Ok(ok_with_etag(&employee))
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
    id: web::Path<EmployeeId>,
    if_match: IfMatch,
    body: ValidatedJson<EmployeeUpdate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let clock = state.clock;
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
                job_level: input.job_level,
                roles: RoleList::of(&input.roles),
                active: input.active,
                version: if_match.0 + 1,
                updated_at: now(),
                ..before.clone()
            };
            let before_view = Employee::from(before.clone());
            let change = Change::new("employee.update", "employee", &id);
            Edit { caller: &caller, organization_id: &org, change, before: &before_view, if_match: if_match.0 }.apply(
                conn,
                |conn, version| store::update(conn, version, &after),
                |conn| {
                    ensure_an_admin_remains(conn, &org)?;
                    record_line_if_changed(conn, &caller.actor(), clock, &before, &after)?;
                    if !after.active {
                        revoke_sessions(conn, &id)?;
                    }
                    Ok(Employee::from(after.clone()))
                },
            )
        })
        .await?;
    Ok(ok_with_etag(&employee))
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
    id: web::Path<EmployeeId>,
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
            store::deactivate(conn, &after)?;
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
    id: web::Path<EmployeeId>,
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
            store::set_password_hash(conn, &id, hash.as_deref())?;
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

/// Moves an employee to another unit or supervisor, or corrects a wrong supervisor record, in one
/// call (admins): effective from a given day (default today, never in the future, not before the
/// current line began), with a reason, audited. Everything still waiting for a decision on the
/// employee (SKP approval, achievements to verify, assessments, objections) goes to the new
/// supervisor at once; past decisions stay attributed to whoever made them.
#[utoipa::path(
    tag = "employees",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result"),
    ),
    request_body = ReportingLineChange,
    responses(
        (status = 201, description = "The new reporting line", body = ReportingLine),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/employees/{id}/reporting-line")]
pub async fn create_reporting_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    key: IdempotencyKey,
    body: ValidatedJson<ReportingLineChange>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let clock = state.clock;
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &(&id, &input), |conn| {
                let line = change_reporting_line(conn, &caller, clock, &id, input.clone())?;
                Stored::new(actix_web::http::StatusCode::CREATED, &line)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// An employee's reporting-line history (mutasi), oldest first: who may read the employee may
/// read it.
#[utoipa::path(
    tag = "employees",
    params(("id" = String, Path, description = "Employee id"), PageQuery),
    responses(
        (status = 200, description = "A page of reporting lines", body = Page<ReportingLine>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}/reporting-lines")]
pub async fn list_reporting_lines(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let request = page.clone();
    let rows = state.db.read(move |conn| reporting_line_history(conn, &caller, &id, &request)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, history_key, ReportingLine::from)))
}
