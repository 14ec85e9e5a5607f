//! Units (unit kerja): the organisation's tree, e.g. pemda → dinas → bidang → seksi.
//! Types and rules here; handlers in `routes.rs`; rows, queries and the checks that need the
//! database in `store.rs`.

mod routes;
mod store;

pub use routes::{organization_routes, routes};
pub use store::{find, find_by_code, insert, UnitRow};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{OrganizationId, UnitId};

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
    #[param(value_type = Option<String>, max_length = 64)]
    pub parent_id: Option<UnitId>,
    /// Only units changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::versioned::versioned!(Unit);
