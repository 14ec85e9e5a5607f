//! Feedback (umpan balik): continuous notes from a supervisor to an employee, optionally about
//! one target or achievement, and the replies; a thread in time order. Private to the employee,
//! their supervisor, the supervisor's own supervisor and auditors (not admins: see
//! [`crate::authz::Permission::ReadFeedback`]). Messages are never edited, so nothing here
//! needs `If-Match`; the audit trail records who wrote what when, with a hash of the text
//! rather than the text, since admins read the audit trail.

mod routes;
pub mod store;

pub use routes::{employee_routes, routes};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId};

/// One message of a thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedbackMessage {
    pub id: String,
    #[schema(value_type = String)]
    pub author_id: EmployeeId,
    /// Whether the author is the employee the thread is about.
    pub by_employee: bool,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A thread with all its messages, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedbackThread {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// The employee the feedback is for.
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    /// The supervisor who started it.
    #[schema(value_type = String)]
    pub supervisor_id: EmployeeId,
    /// The target (its lineage id) the feedback is about, if any.
    pub target_id: Option<String>,
    /// The achievement the feedback is about, if any.
    pub achievement_id: Option<String>,
    pub message_count: i32,
    pub messages: Vec<FeedbackMessage>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the last message was written.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A thread in a list: its opening message, how many followed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedbackThreadSummary {
    pub id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    #[schema(value_type = String)]
    pub supervisor_id: EmployeeId,
    pub target_id: Option<String>,
    pub achievement_id: Option<String>,
    pub message_count: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Starts a thread (the employee's direct supervisor).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Perekaman bulan ini sudah baik; perhatikan antrean hari Senin.", "target_id": null}))]
pub struct NewFeedback {
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
    /// A target (id or lineage id) of the employee's SKP.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub target_id: Option<String>,
    /// One of the employee's achievements.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub achievement_id: Option<String>,
}

/// A reply (the employee, or the supervisor who started the thread).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Terima kasih, Pak. Saya tambah loket pagi."}))]
pub struct NewReply {
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedbackQuery {
    /// Only threads with a message at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
