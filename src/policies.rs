//! The organisation's scoring policy: every number the scoring uses (weights, thresholds, rater
//! weights, minimum responses, objection window, distribution curve). Each change is a new
//! version; a score names the version it used.

use actix_web::{get, http::header, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::schema::scoring_policies;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::policy::ScoringPolicy;
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{etag, IfMatch, ValidatedJson, ValidatedQuery};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_versions).service(get_current).service(update_current).service(get_version);
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scoring_policies)]
pub struct PolicyRow {
    pub id: String,
    pub organization_id: String,
    pub version: i32,
    pub policy: String,
    pub note: String,
    pub created_by: String,
    pub created_at: chrono::NaiveDateTime,
}

/// One version of the scoring policy.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyVersion {
    pub organization_id: String,
    /// 1 is the regulation's defaults, set when the organisation was created.
    pub version: i32,
    /// Why this version was made.
    pub note: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub policy: ScoringPolicy,
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

/// A new version of the policy; send the whole policy (read the current one, change, send back).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    #[validate(length(min = 3, max = 2000))]
    #[schema(min_length = 3, max_length = 2000)]
    pub note: String,
    pub policy: ScoringPolicy,
}

/// Stores a policy as the organisation's next version.
pub fn insert_version(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &str,
    policy: &ScoringPolicy,
    note: &str,
) -> ApiResult<PolicyVersion> {
    let latest: Option<i32> = scoring_policies::table
        .filter(scoring_policies::organization_id.eq(organization_id))
        .select(diesel::dsl::max(scoring_policies::version))
        .first(conn)?;
    let row = PolicyRow {
        id: new_id(),
        organization_id: organization_id.to_string(),
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

fn latest_row(conn: &mut AnyConnection, organization_id: &str) -> ApiResult<PolicyRow> {
    scoring_policies::table
        .filter(scoring_policies::organization_id.eq(organization_id))
        .order(scoring_policies::version.desc())
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("policy"))
}

/// One version of the organisation's policy.
pub fn find_version(conn: &mut AnyConnection, organization_id: &str, version: i32) -> ApiResult<PolicyVersion> {
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
pub fn current(conn: &mut AnyConnection, organization_id: &str) -> ApiResult<(i32, ScoringPolicy)> {
    let version = PolicyVersion::try_from(latest_row(conn, organization_id)?)?;
    Ok((version.version, version.policy))
}

/// Every version of the organisation's policy, newest first.
#[utoipa::path(
    tag = "policies",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the versions", body = Page<PolicyVersion>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies")]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (before, fetch) = (page.after_number::<i32>()?, page.fetch_limit());
    let org = caller.organization_id.clone();
    let versions = state
        .db
        .read(move |conn| {
            let mut q = scoring_policies::table.filter(scoring_policies::organization_id.eq(org)).into_boxed();
            if let Some(before) = before {
                q = q.filter(scoring_policies::version.lt(before));
            }
            q.order(scoring_policies::version.desc())
                .limit(fetch)
                .select(PolicyRow::as_select())
                .load(conn)?
                .into_iter()
                .map(PolicyVersion::try_from)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(versions, |v| v.version.to_string(), |v| v)))
}

/// The policy in force.
#[utoipa::path(
    tag = "policies",
    responses(
        (status = 200, description = "The current version", body = PolicyVersion, headers(("ETag" = String, description = "The version number"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies/current")]
pub async fn get_current(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let org = caller.organization_id.clone();
    let version = state.db.read(move |conn| PolicyVersion::try_from(latest_row(conn, &org)?)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version.version))).json(version))
}

/// One version.
#[utoipa::path(
    tag = "policies",
    params(("version" = i32, Path, description = "Version number")),
    responses(
        (status = 200, description = "That version", body = PolicyVersion),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/policies/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    caller: Caller,
    version: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let (org, version) = (caller.organization_id.clone(), version.into_inner());
    let found = state.db.read(move |conn| find_version(conn, &org, version)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Makes a new version of the policy (admins); `If-Match` carries the current version.
#[utoipa::path(
    tag = "policies",
    params(("If-Match" = String, Header, description = "The ETag of the current version")),
    request_body = PolicyUpdate,
    responses(
        (status = 200, description = "The new version, now in force", body = PolicyVersion, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/policies/current")]
pub async fn update_current(
    state: web::Data<AppState>,
    caller: Caller,
    if_match: IfMatch,
    body: ValidatedJson<PolicyUpdate>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    if let Err(violations) = input.policy.validate() {
        return Err(ApiError::Validation(
            violations
                .into_iter()
                .map(|v| FieldError::new(format!("policy.{}", v.field), "invalid_policy", v.message))
                .collect(),
        ));
    }
    let version = state
        .db
        .write(move |conn| {
            let org = caller.organization_id.clone();
            // The unique (organisation, version) pair stops two concurrent updates from both landing.
            if latest_row(conn, &org)?.version != if_match.0 {
                return Err(ApiError::PreconditionFailed);
            }
            insert_version(conn, &caller.actor(), &org, &input.policy, &input.note)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(version.version))).json(version))
}
