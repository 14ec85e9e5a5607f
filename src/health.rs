//! Liveness and readiness for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{responses, ApiError, ApiResult};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// The service can reach its database.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let pool = state.db.pool.clone();
    web::block(move || -> ApiResult<()> {
        let mut conn = pool
            .get_timeout(std::time::Duration::from_secs(2))
            .map_err(|_| ApiError::Unavailable("The database is not reachable".into()))?;
        conn.batch_execute("SELECT 1").map_err(|_| ApiError::Unavailable("The database does not answer".into()))
    })
    .await??;
    Ok(HttpResponse::Ok().json(Health { status: "ready".into() }))
}

/// Prometheus metrics in the text format: requests by method, route template and status, the
/// latency histogram, the database pool. Closed by default: served only when the operator sets
/// `KINERJA_METRICS_TOKEN` (else `404`), to callers that send it as a bearer token (else `401`).
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    ),
    security(("metrics_token" = []))
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    counts: web::Data<crate::metrics::Metrics>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let Some(token) = &state.metrics_token else { return Err(ApiError::NotFound("route")) };
    let sent = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared as hashes, so the time taken says nothing about how much of the token matched.
    if crate::secrets::sha256_hex(sent) != crate::secrets::sha256_hex(token) {
        return Err(ApiError::Unauthorized {
            code: "invalid_token",
            detail: "Send the operator's metrics token as a bearer token".into(),
        });
    }
    let pool = state.db.pool.state();
    let pool = crate::metrics::PoolState {
        connections: pool.connections,
        idle: pool.idle_connections,
        max: state.db.pool.max_size(),
        waiting: state.db.waiting(),
        statements: state.db.queries(),
    };
    let backlog = state.db.read(backlog).await?;
    let text = counts.render(pool, backlog);
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text))
}

/// The queues the metrics show: unsealed audit events, pending and failed webhook deliveries.
fn backlog(conn: &mut crate::db::AnyConnection) -> ApiResult<crate::metrics::Backlog> {
    use crate::db::schema::{audit_events, webhook_deliveries};
    use crate::webhooks::DeliveryStatus;
    use diesel::prelude::*;
    let deliveries = |status: DeliveryStatus, conn: &mut crate::db::AnyConnection| -> ApiResult<i64> {
        Ok(webhook_deliveries::table.filter(webhook_deliveries::status.eq(status)).count().get_result(conn)?)
    };
    Ok(crate::metrics::Backlog {
        unsealed_audit_events: audit_events::table.filter(audit_events::seq.is_null()).count().get_result(conn)?,
        webhooks_pending: deliveries(DeliveryStatus::Pending, conn)?,
        webhooks_failed: deliveries(DeliveryStatus::Failed, conn)?,
    })
}
