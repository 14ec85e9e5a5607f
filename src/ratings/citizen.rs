//! Citizen ratings (Survei Kepuasan Masyarakat). Citizens have no accounts: a portal or service
//! desk issues a one-time ticket for a service transaction; the citizen rates the nine elements
//! with it, without logging in. The index is computed in SQL over the period's dates.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Actor, Change};
use crate::auth::caller::Caller;
use crate::auth::tokens::{random_token, sha256_hex};
use crate::authz::{authorize, Permission};
use std::collections::HashMap;

use crate::db::schema::{citizen_ratings, employees, organizations, rating_tickets, sub_periods, units};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::skm::{skm_index, SkmResult};
use crate::employees as staff;
use crate::error::{problems, responses, ApiError, ApiResult};
use crate::extract::{ValidatedJson, ValidatedQuery};
use crate::rate_limit::Limited;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issue_ticket)
        .service(submit_citizen_rating)
        .service(unit_index)
        .service(officer_index)
        .service(public_index);
}

/// A new ticket for one service transaction.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"unit_id": "0193...", "officer_id": null, "reference": "LOKET-2026-000123", "expires_in_hours": 168}))]
pub struct NewTicket {
    /// The service unit that served the citizen.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: String,
    /// The officer who served, if the rating should also count for them.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub officer_id: Option<String>,
    /// The portal's own reference of the transaction.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// How long the citizen has to rate (1-720 hours; default 168, a week).
    #[validate(range(min = 1, max = 720))]
    #[schema(minimum = 1, maximum = 720)]
    pub expires_in_hours: Option<i64>,
}

/// The ticket; hand `token` to the citizen (a link, a QR code). It is shown only here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedTicket {
    pub id: String,
    pub token: String,
    pub unit_id: String,
    pub officer_id: Option<String>,
    pub reference: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The nine SKM elements, each 1 (tidak baik) to 4 (sangat baik).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkmScores {
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub persyaratan: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub prosedur: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub waktu_penyelesaian: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub biaya_tarif: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub produk_layanan: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub kompetensi_pelaksana: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub perilaku_pelaksana: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub penanganan_pengaduan: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub sarana_prasarana: i32,
}

/// A citizen's rating, sent with the ticket they were given.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CitizenRatingInput {
    #[validate(length(min = 10, max = 100))]
    #[schema(min_length = 10, max_length = 100)]
    pub ticket: String,
    #[validate(nested)]
    pub scores: SkmScores,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingReceived {
    /// Terima kasih: the rating was recorded.
    pub received: bool,
    pub unit_name: String,
}

/// The index of a unit or an officer for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CitizenIndex {
    /// `unit` or `officer`.
    pub subject: String,
    pub subject_id: String,
    pub period_id: String,
    /// The month or quarter, when one was asked for.
    pub sub_period_id: Option<String>,
    /// The first and last day whose ratings count.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub policy_version: i32,
    pub result: SkmResult,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
    /// One month or quarter of the period instead of the whole year.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub sub_period_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// The year; the current year when absent.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// One service unit's public figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicUnitIndex {
    pub unit_id: String,
    pub unit_name: String,
    pub result: SkmResult,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicIndex {
    pub organization: String,
    pub year: i32,
    pub units: Vec<PublicUnitIndex>,
}

/// What the submission needs of a ticket.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = rating_tickets)]
struct TicketRow {
    id: String,
    organization_id: String,
    unit_id: String,
    officer_id: Option<String>,
    expires_at: chrono::NaiveDateTime,
    used_at: Option<chrono::NaiveDateTime>,
}

/// Issues a one-time rating ticket (portals with `rating_tickets:issue`; not people, so that nobody
/// in the organisation can rate on a citizen's behalf).
#[utoipa::path(
    tag = "citizen-ratings",
    request_body = NewTicket,
    responses(
        (status = 201, description = "The ticket, with its token shown once", body = IssuedTicket),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/rating-tickets")]
pub async fn issue_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewTicket>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::IssueRatingTickets { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    let ticket = state
        .db
        .write(move |conn| {
            let org = caller.organization_id.clone();
            let unit: Option<(String, bool)> =
                units::table.find(&input.unit_id).select((units::organization_id, units::is_service_unit)).first(conn).optional()?;
            match unit {
                Some((unit_org, true)) if unit_org == org => {}
                Some((unit_org, false)) if unit_org == org => {
                    return Err(ApiError::field("unit_id", "not_a_service_unit", "this unit does not serve the public"))
                }
                _ => return Err(ApiError::field("unit_id", "unknown_unit", "no such unit in this organisation")),
            }
            if let Some(officer) = &input.officer_id {
                let officer_org: Option<String> = employees::table.find(officer).select(employees::organization_id).first(conn).optional()?;
                if officer_org.as_deref() != Some(org.as_str()) {
                    return Err(ApiError::field("officer_id", "unknown_employee", "no such employee in this organisation"));
                }
            }
            crate::periods::writable_on(conn, &org, now().date())?;
            let token = random_token();
            let id = new_id();
            let expires_at = now() + chrono::Duration::hours(input.expires_in_hours.unwrap_or(168));
            diesel::insert_into(rating_tickets::table)
                .values((
                    rating_tickets::id.eq(&id),
                    rating_tickets::organization_id.eq(&org),
                    rating_tickets::unit_id.eq(&input.unit_id),
                    rating_tickets::officer_id.eq(&input.officer_id),
                    rating_tickets::issued_by.eq(&caller.subject_id),
                    rating_tickets::reference.eq(&input.reference),
                    rating_tickets::token_hash.eq(sha256_hex(&token)),
                    rating_tickets::expires_at.eq(expires_at),
                    rating_tickets::created_at.eq(now()),
                ))
                .execute(conn)?;
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

/// A citizen rates a service with their ticket; no login. Each ticket works once. Rate limited
/// per client address.
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
    state.rate_limit.check(&state.db, Limited::CitizenRating, &req).await?;
    let input = body.into_inner();
    let received = state
        .db
        .write(move |conn| {
            let ticket = rating_tickets::table
                .filter(rating_tickets::token_hash.eq(sha256_hex(&input.ticket)))
                .select(TicketRow::as_select())
                .first(conn)
                .optional()?;
            let Some(TicketRow { id: ticket_id, organization_id: org, unit_id, officer_id, expires_at, used_at }) =
                ticket
            else {
                return Err(ApiError::NotFound("rating ticket"));
            };
            let used = || {
                ApiError::conflict("ticket_used", "This ticket was already used; each ticket rates one service once")
            };
            if used_at.is_some() {
                return Err(used());
            }
            if expires_at < now() {
                return Err(ApiError::Gone {
                    code: "ticket_expired",
                    detail: "This ticket has expired; ask the service desk for a new one".into(),
                });
            }
            // A rating counts in today's period; a closed one's index is final.
            crate::periods::writable_on(conn, &org, now().date())?;
            // Claiming the ticket only while unused makes two racing submissions one rating.
            let claimed =
                diesel::update(rating_tickets::table.find(&ticket_id).filter(rating_tickets::used_at.is_null()))
                    .set(rating_tickets::used_at.eq(now()))
                    .execute(conn)?;
            if claimed != 1 {
                return Err(used());
            }
            let s = input.scores;
            let rating_id = new_id();
            diesel::insert_into(citizen_ratings::table)
                .values((
                    citizen_ratings::id.eq(&rating_id),
                    citizen_ratings::organization_id.eq(&org),
                    citizen_ratings::unit_id.eq(&unit_id),
                    citizen_ratings::officer_id.eq(&officer_id),
                    citizen_ratings::ticket_id.eq(&ticket_id),
                    citizen_ratings::persyaratan.eq(s.persyaratan),
                    citizen_ratings::prosedur.eq(s.prosedur),
                    citizen_ratings::waktu_penyelesaian.eq(s.waktu_penyelesaian),
                    citizen_ratings::biaya_tarif.eq(s.biaya_tarif),
                    citizen_ratings::produk_layanan.eq(s.produk_layanan),
                    citizen_ratings::kompetensi_pelaksana.eq(s.kompetensi_pelaksana),
                    citizen_ratings::perilaku_pelaksana.eq(s.perilaku_pelaksana),
                    citizen_ratings::penanganan_pengaduan.eq(s.penanganan_pengaduan),
                    citizen_ratings::sarana_prasarana.eq(s.sarana_prasarana),
                    citizen_ratings::comment.eq(&input.comment),
                    citizen_ratings::submitted_at.eq(now()),
                ))
                .execute(conn)?;
            // Anonymous: the actor is the ticket. Scores are kept; the free-text comment is not copied.
            let actor = Actor { kind: "citizen", id: ticket_id.clone(), request_id: None };
            audit::record(
                conn,
                &actor,
                &org,
                Change::new("citizen_rating.submit", "citizen_rating", &rating_id).after(&s),
            )?;
            let unit_name: String = units::table.find(&unit_id).select(units::name).first(conn)?;
            Ok(RatingReceived { received: true, unit_name })
        })
        .await?;
    Ok(HttpResponse::Created().json(received))
}

/// Whose ratings an index counts.
#[derive(Debug, Clone, Copy)]
enum SkmSubject<'a> {
    /// Every rating of a service unit.
    Unit(&'a str),
    /// The ratings naming an officer.
    Officer(&'a str),
}

/// The per-element sums and the count of a set of ratings, as SQL returns them.
#[derive(Debug, Queryable)]
struct ElementSums {
    respondents: i64,
    sums: NineSums,
}

/// One `SUM` per element, in the regulation's order (`NULL` when there are no ratings).
type NineSums = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

impl ElementSums {
    fn index(&self, min_responses: u32) -> SkmResult {
        let (a, b, c, d, e, f, g, h, i) = self.sums;
        let sums = [a, b, c, d, e, f, g, h, i].map(|s| s.unwrap_or(0).max(0) as u64);
        skm_index(sums, self.respondents.max(0) as u64, min_responses as u64)
    }
}

/// The count and the nine element sums, as one SQL select list (the same for one subject and for
/// the per-unit grouping).
macro_rules! element_sums {
    () => {
        (
            diesel::dsl::count_star(),
            (
                diesel::dsl::sum(citizen_ratings::persyaratan),
                diesel::dsl::sum(citizen_ratings::prosedur),
                diesel::dsl::sum(citizen_ratings::waktu_penyelesaian),
                diesel::dsl::sum(citizen_ratings::biaya_tarif),
                diesel::dsl::sum(citizen_ratings::produk_layanan),
                diesel::dsl::sum(citizen_ratings::kompetensi_pelaksana),
                diesel::dsl::sum(citizen_ratings::perilaku_pelaksana),
                diesel::dsl::sum(citizen_ratings::penanganan_pengaduan),
                diesel::dsl::sum(citizen_ratings::sarana_prasarana),
            ),
        )
    };
}

/// The start of `from` and the start of the day after `to`: the half-open range of a period's days.
fn day_range(from: NaiveDate, to: NaiveDate) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
    let start = from.and_hms_opt(0, 0, 0).expect("midnight exists");
    let end = to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).expect("midnight exists");
    (start, end)
}

/// The index of one subject's ratings submitted from `from` to `to`, in one SQL aggregate.
fn index_of(
    conn: &mut AnyConnection,
    subject: SkmSubject<'_>,
    from: NaiveDate,
    to: NaiveDate,
    min_responses: u32,
) -> ApiResult<SkmResult> {
    let (start, end) = day_range(from, to);
    let mut q = citizen_ratings::table
        .filter(citizen_ratings::submitted_at.ge(start))
        .filter(citizen_ratings::submitted_at.lt(end))
        .into_boxed();
    q = match subject {
        SkmSubject::Unit(id) => q.filter(citizen_ratings::unit_id.eq(id.to_string())),
        SkmSubject::Officer(id) => q.filter(citizen_ratings::officer_id.eq(id.to_string())),
    };
    let sums: ElementSums = q.select(element_sums!()).first(conn)?;
    Ok(sums.index(min_responses))
}

/// The index of `subject` for a period of the caller's organisation, or one of its sub-periods.
fn period_index(
    conn: &mut AnyConnection,
    caller: &Caller,
    organization_id: &str,
    subject: SkmSubject<'_>,
    query: IndexQuery,
) -> ApiResult<CitizenIndex> {
    let period = crate::periods::find(conn, &query.period_id)?;
    if period.organization_id != caller.organization_id {
        return Err(ApiError::NotFound("period"));
    }
    let (from, to) = match &query.sub_period_id {
        None => (period.starts_on, period.ends_on),
        Some(sub) => sub_periods::table
            .find(sub)
            .filter(sub_periods::period_id.eq(&period.id))
            .select((sub_periods::starts_on, sub_periods::ends_on))
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::field("sub_period_id", "unknown_sub_period", "not a sub-period of this period"))?,
    };
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
        result: index_of(conn, subject, from, to, policy.min_citizen_responses)?,
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
    id: web::Path<String>,
    query: ValidatedQuery<IndexQuery>,
) -> ApiResult<HttpResponse> {
    let index = state
        .db
        .read(move |conn| {
            let unit = crate::units::find(conn, &id)?;
            authorize(&caller, Permission::ReadOrganization { organization_id: &unit.organization_id }).map_err(
                |e| match e {
                    ApiError::NotFound(_) => ApiError::NotFound("unit"),
                    other => other,
                },
            )?;
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
    id: web::Path<String>,
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
/// No personal data, no comments, no officers.
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "Organisation code"), PublicQuery),
    responses(
        (status = 200, description = "Per service unit", body = PublicIndex),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::ValidationFailed),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[get("/public/organizations/{code}/citizen-index")]
pub async fn public_index(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    query: ValidatedQuery<PublicQuery>,
) -> ApiResult<HttpResponse> {
    state.rate_limit.check(&state.db, Limited::PublicRead, &req).await?;
    let year = query.0.year.unwrap_or_else(|| chrono::Utc::now().year());
    let index = state
        .db
        .read(move |conn| {
            let (org_id, org_name): (String, String) = organizations::table
                .filter(organizations::code.eq(code.as_str()))
                .select((organizations::id, organizations::name))
                .first(conn)
                .optional()?
                .ok_or(ApiError::NotFound("organization"))?;
            let (_, policy) = crate::policies::current(conn, &org_id)?;
            let service_units: Vec<(String, String)> = units::table
                .filter(units::organization_id.eq(&org_id))
                .filter(units::is_service_unit.eq(true))
                .order(units::name.asc())
                .select((units::id, units::name))
                .load(conn)?;
            let (start, end) = day_range(
                NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"),
                NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
            );
            let unit_ids: Vec<&String> = service_units.iter().map(|(id, _)| id).collect();
            // One aggregate grouped by unit, whatever the number of units.
            let mut sums: HashMap<String, ElementSums> = citizen_ratings::table
                .filter(citizen_ratings::unit_id.eq_any(unit_ids))
                .filter(citizen_ratings::submitted_at.ge(start))
                .filter(citizen_ratings::submitted_at.lt(end))
                .group_by(citizen_ratings::unit_id)
                .select((citizen_ratings::unit_id, element_sums!()))
                .load::<(String, ElementSums)>(conn)?
                .into_iter()
                .collect();
            let none = ElementSums { respondents: 0, sums: Default::default() };
            let out = service_units
                .into_iter()
                .map(|(unit_id, unit_name)| {
                    let result = sums.remove(&unit_id).as_ref().unwrap_or(&none).index(policy.min_citizen_responses);
                    PublicUnitIndex { unit_id, unit_name, result }
                })
                .collect();
            Ok(PublicIndex { organization: org_name, year, units: out })
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(index))
}
