//! The period handlers (closing and reopening are `scores::closing`'s route).

use actix_web::{get, post, web, HttpResponse};

use super::store::{find, insert, list, load};
use super::{NewPeriod, Period, PeriodQuery};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::error::{problems, ApiResult};
use crate::extract::{IdempotencyKey, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;
use crate::versioned::ok_with_etag;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_periods).service(create_period).service(get_period);
}

/// The organisation's periods, newest year first.
#[utoipa::path(
    tag = "periods",
    params(PeriodQuery),
    responses(
        (status = 200, description = "A page of periods", body = Page<Period>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods")]
pub async fn list_periods(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ReadOrganization { organization_id: &caller.organization_id })?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let after: Option<i32> = page.after_number()?;
    let (org, fetch) = (caller.organization_id.clone(), page.fetch_limit());
    let rows = state.db.read(move |conn| list(conn, &org, &query, after, fetch)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |p| p.year.to_string(), |p| p)))
}

/// Opens a year for planning (admins), with its sub-periods.
#[utoipa::path(
    tag = "periods",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewPeriod,
    responses(
        (status = 201, description = "Created", body = Period),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/periods")]
pub async fn create_period(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewPeriod>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::Administer { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let period = insert(conn, &caller.actor(), &caller.organization_id, input.year, input.frequency)?;
                Stored::new(actix_web::http::StatusCode::CREATED, &period)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One period with its sub-periods.
#[utoipa::path(
    tag = "periods",
    params(("id" = String, Path, description = "Period id")),
    responses(
        (status = 200, description = "The period", body = Period, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}")]
pub async fn get_period(state: web::Data<AppState>, caller: Caller, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let period = state
        .db
        .read(move |conn| {
            let row = find(conn, &id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &row.organization_id, record: "period" })?;
            load(conn, row)
        })
        .await?;
    Ok(ok_with_etag(&period))
}
