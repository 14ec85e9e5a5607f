//! Assessments and objections (PermenPANRB 6/2022, PP 30/2019): when a quarter or the year may be
//! assessed, the gap between the supervisor's and the self-assessment, and the objection window.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::behaviour::BerakhlakValue;
use super::predikat::Rating;
use super::time_zone::OrgTimeZone;

// Where an objection (keberatan) is; how it was decided is `engine::ObjectionOutcome`.
crate::domain::text_enum! {
    #[derive(ToSchema)]
    pub enum ObjectionStatus {
        /// Waiting for the decider.
        Pending = "pending",
        /// Decided; final.
        Decided = "decided",
    }
}

/// A rating as a level: 1 below, 2 meets, 3 above expectations.
pub fn rating_level(rating: Rating) -> i32 {
    match rating {
        Rating::DiBawahEkspektasi => 1,
        Rating::SesuaiEkspektasi => 2,
        Rating::DiAtasEkspektasi => 3,
    }
}

/// What one assessment says on the shared criteria.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Criteria {
    pub results_rating: Option<Rating>,
    pub behaviour_rating: Option<Rating>,
    pub scores: BTreeMap<BerakhlakValue, i32>,
}

/// One criterion with both sides and the difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CriterionGap {
    /// `results_rating`, `behaviour_rating`, or a BerAKHLAK value.
    #[schema(example = "kompeten")]
    pub criterion: String,
    /// `rating_level` (1 below, 2 meets, 3 above expectations) or `score` (1-5).
    #[schema(example = "score")]
    pub scale: String,
    pub supervisor: Option<i32>,
    pub self_assessment: Option<i32>,
    /// Supervisor minus self, where both gave one: negative when the supervisor rates lower.
    pub gap: Option<i32>,
}

/// The gap per criterion: the two ratings, then the seven values in their regulation order.
pub fn gaps(supervisor: &Criteria, self_assessment: &Criteria) -> Vec<CriterionGap> {
    let gap = |criterion: &str, scale: &str, s: Option<i32>, e: Option<i32>| CriterionGap {
        criterion: criterion.to_string(),
        scale: scale.to_string(),
        supervisor: s,
        self_assessment: e,
        gap: s.zip(e).map(|(s, e)| s - e),
    };
    let mut out = vec![
        gap(
            "results_rating",
            "rating_level",
            supervisor.results_rating.map(rating_level),
            self_assessment.results_rating.map(rating_level),
        ),
        gap(
            "behaviour_rating",
            "rating_level",
            supervisor.behaviour_rating.map(rating_level),
            self_assessment.behaviour_rating.map(rating_level),
        ),
    ];
    for value in BerakhlakValue::ALL {
        out.push(gap(
            value.as_str(),
            "score",
            supervisor.scores.get(&value).copied(),
            self_assessment.scores.get(&value).copied(),
        ));
    }
    out
}

/// A sub-period (or the year) may be assessed for the record once its last day has come in the
/// organisation's time zone, or once the period is in evaluation.
pub fn assessment_open(today: NaiveDate, last_day: NaiveDate, period_evaluating: bool) -> bool {
    period_evaluating || today >= last_day
}

/// Which assessment of a period is due for the supervisor's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueScope {
    /// The year's assessment is open (its last day has come, or the period is in evaluation).
    Year,
    /// The latest sub-period (by last day) whose last day has come.
    SubPeriod(String),
    Nothing,
}

/// The assessment due in a period on `today`: the year once it is open, else the latest of the
/// sub-periods (`(id, last day)`) that can be assessed, as [`assessment_open`] decides.
pub fn due_scope(
    today: NaiveDate,
    period_ends_on: NaiveDate,
    period_evaluating: bool,
    sub_periods: &[(String, NaiveDate)],
) -> DueScope {
    if assessment_open(today, period_ends_on, period_evaluating) {
        return DueScope::Year;
    }
    sub_periods
        .iter()
        .filter(|(_, ends_on)| assessment_open(today, *ends_on, false))
        .max_by_key(|(_, ends_on)| *ends_on)
        .map_or(DueScope::Nothing, |(id, _)| DueScope::SubPeriod(id.clone()))
}

/// Where an objection stands against its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectionWindow {
    /// Days since publication, counted in local dates (publication day is day 0).
    pub day: i64,
    /// The first instant at which an objection is late (the end of the last local day).
    pub closes_at: DateTime<Utc>,
    pub open: bool,
}

/// The objection window (PP 30/2019: 14 days of receiving the rating): it runs to the end of the
/// local day `window_days` after the local day of publication.
pub fn objection_window(
    published_at: DateTime<Utc>,
    now: DateTime<Utc>,
    zone: OrgTimeZone,
    window_days: u32,
) -> ObjectionWindow {
    let published_on = zone.date_at(published_at);
    let last_day = published_on.checked_add_days(Days::new(window_days.into())).expect("date in range");
    let closes_at = zone.end_of_day(last_day);
    ObjectionWindow { day: (zone.date_at(now) - published_on).num_days(), closes_at, open: now < closes_at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_latest_ended_quarter_is_due_until_the_year_opens() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let quarters: Vec<(String, NaiveDate)> =
            [("q1", "2026-03-31"), ("q2", "2026-06-30"), ("q3", "2026-09-30"), ("q4", "2026-12-31")]
                .iter()
                .map(|(id, end)| (id.to_string(), day(end)))
                .collect();
        let ends = day("2026-12-31");
        assert_eq!(due_scope(day("2026-03-30"), ends, false, &quarters), DueScope::Nothing);
        // From a quarter's last day on, as publishing allows.
        assert_eq!(due_scope(day("2026-03-31"), ends, false, &quarters), DueScope::SubPeriod("q1".into()));
        assert_eq!(due_scope(day("2026-10-01"), ends, false, &quarters), DueScope::SubPeriod("q3".into()));
        assert_eq!(due_scope(day("2026-10-01"), ends, true, &quarters), DueScope::Year);
        assert_eq!(due_scope(day("2026-12-31"), ends, false, &quarters), DueScope::Year);
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn day_thirteen_and_fourteen_are_in_time_and_day_fifteen_is_late() {
        let published = at("2026-04-02T03:00:00Z"); // 10:00 WIB on 2 April
        let zone = OrgTimeZone::AsiaJakarta;
        let w13 = objection_window(published, at("2026-04-15T03:00:00Z"), zone, 14);
        assert_eq!((w13.day, w13.open), (13, true));
        // 23:59 WIB on 16 April is still day 14.
        let w14 = objection_window(published, at("2026-04-16T16:59:59Z"), zone, 14);
        assert_eq!((w14.day, w14.open), (14, true));
        let w15 = objection_window(published, at("2026-04-16T17:00:00Z"), zone, 14);
        assert_eq!((w15.day, w15.open), (15, false));
        assert_eq!(w15.closes_at, at("2026-04-16T17:00:00Z"));
    }

    #[test]
    fn the_window_counts_local_dates_where_utc_and_wib_differ() {
        // Published 20:00 UTC on 1 March = 03:00 WIB on 2 March: the window runs to the end of
        // 16 March WIB (17:00 UTC), a day longer than counting UTC dates would give.
        let published = at("2026-03-01T20:00:00Z");
        let zone = OrgTimeZone::AsiaJakarta;
        let w = objection_window(published, at("2026-03-16T10:00:00Z"), zone, 14);
        assert_eq!((w.day, w.open), (14, true));
        assert_eq!(w.closes_at, at("2026-03-16T17:00:00Z"));
        assert_eq!(published.date_naive(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        // In Jayapura (UTC+9) the same local dates end two hours earlier.
        assert_eq!(
            objection_window(published, published, OrgTimeZone::AsiaJayapura, 14).closes_at,
            at("2026-03-16T15:00:00Z")
        );
    }

    #[test]
    fn gaps_are_supervisor_minus_self_where_both_answered() {
        let supervisor = Criteria {
            results_rating: Some(Rating::SesuaiEkspektasi),
            behaviour_rating: Some(Rating::DiAtasEkspektasi),
            scores: BerakhlakValue::ALL.into_iter().map(|v| (v, 4)).collect(),
        };
        let mut own = Criteria {
            results_rating: Some(Rating::DiAtasEkspektasi),
            behaviour_rating: None,
            scores: BerakhlakValue::ALL.into_iter().map(|v| (v, 5)).collect(),
        };
        own.scores.insert(BerakhlakValue::Loyal, 3);
        let g = gaps(&supervisor, &own);
        assert_eq!(g.len(), 9);
        assert_eq!((g[0].criterion.as_str(), g[0].gap), ("results_rating", Some(-1)));
        assert_eq!((g[1].criterion.as_str(), g[1].gap), ("behaviour_rating", None));
        assert_eq!((g[2].criterion.as_str(), g[2].gap), ("berorientasi_pelayanan", Some(-1)));
        assert_eq!((g[6].criterion.as_str(), g[6].gap), ("loyal", Some(1)));
    }

    #[test]
    fn a_quarter_opens_on_its_last_day_or_when_the_period_evaluates() {
        let last = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert!(!assessment_open(NaiveDate::from_ymd_opt(2026, 3, 30).unwrap(), last, false));
        assert!(assessment_open(last, last, false));
        assert!(assessment_open(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), last, true));
    }

    proptest! {
        #[test]
        fn an_objection_is_in_time_exactly_through_the_last_local_day(
            published in 1_700_000_000i64..1_900_000_000, after in 0i64..40 * 86_400, days in 1u32..90, zone in 0usize..3
        ) {
            let zone = OrgTimeZone::ALL[zone];
            let published = DateTime::from_timestamp(published, 0).unwrap();
            let now = published + chrono::Duration::seconds(after);
            let w = objection_window(published, now, zone, days);
            prop_assert_eq!(w.open, w.day <= days as i64);
            prop_assert!(w.closes_at > published);
        }
    }
}
