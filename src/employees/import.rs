//! Onboarding by CSV: every row is checked first; if any row is wrong nothing is written and
//! the answer lists each problem by row and column.

use std::collections::{HashMap, HashSet};

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{find_by_nip, insert, JobLevel, NewEmployee};
use crate::auth::caller::{Caller, Role};
use crate::authz::{authorize, Permission};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{read_body, request_limits};
use crate::state::AppState;
use crate::units;

/// The columns, in any order; `supervisor_nip` and `roles` may be empty.
pub const COLUMNS: [&str; 7] = ["nip", "name", "position", "job_level", "unit_code", "supervisor_nip", "roles"];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check every row and report, but write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub dry_run: bool,
    /// Rows that were (or, in a dry run, would be) created.
    pub rows: usize,
    /// The employees created, in file order (empty in a dry run).
    pub created: Vec<ImportedEmployee>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedEmployee {
    /// The row number in the file (the header is row 1).
    pub row: usize,
    pub nip: String,
    #[schema(value_type = String)]
    pub id: EmployeeId,
}

#[derive(Debug, Deserialize)]
struct CsvRow {
    nip: String,
    name: String,
    position: String,
    job_level: String,
    unit_code: String,
    #[serde(default)]
    supervisor_nip: String,
    #[serde(default)]
    roles: String,
}

/// A checked row, waiting to be written.
struct PlannedRow {
    line: usize,
    input: NewEmployee,
    supervisor_nip: Option<String>,
}

/// Imports employees from CSV (admins). All rows or none.
///
/// Columns: `nip,name,position,job_level,unit_code,supervisor_nip,roles` (roles separated by `;`).
/// A supervisor may be an existing employee or another row of the same file.
#[utoipa::path(
    tag = "employees",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, UTF-8, with a header row",
        example = "nip,name,position,job_level,unit_code,supervisor_nip,roles\n198503152010011001,Siti Rahmawati,Kepala Bidang,administrator,bidang-ikp,,\n199001012015031002,Budi Santoso,Analis,fungsional,bidang-ikp,198503152010011001,\n"),
    responses(
        (status = 201, description = "All rows were imported", body = ImportResult),
        (status = 200, description = "Dry run: every row is valid", body = ImportResult),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/employees/import")]
pub async fn import_employees(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<ImportQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("text/csv") {
        return Err(ApiError::UnsupportedMediaType("Send the file as text/csv".into()));
    }
    let limit = request_limits(&req).max_import_bytes;
    let bytes = read_body(&req, &mut payload.into_inner(), limit).await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("not_utf8", "The CSV file must be UTF-8"))?;
    if text.contains('\0') {
        return Err(ApiError::bad_request("invalid_text", "The CSV file may not contain the NUL character"));
    }
    let dry_run = query.dry_run;
    let clock = state.clock;
    let result = state
        .db
        .write(move |conn| {
            let planned = plan(conn, &caller.organization_id, &text)?;
            let rows = planned.len();
            if dry_run {
                return Ok(ImportResult { dry_run, rows, created: Vec::new() });
            }
            write(conn, &caller, clock, planned).map(|created| ImportResult { dry_run, rows, created })
        })
        .await?;
    let status = if result.dry_run { actix_web::http::StatusCode::OK } else { actix_web::http::StatusCode::CREATED };
    Ok(HttpResponse::build(status).json(result))
}

/// Parses and checks every row, collecting every problem before answering.
fn plan(conn: &mut AnyConnection, organization_id: &OrganizationId, text: &str) -> ApiResult<Vec<PlannedRow>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("The header row cannot be read: {e}")))?
        .clone();
    let missing: Vec<&str> = COLUMNS[..5].iter().copied().filter(|c| !headers.iter().any(|h| h == *c)).collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request("invalid_csv", format!("Missing columns: {}", missing.join(", "))));
    }

    let mut errors = Vec::new();
    let mut planned = Vec::new();
    let mut unit_ids: HashMap<String, Option<UnitId>> = HashMap::new();
    let mut nips_in_file = HashSet::new();
    for (index, record) in reader.deserialize::<CsvRow>().enumerate() {
        let line = index + 2;
        let at = |column: &str| format!("rows[{line}].{column}");
        let row = match record {
            Ok(row) => row,
            Err(e) => {
                errors.push(FieldError::new(format!("rows[{line}]"), "invalid_row", e.to_string()));
                continue;
            }
        };
        let unit_id = match unit_ids.get(&row.unit_code) {
            Some(found) => found.clone(),
            None => {
                let found = units::find_by_code(conn, organization_id, &row.unit_code)?.map(|u| u.id);
                unit_ids.insert(row.unit_code.clone(), found.clone());
                found
            }
        };
        if unit_id.is_none() {
            errors.push(FieldError::new(
                at("unit_code"),
                "unknown_unit",
                format!("no unit with code {:?}", row.unit_code),
            ));
        }
        let Some(job_level) = JobLevel::parse(&row.job_level) else {
            errors.push(FieldError::new(
                at("job_level"),
                "invalid",
                "use jpt, administrator, pengawas, pelaksana or fungsional",
            ));
            continue;
        };
        let mut roles = Vec::new();
        for name in row.roles.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            match Role::parse(name) {
                Some(role) => roles.push(role),
                None => errors.push(FieldError::new(at("roles"), "invalid", format!("unknown role {name:?}"))),
            }
        }
        if !nips_in_file.insert(row.nip.clone()) {
            errors.push(FieldError::new(at("nip"), "duplicate", "this NIP appears earlier in the file"));
        } else if find_by_nip(conn, &row.nip)?.is_some() {
            errors.push(FieldError::new(at("nip"), "duplicate", "an employee with this NIP already exists"));
        }
        let input = NewEmployee {
            nip: row.nip,
            name: row.name,
            position: row.position,
            job_level,
            unit_id: unit_id.unwrap_or_default(),
            supervisor_id: None,
            roles,
            password: None,
        };
        if let Err(invalid) = input.validate() {
            if let ApiError::Validation(fields) = ApiError::from(invalid) {
                errors.extend(
                    fields
                        .into_iter()
                        .filter(|f| f.field != "unit_id")
                        .map(|f| FieldError { field: at(&f.field), ..f }),
                );
            }
        }
        let supervisor_nip = Some(row.supervisor_nip).filter(|s| !s.is_empty());
        planned.push(PlannedRow { line, input, supervisor_nip });
    }
    if planned.is_empty() && errors.is_empty() {
        return Err(ApiError::bad_request("invalid_csv", "The file has no rows"));
    }
    check_supervisors(conn, organization_id, &planned, &mut errors)?;
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Each supervisor NIP must name an active employee of the organisation or another row, and
/// the rows' reporting lines must not loop.
fn check_supervisors(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    planned: &[PlannedRow],
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    let in_file: HashMap<&str, &PlannedRow> = planned.iter().map(|p| (p.input.nip.as_str(), p)).collect();
    for row in planned {
        let Some(nip) = &row.supervisor_nip else { continue };
        let field = format!("rows[{}].supervisor_nip", row.line);
        if nip == &row.input.nip {
            errors.push(FieldError::new(field, "invalid_supervisor", "an employee cannot supervise themselves"));
            continue;
        }
        if in_file.contains_key(nip.as_str()) {
            // Walk the chain inside the file to find loops.
            let mut seen = HashSet::from([row.input.nip.as_str()]);
            let mut current = Some(nip.as_str());
            while let Some(n) = current {
                if !seen.insert(n) {
                    errors.push(FieldError::new(
                        field.clone(),
                        "invalid_supervisor",
                        "the reporting lines in the file form a loop",
                    ));
                    break;
                }
                current = in_file.get(n).and_then(|p| p.supervisor_nip.as_deref()).filter(|s| in_file.contains_key(s));
            }
            continue;
        }
        match find_by_nip(conn, nip)? {
            Some(s) if s.organization_id == *organization_id && s.active => {}
            _ => errors.push(FieldError::new(
                field,
                "invalid_supervisor",
                "no active employee with this NIP in this organisation or the file",
            )),
        }
    }
    Ok(())
}

/// Writes the checked rows, supervisors before the staff who report to them.
fn write(
    conn: &mut AnyConnection,
    caller: &Caller,
    clock: crate::clock::Clock,
    planned: Vec<PlannedRow>,
) -> ApiResult<Vec<ImportedEmployee>> {
    let actor = caller.actor();
    let mut ids: HashMap<String, EmployeeId> = HashMap::new();
    let mut pending = planned;
    let mut created = Vec::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for mut row in pending {
            let supervisor_id = match &row.supervisor_nip {
                None => None,
                Some(nip) => match ids.get(nip) {
                    Some(id) => Some(id.clone()),
                    None => match find_by_nip(conn, nip)? {
                        Some(existing) if existing.organization_id == caller.organization_id => Some(existing.id),
                        _ => {
                            waiting.push(row);
                            continue;
                        }
                    },
                },
            };
            row.input.supervisor_id = supervisor_id;
            let employee = insert(conn, &actor, clock, &caller.organization_id, row.input, None)?;
            ids.insert(employee.nip.clone(), employee.id.clone());
            created.push(ImportedEmployee { row: row.line, nip: employee.nip, id: employee.id });
        }
        if waiting.len() == before {
            return Err(ApiError::internal("import rows reference supervisors that were never created"));
        }
        pending = waiting;
    }
    created.sort_by_key(|c| c.row);
    Ok(created)
}
