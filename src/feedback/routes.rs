//! The feedback endpoints: start a thread, list an employee's threads, read one, reply.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use sha2::{Digest, Sha256};

use super::store::{self, MessageRow, ThreadRow};
use super::{FeedbackQuery, FeedbackThread, FeedbackThreadSummary, NewFeedback, NewReply};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::employees::{self as staff, EmployeeRow};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{IdempotencyKey, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::periods;
use crate::state::AppState;

/// Threads, under `/feedback`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_feedback).service(reply_feedback);
}

/// An employee's threads, under `/employees`.
pub fn employee_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_feedback).service(start_feedback);
}

/// The employee a thread is about, and their second-level supervisor (the supervisor's supervisor).
fn parties(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<(EmployeeRow, Option<EmployeeId>)> {
    let employee = staff::find(conn, employee_id)?;
    let second_level = match &employee.supervisor_id {
        Some(supervisor) => staff::find(conn, supervisor)?.supervisor_id,
        None => None,
    };
    Ok((employee, second_level))
}

/// What the audit trail keeps of a message: who, where, and a hash of the text (admins read the
/// audit trail, and feedback is not theirs to read).
fn audited(thread: &ThreadRow, message: &MessageRow) -> serde_json::Value {
    serde_json::json!({
        "thread_id": thread.id,
        "message_id": message.id,
        "employee_id": thread.employee_id,
        "author_id": message.author_id,
        "target_id": thread.target_lineage_id,
        "achievement_id": thread.achievement_id,
        "body_chars": message.body.chars().count(),
        "body_sha256": hex::encode(Sha256::digest(message.body.as_bytes())),
    })
}

/// The lineage of a target (id or lineage id) of the employee's SKP, refusing a closed period.
fn target_of(conn: &mut AnyConnection, employee: &EmployeeRow, wanted: &str) -> ApiResult<String> {
    let (lineage, period_id) = store::target_of(conn, &employee.id, wanted)?
        .ok_or_else(|| ApiError::field("target_id", "not_found", "must be a target of the employee's SKP"))?;
    periods::writable(conn, &period_id)?;
    Ok(lineage)
}

fn achievement_of(conn: &mut AnyConnection, employee: &EmployeeRow, wanted: &str) -> ApiResult<String> {
    let achievement = crate::achievements::store::find(conn, wanted)
        .ok()
        .filter(|a| a.employee_id == employee.id)
        .ok_or_else(|| ApiError::field("achievement_id", "not_found", "must be one of the employee's achievements"))?;
    periods::writable(conn, &achievement.period_id)?;
    Ok(achievement.id)
}

/// The feedback threads about an employee, oldest first: for the employee, their supervisor,
/// the second-level supervisor and auditors.
#[utoipa::path(
    tag = "feedback",
    params(("id" = String, Path, description = "Employee id"), FeedbackQuery),
    responses(
        (status = 200, description = "A page of threads", body = Page<FeedbackThreadSummary>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/employees/{id}/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    query: ValidatedQuery<FeedbackQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let result = state
        .db
        .read(move |conn| {
            let (employee, second_level) = parties(conn, &id)?;
            authorize(
                &caller,
                Permission::ReadFeedback { employee: &employee.reference(), second_level_id: second_level.as_ref() },
            )?;
            let rows = store::threads_of(conn, &employee.id, &page, query.updated_since.map(|t| t.naive_utc()))?;
            Ok(page.page(rows, |r| r.id.clone(), ThreadRow::summary))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Starts a feedback thread with an employee (their direct supervisor), optionally about one of
/// their targets or achievements.
#[utoipa::path(
    tag = "feedback",
    params(("id" = String, Path, description = "Employee id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewFeedback,
    responses(
        (status = 201, description = "The new thread", body = FeedbackThread),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/employees/{id}/feedback")]
pub async fn start_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EmployeeId>,
    key: IdempotencyKey,
    body: ValidatedJson<NewFeedback>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let body_text = input.body.trim().to_string();
    if body_text.is_empty() {
        return Err(ApiError::field("body", "required", "write something"));
    }
    let stored = state
        .db
        .write(move |conn| {
            let request = (&*id, &input);
            idempotency::once(conn, &caller, &key, &request, |conn| {
                let (employee, second_level) = parties(conn, &id)?;
                authorize(
                    &caller,
                    Permission::WriteFeedback {
                        employee: &employee.reference(),
                        second_level_id: second_level.as_ref(),
                    },
                )?;
                let target = input.target_id.as_deref().map(|t| target_of(conn, &employee, t)).transpose()?;
                let achievement =
                    input.achievement_id.as_deref().map(|a| achievement_of(conn, &employee, a)).transpose()?;
                let me = caller.acting_employee()?.clone();
                let at = now();
                let thread = ThreadRow {
                    id: new_id(),
                    organization_id: employee.organization_id.clone(),
                    employee_id: employee.id.clone(),
                    supervisor_id: me.clone(),
                    target_lineage_id: target,
                    achievement_id: achievement,
                    message_count: 0,
                    created_at: at,
                    updated_at: at,
                };
                let message = MessageRow {
                    id: new_id(),
                    thread_id: thread.id.clone(),
                    author_id: me,
                    body: body_text.clone(),
                    created_at: at,
                };
                store::insert(conn, &thread, &message)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &thread.organization_id,
                    Change::new("feedback.create", "feedback", &thread.id).after(&audited(&thread, &message)),
                )?;
                let row = store::find(conn, &thread.id)?;
                let created = store::load(conn, row)?;
                Stored::new(StatusCode::CREATED, &created)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One thread with its messages in time order.
#[utoipa::path(
    tag = "feedback",
    params(("id" = String, Path, description = "Thread id")),
    responses(
        (status = 200, description = "The thread", body = FeedbackThread),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/feedback/{id}")]
pub async fn get_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let thread = state
        .db
        .read(move |conn| {
            let row = store::find(conn, &id)?;
            let (employee, second_level) = parties(conn, &row.employee_id)?;
            authorize(
                &caller,
                Permission::ReadFeedback { employee: &employee.reference(), second_level_id: second_level.as_ref() },
            )?;
            store::load(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(thread))
}

/// Replies in a thread: the employee, or the supervisor who started it.
#[utoipa::path(
    tag = "feedback",
    params(("id" = String, Path, description = "Thread id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewReply,
    responses(
        (status = 201, description = "The thread with the reply", body = FeedbackThread),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/feedback/{id}/replies")]
pub async fn reply_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    key: IdempotencyKey,
    body: ValidatedJson<NewReply>,
) -> ApiResult<HttpResponse> {
    let body_text = body.into_inner().body.trim().to_string();
    if body_text.is_empty() {
        return Err(ApiError::field("body", "required", "write something"));
    }
    let stored = state
        .db
        .write(move |conn| {
            let request = (&*id, &body_text);
            idempotency::once(conn, &caller, &key, &request, |conn| {
                let thread = store::find(conn, &id)?;
                let (employee, second_level) = parties(conn, &thread.employee_id)?;
                let reference = employee.reference();
                authorize(
                    &caller,
                    Permission::ReplyFeedback {
                        employee: &reference,
                        second_level_id: second_level.as_ref(),
                        opened_by: &thread.supervisor_id,
                    },
                )?;
                let message = MessageRow {
                    id: new_id(),
                    thread_id: thread.id.clone(),
                    author_id: caller.acting_employee()?.clone(),
                    body: body_text.clone(),
                    created_at: now(),
                };
                store::append(conn, &thread, &message)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &thread.organization_id,
                    Change::new("feedback.reply", "feedback", &thread.id).after(&audited(&thread, &message)),
                )?;
                let row = store::find(conn, &thread.id)?;
                let updated = store::load(conn, row)?;
                Stored::new(StatusCode::CREATED, &updated)
            })
        })
        .await?;
    Ok(stored.into_response())
}
