//! What a kept live score is served against. A frozen score does not change until the period
//! closes again, so it is kept at the period's latest snapshot. A live one is computed from rows
//! of many tables and the date; it is kept at a SHA-256 digest of all of them ([`live_state`]),
//! which one statement reads again on every repeated read: the kept bytes are served only while
//! the digest is the same, so a change made through any instance shows on the next read here.
//! The database counts every change to the employee's own rows (triggers writing
//! `score_input_changes` in the writing transaction, so no write path can forget it); the rest are
//! read as their versions or counts: any change gives another digest.

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

/// One employee's live inputs for a period, with what authorisation needs of the employee.
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
    #[diesel(sql_type = Text)]
    time_zone: String,
    #[diesel(sql_type = Integer)]
    organization_version: i32,
    #[diesel(sql_type = Nullable<Text>)]
    period: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    policy: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    input_changes: Option<i64>,
}

/// Every input of `scores::store::computed` for one employee ($1) and period ($2), in one row:
/// the employee's row, the organisation's (its time zone), the period's (status, dates; its
/// sub-periods change only with it) and the current policy version. The rows of the employee's
/// own (SKPs, achievements, assessments, objections, the complaints assigned to them and the
/// citizen ratings naming them) as the number of changes ever made to them: triggers count every
/// insert, update and delete of those rows per employee in `score_input_changes`, in the writing
/// transaction (NULL until the first), so the check reads one row by its key however many there
/// are. Not read: the score snapshots, only ever stored by a close, which moves the period's
/// version; peer answers, which count only once the assessment is open and are frozen from then
/// on (the period's status or the date moves them in).
macro_rules! live_inputs_sql {
    ($e:literal, $p:literal) => {
        concat!(
            "SELECT e.organization_id, e.supervisor_id, e.version, o.time_zone, o.version AS organization_version,",
            " (SELECT p.status || ' ' || p.version FROM periods p",
            " WHERE p.id = ",
            $p,
            " AND p.organization_id = e.organization_id) AS period,",
            " (SELECT max(s.version) FROM scoring_policies s WHERE s.organization_id = e.organization_id) AS policy,",
            " (SELECT change_count FROM score_input_changes WHERE employee_id = e.id) AS input_changes",
            " FROM employees e JOIN organizations o ON o.id = e.organization_id WHERE e.id = ",
            $e
        )
    };
}

/// The live inputs of `employee_id`'s score in `period_id` at `now`, in one statement; `None` when
/// there is no such employee, or the period is not of their organisation.
pub fn live_state(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    period_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<LiveState>> {
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            Prepared(diesel::sql_query($sql).bind::<Text, _>(employee_id.as_str()).bind::<Text, _>(period_id))
                .get_result::<InputsRow>($c)
                .optional()?
        };
    }
    let row = match conn {
        AnyConnection::Postgresql(pg) => run!(pg, live_inputs_sql!("$1", "$2")),
        AnyConnection::Sqlite(lite) => run!(lite, live_inputs_sql!("?1", "?2")),
    };
    let Some(row) = row.filter(|row| row.period.is_some()) else { return Ok(None) };
    let Some(time_zone) = OrgTimeZone::parse(&row.time_zone) else { return Ok(None) };
    let mut digest = Sha256::new();
    digest.update(format!("{row:?}"));
    // The date, because whether peers count depends on it (the year has ended).
    digest.update(time_zone.date_at(now).to_string());
    Ok(Some(LiveState {
        employee: EmployeeRef {
            id: employee_id.clone(),
            organization_id: OrganizationId::from(row.organization_id),
            supervisor_id: row.supervisor_id.map(EmployeeId::from),
        },
        inputs: InputsDigest(digest.finalize().into()),
    }))
}
