//! The citizen rating endpoints: issue a ticket, rate with it, and the indices (per unit, per
//! officer, and the public per-unit figures).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate};

use super::store::{self, ElementSums, NewRatingRow, NewTicketRow};
use super::{
    CitizenIndex, CitizenRatingInput, IndexQuery, IssuedTicket, NewTicket, PortalRatings, PublicIndex, PublicQuery,
    PublicUnitIndex, RatingReceived, SkmSubject,
};
use crate::audit::{self, Actor, ActorKind, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, AnyConnection};
use crate::domain::time_zone::OrgTimeZone;
use crate::employees as staff;
use crate::error::{problems, responses, ApiError, ApiResult};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::periods::PeriodStatus;
use crate::secrets::{random_token, sha256_hex};
use crate::state::AppState;

/// Tickets, under `/rating-tickets`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issue_ticket);
}

/// Citizens' ratings and the public index, under `/public`.
pub fn public_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(submit_citizen_rating).service(public_index);
}

/// A unit's index, under `/units`.
pub fn unit_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(unit_index);
}

/// An officer's index, under `/employees`.
pub fn employee_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(officer_index);
}

/// Issues a one-time rating ticket (portals with `rating_tickets:issue`; not people, so that nobody
/// in the organisation can rate on a citizen's behalf). A portal issues at most
/// `KINERJA_TICKET_RATE_LIMIT` tickets a minute (600 by default; 429 past it).
#[utoipa::path(
    tag = "citizen-ratings",
    request_body = NewTicket,
    responses(
        (status = 201, description = "The ticket, with its token shown once", body = IssuedTicket),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
        (status = 429, response = responses::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/rating-tickets")]
pub async fn issue_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewTicket>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let limit = state.rate_limit.clone();
    let ticket = state
        .db
        .write(move |conn| {
            let portal_approved = store::portal_approved(conn, &caller.subject_id)?;
            authorize(&caller, Permission::IssueRatingTickets { organization_id: &caller.organization_id, portal_approved })?;
            limit.check_ticket_issuance(conn, &caller.subject_id, clock.timestamp())?;
            let org = caller.organization_id.clone();
            match store::unit_service(conn, &input.unit_id)? {
                Some((unit_org, true)) if unit_org == org => {}
                Some((unit_org, false)) if unit_org == org => {
                    return Err(ApiError::field("unit_id", "not_a_service_unit", "this unit does not serve the public"))
                }
                _ => return Err(ApiError::field("unit_id", "unknown_unit", "no such unit in this organisation")),
            }
            if let Some(officer) = &input.officer_id {
                if store::employee_organization(conn, officer)?.as_ref() != Some(&org) {
                    return Err(ApiError::field("officer_id", "unknown_employee", "no such employee in this organisation"));
                }
            }
            let today = crate::organizations::date_at(conn, &org, clock.now())?;
            crate::periods::writable_on(conn, &org, today)?;
            let token = random_token();
            let id = new_id();
            let expires_at = clock.timestamp() + chrono::Duration::hours(input.expires_in_hours.unwrap_or(168));
            store::insert_ticket(
                conn,
                NewTicketRow {
                    id: &id,
                    organization_id: &org,
                    unit_id: &input.unit_id,
                    officer_id: input.officer_id.as_ref(),
                    issued_by: &caller.subject_id,
                    reference: input.reference.as_deref(),
                    token_hash: sha256_hex(&token),
                    expires_at,
                    issued_at: clock.timestamp(),
                },
            )?;
            let ticket = IssuedTicket {
                id: id.clone(),
                token,
                unit_id: input.unit_id,
                officer_id: input.officer_id,
                reference: input.reference,
                expires_at: expires_at.and_utc(),
            };
            // The token is a secret: the trail keeps everything else.
            let after = serde_json::json!({"unit_id": ticket.unit_id, "officer_id": ticket.officer_id, "reference": ticket.reference, "expires_at": ticket.expires_at});
            audit::record(conn, &caller.actor(), &org, Change::new("rating_ticket.issue", "rating_ticket", &id).after(&after))?;
            Ok(ticket)
        })
        .await?;
    Ok(HttpResponse::Created().json(ticket))
}

/// A citizen rates a service with their ticket; no login. Each ticket works once. A valid ticket
/// is never refused for its address; failed ticket attempts (unknown, used, expired) are limited
/// per client address (429 past the limit).
#[utoipa::path(
    tag = "public",
    request_body = CitizenRatingInput,
    responses(
        (status = 201, description = "Recorded", body = RatingReceived),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 410, response = responses::Gone),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/public/citizen-ratings")]
pub async fn submit_citizen_rating(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidatedJson<CitizenRatingInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    // Two round trips on PostgreSQL: the ticket with what the rating needs, then one statement
    // that claims it (if still unused), inserts the rating and its audit event.
    let outcome = state
        .db
        .write_statement(move |conn| {
            let now = clock.timestamp();
            let ticket = store::ticket_for_rating(conn, &sha256_hex(&input.ticket), now.year())?
                .ok_or(ApiError::NotFound("rating ticket"))?;
            if ticket.used_at.is_some() {
                return Err(ticket_used());
            }
            if ticket.expires_at < now {
                return Err(ApiError::Gone {
                    code: "ticket_expired",
                    detail: "This ticket has expired; ask the service desk for a new one".into(),
                });
            }
            // A rating counts in today's period; a closed one's index is final.
            let tz = OrgTimeZone::parse(&ticket.time_zone).ok_or_else(|| {
                ApiError::internal(format!(
                    "unknown time zone {:?} stored for {}",
                    ticket.time_zone, ticket.organization_id
                ))
            })?;
            let year = tz.date_at(clock.now()).year();
            if ticket.period_status(now.year(), year) == Some(PeriodStatus::Closed) {
                return Err(crate::periods::closed_error(year));
            }
            let rating_id = new_id();
            // Anonymous: the actor is the ticket. Scores are kept; the free-text comment is not copied.
            let actor = Actor { kind: ActorKind::Citizen, id: ticket.id.clone(), request_id: None };
            let event = audit::event(
                &actor,
                &ticket.organization_id,
                Change::new("citizen_rating.submit", "citizen_rating", &rating_id).after(&input.scores),
            );
            let rating = NewRatingRow {
                id: &rating_id,
                organization_id: &ticket.organization_id,
                unit_id: &ticket.unit_id,
                officer_id: ticket.officer_id.as_ref(),
                ticket_id: &ticket.id,
                scores: input.scores,
                comment: input.comment.as_deref(),
                submitted_at: now,
            };
            // Not claimed: used (or expired) by a concurrent submission since it was read.
            if !store::record_rating(conn, rating, &event)? {
                return Err(ticket_used());
            }
            Ok(RatingReceived { received: true, unit_name: ticket.unit_name })
        })
        .await;
    let received = state.rate_limit.ticket_attempt(&state.db, clock, &req, outcome).await?;
    Ok(HttpResponse::Created().json(received))
}

fn ticket_used() -> ApiError {
    ApiError::conflict("ticket_used", "This ticket was already used; each ticket rates one service once")
}

/// The index of `subject` for a period of the caller's organisation, or one of its sub-periods.
fn period_index(
    conn: &mut AnyConnection,
    caller: &Caller,
    organization_id: &OrganizationId,
    subject: SkmSubject<'_>,
    query: IndexQuery,
) -> ApiResult<CitizenIndex> {
    let period = crate::periods::find(conn, &query.period_id)?;
    authorize(caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
    let (from, to) = match &query.sub_period_id {
        None => (period.starts_on, period.ends_on),
        Some(sub) => store::sub_period_days(conn, &period.id, sub)?
            .ok_or_else(|| ApiError::field("sub_period_id", "unknown_sub_period", "not a sub-period of this period"))?,
    };
    let tz = crate::organizations::time_zone(conn, &period.organization_id)?;
    let (policy_version, policy) = crate::policies::current(conn, organization_id)?;
    let (kind, subject_id) = match subject {
        SkmSubject::Unit(id) => ("unit", id),
        SkmSubject::Officer(id) => ("officer", id),
    };
    Ok(CitizenIndex {
        subject: kind.into(),
        subject_id: subject_id.to_string(),
        period_id: period.id,
        sub_period_id: query.sub_period_id,
        from,
        to,
        policy_version,
        result: store::index_of(conn, subject, from, to, tz, policy.min_citizen_responses)?,
    })
}

/// The citizen satisfaction index of a service unit for a period or one of its sub-periods (any
/// member of the organisation).
#[utoipa::path(
    tag = "citizen-ratings",
    params(("id" = String, Path, description = "Unit id"), IndexQuery),
    responses(
        (status = 200, description = "The index, or `not_enough_responses`", body = CitizenIndex),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}/citizen-index")]
pub async fn unit_index(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UnitId>,
    query: ValidatedQuery<IndexQuery>,
) -> ApiResult<HttpResponse> {
    let index = state
        .db
        .read(move |conn| {
            let unit = crate::units::find(conn, &id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &unit.organization_id, record: "unit" })?;
            period_index(conn, &caller, &unit.organization_id, SkmSubject::Unit(&unit.id), query.0)
        })
        .await?;
    Ok(HttpResponse::Ok().json(index))
}

/// The citizen satisfaction index of ratings naming an officer, for a period or one of its
/// sub-periods (the officer, their supervisor, admins and auditors).
#[utoipa::path(
    tag = "citizen-ratings",
    params(("id" = String, Path, description = "Employee id"), IndexQuery),
    responses(
        (status = 200, description = "The index, or `not_enough_responses`", body = CitizenIndex),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}/citizen-index")]
pub async fn officer_index(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<IndexQuery>,
) -> ApiResult<HttpResponse> {
    let index = state
        .db
        .read(move |conn| {
            let officer = staff::find(conn, &id)?;
            authorize(&caller, Permission::ReadPerformance { employee: &officer.reference() })?;
            period_index(conn, &caller, &officer.organization_id, SkmSubject::Officer(&officer.id), query.0)
        })
        .await?;
    Ok(HttpResponse::Ok().json(index))
}

/// Open figures: each service unit's citizen index, band and number of responses for a year.
/// With each unit's complaint figures (received, answered, answered in time, median hours to
/// answer). No personal data, no comments, no complaint text, no officers. Not rate limited: each
/// instance caches the answer for `KINERJA_PUBLIC_CACHE_SECS` (60 by default), so repeated reads
/// cost no query.
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "Organisation code"), PublicQuery),
    responses(
        (status = 200, description = "Per service unit", body = PublicIndex),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[get("/public/organizations/{code}/citizen-index")]
pub async fn public_index(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: ValidatedQuery<PublicQuery>,
) -> ApiResult<HttpResponse> {
    let year = query.0.year.unwrap_or_else(|| state.clock.now().year());
    let cache = state.public_cache.clone();
    let cache_control = ("Cache-Control", format!("public, max-age={}", cache.ttl().as_secs()));
    // The code is the organisation's own (no NUL in it): code and year make the key.
    let key = format!("{code}\u{0}{year}");
    if let Some(body) = cache.get(&key) {
        return Ok(HttpResponse::Ok()
            .content_type("application/json")
            .insert_header(cache_control)
            .body(body.to_vec()));
    }
    let now = state.clock.now();
    let index = state
        .db
        .read(move |conn| {
            let (org_id, org_name) =
                store::organization_by_code(conn, &code)?.ok_or(ApiError::NotFound("organization"))?;
            let (_, policy) = crate::policies::current(conn, &org_id)?;
            let service_units = store::service_units(conn, &org_id)?;
            let (start, end) = store::day_range(
                crate::organizations::time_zone(conn, &org_id)?,
                NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"),
                NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
            );
            let unit_ids: Vec<&UnitId> = service_units.iter().map(|(id, _)| id).collect();
            let mut sums = store::sums_per_unit(conn, &unit_ids, start, end)?;
            let ids: Vec<UnitId> = unit_ids.into_iter().cloned().collect();
            let mut complaints = crate::complaints::store::figures_of_units(conn, &ids, start, end, Some(now))?;
            let none = ElementSums::none();
            let out = service_units
                .into_iter()
                .map(|(unit_id, unit_name)| {
                    let result = sums.remove(&unit_id).as_ref().unwrap_or(&none).index(policy.min_citizen_responses);
                    let complaints = complaints.remove(&unit_id).unwrap_or_default();
                    PublicUnitIndex { unit_id, unit_name, result, complaints }
                })
                .collect();
            let portals = store::ratings_per_portal(conn, &org_id, start, end)?
                .into_iter()
                .map(|(portal_id, portal_name, ratings)| PortalRatings { portal_id, portal_name, ratings })
                .collect();
            Ok(PublicIndex { organization: org_name, year, units: out, portals })
        })
        .await?;
    let body = cache.put(key, serde_json::to_vec(&index).map_err(ApiError::internal)?);
    Ok(HttpResponse::Ok().content_type("application/json").insert_header(cache_control).body(body.to_vec()))
}
