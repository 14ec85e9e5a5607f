//! Citizen complaints (pengaduan; issue 11, seed Sofifi): the status a complaint may move to, its
//! deadlines in working days, and the figures per unit and officer. Complaint handling is one of
//! the nine SKM elements (PermenPANRB 14/2017, element 8); the deadlines are policy values.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time_zone::OrgTimeZone;

crate::domain::text_enum! {
    /// Where a complaint is: `received → assigned → answered → closed`, or `rejected` with a reason.
    #[derive(ToSchema)]
    pub enum ComplaintStatus {
        /// Waiting for the unit's head to assign it.
        Received = "received",
        /// An officer must answer it.
        Assigned = "assigned",
        /// Answered; the unit's head closes it once it is put right.
        Answered = "answered",
        Closed = "closed",
        /// Not a complaint the unit can handle (a reason is given).
        Rejected = "rejected",
    }
}

/// What is done to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintStep {
    Assign,
    Answer,
    Close,
    Reject,
}

impl ComplaintStatus {
    /// The status after `step`, or `None` where the step does not apply. A complaint is
    /// reassigned while nobody has answered it; an answer may be followed by another (the
    /// officer adds to it) until it is closed; rejecting is possible until it is answered.
    pub fn after(self, step: ComplaintStep) -> Option<ComplaintStatus> {
        use ComplaintStatus::*;
        use ComplaintStep::*;
        match (self, step) {
            (Received | Assigned, Assign) => Some(Assigned),
            (Assigned | Answered, Answer) => Some(Answered),
            (Answered, Close) => Some(Closed),
            (Received | Assigned, Reject) => Some(Rejected),
            _ => None,
        }
    }

    /// Closed or rejected: nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, ComplaintStatus::Closed | ComplaintStatus::Rejected)
    }
}

/// Whether `date` is a working day (Monday to Friday; public holidays are not known to the
/// service, so a deadline over one is a day early, never late).
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The last day to act: the `working_days`-th working day after the day of receipt (the day of
/// receipt does not count, as a letter received on Friday afternoon is answered from Monday).
pub fn due_date(received_on: NaiveDate, working_days: u32) -> NaiveDate {
    let mut date = received_on;
    let mut left = working_days;
    while left > 0 {
        date = date.checked_add_days(Days::new(1)).expect("date in range");
        if is_working_day(date) {
            left -= 1;
        }
    }
    date
}

/// The instant a deadline of `working_days` ends for a complaint received at `received_at`: the
/// end of the due day in the organisation's time zone.
pub fn due_at(received_at: DateTime<Utc>, zone: OrgTimeZone, working_days: u32) -> DateTime<Utc> {
    zone.end_of_day(due_date(zone.date_at(received_at), working_days))
}

/// The deadlines the policy sets for complaints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintPolicy {
    /// Working days from receipt to the first answer (default 5).
    pub answer_within_working_days: u32,
    /// Working days from receipt to closing (default 14).
    pub close_within_working_days: u32,
    /// Weight of the officer's complaint handling (share of complaints assigned to them answered
    /// in time, as a percent) in nilai kinerja; 0 (the default) shows the figures without
    /// weighing them, so scores do not change.
    pub weight: f64,
}

impl Default for ComplaintPolicy {
    fn default() -> Self {
        ComplaintPolicy { answer_within_working_days: 5, close_within_working_days: 14, weight: 0.0 }
    }
}

/// One complaint as the figures need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Handled {
    pub received_at: DateTime<Utc>,
    pub answer_due_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub rejected: bool,
}

/// Complaint figures of a unit or an officer for a period: counts and the median time to the
/// first answer. No text, no citizen, no complaint id: safe to publish.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComplaintFigures {
    pub received: u32,
    pub answered: u32,
    /// Answered by the end of the policy's deadline.
    pub answered_in_time: u32,
    pub rejected: u32,
    /// Neither answered nor rejected.
    pub open: u32,
    /// Of those open, past their deadline at the time the figures were read (absent where the
    /// figures are kept, in a score's inputs, which must not change with the clock).
    pub overdue: Option<u32>,
    /// Median hours from receipt to the first answer; absent when nothing was answered.
    pub median_hours_to_answer: Option<f64>,
}

/// The figures of `complaints`, with those overdue at `as_of` when given.
pub fn figures(complaints: &[Handled], as_of: Option<DateTime<Utc>>) -> ComplaintFigures {
    let mut hours: Vec<f64> = Vec::new();
    let mut out = ComplaintFigures {
        received: complaints.len() as u32,
        answered: 0,
        answered_in_time: 0,
        rejected: 0,
        open: 0,
        overdue: as_of.map(|_| 0),
        median_hours_to_answer: None,
    };
    for c in complaints {
        match c.answered_at {
            Some(at) => {
                out.answered += 1;
                if at <= c.answer_due_at {
                    out.answered_in_time += 1;
                }
                hours.push((at - c.received_at).num_seconds() as f64 / 3600.0);
            }
            None if c.rejected => out.rejected += 1,
            None => {
                out.open += 1;
                if let (Some(n), Some(at)) = (out.overdue.as_mut(), as_of) {
                    if at > c.answer_due_at {
                        *n += 1;
                    }
                }
            }
        }
    }
    out.median_hours_to_answer = median(&mut hours).map(|h| (h * 100.0).round() / 100.0);
    out
}

/// The median (the mean of the two middle values for an even count); `None` for no values.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// The share of answers given in time, as a percent (0-100), for weighing in nilai kinerja where
/// the policy asks; `None` when nothing was answered.
pub fn in_time_percent(f: &ComplaintFigures) -> Option<f64> {
    (f.answered > 0).then(|| f.answered_in_time as f64 / f.answered as f64 * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn five_working_days_skip_the_weekend() {
        // 2026-11-20 is a Friday: Mon 23 … Fri 27.
        assert_eq!(due_date(day("2026-11-20"), 5), day("2026-11-27"));
        // Received on a Monday: the following Monday.
        assert_eq!(due_date(day("2026-11-23"), 5), day("2026-11-30"));
        // Received on a Saturday: the Friday after.
        assert_eq!(due_date(day("2026-11-21"), 5), day("2026-11-27"));
        assert_eq!(due_date(day("2026-11-23"), 0), day("2026-11-23"));
        // 14 working days from Monday 23 November: Friday 11 December.
        assert_eq!(due_date(day("2026-11-23"), 14), day("2026-12-11"));
    }

    #[test]
    fn a_deadline_ends_at_local_midnight() {
        // 22:00 WIB on Friday 20 November is 15:00 UTC; due by the end of Friday 27 (WIB).
        let due = due_at(at("2026-11-20T15:00:00Z"), OrgTimeZone::AsiaJakarta, 5);
        assert_eq!(due, at("2026-11-27T17:00:00Z"));
        // The same instant is already Saturday in Jayapura (WIT, UTC+9): due Friday 27 WIT.
        let due = due_at(at("2026-11-20T15:00:00Z"), OrgTimeZone::AsiaJayapura, 5);
        assert_eq!(due, at("2026-11-27T15:00:00Z"));
    }

    #[test]
    fn the_status_moves_only_forward() {
        use ComplaintStatus::*;
        use ComplaintStep::*;
        assert_eq!(Received.after(Assign), Some(Assigned));
        assert_eq!(Assigned.after(Assign), Some(Assigned));
        assert_eq!(Assigned.after(Answer), Some(Answered));
        assert_eq!(Answered.after(Close), Some(Closed));
        assert_eq!(Received.after(Reject), Some(Rejected));
        assert_eq!(Received.after(Answer), None, "nobody answers before it is assigned");
        assert_eq!(Assigned.after(Close), None, "closed only once answered");
        assert_eq!(Answered.after(Reject), None);
        for step in [Assign, Answer, Close, Reject] {
            assert_eq!(Closed.after(step), None);
            assert_eq!(Rejected.after(step), None);
        }
    }

    #[test]
    fn figures_count_in_time_and_take_the_median() {
        let due = at("2026-11-27T17:00:00Z");
        let received = at("2026-11-20T03:00:00Z");
        let c = |answered: Option<&str>, rejected| Handled {
            received_at: received,
            answer_due_at: due,
            answered_at: answered.map(at),
            rejected,
        };
        let all = [
            c(Some("2026-11-20T05:00:00Z"), false), // 2 h
            c(Some("2026-11-23T03:00:00Z"), false), // 72 h
            c(Some("2026-11-30T03:00:00Z"), false), // 240 h, late
            c(None, true),
            c(None, false), // overdue at as_of
        ];
        let f = figures(&all, Some(at("2026-12-01T00:00:00Z")));
        assert_eq!(
            f,
            ComplaintFigures {
                received: 5,
                answered: 3,
                answered_in_time: 2,
                rejected: 1,
                open: 1,
                overdue: Some(1),
                median_hours_to_answer: Some(72.0),
            }
        );
        assert!((in_time_percent(&f).unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // Before the deadline the open one is not overdue; without a time, overdue is not told.
        assert_eq!(figures(&all, Some(at("2026-11-25T00:00:00Z"))).overdue, Some(0));
        assert_eq!(figures(&all, None).overdue, None);
        assert_eq!(figures(&[], None).median_hours_to_answer, None);
        assert_eq!(in_time_percent(&figures(&[], None)), None);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    proptest! {
        #[test]
        fn a_due_date_is_a_working_day_with_exactly_n_working_days_before_it(
            offset in 0u32..3650, n in 1u32..40
        ) {
            let received = day("2020-01-01") + Days::new(offset.into());
            let due = due_date(received, n);
            prop_assert!(is_working_day(due));
            let working = received.iter_days().skip(1).take_while(|d| *d <= due).filter(|d| is_working_day(*d)).count();
            prop_assert_eq!(working as u32, n);
        }

        #[test]
        fn the_counts_add_up(answers in prop::collection::vec((0i64..400, any::<bool>()), 0..40)) {
            let received = at("2026-11-02T01:00:00Z");
            let due = at("2026-11-09T17:00:00Z");
            let all: Vec<Handled> = answers.iter().map(|(h, answered)| Handled {
                received_at: received,
                answer_due_at: due,
                answered_at: answered.then(|| received + chrono::Duration::hours(*h)),
                rejected: false,
            }).collect();
            let f = figures(&all, Some(at("2027-01-01T00:00:00Z")));
            prop_assert_eq!(f.received as usize, all.len());
            prop_assert_eq!(f.answered + f.open, f.received);
            prop_assert_eq!(f.overdue, Some(f.open));
            prop_assert!(f.answered_in_time <= f.answered);
            if let Some(m) = f.median_hours_to_answer {
                prop_assert!((0.0..400.0).contains(&m));
            }
        }
    }
}
