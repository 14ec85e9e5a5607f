//! Evaluation periods: an organisation's year with monthly or quarterly sub-periods, moving
//! `planning → running → evaluating → closed`. A closed period is read-only until an admin
//! reopens it with a reason.
//! Types and rules (the sub-periods of a year, when the assessment opens, what a closed period
//! refuses) here; handlers in `routes.rs`; rows, queries and status changes in `store.rs`.

mod routes;
mod store;

pub use routes::routes;
pub use store::{
    change_status, find, find_by_year, insert, list, sub_period_in, writable, writable_on, PeriodRow, SubPeriodRow,
};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::OrganizationId;
use crate::domain::policy::EvaluationFrequency;
use crate::error::{ApiError, ApiResult};

crate::domain::text_enum! {
    /// Where a period is in the yearly cycle.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum PeriodStatus {
        /// Perencanaan: SKPs are drafted and approved.
        Planning = "planning",
        /// Pelaksanaan: achievements and feedback are recorded.
        Running = "running",
        /// Evaluasi: assessments and ratings are made.
        Evaluating = "evaluating",
        /// Closed: everything in the period is read-only and scores are frozen.
        Closed = "closed",
    }
}
crate::db::types::text_column!(PeriodStatus);

impl PeriodStatus {
    /// The one step forward from here, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            PeriodStatus::Planning => Some(PeriodStatus::Running),
            PeriodStatus::Running => Some(PeriodStatus::Evaluating),
            PeriodStatus::Evaluating => Some(PeriodStatus::Closed),
            PeriodStatus::Closed => None,
        }
    }
}

/// A month or quarter of the year, the unit of periodic evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubPeriod {
    pub id: String,
    /// 1-4 for quarters, 1-12 for months.
    pub seq: i32,
    #[schema(example = "2026-Q1")]
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// An evaluation year of the organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub year: i32,
    pub frequency: EvaluationFrequency,
    pub status: PeriodStatus,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub sub_periods: Vec<SubPeriod>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "frequency": "quarterly"}))]
pub struct NewPeriod {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Monthly or quarterly sub-periods; the scoring policy's choice when absent.
    pub frequency: Option<EvaluationFrequency>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "running"}))]
pub struct StatusChange {
    /// The next status, or `evaluating` to reopen a closed period.
    pub status: PeriodStatus,
    /// Required to reopen a closed period.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    pub year: Option<i32>,
    pub status: Option<PeriodStatus>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The sub-periods of a year: four quarters or twelve months.
pub fn sub_period_bounds(year: i32, frequency: EvaluationFrequency) -> Vec<(i32, String, NaiveDate, NaiveDate)> {
    let months_each = match frequency {
        EvaluationFrequency::Monthly => 1,
        EvaluationFrequency::Quarterly => 3,
    };
    (0..12 / months_each)
        .map(|i| {
            let first_month = (i * months_each + 1) as u32;
            let start = NaiveDate::from_ymd_opt(year, first_month, 1).expect("valid month");
            let end = if first_month + months_each as u32 > 12 {
                NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")
            } else {
                NaiveDate::from_ymd_opt(year, first_month + months_each as u32, 1)
                    .expect("valid month")
                    .pred_opt()
                    .expect("valid date")
            };
            let label = match frequency {
                EvaluationFrequency::Monthly => format!("{year}-{:02}", start.month()),
                EvaluationFrequency::Quarterly => format!("{year}-Q{}", i + 1),
            };
            (i + 1, label, start, end)
        })
        .collect()
}

/// Whether the year's assessment is open: the period is `evaluating` or later, or its last day is
/// past. From then on peer and subordinate answers are final and their aggregates are shown;
/// before, a change in the means would tell who answered last and what.
pub fn assessment_open(period: &PeriodRow, today: NaiveDate) -> bool {
    period.status >= PeriodStatus::Evaluating || today > period.ends_on
}

pub(crate) fn refuse_if_closed(period: &PeriodRow) -> ApiResult<()> {
    if period.status != PeriodStatus::Closed {
        return Ok(());
    }
    Err(closed_error(period.year))
}

/// The refusal of a change in the closed period of `year`.
pub(crate) fn closed_error(year: i32) -> ApiError {
    ApiError::conflict(
        "period_closed",
        format!("The {year} period is closed; an admin must reopen it, with a reason, before anything in it changes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_months_cover_the_year_without_gaps() {
        for frequency in [EvaluationFrequency::Quarterly, EvaluationFrequency::Monthly] {
            let subs = sub_period_bounds(2024, frequency);
            assert_eq!(subs.first().unwrap().2, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
            assert_eq!(subs.last().unwrap().3, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
            for pair in subs.windows(2) {
                assert_eq!(pair[0].3.succ_opt().unwrap(), pair[1].2);
            }
        }
        assert_eq!(sub_period_bounds(2026, EvaluationFrequency::Quarterly)[1].1, "2026-Q2");
        assert_eq!(sub_period_bounds(2026, EvaluationFrequency::Monthly).len(), 12);
    }

    #[test]
    fn periods_move_forward_one_step_at_a_time() {
        assert_eq!(PeriodStatus::Planning.next(), Some(PeriodStatus::Running));
        assert_eq!(PeriodStatus::Closed.next(), None);
    }
}

crate::versioned::versioned!(Period);
