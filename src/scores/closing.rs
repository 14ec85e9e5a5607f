//! The period's status route. It lives with the scores, not in `periods.rs`, because closing a
//! period freezes its scores and the scores read periods: this keeps the module graph one way.

use actix_web::{post, web, HttpResponse};

use crate::auth::caller::Caller;
use crate::error::{problems, ApiResult};
use crate::extract::{IfMatch, ValidatedJson};
use crate::periods::{self, Period, StatusChange};
use crate::state::AppState;
use crate::versioned::ok_with_etag;

/// Moves a period one step forward, or reopens a closed one with a reason (admins). Closing
/// freezes every score of the period (every employee, each sub-period and the year) as the
/// period's next snapshot, in the same transaction; reads of a closed period serve it. Reopening
/// lets the scores be computed live again; closing again stores a new snapshot and keeps the old.
#[utoipa::path(
    tag = "periods",
    params(
        ("id" = String, Path, description = "Period id"),
        ("If-Match" = String, Header, description = "The ETag read"),
    ),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The period in its new status", body = Period, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/periods/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<StatusChange>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner();
    let period = state
        .db
        .write(move |conn| periods::change_status(conn, &caller, &id, if_match.0, &input, super::freeze::freeze))
        .await?;
    Ok(ok_with_etag(&period))
}
