//! Citizen ratings (Survei Kepuasan Masyarakat). Citizens have no accounts: a portal or service
//! desk issues a one-time ticket for a service transaction; the citizen rates the nine elements
//! with it, without logging in. The index is computed in SQL over the period's dates.

mod routes;
pub(crate) mod store;

pub use routes::{employee_routes, public_routes, routes, unit_routes};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, UnitId};
use crate::domain::skm::SkmResult;

/// A new ticket for one service transaction.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "0193...", "officer_id": null, "reference": "LOKET-2026-000123", "expires_in_hours": 168}))]
pub struct NewTicket {
    /// The service unit that served the citizen.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub unit_id: UnitId,
    /// The officer who served, if the rating should also count for them.
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub officer_id: Option<EmployeeId>,
    /// The portal's own reference of the transaction.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// How long the citizen has to rate (1-720 hours; default 168, a week).
    #[validate(range(min = 1, max = 720))]
    #[schema(minimum = 1, maximum = 720)]
    pub expires_in_hours: Option<i64>,
}

/// The ticket; hand `token` to the citizen (a link, a QR code). It is shown only here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedTicket {
    pub id: String,
    pub token: String,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    #[schema(value_type = Option<String>)]
    pub officer_id: Option<EmployeeId>,
    pub reference: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Declares the citizen's scores from the one list of elements (`skm_elements!`).
macro_rules! skm_scores {
    (
        $(#[$meta:meta])* ;
        $( $(#[$element_meta:meta])* $element:ident $field:ident $name:tt, )+
    ) => {
        $(#[$meta])*
        pub struct SkmScores {
            $(
                #[validate(range(min = 1, max = 4))]
                #[schema(minimum = 1, maximum = 4)]
                pub $field: i32,
            )+
        }
    };
}

crate::domain::skm::skm_elements!(skm_scores! {
    /// The nine SKM elements, each 1 (tidak baik) to 4 (sangat baik).
    #[derive(Debug, Clone, Copy, Serialize, Deserialize, Validate, ToSchema)]
    #[serde(deny_unknown_fields)]
});

/// A citizen's rating, sent with the ticket they were given.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenRatingInput {
    #[validate(length(min = 10, max = 100))]
    #[schema(min_length = 10, max_length = 100)]
    pub ticket: String,
    #[validate(nested)]
    pub scores: SkmScores,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingReceived {
    /// Terima kasih: the rating was recorded.
    pub received: bool,
    pub unit_name: String,
}

/// The index of a unit or an officer for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitizenIndex {
    /// `unit` or `officer`.
    pub subject: String,
    pub subject_id: String,
    pub period_id: String,
    /// The month or quarter, when one was asked for.
    pub sub_period_id: Option<String>,
    /// The first and last day whose ratings count.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub policy_version: i32,
    pub result: SkmResult,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// One month or quarter of the period instead of the whole year.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// The year; the current year when absent.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// One service unit's public figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicUnitIndex {
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub unit_name: String,
    pub result: SkmResult,
    /// The year's complaints about the unit: counts and the median time to answer, no text.
    pub complaints: crate::complaints::ComplaintFigures,
}

/// How many of the year's ratings came through one portal's tickets: the public can see where
/// the ratings come from, and a portal producing more than its counter serves stands out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PortalRatings {
    pub portal_id: String,
    pub portal_name: String,
    pub ratings: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicIndex {
    pub organization: String,
    pub year: i32,
    pub units: Vec<PublicUnitIndex>,
    /// Every portal that issues rating tickets, with the ratings its tickets produced this year.
    pub portals: Vec<PortalRatings>,
}

/// Whose ratings an index counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SkmSubject<'a> {
    /// Every rating of a service unit.
    Unit(&'a str),
    /// The ratings naming an officer.
    Officer(&'a str),
}
