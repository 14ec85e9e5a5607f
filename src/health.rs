//! Liveness and readiness for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{responses, ApiError, ApiResult};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz);
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
