//! The service's one clock: what time it is for the rules (today in the organisation's calendar,
//! sub-period boundaries, deadlines and windows, the rate limiter's minute) and the instants those
//! rules are later computed from (when an assessment was published, an objection filed, a citizen
//! rating submitted). It lives in `AppState`, so a test can place the whole service at a chosen
//! instant (e.g. 06:00 WIB on a quarter's first day). Record-keeping timestamps that only order
//! rows for sync (`created_at`, `updated_at`) and the audit trail's `occurred_at` are the system's
//! time (`db::now`).

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system's time.
    System,
    /// A fixed instant (tests).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// Now, to the microsecond (PostgreSQL's precision, so both backends store the same).
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now().trunc_subsecs(6),
            Clock::Fixed(at) => at.trunc_subsecs(6),
        }
    }

    /// Now as stored: a UTC timestamp without zone.
    pub fn timestamp(self) -> NaiveDateTime {
        self.now().naive_utc()
    }

    /// A clock fixed at `secs` seconds after the Unix epoch.
    pub fn at_unix(secs: i64) -> Clock {
        Clock::Fixed(DateTime::from_timestamp(secs, 0).expect("a representable instant"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_to_the_microsecond() {
        let at = DateTime::parse_from_rfc3339("2026-09-30T23:00:00.1234567Z").unwrap().with_timezone(&Utc);
        let clock = Clock::Fixed(at);
        assert_eq!(clock.now(), clock.now());
        assert_eq!(clock.now().to_rfc3339(), "2026-09-30T23:00:00.123456+00:00");
        assert_eq!(Clock::at_unix(60).timestamp().to_string(), "1970-01-01 00:01:00");
    }

    #[test]
    fn the_system_clock_moves() {
        let before = Utc::now().trunc_subsecs(6);
        assert!(Clock::System.now() >= before);
    }
}
