//! Reports for auditors, admins and portals with `reports:read`: the score table of an
//! organisation or a unit, the predicate distribution against the curve for the organisation and
//! each unit, and each service unit's citizen index, for a period or sub-period.
//! Each is a row type and a page function; `format` serves it as paginated JSON, streamed CSV or
//! JSON Lines, or XLSX.

pub mod format;
mod routes;
pub mod store;

pub use routes::routes;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, UnitId};
use crate::domain::distribution::{Deviation, DistributionCheck, OrgRating};
use crate::domain::engine::ScoreInputs;
use crate::domain::predikat::{Predikat, Rating};
use crate::domain::skm::{SkmElement, SkmResult};
use crate::scores::ScoreState;
use format::{Cell, ReportFormat, Tabular};

/// What a score report may carry beside the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportInclude {
    /// Every input of each score and its policy, so it can be computed again (JSON and JSON Lines).
    Inputs,
}

/// Which scores a score report lists, and how it is served.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoreReportQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// One month or quarter instead of the year.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Only this unit's employees (and its sub-units' with `include_sub_units`); the whole
    /// organisation when absent.
    #[validate(length(min = 1, max = 64))]
    #[param(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// With `unit_id`: also everyone in its sub-units, at any depth (default false).
    pub include_sub_units: Option<bool>,
    /// Only employees with this predicate.
    #[param(inline)]
    pub predikat: Option<Predikat>,
    /// A stored snapshot (1 for the period's first close, …) instead of the scores as served: the
    /// latest snapshot of a closed period, else live.
    #[validate(range(min = 1))]
    #[param(minimum = 1)]
    pub snapshot: Option<i32>,
    /// `inputs`: each row carries the inputs its score was computed from (JSON and JSON Lines).
    #[param(inline)]
    pub include: Option<ReportInclude>,
    /// `json` (a page), `csv`, `xlsx` or `jsonl` (every row); else chosen by `Accept`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
    /// Page size of the JSON, 1-200 (default 50); files hold every row.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous JSON page.
    pub cursor: Option<String>,
}

/// One employee's row of a score report. The predicate and nilai kinerja are those of the score
/// as served (frozen for a closed period, else computed now), under `policy_version`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreReportRow {
    pub period: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub nip: String,
    pub name: String,
    pub position: String,
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub supervisor_nip: Option<String>,
    pub supervisor_name: Option<String>,
    /// Nilai hasil kerja (0-120); absent without an approved SKP.
    pub nilai_hasil_kerja: Option<f64>,
    /// Mean of the seven BerAKHLAK values (1-5); absent without behaviour ratings.
    pub behaviour_mean: Option<f64>,
    /// The converted SKM index (25-100) of ratings naming the employee; absent below the minimum.
    pub citizen_index: Option<f64>,
    /// Nilai kinerja (0-120).
    pub nilai_kinerja: Option<f64>,
    pub suggested_results: Option<Rating>,
    pub suggested_behaviour: Option<Rating>,
    pub final_results: Option<Rating>,
    pub final_behaviour: Option<Rating>,
    pub predikat: Option<Predikat>,
    /// `live` (computed on this read) or `frozen` (stored when the period closed).
    pub state: ScoreState,
    /// Which stored snapshot, when frozen.
    pub snapshot: Option<i32>,
    pub policy_version: i32,
    /// With `include=inputs`: everything the score was computed from, the policy included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<ScoreInputs>,
}

impl Tabular for ScoreReportRow {
    const COLUMNS: &'static [&'static str] = &[
        "period",
        "nip",
        "name",
        "position",
        "unit_code",
        "unit_name",
        "supervisor_nip",
        "supervisor_name",
        "nilai_hasil_kerja",
        "behaviour_mean",
        "citizen_index",
        "nilai_kinerja",
        "suggested_results",
        "suggested_behaviour",
        "final_results",
        "final_behaviour",
        "predikat",
        "state",
        "snapshot",
        "policy_version",
        "employee_id",
    ];
    const SHEET: &'static str = "Skor";

    fn cells(&self) -> Vec<Cell> {
        let rating = |r: Option<Rating>| Cell::from(r.map(Rating::as_str));
        vec![
            self.period.as_str().into(),
            self.nip.as_str().into(),
            self.name.as_str().into(),
            self.position.as_str().into(),
            self.unit_code.as_str().into(),
            self.unit_name.as_str().into(),
            self.supervisor_nip.clone().into(),
            self.supervisor_name.clone().into(),
            self.nilai_hasil_kerja.into(),
            self.behaviour_mean.into(),
            self.citizen_index.into(),
            self.nilai_kinerja.into(),
            rating(self.suggested_results),
            rating(self.suggested_behaviour),
            rating(self.final_results),
            rating(self.final_behaviour),
            self.predikat.map(Predikat::as_str).into(),
            match self.state {
                ScoreState::Live => "live",
                ScoreState::Frozen => "frozen",
            }
            .into(),
            self.snapshot.into(),
            self.policy_version.into(),
            self.employee_id.as_str().into(),
        ]
    }
}

/// Which service units a citizen-index report lists, and how it is served.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CitizenReportQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// Only the service units in this unit's subtree (without the organisation's rows); every
    /// service unit, after the organisation's rows, when absent.
    #[validate(length(min = 1, max = 64))]
    #[param(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// `json` (a page), `csv`, `xlsx` or `jsonl` (every row); else chosen by `Accept`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
    /// Page size of the JSON, 1-200 (default 50); files hold every row.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous JSON page.
    pub cursor: Option<String>,
}

/// The citizen index of the organisation (every rating of all its service units together) or of
/// one service unit, for the year or one of its sub-periods.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitizenReportRow {
    pub level: ReportLevel,
    /// Absent on the organisation's rows.
    #[schema(value_type = Option<String>)]
    pub unit_id: Option<UnitId>,
    /// The organisation's code and name on its rows.
    pub unit_code: String,
    pub unit_name: String,
    /// The year (`2026`) or the sub-period's label (`2026-Q1`).
    pub period: String,
    /// Absent for the year.
    pub sub_period_id: Option<String>,
    pub policy_version: i32,
    /// The index, or `not_enough_responses` with the count.
    pub result: SkmResult,
}

/// The citizen-index sheet's columns, the nine element means named from the one list of elements.
macro_rules! citizen_columns {
    ( ; $( $(#[$element_meta:meta])* $element:ident $field:ident $name:tt, )+ ) => {
        const CITIZEN_COLUMNS: &[&str] = &[
            "level", "unit_code", "unit_name", "period", "respondents", "status", "ikm", "converted", "mutu", "meaning",
            $( $name, )+
            "policy_version", "unit_id",
        ];
    };
}

crate::domain::skm::skm_elements!(citizen_columns! {});

impl Tabular for CitizenReportRow {
    const COLUMNS: &'static [&'static str] = CITIZEN_COLUMNS;
    const SHEET: &'static str = "Indeks SKM";

    fn cells(&self) -> Vec<Cell> {
        let mut cells: Vec<Cell> = vec![
            self.level.as_str().into(),
            self.unit_code.as_str().into(),
            self.unit_name.as_str().into(),
            self.period.as_str().into(),
        ];
        match &self.result {
            SkmResult::NotEnoughResponses { respondents, .. } => {
                cells.extend([Cell::from(*respondents), "not_enough_responses".into(), Cell::Empty, Cell::Empty]);
                cells.extend([Cell::Empty, Cell::Empty]);
                cells.extend(SkmElement::ALL.iter().map(|_| Cell::Empty));
            }
            SkmResult::Index { respondents, element_means, ikm, converted, mutu, meaning } => {
                cells.extend([Cell::from(*respondents), "index".into(), (*ikm).into(), (*converted).into()]);
                cells.extend([Cell::from(format!("{mutu:?}")), meaning.as_str().into()]);
                cells.extend(
                    SkmElement::ALL
                        .iter()
                        .map(|element| element_means.iter().find(|m| m.element == *element).map(|m| m.mean).into()),
                );
            }
        }
        cells.extend([self.policy_version.into(), self.unit_id.clone().into()]);
        cells
    }
}

/// Which distribution a distribution report lists, and how it is served.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistributionReportQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// One month or quarter instead of the year.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
    /// Also count predicates that are only suggested (the supervisor has not rated yet).
    pub include_provisional: Option<bool>,
    /// `json` (a page), `csv`, `xlsx` or `jsonl` (every row); else chosen by `Accept`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
    /// Page size of the JSON, 1-200 (default 50); files hold every row.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous JSON page.
    pub cursor: Option<String>,
}

/// Whose figures a row of the distribution or citizen-index report gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportLevel {
    /// The whole organisation (its rows come first).
    Organization,
    /// One unit (for the distribution, with its sub-units).
    Unit,
}

impl ReportLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportLevel::Organization => "organization",
            ReportLevel::Unit => "unit",
        }
    }
}

/// The predicate distribution of the organisation or of one unit (with its sub-units): each
/// predicate's count and share beside what the curve of the organisation's rating allows, and
/// every broken constraint named.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistributionReportRow {
    /// The year (`2026`) or the sub-period's label (`2026-Q1`).
    pub period: String,
    pub level: ReportLevel,
    /// Absent on the organisation's row.
    #[schema(value_type = Option<String>)]
    pub unit_id: Option<UnitId>,
    /// The organisation's code on its row.
    pub unit_code: String,
    pub unit_name: String,
    /// The organisation's own rating, which decides the curve.
    pub org_rating: OrgRating,
    /// Employees counted.
    pub total: u32,
    /// Employees per predicate (every predicate, zeros included).
    pub counts: BTreeMap<Predikat, u32>,
    /// Share of `total` per predicate, in percent.
    pub percents: BTreeMap<Predikat, f64>,
    /// What the curve allows under the organisation's rating, one constraint each.
    pub allowed: Vec<String>,
    pub fits: bool,
    pub deviations: Vec<Deviation>,
    /// The policy version whose curve was applied.
    pub policy_version: i32,
}

impl DistributionReportRow {
    pub fn new(
        period: String,
        unit: Option<(UnitId, String, String)>,
        organization: (&str, &str),
        check: DistributionCheck,
        allowed: Vec<String>,
        policy_version: i32,
    ) -> Self {
        let (level, unit_id, unit_code, unit_name) = match unit {
            Some((id, code, name)) => (ReportLevel::Unit, Some(id), code, name),
            None => (ReportLevel::Organization, None, organization.0.to_string(), organization.1.to_string()),
        };
        let counts = Predikat::ALL.iter().map(|p| (*p, check.counts.get(p).copied().unwrap_or(0))).collect();
        let percents = Predikat::ALL.iter().map(|p| (*p, check.percents.get(p).copied().unwrap_or(0.0))).collect();
        DistributionReportRow {
            period,
            level,
            unit_id,
            unit_code,
            unit_name,
            org_rating: check.org_rating,
            total: check.total,
            counts,
            percents,
            allowed,
            fits: check.fits,
            deviations: check.deviations,
            policy_version,
        }
    }
}

impl Tabular for DistributionReportRow {
    /// The predicates' columns in `Predikat::ALL`'s order (a test checks it).
    const COLUMNS: &'static [&'static str] = &[
        "period",
        "level",
        "unit_code",
        "unit_name",
        "org_rating",
        "total",
        "sangat_baik",
        "sangat_baik_percent",
        "baik",
        "baik_percent",
        "butuh_perbaikan",
        "butuh_perbaikan_percent",
        "kurang",
        "kurang_percent",
        "sangat_kurang",
        "sangat_kurang_percent",
        "allowed",
        "fits",
        "deviations",
        "policy_version",
        "unit_id",
    ];
    const SHEET: &'static str = "Distribusi";

    fn cells(&self) -> Vec<Cell> {
        let mut cells: Vec<Cell> = vec![
            self.period.as_str().into(),
            self.level.as_str().into(),
            self.unit_code.as_str().into(),
            self.unit_name.as_str().into(),
            self.org_rating.as_str().into(),
            i64::from(self.total).into(),
        ];
        for p in Predikat::ALL {
            cells.push(i64::from(self.counts.get(&p).copied().unwrap_or(0)).into());
            cells.push(self.percents.get(&p).copied().unwrap_or(0.0).into());
        }
        let messages: Vec<&str> = self.deviations.iter().map(|d| d.message.as_str()).collect();
        cells.extend([
            self.allowed.join("; ").into(),
            if self.fits { "yes" } else { "no" }.into(),
            messages.join("; ").into(),
            self.policy_version.into(),
            self.unit_id.clone().into(),
        ]);
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_cell_per_column() {
        let result = crate::domain::skm::skm_index([30; 9], 10, 5);
        let row = CitizenReportRow {
            level: ReportLevel::Unit,
            unit_id: Some("u".into()),
            unit_code: "c".into(),
            unit_name: "n".into(),
            period: "2026".into(),
            sub_period_id: None,
            policy_version: 1,
            result,
        };
        assert_eq!(row.cells().len(), CitizenReportRow::COLUMNS.len());
        let short = CitizenReportRow { result: crate::domain::skm::skm_index([3; 9], 1, 5), ..row };
        assert_eq!(short.cells().len(), CitizenReportRow::COLUMNS.len());
    }

    #[test]
    fn the_distribution_sheet_has_a_count_and_a_share_per_predicate_in_order() {
        let curve = crate::domain::distribution::DistributionCurve::default();
        let counts = crate::domain::distribution::tally([Predikat::Baik, Predikat::Baik, Predikat::Kurang]);
        let check = curve.check(OrgRating::Baik, &counts);
        let row = DistributionReportRow::new("2026".into(), None, ("kota", "Kota"), check, vec![], 1);
        let cells = row.cells();
        assert_eq!(cells.len(), DistributionReportRow::COLUMNS.len());
        for (i, p) in Predikat::ALL.iter().enumerate() {
            let at = 6 + 2 * i;
            assert_eq!(DistributionReportRow::COLUMNS[at], p.as_str());
            assert_eq!(DistributionReportRow::COLUMNS[at + 1], format!("{}_percent", p.as_str()));
        }
        assert_eq!(cells[8], Cell::Integer(2), "baik");
        assert_eq!(cells[5], Cell::Integer(3), "total");
    }
}
