//! The webhook endpoints: a portal registers, lists and removes its endpoints, reads their
//! delivery log and asks for a delivery again.

use actix_web::{delete, get, post, web, HttpResponse};

use super::store::{self, DeliveryRow, WebhookRow};
use super::{new_secret, CreatedWebhook, Delivery, DeliveryStatus, EventTypeList, NewWebhook, Webhook};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::{new_id, now, AnyConnection};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(delete_webhook)
        .service(list_deliveries)
        .service(redeliver);
}

/// The caller's own webhook `id` (another portal's does not exist for it).
fn own(conn: &mut AnyConnection, caller: &Caller, id: &str) -> ApiResult<WebhookRow> {
    authorize(caller, Permission::ManageWebhooks { organization_id: &caller.organization_id })?;
    let row = store::find(conn, &caller.organization_id, id)?;
    if row.service_client_id != caller.subject_id {
        return Err(ApiError::NotFound("webhook"));
    }
    Ok(row)
}

/// The calling portal's webhooks.
#[utoipa::path(
    tag = "webhooks",
    params(PageQuery),
    responses((status = 200, description = "A page of the portal's webhooks", body = Page<Webhook>), problems::Read),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ManageWebhooks { organization_id: &caller.organization_id })?;
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let rows = state
        .db
        .read(move |conn| store::active_of(conn, &caller.organization_id, &caller.subject_id, after, fetch))
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.clone(), Webhook::from)))
}

/// Registers an endpoint for event types (portals with `webhooks:manage`). Events are posted as
/// JSON (`{"type", "timestamp", "data": {"event_id", "organization_id", "resource_type",
/// "resource_id"}}`) with the Standard Webhooks headers `webhook-id` (the same on every retry),
/// `webhook-timestamp` and `webhook-signature` (`v1,` base64 HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}` keyed with the secret's bytes after `whsec_`). A
/// non-2xx answer (redirects are not followed) or no answer is retried with exponential backoff.
/// The URL must reach a public address: one that is or resolves to a loopback, private (RFC 1918),
/// link-local (cloud metadata), unique-local, multicast or other non-public address is refused
/// (`422`, code `non_public_address`), and checked again at every delivery. The answer holds the
/// secret, once.
#[utoipa::path(
    tag = "webhooks",
    request_body = NewWebhook,
    responses((status = 201, description = "Registered", body = CreatedWebhook), problems::Create),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewWebhook>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ManageWebhooks { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    super::target::check_registration(&input.url, &state.webhook_allow_networks).await?;
    let created = state
        .db
        .write(move |conn| {
            store::ensure_cursor(conn, &caller.organization_id)?;
            let at = now();
            let row = WebhookRow {
                id: new_id(),
                organization_id: caller.organization_id.clone(),
                service_client_id: caller.subject_id.clone(),
                url: input.url,
                secret: new_secret(),
                event_types: EventTypeList::new(&input.event_types),
                active: true,
                created_at: at,
                updated_at: at,
            };
            store::insert(conn, &row)?;
            let secret = row.secret.clone();
            let webhook = Webhook::from(row);
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("webhook.create", "webhook", &webhook.id).after(&webhook),
            )?;
            Ok(CreatedWebhook { webhook, secret })
        })
        .await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(created))
}

/// Removes an endpoint: nothing more is sent to it; its delivery log stays.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 204, description = "Removed"), problems::Delete),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let before = own(conn, &caller, &id)?;
            if !before.active {
                return Err(ApiError::NotFound("webhook"));
            }
            store::deactivate(conn, &id)?;
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("webhook.delete", "webhook", &id).before(&Webhook::from(before)),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of one endpoint, newest first: each event sent or to be sent, its attempts
/// and the last outcome.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), PageQuery),
    responses((status = 200, description = "A page of deliveries", body = Page<Delivery>), problems::Read),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let rows = state
        .db
        .read(move |conn| {
            own(conn, &caller, &id)?;
            store::deliveries(conn, &id, after, fetch)
        })
        .await?;
    let page = page.page(rows, |r| r.id.clone(), |r| r);
    let items = page.items.into_iter().map(Delivery::try_from).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor: page.next_cursor }))
}

/// Sends a delivery again, now, with a fresh set of retries (e.g. after the portal fixed its
/// endpoint). Its `webhook-id` stays, so a receiver that already has it can drop it.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses((status = 202, description = "Queued; the sender posts it within a second", body = Delivery), problems::Create),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery_id) = path.into_inner();
    let delivery = state
        .db
        .write(move |conn| {
            own(conn, &caller, &id)?;
            let before = store::find_delivery(conn, &id, &delivery_id)?;
            let at = now();
            store::queue_again(conn, &delivery_id, at)?;
            let after = DeliveryRow { status: DeliveryStatus::Pending, attempts: 0, next_attempt_at: at, ..before };
            audit::record(
                conn,
                &caller.actor(),
                &caller.organization_id,
                Change::new("webhook.redeliver", "webhook_delivery", &delivery_id),
            )?;
            Delivery::try_from(after)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
