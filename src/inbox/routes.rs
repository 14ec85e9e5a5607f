//! `GET /inbox`: the caller's inbox, paged, with the counts per kind.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::{store, Inbox, InboxKind};
use crate::auth::caller::Caller;
use crate::authz::inbox_scope;
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{text_and_id_key, PageRequest};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_inbox);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only these kinds, comma-separated (e.g. `skp_to_decide,achievement_to_verify`); every kind
    /// by default. The counts cover the same kinds.
    #[validate(length(max = 400))]
    #[param(max_length = 400)]
    pub kinds: Option<String>,
    /// Only items whose record changed at or after this time (RFC 3339), for a phone that polls;
    /// `assessment_due` items (nothing recorded yet) are always listed, and the counts are always
    /// the totals.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn parse_kinds(text: Option<&str>) -> ApiResult<Vec<InboxKind>> {
    let Some(text) = text else { return Ok(InboxKind::ALL.to_vec()) };
    let mut kinds = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = InboxKind::parse(name).ok_or_else(|| {
            let known: Vec<&str> = InboxKind::ALL.iter().map(|k| k.as_str()).collect();
            ApiError::field("kinds", "unknown_kind", format!("unknown kind {name:?}; one of {}", known.join(", ")))
        })?;
        kinds.push(kind);
    }
    if kinds.is_empty() {
        return Err(ApiError::field("kinds", "required", "name at least one kind, or leave the parameter out"));
    }
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// What waits for the caller, one list for a phone to poll. As a supervisor (and decider of
/// objections): `skp_to_decide`, `achievement_to_verify`, `assessment_due`, `objection_to_decide`;
/// as an employee: `skp_returned`, `achievement_rejected`, `assessment_published`,
/// `objection_decided`. Each follows the reporting line in force, as the actions do: after a
/// mutasi the new supervisor has the pending work and the old one no longer does. Admins also
/// get the SKPs and achievements of employees with no supervisor in the system (never their own)
/// and the objections that fall to the policy's admin fallback. Ordered by kind, then oldest
/// first; `counts` has the totals per kind whatever the page or `updated_since`. A page costs a
/// fixed number of queries however long it is. (`GET /skps/inbox` lists the same SKPs as
/// `skp_to_decide`, with their summaries.)
#[utoipa::path(
    tag = "inbox",
    params(InboxQuery),
    responses(
        (status = 200, description = "A page of the inbox with the counts per kind", body = Inbox),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/inbox")]
pub async fn my_inbox(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<InboxQuery>,
) -> ApiResult<HttpResponse> {
    let scope = inbox_scope(&caller)?;
    let query = query.0;
    let kinds = parse_kinds(query.kinds.as_deref())?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let after = page
        .after_text_and_id()?
        .map(|(kind, id)| {
            InboxKind::parse(&kind)
                .map(|kind| (kind, id))
                .ok_or_else(|| ApiError::field("cursor", "invalid_cursor", "use a next_cursor returned by this list"))
        })
        .transpose()?;
    let since = query.updated_since.map(|t| t.naive_utc());
    let clock = state.clock;
    let inbox = state
        .db
        .read(move |conn| {
            let today = crate::organizations::date_at(conn, &scope.organization_id, clock.now())?;
            let due = if kinds.contains(&InboxKind::AssessmentDue) {
                store::assessment_due_scope(conn, &scope.organization_id, today)?
            } else {
                None
            };
            let counts = store::counts(conn, &scope, &kinds, due.as_ref())?;
            let request = store::Request { kinds: &kinds, since, after, fetch: page.fetch_limit() };
            let entries = store::page(conn, &scope, &request, due.as_ref())?;
            let names = store::names(conn, &entries)?;
            let page = page.page(entries, |e| text_and_id_key(e.kind.as_str(), &e.id), |e| store::item(e, &names));
            Ok(Inbox { total: counts.total(), counts, items: page.items, next_cursor: page.next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(inbox))
}
