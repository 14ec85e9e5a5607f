//! Indonesia's three time zones. An organisation's "today", its sub-period boundaries and every
//! deadline count in its zone: a rating at 06:00 WIB belongs to that day, not to the UTC day before.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use utoipa::ToSchema;

crate::domain::text_enum! {
    /// The zone an organisation keeps its calendar in (IANA names).
    #[derive(Default, ToSchema)]
    pub enum OrgTimeZone {
        /// WIB, UTC+7: Sumatra, Java, West and Central Kalimantan.
        #[default]
        AsiaJakarta = "Asia/Jakarta",
        /// WITA, UTC+8: Bali, Nusa Tenggara, Sulawesi, South, East and North Kalimantan.
        AsiaMakassar = "Asia/Makassar",
        /// WIT, UTC+9: Maluku and Papua.
        AsiaJayapura = "Asia/Jayapura",
    }
}

impl OrgTimeZone {
    fn tz(self) -> chrono_tz::Tz {
        match self {
            OrgTimeZone::AsiaJakarta => chrono_tz::Asia::Jakarta,
            OrgTimeZone::AsiaMakassar => chrono_tz::Asia::Makassar,
            OrgTimeZone::AsiaJayapura => chrono_tz::Asia::Jayapura,
        }
    }

    /// The local calendar date at `instant`.
    pub fn date_at(self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.tz()).date_naive()
    }

    /// The first instant of the local day `date`, in UTC.
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        // Indonesia keeps no daylight saving time, so local midnight always exists once.
        self.tz()
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .expect("midnight exists in Indonesian zones")
            .with_timezone(&Utc)
    }

    /// The first instant after the local day `date`, in UTC: a deadline "by the end of `date`".
    pub fn end_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        self.start_of_day(date.checked_add_days(Days::new(1)).expect("date in range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_local_day_starts_before_the_utc_one() {
        // 06:00 WIB on 2 March is still 1 March in UTC.
        let instant = at("2026-03-01T23:00:00Z");
        assert_eq!(OrgTimeZone::AsiaJakarta.date_at(instant), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(instant.date_naive(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        // 16:59 UTC is 23:59 WIB and 00:59 WIT the next day.
        let late = at("2026-03-01T16:59:00Z");
        assert_eq!(OrgTimeZone::AsiaJakarta.date_at(late), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(OrgTimeZone::AsiaJayapura.date_at(late), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }

    #[test]
    fn days_start_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(OrgTimeZone::AsiaJakarta.start_of_day(day), at("2026-03-01T17:00:00Z"));
        assert_eq!(OrgTimeZone::AsiaMakassar.start_of_day(day), at("2026-03-01T16:00:00Z"));
        assert_eq!(OrgTimeZone::AsiaJayapura.end_of_day(day), at("2026-03-02T15:00:00Z"));
    }

    #[test]
    fn names_round_trip() {
        for zone in OrgTimeZone::ALL {
            assert_eq!(OrgTimeZone::parse(zone.as_str()), Some(zone));
            assert_eq!(serde_json::to_value(zone).unwrap(), zone.as_str());
        }
        assert_eq!(OrgTimeZone::parse("Asia/Singapore"), None);
    }
}
