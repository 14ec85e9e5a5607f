//! What a kept live score is served against. A frozen score does not change until the period
//! closes again, so it is kept at the period's latest snapshot. A live one is computed from rows
//! of many tables and the date; it is kept at a SHA-256 digest of what those rows are
//! ([`live_state`]), which one statement reads again on every repeated read, and until the end of
//! the organisation's day ([`kept_until`]): the kept bytes are served only while both hold, so a
//! change made through any instance shows on the next read here. The database counts every change
//! to the employee's own rows and to their organisation's (triggers writing `score_input_changes`
//! and `score_context_changes` in the writing transaction, so no write path can forget it); the
//! employee's row is read as its version.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use sha2::{Digest, Sha256};

use crate::authz::EmployeeRef;
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::{AnyConnection, Prepared};
use crate::document_cache::InputsDigest;
use crate::domain::time_zone::OrgTimeZone;
use crate::error::ApiResult;

/// One employee's live inputs, with what authorisation needs of the employee.
pub struct LiveState {
    pub employee: EmployeeRef,
    pub inputs: InputsDigest,
}

/// What one employee's live score is computed from, as one row. Most fields are read only as a
/// whole, into the digest (through `Debug`).
#[derive(Debug, QueryableByName)]
#[allow(dead_code)]
struct InputsRow {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    supervisor_id: Option<String>,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    input_changes: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    context_changes: Option<i64>,
}

/// Every input of `scores::store::computed` for one employee ($1) but the date, in one row of
/// three read by their keys: the employee's row; the number of changes ever made to the rows of
/// their own (SKPs, achievements, assessments, objections, the complaints assigned to them and
/// the citizen ratings naming them); the number of changes ever made to their organisation's rows
/// that every score of it reads (its own row with its time zone, its periods with their status
/// and dates, its scoring policies). Triggers count every insert, update and delete of those rows
/// in the writing transaction (NULL until the first). Reading the organisation, the period and the
/// policy themselves made this statement a third more work for the database. Not read: the
/// sub-periods, which change only with their period; the score snapshots, only ever stored by a
/// close, which changes the period; peer answers, which count only once the assessment is open and
/// are frozen from then on (the period's status or the date moves them in).
macro_rules! live_inputs_sql {
    ($e:literal) => {
        concat!(
            "SELECT e.organization_id, e.supervisor_id, e.version, i.change_count AS input_changes,",
            " c.change_count AS context_changes FROM employees e",
            " LEFT JOIN score_input_changes i ON i.employee_id = e.id",
            " LEFT JOIN score_context_changes c ON c.organization_id = e.organization_id WHERE e.id = ",
            $e
        )
    };
}

/// The live inputs of `employee_id`'s score but the date, in one statement; `None` when there is
/// no such employee. Which period's score it is is in the key the score is kept by.
pub fn live_state(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<Option<LiveState>> {
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            Prepared(diesel::sql_query($sql).bind::<Text, _>(employee_id.as_str()))
                .get_result::<InputsRow>($c)
                .optional()?
        };
    }
    let row = match conn {
        AnyConnection::Postgresql(pg) => run!(pg, live_inputs_sql!("$1")),
        AnyConnection::Sqlite(lite) => run!(lite, live_inputs_sql!("?1")),
    };
    let Some(row) = row else { return Ok(None) };
    let inputs = InputsDigest(Sha256::digest(format!("{row:?}")).into());
    Ok(Some(LiveState {
        employee: EmployeeRef {
            id: employee_id.clone(),
            organization_id: OrganizationId::from(row.organization_id),
            supervisor_id: row.supervisor_id.map(EmployeeId::from),
        },
        inputs,
    }))
}

/// The first instant of the organisation's next day after `now`: a live score computed at `now`
/// is kept until then, because what it counts can depend on the date (peers count once the year
/// has ended). Kept with the score, so a repeated read needs no time zone; a change of zone is
/// counted, so the digest differs then anyway.
pub fn kept_until(time_zone: OrgTimeZone, now: DateTime<Utc>) -> DateTime<Utc> {
    time_zone.end_of_day(time_zone.date_at(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_live_score_is_kept_until_the_organisations_day_ends() {
        let wib = OrgTimeZone::AsiaJakarta;
        // 4 March 2030 09:00 and 23:59 WIB are one day there, which ends at 17:00 UTC.
        assert_eq!(kept_until(wib, at("2030-03-04T02:00:00Z")), at("2030-03-04T17:00:00Z"));
        assert_eq!(kept_until(wib, at("2030-03-04T16:59:59Z")), at("2030-03-04T17:00:00Z"));
        assert_eq!(kept_until(wib, at("2030-03-04T17:00:00Z")), at("2030-03-05T17:00:00Z"));
        // The same instant is already 5 March 01:30 in WIT (UTC+9).
        assert_eq!(kept_until(OrgTimeZone::AsiaJayapura, at("2030-03-04T16:30:00Z")), at("2030-03-05T15:00:00Z"));
    }

    proptest! {
        #[test]
        fn a_kept_live_score_ends_with_its_day_and_never_sooner(seconds in 0i64..4_102_444_800, zone in 0usize..3) {
            let zone = [OrgTimeZone::AsiaJakarta, OrgTimeZone::AsiaMakassar, OrgTimeZone::AsiaJayapura][zone];
            let now = DateTime::from_timestamp(seconds, 0).unwrap();
            let until = kept_until(zone, now);
            prop_assert!(until > now && until - now <= chrono::Duration::days(1));
            prop_assert_eq!(zone.date_at(until - chrono::Duration::seconds(1)), zone.date_at(now));
            prop_assert_eq!(zone.date_at(until), zone.date_at(now).succ_opt().unwrap());
        }
    }
}
