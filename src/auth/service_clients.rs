//! Service clients: the regional IT unit's portals, which log in with client credentials and act
//! within the scopes an admin granted them.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::caller::{Caller, Scope};
use crate::audit::{self, Change};
use crate::authz::{authorize, Permission};
use crate::db::schema::service_clients;
use crate::db::{new_id, now};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedJson;
use crate::secrets::{random_token, sha256_hex};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_clients).service(create_client).service(revoke_client);
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_clients)]
pub struct ServiceClientRow {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub scopes: String,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn parse_scopes(stored: &str) -> Vec<Scope> {
    stored.split_whitespace().filter_map(Scope::parse).collect()
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
}

impl From<ServiceClientRow> for ServiceClient {
    fn from(row: ServiceClientRow) -> Self {
        ServiceClient {
            scopes: parse_scopes(&row.scopes),
            revoked: row.revoked_at.is_some(),
            id: row.id,
            name: row.name,
            client_id: row.client_id,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
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
    responses(
        (status = 200, description = "All clients", body = Vec<ServiceClient>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/service-clients")]
pub async fn list_clients(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let org = caller.organization_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            Ok(service_clients::table
                .filter(service_clients::organization_id.eq(org))
                .order(service_clients::id.asc())
                .select(ServiceClientRow::as_select())
                .load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ServiceClient::from).collect::<Vec<_>>()))
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
        .write(move |conn| {
            let secret = random_token();
            let mut scopes: Vec<&str> = input.scopes.iter().map(|s| s.as_str()).collect();
            scopes.sort_unstable();
            scopes.dedup();
            let row = ServiceClientRow {
                id: new_id(),
                organization_id: caller.organization_id.clone(),
                name: input.name.clone(),
                client_id: format!("kc_{}", uuid::Uuid::new_v4().simple()),
                secret_hash: sha256_hex(&secret),
                scopes: scopes.join(" "),
                revoked_at: None,
                created_at: now(),
            };
            diesel::insert_into(service_clients::table).values(&row).execute(conn)?;
            let client = ServiceClient::from(row);
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("service_client.create", "service_client", &client.id).after(&client),
            )?;
            Ok(CreatedServiceClient { client, client_secret: secret })
        })
        .await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(created))
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
            let before: ServiceClientRow = service_clients::table
                .find(&id)
                .filter(service_clients::organization_id.eq(&caller.organization_id))
                .select(ServiceClientRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(ApiError::NotFound("service client"))?;
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
