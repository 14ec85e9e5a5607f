//! What a kept score is served against. A frozen score does not change until the period closes
//! again, so it is kept at the period's latest snapshot. A live one is computed from rows of many
//! tables and the date; it is kept at a digest of everything it reads ([`LiveInputs`]), which one
//! statement reads again on every repeated read: the kept bytes are served only while that digest
//! is the same, so a change made through any instance shows on the next read here.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use sha2::{Digest, Sha256};

use crate::authz::EmployeeRef;
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::{AnyConnection, Prepared};
use crate::domain::time_zone::OrgTimeZone;
use crate::error::ApiResult;

/// The state a kept score was serialised at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptAt {
    /// Frozen, at the period's latest snapshot.
    Frozen(i32),
    /// Live, from these inputs.
    Live(LiveInputs),
}

/// A SHA-256 digest of what a live score is computed from ([`live_state`]'s statement) and of the
/// organisation's date. Every change to those rows goes through `versioned::Edit` (a new
/// version) or adds a row, and a row leaving a set (a complaint assigned to someone else) is gone
/// from it: any change gives another digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveInputs([u8; 32]);

/// One employee's live inputs for a period, with what authorisation needs of the employee.
pub struct LiveState {
    pub employee: EmployeeRef,
    pub inputs: LiveInputs,
}

/// One row of the inputs: which table (`part`), which row or value (`key`), its version or count.
#[derive(QueryableByName)]
struct InputRow {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    version: Option<i64>,
}

/// Every input of `scores::store::computed` for one employee ($1) and period ($2). The employee's
/// row, the organisation's (its time zone), the period's (status, dates; its sub-periods change
/// only with it) and the current policy version. The SKPs, achievements, published assessments
/// and objections as their count and the sum of their versions: a row of these sets is never
/// deleted nor leaves it (a draft assessment may be deleted, a published one never goes back), and
/// every change raises a version, so any change raises the sum, and 80 achievements cost one row.
/// The complaints assigned to the employee row by row, because one may be assigned to someone
/// else. The citizen ratings naming the employee, which are only ever added, counted. Not read: the score snapshots, only ever stored by a close,
/// which moves the period's version; peer answers, which count only once the assessment is open
/// and are frozen from then on (the period's status or the date moves them in).
macro_rules! live_inputs_sql {
    ($e:literal, $p:literal) => {
        concat!(
            "SELECT 'employee' AS part, e.organization_id AS key, CAST(e.version AS BIGINT) AS version",
            " FROM employees e WHERE e.id = ", $e,
            " UNION ALL SELECT 'supervisor', e.supervisor_id, 0 FROM employees e WHERE e.id = ", $e,
            " AND e.supervisor_id IS NOT NULL",
            " UNION ALL SELECT 'organization', o.time_zone, o.version FROM organizations o, employees e",
            " WHERE e.id = ", $e, " AND o.id = e.organization_id",
            " UNION ALL SELECT 'period', p.status, p.version FROM periods p, employees e",
            " WHERE p.id = ", $p, " AND e.id = ", $e, " AND p.organization_id = e.organization_id",
            " UNION ALL SELECT 'policy', '', max(s.version) FROM scoring_policies s, employees e",
            " WHERE e.id = ", $e, " AND s.organization_id = e.organization_id",
            " UNION ALL SELECT 'skp', CAST(count(*) AS TEXT), sum(version) FROM skps WHERE employee_id = ", $e,
            " AND period_id = ", $p,
            " UNION ALL SELECT 'achievement', CAST(count(*) AS TEXT), sum(version) FROM achievements",
            " WHERE employee_id = ", $e, " AND period_id = ", $p,
            " UNION ALL SELECT 'assessment', CAST(count(*) AS TEXT), sum(version) FROM assessments",
            " WHERE employee_id = ", $e, " AND period_id = ", $p, " AND status = 'published'",
            " UNION ALL SELECT 'objection', CAST(count(*) AS TEXT), sum(version) FROM objections WHERE employee_id = ", $e,
            " UNION ALL SELECT 'complaint', id, version FROM complaints WHERE assigned_to = ", $e,
            " UNION ALL SELECT 'citizen', '', count(*) FROM citizen_ratings WHERE officer_id = ", $e
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
                .load::<InputRow>($c)?
        };
    }
    let mut rows = match conn {
        AnyConnection::Postgresql(pg) => run!(pg, live_inputs_sql!("$1", "$2")),
        AnyConnection::Sqlite(lite) => run!(lite, live_inputs_sql!("?1", "?2")),
    };
    let (mut organization_id, mut supervisor_id, mut time_zone, mut period) = (None, None, None, false);
    for row in &rows {
        match row.part.as_str() {
            "employee" => organization_id = Some(OrganizationId::from(row.key.clone())),
            "supervisor" => supervisor_id = Some(EmployeeId::from(row.key.clone())),
            "organization" => time_zone = OrgTimeZone::parse(&row.key),
            "period" => period = true,
            _ => {}
        }
    }
    let (Some(organization_id), Some(time_zone), true) = (organization_id, time_zone, period) else {
        return Ok(None);
    };
    // In a fixed order, whatever order the database returned the rows in.
    rows.sort_unstable_by(|a, b| (&a.part, &a.key, a.version).cmp(&(&b.part, &b.key, b.version)));
    let mut digest = Sha256::new();
    for row in &rows {
        digest.update(format!("{}\u{1f}{}\u{1f}{:?}\u{1e}", row.part, row.key, row.version));
    }
    // The date, because whether peers count depends on it (the year has ended).
    digest.update(time_zone.date_at(now).to_string());
    Ok(Some(LiveState {
        employee: EmployeeRef { id: employee_id.clone(), organization_id, supervisor_id },
        inputs: LiveInputs(digest.finalize().into()),
    }))
}
