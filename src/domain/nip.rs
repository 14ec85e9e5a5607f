//! The NIP (Nomor Induk Pegawai): 18 digits — birth date `YYYYMMDD`, start of service (TMT CPNS)
//! `YYYYMM`, a gender digit (1 or 2) and a 3-digit sequence.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Digit 1.
    LakiLaki,
    /// Digit 2.
    Perempuan,
}

/// A NIP whose parts are real: parse, don't validate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("NIP must be exactly 18 digits")]
    Format,
    #[error("NIP digits 1-8 must be a real birth date (YYYYMMDD)")]
    BirthDate,
    #[error("NIP digits 9-14 must be a real start-of-service month (YYYYMM)")]
    ServiceStart,
    #[error("NIP start of service cannot be before the birth date")]
    ServiceBeforeBirth,
    #[error("NIP digit 15 is the gender digit and must be 1 or 2")]
    Gender,
    #[error("NIP digits 16-18 are a sequence number and cannot be 000")]
    Sequence,
}

impl Nip {
    pub fn parse(value: &str) -> Result<Nip, NipError> {
        if value.len() != 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::Format);
        }
        let number = |range: std::ops::Range<usize>| value[range].parse::<u32>().expect("ASCII digits");
        let birth = NaiveDate::from_ymd_opt(number(0..4) as i32, number(4..6), number(6..8))
            .filter(|d| (1900..=2100).contains(&d.year()))
            .ok_or(NipError::BirthDate)?;
        let service = NaiveDate::from_ymd_opt(number(8..12) as i32, number(12..14), 1)
            .filter(|d| (1900..=2100).contains(&d.year()))
            .ok_or(NipError::ServiceStart)?;
        if service < birth.with_day(1).expect("the first of a month exists") {
            return Err(NipError::ServiceBeforeBirth);
        }
        if !matches!(&value[14..15], "1" | "2") {
            return Err(NipError::Gender);
        }
        if &value[15..18] == "000" {
            return Err(NipError::Sequence);
        }
        Ok(Nip(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[0..8], "%Y%m%d").expect("checked when parsed")
    }

    /// The first day of the month service started (TMT CPNS).
    pub fn service_start(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&format!("{}01", &self.0[8..14]), "%Y%m%d").expect("checked when parsed")
    }

    pub fn gender(&self) -> Gender {
        if &self.0[14..15] == "1" {
            Gender::LakiLaki
        } else {
            Gender::Perempuan
        }
    }
}

impl TryFrom<String> for Nip {
    type Error = NipError;
    fn try_from(value: String) -> Result<Self, NipError> {
        Nip::parse(&value)
    }
}

impl From<Nip> for String {
    fn from(nip: Nip) -> String {
        nip.0
    }
}

impl std::str::FromStr for Nip {
    type Err = NipError;
    fn from_str(s: &str) -> Result<Self, NipError> {
        Nip::parse(s)
    }
}

impl std::fmt::Display for Nip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_regulation_example_parses_into_its_parts() {
        let nip = Nip::parse("198503152010011001").unwrap();
        assert_eq!(nip.birth_date(), NaiveDate::from_ymd_opt(1985, 3, 15).unwrap());
        assert_eq!(nip.service_start(), NaiveDate::from_ymd_opt(2010, 1, 1).unwrap());
        assert_eq!(nip.gender(), Gender::LakiLaki);
    }

    #[test]
    fn each_broken_part_is_named() {
        assert_eq!(Nip::parse("19850315201001100"), Err(NipError::Format));
        assert_eq!(Nip::parse("19850315201001100a"), Err(NipError::Format));
        assert_eq!(Nip::parse("198502302010011001"), Err(NipError::BirthDate)); // 30 February
        assert_eq!(Nip::parse("198513152010011001"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("198503152010131001"), Err(NipError::ServiceStart));
        assert_eq!(Nip::parse("198503151980011001"), Err(NipError::ServiceBeforeBirth));
        assert_eq!(Nip::parse("198503152010013001"), Err(NipError::Gender));
        assert_eq!(Nip::parse("198503152010011000"), Err(NipError::Sequence));
        assert!(Nip::parse("200002292024022001").is_ok()); // a leap day
    }

    proptest! {
        #[test]
        fn any_real_dates_with_valid_digits_parse(
            birth in 0i64..(100 * 365), years_later in 18i64..40, month in 1u32..=12, gender in 1u8..=2, seq in 1u32..=999
        ) {
            let born = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Duration::days(birth);
            let start_year = born.year() + years_later as i32;
            let text = format!("{}{start_year:04}{month:02}{gender}{seq:03}", born.format("%Y%m%d"));
            let nip = Nip::parse(&text).unwrap();
            prop_assert_eq!(nip.birth_date(), born);
            prop_assert_eq!(nip.as_str(), text.as_str());
        }

        #[test]
        fn anything_but_18_digits_is_refused(text in "[0-9]{0,17}|[0-9]{19,25}") {
            prop_assert_eq!(Nip::parse(&text), Err(NipError::Format));
        }
    }
}
