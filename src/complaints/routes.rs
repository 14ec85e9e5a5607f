//! The complaint endpoints: a citizen's complaint with a ticket, a portal's, the tracking code's
//! status, the unit's list, assign/answer/close/reject, and the figures per unit and officer.

use actix_web::{get, http::header, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;

use super::store::{self, ComplaintRow};
use super::{
    AnswerComplaint, AssignComplaint, Complaint, ComplaintChannel, ComplaintFiguresReport, ComplaintQuery,
    ComplaintReceived, ComplaintStatus, ComplaintTracking, FiguresQuery, NewPortalComplaint, NewTicketComplaint,
    RejectComplaint, TrackingQuery,
};
use crate::audit::{self, Actor, ActorKind, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, complaint_visibility, EmployeeRef, Permission};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::complaint::{due_at, ComplaintStep};
use crate::error::{problems, responses, ApiError, ApiResult};
use crate::extract::{etag, IfMatch, ValidatedJson, ValidatedQuery};
use crate::pagination::{Page, PageRequest};
use crate::secrets::{random_bytes, sha256_hex};
use crate::state::AppState;
use crate::versioned::Edit;

/// Complaints, under `/complaints`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(submit_from_portal)
        .service(list_complaints)
        .service(get_complaint)
        .service(assign)
        .service(answer)
        .service(close)
        .service(reject);
}

/// Citizens' complaints, under `/public`.
pub fn public_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(submit_with_ticket).service(track);
}

/// A unit's figures, under `/units`.
pub fn unit_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(unit_figures);
}

/// An officer's figures, under `/employees`.
pub fn employee_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(officer_figures);
}

/// A new tracking code: 80 random bits as four groups of five hex digits (`ADU-…`), easy to read
/// out over a counter or a phone.
fn tracking_code() -> String {
    let hex = hex::encode_upper(random_bytes(10));
    format!("ADU-{}-{}-{}-{}", &hex[0..5], &hex[5..10], &hex[10..15], &hex[15..20])
}

/// The stored hash of a code as a citizen may type it (any case, with or without dashes).
fn tracking_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    sha256_hex(normal.strip_prefix("ADU").unwrap_or(&normal))
}

/// Stores a new complaint with its deadlines from the organisation's policy; returns the row and
/// the tracking code (shown once).
#[allow(clippy::too_many_arguments)]
fn receive(
    conn: &mut AnyConnection,
    clock: crate::clock::Clock,
    actor: &Actor,
    organization_id: &OrganizationId,
    unit_id: &UnitId,
    officer_id: Option<EmployeeId>,
    channel: ComplaintChannel,
    ticket_id: Option<String>,
    client_id: Option<String>,
    external_reference: Option<String>,
    body: &str,
) -> ApiResult<(ComplaintRow, String)> {
    let org = organization_id;
    let zone = crate::organizations::time_zone(conn, org)?;
    let today = zone.date_at(clock.now());
    // Complaints count in today's period; a closed period's figures are final.
    crate::periods::writable_on(conn, org, today)?;
    let policy = crate::policies::current(conn, organization_id)?.1.complaints;
    let received = clock.now();
    let code = tracking_code();
    let row = ComplaintRow {
        id: new_id(),
        organization_id: organization_id.clone(),
        unit_id: unit_id.clone(),
        officer_id,
        channel,
        ticket_id,
        client_id,
        external_reference,
        tracking_hash: tracking_hash(&code),
        body: body.trim().to_string(),
        status: ComplaintStatus::Received,
        assigned_to: None,
        assigned_by: None,
        assigned_at: None,
        answer: None,
        answered_by: None,
        answered_at: None,
        rejection_reason: None,
        closed_by: None,
        closed_at: None,
        received_at: clock.timestamp(),
        answer_due_at: due_at(received, zone, policy.answer_within_working_days).naive_utc(),
        close_due_at: due_at(received, zone, policy.close_within_working_days).naive_utc(),
        version: 1,
        updated_at: now(),
    };
    store::insert(conn, &row)?;
    // The audit keeps the complaint's facts and a hash of its text, not the text: the trail is
    // exported to auditors, and the text may name people.
    audit::record(
        conn,
        actor,
        organization_id,
        Change::new("complaint.received", "complaint", &row.id).after(&serde_json::json!({
            "unit_id": row.unit_id,
            "officer_id": row.officer_id,
            "channel": row.channel,
            "external_reference": row.external_reference,
            "text_sha256": sha256_hex(&row.body),
            "answer_due_at": row.answer_due_at.and_utc(),
        })),
    )?;
    Ok((row, code))
}

fn received(row: &ComplaintRow, code: String) -> ComplaintReceived {
    ComplaintReceived {
        tracking_code: code,
        status: row.status,
        received_at: row.received_at.and_utc(),
        answer_due_at: row.answer_due_at.and_utc(),
    }
}

/// A citizen complains about a service they received, with its rating ticket (rated or not), no
/// login: the ticket names the unit and the officer. One complaint per ticket, until the ticket
/// expires. Limited as the ratings are: failed ticket attempts per address. The answer is a
/// tracking code.
#[utoipa::path(
    tag = "public",
    request_body = NewTicketComplaint,
    responses(
        (status = 201, description = "Received", body = ComplaintReceived),
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
#[post("/public/complaints")]
pub async fn submit_with_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidatedJson<NewTicketComplaint>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let outcome = state
        .db
        .write(move |conn| {
            let ticket = store::ticket_by_hash(conn, &sha256_hex(&input.ticket))?;
            let Some((ticket_id, org, unit_id, officer_id, expires_at)) = ticket else {
                return Err(ApiError::NotFound("rating ticket"));
            };
            if expires_at < clock.timestamp() {
                return Err(ApiError::Gone {
                    code: "ticket_expired",
                    detail: "This ticket has expired; complain through the service desk or a portal".into(),
                });
            }
            if store::for_ticket(conn, &ticket_id)? {
                return Err(ApiError::conflict(
                    "complaint_exists",
                    "A complaint was already made with this ticket; follow it with its tracking code",
                ));
            }
            let actor = Actor { kind: ActorKind::Citizen, id: ticket_id.clone(), request_id: None };
            let (row, code) = receive(
                conn,
                clock,
                &actor,
                &org,
                &unit_id,
                officer_id,
                ComplaintChannel::Ticket,
                Some(ticket_id),
                None,
                None,
                &input.complaint,
            )?;
            Ok(received(&row, code))
        })
        .await;
    // The limit of every public endpoint that takes a ticket: failed attempts count per address.
    let out = state.rate_limit.ticket_attempt(&state.db, clock, &req, outcome).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The status and the answer of a complaint, for whoever holds its tracking code; nothing else.
/// Sent in the body so that the code stays out of URLs and logs. An unknown code counts as a
/// failed ticket attempt of the address (429 past the limit).
#[utoipa::path(
    tag = "public",
    request_body = TrackingQuery,
    responses(
        (status = 200, description = "The status", body = ComplaintTracking),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/public/complaints/status")]
pub async fn track(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidatedJson<TrackingQuery>,
) -> ApiResult<HttpResponse> {
    let hash = tracking_hash(&body.into_inner().tracking_code);
    let outcome =
        state.db.read(move |conn| store::by_tracking_hash(conn, &hash)?.ok_or(ApiError::NotFound("complaint"))).await;
    // A guessed code counts as a failed ticket attempt: past the limit the address gets 429.
    let row = state.rate_limit.ticket_attempt(&state.db, state.clock, &req, outcome).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(ComplaintTracking {
        status: row.status,
        received_at: row.received_at.and_utc(),
        answer_due_at: row.answer_due_at.and_utc(),
        answer: row.answer,
        answered_at: row.answered_at.map(|t| t.and_utc()),
        rejection_reason: row.rejection_reason,
        closed_at: row.closed_at.map(|t| t.and_utc()),
    }))
}

/// A portal with the `complaints:write` scope passes on a complaint it received (optionally with
/// its reference elsewhere, e.g. SP4N-LAPOR!) for one of the organisation's service units. The
/// answer carries the tracking code for the citizen.
#[utoipa::path(
    tag = "complaints",
    request_body = NewPortalComplaint,
    responses((status = 201, description = "Received", body = ComplaintReceived), problems::Create),
    security(("bearer" = []))
)]
#[post("/complaints")]
pub async fn submit_from_portal(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewPortalComplaint>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::SubmitComplaint { organization_id: &caller.organization_id })?;
    let input = body.into_inner();
    let clock = state.clock;
    let out = state
        .db
        .write(move |conn| {
            let unit = crate::units::find(conn, &input.unit_id)?;
            if unit.organization_id != caller.organization_id {
                return Err(ApiError::NotFound("unit"));
            }
            if !unit.is_service_unit {
                return Err(ApiError::field("unit_id", "not_a_service_unit", "this unit does not serve the public"));
            }
            if let Some(officer) = &input.officer_id {
                let row = crate::employees::find(conn, officer)
                    .map_err(|_| ApiError::field("officer_id", "unknown", "no such employee"))?;
                if row.organization_id != caller.organization_id {
                    return Err(ApiError::field("officer_id", "unknown", "no such employee"));
                }
            }
            let (row, code) = receive(
                conn,
                clock,
                &caller.actor(),
                &caller.organization_id,
                &unit.id,
                input.officer_id.clone(),
                ComplaintChannel::Portal,
                None,
                Some(caller.subject_id.clone()),
                input.external_reference.clone(),
                &input.complaint,
            )?;
            Ok(received(&row, code))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Complaints the caller handles, by id: admins and auditors every one of the organisation, a
/// unit's head those about their unit, an officer those assigned to them.
#[utoipa::path(
    tag = "complaints",
    params(ComplaintQuery),
    responses((status = 200, description = "A page of complaints", body = Page<Complaint>), problems::Read),
    security(("bearer" = []))
)]
#[get("/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<ComplaintQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let rows = state
        .db
        .read(move |conn| {
            let headed = crate::templates::store::headed_unit(conn, caller.employee_id())?;
            let visibility = complaint_visibility(&caller, headed.as_ref())?;
            store::list(conn, &caller.organization_id, visibility, query, after, fetch)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| r.id.clone(), ComplaintRow::view)))
}

/// The complaint, checked against `permission`.
fn load_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    permission: for<'a> fn(&'a crate::authz::ComplaintRef, Option<&'a UnitId>) -> Permission<'a>,
) -> ApiResult<ComplaintRow> {
    let row = store::find(conn, id)?;
    let headed = crate::templates::store::headed_unit(conn, caller.employee_id())?;
    authorize(caller, permission(&row.reference(), headed.as_ref()))?;
    Ok(row)
}

fn ok_with_etag(complaint: &Complaint) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(complaint.version))).json(complaint)
}

/// One complaint: admins, auditors, the head of its unit and the officer assigned to it.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses(
        (status = 200, description = "The complaint", body = Complaint, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/complaints/{id}")]
pub async fn get_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = state
        .db
        .read(move |conn| {
            load_checked(conn, &caller, &id, |complaint, headed_unit| Permission::ReadComplaint {
                complaint,
                headed_unit,
            })
        })
        .await?;
    Ok(ok_with_etag(&row.view()))
}

/// A complaint as the audit trail keeps it: the facts, with hashes of the texts (the complaint's
/// and the answer's text stay out of the trail, which auditors export).
struct Facts(Complaint);

impl serde::Serialize for Facts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &self.0;
        serde_json::json!({
            "status": c.status, "assigned_to": c.assigned_to, "answered_by": c.answered_by,
            "answered_at": c.answered_at, "answered_in_time": c.answered_in_time,
            "answer_sha256": c.answer.as_deref().map(sha256_hex),
            "rejection_reason": c.rejection_reason, "closed_at": c.closed_at, "version": c.version,
        })
        .serialize(serializer)
    }
}

/// Moves a complaint one step at the version read (`versioned::Edit`); audited as
/// `complaint.<action>`.
fn step(
    conn: &mut AnyConnection,
    caller: &Caller,
    row: ComplaintRow,
    if_match: i32,
    step: ComplaintStep,
    action: &str,
    change: impl FnOnce(&mut ComplaintRow),
) -> ApiResult<Complaint> {
    let Some(next) = row.status.after(step) else {
        return Err(ApiError::conflict(
            "complaint_status",
            format!("A {} complaint cannot be {}", row.status.as_str(), action_past(action)),
        ));
    };
    let before = Facts(row.clone().view());
    let mut after = row.clone();
    change(&mut after);
    after.status = next;
    let id = row.id.clone();
    let edit = Edit {
        caller,
        organization_id: &row.organization_id,
        change: Change::new(format!("complaint.{action}"), "complaint", &row.id),
        before: &before,
        if_match,
    };
    let facts = edit.apply(
        conn,
        |conn, versions| store::step(conn, versions, &after),
        |conn| Ok(Facts(store::find(conn, &id)?.view())),
    )?;
    Ok(facts.0)
}

fn action_past(action: &str) -> &'static str {
    match action {
        "assign" => "assigned",
        "answer" => "answered",
        "close" => "closed",
        _ => "rejected",
    }
}

/// The head of the complaint's unit (or an admin) assigns it to an officer of the organisation,
/// who must answer; reassigning is possible until it is answered.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = AssignComplaint,
    responses((status = 200, description = "Assigned", body = Complaint, headers(("ETag" = String, description = "The new version"))), problems::Update),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<AssignComplaint>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let complaint = state
        .db
        .write(move |conn| {
            let row = load_checked(conn, &caller, &id, |complaint, headed_unit| Permission::ManageComplaint {
                complaint,
                headed_unit,
            })?;
            let officer = crate::employees::find(conn, &input.officer_id)
                .ok()
                .filter(|o| o.organization_id == row.organization_id && o.active)
                .ok_or_else(|| ApiError::field("officer_id", "unknown", "an active employee of the organisation"))?;
            let by = caller.acting_employee()?.clone();
            step(conn, &caller, row, if_match.0, ComplaintStep::Assign, "assign", |c| {
                c.assigned_to = Some(officer.id);
                c.assigned_by = Some(by);
                c.assigned_at = Some(clock.timestamp());
            })
        })
        .await?;
    Ok(ok_with_etag(&complaint))
}

/// The officer assigned answers; the citizen reads it with the tracking code. The first answer's
/// time is kept (and whether it came by the deadline); a later answer replaces the text.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = AnswerComplaint,
    responses((status = 200, description = "Answered", body = Complaint, headers(("ETag" = String, description = "The new version"))), problems::Update),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<AnswerComplaint>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let complaint = state
        .db
        .write(move |conn| {
            let row = load_checked(conn, &caller, &id, |complaint, headed_unit| Permission::AnswerComplaint {
                complaint,
                headed_unit,
            })?;
            let by = caller.acting_employee()?.clone();
            step(conn, &caller, row, if_match.0, ComplaintStep::Answer, "answer", |c| {
                c.answer = Some(input.answer.trim().to_string());
                if c.answered_at.is_none() {
                    c.answered_at = Some(clock.timestamp());
                    c.answered_by = Some(by);
                }
            })
        })
        .await?;
    Ok(ok_with_etag(&complaint))
}

/// The head of the unit (or an admin) closes an answered complaint once it is put right.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses((status = 200, description = "Closed", body = Complaint, headers(("ETag" = String, description = "The new version"))), problems::Update),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let complaint = state
        .db
        .write(move |conn| {
            let row = load_checked(conn, &caller, &id, |complaint, headed_unit| Permission::ManageComplaint {
                complaint,
                headed_unit,
            })?;
            let by = caller.acting_employee()?.clone();
            step(conn, &caller, row, if_match.0, ComplaintStep::Close, "close", |c| {
                c.closed_at = Some(clock.timestamp());
                c.closed_by = Some(by);
            })
        })
        .await?;
    Ok(ok_with_etag(&complaint))
}

/// The head of the unit (or an admin) rejects a complaint the unit cannot handle, with a reason
/// the citizen reads; only before it is answered.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = RejectComplaint,
    responses((status = 200, description = "Rejected", body = Complaint, headers(("ETag" = String, description = "The new version"))), problems::Update),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<RejectComplaint>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let clock = state.clock;
    let complaint = state
        .db
        .write(move |conn| {
            let row = load_checked(conn, &caller, &id, |complaint, headed_unit| Permission::ManageComplaint {
                complaint,
                headed_unit,
            })?;
            let by = caller.acting_employee()?.clone();
            step(conn, &caller, row, if_match.0, ComplaintStep::Reject, "reject", |c| {
                c.rejection_reason = Some(input.reason.trim().to_string());
                c.closed_at = Some(clock.timestamp());
                c.closed_by = Some(by);
            })
        })
        .await?;
    Ok(ok_with_etag(&complaint))
}

/// The period's dates and their instants in the organisation's time zone.
fn period_range(
    conn: &mut AnyConnection,
    caller: &Caller,
    period_id: &str,
) -> ApiResult<(crate::periods::PeriodRow, NaiveDateTime, NaiveDateTime)> {
    let period = crate::periods::find(conn, period_id)?;
    authorize(caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
    let zone = crate::organizations::time_zone(conn, &period.organization_id)?;
    let (start, end) = (zone.start_of_day(period.starts_on).naive_utc(), zone.end_of_day(period.ends_on).naive_utc());
    Ok((period, start, end))
}

/// A unit's complaint figures for a period (received, answered, answered in time, rejected,
/// overdue, median hours to the first answer): admins, auditors and the unit's head.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Unit id"), FiguresQuery),
    responses((status = 200, description = "The figures", body = ComplaintFiguresReport), problems::Read),
    security(("bearer" = []))
)]
#[get("/units/{id}/complaint-figures")]
pub async fn unit_figures(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UnitId>,
    query: ValidatedQuery<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let report = state
        .db
        .read(move |conn| {
            let unit = crate::units::find(conn, &id)?;
            let headed = crate::templates::store::headed_unit(conn, caller.employee_id())?;
            authorize(
                &caller,
                Permission::ReadUnitComplaints {
                    organization_id: &unit.organization_id,
                    unit_id: &unit.id,
                    headed_unit: headed.as_ref(),
                },
            )?;
            let (period, start, end) = period_range(conn, &caller, &query.0.period_id)?;
            let policy = crate::policies::current(conn, &unit.organization_id)?.1;
            let ids = vec![unit.id.clone()];
            let mut all = store::figures_of_units(conn, &ids, start, end, Some(clock.now()))?;
            Ok(ComplaintFiguresReport {
                subject: "unit".into(),
                subject_id: unit.id.to_string(),
                period_id: period.id,
                from: period.starts_on,
                to: period.ends_on,
                answer_within_working_days: policy.complaints.answer_within_working_days,
                figures: all.remove(&unit.id).unwrap_or_default(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// An officer's complaint figures for a period (the complaints assigned to them): as the
/// employee's performance records (the employee, their supervisor, admins, auditors).
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Employee id"), FiguresQuery),
    responses((status = 200, description = "The figures", body = ComplaintFiguresReport), problems::Read),
    security(("bearer" = []))
)]
#[get("/employees/{id}/complaint-figures")]
pub async fn officer_figures(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let report = state
        .db
        .read(move |conn| {
            let employee = crate::employees::find(conn, &id)?;
            let reference: EmployeeRef = employee.reference();
            authorize(&caller, Permission::ReadPerformance { employee: &reference })?;
            let (period, start, end) = period_range(conn, &caller, &query.0.period_id)?;
            let policy = crate::policies::current(conn, &employee.organization_id)?.1;
            let ids = vec![employee.id.clone()];
            let mut all = store::figures_of_officers(conn, &ids, start, end, Some(clock.now()))?;
            Ok(ComplaintFiguresReport {
                subject: "officer".into(),
                subject_id: employee.id.to_string(),
                period_id: period.id,
                from: period.starts_on,
                to: period.ends_on,
                answer_within_working_days: policy.complaints.answer_within_working_days,
                figures: all.remove(&employee.id).unwrap_or_default(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
