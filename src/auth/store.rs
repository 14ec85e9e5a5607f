//! Refresh tokens as stored: only their hash, the login (family) they descend from, and whether
//! they were used or revoked.

use diesel::prelude::*;

use crate::db::schema::refresh_tokens;
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::error::ApiResult;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub family_id: String,
    pub employee_id: EmployeeId,
    pub expires_at: chrono::NaiveDateTime,
    pub used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// Stores a new refresh token of the family (by the hash of its token).
pub fn insert(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    family_id: &str,
    token_hash: &str,
    ttl_secs: i64,
) -> ApiResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::employee_id.eq(employee_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(now() + chrono::Duration::seconds(ttl_secs)),
            refresh_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut AnyConnection, token_hash: &str) -> ApiResult<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the token used if it is still unused and not revoked; whether this call did.
pub fn claim(conn: &mut AnyConnection, id: &str) -> ApiResult<bool> {
    let claimed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Revokes every token of the family not revoked yet; how many.
pub fn revoke_family(conn: &mut AnyConnection, family_id: &str) -> ApiResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?)
}
