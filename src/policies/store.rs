//! Policy rows and queries.

use diesel::prelude::*;

use super::PolicyVersion;
use crate::audit::{self, Actor, Change};
use crate::db::schema::scoring_policies;
use crate::db::types::OrganizationId;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::policy::ScoringPolicy;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scoring_policies)]
pub struct PolicyRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub version: i32,
    pub policy: String,
    pub note: String,
    pub created_by: String,
    pub created_at: chrono::NaiveDateTime,
}

impl TryFrom<PolicyRow> for PolicyVersion {
    type Error = ApiError;
    fn try_from(row: PolicyRow) -> ApiResult<Self> {
        Ok(PolicyVersion {
            policy: serde_json::from_str(&row.policy).map_err(ApiError::internal)?,
            organization_id: row.organization_id,
            version: row.version,
            note: row.note,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
        })
    }
}

/// Stores a policy as the organisation's next version.
pub fn insert_version(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    policy: &ScoringPolicy,
    note: &str,
) -> ApiResult<PolicyVersion> {
    let latest: Option<i32> = scoring_policies::table
        .filter(scoring_policies::organization_id.eq(organization_id))
        .select(diesel::dsl::max(scoring_policies::version))
        .first(conn)?;
    let row = PolicyRow {
        id: new_id(),
        organization_id: organization_id.clone(),
        version: latest.unwrap_or(0) + 1,
        policy: serde_json::to_string(policy).map_err(ApiError::internal)?,
        note: note.to_string(),
        created_by: format!("{}:{}", actor.kind, actor.id),
        created_at: now(),
    };
    diesel::insert_into(scoring_policies::table).values(&row).execute(conn)?;
    let version = PolicyVersion::try_from(row)?;
    audit::record(
        conn,
        actor,
        organization_id,
        Change::new("policy.version", "policy", version.version.to_string()).after(&version),
    )?;
    Ok(version)
}

pub fn latest_row(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<PolicyRow> {
    scoring_policies::table
        .filter(scoring_policies::organization_id.eq(organization_id))
        .order(scoring_policies::version.desc())
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("policy"))
}

/// One version of the organisation's policy.
pub fn find_version(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    version: i32,
) -> ApiResult<PolicyVersion> {
    let row = scoring_policies::table
        .filter(scoring_policies::organization_id.eq(organization_id))
        .filter(scoring_policies::version.eq(version))
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("policy version"))?;
    PolicyVersion::try_from(row)
}

/// The version in force and its policy.
pub fn current(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<(i32, ScoringPolicy)> {
    let version = PolicyVersion::try_from(latest_row(conn, organization_id)?)?;
    Ok((version.version, version.policy))
}

/// A page of the organisation's policy versions, newest first, below version `before`.
pub fn versions(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    before: Option<i32>,
    fetch: i64,
) -> ApiResult<Vec<PolicyRow>> {
    let mut q = scoring_policies::table.filter(scoring_policies::organization_id.eq(organization_id)).into_boxed();
    if let Some(before) = before {
        q = q.filter(scoring_policies::version.lt(before));
    }
    Ok(q.order(scoring_policies::version.desc()).limit(fetch).select(PolicyRow::as_select()).load(conn)?)
}
