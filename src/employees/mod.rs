//! Employees (pegawai ASN). An employee is also the account a person logs in with (by NIP).
//! Types here; handlers in `routes.rs`; rows, queries and the checks that need the database in
//! `store.rs`; the CSV import in `import.rs`; the dated history of reporting lines (mutasi) in
//! `reporting_lines.rs`.

pub mod import;
mod reporting_lines;
mod routes;
mod store;

pub use routes::{hash_password, routes};
pub use store::{
    active_reports, check_supervisor, find, find_by_nip, find_visible, insert, revoke_sessions, EmployeeRow,
};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::caller::Role;
use crate::auth::password;
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::domain::nip::Nip;

crate::domain::text_enum! {
    /// The kind of position (jenis jabatan); senior executives (`jpt`) plan with perspectives.
    #[derive(ToSchema)]
    pub enum JobLevel {
        /// Jabatan Pimpinan Tinggi (senior executive).
        Jpt = "jpt",
        /// Jabatan Administrator.
        Administrator = "administrator",
        /// Jabatan Pengawas.
        Pengawas = "pengawas",
        /// Jabatan Pelaksana.
        Pelaksana = "pelaksana",
        /// Jabatan Fungsional.
        Fungsional = "fungsional",
    }
}
crate::db::types::text_column!(JobLevel);

/// An employee. Never carries the password hash.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Employee {
    #[schema(value_type = String)]
    pub id: EmployeeId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    /// The direct supervisor (atasan langsung, the appraiser).
    #[schema(value_type = Option<String>)]
    pub supervisor_id: Option<EmployeeId>,
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
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub unit_id: UnitId,
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub supervisor_id: Option<EmployeeId>,
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
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub unit_id: UnitId,
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub supervisor_id: Option<EmployeeId>,
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
    #[param(value_type = Option<String>, max_length = 64)]
    pub unit_id: Option<UnitId>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub supervisor_id: Option<EmployeeId>,
    pub active: Option<bool>,
    /// Only employees changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One period of an employee's reporting line (mutasi history): their unit and direct supervisor
/// from `effective_from` until `effective_to`. The employee record holds the current line, which
/// pending work (SKPs to approve, achievements to verify, assessments, objections) follows; past
/// decisions keep the actor who made them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportingLine {
    pub id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    /// The direct supervisor during this period; none for the head of the agency.
    #[schema(value_type = Option<String>)]
    pub supervisor_id: Option<EmployeeId>,
    /// The first day this line held (in the organisation's calendar).
    pub effective_from: chrono::NaiveDate,
    /// The day the next line took effect (exclusive); absent for the current line.
    pub effective_to: Option<chrono::NaiveDate>,
    /// Why the line changed (mutasi, a corrected record, …).
    pub reason: String,
    /// Who recorded it: `employee` (an admin), `cli`, `service_client` or `migration`.
    pub changed_by_kind: String,
    /// The id of who recorded it.
    pub changed_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A new reporting line for an employee (a move to another unit, a new supervisor, or the
/// correction of a wrong record), effective from a day that is not in the future and not before
/// the current line began.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "0193...", "supervisor_id": "0193...", "effective_from": "2026-07-01", "reason": "Mutasi ke Bidang IKP (SK Bupati 800/123/2026)"}))]
pub struct ReportingLineChange {
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub unit_id: UnitId,
    /// The new direct supervisor; `null` for an employee with no supervisor in the system.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub supervisor_id: Option<EmployeeId>,
    /// The first day of the new line; defaults to today in the organisation's time zone.
    pub effective_from: Option<chrono::NaiveDate>,
    #[validate(length(min = 3, max = 1000))]
    #[schema(min_length = 3, max_length = 1000)]
    pub reason: String,
}

crate::versioned::versioned!(Employee);
