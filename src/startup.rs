//! The app factory (used by the server and the tests alike) and the server itself. The routes it
//! mounts are listed in `openapi::configure_api`.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Logger};
use actix_web::{web, App, HttpRequest, HttpServer};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::{SecretSource, Settings};
use crate::db::Database;
use crate::error::ApiError;
use crate::openapi::{close_tagged_alternatives, configure_api, ApiDoc, OpenApiJson};
use crate::request_id;
use crate::state::AppState;

/// The application: routes, docs UI, extractor error handlers, request ids and logging.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, mut api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(configure_api).split_for_parts();
    close_tagged_alternatives(&mut api);
    let known_routes = web::Data::new(KnownRoutes::from(&api));
    let document = web::Data::new(OpenApiJson(api.to_json().expect("the OpenAPI document serialises")));
    let limits = state.limits;
    let cors = crate::browser::cors(&state.cors_origins);
    let hsts = web::Data::new(crate::browser::Hsts(state.hsts_max_age_secs));
    app.app_data(state)
        .app_data(hsts)
        .app_data(web::Data::new(crate::metrics::Metrics::default()))
        .app_data(web::Data::new(limits))
        .app_data(known_routes)
        .app_data(document)
        .app_data(web::PayloadConfig::new(
            limits.max_body_bytes.max(limits.max_import_bytes).max(limits.max_evidence_bytes),
        ))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            ApiError::bad_request("invalid_query", format!("Bad query parameter: {err}")).into()
        }))
        .app_data(
            web::PathConfig::default().error_handler(|err, _| {
                ApiError::bad_request("invalid_path", format!("Bad path parameter: {err}")).into()
            }),
        )
        .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")))
        .route("/docs", web::get().to(|| async { web::Redirect::to("/docs/").permanent() }))
        .default_service(web::to(fallback))
        .wrap(from_fn(crate::extract::reject_nul_in_url))
        .wrap(cors)
        .wrap(from_fn(crate::browser::cors_refusal_as_problem))
        .wrap(from_fn(crate::error::localize))
        .wrap(from_fn(crate::browser::security_headers))
        .wrap(from_fn(crate::metrics::middleware))
        .wrap(from_fn(request_id::middleware))
        .wrap(
            Logger::new(r#"client=%a request="%{request}xi" status=%s bytes=%b duration_ms=%D rid=%{x-request-id}o"#)
                .custom_request_replace("request", |req| {
                    request_line(req.method().as_str(), req.path(), req.query_string())
                }),
        )
}

/// The request as the access log shows it: method, path and the query's parameter names, never
/// their values (`GET /api/v1/employees?unit_id=*&limit=*`). Values may be names, NIPs or titles
/// of evidence files; the path holds only identifiers and codes. A name that is not a plain
/// lowercase identifier is not shown either.
pub fn request_line(method: &str, path: &str, query: &str) -> String {
    let mut line = format!("{method} {path}");
    if query.is_empty() {
        return line;
    }
    let plain = |key: &str| {
        (1..=32).contains(&key.len())
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let names: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            if plain(key) {
                format!("{key}=*")
            } else {
                "*".to_string()
            }
        })
        .collect();
    line.push('?');
    line.push_str(&names.join("&"));
    line
}

/// Answers requests no route took: 405 with `Allow` when the path exists, else 404.
async fn fallback(req: HttpRequest, routes: web::Data<KnownRoutes>) -> Result<actix_web::HttpResponse, ApiError> {
    Err(match routes.methods_for(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::NotFound("route"),
    })
}

/// The path templates of the OpenAPI document and their methods.
pub struct KnownRoutes(Arc<Vec<(Vec<String>, Vec<String>)>>);

impl KnownRoutes {
    fn from(api: &utoipa::openapi::OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.trim_matches('/').split('/').map(str::to_string).collect();
                let ops = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                (segments, ops.iter().filter(|(_, present)| *present).map(|(m, _)| m.to_string()).collect())
            })
            .collect();
        KnownRoutes(Arc::new(routes))
    }

    fn methods_for(&self, path: &str) -> Option<Vec<String>> {
        // Only the leading slash goes: `/api/v1/me/` is not `/api/v1/me`.
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut allow: Vec<String> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == parts.len()
                    && template.iter().zip(&parts).all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
            })
            .flat_map(|(_, methods)| methods.clone())
            .collect();
        allow.sort();
        allow.dedup();
        (!allow.is_empty()).then_some(allow)
    }
}

/// Connects to the database, applies migrations and serves until SIGINT/SIGTERM, then finishes
/// in-flight requests (up to the shutdown timeout).
pub async fn serve(settings: Settings) -> std::io::Result<()> {
    let target = settings.database.clone();
    let pool_size = settings.db_pool_size;
    let db = web::block(move || Database::connect(&target, pool_size))
        .await
        .map_err(std::io::Error::other)?
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    // Secrets and the database password are redacted by `Settings`'s Debug.
    log::debug!("{settings:?}");
    if settings.jwt_secret_source == SecretSource::Generated {
        log::warn!(
            "KINERJA_JWT_SECRET is not set: using a random secret for this process; access tokens end when it stops"
        );
    }
    // Links audit events into their chains off the write path (see `audit::seal`).
    actix_web::rt::spawn(crate::audit::seal::run(db.clone()));
    // Turns sealed audit events into webhook deliveries and sends them (see `webhooks`).
    let sender =
        crate::webhooks::target::Sender::new(&settings.webhook_allow_networks).map_err(std::io::Error::other)?;
    actix_web::rt::spawn(crate::webhooks::store::run(db.clone(), sender, settings.webhook_retry_base));
    let state = web::Data::new(AppState::new(db, &settings));
    let workers = settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let server = HttpServer::new(move || build_app(state.clone()))
        .workers(workers)
        // Blocking work is database work (and password hashing). The limit is per worker: all
        // workers together get as many threads as the pool has connections, so requests beyond
        // that wait in the runtime's first-come queue. More threads than connections made them
        // wait on the pool instead, whose wake-ups are not first come: under 16 connections of
        // load a few requests lost every race (p99 130-240 ms for a 4 ms median).
        .worker_max_blocking_threads((settings.db_pool_size as usize).div_ceil(workers))
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .bind(&settings.bind)?;
    log::info!(
        "kinerja {} on http://{} with {} (docs at /docs/)",
        env!("CARGO_PKG_VERSION"),
        settings.bind,
        settings.database.redacted()
    );
    server.run().await
}

#[cfg(test)]
mod tests {
    use super::request_line;

    #[test]
    fn the_access_log_shows_parameter_names_never_values() {
        assert_eq!(request_line("GET", "/api/v1/me", ""), "GET /api/v1/me");
        assert_eq!(
            request_line("GET", "/api/v1/employees", "unit_id=abc&limit=20&q=Agus%20Prasetyo"),
            "GET /api/v1/employees?unit_id=*&limit=*&q=*"
        );
        assert_eq!(request_line("GET", "/api/v1/employees", "199002142015031004"), "GET /api/v1/employees?*");
        assert_eq!(request_line("POST", "/x", "Agus+Prasetyo=1&&nip"), "POST /x?*&nip=*");
    }
}
