//! Organisations (instansi). An installation can hold several; each is a wall: nothing of one is
//! visible to another. Organisations are created from the command line (`kinerja admin create`).
//! Types here; handlers in `routes.rs`; rows and queries (the organisation's time zone and
//! local date among them) in `store.rs`.

mod routes;
mod store;

pub use routes::routes;
pub use store::{create, date_at, find, find_by_code, time_zone, OrganizationRow};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::types::OrganizationId;
use crate::domain::time_zone::OrgTimeZone;

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

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    #[validate(length(min = 3, max = 200))]
    #[schema(example = "Pemerintah Kota Serang")]
    pub name: String,
    /// The new time zone; absent keeps the current one.
    pub time_zone: Option<OrgTimeZone>,
}

crate::versioned::versioned!(Organization);
