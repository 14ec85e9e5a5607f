//! The inbox: what waits for the caller, in one list a phone can poll. As a supervisor (or the
//! decider of objections): SKPs to approve or return, achievements to verify, assessments due,
//! objections to decide. As an employee: SKPs returned, achievements rejected, supervisors'
//! assessments published, decisions on their objections. Each kind follows the reporting line in
//! force (as the actions themselves do), so after a mutasi the new supervisor finds the pending
//! work. A page costs a fixed number of queries whatever its length: one per kind for the items,
//! one per kind for the counts, two to find the assessments due and one for the names.

mod routes;
pub mod store;

pub use routes::routes;

use serde::{Deserialize, Serialize};

use crate::db::types::EmployeeId;
use utoipa::ToSchema;

crate::domain::text_enum! {
    /// What an inbox item asks of the caller. The list is ordered by kind in this order, then by
    /// the record's id (oldest first).
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum InboxKind {
        /// A report's submitted SKP, to approve or return (`POST /skps/{id}/approve` or `/return`).
        SkpToDecide = "skp_to_decide",
        /// A report's submitted achievement, to verify or reject.
        AchievementToVerify = "achievement_to_verify",
        /// A report without a published supervisor's assessment of the scope now due (the latest
        /// quarter or month whose last day has come, or the year once its assessment opens); `id`
        /// is the employee's, `record_id` the caller's draft if there is one.
        AssessmentDue = "assessment_due",
        /// A pending objection the caller decides.
        ObjectionToDecide = "objection_to_decide",
        /// The caller's SKP, returned with comments: to correct and resubmit.
        SkpReturned = "skp_returned",
        /// The caller's achievement, rejected with a reason: to correct and resubmit.
        AchievementRejected = "achievement_rejected",
        /// A supervisor's assessment of the caller, published, with no objection filed, in a period
        /// not yet closed: to read, and object to within the window if they disagree.
        AssessmentPublished = "assessment_published",
        /// The decision on the caller's objection, in a period not yet closed.
        ObjectionDecided = "objection_decided",
    }
}

/// One thing waiting for the caller.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    pub kind: InboxKind,
    /// The record it is about (an SKP, achievement, assessment or objection); for
    /// `assessment_due`, the employee to assess.
    pub id: String,
    /// Where to read or act on it (`GET` this path); for `assessment_due`, the caller's draft if
    /// they started one, else absent (start one with `POST /api/v1/assessments`).
    pub path: Option<String>,
    /// For `assessment_due`: the caller's draft, if any.
    pub record_id: Option<String>,
    /// Whose record it is.
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub period_id: String,
    /// The month or quarter; absent for SKPs and for the year.
    pub sub_period_id: Option<String>,
    /// The record's status (`submitted`, `returned`, `rejected`, `published`, `pending`,
    /// `decided`); `due` for an assessment not yet published.
    pub status: String,
    /// When the record last changed; absent for `assessment_due` (nothing is recorded yet).
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How many items of each kind wait, whatever the page and `updated_since` (the badges).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct InboxCounts {
    pub skp_to_decide: i64,
    pub achievement_to_verify: i64,
    pub assessment_due: i64,
    pub objection_to_decide: i64,
    pub skp_returned: i64,
    pub achievement_rejected: i64,
    pub assessment_published: i64,
    pub objection_decided: i64,
}

impl InboxCounts {
    pub fn total(&self) -> i64 {
        self.skp_to_decide
            + self.achievement_to_verify
            + self.assessment_due
            + self.objection_to_decide
            + self.skp_returned
            + self.achievement_rejected
            + self.assessment_published
            + self.objection_decided
    }

    pub fn set(&mut self, kind: InboxKind, count: i64) {
        let slot = match kind {
            InboxKind::SkpToDecide => &mut self.skp_to_decide,
            InboxKind::AchievementToVerify => &mut self.achievement_to_verify,
            InboxKind::AssessmentDue => &mut self.assessment_due,
            InboxKind::ObjectionToDecide => &mut self.objection_to_decide,
            InboxKind::SkpReturned => &mut self.skp_returned,
            InboxKind::AchievementRejected => &mut self.achievement_rejected,
            InboxKind::AssessmentPublished => &mut self.assessment_published,
            InboxKind::ObjectionDecided => &mut self.objection_decided,
        };
        *slot = count;
    }
}

/// A page of the inbox with the counts per kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub counts: InboxCounts,
    /// The sum of the counts.
    pub total: i64,
    pub items: Vec<InboxItem>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
}
