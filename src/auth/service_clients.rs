//! Service clients: the regional IT unit's portals, which log in with client credentials and act
//! within the scopes an admin granted them.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::caller::{Caller, Scope, ScopeList};
use crate::audit::{self, Actor, Change};
use crate::authz::{authorize, Permission};
use crate::db::schema::service_clients;
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::{new_id, now, AnyConnection};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::secrets::{random_token, sha256_hex};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_clients).service(create_client).service(approve_client).service(revoke_client);
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_clients)]
pub struct ServiceClientRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub scopes: ScopeList,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    /// The admin who made it; `None`: the operator's command line.
    pub created_by: Option<EmployeeId>,
    /// The second admin who approved it; `None` with `approved_at` set: the operator.
    pub approved_by: Option<EmployeeId>,
    pub approved_at: Option<chrono::NaiveDateTime>,
}

/// Whether a portal's tickets work: one that issues rating tickets needs a second admin's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PortalApproval {
    /// Its scopes need none (it issues no rating tickets).
    NotNeeded,
    /// It issues rating tickets once an admin other than its creator approves it.
    Pending,
    /// Approved by a second admin, or made by the operator's command line.
    Approved,
}

/// A service client; its secret is shown only once, when it is created.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceClient {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub scopes: Vec<Scope>,
    pub revoked: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The admin who made it; absent when the operator made it on the command line.
    #[schema(value_type = Option<String>)]
    pub created_by: Option<EmployeeId>,
    pub approval: PortalApproval,
    /// The admin who approved it; absent when it needs no approval, waits, or the operator made it.
    #[schema(value_type = Option<String>)]
    pub approved_by: Option<EmployeeId>,
}

impl From<ServiceClientRow> for ServiceClient {
    fn from(row: ServiceClientRow) -> Self {
        let scopes = row.scopes.values().to_vec();
        let approval = match (scopes.contains(&Scope::RatingTicketsIssue), row.approved_at) {
            (false, _) => PortalApproval::NotNeeded,
            (true, None) => PortalApproval::Pending,
            (true, Some(_)) => PortalApproval::Approved,
        };
        ServiceClient {
            scopes,
            revoked: row.revoked_at.is_some(),
            id: row.id,
            name: row.name,
            client_id: row.client_id,
            created_at: row.created_at.and_utc(),
            created_by: row.created_by,
            approval,
            approved_by: row.approved_by,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Portal Layanan Kota", "scopes": ["employees:read"]}))]
pub struct NewServiceClient {
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    #[validate(length(min = 1, max = 16))]
    #[schema(min_items = 1, max_items = 16)]
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedServiceClient {
    pub client: ServiceClient,
    /// Store it now: it is not shown again.
    pub client_secret: String,
}

/// The organisation's service clients (admins).
#[utoipa::path(
    tag = "service-clients",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the clients", body = Page<ServiceClient>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/service-clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let org = caller.organization_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            let mut q = service_clients::table.filter(service_clients::organization_id.eq(org)).into_boxed();
            if let Some(after) = after {
                q = q.filter(service_clients::id.gt(after));
            }
            Ok(q.order(service_clients::id.asc()).limit(fetch).select(ServiceClientRow::as_select()).load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.clone(), ServiceClient::from)))
}

/// Stores a new client and records it; returns it with its secret. `created_by` is the admin who
/// asked (`None`: the operator's command line, whose portals need no second approval).
pub fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    input: &NewServiceClient,
    created_by: Option<&EmployeeId>,
) -> ApiResult<CreatedServiceClient> {
    let secret = random_token();
    let created_at = now();
    let row = ServiceClientRow {
        id: new_id(),
        organization_id: organization_id.clone(),
        name: input.name.clone(),
        client_id: format!("kc_{}", uuid::Uuid::new_v4().simple()),
        secret_hash: sha256_hex(&secret),
        scopes: ScopeList::new(&input.scopes),
        revoked_at: None,
        created_at,
        created_by: created_by.cloned(),
        approved_by: None,
        approved_at: created_by.is_none().then_some(created_at),
    };
    diesel::insert_into(service_clients::table).values(&row).execute(conn)?;
    let client = ServiceClient::from(row);
    audit::record(
        conn,
        actor,
        organization_id,
        Change::new("service_client.create", "service_client", &client.id).after(&client),
    )?;
    Ok(CreatedServiceClient { client, client_secret: secret })
}

/// Registers a portal (admins). The answer holds the secret, once. It takes no `Idempotency-Key`:
/// replaying the answer would mean storing the secret; a client lost to a retry is revoked instead.
#[utoipa::path(
    tag = "service-clients",
    request_body = NewServiceClient,
    responses(
        (status = 201, description = "Created", body = CreatedServiceClient),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/service-clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewServiceClient>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    let created = state
        .db
        .write(move |conn| insert(conn, &caller.actor(), &caller.organization_id, &input, caller.employee_id()))
        .await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(created))
}

/// Finds a client of the caller's organisation; another organisation's does not exist.
/// An active (not revoked) client by its public client id.
pub fn find_active(conn: &mut AnyConnection, client_id: &str) -> ApiResult<Option<ServiceClientRow>> {
    Ok(service_clients::table
        .filter(service_clients::client_id.eq(client_id))
        .filter(service_clients::revoked_at.is_null())
        .select(ServiceClientRow::as_select())
        .first(conn)
        .optional()?)
}

fn find_in_org(conn: &mut AnyConnection, organization_id: &OrganizationId, id: &str) -> ApiResult<ServiceClientRow> {
    service_clients::table
        .find(id)
        .filter(service_clients::organization_id.eq(organization_id))
        .select(ServiceClientRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("service client"))
}

/// Approves a portal that issues rating tickets (an admin other than the one who made it): only
/// then do its tickets work, so that no single admin can make up citizens' ratings.
#[utoipa::path(
    tag = "service-clients",
    params(("id" = String, Path, description = "Service client id")),
    responses(
        (status = 200, description = "Approved; its tickets work now", body = ServiceClient),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/service-clients/{id}/approve")]
pub async fn approve_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let client = state
        .db
        .write(move |conn| {
            let before = find_in_org(conn, &caller.organization_id, &id)?;
            authorize(
                &caller,
                Permission::ApprovePortal {
                    organization_id: &before.organization_id,
                    created_by: before.created_by.as_ref(),
                },
            )?;
            let before = ServiceClient::from(before);
            if before.revoked {
                return Err(ApiError::conflict("client_revoked", "A revoked client cannot be approved"));
            }
            if before.approval != PortalApproval::Pending {
                return Err(ApiError::conflict("nothing_to_approve", "This client does not wait for an approval"));
            }
            let approved_by = caller.employee_id().cloned();
            let approved_at = now();
            let updated =
                diesel::update(service_clients::table.find(&id).filter(service_clients::approved_at.is_null()))
                    .set((service_clients::approved_by.eq(&approved_by), service_clients::approved_at.eq(approved_at)))
                    .execute(conn)?;
            if updated != 1 {
                return Err(ApiError::conflict("nothing_to_approve", "This client does not wait for an approval"));
            }
            let after = ServiceClient { approval: PortalApproval::Approved, approved_by, ..before.clone() };
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("service_client.approve", "service_client", &id).before(&before).after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Revokes a client (admins): it can get no new tokens; tokens already issued expire on their own.
#[utoipa::path(
    tag = "service-clients",
    params(("id" = String, Path, description = "Service client id")),
    responses(
        (status = 204, description = "Revoked"),
        problems::Delete,
    ),
    security(("bearer" = []))
)]
#[delete("/service-clients/{id}")]
pub async fn revoke_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let before = find_in_org(conn, &caller.organization_id, &id)?;
            if before.revoked_at.is_some() {
                return Ok(());
            }
            let revoked_at = now();
            diesel::update(service_clients::table.find(&id))
                .set(service_clients::revoked_at.eq(revoked_at))
                .execute(conn)?;
            let after = ServiceClientRow { revoked_at: Some(revoked_at), ..before.clone() };
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("service_client.revoke", "service_client", &id)
                    .before(&ServiceClient::from(before))
                    .after(&ServiceClient::from(after)),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
