//! The per-account login lockout's records (the rule is `domain::lockout`). A row per account
//! only after a wrong password; the next successful login removes it.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::schema::login_failures;
use crate::db::AnyConnection;
use crate::domain::lockout::LockoutRule;
use crate::error::{ApiError, ApiResult};

/// An account's wrong passwords so far.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct Failures {
    pub failures: i32,
    pub last_failed_at: i64,
    pub locked_until: Option<i64>,
}

impl Failures {
    /// The refusal while the account is locked at `now` (Unix seconds).
    pub fn refusal(&self, now: i64) -> Option<ApiError> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| ApiError::TooManyRequests { retry_after_secs: (until - now) as u64 })
    }
}

pub fn find(conn: &mut AnyConnection, nip: &str) -> ApiResult<Option<Failures>> {
    Ok(login_failures::table
        .find(nip)
        .select((login_failures::failures, login_failures::last_failed_at, login_failures::locked_until))
        .first(conn)
        .optional()?)
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    failures: i32,
}

/// Records one more wrong password for `nip` at `now` (Unix seconds), and locks the account when
/// the rule says so. The count is one atomic upsert, so concurrent failures are all counted: a
/// guess spread over many addresses and connections gains nothing by racing.
pub fn record_failure(conn: &mut AnyConnection, rule: &LockoutRule, nip: &str, now: i64) -> ApiResult<()> {
    // The same statement on both backends but for the placeholders.
    let sql = |p: [&str; 3]| {
        format!(
            "INSERT INTO login_failures (nip, failures, last_failed_at) VALUES ({nip}, 1, {now}) \
             ON CONFLICT (nip) DO UPDATE SET \
             failures = CASE WHEN login_failures.last_failed_at <= {forget} THEN 1 \
                             ELSE login_failures.failures + 1 END, \
             last_failed_at = excluded.last_failed_at \
             RETURNING failures",
            nip = p[0],
            now = p[1],
            forget = p[2],
        )
    };
    let forget_before = now - rule.forget_after_secs;
    let counted = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(sql(["$1", "$2", "$3"]))
            .bind::<Text, _>(nip)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(forget_before)
            .get_result::<Counted>(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(sql(["?1", "?2", "?3"]))
            .bind::<Text, _>(nip)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(forget_before)
            .get_result::<Counted>(lite)?,
    };
    let locked_until = rule.lock_secs(counted.failures.max(0) as u32).map(|secs| now + secs);
    diesel::update(login_failures::table.find(nip)).set(login_failures::locked_until.eq(locked_until)).execute(conn)?;
    Ok(())
}

/// Forgets the account's failures after a successful login.
pub fn clear(conn: &mut AnyConnection, nip: &str) -> ApiResult<()> {
    diesel::delete(login_failures::table.find(nip)).execute(conn)?;
    Ok(())
}
