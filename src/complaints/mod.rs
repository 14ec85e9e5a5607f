//! Citizen complaints (pengaduan; issue 11, seed Sofifi accountability). A citizen complains
//! without an account, with a rating ticket (which names the unit and, if any, the officer) or
//! through a portal with the `complaints:write` scope (which may carry the reference of a complaint
//! received elsewhere, e.g. SP4N-LAPOR!). The citizen gets a tracking code and reads the status and
//! the answer with it, nothing else. The unit's head assigns each complaint to an officer, the
//! officer answers, the head closes it (or rejects it with a reason); the policy's deadlines count
//! in working days, and the figures per unit and officer are public per unit, without text or
//! personal data. The rules are in `crate::domain::complaint`.

mod routes;
pub mod store;

pub use routes::{employee_routes, public_routes, routes, unit_routes};

use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use crate::domain::complaint::{ComplaintFigures, ComplaintStatus};

crate::db::types::text_column!(ComplaintStatus);

crate::domain::text_enum! {
    /// How a complaint came in.
    #[derive(ToSchema)]
    pub enum ComplaintChannel {
        /// From a citizen with a rating ticket.
        Ticket = "ticket",
        /// From a portal with the `complaints:write` scope.
        Portal = "portal",
    }
}
crate::db::types::text_column!(ComplaintChannel);

/// A citizen's complaint with the ticket of the service they received.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ticket": "k2VwZ...", "complaint": "Antrean KTP-el lebih dari tiga jam dan petugas tidak ada di loket"}))]
pub struct NewTicketComplaint {
    #[validate(length(min = 16, max = 200))]
    #[schema(min_length = 16, max_length = 200)]
    pub ticket: String,
    /// What went wrong. Names no one but the service; it is shown to the unit, never published.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub complaint: String,
}

/// A complaint a portal received, for one of the organisation's service units.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "0193...", "complaint": "Berkas akta kelahiran hilang setelah diserahkan",
    "external_reference": "LAPOR-2026-1234567"}))]
pub struct NewPortalComplaint {
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub unit_id: UnitId,
    /// The officer the complaint is about, if the citizen named one.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub officer_id: Option<EmployeeId>,
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub complaint: String,
    /// The complaint's reference in the channel it came from (e.g. SP4N-LAPOR!).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_reference: Option<String>,
}

/// What the citizen keeps: the tracking code is shown once, never stored in clear.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComplaintReceived {
    /// Quote it to read the status and the answer (`POST /api/v1/public/complaints/status`).
    pub tracking_code: String,
    pub status: ComplaintStatus,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The first answer is due by then (the policy's working days).
    pub answer_due_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingQuery {
    #[validate(length(min = 8, max = 64))]
    #[schema(min_length = 8, max_length = 64)]
    pub tracking_code: String,
}

/// What the tracking code shows: the status and the answer, nothing else (no names, no unit's
/// internal notes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComplaintTracking {
    pub status: ComplaintStatus,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub answer_due_at: chrono::DateTime<chrono::Utc>,
    pub answer: Option<String>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rejection_reason: Option<String>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A complaint as the unit sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Complaint {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    /// The officer the ticket or portal named.
    #[schema(value_type = Option<String>)]
    pub officer_id: Option<EmployeeId>,
    pub channel: ComplaintChannel,
    pub external_reference: Option<String>,
    pub complaint: String,
    pub status: ComplaintStatus,
    /// The officer who must answer.
    #[schema(value_type = Option<String>)]
    pub assigned_to: Option<EmployeeId>,
    #[schema(value_type = Option<String>)]
    pub assigned_by: Option<EmployeeId>,
    pub assigned_at: Option<chrono::DateTime<chrono::Utc>>,
    pub answer: Option<String>,
    #[schema(value_type = Option<String>)]
    pub answered_by: Option<EmployeeId>,
    /// The first answer.
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rejection_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub closed_by: Option<EmployeeId>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub answer_due_at: chrono::DateTime<chrono::Utc>,
    pub close_due_at: chrono::DateTime<chrono::Utc>,
    /// Whether the first answer came by `answer_due_at`; absent until answered.
    pub answered_in_time: Option<bool>,
    /// Seconds from receipt to the first answer.
    pub seconds_to_first_answer: Option<i64>,
    /// Seconds from receipt to closing (or rejecting).
    pub seconds_to_close: Option<i64>,
    /// Send it back in `If-Match` to act on the complaint.
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignComplaint {
    /// An active employee of the organisation who answers it.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub officer_id: EmployeeId,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerComplaint {
    /// The answer the citizen reads with their tracking code.
    #[validate(length(min = 10, max = 4000))]
    #[schema(min_length = 10, max_length = 4000)]
    pub answer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectComplaint {
    /// Why the unit cannot handle it; the citizen reads it.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: String,
}

/// The complaint figures of a unit or an officer for a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComplaintFiguresReport {
    /// `unit` or `officer`.
    pub subject: String,
    pub subject_id: String,
    pub period_id: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub answer_within_working_days: u32,
    pub figures: ComplaintFigures,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ComplaintQuery {
    pub status: Option<ComplaintStatus>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
}
