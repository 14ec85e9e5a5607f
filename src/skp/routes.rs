//! The SKP endpoints: create, read, edit, submit, approve or return, revise; lists and the inbox.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::store::{self, SkpRow};
use super::{NewSkp, ReturnSkp, Skp, SkpContent, SkpQuery, SkpStatus, SkpSummary, StatusChange};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, performance_visibility, skp_inbox, Permission, SkpInbox};
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::document_cache::DocumentCache;
use crate::employees::{self as staff, EmployeeRow};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageQuery, PageRequest};
use crate::periods;
use crate::state::AppState;
use crate::versioned::{ok_serialised, ok_with_etag, with_etag, Edit};

/// The plans, under `/skps`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_skps)
        .service(inbox)
        .service(create_skp)
        .service(get_skp)
        .service(update_skp)
        .service(submit_skp)
        .service(approve_skp)
        .service(return_skp)
        .service(create_revision)
        .service(list_revisions);
}

/// The caller's own plan, under `/me`.
pub fn me_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_skp);
}

/// A period's cascade, under `/periods`.
pub fn period_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(super::cascade::cascade_tree).service(super::cascade::unlinked_targets);
}

/// Loads an SKP and its owner, and checks `permission` for the caller.
fn load_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    permission: for<'a> fn(&'a crate::authz::EmployeeRef) -> Permission<'a>,
) -> ApiResult<(SkpRow, EmployeeRow)> {
    let row = store::find(conn, id)?;
    let owner = staff::find(conn, &row.employee_id)?;
    authorize(caller, permission(&owner.reference()))?;
    Ok((row, owner))
}

/// Moves an SKP to a new status and records it; `If-Match` guards against a stale decision.
fn set_status(
    conn: &mut AnyConnection,
    caller: &Caller,
    before: SkpRow,
    if_match: i32,
    changes: StatusChange,
) -> ApiResult<Skp> {
    periods::writable(conn, &before.period_id)?;
    let (id, org) = (before.id.clone(), before.organization_id.clone());
    let before = store::load(conn, before)?;
    let edit = Edit {
        caller,
        organization_id: &org,
        change: Change::new(changes.action, "skp", &id),
        before: &before,
        if_match,
    };
    edit.apply(
        conn,
        |conn, version| store::set_status(conn, &id, version, &changes),
        |conn| {
            let row = store::find(conn, &id)?;
            store::load(conn, row)
        },
    )
}

fn summaries(conn: &mut AnyConnection, rows: Vec<SkpRow>) -> ApiResult<Vec<SkpSummary>> {
    let ids: Vec<EmployeeId> = rows.iter().map(|r| r.employee_id.clone()).collect();
    let people = store::names_and_nips(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (name, nip) =
                people.iter().find(|p| p.0 == r.employee_id).map(|p| (p.1.clone(), p.2.clone())).unwrap_or_default();
            SkpSummary {
                status: r.status,
                id: r.id,
                period_id: r.period_id,
                employee_id: r.employee_id,
                employee_name: name,
                employee_nip: nip,
                revision: r.revision,
                approver_id: r.approver_id,
                submitted_at: r.submitted_at.map(|t| t.and_utc()),
                version: r.version,
                updated_at: r.updated_at.and_utc(),
            }
        })
        .collect())
}

/// SKPs the caller may see (every revision): all of the organisation for admins and auditors,
/// else one's own and one's direct reports'.
#[utoipa::path(
    tag = "skp",
    params(SkpQuery),
    responses(
        (status = 200, description = "A page of SKPs", body = Page<SkpSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/skps")]
pub async fn list_skps(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<SkpQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = performance_visibility(&caller)?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let items = state
        .db
        .read(move |conn| {
            let rows = store::list(conn, visibility, query, after, fetch)?;
            summaries(conn, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |s| s.id.clone(), |s| s)))
}

/// The inbox is ordered by submission time, then id; its cursor holds both.
fn inbox_key(row: &SkpRow) -> String {
    format!("{}|{}", row.submitted_at.map(|t| t.and_utc().timestamp_micros()).unwrap_or(0), row.id)
}

fn parse_inbox_key(cursor: &str) -> ApiResult<(chrono::NaiveDateTime, String)> {
    cursor
        .split_once('|')
        .and_then(|(micros, id)| {
            let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
            Some((at, id.to_string()))
        })
        .ok_or_else(|| ApiError::field("cursor", "invalid_cursor", "use a next_cursor returned by this list"))
}

/// The caller's inbox: SKPs submitted by the caller's direct reports, oldest submission first; for
/// admins also those of other employees with no supervisor in the system. It follows the current
/// reporting line, as the approval itself does.
#[utoipa::path(
    tag = "skp",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of waiting SKPs", body = Page<SkpSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/skps/inbox")]
pub async fn inbox(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let SkpInbox { supervisor_id: me, with_heads_of_agency } = skp_inbox(&caller)?;
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let after = page.after.as_deref().map(parse_inbox_key).transpose()?;
    let (org, fetch) = (caller.organization_id.clone(), page.fetch_limit());
    let rows = state
        .db
        .read(move |conn| {
            let rows = store::waiting_for(conn, &org, &me, with_heads_of_agency, after, fetch)?;
            let keys: Vec<String> = rows.iter().map(inbox_key).collect();
            Ok(keys.into_iter().zip(summaries(conn, rows)?).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |(key, _)| key.clone(), |(_, summary)| summary)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MySkpQuery {
    /// The period; defaults to the current year's.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub period_id: Option<String>,
}

/// The caller's own SKP (newest revision) with targets, indicators and status: one request for
/// the mobile app.
#[utoipa::path(
    tag = "skp",
    params(MySkpQuery),
    responses(
        (status = 200, description = "The SKP", body = Skp, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/me/skp")]
pub async fn my_skp(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<MySkpQuery>,
) -> ApiResult<HttpResponse> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees have an SKP"))?.clone();
    let org = caller.organization_id.clone();
    let clock = state.clock;
    let documents = state.documents.clone();
    // Statements that each stand alone: the period, the newest revision's row, and only when no
    // document is kept at its version, the document (which carries its own version).
    let (version, body) = state
        .db
        .read_statement(move |conn| {
            let period_id = match query.0.period_id.clone() {
                Some(id) => id,
                None => {
                    use chrono::Datelike;
                    let year = crate::organizations::date_at(conn, &org, clock.now())?.year();
                    periods::find_by_year(conn, &org, year)?.ok_or(ApiError::NotFound("period"))?.id
                }
            };
            let row = store::latest(conn, &me, &period_id)?.ok_or(ApiError::NotFound("skp"))?;
            // The row gives the version: a document kept at it needs no more reading.
            match documents.kept(&row.id) {
                Some((kept_version, body)) if kept_version == row.version => Ok((kept_version, body)),
                _ => keep(&documents, &store::load(conn, row)?),
            }
        })
        .await?;
    Ok(ok_serialised(version, body))
}

/// Serialises `skp` and keeps it by its version; its version and the bytes.
fn keep(documents: &DocumentCache, skp: &Skp) -> ApiResult<(i32, web::Bytes)> {
    let body = web::Bytes::from(serde_json::to_vec(skp).map_err(ApiError::internal)?);
    documents.put(&skp.id, skp.version, body.clone());
    Ok((skp.version, body))
}

/// Starts the caller's SKP for a period, as an empty draft.
#[utoipa::path(
    tag = "skp",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewSkp,
    responses(
        (status = 201, description = "Created", body = Skp),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/skps")]
pub async fn create_skp(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewSkp>,
) -> ApiResult<HttpResponse> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees plan an SKP"))?.clone();
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let period = periods::find(conn, &input.period_id)?;
                authorize(
                    &caller,
                    Permission::ReadRecord { organization_id: &period.organization_id, record: "period" },
                )?;
                periods::writable(conn, &period.id)?;
                if store::latest(conn, &me, &period.id)?.is_some() {
                    return Err(ApiError::conflict(
                        "skp_exists",
                        "You already have an SKP for this period; edit it or make a revision",
                    ));
                }
                let row = SkpRow {
                    id: new_id(),
                    organization_id: caller.organization_id.clone(),
                    period_id: period.id,
                    employee_id: me.clone(),
                    revision: 1,
                    status: SkpStatus::Draft,
                    resources: input.annex.resources.clone(),
                    accountability: input.annex.accountability.clone(),
                    consequences: input.annex.consequences.clone(),
                    approver_id: None,
                    return_comment: None,
                    submitted_at: None,
                    decided_at: None,
                    version: 1,
                    created_at: now(),
                    updated_at: now(),
                };
                store::insert(conn, &row)?;
                let skp = store::load(conn, row)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &caller.organization_id,
                    Change::new("skp.create", "skp", &skp.id).after(&skp),
                )?;
                Stored::new(actix_web::http::StatusCode::CREATED, &skp)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One SKP revision with everything in it.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "SKP id")),
    responses(
        (status = 200, description = "The SKP", body = Skp, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/skps/{id}")]
pub async fn get_skp(state: web::Data<AppState>, caller: Caller, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let documents = state.documents.clone();
    let (version, body) = state
        .db
        .read_statement(move |conn| {
            // A document kept at the SKP's current version costs one primary-key lookup. Each
            // statement is its own snapshot: the kept bytes are served only if their version is
            // the one just read, and a document read afresh carries its own version and owner.
            if let Some((kept_version, body)) = documents.kept(&id) {
                let (version, owner) = store::document_version(conn, &id)?.ok_or(ApiError::NotFound("skp"))?;
                authorize(&caller, Permission::ReadSkp { owner: &owner })?;
                if version == kept_version {
                    return Ok((version, body));
                }
            }
            let (skp, owner) = store::find_document(conn, &id)?;
            authorize(&caller, Permission::ReadSkp { owner: &owner })?;
            keep(&documents, &skp)
        })
        .await?;
    Ok(ok_serialised(version, body))
}

/// Replaces the content of a draft or returned SKP (its owner).
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "SKP id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = SkpContent,
    responses(
        (status = 200, description = "Updated", body = Skp, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/skps/{id}")]
pub async fn update_skp(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<SkpContent>,
) -> ApiResult<HttpResponse> {
    let content = body.into_inner();
    let skp = state
        .db
        .write(move |conn| {
            let (row, owner) = load_checked(conn, &caller, &id, |owner| Permission::EditSkp { owner })?;
            periods::writable(conn, &row.period_id)?;
            if !row.status.is_editable() {
                return Err(ApiError::conflict(
                    "skp_locked",
                    format!(
                        "A {} SKP cannot be edited; an approved one changes through a new revision",
                        row.status.as_str()
                    ),
                ));
            }
            let supports = store::check_content(conn, &owner, &row.period_id, &content)?;
            let (id, org) = (row.id.clone(), row.organization_id.clone());
            let before = store::load(conn, row)?;
            let change = Change::new("skp.update", "skp", &id);
            Edit { caller: &caller, organization_id: &org, change, before: &before, if_match: if_match.0 }.apply(
                conn,
                |conn, version| store::set_annex(conn, &id, version, &content.annex),
                |conn| {
                    store::replace_targets(conn, &id, &content, &supports)?;
                    let row = store::find(conn, &id)?;
                    store::load(conn, row)
                },
            )
        })
        .await?;
    Ok(ok_with_etag(&skp))
}

/// Sends a draft or returned SKP to the supervisor (its owner). The targets' weights must sum to
/// 100 and at least one target must be utama.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "SKP id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses(
        (status = 200, description = "Submitted", body = Skp, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/skps/{id}/submit")]
pub async fn submit_skp(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let skp = state
        .db
        .write(move |conn| {
            let (row, owner) = load_checked(conn, &caller, &id, |owner| Permission::EditSkp { owner })?;
            if !row.status.is_editable() {
                return Err(ApiError::conflict(
                    "invalid_transition",
                    format!("A {} SKP cannot be submitted", row.status.as_str()),
                ));
            }
            store::check_submittable(&store::load(conn, row.clone())?)?;
            let change = StatusChange {
                action: "skp.submit",
                status: SkpStatus::Submitted,
                approver_id: owner.supervisor_id.clone(),
                return_comment: None,
                submitted_at: Some(now()),
                decided_at: None,
            };
            set_status(conn, &caller, row, if_match.0, change)
        })
        .await?;
    Ok(ok_with_etag(&skp))
}

/// The supervisor's decision on a submitted SKP.
fn decide(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    version: i32,
    outcome: SkpStatus,
    comment: Option<String>,
) -> ApiResult<Skp> {
    let (row, _) = load_checked(conn, caller, id, |owner| Permission::DecideSkp { owner })?;
    if row.status != SkpStatus::Submitted {
        let verb = if outcome == SkpStatus::Approved { "approved" } else { "returned" };
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("A {} SKP cannot be {verb}", row.status.as_str()),
        ));
    }
    let change = StatusChange {
        action: if outcome == SkpStatus::Approved { "skp.approve" } else { "skp.return" },
        status: outcome,
        approver_id: caller.employee_id().cloned(),
        return_comment: comment,
        submitted_at: row.submitted_at,
        decided_at: Some(now()),
    };
    set_status(conn, caller, row, version, change)
}

/// Approves a submitted SKP (the owner's direct supervisor); it is then locked.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "SKP id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses(
        (status = 200, description = "Approved", body = Skp, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/skps/{id}/approve")]
pub async fn approve_skp(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let skp = state.db.write(move |conn| decide(conn, &caller, &id, if_match.0, SkpStatus::Approved, None)).await?;
    Ok(ok_with_etag(&skp))
}

/// Returns a submitted SKP to its owner with what to change (the owner's direct supervisor).
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "SKP id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = ReturnSkp,
    responses(
        (status = 200, description = "Returned", body = Skp, headers(("ETag" = String, description = "The new version, for the next If-Match"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/skps/{id}/return")]
pub async fn return_skp(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<ReturnSkp>,
) -> ApiResult<HttpResponse> {
    let comment = Some(body.into_inner().comment);
    let skp = state.db.write(move |conn| decide(conn, &caller, &id, if_match.0, SkpStatus::Returned, comment)).await?;
    Ok(ok_with_etag(&skp))
}

/// Starts a new revision of an approved SKP (its owner): a draft copy that goes through approval
/// again. The approved revision stays as it was, readable.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "The approved SKP revision")),
    responses(
        (status = 201, description = "The new draft revision", body = Skp),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/skps/{id}/revisions")]
pub async fn create_revision(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let skp = state
        .db
        .write(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::EditSkp { owner })?;
            periods::writable(conn, &row.period_id)?;
            let newest = store::latest(conn, &row.employee_id, &row.period_id)?.ok_or(ApiError::NotFound("skp"))?;
            if newest.id != row.id || row.status != SkpStatus::Approved {
                return Err(ApiError::conflict(
                    "revision_not_allowed",
                    "Only the newest revision, once approved, can be revised; edit the open revision instead",
                ));
            }
            let approved = store::load(conn, row.clone())?;
            let next = SkpRow {
                id: new_id(),
                revision: row.revision + 1,
                status: SkpStatus::Draft,
                approver_id: None,
                return_comment: None,
                submitted_at: None,
                decided_at: None,
                version: 1,
                created_at: now(),
                updated_at: now(),
                ..row
            };
            store::insert(conn, &next)?;
            store::copy_targets(conn, &approved, &next.id)?;
            let org = next.organization_id.clone();
            let draft = store::load(conn, next)?;
            audit::record(
                conn,
                &caller.actor(),
                &org,
                Change::new("skp.revise", "skp", &draft.id).before(&approved).after(&draft),
            )?;
            Ok(draft)
        })
        .await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &skp))
}

/// Every revision of the same employee's SKP for the same period, oldest first.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "Any revision's id"), PageQuery),
    responses(
        (status = 200, description = "A page of the revisions", body = Page<SkpSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/skps/{id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (after, fetch) = (page.after_number::<i32>()?.unwrap_or(0), page.fetch_limit());
    let items = state
        .db
        .read(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::ReadSkp { owner })?;
            let rows = store::revisions(conn, &row.employee_id, &row.period_id, after, fetch)?;
            summaries(conn, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |s| s.revision.to_string(), |s| s)))
}
